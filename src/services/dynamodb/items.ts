/**
 * What every item operation shares: finding the table, validating keys and items against its
 * schema, storage encoding, writing an item together with its index rows and stream record,
 * and capacity accounting.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { own, setOwn } from "../../core/own.js";
import type { Scope } from "../../core/service.js";
import {
  assertItemSize,
  attributeValuesEqual,
  checkKeyAttributeValue,
  isValidationException,
  itemSize,
  MAX_PARTITION_KEY_BYTES,
  MAX_SORT_KEY_BYTES,
  numberSortKey,
  typeOf,
  validateItem,
  validationException,
  type AttributeValue,
  type DocumentPath,
  type Item,
  type KeySchema,
  type UpdateResult,
} from "./domain/index.js";
import { bareTableName } from "./access.js";
import { errors } from "./errors.js";
import { restoring } from "./table-status.js";
import type { DynamoStore, RowKey } from "./store.js";
import { allIndexes, indexSchema, keyAttributeNames, tableSchema, type IndexMeta, type TableMeta } from "./table.js";
import { check, checkTableName, length, memberConstraint, oneOf, tableNameChecks, type Check } from "./validation.js";
import { replicateWrite, stampLegacyReplication } from "./replication.js";
import { multiKeyText } from "./multi-attribute-keys.js";
import { billedWriteSize, checkVectorAttributes, sameVectorRow, serializeEntry, vectorRow, type VectorIndexMeta } from "./vectors.js";

// ---------------------------------------------------------------------------------------------
// Tables

/** TableName may be a name or a table ARN (accepted by item operations since 2024). */
export function tableNameOf(raw: string, field = "tableName"): string {
  const name = bareTableName(raw);
  checkTableName(name, field);
  return name;
}

/**
 * UpdateItem's TableName; PutItem and DeleteItem check it first in checkWriteMembers.
 * An empty one is refused alone, before any other member, in the newer front end's words
 * (assertTableNameNotEmpty).
 */
export function writeTableNameOf(raw: string): string {
  assertTableNameNotEmpty(raw);
  return tableNameOf(raw);
}

/**
 * PutItem's, UpdateItem's and DeleteItem's empty TableName: since DynamoDB's 2026-06
 * validation-framework rollout it is reported alone, before the enums, as "Value at 'TableName'"
 * (paritysuite/dynamodb-conformance registry/splits.json put-item-validation-error-aggregation:
 * 31 of 33 Regions, us-east-1 among them, on 2026-10-07; only eu-south-2 and me-central-1 still
 * list "Value '' at 'tableName'" after the enums. captures/cross-region-latest.json records the
 * same for DeleteItem and UpdateItem in eu-west-2 and us-east-1).
 */
export function assertTableNameNotEmpty(raw: string): void {
  if (raw === "") throw memberConstraint("TableName", "Member must have length greater than or equal to 1");
}

/**
 * The member constraint an empty TableName of PutItem, UpdateItem or DeleteItem fails: the model's
 * TableArn length (1 to 1024) alone, where "x!" fails the table name's length 3 and pattern (moto's
 * AWS-verified test_update_item_with_empty_table_name and test_update_item_with_invalid_table_name,
 * getmoto/moto tests/test_dynamodb; nubo-db/dynamodb-conformance's captures of PutItem with
 * TableName '' in every region, and its DeleteItem ordering test, passing against DynamoDB).
 * DescribeTable answers "" with the name rules (ack-api-quirks).
 */
export function emptyTableNameCheck(raw: string, field = "tableName"): Check | undefined {
  return raw === "" ? length(field, raw, 1, 1024) : undefined;
}

/**
 * The table name a member inside a request holds (a transaction's action), named by its path: an
 * empty one fails the length 1 alone (emptyTableNameCheck), any other the name's length and pattern.
 */
export function memberTableNameChecks(raw: string, field: string): (Check | undefined)[] {
  return raw === "" ? [emptyTableNameCheck(raw, field)] : tableNameChecks(bareTableName(raw), field);
}

/**
 * Item operations say only "Requested resource not found" and read the shared, frozen
 * description; table operations name the table and get a copy they may change and save.
 */
export function requireTable(store: DynamoStore, scope: Scope, rawName: string, style: "table" | "settings"): TableMeta;
export function requireTable(store: DynamoStore, scope: Scope, rawName: string, style?: "item"): Readonly<TableMeta>;
export function requireTable(store: DynamoStore, scope: Scope, rawName: string, style: "item" | "table" | "settings" = "item"): Readonly<TableMeta> {
  return lookupTable(store, scope, tableNameOf(rawName), style);
}

/** requireTable for an item operation whose TableName tableNameOf has checked already (it comes first). */
export function requireItemTable(store: DynamoStore, scope: Scope, name: string): Readonly<TableMeta> {
  return lookupTable(store, scope, name, "item");
}

function lookupTable(store: DynamoStore, scope: Scope, name: string, style: "item" | "table" | "settings"): Readonly<TableMeta> {
  const meta = style === "item" ? store.readTable(scope, name) : store.getTable(scope, name);
  // "settings": the calls on a table's settings (UpdateTable, TTL, Contributor Insights) find no
  // table that a restore is still making, though DescribeTable shows it (DDB-TABLE-217).
  if (meta === undefined || (style === "settings" && restoring(meta))) throw style === "item" ? errors.ResourceNotFound() : errors.TableNotFound({ name });
  // Items of a table that is not ACTIVE yet (CREATING, or ImportTable still filling it) or DELETING
  // are out of reach, as on AWS (dynalite's getTable, whose suite runs against AWS, answers both so).
  if (style === "item" && (meta.importArn !== undefined || (meta.transition !== undefined && meta.transition.status !== "UPDATING"))) throw errors.ResourceNotFound();
  return meta;
}

// ---------------------------------------------------------------------------------------------
// Storage encoding

/** Key values as text whose byte order is DynamoDB's order for the type. */
export function encodeKeyValue(v: AttributeValue | undefined): string {
  if (v === undefined) return "";
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return numberSortKey(v.N);
  if (v.B !== undefined) return Buffer.from(v.B.buffer, v.B.byteOffset, v.B.byteLength).toString("hex");
  return "";
}

/** Whether a value (an item, or any request) holds bytes anywhere. */
function holdsBinary(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (value instanceof Uint8Array) return true;
  if (Array.isArray(value)) return value.some(holdsBinary);
  for (const key in value) if (holdsBinary((value as Record<string, unknown>)[key])) return true;
  return false;
}

export function serializeItem(item: Item): string {
  // A replacer costs a call per key and value; only binaries need one.
  if (!holdsBinary(item)) return JSON.stringify(item);
  // Buffer.toJSON runs before a replacer sees the value, so look at the holder's original.
  return JSON.stringify(item, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = this[key];
    return raw instanceof Uint8Array ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64") : value;
  });
}

/**
 * What a client token stands for (TransactWriteItems' ClientRequestToken, the ClientToken of
 * exports, imports and bulk puts): the sha256 of the request without its token, members in
 * name order, binaries as base64, so the same token with other parameters can be told apart.
 */
export function requestFingerprint(input: object, tokenMember: string): string {
  const { [tokenMember]: _token, ...rest } = input as Record<string, unknown>;
  return createHash("sha256").update(serializeItem(inNameOrder(rest) as Item)).digest("hex");
}

/**
 * AWS reads a request as structures and maps, so the order a client wrote their members in is
 * no part of it: the same item with its attributes in another order under one token is the same
 * request (LocalStack's AWS-validated test_dynamodb_idempotent_writing).
 */
function inNameOrder(value: unknown): unknown {
  if (typeof value !== "object" || value === null || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(inNameOrder);
  // fromEntries defines its members, so an attribute named __proto__ stays a member.
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, inNameOrder((value as Record<string, unknown>)[key])]),
  );
}

/**
 * Inside an item a string under "B" and a list under "BS" are always binaries (map values are
 * objects). Only text that holds one needs the reviver, which costs more than the parse itself:
 * `"B":"` and `"BS":[` cannot occur inside a JSON string (its quotes are escaped), and an
 * attribute named B or BS maps to an object.
 */
export function parseItem(text: string): Item {
  if (!text.includes('"B":"') && !text.includes('"BS":[')) return JSON.parse(text) as Item;
  return JSON.parse(text, (key, value: unknown) => {
    if (key === "B" && typeof value === "string") return Buffer.from(value, "base64");
    if (key === "BS" && Array.isArray(value)) return value.map((b) => (typeof b === "string" ? Buffer.from(b, "base64") : b));
    return value;
  }) as Item;
}

/** An item as JSON the error serializer can write as is (binaries as base64). */
export function jsonItem(item: Item): unknown {
  return JSON.parse(serializeItem(item));
}

export function baseRowKey(schema: KeySchema, item: Item): RowKey {
  const pk = encodeKeyValue(own(item, schema.partitionKey));
  const sk = schema.sortKey === undefined ? "" : encodeKeyValue(own(item, schema.sortKey));
  return { pk, sk, tpk: pk, tsk: sk };
}

/** The pk and sk texts of an item's row in an index (or table) of this key schema; the item has every key attribute. */
export function indexKeyText(schema: KeySchema, item: Item): { pk: string; sk: string } {
  if (schema.multi !== undefined) return multiKeyText(schema.multi, item);
  return { pk: encodeKeyValue(own(item, schema.partitionKey)), sk: schema.sortKey === undefined ? "" : encodeKeyValue(own(item, schema.sortKey)) };
}

export function keyOf(schema: KeySchema, item: Item): Item {
  const out: Item = {};
  for (const name of keyAttributeNames(schema)) {
    const v = own(item, name);
    if (v !== undefined) setOwn(out, name, v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation against the schema

const INVALID = "One or more parameter values were invalid: ";
const KEY_SCHEMA_MISMATCH = "The provided key element does not match the schema";

/**
 * A `Key` of GetItem/DeleteItem/UpdateItem/BatchGetItem... whose values validateItem has checked:
 * exactly the key attributes, of the declared types. Its values are checked before the table is
 * looked up, this after: a malformed value is refused even for a table that does not exist
 * (dynalite's suite, run against DynamoDB, gets its ValidationExceptions from table 'abc').
 */
export function checkKey(meta: TableMeta, key: Item): void {
  checkKeyValues(meta, key, false);
  const mismatch = keySchemaMismatch(meta, key);
  if (mismatch !== undefined) throw validationException(mismatch);
}

/** Why a Key does not fit the table's key schema (other attributes, one missing or mistyped); undefined when it fits. */
export function keySchemaMismatch(meta: TableMeta, key: Item): string | undefined {
  const schema = tableSchema(meta);
  const names = keyAttributeNames(schema);
  if (Object.keys(key).length !== names.length) return KEY_SCHEMA_MISMATCH;
  for (const name of names) {
    const v = own(key, name);
    if (v === undefined || typeOf(v) !== schema.types[name]) return KEY_SCHEMA_MISMATCH;
  }
  return undefined;
}

/**
 * The rules on key values themselves (no empty string or binary, 2048 and 1024 bytes at most) for
 * the table's keys in an item or Key that have their declared type, and with `indexes` the empty
 * values of index keys. DynamoDB checks these before it compares the item with the schema: a
 * transaction refuses them outright, where a key that does not fit cancels only its own action.
 */
export function checkKeyValues(meta: TableMeta, item: Item, indexes: boolean): void {
  const schema = tableSchema(meta);
  keyAttributeNames(schema).forEach((name, i) => {
    const v = own(item, name);
    if (v !== undefined && typeOf(v) === schema.types[name]) checkKeyAttributeValue(name, v, i === 0 ? "partition" : "sort");
  });
  if (indexes) checkIndexKeyValues(meta, item, "item", "skip");
}

/** What checkItemKeys refuses in an item that passed checkKeyValues (a table key missing or mistyped, an index key mistyped); undefined when it fits. */
export function itemKeysMismatch(meta: TableMeta, item: Item): string | undefined {
  try {
    checkItemKeys(meta, item);
    return undefined;
  } catch (err) {
    if (isValidationException(err)) return err.message;
    throw err;
  }
}

/**
 * How a new item's missing or wrongly typed table key is worded: PutItem and TransactWriteItems
 * name the attribute ("Missing the key pk in the item", "Type mismatch for key pk ..."), while a
 * BatchWriteItem PutRequest says only "The provided key element does not match the schema".
 */
export type KeyWording = "item" | "schema";

/** A whole item (PutItem, BatchWriteItem Put, the result of UpdateItem). */
export function validateNewItem(meta: TableMeta, raw: Record<string, unknown>, wording: KeyWording = "item"): Item {
  return validateSizedItem(meta, raw, wording).item;
}

/** validateNewItem, with the item's size it measured (writeItem can take it instead of measuring again). */
export function validateSizedItem(meta: TableMeta, raw: Record<string, unknown>, wording: KeyWording = "item"): { item: Item; size: number } {
  const item = validateItem(raw);
  checkItemKeys(meta, item, wording);
  return { item, size: assertItemSize(item, "put") };
}

export function checkItemKeys(meta: TableMeta, item: Item, wording: KeyWording = "item"): void {
  const schema = tableSchema(meta);
  keyAttributeNames(schema).forEach((name, i) => {
    const v = own(item, name);
    if (v === undefined) throw validationException(wording === "schema" ? KEY_SCHEMA_MISMATCH : `${INVALID}Missing the key ${name} in the item`);
    const actual = typeOf(v);
    if (actual !== schema.types[name]) {
      throw validationException(wording === "schema" ? KEY_SCHEMA_MISMATCH : `${INVALID}Type mismatch for key ${name} expected: ${schema.types[name]} actual: ${actual}`);
    }
    checkKeyAttributeValue(name, v, i === 0 ? "partition" : "sort");
  });
  checkIndexKeys(meta, item);
}

/** Sorted once per frozen description (the ones item operations read), since every write asks. */
const sortedIndexes = new WeakMap<TableMeta, readonly IndexMeta[]>();

function indexesByName(meta: TableMeta): readonly IndexMeta[] {
  const cached = sortedIndexes.get(meta);
  if (cached !== undefined) return cached;
  const sorted = allIndexes(meta).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (Object.isFrozen(meta)) sortedIndexes.set(meta, sorted);
  return sorted;
}

/**
 * An empty string or binary where an index key goes. A written item names the index and key; an
 * UpdateItem (or a transaction's Update) that would leave one empty is worded without them.
 */
export function emptyIndexKeyMessage(value: AttributeValue, written?: { readonly index: string; readonly key: string }): string {
  const kind = value.S !== undefined ? "string" : "binary";
  return written === undefined
    ? `One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty ${kind} value.`
    : `One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${kind} value. IndexName: ${written.index}, IndexKey: ${written.key}`;
}

export function isEmptyKeyValue(v: AttributeValue): boolean {
  return (v.S !== undefined && v.S.length === 0) || (v.B !== undefined && v.B.byteLength === 0);
}

/**
 * Index key attributes are optional (sparse indexes), but when present must have the declared type.
 * DynamoDB looks at the indexes in the order of their names: an attribute that keys a GSI "gsi1"
 * and an LSI "lsi1" is reported with IndexName: gsi1. `cause` says whether the item was written
 * as it is or made by an update expression (which words an empty key value differently);
 * "resolved" is an update expression whose own values were checked before the item was read.
 */
export function checkIndexKeys(meta: TableMeta, item: Item, cause: "item" | "update" | "resolved" = "item"): void {
  const written = cause === "resolved" ? "update" : cause;
  checkIndexKeyValues(meta, item, written, cause === "resolved" ? "unsupported" : "refuse");
  if (meta.vectorIndexes !== undefined) checkVectorAttributes(meta, meta.vectorIndexes, item, written);
}

/**
 * checkIndexKeys, or with `mistyped` "skip" only the empty values of index keys of their declared type
 * (checkKeyValues). "unsupported" words a wrong type as UpdateExpression does for a value it took from
 * the item (`SET c = e`, e a number, c an index key of type S): "The update expression attempted to
 * update the secondary index key to unsupported type" (dynalite's updateItem tests, run against AWS;
 * the message is among UpdateItem's ValidationError messages in the TransactWriteItems API reference).
 */
function checkIndexKeyValues(meta: TableMeta, item: Item, cause: "item" | "update", mistyped: "refuse" | "skip" | "unsupported"): void {
  for (const index of indexesByName(meta)) {
    const schema = indexSchema(meta, index);
    for (const name of keyAttributeNames(schema)) {
      const v = own(item, name);
      if (v === undefined) continue;
      const actual = typeOf(v);
      if (actual !== schema.types[name]) {
        if (mistyped === "skip") continue;
        if (mistyped === "unsupported") throw validationException("The update expression attempted to update the secondary index key to unsupported type");
        throw validationException(`${INVALID}Type mismatch for Index Key ${name} Expected: ${schema.types[name]} Actual: ${actual} IndexName: ${index.name}`);
      }
      if (isEmptyKeyValue(v)) throw validationException(emptyIndexKeyMessage(v, cause === "item" ? { index: index.name, key: name } : undefined));
      const over = oversizedIndexKey(schema, name, v);
      if (over !== undefined) {
        throw validationException(`${INVALID}Size limit exceeded for Index Key ${name} Actual Size: ${over.size} bytes Max Size: ${over.max} bytes IndexName: ${index.name}`);
      }
    }
  }
}

/**
 * Whether an existing item goes into an index a backfill builds: its key attributes absent (a
 * sparse index leaves it out anyway) or each of the declared type, not empty and not too long.
 * DynamoDB reports the others as violations instead of indexing them (ScyllaDB Alternator's
 * test_gsi_updatetable.py::test_gsi_backfill, test_gsi_backfill_empty_string and test_gsi_backfill_key_limits, pass on AWS).
 */
export function backfillsInto(schema: KeySchema, item: Item): boolean {
  return keyAttributeNames(schema).every((n) => {
    const v = own(item, n);
    return v === undefined || (typeOf(v) === schema.types[n] && !isEmptyKeyValue(v) && oversizedIndexKey(schema, n, v) === undefined);
  });
}

/**
 * An index key value longer than a key holds (partition 2048 bytes, sort 1024), with its size.
 * AWS refuses the write naming the index ("Size limit exceeded for Index Key componentId Actual
 * Size: 2175 bytes Max Size: 2048 bytes IndexName: work-sets-index", wellcomecollection/platform#2285,
 * architect/dynalite#35; the sort key's 1024 from ScyllaDB Alternator's test_gsi_limit_sort_key_len_1024)
 * and a GSI's backfill leaves such an item out. Multi-attribute keys are left to their own rules.
 */
function oversizedIndexKey(schema: KeySchema, name: string, v: AttributeValue): { readonly size: number; readonly max: number } | undefined {
  if (schema.multi !== undefined) return undefined;
  const size = v.S !== undefined ? Buffer.byteLength(v.S, "utf8") : v.B !== undefined ? v.B.byteLength : undefined;
  const max = name === schema.partitionKey ? MAX_PARTITION_KEY_BYTES : MAX_SORT_KEY_BYTES;
  return size !== undefined && size > max ? { size, max } : undefined;
}

const SCALAR_KEYS = "Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ";

/**
 * Key attributes are scalars, so a path that goes into one (`pk.a`, `pk[0]`) is refused in a
 * projection, a filter or an update expression, naming a table key "Key" and any other index
 * key "IndexKey" (dynalite's tests, run against AWS).
 */
export function checkKeyPaths(meta: TableMeta, paths: Iterable<DocumentPath>): void {
  let nested: Set<string> | undefined;
  for (const path of paths) if (path.length > 1) (nested ??= new Set()).add(path[0] as string);
  if (nested === undefined) return;
  const tableKeys = keyAttributeNames(tableSchema(meta));
  for (const name of tableKeys) if (nested.has(name)) throw validationException(`${SCALAR_KEYS}Key: ${name}`);
  for (const index of indexesByName(meta)) {
    for (const name of keyAttributeNames(indexSchema(meta, index))) {
      if (nested.has(name) && !tableKeys.includes(name)) throw validationException(`${SCALAR_KEYS}IndexKey: ${name}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

export function readItem(store: DynamoStore, scope: Scope, meta: TableMeta, key: Item): Item | undefined {
  return readStoredItem(store, scope, meta, key)?.item;
}

/** The item with its size as stored (what a read is charged for), so it need not be measured again. */
export function readStoredItem(store: DynamoStore, scope: Scope, meta: TableMeta, key: Item): { item: Item; size: number } | undefined {
  const row = readItemRow(store, scope, meta, key);
  return row ? { item: parseItem(row.item), size: row.size } : undefined;
}

/** The stored row of an item: its JSON (the wire form, see RawJson) and its size. */
export function readItemRow(store: DynamoStore, scope: Scope, meta: TableMeta, key: Item): { item: string; size: number } | undefined {
  return store.getRow(scope, meta.name, "", baseRowKey(tableSchema(meta), key));
}

/**
 * What an update of the item `old` writes: the item it made, except that an item which did not
 * exist and which the update only removed from (REMOVE, DELETE, legacy DELETE) stays missing,
 * though an empty update creates it (ScyllaDB Alternator's tests, which pass on DynamoDB:
 * test_update_item_non_existent, scylladb/scylladb#5862). UpdateItem's rule, and a transaction's
 * Update's, which "initiates an UpdateItem operation" (API reference, TransactWriteItems).
 */
export function updateWrites(meta: TableMeta, old: Item | undefined, result: UpdateResult): Item | undefined {
  const onlyKey = Object.keys(result.item).length === keyAttributeNames(tableSchema(meta)).length;
  return old === undefined && result.updatedAttributes.length > 0 && onlyKey ? undefined : result.item;
}

// ---------------------------------------------------------------------------------------------
// Capacity

export type CapacityMode = "INDEXES" | "TOTAL" | "NONE";

/** ReturnConsumedCapacity's enum, a member constraint reported with the request's others. */
export function capacityModeCheck(raw: string | undefined): Check {
  return oneOf("returnConsumedCapacity", raw, ["INDEXES", "TOTAL", "NONE"]);
}

export function capacityMode(raw: string | undefined): CapacityMode {
  check(capacityModeCheck(raw));
  return raw === "INDEXES" || raw === "TOTAL" ? raw : "NONE";
}

/** Units for reading `bytes`: 4 KB per unit, half for eventually consistent reads. */
export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
}

/** Units for writing `bytes`: 1 KB per unit. */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

export interface ConsumedCapacityOut {
  TableName: string;
  CapacityUnits: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: { CapacityUnits: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number }>;
  VectorIndexes?: Record<string, { VectorWriteRequestBytes: number }>;
}

/** Capacity consumed on one table and its indexes during one request. */
export class Consumption {
  table = 0;
  readonly gsi = new Map<string, number>();
  readonly lsi = new Map<string, number>();
  /** Bytes written to each vector index: metered apart from capacity units, and reported only with INDEXES. */
  readonly vector = new Map<string, number>();

  constructor(
    readonly tableName: string,
    readonly kind: "read" | "write",
  ) {}

  addIndex(index: IndexMeta, units: number): void {
    const map = index.kind === "GSI" ? this.gsi : this.lsi;
    map.set(index.name, (map.get(index.name) ?? 0) + units);
  }

  total(): number {
    let sum = this.table;
    for (const v of this.gsi.values()) sum += v;
    for (const v of this.lsi.values()) sum += v;
    return sum;
  }

  merge(other: Consumption): void {
    this.table += other.table;
    for (const [k, v] of other.gsi) this.gsi.set(k, (this.gsi.get(k) ?? 0) + v);
    for (const [k, v] of other.lsi) this.lsi.set(k, (this.lsi.get(k) ?? 0) + v);
    for (const [k, v] of other.vector) this.vector.set(k, (this.vector.get(k) ?? 0) + v);
  }

  /**
   * `split` adds ReadCapacityUnits or WriteCapacityUnits beside each CapacityUnits. DynamoDB sends
   * them for transactions only: GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan and the batch
   * operations report CapacityUnits alone, under TOTAL and INDEXES (paritysuite/dynamodb-conformance#69,
   * characterised against eu-west-2; ExtendDB/extenddb#212).
   */
  describe(mode: CapacityMode, split = false): ConsumedCapacityOut | undefined {
    if (mode === "NONE") return undefined;
    const units = (n: number) => (split ? { CapacityUnits: n, ...(this.kind === "read" ? { ReadCapacityUnits: n } : { WriteCapacityUnits: n }) } : { CapacityUnits: n });
    const out: ConsumedCapacityOut = { TableName: this.tableName, ...units(this.total()) };
    if (mode === "INDEXES") {
      out.Table = units(this.table);
      if (this.gsi.size > 0) out.GlobalSecondaryIndexes = Object.fromEntries([...this.gsi].map(([k, v]) => [k, units(v)]));
      if (this.lsi.size > 0) out.LocalSecondaryIndexes = Object.fromEntries([...this.lsi].map(([k, v]) => [k, units(v)]));
      if (this.vector.size > 0) out.VectorIndexes = Object.fromEntries([...this.vector].map(([k, v]) => [k, { VectorWriteRequestBytes: v }]));
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Index rows

/** The attributes an index keeps of an item: keys of table and index, plus its projection. */
export function projectForIndex(meta: TableMeta, index: IndexMeta, item: Item): Item {
  if (index.projection.ProjectionType === "ALL") return item;
  const keep = new Set([...keyAttributeNames(tableSchema(meta)), ...keyAttributeNames(indexSchema(meta, index))]);
  if (index.projection.ProjectionType === "INCLUDE") for (const n of index.projection.NonKeyAttributes ?? []) keep.add(n);
  const out: Item = {};
  for (const name of Object.keys(item)) if (keep.has(name)) setOwn(out, name, item[name] as AttributeValue);
  return out;
}

interface IndexRow {
  readonly key: RowKey;
  readonly item: Item;
  readonly size: number;
}

/** The row an index holds for `item`, or undefined when the item lacks an index key (sparse index). */
export function indexRow(meta: TableMeta, index: IndexMeta, item: Item | undefined): IndexRow | undefined {
  if (item === undefined) return undefined;
  const schema = indexSchema(meta, index);
  for (const name of keyAttributeNames(schema)) if (own(item, name) === undefined) return undefined;
  const base = baseRowKey(tableSchema(meta), item);
  const projected = projectForIndex(meta, index, item);
  const { pk, sk } = indexKeyText(schema, item);
  return {
    key: { pk, sk, tpk: base.pk, tsk: base.sk },
    item: projected,
    size: itemSize(projected),
  };
}

function sameRowKey(a: RowKey, b: RowKey): boolean {
  return a.pk === b.pk && a.sk === b.sk && a.tpk === b.tpk && a.tsk === b.tsk;
}

/** What replacing `oldItem` by `newItem` does to one index: the row it drops, the row it writes, the write units that costs. */
interface IndexWrite {
  readonly drop?: IndexRow;
  readonly put?: IndexRow;
  readonly units: number;
}

function indexWrite(meta: TableMeta, index: IndexMeta, oldItem: Item | undefined, newItem: Item | undefined): IndexWrite {
  const before = indexRow(meta, index, oldItem);
  const after = indexRow(meta, index, newItem);
  if (before !== undefined && after !== undefined && sameRowKey(before.key, after.key)) {
    // An index whose projected attributes did not change is not written (and not charged).
    if (attributeValuesEqual({ M: before.item }, { M: after.item })) return { units: 0 };
    return { put: after, units: writeUnits(Math.max(before.size, after.size)) };
  }
  const units = (before !== undefined ? writeUnits(before.size) : 0) + (after !== undefined ? writeUnits(after.size) : 0);
  return { drop: before, put: after, units };
}

/**
 * The write units a write would take from each GSI it changes, worked out without writing
 * (throttling.ts asks before a write whether every such GSI has capacity left).
 */
export function gsiWriteUnits(meta: TableMeta, oldItem: Item | undefined, newItem: Item | undefined): Map<string, number> {
  const units = new Map<string, number>();
  for (const index of meta.gsis) {
    const change = indexWrite(meta, index, oldItem, newItem);
    if (change.units > 0) units.set(index.name, change.units);
  }
  return units;
}

// ---------------------------------------------------------------------------------------------
// Writing

export interface StreamRecordEvent {
  readonly tableName: string;
  readonly streamArn: string;
  readonly sequenceNumber: string;
  readonly record: unknown;
}

/** A table's stream was created (CreateTable, UpdateTable) or disabled (UpdateTable, DeleteTable). */
export interface StreamChangedEvent {
  readonly tableName: string;
  readonly streamArn: string;
  readonly streamLabel: string;
  readonly viewType: string;
  readonly keySchema: readonly { readonly AttributeName: string; readonly KeyType: string }[];
  readonly enabled: boolean;
  /** Epoch ms of the change. */
  readonly at: number;
  /**
   * The table was deleted (DeleteTable): its stream, disabled, goes 24 hours after `at`, and so do
   * the streams it had before (disabled, each replaced by the next), which no later event names.
   */
  readonly tableDeleted?: boolean;
  /** Epoch ms until which the switch is in progress (the table CREATING or UPDATING for it): ENABLING, DISABLING. */
  readonly until?: number;
}

/** What a stream consumer already holds: by stream ARN, the highest sequence number it has (or has trimmed). */
export interface StreamSyncRequest {
  readonly holds?: Readonly<Record<string, string>>;
}

declare module "../../core/events.js" {
  interface NimbusEventMap {
    /** A committed change to a table with a stream enabled, as a DynamoDB Streams record. */
    "dynamodb:StreamRecord": StreamRecordEvent;
    "dynamodb:StreamChanged": StreamChangedEvent;
    /**
     * A consumer of stream events (the dynamodbstreams service) started and asks DynamoDB to
     * publish again every stream and the retained records it lacks, so that nothing written
     * before the consumer was loaded is missed.
     */
    "dynamodb:StreamSyncRequested": StreamSyncRequest;
  }
}

export function streamChanged(meta: TableMeta, enabled: boolean, at: number, opts: { tableDeleted?: boolean; until?: number } = {}): StreamChangedEvent | undefined {
  const s = meta.stream;
  if (s?.arn === undefined || s.label === undefined) return undefined;
  return {
    tableName: meta.name,
    streamArn: s.arn,
    streamLabel: s.label,
    viewType: s.viewType ?? "NEW_AND_OLD_IMAGES",
    keySchema: meta.keySchema,
    enabled,
    at,
    ...(opts.tableDeleted === true ? { tableDeleted: true } : {}),
    ...(opts.until !== undefined ? { until: opts.until } : {}),
  };
}

export interface WriteContext extends Scope {
  readonly store: DynamoStore;
  readonly clock: Clock;
  /** `scope` names another region: a global table's replica written by replication. */
  emit(type: "dynamodb:StreamRecord", detail: StreamRecordEvent, scope?: Scope): void;
}

export interface WriteOptions {
  /** TTL deletions appear in the stream as done by the DynamoDB service principal. */
  readonly byTtl?: boolean;
  /**
   * The sizes of the old and new items when the caller already has them (else they are
   * measured). With `oldSize`, an absent old item may be one the caller did not parse because
   * writeReadsOldItem said nothing would look into it: it is charged for, nothing more. A caller
   * that neither reports nor throttles the capacity may not read it at all and pass 0 (PutItem):
   * the consumption returned then counts the new item only.
   */
  readonly oldSize?: number;
  readonly newSize?: number;
  /** A global table's replica applying another region's write: it is not replicated again. */
  readonly replicated?: boolean;
}

function expiryOf(meta: TableMeta, item: Item): number | null {
  if (!meta.ttl?.enabled) return null;
  const v = own(item, meta.ttl.attribute);
  if (v?.N === undefined) return null;
  const seconds = Number(v.N);
  return Number.isFinite(seconds) ? Math.floor(seconds) : null;
}

export function expiryFor(meta: TableMeta, item: Item): number | null {
  return expiryOf(meta, item);
}

/** Indexes the expiry of every item of the table again (its TTL setting changed), so the sweeper finds them without a scan. */
export function reindexExpiry(store: DynamoStore, scope: Scope, meta: TableMeta): void {
  for (const row of store.range(scope, meta.name, "", {})) store.setExpiry(scope, meta.name, row, expiryOf(meta, parseItem(row.item)));
}

/** Whether the table records its changes (point-in-time recovery, a stream, replicas), for which writeItem compares old and new items. */
function recordsChanges(meta: TableMeta): boolean {
  return meta.pitrSince !== undefined || meta.stream?.enabled === true || meta.global !== undefined;
}

/** Whether writeItem looks into the old item (index rows, recorded changes); if not, a put only needs its size. */
export function writeReadsOldItem(meta: TableMeta): boolean {
  return meta.lsis.length > 0 || meta.gsis.length > 0 || meta.vectorIndexes !== undefined || recordsChanges(meta);
}

/**
 * Runs a single-item write (PutItem, UpdateItem, DeleteItem) in a transaction when writeItem
 * takes more than one statement for it (index rows, a stream record, a PITR before-image, a
 * replica). Otherwise writeItem's one statement is atomic by itself and runs alone: nothing
 * else runs between the read and the write (one thread), and BEGIN and COMMIT were ~4% of a
 * PutItem's CPU.
 */
export function singleItemWrite<T>(store: DynamoStore, meta: TableMeta, write: () => T): T {
  return writeReadsOldItem(meta) ? store.transaction(write) : write();
}

/**
 * Replaces `oldItem` by `newItem` (either may be undefined: insert, delete) in the table and
 * every index, appends the stream record, and returns the write capacity it consumed.
 * Must run inside a store transaction when combined with a read-check (conditions).
 */
export function writeItem(ctx: WriteContext, meta: TableMeta, oldItem: Item | undefined, written: Item | undefined, opts: WriteOptions = {}): Consumption {
  const { store } = ctx;
  const newItem = opts.replicated === true ? written : stampLegacyReplication(meta, written, ctx.region, ctx.clock.now());
  const schema = tableSchema(meta);
  const consumption = new Consumption(meta.name, "write");
  const oldSize = opts.oldSize ?? (oldItem ? itemSize(oldItem) : 0);
  const newSize = newItem ? (newItem === written ? (opts.newSize ?? itemSize(newItem)) : itemSize(newItem)) : 0;
  consumption.table = writeUnits(Math.max(billedWriteSize(meta, oldItem, oldSize), billedWriteSize(meta, newItem, newSize)));
  const ref = (newItem ?? oldItem) as Item | undefined;
  if (ref === undefined) return consumption;
  const key = baseRowKey(schema, ref);
  if (newItem === undefined) store.deleteRow(ctx, meta.name, "", key);
  else store.putRow(ctx, meta.name, "", key, serializeItem(newItem), newSize, expiryOf(meta, newItem));

  for (const index of allIndexes(meta)) {
    const change = indexWrite(meta, index, oldItem, newItem);
    if (change.drop) store.deleteRow(ctx, meta.name, index.name, change.drop.key);
    if (change.put) store.putRow(ctx, meta.name, index.name, change.put.key, serializeItem(change.put.item), change.put.size, null);
    if (change.units > 0) consumption.addIndex(index, change.units);
  }
  if (meta.vectorIndexes !== undefined) writeVectorRows(ctx, meta, meta.vectorIndexes, key, oldItem, newItem, consumption);

  // Only what follows cares whether anything changed; a plain table does not compare the items.
  if (!recordsChanges(meta)) return consumption;
  const streamArn = meta.stream?.enabled ? meta.stream.arn : undefined;
  const replicates = meta.global !== undefined && opts.replicated !== true;
  // A write that changes nothing (same item put again, an update to the same values) leaves no stream record.
  if (oldItem !== undefined && newItem !== undefined && attributeValuesEqual({ M: oldItem }, { M: newItem })) return consumption;
  // Point-in-time recovery keeps each change's before-image.
  if (meta.pitrSince !== undefined) store.recordItemVersion(ctx, meta.id, key, oldItem ? serializeItem(oldItem) : null, ctx.clock.now());
  if (streamArn !== undefined) appendStreamRecord(ctx, meta, streamArn, schema, oldItem, newItem, opts);
  if (replicates) replicateWrite(ctx, meta, ref, newItem);
  return consumption;
}

/**
 * The least a vector index is charged for one entry: an entry smaller than 1 KB on every term still
 * reports 1024 VectorWriteRequestBytes, index by index (paritysuite/dynamodb-conformance
 * tests/tier2/vectorSearch/consumedCapacity.test.ts, "reports the 1024 floor ...").
 */
const VECTOR_WRITE_MIN_BYTES = 1024;

/**
 * Replaces the item's rows in the vector indexes. A write that changes nothing an index keeps
 * neither writes it nor is charged for it; one that does is charged the larger of the old and
 * new entries ("VectorWriteRequestBytes ... scales with the size of the data replicated to the
 * index. If a write doesn't change indexed attributes, no vector write capacity is consumed").
 */
function writeVectorRows(
  ctx: WriteContext,
  meta: TableMeta,
  indexes: readonly VectorIndexMeta[],
  key: RowKey,
  oldItem: Item | undefined,
  newItem: Item | undefined,
  consumption: Consumption,
): void {
  for (const index of indexes) {
    const before = vectorRow(meta, index, oldItem, key);
    const after = vectorRow(meta, index, newItem, key);
    if (!before && !after) continue;
    if (before && after && sameVectorRow(before, after)) continue;
    if (before && (!after || before.key.pk !== after.key.pk)) ctx.store.deleteRow(ctx, meta.name, index.name, before.key);
    if (after) ctx.store.putRow(ctx, meta.name, index.name, after.key, serializeEntry(after.entry, serializeItem), after.size, null);
    const bytes = Math.max(before?.size ?? 0, after?.size ?? 0, VECTOR_WRITE_MIN_BYTES);
    consumption.vector.set(index.name, (consumption.vector.get(index.name) ?? 0) + bytes);
  }
}

function appendStreamRecord(
  ctx: WriteContext,
  meta: TableMeta,
  streamArn: string,
  schema: KeySchema,
  oldItem: Item | undefined,
  newItem: Item | undefined,
  opts: WriteOptions,
): void {
  const viewType = meta.stream?.viewType ?? "NEW_AND_OLD_IMAGES";
  const keys = keyOf(schema, (newItem ?? oldItem) as Item);
  const eventName = oldItem === undefined ? "INSERT" : newItem === undefined ? "REMOVE" : "MODIFY";
  const withNew = newItem !== undefined && (viewType === "NEW_IMAGE" || viewType === "NEW_AND_OLD_IMAGES");
  const withOld = oldItem !== undefined && (viewType === "OLD_IMAGE" || viewType === "NEW_AND_OLD_IMAGES");
  const now = ctx.clock.now();
  const dynamodb = {
    ApproximateCreationDateTime: Math.floor(now / 1000),
    Keys: keys,
    ...(withNew ? { NewImage: newItem } : {}),
    ...(withOld ? { OldImage: oldItem } : {}),
    SizeBytes: itemSize(keys) + (withNew ? itemSize(newItem) : 0) + (withOld ? itemSize(oldItem) : 0),
    StreamViewType: viewType,
  };
  const record = {
    eventID: createHash("md5").update(`${streamArn}:${now}:${randomUUID()}`).digest("hex"),
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: ctx.region,
    dynamodb,
    ...(opts.byTtl ? { userIdentity: { Type: "Service", PrincipalId: "dynamodb.amazonaws.com" } } : {}),
  };
  const seq = ctx.store.appendStreamRecord(ctx, streamArn, meta.name, serializeItem(record as unknown as Item), now);
  ctx.emit("dynamodb:StreamRecord", streamRecordEvent(meta.name, streamArn, seq, jsonItem(record as unknown as Item)), { account: ctx.account, region: ctx.region });
}

/** Sequence numbers are fixed-width decimal strings that grow with each record of a shard. */
export function streamRecordEvent(tableName: string, streamArn: string, seq: number, record: unknown): StreamRecordEvent {
  const sequenceNumber = String(seq).padStart(21, "0");
  const r = record as { dynamodb?: Record<string, unknown> };
  return { tableName, streamArn, sequenceNumber, record: { ...{}, ...r, dynamodb: { ...{}, ...r.dynamodb, SequenceNumber: sequenceNumber } } };
}
