import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Condition, KeySchema } from "../domain/index.js";
import { overlappingBranches } from "./key-branches.js";
import { parseStatement } from "./parser.js";
import { translate } from "./translator.js";
import type { TableMeta } from "../table.js";

const table: TableMeta = {
  name: "kbt",
  id: "id",
  arn: "arn:aws:dynamodb:us-east-1:000000000000:table/kbt",
  createdAt: 0,
  attributeDefinitions: [
    { AttributeName: "pk", AttributeType: "S" },
    { AttributeName: "sk", AttributeType: "S" },
  ],
  keySchema: [
    { AttributeName: "pk", KeyType: "HASH" },
    { AttributeName: "sk", KeyType: "RANGE" },
  ],
  billingMode: "PAY_PER_REQUEST",
  provisioned: { read: 0, write: 0, decreasesToday: 0 },
  gsis: [],
  lsis: [],
  tableClass: "STANDARD",
  deletionProtection: false,
};

const schema: KeySchema = { partitionKey: "pk", sortKey: "sk", types: { pk: "S", sk: "S" } };

/** The bound WHERE of a scan (no partition pinned), so that translating it refuses nothing. */
function where(text: string): Condition {
  const plan = translate(parseStatement(`SELECT * FROM kbt WHERE x = 0 OR (${text})`), [], () => table, { useCase: "statement" });
  assert.ok(plan.kind === "select" && plan.filter?.kind === "or");
  return plan.filter.right;
}

const overlaps = (text: string) => overlappingBranches(where(text), schema);

describe("overlapping key branches", () => {
  test("sort key ranges of one partition overlap only where they meet", () => {
    assert.equal(overlaps(`pk = 'a' AND (sk < '5' OR sk >= '5')`), false);
    assert.equal(overlaps(`pk = 'a' AND (sk <= '5' OR sk >= '5')`), true);
    assert.equal(overlaps(`pk = 'a' AND (sk BETWEEN '1' AND '3' OR '3' < sk)`), false);
    assert.equal(overlaps(`pk = 'a' AND (sk BETWEEN '1' AND '3' OR '3' <= sk)`), true);
    assert.equal(overlaps(`pk = 'a' AND sk = '1' OR pk = 'b' AND sk = '1'`), false);
  });

  test("begins_with reads every value with its prefix", () => {
    assert.equal(overlaps(`pk = 'a' AND (begins_with(sk, 'ab') OR sk = 'ac')`), false);
    assert.equal(overlaps(`pk = 'a' AND (begins_with(sk, 'ab') OR sk = 'abz')`), true);
    assert.equal(overlaps(`pk = 'a' AND (begins_with(sk, 'ab') OR sk > 'a' AND sk < 'ab')`), false);
    assert.equal(overlaps(`pk = 'a' AND (begins_with(sk, 'a\u{10ffff}') OR sk = 'b')`), false);
  });

  test("branches that cannot hold are not read; a sort key IN reads each value once", () => {
    assert.equal(overlaps(`pk = 'a' AND (pk = 'b' OR x = 1)`), false);
    assert.equal(overlaps(`pk = 'a' AND (sk = '1' AND sk = '2' OR x = 1)`), false);
    assert.equal(overlaps(`pk = 'a' AND sk IN ['1', '1']`), false);
    assert.equal(overlaps(`pk = 'a' AND (x = 1 AND y = 1 OR z = 1)`), false);
    assert.equal(overlaps(`pk = 'a' AND (sk IN ['1', '2'] OR sk = '2')`), true);
  });
});
