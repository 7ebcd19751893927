import assert from "node:assert/strict";
import { test } from "node:test";
import { page } from "./paging.js";

test("pages follow the marker and end without one", () => {
  const all = ["a", "b", "c", "d", "e"];
  const first = page(all, (x) => x, undefined, 2);
  assert.deepEqual(first.items, ["a", "b"]);
  assert.ok(first.next);
  const second = page(all, (x) => x, first.next, 2);
  assert.deepEqual(second.items, ["c", "d"]);
  const third = page(all, (x) => x, second.next, 2);
  assert.deepEqual(third.items, ["e"]);
  assert.equal(third.next, undefined);
  assert.equal(page(all, (x) => x, undefined, 5).next, undefined);
});
