import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ManualClock, isAdjustableClock } from "./manual-clock.js";
import { systemClock } from "./clock.js";

describe("ManualClock", () => {
  test("starts at 2025-01-01T00:00:00Z unless told otherwise", () => {
    assert.equal(new ManualClock().now(), Date.parse("2025-01-01T00:00:00Z"));
    assert.equal(new ManualClock(1234).now(), 1234);
  });

  test("moves only when set or advanced", () => {
    const clock = new ManualClock(1000);
    assert.equal(clock.now(), 1000);
    clock.advance(250);
    assert.equal(clock.now(), 1250);
    clock.set(500);
    assert.equal(clock.now(), 500);
    clock.advance(0);
    assert.equal(clock.now(), 500);
  });

  test("rejects negative or non-finite moves", () => {
    const clock = new ManualClock(0);
    assert.throws(() => clock.advance(-1), { name: "RangeError", message: "ManualClock.advance: ms must be a finite number >= 0, got -1" });
    assert.throws(() => clock.advance(Number.NaN), RangeError);
    assert.throws(() => clock.set(Number.POSITIVE_INFINITY), { name: "RangeError", message: "ManualClock: time must be a finite epoch-ms number, got Infinity" });
    assert.throws(() => new ManualClock(Number.NaN), RangeError);
    assert.equal(clock.now(), 0);
  });

  test("is adjustable; the system clock is not", () => {
    assert.equal(isAdjustableClock(new ManualClock()), true);
    assert.equal(isAdjustableClock(systemClock), false);
  });
});
