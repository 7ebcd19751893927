/**
 * Query and Scan share one reader: walk the rows of the table or index in key order (a
 * partition's range for Query, everything for Scan), stop at Limit or 1 MB, then filter and
 * project, as DynamoDB does: Limit and the 1 MB page count items read, not items returned.
 */
import { own, setOwn } from "../../core/own.js";
import {
  conditionAttributeNames,
  evaluateCondition,
  isValidationException,
  matchesKeyCondition,
  NUMBER_MESSAGES,
  project,
  successor,
  typeOf,
  validateItem,
  validationException,
  VALUE_MESSAGES,
  type Condition,
  type DocumentPath,
  type Item,
  type KeyCondition,
  type KeySchema,
  type ValueWording,
} from "./domain/index.js";
import { RawJson } from "../../protocol/json.js";
import type { DynamoContext } from "./context.js";
import { baseRowKey, Consumption, encodeKeyValue, indexKeyText, parseItem, readItemRow, readUnits } from "./items.js";
import { multiKeyRange } from "./multi-attribute-keys.js";
import type { RangeOptions, RowKey } from "./store.js";
import { buildingPhase, findIndex, indexSchema, keyAttributeNames, tableSchema, type IndexMeta, type TableMeta } from "./table.js";
import { throttleOf } from "./throttling.js";
import { check, oneOf, range, SELECT_VALUES } from "./validation.js";

/** DynamoDB stops a page once it has read 1 MB. */
export const PAGE_BYTES = 1024 * 1024;

export type Select = (typeof SELECT_VALUES)[number];

export interface ReadTarget {
  readonly meta: TableMeta;
  readonly index: IndexMeta | undefined;
  /** Key schema of what is read: the index's when reading an index. */
  readonly schema: KeySchema;
}

export function readTarget(meta: TableMeta, indexName: string | undefined, consistent: boolean | undefined, now: number): ReadTarget {
  if (indexName === undefined) return { meta, index: undefined, schema: tableSchema(meta) };
  check(
    { field: "indexName", value: indexName, failure: indexName.length < 3 ? "Member must have length greater than or equal to 3" : indexName.length > 255 ? "Member must have length less than or equal to 255" : undefined },
  );
  const index = findIndex(meta, indexName);
  if (index === undefined) throw validationException(`The table does not have the specified index: ${indexName}`);
  if (index.kind === "GSI" && consistent === true) throw validationException("Consistent reads are not supported on global secondary indexes");
  // A GSI an UpdateTable is still adding (--dynamodb-status-delay) cannot be read until it is
  // ACTIVE (AWS's words, as boto3 users record them).
  if (buildingPhase(index, now) !== undefined) throw validationException("Cannot read from backfilling global secondary index");
  return { meta, index, schema: indexSchema(meta, index) };
}

export function checkSelect(operation: "Query" | "Scan", target: ReadTarget, select: string | undefined, paths: DocumentPath[] | undefined, usesAttributesToGet: boolean): Select {
  check(oneOf("select", select, SELECT_VALUES));
  const projecting = paths !== undefined;
  const chosen = (select ?? (projecting ? "SPECIFIC_ATTRIBUTES" : target.index ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES")) as Select;
  // Query words a Select that does not fit the projection as a constraint, Scan bare (moto's
  // AWS-verified tests for SPECIFIC_ATTRIBUTES; ExtendDB's, verified in us-east-1, for COUNT).
  const worded = (message: string) => validationException(operation === "Query" ? `1 validation error detected: ${message}` : message);
  if (chosen === "SPECIFIC_ATTRIBUTES" && !projecting) {
    throw worded("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
  }
  if (projecting && chosen !== "SPECIFIC_ATTRIBUTES") {
    // COUNT is "only the Count" (the same tests; DynamoDB Local's texts for AttributesToGet too).
    throw worded(`Cannot specify the ${usesAttributesToGet ? "AttributesToGet" : "ProjectionExpression"} when choosing to get ${chosen === "COUNT" ? "only the Count" : chosen}`);
  }
  // Worded the same way (moto's AWS-verified test_dynamodb_select.py::test_all_projected_attributes_rejected_for_table).
  if (chosen === "ALL_PROJECTED_ATTRIBUTES" && target.index === undefined) {
    throw worded("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  if (chosen === "ALL_ATTRIBUTES" && target.index?.kind === "GSI" && target.index.projection.ProjectionType !== "ALL") {
    throw validationException(
      `One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${target.index.name} because its projection type is not ALL`,
    );
  }
  return chosen;
}

/**
 * A global secondary index answers only from what it holds: a filter or a projection naming an
 * attribute it does not project is refused, the filter first (AWS's words, as LocalStack's and
 * dynamodb-onetable's users record them: localstack#478, onetable#377; PartiQL reads check the same).
 * A local index fetches the rest from the table instead.
 */
export function checkIndexProjection(target: ReadTarget, filter: Condition | undefined, paths: DocumentPath[] | undefined): void {
  const index = target.index;
  if (index === undefined || index.kind !== "GSI" || index.projection.ProjectionType === "ALL") return;
  const projected = new Set([...keyAttributeNames(tableSchema(target.meta)), ...keyAttributeNames(target.schema), ...(index.projection.NonKeyAttributes ?? [])]);
  const missingFilter = filter === undefined ? [] : [...conditionAttributeNames(filter)].filter((n) => !projected.has(n));
  if (missingFilter.length > 0) {
    throw validationException(`One or more parameter values were invalid: Secondary index ${index.name} does not project one or more filter attributes: [${missingFilter.join(", ")}]`);
  }
  const missing = [...new Set((paths ?? []).map((p) => p[0] as string))].filter((n) => !projected.has(n));
  if (missing.length > 0) throw validationException(`One or more parameter values were invalid: Global secondary index ${index.name} does not project [${missing.join(", ")}]`);
}

/** A filter may not name the key attributes of what is read. */
export function checkFilterKeys(filter: Condition | undefined, target: ReadTarget, parameter: "Filter Expression" | "QueryFilter"): void {
  if (filter === undefined) return;
  const used = conditionAttributeNames(filter);
  for (const name of keyAttributeNames(target.schema)) {
    if (used.has(name)) {
      throw validationException(
        parameter === "Filter Expression"
          ? `Filter Expression can only contain non-primary key attributes: Primary key attribute: ${name}`
          : `QueryFilter can only contain non-key attributes: Primary key attribute: ${name}`,
      );
    }
  }
}

function startKeyNames(target: ReadTarget): string[] {
  const names = keyAttributeNames(tableSchema(target.meta));
  for (const n of keyAttributeNames(target.schema)) if (!names.includes(n)) names.push(n);
  return names;
}

const KEY_MISMATCH = "The provided key element does not match the schema";

/**
 * ExclusiveStartKey's values, checked before the table is looked up. AWS words most of their
 * errors "The provided starting key is invalid: <error>" but not those of numbers, an empty number
 * set or a set's duplicates (dynalite's query and scan tests, run against AWS, on table 'abc').
 */
export function startKeyValues(raw: Record<string, unknown> | undefined, wording: ValueWording = "older"): Item | undefined {
  if (raw === undefined) return undefined;
  try {
    return validateItem(raw, wording);
  } catch (err) {
    if (isValidationException(err) && !UNPREFIXED_START_KEY_ERRORS.some((message) => err.message.includes(message))) {
      throw validationException(`The provided starting key is invalid: ${err.message}`);
    }
    throw err;
  }
}

/** validateItem's errors that ExclusiveStartKey's check passes on as they are (a set's duplicates: every set type's message ends so). */
const UNPREFIXED_START_KEY_ERRORS: readonly string[] = [...Object.values(NUMBER_MESSAGES), VALUE_MESSAGES.emptyNumberSet, VALUE_MESSAGES.numberSetDuplicates, "contains duplicates."];

/**
 * ExclusiveStartKey (its values checked by startKeyValues) against the key schema of what is
 * read: the table's key plus, when reading an index, the index's key, and the key of what is read
 * present with its types. A key of another size, or without an attribute of that key, is "The
 * provided starting key is invalid"; one of that key's attributes of another type is the bare
 * "The provided key element does not match the schema". A Scan of the table words every failure
 * as "The provided starting key is invalid: The provided key element does not match the schema"
 * (dynalite's scan and query tests, run against AWS).
 */
export function checkStartKey(target: ReadTarget, key: Item | undefined, operation: "Query" | "Scan"): Item | undefined {
  if (key === undefined) return undefined;
  const tableScan = operation === "Scan" && target.index === undefined;
  const invalid = tableScan ? `The provided starting key is invalid: ${KEY_MISMATCH}` : "The provided starting key is invalid";
  if (Object.keys(key).length !== startKeyNames(target).length) throw validationException(invalid);
  if (tableScan) return key;
  for (const name of keyAttributeNames(target.schema)) {
    const value = own(key, name);
    if (value === undefined) throw validationException(invalid);
    if (typeOf(value) !== target.schema.types[name]) throw validationException(KEY_MISMATCH);
  }
  return key;
}

/**
 * ExclusiveStartKey, second part (after a Scan has refused ALL_ATTRIBUTES on a GSI that does not
 * project all): the table's key, "The provided starting key is invalid: The provided key element
 * does not match the schema" when an attribute of it is missing or of another type.
 */
export function startRowKey(target: ReadTarget, key: Item | undefined): RowKey | undefined {
  if (key === undefined) return undefined;
  const table = tableSchema(target.meta);
  if (keyAttributeNames(table).some((n) => { const v = own(key, n); return v === undefined || typeOf(v) !== table.types[n]; })) {
    throw validationException(`The provided starting key is invalid: ${KEY_MISMATCH}`);
  }
  const base = baseRowKey(table, key);
  if (target.index === undefined) return base;
  const { pk, sk } = indexKeyText(target.schema, key);
  return { pk, sk, tpk: base.pk, tsk: base.sk };
}

function lastEvaluatedKey(target: ReadTarget, item: Item): Item {
  const out: Item = {};
  for (const n of startKeyNames(target)) {
    const v = own(item, n);
    if (v !== undefined) setOwn(out, n, v);
  }
  return out;
}

/** The SQL range of a key condition on the encoded sort key. */
export function keyRange(cond: KeyCondition): Pick<RangeOptions, "pk" | "lower" | "upper"> {
  if (cond.multi !== undefined) return multiKeyRange(cond.multi);
  const pk = encodeKeyValue(cond.partitionKey.value);
  const sort = cond.sortKey;
  if (sort === undefined) return { pk };
  const [a, b] = sort.values;
  const enc = (v: typeof a) => encodeKeyValue(v);
  switch (sort.operator) {
    case "EQ":
      return { pk, lower: { value: enc(a), inclusive: true }, upper: { value: enc(a), inclusive: true } };
    case "LT":
      return { pk, upper: { value: enc(a), inclusive: false } };
    case "LE":
      return { pk, upper: { value: enc(a), inclusive: true } };
    case "GT":
      return { pk, lower: { value: enc(a), inclusive: false } };
    case "GE":
      return { pk, lower: { value: enc(a), inclusive: true } };
    case "BETWEEN":
      return { pk, lower: { value: enc(a), inclusive: true }, upper: { value: enc(b), inclusive: true } };
    case "BEGINS_WITH": {
      // Up to the least value above every one that begins with the prefix: prefix + U+10FFFF was
      // no bound for a key going on after that code point. The key condition is checked again row by row.
      const after = a === undefined ? undefined : successor(a);
      return { pk, lower: { value: enc(a), inclusive: true }, upper: after && { value: enc(after), inclusive: false } };
    }
  }
}

export interface ReadRequest {
  readonly target: ReadTarget;
  readonly keyCondition?: KeyCondition | undefined;
  readonly filter?: Condition | undefined;
  readonly paths?: DocumentPath[] | undefined;
  readonly select: Select;
  readonly limit?: number | undefined;
  readonly descending?: boolean;
  readonly start?: RowKey | undefined;
  readonly consistent: boolean;
  readonly segment?: ScanSegment | undefined;
  /**
   * Items the read returns whole go out as their stored JSON (RawJson), not parsed and written
   * again. For operations whose items only go into an answer (Query, Scan).
   */
  readonly raw?: boolean;
}

export interface ReadResult<T = Item> {
  readonly items: T[] | undefined;
  readonly count: number;
  readonly scannedCount: number;
  readonly lastEvaluatedKey: Item | undefined;
  readonly consumed: Consumption;
}

/**
 * FNV-1a over the encoded partition key: a stable split of partitions into scan segments. A segment
 * is a contiguous range of the hash space, as DynamoDB's are: segments 0 and 1 of 4 hold exactly
 * what segment 0 of 2 holds (dynalite's scan.js, written against AWS: "should return items in same
 * segment order").
 */
export function segmentOf(pk: string, total: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < pk.length; i++) {
    h ^= pk.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // MurmurHash3's finaliser spreads the low bits' differences into the high bits the ranges split on.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return Math.floor((h * total) / 0x100000000);
}

/** Segment and TotalSegments of a parallel Scan. */
export interface ScanSegment {
  readonly segment: number;
  readonly total: number;
}

/**
 * A parallel Scan resumes only inside its own segment: AWS refuses an ExclusiveStartKey whose
 * partition belongs to another segment instead of scanning on from it (dynalite's tests, run
 * against AWS).
 */
export function checkStartSegment(start: RowKey | undefined, segment: ScanSegment | undefined): void {
  if (start === undefined || segment === undefined || segmentOf(start.pk, segment.total) === segment.segment) return;
  throw validationException(
    `The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: ${segment.total} Segment: ${segment.segment}`,
  );
}

export function checkLimit(limit: number | undefined): void {
  check(range("limit", limit, 1));
}

export function runRead(ctx: DynamoContext, req: ReadRequest & { readonly raw: true }): ReadResult<Item | RawJson>;
export function runRead(ctx: DynamoContext, req: ReadRequest): ReadResult;
export function runRead(ctx: DynamoContext, req: ReadRequest): ReadResult<Item | RawJson> {
  const { target } = req;
  const { meta, index } = target;
  const indexName = index?.name ?? "";
  // A Query or Scan of a GSI draws on the GSI's read capacity, of an LSI on the table's.
  const throttle = throttleOf(ctx);
  throttle?.admit(meta, "read", index);
  const opts: RangeOptions = {
    ...{}, ...(req.keyCondition ? keyRange(req.keyCondition) : {}),
    descending: req.descending === true,
    after: req.start,
    // Limit rows and one more, which tells whether to hand out LastEvaluatedKey (a segment skips rows).
    expected: req.limit !== undefined && req.segment === undefined ? req.limit + 1 : undefined,
    // The 1 MB a page reads, unless a segment skips rows the budget does not count.
    bytes: req.segment === undefined ? PAGE_BYTES : undefined,
  };
  // An LSI fetches what it does not project from the table (more reads, as on AWS).
  const fetchFromTable =
    index?.kind === "LSI" &&
    index.projection.ProjectionType !== "ALL" &&
    (req.select === "ALL_ATTRIBUTES" || (req.paths !== undefined && !pathsProjected(meta, index, req.paths)));
  // Rows that go out as stored need no parsing when nothing is checked against them: no filter,
  // and a key condition the SQL range already is exactly (begins_with's upper bound is not).
  const unparsed =
    req.raw === true &&
    !fetchFromTable &&
    req.paths === undefined &&
    req.filter === undefined &&
    req.keyCondition?.sortKey?.operator !== "BEGINS_WITH";
  const items: Array<Item | RawJson> = [];
  let count = 0;
  let scanned = 0;
  let bytes = 0;
  // Units read from the table for the items an LSI fetches.
  let fetchedUnits = 0;
  let last: Item | string | undefined;
  let more = false;
  for (const row of ctx.store.range(ctx, meta.name, indexName, opts)) {
    if (req.segment !== undefined && segmentOf(row.pk, req.segment.total) !== req.segment.segment) continue;
    if (req.limit !== undefined && scanned >= req.limit) {
      more = true;
      break;
    }
    if (bytes >= PAGE_BYTES) {
      more = true;
      break;
    }
    if (unparsed) {
      scanned++;
      count++;
      bytes += row.size;
      last = row.item;
      if (req.select !== "COUNT") items.push(new RawJson(row.item));
      continue;
    }
    let item = parseItem(row.item);
    if (req.keyCondition && !matchesKeyCondition(req.keyCondition, item)) continue;
    scanned++;
    bytes += row.size;
    last = item;
    if (fetchFromTable) {
      // Each fetch reads the entire item from the table, rounded up to 4 KB on its own, on top of the
      // index read ("Provisioned throughput considerations for Local Secondary Indexes", DynamoDB
      // Developer Guide: "you are charged for read capacity units for every base table item fetched").
      const fetched = readItemRow(ctx.store, ctx, meta, item);
      if (fetched) {
        item = parseItem(fetched.item);
        fetchedUnits += readUnits(fetched.size, req.consistent);
      }
    }
    if (req.filter && !evaluateCondition(req.filter, item)) continue;
    count++;
    if (req.select !== "COUNT") items.push(req.paths ? project(req.paths, item) : req.raw && !fetchFromTable ? new RawJson(row.item) : item);
  }
  // DynamoDB hands out LastEvaluatedKey whenever it stopped at Limit, even on the last item.
  if (!more && req.limit !== undefined && scanned >= req.limit) more = true;
  const consumed = new Consumption(meta.name, "read");
  const units = readUnits(bytes, req.consistent);
  if (index) consumed.addIndex(index, units);
  else consumed.table = units;
  consumed.table += fetchedUnits;
  throttle?.charge(meta, consumed);
  return {
    items: req.select === "COUNT" ? undefined : items,
    count,
    scannedCount: scanned,
    lastEvaluatedKey: more && last !== undefined ? lastEvaluatedKey(target, typeof last === "string" ? parseItem(last) : last) : undefined,
    consumed,
  };
}

function pathsProjected(meta: TableMeta, index: IndexMeta, paths: DocumentPath[]): boolean {
  const keep = new Set([...keyAttributeNames(tableSchema(meta)), ...keyAttributeNames(indexSchema(meta, index)), ...(index.projection.NonKeyAttributes ?? [])]);
  return paths.every((p) => keep.has(p[0] as string));
}
