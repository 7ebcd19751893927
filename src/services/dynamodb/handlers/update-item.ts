import type { UpdateItemInput, UpdateItemOutput } from "../../../generated/dynamodb.js";
import {
  applyAttributeUpdates,
  applyUpdate,
  assertItemSize,
  assertKeyNotUpdated,
  assertUpdatedItemDepth,
  checkExpressionParameters,
  expressionAttributes,
  itemSize,
  parseUpdate,
  typedWrites,
  updatedValues,
  updatePaths,
  validateAttributeUpdates,
  validateItem,
  validationException,
  type Item,
  type UpdateResult,
} from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { capacityMode, checkIndexKeys, checkKey, checkKeyPaths, readItem, requireItemTable, singleItemWrite, updateWrites, writeItem, writeTableNameOf } from "../items.js";
import { itemCollectionMetrics, wantsItemCollectionMetrics } from "../metrics.js";
import { assertCondition, attributesOut, checkReturnValuesOnFailure, conditionOf, envelopedChecks, returnValuesOf } from "../requests.js";
import { keyAttributeNames, tableSchema } from "../table.js";
import { throttleOf } from "../throttling.js";

export function updateItem(input: UpdateItemInput, ctx: DynamoContext): UpdateItemOutput {
  const { returnValues, returnOld, mode, tableName, key, legacy, actions, condition } = envelopedChecks("UpdateItem", () => {
    checkExpressionParameters("UpdateItem", input);
    const returnValues = returnValuesOf(input.ReturnValues, "UpdateItem");
    const returnOld = checkReturnValuesOnFailure(input.ReturnValuesOnConditionCheckFailure);
    const mode = capacityMode(input.ReturnConsumedCapacity);
    // A member constraint, refused before anything is written (Nimbus checked it while answering, after the write).
    wantsItemCollectionMetrics(input.ReturnItemCollectionMetrics);
    // The Key's values and the expressions are checked before the table is looked up (see checkKey),
    // though after the table name's rules (moto's tests named at writeTableNameOf).
    const tableName = writeTableNameOf(input.TableName);
    // A malformed number or a duplicate set member in the Key, AttributeUpdates or a value is enveloped (see ValueWording).
    const key = validateItem(input.Key, "enveloped");
    // AttributeUpdates before Expected: dynalite's updateItem tests (run against AWS) get "Only DELETE
    // action is allowed when no attribute value is specified" where Expected lacks its Value too.
    const legacy = input.AttributeUpdates !== undefined ? validateAttributeUpdates(input.AttributeUpdates, "enveloped") : undefined;
    const attrs = expressionAttributes(input.ExpressionAttributeNames, input.ExpressionAttributeValues, "enveloped");
    const actions = input.UpdateExpression !== undefined ? parseUpdate(input.UpdateExpression, attrs) : undefined;
    const condition = conditionOf(input, attrs);
    attrs.assertAllUsed();
    return { returnValues, returnOld, mode, tableName, key, legacy, actions, condition };
  });
  const meta = requireItemTable(ctx.store, ctx, tableName);
  checkKey(meta, key);
  const keyNames = keyAttributeNames(tableSchema(meta));
  if (actions) {
    // Writing a key attribute, even inside it, is refused first (`SET pk.a = :v` names pk as part of the key).
    assertKeyNotUpdated(actions, keyNames);
    // An index key given a value of the wrong type by the expression itself is refused before
    // the item is read, and before paths into keys (dynalite's tests, run against AWS).
    checkIndexKeys(meta, typedWrites(actions), "update");
    checkKeyPaths(meta, updatePaths(actions));
  }
  if (legacy) {
    for (const name of Object.keys(legacy)) {
      if (keyNames.includes(name)) {
        throw validationException(`One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`);
      }
    }
  }
  const throttle = throttleOf(ctx);
  throttle?.admit(meta, "write");
  return singleItemWrite(ctx.store, meta, () => {
    const old = readItem(ctx.store, ctx, meta, key);
    assertCondition(condition, old, returnOld, () => throttle?.chargeFailedWrite(meta, old === undefined ? 0 : itemSize(old)));
    // A missing item starts as its key, which the update's operands can read (`SET twin = pk`).
    const start = old ?? key;
    const result: UpdateResult = actions
      ? applyUpdate(actions, start, old === undefined)
      : legacy
        ? applyAttributeUpdates(legacy, start)
        : { item: start, updatedPaths: [], updatedAttributes: [] };
    const next: Item = result.item;
    // What an update expression carries was checked before the read: a wrong type now came from the item.
    checkIndexKeys(meta, next, actions ? "resolved" : "update");
    assertUpdatedItemDepth(next);
    assertItemSize(next, "update");
    const written = updateWrites(meta, old, result);
    throttle?.admitGsiWrites(meta, old, written);
    const consumed = writeItem(ctx, meta, old, written);
    throttle?.charge(meta, consumed);
    const capacity = consumed.describe(mode);
    let attributes: Item | undefined;
    if (returnValues === "ALL_OLD") attributes = old;
    else if (returnValues === "ALL_NEW") attributes = written;
    else if (returnValues === "UPDATED_OLD") attributes = old === undefined ? undefined : updatedValues(result, old);
    else if (returnValues === "UPDATED_NEW") attributes = updatedValues(result, next);
    return {
      ...{}, ...attributesOut(attributes),
      ...(capacity ? { ConsumedCapacity: capacity } : {}),
      ...itemCollectionMetrics(ctx, meta, next, input.ReturnItemCollectionMetrics),
    };
  });
}
