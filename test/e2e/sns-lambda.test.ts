import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import type { ServiceDefinition } from "../../src/core/service.js";
import { jsonService, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

interface Invocation {
  input: { FunctionName?: string; InvocationType?: string; Payload?: Uint8Array };
  scope: { account: string; region: string };
}

describe("SNS to Lambda subscriptions", () => {
  let nimbus: TestNimbus;
  let sns: SNSClient;
  const invocations: Invocation[] = [];
  // A Lambda stand-in that records what SNS hands it through in-process invocation.
  const lambda: ServiceDefinition = {
    handlers: {
      Invoke: ((input: Invocation["input"], ctx: { account: string; region: string }) => {
        invocations.push({ input, scope: { account: ctx.account, region: ctx.region } });
        return { StatusCode: 202 };
      }) as never,
    },
  };
  before(async () => {
    nimbus = await startTestNimbus({ services: { lambda } });
    sns = new SNSClient(nimbus.clientConfig());
  });
  after(async () => {
    sns.destroy();
    await nimbus.close();
  });

  test("a publish invokes the function asynchronously with the SNS event", async () => {
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("to-lambda") }))).TopicArn ?? "";
    const fn = "arn:aws:lambda:us-east-1:000000000000:function:on-message";
    const sub = await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "lambda", Endpoint: fn }));
    const published = await sns.send(
      new PublishCommand({ TopicArn: topicArn, Message: "for the function", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } }),
    );
    assert.equal(invocations.length, 1);
    const call = invocations[0];
    assert.equal(call?.input.FunctionName, fn);
    assert.equal(call?.input.InvocationType, "Event");
    assert.deepEqual(call?.scope, { account: "000000000000", region: "us-east-1" });
    const event = JSON.parse(Buffer.from(call?.input.Payload ?? new Uint8Array()).toString("utf8")) as {
      Records: Array<{ EventSource: string; EventSubscriptionArn: string; Sns: Record<string, unknown> }>;
    };
    assert.equal(event.Records.length, 1);
    const record = event.Records[0];
    assert.equal(record?.EventSource, "aws:sns");
    assert.equal(record?.EventSubscriptionArn, sub.SubscriptionArn);
    assert.equal(record?.Sns.MessageId, published.MessageId);
    assert.equal(record?.Sns.Message, "for the function");
    assert.equal(record?.Sns.Subject, null);
    assert.deepEqual(record?.Sns.MessageAttributes, { k: { Type: "String", Value: "v" } });
  });

  test("a Lambda delivery's SUCCESS status record has no attempts", async () => {
    // LocalStack's AWS-validated test_delivery_lambda snapshot (delivery-events): deliveryId,
    // destination, dwellTimeMs, providerResponse {"lambdaRequestId"}, statusCode 202, no attempts.
    const logs = jsonService(() => nimbus, { targetPrefix: "Logs_20140328", version: "1.1", signingName: "logs" });
    const name = uniqueName("lambda-status");
    const Attributes = { LambdaSuccessFeedbackRoleArn: "arn:aws:iam::000000000000:role/sns-status", LambdaSuccessFeedbackSampleRate: "100" };
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: name, Attributes }))).TopicArn ?? "";
    const fn = "arn:aws:lambda:us-east-1:000000000000:function:on-status";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "lambda", Endpoint: fn }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "Should be received" }));
    const out = await logs.ok("FilterLogEvents", { logGroupName: `sns/us-east-1/000000000000/${name}` });
    const events = out["events"] as Array<{ message: string }>;
    assert.equal(events.length, 1);
    const record = JSON.parse(events[0]?.message ?? "{}") as { status: string; delivery: Record<string, unknown> };
    assert.equal(record.status, "SUCCESS");
    assert.deepEqual(Object.keys(record.delivery).sort(), ["deliveryId", "destination", "dwellTimeMs", "providerResponse", "statusCode"]);
    assert.equal(record.delivery.statusCode, 202);
    assert.deepEqual(Object.keys(JSON.parse(String(record.delivery.providerResponse)) as object), ["lambdaRequestId"]);
  });
});
