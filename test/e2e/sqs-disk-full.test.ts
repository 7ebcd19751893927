/**
 * SQS when its database cannot be written (a full disk, a read-only volume): a long poll whose
 * receive fails answers the failure (a 500 the SDK retries) instead of hanging, the send that
 * woke it still answers for its committed message, and the message is received once when
 * writes work again. `PRAGMA query_only` makes every write fail as a read-only file system does;
 * a TEMP trigger makes only a receive's write fail, as a disk that fills between a send's commit
 * and the receive it wakes does. Each test has its own Nimbus: both switches are database-wide.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type ReceiveMessageCommandOutput } from "@aws-sdk/client-sqs";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const INTERNAL_FAILURE = ["InternalFailure", 500, "The request processing has failed because of an unknown error, exception or failure."];

async function withSqs(run: (nimbus: TestNimbus, sqs: SQSClient) => Promise<void>): Promise<void> {
  const nimbus = await startTestNimbus();
  // One attempt: a retried 500 would hide what the first answer was.
  const sqs = new SQSClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
  try {
    await run(nimbus, sqs);
  } finally {
    sqs.destroy();
    await nimbus.close();
  }
}

/** Resolves once the server has parked a long poll (its timeout is a scheduler task). */
async function parked(nimbus: TestNimbus, pendingBefore: number): Promise<void> {
  for (let i = 0; i < 100_000 && nimbus.scheduler.pending() <= pendingBefore; i++) await new Promise((r) => setImmediate(r));
  assert.ok(nimbus.scheduler.pending() > pendingBefore, "the receive never started waiting");
}

async function settles<T>(call: Promise<T>): Promise<boolean> {
  let settled = false;
  void call.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r));
  return settled;
}

describe("SQS with a database that cannot be written", () => {
  test("a long poll whose receive fails when its message becomes visible answers 500 at once; the message is received once writes work again", async () => {
    await withSqs(async (nimbus, sqs) => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("lp-ro") }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "later", DelaySeconds: 5 }));
      const before = nimbus.scheduler.pending();
      const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
      const answer = failure(poll);
      await parked(nimbus, before);
      nimbus.state.db.pragma("query_only = 1");
      try {
        // The delay ends: the poll's receive cannot record its receipt. Past the deadline too,
        // a poll that did not answer then would never answer.
        await nimbus.scheduler.advance(25_000);
        assert.equal(await settles(poll), true, "the long poll never answered");
      } finally {
        nimbus.state.db.pragma("query_only = 0");
      }
      const err = await answer;
      assert.deepEqual([err.name, err.$metadata.httpStatusCode, err.message], INTERNAL_FAILURE);
      const out: ReceiveMessageCommandOutput = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
      assert.deepEqual(
        out.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]),
        [["later", "1"]],
      );
    });
  });

  test("a send that wakes a long poll whose receive fails still answers for its message, which is received once", async () => {
    await withSqs(async (nimbus, sqs) => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("lp-wake") }));
      const before = nimbus.scheduler.pending();
      const poll = failure(sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 })));
      await parked(nimbus, before);
      // A receive writes its receipt into the message's row; a send inserts the row.
      nimbus.state.db.exec("CREATE TEMP TRIGGER receive_fails BEFORE UPDATE ON main.sqs_messages BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
      let sent;
      try {
        sent = await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "wake" }));
      } finally {
        nimbus.state.db.exec("DROP TRIGGER temp.receive_fails");
      }
      assert.ok(sent.MessageId);
      const err = await poll;
      assert.deepEqual([err.name, err.$metadata.httpStatusCode, err.message], INTERNAL_FAILURE);
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      assert.deepEqual(
        out.Messages?.map((m) => [m.MessageId, m.Body]),
        [[sent.MessageId, "wake"]],
      );
    });
  });
});
