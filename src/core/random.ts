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

const TEXT_POOL_CHARS = 4096;
/** Random text already made, per alphabet, and how much of it has been handed out. */
const textPools = new Map<string, { text: string; offset: number }>();

/**
 * `length` random characters of `alphabet` (whose size divides 256: hexadecimal digits, base32),
 * sliced from a pool made 4,096 at a time: a request id on every answer (S3's 16 hexadecimal
 * digits, DynamoDB's 26 of base32hex) costs a slice instead of random bytes turned into text and
 * then cased or mapped. Each character is one pooled byte, so all are equally likely; each is
 * handed out once.
 */
export function randomChars(length: number, alphabet: string): string {
  let pool = textPools.get(alphabet);
  if (pool === undefined || pool.offset + length > pool.text.length) {
    pool = { text: randomText(Math.max(TEXT_POOL_CHARS, length), alphabet), offset: 0 };
    textPools.set(alphabet, pool);
  }
  const out = pool.text.slice(pool.offset, pool.offset + length);
  pool.offset += length;
  return out;
}

function randomText(length: number, alphabet: string): string {
  const size = alphabet.length;
  if (size === 0 || size > 256 || 256 % size !== 0) throw new Error(`randomChars: an alphabet of ${size} characters would not make each equally likely`);
  const codes = Buffer.from(alphabet, "latin1");
  const bytes = randomFillSync(Buffer.allocUnsafe(length));
  for (let i = 0; i < length; i++) bytes[i] = codes[(bytes[i] as number) % size] as number;
  return bytes.toString("latin1");
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
