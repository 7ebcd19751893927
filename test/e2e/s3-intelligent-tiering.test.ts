/**
 * S3 Intelligent-Tiering access tiers as AWS describes them (S3 User Guide, "How S3
 * Intelligent-Tiering works" and "Managing S3 Intelligent-Tiering"), on a manual clock: the
 * automatic tiers seen through S3 Inventory, the opt-in archive tiers through HeadObject's
 * x-amz-archive-status, reads refused while archived, restores without Days, what counts as access.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import {
  CopyObjectCommand,
  DeleteBucketIntelligentTieringConfigurationCommand,
  DeleteBucketInventoryConfigurationCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketIntelligentTieringConfigurationCommand,
  PutBucketInventoryConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  RestoreObjectCommand,
  S3Client,
  type IntelligentTieringConfiguration,
} from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { acrossRestart, failure, uniqueName, type TestNimbus } from "./harness.js";
import { newBucket, s3Suite } from "./s3-fixtures.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** "If the size of an object is less than 128 KB, it is not monitored": the smallest object that is. */
const MONITORED = Buffer.alloc(128 * 1024, 7);
const UNMONITORED = Buffer.alloc(128 * 1024 - 1, 7);
const IT = "INTELLIGENT_TIERING";

/** The refusal of a read of an object in an archive tier, as AWS sends it: code, status, message, StorageClass, AccessTier. */
async function archivedRefusal(call: Promise<unknown>): Promise<unknown[]> {
  const err = await failure(call);
  return [err.name, err.$metadata.httpStatusCode, err.message, err["StorageClass"], err["AccessTier"]];
}

async function refusal(call: Promise<unknown>): Promise<unknown[]> {
  const err = await failure(call);
  return [err.name, err.$metadata.httpStatusCode, err.message];
}

/** A GetObject read to its end (a body left unread would outlive the test): the storage class and the bytes. */
async function download(s3: S3Client, Bucket: string, Key: string): Promise<[string | undefined, Buffer]> {
  const got = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return [got.StorageClass, Buffer.from(await got.Body!.transformToByteArray())];
}

/** Objects under cold/ go to Archive Access after 90 days without access, Deep Archive Access after 180. */
const COLD: IntelligentTieringConfiguration = {
  Id: "cold",
  Status: "Enabled",
  Filter: { Prefix: "cold/" },
  Tierings: [
    { AccessTier: "ARCHIVE_ACCESS", Days: 90 },
    { AccessTier: "DEEP_ARCHIVE_ACCESS", Days: 180 },
  ],
};

const ACCESS_TIER_REFUSAL = (tier: string) => ["InvalidObjectState", 403, "The operation is not valid for the object's access tier", IT, tier];

/**
 * An S3 Inventory configuration of `source` (StorageClass and IntelligentTieringAccessTier) and a
 * way to read the report it delivers at a given time: the clock is set there and what is due runs.
 */
async function inventoryOf(nimbus: TestNimbus, s3: S3Client, source: string): Promise<(at: number) => Promise<Record<string, [string, string]>>> {
  const destination = await newBucket(s3, "it-inv");
  await s3.send(
    new PutBucketInventoryConfigurationCommand({
      Bucket: source,
      Id: "tiers",
      InventoryConfiguration: {
        Id: "tiers",
        IsEnabled: true,
        Destination: { S3BucketDestination: { Bucket: `arn:aws:s3:::${destination}`, Format: "CSV" } },
        IncludedObjectVersions: "Current",
        OptionalFields: ["IntelligentTieringAccessTier", "StorageClass"],
        Schedule: { Frequency: "Daily" },
      },
    }),
  );
  return async (at) => {
    nimbus.manualClock.set(at);
    await nimbus.scheduler.runDue();
    const iso = new Date(at).toISOString();
    const manifestKey = `${source}/tiers/${iso.slice(0, 10)}T${iso.slice(11, 16).replace(":", "-")}Z/manifest.json`;
    const read = async (key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: destination, Key: key }))).Body!.transformToByteArray());
    const listed = ((await s3.send(new ListObjectsV2Command({ Bucket: destination }))).Contents ?? []).map((o) => o.Key);
    assert.ok(listed.includes(manifestKey), `no report at ${iso}: ${listed.join(" ")}`);
    const manifest = JSON.parse((await read(manifestKey)).toString("utf8")) as { fileSchema: string; files: { key: string }[] };
    assert.equal(manifest.fileSchema, "Bucket, Key, StorageClass, IntelligentTieringAccessTier");
    const rows = gunzipSync(await read(manifest.files[0]?.key ?? "")).toString("utf8").trim().split("\n");
    return Object.fromEntries(rows.map((line) => line.split(",").map((v) => v.slice(1, -1))).map(([, key, storageClass, tier]) => [key, [storageClass, tier]]));
  };
}

describe("S3 Intelligent-Tiering access tiers", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));
  /** The clock at a whole second, where objects' Last-Modified are: days without access count from there exactly. */
  const start = (): number => {
    const at = Math.ceil(nimbus.manualClock.now() / 1000) * 1000;
    nimbus.manualClock.set(at);
    return at;
  };

  test("automatic tiers in S3 Inventory: Frequent, Infrequent after 30 days without access, Archive Instant Access after 90; under 128 KB always Frequent; GetObject and a copy's source reset the clock, HEAD, tags and ACL reads do not", async () => {
    const bucket = await newBucket(s3, "it-auto");
    const t0 = start();
    const put = (Key: string, Body: Buffer, StorageClass: "INTELLIGENT_TIERING" | "STANDARD" = IT) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body, StorageClass }));
    for (const key of ["idle", "read", "copied", "looked-at"]) await put(key, MONITORED);
    await put("small", UNMONITORED);
    await put("standard", MONITORED, "STANDARD");
    const report = await inventoryOf(nimbus, s3, bucket);
    const tiers = async (days: number) => Object.fromEntries(Object.entries(await report(t0 + days * DAY)).map(([key, [, tier]]) => [key, tier]));

    const day1 = await report(t0 + DAY);
    assert.deepEqual(day1["idle"], [IT, "FREQUENT"]);
    assert.deepEqual(day1["standard"], ["STANDARD", ""]);

    // Day 20: a read, a copy from, and what is no access.
    nimbus.manualClock.set(t0 + 20 * DAY);
    assert.deepEqual(await download(s3, bucket, "read"), [IT, MONITORED]);
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "copy-of-copied", CopySource: `${bucket}/copied` }));
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "looked-at" }));
    await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: "looked-at" }));
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: "looked-at", Tagging: { TagSet: [{ Key: "seen", Value: "yes" }] } }));
    await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "looked-at" }));

    assert.deepEqual(await tiers(29), { idle: "FREQUENT", read: "FREQUENT", copied: "FREQUENT", "copy-of-copied": "", "looked-at": "FREQUENT", small: "FREQUENT", standard: "" });
    assert.deepEqual(await tiers(30), { idle: "INFREQUENT", read: "FREQUENT", copied: "FREQUENT", "copy-of-copied": "", "looked-at": "INFREQUENT", small: "FREQUENT", standard: "" });
    assert.deepEqual(await tiers(50), { idle: "INFREQUENT", read: "INFREQUENT", copied: "INFREQUENT", "copy-of-copied": "", "looked-at": "INFREQUENT", small: "FREQUENT", standard: "" });
    assert.deepEqual(await tiers(90), {
      idle: "ARCHIVE_INSTANT_ACCESS",
      read: "INFREQUENT",
      copied: "INFREQUENT",
      "copy-of-copied": "",
      "looked-at": "ARCHIVE_INSTANT_ACCESS",
      small: "FREQUENT",
      standard: "",
    });

    // Archive Instant Access is read at once; the read brings it back to Frequent Access. An overwrite is a new object.
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "idle" }))).ArchiveStatus, undefined);
    assert.deepEqual(await download(s3, bucket, "idle"), [IT, MONITORED]);
    await put("looked-at", MONITORED);
    const after = await tiers(91);
    assert.deepEqual([after["idle"], after["looked-at"], after["read"]], ["FREQUENT", "FREQUENT", "INFREQUENT"]);
    await s3.send(new DeleteBucketInventoryConfigurationCommand({ Bucket: bucket, Id: "tiers" }));
  });

  test("archive tiers are opt-in by configuration and filter; reads are refused with InvalidObjectState; RestoreObject takes no Days and brings the object back to Frequent Access", async () => {
    const bucket = await newBucket(s3, "it-archive");
    const t0 = start();
    const config = COLD;
    await s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket: bucket, Id: "cold", IntelligentTieringConfiguration: config }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "cold/a", Body: MONITORED, StorageClass: IT }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "cold/small", Body: UNMONITORED, StorageClass: IT }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "warm/a", Body: MONITORED, StorageClass: IT }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "cold/standard", Body: MONITORED }));
    const report = await inventoryOf(nimbus, s3, bucket);
    const head = (Key: string) => s3.send(new HeadObjectCommand({ Bucket: bucket, Key }));
    const get = (Key: string) => s3.send(new GetObjectCommand({ Bucket: bucket, Key }));

    nimbus.manualClock.set(t0 + 90 * DAY - 1);
    assert.equal((await head("cold/a")).ArchiveStatus, undefined);
    const day90 = await report(t0 + 90 * DAY);
    assert.deepEqual(day90, {
      "cold/a": [IT, "ARCHIVE"],
      "cold/small": [IT, "FREQUENT"],
      "cold/standard": ["STANDARD", ""],
      "warm/a": [IT, "ARCHIVE_INSTANT_ACCESS"],
    });
    const archived = await head("cold/a");
    assert.deepEqual([archived.StorageClass, archived.ArchiveStatus, archived.Restore], [IT, "ARCHIVE_ACCESS", undefined]);
    assert.equal((await head("warm/a")).ArchiveStatus, undefined);
    assert.equal((await head("cold/small")).ArchiveStatus, undefined);

    assert.deepEqual(await archivedRefusal(get("cold/a")), ACCESS_TIER_REFUSAL("ARCHIVE_ACCESS"));
    assert.deepEqual(await archivedRefusal(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "copy", CopySource: `${bucket}/cold/a` }))), ACCESS_TIER_REFUSAL("ARCHIVE_ACCESS"));
    // A refused read is no access: the object keeps going down.
    nimbus.manualClock.set(t0 + 180 * DAY);
    assert.equal((await head("cold/a")).ArchiveStatus, "DEEP_ARCHIVE_ACCESS");
    assert.deepEqual(await archivedRefusal(get("cold/a")), ACCESS_TIER_REFUSAL("DEEP_ARCHIVE_ACCESS"));

    // RestoreObject: no Days for Intelligent-Tiering; nothing to restore outside an archive tier; no Expedited from Deep Archive Access.
    const restore = (Key: string, RestoreRequest: { Days?: number; GlacierJobParameters?: { Tier: "Standard" | "Bulk" | "Expedited" } }) =>
      s3.send(new RestoreObjectCommand({ Bucket: bucket, Key, RestoreRequest }));
    assert.deepEqual(await refusal(restore("cold/a", { Days: 1 })), [
      "InvalidArgument",
      400,
      "INTELLIGENT_TIERING objects are not subject to restore expiry. Do not specify Days when restoring this object",
    ]);
    assert.deepEqual(await refusal(restore("warm/a", {})), ["InvalidObjectState", 403, "Restore is not allowed for the object's current storage class"]);
    assert.deepEqual(await archivedRefusal(restore("cold/a", { GlacierJobParameters: { Tier: "Expedited" } })), ACCESS_TIER_REFUSAL("DEEP_ARCHIVE_ACCESS"));

    const requested = nimbus.manualClock.now();
    // A restore started, not a copy's expiry moved: 202 Accepted.
    assert.equal((await restore("cold/a", {})).$metadata.httpStatusCode, 202);
    const restoring = await head("cold/a");
    assert.deepEqual([restoring.ArchiveStatus, restoring.Restore], ["DEEP_ARCHIVE_ACCESS", 'ongoing-request="true"']);
    assert.deepEqual(await refusal(restore("cold/a", {})), ["RestoreAlreadyInProgress", 409, "Object restore is already in progress"]);
    // Deep Archive Access, Standard retrieval: "within 12 hours".
    await nimbus.scheduler.advance(requested + 12 * HOUR - 1 - nimbus.manualClock.now());
    assert.deepEqual(await archivedRefusal(get("cold/a")), ACCESS_TIER_REFUSAL("DEEP_ARCHIVE_ACCESS"));
    await nimbus.scheduler.advance(1);
    const restored = await head("cold/a");
    // Back in Frequent Access for good: no archive status, no copy to expire.
    assert.deepEqual([restored.StorageClass, restored.ArchiveStatus, restored.Restore], [IT, undefined, undefined]);
    assert.deepEqual(await download(s3, bucket, "cold/a"), [IT, MONITORED]);
    // The day after: the sweep at midnight already made that day's report.
    const back = await report(requested + 2 * DAY);
    assert.deepEqual([back["cold/a"], back["warm/a"]], [[IT, "FREQUENT"], [IT, "ARCHIVE_INSTANT_ACCESS"]]);
    // And it tiers down again from there.
    nimbus.manualClock.set(requested + 12 * HOUR + 90 * DAY);
    assert.equal((await head("cold/a")).ArchiveStatus, "ARCHIVE_ACCESS");
    await s3.send(new DeleteBucketInventoryConfigurationCommand({ Bucket: bucket, Id: "tiers" }));
  });

  test("s3:IntelligentTiering: an event when an object reaches the Archive Access tier and again at Deep Archive Access, found by the hourly sweep or a configuration change; none for objects that never move", async () => {
    const sqs = new SQSClient(nimbus.clientConfig());
    try {
      const bucket = await newBucket(s3, "it-events");
      const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("it-events") }))).QueueUrl ?? "";
      const QueueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      await s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: { QueueConfigurations: [{ Id: "tiering", QueueArn, Events: ["s3:IntelligentTiering"] }] },
        }),
      );
      /** The IntelligentTiering records that arrived: key, tier. */
      const arrived = async (): Promise<Array<Record<string, any>>> => {
        await nimbus.events.idle();
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
        for (const m of out.Messages ?? []) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
        return (out.Messages ?? []).flatMap((m) => (JSON.parse(m.Body ?? "{}") as { Records?: Array<Record<string, any>> }).Records ?? []);
      };
      await arrived(); // the s3:TestEvent
      const at = async (when: number): Promise<Array<Record<string, any>>> => {
        nimbus.manualClock.set(when);
        await nimbus.scheduler.runDue();
        return arrived();
      };
      const t0 = start();
      const config = COLD;
      await s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket: bucket, Id: "cold", IntelligentTieringConfiguration: config }));
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "cold/a b", Body: MONITORED, StorageClass: IT }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "cold/small", Body: UNMONITORED, StorageClass: IT }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "warm/a", Body: MONITORED, StorageClass: IT }));

      assert.deepEqual(await at(t0 + 90 * DAY - 1), []);
      // A HEAD sees the tier as soon as it is due, and tells nothing; the sweep within the hour does.
      nimbus.manualClock.set(t0 + 90 * DAY);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "cold/a b" }))).ArchiveStatus, "ARCHIVE_ACCESS");
      const [archived, ...more] = await at(t0 + 90 * DAY + HOUR);
      assert.deepEqual(more, []);
      // The S3 user guide's example ("Managing S3 Intelligent-Tiering"), field for field.
      assert.deepEqual(
        {
          eventVersion: archived?.["eventVersion"],
          eventSource: archived?.["eventSource"],
          eventName: archived?.["eventName"],
          userIdentity: archived?.["userIdentity"],
          requestParameters: archived?.["requestParameters"],
          configurationId: archived?.["s3"]["configurationId"],
          object: archived?.["s3"]["object"],
          intelligentTieringEventData: archived?.["intelligentTieringEventData"],
        },
        {
          eventVersion: "2.3",
          eventSource: "aws:s3",
          eventName: "IntelligentTiering",
          userIdentity: { principalId: "s3.amazonaws.com" },
          requestParameters: { sourceIPAddress: "s3.amazonaws.com" },
          configurationId: "tiering",
          object: { key: "cold/a+b", size: MONITORED.length, eTag: put.ETag?.replaceAll('"', "") },
          intelligentTieringEventData: { destinationAccessTier: "ARCHIVE_ACCESS" },
        },
      );
      assert.match(archived?.["responseElements"]["x-amz-request-id"], /^[0-9A-F]{16}$/);
      assert.deepEqual(await at(t0 + 120 * DAY), [], "told once");

      // Deep Archive Access at 180 days: found when the configuration changes, before the sweep.
      nimbus.manualClock.set(t0 + 180 * DAY);
      await s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket: bucket, Id: "cold", IntelligentTieringConfiguration: { ...config, Status: "Disabled" } }));
      const deep = await arrived();
      assert.deepEqual(
        deep.map((r) => [r["s3"]["object"]["key"], r["intelligentTieringEventData"]["destinationAccessTier"]]),
        [["cold/a+b", "DEEP_ARCHIVE_ACCESS"]],
      );
      assert.deepEqual(await at(t0 + 400 * DAY), [], "the small object and the one outside the filter never move");
    } finally {
      sqs.destroy();
    }
  });

  test("an object moved by a tag filter stays archived when its tags change; Archive Access restores in 3-5 hours", async () => {
    const bucket = await newBucket(s3, "it-tags");
    const t0 = start();
    await s3.send(
      new PutBucketIntelligentTieringConfigurationCommand({
        Bucket: bucket,
        Id: "by-tag",
        IntelligentTieringConfiguration: { Id: "by-tag", Status: "Enabled", Filter: { Tag: { Key: "class", Value: "cold" } }, Tierings: [{ AccessTier: "ARCHIVE_ACCESS", Days: 100 }] },
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "tagged", Body: MONITORED, StorageClass: IT, Tagging: "class=cold" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "untagged", Body: MONITORED, StorageClass: IT }));
    nimbus.manualClock.set(t0 + 100 * DAY);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "tagged" }))).ArchiveStatus, "ARCHIVE_ACCESS");
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "untagged" }))).ArchiveStatus, undefined);
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: "tagged", Tagging: { TagSet: [{ Key: "class", Value: "hot" }] } }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "tagged" }))).ArchiveStatus, "ARCHIVE_ACCESS");
    // Tagging an object that has been idle long enough moves it at once.
    await s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: "untagged", Tagging: { TagSet: [{ Key: "class", Value: "cold" }] } }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "untagged" }))).ArchiveStatus, "ARCHIVE_ACCESS");

    const requested = nimbus.manualClock.now();
    await s3.send(new RestoreObjectCommand({ Bucket: bucket, Key: "tagged", RestoreRequest: { GlacierJobParameters: { Tier: "Standard" } } }));
    await nimbus.scheduler.advance(5 * HOUR - 1);
    assert.deepEqual(await archivedRefusal(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "tagged" }))), ACCESS_TIER_REFUSAL("ARCHIVE_ACCESS"));
    nimbus.manualClock.set(requested + 5 * HOUR);
    assert.deepEqual(await download(s3, bucket, "tagged"), [IT, MONITORED]);
  });

  test("a lifecycle transition to INTELLIGENT_TIERING starts the object in Frequent Access at the transition", async () => {
    const bucket = await newBucket(s3, "it-lifecycle");
    const t0 = start();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "moved", Body: MONITORED }));
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: [{ ID: "to-it", Status: "Enabled", Filter: { Prefix: "" }, Transitions: [{ Days: 10, StorageClass: IT }] }] },
      }),
    );
    const report = await inventoryOf(nimbus, s3, bucket);
    assert.deepEqual((await report(t0 + 5 * DAY))["moved"], ["STANDARD", ""]);
    // Due at midnight UTC after ten days; the hourly sweep that runs here makes it.
    const moved = await report(t0 + 11 * DAY);
    assert.deepEqual(moved["moved"], [IT, "FREQUENT"]);
    // 30 days after its creation, 19 after the transition: still Frequent; 30 days after the transition: Infrequent.
    assert.deepEqual((await report(t0 + 30 * DAY))["moved"], [IT, "FREQUENT"]);
    assert.deepEqual((await report(t0 + 41 * DAY))["moved"], [IT, "INFREQUENT"]);
    await s3.send(new DeleteBucketInventoryConfigurationCommand({ Bucket: bucket, Id: "tiers" }));
  });
});

test("an object in an archive tier stays there when the configuration is deleted, and across a restart; one that had not reached it never does", async () => {
  const t0 = Date.parse("2026-01-15T12:00:00.000Z");
  await acrossRestart(
    (n) => ({ n, s3: new S3Client({ ...{}, ...n.clientConfig(), forcePathStyle: true }) }),
    ({ s3 }) => s3.destroy(),
    async ({ n, s3 }) => {
      const bucket = await newBucket(s3, "it-restart");
      await s3.send(
        new PutBucketIntelligentTieringConfigurationCommand({
          Bucket: bucket,
          Id: "all",
          IntelligentTieringConfiguration: { Id: "all", Status: "Enabled", Tierings: [{ AccessTier: "ARCHIVE_ACCESS", Days: 90 }] },
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "old", Body: MONITORED, StorageClass: IT }));
      n.manualClock.set(t0 + 50 * DAY);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "young", Body: MONITORED, StorageClass: IT }));
      n.manualClock.set(t0 + 95 * DAY);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "old" }))).ArchiveStatus, "ARCHIVE_ACCESS");
      await s3.send(new DeleteBucketIntelligentTieringConfigurationCommand({ Bucket: bucket, Id: "all" }));
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "old" }))).ArchiveStatus, "ARCHIVE_ACCESS");
      return bucket;
    },
    async ({ n, s3 }, bucket) => {
      n.manualClock.set(t0 + 200 * DAY);
      const old = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "old" }));
      assert.deepEqual([old.StorageClass, old.ArchiveStatus], [IT, "ARCHIVE_ACCESS"]);
      assert.deepEqual(await archivedRefusal(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "old" }))), ACCESS_TIER_REFUSAL("ARCHIVE_ACCESS"));
      // Without the configuration "young" only went down the automatic tiers.
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "young" }))).ArchiveStatus, undefined);
      assert.deepEqual(await download(s3, bucket, "young"), [IT, MONITORED]);
      // Archive Access, Bulk retrieval: 5-12 hours.
      await s3.send(new RestoreObjectCommand({ Bucket: bucket, Key: "old", RestoreRequest: { GlacierJobParameters: { Tier: "Bulk" } } }));
      n.manualClock.set(t0 + 200 * DAY + 12 * HOUR);
      assert.deepEqual(await download(s3, bucket, "old"), [IT, MONITORED]);
    },
  );
});
