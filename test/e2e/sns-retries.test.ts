import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  type SNSServiceException,
} from "@aws-sdk/client-sns";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";
import { SubscriberEndpoint } from "./sns-endpoint.js";
import { newQueue } from "./sns-fixtures.js";


describe("SNS HTTP/S delivery retries, delivery policies and dead-letter queues", () => {
  let nimbus: TestNimbus;
  let sns: SNSClient;
  let sqs: SQSClient;
  const endpoint = new SubscriberEndpoint();
  let base = "";
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

  const queue = (prefix: string): Promise<{ url: string; arn: string }> => newQueue(sqs, prefix);

  async function bodies(url: string): Promise<string[]> {
    return ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages ?? []).map((m) => m.Body ?? "");
  }

  /** Subscribes `url` and confirms it with the token the endpoint received. */
  async function confirmedSubscription(topicArn: string, url: string, attributes?: Record<string, string>): Promise<string> {
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: url, ...(attributes ? { Attributes: attributes } : {}) }));
    const confirmation = await endpoint.next(new URL(url).pathname);
    assert.equal(confirmation.headers["x-amz-sns-message-type"], "SubscriptionConfirmation");
    const token = (JSON.parse(confirmation.body) as { Token: string }).Token;
    return (await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: token }))).SubscriptionArn ?? "";
  }

  async function topic(prefix: string, attributes?: Record<string, string>): Promise<string> {
    return (await sns.send(new CreateTopicCommand({ Name: uniqueName(prefix), ...(attributes ? { Attributes: attributes } : {}) }))).TopicArn ?? "";
  }

  test("AWS's default policy: 3 retries 20 seconds apart, then the dead-letter queue", async () => {
    const path = "/always-500";
    endpoint.statusFor = (r) => (r.path === path ? 500 : 200);
    const topicArn = await topic("retry-default");
    const dlq = await queue("retry-dlq");
    const subArn = await confirmedSubscription(topicArn, `${base}${path}`, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) });
    const published = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "flaky", Subject: "retry me" }));
    const first = await endpoint.next(path);
    assert.equal(first.headers["x-amz-sns-message-id"], published.MessageId);
    assert.equal(endpoint.notifications(path).length, 1);

    await nimbus.scheduler.advance(19_999);
    assert.equal(endpoint.notifications(path).length, 1, "no retry before 20 seconds");
    await nimbus.scheduler.advance(1);
    assert.equal(endpoint.notifications(path).length, 2, "first retry at 20 s");
    await nimbus.scheduler.advance(20_000);
    assert.equal(endpoint.notifications(path).length, 3, "second retry at 40 s");
    assert.deepEqual(await bodies(dlq.url), [], "not dead-lettered while retries remain");
    await nimbus.scheduler.advance(20_000);
    assert.equal(endpoint.notifications(path).length, 4, "third and last retry at 60 s");
    for (const attempt of endpoint.notifications(path)) {
      assert.equal(attempt.headers["x-amz-sns-message-id"], published.MessageId, "every retry carries the same message id");
      assert.equal(attempt.headers["x-amz-sns-subscription-arn"], subArn);
    }
    const dead = await bodies(dlq.url);
    assert.equal(dead.length, 1);
    const doc = JSON.parse(dead[0] ?? "{}") as Record<string, string>;
    assert.equal(doc.Type, "Notification");
    assert.equal(doc.MessageId, published.MessageId);
    assert.equal(doc.Message, "flaky");
    assert.equal(doc.Subject, "retry me");
    await nimbus.scheduler.advance(3_600_000);
    assert.equal(endpoint.notifications(path).length, 4, "nothing after the policy is used up");
  });

  test("an endpoint that recovers gets the message once more and nothing after", async () => {
    const path = "/recovers";
    endpoint.statusFor = (r, attempt) => (r.path === path && attempt === 1 ? 503 : 200);
    const topicArn = await topic("retry-recover");
    const dlq = await queue("recover-dlq");
    await confirmedSubscription(topicArn, `${base}${path}`, { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) });
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "second time lucky" }));
    await endpoint.next(path);
    await nimbus.scheduler.advance(20_000);
    assert.equal(endpoint.notifications(path).length, 2);
    await nimbus.scheduler.advance(3_600_000);
    assert.equal(endpoint.notifications(path).length, 2);
    assert.deepEqual(await bodies(dlq.url), []);
  });

  test("4xx answers count as delivered (AWS retries only outside 200-499)", async () => {
    const path = "/not-found";
    endpoint.statusFor = (r) => (r.path === path ? 404 : 200);
    const topicArn = await topic("retry-4xx");
    await confirmedSubscription(topicArn, `${base}${path}`);
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "gone" }));
    await endpoint.next(path);
    await nimbus.scheduler.advance(3_600_000);
    assert.equal(endpoint.notifications(path).length, 1);
  });

  test("a subscription DeliveryPolicy sets the retries and the content type; the effective policy shows it", async () => {
    const path = "/custom-policy";
    endpoint.statusFor = (r) => (r.path === path ? 500 : 200);
    const topicArn = await topic("retry-custom");
    const dlq = await queue("custom-dlq");
    const subArn = await confirmedSubscription(topicArn, `${base}${path}`);
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: subArn,
        AttributeName: "DeliveryPolicy",
        AttributeValue: JSON.stringify({ healthyRetryPolicy: { numRetries: 2, minDelayTarget: 5, maxDelayTarget: 5 }, requestPolicy: { headerContentType: "application/json" } }),
      }),
    );
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: "RedrivePolicy", AttributeValue: JSON.stringify({ deadLetterTargetArn: dlq.arn }) }));
    const attrs = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subArn }))).Attributes ?? {};
    // Stored as AWS stores it: the retry policy's members in AWS's order, null where left out
    // (the Terraform AWS provider's TestSuppressEquivalentTopicSubscriptionDeliveryPolicy).
    assert.equal(
      attrs.DeliveryPolicy,
      '{"healthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":5,"numRetries":2,"numMaxDelayRetries":null,"numNoDelayRetries":null,"numMinDelayRetries":null,"backoffFunction":null},' +
        '"sicklyRetryPolicy":null,"throttlePolicy":null,"requestPolicy":{"headerContentType":"application/json"},"guaranteed":false}',
    );
    assert.deepEqual(JSON.parse(attrs.EffectiveDeliveryPolicy ?? "{}"), {
      healthyRetryPolicy: { minDelayTarget: 5, maxDelayTarget: 5, numRetries: 2, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: "linear" },
      sicklyRetryPolicy: null,
      throttlePolicy: null,
      requestPolicy: { headerContentType: "application/json" },
      guaranteed: false,
    });

    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "custom" }));
    const first = await endpoint.next(path);
    assert.equal(first.headers["content-type"], "application/json");
    await nimbus.scheduler.advance(5_000);
    assert.equal(endpoint.notifications(path).length, 2);
    await nimbus.scheduler.advance(5_000);
    assert.equal(endpoint.notifications(path).length, 3);
    assert.equal((await bodies(dlq.url)).length, 1, "dead-lettered after the second retry");
  });

  test("a topic DeliveryPolicy applies to its HTTP subscriptions; GetTopicAttributes shows stored and effective policy", async () => {
    const path = "/topic-policy";
    endpoint.statusFor = (r) => (r.path === path ? 500 : 200);
    const topicArn = await topic("retry-topic");
    await sns.send(
      new SetTopicAttributesCommand({
        TopicArn: topicArn,
        AttributeName: "DeliveryPolicy",
        AttributeValue: JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 1, minDelayTarget: 10, maxDelayTarget: 10 } } }),
      }),
    );
    const attrs = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes ?? {};
    assert.deepEqual(JSON.parse(attrs.DeliveryPolicy ?? "{}"), { http: { defaultHealthyRetryPolicy: { numRetries: 1, minDelayTarget: 10, maxDelayTarget: 10 }, disableSubscriptionOverrides: false } });
    assert.deepEqual(JSON.parse(attrs.EffectiveDeliveryPolicy ?? "{}"), {
      http: {
        defaultHealthyRetryPolicy: { minDelayTarget: 10, maxDelayTarget: 10, numRetries: 1, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: "linear" },
        disableSubscriptionOverrides: false,
        defaultRequestPolicy: { headerContentType: "text/plain; charset=UTF-8" },
      },
    });
    await confirmedSubscription(topicArn, `${base}${path}`);
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "topic policy" }));
    await endpoint.next(path);
    await nimbus.scheduler.advance(10_000);
    assert.equal(endpoint.notifications(path).length, 2);
    await nimbus.scheduler.advance(3_600_000);
    assert.equal(endpoint.notifications(path).length, 2, "one retry only");
  });

  test("connection refused is retried, then dead-lettered", async () => {
    // A server that takes the confirmation, then goes away.
    let confirmation: (body: string) => void = () => undefined;
    const confirmed = new Promise<string>((resolve) => (confirmation = resolve));
    const doomed = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => (body += d.toString()));
      req.on("end", () => {
        res.end("");
        confirmation(body);
      });
    });
    await new Promise<void>((resolve) => doomed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(doomed.address() as AddressInfo).port}/down`;
    const topicArn = await topic("retry-refused");
    const dlq = await queue("refused-dlq");
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: "http",
        Endpoint: deadUrl,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }), DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { numRetries: 1, minDelayTarget: 1, maxDelayTarget: 1 } }) },
      }),
    );
    const token = (JSON.parse(await confirmed) as { Token: string }).Token;
    await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: token }));
    doomed.closeAllConnections();
    await new Promise((resolve) => doomed.close(resolve));

    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "nobody home" }));
    assert.deepEqual(await bodies(dlq.url), []);
    await nimbus.scheduler.advance(1_000);
    const dead = await bodies(dlq.url);
    assert.equal(dead.length, 1, "one retry a second later, then the dead-letter queue");
    assert.equal((JSON.parse(dead[0] ?? "{}") as { Message: string }).Message, "nobody home");
  });

  test("delivery policies, redrive policies and topic policies are validated as AWS does", async () => {
    const topicArn = await topic("policy-validation");
    const tooMany = await failure<SNSServiceException>(
      sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "DeliveryPolicy", AttributeValue: JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 101 } } }) })),
    );
    assert.equal(tooMany.name, "InvalidParameterException");
    assert.equal(tooMany.message, "Invalid parameter: DeliveryPolicy: http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100");
    const tooLong = await failure<SNSServiceException>(
      sns.send(
        new SetTopicAttributesCommand({
          TopicArn: topicArn,
          AttributeName: "DeliveryPolicy",
          AttributeValue: JSON.stringify({ http: { defaultHealthyRetryPolicy: { minDelayTarget: 3599, maxDelayTarget: 3600 } } }),
        }),
      ),
    );
    assert.equal(tooLong.message, "Invalid parameter: DeliveryPolicy: http.defaultHealthyRetryPolicy: Total policy retry time cannot be greater than 3600 seconds");

    const malformed = await failure<SNSServiceException>(sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "Policy", AttributeValue: "{not json" })));
    assert.equal(malformed.name, "InvalidParameterException");
    assert.equal(malformed.message, "Invalid parameter: Policy Error: null");
    const outOfScope = await failure<SNSServiceException>(
      sns.send(
        new SetTopicAttributesCommand({
          TopicArn: topicArn,
          AttributeName: "Policy",
          AttributeValue: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: topicArn }] }),
        }),
      ),
    );
    assert.equal(outOfScope.message, "Invalid parameter: Policy statement action out of service scope!");
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "s3", Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "SNS:Publish", Resource: topicArn }] });
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "Policy", AttributeValue: policy }));
    assert.equal((await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes?.Policy, policy, "recorded as given (not enforced)");

    // Delivery status logging is recorded, not performed (no CloudWatch Logs delivery-status streams).
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "HTTPSuccessFeedbackRoleArn", AttributeValue: "arn:aws:iam::000000000000:role/sns-logs" }));
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "HTTPSuccessFeedbackSampleRate", AttributeValue: "100" }));
    const feedback = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes ?? {};
    assert.equal(feedback.HTTPSuccessFeedbackRoleArn, "arn:aws:iam::000000000000:role/sns-logs");
    assert.equal(feedback.HTTPSuccessFeedbackSampleRate, "100");

    const q = await queue("policy-validation-q");
    const subArn = (await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: q.arn }))).SubscriptionArn;
    const badArn = await failure<SNSServiceException>(
      sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subArn, AttributeName: "RedrivePolicy", AttributeValue: JSON.stringify({ deadLetterTargetArn: "not-an-arn" }) })),
    );
    assert.equal(badArn.message, "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn");
    const badPolicy = await failure<SNSServiceException>(
      sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `${base}/never`, Attributes: { DeliveryPolicy: JSON.stringify({ healthyRetryPolicy: { maxDelayTarget: 5, minDelayTarget: 6 } }) } })),
    );
    assert.equal(badPolicy.message, "Invalid parameter: Attributes Reason: DeliveryPolicy: healthyRetryPolicy.maxDelayTarget must be greater than or equal to minDelayTarget");
  });
});
