/**
 * The session tokens STS issues. AWS's are opaque to clients but carry what the service needs
 * to judge them, their expiration among it: an expired token is refused with ExpiredToken
 * however long ago it was issued. Nimbus's carry their expiration too, after a marker, so that
 * once the rows of expired sessions are purged (Identities.purgeExpired) their tokens are still
 * refused as expired rather than taken for unknown keys.
 */
import { randomBytes } from "node:crypto";

/** What AWS's session tokens start with (base64 of their own version header). */
const PREFIX = "IQoJb3JpZ2luX2Vj";
const MARKER = Buffer.from("NMB1", "latin1");
/** 240 bytes in all, as before the expiration was carried: 228 random, the marker, 8 of expiration. */
const RANDOM_BYTES = 228;
const BODY_BYTES = RANDOM_BYTES + MARKER.length + 8;

/** A new session token carrying `expiration` (epoch ms). */
export function newSessionToken(expiration: number): string {
  const body = Buffer.allocUnsafe(BODY_BYTES);
  randomBytes(RANDOM_BYTES).copy(body, 0);
  MARKER.copy(body, RANDOM_BYTES);
  body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(expiration))), RANDOM_BYTES + MARKER.length);
  return PREFIX + body.toString("base64");
}

/** The expiration (epoch ms) a token Nimbus issued carries; undefined for any other token. */
export function sessionTokenExpiration(token: string): number | undefined {
  if (!token.startsWith(PREFIX) || token.length !== PREFIX.length + Math.ceil(BODY_BYTES / 3) * 4) return undefined;
  const body = Buffer.from(token.slice(PREFIX.length), "base64");
  if (body.length !== BODY_BYTES || !body.subarray(RANDOM_BYTES, RANDOM_BYTES + MARKER.length).equals(MARKER)) return undefined;
  const expiration = body.readBigUInt64BE(RANDOM_BYTES + MARKER.length);
  return expiration <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(expiration) : undefined;
}
