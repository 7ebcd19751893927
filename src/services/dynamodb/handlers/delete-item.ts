import type { DeleteItemInput, DeleteItemOutput } from "../../../generated/dynamodb.js";
import { checkExpressionParameters, expressionAttributes } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { capacityMode, readItem, requireTable, singleItemWrite, validateKey, writeItem } from "../items.js";
import { itemCollectionMetrics } from "../metrics.js";
import { throttleOf } from "../throttling.js";
import { assertCondition, attributesOut, checkReturnValuesOnFailure, conditionOf, returnValuesOf } from "../requests.js";

export function deleteItem(input: DeleteItemInput, ctx: DynamoContext): DeleteItemOutput {
  checkExpressionParameters("DeleteItem", input);
  const returnValues = returnValuesOf(input.ReturnValues, "DeleteItem");
  const returnOld = checkReturnValuesOnFailure(input.ReturnValuesOnConditionCheckFailure);
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const meta = requireTable(ctx.store, ctx, input.TableName);
  const key = validateKey(meta, input.Key);
  const attrs = expressionAttributes(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
  const condition = conditionOf(input, attrs);
  attrs.assertAllUsed();
  const throttle = throttleOf(ctx);
  throttle?.admit(meta, "write");
  return singleItemWrite(ctx.store, meta, () => {
    const old = readItem(ctx.store, ctx, meta, key);
    assertCondition(condition, old, returnOld);
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
