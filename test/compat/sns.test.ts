/**
 * SNS with the AWS CLI v2 and boto3 (query protocol): mobile push, SMS, email confirmation,
 * per-protocol messages and delivery policy validation. Fan-out to SQS with the CLI is in
 * sqs.test.ts. What SNS would hand to a platform, a phone or an inbox is read back on Nimbus's
 * internal endpoints.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateTopicCommand, GetTopicAttributesCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startTestNimbus, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { aws, boto3 } from "./tools.js";

/** Runs a boto3 script that prints one JSON document per line; answers the parsed lines. */
async function lines(nimbus: TestNimbus, script: string): Promise<unknown[]> {
  const r = await boto3(nimbus.url, `import urllib.parse, urllib.request\nsns = boto3.client("sns", endpoint_url=ENDPOINT)\n${script}`);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
}

describe("SNS with the AWS CLI v2 and boto3", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus();
  });
  after(() => nimbus.close());

  test("boto3: platform application and endpoint, publish(TargetArn=...) and publish(PhoneNumber=...), read back on /_aws/sns/*", async () => {
    const appName = uniqueName("push-app");
    const phone = "+15555550123";
    const out = await lines(
      nimbus,
      `
def read(path, key, name, value):
    with urllib.request.urlopen(ENDPOINT + path + "?" + urllib.parse.urlencode({name: value})) as res:
        return json.load(res)[key][value]
app = sns.create_platform_application(Name=${JSON.stringify(appName)}, Platform="GCM", Attributes={"PlatformCredential": "server-key"})["PlatformApplicationArn"]
print(json.dumps(app))
endpoint = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-token-1", CustomUserData="user 7")["EndpointArn"]
print(json.dumps([endpoint, sns.get_endpoint_attributes(EndpointArn=endpoint)["Attributes"]]))
plain = sns.publish(TargetArn=endpoint, Message="hello device")["MessageId"]
gcm = json.dumps({"notification": {"title": "Hi", "body": "there"}}, separators=(",", ":"))
structured = sns.publish(TargetArn=endpoint, MessageStructure="json", Message=json.dumps({"default": "fallback", "GCM": gcm}))["MessageId"]
pushes = read("/_aws/sns/platform-endpoint-messages", "platform_endpoint_messages", "endpointArn", endpoint)
print(json.dumps([[m["MessageId"] == mid, m["TargetArn"], m["Token"], m.get("MessageStructure"), m["Payload"]] for m, mid in zip(pushes, [plain, structured])] + [len(pushes)]))
sns.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})
try:
    sns.publish(TargetArn=endpoint, Message="not delivered")
except sns.exceptions.EndpointDisabledException as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))

text = sns.publish(PhoneNumber=${JSON.stringify(phone)}, Message="Your code is 4242",
    MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}})["MessageId"]
texts = read("/_aws/sns/sms-messages", "sms_messages", "phoneNumber", ${JSON.stringify(phone)})
print(json.dumps([[m["MessageId"] == text, m["PhoneNumber"], m["Message"], m["SMSType"]] for m in texts]))
try:
    sns.publish(PhoneNumber="+1a234", Message="x")
except sns.exceptions.InvalidParameterException as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"]]))
`,
    );
    const appArn = `arn:aws:sns:us-east-1:000000000000:app/GCM/${appName}`;
    const [app, endpoint, pushes, disabled, texts, badPhone, ...rest] = out;
    assert.deepEqual(rest, []);
    assert.equal(app, appArn);
    const [endpointArn, attributes] = endpoint as [string, unknown];
    assert.match(endpointArn, new RegExp(`^arn:aws:sns:us-east-1:000000000000:endpoint/GCM/${appName}/[0-9a-f-]{36}$`));
    assert.deepEqual(attributes, { Enabled: "true", Token: "device-token-1", CustomUserData: "user 7" });
    assert.deepEqual(pushes, [
      [true, endpointArn, "device-token-1", null, "hello device"],
      [true, endpointArn, "device-token-1", "json", JSON.stringify({ notification: { title: "Hi", body: "there" } })],
      2,
    ]);
    assert.deepEqual(disabled, ["EndpointDisabled", "Endpoint is disabled", 400]);
    assert.deepEqual(texts, [[true, phone, "Your code is 4242", "Transactional"]]);
    assert.deepEqual(badPhone, ["InvalidParameter", "Invalid parameter: PhoneNumber Reason: +1a234 is not valid to publish to"]);
  });

  test("boto3: an email subscription is pending until confirm_subscription with the token from the confirmation email", async () => {
    const topicName = uniqueName("mail");
    const address = `${uniqueName("dev")}@example.com`;
    const out = await lines(
      nimbus,
      `
address = ${JSON.stringify(address)}
def inbox():
    with urllib.request.urlopen(ENDPOINT + "/_nimbus/sns/email-messages?" + urllib.parse.urlencode({"address": address})) as res:
        return json.load(res)["email_messages"][address]
topic = sns.create_topic(Name=${JSON.stringify(topicName)})["TopicArn"]
print(json.dumps(sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=address)["SubscriptionArn"]))
print(json.dumps([s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]]))
sns.publish(TopicArn=topic, Message="before confirmation")
mails = inbox()
confirmation = mails[0]
print(json.dumps([len(mails), confirmation["Type"], confirmation["Subject"], confirmation["Token"], confirmation["Body"]]))
confirmed = sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"], AuthenticateOnUnsubscribe="true")["SubscriptionArn"]
attrs = sns.get_subscription_attributes(SubscriptionArn=confirmed)["Attributes"]
print(json.dumps([confirmed, attrs["PendingConfirmation"], attrs["ConfirmationWasAuthenticated"], attrs["Protocol"], attrs["Endpoint"]]))
message_id = sns.publish(TopicArn=topic, Message="Build 42 passed.", Subject="CI")["MessageId"]
mail = inbox()[1]
print(json.dumps([len(inbox()), mail["Type"], mail["MessageId"] == message_id, mail["Subject"], mail["Body"].split("\\n")[0]]))
try:
    sns.confirm_subscription(TopicArn=topic, Token="0" * 224)
except sns.exceptions.InvalidParameterException as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"]]))
`,
    );
    const topicArn = `arn:aws:sns:us-east-1:000000000000:${topicName}`;
    const [pending, listed, confirmation, confirmed, notification, badToken, ...rest] = out;
    assert.deepEqual(rest, []);
    assert.equal(pending, "pending confirmation");
    assert.deepEqual(listed, ["PendingConfirmation"]);
    const [count, type, subject, token, body] = confirmation as [number, string, string, string, string];
    assert.deepEqual([count, type, subject], [1, "SubscriptionConfirmation", "AWS Notification - Subscription Confirmation"], "a pending subscription gets no notification");
    assert.match(token, /^[0-9a-f]{224}$/);
    assert.ok(body.includes(`${nimbus.url}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}`), body);
    const [subscriptionArn, ...state] = confirmed as string[];
    assert.match(subscriptionArn ?? "", new RegExp(`^${topicArn}:[0-9a-f-]{36}$`));
    assert.deepEqual(state, ["false", "true", "email", address]);
    assert.deepEqual(notification, [2, "Notification", true, "CI", "Build 42 passed."]);
    assert.deepEqual(badToken, ["InvalidParameter", "Invalid parameter: Token"]);
  });

  test("aws sns publish --message-structure json gives each protocol its entry; the CLI's error lines for a bad message and a bad DeliveryPolicy", async () => {
    const sns = new SNSClient(nimbus.clientConfig());
    const sqs = new SQSClient(nimbus.clientConfig());
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: uniqueName("structured") }))).TopicArn ?? "";
    const queueName = uniqueName("structured-q");
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: queueName }))).QueueUrl ?? "";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: `arn:aws:sqs:us-east-1:000000000000:${queueName}`, Attributes: { RawMessageDelivery: "true" } }));
    const phone = "+15555550177";
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sms", Endpoint: phone }));

    const published = await aws(nimbus.url, ["sns", "publish", "--topic-arn", topicArn, "--message-structure", "json", "--message", JSON.stringify({ default: "for everyone else", sqs: "for queues" })]);
    assert.equal(published.code, 0, published.stderr);
    const messageId = (JSON.parse(published.stdout) as { MessageId: string }).MessageId;
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    assert.deepEqual(received.Messages?.map((m) => m.Body), ["for queues"]);
    const texts = (await (await fetch(`${nimbus.url}/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone)}`)).json()) as { sms_messages: Record<string, Array<{ MessageId: string; Message: string }>> };
    assert.deepEqual(texts.sms_messages[phone]?.map((m) => [m.MessageId, m.Message]), [[messageId, "for everyone else"]], "no sms entry: the phone gets the default");

    const noDefault = await aws(nimbus.url, ["sns", "publish", "--topic-arn", topicArn, "--message-structure", "json", "--message", JSON.stringify({ sqs: "only queues" })]);
    assert.equal(noDefault.code, 254);
    assert.equal(noDefault.stderr.trim(), "An error occurred (InvalidParameter) when calling the Publish operation: Invalid parameter: Message Structure - No default entry in JSON message body");

    const badPolicy = await aws(nimbus.url, [
      "sns", "set-topic-attributes", "--topic-arn", topicArn, "--attribute-name", "DeliveryPolicy",
      "--attribute-value", JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 101 } } }),
    ]);
    assert.equal(badPolicy.code, 254);
    assert.equal(
      badPolicy.stderr.trim(),
      "An error occurred (InvalidParameter) when calling the SetTopicAttributes operation: Invalid parameter: DeliveryPolicy: http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100",
    );
    const policy = { http: { defaultHealthyRetryPolicy: { numRetries: 5, minDelayTarget: 10, maxDelayTarget: 30, backoffFunction: "exponential" } } };
    const goodPolicy = await aws(nimbus.url, ["sns", "set-topic-attributes", "--topic-arn", topicArn, "--attribute-name", "DeliveryPolicy", "--attribute-value", JSON.stringify(policy)]);
    assert.equal(goodPolicy.code, 0, goodPolicy.stderr);
    assert.equal(goodPolicy.stdout, "");
    const attributes = (await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes ?? {};
    sns.destroy();
    sqs.destroy();
    assert.deepEqual(JSON.parse(attributes["DeliveryPolicy"] ?? "{}"), {
      http: { defaultHealthyRetryPolicy: { ...policy.http.defaultHealthyRetryPolicy }, disableSubscriptionOverrides: false },
    });
  });

  test("boto3 resources: the body an SQS subscriber receives is the Notification as SNS prints it (two-space indent, ' : ', one attribute a line)", async () => {
    const name = uniqueName("printed");
    const out = await lines(
      nimbus,
      `
sqs = boto3.resource("sqs", endpoint_url=ENDPOINT)
topics = boto3.resource("sns", endpoint_url=ENDPOINT)
queue = sqs.create_queue(QueueName=${JSON.stringify(name)})
topic = topics.create_topic(Name=${JSON.stringify(name)})
topic.subscribe(Protocol="sqs", Endpoint=queue.attributes["QueueArn"])
topic.publish(Subject="Order placed", Message=json.dumps({"id": 7, "note": "a \\"quoted\\" word"}),
    MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}, "blob": {"DataType": "Binary", "BinaryValue": b"\\x00\\x01"}})
fifo_queue = sqs.create_queue(QueueName=${JSON.stringify(name)} + ".fifo", Attributes={"FifoQueue": "true"})
fifo_topic = topics.create_topic(Name=${JSON.stringify(name)} + ".fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})
fifo_topic.subscribe(Protocol="sqs", Endpoint=fifo_queue.attributes["QueueArn"])
fifo_topic.publish(Message="first in line", MessageGroupId="g")
for q in (queue, fifo_queue):
    print(json.dumps([m.body for m in q.receive_messages(MaxNumberOfMessages=10)]))
`,
    );
    const [bodies, fifoBodies, ...rest] = out as string[][];
    assert.deepEqual(rest, []);
    const [standard, fifo] = [bodies?.[0], fifoBodies?.[0]];
    const doc = JSON.parse(standard ?? "{}") as Record<string, string>;
    const topicArn = `arn:aws:sns:us-east-1:000000000000:${name}`;
    // Recorded against AWS: aws-powertools' snsSqsEvent.json (its md5OfBody is the MD5 of exactly
    // such a body) and FIFO bodies with `"key1" : {"Type":"String","Value":"value1"}`.
    assert.equal(
      standard,
      [
        "{",
        '  "Type" : "Notification",',
        `  "MessageId" : "${doc.MessageId}",`,
        `  "TopicArn" : "${topicArn}",`,
        '  "Subject" : "Order placed",',
        '  "Message" : "{\\"id\\": 7, \\"note\\": \\"a \\\\\\"quoted\\\\\\" word\\"}",',
        `  "Timestamp" : "${doc.Timestamp}",`,
        '  "SignatureVersion" : "1",',
        `  "Signature" : "${doc.Signature}",`,
        `  "SigningCertURL" : "${doc.SigningCertURL}",`,
        `  "UnsubscribeURL" : "${doc.UnsubscribeURL}",`,
        '  "MessageAttributes" : {',
        // Published kind, blob: printed in a Java HashMap's order (javaHashMapOrder).
        '    "blob" : {"Type":"Binary","Value":"AAE="},',
        '    "kind" : {"Type":"String","Value":"order"}',
        "  }",
        "}",
      ].join("\n"),
    );
    const fifoDoc = JSON.parse(fifo ?? "{}") as Record<string, string>;
    assert.equal(
      fifo,
      [
        "{",
        '  "Type" : "Notification",',
        `  "MessageId" : "${fifoDoc.MessageId}",`,
        `  "SequenceNumber" : "${fifoDoc.SequenceNumber}",`,
        `  "TopicArn" : "${topicArn}.fifo",`,
        '  "Message" : "first in line",',
        `  "Timestamp" : "${fifoDoc.Timestamp}",`,
        `  "UnsubscribeURL" : "${fifoDoc.UnsubscribeURL}"`,
        "}",
      ].join("\n"),
    );
  });
  test("aws sns tag-resource / untag-resource / set-sms-attributes succeed silently: the empty <XResult/> the CLI requires is there", async () => {
    // The CLI reference's examples for these commands: "This command produces no output."
    // botocore looks for the output's resultWrapper element even when the output has no
    // members, and exits 255 with the wrapper's name when it is missing.
    const topicArn = JSON.parse((await aws(nimbus.url, ["sns", "create-topic", "--name", uniqueName("tags")])).stdout).TopicArn as string;
    const tagged = await aws(nimbus.url, ["sns", "tag-resource", "--resource-arn", topicArn, "--tags", "Key=Team,Value=Alpha", "Key=Env,Value=Test"]);
    assert.deepEqual([tagged.code, tagged.stdout, tagged.stderr], [0, "", ""]);
    const untagged = await aws(nimbus.url, ["sns", "untag-resource", "--resource-arn", topicArn, "--tag-keys", "Env"]);
    assert.deepEqual([untagged.code, untagged.stdout, untagged.stderr], [0, "", ""]);
    const listed = await aws(nimbus.url, ["sns", "list-tags-for-resource", "--resource-arn", topicArn]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout), { Tags: [{ Key: "Team", Value: "Alpha" }] });
    const sms = await aws(nimbus.url, ["sns", "set-sms-attributes", "--attributes", "DefaultSMSType=Transactional"]);
    assert.deepEqual([sms.code, sms.stdout, sms.stderr], [0, "", ""]);
  });
});
