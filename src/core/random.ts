/**
 * Random bytes drawn from a pool filled 4 KiB at a time. On this class of VM each
 * `crypto.randomBytes()` call costs ~11 µs (a getrandom(2) per call), which SQS paid once per
 * received message for its receipt handles; `crypto.randomUUID()` already batches the same
 * way. Same CSPRNG, same quality; each byte is handed out once (a refill allocates a new pool).
 */
import { randomBytes, randomFillSync, randomUUID } from "node:crypto";

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let offset = 0;

export function pooledRandomBytes(size: number): Buffer {
  if (size > POOL_BYTES / 4) return randomBytes(size);
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const out = pool.subarray(offset, offset + size);
  offset += size;
  return out;
}

/** The UUID text up to the random bits, for the millisecond it was last built for. */
let uuidPrefix = { ms: -1, text: "" };

/**
 * A version-7 UUID (RFC 9562: 48 bits of epoch ms, then random bits), as the uuid package's
 * `v7` makes but ~0.3 µs instead of ~1 µs: the random part is `crypto.randomUUID()`'s, which
 * draws from a batched pool (the package fills 256 bytes with a getrandom(2) per 16 ids and
 * builds the text byte by byte). Unlike the package's, ids of one millisecond are not ordered
 * among themselves; they are ordered by millisecond, which is what keeps a table keyed by
 * them writing to the same few pages.
 */
export function timeOrderedUuid(nowMs: number = Date.now()): string {
  if (nowMs !== uuidPrefix.ms) {
    const hex = Math.max(0, Math.trunc(nowMs)).toString(16).padStart(12, "0");
    uuidPrefix = { ms: nowMs, text: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7` };
  }
  // randomUUID() is "xxxxxxxx-xxxx-4xxx-Vxxx-xxxxxxxxxxxx": keep what follows its version digit.
  return uuidPrefix.text + randomUUID().slice(15);
}
