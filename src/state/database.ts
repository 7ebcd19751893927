import { createHash } from "node:crypto";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import type { Database } from "better-sqlite3";
import { systemClock, type Clock } from "../core/clock.js";
import { BLOB_MIGRATIONS, DiskBlobStore, type BlobStore } from "./blob-store.js";
import { startCheckpointer, type Checkpointer } from "./checkpointer.js";
import { lockDataDir } from "./data-dir-lock.js";

/**
 * The state layer: one SQLite database for all metadata and small payloads, plus the blob
 * store for bodies. In persistent mode a worker thread holds a second connection that does
 * nothing but copy the WAL back into the database file (checkpointer.ts). In-memory mode
 * (tests, `--no-persist`) is the same code on `:memory:` and a temporary blob dir, never a
 * second implementation.
 *
 * Schema conventions every service follows:
 * - Tables are named `<service>_<thing>` (`sqs_queues`, `s3_objects`) and created by the
 *   service's own migrations: `state.migrate("sqs", SQS_MIGRATIONS)`. Migrations are
 *   append-only: never edit one that has shipped, add the next.
 * - Every service table starts its key with `account_id TEXT, region TEXT`, because every AWS
 *   resource lives in one account and one region, and lookups always know both.
 * - Small rows (queues, tables, subscriptions) live in WITHOUT ROWID tables keyed by that key.
 *   Rows that are often a KiB or more (messages, items, stream records) live in rowid tables with
 *   the key as a UNIQUE index: WITHOUT ROWID stores the whole row in the key's b-tree, only a few
 *   such rows fit a page, and every insert between them splits pages (2-4x the cost per write).
 * - Global resources say so in a comment on the table and keep `account_id` but no region:
 *   S3 bucket names are unique across all accounts and regions (the bucket row records its
 *   owner and its region as data), IAM users/roles/policies belong to an account, not a region.
 * - Tables starting with `_` belong to the state layer (`_migrations`, `_blobs`).
 */

export type { Database } from "better-sqlite3";

export interface OpenStateOptions {
  /** Where `nimbus.db` and `blobs/` live. Required unless inMemory. */
  dataDir?: string;
  inMemory: boolean;
  /** Stamps `_migrations.applied_at`. */
  clock?: Clock;
  /** How long a write waits for another connection's lock (a second reader, the sqlite3 shell). */
  busyTimeoutMs?: number;
  /**
   * How often the background checkpointer (checkpointer.ts) copies the WAL into the database
   * file; 0 leaves checkpoints to SQLite, inside the commits. Persistent mode only.
   */
  checkpointIntervalMs?: number;
  /** Buffered blob puts up to this size are kept in the database (blob-store.ts); 0 gives each a file. Default INLINE_BLOB_BYTES. */
  inlineBlobBytes?: number;
}

const DEFAULT_CHECKPOINT_INTERVAL_MS = 100;
/** SQLite's own default, restored if the checkpointer cannot run. */
const AUTOCHECKPOINT_PAGES = 1000;

export interface StateLayer {
  readonly db: Database;
  readonly blobs: BlobStore;
  readonly inMemory: boolean;
  readonly dataDir: string | undefined;
  /**
   * Applies `migrations[i]` as version i + 1 of `service`, each once, each in its own
   * transaction together with its `_migrations` row. Migration SQL must not BEGIN/COMMIT.
   */
  migrate(service: string, migrations: readonly string[]): void;
  /** Runs `fn` in a transaction; nested calls become savepoints. `fn` must be synchronous. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

const DB_FILE = "nimbus.db";
const BLOB_DIR = "blobs";

export function openState(opts: OpenStateOptions): StateLayer {
  return SqliteStateLayer.open(opts);
}

class SqliteStateLayer implements StateLayer {
  private closed = false;
  /**
   * One better-sqlite3 transaction function for every transaction (nested ones become
   * savepoints). `db.transaction(fn)` builds four wrappers and their properties on each call,
   * which cost more than the BEGIN and COMMIT of a small write.
   */
  private readonly transactionRunner: (fn: () => unknown) => unknown;
  private checkpointer: Checkpointer | undefined;
  /** Gives the data dir back (data-dir-lock.ts); persistent mode only. */
  private unlock: (() => void) | undefined;

  private constructor(
    readonly db: Database,
    private readonly blobStore: DiskBlobStore,
    readonly inMemory: boolean,
    readonly dataDir: string | undefined,
    private readonly clock: Clock,
    private readonly ownedTempDir: string | undefined,
  ) {
    this.transactionRunner = db.transaction((fn: () => unknown) => {
      const result = fn();
      if (isPromiseLike(result)) {
        // better-sqlite3 would commit before the promise settles, with the awaited writes
        // landing outside the transaction. Roll back instead and say why.
        Promise.resolve(result).catch(() => undefined);
        throw new TypeError("state.transaction: the function returned a promise; transactions are synchronous, so do async work (blob puts, invocations) before or after it");
      }
      return result;
    });
  }

  static open(opts: OpenStateOptions): SqliteStateLayer {
    const clock = opts.clock ?? systemClock;
    const busyTimeout = opts.busyTimeoutMs ?? 5000;
    if (opts.inMemory) {
      const tempDir = mkdtempSync(join(tmpdir(), "nimbus-state-"));
      let db: Database | undefined;
      try {
        db = new BetterSqlite3(":memory:");
        configure(db, { persistent: false, busyTimeout });
        return SqliteStateLayer.finish(db, join(tempDir, BLOB_DIR), true, undefined, clock, tempDir, opts.inlineBlobBytes);
      } catch (error) {
        db?.close();
        rmSync(tempDir, { recursive: true, force: true });
        throw error;
      }
    }
    if (opts.dataDir === undefined || opts.dataDir === "") {
      throw new Error("openState: a dataDir is required unless inMemory is true");
    }
    const dataDir = resolve(opts.dataDir);
    let unlock: () => void;
    try {
      mkdirSync(dataDir, { recursive: true });
      // A read-only volume opens and reads; its first write would fail deep in a service's start.
      accessSync(dataDir, constants.W_OK);
      unlock = lockDataDir(dataDir);
    } catch (error) {
      throw unwritableDataDir(dataDir, error);
    }
    let db: Database | undefined;
    try {
      db = new BetterSqlite3(join(dataDir, DB_FILE));
      configure(db, { persistent: true, busyTimeout });
      const state = SqliteStateLayer.finish(db, join(dataDir, BLOB_DIR), false, dataDir, clock, undefined, opts.inlineBlobBytes);
      state.unlock = unlock;
      state.startCheckpointer(join(dataDir, DB_FILE), opts.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS);
      return state;
    } catch (error) {
      db?.close();
      unlock();
      throw unwritableDataDir(dataDir, error);
    }
  }

  private static finish(
    db: Database,
    blobRoot: string,
    inMemory: boolean,
    dataDir: string | undefined,
    clock: Clock,
    ownedTempDir: string | undefined,
    inlineBlobBytes: number | undefined,
  ): SqliteStateLayer {
    db.exec(`CREATE TABLE IF NOT EXISTS _migrations (
      service    TEXT    NOT NULL,
      version    INTEGER NOT NULL,
      checksum   TEXT    NOT NULL,
      applied_at INTEGER NOT NULL,
      PRIMARY KEY (service, version)
    ) WITHOUT ROWID`);
    applyMigrations(db, clock, "_blobs", BLOB_MIGRATIONS);
    const blobs = new DiskBlobStore(db, blobRoot, inlineBlobBytes);
    return new SqliteStateLayer(db, blobs, inMemory, dataDir, clock, ownedTempDir);
  }

  /** Moves WAL checkpoints off this thread; if the worker cannot start or dies, SQLite's own come back. */
  private startCheckpointer(file: string, intervalMs: number): void {
    if (intervalMs <= 0) return;
    const fallBack = (): void => {
      this.checkpointer = undefined;
      if (!this.closed) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    };
    this.db.pragma("wal_autocheckpoint = 0");
    try {
      this.checkpointer = startCheckpointer(file, intervalMs, fallBack);
    } catch {
      fallBack();
    }
  }

  get blobs(): BlobStore {
    return this.blobStore;
  }

  migrate(service: string, migrations: readonly string[]): void {
    if (service.startsWith("_")) throw new Error(`migrate: service names starting with "_" are reserved for the state layer: ${service}`);
    applyMigrations(this.db, this.clock, service, migrations);
  }

  transaction<T>(fn: () => T): T {
    const outermost = !this.db.inTransaction;
    try {
      return this.transactionRunner(fn) as T;
    } finally {
      // Blob files released in the transaction go only now that its outcome is final.
      if (outermost) this.blobStore.flushDeletions();
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // The worker's connection closes as it ends; the last connection to close folds the WAL in.
    void this.checkpointer?.stop();
    this.checkpointer = undefined;
    try {
      this.blobStore.flushDeletions();
      if (!this.inMemory) {
        try {
          this.db.pragma("optimize");
        } catch {
          // Statistics for the query planner, nothing more: a full disk (or a read-only one)
          // cannot take them, and the close must not fail for that.
        }
      }
    } finally {
      this.db.close();
      if (this.ownedTempDir !== undefined) rmSync(this.ownedTempDir, { recursive: true, force: true });
      this.unlock?.();
    }
  }
}

/** What the host's file system answers when it cannot take a write: a full disk, a read-only volume, no permission. */
const DISK_ERRORS = /^(SQLITE_(FULL|IOERR|READONLY|CANTOPEN|PERM)|ENOSPC|EROFS|EACCES|EPERM|EDQUOT)/;

/**
 * The error to start with when the data dir cannot be written: SQLite words a full disk at
 * start-up as "disk I/O error" (SQLITE_IOERR_SHMSIZE, the WAL index cannot grow), which sends
 * the user looking in the wrong place. Any other error is left as it is.
 */
function unwritableDataDir(dataDir: string, error: unknown): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string" || !DISK_ERRORS.test(code)) return error;
  const message = error instanceof Error ? error.message : String(error);
  // Node's own file system errors start with their code already.
  const reason = message.startsWith(code) ? message : `${code}: ${message}`;
  return new DataDirUnwritableError(`Nimbus cannot write its data dir ${dataDir} (${reason}): is its disk full, or the volume read-only? Free some space, or give Nimbus another data dir`, {
    cause: error,
  });
}

/** The data dir cannot be written (unwritableDataDir); its message says what to do. */
export class DataDirUnwritableError extends Error {
  override readonly name = "DataDirUnwritableError";
}

function configure(db: Database, opts: { persistent: boolean; busyTimeout: number }): void {
  if (opts.persistent) {
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (String(mode).toLowerCase() !== "wal") throw new Error(`openState: could not enable WAL (journal_mode is ${String(mode)})`);
    // Our promise is that an acknowledged write survives kill -9 of the process. In WAL mode
    // a commit has been written into the -wal file (handed to the OS) before COMMIT returns,
    // and the OS keeps it when the process dies; NORMAL only skips the per-commit fsync, so
    // a power cut may lose the newest commits but never corrupts the database. FULL would
    // fsync on every commit and buy nothing against a process crash.
    db.pragma("synchronous = NORMAL");
    // The WAL keeps its high-water size after a checkpoint; cap what stays on disk.
    db.pragma("journal_size_limit = 67108864");
  }
  db.pragma("foreign_keys = ON");
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeout))}`);
}

function applyMigrations(db: Database, clock: Clock, service: string, migrations: readonly string[]): void {
  const applied = new Map<number, string>();
  const rows = db
    .prepare<[string], { version: number; checksum: string }>("SELECT version, checksum FROM _migrations WHERE service = ?")
    .all(service);
  for (const row of rows) applied.set(row.version, row.checksum);
  for (const version of applied.keys()) {
    if (version > migrations.length) {
      throw new Error(
        `migrate(${service}): the data dir has version ${version} applied but this Nimbus knows only ${migrations.length}; it was written by a newer Nimbus`,
      );
    }
  }
  const insert = db.prepare<[string, number, string, number]>(
    "INSERT INTO _migrations (service, version, checksum, applied_at) VALUES (?, ?, ?, ?)",
  );
  migrations.forEach((sql, i) => {
    const version = i + 1;
    const checksum = createHash("sha256").update(sql).digest("hex");
    const done = applied.get(version);
    if (done !== undefined) {
      if (done !== checksum) {
        throw new Error(
          `migrate(${service}): migration ${version} was changed after it was applied to this data dir; migrations are append-only, add a new one instead`,
        );
      }
      return;
    }
    db.transaction(() => {
      db.exec(sql);
      insert.run(service, version, checksum, clock.now());
    })();
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** What a store needs of the database when its statements come from `cachedPrepare`. */
export interface PreparedStatements {
  prepare: Database["prepare"];
}

/**
 * `db.prepare` that compiles each SQL text once. Hot paths (item reads, message receives,
 * object lookups) run the same statements on every request. A cached statement must not be
 * iterated while another iteration of the same SQL is open: use `db.prepare` for `iterate()`.
 */
export function cachedPrepare(db: Database): Database["prepare"] {
  const cache = new Map<string, ReturnType<Database["prepare"]>>();
  return ((sql: string) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  }) as Database["prepare"];
}
