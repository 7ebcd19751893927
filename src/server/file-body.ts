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

/** Resolves once the destination has taken the bytes (or failed: then `false`). */
function write(out: Writable, bytes: Buffer): Promise<boolean> {
  return new Promise((resolve) => out.write(bytes, (err) => resolve(!err)));
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
export async function sendFile(file: ReadStream & { fd: number }, out: Writable): Promise<void> {
  const start = (file as { start?: number }).start ?? 0;
  const end = (file as { end?: number }).end ?? Number.POSITIVE_INFINITY;
  let position = start;
  let writing: Promise<boolean> | undefined;
  let current: Buffer | undefined = take();
  try {
    for (;;) {
      const wanted = Math.min(CHUNK_BYTES, end - position + 1);
      if (wanted <= 0) break;
      const n = await readAt(file.fd, current, wanted, position);
      if (n === 0) break;
      position += n;
      if (writing && !(await writing)) return;
      if (out.destroyed) return;
      const buffer: Buffer = current;
      writing = write(out, buffer.subarray(0, n)).then((ok) => {
        give(buffer);
        return ok;
      });
      current = take();
    }
    if (writing && !(await writing)) return;
    out.end();
  } catch (error) {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
  } finally {
    if (current) give(current);
    file.destroy();
  }
}
