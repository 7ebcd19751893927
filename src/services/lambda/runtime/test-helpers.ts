/** Shared by the runtime tests: build deployment packages in memory, as a client would upload. */
import { readFileSync } from "node:fs";
import yazl from "yazl";

export type ZipSpec = Record<string, string | Buffer | { data: string | Buffer; mode: number }>;

export function makeZip(files: ZipSpec): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, spec] of Object.entries(files)) {
    if (typeof spec === "string" || Buffer.isBuffer(spec)) {
      zip.addBuffer(Buffer.from(spec), name, { mode: 0o100644 });
    } else {
      zip.addBuffer(Buffer.from(spec.data), name, { mode: spec.mode });
    }
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on("data", (c: Buffer) => chunks.push(c));
    zip.outputStream.on("end", () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on("error", reject);
  });
}

/** Overwrites the uncompressed size recorded for the first entry in the central directory. */
export function patchCentralDirectorySize(zip: Buffer, size: number): Buffer {
  const out = Buffer.from(zip);
  const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const cdOffset = out.readUInt32LE(eocd + 16);
  out.writeUInt32LE(size, cdOffset + 24);
  return out;
}

/** Replaces every occurrence of an entry name with another of the same byte length. */
export function renameEntry(zip: Buffer, from: string, to: string): Buffer {
  if (Buffer.byteLength(from) !== Buffer.byteLength(to)) throw new Error("names must have the same length");
  const out = Buffer.from(zip);
  const needle = Buffer.from(from);
  for (let i = out.indexOf(needle); i !== -1; i = out.indexOf(needle, i + 1)) Buffer.from(to).copy(out, i);
  return out;
}

export interface ScheduledTask {
  delayMs: number;
  run: () => void;
  cancelled: boolean;
  fired: boolean;
}

/** A Scheduler whose tasks run only when the test fires them. */
export class ManualScheduler {
  readonly tasks: ScheduledTask[] = [];
  private readonly waiting: Array<{ delayMs: number; resolve: (task: ScheduledTask) => void }> = [];

  schedule(delayMs: number, run: () => void): () => void {
    const task: ScheduledTask = { delayMs, run, cancelled: false, fired: false };
    this.tasks.push(task);
    const i = this.waiting.findIndex((w) => w.delayMs === delayMs);
    if (i >= 0) this.waiting.splice(i, 1)[0]?.resolve(task);
    return () => {
      task.cancelled = true;
    };
  }

  /** The first pending task with this delay, now or as soon as one is scheduled. */
  next(delayMs: number): Promise<ScheduledTask> {
    const pending = this.tasks.find((t) => t.delayMs === delayMs && !t.cancelled && !t.fired);
    if (pending) return Promise.resolve(pending);
    return new Promise((resolve) => this.waiting.push({ delayMs, resolve }));
  }

  fire(task: ScheduledTask): void {
    if (task.cancelled || task.fired) return;
    task.fired = true;
    task.run();
  }
}

export class ManualClock {
  constructor(private t = Date.UTC(2024, 0, 15, 12, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** True when the process no longer exists (a zombie awaiting its reaper counts as gone). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return true;
  }
}
