import type { PutItemInput, PutItemOutput } from "../../../generated/dynamodb.js";
import { checkExpressionParameters, expressionAttributes } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { capacityMode, readStoredItem, requireTable, validateSizedItem, writeItem } from "../items.js";
import { assertCondition, attributesOut, checkReturnValuesOnFailure, conditionOf, returnValuesOf } from "../requests.js";
import { itemCollectionMetrics } from "../metrics.js";

export function putItem(input: PutItemInput, ctx: DynamoContext): PutItemOutput {
  checkExpressionParameters("PutItem", input);
  const returnValues = returnValuesOf(input.ReturnValues, "PutItem");
  const returnOld = checkReturnValuesOnFailure(input.ReturnValuesOnConditionCheckFailure);
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const meta = requireTable(ctx.store, ctx, input.TableName);
  const { item, size } = validateSizedItem(meta, input.Item);
  const attrs = expressionAttributes(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
  const condition = conditionOf(input, attrs);
  attrs.assertAllUsed();
  return ctx.store.transaction(() => {
    const stored = readStoredItem(ctx.store, ctx, meta, item);
    const old = stored?.item;
    assertCondition(condition, old, returnOld);
    const consumed = writeItem(ctx, meta, old, item, { newSize: size, ...(stored ? { oldSize: stored.size } : {}) });
    const capacity = consumed.describe(mode);
    return {
      ...{}, ...(returnValues === "ALL_OLD" ? attributesOut(old) : {}),
      ...(capacity ? { ConsumedCapacity: capacity } : {}),
      ...itemCollectionMetrics(ctx, meta, item, input.ReturnItemCollectionMetrics),
    };
  });
}
