/**
 * HTTP/S deliveries waiting for their next retry, kept in the database so that a restarted
 * Nimbus resumes them (retry.ts). A row holds what the next attempt needs without looking
 * anything up again: the exact POST (headers and body, as the first attempt sent them), the
 * policy's retry schedule, the attempts sent so far, when the next step is due, and what the
 * dead-letter queue gets once the retries are used up, and what the delivery status log needs
 * to describe the outcome, and the subscription's throttle policy rate. Rows are scoped by the
 * subscription's (account, region) and live from the publish until success or exhaustion; a
 * POST held back by the throttle policy waits here too, its row due at the slot it waits for.
 */
import type { PreparedStatements } from "../../state/database.js";
import type { StatusNotification } from "./domain/delivery-status.js";
import type { HttpDelivery, SqsDelivery } from "./domain/messages.js";
import { attributesForRecord, attributesFromRecord } from "./outbox.js";

export const HTTP_RETRY_MIGRATION = `CREATE TABLE sns_http_retries (
    account_id       TEXT    NOT NULL,
    region           TEXT    NOT NULL,
    id               TEXT    NOT NULL,
    subscription_arn TEXT    NOT NULL,
    endpoint         TEXT    NOT NULL,
    headers          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    delays           TEXT    NOT NULL,
    attempts         INTEGER NOT NULL,
    due_at           INTEGER NOT NULL,
    dlq_arn          TEXT,
    dlq_message      TEXT,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, id)
  ) WITHOUT ROWID;`;

/** The published message as delivery status records name it (JSON); null for confirmations. */
export const HTTP_RETRY_NOTIFICATION_MIGRATION = "ALTER TABLE sns_http_retries ADD COLUMN notification TEXT;";

/** The subscription's throttlePolicy.maxReceivesPerSecond; null without one. */
export const HTTP_RETRY_THROTTLE_MIGRATION = "ALTER TABLE sns_http_retries ADD COLUMN max_receives_per_second INTEGER;";

/** Where a delivery goes when its retries are used up: the subscription's RedrivePolicy queue. */
export interface DeadLetter {
  readonly targetArn: string;
  readonly delivery: SqsDelivery;
}

export interface PendingRetry {
  readonly account: string;
  readonly region: string;
  readonly id: string;
  readonly subscriptionArn: string;
  readonly endpoint: string;
  readonly delivery: HttpDelivery;
  /** The policy's whole schedule in ms: `delays[i]` comes before retry i + 1. */
  readonly delays: readonly number[];
  /** POSTs sent so far, the first delivery included (0 while the first waits for a throttle slot). */
  attempts: number;
  /**
   * When the step after the latest attempt is due: the next retry, or, once every retry has
   * been sent, the hand-over to the dead-letter queue; for a POST held back by the throttle
   * policy, the slot it waits for.
   */
  dueAt: number;
  readonly deadLetter: DeadLetter | undefined;
  /** A notification's message, for its delivery status record; undefined for a confirmation. */
  readonly notification?: StatusNotification | undefined;
  /** The subscription's throttlePolicy rate; undefined: no limit. */
  readonly maxReceivesPerSecond?: number | undefined;
}

interface RetryRow {
  account_id: string;
  region: string;
  id: string;
  subscription_arn: string;
  endpoint: string;
  headers: string;
  body: string;
  delays: string;
  attempts: number;
  due_at: number;
  dlq_arn: string | null;
  dlq_message: string | null;
  notification: string | null;
  max_receives_per_second: number | null;
}

/** The dead-letter message; its body is left out when it is the POST's own (it always is today). */
interface StoredDeadLetter {
  body?: string;
  messageAttributes?: Record<string, Record<string, string>>;
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

function encodeDeadLetter(delivery: SqsDelivery, postBody: string): string {
  const stored: StoredDeadLetter = {};
  if (delivery.body !== postBody) stored.body = delivery.body;
  // Binary attribute values are bytes; JSON carries them in base64.
  const attributes = attributesForRecord(delivery.messageAttributes);
  if (attributes !== undefined) stored.messageAttributes = attributes;
  if (delivery.messageGroupId !== undefined) stored.messageGroupId = delivery.messageGroupId;
  if (delivery.messageDeduplicationId !== undefined) stored.messageDeduplicationId = delivery.messageDeduplicationId;
  return JSON.stringify(stored);
}

function decodeDeadLetter(text: string, postBody: string): SqsDelivery {
  const stored = JSON.parse(text) as StoredDeadLetter;
  const delivery: SqsDelivery = { body: stored.body ?? postBody };
  if (stored.messageAttributes !== undefined) delivery.messageAttributes = attributesFromRecord(stored.messageAttributes);
  if (stored.messageGroupId !== undefined) delivery.messageGroupId = stored.messageGroupId;
  if (stored.messageDeduplicationId !== undefined) delivery.messageDeduplicationId = stored.messageDeduplicationId;
  return delivery;
}

function toPendingRetry(row: RetryRow): PendingRetry {
  return {
    account: row.account_id,
    region: row.region,
    id: row.id,
    subscriptionArn: row.subscription_arn,
    endpoint: row.endpoint,
    delivery: { headers: JSON.parse(row.headers) as Record<string, string>, body: row.body },
    delays: JSON.parse(row.delays) as number[],
    attempts: row.attempts,
    dueAt: row.due_at,
    deadLetter: row.dlq_arn === null || row.dlq_message === null ? undefined : { targetArn: row.dlq_arn, delivery: decodeDeadLetter(row.dlq_message, row.body) },
    ...(row.notification !== null ? { notification: JSON.parse(row.notification) as StatusNotification } : {}),
    ...(row.max_receives_per_second !== null ? { maxReceivesPerSecond: row.max_receives_per_second } : {}),
  };
}

const KEY = "account_id = ? AND region = ? AND id = ?";

export class HttpRetryStore {
  constructor(private readonly db: PreparedStatements) {}

  insert(retry: PendingRetry, now: number): void {
    this.db
      .prepare(
        `INSERT INTO sns_http_retries (account_id, region, id, subscription_arn, endpoint, headers, body, delays, attempts, due_at, dlq_arn, dlq_message, created_at, notification, max_receives_per_second)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        retry.account,
        retry.region,
        retry.id,
        retry.subscriptionArn,
        retry.endpoint,
        JSON.stringify(retry.delivery.headers),
        retry.delivery.body,
        JSON.stringify(retry.delays),
        retry.attempts,
        retry.dueAt,
        retry.deadLetter?.targetArn ?? null,
        retry.deadLetter === undefined ? null : encodeDeadLetter(retry.deadLetter.delivery, retry.delivery.body),
        now,
        retry.notification === undefined ? null : JSON.stringify(retry.notification),
        retry.maxReceivesPerSecond ?? null,
      );
  }

  /** Records an attempt sent and when the step after it is due (or the throttle slot the next POST waits for). */
  advance(retry: PendingRetry): void {
    this.db.prepare(`UPDATE sns_http_retries SET attempts = ?, due_at = ? WHERE ${KEY}`).run(retry.attempts, retry.dueAt, retry.account, retry.region, retry.id);
  }

  delete(retry: Pick<PendingRetry, "account" | "region" | "id">): void {
    this.db.prepare(`DELETE FROM sns_http_retries WHERE ${KEY}`).run(retry.account, retry.region, retry.id);
  }

  /** Every pending retry of every account and region, earliest due first (resumed at start). */
  all(): PendingRetry[] {
    return this.db.prepare<[], RetryRow>("SELECT * FROM sns_http_retries ORDER BY due_at, created_at").all().map(toPendingRetry);
  }
}
