import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Event, type LifecycleRule, type PutBucketNotificationConfigurationCommandInput, PutBucketLifecycleConfigurationCommand, CreateBucketCommand, DeletePublicAccessBlockCommand, PutObjectAclCommand, DeleteObjectCommand, DeleteObjectsCommand, DeleteObjectTaggingCommand, PutObjectTaggingCommand, PutBucketVersioningCommand, PutObjectCommand, RestoreObjectCommand, S3Client, PutBucketNotificationConfigurationCommand, GetBucketNotificationConfigurationCommand } from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { CreateTopicCommand, SNSClient, SubscribeCommand } from "@aws-sdk/client-sns";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { acrossRestart, uniqueName, type TestNimbus } from "./harness.js";
import type { S3Store } from "../../src/services/s3/store.js";
import { s3Suite } from "./s3-fixtures.js";

interface EventRecord {
  eventVersion: string;
  eventSource: string;
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  s3: {
    configurationId: string;
    bucket: { name: string; arn: string; ownerIdentity: { principalId: string } };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer?: string };
  };
  responseElements: { "x-amz-request-id": string; "x-amz-id-2": string };
  glacierEventData?: unknown;
  lifecycleEventData?: unknown;
}

/** The records of S3 event messages (test events have none). */
function recordsOf(messages: readonly Record<string, unknown>[]): EventRecord[] {
  return messages.flatMap((m) => (m["Records"] as EventRecord[] | undefined) ?? []);
}

/*
 * PUT/GET /{Bucket}?notification is bound in the model to both the deprecated
 * PutBucketNotification and PutBucketNotificationConfiguration, and the router currently picks
 * the deprecated one. Until it prefers the current operation, the configuration calls go
 * in-process (same validation and handler); the object writes and SQS reads are real HTTP.
 */
describe("S3 event notifications", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let sqs: SQSClient;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));
  before(() => {
    sqs = new SQSClient(nimbus.clientConfig());
  });
  after(() => {
    sqs.destroy();
  });

  async function putConfig(input: Record<string, unknown>): Promise<void> {
    await s3.send(new PutBucketNotificationConfigurationCommand(input as unknown as PutBucketNotificationConfigurationCommandInput));
  }
  async function getConfig(bucket: string): Promise<Record<string, unknown>> {
    return (await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: bucket }))) as unknown as Record<string, unknown>;
  }
  // SDK errors carry S3's extra error fields (BucketName...) as properties.
  async function invokeFailure(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number; fields: Record<string, unknown> }> {
    try {
      await promise;
    } catch (err) {
      const e = err as Record<string, unknown> & { name: string; message: string; $metadata?: { httpStatusCode?: number } };
      return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode ?? 0, fields: e };
    }
    assert.fail("expected the call to fail");
  }

  /**
   * A new bucket whose configuration `id` sends `events` to a new queue, the s3:TestEvent
   * already drained from it.
   */
  async function notifiedBucket(bucketPrefix: string, queuePrefix: string, id: string, events: Event[]): Promise<{ bucket: string; QueueUrl: string }> {
    const { bucket, QueueUrl, QueueArn } = await bucketAndQueue(s3, sqs, bucketPrefix, queuePrefix);
    await putConfig({ Bucket: bucket, NotificationConfiguration: { QueueConfigurations: [{ Id: id, QueueArn, Events: events }] } });
    await receiveAll(QueueUrl);
    return { bucket, QueueUrl };
  }

  async function receiveAll(queueUrl: string, client = sqs, server = nimbus): Promise<Record<string, unknown>[]> {
    await server.events.idle();
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    // Deleted once read: the clock moves in these tests, and unacknowledged messages would come back.
    for (const m of out.Messages ?? []) await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    return (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? "{}") as Record<string, unknown>);
  }

  /** Runs `first` on a Nimbus with a data dir, then `second` on one started again on it, each with its S3 and SQS clients. */
  function acrossS3Restart<T>(
    first: (c: { n: TestNimbus; s3: S3Client; sqs: SQSClient }) => Promise<T>,
    second: (c: { n: TestNimbus; s3: S3Client; sqs: SQSClient }, state: T) => Promise<void>,
  ): Promise<void> {
    return acrossRestart(
      (n) => ({ n, s3: new S3Client({ ...n.clientConfig(), forcePathStyle: true }), sqs: new SQSClient(n.clientConfig()) }),
      (c) => {
        c.s3.destroy();
        c.sqs.destroy();
      },
      first,
      second,
    );
  }

  /** A new bucket and a new queue, with the queue's ARN (no configuration yet). */
  async function bucketAndQueue(client: S3Client, queues: SQSClient, bucketPrefix: string, queuePrefix = bucketPrefix): Promise<{ bucket: string; QueueUrl: string; QueueArn: string }> {
    const bucket = uniqueName(bucketPrefix);
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const QueueUrl = (await queues.send(new CreateQueueCommand({ QueueName: uniqueName(queuePrefix) }))).QueueUrl ?? "";
    const QueueArn = (await queues.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    return { bucket, QueueUrl, QueueArn };
  }

  test("object created and removed events reach an SQS queue, filtered by prefix and suffix", async () => {
    const bucket = uniqueName("notify");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("events") }));
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    const queueArn = attrs.Attributes?.QueueArn ?? "";
    await putConfig({
      Bucket: bucket,
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Id: "uploads",
            QueueArn: queueArn,
            Events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
            Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "uploads/" }, { Name: "suffix", Value: ".jpg" }] } },
          },
        ],
      },
    });
    const [testEvent] = await receiveAll(QueueUrl ?? "");
    assert.deepEqual(
      { ...testEvent, RequestId: undefined, HostId: undefined },
      { Service: "Amazon S3", Event: "s3:TestEvent", Time: "2026-01-15T12:00:00.000Z", Bucket: bucket, RequestId: undefined, HostId: undefined },
    );
    const config = await getConfig(bucket);
    assert.deepEqual(config["QueueConfigurations"], [
      {
        Id: "uploads",
        QueueArn: queueArn,
        Events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
        Filter: { Key: { FilterRules: [{ Name: "Prefix", Value: "uploads/" }, { Name: "Suffix", Value: ".jpg" }] } },
      },
    ]);

    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "uploads/red flower.jpg", Body: "jpeg" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "uploads/notes.txt", Body: "skipped: suffix" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "other/x.jpg", Body: "skipped: prefix" }));
    const created = await receiveAll(QueueUrl ?? "");
    assert.equal(created.length, 1);
    const record = recordsOf(created)[0] as EventRecord;
    assert.equal(record.eventName, "ObjectCreated:Put");
    assert.equal(record.eventSource, "aws:s3");
    assert.equal(record.eventVersion, "2.1");
    assert.equal(record.awsRegion, "us-east-1");
    assert.equal(record.eventTime, "2026-01-15T12:00:00.000Z");
    assert.equal(record.s3.configurationId, "uploads");
    assert.equal(record.s3.bucket.name, bucket);
    assert.equal(record.s3.bucket.arn, `arn:aws:s3:::${bucket}`);
    // Keys arrive form-encoded (space -> "+"); consumers decode them this way.
    assert.match(record.s3.object.key, /red\+flower\.jpg$/);
    assert.equal(decodeURIComponent(String(record.s3.object.key).replace(/\+/g, " ")), "uploads/red flower.jpg");
    assert.equal(record.s3.object.size, 4);
    assert.equal(`"${record.s3.object.eTag}"`, put.ETag);
    assert.equal(record.s3.object.versionId, put.VersionId);
    assert.match(record.s3.object.sequencer ?? "", /^[0-9A-F]{18,}$/);

    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "uploads/red flower.jpg" }));
    const removed = await receiveAll(QueueUrl ?? "");
    const removal = recordsOf(removed)[0];
    assert.equal(removal?.eventName, "ObjectRemoved:DeleteMarkerCreated");
    assert.equal(removal?.s3.object.versionId, marker.VersionId);
    assert.equal(removal?.s3.object.size, undefined);
    // A delete marker's eTag is the MD5 of nothing (AWS's DeleteMarkerCreated messages).
    assert.equal(removal?.s3.object.eTag, "d41d8cd98f00b204e9800998ecf8427e");
  });

  test("S3 request ids are 16 upper-case hex digits, the same in the response, its error and the event; SQS keeps UUIDs", async () => {
    // S3's error sample: "<RequestId>4442587FB7D0A2F9</RequestId>".
    const { bucket, QueueUrl } = await notifiedBucket("notify-ids", "id-events", "ids", ["s3:ObjectCreated:*"]);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "id.txt", Body: "x" }));
    const again = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "id.txt", Body: "y" }));
    assert.match(put.$metadata.requestId ?? "", /^[0-9A-F]{16}$/);
    assert.notEqual(put.$metadata.requestId, again.$metadata.requestId);
    assert.match(put.$metadata.extendedRequestId ?? "", /^[A-Za-z0-9+/]+=*$/);
    const [first] = recordsOf(await receiveAll(QueueUrl)).filter((r) => r.responseElements["x-amz-request-id"] === put.$metadata.requestId);
    assert.deepEqual(first?.responseElements, { "x-amz-request-id": put.$metadata.requestId, "x-amz-id-2": put.$metadata.extendedRequestId });
    const missing = await s3.send(new DeleteObjectTaggingCommand({ Bucket: uniqueName("no-such"), Key: "k" })).then(
      () => assert.fail("expected NoSuchBucket"),
      (err: { name: string; $metadata: { requestId?: string } }) => err,
    );
    assert.equal(missing.name, "NoSuchBucket");
    assert.match(missing.$metadata.requestId ?? "", /^[0-9A-F]{16}$/);
    // Other services keep the UUIDs AWS gives them.
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
    assert.match(attributes.$metadata.requestId ?? "", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  test("an event S3 sends to a queue in us-east-1 has S3's SenderId, AIDAJHIPRHEMV73VRJEBU", async () => {
    // The SenderId of S3 event messages in SQS->Lambda events captured from AWS in us-east-1
    // (accounts and years apart, all the same id), not the bucket owner's.
    const { bucket, QueueUrl } = await notifiedBucket("notify-sender", "sender-events", "sender", ["s3:ObjectCreated:*"]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "k" }));
    await nimbus.events.idle();
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["SenderId"] }));
    assert.deepEqual((out.Messages ?? []).map((m) => m.Attributes?.SenderId), ["AIDAJHIPRHEMV73VRJEBU"]);
  });

  test("a request's X-Amzn-Trace-Id header reaches the queue message as AWSTraceHeader", async () => {
    // AWS's message in LocalStack's test_xray_header snapshot (receive_messages): a PutObject
    // sent with the header, its event received with AttributeNames ["AWSTraceHeader"].
    const { bucket, QueueUrl } = await notifiedBucket("notify-xray", "xray-events", "xray", ["s3:ObjectCreated:*"]);
    const trace = "Root=1-3152b799-8954dae64eda91bc9a23a7e8;Parent=7fa8c0f79203be72;Sampled=1";
    const traced = new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true });
    traced.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers["x-amzn-trace-id"] = trace;
        return next(args);
      },
      { step: "finalizeRequest", name: "xrayHeader" },
    );
    try {
      await traced.send(new PutObjectCommand({ Bucket: bucket, Key: "test-data", Body: "something" }));
    } finally {
      traced.destroy();
    }
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "untraced", Body: "something" }));
    await nimbus.events.idle();
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["AWSTraceHeader"] }));
    const byKey = new Map((out.Messages ?? []).map((m) => [recordsOf([JSON.parse(m.Body ?? "{}")])[0]?.s3.object.key, m.Attributes]));
    assert.deepEqual(Object.fromEntries(byKey), { "test-data": { AWSTraceHeader: trace }, untraced: undefined });
  });

  test("keys arrive form-encoded with their slashes kept, as S3 writes them", async () => {
    // AWS's s3:LifecycleExpiration:Delete example (S3 User Guide) reads "key":"expiration/delete";
    // "red flower.jpg" -> "red+flower.jpg" ("Event message structure"); ":" -> %3A, "=" -> %3D.
    const { bucket, QueueUrl } = await notifiedBucket("notify-keys", "key-events", "keys", ["s3:ObjectCreated:*"]);
    const keys = {
      "dir/a b+c.txt": "dir/a+b%2Bc.txt",
      "dt=2018-05-04/10:47:07 (1).log": "dt%3D2018-05-04/10%3A47%3A07+%281%29.log",
      "unicode/ü 日本.txt": "unicode/%C3%BC+%E6%97%A5%E6%9C%AC.txt",
    };
    for (const key of Object.keys(keys)) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "k" }));
    const sent = recordsOf(await receiveAll(QueueUrl)).map((r) => r.s3.object.key);
    assert.deepEqual(sent.sort(), Object.values(keys).sort());
    // Decoded as a form value, each is the key written.
    assert.deepEqual(sent.map((k) => decodeURIComponent(k.replace(/\+/g, " "))).sort(), Object.keys(keys).sort());
  });

  test("destinations must exist; overlapping configurations are refused", async () => {
    const bucket = uniqueName("notify-bad");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const missing = "arn:aws:sqs:us-east-1:000000000000:no-such-queue";
    const missingTopic = "arn:aws:sns:us-east-1:000000000000:no-such-topic";
    const missingFunction = "arn:aws:lambda:us-east-1:000000000000:function:no-such-function";
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("overlap") }));
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    const fifo = await sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName("notify-fifo")}.fifo`, Attributes: { FifoQueue: "true" } }));
    const fifoArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: fifo.QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    // Every destination that fails is named, numbered, with S3's reason; the good one is not.
    const err = await invokeFailure(
      putConfig({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [
            { QueueArn: missing, Events: ["s3:ObjectCreated:*"] },
            { QueueArn: arn, Events: ["s3:ObjectRemoved:*"] },
            { QueueArn: fifoArn, Events: ["s3:ObjectRestore:*"] },
          ],
          TopicConfigurations: [{ TopicArn: missingTopic, Events: ["s3:ObjectTagging:*"] }],
          LambdaFunctionConfigurations: [{ LambdaFunctionArn: missingFunction, Events: ["s3:ObjectAcl:Put"] }],
        },
      }),
    );
    assert.deepEqual([err.name, err.message, err.status], ["InvalidArgument", "Unable to validate the following destination configurations", 400]);
    const named = Object.fromEntries(Object.entries(err.fields).filter(([k]) => /^Argument(Name|Value)\d*$/.test(k)));
    assert.deepEqual(named, {
      ArgumentName1: missing,
      ArgumentValue1: "The destination queue does not exist",
      ArgumentName2: fifoArn,
      ArgumentValue2: "Permissions on the destination queue do not allow S3 to publish notifications from this bucket",
      ArgumentName3: missingTopic,
      ArgumentValue3: "The destination topic does not exist",
      ArgumentName4: `${missingFunction}, null`,
      ArgumentValue4: `Not authorized to invoke function [${missingFunction}]`,
    });
    assert.deepEqual((await getConfig(bucket))["QueueConfigurations"], undefined, "nothing was stored");
    const overlap = await invokeFailure(
      putConfig({
        Bucket: bucket,
        NotificationConfiguration: {
          QueueConfigurations: [
            { QueueArn: arn, Events: ["s3:ObjectCreated:*"] },
            { QueueArn: arn, Events: ["s3:ObjectCreated:Put"] },
          ],
        },
      }),
    );
    assert.deepEqual(
      [overlap.name, overlap.message, overlap.status],
      ["InvalidArgument", "Configurations overlap. Configurations on the same bucket cannot share a common event type.", 400],
    );
    const empty = await getConfig(bucket);
    assert.equal(empty["QueueConfigurations"], undefined);
    // moto's test_put_bucket_notification_errors (written against AWS): an unknown event name.
    const unknown = await invokeFailure(putConfig({ Bucket: bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ["notarealeventname"] }] } }));
    assert.deepEqual([unknown.name, unknown.message, unknown.status], ["InvalidArgument", "The event is not supported for notifications", 400]);
    assert.equal((await getConfig(bucket))["QueueConfigurations"], undefined);
  });

  // Integration 1 of the study guide: S3 notifies queues, topics and functions of its own Region only.
  test("a destination in another Region is refused, before its existence is checked and with validation skipped", async () => {
    const bucket = uniqueName("notify-region");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const westSqs = new SQSClient(nimbus.clientConfig({ region: "eu-west-1" }));
    try {
      const { QueueUrl } = await westSqs.send(new CreateQueueCommand({ QueueName: uniqueName("notify-west") }));
      const westQueue = (await westSqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      const destinations: Record<string, unknown>[] = [
        { QueueConfigurations: [{ QueueArn: westQueue, Events: ["s3:ObjectCreated:*"] }] },
        { TopicConfigurations: [{ TopicArn: "arn:aws:sns:eu-west-1:000000000000:no-such-topic", Events: ["s3:ObjectCreated:*"] }] },
        { LambdaFunctionConfigurations: [{ LambdaFunctionArn: "arn:aws:lambda:us-west-2:000000000000:function:fn", Events: ["s3:ObjectCreated:*"] }] },
      ];
      for (const NotificationConfiguration of destinations) {
        for (const skip of [{}, { SkipDestinationValidation: true }]) {
          const err = await invokeFailure(putConfig({ Bucket: bucket, NotificationConfiguration, ...skip }));
          assert.deepEqual(
            [err.name, err.message, err.status],
            ["InvalidArgument", "The notification destination service region is not valid for the bucket location constraint", 400],
          );
        }
      }
      assert.equal((await getConfig(bucket))["QueueConfigurations"], undefined);
    } finally {
      westSqs.destroy();
    }
  });

  test("restores announce themselves when requested and when the copy is ready", async () => {
    const { bucket, QueueUrl } = await notifiedBucket("notify-restore", "restores", "restores", ["s3:ObjectRestore:*"]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "archive.bin", Body: "cold", StorageClass: "DEEP_ARCHIVE" }));
    await s3.send(new RestoreObjectCommand({ Bucket: bucket, Key: "archive.bin", RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: "Standard" } } }));
    const posted = await receiveAll(QueueUrl ?? "");
    assert.deepEqual(recordsOf(posted).map((r) => r.eventName), ["ObjectRestore:Post"]);

    const requestedAt = nimbus.manualClock.now();
    await nimbus.scheduler.advance(12 * 3_600_000); // Deep Archive, Standard tier: 12 hours
    const completed = await receiveAll(QueueUrl ?? "");
    const record = recordsOf(completed)[0];
    assert.equal(record?.eventName, "ObjectRestore:Completed");
    assert.equal(record?.eventTime, new Date(requestedAt + 12 * 3_600_000).toISOString());
    assert.deepEqual(record?.glacierEventData, {
      restoreEventData: {
        lifecycleRestorationExpiryTime: new Date(Math.ceil((requestedAt + 36 * 3_600_000) / 86_400_000) * 86_400_000).toISOString(),
        lifecycleRestoreStorageClass: "DEEP_ARCHIVE",
      },
    });
    // S3 completes it for the bucket owner (AWS's message in LocalStack's test_restore_object snapshot).
    assert.equal(record?.userIdentity.principalId, `AmazonCustomer:${record?.s3.bucket.ownerIdentity.principalId}`);

    // The copy expires at midnight UTC after a day (Jan 17): s3:ObjectRestore:Delete, from S3 itself.
    const expiresAt = Math.ceil((requestedAt + 36 * 3_600_000) / 86_400_000) * 86_400_000;
    await nimbus.scheduler.advance(expiresAt - nimbus.manualClock.now() - 1);
    assert.deepEqual(await receiveAll(QueueUrl ?? ""), []);
    await nimbus.scheduler.advance(1);
    const [expired, ...more] = recordsOf(await receiveAll(QueueUrl ?? ""));
    assert.equal(more.length, 0);
    assert.equal(expired?.eventName, "ObjectRestore:Delete");
    assert.equal(expired?.eventVersion, "2.3");
    assert.equal(expired?.eventTime, new Date(expiresAt).toISOString());
    assert.equal(expired?.userIdentity.principalId, "s3.amazonaws.com");
    assert.equal(expired?.s3.object.key, "archive.bin");
    assert.ok((expired?.s3.object.sequencer ?? "") > (record?.s3.object.sequencer ?? ""), "ordered after the completion");
    assert.deepEqual(((await nimbus.registry.get("s3")).store as S3Store).owedNotifications(), []);
  });

  test("a restore's completion and expiry are owed when it is requested: a restart loses neither, an extension moves the expiry", async () => {
    const collect = async (n: TestNimbus, queues: SQSClient, QueueUrl: string): Promise<string[]> => recordsOf(await receiveAll(QueueUrl, queues, n)).map((r) => `${r.eventName} ${r.eventTime}`);
    await acrossS3Restart(
      async ({ n, s3: client, sqs: queues }) => {
        const { bucket, QueueUrl, QueueArn } = await bucketAndQueue(client, queues, "restore-owed");
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: "cold.bin", Body: "cold", StorageClass: "GLACIER" }));
        // Requested before any configuration wants the events: whether one does is decided when they are due.
        await client.send(new RestoreObjectCommand({ Bucket: bucket, Key: "cold.bin", RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: "Standard" } } }));
        await client.send(new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn, Events: ["s3:ObjectRestore:*"] }] } }));
        await receiveAll(QueueUrl, queues, n); // the s3:TestEvent
        const store = (await n.registry.get("s3")).store as S3Store;
        assert.deepEqual(store.owedNotifications().map((o) => [JSON.parse(o.event).eventName, o.due_at]), [
          ["s3:ObjectRestore:Completed", n.manualClock.now() + 5 * 3_600_000], // Glacier Flexible Retrieval, Standard: 3-5 hours
          ["s3:ObjectRestore:Delete", Date.UTC(2026, 0, 17)],
        ]);
        return { bucket, QueueUrl, requestedAt: n.manualClock.now() };
      },
      async ({ n, s3: client, sqs: queues }, { bucket, QueueUrl, requestedAt }) => {
        await n.registry.get("s3");
        await n.scheduler.advance(requestedAt + 5 * 3_600_000 - n.manualClock.now());
        await n.events.idle();
        assert.deepEqual(await collect(n, queues, QueueUrl), [`ObjectRestore:Completed ${new Date(requestedAt + 5 * 3_600_000).toISOString()}`]);
        // Restoring the restored copy again moves its expiry, and the notification with it.
        await client.send(new RestoreObjectCommand({ Bucket: bucket, Key: "cold.bin", RestoreRequest: { Days: 3 } }));
        await n.scheduler.advance(Date.UTC(2026, 0, 17) - n.manualClock.now());
        await n.events.idle();
        assert.deepEqual(await collect(n, queues, QueueUrl), []);
        await n.scheduler.advance(Date.UTC(2026, 0, 19) - n.manualClock.now());
        await n.events.idle();
        assert.deepEqual(await collect(n, queues, QueueUrl), [`ObjectRestore:Delete ${new Date(Date.UTC(2026, 0, 19)).toISOString()}`]);
        assert.deepEqual(((await n.registry.get("s3")).store as S3Store).owedNotifications(), []);
      },
    );
  });

  test("a restore's notifications are dropped with its version", async () => {
    const { bucket, QueueUrl } = await notifiedBucket("restore-gone", "restore-gone", "restores", ["s3:ObjectRestore:*"]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "gone.bin", Body: "cold", StorageClass: "GLACIER" }));
    await s3.send(new RestoreObjectCommand({ Bucket: bucket, Key: "gone.bin", RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: "Expedited" } } }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "gone.bin" }));
    await receiveAll(QueueUrl);
    await nimbus.scheduler.advance(3 * 86_400_000);
    assert.deepEqual(recordsOf(await receiveAll(QueueUrl)), []);
    const store = (await nimbus.registry.get("s3")).store as S3Store;
    assert.deepEqual(store.owedNotifications().filter((o) => o.event.includes(bucket)), []);
  });

  test("lifecycle expirations come from s3.amazonaws.com", async () => {
    // S3 user guide, "Configuring S3 Lifecycle event notifications": its
    // s3:LifecycleExpiration:Delete example names s3.amazonaws.com as principal and source.
    const { bucket, QueueUrl } = await notifiedBucket("notify-expire", "expirations", "expirations", ["s3:LifecycleExpiration:*"]);
    const rules: LifecycleRule[] = [{ ID: "expire", Status: "Enabled", Filter: {}, Expiration: { Days: 1 } }];
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "expiration/delete", Body: "short-lived" }));
    await nimbus.scheduler.advance(36 * 3_600_000); // created Jan 15 12:00, expired at Jan 17 00:00
    const [record] = recordsOf(await receiveAll(QueueUrl ?? ""));
    assert.equal(record?.eventName, "LifecycleExpiration:Delete");
    assert.equal(record?.eventVersion, "2.3");
    assert.equal(record?.userIdentity.principalId, "s3.amazonaws.com");
    assert.equal(record?.requestParameters.sourceIPAddress, "s3.amazonaws.com");
    assert.deepEqual(Object.keys(record?.s3.object ?? {}), ["key", "sequencer"]);
    assert.equal(record?.s3.object.key, "expiration/delete");
    // Owed in the sweep's transaction, forgotten once sent.
    assert.deepEqual(((await nimbus.registry.get("s3")).store as S3Store).owedNotifications(), []);
  });

  test("userIdentity names the requester's unique IAM id: an assumed role's AROA...:session", async () => {
    // S3 user guide, "Event message structure": principalId is the unique ID of the IAM resource
    // that caused the event; AWS's messages write it "AWS:AROA...:<session name>" for a role.
    const sts = new STSClient(nimbus.clientConfig());
    try {
      const bucket = uniqueName("notify-who");
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("who") }));
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      await putConfig({ Bucket: bucket, NotificationConfiguration: { QueueConfigurations: [{ Id: "who", QueueArn: queueArn, Events: ["s3:ObjectCreated:*"] }] } });
      await receiveAll(QueueUrl ?? ""); // the s3:TestEvent
      const { Account } = await sts.send(new GetCallerIdentityCommand({}));
      const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${Account}:role/uploader`, RoleSessionName: "alice" }));
      const creds = assumed.Credentials;
      const asRole = new S3Client({ ...{}, ...nimbus.clientConfig({ accessKeyId: creds?.AccessKeyId ?? "", secretAccessKey: creds?.SecretAccessKey ?? "", sessionToken: creds?.SessionToken ?? "" }), forcePathStyle: true });
      try {
        await asRole.send(new PutObjectCommand({ Bucket: bucket, Key: "by-role.txt", Body: "x" }));
      } finally {
        asRole.destroy();
      }
      const [record] = recordsOf(await receiveAll(QueueUrl ?? ""));
      assert.match(assumed.AssumedRoleUser?.AssumedRoleId ?? "", /^AROA\w+:alice$/);
      assert.equal(record?.userIdentity.principalId, `AWS:${assumed.AssumedRoleUser?.AssumedRoleId}`);
    } finally {
      sts.destroy();
    }
  });

  test("DeleteObjects announces ObjectRemoved:Delete for every key, also those that held no object", async () => {
    // AWS's messages in LocalStack's test_delete_objects snapshot (receive_messages): one key
    // written, three deleted in a quiet DeleteObjects, three events, each key and sequencer only.
    const { bucket, QueueUrl } = await notifiedBucket("notify-batch-delete", "batch-deletes", "deletes", ["s3:ObjectRemoved:*"]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "key-x", Body: "something" }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "key-x" }, { Key: "dummy1" }, { Key: "dummy2" }], Quiet: true } }));
    const records = recordsOf(await receiveAll(QueueUrl)).sort((a, b) => a.s3.object.key.localeCompare(b.s3.object.key));
    assert.deepEqual(
      records.map((r) => [r.eventName, Object.keys(r.s3.object).sort(), r.s3.object.key]),
      [
        ["ObjectRemoved:Delete", ["key", "sequencer"], "dummy1"],
        ["ObjectRemoved:Delete", ["key", "sequencer"], "dummy2"],
        ["ObjectRemoved:Delete", ["key", "sequencer"], "key-x"],
      ],
    );
    // DeleteObject deletes a key the same way (minio/minio#19037 made its 204 for a missing key send the event too).
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "dummy3" }));
    assert.deepEqual(recordsOf(await receiveAll(QueueUrl)).map((r) => [r.eventName, r.s3.object.key]), [["ObjectRemoved:Delete", "dummy3"]]);
  });

  test("tagging events name the object by key and eTag, with no size or sequencer", async () => {
    // AWS's ObjectTagging:Put and ObjectTagging:Delete messages (LocalStack's
    // test_object_tagging_put_event / test_object_tagging_delete_event snapshots).
    const { bucket, QueueUrl } = await notifiedBucket("notify-tags", "tag-events", "tags", ["s3:ObjectTagging:*"]);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "tagged.txt", Body: "tag me" }));
    const eTag = (put.ETag ?? "").replace(/"/g, "");
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: "tagged.txt", Tagging: { TagSet: [{ Key: "a", Value: "1" }] } }));
    const [tagged] = recordsOf(await receiveAll(QueueUrl ?? ""));
    assert.equal(tagged?.eventName, "ObjectTagging:Put");
    assert.equal(tagged?.eventVersion, "2.3");
    assert.deepEqual(tagged?.s3.object, { key: "tagged.txt", eTag });
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: "tagged.txt" }));
    const [untagged] = recordsOf(await receiveAll(QueueUrl ?? ""));
    assert.equal(untagged?.eventName, "ObjectTagging:Delete");
    assert.equal(untagged?.eventVersion, "2.3");
    assert.deepEqual(untagged?.s3.object, { key: "tagged.txt", eTag });
  });

  test("an ACL change announces ObjectAcl:Put; setting the same ACL sends nothing", async () => {
    // AWS's messages in LocalStack's test_object_put_acl snapshot: ACL="private" on a new
    // object sent none, each later change one, with the key and eTag only.
    const bucket = uniqueName("notify-acl");
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "ObjectWriter" }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("acl-events") }));
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    await putConfig({ Bucket: bucket, NotificationConfiguration: { QueueConfigurations: [{ Id: "acls", QueueArn: queueArn, Events: ["s3:ObjectAcl:Put"] }] } });
    await receiveAll(QueueUrl ?? ""); // the s3:TestEvent
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "my_key_acl", Body: "something" }));
    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "my_key_acl", ACL: "private" }));
    assert.deepEqual(await receiveAll(QueueUrl ?? ""), []);
    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "my_key_acl", ACL: "public-read" }));
    const records = recordsOf(await receiveAll(QueueUrl ?? ""));
    assert.deepEqual(records.map((r) => [r.eventName, r.eventVersion]), [["ObjectAcl:Put", "2.3"]]);
    assert.deepEqual(records[0]?.s3.object, { key: "my_key_acl", eTag: (put.ETag ?? "").replace(/"/g, "") });
    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "my_key_acl", ACL: "public-read" }));
    assert.deepEqual(await receiveAll(QueueUrl ?? ""), []);
  });

  test("a lifecycle transition names the storage class the object moved to", async () => {
    // S3 user guide, "Configuring S3 Lifecycle event notifications": s3:LifecycleTransition
    // messages also carry lifecycleEventData.transitionEventData.destinationStorageClass.
    const { bucket, QueueUrl } = await notifiedBucket("notify-transition", "transitions", "transitions", ["s3:LifecycleTransition"]);
    const rules: LifecycleRule[] = [{ ID: "archive", Status: "Enabled", Filter: {}, Transitions: [{ Days: 1, StorageClass: "GLACIER" }] }];
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "big.bin", Body: Buffer.alloc(200 * 1024, 1) }));
    await nimbus.scheduler.advance(36 * 3_600_000); // created Jan 15 12:00, moved at Jan 17 00:00
    const [record] = recordsOf(await receiveAll(QueueUrl ?? ""));
    assert.equal(record?.eventName, "LifecycleTransition");
    assert.equal(record?.eventVersion, "2.3");
    assert.deepEqual(record?.lifecycleEventData, { transitionEventData: { destinationStorageClass: "GLACIER" } });
    assert.equal(record?.glacierEventData, undefined);
  });

  test("an SNS topic destination publishes the event message with S3's subject", async () => {
    const sns = new SNSClient(nimbus.clientConfig());
    try {
      const bucket = uniqueName("notify-sns");
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: uniqueName("s3-events") }));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("from-sns") }));
      const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      await sns.send(new SubscribeCommand({ TopicArn, Protocol: "sqs", Endpoint: queueArn }));
      await putConfig({ Bucket: bucket, NotificationConfiguration: { TopicConfigurations: [{ Id: "to-topic", TopicArn, Events: ["s3:ObjectCreated:Put"] }] } });
      const config = await getConfig(bucket);
      assert.deepEqual(config["TopicConfigurations"], [{ Id: "to-topic", TopicArn, Events: ["s3:ObjectCreated:Put"] }]);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "via-topic.txt", Body: "x" }));
      const envelopes = await receiveAll(QueueUrl ?? "");
      // SNS wraps each message in its JSON envelope: the s3:TestEvent, and the Put.
      assert.deepEqual(envelopes.map((e) => e["Subject"]), ["Amazon S3 Notification", "Amazon S3 Notification"]);
      const inner = envelopes.map((e) => JSON.parse(String(e["Message"])) as Record<string, unknown>);
      // A standard queue promises no order.
      assert.deepEqual(inner.map((m) => m["Event"]).filter((e) => e !== undefined), ["s3:TestEvent"]);
      const record = recordsOf(inner)[0];
      assert.equal(record?.eventName, "ObjectCreated:Put");
      assert.equal(record?.s3.object.key, "via-topic.txt");
      assert.equal(record?.s3.configurationId, "to-topic");
    } finally {
      sns.destroy();
    }
  });
  // At least once across kill -9: an event is owed in the write's own transaction and forgotten
  // once sent. A kill between the commit and the forgetting is stood in for by a first Nimbus
  // that sends but cannot forget (its queue then drained); the next start sends the event again.
  test("a notification still owed when Nimbus stopped is sent when it starts again", async () => {
    const drain = async (queues: SQSClient, QueueUrl: string): Promise<string[]> => {
      const keys: string[] = [];
      for (;;) {
        const got = await queues.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        if (!got.Messages?.length) return keys;
        for (const m of got.Messages) {
          const records = (JSON.parse(m.Body ?? "{}") as { Records?: { eventName: string; s3: { object: { key: string } } }[] }).Records ?? [];
          keys.push(...records.map((r) => `${r.eventName} ${r.s3.object.key}`));
          await queues.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      }
    };
    await acrossS3Restart(
      async ({ n, s3: client, sqs: queues }) => {
        const { bucket, QueueUrl, QueueArn } = await bucketAndQueue(client, queues, "owed");
        await client.send(
          new PutBucketNotificationConfigurationCommand({ Bucket: bucket, NotificationConfiguration: { QueueConfigurations: [{ QueueArn, Events: ["s3:ObjectCreated:*", "s3:LifecycleExpiration:*"] }] } }),
        );
        await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: [{ ID: "expire", Status: "Enabled", Filter: {}, Expiration: { Days: 1 } }] } }));
        const store = (await n.registry.get("s3")).store as S3Store;
        // Sent as usual: nothing is owed once it went out.
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: "sent.txt", Body: "x" }));
        await n.events.idle();
        assert.deepEqual(store.owedNotifications(), []);
        // Sent but not forgotten, as when a kill lands between the two. Forgetting fails (as on a
        // full disk), so this run sends each once and only tries to forget it again.
        const forget = store.notificationSent.bind(store);
        store.notificationSent = () => {
          throw new Error("database or disk is full");
        };
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: "owed.txt", Body: "y" }));
        await n.scheduler.advance(36 * 3_600_000); // both expire (the lifecycle sweep's events, owed in its transaction)
        await n.events.idle();
        store.notificationSent = forget;
        assert.equal(store.owedNotifications().length, 3);
        const sent = ["ObjectCreated:Put sent.txt", "ObjectCreated:Put owed.txt", "LifecycleExpiration:Delete owed.txt", "LifecycleExpiration:Delete sent.txt"];
        assert.deepEqual((await drain(queues, QueueUrl)).sort(), [...sent].sort());
        return { QueueUrl };
      },
      async ({ n, sqs: queues }, { QueueUrl }) => {
        // The S3 service starts with the first request that needs it; then its owed notification goes out.
        const store = (await n.registry.get("s3")).store as S3Store;
        await n.scheduler.advance(0);
        await n.events.idle();
        assert.deepEqual((await drain(queues, QueueUrl)).sort(), ["LifecycleExpiration:Delete owed.txt", "LifecycleExpiration:Delete sent.txt", "ObjectCreated:Put owed.txt"]);
        assert.deepEqual(store.owedNotifications(), []);
      },
    );
  });
});
