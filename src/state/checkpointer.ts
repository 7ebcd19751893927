/**
 * The WAL checkpointer: a worker thread with its own connection to the data dir's database
 * that copies committed WAL frames back into the database file, so the request thread never
 * does it.
 *
 * SQLite's automatic checkpoint runs inside whichever COMMIT pushes the WAL past 1,000 pages,
 * on the thread that committed: that request then waits for a few megabytes of page copies
 * and an fsync of the database file. With small writes (a queue message, an item) that was a
 * third of the wall time of a write-heavy workload. Here the main connection turns automatic
 * checkpoints off (`wal_autocheckpoint = 0`) and this worker runs a PASSIVE checkpoint every
 * `intervalMs`: PASSIVE never blocks the writer or readers, and once every frame has been
 * copied the next writer starts the WAL from the beginning again, so it stays small.
 *
 * Durability does not change: a commit is in the WAL before COMMIT returns, whether or not a
 * checkpoint has copied it yet, and SQLite replays the WAL when the database is opened.
 */
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import BetterSqlite3 from "better-sqlite3";
import { workerExecArgv } from "../core/worker-threads.js";

interface CheckpointerData {
  readonly file: string;
  readonly intervalMs: number;
}

/** The worker's data, under a key of its own so no other worker runs this module's loop. */
interface WorkerInput {
  readonly nimbusCheckpointer: CheckpointerData;
}

export interface Checkpointer {
  /** Stops the worker; its connection closes with it. */
  stop(): Promise<void>;
}

/**
 * Starts the worker for the database at `file`. `onFailure` hears when the worker could not
 * start or died, so the caller can turn automatic checkpoints back on.
 */
export function startCheckpointer(file: string, intervalMs: number, onFailure: (error: Error) => void): Checkpointer {
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { nimbusCheckpointer: { file, intervalMs } } satisfies WorkerInput,
    execArgv: workerExecArgv(),
  });
  worker.unref();
  let stopping = false;
  worker.on("error", (error) => {
    if (!stopping) onFailure(error);
  });
  worker.on("exit", (code) => {
    if (!stopping) onFailure(new Error(`the WAL checkpointer exited with code ${code}`));
  });
  return {
    async stop() {
      stopping = true;
      await worker.terminate();
    },
  };
}

function runWorker(data: CheckpointerData): void {
  const db = new BetterSqlite3(data.file, { fileMustExist: true });
  // The database file's fsync after a checkpoint is what makes the WAL frames safe to reuse.
  db.pragma("synchronous = NORMAL");
  db.pragma("busy_timeout = 0");
  db.pragma("wal_autocheckpoint = 0");
  const checkpoint = (): void => {
    try {
      db.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      // SQLITE_BUSY: another checkpoint is running (the main connection closing). Next tick.
    }
  };
  const timer = setInterval(checkpoint, data.intervalMs);
  parentPort?.on("close", () => {
    clearInterval(timer);
    db.close();
  });
}

const input = isMainThread ? undefined : (workerData as Partial<WorkerInput> | undefined)?.nimbusCheckpointer;
if (input !== undefined) runWorker(input);
