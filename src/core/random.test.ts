import { test } from "node:test";
import assert from "node:assert/strict";
import { pooledRandomBytes, randomChars, timeOrderedUuid } from "./random.js";

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

test("time-ordered UUIDs: version 7 with the RFC 9562 variant, the epoch ms in the first 48 bits, never repeated", () => {
  const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const id = timeOrderedUuid(1_700_000_000_000 + Math.floor(i / 100));
    assert.match(id, V7);
    assert.equal(parseInt(id.slice(0, 8) + id.slice(9, 13), 16), 1_700_000_000_000 + Math.floor(i / 100));
    assert.equal(seen.has(id), false);
    seen.add(id);
  }
  const before = Date.now();
  const now = timeOrderedUuid();
  const ms = parseInt(now.slice(0, 8) + now.slice(9, 13), 16);
  assert.ok(ms >= before && ms <= Date.now());
  // Ordered by millisecond as text too, which is how the SQS message table sorts them.
  assert.ok(timeOrderedUuid(1_700_000_000_001) > timeOrderedUuid(1_700_000_000_000));
  assert.ok(timeOrderedUuid(2 ** 40) > timeOrderedUuid(2 ** 40 - 1));
});

test("random characters: only the alphabet's, each about equally often, never the same id twice across pool refills", () => {
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  for (let i = 0; i < 3000; i++) {
    const id = randomChars(16, "0123456789ABCDEF");
    assert.match(id, /^[0-9A-F]{16}$/);
    assert.equal(seen.has(id), false);
    seen.add(id);
    for (const c of id) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  // 48,000 digits: 3,000 of each expected; a fair source stays well within 10%.
  assert.equal(counts.size, 16);
  for (const n of counts.values()) assert.ok(n > 2700 && n < 3300, `count ${n}`);
  assert.match(randomChars(26, "0123456789ABCDEFGHIJKLMNOPQRSTUV"), /^[0-9A-V]{26}$/);
  assert.equal(randomChars(5000, "01").length, 5000);
  assert.throws(() => randomChars(4, "ABC"), /would not make each equally likely/);
});
