import type { DescribeTableInput, DescribeTableOutput } from "../../../generated/dynamodb.js";
import type { DynamoContext } from "../context.js";
import { requireTable } from "../items.js";
import { describeTable } from "../table.js";

export function describeTableHandler(input: DescribeTableInput, ctx: DynamoContext): DescribeTableOutput {
  const meta = requireTable(ctx.store, ctx, input.TableName, "table");
  // A table that ImportTable is filling stays CREATING until the import ends.
  return { Table: describeTable(meta, meta.importArn !== undefined ? "CREATING" : "ACTIVE", (index) => ctx.store.stats(ctx, meta.name, index)) };
}
