import { test } from "node:test";
import assert from "node:assert/strict";
import { crc32 as tableCrc32 } from "@aws-crypto/crc32";
import { crc32, nativeCrc32 } from "./crc32.js";

test("crc32: the standard check value and the table-driven package's answers", () => {
  // "123456789" -> 0xCBF43926 is the published check value of CRC-32/ISO-HDLC.
  assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  const bytes = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff));
  assert.equal(crc32(bytes), tableCrc32(bytes));
  if (nativeCrc32) assert.equal(nativeCrc32(bytes.subarray(100), nativeCrc32(bytes.subarray(0, 100))), crc32(bytes));
});

test("crc32: an empty chunk leaves a running CRC as it was, whatever memory backs it", () => {
  if (!nativeCrc32) return;
  const running = nativeCrc32(Buffer.from("123456789"));
  // An empty view of an empty ArrayBuffer has no memory behind it; zlib alone answers 0 for it.
  for (const empty of [new Uint8Array(new ArrayBuffer(0)), new Uint8Array(0), Buffer.alloc(0), Buffer.from("abc").subarray(1, 1)]) {
    assert.equal(nativeCrc32(empty, running), running);
  }
});
