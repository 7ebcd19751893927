import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compareScalars, type AttributeValue, type Item, type KeyOperator, type MultiAttributeKey, type SortKeyCondition } from "./domain/index.js";
import { matchesKeyCondition } from "./domain/index.js";
import { multiKeyRange, multiKeyText } from "./multi-attribute-keys.js";

const key: MultiAttributeKey = { partition: ["h1", "h2"], sort: ["s", "n", "b"] };

const strings = ["", "a", "a\u0000", "ab", "abc", "b", "é", "\u{1F600}", "~"];
const numbers = ["-100", "-1.5", "-1", "0", "0.001", "1", "1.5", "10", "99999999"];
const binaries = [[], [0], [0, 0], [1], [1, 255], [255]].map((b) => Buffer.from(b));

function item(s: string, n: string, b: Buffer, h2 = "7"): Item {
  return { h1: { S: "p" }, h2: { N: h2 }, s: { S: s }, n: { N: n }, b: { B: b } };
}

/** Items over a grid of values, some empty ones included: only order and ranges are checked here. */
const items: Item[] = [];
for (const s of strings) for (const n of numbers.filter((_, i) => i % 3 === 0)) for (const b of binaries.filter((_, i) => i % 2 === 0)) items.push(item(s, n, b));
for (const n of numbers) for (const b of binaries) items.push(item("ab", n, b));

function byKey(a: Item, b: Item): number {
  for (const name of key.sort) {
    const c = compareScalars(a[name] as AttributeValue, b[name] as AttributeValue) ?? 0;
    if (c !== 0) return c;
  }
  return 0;
}

function textOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** What SQLite's BINARY comparison reads of a range, done over the items' texts. */
function inRange(range: ReturnType<typeof multiKeyRange>, it: Item): boolean {
  const { pk, sk } = multiKeyText(key, it);
  if (pk !== range.pk) return false;
  const lo = range.lower;
  const hi = range.upper;
  if (lo !== undefined && (lo.inclusive ? textOrder(sk, lo.value) < 0 : textOrder(sk, lo.value) <= 0)) return false;
  if (hi !== undefined && (hi.inclusive ? textOrder(sk, hi.value) > 0 : textOrder(sk, hi.value) >= 0)) return false;
  return true;
}

describe("multi-attribute key texts", () => {
  test("sort in the order of the attributes, each by its type's order", () => {
    const byText = [...items].sort((a, b) => textOrder(multiKeyText(key, a).sk, multiKeyText(key, b).sk));
    const byValue = [...items].sort(byKey);
    assert.deepEqual(byText.map((i) => multiKeyText(key, i).sk), byValue.map((i) => multiKeyText(key, i).sk));
  });

  test("equal values give equal texts, a number's form notwithstanding", () => {
    assert.equal(multiKeyText(key, item("a", "1.50", Buffer.from([1]), "7.0")).sk, multiKeyText(key, item("a", "1.5", Buffer.from([1]))).sk);
    assert.equal(multiKeyText(key, item("a", "1", Buffer.from([1]), "7.0")).pk, multiKeyText(key, item("a", "1", Buffer.from([1]))).pk);
    assert.notEqual(multiKeyText(key, item("a", "1", Buffer.from([1]), "8")).pk, multiKeyText(key, item("a", "1", Buffer.from([1]))).pk);
  });

  test("a key condition's range holds exactly the items it matches", () => {
    const partition = [
      { name: "h1", value: { S: "p" } },
      { name: "h2", value: { N: "7" } },
    ];
    const lastConditions = (name: string, values: AttributeValue[]): SortKeyCondition[] => {
      const ops: KeyOperator[] = ["EQ", "LT", "LE", "GT", "GE"];
      const out: SortKeyCondition[] = [];
      for (const v of values) for (const operator of ops) out.push({ name, operator, values: [v] });
      for (const lo of values) for (const hi of values) if ((compareScalars(lo, hi) ?? 1) <= 0) out.push({ name, operator: "BETWEEN", values: [lo, hi] });
      if (values[0]?.N === undefined) for (const v of values) out.push({ name, operator: "BEGINS_WITH", values: [v] });
      return out;
    };
    const cases: SortKeyCondition[][] = [
      [],
      ...lastConditions("s", strings.map((S) => ({ S }))).map((c) => [c]),
      ...lastConditions("n", numbers.map((N) => ({ N }))).map((c) => [{ name: "s", operator: "EQ" as const, values: [{ S: "ab" }] }, c]),
      ...lastConditions("b", binaries.map((B) => ({ B }))).map((c) => [
        { name: "s", operator: "EQ" as const, values: [{ S: "ab" }] },
        { name: "n", operator: "EQ" as const, values: [{ N: "1.5" }] },
        c,
      ]),
    ];
    for (const sort of cases) {
      const cond = { partition, sort };
      const range = multiKeyRange(cond);
      for (const it of items) {
        assert.equal(inRange(range, it), matchesKeyCondition({ partitionKey: partition[0] as { name: string; value: AttributeValue }, multi: cond }, it), `${JSON.stringify(sort)} on ${JSON.stringify(it)}`);
      }
    }
  });
});
