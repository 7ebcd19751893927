import { createHash, randomBytes, randomUUID, type Hash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type ReadStream,
} from "node:fs";
import { readdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Database } from "better-sqlite3";
import { digest } from "../core/digest.js";

/**
 * Content-addressed storage for object bodies and function code: `<root>/ab/cd/<sha256>`.
 *
 * A body is streamed to a temp file under `<root>/tmp` while it is hashed, then renamed into
 * place, so a half-written body is never visible under its id and memory stays flat for
 * multi-GiB uploads. Identical bytes share one file. Which files are in use is recorded in
 * the `_blobs` table (id, size, refs) of the state database, changed by `retain`/`release`
 * inside the caller's transaction, so a row and the references it holds commit together.
 * The table is global (not per account/region): identical bytes are shared across accounts,
 * which AWS customers can never observe.
 *
 * Crash safety (the promise is kill -9, the same as the database's synchronous=NORMAL):
 * files are written with write(2) and renamed, which the OS keeps when the process dies; no
 * fsync, so a power cut may lose the newest bodies just as it may lose the newest commits.
 * A crash can leave temp files, and files whose put was never retained; `sweep()` at
 * start-up removes both.
 *
 * Protocol for callers:
 *   const blob = await blobs.put(body);            // async, outside any transaction
 *   state.transaction(() => { insertRow(blob.id); blobs.retain(blob.id); });
 * and `blobs.release(id)` in the transaction that drops a reference. Between put and retain
 * the blob is pinned in memory, so a concurrent release of the same bytes cannot delete it.
 * A caller that decides not to keep a put (bad checksum, failed precondition) calls
 * `abandon(id)`; one that forgets only leaves a file for the next sweep.
 *
 * A composed blob (`compose`, S3's CompleteMultipartUpload) is the concatenation of other
 * blobs, kept as the list of its parts in `_blob_parts` rather than copied: it has no file of
 * its own, holds a reference to each part, and reads stream the parts in order. Completing a
 * multi-GiB upload is then a few rows, not a copy of every byte.
 *
 * An inline blob (a buffered put of at most `inlineBytes`, 16 KiB by default) has no file
 * either: its bytes are a row of `_blob_data`, written by the `retain` that creates its
 * reference and deleted by the `release` that drops the last one, so they commit or roll back
 * with the row that uses them, and a crash can leave nothing behind. A file costs a new inode,
 * a rename and later an unlink, plus a directory for each new `ab/cd` shard of a fresh store:
 * measured here, a 1 KiB PUT of new content spent more in the file system (about 140 µs) than
 * in everything else, where a row costs a few µs (SQLite's own finding for small blobs). Until
 * it is retained, a put's bytes wait in its pin. Readers take an inline blob's bytes when they
 * open it, so a release meanwhile cuts nothing short. Data dirs written before inline blobs
 * keep their small files, which every read still finds.
 */

export type BlobHashName = "md5" | "sha1" | "sha256";

export type BlobSource = Readable | Buffer | Uint8Array | AsyncIterable<Uint8Array>;

export interface BlobPutOptions {
  /** Extra digests to compute in the same pass (S3 ETag = md5). */
  hashes?: readonly BlobHashName[];
  /**
   * How a streamed put is named. "content" (the default): by the sha256 of its bytes, so
   * identical bodies share one file. "unique": a random id, for large bodies whose callers
   * hash them anyway (S3 computes MD5 for the ETag): a second full-body hash would halve
   * upload throughput to save space only when two large bodies are byte-identical. Small
   * buffered puts are always content-addressed (hashing a few KiB costs nothing).
   */
  id?: "content" | "unique";
  /**
   * Sees every chunk in order, for checksums this store does not know (CRC32C, CRC64NVME)
   * or size limits: throwing aborts the put and removes its temp file. A returned promise
   * holds the stream until it settles (backpressure from a hasher on another thread).
   */
  onChunk?: (chunk: Uint8Array) => void | Promise<void>;
  /** Aborts the put (client disconnected); the temp file is removed. */
  signal?: AbortSignal;
}

export interface BlobInfo {
  /** sha256 of the bytes, lowercase hex; or 64 random hex digits for a put with `id: "unique"`. */
  id: string;
  size: number;
  /** The sha256 of the bytes, when it was computed (always, unless `id: "unique"`). */
  sha256?: Buffer;
  md5?: Buffer;
  sha1?: Buffer;
}

/** Inclusive byte offsets, as in HTTP `Range: bytes=start-end`. An end past the last byte stops at the end. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface SweepOptions {
  /** Also report referenced blobs whose file is gone (one stat per blob, so off by default). */
  checkMissing?: boolean;
}

export interface SweepResult {
  /** Files nobody references any more (crash between put and commit, abandoned puts). */
  removedBlobs: number;
  /** Temp files of puts that never finished. */
  removedTemp: number;
  /** Referenced ids whose file does not exist: the data dir was damaged outside Nimbus. */
  missing: string[];
}

export interface BlobStore {
  readonly root: string;
  /** A Buffer or Uint8Array of at most SMALL_BLOB_BYTES is hashed and written synchronously (one write, one rename). */
  put(source: BlobSource, opts?: BlobPutOptions): Promise<BlobInfo>;
  /**
   * A blob made of `parts` in order, without copying them: pinned like a put until the caller
   * retains it, in the same transaction, which must be open (the part references commit with
   * the row that uses it); one it does not retain is let go when the transaction ends. One part
   * is that part itself.
   */
  compose(parts: readonly { readonly id: string; readonly size: number }[]): BlobInfo;
  /**
   * Streams the blob or a range of it. The file is opened now (a composed blob's parts are held
   * until the stream closes), so a delete after this call does not cut the stream short.
   */
  get(id: string, range?: ByteRange): Readable;
  /**
   * The blob (or a range of it) for a response body: the bytes themselves when the blob is
   * small (`size` is its known size), from a cache of recently used small blobs, else a stream.
   */
  read(id: string, size: number, range?: ByteRange): Buffer | Readable;
  size(id: string): number;
  has(id: string): boolean;
  /** Whether `id` names a composed blob: one that cannot itself be a part of another composition. */
  isComposed(id: string): boolean;
  /** The file itself, for readers that need a path; a composed or inline blob has none. Never write to it. */
  path(id: string): string;
  /** Adds a reference (inside the caller's transaction). The blob must exist. */
  retain(id: string): void;
  /**
   * Drops a reference (inside the caller's transaction). At zero the row goes now and the
   * file once the transaction has committed: unlinking inside it would lose the bytes if
   * the transaction rolled back.
   */
  release(id: string): void;
  refs(id: string): number;
  /** Gives up a put that will not be retained; the file goes unless something else holds it. */
  abandon(id: string): void;
  sweep(opts?: SweepOptions): Promise<SweepResult>;
}

/**
 * A blob whose file holds fewer bytes than were stored: it was truncated outside Nimbus (a user
 * cleaning the data dir). Refused when the file is opened, so a read never passes a short body
 * on as if it were whole (a copy would store it, a response would be cut short).
 */
export class BlobDamagedError extends Error {
  override readonly name = "BlobDamagedError";
  readonly code = "BlobDamaged";
  constructor(
    readonly id: string,
    expected: number,
    actual: number,
  ) {
    super(`blob ${id} has ${actual} bytes where ${expected} were stored: its file was changed outside Nimbus`);
  }
}

export class BlobNotFoundError extends Error {
  override readonly name = "BlobNotFoundError";
  readonly code = "BlobNotFound";
  constructor(readonly id: string) {
    super(`blob ${id} does not exist`);
  }
}

/** Run by the state layer through `migrate("_blobs", ...)`. */
export const BLOB_MIGRATIONS: readonly string[] = [
  `CREATE TABLE _blobs (
     id   TEXT    PRIMARY KEY,
     size INTEGER NOT NULL,
     refs INTEGER NOT NULL CHECK (refs > 0)
   ) WITHOUT ROWID`,
  // The parts of composed blobs, in order (see compose).
  `CREATE TABLE _blob_parts (
     id   TEXT    NOT NULL,
     seq  INTEGER NOT NULL,
     part TEXT    NOT NULL,
     size INTEGER NOT NULL,
     PRIMARY KEY (id, seq)
   ) WITHOUT ROWID`,
  // The bytes of inline blobs (see the top of this file): a rowid table, as rows of KiBs want.
  `CREATE TABLE _blob_data (
     id    TEXT NOT NULL UNIQUE,
     bytes BLOB NOT NULL
   )`,
];

/**
 * Bodies up to this size are read and written whole: a request/response of a few KiB pays
 * one write(2) and one rename(2) instead of a stream's open/write/close round trips through
 * the thread pool, and small reads come from memory. Bounded per request, so memory stays flat.
 */
export const SMALL_BLOB_BYTES = 256 * 1024;
/** Bodies up to this size are kept in the database rather than in files (see the top of this file). */
export const INLINE_BLOB_BYTES = 16 * 1024;
/** Total bytes of small blobs kept for reads. Blobs are immutable (named by their hash), so the cache never goes stale. */
export const SMALL_BLOB_CACHE_BYTES = 64 * 1024 * 1024;
/**
 * What a cached blob costs beside its bytes, counted against SMALL_BLOB_CACHE_BYTES: its id (64
 * characters), the Map entry, the Buffer and its ArrayBuffer, about 320 bytes of heap measured
 * (20,000 cached blobs of 10 to 1,024 bytes), and the allocator's share. Uncounted, a cache of
 * tiny objects grew to 64 MiB of their bytes and several times that in memory.
 */
const CACHE_ENTRY_BYTES = 400;

const READ_CHUNK_BYTES = 1024 * 1024;
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;

const ID_PATTERN = /^[0-9a-f]{64}$/;

/** Refuses what is no blob id (a caller's bug): ids name files, so nothing else may get near a path. */
function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new TypeError(`not a blob id (64 lowercase hex digits): ${JSON.stringify(id)}`);
}
const SHARD_PATTERN = /^[0-9a-f]{2}$/;
const TEMP_DIR = "tmp";

export class DiskBlobStore implements BlobStore {
  /**
   * Puts that finished but are not retained yet: id -> count and size (retain needs no stat), and
   * an inline put's bytes, which the retain that creates the blob's reference writes.
   */
  private readonly pins = new Map<string, { count: number; size: number; bytes?: Buffer }>();
  /** Recently read or written small blobs, least recently used first. */
  private readonly cache = new Map<string, Buffer>();
  /** The id the cache holds last (most recently used), when known. */
  private cacheLast: string | undefined;
  private cacheBytes = 0;
  /** Shard directories known to exist, so a small put does not mkdir each time. */
  private readonly shardDirs = new Set<string>();
  /** Temp files of puts in progress, which a sweep running meanwhile must not touch. */
  private readonly activeTemps = new Set<string>();
  /** Ids whose file may have to go once the current transaction ends. */
  private readonly candidates = new Set<string>();
  /**
   * Pins `compose` took in the current transaction that no `retain` has taken over yet, by id and
   * count. The transaction's end drops what is left: a CompleteMultipartUpload refused after its
   * parts were composed (a failed If-None-Match) held them pinned for good, and a single part's
   * file with them.
   */
  private readonly composing = new Map<string, number>();
  private readonly stmts: {
    refs: { get(id: string): { refs: number } | undefined };
    insertOrIncrement: { get(id: string, size: number): { refs: number } | undefined };
    decrement: { run(id: string): { changes: number } };
    deleteLast: { run(id: string): { changes: number } };
    allIds: { pluck(): { iterate(): IterableIterator<unknown> } };
    size: { get(id: string): { size: number } | undefined };
    parts: { all(id: string): { part: string; size: number }[] };
    composed: { get(id: string): unknown };
    insertPart: { run(id: string, seq: number, part: string, size: number): unknown };
    deleteParts: { all(id: string): { part: string }[] };
    data: { get(id: string): { bytes: Buffer } | undefined };
    dataSize: { get(id: string): { size: number } | undefined };
    insertData: { run(id: string, bytes: Uint8Array): unknown };
    deleteData: { run(id: string): { changes: number } };
  };

  constructor(
    private readonly db: Database,
    readonly root: string,
    /** Buffered puts up to this size are inline blobs; 0 gives every blob a file. */
    private readonly inlineBytes = INLINE_BLOB_BYTES,
    /** What the read cache of small blobs may hold, each counted with CACHE_ENTRY_BYTES. */
    private readonly cacheLimit = SMALL_BLOB_CACHE_BYTES,
  ) {
    mkdirSync(join(root, TEMP_DIR), { recursive: true });
    this.stmts = {
      refs: db.prepare<[string], { refs: number }>("SELECT refs FROM _blobs WHERE id = ?"),
      insertOrIncrement: db.prepare<[string, number], { refs: number }>(
        "INSERT INTO _blobs (id, size, refs) VALUES (?, ?, 1) ON CONFLICT (id) DO UPDATE SET refs = refs + 1 RETURNING refs",
      ),
      decrement: db.prepare<[string]>("UPDATE _blobs SET refs = refs - 1 WHERE id = ?"),
      deleteLast: db.prepare<[string]>("DELETE FROM _blobs WHERE id = ? AND refs = 1"),
      allIds: db.prepare("SELECT id FROM _blobs"),
      size: db.prepare<[string], { size: number }>("SELECT size FROM _blobs WHERE id = ?"),
      parts: db.prepare<[string], { part: string; size: number }>("SELECT part, size FROM _blob_parts WHERE id = ? ORDER BY seq"),
      composed: db.prepare<[string]>("SELECT 1 FROM _blob_parts WHERE id = ? LIMIT 1"),
      insertPart: db.prepare<[string, number, string, number]>("INSERT INTO _blob_parts (id, seq, part, size) VALUES (?, ?, ?, ?)"),
      deleteParts: db.prepare<[string], { part: string }>("DELETE FROM _blob_parts WHERE id = ? RETURNING part"),
      data: db.prepare<[string], { bytes: Buffer }>("SELECT bytes FROM _blob_data WHERE id = ?"),
      dataSize: db.prepare<[string], { size: number }>("SELECT length(bytes) AS size FROM _blob_data WHERE id = ?"),
      insertData: db.prepare<[string, Uint8Array]>("INSERT OR IGNORE INTO _blob_data (id, bytes) VALUES (?, ?)"),
      deleteData: db.prepare<[string]>("DELETE FROM _blob_data WHERE id = ?"),
    };
  }

  async put(source: BlobSource, opts: BlobPutOptions = {}): Promise<BlobInfo> {
    if (source instanceof Uint8Array && source.length <= SMALL_BLOB_BYTES) return this.putSmall(source, opts);
    this.flushDeletions();
    const temp = join(this.root, TEMP_DIR, `${randomUUID()}.part`);
    this.activeTemps.add(temp);
    const unique = opts.id === "unique";
    const sha256 = unique ? undefined : createHash("sha256");
    const extra = new Map<BlobHashName, Hash>();
    for (const name of opts.hashes ?? []) if (name !== "sha256" || unique) extra.set(name, createHash(name));
    const onChunk = opts.onChunk;
    let size = 0;
    // Piped before the first await: a request stream that fails early must meet a listener,
    // not become an uncaught 'error'.
    // A deep buffer lets hashing the next chunks overlap with writing this one (16 KiB default: lockstep).
    const sink = createWriteStream(temp, { flags: "wx", highWaterMark: WRITE_BUFFER_BYTES });
    const input: Readable | AsyncIterable<unknown> | Iterable<unknown> = source instanceof Uint8Array ? [source] : source;
    // A Transform takes the chunks as they come; an async iterator over a Readable would read()
    // everything buffered at once, concatenated into a new Buffer: one more copy of every byte.
    const hashing = new Transform({
      // Any chunk is taken (an iterable source may yield anything); toBytes refuses non-bytes.
      writableObjectMode: true,
      transform(raw: unknown, _encoding, callback) {
        try {
          const chunk = toBytes(raw);
          sha256?.update(chunk);
          for (const hash of extra.values()) hash.update(chunk);
          const held = onChunk?.(chunk);
          size += chunk.length;
          if (held) held.then(() => callback(null, chunk), (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
          else callback(null, chunk);
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)));
        }
      },
    });
    try {
      if (opts.signal) await pipeline(input, hashing, sink, { signal: opts.signal });
      else await pipeline(input, hashing, sink);
    } catch (error) {
      // Wait for the sink to close: an open still in flight would otherwise create the file after the rm.
      if (!sink.closed) await new Promise<void>((resolve) => sink.once("close", () => resolve()));
      await rm(temp, { force: true });
      this.activeTemps.delete(temp);
      throw error;
    }
    const contentHash = sha256?.digest();
    const id = contentHash ? contentHash.toString("hex") : randomBytes(32).toString("hex");
    // Pin and place in one synchronous step: no sweep or post-commit deletion can run in between.
    this.pin(id, size);
    try {
      this.place(temp, id, size);
    } catch (error) {
      this.unpin(id);
      await rm(temp, { force: true });
      throw error;
    } finally {
      this.activeTemps.delete(temp);
    }
    const info: BlobInfo = { id, size };
    const md5 = extra.get("md5");
    const sha1 = extra.get("sha1");
    const requestedSha256 = extra.get("sha256");
    if (contentHash) info.sha256 = contentHash;
    else if (requestedSha256) info.sha256 = requestedSha256.digest();
    if (md5) info.md5 = md5.digest();
    if (sha1) info.sha1 = sha1.digest();
    return info;
  }

  /** An inline blob's bytes: a put's, until its retain has written them, else its row's. */
  private inlineBytesOf(id: string): Buffer | undefined {
    return this.pins.get(id)?.bytes ?? this.stmts.data.get(id)?.bytes;
  }

  /** Whether a buffered put of `size` bytes is an inline blob. */
  private inlines(size: number): boolean {
    return this.inlineBytes > 0 && size <= this.inlineBytes;
  }

  /** The whole-buffer put: hashed and written (or, inline, kept for its retain) in one synchronous step. */
  private putSmall(bytes: Uint8Array, opts: BlobPutOptions): BlobInfo {
    this.flushDeletions();
    opts.signal?.throwIfAborted();
    opts.onChunk?.(bytes);
    const sha256 = digest("sha256", bytes);
    const id = sha256.toString("hex");
    // A held blob (pinned or referenced) has its file or its row; anything else is (re)written,
    // and the rename replaces a leftover of the same bytes atomically. No stat on the hot path.
    const inline = this.inlines(bytes.length);
    const present = !inline && this.isHeld(id);
    // A copy (unless the cache has these bytes): the caller's may be a slice of a larger buffer
    // (a socket read) that caching would keep alive whole, or may be reused after the put.
    const copy = this.cache.get(id) ?? ownCopy(bytes);
    // An inline put keeps its bytes in the pin even when the blob exists: its last reference may
    // be released (and its row deleted) before this put is retained, which then writes them again.
    this.pin(id, bytes.length, inline ? copy : undefined);
    try {
      if (!inline && !present) {
        const final = this.path(id);
        const temp = join(this.root, TEMP_DIR, `${randomUUID()}.part`);
        try {
          writeFileSync(temp, bytes, { flag: "wx" });
          this.ensureShard(final);
          renameSync(temp, final);
        } catch (error) {
          // A full disk fails the write part-way: what it wrote would hold space until the next start's sweep.
          unlinkQuietly(temp);
          throw error;
        }
      }
    } catch (error) {
      this.unpin(id);
      throw error;
    }
    this.remember(id, copy);
    const info: BlobInfo = { id, size: bytes.length, sha256 };
    for (const name of opts.hashes ?? []) {
      if (name === "md5") info.md5 = digest("md5", bytes);
      if (name === "sha1") info.sha1 = digest("sha1", bytes);
    }
    return info;
  }

  read(id: string, size: number, range?: ByteRange): Buffer | Readable {
    if (size > SMALL_BLOB_BYTES) return this.stream(id, range, size);
    let bytes = this.cache.get(id);
    if (bytes !== undefined) {
      // Most recently used goes last, unless it is there already (the same blob read again): a
      // delete and set of a Map entry leaves a hole that its rehash pays for later.
      if (this.cacheLast !== id) {
        this.cache.delete(id);
        this.cache.set(id, bytes);
        this.cacheLast = id;
      }
    } else {
      bytes = this.inlines(size) ? this.inlineBytesOf(id) : undefined;
      if (bytes === undefined) {
        try {
          bytes = readFileSync(this.path(id));
        } catch (error) {
          if (!isNotFound(error)) throw error;
          // No file: a composed blob (or none, which get refuses).
          return this.get(id, range);
        }
        if (bytes.length < size) throw new BlobDamagedError(id, size, bytes.length);
      }
      this.remember(id, bytes);
    }
    if (range === undefined) return bytes;
    checkRange(range);
    return bytes.subarray(range.start, Math.min(range.end, bytes.length - 1) + 1);
  }

  private remember(id: string, bytes: Buffer): void {
    if (this.cache.has(id) || bytes.length > SMALL_BLOB_BYTES) return;
    // A slice of a larger buffer (readFileSync's pool) would keep all of it.
    this.cache.set(id, bytes.byteLength === bytes.buffer.byteLength ? bytes : ownCopy(bytes));
    this.cacheLast = id;
    this.cacheBytes += bytes.length + CACHE_ENTRY_BYTES;
    for (const [oldest, old] of this.cache) {
      if (this.cacheBytes <= this.cacheLimit) break;
      this.cache.delete(oldest);
      this.cacheBytes -= old.length + CACHE_ENTRY_BYTES;
    }
  }

  private forget(id: string): void {
    const bytes = this.cache.get(id);
    if (bytes === undefined) return;
    this.cache.delete(id);
    if (this.cacheLast === id) this.cacheLast = undefined;
    this.cacheBytes -= bytes.length + CACHE_ENTRY_BYTES;
  }

  private ensureShard(final: string): void {
    const dir = dirname(final);
    if (this.shardDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.shardDirs.add(dir);
  }

  compose(parts: readonly { readonly id: string; readonly size: number }[]): BlobInfo {
    if (!this.db.inTransaction) throw new Error("blob store: compose runs inside the transaction that retains the blob");
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only !== undefined) {
      this.pinComposed(only.id, only.size);
      return { id: only.id, size: only.size };
    }
    const id = randomBytes(32).toString("hex");
    let size = 0;
    parts.forEach((part, seq) => {
      // A reference of the caller's kind, but not retain(): that would take a pin some read holds.
      this.stmts.insertOrIncrement.get(part.id, part.size);
      this.stmts.insertPart.run(id, seq, part.id, part.size);
      size += part.size;
    });
    // Pinned until retained, like a put; a rollback before that takes the rows, and the pin goes when the transaction ends.
    this.pinComposed(id, size);
    return { id, size };
  }

  private pinComposed(id: string, size: number): void {
    this.pin(id, size);
    this.composing.set(id, (this.composing.get(id) ?? 0) + 1);
  }

  get(id: string, range?: ByteRange): Readable {
    return this.stream(id, range, this.pins.get(id)?.size ?? this.stmts.size.get(id)?.size);
  }

  /** get, with the blob's size when it is known (what its file must hold). */
  private stream(id: string, range: ByteRange | undefined, size: number | undefined): Readable {
    if (range !== undefined) checkRange(range);
    const file = this.openFile(id, range, size);
    if (file !== undefined) return file;
    const inline = this.inlineBytesOf(id);
    if (inline !== undefined) return Readable.from([sliced(inline, range)], { objectMode: false });
    const parts = this.stmts.parts.all(id);
    if (parts.length === 0) throw new BlobNotFoundError(id);
    return this.composed(parts, range);
  }

  /**
   * A stream of the blob's file (or a range of it), opened now; undefined when it has no file. A
   * file shorter than `size` is refused (BlobDamagedError): one fstat, against reading it short.
   */
  private openFile(id: string, range: ByteRange | undefined, size: number | undefined): ReadStream | undefined {
    const file = this.path(id);
    let fd: number;
    try {
      fd = openSync(file, "r");
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    if (size !== undefined) {
      const actual = fstatSync(fd).size;
      if (actual < size) {
        closeSync(fd);
        throw new BlobDamagedError(id, size, actual);
      }
    }
    // 1 MiB reads: a multi-GiB GET then costs a thousand syscalls per GiB instead of sixteen thousand.
    return createReadStream(file, range ? { fd, start: range.start, end: range.end, highWaterMark: READ_CHUNK_BYTES } : { fd, highWaterMark: READ_CHUNK_BYTES });
  }

  /**
   * The parts' ranges that make up `range` of a composed blob, streamed one after another. The
   * parts are pinned until the stream closes, so a release meanwhile cannot delete their files.
   */
  private composed(parts: readonly { part: string; size: number }[], range: ByteRange | undefined): Readable {
    const total = parts.reduce((n, p) => n + p.size, 0);
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? total - 1, total - 1);
    const pieces: Piece[] = [];
    let offset = 0;
    for (const { part, size } of parts) {
      const from = Math.max(start, offset);
      const to = Math.min(end, offset + size - 1);
      if (from <= to) {
        const range = { start: from - offset, end: to - offset };
        // An inline part's bytes are taken now (a pin does not hold a row); only an upload's last part can be that small.
        const inline = this.inlines(size) ? this.inlineBytesOf(part) : undefined;
        pieces.push({ id: part, size, range, ...(inline !== undefined ? { bytes: sliced(inline, range) } : {}) });
      }
      offset += size;
    }
    for (const piece of pieces) this.pin(piece.id, piece.size);
    const open = (piece: Piece): ReadStream | Buffer => {
      if (piece.bytes !== undefined) return piece.bytes;
      const file = this.openFile(piece.id, piece.range, piece.size);
      if (file === undefined) throw new BlobNotFoundError(piece.id);
      return file;
    };
    return new ComposedStream(pieces, open, () => {
      for (const piece of pieces) {
        this.unpin(piece.id);
        this.candidates.add(piece.id);
      }
      this.flushDeletions();
    });
  }

  size(id: string): number {
    try {
      return statSync(this.path(id)).size;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      const inline = this.pins.get(id)?.bytes?.length ?? this.stmts.dataSize.get(id)?.size;
      if (inline !== undefined) return inline;
      const composed = this.isComposed(id) ? this.stmts.size.get(id) : undefined;
      if (composed === undefined) throw new BlobNotFoundError(id);
      return composed.size;
    }
  }

  has(id: string): boolean {
    return existsSync(this.path(id)) || this.pins.get(id)?.bytes !== undefined || this.stmts.dataSize.get(id) !== undefined || this.isComposed(id);
  }

  /** One row tells; its parts list may run to thousands. */
  isComposed(id: string): boolean {
    return this.stmts.composed.get(id) !== undefined;
  }

  path(id: string): string {
    checkId(id);
    return join(this.root, id.slice(0, 2), id.slice(2, 4), id);
  }

  retain(id: string): void {
    const composing = this.composing.get(id);
    if (composing !== undefined) {
      if (composing > 1) this.composing.set(id, composing - 1);
      else this.composing.delete(id);
    }
    const pin = this.pins.get(id);
    const bytes = pin?.bytes;
    const refs = this.stmts.insertOrIncrement.get(id, pin?.size ?? this.size(id))?.refs;
    // The first reference of an inline put writes its bytes, in the same transaction.
    if (refs === 1 && bytes !== undefined) this.stmts.insertData.run(id, bytes);
    if (this.unpin(id) && this.db.inTransaction && bytes === undefined) {
      // The put is now held by this transaction; if it rolls back, the file is nobody's. An
      // inline put has no file: its bytes row goes with the transaction, so nothing is checked.
      this.candidates.add(id);
    }
  }

  release(id: string): void {
    checkId(id);
    // Most blobs have one reference: dropping the last one is a single statement.
    if (this.stmts.deleteLast.run(id).changes === 0) {
      if (this.stmts.decrement.run(id).changes === 0) throw new Error(`release of blob ${id}, which has no references`);
      return;
    }
    // An inline blob's bytes go with its last reference: nothing is left for after the commit but
    // its copy in the read cache, which goes now (a rollback only costs the next read a row).
    if (this.stmts.deleteData.run(id).changes > 0) {
      this.forget(id);
      return;
    }
    // A composed blob has no file: its parts lose the references it held.
    for (const { part } of this.stmts.deleteParts.all(id)) this.release(part);
    this.candidates.add(id);
    this.flushDeletions();
  }

  refs(id: string): number {
    checkId(id);
    return this.stmts.refs.get(id)?.refs ?? 0;
  }

  abandon(id: string): void {
    checkId(id);
    this.unpin(id);
    this.candidates.add(id);
    this.flushDeletions();
  }

  /**
   * Deletes the files of candidates nothing holds any more. Runs only outside a transaction,
   * when the rows it checks are final. The state layer calls it after each outermost
   * transaction; put, release, abandon and sweep call it too, which catches transactions
   * opened with `db.transaction()` directly.
   */
  flushDeletions(): void {
    if ((this.candidates.size === 0 && this.composing.size === 0) || this.db.inTransaction || !this.db.open) return;
    // Compositions the transaction did not retain: their rows rolled back (or never were).
    for (const [id, count] of this.composing) {
      for (let i = 0; i < count; i++) this.unpin(id);
      this.candidates.add(id);
    }
    this.composing.clear();
    for (const id of this.candidates) {
      this.candidates.delete(id);
      if (this.isHeld(id)) continue;
      this.forget(id);
      unlinkQuietly(this.path(id));
    }
  }

  async sweep(opts: SweepOptions = {}): Promise<SweepResult> {
    this.flushDeletions();
    const result: SweepResult = { removedBlobs: 0, removedTemp: 0, missing: [] };
    const tempDir = join(this.root, TEMP_DIR);
    for (const name of await readdirOrEmpty(tempDir)) {
      const file = join(tempDir, name);
      if (this.activeTemps.has(file)) continue;
      if (unlinkQuietly(file)) result.removedTemp++;
    }
    for (const top of await readdirOrEmpty(this.root)) {
      if (!SHARD_PATTERN.test(top)) continue;
      for (const sub of await readdirOrEmpty(join(this.root, top))) {
        if (!SHARD_PATTERN.test(sub)) continue;
        const dir = join(this.root, top, sub);
        for (const name of await readdirOrEmpty(dir)) {
          if (!ID_PATTERN.test(name) || !name.startsWith(top + sub)) continue;
          // Checked and unlinked synchronously, so a put of the same bytes cannot slip in between.
          if (this.isHeld(name)) continue;
          this.forget(name);
          if (unlinkQuietly(join(dir, name))) result.removedBlobs++;
        }
      }
    }
    if (opts.checkMissing) {
      for (const id of this.stmts.allIds.pluck().iterate()) {
        if (typeof id === "string" && !this.has(id)) result.missing.push(id);
      }
    }
    return result;
  }

  private isHeld(id: string): boolean {
    return this.pins.has(id) || this.stmts.refs.get(id) !== undefined;
  }

  private pin(id: string, size: number, bytes?: Buffer): void {
    const pin = this.pins.get(id);
    if (pin) {
      pin.count++;
      pin.bytes ??= bytes;
    } else this.pins.set(id, bytes === undefined ? { count: 1, size } : { count: 1, size, bytes });
  }

  /** Returns whether a pin was there to drop. */
  private unpin(id: string): boolean {
    const pin = this.pins.get(id);
    if (pin === undefined) return false;
    if (pin.count <= 1) this.pins.delete(id);
    else pin.count--;
    return true;
  }

  private place(temp: string, id: string, size: number): void {
    const final = this.path(id);
    // Dedupe. The size check replaces a file a power cut left empty (data not yet on disk
    // when the rename was); a file of the right size holds these bytes, so it stays.
    if (fileSize(final) === size) {
      unlinkSync(temp);
      return;
    }
    this.ensureShard(final);
    renameSync(temp, final);
  }
}

interface Piece {
  readonly id: string;
  readonly size: number;
  readonly range: ByteRange;
  /** An inline part's bytes in range, taken when the read began. */
  readonly bytes?: Buffer;
}

/**
 * A composed blob's bytes: its parts' ranges in order, each file opened when it is reached (an
 * inline part is its bytes). Read as any stream, or part by part by a reader that takes the
 * descriptors itself (the server's sendFiles, which reuses its buffers); `done` runs once, when
 * the stream closes.
 */
export class ComposedStream extends Readable {
  private chunks: AsyncGenerator<Buffer> | undefined;

  constructor(
    private readonly pieces: readonly Piece[],
    private readonly open: (piece: Piece) => ReadStream | Buffer,
    done: () => void,
  ) {
    super();
    this.once("close", done);
  }

  /** The parts' file streams (or inline bytes), each opened when the iteration reaches it; instead of reading this stream. */
  *files(): Generator<ReadStream | Buffer> {
    for (const piece of this.pieces) yield this.open(piece);
  }

  override _read(): void {
    this.chunks ??= this.read_();
    this.chunks.next().then(
      (next) => this.push(next.done ? null : next.value),
      (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  }

  private async *read_(): AsyncGenerator<Buffer> {
    for (const piece of this.pieces) {
      const file = this.open(piece);
      if (Buffer.isBuffer(file)) {
        yield file;
        continue;
      }
      try {
        for await (const chunk of file) yield chunk as Buffer;
      } finally {
        file.destroy();
      }
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void this.chunks?.return(undefined);
    callback(error);
  }
}

/**
 * A copy in an ArrayBuffer of its own. Buffer.from of under 4 KiB is a slice of an 8 KiB pool
 * shared with whatever else was allocated then, all of which a cached copy keeps alive: 20,000
 * cached 100-byte blobs held 26 MB of ArrayBuffers for 2 MB of bytes.
 */
function ownCopy(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length);
  copy.set(bytes);
  return copy;
}

/** The bytes of an inline blob in `range` (inclusive; an end past the last byte stops at the end). */
function sliced(bytes: Buffer, range: ByteRange | undefined): Buffer {
  return range === undefined ? bytes : bytes.subarray(range.start, Math.min(range.end, bytes.length - 1) + 1);
}

function checkRange({ start, end }: ByteRange): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`blob range must be integers with 0 <= start <= end, got ${start}-${end}`);
  }
}

/** The size of a file, or undefined when there is none: one stat(2), no exception on a miss. */
function fileSize(file: string): number | undefined {
  return statSync(file, { throwIfNoEntry: false })?.size;
}

function toBytes(raw: unknown): Uint8Array {
  if (raw instanceof Uint8Array) return raw;
  if (typeof raw === "string") return Buffer.from(raw, "utf8");
  throw new TypeError(`blob source yielded ${typeof raw}, expected bytes`);
}

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "ENOENT";
}

/** Leaves a file it cannot remove (Windows: still open by a reader) for the next sweep. */
function unlinkQuietly(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
