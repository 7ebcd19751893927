/**
 * FIFO topics' message archives and subscriptions' replays, in the database so that both outlive
 * a restart (domain/archive.ts has the rules, replay.ts runs a replay).
 *
 * The archive keeps one copy of each message published to a topic with an ArchivePolicy, as the
 * publish made it: the message after the topic's inbound data protection, its attributes, its
 * FIFO ids and sequence number, and when it was published, since "A replayed message retains the
 * same content, MessageId, and Timestamp as the original". A row expires its retention period
 * after its publish; the SNS sweep deletes expired rows, and reads skip them before that.
 *
 * A replay is one row per subscription (a new ReplayPolicy replaces it: "Starting a replay will
 * replace the existing replay"): its window, its ReplayStatus, and the sequence number of the
 * last archived message it handed on, so that a restarted Nimbus resumes it after that message.
 */
import type { PreparedStatements } from "../../state/database.js";
import { DAY_MS, type ReplayWindow } from "./domain/archive.js";
import type { SnsMessageAttributes } from "./domain/messages.js";
import { attributesForRecord, attributesFromRecord } from "./outbox.js";

// Archived messages are often a KiB or more: a rowid table with the key as a unique index (state/database.ts).
// FIFO sequence numbers are 20-digit decimals (nextTopicSequenceNumber), so their text order is their order.
export const ARCHIVE_MIGRATION = `CREATE TABLE sns_archive (
    account_id      TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    topic           TEXT    NOT NULL,
    sequence_number TEXT    NOT NULL,
    published_at    INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    message         TEXT    NOT NULL
  );
  CREATE UNIQUE INDEX sns_archive_by_topic ON sns_archive (account_id, region, topic, sequence_number);
  CREATE INDEX sns_archive_by_expiry ON sns_archive (expires_at);
  CREATE TABLE sns_replays (
    account_id     TEXT    NOT NULL,
    region         TEXT    NOT NULL,
    subscription   TEXT    NOT NULL,
    topic          TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    starting_point INTEGER NOT NULL,
    ending_point   INTEGER,
    status         TEXT    NOT NULL,
    cursor         TEXT,
    created_at     INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, subscription)
  ) WITHOUT ROWID;
  CREATE INDEX sns_replays_by_topic ON sns_replays (account_id, region, topic);`;

/** One archived message: what a delivery needs, with the publish's own time and ids. */
export interface ArchivedMessage {
  readonly messageId: string;
  readonly sequenceNumber: string;
  readonly messageGroupId: string;
  readonly messageDeduplicationId: string | undefined;
  /** Epoch ms of the publish: the replayed notification's Timestamp, and what a replay window selects on. */
  readonly publishedAt: number;
  readonly message: string;
  readonly structured: Record<string, string> | undefined;
  readonly subject: string | undefined;
  readonly attributes: SnsMessageAttributes | undefined;
  readonly traceHeader: string | undefined;
}

/**
 * ReplayStatus, spelled as the API reference lists the values (Subscribe, Attributes): "Pending –
 * The default state while the replay initiates", "In progress", "Completed", "Failed – The replay
 * was unable to complete".
 */
export type ReplayStatus = "Pending" | "In progress" | "Completed" | "Failed";

export interface Replay extends ReplayWindow {
  readonly account: string;
  readonly region: string;
  /** The subscription's id (the last part of its ARN). */
  readonly subscription: string;
  readonly topic: string;
  /** Tells this replay from the one a later ReplayPolicy starts on the same subscription. */
  readonly id: string;
  readonly status: ReplayStatus;
  /** Sequence number of the last archived message handed on; undefined before the first. */
  readonly cursor: string | undefined;
}

/** A replay still to run: Pending or In progress. */
export function isActive(replay: Pick<Replay, "status">): boolean {
  return replay.status === "Pending" || replay.status === "In progress";
}

interface TopicKey {
  readonly account: string;
  readonly region: string;
  readonly name: string;
}

interface StoredMessage {
  messageId: string;
  messageGroupId: string;
  messageDeduplicationId?: string;
  message: string;
  structured?: Record<string, string>;
  subject?: string;
  attributes?: Record<string, Record<string, string>>;
  traceHeader?: string;
}

interface ArchiveRow {
  sequence_number: string;
  published_at: number;
  message: string;
}

interface ReplayRow {
  account_id: string;
  region: string;
  subscription: string;
  topic: string;
  id: string;
  starting_point: number;
  ending_point: number | null;
  status: string;
  cursor: string | null;
}

function encodeMessage(message: ArchivedMessage): string {
  const attributes = attributesForRecord(message.attributes);
  const stored: StoredMessage = {
    messageId: message.messageId,
    messageGroupId: message.messageGroupId,
    ...(message.messageDeduplicationId !== undefined ? { messageDeduplicationId: message.messageDeduplicationId } : {}),
    message: message.message,
    ...(message.structured !== undefined ? { structured: message.structured } : {}),
    ...(message.subject !== undefined ? { subject: message.subject } : {}),
    ...(attributes !== undefined ? { attributes } : {}),
    ...(message.traceHeader !== undefined ? { traceHeader: message.traceHeader } : {}),
  };
  return JSON.stringify(stored);
}

function toArchivedMessage(row: ArchiveRow): ArchivedMessage {
  const stored = JSON.parse(row.message) as StoredMessage;
  return {
    messageId: stored.messageId,
    sequenceNumber: row.sequence_number,
    messageGroupId: stored.messageGroupId,
    messageDeduplicationId: stored.messageDeduplicationId,
    publishedAt: row.published_at,
    message: stored.message,
    structured: stored.structured,
    subject: stored.subject,
    attributes: stored.attributes === undefined ? undefined : attributesFromRecord(stored.attributes),
    traceHeader: stored.traceHeader,
  };
}

function toReplay(row: ReplayRow): Replay {
  return {
    account: row.account_id,
    region: row.region,
    subscription: row.subscription,
    topic: row.topic,
    id: row.id,
    start: row.starting_point,
    end: row.ending_point ?? undefined,
    status: row.status as ReplayStatus,
    cursor: row.cursor ?? undefined,
  };
}

const TOPIC = "account_id = ? AND region = ? AND topic = ?";
const SUBSCRIPTION = "account_id = ? AND region = ? AND subscription = ?";

export class ArchiveStore {
  constructor(private readonly db: PreparedStatements) {}

  /** Archives a message published to the topic, to expire at `expiresAt`. */
  archive(ref: TopicKey, message: ArchivedMessage, expiresAt: number): void {
    this.db
      .prepare("INSERT INTO sns_archive (account_id, region, topic, sequence_number, published_at, expires_at, message) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(ref.account, ref.region, ref.name, message.sequenceNumber, message.publishedAt, expiresAt, encodeMessage(message));
  }

  /**
   * Up to `limit` unexpired messages of the topic's archive published within `window`, after the
   * sequence number `after` (from the start without it), in publish order.
   */
  page(ref: TopicKey, window: ReplayWindow, after: string | undefined, now: number, limit: number): ArchivedMessage[] {
    return this.db
      .prepare<[string, string, string, string, number, number, number, number], ArchiveRow>(
        `SELECT sequence_number, published_at, message FROM sns_archive
         WHERE ${TOPIC} AND sequence_number > ? AND published_at >= ? AND published_at <= ? AND expires_at > ?
         ORDER BY sequence_number LIMIT ?`,
      )
      .all(ref.account, ref.region, ref.name, after ?? "", window.start, window.end ?? Number.MAX_SAFE_INTEGER, now, limit)
      .map(toArchivedMessage);
  }

  /** A new retention period applies to the messages already archived too, counted from each publish. */
  retain(ref: TopicKey, retentionDays: number): void {
    this.db.prepare(`UPDATE sns_archive SET expires_at = published_at + ? WHERE ${TOPIC}`).run(retentionDays * DAY_MS, ref.account, ref.region, ref.name);
  }

  /** Deletes the topic's whole archive (its ArchivePolicy was deactivated). */
  clear(ref: TopicKey): void {
    this.db.prepare(`DELETE FROM sns_archive WHERE ${TOPIC}`).run(ref.account, ref.region, ref.name);
  }

  /** Deletes the messages whose retention period is over; returns how many. */
  prune(now: number): number {
    return this.db.prepare("DELETE FROM sns_archive WHERE expires_at <= ?").run(now).changes;
  }

  /** Starts a replay on its subscription, replacing the one it had. */
  startReplay(replay: Replay, now: number): void {
    this.db
      .prepare(
        `INSERT INTO sns_replays (account_id, region, subscription, topic, id, starting_point, ending_point, status, cursor, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET topic = excluded.topic, id = excluded.id, starting_point = excluded.starting_point, ending_point = excluded.ending_point,
           status = excluded.status, cursor = excluded.cursor, created_at = excluded.created_at`,
      )
      .run(replay.account, replay.region, replay.subscription, replay.topic, replay.id, replay.start, replay.end ?? null, replay.status, replay.cursor ?? null, now);
  }

  getReplay(account: string, region: string, subscription: string): Replay | undefined {
    const row = this.db.prepare<[string, string, string], ReplayRow>(`SELECT * FROM sns_replays WHERE ${SUBSCRIPTION}`).get(account, region, subscription);
    return row === undefined ? undefined : toReplay(row);
  }

  /** The topic's replays by subscription id (every FIFO publish asks which subscriptions are replaying). */
  replaysOf(ref: TopicKey): Map<string, Replay> {
    const rows = this.db.prepare<[string, string, string], ReplayRow>(`SELECT * FROM sns_replays WHERE ${TOPIC}`).all(ref.account, ref.region, ref.name);
    return new Map(rows.map((row) => [row.subscription, toReplay(row)]));
  }

  /** Replays still to run (Pending or In progress), of every account and region: resumed at start. */
  activeReplays(): Replay[] {
    return this.db
      .prepare<[], ReplayRow>("SELECT * FROM sns_replays WHERE status IN ('Pending', 'In progress') ORDER BY created_at")
      .all()
      .map(toReplay);
  }

  /**
   * Records a running replay's progress; false once it is no longer running: replaced by a new
   * ReplayPolicy, removed, or failed (its topic's archive was deleted).
   */
  updateReplay(replay: Pick<Replay, "account" | "region" | "subscription" | "id">, status: ReplayStatus, cursor: string | undefined): boolean {
    return (
      this.db
        .prepare(`UPDATE sns_replays SET status = ?, cursor = ? WHERE ${SUBSCRIPTION} AND id = ? AND status IN ('Pending', 'In progress')`)
        .run(status, cursor ?? null, replay.account, replay.region, replay.subscription, replay.id).changes === 1
    );
  }

  deleteReplay(account: string, region: string, subscription: string): void {
    this.db.prepare(`DELETE FROM sns_replays WHERE ${SUBSCRIPTION}`).run(account, region, subscription);
  }

  /** The topic's archive is gone: its replays still running cannot complete. */
  failActiveReplays(ref: TopicKey): void {
    this.db.prepare(`UPDATE sns_replays SET status = 'Failed' WHERE ${TOPIC} AND status IN ('Pending', 'In progress')`).run(ref.account, ref.region, ref.name);
  }

  /** Forgets the topic's archive and replays (DeleteTopic). */
  deleteTopic(ref: TopicKey): void {
    this.clear(ref);
    this.db.prepare(`DELETE FROM sns_replays WHERE ${TOPIC}`).run(ref.account, ref.region, ref.name);
  }
}
