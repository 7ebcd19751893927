/**
 * One Nimbus per data dir. Two processes on one directory would each trust their own caches
 * over rows the other changed (a lost update, an item read back stale), and each start's
 * crash sweep would delete the other's blobs in flight: SQLite's own locks keep the file
 * whole but not the data. So a persistent state layer holds `<dataDir>/nimbus.pid`, made
 * with O_EXCL, until it closes.
 *
 * A kill -9 leaves the file behind: a file whose process is gone is stale and is taken over,
 * so a crash never needs a hand to clean up. The check is by process id (`kill(pid, 0)`):
 * ids are reused, so a stale file may, rarely, name a process that has nothing to do with
 * Nimbus; the refusal says which file to remove.
 */
import { readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const LOCK_FILE = "nimbus.pid";

/** Another live Nimbus holds the data dir (`pid` undefined: one starting, its file not yet written). */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `the data dir ${dataDir} is in use by another Nimbus${pid === undefined ? "" : ` (process ${pid})`}. Stop it, or give this one its own --data-dir ` +
        `(or --in-memory). If no Nimbus runs there, remove ${join(dataDir, LOCK_FILE)}.`,
    );
    this.name = "DataDirInUseError";
  }
}

/** Data dirs this process holds, for two state layers of one process on one directory. */
const heldHere = new Set<string>();

/** Takes `dataDir` (an absolute path) for this process; the function returned gives it back. */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  if (heldHere.has(dataDir)) throw new DataDirInUseError(dataDir, process.pid);
  // A stale file is removed and the file made again; another Nimbus starting at the same time may
  // make it first, and its pid is then read on the next round.
  for (let attempt = 1; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        // A write that failed after O_EXCL made the file (a full disk) leaves it empty.
        removeQuietly(file);
        throw error;
      }
    }
    const holder = holderOf(file);
    if (holder !== undefined && holder !== process.pid && alive(holder)) throw new DataDirInUseError(dataDir, holder);
    // No pid yet in a file just made: another Nimbus between making it and writing it.
    if ((holder === undefined && ageMs(file) < FRESH_MS) || attempt === 3) throw new DataDirInUseError(dataDir, holder);
    // Stale: its process is gone (kill -9), or it is this process's own from a state layer
    // that was never closed, or it has no pid (a crash while writing it).
    removeQuietly(file);
  }
  heldHere.add(dataDir);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    heldHere.delete(dataDir);
    // Only our own: a file another process took over after ours was removed by hand stays.
    if (holderOf(file) === process.pid) removeQuietly(file);
  };
}

/** How long a lock file without a pid is taken for one being written, not one a crash left. */
const FRESH_MS = 2_000;

/** Milliseconds since the file was last written (real time: the file system's clock); Infinity when it is gone. */
function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function holderOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Gone already.
  }
}
