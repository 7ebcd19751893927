/**
 * SNS state: topics, subscriptions and the FIFO publish deduplication records, keyed by
 * (account, region); mobile push, SMS settings, the outbox, pending HTTP/S retries, and FIFO
 * topics' message archives and replays in their own repositories. A thin repository: rules live
 * in the handlers and the domain modules.
 */
import type { Logger } from "../../server/logger.js";
import { cachedPrepare, type PreparedStatements, type StateLayer } from "../../state/database.js";
import { deepFreeze, RowCache } from "../../state/row-cache.js";
import { ArchiveStore, ARCHIVE_MIGRATION } from "./archive-store.js";
import { devSigningIdentity, type SigningIdentity } from "./domain/signing.js";
import { Outbox, OUTBOX_MIGRATION } from "./outbox.js";
import { PlatformStore, PLATFORM_MIGRATION } from "./platform.js";
import { HttpRetryStore, HTTP_RETRY_MIGRATION, HTTP_RETRY_NOTIFICATION_MIGRATION, HTTP_RETRY_THROTTLE_MIGRATION } from "./retry-store.js";
import { SmsStore, SMS_MIGRATION, SMS_SANDBOX_MIGRATION } from "./sms.js";
import { DeliveryThrottle } from "./throttle.js";

/** Whether a topic row is a FIFO topic, as toTopic decides it (the FifoTopic attribute). */
const FIFO_SQL = "(json_extract(attributes, '$.FifoTopic') IS 'true')";

export const SNS_MIGRATIONS: readonly string[] = [
  `CREATE TABLE sns_topics (
    account_id    TEXT    NOT NULL,
    region        TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    attributes    TEXT    NOT NULL,
    tags          TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_sequence TEXT,
    deleted_subscriptions INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, region, name)
  ) WITHOUT ROWID;
  CREATE TABLE sns_subscriptions (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    topic      TEXT    NOT NULL,
    protocol   TEXT    NOT NULL,
    endpoint   TEXT    NOT NULL,
    owner      TEXT    NOT NULL,
    attributes TEXT    NOT NULL,
    confirmed  INTEGER NOT NULL,
    token      TEXT,
    created_at INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, id)
  ) WITHOUT ROWID;
  CREATE INDEX sns_subscriptions_by_topic ON sns_subscriptions (account_id, region, topic, seq);
  CREATE TABLE sns_dedup (
    account_id      TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    topic           TEXT    NOT NULL,
    dedup_id        TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    sequence_number TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, topic, dedup_id)
  ) WITHOUT ROWID;`,
  // 2: mobile push applications and endpoints, SMS settings and opt-outs, and the outbox of
  // texts, pushes and emails that one machine records instead of sending.
  `${PLATFORM_MIGRATION}
  ${SMS_MIGRATION}
  ${OUTBOX_MIGRATION}`,
  // 3: HTTP/S deliveries waiting for a retry, so that a restart resumes them.
  HTTP_RETRY_MIGRATION,
  // 4: what a retried notification's delivery status record names.
  HTTP_RETRY_NOTIFICATION_MIGRATION,
  // 5: the throttle policy rate a waiting or retried HTTP/S delivery is sent at.
  HTTP_RETRY_THROTTLE_MIGRATION,
  // 6: destination phone numbers of the SMS sandbox and their one-time passwords.
  SMS_SANDBOX_MIGRATION,
  // 7: HTTP/S subscriptions unsubscribed, by the token of their UnsubscribeConfirmation, which
  // ConfirmSubscription takes to restore them.
  `CREATE TABLE sns_unsubscribed (
    account_id   TEXT    NOT NULL,
    region       TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    token        TEXT    NOT NULL,
    subscription TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, topic, token)
  ) WITHOUT ROWID;`,
  // 8: FIFO topics' message archives and subscriptions' replays, and since when each topic has
  // archived (BeginningArchiveTime never goes back before it; null: no ArchivePolicy).
  `${ARCHIVE_MIGRATION}
  ALTER TABLE sns_topics ADD COLUMN archive_since INTEGER;`,
  // 9: how many standard and FIFO topics each account owns in each Region, kept with every
  // insert and delete of a topic, so CreateTopic checks its quota (quotas.ts) without counting
  // up to 100,000 rows; counted once here for the topics an older data dir already has.
  `CREATE TABLE sns_topic_counts (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    fifo       INTEGER NOT NULL,
    topics     INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, fifo)
  ) WITHOUT ROWID;
  INSERT INTO sns_topic_counts (account_id, region, fifo, topics)
    SELECT account_id, region, ${FIFO_SQL}, COUNT(*) FROM sns_topics GROUP BY 1, 2, 3;`,
];

export interface TopicRef {
  readonly account: string;
  readonly region: string;
  readonly name: string;
}

export interface Topic extends TopicRef {
  readonly fifo: boolean;
  readonly attributes: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly createdAt: number;
  readonly lastSequence: string | undefined;
  readonly deletedSubscriptions: number;
  /** Since when the topic's ArchivePolicy has archived its messages; undefined without one. */
  readonly archiveSince: number | undefined;
}

export interface Subscription {
  readonly account: string;
  readonly region: string;
  readonly id: string;
  readonly topic: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly owner: string;
  readonly attributes: Record<string, string>;
  readonly confirmed: boolean;
  readonly token: string | undefined;
  /** Its place in the order subscriptions were made (the List* calls page by it). */
  readonly seq: number;
}

/** A subscription before the store has placed it. */
export type NewSubscription = Omit<Subscription, "seq">;

interface TopicRow {
  account_id: string;
  region: string;
  name: string;
  attributes: string;
  tags: string;
  created_at: number;
  last_sequence: string | null;
  deleted_subscriptions: number;
  archive_since: number | null;
}

interface SubscriptionRow {
  account_id: string;
  region: string;
  id: string;
  topic: string;
  protocol: string;
  endpoint: string;
  owner: string;
  attributes: string;
  confirmed: number;
  token: string | null;
  seq: number;
}

function toTopic(row: TopicRow): Topic {
  const attributes = JSON.parse(row.attributes) as Record<string, string>;
  return {
    account: row.account_id,
    region: row.region,
    name: row.name,
    fifo: attributes.FifoTopic === "true",
    attributes,
    tags: JSON.parse(row.tags) as Record<string, string>,
    createdAt: row.created_at,
    lastSequence: row.last_sequence ?? undefined,
    deletedSubscriptions: row.deleted_subscriptions,
    archiveSince: row.archive_since ?? undefined,
  };
}

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    account: row.account_id,
    region: row.region,
    id: row.id,
    topic: row.topic,
    protocol: row.protocol,
    endpoint: row.endpoint,
    owner: row.owner,
    attributes: JSON.parse(row.attributes) as Record<string, string>,
    confirmed: row.confirmed === 1,
    token: row.token ?? undefined,
    seq: row.seq,
  };
}

const TKEY = "account_id = ? AND region = ? AND name = ?";

function topicKey(ref: TopicRef): string {
  return `${ref.account}\u0000${ref.region}\u0000${ref.name}`;
}

/** Topics whose subscription lists are kept at once; past it the longest-held goes. */
const TOPICS_CACHED = 1_000;

export class SnsStore {
  /** Statements prepared once each: Publish reads the topic and its subscriptions every time. */
  readonly db: PreparedStatements;
  readonly platform: PlatformStore;
  readonly sms: SmsStore;
  readonly outbox: Outbox;
  readonly retries: HttpRetryStore;
  readonly archive: ArchiveStore;
  /** The HTTP/S subscriptions' throttle policy slots (in memory: who sent when in the last second). */
  readonly throttle = new DeliveryThrottle();
  /** Set as shutdown begins: HTTP/S answers that arrive later leave the database alone. */
  closing = false;
  private seq = 0;
  private signing: SigningIdentity | undefined;

  constructor(
    readonly state: StateLayer,
    /** Nimbus's log, for what goes wrong after Publish has answered (delivery status logs). */
    readonly logger?: Logger,
  ) {
    state.migrate("sns", SNS_MIGRATIONS);
    this.db = { prepare: cachedPrepare(state.db) };
    this.platform = new PlatformStore(this.db);
    this.sms = new SmsStore(this.db);
    this.outbox = new Outbox(this.db);
    this.retries = new HttpRetryStore(this.db);
    this.archive = new ArchiveStore(this.db);
    const row = this.db.prepare<[], { seq: number | null }>("SELECT MAX(seq) AS seq FROM sns_subscriptions").get();
    this.seq = row?.seq ?? 0;
  }

  /** The key that signs notifications (the built-in development identity), parsed on first use. */
  signingIdentity(): SigningIdentity {
    this.signing ??= devSigningIdentity();
    return this.signing;
  }

  /**
   * Each topic's subscriptions as last read (every Publish walks them), kept in step with the
   * writes here: a write forgets its topic's list, a failed transaction every list.
   */
  private readonly topicSubscriptions = new RowCache<readonly Subscription[]>(TOPICS_CACHED);

  transaction<T>(fn: () => T): T {
    return this.topicSubscriptions.guard(() => this.state.transaction(fn));
  }

  private forgetSubscriptions(account: string, region: string, topic: string): void {
    this.topicSubscriptions.forget(topicKey({ account, region, name: topic }));
  }

  getTopic(ref: TopicRef): Topic | undefined {
    const row = this.db.prepare<[string, string, string], TopicRow>(`SELECT * FROM sns_topics WHERE ${TKEY}`).get(ref.account, ref.region, ref.name);
    return row === undefined ? undefined : toTopic(row);
  }

  insertTopic(ref: TopicRef, attributes: Record<string, string>, tags: Record<string, string>, createdAt: number): void {
    this.db
      .prepare("INSERT INTO sns_topics (account_id, region, name, attributes, tags, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(ref.account, ref.region, ref.name, JSON.stringify(attributes), JSON.stringify(tags), createdAt);
    this.countTopics(ref, attributes.FifoTopic === "true", 1);
  }

  /** How many topics of a kind (FIFO or standard) the account owns in the Region. */
  topicCount(account: string, region: string, fifo: boolean): number {
    const row = this.db
      .prepare<[string, string, number], { topics: number }>("SELECT topics FROM sns_topic_counts WHERE account_id = ? AND region = ? AND fifo = ?")
      .get(account, region, fifo ? 1 : 0);
    return row?.topics ?? 0;
  }

  /** Keeps sns_topic_counts in step with sns_topics; called in the same transaction as the row's write. */
  private countTopics(ref: TopicRef, fifo: boolean, delta: 1 | -1): void {
    this.db
      .prepare("INSERT INTO sns_topic_counts (account_id, region, fifo, topics) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET topics = topics + excluded.topics")
      .run(ref.account, ref.region, fifo ? 1 : 0, delta);
  }

  updateTopicAttributes(ref: TopicRef, attributes: Record<string, string>): void {
    this.db.prepare(`UPDATE sns_topics SET attributes = ? WHERE ${TKEY}`).run(JSON.stringify(attributes), ref.account, ref.region, ref.name);
  }

  /** Records since when the topic archives its messages (undefined: it no longer does). */
  setArchiveSince(ref: TopicRef, since: number | undefined): void {
    this.db.prepare(`UPDATE sns_topics SET archive_since = ? WHERE ${TKEY}`).run(since ?? null, ref.account, ref.region, ref.name);
  }

  updateTopicTags(ref: TopicRef, tags: Record<string, string>): void {
    this.db.prepare(`UPDATE sns_topics SET tags = ? WHERE ${TKEY}`).run(JSON.stringify(tags), ref.account, ref.region, ref.name);
  }

  setLastSequence(ref: TopicRef, sequence: string): void {
    this.db.prepare(`UPDATE sns_topics SET last_sequence = ? WHERE ${TKEY}`).run(sequence, ref.account, ref.region, ref.name);
  }

  deleteTopic(ref: TopicRef): void {
    this.forgetSubscriptions(ref.account, ref.region, ref.name);
    this.db.prepare("DELETE FROM sns_subscriptions WHERE account_id = ? AND region = ? AND topic = ?").run(ref.account, ref.region, ref.name);
    this.db.prepare("DELETE FROM sns_dedup WHERE account_id = ? AND region = ? AND topic = ?").run(ref.account, ref.region, ref.name);
    this.db.prepare("DELETE FROM sns_unsubscribed WHERE account_id = ? AND region = ? AND topic = ?").run(ref.account, ref.region, ref.name);
    this.archive.deleteTopic(ref);
    // DeleteTopic is idempotent: only a topic that was there frees a place in its quota.
    const deleted = this.db
      .prepare<[string, string, string], { fifo: number }>(`DELETE FROM sns_topics WHERE ${TKEY} RETURNING ${FIFO_SQL} AS fifo`)
      .get(ref.account, ref.region, ref.name);
    if (deleted !== undefined) this.countTopics(ref, deleted.fifo === 1, -1);
  }

  listTopics(account: string, region: string): Topic[] {
    return this.db.prepare<[string, string], TopicRow>("SELECT * FROM sns_topics WHERE account_id = ? AND region = ? ORDER BY name").all(account, region).map(toTopic);
  }

  insertSubscription(sub: NewSubscription, createdAt: number): Subscription {
    this.forgetSubscriptions(sub.account, sub.region, sub.topic);
    this.seq += 1;
    this.db
      .prepare(
        `INSERT INTO sns_subscriptions (account_id, region, id, topic, protocol, endpoint, owner, attributes, confirmed, token, created_at, seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(sub.account, sub.region, sub.id, sub.topic, sub.protocol, sub.endpoint, sub.owner, JSON.stringify(sub.attributes), sub.confirmed ? 1 : 0, sub.token ?? null, createdAt, this.seq);
    return { ...{}, ...sub, seq: this.seq };
  }

  getSubscription(account: string, region: string, id: string): Subscription | undefined {
    const row = this.db.prepare<[string, string, string], SubscriptionRow>("SELECT * FROM sns_subscriptions WHERE account_id = ? AND region = ? AND id = ?").get(account, region, id);
    return row === undefined ? undefined : toSubscription(row);
  }

  hasSubscription(account: string, region: string, subscriptionArn: string): boolean {
    const id = subscriptionArn.slice(subscriptionArn.lastIndexOf(":") + 1);
    return this.db.prepare<[string, string, string], { one: number }>("SELECT 1 AS one FROM sns_subscriptions WHERE account_id = ? AND region = ? AND id = ?").get(account, region, id) !== undefined;
  }

  updateSubscription(sub: Subscription): void {
    this.forgetSubscriptions(sub.account, sub.region, sub.topic);
    this.db
      .prepare("UPDATE sns_subscriptions SET attributes = ?, confirmed = ?, token = ? WHERE account_id = ? AND region = ? AND id = ?")
      .run(JSON.stringify(sub.attributes), sub.confirmed ? 1 : 0, sub.token ?? null, sub.account, sub.region, sub.id);
  }

  deleteSubscription(sub: Subscription): void {
    this.forgetSubscriptions(sub.account, sub.region, sub.topic);
    this.db.prepare("DELETE FROM sns_subscriptions WHERE account_id = ? AND region = ? AND id = ?").run(sub.account, sub.region, sub.id);
    this.archive.deleteReplay(sub.account, sub.region, sub.id);
    this.db
      .prepare(`UPDATE sns_topics SET deleted_subscriptions = deleted_subscriptions + 1 WHERE ${TKEY}`)
      .run(sub.account, sub.region, sub.topic);
  }

  /**
   * Forgets the subscriptions still pending confirmation that were made at or before `before`,
   * of one topic or (without `ref`) of every topic. They were never confirmed, so they do not
   * count as deleted (SubscriptionsDeleted).
   */
  dropUnconfirmed(before: number, ref?: TopicRef): number {
    if (ref === undefined) {
      const dropped = this.db.prepare("DELETE FROM sns_subscriptions WHERE confirmed = 0 AND created_at <= ?").run(before).changes;
      if (dropped > 0) this.topicSubscriptions.clear();
      return dropped;
    }
    const dropped = this.db
      .prepare("DELETE FROM sns_subscriptions WHERE account_id = ? AND region = ? AND topic = ? AND confirmed = 0 AND created_at <= ?")
      .run(ref.account, ref.region, ref.name, before).changes;
    if (dropped > 0) this.forgetSubscriptions(ref.account, ref.region, ref.name);
    return dropped;
  }

  /** Keeps an unsubscribed subscription under the token that can restore it (see takeUnsubscribed). */
  keepUnsubscribed(sub: Subscription, token: string, now: number): void {
    this.db
      .prepare("INSERT INTO sns_unsubscribed (account_id, region, topic, token, subscription, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(sub.account, sub.region, sub.topic, token, JSON.stringify(sub), now);
  }

  /**
   * The unsubscribed subscription `token` restores, of any topic of the account in the region,
   * forgotten as it is handed out (a token names its subscription: see confirmSubscription).
   */
  takeUnsubscribed(account: string, region: string, token: string, keptAfter: number): NewSubscription | undefined {
    const row = this.db
      .prepare<[string, string, string, number], { subscription: string }>(
        "DELETE FROM sns_unsubscribed WHERE account_id = ? AND region = ? AND token = ? AND created_at > ? RETURNING subscription",
      )
      .get(account, region, token, keptAfter);
    return row === undefined ? undefined : (JSON.parse(row.subscription) as NewSubscription);
  }

  /** Forgets the unsubscribed subscriptions kept at or before `before`: their tokens no longer restore them (the sweep). */
  dropUnsubscribed(before: number): number {
    return this.db.prepare("DELETE FROM sns_unsubscribed WHERE created_at <= ?").run(before).changes;
  }

  /** The subscription, pending or confirmed, whose confirmation token is `token`, of any topic of the account in the region. */
  subscriptionByToken(account: string, region: string, token: string): Subscription | undefined {
    const row = this.db
      .prepare<[string, string, string], SubscriptionRow>("SELECT * FROM sns_subscriptions WHERE account_id = ? AND region = ? AND token = ?")
      .get(account, region, token);
    return row === undefined ? undefined : toSubscription(row);
  }

  /** The topic's subscriptions, oldest first; shared and frozen: never change one in place. */
  subscriptionsOf(ref: TopicRef): readonly Subscription[] {
    return (
      this.topicSubscriptions.get(topicKey(ref), () =>
        this.db
          .prepare<[string, string, string], SubscriptionRow>("SELECT * FROM sns_subscriptions WHERE account_id = ? AND region = ? AND topic = ? ORDER BY seq")
          .all(ref.account, ref.region, ref.name)
          .map((row) => deepFreeze(toSubscription(row))),
      ) ?? []
    );
  }

  allSubscriptions(account: string, region: string): Subscription[] {
    return this.db
      .prepare<[string, string], SubscriptionRow>("SELECT * FROM sns_subscriptions WHERE account_id = ? AND region = ? ORDER BY seq")
      .all(account, region)
      .map(toSubscription);
  }

  getDedup(ref: TopicRef, dedupId: string): { messageId: string; sequenceNumber: string; expiresAt: number } | undefined {
    const row = this.db
      .prepare<[string, string, string, string], { message_id: string; sequence_number: string; expires_at: number }>(
        "SELECT message_id, sequence_number, expires_at FROM sns_dedup WHERE account_id = ? AND region = ? AND topic = ? AND dedup_id = ?",
      )
      .get(ref.account, ref.region, ref.name, dedupId);
    return row === undefined ? undefined : { messageId: row.message_id, sequenceNumber: row.sequence_number, expiresAt: row.expires_at };
  }

  putDedup(ref: TopicRef, dedupId: string, entry: { messageId: string; sequenceNumber: string; expiresAt: number }): void {
    this.db
      .prepare(
        `INSERT INTO sns_dedup (account_id, region, topic, dedup_id, message_id, sequence_number, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT DO UPDATE SET message_id = excluded.message_id, sequence_number = excluded.sequence_number, expires_at = excluded.expires_at`,
      )
      .run(ref.account, ref.region, ref.name, dedupId, entry.messageId, entry.sequenceNumber, entry.expiresAt);
  }

  /** Forgets a publish's deduplication record, unless a later publish of the same id has replaced it. */
  forgetDedup(ref: TopicRef, dedupId: string, messageId: string): void {
    this.db
      .prepare("DELETE FROM sns_dedup WHERE account_id = ? AND region = ? AND topic = ? AND dedup_id = ? AND message_id = ?")
      .run(ref.account, ref.region, ref.name, dedupId, messageId);
  }

  pruneDedup(now: number): number {
    return this.db.prepare("DELETE FROM sns_dedup WHERE expires_at <= ?").run(now).changes;
  }
}
