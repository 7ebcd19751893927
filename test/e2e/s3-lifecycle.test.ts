import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type LifecycleRule, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand, ListPartsCommand, UploadPartCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand, ListObjectsV2Command, GetBucketVersioningCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client, PutBucketLifecycleConfigurationCommand, GetBucketLifecycleConfigurationCommand, DeleteBucketLifecycleCommand } from "@aws-sdk/client-s3";
import { uniqueName, type TestNimbus } from "./harness.js";
import { s3Suite } from "./s3-fixtures.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/*
 * Every call is real HTTP with the v3 client (PUT/GET /{Bucket}?lifecycle reaches
 * PutBucketLifecycleConfiguration, not the deprecated PutBucketLifecycle bound to the same
 * path), and time moves with the scheduler.
 */
describe("S3 lifecycle rules", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));

  const putLifecycle = (bucket: string, rules: unknown[]) =>
    s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules as LifecycleRule[] } }));

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

  test("configuration is validated, stored with IDs, and deleted", async () => {
    const bucket = uniqueName("lc-config");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const none = await invokeFailure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })));
    assert.deepEqual([none.name, none.message, none.status, none.fields["BucketName"]], ["NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", 404, bucket]);
    const dup = await invokeFailure(
      putLifecycle(bucket, [
        { ID: "same", Status: "Enabled", Filter: { Prefix: "a/" }, Expiration: { Days: 1 } },
        { ID: "same", Status: "Enabled", Filter: { Prefix: "b/" }, Expiration: { Days: 1 } },
      ]),
    );
    assert.deepEqual([dup.name, dup.message, dup.status], ["InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule", 400]);
    await putLifecycle(bucket, [{ Status: "Enabled", Filter: { Prefix: "tmp/" }, Expiration: { Days: 7 } }]);
    const got = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    assert.equal(got.Rules?.length, 1);
    assert.match(got.Rules?.[0]?.ID ?? "", /^[0-9a-f]{24}$/);
    assert.deepEqual(got.Rules?.[0]?.Filter, { Prefix: "tmp/" });
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }));
    assert.equal((await invokeFailure(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket })))).name, "NoSuchLifecycleConfiguration");
  });

  test("expiration, transitions, noncurrent versions and incomplete uploads happen as the clock moves", async () => {
    const plain = uniqueName("lc-plain");
    const versioned = uniqueName("lc-versioned");
    await s3.send(new CreateBucketCommand({ Bucket: plain }));
    await s3.send(new CreateBucketCommand({ Bucket: versioned }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Enabled" } }));
    await putLifecycle(plain, [
      { ID: "expire-logs", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Days: 1 } },
      { ID: "archive", Status: "Enabled", Filter: { Prefix: "data/" }, Transitions: [{ Days: 2, StorageClass: "GLACIER" }] },
      { ID: "abort", Status: "Enabled", Filter: { Prefix: "" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
    ]);
    await putLifecycle(versioned, [{ ID: "old-versions", Status: "Enabled", Filter: {}, Expiration: { Days: 3 }, NoncurrentVersionExpiration: { NoncurrentDays: 1 } }]);

    // Created 2026-01-15 12:00 UTC: one day later, rounded up to midnight, is Jan 17 00:00.
    const put = await s3.send(new PutObjectCommand({ Bucket: plain, Key: "logs/app.log", Body: "log line" }));
    assert.equal(put.Expiration, 'expiry-date="Sat, 17 Jan 2026 00:00:00 GMT", rule-id="expire-logs"');
    const head = await s3.send(new HeadObjectCommand({ Bucket: plain, Key: "logs/app.log" }));
    assert.equal(head.Expiration, 'expiry-date="Sat, 17 Jan 2026 00:00:00 GMT", rule-id="expire-logs"');
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: "keep/me.txt", Body: "stays" }));
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: "data/big.bin", Body: Buffer.alloc(200 * 1024, 1) }));
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: "data/small.bin", Body: "under 128 KiB: not transitioned" }));
    const mpu = await s3.send(new CreateMultipartUploadCommand({ Bucket: plain, Key: "unfinished.bin" }));
    assert.equal(mpu.AbortDate?.toISOString(), "2026-01-17T00:00:00.000Z");
    assert.equal(mpu.AbortRuleId, "abort");

    const v1 = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: "doc", Body: "v1" }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: "doc", Body: "v2" }));
    // x-amz-expiration on a read without a version id only: not for a version named by id, even
    // the current one (LocalStack's AWS-validated test_bucket_lifecycle_configuration_object_expiry_versioned:
    // head-object-expiry-noncurrent, head-object-expiry-current-with-version-id).
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: versioned, Key: "doc" }))).Expiration, 'expiry-date="Mon, 19 Jan 2026 00:00:00 GMT", rule-id="old-versions"');
    for (const VersionId of [v1.VersionId, v2.VersionId]) {
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: versioned, Key: "doc", VersionId }))).Expiration, undefined);
    }

    await nimbus.scheduler.advance(36 * HOUR); // Jan 17 00:00
    const left = await s3.send(new ListObjectsV2Command({ Bucket: plain }));
    assert.deepEqual(left.Contents?.map((c) => c.Key), ["data/big.bin", "data/small.bin", "keep/me.txt"]);
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: plain }))).Uploads, undefined);
    // v1 became noncurrent at 12:00 on Jan 15; it goes at midnight Jan 17.
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: versioned }));
    assert.deepEqual(versions.Versions?.map((v) => v.VersionId), [v2.VersionId]);
    assert.notEqual(v1.VersionId, v2.VersionId);

    await nimbus.scheduler.advance(DAY); // Jan 18 00:00
    const big = await s3.send(new HeadObjectCommand({ Bucket: plain, Key: "data/big.bin" }));
    assert.equal(big.StorageClass, "GLACIER");
    const small = await s3.send(new HeadObjectCommand({ Bucket: plain, Key: "data/small.bin" }));
    assert.equal(small.StorageClass, undefined);
    const frozen = await s3.send(new GetObjectCommand({ Bucket: plain, Key: "data/big.bin" })).catch((err: Error) => err);
    assert.equal((frozen as Error).name, "InvalidObjectState");

    await nimbus.scheduler.advance(DAY); // Jan 19 00:00: the versioned current version expires into a delete marker
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket: versioned }));
    assert.deepEqual(after.Versions?.map((v) => [v.VersionId, v.IsLatest]), [[v2.VersionId, false]]);
    assert.equal(after.DeleteMarkers?.length, 1);
    assert.equal(after.DeleteMarkers?.[0]?.IsLatest, true);
  });

  test("MFA delete cannot be enabled on a bucket with a lifecycle configuration", async () => {
    // "Lifecycle configuration on MFA-enabled buckets is not supported" (S3 User Guide, "Lifecycle and
    // other bucket configurations"); S3's answer as quoted in cloudposse/terraform-aws-codebuild#76.
    const bucket = uniqueName("lc-mfa");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await putLifecycle(bucket, [{ ID: "expire", Status: "Enabled", Filter: {}, Expiration: { Days: 1 } }]);
    const MFA = "arn:aws:iam::000000000000:mfa/root-account-mfa-device 123456";
    const enable = () => s3.send(new PutBucketVersioningCommand({ Bucket: bucket, MFA, VersioningConfiguration: { Status: "Enabled", MFADelete: "Enabled" } }));
    const refused = await invokeFailure(enable());
    assert.deepEqual(
      [refused.name, refused.message, refused.status],
      ["InvalidBucketState", "Mfa Authentication is not supported on a bucket with lifecycle configuration. Delete lifecycle configuration before enabling Mfa Authentication.", 409],
    );
    assert.deepEqual(await s3.send(new GetBucketVersioningCommand({ Bucket: bucket })).then((v) => [v.Status, v.MFADelete]), [undefined, undefined]);
    // Versioning alone is fine; MFA delete once the configuration is gone.
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }));
    await enable();
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).MFADelete, "Enabled");
  });

  test("an expiration no later than a transition of the same rule is refused", async () => {
    const bucket = uniqueName("lc-order");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const early = await invokeFailure(putLifecycle(bucket, [{ ID: "r", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Days: 30 }, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] }]));
    assert.deepEqual(
      [early.name, early.message, early.status],
      ["InvalidArgument", "'Days' in the Expiration action for filter '(prefix=logs/)' must be greater than 'Days' in the Transition action", 400],
    );
    const noncurrent = await invokeFailure(
      putLifecycle(bucket, [{ ID: "r", Status: "Enabled", Filter: {}, NoncurrentVersionExpiration: { NoncurrentDays: 10 }, NoncurrentVersionTransitions: [{ NoncurrentDays: 10, StorageClass: "GLACIER" }] }]),
    );
    assert.deepEqual(
      [noncurrent.name, noncurrent.message],
      ["InvalidArgument", "'NoncurrentDays' in the NoncurrentVersionExpiration action for filter '(prefix=)' must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action"],
    );
    await putLifecycle(bucket, [{ ID: "r", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Days: 31 }, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] }]);
  });

  // A document value that is not of its element's type fails the schema: MalformedXML, not a
  // SerializationException (scality/cloudserver putBucketLifecycle.js, run against AWS, for Days
  // past the int32 range; aws/aws-sdk-js#2352 for a Date S3 could not read).
  test("a Days that is no int32 is MalformedXML", async () => {
    const bucket = uniqueName("lc-int32");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const malformed = ["MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"];
    const rule = (days: number) => [{ ID: "r", Status: "Enabled", Filter: {}, Expiration: { Days: days } }];
    const overflow = await invokeFailure(putLifecycle(bucket, rule(2147483648)));
    assert.deepEqual([overflow.name, overflow.status, overflow.message], malformed);
    const body = '<LifecycleConfiguration><Rule><ID>r</ID><Filter/><Status>Enabled</Status><Expiration><Days>ten</Days></Expiration></Rule></LifecycleConfiguration>';
    const md5 = createHash("md5").update(body).digest("base64");
    const text = await (await fetch(`${nimbus.url}/${bucket}?lifecycle`, { method: "PUT", headers: { "content-md5": md5 }, body })).text();
    assert.match(text, /<Code>MalformedXML<\/Code>/);
    await putLifecycle(bucket, rule(2147483647));
  });

  // hashicorp/terraform-provider-aws#23882 and #23296: S3's MalformedXML to an And of one prefix;
  // scality/cloudserver putBucketLifecycle.js for an And of one tag.
  test("an And filter of one predicate is MalformedXML; an empty Prefix counts as one", async () => {
    const bucket = uniqueName("lc-and");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const rule = (And: NonNullable<LifecycleRule["Filter"]>["And"]) => [{ ID: "r", Status: "Enabled", Filter: { And }, Expiration: { Days: 1 } }];
    for (const and of [{ Prefix: "logs/" }, { Tags: [{ Key: "team", Value: "data" }] }, { ObjectSizeGreaterThan: 1024 }]) {
      const e = await invokeFailure(putLifecycle(bucket, rule(and)));
      assert.deepEqual([e.name, e.status], ["MalformedXML", 400], JSON.stringify(and));
    }
    await putLifecycle(bucket, rule({ Prefix: "", Tags: [{ Key: "team", Value: "data" }] }));
    await putLifecycle(bucket, rule({ Tags: [{ Key: "team", Value: "data" }, { Key: "tier", Value: "cold" }] }));
  });

  // S3's messages as CloudFormation passed them on (2026); scality/cloudserver
  // putBucketLifecycle.js, written against S3, for the codes.
  test("a rule's transitions go to different classes, by Days or by Date as its expiration", async () => {
    const bucket = uniqueName("lc-mixed");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const refused = async (rule: Partial<LifecycleRule>): Promise<unknown[]> => {
      const e = await invokeFailure(putLifecycle(bucket, [{ ID: "r", Status: "Enabled", Filter: { Prefix: "" }, ...rule }]));
      return [e.name, e.status, e.message];
    };
    const date = new Date("2016-01-01T00:00:00.000Z");
    assert.deepEqual(await refused({ Transitions: [{ Days: 30, StorageClass: "GLACIER" }, { Days: 90, StorageClass: "GLACIER" }] }), [
      "InvalidRequest",
      400,
      "'StorageClass' must be different for 'Transition' actions in same 'Rule' with filter '(prefix=)'",
    ]);
    assert.deepEqual(await refused({ Transitions: [{ Date: date, StorageClass: "GLACIER" }, { Days: 90, StorageClass: "DEEP_ARCHIVE" }] }), [
      "InvalidRequest",
      400,
      "Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for filter '(prefix=)'",
    ]);
    assert.deepEqual(await refused({ Transitions: [{ Days: 1, StorageClass: "GLACIER" }], Expiration: { Date: date } }), [
      "InvalidRequest",
      400,
      "Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for filter '(prefix=)'",
    ]);
    await putLifecycle(bucket, [{ ID: "r", Status: "Enabled", Filter: { Prefix: "" }, Transitions: [{ Days: 30, StorageClass: "GLACIER" }, { Days: 120, StorageClass: "DEEP_ARCHIVE" }], Expiration: { Days: 365 } }]);
  });

  test("x-amz-expiration on every write, with the rule ID URL-encoded; abort headers on ListParts", async () => {
    const bucket = uniqueName("lc-headers");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await putLifecycle(bucket, [
      { ID: "expire logs", Status: "Enabled", Filter: { Prefix: "logs/" }, Expiration: { Days: 1 } },
      { ID: "abort", Status: "Enabled", Filter: { Prefix: "logs/" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } },
    ]);
    const header = /^expiry-date="\w{3}, \d{2} \w{3} \d{4} 00:00:00 GMT", rule-id="expire%20logs"$/;
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "logs/a", Body: "a" }));
    assert.match(put.Expiration ?? "", header);
    const copy = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "logs/b", CopySource: `${bucket}/logs/a` }));
    assert.match(copy.Expiration ?? "", header);
    const get = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "logs/b" }));
    assert.match(get.Expiration ?? "", header);
    await get.Body?.transformToString();
    const mpu = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "logs/c" }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "logs/c", UploadId: mpu.UploadId, PartNumber: 1, Body: "c" }));
    const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "logs/c", UploadId: mpu.UploadId }));
    assert.deepEqual([parts.AbortDate?.toISOString(), parts.AbortRuleId], [mpu.AbortDate?.toISOString(), "abort"]);
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "logs/c", UploadId: mpu.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.match(done.Expiration ?? "", header);
    const other = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "kept/a", Body: "a" }));
    assert.equal(other.Expiration, undefined);
    // A rule ID no header can carry goes URL-encoded, where CreateMultipartUpload had answered 500.
    await putLifecycle(bucket, [{ ID: "abort\nlogs", Status: "Enabled", Filter: { Prefix: "logs/" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } }]);
    const encoded = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "logs/d" }));
    assert.equal(encoded.AbortRuleId, "abort%0Alogs");
    assert.equal((await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "logs/d", UploadId: encoded.UploadId }))).AbortRuleId, "abort%0Alogs");
  });

  test("transitions go only down S3's waterfall, and small objects only where the bucket's minimum size lets them", async () => {
    const bucket = uniqueName("lc-waterfall");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        TransitionDefaultMinimumObjectSize: "varies_by_storage_class",
        LifecycleConfiguration: {
          Rules: [
            { ID: "tier", Status: "Enabled", Filter: { Prefix: "tier/" }, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }, { Days: 60, StorageClass: "GLACIER" }] },
            { ID: "small-ir", Status: "Enabled", Filter: { Prefix: "small-ir/" }, Transitions: [{ Days: 1, StorageClass: "GLACIER_IR" }] },
            { ID: "small-deep", Status: "Enabled", Filter: { Prefix: "small-deep/" }, Transitions: [{ Days: 1, StorageClass: "DEEP_ARCHIVE" }] },
          ],
        },
      }),
    );
    const big = Buffer.alloc(200 * 1024, 1);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "tier/big.bin", Body: big }));
    // Uploaded straight into a colder class than the rule's first step.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "tier/cold.bin", Body: big, StorageClass: "GLACIER_IR" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "small-ir/a.txt", Body: "small" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "small-deep/a.txt", Body: "small" }));
    const storageClass = async (key: string) => (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).StorageClass;

    await nimbus.scheduler.advance(3 * DAY);
    assert.equal(await storageClass("small-ir/a.txt"), undefined);
    assert.equal(await storageClass("small-deep/a.txt"), "DEEP_ARCHIVE");
    await nimbus.scheduler.advance(29 * DAY);
    assert.equal(await storageClass("tier/big.bin"), "STANDARD_IA");
    assert.equal(await storageClass("tier/cold.bin"), "GLACIER_IR");
    await nimbus.scheduler.advance(30 * DAY);
    assert.equal(await storageClass("tier/big.bin"), "GLACIER");
    assert.equal(await storageClass("tier/cold.bin"), "GLACIER");
    // The Standard-IA transition is still "due", but S3 never moves an object back up.
    await nimbus.scheduler.advance(2 * DAY);
    assert.equal(await storageClass("tier/big.bin"), "GLACIER");
    assert.equal(await storageClass("tier/cold.bin"), "GLACIER");
  });
});
