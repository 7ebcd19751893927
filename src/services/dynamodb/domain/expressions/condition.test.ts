import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../../core/errors.js";
import type { AttributeValue, Item } from "../attribute-values.js";
import { conditionAttributeNames, evaluateCondition, parseCondition, type ConditionParameter } from "./condition.js";
import { expressionAttributes } from "./context.js";

type Values = Record<string, AttributeValue>;

function parse(expr: string, values?: Values, names?: Record<string, string>, parameter?: ConditionParameter) {
  return parseCondition(expr, expressionAttributes(names, values), parameter);
}

function holds(expr: string, item: Item | undefined, values?: Values, names?: Record<string, string>): boolean {
  return evaluateCondition(parse(expr, values, names), item);
}

function refused(expr: string, message: string, values?: Values, names?: Record<string, string>, parameter?: ConditionParameter): void {
  assert.throws(
    () => parse(expr, values, names, parameter),
    (err: unknown) => {
      assert.ok(err instanceof AwsError, String(err));
      assert.equal(err.code, "ValidationException");
      assert.equal(err.status, 400);
      assert.equal(err.message, message);
      return true;
    },
  );
}

const item: Item = {
  id: { S: "u1" },
  age: { N: "42" },
  name: { S: "Alice" },
  bin: { B: Buffer.from("hello") },
  tags: { SS: ["red", "blue"] },
  scores: { NS: ["1", "2.5"] },
  blobs: { BS: [Buffer.from([1]), Buffer.from([2])] },
  flag: { BOOL: true },
  nothing: { NULL: true },
  profile: { M: { city: { S: "Paris" }, zip: { N: "75001" }, pets: { L: [{ S: "cat" }, { M: { kind: { S: "dog" } } }] } } },
  arr: { L: [{ N: "1" }, { S: "two" }, { L: [{ N: "3" }] }] },
};

describe("comparators", () => {
  test("= and <> on every type", () => {
    assert.ok(holds("age = :v", item, { ":v": { N: "42.0" } }));
    assert.ok(!holds("age = :v", item, { ":v": { S: "42" } }));
    assert.ok(holds("age <> :v", item, { ":v": { S: "42" } }));
    assert.ok(holds("tags = :v", item, { ":v": { SS: ["blue", "red"] } }));
    assert.ok(holds("profile.city = :v", item, { ":v": { S: "Paris" } }));
    assert.ok(holds("flag = :v", item, { ":v": { BOOL: true } }));
    assert.ok(holds("#n = :v", item, { ":v": { NULL: true } }, { "#n": "nothing" }));
    assert.ok(holds("arr[2] = :v", item, { ":v": { L: [{ N: "3" }] } }));
  });

  test("< <= > >= order numbers numerically and strings by bytes", () => {
    assert.ok(holds("age > :v", item, { ":v": { N: "9" } }));
    assert.ok(holds("age >= :v", item, { ":v": { N: "42" } }));
    assert.ok(holds("age < :v", item, { ":v": { N: "100" } }));
    assert.ok(!holds("age <= :v", item, { ":v": { N: "41.99" } }));
    assert.ok(holds("#n < :v", item, { ":v": { S: "Bob" } }, { "#n": "name" }));
    assert.ok(holds("bin < :v", item, { ":v": { B: Buffer.from("world") } }));
    assert.ok(holds(":a < :b", undefined, { ":a": { N: "-1" }, ":b": { N: "1" } }));
  });

  test("a absent attribute or a type mismatch makes = and < false, and <> true", () => {
    assert.ok(!holds("absent = :v", item, { ":v": { S: "x" } }));
    assert.ok(!holds("absent < :v", item, { ":v": { S: "x" } }));
    assert.ok(holds("absent <> :v", item, { ":v": { S: "x" } }));
    assert.ok(!holds("age < :v", item, { ":v": { S: "zzz" } }));
    assert.ok(!holds("tags < :v", item, { ":v": { S: "z" } }));
    assert.ok(!holds("profile.city.deeper = :v", item, { ":v": { S: "x" } }));
  });

  test("path on both sides compares two attributes", () => {
    assert.ok(holds("age > profile.zip", { age: { N: "100000" }, profile: { M: { zip: { N: "75001" } } } }));
  });
});

describe("ordering a value that is not a string, number or binary", () => {
  test("is refused when the value comes from ExpressionAttributeValues, false when it is in the item", () => {
    const list = { ":l": { L: [{ N: "1" }] }, ":n": { N: "1" } };
    const message = (op: string, type: string) => `Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${type}`;
    refused("a < :l", message("<", "L"), list);
    refused(":l >= a", message(">=", "L"), list);
    refused("a BETWEEN :l AND :l", message("BETWEEN", "L"), { ":l": { L: [] } });
    refused("a > :b", message(">", "BOOL"), { ":b": { BOOL: true } });
    assert.ok(!holds("x > :n", { x: { L: [] } }, list));
    assert.ok(holds("a <> :l", { a: { N: "1" } }, { ":l": { L: [] } }));
  });
});

describe("BETWEEN and IN", () => {
  test("BETWEEN is inclusive on both bounds and needs the same type", () => {
    const v = { ":lo": { N: "40" }, ":hi": { N: "42" } };
    assert.ok(holds("age BETWEEN :lo AND :hi", item, v));
    assert.ok(!holds("age BETWEEN :lo AND :hi", { age: { N: "42.5" } }, v));
    assert.ok(!holds("age BETWEEN :lo AND :hi", { age: { S: "41" } }, v));
    assert.ok(!holds("absent BETWEEN :lo AND :hi", item, v));
    assert.ok(holds("#n BETWEEN :a AND :b", item, { ":a": { S: "A" }, ":b": { S: "B" } }, { "#n": "name" }));
  });

  test("BETWEEN with literal bounds out of order or of different types is refused", () => {
    refused(
      "age BETWEEN :hi AND :lo",
      "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:2}",
      { ":hi": { N: "10" }, ":lo": { N: "2" } },
    );
    refused(
      "age BETWEEN :lo AND :s",
      "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:10}",
      { ":lo": { N: "1" }, ":s": { S: "10" } },
    );
  });

  test("IN matches any listed value", () => {
    const v = { ":a": { N: "1" }, ":b": { N: "42" }, ":c": { S: "x" } };
    assert.ok(holds("age IN (:a, :b, :c)", item, v));
    assert.ok(!holds("age IN (:a, :c)", item, { ":a": { N: "1" }, ":c": { S: "x" } }));
    assert.ok(!holds("absent IN (:a)", item, { ":a": { N: "1" } }));
    assert.ok(holds("tags IN (:s)", item, { ":s": { SS: ["red", "blue"] } }));
  });

  test("IN takes at most 100 operands", () => {
    const values: Values = {};
    const refs: string[] = [];
    for (let i = 0; i < 101; i++) {
      values[`:v${i}`] = { N: String(i) };
      refs.push(`:v${i}`);
    }
    refused(`a IN (${refs.join(", ")})`, "Invalid FilterExpression: The IN operator is provided with too many operands; number of operands: 101", values, undefined, "FilterExpression");
    delete values[":v100"];
    assert.doesNotThrow(() => parse(`a IN (${refs.slice(0, 100).join(", ")})`, values));
  });
});

describe("logical operators and precedence", () => {
  const v = { ":t": { BOOL: true }, ":f": { BOOL: false } };
  const it: Item = { t: { BOOL: true } };
  // a = true, b = true, c = false (AWS's own example: "a OR b AND c" is true, "(a OR b) AND c" false)
  test("AND binds tighter than OR; parentheses change it", () => {
    assert.ok(holds("t = :t OR t = :t AND t = :f", it, v));
    assert.ok(!holds("(t = :t OR t = :t) AND t = :f", it, v));
  });

  test("NOT binds tighter than AND", () => {
    assert.ok(!holds("NOT t = :t AND t = :t", it, v));
    assert.ok(holds("NOT (t = :t AND t = :f)", it, v));
    assert.ok(holds("NOT NOT t = :t", it, v));
  });

  test("keywords are case-insensitive", () => {
    assert.ok(holds("t = :t and not t = :f or t = :f", it, v));
    assert.ok(holds("age between :a and :b", item, { ":a": { N: "1" }, ":b": { N: "100" } }));
  });

  test("a parenthesized operand is not taken for a nested condition", () => {
    assert.ok(holds("(size(tags)) = :two", item, { ":two": { N: "2" } }));
    assert.ok(holds("(age) > :n AND ((age > :n) OR age < :n)", item, { ":n": { N: "1" } }));
  });
});

describe("functions", () => {
  test("attribute_exists and attribute_not_exists, nested and in lists", () => {
    assert.ok(holds("attribute_exists(profile.pets[1].kind)", item));
    assert.ok(!holds("attribute_exists(profile.pets[2])", item));
    assert.ok(holds("attribute_not_exists(profile.country)", item));
    assert.ok(holds("attribute_not_exists(id)", undefined));
    assert.ok(!holds("attribute_exists(arr.a)", item), "a list has no named members");
  });

  test("attribute_type checks the type of the attribute", () => {
    for (const [attr, type] of [["age", "N"], ["tags", "SS"], ["scores", "NS"], ["blobs", "BS"], ["profile", "M"], ["arr", "L"], ["flag", "BOOL"], ["nothing", "NULL"], ["bin", "B"], ["name", "S"]] as const) {
      assert.ok(holds(`attribute_type(#a, :t)`, item, { ":t": { S: type } }, { "#a": attr }), `${attr} is ${type}`);
    }
    assert.ok(!holds("attribute_type(age, :t)", item, { ":t": { S: "S" } }));
    assert.ok(!holds("attribute_type(absent, :t)", item, { ":t": { S: "S" } }));
  });

  test("attribute_type takes a value as its first operand; attribute_exists needs a path", () => {
    assert.ok(holds("attribute_type(:v, :t)", item, { ":v": { N: "0" }, ":t": { S: "N" } }));
    assert.ok(!holds("attribute_type(:v, :t)", item, { ":v": { N: "0" }, ":t": { S: "S" } }));
    refused(
      "attribute_exists(:v)",
      "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists",
      { ":v": { N: "0" } },
    );
  });

  test("attribute_type needs a value naming a real type", () => {
    refused(
      "attribute_type(age, :t)",
      "Invalid ConditionExpression: Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
      { ":t": { S: "X" } },
    );
    refused(
      "attribute_type(age, :t)",
      "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: attribute_type, operand type: N",
      { ":t": { N: "1" } },
    );
  });

  test("begins_with works on strings and binaries only", () => {
    assert.ok(holds("begins_with(#n, :p)", item, { ":p": { S: "Al" } }, { "#n": "name" }));
    assert.ok(!holds("begins_with(#n, :p)", item, { ":p": { S: "al" } }, { "#n": "name" }));
    assert.ok(holds("begins_with(bin, :p)", item, { ":p": { B: Buffer.from("he") } }));
    assert.ok(!holds("begins_with(bin, :p)", item, { ":p": { S: "he" } }));
    assert.ok(!holds("begins_with(age, :p)", item, { ":p": { S: "4" } }));
    refused(
      "begins_with(name2, :p)",
      "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
      { ":p": { N: "4" } },
    );
  });

  test("contains: substring, byte subsequence, set member, list element", () => {
    assert.ok(holds("contains(#n, :s)", item, { ":s": { S: "lic" } }, { "#n": "name" }));
    assert.ok(holds("contains(bin, :b)", item, { ":b": { B: Buffer.from("ell") } }));
    assert.ok(holds("contains(tags, :s)", item, { ":s": { S: "red" } }));
    assert.ok(!holds("contains(tags, :s)", item, { ":s": { S: "re" } }));
    assert.ok(holds("contains(scores, :n)", item, { ":n": { N: "2.50" } }));
    assert.ok(holds("contains(blobs, :b)", item, { ":b": { B: Buffer.from([2]) } }));
    assert.ok(holds("contains(arr, :s)", item, { ":s": { S: "two" } }));
    assert.ok(holds("contains(arr, :l)", item, { ":l": { L: [{ N: "3" }] } }));
    assert.ok(holds("contains(profile.pets, :m)", item, { ":m": { M: { kind: { S: "dog" } } } }));
    assert.ok(!holds("contains(age, :s)", item, { ":s": { S: "4" } }));
    assert.ok(!holds("contains(absent, :s)", item, { ":s": { S: "4" } }));
  });

  test("size: string length in UTF-16 units, bytes, members, elements", () => {
    const n = (x: number) => ({ ":n": { N: String(x) } });
    assert.ok(holds("size(#n) = :n", item, n(5), { "#n": "name" }));
    assert.ok(holds("size(s) = :n", { s: { S: "é𝄞" } }, n(3)));
    assert.ok(holds("size(bin) = :n", item, n(5)));
    assert.ok(holds("size(tags) = :n", item, n(2)));
    assert.ok(holds("size(arr) = :n", item, n(3)));
    assert.ok(holds("size(profile) = :n", item, n(3)));
    assert.ok(holds("size(profile.pets) < :n", item, n(3)));
    assert.ok(!holds("size(age) = :n", item, n(2)), "numbers have no size");
    assert.ok(!holds("size(absent) >= :n", item, n(0)));
    assert.ok(holds("size(arr) BETWEEN :n AND :m", item, { ":n": { N: "1" }, ":m": { N: "3" } }));
    assert.ok(holds("size(tags) IN (:n)", item, n(2)));
  });

  test("function names are case-sensitive and must exist", () => {
    refused("ATTRIBUTE_EXISTS(a)", "Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS");
    refused("foo(a) = :v", "Invalid ConditionExpression: Invalid function name; function: foo", { ":v": { S: "x" } });
  });

  test("the update functions are refused as not allowed in a condition; size counts its operands", () => {
    const v = { ":v": { N: "5" } };
    refused("if_not_exists(a, a) = :v", "Invalid ConditionExpression: The function is not allowed in a condition expression; function: if_not_exists", v);
    refused("list_append(a, a) = :v", "Invalid ConditionExpression: The function is not allowed in a condition expression; function: list_append", v);
    refused("size(a, a) = :v", "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: size, number of operands: 2", v);
  });

  test("functions other than size cannot be operands; size cannot be a condition", () => {
    refused(
      "begins_with(a, :v) = :v",
      "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: begins_with",
      { ":v": { S: "x" } },
    );
    refused("size(a)", "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size");
    refused(
      "attribute_exists(a) AND contains(attribute_exists(b), :v)",
      "Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: attribute_exists",
      { ":v": { S: "x" } },
    );
  });

  test("operand counts and document paths are checked", () => {
    refused(
      "attribute_exists(a, b)",
      "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2",
    );
    refused(
      "begins_with(a, :v, :v)",
      "Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 3",
      { ":v": { S: "x" } },
    );
    refused(
      "attribute_exists(:v)",
      "Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists",
      { ":v": { S: "x" } },
    );
    refused(
      "size(:v) > :v",
      "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N",
      { ":v": { N: "1" } },
    );
  });

  test("the same path on both sides is refused", () => {
    refused("a = a", "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [a]");
    refused(
      "contains(#d, #d)",
      "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [data]",
      undefined,
      { "#d": "data" },
    );
    refused(
      "a.b[1] < a.b[1]",
      "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: <, first operand: [a, b, [1]]",
    );
  });
});

describe("names, values and reserved words", () => {
  test("reserved words must go through ExpressionAttributeNames", () => {
    refused("status = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status", { ":v": { S: "x" } });
    refused("a.Size = :v", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Size", { ":v": { S: "x" } });
    assert.ok(holds("#s = :v", { status: { S: "x" } }, { ":v": { S: "x" } }, { "#s": "status" }));
  });

  test("undefined placeholders are refused by name", () => {
    refused("#x = :v", "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x", { ":v": { S: "x" } });
    refused("a = :nope", "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope", { ":v": { S: "x" } });
  });

  test("a name may resolve to text with dots, which stays one attribute name", () => {
    assert.ok(holds("#k = :v", { "a.b": { S: "x" } }, { ":v": { S: "x" } }, { "#k": "a.b" }));
  });

  test("errors come in DynamoDB's order: parentheses, unknown function, misuse, reserved word, then the rest", () => {
    refused("((status = :nope)) AND foo(a)", "Invalid ConditionExpression: The expression has redundant parentheses;");
    refused("status = :nope AND foo(a)", "Invalid ConditionExpression: Invalid function name; function: foo");
    refused("status = :nope", "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status");
  });

  test("top-level attribute names read by a condition (for key-attribute checks in filters)", () => {
    const c = parse("a.b = :v AND size(c[1]) > :n OR attribute_exists(#d)", { ":v": { S: "x" }, ":n": { N: "1" } }, { "#d": "d" });
    assert.deepEqual([...conditionAttributeNames(c)].sort(), ["a", "c", "d"]);
  });
});

describe("syntax errors", () => {
  test("are reported with the offending token and the text around it", () => {
    refused("a = ", 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "= "');
    refused("attribute_type()", 'Invalid ConditionExpression: Syntax error; token: ")", near: "()"');
    refused("a = :v AND", 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "AND"', { ":v": { S: "x" } });
    refused("a @ :v", 'Invalid ConditionExpression: Syntax error; token: "@", near: "a @ :v"', { ":v": { S: "x" } });
    refused("a = 5", 'Invalid ConditionExpression: Syntax error; token: "5", near: "= 5"');
    refused("a = :v :v", 'Invalid ConditionExpression: Syntax error; token: ":v", near: ":v :v"', { ":v": { S: "x" } });
    refused("(a = :v", 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ":v"', { ":v": { S: "x" } });
    refused("a[x] = :v", 'Invalid ConditionExpression: Syntax error; token: "x", near: "[x]"', { ":v": { S: "x" } });
    refused("a = :v AND and = :v", 'Invalid ConditionExpression: Syntax error; token: "and", near: "AND and ="', { ":v": { S: "x" } });
  });

  // ScyllaDB Alternator's test_deeply_nested_expression_1 (test/alternator/test_limits.py), which
  // passes on DynamoDB: 4096 "(" (within the size limit) are a ValidationException; they overflowed
  // the recursive parser's stack (a 500) from about 3000 on.
  test("thousands of unclosed parentheses are a syntax error at the end, not a stack overflow", () => {
    for (const n of [300, 4096]) refused("(".repeat(n), 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("');
    refused("(".repeat(3000) + "a = :v", 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ":v"', { ":v": { S: "x" } });
    refused("(".repeat(2045) + "a = :v" + ")".repeat(2045), "Invalid ConditionExpression: The expression has redundant parentheses;", { ":v": { S: "x" } });
  });

  test("use the name of the parameter that was wrong", () => {
    refused("a =", 'Invalid FilterExpression: Syntax error; token: "<EOF>", near: "="', undefined, undefined, "FilterExpression");
  });

  test("empty and oversized expressions", () => {
    refused("", "Invalid ConditionExpression: The expression can not be empty;");
    const long = "attribute_exists(a) AND ".repeat(200) + "attribute_exists(a)";
    refused(long, `Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: ${long.length}`);
  });

  test("at most 300 operators; the count is told as 301 however many there are", () => {
    const expr = Array.from({ length: 151 }, () => "attribute_exists(a)").join(" OR ");
    refused(expr, "Invalid ConditionExpression: The expression contains too many operators; operator count: 301");
    // 909 operators ("<" and "or"), well under 4 KB.
    const nested = "a<b " + "or (a<b ".repeat(454) + ")".repeat(454);
    refused(nested, "Invalid ConditionExpression: The expression contains too many operators; operator count: 301");
  });

  test("redundant parentheses around a condition or an operand", () => {
    refused("((a = :v))", "Invalid ConditionExpression: The expression has redundant parentheses;", { ":v": { S: "x" } });
    refused("((a)) = :v", "Invalid ConditionExpression: The expression has redundant parentheses;", { ":v": { S: "x" } });
    refused(
      "(a = :v) AND ((attribute_not_exists(b) OR b <= :v))",
      "Invalid ConditionExpression: The expression has redundant parentheses;",
      { ":v": { S: "x" } },
    );
    assert.doesNotThrow(() => parse("(a = :v) AND (b = :v OR (c = :v))", { ":v": { S: "x" } }));
  });

  test("parsed trees are cached by text but bound per request", () => {
    const expr = "k = :v";
    assert.ok(holds(expr, { k: { S: "one" } }, { ":v": { S: "one" } }));
    assert.ok(!holds(expr, { k: { S: "one" } }, { ":v": { S: "two" } }));
    refused(expr, "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v");
  });
});
