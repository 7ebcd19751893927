import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../../core/errors.js";
import type { Item } from "../attribute-values.js";
import { ParseCache } from "./cache.js";
import { expressionAttributes } from "./context.js";
import { ExpressionSyntaxError } from "./lexer.js";
import { parseProjectionSyntax } from "./parser.js";
import { parseProjection, project } from "./projection.js";

function refused(expr: string, message: string, names?: Record<string, string>): void {
  assert.throws(
    () => parseProjection(expr, expressionAttributes(names, undefined)),
    (err: unknown) => {
      assert.ok(err instanceof AwsError, String(err));
      assert.equal(err.code, "ValidationException");
      assert.equal(err.message, message);
      return true;
    },
  );
}

const item: Item = {
  id: { S: "1" },
  title: { S: "Book" },
  info: { M: { pages: { N: "300" }, authors: { L: [{ S: "Ann" }, { S: "Bob" }, { S: "Cid" }] }, isbn: { S: "x" } } },
  entries: { L: [{ M: { a: { N: "1" }, b: { N: "2" } } }, { M: { a: { N: "3" } } }] },
};

function run(expr: string, names?: Record<string, string>): Item {
  return project(parseProjection(expr, expressionAttributes(names, undefined)), item);
}

describe("ProjectionExpression", () => {
  test("a list index past 4294967294 is refused as written", () => {
    refused("l[99999999999999]", "Invalid ProjectionExpression: List index is not within the allowable range; index: [99999999999999]");
    refused("a.l[4294967295].b", "Invalid ProjectionExpression: List index is not within the allowable range; index: [4294967295]");
    assert.deepEqual(run("info.authors[4294967294]"), {});
  });

  test("a document path is at most 32 levels deep", () => {
    // ScyllaDB Alternator's test_projection_expression_path_nesting_levels, which passes on DynamoDB.
    assert.deepEqual(run(`a${".b".repeat(31)}`), {});
    refused(`a${".b".repeat(32)}`, "Invalid ProjectionExpression: The document path has too many nesting levels; nesting levels: 33");
  });

  test("top-level attributes; missing ones are left out", () => {
    assert.deepEqual(run("id, title, nope"), { id: { S: "1" }, title: { S: "Book" } });
  });

  test("nested map members come back inside their maps", () => {
    assert.deepEqual(run("info.pages, info.isbn"), { info: { M: { pages: { N: "300" }, isbn: { S: "x" } } } });
  });

  test("list elements come back as a shorter list, in index order", () => {
    assert.deepEqual(run("info.authors[2], info.authors[0]"), { info: { M: { authors: { L: [{ S: "Ann" }, { S: "Cid" }] } } } });
    assert.deepEqual(run("info.authors[5]"), {});
  });

  test("maps inside list elements merge per element", () => {
    assert.deepEqual(run("entries[0].b, entries[1].a, entries[0].a"), {
      entries: { L: [{ M: { b: { N: "2" }, a: { N: "1" } } }, { M: { a: { N: "3" } } }] },
    });
  });

  test("names are substituted; reserved words need them", () => {
    assert.deepEqual(run("#d.#p", { "#d": "info", "#p": "pages" }), { info: { M: { pages: { N: "300" } } } });
    refused("name, id", "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name");
    refused("#n", "Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #n", { "#m": "x" });
  });

  test("overlapping or conflicting paths are refused", () => {
    refused(
      "info, info.pages",
      "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [info], path two: [info, pages]",
    );
    refused(
      "info.a, info[0]",
      "Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [info, a], path two: [info, [0]]",
    );
  });

  test("syntax errors", () => {
    refused("a,", 'Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: ","');
    refused("l[a]", 'Invalid ProjectionExpression: Syntax error; token: "a", near: "[a]"');
    refused("a b", 'Invalid ProjectionExpression: Syntax error; token: "b", near: "a b"');
    refused("", "Invalid ProjectionExpression: The expression can not be empty;");
  });
});

describe("parse cache", () => {
  test("returns the same tree for the same text and remembers syntax errors", () => {
    const cache = new ParseCache(2);
    let parses = 0;
    const parse = (s: string) => {
      parses++;
      return parseProjectionSyntax(s);
    };
    const a = cache.get("x, y", parse);
    assert.equal(cache.get("x, y", parse), a);
    assert.throws(() => cache.get("x,", parse), ExpressionSyntaxError);
    assert.throws(() => cache.get("x,", parse), ExpressionSyntaxError);
    assert.equal(parses, 2);
  });

  test("evicts the least recently used entry beyond its capacity", () => {
    const cache = new ParseCache(2);
    let parses = 0;
    const parse = (s: string) => {
      parses++;
      return parseProjectionSyntax(s);
    };
    cache.get("a", parse);
    cache.get("b", parse);
    cache.get("a", parse); // refresh a
    cache.get("c", parse); // evicts b
    assert.equal(cache.size, 2);
    cache.get("a", parse);
    assert.equal(parses, 3);
    cache.get("b", parse);
    assert.equal(parses, 4);
  });
});
