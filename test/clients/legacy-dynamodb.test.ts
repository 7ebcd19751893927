/**
 * Nimbus's DynamoDB 2011-12-05 API (DynamoDB_20111205.*) driven by the clients that speak only it,
 * with signatures enforced: boto 2's boto.dynamodb (Layer2 over its Layer1, Debian's python3-boto
 * 2.49, signed with its HmacAuthV4) and the AWS SDK for Ruby v1's high-level AWS::DynamoDB
 * (Debian's ruby-aws-sdk, SigV4). Both check each response's x-amz-crc32. The scripts in
 * legacy-dynamodb/ print what they saw as one JSON object.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { TEST_SECRET_ACCESS_KEY, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { startClientNimbus } from "./support.js";
import { scriptJson } from "../compat/tools.js";

// Compiled to dist/test/clients; the scripts stay in the source tree.
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), "../../../test/clients/legacy-dynamodb");
// Debian's interpreter: a pyenv python3 earlier on PATH does not see dist-packages.
const PYTHON = "/usr/bin/python3";
const BOTO2 = spawnSync(PYTHON, ["-c", "import boto, boto.dynamodb.layer2; assert boto.__version__.startswith('2.')"], { stdio: "ignore" }).status === 0;
const RUBY_V1 = spawnSync("ruby", ["-e", 'require "aws-sdk"; AWS::DynamoDB::Client'], { stdio: "ignore" }).status === 0;

/** A step that raised something other than a DynamoDB error is recorded with its trace. */
function crashed(seen: Record<string, unknown>): [string, unknown][] {
  return Object.entries(seen).filter(([, v]) => typeof v === "object" && v !== null && !Array.isArray(v) && "trace" in v);
}

describe("DynamoDB 2011-12-05 API with boto 2 and the Ruby SDK v1", () => {
  let nimbus: TestNimbus;
  let home: string;
  before(async () => {
    nimbus = await startClientNimbus();
    home = mkdtempSync(join(tmpdir(), "nimbus-legacy-dynamodb-"));
  });
  after(async () => {
    await nimbus.close();
    rmSync(home, { recursive: true, force: true });
  });

  function observed(command: string, script: string, table: string): Promise<Record<string, unknown>> {
    // HOME without a ~/.boto, so only what the script sets configures boto.
    const env = { PATH: process.env["PATH"] ?? "", LANG: "C.UTF-8", HOME: home, BOTO_CONFIG: "/dev/null", ACCESS_KEY: "AKIAIOSFODNN7EXAMPLE", SECRET_KEY: TEST_SECRET_ACCESS_KEY };
    return scriptJson(command, [join(SCRIPTS, script)], { ...env, PORT: new URL(nimbus.url).port, TABLE: table });
  }

  test("boto.dynamodb (Layer2): tables, items, conditional writes, query and scan paging, batches, errors", { skip: BOTO2 ? false : "boto 2 (python3-boto) is not installed for /usr/bin/python3" }, async () => {
    const table = uniqueName("boto2-legacy");
    const seen = await observed(PYTHON, "boto2.py", table);
    assert.deepEqual(crashed(seen), []);
    assert.deepEqual(seen["create"], ["CREATING", "ACTIVE", "user", "S", "ts", "N", 5, 5]);
    assert.equal(seen["listed"], true);
    assert.deepEqual(seen["put"], { ConsumedCapacityUnits: 1 });
    assert.deepEqual(seen["get"], [
      { blob: ["B", "\u0000\u0001\u00ff"], kind: "login", ratio: 0.125, tags: ["a", "b"], text: "ünï cødé", ts: 1, user: "alice" },
      0.5,
      true,
      false,
    ]);
    assert.deepEqual(seen["conditionalPut"], ["DynamoDBConditionalCheckFailedError", 400, "ConditionalCheckFailedException", "The conditional request failed"]);
    assert.deepEqual(seen["update"], [{ blob: ["B", "\u0000\u0001\u00ff"], hits: 2, kind: "edited", ratio: 0.125, tags: ["b"], text: "ünï cødé", ts: 1, user: "alice" }, 1]);
    assert.equal(seen["missingItem"], "DynamoDBKeyNotFoundError");
    assert.deepEqual(seen["queryGt"], [8, 9, 10]);
    assert.deepEqual(seen["queryBetweenReverse"], [6, 5, 4, 3]);
    assert.deepEqual(seen["queryPages"], [[2, 3, 4, 5, 6, 7, 8, 9, 10], 9, true]);
    assert.equal(seen["queryCount"], 9);
    assert.deepEqual(seen["scan"], [[3, 5, 7, 9], 10]);
    assert.deepEqual(seen["scanBeginsWith"], ["alice"]);
    // Three keys read eventually consistent, one of them no item: half a unit each.
    assert.deepEqual(seen["batchGet"], [[2, 3], 1.5, {}]);
    assert.deepEqual(seen["batchGetTable"], [4, 5]);
    assert.deepEqual(seen["batchWrite"], [{ [table]: { ConsumedCapacityUnits: 2 } }, {}, true, false]);
    assert.deepEqual(seen["deleteItem"], [{ kind: "batch", ts: 1, user: "carol" }, 1, false]);
    assert.deepEqual(seen["errors"], [
      ["DynamoDBResponseError", 400, "ResourceNotFoundException", `Requested resource not found: Table: ${table}-missing not found`],
      ["DynamoDBValidationError", 400, "ValidationException", "The provided key element does not match the schema"],
    ]);
    assert.deepEqual(seen["throughput"], [10, 5, "UPDATING"]);
    assert.deepEqual(seen["delete"], ["DELETING", ["DynamoDBResponseError", 400, "ResourceNotFoundException", `Requested resource not found: Table: ${table} not found`]]);
  });

  test("AWS::DynamoDB (Ruby SDK v1): tables, items, attribute updates, query, scan, batches, errors", { skip: RUBY_V1 ? false : "ruby with the AWS SDK for Ruby v1 (ruby-aws-sdk) is not installed" }, async () => {
    const table = uniqueName("ruby-legacy");
    const seen = await observed("ruby", "ruby-v1.rb", table);
    assert.deepEqual(crashed(seen), []);
    // The SDK reads the status back with DescribeTable, where the table is ACTIVE already.
    assert.deepEqual(seen["create"], ["active", "active", "user", "string", "ts", "number", 5, 5]);
    assert.equal(seen["listed"], true);
    assert.deepEqual(seen["put"], [{ blob: ["B", [0, 1]], kind: "login", ratio: 0.125, tags: ["a", "b"], ts: 1, user: "alice" }, true, false]);
    const conditional = ["AWS::DynamoDB::Errors::ConditionalCheckFailedException", 400, "ConditionalCheckFailedException", "The conditional request failed"];
    assert.deepEqual(seen["conditionalPut"], conditional);
    assert.deepEqual(seen["update"], { blob: ["B", [0, 1]], hits: 2, kind: "edited", ratio: 0.125, tags: ["b"], ts: 1, user: "alice" });
    assert.deepEqual(seen["staleUpdate"], conditional);
    assert.deepEqual(seen["queryGt"], [8, 9, 10]);
    assert.deepEqual(seen["queryBetweenReverse"], [6, 5, 4, 3]);
    assert.deepEqual(seen["queryPages"], [2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(seen["scanWhere"], [3, 5, 7, 9]);
    assert.equal(seen["scanPages"], 10);
    assert.equal(seen["count"], 10);
    assert.deepEqual(seen["batchGet"], [[2, "even"], [3, "odd"]]);
    assert.deepEqual(seen["batchWrite"], [true, false]);
    assert.deepEqual(seen["deleteItem"], [{ kind: "batch", ts: 1, user: "carol" }, false]);
    assert.deepEqual(seen["errors"], [
      ["AWS::DynamoDB::Errors::ResourceNotFoundException", 400, "ResourceNotFoundException", `Requested resource not found: Table: ${table}-missing not found`],
      ["AWS::DynamoDB::Errors::ValidationException", 400, "ValidationException", "The provided key element does not match the schema"],
    ]);
    assert.deepEqual(seen["throughput"], [10, 5, "active"]);
    assert.deepEqual(seen["delete"], ["AWS::DynamoDB::Errors::ResourceNotFoundException", 400, "ResourceNotFoundException", `Requested resource not found: Table: ${table} not found`]);
  });
});
