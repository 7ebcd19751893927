import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ManualClock } from "../../core/manual-clock.js";
import { openState } from "../../state/database.js";
import { sweepRetention } from "./retention-sweep.js";
import { LogsStore } from "./store.js";

const a = { account: "000000000000", region: "us-east-1" };
const b = { account: "111122223333", region: "us-east-1" };
const group = { createdAt: 1, retentionDays: undefined, kmsKeyId: undefined, logGroupClass: "STANDARD", tags: {} };

describe("LogsStore", () => {
  test("events come back in (timestamp, insertion) order within bounds; streams track first/last timestamps", () => {
    const state = openState({ inMemory: true });
    const store = new LogsStore(state);
    assert.equal(store.insertGroup(a, { ...group, name: "g" }), true);
    assert.equal(store.insertGroup(a, { ...group, name: "g" }), false);
    store.insertStream(a, "g", "s", 1);
    store.appendEvents(a, "g", "s", [{ timestamp: 30, message: "c" }, { timestamp: 10, message: "a" }, { timestamp: 30, message: "d" }], 100);
    store.appendEvents(a, "g", "s", [{ timestamp: 20, message: "b" }], 200);
    const all = [...store.events(a, { groupName: "g" })];
    assert.deepEqual(all.map((e) => e.message), ["a", "b", "c", "d"]);
    const stream = store.getStream(a, "g", "s");
    assert.deepEqual([stream?.firstEventTs, stream?.lastEventTs, stream?.lastIngestion, stream?.uploadSequence], [10, 30, 200, 2]);
    const c = all[2];
    assert.ok(c);
    assert.deepEqual([...store.events(a, { groupName: "g", after: { ts: c.timestamp, id: c.id } })].map((e) => e.message), ["d"]);
    assert.deepEqual([...store.events(a, { groupName: "g", before: { ts: c.timestamp, id: c.id }, descending: true })].map((e) => e.message), ["b", "a"]);
    assert.deepEqual([...store.events(a, { groupName: "g", startTime: 20, endTime: 30 })].map((e) => e.message), ["b"]);
    assert.equal(store.storedBytes(a, "g"), 4);
    // Another account sees nothing of it.
    assert.equal(store.getGroup(b, "g"), undefined);
    assert.deepEqual([...store.events(b, { groupName: "g" })], []);
    state.close();
  });

  test("deleting a group takes its streams, events and metric filters with it", () => {
    const state = openState({ inMemory: true });
    const store = new LogsStore(state);
    store.insertGroup(a, { ...group, name: "g" });
    store.insertStream(a, "g", "s", 1);
    store.appendEvents(a, "g", "s", [{ timestamp: 1, message: "x" }], 1);
    store.putMetricFilter(a, { groupName: "g", name: "f", pattern: "x", transformations: [], createdAt: 1 });
    assert.equal(store.getGroup(a, "g")?.metricFilterCount, 1);
    assert.equal(store.deleteGroup(a, "g"), true);
    store.insertGroup(a, { ...group, name: "g" });
    assert.deepEqual(store.listStreams(a, "g"), []);
    assert.deepEqual([...store.events(a, { groupName: "g" })], []);
    assert.equal(store.getGroup(a, "g")?.metricFilterCount, 0);
    state.close();
  });

  test("the retention sweep deletes only events older than each group's retention", () => {
    const day = 86_400_000;
    const clock = new ManualClock(100 * day);
    const state = openState({ inMemory: true });
    const store = new LogsStore(state);
    store.insertGroup(a, { ...group, name: "short", retentionDays: 1 });
    store.insertGroup(a, { ...group, name: "forever" });
    for (const name of ["short", "forever"]) {
      store.insertStream(a, name, "s", 1);
      store.appendEvents(a, name, "s", [{ timestamp: clock.now() - 2 * day, message: "old" }, { timestamp: clock.now() - 1000, message: "new" }], clock.now());
    }
    assert.equal(sweepRetention(store, clock), 1);
    assert.deepEqual([...store.events(a, { groupName: "short" })].map((e) => e.message), ["new"]);
    assert.deepEqual([...store.events(a, { groupName: "forever" })].map((e) => e.message), ["old", "new"]);
    state.close();
  });

  test("everything survives a restart of a persistent data dir", () => {
    const dir = mkdtempSync(join(tmpdir(), "nimbus-logs-test-"));
    try {
      const first = openState({ inMemory: false, dataDir: dir });
      const store = new LogsStore(first);
      store.insertGroup(a, { ...group, name: "g", retentionDays: 7, tags: { k: "v" } });
      store.insertStream(a, "g", "s", 1);
      store.appendEvents(a, "g", "s", [{ timestamp: 5, message: "kept" }], 6);
      first.close();
      const second = openState({ inMemory: false, dataDir: dir });
      const again = new LogsStore(second);
      assert.deepEqual(again.getGroup(a, "g"), { ...group, name: "g", retentionDays: 7, tags: { k: "v" }, metricFilterCount: 0 });
      assert.deepEqual([...again.events(a, { groupName: "g" })].map((e) => e.message), ["kept"]);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
