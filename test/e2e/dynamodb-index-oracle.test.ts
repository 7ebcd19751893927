/**
 * A model-based test of what a DynamoDB table, its secondary indexes and its stream hold: generated
 * sequences of writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems with and
 * without a ClientRequestToken, PartiQL, conditional writes that fail, index keys of the wrong type,
 * writes that change nothing, hundreds of items at once), TTL expiry driven by the manual clock, GSIs
 * created and deleted mid-sequence, the table deleted and made again, Nimbus restarted on its data,
 * each compared through the real v3 client with a small oracle of the documented semantics: GetItem,
 * Query and PartiQL SELECT (key conditions, both directions, Limit and paging, COUNT, projections) and
 * parallel Scan of the table and every index, and the stream read through the DynamoDB Streams API
 * (per item a chain of records in the order of the writes, none for a failed or no-op write, whose
 * replay gives the table).
 *
 * Orders the oracle keeps: an index's sort key in its type's order (numbers numerically, binaries
 * bytewise, strings by their UTF-8 bytes); items sharing an index key come in no documented order,
 * so they are compared as sets. By hand: ORACLE_RUNS, ORACLE_SEED and ORACLE_COMMANDS explore
 * further, ORACLE_STATS=1 (or =messages) counts what the generated cases reached, ORACLE_SHRINK=0
 * reports the first failure unshrunk.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type CreateTableCommandInput,
  type QueryCommandInput,
  type ScanCommandInput,
  type TransactWriteItem,
} from "@aws-sdk/client-dynamodb";
import { Decimal } from "decimal.js";
import fc from "./oracle-fast-check.js";
import { failure, jsonService, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

type KeyType = "S" | "N" | "B";
type Item = Record<string, AttributeValue>;

// ---------------------------------------------------------------------------------------------
// Values: small pools, so that items pile up in the same partitions and share index keys.

const S_POOL = ["a", "ab", "a b", "B", "b", "é", "\uFF21", "😀", "a😀", "\uFFEE", "ab\u0000", "abc", "a\u{10FFFF}", "a\u{10FFFF}b"];
const N_POOL = [
  "0", "-0", "1", "1.0", "1.00E0", "10", "1E+1", "-1", "-1.5", "-10", "0.001", "1E-130", "-1E-130",
  "9.9999999999999999999999999999999999999E+125", "-9.9999999999999999999999999999999999999E+125",
  "12345678901234567890123456789012345678", "-12345678901234567890123456789012345678", "1234567890123456789012345678901234567.8",
  "0.5", "5E-1", "-0.05", "2", "100",
];
const B_POOL = [[0], [0, 0], [1], [0x7f], [0x80], [0xff], [0xff, 0], [1, 2, 3], [1, 2], [0x80, 1]];
/** Partition keys: few, and for numbers two spellings of one key. */
const P_POOL: Record<KeyType, readonly AttributeValue[]> = {
  S: ["a", "é", "😀"].map((s) => ({ S: s })),
  N: ["1", "1.0", "-1E-130", "12345678901234567890123456789012345678"].map((n) => ({ N: n })),
  B: [[0], [0xff], [0, 0]].map((b) => ({ B: Uint8Array.from(b) })),
};
const PREFIXES: Record<"S" | "B", readonly AttributeValue[]> = {
  S: ["a", "ab", "b", "\uFF21", "😀", "a😀", "a\u{10FFFF}"].map((s) => ({ S: s })),
  B: [[0], [1], [0xff], [1, 2], [0x80]].map((b) => ({ B: Uint8Array.from(b) })),
};

function poolValue(type: KeyType, i: number): AttributeValue {
  if (type === "S") return { S: S_POOL[i % S_POOL.length] as string };
  if (type === "N") return { N: N_POOL[i % N_POOL.length] as string };
  return { B: Uint8Array.from(B_POOL[i % B_POOL.length] as number[]) };
}

function wrongType(type: KeyType, i: number): AttributeValue {
  return poolValue(type === "S" ? "N" : type === "N" ? "B" : "S", i);
}

const Dec = Decimal.clone({ toExpNeg: -9e15, toExpPos: 9e15 });

function canonNumber(n: string): string {
  const d = new Dec(n);
  return d.isZero() ? "0" : d.toFixed();
}

/** One text per value, equal for equal values (numbers by value, binaries by bytes, maps by name). */
function canon(v: AttributeValue): string {
  if (v.S !== undefined) return `S:${JSON.stringify(v.S)}`;
  if (v.N !== undefined) return `N:${canonNumber(v.N)}`;
  if (v.B !== undefined) return `B:${Buffer.from(v.B).toString("hex")}`;
  if (v.BOOL !== undefined) return `BOOL:${v.BOOL}`;
  if (v.NULL !== undefined) return "NULL";
  if (v.L !== undefined) return `L:[${v.L.map(canon).join(",")}]`;
  if (v.M !== undefined) return `M:{${canonItem(v.M)}}`;
  if (v.SS !== undefined) return `SS:${JSON.stringify([...v.SS].sort())}`;
  if (v.NS !== undefined) return `NS:${JSON.stringify(v.NS.map(canonNumber).sort())}`;
  throw new Error(`no canonical form for ${JSON.stringify(v)}`);
}

function canonItem(item: Item): string {
  return Object.keys(item)
    .sort()
    .map((k) => `${JSON.stringify(k)}=${canon(item[k] as AttributeValue)}`)
    .join(";");
}

function compareValues(a: AttributeValue, b: AttributeValue): number {
  if (a.N !== undefined && b.N !== undefined) return new Dec(a.N).cmp(new Dec(b.N));
  if (a.S !== undefined && b.S !== undefined) return Buffer.compare(Buffer.from(a.S, "utf8"), Buffer.from(b.S, "utf8"));
  if (a.B !== undefined && b.B !== undefined) return Buffer.compare(Buffer.from(a.B), Buffer.from(b.B));
  throw new Error("values of different types");
}

function beginsWith(v: AttributeValue, prefix: AttributeValue): boolean {
  if (v.S !== undefined && prefix.S !== undefined) return Buffer.from(v.S, "utf8").subarray(0, Buffer.byteLength(prefix.S)).equals(Buffer.from(prefix.S, "utf8"));
  if (v.B !== undefined && prefix.B !== undefined) return Buffer.from(v.B).subarray(0, prefix.B.length).equals(Buffer.from(prefix.B));
  return false;
}

/** A stream record's image as the JSON protocol sends it (binaries in base64), as the SDK would give it. */
function fromWire(raw: unknown): AttributeValue {
  const v = raw as Record<string, unknown>;
  if (typeof v.B === "string") return { B: Buffer.from(v.B, "base64") };
  if (Array.isArray(v.L)) return { L: v.L.map(fromWire) };
  if (v.M !== undefined) return { M: wireItem(v.M) };
  return v as unknown as AttributeValue;
}

function wireItem(raw: unknown): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) out[k] = fromWire(v);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The table's schema, generated per sequence.

interface IndexDef {
  readonly name: string;
  readonly kind: "LSI" | "GSI";
  readonly hash: string;
  readonly range?: string;
  readonly projection: "KEYS_ONLY" | "INCLUDE" | "ALL";
  readonly include?: readonly string[];
}

interface Schema {
  readonly types: Record<string, KeyType>; // pk, sk and every attribute that keys or may key an index
  readonly lsis: readonly IndexDef[];
  readonly gsis: readonly IndexDef[];
  /** The GSI an UpdateTable may add mid-sequence. */
  readonly extra: IndexDef;
}

const keyType = fc.constantFrom<KeyType>("S", "N", "B");
const projection = fc.constantFrom<"KEYS_ONLY" | "INCLUDE" | "ALL">("KEYS_ONLY", "INCLUDE", "ALL");
const withInclude = (p: "KEYS_ONLY" | "INCLUDE" | "ALL", include: string[]) => (p === "INCLUDE" ? { include } : {});

const schemaArb: fc.Arbitrary<Schema> = fc
  .record({
    pk: keyType, sk: keyType, a: keyType, b: keyType, g: keyType, h: keyType, c: keyType,
    lsiA: fc.constantFrom<"KEYS_ONLY" | "INCLUDE">("KEYS_ONLY", "INCLUDE"),
    lsiB: fc.boolean(),
    gsiGH: projection,
    gsiHA: fc.boolean(),
    extraRange: fc.constantFrom(undefined, "sk", "a", "pk"),
    extraProjection: projection,
  })
  .map((r) => ({
    types: { pk: r.pk, sk: r.sk, a: r.a, b: r.b, g: r.g, h: r.h, c: r.c },
    lsis: [
      { name: "lsiA", kind: "LSI" as const, hash: "pk", range: "a", projection: r.lsiA, ...withInclude(r.lsiA, ["x"]) },
      ...(r.lsiB ? [{ name: "lsiB", kind: "LSI" as const, hash: "pk", range: "b", projection: "ALL" as const }] : []),
    ],
    gsis: [
      { name: "gsiGH", kind: "GSI" as const, hash: "g", range: "h", projection: r.gsiGH, ...withInclude(r.gsiGH, ["x", "exp"]) },
      { name: "gsiG", kind: "GSI" as const, hash: "g", projection: "KEYS_ONLY" as const },
      ...(r.gsiHA ? [{ name: "gsiHA", kind: "GSI" as const, hash: "h", range: "a", projection: "ALL" as const }] : []),
    ],
    extra: { name: "gsiC", kind: "GSI" as const, hash: "c", ...(r.extraRange ? { range: r.extraRange } : {}), projection: r.extraProjection, ...withInclude(r.extraProjection, ["y", "z"]) },
  }));

function keySchemaOf(ix: IndexDef) {
  return [{ AttributeName: ix.hash, KeyType: "HASH" as const }, ...(ix.range ? [{ AttributeName: ix.range, KeyType: "RANGE" as const }] : [])];
}

function projectionOf(ix: IndexDef) {
  return { ProjectionType: ix.projection, ...(ix.include ? { NonKeyAttributes: [...ix.include] } : {}) };
}

function attributeDefinitions(schema: Schema, indexes: readonly IndexDef[]) {
  const names = new Set(["pk", "sk"]);
  for (const ix of indexes) for (const k of keySchemaOf(ix)) names.add(k.AttributeName);
  return [...names].map((n) => ({ AttributeName: n, AttributeType: schema.types[n] as KeyType }));
}

function createTableInput(name: string, schema: Schema): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: attributeDefinitions(schema, [...schema.lsis, ...schema.gsis]),
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    LocalSecondaryIndexes: schema.lsis.map((ix) => ({ IndexName: ix.name, KeySchema: keySchemaOf(ix), Projection: projectionOf(ix) })),
    GlobalSecondaryIndexes: schema.gsis.map((ix) => ({ IndexName: ix.name, KeySchema: keySchemaOf(ix), Projection: projectionOf(ix) })),
    BillingMode: "PAY_PER_REQUEST",
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
  };
}

// ---------------------------------------------------------------------------------------------
// Abstract items: indices into the pools, made concrete against the schema when a command runs.

/** An expiry: minutes from now (always at half a minute, between two sweeps), a date long gone, or a string. */
type Expiry = { readonly minutes: number } | "ancient" | "string";

interface AbstractItem {
  readonly p: number;
  readonly s: number;
  readonly attrs: Readonly<Record<string, number>>; // a, b, g, h, c, x, y, z: pool indices
  readonly exp?: Expiry;
  /** A large attribute f of this many KB, so that reads stop pages at 1 MB. */
  readonly fat?: number;
}

const OPTIONAL_ATTRS = ["a", "b", "g", "h", "c", "x", "y", "z"] as const;
const poolIndex = fc.nat({ max: 40 });
const expiryArb: fc.Arbitrary<Expiry> = fc.oneof(
  fc.integer({ min: -2, max: 12 }).map((minutes) => ({ minutes })),
  fc.constantFrom<Expiry>("ancient", "string"),
);
/** Sort keys: the first 14 of the pool, so that every string of the pool is a table's sort key now and then. */
const SORT_KEYS = 13;
const keyArb = fc.record({ p: fc.nat({ max: 3 }), s: fc.nat({ max: SORT_KEYS }) });
const attrsArb = fc.dictionary(fc.constantFrom(...OPTIONAL_ATTRS), poolIndex, { maxKeys: 6 });
const fatArb = fc.oneof({ weight: 30, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.integer({ min: 150, max: 380 }) });
const itemArb: fc.Arbitrary<AbstractItem> = fc.record(
  { p: fc.nat({ max: 3 }), s: fc.nat({ max: SORT_KEYS }), attrs: attrsArb, exp: fc.option(expiryArb, { nil: undefined }), fat: fatArb },
  { requiredKeys: ["p", "s", "attrs"] },
);

function attrValue(schema: Schema, name: string, i: number, nowMs: number, exp?: Expiry): AttributeValue {
  if (name === "exp") {
    const e = exp as Expiry;
    if (e === "ancient") return { N: "1000" };
    if (e === "string") return { S: "soon" };
    return { N: String(Math.floor(nowMs / 1000) + 60 * e.minutes + 30) };
  }
  if (name === "x") return { S: `x${i % 5}` };
  if (name === "y") return { N: N_POOL[i % N_POOL.length] as string };
  if (name === "z") return i % 2 === 0 ? { M: { q: { N: String(i % 3) }, r: { L: [{ S: "l" }, { BOOL: true }] } } } : { L: [{ NULL: true }, { N: String(i % 4) }] };
  return poolValue(schema.types[name] as KeyType, i);
}

// ---------------------------------------------------------------------------------------------
// The model and the system under test.

interface ExpectedRecord {
  readonly eventName: "INSERT" | "MODIFY" | "REMOVE";
  readonly old?: Item;
  readonly new?: Item;
  readonly ttl: boolean;
  /** ApproximateCreationDateTime: the write's time, in seconds. */
  readonly at: number;
}

class Model {
  /** The table's items by key (keyText). */
  readonly items = new Map<string, Item>();
  /** Per key, the records its stream should hold. */
  readonly records = new Map<string, ExpectedRecord[]>();
  /**
   * Every record in stream order, as groups: one write's record alone, the deletions of one TTL sweep
   * together (a sweep's order among them is not documented).
   */
  readonly order: string[][] = [];
  /** Transactions' tokens: what each was first used for, and when. */
  readonly tokens = new Map<string, { readonly fingerprint: string; readonly at: number }>();
  lastTokened: { readonly TransactItems: TransactWriteItem[]; readonly ClientRequestToken: string } | undefined;
  /** How often the table was made again: tokens of a later table get other names. */
  generation = 0;
  gsis: IndexDef[];
  constructor(
    readonly schema: Schema,
    public nowMs: number,
  ) {
    this.gsis = [...schema.gsis];
  }

  indexes(): IndexDef[] {
    return [...this.schema.lsis, ...this.gsis];
  }

  key(p: number, s: number): Item {
    return { pk: P_POOL[this.schema.types.pk as KeyType][p % 4 % P_POOL[this.schema.types.pk as KeyType].length] as AttributeValue, sk: poolValue(this.schema.types.sk as KeyType, s) };
  }

  item(a: AbstractItem): Item {
    const out: Item = this.key(a.p, a.s);
    for (const [name, i] of Object.entries(a.attrs)) out[name] = attrValue(this.schema, name, i, this.nowMs);
    if (a.exp !== undefined) out.exp = attrValue(this.schema, "exp", 0, this.nowMs, a.exp);
    if (a.fat !== undefined) out.f = { S: "f".repeat(a.fat * 1024) };
    return out;
  }

  /** The table made again: empty, its first indexes, a new stream. */
  reset(): void {
    this.items.clear();
    this.records.clear();
    this.order.length = 0;
    this.gsis = [...this.schema.gsis];
    this.generation++;
    this.lastTokened = undefined;
  }

  /** Replaces the item at `key` by `next` (undefined: deletes), recording what the stream should show. */
  write(key: Item, next: Item | undefined, ttl?: { readonly sweptAt: number; readonly group: string[] }): void {
    const k = keyText(key);
    const old = this.items.get(k);
    if (old === undefined && next === undefined) return;
    if (old !== undefined && next !== undefined && canonItem(old) === canonItem(next)) return;
    if (next === undefined) this.items.delete(k);
    else this.items.set(k, next);
    const list = this.records.get(k) ?? [];
    list.push({ eventName: old === undefined ? "INSERT" : next === undefined ? "REMOVE" : "MODIFY", ...(old ? { old } : {}), ...(next ? { new: next } : {}), ttl: ttl !== undefined, at: Math.floor((ttl?.sweptAt ?? this.nowMs) / 1000) });
    this.records.set(k, list);
    if (ttl === undefined) this.order.push([k]);
    else ttl.group.push(k);
  }

  /** The index key attribute an item holds with another type than the index's, if any. */
  mistypedIndexKey(item: Item): string | undefined {
    for (const ix of this.indexes()) {
      for (const name of [ix.hash, ix.range]) {
        if (name === undefined || item[name] === undefined) continue;
        const v = item[name] as AttributeValue;
        const t = v.S !== undefined ? "S" : v.N !== undefined ? "N" : v.B !== undefined ? "B" : "other";
        if (t !== this.schema.types[name]) return name;
      }
    }
    return undefined;
  }
}

function keyText(item: Item): string {
  return `${canon(item.pk as AttributeValue)}|${canon(item.sk as AttributeValue)}`;
}

/** The Nimbus the test runs against, on a data directory so that a command can restart it, and its client. */
class Server {
  nimbus!: TestNimbus;
  ddb!: DynamoDBClient;
  readonly dataDir = mkdtempSync(join(tmpdir(), "nimbus-index-oracle-"));

  /** Starts Nimbus on the data directory, its clock at `startTime`. */
  async start(startTime?: number): Promise<void> {
    this.nimbus = await startTestNimbus({ inMemory: false, dataDir: this.dataDir, ...(startTime !== undefined ? { startTime } : {}) });
    this.ddb = new DynamoDBClient({ ...this.nimbus.clientConfig(), maxAttempts: 1 });
    // DynamoDB, which has state, resumes right after the start (its TTL sweep from then on): before the clock moves.
    await this.nimbus.registry.get("dynamodb");
  }

  async stop(): Promise<void> {
    this.ddb.destroy();
    await this.nimbus.close();
  }
}

class Real {
  constructor(
    readonly server: Server,
    readonly table: string,
    /** The table's stream: a table made again under its name has a new one. */
    public streamArn: string,
  ) {}
  get ddb(): DynamoDBClient {
    return this.server.ddb;
  }
  get nimbus(): TestNimbus {
    return this.server.nimbus;
  }
}

/** Makes the table with its stream and TTL on `exp`; its stream's ARN. */
async function createTable(ddb: DynamoDBClient, table: string, schema: Schema): Promise<string> {
  const created = await ddb.send(new CreateTableCommand(createTableInput(table, schema)));
  await ddb.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: "exp" } }));
  return created.TableDescription?.LatestStreamArn as string;
}

type Condition = "none" | "exists" | "notExists" | { readonly xIs: number };
const conditionArb: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Condition>("none") },
  { weight: 1, arbitrary: fc.constantFrom<Condition>("exists", "notExists") },
  { weight: 1, arbitrary: fc.nat({ max: 4 }).map((i): Condition => ({ xIs: i })) },
);

function conditionHolds(cond: Condition, item: Item | undefined): boolean {
  if (cond === "none") return true;
  if (cond === "exists") return item !== undefined;
  if (cond === "notExists") return item === undefined;
  return item?.x?.S === `x${cond.xIs}`;
}

function conditionExpression(cond: Condition): { ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Item } {
  if (cond === "none") return {};
  if (cond === "exists") return { ConditionExpression: "attribute_exists(#ck)", ExpressionAttributeNames: { "#ck": "pk" } };
  if (cond === "notExists") return { ConditionExpression: "attribute_not_exists(#ck)", ExpressionAttributeNames: { "#ck": "pk" } };
  return { ConditionExpression: "#cx = :cx", ExpressionAttributeNames: { "#cx": "x" }, ExpressionAttributeValues: { ":cx": { S: `x${cond.xIs}` } } };
}

/** With ORACLE_STATS set, how often each outcome happened (to see that the generated cases reach what they should). */
const stats = new Map<string, number>();
function tally(what: string): void {
  if (process.env.ORACLE_STATS !== undefined) stats.set(what, (stats.get(what) ?? 0) + 1);
}

async function errorName(call: Promise<unknown>): Promise<string | undefined> {
  try {
    await call;
    tally("call ok");
    return undefined;
  } catch (err) {
    tally(`error ${(err as Error).name}${process.env.ORACLE_STATS === "messages" ? ` ${(err as Error).message}` : ""}`);
    return (err as Error).name;
  }
}

// ---------------------------------------------------------------------------------------------
// Updates: SET and REMOVE of attributes, made concrete against the schema.

interface AbstractUpdate {
  readonly p: number;
  readonly s: number;
  readonly set: Readonly<Record<string, number>>;
  readonly remove: readonly string[];
  readonly exp?: Expiry;
}

const updateArb: fc.Arbitrary<AbstractUpdate> = fc
  .record({ p: fc.nat({ max: 3 }), s: fc.nat({ max: SORT_KEYS }), set: attrsArb, remove: fc.subarray([...OPTIONAL_ATTRS, "exp"]), exp: fc.option(expiryArb, { nil: undefined }) }, { requiredKeys: ["p", "s", "set", "remove"] })
  .map((u) => ({ ...u, remove: u.remove.filter((n) => !(n in u.set) && !(n === "exp" && u.exp !== undefined)) }))
  .filter((u) => Object.keys(u.set).length + u.remove.length + (u.exp !== undefined ? 1 : 0) > 0);

function concreteSet(m: Model, u: AbstractUpdate): Item {
  const set: Item = {};
  for (const [name, i] of Object.entries(u.set)) set[name] = attrValue(m.schema, name, i, m.nowMs);
  if (u.exp !== undefined) set.exp = attrValue(m.schema, "exp", 0, m.nowMs, u.exp);
  return set;
}

/** What UpdateItem makes of `old`: undefined when the item did not exist and the update only removes. */
function applyUpdate(m: Model, key: Item, old: Item | undefined, set: Item, remove: readonly string[]): Item | undefined {
  if (old === undefined && Object.keys(set).length === 0) return undefined;
  const next: Item = { ...(old ?? key) };
  for (const [n, v] of Object.entries(set)) next[n] = v;
  for (const n of remove) delete next[n];
  return next;
}

function updateExpression(set: Item, remove: readonly string[], cond: Condition) {
  const names: Record<string, string> = {};
  const values: Item = {};
  const sets = Object.entries(set).map(([n, v], i) => {
    names[`#s${i}`] = n;
    values[`:s${i}`] = v;
    return `#s${i} = :s${i}`;
  });
  const removes = remove.map((n, i) => {
    names[`#r${i}`] = n;
    return `#r${i}`;
  });
  const c = conditionExpression(cond);
  return {
    UpdateExpression: [sets.length ? `SET ${sets.join(", ")}` : "", removes.length ? `REMOVE ${removes.join(", ")}` : ""].join(" ").trim(),
    ...(c.ConditionExpression ? { ConditionExpression: c.ConditionExpression } : {}),
    ExpressionAttributeNames: { ...names, ...c.ExpressionAttributeNames },
    ...(Object.keys(values).length + Object.keys(c.ExpressionAttributeValues ?? {}).length > 0 ? { ExpressionAttributeValues: { ...values, ...c.ExpressionAttributeValues } } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Commands.

type Cmd = fc.AsyncCommand<Model, Real>;
const always = () => true;

/** Gives `item` one index key attribute of the wrong type (chosen by `bad`) and returns its name. */
function spoil(m: Model, item: Item, bad: number): string {
  const keys = m.indexes().flatMap((ix) => [ix.hash, ix.range]).filter((n): n is string => n !== undefined && n !== "pk" && n !== "sk");
  const name = keys[bad % keys.length] as string;
  item[name] = wrongType(m.schema.types[name] as KeyType, bad);
  return name;
}

class Put implements Cmd {
  constructor(readonly item: AbstractItem, readonly cond: Condition, readonly badKey: number | undefined) {}
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    const item = m.item(this.item);
    // An index key attribute of another type than the index's: refused, nothing written.
    if (this.badKey !== undefined) spoil(m, item, this.badKey);
    const old = m.items.get(keyText(item));
    const mistyped = m.mistypedIndexKey(item);
    const err = await errorName(r.ddb.send(new PutItemCommand({ TableName: r.table, Item: item, ...conditionExpression(this.cond) })));
    if (mistyped !== undefined) return assert.equal(err, "ValidationException", `a put with ${mistyped} of the wrong type`);
    if (!conditionHolds(this.cond, old)) return assert.equal(err, "ConditionalCheckFailedException");
    assert.equal(err, undefined);
    m.write(item, item);
  }
  toString(): string {
    return `Put(${JSON.stringify(this.item)}, ${JSON.stringify(this.cond)}${this.badKey !== undefined ? `, bad ${this.badKey}` : ""})`;
  }
}

class Update implements Cmd {
  constructor(readonly u: AbstractUpdate, readonly cond: Condition, readonly badKey: number | undefined) {}
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    const key = m.key(this.u.p, this.u.s);
    const set = concreteSet(m, this.u);
    if (this.badKey !== undefined) spoil(m, set, this.badKey);
    const remove = this.u.remove.filter((n) => !(n in set));
    const old = m.items.get(keyText(key));
    const err = await errorName(r.ddb.send(new UpdateItemCommand({ TableName: r.table, Key: key, ...updateExpression(set, remove, this.cond) })));
    if (m.mistypedIndexKey(set) !== undefined) return assert.equal(err, "ValidationException");
    if (!conditionHolds(this.cond, old)) return assert.equal(err, "ConditionalCheckFailedException");
    assert.equal(err, undefined);
    m.write(key, applyUpdate(m, key, old, set, remove));
  }
  toString(): string {
    return `Update(${JSON.stringify(this.u)}, ${JSON.stringify(this.cond)}${this.badKey !== undefined ? `, bad ${this.badKey}` : ""})`;
  }
}

class Delete implements Cmd {
  constructor(readonly k: { p: number; s: number }, readonly cond: Condition) {}
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    const key = m.key(this.k.p, this.k.s);
    const old = m.items.get(keyText(key));
    const err = await errorName(r.ddb.send(new DeleteItemCommand({ TableName: r.table, Key: key, ...conditionExpression(this.cond) })));
    if (!conditionHolds(this.cond, old)) return assert.equal(err, "ConditionalCheckFailedException");
    assert.equal(err, undefined);
    m.write(key, undefined);
  }
  toString(): string {
    return `Delete(${JSON.stringify(this.k)}, ${JSON.stringify(this.cond)})`;
  }
}

type BatchOp = { readonly put: AbstractItem } | { readonly del: { p: number; s: number } };

class Batch implements Cmd {
  constructor(readonly ops: readonly BatchOp[], readonly badKey: number | undefined) {}
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    const seen = new Set<string>();
    const requests: { item?: Item; key: Item }[] = [];
    for (const op of this.ops) {
      const item = "put" in op ? m.item(op.put) : undefined;
      const key = item ? { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue } : m.key((op as { del: { p: number; s: number } }).del.p, (op as { del: { p: number; s: number } }).del.s);
      if (seen.has(keyText(key))) continue;
      seen.add(keyText(key));
      requests.push({ ...(item ? { item } : {}), key });
    }
    const spoilt = this.badKey === undefined ? undefined : requests.find((q) => q.item !== undefined);
    if (spoilt?.item && this.badKey !== undefined) spoil(m, spoilt.item, this.badKey);
    const send = r.ddb.send(
      new BatchWriteItemCommand({ RequestItems: { [r.table]: requests.map((q) => (q.item ? { PutRequest: { Item: q.item } } : { DeleteRequest: { Key: q.key } })) } }),
    );
    // A put with an index key of the wrong type refuses the whole batch.
    if (spoilt) return assert.equal(await errorName(send), "ValidationException");
    const out = await send;
    assert.deepEqual(out.UnprocessedItems ?? {}, {});
    for (const q of requests) m.write(q.key, q.item);
  }
  toString(): string {
    return `Batch(${JSON.stringify(this.ops)}${this.badKey !== undefined ? `, bad ${this.badKey}` : ""})`;
  }
}

type TxOp =
  | { readonly put: AbstractItem; readonly cond: Condition }
  | { readonly update: AbstractUpdate; readonly cond: Condition }
  | { readonly del: { p: number; s: number }; readonly cond: Condition }
  | { readonly check: { p: number; s: number }; readonly cond: Condition };

/** A transaction's ClientRequestToken is good for 10 minutes after its first use (API reference, TransactWriteItems). */
const TOKEN_WINDOW_MS = 10 * 60_000;

function fingerprint(items: readonly TransactWriteItem[]): string {
  return JSON.stringify(items, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v));
}

/** What a token was last used for, and when; undefined when it is free (never used, or its window has passed). */
function heldToken(m: Model, token: string): { readonly fingerprint: string; readonly at: number } | undefined {
  const used = m.tokens.get(token);
  return used !== undefined && m.nowMs - used.at < TOKEN_WINDOW_MS ? used : undefined;
}

class Transact implements Cmd {
  constructor(readonly ops: readonly TxOp[], readonly badKey: number | undefined, readonly token: number | undefined) {}
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    const seen = new Set<string>();
    let spoilt: string | undefined;
    const actions: { tx: TransactWriteItem; key: Item; holds: boolean; next: () => Item | undefined }[] = [];
    for (const op of this.ops) {
      let key: Item;
      let tx: TransactWriteItem;
      let next: (old: Item | undefined) => Item | undefined;
      const c = conditionExpression(op.cond);
      if ("put" in op) {
        const item = m.item(op.put);
        key = { pk: item.pk as AttributeValue, sk: item.sk as AttributeValue };
        if (this.badKey !== undefined && spoilt === undefined && !seen.has(keyText(key))) spoilt = spoil(m, item, this.badKey);
        tx = { Put: { TableName: r.table, Item: item, ...c } };
        next = () => item;
      } else if ("update" in op) {
        key = m.key(op.update.p, op.update.s);
        const set = concreteSet(m, op.update);
        tx = { Update: { TableName: r.table, Key: key, ...updateExpression(set, op.update.remove, op.cond) } };
        next = (old) => applyUpdate(m, key, old, set, op.update.remove);
      } else if ("del" in op) {
        key = m.key(op.del.p, op.del.s);
        tx = { Delete: { TableName: r.table, Key: key, ...c } };
        next = () => undefined;
      } else {
        if (op.cond === "none") continue;
        key = m.key(op.check.p, op.check.s);
        tx = { ConditionCheck: { TableName: r.table, Key: key, ...(c as { ConditionExpression: string }) } };
        next = (old) => old;
      }
      if (seen.has(keyText(key))) continue;
      seen.add(keyText(key));
      const old = m.items.get(keyText(key));
      actions.push({ tx, key, holds: conditionHolds(op.cond, old), next: () => next(old) });
    }
    if (actions.length === 0) return;
    const items = actions.map((a) => a.tx);
    const fails = spoilt !== undefined || actions.some((a) => !a.holds);
    // A token goes only with a transaction that succeeds (what one that fails leaves is not documented),
    // and not at the very end of its window.
    const token = this.token === undefined || fails ? undefined : `${r.table}-${m.generation}-${this.token}`;
    const used = token === undefined ? undefined : m.tokens.get(token);
    const onEdge = used !== undefined && m.nowMs - used.at === TOKEN_WINDOW_MS;
    const input = { TransactItems: items, ...(token !== undefined && !onEdge ? { ClientRequestToken: token } : {}) };
    const err = await errorName(r.ddb.send(new TransactWriteItemsCommand(input)));
    // A put with an index key of the wrong type: the transaction is refused or cancelled, nothing written.
    if (spoilt !== undefined) return assert.ok(err === "ValidationException" || err === "TransactionCanceledException", `${err}`);
    if (actions.some((a) => !a.holds)) return assert.equal(err, "TransactionCanceledException");
    const held = input.ClientRequestToken === undefined ? undefined : heldToken(m, input.ClientRequestToken);
    if (used !== undefined && held === undefined && !onEdge) tally("token used again after its window");
    if (held !== undefined) {
      // Within its window a token stands for its first request: the same again changes nothing, another is refused.
      tally(`token ${held.fingerprint === fingerprint(items) ? "repeated" : "mismatch"}`);
      return assert.equal(err, held.fingerprint === fingerprint(items) ? undefined : "IdempotentParameterMismatchException");
    }
    assert.equal(err, undefined);
    if (input.ClientRequestToken !== undefined) {
      m.tokens.set(input.ClientRequestToken, { fingerprint: fingerprint(items), at: m.nowMs });
      m.lastTokened = { TransactItems: items, ClientRequestToken: input.ClientRequestToken };
    }
    for (const a of actions) if (!("ConditionCheck" in a.tx && a.tx.ConditionCheck)) m.write(a.key, a.next());
  }
  toString(): string {
    return `Transact(${JSON.stringify(this.ops)}${this.badKey !== undefined ? `, bad ${this.badKey}` : ""}${this.token !== undefined ? `, token ${this.token}` : ""})`;
  }
}

/** Sends the last transaction that took a token again, within the token's window: it succeeds and changes nothing. */
class RetryTransact implements Cmd {
  check = (m: Readonly<Model>) => m.lastTokened !== undefined && heldToken(m as Model, m.lastTokened.ClientRequestToken) !== undefined;
  async run(m: Model, r: Real): Promise<void> {
    const last = m.lastTokened;
    assert.ok(last);
    await r.ddb.send(new TransactWriteItemsCommand(last));
    tally("token retried");
  }
  toString(): string {
    return "RetryTransact";
  }
}

type PartiqlOp = { readonly insert: AbstractItem } | { readonly update: AbstractUpdate } | { readonly del: { p: number; s: number } };

class Partiql implements Cmd {
  constructor(readonly op: PartiqlOp, readonly badKey: number | undefined) {}
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    const t = `"${r.table}"`;
    if ("insert" in this.op) {
      const item = m.item(this.op.insert);
      const spoilt = this.badKey === undefined ? undefined : spoil(m, item, this.badKey);
      const names = Object.keys(item);
      const old = m.items.get(keyText(item));
      const err = await errorName(
        r.ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO ${t} VALUE {${names.map((n) => `'${n}' : ?`).join(", ")}}`, Parameters: names.map((n) => item[n] as AttributeValue) })),
      );
      if (spoilt !== undefined) return assert.ok(err === "ValidationException" || err === "DuplicateItemException", `${err}`);
      if (old !== undefined) return assert.equal(err, "DuplicateItemException");
      assert.equal(err, undefined);
      return m.write(item, item);
    }
    if ("update" in this.op) {
      const key = m.key(this.op.update.p, this.op.update.s);
      const set = concreteSet(m, this.op.update);
      const remove = this.op.update.remove;
      const clauses = [...Object.keys(set).map((n) => `SET "${n}" = ?`), ...remove.map((n) => `REMOVE "${n}"`)];
      const old = m.items.get(keyText(key));
      const err = await errorName(
        r.ddb.send(
          new ExecuteStatementCommand({
            Statement: `UPDATE ${t} ${clauses.join(" ")} WHERE "pk" = ? AND "sk" = ?`,
            Parameters: [...Object.values(set), key.pk as AttributeValue, key.sk as AttributeValue],
          }),
        ),
      );
      // An UPDATE finds the item it changes; it never makes one.
      if (old === undefined) return assert.equal(err, "ConditionalCheckFailedException");
      assert.equal(err, undefined);
      return m.write(key, applyUpdate(m, key, old, set, remove));
    }
    const key = m.key(this.op.del.p, this.op.del.s);
    const err = await errorName(r.ddb.send(new ExecuteStatementCommand({ Statement: `DELETE FROM ${t} WHERE "pk" = ? AND "sk" = ?`, Parameters: [key.pk as AttributeValue, key.sk as AttributeValue] })));
    assert.equal(err, undefined);
    m.write(key, undefined);
  }
  toString(): string {
    return `Partiql(${JSON.stringify(this.op)}${this.badKey !== undefined ? `, bad ${this.badKey}` : ""})`;
  }
}

/**
 * Puts hundreds of items at once (BatchWriteItem, 25 a call), sharing a few index keys: partitions
 * and index keys that hold more rows than the store reads in one statement.
 */
class Bulk implements Cmd {
  constructor(readonly count: number, readonly shift: number) {}
  check = (m: Readonly<Model>) => m.items.size < 400;
  async run(m: Model, r: Real): Promise<void> {
    const types = m.schema.types;
    const items: Item[] = [];
    for (let i = 0; i < this.count; i++) {
      const j = i + this.shift;
      const sk: AttributeValue = types.sk === "S" ? { S: `bulk${j}` } : types.sk === "N" ? { N: `${j * 7 - 500}.5` } : { B: Uint8Array.from([0xb0, j >> 8, j & 0xff]) };
      const item: Item = { pk: P_POOL[types.pk as KeyType][j % 3] as AttributeValue, sk, g: poolValue(types.g as KeyType, j % 3), x: { S: `x${j % 5}` } };
      if (j % 2 === 0) item.h = poolValue(types.h as KeyType, j % 4);
      if (j % 3 !== 0) item.a = poolValue(types.a as KeyType, j % 5);
      if (j % 4 === 0) item.c = poolValue(types.c as KeyType, j % 2);
      // With an even shift, most expire within minutes: sweeps that delete hundreds at once.
      if (this.shift % 2 === 0 && j % 5 !== 0) item.exp = { N: String(Math.floor(m.nowMs / 1000) + 60 * (j % 3) + 30) };
      items.push(item);
    }
    for (let i = 0; i < items.length; i += 25) {
      const out = await r.ddb.send(new BatchWriteItemCommand({ RequestItems: { [r.table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
      assert.deepEqual(out.UnprocessedItems ?? {}, {});
    }
    for (const item of items) m.write(item, item);
    tally("bulk");
  }
  toString(): string {
    return `Bulk(${this.count}, ${this.shift})`;
  }
}

/** Stops Nimbus and starts it again on its data, at the same moment: everything acknowledged is there. */
class Restart implements Cmd {
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    await r.server.stop();
    await r.server.start(m.nowMs);
    tally("restart");
  }
  toString(): string {
    return "Restart";
  }
}

/**
 * Deletes the table and makes it again under its name: the old stream holds what it held, the new
 * table nothing of the old one (items, index rows, cached reads), its stream starts empty.
 */
class Recreate implements Cmd {
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    await streamMatches(m, r, r.streamArn);
    await r.ddb.send(new DeleteTableCommand({ TableName: r.table }));
    const old = r.streamArn;
    r.streamArn = await createTable(r.ddb, r.table, m.schema);
    assert.notEqual(r.streamArn, old);
    m.reset();
    tally("recreate");
  }
  toString(): string {
    return "Recreate";
  }
}

/** A value as it is, its numbers spelled another way (1 as 1e+0): the same value to DynamoDB. */
function respelled(v: AttributeValue): AttributeValue {
  if (v.N !== undefined) return { N: new Dec(v.N).toExponential() };
  if (v.L !== undefined) return { L: v.L.map(respelled) };
  if (v.M !== undefined) return { M: respelledItem(v.M) };
  return v;
}

function respelledItem(item: Item): Item {
  const out: Item = {};
  for (const [n, v] of Object.entries(item)) out[n] = respelled(v);
  return out;
}

/** Writes an item as it already is, numbers respelled: the write changes nothing and leaves no stream record. */
class Rewrite implements Cmd {
  constructor(readonly which: number, readonly via: "put" | "update" | "batch" | "transact" | "partiql") {}
  check = (m: Readonly<Model>) => m.items.size > 0;
  async run(m: Model, r: Real): Promise<void> {
    const item = [...m.items.values()][this.which % m.items.size] as Item;
    const again = respelledItem(item);
    const key = { pk: again.pk as AttributeValue, sk: again.sk as AttributeValue };
    const rest = Object.keys(again).filter((n) => n !== "pk" && n !== "sk");
    const set: Item = {};
    for (const n of rest) set[n] = again[n] as AttributeValue;
    if (this.via === "put") await r.ddb.send(new PutItemCommand({ TableName: r.table, Item: again }));
    else if (this.via === "batch") await r.ddb.send(new BatchWriteItemCommand({ RequestItems: { [r.table]: [{ PutRequest: { Item: again } }] } }));
    else if (this.via === "transact") await r.ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: r.table, Item: again } }] }));
    else if (rest.length === 0) await r.ddb.send(new PutItemCommand({ TableName: r.table, Item: again }));
    else if (this.via === "update") await r.ddb.send(new UpdateItemCommand({ TableName: r.table, Key: key, ...updateExpression(set, [], "none") }));
    else {
      await r.ddb.send(
        new ExecuteStatementCommand({
          Statement: `UPDATE "${r.table}" ${rest.map((n) => `SET "${n}" = ?`).join(" ")} WHERE "pk" = ? AND "sk" = ?`,
          Parameters: [...rest.map((n) => again[n] as AttributeValue), key.pk, key.sk],
        }),
      );
    }
    tally(`rewrite ${this.via}`);
    m.write(key, again);
  }
  toString(): string {
    return `Rewrite(${this.which}, ${this.via})`;
  }
}

/** Moves the clock on whole minutes: each minute's TTL sweep deletes the items expired by then. */
class Advance implements Cmd {
  constructor(readonly minutes: number) {}
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    await r.nimbus.scheduler.advance(this.minutes * 60_000);
    const FIVE_YEARS = 5 * 365 * 24 * 3600;
    // The sweeps run each minute (from a minute's start): each deletes what has expired by then.
    for (let minute = 1; minute <= this.minutes; minute++) {
      const sweptAt = m.nowMs + minute * 60_000;
      const now = sweptAt / 1000;
      const group: string[] = [];
      for (const item of [...m.items.values()]) {
        const n = item.exp?.N;
        if (n !== undefined && Number(n) <= now && Number(n) > now - FIVE_YEARS) m.write(item, undefined, { sweptAt, group });
      }
      if (group.length > 0) m.order.push(group);
    }
    m.nowMs += this.minutes * 60_000;
  }
  toString(): string {
    return `Advance(${this.minutes} min)`;
  }
}

/**
 * Adds the extra GSI, or one of the table's first GSIs that was deleted: as it was, or under its old
 * name with the extra GSI's keys and projection (what the deleted index held must not come back).
 */
class CreateGsi implements Cmd {
  constructor(readonly which: number) {}
  private candidates(m: Readonly<Model>): IndexDef[] {
    const absent = [m.schema.extra, ...m.schema.gsis].filter((ix) => !m.gsis.some((g) => g.name === ix.name));
    return absent.map((ix) => (ix === m.schema.extra || this.which % 2 === 0 ? ix : { ...m.schema.extra, name: ix.name }));
  }
  check = (m: Readonly<Model>) => this.candidates(m).length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const all = this.candidates(m);
    const ix = all[this.which % all.length] as IndexDef;
    await r.ddb.send(
      new UpdateTableCommand({
        TableName: r.table,
        AttributeDefinitions: attributeDefinitions(m.schema, [...m.indexes(), ix]),
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: ix.name, KeySchema: keySchemaOf(ix), Projection: projectionOf(ix) } }],
      }),
    );
    m.gsis.push(ix);
  }
  toString(): string {
    return `CreateGsi(${this.which})`;
  }
}

class DeleteGsi implements Cmd {
  constructor(readonly which: number) {}
  check = (m: Readonly<Model>) => m.gsis.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const ix = m.gsis[this.which % m.gsis.length] as IndexDef;
    await r.ddb.send(new UpdateTableCommand({ TableName: r.table, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: ix.name } }] }));
    m.gsis = m.gsis.filter((g) => g !== ix);
    const err = await failure<Error>(r.ddb.send(new ScanCommand({ TableName: r.table, IndexName: ix.name })));
    assert.equal(err.message, `The table does not have the specified index: ${ix.name}`);
  }
  toString(): string {
    return `DeleteGsi(${this.which})`;
  }
}

class Get implements Cmd {
  constructor(readonly k: { p: number; s: number }) {}
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    const key = m.key(this.k.p, this.k.s);
    const out = await r.ddb.send(new GetItemCommand({ TableName: r.table, Key: key, ConsistentRead: true }));
    const expected = m.items.get(keyText(key));
    assert.equal(out.Item === undefined ? undefined : canonItem(out.Item), expected === undefined ? undefined : canonItem(expected));
  }
  toString(): string {
    return `Get(${JSON.stringify(this.k)})`;
  }
}

// ---------------------------------------------------------------------------------------------
// Reads: what the oracle expects of a Query or Scan of the table or an index.

type Target = { readonly name: "table"; readonly hash: "pk"; readonly range: "sk"; readonly index?: undefined } | { readonly name: string; readonly hash: string; readonly range?: string; readonly index: IndexDef };

function targets(m: Model): Target[] {
  return [{ name: "table", hash: "pk", range: "sk" }, ...m.indexes().map((ix) => ({ name: ix.name, hash: ix.hash, ...(ix.range ? { range: ix.range } : {}), index: ix }))];
}

/** The items an index holds: those with all of its key attributes. */
function members(m: Model, t: Target): Item[] {
  return [...m.items.values()].filter((it) => it[t.hash] !== undefined && (t.range === undefined || it[t.range] !== undefined));
}

type Shape = "projected" | "all" | "xy";

/** What a read of `t` returns of an item: the index's projection, the whole item, or the attributes a ProjectionExpression names. */
function shaped(m: Model, t: Target, item: Item, shape: Shape): Item {
  if (shape === "xy") {
    const out: Item = {};
    for (const n of ["pk", "x", "y"]) if (item[n] !== undefined) out[n] = item[n] as AttributeValue;
    return out;
  }
  if (t.index === undefined || shape === "all" || t.index.projection === "ALL") return item;
  const keep = new Set(["pk", "sk", t.hash, ...(t.range ? [t.range] : []), ...(t.index.include ?? [])]);
  const out: Item = {};
  for (const [n, v] of Object.entries(item)) if (keep.has(n)) out[n] = v;
  return out;
}

function lastKeyOf(t: Target, item: Item): Item {
  const out: Item = {};
  for (const n of new Set(["pk", "sk", t.hash, ...(t.range ? [t.range] : [])])) out[n] = item[n] as AttributeValue;
  return out;
}

/** Consecutive runs of equal sort key, each as the sorted canonical texts of its items. */
function runs(t: Target, items: Item[], shapedItems: Item[]): { key: string; items: string[] }[] {
  const out: { key: string; items: string[] }[] = [];
  items.forEach((it, i) => {
    const key = t.range ? canon(it[t.range] as AttributeValue) : "";
    const last = out[out.length - 1];
    const text = canonItem(shapedItems[i] as Item);
    if (last && last.key === key) last.items.push(text);
    else out.push({ key, items: [text] });
  });
  for (const r of out) r.items.sort();
  return out;
}

type SortOp = "EQ" | "LT" | "LE" | "GT" | "GE" | "BETWEEN" | "BEGINS_WITH";

interface QuerySpec {
  readonly target: number;
  readonly hash: number;
  readonly op?: SortOp;
  readonly v1: number;
  readonly v2: number;
  readonly forward: boolean;
  readonly limit?: number;
  readonly select: "default" | "count" | "all" | "xy";
  readonly consistent: boolean;
  /** Read with a PartiQL SELECT instead. */
  readonly partiql?: boolean;
}

class Query implements Cmd {
  constructor(readonly q: QuerySpec) {}
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    const all = targets(m);
    const t = all[this.q.target % all.length] as Target;
    const typeOfRange = t.range ? (m.schema.types[t.range] as KeyType) : undefined;
    // The partition: one an item of the target holds, or a pool value none may hold.
    const inTarget = members(m, t);
    const hashValue =
      this.q.hash % 3 !== 2 && inTarget.length > 0 ? (inTarget[this.q.hash % inTarget.length] as Item)[t.hash] as AttributeValue : t.hash === "pk" ? m.key(this.q.hash, 0).pk as AttributeValue : poolValue(m.schema.types[t.hash] as KeyType, this.q.hash);
    let op = t.range ? this.q.op : undefined;
    if (op === "BEGINS_WITH" && typeOfRange === "N") op = "GE";
    // Half the time a sort key value an item of the partition holds, so that = and BETWEEN find something.
    const held = inTarget.filter((it) => canon(it[t.hash] as AttributeValue) === canon(hashValue) && t.range !== undefined && it[t.range] !== undefined);
    // and for begins_with the start of one.
    const pick = (i: number): AttributeValue => {
      const heldValue = held.length > 0 && i % 2 === 1 ? ((held[(i >> 1) % held.length] as Item)[t.range as string] as AttributeValue) : undefined;
      if (op !== "BEGINS_WITH") return heldValue ?? poolValue(typeOfRange as KeyType, i);
      if (heldValue?.S !== undefined) {
        const points = [...heldValue.S];
        return { S: points.slice(0, 1 + (i >> 2) % points.length).join("") };
      }
      if (heldValue?.B !== undefined) return { B: heldValue.B.subarray(0, 1 + (i >> 2) % heldValue.B.length) };
      const prefixes = PREFIXES[typeOfRange as "S" | "B"];
      return prefixes[i % prefixes.length] as AttributeValue;
    };
    let v1 = op ? pick(this.q.v1) : undefined;
    let v2 = op === "BETWEEN" ? pick(this.q.v2) : undefined;
    if (v1 && v2 && compareValues(v1, v2) > 0) [v1, v2] = [v2, v1];
    const values: Item = { ":h": hashValue, ...(v1 ? { ":v1": v1 } : {}), ...(v2 ? { ":v2": v2 } : {}) };
    const sortCondition: Record<SortOp, string> = { EQ: "#r = :v1", LT: "#r < :v1", LE: "#r <= :v1", GT: "#r > :v1", GE: "#r >= :v1", BETWEEN: "#r BETWEEN :v1 AND :v2", BEGINS_WITH: "begins_with(#r, :v1)" };
    const matches = (v: AttributeValue): boolean => {
      if (!op || !v1) return true;
      const c = compareValues(v, v1);
      switch (op) {
        case "EQ": return c === 0;
        case "LT": return c < 0;
        case "LE": return c <= 0;
        case "GT": return c > 0;
        case "GE": return c >= 0;
        case "BETWEEN": return c >= 0 && compareValues(v, v2 as AttributeValue) <= 0;
        case "BEGINS_WITH": return beginsWith(v, v1);
      }
    };
    // A GSI answers only from its projection: COUNT, or its own attributes.
    let select = this.q.select;
    if (t.index?.kind === "GSI" && (select === "all" || select === "xy") && t.index.projection !== "ALL") select = "default";
    if (t.index === undefined && select === "all") select = "default";
    const consistent = this.q.consistent && t.index?.kind !== "GSI";
    const input: QueryCommandInput = {
      TableName: r.table,
      ...(t.index ? { IndexName: t.name } : {}),
      KeyConditionExpression: `#h = :h${op ? ` AND ${sortCondition[op]}` : ""}`,
      ExpressionAttributeNames: { "#h": t.hash, ...(op ? { "#r": t.range as string } : {}) },
      ExpressionAttributeValues: values,
      ScanIndexForward: this.q.forward,
      ...(this.q.limit !== undefined ? { Limit: this.q.limit } : {}),
      ...(select === "count" ? { Select: "COUNT" as const } : select === "all" ? { Select: "ALL_ATTRIBUTES" as const } : {}),
      ...(select === "xy" ? { ProjectionExpression: "#p1, #p2, #p3" } : {}),
      ...(consistent ? { ConsistentRead: true } : {}),
    };
    if (select === "xy") input.ExpressionAttributeNames = { ...input.ExpressionAttributeNames, "#p1": "pk", "#p2": "x", "#p3": "y" };

    const expected = inTarget
      .filter((it) => canon(it[t.hash] as AttributeValue) === canon(hashValue) && (t.range === undefined || matches(it[t.range] as AttributeValue)))
      .sort((a, b) => (t.range ? compareValues(a[t.range] as AttributeValue, b[t.range] as AttributeValue) * (this.q.forward ? 1 : -1) : 0));
    const shape: Shape = select === "all" ? "all" : select === "xy" ? "xy" : "projected";

    if (this.q.partiql) {
      // The same read as a PartiQL SELECT: ORDER BY the sort key for descending, pages by NextToken.
      if (select === "count" || select === "all" || (select === "xy" && t.index !== undefined && t.index.projection !== "ALL")) select = "default";
      const shapeOf: Shape = select === "xy" ? "xy" : "projected";
      const partiqlSort: Record<SortOp, string> = { EQ: '"r" = ?', LT: '"r" < ?', LE: '"r" <= ?', GT: '"r" > ?', GE: '"r" >= ?', BETWEEN: '"r" BETWEEN ? AND ?', BEGINS_WITH: 'begins_with("r", ?)' };
      const where = [`"${t.hash}" = ?`, ...(op ? [partiqlSort[op].replace('"r"', `"${t.range as string}"`)] : [])].join(" AND ");
      const statement =
        `SELECT ${select === "xy" ? '"pk", "x", "y"' : "*"} FROM "${r.table}"${t.index ? `."${t.name}"` : ""} WHERE ${where}` +
        (t.range && !this.q.forward ? ` ORDER BY "${t.range}" DESC` : "");
      const parameters = [hashValue, ...(v1 ? [v1] : []), ...(v2 ? [v2] : [])];
      const items: Item[] = [];
      let token: string | undefined;
      for (let page = 0; ; page++) {
        assert.ok(page <= expected.length + 1, "SELECT pages without end");
        const out = await r.ddb.send(
          new ExecuteStatementCommand({ Statement: statement, Parameters: parameters, ...(this.q.limit !== undefined ? { Limit: this.q.limit } : {}), ...(token ? { NextToken: token } : {}), ...(consistent ? { ConsistentRead: true } : {}) }),
        );
        if (this.q.limit !== undefined) assert.ok((out.Items ?? []).length <= this.q.limit);
        items.push(...(out.Items ?? []));
        token = out.NextToken;
        if (token === undefined) break;
      }
      tally(`select ${t.index?.kind ?? "table"} ${select} ${expected.length === 0 ? "empty" : expected.length === 1 ? "one" : "many"}`);
      assert.equal(items.length, expected.length, `${statement}: count`);
      const orderBy = select === "xy" ? expected : items;
      return assert.deepEqual(runs(t, orderBy, items), runs(t, expected, expected.map((it) => shaped(m, t, it, shapeOf))), statement);
    }
    const got: Item[] = [];
    let count = 0;
    let start: Item | undefined;
    for (let page = 0; ; page++) {
      assert.ok(page <= expected.length + 1, "Query pages without end");
      const out = await r.ddb.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
      count += out.Count ?? 0;
      assert.equal(out.ScannedCount, out.Count);
      if (select !== "count") {
        assert.equal(out.Items?.length, out.Count);
        got.push(...(out.Items ?? []));
      }
      if (this.q.limit !== undefined) assert.ok((out.Count ?? 0) <= this.q.limit);
      start = out.LastEvaluatedKey;
      if (start === undefined) break;
      // A page that stops at Limit has read Limit items; its LastEvaluatedKey is its last item's key.
      // (unless it stopped at 1 MB first)
      if (this.q.limit !== undefined && ![...m.items.values()].some((it) => it.f)) assert.equal(out.Count, this.q.limit, "a page with a LastEvaluatedKey holds Limit items");
      const lastExpected = expected[count - 1];
      assert.ok(lastExpected, "a LastEvaluatedKey past the last item");
      const lastItem = m.items.get(keyText(start));
      assert.ok(lastItem, "a LastEvaluatedKey of no item");
      assert.equal(canonItem(start), canonItem(lastKeyOf(t, lastItem)));
      if (t.range) assert.equal(canon(lastItem[t.range] as AttributeValue), canon(lastExpected[t.range] as AttributeValue));
      if (select !== "count" && select !== "xy") assert.equal(canonItem(start), canonItem(lastKeyOf(t, got[got.length - 1] as Item)));
    }
    assert.equal(count, expected.length, `Query of ${t.name}: count`);
    tally(`query ${t.index?.kind ?? "table"} ${select} ${expected.length === 0 ? "empty" : expected.length === 1 ? "one" : "many"}`);
    if (select === "count") return;
    // A projection without the sort key: the runs are cut where the model's items are.
    const orderOf = select === "xy" ? expected : got;
    assert.deepEqual(runs(t, orderOf, got), runs(t, expected, expected.map((it) => shaped(m, t, it, shape))), `Query of ${t.name}`);
  }
  toString(): string {
    return `Query(${JSON.stringify(this.q)})`;
  }
}

/** A parallel Scan of the table or an index, every segment read to its end: together they give each item once. */
class Scan implements Cmd {
  constructor(readonly target: number, readonly segments: number, readonly limit: number | undefined) {}
  check = always;
  async run(m: Model, r: Real): Promise<void> {
    const all = targets(m);
    await scanMatches(m, r, all[this.target % all.length] as Target, this.segments, this.limit);
  }
  toString(): string {
    return `Scan(${this.target}, ${this.segments}, ${this.limit})`;
  }
}

async function scanMatches(m: Model, r: Real, t: Target, segments: number, limit: number | undefined): Promise<void> {
  const got: string[] = [];
  for (let segment = 0; segment < segments; segment++) {
    let start: Item | undefined;
    for (let page = 0; ; page++) {
      assert.ok(page <= m.items.size + 1, "Scan pages without end");
      const input: ScanCommandInput = {
        TableName: r.table,
        ...(t.index ? { IndexName: t.name } : {}),
        ...(segments > 1 ? { Segment: segment, TotalSegments: segments } : {}),
        ...(limit !== undefined ? { Limit: limit } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      };
      const out = await r.ddb.send(new ScanCommand(input));
      if (limit !== undefined) assert.ok((out.Count ?? 0) <= limit);
      got.push(...(out.Items ?? []).map(canonItem));
      start = out.LastEvaluatedKey;
      if (start === undefined) break;
    }
  }
  const expected = members(m, t).map((it) => canonItem(shaped(m, t, it, "projected")));
  assert.deepEqual(got.sort(), expected.sort(), `Scan of ${t.name} in ${segments} segments`);
}

// ---------------------------------------------------------------------------------------------
// The stream, through the DynamoDB Streams API (JSON 1.0 by hand: no Streams client is installed).

interface WireRecord {
  eventName: "INSERT" | "MODIFY" | "REMOVE";
  eventSource: string;
  awsRegion: string;
  userIdentity?: { Type: string; PrincipalId: string };
  dynamodb: { Keys: unknown; NewImage?: unknown; OldImage?: unknown; SequenceNumber: string; ApproximateCreationDateTime: number; StreamViewType: string };
}

/** A DynamoDB Streams call that must succeed (no v3 Streams client is installed). */
const streams = (nimbus: TestNimbus, operation: string, body: Record<string, unknown>) =>
  jsonService(() => nimbus, { targetPrefix: "DynamoDBStreams_20120810", version: "1.0", signingName: "dynamodb" }).ok(operation, body);

async function readStream(nimbus: TestNimbus, streamArn: string): Promise<WireRecord[]> {
  const records: WireRecord[] = [];
  const shards: { ShardId: string }[] = [];
  let exclusiveStart: string | undefined;
  for (;;) {
    const d = (await streams(nimbus, "DescribeStream", { StreamArn: streamArn, ...(exclusiveStart ? { ExclusiveStartShardId: exclusiveStart } : {}) })).StreamDescription as { Shards: { ShardId: string }[]; LastEvaluatedShardId?: string };
    shards.push(...d.Shards);
    exclusiveStart = d.LastEvaluatedShardId;
    if (exclusiveStart === undefined) break;
  }
  for (const shard of shards) {
    let iterator = (await streams(nimbus, "GetShardIterator", { StreamArn: streamArn, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON" })).ShardIterator as string | undefined;
    while (iterator !== undefined) {
      const out = await streams(nimbus, "GetRecords", { ShardIterator: iterator });
      const page = out.Records as WireRecord[];
      records.push(...page);
      iterator = page.length === 0 ? undefined : (out.NextShardIterator as string | undefined);
    }
  }
  return records;
}

async function streamMatches(m: Model, r: Real, streamArn: string): Promise<void> {
  const records = await readStream(r.nimbus, streamArn);
  for (const rec of records) tally(`record ${rec.eventName}${rec.userIdentity ? " ttl" : ""}`);
  tally(`items at end ${Math.min(m.items.size, 10)}`);
  let lastSeq = -1n;
  const byKey = new Map<string, WireRecord[]>();
  const replay = new Map<string, Item>();
  for (const rec of records) {
    const seq = BigInt(rec.dynamodb.SequenceNumber);
    assert.ok(seq > lastSeq, "sequence numbers grow");
    lastSeq = seq;
    const keys = wireItem(rec.dynamodb.Keys);
    assert.deepEqual(Object.keys(keys).sort(), ["pk", "sk"]);
    const k = keyText(keys);
    const list = byKey.get(k) ?? [];
    list.push(rec);
    byKey.set(k, list);
    // The chain: each record's old image is the new image of the one before.
    const before = replay.get(k);
    const old = rec.dynamodb.OldImage === undefined ? undefined : canonItem(wireItem(rec.dynamodb.OldImage));
    assert.equal(old, before === undefined ? undefined : canonItem(before), `the chain of ${k}`);
    if (rec.eventName === "REMOVE") replay.delete(k);
    else replay.set(k, wireItem(rec.dynamodb.NewImage));
  }
  // Records in the order of the writes; a sweep's deletions together, in any order among them.
  let next = 0;
  const chunks = m.order.map((group) => {
    const chunk = records.slice(next, next + group.length).map((rec) => keyText(wireItem(rec.dynamodb.Keys)));
    next += group.length;
    return chunk.sort();
  });
  assert.deepEqual(chunks, m.order.map((g) => [...g].sort()), "the order of the stream's records");
  assert.equal(records.length, next);
  for (const rec of records) {
    assert.equal(rec.eventSource, "aws:dynamodb");
    assert.equal(rec.awsRegion, "us-east-1");
    assert.equal(rec.dynamodb.StreamViewType, "NEW_AND_OLD_IMAGES");
  }
  for (const k of new Set([...byKey.keys(), ...m.records.keys()])) {
    const got = (byKey.get(k) ?? []).map((rec) => ({
      at: rec.dynamodb.ApproximateCreationDateTime,
      eventName: rec.eventName,
      old: rec.dynamodb.OldImage === undefined ? undefined : canonItem(wireItem(rec.dynamodb.OldImage)),
      new: rec.dynamodb.NewImage === undefined ? undefined : canonItem(wireItem(rec.dynamodb.NewImage)),
      ttl: rec.userIdentity === undefined ? false : rec.userIdentity.Type === "Service" && rec.userIdentity.PrincipalId === "dynamodb.amazonaws.com",
    }));
    const expected = (m.records.get(k) ?? []).map((e) => ({ at: e.at, eventName: e.eventName, old: e.old && canonItem(e.old), new: e.new && canonItem(e.new), ttl: e.ttl }));
    assert.deepEqual(got, expected, `the stream records of ${k}`);
  }
  const replayed = [...replay.values()].map(canonItem).sort();
  assert.deepEqual(replayed, [...m.items.values()].map(canonItem).sort(), "the stream replayed is the table");
}

// ---------------------------------------------------------------------------------------------
// Generated commands.

const batchOpArb: fc.Arbitrary<BatchOp> = fc.oneof(itemArb.map((put) => ({ put })), keyArb.map((del) => ({ del })));
const txOpArb: fc.Arbitrary<TxOp> = fc.oneof(
  fc.record({ put: itemArb, cond: conditionArb }),
  fc.record({ update: updateArb, cond: conditionArb }),
  fc.record({ del: keyArb, cond: conditionArb }),
  fc.record({ check: keyArb, cond: conditionArb }),
);
/** Now and then an index key attribute of the wrong type. */
const badKeyArb = fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat({ max: 20 }) });
const queryArb: fc.Arbitrary<QuerySpec> = fc.record(
  {
    target: fc.nat({ max: 7 }),
    hash: fc.nat({ max: 20 }),
    op: fc.constantFrom<SortOp | undefined>(undefined, "EQ", "LT", "LE", "GT", "GE", "BETWEEN", "BEGINS_WITH"),
    v1: poolIndex,
    v2: poolIndex,
    forward: fc.boolean(),
    limit: fc.option(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 50, max: 300 })), { nil: undefined }),
    select: fc.constantFrom<QuerySpec["select"]>("default", "default", "count", "all", "xy"),
    consistent: fc.boolean(),
    partiql: fc.constant(true),
  },
  { requiredKeys: ["target", "hash", "v1", "v2", "forward", "select", "consistent"] },
);

const commandArbs = [
  fc.tuple(itemArb, conditionArb, badKeyArb).map(([item, cond, bad]) => new Put(item, cond, bad)),
  fc.tuple(itemArb, conditionArb, badKeyArb).map(([item, cond, bad]) => new Put(item, cond, bad)),
  fc.tuple(updateArb, conditionArb, badKeyArb).map(([u, cond, bad]) => new Update(u, cond, bad)),
  fc.tuple(updateArb, conditionArb, badKeyArb).map(([u, cond, bad]) => new Update(u, cond, bad)),
  fc.tuple(keyArb, conditionArb).map(([k, cond]) => new Delete(k, cond)),
  fc.tuple(fc.array(batchOpArb, { minLength: 1, maxLength: 6 }), badKeyArb).map(([ops, bad]) => new Batch(ops, bad)),
  fc
    .tuple(fc.array(txOpArb, { minLength: 1, maxLength: 4 }), badKeyArb, fc.option(fc.nat({ max: 2 }), { nil: undefined }))
    .map(([ops, bad, token]) => new Transact(ops, bad, token)),
  fc.constant(null).map(() => new RetryTransact()),
  fc
    .tuple(fc.oneof(itemArb.map((insert) => ({ insert })), updateArb.map((update) => ({ update })), keyArb.map((del) => ({ del }))), badKeyArb)
    .map(([op, bad]) => new Partiql(op, "insert" in op ? bad : undefined)),
  fc.integer({ min: 1, max: 6 }).map((n) => new Advance(n)),
  fc.nat({ max: 5 }).map((n) => new CreateGsi(n)),
  fc.nat({ max: 5 }).map((n) => new DeleteGsi(n)),
  fc.tuple(fc.nat({ max: 20 }), fc.constantFrom<Rewrite["via"]>("put", "update", "batch", "transact", "partiql")).map(([w, via]) => new Rewrite(w, via)),
  fc.tuple(fc.integer({ min: 100, max: 350 }), fc.nat({ max: 300 })).map(([n, shift]) => new Bulk(n, shift)),
  fc.constant(null).map(() => new Recreate()),
  fc.constant(null).map(() => new Restart()),
  keyArb.map((k) => new Get(k)),
  queryArb.map((q) => new Query(q)),
  queryArb.map((q) => new Query(q)),
  fc.tuple(fc.nat({ max: 7 }), fc.integer({ min: 1, max: 4 }), fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined })).map(([t, s, l]) => new Scan(t, s, l)),
];

const RUNS = Number(process.env.ORACLE_RUNS ?? 8);
const SEED = Number(process.env.ORACLE_SEED ?? 20261202);
const MAX_COMMANDS = Number(process.env.ORACLE_COMMANDS ?? 40);

describe("DynamoDB tables, indexes and streams against an oracle", () => {
  const server = new Server();
  before(() => server.start());
  after(async () => {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  });

  test("generated writes, TTL expiry and index changes: GetItem, Query, Scan and the stream agree with the model", async () => {
    const details = await fc.check(
      fc.asyncProperty(schemaArb, fc.commands(commandArbs, { maxCommands: MAX_COMMANDS, size: "max" }), async (schema, cmds) => {
        const table = uniqueName("oracle");
        const { ddb } = server;
        const real = new Real(server, table, await createTable(ddb, table, schema));
        const model = new Model(schema, server.nimbus.manualClock.now());
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          for (const t of targets(model)) await scanMatches(model, real, t, 1, undefined);
          await streamMatches(model, real, real.streamArn);
        } finally {
          await server.ddb.send(new DeleteTableCommand({ TableName: table }));
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env.ORACLE_SHRINK === "0" },
    );
    if (stats.size > 0) console.error([...stats].sort().map(([k, v]) => `${k}: ${v}`).join("\n"));
    // The shrunk case with the assertion it failed (fc.assert would leave the assertion out).
    if (details.failed) assert.fail(`${fc.defaultReportMessage(details)}\n${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`);
  });
});
