import { test } from "node:test";
import assert from "node:assert/strict";
import { pooledRandomBytes } from "./random.js";

test("pooled random bytes: the sizes asked for, never the same bytes twice, across pool refills", () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const bytes = pooledRandomBytes(12);
    assert.equal(bytes.length, 12);
    const hex = bytes.toString("hex");
    assert.equal(seen.has(hex), false);
    seen.add(hex);
  }
  assert.equal(pooledRandomBytes(5000).length, 5000);
  // Bytes handed out earlier are not overwritten by later refills.
  const kept = pooledRandomBytes(16);
  const copy = Buffer.from(kept);
  for (let i = 0; i < 1000; i++) pooledRandomBytes(64);
  assert.deepEqual(kept, copy);
});
