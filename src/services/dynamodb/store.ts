/**
 * DynamoDB's state over the shared SQLite database.
 *
 * Items live in one table, `dynamodb_items`, keyed so that a Query is a range scan of its
 * unique key: (account, region, table, index, pk, sk, tpk, tsk). The base table's rows have
 * index '' and tpk/tsk equal to pk/sk; each secondary index keeps its own projected rows, with
 * the base table's key as tpk/tsk so that many items may share one index key. Key values are
 * encoded as text whose plain byte order is DynamoDB's order (strings as they are, numbers by
 * numberSortKey, binaries as lower-case hex); '' stands for "no sort key".
 */
import type { EventBus } from "../../core/events.js";
import type { Scope } from "../../core/service.js";
import { cachedPrepare, type PreparedStatements, type StateLayer } from "../../state/database.js";
import { deepFreeze, RowCache } from "../../state/row-cache.js";
import { compareStrings } from "./domain/index.js";
import { streamLabel, type TableMeta } from "./table.js";
import { CapacityBuckets } from "./throttling.js";

export const DYNAMODB_MIGRATIONS: readonly string[] = [
  `CREATE TABLE dynamodb_tables (
    account_id  TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL, -- JSON TableMeta
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, name)
  ) WITHOUT ROWID;
  CREATE TABLE dynamodb_items (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    table_name TEXT    NOT NULL,
    index_name TEXT    NOT NULL,
    pk         TEXT    NOT NULL,
    sk         TEXT    NOT NULL,
    tpk        TEXT    NOT NULL,
    tsk        TEXT    NOT NULL,
    item       TEXT    NOT NULL, -- JSON of AttributeValues, binaries in base64
    size       INTEGER NOT NULL,
    expires_at INTEGER,          -- TTL attribute (epoch seconds), base rows of tables with TTL on
    PRIMARY KEY (account_id, region, table_name, index_name, pk, sk, tpk, tsk)
  ) WITHOUT ROWID;
  CREATE INDEX dynamodb_items_expiry ON dynamodb_items (expires_at) WHERE expires_at IS NOT NULL;
  CREATE TABLE dynamodb_tags (
    account_id TEXT NOT NULL,
    region     TEXT NOT NULL,
    table_name TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (account_id, region, table_name, key)
  ) WITHOUT ROWID;
  CREATE TABLE dynamodb_tokens (
    account_id  TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    token       TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, token)
  ) WITHOUT ROWID;
  CREATE TABLE dynamodb_stream_records (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    stream_arn TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    table_name TEXT    NOT NULL,
    record     TEXT    NOT NULL, -- JSON stream record
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, stream_arn, seq)
  ) WITHOUT ROWID;`,
  // On-demand backups (a copy of the table's base rows and its definition), and the item
  // history that point-in-time recovery rebuilds a past state from.
  `CREATE TABLE dynamodb_backups (
    account_id  TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    arn         TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    table_name  TEXT    NOT NULL,
    backup_type TEXT    NOT NULL, -- USER | SYSTEM
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,          -- SYSTEM backups only
    size_bytes  INTEGER NOT NULL,
    item_count  INTEGER NOT NULL,
    source      TEXT    NOT NULL, -- JSON TableMeta of the source table when backed up
    PRIMARY KEY (account_id, region, arn)
  ) WITHOUT ROWID;
  CREATE INDEX dynamodb_backups_by_time ON dynamodb_backups (account_id, region, created_at, arn);
  CREATE TABLE dynamodb_backup_items (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    backup_arn TEXT    NOT NULL,
    pk         TEXT    NOT NULL,
    sk         TEXT    NOT NULL,
    item       TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, backup_arn, pk, sk)
  ) WITHOUT ROWID;
  CREATE TABLE dynamodb_item_history (
    seq        INTEGER PRIMARY KEY, -- order of the changes
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    table_id   TEXT    NOT NULL,    -- TableId: a table re-created under the same name starts afresh
    pk         TEXT    NOT NULL,
    sk         TEXT    NOT NULL,
    changed_at INTEGER NOT NULL,
    before     TEXT                 -- the item before this change; NULL when it did not exist
  );
  CREATE INDEX dynamodb_item_history_by_time ON dynamodb_item_history (account_id, region, table_id, changed_at);`,
  // Exports to S3 and imports from S3 (transfer-store.ts): one row per job, its description as JSON.
  `CREATE TABLE dynamodb_transfers (
    account_id   TEXT    NOT NULL,
    region       TEXT    NOT NULL,
    arn          TEXT    NOT NULL, -- <table arn>/export/... or <table arn>/import/...
    kind         TEXT    NOT NULL, -- export | import
    table_arn    TEXT    NOT NULL,
    client_token TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL, -- the request's parameters, for ClientToken idempotency
    status       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    record       TEXT    NOT NULL, -- JSON ExportRecord | ImportRecord
    PRIMARY KEY (account_id, region, arn)
  ) WITHOUT ROWID;
  CREATE INDEX dynamodb_transfers_by_time ON dynamodb_transfers (account_id, region, kind, created_at, arn);
  CREATE INDEX dynamodb_transfers_by_token ON dynamodb_transfers (account_id, region, kind, client_token);
  CREATE INDEX dynamodb_transfers_pending ON dynamodb_transfers (status) WHERE status = 'IN_PROGRESS';`,
  // Items move to a rowid table with the same key as a unique index. WITHOUT ROWID kept each
  // whole item in the key's b-tree, a few items of a KiB to a page, so every write split or
  // rewrote pages full of other items: putting new 1 KB items cost 2 to 3 times as much, and
  // reading one item more too. Now the item is stored once and the index holds only the key.
  `CREATE TABLE dynamodb_items_rowid (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    table_name TEXT    NOT NULL,
    index_name TEXT    NOT NULL,
    pk         TEXT    NOT NULL,
    sk         TEXT    NOT NULL,
    tpk        TEXT    NOT NULL,
    tsk        TEXT    NOT NULL,
    item       TEXT    NOT NULL, -- JSON of AttributeValues, binaries in base64
    size       INTEGER NOT NULL,
    expires_at INTEGER,          -- TTL attribute (epoch seconds), base rows of tables with TTL on
    UNIQUE (account_id, region, table_name, index_name, pk, sk, tpk, tsk)
  );
  INSERT INTO dynamodb_items_rowid SELECT account_id, region, table_name, index_name, pk, sk, tpk, tsk, item, size, expires_at
    FROM dynamodb_items ORDER BY account_id, region, table_name, index_name, pk, sk, tpk, tsk;
  DROP TABLE dynamodb_items;
  ALTER TABLE dynamodb_items_rowid RENAME TO dynamodb_items;
  CREATE INDEX dynamodb_items_expiry ON dynamodb_items (expires_at) WHERE expires_at IS NOT NULL;`,
  // Stream records likewise (a record carries up to two images of an item), with an index on
  // their age: the retention trim every minute read the whole table without one.
  `CREATE TABLE dynamodb_stream_records_rowid (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    stream_arn TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    table_name TEXT    NOT NULL,
    record     TEXT    NOT NULL, -- JSON stream record
    created_at INTEGER NOT NULL,
    UNIQUE (account_id, region, stream_arn, seq)
  );
  INSERT INTO dynamodb_stream_records_rowid SELECT account_id, region, stream_arn, seq, table_name, record, created_at
    FROM dynamodb_stream_records ORDER BY account_id, region, stream_arn, seq;
  DROP TABLE dynamodb_stream_records;
  ALTER TABLE dynamodb_stream_records_rowid RENAME TO dynamodb_stream_records;
  CREATE INDEX dynamodb_stream_records_age ON dynamodb_stream_records (created_at);`,
  // Backed-up items likewise: a backup copies the table's items in one statement, which took
  // 2 to 5 times as long into a WITHOUT ROWID table (50,000 items of 1 KB: 1.5-1.8 s against 0.3-0.7 s).
  `CREATE TABLE dynamodb_backup_items_rowid (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    backup_arn TEXT    NOT NULL,
    pk         TEXT    NOT NULL,
    sk         TEXT    NOT NULL,
    item       TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    UNIQUE (account_id, region, backup_arn, pk, sk)
  );
  INSERT INTO dynamodb_backup_items_rowid SELECT account_id, region, backup_arn, pk, sk, item, size
    FROM dynamodb_backup_items ORDER BY account_id, region, backup_arn, pk, sk;
  DROP TABLE dynamodb_backup_items;
  ALTER TABLE dynamodb_backup_items_rowid RENAME TO dynamodb_backup_items;`,
  // Each stream's last sequence number, kept apart from its records: numbered from the newest
  // retained record, a stream quiet for a day started again at 1 once the trim had emptied it.
  `CREATE TABLE dynamodb_stream_positions (
    account_id TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    stream_arn TEXT    NOT NULL,
    last_seq   INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, stream_arn)
  ) WITHOUT ROWID;
  INSERT INTO dynamodb_stream_positions SELECT account_id, region, stream_arn, MAX(seq)
    FROM dynamodb_stream_records GROUP BY account_id, region, stream_arn;`,
  // What a transaction's replay is charged on: each action's larger image, JSON numbers.
  `ALTER TABLE dynamodb_tokens ADD COLUMN sizes TEXT;`,
];

export interface ItemRow {
  readonly pk: string;
  readonly sk: string;
  readonly tpk: string;
  readonly tsk: string;
  readonly item: string;
  readonly size: number;
}

export interface RowKey {
  readonly pk: string;
  readonly sk: string;
  readonly tpk: string;
  readonly tsk: string;
}

export interface RangeOptions {
  /** Only rows of this partition (Query); all partitions when undefined (Scan). */
  readonly pk?: string | undefined;
  readonly lower?: { readonly value: string; readonly inclusive: boolean } | undefined;
  readonly upper?: { readonly value: string; readonly inclusive: boolean } | undefined;
  readonly descending?: boolean;
  /** Resume strictly after (or before, descending) this row. */
  readonly after?: RowKey | undefined;
  /**
   * Rows the caller expects to take (a read's Limit and one more): the first page fetches no
   * more than that, so `Limit: 1` on a long partition reads a row, not a full page of items.
   * The hint never changes which rows come out.
   */
  readonly expected?: number | undefined;
  /**
   * Bytes of rows the caller takes at most (a Query or Scan page stops at 1 MB): the first page
   * is short and each later one holds about what is still wanted at the rows' average size, so a
   * page of 100 KB items pulls 32 rows out of SQLite to use a dozen, not 256. Like `expected`, it
   * never changes which rows come out.
   */
  readonly bytes?: number | undefined;
}

const PAGE = 256;
/** The first page of a read bounded by `bytes`: partitions of small items still take one statement. */
const FIRST_BYTES_PAGE = 32;

/**
 * Rows for the next page of a read bounded by bytes: what is left at the average row size, and
 * one more (the caller reads one row past its budget to know there is more). A caller that reads
 * on past its budget skips rows (a key condition the range holds loosely): short pages again.
 */
function nextBytesPage(left: number, rowBytes: number): number {
  return Math.min(PAGE, Math.max(FIRST_BYTES_PAGE, Math.ceil(left / Math.max(1, rowBytes)) + 1));
}

const TABLE_CACHE_ENTRIES = 1000;
/** Item rows kept for reads, and the longest item text kept (memory stays under ~40 MB). */
const ITEM_CACHE_ENTRIES = 10_000;
const ITEM_CACHED_CHARS = 4096;
const smallItem = (row: ItemRow): boolean => row.item.length <= ITEM_CACHED_CHARS;

function tableKey(scope: Scope, name: string): string {
  return `${scope.account}\0${scope.region}\0${name}`;
}

export class DynamoStore {
  /**
   * Tables as item operations read them, by `account\0region\0name`: every write of a table row
   * below forgets its entry, and `transaction` clears them all when it rolls back (row-cache.ts).
   */
  private readonly tables = new RowCache<TableMeta>(TABLE_CACHE_ENTRIES);
  /** Prepared once per SQL text: item reads and writes are the hot path. */
  private readonly db: PreparedStatements;
  /** Read and write capacity left per table and GSI, when --dynamodb-throttling is on (throttling.ts); in memory only. */
  readonly capacity = new CapacityBuckets();

  constructor(
    readonly state: StateLayer,
    /** The bus, for jobs that write items after their call has answered (bulk puts): their stream records. */
    readonly events?: EventBus,
  ) {
    state.migrate("dynamodb", DYNAMODB_MIGRATIONS);
    this.db = { prepare: cachedPrepare(state.db) };
  }

  /**
   * Base-table rows of small items lately read or written, by table and key: GetItem, and the
   * read of the old item every write makes, skip SQLite for a key in use. putRow and deleteRow
   * keep it current, deleting a table clears it, and `transaction` clears it on rollback.
   */
  private readonly items = new RowCache<ItemRow>(ITEM_CACHE_ENTRIES);

  transaction<T>(fn: () => T): T {
    return this.items.guard(() => this.tables.guard(() => this.state.transaction(fn)));
  }

  // -------------------------------------------------------------------------------------------
  // Tables

  /** A fresh copy of the table's description, for callers that change it and save it back. */
  getTable(scope: Scope, name: string): TableMeta | undefined {
    const text = this.tableText(scope, name);
    return text === undefined ? undefined : (JSON.parse(text) as TableMeta);
  }

  /**
   * The table as item operations read it: one parsed, frozen description, kept until the table
   * is written (reading and parsing it on every GetItem/PutItem cost more than the item itself,
   * and even reading its text to compare cost a tenth of a GetItem). Never mutate it: it is
   * frozen to make sure.
   */
  readTable(scope: Scope, name: string): Readonly<TableMeta> | undefined {
    return this.tables.get(tableKey(scope, name), () => {
      const text = this.tableText(scope, name);
      return text === undefined ? undefined : deepFreeze(JSON.parse(text) as TableMeta);
    });
  }

  private tableText(scope: Scope, name: string): string | undefined {
    return this.db
      .prepare<[string, string, string], { description: string }>("SELECT description FROM dynamodb_tables WHERE account_id = ? AND region = ? AND name = ?")
      .get(scope.account, scope.region, name)?.description;
  }

  /** How many tables the account has in the Region, in any state. */
  tableCount(scope: Scope): number {
    return this.db
      .prepare<[string, string], { n: number }>("SELECT COUNT(*) AS n FROM dynamodb_tables WHERE account_id = ? AND region = ?")
      .get(scope.account, scope.region)?.n ?? 0;
  }

  /**
   * The units the account's provisioned tables and their GSIs hold in the Region, as stored
   * (capacity-limits.ts reservedUnits, summed in SQL: CreateTable and UpdateTable ask, not item
   * operations).
   */
  reservedUnits(scope: Scope): { read: number; write: number } {
    const provisioned = "account_id = ? AND region = ? AND json_extract(description, '$.billingMode') = 'PROVISIONED'";
    const row = this.db
      .prepare<[string, string, string, string], { read: number; write: number }>(
        `SELECT COALESCE(SUM(r), 0) AS read, COALESCE(SUM(w), 0) AS write FROM (
           SELECT json_extract(description, '$.provisioned.read') AS r, json_extract(description, '$.provisioned.write') AS w
             FROM dynamodb_tables WHERE ${provisioned}
           UNION ALL
           SELECT json_extract(g.value, '$.provisioned.read'), json_extract(g.value, '$.provisioned.write')
             FROM dynamodb_tables, json_each(description, '$.gsis') AS g WHERE ${provisioned}
         )`,
      )
      .get(scope.account, scope.region, scope.account, scope.region);
    return { read: row?.read ?? 0, write: row?.write ?? 0 };
  }

  insertTable(scope: Scope, meta: TableMeta): void {
    this.tables.forget(tableKey(scope, meta.name));
    this.db
      .prepare("INSERT INTO dynamodb_tables (account_id, region, name, description, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, meta.name, JSON.stringify(meta), meta.createdAt);
  }

  saveTable(scope: Scope, meta: TableMeta): void {
    this.tables.forget(tableKey(scope, meta.name));
    this.db
      .prepare("UPDATE dynamodb_tables SET description = ? WHERE account_id = ? AND region = ? AND name = ?")
      .run(JSON.stringify(meta), scope.account, scope.region, meta.name);
  }

  deleteTable(scope: Scope, name: string): void {
    // Before the commit: a DeleteTable rolled back after this (none is known to) costs its table no more than full buckets.
    const id = this.readTable(scope, name)?.id;
    if (id !== undefined) this.capacity.forgetTable(id);
    this.tables.forget(tableKey(scope, name));
    this.items.clear();
    const args = [scope.account, scope.region, name];
    this.db.prepare("DELETE FROM dynamodb_items WHERE account_id = ? AND region = ? AND table_name = ?").run(...args);
    this.db.prepare("DELETE FROM dynamodb_tags WHERE account_id = ? AND region = ? AND table_name = ?").run(...args);
    this.db.prepare("DELETE FROM dynamodb_tables WHERE account_id = ? AND region = ? AND name = ?").run(...args);
  }

  /** Table names in DynamoDB's order (byte order), strictly after `start`. */
  listTables(scope: Scope, start: string | undefined, limit: number): string[] {
    return this.db
      .prepare<[string, string, string, number], { name: string }>(
        "SELECT name FROM dynamodb_tables WHERE account_id = ? AND region = ? AND name > ? ORDER BY name LIMIT ?",
      )
      .all(scope.account, scope.region, start ?? "", limit)
      .map((r) => r.name);
  }

  /** Every table of every account and region (the TTL sweeper's starting point). */
  allTables(): { scope: Scope; meta: TableMeta }[] {
    return this.db
      .prepare<[], { account_id: string; region: string; description: string }>("SELECT account_id, region, description FROM dynamodb_tables")
      .all()
      .map((r) => ({ scope: { account: r.account_id, region: r.region }, meta: JSON.parse(r.description) as TableMeta }));
  }

  /** Tables CreateTable left CREATING or DeleteTable left DELETING (table-status.ts), of every account and region. */
  tablesInTransition(): { scope: Scope; meta: TableMeta }[] {
    return this.db
      .prepare<[], { account_id: string; region: string; description: string }>(
        "SELECT account_id, region, description FROM dynamodb_tables WHERE json_extract(description, '$.transition.status') IN ('CREATING', 'DELETING')",
      )
      .all()
      .map((r) => ({ scope: { account: r.account_id, region: r.region }, meta: JSON.parse(r.description) as TableMeta }));
  }

  /** Row count and bytes of the table ('') or one of its indexes. */
  stats(scope: Scope, table: string, index: string): { count: number; bytes: number } {
    const row = this.db
      .prepare<[string, string, string, string], { count: number; bytes: number | null }>(
        "SELECT COUNT(*) AS count, SUM(size) AS bytes FROM dynamodb_items WHERE account_id = ? AND region = ? AND table_name = ? AND index_name = ?",
      )
      .get(scope.account, scope.region, table, index);
    return { count: row?.count ?? 0, bytes: row?.bytes ?? 0 };
  }

  // -------------------------------------------------------------------------------------------
  // Items

  getRow(scope: Scope, table: string, index: string, key: RowKey): ItemRow | undefined {
    const read = (): ItemRow | undefined =>
      this.db
        .prepare<[string, string, string, string, string, string, string, string], ItemRow>(
          `SELECT pk, sk, tpk, tsk, item, size FROM dynamodb_items
           WHERE account_id = ? AND region = ? AND table_name = ? AND index_name = ? AND pk = ? AND sk = ? AND tpk = ? AND tsk = ?`,
        )
        .get(scope.account, scope.region, table, index, key.pk, key.sk, key.tpk, key.tsk);
    const cached = itemKey(scope, table, index, key);
    return cached === undefined ? read() : this.items.get(cached, read, smallItem);
  }

  putRow(scope: Scope, table: string, index: string, key: RowKey, item: string, size: number, expiresAt: number | null): void {
    this.db
      .prepare(
        // An upsert, not INSERT OR REPLACE: an overwrite updates the row in place instead of
        // deleting it and inserting it again, which would rewrite the key index twice.
        `INSERT INTO dynamodb_items (account_id, region, table_name, index_name, pk, sk, tpk, tsk, item, size, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, region, table_name, index_name, pk, sk, tpk, tsk)
         DO UPDATE SET item = excluded.item, size = excluded.size, expires_at = excluded.expires_at`,
      )
      .run(scope.account, scope.region, table, index, key.pk, key.sk, key.tpk, key.tsk, item, size, expiresAt);
    const cached = itemKey(scope, table, index, key);
    if (cached === undefined) return;
    const row: ItemRow = { pk: key.pk, sk: key.sk, tpk: key.tpk, tsk: key.tsk, item, size };
    if (smallItem(row)) this.items.replace(cached, () => row);
    else this.items.forget(cached);
  }

  deleteRow(scope: Scope, table: string, index: string, key: RowKey): void {
    const cached = itemKey(scope, table, index, key);
    if (cached !== undefined) this.items.forget(cached);
    this.db
      .prepare(
        `DELETE FROM dynamodb_items
         WHERE account_id = ? AND region = ? AND table_name = ? AND index_name = ? AND pk = ? AND sk = ? AND tpk = ? AND tsk = ?`,
      )
      .run(scope.account, scope.region, table, index, key.pk, key.sk, key.tpk, key.tsk);
  }

  deleteIndexRows(scope: Scope, table: string, index: string): void {
    if (index === "") this.items.clear();
    this.db
      .prepare("DELETE FROM dynamodb_items WHERE account_id = ? AND region = ? AND table_name = ? AND index_name = ?")
      .run(scope.account, scope.region, table, index);
  }

  setExpiry(scope: Scope, table: string, key: RowKey, expiresAt: number | null): void {
    this.db
      .prepare(
        `UPDATE dynamodb_items SET expires_at = ?
         WHERE account_id = ? AND region = ? AND table_name = ? AND index_name = '' AND pk = ? AND sk = ? AND tpk = ? AND tsk = ?`,
      )
      .run(expiresAt, scope.account, scope.region, table, key.pk, key.sk, key.tpk, key.tsk);
  }

  /**
   * Rows of one table or index in key order, fetched in pages by keyset, so a Query reads only
   * its partition's range and never holds a statement open across the caller's own reads.
   */
  *range(scope: Scope, table: string, index: string, opts: RangeOptions): Generator<ItemRow> {
    const desc = opts.descending === true;
    const order = desc ? "DESC" : "ASC";
    const partition = opts.pk !== undefined;
    const orderBy = partition ? `sk ${order}, tpk ${order}, tsk ${order}` : `pk ${order}, sk ${order}, tpk ${order}, tsk ${order}`;
    let after = opts.after;
    // Written into the SQL, not bound: SQLite re-prepares a statement whose bound LIMIT changed,
    // which doubled a Query's cost. At most PAGE texts per shape, each prepared once.
    let pageSize = Math.max(1, Math.min(PAGE, Math.trunc(opts.expected ?? PAGE), opts.bytes === undefined ? PAGE : FIRST_BYTES_PAGE));
    let rowsRead = 0;
    let bytesRead = 0;
    for (;;) {
      const where: string[] = ["account_id = ?", "region = ?", "table_name = ?", "index_name = ?"];
      const args: unknown[] = [scope.account, scope.region, table, index];
      let lower = opts.lower;
      let upper = opts.upper;
      if (partition) {
        where.push("pk = ?");
        args.push(opts.pk);
        // SQLite walks the key index from a plain bound on sk, not from a row value next to
        // one, so the resume point also tightens the sk bound; the row value then skips the
        // few rows that share its sk.
        if (after !== undefined) {
          const resume = { value: after.sk, inclusive: true };
          if (desc) upper = upper === undefined || compareStrings(resume.value, upper.value) < 0 ? resume : upper;
          else lower = lower === undefined || compareStrings(resume.value, lower.value) > 0 ? resume : lower;
        }
        if (lower) {
          where.push(`sk ${lower.inclusive ? ">=" : ">"} ?`);
          args.push(lower.value);
        }
        if (upper) {
          where.push(`sk ${upper.inclusive ? "<=" : "<"} ?`);
          args.push(upper.value);
        }
        if (after !== undefined) {
          where.push(`(sk, tpk, tsk) ${desc ? "<" : ">"} (?, ?, ?)`);
          args.push(after.sk, after.tpk, after.tsk);
        }
      } else if (after !== undefined) {
        where.push(`(pk, sk, tpk, tsk) ${desc ? "<" : ">"} (?, ?, ?, ?)`);
        args.push(after.pk, after.sk, after.tpk, after.tsk);
      }
      // Raw rows, made into ItemRows by one literal: better-sqlite3 builds a row object by looking
      // each column's name up, which costs about twice as much.
      const rows = this.db
        .prepare<unknown[], unknown[]>(`SELECT pk, sk, tpk, tsk, item, size FROM dynamodb_items WHERE ${where.join(" AND ")} ORDER BY ${orderBy} LIMIT ${pageSize}`)
        .raw(true)
        .all(...args) as unknown as (readonly [string, string, string, string, string, number])[];
      for (const r of rows) {
        const row: ItemRow = { pk: r[0], sk: r[1], tpk: r[2], tsk: r[3], item: r[4], size: r[5] };
        rowsRead++;
        bytesRead += row.size;
        yield row;
      }
      if (rows.length < pageSize) return;
      const last = rows[rows.length - 1] as (typeof rows)[number];
      after = { pk: last[0], sk: last[1], tpk: last[2], tsk: last[3] };
      pageSize = opts.bytes === undefined ? PAGE : nextBytesPage(opts.bytes - bytesRead, bytesRead / rowsRead);
    }
  }

  /**
   * The time a new stream of the table `tableArn` is labelled with: `now`, or a millisecond after the
   * latest label of its earlier streams when that is not earlier. "The combination of the AWS
   * customer ID, the table name and the StreamLabel is guaranteed to be unique" (API reference,
   * Stream), and a table made again, or a stream switched off and on, in the same millisecond (a
   * manual clock stands still, and starts again at its time after a restart) took its old stream's
   * ARN, and with it the old stream's records. Earlier streams are known by their positions
   * (registerStream).
   */
  streamLabelTime(scope: Scope, tableArn: string, now: number): number {
    const prefix = `${tableArn}/stream/`;
    const row = this.db
      .prepare<[string, string, string, string], { arn: string | null }>(
        "SELECT MAX(stream_arn) AS arn FROM dynamodb_stream_positions WHERE account_id = ? AND region = ? AND stream_arn >= ? AND stream_arn < ?",
      )
      .get(scope.account, scope.region, prefix, `${prefix}\uffff`);
    // Labels are times in ISO form, so they sort as their times do.
    const last = row?.arn ? Date.parse(`${row.arn.slice(prefix.length)}Z`) : Number.NaN;
    return !Number.isNaN(last) && last >= now ? last + 1 : now;
  }

  /** Gives a new stream its position before any record, so that streamLabelTime knows its label; the trim forgets it once it is no table's stream. */
  registerStream(scope: Scope, streamArn: string): void {
    this.db.prepare("INSERT OR IGNORE INTO dynamodb_stream_positions (account_id, region, stream_arn, last_seq) VALUES (?, ?, ?, 0)").run(scope.account, scope.region, streamArn);
  }

  /** Base rows whose TTL (epoch seconds) is between `oldest` and `nowSeconds`. */
  expired(nowSeconds: number, oldest: number, limit: number): { account: string; region: string; table: string; key: RowKey }[] {
    return this.db
      .prepare<[number, number, number], { account_id: string; region: string; table_name: string; pk: string; sk: string; tpk: string; tsk: string }>(
        `SELECT account_id, region, table_name, pk, sk, tpk, tsk FROM dynamodb_items
         WHERE expires_at IS NOT NULL AND expires_at BETWEEN ? AND ? AND index_name = '' ORDER BY expires_at LIMIT ?`,
      )
      .all(oldest, nowSeconds, limit)
      .map((r) => ({ account: r.account_id, region: r.region, table: r.table_name, key: { pk: r.pk, sk: r.sk, tpk: r.tpk, tsk: r.tsk } }));
  }

  // -------------------------------------------------------------------------------------------
  // Tags

  tags(scope: Scope, table: string): { Key: string; Value: string }[] {
    return this.db
      .prepare<[string, string, string], { key: string; value: string }>(
        "SELECT key, value FROM dynamodb_tags WHERE account_id = ? AND region = ? AND table_name = ? ORDER BY key",
      )
      .all(scope.account, scope.region, table)
      .map((r) => ({ Key: r.key, Value: r.value }));
  }

  putTag(scope: Scope, table: string, key: string, value: string): void {
    this.db
      .prepare("INSERT OR REPLACE INTO dynamodb_tags (account_id, region, table_name, key, value) VALUES (?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, table, key, value);
  }

  deleteTag(scope: Scope, table: string, key: string): void {
    this.db.prepare("DELETE FROM dynamodb_tags WHERE account_id = ? AND region = ? AND table_name = ? AND key = ?").run(scope.account, scope.region, table, key);
  }

  // -------------------------------------------------------------------------------------------
  // Idempotency tokens (TransactWriteItems ClientRequestToken)

  /** `sizes`: the bytes of each action's larger image, as saved (absent for a token saved before they were kept). */
  token(scope: Scope, token: string, notBefore: number): { fingerprint: string; sizes?: number[] } | undefined {
    const row = this.db
      .prepare<[string, string, string, number], { fingerprint: string; sizes: string | null }>(
        "SELECT fingerprint, sizes FROM dynamodb_tokens WHERE account_id = ? AND region = ? AND token = ? AND created_at >= ?",
      )
      .get(scope.account, scope.region, token, notBefore);
    if (row === undefined) return undefined;
    return { fingerprint: row.fingerprint, ...(row.sizes !== null ? { sizes: JSON.parse(row.sizes) as number[] } : {}) };
  }

  saveToken(scope: Scope, token: string, fingerprint: string, sizes: readonly number[], now: number): void {
    this.db
      .prepare("INSERT OR REPLACE INTO dynamodb_tokens (account_id, region, token, fingerprint, sizes, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, token, fingerprint, JSON.stringify(sizes), now);
  }

  /**
   * Forgets the tokens saved before `before` (the sweep, every minute). Purged only when the next
   * token was saved, the tokens of a burst of transactions stayed for ever once it was over, and
   * every TransactWriteItems with a token read the whole table to purge it.
   */
  purgeTokens(before: number): void {
    this.db.prepare("DELETE FROM dynamodb_tokens WHERE created_at < ?").run(before);
  }

  // -------------------------------------------------------------------------------------------
  // Stream records

  /** Retained stream records, oldest first (for re-publishing to a stream consumer). */
  /** Every stream that has ever had a record (or was registered), with the last sequence number it gave (0: none). */
  streamPositions(): { account: string; region: string; streamArn: string; lastSeq: number }[] {
    return this.db
      .prepare<[], { account_id: string; region: string; stream_arn: string; last_seq: number }>("SELECT account_id, region, stream_arn, last_seq FROM dynamodb_stream_positions")
      .all()
      .map((r) => ({ account: r.account_id, region: r.region, streamArn: r.stream_arn, lastSeq: r.last_seq }));
  }

  /** A stream's retained records numbered after `after`, in order, at most `limit`. */
  streamRecordsAfter(scope: Scope, streamArn: string, after: number, limit: number): { table: string; seq: number; record: string }[] {
    return this.db
      .prepare<[string, string, string, number, number], { table_name: string; seq: number; record: string }>(
        "SELECT table_name, seq, record FROM dynamodb_stream_records WHERE account_id = ? AND region = ? AND stream_arn = ? AND seq > ? ORDER BY seq LIMIT ?",
      )
      .all(scope.account, scope.region, streamArn, after, limit)
      .map((r) => ({ table: r.table_name, seq: r.seq, record: r.record }));
  }

  /**
   * Stream records are retained 24 hours. A stream's position goes with its last record once the
   * stream is no table's own (its table deleted, or the stream disabled and replaced): nothing is
   * numbered on it again, and a sync has nothing of it to send. Kept for ever, every table ever
   * made with a stream left a row here that each sync read. A table's own stream keeps its
   * position through a quiet day, so that its numbers only grow.
   */
  trimStreamRecords(before: number): void {
    this.db.prepare("DELETE FROM dynamodb_stream_records WHERE created_at < ?").run(before);
    // The table by its key, named in the ARN (arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>).
    // A stream labelled (made) since `before` keeps its position, so that streamLabelTime knows it.
    this.db
      .prepare(
        `DELETE FROM dynamodb_stream_positions WHERE substr(stream_arn, instr(stream_arn, '/stream/') + 8) < ? AND NOT EXISTS (
           SELECT 1 FROM dynamodb_stream_records AS r
           WHERE r.account_id = dynamodb_stream_positions.account_id AND r.region = dynamodb_stream_positions.region AND r.stream_arn = dynamodb_stream_positions.stream_arn
         ) AND NOT EXISTS (
           SELECT 1 FROM dynamodb_tables AS t
           WHERE t.account_id = dynamodb_stream_positions.account_id AND t.region = dynamodb_stream_positions.region
             AND t.name = substr(dynamodb_stream_positions.stream_arn, instr(dynamodb_stream_positions.stream_arn, ':table/') + 7,
               instr(dynamodb_stream_positions.stream_arn, '/stream/') - instr(dynamodb_stream_positions.stream_arn, ':table/') - 7)
             AND json_extract(t.description, '$.stream.arn') = dynamodb_stream_positions.stream_arn
         )`,
      )
      .run(streamLabel(before));
  }

  /** Numbers the record after the stream's last one, trimmed or not: a shard's sequence numbers only grow. */
  appendStreamRecord(scope: Scope, streamArn: string, table: string, record: string, now: number): number {
    const row = this.db
      .prepare<[string, string, string], { last_seq: number }>(
        `INSERT INTO dynamodb_stream_positions (account_id, region, stream_arn, last_seq) VALUES (?, ?, ?, 1)
         ON CONFLICT (account_id, region, stream_arn) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq`,
      )
      .get(scope.account, scope.region, streamArn);
    const seq = row?.last_seq ?? 1;
    this.db
      .prepare("INSERT INTO dynamodb_stream_records (account_id, region, stream_arn, seq, table_name, record, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, streamArn, seq, table, record, now);
    return seq;
  }

  // -------------------------------------------------------------------------------------------
  // Backups

  /** Records a backup and copies the table's base rows into it; returns what was copied. */
  createBackup(scope: Scope, backup: Omit<BackupRow, "sizeBytes" | "itemCount">): { sizeBytes: number; itemCount: number } {
    this.db
      .prepare(
        `INSERT INTO dynamodb_backup_items (account_id, region, backup_arn, pk, sk, item, size)
         SELECT account_id, region, ?, pk, sk, item, size FROM dynamodb_items
         WHERE account_id = ? AND region = ? AND table_name = ? AND index_name = ''`,
      )
      .run(backup.arn, scope.account, scope.region, backup.tableName);
    const copied = this.db
      .prepare<[string, string, string], { count: number; bytes: number | null }>(
        "SELECT COUNT(*) AS count, SUM(size) AS bytes FROM dynamodb_backup_items WHERE account_id = ? AND region = ? AND backup_arn = ?",
      )
      .get(scope.account, scope.region, backup.arn);
    const sizeBytes = copied?.bytes ?? 0;
    const itemCount = copied?.count ?? 0;
    this.db
      .prepare(
        `INSERT INTO dynamodb_backups (account_id, region, arn, name, table_name, backup_type, created_at, expires_at, size_bytes, item_count, source)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(scope.account, scope.region, backup.arn, backup.name, backup.tableName, backup.type, backup.createdAt, backup.expiresAt ?? null, sizeBytes, itemCount, backup.source);
    return { sizeBytes, itemCount };
  }

  getBackup(scope: Scope, arn: string): BackupRow | undefined {
    const row = this.db
      .prepare<[string, string, string], BackupSqlRow>(`SELECT ${BACKUP_COLUMNS} FROM dynamodb_backups WHERE account_id = ? AND region = ? AND arn = ?`)
      .get(scope.account, scope.region, arn);
    return row ? backupRow(row) : undefined;
  }

  /** Backups in creation order (then ARN), strictly after `after`, at most `limit`. */
  listBackups(scope: Scope, filter: BackupFilter, limit: number): BackupRow[] {
    const where = ["account_id = ?", "region = ?"];
    const args: unknown[] = [scope.account, scope.region];
    if (filter.tableName !== undefined) {
      where.push("table_name = ?");
      args.push(filter.tableName);
    }
    if (filter.from !== undefined) {
      where.push("created_at >= ?");
      args.push(filter.from);
    }
    if (filter.before !== undefined) {
      where.push("created_at < ?");
      args.push(filter.before);
    }
    if (filter.after !== undefined) {
      where.push("(created_at, arn) > (?, ?)");
      args.push(filter.after.createdAt, filter.after.arn);
    }
    where.push(`backup_type IN (${filter.types.map(() => "?").join(", ")})`);
    args.push(...filter.types);
    return this.db
      .prepare<unknown[], BackupSqlRow>(`SELECT ${BACKUP_COLUMNS} FROM dynamodb_backups WHERE ${where.join(" AND ")} ORDER BY created_at, arn LIMIT ${Math.max(0, Math.floor(limit))}`)
      .all(...args)
      .map(backupRow);
  }

  /** Drops SYSTEM backups whose expiry has come. */
  deleteExpiredBackups(now: number): void {
    this.db
      .prepare(
        `DELETE FROM dynamodb_backup_items WHERE (account_id, region, backup_arn) IN (
           SELECT account_id, region, arn FROM dynamodb_backups WHERE expires_at IS NOT NULL AND expires_at <= ?)`,
      )
      .run(now);
    this.db.prepare("DELETE FROM dynamodb_backups WHERE expires_at IS NOT NULL AND expires_at <= ?").run(now);
  }

  deleteBackup(scope: Scope, arn: string): void {
    this.db.prepare("DELETE FROM dynamodb_backup_items WHERE account_id = ? AND region = ? AND backup_arn = ?").run(scope.account, scope.region, arn);
    this.db.prepare("DELETE FROM dynamodb_backups WHERE account_id = ? AND region = ? AND arn = ?").run(scope.account, scope.region, arn);
  }

  /** A backup's items in key order, fetched in pages. */
  *backupItems(scope: Scope, arn: string): Generator<string> {
    let after: { pk: string; sk: string } | undefined;
    for (;;) {
      const rows = this.db
        .prepare<unknown[], { pk: string; sk: string; item: string }>(
          `SELECT pk, sk, item FROM dynamodb_backup_items WHERE account_id = ? AND region = ? AND backup_arn = ?${after ? " AND (pk, sk) > (?, ?)" : ""}
           ORDER BY pk, sk LIMIT ${PAGE}`,
        )
        .all(scope.account, scope.region, arn, ...(after ? [after.pk, after.sk] : []));
      for (const row of rows) yield row.item;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1];
    }
  }

  // -------------------------------------------------------------------------------------------
  // Item history (point-in-time recovery)

  /** One change of one item while PITR is on: the item as it was before (null: it did not exist). */
  recordItemVersion(scope: Scope, tableId: string, key: RowKey, before: string | null, at: number): void {
    this.db
      .prepare("INSERT INTO dynamodb_item_history (account_id, region, table_id, pk, sk, changed_at, before) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(scope.account, scope.region, tableId, key.pk, key.sk, at, before);
  }

  /**
   * For every item changed after `at`, the item as it was before its first change after `at`
   * (null: it did not exist then); an item not listed is as it is now.
   */
  itemsBeforeChangesAfter(scope: Scope, tableId: string, at: number): Map<string, { pk: string; sk: string; before: string | null }> {
    // SQLite takes the bare columns of a MIN() aggregate from the row holding the minimum.
    const rows = this.db
      .prepare<[string, string, string, number], { pk: string; sk: string; before: string | null; first: number }>(
        `SELECT pk, sk, before, MIN(seq) AS first FROM dynamodb_item_history
         WHERE account_id = ? AND region = ? AND table_id = ? AND changed_at > ? GROUP BY pk, sk`,
      )
      .all(scope.account, scope.region, tableId, at);
    return new Map(rows.map((r) => [historyKey(r.pk, r.sk), { pk: r.pk, sk: r.sk, before: r.before }]));
  }

  /** Drops a table's history older than `before` (all of it when undefined). */
  deleteItemHistory(scope: Scope, tableId: string, before?: number): void {
    if (before === undefined) {
      this.db.prepare("DELETE FROM dynamodb_item_history WHERE account_id = ? AND region = ? AND table_id = ?").run(scope.account, scope.region, tableId);
    } else {
      this.db
        .prepare("DELETE FROM dynamodb_item_history WHERE account_id = ? AND region = ? AND table_id = ? AND changed_at < ?")
        .run(scope.account, scope.region, tableId, before);
    }
  }

  /** Drops the history of tables that no longer exist or no longer have PITR on. */
  deleteOrphanItemHistory(): void {
    this.db
      .prepare(
        `DELETE FROM dynamodb_item_history WHERE NOT EXISTS (
           SELECT 1 FROM dynamodb_tables t
           WHERE t.account_id = dynamodb_item_history.account_id AND t.region = dynamodb_item_history.region
             AND json_extract(t.description, '$.id') = dynamodb_item_history.table_id
             AND json_extract(t.description, '$.pitrSince') IS NOT NULL)`,
      )
      .run();
  }
}

export interface BackupRow {
  readonly arn: string;
  readonly name: string;
  readonly tableName: string;
  readonly type: "USER" | "SYSTEM";
  readonly createdAt: number;
  readonly expiresAt?: number | undefined;
  readonly sizeBytes: number;
  readonly itemCount: number;
  /** JSON TableMeta of the source table when it was backed up. */
  readonly source: string;
}

export interface BackupFilter {
  readonly tableName?: string | undefined;
  /** Created at or after (epoch ms). */
  readonly from?: number | undefined;
  /** Created strictly before (epoch ms). */
  readonly before?: number | undefined;
  readonly types: readonly string[];
  readonly after?: { readonly createdAt: number; readonly arn: string } | undefined;
}

interface BackupSqlRow {
  arn: string;
  name: string;
  table_name: string;
  backup_type: string;
  created_at: number;
  expires_at: number | null;
  size_bytes: number;
  item_count: number;
  source: string;
}

const BACKUP_COLUMNS = "arn, name, table_name, backup_type, created_at, expires_at, size_bytes, item_count, source";

function backupRow(r: BackupSqlRow): BackupRow {
  return {
    arn: r.arn,
    name: r.name,
    tableName: r.table_name,
    type: r.backup_type === "SYSTEM" ? "SYSTEM" : "USER",
    createdAt: r.created_at,
    ...(r.expires_at !== null ? { expiresAt: r.expires_at } : {}),
    sizeBytes: r.size_bytes,
    itemCount: r.item_count,
    source: r.source,
  };
}

export function historyKey(pk: string, sk: string): string {
  return `${pk}\u0000${sk}`;
}

/**
 * The item cache's key of a base-table row (index '', tpk/tsk equal to pk/sk); undefined for
 * index rows, which are not cached. The key's length keeps (pk, sk) pairs apart.
 */
function itemKey(scope: Scope, table: string, index: string, key: RowKey): string | undefined {
  if (index !== "" || key.tpk !== key.pk || key.tsk !== key.sk) return undefined;
  return `${scope.account}\0${scope.region}\0${table}\0${key.pk.length}\0${key.pk}${key.sk}`;
}
