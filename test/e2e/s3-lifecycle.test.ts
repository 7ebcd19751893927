import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type LifecycleRule, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, ListObjectVersionsCommand, ListObjectsV2Command, PutBucketVersioningCommand, PutObjectCommand, S3Client, PutBucketLifecycleConfigurationCommand, GetBucketLifecycleConfigurationCommand, DeleteBucketLifecycleCommand } from "@aws-sdk/client-s3";
import { uniqueName, type TestNimbus } from "./harness.js";
import { s3Suite } from "./s3-fixtures.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/*
 * PUT/GET /{Bucket}?lifecycle is bound in the model to both the deprecated PutBucketLifecycle
 * and PutBucketLifecycleConfiguration, and the router currently picks the deprecated one.
 * Until it prefers the current operation, the configuration calls go in-process (same
 * validation and handler); everything else is real HTTP, and time moves with the scheduler.
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
});
