/**
 * ARCHITECTURE.md section 3 for the services, not only the state layer (durability.test.ts):
 * "a write that was acknowledged survives kill -9". Nimbus runs in a child process on one data
 * dir; real v3 clients load S3, DynamoDB, SQS and SNS at once; at a seeded moment (a seeded
 * count of acknowledged requests) the process is SIGKILLed mid-load; a new one starts on the
 * same dir and every acknowledgement is checked against what it serves, in-memory mirrors of
 * SQLite state rebuilt (FIFO locked groups and heads, sequence counters, S3 row caches, blob
 * references and pins, stream positions, subscription caches). Then the next round of load and
 * kill, on the same dir. A request in flight at the kill may or may not have taken effect, but
 * only wholly.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import BetterSqlite3 from "better-sqlite3";
import { ChildNimbus, clientsFor, Random, Round, type Clients } from "./crash-harness.js";
import { DynamoDbScenario } from "./crash-dynamodb.js";
import { S3Scenario } from "./crash-s3.js";
import { SnsScenario } from "./crash-sns.js";
import { SqsScenario, VISIBILITY_TIMEOUT } from "./crash-sqs.js";

/** NIMBUS_CRASH_SEED replays another run; the default is the one CI runs. */
const SEED = Number(process.env.NIMBUS_CRASH_SEED ?? 20260115);
const ROUNDS = 5;
/** Each round is killed once this many requests (drawn per round) have been acknowledged. */
const KILL_AFTER: readonly [number, number] = [120, 420];
/** A round that has not reached its count by then is killed anyway, so a stuck load cannot hang the test. */
const ROUND_DEADLINE_MS = 8_000;
const START = Date.parse("2026-01-15T12:00:00.000Z");

/**
 * The state layer's own bookkeeping, read beside the running server once it is idle: blob
 * reference counts equal the rows that hold them, every referenced blob has its file (or, inline,
 * its whole row), and the start-up sweep left no file nobody references (nor a temp file).
 */
function checkBlobs(dataDir: string): void {
  const db = new BetterSqlite3(join(dataDir, "nimbus.db"), { readonly: true, fileMustExist: true });
  try {
    const mismatched = db
      .prepare(
        `SELECT b.id, b.refs,
           (SELECT count(*) FROM s3_objects WHERE blob_id = b.id) + (SELECT count(*) FROM s3_parts WHERE blob_id = b.id)
             + (SELECT count(*) FROM _blob_parts WHERE part = b.id) AS used
         FROM _blobs b WHERE b.refs <> used`,
      )
      .all();
    assert.deepEqual(mismatched, [], "every blob's reference count is the number of rows that hold it");
    const dangling = db
      .prepare(
        `SELECT blob_id FROM s3_objects WHERE blob_id IS NOT NULL AND blob_id NOT IN (SELECT id FROM _blobs)
         UNION ALL SELECT blob_id FROM s3_parts WHERE blob_id NOT IN (SELECT id FROM _blobs)
         UNION ALL SELECT part FROM _blob_parts WHERE part NOT IN (SELECT id FROM _blobs)`,
      )
      .pluck()
      .all();
    assert.deepEqual(dangling, [], "no row names a blob without a reference");
    const inline = db
      .prepare("SELECT d.id FROM _blob_data d LEFT JOIN _blobs b ON b.id = d.id WHERE b.id IS NULL OR length(d.bytes) <> b.size")
      .pluck()
      .all();
    assert.deepEqual(inline, [], "every inline blob's bytes are whole and referenced");
    const files = db
      .prepare("SELECT id, size FROM _blobs WHERE id NOT IN (SELECT id FROM _blob_parts) AND id NOT IN (SELECT id FROM _blob_data)")
      .all() as { id: string; size: number }[];
    const root = join(dataDir, "blobs");
    for (const { id, size } of files) {
      const file = join(root, id.slice(0, 2), id.slice(2, 4), id);
      assert.ok(existsSync(file), `blob ${id} has its file`);
      assert.equal(statSync(file).size, size, `blob ${id} is whole`);
    }
    const onDisk: string[] = [];
    for (const top of readdirSync(root)) {
      if (top === "tmp") continue;
      for (const sub of readdirSync(join(root, top))) onDisk.push(...readdirSync(join(root, top, sub)));
    }
    assert.deepEqual(onDisk.sort(), files.map((f) => f.id).sort(), "exactly the referenced blobs have files");
    assert.deepEqual(readdirSync(join(root, "tmp")), [], "no temp file is left");
  } finally {
    db.close();
  }
}

test("acknowledged writes of S3, DynamoDB, SQS and SNS survive kill -9 of Nimbus mid-load, round after round", { timeout: 180_000 }, async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-crash-"));
  const suffix = new Random(SEED).int(0, 0xffffff).toString(16);
  const s3 = new S3Scenario(SEED, suffix);
  const ddb = new DynamoDbScenario(SEED, suffix);
  const sqs = new SqsScenario(SEED, suffix);
  const sns = new SnsScenario(SEED, suffix);
  const killAt = new Random(`${SEED}/kills`);
  let clockMs = START;
  let running: { nimbus: ChildNimbus; clients: Clients } | undefined;
  const report: string[] = [];
  const start = async (): Promise<{ nimbus: ChildNimbus; clients: Clients }> => {
    const { nimbus, url } = await ChildNimbus.start(dataDir, clockMs);
    running = { nimbus, clients: clientsFor(url) };
    return running;
  };
  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const { nimbus, clients } = await start();
      if (round === 0) {
        for (const scenario of [s3, ddb, sqs, sns]) await scenario.setup(clients);
      } else {
        // The clock as it was at the kill: what was hidden or locked then still is.
        await sqs.beforeAdvance(clients, round);
        await nimbus.advance((VISIBILITY_TIMEOUT + 1) * 1000);
        clockMs = nimbus.clockMs;
        await s3.verify(clients);
        await ddb.verify(clients, round);
        await sqs.verify(clients);
        await sns.verify(clients, round);
        checkBlobs(dataDir);
      }
      if (round === ROUNDS) break;
      const load = new Round(round, clients, nimbus, killAt.int(...KILL_AFTER), ROUND_DEADLINE_MS);
      await load.run([...s3.workers(load), ...ddb.workers(load), ...sqs.workers(load), ...sns.workers(load)]);
      report.push(`round ${round}: killed after ${load.acknowledged} acknowledged requests`);
      clients.destroy();
      running = undefined;
    }
    report.push(`S3 ${JSON.stringify(s3.stats)}, DynamoDB ${JSON.stringify(ddb.stats)}, SQS ${JSON.stringify(sqs.stats)}, SNS ${JSON.stringify(sns.stats)}`);
    for (const line of report) t.diagnostic(line);
  } finally {
    running?.clients.destroy();
    running?.nimbus.stop();
    if (running) await running.nimbus.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
});
