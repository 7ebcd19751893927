/**
 * DynamoDB Streams' own state, fed by DynamoDB's events ("dynamodb:StreamChanged",
 * "dynamodb:StreamRecord"): which streams exist and the records of each. One shard per
 * stream; records are kept 24 hours, as on AWS.
 */
import { createHash } from "node:crypto";
import type { Scope } from "../../core/service.js";
import { cachedPrepare, type PreparedStatements, type StateLayer } from "../../state/database.js";

export const DYNAMODBSTREAMS_MIGRATIONS: readonly string[] = [
  `CREATE TABLE dynamodbstreams_streams (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    stream_arn TEXT    NOT NULL,
    table_name TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    view_type  TEXT    NOT NULL,
    key_schema TEXT    NOT NULL, -- JSON KeySchemaElement[]
    enabled    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, stream_arn)
  ) WITHOUT ROWID;
  CREATE TABLE dynamodbstreams_records (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    stream_arn TEXT    NOT NULL,
    seq        TEXT    NOT NULL, -- fixed-width decimal, so text order is numeric order
    record     TEXT    NOT NULL, -- JSON record, binaries in base64
    size       INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, stream_arn, seq)
  ) WITHOUT ROWID;
  CREATE INDEX dynamodbstreams_records_age ON dynamodbstreams_records (created_at);`,
  // Records move to a rowid table: a record is often a KiB or more (an item's old and new
  // images), and WITHOUT ROWID kept each in the key's b-tree, a few to a page.
  `CREATE TABLE dynamodbstreams_records_rowid (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    stream_arn TEXT    NOT NULL,
    seq        TEXT    NOT NULL, -- fixed-width decimal, so text order is numeric order
    record     TEXT    NOT NULL, -- JSON record, binaries in base64
    size       INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, region, stream_arn, seq)
  );
  INSERT INTO dynamodbstreams_records_rowid SELECT account_id, region, stream_arn, seq, record, size, created_at
    FROM dynamodbstreams_records ORDER BY account_id, region, stream_arn, seq;
  DROP TABLE dynamodbstreams_records;
  ALTER TABLE dynamodbstreams_records_rowid RENAME TO dynamodbstreams_records;
  CREATE INDEX dynamodbstreams_records_age ON dynamodbstreams_records (created_at);`,
  // The highest sequence number trimmed from each stream ('' = none): the trim point that
  // GetShardIterator and GetRecords answer TrimmedDataAccessException behind.
  `ALTER TABLE dynamodbstreams_streams ADD COLUMN trimmed_through TEXT NOT NULL DEFAULT '';`,
  // When the stream of a deleted table goes (epoch ms; NULL: it stays).
  `ALTER TABLE dynamodbstreams_streams ADD COLUMN expires_at INTEGER;`,
  // Until when (epoch ms) the stream is being enabled or disabled (NULL: it is not).
  `ALTER TABLE dynamodbstreams_streams ADD COLUMN settles_at INTEGER;`,
];

export interface StreamRow {
  readonly streamArn: string;
  readonly tableName: string;
  readonly label: string;
  readonly viewType: string;
  readonly keySchema: { AttributeName: string; KeyType: string }[];
  readonly enabled: boolean;
  readonly createdAt: number;
  /** Epoch ms when the stream of a deleted table goes. */
  readonly expiresAt?: number;
  /** Epoch ms until which the stream is ENABLING (or DISABLING). */
  readonly settlesAt?: number;
}

/** A stream as stored: with its trim point, the highest sequence number trimmed from its shard ("" = none). */
export interface StoredStream extends StreamRow {
  readonly trimmedThrough: string;
}

interface RawStream {
  stream_arn: string;
  table_name: string;
  label: string;
  view_type: string;
  key_schema: string;
  enabled: number;
  created_at: number;
  trimmed_through: string;
  expires_at: number | null;
  settles_at: number | null;
}

function toStream(r: RawStream): StoredStream {
  return {
    streamArn: r.stream_arn,
    tableName: r.table_name,
    label: r.label,
    viewType: r.view_type,
    keySchema: JSON.parse(r.key_schema) as StreamRow["keySchema"],
    enabled: r.enabled === 1,
    createdAt: r.created_at,
    trimmedThrough: r.trimmed_through,
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
    ...(r.settles_at !== null ? { settlesAt: r.settles_at } : {}),
  };
}

/** The one shard of a stream: "shardId-" + creation time + a digest of the ARN, like AWS's shape. */
export function shardIdOf(stream: StreamRow): string {
  const digest = createHash("sha256").update(stream.streamArn).digest("hex").slice(0, 8);
  return `shardId-${String(stream.createdAt).padStart(20, "0")}-${digest}`;
}

/** A stream record as DynamoDB published it. */
export interface ReceivedRecord {
  readonly scope: Scope;
  readonly streamArn: string;
  readonly seq: string;
  readonly record: string;
}

export class StreamsStore {
  /** Statements prepared once each: a stream-enabled table's every write adds a record here. */
  private readonly db: PreparedStatements;
  /** Resolves once the streams DynamoDB had before this service started have been received. */
  ready: Promise<void> = Promise.resolve();

  constructor(readonly state: StateLayer) {
    state.migrate("dynamodbstreams", DYNAMODBSTREAMS_MIGRATIONS);
    this.db = { prepare: cachedPrepare(state.db) };
  }

  /**
   * A deleted table's stream stays deleted: a later sync (of a table still DELETING) neither enables
   * it nor keeps it. A sync that says nothing of a switch in progress leaves the one known.
   */
  upsertStream(scope: Scope, s: StreamRow): void {
    this.db
      .prepare(
        `INSERT INTO dynamodbstreams_streams (account_id, region, stream_arn, table_name, label, view_type, key_schema, enabled, created_at, expires_at, settles_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, region, stream_arn) DO UPDATE SET
           enabled = CASE WHEN dynamodbstreams_streams.expires_at IS NULL THEN excluded.enabled ELSE 0 END,
           expires_at = COALESCE(dynamodbstreams_streams.expires_at, excluded.expires_at),
           settles_at = CASE WHEN excluded.settles_at IS NULL AND excluded.enabled = dynamodbstreams_streams.enabled
             THEN dynamodbstreams_streams.settles_at ELSE excluded.settles_at END`,
      )
      .run(
        scope.account,
        scope.region,
        s.streamArn,
        s.tableName,
        s.label,
        s.viewType,
        JSON.stringify(s.keySchema),
        s.enabled ? 1 : 0,
        s.createdAt,
        s.expiresAt ?? null,
        s.settlesAt ?? null,
      );
  }

  /** Every stream of the table not yet going goes at `expiresAt` (epoch ms): the table was deleted. */
  expireTableStreams(scope: Scope, table: string, expiresAt: number): void {
    this.db
      .prepare("UPDATE dynamodbstreams_streams SET expires_at = ? WHERE account_id = ? AND region = ? AND table_name = ? AND expires_at IS NULL")
      .run(expiresAt, scope.account, scope.region, table);
  }

  /** The stream, unless it is a deleted table's whose 24 hours have passed at `now`. */
  stream(scope: Scope, arn: string, now: number): StoredStream | undefined {
    const r = this.db
      .prepare<[string, string, string, number], RawStream>(
        "SELECT * FROM dynamodbstreams_streams WHERE account_id = ? AND region = ? AND stream_arn = ? AND (expires_at IS NULL OR expires_at > ?)",
      )
      .get(scope.account, scope.region, arn, now);
    return r ? toStream(r) : undefined;
  }

  streams(scope: Scope, table: string | undefined, after: string | undefined, limit: number, now: number): StoredStream[] {
    return this.db
      .prepare<[string, string, string | null, string | null, string, number, number], RawStream>(
        `SELECT * FROM dynamodbstreams_streams WHERE account_id = ? AND region = ? AND (? IS NULL OR table_name = ?) AND stream_arn > ?
           AND (expires_at IS NULL OR expires_at > ?)
         ORDER BY stream_arn LIMIT ?`,
      )
      .all(scope.account, scope.region, table ?? null, table ?? null, after ?? "", now, limit)
      .map(toStream);
  }

  /** Deletes the streams of deleted tables whose 24 hours have passed, with their records. */
  dropExpired(now: number): void {
    this.state.transaction(() => {
      const gone = this.db
        .prepare<[number], { account_id: string; region: string; stream_arn: string }>(
          "SELECT account_id, region, stream_arn FROM dynamodbstreams_streams WHERE expires_at IS NOT NULL AND expires_at <= ?",
        )
        .all(now);
      for (const g of gone) {
        this.db.prepare("DELETE FROM dynamodbstreams_records WHERE account_id = ? AND region = ? AND stream_arn = ?").run(g.account_id, g.region, g.stream_arn);
        this.db.prepare("DELETE FROM dynamodbstreams_streams WHERE account_id = ? AND region = ? AND stream_arn = ?").run(g.account_id, g.region, g.stream_arn);
      }
    });
  }

  addRecord(scope: Scope, arn: string, seq: string, record: string, now: number): void {
    this.db
      .prepare("INSERT OR IGNORE INTO dynamodbstreams_records (account_id, region, stream_arn, seq, record, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, arn, seq, record, Buffer.byteLength(record), now);
  }

  /** Records received together, in one transaction (a commit each cost a sync's page 25 times as much). */
  addRecords(records: readonly ReceivedRecord[], now: number): void {
    this.state.transaction(() => {
      for (const r of records) this.addRecord(r.scope, r.streamArn, r.seq, r.record, now);
    });
  }

  /** Records strictly after `after` (a sequence number, or "" for the start), in order. */
  records(scope: Scope, arn: string, after: string, limit: number): { seq: string; record: string; size: number }[] {
    return this.db
      .prepare<[string, string, string, string, number], { seq: string; record: string; size: number }>(
        "SELECT seq, record, size FROM dynamodbstreams_records WHERE account_id = ? AND region = ? AND stream_arn = ? AND seq > ? ORDER BY seq LIMIT ?",
      )
      .all(scope.account, scope.region, arn, after, limit);
  }

  /**
   * By stream ARN, the highest sequence number each known stream has received or trimmed: what a
   * sync from DynamoDB can leave out. One indexed lookup per stream.
   */
  holdings(): Record<string, string> {
    const holds: Record<string, string> = {};
    const streams = this.db
      .prepare<[], { account_id: string; region: string; stream_arn: string; trimmed_through: string }>(
        "SELECT account_id, region, stream_arn, trimmed_through FROM dynamodbstreams_streams",
      )
      .all();
    for (const s of streams) {
      const last = this.bounds({ account: s.account_id, region: s.region }, s.stream_arn).last ?? "";
      const held = last > s.trimmed_through ? last : s.trimmed_through;
      if (held !== "") holds[s.stream_arn] = held;
    }
    return holds;
  }

  bounds(scope: Scope, arn: string): { first: string | undefined; last: string | undefined } {
    const r = this.db
      .prepare<[string, string, string], { first: string | null; last: string | null }>(
        "SELECT MIN(seq) AS first, MAX(seq) AS last FROM dynamodbstreams_records WHERE account_id = ? AND region = ? AND stream_arn = ?",
      )
      .get(scope.account, scope.region, arn);
    return { first: r?.first ?? undefined, last: r?.last ?? undefined };
  }

  /**
   * Trims the records received before `before`, and with them every record of the same stream
   * numbered below one of them (a record DynamoDB re-sent late is no younger than its number says),
   * so that what a stream has lost is always a prefix, ending at its trim point.
   */
  trim(before: number): void {
    this.state.transaction(() => {
      const points = this.db
        .prepare<[number], { account_id: string; region: string; stream_arn: string; seq: string }>(
          `SELECT account_id, region, stream_arn, MAX(seq) AS seq FROM dynamodbstreams_records WHERE created_at < ?
           GROUP BY account_id, region, stream_arn`,
        )
        .all(before);
      for (const p of points) {
        this.db
          .prepare("UPDATE dynamodbstreams_streams SET trimmed_through = ? WHERE account_id = ? AND region = ? AND stream_arn = ? AND trimmed_through < ?")
          .run(p.seq, p.account_id, p.region, p.stream_arn, p.seq);
        this.db
          .prepare("DELETE FROM dynamodbstreams_records WHERE account_id = ? AND region = ? AND stream_arn = ? AND seq <= ?")
          .run(p.account_id, p.region, p.stream_arn, p.seq);
      }
    });
  }
}
