/** Identifiers shaped as AWS shapes them: ASIA/AROA prefixes, 20-char key ids, 40-char secrets. */
import { randomBytes } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(n: number): string {
  const bytes = randomBytes(n);
  let out = "";
  for (let i = 0; i < n; i++) out += ALPHABET[(bytes[i] ?? 0) % 32];
  return out;
}

/** Temporary credentials' key ids start with ASIA; 20 characters in all. */
export const sessionAccessKeyId = (): string => `ASIA${base32(16)}`;

/** Role ids start with AROA; 21 characters in all. */
export const roleId = (): string => `AROA${base32(17)}`;

export const secretAccessKey = (): string => randomBytes(30).toString("base64").replace(/[^A-Za-z0-9]/g, "A").slice(0, 40);
