import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AwsError } from "../../../core/errors.js";
import { evaluateCondition, type AttributeValue, type Condition, type Item } from "../domain/index.js";
import type { IndexMeta, TableMeta } from "../table.js";
import { parseStatement } from "./parser.js";
import { translate, type Plan, type SelectPlan, type UseCase } from "./translator.js";

function meta(name: string, opts: { sortKey?: "S" | "N"; gsis?: IndexMeta[]; lsis?: IndexMeta[]; extra?: { AttributeName: string; AttributeType: "S" | "N" | "B" }[] } = {}): TableMeta {
  return {
    name,
    id: "id",
    arn: `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`,
    createdAt: 0,
    attributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      ...(opts.sortKey ? [{ AttributeName: "sk", AttributeType: opts.sortKey }] : []),
      ...(opts.extra ?? []),
    ],
    keySchema: [{ AttributeName: "pk", KeyType: "HASH" }, ...(opts.sortKey ? [{ AttributeName: "sk", KeyType: "RANGE" as const }] : [])],
    billingMode: "PAY_PER_REQUEST",
    provisioned: { read: 0, write: 0, decreasesToday: 0 },
    gsis: opts.gsis ?? [],
    lsis: opts.lsis ?? [],
    tableClass: "STANDARD",
    deletionProtection: false,
  };
}

const gsi: IndexMeta = {
  name: "by-g",
  kind: "GSI",
  keySchema: [
    { AttributeName: "g", KeyType: "HASH" },
    { AttributeName: "gs", KeyType: "RANGE" },
  ],
  projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["inc"] },
};

const tables: Record<string, TableMeta> = {
  hhh: meta("hhh"),
  ccc: meta("ccc", { sortKey: "N", gsis: [gsi], extra: [{ AttributeName: "g", AttributeType: "S" }, { AttributeName: "gs", AttributeType: "N" }] }),
};

function plan(statement: string, params: AttributeValue[] = [], useCase: UseCase = "statement", consistentRead?: boolean): Plan {
  return translate(parseStatement(statement), params, (n) => tables[n], { useCase, consistentRead });
}

function selectPlan(statement: string, params: AttributeValue[] = []): SelectPlan {
  const p = plan(statement, params);
  assert.equal(p.kind, "select");
  return p as SelectPlan;
}

function filterOf(statement: string, params: AttributeValue[] = []): Condition {
  const f = selectPlan(statement, params).filter;
  assert.ok(f, "the statement has a WHERE");
  return f;
}

function refusal(statement: string, params: AttributeValue[] = [], useCase: UseCase = "statement", consistentRead?: boolean): AwsError {
  try {
    plan(statement, params, useCase, consistentRead);
  } catch (err) {
    assert.ok(err instanceof AwsError, String(err));
    return err;
  }
  assert.fail(`expected ${statement} to be refused`);
}

describe("SELECT plans", () => {
  test("an equality on the partition key reads that partition; anything else scans", () => {
    assert.deepEqual(selectPlan(`SELECT * FROM hhh WHERE pk = 'a'`).segments.map((s) => s?.partitionKey.value), [{ S: "a" }]);
    assert.deepEqual(selectPlan(`SELECT * FROM hhh WHERE x = 'a'`).segments, [undefined]);
    assert.deepEqual(selectPlan(`SELECT * FROM hhh`).segments, [undefined]);
    assert.deepEqual(selectPlan(`SELECT * FROM hhh WHERE pk > 'a'`).segments, [undefined]);
    assert.deepEqual(selectPlan(`SELECT * FROM hhh WHERE pk = 'a' OR x = 1`).segments, [undefined]);
  });

  test("IN and OR of equalities read each partition once, in key order", () => {
    const values = (s: string) => selectPlan(s).segments.map((x) => x?.partitionKey.value.S);
    assert.deepEqual(values(`SELECT * FROM hhh WHERE pk IN ['b', 'a']`), ["a", "b"]);
    // A partition read twice overlaps (captured from DynamoDB in floci-io/floci DynamoDbPartiQLEdgeCaseIntegrationTest).
    assert.equal(refusal(`SELECT * FROM hhh WHERE pk IN ['b', 'a', 'b']`).message, "Overlapping conditions with range keys are not supported in where clause");
    assert.deepEqual(values(`SELECT * FROM hhh WHERE pk = 'z' OR pk = 'y'`), ["y", "z"]);
    assert.deepEqual(values(`SELECT * FROM hhh WHERE x = 1 AND (pk = 'q' OR pk = 'p')`), ["p", "q"]);
    // Strings order by their UTF-8 bytes: U+FFEF (EF BF AF) before U+1D11E (F0 9D 84 9E), whose UTF-16 surrogates sort first.
    assert.deepEqual(values(`SELECT * FROM hhh WHERE pk IN ['\u{1D11E}', '\uFFEF', 'a']`), ["a", "\uFFEF", "\u{1D11E}"]);
  });

  test("a sort key condition beside the partition key narrows the range", () => {
    const cases: [string, string, string[]][] = [
      ["sk = 5", "EQ", ["5"]],
      ["sk < 5", "LT", ["5"]],
      ["5 < sk", "GT", ["5"]],
      ["sk >= 5", "GE", ["5"]],
      ["sk BETWEEN 1 AND 9", "BETWEEN", ["1", "9"]],
    ];
    for (const [where, operator, values] of cases) {
      const s = selectPlan(`SELECT * FROM ccc WHERE pk = 'a' AND ${where}`).segments[0]?.sortKey;
      assert.equal(s?.operator, operator, where);
      assert.deepEqual(s?.values.map((v) => v.N), values, where);
    }
  });

  test("the whole WHERE stays the filter, keys included", () => {
    const filter = filterOf(`SELECT * FROM ccc WHERE pk = ? AND sk > 1 AND contains(tags, 'x')`, [{ S: "a" }]);
    const yes: Item = { pk: { S: "a" }, sk: { N: "2" }, tags: { SS: ["x"] } };
    const no: Item = { pk: { S: "a" }, sk: { N: "2" }, tags: { SS: ["y"] } };
    assert.equal(evaluateCondition(filter, yes), true);
    assert.equal(evaluateCondition(filter, no), false);
  });

  test("IS MISSING, IS NULL, NOT, nested paths and begins_with bind to the expression engine", () => {
    const item: Item = { pk: { S: "a" }, m: { M: { l: { L: [{ S: "first" }] } } }, n: { NULL: true } };
    const holds = (where: string) => evaluateCondition(filterOf(`SELECT * FROM hhh WHERE ${where}`), item);
    assert.equal(holds("gone IS MISSING"), true);
    assert.equal(holds("m IS NOT MISSING"), true);
    assert.equal(holds("n IS NULL"), true);
    assert.equal(holds("gone IS NULL"), false);
    assert.equal(holds("gone IS NOT NULL"), true);
    assert.equal(holds("begins_with(m.l[0], 'fir')"), true);
    assert.equal(holds("NOT begins_with(m.l[0], 'fir')"), false);
    assert.equal(holds("m.l[0] IN ['x', 'first']"), true);
    assert.equal(holds("attribute_exists(m.l)"), true);
    assert.equal(holds("size(m.l) = 1"), true);
    assert.equal(holds(`"pk" <> 'b'`), true);
  });

  test("projected paths come back under their last name", () => {
    const p = selectPlan(`SELECT m.k[1], l[0], m.z, pk FROM hhh`);
    assert.deepEqual(
      p.projection?.map((x) => [x.name, x.path]),
      [
        ["k[1]", ["m", "k", 1]],
        ["l[0]", ["l", 0]],
        ["z", ["m", "z"]],
        ["pk", ["pk"]],
      ],
    );
    assert.equal(refusal(`SELECT m.z, z FROM hhh`).message, "Duplicate identifiers in select clause: z");
  });

  test("ORDER BY rules", () => {
    assert.equal(selectPlan(`SELECT * FROM ccc WHERE pk = 'a' ORDER BY sk DESC`).descending, true);
    assert.equal(selectPlan(`SELECT * FROM ccc WHERE pk = 'a' ORDER BY sk`).descending, false);
    // As DynamoDB answers: ordering by the partition key alone reads sort keys descending.
    assert.equal(selectPlan(`SELECT * FROM ccc WHERE pk = 'a' ORDER BY pk ASC`).descending, true);
    assert.deepEqual(
      selectPlan(`SELECT * FROM ccc WHERE pk IN ['a', 'b'] ORDER BY pk DESC, sk`).segments.map((s) => s?.partitionKey.value.S),
      ["b", "a"],
    );
    assert.equal(refusal(`SELECT * FROM ccc ORDER BY sk`).message, "Must have WHERE clause in the statement when using ORDER BY clause.");
    assert.equal(refusal(`SELECT * FROM ccc WHERE pk = 'o' ORDER BY Total DESC`).message, "Attribute Total in ORDER BY clause must be part of the primary key");
    assert.equal(
      refusal(`SELECT * FROM ccc WHERE pk > 'a' ORDER BY sk`).message,
      "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause.",
    );
    assert.equal(
      refusal(`SELECT * FROM ccc WHERE pk IN ['o', 'p'] ORDER BY sk DESC`).message,
      "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause.",
    );
  });

  test("indexes: the index key is the partition to read; projection limits", () => {
    const p = selectPlan(`SELECT * FROM ccc."by-g" WHERE g = 'x' AND gs > 3`);
    assert.equal(p.index?.name, "by-g");
    assert.equal(p.select, "ALL_PROJECTED_ATTRIBUTES");
    assert.equal(p.segments[0]?.partitionKey.name, "g");
    assert.equal(p.segments[0]?.sortKey?.operator, "GT");
    assert.equal(refusal(`SELECT * FROM ccc."nope" WHERE g = 'x'`).message, "The table does not have the specified index");
    assert.equal(
      refusal(`SELECT other FROM ccc."by-g" WHERE g = 'x'`).message,
      "One or more parameter values were invalid: Global secondary index by-g does not project [other]",
    );
    assert.equal(
      refusal(`SELECT pk FROM ccc."by-g" WHERE g = 'x' AND other = 1`).message,
      "One or more parameter values were invalid: Secondary index by-g does not project one or more filter attributes: [other]",
    );
    assert.equal(
      refusal(`SELECT pk FROM ccc."by-g" WHERE g IN ['x', 'y'] AND other = 1`).message,
      "One or more parameter values were invalid: Secondary index by-g does not project one or more filter attributes: [other]",
    );
    // Unkeyed (no top-level g = or g IN), the index is scanned and the filter runs on its rows.
    assert.deepEqual(selectPlan(`SELECT pk FROM ccc."by-g" WHERE other = 1`).segments, [undefined]);
    assert.equal(selectPlan(`SELECT pk FROM ccc."by-g" WHERE (g = 'x' AND other = 1) OR g = 'y'`).index?.name, "by-g");
    assert.equal(refusal(`SELECT * FROM ccc."by-g" WHERE g = 'x'`, [], "statement", true).message, "Strongly consistent read is not supported on Global Secondary Indexes");
    assert.equal(selectPlan(`SELECT inc, pk FROM ccc."by-g" WHERE g = 'x'`).projection?.length, 2);
  });

  test("FROM components and unknown tables", () => {
    assert.equal(refusal(`SELECT * FROM "" WHERE pk = 'p'`).message, "Path component cannot be an empty string");
    assert.equal(refusal(`SELECT * FROM hhh."" WHERE pk = 'p'`).message, "Path component cannot be an empty string");
    assert.equal(refusal(`SELECT * FROM hhh."a"."b" WHERE pk = 'p'`).message, "A path may contain at most 2 components in the FROM clause");
    const missing = refusal(`SELECT * FROM nowhere WHERE pk = 'p'`);
    assert.equal(missing.code, "ResourceNotFoundException");
    assert.equal(missing.message, "Requested resource not found");
  });

  test("operand and literal checks", () => {
    assert.equal(
      refusal(`SELECT pk FROM hhh WHERE pk = 'x' AND val < ?`, [{ BOOL: true }]).message,
      "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL",
    );
    assert.equal(
      refusal(`SELECT pk FROM hhh WHERE pk = 'x' AND attribute_type(Total, 'X')`).message,
      "Invalid attribute type name found; type: X, valid types: {N,BS,L,B,NULL,M,S,SS,NS,BOOL}",
    );
    assert.equal(refusal(`SELECT * FROM hhh WHERE pk = 1e126`).message, "Number overflow. Attempting to store a number with magnitude larger than supported range under root");
    assert.equal(refusal(`SELECT * FROM hhh WHERE pk = 1e-131`).message, "Number underflow. Attempting to store a number with magnitude smaller than supported range under root");
    assert.equal(
      refusal(`SELECT * FROM hhh WHERE pk = 123456789012345678901234567890123456789`).message,
      "Attempting to store more than 38 significant digits in a Number under root",
    );
    assert.equal(refusal(`SELECT * FROM hhh WHERE pk = ?`).message, "Number of parameters in request and statement don't match.");
    assert.equal(refusal(`SELECT * FROM hhh WHERE pk = 1`).message, "Key attribute's data type should match its data type in table's schema: Key pk");
  });
});

describe("write plans", () => {
  test("INSERT: the item from a struct with parameters, sets, lists and maps", () => {
    const p = plan(`INSERT INTO ccc VALUE {'pk': ?, 'sk': 1, 'ns': <<1, 2.50>>, 'ss': <<'a'>>, 'l': [TRUE, NULL], 'm': {'x': -1}}`, [{ S: "k" }]);
    assert.equal(p.kind, "insert");
    assert.deepEqual(p.kind === "insert" && p.item, {
      pk: { S: "k" },
      sk: { N: "1" },
      ns: { NS: ["1", "2.5"] },
      ss: { SS: ["a"] },
      l: { L: [{ BOOL: true }, { NULL: true }] },
      m: { M: { x: { N: "-1" } } },
    });
  });

  test("INSERT refusals", () => {
    assert.equal(refusal(`INSERT INTO ccc VALUE {'pk': 'a'}`).message, "Key attribute should be present in the item: Key sk");
    assert.equal(refusal(`INSERT INTO ccc VALUE {'pk': 'a', 'sk': 'b'}`).message, "Key attribute's data type should match its data type in table's schema: Key sk");
    assert.equal(refusal(`INSERT INTO hhh VALUE ?`, [{ M: {} }]).message, "Unsupported format in item expression. Please use struct format {...} to express item values for insert statement.");
    assert.equal(refusal(`INSERT INTO hhh."i" VALUE {'pk': 'a'}`).message, "FROM clause may only contain a single table name in data manipulation statements");
    assert.equal(refusal(`INSERT INTO hhh VALUE {'pk': 'a'} RETURNING ALL OLD *`).message, "RETURNING is not supported in INSERT");
    assert.equal(refusal(`INSERT INTO hhh VALUE {'pk': 'a', 's': <<>>}`).message, "Empty bags are not supported");
    assert.equal(refusal(`INSERT INTO hhh VALUE {'pk': 'a', 's': <<1, 'a'>>}`).message, "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
    assert.equal(refusal(`INSERT INTO hhh VALUE {'pk': 'a', 's': <<'a', 'a'>>}`).message, "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
    assert.equal(refusal(`INSERT INTO hhh VALUE {'pk': 'a', 'm': {'x': 1e126}}`).message, "Number overflow. Attempting to store a number with magnitude larger than supported range under root.x");
    assert.equal(refusal(`INSERT INTO hhh VALUE {'pk': 'a', 'l': [1, 1e126]}`).message, "Number overflow. Attempting to store a number with magnitude larger than supported range under root[1]");
    assert.equal(refusal(`INSERT INTO hhh VALUE {'pk': 'a', 'pk': 'b'}`).message, "Duplicate keys in tuple. Key: pk under root");
  });

  test("UPDATE: key from the WHERE, the rest a condition, SET functions become ADD/DELETE", () => {
    const p = plan(
      `UPDATE ccc SET n = n + 1, s = set_add(s, <<'x'>>), t = set_delete(t, <<1>>), l = list_append(l, [2]), m.a = 'v' REMOVE r WHERE sk = 2 AND pk = 'a' AND v = 1 RETURNING MODIFIED NEW *`,
    );
    assert.equal(p.kind, "update");
    if (p.kind !== "update") return;
    assert.deepEqual(p.key, { pk: { S: "a" }, sk: { N: "2" } });
    assert.deepEqual(
      p.actions.map((a) => [a.kind, a.path]),
      [
        ["SET", ["n"]],
        ["ADD", ["s"]],
        ["DELETE", ["t"]],
        ["SET", ["l"]],
        ["SET", ["m", "a"]],
        ["REMOVE", ["r"]],
      ],
    );
    assert.equal(p.condition?.kind, "compare");
    assert.equal(p.returnValues, "UPDATED_NEW");
  });

  test("UPDATE and DELETE refusals", () => {
    const whereKey = "Where clause does not contain a mandatory equality on all key attributes";
    assert.equal(refusal(`UPDATE ccc SET a = 1 WHERE pk = 'a'`).message, whereKey);
    assert.equal(refusal(`UPDATE ccc SET a = 1 WHERE pk = 'a' OR sk = 1`).message, whereKey);
    assert.equal(refusal(`FROM hhh SET c = 1`).message, whereKey);
    assert.equal(refusal(`FROM hhh WHERE a = 1 SET c = 1`).message, whereKey);
    assert.equal(refusal(`DELETE FROM hhh WHERE "name" = 'alpha'`).message, whereKey);
    assert.equal(refusal(`DELETE FROM hhh`).message, whereKey);
    // An UPDATE without WHERE is refused for its WHERE before its table is looked up.
    assert.equal(refusal(`UPDATE nowhere SET a = 1`).message, whereKey);
    assert.equal(refusal(`FROM nowhere WHERE pk = 'x' SET c = 1`).code, "ResourceNotFoundException");
    assert.equal(
      refusal(`UPDATE hhh SET a = 1 WHERE pk = 'a' AND pk = 'b'`).message,
      "Multiple conditions on same key pk. Only single item Update/Insert/Delete are supported",
    );
    assert.equal(refusal(`UPDATE hhh SET a = 1 WHERE pk = 1`).message, "Key attribute's data type should match its data type in table's schema: Key pk");
    assert.equal(refusal(`UPDATE hhh."idx" SET a = 1 WHERE pk = 'x'`).message, "This operation is not supported on an index");
    assert.equal(refusal(`DELETE FROM hhh."idx" WHERE pk = 'x'`).message, "This operation is not supported on an index");
    assert.equal(
      refusal(`DELETE FROM hhh WHERE pk = 'x' RETURNING MODIFIED OLD *`).message,
      "Invalid returning clause: RETURNING MODIFIED OLD *. Only RETURNING ALL OLD * is allowed in DELETE statements.",
    );
    const statement = `UPDATE "hhh" SET Other = set_add(BandMembers, <<'x'>>) WHERE pk='sets'`;
    const column = statement.indexOf("set_add") + 1;
    assert.equal(refusal(statement).message, `The first argument to SET_ADD must equal the assignment value at 1:${column}:7`);
  });

  test("DELETE keeps the rest of the WHERE as its condition", () => {
    const p = plan(`DELETE FROM hhh WHERE pk = 'a' AND flag = TRUE RETURNING ALL OLD *`);
    assert.equal(p.kind === "delete" && p.returnValues, "ALL_OLD");
    assert.deepEqual(p.kind === "delete" && p.key, { pk: { S: "a" } });
    assert.equal(p.kind === "delete" && p.condition?.kind, "compare");
  });
});

describe("batch and transaction reads", () => {
  test("must name exactly the primary key", () => {
    const ok = plan(`SELECT a FROM ccc WHERE pk = 'a' AND sk = 1`, [], "batch");
    assert.deepEqual(ok.kind === "select" && ok.key, { pk: { S: "a" }, sk: { N: "1" } });
    assert.equal(
      refusal(`SELECT * FROM hhh WHERE val = 'a'`, [], "batch").message,
      "Select statements within BatchExecuteStatement must specify the primary key in the where clause.",
    );
    assert.equal(
      refusal(`SELECT * FROM hhh WHERE pk = 'a' AND x = 1`, [], "transaction").message,
      "Select statements within ExecuteTransaction must specify the primary key in the where clause.",
    );
    assert.equal(refusal(`SELECT * FROM ccc."by-g" WHERE g = 'x'`, [], "transaction").message, "Reads on indices are not supported within transactions.");
  });

  test("EXISTS only in transactions, with a condition beyond the key", () => {
    assert.equal(refusal(`EXISTS(SELECT * FROM hhh WHERE pk = 'a' AND x IS MISSING)`).message, "EXISTS can only be used in ExecuteTransaction write requests.");
    assert.equal(refusal(`EXISTS(SELECT * FROM hhh WHERE pk = 'a')`, [], "transaction").message, "EXISTS() must contain a single item read with additional condition");
    const p = plan(`EXISTS(SELECT * FROM hhh WHERE pk = 'a' AND x IS MISSING)`, [], "transaction");
    assert.equal(p.kind, "exists");
  });
});
