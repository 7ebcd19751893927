// CreateTable, DescribeTable, UpdateTable, DeleteTable and ListTables of the 2011-12-05 API: the current operations, their tables in the old shape.
import type * as Old from "./types.js";
import type { DynamoContext } from "../context.js";
import { createTable } from "../handlers/create-table.js";
import { deleteTable } from "../handlers/delete-table.js";
import { describeTableHandler } from "../handlers/describe-table.js";
import { listTables } from "../handlers/list-tables.js";
import { updateTable } from "../handlers/update-table.js";
import { oldDescription } from "./keys.js";

/** The old KeySchema names each key attribute with its type: the current AttributeDefinitions and KeySchema together. */
export function createTableV20111205(input: Old.CreateTableInput, ctx: DynamoContext): Old.CreateTableOutput {
  const { HashKeyElement: hash, RangeKeyElement: range } = input.KeySchema;
  const elements = range === undefined ? [hash] : [hash, range];
  const created = createTable(
    {
      TableName: input.TableName,
      AttributeDefinitions: elements.map((e) => ({ AttributeName: e.AttributeName, AttributeType: e.AttributeType })),
      KeySchema: elements.map((e, i) => ({ AttributeName: e.AttributeName, KeyType: i === 0 ? "HASH" : "RANGE" })),
      ProvisionedThroughput: input.ProvisionedThroughput,
    },
    ctx,
  );
  return { TableDescription: oldDescription(created.TableDescription ?? {}) };
}

export function describeTableV20111205(input: Old.DescribeTableInput, ctx: DynamoContext): Old.DescribeTableOutput {
  return { Table: oldDescription(describeTableHandler(input, ctx).Table ?? {}) };
}

export function updateTableV20111205(input: Old.UpdateTableInput, ctx: DynamoContext): Old.UpdateTableOutput {
  return { TableDescription: oldDescription(updateTable({ TableName: input.TableName, ProvisionedThroughput: input.ProvisionedThroughput }, ctx).TableDescription ?? {}) };
}

/**
 * The old DeleteTable names the table's key schema and creation time beside its DELETING status
 * (the API_DeleteTable_v20111205 sample response), which the current one leaves out: they are
 * the table's as it was described just before.
 */
export function deleteTableV20111205(input: Old.DeleteTableInput, ctx: DynamoContext): Old.DeleteTableOutput {
  const before = describeTableHandler(input, ctx).Table;
  const deleted = deleteTable(input, ctx).TableDescription;
  return { TableDescription: oldDescription(Object.assign({}, before, deleted)) };
}

/** The same request and answer in both versions. */
export function listTablesV20111205(input: Old.ListTablesInput, ctx: DynamoContext): Old.ListTablesOutput {
  return listTables(input, ctx);
}
