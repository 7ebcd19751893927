import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { median, minMax, percentileOfSorted } from "./stats.js";

describe("median", () => {
  test("odd count: the middle value, whatever the order", () => {
    assert.equal(median([5, 1, 3]), 3);
  });
  test("even count: the mean of the two middle values", () => {
    assert.equal(median([4, 1, 3, 2]), 2.5);
  });
  test("empty: NaN", () => {
    assert.ok(Number.isNaN(median([])));
  });
  test("does not reorder its input", () => {
    const values = [3, 1, 2];
    median(values);
    assert.deepEqual(values, [3, 1, 2]);
  });
});

describe("percentileOfSorted", () => {
  const hundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  test("nearest rank", () => {
    assert.equal(percentileOfSorted(hundred, 50), 50);
    assert.equal(percentileOfSorted(hundred, 99), 99);
    assert.equal(percentileOfSorted(hundred, 100), 100);
    assert.equal(percentileOfSorted(hundred, 0), 1);
  });
  test("one value is every percentile", () => {
    assert.equal(percentileOfSorted([0.42], 99), 0.42);
  });
  test("empty: NaN", () => {
    assert.ok(Number.isNaN(percentileOfSorted([], 50)));
  });
});

test("minMax", () => {
  assert.deepEqual(minMax([3, 9, 1]), { min: 1, max: 9 });
});
