import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { CreateBucketCommand, GetObjectCommand, GetObjectTaggingCommand, ListObjectVersionsCommand, PutBucketVersioningCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { startTestNimbus, uniqueName } from "./harness.js";

test("buckets, versions, metadata and bodies survive a restart on the same data dir", async () => {
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
    s3.destroy();
    await first.close();

    const second = await startTestNimbus({ inMemory: false, dataDir });
    const again = new S3Client({ ...second.clientConfig(), forcePathStyle: true });
    try {
      const versions = await again.send(new ListObjectVersionsCommand({ Bucket: bucket }));
      assert.equal(versions.Versions?.length, 2);
      const old = await again.send(new GetObjectCommand({ Bucket: bucket, Key: "data.bin", VersionId: v1.VersionId }));
      assert.ok(Buffer.from(await old.Body!.transformToByteArray()).equals(body));
      assert.deepEqual(old.Metadata, { kept: "yes" });
      assert.deepEqual((await again.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: "data.bin", VersionId: v1.VersionId }))).TagSet, [{ Key: "t", Value: "1" }]);
      assert.equal(await (await again.send(new GetObjectCommand({ Bucket: bucket, Key: "data.bin" }))).Body?.transformToString(), "second");
    } finally {
      again.destroy();
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
