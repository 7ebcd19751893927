// BatchGetItem and BatchWriteItem of the 2011-12-05 API: the current operations with the old key
// form; Responses are per table there, each with its table's ConsumedCapacityUnits.
import type * as Old from "./types.js";
import type { DynamoContext } from "../context.js";
import { batchGetItem } from "../handlers/batch-get-item.js";
import { batchWriteItem } from "../handlers/batch-write-item.js";
import { currentKey, keyNames, oldKey, type KeyNames } from "./keys.js";

type CurrentGet = Parameters<typeof batchGetItem>[0]["RequestItems"];
type CurrentWrite = Parameters<typeof batchWriteItem>[0]["RequestItems"];

export function batchGetItemV20111205(input: Old.BatchGetItemInput, ctx: DynamoContext): Old.BatchGetItemOutput {
  const names = namesOf(ctx, Object.keys(input.RequestItems));
  const requests: CurrentGet = {};
  for (const [table, asked] of Object.entries(input.RequestItems)) {
    const keys = names.get(table) as KeyNames;
    requests[table] = { Keys: asked.Keys.map((key) => currentKey(keys, key)), AttributesToGet: asked.AttributesToGet, ConsistentRead: asked.ConsistentRead };
  }
  const out = batchGetItem({ RequestItems: requests, ReturnConsumedCapacity: "TOTAL" }, ctx);
  const units = unitsByTable(out.ConsumedCapacity);
  const responses: NonNullable<Old.BatchGetItemOutput["Responses"]> = {};
  for (const [table, items] of Object.entries(out.Responses ?? {})) responses[table] = { Items: items, ConsumedCapacityUnits: units.get(table) ?? 0 };
  const unprocessed: NonNullable<Old.BatchGetItemOutput["UnprocessedKeys"]> = {};
  for (const [table, left] of Object.entries(out.UnprocessedKeys ?? {})) {
    const keys = names.get(table) as KeyNames;
    unprocessed[table] = { Keys: left.Keys.map((key) => oldKey(keys, key)), AttributesToGet: left.AttributesToGet, ConsistentRead: left.ConsistentRead };
  }
  return { Responses: responses, UnprocessedKeys: unprocessed };
}

export function batchWriteItemV20111205(input: Old.BatchWriteItemInput, ctx: DynamoContext): Old.BatchWriteItemOutput {
  const names = namesOf(ctx, Object.keys(input.RequestItems));
  const requests: CurrentWrite = {};
  for (const [table, writes] of Object.entries(input.RequestItems)) {
    const keys = names.get(table) as KeyNames;
    requests[table] = writes.map((write) => ({
      PutRequest: write.PutRequest,
      DeleteRequest: write.DeleteRequest === undefined ? undefined : { Key: currentKey(keys, write.DeleteRequest.Key) },
    }));
  }
  const out = batchWriteItem({ RequestItems: requests, ReturnConsumedCapacity: "TOTAL" }, ctx);
  const responses: NonNullable<Old.BatchWriteItemOutput["Responses"]> = {};
  for (const [table, units] of unitsByTable(out.ConsumedCapacity)) responses[table] = { ConsumedCapacityUnits: units };
  const unprocessed: NonNullable<Old.BatchWriteItemOutput["UnprocessedItems"]> = {};
  for (const [table, left] of Object.entries(out.UnprocessedItems ?? {})) {
    const keys = names.get(table) as KeyNames;
    unprocessed[table] = left.map((write) => (write.DeleteRequest === undefined ? { PutRequest: write.PutRequest } : { DeleteRequest: { Key: oldKey(keys, write.DeleteRequest.Key) } }));
  }
  return { Responses: responses, UnprocessedItems: unprocessed };
}

function namesOf(ctx: DynamoContext, tables: readonly string[]): Map<string, KeyNames> {
  return new Map(tables.map((table) => [table, keyNames(ctx, table)]));
}

function unitsByTable(capacity: readonly { TableName?: string; CapacityUnits?: number }[] | undefined): Map<string, number> {
  return new Map((capacity ?? []).map((c) => [c.TableName ?? "", c.CapacityUnits ?? 0]));
}
