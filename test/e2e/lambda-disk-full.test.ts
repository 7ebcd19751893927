/**
 * Lambda and CloudWatch Logs when the host fails Nimbus: a database that cannot grow (SQLite's
 * max_page_count, the portable stand-in for a full disk), writes to one table refused by a
 * trigger (as a full disk refuses updates and deletes too, which max_page_count lets through),
 * and a small tmpfs (only where mounting is possible). What cannot be done answers the service's
 * own retryable 500, leaves nothing half done, and everything works again once space returns,
 * without a restart.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  PublishLayerVersionCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionCodeCommand,
} from "@aws-sdk/client-lambda";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { makeZip } from "../../src/services/lambda/runtime/test-helpers.js";
import type { Database } from "../../src/state/database.js";
import { fillDisk, mountTmpfs } from "./host-faults.js";
import { json, ROLE, rejectsWith, streamTable } from "./lambda-helpers.js";
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

/**
 * Makes every change to `table` fail as a full disk makes it fail. A database whose growth
 * max_page_count stops still updates and deletes rows in place, where a full disk refuses them
 * too (the WAL cannot grow): seen on a full tmpfs, where the asynchronous queue's UPDATE failed.
 * The returned function lets writes through again.
 */
function refuseWrites(db: Database, table: string): () => void {
  const trigger = uniqueName("refuse").replace(/-/g, "_");
  for (const event of ["INSERT", "UPDATE", "DELETE"]) {
    db.exec(`CREATE TEMP TRIGGER ${trigger}_${event} BEFORE ${event} ON ${table} BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
  }
  return () => {
    for (const event of ["INSERT", "UPDATE", "DELETE"]) db.exec(`DROP TRIGGER temp.${trigger}_${event}`);
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

  test("an asynchronous invocation whose queue row cannot be written is retried all the same, reaches its destination, and leaves the queue once it can", async () => {
    const sqs = new SQSClient(nimbus.clientConfig());
    try {
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("full-dest") }))).QueueUrl ?? "";
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      const name = uniqueName("full-async");
      const zip = await makeZip({ "index.js": "exports.handler = async () => { throw new Error('always fails'); };" });
      await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip } }));
      await lambda.send(new PutFunctionEventInvokeConfigCommand({ FunctionName: name, DestinationConfig: { OnFailure: { Destination: queueArn } } }));
      const db = nimbus.state.db;
      const queued = () => db.prepare("SELECT COUNT(*) AS n FROM lambda_async_events WHERE name = ?").get(name) as { n: number };
      assert.equal((await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from('{"n":1}') }))).StatusCode, 202);

      const allow = refuseWrites(db, "lambda_async_events");
      try {
        // The first attempt fails and its retry cannot be recorded; the two retries come all the same.
        await nimbus.scheduler.runDue();
        await nimbus.scheduler.advance(60_000);
        await nimbus.scheduler.advance(120_000);
        const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
        assert.equal(got.Messages?.length, 1);
        const record = JSON.parse(got.Messages?.[0]?.Body ?? "{}") as { requestContext: { condition: string; approximateInvokeCount: number } };
        assert.deepEqual([record.requestContext.condition, record.requestContext.approximateInvokeCount], ["RetriesExhausted", 3]);
        // Finished, but still in the queue's table: a restart now would run it again.
        assert.equal(queued().n, 1);
      } finally {
        allow();
      }
      await nimbus.scheduler.advance(60_000);
      assert.equal(queued().n, 0);
    } finally {
      sqs.destroy();
    }
  });

  test("an asynchronous invocation whose destination fails itself stays queued and is delivered once the destination can take it", async () => {
    const sqs = new SQSClient(nimbus.clientConfig());
    try {
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("full-onfailure") }))).QueueUrl ?? "";
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      const name = uniqueName("full-dest");
      const zip = await makeZip({ "index.js": "exports.handler = async () => { throw new Error('always fails'); };" });
      await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip } }));
      await lambda.send(
        new PutFunctionEventInvokeConfigCommand({ FunctionName: name, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: queueArn } } }),
      );
      const queued = () => (nimbus.state.db.prepare("SELECT COUNT(*) AS n FROM lambda_async_events WHERE name = ?").get(name) as { n: number }).n;
      const receive = async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }))).Messages ?? [];
      await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from('{"n":2}') }));

      // SQS cannot store the record: its SendMessage fails as at a full disk.
      const allow = refuseWrites(nimbus.state.db, "sqs_messages");
      try {
        await nimbus.scheduler.runDue();
        assert.equal(queued(), 1, "the event waits for its record to be delivered");
      } finally {
        allow();
      }
      assert.deepEqual(await receive(), []);
      await nimbus.scheduler.advance(60_000);
      const [message] = await receive();
      const record = JSON.parse(message?.Body ?? "{}") as { requestContext?: { condition: string }; requestPayload?: unknown };
      assert.deepEqual([record.requestContext?.condition, record.requestPayload], ["RetriesExhausted", { n: 2 }]);
      assert.equal(queued(), 0);
    } finally {
      sqs.destroy();
    }
  });

  test("a stream mapping's OnFailure record its destination cannot store is sent again once it can, the stream waiting for it", async () => {
    const sqs = new SQSClient(nimbus.clientConfig());
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const dir = mkdtempSync(join(tmpdir(), "nimbus-full-stream-"));
    try {
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("full-stream-q") }))).QueueUrl ?? "";
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      // Records received are deleted: none comes back when the clock moves on.
      const receive = async () => {
        const messages = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }))).Messages ?? [];
        for (const m of messages) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        return messages.map((m) => JSON.parse(m.Body ?? "{}") as { requestContext: { condition: string }; DDBStreamBatchInfo: { batchSize: number } });
      };
      const calls = join(dir, "calls.log");
      const { table, streamArn } = await streamTable(ddb, "full-stream", "KEYS_ONLY", "id");
      const name = uniqueName("full-stream-fn");
      // Fails on "poison", takes the rest; each call writes the keys it got.
      const code = `exports.handler = async (e) => { const ids = e.Records.map((r) => r.dynamodb.Keys.id.S); require("fs").appendFileSync(process.env.OUT, ids.join(",") + "\\n"); if (ids.includes("poison")) throw new Error("boom"); };`;
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: ROLE,
          Handler: "index.handler",
          Code: { ZipFile: await makeZip({ "index.js": code }) },
          Environment: { Variables: { OUT: calls } },
        }),
      );
      await lambda.send(
        new CreateEventSourceMappingCommand({
          FunctionName: name,
          EventSourceArn: streamArn,
          StartingPosition: "TRIM_HORIZON",
          BatchSize: 1,
          MaximumRetryAttempts: 0,
          MaximumRecordAgeInSeconds: 60,
          DestinationConfig: { OnFailure: { Destination: queueArn } },
        }),
      );
      const called = async () => (await readFile(calls, "utf8").catch(() => "")).split("\n").filter(Boolean);

      // The batch given up on (its retries used up) cannot be described: SQS cannot store the record.
      await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "poison" } } }));
      await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "after" } } }));
      let allow = refuseWrites(nimbus.state.db, "sqs_messages");
      try {
        for (let i = 0; i < 3; i++) await nimbus.scheduler.advance(1000);
      } finally {
        allow();
      }
      assert.deepEqual(await called(), ["poison"], "the stream waits for the record: the function is neither called again nor given the next record");
      await nimbus.scheduler.advance(1000);
      assert.deepEqual((await receive()).map((r) => [r.requestContext.condition, r.DDBStreamBatchInfo.batchSize]), [["RetryAttemptsExhausted", 1]]);
      await nimbus.scheduler.advance(1000);
      assert.deepEqual(await called(), ["poison", "after"]);

      // Records older than MaximumRecordAgeInSeconds whose record cannot be stored: the same.
      await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "old" } } }));
      nimbus.manualClock.advance(61_000);
      allow = refuseWrites(nimbus.state.db, "sqs_messages");
      try {
        for (let i = 0; i < 2; i++) await nimbus.scheduler.advance(1000);
      } finally {
        allow();
      }
      await nimbus.scheduler.advance(1000);
      assert.deepEqual((await receive()).map((r) => [r.requestContext.condition, r.DDBStreamBatchInfo.batchSize]), [["RecordAgeExceeded", 1]]);
      assert.deepEqual(await called(), ["poison", "after"]);
    } finally {
      sqs.destroy();
      ddb.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a queue mapping whose status cannot be written deletes the messages its function took, which are not invoked again", async () => {
    const sqs = new SQSClient(nimbus.clientConfig());
    const dir = mkdtempSync(join(tmpdir(), "nimbus-full-esm-status-"));
    try {
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("full-status-q") }))).QueueUrl ?? "";
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      const calls = join(dir, "calls.log");
      const name = uniqueName("full-status-fn");
      const code = `exports.handler = async (e) => { for (const r of e.Records) require("fs").appendFileSync(process.env.OUT, r.body + "\\n"); };`;
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: ROLE,
          Handler: "index.handler",
          Code: { ZipFile: await makeZip({ "index.js": code }) },
          Environment: { Variables: { OUT: calls } },
        }),
      );
      await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: queueArn }));
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "once" }));
      // The mapping's row (its LastProcessingResult) cannot be written; SQS can.
      const allow = refuseWrites(nimbus.state.db, "lambda_event_source_mappings");
      try {
        await nimbus.scheduler.advance(1000);
      } finally {
        allow();
      }
      // Past the queue's visibility timeout: a message not deleted would be taken again.
      for (let i = 0; i < 35; i++) await nimbus.scheduler.advance(1000);
      assert.deepEqual((await readFile(calls, "utf8")).split("\n").filter(Boolean), ["once"]);
      const left = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
      assert.deepEqual([left.Attributes?.["ApproximateNumberOfMessages"], left.Attributes?.["ApproximateNumberOfMessagesNotVisible"]], ["0", "0"]);
    } finally {
      sqs.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a package whose function or layer row cannot be written leaves no file behind", async () => {
    const name = uniqueName("full-pkg");
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: await makeZip({ "index.js": "exports.handler = async () => 1;" }) } }),
    );
    // Over the inline size: these packages are files of the blob store.
    const update = await makeZip({ "index.js": "exports.handler = async () => 2;", "filler.bin": randomBytes(64 * 1024) });
    const layer = await makeZip({ "filler.bin": randomBytes(64 * 1024) });
    const blobs = nimbus.state.blobs;
    const idOf = (zip: Buffer) => createHash("sha256").update(zip).digest("hex");
    // The first write of each is refused, as a full disk refuses it: the blob's reference, the layer's counter.
    const allow = [refuseWrites(nimbus.state.db, "_blobs"), refuseWrites(nimbus.state.db, "lambda_layers")];
    try {
      const message = "An error occurred and the request cannot be processed.";
      await rejectsWith(lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: update })), "ServiceException", message, 500);
      await rejectsWith(lambda.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: layer } })), "ServiceException", message, 500);
    } finally {
      for (const undo of allow) undo();
    }
    assert.deepEqual([existsSync(blobs.path(idOf(update))), existsSync(blobs.path(idOf(layer)))], [false, false]);
  });

  test("DeleteEventSourceMapping and DeleteFunction the disk refuses leave the function and its mapping polling as before", async () => {
    const sqs = new SQSClient(nimbus.clientConfig());
    try {
      const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("full-esm") }))).QueueUrl ?? "";
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      const name = uniqueName("full-esm-fn");
      await lambda.send(
        new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: await makeZip({ "index.js": "exports.handler = async () => {};" }) } }),
      );
      const { UUID } = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: queueArn }));
      const allow = refuseWrites(nimbus.state.db, "lambda_event_source_mappings");
      try {
        const message = "An error occurred and the request cannot be processed.";
        await rejectsWith(lambda.send(new DeleteEventSourceMappingCommand({ UUID })), "ServiceException", message, 500);
        await rejectsWith(lambda.send(new DeleteFunctionCommand({ FunctionName: name })), "ServiceException", message, 500);
      } finally {
        allow();
      }
      assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Configuration?.FunctionName, name);
      assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID }))).State, "Enabled");
      // Still polled: a message sent now is taken by the function.
      await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "after" }));
      await nimbus.scheduler.advance(1000);
      const left = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
      assert.deepEqual([left.Attributes?.["ApproximateNumberOfMessages"], left.Attributes?.["ApproximateNumberOfMessagesNotVisible"]], ["0", "0"]);
    } finally {
      sqs.destroy();
    }
  });
});

describe("Lambda first used at a full database", () => {
  test("its first request, which cannot make Lambda's tables, gets a 500 the SDK can read, and Lambda loads once there is room", async () => {
    const nimbus = await startTestNimbus();
    const lambda = new LambdaClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
    try {
      const release = fillDatabase(nimbus.state.db);
      try {
        await assert.rejects(lambda.send(new ListFunctionsCommand({})), (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
          assert.deepEqual([err.name, err.$metadata?.httpStatusCode], ["InternalFailure", 500]);
          return true;
        });
      } finally {
        release();
      }
      assert.deepEqual((await lambda.send(new ListFunctionsCommand({}))).Functions, []);
    } finally {
      lambda.destroy();
      await nimbus.close();
    }
  });
});

describe("Lambda restarted on a full disk", () => {
  test("the queued event of a deleted function that cannot be removed does not stop Lambda from starting", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "nimbus-full-restart-"));
    try {
      const name = uniqueName("gone-fn");
      const first = await startTestNimbus({ inMemory: false, dataDir });
      const lambda = new LambdaClient({ ...first.clientConfig(), maxAttempts: 1 });
      try {
        const zip = await makeZip({ "index.js": "exports.handler = async () => 1;" });
        await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip } }));
        // Queued (the manual clock never runs it), then its function goes: the next start drops the event.
        await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event" }));
        await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
        // A trigger in the file itself: the next start finds deletes refused before anything runs.
        first.state.db.exec("CREATE TRIGGER full_disk BEFORE DELETE ON lambda_async_events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
      } finally {
        lambda.destroy();
        await first.close();
      }
      const second = await startTestNimbus({ inMemory: false, dataDir });
      const again = new LambdaClient({ ...second.clientConfig(), maxAttempts: 1 });
      try {
        assert.deepEqual((await again.send(new ListFunctionsCommand({}))).Functions, []);
        second.state.db.exec("DROP TRIGGER full_disk");
      } finally {
        again.destroy();
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("Lambda's function logs at a full database", () => {
  test("an invocation whose log cannot be stored succeeds, and the server log says the lines are lost", async () => {
    const warnings: string[] = [];
    const ignore = (): void => undefined;
    const nimbus = await startTestNimbus({ logger: { debug: ignore, info: ignore, error: ignore, warn: (fields) => warnings.push(String(fields["msg"])) } });
    const lambda = new LambdaClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
    try {
      const name = uniqueName("full-logs");
      const zip = await makeZip({ "index.js": "exports.handler = async () => { console.log('hello'); return 'done'; };" });
      await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip } }));
      // Its log group and stream exist: the events are what cannot be written.
      await lambda.send(new InvokeCommand({ FunctionName: name }));
      const allow = refuseWrites(nimbus.state.db, "logs_events");
      try {
        const out = await lambda.send(new InvokeCommand({ FunctionName: name }));
        assert.deepEqual([out.FunctionError, json(out.Payload)], [undefined, "done"]);
      } finally {
        allow();
      }
      const said = warnings.filter((line) => line.includes(`could not be stored in CloudWatch Logs group /aws/lambda/${name}`));
      assert.equal(said.length, 1, warnings.join("\n"));
      assert.match(said[0] ?? "", /database or disk is full/);
    } finally {
      lambda.destroy();
      await nimbus.close();
    }
  });
});

describe("Lambda on a data dir whose disk is full (tmpfs)", () => {
  test("a package that cannot be extracted answers ServiceException, leaves no partial directory or function, and goes in once space returns", async (t) => {
    const mounted = mountTmpfs("16m");
    if (typeof mounted === "string") {
      t.skip(mounted);
      return;
    }
    let ballast = join(mounted.dir, "ballast");
    let nimbus: TestNimbus | undefined;
    let lambda: LambdaClient | undefined;
    try {
      const dataDir = join(mounted.dir, "data");
      nimbus = await startTestNimbus({ inMemory: false, dataDir });
      lambda = new LambdaClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
      const client = lambda;
      const name = uniqueName("tmpfs-fn");
      const zip = (answer: string) => makeZip({ "index.js": `exports.handler = async () => "${answer}";`, "filler.bin": randomBytes(256 * 1024) });
      await client.send(new CreateFunctionCommand({ FunctionName: `${name}-old`, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: await zip("old") } }));
      const create = async () =>
        client.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: await zip("new") } }));
      const leftovers = () => readdirSync(join(dataDir, "lambda", "code")).filter((entry) => entry.startsWith(".tmp-"));

      ballast = fillDisk(mounted.dir);
      const message = "An error occurred and the request cannot be processed.";
      await rejectsWith(create(), "ServiceException", message, 500);
      await rejectsWith(client.send(new UpdateFunctionCodeCommand({ FunctionName: `${name}-old`, ZipFile: await zip("newer") })), "ServiceException", message, 500);
      await rejectsWith(client.send(new PublishLayerVersionCommand({ LayerName: name, Content: { ZipFile: await zip("layer") } })), "ServiceException", message, 500);
      assert.deepEqual(leftovers(), []);
      await rejectsWith(client.send(new GetFunctionCommand({ FunctionName: name })), "ResourceNotFoundException", `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}`, 404);
      // The function whose update failed runs its old code, full disk or not.
      assert.equal(json((await client.send(new InvokeCommand({ FunctionName: `${name}-old` }))).Payload), "old");

      rmSync(ballast);
      assert.equal((await create()).FunctionName, name);
      assert.equal(json((await client.send(new InvokeCommand({ FunctionName: name }))).Payload), "new");
      await client.send(new UpdateFunctionCodeCommand({ FunctionName: `${name}-old`, ZipFile: await zip("newer") }));
      assert.equal(json((await client.send(new InvokeCommand({ FunctionName: `${name}-old` }))).Payload), "newer");
    } finally {
      lambda?.destroy();
      // Room first: closing checkpoints the database.
      rmSync(ballast, { force: true });
      try {
        await nimbus?.close();
      } finally {
        mounted.unmount();
      }
    }
  });

  test("extracted code the file system will not let go of when its function is deleted is removed by a later prune", async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), "nimbus-prune-"));
    const nimbus = await startTestNimbus({ inMemory: false, dataDir });
    const lambda = new LambdaClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
    let mounted: { dir: string; unmount: () => void } | string | undefined;
    try {
      const name = uniqueName("prune-fn");
      const zip = await makeZip({ "index.js": "exports.handler = async () => 'pruned';" });
      await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip } }));
      const dir = join(dataDir, "lambda", "code", createHash("sha256").update(zip).digest("hex"));
      assert.ok(existsSync(dir));
      // A file system mounted on it makes its removal fail (EBUSY), as a read-only volume makes it fail (EROFS).
      mounted = mountTmpfs("1m", dir);
      if (typeof mounted === "string") {
        t.skip(mounted);
        return;
      }
      await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
      mounted.unmount();
      mounted = undefined;
      assert.ok(existsSync(dir), "still there: it could not be moved away");
      // The prune every minute tries it again, now that it can go.
      await nimbus.scheduler.advance(60_000);
      assert.equal(existsSync(dir), false);
    } finally {
      lambda.destroy();
      if (typeof mounted === "object") mounted.unmount();
      await nimbus.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test("a function environment whose /tmp cannot be removed when its runtime exits does not take Nimbus down", async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), "nimbus-env-rm-"));
    const nimbus = await startTestNimbus({ inMemory: false, dataDir });
    const lambda = new LambdaClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
    let mounted: { dir: string; unmount: () => void } | string | undefined;
    try {
      const name = uniqueName("rm-fn");
      const zip = await makeZip({ "index.js": "exports.handler = async (e) => { if (e.exit) process.exit(3); return 'up'; };" });
      await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip } }));
      // Warm: its environment, and the /tmp it has under the data dir, exist.
      assert.equal(json((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), "up");
      const environments = join(dataDir, "lambda", "engine", "environments");
      const [id] = readdirSync(environments);
      assert.ok(id !== undefined);
      // A file system mounted on it makes its removal fail (EBUSY), as a read-only or full one, or no descriptor left (EMFILE), makes it fail.
      mounted = mountTmpfs("1m", join(environments, id, "tmp"));
      if (typeof mounted === "string") {
        t.skip(mounted);
        return;
      }
      // The runtime exits and its /tmp cannot go: that rejection was unhandled and ended the process.
      const exited = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{"exit":true}') }));
      assert.equal(exited.FunctionError, "Unhandled");
      // Give the removal its turn: a crash comes now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(json((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), "up");
    } finally {
      lambda.destroy();
      if (typeof mounted === "object") mounted.unmount();
      await nimbus.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
