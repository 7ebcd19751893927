import assert from "node:assert/strict";
import { createHash, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  SQSServiceException,
  CancelMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { IN_FLIGHT_QUOTA } from "../../src/services/sqs/messages.js";
import type { NewMessage, SqsStore } from "../../src/services/sqs/store.js";
import { signedHeaders, startTestNimbus, uniqueName, type TestNimbus, failure } from "./harness.js";

const SCOPE = { account: "000000000000", region: "us-east-1" };
/** The only OverLimit message recorded from real SQS (errors.ts says where). */
const OVER_LIMIT_MESSAGE = "Too many messages have been received without being deleted.\nPlease delete your received messages or let them timeout before receiving more.";

describe("SQS messages", () => {
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
    const out = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(prefix), ...(attributes ? { Attributes: attributes } : {}) }));
    assert.ok(out.QueueUrl);
    return out.QueueUrl;
  }

  async function counts(url: string): Promise<[number, number, number]> {
    const out = await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
      }),
    );
    const a = out.Attributes ?? {};
    return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible), Number(a.ApproximateNumberOfMessagesDelayed)];
  }

  /** Resolves once the server has parked a long poll (its timeout is a scheduler task). */
  async function parked(pendingBefore: number): Promise<void> {
    for (let i = 0; i < 100_000 && nimbus.scheduler.pending() <= pendingBefore; i++) await new Promise((r) => setImmediate(r));
    assert.ok(nimbus.scheduler.pending() > pendingBefore, "the receive never started waiting");
  }

  test("send, receive and delete, with attributes, MD5s and system attributes", async () => {
    const url = await queue("rt");
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: "héllo wörld",
        MessageAttributes: {
          "app.kind": { DataType: "String", StringValue: "greeting" },
          "app.count": { DataType: "Number", StringValue: "42" },
          blob: { DataType: "Binary", BinaryValue: new Uint8Array([1, 2, 3]) },
        },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793" } },
      }),
    );
    assert.equal(sent.MD5OfMessageBody, createHash("md5").update("héllo wörld").digest("hex"));
    assert.match(sent.MD5OfMessageAttributes ?? "", /^[0-9a-f]{32}$/);
    assert.match(sent.MD5OfMessageSystemAttributes ?? "", /^[0-9a-f]{32}$/);
    assert.match(sent.MessageId ?? "", /^[0-9a-f-]{36}$/);
    assert.deepEqual(await counts(url), [1, 0, 0]);

    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["app.*"], MaxNumberOfMessages: 10 }),
    );
    assert.equal(got.Messages?.length, 1);
    const m = got.Messages?.[0];
    assert.ok(m?.ReceiptHandle);
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Body, "héllo wörld");
    assert.deepEqual(Object.keys(m.MessageAttributes ?? {}).sort(), ["app.count", "app.kind"]);
    assert.equal(m.MessageAttributes?.["app.count"]?.StringValue, "42");
    const now = String(nimbus.clock.now());
    assert.deepEqual(m.Attributes, {
      SenderId: "000000000000",
      SentTimestamp: now,
      ApproximateReceiveCount: "1",
      ApproximateFirstReceiveTimestamp: now,
      AWSTraceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793",
    });
    assert.deepEqual(await counts(url), [0, 1, 0]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    assert.deepEqual(await counts(url), [0, 0, 0]);
    // Deleting again with the same handle succeeds.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
  });

  test("message attributes named __proto__ or like Object.prototype's members (constructor) are kept, over JSON and query", async () => {
    // SQS takes any name of letters, digits, _ - and .: a copy of the map by assignment had set its
    // prototype for __proto__ and dropped the attribute. Received over the wire, as the v3 client
    // reads __proto__'s value as undefined.
    const url = await queue("protoattrs");
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: "json",
        MessageAttributes: { ["__proto__"]: { DataType: "String", StringValue: "p" }, constructor: { DataType: "Number", StringValue: "1" } },
      }),
    );
    // The MD5 of the attributes as SQS digests them: by name, each part length-prefixed, 1 for a string value.
    const part = (text: string) => Buffer.concat([Buffer.from([0, 0, 0, Buffer.byteLength(text)]), Buffer.from(text)]);
    const digest = createHash("md5");
    for (const [name, type, value] of [["__proto__", "String", "p"], ["constructor", "Number", "1"]] as const) digest.update(Buffer.concat([part(name), part(type), Buffer.from([1]), part(value)]));
    const md5 = digest.digest("hex");
    assert.equal(sent.MD5OfMessageAttributes, md5);
    const query = await fetch(`${nimbus.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") },
      body:
        `Action=SendMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(url)}&MessageBody=query` +
        "&MessageAttribute.1.Name=__proto__&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=p" +
        "&MessageAttribute.2.Name=constructor&MessageAttribute.2.Value.DataType=Number&MessageAttribute.2.Value.StringValue=1",
    });
    assert.equal(query.status, 200);
    assert.match(await query.text(), new RegExp(`<MD5OfMessageAttributes>${md5}</MD5OfMessageAttributes>`));
    const receive = async (names: string[]) => {
      const res = await fetch(`${nimbus.url}/`, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.ReceiveMessage", ...signedHeaders("sqs") },
        body: JSON.stringify({ QueueUrl: url, MessageAttributeNames: names, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
      });
      assert.equal(res.status, 200);
      const out = JSON.parse(await res.text()) as { Messages: Array<{ Body: string; MessageAttributes?: unknown }> };
      return out.Messages.map((m) => [m.Body, m.MessageAttributes]).sort();
    };
    const both = JSON.parse('{"__proto__":{"StringValue":"p","DataType":"String"},"constructor":{"StringValue":"1","DataType":"Number"}}') as unknown;
    assert.deepEqual(await receive(["All"]), [["json", both], ["query", both]]);
    const proto = JSON.parse('{"__proto__":{"StringValue":"p","DataType":"String"}}') as unknown;
    assert.deepEqual(await receive(["__proto__"]), [["json", proto], ["query", proto]]);
  });

  /** A client that sends `trace` as every request's X-Amzn-Trace-Id header, as X-Ray's SDK does. */
  function tracedClient(trace: string): SQSClient {
    const traced = new SQSClient(nimbus.clientConfig());
    traced.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers["X-Amzn-Trace-Id"] = trace;
        return next(args);
      },
      { step: "build", name: "addTraceHeader" },
    );
    return traced;
  }

  test("a SendMessage's X-Amzn-Trace-Id header becomes the message's AWSTraceHeader", async () => {
    // LocalStack's AWS-validated test_aws_trace_header_propagation (snapshot xray-msg).
    const trace = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1";
    const traced = tracedClient(trace);
    try {
      const url = await queue("xray");
      await traced.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "test", MessageAttributes: { timestamp: { DataType: "Number", StringValue: "1493147359900" } } }));
      const got = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["SentTimestamp", "AWSTraceHeader"], MessageAttributeNames: ["All"], VisibilityTimeout: 2 }),
      );
      const m = got.Messages?.[0];
      assert.deepEqual(m?.Attributes, { AWSTraceHeader: trace, SentTimestamp: String(nimbus.clock.now()) });
      assert.equal(m?.MD5OfMessageAttributes, "235c5c510d26fb653d073faed50ae77c");
    } finally {
      traced.destroy();
    }
  });

  test("a SendMessageBatch's X-Amzn-Trace-Id header traces every entry; an entry's own AWSTraceHeader overrides it", async () => {
    // AWS X-Ray guide, "Amazon SQS and AWS X-Ray": the header "corresponds to all messages included
    // in a SendMessage or SendMessageBatch request"; the system attribute overrides it.
    const trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    const own = "Root=1-5759e988-bd862e3fe1be46a994272794;Parent=53995c3f42cd8ad9;Sampled=1";
    const traced = tracedClient(trace);
    try {
      const url = await queue("xray-batch");
      const sent = await traced.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: [
            { Id: "a", MessageBody: "first" },
            { Id: "b", MessageBody: "second", MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: own } } },
          ],
        }),
      );
      assert.deepEqual(sent.Successful?.map((s) => s.Id), ["a", "b"]);
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["AWSTraceHeader"], MaxNumberOfMessages: 10 }));
      const byBody = new Map((got.Messages ?? []).map((m) => [m.Body, m.Attributes]));
      assert.deepEqual(byBody.get("first"), { AWSTraceHeader: trace });
      assert.deepEqual(byBody.get("second"), { AWSTraceHeader: own });
    } finally {
      traced.destroy();
    }
  });

  test("binary attributes round-trip and All selects every attribute", async () => {
    const url = await queue("bin");
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: "b",
        MessageAttributes: { blob: { DataType: "Binary.gif", BinaryValue: new Uint8Array([0, 255, 7]) }, s: { DataType: "String", StringValue: "v" } },
      }),
    );
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ["All"] }));
    const attributes = got.Messages?.[0]?.MessageAttributes ?? {};
    assert.deepEqual([...(attributes.blob?.BinaryValue ?? [])], [0, 255, 7]);
    assert.equal(attributes.blob?.DataType, "Binary.gif");
    assert.equal(attributes.s?.StringValue, "v");
  });

  test("a received message is invisible for the visibility timeout, then comes back with a higher receive count", async () => {
    const url = await queue("vis", { VisibilityTimeout: "30" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "again" }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    assert.equal(first.Messages?.[0]?.Attributes?.ApproximateReceiveCount, "1");
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    await nimbus.scheduler.advance(29_999);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    await nimbus.scheduler.advance(1);
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, AttributeNames: ["All"], VisibilityTimeout: 5 }));
    const m = second.Messages?.[0];
    assert.equal(m?.Attributes?.ApproximateReceiveCount, "2");
    assert.notEqual(m?.ReceiptHandle, first.Messages?.[0]?.ReceiptHandle);
    // The per-request VisibilityTimeout overrides the queue's.
    await nimbus.scheduler.advance(5_000);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0]?.Body, "again");
  });

  test("delays: per message and per queue; delayed messages are counted apart", async () => {
    const url = await queue("delay", { DelaySeconds: "10" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "queue-delay" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "no-delay", DelaySeconds: 0 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "long-delay", DelaySeconds: 60 }));
    assert.deepEqual(await counts(url), [1, 0, 2]);
    const now = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(now.Messages?.map((m) => m.Body), ["no-delay"]);
    await nimbus.scheduler.advance(10_000);
    const later = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(later.Messages?.map((m) => m.Body), ["queue-delay"]);
    const err = await failure<SQSServiceException>(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", DelaySeconds: 901 })));
    assert.equal(err.name, "InvalidParameterValue");
    assert.equal(err.message, "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.");
  });

  test("a standard queue's new DelaySeconds applies to messages sent afterwards only", async () => {
    const url = await queue("redelay", { DelaySeconds: "60" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "sent under 60" }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: { DelaySeconds: "0" } }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "sent under 0" }));
    const now = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(now.Messages?.map((m) => m.Body), ["sent under 0"]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: now.Messages?.[0]?.ReceiptHandle }));
    await nimbus.scheduler.advance(59_000);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined, "still delayed by the queue's old 60 s");
    await nimbus.scheduler.advance(1_000);
    const later = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(later.Messages?.map((m) => m.Body), ["sent under 60"]);
  });

  test("ChangeMessageVisibility extends, releases (0) and refuses a deleted message", async () => {
    const url = await queue("cmv");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "m" }));
    const handle = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0]?.ReceiptHandle;
    assert.ok(handle);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 100 }));
    await nimbus.scheduler.advance(99_000);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages, undefined);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 0 }));
    const again = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages?.[0]?.ReceiptHandle;
    assert.ok(again);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: again }));
    const err = await failure<SQSServiceException>(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again, VisibilityTimeout: 10 })));
    assert.equal(err.name, "InvalidParameterValue");
    assert.equal(err.message, `Value ${again} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`);
    const range = await failure<SQSServiceException>(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again, VisibilityTimeout: 43_201 })));
    assert.equal(range.message, "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.");
  });

  test("invalid receipt handles: 404 ReceiptHandleIsInvalid", async () => {
    const url = await queue("rh");
    const err = await failure<SQSServiceException>(sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: "garbage" })));
    assert.equal(err.name, "ReceiptHandleIsInvalid");
    assert.equal(err.message, 'The input receipt handle "garbage" is not a valid receipt handle.');
    assert.equal(err.$metadata.httpStatusCode, 404);
  });

  test("SendMessageBatch: successes and per-entry failures; request-level batch errors", async () => {
    const url = await queue("batch");
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "ok1", MessageBody: "first" },
          { Id: "bad-char", MessageBody: "nul\u0000" },
          { Id: "bad-delay", MessageBody: "x", DelaySeconds: 1000 },
          { Id: "ok2", MessageBody: "second", MessageAttributes: { a: { DataType: "String", StringValue: "1" } } },
        ],
      }),
    );
    assert.deepEqual(out.Successful?.map((s) => s.Id), ["ok1", "ok2"]);
    assert.equal(out.Successful?.[0]?.MD5OfMessageBody, createHash("md5").update("first").digest("hex"));
    assert.ok(out.Successful?.[1]?.MD5OfMessageAttributes);
    assert.deepEqual(out.Failed, [
      {
        Id: "bad-char",
        SenderFault: true,
        Code: "InvalidMessageContents",
        Message:
          "Invalid binary character '#x0' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].",
      },
      { Id: "bad-delay", SenderFault: true, Code: "InvalidParameterValue", Message: "Value 1000 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900." },
    ]);
    const empty = await failure<SQSServiceException>(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [] })));
    assert.equal(empty.name, "EmptyBatchRequest");
    assert.equal(empty.message, "There should be at least one SendMessageBatchRequestEntry in the request.");
    const dup = await failure<SQSServiceException>(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "a", MessageBody: "1" }, { Id: "a", MessageBody: "2" }] })));
    assert.equal(dup.name, "BatchEntryIdsNotDistinct");
    assert.equal(dup.message, "Id a repeated.");
    const many = await failure<SQSServiceException>(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: "x" })) })),
    );
    assert.equal(many.name, "TooManyEntriesInBatchRequest");
    assert.equal(many.message, "Maximum number of entries per request are 10. You have sent 11.");
  });

  test("SendMessageBatch: an entry with an empty body fails alone with EmptyValue, its position named", async () => {
    const url = await queue("bempty");
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "ok", MessageBody: "x" },
          { Id: "empty", MessageBody: "", DelaySeconds: 1000 },
        ],
      }),
    );
    assert.deepEqual(out.Successful?.map((s) => s.Id), ["ok"]);
    assert.deepEqual(out.Failed, [{ Id: "empty", SenderFault: true, Code: "EmptyValue", Message: "No Value Found for SendMessageBatchRequestEntry.2.MessageBody." }]);
    // The same in XML for a query client, which sends the empty value as it is.
    const res = await fetch(`${nimbus.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") },
      body: `Action=SendMessageBatch&Version=2012-11-05&QueueUrl=${encodeURIComponent(url)}&SendMessageBatchRequestEntry.1.Id=e1&SendMessageBatchRequestEntry.1.MessageBody=`,
    });
    assert.equal(res.status, 200);
    assert.match(
      await res.text(),
      /<BatchResultErrorEntry><Id>e1<\/Id><SenderFault>true<\/SenderFault><Code>EmptyValue<\/Code><Message>No Value Found for SendMessageBatchRequestEntry\.1\.MessageBody\.<\/Message><\/BatchResultErrorEntry>/,
    );
    // SendMessage itself keeps MissingParameter (php-enqueue/enqueue-dev#435, localstack#12317).
    const single = await failure<SQSServiceException>(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "" })));
    assert.equal(single.name, "MissingParameter");
    assert.equal(single.message, "The request must contain the parameter MessageBody.");
  });

  test("a query batch without entries is EmptyBatchRequest, as a JSON one with an empty list; an entry without its Id is named by its place", async () => {
    // A query client sends nothing for an empty list (boto3 and the CLI before SQS spoke JSON),
    // so the entries are missing rather than empty; AWS answers as for an empty batch
    // (aws/aws-sdk-php#630, aws-powertools/powertools-lambda-python#169).
    const url = await queue("qempty");
    for (const [action, entryType] of [
      ["SendMessageBatch", "SendMessageBatchRequestEntry"],
      ["DeleteMessageBatch", "DeleteMessageBatchRequestEntry"],
      ["ChangeMessageVisibilityBatch", "ChangeMessageVisibilityBatchRequestEntry"],
    ] as const) {
      const res = await fetch(`${nimbus.url}/`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") },
        body: `Action=${action}&Version=2012-11-05&QueueUrl=${encodeURIComponent(url)}`,
      });
      assert.equal(res.status, 400, action);
      assert.match(
        await res.text(),
        new RegExp(`<Type>Sender</Type><Code>AWS\\.SimpleQueueService\\.EmptyBatchRequest</Code><Message>There should be at least one ${entryType} in the request\\.</Message>`),
        action,
      );
    }
    // An entry without its Id is named by its place in the query (aws/aws-sdk-js#2388, ali-essam/wtsqs#7).
    for (const [action, entryType, body] of [
      ["DeleteMessageBatch", "DeleteMessageBatchRequestEntry", "DeleteMessageBatchRequestEntry.1.Id=a&DeleteMessageBatchRequestEntry.1.ReceiptHandle=h&DeleteMessageBatchRequestEntry.2.ReceiptHandle=h"],
      ["SendMessageBatch", "SendMessageBatchRequestEntry", "SendMessageBatchRequestEntry.1.MessageBody=x"],
    ] as const) {
      const res = await fetch(`${nimbus.url}/`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") },
        body: `Action=${action}&Version=2012-11-05&QueueUrl=${encodeURIComponent(url)}&${body}`,
      });
      assert.equal(res.status, 400, action);
      const n = action === "DeleteMessageBatch" ? 2 : 1;
      assert.match(await res.text(), new RegExp(`<Code>MissingParameter</Code><Message>The request must contain the parameter ${entryType}\\.${n}\\.Id\\.</Message>`), action);
    }
    const json = await failure<SQSServiceException>(sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [] })));
    assert.equal(json.name, "EmptyBatchRequest");
    assert.equal(json.message, "There should be at least one DeleteMessageBatchRequestEntry in the request.");
    assert.equal(json.$metadata.httpStatusCode, 400);
  });

  test("DeleteMessageBatch and ChangeMessageVisibilityBatch report bad handles per entry", async () => {
    const url = await queue("dbatch");
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "1", MessageBody: "a" }, { Id: "2", MessageBody: "b" }] }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    const handles = (got.Messages ?? []).map((m) => m.ReceiptHandle ?? "");
    assert.equal(handles.length, 2);
    const cmv = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "x", ReceiptHandle: handles[0] ?? "", VisibilityTimeout: 0 },
          { Id: "y", ReceiptHandle: "nope", VisibilityTimeout: 0 },
        ],
      }),
    );
    assert.deepEqual(cmv.Successful, [{ Id: "x" }]);
    assert.deepEqual(cmv.Failed, [{ Id: "y", SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: 'The input receipt handle "nope" is not a valid receipt handle.' }]);
    const del = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "d1", ReceiptHandle: handles[1] ?? "" }, { Id: "d2", ReceiptHandle: "bad" }] }),
    );
    assert.deepEqual(del.Successful, [{ Id: "d1" }]);
    assert.equal(del.Failed?.[0]?.Code, "ReceiptHandleIsInvalid");
    assert.deepEqual(await counts(url), [1, 0, 0]);
  });

  test("a ChangeMessageVisibilityBatch entry without VisibilityTimeout fails alone, named by its place", async () => {
    // The Go SDK v2 before 1.31 sent no VisibilityTimeout for an entry's timeout of 0: these are its bytes.
    const url = await queue("cmvmissing");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "a" }));
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    const handle = got.Messages?.[0]?.ReceiptHandle ?? "";
    const res = await fetch(`${nimbus.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", ...signedHeaders("sqs") },
      body:
        `Action=ChangeMessageVisibilityBatch&ChangeMessageVisibilityBatchRequestEntry.1.Id=a&ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle=${encodeURIComponent(handle)}` +
        `&ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=5&ChangeMessageVisibilityBatchRequestEntry.2.Id=b` +
        `&ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle=${encodeURIComponent(handle)}&QueueUrl=${encodeURIComponent(url)}&Version=2012-11-05`,
    });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(text, /<ChangeMessageVisibilityBatchResultEntry><Id>a<\/Id><\/ChangeMessageVisibilityBatchResultEntry>/);
    assert.match(
      text,
      /<BatchResultErrorEntry><Id>b<\/Id><SenderFault>true<\/SenderFault><Code>MissingParameter<\/Code><Message>The request must contain the parameter ChangeMessageVisibilityBatchRequestEntry\.2\.VisibilityTimeout\.<\/Message><\/BatchResultErrorEntry>/,
    );
  });

  test("ReceiveMessage validates its parameters", async () => {
    const url = await queue("rv");
    const err = await failure<SQSServiceException>(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })));
    assert.equal(err.name, "InvalidParameterValue");
    assert.equal(err.message, "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
    const wait = await failure<SQSServiceException>(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 21 })));
    assert.equal(wait.message, "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
  });

  test("a message larger than MaximumMessageSize is refused", async () => {
    const url = await queue("size", { MaximumMessageSize: "1024" });
    const err = await failure<SQSServiceException>(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x".repeat(1025) })));
    assert.equal(err.name, "InvalidParameterValue");
    assert.equal(err.message, "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x".repeat(1024) }));
  });

  test("long polling waits up to WaitTimeSeconds and answers empty when nothing arrives", async () => {
    const url = await queue("lp-empty");
    const before = nimbus.scheduler.pending();
    let settled = false;
    const receive = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 })).finally(() => (settled = true));
    await parked(before);
    await nimbus.scheduler.advance(19_000);
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, "still waiting after 19 s");
    await nimbus.scheduler.advance(1_000);
    const out = await receive;
    assert.equal(out.Messages, undefined);
  });

  test("long polling returns as soon as a message is sent", async () => {
    const url = await queue("lp-wake");
    const before = nimbus.scheduler.pending();
    const start = nimbus.clock.now();
    const receive = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await parked(before);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "wake up" }));
    const out = await receive;
    assert.equal(out.Messages?.[0]?.Body, "wake up");
    assert.equal(nimbus.clock.now(), start, "answered without any time passing");
    assert.equal(nimbus.scheduler.pending(), before, "the wait's timeout was cancelled");
  });

  test("a long poll on a queue that is deleted meanwhile answers with nothing at once", async () => {
    const url = await queue("lp-deleted");
    const before = nimbus.scheduler.pending();
    const start = nimbus.clock.now();
    const receive = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await parked(before);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    const out = await receive;
    assert.equal(out.Messages, undefined);
    assert.equal(nimbus.clock.now(), start, "answered without any time passing");
    assert.equal(nimbus.scheduler.pending(), before, "the wait's timeout was cancelled");
  });

  test("a batch is stored in one go: a parked long poll wakes once with every valid entry, a failed entry leaves nothing behind", async () => {
    const url = await queue("lp-batch");
    const before = nimbus.scheduler.pending();
    const receive = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }));
    await parked(before);
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "a", MessageBody: "one" },
          { Id: "bad", MessageBody: "two", DelaySeconds: 901 },
          { Id: "c", MessageBody: "three" },
        ],
      }),
    );
    assert.deepEqual(sent.Successful?.map((e) => e.Id), ["a", "c"]);
    assert.deepEqual(sent.Failed?.map((e) => [e.Id, e.Code, e.SenderFault]), [["bad", "InvalidParameterValue", true]]);
    const out = await receive;
    assert.deepEqual(out.Messages?.map((m) => m.Body).sort(), ["one", "three"]);
    const handles = out.Messages?.map((m) => m.ReceiptHandle ?? "") ?? [];
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "x", ReceiptHandle: handles[0] }, { Id: "y", ReceiptHandle: "garbage" }, { Id: "z", ReceiptHandle: handles[1] }] }),
    );
    assert.deepEqual(deleted.Successful?.map((e) => e.Id), ["x", "z"]);
    assert.deepEqual(deleted.Failed?.map((e) => [e.Id, e.Code]), [["y", "ReceiptHandleIsInvalid"]]);
    assert.deepEqual(await counts(url), [0, 0, 0]);
  });

  test("long polling (queue ReceiveMessageWaitTimeSeconds) picks up a delayed message when its delay ends", async () => {
    const url = await queue("lp-delay", { ReceiveMessageWaitTimeSeconds: "20" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "later", DelaySeconds: 5 }));
    const before = nimbus.scheduler.pending();
    const receive = sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    await parked(before);
    await nimbus.scheduler.advance(5_000);
    const out = await receive;
    assert.equal(out.Messages?.[0]?.Body, "later");
  });

  test("redrive: after maxReceiveCount receives the message moves to the dead-letter queue", async () => {
    const dlq = await queue("dlq");
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn;
    assert.ok(dlqArn);
    const src = await queue("redrive", { VisibilityTimeout: "1", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) });
    const srcArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn;
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: "poison" }));
    const sentAt = String(nimbus.manualClock.now());
    await nimbus.scheduler.advance(1_000);
    const firstReceive = String(nimbus.manualClock.now());
    for (let i = 1; i <= 2; i++) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
      assert.equal(got.Messages?.[0]?.Attributes?.ApproximateReceiveCount, String(i));
      await nimbus.scheduler.advance(1_000);
    }
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages, undefined);
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ["All"] }));
    const m = dead.Messages?.[0];
    assert.equal(m?.MessageId, sent.MessageId);
    assert.equal(m?.Body, "poison");
    assert.equal(m?.Attributes?.DeadLetterQueueSourceArn, srcArn);
    assert.equal(m?.Attributes?.ApproximateReceiveCount, "3");
    // Both times are the source queue's, as recorded against AWS (elasticmq issue #386).
    assert.equal(m?.Attributes?.SentTimestamp, sentAt);
    assert.equal(m?.Attributes?.ApproximateFirstReceiveTimestamp, firstReceive);
  });

  test("dead-letter retention counts from the original send on a standard queue, from the move on a FIFO one", async () => {
    // "For standard queues, the expiration of a message is always based on its original enqueue timestamp ... For FIFO queues, the enqueue timestamp resets when the message is moved to a dead-letter queue."
    const pairs: Array<[string, string]> = [];
    for (const fifo of [false, true]) {
      const suffix = fifo ? ".fifo" : "";
      const fifoAttrs: Record<string, string> = fifo ? { FifoQueue: "true", ContentBasedDeduplication: "true" } : {};
      const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName("ret-dlq")}${suffix}`, Attributes: { ...fifoAttrs, MessageRetentionPeriod: "60" } }))).QueueUrl ?? "";
      const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 });
      const src = (await sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName("ret-src")}${suffix}`, Attributes: { ...fifoAttrs, VisibilityTimeout: "40", RedrivePolicy: redrive } }))).QueueUrl ?? "";
      await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: "old", ...(fifo ? { MessageGroupId: "g" } : {}) }));
      assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages?.length, 1);
      pairs.push([src, dlq]);
    }
    await nimbus.scheduler.advance(40_000);
    for (const [src] of pairs) assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src }))).Messages, undefined, "moved to the dead-letter queue");
    await nimbus.scheduler.advance(30_000);
    const [[, standardDlq], [, fifoDlq]] = pairs as [[string, string], [string, string]];
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: standardDlq }))).Messages, undefined, "70 s after its send");
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: fifoDlq }))).Messages?.[0]?.Body, "old", "30 s after its move");
  });

  test("retention: messages older than MessageRetentionPeriod disappear", async () => {
    const url = await queue("ret", { MessageRetentionPeriod: "60" });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "old" }));
    await nimbus.scheduler.advance(30_000);
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "new" }));
    await nimbus.scheduler.advance(30_000);
    assert.deepEqual(await counts(url), [1, 0, 0]);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    assert.deepEqual(got.Messages?.map((m) => m.Body), ["new"]);
  });

  test("retention: a receive never returns a message past the period, even before the sweep deletes it (standard and FIFO)", async () => {
    const standard = await queue("ret-now", { MessageRetentionPeriod: "60" });
    const created = await sqs.send(
      new CreateQueueCommand({ QueueName: `${uniqueName("ret-now")}.fifo`, Attributes: { MessageRetentionPeriod: "60", FifoQueue: "true", ContentBasedDeduplication: "true" } }),
    );
    const fifo = created.QueueUrl ?? "";
    await sqs.send(new SendMessageCommand({ QueueUrl: standard, MessageBody: "old" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: "old", MessageGroupId: "g" }));
    // The clock alone moves: no scheduled task (the retention sweep) runs.
    nimbus.manualClock.advance(30_000);
    await sqs.send(new SendMessageCommand({ QueueUrl: standard, MessageBody: "new" }));
    await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: "new", MessageGroupId: "g" }));
    nimbus.manualClock.advance(30_001);
    for (const url of [standard, fifo]) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      assert.deepEqual(got.Messages?.map((m) => m.Body), ["new"], url);
    }
  });

  test("StartMessageMoveTask redrives a dead-letter queue back to the source, at the requested rate", async () => {
    const dlq = await queue("mv-dlq");
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    const src = await queue("mv-src", { VisibilityTimeout: "0", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
    for (const body of ["m1", "m2", "m3"]) await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: body }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }));
    // The second receive finds every message over maxReceiveCount and moves them all.
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }))).Messages, undefined);
    assert.deepEqual(await counts(dlq), [3, 0, 0]);

    const srcArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: src, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    const notDlq = await failure<SQSServiceException>(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: srcArn })));
    assert.equal(notDlq.name, "InvalidParameterValue");
    assert.equal(notDlq.message, "Source queue must be configured as a Dead Letter Queue.");

    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 2 }));
    assert.ok(TaskHandle);
    const twice = await failure<SQSServiceException>(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn })));
    assert.equal(twice.name, "InvalidParameterValue");
    assert.equal(twice.$metadata.httpStatusCode, 400);
    assert.equal(twice.message, "There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
    await nimbus.scheduler.advance(1_000);
    const running = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results?.[0];
    assert.equal(running?.Status, "RUNNING");
    assert.equal(running?.TaskHandle, TaskHandle);
    assert.equal(running?.ApproximateNumberOfMessagesMoved, 2);
    assert.equal(running?.ApproximateNumberOfMessagesToMove, 3);
    await nimbus.scheduler.advance(1_000);
    const done = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results?.[0];
    assert.equal(done?.Status, "COMPLETED");
    assert.equal(done?.ApproximateNumberOfMessagesMoved, 3);
    assert.equal(done?.TaskHandle, undefined);
    assert.deepEqual(await counts(dlq), [0, 0, 0]);
    const back = await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    assert.deepEqual(back.Messages?.map((m) => m.Body).sort(), ["m1", "m2", "m3"]);
    assert.equal(back.Messages?.[0]?.Attributes?.ApproximateReceiveCount, "1", "a redriven message starts counting again");
    const cancelDone = await failure<SQSServiceException>(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle })));
    assert.equal(cancelDone.name, "UnsupportedOperation");
  });

  test("a deleted queue leaves no row behind: its id and its move tasks at once, the record of its name once the 60 seconds are over", async () => {
    const db = nimbus.state.db;
    const store = nimbus.registry.peek("sqs")?.store as SqsStore | undefined;
    assert.ok(store, "SQS is loaded");
    const dlqName = uniqueName("gone-dlq");
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: dlqName }))).QueueUrl ?? "";
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    const srcName = uniqueName("gone-src");
    const src = (await sqs.send(new CreateQueueCommand({ QueueName: srcName, Attributes: { VisibilityTimeout: "0", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) } }))).QueueUrl ?? "";
    for (const body of ["m1", "m2", "m3"]) await sqs.send(new SendMessageCommand({ QueueUrl: src, MessageBody: body }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: src, MaxNumberOfMessages: 10 }));
    assert.deepEqual(await counts(dlq), [3, 0, 0]);
    const fifoName = `${uniqueName("gone")}.fifo`;
    const fifo = (await sqs.send(new CreateQueueCommand({ QueueName: fifoName, Attributes: { FifoQueue: "true" } }))).QueueUrl ?? "";
    await sqs.send(new SendMessageCommand({ QueueUrl: fifo, MessageBody: "f", MessageGroupId: "g", MessageDeduplicationId: "d" }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: fifo, ReceiveRequestAttemptId: "attempt" }));
    // A finished redrive and a running one (1 message a second, 2 of 3 still to move).
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));
    await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results?.[0]?.TaskHandle ?? "" }));
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 1 }));
    await nimbus.scheduler.advance(1_000);
    assert.equal((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }))).Results?.length, 2);

    const names = [dlqName, srcName, fifoName];
    const rows = (table: string, column = "name"): number =>
      db.prepare<string[], number>(`SELECT COUNT(*) FROM ${table} WHERE ${column} IN (?, ?, ?)`).pluck().get(...names) ?? -1;
    const ids = db.prepare<string[], number>("SELECT id FROM sqs_queue_ids WHERE name IN (?, ?, ?)").pluck().all(...names);
    assert.equal(ids.length, 3);
    const rowsOfIds = (table: string): number => db.prepare<number[], number>(`SELECT COUNT(*) FROM ${table} WHERE queue_id IN (?, ?, ?)`).pluck().get(...ids) ?? -1;
    assert.deepEqual([rowsOfIds("sqs_messages") > 0, rowsOfIds("sqs_dedup"), rowsOfIds("sqs_receive_attempts")], [true, 1, 1]);

    for (const url of [src, fifo, dlq]) await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    assert.deepEqual(
      [rows("sqs_queue_ids"), rows("sqs_move_tasks", "source_queue"), rowsOfIds("sqs_messages"), rowsOfIds("sqs_dedup"), rowsOfIds("sqs_receive_attempts")],
      [0, 0, 0, 0, 0],
    );
    assert.equal(store.moveTaskTimers.has(TaskHandle ?? ""), false, "the running redrive stopped with its queue");
    assert.equal(rows("sqs_deleted_queues"), 3, "the names wait out their 60 seconds");
    // The sweep runs every 5 minutes: one of them falls at least 60 seconds after the deletes.
    await nimbus.scheduler.advance(6 * 60_000);
    assert.equal(rows("sqs_deleted_queues"), 0);

    // Created again, the dead-letter queue is a new queue: none of the old one's messages or redrives.
    const again = (await sqs.send(new CreateQueueCommand({ QueueName: dlqName }))).QueueUrl ?? "";
    assert.deepEqual(await counts(again), [0, 0, 0]);
    await queue("gone-src-again", { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
    assert.deepEqual((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }))).Results, []);
  });

  test("a move task without a destination fails on a message sent to the dead-letter queue directly: CouldNotDetermineMessageSource", async () => {
    // Troubleshooting DLQ redrive: "The CouldNotDetermineMessageSource error occurs when you attempt to start a DLQ redrive with ... An Amazon SQS message sent directly to the DLQ with SendMessage API."
    const dlq = await queue("mv-direct-dlq");
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    await queue("mv-direct-src", { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: "direct" }));
    await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    await nimbus.scheduler.advance(1_000);
    const task = (await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results?.[0];
    assert.equal(task?.Status, "FAILED");
    assert.equal(task?.FailureReason, "CouldNotDetermineMessageSource");
    assert.equal(task?.ApproximateNumberOfMessagesMoved, 0);
    assert.deepEqual(await counts(dlq), [1, 0, 0]);
  });

  test("StartMessageMoveTask refuses a destination of the other queue type, and the messages stay in the dead-letter queue", async () => {
    // Developer Guide, configuring a DLQ redrive: any other queue may be the destination "if both queues are the same type".
    const dlq = await queue("mv-type-dlq");
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    await queue("mv-type-src", { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) });
    const fifo = (await sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName("mv-type-dest")}.fifo`, Attributes: { FifoQueue: "true" } }))).QueueUrl ?? "";
    const fifoArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: fifo, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq, MessageBody: "kept" }));
    const refused = await failure<SQSServiceException>(sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: fifoArn })));
    assert.equal(refused.name, "InvalidParameterValue");
    assert.equal(refused.$metadata.httpStatusCode, 400);
    assert.equal(refused.message, `Value ${fifoArn} for parameter DestinationArn is invalid. Reason: The destination queue must be of the same type (standard or FIFO) as the source queue.`);
    assert.equal((await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }))).Results?.length, 0);
    assert.deepEqual(await counts(dlq), [1, 0, 0]);
  });

  test("CancelMessageMoveTask: a malformed handle, a handle of a missing queue, a handle of no task", async () => {
    const invalid = await failure<SQSServiceException>(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: "foobared" })));
    assert.equal(invalid.name, "InvalidParameterValue");
    assert.equal(invalid.$metadata.httpStatusCode, 400);
    assert.equal(invalid.message, "Value for parameter TaskHandle is invalid.");

    const handle = (sourceArn: string) => Buffer.from(JSON.stringify({ taskId: "0bc2e3d4-0000-4000-8000-000000000000", sourceArn })).toString("base64");
    const noQueue = await failure<SQSServiceException>(
      sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: handle(`arn:aws:sqs:us-east-1:000000000000:${uniqueName("gone")}`) })),
    );
    assert.equal(noQueue.name, "ResourceNotFoundException");
    assert.equal(noQueue.$metadata.httpStatusCode, 404);
    assert.equal(noQueue.message, "The resource that you specified for the SourceArn parameter doesn't exist.");

    const url = await queue("mv-notask");
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    const noTask = await failure<SQSServiceException>(sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: handle(arn) })));
    assert.equal(noTask.name, "ResourceNotFoundException");
    assert.equal(noTask.$metadata.httpStatusCode, 404);
    assert.equal(noTask.message, "Task does not exist.");
  });

  describe("the in-flight quota", () => {
    /**
     * Puts `count` messages of a standard queue in flight the fast way: SendMessageBatch and
     * ReceiveMessage through the handlers in-process (dispatcher.invoke), 12,000 of each for the
     * quota, instead of over HTTP. The messages are sent and received as any client's would be.
     */
    async function fillInFlight(url: string, count: number): Promise<string[]> {
      for (let sent = 0; sent < count; sent += 10) {
        const Entries = Array.from({ length: 10 }, (_, k) => ({ Id: `m${k}`, MessageBody: `message ${sent + k}` }));
        await nimbus.dispatcher.invoke("sqs", "SendMessageBatch", { QueueUrl: url, Entries }, SCOPE);
      }
      const handles: string[] = [];
      for (let received = 0; received < count; ) {
        const got = await nimbus.dispatcher.invoke<{ Messages?: Array<{ ReceiptHandle: string }> }>("sqs", "ReceiveMessage", { QueueUrl: url, MaxNumberOfMessages: 10 }, SCOPE);
        const messages = got.Messages ?? [];
        assert.ok(messages.length > 0, `nothing received after ${received}`);
        if (received === 0) handles.push(...messages.map((m) => m.ReceiptHandle));
        received += messages.length;
      }
      return handles;
    }

    test("a standard queue at 120,000 messages in flight: a short poll is refused with OverLimit (JSON and query), a long poll answers nothing; deletes, visibility changes and timeouts make room", async () => {
      const url = await queue("quota");
      const handles = await fillInFlight(url, IN_FLIGHT_QUOTA);
      // Messages waiting beyond the quota change nothing: the quota counts those in flight.
      await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: Array.from({ length: 5 }, (_, k) => ({ Id: `w${k}`, MessageBody: `waiting ${k}` })) }));
      assert.deepEqual(await counts(url), [5, IN_FLIGHT_QUOTA, 0]);

      const refused = await failure<SQSServiceException>(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 })));
      assert.equal(refused.name, "OverLimit");
      assert.equal(refused.message, OVER_LIMIT_MESSAGE);
      assert.equal(refused.$metadata.httpStatusCode, 403);

      const query = await fetch(`${nimbus.url}/`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sqs") },
        body: `Action=ReceiveMessage&Version=2012-11-05&QueueUrl=${encodeURIComponent(url)}&MaxNumberOfMessages=10`,
      });
      assert.equal(query.status, 403);
      const xml = await query.text();
      assert.match(xml, /<Type>Sender<\/Type><Code>OverLimit<\/Code>/);
      assert.ok(xml.includes(`<Message>${OVER_LIMIT_MESSAGE}</Message>`), xml);

      // Long polling: no error, nothing received once the wait runs out.
      const pending = nimbus.scheduler.pending();
      const polled = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
      await parked(pending);
      await nimbus.scheduler.advance(2_000);
      assert.equal((await polled).Messages, undefined);
      assert.deepEqual(await counts(url), [5, IN_FLIGHT_QUOTA, 0]);

      // A message made visible (VisibilityTimeout 0) leaves room for exactly one more: a receive of 10 takes 1.
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handles[0], VisibilityTimeout: 0 }));
      assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages?.length, 1);
      assert.equal((await failure<SQSServiceException>(sqs.send(new ReceiveMessageCommand({ QueueUrl: url })))).name, "OverLimit");
      // So does a deleted one; a visibility timeout extended keeps its message in flight.
      await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: handles[1] }));
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handles[2], VisibilityTimeout: 600 }));
      assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages?.length, 1);
      assert.equal((await failure<SQSServiceException>(sqs.send(new ReceiveMessageCommand({ QueueUrl: url })))).name, "OverLimit");
      assert.deepEqual(await counts(url), [4, IN_FLIGHT_QUOTA, 0]);

      // A long poll at the quota waits, and receives when a message's visibility timeout runs out.
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handles[3], VisibilityTimeout: 5 }));
      const waiting = nimbus.scheduler.pending();
      const woken = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }));
      await parked(waiting);
      await nimbus.scheduler.advance(5_000);
      assert.equal((await woken).Messages?.length, 1);

      // The default visibility timeout (30 s) runs out for the filled messages: they are visible again, and receives take 10.
      await nimbus.scheduler.advance(25_000);
      assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages?.length, 10);
    });

    test("a FIFO queue at 120,000 messages in flight answers nothing, without an error, until messages leave flight", async () => {
      const name = `${uniqueName("quota")}.fifo`;
      const { QueueUrl: url } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { FifoQueue: "true" } }));
      assert.ok(url);
      // Filled through the store: a FIFO receive takes one group's messages and locks the group,
      // so the handlers would need 12,000 groups and receives that each look through all of them.
      const store = (await nimbus.registry.get("sqs")).store as SqsStore;
      const ref = { ...SCOPE, name };
      const now = nimbus.clock.now();
      store.transaction(() => {
        for (let sent = 0; sent < IN_FLIGHT_QUOTA; sent += 500) {
          const chunk: NewMessage[] = Array.from({ length: 500 }, (_, k) => ({
            messageId: randomUUID(),
            body: "busy",
            attributes: undefined,
            systemAttributes: undefined,
            md5Body: createHash("md5").update("busy").digest("hex"),
            senderId: SCOPE.account,
            sentAt: now,
            visibleAt: now,
            groupId: `busy-${(sent + k) % 1000}`,
            dedupId: `busy-${sent + k}`,
            sequenceNumber: String(sent + k + 1).padStart(20, "0"),
            dlqSourceArn: undefined,
          }));
          store.insertMessages(ref, chunk);
          store.markReceived(ref, chunk, { now, visibleAt: now + 30_000, receiptId: `fill${sent}` });
        }
      });
      // A group with no message in flight has one waiting; the quota holds it back.
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "free", MessageGroupId: "free", MessageDeduplicationId: "free-1" }));
      assert.deepEqual(await counts(url), [1, IN_FLIGHT_QUOTA, 0]);
      const empty = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      assert.equal(empty.Messages, undefined);

      await nimbus.scheduler.advance(30_000);
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      assert.equal(got.Messages?.length, 10);
    });
  });
});
