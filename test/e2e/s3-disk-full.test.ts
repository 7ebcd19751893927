/**
 * S3 when the machine fails Nimbus: its data dir's disk fills up. A write that cannot be stored
 * answers S3's retryable 500 InternalError and leaves nothing behind that holds space; reads go on;
 * once space is back, writes work again without a restart. The disk is a small tmpfs mounted for
 * the test (root only: the test skips where it cannot mount one), the database one whose pages
 * are capped (max_page_count). And a data dir whose files were changed outside Nimbus.
 */
import { describe, test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, rmSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetBucketLoggingCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketIntelligentTieringConfigurationCommand,
  PutBucketInventoryConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketLoggingCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { ACCESS_LOG_DELIVERY_INTERVAL } from "../../src/services/s3/access-log.js";
import { NOTIFICATION_RETRY_INTERVAL } from "../../src/services/s3/notify.js";
import { REPLICATION_RETRY_INTERVAL } from "../../src/services/s3/replication.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";
import { fillDisk, mountTmpfs } from "./host-faults.js";

/** A tmpfs of `size` mounted on a new directory for `run`, unmounted after; the test skips where mounting is not allowed. */
async function onSmallDisk(t: TestContext, size: string, run: (dir: string) => Promise<void>): Promise<void> {
  const mounted = mountTmpfs(size);
  if (typeof mounted === "string") {
    t.skip(`${mounted}: the full disk is not simulated`);
    return;
  }
  try {
    await run(mounted.dir);
  } finally {
    mounted.unmount();
  }
}

/** A Nimbus of the test's own (on `dataDir`, or in memory) and its S3 client, closed however `run` ends. */
async function withServer(dataDir: string | undefined, run: (nimbus: TestNimbus, s3: S3Client) => Promise<void>): Promise<void> {
  const nimbus = await startTestNimbus(dataDir === undefined ? {} : { inMemory: false, dataDir });
  const s3 = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true, maxAttempts: 1 });
  try {
    await run(nimbus, s3);
  } finally {
    s3.destroy();
    await nimbus.close();
  }
}

/**
 * Makes the in-memory database full: nothing left in it (a VACUUM empties its free list) and no
 * page more allowed, so the next write that needs a page fails with SQLITE_FULL, as on a full
 * disk. Returns the giving back of the space.
 */
function fillDatabase(nimbus: TestNimbus): () => void {
  const db = nimbus.state.db;
  db.exec("VACUUM");
  db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true }) as number}`);
  return () => db.pragma("max_page_count = 1073741823");
}

/** The keys of the S3 event records waiting in a queue, each message deleted once read. */
async function receivedKeys(sqs: SQSClient, queueUrl: string): Promise<string[]> {
  const keys: string[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    if (Messages.length === 0) return keys;
    for (const message of Messages) {
      const records = (JSON.parse(message.Body ?? "{}") as { Records?: { s3: { object: { key: string } } }[] }).Records ?? [];
      keys.push(...records.map((r) => decodeURIComponent(r.s3.object.key)));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
    }
  }
}

describe("S3 on a full database", () => {
  test("an event notification the queue could not store for a full disk is sent again once there is space", async () => {
    const nimbus = await startTestNimbus();
    const s3 = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true, maxAttempts: 1 });
    const sqs = new SQSClient({ ...{}, ...nimbus.clientConfig(), maxAttempts: 1 });
    try {
      const bucket = uniqueName("notify-full");
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("notify-full") }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: { QueueConfigurations: [{ QueueArn: Attributes?.QueueArn, Events: ["s3:ObjectCreated:*"] }] },
        }),
      );
      await receivedKeys(sqs, QueueUrl as string);
      // Messages of another queue fill the table's page, and the key makes this message nearly a
      // page (4 KiB) of its own: storing it needs a new page.
      const other = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("notify-full-other") }));
      for (let i = 0; i < 3; i++) await sqs.send(new SendMessageCommand({ QueueUrl: other.QueueUrl, MessageBody: "x".repeat(3000) }));
      const key = "€".repeat(340);
      let giveBack: (() => void) | undefined;
      // Runs after S3's own listener has begun sending (it awaits the queue's URL first): the
      // write committed, the database fills up before the queue stores the message.
      nimbus.events.subscribe("s3:Object", (event) => {
        if (event.detail.key === key) giveBack = fillDatabase(nimbus);
      });
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "notify me" }));
      await nimbus.events.idle();
      assert.ok(giveBack, "the database was filled");
      assert.deepEqual(await receivedKeys(sqs, QueueUrl as string), []);

      giveBack();
      await nimbus.scheduler.advance(2 * NOTIFICATION_RETRY_INTERVAL);
      assert.deepEqual(await receivedKeys(sqs, QueueUrl as string), [key]);
      // Sent once: nothing is owed any more.
      await nimbus.scheduler.advance(2 * NOTIFICATION_RETRY_INTERVAL);
      assert.deepEqual(await receivedKeys(sqs, QueueUrl as string), []);
    } finally {
      s3.destroy();
      sqs.destroy();
      await nimbus.close();
    }
  });
});

describe("S3 replication on a full database", () => {
  test("a version whose copy could not be written for a full disk is replicated once there is space, without a restart", () =>
    withServer(undefined, async (nimbus, s3) => {
      const key = "replicate-me";
      let giveBack: (() => void) | undefined;
      // Subscribed before S3 starts, so it runs before S3's replication: the write committed, the
      // database fills up before the copy is written.
      nimbus.events.subscribe("s3:Object", (event) => {
        if (event.detail.key === key) giveBack ??= fillDatabase(nimbus);
      });
      const [source, destination] = [uniqueName("repl-full-src"), uniqueName("repl-full-dst")];
      for (const bucket of [source, destination]) {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
      }
      await s3.send(
        new PutBucketReplicationCommand({
          Bucket: source,
          ReplicationConfiguration: {
            Role: "arn:aws:iam::000000000000:role/replication",
            Rules: [{ ID: "all", Priority: 1, Status: "Enabled", Filter: {}, DeleteMarkerReplication: { Status: "Disabled" }, Destination: { Bucket: `arn:aws:s3:::${destination}` } }],
          },
        }),
      );
      // Rows of nearly 2 KiB of metadata: each copy needs a page of its own.
      const Metadata = { big: "m".repeat(1900) };
      for (const other of ["a", "b", "c"]) await s3.send(new PutObjectCommand({ Bucket: source, Key: other, Body: other, Metadata }));
      // The look at start for what a previous run left PENDING is over.
      await nimbus.scheduler.advance(0);
      const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: "copy me", Metadata }));
      await nimbus.events.idle();
      assert.ok(giveBack, "the database was filled");
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: key }))).ReplicationStatus, "PENDING");
      await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: destination, Key: key })), { name: "NotFound" });

      giveBack();
      await nimbus.scheduler.advance(REPLICATION_RETRY_INTERVAL);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: key }))).ReplicationStatus, "COMPLETED");
      const replica = await s3.send(new HeadObjectCommand({ Bucket: destination, Key: key }));
      assert.deepEqual([replica.ReplicationStatus, replica.VersionId], ["REPLICA", VersionId]);
    }));

  test("a later tag or ACL change that could not be carried to the replica (its writes refused) reaches it once they can be written, without a restart", () =>
    withServer(undefined, async (nimbus, s3) => {
      const [source, destination] = [uniqueName("repl-meta-src"), uniqueName("repl-meta-dst")];
      for (const bucket of [source, destination]) {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
        await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "ObjectWriter" }] } }));
      }
      await s3.send(
        new PutBucketReplicationCommand({
          Bucket: source,
          ReplicationConfiguration: {
            Role: "arn:aws:iam::000000000000:role/replication",
            Rules: [{ ID: "all", Priority: 1, Status: "Enabled", Filter: {}, DeleteMarkerReplication: { Status: "Disabled" }, Destination: { Bucket: `arn:aws:s3:::${destination}` } }],
          },
        }),
      );
      const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: source, Key: "tagged", Body: "x", Tagging: "stage=draft" }));
      await nimbus.events.idle();
      const replica = { Bucket: destination, Key: "tagged", VersionId };
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand(replica))).TagSet, [{ Key: "stage", Value: "draft" }]);

      // The replica's row cannot be changed, as a full disk refuses the write.
      const db = nimbus.state.db;
      db.exec(`CREATE TEMP TRIGGER test_replica_refused BEFORE UPDATE ON main.s3_objects WHEN OLD.bucket = '${destination}' BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END`);
      await s3.send(new PutObjectTaggingCommand({ Bucket: source, Key: "tagged", Tagging: { TagSet: [{ Key: "stage", Value: "final" }] } }));
      await s3.send(new PutObjectAclCommand({ Bucket: source, Key: "tagged", GrantRead: 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"' }));
      await nimbus.events.idle();
      await nimbus.scheduler.advance(REPLICATION_RETRY_INTERVAL);
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand(replica))).TagSet, [{ Key: "stage", Value: "draft" }]);

      db.exec("DROP TRIGGER temp.test_replica_refused");
      await nimbus.scheduler.advance(REPLICATION_RETRY_INTERVAL);
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand(replica))).TagSet, [{ Key: "stage", Value: "final" }]);
      const grants = (await s3.send(new GetObjectAclCommand(replica))).Grants ?? [];
      assert.deepEqual(grants.map((g) => [g.Grantee?.URI ?? g.Grantee?.Type, g.Permission]), [["http://acs.amazonaws.com/groups/s3/LogDelivery", "READ"]]);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "tagged" }))).ReplicationStatus, "COMPLETED");
    }));

  test("a version whose copy keeps failing does not keep the retries from the other pending versions", () =>
    withServer(undefined, async (nimbus, s3) => {
      const [sourceA, sourceB, destinationB] = [uniqueName("repl-a-src"), uniqueName("repl-b-src"), uniqueName("repl-b-dst")];
      const pairs = [
        [sourceA, uniqueName("repl-a-dst")],
        [sourceB, destinationB],
      ] as const;
      for (const [source, destination] of pairs) {
        for (const bucket of [source, destination]) {
          await s3.send(new CreateBucketCommand({ Bucket: bucket }));
          await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
        }
        await s3.send(
          new PutBucketReplicationCommand({
            Bucket: source,
            ReplicationConfiguration: {
              Role: "arn:aws:iam::000000000000:role/replication",
              Rules: [{ ID: "all", Priority: 1, Status: "Enabled", Filter: {}, DeleteMarkerReplication: { Status: "Disabled" }, Destination: { Bucket: `arn:aws:s3:::${destination}` } }],
            },
          }),
        );
      }
      await nimbus.scheduler.advance(0);
      // Both destinations refuse their copies, as a full disk refuses them; the first version pending is the first pair's.
      const db = nimbus.state.db;
      for (const [i, [, destination]] of pairs.entries()) {
        db.exec(`CREATE TEMP TRIGGER test_copy_refused_${i} BEFORE INSERT ON main.s3_objects WHEN NEW.bucket = '${destination}' BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END`);
      }
      for (const [source] of pairs) await s3.send(new PutObjectCommand({ Bucket: source, Key: "pending", Body: "x" }));
      await nimbus.events.idle();
      for (const [source] of pairs) assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "pending" }))).ReplicationStatus, "PENDING");

      db.exec("DROP TRIGGER temp.test_copy_refused_1");
      await nimbus.scheduler.advance(REPLICATION_RETRY_INTERVAL);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: sourceA, Key: "pending" }))).ReplicationStatus, "PENDING");
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: sourceB, Key: "pending" }))).ReplicationStatus, "COMPLETED");
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: destinationB, Key: "pending" }))).ReplicationStatus, "REPLICA");
    }));
});

describe("S3 server access logs on a full database", () => {
  test("records whose log object could not be written for a full disk are delivered at a later sweep", () =>
    withServer(undefined, async (nimbus, s3) => {
      const [source, target] = [uniqueName("logs-full-src"), uniqueName("logs-full-dst")];
      for (const bucket of [source, target]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutBucketLoggingCommand({ Bucket: source, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: target, TargetPrefix: "logs/" } } }));
      // Long keys make the log object several pages: writing it needs new pages.
      const keys = ["a", "b", "c"].map((c) => c.repeat(1000));
      for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: "logged" }));
      const giveBack = fillDatabase(nimbus);
      await nimbus.scheduler.advance(ACCESS_LOG_DELIVERY_INTERVAL);
      giveBack();
      assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: target }))).KeyCount, 0);

      await nimbus.scheduler.advance(ACCESS_LOG_DELIVERY_INTERVAL);
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: target }));
      let delivered = "";
      for (const { Key } of listed.Contents ?? []) {
        delivered += await (await s3.send(new GetObjectCommand({ Bucket: target, Key }))).Body?.transformToString();
      }
      for (const key of keys) assert.ok(delivered.includes(` ${key} `), `the record of ${key[0]}...`);
    }));
});

describe("S3 bucket settings on a full database", () => {
  test("turning logging off, refused for a full disk, leaves the bucket logging as the database says", () =>
    withServer(undefined, async (nimbus, s3) => {
      const [source, target] = [uniqueName("logs-off-src"), uniqueName("logs-off-dst")];
      for (const bucket of [source, target]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutBucketLoggingCommand({ Bucket: source, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: target, TargetPrefix: "logs/" } } }));
      // A delete needs no new page; on a full disk its commit fails all the same (the WAL cannot
      // grow). A trigger that writes a page with it makes it fail here as it fails there.
      const db = nimbus.state.db;
      db.exec("CREATE TABLE test_ballast (bytes BLOB)");
      db.exec("CREATE TEMP TRIGGER test_config_deleted AFTER DELETE ON main.s3_bucket_config BEGIN INSERT INTO main.test_ballast VALUES (randomblob(8192)); END");
      const giveBack = fillDatabase(nimbus);
      const refused = await failure(s3.send(new PutBucketLoggingCommand({ Bucket: source, BucketLoggingStatus: {} })));
      giveBack();
      db.exec("DROP TRIGGER temp.test_config_deleted");
      assert.deepEqual([refused.name, refused.$metadata.httpStatusCode], ["InternalError", 500]);
      assert.equal((await s3.send(new GetBucketLoggingCommand({ Bucket: source }))).LoggingEnabled?.TargetBucket, target);

      await s3.send(new PutObjectCommand({ Bucket: source, Key: "still-logged", Body: "x" }));
      await nimbus.scheduler.advance(ACCESS_LOG_DELIVERY_INTERVAL);
      let delivered = "";
      for (const { Key } of (await s3.send(new ListObjectsV2Command({ Bucket: target }))).Contents ?? []) {
        delivered += await (await s3.send(new GetObjectCommand({ Bucket: target, Key }))).Body?.transformToString();
      }
      assert.ok(delivered.includes(" still-logged "), "the PUT is logged");
    }));
});

describe("S3 lifecycle on a full database", () => {
  test("a bucket whose expiry cannot be written does not keep the sweep from expiring the others, which frees space", () =>
    withServer(undefined, async (nimbus, s3) => {
      // Swept in name order: the versioned bucket first, whose expiry writes delete markers.
      const [versioned, plain] = [uniqueName("a-lc-full"), uniqueName("b-lc-full")];
      const expire = { Rules: [{ ID: "expire", Status: "Enabled" as const, Filter: {}, Expiration: { Days: 1 } }] };
      for (const bucket of [versioned, plain]) {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: expire }));
      }
      await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Enabled" } }));
      // Long keys: their delete markers need new pages.
      const keys = ["a", "b", "c", "d", "e"].map((c) => c.repeat(1000));
      for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: versioned, Key: key, Body: "kept for now" }));
      await s3.send(new PutObjectCommand({ Bucket: plain, Key: "expires", Body: Buffer.alloc(10_000, 1) }));
      const giveBack = fillDatabase(nimbus);
      try {
        await nimbus.scheduler.advance(3 * 24 * 3_600_000);
        await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: plain, Key: "expires" })), { name: "NotFound" });
        assert.equal((await s3.send(new HeadObjectCommand({ Bucket: versioned, Key: keys[0] }))).ContentLength, 12);
      } finally {
        giveBack();
      }
      await nimbus.scheduler.advance(3_600_000);
      await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: versioned, Key: keys[0] })), { name: "NotFound" });
    }));
});

describe("S3 Intelligent-Tiering on a full database", () => {
  test("a bucket whose archive moves cannot be written does not keep the sweep from the others, nor lose the events of those swept before it", async () => {
    const nimbus = await startTestNimbus();
    const s3 = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true, maxAttempts: 1 });
    const sqs = new SQSClient({ ...{}, ...nimbus.clientConfig(), maxAttempts: 1 });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("tiering-full") }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }));
      // Swept in name order: the middle bucket's move is refused.
      const buckets = ["a", "b", "c"].map((c) => uniqueName(`${c}-it-full`));
      const t0 = nimbus.manualClock.now();
      for (const bucket of buckets) {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        await s3.send(
          new PutBucketIntelligentTieringConfigurationCommand({
            Bucket: bucket,
            Id: "archive",
            IntelligentTieringConfiguration: { Id: "archive", Status: "Enabled", Tierings: [{ AccessTier: "ARCHIVE_ACCESS", Days: 90 }] },
          }),
        );
        await s3.send(
          new PutBucketNotificationConfigurationCommand({
            Bucket: bucket,
            NotificationConfiguration: { QueueConfigurations: [{ QueueArn: Attributes?.QueueArn, Events: ["s3:IntelligentTiering"] }] },
          }),
        );
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${bucket}/cold`, Body: Buffer.alloc(128 * 1024, 1), StorageClass: "INTELLIGENT_TIERING" }));
      }
      const db = nimbus.state.db;
      db.exec(`CREATE TEMP TRIGGER test_tier_refused BEFORE UPDATE ON main.s3_objects WHEN OLD.bucket = '${buckets[1]}' BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END`);
      // The clock set, not advanced: each series runs once, the hourly sweep too, and its events
      // are out before the notifications' retries could look twice.
      nimbus.manualClock.set(t0 + 91 * 24 * 3_600_000);
      await nimbus.scheduler.runDue();
      await nimbus.events.idle();
      assert.deepEqual((await receivedKeys(sqs, QueueUrl as string)).sort(), [`${buckets[0]}/cold`, `${buckets[2]}/cold`]);

      db.exec("DROP TRIGGER temp.test_tier_refused");
      nimbus.manualClock.set(nimbus.manualClock.now() + 3_600_000);
      await nimbus.scheduler.runDue();
      await nimbus.events.idle();
      assert.deepEqual(await receivedKeys(sqs, QueueUrl as string), [`${buckets[1]}/cold`]);
    } finally {
      s3.destroy();
      sqs.destroy();
      await nimbus.close();
    }
  });
});

describe("S3 reads on a read-only database", () => {
  test("a GET that counts as an Intelligent-Tiering access is served when the access cannot be written", () =>
    withServer(undefined, async (nimbus, s3) => {
      const bucket = uniqueName("it-read");
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const body = Buffer.alloc(128 * 1024, 7);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "monitored", Body: body, StorageClass: "INTELLIGENT_TIERING" }));
      // A day on, a GET writes its access down (the object back in Frequent Access).
      nimbus.manualClock.set(nimbus.manualClock.now() + 2 * 24 * 3_600_000);
      nimbus.state.db.pragma("query_only = 1");
      try {
        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "monitored" }));
        assert.deepEqual(Buffer.from(await got.Body?.transformToByteArray() ?? []), body);
      } finally {
        nimbus.state.db.pragma("query_only = 0");
      }
    }));
});

describe("S3 Inventory on a full database", () => {
  /** A source bucket with one object, a Daily CSV inventory into a new destination, and a way to list and read what it delivers. */
  async function inventoried(nimbus: TestNimbus, s3: S3Client, name: string) {
    const [source, destination] = [uniqueName(`${name}-src`), uniqueName(`${name}-dst`)];
    for (const bucket of [source, destination]) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await nimbus.scheduler.runDue(); // the sweep S3 runs as it starts (at its first request), before this configuration
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "listed", Body: "x" }));
    await s3.send(
      new PutBucketInventoryConfigurationCommand({
        Bucket: source,
        Id: "daily",
        InventoryConfiguration: {
          Id: "daily",
          IsEnabled: true,
          Destination: { S3BucketDestination: { Bucket: `arn:aws:s3:::${destination}`, Format: "CSV" } },
          IncludedObjectVersions: "Current",
          Schedule: { Frequency: "Daily" },
        },
      }),
    );
    const keys = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: destination }))).Contents ?? []).map((o) => o.Key ?? "").sort();
    const read = async (key: string) => (await s3.send(new GetObjectCommand({ Bucket: destination, Key: key }))).Body!.transformToString();
    return { source, destination, keys, read };
  }

  test("a report whose manifest could not be written is finished at the next sweep: one data file, named by its manifest", () =>
    withServer(undefined, async (nimbus, s3) => {
      const { source, keys, read } = await inventoried(nimbus, s3, "inv-manifest");
      const db = nimbus.state.db;
      db.exec(`CREATE TEMP TRIGGER test_manifest_refused BEFORE INSERT ON main.s3_objects WHEN NEW.key LIKE '%/manifest.json' BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END`);
      await nimbus.scheduler.advance(3_600_000); // 2026-01-15T13:00Z
      const base = `${source}/daily`;
      const [dataKey] = await keys();
      assert.match(dataKey ?? "", new RegExp(`^${base}/data/[0-9a-f-]{36}\\.csv\\.gz$`));
      assert.deepEqual(await keys(), [dataKey]);

      db.exec("DROP TRIGGER temp.test_manifest_refused");
      await nimbus.scheduler.advance(3_600_000);
      assert.deepEqual(await keys(), [`${base}/2026-01-15T13-00Z/manifest.checksum`, `${base}/2026-01-15T13-00Z/manifest.json`, dataKey, `${base}/hive/dt=2026-01-15-13-00/symlink.txt`]);
      const manifest = JSON.parse(await read(`${base}/2026-01-15T13-00Z/manifest.json`)) as { files: { key: string }[] };
      assert.deepEqual(manifest.files.map((f) => f.key), [dataKey]);
      // The day's report is out.
      await nimbus.scheduler.advance(3_600_000);
      assert.equal((await keys()).length, 4);
    }));

  test("a report delivered whose delivery could not be recorded is not delivered again, and the other buckets' reports go on", () =>
    withServer(undefined, async (nimbus, s3) => {
      // Swept in name order: the first bucket's record is refused.
      const first = await inventoried(nimbus, s3, "a-inv-record");
      const second = await inventoried(nimbus, s3, "b-inv-record");
      const db = nimbus.state.db;
      db.exec(
        `CREATE TEMP TRIGGER test_record_refused BEFORE INSERT ON main.s3_bucket_config WHEN NEW.kind = 'inventoryDeliveries' AND NEW.bucket = '${first.source}' BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END`,
      );
      await nimbus.scheduler.advance(3_600_000);
      assert.equal((await first.keys()).length, 4);
      assert.equal((await second.keys()).length, 4);

      await nimbus.scheduler.advance(3_600_000);
      db.exec("DROP TRIGGER temp.test_record_refused");
      await nimbus.scheduler.advance(3_600_000);
      assert.equal((await first.keys()).length, 4);
      assert.equal((await second.keys()).length, 4);
    }));
});

describe("S3 on a full disk", () => {
  test("writes that cannot be stored answer 500 InternalError and leave no temp files; reads go on; writes work once space is back", (t) =>
    onSmallDisk(t, "16m", (dir) =>
      withServer(join(dir, "data"), async (_nimbus, s3) => {
        const bucket = uniqueName("disk-full");
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        const kept = Buffer.alloc(100_000, 1);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "kept", Body: kept }));
        const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "parts" }));
        const ballast = fillDisk(dir);

        // A buffered body (one file), a streamed one, and an upload's part.
        for (const write of [
          () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: "buffered", Body: Buffer.alloc(100_000, 2) })),
          () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: "streamed", Body: Readable.from([Buffer.alloc(1024 * 1024, 3), Buffer.alloc(1024 * 1024, 4)]), ContentLength: 2 * 1024 * 1024 })),
          () => s3.send(new UploadPartCommand({ Bucket: bucket, Key: "parts", UploadId, PartNumber: 1, Body: Buffer.alloc(5 * 1024 * 1024, 5) })),
        ]) {
          const err = await failure(write());
          assert.equal(err.name, "InternalError");
          assert.equal(err.$metadata.httpStatusCode, 500);
        }
        // Nothing half-written keeps holding the space.
        assert.deepEqual(readdirSync(join(dir, "data", "blobs", "tmp")), []);

        const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "kept" }));
        assert.deepEqual(Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray()), kept);
        await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "buffered" })), { name: "NotFound" });

        rmSync(ballast);
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "buffered", Body: Buffer.alloc(100_000, 2) }));
        assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "buffered" }))).ContentLength, 100_000);
      }),
    ));
});

describe("S3 over a data dir changed outside Nimbus", () => {
  test("an object whose file was truncated answers 500 InternalError to GET and UploadPartCopy, not a short body", () =>
    withServer(undefined, async (nimbus, s3) => {
      const bucket = uniqueName("truncated");
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      for (const [key, size] of [["large", 2 * 1024 * 1024], ["small", 100_000]] as const) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.alloc(size, 1) }));
      }
      const blobIds = nimbus.state.db.prepare<[string], { key: string; blob_id: string }>("SELECT key, blob_id FROM s3_objects WHERE bucket = ?").all(bucket);
      for (const { blob_id } of blobIds) truncateSync(nimbus.state.blobs.path(blob_id), 1000);

      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "copied" }));
      const copy = await failure(s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: "copied", UploadId, PartNumber: 1, CopySource: `${bucket}/large` })));
      assert.deepEqual([copy.name, copy.$metadata.httpStatusCode], ["InternalError", 500]);
      const ranged = await failure(s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: "copied", UploadId, PartNumber: 2, CopySource: `${bucket}/large`, CopySourceRange: "bytes=0-1999" })));
      assert.deepEqual([ranged.name, ranged.$metadata.httpStatusCode], ["InternalError", 500]);
      // The small object's bytes are still in the read cache; the large one is read from its file.
      const got = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "large" })));
      assert.deepEqual([got.name, got.$metadata.httpStatusCode], ["InternalError", 500]);
    }));
});
