import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AwsError } from "../../../core/errors.js";
import type { Expr, SelectStatement, UpdateStatement } from "./ast.js";
import { tokenize } from "./lexer.js";
import { parseStatement } from "./parser.js";

const ENVELOPE = "Statement wasn't well formed, can't be processed: ";

function refusal(text: string): AwsError {
  try {
    parseStatement(text);
  } catch (err) {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, "ValidationException");
    assert.equal(err.status, 400);
    return err;
  }
  assert.fail(`expected ${text} to be refused`);
}

function select(text: string): SelectStatement {
  const s = parseStatement(text).statement;
  assert.equal(s.kind, "select");
  return s as SelectStatement;
}

describe("PartiQL lexer", () => {
  test("strings and names undo doubled quotes; comments and whitespace vanish", () => {
    const tokens = tokenize(`SELECT "a""b" FROM t -- note\n WHERE x = 'it''s' /* block */ ;`);
    assert.deepEqual(
      tokens.map((t) => [t.kind, t.text]),
      [
        ["ident", "SELECT"],
        ["quoted", 'a"b'],
        ["ident", "FROM"],
        ["ident", "t"],
        ["ident", "WHERE"],
        ["ident", "x"],
        ["=", "="],
        ["string", "it's"],
        [";", ";"],
        ["eof", ""],
      ],
    );
  });

  test("numbers with points and exponents, bags and two-character operators", () => {
    const tokens = tokenize("1.5e-3 .5 10 <<1>> <> != <= >= ||");
    assert.deepEqual(
      tokens.map((t) => t.kind),
      ["number", "number", "number", "<<", "number", ">>", "<>", "!=", "<=", ">=", "||", "eof"],
    );
    assert.equal(tokens[0]?.text, "1.5e-3");
  });
});

describe("PartiQL statements", () => {
  test("a table named by its ARN in double quotes is one component, an index after it another", () => {
    const arn = "arn:aws:dynamodb:us-east-1:222222222222:table/Orders";
    assert.deepEqual(select(`SELECT * FROM "${arn}"."by-status" WHERE pk = ?`).from.components, [arn, "by-status"]);
  });

  test("SELECT with projection, index source, WHERE and ORDER BY", () => {
    const s = select(`select a, "b".c[2], d['e'] from "T"."idx" where pk = ? and x > 1 order by sk desc, pk`);
    assert.deepEqual(s.from.components, ["T", "idx"]);
    assert.equal(Array.isArray(s.projection) && s.projection.length, 3);
    const second = (s.projection as Expr[])[1];
    assert.deepEqual(second?.kind === "path" && [second.root, second.steps], ["b", [{ kind: "name", name: "c" }, { kind: "index", index: 2 }]]);
    const third = (s.projection as Expr[])[2];
    assert.deepEqual(third?.kind === "path" && third.steps, [{ kind: "name", name: "e" }]);
    assert.equal(s.where?.kind, "and");
    assert.deepEqual(
      s.orderBy?.map((o) => [o.path.root, o.descending]),
      [
        ["sk", true],
        ["pk", false],
      ],
    );
  });

  test("parameters are numbered in the order written, wherever they stand", () => {
    const parsed = parseStatement(`INSERT INTO t VALUE {'pk': ?, 'l': [?, {'m': ?}]}`);
    assert.equal(parsed.parameterCount, 3);
    const p = parseStatement(`SELECT * FROM t WHERE a = 'a ? b' AND b = ?`);
    assert.equal(p.parameterCount, 1);
  });

  test("precedence: NOT binds tighter than AND, AND tighter than OR", () => {
    const s = select("SELECT * FROM t WHERE NOT a = 1 AND b = 2 OR c = 3");
    assert.equal(s.where?.kind, "or");
    const left = s.where?.kind === "or" ? s.where.left : undefined;
    assert.equal(left?.kind, "and");
    assert.equal(left?.kind === "and" ? left.left.kind : undefined, "not");
  });

  test("IN, BETWEEN, IS and their negations", () => {
    const s = select("SELECT * FROM t WHERE a IN [1, 2] AND b NOT IN (3) AND c BETWEEN 1 AND 5 AND d IS NOT MISSING AND e IS NULL AND f NOT BETWEEN 1 AND 2");
    const kinds: string[] = [];
    const walk = (e: Expr) => {
      if (e.kind === "and") {
        walk(e.left);
        walk(e.right);
      } else kinds.push(`${e.kind}${"negated" in e && e.negated ? "!" : ""}`);
    };
    walk(s.where as Expr);
    assert.deepEqual(kinds, ["in", "in!", "between", "is!", "is", "between!"]);
  });

  test("UPDATE takes several SET and REMOVE clauses; the FROM-first spelling too", () => {
    const u = parseStatement("UPDATE t SET a = 1, b.c = b.c + 1 SET d = list_append(d, [1]) REMOVE e, f[0] WHERE pk = 'k' RETURNING ALL NEW *").statement as UpdateStatement;
    assert.deepEqual(
      u.clauses.map((c) => `${c.kind}:${c.path.root}`),
      ["set:a", "set:b", "set:d", "remove:e", "remove:f"],
    );
    assert.equal(u.returning, "ALL NEW");
    const f = parseStatement("FROM t WHERE pk = 'k' SET a = 1").statement as UpdateStatement;
    assert.equal(f.kind, "update");
    assert.equal(f.where?.kind, "compare");
  });

  test("values: strings, numbers, negative numbers, booleans, null, lists, maps, bags", () => {
    const p = parseStatement(`INSERT INTO t VALUE {'a': 'x', 'b': -1.5, 'c': TRUE, 'd': null, 'e': [1, 'y'], 'f': {'g': <<1, 2>>}}`);
    assert.equal(p.statement.kind, "insert");
  });

  test("keywords are case-insensitive and a trailing semicolon is allowed", () => {
    assert.equal(parseStatement("select * from t where pk = 1;").statement.kind, "select");
    assert.equal(parseStatement("DELETE FROM t WHERE pk = 1 RETURNING ALL OLD *").statement.kind, "delete");
    assert.equal(parseStatement(`EXISTS(SELECT * FROM t WHERE pk = 1 AND a IS MISSING)`).statement.kind, "exists");
  });
});

describe("PartiQL syntax errors (DynamoDB's wording)", () => {
  const cases: [string, string][] = [
    [`SELECT * FROM "t" WHERE pk = 1 foo`, `${ENVELOPE}Unexpected token after expression`],
    [`SELECT * FROM "t" WHERE pk = 1 e5`, `${ENVELOPE}Unexpected token after expression`],
    [`SELECT * FROM "t" WHERE pk = 1)`, `${ENVELOPE}Unexpected token after expression`],
    [`INSERT INTO "t" VALUE {'pk': 1} foo`, `${ENVELOPE}Unexpected token after expression`],
    [`DELETE FROM "t" WHERE pk = 1 ORDER BY pk`, `${ENVELOPE}Unexpected token after expression`],
    [`SELECT * FROM "t" ORDER BY pk WHERE pk = 1`, `${ENVELOPE}Unexpected token after expression`],
    [`INSERT INTO "t" t VALUE {'pk': 'x'}`, `${ENVELOPE}Unexpected token after expression`],
    [`FROM "t" SET c = 1 WHERE pk = 'x'`, `${ENVELOPE}Unexpected token after expression`],
    [`SELECT * FROM "t" WHERE pk = 1e2147483648`, ENVELOPE],
    [`SELECT * FROM "t" WHERE pk = 1.5e-2147483647`, ENVELOPE],
    [`SELECT * FROM "t" WHERE pk = 1 # note`, ENVELOPE],
    [`SELECT * FROM "t" WHERE pk = 1 /* note`, ENVELOPE],
    [`SELECT * FROM "t`, ENVELOPE],
    [`SELECT * FROM "t" WHERE`, `${ENVELOPE}Unexpected term`],
    [`SELECT * FROM "t" WHERE;`, `${ENVELOPE}Unexpected term`],
    [`SELECT * FROM "t" WHERE NOT`, `${ENVELOPE}Unexpected term`],
    [`SELECT * FROM "t" WHERE (`, `${ENVELOPE}Unexpected term`],
    [`UPDATE "t" SET a = 1 WHERE`, `${ENVELOPE}Unexpected term`],
    [`SELECT * FROM`, `${ENVELOPE}Unexpected term`],
    [`SELECT * FROM "t" WHERE pk = 'p1' AND`, `${ENVELOPE}Missing right-hand side expression of infix operator`],
    [`SELECT * FROM "t" WHERE pk = 'p1' OR`, `${ENVELOPE}Missing right-hand side expression of infix operator`],
    [`SELECT * FROM "t" WHERE ORDER BY pk`, `${ENVELOPE}Unexpected keyword`],
    [`SELECT * FROM "t" WHERE pad = 'none'`, `${ENVELOPE}Unexpected keyword`],
    [`SELECT * FROM "t" WHERE pk = 'a' AND x IS FOO`, `${ENVELOPE}Expected type name`],
    [`SELECT * FROM "t" WHERE IS NULL`, `${ENVELOPE}Unexpected operator`],
    [`SELECT * FROM "t" WHERE pk = LIKE`, `${ENVELOPE}Unexpected operator`],
    [`DELETE FROM`, `${ENVELOPE}Expected identifier for simple path`],
    [`DELETE FROM;`, `${ENVELOPE}Expected identifier for simple path`],
    [`DELETE FROM WHERE pk = 'a'`, `${ENVELOPE}Expected identifier for simple path`],
    [`SLECT * FROM "t" WHERE pk = 'x'`, `${ENVELOPE}Expected data manipulation`],
    [`SELECT * FROM "t" t WHERE pk = 'x'`, "Aliasing is not supported"],
    [`SELECT * FROM "t" AS t WHERE pk = 'x'`, "Aliasing is not supported"],
    [`UPDATE "t" t SET a = 3 WHERE pk = 'x'`, "Aliasing is not supported"],
    [`DELETE FROM "t" t WHERE pk = 'x'`, "Aliasing is not supported"],
    [`SELECT * FROM "t" WHERE pk = 'x' LIMIT 1`, "Unsupported clause: LIMIT"],
    [`SELECT DISTINCT a FROM "t"`, "Unsupported token in expression: DISTINCT"],
    [`SELECT a FROM "t" GROUP BY a`, "Unsupported clause: GROUP BY"],
  ];
  for (const [statement, message] of cases) {
    test(statement, () => assert.equal(refusal(statement).message, message));
  }
});

describe("PartiQL limits", () => {
  test("nesting deeper than the parser allows is refused, not a crash", () => {
    const deep = `SELECT * FROM t WHERE ${"(".repeat(500)}a = 1${")".repeat(500)}`;
    assert.equal(refusal(deep).message, "Statement nesting exceeds the supported depth of 200");
    const nots = `SELECT * FROM t WHERE ${"NOT ".repeat(500)}a = 1`;
    assert.equal(refusal(nots).message, "Statement nesting exceeds the supported depth of 200");
  });
});
