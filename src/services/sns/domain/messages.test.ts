import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { AwsError } from "../../../core/errors.js";
import {
  PUBLISH_DEDUPLICATION_INTERVAL_MS,
  buildConfirmation,
  buildNotification,
  confirmationMessageText,
  envelopeAttributes,
  envelopeJson,
  findDuplicatePublish,
  generateConfirmationToken,
  httpConfirmation,
  httpNotification,
  javaHashMapOrder,
  lambdaEvent,
  messageForProtocol,
  nextTopicSequenceNumber,
  parseMessageStructure,
  publishSize,
  recordPublish,
  resolvePublishIds,
  snsTimestamp,
  sqsDelivery,
  subscribeUrl,
  unsubscribeUrl,
  validateMessageAttributes,
  validatePublishMessage,
  type EnvelopeSigner,
  type NotificationInput,
  type PublishDeduplicationEntry,
} from "./messages.js";
import { devSigningIdentity, verifySnsMessageSignature, type SignableSnsMessage } from "./signing.js";

function assertInvalid(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, "InvalidParameterException");
    assert.equal(e.queryCode, "InvalidParameter");
    assert.equal(e.status, 400);
    assert.equal(e.message, message);
    return true;
  });
}

const identity = devSigningIdentity();
const signer: EnvelopeSigner = {
  identity,
  version: "1",
  certUrl: "http://localhost:4566/_nimbus/sns/SimpleNotificationService-abc.pem",
};
const TOPIC = "arn:aws:sns:us-east-1:000000000000:orders";
const SUBSCRIPTION = `${TOPIC}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`;
const BASE = "http://localhost:4566";

const input: NotificationInput = {
  messageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
  topicArn: TOPIC,
  subscriptionArn: SUBSCRIPTION,
  message: "Hello world!",
  subject: "My First Message",
  timestamp: "2012-05-02T00:54:06.655Z",
  unsubscribeUrl: unsubscribeUrl(BASE, SUBSCRIPTION),
  messageAttributes: {
    store: { DataType: "String", StringValue: "example_corp" },
    price_usd: { DataType: "Number", StringValue: "210.75" },
    interests: { DataType: "String.Array", StringValue: '["soccer", "rugby"]' },
    blob: { DataType: "Binary", BinaryValue: Buffer.from("Hello binary world!") },
  },
  signer,
};

/** What a subscriber does with the JSON it received: rebuild the signed fields and verify. */
function subscriberVerifies(document: Record<string, unknown>): boolean {
  const fields = document as unknown as SignableSnsMessage & { Signature: string; SignatureVersion: "1" | "2" };
  return verifySnsMessageSignature(fields, fields.Signature, identity.certificate, fields.SignatureVersion);
}

describe("Publish rules", () => {
  test("timestamps are ISO-8601 with milliseconds, from the injected clock", () => {
    assert.equal(snsTimestamp({ now: () => Date.UTC(2012, 4, 2, 0, 54, 6, 655) }), "2012-05-02T00:54:06.655Z");
  });

  test("message and subject", () => {
    validatePublishMessage({ message: "x", subject: "Greetings!" });
    assertInvalid(() => validatePublishMessage({ message: "" }), "Invalid parameter: Empty message");
    assertInvalid(() => validatePublishMessage({ message: undefined }), "Invalid parameter: Empty message");
    for (const subject of ["", "line\nbreak", "line\u2028separator", " leading space", "\u3000ideographic space", "x".repeat(100), "\u00e9".repeat(100), "nul\u0000", "c1\u009f"]) {
      assertInvalid(() => validatePublishMessage({ message: "x", subject }), "Invalid parameter: Subject");
    }
    // UTF-8 text, counted in characters (code points), not bytes or UTF-16 units.
    for (const subject of ["x".repeat(99), "caf\u00e9", "\u00e9".repeat(99), "\u{1F600}".repeat(99), "\u00bfQu\u00e9 tal?"]) {
      validatePublishMessage({ message: "x", subject });
    }
  });

  test("message attributes: ParameterValueInvalid with SNS's bare sentences (recorded against AWS, Nov 2024)", () => {
    const check = (attributes: Parameters<typeof validateMessageAttributes>[0], message: string) =>
      assert.throws(
        () => validateMessageAttributes(attributes),
        (e: unknown) => e instanceof AwsError && e.code === "InvalidParameterValueException" && e.queryCode === "ParameterValueInvalid" && e.status === 400 && e.message === message,
        message,
      );
    const s = { DataType: "String", StringValue: "v" };
    check({ ["a".repeat(257)]: s }, "Length of message attribute name must be less than 256 bytes.");
    check({ "a^b": s }, "Invalid non-alphanumeric character '#x5E' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.");
    check({ "a b": s }, "Invalid non-alphanumeric character '#x20' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.");
    check({ ".ab": s }, "Invalid message attribute name starting with character '.' was found.");
    check({ "ab.": s }, "Invalid message attribute name ending with character '.' was found.");
    check({ "a..b": s }, "Message attribute name can not have successive '.' character.");
    for (const DataType of ["Foo", "string", "String.", "StringX"]) {
      check({ attr1: { DataType, StringValue: "v" } }, "The message attribute 'attr1' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
    }
    check({ attr1: { DataType: "String" } }, "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'.");
    check({ attr1: { DataType: "String", StringValue: "" } }, "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'String'.");
    check({ attr1: { DataType: "Binary", BinaryValue: new Uint8Array(0) } }, "The message attribute 'attr1' must contain non-empty message attribute value for message attribute type 'Binary'.");
    check({ attr1: { DataType: "String", BinaryValue: new Uint8Array([1]) } }, "The message attribute 'attr1' with type 'String' must use field 'String'.");
    check({ attr1: { DataType: "Number", BinaryValue: new Uint8Array([1]) } }, "The message attribute 'attr1' with type 'Number' must use field 'String'.");
    check({ attr1: { DataType: "Binary", StringValue: "v" } }, "The message attribute 'attr1' with type 'Binary' must use field 'Binary'.");
    check({ price: { DataType: "Number", StringValue: "error" } }, "Could not cast message attribute 'price' value to number.");
    validateMessageAttributes({
      "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" },
      "a-b_c.d": { DataType: "Number.float", StringValue: "1.5e3" },
      list: { DataType: "String.Array", StringValue: '["a", 1, true, null]' },
      blob: { DataType: "Binary.gif", BinaryValue: new Uint8Array([1]) },
      [`${"a".repeat(256)}`]: s,
    });
  });

  test("the subject and the message are checked before the attributes", () => {
    assertInvalid(() => validatePublishMessage({ message: "", attributes: { "a b": { DataType: "String", StringValue: "v" } } }), "Invalid parameter: Empty message");
  });

  test("size counts body and attributes; the topic's MaximumMessageSize raises the limit", () => {
    assert.equal(publishSize("ab", { k: { DataType: "String", StringValue: "v" } }), 2 + 1 + 6 + 1);
    validatePublishMessage({ message: "a".repeat(262_144) });
    assertInvalid(() => validatePublishMessage({ message: "a".repeat(262_145) }), "Invalid parameter: Message too long");
    assertInvalid(
      () => validatePublishMessage({ message: "a".repeat(262_140), attributes: { k: { DataType: "String", StringValue: "v" } } }),
      "Invalid parameter: Message too long",
    );
    validatePublishMessage({ message: "a".repeat(1_048_576), maximumMessageSize: 1_048_576 });
  });

  test("MessageStructure=json selects the message per protocol", () => {
    const structured = parseMessageStructure(JSON.stringify({ default: "d", sqs: "for sqs", lambda: { not: "a string" } }), "json");
    assert.deepEqual(structured, { default: "d", sqs: "for sqs" });
    assert.equal(messageForProtocol("raw", structured, "sqs"), "for sqs");
    assert.equal(messageForProtocol("raw", structured, "lambda"), "d", "non-string values are ignored");
    assert.equal(messageForProtocol("raw", structured, "https"), "d");
    assert.equal(messageForProtocol("raw", undefined, "sqs"), "raw");
    assert.equal(parseMessageStructure("anything", undefined), undefined);
  });

  test("MessageStructure=json errors", () => {
    assertInvalid(
      () => parseMessageStructure(JSON.stringify({ sqs: "only sqs" }), "json"),
      "Invalid parameter: Message Structure - No default entry in JSON message body",
    );
    assertInvalid(
      () => parseMessageStructure(JSON.stringify({ default: 1 }), "json"),
      "Invalid parameter: Message Structure - No default entry in JSON message body",
    );
    for (const bad of ["not json", "[]", '"s"', "null"]) {
      assertInvalid(() => parseMessageStructure(bad, "json"), "Invalid parameter: Message Structure - JSON message body failed to parse");
    }
    assertInvalid(() => parseMessageStructure("{}", "xml"), "Invalid parameter: MessageStructure");
  });

  test("FIFO topics need a MessageGroupId and a deduplication id or content-based deduplication", () => {
    const fifo = { fifoTopic: true, contentBasedDeduplication: false, message: "m" };
    assertInvalid(() => resolvePublishIds(fifo), "Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
    assertInvalid(
      () => resolvePublishIds({ ...fifo, messageGroupId: "g" }),
      "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
    );
    assert.deepEqual(resolvePublishIds({ ...fifo, messageGroupId: "g", messageDeduplicationId: "d" }), {
      messageGroupId: "g",
      messageDeduplicationId: "d",
    });
    assert.deepEqual(resolvePublishIds({ ...fifo, contentBasedDeduplication: true, messageGroupId: "g" }), {
      messageGroupId: "g",
      messageDeduplicationId: createHash("sha256").update("m").digest("hex"),
    });
  });

  test("standard topics refuse a MessageDeduplicationId", () => {
    assertInvalid(
      () => resolvePublishIds({ fifoTopic: false, contentBasedDeduplication: false, message: "m", messageDeduplicationId: "d" }),
      "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type",
    );
    assert.deepEqual(resolvePublishIds({ fifoTopic: false, contentBasedDeduplication: false, message: "m" }), {});
  });

  test("FIFO deduplication window and sequence numbers", () => {
    const state = new Map<string, PublishDeduplicationEntry>();
    recordPublish(state, "d", { messageId: "m1", sequenceNumber: "10000000000000000000" }, 0);
    assert.equal(findDuplicatePublish(state, "d", PUBLISH_DEDUPLICATION_INTERVAL_MS - 1)?.messageId, "m1");
    assert.equal(findDuplicatePublish(state, "d", PUBLISH_DEDUPLICATION_INTERVAL_MS), undefined);
    assert.equal(findDuplicatePublish(state, "other", 0), undefined);
    const first = nextTopicSequenceNumber(undefined);
    assert.equal(first, "10000000000000000000");
    assert.equal(nextTopicSequenceNumber(first), "10000000000000000001");
    assert.match(nextTopicSequenceNumber("10000000000000002999"), /^\d{20}$/);
  });
});

describe("notification envelope", () => {
  test("fields in AWS's order, attributes as {Type, Value}, signed", () => {
    const envelope = buildNotification(input);
    assert.deepEqual(Object.keys(envelope), [
      "Type",
      "MessageId",
      "TopicArn",
      "Subject",
      "Message",
      "Timestamp",
      "SignatureVersion",
      "Signature",
      "SigningCertURL",
      "UnsubscribeURL",
      "MessageAttributes",
    ]);
    assert.equal(envelope.Type, "Notification");
    assert.equal(envelope.SignatureVersion, "1");
    assert.equal(envelope.SigningCertURL, signer.certUrl);
    assert.equal(envelope.UnsubscribeURL, `${BASE}/?Action=Unsubscribe&SubscriptionArn=${SUBSCRIPTION}`);
    assert.deepEqual(envelope.MessageAttributes, {
      store: { Type: "String", Value: "example_corp" },
      price_usd: { Type: "Number", Value: "210.75" },
      interests: { Type: "String.Array", Value: '["soccer", "rugby"]' },
      blob: { Type: "Binary", Value: Buffer.from("Hello binary world!").toString("base64") },
    });
    assert.equal(subscriberVerifies(envelope), true);
  });

  test("no Subject, no attributes: the keys are absent", () => {
    const envelope = buildNotification({ ...input, subject: undefined, messageAttributes: undefined });
    assert.ok(!("Subject" in envelope));
    assert.ok(!("MessageAttributes" in envelope));
    assert.equal(subscriberVerifies(envelope), true);
    assert.equal(envelopeAttributes({}), undefined);
  });

  test("SignatureVersion 2 signs with SHA-256", () => {
    const envelope = buildNotification({ ...input, signer: { ...signer, version: "2" } });
    assert.equal(envelope.SignatureVersion, "2");
    assert.equal(subscriberVerifies(envelope), true);
    assert.notEqual(envelope.Signature, buildNotification(input).Signature);
  });

  test("printed as SNS prints it: the body of a recorded SQS delivery, byte for byte", () => {
    // aws-powertools-lambda-python tests/events/snsSqsEvent.json: a notification a queue received
    // from a topic in account 231436140809; its md5OfBody is the MD5 of the body.
    const body = envelopeJson({
      Type: "Notification",
      MessageId: "d88d4479-6ec0-54fe-b63f-1cf9df4bb16e",
      TopicArn: "arn:aws:sns:eu-west-1:231436140809:powertools265",
      Message: '{"message": "hello world", "username": "lessa"}',
      Timestamp: "2021-01-19T10:07:07.287Z",
      SignatureVersion: "1",
      Signature:
        "tEo2i6Lw6/Dr7Jdlulh0sXgnkF0idd3hqs8QZCorQpzkIWVOuu583NT0Gv0epuZD1Bo+tex6NgP5p6415yNVujGHJKnkrA9ztzXaVgFiol8rf8AFGQbmb7RsM9BqATQUJeg9nCTe0jksmWXmjxEFr8XKyyRuQBwSlRTngAvOw8jUnCe1vyYD5xPec1xpfOEGLi5BqSog+6tBtsry3oAtcENX8SV1tVuMpp6D+UrrU8xNT/5D70uRDppkPE3vq+t7rR0fVSdQRdUV9KmQD2bflA1Dyb2y37EzwJOMHDDQ82aOhj/JmPxvEAlV8RkZl6J0HIveraRy9wbNLbI7jpiOCw==",
      SigningCertURL: "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-010a507c1833636cd94bdb98bd93083a.pem",
      UnsubscribeURL: "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:231436140809:powertools265:15189ad7-870e-40e5-a7dd-a48898cd9f86",
    });
    assert.equal(createHash("md5").update(body).digest("hex"), "8910bdaaf9a30a607f7891037d4af0b0");
    // Attributes one a line, each compact, as in recorded FIFO deliveries.
    assert.equal(
      envelopeJson({ Type: "Notification", MessageAttributes: { key1: { Type: "String", Value: "value1" }, key2: { Type: "Number", Value: "2" } } }),
      '{\n  "Type" : "Notification",\n  "MessageAttributes" : {\n    "key1" : {"Type":"String","Value":"value1"},\n    "key2" : {"Type":"Number","Value":"2"}\n  }\n}',
    );
    assert.equal(sqsDelivery(input, { rawMessageDelivery: false }).body, envelopeJson(buildNotification(input)));
  });

  test("attributes in the order SNS prints them: a Java HashMap's, neither as published nor sorted", () => {
    const attributes = (...names: string[]) => Object.fromEntries(names.map((name) => [name, { DataType: "String", StringValue: "v" }]));
    const printed = (...names: string[]) => Object.keys(envelopeAttributes(attributes(...names)) ?? {});
    // LocalStack's AWS-validated test_redrive_policy_sqs_queue_subscription[False]: published attr1, attr2.
    assert.deepEqual(printed("attr1", "attr2"), ["attr2", "attr1"]);
    // test_sns_filter_policy's test_exists_filter_policy: published store, def.
    assert.deepEqual(printed("store", "def"), ["def", "store"]);
    // SQS bodies captured from AWS, whatever order the names were published in.
    assert.deepEqual(printed("action", "customerId", "module", "service"), ["service", "module", "customerId", "action"]);
    assert.deepEqual(printed("correlationId", "context", "eventId"), ["eventId", "context", "correlationId"]);
    assert.deepEqual(printed("name", "model", "forecast_reference_time"), ["forecast_reference_time", "name", "model"]);
    assert.match(envelopeJson(buildNotification({ ...input, messageAttributes: attributes("attr1", "attr2") })), /"attr2" : \{"Type":"String","Value":"v"\},\n {4}"attr1"/);
    // Names in one bucket keep their order; past 12 names the map has 32 buckets.
    assert.deepEqual(javaHashMapOrder(["Aa", "BB"]), ["Aa", "BB"]);
    assert.deepEqual(javaHashMapOrder(["BB", "Aa"]), ["BB", "Aa"]);
    assert.deepEqual(javaHashMapOrder(["q", "a"]), ["q", "a"], "'q' (113) and 'a' (97) share one of 16 buckets");
    const thirteen = javaHashMapOrder([...Array.from({ length: 11 }, (_, i) => `k${i}`), "q", "a"]);
    assert.ok(thirteen.indexOf("a") < thirteen.indexOf("q"), "32 buckets part them");
  });

  test("a tampered body no longer verifies", () => {
    const envelope = buildNotification(input);
    assert.equal(subscriberVerifies({ ...envelope, Message: "Hello world?" }), false);
  });

  test("FIFO topics: SequenceNumber after MessageId and no signature", () => {
    const envelope = buildNotification({
      ...input,
      signer: undefined,
      fifo: { sequenceNumber: "10000000000000003000", messageGroupId: "g", messageDeduplicationId: "d" },
    });
    assert.deepEqual(Object.keys(envelope), [
      "Type",
      "MessageId",
      "SequenceNumber",
      "TopicArn",
      "Subject",
      "Message",
      "Timestamp",
      "UnsubscribeURL",
      "MessageAttributes",
    ]);
  });

  test("a standard topic without a signer is a programming error", () => {
    assert.throws(() => buildNotification({ ...input, signer: undefined }), /signer is required/);
  });
});

describe("confirmation envelope", () => {
  const token = generateConfirmationToken();

  test("token shape", () => {
    assert.match(token, /^[0-9a-f]{224}$/);
    assert.notEqual(generateConfirmationToken(), token);
  });

  test("SubscriptionConfirmation", () => {
    const url = subscribeUrl(BASE, TOPIC, token);
    assert.equal(url, `${BASE}/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=${token}`);
    const document = buildConfirmation({
      type: "SubscriptionConfirmation",
      messageId: "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
      topicArn: TOPIC,
      subscriptionArn: SUBSCRIPTION,
      token,
      subscribeUrl: url,
      timestamp: "2012-04-26T20:45:04.751Z",
      signer,
    });
    assert.deepEqual(Object.keys(document), [
      "Type",
      "MessageId",
      "Token",
      "TopicArn",
      "Message",
      "SubscribeURL",
      "Timestamp",
      "SignatureVersion",
      "Signature",
      "SigningCertURL",
    ]);
    assert.equal(
      document.Message,
      `You have chosen to subscribe to the topic ${TOPIC}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`,
    );
    assert.equal(subscriberVerifies(document), true);
  });

  test("UnsubscribeConfirmation names the subscription", () => {
    assert.equal(
      confirmationMessageText("UnsubscribeConfirmation", TOPIC, SUBSCRIPTION),
      `You have chosen to deactivate subscription ${SUBSCRIPTION}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`,
    );
  });
});

describe("deliveries", () => {
  test("SQS, non-raw: the envelope is the body, no SQS attributes", () => {
    const delivery = sqsDelivery(input, { rawMessageDelivery: false });
    assert.deepEqual(JSON.parse(delivery.body), buildNotification(input));
    assert.equal(delivery.messageAttributes, undefined);
    assert.equal(delivery.messageGroupId, undefined);
  });

  test("SQS, raw: the message is the body and attributes become SQS attributes", () => {
    const delivery = sqsDelivery(input, { rawMessageDelivery: true });
    assert.equal(delivery.body, "Hello world!");
    assert.deepEqual(delivery.messageAttributes, {
      store: { DataType: "String", StringValue: "example_corp" },
      price_usd: { DataType: "Number", StringValue: "210.75" },
      interests: { DataType: "String.Array", StringValue: '["soccer", "rugby"]' },
      blob: { DataType: "Binary", BinaryValue: Buffer.from("Hello binary world!") },
    });
    assert.equal(sqsDelivery({ ...input, messageAttributes: undefined }, { rawMessageDelivery: true }).messageAttributes, undefined);
  });

  test("SQS from a FIFO topic carries group and deduplication ids", () => {
    const delivery = sqsDelivery(
      { ...input, signer: undefined, fifo: { sequenceNumber: "10000000000000000001", messageGroupId: "g1", messageDeduplicationId: "d1" } },
      { rawMessageDelivery: false },
    );
    assert.equal(delivery.messageGroupId, "g1");
    assert.equal(delivery.messageDeduplicationId, "d1");
    assert.equal(JSON.parse(delivery.body).SequenceNumber, "10000000000000000001");
  });

  test("SQS from a standard topic keeps the publish's MessageGroupId for fair queues, outside the envelope", () => {
    const delivery = sqsDelivery({ ...input, messageGroupId: "tenant-1" }, { rawMessageDelivery: false });
    assert.equal(delivery.fairQueueGroupId, "tenant-1");
    assert.equal(delivery.messageGroupId, undefined);
    assert.equal(JSON.parse(delivery.body).MessageGroupId, undefined);
    const fifo = sqsDelivery({ ...input, signer: undefined, fifo: { sequenceNumber: "10000000000000000001", messageGroupId: "g1" } }, { rawMessageDelivery: false });
    assert.equal(fifo.fairQueueGroupId, undefined, "a FIFO topic's group is for FIFO queues only");
  });

  test("Lambda event", () => {
    const event = lambdaEvent(input);
    assert.equal(event.Records.length, 1);
    const record = event.Records[0]!;
    assert.deepEqual(Object.keys(record), ["EventSource", "EventVersion", "EventSubscriptionArn", "Sns"]);
    assert.equal(record.EventSource, "aws:sns");
    assert.equal(record.EventVersion, "1.0");
    assert.equal(record.EventSubscriptionArn, SUBSCRIPTION);
    assert.deepEqual(Object.keys(record.Sns), [
      "Type",
      "MessageId",
      "TopicArn",
      "Subject",
      "Message",
      "Timestamp",
      "SignatureVersion",
      "Signature",
      "SigningCertUrl",
      "UnsubscribeUrl",
      "MessageAttributes",
    ]);
    assert.equal(record.Sns.SigningCertUrl, signer.certUrl);
    const signed = { ...record.Sns, SigningCertURL: record.Sns.SigningCertUrl };
    assert.equal(subscriberVerifies(signed), true, "same signature as the envelope");
    const bare = lambdaEvent({ ...input, subject: undefined, messageAttributes: undefined }).Records[0]!.Sns;
    assert.equal(bare.Subject, null);
    assert.deepEqual(bare.MessageAttributes, {});
  });

  test("a Lambda record says SignatureVersion 1 while a SignatureVersion 2 topic signs it with SHA-256", () => {
    // LocalStack's AWS-validated test_publish_lambda_verify_signature[2] (notification).
    const sns = lambdaEvent({ ...input, signer: { ...signer, version: "2" } }).Records[0]!.Sns;
    assert.equal(sns.SignatureVersion, "1");
    const fields = { ...sns, SigningCertURL: sns.SigningCertUrl } as unknown as SignableSnsMessage & { Signature: string };
    assert.equal(verifySnsMessageSignature(fields, fields.Signature, identity.certificate, "2"), true);
    assert.equal(verifySnsMessageSignature(fields, fields.Signature, identity.certificate, "1"), false);
  });

  test("HTTP notification headers and body", () => {
    const request = httpNotification(input, { rawMessageDelivery: false });
    assert.deepEqual(request.headers, {
      "x-amz-sns-message-type": "Notification",
      "x-amz-sns-message-id": input.messageId,
      "x-amz-sns-topic-arn": TOPIC,
      "x-amz-sns-subscription-arn": SUBSCRIPTION,
      "content-type": "text/plain; charset=UTF-8",
      "user-agent": "Amazon Simple Notification Service Agent",
    });
    assert.equal(subscriberVerifies(JSON.parse(request.body)), true);
    const raw = httpNotification(input, { rawMessageDelivery: true });
    assert.equal(raw.body, "Hello world!");
    assert.equal(raw.headers["x-amz-sns-rawdelivery"], "true");
  });

  test("HTTP confirmations", () => {
    const base = {
      messageId: "m",
      topicArn: TOPIC,
      subscriptionArn: SUBSCRIPTION,
      token: "t",
      subscribeUrl: subscribeUrl(BASE, TOPIC, "t"),
      timestamp: "2012-04-26T20:45:04.751Z",
      signer,
    };
    const confirm = httpConfirmation({ ...base, type: "SubscriptionConfirmation" });
    assert.equal(confirm.headers["x-amz-sns-message-type"], "SubscriptionConfirmation");
    assert.equal(confirm.headers["x-amz-sns-subscription-arn"], undefined);
    assert.equal(subscriberVerifies(JSON.parse(confirm.body)), true);
    const unsubscribe = httpConfirmation({ ...base, type: "UnsubscribeConfirmation" });
    assert.equal(unsubscribe.headers["x-amz-sns-subscription-arn"], SUBSCRIPTION);
    assert.equal(JSON.parse(unsubscribe.body).Type, "UnsubscribeConfirmation");
  });
});
