import type { GetItemInput, GetItemOutput } from "../../../generated/dynamodb.js";
import { checkExpressionParameters, expressionAttributes, project } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { capacityMode, Consumption, readStoredItem, readUnits, requireTable, validateKey } from "../items.js";
import { projectionOf } from "../requests.js";

export function getItem(input: GetItemInput, ctx: DynamoContext): GetItemOutput {
  checkExpressionParameters("GetItem", input);
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const meta = requireTable(ctx.store, ctx, input.TableName);
  const key = validateKey(meta, input.Key);
  const attrs = expressionAttributes(input.ExpressionAttributeNames, undefined);
  const paths = projectionOf(input, attrs);
  attrs.assertAllUsed();
  const stored = readStoredItem(ctx.store, ctx, meta, key);
  const item = stored?.item;
  const consumed = new Consumption(meta.name, "read");
  // A read is charged for the whole item, whatever the projection returns.
  consumed.table = readUnits(stored?.size ?? 0, input.ConsistentRead === true);
  const capacity = consumed.describe(mode);
  return {
    ...{}, ...(item !== undefined ? { Item: paths ? project(paths, item) : item } : {}),
    ...(capacity ? { ConsumedCapacity: capacity } : {}),
  };
}
