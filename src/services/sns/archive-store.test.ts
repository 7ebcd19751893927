/**
 * The archive and replay rows: messages come back in sequence order within a window, without
 * the expired ones, with their attributes' bytes; a new retention period moves every expiry; a
 * replay's progress is recorded only while it runs.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openState } from "../../state/database.js";
import type { ArchivedMessage, Replay } from "./archive-store.js";
import { DAY_MS } from "./domain/archive.js";
import { SnsStore } from "./store.js";

const T0 = Date.parse("2026-01-15T12:00:00.000Z");
const TOPIC = { account: "000000000000", region: "us-east-1", name: "orders.fifo" };
const ALL = { start: 0, end: undefined };

function message(n: number, publishedAt: number): ArchivedMessage {
  return {
    messageId: `m${n}`,
    sequenceNumber: (10_000_000_000_000_000_000n + BigInt(n)).toString(),
    messageGroupId: "g",
    messageDeduplicationId: `d${n}`,
    publishedAt,
    message: `body ${n}`,
    structured: undefined,
    subject: undefined,
    attributes: undefined,
    traceHeader: undefined,
  };
}

function store(): SnsStore {
  return new SnsStore(openState({ inMemory: true }));
}

describe("ArchiveStore", () => {
  test("a page is in sequence order, after the cursor, within the window, without expired messages", () => {
    const s = store();
    // Archived out of order on purpose: the sequence number decides.
    for (const n of [3, 1, 2, 4]) s.archive.archive(TOPIC, message(n, T0 + n * 1000), T0 + n * 1000 + DAY_MS);
    const ids = (page: ArchivedMessage[]) => page.map((m) => m.messageId);
    assert.deepEqual(ids(s.archive.page(TOPIC, ALL, undefined, T0, 10)), ["m1", "m2", "m3", "m4"]);
    assert.deepEqual(ids(s.archive.page(TOPIC, ALL, undefined, T0, 2)), ["m1", "m2"]);
    assert.deepEqual(ids(s.archive.page(TOPIC, ALL, message(2, 0).sequenceNumber, T0, 10)), ["m3", "m4"]);
    assert.deepEqual(ids(s.archive.page(TOPIC, { start: T0 + 2000, end: T0 + 3000 }, undefined, T0, 10)), ["m2", "m3"]);
    // m1 and m2 are past their retention period at T0 + 2000 + DAY_MS, before any sweep.
    assert.deepEqual(ids(s.archive.page(TOPIC, ALL, undefined, T0 + 2000 + DAY_MS, 10)), ["m3", "m4"]);
    assert.equal(s.archive.prune(T0 + 3000 + DAY_MS), 3);
    assert.deepEqual(ids(s.archive.page(TOPIC, ALL, undefined, T0, 10)), ["m4"]);
    assert.deepEqual(ids(s.archive.page({ ...TOPIC, name: "other.fifo" }, ALL, undefined, T0, 10)), []);
  });

  test("a message comes back as archived, attribute bytes included", () => {
    const s = store();
    const archived: ArchivedMessage = {
      ...message(1, T0),
      structured: { default: "d", sqs: "s" },
      subject: "subject",
      attributes: { kind: { DataType: "String", StringValue: "order" }, blob: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 254]) } },
      traceHeader: "Root=1-5759e988-bd862e3fe1be46a994272793",
    };
    s.archive.archive(TOPIC, archived, T0 + DAY_MS);
    assert.deepEqual(s.archive.page(TOPIC, ALL, undefined, T0, 10), [archived]);
  });

  test("a new retention period counts from each message's publish; clearing empties the topic's archive", () => {
    const s = store();
    s.archive.archive(TOPIC, message(1, T0), T0 + 30 * DAY_MS);
    s.archive.retain(TOPIC, 2);
    assert.equal(s.archive.page(TOPIC, ALL, undefined, T0 + 2 * DAY_MS - 1, 10).length, 1);
    assert.equal(s.archive.page(TOPIC, ALL, undefined, T0 + 2 * DAY_MS, 10).length, 0);
    s.archive.clear(TOPIC);
    assert.equal(s.archive.prune(Number.MAX_SAFE_INTEGER), 0);
  });

  test("a replay's progress is kept while it runs; a replaced or failed replay records nothing more", () => {
    const s = store();
    const replay: Replay = { account: TOPIC.account, region: TOPIC.region, subscription: "sub-1", topic: TOPIC.name, id: "r1", start: T0, end: undefined, status: "Pending", cursor: undefined };
    s.archive.startReplay(replay, T0);
    assert.deepEqual(s.archive.activeReplays(), [replay]);
    assert.equal(s.archive.updateReplay(replay, "In progress", "10000000000000000001"), true);
    assert.deepEqual(s.archive.getReplay(TOPIC.account, TOPIC.region, "sub-1"), { ...replay, status: "In progress", cursor: "10000000000000000001" });
    // A new ReplayPolicy replaces the row: the old replay's updates no longer land.
    s.archive.startReplay({ ...replay, id: "r2" }, T0 + 1);
    assert.equal(s.archive.updateReplay(replay, "Completed", "10000000000000000002"), false);
    assert.equal(s.archive.getReplay(TOPIC.account, TOPIC.region, "sub-1")?.status, "Pending");
    s.archive.failActiveReplays(TOPIC);
    assert.equal(s.archive.updateReplay({ ...replay, id: "r2" }, "In progress", undefined), false);
    assert.equal(s.archive.getReplay(TOPIC.account, TOPIC.region, "sub-1")?.status, "Failed");
    assert.deepEqual(s.archive.activeReplays(), []);
    assert.deepEqual([...s.archive.replaysOf(TOPIC).keys()], ["sub-1"]);
    s.archive.deleteTopic(TOPIC);
    assert.equal(s.archive.getReplay(TOPIC.account, TOPIC.region, "sub-1"), undefined);
  });
});
