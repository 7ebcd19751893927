import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DataDirInUseError, LOCK_FILE, lockDataDir } from "./data-dir-lock.js";
import { openState } from "./database.js";

function withDir(fn: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "nimbus-lock-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  "a data dir is held by one state layer at a time, and given back when it closes",
  withDir((dir) => {
    const first = openState({ inMemory: false, dataDir: dir, checkpointIntervalMs: 0 });
    assert.equal(readFileSync(join(dir, LOCK_FILE), "utf8"), `${process.pid}\n`);
    assert.throws(
      () => openState({ inMemory: false, dataDir: dir, checkpointIntervalMs: 0 }),
      (error: unknown) => error instanceof DataDirInUseError && error.pid === process.pid && error.message.includes(`the data dir ${dir} is in use by another Nimbus`),
    );
    // The refused open touched nothing: the first still works.
    first.db.exec("CREATE TABLE t (x)");
    first.close();
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
    const second = openState({ inMemory: false, dataDir: dir, checkpointIntervalMs: 0 });
    second.close();
  }),
);

test(
  "a live process's lock file refuses the data dir, and so does a new one without a pid; a dead one's (kill -9) or an old empty one is taken over",
  withDir(async (dir) => {
    const file = join(dir, LOCK_FILE);
    const sleeper = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      writeFileSync(file, `${sleeper.pid}\n`);
      assert.throws(() => lockDataDir(dir), (error: unknown) => error instanceof DataDirInUseError && error.pid === sleeper.pid);
      assert.equal(readFileSync(file, "utf8"), `${sleeper.pid}\n`, "the live holder's file stays");
    } finally {
      sleeper.kill("SIGKILL");
    }
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(file, `${dead}\n`);
    let release = lockDataDir(dir);
    assert.equal(readFileSync(file, "utf8"), `${process.pid}\n`);
    release();
    // A file with no pid yet: another Nimbus making it now, unless it is old (a crash while writing it).
    writeFileSync(file, "");
    assert.throws(
      () => lockDataDir(dir),
      (error: unknown) => error instanceof DataDirInUseError && error.pid === undefined && error.message.startsWith(`the data dir ${dir} is in use by another Nimbus. Stop it`),
    );
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    release = lockDataDir(dir);
    assert.equal(readFileSync(file, "utf8"), `${process.pid}\n`);
    // A file another process wrote meanwhile (ours removed by hand) is not ours to remove.
    writeFileSync(file, `${dead}\n`);
    release();
    assert.equal(readFileSync(file, "utf8"), `${dead}\n`);
  }),
);
