/**
 * Edge cases of ListObjectsV2 and ListObjects: MaxKeys 0, StartAfter beside a token or outside
 * the prefix, delimiters of several characters, keys XML must escape, and what encoding-type=url
 * encodes; max-keys refused on the wire; RestoreStatus listed when
 * x-amz-optional-object-attributes asks for it; the order a listing's elements are written in.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { CreateBucketCommand, ListObjectsCommand, ListObjectsV2Command, ListObjectVersionsCommand, PutObjectCommand, RestoreObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { signedHeaders, uniqueName, type TestNimbus } from "./harness.js";
import { s3BucketSuite } from "./s3-fixtures.js";

const KEYS = ["a--b", "a--c/d", "b/1", "b/2", "b/c--d", "q&a <x> \"y\" 'z'", "sp ace+plus", "ctl\u0001char", "z"];

describe("S3 listing edge cases", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let bucket: string;
  s3BucketSuite("listedge", (fixture) => ({ nimbus, s3, bucket } = fixture));
  before(async () => {
    for (const key of KEYS) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" }));
  });

  async function raw(query: string): Promise<{ status: number; body: string }> {
    const res = await fetch(`${nimbus.url}/${bucket}?${query}`, { headers: signedHeaders("s3") });
    return { status: res.status, body: await res.text() };
  }

  test("MaxKeys=0 lists nothing and is not truncated", async () => {
    const v2 = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 0 }));
    assert.deepEqual([v2.MaxKeys, v2.KeyCount, v2.IsTruncated, v2.Contents, v2.NextContinuationToken], [0, 0, false, undefined, undefined]);
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 0 }));
    assert.deepEqual([v1.MaxKeys, v1.IsTruncated, v1.Contents, v1.NextMarker], [0, false, undefined, undefined]);
  });

  test("a continuation token wins over StartAfter, which is still echoed", async () => {
    const first = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2 }));
    assert.deepEqual(first.Contents?.map((c) => c.Key), ["a--b", "a--c/d"]);
    const next = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, StartAfter: "sp", ContinuationToken: first.NextContinuationToken }));
    assert.deepEqual(next.Contents?.map((c) => c.Key), ["b/1"]);
    assert.equal(next.StartAfter, "sp");
  });

  test("StartAfter outside the prefix: before it lists the whole prefix, after it nothing", async () => {
    const before = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "b/", StartAfter: "a" }));
    assert.deepEqual(before.Contents?.map((c) => c.Key), ["b/1", "b/2", "b/c--d"]);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "b/", StartAfter: "c" }));
    assert.deepEqual([after.Contents, after.KeyCount], [undefined, 0]);
  });

  test("a delimiter of several characters rolls keys up at its first occurrence after the prefix", async () => {
    const top = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: "--" }));
    assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ["a--", "b/c--"]);
    assert.deepEqual(top.Contents?.map((c) => c.Key).slice(0, 2), ["b/1", "b/2"]);
    const inB = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "b/", Delimiter: "--" }));
    assert.deepEqual(inB.Contents?.map((c) => c.Key), ["b/1", "b/2"]);
    assert.deepEqual(inB.CommonPrefixes?.map((p) => p.Prefix), ["b/c--"]);
    assert.equal(inB.KeyCount, 3);
  });

  test("keys XML must escape come back whole; encoding-type=url encodes control characters", async () => {
    const plain = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "q" }));
    assert.deepEqual(plain.Contents?.map((c) => c.Key), ["q&a <x> \"y\" 'z'"]);
    const encoded = await raw("list-type=2&encoding-type=url&prefix=ctl");
    assert.ok(encoded.body.includes("<Key>ctl%01char</Key>"), encoded.body);
    const quoted = await raw("list-type=2&encoding-type=url&prefix=q");
    assert.ok(quoted.body.includes("<Key>q%26a%20%3Cx%3E%20%22y%22%20%27z%27</Key>"), quoted.body);
  });

  // S3's listings write quotes as &quot; (dyus/meeseeks-s3's recorded ListVersionsResult bodies;
  // the ListObjects and ListObjectsV2 API references' samples), the ETags' and a key's alike.
  test("listings write the quotes of ETags and keys as &quot;", async () => {
    for (const query of ["list-type=2&prefix=q", "prefix=q", "versions&prefix=q"]) {
      const listed = await raw(query);
      assert.equal(listed.status, 200, listed.body);
      assert.match(listed.body, /<ETag>&quot;[0-9a-f]{32}&quot;<\/ETag>/, query);
      assert.ok(listed.body.includes("<Key>q&amp;a &lt;x&gt; &quot;y&quot; 'z'</Key>"), listed.body);
    }
    // The SDK reads them back as quotes.
    const v2 = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "q" }));
    assert.match(v2.Contents?.[0]?.ETag ?? "", /^"[0-9a-f]{32}"$/);
  });

  // ListObjectsV2: "returns encoded key name values in the following response elements:
  // Delimiter, Prefix, Key, and StartAfter." ListObjects: "Delimiter, Marker, Prefix, NextMarker, Key."
  test("encoding-type=url encodes StartAfter (V2) and Marker and NextMarker (V1)", async () => {
    const v2 = await raw("list-type=2&encoding-type=url&start-after=sp%20ace&prefix=s&delimiter=%2B");
    assert.equal(v2.status, 200, v2.body);
    assert.ok(v2.body.includes("<StartAfter>sp%20ace</StartAfter>"), v2.body);
    assert.ok(v2.body.includes("<Delimiter>%2B</Delimiter>"), v2.body);
    assert.ok(v2.body.includes("<Prefix>sp%20ace%2B</Prefix>"), v2.body);
    const v1 = await raw("encoding-type=url&marker=r%20r&delimiter=%20&max-keys=1");
    assert.ok(v1.body.includes("<Marker>r%20r</Marker>"), v1.body);
    assert.ok(v1.body.includes("<Prefix>sp%20</Prefix>"), v1.body);
    assert.ok(v1.body.includes("<NextMarker>sp%20</NextMarker>"), v1.body);
  });

  // AWS, as measured in brekkylab/backlot (#192 and tests/test_s3.py, 2026-09-11/14): a negative
  // int32 max-keys gets the range message naming maxKeys; a value that is no int32 (not a number,
  // or past either end of the range) gets "not an integer" naming max-keys, as ListObjectVersions
  // answers max-keys=abc in a recording against s3.amazonaws.com; ListMultipartUploads' max-uploads
  // takes the same two messages under its own name.
  test("RestoreStatus is listed when asked for: in progress, then done with its expiry; nothing for a version never restored", async () => {
    // S3 API Reference, RestoreStatus: IsRestoreInProgress "true" while the restore runs, "false" with
    // RestoreExpiryDate once done; "If the object hasn't been restored, there is no header response".
    const archive = uniqueName("listrestore");
    await s3.send(new CreateBucketCommand({ Bucket: archive }));
    await s3.send(new PutObjectCommand({ Bucket: archive, Key: "cold", Body: "x", StorageClass: "GLACIER" }));
    await s3.send(new PutObjectCommand({ Bucket: archive, Key: "warm", Body: "x" }));
    const statuses = async (): Promise<unknown[]> => {
      const asked = { Bucket: archive, OptionalObjectAttributes: ["RestoreStatus" as const] };
      const v2 = (await s3.send(new ListObjectsV2Command(asked))).Contents?.map((c) => [c.Key, c.RestoreStatus]);
      assert.deepEqual((await s3.send(new ListObjectsCommand(asked))).Contents?.map((c) => [c.Key, c.RestoreStatus]), v2);
      assert.deepEqual((await s3.send(new ListObjectVersionsCommand(asked))).Versions?.map((c) => [c.Key, c.RestoreStatus]), v2);
      return v2 ?? [];
    };
    assert.deepEqual(await statuses(), [["cold", undefined], ["warm", undefined]]);
    await s3.send(new RestoreObjectCommand({ Bucket: archive, Key: "cold", RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: "Standard" } } }));
    assert.deepEqual(await statuses(), [["cold", { IsRestoreInProgress: true }], ["warm", undefined]]);
    // Not asked for, not listed.
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: archive }))).Contents?.[0]?.RestoreStatus, undefined);
    // Standard retrieval is done within 5 hours; the copy lasts a day, to the next midnight UTC.
    await nimbus.scheduler.advance(5 * 3_600_000);
    assert.deepEqual(await statuses(), [["cold", { IsRestoreInProgress: false, RestoreExpiryDate: new Date("2026-01-17T00:00:00.000Z") }], ["warm", undefined]]);
    const res = await fetch(`${nimbus.url}/${archive}?list-type=2`, { headers: { ...signedHeaders("s3"), "x-amz-optional-object-attributes": "RestoreStatus" } });
    assert.match(await res.text(), /<StorageClass>GLACIER<\/StorageClass><RestoreStatus><IsRestoreInProgress>false<\/IsRestoreInProgress><RestoreExpiryDate>2026-01-17T00:00:00.000Z<\/RestoreExpiryDate><\/RestoreStatus>/);
  });

  test("ListObjects, ListObjectsV2 and ListMultipartUploads refuse a negative or non-int32 page size", async () => {
    const range = "Argument maxKeys must be an integer between 0 and 2147483647";
    const notInteger = (name: string) => `Provided ${name} not an integer or within integer range`;
    const cases: [string, string, string, string][] = [
      ["max-keys=-1", range, "maxKeys", "-1"],
      ["list-type=2&max-keys=-2147483648", range, "maxKeys", "-2147483648"],
      ["max-keys=abc", notInteger("max-keys"), "max-keys", "abc"],
      ["list-type=2&max-keys=abc", notInteger("max-keys"), "max-keys", "abc"],
      ["list-type=2&max-keys=2147483648", notInteger("max-keys"), "max-keys", "2147483648"],
      ["max-keys=-2147483649", notInteger("max-keys"), "max-keys", "-2147483649"],
      ["uploads&max-uploads=abc", notInteger("max-uploads"), "max-uploads", "abc"],
      ["uploads&max-uploads=2147483648", notInteger("max-uploads"), "max-uploads", "2147483648"],
      ["uploads&max-uploads=-1", "Argument max-uploads must be an integer between 0 and 2147483647", "max-uploads", "-1"],
    ];
    for (const [query, message, name, value] of cases) {
      const { status, body } = await raw(query);
      assert.equal(status, 400, query);
      assert.ok(
        body.includes(`<Code>InvalidArgument</Code><Message>${message}</Message><ArgumentName>${name}</ArgumentName><ArgumentValue>${value}</ArgumentValue>`),
        `${query}: ${body}`,
      );
    }
  });
  // S3's sample and recorded listings open with Name and the request's echoes; the AWS SDK for
  // Java v1 gives each summary the bucket name already read (XmlResponsesSaxParser).
  test("listings write Name and the request's echoes before the entries, as S3 does", async () => {
    const head = (body: string) => /^<\?xml[^>]*>\s*<(\w+) [^>]*>((?:<\w+>[^<]*<\/\w+>)*?)<(?:Contents|Version|DeleteMarker)>/.exec(body)?.slice(1);
    const v1 = await raw("prefix=b/&marker=b/1&max-keys=1&delimiter=/");
    assert.deepEqual(head(v1.body), [
      "ListBucketResult",
      `<Name>${bucket}</Name><Prefix>b/</Prefix><Marker>b/1</Marker><NextMarker>b/2</NextMarker><MaxKeys>1</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>`,
    ]);
    const v2 = await raw("list-type=2&prefix=b/&start-after=b/1&max-keys=1&delimiter=/&encoding-type=url");
    const token = /<NextContinuationToken>([^<]*)</.exec(v2.body)?.[1];
    assert.deepEqual(head(v2.body), [
      "ListBucketResult",
      `<Name>${bucket}</Name><Prefix>b/</Prefix><StartAfter>b/1</StartAfter><NextContinuationToken>${token}</NextContinuationToken><KeyCount>1</KeyCount><MaxKeys>1</MaxKeys><Delimiter>/</Delimiter><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>`,
    ]);
    const versions = await raw("versions&prefix=b/&max-keys=1");
    assert.deepEqual(head(versions.body), [
      "ListVersionsResult",
      `<Name>${bucket}</Name><Prefix>b/</Prefix><KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><NextKeyMarker>b/1</NextKeyMarker><NextVersionIdMarker>null</NextVersionIdMarker><MaxKeys>1</MaxKeys><IsTruncated>true</IsTruncated>`,
    ]);
  });
});
