import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Crc32 } from "@aws-crypto/crc32";
import { Crc32c } from "@aws-crypto/crc32c";
import { Crc64Nvme } from "@aws-sdk/checksums/crc";
import { AwsError } from "../../../core/errors.js";
import {
  CHECKSUM_ALGORITHMS,
  algorithmFromHeaderName,
  checksumHeaderName,
  compositeChecksum,
  computeChecksum,
  createHasher,
  crc32c,
  crcCombine,
  decodeChecksumValue,
  decodeContentMd5,
  defaultChecksumType,
  digestOf,
  etagFromMd5,
  fullObjectChecksum,
  multipartETag,
  normalizeETag,
  stripPartCount,
  validateChecksumType,
  verifyChecksum,
  verifyContentMd5,
} from "./checksums.js";

function expectAwsError(fn: () => unknown, code: string, status: number, message: string): AwsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, `expected AwsError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.status, status);
    assert.equal(err.message, message);
    return err;
  }
  assert.fail(`expected ${code} to be thrown`);
}

// Three 5 MiB parts of "A", "B" and "C": the vectors ceph/s3-tests asserts against S3.
const PART_A = Buffer.alloc(5 * 1024 * 1024, "A");
const PART_B = Buffer.alloc(5 * 1024 * 1024, "B");
const PART_C = Buffer.alloc(5 * 1024 * 1024, "C");

describe("hashers", () => {
  test("known values for 'hello world' as S3 returns them (base64 of big-endian digests)", async () => {
    const data = Buffer.from("hello world");
    assert.equal(await computeChecksum("CRC32", data), "DUoRhQ==");
    assert.equal(await computeChecksum("CRC32C", data), "yZRlqg==");
    assert.equal(await computeChecksum("SHA1", data), "Kq5sNclPz7QV2+lfQIuc6R7oRu0=");
    assert.equal(await computeChecksum("SHA256", data), "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=");
    assert.equal(await computeChecksum("MD5", data), "XrY7u+Ae7tCTyyK7j1rNww==");
  });

  test("the empty input hashes to the algorithms' empty values", async () => {
    assert.equal(await computeChecksum("CRC32", Buffer.alloc(0)), "AAAAAA==");
    assert.equal(await computeChecksum("CRC32C", Buffer.alloc(0)), "AAAAAA==");
    assert.equal(await computeChecksum("CRC64NVME", Buffer.alloc(0)), "AAAAAAAAAAA=");
    assert.equal(await computeChecksum("MD5", Buffer.alloc(0)), "1B2M2Y8AsgTpgAmY7PhCfg==");
  });

  test("CRC32, CRC32C and CRC64NVME agree with @aws-crypto and the AWS SDK on random data split at random points", async () => {
    for (let round = 0; round < 20; round++) {
      const data = randomBytes(1 + Math.floor(Math.random() * 5000));
      const pieces: Buffer[] = [];
      for (let pos = 0; pos < data.length; ) {
        const n = 1 + Math.floor(Math.random() * 97);
        pieces.push(data.subarray(pos, pos + n));
        pos += n;
      }
      const crc32 = new Crc32().update(data).digest();
      const crc32cValue = new Crc32c().update(data).digest();
      const crc64 = new Crc64Nvme();
      crc64.update(data);
      assert.equal((await digestOf("CRC32", pieces)).readUInt32BE(0), crc32);
      assert.equal((await digestOf("CRC32C", pieces)).readUInt32BE(0), crc32cValue);
      assert.equal(crc32c(data), crc32cValue);
      assert.deepEqual(await digestOf("CRC64NVME", pieces), Buffer.from(await crc64.digest()));
    }
  });

  test("uploads hashed at the same time keep their own CRC64NVME and CRC32C (one WebAssembly instance serves them all)", async () => {
    for (const algorithm of ["CRC64NVME", "CRC32C"] as const) {
      const a = randomBytes(70_000);
      const b = randomBytes(50_000);
      const [ha, hb] = [createHasher(algorithm), createHasher(algorithm)];
      for (let pos = 0; pos < a.length; pos += 10_000) {
        ha.update(a.subarray(pos, pos + 10_000));
        hb.update(b.subarray(pos, pos + 10_000));
      }
      assert.deepEqual(await hb.digest(), await digestOf(algorithm, b));
      assert.deepEqual(await ha.digest(), await digestOf(algorithm, a));
    }
  });

  test("s3-tests part vectors for CRC32 and CRC64NVME", async () => {
    assert.deepEqual(
      await Promise.all([PART_A, PART_B, PART_C].map((p) => computeChecksum("CRC32", p))),
      ["JRTCyQ==", "QoZTGg==", "YAgjqw=="],
    );
    assert.deepEqual(
      await Promise.all([PART_A, PART_B, PART_C].map((p) => computeChecksum("CRC64NVME", p))),
      ["L/E4WYn8v98=", "xW1l19VobYM=", "cK5MnNaWrW4="],
    );
  });

  test("digest lengths match S3's widths", async () => {
    const lengths = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32, MD5: 16, SHA512: 64, XXHASH64: 8, XXHASH3: 8, XXHASH128: 16 };
    for (const alg of CHECKSUM_ALGORITHMS) assert.equal((await digestOf(alg, Buffer.from("x"))).length, lengths[alg]);
  });

  test("the xxHash family: the reference values of the empty input, big-endian", async () => {
    assert.equal((await digestOf("XXHASH64", Buffer.alloc(0))).toString("hex"), "ef46db3751d8e999");
    assert.equal((await digestOf("XXHASH3", Buffer.alloc(0))).toString("hex"), "2d06800538d394c2");
    assert.equal((await digestOf("XXHASH128", Buffer.alloc(0))).toString("hex"), "99aa06d3014798d86001c324468d497f");
  });

  test("header names map both ways", () => {
    assert.equal(checksumHeaderName("CRC64NVME"), "x-amz-checksum-crc64nvme");
    assert.equal(algorithmFromHeaderName("X-Amz-Checksum-Crc32c"), "CRC32C");
    assert.equal(algorithmFromHeaderName("x-amz-checksum-type"), undefined);
    assert.equal(algorithmFromHeaderName("content-md5"), undefined);
  });

  test("etagFromMd5 quotes the lowercase hex", () => {
    assert.equal(etagFromMd5(createHash("md5").update("bar").digest()), '"37b51d194a7513e45b56f6524f2d51f2"');
  });
});

describe("Content-MD5", () => {
  const md5OfBar = createHash("md5").update("bar").digest();

  test("a matching header passes", () => {
    verifyContentMd5(md5OfBar.toString("base64"), md5OfBar);
  });

  test("a well-formed but wrong digest is BadDigest with both digests", () => {
    const wrong = createHash("md5").update("baz").digest().toString("base64");
    const err = expectAwsError(
      () => verifyContentMd5(wrong, md5OfBar),
      "BadDigest",
      400,
      "The Content-MD5 you specified did not match what we received.",
    );
    assert.equal(err.fields.ExpectedDigest, wrong);
    assert.equal(err.fields.CalculatedDigest, md5OfBar.toString("base64"));
  });

  test("base64 of the wrong length, empty, or not base64 is InvalidDigest", () => {
    for (const bad of ["YWJyYWNhZGFicmE=", "", "not base64!", "1B2M2Y8AsgTpgAmY7PhCfg"]) {
      expectAwsError(() => decodeContentMd5(bad), "InvalidDigest", 400, "The Content-MD5 you specified was invalid.");
    }
  });
});

describe("x-amz-checksum verification", () => {
  test("a matching value passes, raw or base64", async () => {
    const value = await computeChecksum("CRC32", Buffer.from("hello world"));
    verifyChecksum("CRC32", value, Buffer.from(value, "base64"));
    verifyChecksum("CRC32", value, value);
  });

  test("a mismatch is BadDigest naming the algorithm in upper case", () => {
    expectAwsError(
      () => verifyChecksum("CRC32", "AAAAAA==", "DUoRhQ=="),
      "BadDigest",
      400,
      "The CRC32 you specified did not match the calculated checksum.",
    );
    expectAwsError(
      () => verifyChecksum("SHA256", Buffer.alloc(32).toString("base64"), Buffer.alloc(32, 1)),
      "BadDigest",
      400,
      "The SHA256 you specified did not match the calculated checksum.",
    );
  });

  test("CompleteMultipartUpload's wording uses the lower-case algorithm", () => {
    expectAwsError(
      () => verifyChecksum("CRC32C", "AAAAAA==", "DUoRhQ==", { lowerCase: true }),
      "BadDigest",
      400,
      "The crc32c you specified did not match the calculated checksum.",
    );
  });

  test("a value that is not base64 of the digest length is InvalidRequest", () => {
    expectAwsError(() => decodeChecksumValue("CRC32", "bad"), "InvalidRequest", 400, "Value for x-amz-checksum-crc32 header is invalid.");
    expectAwsError(
      () => decodeChecksumValue("SHA256", "AAAAAA=="),
      "InvalidRequest",
      400,
      "Value for x-amz-checksum-sha256 header is invalid.",
    );
    expectAwsError(
      () => decodeChecksumValue("CRC64NVME", "AAAA", { trailing: true }),
      "InvalidRequest",
      400,
      "Value for x-amz-checksum-crc64nvme trailing header is invalid.",
    );
  });
});

describe("multipart", () => {
  test("ETag: MD5 of the concatenated binary part MD5s, then -N (s3-tests vector)", () => {
    const etags = [PART_A, PART_B, PART_C].map((p) => `"${createHash("md5").update(p).digest("hex")}"`);
    assert.equal(multipartETag(etags), '"b2add96cc9702bbf4efb0ccdfc6b7747-3"');
    // Unquoted part ETags (what s3-tests sends) give the same answer.
    assert.equal(multipartETag(etags.map(normalizeETag)), '"b2add96cc9702bbf4efb0ccdfc6b7747-3"');
  });

  test("ETag: the AWS tutorial's three parts", () => {
    // Part MD5s from the S3 user guide's additional-checksums tutorial, step 8.
    const parts = [
      "e611693805e812ef37f96c9937605e69",
      "63d2d5da159178785bfd6b6a5c635854",
      "95b894b6bd21f4c3e8bc5b0a9d6fd310",
    ];
    const expected = createHash("md5")
      .update(Buffer.concat(parts.map((p) => Buffer.from(p, "hex"))))
      .digest("hex");
    assert.equal(multipartETag(parts), `"${expected}-3"`);
  });

  test("COMPOSITE SHA256: the s3-tests vector and the AWS tutorial's", async () => {
    const sha = [PART_A, PART_B, PART_C].map((p) => createHash("sha256").update(p).digest("base64"));
    assert.equal(await compositeChecksum("SHA256", sha), "uWBwpe1dxI4Vw8Gf0X9ynOdw/SS6VBzfWm9giiv1sf4=-3");
    assert.equal(
      await compositeChecksum("SHA256", [
        "QLl8R4i4+SaJlrl8ZIcutc5TbZtwt2NwB8lTXkd3GH0=",
        "xCdgs1K5Bm4jWETYw/CmGYr+m6O2DcGfpckx5NVokvE=",
        "f5wsfsa5bB+yXuwzqG1Bst91uYneqGD3CCidpb54mAo=",
      ]),
      "aI8EoktCdotjU8Bq46DrPCxQCGuGcPIhJ51noWs6hvk=-3",
    );
  });

  test("COMPOSITE of one part: checksum of the checksum, -1 (s3-tests vector)", async () => {
    const part = createHash("sha256").update(Buffer.alloc(1024, "A")).digest("base64");
    assert.equal(await compositeChecksum("SHA256", [part]), "Ok6Cs5b96ux6+MWQkJO7UBT5sKPBeXBLwvj/hK89smg=-1");
  });

  test("COMPOSITE CRC32/CRC32C: CRC of the concatenated 4-byte part CRCs", async () => {
    const parts = ["JRTCyQ==", "QoZTGg==", "YAgjqw=="];
    const concatenated = Buffer.concat(parts.map((p) => Buffer.from(p, "base64")));
    assert.equal(await compositeChecksum("CRC32", parts), `${await computeChecksum("CRC32", concatenated)}-3`);
    assert.equal(await compositeChecksum("CRC32C", parts), `${await computeChecksum("CRC32C", concatenated)}-3`);
  });

  test("COMPOSITE accepts part values that already carry -N", async () => {
    assert.equal(stripPartCount("abc=-12"), "abc=");
    assert.equal(stripPartCount("abc="), "abc=");
    assert.equal(await compositeChecksum("CRC32", ["JRTCyQ==-1"]), await compositeChecksum("CRC32", ["JRTCyQ=="]));
  });

  test("FULL_OBJECT CRC32 and CRC64NVME from part CRCs (s3-tests vectors), no -N", () => {
    const sizes = [PART_A.length, PART_B.length, PART_C.length];
    const crc32 = ["JRTCyQ==", "QoZTGg==", "YAgjqw=="].map((checksum, i) => ({ checksum, size: sizes[i] as number }));
    assert.equal(fullObjectChecksum("CRC32", crc32), "WgDhBQ==");
    const crc64 = ["L/E4WYn8v98=", "xW1l19VobYM=", "cK5MnNaWrW4="].map((checksum, i) => ({ checksum, size: sizes[i] as number }));
    assert.equal(fullObjectChecksum("CRC64NVME", crc64), "i+6LR0y3eFo=");
  });

  test("FULL_OBJECT equals the CRC of the concatenation for random parts, all three CRCs", async () => {
    for (const alg of ["CRC32", "CRC32C", "CRC64NVME"] as const) {
      for (let round = 0; round < 5; round++) {
        const parts = Array.from({ length: 1 + Math.floor(Math.random() * 5) }, () => randomBytes(Math.floor(Math.random() * 3000)));
        const described = await Promise.all(parts.map(async (p) => ({ checksum: await computeChecksum(alg, p), size: p.length })));
        assert.equal(fullObjectChecksum(alg, described), await computeChecksum(alg, parts), `${alg} round ${round}`);
      }
    }
  });

  test("crcCombine with an empty second part leaves the first CRC", () => {
    assert.equal(crcCombine("CRC32", 0x12345678n, 0n, 0), 0x12345678n);
  });

  test("checksum type rules: FULL_OBJECT needs a CRC, COMPOSITE refuses CRC64NVME", () => {
    validateChecksumType("CRC32", "FULL_OBJECT");
    validateChecksumType("SHA256", "COMPOSITE");
    expectAwsError(
      () => validateChecksumType("SHA256", "FULL_OBJECT"),
      "InvalidRequest",
      400,
      "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.",
    );
    expectAwsError(
      () => validateChecksumType("CRC64NVME", "COMPOSITE"),
      "InvalidRequest",
      400,
      "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.",
    );
    assert.equal(defaultChecksumType("CRC64NVME"), "FULL_OBJECT");
    assert.equal(defaultChecksumType("CRC32"), "COMPOSITE");
  });
});
