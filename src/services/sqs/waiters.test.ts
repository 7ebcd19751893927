import assert from "node:assert/strict";
import { test } from "node:test";
import { QueueWaiters } from "./waiters.js";

test("notify wakes only the waiters of that queue, in arrival order", () => {
  const waiters = new QueueWaiters();
  const woken: string[] = [];
  waiters.add("q1", { wake: () => woken.push("a"), abort: () => undefined });
  waiters.add("q1", { wake: () => woken.push("b"), abort: () => undefined });
  waiters.add("q2", { wake: () => woken.push("c"), abort: () => undefined });
  waiters.notify("q1");
  assert.deepEqual(woken, ["a", "b"]);
  waiters.notify("nothing-here");
  assert.deepEqual(woken, ["a", "b"]);
});

test("a waiter that removes itself while being woken does not disturb the others", () => {
  const waiters = new QueueWaiters();
  const woken: string[] = [];
  const remove = waiters.add("q", { wake: () => (woken.push("first"), remove()), abort: () => undefined });
  waiters.add("q", { wake: () => woken.push("second"), abort: () => undefined });
  waiters.notify("q");
  assert.deepEqual(woken, ["first", "second"]);
  assert.equal(waiters.count("q"), 1);
  waiters.notify("q");
  assert.deepEqual(woken, ["first", "second", "second"]);
});

test("abortAll answers every waiter and forgets them", () => {
  const waiters = new QueueWaiters();
  let aborted = 0;
  waiters.add("q1", { wake: () => undefined, abort: () => aborted++ });
  waiters.add("q2", { wake: () => undefined, abort: () => aborted++ });
  waiters.abortAll();
  assert.equal(aborted, 2);
  assert.equal(waiters.count("q1") + waiters.count("q2"), 0);
});
