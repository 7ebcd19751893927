/**
 * S3 Object Lock event holds through the v3 SDK: a version held by its write, by the bucket's
 * DefaultEventHold or by PutObjectRetention cannot be deleted for good; PutObjectRetention with
 * EventHold OFF releases it, and the version is then retained until the release plus the
 * hold's duration. Time moves with the test's manual clock.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketReplicationCommand,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { acrossRestart, failure, uniqueName, type TestNimbus } from "./harness.js";
import { s3Suite } from "./s3-fixtures.js";

const DAY = 86_400_000;
const LOCKED = "Access Denied because object protected by object lock.";

async function lockedBucket(s3: S3Client): Promise<string> {
  const bucket = uniqueName("hold");
  await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  return bucket;
}

describe("S3 Object Lock event holds", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));

  test("a held version cannot be deleted; released, it is retained for the duration from the release", async () => {
    const bucket = await lockedBucket(s3);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "case", Body: "x", ObjectLockEventHold: "ON", ObjectLockEventHoldDurationDays: 3 }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "case" }));
    assert.deepEqual([head.ObjectLockEventHold, head.ObjectLockEventHoldDurationDays, head.ObjectLockEventHoldDurationYears, head.ObjectLockRetainUntilDate], ["ON", 3, undefined, undefined]);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "case" }));
    await got.Body?.transformToString();
    assert.equal(got.ObjectLockEventHold, "ON");
    // No mode named and no default one: Nimbus's GOVERNANCE.
    assert.deepEqual((await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "case" }))).Retention, { Mode: "GOVERNANCE", EventHold: "ON", EventHoldDuration: { Days: 3 } });

    // Held like a legal hold: the bypass does not help, however long the hold lasts.
    nimbus.manualClock.advance(10 * DAY);
    const denied = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "case", VersionId: put.VersionId, BypassGovernanceRetention: true })));
    assert.deepEqual([denied.name, denied.message, denied.$metadata.httpStatusCode], ["AccessDenied", LOCKED, 403]);

    const released = nimbus.manualClock.now();
    await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "case", Retention: { EventHold: "OFF" } }));
    const retention = (await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "case" }))).Retention;
    assert.deepEqual(retention, { Mode: "GOVERNANCE", RetainUntilDate: new Date(released + 3 * DAY), EventHold: "OFF", EventHoldDuration: { Days: 3 } });
    const after = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "case" }));
    assert.deepEqual([after.ObjectLockEventHold, after.ObjectLockMode, after.ObjectLockRetainUntilDate?.getTime()], ["OFF", "GOVERNANCE", released + 3 * DAY]);

    const retained = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "case", VersionId: put.VersionId })));
    assert.deepEqual([retained.name, retained.message], ["AccessDenied", LOCKED]);
    nimbus.manualClock.advance(3 * DAY + 1000);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "case", VersionId: put.VersionId }));
    assert.equal((await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions, undefined);
  });

  test("a COMPLIANCE hold placed on an existing version: the mode carries over the release; the longer retention wins", async () => {
    const bucket = await lockedBucket(s3);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "doc", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: new Date(nimbus.manualClock.now() + 30 * DAY) }));
    await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "doc", VersionId: put.VersionId, Retention: { Mode: "COMPLIANCE", EventHold: "ON", EventHoldDuration: { Years: 1 } } }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "doc" }));
    assert.deepEqual([head.ObjectLockEventHold, head.ObjectLockEventHoldDurationYears, head.ObjectLockMode], ["ON", 1, "COMPLIANCE"]);
    // A shorter duration while held weakens the lock.
    const shorter = await failure(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "doc", Retention: { EventHold: "ON", EventHoldDuration: { Days: 1 } }, BypassGovernanceRetention: true })));
    assert.deepEqual([shorter.name, shorter.message, shorter.$metadata.httpStatusCode], ["AccessDenied", LOCKED, 403]);

    const released = nimbus.manualClock.now();
    await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "doc", Retention: { EventHold: "OFF" } }));
    const end = new Date(released);
    end.setUTCFullYear(end.getUTCFullYear() + 1);
    const retention = (await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "doc" }))).Retention;
    assert.deepEqual([retention?.Mode, retention?.RetainUntilDate?.getTime(), retention?.EventHold], ["COMPLIANCE", end.getTime(), "OFF"]);
    const denied = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc", VersionId: put.VersionId, BypassGovernanceRetention: true })));
    assert.equal(denied.name, "AccessDenied");
  });

  test("the bucket's DefaultEventHold holds new versions that name no lock of their own, beside the default retention", async () => {
    const bucket = await lockedBucket(s3);
    const configuration = { ObjectLockEnabled: "Enabled" as const, Rule: { DefaultRetention: { Mode: "GOVERNANCE" as const, Days: 1, DefaultEventHold: { Days: 5 } } } };
    await s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: configuration }));
    assert.deepEqual((await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))).ObjectLockConfiguration, configuration);
    const now = nimbus.manualClock.now();

    const held = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "default", Body: "x" }));
    assert.deepEqual((await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "default" }))).Retention, {
      Mode: "GOVERNANCE",
      RetainUntilDate: new Date(now + DAY),
      EventHold: "ON",
      EventHoldDuration: { Days: 5 },
    });
    // A write with its own retention gets no default hold.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "own", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: new Date(now + 2 * DAY) }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "own" }))).ObjectLockEventHold, undefined);
    // Neither does one that refuses a hold; the default retention still applies.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "refused", Body: "x", ObjectLockEventHold: "OFF" }));
    const refused = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "refused" }));
    assert.deepEqual([refused.ObjectLockEventHold, refused.ObjectLockMode], [undefined, "GOVERNANCE"]);

    // Once the default retention is over, the hold still protects the version.
    nimbus.manualClock.advance(2 * DAY);
    const denied = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "default", VersionId: held.VersionId, BypassGovernanceRetention: true })));
    assert.equal(denied.name, "AccessDenied");
    // A DefaultEventHold alone is a valid rule.
    await s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { DefaultEventHold: { Years: 2 } } } } }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "years", Body: "x" }));
    const years = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "years" }));
    assert.deepEqual([years.ObjectLockEventHold, years.ObjectLockEventHoldDurationYears, years.ObjectLockMode], ["ON", 2, undefined]);
  });

  test("multipart uploads carry the hold from CreateMultipartUpload; CopyObject takes the request's", async () => {
    const bucket = await lockedBucket(s3);
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "mp", ObjectLockEventHold: "ON", ObjectLockEventHoldDurationDays: 7, ObjectLockMode: "COMPLIANCE" }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "mp", UploadId: upload.UploadId, PartNumber: 1, Body: "part" }));
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "mp", UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.deepEqual((await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "mp" }))).Retention, { Mode: "COMPLIANCE", EventHold: "ON", EventHoldDuration: { Days: 7 } });
    const denied = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "mp", VersionId: done.VersionId })));
    assert.equal(denied.name, "AccessDenied");

    // The copy does not keep the source's hold; it takes the one the request names.
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "plain-copy", CopySource: `${bucket}/mp` }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "plain-copy" }))).ObjectLockEventHold, undefined);
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "held-copy", CopySource: `${bucket}/mp`, ObjectLockEventHold: "ON", ObjectLockEventHoldDurationYears: 3 }));
    const copy = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "held-copy" }));
    assert.deepEqual([copy.ObjectLockEventHold, copy.ObjectLockEventHoldDurationYears], ["ON", 3]);
  });

  test("validation: one duration, within range, with the hold ON; hold values; buckets without Object Lock", async () => {
    const bucket = await lockedBucket(s3);
    const put = (extra: Record<string, unknown>) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: "v", Body: "x", ...extra }));
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ObjectLockEventHold: "ON", ObjectLockEventHoldDurationDays: 1, ObjectLockEventHoldDurationYears: 1 }, "InvalidArgument", "You cannot specify a duration in both days and years."],
      [{ ObjectLockEventHold: "ON", ObjectLockEventHoldDurationDays: 36_501 }, "InvalidArgument", "The event hold duration must be 1 to 36500 days or 1 to 100 years."],
      [{ ObjectLockEventHold: "ON", ObjectLockEventHoldDurationYears: 0 }, "InvalidArgument", "The event hold duration must be 1 to 36500 days or 1 to 100 years."],
      [{ ObjectLockEventHoldDurationDays: 1 }, "InvalidArgument", "An event hold duration requires the event hold to be ON."],
      [{ ObjectLockEventHold: "OFF", ObjectLockEventHoldDurationDays: 1 }, "InvalidArgument", "An event hold duration requires the event hold to be ON."],
      [{ ObjectLockEventHold: "ON" }, "InvalidArgument", "An event hold needs a duration in days or years, from the request or the bucket's DefaultEventHold."],
      [{ ObjectLockEventHold: "MAYBE", ObjectLockEventHoldDurationDays: 1 }, "InvalidArgument", 'Event Hold must be either of "ON" or "OFF"'],
      [{ ObjectLockMode: "GOVERNANCE" }, "InvalidArgument", "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied"],
    ];
    for (const [extra, name, message] of cases) {
      const err = await failure(put(extra));
      assert.deepEqual([err.name, err.message, err.$metadata.httpStatusCode], [name, message, 400], JSON.stringify(extra));
    }
    const both = await failure(
      s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { DefaultEventHold: { Days: 1, Years: 1 } } } } })),
    );
    assert.deepEqual([both.name, both.$metadata.httpStatusCode], ["MalformedXML", 400]);
    const range = await failure(
      s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { DefaultEventHold: { Years: 101 } } } } })),
    );
    assert.deepEqual([range.name, range.message], ["InvalidArgument", "The event hold duration must be 1 to 36500 days or 1 to 100 years."]);
    await put({});
    const noDuration = await failure(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "v", Retention: { EventHold: "ON" } })));
    assert.deepEqual([noDuration.name, noDuration.message], ["InvalidArgument", "An event hold needs a duration in days or years, from the request or the bucket's DefaultEventHold."]);
    const durationOff = await failure(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "v", Retention: { EventHold: "OFF", EventHoldDuration: { Days: 1 } } })));
    assert.deepEqual([durationOff.name, durationOff.message], ["InvalidArgument", "An event hold duration requires the event hold to be ON."]);

    // As for a legal hold, AWS's answer for a bucket without Object Lock.
    const plain = uniqueName("nohold");
    await s3.send(new CreateBucketCommand({ Bucket: plain }));
    const missing = await failure(s3.send(new PutObjectCommand({ Bucket: plain, Key: "k", Body: "x", ObjectLockEventHold: "ON", ObjectLockEventHoldDurationDays: 1 })));
    assert.deepEqual([missing.name, missing.message, missing.$metadata.httpStatusCode], ["InvalidRequest", "Bucket is missing ObjectLockConfiguration", 400]);
  });

  test("lifecycle leaves a held noncurrent version; replicas carry the hold", async () => {
    const bucket = await lockedBucket(s3);
    const destination = await lockedBucket(s3);
    await s3.send(
      new PutBucketReplicationCommand({
        Bucket: bucket,
        ReplicationConfiguration: {
          Role: "arn:aws:iam::000000000000:role/replication",
          Rules: [{ ID: "all", Priority: 1, Filter: {}, Status: "Enabled", Destination: { Bucket: `arn:aws:s3:::${destination}` }, DeleteMarkerReplication: { Status: "Disabled" } }],
        },
      }),
    );
    const held = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "lc", Body: "old", ObjectLockEventHold: "ON", ObjectLockEventHoldDurationDays: 2 }));
    await nimbus.events.idle();
    const replica = await s3.send(new HeadObjectCommand({ Bucket: destination, Key: "lc", VersionId: held.VersionId }));
    assert.deepEqual([replica.ReplicationStatus, replica.ObjectLockEventHold, replica.ObjectLockEventHoldDurationDays], ["REPLICA", "ON", 2]);
    const replicaDenied = await failure(s3.send(new DeleteObjectCommand({ Bucket: destination, Key: "lc", VersionId: held.VersionId })));
    assert.equal(replicaDenied.name, "AccessDenied");

    const unheld = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "lc", Body: "middle", ChecksumAlgorithm: "SHA256" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "lc", Body: "new" }));
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: [{ ID: "noncurrent", Status: "Enabled", Filter: { Prefix: "lc" }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }] },
      }),
    );
    await nimbus.scheduler.advance(3 * DAY);
    const ids = ((await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: "lc" }))).Versions ?? []).map((v) => v.VersionId);
    assert.ok(ids.includes(held.VersionId), "the held version stays");
    assert.ok(!ids.includes(unheld.VersionId), "the unheld noncurrent version expired");
  });
});

test("event holds survive a restart", async () => {
  await acrossRestart(
    (nimbus) => ({ nimbus, s3: new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true }) }),
    ({ s3 }) => s3.destroy(),
    async ({ s3 }) => {
      const bucket = await lockedBucket(s3);
      await s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { DefaultEventHold: { Days: 4 } } } } }));
      const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "mp", ObjectLockEventHold: "ON", ObjectLockEventHoldDurationYears: 1 }));
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x" }));
      return { bucket, versionId: put.VersionId, uploadId: upload.UploadId };
    },
    async ({ nimbus, s3 }, { bucket, versionId, uploadId }) => {
      assert.deepEqual((await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "k" }))).Retention, { Mode: "GOVERNANCE", EventHold: "ON", EventHoldDuration: { Days: 4 } });
      const denied = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k", VersionId: versionId })));
      assert.equal(denied.name, "AccessDenied");
      const released = nimbus.manualClock.now();
      await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "k", Retention: { EventHold: "OFF" } }));
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "k" }))).ObjectLockRetainUntilDate?.getTime(), released + 4 * DAY);
      const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "mp", UploadId: uploadId, PartNumber: 1, Body: "part" }));
      await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "mp", UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
      const mp = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "mp" }));
      assert.deepEqual([mp.ObjectLockEventHold, mp.ObjectLockEventHoldDurationYears], ["ON", 1]);
    },
  );
});
