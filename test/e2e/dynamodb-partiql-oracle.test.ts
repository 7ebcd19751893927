/**
 * Differential tests of DynamoDB's PartiQL against the item API and a small model, over generated
 * tables, items and statements. A SELECT answers the items the model and a Scan with the
 * equivalent FilterExpression answer, in key order when its WHERE pins partitions (a Query's order,
 * or ORDER BY's), however it is paged and whether its values are literals or Parameters; writes,
 * alone, in transactions and in batches, leave a table as the equivalent PutItem / UpdateItem /
 * DeleteItem / TransactWriteItems leave a twin; values read back as written.
 *
 * The model follows the guide's PartiQL pages (select, update, delete, functions, operators) and
 * its comparison rules (strings by UTF-8 bytes, numbers by value, binaries by unsigned bytes).
 * Where DynamoDB refuses a generated statement for a reason the model does not predict but that is
 * on record (ACCEPTED_REFUSALS), the refusal must not depend on how values are written.
 *
 * Seeds and run counts are fixed; PQL_RUNS, PQL_SEED and PQL_PATH (a counterexample's path)
 * override them for exploration.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "./oracle-fast-check.js";
import {
  BatchExecuteStatementCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DeleteItemCommandInput,
  type PutItemCommandInput,
  type TransactWriteItemsCommandInput,
  type KeySchemaElement,
  type UpdateItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { clientSuite, uniqueName, type SdkError } from "./harness.js";

const RUNS = Number(process.env["PQL_RUNS"] ?? 0);
const SEED = process.env["PQL_SEED"] === undefined ? undefined : Number(process.env["PQL_SEED"]);
const PATH = process.env["PQL_PATH"];

/** fc.assert with the failure's own message in the error (the runner prints only the message). */
async function check<T>(property: fc.IAsyncPropertyWithHooks<T>, seed: number, numRuns: number): Promise<void> {
  const out = await fc.check(property, { seed: SEED ?? seed, numRuns: RUNS > 0 ? RUNS : numRuns, ...(PATH !== undefined ? { path: PATH } : {}) });
  if (!out.failed) return;
  const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
  throw new Error(`seed ${out.seed}, path ${out.counterexamplePath}, after ${out.numRuns} runs and ${out.numShrinks} shrinks\n${cause}\ncounterexample: ${show(out.counterexample)}`);
}

type AV = AttributeValue;
type Item = Record<string, AV>;
type ScalarType = "S" | "N" | "B";
type Step = string | number;
type Path = readonly Step[];

// ---------------------------------------------------------------------------------------------
// The model: DynamoDB's values, comparisons and conditions, as the developer guide describes them.

function typeOf(v: AV): string {
  return Object.keys(v).find((k) => (v as unknown as Record<string, unknown>)[k] !== undefined) as string;
}

const utf8 = (s: string) => Buffer.from(s, "utf8");

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** S compares by UTF-8 bytes, N numerically, B by unsigned bytes; undefined across types or for others. */
function compareScalar(a: AV, b: AV): number | undefined {
  if (a.S !== undefined && b.S !== undefined) return compareBytes(utf8(a.S), utf8(b.S));
  if (a.N !== undefined && b.N !== undefined) return Math.sign(Number(a.N) - Number(b.N));
  if (a.B !== undefined && b.B !== undefined) return compareBytes(a.B, b.B);
  return undefined;
}

function sameMembers<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => eq(x, y)));
}

function equal(a: AV, b: AV): boolean {
  const t = typeOf(a);
  if (t !== typeOf(b)) return false;
  switch (t) {
    case "S":
    case "N":
    case "B":
      return compareScalar(a, b) === 0;
    case "BOOL":
      return a.BOOL === b.BOOL;
    case "NULL":
      return true;
    case "SS":
      return sameMembers(a.SS as string[], b.SS as string[], (x, y) => x === y);
    case "NS":
      return sameMembers(a.NS as string[], b.NS as string[], (x, y) => Number(x) === Number(y));
    case "BS":
      return sameMembers(a.BS as Uint8Array[], b.BS as Uint8Array[], (x, y) => compareBytes(x, y) === 0);
    case "L":
      return (a.L as AV[]).length === (b.L as AV[]).length && (a.L as AV[]).every((x, i) => equal(x, (b.L as AV[])[i] as AV));
    case "M": {
      const am = a.M as Item;
      const bm = b.M as Item;
      return sameMembers(Object.keys(am), Object.keys(bm), (x, y) => x === y) && Object.keys(am).every((k) => equal(am[k] as AV, bm[k] as AV));
    }
  }
  return false;
}

function getPath(item: Item, path: Path): AV | undefined {
  let v: AV | undefined = Object.prototype.hasOwnProperty.call(item, path[0] as string) ? item[path[0] as string] : undefined;
  for (const step of path.slice(1)) {
    if (v === undefined) return undefined;
    if (typeof step === "number") v = v.L?.[step];
    else v = v.M !== undefined && Object.prototype.hasOwnProperty.call(v.M, step) ? v.M[step] : undefined;
  }
  return v;
}

type Op = "=" | "<>" | "<" | "<=" | ">" | ">=";
const MIRROR: Record<Op, Op> = { "=": "=", "<>": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

type Cond =
  | { k: "cmp"; op: Op; path: Path; lit: AV; flip: boolean }
  | { k: "between"; path: Path; lo: AV; hi: AV }
  | { k: "in"; path: Path; lits: AV[] }
  | { k: "begins"; path: Path; lit: AV }
  | { k: "contains"; path: Path; lit: AV }
  | { k: "type"; path: Path; t: string }
  | { k: "missing"; path: Path; neg: boolean }
  | { k: "null"; path: Path; neg: boolean }
  | { k: "and" | "or"; l: Cond; r: Cond }
  | { k: "not"; c: Cond };

function compareOp(op: Op, v: AV | undefined, lit: AV): boolean {
  if (op === "=") return v !== undefined && equal(v, lit);
  if (op === "<>") return !(v !== undefined && equal(v, lit));
  if (v === undefined) return false;
  const o = compareScalar(v, lit);
  if (o === undefined) return false;
  return op === "<" ? o < 0 : op === "<=" ? o <= 0 : op === ">" ? o > 0 : o >= 0;
}

function bytesContain(hay: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(hay).indexOf(Buffer.from(needle)) !== -1;
}

function holds(c: Cond, item: Item): boolean {
  switch (c.k) {
    case "and":
      return holds(c.l, item) && holds(c.r, item);
    case "or":
      return holds(c.l, item) || holds(c.r, item);
    case "not":
      return !holds(c.c, item);
    case "cmp": {
      const v = getPath(item, c.path);
      return c.flip ? compareOp(MIRROR[c.op], v, c.lit) : compareOp(c.op, v, c.lit);
    }
    case "between": {
      const v = getPath(item, c.path);
      if (v === undefined) return false;
      const lo = compareScalar(v, c.lo);
      const hi = compareScalar(v, c.hi);
      return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
    }
    case "in": {
      const v = getPath(item, c.path);
      return v !== undefined && c.lits.some((l) => equal(v, l));
    }
    case "begins": {
      const v = getPath(item, c.path);
      if (v?.S !== undefined && c.lit.S !== undefined) return utf8(v.S).subarray(0, utf8(c.lit.S).length).equals(utf8(c.lit.S));
      if (v?.B !== undefined && c.lit.B !== undefined) return Buffer.from(v.B).subarray(0, c.lit.B.length).equals(Buffer.from(c.lit.B));
      return false;
    }
    case "contains": {
      const v = getPath(item, c.path);
      const n = c.lit;
      if (v === undefined) return false;
      if (v.S !== undefined) return n.S !== undefined && v.S.includes(n.S);
      if (v.B !== undefined) return n.B !== undefined && bytesContain(v.B, n.B);
      if (v.SS !== undefined) return n.S !== undefined && v.SS.includes(n.S);
      if (v.NS !== undefined) return n.N !== undefined && v.NS.some((x) => Number(x) === Number(n.N));
      if (v.BS !== undefined) return n.B !== undefined && v.BS.some((x) => compareBytes(x, n.B as Uint8Array) === 0);
      if (v.L !== undefined) return v.L.some((x) => equal(x, n));
      return false;
    }
    case "type": {
      const v = getPath(item, c.path);
      return v !== undefined && typeOf(v) === c.t;
    }
    case "missing":
      return (getPath(item, c.path) === undefined) !== c.neg;
    case "null": {
      const v = getPath(item, c.path);
      return (v !== undefined && v.NULL === true) !== c.neg;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering: a condition as PartiQL (literals or `?`) and as a FilterExpression.

/** Attribute names, several of which PartiQL can only read double-quoted. */
const PLAIN_NAMES = ["a", "n", "m", "l", "s"];
const ODD_NAMES = ["b c", "x-y", "ñame", "value", "order", "d\"q", "日本", "size"];

function needsQuotes(name: string): boolean {
  return !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || RESERVED_LIKE.has(name.toUpperCase());
}
const RESERVED_LIKE = new Set(["VALUE", "ORDER", "SIZE", "SELECT", "KEY", "NAME", "DATE", "SET", "LIST", "STRING", "TUPLE", "USER"]);

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function stringLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** The same number, written another way: exponent form, trailing zeros, a sign. */
function numberForm(n: string, variant: number): string {
  const neg = n.startsWith("-");
  const abs = neg ? n.slice(1) : n;
  const [int, frac = ""] = abs.split(".");
  const digits = (int as string) + frac;
  const sign = neg ? "-" : "";
  switch (variant % 4) {
    case 1:
      // 12.5 -> 125E-1
      return `${sign}${digits}E-${frac.length}`;
    case 2:
      return frac.length > 0 ? `${n}00` : `${n}.0`;
    case 3: {
      // 12.5 -> 0.125e2
      return `${sign}0.${digits}e${(int as string).length}`;
    }
    default:
      return n;
  }
}

/** A value as a PartiQL literal, or undefined when it has none (binaries, binary sets, empty sets). */
function literal(v: AV, variant: number): string | undefined {
  switch (typeOf(v)) {
    case "S":
      return stringLiteral(v.S as string);
    case "N":
      return numberForm(v.N as string, variant);
    case "BOOL":
      return variant % 2 === 0 ? String(v.BOOL).toUpperCase() : String(v.BOOL);
    case "NULL":
      return variant % 2 === 0 ? "NULL" : "null";
    case "SS":
      return `<<${(v.SS as string[]).map(stringLiteral).join(", ")}>>`;
    case "NS":
      return `<<${(v.NS as string[]).map((n, i) => numberForm(n, variant + i)).join(", ")}>>`;
    case "L": {
      const parts = (v.L as AV[]).map((x, i) => literal(x, variant + i));
      return parts.every((p) => p !== undefined) ? `[${parts.join(", ")}]` : undefined;
    }
    case "M": {
      const entries = Object.entries(v.M as Item).map(([k, x], i) => {
        const l = literal(x, variant + i);
        return l === undefined ? undefined : `${stringLiteral(k)}: ${l}`;
      });
      return entries.every((p) => p !== undefined) ? `{${entries.join(", ")}}` : undefined;
    }
    default:
      return undefined;
  }
}

class PartiqlWriter {
  readonly params: AV[] = [];
  constructor(
    /** Whether each value is written as a literal (when it has one), by the order values are met. */
    private readonly literals: (i: number) => boolean,
  ) {}
  private count = 0;

  value(v: AV): string {
    const i = this.count++;
    const l = this.literals(i) ? literal(v, i) : undefined;
    if (l !== undefined) return l;
    this.params.push(v);
    return "?";
  }

  path(p: Path): string {
    const [root, ...rest] = p as [string, ...Step[]];
    let out = needsQuotes(root) || this.count % 3 === 0 ? quoteName(root) : root;
    for (const step of rest) {
      if (typeof step === "number") out += `[${step}]`;
      else if (!needsQuotes(step) && this.count % 2 === 0) out += `.${step}`;
      else if (this.count % 5 === 1) out += `[${stringLiteral(step)}]`;
      else out += `.${quoteName(step)}`;
    }
    return out;
  }

  cond(c: Cond): string {
    switch (c.k) {
      case "and":
      case "or":
        return `(${this.cond(c.l)}) ${c.k.toUpperCase()} (${this.cond(c.r)})`;
      case "not":
        return `NOT (${this.cond(c.c)})`;
      case "cmp":
        if (c.flip) {
          const v = this.value(c.lit);
          return `${v} ${c.op} ${this.path(c.path)}`;
        }
        return `${this.path(c.path)} ${c.op === "<>" && this.count % 2 === 0 ? "!=" : c.op} ${this.value(c.lit)}`;
      case "between":
        return `${this.path(c.path)} BETWEEN ${this.value(c.lo)} AND ${this.value(c.hi)}`;
      case "in":
        return `${this.path(c.path)} IN [${c.lits.map((l) => this.value(l)).join(", ")}]`;
      case "begins":
        return `begins_with(${this.path(c.path)}, ${this.value(c.lit)})`;
      case "contains":
        return `contains(${this.path(c.path)}, ${this.value(c.lit)})`;
      case "type":
        return `attribute_type(${this.path(c.path)}, ${this.value({ S: c.t })})`;
      case "missing":
        return `${this.path(c.path)} IS ${c.neg ? "NOT " : ""}MISSING`;
      case "null":
        return `${this.path(c.path)} IS ${c.neg ? "NOT " : ""}NULL`;
    }
  }
}

class ExpressionWriter {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AV> = {};
  private n = 0;

  value(v: AV): string {
    const ref = `:v${this.n++}`;
    this.values[ref] = v;
    return ref;
  }

  name(s: string): string {
    const found = Object.entries(this.names).find(([, v]) => v === s);
    if (found) return found[0];
    const ref = `#n${Object.keys(this.names).length}`;
    this.names[ref] = s;
    return ref;
  }

  path(p: Path): string {
    return p.map((s, i) => (typeof s === "number" ? `[${s}]` : `${i > 0 ? "." : ""}${this.name(s)}`)).join("");
  }

  cond(c: Cond): string {
    switch (c.k) {
      case "and":
      case "or":
        return `(${this.cond(c.l)}) ${c.k.toUpperCase()} (${this.cond(c.r)})`;
      case "not":
        return `NOT (${this.cond(c.c)})`;
      case "cmp":
        return c.flip ? `${this.value(c.lit)} ${c.op} ${this.path(c.path)}` : `${this.path(c.path)} ${c.op} ${this.value(c.lit)}`;
      case "between":
        return `${this.path(c.path)} BETWEEN ${this.value(c.lo)} AND ${this.value(c.hi)}`;
      case "in":
        return `${this.path(c.path)} IN (${c.lits.map((l) => this.value(l)).join(", ")})`;
      case "begins":
        return `begins_with(${this.path(c.path)}, ${this.value(c.lit)})`;
      case "contains":
        return `contains(${this.path(c.path)}, ${this.value(c.lit)})`;
      case "type":
        return `attribute_type(${this.path(c.path)}, ${this.value({ S: c.t })})`;
      case "missing":
        return `${c.neg ? "attribute_exists" : "attribute_not_exists"}(${this.path(c.path)})`;
      case "null":
        return `${c.neg ? "NOT " : ""}attribute_type(${this.path(c.path)}, ${this.value({ S: "NULL" })})`;
    }
  }

  attributes() {
    return {
      ExpressionAttributeNames: Object.keys(this.names).length > 0 ? this.names : undefined,
      ExpressionAttributeValues: Object.keys(this.values).length > 0 ? this.values : undefined,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Generators


interface Schema {
  readonly pk: string;
  readonly pkType: ScalarType;
  readonly sk: string | undefined;
  readonly skType: ScalarType | undefined;
  /** A GSI keyed by g (S) and, when gr is set, gr (N). */
  readonly gsiRange: boolean;
}

const schemaArb: fc.Arbitrary<Schema> = fc
  .record({
    pk: fc.constantFrom("pk", "part key", "Ключ"),
    pkType: fc.constantFrom<ScalarType>("S", "N", "B"),
    sk: fc.option(fc.constantFrom("sk", "sort-key", "date"), { nil: undefined }),
    skType: fc.constantFrom<ScalarType>("S", "N", "B"),
    gsiRange: fc.boolean(),
  })
  .map((s) => ({ pk: s.pk, pkType: s.pkType, sk: s.sk, skType: s.sk === undefined ? undefined : s.skType, gsiRange: s.gsiRange }));

/** Strings over a small alphabet (so that values collide and prefixes match), with quotes, non-ASCII and astral characters. */
const stringArb = (min = 0) => fc.string({ unit: fc.constantFrom("a", "b", "'", " ", "é", "𝄞", "\uffef", "A"), minLength: min, maxLength: 4 });
const numberArb = fc.oneof(
  fc.integer({ min: -20, max: 20 }).map(String),
  fc.tuple(fc.integer({ min: -20, max: 20 }), fc.integer({ min: 1, max: 99 })).map(([i, f]) => {
    const frac = String(f).padStart(2, "0").replace(/0+$/, "");
    return i === 0 && f > 0 ? `0.${frac}` : `${i}.${frac}`;
  }),
);
const bytesArb = (min = 0) => fc.uint8Array({ minLength: min, maxLength: 3, max: 3 }).map((b) => new Uint8Array(b.map((x) => [0, 1, 0x7f, 0xff][x] as number)));

function scalarArb(t: ScalarType, min = 0): fc.Arbitrary<AV> {
  if (t === "S") return stringArb(min).map((S) => ({ S }));
  if (t === "N") return numberArb.map((N) => ({ N }));
  return bytesArb(min).map((B) => ({ B }));
}

const uniqueBy = <T>(arb: fc.Arbitrary<T>, key: (t: T) => string, min = 1) => fc.uniqueArray(arb, { minLength: min, maxLength: 3, selector: key });

const valueArb: fc.Arbitrary<AV> = fc.letrec<{ v: AV }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarArb("S"),
    scalarArb("N"),
    scalarArb("B"),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true }),
    uniqueBy(stringArb(1), (s) => s).map((SS) => ({ SS })),
    uniqueBy(numberArb, (n) => String(Number(n))).map((NS) => ({ NS })),
    uniqueBy(bytesArb(1), (b) => Buffer.from(b).toString("hex")).map((BS) => ({ BS })),
    fc.array(tie("v"), { maxLength: 3 }).map((L) => ({ L })),
    fc.dictionary(fc.constantFrom("k", "j", "a b", "ü", "it's"), tie("v"), { maxKeys: 3 }).map((M) => ({ M })),
  ),
})).v;

/** Few keys, so that writes meet the items earlier writes made. */
const KEY_POOL: Record<ScalarType, AV[]> = {
  S: [{ S: "a" }, { S: "é" }],
  N: [{ N: "1" }, { N: "-2.5" }],
  B: [{ B: new Uint8Array([0]) }, { B: new Uint8Array([0xff, 1]) }],
};

function keyOf(schema: Schema, item: Item): string {
  const part = (v: AV | undefined) => (v === undefined ? "" : JSON.stringify(v.B !== undefined ? { B: Buffer.from(v.B).toString("hex") } : v.N !== undefined ? { N: String(Number(v.N)) } : v));
  return `${part(item[schema.pk])}|${schema.sk === undefined ? "" : part(item[schema.sk])}`;
}

function itemsArb(schema: Schema): fc.Arbitrary<Item[]> {
  // Key strings over few characters, where UTF-8 and UTF-16 orders differ (U+FFEF against U+1D11E).
  const keyString = fc.string({ unit: fc.constantFrom("a", "\uffef", "𝄞", "é"), minLength: 1, maxLength: 3 }).map((S): AV => ({ S }));
  const keyPart = (t: ScalarType) => (t === "S" ? fc.oneof(keyString, scalarArb(t, 1)) : scalarArb(t, 1));
  const item = fc
    .record({
      pk: keyPart(schema.pkType),
      sk: keyPart(schema.skType ?? "S"),
      attrs: fc.dictionary(fc.constantFrom(...PLAIN_NAMES, ...ODD_NAMES), valueArb, { maxKeys: 4 }),
      // An index key attribute must have the index key's type (or be absent).
      g: fc.option(stringArb(1).map((S) => ({ S })), { nil: undefined }),
      gr: fc.option(numberArb.map((N) => ({ N })), { nil: undefined }),
    })
    .map(({ pk, sk, attrs, g, gr }) => {
      const out: Item = {};
      for (const [k, v] of Object.entries(attrs)) out[k] = v;
      if (g !== undefined) out["g"] = g;
      if (gr !== undefined) out["gr"] = gr;
      out[schema.pk] = pk;
      if (schema.sk !== undefined) out[schema.sk] = sk;
      return out;
    });
  return fc.uniqueArray(item, { maxLength: 14, selector: (i) => keyOf(schema, i) });
}

/** Values a condition compares with: most from the items themselves, so that conditions match. */
function literalArb(items: readonly Item[], paths: readonly Path[]): fc.Arbitrary<AV> {
  const present = paths.flatMap((p) => items.map((i) => getPath(i, p)).filter((v): v is AV => v !== undefined));
  return present.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...present) }, { weight: 1, arbitrary: valueArb }) : valueArb;
}

function scalarLiteralArb(items: readonly Item[], paths: readonly Path[]): fc.Arbitrary<AV> {
  return literalArb(items, paths).chain((v) => (["S", "N", "B"].includes(typeOf(v)) ? fc.constant(v) : fc.oneof(scalarArb("S"), scalarArb("N"), scalarArb("B"))));
}

function condArb(schema: Schema, items: readonly Item[], keys = true): fc.Arbitrary<Cond> {
  const tops: Path[] = [...(keys ? [[schema.pk], ...(schema.sk ? [[schema.sk]] : [])] : []), ...[...PLAIN_NAMES, ...ODD_NAMES, "g", "gr"].map((n) => [n])];
  const nested: Path[] = [["m", "k"], ["l", 0], ["l", 1], ["m", "a b"], ["l", 0, "k"], ["m", "k", 0], ["value", "ü"], ["m", "it's"]];
  const pathArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...tops) }, { weight: 1, arbitrary: fc.constantFrom(...nested) });
  const keyPaths: Path[] = [[schema.pk], ...(schema.sk ? [[schema.sk]] : [])];
  const leaf: fc.Arbitrary<Cond> = pathArb.chain((path) => {
    const lit = literalArb(items, [path]);
    const scalar = scalarLiteralArb(items, [path]);
    return fc.oneof(
      { weight: 4, arbitrary: fc.record({ op: fc.constantFrom<Op>("=", "<>"), lit, flip: fc.boolean() }).map((r): Cond => ({ k: "cmp", op: r.op, path, lit: r.lit, flip: r.flip })) },
      { weight: 3, arbitrary: fc.record({ op: fc.constantFrom<Op>("<", "<=", ">", ">="), lit: scalar, flip: fc.boolean() }).map((r): Cond => ({ k: "cmp", op: r.op, path, lit: r.lit, flip: r.flip })) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(scalar, scalar)
          .filter(([a, b]) => compareScalar(a, b) !== undefined)
          .map(([a, b]): Cond => ((compareScalar(a, b) as number) <= 0 ? { k: "between", path, lo: a, hi: b } : { k: "between", path, lo: b, hi: a })),
      },
      { weight: 2, arbitrary: fc.array(lit, { minLength: 1, maxLength: 4 }).map((lits): Cond => ({ k: "in", path, lits })) },
      { weight: 1, arbitrary: fc.oneof(stringArb().map((S) => ({ S })), bytesArb().map((B) => ({ B })), scalar.filter((v) => v.S !== undefined || v.B !== undefined)).map((l): Cond => ({ k: "begins", path, lit: l })) },
      { weight: 1, arbitrary: scalar.map((l): Cond => ({ k: "contains", path, lit: l })) },
      { weight: 1, arbitrary: fc.constantFrom("S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M").map((t): Cond => ({ k: "type", path, t })) },
      { weight: 1, arbitrary: fc.boolean().map((neg): Cond => ({ k: "missing", path, neg })) },
      { weight: 1, arbitrary: fc.boolean().map((neg): Cond => ({ k: "null", path, neg })) },
    );
  });
  /** A key equality of the key's own type, so that reads by key are common. */
  if (items.length === 0) return fc.letrec<{ c: Cond }>((tie) => ({ c: fc.oneof({ depthSize: "small" }, leaf, fc.record({ k: fc.constantFrom<"and" | "or">("and", "or"), l: tie("c"), r: tie("c") })) })).c;
  const keyEq: fc.Arbitrary<Cond> = fc.constantFrom(...keyPaths).chain((path) =>
    fc.record({ lit: fc.constantFrom(...items.map((i) => getPath(i, path) as AV)), flip: fc.boolean() }).map((r): Cond => ({ k: "cmp", op: "=", path, lit: r.lit, flip: r.flip })),
  );
  const keyIn: fc.Arbitrary<Cond> = fc
    .uniqueArray(fc.constantFrom(...items.map((i) => i[schema.pk] as AV)), { minLength: 1, maxLength: 4, selector: (v) => keyOf(schema, { [schema.pk]: v }) })
    .map((lits): Cond => ({ k: "in", path: [schema.pk], lits }));
  const base = fc.oneof({ weight: 5, arbitrary: leaf }, { weight: 2, arbitrary: keyEq }, { weight: 1, arbitrary: keyIn });
  const any = fc.letrec<{ c: Cond }>((tie) => ({
    c: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      base,
      fc.record({ k: fc.constantFrom<"and" | "or">("and", "or"), l: tie("c"), r: tie("c") }),
      tie("c").map((c): Cond => ({ k: "not", c })),
    ),
  })).c;
  // Often a read of one partition: the partition key's equality AND the rest.
  const pinned = fc.record({ key: fc.oneof({ weight: 1, arbitrary: keyEq.filter((c) => c.k === "cmp" && c.path[0] === schema.pk) }, { weight: 2, arbitrary: keyIn }), rest: fc.option(any, { nil: undefined, freq: 2 }), first: fc.boolean() }).map(({ key, rest, first }): Cond =>
    rest === undefined ? key : first ? { k: "and", l: key, r: rest } : { k: "and", l: rest, r: key },
  );
  return fc.oneof({ weight: 1, arbitrary: any }, { weight: 1, arbitrary: pinned });
}

// ---------------------------------------------------------------------------------------------
// Helpers over the client

function show(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => (v instanceof Uint8Array ? `b:${Buffer.from(v).toString("hex")}` : v));
}

/** Items with numbers as DynamoDB stores them and sets in a fixed order, for deepEqual. */
function canonical(v: AV): AV {
  switch (typeOf(v)) {
    case "N":
      return { N: normalizeNumber(v.N as string) };
    case "B":
      return { B: new Uint8Array(v.B as Uint8Array) };
    case "SS":
      return { SS: [...(v.SS as string[])].sort() };
    case "NS":
      return { NS: (v.NS as string[]).map(normalizeNumber).sort() };
    case "BS":
      return { BS: [...(v.BS as Uint8Array[])].map((b) => new Uint8Array(b)).sort(compareBytes) };
    case "L":
      return { L: (v.L as AV[]).map(canonical) };
    case "M":
      return { M: canonicalItem(v.M as Item) };
    default:
      return v;
  }
}

function canonicalItem(item: Item): Item {
  const out: Item = {};
  for (const k of Object.keys(item).sort()) out[k] = canonical(item[k] as AV);
  return out;
}

/** The decimal as DynamoDB returns it: no exponent, no trailing fraction zeros, no leading zeros. */
function normalizeNumber(n: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(n.trim());
  if (!m) return n;
  const sign = m[1] === "-" ? "-" : "";
  let digits = (m[2] ?? "") + (m[3] ?? "");
  let point = (m[2] ?? "").length + Number(m[4] ?? 0);
  const lead = digits.length - digits.replace(/^0+/, "").length;
  digits = digits.slice(lead);
  point -= lead;
  digits = digits.replace(/0+$/, "");
  if (digits === "") return "0";
  let out: string;
  if (point <= 0) out = `0.${"0".repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return sign + out;
}

function sortKeyCompare(schema: Schema) {
  return (a: Item, b: Item): number => {
    const pk = compareScalar(a[schema.pk] as AV, b[schema.pk] as AV) ?? 0;
    if (pk !== 0) return pk;
    return schema.sk === undefined ? 0 : (compareScalar(a[schema.sk] as AV, b[schema.sk] as AV) ?? 0);
  };
}


function projectedName(p: Path): string {
  let name = p[0] as string;
  let suffix = "";
  for (const step of p.slice(1)) {
    if (typeof step === "number") suffix += `[${step}]`;
    else {
      name = step;
      suffix = "";
    }
  }
  return name + suffix;
}

function project(item: Item, paths: readonly Path[]): Item {
  const out: Item = {};
  for (const p of paths) {
    const v = getPath(item, p);
    if (v !== undefined) out[projectedName(p)] = v;
  }
  return out;
}

/** A top-level AND term `pk = v` (either way round) with v of the key's type: the WHERE reads one partition. */
function pinnedPartition(c: Cond | undefined, schema: Schema): AV | undefined {
  if (c === undefined) return undefined;
  if (c.k === "and") return pinnedPartition(c.l, schema) ?? pinnedPartition(c.r, schema);
  if (c.k === "cmp" && c.op === "=" && c.path.length === 1 && c.path[0] === schema.pk && typeOf(c.lit) === schema.pkType) return c.lit;
  return undefined;
}

/** A top-level AND term `pk IN [...]` of values of the key's type: the WHERE reads those partitions. */
function pinnedPartitions(c: Cond | undefined, schema: Schema): AV[] | undefined {
  if (c === undefined) return undefined;
  if (c.k === "and") return pinnedPartitions(c.l, schema) ?? pinnedPartitions(c.r, schema);
  if (c.k === "in" && c.path.length === 1 && c.path[0] === schema.pk && c.lits.every((l) => typeOf(l) === schema.pkType)) return c.lits;
  return undefined;
}

const bag = (items: readonly Item[]) => items.map((i) => show(canonicalItem(i))).sort();

/** DynamoDB's refusals a generated WHERE may meet, each documented or captured (see translator.ts). */
const ACCEPTED_REFUSALS = [
  // A keyed read of an index that does not project what the WHERE or the projection names (nubo-db/dynamodb-conformance, see translator.ts).
  /^One or more parameter values were invalid: Secondary index by-g-keys does not project one or more filter attributes: /,
  /^One or more parameter values were invalid: Global secondary index by-g-keys does not project /,
  /^Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.$/, /^Key attribute's data type should match its data type in table's schema: Key /, /^Overlapping conditions with range keys are not supported in where clause$/];

describe("DynamoDB PartiQL against the item API and a model (generated)", () => {
  let ddb: DynamoDBClient;
  clientSuite(
    (n) => new DynamoDBClient({ ...n.clientConfig(), maxAttempts: 1 }),
    (_n, c) => {
      ddb = c;
    },
  );

  async function createTable(schema: Schema): Promise<string> {
    const name = uniqueName("pql-oracle");
    const defs = [{ AttributeName: schema.pk, AttributeType: schema.pkType }, { AttributeName: "g", AttributeType: "S" as const }];
    if (schema.sk !== undefined) defs.push({ AttributeName: schema.sk, AttributeType: schema.skType as ScalarType });
    if (schema.gsiRange) defs.push({ AttributeName: "gr", AttributeType: "N" });
    const keys: KeySchemaElement[] = [{ AttributeName: schema.pk, KeyType: "HASH" }];
    if (schema.sk !== undefined) keys.push({ AttributeName: schema.sk, KeyType: "RANGE" });
    const gsiKeys: KeySchemaElement[] = [{ AttributeName: "g", KeyType: "HASH" }];
    if (schema.gsiRange) gsiKeys.push({ AttributeName: "gr", KeyType: "RANGE" });
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: defs,
        KeySchema: keys,
        GlobalSecondaryIndexes: [
          { IndexName: "by-g", KeySchema: gsiKeys, Projection: { ProjectionType: "ALL" } },
          { IndexName: "by-g-keys", KeySchema: gsiKeys, Projection: { ProjectionType: "KEYS_ONLY" } },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    return name;
  }

  async function statementPages(Statement: string, Parameters: AV[], Limit: number | undefined): Promise<Item[]> {
    const out: Item[] = [];
    let NextToken: string | undefined;
    for (let page = 0; page < 500; page++) {
      const r = await ddb.send(
        new ExecuteStatementCommand({ Statement, ...(Parameters.length > 0 ? { Parameters } : {}), ...(Limit !== undefined ? { Limit } : {}), ...(NextToken ? { NextToken } : {}) }),
      );
      out.push(...((r.Items ?? []) as Item[]));
      NextToken = r.NextToken;
      if (NextToken === undefined) return out;
    }
    throw new Error("more than 500 pages");
  }

  async function scanAll(TableName: string, IndexName: string | undefined, where: Cond | undefined): Promise<Item[]> {
    const w = new ExpressionWriter();
    const FilterExpression = where === undefined ? undefined : w.cond(where);
    const out: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const r = await ddb.send(new ScanCommand({ TableName, IndexName, FilterExpression, ...w.attributes(), ExclusiveStartKey }));
      out.push(...((r.Items ?? []) as Item[]));
      ExclusiveStartKey = r.LastEvaluatedKey as Item | undefined;
    } while (ExclusiveStartKey);
    return out;
  }

  interface SelectCase {
    readonly where: Cond | undefined;
    /** true: the GSI by-g, projecting all attributes; "by-g-keys": its twin projecting only keys. */
    readonly index: boolean | "by-g-keys";
    readonly projection: Path[] | undefined;
    readonly limit: number | undefined;
    readonly literals: boolean[];
    readonly order: "ASC" | "DESC" | undefined;
    readonly pkOrder: "ASC" | "DESC";
  }

  function selectCaseArb(schema: Schema, items: Item[]): fc.Arbitrary<SelectCase> {
    const paths: Path[] = [[schema.pk], ...(schema.sk ? [[schema.sk]] : []), ["a"], ["b c"], ["value"], ["m", "k"], ["l", 0], ["l", 1, "k"], ["g"], ["日本"], ["m", "a b", 0]];
    return fc.record({
      where: fc.option(condArb(schema, items), { nil: undefined, freq: 6 }),
      index: fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant("by-g-keys" as const) }),
      projection: fc.option(fc.uniqueArray(fc.constantFrom(...paths), { minLength: 1, maxLength: 3, selector: projectedName }), { nil: undefined }),
      limit: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      literals: fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
      order: fc.option(fc.constantFrom<"ASC" | "DESC">("ASC", "DESC"), { nil: undefined }),
      pkOrder: fc.constantFrom<"ASC" | "DESC">("ASC", "DESC"),
    });
  }

  const coverage = { nonEmpty: 0, pinned: 0, index: 0, paged: 0, ordered: 0, severalOrdered: 0 };
  async function checkSelect(schema: Schema, table: string, items: Item[], c: SelectCase): Promise<"ok" | "refused"> {
    const indexName = c.index === "by-g-keys" ? c.index : c.index ? "by-g" : undefined;
    const pinned = c.index ? undefined : pinnedPartition(c.where, schema);
    const order = pinned !== undefined && schema.sk !== undefined ? c.order : undefined;
    // Several partitions: ORDER BY the partition key, then the sort key (the guide: "A hash key or a sort key to use to order returned results").
    const several = c.index || pinned !== undefined || schema.sk === undefined ? undefined : pinnedPartitions(c.where, schema);
    const pkOrder = several !== undefined ? c.order : undefined;
    const render = (literals: (i: number) => boolean) => {
      const w = new PartiqlWriter(literals);
      const projection = c.projection === undefined ? "*" : c.projection.map((p) => w.path(p)).join(", ");
      const from = c.index ? `${quoteName(table)}.${quoteName(indexName as string)}` : quoteName(table);
      const where = c.where === undefined ? "" : ` WHERE ${w.cond(c.where)}`;
      const orderBy =
        order !== undefined
          ? ` ORDER BY ${quoteName(schema.sk as string)} ${order}`
          : pkOrder !== undefined
            ? ` ORDER BY ${quoteName(schema.pk)} ${c.pkOrder}, ${quoteName(schema.sk as string)} ${pkOrder}`
            : "";
      return { statement: `SELECT ${projection} FROM ${from}${where}${orderBy}`, params: w.params };
    };
    const mixed = render((i) => c.literals[i % c.literals.length] === true);
    const params = render(() => false);
    let got: Item[];
    try {
      got = await statementPages(mixed.statement, mixed.params, c.limit);
    } catch (err) {
      const e = err as SdkError;
      if (e.name === "ValidationException" && ACCEPTED_REFUSALS.some((r) => r.test(e.message))) {
        await assert.rejects(statementPages(params.statement, params.params, c.limit), { name: e.name, message: e.message });
        return "refused";
      }
      throw new Error(`${mixed.statement} ${show(mixed.params)} refused: ${e.name}: ${e.message}`);
    }
    const ctx = `${mixed.statement} params=${show(mixed.params)} limit=${c.limit}`;
    if (got.length > 0) coverage.nonEmpty++;
    if (pinned !== undefined) coverage.pinned++;
    if (c.index) coverage.index++;
    if (c.limit !== undefined && got.length > c.limit) coverage.paged++;
    if (order !== undefined) coverage.ordered++;
    if (pkOrder !== undefined && got.length > 1) coverage.severalOrdered++;
    // Parameters in place of every literal: the same answer, in the same order.
    const byParams = await statementPages(params.statement, params.params, c.limit);
    assert.deepEqual(byParams.map(show), got.map(show), `${ctx}: with Parameters only`);
    // Unpaged: the same answer.
    if (c.limit !== undefined) {
      const whole = await statementPages(mixed.statement, mixed.params, undefined);
      assert.deepEqual(whole.map(show), got.map(show), `${ctx}: unpaged`);
    }

    const indexed = (i: Item) => i["g"] !== undefined && (!schema.gsiRange || i["gr"] !== undefined);
    // A KEYS_ONLY index holds the table's and its own key attributes: its filter sees only them.
    const keysOnly = (i: Item): Item => {
      const out: Item = {};
      for (const k of [schema.pk, schema.sk, "g", schema.gsiRange ? "gr" : undefined]) if (k !== undefined && i[k] !== undefined) out[k] = i[k] as AV;
      return out;
    };
    const model = items
      .filter((i) => !c.index || indexed(i))
      .map((i) => (c.index === "by-g-keys" ? keysOnly(i) : i))
      .filter((i) => c.where === undefined || holds(c.where, i));
    // A Scan of a KEYS_ONLY index refuses a filter on what the index does not hold, where an unkeyed
    // PartiQL read runs and such a filter matches no row (captured on AWS, see translator.ts): the model answers alone.
    let scanned: Item[];
    try {
      scanned = await scanAll(table, indexName, c.where);
      assert.deepEqual(bag(scanned), bag(model), `${ctx}: the Scan with the FilterExpression against the model`);
    } catch (err) {
      if (c.index !== "by-g-keys" || !/does not project one or more filter attributes/.test((err as Error).message)) throw err;
      scanned = model;
    }
    const expected = c.projection === undefined ? scanned : scanned.map((i) => project(i, c.projection as Path[]));
    assert.deepEqual(bag(got), bag(expected), `${ctx}: against the Scan`);

    // The model's items as the statement answers them: whole, or projected.
    const view = (i: Item) => show(canonicalItem(c.projection === undefined ? i : project(i, c.projection)));
    const answered = (i: Item) => show(canonicalItem(i));
    if (!c.index && pinned !== undefined) {
      // One partition: the Query's order, by sort key, reversed by ORDER BY ... DESC.
      const sorted = [...model].sort(sortKeyCompare(schema));
      if (order === "DESC") sorted.reverse();
      assert.deepEqual(got.map(answered), sorted.map(view), `${ctx}: order`);
    } else if (pkOrder !== undefined) {
      const sk = schema.sk as string;
      const sorted = [...model].sort((x, y) => {
        const byPk = (compareScalar(x[schema.pk] as AV, y[schema.pk] as AV) ?? 0) * (c.pkOrder === "DESC" ? -1 : 1);
        return byPk !== 0 ? byPk : (compareScalar(x[sk] as AV, y[sk] as AV) ?? 0) * (pkOrder === "DESC" ? -1 : 1);
      });
      assert.deepEqual(got.map(answered), sorted.map(view), `${ctx}: ORDER BY order`);
    }
    if (c.projection === undefined && !c.index && pinned === undefined && pkOrder === undefined) {
      if (c.where === undefined || scanned.length === got.length) {
        // Several partitions: each one's items together, in sort key order.
        const seen = new Set<string>();
        for (let i = 0; i < got.length; i++) {
          const pk = show(canonical(got[i]?.[schema.pk] as AV));
          const prev = i > 0 ? show(canonical(got[i - 1]?.[schema.pk] as AV)) : undefined;
          if (pk !== prev) {
            assert.ok(!seen.has(pk), `${ctx}: partition ${pk} read twice`);
            seen.add(pk);
          } else if (schema.sk !== undefined) {
            assert.ok((compareScalar(got[i - 1]?.[schema.sk] as AV, got[i]?.[schema.sk] as AV) ?? 0) < 0, `${ctx}: sort key order in ${pk}`);
          }
        }
      }
    }
    return "ok";
  }

  // -------------------------------------------------------------------------------------------
  // Writes against a twin table written through the item API

  type Action =
    | { k: "set"; path: Path; value: AV }
    | { k: "arith"; path: Path; op: "+" | "-"; n: AV }
    | { k: "append"; path: Path; list: AV; before: boolean }
    | { k: "setAdd" | "setDelete"; path: Path; set: AV }
    | { k: "remove"; path: Path };

  type Write =
    | { k: "insert"; item: Item }
    | { k: "update"; key: Item; actions: Action[]; where: Cond | undefined; returning: "ALL OLD" | "MODIFIED OLD" | "ALL NEW" | "MODIFIED NEW" | undefined }
    | { k: "delete"; key: Item; where: Cond | undefined; returning: boolean };

  interface WriteCase {
    readonly literals: boolean[];
    readonly write: Write;
  }

  const TARGETS: Path[] = [["a"], ["b c"], ["value"], ["n"], ["m"], ["l"], ["s"], ["m", "k"], ["l", 0], ["l", 5], ["m", "a b"], ["ñame"], ["x-y", "k"]];

  function actionArb(path: Path): fc.Arbitrary<Action> {
    return fc.oneof(
      { weight: 4, arbitrary: valueArb.map((value): Action => ({ k: "set", path, value })) },
      { weight: 1, arbitrary: fc.record({ op: fc.constantFrom<"+" | "-">("+", "-"), n: numberArb.map((N) => ({ N })) }).map((r): Action => ({ k: "arith", path, op: r.op, n: r.n })) },
      { weight: 1, arbitrary: fc.record({ list: fc.array(valueArb, { maxLength: 2 }).map((L) => ({ L })), before: fc.boolean() }).map((r): Action => ({ k: "append", path, list: r.list, before: r.before })) },
      {
        weight: 1,
        arbitrary: fc
          .record({ k: fc.constantFrom<"setAdd" | "setDelete">("setAdd", "setDelete"), set: fc.oneof(uniqueBy(stringArb(1), (x) => x).map((SS): AV => ({ SS })), uniqueBy(numberArb, (n) => String(Number(n))).map((NS): AV => ({ NS }))) })
          .map((r): Action => ({ k: r.k, path, set: r.set })),
      },
      { weight: 2, arbitrary: fc.constant<Action>({ k: "remove", path }) },
    );
  }

  function writeArb(schema: Schema): fc.Arbitrary<WriteCase> {
    const keyArb = fc.record({
      pk: fc.constantFrom(...KEY_POOL[schema.pkType]),
      sk: fc.constantFrom(...KEY_POOL[schema.skType ?? "S"]),
    }).map(({ pk, sk }) => {
      const key: Item = { [schema.pk]: pk };
      if (schema.sk !== undefined) key[schema.sk] = sk;
      return key;
    });
    const attrs = fc.dictionary(fc.constantFrom(...PLAIN_NAMES, ...ODD_NAMES), valueArb, { maxKeys: 4 });
    // Beside the key, a WHERE on other attributes: a second equality on a key attribute is refused (translator.ts, extractKey).
    const where = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: condArb(schema, [], false) });
    const write: fc.Arbitrary<Write> = fc.oneof(
      { weight: 3, arbitrary: keyArb.chain((key) => attrs.map((a): Write => ({ k: "insert", item: { ...a, ...key } }))) },
      { weight: 4, arbitrary: keyArb.chain((key) =>
        fc
          .record({
            actions: fc.uniqueArray(fc.constantFrom(...TARGETS), { minLength: 1, maxLength: 3, selector: (p) => String(p[0]) }).chain((paths) => fc.tuple(...paths.map(actionArb))),
            where,
            returning: fc.option(fc.constantFrom<"ALL OLD" | "MODIFIED OLD" | "ALL NEW" | "MODIFIED NEW">("ALL OLD", "MODIFIED OLD", "ALL NEW", "MODIFIED NEW"), { nil: undefined }),
          })
          .map((r): Write => ({ k: "update", key, actions: r.actions, where: r.where, returning: r.returning })),
      ) },
      { weight: 1, arbitrary: keyArb.chain((key) => fc.record({ where, returning: fc.boolean() }).map((r): Write => ({ k: "delete", key, where: r.where, returning: r.returning }))) },
    );
    return fc.record({ literals: fc.array(fc.boolean(), { minLength: 32, maxLength: 32 }), write });
  }

  /** The WHERE of an UPDATE or DELETE: an equality on every key attribute, then the rest. */
  function keyWhere(schema: Schema, key: Item, rest: Cond | undefined): Cond {
    let c: Cond = { k: "cmp", op: "=", path: [schema.pk], lit: key[schema.pk] as AV, flip: false };
    if (schema.sk !== undefined) c = { k: "and", l: c, r: { k: "cmp", op: "=", path: [schema.sk], lit: key[schema.sk] as AV, flip: true } };
    return rest === undefined ? c : { k: "and", l: c, r: rest };
  }

  function renderPartiql(table: string, schema: Schema, c: WriteCase): { statement: string; params: AV[] } {
    const w = new PartiqlWriter((i) => c.literals[i % c.literals.length] === true);
    const t = quoteName(table);
    const write = c.write;
    switch (write.k) {
      case "insert": {
        const fields = Object.entries(write.item).map(([k, v]) => `${stringLiteral(k)}: ${w.value(v)}`);
        return { statement: `INSERT INTO ${t} VALUE {${fields.join(", ")}}`, params: w.params };
      }
      case "update": {
        const clauses = write.actions.map((a) => {
          const p = w.path(a.path);
          switch (a.k) {
            case "set":
              return `SET ${p} = ${w.value(a.value)}`;
            case "arith":
              return `SET ${p} = ${p} ${a.op} ${w.value(a.n)}`;
            case "append":
              return a.before ? `SET ${p} = list_append(${w.value(a.list)}, ${p})` : `SET ${p} = list_append(${p}, ${w.value(a.list)})`;
            case "setAdd":
              return `SET ${p} = set_add(${p}, ${w.value(a.set)})`;
            case "setDelete":
              return `SET ${p} = set_delete(${p}, ${w.value(a.set)})`;
            case "remove":
              return `REMOVE ${p}`;
          }
        });
        const returning = write.returning === undefined ? "" : ` RETURNING ${write.returning} *`;
        return { statement: `UPDATE ${t} ${clauses.join(" ")} WHERE ${w.cond(keyWhere(schema, write.key, write.where))}${returning}`, params: w.params };
      }
      case "delete":
        return { statement: `DELETE FROM ${t} WHERE ${w.cond(keyWhere(schema, write.key, write.where))}${write.returning ? " RETURNING ALL OLD *" : ""}`, params: w.params };
    }
  }

  const RETURN_VALUES = { "ALL OLD": "ALL_OLD", "MODIFIED OLD": "UPDATED_OLD", "ALL NEW": "ALL_NEW", "MODIFIED NEW": "UPDATED_NEW" } as const;

  /** The item API request a PartiQL write stands for (the guide: INSERT needs a new key, UPDATE an existing item, DELETE of no item succeeds). */
  function itemRequest(table: string, schema: Schema, write: Write) {
    const w = new ExpressionWriter();
    const pk = write.k === "delete" && write.where === undefined ? "" : w.name(schema.pk);
    switch (write.k) {
      case "insert":
        return { Put: { TableName: table, Item: write.item, ConditionExpression: `attribute_not_exists(${pk})`, ...w.attributes() } };
      case "update": {
        const set: string[] = [];
        const remove: string[] = [];
        const add: string[] = [];
        const del: string[] = [];
        for (const a of write.actions) {
          const p = w.path(a.path);
          if (a.k === "set") set.push(`${p} = ${w.value(a.value)}`);
          else if (a.k === "arith") set.push(`${p} = ${p} ${a.op} ${w.value(a.n)}`);
          else if (a.k === "append") set.push(a.before ? `${p} = list_append(${w.value(a.list)}, ${p})` : `${p} = list_append(${p}, ${w.value(a.list)})`);
          else if (a.k === "setAdd") add.push(`${p} ${w.value(a.set)}`);
          else if (a.k === "setDelete") del.push(`${p} ${w.value(a.set)}`);
          else remove.push(p);
        }
        const UpdateExpression = [set.length ? `SET ${set.join(", ")}` : "", remove.length ? `REMOVE ${remove.join(", ")}` : "", add.length ? `ADD ${add.join(", ")}` : "", del.length ? `DELETE ${del.join(", ")}` : ""]
          .filter((x) => x !== "")
          .join(" ");
        const ConditionExpression = write.where === undefined ? `attribute_exists(${pk})` : `attribute_exists(${pk}) AND (${w.cond(write.where)})`;
        return { Update: { TableName: table, Key: write.key, UpdateExpression, ConditionExpression, ...w.attributes() } };
      }
      case "delete": {
        const ConditionExpression = write.where === undefined ? undefined : `attribute_not_exists(${pk}) OR (${w.cond(write.where)})`;
        return { Delete: { TableName: table, Key: write.key, ConditionExpression, ...w.attributes() } };
      }
    }
  }

  async function itemApi(table: string, schema: Schema, write: Write): Promise<{ error?: string; message?: string; returned?: Item }> {
    const r = itemRequest(table, schema, write);
    try {
      if ("Put" in r) await ddb.send(new PutItemCommand(r.Put as PutItemCommandInput));
      else if ("Update" in r) {
        const out = await ddb.send(new UpdateItemCommand({ ...r.Update, ReturnValues: write.k === "update" && write.returning ? RETURN_VALUES[write.returning] : "NONE" } as UpdateItemCommandInput));
        return { returned: out.Attributes as Item | undefined };
      } else {
        const out = await ddb.send(new DeleteItemCommand({ ...r.Delete, ReturnValues: write.k === "delete" && write.returning ? "ALL_OLD" : "NONE" } as DeleteItemCommandInput));
        return { returned: out.Attributes as Item | undefined };
      }
      return {};
    } catch (err) {
      const e = err as SdkError;
      // INSERT's "the key must be new" is DuplicateItemException (the guide's INSERT page).
      if (write.k === "insert" && e.name === "ConditionalCheckFailedException") return { error: "DuplicateItemException" };
      return { error: e.name, message: e.message };
    }
  }

  async function tableContents(TableName: string): Promise<string[]> {
    return bag(await scanAll(TableName, undefined, undefined));
  }

  /** Items at some of the pool's keys before the writes, so that most writes meet an item. */
  const initialArb = fc.array(fc.option(fc.dictionary(fc.constantFrom(...PLAIN_NAMES, ...ODD_NAMES), valueArb, { maxKeys: 4 }), { nil: undefined, freq: 4 }), { minLength: 4, maxLength: 4 });

  function poolKeys(schema: Schema): Item[] {
    return KEY_POOL[schema.pkType].flatMap((pk) => (schema.sk === undefined ? [{ [schema.pk]: pk }] : KEY_POOL[schema.skType as ScalarType].map((sk) => ({ [schema.pk]: pk, [schema.sk as string]: sk }))));
  }

  async function putInitial(tables: readonly string[], schema: Schema, initial: readonly (Item | undefined)[]): Promise<void> {
    const keys = poolKeys(schema);
    for (let i = 0; i < keys.length; i++) {
      const attrs = initial[i];
      if (attrs === undefined) continue;
      for (const TableName of tables) await ddb.send(new PutItemCommand({ TableName, Item: { ...attrs, ...keys[i] } }));
    }
  }

  async function twinTables(schema: Schema): Promise<[string, string]> {
    return [await createTable(schema), await createTable(schema)];
  }

  test("INSERT, UPDATE and DELETE leave a table as the equivalent PutItem, UpdateItem and DeleteItem leave its twin", async () => {
    const stats: Record<string, number> = {};
    const caseArb = schemaArb.chain((schema) =>
      fc.record({ schema: fc.constant(schema), initial: initialArb, writes: fc.array(writeArb(schema), { minLength: 1, maxLength: 12 }) }),
    );
    await check(
      fc.asyncProperty(caseArb, async ({ schema, initial, writes }) => {
        const [a, b] = await twinTables(schema);
        await putInitial([a, b], schema, initial);
        for (const c of writes) {
          const { statement, params } = renderPartiql(a, schema, c);
          const expected = await itemApi(b, schema, c.write);
          let got: { error?: string; message?: string; returned?: Item };
          try {
            const out = await ddb.send(new ExecuteStatementCommand({ Statement: statement, ...(params.length > 0 ? { Parameters: params } : {}) }));
            got = { returned: (out.Items ?? [])[0] as Item | undefined };
          } catch (err) {
            const e = err as SdkError;
            got = { error: e.name, ...(e.name === "DuplicateItemException" ? {} : { message: e.message }) };
          }
          const key = `${c.write.k}:${got.error ?? "ok"}`;
          stats[key] = (stats[key] ?? 0) + 1;
          const ctx = `${statement} params=${show(params)}`;
          assert.equal(got.error, expected.error, `${ctx}: ${got.message ?? ""} / ${expected.message ?? ""}`);
          if (got.error === "ValidationException") assert.equal(got.message, expected.message, ctx);
          const returned = (x: Item | undefined) => (x === undefined || Object.keys(x).length === 0 ? undefined : show(canonicalItem(x)));
          assert.equal(returned(got.returned), returned(expected.returned), `${ctx}: RETURNING`);
          assert.deepEqual(await tableContents(a), (await tableContents(b)).map((x) => x.replaceAll(b, a)), `${ctx}: table contents`);
        }
      }),
      1202,
      12,
    );
    if (process.env["PQL_RUNS"]) console.log("writes", stats);
  });

  /** A write without RETURNING, as transactions and batches take them. */
  function plain(c: WriteCase): WriteCase {
    const w = c.write;
    if (w.k === "update") return { literals: c.literals, write: { k: "update", key: w.key, actions: w.actions, where: w.where, returning: undefined } };
    if (w.k === "delete") return { literals: c.literals, write: { k: "delete", key: w.key, where: w.where, returning: false } };
    return c;
  }

  function targetKey(schema: Schema, w: Write): string {
    return keyOf(schema, w.k === "insert" ? w.item : w.key);
  }

  /** Reason codes of a cancelled transaction; an INSERT's failed "new key" condition may be reported either way. */
  function reasonCodes(err: SdkError, writes: readonly Write[]): string[] {
    const reasons = (err["CancellationReasons"] ?? []) as { Code?: string }[];
    return reasons.map((r, i) => (writes[i]?.k === "insert" && (r.Code === "ConditionalCheckFailed" || r.Code === "DuplicateItem" || r.Code === "ValidationError") ? "Duplicate" : (r.Code ?? "")));
  }

  async function transactionStep(a: string, b: string, schema: Schema, group: WriteCase[]): Promise<string> {
    const statements = group.map((c) => renderPartiql(a, schema, c));
    const ctx = statements.map((x) => `${x.statement} params=${show(x.params)}`).join("; ");
    let expected: string;
    try {
      await ddb.send(new TransactWriteItemsCommand({ TransactItems: group.map((c) => itemRequest(b, schema, c.write)) as TransactWriteItemsCommandInput["TransactItems"] }));
      expected = "ok";
    } catch (err) {
      const e = err as SdkError;
      expected = e.name === "TransactionCanceledException" ? `cancelled ${reasonCodes(e, group.map((c) => c.write)).join(",")}` : `${e.name}: ${e.message}`;
    }
    let got: string;
    try {
      await ddb.send(new ExecuteTransactionCommand({ TransactStatements: statements.map((x) => ({ Statement: x.statement, ...(x.params.length > 0 ? { Parameters: x.params } : {}) })) }));
      got = "ok";
    } catch (err) {
      const e = err as SdkError;
      got = e.name === "TransactionCanceledException" ? `cancelled ${reasonCodes(e, group.map((c) => c.write)).join(",")}` : `${e.name}: ${e.message}`;
    }
    assert.equal(got, expected, ctx);
    return `transaction:${got.split(" ")[0]}`;
  }

  const BATCH_CODES: Record<string, string> = {
    ConditionalCheckFailedException: "ConditionalCheckFailed",
    DuplicateItemException: "DuplicateItem",
    ValidationException: "ValidationError",
  };

  async function batchStep(a: string, b: string, schema: Schema, group: WriteCase[]): Promise<string> {
    const statements = group.map((c) => renderPartiql(a, schema, c));
    const ctx = statements.map((x) => `${x.statement} params=${show(x.params)}`).join("; ");
    const expected: string[] = [];
    for (const c of group) {
      const r = await itemApi(b, schema, c.write);
      expected.push(r.error === undefined ? "ok" : (BATCH_CODES[r.error] ?? r.error));
    }
    const out = await ddb.send(new BatchExecuteStatementCommand({ Statements: statements.map((x) => ({ Statement: x.statement, ...(x.params.length > 0 ? { Parameters: x.params } : {}) })) }));
    const got = (out.Responses ?? []).map((r) => (r.Error ? (r.Error.Code ?? "?") : "ok"));
    assert.deepEqual(got, expected, ctx);
    return `batch:${got.includes("ok") ? "ok" : "none"}`;
  }

  /** SELECTs by full key in a batch and in a transaction answer what GetItem answers, for every key of the pool. */
  async function checkKeyReads(table: string, schema: Schema): Promise<void> {
    const keys = poolKeys(schema);
    const expected: (string | undefined)[] = [];
    for (const Key of keys) {
      const item = (await ddb.send(new GetItemCommand({ TableName: table, Key, ConsistentRead: true }))).Item as Item | undefined;
      expected.push(item === undefined ? undefined : show(canonicalItem(item)));
    }
    const statements = keys.map((key, i) => {
      const w = new PartiqlWriter((j) => (i + j) % 2 === 0);
      const where = schema.sk === undefined ? `${w.path([schema.pk])} = ${w.value(key[schema.pk] as AV)}` : `${w.path([schema.sk])} = ${w.value(key[schema.sk] as AV)} AND ${w.path([schema.pk])} = ${w.value(key[schema.pk] as AV)}`;
      return { Statement: `SELECT * FROM ${quoteName(table)} WHERE ${where}`, ...(w.params.length > 0 ? { Parameters: w.params } : {}) };
    });
    const batch = await ddb.send(new BatchExecuteStatementCommand({ Statements: statements }));
    assert.deepEqual(
      (batch.Responses ?? []).map((r) => (r.Item === undefined ? undefined : show(canonicalItem(r.Item as Item)))),
      expected,
      `batch reads ${show(statements)}`,
    );
    const transaction = await ddb.send(new ExecuteTransactionCommand({ TransactStatements: statements }));
    assert.deepEqual(
      (transaction.Responses ?? []).map((r) => (r.Item === undefined ? undefined : show(canonicalItem(r.Item as Item)))),
      expected,
      `transaction reads ${show(statements)}`,
    );
  }

  test("ExecuteTransaction and BatchExecuteStatement of writes leave a table as TransactWriteItems and the item operations leave its twin", async () => {
    const stats: Record<string, number> = {};
    const caseArb = schemaArb.chain((schema) =>
      fc.record({
        schema: fc.constant(schema),
        initial: initialArb,
        steps: fc.array(fc.record({ batch: fc.boolean(), group: fc.uniqueArray(writeArb(schema).map(plain), { minLength: 1, maxLength: 3, selector: (c) => targetKey(schema, c.write) }) }), { minLength: 1, maxLength: 8 }),
      }),
    );
    await check(
      fc.asyncProperty(caseArb, async ({ schema, initial, steps }) => {
        const [a, b] = await twinTables(schema);
        await putInitial([a, b], schema, initial);
        for (const step of steps) {
          const outcome = step.batch ? await batchStep(a, b, schema, step.group) : await transactionStep(a, b, schema, step.group);
          stats[outcome] = (stats[outcome] ?? 0) + 1;
          assert.deepEqual(await tableContents(a), (await tableContents(b)).map((x) => x.replaceAll(b, a)), `table contents after ${show(step)}`);
          await checkKeyReads(a, schema);
        }
      }),
      1203,
      8,
    );
    if (process.env["PQL_RUNS"]) console.log("groups", stats);
  });

  test("values INSERTed as literals or Parameters read back as written, through GetItem and SELECT", async () => {
    const schema: Schema = { pk: "pk", pkType: "S", sk: undefined, skType: undefined, gsiRange: false };
    const table = await createTable(schema);
    let n = 0;
    await check(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...PLAIN_NAMES, ...ODD_NAMES), valueArb, { minKeys: 1, maxKeys: 5 }), fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }), async (attrs, literals) => {
        const key = { pk: { S: `k${n++}` } };
        const item: Item = { ...attrs, ...key };
        const w = new PartiqlWriter((i) => literals[i % literals.length] === true);
        const fields = Object.entries(item).map(([k, v]) => `${stringLiteral(k)}: ${w.value(v)}`);
        const statement = `INSERT INTO ${quoteName(table)} VALUE {${fields.join(", ")}}`;
        await ddb.send(new ExecuteStatementCommand({ Statement: statement, ...(w.params.length > 0 ? { Parameters: w.params } : {}) }));
        const stored = (await ddb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item as Item;
        assert.equal(show(canonicalItem(stored)), show(canonicalItem(item)), `${statement} params=${show(w.params)}`);
        const read = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM ${quoteName(table)} WHERE pk = ?`, Parameters: [key.pk] }));
        assert.deepEqual(read.Items, [stored]);
      }),
      1204,
      40,
    );
  });

  test("SELECT answers what a Scan with the equivalent filter answers, in key order, however paged and written", async () => {
    const stats = { ok: 0, refused: 0 };
    const caseArb = schemaArb.chain((schema) =>
      itemsArb(schema).chain((items) => fc.record({ schema: fc.constant(schema), items: fc.constant(items), selects: fc.array(selectCaseArb(schema, items), { minLength: 1, maxLength: 4 }) })),
    );
    await check(
      fc.asyncProperty(caseArb, async ({ schema, items, selects }) => {
        const table = await createTable(schema);
        for (const Item of items) await ddb.send(new PutItemCommand({ TableName: table, Item }));
        for (const s of selects) stats[await checkSelect(schema, table, items, s)]++;
      }),
      1201,
      25,
    );
    if (process.env["PQL_RUNS"]) console.log("select", stats, coverage);
  });
});
