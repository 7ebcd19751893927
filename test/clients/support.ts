/** What the client drivers share. */
import { createHash } from "node:crypto";
import type { AuthConfig } from "../../src/auth/enforcement.js";
import { ENFORCE_SIGNATURES, startTestNimbus, type TestNimbus } from "../e2e/harness.js";

/**
 * The Nimbus each client driver runs against: the real clock (the clients sign and presign with
 * it) and signatures verified with the test secret, so every client's own signer is checked.
 */
export function startClientNimbus(auth: AuthConfig = ENFORCE_SIGNATURES): Promise<TestNimbus> {
  return startTestNimbus({ clock: { now: () => Date.now() }, auth });
}

/** The MD5 of some bytes, in hex: how the drivers compare what a tool wrote with what it read. */
export const md5Hex = (data: Buffer | string): string => createHash("md5").update(data).digest("hex");
