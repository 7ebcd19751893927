import type { GetItemInput, GetItemOutput } from "../../../generated/dynamodb.js";
import { checkExpressionParameters, expressionAttributes, project, validateItem, type Item } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { RawJson } from "../../../protocol/json.js";
import { capacityMode, checkKey, checkKeyPaths, Consumption, parseItem, readItemRow, readUnits, requireItemTable, tableNameOf } from "../items.js";
import { projectionOf } from "../requests.js";
import { throttleOf } from "../throttling.js";

export function getItem(input: GetItemInput, ctx: DynamoContext): GetItemOutput {
  checkExpressionParameters("GetItem", input);
  const mode = capacityMode(input.ReturnConsumedCapacity);
  // The table name's rules come first (moto's AWS-verified test_update_item_with_invalid_table_name:
  // "x!" with an empty set in ExpressionAttributeValues fails the name).
  const tableName = tableNameOf(input.TableName);
  // The Key's values and the projection are checked before the table is looked up (see checkKey).
  // A malformed number or a duplicate set member in the Key: the newer wording, bare (see ValueWording).
  const key = validateItem(input.Key, "bare");
  const attrs = expressionAttributes(input.ExpressionAttributeNames, undefined);
  const paths = projectionOf(input, attrs);
  attrs.assertAllUsed();
  const meta = requireItemTable(ctx.store, ctx, tableName);
  checkKey(meta, key);
  checkKeyPaths(meta, paths ?? []);
  const throttle = throttleOf(ctx);
  throttle?.admit(meta, "read");
  const stored = readItemRow(ctx.store, ctx, meta, key);
  const consumed = new Consumption(meta.name, "read");
  // A read is charged for the whole item, whatever the projection returns.
  consumed.table = readUnits(stored?.size ?? 0, input.ConsistentRead === true);
  throttle?.charge(meta, consumed);
  const capacity = consumed.describe(mode);
  // The whole item goes out as stored (RawJson: the protocol writes it as is; see query.ts).
  const item = stored === undefined ? undefined : paths ? project(paths, parseItem(stored.item)) : (new RawJson(stored.item) as unknown as Item);
  return {
    ...{}, ...(item !== undefined ? { Item: item } : {}),
    ...(capacity ? { ConsumedCapacity: capacity } : {}),
  };
}
