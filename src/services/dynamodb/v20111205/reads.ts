// Query and Scan of the 2011-12-05 API: the current operations with their legacy conditions
// (KeyConditions, ScanFilter), Count as Select COUNT, and the start and last keys in the old form.
import type * as Old from "./types.js";
import type { DynamoContext } from "../context.js";
import { query } from "../handlers/query.js";
import { scan } from "../handlers/scan.js";
import { capacityUnits, currentKey, keyNames, oldKey, type KeyNames } from "./keys.js";

/**
 * HashKeyValue is the current KeyConditions' EQ on the hash key, and RangeKeyCondition its condition
 * on the range key, so the current API's key checks and their wording apply.
 */
export function queryV20111205(input: Old.QueryInput, ctx: DynamoContext): Old.QueryOutput {
  const names = keyNames(ctx, input.TableName);
  const conditions: NonNullable<Parameters<typeof query>[0]["KeyConditions"]> = {
    [names.hash]: { AttributeValueList: [input.HashKeyValue], ComparisonOperator: "EQ" },
  };
  if (input.RangeKeyCondition !== undefined) conditions[names.range ?? "RangeKeyElement"] = input.RangeKeyCondition;
  const out = query(
    {
      TableName: input.TableName,
      KeyConditions: conditions,
      AttributesToGet: input.AttributesToGet,
      Limit: input.Limit,
      ConsistentRead: input.ConsistentRead,
      Select: input.Count === true ? "COUNT" : undefined,
      ScanIndexForward: input.ScanIndexForward,
      ExclusiveStartKey: input.ExclusiveStartKey === undefined ? undefined : currentKey(names, input.ExclusiveStartKey),
      ReturnConsumedCapacity: "TOTAL",
    },
    ctx,
  );
  return page(names, out, { Count: out.Count });
}

export function scanV20111205(input: Old.ScanInput, ctx: DynamoContext): Old.ScanOutput {
  const names = keyNames(ctx, input.TableName);
  const out = scan(
    {
      TableName: input.TableName,
      ScanFilter: input.ScanFilter,
      AttributesToGet: input.AttributesToGet,
      Limit: input.Limit,
      Select: input.Count === true ? "COUNT" : undefined,
      ExclusiveStartKey: input.ExclusiveStartKey === undefined ? undefined : currentKey(names, input.ExclusiveStartKey),
      ReturnConsumedCapacity: "TOTAL",
    },
    ctx,
  );
  return page(names, out, { Count: out.Count, ScannedCount: out.ScannedCount });
}

type CurrentPage = ReturnType<typeof scan> | ReturnType<typeof query>;

function page<T extends Old.ScanOutput>(names: KeyNames, out: CurrentPage, counts: T): T {
  counts.ConsumedCapacityUnits = capacityUnits(out.ConsumedCapacity);
  if (out.Items !== undefined) counts.Items = out.Items;
  if (out.LastEvaluatedKey !== undefined) counts.LastEvaluatedKey = oldKey(names, out.LastEvaluatedKey);
  return counts;
}
