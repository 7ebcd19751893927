/** The set-up SNS test files share: a started Nimbus with an SNS client and an SQS client for the queues they fan out to. */
import { after, before } from "node:test";
import assert from "node:assert/strict";
import { CreateTopicCommand, SNSClient } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

export interface SnsFixture {
  readonly nimbus: TestNimbus;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

/**
 * `ready` gets the server and clients before the suite's tests (and before its own `before`
 * hooks, registered after this call); they are closed after them. The one place an SNS suite
 * starts and closes a Nimbus.
 */
export function snsSuite(ready: (fixture: SnsFixture) => void): void {
  let fixture: SnsFixture | undefined;
  before(async () => {
    const nimbus = await startTestNimbus();
    fixture = { nimbus, sns: new SNSClient(nimbus.clientConfig()), sqs: new SQSClient(nimbus.clientConfig()) };
    ready(fixture);
  });
  after(async () => {
    // Nothing to close when the server did not start.
    if (fixture === undefined) return;
    fixture.sns.destroy();
    fixture.sqs.destroy();
    await fixture.nimbus.close();
  });
}

/** A new standard topic named after `prefix`; its ARN. */
export async function newTopic(sns: SNSClient, prefix: string): Promise<string> {
  const out = await sns.send(new CreateTopicCommand({ Name: uniqueName(prefix) }));
  assert.ok(out.TopicArn);
  return out.TopicArn;
}

/** A new standard queue named after `prefix` (with `attributes`): its URL and ARN (to subscribe it, or to name it as a destination). */
export async function newQueue(sqs: SQSClient, prefix: string, attributes?: Record<string, string>): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(prefix), ...(attributes ? { Attributes: attributes } : {}) }))).QueueUrl ?? "";
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
  return { url, arn };
}

/** The bodies of the messages one receive of up to 10 finds in `url`, sorted. */
export async function sortedBodies(sqs: SQSClient, url: string): Promise<string[]> {
  const messages = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages ?? [];
  return messages.map((m) => m.Body ?? "").sort();
}
