import type { DeleteItemInput, DeleteItemOutput } from "../../../generated/dynamodb.js";
import { checkExpressionParameters, expressionAttributes, itemSize, validateItem } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { capacityMode, checkKey, readItem, requireItemTable, singleItemWrite, tableNameOf, writeItem } from "../items.js";
import { itemCollectionMetrics } from "../metrics.js";
import { throttleOf } from "../throttling.js";
import { assertCondition, attributesOut, checkReturnValuesOnFailure, checkWriteMembers, conditionOf, envelopedChecks, returnValuesOf } from "../requests.js";

export function deleteItem(input: DeleteItemInput, ctx: DynamoContext): DeleteItemOutput {
  const { returnValues, returnOld, mode, tableName, key, condition } = envelopedChecks("DeleteItem", () => {
    checkWriteMembers(input);
    checkExpressionParameters("DeleteItem", input);
    const returnValues = returnValuesOf(input.ReturnValues, "DeleteItem");
    const returnOld = checkReturnValuesOnFailure(input.ReturnValuesOnConditionCheckFailure);
    const mode = capacityMode(input.ReturnConsumedCapacity);
    // The table name's rules come first (moto's AWS-verified test_update_item_with_invalid_table_name:
    // "x!" with an empty set in ExpressionAttributeValues fails the name).
    const tableName = tableNameOf(input.TableName);
    // The Key's values and the condition are checked before the table is looked up (see checkKey).
    // A malformed number or a duplicate set member in the Key or a condition value is enveloped (see ValueWording).
    const key = validateItem(input.Key, "enveloped");
    const attrs = expressionAttributes(input.ExpressionAttributeNames, input.ExpressionAttributeValues, "enveloped");
    const condition = conditionOf(input, attrs);
    attrs.assertAllUsed();
    return { returnValues, returnOld, mode, tableName, key, condition };
  });
  const meta = requireItemTable(ctx.store, ctx, tableName);
  checkKey(meta, key);
  const throttle = throttleOf(ctx);
  throttle?.admit(meta, "write");
  return singleItemWrite(ctx.store, meta, () => {
    const old = readItem(ctx.store, ctx, meta, key);
    assertCondition(condition, old, returnOld, () => throttle?.chargeFailedWrite(meta, old === undefined ? 0 : itemSize(old)));
    throttle?.admitGsiWrites(meta, old, undefined);
    const consumed = writeItem(ctx, meta, old, undefined);
    throttle?.charge(meta, consumed);
    const capacity = consumed.describe(mode);
    return {
      ...{}, ...(returnValues === "ALL_OLD" ? attributesOut(old) : {}),
      ...(capacity ? { ConsumedCapacity: capacity } : {}),
      ...itemCollectionMetrics(ctx, meta, key, input.ReturnItemCollectionMetrics),
    };
  });
}
