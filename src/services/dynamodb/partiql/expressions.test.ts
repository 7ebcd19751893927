import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { expressionAttributes, parseCondition, parseUpdate, type Condition, type UpdateAction } from "../domain/index.js";
import { ExpressionWriter } from "./expressions.js";

/** What the writer prints must parse back, through the ordinary expression parser, to the same tree. */
function roundTripCondition(c: Condition): string {
  const w = new ExpressionWriter();
  const text = w.condition(c);
  const attrs = expressionAttributes(w.attributes().ExpressionAttributeNames, w.attributes().ExpressionAttributeValues);
  assert.deepEqual(parseCondition(text, attrs), c, text);
  attrs.assertAllUsed();
  return text;
}

describe("ExpressionWriter", () => {
  test("conditions with every node kind print and parse back unchanged", () => {
    const path = (...p: (string | number)[]) => ({ kind: "path" as const, path: p });
    const value = (v: string) => ({ kind: "value" as const, value: { S: v } });
    const conditions: Condition[] = [
      { kind: "compare", op: "=", left: path("a"), right: value("x") },
      { kind: "compare", op: "<>", left: path("reserved name", "nested", 2), right: value("y") },
      { kind: "between", operand: path("n"), lower: { kind: "value", value: { N: "1" } }, upper: { kind: "value", value: { N: "9" } } },
      { kind: "in", operand: path("a"), list: [value("p"), value("q")] },
      { kind: "function", name: "attribute_type", args: [path("a"), value("NULL")] },
      { kind: "compare", op: ">", left: { kind: "size", operand: path("l") }, right: { kind: "value", value: { N: "3" } } },
      {
        kind: "and",
        left: { kind: "or", left: { kind: "function", name: "attribute_exists", args: [path("a")] }, right: { kind: "not", operand: { kind: "function", name: "begins_with", args: [path("b"), value("x")] } } },
        right: { kind: "and", left: { kind: "function", name: "contains", args: [path("c"), value("z")] }, right: { kind: "function", name: "attribute_not_exists", args: [path("d")] } },
      },
    ];
    for (const c of conditions) roundTripCondition(c);
  });

  test("names and values sit behind placeholders; a name is written once", () => {
    const w = new ExpressionWriter();
    const text = w.condition({
      kind: "and",
      left: { kind: "compare", op: "=", left: { kind: "path", path: ["size"] }, right: { kind: "value", value: { N: "1" } } },
      right: { kind: "compare", op: "=", left: { kind: "path", path: ["size", "x"] }, right: { kind: "value", value: { N: "2" } } },
    });
    assert.equal(text, "#n0 = :v0 AND #n0.#n1 = :v1");
    assert.deepEqual(w.names, { "#n0": "size", "#n1": "x" });
  });

  test("update actions group into one clause each and parse back", () => {
    const actions: UpdateAction[] = [
      { kind: "SET", path: ["a"], value: { kind: "arith", op: "+", left: { kind: "path", path: ["a"] }, right: { kind: "value", value: { N: "1" } } } },
      { kind: "REMOVE", path: ["r", 0] },
      { kind: "SET", path: ["l"], value: { kind: "list_append", left: { kind: "if_not_exists", path: ["l"], fallback: { kind: "value", value: { L: [] } } }, right: { kind: "value", value: { L: [{ N: "1" }] } } } },
      { kind: "ADD", path: ["s"], value: { SS: ["x"] } },
      { kind: "DELETE", path: ["t"], value: { NS: ["1"] } },
    ];
    const w = new ExpressionWriter();
    const text = w.update(actions);
    assert.equal(text, "SET #n0 = #n0 + :v0, #n2 = list_append(if_not_exists(#n2, :v1), :v2) REMOVE #n1[0] ADD #n3 :v3 DELETE #n4 :v4");
    const attrs = expressionAttributes(w.attributes().ExpressionAttributeNames, w.attributes().ExpressionAttributeValues);
    const parsed = parseUpdate(text, attrs);
    attrs.assertAllUsed();
    assert.deepEqual(
      parsed.map((a) => a.kind),
      ["SET", "SET", "REMOVE", "ADD", "DELETE"],
    );
    for (const a of actions) assert.ok(parsed.some((p) => JSON.stringify(p) === JSON.stringify(a)), JSON.stringify(a));
  });

  test("no attributes: the request leaves out both maps", () => {
    assert.deepEqual(new ExpressionWriter().attributes(), {});
  });
});
