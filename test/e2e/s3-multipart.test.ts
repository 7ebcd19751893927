import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import * as zlib from "node:zlib";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  PutObjectCommand,
  GetObjectAttributesCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
} from "@aws-sdk/client-s3";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { httpRequest, signedHeaders, uniqueName, type TestNimbus } from "./harness.js";
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

const MiB = 1024 * 1024;
const md5 = (data: Buffer): Buffer => createHash("md5").update(data).digest();
const crc32 = (data: Buffer): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(zlib.crc32(data) >>> 0);
  return out;
};

describe("S3 multipart uploads", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let bucket: string;
  s3BucketSuite("multipart", (fixture) => ({ nimbus, s3, bucket } = fixture));

  test("create, upload parts, list parts, complete: bytes, md5-of-md5s ETag and metadata", async () => {
    const part1 = randomBytes(5 * MiB);
    const part2 = randomBytes(MiB + 17);
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "big file.bin", ContentType: "application/x-test", Metadata: { origin: "mpu" } }));
    assert.equal(created.Bucket, bucket);
    assert.equal(created.Key, "big file.bin");
    assert.ok(created.UploadId);
    const uploadId = created.UploadId;
    const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "big file.bin", UploadId: uploadId, PartNumber: 1, Body: part1 }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "big file.bin", UploadId: uploadId, PartNumber: 2, Body: part2 }));
    assert.equal(p1.ETag, `"${md5(part1).toString("hex")}"`);

    const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "big file.bin", UploadId: uploadId }));
    assert.deepEqual(parts.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]), [
      [1, p1.ETag, 5 * MiB],
      [2, p2.ETag, MiB + 17],
    ]);
    assert.equal(parts.IsTruncated, false);
    const paged = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "big file.bin", UploadId: uploadId, MaxParts: 1 }));
    assert.deepEqual([paged.Parts?.length, paged.IsTruncated, paged.NextPartNumberMarker], [1, true, "1"]);
    const rest = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "big file.bin", UploadId: uploadId, PartNumberMarker: "1" }));
    assert.deepEqual(rest.Parts?.map((p) => p.PartNumber), [2]);

    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: "big file.bin",
        UploadId: uploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] },
      }),
    );
    const expectedETag = `"${createHash("md5").update(Buffer.concat([md5(part1), md5(part2)])).digest("hex")}-2"`;
    assert.equal(done.ETag, expectedETag);
    assert.equal(done.Bucket, bucket);
    assert.equal(done.Key, "big file.bin");
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "big file.bin" }));
    const body = Buffer.from(await got.Body!.transformToByteArray());
    assert.equal(body.length, part1.length + part2.length);
    assert.ok(body.equals(Buffer.concat([part1, part2])));
    assert.equal(got.ETag, expectedETag);
    assert.equal(got.ContentType, "application/x-test");
    assert.deepEqual(got.Metadata, { origin: "mpu" });
    const secondPart = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "big file.bin", PartNumber: 2 }));
    assert.ok(Buffer.from(await secondPart.Body!.transformToByteArray()).equals(part2));
    assert.equal(secondPart.PartsCount, 2);
    assert.equal(secondPart.ContentRange, `bytes ${5 * MiB}-${6 * MiB + 16}/${6 * MiB + 17}`);
    const firstHead = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "big file.bin", PartNumber: 1 }));
    assert.deepEqual([firstHead.ContentLength, firstHead.PartsCount], [5 * MiB, 2]);
    const noPart = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "big file.bin", PartNumber: 3 })));
    assert.deepEqual(
      [noPart.name, noPart.message, noPart.status, noPart.error["ActualPartCount"]],
      ["InvalidPartNumber", "The requested partnumber is not satisfiable", 416, "2"],
    );
    // The upload is gone once completed.
    const again = await failure(s3.send(new ListPartsCommand({ Bucket: bucket, Key: "big file.bin", UploadId: uploadId })));
    assert.deepEqual(
      [again.name, again.message, again.status, again.error["UploadId"]],
      ["NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", 404, uploadId],
    );
  });

  test("a last part small enough to be kept in the database reads back whole, by range across the edge and by part", async () => {
    const key = "small tail.bin";
    const head = randomBytes(5 * MiB);
    const tail = randomBytes(100);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: head }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, Body: tail }));
    await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } }),
    );
    const whole = Buffer.concat([head, tail]);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.ok(Buffer.from(await got.Body!.transformToByteArray()).equals(whole));
    const across = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${5 * MiB - 10}-${5 * MiB + 9}` }));
    assert.ok(Buffer.from(await across.Body!.transformToByteArray()).equals(whole.subarray(5 * MiB - 10, 5 * MiB + 10)));
    const last = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 2 }));
    assert.ok(Buffer.from(await last.Body!.transformToByteArray()).equals(tail));
  });

  test("part 1 of an empty multipart object is the empty object: 200 without a Content-Range, as for a single-part one", async () => {
    const key = "empty by parts";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(0) }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    for (const method of ["GET", "HEAD"]) {
      const read = await httpRequest(Number(new URL(nimbus.url).port), method, `/${bucket}/${encodeURIComponent(key)}?partNumber=1`, signedHeaders("s3"));
      assert.equal(read.status, 200, method);
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 1 }));
    assert.deepEqual([got.ContentLength, got.ContentRange, got.PartsCount], [0, undefined, 1]);
    assert.equal((await got.Body!.transformToByteArray()).length, 0);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: 1 }));
    assert.deepEqual([head.ContentLength, head.ContentRange, head.PartsCount], [0, undefined, 1]);
  });

  test("EntityTooSmall, InvalidPart and InvalidPartOrder", async () => {
    const key = "small-parts";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const a = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 1) }));
    const b = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, Body: Buffer.alloc(1024, 2) }));
    const tooSmall = await failure(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: a.ETag }, { PartNumber: 2, ETag: b.ETag }] } })),
    );
    assert.deepEqual(
      [tooSmall.name, tooSmall.message, tooSmall.status, tooSmall.error["ProposedSize"], tooSmall.error["MinSizeAllowed"], tooSmall.error["PartNumber"]],
      ["EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size", 400, "1024", "5242880", "1"],
    );
    const invalidPart = await failure(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0123456789abcdef0123456789abcdef"' }] } })),
    );
    assert.deepEqual(
      [invalidPart.name, invalidPart.message, invalidPart.status],
      [
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
      ],
    );
    const missingPart = await failure(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 3, ETag: a.ETag }] } })),
    );
    // The ETag sent is echoed without its quotes (LocalStack's AWS-validated
    // test_multipart_complete_multipart_wrong_part snapshot, complete-exc-wrong-part-number).
    assert.deepEqual(
      [missingPart.name, missingPart.error["PartNumber"], missingPart.error["ETag"], missingPart.error["UploadId"]],
      ["InvalidPart", "3", a.ETag?.replaceAll('"', ""), UploadId],
    );
    const order = await failure(
      s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: b.ETag }, { PartNumber: 1, ETag: a.ETag }] } })),
    );
    assert.deepEqual(
      [order.name, order.message, order.status],
      ["InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.", 400],
    );
    for (const PartNumber of [0, -4]) {
      const belowOne = await failure(
        s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber, ETag: a.ETag }] } })),
      );
      assert.deepEqual([belowOne.name, belowOne.message, belowOne.status], ["InvalidArgument", "PartNumber must be >= 1", 400]);
    }
    // A single small part is fine: the last part has no minimum.
    const single = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 2, ETag: b.ETag }] } }));
    assert.match(single.ETag ?? "", /^"[0-9a-f]{32}-1"$/);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(head.ContentLength, 1024);
  });

  test("part numbers and upload ids are checked; abort removes the upload", async () => {
    const key = "aborted";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const badNumber = await failure(s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 10001, Body: "x" })));
    assert.deepEqual(
      [badNumber.name, badNumber.message, badNumber.status, badNumber.error["ArgumentName"]],
      ["InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", 400, "partNumber"],
    );
    const noUpload = await failure(s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: "no-such-upload", PartNumber: 1, Body: "x" })));
    assert.deepEqual([noUpload.name, noUpload.status, noUpload.error["UploadId"]], ["NoSuchUpload", 404, "no-such-upload"]);
    await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: "x" }));
    const aborted = await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }));
    assert.equal(aborted.$metadata.httpStatusCode, 204);
    const head = await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    assert.equal(head.status, 404);
    const partAfterAbort = await failure(s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, Body: "x" })));
    assert.deepEqual([partAfterAbort.name, partAfterAbort.status], ["NoSuchUpload", 404]);
  });

  test("ListMultipartUploads by key and initiation, with prefix, delimiter and paging", async () => {
    const listBucket = uniqueName("uploads");
    await s3.send(new CreateBucketCommand({ Bucket: listBucket }));
    const ids: Record<string, string> = {};
    for (const key of ["logs/a", "logs/b", "top"]) {
      ids[key] = (await s3.send(new CreateMultipartUploadCommand({ Bucket: listBucket, Key: key }))).UploadId ?? "";
      nimbus.manualClock.advance(1000);
    }
    const second = (await s3.send(new CreateMultipartUploadCommand({ Bucket: listBucket, Key: "logs/a" }))).UploadId ?? "";
    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket: listBucket }));
    assert.deepEqual(all.Uploads?.map((u) => [u.Key, u.UploadId]), [
      ["logs/a", ids["logs/a"]],
      ["logs/a", second],
      ["logs/b", ids["logs/b"]],
      ["top", ids["top"]],
    ]);
    assert.equal(all.Uploads?.[0]?.Initiated?.toISOString(), "2026-01-15T12:00:00.000Z");
    const grouped = await s3.send(new ListMultipartUploadsCommand({ Bucket: listBucket, Delimiter: "/" }));
    assert.deepEqual(grouped.CommonPrefixes?.map((p) => p.Prefix), ["logs/"]);
    assert.deepEqual(grouped.Uploads?.map((u) => u.Key), ["top"]);
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: listBucket, MaxUploads: 1 }));
    assert.equal(page.IsTruncated, true);
    assert.equal(page.NextKeyMarker, "logs/a");
    assert.equal(page.NextUploadIdMarker, ids["logs/a"]);
    const next = await s3.send(new ListMultipartUploadsCommand({ Bucket: listBucket, KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker }));
    assert.deepEqual(next.Uploads?.map((u) => u.UploadId), [second, ids["logs/b"], ids["top"]]);
  });

  // S3 API Reference, Initiator: "If the principal is an IAM User, it provides a user ARN value";
  // ListParts' Owner: "If multipart upload is initiated by an IAM user, this element provides the
  // parent account ID". A session shows as its ARN, its role/session as name (Nimbus's reading).
  test("an upload started by an assumed role: Initiator is the session, Owner its account", async () => {
    const name = uniqueName("mpu-initiator");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const sts = new STSClient(nimbus.clientConfig());
    let account = "";
    let session = "";
    let uploadId: string | undefined;
    try {
      account = (await sts.send(new GetCallerIdentityCommand({}))).Account ?? "";
      const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/uploader`, RoleSessionName: "alice" }));
      session = assumed.AssumedRoleUser?.Arn ?? "";
      const creds = assumed.Credentials;
      const asRole = new S3Client({
        ...{},
        ...nimbus.clientConfig({ accessKeyId: creds?.AccessKeyId ?? "", secretAccessKey: creds?.SecretAccessKey ?? "", sessionToken: creds?.SessionToken ?? "" }),
        forcePathStyle: true,
      });
      try {
        uploadId = (await asRole.send(new CreateMultipartUploadCommand({ Bucket: name, Key: "by-role.bin" }))).UploadId;
      } finally {
        asRole.destroy();
      }
    } finally {
      sts.destroy();
    }
    assert.equal(session, `arn:aws:sts::${account}:assumed-role/uploader/alice`);
    const owner = { ID: createHash("sha256").update(`nimbus-canonical-user:${account}`).digest("hex") };
    const initiator = { ID: session, DisplayName: "uploader/alice" };
    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: name }));
    assert.deepEqual(listed.Uploads?.map((u) => [u.Key, u.Owner, u.Initiator]), [["by-role.bin", owner, initiator]]);
    const parts = await s3.send(new ListPartsCommand({ Bucket: name, Key: "by-role.bin", UploadId: uploadId }));
    assert.deepEqual([parts.Owner, parts.Initiator], [owner, initiator]);
    // The account's root user is its own initiator.
    const root = await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: "by-root.bin" }));
    const byRoot = await s3.send(new ListPartsCommand({ Bucket: name, Key: "by-root.bin", UploadId: root.UploadId }));
    assert.deepEqual([byRoot.Owner, byRoot.Initiator], [owner, owner]);
  });

  // AWS, as recorded in LocalStack's test_list_multiparts_next_marker snapshot: both next
  // markers are always sent, "" on an empty listing and the last upload on a last page.
  test("ListMultipartUploads always sends NextKeyMarker and NextUploadIdMarker", async () => {
    const name = uniqueName("mpu-next");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const empty = await s3.send(new ListMultipartUploadsCommand({ Bucket: name }));
    assert.deepEqual([empty.NextKeyMarker, empty.NextUploadIdMarker, empty.IsTruncated], ["", "", false]);
    await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: "a" }));
    const last = (await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: "b" }))).UploadId;
    const all = await s3.send(new ListMultipartUploadsCommand({ Bucket: name }));
    assert.deepEqual([all.NextKeyMarker, all.NextUploadIdMarker, all.IsTruncated], ["b", last, false]);
    const pastTheEnd = await s3.send(new ListMultipartUploadsCommand({ Bucket: name, KeyMarker: "b" }));
    assert.deepEqual([pastTheEnd.NextKeyMarker, pastTheEnd.NextUploadIdMarker], ["", ""]);
  });

  // AWS, as recorded in LocalStack's test_list_multiparts_next_marker snapshot: without a
  // key-marker the upload-id-marker is ignored and echoed empty; with one, an upload-id-marker
  // that is not an upload of that key is refused.
  test("ListMultipartUploads ignores a lone upload-id-marker and refuses one of another key", async () => {
    const name = uniqueName("mpu-markers");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const a = (await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: "a" }))).UploadId ?? "";
    const b = (await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: "b" }))).UploadId ?? "";
    const lone = await s3.send(new ListMultipartUploadsCommand({ Bucket: name, UploadIdMarker: b }));
    assert.equal(lone.UploadIdMarker, "");
    assert.deepEqual(lone.Uploads?.map((u) => u.UploadId), [a, b]);
    const own = await s3.send(new ListMultipartUploadsCommand({ Bucket: name, KeyMarker: "b", UploadIdMarker: b }));
    assert.equal(own.Uploads, undefined);
    const err = await failure(s3.send(new ListMultipartUploadsCommand({ Bucket: name, KeyMarker: "a", UploadIdMarker: b })));
    assert.deepEqual(
      [err.name, err.status, err.message, err.error["ArgumentName"], err.error["ArgumentValue"]],
      ["InvalidArgument", 400, "Invalid uploadId marker", "upload-id-marker", b],
    );
  });

  test("a CRC32 upload gets a COMPOSITE checksum of its parts", async () => {
    const key = "checksummed";
    const part1 = randomBytes(5 * MiB);
    const part2 = randomBytes(100);
    const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ChecksumAlgorithm: "CRC32" }));
    assert.equal(created.ChecksumAlgorithm, "CRC32");
    const UploadId = created.UploadId;
    const p1 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: part1, ChecksumAlgorithm: "CRC32" }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, Body: part2, ChecksumAlgorithm: "CRC32" }));
    assert.equal(p1.ChecksumCRC32, crc32(part1).toString("base64"));
    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: p1.ETag, ChecksumCRC32: p1.ChecksumCRC32 },
            { PartNumber: 2, ETag: p2.ETag, ChecksumCRC32: p2.ChecksumCRC32 },
          ],
        },
      }),
    );
    const composite = `${crc32(Buffer.concat([crc32(part1), crc32(part2)])).toString("base64")}-2`;
    assert.equal(done.ChecksumCRC32, composite);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
    assert.equal(head.ChecksumCRC32, composite);
  });

  // The v3 SDK sends a part whose body is a stream (fs.createReadStream with ContentLength, as
  // s3-sync-client does) as Content-Encoding: aws-chunked with an x-amz-checksum-crc32 trailer;
  // S3 stores the decoded bytes. UploadPart's model has no Content-Encoding member, so Nimbus
  // stored the framing as data (a 100,000-byte part became 100,053 bytes).
  test("a part sent as a stream (aws-chunked with a trailing CRC32) is stored decoded", async () => {
    const key = "streamed-part";
    const part1 = randomBytes(5 * MiB + 3);
    const part2 = randomBytes(100_000);
    const encodings: (string | undefined)[] = [];
    const client = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true });
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers: Record<string, string> };
        encodings.push(request.headers["content-encoding"]);
        return next(args);
      },
      { step: "finalizeRequest", name: "recordContentEncoding" },
    );
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const stream = (data: Buffer) => Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]);
    const p1 = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: stream(part1), ContentLength: part1.length }));
    const p2 = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, Body: stream(part2), ContentLength: part2.length }));
    assert.deepEqual(encodings.slice(1), ["aws-chunked", "aws-chunked"]);
    assert.equal(p1.ETag, `"${md5(part1).toString("hex")}"`);
    assert.equal(p2.ChecksumCRC32, crc32(part2).toString("base64"));
    const listed = await client.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId }));
    assert.deepEqual(listed.Parts?.map((p) => p.Size), [part1.length, part2.length]);
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.ETag }] } }));
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    assert.equal(got.ContentLength, part1.length + part2.length);
    assert.equal(got.ContentEncoding, undefined);
    assert.ok(Buffer.from(await (got.Body?.transformToByteArray() ?? new Uint8Array())).equals(Buffer.concat([part1, part2])));
    client.destroy();
  });

  // S3 keeps aws-chunked, the framing of a request body, out of the stored Content-Encoding, on
  // CreateMultipartUpload as on PutObject (scality/cloudserver's getMPU_compatibleHeaders test).
  test("CreateMultipartUpload stores Content-Encoding without aws-chunked, with its other content headers", async () => {
    const key = "encoded-upload";
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    const headers = { CacheControl: "max-age=86400", ContentDisposition: 'attachment; filename="fname.ext";', Expires: expires };
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentEncoding: "aws-chunked,gzip", ...headers }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: "x" }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    const got = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    assert.deepEqual(
      [got.ContentEncoding, got.CacheControl, got.ContentDisposition, got.ExpiresString],
      ["gzip", headers.CacheControl, headers.ContentDisposition, expires.toUTCString()],
    );
    const chunkedOnly = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentEncoding: "aws-chunked" }));
    const only = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: chunkedOnly.UploadId, PartNumber: 1, Body: "y" }));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: chunkedOnly.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: only.ETag }] } }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentEncoding, undefined);
  });

  test("UploadPartCopy builds parts from ranges of existing objects", async () => {
    const source = randomBytes(6 * MiB);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "copy-source.bin", Body: source }));
    const key = "assembled.bin";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const first = await s3.send(
      new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, CopySource: `${bucket}/copy-source.bin`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }),
    );
    assert.equal(first.CopyPartResult?.ETag, `"${md5(source.subarray(0, 5 * MiB)).toString("hex")}"`);
    assert.equal(first.CopyPartResult?.LastModified?.getTime(), Math.floor(nimbus.manualClock.now() / 1000) * 1000);
    const second = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, CopySource: `${bucket}/copy-source.bin` }));
    const badRange = await failure(
      s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 3, CopySource: `${bucket}/copy-source.bin`, CopySourceRange: `bytes=0-${6 * MiB}` })),
    );
    assert.deepEqual(
      [badRange.name, badRange.message, badRange.status],
      ["InvalidArgument", `Range specified is not valid for source object of size: ${6 * MiB}`, 400],
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: first.CopyPartResult?.ETag }, { PartNumber: 2, ETag: second.CopyPartResult?.ETag }] },
      }),
    );
    const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
    assert.ok(got.equals(Buffer.concat([source.subarray(0, 5 * MiB), source])));
    const attributes = await s3.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: ["ETag", "ObjectParts", "ObjectSize", "StorageClass"] }));
    assert.match(attributes.ETag ?? "", /^[0-9a-f]{32}-2$/);
    assert.equal(attributes.ObjectParts?.TotalPartsCount, 2);
    assert.equal(attributes.ObjectSize, 11 * MiB);
    assert.equal(attributes.StorageClass, "STANDARD");
  });

  test("a copy source over 5 GiB: CopyObject and a whole-object UploadPartCopy are refused, a range of it is copied", async () => {
    // 1025 parts of 5 MiB (5,374,607,360 bytes) copied from one object: a whole-object
    // UploadPartCopy shares the source's file, so the object is built without writing 5 GiB.
    const body = randomBytes(5 * MiB);
    const sourceKey = uniqueName("copy-limit-source");
    const source = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: sourceKey, Body: body, ChecksumAlgorithm: "CRC32" }));
    const bigKey = uniqueName("copy-limit-big");
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: bigKey, ChecksumAlgorithm: "CRC32" }));
    const numbers = Array.from({ length: 1025 }, (_, i) => i + 1);
    const parts: { PartNumber: number; ETag?: string; ChecksumCRC32?: string }[] = [];
    for (let i = 0; i < numbers.length; i += 16) {
      const batch = await Promise.all(
        numbers.slice(i, i + 16).map(async (PartNumber) => {
          const out = await s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: bigKey, UploadId, PartNumber, CopySource: `${bucket}/${sourceKey}` }));
          return { PartNumber, ETag: out.CopyPartResult?.ETag, ChecksumCRC32: out.CopyPartResult?.ChecksumCRC32 };
        }),
      );
      parts.push(...batch);
    }
    assert.equal(parts[0]?.ETag, source.ETag);
    assert.equal(parts[0]?.ChecksumCRC32, crc32(body).toString("base64"));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: bigKey, UploadId, MultipartUpload: { Parts: parts } }));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: bigKey }))).ContentLength, 1025 * 5 * MiB);

    const tooLarge = ["InvalidRequest", "The specified copy source is larger than the maximum allowable size for a copy source: 5368709120", 400];
    const copy = await failure(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: uniqueName("copy-limit-copy"), CopySource: `${bucket}/${bigKey}` })));
    assert.deepEqual([copy.name, copy.message, copy.status], tooLarge);
    const target = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: uniqueName("copy-limit-parts") }));
    const wholePart = await failure(s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: target.Key, UploadId: target.UploadId, PartNumber: 1, CopySource: `${bucket}/${bigKey}` })));
    assert.deepEqual([wholePart.name, wholePart.message, wholePart.status], tooLarge);
    // A range of it (here the last 5 MiB + 10 bytes, across two parts) is how an object over 5 GiB is copied.
    const ranged = await s3.send(
      new UploadPartCopyCommand({ Bucket: bucket, Key: target.Key, UploadId: target.UploadId, PartNumber: 1, CopySource: `${bucket}/${bigKey}`, CopySourceRange: `bytes=${1024 * 5 * MiB - 10}-${1025 * 5 * MiB - 1}` }),
    );
    assert.equal(ranged.CopyPartResult?.ETag, `"${md5(Buffer.concat([body.subarray(body.length - 10), body])).toString("hex")}"`);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: target.Key, UploadId: target.UploadId }));

    // The big object holds the source's bytes, not the source: it reads on once the source is gone.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: sourceKey }));
    const tail = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: bigKey, Range: `bytes=${1025 * 5 * MiB - 4}-` }));
    assert.deepEqual(Buffer.from(await (tail.Body?.transformToByteArray() ?? new Uint8Array())), body.subarray(body.length - 4));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: bigKey }));
  });

  test("a completed upload reads across its parts' edges, and its copies outlive it", async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(123)];
    const whole = Buffer.concat(parts);
    const key = "joined.bin";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) etags.push((await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: body }))).ETag ?? "");
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })) } }));
    const read = async (k: string, range?: string): Promise<Buffer> =>
      Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: k, ...(range ? { Range: range } : {}) }))).Body!.transformToByteArray());
    assert.ok((await read(key)).equals(whole));
    // Ranges that start in one part and end in the next, and one that runs past the end.
    for (const [start, end] of [
      [5 * MiB - 3, 5 * MiB + 2],
      [MiB, 10 * MiB + 5],
      [10 * MiB + 100, 20 * MiB],
    ] as const) {
      assert.ok((await read(key, `bytes=${start}-${end}`)).equals(whole.subarray(start, end + 1)), `bytes=${start}-${end}`);
    }
    await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "joined-copy.bin", CopySource: `${bucket}/${key}` }));
    const { UploadId: again } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "rejoined.bin" }));
    const copied = await s3.send(
      new UploadPartCopyCommand({ Bucket: bucket, Key: "rejoined.bin", UploadId: again, PartNumber: 1, CopySource: `${bucket}/${key}`, CopySourceRange: `bytes=${MiB}-${7 * MiB - 1}` }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    assert.ok((await read("joined-copy.bin")).equals(whole));
    await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "rejoined.bin", UploadId: again, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: copied.CopyPartResult?.ETag }] } }));
    assert.ok((await read("rejoined.bin")).equals(whole.subarray(MiB, 7 * MiB)));
  });

  // AWS answers a CompleteMultipartUpload retried after it succeeded with 200 and the same
  // result (as recorded against S3 in adobe/S3Mock#2586, minio/minio#13318 and ceph/s3-tests'
  // idempotent complete test); its conditions are not evaluated again (moto#8380).
  // AWS builds the Location on the endpoint called, in the request's addressing style; from
  // another container Nimbus is `nimbus:4566`, not its configured endpoint.
  test("CompleteMultipartUpload's Location is on the host the request came to, virtual-hosted when the request was", async () => {
    const complete = async (host: string, path: string) => {
      const headers = { host, ...signedHeaders("s3") };
      const created = await httpRequest(nimbus.port, "POST", `${path}?uploads`, headers);
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.text)?.[1] ?? "";
      await httpRequest(nimbus.port, "PUT", `${path}?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`, headers, "part");
      const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"${createHash("md5").update("part").digest("hex")}"</ETag></Part></CompleteMultipartUpload>`;
      const done = await httpRequest(nimbus.port, "POST", `${path}?uploadId=${encodeURIComponent(uploadId)}`, headers, body);
      assert.equal(done.status, 200, done.text);
      return /<Location>([^<]+)<\/Location>/.exec(done.text)?.[1];
    };
    assert.equal(await complete("nimbus:4566", `/${bucket}/dir/a%20b`), `http://nimbus:4566/${bucket}/dir%2Fa+b`);
    assert.equal(await complete(`${bucket}.localhost:${nimbus.port}`, "/dir/v"), `http://${bucket}.localhost:${nimbus.port}/dir%2Fv`);
  });

  test("a CompleteMultipartUpload retried after it succeeded answers the same result, once", async () => {
    const name = uniqueName("mpu-retry");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }));
    const key = "retried.bin";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: key, ChecksumAlgorithm: "CRC32" }));
    const part = await s3.send(new UploadPartCommand({ Bucket: name, Key: key, UploadId, PartNumber: 1, Body: "retry me", ChecksumAlgorithm: "CRC32" }));
    const complete = (extra: { IfNoneMatch?: string } = {}) =>
      s3.send(new CompleteMultipartUploadCommand({ ...{}, Bucket: name, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 }] }, ...extra }));
    const first = await complete({ IfNoneMatch: "*" });
    const again = await complete({ IfNoneMatch: "*" });
    assert.deepEqual(
      [again.$metadata.httpStatusCode, again.ETag, again.VersionId, again.ChecksumCRC32, again.ChecksumType, again.Location, again.Key],
      [200, first.ETag, first.VersionId, first.ChecksumCRC32, first.ChecksumType, first.Location, key],
    );
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: name, Prefix: key }));
    assert.deepEqual(versions.Versions?.map((v) => v.VersionId), [first.VersionId]);
    // The upload itself is gone: no more parts, no abort.
    const partAfter = await failure(s3.send(new UploadPartCommand({ Bucket: name, Key: key, UploadId, PartNumber: 2, Body: "x" })));
    assert.deepEqual(
      [partAfter.name, partAfter.status, partAfter.message],
      ["NoSuchUpload", 404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."],
    );
    const abortAfter = await failure(s3.send(new AbortMultipartUploadCommand({ Bucket: name, Key: key, UploadId })));
    assert.deepEqual([abortAfter.name, abortAfter.status], ["NoSuchUpload", 404]);
    // Once another write replaced its object, the upload is unknown again.
    await s3.send(new PutObjectCommand({ Bucket: name, Key: key, Body: "newer" }));
    const replaced = await failure(complete());
    assert.deepEqual([replaced.name, replaced.status, replaced.error["UploadId"]], ["NoSuchUpload", 404, UploadId]);
  });

  // The same rule for a retry that arrives while the first completion is still being processed
  // (an SDK retrying after a socket timeout): whichever commits second finds the upload completed
  // by the first, and answers its result instead of NoSuchUpload.
  test("CompleteMultipartUpload sent many times at once: every one answers the one object, written once", async () => {
    const name = uniqueName("mpu-burst");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }));
    const key = "burst.bin";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: name, Key: key }));
    const part = await s3.send(new UploadPartCommand({ Bucket: name, Key: key, UploadId, PartNumber: 1, Body: "burst" }));
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        s3.send(new CompleteMultipartUploadCommand({ Bucket: name, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } })).then(
          (done) => [200, done.ETag, done.VersionId],
          (err: Error & { $metadata?: { httpStatusCode?: number } }) => [err.$metadata?.httpStatusCode, err.name, err.message],
        ),
      ),
    );
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: name, Prefix: key }));
    assert.equal(versions.Versions?.length, 1);
    const only = versions.Versions?.[0];
    assert.deepEqual(answers, Array.from({ length: 8 }, () => [200, only?.ETag, only?.VersionId]));
  });

  test("edge cases of part numbers, listing parts, completion and copies that already hold", async () => {
    const key = "edges.bin";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    const zero = await failure(s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 0, Body: "x" })));
    assert.deepEqual(
      [zero.name, zero.status, zero.message, zero.error["ArgumentValue"]],
      ["InvalidArgument", 400, "Part number must be an integer between 1 and 10000, inclusive", "0"],
    );
    const etags: string[] = [];
    for (const n of [1, 2, 3]) etags.push((await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n, Body: `part ${n}` }))).ETag ?? "");
    const page1 = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId, MaxParts: 2 }));
    assert.deepEqual(
      [page1.Parts?.map((p) => p.PartNumber), page1.IsTruncated, page1.NextPartNumberMarker, page1.MaxParts],
      [[1, 2], true, "2", 2],
    );
    const page2 = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId, MaxParts: 2, PartNumberMarker: page1.NextPartNumberMarker }));
    assert.deepEqual([page2.Parts?.map((p) => p.PartNumber), page2.IsTruncated, page2.PartNumberMarker], [[3], false, "2"]);
    // A document that names no part (LocalStack's AWS-validated test_multipart_complete_multipart_too_small
    // snapshot, complete-exc-no-parts); no document at all (ceph/s3-tests test_multipart_upload_empty).
    const empty = await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: [] } })));
    assert.deepEqual([empty.name, empty.status, empty.message], ["InvalidRequest", 400, "You must specify at least one part"]);
    const noBody = await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })));
    assert.deepEqual(
      [noBody.name, noBody.status, noBody.message],
      ["MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"],
    );
    // Conditional completion: If-Match on a key with no object is 404; If-None-Match: * on one that exists is 412.
    const parts = [{ PartNumber: 3, ETag: etags[2] }];
    const noKey = await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, IfMatch: '"0123456789abcdef0123456789abcdef"', MultipartUpload: { Parts: parts } })));
    assert.deepEqual([noKey.name, noKey.status], ["NoSuchKey", 404]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "already here" }));
    const exists = await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, IfNoneMatch: "*", MultipartUpload: { Parts: parts } })));
    assert.deepEqual(
      [exists.name, exists.status, exists.message],
      ["PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold"],
    );
    const wrongEtag = await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, IfMatch: '"0123456789abcdef0123456789abcdef"', MultipartUpload: { Parts: parts } })));
    assert.deepEqual([wrongEtag.name, wrongEtag.status], ["PreconditionFailed", 412]);
    // UploadPartCopy: the range must be bytes=first-last; a failed copy-source condition is 412.
    const openRange = await failure(
      s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 4, CopySource: `${bucket}/${key}`, CopySourceRange: "bytes=0-" })),
    );
    assert.deepEqual(
      [openRange.name, openRange.status, openRange.message],
      [
        "InvalidArgument",
        400,
        "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
      ],
    );
    const source = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const noneMatch = await failure(
      s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 4, CopySource: `${bucket}/${key}`, CopySourceIfNoneMatch: source.ETag })),
    );
    assert.deepEqual([noneMatch.name, noneMatch.status, noneMatch.error["Condition"]], ["PreconditionFailed", 412, "x-amz-copy-source-If-None-Match"]);
    // The upload survived every refusal.
    const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, IfMatch: source.ETag, MultipartUpload: { Parts: parts } }));
    assert.match(done.ETag ?? "", /^"[0-9a-f]{32}-1"$/);
  });

  // S3's answer in versity/versitygw#1236 (an UploadPart); dyus/meeseeks-s3
  // tests/upload_part_copy/test_query_params.py asserts it for an UploadPartCopy.
  test("a CompleteMultipartUpload refused by its precondition holds nothing: aborting the upload deletes the part's file", async () => {
    const key = "refused-complete.bin";
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "already here" }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    // Over 256 KiB: the part is streamed into a file of its own.
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: randomBytes(300 * 1024) }));
    const row = nimbus.state.db.prepare("SELECT blob_id FROM s3_parts WHERE upload_id = ?").get(UploadId) as { blob_id: string };
    const blobs = nimbus.state.blobs;
    assert.equal(blobs.has(row.blob_id), true);
    const refused = await failure(s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, IfNoneMatch: "*", MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } })));
    assert.deepEqual([refused.name, refused.status], ["PreconditionFailed", 412]);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }));
    // The refused completion had composed the part (the object it would have been) and kept it pinned.
    assert.deepEqual([blobs.refs(row.blob_id), blobs.has(row.blob_id)], [0, false]);
  });

  test("a PUT with an uploadId but no partNumber is 405 MethodNotAllowed at the UPLOAD, not a PutObject or CopyObject", async () => {
    const key = uniqueName("no-part-number");
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "no-part-number-source", Body: "source" }));
    for (const copySource of [undefined, `/${bucket}/no-part-number-source`]) {
      const headers: Record<string, string> = { ...signedHeaders("s3"), ...(copySource ? { "x-amz-copy-source": copySource } : {}) };
      const res = await fetch(`${nimbus.url}/${bucket}/${key}?uploadId=${encodeURIComponent(UploadId ?? "")}`, { method: "PUT", headers, body: copySource ? undefined : "data" });
      const text = await res.text();
      assert.equal(res.status, 405, text);
      assert.equal(res.headers.get("allow"), "DELETE, POST, GET");
      assert.match(text, /<Code>MethodNotAllowed<\/Code><Message>The specified method is not allowed against this resource.<\/Message><Method>PUT<\/Method><ResourceType>UPLOAD<\/ResourceType>/);
    }
    await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
  });

  // S3's answers pasted in versity/versitygw#1226 (UploadPartCopy) and #1237 (UploadPart).
  test("a PUT with a partNumber but no uploadId is 400 InvalidArgument, not a PutObject or CopyObject", async () => {
    const key = uniqueName("no-upload-id");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "no-upload-id-source", Body: "source" }));
    for (const copySource of [undefined, `/${bucket}/no-upload-id-source`]) {
      const headers: Record<string, string> = { ...signedHeaders("s3"), ...(copySource ? { "x-amz-copy-source": copySource } : {}) };
      const res = await httpRequest(nimbus.port, "PUT", `/${bucket}/${key}?partNumber=1`, headers, copySource ? undefined : "data");
      assert.equal(res.status, 400, res.text);
      assert.match(
        res.text,
        /<Code>InvalidArgument<\/Code><Message>This operation does not accept partNumber without uploadId<\/Message><ArgumentName>partNumber<\/ArgumentName><ArgumentValue>partNumber<\/ArgumentValue>/,
      );
    }
    await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
  });
});

describe("S3 multipart uploads: aborting again", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let bucket: string;
  s3BucketSuite("abort-again", (fixture) => ({ nimbus, s3, bucket } = fixture));

  test("an aborted upload is forgotten a day later, though no other upload is aborted after it", async () => {
    const key = "aborted-last";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }));
    const remembered = () => (nimbus.state.db.prepare("SELECT count(*) AS n FROM s3_aborted_uploads WHERE upload_id = ?").get(UploadId) as { n: number }).n;
    assert.equal(remembered(), 1);
    await nimbus.scheduler.advance(23 * 60 * 60 * 1000);
    assert.equal((await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))).$metadata.httpStatusCode, 204);
    await nimbus.scheduler.advance(2 * 60 * 60 * 1000);
    assert.equal(remembered(), 0);
    const dayLater = await failure(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })));
    assert.deepEqual([dayLater.name, dayLater.status], ["NoSuchUpload", 404]);
  });

  test("an upload aborted again is answered 204 for hours, as S3 does; a day later it is NoSuchUpload", async () => {
    const key = "aborted-twice";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: "x" }));
    assert.equal((await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))).$metadata.httpStatusCode, 204);
    nimbus.manualClock.advance(60 * 60 * 1000);
    assert.equal((await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId }))).$metadata.httpStatusCode, 204);
    // Only that upload of that key; it takes no more parts.
    const otherKey = await failure(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: "other", UploadId })));
    assert.deepEqual([otherKey.name, otherKey.status], ["NoSuchUpload", 404]);
    const part = await failure(s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 2, Body: "x" })));
    assert.deepEqual([part.name, part.status], ["NoSuchUpload", 404]);
    nimbus.manualClock.advance(24 * 60 * 60 * 1000);
    const dayLater = await failure(s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })));
    assert.deepEqual([dayLater.name, dayLater.status, dayLater.error["UploadId"]], ["NoSuchUpload", 404, UploadId]);
  });
});
