import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync, inflateSync } from "node:zlib";
import { COMPRESSION_THRESHOLD_BYTES, encodeBody, negotiateEncoding } from "./response-encoding.js";

describe("DynamoDB response compression", () => {
  // The Accept-Encoding values ScyllaDB's Alternator tests sent to DynamoDB, with the coding
  // DynamoDB answered in (undefined: none).
  const recorded: [string, string | undefined][] = [
    ["gzip", "gzip"],
    ["deflate", "deflate"],
    ["identity", undefined],
    ["", undefined],
    ["br", undefined],
    ["zstd", undefined],
    ["compress", undefined],
    ["x-gzip", undefined],
    ["gzip, deflate", "gzip"],
    ["br, identity, deflate, gzip", "deflate"],
    ["GZIP, identity", "gzip"],
    ["dog, gzip ,, cat", "gzip"],
    ["gzip;q=0.8, deflate;q=0.5", "gzip"],
    ["br, gzip;q=0, deflate; q = 0.5 , identity;q=0", "deflate"],
    ["*", "gzip"],
    ["*, deflate;q=0.5", "gzip"],
    ["*, deflate", "deflate"],
    ["*, identity", "gzip"],
    ["*, gzip;q=0.5", "deflate"],
    ["gzip ;q=0", undefined],
    ["identity;q=0", undefined],
    ["*;q=0", undefined],
    ["*;q=0.5,identity", "gzip"],
    ["gzip;q=0.5,identity;q=0.8", "gzip"],
    ["br;q=0.8,identity;q=0.5,*;q=0", undefined],
    ['"gzip"', undefined],
    ["gzip br", undefined],
    ["gzip:q=1", undefined],
    ["deflate;q=0.5, gzip;q=31", "gzip"],
    ["gzip;q=31,deflate;q=51", "gzip"],
    ["deflate;q=0.5, gzip;q=0.2", "deflate"],
    ["deflate;q=0.5, gzip;q=1;q=0.2", "gzip"],
    ["deflate;q=0.5,gzip;q=0.", "deflate"],
    ["deflate;q=0.5,gzip;q=0.x", "gzip"],
    ["deflate;q=0.5,gzip;q=0. x", "gzip"],
    ["deflate;q=-0.5,gzip;q=0.2", "gzip"],
    ["gzip;q= 0;q=1", undefined],
    ["gzip;q =0;q=1", "gzip"],
    ["gzip; q=0;q=1", undefined],
    ["gzip;nq=0;q=1", undefined],
    ["gzip;q=0, gzip;q=1, gzip;q=0", "gzip"],
    ["br,identity;q=0.5,gzip;q=0.0001", "gzip"],
    ["gzip,identity", "gzip"],
  ];

  test("Accept-Encoding is read as DynamoDB reads it", () => {
    for (const [header, expected] of recorded) assert.equal(negotiateEncoding(header), expected, JSON.stringify(header));
    assert.equal(negotiateEncoding(undefined), undefined);
  });

  test("only an answer of 4 KB or more is compressed, and it decompresses to itself", () => {
    const small = JSON.stringify({ Item: { v: { S: "x".repeat(COMPRESSION_THRESHOLD_BYTES - 100) } } });
    assert.deepEqual(encodeBody(small, "gzip"), { body: small });
    const large = JSON.stringify({ Item: { v: { S: "é".repeat(COMPRESSION_THRESHOLD_BYTES) } } });
    const gzip = encodeBody(large, "gzip");
    assert.equal(gzip.encoding, "gzip");
    assert.equal(gunzipSync(gzip.body as Buffer).toString("utf8"), large);
    const deflate = encodeBody(large, "deflate");
    assert.equal(deflate.encoding, "deflate");
    assert.equal(inflateSync(deflate.body as Buffer).toString("utf8"), large);
    assert.deepEqual(encodeBody(large, undefined), { body: large });
    assert.deepEqual(encodeBody(large, "identity"), { body: large });
    // Counted in bytes, not characters: 1,400 three-byte characters are over the threshold.
    assert.equal(encodeBody("€".repeat(1400), "gzip").encoding, "gzip");
  });
});
