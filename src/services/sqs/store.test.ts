import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { openState } from "../../state/database.js";
import { stateBeforeMigration } from "../../state/migration-fixture.js";
import { IN_FLIGHT_QUOTA } from "./messages.js";
import { SQS_MIGRATIONS, SqsStore, type MoveTask, type NewMessage, type QueueRef } from "./store.js";

/** The order of a FIFO queue's groups straight from the messages, to check the kept heads against. */
function groupsFromRows(store: SqsStore, ref: QueueRef): string[] {
  return store.db
    .prepare<[string, string, string], string>(
      "SELECT group_id FROM sqs_messages WHERE queue_id = (SELECT id FROM sqs_queue_ids WHERE account_id = ? AND region = ? AND name = ?) AND group_id IS NOT NULL GROUP BY group_id ORDER BY MIN(seq)",
    )
    .pluck()
    .all(ref.account, ref.region, ref.name);
}

/** The groups of a FIFO queue with a message in flight at `now`, straight from the messages. */
function lockedFromRows(store: SqsStore, ref: QueueRef, now: number): string[] {
  return store.db
    .prepare<[string, string, string, number], string>(
      `SELECT group_id FROM sqs_messages m WHERE queue_id = (SELECT id FROM sqs_queue_ids WHERE account_id = ? AND region = ? AND name = ?) AND group_id IS NOT NULL
         AND seq = (SELECT MIN(seq) FROM sqs_messages h WHERE h.queue_id = m.queue_id AND h.group_id = m.group_id)
         AND received_at IS NOT NULL AND visible_at > ? ORDER BY group_id`,
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
        "SELECT message_id AS id, receipt_id AS receipt, group_id AS \"group\" FROM sqs_messages WHERE queue_id = (SELECT id FROM sqs_queue_ids WHERE account_id = ? AND region = ? AND name = ?) ORDER BY seq",
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

describe("SqsStore queue ids", () => {
  test("a data dir whose message tables were keyed by queue name keeps each queue's messages, deduplication records and receive attempts apart", () => {
    const state = stateBeforeMigration("sqs", SQS_MIGRATIONS, "sqs_queue_ids");
    try {
      const a = { account: "000000000000", region: "us-east-1", name: "a.fifo" };
      const b = { account: "000000000000", region: "eu-west-1", name: "a.fifo" };
      const gone = { account: "111111111111", region: "us-east-1", name: "deleted-with-rows" };
      const insertQueue = state.db.prepare(
        "INSERT INTO sqs_queues (account_id, region, name, fifo, attributes, tags, created_at, modified_at) VALUES (?, ?, ?, 1, '{}', '{}', 0, 0)",
      );
      for (const ref of [a, b]) insertQueue.run(ref.account, ref.region, ref.name);
      const insertMessage = state.db.prepare(
        `INSERT INTO sqs_messages (account_id, region, queue, message_id, seq, body, md5_body, sender_id, sent_at, visible_at, group_id)
         VALUES (?, ?, ?, ?, ?, ?, 'md5', 'sender', 10, 10, 'g')`,
      );
      insertMessage.run(a.account, a.region, a.name, "m1", 1, "in a");
      insertMessage.run(b.account, b.region, b.name, "m1", 1, "in b");
      insertMessage.run(gone.account, gone.region, gone.name, "m9", 1, "orphan");
      state.db
        .prepare("INSERT INTO sqs_dedup (account_id, region, queue, dedup_key, message_id, sequence_number, expires_at) VALUES (?, ?, ?, 'k', 'm1', '1', 1000)")
        .run(a.account, a.region, a.name);
      state.db
        .prepare("INSERT INTO sqs_receive_attempts (account_id, region, queue, attempt_id, receipts, expires_at) VALUES (?, ?, ?, 'try', '[]', 1000)")
        .run(b.account, b.region, b.name);
      const store = new SqsStore(state);
      assert.equal(store.getMessage(a, "m1")?.body, "in a");
      assert.equal(store.getMessage(b, "m1")?.body, "in b");
      assert.equal(store.getMessage(gone, "m9")?.body, "orphan", "rows of a queue without a queue row are kept too");
      const duplicate = store.claimDedup(a, "k", { messageId: "m2", sequenceNumber: "2", expiresAt: 2000 }, 500);
      assert.deepEqual(duplicate, { messageId: "m1", sequenceNumber: "1", expiresAt: 1000 });
      assert.equal(store.claimDedup(b, "k", { messageId: "m2", sequenceNumber: "2", expiresAt: 2000 }, 500), undefined, "b's key is its own");
      assert.deepEqual(store.getReceiveAttempt(b, "try"), { receipts: [], expiresAt: 1000 });
      assert.equal(store.getReceiveAttempt(a, "try"), undefined);
      assert.deepEqual(state.db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sqs_messages' AND sql IS NOT NULL ORDER BY name").pluck().all(), [
        "sqs_messages_by_group",
        "sqs_messages_by_sent",
        "sqs_messages_by_seq",
        "sqs_messages_by_visibility",
      ]);
    } finally {
      state.close();
    }
  });

  test("a deleted queue's id goes with it, from the table and from memory; created again, the queue has none of the old one's messages", () => {
    const state = openState({ inMemory: true });
    try {
      const store = new SqsStore(state);
      const ref = { account: "000000000000", region: "us-east-1", name: "again" };
      const create = (): void => store.insertQueue({ ...ref, fifo: false, attributes: {}, tags: {}, createdAt: 0, modifiedAt: 0 });
      const idOf = (): number | undefined => state.db.prepare<[string], number>("SELECT id FROM sqs_queue_ids WHERE name = ?").pluck().get(ref.name);
      // The ids the store holds in memory (private: nothing outside reads them).
      const heldIds = (): number => (store as unknown as { queueIds: Map<string, number> }).queueIds.size;
      create();
      store.insertMessage(ref, { messageId: "old", body: "b", attributes: undefined, systemAttributes: undefined, md5Body: "", senderId: "s", sentAt: 0, visibleAt: 0, groupId: undefined, dedupId: undefined, sequenceNumber: undefined, dlqSourceArn: undefined });
      assert.ok(idOf() !== undefined && heldIds() === 1);
      store.deleteQueue(ref, 1);
      assert.equal(idOf(), undefined);
      assert.equal(heldIds(), 0);
      create();
      assert.equal(store.countMessages(ref), 0);
      assert.equal(store.getMessage(ref, "old"), undefined);
      // A thousand queues created and deleted leave nothing behind.
      for (let i = 0; i < 1000; i++) {
        const churned = { account: "000000000000", region: "us-east-1", name: `churn-${i}` };
        store.insertQueue({ ...churned, fifo: false, attributes: {}, tags: {}, createdAt: 0, modifiedAt: 0 });
        store.countMessages(churned);
        store.deleteQueue(churned, 2);
      }
      assert.equal(state.db.prepare<[], number>("SELECT COUNT(*) FROM sqs_queue_ids").pluck().get(), 1);
      assert.equal(heldIds(), 1);
      assert.equal(store.pruneDeletedQueues(1), 0, "created again, 'again' is no deleted name any more");
      assert.equal(store.pruneDeletedQueues(2), 1000);
      assert.equal(state.db.prepare<[], number>("SELECT COUNT(*) FROM sqs_deleted_queues").pluck().get(), 0);
      const never = { account: "000000000000", region: "us-east-1", name: "never" };
      assert.equal(store.getMessage(never, "m"), undefined);
      assert.equal(store.countMessages(never), 0);
      assert.throws(() => store.insertMessage(never, { messageId: "m", body: "b", attributes: undefined, systemAttributes: undefined, md5Body: "", senderId: "s", sentAt: 0, visibleAt: 0, groupId: undefined, dedupId: undefined, sequenceNumber: undefined, dlqSourceArn: undefined }), /no queue id/);
    } finally {
      state.close();
    }
  });
});

describe("SqsStore move tasks", () => {
  const task = (handle: string, startedAt: number, status: MoveTask["status"], sourceQueue = "dlq"): MoveTask => ({
    account: "000000000000",
    region: "us-east-1",
    handle,
    sourceQueue,
    destinationArn: undefined,
    rate: undefined,
    status,
    moved: 0,
    toMove: 0,
    lastSeq: startedAt,
    startedAt,
    failureReason: undefined,
  });

  test("a source queue keeps its 10 most recent tasks (all ListMessageMoveTasks can list) and any running one", () => {
    const state = openState({ inMemory: true });
    try {
      const store = new SqsStore(state);
      const dlq = { account: "000000000000", region: "us-east-1", name: "dlq" };
      store.insertMoveTask(task("other-1", 1, "COMPLETED", "other"));
      for (let i = 1; i <= 15; i++) store.insertMoveTask(task(`t${i}`, 100 + i, i === 15 ? "RUNNING" : "COMPLETED"));
      assert.deepEqual(store.moveTasksOf(dlq).map((t) => t.handle), ["t15", "t14", "t13", "t12", "t11", "t10", "t9", "t8", "t7", "t6"]);
      assert.equal(store.moveTasksOf({ ...dlq, name: "other" }).length, 1, "another queue's tasks are its own");
      // An old running task (Nimbus restarted mid-redrive) is never pruned.
      state.db.prepare("UPDATE sqs_move_tasks SET status = 'RUNNING' WHERE handle = 't6'").run();
      state.db.prepare("UPDATE sqs_move_tasks SET status = 'COMPLETED' WHERE handle = 't15'").run();
      store.insertMoveTask(task("t16", 200, "COMPLETED"));
      assert.deepEqual(store.moveTasksOf(dlq).map((t) => t.handle), ["t16", "t15", "t14", "t13", "t12", "t11", "t10", "t9", "t8", "t7", "t6"]);
    } finally {
      state.close();
    }
  });

  test("a data dir whose deleted queues left ids and move tasks behind loses them; ids still in use stay", () => {
    const state = stateBeforeMigration("sqs", SQS_MIGRATIONS, "sqs_move_tasks.source_queue");
    try {
      const live = { account: "000000000000", region: "us-east-1", name: "live" };
      state.db
        .prepare("INSERT INTO sqs_queues (account_id, region, name, fifo, attributes, tags, created_at, modified_at) VALUES (?, ?, ?, 0, '{}', '{}', 0, 0)")
        .run(live.account, live.region, live.name);
      const insertId = state.db.prepare<[number, string]>("INSERT INTO sqs_queue_ids (id, account_id, region, name) VALUES (?, '000000000000', 'us-east-1', ?)");
      insertId.run(1, "live");
      insertId.run(2, "deleted");
      insertId.run(3, "deleted-with-messages");
      insertId.run(4, "deleted-with-dedup");
      insertId.run(5, "deleted-with-attempts");
      state.db.prepare("INSERT INTO sqs_messages (queue_id, message_id, seq, body, md5_body, sender_id, sent_at, visible_at) VALUES (3, 'm', 1, 'b', 'md5', 's', 0, 0)").run();
      state.db.prepare("INSERT INTO sqs_dedup (queue_id, dedup_key, message_id, sequence_number, expires_at) VALUES (4, 'k', 'm', '1', 0)").run();
      state.db.prepare("INSERT INTO sqs_receive_attempts (queue_id, attempt_id, receipts, expires_at) VALUES (5, 'a', '[]', 0)").run();
      const insertTask = state.db.prepare<[string, string]>(
        "INSERT INTO sqs_move_tasks (account_id, region, handle, source_queue, status, moved, to_move, last_seq, started_at) VALUES ('000000000000', 'us-east-1', ?, ?, 'COMPLETED', 0, 0, 0, 0)",
      );
      insertTask.run("kept", "live");
      insertTask.run("orphan", "deleted");
      new SqsStore(state);
      assert.deepEqual(state.db.prepare<[], number>("SELECT id FROM sqs_queue_ids ORDER BY id").pluck().all(), [1, 3, 4, 5]);
      assert.deepEqual(state.db.prepare<[], string>("SELECT handle FROM sqs_move_tasks").pluck().all(), ["kept"]);
    } finally {
      state.close();
    }
  });
});

describe("SqsStore in-flight quota", () => {
  const account = "000000000000";
  const region = "us-east-1";
  let id = 0;
  const message = (now: number): NewMessage => ({
    messageId: `q${String(++id).padStart(7, "0")}`,
    body: "b",
    attributes: undefined,
    systemAttributes: undefined,
    md5Body: "",
    senderId: account,
    sentAt: now,
    visibleAt: now,
    groupId: undefined,
    dedupId: undefined,
    sequenceNumber: undefined,
    dlqSourceArn: undefined,
  });
  /** Messages in flight at `now` as ApproximateNumberOfMessagesNotVisible counts them, less the delayed ones. */
  const inFlightFromRows = (store: SqsStore, ref: QueueRef, now: number): number => store.counts(ref, now).inFlight;
  const rows = (store: SqsStore, ref: QueueRef): Array<{ id: string; receipt: string | null; visibleAt: number }> =>
    store.db
      .prepare<[string, string, string], { id: string; receipt: string | null; visibleAt: number }>(
        "SELECT message_id AS id, receipt_id AS receipt, visible_at AS visibleAt FROM sqs_messages WHERE queue_id = (SELECT id FROM sqs_queue_ids WHERE account_id = ? AND region = ? AND name = ?) ORDER BY seq",
      )
      .all(ref.account, ref.region, ref.name);

  test("a queue with 120,000 messages in flight has no room; a delete, a visibility set to 0 or a timeout running out makes some, an extension does not", () => {
    const state = openState({ inMemory: true });
    try {
      const store = new SqsStore(state);
      const queue = { account, region, name: "at-quota" };
      store.insertQueue({ ...queue, fifo: false, attributes: {}, tags: {}, createdAt: 0, modifiedAt: 0 });
      const now = 1_000_000;
      const visibleAt = now + 30_000;
      // Sent and received in chunks within one transaction, as 12,000 receives of 10 would leave them.
      store.transaction(() => {
        for (let sent = 0; sent < IN_FLIGHT_QUOTA; sent += 500) {
          const chunk = Array.from({ length: 500 }, () => message(now - 1));
          store.insertMessages(queue, chunk);
          store.markReceived(queue, chunk, { now, visibleAt, receiptId: `r${sent}` });
        }
      });
      assert.equal(inFlightFromRows(store, queue, now), IN_FLIGHT_QUOTA);
      assert.equal(store.inFlightRoom(queue, now, IN_FLIGHT_QUOTA, 10), 0);
      // Visible messages beyond the in-flight ones change nothing.
      store.insertMessages(queue, [message(now), message(now)]);
      assert.equal(store.inFlightRoom(queue, now, IN_FLIGHT_QUOTA, 10), 0);

      const [first, second, third] = rows(store, queue);
      assert.ok(first && second && third);
      store.deleteMessage(queue, first.id);
      assert.equal(store.inFlightRoom(queue, now + 1, IN_FLIGHT_QUOTA, 10), 1, "a deleted message is no longer in flight");
      store.setVisibleAt(queue, second.id, now + 1);
      assert.equal(store.inFlightRoom(queue, now + 1, IN_FLIGHT_QUOTA, 10), 2, "a message made visible (VisibilityTimeout 0) is no longer in flight");
      store.setVisibleAt(queue, third.id, now + 600_000);
      assert.equal(store.inFlightRoom(queue, now + 1, IN_FLIGHT_QUOTA, 10), 2, "an extended message is still in flight");
      assert.equal(inFlightFromRows(store, queue, now + 1), IN_FLIGHT_QUOTA - 2);
      // A receive of the two messages made visible fills the quota again.
      store.markReceived(queue, [second, ...rows(store, queue).slice(-1)].map((m) => ({ messageId: m.id, groupId: undefined })), {
        now: now + 1,
        visibleAt,
        receiptId: "again",
      });
      assert.equal(store.inFlightRoom(queue, now + 1, IN_FLIGHT_QUOTA, 10), 0);
      // The visibility timeout runs out: all but the extended one are visible again.
      assert.equal(store.inFlightRoom(queue, visibleAt, IN_FLIGHT_QUOTA, 10), 10);
      assert.equal(inFlightFromRows(store, queue, visibleAt), 1);
    } finally {
      state.close();
    }
  });

  test("the room kept in memory matches the messages through sends, receives, visibility changes, deletes, moves, purges, expiry and rolled-back writes", () => {
    const state = openState({ inMemory: true });
    try {
      const store = new SqsStore(state);
      const queue = { account, region, name: "walk" };
      const other = { account, region, name: "walk-dlq" };
      for (const ref of [queue, other]) store.insertQueue({ ...ref, fifo: false, attributes: {}, tags: {}, createdAt: 0, modifiedAt: 0 });
      // A small quota, so that the queue crosses it both ways and the kept messages are read, followed and dropped.
      const limit = 16;
      let seed = 7;
      const random = (n: number): number => {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        return (seed >>> 16) % n;
      };
      let now = 10_000;
      for (let step = 0; step < 4000; step++) {
        now += random(4);
        const messages = rows(store, queue);
        const pick = messages[random(Math.max(1, messages.length))];
        const inFlight = messages.filter((m) => m.receipt !== null && m.visibleAt > now);
        switch (random(11)) {
          case 0:
          case 1:
            store.batch(() => store.insertMessages(queue, Array.from({ length: 1 + random(6) }, () => message(now - random(30)))));
            break;
          case 2:
          case 3: {
            const visible = messages.filter((m) => m.visibleAt <= now).slice(0, 1 + random(10));
            store.markReceived(queue, visible.map((m) => ({ messageId: m.id, groupId: undefined })), { now, visibleAt: now + 1 + random(60), receiptId: `r${step}` });
            break;
          }
          case 4: {
            // ChangeMessageVisibility: a message in flight, 0 making it visible now; or, as the
            // store allows, a received one already visible again, which goes back in flight.
            const received = random(4) === 0 ? messages.filter((m) => m.receipt !== null && m.visibleAt <= now) : inFlight;
            const target = received[random(Math.max(1, received.length))];
            if (target) store.setVisibleAt(queue, target.id, random(3) === 0 ? now : now + random(30));
            break;
          }
          case 5:
            if (pick) store.deleteMessage(queue, pick.id);
            break;
          case 6:
            store.deleteMessages(queue, [...messages.filter(() => random(5) === 0).map((m) => m.id), "never-sent"]);
            break;
          case 7:
            if (pick) store.deleteDelivery(queue, pick.id, random(4) === 0 ? "stale" : (pick.receipt ?? "none"), now);
            else store.deleteDeliveries(queue, new Map(), now);
            if (inFlight.length > 1) store.deleteDeliveries(queue, new Map(inFlight.slice(0, 2).map((m) => [m.id, messages.find((r) => r.id === m.id)?.receipt ?? ""])), now);
            break;
          case 8:
            // A redrive: out of this queue into the dead-letter queue.
            if (pick) {
              store.transaction(() => {
                store.deleteMessage(queue, pick.id);
                store.insertMessage(other, message(now));
              });
            }
            break;
          case 9:
            assert.throws(() =>
              store.transaction(() => {
                store.insertMessage(queue, message(now));
                if (pick) store.deleteMessage(queue, pick.id);
                const target = inFlight[0];
                if (target) store.setVisibleAt(queue, target.id, now);
                throw new Error("rolled back");
              }),
            );
            break;
          case 10:
            if (random(15) === 0) store.purgeMessages(queue, now - random(40));
            else if (random(15) === 0) store.expireMessages(queue, now, 20 + random(40));
            else if (random(60) === 0) {
              store.deleteQueue(queue, now);
              store.insertQueue({ ...queue, fifo: false, attributes: {}, tags: {}, createdAt: now, modifiedAt: now });
            }
            break;
        }
        const wanted = 1 + random(10);
        const expected = Math.min(wanted, Math.max(0, limit - inFlightFromRows(store, queue, now)));
        assert.equal(store.inFlightRoom(queue, now, limit, wanted), expected, `step ${step}: ${rows(store, queue).length} messages`);
        if (step % 97 === 0) assert.equal(store.inFlightRoom(other, now, limit, wanted), Math.min(wanted, limit - inFlightFromRows(store, other, now)), `step ${step} (other queue)`);
      }
    } finally {
      state.close();
    }
  });
});

describe("SqsStore first receive", () => {
  test("a first receive set on a moved message survives its next receive; a receive sets it only while unset", () => {
    const state = openState({ inMemory: true });
    try {
      const store = new SqsStore(state);
      const queue = { account: "000000000000", region: "us-east-1", name: "first-receive" };
      store.insertQueue({ ...queue, fifo: false, attributes: {}, tags: {}, createdAt: 0, modifiedAt: 0 });
      const message = (messageId: string): NewMessage => ({
        messageId,
        body: "b",
        attributes: undefined,
        systemAttributes: undefined,
        md5Body: "",
        senderId: "000000000000",
        sentAt: 100,
        visibleAt: 100,
        groupId: undefined,
        dedupId: undefined,
        sequenceNumber: undefined,
        dlqSourceArn: undefined,
      });
      store.insertMessage(queue, message("moved"));
      store.insertMessage(queue, message("fresh"));
      store.setFirstReceive(queue, "moved", 150);
      const both = ["moved", "fresh"].map((id) => store.getMessage(queue, id)).filter((m) => m !== undefined);
      store.markReceived(queue, both, { now: 200, visibleAt: 230, receiptId: "r1" });
      assert.equal(store.getMessage(queue, "moved")?.firstReceive, 150);
      assert.equal(store.getMessage(queue, "fresh")?.firstReceive, 200);
      assert.equal(store.getMessage(queue, "moved")?.receiveCount, 1);
    } finally {
      state.close();
    }
  });
});
