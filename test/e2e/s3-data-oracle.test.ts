/**
 * Differential tests of S3 object bytes and their integrity: generated sizes (around the blob
 * store's and the put path's thresholds), contents, ranges, multipart plans, copies, checksums
 * and conditions, sent through the real v3 client and compared with an oracle written here: the
 * bytes held in the test, checksums computed independently (node:crypto, @aws-crypto's CRC32 and
 * CRC32C, the SDK's CRC64NVME), and the documented S3 semantics.
 *
 * Seeded and bounded for CI; S3_ORACLE_SEED and S3_ORACLE_RUNS (a multiplier) explore further.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import fc from "./oracle-fast-check.js";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type ChecksumAlgorithm as SdkChecksumAlgorithm,
  type CompletedPart,
} from "@aws-sdk/client-s3";
import { crc32 } from "@aws-crypto/crc32";
import { crc32c } from "@aws-crypto/crc32c";
import { Crc64Nvme } from "@aws-sdk/checksums/crc";
import { httpRequest, signedHeaders, type TestNimbus } from "./harness.js";
import { newBucket, s3BucketSuite } from "./s3-fixtures.js";

const SEED = Number(process.env.S3_ORACLE_SEED ?? 20261202);
const SCALE = Number(process.env.S3_ORACLE_RUNS ?? 1);
const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

const KiB = 1024;
const MiB = 1024 * KiB;
const MIN_PART = 5 * MiB;

// ---------------------------------------------------------------------------------------------
// The oracle

type Algorithm = "CRC32" | "CRC32C" | "CRC64NVME" | "SHA1" | "SHA256";
const ALGORITHMS: readonly Algorithm[] = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];
type ChecksumType = "COMPOSITE" | "FULL_OBJECT";

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

async function digestOf(algorithm: Algorithm, data: Uint8Array): Promise<Buffer> {
  switch (algorithm) {
    case "CRC32":
      return u32(crc32(data));
    case "CRC32C":
      return u32(crc32c(data));
    case "CRC64NVME": {
      const c = new Crc64Nvme();
      c.update(data);
      return Buffer.from(await c.digest());
    }
    case "SHA1":
      return createHash("sha1").update(data).digest();
    case "SHA256":
      return createHash("sha256").update(data).digest();
  }
}

const b64 = async (algorithm: Algorithm, data: Uint8Array): Promise<string> => (await digestOf(algorithm, data)).toString("base64");
const md5 = (data: Uint8Array): Buffer => createHash("md5").update(data).digest();
const quoted = (hex: string): string => `"${hex}"`;
const member = (algorithm: Algorithm): `Checksum${Algorithm}` => `Checksum${algorithm}`;

/** Bytes from a seed: random-looking, or runs that compress (zeros, a repeated byte). */
function bytesOf(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  if (seed % 5 === 0) return out;
  if (seed % 5 === 1) return out.fill(seed & 0xff);
  let x = seed | 1;
  let i = 0;
  for (; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeInt32LE(x | 0, i);
  }
  for (; i < size; i++) out[i] = (x >>> (8 * (i & 3))) & 0xff;
  return out;
}

/** What a read with a Range header selects (RFC 9110 as S3 takes it: one range, else the whole object). */
type RangeAnswer = { kind: "full" } | { kind: "partial"; start: number; end: number } | { kind: "unsatisfiable" };

interface RangeSpec {
  readonly header: string;
  readonly answer: (size: number) => RangeAnswer;
}

function rangeSpecs(size: number): fc.Arbitrary<RangeSpec> {
  const pos = fc.oneof(fc.constantFrom(0, 1, Math.max(0, size - 1), size, size + 1, size + 1000), fc.nat(size + 2));
  const closed = fc.tuple(pos, pos).map(([a, b]): RangeSpec => ({
    header: `bytes=${a}-${b}`,
    // A last position before the first makes the range invalid: the header is ignored.
    answer: (n) => (b < a ? { kind: "full" } : a >= n ? { kind: "unsatisfiable" } : { kind: "partial", start: a, end: Math.min(b, n - 1) }),
  }));
  const open = pos.map((a): RangeSpec => ({
    header: `bytes=${a}-`,
    answer: (n) => (a >= n ? { kind: "unsatisfiable" } : { kind: "partial", start: a, end: n - 1 }),
  }));
  const suffix = pos.map((k): RangeSpec => ({
    header: `bytes=-${k}`,
    // A suffix of 0 bytes is unsatisfiable; a non-zero one on an empty object selects nothing: the (empty) whole.
    answer: (n) => (k === 0 ? { kind: "unsatisfiable" } : n === 0 ? { kind: "full" } : { kind: "partial", start: Math.max(0, n - k), end: n - 1 }),
  }));
  // Leading zeros and positions past any integer are still digits.
  const odd = fc.tuple(pos, fc.constantFrom("0", "00", "")).map(([a, zeros]): RangeSpec => ({
    header: `bytes=${zeros}${a}-99999999999999999999`,
    answer: (n) => (a >= n ? { kind: "unsatisfiable" } : { kind: "partial", start: a, end: n - 1 }),
  }));
  // "Amazon S3 doesn't support retrieving multiple ranges of data per GET request": the whole object.
  const multi = fc.tuple(pos, pos).map(([a, b]): RangeSpec => ({ header: `bytes=0-${a},${b}-`, answer: () => ({ kind: "full" }) }));
  return fc.oneof({ arbitrary: closed, weight: 4 }, { arbitrary: open, weight: 2 }, { arbitrary: suffix, weight: 2 }, { arbitrary: multi, weight: 1 }, { arbitrary: odd, weight: 1 });
}

/** The raw status and headers of the last response a client received. */
interface Raw {
  status: number;
  headers: Record<string, string>;
}

function recording(client: S3Client): { last: () => Raw } {
  let last: Raw = { status: 0, headers: {} };
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const response = out.response as { statusCode: number; headers: Record<string, string> };
      last = { status: response.statusCode, headers: response.headers };
      return out;
    },
    { step: "deserialize", priority: "low", name: "oracleRecorder" },
  );
  return { last: () => last };
}

async function outcome<T>(call: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; name: string; status: number | undefined; error: Record<string, unknown> }> {
  try {
    return { ok: true, value: await call };
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { ok: false, name: e.name, status: e.$metadata?.httpStatusCode, error: e as unknown as Record<string, unknown> };
  }
}

/** Sizes at and around the thresholds of the blob store (inline 16 KiB, whole 256 KiB, 1 MiB reads, 4 MiB write buffer) and the hash worker (1 MiB). */
const THRESHOLD_SIZES = [0, 1, 2, 16 * KiB - 1, 16 * KiB, 16 * KiB + 1, 256 * KiB - 1, 256 * KiB, 256 * KiB + 1, MiB - 1, MiB, MiB + 1, 2 * MiB + 3, 4 * MiB - 1, 4 * MiB + 1];

async function bodyOf(out: { Body?: unknown }): Promise<Buffer> {
  const body = out.Body as { transformToByteArray(): Promise<Uint8Array> } | undefined;
  return body ? Buffer.from(await body.transformToByteArray()) : Buffer.alloc(0);
}

function checksumsIn(out: Record<string, unknown>): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const name of ["ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1", "ChecksumSHA256", "ChecksumType"]) {
    if (out[name] !== undefined) found[name] = out[name];
  }
  return found;
}

describe("S3 object bytes and integrity against an oracle", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let bucket: string;
  /** A client that sends checksums only when an operation requires one, and validates none. */
  let bare: S3Client;
  let raw: { last: () => Raw };
  s3BucketSuite("s3-oracle", (fixture) => ({ nimbus, s3, bucket } = fixture));
  before(() => {
    bare = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
    raw = recording(bare);
  });
  after(() => bare.destroy());

  /** Runs a plan's uploads and completion; the object made, or undefined when the oracle's expected refusal came. */
  async function runMultipart(plan: MultipartPlan, key: string): Promise<ExpectedObject | undefined> {
    const created = await bare.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...uploadChecksumInput(plan.checksum) }));
    const uploadId = created.UploadId as string;
    const { algorithm, type } = plan.checksum;
    const current = new Map<number, { bytes: Buffer; etag: string }>();
    const earlier = new Map<number, string[]>();
    for (const u of plan.uploads) {
      const bytes = bytesOf(u.size, u.seed);
      // A COMPOSITE upload takes only parts that carry their checksum.
      const send = type === "COMPOSITE" && u.send === "none" ? "header" : u.send;
      const etag = quoted(md5(bytes).toString("hex"));
      if (send === "copy") {
        // A copy of an object of these bytes, whole (which may share its file) or by a range over all of it.
        const source = `${key}.source-${u.part}-${u.seed}`;
        const sourceAlgorithm = u.stream ? algorithm : undefined;
        await bare.send(new PutObjectCommand({ Bucket: bucket, Key: source, Body: bytes, ...(sourceAlgorithm !== undefined ? { [member(sourceAlgorithm)]: await b64(sourceAlgorithm, bytes) } : {}) }));
        const ranged = u.seed % 2 === 0 && bytes.length > 0;
        const out = await bare.send(
          new UploadPartCopyCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: u.part, CopySource: `${bucket}/${source}`, ...(ranged ? { CopySourceRange: `bytes=0-${bytes.length - 1}` } : {}) }),
        );
        assert.equal(out.CopyPartResult?.ETag, etag, `ETag of copied part ${u.part}`);
        if (algorithm !== undefined) assert.equal(out.CopyPartResult?.[member(algorithm)], await b64(algorithm, bytes), `checksum of copied part ${u.part}`);
        const before = current.get(u.part);
        if (before !== undefined) earlier.set(u.part, [...(earlier.get(u.part) ?? []), before.etag]);
        current.set(u.part, { bytes, etag });
        continue;
      }
      const input: Record<string, unknown> = { Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: u.part, Body: u.stream ? Readable.from([bytes]) : bytes, ContentLength: bytes.length };
      let client = bare;
      let sent: Algorithm | undefined;
      if (send === "sdk") {
        client = s3;
        // The client's default is CRC32.
        sent = algorithm ?? "CRC32";
        if (algorithm !== undefined) input.ChecksumAlgorithm = algorithm;
      } else if (send === "header") {
        sent = algorithm ?? (ALGORITHMS[u.seed % ALGORITHMS.length] as Algorithm);
        input[member(sent)] = await b64(sent, bytes);
      }
      const out = (await client.send(new UploadPartCommand(input as never))) as unknown as Record<string, unknown>;
      assert.equal(out.ETag, etag, `ETag of part ${u.part}`);
      if (sent !== undefined) assert.equal(out[member(sent)], await b64(sent, bytes), `checksum of part ${u.part}`);
      const before = current.get(u.part);
      if (before !== undefined) earlier.set(u.part, [...(earlier.get(u.part) ?? []), before.etag]);
      current.set(u.part, { bytes, etag });
    }
    const uploaded = [...current.keys()].sort((a, b) => a - b);
    let selected = uploaded.filter((_, i) => plan.select[i] === true);
    if (selected.length === 0) selected = [uploaded[uploaded.length - 1] as number];
    const chosen = selected.map((n) => {
      const part = current.get(n) as { bytes: Buffer; etag: string };
      const stale = plan.stale.includes(n) ? earlier.get(n)?.[0] : undefined;
      return { number: n, bytes: part.bytes, etag: stale ?? part.etag, current: part.etag };
    });
    const withChecksums = algorithm !== undefined && (type === "COMPOSITE" || plan.includeChecksums);
    const parts: CompletedPart[] = [];
    for (const part of chosen) {
      parts.push({ PartNumber: part.number, ETag: part.etag, ...(withChecksums ? { [member(algorithm)]: await b64(algorithm, part.bytes) } : {}) });
    }
    const invalidPart = chosen.some((p) => p.etag !== p.current);
    const tooSmall = chosen.some((p, i) => i < chosen.length - 1 && p.bytes.length < MIN_PART);
    const done = await outcome(bare.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } })));
    if (invalidPart || tooSmall) {
      assert.equal(done.ok, false, "completion the oracle refuses");
      if (done.ok) return undefined;
      const names = [...(invalidPart ? ["InvalidPart"] : []), ...(tooSmall ? ["EntityTooSmall"] : [])];
      assert.ok(names.includes(done.name), `${done.name} is one of ${names.join(", ")}`);
      assert.equal(done.status, 400);
      return undefined;
    }
    assert.ok(done.ok, `completion: ${done.ok ? "" : `${done.name} ${String(done.error.message)}`}`);
    const expected = await expectedObject(plan.checksum, chosen.map((p) => p.bytes));
    assert.equal(done.value.ETag, expected.etag, "completion ETag");
    assert.deepEqual(checksumsIn(done.value as unknown as Record<string, unknown>), expected.checksum, "completion checksum");
    return expected;
  }

  /** Every read of a multipart object against the oracle: whole, by part, by range, its attributes. */
  async function checkMultipartReads(key: string, expected: ExpectedObject, reads: Reads, named = true): Promise<void> {
    const size = expected.bytes.length;
    const n = expected.parts.length;
    const whole = await bare.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
    assert.equal(whole.ETag, expected.etag);
    assert.equal(whole.ContentLength, size);
    assert.deepEqual(checksumsIn(whole as unknown as Record<string, unknown>), expected.checksum, "whole-object checksum");
    assert.ok((await bodyOf(whole)).equals(expected.bytes), "whole-object bytes");
    let offset = 0;
    for (let k = 1; k <= n + 1; k++) {
      const head = await outcome(bare.send(new HeadObjectCommand({ Bucket: bucket, Key: key, PartNumber: k, ChecksumMode: "ENABLED" })));
      if (k > n) {
        assert.deepEqual([head.ok, head.ok ? 0 : head.status], [false, 416], `part ${k} of ${n}`);
        continue;
      }
      assert.ok(head.ok, `HEAD part ${k}`);
      const part = expected.parts[k - 1] as { bytes: Buffer; checksum: string };
      const out = head.value;
      const end = offset + part.bytes.length - 1;
      if (size === 0) {
        // An empty object has no byte to name: the whole of it, 200, no Content-Range.
        assert.deepEqual([raw.last().status, out.ContentLength, out.ContentRange, out.PartsCount], [200, 0, undefined, n], `HEAD part ${k}`);
      } else if (part.bytes.length > 0) {
        assert.deepEqual([raw.last().status, out.ContentLength, out.ContentRange, out.PartsCount], [206, part.bytes.length, `bytes ${offset}-${end}/${size}`, n], `HEAD part ${k}`);
      } else {
        // An empty last part of a non-empty object: what S3 answers is not documented; its length at least.
        assert.deepEqual([out.ContentLength, out.PartsCount], [0, n], `HEAD part ${k}`);
      }
      // A part's checksum is its own in a COMPOSITE object; a FULL_OBJECT checksum of several parts covers no one part.
      const answered = checksumsIn(out as unknown as Record<string, unknown>);
      if (expected.type === "COMPOSITE") assert.deepEqual(answered, { [member(expected.algorithm)]: part.checksum, ChecksumType: "COMPOSITE" }, `checksum of part ${k}`);
      else if (n > 1) assert.deepEqual(answered, {}, `checksum of part ${k}`);
      else if (named || Object.keys(answered).length > 0) assert.deepEqual(answered, expected.checksum, `checksum of the one part`);
      offset = end + 1;
    }
    const byPart = await outcome(bare.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: reads.partNumber })));
    if (reads.partNumber > n) {
      assert.deepEqual([byPart.ok, byPart.ok ? "" : byPart.name, byPart.ok ? 0 : byPart.status], [false, "InvalidPartNumber", 416]);
    } else {
      assert.ok(byPart.ok);
      assert.ok((await bodyOf(byPart.value)).equals((expected.parts[reads.partNumber - 1] as { bytes: Buffer }).bytes), `bytes of part ${reads.partNumber}`);
    }
    const boundaries = expected.parts.map((_, i) => expected.parts.slice(0, i + 1).reduce((total, p) => total + p.bytes.length, 0));
    const from = reads.range.boundary === undefined ? 0 : (boundaries[reads.range.boundary % boundaries.length] as number);
    const first = Math.max(0, from + reads.range.offset);
    const last = first + reads.range.length;
    const range = `bytes=${first}-${last}`;
    const ranged = await outcome(bare.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: range })));
    if (first >= size) {
      assert.deepEqual([ranged.ok, ranged.ok ? 0 : ranged.status], [false, 416], range);
    } else {
      assert.ok(ranged.ok, range);
      const end = Math.min(last, size - 1);
      assert.equal(ranged.value.ContentRange, `bytes ${first}-${end}/${size}`);
      assert.ok((await bodyOf(ranged.value)).equals(expected.bytes.subarray(first, end + 1)), `bytes of ${range}`);
    }
    const attributes = await bare.send(
      new GetObjectAttributesCommand({ Bucket: bucket, Key: key, ObjectAttributes: ["ETag", "Checksum", "ObjectParts", "ObjectSize"], MaxParts: reads.maxParts, PartNumberMarker: String(reads.marker) }),
    );
    assert.equal(attributes.ETag, expected.etag.slice(1, -1));
    assert.equal(attributes.ObjectSize, size);
    // GetObjectAttributes answers a COMPOSITE checksum without its part count.
    const value = expected.checksum[member(expected.algorithm)] as string;
    assert.deepEqual(attributes.Checksum, { [member(expected.algorithm)]: expected.type === "COMPOSITE" ? value.replace(/-\d+$/, "") : value, ChecksumType: expected.type });
    assert.equal(attributes.ObjectParts?.TotalPartsCount, n);
    if (named) {
      const after = expected.parts.map((p, i) => ({ PartNumber: i + 1, Size: p.bytes.length, [member(expected.algorithm)]: p.checksum })).filter((p) => p.PartNumber > reads.marker);
      const page = after.slice(0, reads.maxParts);
      const { TotalPartsCount: _total, ...paging } = attributes.ObjectParts ?? {};
      assert.deepEqual(paging, {
        PartNumberMarker: String(reads.marker),
        NextPartNumberMarker: String(page.length > 0 ? (page[page.length - 1] as { PartNumber: number }).PartNumber : 0),
        MaxParts: reads.maxParts,
        IsTruncated: after.length > page.length,
        ...(page.length > 0 ? { Parts: page } : {}),
      }, "ObjectParts");
    }
  }

  // -------------------------------------------------------------------------------------------
  // Ranges on single-part objects

  test("Range GET and HEAD over objects of every threshold size", async () => {
    const objects = new Map<number, { key: string; bytes: Buffer; crc: string }>();
    for (const [i, size] of THRESHOLD_SIZES.entries()) {
      const key = `range/${size}`;
      const bytes = bytesOf(size, 1000 + i * 7 + 2);
      await bare.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ChecksumCRC32: await b64("CRC32", bytes) }));
      objects.set(size, { key, bytes, crc: await b64("CRC32", bytes) });
    }
    const request = fc.constantFrom(...THRESHOLD_SIZES).chain((size) =>
      fc.record({ size: fc.constant(size), range: rangeSpecs(size), head: fc.boolean(), checksumMode: fc.boolean(), part: fc.option(fc.constantFrom(1, 2), { freq: 4, nil: undefined }) }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ size, range, head, checksumMode, part }) => {
        const object = objects.get(size);
        assert.ok(object);
        const input = { Bucket: bucket, Key: object.key, ...(part !== undefined ? { PartNumber: part } : { Range: range.header }), ...(checksumMode ? { ChecksumMode: "ENABLED" as const } : {}) };
        // A single-part object is one part: part 1 is the whole of it as a range (none for an empty one), part 2 is none.
        const answer: RangeAnswer = part === undefined ? range.answer(size) : part === 2 ? { kind: "unsatisfiable" } : size === 0 ? { kind: "full" } : { kind: "partial", start: 0, end: size - 1 };
        const got = await outcome(head ? bare.send(new HeadObjectCommand(input)) : bare.send(new GetObjectCommand(input)));
        if (answer.kind === "unsatisfiable") {
          assert.equal(got.ok, false, `${range.header} on ${size} bytes`);
          if (got.ok) return;
          assert.equal(got.status, 416);
          if (!head) assert.equal(got.name, part === undefined ? "InvalidRange" : "InvalidPartNumber");
          // An unsatisfiable range names the object's size (RFC 9110 section 15.5.17).
          if (part === undefined) assert.deepEqual([raw.last().status, raw.last().headers["content-range"]], [416, `bytes */${size}`], range.header);
          return;
        }
        assert.ok(got.ok, `${range.header} on ${size} bytes: ${got.ok ? "" : got.name}`);
        const out = got.value as unknown as Record<string, unknown> & { ContentLength?: number; ContentRange?: string; Body?: unknown };
        const { status } = raw.last();
        const [start, end] = answer.kind === "full" ? [0, size - 1] : [answer.start, answer.end];
        const whole = answer.kind === "full" || (start === 0 && end === size - 1);
        assert.equal(status, answer.kind === "full" ? 200 : 206, range.header);
        assert.equal(out.ContentLength, end - start + 1, range.header);
        assert.equal(out.ContentRange, answer.kind === "full" ? undefined : `bytes ${start}-${end}/${size}`);
        assert.equal(out.PartsCount, undefined);
        // A checksum describes the whole object: a range of less answers none.
        assert.deepEqual(checksumsIn(out), checksumMode && whole ? { ChecksumCRC32: object.crc, ChecksumType: "FULL_OBJECT" } : {}, range.header);
        if (!head) assert.ok((await bodyOf(out)).equals(object.bytes.subarray(start, end + 1)), `bytes of ${range.header} on ${size}`);
      }),
      { seed: SEED, numRuns: runs(80) },
    );
  });

  // -------------------------------------------------------------------------------------------
  // Multipart uploads

  test("multipart: out-of-order and repeated parts, completion with a subset, then every read of the object", async () => {
    await fc.assert(
      fc.asyncProperty(multipartPlan(), async (plan) => {
        const key = `mpu/${plan.id}`;
        const result = await runMultipart(plan, key);
        if (result === undefined) return;
        await checkMultipartReads(key, result, plan.reads, plan.checksum.algorithm !== undefined);
      }),
      { seed: SEED, numRuns: runs(6) },
    );
  });

  // -------------------------------------------------------------------------------------------
  // PutObject integrity: checksums of every algorithm, Content-MD5

  test("PutObject: checksums sent by the client, as a trailer or precomputed, right or wrong, with or without Content-MD5", async () => {
    const put = fc.record({
      size: fc.constantFrom(...THRESHOLD_SIZES),
      seed: fc.nat(),
      mode: fc.constantFrom("sdk" as const, "trailer" as const, "header" as const, "none" as const),
      algorithm: fc.constantFrom(...ALGORITHMS),
      wrongChecksum: fc.boolean(),
      contentMd5: fc.constantFrom("none" as const, "right" as const, "wrong" as const, "malformed" as const),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(put, async (p) => {
        const key = `put/${n++}`;
        const bytes = bytesOf(p.size, p.seed);
        const wrong = p.mode === "header" && p.wrongChecksum;
        const input: Record<string, unknown> = { Bucket: bucket, Key: key, Body: p.mode === "trailer" ? Readable.from([bytes]) : bytes, ContentLength: bytes.length };
        if (p.mode === "sdk" || p.mode === "trailer") input.ChecksumAlgorithm = p.algorithm;
        if (p.mode === "header") input[member(p.algorithm)] = await b64(p.algorithm, wrong ? Buffer.concat([bytes, Buffer.from("x")]) : bytes);
        if (p.contentMd5 === "right") input.ContentMD5 = md5(bytes).toString("base64");
        if (p.contentMd5 === "wrong") input.ContentMD5 = md5(Buffer.concat([bytes, Buffer.from("x")])).toString("base64");
        // Base64 of 15 bytes: no MD5.
        if (p.contentMd5 === "malformed") input.ContentMD5 = Buffer.alloc(15, 7).toString("base64");
        const client = p.mode === "none" || p.mode === "header" ? bare : s3;
        const got = await outcome(client.send(new PutObjectCommand(input as never)));
        if (p.contentMd5 === "malformed") {
          assert.deepEqual([got.ok, got.ok ? "" : got.name, got.ok ? 0 : got.status], [false, "InvalidDigest", 400]);
          return;
        }
        if (p.contentMd5 === "wrong" || wrong) {
          assert.deepEqual([got.ok, got.ok ? "" : got.name, got.ok ? 0 : got.status], [false, "BadDigest", 400]);
          const gone = await outcome(bare.send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
          assert.deepEqual([gone.ok, gone.ok ? 0 : gone.status], [false, 404], "nothing stored");
          return;
        }
        assert.ok(got.ok, `PutObject: ${got.ok ? "" : `${got.name} ${String(got.error.message)}`}`);
        const etag = quoted(md5(bytes).toString("hex"));
        const algorithm = p.mode === "none" ? "CRC64NVME" : p.algorithm;
        const checksum = { [member(algorithm)]: await b64(algorithm, bytes), ChecksumType: "FULL_OBJECT" };
        assert.equal(got.value.ETag, etag);
        assert.deepEqual(checksumsIn(got.value as unknown as Record<string, unknown>), checksum, "PutObject checksum");
        const head = await bare.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
        assert.deepEqual([head.ETag, head.ContentLength], [etag, bytes.length]);
        assert.deepEqual(checksumsIn(head as unknown as Record<string, unknown>), checksum, "HEAD checksum");
        // The default client validates the checksum of what it gets.
        const back = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
        assert.deepEqual(checksumsIn(back as unknown as Record<string, unknown>), checksum, "GET checksum");
        assert.ok((await bodyOf(back)).equals(bytes), "bytes read back");
      }),
      { seed: SEED, numRuns: runs(20) },
    );
  });

  test("aws-chunked bodies: generated chunkings with a trailing checksum, right, wrong or absent", async () => {
    const body = fc.record({
      size: fc.constantFrom(0, 1, 16 * KiB, 16 * KiB + 1, 256 * KiB, 256 * KiB + 1, MiB + 1, 2 * MiB + 3),
      seed: fc.nat(),
      chunks: fc.array(fc.integer({ min: 1, max: 300 * KiB }), { maxLength: 6 }),
      algorithm: fc.constantFrom(...ALGORITHMS),
      trailer: fc.constantFrom("right" as const, "wrong" as const, "none" as const),
      part: fc.boolean(),
    });
    const port = Number(new URL(nimbus.url).port);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(body, async (p) => {
        const key = `chunked/${n++}`;
        const bytes = bytesOf(p.size, p.seed);
        // The data in chunks of the generated sizes, in turn, then the rest in one.
        const framed: Buffer[] = [];
        let offset = 0;
        for (let i = 0; offset < bytes.length; i++) {
          const size = Math.min(p.chunks.length > 0 ? (p.chunks[i % p.chunks.length] as number) : bytes.length, bytes.length - offset);
          framed.push(Buffer.from(`${size.toString(16)}\r\n`), bytes.subarray(offset, offset + size), Buffer.from("\r\n"));
          offset += size;
        }
        const header = `x-amz-checksum-${p.algorithm.toLowerCase()}`;
        const value = await b64(p.algorithm, p.trailer === "wrong" ? Buffer.concat([bytes, Buffer.from("x")]) : bytes);
        framed.push(Buffer.from(`0\r\n${p.trailer === "none" ? "" : `${header}:${value}\r\n`}\r\n`));
        const payload = Buffer.concat(framed);
        const headers: Record<string, string> = {
          ...{}, ...signedHeaders("s3"),
          "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
          "content-encoding": "aws-chunked",
          "x-amz-decoded-content-length": String(bytes.length),
          "content-length": String(payload.length),
        };
        if (p.trailer !== "none") headers["x-amz-trailer"] = header;
        let uploadId: string | undefined;
        let path = `/${bucket}/${key}`;
        if (p.part) {
          uploadId = (await bare.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }))).UploadId as string;
          path += `?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`;
        }
        const put = await httpRequest(port, "PUT", path, headers, payload);
        if (p.trailer === "wrong") {
          assert.equal(put.status, 400, put.text);
          assert.match(put.text, /<Code>BadDigest<\/Code>/);
          return;
        }
        assert.equal(put.status, 200, put.text);
        if (uploadId !== undefined) {
          await bare.send(
            new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: quoted(md5(bytes).toString("hex")) }] } }),
          );
        }
        const got = await bare.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
        assert.ok((await bodyOf(got)).equals(bytes), "bytes as decoded");
        if (uploadId === undefined) {
          const algorithm = p.trailer === "none" ? "CRC64NVME" : p.algorithm;
          assert.equal(got.ETag, quoted(md5(bytes).toString("hex")));
          assert.deepEqual(checksumsIn(got as unknown as Record<string, unknown>), { [member(algorithm)]: await b64(algorithm, bytes), ChecksumType: "FULL_OBJECT" });
        }
      }),
      { seed: SEED, numRuns: runs(25) },
    );
  });

  // -------------------------------------------------------------------------------------------
  // Conditional reads and copies

  test("conditional GET, HEAD and CopyObject source: generated combinations against the documented precedence", async () => {
    const etagList = fc.oneof(
      fc.constant("*"),
      fc.array(fc.constantFrom("quoted", "unquoted", "other"), { minLength: 1, maxLength: 3 }),
    );
    // Seconds from Last-Modified, milliseconds within the second, or a date no one can parse.
    const date = fc.oneof({ arbitrary: fc.record({ seconds: fc.integer({ min: -3, max: 6 }), ms: fc.integer({ min: 0, max: 999 }) }), weight: 9 }, { arbitrary: fc.constant("malformed" as const), weight: 1 });
    const request = fc.record({
      putMs: fc.integer({ min: 0, max: 999 }),
      advance: fc.integer({ min: 0, max: 4000 }),
      ifMatch: fc.option(etagList, { nil: undefined }),
      ifNoneMatch: fc.option(etagList, { nil: undefined }),
      ifModifiedSince: fc.option(date, { nil: undefined }),
      ifUnmodifiedSince: fc.option(date, { nil: undefined }),
      operation: fc.constantFrom("GET" as const, "HEAD" as const, "COPY" as const),
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const key = `cond/${n++}`;
        // Put at a generated millisecond, then let time pass.
        nimbus.manualClock.set(Math.floor(nimbus.manualClock.now() / 1000) * 1000 + 10_000 + r.putMs);
        const bytes = bytesOf(n % 50, n);
        const put = await bare.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
        const etag = (put.ETag as string).slice(1, -1);
        const lastModified = nimbus.manualClock.now();
        await nimbus.scheduler.advance(r.advance);
        const now = nimbus.manualClock.now();
        const lmSeconds = Math.floor(lastModified / 1000);
        const header = (list: "*" | readonly string[]): string =>
          list === "*" ? "*" : list.map((e) => (e === "quoted" ? `"${etag}"` : e === "unquoted" ? etag : `"${"0".repeat(32)}"`)).join(", ");
        const matches = (list: "*" | readonly string[]): boolean => list === "*" || list.some((e) => e !== "other");
        const when = (d: { seconds: number; ms: number } | "malformed"): Date | string => (d === "malformed" ? "yesterday-ish" : new Date((lmSeconds + d.seconds) * 1000 + d.ms));
        const seconds = (d: Date | string): number | undefined => (typeof d === "string" ? undefined : Math.floor(d.getTime() / 1000));
        const ims = r.ifModifiedSince !== undefined ? when(r.ifModifiedSince) : undefined;
        const ius = r.ifUnmodifiedSince !== undefined ? when(r.ifUnmodifiedSince) : undefined;
        // RFC 7232 section 6, which S3's two documented combinations follow; unparseable dates and a
        // future If-Modified-Since are ignored. A date travels at whole seconds.
        let expected: "ok" | "412" | "304" = "ok";
        if (r.ifMatch !== undefined) {
          if (!matches(r.ifMatch)) expected = "412";
        } else if (ius !== undefined && seconds(ius) !== undefined && lmSeconds > (seconds(ius) as number)) {
          expected = "412";
        }
        if (expected === "ok") {
          if (r.ifNoneMatch !== undefined) {
            if (matches(r.ifNoneMatch)) expected = "304";
          } else if (ims !== undefined && typeof ims !== "string" && (seconds(ims) as number) * 1000 <= now && lmSeconds <= (seconds(ims) as number)) {
            expected = "304";
          }
        }
        // A copy answers 412 for every failed condition.
        if (r.operation === "COPY" && expected === "304") expected = "412";
        const status = await conditionalStatus(r.operation, key, {
          ...(r.ifMatch !== undefined ? { ifMatch: header(r.ifMatch) } : {}),
          ...(r.ifNoneMatch !== undefined ? { ifNoneMatch: header(r.ifNoneMatch) } : {}),
          ...(ims !== undefined ? { ifModifiedSince: ims } : {}),
          ...(ius !== undefined ? { ifUnmodifiedSince: ius } : {}),
        });
        assert.equal(status, expected === "ok" ? 200 : Number(expected));
      }),
      { seed: SEED, numRuns: runs(100) },
    );
  });

  /** The status of a conditional read or copy; a malformed date goes over raw HTTP, which the client cannot send. */
  async function conditionalStatus(
    operation: "GET" | "HEAD" | "COPY",
    key: string,
    c: { ifMatch?: string; ifNoneMatch?: string; ifModifiedSince?: Date | string; ifUnmodifiedSince?: Date | string },
  ): Promise<number> {
    if (typeof c.ifModifiedSince === "string" || typeof c.ifUnmodifiedSince === "string") {
      const prefix = operation === "COPY" ? "x-amz-copy-source-" : "";
      const headers: Record<string, string> = { ...{}, ...signedHeaders("s3") };
      const dateHeader = (d: Date | string): string => (typeof d === "string" ? d : d.toUTCString());
      if (c.ifMatch !== undefined) headers[`${prefix}if-match`] = c.ifMatch;
      if (c.ifNoneMatch !== undefined) headers[`${prefix}if-none-match`] = c.ifNoneMatch;
      if (c.ifModifiedSince !== undefined) headers[`${prefix}if-modified-since`] = dateHeader(c.ifModifiedSince);
      if (c.ifUnmodifiedSince !== undefined) headers[`${prefix}if-unmodified-since`] = dateHeader(c.ifUnmodifiedSince);
      if (operation === "COPY") headers["x-amz-copy-source"] = `${bucket}/${key}`;
      const port = Number(new URL(nimbus.url).port);
      const target = operation === "COPY" ? `/${bucket}/${key}.copy` : `/${bucket}/${key}`;
      return (await httpRequest(port, operation === "COPY" ? "PUT" : operation, target, headers)).status;
    }
    const got =
      operation === "COPY"
        ? await outcome(
            bare.send(
              new CopyObjectCommand({
                Bucket: bucket,
                Key: `${key}.copy`,
                CopySource: `${bucket}/${key}`,
                ...(c.ifMatch !== undefined ? { CopySourceIfMatch: c.ifMatch } : {}),
                ...(c.ifNoneMatch !== undefined ? { CopySourceIfNoneMatch: c.ifNoneMatch } : {}),
                ...(c.ifModifiedSince !== undefined ? { CopySourceIfModifiedSince: c.ifModifiedSince as Date } : {}),
                ...(c.ifUnmodifiedSince !== undefined ? { CopySourceIfUnmodifiedSince: c.ifUnmodifiedSince as Date } : {}),
              }),
            ),
          )
        : await outcome(
            (async () => {
              const input = {
                Bucket: bucket,
                Key: key,
                ...(c.ifMatch !== undefined ? { IfMatch: c.ifMatch } : {}),
                ...(c.ifNoneMatch !== undefined ? { IfNoneMatch: c.ifNoneMatch } : {}),
                ...(c.ifModifiedSince !== undefined ? { IfModifiedSince: c.ifModifiedSince as Date } : {}),
                ...(c.ifUnmodifiedSince !== undefined ? { IfUnmodifiedSince: c.ifUnmodifiedSince as Date } : {}),
              };
              if (operation === "HEAD") return bare.send(new HeadObjectCommand(input));
              const out = await bare.send(new GetObjectCommand(input));
              await bodyOf(out);
              return out;
            })(),
          );
    if (!got.ok) return got.status ?? 0;
    return raw.last().status;
  }

  // -------------------------------------------------------------------------------------------
  // Conditional writes after generated histories

  test("conditional writes and deletes after generated histories of writes, deletes and version deletes", async () => {
    const condition = fc.constantFrom("none", "if-none-match", "if-match-current", "if-match-unquoted", "if-match-stale", "if-match-other", "if-match-star");
    const op = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant("put" as const), condition, seed: fc.nat(), size: fc.constantFrom(0, 5, 16 * KiB + 1) }), weight: 4 },
      { arbitrary: fc.record({ op: fc.constant("complete" as const), condition, seed: fc.nat(), size: fc.constantFrom(0, 7) }), weight: 2 },
      { arbitrary: fc.record({ op: fc.constant("copy" as const), condition, seed: fc.nat(), size: fc.constant(9) }), weight: 2 },
      { arbitrary: fc.record({ op: fc.constant("delete" as const), condition, seed: fc.nat(), size: fc.constant(0) }), weight: 2 },
      { arbitrary: fc.record({ op: fc.constant("delete-version" as const), condition: fc.constant("none"), seed: fc.nat(), size: fc.constant(0) }), weight: 1 },
    );
    const history = fc.record({ versioned: fc.boolean(), ops: fc.array(op, { minLength: 1, maxLength: 12 }) });
    await fc.assert(
      fc.asyncProperty(history, async ({ versioned, ops }) => {
        const b = await newBucket(bare, "s3-oracle-cw");
        if (versioned) await bare.send(new PutBucketVersioningCommand({ Bucket: b, VersioningConfiguration: { Status: "Enabled" } }));
        const key = "k";
        // The key's versions, oldest first (one at most when unversioned); the current one is the last unless it is a delete marker.
        type Version = { id: string | undefined; marker: boolean; etag: string; bytes: Buffer };
        let versions: Version[] = [];
        const etags: string[] = [];
        for (const [i, o] of ops.entries()) {
          const step = `step ${i} ${o.op} ${o.condition}`;
          const top = versions[versions.length - 1];
          const current = top !== undefined && !top.marker ? top : undefined;
          if (o.op === "delete-version") {
            if (!versioned || versions.length === 0) continue;
            const index = o.seed % versions.length;
            await bare.send(new DeleteObjectCommand({ Bucket: b, Key: key, VersionId: versions[index]?.id }));
            versions = versions.filter((_, j) => j !== index);
          } else {
            const stale = etags.find((e) => e !== current?.etag);
            const ifMatch =
              o.condition === "if-match-current" ? current?.etag ?? quoted("1".repeat(32)) :
              o.condition === "if-match-unquoted" ? (current?.etag ?? quoted("2".repeat(32))).slice(1, -1) :
              o.condition === "if-match-stale" ? stale ?? quoted("3".repeat(32)) :
              o.condition === "if-match-other" ? quoted("4".repeat(32)) :
              o.condition === "if-match-star" ? "*" : undefined;
            const ifNoneMatch = o.condition === "if-none-match" ? "*" : undefined;
            let expected: "ok" | "PreconditionFailed" | "NoSuchKey" = "ok";
            if (o.op === "delete") {
              // A delete takes If-Match only (an ETag or *), judged on the current version: a delete marker fails it, nothing is 404.
              if (ifNoneMatch !== undefined) continue;
              if (ifMatch !== undefined) {
                expected = current !== undefined ? (ifMatch === "*" || ifMatch.replace(/"/g, "") === current.etag.slice(1, -1) ? "ok" : "PreconditionFailed") : top?.marker ? "PreconditionFailed" : "NoSuchKey";
              }
              const deleted = await outcome(bare.send(new DeleteObjectCommand({ Bucket: b, Key: key, ...(ifMatch !== undefined ? { IfMatch: ifMatch } : {}) })));
              if (expected !== "ok") {
                assert.deepEqual([deleted.ok, deleted.ok ? "" : deleted.name, deleted.ok ? 0 : deleted.status], [false, expected, expected === "NoSuchKey" ? 404 : 412], step);
              } else {
                assert.ok(deleted.ok, `${step}: ${deleted.ok ? "" : deleted.name}`);
                if (versioned) versions.push({ id: deleted.value.VersionId, marker: true, etag: "", bytes: Buffer.alloc(0) });
                else versions = [];
              }
            } else {
              // A write takes If-None-Match only as *, If-Match only as an ETag.
              if (ifMatch === "*") continue;
              const bytes = bytesOf(o.size, o.seed);
              if (ifNoneMatch !== undefined && current !== undefined) expected = "PreconditionFailed";
              if (ifMatch !== undefined) expected = current === undefined ? "NoSuchKey" : ifMatch.replace(/"/g, "") === current.etag.slice(1, -1) ? "ok" : "PreconditionFailed";
              const conditions = { ...{}, ...(ifNoneMatch !== undefined ? { IfNoneMatch: ifNoneMatch } : {}), ...(ifMatch !== undefined ? { IfMatch: ifMatch } : {}) };
              const written = await outcome(conditionalWrite(b, key, o.op, bytes, conditions));
              if (expected !== "ok") {
                assert.deepEqual([written.ok, written.ok ? "" : written.name, written.ok ? 0 : written.status], [false, expected, expected === "NoSuchKey" ? 404 : 412], step);
              } else {
                assert.ok(written.ok, `${step}: ${written.ok ? "" : written.name}`);
                const version = { id: written.value.versionId, marker: false, etag: written.value.etag, bytes };
                if (versioned) versions.push(version);
                else versions = [version];
                etags.push(written.value.etag);
              }
            }
          }
          const last = versions[versions.length - 1];
          const now = last !== undefined && !last.marker ? last : undefined;
          const got = await outcome(bare.send(new GetObjectCommand({ Bucket: b, Key: key })));
          if (now === undefined) {
            assert.deepEqual([got.ok, got.ok ? 0 : got.status], [false, 404], `after ${step}`);
          } else {
            assert.ok(got.ok, `after ${step}`);
            assert.deepEqual([got.value.ETag, got.value.VersionId], [now.etag, versioned ? now.id : undefined], `after ${step}`);
            assert.ok((await bodyOf(got.value)).equals(now.bytes), `bytes after ${step}`);
          }
        }
      }),
      { seed: SEED, numRuns: runs(15) },
    );
  });

  /** A write of `bytes` to the key by PutObject, a one-part multipart upload, or a copy; its ETag and version. */
  async function conditionalWrite(b: string, key: string, op: "put" | "complete" | "copy", bytes: Buffer, conditions: { IfNoneMatch?: string; IfMatch?: string }): Promise<{ etag: string; versionId: string | undefined }> {
    if (op === "put") {
      const out = await bare.send(new PutObjectCommand({ ...{}, ...conditions, Bucket: b, Key: key, Body: bytes }));
      return { etag: out.ETag as string, versionId: out.VersionId };
    }
    if (op === "copy") {
      await bare.send(new PutObjectCommand({ Bucket: b, Key: "source", Body: bytes }));
      const out = await bare.send(new CopyObjectCommand({ ...{}, ...conditions, Bucket: b, Key: key, CopySource: `${b}/source` }));
      return { etag: out.CopyObjectResult?.ETag as string, versionId: out.VersionId };
    }
    const created = await bare.send(new CreateMultipartUploadCommand({ Bucket: b, Key: key }));
    const part = await bare.send(new UploadPartCommand({ Bucket: b, Key: key, UploadId: created.UploadId, PartNumber: 1, Body: bytes }));
    const done = await bare.send(
      new CompleteMultipartUploadCommand({ ...{}, ...conditions, Bucket: b, Key: key, UploadId: created.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
    );
    return { etag: done.ETag as string, versionId: done.VersionId };
  }

  // -------------------------------------------------------------------------------------------
  // Shared bytes: identical contents, copies, parts and overwrites

  test("shared bytes: keys written, copied, composed and deleted from a small pool of contents read back after every step", async () => {
    // A pool of contents, so that identical bytes meet: one a whole part, the others small, inline or streamed.
    const pool = [bytesOf(MIN_PART, 901), bytesOf(17, 902), bytesOf(16 * KiB + 1, 903), bytesOf(300 * KiB, 904), bytesOf(16 * KiB, 905)];
    const keys = ["a", "b", "c", "d"];
    const source = fc.oneof(fc.record({ content: fc.nat(pool.length - 1) }), fc.record({ key: fc.constantFrom(...keys), range: fc.boolean() }));
    const op = fc.oneof(
      { arbitrary: fc.record({ op: fc.constant("put" as const), key: fc.constantFrom(...keys), content: fc.nat(pool.length - 1), stream: fc.boolean() }), weight: 4 },
      { arbitrary: fc.record({ op: fc.constant("copy" as const), key: fc.constantFrom(...keys), from: fc.constantFrom(...keys) }), weight: 3 },
      { arbitrary: fc.record({ op: fc.constant("delete" as const), key: fc.constantFrom(...keys) }), weight: 2 },
      {
        arbitrary: fc.record({ op: fc.constant("multipart" as const), key: fc.constantFrom(...keys), first: fc.option(source, { nil: undefined }), last: source, abort: fc.boolean() }),
        weight: 2,
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const b = await newBucket(bare, "s3-oracle-shared");
        const model = new Map<string, Buffer>();
        for (const [i, o] of ops.entries()) {
          const step = `step ${i} ${JSON.stringify(o)}`;
          if (o.op === "put") {
            const bytes = pool[o.content] as Buffer;
            await bare.send(new PutObjectCommand({ Bucket: b, Key: o.key, Body: o.stream ? Readable.from([bytes]) : bytes, ContentLength: bytes.length }));
            model.set(o.key, bytes);
          } else if (o.op === "copy") {
            const from = model.get(o.from);
            if (from === undefined || o.from === o.key) continue;
            await bare.send(new CopyObjectCommand({ Bucket: b, Key: o.key, CopySource: `${b}/${o.from}` }));
            model.set(o.key, from);
          } else if (o.op === "delete") {
            await bare.send(new DeleteObjectCommand({ Bucket: b, Key: o.key }));
            model.delete(o.key);
          } else {
            const { UploadId } = await bare.send(new CreateMultipartUploadCommand({ Bucket: b, Key: o.key }));
            const parts: CompletedPart[] = [];
            const partBytes: Buffer[] = [];
            for (const part of o.first !== undefined ? [o.first, o.last] : [o.last]) {
              const first = parts.length === 0 && o.first !== undefined;
              const number = parts.length + 1;
              let bytes: Buffer;
              let etag: string | undefined;
              if ("content" in part) {
                // A first part must be whole (5 MiB): pool[0].
                bytes = pool[first ? 0 : part.content] as Buffer;
                etag = (await bare.send(new UploadPartCommand({ Bucket: b, Key: o.key, UploadId, PartNumber: number, Body: bytes }))).ETag;
              } else {
                const from = model.get(part.key);
                const usable = from !== undefined && (!first || from.length >= MIN_PART);
                if (!usable) {
                  bytes = pool[0] as Buffer;
                  etag = (await bare.send(new UploadPartCommand({ Bucket: b, Key: o.key, UploadId, PartNumber: number, Body: bytes }))).ETag;
                } else {
                  // The whole source (its file shared when it can be), or a range of it that is all of it.
                  const ranged = part.range && from.length > 0;
                  bytes = from;
                  const out = await bare.send(
                    new UploadPartCopyCommand({ Bucket: b, Key: o.key, UploadId, PartNumber: number, CopySource: `${b}/${part.key}`, ...(ranged ? { CopySourceRange: `bytes=0-${from.length - 1}` } : {}) }),
                  );
                  etag = out.CopyPartResult?.ETag;
                }
              }
              parts.push({ PartNumber: number, ETag: etag });
              partBytes.push(bytes);
            }
            if (o.abort) {
              await bare.send(new AbortMultipartUploadCommand({ Bucket: b, Key: o.key, UploadId }));
            } else {
              await bare.send(new CompleteMultipartUploadCommand({ Bucket: b, Key: o.key, UploadId, MultipartUpload: { Parts: parts } }));
              model.set(o.key, Buffer.concat(partBytes));
            }
          }
          for (const key of keys) {
            const got = await outcome(bare.send(new GetObjectCommand({ Bucket: b, Key: key })));
            const bytes = model.get(key);
            if (bytes === undefined) {
              assert.deepEqual([got.ok, got.ok ? 0 : got.status], [false, 404], `${key} after ${step}`);
            } else {
              assert.ok(got.ok, `${key} after ${step}: ${got.ok ? "" : got.name}`);
              assert.ok(md5(await bodyOf(got.value)).equals(md5(bytes)), `bytes of ${key} after ${step}`);
            }
          }
        }
      }),
      { seed: SEED, numRuns: runs(5) },
    );
  });

  test("copies: UploadPartCopy of generated ranges, CopyObject of multipart objects", async () => {
    // Sources: single-part objects of threshold sizes, and a multipart object (COMPOSITE CRC32, 5 MiB + 300 KiB).
    const sources: { key: string; bytes: Buffer }[] = [];
    for (const [i, size] of [0, 1, 16 * KiB, 256 * KiB + 1, MiB + 1].entries()) {
      const key = `copy-src/${size}`;
      const bytes = bytesOf(size, 77 + i * 5 + 3);
      await bare.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
      sources.push({ key, bytes });
    }
    const mpuSource = await runMultipart(
      {
        id: "copy-source",
        checksum: { algorithm: "CRC32", type: "COMPOSITE" },
        uploads: [
          { part: 2, size: 300 * KiB, seed: 11, send: "header", stream: false },
          { part: 1, size: MIN_PART, seed: 12, send: "sdk", stream: true },
        ],
        select: [true, true],
        stale: [],
        includeChecksums: true,
        reads: { partNumber: 1, range: { boundary: undefined, offset: 0, length: 0 }, maxParts: 1, marker: 0 },
      },
      "copy-src/multipart",
    );
    assert.ok(mpuSource);
    sources.push({ key: "copy-src/multipart", bytes: mpuSource.bytes });
    const big = sources.length - 1;
    const pick = (index: number) => sources[index] as { key: string; bytes: Buffer };

    const copyPart = fc.record({
      source: fc.nat(sources.length - 1),
      // A range as fractions of the source (undefined: the whole source).
      range: fc.option(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), { nil: undefined }),
    });
    const copyPlan = fc.record({
      id: fc.uuid(),
      checksum: fc.constantFrom(...CHECKSUM_PLANS),
      // A first part of at least 5 MiB, from the multipart source, when there are two.
      first: fc.option(fc.nat(mpuSource.bytes.length - MIN_PART), { nil: undefined }),
      last: copyPart,
      copyAlgorithm: fc.option(fc.constantFrom(...ALGORITHMS), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(copyPlan, async (p) => {
        const key = `copy/${p.id}`;
        const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...uploadChecksumInput(p.checksum) }));
        const uploadId = created.UploadId as string;
        const parts: { bytes: Buffer; etag: string; checksum?: string }[] = [];
        const copies: { source: number; start: number; end: number | undefined }[] = [];
        if (p.first !== undefined) copies.push({ source: big, start: p.first, end: p.first + MIN_PART - 1 });
        const last = pick(p.last.source);
        if (p.last.range === undefined || last.bytes.length === 0) {
          copies.push({ source: p.last.source, start: 0, end: undefined });
        } else {
          const [a, b] = p.last.range.map((f) => Math.floor(f * (last.bytes.length - 1)));
          copies.push({ source: p.last.source, start: Math.min(a as number, b as number), end: Math.max(a as number, b as number) });
        }
        for (const [i, copy] of copies.entries()) {
          const source = pick(copy.source);
          const bytes = copy.end === undefined ? source.bytes : source.bytes.subarray(copy.start, copy.end + 1);
          const out = await bare.send(
            new UploadPartCopyCommand({
              Bucket: bucket,
              Key: key,
              UploadId: uploadId,
              PartNumber: i + 1,
              CopySource: `${bucket}/${source.key}`,
              ...(copy.end !== undefined ? { CopySourceRange: `bytes=${copy.start}-${copy.end}` } : {}),
            }),
          );
          assert.equal(out.CopyPartResult?.ETag, quoted(md5(bytes).toString("hex")), `part ${i + 1} ETag`);
          const algorithm = p.checksum.algorithm;
          if (algorithm !== undefined) {
            assert.equal(out.CopyPartResult?.[member(algorithm)], await b64(algorithm, bytes), `part ${i + 1} checksum`);
          }
          parts.push({ bytes, etag: out.CopyPartResult?.ETag as string, ...(algorithm !== undefined ? { checksum: await b64(algorithm, bytes) } : {}) });
        }
        const algorithm = p.checksum.algorithm;
        const completed = await bare.send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: {
              Parts: parts.map((part, i): CompletedPart => ({ PartNumber: i + 1, ETag: part.etag, ...(algorithm !== undefined && part.checksum !== undefined ? { [member(algorithm)]: part.checksum } : {}) })),
            },
          }),
        );
        const expected = await expectedObject(p.checksum, parts.map((part) => part.bytes));
        assert.equal(completed.ETag, expected.etag);
        assert.deepEqual(checksumsIn(completed as unknown as Record<string, unknown>), expected.checksum);
        const got = await bare.send(new GetObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
        assert.ok((await bodyOf(got)).equals(expected.bytes), "copied bytes");

        // A copy of the multipart object: one object of its bytes, ETag their MD5, a FULL_OBJECT checksum.
        const copyKey = `${key}.copy`;
        const copied = await bare.send(
          new CopyObjectCommand({ Bucket: bucket, Key: copyKey, CopySource: `${bucket}/${key}`, ...(p.copyAlgorithm !== undefined ? { ChecksumAlgorithm: p.copyAlgorithm } : {}) }),
        );
        const copyETag = quoted(md5(expected.bytes).toString("hex"));
        assert.equal(copied.CopyObjectResult?.ETag, copyETag, "CopyObject ETag");
        const copyAlgorithm = p.copyAlgorithm ?? algorithm ?? "CRC64NVME";
        const copyChecksum = { [member(copyAlgorithm)]: await b64(copyAlgorithm, expected.bytes), ChecksumType: "FULL_OBJECT" };
        assert.deepEqual(checksumsIn(copied.CopyObjectResult as unknown as Record<string, unknown>), copyChecksum, "CopyObject checksum");
        const head = await bare.send(new HeadObjectCommand({ Bucket: bucket, Key: copyKey, ChecksumMode: "ENABLED" }));
        assert.deepEqual([head.ETag, head.ContentLength, head.PartsCount], [copyETag, expected.bytes.length, undefined]);
        assert.deepEqual(checksumsIn(head as unknown as Record<string, unknown>), copyChecksum, "HEAD of the copy");
        const attributes = await bare.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: copyKey, ObjectAttributes: ["ETag", "ObjectParts", "ObjectSize", "Checksum"] }));
        assert.deepEqual([attributes.ETag, attributes.ObjectSize, attributes.ObjectParts], [copyETag.slice(1, -1), expected.bytes.length, undefined]);
        assert.deepEqual(attributes.Checksum, copyChecksum);
      }),
      { seed: SEED, numRuns: runs(3) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Multipart: the plan, its run and the oracle's object

interface UploadChecksum {
  readonly algorithm?: Algorithm;
  readonly type?: ChecksumType;
}

const CHECKSUM_PLANS: readonly UploadChecksum[] = [
  {},
  { algorithm: "CRC32", type: "COMPOSITE" },
  { algorithm: "CRC32", type: "FULL_OBJECT" },
  { algorithm: "CRC32C", type: "COMPOSITE" },
  { algorithm: "CRC32C", type: "FULL_OBJECT" },
  { algorithm: "CRC64NVME", type: "FULL_OBJECT" },
  { algorithm: "SHA1", type: "COMPOSITE" },
  { algorithm: "SHA256", type: "COMPOSITE" },
];

function uploadChecksumInput(plan: UploadChecksum): { ChecksumAlgorithm?: SdkChecksumAlgorithm; ChecksumType?: ChecksumType } {
  return plan.algorithm === undefined ? {} : { ChecksumAlgorithm: plan.algorithm, ...(plan.type !== undefined ? { ChecksumType: plan.type } : {}) };
}

interface PartUpload {
  readonly part: number;
  readonly size: number;
  readonly seed: number;
  /** sdk: the client computes the checksum (a trailer for a stream); header: precomputed; none: no checksum; copy: UploadPartCopy of an object of the bytes. */
  readonly send: "sdk" | "header" | "none" | "copy";
  readonly stream: boolean;
}

interface Reads {
  readonly partNumber: number;
  readonly range: { readonly boundary: number | undefined; readonly offset: number; readonly length: number };
  readonly maxParts: number;
  readonly marker: number;
}

interface MultipartPlan {
  readonly id: string;
  readonly checksum: UploadChecksum;
  readonly uploads: readonly PartUpload[];
  /** Which uploaded part numbers (in order) the completion names. */
  readonly select: readonly boolean[];
  /** Part numbers the completion names with the ETag of an earlier upload of that number. */
  readonly stale: readonly number[];
  readonly includeChecksums: boolean;
  readonly reads: Reads;
}

const partSize = fc.oneof(
  { arbitrary: fc.constantFrom(MIN_PART, MIN_PART, MIN_PART + 1), weight: 3 },
  { arbitrary: fc.constantFrom(0, 1, 16 * KiB, 16 * KiB + 1, 256 * KiB, 256 * KiB + 1, MiB + 1), weight: 3 },
  { arbitrary: fc.nat(300 * KiB), weight: 2 },
);

function multipartPlan(): fc.Arbitrary<MultipartPlan> {
  return fc.record({
    id: fc.uuid(),
    checksum: fc.constantFrom(...CHECKSUM_PLANS),
    uploads: fc.array(
      fc.record({ part: fc.integer({ min: 1, max: 4 }), size: partSize, seed: fc.nat(), send: fc.constantFrom("sdk" as const, "header" as const, "none" as const, "copy" as const), stream: fc.boolean() }),
      { minLength: 1, maxLength: 5 },
    ),
    select: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    stale: fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 1 }),
    includeChecksums: fc.boolean(),
    reads: fc.record({
      partNumber: fc.integer({ min: 1, max: 5 }),
      // A range from near a part boundary (an index into the boundaries, an offset from it) or anywhere.
      range: fc.record({ boundary: fc.option(fc.nat(4), { nil: undefined }), offset: fc.oneof(fc.integer({ min: -2, max: 2 }), fc.nat(12 * MiB)), length: fc.oneof(fc.constantFrom(1, 2, 3, MIN_PART, MIN_PART + 1), fc.nat(6 * MiB)) }),
      maxParts: fc.integer({ min: 1, max: 5 }),
      marker: fc.integer({ min: 0, max: 5 }),
    }),
  });
}

interface ExpectedObject {
  readonly bytes: Buffer;
  readonly etag: string;
  readonly checksum: Record<string, string>;
  readonly type: ChecksumType;
  readonly algorithm: Algorithm;
  readonly parts: readonly { readonly bytes: Buffer; readonly checksum?: string }[];
}

/** The object a completion of these parts makes, as the S3 user guide's "Checking object integrity" describes it. */
async function expectedObject(plan: UploadChecksum, partBytes: readonly Buffer[]): Promise<ExpectedObject> {
  const bytes = Buffer.concat(partBytes);
  const etag = quoted(`${md5(Buffer.concat(partBytes.map(md5))).toString("hex")}-${partBytes.length}`);
  // Without an algorithm, S3 gives the object a full-object CRC64NVME.
  const algorithm = plan.algorithm ?? "CRC64NVME";
  const type = plan.type ?? "FULL_OBJECT";
  const parts = await Promise.all(partBytes.map(async (b) => ({ bytes: b, checksum: await b64(algorithm, b) })));
  const value =
    type === "COMPOSITE"
      ? `${await b64(algorithm, Buffer.concat(await Promise.all(partBytes.map((b) => digestOf(algorithm, b)))))}-${partBytes.length}`
      : await b64(algorithm, bytes);
  return { bytes, etag, checksum: { [member(algorithm)]: value, ChecksumType: type }, type, algorithm, parts };
}
