/**
 * The asynchronous invocation queue survives a restart: events accepted with 202 and not yet
 * finished (waiting, or between retries) run after Nimbus starts again on the same data dir,
 * with their attempt count and event age carried over. Time is driven by a manual clock.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CreateFunctionCommand, InvokeCommand, LambdaClient, GetFunctionCommand, PutFunctionEventInvokeConfigCommand } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ManualClock } from "../../core/manual-clock.js";
import { startNimbus, type Nimbus } from "../../server/server.js";
import { makeZip } from "./runtime/test-helpers.js";
import type { LambdaStore } from "./store.js";

const START = Date.parse("2026-01-15T12:00:00.000Z");
const CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

let dataDir: string;
let nimbus: Nimbus;
let clock: ManualClock;

async function start(at: number): Promise<{ lambda: LambdaClient; sqs: SQSClient }> {
  clock = new ManualClock(at);
  nimbus = await startNimbus({ port: 0, host: "127.0.0.1", dataDir, logLevel: "silent", clock });
  const config = { endpoint: nimbus.url, region: "us-east-1", credentials: CREDENTIALS };
  return { lambda: new LambdaClient(config), sqs: new SQSClient(config) };
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "nimbus-lambda-queue-"));
});
after(async () => {
  await nimbus.close();
  await rm(dataDir, { recursive: true, force: true });
});

test("queued and retrying asynchronous events resume after a restart, attempts and all", async () => {
  let { lambda, sqs } = await start(START);
  const queue = async (name: string): Promise<{ url: string; arn: string }> => {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? "";
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    return { url, arn };
  };
  const ok = await queue("done");
  const bad = await queue("failed");
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: "queued",
      Runtime: "nodejs20.x",
      Role: "arn:aws:iam::000000000000:role/lambda-role",
      Handler: "index.handler",
      Code: { ZipFile: await makeZip({ "index.js": "exports.handler = async (e) => { if (e.fail) throw new Error('still failing'); return { done: e.n }; };" }) },
    }),
  );
  await lambda.send(
    new PutFunctionEventInvokeConfigCommand({ FunctionName: "queued", DestinationConfig: { OnSuccess: { Destination: ok.arn }, OnFailure: { Destination: bad.arn } } }),
  );

  // One event fails its first attempt now and waits for its retry; two more are accepted and never run.
  const failing = await lambda.send(new InvokeCommand({ FunctionName: "queued", InvocationType: "Event", Payload: Buffer.from('{"fail":true}') }));
  await nimbus.scheduler.runDue();
  for (const n of [1, 2]) {
    const sent = await lambda.send(new InvokeCommand({ FunctionName: "queued", InvocationType: "Event", Payload: Buffer.from(JSON.stringify({ n })) }));
    assert.equal(sent.StatusCode, 202);
  }
  const pending = (nimbus.registry.peek("lambda")?.store as LambdaStore).allAsyncEvents();
  assert.deepEqual(
    pending.map((p) => [p.event.attempt, p.event.payload.toString(), p.event.dueAt - START]),
    [
      [0, '{"n":1}', 0],
      [0, '{"n":2}', 0],
      [1, '{"fail":true}', 60_000],
    ],
  );

  lambda.destroy();
  sqs.destroy();
  await nimbus.close();
  ({ lambda, sqs } = await start(START + 1000));
  // Any Lambda call loads the service, which resumes the queue.
  await lambda.send(new GetFunctionCommand({ FunctionName: "queued" }));
  await nimbus.scheduler.runDue();

  const done = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: ok.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }))).Messages ?? [];
  assert.deepEqual(done.map((m) => (JSON.parse(m.Body ?? "{}") as { responsePayload: unknown }).responsePayload).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [
    { done: 1 },
    { done: 2 },
  ]);

  // The failing event keeps its schedule: its second attempt a minute after the first, its third two minutes later.
  await nimbus.scheduler.advance(59_000);
  await nimbus.scheduler.advance(120_000);
  const failed = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: bad.url, WaitTimeSeconds: 0 }))).Messages ?? [];
  assert.equal(failed.length, 1);
  const record = JSON.parse(failed[0]?.Body ?? "{}") as { requestContext: { requestId: string; condition: string; approximateInvokeCount: number } };
  assert.equal(record.requestContext.condition, "RetriesExhausted");
  assert.equal(record.requestContext.approximateInvokeCount, 3);
  assert.equal(record.requestContext.requestId, failing.$metadata.requestId);
  assert.deepEqual((nimbus.registry.peek("lambda")?.store as LambdaStore).allAsyncEvents(), [], "finished events leave the queue");
  lambda.destroy();
  sqs.destroy();
});
