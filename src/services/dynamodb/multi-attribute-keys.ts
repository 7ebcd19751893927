/**
 * How a GSI with a multi-attribute key (up to four HASH and four RANGE attributes: developer
 * guide, "Multi-attribute key schema") keeps its rows in the pk and sk columns of
 * `dynamodb_items`, and the range a Query on one reads.
 *
 * Each attribute's value is written as lower-case hex of its order-preserving text (a string's
 * UTF-8 bytes, a number's numberSortKey, a binary's bytes) and ended by END, which sorts below
 * every hex digit: plain text order of the whole key is then the order of the first attribute,
 * then the second, each by its type's order, and a shorter value sorts before a longer one it
 * begins. TOP sorts above every hex digit and END, so `prefix + TOP` bounds every key that
 * starts with `prefix`. Indexes with one HASH and at most one RANGE attribute keep the plain
 * encoding of items.ts: none of this runs for them.
 */
import { numberSortKey, type AttributeValue, type Item, type MultiAttributeKey, type MultiKeyCondition, type SortKeyCondition } from "./domain/index.js";
import type { RangeOptions } from "./store.js";

const END = ".";
const TOP = "~";

function hexOf(v: AttributeValue | undefined): string {
  if (v === undefined) return "";
  if (v.S !== undefined) return Buffer.from(v.S, "utf8").toString("hex");
  if (v.N !== undefined) return Buffer.from(numberSortKey(v.N), "latin1").toString("hex");
  if (v.B !== undefined) return Buffer.from(v.B.buffer, v.B.byteOffset, v.B.byteLength).toString("hex");
  return "";
}

function joined(values: readonly (AttributeValue | undefined)[]): string {
  let out = "";
  for (const v of values) out += hexOf(v) + END;
  return out;
}

/** The pk and sk texts of an item's row in a multi-attribute index (the item has every key attribute). */
export function multiKeyText(key: MultiAttributeKey, item: Item): { pk: string; sk: string } {
  return { pk: joined(key.partition.map((n) => item[n])), sk: joined(key.sort.map((n) => item[n])) };
}

type Bound = RangeOptions["lower"];

/** The rows of one partition a key condition on a multi-attribute key can match: exactly those. */
export function multiKeyRange(cond: MultiKeyCondition): Pick<RangeOptions, "pk" | "lower" | "upper"> {
  const pk = joined(cond.partition.map((p) => p.value));
  const last = cond.sort[cond.sort.length - 1];
  if (last === undefined) return { pk };
  // Every condition before the last is an equality: they fix a prefix.
  const prefix = joined(cond.sort.slice(0, -1).map((s) => s.values[0]));
  const { lower, upper } = lastBounds(prefix, last);
  return { pk, lower, upper };
}

function lastBounds(prefix: string, last: SortKeyCondition): { lower: Bound; upper: Bound } {
  const [a, b] = last.values;
  const value = prefix + hexOf(a);
  // All keys whose attribute equals `a` lie in [value + END, value + END + TOP].
  const through = value + END + TOP;
  const from: Bound = prefix === "" ? undefined : { value: prefix, inclusive: true };
  const to: Bound = prefix === "" ? undefined : { value: prefix + TOP, inclusive: true };
  switch (last.operator) {
    case "EQ":
      return { lower: { value: value + END, inclusive: true }, upper: { value: through, inclusive: true } };
    case "LT":
      return { lower: from, upper: { value, inclusive: false } };
    case "LE":
      return { lower: from, upper: { value: through, inclusive: true } };
    case "GT":
      return { lower: { value: through, inclusive: false }, upper: to };
    case "GE":
      return { lower: { value, inclusive: true }, upper: to };
    case "BETWEEN":
      return { lower: { value, inclusive: true }, upper: { value: prefix + hexOf(b) + END + TOP, inclusive: true } };
    case "BEGINS_WITH":
      // Whole bytes: a value begins with `a` exactly when its hex begins with a's hex.
      return { lower: { value, inclusive: true }, upper: { value: value + TOP, inclusive: true } };
  }
}
