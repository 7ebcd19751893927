/**
 * SNS's resource quotas through the real v3 client: 1,000 FIFO topics per account and Region
 * (CreateTopic answers TopicLimitExceeded, 403, past them) and 100 subscriptions per FIFO topic
 * (Subscribe answers SubscriptionLimitExceeded, 403). Each test acts as an account of its own, so
 * that no other test's topics count against its quota. The 100,000 standard topics and the
 * 12,500,000 subscriptions of a standard topic are checked beside the code (quotas.test.ts).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CreateTopicCommand, DeleteTopicCommand, SNSClient, SNSServiceException, SubscribeCommand, UnsubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { accountsSuite, failure } from "./harness.js";

/** Runs `make(i)` for i in [0, count), `batch` requests at a time. */
async function inBatches<T>(count: number, batch: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += batch) {
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, count - start) }, (_, k) => make(start + k)))));
  }
  return out;
}

function assertLimit(err: SNSServiceException, name: string, message: string): void {
  assert.equal(err.name, name);
  assert.equal(err.$metadata.httpStatusCode, 403);
  assert.equal(err.message, message);
}

describe("SNS quotas", () => {
  const suite = accountsSuite({});
  const sns = (account: string, region = "us-east-1") => suite.client((config) => new SNSClient({ ...config, region }), account);

  test("1,000 FIFO topics per account and Region: the next is refused, an owned one still answers, a standard one and another Region still allowed, a delete frees a place", async () => {
    const account = "310000000001";
    const client = sns(account);
    const fifo = (name: string) => client.send(new CreateTopicCommand({ Name: name, Attributes: { FifoTopic: "true" } }));
    const arns = await inBatches(1_000, 100, (i) => fifo(`quota-${i}.fifo`));
    assert.equal(new Set(arns.map((out) => out.TopicArn)).size, 1_000);

    const refused = await failure<SNSServiceException>(fifo("quota-1000.fifo"));
    assertLimit(refused, "TopicLimitExceededException", "Topic limit exceeded: the account already owns the maximum allowed number of FIFO topics in this Region (1,000)");
    // CreateTopic is idempotent: a topic the account owns is not a new one.
    assert.equal((await fifo("quota-7.fifo")).TopicArn, `arn:aws:sns:us-east-1:${account}:quota-7.fifo`);
    // Standard topics have their own quota, and another Region its own count.
    assert.equal((await client.send(new CreateTopicCommand({ Name: "quota-standard" }))).TopicArn, `arn:aws:sns:us-east-1:${account}:quota-standard`);
    const elsewhere = await sns(account, "eu-west-1").send(new CreateTopicCommand({ Name: "quota-1000.fifo", Attributes: { FifoTopic: "true" } }));
    assert.equal(elsewhere.TopicArn, `arn:aws:sns:eu-west-1:${account}:quota-1000.fifo`);

    await client.send(new DeleteTopicCommand({ TopicArn: `arn:aws:sns:us-east-1:${account}:quota-7.fifo` }));
    assert.equal((await fifo("quota-1000.fifo")).TopicArn, `arn:aws:sns:us-east-1:${account}:quota-1000.fifo`);
    assertLimit(await failure<SNSServiceException>(fifo("quota-1001.fifo")), "TopicLimitExceededException", refused.message);
  });

  test("100 subscriptions per FIFO topic: the next is refused, an existing one still answers, Unsubscribe frees a place", async () => {
    const account = "310000000002";
    const client = sns(account);
    const sqs = suite.client((config) => new SQSClient(config), account);
    const topicArn = (await client.send(new CreateTopicCommand({ Name: "fanout.fifo", Attributes: { FifoTopic: "true" } }))).TopicArn ?? "";
    const queues = await inBatches(101, 25, async (i) => {
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: `fanout-${i}.fifo`, Attributes: { FifoQueue: "true" } }))).QueueUrl ?? "";
      return (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    });
    const subscribe = (endpoint: string) => client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: endpoint }));
    const subscriptions = await inBatches(100, 25, (i) => subscribe(queues[i] ?? ""));
    const last = queues[100] ?? "";

    const refused = await failure<SNSServiceException>(subscribe(last));
    assertLimit(refused, "SubscriptionLimitExceededException", "Subscription limit exceeded: the topic already has the maximum allowed number of subscriptions for a FIFO topic (100)");
    // Subscribe is idempotent for an endpoint already subscribed.
    assert.equal((await subscribe(queues[3] ?? "")).SubscriptionArn, subscriptions[3]?.SubscriptionArn);

    await client.send(new UnsubscribeCommand({ SubscriptionArn: subscriptions[0]?.SubscriptionArn ?? "" }));
    const added = await subscribe(last);
    assert.match(added.SubscriptionArn ?? "", new RegExp(`^${topicArn.replace(/\./g, "\\.")}:`));
    assertLimit(await failure<SNSServiceException>(subscribe(queues[0] ?? "")), "SubscriptionLimitExceededException", refused.message);
  });
});
