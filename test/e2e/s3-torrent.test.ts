import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectTorrentCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  PutBucketEncryptionCommand,
} from "@aws-sdk/client-s3";
import { decodeBencode, type BencodeDecoded } from "../../src/services/s3/domain/bencode.js";
import { failure, signedHeaders, uniqueName, type TestNimbus } from "./harness.js";
import { s3BucketSuite } from "./s3-fixtures.js";

type Dict = { [key: string]: BencodeDecoded };

function dict(value: BencodeDecoded | undefined): Dict {
  assert.ok(value !== undefined && typeof value === "object" && !Buffer.isBuffer(value) && !Array.isArray(value), "expected a dictionary");
  return value;
}

/** The decoded .torrent of a GetObjectTorrent answer. */
async function torrentOf(out: { Body?: { transformToByteArray(): Promise<Uint8Array> } }): Promise<Dict> {
  assert.ok(out.Body, "expected a body");
  return dict(decodeBencode(await out.Body.transformToByteArray()));
}

function bytes(value: BencodeDecoded | undefined): Buffer {
  assert.ok(Buffer.isBuffer(value), "expected a byte string");
  return value;
}

describe("S3 GetObjectTorrent", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let bucket: string;
  s3BucketSuite("torrent", (fixture) => ({ nimbus, s3, bucket } = fixture));

  test("a 600 KiB object: a bencoded v1 metainfo whose pieces are the SHA-1s of its 256 KiB pieces", async () => {
    const body = randomBytes(600 * 1024);
    const key = "releases/2026/nimbus image.bin";
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));

    const out = await s3.send(new GetObjectTorrentCommand({ Bucket: bucket, Key: key }));
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.equal(out.RequestCharged, undefined);
    const torrent = await torrentOf(out);

    assert.deepEqual(Object.keys(torrent), ["announce", "announce-list", "info", "url-list"]);
    assert.equal(bytes(torrent["announce"]).toString(), "http://tracker.amazonaws.com:6969/announce");
    assert.deepEqual(torrent["announce-list"], [[Buffer.from("http://tracker.amazonaws.com:6969/announce")]]);
    const webSeed = `${nimbus.url}/${bucket}/releases/2026/nimbus%20image.bin`;
    assert.deepEqual(torrent["url-list"], [Buffer.from(webSeed)]);

    const info = dict(torrent["info"]);
    assert.equal(bytes(info["name"]).toString(), "nimbus image.bin");
    assert.equal(info["length"], 600 * 1024);
    assert.equal(info["piece length"], 262_144);
    assert.equal(bytes(info["x-amz-bucket"]).toString(), bucket);
    assert.equal(bytes(info["x-amz-key"]).toString(), key);
    const pieces = bytes(info["pieces"]);
    assert.equal(pieces.length, 3 * 20);
    const sha1 = (from: number, to: number) => createHash("sha1").update(body.subarray(from, to)).digest();
    assert.deepEqual(pieces, Buffer.concat([sha1(0, 262_144), sha1(262_144, 524_288), sha1(524_288, 614_400)]));

    // The web seed is the object itself on this Nimbus, so a BitTorrent client can fetch the pieces over HTTP.
    const seeded = await fetch(webSeed, { headers: signedHeaders("s3") });
    assert.equal(seeded.status, 200);
    assert.deepEqual(Buffer.from(await seeded.arrayBuffer()), body);
  });

  test("the response carries S3's Content-Type and Content-Disposition", async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "quotes/Nelson", Body: "Engage the enemy more closely." }));
    const res = await fetch(`${nimbus.url}/${bucket}/quotes/Nelson?torrent`, { headers: signedHeaders("s3") });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/x-bittorrent");
    assert.equal(res.headers.get("content-disposition"), "attachment; filename=Nelson.torrent;");
    const info = dict(dict(decodeBencode(Buffer.from(await res.arrayBuffer())))["info"]);
    assert.equal(info["length"], 30);
    assert.deepEqual(info["pieces"], createHash("sha1").update("Engage the enemy more closely.").digest());
  });

  test("an empty object has no pieces; a bucket in another region announces to that region's tracker", async () => {
    const eu = new S3Client({ ...nimbus.clientConfig({ region: "eu-west-1" }), forcePathStyle: true });
    try {
      const euBucket = uniqueName("torrent-eu");
      await eu.send(new CreateBucketCommand({ Bucket: euBucket, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
      await eu.send(new PutObjectCommand({ Bucket: euBucket, Key: "empty", Body: new Uint8Array(0) }));
      const out = await eu.send(new GetObjectTorrentCommand({ Bucket: euBucket, Key: "empty" }));
      const torrent = await torrentOf(out);
      assert.equal(bytes(torrent["announce"]).toString(), "http://s3-tracker.eu-west-1.amazonaws.com:6969/announce");
      const info = dict(torrent["info"]);
      assert.equal(info["length"], 0);
      assert.deepEqual(info["pieces"], Buffer.alloc(0));
    } finally {
      eu.destroy();
    }
  });

  test("a missing key, a missing bucket and a current delete marker answer as GetObject does", async () => {
    const missing = await failure(s3.send(new GetObjectTorrentCommand({ Bucket: bucket, Key: "nothing-here" })));
    assert.equal(missing.name, "NoSuchKey");
    assert.equal(missing.message, "The specified key does not exist.");
    assert.equal(missing.$metadata.httpStatusCode, 404);

    const noBucket = await failure(s3.send(new GetObjectTorrentCommand({ Bucket: uniqueName("absent"), Key: "k" })));
    assert.equal(noBucket.name, "NoSuchBucket");
    assert.equal(noBucket.message, "The specified bucket does not exist");
    assert.equal(noBucket.$metadata.httpStatusCode, 404);

    const versioned = uniqueName("torrent-versions");
    await s3.send(new CreateBucketCommand({ Bucket: versioned }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Enabled" } }));
    await s3.send(new PutObjectCommand({ Bucket: versioned, Key: "doc", Body: "one" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: versioned, Key: "doc" }));
    assert.equal(marker.DeleteMarker, true);
    const res = await fetch(`${nimbus.url}/${versioned}/doc?torrent`, { headers: signedHeaders("s3") });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("x-amz-delete-marker"), "true");
    assert.equal(res.headers.get("x-amz-version-id"), marker.VersionId);
    assert.match(await res.text(), /<Code>NoSuchKey<\/Code><Message>The specified key does not exist.<\/Message>/);
  });

  test("an object encrypted with a customer-provided key gets no torrent", async () => {
    const key = randomBytes(32);
    // SSE-C writes are blocked in new buckets (April 2026) until the bucket unblocks them.
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BlockedEncryptionTypes: { EncryptionType: ["NONE"] } }] },
      }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: "sse-c",
        Body: "secret",
        SSECustomerAlgorithm: "AES256",
        SSECustomerKey: key.toString("base64"),
        SSECustomerKeyMD5: createHash("md5").update(key).digest("base64"),
      }),
    );
    const err = await failure(s3.send(new GetObjectTorrentCommand({ Bucket: bucket, Key: "sse-c" })));
    assert.equal(err.name, "InvalidRequest");
    assert.equal(err.message, "Torrents are not supported for objects encrypted using SSE-C.");
    assert.equal(err.$metadata.httpStatusCode, 400);
  });

  test("x-amz-expected-bucket-owner naming another account is refused", async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "owned", Body: "x" }));
    const err = await failure(s3.send(new GetObjectTorrentCommand({ Bucket: bucket, Key: "owned", ExpectedBucketOwner: "111122223333" })));
    assert.equal(err.name, "AccessDenied");
    assert.equal(err.message, "Access Denied");
    assert.equal(err.$metadata.httpStatusCode, 403);
    const ok = await s3.send(new GetObjectTorrentCommand({ Bucket: bucket, Key: "owned", ExpectedBucketOwner: "000000000000" }));
    assert.equal(dict((await torrentOf(ok))["info"])["length"], 1);
  });
});
