import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { measuredGzip } from "./measured-gzip.js";

describe("measuredGzip", () => {
  test("gzips the source and measures the gzipped bytes once they have all been read", async () => {
    const gz = measuredGzip(Readable.from(["line one\n", "line two\n"]));
    assert.throws(() => gz.measured(), /not been read to its end/);
    const data = await buffer(gz.body);
    assert.equal(gunzipSync(data).toString(), "line one\nline two\n");
    assert.deepEqual(gz.measured(), { size: data.length, md5: createHash("md5").update(data).digest() });
  });

  test("a source that fails fails the reader", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error("read failed"));
      },
    });
    await assert.rejects(buffer(measuredGzip(failing).body), /read failed/);
  });
});
