import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../core/manual-clock.js";
import { INLINE_BLOB_BYTES } from "./blob-store.js";
import { openState, type StateLayer } from "./database.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "nimbus-db-test-"));
}

// Follows the state convention: (account_id, region) lead every service table's primary key.
const QUEUES_V1 = `CREATE TABLE t_queues (
  account_id TEXT NOT NULL,
  region     TEXT NOT NULL,
  name       TEXT NOT NULL,
  PRIMARY KEY (account_id, region, name)
) WITHOUT ROWID`;
const QUEUES_V2 = "ALTER TABLE t_queues ADD COLUMN delay_seconds INTEGER NOT NULL DEFAULT 0";

function insertQueue(state: StateLayer, account: string, region: string, name: string): void {
  state.db.prepare("INSERT INTO t_queues (account_id, region, name) VALUES (?, ?, ?)").run(account, region, name);
}

function count(state: StateLayer, sql: string, ...params: unknown[]): number {
  return (state.db.prepare(sql).get(...params) as { n: number }).n;
}

describe("openState", () => {
  test("persistent mode: WAL, synchronous=NORMAL, foreign keys, busy timeout, files in the data dir", () => {
    const dir = tempDir();
    try {
      const state = openState({ dataDir: join(dir, "data"), inMemory: false });
      assert.equal(state.inMemory, false);
      assert.equal(state.dataDir, join(dir, "data"));
      assert.equal(state.db.pragma("journal_mode", { simple: true }), "wal");
      assert.equal(state.db.pragma("synchronous", { simple: true }), 1, "1 = NORMAL");
      assert.equal(state.db.pragma("foreign_keys", { simple: true }), 1);
      assert.equal(state.db.pragma("busy_timeout", { simple: true }), 5000);
      assert.equal(state.blobs.root, join(dir, "data", "blobs"));
      assert.ok(existsSync(join(dir, "data", "nimbus.db")));
      state.close();
      state.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("persistent mode: WAL checkpoints run on the checkpointer thread, not inside commits", async () => {
    const dir = tempDir();
    const state = openState({ dataDir: dir, inMemory: false, checkpointIntervalMs: 20 });
    try {
      assert.equal(state.db.pragma("wal_autocheckpoint", { simple: true }), 0);
      state.migrate("t", [QUEUES_V1]);
      const file = join(dir, "nimbus.db");
      const before = statSync(file).size;
      // About 4 MB of rows, far past the 1,000 pages at which a commit would have checkpointed.
      for (let batch = 0; batch < 40; batch++) {
        state.transaction(() => {
          for (let i = 0; i < 100; i++) insertQueue(state, "000000000000", "us-east-1", `${batch}-${i}-${"q".repeat(900)}`);
        });
      }
      // Only a checkpoint copies pages from the WAL into the database file.
      const deadline = Date.now() + 10_000;
      while (statSync(file).size < before + 3_000_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.ok(statSync(file).size >= before + 3_000_000, `the database file grew from ${before} to ${statSync(file).size} bytes`);
    } finally {
      state.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("persistent mode with checkpointIntervalMs 0 leaves checkpoints to SQLite", () => {
    const dir = tempDir();
    const state = openState({ dataDir: dir, inMemory: false, checkpointIntervalMs: 0 });
    try {
      assert.equal(state.db.pragma("wal_autocheckpoint", { simple: true }), 1000);
    } finally {
      state.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("close() closes and gives the data dir back when the planner's statistics cannot be written (a full or read-only disk)", () => {
    const dir = tempDir();
    try {
      const state = openState({ dataDir: dir, inMemory: false, checkpointIntervalMs: 0 });
      state.db.exec("CREATE TABLE t (a, b); CREATE INDEX t_a ON t (a)");
      const insert = state.db.prepare("INSERT INTO t VALUES (?, ?)");
      for (let i = 0; i < 2000; i++) insert.run(i % 50, i);
      // A query through the index makes PRAGMA optimize want to ANALYZE t, which cannot be written.
      state.db.prepare("SELECT * FROM t WHERE a = ?").all(3);
      state.db.pragma("query_only = 1");
      state.close();
      assert.equal(state.db.open, false);
      openState({ dataDir: dir, inMemory: false, checkpointIntervalMs: 0 }).close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a data dir on a full disk or a read-only volume: start-up says so, not only 'disk I/O error'", (t) => {
    const mountPoint = tempDir();
    try {
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint], { stdio: "ignore" });
    } catch {
      rmSync(mountPoint, { recursive: true, force: true });
      t.skip("cannot mount a tmpfs here (needs root on Linux)");
      return;
    }
    try {
      const dataDir = join(mountPoint, "data");
      openState({ dataDir, inMemory: false }).close();
      // A clean close leaves no WAL: the next open must create it, and its index, on a full disk;
      // before them, its lock file (data-dir-lock.ts) cannot be written either.
      const ballast = openSync(join(mountPoint, "ballast"), "w");
      try {
        for (const size of [65536, 4096, 512, 1]) {
          const chunk = Buffer.alloc(size);
          try {
            for (;;) writeSync(ballast, chunk);
          } catch (error) {
            if ((error as { code?: string }).code !== "ENOSPC") throw error;
          }
        }
      } finally {
        closeSync(ballast);
      }
      const unwritable = (code: string) =>
        new RegExp(`^Nimbus cannot write its data dir ${dataDir} \\((?:${code})[^)]*\\): is its disk full, or the volume read-only\\? Free some space, or give Nimbus another data dir$`);
      assert.throws(() => openState({ dataDir, inMemory: false }), { message: unwritable("ENOSPC|SQLITE_IOERR|SQLITE_FULL") });
      rmSync(join(mountPoint, "ballast"));
      execFileSync("mount", ["-o", "remount,ro", mountPoint], { stdio: "ignore" });
      assert.throws(() => openState({ dataDir, inMemory: false }), { message: unwritable("EROFS") });
    } finally {
      execFileSync("umount", [mountPoint], { stdio: "ignore" });
      rmSync(mountPoint, { recursive: true, force: true });
    }
  });

  test("persistent mode needs a data dir", () => {
    assert.throws(() => openState({ inMemory: false }), { message: "openState: a dataDir is required unless inMemory is true" });
  });

  test("in-memory mode keeps nothing on disk once closed", async () => {
    const before = new Set(readdirSync(tmpdir()));
    const state = openState({ inMemory: true });
    assert.equal(state.inMemory, true);
    assert.equal(state.dataDir, undefined);
    assert.equal(state.db.memory, true);
    assert.equal(state.db.pragma("foreign_keys", { simple: true }), 1);
    state.migrate("t", [QUEUES_V1]);
    insertQueue(state, "000000000000", "us-east-1", "q");
    // A body large enough for a file (a small one is a row of the database).
    const blob = await state.blobs.put(Buffer.alloc(INLINE_BLOB_BYTES + 1, 1));
    state.transaction(() => state.blobs.retain(blob.id));
    assert.ok(existsSync(state.blobs.path(blob.id)));
    const root = state.blobs.root;
    state.close();
    assert.equal(existsSync(root), false);
    const added = readdirSync(tmpdir()).filter((name) => !before.has(name) && name.startsWith("nimbus-state-"));
    assert.deepEqual(added, []);
  });

  test("scopes rows by account and region", () => {
    const state = openState({ inMemory: true });
    try {
      state.migrate("t", [QUEUES_V1]);
      insertQueue(state, "000000000000", "us-east-1", "orders");
      insertQueue(state, "000000000000", "eu-west-1", "orders");
      insertQueue(state, "111111111111", "us-east-1", "orders");
      assert.throws(() => insertQueue(state, "000000000000", "us-east-1", "orders"), { code: "SQLITE_CONSTRAINT_PRIMARYKEY" });
      assert.equal(count(state, "SELECT count(*) AS n FROM t_queues WHERE account_id = ? AND region = ?", "000000000000", "us-east-1"), 1);
    } finally {
      state.close();
    }
  });
});

describe("migrate", () => {
  test("applies each migration once, across reopen, recording versions", () => {
    const dir = tempDir();
    const clock = new ManualClock(Date.parse("2025-03-01T00:00:00Z"));
    try {
      let state = openState({ dataDir: dir, inMemory: false, clock });
      state.migrate("t", [QUEUES_V1]);
      state.migrate("t", [QUEUES_V1]);
      insertQueue(state, "000000000000", "us-east-1", "q1");
      state.close();

      clock.advance(60_000);
      // QUEUES_V1 is no CREATE ... IF NOT EXISTS: running it twice would fail.
      state = openState({ dataDir: dir, inMemory: false, clock });
      state.migrate("t", [QUEUES_V1, QUEUES_V2]);
      state.migrate("other", ["CREATE TABLE other_things (account_id TEXT, region TEXT, id TEXT, PRIMARY KEY (account_id, region, id))"]);
      const row = state.db.prepare("SELECT name, delay_seconds FROM t_queues").get();
      assert.deepEqual(row, { name: "q1", delay_seconds: 0 });
      const versions = state.db
        .prepare("SELECT service, version, applied_at FROM _migrations WHERE service NOT LIKE '\\_%' ESCAPE '\\' ORDER BY service, version")
        .all();
      assert.deepEqual(versions, [
        { service: "other", version: 1, applied_at: Date.parse("2025-03-01T00:01:00Z") },
        { service: "t", version: 1, applied_at: Date.parse("2025-03-01T00:00:00Z") },
        { service: "t", version: 2, applied_at: Date.parse("2025-03-01T00:01:00Z") },
      ]);
      state.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a failing migration is rolled back whole and not recorded", () => {
    const state = openState({ inMemory: true });
    try {
      state.migrate("t", [QUEUES_V1]);
      const broken = "CREATE TABLE t_half (id TEXT PRIMARY KEY); INSERT INTO no_such_table VALUES (1)";
      assert.throws(() => state.migrate("t", [QUEUES_V1, broken]), { code: "SQLITE_ERROR", message: "no such table: no_such_table" });
      assert.equal(count(state, "SELECT count(*) AS n FROM sqlite_master WHERE name = 't_half'"), 0);
      assert.equal(count(state, "SELECT count(*) AS n FROM _migrations WHERE service = 't'"), 1);
      state.migrate("t", [QUEUES_V1, "CREATE TABLE t_half (id TEXT PRIMARY KEY)"]);
      assert.equal(count(state, "SELECT count(*) AS n FROM _migrations WHERE service = 't'"), 2);
    } finally {
      state.close();
    }
  });

  test("refuses an edited migration and a data dir from a newer Nimbus", () => {
    const state = openState({ inMemory: true });
    try {
      state.migrate("t", [QUEUES_V1, QUEUES_V2]);
      assert.throws(() => state.migrate("t", [QUEUES_V1, QUEUES_V2 + " -- edited"]), {
        message: "migrate(t): migration 2 was changed after it was applied to this data dir; migrations are append-only, add a new one instead",
      });
      assert.throws(() => state.migrate("t", [QUEUES_V1]), {
        message: "migrate(t): the data dir has version 2 applied but this Nimbus knows only 1; it was written by a newer Nimbus",
      });
      assert.throws(() => state.migrate("_blobs", []), {
        message: 'migrate: service names starting with "_" are reserved for the state layer: _blobs',
      });
    } finally {
      state.close();
    }
  });
});

describe("transaction", () => {
  test("commits on return, rolls back on throw, nests as savepoints", () => {
    const state = openState({ inMemory: true });
    try {
      state.migrate("t", [QUEUES_V1]);
      const value = state.transaction(() => {
        insertQueue(state, "000000000000", "us-east-1", "a");
        return "done";
      });
      assert.equal(value, "done");
      assert.throws(
        () =>
          state.transaction(() => {
            insertQueue(state, "000000000000", "us-east-1", "b");
            throw new Error("abort");
          }),
        { message: "abort" },
      );
      state.transaction(() => {
        insertQueue(state, "000000000000", "us-east-1", "c");
        assert.throws(() =>
          state.transaction(() => {
            insertQueue(state, "000000000000", "us-east-1", "d");
            throw new Error("inner abort");
          }),
        );
        state.transaction(() => insertQueue(state, "000000000000", "us-east-1", "e"));
      });
      const names = state.db.prepare("SELECT name FROM t_queues ORDER BY name").pluck().all();
      assert.deepEqual(names, ["a", "c", "e"]);
    } finally {
      state.close();
    }
  });

  test("refuses an async function and rolls its synchronous writes back", async () => {
    const state = openState({ inMemory: true });
    try {
      state.migrate("t", [QUEUES_V1]);
      assert.throws(
        () =>
          state.transaction(async () => {
            insertQueue(state, "000000000000", "us-east-1", "x");
            await Promise.resolve();
          }),
        {
          name: "TypeError",
          message: "state.transaction: the function returned a promise; transactions are synchronous, so do async work (blob puts, invocations) before or after it",
        },
      );
      assert.equal(count(state, "SELECT count(*) AS n FROM t_queues"), 0);
      assert.equal(state.db.inTransaction, false);
    } finally {
      state.close();
    }
  });

  test("foreign keys are enforced", () => {
    const state = openState({ inMemory: true });
    try {
      state.migrate("t", [
        QUEUES_V1,
        `CREATE TABLE t_messages (
           account_id TEXT NOT NULL, region TEXT NOT NULL, queue TEXT NOT NULL, id TEXT NOT NULL,
           PRIMARY KEY (account_id, region, queue, id),
           FOREIGN KEY (account_id, region, queue) REFERENCES t_queues (account_id, region, name) ON DELETE CASCADE
         ) WITHOUT ROWID`,
      ]);
      assert.throws(
        () => state.db.prepare("INSERT INTO t_messages VALUES ('000000000000', 'us-east-1', 'missing', 'm1')").run(),
        { code: "SQLITE_CONSTRAINT_FOREIGNKEY" },
      );
      insertQueue(state, "000000000000", "us-east-1", "q");
      state.db.prepare("INSERT INTO t_messages VALUES ('000000000000', 'us-east-1', 'q', 'm1')").run();
      state.db.prepare("DELETE FROM t_queues").run();
      assert.equal(count(state, "SELECT count(*) AS n FROM t_messages"), 0);
    } finally {
      state.close();
    }
  });
});
