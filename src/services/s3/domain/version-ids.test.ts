import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { newVersionId, nextVersionStamp, versionPosition, versionStamp } from "./version-ids.js";

describe("version ids", () => {
  test("32 characters of S3's alphabet, never a leading '-' the CLI would take for an option; unique", () => {
    const stamp = Date.UTC(2026, 10, 30) * 1000;
    const ids = Array.from({ length: 5000 }, (_, i) => newVersionId(stamp + i));
    for (const id of ids) assert.match(id, /^[A-Za-z0-9._]{32}$/);
    assert.equal(new Set(ids).size, ids.length);
    // Many ids of one stamp differ too.
    assert.equal(new Set(Array.from({ length: 1000 }, () => newVersionId(stamp))).size, 1000);
  });

  test("an id gives back its stamp, and ids sort by stamp as text", () => {
    const stamps = [0, 1, 63, 64, Date.UTC(2026, 0, 1) * 1000, Date.UTC(2026, 0, 1) * 1000 + 1, Date.UTC(2200, 0, 1) * 1000, Number.MAX_SAFE_INTEGER];
    const ids = stamps.map((s) => newVersionId(s));
    assert.deepEqual(ids.map(versionStamp), stamps);
    assert.deepEqual([...ids].sort(), ids);
    assert.throws(() => newVersionId(2 ** 53), RangeError);
    assert.throws(() => newVersionId(-1), RangeError);
  });

  test("'null', other lengths and the random ids issued before stamps have none (1 in 4,096 of those pass)", () => {
    assert.equal(versionStamp("null"), undefined);
    assert.equal(versionStamp(newVersionId(5).slice(1)), undefined);
    let passed = 0;
    for (let i = 0; i < 20000; i++) {
      const legacy = Buffer.from(Array.from({ length: 24 }, () => Math.floor(Math.random() * 256))).toString("base64url").replaceAll("-", ".");
      if (versionStamp(legacy) !== undefined) passed++;
    }
    assert.ok(passed < 25, `${passed} of 20,000 random ids read as stamped`);
    // A changed stamp character fails the check.
    const id = newVersionId(Date.UTC(2026, 5, 1) * 1000);
    const changed = (id[8] === "A" ? "B" : "A");
    assert.equal(versionStamp(id.slice(0, 8) + changed + id.slice(9)), undefined);
  });

  test("stamps grow: the microsecond of the time, or one more than the last", () => {
    assert.equal(nextVersionStamp(2000, 0), 2_000_000);
    assert.equal(nextVersionStamp(2000, 2_000_000), 2_000_001);
    assert.equal(nextVersionStamp(1000, 2_000_001), 2_000_002);
  });

  test("a version's position: its stamp, else the first microsecond of its LastModified", () => {
    assert.equal(versionPosition(newVersionId(123_456), 9), 123_456);
    assert.equal(versionPosition("null", 5000), 5_000_000);
  });
});
