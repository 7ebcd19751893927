/**
 * SNS delivery status logging: a topic with `<Protocol>SuccessFeedbackRoleArn` /
 * `<Protocol>FailureFeedbackRoleArn` writes each delivery's outcome to CloudWatch Logs, in
 * `sns/<region>/<account>/<topic>` and `.../Failure`. @aws-sdk/client-cloudwatch-logs is not
 * installed, so the logs are read over the JSON 1.1 protocol, signed like the SDK would.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import {
  ConfirmSubscriptionCommand,
  CreatePlatformApplicationCommand,
  CreatePlatformEndpointCommand,
  CreateTopicCommand,
  PublishCommand,
  SetEndpointAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { jsonService, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";
import { SubscriberEndpoint } from "./sns-endpoint.js";

const ROLE = "arn:aws:iam::000000000000:role/SNSFeedback";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface StatusRecord {
  notification: { messageMD5Sum: string; messageId: string; topicArn: string; timestamp: string };
  delivery: { deliveryId: string; destination: string; providerResponse: string; dwellTimeMs: number; attempts: number; token?: string; statusCode?: number };
  status: "SUCCESS" | "FAILURE";
}

describe("SNS delivery status logging to CloudWatch Logs", () => {
  let nimbus: TestNimbus;
  let sns: SNSClient;
  let sqs: SQSClient;
  const endpoint = new SubscriberEndpoint();
  let base = "";
  const logs = jsonService(() => nimbus, { targetPrefix: "Logs_20140328", version: "1.1", signingName: "logs" });
  before(async () => {
    nimbus = await startTestNimbus();
    sns = new SNSClient(nimbus.clientConfig());
    sqs = new SQSClient(nimbus.clientConfig());
    base = await endpoint.listen();
  });
  after(async () => {
    sns.destroy();
    sqs.destroy();
    await endpoint.close();
    await nimbus.close();
  });

  async function topic(prefix: string, attributes: Record<string, string>): Promise<{ arn: string; group: string }> {
    const name = uniqueName(prefix);
    const arn = (await sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes }))).TopicArn ?? "";
    return { arn, group: `sns/us-east-1/000000000000/${name}` };
  }

  async function subscribedQueue(topicArn: string, prefix: string): Promise<{ url: string; arn: string }> {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(prefix) }))).QueueUrl ?? "";
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: arn }));
    return { url, arn };
  }

  /** The topic's status log groups that exist, success group first. */
  async function groups(group: string): Promise<string[]> {
    const out = await logs.ok("DescribeLogGroups", { logGroupNamePrefix: group });
    return (out["logGroups"] as Array<{ logGroupName: string }>).map((g) => g.logGroupName);
  }

  /** Every record in a group, with the stream it is in. */
  async function records(group: string): Promise<Array<{ stream: string; timestamp: number; record: StatusRecord }>> {
    const out = await logs.ok("FilterLogEvents", { logGroupName: group });
    return (out["events"] as Array<{ logStreamName: string; timestamp: number; message: string }>).map((e) => ({
      stream: e.logStreamName,
      timestamp: e.timestamp,
      record: JSON.parse(e.message) as StatusRecord,
    }));
  }

  const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

  test("an SQS delivery: one SUCCESS record in sns/<region>/<account>/<topic>, in AWS's shape", async () => {
    const { arn, group } = await topic("status-sqs", { SQSSuccessFeedbackRoleArn: ROLE, SQSSuccessFeedbackSampleRate: "100", SQSFailureFeedbackRoleArn: ROLE });
    const queue = await subscribedQueue(arn, "status-sqs");
    const publishedAt = new Date(nimbus.clock.now()).toISOString();
    const published = await sns.send(new PublishCommand({ TopicArn: arn, Message: "order 42 shipped" }));
    const [received] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url }))).Messages ?? [];
    assert.ok(received?.MessageId);

    assert.deepEqual(await groups(group), [group], "the success group only: nothing failed");
    const [only, ...rest] = await records(group);
    assert.equal(rest.length, 0);
    assert.ok(only);
    assert.match(only.stream, UUID, "AWS names the streams with UUIDs");
    assert.equal(only.timestamp, nimbus.clock.now());
    assert.deepEqual(Object.keys(only.record), ["notification", "delivery", "status"]);
    assert.deepEqual(only.record.notification, {
      messageMD5Sum: md5("order 42 shipped"),
      messageId: published.MessageId,
      topicArn: arn,
      timestamp: publishedAt.replace("T", " ").replace("Z", ""),
    });
    const { deliveryId, providerResponse, ...delivery } = only.record.delivery;
    assert.match(deliveryId, UUID);
    assert.deepEqual(delivery, { destination: queue.arn, dwellTimeMs: 0, attempts: 1, statusCode: 200 });
    assert.deepEqual(Object.keys(only.record.delivery), ["deliveryId", "destination", "providerResponse", "dwellTimeMs", "attempts", "statusCode"]);
    const response = JSON.parse(providerResponse) as Record<string, string>;
    assert.deepEqual(Object.keys(response), ["sqsRequestId", "sqsMessageId"]);
    assert.equal(response.sqsMessageId, received.MessageId, "the message id SQS gave the delivery");
    assert.equal(only.record.status, "SUCCESS");

    await sns.send(new PublishCommand({ TopicArn: arn, Message: "order 43 shipped" }));
    const both = await records(group);
    assert.equal(both.length, 2);
    assert.equal(both[1]?.stream, only.stream, "one stream per group and protocol");
  });

  test("a queue deleted before the publish: one FAILURE record in .../Failure with SQS's error", async () => {
    const { arn, group } = await topic("status-gone", { SQSFailureFeedbackRoleArn: ROLE });
    const queue = await subscribedQueue(arn, "status-gone");
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
    const published = await sns.send(new PublishCommand({ TopicArn: arn, Message: "nobody home" }));

    assert.deepEqual(await groups(group), [`${group}/Failure`]);
    const [only, ...rest] = await records(`${group}/Failure`);
    assert.equal(rest.length, 0);
    assert.equal(only?.record.status, "FAILURE");
    assert.equal(only?.record.notification.messageId, published.MessageId);
    const { deliveryId, ...delivery } = only?.record.delivery ?? { deliveryId: "" };
    assert.match(deliveryId, UUID);
    assert.deepEqual(delivery, {
      destination: queue.arn,
      providerResponse: '{"ErrorCode":"AWS.SimpleQueueService.NonExistentQueue","ErrorMessage":"The specified queue does not exist.","sqsRequestId":"Unrecoverable"}',
      dwellTimeMs: 0,
      attempts: 1,
      statusCode: 400,
    });
  });

  test("a Lambda function that does not exist: a FAILURE record with Lambda's 404", async () => {
    const { arn, group } = await topic("status-lambda", { LambdaFailureFeedbackRoleArn: ROLE, LambdaSuccessFeedbackRoleArn: ROLE, LambdaSuccessFeedbackSampleRate: "100" });
    const fn = `arn:aws:lambda:us-east-1:000000000000:function:${uniqueName("missing")}`;
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "lambda", Endpoint: fn }));
    await sns.send(new PublishCommand({ TopicArn: arn, Message: "anyone?" }));

    assert.deepEqual(await groups(group), [`${group}/Failure`]);
    const [only] = await records(`${group}/Failure`);
    assert.equal(only?.record.delivery.destination, fn);
    assert.equal(only?.record.delivery.statusCode, 404);
    assert.deepEqual(JSON.parse(only?.record.delivery.providerResponse ?? "{}"), {
      ErrorCode: "ResourceNotFoundException",
      ErrorMessage: `Function not found: ${fn}`,
      lambdaRequestId: "Unrecoverable",
    });
  });

  test("an HTTP endpoint answering 500: no record while retries remain, one FAILURE record once they are used up", async () => {
    const path = "/status-500";
    endpoint.statusFor = (r) => (r.path === path ? 500 : 200);
    const { arn, group } = await topic("status-http", { HTTPFailureFeedbackRoleArn: ROLE, HTTPSuccessFeedbackRoleArn: ROLE, HTTPSuccessFeedbackSampleRate: "100" });
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "http", Endpoint: `${base}${path}` }));
    const token = (JSON.parse((await endpoint.next(path)).body) as { Token: string }).Token;
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: arn, Token: token }));
    const published = await sns.send(new PublishCommand({ TopicArn: arn, Message: "are you there?" }));
    await endpoint.next(path);

    // AWS's default policy: 3 retries, 20 seconds apart.
    await nimbus.scheduler.advance(40_000);
    assert.equal(endpoint.notifications(path).length, 3);
    assert.deepEqual(await groups(group), [], "nothing is logged while retries remain");
    await nimbus.scheduler.advance(20_000);
    assert.equal(endpoint.notifications(path).length, 4);

    assert.deepEqual(await groups(group), [`${group}/Failure`]);
    const [only, ...rest] = await records(`${group}/Failure`);
    assert.equal(rest.length, 0);
    assert.equal(only?.record.status, "FAILURE");
    assert.equal(only?.record.notification.messageId, published.MessageId);
    assert.equal(only?.record.notification.messageMD5Sum, md5("are you there?"));
    const { deliveryId, ...delivery } = only?.record.delivery ?? { deliveryId: "" };
    assert.match(deliveryId, UUID);
    assert.deepEqual(delivery, { destination: `${base}${path}`, providerResponse: "Internal Server Error", dwellTimeMs: 60_000, attempts: 4, statusCode: 500 });
  });

  test("mobile push: the recorded push is a SUCCESS with the device token; a disabled endpoint a FAILURE", async () => {
    const { arn, group } = await topic("status-push", { ApplicationSuccessFeedbackRoleArn: ROLE, ApplicationSuccessFeedbackSampleRate: "100", ApplicationFailureFeedbackRoleArn: ROLE });
    const app = (await sns.send(new CreatePlatformApplicationCommand({ Name: uniqueName("app"), Platform: "GCM", Attributes: { PlatformCredential: "key" } }))).PlatformApplicationArn;
    const live = (await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: app, Token: "device-live" }))).EndpointArn ?? "";
    const off = (await sns.send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: app, Token: "device-off" }))).EndpointArn ?? "";
    await sns.send(new SetEndpointAttributesCommand({ EndpointArn: off, Attributes: { Enabled: "false" } }));
    for (const endpointArn of [live, off]) await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "application", Endpoint: endpointArn }));
    await sns.send(new PublishCommand({ TopicArn: arn, Message: "ping" }));

    const [ok] = await records(group);
    assert.deepEqual(
      [ok?.record.status, ok?.record.delivery.destination, ok?.record.delivery.token, ok?.record.delivery.statusCode],
      ["SUCCESS", live, "device-live", 200],
    );
    const [refused] = await records(`${group}/Failure`);
    assert.deepEqual(
      [refused?.record.status, refused?.record.delivery.destination, refused?.record.delivery.providerResponse, refused?.record.delivery.statusCode],
      ["FAILURE", off, "Endpoint is disabled", 400],
    );
  });

  test("a topic without the attributes logs nothing, delivered or not", async () => {
    const { arn, group } = await topic("status-off", {});
    await subscribedQueue(arn, "status-off");
    const gone = await subscribedQueue(arn, "status-off-gone");
    await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
    await sns.send(new PublishCommand({ TopicArn: arn, Message: "quiet" }));
    assert.deepEqual(await groups(group), []);
  });

  test("SuccessFeedbackSampleRate 0 logs no success; failures are still all logged", async () => {
    const { arn, group } = await topic("status-rate0", { SQSSuccessFeedbackRoleArn: ROLE, SQSFailureFeedbackRoleArn: ROLE });
    await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "SQSSuccessFeedbackSampleRate", AttributeValue: "0" }));
    await subscribedQueue(arn, "status-rate0");
    const gone = await subscribedQueue(arn, "status-rate0-gone");
    await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
    for (const n of [1, 2, 3]) await sns.send(new PublishCommand({ TopicArn: arn, Message: `message ${n}` }));

    assert.deepEqual(await groups(group), [`${group}/Failure`]);
    const failures = await records(`${group}/Failure`);
    assert.deepEqual(
      failures.map((f) => [f.record.status, f.record.delivery.destination]),
      [
        ["FAILURE", gone.arn],
        ["FAILURE", gone.arn],
        ["FAILURE", gone.arn],
      ],
    );
  });
});
