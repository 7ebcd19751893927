/**
 * HTTP/S retries survive a restart: a notification whose delivery failed is retried by the next
 * Nimbus started on the same data dir, at the time the delivery policy named, with the exact
 * request the first attempt sent; one whose retries run out after the restart still reaches the
 * subscription's dead-letter queue. Each run has a manual clock that starts at the same instant.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { ConfirmSubscriptionCommand, CreateTopicCommand, ListTopicsCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { PendingRetry } from "../../src/services/sns/retry-store.js";
import type { SnsStore } from "../../src/services/sns/store.js";
import { startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";
import { SubscriberEndpoint } from "./sns-endpoint.js";

const START = Date.parse("2026-01-15T12:00:00.000Z");


/** The notification retries a Nimbus holds in its database (confirmations left out). */
function pendingNotifications(nimbus: TestNimbus): PendingRetry[] {
  const store = nimbus.registry.peek("sns")?.store as SnsStore | undefined;
  assert.ok(store, "SNS is loaded");
  return store.retries.all().filter((r) => r.delivery.headers["x-amz-sns-message-type"] === "Notification");
}

describe("SNS HTTP/S retries across a restart", () => {
  const endpoint = new SubscriberEndpoint();
  let base = "";
  let dataDir = "";
  const running: TestNimbus[] = [];
  const clients: Array<SNSClient | SQSClient> = [];

  /** A Nimbus on the test's data dir, its clock at `at`, with SNS loaded (which resumes pending retries). */
  async function start(at = START): Promise<{ nimbus: TestNimbus; sns: SNSClient; sqs: SQSClient }> {
    const nimbus = await startTestNimbus({ inMemory: false, dataDir });
    running.push(nimbus);
    nimbus.manualClock.set(at);
    const sns = new SNSClient(nimbus.clientConfig());
    const sqs = new SQSClient(nimbus.clientConfig());
    clients.push(sns, sqs);
    await sns.send(new ListTopicsCommand({}));
    return { nimbus, sns, sqs };
  }

  async function stop(nimbus: TestNimbus): Promise<void> {
    running.splice(running.indexOf(nimbus), 1);
    await nimbus.close();
  }

  /** An HTTP subscription to `path`, confirmed with the token the endpoint received. */
  async function subscribed(sns: SNSClient, path: string, attributes: Record<string, string>): Promise<{ topicArn: string; subscriptionArn: string }> {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("restart") }))).TopicArn ?? "";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `${base}${path}`, Attributes: attributes }));
    const token = (JSON.parse((await endpoint.first(path, "SubscriptionConfirmation")).body) as { Token: string }).Token;
    const subscriptionArn = (await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: token }))).SubscriptionArn ?? "";
    return { topicArn, subscriptionArn };
  }

  before(async () => {
    endpoint.statusFor = () => 500;
    base = await endpoint.listen();
  });
  after(async () => {
    await endpoint.close();
  });
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "nimbus-sns-restart-"));
    endpoint.statusFor = () => 500;
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    for (const nimbus of running.splice(0)) await nimbus.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("a retry pending at shutdown is sent after the restart, at its time, with the same request, once", async () => {
    const path = "/restart-recovers";
    const first = await start();
    const { topicArn, subscriptionArn } = await subscribed(first.sns, path, {});
    const published = await first.sns.send(new PublishCommand({ TopicArn: topicArn, Message: "survive the restart", Subject: "restart" }));
    const failed = await endpoint.first(path, "Notification");
    assert.equal(failed.headers["x-amz-sns-message-id"], published.MessageId);

    const [row, ...others] = pendingNotifications(first.nimbus);
    assert.deepEqual(others, []);
    assert.equal(row?.subscriptionArn, subscriptionArn);
    assert.equal(row?.endpoint, `${base}${path}`);
    assert.equal(row?.delivery.body, failed.body, "the exact request body is kept");
    assert.equal(row?.delivery.headers["x-amz-sns-message-id"], published.MessageId);
    assert.deepEqual(row?.delays, [20_000, 20_000, 20_000]);
    assert.equal(row?.attempts, 1);
    assert.equal(row?.dueAt, START + 20_000);
    await stop(first.nimbus);

    endpoint.statusFor = () => 200;
    const second = await start();
    assert.equal(pendingNotifications(second.nimbus).length, 1, "the row outlived the process");
    await second.nimbus.scheduler.advance(19_999);
    assert.equal(endpoint.notifications(path).length, 1, "not before its due time");
    await second.nimbus.scheduler.advance(1);
    const attempts = endpoint.notifications(path);
    assert.equal(attempts.length, 2, "the first retry, 20 s after the publish");
    assert.equal(attempts[1]?.body, failed.body);
    for (const header of ["x-amz-sns-message-type", "x-amz-sns-message-id", "x-amz-sns-topic-arn", "x-amz-sns-subscription-arn", "content-type", "user-agent"]) {
      assert.equal(attempts[1]?.headers[header], failed.headers[header], header);
    }
    assert.deepEqual(pendingNotifications(second.nimbus), [], "delivered: nothing pending");
    await second.nimbus.scheduler.advance(3_600_000);
    assert.equal(endpoint.notifications(path).length, 2, "delivered once");
  });

  test("retries used up after a restart still reach the dead-letter queue, raw attributes and all", async () => {
    const path = "/restart-exhausts";
    const first = await start();
    const dlqUrl = (await first.sqs.send(new CreateQueueCommand({ QueueName: uniqueName("restart-dlq") }))).QueueUrl ?? "";
    const dlqArn = (await first.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    const { topicArn } = await subscribed(first.sns, path, {
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn }),
      DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { numRetries: 2, minDelayTarget: 5, maxDelayTarget: 5 } }),
      RawMessageDelivery: "true",
    });
    await first.sns.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: "nobody wants me",
        MessageAttributes: { colour: { DataType: "String", StringValue: "red" }, bytes: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 254, 255]) } },
      }),
    );
    await endpoint.first(path, "Notification");
    await first.nimbus.scheduler.advance(5_000);
    assert.equal(endpoint.notifications(path).length, 2, "first retry before the restart");
    assert.deepEqual(
      pendingNotifications(first.nimbus).map((r) => [r.attempts, r.dueAt - START, r.deadLetter?.targetArn]),
      [[2, 10_000, dlqArn]],
    );
    await stop(first.nimbus);

    // Started again at once: the clock goes on from where the first run stopped.
    const second = await start(START + 5_000);
    await second.nimbus.scheduler.advance(4_999);
    assert.equal(endpoint.notifications(path).length, 2);
    const empty = await second.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 0 }));
    assert.equal(empty.Messages, undefined, "not dead-lettered while a retry remains");
    await second.nimbus.scheduler.advance(1);
    assert.equal(endpoint.notifications(path).length, 3, "second and last retry after the restart");
    const dead = (await second.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"], WaitTimeSeconds: 0 }))).Messages ?? [];
    assert.equal(dead.length, 1);
    assert.equal(dead[0]?.Body, "nobody wants me");
    assert.deepEqual(dead[0]?.MessageAttributes, {
      colour: { DataType: "String", StringValue: "red" },
      bytes: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 254, 255]) },
    });
    assert.deepEqual(pendingNotifications(second.nimbus), []);
    await second.nimbus.scheduler.advance(3_600_000);
    assert.equal(endpoint.notifications(path).length, 3);
  });

  test("a retry overdue when Nimbus starts again goes out at once", async () => {
    const path = "/restart-overdue";
    const first = await start();
    const { topicArn } = await subscribed(first.sns, path, {});
    await first.sns.send(new PublishCommand({ TopicArn: topicArn, Message: "late" }));
    await endpoint.first(path, "Notification");
    await stop(first.nimbus);

    endpoint.statusFor = () => 200;
    // Down for five minutes: the retry was due 20 s after the publish.
    const { nimbus } = await start(START + 300_000);
    await nimbus.scheduler.runDue();
    assert.equal(endpoint.notifications(path).length, 2);
    assert.deepEqual(pendingNotifications(nimbus), []);
  });
});
