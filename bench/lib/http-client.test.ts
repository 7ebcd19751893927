import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { forDuration, forEachLimited, xmlValue, xmlValues } from "./http-client.js";

describe("xmlValues", () => {
  test("every element of the tag, entities decoded", () => {
    const xml = "<R><Key>a&amp;b</Key><Key>&lt;c&gt;</Key><KeyCount>2</KeyCount></R>";
    assert.deepEqual(xmlValues(xml, "Key"), ["a&b", "<c>"]);
    assert.equal(xmlValue(Buffer.from(xml), "KeyCount"), "2");
  });
  test("a missing tag throws with the answer", () => {
    assert.throws(() => xmlValue("<R/>", "TopicArn"), /no <TopicArn> in <R\/>/);
  });
});

describe("forDuration", () => {
  test("workers loop until the deadline of the injected clock, finishing the task they started", async () => {
    let t = 0;
    const seen: number[] = [];
    const r = await forDuration(
      2,
      10,
      async (w) => {
        seen.push(w);
        t += 3;
      },
      () => t,
    );
    // Clock 0, 3, 6, 9 start a task (< 10); the one started at 9 still completes at 12.
    assert.equal(r.iterations, 4);
    assert.equal(r.elapsedMs, 12);
    assert.deepEqual([...new Set(seen)].sort(), [0, 1]);
  });
});

describe("forEachLimited", () => {
  test("every index once, never more in flight than asked", async () => {
    let inFlight = 0;
    let most = 0;
    const done: number[] = [];
    await forEachLimited(20, 3, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await Promise.resolve();
      done.push(i);
      inFlight--;
    });
    assert.deepEqual(done.sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
    assert.equal(most, 3);
  });
});
