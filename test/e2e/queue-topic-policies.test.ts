/**
 * SQS queue and SNS topic policies with `--enforce-policies`: other accounts and anonymous
 * callers need the policy's Allow, an explicit Deny refuses the owner too, and the services that
 * fill queues and topics (SNS for a topic, S3 for a bucket) are refused unless the policy lets
 * them in, as on AWS. Account 111111111111 owns the queues and topics; 222222222222 is another
 * account.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AddPermissionCommand, CreateTopicCommand, PublishCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, GetQueueAttributesCommand, PurgeQueueCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { accountsSuite, ENFORCE_POLICIES, failure, uniqueName } from "./harness.js";

const OWNER = "111111111111";
const OTHER = "222222222222";

describe("SQS and SNS with enforced policies", () => {
  const suite = accountsSuite({ auth: ENFORCE_POLICIES });
  const sqs = (account: string): SQSClient => suite.client((config) => new SQSClient(config), account);
  const sns = (account: string): SNSClient => suite.client((config) => new SNSClient(config), account);
  const s3 = (account: string): S3Client => suite.client((config) => new S3Client({ ...config, forcePathStyle: true }), account);
  const queue = async (): Promise<{ url: string; arn: string }> => {
    const { QueueUrl = "" } = await sqs(OWNER).send(new CreateQueueCommand({ QueueName: uniqueName("policies") }));
    const { Attributes } = await sqs(OWNER).send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    return { url: QueueUrl, arn: Attributes?.["QueueArn"] ?? "" };
  };
  const setPolicy = (url: string, statements: object[]) =>
    sqs(OWNER).send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) } }));
  const bodies = async (url: string): Promise<string[]> => {
    const { Messages = [] } = await sqs(OWNER).send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    return Messages.map((m) => m.Body ?? "");
  };

  test("another account needs the queue policy's Allow, for exactly the actions it allows", async () => {
    const { url, arn } = await queue();
    const refused = await failure(sqs(OTHER).send(new SendMessageCommand({ QueueUrl: url, MessageBody: "hello" })));
    assert.equal(refused.name, "AccessDenied");
    assert.equal(refused.$metadata.httpStatusCode, 403);
    assert.equal(refused.message, `User: arn:aws:iam::${OTHER}:root is not authorized to perform: sqs:sendmessage on resource: ${arn} because no resource-based policy allows the sqs:sendmessage action`);

    await setPolicy(url, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "sqs:SendMessage", Resource: arn }]);
    await sqs(OTHER).send(new SendMessageCommand({ QueueUrl: url, MessageBody: "hello" }));
    // A batch needs the single action.
    const batch = await sqs(OTHER).send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "1", MessageBody: "second" }] }));
    assert.equal(batch.Successful?.length, 1);
    assert.equal((await failure(sqs(OTHER).send(new ReceiveMessageCommand({ QueueUrl: url })))).name, "AccessDenied");
    assert.deepEqual((await bodies(url)).sort(), ["hello", "second"]);
  });

  test("an explicit Deny refuses the owner account too", async () => {
    const { url, arn } = await queue();
    await setPolicy(url, [{ Effect: "Deny", Principal: "*", Action: "sqs:PurgeQueue", Resource: arn }]);
    const err = await failure(sqs(OWNER).send(new PurgeQueueCommand({ QueueUrl: url })));
    assert.equal(err.name, "AccessDenied");
    assert.equal(err.message, `User: arn:aws:iam::${OWNER}:root is not authorized to perform: sqs:purgequeue on resource: ${arn} with an explicit deny in a resource-based policy`);
    await sqs(OWNER).send(new SendMessageCommand({ QueueUrl: url, MessageBody: "still allowed" }));
  });

  test("SNS fills a subscribed queue only when the queue policy lets the topic send", async () => {
    const { url, arn } = await queue();
    const { TopicArn = "" } = await sns(OWNER).send(new CreateTopicCommand({ Name: uniqueName("policies") }));
    await sns(OWNER).send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: arn, Attributes: { RawMessageDelivery: "true" } }));
    await sns(OWNER).send(new PublishCommand({ TopicArn, Message: "lost: the queue does not let SNS in" }));
    assert.deepEqual(await bodies(url), []);

    await setPolicy(url, [{ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: arn, Condition: { ArnEquals: { "aws:SourceArn": TopicArn } } }]);
    await sns(OWNER).send(new PublishCommand({ TopicArn, Message: "delivered" }));
    assert.deepEqual(await bodies(url), ["delivered"]);
  });

  test("S3 event notifications: a queue that does not let the bucket send fails the configuration", async () => {
    const owner = s3(OWNER);
    const { url, arn } = await queue();
    const bucket = uniqueName("policies");
    await owner.send(new CreateBucketCommand({ Bucket: bucket }));
    const configure = () =>
      owner.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ["s3:ObjectCreated:*"] }] } }));
    const err = await failure(configure());
    assert.equal(err.name, "InvalidArgument");
    assert.equal(err.message, "Unable to validate the following destination configurations");
    assert.equal(err["ArgumentName1"], arn);
    assert.equal(err["ArgumentValue1"], "Permissions on the destination queue do not allow S3 to publish notifications from this bucket");

    await setPolicy(url, [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sqs:SendMessage", Resource: arn, Condition: { ArnLike: { "aws:SourceArn": `arn:aws:s3:*:*:${bucket}` }, StringEquals: { "aws:SourceAccount": OWNER } } }]);
    await configure();
    await owner.send(new PutObjectCommand({ Bucket: bucket, Key: "new.txt", Body: "x" }));
    const events = (await bodies(url)).map((b) => JSON.parse(b) as { Event?: string; Records?: { eventName: string }[] });
    assert.deepEqual(events.map((e) => e.Event ?? e.Records?.[0]?.eventName), ["s3:TestEvent", "ObjectCreated:Put"]);
  });

  test("S3 event notifications: each event is sent as s3.amazonaws.com, so a queue policy that stops letting the bucket in stops the events", async () => {
    const owner = s3(OWNER);
    const { url, arn } = await queue();
    const bucket = uniqueName("policies");
    await owner.send(new CreateBucketCommand({ Bucket: bucket }));
    await setPolicy(url, [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sqs:SendMessage", Resource: arn, Condition: { ArnLike: { "aws:SourceArn": `arn:aws:s3:*:*:${bucket}` } } }]);
    await owner.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ["s3:ObjectCreated:*"] }] } }));
    await suite.nimbus().events.idle();
    assert.equal((await bodies(url)).length, 1, "the s3:TestEvent");
    // The queue now lets only SNS in: the bucket's next event is refused, as any SendMessage S3 makes.
    await setPolicy(url, [{ Effect: "Allow", Principal: { Service: "sns.amazonaws.com" }, Action: "sqs:SendMessage", Resource: arn }]);
    await owner.send(new PutObjectCommand({ Bucket: bucket, Key: "refused.txt", Body: "x" }));
    await suite.nimbus().events.idle();
    assert.deepEqual(await bodies(url), []);
  });

  test("a topic's default policy admits its own account only; AddPermission lets another account publish", async () => {
    const { TopicArn = "" } = await sns(OWNER).send(new CreateTopicCommand({ Name: uniqueName("policies") }));
    const refused = await failure(sns(OTHER).send(new PublishCommand({ TopicArn, Message: "hi" })));
    assert.equal(refused.name, "AuthorizationErrorException");
    assert.equal(refused.$metadata.httpStatusCode, 403);
    assert.equal(refused.message, `User: arn:aws:iam::${OTHER}:root is not authorized to perform: SNS:Publish on resource: ${TopicArn} because no resource-based policy allows the SNS:Publish action`);
    await sns(OWNER).send(new AddPermissionCommand({ TopicArn, Label: "other-publishes", AWSAccountId: [OTHER], ActionName: ["Publish"] }));
    assert.ok((await sns(OTHER).send(new PublishCommand({ TopicArn, Message: "hi" }))).MessageId);
    assert.equal((await failure(sns(OTHER).send(new SubscribeCommand({ TopicArn, Protocol: "email", Endpoint: "a@example.com" })))).name, "AuthorizationErrorException");
  });

  test("S3 event notifications to a topic need the topic policy to let the bucket publish", async () => {
    const owner = s3(OWNER);
    const { TopicArn = "" } = await sns(OWNER).send(new CreateTopicCommand({ Name: uniqueName("policies") }));
    const bucket = uniqueName("policies");
    await owner.send(new CreateBucketCommand({ Bucket: bucket }));
    const configure = () => owner.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { TopicConfigurations: [{ TopicArn, Events: ["s3:ObjectCreated:*"] }] } }));
    const err = await failure(configure());
    assert.equal(err.name, "InvalidArgument");
    assert.equal(err["ArgumentValue1"], "Permissions on the destination topic do not allow S3 to publish notifications from this bucket");
    const policy = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "SNS:Publish", Resource: TopicArn, Condition: { ArnLike: { "aws:SourceArn": `arn:aws:s3:*:*:${bucket}` } } }],
    };
    await sns(OWNER).send(new SetTopicAttributesCommand({ TopicArn, AttributeName: "Policy", AttributeValue: JSON.stringify(policy) }));
    await configure();
  });
});
