/**
 * S3 Object Lock through the v3 SDK: bucket configuration, default retention on new versions,
 * retention and legal hold per version, and their enforcement on permanent deletes (single,
 * batch, lifecycle). Time moves with the test's manual clock.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { failure, uniqueName, type TestNimbus } from "./harness.js";
import { s3Suite } from "./s3-fixtures.js";

const DAY = 86_400_000;
const LOCKED = "Access Denied because object protected by object lock.";

describe("S3 Object Lock", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  /** Sends no checksum unless an operation requires one, as older SDKs and other tools do. */
  let plain: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));
  before(() => {
    plain = new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED" });
  });
  after(() => {
    plain.destroy();
  });

  async function lockedBucket(): Promise<string> {
    const bucket = uniqueName("lock");
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    return bucket;
  }

  test("a bucket created with Object Lock is versioned and answers its configuration", async () => {
    const bucket = await lockedBucket();
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, "Enabled");
    assert.deepEqual((await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))).ObjectLockConfiguration, { ObjectLockEnabled: "Enabled" });
    const err = await failure(s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Suspended" } })));
    assert.equal(err.name, "InvalidBucketState");
    assert.equal(err.message, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
    assert.equal(err.$metadata.httpStatusCode, 409);
  });

  test("configuration on other buckets: versioning required; missing configuration answers 404", async () => {
    const bucket = uniqueName("plain");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const missing = await failure(s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket })));
    assert.equal(missing.name, "ObjectLockConfigurationNotFoundError");
    assert.equal(missing.message, "Object Lock configuration does not exist for this bucket");
    assert.equal(missing.$metadata.httpStatusCode, 404);
    const config = { ObjectLockEnabled: "Enabled" as const, Rule: { DefaultRetention: { Mode: "GOVERNANCE" as const, Days: 1 } } };
    const unversioned = await failure(s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: config })));
    assert.equal(unversioned.name, "InvalidBucketState");
    assert.equal(unversioned.message, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
    assert.equal(unversioned.$metadata.httpStatusCode, 409);
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    await s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: config }));
    assert.deepEqual((await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))).ObjectLockConfiguration, config);
    const both = await failure(
      s3.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1, Years: 1 } } } })),
    );
    assert.equal(both.name, "MalformedXML");
  });

  // LocalStack's AWS-validated test_delete_object_with_no_locking (delete-object-bypass-no-lock,
  // -false, delete-objects-bypass-no-lock).
  test("x-amz-bypass-governance-retention, true or false, on a bucket without Object Lock is InvalidArgument", async () => {
    const bucket = uniqueName("nolock-bypass");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x" }));
    for (const call of [
      () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k", BypassGovernanceRetention: true })),
      () => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k", BypassGovernanceRetention: false })),
      () => s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "k" }] }, BypassGovernanceRetention: true })),
    ]) {
      const err = await failure(call());
      assert.deepEqual(
        [err.name, err.message, err.$metadata.httpStatusCode, err.ArgumentName],
        ["InvalidArgument", "x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.", 400, "x-amz-bypass-governance-retention"],
      );
    }
    assert.equal((await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "k" }))).ContentLength, 1, "the object is still there");
    const locked = uniqueName("lock-bypass");
    await s3.send(new CreateBucketCommand({ Bucket: locked, ObjectLockEnabledForBucket: true }));
    await s3.send(new PutObjectCommand({ Bucket: locked, Key: "k", Body: "x" }));
    const removed = await s3.send(new DeleteObjectCommand({ Bucket: locked, Key: "k", BypassGovernanceRetention: false }));
    assert.equal(removed.DeleteMarker, true);
  });

  test("lock requests on a bucket without Object Lock are InvalidRequest", async () => {
    const bucket = uniqueName("nolock");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x" }));
    // Sent one at a time: a request started early could reject before anything awaits it.
    for (const call of [
      () => s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "k" })),
      () => s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: "k" })),
      () => s3.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: "k", LegalHold: { Status: "ON" } })),
    ]) {
      const err = await failure(call());
      assert.equal(err.name, "InvalidRequest");
      assert.equal(err.message, "Bucket is missing Object Lock Configuration");
      assert.equal(err.$metadata.httpStatusCode, 400);
    }
    // The writes that name a lock word it without spaces (versity/versitygw#1751).
    const until = new Date(nimbus.manualClock.now() + DAY);
    for (const call of [
      () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k2", Body: "x", ObjectLockLegalHoldStatus: "ON" })),
      () => s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k2", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: until })),
      () => s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "k2", CopySource: `${bucket}/k`, ObjectLockLegalHoldStatus: "ON" })),
      () => s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "k2", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: until })),
      () => s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "k2", ObjectLockLegalHoldStatus: "ON" })),
    ]) {
      const err = await failure(call());
      assert.deepEqual([err.name, err.message, err.$metadata.httpStatusCode], ["InvalidRequest", "Bucket is missing ObjectLockConfiguration", 400]);
    }
  });

  test("COMPLIANCE retention: the version cannot be deleted or shortened until it ends; a delete marker can be added", async () => {
    const bucket = await lockedBucket();
    const until = new Date(nimbus.manualClock.now() + DAY);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "doc", Body: "v1", ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: until }));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "doc" }));
    assert.equal(head.ObjectLockMode, "COMPLIANCE");
    assert.equal(head.ObjectLockRetainUntilDate?.getTime(), until.getTime());
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "doc" }));
    assert.equal(got.ObjectLockMode, "COMPLIANCE");
    await got.Body?.transformToString();
    assert.deepEqual((await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "doc" }))).Retention, { Mode: "COMPLIANCE", RetainUntilDate: until });

    const denied = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc", VersionId: put.VersionId, BypassGovernanceRetention: true })));
    assert.equal(denied.name, "AccessDenied");
    assert.equal(denied.message, LOCKED);
    assert.equal(denied.$metadata.httpStatusCode, 403);

    const shorter = await failure(
      s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "doc", Retention: { Mode: "COMPLIANCE", RetainUntilDate: new Date(until.getTime() - 1000) }, BypassGovernanceRetention: true })),
    );
    assert.equal(shorter.name, "AccessDenied");
    const toGovernance = await failure(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "doc", Retention: { Mode: "GOVERNANCE", RetainUntilDate: until } })));
    assert.equal(toGovernance.name, "AccessDenied");
    const removed = await failure(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "doc", Retention: {}, BypassGovernanceRetention: true })));
    assert.equal(removed.name, "AccessDenied");
    // Extending is always allowed.
    const later = new Date(until.getTime() + DAY);
    await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "doc", Retention: { Mode: "COMPLIANCE", RetainUntilDate: later } }));

    // Deleting without a version id adds a delete marker, as on any versioned bucket.
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc" }));
    assert.equal(marker.DeleteMarker, true);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc", VersionId: marker.VersionId }));

    nimbus.manualClock.advance(2 * DAY + 1000);
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc", VersionId: put.VersionId }));
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    assert.equal(versions.Versions, undefined);
  });

  test("GOVERNANCE retention yields to x-amz-bypass-governance-retention", async () => {
    const bucket = await lockedBucket();
    const until = new Date(nimbus.manualClock.now() + DAY);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "g", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: until }));
    const denied = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "g", VersionId: put.VersionId })));
    assert.equal(denied.name, "AccessDenied");
    assert.equal(denied.message, LOCKED);
    const shorten = await failure(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "g", Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(until.getTime() - 1000) } })));
    assert.equal(shorten.name, "AccessDenied");
    await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "g", Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(until.getTime() - 1000) }, BypassGovernanceRetention: true }));
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "g", VersionId: put.VersionId, BypassGovernanceRetention: true }));
    assert.equal(deleted.VersionId, put.VersionId);
  });

  test("DeleteObjects reports a locked version as a per-key AccessDenied and deletes the rest", async () => {
    const bucket = await lockedBucket();
    const locked = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: "a", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: new Date(nimbus.manualClock.now() + DAY) }),
    );
    const free = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "b", Body: "y" }));
    const out = await s3.send(
      new DeleteObjectsCommand({
        Bucket: bucket,
        Delete: { Objects: [{ Key: "a", VersionId: locked.VersionId }, { Key: "b", VersionId: free.VersionId }, { Key: "a" }] },
      }),
    );
    assert.deepEqual(out.Errors, [{ Key: "a", VersionId: locked.VersionId, Code: "AccessDenied", Message: LOCKED }]);
    assert.deepEqual(
      out.Deleted?.map((d) => [d.Key, d.VersionId, d.DeleteMarker]),
      [
        ["b", free.VersionId, undefined],
        ["a", undefined, true],
      ],
    );
    const bypass = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: "a", VersionId: locked.VersionId }] } }));
    assert.deepEqual(bypass.Deleted, [{ Key: "a", VersionId: locked.VersionId }]);
  });

  test("legal hold blocks deletes whatever the bypass, until it is turned OFF", async () => {
    const bucket = await lockedBucket();
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "h", Body: "x" }));
    const none = await failure(s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: "h" })));
    assert.equal(none.name, "NoSuchObjectLockConfiguration");
    assert.equal(none.message, "The specified object does not have a ObjectLock configuration");
    assert.equal(none.$metadata.httpStatusCode, 404);
    const noRetention = await failure(s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "h" })));
    assert.equal(noRetention.name, "NoSuchObjectLockConfiguration");

    await s3.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: "h", VersionId: put.VersionId, LegalHold: { Status: "ON" } }));
    assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: "h" }))).LegalHold?.Status, "ON");
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "h" }))).ObjectLockLegalHoldStatus, "ON");
    const denied = await failure(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "h", VersionId: put.VersionId, BypassGovernanceRetention: true })));
    assert.equal(denied.name, "AccessDenied");
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: "h", LegalHold: { Status: "OFF" } }));
    assert.equal((await s3.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: "h" }))).LegalHold?.Status, "OFF");
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "h", VersionId: put.VersionId }));
  });

  test("default retention applies to new versions (PutObject, CopyObject, multipart) and needs an integrity header", async () => {
    const bucket = await lockedBucket();
    await s3.send(
      new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 2 } } } }),
    );
    const now = nimbus.manualClock.now();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "d", Body: "x" }));
    const retention = (await s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "d" }))).Retention;
    assert.equal(retention?.Mode, "GOVERNANCE");
    assert.equal(retention?.RetainUntilDate?.getTime(), now + 2 * DAY);

    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "copy", CopySource: `${bucket}/d` }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "copy" }))).ObjectLockMode, "GOVERNANCE");

    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "mp", ObjectLockLegalHoldStatus: "ON" }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "mp", UploadId: upload.UploadId, PartNumber: 1, Body: "part" }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "mp", UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    const mp = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "mp" }));
    assert.equal(mp.ObjectLockLegalHoldStatus, "ON");
    assert.equal(mp.ObjectLockMode, "GOVERNANCE");

    // Without Content-MD5 or a checksum, S3 refuses uploads that carry lock parameters.
    const bare = await failure(plain.send(new PutObjectCommand({ Bucket: bucket, Key: "bare", Body: "x" })));
    assert.equal(bare.name, "InvalidRequest");
    assert.equal(bare.message, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters");
    await plain.send(new PutObjectCommand({ Bucket: bucket, Key: "md5", Body: "x", ContentMD5: "ndTkYSaMgDT1yFZOFVxnpg==" }));
    const upload2 = await plain.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "mp2" }));
    const barePart = await failure(plain.send(new UploadPartCommand({ Bucket: bucket, Key: "mp2", UploadId: upload2.UploadId, PartNumber: 1, Body: "part" })));
    assert.equal(barePart.message, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Part requests with Object Lock parameters");
  });

  test("lock header validation on PutObject", async () => {
    const bucket = await lockedBucket();
    const past = await failure(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: "p", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: new Date(nimbus.manualClock.now() - 1000) })),
    );
    assert.equal(past.name, "InvalidArgument");
    assert.equal(past.message, "The retain until date must be in the future!");
    const half = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "p", Body: "x", ObjectLockMode: "GOVERNANCE" })));
    assert.equal(half.name, "InvalidArgument");
    assert.equal(half.message, "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
    const mode = await failure(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: "p", Body: "x", ObjectLockMode: "FOREVER" as "GOVERNANCE", ObjectLockRetainUntilDate: new Date(nimbus.manualClock.now() + DAY) })),
    );
    assert.equal(mode.message, "Unknown wormMode directive.");
    // AWS quotes the values in single quotes (versity/versitygw#1141 quotes the AWS CLI's answer).
    const hold = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "p", Body: "x", ObjectLockLegalHoldStatus: "invalid_status" as "ON" })));
    assert.equal(hold.name, "InvalidArgument");
    assert.equal(hold.$metadata.httpStatusCode, 400);
    assert.equal(hold.message, "Legal Hold must be either of 'ON' or 'OFF'");
    const retention = await failure(
      s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "missing", Retention: { Mode: "GOVERNANCE", RetainUntilDate: new Date(nimbus.manualClock.now() + DAY) } })),
    );
    assert.equal(retention.name, "NoSuchKey");
    // Lock headers alone, without a default retention, also need an integrity header.
    for (const lock of [{ ObjectLockLegalHoldStatus: "ON" as const }, { ObjectLockMode: "GOVERNANCE" as const, ObjectLockRetainUntilDate: new Date(nimbus.manualClock.now() + DAY) }]) {
      const bare = await failure(plain.send(new PutObjectCommand({ Bucket: bucket, Key: "p", Body: "x", ...lock })));
      assert.deepEqual(
        [bare.name, bare.message, bare.$metadata.httpStatusCode],
        ["InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters", 400],
      );
    }
    // Without lock headers or a default retention, no integrity header is needed.
    await plain.send(new PutObjectCommand({ Bucket: bucket, Key: "p", Body: "x" }));
  });

  test("GOVERNANCE retention can be removed with the bypass; COMPLIANCE cannot", async () => {
    const bucket = await lockedBucket();
    const until = new Date(nimbus.manualClock.now() + DAY);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "g", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: until }));
    const refused = await failure(s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "g", Retention: {} })));
    assert.deepEqual([refused.name, refused.$metadata.httpStatusCode], ["AccessDenied", 403]);
    await s3.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "g", Retention: {}, BypassGovernanceRetention: true }));
    const none = await failure(s3.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: "g" })));
    assert.equal(none.name, "NoSuchObjectLockConfiguration");
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "g" }))).ObjectLockMode, undefined);
  });

  test("lifecycle never removes a locked noncurrent version", async () => {
    const bucket = await lockedBucket();
    const old = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: "lc", Body: "old", ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: new Date(nimbus.manualClock.now() + 10 * DAY) }),
    );
    const unlocked = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "lc", Body: "middle" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "lc", Body: "new" }));
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: [{ ID: "noncurrent", Status: "Enabled", Filter: { Prefix: "" }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }] },
      }),
    );
    await nimbus.scheduler.advance(3 * DAY);
    const versions = (await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }))).Versions ?? [];
    const ids = versions.map((v) => v.VersionId);
    assert.ok(ids.includes(old.VersionId), "the COMPLIANCE version stays");
    assert.ok(!ids.includes(unlocked.VersionId), "the unlocked noncurrent version expired");
    assert.equal(versions.length, 2);
  });
});
