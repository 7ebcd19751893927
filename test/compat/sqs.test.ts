import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startTestNimbus, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { aws, boto3 } from "./tools.js";

describe("SQS with the AWS CLI v2 and boto3 (query protocol)", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus();
  });
  after(() => nimbus.close());


  test("aws sqs create-queue, send-message, receive-message, delete-message", async () => {
    const name = uniqueName("cli");
    const created = await aws(nimbus.url, ["sqs", "create-queue", "--queue-name", name, "--attributes", "VisibilityTimeout=60"]);
    assert.equal(created.code, 0, created.stderr);
    const url = (JSON.parse(created.stdout) as { QueueUrl: string }).QueueUrl;
    assert.equal(url, `${nimbus.url}/000000000000/${name}`);

    const sent = await aws(nimbus.url, [
      "sqs", "send-message", "--queue-url", url, "--message-body", "hello from the cli",
      "--message-attributes", JSON.stringify({ color: { DataType: "String", StringValue: "blue" }, n: { DataType: "Number", StringValue: "7" } }),
    ]);
    assert.equal(sent.code, 0, sent.stderr);
    const sentOut = JSON.parse(sent.stdout) as { MessageId: string; MD5OfMessageBody: string; MD5OfMessageAttributes: string };
    assert.equal(sentOut.MD5OfMessageBody, createHash("md5").update("hello from the cli").digest("hex"));
    assert.match(sentOut.MD5OfMessageAttributes, /^[0-9a-f]{32}$/);

    const received = await aws(nimbus.url, ["sqs", "receive-message", "--queue-url", url, "--attribute-names", "All", "--message-attribute-names", "All", "--max-number-of-messages", "10"]);
    assert.equal(received.code, 0, received.stderr);
    const out = JSON.parse(received.stdout) as {
      Messages: Array<{ MessageId: string; Body: string; ReceiptHandle: string; Attributes: Record<string, string>; MessageAttributes: Record<string, { StringValue: string; DataType: string }> }>;
    };
    assert.equal(out.Messages.length, 1);
    const m = out.Messages[0];
    assert.ok(m);
    assert.equal(m.MessageId, sentOut.MessageId);
    assert.equal(m.Body, "hello from the cli");
    assert.equal(m.Attributes.ApproximateReceiveCount, "1");
    assert.equal(m.Attributes.SentTimestamp, String(nimbus.clock.now()));
    assert.deepEqual(m.MessageAttributes, { color: { StringValue: "blue", DataType: "String" }, n: { StringValue: "7", DataType: "Number" } });

    const deleted = await aws(nimbus.url, ["sqs", "delete-message", "--queue-url", url, "--receipt-handle", m.ReceiptHandle]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const attrs = await aws(nimbus.url, ["sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "VisibilityTimeout"]);
    assert.equal(attrs.code, 0, attrs.stderr);
    assert.deepEqual(JSON.parse(attrs.stdout), { Attributes: { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0", VisibilityTimeout: "60" } });
  });

  test("the CLI's error line for a missing queue and for a bad receipt handle", async () => {
    const missing = await aws(nimbus.url, ["sqs", "get-queue-url", "--queue-name", "does-not-exist"]);
    assert.equal(missing.code, 254);
    assert.equal(
      missing.stderr.trim(),
      "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl operation: The specified queue does not exist for this wsdl version.",
    );
    const name = uniqueName("cli-err");
    const created = await aws(nimbus.url, ["sqs", "create-queue", "--queue-name", name]);
    const url = (JSON.parse(created.stdout) as { QueueUrl: string }).QueueUrl;
    const bad = await aws(nimbus.url, ["sqs", "delete-message", "--queue-url", url, "--receipt-handle", "nonsense"]);
    assert.equal(bad.code, 254);
    assert.equal(bad.stderr.trim(), 'An error occurred (ReceiptHandleIsInvalid) when calling the DeleteMessage operation: The input receipt handle "nonsense" is not a valid receipt handle.');
  });

  test("boto3: batches, FIFO, list_queues and error classes", async () => {
    const name = uniqueName("boto");
    const r = await boto3(
      nimbus.url,
      `
sqs = boto3.client("sqs", endpoint_url=ENDPOINT)
url = sqs.create_queue(QueueName=${JSON.stringify(name)})["QueueUrl"]
print(json.dumps(url))
out = sqs.send_message_batch(QueueUrl=url, Entries=[
    {"Id": "a", "MessageBody": "first", "MessageAttributes": {"k": {"DataType": "Binary", "BinaryValue": b"\\x00\\x01"}}},
    {"Id": "b", "MessageBody": "second", "DelaySeconds": 2000},
])
print(json.dumps([[s["Id"] for s in out["Successful"]], [[f["Id"], f["Code"], f["SenderFault"]] for f in out.get("Failed", [])]]))
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
msgs = got["Messages"]
print(json.dumps([msgs[0]["Body"], list(msgs[0]["MessageAttributes"]["k"]["BinaryValue"])]))
res = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "x", "ReceiptHandle": msgs[0]["ReceiptHandle"]}])
print(json.dumps([s["Id"] for s in res["Successful"]]))
print(json.dumps(sqs.list_queues(QueueNamePrefix=${JSON.stringify(name)})["QueueUrls"]))
f = sqs.create_queue(QueueName=${JSON.stringify(name)} + ".fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
s1 = sqs.send_message(QueueUrl=f, MessageBody="once", MessageGroupId="g")
s2 = sqs.send_message(QueueUrl=f, MessageBody="once", MessageGroupId="g")
print(json.dumps([s1["MessageId"] == s2["MessageId"], len(s1["SequenceNumber"])]))
try:
    sqs.get_queue_url(QueueName="nope-nope")
except sqs.exceptions.QueueDoesNotExist as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
    const url = `${nimbus.url}/000000000000/${name}`;
    assert.deepEqual(lines, [
      url,
      [["a"], [["b", "InvalidParameterValue", true]]],
      ["first", [0, 1]],
      ["x"],
      [url],
      [true, 20],
      ["AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist for this wsdl version.", 400],
    ]);
  });

  test("aws sqs create-queue, get-queue-url, send-message (scalar members); the v3 SDK receives what the CLI sent", async () => {
    const name = uniqueName("cli-basic");
    const created = await aws(nimbus.url, ["sqs", "create-queue", "--queue-name", name]);
    assert.equal(created.code, 0, created.stderr);
    const url = (JSON.parse(created.stdout) as { QueueUrl: string }).QueueUrl;
    assert.equal(url, `${nimbus.url}/000000000000/${name}`);
    const got = await aws(nimbus.url, ["sqs", "get-queue-url", "--queue-name", name]);
    assert.deepEqual(JSON.parse(got.stdout), { QueueUrl: url });
    const sent = await aws(nimbus.url, ["sqs", "send-message", "--queue-url", url, "--message-body", "from the cli", "--delay-seconds", "0"]);
    assert.equal(sent.code, 0, sent.stderr);
    const sentOut = JSON.parse(sent.stdout) as { MessageId: string; MD5OfMessageBody: string };
    assert.equal(sentOut.MD5OfMessageBody, createHash("md5").update("from the cli").digest("hex"));
    const sqs = new SQSClient(nimbus.clientConfig());
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    sqs.destroy();
    assert.equal(received.Messages?.[0]?.MessageId, sentOut.MessageId);
    assert.equal(received.Messages?.[0]?.Body, "from the cli");
    const deleted = await aws(nimbus.url, ["sqs", "delete-queue", "--queue-url", url]);
    assert.equal(deleted.code, 0, deleted.stderr);
    const gone = await aws(nimbus.url, ["sqs", "get-queue-url", "--queue-name", name]);
    assert.equal(gone.code, 254);
  });

  test("boto3: create_queue, a FIFO-only parameter refused on a standard queue, purge_queue, and the error classes", async () => {
    const name = uniqueName("boto-std");
    const r = await boto3(
      nimbus.url,
      `
sqs = boto3.client("sqs", endpoint_url=ENDPOINT)
url = sqs.create_queue(QueueName=${JSON.stringify(name)})
print(json.dumps(url["QueueUrl"]))
try:
    sqs.send_message(QueueUrl=url["QueueUrl"], MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d")
except sqs.exceptions.ClientError as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"]]))
try:
    sqs.get_queue_url(QueueName="nope-nope")
except sqs.exceptions.QueueDoesNotExist as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))
sqs.purge_queue(QueueUrl=url["QueueUrl"])
try:
    sqs.purge_queue(QueueUrl=url["QueueUrl"])
except sqs.exceptions.PurgeQueueInProgress as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(lines, [
      `${nimbus.url}/000000000000/${name}`,
      ["InvalidParameterValue", "The request include parameter MessageDeduplicationId which is not valid for this queue type"],
      ["AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist for this wsdl version.", 400],
      ["AWS.SimpleQueueService.PurgeQueueInProgress", 403],
    ]);
  });

  test("SNS fan-out with the CLI (sns create-topic/subscribe/publish) and boto3, delivered to SQS", async () => {
    const topicName = uniqueName("cli-topic");
    const topic = await aws(nimbus.url, ["sns", "create-topic", "--name", topicName]);
    assert.equal(topic.code, 0, topic.stderr);
    const topicArn = (JSON.parse(topic.stdout) as { TopicArn: string }).TopicArn;
    assert.equal(topicArn, `arn:aws:sns:us-east-1:000000000000:${topicName}`);
    const queueName = uniqueName("cli-fan");
    const created = await aws(nimbus.url, ["sqs", "create-queue", "--queue-name", queueName]);
    const queueUrl = (JSON.parse(created.stdout) as { QueueUrl: string }).QueueUrl;
    const sub = await aws(nimbus.url, [
      "sns", "subscribe", "--topic-arn", topicArn, "--protocol", "sqs",
      "--notification-endpoint", `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
      "--attributes", JSON.stringify({ RawMessageDelivery: "true", FilterPolicy: JSON.stringify({ kind: ["order"] }) }),
    ]);
    assert.equal(sub.code, 0, sub.stderr);
    assert.match((JSON.parse(sub.stdout) as { SubscriptionArn: string }).SubscriptionArn, new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    const published = await aws(nimbus.url, ["sns", "publish", "--topic-arn", topicArn, "--message", "order #1", "--message-attributes", JSON.stringify({ kind: { DataType: "String", StringValue: "order" } })]);
    assert.equal(published.code, 0, published.stderr);
    const filtered = await aws(nimbus.url, ["sns", "publish", "--topic-arn", topicArn, "--message", "not an order", "--message-attributes", JSON.stringify({ kind: { DataType: "String", StringValue: "refund" } })]);
    assert.equal(filtered.code, 0, filtered.stderr);
    const py = await boto3(
      nimbus.url,
      `
sns = boto3.client("sns", endpoint_url=ENDPOINT)
out = sns.publish(TopicArn=${JSON.stringify(topicArn)}, Message="order #2", MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}})
print(json.dumps(len(out["MessageId"])))
try:
    sns.publish(TopicArn=${JSON.stringify(topicArn + "-gone")}, Message="x")
except sns.exceptions.NotFoundException as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))
`,
    );
    assert.equal(py.code, 0, py.stderr);
    assert.deepEqual(py.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown), [36, ["NotFound", "Topic does not exist", 404]]);
    const sqs = new SQSClient(nimbus.clientConfig());
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["All"] }));
    sqs.destroy();
    assert.deepEqual(received.Messages?.map((m) => m.Body), ["order #1", "order #2"]);
    assert.equal(received.Messages?.[0]?.MessageAttributes?.kind?.StringValue, "order");
  });
});
