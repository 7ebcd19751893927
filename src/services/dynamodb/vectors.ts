/**
 * Vector indexes (CreateTable VectorIndexes, UpdateTable VectorIndexUpdates) and what they keep.
 *
 * A vector index is stored like a GSI: one row per indexed item in `dynamodb_items` under the
 * index's name, partitioned by the SearchSchema HASH value (all in one partition without one),
 * holding the index's projection of the item and the vector at 32-bit precision ("Vector
 * embeddings are stored in the index at 32-bit floating point (f32) precision. Higher-precision
 * values are accepted but lose precision when replicated to the index", Requirements and
 * limitations). SearchVectors reads a partition's rows and ranks them exactly (brute force),
 * which returns what an approximate index returns at its best.
 *
 * Messages marked "captured" are the texts real DynamoDB answers as recorded by other emulators'
 * captures (dynoxide, floci) and the developer guide's troubleshooting table; the others are
 * Nimbus's own, in DynamoDB's style, where AWS's exact text is not known.
 */
import { attributeValueSize, attributeValuesEqual, itemSize, typeOf, validationException, type AttributeValue, type Item } from "./domain/index.js";
import { emptyIndexKeyMessage, encodeKeyValue, isEmptyKeyValue } from "./items.js";
import type { RowKey } from "./store.js";
import { keyAttributeNames, tableSchema, type AttributeDefinition, type Projection, type TableMeta } from "./table.js";

export const DISTANCE_FUNCTIONS = ["DOT_PRODUCT", "COSINE", "EUCLIDEAN"] as const;
export type DistanceFunction = (typeof DISTANCE_FUNCTIONS)[number];

export interface SearchSchemaElement {
  readonly AttributeName: string;
  readonly SearchSchemaElementType: "HASH" | "INLINE_FILTER";
}

export interface VectorIndexMeta {
  readonly name: string;
  readonly attribute: string;
  readonly dimensions: number;
  readonly distanceFunction: DistanceFunction;
  readonly projection: Projection;
  readonly searchSchema?: SearchSchemaElement[];
}

/** Quotas in Amazon DynamoDB, "Vector indexes". */
export const MAX_VECTOR_INDEXES = 5;
export const MAX_DIMENSIONS = 4096;
export const MAX_INLINE_FILTERS = 18;
export const MAX_TOP_K = 100;

const INVALID = "One or more parameter values were invalid: ";
/** The write path's family says "invalid." where table operations say "invalid:" (captured). */
const INVALID_VALUE = "One or more parameter values were invalid.";
/** The largest 32-bit float, as DynamoDB prints it in the out-of-range message (captured). */
const F32_RANGE = "[-3.4028235E38, 3.4028235E38]";

/** The request shape shared by CreateTable's VectorIndexes, UpdateTable's Create and restores' VectorIndexOverride. */
export interface VectorIndexInput {
  IndexName: string;
  VectorAttribute: { AttributeName: string };
  Projection: { ProjectionType?: string; NonKeyAttributes?: string[] };
  Dimensions: number;
  DistanceFunction: string;
  SearchSchema?: { AttributeName: string; SearchSchemaElementType: string }[];
}

export function hashAttribute(index: VectorIndexMeta): string | undefined {
  return index.searchSchema?.find((e) => e.SearchSchemaElementType === "HASH")?.AttributeName;
}

/**
 * The rules on vector indexes being added to a table (CreateTable, UpdateTable), after the
 * request's member constraints: on-demand tables only, at most five, at most 4096 dimensions,
 * SearchSchema attributes defined, one dimension count per vector attribute.
 */
export function checkNewVectorIndexes(
  added: readonly VectorIndexMeta[],
  existing: readonly VectorIndexMeta[],
  table: { billingMode: string; keySchema: TableMeta["keySchema"]; attributeDefinitions: readonly AttributeDefinition[] },
): void {
  if (added.length === 0) return;
  if (existing.length + added.length > MAX_VECTOR_INDEXES) {
    throw validationException(`${INVALID}VectorIndex count exceeds the per-table limit of ${MAX_VECTOR_INDEXES}`);
  }
  if (table.billingMode !== "PAY_PER_REQUEST") throw validationException(`${INVALID}Vector indexes are only supported for PAY_PER_REQUEST tables`);
  const defined = new Set(table.attributeDefinitions.map((d) => d.AttributeName));
  const keys = new Set(table.keySchema.map((k) => k.AttributeName));
  const dimensions = new Map(existing.map((i) => [i.attribute, i.dimensions]));
  for (const index of added) {
    if (index.dimensions > MAX_DIMENSIONS) throw validationException(`${INVALID}Number of dimensions must be between 1 and ${MAX_DIMENSIONS} inclusive.`);
    // Nimbus's wording: a key or a SearchSchema attribute has a scalar type, a vector is a list.
    if (keys.has(index.attribute) || defined.has(index.attribute)) {
      throw validationException(`${INVALID}Vector attribute ${index.attribute} of vector index ${index.name} must not be defined in AttributeDefinitions`);
    }
    const schema = index.searchSchema ?? [];
    if (schema.filter((e) => e.SearchSchemaElementType === "HASH").length > 1) {
      throw validationException(`${INVALID}SearchSchema of vector index ${index.name} must not have more than one HASH element`);
    }
    const filters = schema.filter((e) => e.SearchSchemaElementType === "INLINE_FILTER").length;
    if (filters > MAX_INLINE_FILTERS) {
      // AWS's words (the AWS SDK for Java v2's SearchVectorsIntegrationTestBase, run against DynamoDB:
      // CreateTableLimitTests.createTable_tooManyInlineFilters_failsAtService).
      throw validationException(`${INVALID}Value '${filters}' at 'SearchSchema' failed to satisfy constraint: Member must have INLINE_FILTER count less than or equal to ${MAX_INLINE_FILTERS}`);
    }
    const repeated = schema.find((e, i) => schema.findIndex((o) => o.AttributeName === e.AttributeName) !== i);
    if (repeated !== undefined) throw validationException(`${INVALID}Duplicate attribute in SearchSchema of vector index ${index.name}: ${repeated.AttributeName}`);
    if (schema.some((e) => !defined.has(e.AttributeName))) throw validationException(`${INVALID}One element in SearchSchema is not defined in attribute definitions`);
    if (schema.some((e) => e.AttributeName === index.attribute)) {
      throw validationException(`${INVALID}Vector attribute ${index.attribute} of vector index ${index.name} must not be in its SearchSchema`);
    }
    const seen = dimensions.get(index.attribute);
    if (seen !== undefined && seen !== index.dimensions) {
      throw validationException(
        `${INVALID}Conflicting attribute definition for '${index.attribute}'. All VectorIndexes on the same vector attribute must use the same dimensions.`,
      );
    }
    dimensions.set(index.attribute, index.dimensions);
  }
}

/** The attributes the table's vector indexes need defined (their SearchSchema's). */
export function vectorKeyAttributes(indexes: readonly VectorIndexMeta[] | undefined): string[] {
  return (indexes ?? []).flatMap((i) => (i.searchSchema ?? []).map((e) => e.AttributeName));
}

/** How DescribeTable (and CreateTable, UpdateTable) show a vector index. */
export function vectorIndexDescription(meta: TableMeta, index: VectorIndexMeta, status: string, stats: { count: number; bytes: number }) {
  return {
    IndexName: index.name,
    ...(index.searchSchema ? { SearchSchema: index.searchSchema } : {}),
    Projection: index.projection,
    VectorAttribute: { AttributeName: index.attribute },
    Dimensions: index.dimensions,
    DistanceFunction: index.distanceFunction,
    IndexStatus: status,
    // Only an index being added to a live table is filled from its items (UpdateTable).
    ...(status === "CREATING" && meta.transition !== undefined ? { Backfilling: true } : {}),
    IndexSizeBytes: stats.bytes,
    ItemCount: stats.count,
    IndexArn: `${meta.arn}/index/${index.name}`,
  };
}

/** The request shape that makes the index again (backups' SourceTableFeatureDetails, restores). */
export function vectorIndexInput(index: VectorIndexMeta): VectorIndexInput {
  return {
    IndexName: index.name,
    VectorAttribute: { AttributeName: index.attribute },
    ...(index.searchSchema ? { SearchSchema: index.searchSchema } : {}),
    Projection: index.projection,
    Dimensions: index.dimensions,
    DistanceFunction: index.distanceFunction,
  };
}

// ---------------------------------------------------------------------------------------------
// Vector values

/** A number as the index keeps it: its nearest 32-bit float; undefined beyond the f32 range. */
export function toFloat32(n: string): number | undefined {
  const f = Math.fround(Number(n));
  return Number.isFinite(f) ? f : undefined;
}

/**
 * Why an item's value is not a vector of the index (captured messages), or undefined when it is.
 * DynamoDB refuses the write rather than leave the item out of the index; only an item without
 * the attribute is left out.
 */
function vectorProblem(index: VectorIndexMeta, v: AttributeValue): string | undefined {
  const name = index.attribute;
  if (v.L === undefined) return `${INVALID_VALUE} Invalid type for parameter ${name}, Expected: 32-bit floating point number list IndexName: ${index.name}`;
  if (v.L.length !== index.dimensions) {
    return `${INVALID_VALUE} Invalid size for parameter ${name}, Expected: ${index.dimensions}, Actual: ${v.L.length} IndexName: ${index.name}`;
  }
  for (let i = 0; i < v.L.length; i++) {
    const e = v.L[i] as AttributeValue;
    if (e.N === undefined) {
      return `${INVALID_VALUE} Invalid type for parameter ${name}[${i}], Expected: 32-bit floating point number, Actual: ${typeOf(e)}. IndexName: ${index.name}`;
    }
    if (toFloat32(e.N) === undefined) {
      return `${INVALID_VALUE} Invalid value for parameter ${name}[${i}], Value: ${e.N} is outside valid range ${F32_RANGE}. IndexName: ${index.name}`;
    }
  }
  return undefined;
}

/** Sorted once per frozen description: DynamoDB reports the first index by name. */
const byName = new WeakMap<readonly VectorIndexMeta[], readonly VectorIndexMeta[]>();

function indexesByName(indexes: readonly VectorIndexMeta[]): readonly VectorIndexMeta[] {
  let sorted = byName.get(indexes);
  if (sorted === undefined) {
    sorted = [...indexes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (Object.isFrozen(indexes)) byName.set(indexes, sorted);
  }
  return sorted;
}

/**
 * The vector indexes' rules on a written item: the vector attribute, when present, is a list of
 * exactly `Dimensions` numbers within the 32-bit float range; a SearchSchema attribute, when
 * present, has its defined type, and a HASH one is not empty. `cause` words the empty value as
 * checkIndexKeys does.
 */
export function checkVectorAttributes(meta: TableMeta, indexes: readonly VectorIndexMeta[], item: Item, cause: "item" | "update"): void {
  for (const index of indexesByName(indexes)) {
    const v = item[index.attribute];
    if (v !== undefined) {
      const problem = vectorProblem(index, v);
      if (problem !== undefined) throw validationException(problem);
    }
    for (const element of index.searchSchema ?? []) {
      const value = item[element.AttributeName];
      if (value === undefined) continue;
      const expected = meta.attributeDefinitions.find((d) => d.AttributeName === element.AttributeName)?.AttributeType;
      const actual = typeOf(value);
      if (expected !== undefined && actual !== expected) {
        throw validationException(`${INVALID_VALUE} Attribute '${element.AttributeName}' type mismatch. Expected: ${expected}, Actual: ${actual}. IndexName: ${index.name}`);
      }
      if (element.SearchSchemaElementType === "HASH" && isEmptyKeyValue(value)) {
        throw validationException(emptyIndexKeyMessage(value, cause === "item" ? { index: index.name, key: element.AttributeName } : undefined));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Index rows

/** What a vector index row holds: the 32-bit vector it ranks by and the projected item it returns. */
export interface VectorEntry {
  readonly vector: number[];
  readonly item: Item;
}

export interface VectorRow {
  readonly key: RowKey;
  readonly entry: VectorEntry;
  /** The entry's size: the vector at 4 bytes a dimension plus its name, and the rest of the projection as DynamoDB sizes items. */
  readonly size: number;
}

/** Whether the projection returns the vector itself: ALL, or INCLUDE naming it. */
function projectsVector(index: VectorIndexMeta): boolean {
  const p = index.projection;
  return p.ProjectionType === "ALL" || (p.ProjectionType === "INCLUDE" && (p.NonKeyAttributes ?? []).includes(index.attribute));
}

/** The index's projection of an item: the table's keys and the SearchSchema attributes, plus what the projection adds. */
function projectForVectorIndex(meta: TableMeta, index: VectorIndexMeta, item: Item, vector: number[]): Item {
  const out: Item = {};
  if (index.projection.ProjectionType === "ALL") {
    for (const name of Object.keys(item)) if (name !== index.attribute) out[name] = item[name] as AttributeValue;
  } else {
    const keep = new Set([...keyAttributeNames(tableSchema(meta)), ...(index.searchSchema ?? []).map((e) => e.AttributeName)]);
    if (index.projection.ProjectionType === "INCLUDE") for (const n of index.projection.NonKeyAttributes ?? []) keep.add(n);
    keep.delete(index.attribute);
    for (const name of keep) {
      const v = item[name];
      if (v !== undefined) out[name] = v;
    }
  }
  // The projected vector is the index's 32-bit copy, not the item's own digits.
  if (projectsVector(index)) out[index.attribute] = { L: vector.map((f) => ({ N: String(f) })) };
  return out;
}

/**
 * The row the index holds for `item`; undefined when the item is not in the index: it lacks
 * the vector, or the SearchSchema HASH attribute, or either does not fit (an index made on a
 * table whose items predate it leaves those out, as DynamoDB's backfill does).
 */
export function vectorRow(meta: TableMeta, index: VectorIndexMeta, item: Item | undefined, base: RowKey | undefined): VectorRow | undefined {
  if (item === undefined || base === undefined) return undefined;
  const v = item[index.attribute];
  if (v === undefined || vectorProblem(index, v) !== undefined) return undefined;
  const hash = hashAttribute(index);
  let pk = "";
  if (hash !== undefined) {
    const h = item[hash];
    const type = meta.attributeDefinitions.find((d) => d.AttributeName === hash)?.AttributeType;
    if (h === undefined || typeOf(h) !== type || isEmptyKeyValue(h)) return undefined;
    pk = encodeKeyValue(h);
  }
  for (const element of index.searchSchema ?? []) {
    const value = item[element.AttributeName];
    const type = meta.attributeDefinitions.find((d) => d.AttributeName === element.AttributeName)?.AttributeType;
    if (value !== undefined && typeOf(value) !== type) return undefined;
  }
  const vector = (v.L as AttributeValue[]).map((e) => toFloat32(e.N as string) as number);
  const projected = projectForVectorIndex(meta, index, item, vector);
  const { [index.attribute]: _vector, ...rest } = projected;
  const size = 4 * index.dimensions + Buffer.byteLength(index.attribute) + itemSize(rest);
  return { key: { pk, sk: "", tpk: base.tpk, tsk: base.tsk }, entry: { vector, item: projected }, size };
}

/**
 * The size a write to `item` is billed at: a vector a vector index reads costs its name plus 4 bytes
 * a dimension, whatever numbers it holds, in place of the list of numbers `stored` counted. Reads and
 * the 400 KB limit still size the vector by its numbers (paritysuite/dynamodb-conformance
 * tests/tier2/vectorSearch/consumedCapacity.test.ts, eu-west-2 and us-east-1, 2026-10-09).
 */
export function billedWriteSize(meta: TableMeta, item: Item | undefined, stored: number): number {
  if (item === undefined || meta.vectorIndexes === undefined) return stored;
  const billed = new Set<string>();
  let size = stored;
  for (const index of meta.vectorIndexes) {
    const v = item[index.attribute];
    if (v === undefined || billed.has(index.attribute) || vectorProblem(index, v) !== undefined) continue;
    billed.add(index.attribute);
    size += 4 * index.dimensions - attributeValueSize(v);
  }
  return size;
}

export function sameVectorRow(a: VectorRow, b: VectorRow): boolean {
  return (
    a.key.pk === b.key.pk &&
    a.entry.vector.length === b.entry.vector.length &&
    a.entry.vector.every((x, i) => x === b.entry.vector[i]) &&
    attributeValuesEqual({ M: a.entry.item }, { M: b.entry.item })
  );
}

export function serializeEntry(entry: VectorEntry, serializeItem: (item: Item) => string): string {
  return `{"vector":${JSON.stringify(entry.vector)},"item":${serializeItem(entry.item)}}`;
}

// ---------------------------------------------------------------------------------------------
// Distance

/**
 * The score of a stored vector against the search vector. Elements are 32-bit, the arithmetic
 * is double precision and the result is held to the 32-bit range, as DynamoDB answers (captured:
 * overflowing EUCLIDEAN distances report the largest float, never Infinity).
 *  - COSINE: 1 - cosine similarity, 0 (same direction) to 2 (opposite); 1 when either is zero.
 *  - EUCLIDEAN: the straight-line distance.
 *  - DOT_PRODUCT: the dot product, higher is more similar.
 */
export function vectorScore(fn: DistanceFunction, query: readonly number[], stored: readonly number[]): number {
  let score: number;
  if (fn === "EUCLIDEAN") {
    let sum = 0;
    for (let i = 0; i < query.length; i++) {
      const d = (query[i] as number) - (stored[i] as number);
      sum += d * d;
    }
    score = Math.sqrt(sum);
  } else {
    let dot = 0;
    let qq = 0;
    let ss = 0;
    for (let i = 0; i < query.length; i++) {
      const q = query[i] as number;
      const s = stored[i] as number;
      dot += q * s;
      qq += q * q;
      ss += s * s;
    }
    if (fn === "DOT_PRODUCT") score = dot;
    else if (qq === 0 || ss === 0) score = 1;
    else score = Math.min(2, Math.max(0, 1 - dot / (Math.sqrt(qq) * Math.sqrt(ss))));
  }
  const max = 3.4028234663852886e38;
  return Math.min(max, Math.max(-max, score));
}

/** Whether a higher score is more similar (DOT_PRODUCT returns the k highest, the others the k lowest). */
export function higherIsCloser(fn: DistanceFunction): boolean {
  return fn === "DOT_PRODUCT";
}
