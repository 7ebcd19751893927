import type { QueryInput, QueryOutput } from "../../../generated/dynamodb.js";
import {
  checkExpressionParameters,
  checkQueryConditionalOperator,
  conditionFromFilter,
  conditionPaths,
  emptyStringKey,
  expressionAttributes,
  keyConditionFromMap,
  keyConditionsMap,
  matchesKeyCondition,
  matchesSortKey,
  parseCondition,
  keyConditionOf,
  validationException,
  type Item,
  type KeyCondition,
} from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { capacityMode, checkKeyPaths, requireTable } from "../items.js";
import { checkFilterKeys, checkIndexProjection, checkSelect, checkStartKey, readTarget, runRead, startKeyValues, startRowKey } from "../reads.js";
import { projectionOf } from "../requests.js";
import { memberConstraint } from "../validation.js";

export function query(input: QueryInput, ctx: DynamoContext): QueryOutput {
  checkExpressionParameters("Query", input);
  // Query's Limit is refused by the newer front end, Scan's by Coral (nubo-db/dynamodb-conformance
  // tier 3 query "Limit of 0" and scan "Limit of 0", both passing against DynamoDB).
  if (input.Limit !== undefined && input.Limit < 1) throw memberConstraint("Limit", "Member must have value greater than or equal to 1");
  const mode = capacityMode(input.ReturnConsumedCapacity);
  // What needs no key schema is checked before the table is looked up: dynalite's query tests (run
  // against AWS) get these ValidationExceptions from table 'abc', which does not exist. In AWS's
  // order (its validations/query.js): QueryFilter, AttributesToGet, ExclusiveStartKey's values, a
  // key condition being given, the expression maps and expressions (which a request cannot mix
  // with the legacy parameters), KeyConditions' operators and values.
  // A malformed number or a duplicate set member in any value: the newer wording, bare (see ValueWording).
  checkQueryConditionalOperator(input.ConditionalOperator);
  const queryFilter = conditionFromFilter(input.QueryFilter, input.ConditionalOperator, "bare");
  // AttributesToGet never comes with the expression maps (checkExpressionParameters): its paths need none.
  const attributesToGet = input.AttributesToGet !== undefined ? projectionOf(input, expressionAttributes(undefined, undefined)) : undefined;
  const startValues = startKeyValues(input.ExclusiveStartKey, "bare");
  if (input.KeyConditionExpression === undefined && input.KeyConditions === undefined) {
    throw validationException("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  }
  const attrs = expressionAttributes(input.ExpressionAttributeNames, input.ExpressionAttributeValues, "bare");
  const keyExpression = input.KeyConditionExpression !== undefined ? parseCondition(input.KeyConditionExpression, attrs, "KeyConditionExpression") : undefined;
  const filter = input.FilterExpression !== undefined ? parseCondition(input.FilterExpression, attrs, "FilterExpression") : queryFilter;
  const paths = input.ProjectionExpression !== undefined ? projectionOf(input, attrs) : attributesToGet;
  attrs.assertAllUsed();
  const keyConditions = keyExpression === undefined ? keyConditionsMap(input.KeyConditions ?? {}, "bare") : undefined;
  const meta = requireTable(ctx.store, ctx, input.TableName);
  const target = readTarget(meta, input.IndexName, input.ConsistentRead, ctx.clock.now());
  // A KeyConditionExpression is checked against the key schema only once every expression is
  // parsed and no name or value is left unused (see keyConditionOf).
  const keyCondition: KeyCondition =
    keyExpression !== undefined ? keyConditionOf(keyExpression, target.schema) : keyConditionFromMap(keyConditions ?? {}, target.schema);
  // No item can have an empty string partition key, and AWS refuses to look for one rather than
  // answer no items: boto3's table.query(KeyConditionExpression=Key("PK").eq("")) is a
  // ValidationException '... Key: PK' (as recorded against AWS in getmoto/moto#7062). What an
  // index's empty partition key gets is not on record.
  if (input.IndexName === undefined && keyCondition.partitionKey.value.S === "") throw emptyStringKey(keyCondition.partitionKey.name);
  // The same for a sort key value under any operator: `sk > ""` is no open lower bound but this
  // refusal naming the sort key (a production log against DynamoDB in a public ADR, "Null is the
  // empty cursor"; ministackorg/ministack#1067, checked against eu-central-1).
  const sort = keyCondition.sortKey;
  if (input.IndexName === undefined && sort !== undefined && sort.values.some((v) => v.S === "")) throw emptyStringKey(sort.name);
  // The start key is checked before the projection, the filter and the Select (dynalite's query tests and action).
  const startItem = checkStartKey(target, startValues, "Query");
  const start = startRowKey(target, startItem);
  if (startItem !== undefined) checkStartKeyInQuery(keyCondition, startItem);
  // A projection into a key is refused before a filter on one, and that before a filter into an index key.
  checkKeyPaths(meta, paths ?? []);
  checkFilterKeys(filter, target, input.FilterExpression !== undefined ? "Filter Expression" : "QueryFilter");
  if (filter !== undefined) checkKeyPaths(meta, conditionPaths(filter));
  const select = checkSelect("Query", target, input.Select, paths, input.AttributesToGet !== undefined);
  checkIndexProjection(target, filter, paths);
  const consistent = input.ConsistentRead === true;
  const result = runRead(ctx, {
    target,
    keyCondition,
    filter,
    paths,
    select,
    limit: input.Limit,
    descending: input.ScanIndexForward === false,
    start,
    raw: true,
    consistent,
  });
  const capacity = result.consumed.describe(mode);
  return {
    // Items may be RawJson (their stored wire JSON): the protocol writes them as they are, and
    // in-process callers get them read back (dispatcher.invoke), so the model's type holds there.
    ...{}, ...(result.items ? { Items: result.items as Item[] } : {}),
    Count: result.count,
    ScannedCount: result.scannedCount,
    ...(result.lastEvaluatedKey ? { LastEvaluatedKey: result.lastEvaluatedKey } : {}),
    ...(capacity ? { ConsumedCapacity: capacity } : {}),
  };
}

/**
 * A start key must lie in what the query reads. With a sort key condition, DynamoDB checks the
 * sort key first ("does not match the range key predicate") and then the partition ("The query
 * can return at most one row and cannot be restarted"); without one, a start key in another
 * partition is "outside query boundaries" (dynalite's tests, run against AWS).
 */
function checkStartKeyInQuery(keyCondition: KeyCondition, startItem: Item): void {
  const multi = keyCondition.multi;
  // A multi-attribute key is checked alike: every partition attribute, then each sort condition.
  const inPartition = matchesKeyCondition(
    multi === undefined ? { partitionKey: keyCondition.partitionKey } : { partitionKey: keyCondition.partitionKey, multi: { partition: multi.partition, sort: [] } },
    startItem,
  );
  const sorts = multi === undefined ? (keyCondition.sortKey === undefined ? [] : [keyCondition.sortKey]) : multi.sort;
  if (sorts.length === 0) {
    if (!inPartition) throw validationException("The provided starting key is outside query boundaries based on provided conditions");
    return;
  }
  for (const sort of sorts) {
    const sortValue = startItem[sort.name];
    if (sortValue !== undefined && !matchesSortKey(sort, sortValue)) throw validationException("The provided starting key does not match the range key predicate");
  }
  if (!inPartition) throw validationException("The query can return at most one row and cannot be restarted");
}
