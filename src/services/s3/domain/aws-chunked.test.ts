import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { AwsError } from "../../../core/errors.js";
import { computeChecksum } from "./checksums.js";
import {
  AwsChunkedDecoder,
  createAwsChunkedDecoder,
  createSigV4ChunkVerifier,
  isAwsChunkedPayload,
  parseDecodedContentLength,
  storedContentEncoding,
  type AwsChunkedDecoderOptions,
  type AwsChunkedPayload,
} from "./aws-chunked.js";

// --- helpers ------------------------------------------------------------------------------------

const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");
const sha256Hex = (data: Uint8Array | string): string => createHash("sha256").update(data).digest("hex");

/** The AWS documentation example: secret key, date, region, service of the sigv4-streaming pages. */
function exampleSigningKey(): Buffer {
  const hmac = (key: Uint8Array | string, data: string): Buffer => createHmac("sha256", key).update(data).digest();
  const kDate = hmac("AWS4wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524");
  return hmac(hmac(hmac(kDate, "us-east-1"), "s3"), "aws4_request");
}
const AMZ_DATE = "20130524T000000Z";
const SCOPE = "20130524/us-east-1/s3/aws4_request";

interface EncodeOptions {
  payload: AwsChunkedPayload;
  chunkSizes: readonly number[];
  trailers?: readonly [string, string][];
  seedSignature?: string;
  signingKey?: Uint8Array;
  /** Line terminator used inside trailers (some clients add a bare \n before the CRLF). */
  trailerEol?: string;
}

/** A body framed the way the SDKs frame it, signing chunks like SigV4 when the mode is signed. */
function encode(data: Buffer, options: EncodeOptions): { body: Buffer; signatures: string[] } {
  const signed = options.payload !== "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
  const key = options.signingKey ?? exampleSigningKey();
  let previous = options.seedSignature ?? "0".repeat(64);
  const signatures: string[] = [];
  const sign = (hash: string): string => {
    const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${AMZ_DATE}\n${SCOPE}\n${previous}\n${EMPTY_SHA256}\n${hash}`;
    previous = createHmac("sha256", key).update(sts).digest("hex");
    signatures.push(previous);
    return previous;
  };
  const parts: Buffer[] = [];
  let pos = 0;
  const sizes = [...options.chunkSizes];
  while (pos < data.length) {
    const size = Math.min(sizes.shift() ?? data.length - pos, data.length - pos);
    const piece = data.subarray(pos, pos + size);
    pos += size;
    const ext = signed ? `;chunk-signature=${sign(sha256Hex(piece))}` : "";
    parts.push(Buffer.from(`${size.toString(16)}${ext}\r\n`), piece, Buffer.from("\r\n"));
  }
  const zeroExt = signed ? `;chunk-signature=${sign(EMPTY_SHA256)}` : "";
  parts.push(Buffer.from(`0${zeroExt}\r\n`));
  if (options.payload === "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") {
    parts.push(Buffer.from("\r\n"));
  } else {
    const eol = options.trailerEol ?? "\r\n";
    let canonical = "";
    for (const [name, value] of options.trailers ?? []) {
      parts.push(Buffer.from(`${name}:${value}${eol}`));
      canonical += `${name}:${value}\n`;
    }
    if (options.payload === "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") {
      const sts = `AWS4-HMAC-SHA256-TRAILER\n${AMZ_DATE}\n${SCOPE}\n${previous}\n${sha256Hex(canonical)}`;
      const trailerSignature = createHmac("sha256", key).update(sts).digest("hex");
      signatures.push(trailerSignature);
      parts.push(Buffer.from(`x-amz-trailer-signature:${trailerSignature}\r\n`));
    }
    parts.push(Buffer.from("\r\n"));
  }
  return { body: Buffer.concat(parts), signatures };
}

/** Feeds `pieces` to a fresh decoder and collects what comes out (or the error). */
async function decode(
  pieces: readonly Buffer[],
  options: AwsChunkedDecoderOptions,
): Promise<{ data: Buffer; decoder: AwsChunkedDecoder; error?: unknown }> {
  const decoder = createAwsChunkedDecoder(options);
  const out: Buffer[] = [];
  try {
    for await (const chunk of Readable.from(pieces, { objectMode: false }).pipe(decoder)) out.push(chunk as Buffer);
    return { data: Buffer.concat(out), decoder };
  } catch (error) {
    return { data: Buffer.concat(out), decoder, error };
  }
}

function splitRandomly(body: Buffer, maxPiece: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let pos = 0; pos < body.length; ) {
    const n = 1 + Math.floor(Math.random() * maxPiece);
    pieces.push(body.subarray(pos, pos + n));
    pos += n;
  }
  return pieces;
}

function oneByteAtATime(body: Buffer): Buffer[] {
  return Array.from({ length: body.length }, (_, i) => body.subarray(i, i + 1));
}

function assertAwsError(error: unknown, code: string, status: number, message: string): AwsError {
  assert.ok(error instanceof AwsError, `expected AwsError ${code}, got ${String(error)}`);
  assert.equal(error.code, code);
  assert.equal(error.status, status);
  assert.equal(error.message, message);
  return error;
}

const INCOMPLETE = "The request body terminated unexpectedly";
const LENGTH_MISMATCH = "You did not provide the number of bytes specified by the Content-Length HTTP header";

// --- tests --------------------------------------------------------------------------------------

describe("AWS documentation vectors (sigv4-streaming)", () => {
  const data = Buffer.alloc(66560, "a");

  test("STREAMING-AWS4-HMAC-SHA256-PAYLOAD: 65536 + 1024 + 0, signatures and Content-Length as AWS shows", async () => {
    const seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    const { body, signatures } = encode(data, {
      payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      chunkSizes: [65536, 1024],
      seedSignature: seed,
    });
    assert.equal(body.length, 66824);
    assert.deepEqual(signatures, [
      "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
      "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
      "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ]);
    const seen: { index: number; size: number; signature?: string }[] = [];
    const { data: out, decoder, error } = await decode([body], {
      payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      decodedContentLength: 66560,
      verifier: createSigV4ChunkVerifier({ signingKey: exampleSigningKey(), amzDate: AMZ_DATE, scope: SCOPE, seedSignature: seed }),
      onChunk: (c) => seen.push({ ...c }),
    });
    assert.equal(error, undefined);
    assert.ok(out.equals(data));
    assert.equal(decoder.decodedBytes, 66560);
    assert.equal(decoder.chunkCount, 3);
    assert.deepEqual(
      seen.map((c) => [c.index, c.size, c.signature]),
      [
        [1, 65536, signatures[0]],
        [2, 1024, signatures[1]],
        [3, 0, signatures[2]],
      ],
    );
  });

  test("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: the 0-chunk and trailer signatures AWS shows", async () => {
    const seed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
    const crc32c = await computeChecksum("CRC32C", data);
    assert.equal(crc32c, "sOO8/Q==");
    const { body, signatures } = encode(data, {
      payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
      chunkSizes: [65536, 1024],
      seedSignature: seed,
      trailers: [["x-amz-checksum-crc32c", crc32c]],
    });
    assert.equal(body.length, 66946);
    assert.ok(signatures[0]?.startsWith("b474d886") && signatures[0].endsWith("5aa2"));
    assert.ok(signatures[1]?.startsWith("1c1344b1") && signatures[1].endsWith("e5c7"));
    assert.equal(signatures[2], "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992");
    assert.equal(signatures[3], "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435");
    const { data: out, decoder, error } = await decode(splitRandomly(body, 5000), {
      payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
      decodedContentLength: 66560,
      declaredTrailers: ["x-amz-checksum-crc32c"],
      verifier: createSigV4ChunkVerifier({ signingKey: exampleSigningKey(), amzDate: AMZ_DATE, scope: SCOPE, seedSignature: seed }),
    });
    assert.equal(error, undefined);
    assert.ok(out.equals(data));
    assert.deepEqual(decoder.trailers, { "x-amz-checksum-crc32c": "sOO8/Q==" });
    assert.deepEqual(decoder.trailingChecksum, { algorithm: "CRC32C", value: "sOO8/Q==" });
  });

  test("a tampered chunk fails the chain with SignatureDoesNotMatch", async () => {
    const seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    const { body } = encode(data, { payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", chunkSizes: [65536, 1024], seedSignature: seed });
    const tampered = Buffer.from(body);
    tampered[200] = 0x62; // a "b" inside the first chunk's data
    const { error } = await decode([tampered], {
      payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      verifier: createSigV4ChunkVerifier({ signingKey: exampleSigningKey(), amzDate: AMZ_DATE, scope: SCOPE, seedSignature: seed }),
    });
    assertAwsError(
      error,
      "SignatureDoesNotMatch",
      403,
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
  });

  test("a tampered trailer fails the trailer signature", async () => {
    const seed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
    const { body } = encode(data, {
      payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
      chunkSizes: [65536, 1024],
      seedSignature: seed,
      trailers: [["x-amz-checksum-crc32c", "sOO8/Q=="]],
    });
    const text = body.toString("latin1").replace("sOO8/Q==", "AAAAAA==");
    const { error } = await decode([Buffer.from(text, "latin1")], {
      payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
      verifier: createSigV4ChunkVerifier({ signingKey: exampleSigningKey(), amzDate: AMZ_DATE, scope: SCOPE, seedSignature: seed }),
    });
    assertAwsError(
      error,
      "SignatureDoesNotMatch",
      403,
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
  });

  test("without a verifier, signed bodies decode (signature enforcement off)", async () => {
    const { body } = encode(data, { payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", chunkSizes: [65536, 1024] });
    const { data: out, error } = await decode([body], { payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" });
    assert.equal(error, undefined);
    assert.ok(out.equals(data));
  });
});

describe("STREAMING-UNSIGNED-PAYLOAD-TRAILER (the current v3 SDK default for streams)", () => {
  test("chunks, 0-chunk, checksum trailer", async () => {
    const data = randomBytes(50_000);
    const crc32 = await computeChecksum("CRC32", data);
    const { body } = encode(data, {
      payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      chunkSizes: [16384, 16384, 16384],
      trailers: [["x-amz-checksum-crc32", crc32]],
    });
    const { data: out, decoder, error } = await decode([body], {
      payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      decodedContentLength: data.length,
      declaredTrailers: ["x-amz-checksum-crc32"],
    });
    assert.equal(error, undefined);
    assert.ok(out.equals(data));
    assert.deepEqual(decoder.trailingChecksum, { algorithm: "CRC32", value: crc32 });
  });

  test("a trailer ended by \\n\\r\\n (AWS: line ends vary across clients)", async () => {
    const data = Buffer.from("hello world");
    const { body } = encode(data, {
      payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      chunkSizes: [11],
      trailers: [["x-amz-checksum-crc32", "DUoRhQ=="]],
      trailerEol: "\n\r\n",
    });
    const { data: out, decoder, error } = await decode([body], { payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER" });
    assert.equal(error, undefined);
    assert.equal(out.toString(), "hello world");
    assert.equal(decoder.trailingChecksum?.value, "DUoRhQ==");
  });

  // minio-go (7.0.46's addSignedTrailer, "verified against AWS S3" in minio/minio-go#1705) writes
  // each field as the "name:value\n" it signs, then "\r\n", then the trailer signature line.
  test("a signed trailer whose field ends \\n\\r\\n before x-amz-trailer-signature (minio-go)", async () => {
    const data = Buffer.from("hello world");
    const seed = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
    const crc32c = await computeChecksum("CRC32C", data);
    const { body } = encode(data, {
      payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
      chunkSizes: [11],
      seedSignature: seed,
      trailers: [["x-amz-checksum-crc32c", crc32c]],
      trailerEol: "\n\r\n",
    });
    assert.match(body.toString("latin1"), /x-amz-checksum-crc32c:[^\r\n]+\n\r\nx-amz-trailer-signature:[0-9a-f]{64}\r\n\r\n$/);
    for (const pieces of [[body], oneByteAtATime(body)]) {
      const { data: out, decoder, error } = await decode(pieces, {
        payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        decodedContentLength: data.length,
        declaredTrailers: ["x-amz-checksum-crc32c"],
        verifier: createSigV4ChunkVerifier({ signingKey: exampleSigningKey(), amzDate: AMZ_DATE, scope: SCOPE, seedSignature: seed }),
      });
      assert.equal(error, undefined);
      assert.equal(out.toString(), "hello world");
      assert.deepEqual(decoder.trailingChecksum, { algorithm: "CRC32C", value: crc32c });
    }
  });

  test("a body that stops after \"0\\r\\n\" (the SDK without a checksum)", async () => {
    const { data: out, decoder, error } = await decode([Buffer.from("5\r\nhello\r\n0\r\n")], {
      payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      decodedContentLength: 5,
    });
    assert.equal(error, undefined);
    assert.equal(out.toString(), "hello");
    assert.deepEqual(decoder.trailers, {});
  });

  test("an empty object: just the 0-chunk and its trailer", async () => {
    const { data: out, decoder, error } = await decode([Buffer.from("0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n")], {
      payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      decodedContentLength: 0,
    });
    assert.equal(error, undefined);
    assert.equal(out.length, 0);
    assert.equal(decoder.trailingChecksum?.value, "AAAAAA==");
  });

  test("what @smithy's own encoder produces decodes back (when the package is present)", async (t) => {
    let getAwsChunkedEncodingStream: ((s: Readable, o: unknown) => Readable) | undefined;
    try {
      ({ getAwsChunkedEncodingStream } = (await import("@smithy/core/serde")) as unknown as {
        getAwsChunkedEncodingStream: (s: Readable, o: unknown) => Readable;
      });
    } catch {
      t.skip("@smithy/core/serde not installed");
      return;
    }
    const data = randomBytes(200_000);
    const source = Readable.from([data.subarray(0, 65536), data.subarray(65536, 131072), data.subarray(131072)]);
    const encoded = getAwsChunkedEncodingStream(source, {
      base64Encoder: (bytes: Uint8Array) => Buffer.from(bytes).toString("base64"),
      bodyLengthChecker: (b: Uint8Array) => b.length,
      // The SDK only writes the trailer when all four checksum options are set.
      checksumAlgorithmFn: class {},
      checksumLocationName: "x-amz-checksum-crc32",
      streamHasher: async () => Buffer.from(await computeChecksum("CRC32", data), "base64"),
    });
    const wire: Buffer[] = [];
    for await (const c of encoded) wire.push(Buffer.from(c as Buffer | string));
    const { data: out, decoder, error } = await decode(wire, {
      payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      decodedContentLength: data.length,
      declaredTrailers: ["x-amz-checksum-crc32"],
    });
    assert.equal(error, undefined);
    assert.ok(out.equals(data));
    assert.equal(decoder.trailingChecksum?.value, await computeChecksum("CRC32", data));
  });
});

describe("robust to boundaries anywhere", () => {
  for (const payload of ["STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"] as const) {
    test(`${payload}: one byte at a time, and random splits, give the same data and trailers`, async () => {
      const data = randomBytes(8192 * 3 + 777);
      const crc = await computeChecksum("CRC64NVME", data);
      const seed = "a".repeat(64);
      const { body } = encode(data, {
        payload,
        chunkSizes: [8192, 8192, 8192],
        trailers: [["x-amz-checksum-crc64nvme", crc]],
        seedSignature: seed,
      });
      const verifier = () =>
        payload === "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
          ? undefined
          : createSigV4ChunkVerifier({ signingKey: exampleSigningKey(), amzDate: AMZ_DATE, scope: SCOPE, seedSignature: seed });
      const runs = [oneByteAtATime(body), ...Array.from({ length: 10 }, () => splitRandomly(body, 300))];
      for (const pieces of runs) {
        const v = verifier();
        const { data: out, decoder, error } = await decode(pieces, {
          payload,
          decodedContentLength: data.length,
          ...(payload === "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" ? {} : { declaredTrailers: ["x-amz-checksum-crc64nvme"] }),
          ...(v ? { verifier: v } : {}),
        });
        assert.equal(error, undefined);
        assert.ok(out.equals(data));
        if (payload !== "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") assert.equal(decoder.trailingChecksum?.value, crc);
      }
    });
  }

  test("passes data through as views of the input, not copies", async () => {
    const input = Buffer.from("5\r\nhello\r\n0\r\n\r\n");
    const decoder = createAwsChunkedDecoder({ payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER" });
    const out: Buffer[] = [];
    decoder.on("data", (c: Buffer) => out.push(c));
    decoder.end(input);
    await new Promise((resolve) => decoder.on("end", resolve));
    assert.equal(out.length, 1);
    assert.equal(out[0]?.buffer, input.buffer);
  });

  test("a 64 MiB body in 64 KiB chunks decodes with the right length and digest", async () => {
    const piece = randomBytes(65536);
    const chunks = 1024;
    function* wire(): Generator<Buffer> {
      for (let i = 0; i < chunks; i++) {
        yield Buffer.from("10000\r\n");
        yield piece;
        yield Buffer.from("\r\n");
      }
      yield Buffer.from("0\r\n\r\n");
    }
    const decoder = createAwsChunkedDecoder({ payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER", decodedContentLength: chunks * 65536 });
    const md5 = createHash("md5");
    for await (const c of Readable.from(wire()).pipe(decoder)) md5.update(c as Buffer);
    const expected = createHash("md5");
    for (let i = 0; i < chunks; i++) expected.update(piece);
    assert.equal(decoder.decodedBytes, chunks * 65536);
    assert.equal(md5.digest("hex"), expected.digest("hex"));
  });
});

describe("S3's errors for broken bodies", () => {
  const unsigned: AwsChunkedDecoderOptions = { payload: "STREAMING-UNSIGNED-PAYLOAD-TRAILER" };

  test("a body cut short is IncompleteBody", async () => {
    for (const body of ["5\r\nhel", "5\r\nhello\r\n", "5\r\nhello", "5", ""]) {
      const { error } = await decode([Buffer.from(body)], unsigned);
      assertAwsError(error, "IncompleteBody", 400, INCOMPLETE);
    }
  });

  test("a signed body without its 0-chunk is IncompleteBody", async () => {
    const { error } = await decode([Buffer.from(`5;chunk-signature=${"0".repeat(64)}\r\nhello\r\n`)], {
      payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    });
    assertAwsError(error, "IncompleteBody", 400, INCOMPLETE);
  });

  test("a chunk size that is not hex is IncompleteBody", async () => {
    const { error } = await decode([Buffer.from("zz\r\nhello\r\n0\r\n\r\n")], unsigned);
    assertAwsError(error, "IncompleteBody", 400, INCOMPLETE);
  });

  test("data longer than its chunk size (no CRLF where it belongs) is IncompleteBody", async () => {
    const { error } = await decode([Buffer.from("3\r\nhello\r\n0\r\n\r\n")], unsigned);
    assertAwsError(error, "IncompleteBody", 400, INCOMPLETE);
  });

  test("an endless header line is refused without buffering it", async () => {
    const { error } = await decode([Buffer.alloc(100_000, "1")], unsigned);
    assertAwsError(error, "IncompleteBody", 400, INCOMPLETE);
  });

  test("junk after the end is IncompleteBody; extra CRLFs are tolerated", async () => {
    const ok = await decode([Buffer.from("5\r\nhello\r\n0\r\n\r\n\r\n")], unsigned);
    assert.equal(ok.error, undefined);
    const { error } = await decode([Buffer.from("5\r\nhello\r\n0\r\n\r\nextra")], unsigned);
    assertAwsError(error, "IncompleteBody", 400, INCOMPLETE);
  });

  test("fewer or more decoded bytes than x-amz-decoded-content-length", async () => {
    const fewer = await decode([Buffer.from("5\r\nhello\r\n0\r\n\r\n")], { ...unsigned, decodedContentLength: 6 });
    assertAwsError(fewer.error, "IncompleteBody", 400, LENGTH_MISMATCH);
    const more = await decode([Buffer.from("5\r\nhello\r\n0\r\n\r\n")], { ...unsigned, decodedContentLength: 4 });
    assertAwsError(more.error, "IncompleteBody", 400, LENGTH_MISMATCH);
    // Nothing past the declared length is passed downstream.
    assert.equal(more.data.length, 0);
  });

  test("a chunk under 8 KiB that is not the last is InvalidChunkSizeError with Chunk and BadChunkSize", async () => {
    const body = Buffer.concat([
      Buffer.from("2000\r\n"),
      Buffer.alloc(8192, "a"),
      Buffer.from("\r\n3\r\nabc\r\n5\r\nhello\r\n0\r\n\r\n"),
    ]);
    const { error } = await decode([body], unsigned);
    const err = assertAwsError(error, "InvalidChunkSizeError", 400, "Only the last chunk is allowed to have a size less than 8192 bytes");
    assert.deepEqual(err.fields, { Chunk: 2, BadChunkSize: 3 });
  });

  test("the last data chunk may be small; the rule can be turned off", async () => {
    const ok = await decode([Buffer.from("3\r\nabc\r\n0\r\n\r\n")], unsigned);
    assert.equal(ok.error, undefined);
    const off = await decode([Buffer.from("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n")], { ...unsigned, minChunkSize: 0 });
    assert.equal(off.error, undefined);
    assert.equal(off.data.toString(), "abcdef");
  });

  test("a trailer without a colon, repeated, or not declared is MalformedTrailerError", async () => {
    const message =
      "The request contained trailing data that was not well-formed or did not conform to our published schema.";
    for (const [body, declared] of [
      ["0\r\nnot a trailer\r\n\r\n", undefined],
      ["0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n", undefined],
      ["0\r\nx-amz-checksum-crc32c:AAAAAA==\r\n\r\n", ["x-amz-checksum-crc32"]],
      ["0\r\n\r\n", ["x-amz-checksum-crc32"]],
    ] as const) {
      const { error } = await decode([Buffer.from(body)], { ...unsigned, ...(declared ? { declaredTrailers: declared } : {}) });
      assertAwsError(error, "MalformedTrailerError", 400, message);
    }
  });

  test("a trailing checksum that is not base64 of the right length is InvalidRequest", async () => {
    const { error } = await decode([Buffer.from("0\r\nx-amz-checksum-crc32:nope\r\n\r\n")], unsigned);
    assertAwsError(error, "InvalidRequest", 400, "Value for x-amz-checksum-crc32 trailing header is invalid.");
  });

  test("a signed chunk without a signature fails when signatures are checked", async () => {
    const { error } = await decode([Buffer.from("5\r\nhello\r\n0\r\n\r\n")], {
      payload: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
      verifier: createSigV4ChunkVerifier({ signingKey: exampleSigningKey(), amzDate: AMZ_DATE, scope: SCOPE, seedSignature: "0".repeat(64) }),
    });
    assertAwsError(
      error,
      "SignatureDoesNotMatch",
      403,
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    );
  });
});

describe("helpers", () => {
  test("isAwsChunkedPayload recognises the three streaming payloads only", () => {
    assert.equal(isAwsChunkedPayload("STREAMING-UNSIGNED-PAYLOAD-TRAILER"), true);
    assert.equal(isAwsChunkedPayload("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), true);
    assert.equal(isAwsChunkedPayload("UNSIGNED-PAYLOAD"), false);
    assert.equal(isAwsChunkedPayload(undefined), false);
  });

  test("parseDecodedContentLength", () => {
    assert.equal(parseDecodedContentLength("66560"), 66560);
    // Absent, it is missing only where a STREAMING-* payload requires it.
    assert.equal(parseDecodedContentLength(undefined), undefined);
    assert.throws(() => parseDecodedContentLength(undefined, true), (e: unknown) => e instanceof AwsError && e.code === "MissingContentLength" && e.status === 411);
    for (const bad of ["-1", "abc", "99999999999999999"]) {
      assert.throws(() => parseDecodedContentLength(bad), (e: unknown) => e instanceof AwsError && e.code === "MissingContentLength" && e.status === 411, bad);
    }
  });

  test("storedContentEncoding drops aws-chunked the way S3 stores it", () => {
    assert.equal(storedContentEncoding("aws-chunked"), undefined);
    assert.equal(storedContentEncoding("gzip, aws-chunked"), "gzip");
    assert.equal(storedContentEncoding("aws-chunked,gzip"), "gzip");
    assert.equal(storedContentEncoding("aws-chunked, aws-chunked"), undefined);
    assert.equal(storedContentEncoding(undefined), undefined);
  });
});
