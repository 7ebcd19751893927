import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketInventoryConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { S3Store } from "../../src/services/s3/store.js";
import { acrossRestart, startTestNimbus, uniqueName } from "./harness.js";

test("buckets, versions, metadata and bodies (a completed multipart upload's too) survive a restart on the same data dir", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-s3-"));
  const bucket = uniqueName("durable");
  const body = randomBytes(1024 * 1024);
  try {
    const first = await startTestNimbus({ inMemory: false, dataDir });
    const s3 = new S3Client({ ...first.clientConfig(), forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "data.bin", Body: body, Metadata: { kept: "yes" }, Tagging: "t=1" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "data.bin", Body: "second" }));
    // A completed upload is kept as its parts: the start-up sweep must leave them.
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1000)];
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "joined.bin" }));
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) etags.push((await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "joined.bin", UploadId, PartNumber: i + 1, Body: part }))).ETag ?? "");
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "joined.bin", UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) } }));
    s3.destroy();
    await first.close();

    const second = await startTestNimbus({ inMemory: false, dataDir });
    const again = new S3Client({ ...second.clientConfig(), forcePathStyle: true });
    try {
      const versions = await again.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      assert.equal(versions.Versions?.filter((v) => v.Key === "data.bin").length, 2);
      const old = await again.send(new GetObjectCommand({ Bucket: bucket, Key: "data.bin", VersionId: v1.VersionId }));
      assert.ok(Buffer.from(await old.Body!.transformToByteArray()).equals(body));
      assert.deepEqual(old.Metadata, { kept: "yes" });
      assert.deepEqual((await again.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: "data.bin", VersionId: v1.VersionId }))).TagSet, [{ Key: "t", Value: "1" }]);
      assert.equal(await (await again.send(new GetObjectCommand({ Bucket: bucket, Key: "data.bin" }))).Body?.transformToString(), "second");
      const joined = await again.send(new GetObjectCommand({ Bucket: bucket, Key: "joined.bin" }));
      assert.ok(Buffer.from(await joined.Body!.transformToByteArray()).equals(Buffer.concat(parts)));
    } finally {
      again.destroy();
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("lifecycle actions that fell due while Nimbus was down happen when it starts again, not an interval later", async () => {
  // S3 removes an object once its lifetime ends ("Amazon S3 queues it for removal and removes it
  // asynchronously", S3 User Guide, Expiring objects), whether or not Nimbus ran meanwhile.
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-s3-"));
  const bucket = uniqueName("lc-restart");
  try {
    // Thursday 10:30 UTC: Days 1 expires the object and aborts the upload at Saturday 00:00 UTC.
    const first = await startTestNimbus({ inMemory: false, dataDir, startTime: Date.parse("2026-01-15T10:30:00Z") });
    const s3 = new S3Client({ ...first.clientConfig(), forcePathStyle: true });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket,
          LifecycleConfiguration: { Rules: [{ ID: "short", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] },
        }),
      );
      const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "brief.txt", Body: "x" }));
      assert.equal(put.Expiration, 'expiry-date="Sat, 17 Jan 2026 00:00:00 GMT", rule-id="short"');
      await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "never-finished" }));
    } finally {
      s3.destroy();
      await first.close();
    }

    // Back on Sunday, for less than an hour (the sweeps' interval).
    const second = await startTestNimbus({ inMemory: false, dataDir, startTime: Date.parse("2026-01-18T09:00:00Z") });
    const again = new S3Client({ ...second.clientConfig(), forcePathStyle: true });
    try {
      await again.send(new ListObjectsV2Command({ Bucket: bucket }));
      await second.scheduler.advance(59 * 60_000);
      assert.equal((await again.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount, 0);
      assert.equal((await again.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads, undefined);
    } finally {
      again.destroy();
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a version left PENDING replication when Nimbus stopped is replicated when it starts again", async () => {
  // S3 keeps a version PENDING through a temporary failure and "resumes replicating" it once the
  // resource is back (S3 User Guide, Getting replication status information). A kill -9 between
  // a PUT's commit and its replication leaves the version so: the first part recreates that state
  // (the replica not made, the source version PENDING).
  await acrossRestart(
    (nimbus) => ({ nimbus, s3: new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true }) }),
    ({ s3 }) => s3.destroy(),
    async ({ nimbus, s3 }) => {
      const source = uniqueName("rep-src");
      const destination = uniqueName("rep-dst");
      for (const bucket of [source, destination]) {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
      }
      await s3.send(
        new PutBucketReplicationCommand({
          Bucket: source,
          ReplicationConfiguration: {
            Role: "arn:aws:iam::000000000000:role/replication",
            Rules: [{ ID: "all", Priority: 1, Status: "Enabled", Filter: { Prefix: "" }, DeleteMarkerReplication: { Status: "Disabled" }, Destination: { Bucket: `arn:aws:s3:::${destination}` } }],
          },
        }),
      );
      const { VersionId } = await s3.send(new PutObjectCommand({ Bucket: source, Key: "report.csv", Body: "a,b" }));
      await nimbus.events.idle();
      await s3.send(new DeleteObjectCommand({ Bucket: destination, Key: "report.csv", VersionId }));
      const store = (await nimbus.registry.get("s3")).store as S3Store;
      const row = store.version(source, "report.csv", VersionId ?? "");
      assert.ok(row);
      store.setReplicationStatus(row.seq, "PENDING");
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "report.csv" }))).ReplicationStatus, "PENDING");
      return { source, destination, VersionId };
    },
    async ({ nimbus, s3 }, { source, destination, VersionId }) => {
      await nimbus.registry.get("s3");
      await nimbus.scheduler.runDue();
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "report.csv" }))).ReplicationStatus, "COMPLETED");
      const replica = await s3.send(new GetObjectCommand({ Bucket: destination, Key: "report.csv" }));
      assert.deepEqual([replica.VersionId, replica.ReplicationStatus, await replica.Body?.transformToString()], [VersionId, "REPLICA", "a,b"]);
    },
  );
});

test("an inventory report that fell due while Nimbus was down is delivered when it starts again, not an hour later", async () => {
  // S3 Inventory creates "inventory lists on a daily or weekly basis" (S3 User Guide, Configuring
  // Amazon S3 Inventory); with only the hourly sweep, a Nimbus restarted more often than hourly never did.
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-s3-"));
  const source = uniqueName("inv-src");
  const destination = uniqueName("inv-dst");
  try {
    const first = await startTestNimbus({ inMemory: false, dataDir, startTime: Date.parse("2026-01-15T22:30:00Z") });
    const s3 = new S3Client({ ...first.clientConfig(), forcePathStyle: true });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: source }));
      await s3.send(new CreateBucketCommand({ Bucket: destination }));
      await s3.send(new PutObjectCommand({ Bucket: source, Key: "a.txt", Body: "a" }));
      await first.scheduler.runDue();
      await s3.send(
        new PutBucketInventoryConfigurationCommand({
          Bucket: source,
          Id: "daily",
          InventoryConfiguration: { Id: "daily", IsEnabled: true, Destination: { S3BucketDestination: { Bucket: `arn:aws:s3:::${destination}`, Format: "CSV" } }, IncludedObjectVersions: "Current", Schedule: { Frequency: "Daily" } },
        }),
      );
    } finally {
      s3.destroy();
      await first.close();
    }

    // Back the next morning, for less than an hour (the sweep's interval).
    const second = await startTestNimbus({ inMemory: false, dataDir, startTime: Date.parse("2026-01-16T09:00:00Z") });
    const again = new S3Client({ ...second.clientConfig(), forcePathStyle: true });
    try {
      await again.send(new ListObjectsV2Command({ Bucket: destination }));
      await second.scheduler.advance(59 * 60_000);
      const keys = ((await again.send(new ListObjectsV2Command({ Bucket: destination }))).Contents ?? []).map((o) => o.Key);
      assert.ok(keys.includes(`${source}/daily/2026-01-16T09-00Z/manifest.json`), keys.join(" "));
    } finally {
      again.destroy();
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
