import { test } from "node:test";
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { headersDistinct, readBodyUpTo } from "./plain-http.js";

function request(chunks: string[], headers: Record<string, string> = {}): Readable & { headers: Record<string, string> } {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers });
}

test("readBodyUpTo: the whole body within the limit; undefined past it, by Content-Length or by bytes, with the rest drained", async () => {
  assert.equal((await readBodyUpTo(request(["ab", "cd"]), 4))?.toString(), "abcd");
  assert.equal((await readBodyUpTo(request([]), 4))?.length, 0);
  const declared = request(["abcdef"], { "content-length": "6" });
  assert.equal(await readBodyUpTo(declared, 4), undefined);
  const streamed = request(["abc", "def", "ghi"]);
  assert.equal(await readBodyUpTo(streamed, 4), undefined);
  if (!streamed.readableEnded) await new Promise((resolve) => streamed.once("end", resolve));
  assert.equal(streamed.readableEnded, true);
});

test("headersDistinct: names lowercased, a repeated header's values apart in the order sent, HTTP/2 pseudo-headers left out", () => {
  const raw = [":authority", "h", "Host", "h", "X-Amz-Object-Attributes", "ETag", "x-amz-object-attributes", "ObjectSize"];
  assert.deepEqual(headersDistinct({ rawHeaders: raw }), { host: ["h"], "x-amz-object-attributes": ["ETag", "ObjectSize"] });
});
