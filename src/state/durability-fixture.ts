/**
 * Child process for durability.test.ts: writes rows and blobs through the state layer as
 * fast as it can, printing one acknowledgement line after each commit, until the parent
 * kills it with SIGKILL. Usage: node [--import tsx] durability-fixture.(ts|js) <dataDir>
 *
 *   ack put <item> <blobId> <size>   the row and its blob reference are committed
 *   ack del <item>                   the row is deleted and its reference released
 *   mid-blob <item>                  a large body is being streamed (a cue to kill now)
 */
import { openState } from "./database.js";

const FIXTURE_MIGRATIONS = [
  `CREATE TABLE fixture_items (
     account_id TEXT    NOT NULL,
     region     TEXT    NOT NULL,
     item       INTEGER NOT NULL,
     blob_id    TEXT    NOT NULL,
     size       INTEGER NOT NULL,
     PRIMARY KEY (account_id, region, item)
   ) WITHOUT ROWID`,
];

const ACCOUNT = "000000000000";
const REGION = "us-east-1";
/** Safety stop so a parent that never kills cannot fill the disk. */
const MAX_ITEMS = 100_000;

/** Deterministic bytes per variant; variants repeat, so identical bodies share blobs. */
async function* body(variant: number, size: number, midway: () => void): AsyncGenerator<Buffer> {
  let x = (variant + 1) * 2654435761;
  for (let offset = 0; offset < size; offset += 64 * 1024) {
    const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, size - offset));
    for (let i = 0; i < chunk.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      chunk[i] = x & 0xff;
    }
    yield chunk;
    if (offset === 4 * 64 * 1024) midway();
    // Give the event loop a turn inside a blob, so a kill can land mid-write.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function main(dataDir: string): Promise<void> {
  const state = openState({ dataDir, inMemory: false });
  // What `nimbus start` does after a crash: drop temp files and never-committed blobs.
  await state.blobs.sweep();
  state.migrate("fixture", FIXTURE_MIGRATIONS);
  const insert = state.db.prepare("INSERT INTO fixture_items (account_id, region, item, blob_id, size) VALUES (?, ?, ?, ?, ?)");
  const select = state.db.prepare<[string, string, number], { blob_id: string }>(
    "SELECT blob_id FROM fixture_items WHERE account_id = ? AND region = ? AND item = ?",
  );
  const remove = state.db.prepare("DELETE FROM fixture_items WHERE account_id = ? AND region = ? AND item = ?");
  const last = state.db.prepare("SELECT max(item) AS item FROM fixture_items").get() as { item: number | null };
  const first = (last.item ?? -1) + 1;
  process.stdout.write(`ready ${first}\n`);

  for (let item = first; item < first + MAX_ITEMS; item++) {
    const variant = item % 11;
    const size = variant === 0 ? 3 * 1024 * 1024 + 5 : 1000 + variant * 7919;
    const blob = await state.blobs.put(body(variant, size, () => process.stdout.write(`mid-blob ${item}\n`)));
    state.transaction(() => {
      insert.run(ACCOUNT, REGION, item, blob.id, blob.size);
      state.blobs.retain(blob.id);
    });
    process.stdout.write(`ack put ${item} ${blob.id} ${blob.size}\n`);

    if (item % 4 === 3) {
      const victim = item - 2;
      const deleted = state.transaction(() => {
        const row = select.get(ACCOUNT, REGION, victim);
        if (row === undefined) return false;
        remove.run(ACCOUNT, REGION, victim);
        state.blobs.release(row.blob_id);
        return true;
      });
      if (deleted) process.stdout.write(`ack del ${victim}\n`);
    }
  }
  state.close();
}

const dataDir = process.argv[2];
if (dataDir === undefined) {
  process.stderr.write("usage: durability-fixture <dataDir>\n");
  process.exit(2);
}
main(dataDir).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
