/**
 * Large file bodies (S3 GET of a stored blob) sent from a few reused buffers. Piping an
 * fs.ReadStream allocates a new 1 MiB Buffer per read; that external memory makes V8 run a
 * full mark-compact of the whole heap (service models included) every few hundred MiB, which
 * cost a GiB GET about a fifth of its CPU. Here each buffer goes back to a small pool once the
 * socket has taken its bytes (the write callback), so a GET of any size allocates nothing.
 */
import { read, ReadStream } from "node:fs";
import type { Writable } from "node:stream";

const CHUNK_BYTES = 1024 * 1024;
/** Buffers kept for the next GETs; more are allocated when many GETs run at once. */
const POOL_MAX = 8;
const pool: Buffer[] = [];

const take = (): Buffer => pool.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
const give = (buffer: Buffer): void => {
  if (pool.length < POOL_MAX) pool.push(buffer);
};

function readAt(fd: number, buffer: Buffer, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, 0, length, position, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead))));
}

/**
 * Resolves once the destination has taken the bytes, or `false` once it failed or closed: a
 * response whose client went away while its socket was full (it stopped reading, then left)
 * may never call back, and the file's descriptor and the buffers were held for good.
 */
function write(out: Writable, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    if (out.destroyed) return resolve(false);
    const closed = (): void => resolve(false);
    out.once("close", closed);
    out.write(bytes, (err) => {
      out.off("close", closed);
      resolve(!err);
    });
  });
}

/**
 * Whether `stream` is an unread fs.ReadStream over an open descriptor (what the blob store hands
 * out), so `sendFile` can read the descriptor itself.
 */
export function isFileStream(stream: unknown): stream is ReadStream & { fd: number } {
  return stream instanceof ReadStream && typeof (stream as { fd?: unknown }).fd === "number" && stream.bytesRead === 0;
}

/**
 * Sends the file range of `file` (its fd, start and end) to `out` and ends it; reads the next
 * chunk while the previous one is written. The stream object itself is never read: it is
 * destroyed at the end, which closes the descriptor.
 */
export function sendFile(file: ReadStream & { fd: number }, out: Writable): Promise<void> {
  return sendFiles([file], out);
}

/**
 * sendFile for the file ranges `files` yields, one after another, as one body (a composed
 * blob's parts, where a part kept in the database comes as its bytes): each is opened when
 * reached and destroyed once sent; `whole` (the stream the files make up) is destroyed at the end.
 */
export async function sendFiles(files: Iterable<ReadStream | Buffer>, out: Writable, whole?: { destroy(): void }): Promise<void> {
  // The buffer to read into next, and the write in flight (which the next read overlaps).
  const state: Sending = { spare: take() };
  try {
    for (const file of files) {
      if (Buffer.isBuffer(file)) {
        if (state.writing && !(await state.writing)) return;
        if (out.destroyed) return;
        state.writing = write(out, file);
        continue;
      }
      try {
        if (!isFileStream(file)) throw new Error("sendFiles: not an unread file stream");
        if (!(await sendRange(file, out, state))) return;
      } finally {
        file.destroy();
      }
    }
    if (state.writing && !(await state.writing)) return;
    out.end();
  } catch (error) {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  } finally {
    give(state.spare);
    whole?.destroy();
  }
}

interface Sending {
  /** Owned by the sender: never in a write. */
  spare: Buffer;
  writing?: Promise<boolean>;
}

/** Writes one file's range to `out` without ending it; false once `out` failed or was destroyed. */
async function sendRange(file: ReadStream & { fd: number }, out: Writable, state: Sending): Promise<boolean> {
  const start = (file as { start?: number }).start ?? 0;
  const end = (file as { end?: number }).end ?? Number.POSITIVE_INFINITY;
  let position = start;
  for (;;) {
    const wanted = Math.min(CHUNK_BYTES, end - position + 1);
    if (wanted <= 0) return true;
    const n = await readAt(file.fd, state.spare, wanted, position);
    if (n === 0) return true;
    position += n;
    if (state.writing && !(await state.writing)) return false;
    if (out.destroyed) return false;
    const buffer = state.spare;
    // The buffer goes back to the pool once the socket has taken it; the next read uses another.
    state.spare = take();
    state.writing = write(out, buffer.subarray(0, n)).then((ok) => {
      // A write that did not complete may still hold the buffer.
      if (ok) give(buffer);
      return ok;
    });
  }
}
