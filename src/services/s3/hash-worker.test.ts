import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { CHECKSUM_ALGORITHMS, digestOf } from "./domain/checksums.js";
import { createStreamHasher, discardHasher, hashChunk } from "./hash-worker.js";

describe("checksums on the worker thread", () => {
  test("every algorithm digests what it would on this thread, whatever the chunking", async () => {
    // Over two batches, split at odd places so batches fill across chunk boundaries.
    const body = randomBytes(2 * 1024 * 1024 + 12_345);
    const cuts = [0, 1, 7, 65_536, 1_048_575, 1_048_576, 1_500_000, body.length];
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const hasher = createStreamHasher(algorithm);
      for (let i = 1; i < cuts.length; i++) hasher.update(body.subarray(cuts[i - 1], cuts[i]));
      assert.deepEqual(await hasher.digest(), await digestOf(algorithm, body), algorithm);
    }
  });

  test("concurrent uploads keep their own state; an empty body and a discarded one are fine", async () => {
    const a = randomBytes(300_000);
    const b = randomBytes(5);
    const ha = createStreamHasher("CRC64NVME");
    const hb = createStreamHasher("CRC64NVME");
    const empty = createStreamHasher("SHA256");
    const dropped = createStreamHasher("CRC32C");
    dropped.update(a);
    discardHasher(dropped);
    ha.update(a.subarray(0, 1000));
    hb.update(b);
    ha.update(a.subarray(1000));
    const [da, db, de] = await Promise.all([ha.digest(), hb.digest(), empty.digest()]);
    assert.deepEqual(da, await digestOf("CRC64NVME", a));
    assert.deepEqual(db, await digestOf("CRC64NVME", b));
    assert.deepEqual(de, await digestOf("SHA256", Buffer.alloc(0)));
  });

  test("a producer faster than the worker is held back (memory stays flat) and loses nothing", async () => {
    const chunk = randomBytes(256 * 1024);
    const hasher = createStreamHasher("CRC64NVME");
    let held = 0;
    for (let i = 0; i < 256; i++) {
      const wait = hashChunk(hasher, chunk);
      if (wait) {
        held++;
        await wait;
      }
    }
    assert.ok(held > 0, "64 MiB handed over at memcpy speed must outrun the worker");
    assert.deepEqual(await hasher.digest(), await digestOf("CRC64NVME", Array.from({ length: 256 }, () => chunk)));
  });

  test("an upload's hashers fed together digest what each would alone; a small body hashes on this thread", async () => {
    const body = randomBytes(3 * 1024 * 1024 + 77);
    const hashers = [createStreamHasher("MD5"), createStreamHasher("CRC64NVME")];
    for (let pos = 0; pos < body.length; pos += 100_000) await hashChunk(hashers, body.subarray(pos, pos + 100_000));
    const [md5, crc] = await Promise.all(hashers.map((h) => h.digest()));
    assert.deepEqual(md5, await digestOf("MD5", body));
    assert.deepEqual(crc, await digestOf("CRC64NVME", body));
    const small = createStreamHasher("CRC64NVME", 4096);
    assert.notEqual(small.constructor.name, "OffThreadHasher");
    const large = createStreamHasher("CRC64NVME", 4 * 1024 * 1024);
    assert.equal(large.constructor.name, "OffThreadHasher");
    discardHasher(large);
  });
});
