import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { openState, type StateLayer } from "./database.js";

/**
 * The promise of ARCHITECTURE.md section 3: a write that was acknowledged survives kill -9.
 * A child process writes rows and blobs and acknowledges each commit on stdout; we SIGKILL
 * it mid-stream, reopen the data dir and check every acknowledged write, three times over
 * the same dir (each child first recovers from the previous kill, as `nimbus start` does).
 */

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith(".ts");
const ACCOUNT = "000000000000";
const REGION = "us-east-1";
/**
 * Where each round's kill lands: just before a 3 MiB body streams (so mid-blob), right after
 * a delete (mid release and file removal), and at an arbitrary put.
 */
const KILL_POINTS: ReadonlyArray<(line: "put" | "del" | "mid-blob", item: number, putsThisRound: number) => boolean> = [
  (line, _item, puts) => line === "mid-blob" && puts >= 20,
  (line, _item, puts) => line === "del" && puts >= 20,
  (line, _item, puts) => line === "put" && puts === 24,
];

interface Acked {
  puts: Map<number, { id: string; size: number }>;
  deleted: Set<number>;
  /** Rows whose delete may have committed without its ack reaching us (killed in between). */
  uncertain: Set<number>;
}

function repoRoot(): string {
  let dir = here;
  while (!existsSync(join(dir, "node_modules", "tsx"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the repository root (node_modules/tsx) above " + here);
    dir = parent;
  }
  return dir;
}

async function runAndKill(dataDir: string, acked: Acked, killAt: (typeof KILL_POINTS)[number]): Promise<{ first: number; lines: number }> {
  const fixture = join(here, fromSource ? "durability-fixture.ts" : "durability-fixture.js");
  const args = fromSource ? ["--import", "tsx", fixture, dataDir] : [fixture, dataDir];
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, args, { cwd: repoRoot(), env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  let first = -1;
  let lines = 0;
  let putsThisRound = 0;
  let lastPut = -1;
  let lastLineWasPut = false;
  // Every line the child wrote was written after its commit, including lines still in the
  // pipe when the kill lands, so all of them count as acknowledged.
  for await (const line of createInterface({ input: child.stdout })) {
    lines++;
    const ready = /^ready (\d+)$/.exec(line);
    const put = /^ack put (\d+) ([0-9a-f]{64}) (\d+)$/.exec(line);
    const del = /^ack del (\d+)$/.exec(line);
    const midBlob = /^mid-blob (\d+)$/.exec(line);
    if (ready) {
      first = Number(ready[1]);
    } else if (put) {
      const item = Number(put[1]);
      acked.puts.set(item, { id: String(put[2]), size: Number(put[3]) });
      lastPut = item;
      lastLineWasPut = true;
      if (killAt("put", item, ++putsThisRound)) child.kill("SIGKILL");
    } else if (del) {
      const item = Number(del[1]);
      acked.puts.delete(item);
      acked.uncertain.delete(item);
      acked.deleted.add(item);
      lastLineWasPut = false;
      if (killAt("del", item, putsThisRound)) child.kill("SIGKILL");
    } else if (midBlob) {
      if (killAt("mid-blob", Number(midBlob[1]), putsThisRound)) child.kill("SIGKILL");
    } else {
      assert.fail(`unexpected line from the fixture: ${JSON.stringify(line)}`);
    }
  }
  // The fixture deletes item - 2 right after acknowledging item when item % 4 === 3.
  if (lastLineWasPut && lastPut % 4 === 3 && acked.puts.has(lastPut - 2)) {
    acked.puts.delete(lastPut - 2);
    acked.uncertain.add(lastPut - 2);
  }
  const { code, signal } = await exited;
  assert.equal(signal, "SIGKILL", `the fixture should have been killed, it exited with ${code}: ${stderr}`);
  assert.ok(first >= 0, `the fixture never got ready: ${stderr}`);
  return { first, lines };
}

/** The sha256 of a blob's bytes, read through the store (a file, or an inline blob's row). */
async function blobSha256(state: StateLayer, id: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of state.blobs.get(id)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function verify(dataDir: string, acked: Acked): Promise<void> {
  const state = openState({ dataDir, inMemory: false });
  try {
    assert.equal(state.db.pragma("integrity_check", { simple: true }), "ok");
    const rowOf = state.db.prepare<[string, string, number], { blob_id: string; size: number }>(
      "SELECT blob_id, size FROM fixture_items WHERE account_id = ? AND region = ? AND item = ?",
    );

    for (const [item, { id, size }] of acked.puts) {
      const row = rowOf.get(ACCOUNT, REGION, item);
      assert.deepEqual(row, { blob_id: id, size }, `acknowledged item ${item} is there`);
      assert.ok(state.blobs.has(id), `blob of item ${item} is there`);
      assert.equal(state.blobs.size(id), size);
      assert.equal(await blobSha256(state, id), id, `blob of item ${item} is intact`);
    }
    for (const item of acked.deleted) {
      assert.equal(rowOf.get(ACCOUNT, REGION, item), undefined, `deleted item ${item} stays deleted`);
    }
    for (const item of acked.uncertain) {
      const row = rowOf.get(ACCOUNT, REGION, item);
      if (row) assert.equal(await blobSha256(state, row.blob_id), row.blob_id);
    }

    // References and rows were committed together, so they agree exactly, acknowledged or not.
    const mismatched = state.db
      .prepare(
        `SELECT b.id, b.refs, (SELECT count(*) FROM fixture_items i WHERE i.blob_id = b.id) AS used
           FROM _blobs b WHERE b.refs <> (SELECT count(*) FROM fixture_items i WHERE i.blob_id = b.id)`,
      )
      .all();
    assert.deepEqual(mismatched, []);
    const unreferenced = state.db.prepare("SELECT DISTINCT blob_id FROM fixture_items WHERE blob_id NOT IN (SELECT id FROM _blobs)").all();
    assert.deepEqual(unreferenced, []);

    const swept = await state.blobs.sweep({ checkMissing: true });
    assert.deepEqual(swept.missing, []);
    assert.deepEqual(readdirSync(join(state.blobs.root, "tmp")), []);
    const referenced = (state.db.prepare("SELECT id FROM _blobs ORDER BY id").pluck().all() as string[]);
    const onDisk: string[] = [];
    for (const top of readdirSync(state.blobs.root)) {
      if (top === "tmp") continue;
      for (const sub of readdirSync(join(state.blobs.root, top))) onDisk.push(...readdirSync(join(state.blobs.root, top, sub)));
    }
    assert.deepEqual(onDisk.sort(), referenced, "after the sweep exactly the referenced blobs remain");
  } finally {
    state.close();
  }
}

test("every acknowledged row and blob survives kill -9 of the process", { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-durability-"));
  try {
    const acked: Acked = { puts: new Map(), deleted: new Set(), uncertain: new Set() };
    let expectedFirst = 0;
    for (const [round, killAt] of KILL_POINTS.entries()) {
      const { first } = await runAndKill(dataDir, acked, killAt);
      assert.ok(first >= expectedFirst, `round ${round} continues after the last committed item`);
      await verify(dataDir, acked);
      expectedFirst = Math.max(...acked.puts.keys()) + 1;
    }
    assert.ok(acked.puts.size >= 40, "the fixture really wrote");
    assert.ok(acked.deleted.size > 0, "deletes were exercised");
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
