import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  GetSubscriptionAttributesCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SNSServiceException,
  SubscribeCommand,
  type MessageAttributeValue,
} from "@aws-sdk/client-sns";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { failure, signedHeaders, type TestNimbus } from "./harness.js";
import { newQueue, newTopic, snsSuite, sortedBodies } from "./sns-fixtures.js";

// Subscription filter policies end to end: what Subscribe/SetSubscriptionAttributes keep and
// show, and which publishes reach an SQS subscriber.
describe("SNS subscription filter policies", () => {
  let sns: SNSClient;
  let sqs: SQSClient;
  let nimbus: TestNimbus;
  snsSuite((fixture) => ({ sns, sqs, nimbus } = fixture));

  const topic = (prefix: string): Promise<string> => newTopic(sns, prefix);
  const queue = (prefix: string): Promise<{ url: string; arn: string }> => newQueue(sqs, prefix);
  const bodies = (url: string): Promise<string[]> => sortedBodies(sqs, url);

  /** A raw-delivery SQS subscription, so received bodies are the published messages. */
  async function rawSubscription(prefix: string, attributes: Record<string, string> = {}) {
    const arn = await topic(prefix);
    const q = await queue(`${prefix}-q`);
    const out = await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: q.arn, Attributes: { ...attributes, RawMessageDelivery: "true" } }));
    assert.ok(out.SubscriptionArn);
    return { topicArn: arn, queueUrl: q.url, subscriptionArn: out.SubscriptionArn };
  }

  const set = (SubscriptionArn: string, AttributeName: string, AttributeValue: string) =>
    sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName, AttributeValue }));
  const attributesOf = async (SubscriptionArn: string) => (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes ?? {};
  const publish = (TopicArn: string, Message: string, MessageAttributes?: Record<string, MessageAttributeValue>) =>
    sns.send(new PublishCommand({ TopicArn, Message, ...(MessageAttributes ? { MessageAttributes } : {}) }));

  test("FilterPolicyScope is shown only beside a FilterPolicy", async () => {
    // Recorded against AWS (LocalStack's test_set_subscription_filter_policy_scope snapshot,
    // May 2024): a scope set alone is kept but not listed; it appears with the policy.
    const { subscriptionArn } = await rawSubscription("fp-scope");
    await set(subscriptionArn, "FilterPolicyScope", "MessageBody");
    let attrs = await attributesOf(subscriptionArn);
    assert.equal(attrs.FilterPolicyScope, undefined);
    assert.equal(attrs.FilterPolicy, undefined);
    await set(subscriptionArn, "FilterPolicy", JSON.stringify({ attr: ["match-this"] }));
    attrs = await attributesOf(subscriptionArn);
    assert.equal(attrs.FilterPolicyScope, "MessageBody", "the scope set before the policy was kept");
    assert.equal(attrs.FilterPolicy, JSON.stringify({ attr: ["match-this"] }));
  });

  test("changing the scope re-validates the policy; removing the policy delivers everything", async () => {
    const { topicArn, queueUrl, subscriptionArn } = await rawSubscription("fp-rescope", { FilterPolicyScope: "MessageBody", FilterPolicy: JSON.stringify({ order: { status: ["paid"] } }) });
    const refused = await failure<SNSServiceException>(set(subscriptionArn, "FilterPolicyScope", "MessageAttributes"));
    assert.equal(refused.name, "InvalidParameterException");
    assert.equal(refused.$metadata.httpStatusCode, 400);
    assert.equal(refused.message, "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy");
    assert.equal((await attributesOf(subscriptionArn)).FilterPolicyScope, "MessageBody", "the refused scope was not kept");

    await publish(topicArn, JSON.stringify({ order: { status: "open" } }));
    await publish(topicArn, "not json at all");
    assert.deepEqual(await bodies(queueUrl), [], "a body policy passes neither a non-matching nor a non-JSON body");

    await set(subscriptionArn, "FilterPolicy", "");
    const attrs = await attributesOf(subscriptionArn);
    assert.equal(attrs.FilterPolicy, undefined);
    assert.equal(attrs.FilterPolicyScope, undefined, "without a policy the scope is not listed");
    await publish(topicArn, "not json at all");
    await publish(topicArn, JSON.stringify({ order: { status: "open" } }));
    assert.deepEqual(await bodies(queueUrl), ["not json at all", '{"order":{"status":"open"}}']);
  });

  test("attribute scope: a message without attributes passes only exists:false", async () => {
    const { topicArn, queueUrl } = await rawSubscription("fp-noattrs", { FilterPolicy: JSON.stringify({ store: ["example_corp"] }) });
    const absent = await rawSubscription("fp-absent", { FilterPolicy: JSON.stringify({ store: [{ exists: false }] }) });
    await publish(topicArn, "no attributes");
    await publish(topicArn, "matching", { store: { DataType: "String", StringValue: "example_corp" } });
    assert.deepEqual(await bodies(queueUrl), ["matching"]);
    await publish(absent.topicArn, "no attributes");
    await publish(absent.topicArn, "has store", { store: { DataType: "String", StringValue: "x" } });
    assert.deepEqual(await bodies(absent.queueUrl), ["no attributes"]);
  });

  test("numeric ranges, String.Array attributes and anything-but lists", async () => {
    const policy = { price_usd: [{ numeric: [">", 0, "<=", 150] }], customer_interests: [{ "anything-but": ["rugby", "tennis"] }] };
    const { topicArn, queueUrl } = await rawSubscription("fp-numeric", { FilterPolicy: JSON.stringify(policy) });
    const send = (body: string, price: string, interests: string[], priceType = "Number") =>
      publish(topicArn, body, { price_usd: { DataType: priceType, StringValue: price }, customer_interests: { DataType: "String.Array", StringValue: JSON.stringify(interests) } });
    await send("150 golf", "150", ["golf"]);
    await send("0 golf", "0", ["golf"]);
    await send("150.01 golf", "150.01", ["golf"]);
    await send("99 rugby+baseball", "99", ["rugby", "baseball"]);
    await send("99 rugby", "99", ["rugby"]);
    await send("99 as a String", "99", ["golf"], "String");
    assert.deepEqual(await bodies(queueUrl), ["150 golf", "99 rugby+baseball"]);
  });

  test("numeric values outside -1e9..1e9 are refused", async () => {
    const { subscriptionArn } = await rawSubscription("fp-range");
    const policy = JSON.stringify({ price: [{ numeric: [">", 1e10] }] });
    const refused = await failure<SNSServiceException>(set(subscriptionArn, "FilterPolicy", policy));
    assert.equal(refused.name, "InvalidParameterException");
    // The rule compiler reports it once the numeric array is read: the column after its "]".
    const column = policy.indexOf("]") + 2;
    assert.equal(refused.message, `Invalid parameter: FilterPolicy: Value must be between -1.0E9 and 1.0E9, inclusive\n at [Source: (String)"${policy}"; line: 1, column: ${column}]`);
    await set(subscriptionArn, "FilterPolicy", JSON.stringify({ price: [{ numeric: [">=", -1e9, "<=", 1e9] }] }));
  });

  test("body scope: arrays, nesting, null and missing keys", async () => {
    const policy = { customer: { interests: ["rugby"] }, coupon: [null], gift: [{ exists: false }] };
    const { topicArn, queueUrl } = await rawSubscription("fp-body", { FilterPolicyScope: "MessageBody", FilterPolicy: JSON.stringify(policy) });
    const bodiesSent = [
      { customer: { interests: ["soccer", "rugby"] }, coupon: null },
      { customer: { interests: "rugby" }, coupon: null, gift: "card" },
      { customer: { interests: "rugby" } },
      { customer: { interests: ["soccer"] }, coupon: null },
      { customer: [{ interests: "rugby" }], coupon: null },
    ].map((b) => JSON.stringify(b));
    for (const body of bodiesSent) await publish(topicArn, body);
    assert.deepEqual(await bodies(queueUrl), [bodiesSent[0], bodiesSent[4]].sort());
  });

  test("an attribute named __proto__ or constructor is matched, delivered and enveloped like any other", async () => {
    // SNS takes any name of letters, digits, _ - and .: copies of the attributes by assignment had
    // set a map's prototype for __proto__, so a policy on it matched nothing and deliveries lost
    // it. Received over the wire, as the v3 SQS client reads __proto__'s value as undefined.
    const arn = await topic("fp-proto");
    const raw = await queue("fp-proto-raw");
    const enveloped = await queue("fp-proto-env");
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: raw.arn, Attributes: { RawMessageDelivery: "true", FilterPolicy: '{"__proto__":[{"exists":true}]}' } }));
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: enveloped.arn, Attributes: { FilterPolicy: JSON.stringify({ constructor: ["c"] }) } }));
    await publish(arn, "none");
    await publish(arn, "both", { ["__proto__"]: { DataType: "String", StringValue: "p" }, constructor: { DataType: "String", StringValue: "c" } });
    await publish(arn, "other constructor", { constructor: { DataType: "String", StringValue: "x" } });
    const receive = async (QueueUrl: string) => {
      const res = await fetch(`${nimbus.url}/`, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.ReceiveMessage", ...signedHeaders("sqs") },
        body: JSON.stringify({ QueueUrl, MessageAttributeNames: ["All"], MaxNumberOfMessages: 10 }),
      });
      assert.equal(res.status, 200);
      return (JSON.parse(await res.text()) as { Messages?: Array<{ Body: string; MessageAttributes?: unknown }> }).Messages ?? [];
    };
    const rawMessages = await receive(raw.url);
    assert.deepEqual(
      rawMessages.map((m) => [m.Body, m.MessageAttributes]),
      [["both", JSON.parse('{"__proto__":{"StringValue":"p","DataType":"String"},"constructor":{"StringValue":"c","DataType":"String"}}')]],
    );
    const envelopes = (await receive(enveloped.url)).map((m) => JSON.parse(m.Body) as { Message: string; MessageAttributes: unknown });
    assert.deepEqual(
      envelopes.map((e) => [e.Message, e.MessageAttributes]),
      [["both", JSON.parse('{"__proto__":{"Type":"String","Value":"p"},"constructor":{"Type":"String","Value":"c"}}')]],
    );
  });

  test("raw and enveloped deliveries filter the same message body", async () => {
    const arn = await topic("fp-envelope");
    const raw = await queue("fp-envelope-raw");
    const enveloped = await queue("fp-envelope-env");
    const policy = JSON.stringify({ kind: [{ prefix: "order-" }] });
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: raw.arn, Attributes: { RawMessageDelivery: "true", FilterPolicyScope: "MessageBody", FilterPolicy: policy } }));
    await sns.send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: enveloped.arn, Attributes: { FilterPolicyScope: "MessageBody", FilterPolicy: policy } }));
    await publish(arn, JSON.stringify({ kind: "order-placed" }));
    await publish(arn, JSON.stringify({ kind: "refund" }));
    assert.deepEqual(await bodies(raw.url), ['{"kind":"order-placed"}']);
    const envelopes = (await bodies(enveloped.url)).map((b) => (JSON.parse(b) as { Message: string }).Message);
    assert.deepEqual(envelopes, ['{"kind":"order-placed"}']);
  });
});
