import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ListObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { uniqueName } from "./harness.js";
import { s3BucketSuite } from "./s3-fixtures.js";

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined; error: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, error: e as unknown as Record<string, unknown> };
  }
  assert.fail("expected the call to fail");
}

// Deliberately out of order; "\uFF61" (UTF-8 EF BD A1) sorts before "\u{1F600}" (F0 9F 98 80)
// in UTF-8 byte order although its UTF-16 code unit is larger.
const KEYS = [
  "photos/2024/b.jpg",
  "photos/2024/a.jpg",
  "photos/2025/c.jpg",
  "photos/cover.jpg",
  "readme.md",
  "a",
  "b/\u{1F600}.txt",
  "b/\uFF61.txt",
  "b/z.txt",
  "docs/guide one.pdf",
];

describe("S3 listing", () => {
  let s3: S3Client;
  let bucket: string;
  s3BucketSuite("listing", (fixture) => ({ s3, bucket } = fixture));
  before(async () => {
    for (const key of KEYS) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
  });

  test("ListObjectsV2 lists every key in UTF-8 byte order", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.deepEqual(out.Contents?.map((c) => c.Key), [
      "a",
      "b/z.txt",
      "b/\uFF61.txt",
      "b/\u{1F600}.txt",
      "docs/guide one.pdf",
      "photos/2024/a.jpg",
      "photos/2024/b.jpg",
      "photos/2025/c.jpg",
      "photos/cover.jpg",
      "readme.md",
    ]);
    assert.equal(out.KeyCount, 10);
    assert.equal(out.MaxKeys, 1000);
    assert.equal(out.IsTruncated, false);
    assert.equal(out.Name, bucket);
    assert.equal(out.Contents?.[0]?.Size, 1);
    assert.equal(out.Contents?.[0]?.StorageClass, "STANDARD");
    assert.equal(out.Contents?.[0]?.Owner, undefined);
    const withOwner = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, FetchOwner: true }));
    assert.match(withOwner.Contents?.[0]?.Owner?.ID ?? "", /^[0-9a-f]{64}$/);
  });

  test("prefix and delimiter roll keys up into common prefixes", async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/" }));
    assert.deepEqual(top.Contents?.map((c) => c.Key), ["a", "readme.md"]);
    assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ["b/", "docs/", "photos/"]);
    assert.equal(top.KeyCount, 5);
    const photos = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "photos/", Delimiter: "/" }));
    assert.deepEqual(photos.Contents?.map((c) => c.Key), ["photos/cover.jpg"]);
    assert.deepEqual(photos.CommonPrefixes?.map((p) => p.Prefix), ["photos/2024/", "photos/2025/"]);
    assert.equal(photos.Prefix, "photos/");
    assert.equal(photos.Delimiter, "/");
    const none = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "zzz" }));
    assert.equal(none.Contents, undefined);
    assert.equal(none.KeyCount, 0);
  });

  test("MaxKeys pages with continuation tokens; common prefixes count once", async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "/", MaxKeys: 2, ContinuationToken: token }));
      pages++;
      seen.push(...(page.Contents ?? []).map((c) => c.Key ?? ""), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix ?? ""));
      assert.ok((page.KeyCount ?? 0) <= 2);
      if (page.IsTruncated) assert.ok(page.NextContinuationToken);
      assert.equal(page.ContinuationToken, token);
      token = page.NextContinuationToken;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen.sort(), ["a", "b/", "docs/", "photos/", "readme.md"]);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: "photos/2025/c.jpg" }));
    assert.deepEqual(after.Contents?.map((c) => c.Key), ["photos/cover.jpg", "readme.md"]);
    assert.equal(after.StartAfter, "photos/2025/c.jpg");
    const bad = await failure(s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: "bm90LWEtdG9rZW4=" })));
    assert.deepEqual(
      [bad.name, bad.message, bad.status, bad.error["ArgumentName"]],
      ["InvalidArgument", "The continuation token provided is incorrect", 400, "continuation-token"],
    );
  });

  // AWS, as recorded in LocalStack's test_list_objects_v2_continuation_start_after snapshot
  // ("exc-continuation-token"): 400 InvalidArgument with ArgumentName and no ArgumentValue.
  test("ListObjectsV2 refuses an empty continuation token", async () => {
    const empty = await failure(s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: "" })));
    assert.deepEqual(
      [empty.name, empty.message, empty.status, empty.error["ArgumentName"], empty.error["ArgumentValue"]],
      ["InvalidArgument", "The continuation token provided is incorrect", 400, "continuation-token", undefined],
    );
  });

  test("EncodingType=url encodes keys and prefixes", async () => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "docs/", EncodingType: "url" }));
    assert.equal(out.EncodingType, "url");
    assert.deepEqual(out.Contents?.map((c) => c.Key), ["docs/guide%20one.pdf"]);
  });

  test("ListObjects (V1) pages with Marker and NextMarker", async () => {
    const first = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3 }));
    assert.deepEqual(first.Contents?.map((c) => c.Key), ["a", "b/z.txt", "b/\uFF61.txt"]);
    assert.equal(first.IsTruncated, true);
    // Without a delimiter S3 sends no NextMarker: the next marker is the last key.
    assert.equal(first.NextMarker, undefined);
    assert.match(first.Contents?.[0]?.Owner?.ID ?? "", /^[0-9a-f]{64}$/);
    const second = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3, Marker: "b/\uFF61.txt" }));
    assert.deepEqual(second.Contents?.map((c) => c.Key), ["b/\u{1F600}.txt", "docs/guide one.pdf", "photos/2024/a.jpg"]);
    assert.equal(second.Marker, "b/\uFF61.txt");
    const delimited = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: "/", MaxKeys: 2 }));
    assert.deepEqual(delimited.Contents?.map((c) => c.Key), ["a"]);
    assert.deepEqual(delimited.CommonPrefixes?.map((p) => p.Prefix), ["b/"]);
    assert.equal(delimited.NextMarker, "b/");
    const rest = await s3.send(new ListObjectsCommand({ Bucket: bucket, Delimiter: "/", Marker: "b/" }));
    assert.deepEqual(rest.CommonPrefixes?.map((p) => p.Prefix), ["docs/", "photos/"]);
    assert.deepEqual(rest.Contents?.map((c) => c.Key), ["readme.md"]);
  });

  test("listing a missing bucket is NoSuchBucket", async () => {
    const name = uniqueName("nolist");
    const err = await failure(s3.send(new ListObjectsV2Command({ Bucket: name })));
    assert.deepEqual([err.name, err.message, err.status, err.error["BucketName"]], ["NoSuchBucket", "The specified bucket does not exist", 404, name]);
  });
});
