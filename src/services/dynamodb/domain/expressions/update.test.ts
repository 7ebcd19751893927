import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../../core/errors.js";
import type { AttributeValue, Item } from "../attribute-values.js";
import { expressionAttributes } from "./context.js";
import { applyUpdate, assertKeyNotUpdated, parseUpdate, updatedValues } from "./update.js";

type Values = Record<string, AttributeValue>;

function update(expr: string, item: Item | undefined, values?: Values, names?: Record<string, string>) {
  return applyUpdate(parseUpdate(expr, expressionAttributes(names, values)), item);
}

function isValidation(message: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, "ValidationException");
    assert.equal(err.status, 400);
    assert.equal(err.message, message);
    return true;
  };
}

function refused(expr: string, message: string, values?: Values, names?: Record<string, string>): void {
  assert.throws(() => parseUpdate(expr, expressionAttributes(names, values)), isValidation(message));
}

function failsOn(expr: string, item: Item | undefined, message: string, values?: Values, names?: Record<string, string>): void {
  assert.throws(() => update(expr, item, values, names), isValidation(message));
}

describe("SET", () => {
  test("sets top-level and nested attributes, leaving the input item untouched", () => {
    const before: Item = { a: { M: { b: { S: "old" } } }, keep: { N: "1" } };
    const snapshot = structuredClone(before);
    const r = update("SET a.b = :v, c = :w", before, { ":v": { S: "new" }, ":w": { N: "2" } });
    assert.deepEqual(r.item, { a: { M: { b: { S: "new" } } }, keep: { N: "1" }, c: { N: "2" } });
    assert.deepEqual(before, snapshot);
    assert.deepEqual(r.updatedAttributes, ["a", "c"]);
  });

  test("on a missing item, starts from an empty one", () => {
    const r = update("SET a = :v", undefined, { ":v": { S: "x" } });
    assert.deepEqual(r.item, { a: { S: "x" } });
  });

  test("arithmetic is exact: 0.1 + 0.2 = 0.3, and subtraction", () => {
    const r = update("SET n = n + :a, m = :b - m", { n: { N: "0.1" }, m: { N: "1" } }, { ":a": { N: "0.2" }, ":b": { N: "0.5" } });
    assert.deepEqual(r.item.n, { N: "0.3" });
    assert.deepEqual(r.item.m, { N: "-0.5" });
  });

  test("arithmetic on a missing attribute or a non-number is refused at run time", () => {
    failsOn("SET n = n + :a", {}, "The provided expression refers to an attribute that does not exist in the item", { ":a": { N: "1" } });
    failsOn("SET n = n + :a", { n: { S: "1" } }, "An operand in the update expression has an incorrect data type", { ":a": { N: "1" } });
    failsOn("SET n = :a + :a", {}, "Number overflow. Attempting to store a number with magnitude larger than supported range", { ":a": { N: "9E+125" } });
  });

  test("if_not_exists supplies a default, the atomic-counter idiom", () => {
    const vals = { ":zero": { N: "0" }, ":one": { N: "1" } };
    const first = update("SET c = if_not_exists(c, :zero) + :one", {}, vals);
    assert.deepEqual(first.item.c, { N: "1" });
    const second = update("SET c = if_not_exists(c, :zero) + :one", first.item, vals);
    assert.deepEqual(second.item.c, { N: "2" });
    const keep = update("SET d = if_not_exists(d, :zero)", { d: { S: "x" } }, { ":zero": { N: "0" } });
    assert.deepEqual(keep.item.d, { S: "x" });
  });

  test("list_append concatenates in the order given", () => {
    const vals = { ":x": { L: [{ S: "x" }] } };
    assert.deepEqual(update("SET l = list_append(l, :x)", { l: { L: [{ S: "a" }] } }, vals).item.l, { L: [{ S: "a" }, { S: "x" }] });
    assert.deepEqual(update("SET l = list_append(:x, l)", { l: { L: [{ S: "a" }] } }, vals).item.l, { L: [{ S: "x" }, { S: "a" }] });
    const empty = { ":e": { L: [] } };
    assert.deepEqual(update("SET l = list_append(if_not_exists(l, :e), :x)", {}, { ...empty, ...vals }).item.l, { L: [{ S: "x" }] });
    failsOn("SET l = list_append(l, :x)", {}, "The provided expression refers to an attribute that does not exist in the item", vals);
    failsOn("SET l = list_append(l, :x)", { l: { S: "a" } }, "An operand in the update expression has an incorrect data type", vals);
  });

  test("all operands are read from the item before the update: SET a = b, b = a swaps", () => {
    const r = update("SET a = b, b = a", { a: { S: "1" }, b: { S: "2" } });
    assert.deepEqual(r.item, { a: { S: "2" }, b: { S: "1" } });
  });

  test("list indexes: replace in place, past the end appends", () => {
    const it: Item = { l: { L: [{ S: "a" }, { S: "b" }] } };
    assert.deepEqual(update("SET l[1] = :v", it, { ":v": { S: "B" } }).item.l, { L: [{ S: "a" }, { S: "B" }] });
    assert.deepEqual(update("SET l[10] = :v", it, { ":v": { S: "z" } }).item.l, { L: [{ S: "a" }, { S: "b" }, { S: "z" }] });
    assert.deepEqual(
      update("SET l[9] = :y, l[5] = :x", it, { ":x": { S: "x" }, ":y": { S: "y" } }).item.l,
      { L: [{ S: "a" }, { S: "b" }, { S: "x" }, { S: "y" }] },
    );
    assert.deepEqual(update("SET l[4294967294] = :v", it, { ":v": { S: "z" } }).item.l, { L: [{ S: "a" }, { S: "b" }, { S: "z" }] });
  });

  test("a list index past 4294967294 is refused as written", () => {
    for (const index of ["4294967295", "99999999999999", "00004294967295"]) {
      refused(`SET l[${index}] = :v`, `Invalid UpdateExpression: List index is not within the allowable range; index: [${index}]`, { ":v": { S: "z" } });
    }
    refused("REMOVE a.l[4294967295]", "Invalid UpdateExpression: List index is not within the allowable range; index: [4294967295]");
  });

  test("nested maps inside lists", () => {
    const it: Item = { a: { M: { b: { L: [{ N: "0" }, { N: "1" }, { M: { c: { S: "old" } } }] } } } };
    const r = update("SET a.b[2].c = :v", it, { ":v": { S: "new" } });
    assert.deepEqual(r.item, { a: { M: { b: { L: [{ N: "0" }, { N: "1" }, { M: { c: { S: "new" } } }] } } } });
  });

  test("a path through something that is missing or of the wrong kind is invalid", () => {
    const msg = "The document path provided in the update expression is invalid for update";
    failsOn("SET a.b = :v", {}, msg, { ":v": { S: "x" } });
    failsOn("SET a.b.c = :v", { a: { M: {} } }, msg, { ":v": { S: "x" } });
    failsOn("SET a[0] = :v", { a: { M: {} } }, msg, { ":v": { S: "x" } });
    failsOn("SET a.b = :v", { a: { L: [] } }, msg, { ":v": { S: "x" } });
    failsOn("SET a.b = :v", { a: { S: "scalar" } }, msg, { ":v": { S: "x" } });
  });

  test("operand types known from the values are checked when parsing", () => {
    refused(
      "SET a = :s + :n",
      "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S",
      { ":s": { S: "x" }, ":n": { N: "1" } },
    );
    refused(
      "SET a = list_append(a, :s)",
      "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S",
      { ":s": { S: "x" } },
    );
    refused(
      "SET a = if_not_exists(:s, a)",
      "Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists",
      { ":s": { S: "x" } },
    );
    refused(
      "SET a = list_append(a, :l, :l)",
      "Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 3",
      { ":l": { L: [] } },
    );
    refused("SET a = size(a)", "Invalid UpdateExpression: Invalid function name; function: size");
    refused(
      "SET a = list_append(list_append(:l, :l), :l)",
      "Invalid UpdateExpression: The function is not allowed to be used this way in an expression; function: list_append",
      { ":l": { L: [] } },
    );
    const nested = update("SET a = list_append(if_not_exists(a, :l), :m)", {}, { ":l": { L: [{ S: "x" }] }, ":m": { L: [{ S: "y" }] } });
    assert.deepEqual(nested.item, { a: { L: [{ S: "x" }, { S: "y" }] } });
  });
});

describe("REMOVE", () => {
  test("removes attributes, map members and list elements; missing ones are ignored", () => {
    const it: Item = { a: { S: "x" }, m: { M: { k: { S: "v" }, j: { S: "w" } } }, l: { L: [{ N: "0" }, { N: "1" }, { N: "2" }] } };
    const r = update("REMOVE a, m.k, l[1], nope, l[7]", it);
    assert.deepEqual(r.item, { m: { M: { j: { S: "w" } } }, l: { L: [{ N: "0" }, { N: "2" }] } });
  });

  test("list indexes refer to the original positions", () => {
    const it: Item = { l: { L: [{ N: "0" }, { N: "1" }, { N: "2" }, { N: "3" }] } };
    assert.deepEqual(update("REMOVE l[1], l[2]", it).item.l, { L: [{ N: "0" }, { N: "3" }] });
    assert.deepEqual(update("REMOVE l[0] SET l[1] = :v", it, { ":v": { S: "one" } }).item.l, { L: [{ S: "one" }, { N: "2" }, { N: "3" }] });
  });
});

describe("ADD and DELETE", () => {
  test("ADD adds to numbers, starting from 0 when missing", () => {
    assert.deepEqual(update("ADD n :v", { n: { N: "5" } }, { ":v": { N: "-2.5" } }).item.n, { N: "2.5" });
    assert.deepEqual(update("ADD n :v", undefined, { ":v": { N: "3" } }).item.n, { N: "3" });
    assert.deepEqual(update("ADD m.n :v", { m: { M: {} } }, { ":v": { N: "1" } }).item.m, { M: { n: { N: "1" } } });
  });

  test("ADD unions sets of the same type", () => {
    assert.deepEqual(update("ADD s :v", { s: { SS: ["a", "b"] } }, { ":v": { SS: ["b", "c"] } }).item.s, { SS: ["a", "b", "c"] });
    assert.deepEqual(update("ADD s :v", { s: { NS: ["1"] } }, { ":v": { NS: ["1.0", "2"] } }).item.s, { NS: ["1", "2"] });
    assert.deepEqual(update("ADD s :v", {}, { ":v": { BS: [Buffer.from([1])] } }).item.s, { BS: [Buffer.from([1])] });
  });

  test("ADD on a different type is refused at run time", () => {
    const msg = "An operand in the update expression has an incorrect data type";
    failsOn("ADD s :v", { s: { SS: ["a"] } }, msg, { ":v": { NS: ["1"] } });
    failsOn("ADD s :v", { s: { S: "a" } }, msg, { ":v": { N: "1" } });
    failsOn("ADD s :v", { s: { N: "1" } }, msg, { ":v": { SS: ["a"] } });
  });

  test("ADD and DELETE refuse the wrong kind of operand when parsing", () => {
    refused("ADD a :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND", { ":v": { S: "x" } });
    refused("ADD a :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND", { ":v": { L: [] } });
    refused("DELETE a :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_ADD_OPERAND", { ":v": { N: "1" } });
    refused("DELETE a :v", "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: MAP, typeSet: ALLOWED_FOR_ADD_OPERAND", { ":v": { M: {} } });
  });

  test("DELETE removes set members; an emptied set disappears; a missing attribute is ignored", () => {
    assert.deepEqual(update("DELETE s :v", { s: { SS: ["a", "b", "c"] } }, { ":v": { SS: ["b", "x"] } }).item.s, { SS: ["a", "c"] });
    assert.deepEqual(update("DELETE s :v", { s: { NS: ["1", "2"] } }, { ":v": { NS: ["2.0"] } }).item.s, { NS: ["1"] });
    assert.deepEqual(update("DELETE s :v", { s: { SS: ["a"] } }, { ":v": { SS: ["a"] } }).item, {});
    assert.deepEqual(update("DELETE s :v", {}, { ":v": { SS: ["a"] } }).item, {});
    failsOn("DELETE s :v", { s: { NS: ["1"] } }, "An operand in the update expression has an incorrect data type", { ":v": { SS: ["a"] } });
  });
});

describe("expression-level rules", () => {
  test("each clause at most once", () => {
    refused("SET a = :v SET b = :v", 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;', { ":v": { S: "x" } });
    refused("REMOVE a REMOVE b", 'Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;');
  });

  test("clauses may come in any order and keywords in any case", () => {
    const r = update("remove x add n :one set a = :v delete s :s", { x: { S: "x" }, s: { SS: ["a", "b"] } }, {
      ":one": { N: "1" },
      ":v": { S: "v" },
      ":s": { SS: ["a"] },
    });
    assert.deepEqual(r.item, { n: { N: "1" }, a: { S: "v" }, s: { SS: ["b"] } });
  });

  test("overlapping and conflicting paths are refused", () => {
    refused(
      "SET a = :v REMOVE a.b",
      "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]",
      { ":v": { S: "x" } },
    );
    refused(
      "SET a = :v, a = :v",
      "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]",
      { ":v": { S: "x" } },
    );
    refused(
      "SET a.b = :v REMOVE a[1]",
      "Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a, [1]]",
      { ":v": { S: "x" } },
    );
    assert.doesNotThrow(() => parseUpdate("SET a.b = :v, a.c = :v REMOVE a.d[0], a.d[1]", expressionAttributes(undefined, { ":v": { S: "x" } })));
  });

  test("placeholders and reserved words", () => {
    refused("SET #x = :v", "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x", { ":v": { S: "x" } });
    refused("SET a = :nope", "Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :nope");
    refused("SET status = :v", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status", { ":v": { S: "x" } });
    refused("ADD counter :v", "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: counter", { ":v": { N: "1" } });
    assert.deepEqual(update("SET #s = :v", {}, { ":v": { S: "on" } }, { "#s": "status" }).item, { status: { S: "on" } });
  });

  test("syntax errors", () => {
    refused("SET", 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET"');
    refused("SET a", 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "a"');
    refused("SET a = :v,", 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ","', { ":v": { S: "x" } });
    refused("UPSERT a = :v", 'Invalid UpdateExpression: Syntax error; token: "UPSERT", near: "UPSERT a"', { ":v": { S: "x" } });
    refused("ADD a b", 'Invalid UpdateExpression: Syntax error; token: "b", near: "a b"');
    refused("SET a = :v + :v + :v", 'Invalid UpdateExpression: Syntax error; token: "+", near: ":v + :v"', { ":v": { N: "1" } });
    refused("", "Invalid UpdateExpression: The expression can not be empty;");
  });

  test("a name starts with a letter; underscores and digits may follow, and any word character after # or :", () => {
    const v = { ":v": { N: "1" } };
    refused("SET _123 = :v", 'Invalid UpdateExpression: Syntax error; token: "_", near: "SET _123"', v);
    refused("SET a = _f(b)", 'Invalid UpdateExpression: Syntax error; token: "_", near: "= _f"');
    assert.deepEqual(update("SET A123_ = :v, #_ = :_", {}, { ":v": { N: "1" }, ":_": { N: "2" } }, { "#_": "u" }).item, { A123_: { N: "1" }, u: { N: "2" } });
  });
});

describe("results for ReturnValues", () => {
  test("UPDATED_OLD / UPDATED_NEW project the updated paths, nested ones included", () => {
    const old: Item = { a: { M: { b: { S: "old" }, other: { S: "same" } } }, n: { N: "1" }, gone: { S: "bye" }, keep: { S: "k" } };
    const r = update("SET a.b = :v ADD n :one REMOVE gone", old, { ":v": { S: "new" }, ":one": { N: "1" } });
    assert.deepEqual(updatedValues(r, old), { a: { M: { b: { S: "old" } } }, n: { N: "1" }, gone: { S: "bye" } });
    assert.deepEqual(updatedValues(r, r.item), { a: { M: { b: { S: "new" } } }, n: { N: "2" } });
    assert.deepEqual(r.updatedAttributes, ["a", "n", "gone"]);
  });

  test("an append past the end of a list keeps the index it named, where neither item holds anything", () => {
    const old: Item = { l: { L: [{ S: "a" }] } };
    const r = update("SET l[7] = :v", old, { ":v": { S: "z" } });
    assert.deepEqual(r.item, { l: { L: [{ S: "a" }, { S: "z" }] } });
    assert.deepEqual(r.updatedPaths, [["l", 7]]);
    assert.deepEqual(updatedValues(r, r.item), {});
    assert.deepEqual(updatedValues(r, old), {});
  });

  test("key attributes cannot be updated", () => {
    const actions = parseUpdate("SET pk = :v", expressionAttributes(undefined, { ":v": { S: "x" } }));
    assert.throws(
      () => assertKeyNotUpdated(actions, ["pk", "sk"]),
      isValidation("One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"),
    );
  });
});
