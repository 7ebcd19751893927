/**
 * SQS state over the shared SQLite database: queues, messages and FIFO deduplication records,
 * queues keyed by (account, region, name) and their messages by the queue's integer id. Time never comes from here: callers pass `now`
 * from the request's clock, so a ManualClock drives visibility, delays and retention.
 * Also owns the in-process long-poll waiters of each queue (they cannot live in SQLite).
 */
import { setOwn } from "../../core/own.js";
import { cachedPrepare, type Database, type StateLayer } from "../../state/database.js";
import { RowCache } from "../../state/row-cache.js";
import type { MessageAttributeValue } from "./domain/md5.js";
import { GroupHeads, type GroupHead } from "./group-heads.js";
import { InFlightCount } from "./in-flight-count.js";
import { InFlightGroups, type InFlightMessage } from "./in-flight-groups.js";
import { QueueWaiters } from "./waiters.js";

export const SQS_MIGRATIONS: readonly string[] = [
  `CREATE TABLE sqs_queues (
    account_id      TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    fifo            INTEGER NOT NULL,
    attributes      TEXT    NOT NULL,
    tags            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    modified_at     INTEGER NOT NULL,
    purged_at       INTEGER,
    last_sequence   TEXT,
    message_counter INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, region, name)
  ) WITHOUT ROWID;
  CREATE TABLE sqs_deleted_queues (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    deleted_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, name)
  ) WITHOUT ROWID;
  CREATE TABLE sqs_messages (
    account_id        TEXT    NOT NULL,
    region            TEXT    NOT NULL,
    queue             TEXT    NOT NULL,
    message_id        TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    body              TEXT    NOT NULL,
    attributes        TEXT,
    system_attributes TEXT,
    md5_body          TEXT    NOT NULL,
    sender_id         TEXT    NOT NULL,
    sent_at           INTEGER NOT NULL,
    visible_at        INTEGER NOT NULL,
    receive_count     INTEGER NOT NULL DEFAULT 0,
    first_receive     INTEGER,
    received_at       INTEGER,
    receipt_id        TEXT,
    group_id          TEXT,
    dedup_id          TEXT,
    sequence_number   TEXT,
    dlq_source_arn    TEXT,
    PRIMARY KEY (account_id, region, queue, message_id)
  ) WITHOUT ROWID;
  CREATE INDEX sqs_messages_by_visibility ON sqs_messages (account_id, region, queue, visible_at, seq);
  CREATE TABLE sqs_dedup (
    account_id      TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    queue           TEXT    NOT NULL,
    dedup_key       TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    sequence_number TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, queue, dedup_key)
  ) WITHOUT ROWID;`,
  `CREATE TABLE sqs_move_tasks (
    account_id      TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    handle          TEXT    NOT NULL,
    source_queue    TEXT    NOT NULL,
    destination_arn TEXT,
    rate            INTEGER,
    status          TEXT    NOT NULL,
    moved           INTEGER NOT NULL,
    to_move         INTEGER NOT NULL,
    last_seq        INTEGER NOT NULL,
    started_at      INTEGER NOT NULL,
    failure_reason  TEXT,
    PRIMARY KEY (account_id, region, handle)
  ) WITHOUT ROWID;`,
  `CREATE TABLE sqs_receive_attempts (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    queue      TEXT    NOT NULL,
    attempt_id TEXT    NOT NULL,
    receipts   TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, queue, attempt_id)
  ) WITHOUT ROWID;`,
  // Receives walk a queue in send order and skip hidden messages, and retention deletes by age:
  // both need the queue's messages ordered by those columns, not by visibility time.
  `CREATE INDEX sqs_messages_by_seq ON sqs_messages (account_id, region, queue, seq);
   CREATE INDEX sqs_messages_by_sent ON sqs_messages (account_id, region, queue, sent_at);`,
  // A FIFO receive reads the oldest messages of the groups it reaches, not the whole queue, and
  // finds the groups locked by a message in flight from an index that holds only received ones.
  // Partial: most standard-queue messages have no group, and their writes skip both indexes.
  `CREATE INDEX sqs_messages_by_group ON sqs_messages (account_id, region, queue, group_id, seq) WHERE group_id IS NOT NULL;
   CREATE INDEX sqs_messages_in_flight ON sqs_messages (account_id, region, queue, visible_at, group_id, received_at) WHERE group_id IS NOT NULL AND received_at IS NOT NULL;`,
  // Messages move to a rowid table. A WITHOUT ROWID table keeps each whole row in its key's
  // b-tree, which suits rows of a few dozen bytes; a message body is often a KiB or more (an
  // SNS envelope is about one), so a page held three or four rows and every send split pages:
  // a 900-byte SendMessage cost 4 times a 20-byte one. In a rowid table the row is appended
  // and only the indexes hold the key. Same columns, same indexes, same statements.
  `CREATE TABLE sqs_messages_rowid (
    account_id        TEXT    NOT NULL,
    region            TEXT    NOT NULL,
    queue             TEXT    NOT NULL,
    message_id        TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    body              TEXT    NOT NULL,
    attributes        TEXT,
    system_attributes TEXT,
    md5_body          TEXT    NOT NULL,
    sender_id         TEXT    NOT NULL,
    sent_at           INTEGER NOT NULL,
    visible_at        INTEGER NOT NULL,
    receive_count     INTEGER NOT NULL DEFAULT 0,
    first_receive     INTEGER,
    received_at       INTEGER,
    receipt_id        TEXT,
    group_id          TEXT,
    dedup_id          TEXT,
    sequence_number   TEXT,
    dlq_source_arn    TEXT,
    UNIQUE (account_id, region, queue, message_id)
  );
  INSERT INTO sqs_messages_rowid SELECT account_id, region, queue, message_id, seq, body, attributes, system_attributes, md5_body, sender_id,
    sent_at, visible_at, receive_count, first_receive, received_at, receipt_id, group_id, dedup_id, sequence_number, dlq_source_arn
    FROM sqs_messages ORDER BY account_id, region, queue, seq;
  DROP TABLE sqs_messages;
  ALTER TABLE sqs_messages_rowid RENAME TO sqs_messages;
  CREATE INDEX sqs_messages_by_visibility ON sqs_messages (account_id, region, queue, visible_at, seq);
  CREATE INDEX sqs_messages_by_seq ON sqs_messages (account_id, region, queue, seq);
  CREATE INDEX sqs_messages_by_sent ON sqs_messages (account_id, region, queue, sent_at);
  CREATE INDEX sqs_messages_by_group ON sqs_messages (account_id, region, queue, group_id, seq) WHERE group_id IS NOT NULL;
  CREATE INDEX sqs_messages_in_flight ON sqs_messages (account_id, region, queue, visible_at, group_id, received_at) WHERE group_id IS NOT NULL AND received_at IS NOT NULL;`,
  // The locked FIFO groups are known in memory (in-flight-groups.ts); the index cost every
  // receive, delete and visibility change of a FIFO message a write.
  `DROP INDEX sqs_messages_in_flight;`,
  // A queue's messages, deduplication records and receive attempts are keyed by an integer id
  // instead of (account, region, name): three text columns repeated in every row of every index,
  // compared on every seek. A FIFO message's life (insert, deduplication claim, receive mark,
  // group read, delete) spent about a fifth of its SQLite time on them. An id is given when a
  // queue is first created and stays with its name (rows here are never deleted), so a queue
  // deleted and created again has the same id, as its rows had the same key before.
  `CREATE TABLE sqs_queue_ids (
    id         INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    region     TEXT NOT NULL,
    name       TEXT NOT NULL,
    UNIQUE (account_id, region, name)
  );
  INSERT INTO sqs_queue_ids (account_id, region, name)
    SELECT account_id, region, name FROM sqs_queues
    UNION SELECT account_id, region, queue FROM sqs_messages
    UNION SELECT account_id, region, queue FROM sqs_dedup
    UNION SELECT account_id, region, queue FROM sqs_receive_attempts
    ORDER BY 1, 2, 3;
  CREATE TABLE sqs_messages_by_id (
    queue_id          INTEGER NOT NULL,
    message_id        TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    body              TEXT    NOT NULL,
    attributes        TEXT,
    system_attributes TEXT,
    md5_body          TEXT    NOT NULL,
    sender_id         TEXT    NOT NULL,
    sent_at           INTEGER NOT NULL,
    visible_at        INTEGER NOT NULL,
    receive_count     INTEGER NOT NULL DEFAULT 0,
    first_receive     INTEGER,
    received_at       INTEGER,
    receipt_id        TEXT,
    group_id          TEXT,
    dedup_id          TEXT,
    sequence_number   TEXT,
    dlq_source_arn    TEXT,
    UNIQUE (queue_id, message_id)
  );
  INSERT INTO sqs_messages_by_id SELECT q.id, m.message_id, m.seq, m.body, m.attributes, m.system_attributes, m.md5_body, m.sender_id,
    m.sent_at, m.visible_at, m.receive_count, m.first_receive, m.received_at, m.receipt_id, m.group_id, m.dedup_id, m.sequence_number, m.dlq_source_arn
    FROM sqs_messages m JOIN sqs_queue_ids q ON q.account_id = m.account_id AND q.region = m.region AND q.name = m.queue
    ORDER BY q.id, m.seq;
  DROP TABLE sqs_messages;
  ALTER TABLE sqs_messages_by_id RENAME TO sqs_messages;
  CREATE INDEX sqs_messages_by_visibility ON sqs_messages (queue_id, visible_at, seq);
  CREATE INDEX sqs_messages_by_seq ON sqs_messages (queue_id, seq);
  CREATE INDEX sqs_messages_by_sent ON sqs_messages (queue_id, sent_at);
  CREATE INDEX sqs_messages_by_group ON sqs_messages (queue_id, group_id, seq) WHERE group_id IS NOT NULL;
  CREATE TABLE sqs_dedup_by_id (
    queue_id        INTEGER NOT NULL,
    dedup_key       TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    sequence_number TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL,
    PRIMARY KEY (queue_id, dedup_key)
  ) WITHOUT ROWID;
  INSERT INTO sqs_dedup_by_id SELECT q.id, d.dedup_key, d.message_id, d.sequence_number, d.expires_at
    FROM sqs_dedup d JOIN sqs_queue_ids q ON q.account_id = d.account_id AND q.region = d.region AND q.name = d.queue;
  DROP TABLE sqs_dedup;
  ALTER TABLE sqs_dedup_by_id RENAME TO sqs_dedup;
  CREATE TABLE sqs_receive_attempts_by_id (
    queue_id   INTEGER NOT NULL,
    attempt_id TEXT    NOT NULL,
    receipts   TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (queue_id, attempt_id)
  ) WITHOUT ROWID;
  INSERT INTO sqs_receive_attempts_by_id SELECT q.id, a.attempt_id, a.receipts, a.expires_at
    FROM sqs_receive_attempts a JOIN sqs_queue_ids q ON q.account_id = a.account_id AND q.region = a.region AND q.name = a.queue;
  DROP TABLE sqs_receive_attempts;
  ALTER TABLE sqs_receive_attempts_by_id RENAME TO sqs_receive_attempts;`,
  // A deleted queue's id and move tasks go with it (deleteQueue): kept, every queue name a
  // long-running Nimbus had ever seen stayed in sqs_queue_ids and in memory, and every redrive
  // in sqs_move_tasks. What earlier versions left behind goes here: ids no queue and no row
  // uses, move tasks of queues that no longer exist.
  `DELETE FROM sqs_queue_ids WHERE NOT EXISTS (SELECT 1 FROM sqs_queues q WHERE q.account_id = sqs_queue_ids.account_id AND q.region = sqs_queue_ids.region AND q.name = sqs_queue_ids.name)
     AND NOT EXISTS (SELECT 1 FROM sqs_messages m WHERE m.queue_id = sqs_queue_ids.id)
     AND NOT EXISTS (SELECT 1 FROM sqs_dedup d WHERE d.queue_id = sqs_queue_ids.id)
     AND NOT EXISTS (SELECT 1 FROM sqs_receive_attempts a WHERE a.queue_id = sqs_queue_ids.id);
   DELETE FROM sqs_move_tasks WHERE NOT EXISTS (SELECT 1 FROM sqs_queues q WHERE q.account_id = sqs_move_tasks.account_id AND q.region = sqs_move_tasks.region AND q.name = sqs_move_tasks.source_queue);`,
];

export interface QueueRef {
  readonly account: string;
  readonly region: string;
  readonly name: string;
}

export interface Queue extends QueueRef {
  readonly fifo: boolean;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly createdAt: number;
  readonly modifiedAt: number;
  readonly purgedAt: number | undefined;
  readonly lastSequence: string | undefined;
}

export interface StoredMessage {
  readonly messageId: string;
  readonly seq: number;
  readonly body: string;
  readonly attributes: Record<string, MessageAttributeValue> | undefined;
  readonly systemAttributes: Record<string, MessageAttributeValue> | undefined;
  readonly md5Body: string;
  readonly senderId: string;
  readonly sentAt: number;
  readonly visibleAt: number;
  readonly receiveCount: number;
  readonly firstReceive: number | undefined;
  readonly receivedAt: number | undefined;
  readonly receiptId: string | undefined;
  readonly groupId: string | undefined;
  readonly dedupId: string | undefined;
  readonly sequenceNumber: string | undefined;
  readonly dlqSourceArn: string | undefined;
}

export type NewMessage = Omit<StoredMessage, "seq" | "receiveCount" | "firstReceive" | "receivedAt" | "receiptId"> & {
  readonly receiveCount?: number;
};

/** A FIFO send recorded for deduplication: what a duplicate of it answers, until `expiresAt`. */
export interface DedupEntry {
  readonly messageId: string;
  readonly sequenceNumber: string;
  readonly expiresAt: number;
}

export interface ReceiveAttempt {
  readonly receipts: ReadonlyArray<{ messageId: string; receiveId: string; receivedAt: number }>;
  readonly expiresAt: number;
}

export interface MessageCounts {
  visible: number;
  delayed: number;
  inFlight: number;
}

interface QueueRow {
  account_id: string;
  region: string;
  name: string;
  fifo: number;
  attributes: string;
  tags: string;
  created_at: number;
  modified_at: number;
  purged_at: number | null;
  last_sequence: string | null;
}

/**
 * A message row as better-sqlite3's raw mode gives it: the values of MESSAGE_COLUMNS in order.
 * Arrays, because building an object with seventeen named properties per row cost more than
 * reading the row (a ten-message receive spent half its read there).
 */
type MessageValues = [
  messageId: string,
  seq: number,
  body: string,
  attributes: string | null,
  systemAttributes: string | null,
  md5Body: string,
  senderId: string,
  sentAt: number,
  visibleAt: number,
  receiveCount: number,
  firstReceive: number | null,
  receivedAt: number | null,
  receiptId: string | null,
  groupId: string | null,
  dedupId: string | null,
  sequenceNumber: string | null,
  dlqSourceArn: string | null,
];

const MESSAGE_COLUMNS =
  "message_id, seq, body, attributes, system_attributes, md5_body, sender_id, sent_at, visible_at, receive_count, first_receive, received_at, receipt_id, group_id, dedup_id, sequence_number, dlq_source_arn";

type StoredAttributeJson = { DataType: string; StringValue?: string; BinaryValue?: string };

function encodeAttributes(attributes: Record<string, MessageAttributeValue> | undefined): string | null {
  if (attributes === undefined || Object.keys(attributes).length === 0) return null;
  const out: Record<string, StoredAttributeJson> = {};
  for (const [name, a] of Object.entries(attributes)) {
    setOwn(out, name, {
      DataType: a.DataType,
      ...(a.StringValue !== undefined ? { StringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { BinaryValue: Buffer.from(a.BinaryValue).toString("base64") } : {}),
    });
  }
  return JSON.stringify(out);
}

function decodeAttributes(text: string | null): Record<string, MessageAttributeValue> | undefined {
  if (text === null) return undefined;
  const parsed = JSON.parse(text) as Record<string, StoredAttributeJson>;
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, a] of Object.entries(parsed)) {
    setOwn(out, name, {
      DataType: a.DataType,
      ...(a.StringValue !== undefined ? { StringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { BinaryValue: Buffer.from(a.BinaryValue, "base64") } : {}),
    });
  }
  return out;
}

function toQueue(row: QueueRow): Queue {
  return {
    account: row.account_id,
    region: row.region,
    name: row.name,
    fifo: row.fifo === 1,
    attributes: JSON.parse(row.attributes) as Record<string, string>,
    tags: JSON.parse(row.tags) as Record<string, string>,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    purgedAt: row.purged_at ?? undefined,
    lastSequence: row.last_sequence ?? undefined,
  };
}

/** Who holds a message now: the receive that took it last and when it becomes visible again. */
export interface DeliveryState {
  readonly receiptId: string | null;
  readonly visibleAt: number;
}

function toMessage(v: MessageValues): StoredMessage {
  return {
    messageId: v[0],
    seq: v[1],
    body: v[2],
    attributes: decodeAttributes(v[3]),
    systemAttributes: decodeAttributes(v[4]),
    md5Body: v[5],
    senderId: v[6],
    sentAt: v[7],
    visibleAt: v[8],
    receiveCount: v[9],
    firstReceive: v[10] ?? undefined,
    receivedAt: v[11] ?? undefined,
    receiptId: v[12] ?? undefined,
    groupId: v[13] ?? undefined,
    dedupId: v[14] ?? undefined,
    sequenceNumber: v[15] ?? undefined,
    dlqSourceArn: v[16] ?? undefined,
  };
}

const KEY = "account_id = ? AND region = ? AND name = ?";
/** A queue's rows in the message tables: by its integer id (sqs_queue_ids), not its three-part name. */
const MKEY = "queue_id = ?";

/**
 * A LIMIT for the SQL text instead of a bound `?`: SQLite (3.53) reads a bound LIMIT while it
 * plans, so binding it again expires the statement and every run re-prepared it, which cost a
 * receive's query 10-15 µs, several times the query itself. The limits are small integers
 * (MaxNumberOfMessages, a move task's rate), so each has its own cached statement.
 */
function limitClause(limit: number): string {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`sqs store: LIMIT ${limit} is not a count`);
  return `LIMIT ${limit}`;
}

/** `?, ?, ?` for an IN list of `count` values: one cached statement per count (batches hold up to 10). */
function placeholders(count: number): string {
  return count === 1 ? "?" : `${"?, ".repeat(count - 1)}?`;
}

/**
 * The SQL texts that differ only by a count (a LIMIT, an IN list, the rows of an INSERT), each
 * built once per count: building one anew and hashing it for the statement cache on every call
 * cost 0.6-1.5 µs, as much as running a small statement.
 */
function byCount(build: (count: number) => string): (count: number) => string {
  const built: string[] = [];
  return (count) => (built[count] ??= build(count));
}

const INSERT_MESSAGES = byCount(
  (rows) => `INSERT INTO sqs_messages (queue_id, message_id, seq, body, attributes, system_attributes, md5_body, sender_id,
     sent_at, visible_at, receive_count, group_id, dedup_id, sequence_number, dlq_source_arn)
   VALUES ${new Array<string>(rows).fill(`(${placeholders(15)})`).join(", ")}`,
);
const VISIBLE_MESSAGES = byCount(
  (limit) => `SELECT ${MESSAGE_COLUMNS} FROM sqs_messages WHERE ${MKEY} AND visible_at <= ? AND sent_at > ? ORDER BY visible_at, seq ${limitClause(limit)}`,
);
const GROUP_MESSAGES = byCount(
  (limit) => `SELECT ${MESSAGE_COLUMNS} FROM sqs_messages INDEXED BY sqs_messages_by_group
   WHERE ${MKEY} AND group_id = ? AND sent_at > ? ORDER BY seq ${limitClause(limit)}`,
);
const MESSAGES_UP_TO = byCount((limit) => `SELECT ${MESSAGE_COLUMNS} FROM sqs_messages WHERE ${MKEY} AND seq <= ? ORDER BY seq ${limitClause(limit)}`);
const MARK_RECEIVED = byCount(
  (count) => `UPDATE sqs_messages SET receive_count = receive_count + 1, first_receive = COALESCE(first_receive, ?), received_at = ?, receipt_id = ?, visible_at = ?
   WHERE ${MKEY} AND message_id IN (${placeholders(count)})`,
);
const DELETE_MESSAGES = byCount((count) => `DELETE FROM sqs_messages WHERE ${MKEY} AND message_id IN (${placeholders(count)})`);
// The message id picks the row (its unique key; `+visible_at` keeps the planner off the
// visibility index); the receipt id holds each message to the receive its handle names.
const DELETE_DELIVERIES = byCount(
  (count) => `DELETE FROM sqs_messages WHERE ${MKEY} AND message_id IN (${placeholders(count)}) AND receipt_id = ? AND +visible_at > ?`,
);
const PRESENT_MESSAGES = byCount((count) => `SELECT message_id FROM sqs_messages WHERE ${MKEY} AND message_id IN (${placeholders(count)})`);

/** Move tasks kept per source queue: as many as ListMessageMoveTasks can list (MaxResults 1-10). */
const MOVE_TASKS_KEPT = 10;

/** What qid answers for a queue name never created: no row of the message tables has it. */
const NO_QUEUE = 0;

function key(ref: QueueRef): [string, string, string] {
  return [ref.account, ref.region, ref.name];
}

export class SqsStore {
  readonly db: Database;
  /** Statements compiled once per SQL text (requests run the same ones over and over). */
  private readonly prepare: Database["prepare"];
  readonly waiters = new QueueWaiters();
  /** Cancels the scheduled steps of running move tasks, by handle (in-process, like the waiters). */
  readonly moveTaskTimers = new Map<string, () => void>();

  constructor(readonly state: StateLayer) {
    state.migrate("sqs", SQS_MIGRATIONS);
    this.db = state.db;
    this.prepare = cachedPrepare(state.db);
  }

  /**
   * The batch in progress: the queues whose waiters are woken once it has committed, and the
   * last FIFO sequence number it gave out per queue, written to the queue rows once, before
   * it commits, instead of once per message.
   */
  private batching: { woken: Set<string>; lastSequences: Map<string, { ref: QueueRef; sequence: string }> } | undefined;

  /** Queues as last read, so a request, and each send of a batch, does not read and parse its queue's row again. */
  private readonly queueCache = new RowCache<Queue>();

  /** The heads of the FIFO message groups of each queue a receive has read, in step with the writes here. */
  private readonly groupHeads = new GroupHeads();

  /** The FIFO messages in flight of each queue a receive has read, by group, in step with the writes here. */
  private readonly inFlight = new InFlightGroups();

  /** How many messages each queue holds and, near the in-flight quota, which are in flight, in step with the writes here. */
  private readonly inFlightCount = new InFlightCount<QueueRef>({
    size: (ref) => this.countMessages(ref),
    inFlight: (ref, now) =>
      this.prepare<[number, number], [string, number]>(
        `SELECT message_id, visible_at FROM sqs_messages WHERE ${MKEY} AND visible_at > ? AND received_at IS NOT NULL`,
      )
        .raw(true)
        .all(this.qid(ref), now),
  });

  /**
   * The integer ids of queues (sqs_queue_ids), by queueKey. An id is given when a queue is
   * created and goes, here and in the table, when it is deleted, with every row that used it;
   * a queue created again under the name gets a new one. A read inside a transaction that then
   * fails could have seen an id that rolled back, and `guard` forgets them all then.
   */
  private readonly queueIds = new Map<string, number>();

  /** The id of a queue's rows in the message tables; NO_QUEUE (which matches none) for a name never created. */
  private qid(ref: QueueRef): number {
    const memoKey = queueKey(ref);
    const cached = this.queueIds.get(memoKey);
    if (cached !== undefined) return cached;
    const id = this.prepare<[string, string, string], number>(`SELECT id FROM sqs_queue_ids WHERE ${KEY}`).pluck().get(...key(ref));
    if (id === undefined) return NO_QUEUE;
    this.queueIds.set(memoKey, id);
    return id;
  }

  /** The in-memory views of a queue's messages, dropped on writes they do not follow. */
  private forgetMessages(ref: QueueRef): void {
    this.groupHeads.forget(queueKey(ref));
    this.inFlight.forget(queueKey(ref));
  }

  private forgetQueue(ref: QueueRef): void {
    // What the batch has not written yet would be read back stale from the row.
    this.writeLastSequences();
    this.queueCache.forget(queueKey(ref));
  }

  /** Runs a transaction (or a step of one); when it fails, the caches forget what its writes changed. */
  private guard<T>(run: () => T): T {
    try {
      return this.queueCache.guard(run);
    } catch (error) {
      this.queueIds.clear();
      this.groupHeads.clear();
      this.inFlight.clear();
      this.inFlightCount.clear();
      throw error;
    }
  }

  /** A transaction; inside `batch`, the batch's own (no savepoint per entry). */
  transaction<T>(fn: () => T): T {
    if (!this.batching) return this.guard(() => this.state.transaction(fn));
    return this.guard(() => {
      try {
        return fn();
      } catch (error) {
        // The entry fails alone and the cache forgets every queue (guard): write the batch's
        // sequence numbers first, so that the next entry does not read an older one back.
        this.writeLastSequences();
        throw error;
      }
    });
  }

  /**
   * The entries of a batch operation in one transaction instead of one each. An entry may fail
   * on its own (it becomes a `Failed` row) only because every message operation throws before
   * it writes: validation, a missing message, an expired receipt. Long polls are woken after
   * the commit, so none runs inside the batch.
   */
  batch<T>(fn: () => T): T {
    if (this.batching) return fn();
    const batching = { woken: new Set<string>(), lastSequences: new Map<string, { ref: QueueRef; sequence: string }>() };
    this.batching = batching;
    let result: T;
    try {
      result = this.guard(() =>
        this.state.transaction(() => {
          const out = fn();
          this.writeLastSequences();
          return out;
        }),
      );
    } finally {
      this.batching = undefined;
    }
    for (const queue of batching.woken) this.waiters.notify(queue);
    return result;
  }

  /** Wakes the long polls of a queue: now, or when the batch in progress commits. */
  notify(queue: string): void {
    if (this.batching) this.batching.woken.add(queue);
    else this.waiters.notify(queue);
  }

  // ---- queues ------------------------------------------------------------------------------

  getQueue(ref: QueueRef): Queue | undefined {
    return this.queueCache.get(queueKey(ref), () => {
      const row = this.prepare<[string, string, string], QueueRow>(`SELECT * FROM sqs_queues WHERE ${KEY}`).get(...key(ref));
      if (row === undefined) return undefined;
      const queue = toQueue(row);
      Object.freeze(queue.attributes);
      Object.freeze(queue.tags);
      return queue;
    });
  }

  insertQueue(queue: Omit<Queue, "purgedAt" | "lastSequence">): void {
    this.forgetQueue(queue);
    this.prepare(
        "INSERT INTO sqs_queues (account_id, region, name, fifo, attributes, tags, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(queue.account, queue.region, queue.name, queue.fifo ? 1 : 0, JSON.stringify(queue.attributes), JSON.stringify(queue.tags), queue.createdAt, queue.modifiedAt);
    this.prepare(`DELETE FROM sqs_deleted_queues WHERE ${KEY}`).run(...key(queue));
    this.prepare("INSERT INTO sqs_queue_ids (account_id, region, name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING").run(...key(queue));
  }

  updateQueueAttributes(ref: QueueRef, attributes: Record<string, string>, modifiedAt: number): void {
    this.forgetQueue(ref);
    this.prepare(`UPDATE sqs_queues SET attributes = ?, modified_at = ? WHERE ${KEY}`).run(JSON.stringify(attributes), modifiedAt, ...key(ref));
  }

  updateQueueTags(ref: QueueRef, tags: Record<string, string>): void {
    this.forgetQueue(ref);
    this.prepare(`UPDATE sqs_queues SET tags = ? WHERE ${KEY}`).run(JSON.stringify(tags), ...key(ref));
  }

  setPurgedAt(ref: QueueRef, at: number): void {
    this.forgetQueue(ref);
    this.prepare(`UPDATE sqs_queues SET purged_at = ? WHERE ${KEY}`).run(at, ...key(ref));
  }

  setLastSequence(ref: QueueRef, sequence: string): void {
    const memoKey = queueKey(ref);
    // Every FIFO send changes this one column: the cached queue follows instead of being read again.
    const cached = this.queueCache.replace(memoKey, (queue) => ({ ...{}, ...queue, lastSequence: sequence }));
    // In a batch the cached queue is what the next entries read, and the row is written once.
    if (cached && this.batching) {
      this.batching.lastSequences.set(memoKey, { ref, sequence });
      return;
    }
    this.batching?.lastSequences.delete(memoKey);
    this.writeLastSequence(ref, sequence);
  }

  /** Writes the sequence numbers the batch in progress gave out and has not written yet. */
  private writeLastSequences(): void {
    if (this.batching === undefined) return;
    for (const { ref, sequence } of this.batching.lastSequences.values()) this.writeLastSequence(ref, sequence);
    this.batching.lastSequences.clear();
  }

  private writeLastSequence(ref: QueueRef, sequence: string): void {
    this.prepare(`UPDATE sqs_queues SET last_sequence = ? WHERE ${KEY}`).run(sequence, ...key(ref));
  }

  /** Deletes a queue with every row of it; answers the handles of its move tasks, whose scheduled steps the caller stops once this has committed. */
  deleteQueue(ref: QueueRef, now: number): string[] {
    this.forgetQueue(ref);
    this.lastSeq.delete(queueKey(ref));
    this.forgetMessages(ref);
    this.inFlightCount.forget(queueKey(ref));
    this.prepare(`DELETE FROM sqs_messages WHERE ${MKEY}`).run(this.qid(ref));
    this.prepare(`DELETE FROM sqs_dedup WHERE ${MKEY}`).run(this.qid(ref));
    this.prepare(`DELETE FROM sqs_receive_attempts WHERE ${MKEY}`).run(this.qid(ref));
    this.prepare(`DELETE FROM sqs_queues WHERE ${KEY}`).run(...key(ref));
    // Its redrives go with it.
    const handles = this.prepare<[string, string, string], string>(
      "DELETE FROM sqs_move_tasks WHERE account_id = ? AND region = ? AND source_queue = ? RETURNING handle",
    ).pluck().all(...key(ref));
    // No row uses the id any more; a queue created again under the name gets a new one.
    this.prepare(`DELETE FROM sqs_queue_ids WHERE ${KEY}`).run(...key(ref));
    this.queueIds.delete(queueKey(ref));
    this.prepare("INSERT INTO sqs_deleted_queues (account_id, region, name, deleted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET deleted_at = excluded.deleted_at")
      .run(...key(ref), now);
    return handles;
  }

  deletedAt(ref: QueueRef): number | undefined {
    const row = this.prepare<[string, string, string], { deleted_at: number }>(`SELECT deleted_at FROM sqs_deleted_queues WHERE ${KEY}`).get(...key(ref));
    return row?.deleted_at;
  }

  /** Forgets the queues deleted at or before `before`: their names are free again (the retention sweep). */
  pruneDeletedQueues(before: number): number {
    return this.prepare("DELETE FROM sqs_deleted_queues WHERE deleted_at <= ?").run(before).changes;
  }

  /** Queue names of one account and region, sorted, starting with `prefix`. */
  listQueues(account: string, region: string, prefix: string): Queue[] {
    return this.prepare<[string, string], QueueRow>("SELECT * FROM sqs_queues WHERE account_id = ? AND region = ? ORDER BY name")
      .all(account, region)
      .filter((r) => r.name.startsWith(prefix))
      .map(toQueue);
  }

  /** Every queue of every account and region (the retention sweep). */
  allQueues(): Queue[] {
    return this.prepare<[], QueueRow>("SELECT * FROM sqs_queues").all().map(toQueue);
  }

  // ---- messages ----------------------------------------------------------------------------

  /**
   * The last `seq` given to a message of each queue. Sends order messages by it and a move task
   * moves the messages up to the one it started at, so it only has to grow within a queue;
   * it is read back from the queue on first use instead of written to the queue row on every
   * send (that write was a third of the cost of a single send).
   */
  private readonly lastSeq = new Map<string, number>();

  private nextSeq(ref: QueueRef): number {
    const memoKey = queueKey(ref);
    let last = this.lastSeq.get(memoKey);
    if (last === undefined) {
      // message_counter is what sends kept before; a move task's last_seq covers the messages it already moved away.
      const counter = this.prepare<[string, string, string], number>(`SELECT message_counter FROM sqs_queues WHERE ${KEY}`).pluck().get(...key(ref));
      const moved = this.prepare<[string, string, string], number | null>(
        "SELECT MAX(last_seq) FROM sqs_move_tasks WHERE account_id = ? AND region = ? AND source_queue = ?",
      ).pluck().get(...key(ref));
      last = Math.max(this.maxSeq(ref), counter ?? 0, moved ?? 0);
    }
    last += 1;
    this.lastSeq.set(memoKey, last);
    return last;
  }

  insertMessage(ref: QueueRef, message: NewMessage): void {
    this.insertMessages(ref, [message]);
  }

  /**
   * Messages of one queue, in order, in one INSERT: a SendMessageBatch's (one statement per
   * message cost ~1 µs more per message, and more on a FIFO queue).
   */
  insertMessages(ref: QueueRef, messages: readonly NewMessage[]): void {
    if (messages.length === 0) return;
    const memoKey = queueKey(ref);
    const id = this.qid(ref);
    if (id === NO_QUEUE) throw new Error(`sqs store: ${memoKey} has no queue id: messages only go to a queue that exists`);
    const values: unknown[] = [];
    const groups: Array<[string, GroupHead]> = [];
    for (const message of messages) {
      const seq = this.nextSeq(ref);
      if (message.groupId !== undefined) groups.push([message.groupId, { seq, messageId: message.messageId }]);
      values.push(
        id,
        message.messageId,
        seq,
        message.body,
        encodeAttributes(message.attributes),
        encodeAttributes(message.systemAttributes),
        message.md5Body,
        message.senderId,
        message.sentAt,
        message.visibleAt,
        message.receiveCount ?? 0,
        message.groupId ?? null,
        message.dedupId ?? null,
        message.sequenceNumber ?? null,
        message.dlqSourceArn ?? null,
      );
    }
    this.prepare(INSERT_MESSAGES(messages.length)).run(...values);
    for (const [group, head] of groups) this.groupHeads.inserted(memoKey, group, head);
    this.inFlightCount.inserted(memoKey, messages.length);
  }

  /** A statement reading whole messages (as MessageValues), `rest` being what follows `FROM sqs_messages`. */
  private messages<P extends unknown[]>(rest: string) {
    return this.prepare<P, MessageValues>(`SELECT ${MESSAGE_COLUMNS} FROM sqs_messages ${rest}`).raw(true);
  }

  getMessage(ref: QueueRef, messageId: string): StoredMessage | undefined {
    const row = this.messages<[number, string]>(`WHERE ${MKEY} AND message_id = ?`).get(this.qid(ref), messageId);
    return row === undefined ? undefined : toMessage(row);
  }

  /** What a delete or a visibility change checks a receipt handle against; not the whole message. */
  deliveryState(ref: QueueRef, messageId: string): DeliveryState | undefined {
    return this.prepare<[number, string], DeliveryState>(
      `SELECT receipt_id AS receiptId, visible_at AS visibleAt FROM sqs_messages WHERE ${MKEY} AND message_id = ?`,
    ).get(this.qid(ref), messageId);
  }

  /**
   * Up to `limit` visible messages of a standard queue, the longest visible first (then in send
   * order): the order of the visibility index, so a receive reads `limit` rows however long the
   * backlog is. (Ordering by send order alone sorted every visible message on each receive.)
   */
  visibleMessages(ref: QueueRef, now: number, limit: number, sentAfter: number): StoredMessage[] {
    return this.prepare<[number, number, number], MessageValues>(VISIBLE_MESSAGES(limit))
      .raw(true)
      .all(this.qid(ref), now, sentAfter)
      .map(toMessage);
  }

  /**
   * The message groups of a FIFO queue, in the order of their oldest message: from the heads
   * kept in step with the writes (group-heads.ts), which reads a head again only after its
   * message was deleted. Loading them is a skip scan of the group index, one seek per group
   * for its id and one for its oldest message, so a backlog of a million messages in a few
   * groups costs a few seeks, not a million rows.
   */
  fifoGroups(ref: QueueRef): string[] {
    const toHead = (row: [number, string] | undefined): GroupHead | undefined => (row === undefined ? undefined : { seq: row[0], messageId: row[1] });
    return this.groupHeads.ordered(
      queueKey(ref),
      () => {
        const id = this.qid(ref);
        return this.prepare<[number, number, number, number], [string, number, string]>(
          `WITH RECURSIVE grp(id) AS (
             SELECT MIN(group_id) FROM sqs_messages WHERE ${MKEY} AND group_id IS NOT NULL
             UNION ALL
             SELECT (SELECT MIN(group_id) FROM sqs_messages WHERE ${MKEY} AND group_id > grp.id) FROM grp WHERE grp.id IS NOT NULL
           )
           SELECT id,
             (SELECT seq FROM sqs_messages INDEXED BY sqs_messages_by_group WHERE ${MKEY} AND group_id = grp.id ORDER BY seq LIMIT 1),
             (SELECT message_id FROM sqs_messages INDEXED BY sqs_messages_by_group WHERE ${MKEY} AND group_id = grp.id ORDER BY seq LIMIT 1)
           FROM grp WHERE id IS NOT NULL`,
        )
          .raw(true)
          .all(id, id, id, id)
          .map(([group, seq, messageId]) => [group, { seq, messageId }] as const);
      },
      (group) =>
        toHead(
          this.prepare<[number, string], [number, string]>(
            `SELECT seq, message_id FROM sqs_messages INDEXED BY sqs_messages_by_group WHERE ${MKEY} AND group_id = ? ORDER BY seq LIMIT 1`,
          )
            .raw(true)
            .get(this.qid(ref), group),
        ),
    );
  }

  /**
   * The groups of a FIFO queue whose head (as `fifoGroups` last read it) is in flight: received,
   * not yet visible again. A group whose head is not known is not locked here; a receive stops
   * at its first message not visible anyway.
   */
  fifoLockedAt(ref: QueueRef, now: number): (group: string) => boolean {
    const key = queueKey(ref);
    const headLocked = this.inFlight.lockedAt(key, now, () =>
      this.prepare<[number, number], [string, string, number]>(
        `SELECT message_id, group_id, visible_at FROM sqs_messages WHERE ${MKEY} AND visible_at > ? AND group_id IS NOT NULL AND received_at IS NOT NULL`,
      )
        .raw(true)
        .all(this.qid(ref), now)
        .map(([messageId, group, visibleAt]): InFlightMessage => ({ messageId, group, visibleAt })),
    );
    return (group) => {
      const head = this.groupHeads.head(key, group);
      return head !== undefined && headLocked(group, head.messageId);
    };
  }

  /** The first `limit` messages of one message group sent after `sentAfter`, in send order. */
  groupMessages(ref: QueueRef, group: string, sentAfter: number, limit: number): StoredMessage[] {
    return this.prepare<[number, string, number], MessageValues>(GROUP_MESSAGES(limit))
      .raw(true)
      .all(this.qid(ref), group, sentAfter)
      .map(toMessage);
  }

  /** When the next hidden (delayed or in-flight) message becomes visible. */
  nextVisibleAt(ref: QueueRef, now: number): number | undefined {
    const row = this.prepare<[number, number], { at: number | null }>(`SELECT MIN(visible_at) AS at FROM sqs_messages WHERE ${MKEY} AND visible_at > ?`)
      .get(this.qid(ref), now);
    return row?.at ?? undefined;
  }

  /**
   * One receive takes these messages: one statement for all of them (one per message cost
   * ~1 µs more per message), all under the receive's id.
   */
  markReceived(ref: QueueRef, messages: readonly Pick<StoredMessage, "messageId" | "groupId">[], at: { now: number; visibleAt: number; receiptId: string }): void {
    if (messages.length === 0) return;
    const ids = messages.map((m) => m.messageId);
    this.prepare(MARK_RECEIVED(messages.length)).run(at.now, at.now, at.receiptId, at.visibleAt, this.qid(ref), ...ids);
    const memoKey = queueKey(ref);
    this.inFlight.received(memoKey, messages, at.visibleAt);
    this.inFlightCount.received(memoKey, ids, at.visibleAt);
  }

  /**
   * A message moved to a standard dead-letter queue keeps the time it was first received from
   * its source queue (a receive sets first_receive only while it is unset).
   */
  setFirstReceive(ref: QueueRef, messageId: string, at: number): void {
    this.prepare(`UPDATE sqs_messages SET first_receive = ? WHERE ${MKEY} AND message_id = ?`).run(at, this.qid(ref), messageId);
  }

  /** A received message's new visibility time (ChangeMessageVisibility). */
  setVisibleAt(ref: QueueRef, messageId: string, visibleAt: number): void {
    this.prepare(`UPDATE sqs_messages SET visible_at = ? WHERE ${MKEY} AND message_id = ?`).run(visibleAt, this.qid(ref), messageId);
    const memoKey = queueKey(ref);
    this.inFlight.changed(memoKey, messageId, visibleAt);
    this.inFlightCount.changed(memoKey, messageId, visibleAt);
  }

  /** FIFO DelaySeconds changes apply to messages never received: visible at send time + delay. */
  redelayUnreceived(ref: QueueRef, delayMs: number): void {
    this.prepare(`UPDATE sqs_messages SET visible_at = sent_at + ? WHERE ${MKEY} AND received_at IS NULL AND dlq_source_arn IS NULL`).run(delayMs, this.qid(ref));
  }

  deleteMessage(ref: QueueRef, messageId: string): void {
    const deleted = this.prepare(`DELETE FROM sqs_messages WHERE ${MKEY} AND message_id = ?`).run(this.qid(ref), messageId).changes;
    const memoKey = queueKey(ref);
    this.groupHeads.deleted(memoKey, messageId);
    this.inFlight.deleted(memoKey, messageId);
    if (deleted > 0) this.inFlightCount.deletedMessage(memoKey, messageId);
  }

  /** Deletes messages in one statement, those of a standard queue's DeleteMessageBatch (any handle deletes there). */
  deleteMessages(ref: QueueRef, messageIds: readonly string[]): void {
    if (messageIds.length === 0) return;
    const deleted = this.prepare(DELETE_MESSAGES(messageIds.length)).run(this.qid(ref), ...messageIds).changes;
    this.forgetMessages(ref);
    this.inFlightCount.deleted(queueKey(ref), messageIds, deleted);
  }

  /**
   * Deletes a message only while the receive `receiptId` holds it (in flight under that receive,
   * the FIFO rule for a receipt handle); true if it did.
   */
  deleteDelivery(ref: QueueRef, messageId: string, receiptId: string, now: number): boolean {
    const deleted = this.prepare(`DELETE FROM sqs_messages WHERE ${MKEY} AND message_id = ? AND receipt_id = ? AND visible_at > ?`)
      .run(this.qid(ref), messageId, receiptId, now).changes > 0;
    if (deleted) {
      const memoKey = queueKey(ref);
      this.groupHeads.deleted(memoKey, messageId);
      this.inFlight.deleted(memoKey, messageId);
      this.inFlightCount.deletedMessage(memoKey, messageId);
    }
    return deleted;
  }

  /**
   * deleteDelivery for many messages (a FIFO queue's DeleteMessageBatch): one statement per
   * receive the handles name, usually one. Answers how many it deleted and which of the named
   * messages are still in the queue, their deliveries over; any other is gone, now or before.
   * (A statement per message cost ~1 µs more per message; a CASE over the receipts and a
   * RETURNING clause each cost another.)
   */
  deleteDeliveries(ref: QueueRef, deliveries: ReadonlyMap<string, string>, now: number): { deleted: number; remaining: string[] } {
    if (deliveries.size === 0) return { deleted: 0, remaining: [] };
    const byReceipt = new Map<string, string[]>();
    for (const [messageId, receiptId] of deliveries) {
      const ids = byReceipt.get(receiptId);
      if (ids === undefined) byReceipt.set(receiptId, [messageId]);
      else ids.push(messageId);
    }
    let deleted = 0;
    for (const [receiptId, ids] of byReceipt) deleted += this.prepare(DELETE_DELIVERIES(ids.length)).run(this.qid(ref), ...ids, receiptId, now).changes;
    const remaining = deleted === deliveries.size ? [] : this.prepare<unknown[], string>(PRESENT_MESSAGES(deliveries.size)).pluck().all(this.qid(ref), ...deliveries.keys());
    const memoKey = queueKey(ref);
    const gone: string[] = [];
    for (const messageId of deliveries.keys()) {
      if (remaining.includes(messageId)) continue;
      this.groupHeads.deleted(memoKey, messageId);
      this.inFlight.deleted(memoKey, messageId);
      gone.push(messageId);
    }
    this.inFlightCount.deleted(memoKey, gone, deleted);
    return { deleted, remaining };
  }

  /** PurgeQueue: every message sent before the purge. */
  purgeMessages(ref: QueueRef, sentBefore: number): number {
    this.forgetMessages(ref);
    const purged = this.prepare(`DELETE FROM sqs_messages WHERE ${MKEY} AND sent_at <= ?`).run(this.qid(ref), sentBefore).changes;
    this.inFlightCount.removed(queueKey(ref), purged);
    return purged;
  }

  /** Retention: messages older than the queue's MessageRetentionPeriod are gone. */
  expireMessages(ref: QueueRef, now: number, retentionMs: number): number {
    this.forgetMessages(ref);
    const expired = this.prepare(`DELETE FROM sqs_messages WHERE ${MKEY} AND sent_at <= ?`).run(this.qid(ref), now - retentionMs).changes;
    this.inFlightCount.removed(queueKey(ref), expired);
    return expired;
  }

  /**
   * How many of `wanted` more messages of a queue may go in flight at `now` under the in-flight
   * quota `limit`: `wanted` while the queue holds fewer than `limit - wanted` messages (the
   * usual case, a comparison), else from the messages in flight kept in memory (in-flight-count.ts).
   * In flight means what ApproximateNumberOfMessagesNotVisible counts less the delayed messages:
   * received and not visible again yet.
   */
  inFlightRoom(ref: QueueRef, now: number, limit: number, wanted: number): number {
    return this.inFlightCount.room(queueKey(ref), ref, now, limit, wanted);
  }

  counts(ref: QueueRef, now: number): MessageCounts {
    const row = this.prepare<[number, number, number, number], { visible: number | null; delayed: number | null; in_flight: number | null }>(
        `SELECT SUM(visible_at <= ?) AS visible,
                SUM(visible_at > ? AND received_at IS NULL) AS delayed,
                SUM(visible_at > ? AND received_at IS NOT NULL) AS in_flight
         FROM sqs_messages WHERE ${MKEY}`,
      )
      .get(now, now, now, this.qid(ref));
    return { visible: row?.visible ?? 0, delayed: row?.delayed ?? 0, inFlight: row?.in_flight ?? 0 };
  }

  // ---- FIFO deduplication ------------------------------------------------------------------

  /**
   * Records an accepted send under its deduplication key, unless a send within the
   * deduplication interval holds the key (its entry has not expired: `expires_at > now`); then
   * this send is its duplicate, nothing is written, and the earlier send's entry is returned.
   * One statement for a send that is no duplicate, instead of a read and then a write.
   */
  claimDedup(ref: QueueRef, dedupKey: string, entry: DedupEntry, now: number): DedupEntry | undefined {
    const claimed = this.prepare(
        `INSERT INTO sqs_dedup (queue_id, dedup_key, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET message_id = excluded.message_id, sequence_number = excluded.sequence_number, expires_at = excluded.expires_at
         WHERE sqs_dedup.expires_at <= ?`,
      )
      .run(this.qid(ref), dedupKey, entry.messageId, entry.sequenceNumber, entry.expiresAt, now).changes > 0;
    if (claimed) return undefined;
    const row = this.prepare<[number, string], { message_id: string; sequence_number: string; expires_at: number }>(
        `SELECT message_id, sequence_number, expires_at FROM sqs_dedup WHERE ${MKEY} AND dedup_key = ?`,
      )
      .get(this.qid(ref), dedupKey);
    if (row === undefined) throw new Error(`sqs store: deduplication key of ${queueKey(ref)} neither claimed nor held`);
    return { messageId: row.message_id, sequenceNumber: row.sequence_number, expiresAt: row.expires_at };
  }

  // ---- message move tasks (redrive out of a dead-letter queue) ------------------------------

  insertMoveTask(task: MoveTask): void {
    this.prepare(
        `INSERT INTO sqs_move_tasks (account_id, region, handle, source_queue, destination_arn, rate, status, moved, to_move, last_seq, started_at, failure_reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(task.account, task.region, task.handle, task.sourceQueue, task.destinationArn ?? null, task.rate ?? null, task.status, task.moved, task.toMove, task.lastSeq, task.startedAt, task.failureReason ?? null);
    // ListMessageMoveTasks shows "the most recent message movement tasks (up to 10)" (API
    // reference): older ended ones are never read again. A running one stays (nextSeq reads its last_seq).
    this.prepare(
        `DELETE FROM sqs_move_tasks WHERE account_id = ? AND region = ? AND source_queue = ? AND status <> 'RUNNING' AND handle NOT IN
           (SELECT handle FROM sqs_move_tasks WHERE account_id = ? AND region = ? AND source_queue = ? ORDER BY started_at DESC, handle LIMIT ${MOVE_TASKS_KEPT})`,
      )
      .run(task.account, task.region, task.sourceQueue, task.account, task.region, task.sourceQueue);
  }

  getMoveTask(account: string, region: string, handle: string): MoveTask | undefined {
    const row = this.prepare<[string, string, string], MoveTaskRow>("SELECT * FROM sqs_move_tasks WHERE account_id = ? AND region = ? AND handle = ?").get(account, region, handle);
    return row === undefined ? undefined : toMoveTask(row);
  }

  updateMoveTask(task: Pick<MoveTask, "account" | "region" | "handle" | "status" | "moved" | "failureReason">): void {
    this.prepare("UPDATE sqs_move_tasks SET status = ?, moved = ?, failure_reason = ? WHERE account_id = ? AND region = ? AND handle = ?")
      .run(task.status, task.moved, task.failureReason ?? null, task.account, task.region, task.handle);
  }

  /** Most recent first. */
  moveTasksOf(ref: QueueRef): MoveTask[] {
    return this.prepare<[string, string, string], MoveTaskRow>("SELECT * FROM sqs_move_tasks WHERE account_id = ? AND region = ? AND source_queue = ? ORDER BY started_at DESC, handle")
      .all(...key(ref))
      .map(toMoveTask);
  }

  runningMoveTasks(): MoveTask[] {
    return this.prepare<[], MoveTaskRow>("SELECT * FROM sqs_move_tasks WHERE status = 'RUNNING'").all().map(toMoveTask);
  }

  /** Messages of a queue up to a sequence position, oldest first. */
  messagesUpTo(ref: QueueRef, lastSeq: number, limit: number): StoredMessage[] {
    return this.prepare<[number, number], MessageValues>(MESSAGES_UP_TO(limit))
      .raw(true)
      .all(this.qid(ref), lastSeq)
      .map(toMessage);
  }

  maxSeq(ref: QueueRef): number {
    return this.prepare<[number], { seq: number | null }>(`SELECT MAX(seq) AS seq FROM sqs_messages WHERE ${MKEY}`).get(this.qid(ref))?.seq ?? 0;
  }

  countMessages(ref: QueueRef): number {
    return this.prepare<[number], { n: number }>(`SELECT COUNT(*) AS n FROM sqs_messages WHERE ${MKEY}`).get(this.qid(ref))?.n ?? 0;
  }

  pruneDedup(now: number): number {
    const attempts = this.prepare("DELETE FROM sqs_receive_attempts WHERE expires_at <= ?").run(now).changes;
    return attempts + this.prepare("DELETE FROM sqs_dedup WHERE expires_at <= ?").run(now).changes;
  }

  // ---- FIFO receive attempts ---------------------------------------------------------------

  getReceiveAttempt(ref: QueueRef, attemptId: string): ReceiveAttempt | undefined {
    const row = this.prepare<[number, string], { receipts: string; expires_at: number }>(
        `SELECT receipts, expires_at FROM sqs_receive_attempts WHERE ${MKEY} AND attempt_id = ?`,
      )
      .get(this.qid(ref), attemptId);
    return row === undefined ? undefined : { receipts: JSON.parse(row.receipts) as ReceiveAttempt["receipts"], expiresAt: row.expires_at };
  }

  putReceiveAttempt(ref: QueueRef, attemptId: string, attempt: ReceiveAttempt): void {
    this.prepare(
        `INSERT INTO sqs_receive_attempts (queue_id, attempt_id, receipts, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET receipts = excluded.receipts, expires_at = excluded.expires_at`,
      )
      .run(this.qid(ref), attemptId, JSON.stringify(attempt.receipts), attempt.expiresAt);
  }
}

export interface MoveTask {
  readonly account: string;
  readonly region: string;
  readonly handle: string;
  /** The dead-letter queue messages move out of. */
  readonly sourceQueue: string;
  readonly destinationArn: string | undefined;
  readonly rate: number | undefined;
  readonly status: "RUNNING" | "COMPLETED" | "CANCELLING" | "CANCELLED" | "FAILED";
  readonly moved: number;
  readonly toMove: number;
  /** Only messages already in the queue when the task started move (seq <= lastSeq). */
  readonly lastSeq: number;
  readonly startedAt: number;
  readonly failureReason: string | undefined;
}

interface MoveTaskRow {
  account_id: string;
  region: string;
  handle: string;
  source_queue: string;
  destination_arn: string | null;
  rate: number | null;
  status: MoveTask["status"];
  moved: number;
  to_move: number;
  last_seq: number;
  started_at: number;
  failure_reason: string | null;
}

function toMoveTask(row: MoveTaskRow): MoveTask {
  return {
    account: row.account_id,
    region: row.region,
    handle: row.handle,
    sourceQueue: row.source_queue,
    destinationArn: row.destination_arn ?? undefined,
    rate: row.rate ?? undefined,
    status: row.status,
    moved: row.moved,
    toMove: row.to_move,
    lastSeq: row.last_seq,
    startedAt: row.started_at,
    failureReason: row.failure_reason ?? undefined,
  };
}

export function queueKey(ref: QueueRef): string {
  return `${ref.account}\u0000${ref.region}\u0000${ref.name}`;
}
