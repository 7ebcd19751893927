/**
 * DynamoDB's expression language. Typical handler flow for one request:
 *
 *   checkExpressionParameters("UpdateItem", input);
 *   const attrs = expressionAttributes(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
 *   const update = parseUpdate(input.UpdateExpression, attrs);
 *   const condition = input.ConditionExpression ? parseCondition(input.ConditionExpression, attrs) : undefined;
 *   attrs.assertAllUsed();
 *   ... read the item ...
 *   if (condition && !evaluateCondition(condition, oldItem)) throw ConditionalCheckFailed;
 *   const result = applyUpdate(update, oldItem);
 */
export type { Comparator, Condition, DocumentPath, Operand, SetValue, UpdateAction } from "./ast.js";
export { formatPath } from "./ast.js";
export {
  checkExpressionParameters,
  EXPRESSION_PARAMETERS,
  ExpressionAttributes,
  expressionAttributes,
  expressionBytesOver,
  invalidExpression,
  type ExpressionOperation,
  type ExpressionParameter,
  MAX_IN_OPERANDS,
} from "./context.js";
export {
  conditionAttributeNames,
  conditionPaths,
  evaluateCondition,
  parseCondition,
  resolveOperand,
  type ConditionParameter,
} from "./condition.js";
export {
  matchesKeyCondition,
  matchesSortKey,
  keyConditionFromMap,
  keyConditionOf,
  parseKeyCondition,
  type KeyCondition,
  type KeyOperator,
  type KeySchema,
  type MultiAttributeKey,
  type MultiKeyCondition,
  type SortKeyCondition,
} from "./key-condition.js";
export { applyUpdate, assertKeyNotUpdated, parseUpdate, typedWrites, updatedValues, updatePaths, UPDATE_MESSAGES, type UpdateResult } from "./update.js";
export { parseProjection, project } from "./projection.js";
export { getPath } from "./paths.js";
export {
  applyAttributeUpdates,
  checkQueryConditionalOperator,
  conditionFromExpected,
  conditionFromFilter,
  keyConditionsMap,
  pathsFromAttributesToGet,
  validateAttributeUpdates,
  type AttributeValueUpdate,
  type ExpectedAttributeValue,
  type LegacyCondition,
} from "./legacy.js";
export { isReservedWord, RESERVED_WORDS } from "./reserved-words.js";
