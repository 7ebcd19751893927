/**
 * S3 as developers drive it with the v3 SDK's own helper libraries: `getSignedUrl`
 * (@aws-sdk/s3-request-presigner) handing URLs to a plain `fetch`, the managed multipart
 * `Upload` (@aws-sdk/lib-storage), and `createPresignedPost` (@aws-sdk/s3-presigned-post) for
 * browser-form uploads sent as `FormData`. Presigned URLs are signed at the manual clock's time
 * (`signingDate`), so their expiry is driven by advancing it; `createPresignedPost` reads the
 * real clock, so its suite starts the server at the real time.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { request } from "node:http";
import { Readable } from "node:stream";
import { crc32 } from "node:zlib";
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import { Crc64Nvme } from "@aws-sdk/checksums/crc";
import { Upload } from "@aws-sdk/lib-storage";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { ENFORCE_ALL, failure, signedHeaders, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";
import { newBucket, s3BucketSuite, s3Suite } from "./s3-fixtures.js";

const MiB = 1024 * 1024;
const S3_MISMATCH = "The request signature we calculated does not match the signature you provided. Check your key and signing method.";

function md5(data: Uint8Array | string): Buffer {
  return createHash("md5").update(data).digest();
}

function base64Crc32(data: Uint8Array): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(data) >>> 0);
  return out.toString("base64");
}

async function base64Crc64Nvme(data: Uint8Array): Promise<string> {
  const hasher = new Crc64Nvme();
  hasher.update(data);
  return Buffer.from(await hasher.digest()).toString("base64");
}

function xmlValue(xml: string, tag: string): string | undefined {
  return new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1];
}

/** S3's error document of a refused fetch: status, code, message, and the other elements asked for. */
async function refusedWith(response: Response, ...elements: string[]): Promise<(string | number | undefined)[]> {
  const body = await response.text();
  return [response.status, xmlValue(body, "Code"), xmlValue(body, "Message"), ...elements.map((e) => xmlValue(body, e))];
}

/** Two 5 MiB chunks, then what `end` gives (or throws) once `gate` settles: a body whose end waits for a part to be stored. */
function heldBack(gate: Promise<void>, end: () => Buffer): Readable {
  return Readable.from(
    (async function* () {
      yield Buffer.alloc(5 * MiB, 1);
      yield Buffer.alloc(5 * MiB, 2);
      await gate;
      yield end();
    })(),
  );
}

/** A body of `size` bytes that is not one repeated byte, so misplaced parts would show. */
function patterned(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4096) data.writeUInt32BE(i >>> 0, i);
  return data;
}

describe("getSignedUrl (@aws-sdk/s3-request-presigner) with fetch", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let bucket: string;
  s3BucketSuite("presigner", (fixture) => ({ nimbus, s3, bucket } = fixture));
  const signingDate = (): Date => new Date(nimbus.manualClock.now());

  test("PutObject: the URL carries the CRC32 of an empty body, which S3 ignores; hoisted metadata, tags and storage class apply", async () => {
    const url = new URL(
      await getSignedUrl(
        s3,
        new PutObjectCommand({ Bucket: bucket, Key: "put/report.txt", ContentType: "text/plain", Metadata: { owner: "ada" }, Tagging: "team=blue&stage=draft", StorageClass: "STANDARD_IA" }),
        { expiresIn: 300, signingDate: signingDate() },
      ),
    );
    // What this SDK puts in the URL: requestChecksumCalculation WHEN_SUPPORTED signs the CRC32 of
    // the (absent) body, and every x-amz-* header it does not sign rides in the query string.
    const params = url.searchParams;
    assert.equal(params.get("x-amz-checksum-crc32"), "AAAAAA==");
    assert.equal(params.get("x-amz-sdk-checksum-algorithm"), "CRC32");
    assert.equal(params.get("X-Amz-SignedHeaders"), "host");
    assert.equal(params.get("X-Amz-Content-Sha256"), "UNSIGNED-PAYLOAD");
    assert.equal(params.get("x-amz-meta-owner"), "ada");
    assert.equal(params.get("x-amz-tagging"), "team=blue&stage=draft");
    assert.equal(params.get("x-amz-storage-class"), "STANDARD_IA");
    // The presigner never signs content-type: the uploader sends it.
    assert.equal(params.get("content-type"), null);

    const body = "quarterly numbers";
    const put = await fetch(url, { method: "PUT", body, headers: { "content-type": "text/plain" } });
    assert.equal(put.status, 200, await put.text());
    assert.equal(put.headers.get("etag"), `"${md5(body).toString("hex")}"`);
    // No CRC32 was stored from the query: the object has S3's default CRC64NVME of what was sent.
    assert.equal(put.headers.get("x-amz-checksum-crc32"), null);
    assert.equal(put.headers.get("x-amz-checksum-crc64nvme"), await base64Crc64Nvme(Buffer.from(body)));

    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "put/report.txt", ChecksumMode: "ENABLED" }));
    assert.equal(head.ContentType, "text/plain");
    assert.deepEqual(head.Metadata, { owner: "ada" });
    assert.equal(head.StorageClass, "STANDARD_IA");
    assert.equal(head.ChecksumCRC32, undefined);
    assert.equal(head.ChecksumType, "FULL_OBJECT");
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: "put/report.txt" }));
    assert.deepEqual(tags.TagSet, [
      { Key: "team", Value: "blue" },
      { Key: "stage", Value: "draft" },
    ]);
  });

  test("PutObject: a client with requestChecksumCalculation WHEN_REQUIRED signs no checksum", async () => {
    const whenRequired = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED" });
    try {
      const url = new URL(await getSignedUrl(whenRequired, new PutObjectCommand({ Bucket: bucket, Key: "put/plain.bin" }), { expiresIn: 60, signingDate: signingDate() }));
      assert.deepEqual([...url.searchParams.keys()].filter((k) => k.toLowerCase().includes("checksum")), []);
      const put = await fetch(url, { method: "PUT", body: Buffer.from([1, 2, 3]) });
      assert.equal(put.status, 200);
    } finally {
      whenRequired.destroy();
    }
  });

  test("PutObject: a checksum signed as a header (unhoistableHeaders) is checked against the body", async () => {
    const body = Buffer.from("exactly these bytes");
    const checksum = base64Crc32(body);
    const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: "put/checked.txt", ChecksumCRC32: checksum }), {
      expiresIn: 60,
      signingDate: signingDate(),
      unhoistableHeaders: new Set(["x-amz-checksum-crc32"]),
    });
    assert.equal(new URL(url).searchParams.get("X-Amz-SignedHeaders"), "host;x-amz-checksum-crc32");
    const refused = await fetch(url, { method: "PUT", body: Buffer.from("other bytes entirely"), headers: { "x-amz-checksum-crc32": checksum } });
    assert.deepEqual(await refusedWith(refused), [400, "BadDigest", "The CRC32 you specified did not match the calculated checksum."]);
    assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "put/checked.txt" })))).$metadata.httpStatusCode, 404);

    const put = await fetch(url, { method: "PUT", body, headers: { "x-amz-checksum-crc32": checksum } });
    assert.equal(put.status, 200);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "put/checked.txt", ChecksumMode: "ENABLED" }));
    assert.equal(got.ChecksumCRC32, checksum);
    assert.equal(await got.Body?.transformToString(), body.toString());
  });

  test("GetObject: response overrides, a signed Range, a VersionId", async () => {
    const versioned = await newBucket(s3, "presigned-versions");
    await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Enabled" } }));
    const first = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: "data.csv", Body: "a,b\n1,2\n", ContentType: "text/plain" }));
    await s3.send(new PutObjectCommand({ Bucket: versioned, Key: "data.csv", Body: "a,b\n3,4\n5,6\n", ContentType: "text/plain" }));

    const overridden = await getSignedUrl(
      s3,
      new GetObjectCommand({
        Bucket: versioned,
        Key: "data.csv",
        VersionId: first.VersionId,
        ResponseContentDisposition: 'attachment; filename="data.csv"',
        ResponseContentType: "text/csv",
        ResponseCacheControl: "no-store",
      }),
      { expiresIn: 60, signingDate: signingDate() },
    );
    const got = await fetch(overridden);
    assert.equal(got.status, 200);
    assert.equal(await got.text(), "a,b\n1,2\n");
    assert.equal(got.headers.get("content-disposition"), 'attachment; filename="data.csv"');
    assert.equal(got.headers.get("content-type"), "text/csv");
    assert.equal(got.headers.get("cache-control"), "no-store");
    assert.equal(got.headers.get("x-amz-version-id"), first.VersionId);

    // Range is not an x-amz-* header: the presigner signs it, and the downloader must send it.
    const ranged = await getSignedUrl(s3, new GetObjectCommand({ Bucket: versioned, Key: "data.csv", Range: "bytes=4-6" }), { expiresIn: 60, signingDate: signingDate() });
    assert.equal(new URL(ranged).searchParams.get("X-Amz-SignedHeaders"), "host;range");
    const part = await fetch(ranged, { headers: { range: "bytes=4-6" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), "bytes 4-6/12");
    assert.equal(await part.text(), "3,4");
  });

  test("GetObject and HeadObject: x-amz-checksum-mode=ENABLED in the query returns the stored checksum, as the header does", async () => {
    const body = "checked on the way out";
    const sha256 = createHash("sha256").update(body).digest("base64");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "checked/out.txt", Body: body, ChecksumAlgorithm: "SHA256" }));
    const stored = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "checked/out.txt", ChecksumMode: "ENABLED" }));
    assert.equal(stored.ChecksumSHA256, sha256);

    // The presigner hoists the header into the query string, unsigned.
    const get = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "checked/out.txt", ChecksumMode: "ENABLED" }), { expiresIn: 60, signingDate: signingDate() }));
    assert.deepEqual([get.searchParams.get("x-amz-checksum-mode"), get.searchParams.get("X-Amz-SignedHeaders")], ["ENABLED", "host"]);
    const got = await fetch(get);
    assert.equal(await got.text(), body);
    assert.deepEqual([got.headers.get("x-amz-checksum-sha256"), got.headers.get("x-amz-checksum-type")], [sha256, stored.ChecksumType]);
    const head = await fetch(await getSignedUrl(s3, new HeadObjectCommand({ Bucket: bucket, Key: "checked/out.txt", ChecksumMode: "ENABLED" }), { expiresIn: 60, signingDate: signingDate() }), { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.deepEqual([head.headers.get("x-amz-checksum-sha256"), head.headers.get("x-amz-checksum-type")], [sha256, stored.ChecksumType]);

    // Without the mode (a client that validates responses only when required leaves it out), no checksum.
    const whenRequired = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true, responseChecksumValidation: "WHEN_REQUIRED" });
    try {
      const plain = new URL(await getSignedUrl(whenRequired, new GetObjectCommand({ Bucket: bucket, Key: "checked/out.txt" }), { expiresIn: 60, signingDate: signingDate() }));
      assert.equal(plain.searchParams.get("x-amz-checksum-mode"), null);
      const unchecked = await fetch(plain);
      assert.equal(await unchecked.text(), body);
      assert.deepEqual([unchecked.headers.get("x-amz-checksum-sha256"), unchecked.headers.get("x-amz-checksum-type")], [null, null]);
    } finally {
      whenRequired.destroy();
    }
  });

  test("HeadObject and DeleteObject", async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "short-lived.txt", Body: "bye", ContentType: "text/plain" }));
    const head = await fetch(await getSignedUrl(s3, new HeadObjectCommand({ Bucket: bucket, Key: "short-lived.txt" }), { expiresIn: 60, signingDate: signingDate() }), { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), "3");
    assert.equal(head.headers.get("etag"), `"${md5("bye").toString("hex")}"`);

    const deleted = await fetch(await getSignedUrl(s3, new DeleteObjectCommand({ Bucket: bucket, Key: "short-lived.txt" }), { expiresIn: 60, signingDate: signingDate() }), { method: "DELETE" });
    assert.equal(deleted.status, 204);
    assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "short-lived.txt" })))).$metadata.httpStatusCode, 404);
  });

  test("expiresIn: the URL works to its last second and is refused after it with AccessDenied", async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "expiring.txt", Body: "soon gone" }));
    const signedAt = nimbus.manualClock.now();
    const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "expiring.txt" }), { expiresIn: 120, signingDate: new Date(signedAt) });
    nimbus.manualClock.advance(120_000);
    assert.equal((await fetch(url)).status, 200);
    nimbus.manualClock.advance(1_000);
    const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    const signedSecond = Math.floor(signedAt / 1000) * 1000;
    assert.deepEqual(await refusedWith(await fetch(url), "X-Amz-Expires", "Expires", "ServerTime"), [
      403,
      "AccessDenied",
      "Request has expired",
      "120",
      iso(signedSecond + 120_000),
      iso(Math.floor(nimbus.manualClock.now() / 1000) * 1000),
    ]);
  });
});

describe("Upload (@aws-sdk/lib-storage)", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let bucket: string;
  s3BucketSuite("managed-upload", (fixture) => ({ nimbus, s3, bucket } = fixture));

  /**
   * Records the parts each CompleteMultipartUpload names and the Location it answers (before
   * Upload rewrites it), and the most UploadPart calls in flight at once.
   */
  function watch(client: S3Client): { completed: CompletedPart[][]; locations: string[]; maxInFlight: () => number } {
    const completed: CompletedPart[][] = [];
    const locations: string[] = [];
    let inFlight = 0;
    let max = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "CompleteMultipartUploadCommand") {
          const input = args.input as { MultipartUpload?: { Parts?: CompletedPart[] } };
          completed.push(input.MultipartUpload?.Parts ?? []);
          const out = await next(args);
          locations.push((out.output as { Location?: string }).Location ?? "");
          return out;
        }
        if (context.commandName !== "UploadPartCommand") return next(args);
        inFlight++;
        max = Math.max(max, inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: "initialize", name: "watchUploads" },
    );
    return { completed, locations, maxInFlight: () => max };
  }

  test("a body above the part size: concurrent parts with CRC32s, a -N ETag, a composite checksum, tags, Location", async () => {
    // A client of its own, so the watching middleware sees only this upload.
    const client = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true });
    try {
      const watched = watch(client);
      const key = "reports/2026 q1/big.bin";
      const body = patterned(12 * MiB + 7);
      const progress: number[] = [];
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: body, ContentType: "application/x-test" },
        queueSize: 4,
        tags: [{ Key: "source", Value: "lib-storage" }],
      });
      upload.on("httpUploadProgress", (p) => progress.push(p.loaded ?? 0));
      const done = await upload.done();

      const parts = [body.subarray(0, 5 * MiB), body.subarray(5 * MiB, 10 * MiB), body.subarray(10 * MiB)];
      const etag = `"${md5(Buffer.concat(parts.map((p) => md5(p)))).toString("hex")}-3"`;
      const composite = `${base64Crc32(Buffer.concat(parts.map((p) => Buffer.from(base64Crc32(p), "base64"))))}-3`;
      assert.equal(done.ETag, etag);
      assert.equal(done.ChecksumCRC32, composite);
      assert.equal(done.ChecksumType, "COMPOSITE");
      // S3 form-encodes the key in CompleteMultipartUpload's Location; Upload turns %2F back into /.
      assert.equal(new URL(watched.locations[0] ?? "").pathname, `/${bucket}/reports%2F2026+q1%2Fbig.bin`);
      assert.equal(new URL(done.Location ?? "").pathname, `/${bucket}/reports/2026+q1/big.bin`);
      assert.equal(watched.maxInFlight() > 1, true, "queueSize 4 sends parts concurrently");
      assert.equal(Math.max(...progress), body.length);
      // CompleteMultipartUpload names every part with the CRC32 the SDK sent it with.
      assert.deepEqual(
        watched.completed[0]?.map((p) => [p.PartNumber, p.ETag, p.ChecksumCRC32]),
        parts.map((p, i) => [i + 1, `"${md5(p).toString("hex")}"`, base64Crc32(p)]),
      );

      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
      assert.equal(got.ETag, etag);
      assert.equal(got.ContentType, "application/x-test");
      assert.equal(got.ChecksumCRC32, composite);
      assert.equal(got.ChecksumType, "COMPOSITE");
      assert.equal(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(body), true);
      const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
      assert.deepEqual(tags.TagSet, [{ Key: "source", Value: "lib-storage" }]);
    } finally {
      client.destroy();
    }
  });

  test("a body below the part size is one PutObject: a plain ETag and a full-object CRC32; tags still apply", async () => {
    const body = Buffer.from("small enough for one request");
    const done = await new Upload({ client: s3, params: { Bucket: bucket, Key: "small.txt", Body: body }, tags: [{ Key: "size", Value: "small" }] }).done();
    assert.equal(done.ETag, `"${md5(body).toString("hex")}"`);
    assert.equal(done.ChecksumCRC32, base64Crc32(body));
    assert.equal(done.ChecksumType, "FULL_OBJECT");
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "small.txt", ChecksumMode: "ENABLED" }));
    assert.equal(head.ContentLength, body.length);
    assert.equal(head.ChecksumCRC32, base64Crc32(body));
    assert.equal(head.TagCount, 1);
  });

  test("a stream of unknown length is cut into 5 MiB parts", async () => {
    const chunks = Array.from({ length: 11 }, (_, i) => Buffer.alloc(MiB, i + 1));
    const done = await new Upload({ client: s3, params: { Bucket: bucket, Key: "stream.bin", Body: Readable.from(chunks) }, queueSize: 2 }).done();
    const whole = Buffer.concat(chunks);
    const parts = [whole.subarray(0, 5 * MiB), whole.subarray(5 * MiB, 10 * MiB), whole.subarray(10 * MiB)];
    assert.equal(done.ETag, `"${md5(Buffer.concat(parts.map((p) => md5(p)))).toString("hex")}-3"`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "stream.bin", PartNumber: 3 }));
    assert.equal(head.PartsCount, 3);
    assert.equal(head.ContentLength, MiB);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "stream.bin" }))).ContentLength, 11 * MiB);
  });

  test("ChecksumAlgorithm CRC64NVME gives a full-object checksum of the whole body", async () => {
    const body = patterned(11 * MiB);
    const done = await new Upload({ client: s3, params: { Bucket: bucket, Key: "nvme.bin", Body: body, ChecksumAlgorithm: "CRC64NVME" } }).done();
    const whole = await base64Crc64Nvme(body);
    assert.equal(done.ChecksumCRC64NVME, whole);
    assert.equal(done.ChecksumType, "FULL_OBJECT");
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "nvme.bin", ChecksumMode: "ENABLED" }));
    assert.equal(head.ChecksumCRC64NVME, whole);
    assert.equal(head.ChecksumType, "FULL_OBJECT");
  });

  test("abort() in the middle aborts the multipart upload: no parts, no object", async () => {
    // done() rejects at once; the Upload sends AbortMultipartUpload after its part in flight.
    const client = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true });
    let aborted: () => void = () => undefined;
    const abortSent = new Promise<void>((resolve) => (aborted = resolve));
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === "AbortMultipartUploadCommand") aborted();
        return out;
      },
      { step: "initialize", name: "seeAbort" },
    );
    try {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const body = heldBack(gate, () => Buffer.alloc(MiB, 3));
      const upload = new Upload({ client, params: { Bucket: bucket, Key: "aborted.bin", Body: body }, queueSize: 1 });
      upload.on("httpUploadProgress", () => {
        // The first part is stored: abort with the upload under way.
        void upload.abort().then(release);
      });
      const err = await failure(upload.done());
      assert.equal(err.name, "AbortError");
      assert.equal(err.message, "Upload aborted.");
      await abortSent;
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: "aborted.bin" }));
      assert.deepEqual(uploads.Uploads ?? [], []);
      assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "aborted.bin" })))).$metadata.httpStatusCode, 404);
    } finally {
      client.destroy();
    }
  });

  test("a failing source: leavePartsOnError keeps the upload and its parts; by default it is aborted", async () => {
    /** An Upload of a source that breaks once the first part is stored. */
    const breaking = (key: string, leavePartsOnError: boolean): Upload => {
      let stored: () => void = () => undefined;
      const firstPartStored = new Promise<void>((resolve) => (stored = resolve));
      const source = heldBack(firstPartStored, () => {
        throw new Error("the source broke");
      });
      const upload = new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: source }, queueSize: 1, leavePartsOnError });
      upload.on("httpUploadProgress", () => stored());
      return upload;
    };
    const kept = await failure(breaking("kept.bin", true).done());
    assert.equal(kept.message, "the source broke");
    const left = (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: "kept.bin" }))).Uploads ?? [];
    assert.equal(left.length, 1);
    assert.equal(left[0]?.ChecksumAlgorithm, "CRC32");
    const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "kept.bin", UploadId: left[0]?.UploadId }));
    const first = Buffer.alloc(5 * MiB, 1);
    assert.deepEqual(
      listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag, p.ChecksumCRC32]),
      [[1, 5 * MiB, `"${md5(first).toString("hex")}"`, base64Crc32(first)]],
    );
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: "kept.bin", UploadId: left[0]?.UploadId }));

    // Without leavePartsOnError the Upload aborts the multipart upload before done() rejects.
    const cleaned = await failure(breaking("cleaned.bin", false).done());
    assert.equal(cleaned.message, "the source broke");
    assert.deepEqual((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: "cleaned.bin" }))).Uploads ?? [], []);
  });
});

describe("Expect: 100-continue (the SDK's PutObject and UploadPart bodies of 2 MiB and more)", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));

  /** A raw PUT that announces `size` bytes and sends them only once told to: [continued, status, code, connection]. */
  function expectingPut(path: string, size: number): Promise<[boolean, number | undefined, string | undefined, string | undefined]> {
    return new Promise((resolve, reject) => {
      let continued = false;
      const req = request(`${nimbus.url}${path}`, {
        method: "PUT",
        headers: { ...{}, ...signedHeaders("s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-length": String(size), expect: "100-continue" },
      });
      req.on("continue", () => {
        continued = true;
        req.end(Buffer.alloc(size, 1));
      });
      req.on("response", (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve([continued, res.statusCode, xmlValue(body, "Code"), res.headers.connection]));
      });
      req.on("error", reject);
      req.flushHeaders();
    });
  }

  test("a PUT refused on its headers is answered without the interim 100; an accepted one gets it", async () => {
    // "If the message is rejected based on the headers, the body of the message is not sent"
    // (S3's common request headers): the answer is final and the unsent body closes the connection.
    assert.deepEqual(await expectingPut(`/${uniqueName("missing")}/big.bin`, 3 * MiB), [false, 404, "NoSuchBucket", "close"]);
    const bucket = await newBucket(s3, "continue");
    assert.deepEqual(await expectingPut(`/${bucket}/big.bin`, 3 * MiB), [true, 200, undefined, "keep-alive"]);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "big.bin" }))).ContentLength, 3 * MiB);
  });

  test("an Expect other than 100-continue is ignored, not 417 Expectation Failed", async () => {
    // ceph/s3-tests test_bucket_create_bad_expect_mismatch / _empty: "garbage, but S3 succeeds!"
    const bucket = uniqueName("expect");
    for (const [path, expect] of [[`/${bucket}`, "200"], [`/${bucket}/k`, ""]] as const) {
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = request(`${nimbus.url}${path}`, {
          method: "PUT",
          headers: { ...{}, ...signedHeaders("s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-length": "0", expect },
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode));
        });
        req.on("error", reject);
        req.end();
      });
      assert.equal(status, 200, `Expect: ${JSON.stringify(expect)} on ${path}`);
    }
  });

  // A body the first try consumed leaves the retry waiting for bytes that never come: a bounded wait.
  test("followRegionRedirects: a stream body held back from the 301 is sent to the bucket's Region", { timeout: 15_000 }, async () => {
    const west = new S3Client({ ...{}, ...nimbus.clientConfig({ region: "eu-west-1" }), forcePathStyle: true });
    // WHEN_REQUIRED: no checksum trailer, whose wrapping would start the stream on the first try.
    const following = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true, followRegionRedirects: true, requestChecksumCalculation: "WHEN_REQUIRED" });
    const expects: (string | undefined)[] = [];
    following.middlewareStack.add(
      (next) => async (args) => {
        expects.push((args.request as { headers: Record<string, string> }).headers["Expect"]);
        return next(args);
      },
      { step: "finalizeRequest", name: "watchExpect" },
    );
    try {
      const bucket = uniqueName("elsewhere");
      await west.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
      const body = patterned(3 * MiB);
      const put = await following.send(new PutObjectCommand({ Bucket: bucket, Key: "streamed.bin", Body: Readable.from([body]), ContentLength: body.length }));
      assert.equal(put.ETag, `"${md5(body).toString("hex")}"`);
      assert.deepEqual(expects, ["100-continue", "100-continue"]);
      const got = await west.send(new GetObjectCommand({ Bucket: bucket, Key: "streamed.bin" }));
      assert.ok(Buffer.from((await got.Body?.transformToByteArray()) ?? []).equals(body));
    } finally {
      west.destroy();
      following.destroy();
    }
  });
});

describe("with --enforce-signatures and --enforce-policies", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let bucket: string;
  before(async () => {
    // The SDKs sign with the real time; createPresignedPost reads it too.
    nimbus = await startTestNimbus({ startTime: Date.now(), auth: ENFORCE_ALL });
    s3 = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true, maxAttempts: 1 });
    bucket = uniqueName("enforced");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => {
    s3.destroy();
    await nimbus.close();
  });
  const signingDate = (): Date => new Date(nimbus.manualClock.now());

  describe("presigned URLs", () => {
    test("the SDK's PUT and GET URLs work from fetch; a tampered URL is SignatureDoesNotMatch", async () => {
      const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: "signed/a.txt", Metadata: { by: "url" } }), { expiresIn: 60, signingDate: signingDate() });
      assert.equal((await fetch(put, { method: "PUT", body: "signed body" })).status, 200);
      const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "signed/a.txt" }), { expiresIn: 60, signingDate: signingDate() });
      const got = await fetch(get);
      assert.equal(await got.text(), "signed body");
      assert.equal(got.headers.get("x-amz-meta-by"), "url");

      const otherKey = new URL(get);
      otherKey.pathname = otherKey.pathname.replace("a.txt", "b.txt");
      const longer = new URL(get);
      longer.searchParams.set("X-Amz-Expires", "3600");
      const otherMeta = new URL(put);
      otherMeta.searchParams.set("x-amz-meta-by", "someone-else");
      for (const [tampered, method] of [[otherKey, "GET"], [longer, "GET"], [otherMeta, "PUT"]] as const) {
        const reply = await fetch(tampered, method === "PUT" ? { method, body: "forged" } : { method });
        assert.deepEqual(await refusedWith(reply, "AWSAccessKeyId"), [403, "SignatureDoesNotMatch", S3_MISMATCH, "AKIAIOSFODNN7EXAMPLE"], tampered.toString());
      }
      // A HEAD URL is not a GET URL.
      const head = await getSignedUrl(s3, new HeadObjectCommand({ Bucket: bucket, Key: "signed/a.txt" }), { expiresIn: 60, signingDate: signingDate() });
      assert.equal((await fetch(head, { method: "HEAD" })).status, 200);
      assert.deepEqual((await refusedWith(await fetch(head))).slice(0, 2), [403, "SignatureDoesNotMatch"]);
      assert.equal(await (await fetch(get)).text(), "signed body", "the object is as the signer's PUT left it");
    });

    test("signed headers must be sent as signed: Range, a signableHeaders content-type, server-side encryption", async () => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "signed/range.txt", Body: "0123456789" }));
      const ranged = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "signed/range.txt", Range: "bytes=2-4" }), { expiresIn: 60, signingDate: signingDate() });
      assert.equal(await (await fetch(ranged, { headers: { range: "bytes=2-4" } })).text(), "234");
      assert.deepEqual((await refusedWith(await fetch(ranged))).slice(0, 2), [403, "SignatureDoesNotMatch"]);
      assert.deepEqual((await refusedWith(await fetch(ranged, { headers: { range: "bytes=0-9" } }))).slice(0, 2), [403, "SignatureDoesNotMatch"]);

      const typed = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: "signed/image.png", ContentType: "image/png" }), {
        expiresIn: 60,
        signingDate: signingDate(),
        signableHeaders: new Set(["content-type"]),
      });
      assert.equal(new URL(typed).searchParams.get("X-Amz-SignedHeaders"), "content-type;host");
      assert.deepEqual((await refusedWith(await fetch(typed, { method: "PUT", body: "<html>", headers: { "content-type": "text/html" } }))).slice(0, 2), [403, "SignatureDoesNotMatch"]);
      assert.equal((await fetch(typed, { method: "PUT", body: "png bytes", headers: { "content-type": "image/png" } })).status, 200);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "signed/image.png" }))).ContentType, "image/png");

      // The presigner never hoists x-amz-server-side-encryption*: it is a signed header.
      const encrypted = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: "signed/sse.txt", ServerSideEncryption: "AES256" }), { expiresIn: 60, signingDate: signingDate() });
      assert.equal(new URL(encrypted).searchParams.get("X-Amz-SignedHeaders"), "host;x-amz-server-side-encryption");
      assert.deepEqual((await refusedWith(await fetch(encrypted, { method: "PUT", body: "x" }))).slice(0, 2), [403, "SignatureDoesNotMatch"]);
      assert.equal((await fetch(encrypted, { method: "PUT", body: "x", headers: { "x-amz-server-side-encryption": "AES256" } })).status, 200);
    });

    test("x-amz-* headers the URL does not sign are refused, named in HeadersNotSigned", async () => {
      const put = await getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: "signed/unsigned-headers.txt" }), { expiresIn: 60, signingDate: signingDate() });
      const reply = await fetch(put, { method: "PUT", body: "x", headers: { "x-amz-meta-sneaky": "1", "x-amz-storage-class": "GLACIER" } });
      assert.deepEqual(await refusedWith(reply, "HeadersNotSigned"), [
        403,
        "AccessDenied",
        "There were headers present in the request which were not signed",
        "x-amz-meta-sneaky, x-amz-storage-class",
      ]);
      assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "signed/unsigned-headers.txt" })))).$metadata.httpStatusCode, 404);
      // The checksum the presigner put in the query is not a header: any body may follow it.
      assert.equal((await fetch(put, { method: "PUT", body: "x" })).status, 200);
    });

    test("an expired URL is refused before its signature is looked at", async () => {
      const get = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: "signed/a.txt" }), { expiresIn: 30, signingDate: signingDate() });
      nimbus.manualClock.advance(31_000);
      assert.deepEqual((await refusedWith(await fetch(get), "X-Amz-Expires")).slice(0, 4), [403, "AccessDenied", "Request has expired", "30"]);
    });
  });

  describe("createPresignedPost (@aws-sdk/s3-presigned-post) with fetch and FormData", () => {
    /** The form a browser would send: the SDK's fields, then the caller's, then the file last. */
    function form(fields: Record<string, string>, file: string | Buffer, filename: string, extra: Record<string, string> = {}): FormData {
      const data = new FormData();
      for (const [name, value] of Object.entries({ ...{}, ...fields, ...extra })) data.append(name, value);
      data.append("file", new Blob([file]), filename);
      return data;
    }

    test("Conditions and Fields: a 201 PostResponse, the object with its type and metadata", async () => {
      const { url, fields } = await createPresignedPost(s3, {
        Bucket: bucket,
        Key: "uploads/${filename}",
        Conditions: [["content-length-range", 1, 100], ["starts-with", "$key", "uploads/"], ["eq", "$Content-Type", "text/plain"]],
        Fields: { "Content-Type": "text/plain", success_action_status: "201", "x-amz-meta-uploader": "browser" },
        Expires: 600,
      });
      assert.equal(fields["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
      const reply = await fetch(url, { method: "POST", body: form(fields, "hello from a form", "notes.txt") });
      const body = await reply.text();
      assert.equal(reply.status, 201, body);
      const etag = `"${md5("hello from a form").toString("hex")}"`;
      assert.equal(xmlValue(body, "Bucket"), bucket);
      assert.equal(xmlValue(body, "Key"), "uploads/notes.txt");
      assert.equal(xmlValue(body, "ETag")?.replace(/&quot;/g, '"'), etag);
      assert.equal(reply.headers.get("etag"), etag);
      // The key percent-encoded whole, its slash too, as S3 writes it.
      const location = `${new URL(url).origin}/${bucket}/uploads%2Fnotes.txt`;
      assert.equal(xmlValue(body, "Location"), location);
      assert.equal(reply.headers.get("location"), location);
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "uploads/notes.txt" }));
      assert.equal(head.ContentType, "text/plain");
      assert.deepEqual(head.Metadata, { uploader: "browser" });
    });

    test("policy violations are refused with S3's codes and messages; nothing is stored", async () => {
      const { url, fields } = await createPresignedPost(s3, {
        Bucket: bucket,
        Key: "limited/${filename}",
        Conditions: [["content-length-range", 1, 10], ["starts-with", "$key", "limited/"], ["eq", "$Content-Type", "text/plain"]],
        Fields: { "Content-Type": "text/plain" },
        Expires: 600,
      });
      const post = async (data: FormData): Promise<(string | number | undefined)[]> => refusedWith(await fetch(url, { method: "POST", body: data }), "ProposedSize", "MaxSizeAllowed");
      assert.deepEqual(await post(form(fields, "eleven byte", "big.txt")), [400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", "11", "10"]);
      assert.deepEqual((await post(form(fields, "ok", "a.html", { "Content-Type": "text/html" }))).slice(0, 3), [
        403,
        "AccessDenied",
        'Invalid according to Policy: Policy Condition failed: ["eq", "$Content-Type", "text/plain"]',
      ]);
      assert.deepEqual((await post(form(fields, "ok", "a.txt", { key: "elsewhere/a.txt" }))).slice(0, 3), [
        403,
        "AccessDenied",
        'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "limited/"]',
      ]);
      assert.deepEqual((await post(form(fields, "ok", "a.txt", { "x-amz-meta-extra": "1" }))).slice(0, 3), [403, "AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-extra"]);
      assert.deepEqual((await post(form(fields, "ok", "a.txt", { "X-Amz-Signature": "0".repeat(64) }))).slice(0, 3), [403, "SignatureDoesNotMatch", S3_MISMATCH]);
      for (const key of ["limited/big.txt", "limited/a.html", "elsewhere/a.txt", "limited/a.txt"]) {
        assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })))).$metadata.httpStatusCode, 404, key);
      }
    });

    test("success_action_redirect: 303 to the page with bucket, key and ETag", async () => {
      const redirect = "https://app.example.com/uploaded?ref=form";
      const { url, fields } = await createPresignedPost(s3, { Bucket: bucket, Key: "redirected.txt", Fields: { success_action_redirect: redirect }, Expires: 600 });
      const reply = await fetch(url, { method: "POST", body: form(fields, "bye", "redirected.txt"), redirect: "manual" });
      assert.equal(reply.status, 303);
      const location = new URL(reply.headers.get("location") ?? "");
      assert.equal(`${location.origin}${location.pathname}`, "https://app.example.com/uploaded");
      assert.equal(location.searchParams.get("ref"), "form");
      assert.equal(location.searchParams.get("bucket"), bucket);
      assert.equal(location.searchParams.get("key"), "redirected.txt");
      assert.equal(location.searchParams.get("etag"), `"${md5("bye").toString("hex")}"`);
    });

    test("an expired policy is refused", async () => {
      const { url, fields } = await createPresignedPost(s3, { Bucket: bucket, Key: "late.txt", Expires: 60 });
      nimbus.manualClock.advance(61_000);
      assert.deepEqual((await refusedWith(await fetch(url, { method: "POST", body: form(fields, "late", "late.txt") }))).slice(0, 3), [403, "AccessDenied", "Invalid according to Policy: Policy expired."]);
      assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "late.txt" })))).$metadata.httpStatusCode, 404);
    });
  });
});
