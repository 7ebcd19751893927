/**
 * What SNS "sent" where one machine cannot send: SMS texts, mobile push notifications and
 * emails (email and email-json), each recorded with what AWS would have handed the carrier,
 * the push service or the mail server, so tests and the internal endpoints can read them back.
 * Rows are scoped by (account, region) and kept until cleared.
 */
import { setOwn } from "../../core/own.js";
import type { PreparedStatements } from "../../state/database.js";
import type { SnsMessageAttribute, SnsMessageAttributes } from "./domain/messages.js";

export type OutboxKind = "sms" | "application" | "email";

/** One recorded message; fields depend on the kind (see the record* helpers' callers). */
export type OutboxRecord = Record<string, unknown>;

export const OUTBOX_MIGRATION = `CREATE TABLE sns_outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    record     TEXT    NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX sns_outbox_by_target ON sns_outbox (account_id, region, kind, target, seq);`;

/** Publish attributes as the Publish request carried them; binary values in base64. */
export function attributesForRecord(attributes: SnsMessageAttributes | undefined): Record<string, Record<string, string>> | undefined {
  if (attributes === undefined || Object.keys(attributes).length === 0) return undefined;
  const out: Record<string, Record<string, string>> = {};
  for (const [name, a] of Object.entries(attributes)) {
    setOwn(
      out,
      name,
      a.BinaryValue !== undefined
        ? { DataType: a.DataType, BinaryValue: Buffer.from(a.BinaryValue).toString("base64") }
        : { DataType: a.DataType, StringValue: a.StringValue ?? "" },
    );
  }
  return out;
}

/** Attributes as attributesForRecord wrote them, read back: binary values as bytes again. */
export function attributesFromRecord(stored: Readonly<Record<string, Readonly<Record<string, string>>>>): Record<string, SnsMessageAttribute> {
  const out: Record<string, SnsMessageAttribute> = {};
  for (const [name, a] of Object.entries(stored)) {
    const binary = a["BinaryValue"];
    setOwn(
      out,
      name,
      binary !== undefined
        ? { DataType: a["DataType"] ?? "Binary", BinaryValue: new Uint8Array(Buffer.from(binary, "base64")) }
        : { DataType: a["DataType"] ?? "String", StringValue: a["StringValue"] ?? "" },
    );
  }
  return out;
}

export class Outbox {
  constructor(private readonly db: PreparedStatements) {}

  record(account: string, region: string, kind: OutboxKind, target: string, record: OutboxRecord, now: number): void {
    this.db
      .prepare("INSERT INTO sns_outbox (account_id, region, kind, target, record, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(account, region, kind, target, JSON.stringify(record), now);
  }

  /** Messages of one kind grouped by target (phone number, endpoint ARN, address), oldest first. */
  list(account: string, region: string, kind: OutboxKind, target?: string): Record<string, OutboxRecord[]> {
    const rows =
      target === undefined
        ? this.db
            .prepare<[string, string, string], { target: string; record: string }>(
              "SELECT target, record FROM sns_outbox WHERE account_id = ? AND region = ? AND kind = ? ORDER BY seq",
            )
            .all(account, region, kind)
        : this.db
            .prepare<[string, string, string, string], { target: string; record: string }>(
              "SELECT target, record FROM sns_outbox WHERE account_id = ? AND region = ? AND kind = ? AND target = ? ORDER BY seq",
            )
            .all(account, region, kind, target);
    const out: Record<string, OutboxRecord[]> = {};
    if (target !== undefined) out[target] = [];
    for (const row of rows) (out[row.target] ??= []).push(JSON.parse(row.record) as OutboxRecord);
    return out;
  }

  clear(account: string, region: string, kind: OutboxKind, target?: string): number {
    if (target === undefined) {
      return this.db.prepare("DELETE FROM sns_outbox WHERE account_id = ? AND region = ? AND kind = ?").run(account, region, kind).changes;
    }
    return this.db.prepare("DELETE FROM sns_outbox WHERE account_id = ? AND region = ? AND kind = ? AND target = ?").run(account, region, kind, target).changes;
  }
}
