/**
 * The standard-queue message life cycle against the SQS API reference and Developer Guide:
 * visibility limits, stale and malformed receipt handles, receive parameters, purge, delays,
 * batch limits and per-entry failures, and the system attributes of a received message.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  SQSServiceException,
} from "@aws-sdk/client-sqs";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { clientSuite, failure, uniqueName, type TestNimbus } from "./harness.js";

describe("SQS standard-queue message life cycle", () => {
  let nimbus: TestNimbus;
  let sqs: SQSClient;
  clientSuite(
    (n) => new SQSClient(n.clientConfig()),
    (n, c) => {
      nimbus = n;
      sqs = c;
    },
  );

  async function queue(prefix: string): Promise<string> {
    const out = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(prefix) }));
    assert.ok(out.QueueUrl);
    return out.QueueUrl;
  }

  async function receiveOne(url: string, extra: { VisibilityTimeout?: number } = {}) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ["All"], ...extra }));
    return out.Messages?.[0];
  }

  test("ChangeMessageVisibility: 12 hours at most from the receive that issued the handle", async () => {
    const url = await queue("cmv12");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "m" }));
    const handle = (await receiveOne(url, { VisibilityTimeout: 43_200 }))?.ReceiptHandle;
    assert.ok(handle);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 43_200 }));
    await nimbus.scheduler.advance(10_000);
    const err = await failure<SQSServiceException>(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 43_200 })));
    assert.equal(err.name, "InvalidParameterValue");
    assert.match(err.message, /^Value 43200 for parameter VisibilityTimeout is invalid\. Reason: Total VisibilityTimeout for the message is beyond the limit \[43200 seconds\]/);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 43_190 }));
    const negative = await failure<SQSServiceException>(sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: -1 })));
    assert.equal(negative.message, "Value -1 for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.");
  });

  test("ChangeMessageVisibility with a handle whose visibility ran out answers OK and leaves the message visible", async () => {
    const url = await queue("cmvstale");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "m" }));
    const handle = (await receiveOne(url, { VisibilityTimeout: 5 }))?.ReceiptHandle;
    assert.ok(handle);
    await nimbus.scheduler.advance(6_000);
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 600 }));
    const again = await receiveOne(url);
    assert.ok(again, "the message stays visible");
    assert.equal(again.Attributes?.ApproximateReceiveCount, "2");
  });

  test("DeleteMessage with an older receipt handle deletes the message on a standard queue", async () => {
    const url = await queue("oldhandle");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "m" }));
    const first = await receiveOne(url, { VisibilityTimeout: 1 });
    assert.ok(first?.ReceiptHandle);
    await nimbus.scheduler.advance(2_000);
    const second = await receiveOne(url, { VisibilityTimeout: 1 });
    assert.ok(second?.ReceiptHandle);
    assert.notEqual(second.ReceiptHandle, first.ReceiptHandle);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
    await nimbus.scheduler.advance(2_000);
    assert.equal(await receiveOne(url), undefined);
    // Deleting again (the message is gone) still succeeds.
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.ReceiptHandle }));
  });

  test("ReceiveMessage VisibilityTimeout outside 0..43200 and MaxNumberOfMessages 0 are refused", async () => {
    const url = await queue("rvt");
    const vt = await failure<SQSServiceException>(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 43_201 })));
    assert.equal(vt.name, "InvalidParameterValue");
    const zero = await failure<SQSServiceException>(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 0 })));
    assert.equal(zero.message, "Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.");
    const wait = await failure<SQSServiceException>(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: -1 })));
    assert.equal(wait.message, "Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.");
  });

  test("PurgeQueue: a second purge within 60 seconds is refused, one after it is accepted", async () => {
    const url = await queue("purge");
    const name = url.split("/").pop();
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    await nimbus.scheduler.advance(59_000);
    const err = await failure<SQSServiceException>(sqs.send(new PurgeQueueCommand({ QueueUrl: url })));
    assert.equal(err.name, "PurgeQueueInProgress");
    assert.equal(err.message, `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`);
    assert.equal(err.$metadata.httpStatusCode, 403);
    await nimbus.scheduler.advance(1_000);
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
  });

  test("per-message DelaySeconds: 0..900; a delayed message arrives after its delay", async () => {
    const url = await queue("delay");
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "late", DelaySeconds: 900 }));
    const err = await failure<SQSServiceException>(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "x", DelaySeconds: 901 })));
    assert.equal(err.message, "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.");
    await nimbus.scheduler.advance(899_000);
    assert.equal(await receiveOne(url), undefined);
    await nimbus.scheduler.advance(1_000);
    assert.equal((await receiveOne(url))?.Body, "late");
  });

  test("SendMessageBatch: 1 MiB in total, invalid entry ids", async () => {
    const url = await queue("bsize");
    const big = "x".repeat(262_144);
    const tooLong = await failure<SQSServiceException>(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [0, 1, 2, 3, 4].map((i) => ({ Id: `e${i}`, MessageBody: big })) })),
    );
    assert.equal(tooLong.name, "BatchRequestTooLong");
    assert.equal(tooLong.message, `Batch requests cannot be longer than 1048576 bytes. You have sent ${5 * 262_144} bytes.`);
    const ok = await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [0, 1, 2, 3].map((i) => ({ Id: `e${i}`, MessageBody: big })) }));
    assert.equal(ok.Successful?.length, 4);
    const badId = await failure<SQSServiceException>(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "a.b", MessageBody: "x" }] })));
    assert.equal(badId.name, "InvalidBatchEntryId");
    assert.equal(badId.message, "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.");
  });

  test("ChangeMessageVisibilityBatch and DeleteMessageBatch: a deleted message and another queue's handle fail per entry", async () => {
    const url = await queue("cmvb");
    const other = await queue("cmvb-other");
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "1", MessageBody: "a" }, { Id: "2", MessageBody: "b" }] }));
    await sqs.send(new SendMessageCommand({ QueueUrl: other, MessageBody: "o" }));
    const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages ?? [];
    assert.equal(got.length, 2);
    const [a, b] = got.map((m) => m.ReceiptHandle ?? "") as [string, string];
    const foreign = (await receiveOne(other))?.ReceiptHandle ?? "";
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: a }));
    const cmv = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: "gone", ReceiptHandle: a, VisibilityTimeout: 60 },
          { Id: "live", ReceiptHandle: b, VisibilityTimeout: 60 },
          { Id: "foreign", ReceiptHandle: foreign, VisibilityTimeout: 60 },
        ],
      }),
    );
    assert.deepEqual(cmv.Successful, [{ Id: "live" }]);
    assert.deepEqual(cmv.Failed, [
      { Id: "gone", SenderFault: true, Code: "InvalidParameterValue", Message: `Value ${a} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.` },
      { Id: "foreign", SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: `The input receipt handle "${foreign}" is not a valid receipt handle.` },
    ]);
    const del = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "gone", ReceiptHandle: a }, { Id: "foreign", ReceiptHandle: foreign }, { Id: "live", ReceiptHandle: b }] }));
    assert.deepEqual(del.Successful?.map((e) => e.Id).sort(), ["gone", "live"]);
    assert.deepEqual(del.Failed?.map((e) => [e.Id, e.Code]), [["foreign", "ReceiptHandleIsInvalid"]]);
  });

  test("system attributes: SentTimestamp, SenderId, ApproximateReceiveCount and ApproximateFirstReceiveTimestamp", async () => {
    const url = await queue("sysattr");
    const sentAt = nimbus.manualClock.now();
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "m" }));
    await nimbus.scheduler.advance(3_000);
    const first = await receiveOne(url, { VisibilityTimeout: 1 });
    assert.equal(first?.Attributes?.SentTimestamp, String(sentAt));
    assert.equal(first?.Attributes?.ApproximateReceiveCount, "1");
    assert.equal(first?.Attributes?.ApproximateFirstReceiveTimestamp, String(sentAt + 3_000));
    // The default test keys are the account's root user: its id is the account id.
    assert.equal(first?.Attributes?.SenderId, "000000000000");
    await nimbus.scheduler.advance(2_000);
    const second = await receiveOne(url);
    assert.equal(second?.Attributes?.ApproximateReceiveCount, "2");
    assert.equal(second?.Attributes?.ApproximateFirstReceiveTimestamp, String(sentAt + 3_000));
    assert.equal(second?.Attributes?.SentTimestamp, String(sentAt));
  });

  test("SenderId is the sender's IAM id: an assumed role's AROA...:session, as GetCallerIdentity's UserId", async () => {
    // "For an IAM role, returns the IAM role ID, for example ABCDE1F2GH3I4JK5LMNOP:i-a123b456"
    // (ReceiveMessage API reference, MessageSystemAttributeNames: SenderId).
    const url = await queue("sender");
    const sts = new STSClient(nimbus.clientConfig());
    try {
      const { Account } = await sts.send(new GetCallerIdentityCommand({}));
      const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${Account}:role/producer`, RoleSessionName: "bob" }));
      const creds = assumed.Credentials;
      const asRole = new SQSClient(nimbus.clientConfig({ accessKeyId: creds?.AccessKeyId ?? "", secretAccessKey: creds?.SecretAccessKey ?? "", sessionToken: creds?.SessionToken ?? "" }));
      try {
        await asRole.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "from a role" }));
        await asRole.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: "b", MessageBody: "batched" }] }));
      } finally {
        asRole.destroy();
      }
      const roleId = assumed.AssumedRoleUser?.AssumedRoleId ?? "";
      assert.match(roleId, /^AROA\w+:bob$/);
      const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["SenderId"] }))).Messages ?? [];
      assert.deepEqual(got.map((m) => m.Attributes?.SenderId), [roleId, roleId]);
    } finally {
      sts.destroy();
    }
  });
});
