import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { openState } from "../../state/database.js";
import { stateBeforeMigration } from "../../state/migration-fixture.js";
import { SQS_MIGRATIONS, SqsStore, type NewMessage, type QueueRef } from "./store.js";

/** The order of a FIFO queue's groups straight from the messages, to check the kept heads against. */
function groupsFromRows(store: SqsStore, ref: QueueRef): string[] {
  return store.db
    .prepare<[string, string, string], string>(
      "SELECT group_id FROM sqs_messages WHERE account_id = ? AND region = ? AND queue = ? AND group_id IS NOT NULL GROUP BY group_id ORDER BY MIN(seq)",
    )
    .pluck()
    .all(ref.account, ref.region, ref.name);
}

/** The groups of a FIFO queue with a message in flight at `now`, straight from the messages. */
function lockedFromRows(store: SqsStore, ref: QueueRef, now: number): string[] {
  return store.db
    .prepare<[string, string, string, number], string>(
      "SELECT DISTINCT group_id FROM sqs_messages WHERE account_id = ? AND region = ? AND queue = ? AND group_id IS NOT NULL AND received_at IS NOT NULL AND visible_at > ? ORDER BY group_id",
    )
    .pluck()
    .all(ref.account, ref.region, ref.name, now);
}

describe("SqsStore FIFO group order", () => {
  const state = openState({ inMemory: true });
  after(() => state.close());
  const store = new SqsStore(state);
  const queue = { account: "000000000000", region: "us-east-1", name: "heads.fifo" };
  const other = { account: "000000000000", region: "us-east-1", name: "dlq.fifo" };
  for (const ref of [queue, other]) {
    store.insertQueue({ ...ref, fifo: true, attributes: { FifoQueue: "true" }, tags: {}, createdAt: 0, modifiedAt: 0 });
  }
  let id = 0;
  const message = (group: string, now: number): NewMessage => ({
    messageId: `m${String(++id).padStart(6, "0")}`,
    body: "b",
    attributes: undefined,
    systemAttributes: undefined,
    md5Body: "",
    senderId: "000000000000",
    sentAt: now,
    visibleAt: now,
    groupId: group,
    dedupId: `d${id}`,
    sequenceNumber: undefined,
    dlqSourceArn: undefined,
  });
  const ids = (ref: QueueRef): Array<{ id: string; receipt: string | null; group: string }> =>
    store.db
      .prepare<[string, string, string], { id: string; receipt: string | null; group: string }>(
        "SELECT message_id AS id, receipt_id AS receipt, group_id AS \"group\" FROM sqs_messages WHERE account_id = ? AND region = ? AND queue = ? ORDER BY seq",
      )
      .all(ref.account, ref.region, ref.name);

  test("the kept order and locked groups match the messages through sends, receives, visibility changes, deletes, moves, purges and rolled-back writes", () => {
    // A fixed pseudo-random walk (a 32-bit linear congruential generator, its high bits), so a failure reproduces.
    let seed = 42;
    const random = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 16) % n;
    };
    for (let step = 0; step < 3000; step++) {
      const now = 1_000 + step;
      const messages = ids(queue);
      const pick = messages[random(Math.max(1, messages.length))];
      switch (random(10)) {
        case 0:
        case 1:
          store.batch(() => store.insertMessages(queue, Array.from({ length: 1 + random(4) }, () => message(`g${random(6)}`, now))));
          break;
        case 2:
          store.insertMessage(queue, message(`g${random(6)}`, now));
          break;
        case 3:
          if (pick) store.markReceived(queue, [{ messageId: pick.id, groupId: pick.group }], { now, visibleAt: now + 5, receiptId: `r${step}` });
          break;
        case 4:
          if (pick) store.deleteDelivery(queue, pick.id, pick.receipt ?? "none", now);
          break;
        case 5:
          if (pick) store.deleteMessage(queue, pick.id);
          break;
        case 6:
          // A redrive: out of this queue into another, and sometimes back.
          if (pick) {
            store.transaction(() => {
              store.deleteMessage(queue, pick.id);
              store.insertMessage(other, message(`g${random(6)}`, now));
            });
          }
          break;
        case 7:
          assert.throws(() =>
            store.transaction(() => {
              store.insertMessage(queue, message(`new${random(3)}`, now));
              if (pick) store.deleteMessage(queue, pick.id);
              throw new Error("rolled back");
            }),
          );
          break;
        case 8:
          if (random(20) === 0) store.purgeMessages(queue, now - random(50));
          else if (random(20) === 0) store.expireMessages(queue, now, random(50));
          else if (pick) store.setVisibleAt(queue, pick.id, now + random(3) * 3);
          break;
        case 9:
          store.deleteMessages(queue, messages.filter(() => random(4) === 0).map((m) => m.id));
          break;
      }
      if (step === 2000) {
        // A queue deleted and created again under the same name starts with no groups.
        store.fifoGroups(queue);
        store.deleteQueue(queue, now);
        store.insertQueue({ ...queue, fifo: true, attributes: { FifoQueue: "true" }, tags: {}, createdAt: now, modifiedAt: now });
      }
      const groups = store.fifoGroups(queue);
      assert.deepEqual(groups, groupsFromRows(store, queue), `step ${step}`);
      assert.deepEqual(groups.filter(store.fifoLockedAt(queue, now)).sort(), lockedFromRows(store, queue, now), `step ${step} (locked groups)`);
      if (step % 50 === 0) assert.deepEqual(store.fifoGroups(other), groupsFromRows(store, other), `step ${step} (other queue)`);
    }
  });
});

describe("SqsStore migrations", () => {
  test("a data dir whose messages table had no rowid keeps its messages, and its indexes", () => {
    const state = stateBeforeMigration("sqs", SQS_MIGRATIONS, "sqs_messages_rowid");
    try {
      const ref = { account: "000000000000", region: "us-east-1", name: "kept" };
      state.db
        .prepare(
          `INSERT INTO sqs_messages (account_id, region, queue, message_id, seq, body, md5_body, sender_id, sent_at, visible_at, group_id)
           VALUES (?, ?, ?, 'm1', 1, 'first', 'md5', 'sender', 10, 10, NULL), (?, ?, ?, 'm2', 2, 'second', 'md5', 'sender', 20, 20, 'g')`,
        )
        .run(ref.account, ref.region, ref.name, ref.account, ref.region, ref.name);
      const store = new SqsStore(state);
      assert.equal(store.getMessage(ref, "m1")?.body, "first");
      assert.equal(store.getMessage(ref, "m2")?.seq, 2);
      assert.ok(state.db.prepare("SELECT rowid FROM sqs_messages").all().length === 2, "a rowid table now");
      const indexes = state.db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sqs_messages' AND sql IS NOT NULL ORDER BY name").pluck().all();
      assert.deepEqual(indexes, ["sqs_messages_by_group", "sqs_messages_by_sent", "sqs_messages_by_seq", "sqs_messages_by_visibility"]);
    } finally {
      state.close();
    }
  });
});
