import type { SearchVectorsInput, SearchVectorsOutput } from "../../../generated/dynamodb.js";
import {
  checkExpressionParameters,
  evaluateCondition,
  expressionAttributes,
  parseCondition,
  parseProjection,
  project,
  typeOf,
  validateAttributeValue,
  validationException,
  type AttributeValue,
  type Condition,
  type Item,
} from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { capacityMode, encodeKeyValue, parseItem, requireTable } from "../items.js";
import { creatingIndex } from "../table.js";
import { tableStatus } from "../table-status.js";
import { check, tableNameChecks } from "../validation.js";
import { hashAttribute, higherIsCloser, MAX_TOP_K, toFloat32, vectorScore, type VectorEntry, type VectorIndexMeta } from "../vectors.js";

const INVALID_CONDITION = "Invalid SearchConditionExpression: ";

/** One `attribute = :value` of a SearchConditionExpression. */
interface Equality {
  readonly attribute: string;
  readonly nested: boolean;
  readonly value: AttributeValue;
}

/**
 * A SearchConditionExpression is equalities joined by AND ("The HASH and INLINE_FILTER
 * attributes support only the equality operator"); anything else is DynamoDB's "Invalid
 * comparator" (captured for <, >, BETWEEN; Nimbus answers it for OR, NOT, IN and functions too).
 */
function equalities(condition: Condition, out: Equality[]): Equality[] {
  if (condition.kind === "and") {
    equalities(condition.left, out);
    return equalities(condition.right, out);
  }
  if (condition.kind === "compare" && condition.op === "=") {
    const { left, right } = condition;
    const pair = left.kind === "path" && right.kind === "value" ? [left, right] as const : right.kind === "path" && left.kind === "value" ? [right, left] as const : undefined;
    if (pair !== undefined && typeof pair[0].path[0] === "string") {
      out.push({ attribute: pair[0].path[0], nested: pair[0].path.length > 1, value: pair[1].value });
      return out;
    }
  }
  throw validationException(`${INVALID_CONDITION}Invalid comparator used in SearchConditionExpression`);
}

/** The search vector as 32-bit floats: each element a number within the f32 range (captured message), then the index's dimension count. */
function searchVector(raw: readonly unknown[], index: VectorIndexMeta): number[] {
  const out: number[] = [];
  for (const element of raw) {
    let v: AttributeValue | undefined;
    try {
      v = validateAttributeValue(element);
    } catch {
      v = undefined;
    }
    const f = v?.N !== undefined ? toFloat32(v.N) : undefined;
    if (f === undefined) {
      throw validationException("Search vector contains invalid values. All values in the search vector must be a 32-bit floating-point number attribute");
    }
    out.push(f);
  }
  if (out.length !== index.dimensions) {
    throw validationException(`Input search vector dimension ${out.length} does not match vector index dimension ${index.dimensions}`);
  }
  return out;
}

/** The SearchSchema's rules on the condition's equalities; returns the HASH value to search under, if the index has one. */
function checkEqualities(pairs: readonly Equality[], index: VectorIndexMeta, defined: ReadonlyMap<string, string>): AttributeValue | undefined {
  const schema = index.searchSchema ?? [];
  for (const p of pairs) {
    if (!schema.some((e) => e.AttributeName === p.attribute)) {
      // AWS's grammar, as captured.
      throw validationException(`SearchConditionExpression must not contain any attributes that is not in SearchSchema. Invalid attribute: ${p.attribute}`);
    }
  }
  if (pairs.some((p) => p.nested)) throw validationException(`${INVALID_CONDITION}SearchConditionExpression cannot have conditions on nested attributes`);
  if (pairs.some((p, i) => pairs.findIndex((o) => o.attribute === p.attribute) !== i)) {
    throw validationException(`${INVALID_CONDITION}SearchConditionExpression must only contain one condition per attribute`);
  }
  const hash = hashAttribute(index);
  if (hash === undefined) return undefined;
  const given = pairs.find((p) => p.attribute === hash);
  if (given === undefined) {
    // A condition on the INLINE_FILTER attributes alone is answered otherwise than no condition
    // (AWS's words, asserted by the AWS SDK for Java v2's SearchVectorsIntegrationTestBase, run
    // against DynamoDB: searchVectors_inlineFilterExpressionWithoutHashCondition_failsAtService).
    throw validationException(
      pairs.length === 0 ? "SearchConditionExpression must be provided when SearchSchema has a HASH key" : "SearchConditionExpression must have all HASH attributes in configured SearchSchema",
    );
  }
  const declared = defined.get(hash);
  const actual = typeOf(given.value);
  if (declared !== undefined && actual !== declared) {
    throw validationException(`Type of '${hash}' attribute in SearchConditionExpression (${actual}) does not match type in search schema (${declared})`);
  }
  if (given.value.S !== undefined && given.value.S.length === 0) {
    throw validationException(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${hash}`);
  }
  return given.value;
}

interface Hit {
  readonly score: number;
  readonly item: Item;
}

/**
 * SearchVectors' own member checks: unlike Coral's, they name the member as the API spells it
 * and quote no value: "1 validation error detected: Value at 'TopK' failed to satisfy
 * constraint: Member must have value greater than or equal to 1" (AWS's answers for an empty
 * SearchVector and a TopK of 0 or -1, asserted by the AWS SDK for Java v2's
 * SearchVectorsIntegrationTestBase.NegativeTests, run against DynamoDB).
 */
function searchMemberChecks(input: SearchVectorsInput): void {
  const failures: string[] = [];
  if (input.SearchVector.length < 1) failures.push("Value at 'SearchVector' failed to satisfy constraint: Member must have length greater than or equal to 1");
  if (input.TopK < 1) failures.push("Value at 'TopK' failed to satisfy constraint: Member must have value greater than or equal to 1");
  if (failures.length === 0) return;
  throw validationException(`${failures.length} validation error${failures.length === 1 ? "" : "s"} detected: ${failures.join("; ")}`);
}

export function searchVectors(input: SearchVectorsInput, ctx: DynamoContext): SearchVectorsOutput {
  check(...tableNameChecks(input.IndexName, "indexName"));
  searchMemberChecks(input);
  const mode = capacityMode(input.ReturnConsumedCapacity);
  // Above 100 is the operation's own refusal, not a member constraint (captured).
  if (input.TopK > MAX_TOP_K) throw validationException(`Provided TopK value '${input.TopK}' is out of valid range. The value must be between 1 and ${MAX_TOP_K} inclusive`);
  checkExpressionParameters("SearchVectors", input);
  const attrs = expressionAttributes(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
  const condition = input.SearchConditionExpression !== undefined ? parseCondition(input.SearchConditionExpression, attrs, "SearchConditionExpression") : undefined;
  const pairs = condition !== undefined ? equalities(condition, []) : [];
  const paths = input.ProjectionExpression !== undefined ? parseProjection(input.ProjectionExpression, attrs) : undefined;

  const meta = requireTable(ctx.store, ctx, input.TableName);
  const index = meta.vectorIndexes?.find((v) => v.name === input.IndexName);
  // As Query and Scan answer an unknown index (the troubleshooting guide lists it for SearchVectors).
  if (index === undefined) throw validationException(`The table does not have the specified index: ${input.IndexName}`);
  // An index UpdateTable is still filling (--dynamodb-status-delay) cannot be searched yet (captured message).
  if (tableStatus(meta, ctx.clock.now()) === "UPDATING" && creatingIndex(meta) === index.name) {
    throw validationException(`Cannot search backfilling vector index: ${index.name}`);
  }
  const query = searchVector(input.SearchVector, index);
  const hashValue = checkEqualities(pairs, index, new Map(meta.attributeDefinitions.map((d) => [d.AttributeName, d.AttributeType])));
  attrs.assertAllUsed();

  // A HASH index is searched within the one partition the condition names.
  const rows = ctx.store.range(ctx, meta.name, index.name, { pk: hashValue === undefined ? "" : encodeKeyValue(hashValue) });
  const closer = higherIsCloser(index.distanceFunction);
  const hits: Hit[] = [];
  let examined = 0;
  for (const row of rows) {
    examined += row.size;
    const entry = parseItem(row.item) as unknown as VectorEntry;
    if (condition !== undefined && !evaluateCondition(condition, entry.item)) continue;
    hits.push({ score: vectorScore(index.distanceFunction, query, entry.vector), item: entry.item });
  }
  // A stable sort: equal scores keep the rows' order (by the table's key), where AWS's order is not fixed.
  hits.sort((a, b) => (closer ? b.score - a.score : a.score - b.score));
  const results = hits.slice(0, input.TopK).map((hit) => {
    let item: Item;
    if (paths !== undefined) item = project(paths, hit.item);
    else {
      // Without a ProjectionExpression the vector itself is left out of the results.
      const { [index.attribute]: _vector, ...rest } = hit.item;
      item = rest;
    }
    return { Item: item, Score: hit.score };
  });
  return {
    SearchResults: results,
    // The same under TOTAL and INDEXES: what the search examined, as the index sizes its entries.
    ...(mode !== "NONE" ? { ConsumedCapacity: { VectorSearchRequestBytes: examined } } : {}),
  };
}
