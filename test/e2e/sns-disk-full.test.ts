/**
 * SNS when the database is full: a Publish whose delivery to an SQS subscription cannot be
 * stored fails with a 500 the publisher retries, instead of answering for a message no queue
 * got; once there is room again the retry is delivered, once, also on a FIFO topic whose
 * failed publish had recorded its deduplication id. `max_page_count` makes SQLite answer
 * SQLITE_FULL as a full disk does, `PRAGMA query_only` fails every write as a read-only volume
 * does; each test has its own Nimbus, both being database-wide.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { ConfirmSubscriptionCommand, CreateTopicCommand, GetSubscriptionAttributesCommand, PublishBatchCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { STEP_RETRY_MS } from "../../src/services/sns/retry.js";
import type { Database } from "../../src/state/database.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";
import { SubscriberEndpoint } from "./sns-endpoint.js";

/** Fills the database to its last page: what needs a new page now fails with SQLITE_FULL. */
function fillDatabase(db: Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS test_ballast (b BLOB)");
  db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true }) as number}`);
  const insert = db.prepare("INSERT INTO test_ballast VALUES (zeroblob(?))");
  for (const size of [65536, 4096, 512, 64, 1]) {
    try {
      for (;;) insert.run(size);
    } catch (error) {
      if ((error as { code?: string }).code !== "SQLITE_FULL") throw error;
    }
  }
}

function freeDatabase(db: Database): void {
  db.pragma("max_page_count = 1073741823");
  db.exec("DROP TABLE IF EXISTS test_ballast");
}

/** SNS's own 500 (its model's InternalErrorException, query code InternalError). */
const INTERNAL_ERROR = ["InternalErrorException", 500, "Indicates an internal service error."];

/** More than a page: storing it always takes new pages. */
const BIG = "x".repeat(10_000);

async function withClients(run: (nimbus: TestNimbus, sns: SNSClient, sqs: SQSClient) => Promise<void>): Promise<void> {
  const nimbus = await startTestNimbus();
  // One attempt: a retried 500 would hide what the first answer was.
  const sns = new SNSClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
  const sqs = new SQSClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
  try {
    await run(nimbus, sns, sqs);
  } finally {
    sns.destroy();
    sqs.destroy();
    await nimbus.close();
  }
}

async function subscribedQueue(sns: SNSClient, sqs: SQSClient, topicArn: string, name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, ...(name.endsWith(".fifo") ? { Attributes: { FifoQueue: "true" } } : {}) }));
  const arn = `arn:aws:sqs:us-east-1:000000000000:${name}`;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: arn, Attributes: { RawMessageDelivery: "true" } }));
  return QueueUrl ?? "";
}

async function bodies(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
  return (out.Messages ?? []).map((m) => (m.Body ?? "").slice(0, 12));
}

describe("SNS with a database that cannot be written", () => {
  test("a Publish whose SQS delivery cannot be stored answers 500; the publisher's retry is delivered once there is room", async () => {
    await withClients(async (nimbus, sns, sqs) => {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName("full") }));
      const queueUrl = await subscribedQueue(sns, sqs, TopicArn ?? "", uniqueName("full-q"));
      const publish = () => sns.send(new PublishCommand({ TopicArn, Message: `published-${BIG}` }));
      fillDatabase(nimbus.state.db);
      try {
        const err = await failure(publish());
        assert.deepEqual([err.name, err.$metadata.httpStatusCode, err.message, err["Code"]], [...INTERNAL_ERROR, "InternalError"]);
        const batch = await failure(sns.send(new PublishBatchCommand({ TopicArn, PublishBatchRequestEntries: [{ Id: "a", Message: `batched-${BIG}` }] })));
        assert.deepEqual([batch.name, batch.$metadata.httpStatusCode, batch.message], INTERNAL_ERROR);
      } finally {
        freeDatabase(nimbus.state.db);
      }
      await publish();
      assert.deepEqual(await bodies(sqs, queueUrl), ["published-xx"]);
      const left = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
      assert.equal(left.Attributes?.ApproximateNumberOfMessages, "0");
    });
  });

  test("a FIFO Publish whose delivery cannot be stored is not taken for a duplicate when the publisher retries it", async () => {
    await withClients(async (nimbus, sns, sqs) => {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `${uniqueName("full")}.fifo`, Attributes: { FifoTopic: "true" } }));
      const queueUrl = await subscribedQueue(sns, sqs, TopicArn ?? "", `${uniqueName("full-q")}.fifo`);
      const publish = () => sns.send(new PublishCommand({ TopicArn, Message: `published-${BIG}`, MessageGroupId: "g", MessageDeduplicationId: "once" }));
      fillDatabase(nimbus.state.db);
      try {
        const err = await failure(publish());
        assert.deepEqual([err.name, err.$metadata.httpStatusCode, err.message], INTERNAL_ERROR);
      } finally {
        freeDatabase(nimbus.state.db);
      }
      const retried = await publish();
      assert.ok(retried.SequenceNumber);
      assert.deepEqual(await bodies(sqs, queueUrl), ["published-xx"]);
    });
  });

  test("a replay that could not run (its database read-only) runs again once it can, from where it was", async () => {
    await withClients(async (nimbus, sns, sqs) => {
      const startingPoint = new Date(nimbus.clock.now()).toISOString();
      const { TopicArn } = await sns.send(
        new CreateTopicCommand({ Name: `${uniqueName("replay")}.fifo`, Attributes: { FifoTopic: "true", ArchivePolicy: JSON.stringify({ MessageRetentionPeriod: "7" }) } }),
      );
      for (const body of ["one", "two"]) await sns.send(new PublishCommand({ TopicArn, Message: body, MessageGroupId: "g", MessageDeduplicationId: body }));
      nimbus.manualClock.advance(1_000);
      const name = `${uniqueName("replay-q")}.fifo`;
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: "true" } }));
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: "sqs",
          Endpoint: `arn:aws:sqs:us-east-1:000000000000:${name}`,
          Attributes: { RawMessageDelivery: "true", ReplayPolicy: JSON.stringify({ PointType: "Timestamp", StartingPoint: startingPoint }) },
          ReturnSubscriptionArn: true,
        }),
      );
      const status = async () => (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes?.ReplayStatus;
      nimbus.state.db.pragma("query_only = 1");
      try {
        await nimbus.scheduler.runDue();
      } finally {
        nimbus.state.db.pragma("query_only = 0");
      }
      assert.equal(await status(), "Pending");
      await nimbus.scheduler.advance(10_000);
      assert.equal(await status(), "Completed");
      assert.deepEqual(await bodies(sqs, QueueUrl ?? ""), ["one", "two"]);
    });
  });

  test("an HTTP notification delivered while its pending retry cannot be deleted leaves Nimbus running", async () => {
    // Holds its answer to a notification until the test lets it go; confirmations answer at once.
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let token: string | undefined;
    let notified = (): void => undefined;
    const notification = new Promise<void>((resolve) => (notified = resolve));
    let answered = (): void => undefined;
    const answer = new Promise<void>((resolve) => (answered = resolve));
    const endpoint = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        const doc = JSON.parse(body) as { Type: string; Token?: string };
        if (doc.Type === "SubscriptionConfirmation") {
          token = doc.Token;
          res.end("");
          return;
        }
        notified();
        void released.then(() => {
          res.on("finish", answered);
          res.end("");
        });
      });
    });
    await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
    try {
      await withClients(async (nimbus, sns) => {
        const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName("http") }));
        await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/` }));
        for (let i = 0; i < 1000 && token === undefined; i++) await new Promise((r) => setTimeout(r, 5));
        await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token: token }));
        await sns.send(new PublishCommand({ TopicArn, Message: "hello" }));
        await notification;
        nimbus.state.db.pragma("query_only = 1");
        try {
          release();
          await answer;
          // Nimbus reads the answer and would delete the pending retry.
          for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 5));
        } finally {
          nimbus.state.db.pragma("query_only = 0");
        }
        // Still answering (an unhandled rejection ends the process, and this test with it).
        await sns.send(new PublishCommand({ TopicArn, Message: "again" }));
      });
    } finally {
      release();
      endpoint.closeAllConnections();
      await new Promise((resolve) => endpoint.close(resolve));
    }
  });

  test("an HTTP retry that could not be written when it fell due is sent once it can be", async () => {
    const endpoint = new SubscriberEndpoint();
    const base = await endpoint.listen();
    try {
      await withClients(async (nimbus, sns) => {
        const path = "/recovers";
        endpoint.statusFor = (_r, attempt) => (attempt === 1 ? 503 : 200);
        const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName("http-retry") }));
        await sns.send(new SubscribeCommand({ TopicArn, Protocol: "http", Endpoint: `${base}${path}` }));
        const { Token } = JSON.parse((await endpoint.next(path)).body) as { Token: string };
        await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token }));
        await sns.send(new PublishCommand({ TopicArn, Message: "second time lucky" }));
        await endpoint.next(path);
        nimbus.state.db.pragma("query_only = 1");
        try {
          // AWS's default policy retries 20 s later: the retry cannot record its attempt.
          await nimbus.scheduler.advance(20_000);
        } finally {
          nimbus.state.db.pragma("query_only = 0");
        }
        assert.equal(endpoint.notifications(path).length, 1);
        await nimbus.scheduler.advance(STEP_RETRY_MS);
        assert.equal(endpoint.notifications(path).length, 2);
        await nimbus.scheduler.advance(3_600_000);
        assert.equal(endpoint.notifications(path).length, 2, "delivered: nothing after");
      });
    } finally {
      await endpoint.close();
    }
  });

  test("an HTTP notification whose retries are used up while its dead-letter queue cannot store it is dead-lettered once there is room", async () => {
    const endpoint = new SubscriberEndpoint();
    const base = await endpoint.listen();
    try {
      await withClients(async (nimbus, sns, sqs) => {
        const path = "/always-500";
        endpoint.statusFor = () => 500;
        const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName("http-dlq") }));
        const dlqName = uniqueName("http-dlq-q");
        const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: dlqName }));
        await sns.send(
          new SubscribeCommand({
            TopicArn,
            Protocol: "http",
            Endpoint: `${base}${path}`,
            Attributes: {
              RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${dlqName}` }),
              DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { numRetries: 0, minDelayTarget: 1, maxDelayTarget: 1 } }),
            },
          }),
        );
        const { Token } = JSON.parse((await endpoint.next(path)).body) as { Token: string };
        await sns.send(new ConfirmSubscriptionCommand({ TopicArn, Token }));
        await sns.send(new PublishCommand({ TopicArn, Message: `dead-${BIG}` }));
        await endpoint.next(path);
        fillDatabase(nimbus.state.db);
        try {
          // No retries: the follow-up dead-letters the message, which does not fit.
          await nimbus.scheduler.advance(1_000);
        } finally {
          freeDatabase(nimbus.state.db);
        }
        await nimbus.scheduler.advance(STEP_RETRY_MS);
        const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        assert.deepEqual(
          dead.Messages?.map((m) => (JSON.parse(m.Body ?? "{}") as { Message: string }).Message.slice(0, 7)),
          ["dead-xx"],
        );
      });
    } finally {
      await endpoint.close();
    }
  });

  test("a Publish whose queue is gone and whose dead-letter queue cannot store the message answers 500; once there is room it is dead-lettered", async () => {
    await withClients(async (nimbus, sns, sqs) => {
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName("dlq") }));
      const gone = uniqueName("gone-q");
      const { QueueUrl: goneUrl } = await sqs.send(new CreateQueueCommand({ QueueName: gone }));
      const dlqName = uniqueName("dlq-q");
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: dlqName }));
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: "sqs",
          Endpoint: `arn:aws:sqs:us-east-1:000000000000:${gone}`,
          Attributes: { RawMessageDelivery: "true", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:${dlqName}` }) },
        }),
      );
      await sqs.send(new DeleteQueueCommand({ QueueUrl: goneUrl }));
      const publish = () => sns.send(new PublishCommand({ TopicArn, Message: `dead-${BIG}` }));
      fillDatabase(nimbus.state.db);
      try {
        const err = await failure(publish());
        assert.deepEqual([err.name, err.$metadata.httpStatusCode, err.message], INTERNAL_ERROR);
      } finally {
        freeDatabase(nimbus.state.db);
      }
      await publish();
      assert.deepEqual(await bodies(sqs, QueueUrl ?? ""), ["dead-xxxxxxx"]);
    });
  });
});
