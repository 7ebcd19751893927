/**
 * Hashes of streamed uploads computed on worker threads, beside the request thread.
 *
 * A streamed PUT or part hashes every byte twice: MD5 for the ETag and the upload's checksum,
 * which S3 computes even when the client sends none (its default CRC64NVME). On the request
 * thread, which also reads the socket and writes the file, the two held a large PUT to about a
 * quarter of this machine's MD5 speed. Here the bytes are copied in 1 MiB batches to a pool of
 * (at most) two workers, each keeping a hasher per job; a new job goes to the worker with the
 * fewest, so an upload's MD5 and checksum run side by side on two cores while the request
 * thread only copies and writes. CRC32 stays on the request thread: Node's zlib computes it
 * natively at gigabytes per second, faster than the copy. Small bodies hash on the request
 * thread too: handing a few KiB over costs more than hashing them.
 *
 * If a worker cannot start or dies, uploads hash on the request thread again; an upload
 * whose hasher was on the dying worker fails (its digest rejects) rather than store a wrong value.
 */
import { availableParallelism } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { createHasher, type ChecksumAlgorithm, type StreamingHasher } from "./domain/checksums.js";
import { workerExecArgv } from "../../core/worker-threads.js";

/** Bytes posted to the worker at once: fewer messages, one copy each. */
const BATCH_BYTES = 1024 * 1024;
/** Batches an upload may have queued at the worker before its stream waits: memory stays flat. */
const MAX_QUEUED_BATCHES = 8;
/** Bodies smaller than this hash on the request thread (see above). */
const OFF_THREAD_MIN_BYTES = 1024 * 1024;
/** One worker per hash of an upload (MD5 and its checksum), fewer on a machine with fewer cores. */
const POOL_SIZE = Math.max(1, Math.min(2, availableParallelism()));

type Request =
  | { readonly id: number; readonly start: ChecksumAlgorithm }
  | { readonly id: number; readonly data: Uint8Array }
  | { readonly id: number; readonly end: true }
  | { readonly id: number; readonly drop: true };

type Reply =
  | { readonly id: number; readonly hashed: true; readonly buffer?: ArrayBuffer }
  | { readonly id: number; readonly digest: Uint8Array }
  | { readonly id: number; readonly error: string };

interface WorkerInput {
  readonly nimbusHashWorker: true;
}

interface SharedWorker {
  readonly worker: Worker;
  /** Uploads hashing on the worker, by job id. */
  readonly jobs: Map<number, OffThreadHasher>;
  /** Set when the worker failed: its jobs can no longer be answered. */
  dead?: Error;
}

const pool: SharedWorker[] = [];
/**
 * Full batches come back from the worker once hashed and are reused: without this, every MiB
 * became garbage in both threads' heaps, and a GiB upload peaked about 60 MB higher.
 */
const spareBatches: ArrayBuffer[] = [];
let unavailable = false;
let nextId = 1;

/** The pool's worker with the fewest jobs, started if the pool is not full; undefined once workers have failed. */
function hashWorker(): SharedWorker | undefined {
  if (unavailable) return undefined;
  const idle = pool.find((w) => w.jobs.size === 0);
  if (idle || pool.length >= POOL_SIZE) return idle ?? pool.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  try {
    const worker = new Worker(new URL(import.meta.url), { workerData: { nimbusHashWorker: true } satisfies WorkerInput, execArgv: workerExecArgv() });
    const state: SharedWorker = { worker, jobs: new Map() };
    const fail = (error: Error): void => {
      unavailable = true;
      const at = pool.indexOf(state);
      if (at >= 0) pool.splice(at, 1);
      state.dead ??= error;
      for (const job of state.jobs.values()) job.settle(error);
      state.jobs.clear();
    };
    worker.on("message", (reply: Reply) => state.jobs.get(reply.id)?.answer(reply));
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the checksum worker exited with code ${code}`)));
    // Idle, the worker does not keep the process alive; an upload hashing on it does (see
    // OffThreadHasher). After the listeners: a "message" listener refs the worker's port again.
    worker.unref();
    pool.push(state);
    return state;
  } catch {
    unavailable = true;
    return undefined;
  }
}

class OffThreadHasher implements StreamingHasher {
  private readonly id = nextId++;
  private batch: Uint8Array<ArrayBuffer> = newBatch();
  private used = 0;
  /** Batches posted and not hashed yet. */
  private queued = 0;
  private resume: (() => void) | undefined;
  private result: { resolve: (digest: Buffer) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(
    readonly algorithm: ChecksumAlgorithm,
    private readonly shared: SharedWorker,
  ) {
    shared.jobs.set(this.id, this);
    if (shared.jobs.size === 1) shared.worker.ref();
    shared.worker.postMessage({ id: this.id, start: algorithm } satisfies Request);
  }

  update(data: Uint8Array): void {
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(data.length - offset, BATCH_BYTES - this.used);
      this.batch.set(data.subarray(offset, offset + n), this.used);
      this.used += n;
      offset += n;
      if (this.used === BATCH_BYTES) this.flush();
    }
  }

  /** A promise while too many batches wait at the worker: the stream feeding this hasher waits for it. */
  backlog(): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure);
    if (this.queued <= MAX_QUEUED_BATCHES) return undefined;
    return new Promise((resolve) => (this.resume = resolve));
  }

  private flush(): void {
    if (this.used === 0 || this.failure) return;
    const full = this.used === BATCH_BYTES;
    const data = full ? this.batch : this.batch.slice(0, this.used);
    // A full batch is handed over (transferred, not copied again) and replaced.
    this.shared.worker.postMessage({ id: this.id, data } satisfies Request, full ? [data.buffer] : []);
    if (full) this.batch = newBatch();
    this.used = 0;
    this.queued++;
  }

  digest(): Promise<Buffer> {
    this.flush();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.result = { resolve, reject };
      this.shared.worker.postMessage({ id: this.id, end: true } satisfies Request);
    });
  }

  /** Forgets an upload that will never be digested (it failed or was aborted). */
  discard(): void {
    if (!this.shared.jobs.has(this.id)) return;
    if (!this.shared.dead) this.shared.worker.postMessage({ id: this.id, drop: true } satisfies Request);
    this.settle(new Error("discarded"));
  }

  answer(reply: Reply): void {
    if ("hashed" in reply) {
      this.queued--;
      if (reply.buffer && spareBatches.length < MAX_QUEUED_BATCHES * 2) spareBatches.push(reply.buffer);
      if (this.resume && this.queued <= MAX_QUEUED_BATCHES) {
        const resume = this.resume;
        this.resume = undefined;
        resume();
      }
    } else if ("digest" in reply) this.settle(undefined, Buffer.from(reply.digest));
    else this.settle(new Error(reply.error));
  }

  /** The job is over: with its digest, or an error (the worker died, or the job was dropped). */
  settle(error: Error | undefined, digest?: Buffer): void {
    this.shared.jobs.delete(this.id);
    if (this.shared.jobs.size === 0) this.shared.worker.unref();
    if (error) {
      this.failure = error;
      this.result?.reject(error);
    } else if (digest) this.result?.resolve(digest);
    this.resume?.();
    this.resume = undefined;
  }
}

function newBatch(): Uint8Array<ArrayBuffer> {
  const spare = spareBatches.pop();
  return spare ? new Uint8Array(spare) : new Uint8Array(BATCH_BYTES);
}

/**
 * A hasher for a streamed body of `expectedBytes` (undefined: not known yet): on a worker thread
 * for every algorithm but CRC32 when the body is large, on this thread otherwise or when no
 * worker is available. Feed it through `hashChunk` (which holds the stream while the worker is
 * behind), and call `discardHasher` if it will never be digested.
 */
export function createStreamHasher(algorithm: ChecksumAlgorithm, expectedBytes?: number): StreamingHasher {
  const large = expectedBytes === undefined || expectedBytes >= OFF_THREAD_MIN_BYTES;
  const worker = algorithm === "CRC32" || !large ? undefined : hashWorker();
  return worker ? new OffThreadHasher(algorithm, worker) : createHasher(algorithm);
}

/** Hashes a chunk with each hasher; a promise when the stream should wait for a worker to catch up. */
export function hashChunk(hashers: StreamingHasher | readonly StreamingHasher[], chunk: Uint8Array): Promise<void> | undefined {
  let held: Promise<void> | undefined;
  for (const hasher of Array.isArray(hashers) ? hashers : [hashers]) {
    hasher.update(chunk);
    const backlog = hasher instanceof OffThreadHasher ? hasher.backlog() : undefined;
    if (backlog) held = held ? Promise.all([held, backlog]).then(() => undefined) : backlog;
  }
  return held;
}

export function discardHasher(hasher: StreamingHasher): void {
  if (hasher instanceof OffThreadHasher) hasher.discard();
}

function runWorker(): void {
  const hashers = new Map<number, StreamingHasher>();
  parentPort?.on("message", (request: Request) => {
    if ("start" in request) hashers.set(request.id, createHasher(request.start));
    else if ("data" in request) {
      const { data } = request;
      hashers.get(request.id)?.update(data);
      // A full batch goes back to be filled again (see spareBatches).
      const full = data.byteLength === BATCH_BYTES && data.byteOffset === 0 && data.buffer.byteLength === BATCH_BYTES;
      const buffer = full ? (data.buffer as ArrayBuffer) : undefined;
      parentPort?.postMessage({ id: request.id, hashed: true, ...(buffer ? { buffer } : {}) } satisfies Reply, buffer ? [buffer] : []);
    }
    else if ("drop" in request) hashers.delete(request.id);
    else {
      const hasher = hashers.get(request.id);
      hashers.delete(request.id);
      if (!hasher) return parentPort?.postMessage({ id: request.id, error: "no such checksum job" } satisfies Reply);
      hasher.digest().then(
        (digest) => parentPort?.postMessage({ id: request.id, digest } satisfies Reply),
        (error: unknown) => parentPort?.postMessage({ id: request.id, error: String(error) } satisfies Reply),
      );
    }
  });
}

if (!isMainThread && (workerData as Partial<WorkerInput> | undefined)?.nimbusHashWorker === true) runWorker();
