/**
 * Lambda and CloudWatch Logs when the host fails Nimbus: a database that cannot grow (SQLite's
 * max_page_count, the portable stand-in for a full disk) and a data dir on a small tmpfs (only
 * where mounting is possible). What cannot be done answers the service's own retryable 500,
 * leaves nothing half done, and everything works again once space returns, without a restart.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateFunctionCommand, GetFunctionCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { makeZip } from "../../src/services/lambda/runtime/test-helpers.js";
import type { Database } from "../../src/state/database.js";
import { ROLE, rejectsWith } from "./lambda-helpers.js";
import { jsonService, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

/**
 * Fills the database to a ceiling it may not pass: what is free now is taken by a ballast table,
 * so any write that needs a new page fails with SQLITE_FULL. The returned function gives the
 * space back.
 */
function fillDatabase(db: Database): () => void {
  const ceiling = db.pragma("max_page_count", { simple: true }) as number;
  const ballast = uniqueName("ballast").replace(/-/g, "_");
  db.exec(`CREATE TABLE ${ballast} (filler BLOB)`);
  db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true }) as number}`);
  const insert = db.prepare(`INSERT INTO ${ballast} VALUES (zeroblob(?))`);
  for (const size of [65_536, 4_096, 512, 64]) {
    try {
      for (;;) insert.run(size);
    } catch {
      // Full at this size: smaller rows take what is left.
    }
  }
  return () => {
    db.pragma(`max_page_count = ${ceiling}`);
    db.exec(`DROP TABLE ${ballast}`);
  };
}

/** Environment variables of about 4 KB: a version row that needs pages of its own. */
const BULKY_ENVIRONMENT = { Variables: { FILLER: "x".repeat(3_900) } };

describe("Lambda and CloudWatch Logs at a full database", () => {
  let nimbus: TestNimbus;
  let lambda: LambdaClient;
  before(async () => {
    nimbus = await startTestNimbus();
    // One attempt: the SDK would retry a 500, which is what the answer is for.
    lambda = new LambdaClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
  });
  after(async () => {
    lambda.destroy();
    await nimbus.close();
  });
  const logs = jsonService(() => nimbus, { targetPrefix: "Logs_20140328", version: "1.1", signingName: "logs" });

  test("writes answer Lambda's ServiceException and Logs' ServiceUnavailableException, reads go on, and all works once space returns", async () => {
    const name = uniqueName("full-fn");
    const group = uniqueName("/full/group");
    // Both services loaded (their tables made) while there is room.
    await lambda.send(new ListFunctionsCommand({}));
    await logs.ok("CreateLogGroup", { logGroupName: group });
    await logs.ok("CreateLogStream", { logGroupName: group, logStreamName: "s" });
    const zip = await makeZip({ "index.js": "exports.handler = async () => 'ok';" });
    const create = () =>
      lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip }, Environment: BULKY_ENVIRONMENT }));
    const put = () => logs.call("PutLogEvents", { logGroupName: group, logStreamName: "s", logEvents: [{ timestamp: nimbus.clock.now(), message: "y".repeat(100_000) }] });

    const release = fillDatabase(nimbus.state.db);
    try {
      await rejectsWith(create(), "ServiceException", "An error occurred and the request cannot be processed.", 500);
      const refused = await put();
      assert.equal(refused.status, 500);
      assert.equal(String(refused.body["__type"]).split("#").pop(), "ServiceUnavailableException");
      assert.equal(refused.body["message"], "The service cannot complete the request.");
      // Nothing half there, and reads answer as before.
      await rejectsWith(lambda.send(new GetFunctionCommand({ FunctionName: name })), "ResourceNotFoundException", `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}`, 404);
      assert.ok((await lambda.send(new ListFunctionsCommand({}))).Functions);
      assert.deepEqual((await logs.ok("GetLogEvents", { logGroupName: group, logStreamName: "s" }))["events"], []);
    } finally {
      release();
    }
    assert.equal((await create()).FunctionName, name);
    assert.equal((await put()).status, 200);
    assert.equal(((await logs.ok("GetLogEvents", { logGroupName: group, logStreamName: "s" }))["events"] as unknown[]).length, 1);
  });
});
