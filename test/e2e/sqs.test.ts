import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  SQSServiceException,
  TagQueueCommand,
  AddPermissionCommand,
  RemovePermissionCommand,
  UntagQueueCommand,
} from "@aws-sdk/client-sqs";
import { acrossRestart, httpRequest, signedHeaders, startTestNimbus, uniqueName, type TestNimbus, failure } from "./harness.js";

describe("SQS", () => {
  let nimbus: TestNimbus;
  let sqs: SQSClient;
  before(async () => {
    nimbus = await startTestNimbus();
    sqs = new SQSClient(nimbus.clientConfig());
  });
  after(async () => {
    sqs.destroy();
    await nimbus.close();
  });


  async function queue(prefix: string, attributes?: Record<string, string>): Promise<string> {
    const name = uniqueName(prefix);
    const out = await sqs.send(new CreateQueueCommand({ QueueName: name, ...(attributes ? { Attributes: attributes } : {}) }));
    assert.ok(out.QueueUrl);
    return out.QueueUrl;
  }

  async function attrs(url: string, ...names: string[]): Promise<Record<string, string>> {
    const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: names as never }));
    return out.Attributes ?? {};
  }

  test("CreateQueue answers the queue URL on this endpoint; GetQueueUrl finds it", async () => {
    const name = uniqueName("basic");
    const out = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    assert.equal(out.QueueUrl, `${nimbus.url}/000000000000/${name}`);
    const got = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    assert.equal(got.QueueUrl, out.QueueUrl);
    const owner = await sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: "000000000000" }));
    assert.equal(owner.QueueUrl, out.QueueUrl);
    const missing = await failure<SQSServiceException>(sqs.send(new GetQueueUrlCommand({ QueueName: "no-such-queue" })));
    assert.equal(missing.name, "QueueDoesNotExist");
    assert.equal(missing.message, "The specified queue does not exist.");
    assert.equal(missing.$metadata.httpStatusCode, 400);
  });

  test("queue URLs are built on the host the request was sent to (another container's nimbus:4566), the configured endpoint when the Host is unusable", async () => {
    const name = uniqueName("by-host");
    const form = (host: string, body: string) =>
      httpRequest(nimbus.port, "POST", "/", { host, "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") }, body);
    const created = await form("nimbus:4566", `Action=CreateQueue&Version=2012-11-05&QueueName=${name}`);
    assert.equal(created.status, 200);
    assert.match(created.text, new RegExp(`<QueueUrl>http://nimbus:4566/000000000000/${name}</QueueUrl>`));
    const got = await form("sqs.us-east-1.nimbus.test:4566", `Action=GetQueueUrl&Version=2012-11-05&QueueName=${name}`);
    assert.match(got.text, new RegExp(`<QueueUrl>http://sqs.us-east-1.nimbus.test:4566/000000000000/${name}</QueueUrl>`));
    const listed = await form("[::1]:4566", `Action=ListQueues&Version=2012-11-05&QueueNamePrefix=${name}`);
    assert.match(listed.text, new RegExp(`<QueueUrl>http://\\[::1\\]:4566/000000000000/${name}</QueueUrl>`));
    const odd = await form("a b/c", `Action=GetQueueUrl&Version=2012-11-05&QueueName=${name}`);
    assert.match(odd.text, new RegExp(`<QueueUrl>${nimbus.url}/000000000000/${name}</QueueUrl>`));
    // Any of them addresses the same queue.
    const sent = await form("nimbus:4566", `Action=SendMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(`http://nimbus:4566/000000000000/${name}`)}&MessageBody=hi`);
    assert.equal(sent.status, 200);
  });

  test("query requests addressed by the queue URL path; a missing parameter is MissingParameter", async () => {
    const name = uniqueName("by-path");
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    assert.ok(QueueUrl);
    const post = (path: string, body: string) =>
      fetch(`${nimbus.url}${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") }, body });
    const sent = await post(`/000000000000/${name}`, "Action=SendMessage&Version=2012-11-05&MessageBody=hello");
    assert.equal(sent.status, 200);
    assert.match(await sent.text(), /<MD5OfMessageBody>5d41402abc4b2a76b9719d911017c592<\/MD5OfMessageBody>/);
    const attrs = await post(`/000000000000/${name}`, "Action=GetQueueAttributes&Version=2012-11-05&AttributeName.1=ApproximateNumberOfMessages");
    assert.match(await attrs.text(), /<Attribute><Name>ApproximateNumberOfMessages<\/Name><Value>1<\/Value><\/Attribute>/);
    const missing = await post("/", "Action=SendMessage&Version=2012-11-05&MessageBody=hello");
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /<Code>MissingParameter<\/Code><Message>The request must contain the parameter QueueUrl.<\/Message>/);
  });

  test("a form body under an X-Amz-Target no API has (Perl's Amazon::SQS::Simple: AmazonSQSv20121105.<Action>) is a Query request", async () => {
    const name = uniqueName("perl-target");
    const post = (action: string, body: string) =>
      fetch(nimbus.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded;charset=utf-8", "x-amz-target": `AmazonSQSv20121105.${action}`, ...signedHeaders("sqs") },
        body: `Action=${action}&Version=2012-11-05&${body}`,
      });
    const created = await post("CreateQueue", `QueueName=${name}`);
    assert.equal(created.status, 200);
    assert.match(await created.text(), new RegExp(`<CreateQueueResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><CreateQueueResult><QueueUrl>${nimbus.url}/000000000000/${name}</QueueUrl>`));
    const missing = await post("SendMessage", "MessageBody=hello");
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /<Code>MissingParameter<\/Code><Message>The request must contain the parameter QueueUrl.<\/Message>/);
    // With a JSON body the same target is still an API version Nimbus lacks, in JSON.
    const json = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQSv20121105.ListQueues", ...signedHeaders("sqs") },
      body: "{}",
    });
    assert.equal(json.status, 501);
  });

  test("at a queue's URL, actions that act on no queue are InvalidAction \"not valid for this endpoint\"; GetQueueUrl is answered (LocalStack's AWS-validated TestSqsQueryApi)", async () => {
    const name = uniqueName("endpoint");
    const other = uniqueName("endpoint-other");
    const never = uniqueName("never");
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const { QueueUrl: otherUrl } = await sqs.send(new CreateQueueCommand({ QueueName: other }));
    const post = (body: string) =>
      fetch(`${nimbus.url}/000000000000/${name}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") }, body });
    for (const action of ["FooBar", "CreateQueue", "ListQueues"]) {
      const refused = await post(`Action=${action}&Version=2012-11-05&QueueName=${never}`);
      assert.equal(refused.status, 400, action);
      assert.match(await refused.text(), new RegExp(`<Type>Sender</Type><Code>InvalidAction</Code><Message>The action ${action} is not valid for this endpoint.</Message>`));
    }
    const url = await post(`Action=GetQueueUrl&Version=2012-11-05&QueueName=${other}`);
    assert.equal(url.status, 200);
    assert.match(await url.text(), new RegExp(`<QueueUrl>${otherUrl}</QueueUrl>`));
    const made = await failure<SQSServiceException>(sqs.send(new GetQueueUrlCommand({ QueueName: never })));
    assert.equal(made.name, "QueueDoesNotExist", "the refused CreateQueue made no queue");
  });

  test("an unsigned query request to a queue's URL is SQS's, whatever its Action: another service's action is refused there too", async () => {
    const name = uniqueName("unsigned-path");
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const post = (body: string) => fetch(`${nimbus.url}/000000000000/${name}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    const sent = await post("Action=SendMessage&Version=2012-11-05&MessageBody=hello");
    assert.equal(sent.status, 200);
    assert.match(await sent.text(), /<SendMessageResponse xmlns="http:\/\/queue.amazonaws.com\/doc\/2012-11-05\/">/);
    // Publish is SNS's and FooBar no service's: at a queue's URL both are SQS's refusal.
    for (const action of ["Publish", "FooBar"]) {
      const refused = await post(`Action=${action}&Version=2012-11-05&Message=hello`);
      assert.equal(refused.status, 400, action);
      assert.match(await refused.text(), new RegExp(`<Type>Sender</Type><Code>InvalidAction</Code><Message>The action ${action} is not valid for this endpoint.</Message>`));
    }
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${nimbus.url}/000000000000/${name}`, MaxNumberOfMessages: 10 }));
    assert.deepEqual(Messages?.map((m) => m.Body), ["hello"]);
  });

  test("a missing queue: query clients read AWS's longer NonExistentQueue sentence, JSON clients the short one", async () => {
    const url = `${nimbus.url}/000000000000/${uniqueName("gone")}`;
    const query = await fetch(`${nimbus.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") },
      body: `Action=SendMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(url)}&MessageBody=hello`,
    });
    assert.equal(query.status, 400);
    assert.match(await query.text(), /<Code>AWS.SimpleQueueService.NonExistentQueue<\/Code><Message>The specified queue does not exist for this wsdl version.<\/Message>/);
    const json = await failure<SQSServiceException>(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "hello" })));
    assert.equal(json.name, "QueueDoesNotExist");
    assert.equal(json.message, "The specified queue does not exist.");
    assert.equal(json.$metadata.httpStatusCode, 400);
  });

  test("a bare queue name as QueueUrl names the caller's queue, over JSON and query (LocalStack's AWS-validated test_posting_to_queue_via_queue_name)", async () => {
    const name = uniqueName("byname");
    await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: name, MessageBody: "Using name instead of URL" }));
    assert.equal(sent.MD5OfMessageBody, "86a83f96652a1bfad3891e7d523750cb");
    const query = await fetch(`${nimbus.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") },
      body: `Action=SendMessage&Version=2012-11-05&QueueUrl=${name}&MessageBody=again`,
    });
    assert.equal(query.status, 200);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: name, MaxNumberOfMessages: 10 }));
    assert.deepEqual(received.Messages?.map((m) => m.Body).sort(), ["Using name instead of URL", "again"]);
    const missing = await failure<SQSServiceException>(sqs.send(new SendMessageCommand({ QueueUrl: uniqueName("gone"), MessageBody: "x" })));
    assert.equal(missing.name, "QueueDoesNotExist");
  });

  test("CreateQueue is idempotent with identical attributes and refuses a different value", async () => {
    const name = uniqueName("idem");
    const first = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "45" } }));
    const again = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "45" } }));
    assert.equal(again.QueueUrl, first.QueueUrl);
    const bare = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    assert.equal(bare.QueueUrl, first.QueueUrl, "attributes the request leaves out are not compared");
    const err = await failure<SQSServiceException>(sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: "46" } })));
    assert.equal(err.name, "QueueNameExists");
    assert.equal(err.message, "A queue already exists with the same name and a different value for attribute VisibilityTimeout");
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test("CreateQueue validates names and attributes with AWS's wording", async () => {
    const bad = await failure<SQSServiceException>(sqs.send(new CreateQueueCommand({ QueueName: "has space" })));
    assert.equal(bad.name, "InvalidParameterValue");
    assert.equal(bad.message, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
    const fifoName = await failure<SQSServiceException>(sqs.send(new CreateQueueCommand({ QueueName: "nofifo", Attributes: { FifoQueue: "true" } })));
    assert.equal(
      fifoName.message,
      "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
    );
    const range = await failure<SQSServiceException>(sqs.send(new CreateQueueCommand({ QueueName: uniqueName("r"), Attributes: { DelaySeconds: "901" } })));
    assert.equal(range.name, "InvalidAttributeValue");
    assert.equal(range.message, "Invalid value for the parameter DelaySeconds.");
    const unknown = await failure<SQSServiceException>(sqs.send(new CreateQueueCommand({ QueueName: uniqueName("u"), Attributes: { Bogus: "1" } as never })));
    assert.equal(unknown.name, "InvalidAttributeName");
    assert.equal(unknown.message, "Unknown Attribute Bogus.");
  });

  test("queue attributes keep to AWS's ranges: retention 60 s to 14 days, visibility up to 12 h, long polling up to 20 s, KMS data keys 60 s to 24 h", async () => {
    const ranges: [string, string, string, string][] = [
      ["MessageRetentionPeriod", "60", "1209600", "59"],
      ["MessageRetentionPeriod", "60", "1209600", "1209601"],
      ["VisibilityTimeout", "0", "43200", "43201"],
      ["ReceiveMessageWaitTimeSeconds", "0", "20", "21"],
      ["DelaySeconds", "0", "900", "901"],
      ["MaximumMessageSize", "1024", "1048576", "1048577"],
      ["KmsDataKeyReusePeriodSeconds", "60", "86400", "59"],
      ["KmsDataKeyReusePeriodSeconds", "60", "86400", "86401"],
    ];
    for (const [attribute, min, max, bad] of ranges) {
      for (const value of [min, max]) assert.equal((await attrs(await queue("range", { [attribute]: value }), attribute))[attribute], value, `${attribute}=${value}`);
      const err = await failure<SQSServiceException>(sqs.send(new CreateQueueCommand({ QueueName: uniqueName("range"), Attributes: { [attribute]: bad } })));
      assert.deepEqual([err.name, err.message, err.$metadata.httpStatusCode], ["InvalidAttributeValue", `Invalid value for the parameter ${attribute}.`, 400], `${attribute}=${bad}`);
    }
  });

  test("SSE-KMS: KmsMasterKeyId is kept, KmsDataKeyReusePeriodSeconds defaults to 300, and SSE-SQS is off", async () => {
    const url = await queue("kms", { KmsMasterKeyId: "alias/aws/sqs" });
    assert.deepEqual(await attrs(url, "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled"), {
      KmsMasterKeyId: "alias/aws/sqs",
      KmsDataKeyReusePeriodSeconds: "300",
      SqsManagedSseEnabled: "false",
    });
    // Message bodies are what is encrypted; a consumer reads them as sent.
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "secret", MessageAttributes: { kind: { DataType: "String", StringValue: "plain" } } }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["All"] }));
    assert.deepEqual([got.Messages?.[0]?.Body, got.Messages?.[0]?.MessageAttributes?.kind?.StringValue], ["secret", "plain"]);
  });

  test("GetQueueAttributes All: every attribute of a standard queue with its defaults", async () => {
    const url = await queue("all");
    const all = await attrs(url, "All");
    const created = Math.floor(nimbus.clock.now() / 1000);
    assert.deepEqual(all, {
      ApproximateNumberOfMessages: "0",
      ApproximateNumberOfMessagesDelayed: "0",
      ApproximateNumberOfMessagesNotVisible: "0",
      CreatedTimestamp: String(created),
      DelaySeconds: "0",
      LastModifiedTimestamp: String(created),
      MaximumMessageSize: "1048576",
      MessageRetentionPeriod: "345600",
      QueueArn: `arn:aws:sqs:us-east-1:000000000000:${url.split("/").pop()}`,
      ReceiveMessageWaitTimeSeconds: "0",
      SqsManagedSseEnabled: "true",
      VisibilityTimeout: "30",
    });
    const fifoOnly = await failure<SQSServiceException>(sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["FifoQueue"] })));
    assert.equal(fifoOnly.name, "InvalidAttributeName");
    assert.equal(fifoOnly.message, "Unknown Attribute FifoQueue.");
  });

  test("SetQueueAttributes changes values and LastModifiedTimestamp; invalid values are refused", async () => {
    const url = await queue("set");
    await nimbus.scheduler.advance(5_000);
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { VisibilityTimeout: "120", MessageRetentionPeriod: "60", Policy: "" } }));
    const a = await attrs(url, "VisibilityTimeout", "MessageRetentionPeriod", "LastModifiedTimestamp", "CreatedTimestamp");
    assert.equal(a.VisibilityTimeout, "120");
    assert.equal(a.MessageRetentionPeriod, "60");
    assert.equal(Number(a.LastModifiedTimestamp) - Number(a.CreatedTimestamp), 5);
    const err = await failure<SQSServiceException>(sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { MaximumMessageSize: "100" } })));
    assert.equal(err.name, "InvalidAttributeValue");
    assert.equal(err.message, "Invalid value for the parameter MaximumMessageSize.");
    const redrive = await failure<SQSServiceException>(
      sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:nope", maxReceiveCount: 3 }) } })),
    );
    assert.equal(redrive.name, "InvalidParameterValue");
    assert.match(redrive.message, /Reason: Dead letter target does not exist\.$/);
  });

  test("a Policy over the quotas (20 statements, 7 actions in a statement) is 403 OverLimit with AWS's sentence, and is not stored", async () => {
    const url = await queue("policy-limits");
    const arn = (await attrs(url, "QueueArn")).QueueArn;
    const statement = (i: number, actions: string[]) => ({ Sid: `s${i}`, Effect: "Allow", Principal: { AWS: "111122223333" }, Action: actions, Resource: arn });
    const set = (statements: unknown[]) =>
      sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) } }));
    const many = await failure<SQSServiceException>(set(Array.from({ length: 21 }, (_, i) => statement(i, ["sqs:SendMessage"]))));
    assert.deepEqual([many.name, many.message, many.$metadata.httpStatusCode], ["OverLimit", "21 statements were found in the submitted policy, max allowed is 20", 403]);
    const actions = ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl", "PurgeQueue", "ListQueueTags", "ListDeadLetterSourceQueues", "SetQueueAttributes"];
    const wide = await failure<SQSServiceException>(set([statement(1, actions.map((a) => `sqs:${a}`))]));
    assert.deepEqual([wide.name, wide.message, wide.$metadata.httpStatusCode], ["OverLimit", "10 actions were found in a statement from the submitted policy, max allowed is 7", 403]);
    assert.equal((await attrs(url, "Policy")).Policy, undefined);
    await set(Array.from({ length: 20 }, (_, i) => statement(i, actions.slice(0, 7).map((a) => `sqs:${a}`))));
    assert.equal((JSON.parse((await attrs(url, "Policy")).Policy ?? "{}") as { Statement: unknown[] }).Statement.length, 20);
  });

  test("ListQueues: prefix, MaxResults and NextToken", async () => {
    const prefix = uniqueName("list");
    const names = ["a", "b", "c"].map((s) => `${prefix}-${s}`);
    for (const name of names) await sqs.send(new CreateQueueCommand({ QueueName: name }));
    const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    assert.deepEqual(all.QueueUrls, names.map((n) => `${nimbus.url}/000000000000/${n}`));
    assert.equal(all.NextToken, undefined);
    const page1 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2 }));
    assert.equal(page1.QueueUrls?.length, 2);
    assert.ok(page1.NextToken);
    const page2 = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix, MaxResults: 2, NextToken: page1.NextToken }));
    assert.deepEqual(page2.QueueUrls, [`${nimbus.url}/000000000000/${names[2]}`]);
    assert.equal(page2.NextToken, undefined);
    const none = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "zzz-nothing" }));
    assert.equal(none.QueueUrls, undefined);
    const other = new SQSClient(nimbus.clientConfig({ region: "eu-west-1" }));
    const elsewhere = await other.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    assert.equal(elsewhere.QueueUrls, undefined, "queues belong to one region");
    other.destroy();
  });

  test("tags: TagQueue, UntagQueue, ListQueueTags, and tags on CreateQueue", async () => {
    const name = uniqueName("tags");
    const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name, tags: { team: "core" } }));
    assert.ok(url);
    await sqs.send(new TagQueueCommand({ QueueUrl: url, Tags: { env: "dev", tier: "1" } }));
    assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { team: "core", env: "dev", tier: "1" });
    await sqs.send(new UntagQueueCommand({ QueueUrl: url, TagKeys: ["tier", "team"] }));
    assert.deepEqual((await sqs.send(new ListQueueTagsCommand({ QueueUrl: url }))).Tags, { env: "dev" });
  });

  test("DeleteQueue: the queue is gone, and its name cannot be reused for 60 seconds", async () => {
    const name = uniqueName("del");
    const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "still here" }));
    // A queue with messages in it is deleted all the same.
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    const gone = await failure<SQSServiceException>(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x" })));
    assert.equal(gone.name, "QueueDoesNotExist");
    // Unlike the guide's era, deleting a queue that is not there is an error.
    const twice = await failure<SQSServiceException>(sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
    assert.deepEqual([twice.name, twice.message, twice.$metadata.httpStatusCode], ["QueueDoesNotExist", "The specified queue does not exist.", 400]);
    const soon = await failure<SQSServiceException>(sqs.send(new CreateQueueCommand({ QueueName: name })));
    assert.equal(soon.name, "QueueDeletedRecently");
    assert.equal(soon.message, "You must wait 60 seconds after deleting a queue before you can create another with the same name.");
    await nimbus.scheduler.advance(60_000);
    const again = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    assert.equal(again.QueueUrl, url);
  });

  test("PurgeQueue deletes the messages; a second purge within 60 s is PurgeQueueInProgress", async () => {
    const url = await queue("purge");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "one" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "two", DelaySeconds: 30 }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    const a = await attrs(url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed");
    assert.deepEqual(a, { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesDelayed: "0" });
    const err = await failure<SQSServiceException>(sqs.send(new PurgeQueueCommand({ QueueUrl: url })));
    assert.equal(err.name, "PurgeQueueInProgress");
    assert.equal(err.message, `Only one PurgeQueue operation on ${url.split("/").pop()} is allowed every 60 seconds.`);
    assert.equal(err.$metadata.httpStatusCode, 403);
    await nimbus.scheduler.advance(60_000);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  });

  test("ListDeadLetterSourceQueues lists the queues that redrive to a dead-letter queue", async () => {
    const dlq = await queue("dlq-src");
    const arn = (await attrs(dlq, "QueueArn")).QueueArn;
    const source = await queue("src", { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: "2" }) });
    assert.equal((await attrs(source, "RedrivePolicy")).RedrivePolicy, JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 2 }));
    const out = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq }));
    assert.deepEqual(out.queueUrls, [source]);
  });

  test("AddPermission and RemovePermission edit the queue policy", async () => {
    const url = await queue("perm");
    const arn = (await attrs(url, "QueueArn")).QueueArn;
    await sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: "send-from-partner", AWSAccountIds: ["111122223333"], Actions: ["SendMessage"] }));
    await sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: "read", AWSAccountIds: ["111122223333", "444455556666"], Actions: ["ReceiveMessage", "DeleteMessage"] }));
    const policy = JSON.parse((await attrs(url, "Policy")).Policy ?? "{}") as { Statement: unknown[] };
    assert.deepEqual(policy, {
      Version: "2008-10-17",
      Id: `${arn}/SQSDefaultPolicy`,
      Statement: [
        { Sid: "send-from-partner", Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "SQS:SendMessage", Resource: arn },
        {
          Sid: "read",
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"] },
          Action: ["SQS:ReceiveMessage", "SQS:DeleteMessage"],
          Resource: arn,
        },
      ],
    });
    const dup = await failure<SQSServiceException>(sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: "read", AWSAccountIds: ["111122223333"], Actions: ["SendMessage"] })));
    assert.equal(dup.name, "InvalidParameterValue");
    assert.equal(dup.message, "Value read for parameter Label is invalid. Reason: Already exists.");
    const absent = await failure<SQSServiceException>(sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: "never-added" })));
    assert.equal(absent.name, "InvalidParameterValue");
    assert.equal(absent.message, "Value never-added for parameter Label is invalid. Reason: can't find label on existing policy.");
    await sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: "send-from-partner" }));
    await sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: "read" }));
    assert.equal((await attrs(url, "Policy")).Policy, undefined);
    const missing = await failure<SQSServiceException>(sqs.send(new RemovePermissionCommand({ QueueUrl: url, Label: "read" })));
    assert.equal(missing.message, "Value read for parameter Label is invalid. Reason: can't find label.", "no policy left: AWS's shorter reason");
  });

  test("AddPermission takes account ids only: a user's ARN or id is InvalidParameterValue for PrincipalId, and adds nothing", async () => {
    const url = await queue("perm-principal");
    for (const principal of ["arn:aws:iam::111122223333:user/alice", "AIDAEXAMPLEUSERID1234", "11112222333"]) {
      const err = await failure<SQSServiceException>(
        sqs.send(new AddPermissionCommand({ QueueUrl: url, Label: "p", AWSAccountIds: ["444455556666", principal], Actions: ["SendMessage"] })),
      );
      assert.deepEqual(
        [err.name, err.message, err.$metadata.httpStatusCode],
        ["InvalidParameterValue", `Value ${principal} for parameter PrincipalId is invalid. Reason: Unable to verify principal.`, 400],
      );
    }
    assert.equal((await attrs(url, "Policy")).Policy, undefined);
  });

  const sqsOn = (nimbus: TestNimbus) => ({ nimbus, sqs: new SQSClient(nimbus.clientConfig()) });
  const destroySqs = (c: { sqs: SQSClient }) => c.sqs.destroy();

  test("queues, messages and in-flight state survive a restart on a data dir", async () => {
    await acrossRestart(
      sqsOn,
      destroySqs,
      async ({ sqs: c1 }) => {
        const { QueueUrl: url1 } = await c1.send(new CreateQueueCommand({ QueueName: "durable", Attributes: { VisibilityTimeout: "60" } }));
        await c1.send(new SendMessageCommand({ QueueUrl: url1, MessageBody: "kept" }));
        await c1.send(new SendMessageCommand({ QueueUrl: url1, MessageBody: "in flight" }));
        const inFlight = await c1.send(new ReceiveMessageCommand({ QueueUrl: url1 }));
        assert.equal(inFlight.Messages?.[0]?.Body, "kept");
      },
      async ({ nimbus: second, sqs: c2 }) => {
        const { QueueUrl: url2 } = await c2.send(new GetQueueUrlCommand({ QueueName: "durable" }));
        assert.ok(url2);
        const now = await c2.send(new ReceiveMessageCommand({ QueueUrl: url2, MaxNumberOfMessages: 10 }));
        assert.deepEqual(now.Messages?.map((m) => m.Body), ["in flight"], "the received message is still invisible");
        await second.scheduler.advance(60_000);
        const later = await c2.send(new ReceiveMessageCommand({ QueueUrl: url2, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
        assert.deepEqual(later.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]), [
          ["kept", "2"],
          ["in flight", "2"],
        ]);
      },
    );
  });

  test("a FIFO group keeps its send order and its growing sequence numbers across a restart", async () => {
    await acrossRestart(
      sqsOn,
      destroySqs,
      async ({ sqs: c1 }) => {
        const { QueueUrl } = await c1.send(new CreateQueueCommand({ QueueName: "ordered.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } }));
        for (const body of ["one", "two"]) await c1.send(new SendMessageCommand({ QueueUrl, MessageBody: body, MessageGroupId: "g" }));
        // A batch writes the queue's last sequence number once, when it commits.
        const batch = await c1.send(
          new SendMessageBatchCommand({ QueueUrl, Entries: ["three", "four"].map((body) => ({ Id: body, MessageBody: body, MessageGroupId: "g" })) }),
        );
        const batchSequences = batch.Successful?.map((e) => BigInt(e.SequenceNumber ?? "0")) ?? [];
        assert.equal(batchSequences.length, 2);
        assert.ok((batchSequences[1] ?? 0n) > (batchSequences[0] ?? 0n));
        return { QueueUrl, last: batchSequences[1] ?? 0n };
      },
      // The clock restarts at the same instant: only the stored sequence number keeps the next one growing.
      async ({ sqs: c2 }, { QueueUrl, last }) => {
        const five = await c2.send(new SendMessageCommand({ QueueUrl, MessageBody: "five", MessageGroupId: "g" }));
        assert.ok(BigInt(five.SequenceNumber ?? "0") > last);
        const got = await c2.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        assert.deepEqual(got.Messages?.map((m) => m.Body), ["one", "two", "three", "four", "five"]);
      },
    );
  });
});
