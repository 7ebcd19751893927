import type { ScanInput, ScanOutput } from "../../../generated/dynamodb.js";
import { assertSentValuesDepth, checkExpressionParameters, conditionFromFilter, conditionPaths, expressionAttributes, parseCondition, validationException, type Item } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { capacityMode, checkKeyPaths, requireTable } from "../items.js";
import { checkIndexProjection, checkLimit, checkSelect, checkStartKey, checkStartSegment, readTarget, runRead, startKeyValues, startRowKey } from "../reads.js";
import { projectionOf } from "../requests.js";
import { check, range } from "../validation.js";

export function scan(input: ScanInput, ctx: DynamoContext): ScanOutput {
  checkExpressionParameters("Scan", input);
  checkLimit(input.Limit);
  check(range("segment", input.Segment, 0, 999_999), range("totalSegments", input.TotalSegments, 1, 1_000_000));
  // What needs no table is checked before it is looked up: dynalite's scan tests (run against AWS)
  // get these ValidationExceptions from table 'abc', which does not exist. In AWS's order (its
  // validations/scan.js): AttributesToGet, ScanFilter, ExclusiveStartKey's values, the segments,
  // the expression maps and expressions (which a request cannot mix with the legacy parameters).
  // AttributesToGet never comes with the expression maps (checkExpressionParameters): its paths need none.
  const attributesToGet = input.AttributesToGet !== undefined ? projectionOf(input, expressionAttributes(undefined, undefined)) : undefined;
  // A ScanFilter value nested past the limit is refused ahead of a ConditionalOperator with one
  // condition (paritysuite/dynamodb-conformance tests/tier3/validation-ordering/deepRequests.test.ts,
  // "Scan with one ScanFilter condition nested 40 levels": us-east-1 and six more Regions, 2026-10-09;
  // eu-west-2, eu-central-1 and ap-southeast-2 still report the ConditionalOperator first).
  assertSentValuesDepth(Object.values(input.ScanFilter ?? {}).flatMap((c) => c.AttributeValueList ?? []));
  const scanFilter = conditionFromFilter(input.ScanFilter, input.ConditionalOperator);
  const startValues = startKeyValues(input.ExclusiveStartKey);
  if (input.Segment !== undefined && input.TotalSegments === undefined) {
    throw validationException("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
  }
  if (input.TotalSegments !== undefined && input.Segment === undefined) {
    throw validationException("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
  }
  if (input.Segment !== undefined && input.TotalSegments !== undefined && input.Segment >= input.TotalSegments) {
    throw validationException(
      `The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${input.Segment} is not less than TotalSegments: ${input.TotalSegments}`,
    );
  }
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const attrs = expressionAttributes(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
  const filter = input.FilterExpression !== undefined ? parseCondition(input.FilterExpression, attrs, "FilterExpression") : scanFilter;
  const paths = input.ProjectionExpression !== undefined ? projectionOf(input, attrs) : attributesToGet;
  attrs.assertAllUsed();
  const meta = requireTable(ctx.store, ctx, input.TableName);
  const target = readTarget(meta, input.IndexName, input.ConsistentRead, ctx.clock.now());
  // The start key's size and index key come before the Select check, its table key after (dynalite's scan tests).
  const startItem = checkStartKey(target, startValues, "Scan");
  const select = checkSelect("Scan", target, input.Select, paths, input.AttributesToGet !== undefined);
  checkIndexProjection(target, filter, paths);
  const segment = input.TotalSegments !== undefined ? { segment: input.Segment ?? 0, total: input.TotalSegments } : undefined;
  const start = startRowKey(target, startItem);
  checkStartSegment(start, segment);
  checkKeyPaths(meta, paths ?? []);
  if (filter !== undefined) checkKeyPaths(meta, conditionPaths(filter));
  const result = runRead(ctx, {
    target,
    filter,
    paths,
    select,
    limit: input.Limit,
    start,
    raw: true,
    consistent: input.ConsistentRead === true,
    segment,
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
