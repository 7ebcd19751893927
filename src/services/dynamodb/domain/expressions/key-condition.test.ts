import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../../core/errors.js";
import type { AttributeValue } from "../attribute-values.js";
import { expressionAttributes } from "./context.js";
import { matchesKeyCondition, parseKeyCondition, type KeySchema } from "./key-condition.js";

const composite: KeySchema = { partitionKey: "pk", sortKey: "sk", types: { pk: "S", sk: "N" } };
const hashOnly: KeySchema = { partitionKey: "pk", types: { pk: "S" } };

type Values = Record<string, AttributeValue>;
const v: Values = { ":p": { S: "user#1" }, ":a": { N: "10" }, ":b": { N: "20" } };

function parse(expr: string, values: Values = v, schema: KeySchema = composite, names?: Record<string, string>) {
  return parseKeyCondition(expr, expressionAttributes(names, Object.keys(values).length > 0 ? values : undefined), schema);
}

function refused(expr: string, message: string, values: Values = v, schema: KeySchema = composite): void {
  assert.throws(
    () => parse(expr, values, schema),
    (err: unknown) => {
      assert.ok(err instanceof AwsError, String(err));
      assert.equal(err.code, "ValidationException");
      assert.equal(err.message, message);
      return true;
    },
  );
}

describe("KeyConditionExpression", () => {
  test("partition key equality alone", () => {
    const kc = parse("pk = :p", { ":p": { S: "user#1" } });
    assert.deepEqual(kc, { partitionKey: { name: "pk", value: { S: "user#1" } }, sortKey: undefined });
  });

  test("every sort key operator", () => {
    assert.deepEqual(parse("pk = :p AND sk = :a", { ":p": v[":p"] as AttributeValue, ":a": v[":a"] as AttributeValue }).sortKey, {
      name: "sk",
      operator: "EQ",
      values: [{ N: "10" }],
    });
    for (const [op, name] of [["<", "LT"], ["<=", "LE"], [">", "GT"], [">=", "GE"]] as const) {
      const kc = parse(`pk = :p AND sk ${op} :a`, { ":p": v[":p"] as AttributeValue, ":a": v[":a"] as AttributeValue });
      assert.equal(kc.sortKey?.operator, name);
    }
    assert.deepEqual(parse("pk = :p AND sk BETWEEN :a AND :b").sortKey?.values, [{ N: "10" }, { N: "20" }]);
    const bw = parse("pk = :p AND begins_with(#s, :x)", { ":p": { S: "u" }, ":x": { S: "2024-" } }, { partitionKey: "pk", sortKey: "sk", types: { pk: "S", sk: "S" } }, { "#s": "sk" });
    assert.equal(bw.sortKey?.operator, "BEGINS_WITH");
  });

  test("operands may be written the other way round, and the conditions in either order", () => {
    const kc = parse(":a < sk AND :p = pk", { ":p": v[":p"] as AttributeValue, ":a": v[":a"] as AttributeValue });
    assert.deepEqual(kc.partitionKey.value, { S: "user#1" });
    assert.deepEqual(kc.sortKey, { name: "sk", operator: "GT", values: [{ N: "10" }] });
  });

  test("operators other than AND and the allowed comparisons are refused", () => {
    refused("pk = :p OR sk = :a", "Invalid operator used in KeyConditionExpression: OR", { ":p": v[":p"] as AttributeValue, ":a": v[":a"] as AttributeValue });
    refused("NOT pk = :p", "Invalid operator used in KeyConditionExpression: NOT", { ":p": v[":p"] as AttributeValue });
    refused("pk IN (:p)", "Invalid operator used in KeyConditionExpression: IN", { ":p": v[":p"] as AttributeValue });
    refused("pk <> :p", "Invalid operator used in KeyConditionExpression: <>", { ":p": v[":p"] as AttributeValue });
    refused("attribute_exists(pk)", "Invalid operator used in KeyConditionExpression: attribute_exists", {});
    refused("pk = :p AND size(sk) > :a", "KeyConditionExpressions cannot contain nested operations", { ":p": v[":p"] as AttributeValue, ":a": v[":a"] as AttributeValue });
  });

  test("conditions must name exactly one top-level key attribute, once", () => {
    const pa = { ":p": v[":p"] as AttributeValue, ":a": v[":a"] as AttributeValue };
    refused("pk = sk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition", {});
    refused("pk.x = :p", "KeyConditionExpressions cannot have conditions on nested attributes", { ":p": v[":p"] as AttributeValue });
    refused(":p = :a", "Invalid condition in KeyConditionExpression: No key attribute specified", pa);
    refused("pk = :p AND pk = :p", "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition per key", { ":p": v[":p"] as AttributeValue });
    refused(
      ":a BETWEEN sk AND :b",
      "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its first operand",
      v,
    );
  });

  test("the key schema must be respected", () => {
    refused("sk = :a", "Query condition missed key schema element: pk", { ":a": v[":a"] as AttributeValue });
    refused("pk = :p AND color = :a", "Query condition missed key schema element: sk", { ":p": v[":p"] as AttributeValue, ":a": v[":a"] as AttributeValue });
    refused("pk = :p AND sk = :a", "Query key condition not supported", { ":p": v[":p"] as AttributeValue, ":a": v[":a"] as AttributeValue }, hashOnly);
    refused("pk > :p", "Query key condition not supported", { ":p": v[":p"] as AttributeValue });
    refused("pk = :a", "One or more parameter values were invalid: Condition parameter type does not match schema type", { ":a": v[":a"] as AttributeValue });
    refused("pk = :p AND sk = :a AND x = :b", "The number of query conditions (3) exceeds the number of key attributes defined in the schema (2)");
  });

  test("errors inside the expression use the KeyConditionExpression prefix", () => {
    refused("pk = ", 'Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "= "', {});
    refused(
      "pk = :p AND begins_with(sk, :a)",
      "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
      { ":p": v[":p"] as AttributeValue, ":a": v[":a"] as AttributeValue },
    );
    refused(
      "pk = :p AND sk BETWEEN :b AND :a",
      "Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:20}, upper bound operand: AttributeValue: {N:10}",
    );
  });

  test("matches items by partition key and sort key condition", () => {
    const kc = parse("pk = :p AND sk BETWEEN :a AND :b");
    assert.ok(matchesKeyCondition(kc, { pk: { S: "user#1" }, sk: { N: "10" } }));
    assert.ok(matchesKeyCondition(kc, { pk: { S: "user#1" }, sk: { N: "20" } }));
    assert.ok(!matchesKeyCondition(kc, { pk: { S: "user#1" }, sk: { N: "20.5" } }));
    assert.ok(!matchesKeyCondition(kc, { pk: { S: "user#2" }, sk: { N: "15" } }));
    const prefix = parse("pk = :p AND begins_with(sk, :x)", { ":p": { S: "u" }, ":x": { S: "2024-" } }, { partitionKey: "pk", sortKey: "sk", types: { pk: "S", sk: "S" } });
    assert.ok(matchesKeyCondition(prefix, { pk: { S: "u" }, sk: { S: "2024-05" } }));
    assert.ok(!matchesKeyCondition(prefix, { pk: { S: "u" }, sk: { S: "2023-05" } }));
  });
});

describe("KeyConditionExpression on a multi-attribute key", () => {
  // A GSI keyed by two HASH attributes (t S, r N) and three RANGE attributes (a S, b N, c B).
  const multi: KeySchema = {
    partitionKey: "t",
    sortKey: "a",
    types: { t: "S", r: "N", a: "S", b: "N", c: "B" },
    multi: { partition: ["t", "r"], sort: ["a", "b", "c"] },
  };
  const mv: Values = { ":t": { S: "T1" }, ":r": { N: "7" }, ":a": { S: "x" }, ":b": { N: "5" }, ":b2": { N: "9" }, ":c": { B: Buffer.from([1]) } };
  const used = (expr: string): Values => Object.fromEntries(Object.entries(mv).filter(([k]) => new RegExp(`${k}\\b`).test(expr)));
  const parseMulti = (expr: string) => parse(expr, used(expr), multi);
  const refusedMulti = (expr: string, message: string) => refused(expr, message, used(expr), multi);
  const gap = (names: string, at: string) => `RANGE key attributes ${names} must have equality conditions specified in the query because a condition is present on key attribute ${at}`;

  test("every partition attribute with equality, then sort attributes left to right, the last with any operator", () => {
    assert.deepEqual(parseMulti("t = :t AND r = :r"), {
      partitionKey: { name: "t", value: { S: "T1" } },
      multi: { partition: [{ name: "t", value: { S: "T1" } }, { name: "r", value: { N: "7" } }], sort: [] },
    });
    const kc = parseMulti("b BETWEEN :b AND :b2 AND r = :r AND a = :a AND t = :t");
    assert.deepEqual(kc.multi?.sort, [
      { name: "a", operator: "EQ", values: [{ S: "x" }] },
      { name: "b", operator: "BETWEEN", values: [{ N: "5" }, { N: "9" }] },
    ]);
    assert.equal(kc.sortKey, undefined);
    assert.deepEqual(parseMulti("t = :t AND r = :r AND begins_with(a, :a)").multi?.sort, [{ name: "a", operator: "BEGINS_WITH", values: [{ S: "x" }] }]);
    assert.deepEqual(parseMulti("t = :t AND r = :r AND a = :a AND b = :b AND c >= :c").multi?.sort.map((s) => s.operator), ["EQ", "EQ", "GE"]);
  });

  test("a partition attribute left out, or compared otherwise than with =, is refused naming HASH and equality", () => {
    const unequal = (names: string) => `HASH key attributes ${names} must have equality conditions specified in the query`;
    refusedMulti("t = :t", unequal("r"));
    refusedMulti("r = :r AND a = :a", unequal("t"));
    refusedMulti("a = :a", unequal("t, r"));
    refusedMulti("t = :t AND r > :r", unequal("r"));
    refusedMulti("t = :t AND r BETWEEN :b AND :b2", unequal("r"));
    refusedMulti("begins_with(t, :t) AND r = :r", unequal("t"));
  });

  test("a gap in the sort attributes, or a range condition before the last one named, is refused in AWS's words", () => {
    refusedMulti("t = :t AND r = :r AND b = :b", gap("a", "b"));
    refusedMulti("t = :t AND r = :r AND a = :a AND c = :c", gap("b", "c"));
    refusedMulti("t = :t AND r = :r AND a > :a AND b = :b", gap("a", "b"));
    refusedMulti("t = :t AND r = :r AND c = :c", gap("a, b", "c"));
  });

  test("values of another type than the definition, and conditions on other attributes, are refused", () => {
    refused("t = :t AND r = :t", "One or more parameter values were invalid: Condition parameter type does not match schema type", { ":t": { S: "T1" } }, multi);
    refused("t = :t AND r = :r AND a = :r", "One or more parameter values were invalid: Condition parameter type does not match schema type", { ":t": { S: "T1" }, ":r": { N: "7" } }, multi);
    refused("t = :t AND r = :r AND z = :r", "Query key condition not supported", { ":t": { S: "T1" }, ":r": { N: "7" } }, multi);
  });

  test("matches an item only when every attribute meets its condition", () => {
    const kc = parseMulti("t = :t AND r = :r AND a = :a AND b > :b");
    const item = (r: AttributeValue = { N: "7.0" }, b: AttributeValue = { N: "6" }) => ({ t: { S: "T1" }, r, a: { S: "x" }, b });
    assert.ok(matchesKeyCondition(kc, item()));
    assert.ok(!matchesKeyCondition(kc, item(undefined, { N: "5" })));
    assert.ok(!matchesKeyCondition(kc, item({ N: "8" })));
    assert.ok(!matchesKeyCondition(kc, item({ S: "7" })));
    const { a: _a, ...noA } = item();
    assert.ok(!matchesKeyCondition(kc, noA));
  });
});
