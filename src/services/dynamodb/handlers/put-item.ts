import type { PutItemInput, PutItemOutput } from "../../../generated/dynamodb.js";
import { assertItemSize, checkExpressionParameters, expressionAttributes, validateItem } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { capacityMode, checkItemKeys, parseItem, readItemRow, requireItemTable, singleItemWrite, tableNameOf, writeItem, writeReadsOldItem } from "../items.js";
import { assertCondition, attributesOut, checkReturnValuesOnFailure, checkWriteMembers, conditionOf, envelopedChecks, returnValuesOf } from "../requests.js";
import { itemCollectionMetrics } from "../metrics.js";
import { throttleOf } from "../throttling.js";

export function putItem(input: PutItemInput, ctx: DynamoContext): PutItemOutput {
  const { returnValues, returnOld, mode, tableName, item, size, condition } = envelopedChecks("PutItem", () => {
    checkWriteMembers(input);
    checkExpressionParameters("PutItem", input);
    const returnValues = returnValuesOf(input.ReturnValues, "PutItem");
    const returnOld = checkReturnValuesOnFailure(input.ReturnValuesOnConditionCheckFailure);
    const mode = capacityMode(input.ReturnConsumedCapacity);
    // The table name's rules come first (moto's AWS-verified test_update_item_with_invalid_table_name:
    // "x!" with an empty set in ExpressionAttributeValues fails the name).
    const tableName = tableNameOf(input.TableName);
    // The item's values and size and the condition are checked before the table is looked up, its
    // keys after: dynalite's suite (run against DynamoDB) gets "Item size has exceeded the maximum
    // allowed size" from table 'aaa', which does not exist, and ResourceNotFoundException for an
    // item just small enough.
    const item = validateItem(input.Item, "item");
    const size = assertItemSize(item, "put");
    // A malformed number or a duplicate set member in a condition or Expected value is enveloped too (see ValueWording).
    const attrs = expressionAttributes(input.ExpressionAttributeNames, input.ExpressionAttributeValues, "enveloped");
    const condition = conditionOf(input, attrs, "enveloped");
    attrs.assertAllUsed();
    return { returnValues, returnOld, mode, tableName, item, size, condition };
  });
  const meta = requireItemTable(ctx.store, ctx, tableName);
  checkItemKeys(meta, item);
  const throttle = throttleOf(ctx);
  throttle?.admit(meta, "write");
  // The old item is parsed only for what looks into it; capacity needs its size alone, and a put
  // that reports no capacity and is not throttled does not read it at all (for a key not in the
  // row cache, a SELECT whose answer nothing used).
  const looksIntoOld = condition !== undefined || returnValues === "ALL_OLD" || writeReadsOldItem(meta);
  const readsOld = looksIntoOld || mode !== "NONE" || throttle !== undefined;
  return singleItemWrite(ctx.store, meta, () => {
    const stored = readsOld ? readItemRow(ctx.store, ctx, meta, item) : undefined;
    const old = stored !== undefined && looksIntoOld ? parseItem(stored.item) : undefined;
    assertCondition(condition, old, returnOld, () => throttle?.chargeFailedWrite(meta, Math.max(stored?.size ?? 0, size)));
    // A table with GSIs has its old item parsed above (writeReadsOldItem).
    throttle?.admitGsiWrites(meta, old, item);
    const consumed = writeItem(ctx, meta, old, item, { newSize: size, oldSize: stored?.size ?? 0 });
    throttle?.charge(meta, consumed);
    const capacity = consumed.describe(mode);
    return {
      ...{}, ...(returnValues === "ALL_OLD" ? attributesOut(old) : {}),
      ...(capacity ? { ConsumedCapacity: capacity } : {}),
      ...itemCollectionMetrics(ctx, meta, item, input.ReturnItemCollectionMetrics),
    };
  });
}
