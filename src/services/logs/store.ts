/**
 * CloudWatch Logs state over the shared SQLite database: log groups, log streams and log
 * events, every row keyed by (account, region). Events are read in (timestamp, id) order, the
 * order AWS returns them in; `id` is the insertion sequence, which also breaks timestamp ties
 * and makes the event ids AWS hands out unique. Time never comes from here: callers pass `now`.
 */
import type { Database, StateLayer } from "../../state/database.js";
import { LiveTailHub } from "./live-tail.js";

export const LOGS_MIGRATIONS: readonly string[] = [
  `CREATE TABLE logs_groups (
    account_id      TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    retention_days  INTEGER,
    kms_key_id      TEXT,
    log_group_class TEXT    NOT NULL,
    tags            TEXT    NOT NULL,
    PRIMARY KEY (account_id, region, name)
  ) WITHOUT ROWID;
  CREATE TABLE logs_streams (
    account_id      TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    group_name      TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    first_event_ts  INTEGER,
    last_event_ts   INTEGER,
    last_ingestion  INTEGER,
    upload_sequence INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, region, group_name, name)
  ) WITHOUT ROWID;
  CREATE TABLE logs_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id     TEXT    NOT NULL,
    region         TEXT    NOT NULL,
    group_name     TEXT    NOT NULL,
    stream_name    TEXT    NOT NULL,
    timestamp      INTEGER NOT NULL,
    ingestion_time INTEGER NOT NULL,
    message        TEXT    NOT NULL,
    bytes          INTEGER NOT NULL
  );
  CREATE INDEX logs_events_by_stream ON logs_events (account_id, region, group_name, stream_name, timestamp, id);
  CREATE INDEX logs_events_by_group ON logs_events (account_id, region, group_name, timestamp, id);`,
  `CREATE TABLE logs_metric_filters (
    account_id      TEXT    NOT NULL,
    region          TEXT    NOT NULL,
    group_name      TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    pattern         TEXT    NOT NULL,
    transformations TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, group_name, name)
  ) WITHOUT ROWID;`,
];

export interface Scope {
  readonly account: string;
  readonly region: string;
}

export interface LogGroup {
  readonly name: string;
  readonly createdAt: number;
  readonly retentionDays: number | undefined;
  readonly kmsKeyId: string | undefined;
  readonly logGroupClass: string;
  readonly tags: Record<string, string>;
  readonly metricFilterCount: number;
}

export interface LogStream {
  readonly groupName: string;
  readonly name: string;
  readonly createdAt: number;
  readonly firstEventTs: number | undefined;
  readonly lastEventTs: number | undefined;
  readonly lastIngestion: number | undefined;
  readonly uploadSequence: number;
}

export interface MetricTransformation {
  readonly metricName: string;
  readonly metricNamespace: string;
  readonly metricValue: string;
  readonly defaultValue?: number;
  readonly dimensions?: Record<string, string>;
  readonly unit?: string;
}

export interface MetricFilter {
  readonly groupName: string;
  readonly name: string;
  readonly pattern: string;
  readonly transformations: readonly MetricTransformation[];
  readonly createdAt: number;
}

interface MetricFilterRow {
  group_name: string;
  name: string;
  pattern: string;
  transformations: string;
  created_at: number;
}

function toMetricFilter(r: MetricFilterRow): MetricFilter {
  return {
    groupName: r.group_name,
    name: r.name,
    pattern: r.pattern,
    transformations: JSON.parse(r.transformations) as MetricTransformation[],
    createdAt: r.created_at,
  };
}

export interface StoredEvent {
  readonly id: number;
  readonly streamName: string;
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly message: string;
}

/** A place in a stream or group's (timestamp, id) order. */
export interface Position {
  readonly ts: number;
  readonly id: number;
}

export interface EventQuery {
  readonly groupName: string;
  /** One stream (GetLogEvents) or a set of streams (FilterLogEvents); undefined = all. */
  readonly streams?: readonly string[];
  readonly streamPrefix?: string;
  /** Inclusive. */
  readonly startTime?: number;
  /** Exclusive, as AWS documents it. */
  readonly endTime?: number;
  /** Exclusive bounds in (timestamp, id) order. */
  readonly after?: Position;
  readonly before?: Position;
  readonly descending?: boolean;
}

interface GroupRow {
  name: string;
  created_at: number;
  retention_days: number | null;
  kms_key_id: string | null;
  log_group_class: string;
  tags: string;
  metric_filter_count: number;
}

interface StreamRow {
  group_name: string;
  name: string;
  created_at: number;
  first_event_ts: number | null;
  last_event_ts: number | null;
  last_ingestion: number | null;
  upload_sequence: number;
}

interface EventRow {
  id: number;
  stream_name: string;
  timestamp: number;
  ingestion_time: number;
  message: string;
}

const GROUP_SELECT = `SELECT g.*, (SELECT COUNT(*) FROM logs_metric_filters f
  WHERE f.account_id = g.account_id AND f.region = g.region AND f.group_name = g.name) AS metric_filter_count
  FROM logs_groups g`;

function toGroup(r: GroupRow): LogGroup {
  return {
    name: r.name,
    createdAt: r.created_at,
    retentionDays: r.retention_days ?? undefined,
    kmsKeyId: r.kms_key_id ?? undefined,
    logGroupClass: r.log_group_class,
    tags: JSON.parse(r.tags) as Record<string, string>,
    metricFilterCount: r.metric_filter_count,
  };
}

function toStream(r: StreamRow): LogStream {
  return {
    groupName: r.group_name,
    name: r.name,
    createdAt: r.created_at,
    firstEventTs: r.first_event_ts ?? undefined,
    lastEventTs: r.last_event_ts ?? undefined,
    lastIngestion: r.last_ingestion ?? undefined,
    uploadSequence: r.upload_sequence,
  };
}

export class LogsStore {
  private readonly db: Database;
  /** StartLiveTail subscribers, fed by PutLogEvents after it stored the events. */
  readonly liveTail = new LiveTailHub();

  constructor(private readonly state: StateLayer) {
    state.migrate("logs", LOGS_MIGRATIONS);
    this.db = state.db;
  }

  transaction<T>(fn: () => T): T {
    return this.state.transaction(fn);
  }

  getGroup(s: Scope, name: string): LogGroup | undefined {
    const row = this.db
      .prepare<[string, string, string], GroupRow>(`${GROUP_SELECT} WHERE g.account_id = ? AND g.region = ? AND g.name = ?`)
      .get(s.account, s.region, name);
    return row ? toGroup(row) : undefined;
  }

  /** Groups in name order; `prefix` is case-sensitive, as AWS's logGroupNamePrefix is. */
  listGroups(s: Scope, prefix?: string): LogGroup[] {
    const rows = this.db
      .prepare<[string, string], GroupRow>(`${GROUP_SELECT} WHERE g.account_id = ? AND g.region = ? ORDER BY g.name`)
      .all(s.account, s.region);
    return rows.filter((r) => prefix === undefined || r.name.startsWith(prefix)).map(toGroup);
  }

  /** Every group with a retention policy, across accounts and regions (for the sweep). */
  groupsWithRetention(): Array<Scope & { name: string; retentionDays: number }> {
    return this.db
      .prepare<[], { account_id: string; region: string; name: string; retention_days: number }>(
        "SELECT account_id, region, name, retention_days FROM logs_groups WHERE retention_days IS NOT NULL",
      )
      .all()
      .map((r) => ({ account: r.account_id, region: r.region, name: r.name, retentionDays: r.retention_days }));
  }

  insertGroup(s: Scope, g: Omit<LogGroup, "metricFilterCount">): boolean {
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO logs_groups (account_id, region, name, created_at, retention_days, kms_key_id, log_group_class, tags)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.account, s.region, g.name, g.createdAt, g.retentionDays ?? null, g.kmsKeyId ?? null, g.logGroupClass, JSON.stringify(g.tags));
    return result.changes === 1;
  }

  deleteGroup(s: Scope, name: string): boolean {
    return this.transaction(() => {
      this.db.prepare("DELETE FROM logs_events WHERE account_id = ? AND region = ? AND group_name = ?").run(s.account, s.region, name);
      this.db.prepare("DELETE FROM logs_streams WHERE account_id = ? AND region = ? AND group_name = ?").run(s.account, s.region, name);
      this.db.prepare("DELETE FROM logs_metric_filters WHERE account_id = ? AND region = ? AND group_name = ?").run(s.account, s.region, name);
      return this.db.prepare("DELETE FROM logs_groups WHERE account_id = ? AND region = ? AND name = ?").run(s.account, s.region, name).changes === 1;
    });
  }

  setRetention(s: Scope, name: string, days: number | undefined): void {
    this.db
      .prepare("UPDATE logs_groups SET retention_days = ? WHERE account_id = ? AND region = ? AND name = ?")
      .run(days ?? null, s.account, s.region, name);
  }

  setTags(s: Scope, name: string, tags: Record<string, string>): void {
    this.db
      .prepare("UPDATE logs_groups SET tags = ? WHERE account_id = ? AND region = ? AND name = ?")
      .run(JSON.stringify(tags), s.account, s.region, name);
  }

  /** UTF-8 bytes of the messages a group holds now (DescribeLogGroups storedBytes). */
  storedBytes(s: Scope, groupName: string): number {
    const row = this.db
      .prepare<[string, string, string], { total: number | null }>(
        "SELECT SUM(bytes) AS total FROM logs_events WHERE account_id = ? AND region = ? AND group_name = ?",
      )
      .get(s.account, s.region, groupName);
    return row?.total ?? 0;
  }

  getStream(s: Scope, groupName: string, name: string): LogStream | undefined {
    const row = this.db
      .prepare<[string, string, string, string], StreamRow>(
        "SELECT * FROM logs_streams WHERE account_id = ? AND region = ? AND group_name = ? AND name = ?",
      )
      .get(s.account, s.region, groupName, name);
    return row ? toStream(row) : undefined;
  }

  listStreams(s: Scope, groupName: string): LogStream[] {
    return this.db
      .prepare<[string, string, string], StreamRow>("SELECT * FROM logs_streams WHERE account_id = ? AND region = ? AND group_name = ? ORDER BY name")
      .all(s.account, s.region, groupName)
      .map(toStream);
  }

  insertStream(s: Scope, groupName: string, name: string, createdAt: number): boolean {
    return (
      this.db
        .prepare("INSERT OR IGNORE INTO logs_streams (account_id, region, group_name, name, created_at) VALUES (?, ?, ?, ?, ?)")
        .run(s.account, s.region, groupName, name, createdAt).changes === 1
    );
  }

  deleteStream(s: Scope, groupName: string, name: string): boolean {
    return this.transaction(() => {
      this.db
        .prepare("DELETE FROM logs_events WHERE account_id = ? AND region = ? AND group_name = ? AND stream_name = ?")
        .run(s.account, s.region, groupName, name);
      return (
        this.db
          .prepare("DELETE FROM logs_streams WHERE account_id = ? AND region = ? AND group_name = ? AND name = ?")
          .run(s.account, s.region, groupName, name).changes === 1
      );
    });
  }

  /** Appends events to a stream and moves its first/last event timestamps; returns the new upload sequence. */
  appendEvents(s: Scope, groupName: string, streamName: string, events: ReadonlyArray<{ timestamp: number; message: string }>, now: number): number {
    return this.transaction(() => {
      const insert = this.db.prepare(
        `INSERT INTO logs_events (account_id, region, group_name, stream_name, timestamp, ingestion_time, message, bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      let min = Infinity;
      let max = -Infinity;
      for (const e of events) {
        insert.run(s.account, s.region, groupName, streamName, e.timestamp, now, e.message, Buffer.byteLength(e.message, "utf8"));
        min = Math.min(min, e.timestamp);
        max = Math.max(max, e.timestamp);
      }
      const hasEvents = events.length > 0;
      const set = hasEvents
        ? `first_event_ts = MIN(COALESCE(first_event_ts, @min), @min),
           last_event_ts = MAX(COALESCE(last_event_ts, @max), @max),
           last_ingestion = @now,`
        : "";
      this.db
        .prepare(
          `UPDATE logs_streams SET ${set} upload_sequence = upload_sequence + 1
           WHERE account_id = @account AND region = @region AND group_name = @group AND name = @stream`,
        )
        .run({ ...{}, ...(hasEvents ? { min, max, now } : {}), account: s.account, region: s.region, group: groupName, stream: streamName });
      return this.getStream(s, groupName, streamName)?.uploadSequence ?? 0;
    });
  }

  /** Streams events in (timestamp, id) order (or its reverse); the caller stops iterating when it has enough. */
  *events(s: Scope, q: EventQuery): Generator<StoredEvent> {
    const where = ["account_id = ?", "region = ?", "group_name = ?"];
    const params: Array<string | number> = [s.account, s.region, q.groupName];
    if (q.streams !== undefined) {
      if (q.streams.length === 0) return;
      where.push(`stream_name IN (${q.streams.map(() => "?").join(", ")})`);
      params.push(...q.streams);
    }
    if (q.streamPrefix !== undefined) {
      // substr instead of LIKE: stream names may contain % and _.
      where.push("substr(stream_name, 1, ?) = ?");
      params.push(q.streamPrefix.length, q.streamPrefix);
    }
    if (q.startTime !== undefined) {
      where.push("timestamp >= ?");
      params.push(q.startTime);
    }
    if (q.endTime !== undefined) {
      where.push("timestamp < ?");
      params.push(q.endTime);
    }
    if (q.after !== undefined) {
      where.push("(timestamp > ? OR (timestamp = ? AND id > ?))");
      params.push(q.after.ts, q.after.ts, q.after.id);
    }
    if (q.before !== undefined) {
      where.push("(timestamp < ? OR (timestamp = ? AND id < ?))");
      params.push(q.before.ts, q.before.ts, q.before.id);
    }
    const dir = q.descending ? "DESC" : "ASC";
    const rows = this.db
      .prepare<Array<string | number>, EventRow>(
        `SELECT id, stream_name, timestamp, ingestion_time, message FROM logs_events WHERE ${where.join(" AND ")} ORDER BY timestamp ${dir}, id ${dir}`,
      )
      .iterate(...params);
    for (const r of rows) {
      yield { id: r.id, streamName: r.stream_name, timestamp: r.timestamp, ingestionTime: r.ingestion_time, message: r.message };
    }
  }

  /** Deletes a group's events older than `cutoff` (retention); returns how many went. */
  expireEvents(s: Scope, groupName: string, cutoff: number): number {
    return this.db
      .prepare("DELETE FROM logs_events WHERE account_id = ? AND region = ? AND group_name = ? AND timestamp < ?")
      .run(s.account, s.region, groupName, cutoff).changes;
  }

  /** Metric filters of one group, or of every group in the scope, in (group, name) order. */
  metricFilters(s: Scope, groupName?: string): MetricFilter[] {
    const rows =
      groupName === undefined
        ? this.db
            .prepare<[string, string], MetricFilterRow>("SELECT * FROM logs_metric_filters WHERE account_id = ? AND region = ? ORDER BY group_name, name")
            .all(s.account, s.region)
        : this.db
            .prepare<[string, string, string], MetricFilterRow>(
              "SELECT * FROM logs_metric_filters WHERE account_id = ? AND region = ? AND group_name = ? ORDER BY name",
            )
            .all(s.account, s.region, groupName);
    return rows.map(toMetricFilter);
  }

  /** Creates or replaces a metric filter (PutMetricFilter overwrites one of the same name). */
  putMetricFilter(s: Scope, f: MetricFilter): void {
    this.db
      .prepare(
        `INSERT INTO logs_metric_filters (account_id, region, group_name, name, pattern, transformations, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, region, group_name, name) DO UPDATE SET pattern = excluded.pattern, transformations = excluded.transformations`,
      )
      .run(s.account, s.region, f.groupName, f.name, f.pattern, JSON.stringify(f.transformations), f.createdAt);
  }

  deleteMetricFilter(s: Scope, groupName: string, name: string): boolean {
    return (
      this.db
        .prepare("DELETE FROM logs_metric_filters WHERE account_id = ? AND region = ? AND group_name = ? AND name = ?")
        .run(s.account, s.region, groupName, name).changes === 1
    );
  }
}
