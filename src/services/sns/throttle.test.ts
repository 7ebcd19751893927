/**
 * The throttle policy's slots: at most maxReceivesPerSecond in any one second per subscription,
 * handed out in the order asked for, a burst within the rate at once.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DeliveryThrottle } from "./throttle.js";

const T0 = Date.parse("2026-01-15T12:00:00.000Z");
const SUB = "arn:aws:sns:us-east-1:000000000000:orders:6b0e71bd-7e97-4d97-80ce-4a0994e55286";
const OTHER = "arn:aws:sns:us-east-1:000000000000:orders:0f5a5c3e-9a43-4b4e-8d0e-3b0c4c1d2e3f";

/** The slots `count` POSTs wanted at `at` get, relative to T0. */
function burst(throttle: DeliveryThrottle, rate: number, at: number, count: number, sub = SUB): number[] {
  return Array.from({ length: count }, () => throttle.take(sub, rate, T0 + at) - T0);
}

describe("DeliveryThrottle", () => {
  test("5 POSTs at once at 2 a second: 2 now, 2 a second later, 1 the second after", () => {
    assert.deepEqual(burst(new DeliveryThrottle(), 2, 0, 5), [0, 0, 1000, 1000, 2000]);
  });

  test("at 1 a second each POST waits a second after the previous one", () => {
    assert.deepEqual(burst(new DeliveryThrottle(), 1, 0, 4), [0, 1000, 2000, 3000]);
  });

  test("POSTs spread out within the rate never wait", () => {
    const throttle = new DeliveryThrottle();
    assert.deepEqual(
      [0, 500, 1000, 1500, 2000].map((at) => throttle.take(SUB, 2, T0 + at) - T0),
      [0, 500, 1000, 1500, 2000],
    );
  });

  test("a slot frees exactly one second after the one maxReceivesPerSecond slots back (a sliding second, not calendar seconds)", () => {
    const throttle = new DeliveryThrottle();
    assert.deepEqual(burst(throttle, 3, 0, 1), [0]);
    assert.deepEqual(burst(throttle, 3, 900, 2), [900, 900]);
    // Three went out in (0, 900]: the fourth waits until the one at 0 is a second old, the fifth for the one at 900.
    assert.deepEqual(burst(throttle, 3, 950, 2), [1000, 1900]);
    // (900, 1900] holds 1000 and 1900: one more fits at 1900; the next waits for 1000 to be a second old.
    assert.deepEqual(burst(throttle, 3, 1900, 2), [1900, 2000]);
  });

  test("first come, first served: a POST asking later never gets an earlier slot than one before it", () => {
    const throttle = new DeliveryThrottle();
    assert.deepEqual(burst(throttle, 1, 0, 3), [0, 1000, 2000]);
    // Asked at 500 (a retry falling due, say): behind the ones already waiting.
    assert.deepEqual(burst(throttle, 1, 500, 1), [3000]);
  });

  test("each subscription has its own rate", () => {
    const throttle = new DeliveryThrottle();
    assert.deepEqual(burst(throttle, 1, 0, 2, SUB), [0, 1000]);
    assert.deepEqual(burst(throttle, 2, 0, 3, OTHER), [0, 0, 1000]);
    assert.deepEqual(burst(throttle, 1, 0, 1, SUB), [2000]);
  });

  test("after a quiet second the history is gone: a new burst starts at once", () => {
    const throttle = new DeliveryThrottle();
    assert.deepEqual(burst(throttle, 2, 0, 4), [0, 0, 1000, 1000]);
    assert.deepEqual(burst(throttle, 2, 2000, 3), [2000, 2000, 3000]);
  });

  test("prune forgets a subscription once a second has passed since its latest slot, and not before", () => {
    const throttle = new DeliveryThrottle();
    assert.deepEqual(burst(throttle, 1, 0, 3, SUB), [0, 1000, 2000]);
    assert.deepEqual(burst(throttle, 1, 0, 1, OTHER), [0]);
    assert.equal(throttle.prune(T0 + 999), 0);
    assert.equal(throttle.prune(T0 + 1000), 1, "OTHER's one slot is a second old");
    assert.deepEqual([throttle.has(SUB), throttle.has(OTHER)], [true, false]);
    // SUB still has slots waiting: a POST asking now queues behind them.
    assert.equal(throttle.prune(T0 + 2999), 0);
    assert.deepEqual(burst(throttle, 1, 1500, 1, SUB), [3000]);
    assert.equal(throttle.prune(T0 + 4000), 1);
    assert.equal(throttle.has(SUB), false);
    // Forgotten, it starts afresh, as take() would have after a quiet second.
    assert.deepEqual(burst(throttle, 1, 4000, 2, SUB), [4000, 5000]);
  });

  test("a changed rate applies to the next slot", () => {
    const throttle = new DeliveryThrottle();
    assert.deepEqual(burst(throttle, 1, 0, 2), [0, 1000]);
    // Raised to 3 at 1000: the slot at 0 is a second old, the one at 1000 leaves room for two more.
    assert.deepEqual(burst(throttle, 3, 1000, 3), [1000, 1000, 2000]);
  });
});
