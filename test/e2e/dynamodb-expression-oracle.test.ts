/**
 * Differential tests of DynamoDB's expression language: generated items and expressions sent
 * through the v3 client, each answer compared with a small oracle written here from the Developer
 * Guide ("Condition and filter expressions, operators, and functions", "Using update
 * expressions", "Supported data types" for numbers). The oracle knows only the documented
 * semantics, plus the refusals Nimbus has on record from AWS; it shares no code with Nimbus.
 * Seeded and bounded for CI; ORACLE_RUNS and ORACLE_SEED explore further by hand.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type ReturnValue,
} from "@aws-sdk/client-dynamodb";
import { Decimal } from "decimal.js";
import fc from "./oracle-fast-check.js";
import { clientSuite, uniqueName } from "./harness.js";

const RUNS = Number(process.env.ORACLE_RUNS ?? "0");
const SEED = Number(process.env.ORACLE_SEED ?? "20261202");
const runs = (ci: number): { seed: number; numRuns: number } => ({ seed: SEED, numRuns: RUNS > 0 ? RUNS : ci });

// ---------------------------------------------------------------------------------------------
// Values

type V =
  | { S: string }
  | { N: string }
  | { B: Uint8Array }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: Uint8Array[] }
  | { L: V[] }
  | { M: Record<string, V> };
type Item = Record<string, V>;
type Tag = "S" | "N" | "B" | "BOOL" | "NULL" | "SS" | "NS" | "BS" | "L" | "M";

const tag = (v: V): Tag => Object.keys(v)[0] as Tag;
const D = Decimal.clone({ precision: 1000, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -9e15, toExpPos: 9e15 });
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
/** A number as DynamoDB returns it: no exponent, no leading or trailing zeros, "-0" as "0". */
const canonNumber = (s: string): string => {
  const d = new D(s);
  return d.isZero() ? "0" : d.toFixed();
};
/** Strings order by their UTF-8 bytes ("Supported data types", String). */
const utf8Compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));

function equal(a: V, b: V): boolean {
  if (tag(a) !== tag(b)) return false;
  if ("S" in a) return a.S === (b as { S: string }).S;
  if ("N" in a) return new D(a.N).eq(new D((b as { N: string }).N));
  if ("B" in a) return hex(a.B) === hex((b as { B: Uint8Array }).B);
  if ("BOOL" in a) return a.BOOL === (b as { BOOL: boolean }).BOOL;
  if ("NULL" in a) return true;
  if ("SS" in a) return sameSet(a.SS, (b as { SS: string[] }).SS, (s) => s);
  if ("NS" in a) return sameSet(a.NS, (b as { NS: string[] }).NS, canonNumber);
  if ("BS" in a) return sameSet(a.BS, (b as { BS: Uint8Array[] }).BS, hex);
  if ("L" in a) {
    const y = (b as { L: V[] }).L;
    return a.L.length === y.length && a.L.every((x, i) => equal(x, y[i] as V));
  }
  const x = a.M;
  const y = (b as { M: Record<string, V> }).M;
  const kx = Object.keys(x);
  return kx.length === Object.keys(y).length && kx.every((k) => Object.hasOwn(y, k) && equal(x[k] as V, y[k] as V));
}

function sameSet<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): boolean {
  const kb = new Set(b.map(key));
  return a.length === b.length && a.every((x) => kb.has(key(x)));
}

/** Order of two S, N or B values of one type; undefined for any other pair. */
function order(a: V, b: V): number | undefined {
  if ("S" in a && "S" in b) return Math.sign(utf8Compare(a.S, b.S));
  if ("N" in a && "N" in b) return new D(a.N).cmp(new D(b.N));
  if ("B" in a && "B" in b) return Math.sign(Buffer.compare(a.B, b.B));
  return undefined;
}

/** A value in a form deepEqual can compare: numbers canonical, sets sorted. */
function canon(v: AttributeValue | V): unknown {
  const x = v as Record<string, unknown>;
  if (x.S !== undefined) return { S: x.S };
  if (x.N !== undefined) return { N: x.N };
  if (x.B !== undefined) return { B: hex(x.B as Uint8Array) };
  if (x.BOOL !== undefined) return { BOOL: x.BOOL };
  if (x.NULL !== undefined) return { NULL: true };
  if (x.SS !== undefined) return { SS: [...(x.SS as string[])].sort() };
  if (x.NS !== undefined) return { NS: [...(x.NS as string[])].sort() };
  if (x.BS !== undefined) return { BS: (x.BS as Uint8Array[]).map(hex).sort() };
  if (x.L !== undefined) return { L: (x.L as V[]).map(canon) };
  return { M: canonItem(x.M as Record<string, V>) };
}

function canonItem(item: Record<string, AttributeValue | V> | undefined): unknown {
  if (item === undefined || Object.keys(item).length === 0) return undefined;
  return Object.fromEntries(Object.keys(item).sort().map((k) => [k, canon(item[k] as V)]));
}

/** Numbers of an item as DynamoDB stores them. */
function normalized(v: V): V {
  if ("N" in v) return { N: canonNumber(v.N) };
  if ("NS" in v) return { NS: v.NS.map(canonNumber) };
  if ("L" in v) return { L: v.L.map(normalized) };
  if ("M" in v) return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, normalized(x)])) };
  return v;
}

function clone(v: V): V {
  if ("L" in v) return { L: v.L.map(clone) };
  if ("M" in v) return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, clone(x)])) };
  if ("SS" in v) return { SS: [...v.SS] };
  if ("NS" in v) return { NS: [...v.NS] };
  if ("BS" in v) return { BS: [...v.BS] };
  return v;
}

// ---------------------------------------------------------------------------------------------
// Generators

/** Top-level names: plain ones, a reserved word and names that only a #placeholder can write. */
const NAMES = ["a", "b", "c", "status", "a.b", "k-1"] as const;
const KEYS = ["a", "b", "x.y"] as const;
const PLAIN = /^[a-z]$/;

const stringArb = fc.string({ unit: fc.constantFrom("a", "b", "ab", "é", "\u{1d11e}", "\uffff", "Z", " "), maxLength: 3 });
const numberArb = fc.oneof(
  fc.constantFrom("0", "1", "-1", "1.0", "1e1", "10", "0.5", "-0.50", "2", "1E-130", "9.9999999999999999999999999999999999999E+125", "-1E-130", "12345678901234567890123456789012345678", "0.000001"),
  fc.integer({ min: -20, max: 20 }).map(String),
);
const bytesArb = fc.array(fc.constantFrom(0, 1, 0x61, 0x7f, 0x80, 0xff), { maxLength: 3 }).map((a) => Uint8Array.from(a));
const scalarArb: fc.Arbitrary<V> = fc.oneof(
  { arbitrary: stringArb.map((S): V => ({ S })), weight: 3 },
  { arbitrary: numberArb.map((N): V => ({ N })), weight: 3 },
  { arbitrary: bytesArb.map((B): V => ({ B })), weight: 2 },
  fc.boolean().map((BOOL): V => ({ BOOL })),
  fc.constant<V>({ NULL: true }),
);
const setArb: fc.Arbitrary<V> = fc.oneof(
  fc.uniqueArray(stringArb, { minLength: 1, maxLength: 3 }).map((SS): V => ({ SS })),
  fc.uniqueArray(numberArb, { minLength: 1, maxLength: 3, selector: canonNumber }).map((NS): V => ({ NS })),
  fc.uniqueArray(bytesArb, { minLength: 1, maxLength: 3, selector: hex }).map((BS): V => ({ BS })),
);
function valueArb(depth: number): fc.Arbitrary<V> {
  if (depth === 0) return fc.oneof({ arbitrary: scalarArb, weight: 3 }, setArb);
  const inner = valueArb(depth - 1);
  return fc.oneof(
    { arbitrary: scalarArb, weight: 3 },
    { arbitrary: setArb, weight: 1 },
    { arbitrary: fc.array(inner, { maxLength: 3 }).map((L): V => ({ L })), weight: 2 },
    { arbitrary: fc.dictionary(fc.constantFrom(...KEYS), inner, { maxKeys: 3 }).map((M): V => ({ M })), weight: 2 },
  );
}
const attrValueArb = valueArb(2);
const itemArb: fc.Arbitrary<Item> = fc.record(Object.fromEntries(NAMES.map((n) => [n, attrValueArb])) as Record<(typeof NAMES)[number], fc.Arbitrary<V>>, {
  requiredKeys: [],
});

type Path = (string | number)[];
const pathArb: fc.Arbitrary<Path> = fc.tuple(fc.constantFrom(...NAMES), fc.array(fc.oneof(fc.constantFrom<string | number>(...KEYS), fc.integer({ min: 0, max: 3 })), { maxLength: 2 })).map(([n, steps]) => [n, ...steps]);

// ---------------------------------------------------------------------------------------------
// Rendering: names through #placeholders where they need one, every value through its own :v

/** How an expression is written: keywords in any case (functions are case-sensitive), any whitespace, or none where none is needed. */
interface Style {
  readonly keywords: "upper" | "lower" | "mixed";
  readonly space: string;
  readonly tight: boolean;
}
const styleArb: fc.Arbitrary<Style> = fc.record({
  keywords: fc.constantFrom("upper", "lower", "mixed"),
  space: fc.constantFrom(" ", "  ", "\t", "\n", " \r\n "),
  tight: fc.boolean(),
});
const PLAIN_STYLE: Style = { keywords: "upper", space: " ", tight: false };

class Render {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, V> = {};
  private nameCount = 0;
  private valueCount = 0;

  constructor(readonly style: Style = PLAIN_STYLE) {}

  /** A keyword between spaces. */
  kw(word: string): string {
    const { keywords, space } = this.style;
    const w = keywords === "upper" ? word : keywords === "lower" ? word.toLowerCase() : word[0] + word.slice(1).toLowerCase();
    return `${space}${w}${space}`;
  }

  /** An operator or comma, spaced or not. */
  op(symbol: string): string {
    if (this.style.tight) return symbol;
    return symbol === "," ? `,${this.style.space}` : `${this.style.space}${symbol}${this.style.space}`;
  }

  name(n: string): string {
    if (PLAIN.test(n)) return n;
    for (const [k, v] of Object.entries(this.names)) if (v === n) return k;
    const k = `#n${this.nameCount++}`;
    this.names[k] = n;
    return k;
  }

  path(p: Path): string {
    let out = this.name(p[0] as string);
    for (const step of p.slice(1)) out += typeof step === "number" ? `[${step}]` : `.${this.name(step)}`;
    return out;
  }

  value(v: V): string {
    const k = `:v${this.valueCount++}`;
    this.values[k] = v;
    return k;
  }

  attributes(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue> } {
    const out: { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, AttributeValue> } = {};
    if (Object.keys(this.names).length > 0) out.ExpressionAttributeNames = this.names;
    if (Object.keys(this.values).length > 0) out.ExpressionAttributeValues = this.values as Record<string, AttributeValue>;
    return out;
  }
}

function getPath(item: Item | undefined, p: Path): V | undefined {
  if (item === undefined) return undefined;
  let cur: V | undefined = Object.hasOwn(item, p[0] as string) ? item[p[0] as string] : undefined;
  for (const step of p.slice(1)) {
    if (cur === undefined) return undefined;
    if (typeof step === "number") cur = "L" in cur ? cur.L[step] : undefined;
    else cur = "M" in cur && Object.hasOwn(cur.M, step) ? cur.M[step] : undefined;
  }
  return cur;
}

const samePath = (x: Path, y: Path): boolean => x.length === y.length && x.every((s, i) => s === y[i]);

// ---------------------------------------------------------------------------------------------
// Conditions

type Operand = { k: "path"; p: Path } | { k: "val"; v: V } | { k: "size"; p: Path };
type Comparator = "=" | "<>" | "<" | "<=" | ">" | ">=";
type Fn = "attribute_exists" | "attribute_not_exists" | "attribute_type" | "begins_with" | "contains";
type Cond = { paren: boolean } & (
  | { k: "cmp"; op: Comparator; l: Operand; r: Operand }
  | { k: "between"; o: Operand; lo: Operand; hi: Operand }
  | { k: "in"; o: Operand; list: Operand[] }
  | { k: "fn"; name: Fn; p: Path; v?: V }
  | { k: "and" | "or"; l: Cond; r: Cond }
  | { k: "not"; c: Cond }
);

const TYPE_NAMES = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"] as const;

/** Every document path in an item and the value there (list elements and map entries too). */
function walk(item: Item): { paths: Path[]; values: V[] } {
  const paths: Path[] = [];
  const values: V[] = [];
  const visit = (p: Path, v: V): void => {
    paths.push(p);
    values.push(v);
    if ("L" in v) v.L.forEach((x, i) => visit([...p, i], x));
    if ("M" in v) for (const [k, x] of Object.entries(v.M)) visit([...p, k], x);
    if ("SS" in v) values.push(...v.SS.map((S): V => ({ S })));
    if ("NS" in v) values.push(...v.NS.map((N): V => ({ N })));
    if ("BS" in v) values.push(...v.BS.map((B): V => ({ B })));
  };
  for (const [k, v] of Object.entries(item)) visit([k], v);
  return { paths, values };
}

/**
 * Conditions over the paths and values of some items, so that comparisons often hit: a path
 * of the items or any other, a value found in them or any other.
 */
function conditionArb(items: readonly Item[]): fc.Arbitrary<Cond> {
  const found = items.map(walk);
  const paths = found.flatMap((f) => f.paths);
  const values = found.flatMap((f) => f.values);
  const somePath: fc.Arbitrary<Path> = paths.length === 0 ? pathArb : fc.oneof({ arbitrary: fc.constantFrom(...paths), weight: 3 }, pathArb);
  const someValue = (pool: readonly V[], any: fc.Arbitrary<V>): fc.Arbitrary<V> => (pool.length === 0 ? any : fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 2 }, any));
  const orderedArb = scalarArb.filter((v) => ORDERED.has(tag(v)));
  // Mostly strings, numbers and binaries (the ordered types), now and then anything.
  const scalarValue = fc.oneof(
    { arbitrary: someValue(values.filter((v) => ORDERED.has(tag(v))), orderedArb), weight: 12 },
    someValue(values, fc.oneof({ arbitrary: scalarArb, weight: 3 }, attrValueArb)),
  );
  const anyValue = someValue(values, fc.oneof({ arbitrary: scalarArb, weight: 3 }, attrValueArb));
  const textValue = fc.oneof(
    { arbitrary: someValue(values.filter((v) => "S" in v || "B" in v), fc.oneof(stringArb.map((S): V => ({ S })), bytesArb.map((B): V => ({ B })))), weight: 12 },
    anyValue,
  );
  const operandArb: fc.Arbitrary<Operand> = fc.oneof(
    { arbitrary: somePath.map((p): Operand => ({ k: "path", p })), weight: 3 },
    { arbitrary: scalarValue.map((v): Operand => ({ k: "val", v })), weight: 2 },
    { arbitrary: anyValue.map((v): Operand => ({ k: "val", v })), weight: 1 },
    { arbitrary: somePath.map((p): Operand => ({ k: "size", p })), weight: 1 },
  );
  const valueOperandArb: fc.Arbitrary<Operand> = scalarValue.map((v): Operand => ({ k: "val", v }));
  const leafArb: fc.Arbitrary<Cond> = fc.oneof(
    { arbitrary: fc.record({ k: fc.constant("cmp" as const), op: fc.constantFrom<Comparator>("=", "<>", "<", "<=", ">", ">="), l: operandArb, r: operandArb, paren: fc.boolean() }), weight: 4 },
    { arbitrary: fc.record({ k: fc.constant("between" as const), o: operandArb, lo: valueOperandArb, hi: valueOperandArb, paren: fc.boolean() }), weight: 2 },
    {
      arbitrary: fc.record({
        k: fc.constant("in" as const),
        o: operandArb,
        list: fc.oneof({ arbitrary: fc.array(operandArb, { minLength: 1, maxLength: 5 }), weight: 60 }, fc.array(valueOperandArb, { minLength: 99, maxLength: 101 })),
        paren: fc.boolean(),
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ k: fc.constant("fn" as const), name: fc.constantFrom<Fn>("attribute_exists", "attribute_not_exists"), p: somePath, paren: fc.boolean() }), weight: 2 },
    {
      arbitrary: fc.record({
        k: fc.constant("fn" as const),
        name: fc.constant<Fn>("attribute_type"),
        p: somePath,
        v: fc.oneof({ arbitrary: fc.constantFrom(...TYPE_NAMES).map((S): V => ({ S })), weight: 10 }, fc.constantFrom<V>({ S: "X" }, { S: "s" }, { N: "1" })),
        paren: fc.boolean(),
      }),
      weight: 2,
    },
    { arbitrary: fc.record({ k: fc.constant("fn" as const), name: fc.constantFrom<Fn>("begins_with", "contains"), p: somePath, v: textValue, paren: fc.boolean() }), weight: 4 },
  );
  return fc.letrec<{ cond: Cond }>((tie) => ({
    cond: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { arbitrary: leafArb, weight: 4 },
      fc.record({ k: fc.constantFrom("and" as const, "or" as const), l: tie("cond"), r: tie("cond"), paren: fc.boolean() }),
      fc.record({ k: fc.constant("not" as const), c: tie("cond"), paren: fc.boolean() }),
    ),
  })).cond;
}

const PRECEDENCE = { or: 1, and: 2, not: 3 } as const;

function renderCondition(c: Cond, r: Render, parent = 0): string {
  const operand = (o: Operand): string => (o.k === "path" ? r.path(o.p) : o.k === "val" ? r.value(o.v) : `size(${r.path(o.p)})`);
  let s: string;
  let prec = 4;
  switch (c.k) {
    case "cmp":
      s = `${operand(c.l)}${r.op(c.op)}${operand(c.r)}`;
      break;
    case "between":
      s = `${operand(c.o)}${r.kw("BETWEEN")}${operand(c.lo)}${r.kw("AND")}${operand(c.hi)}`;
      break;
    case "in":
      s = `${operand(c.o)}${r.kw("IN")}(${c.list.map(operand).join(r.op(","))})`;
      break;
    case "fn":
      s = c.v === undefined ? `${c.name}(${r.path(c.p)})` : `${c.name}(${r.path(c.p)}${r.op(",")}${r.value(c.v)})`;
      break;
    case "and":
    case "or":
      prec = PRECEDENCE[c.k];
      s = `${renderCondition(c.l, r, prec)}${r.kw(c.k.toUpperCase())}${renderCondition(c.r, r, prec + 1)}`;
      break;
    case "not":
      prec = PRECEDENCE.not;
      s = `${r.kw("NOT").trimStart()}${renderCondition(c.c, r, prec)}`;
      break;
  }
  return c.paren || prec < parent ? `(${s})` : s;
}

const ORDERED = new Set<Tag>(["S", "N", "B"]);

/** Whether DynamoDB refuses the condition before reading any item (ValidationException). */
function conditionRefused(c: Cond): boolean {
  const literal = (o: Operand): V | undefined => (o.k === "val" ? o.v : undefined);
  const unordered = (o: Operand): boolean => {
    const v = literal(o);
    return v !== undefined && !ORDERED.has(tag(v));
  };
  switch (c.k) {
    case "and":
    case "or":
      return conditionRefused(c.l) || conditionRefused(c.r);
    case "not":
      return conditionRefused(c.c);
    case "cmp":
      if (c.l.k === "path" && c.r.k === "path" && samePath(c.l.p, c.r.p)) return true;
      return c.op !== "=" && c.op !== "<>" && (unordered(c.l) || unordered(c.r));
    case "between": {
      if (unordered(c.o) || unordered(c.lo) || unordered(c.hi)) return true;
      const lo = literal(c.lo);
      const hi = literal(c.hi);
      if (lo === undefined || hi === undefined) return false;
      // "The BETWEEN operator requires same data type for lower and upper bounds" and "... requires
      // upper bound to be greater than or equal to lower bound".
      return tag(lo) !== tag(hi) || (order(lo, hi) ?? 0) > 0;
    }
    case "in":
      return c.list.length > 100;
    case "fn":
      if (c.name === "attribute_type") return !("S" in (c.v as V)) || !(TYPE_NAMES as readonly string[]).includes((c.v as { S: string }).S);
      if (c.name === "begins_with") return !("S" in (c.v as V) || "B" in (c.v as V));
      return false;
  }
}

function sizeOf(v: V): number | undefined {
  if ("S" in v) return v.S.length;
  if ("B" in v) return v.B.length;
  if ("SS" in v) return v.SS.length;
  if ("NS" in v) return v.NS.length;
  if ("BS" in v) return v.BS.length;
  if ("L" in v) return v.L.length;
  if ("M" in v) return Object.keys(v.M).length;
  return undefined;
}

function evaluate(c: Cond, item: Item | undefined): boolean {
  const operand = (o: Operand): V | undefined => {
    if (o.k === "val") return o.v;
    const v = getPath(item, o.p);
    if (o.k === "path" || v === undefined) return v;
    const n = sizeOf(v);
    return n === undefined ? undefined : { N: String(n) };
  };
  switch (c.k) {
    case "and":
      return evaluate(c.l, item) && evaluate(c.r, item);
    case "or":
      return evaluate(c.l, item) || evaluate(c.r, item);
    case "not":
      return !evaluate(c.c, item);
    case "cmp": {
      const l = operand(c.l);
      const r = operand(c.r);
      const same = l !== undefined && r !== undefined && equal(l, r);
      if (c.op === "=") return same;
      if (c.op === "<>") return !same;
      const o = l === undefined || r === undefined ? undefined : order(l, r);
      if (o === undefined) return false;
      return c.op === "<" ? o < 0 : c.op === "<=" ? o <= 0 : c.op === ">" ? o > 0 : o >= 0;
    }
    case "between": {
      const v = operand(c.o);
      const lo = operand(c.lo);
      const hi = operand(c.hi);
      if (v === undefined || lo === undefined || hi === undefined) return false;
      const a = order(lo, v);
      const b = order(v, hi);
      return a !== undefined && b !== undefined && a <= 0 && b <= 0;
    }
    case "in": {
      const v = operand(c.o);
      return v !== undefined && c.list.some((x) => {
        const w = operand(x);
        return w !== undefined && equal(v, w);
      });
    }
    case "fn": {
      const v = getPath(item, c.p);
      const arg = c.v as V;
      switch (c.name) {
        case "attribute_exists":
          return v !== undefined;
        case "attribute_not_exists":
          return v === undefined;
        case "attribute_type":
          return v !== undefined && tag(v) === (arg as { S: string }).S;
        case "begins_with":
          if (v === undefined) return false;
          if ("S" in v && "S" in arg) return v.S.startsWith(arg.S);
          if ("B" in v && "B" in arg) return hex(v.B).startsWith(hex(arg.B));
          return false;
        case "contains":
          if (v === undefined) return false;
          if ("S" in v) return "S" in arg && v.S.includes(arg.S);
          if ("B" in v) return "B" in arg && Buffer.from(v.B).includes(Buffer.from(arg.B));
          if ("SS" in v || "NS" in v || "BS" in v) {
            const members: V[] = "SS" in v ? v.SS.map((S) => ({ S })) : "NS" in v ? v.NS.map((N) => ({ N })) : v.BS.map((B) => ({ B }));
            return members.some((m) => equal(m, arg));
          }
          if ("L" in v) return v.L.some((x) => equal(x, arg));
          return false;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers ("Supported data types", Number: 38 significant digits; 1E-130 to 9.9999999999999999999999999999999999999E+125)

const NUMBER_ERRORS = {
  overflow: "Number overflow. Attempting to store a number with magnitude larger than supported range",
  underflow: "Number underflow. Attempting to store a number with magnitude smaller than supported range",
  digits: "Attempting to store more than 38 significant digits in a Number",
} as const;

/** The number DynamoDB stores for `d`, or the refusal. */
function checkedNumber(d: Decimal, digits: string = NUMBER_ERRORS.digits): { N: string } | { error: string } {
  if (d.isZero()) return { N: "0" };
  if (d.abs().gt("9.9999999999999999999999999999999999999e125")) return { error: d.sd() > 38 && d.e === 125 ? digits : NUMBER_ERRORS.overflow };
  if (d.abs().lt("1e-130")) return { error: NUMBER_ERRORS.underflow };
  if (d.sd() > 38) return { error: digits };
  return { N: d.toFixed() };
}

/** a + b or a - b as `SET n = n + :v` and `ADD n :v` compute it: exactly, or refused. A result of more than 38 digits is refused as an overflow. */
function arithmetic(a: string, b: string, op: "+" | "-"): { N: string } | { error: string } {
  const x = new D(a);
  const y = new D(b);
  return checkedNumber(op === "+" ? x.plus(y) : x.minus(y), NUMBER_ERRORS.overflow);
}

const MAX = "9.9999999999999999999999999999999999999E+125";
/** Decimal text as a client may write it: signs, leading and trailing zeros, a point anywhere, exponents near the limits. */
const decimalTextArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(MAX, `-${MAX}`, "1E-130", "-1E-130", "1E+126", "1E-131", "0.1E-129", "10E125", "99999999999999999999999999999999999999", "999999999999999999999999999999999999999", "0.00", "-0", "1.0", "00012.3400"), weight: 1 },
  {
    arbitrary: fc
      .record({
        sign: fc.constantFrom("", "-"),
        digits: fc.oneof(fc.string({ unit: fc.constantFrom("0", "1", "5", "9"), minLength: 1, maxLength: 42 }), fc.string({ unit: fc.constantFrom("0", "9"), minLength: 36, maxLength: 41 })),
        point: fc.option(fc.nat(45)),
        exponent: fc.option(fc.oneof(fc.integer({ min: -12, max: 12 }), fc.integer({ min: -170, max: -120 }), fc.integer({ min: 85, max: 130 }))),
        e: fc.constantFrom("e", "E"),
      })
      .map(({ sign, digits, point, exponent, e }) => {
        const at = point === null ? digits.length : Math.min(point, digits.length);
        const mantissa = at === digits.length ? digits : `${digits.slice(0, at) === "" ? "0" : digits.slice(0, at)}.${digits.slice(at)}`;
        // A zero written with an exponent has range checks of its own (numbers.ts); left out here.
        const zero = /^[0.]*$/.test(mantissa);
        return `${sign}${mantissa}${exponent === null || zero ? "" : `${e}${exponent}`}`;
      }),
    weight: 6,
  },
);

const validDecimalArb = decimalTextArb.filter((t) => !("error" in checkedNumber(new D(t))));
/** `text` written another way: the same number, so `=` holds (when `text` is valid). */
const sameNumberArb = (text: string): fc.Arbitrary<string> =>
  fc.constantFrom(/e/i.test(text) ? text : `${text}e0`, /e/i.test(text) ? text : `${text}E-0`, text.includes(".") || /e/i.test(text) ? text : `${text}.000`, `0${text.replace(/^-/, "")}`.replace(/^/, text.startsWith("-") ? "-" : ""), new D(text).toExponential(), new D(text).toFixed());

// ---------------------------------------------------------------------------------------------
// Updates

type SetVal =
  | { k: "val"; v: V }
  | { k: "path"; p: Path }
  | { k: "ine"; p: Path; fb: V }
  | { k: "arith"; op: "+" | "-"; l: SetVal; r: SetVal }
  | { k: "append"; l: SetVal; r: SetVal };
type Action = { k: "SET"; p: Path; val: SetVal } | { k: "REMOVE"; p: Path } | { k: "ADD" | "DELETE"; p: Path; v: V };

function updateArb(item: Item): fc.Arbitrary<Action[]> {
  const { paths, values } = walk(item);
  // Paths that exist, paths one step past an existing list or map (a new key, an index at or past the end), any path.
  const extended: Path[] = [];
  for (const p of paths) {
    const v = getPath(item, p) as V;
    if ("L" in v) extended.push([...p, v.L.length], [...p, v.L.length + 2]);
    if ("M" in v) extended.push([...p, "b"], [...p, "x.y"]);
  }
  const pool = [...paths, ...extended];
  const target: fc.Arbitrary<Path> = pool.length === 0 ? pathArb : fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 4 }, pathArb);
  const source: fc.Arbitrary<Path> = paths.length === 0 ? pathArb : fc.oneof({ arbitrary: fc.constantFrom(...paths), weight: 4 }, pathArb);
  const number: fc.Arbitrary<V> = numberArb.map((N): V => ({ N }));
  const list: fc.Arbitrary<V> = fc.array(valueArb(1), { maxLength: 3 }).map((L): V => ({ L }));
  const typed = (t: Tag): fc.Arbitrary<Path> => {
    const of = paths.filter((p) => tag(getPath(item, p) as V) === t);
    return of.length === 0 ? source : fc.oneof({ arbitrary: fc.constantFrom(...of), weight: 4 }, source);
  };
  const operand = (literal: fc.Arbitrary<V>, t: Tag): fc.Arbitrary<SetVal> =>
    fc.oneof(
      { arbitrary: typed(t).map((p): SetVal => ({ k: "path", p })), weight: 4 },
      { arbitrary: literal.map((v): SetVal => ({ k: "val", v })), weight: 4 },
      { arbitrary: fc.record({ k: fc.constant("ine" as const), p: typed(t), fb: literal }), weight: 2 },
      { arbitrary: attrValueArb.map((v): SetVal => ({ k: "val", v })), weight: 1 },
    );
  const setVal: fc.Arbitrary<SetVal> = fc.oneof(
    { arbitrary: attrValueArb.map((v): SetVal => ({ k: "val", v })), weight: 3 },
    { arbitrary: source.map((p): SetVal => ({ k: "path", p })), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant("ine" as const), p: source, fb: attrValueArb }), weight: 1 },
    { arbitrary: fc.record({ k: fc.constant("arith" as const), op: fc.constantFrom("+" as const, "-" as const), l: operand(number, "N"), r: operand(number, "N") }), weight: 3 },
    { arbitrary: fc.record({ k: fc.constant("append" as const), l: operand(list, "L"), r: operand(list, "L") }), weight: 2 },
  );
  /** A set of the type of `v` (when it is a set), made of some of its members and others. */
  const setLike = (v: V | undefined): fc.Arbitrary<V> => {
    if (v !== undefined && "SS" in v) return fc.uniqueArray(fc.oneof(fc.constantFrom(...v.SS), stringArb), { minLength: 1, maxLength: 3 }).map((SS): V => ({ SS }));
    if (v !== undefined && "NS" in v) return fc.uniqueArray(fc.oneof(fc.constantFrom(...v.NS), numberArb), { minLength: 1, maxLength: 3, selector: canonNumber }).map((NS): V => ({ NS }));
    if (v !== undefined && "BS" in v) return fc.uniqueArray(fc.oneof(fc.constantFrom(...v.BS), bytesArb), { minLength: 1, maxLength: 3, selector: hex }).map((BS): V => ({ BS }));
    return setArb;
  };
  const addValue = (p: Path): fc.Arbitrary<V> => {
    const v = getPath(item, p);
    const likely = v !== undefined && "N" in v ? number : v !== undefined && ("SS" in v || "NS" in v || "BS" in v) ? setLike(v) : fc.oneof(number, setArb);
    return fc.oneof({ arbitrary: likely, weight: 8 }, number, setArb, attrValueArb);
  };
  const deleteValue = (p: Path): fc.Arbitrary<V> => fc.oneof({ arbitrary: setLike(getPath(item, p)), weight: 8 }, setArb, attrValueArb);
  const addable = [...paths.filter((p) => ["N", "SS", "NS", "BS"].includes(tag(getPath(item, p) as V))), ...extended];
  const addTarget = addable.length === 0 ? target : fc.oneof({ arbitrary: fc.constantFrom(...addable), weight: 4 }, target);
  const action: fc.Arbitrary<Action> = fc.oneof(
    { arbitrary: fc.record({ k: fc.constant("SET" as const), p: target, val: setVal }), weight: 4 },
    { arbitrary: fc.record({ k: fc.constant("REMOVE" as const), p: target }), weight: 3 },
    { arbitrary: addTarget.chain((p) => addValue(p).map((v): Action => ({ k: "ADD", p, v }))), weight: 2 },
    { arbitrary: addTarget.chain((p) => deleteValue(p).map((v): Action => ({ k: "DELETE", p, v }))), weight: 2 },
  );
  return fc.oneof(fc.array(action, { minLength: 1, maxLength: 2 }), fc.array(action, { minLength: 1, maxLength: 4 }));
}

function renderUpdate(actions: readonly Action[], clauses: readonly Action["k"][], r: Render): string {
  const setVal = (v: SetVal): string => {
    switch (v.k) {
      case "val":
        return r.value(v.v);
      case "path":
        return r.path(v.p);
      case "ine":
        return `if_not_exists(${r.path(v.p)}${r.op(",")}${r.value(v.fb)})`;
      case "arith":
        return `${setVal(v.l)}${r.op(v.op)}${setVal(v.r)}`;
      case "append":
        return `list_append(${setVal(v.l)}${r.op(",")}${setVal(v.r)})`;
    }
  };
  const parts: string[] = [];
  for (const clause of clauses) {
    const mine = actions.filter((a) => a.k === clause);
    if (mine.length === 0) continue;
    const rendered = mine.map((a) => (a.k === "SET" ? `${r.path(a.p)}${r.op("=")}${setVal(a.val)}` : a.k === "REMOVE" ? r.path(a.p) : `${r.path(a.p)}${r.style.space}${r.value(a.v)}`));
    parts.push(`${r.kw(clause)}${rendered.join(r.op(","))}`);
  }
  return parts.join("");
}

/** Paths that overlap (one a prefix of the other) or conflict (a key against an index at one step). */
function clash(x: Path, y: Path): boolean {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (typeof x[i] !== typeof y[i]) return true;
    if (x[i] !== y[i]) return false;
  }
  return true;
}

/** Whether DynamoDB refuses the update expression before reading the item. */
function updateRefused(actions: readonly Action[]): boolean {
  for (let i = 0; i < actions.length; i++) for (let j = 0; j < i; j++) if (clash((actions[i] as Action).p, (actions[j] as Action).p)) return true;
  const literalNot = (v: SetVal, t: Tag): boolean => v.k === "val" && tag(v.v) !== t;
  const badValue = (v: SetVal): boolean => {
    if (v.k === "arith") return literalNot(v.l, "N") || literalNot(v.r, "N") || badValue(v.l) || badValue(v.r);
    if (v.k === "append") return literalNot(v.l, "L") || literalNot(v.r, "L") || badValue(v.l) || badValue(v.r);
    return false;
  };
  return actions.some((a) => {
    if (a.k === "SET") return badValue(a.val);
    if (a.k === "ADD") return !["N", "SS", "NS", "BS"].includes(tag(a.v));
    if (a.k === "DELETE") return !["SS", "NS", "BS"].includes(tag(a.v));
    return false;
  });
}

class Refused extends Error {}

/** Applies the actions as the guide describes: every operand read from the item as it was; list indexes are the old positions. */
function applyUpdate(actions: readonly Action[], old: Item): Item {
  const resolve = (v: SetVal): V => {
    switch (v.k) {
      case "val":
        return normalized(v.v);
      case "path": {
        const found = getPath(old, v.p);
        if (found === undefined) throw new Refused("The provided expression refers to an attribute that does not exist in the item");
        return found;
      }
      case "ine":
        return getPath(old, v.p) ?? normalized(v.fb);
      case "arith": {
        const l = resolve(v.l);
        const r = resolve(v.r);
        if (!("N" in l) || !("N" in r)) throw new Refused("An operand in the update expression has an incorrect data type");
        const n = arithmetic(l.N, r.N, v.op);
        if ("error" in n) throw new Refused(n.error);
        return n;
      }
      case "append": {
        const l = resolve(v.l);
        const r = resolve(v.r);
        if (!("L" in l) || !("L" in r)) throw new Refused("An operand in the update expression has an incorrect data type");
        return { L: [...l.L.map(clone), ...r.L.map(clone)] };
      }
    }
  };
  const values = actions.map((a) => (a.k === "SET" ? resolve(a.val) : undefined));
  const next: Item = Object.fromEntries(Object.entries(old).map(([k, v]) => [k, clone(v)]));
  const removed = new Map<V[], Set<number>>();
  const appended = new Map<V[], Map<number, V>>();
  actions.forEach((a, i) => {
    const last = a.p[a.p.length - 1] as string | number;
    let read: () => V | undefined;
    let write: (v: V | undefined) => void;
    if (a.p.length === 1) {
      read = () => (Object.hasOwn(next, last as string) ? next[last as string] : undefined);
      write = (v) => {
        if (v === undefined) delete next[last as string];
        else next[last as string] = v;
      };
    } else {
      const parent = getPath(next, a.p.slice(0, -1));
      if (typeof last === "number" && parent !== undefined && "L" in parent) {
        const list = parent.L;
        read = () => list[last];
        write = (v) => {
          if (v === undefined) {
            if (last < list.length) removed.set(list, (removed.get(list) ?? new Set()).add(last));
          } else if (last < list.length) list[last] = v;
          else appended.set(list, (appended.get(list) ?? new Map<number, V>()).set(last, v));
        };
      } else if (typeof last === "string" && parent !== undefined && "M" in parent) {
        const map = parent.M;
        read = () => (Object.hasOwn(map, last) ? map[last] : undefined);
        write = (v) => {
          if (v === undefined) delete map[last];
          else map[last] = v;
        };
      } else {
        throw new Refused("The document path provided in the update expression is invalid for update");
      }
    }
    const existing = read();
    const wrongType = () => new Refused("An operand in the update expression has an incorrect data type");
    switch (a.k) {
      case "SET":
        write(values[i]);
        break;
      case "REMOVE":
        write(undefined);
        break;
      case "ADD": {
        const v = normalized(a.v);
        if (existing === undefined) write(clone(v));
        else if ("N" in v) {
          if (!("N" in existing)) throw wrongType();
          const n = arithmetic(existing.N, v.N, "+");
          if ("error" in n) throw new Refused(n.error);
          write(n);
        } else if ("SS" in v && "SS" in existing) write({ SS: [...existing.SS, ...v.SS.filter((x) => !existing.SS.includes(x))] });
        else if ("NS" in v && "NS" in existing) write({ NS: [...existing.NS, ...v.NS.filter((x) => !existing.NS.some((y) => new D(x).eq(new D(y))))] });
        else if ("BS" in v && "BS" in existing) write({ BS: [...existing.BS, ...v.BS.filter((x) => !existing.BS.some((y) => hex(x) === hex(y)))] });
        else throw wrongType();
        break;
      }
      case "DELETE": {
        if (existing === undefined) break;
        const v = normalized(a.v);
        let rest: V;
        if ("SS" in v && "SS" in existing) rest = { SS: existing.SS.filter((x) => !v.SS.includes(x)) };
        else if ("NS" in v && "NS" in existing) rest = { NS: existing.NS.filter((x) => !v.NS.some((y) => new D(x).eq(new D(y)))) };
        else if ("BS" in v && "BS" in existing) rest = { BS: existing.BS.filter((x) => !v.BS.some((y) => hex(x) === hex(y))) };
        else throw wrongType();
        // A set emptied by DELETE is removed: DynamoDB has no empty sets.
        write(sizeOf(rest) === 0 ? undefined : rest);
        break;
      }
    }
  });
  const lists = new Set([...removed.keys(), ...appended.keys()]);
  for (const list of lists) {
    const drop = removed.get(list) ?? new Set<number>();
    const kept = list.filter((_, i) => !drop.has(i));
    const tail = [...(appended.get(list) ?? new Map<number, V>()).entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1]);
    list.splice(0, list.length, ...kept, ...tail);
  }
  return next;
}

/** The parts of an item at some paths, nested as in the item; list elements keep their order, without gaps. */
function project(item: Item, paths: readonly Path[]): Item {
  type Sparse = { M: Record<string, Sparse | V> } | { sparse: Map<number, Sparse | V> } | V;
  const out: Record<string, Sparse> = {};
  for (const p of paths) {
    const v = getPath(item, p);
    if (v === undefined) continue;
    if (p.length === 1) {
      out[p[0] as string] = v;
      continue;
    }
    let container: Sparse = out[p[0] as string] ?? (out[p[0] as string] = typeof p[1] === "number" ? { sparse: new Map() } : { M: {} });
    for (let i = 1; i < p.length; i++) {
      const step = p[i] as string | number;
      const last = i === p.length - 1;
      const fresh = (): Sparse => (last ? v : typeof p[i + 1] === "number" ? { sparse: new Map() } : { M: {} });
      if (typeof step === "number") {
        const m = (container as { sparse: Map<number, Sparse> }).sparse;
        if (last || !m.has(step)) m.set(step, fresh());
        container = m.get(step) as Sparse;
      } else {
        const m = (container as { M: Record<string, Sparse> }).M;
        if (last || !Object.hasOwn(m, step)) m[step] = fresh();
        container = m[step] as Sparse;
      }
    }
  }
  const dense = (s: Sparse): V => {
    if ("sparse" in s) return { L: [...s.sparse.entries()].sort((x, y) => x[0] - y[0]).map((e) => dense(e[1])) };
    if ("M" in s) return { M: Object.fromEntries(Object.entries(s.M).map(([k, x]) => [k, dense(x as Sparse)])) };
    return s;
  };
  return Object.fromEntries(Object.entries(out).map(([k, s]) => [k, dense(s)]));
}

// ---------------------------------------------------------------------------------------------

interface Outcome {
  readonly error?: string;
  readonly value?: unknown;
}

async function outcome<T>(call: Promise<T>, pick: (r: T) => unknown, onError: (err: Record<string, unknown>) => unknown = () => undefined): Promise<Outcome> {
  let result: { error?: string; value?: unknown };
  try {
    result = { value: pick(await call) };
  } catch (err) {
    const e = err as Record<string, unknown> & { name: string };
    if (e.name !== "ValidationException" && e.name !== "ConditionalCheckFailedException") throw err;
    result = { error: e.name, value: onError(e) };
  }
  if (result.value === undefined) delete result.value;
  return result;
}

describe("DynamoDB expressions against an oracle of the documented semantics", () => {
  let ddb: DynamoDBClient;
  let table: string;
  let run = 0;
  clientSuite(
    (nimbus) => new DynamoDBClient(nimbus.clientConfig()),
    (_, client) => (ddb = client),
  );
  before(async () => {
    table = uniqueName("exproracle");
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "N" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  });

  const key = (pk: string, sk: number): Item => ({ pk: { S: pk }, sk: { N: String(sk) } });

  test("conditions: FilterExpression of Query and ConditionExpression of PutItem, DeleteItem and UpdateItem", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(itemArb, { minLength: 1, maxLength: 3 }).chain((items) => fc.tuple(fc.constant(items), conditionArb(items), styleArb)),
        async ([items, cond, style]) => {
        const pk = `c${run++}`;
        const stored = items.map((attrs, i) => Object.assign(key(pk, i), Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, normalized(v)]))) as Item);
        for (const item of stored) await ddb.send(new PutItemCommand({ TableName: table, Item: item as Record<string, AttributeValue> }));
        const r = new Render(style);
        const expression = renderCondition(cond, r);
        const refused = conditionRefused(cond);
        const context = `${expression} ${JSON.stringify(r.names)}`;

        // Query: which items the filter keeps.
        const queried = await outcome(
          ddb.send(
            new QueryCommand({
              TableName: table,
              KeyConditionExpression: "pk = :pk",
              FilterExpression: expression,
              ExpressionAttributeNames: r.attributes().ExpressionAttributeNames,
              ExpressionAttributeValues: { ":pk": { S: pk }, ...r.attributes().ExpressionAttributeValues },
            }),
          ),
          (out) => (out.Items ?? []).map((i) => Number(i.sk?.N)),
        );
        const kept = stored.map((item, i) => (evaluate(cond, item) ? i : -1)).filter((i) => i >= 0);
        assert.deepEqual(queried, refused ? { error: "ValidationException" } : { value: kept }, `FilterExpression ${context}`);

        // PutItem on a key with no item: every path is missing.
        const put = await outcome(ddb.send(new PutItemCommand({ TableName: table, Item: key(pk, 99) as Record<string, AttributeValue>, ConditionExpression: expression, ...r.attributes() })), () => "ok");
        const putExpected = refused ? { error: "ValidationException" } : evaluate(cond, undefined) ? { value: "ok" } : { error: "ConditionalCheckFailedException" };
        assert.deepEqual(put, putExpected, `PutItem on no item, ${context}`);

        // UpdateItem of the second item (when there is one) and DeleteItem of the first: the old item on both sides.
        const oldItem = (e: Record<string, unknown>) => canonItem(e.Item as Item | undefined);
        const expectOnItem = (item: Item, success: unknown): Outcome =>
          refused ? { error: "ValidationException" } : evaluate(cond, item) ? { value: success } : { error: "ConditionalCheckFailedException", value: canonItem(item) };
        if (stored.length > 1) {
          const updated = await outcome(
            ddb.send(
              new UpdateItemCommand({
                TableName: table,
                Key: key(pk, 1) as Record<string, AttributeValue>,
                UpdateExpression: "REMOVE zz",
                ConditionExpression: expression,
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
                ...r.attributes(),
              }),
            ),
            () => "ok",
            oldItem,
          );
          assert.deepEqual(updated, expectOnItem(stored[1] as Item, "ok"), `UpdateItem, ${context}`);
        }
        const deleted = await outcome(
          ddb.send(
            new DeleteItemCommand({
              TableName: table,
              Key: key(pk, 0) as Record<string, AttributeValue>,
              ConditionExpression: expression,
              ReturnValues: "ALL_OLD",
              ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              ...r.attributes(),
            }),
          ),
          (out) => canonItem(out.Attributes),
          oldItem,
        );
        assert.deepEqual(deleted, expectOnItem(stored[0] as Item, canonItem(stored[0] as Item)), `DeleteItem, ${context}`);
        },
      ),
      runs(50),
    );
  });
  test("updates: sequences of SET, REMOVE, ADD and DELETE on one item, with every ReturnValues, and the item stored after each", async () => {
    const returnValues: ReturnValue[] = ["NONE", "ALL_OLD", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"];
    const clauseOrders = fc.shuffledSubarray(["SET", "REMOVE", "ADD", "DELETE"] as Action["k"][], { minLength: 4, maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(itemArb, fc.integer({ min: 1, max: 6 }), styleArb, fc.gen(), async (attrs, steps, style, g) => {
        const pk = `u${run++}`;
        const Key = key(pk, 0) as Record<string, AttributeValue>;
        let old = Object.assign(key(pk, 0), Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, normalized(v)]))) as Item;
        await ddb.send(new PutItemCommand({ TableName: table, Item: old as Record<string, AttributeValue> }));
        for (let step = 0; step < steps; step++) {
          const { pk: _pk, sk: _sk, ...current } = old;
          const clauses = g(() => clauseOrders);
          // In the order written: when two actions would each be refused, the first one's refusal is reported.
          const actions = [...g(() => updateArb(current))].sort((x, y) => clauses.indexOf(x.k) - clauses.indexOf(y.k));
          const ReturnValues = g(() => fc.constantFrom(...returnValues));
          const r = new Render(style);
          const expression = renderUpdate(actions, clauses, r);
          const context = `step ${step} on ${JSON.stringify(canonItem(current))}: ${expression} ${JSON.stringify(r.names)} ${ReturnValues}`;
          let expected: Outcome;
          let after = old;
          const refused = updateRefused(actions);
          if (refused) expected = { error: "ValidationException" };
          else {
            try {
              after = applyUpdate(actions, old);
              const paths = actions.map((a) => a.p);
              const returned = { NONE: undefined, ALL_OLD: old, ALL_NEW: after, UPDATED_OLD: project(old, paths), UPDATED_NEW: project(after, paths) }[ReturnValues];
              const value = returned === undefined ? undefined : canonItem(returned);
              expected = value === undefined ? {} : { value };
            } catch (err) {
              if (!(err instanceof Refused)) throw err;
              expected = { error: "ValidationException", value: err.message };
            }
          }
          const got = await outcome(
            ddb.send(new UpdateItemCommand({ TableName: table, Key, UpdateExpression: expression, ReturnValues, ...r.attributes() })),
            (out) => canonItem(out.Attributes),
            (e) => (refused ? undefined : e.message),
          );
          assert.deepEqual(got, expected, `UpdateItem ${context}`);
          const stored = await ddb.send(new GetItemCommand({ TableName: table, Key, ConsistentRead: true }));
          assert.deepEqual(canonItem(stored.Item), canonItem(after), `stored after ${context}`);
          old = after;
        }
      }),
      runs(30),
    );
  });
  test("numbers: stored normalised, compared exactly, added and subtracted exactly within DynamoDB's range", async () => {
    const verdict = (text: string) => checkedNumber(new D(text));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(decimalTextArb, validDecimalArb).chain((a) => fc.tuple(fc.constant(a), fc.oneof(validDecimalArb, sameNumberArb(a)))),
        validDecimalArb,
        fc.constantFrom("SET n = n + :b", "SET n = n - :b", "SET n = :b - n", "ADD n :b"),
        fc.constantFrom<Comparator>("=", "<>", "<", "<=", ">", ">="),
        async ([a, c], b, update, op) => {
          const pk = `n${run++}`;
          const Key = key(pk, 0) as Record<string, AttributeValue>;
          const first = verdict(a);
          const put = await outcome(ddb.send(new PutItemCommand({ TableName: table, Item: { n: { N: a }, ...Key } })), () => "ok", (e) => e.message);
          if ("error" in first) {
            assert.equal(put.error, "ValidationException", `PutItem n = ${a}`);
            assert.ok(String(put.value).endsWith(first.error), `PutItem n = ${a}: ${String(put.value)}, expected ${first.error}`);
            return;
          }
          assert.deepEqual(put, { value: "ok" }, `PutItem n = ${a}`);
          const got = await ddb.send(new GetItemCommand({ TableName: table, Key, ConsistentRead: true }));
          assert.equal(got.Item?.n?.N, first.N, `stored ${a}`);
          const sum = update === "SET n = :b - n" ? arithmetic(b, a, "-") : arithmetic(a, b, update.includes("-") ? "-" : "+");
          const holds = { "=": (x: number) => x === 0, "<>": (x: number) => x !== 0, "<": (x: number) => x < 0, "<=": (x: number) => x <= 0, ">": (x: number) => x > 0, ">=": (x: number) => x >= 0 }[op](new D(a).cmp(new D(c)));
          const updated = await outcome(
            ddb.send(
              new UpdateItemCommand({
                TableName: table,
                Key,
                UpdateExpression: update,
                ConditionExpression: `n ${op} :c`,
                ExpressionAttributeValues: { ":b": { N: b }, ":c": { N: c } },
                ReturnValues: "UPDATED_NEW",
              }),
            ),
            (out) => out.Attributes?.n?.N,
            (e) => e.message,
          );
          const expected = !holds ? { error: "ConditionalCheckFailedException", value: "The conditional request failed" } : "error" in sum ? { error: "ValidationException", value: sum.error } : { value: sum.N };
          assert.deepEqual(updated, expected, `n = ${a}: ${update} with :b = ${b} when n ${op} ${c}`);
        },
      ),
      runs(120),
    );
  });
});
