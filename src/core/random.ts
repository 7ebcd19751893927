/**
 * Random bytes drawn from a pool filled 4 KiB at a time. On this class of VM each
 * `crypto.randomBytes()` call costs ~11 µs (a getrandom(2) per call), which SQS paid once per
 * received message for its receipt handles; `crypto.randomUUID()` already batches the same
 * way. Same CSPRNG, same quality; each byte is handed out once (a refill allocates a new pool).
 */
import { randomBytes, randomFillSync } from "node:crypto";

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
