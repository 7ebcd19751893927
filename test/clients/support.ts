/** What the client drivers share. */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { S3Client } from "@aws-sdk/client-s3";
import type { AuthConfig } from "../../src/auth/enforcement.js";
import { clientSuite, ENFORCE_SIGNATURES, startTestNimbus, type TestNimbus } from "../e2e/harness.js";

/**
 * The Nimbus each client driver runs against: the real clock (the clients sign and presign with
 * it) and signatures verified with the test secret, so every client's own signer is checked.
 */
export function startClientNimbus(auth: AuthConfig = ENFORCE_SIGNATURES): Promise<TestNimbus> {
  return startTestNimbus({ clock: { now: () => Date.now() }, auth });
}

/** The MD5 of some bytes, in hex: how the drivers compare what a tool wrote with what it read. */
export const md5Hex = (data: Buffer | string): string => createHash("md5").update(data).digest("hex");

/**
 * The hooks of a driver of S3 tools: a client Nimbus, a path-style S3 client for checking what the
 * tools did, and a scratch folder (`nimbus-<name>-*`, removed afterwards) for their files.
 */
export function s3ToolSuite(name: string, ready: (suite: { nimbus: TestNimbus; s3: S3Client; dir: string }) => void): void {
  let started: { nimbus: TestNimbus; s3: S3Client } | undefined;
  let dir = "";
  clientSuite(
    (nimbus) => new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true }),
    (nimbus, s3) => {
      started = { nimbus, s3 };
    },
    startClientNimbus,
  );
  before(() => {
    dir = mkdtempSync(join(tmpdir(), `nimbus-${name}-`));
    if (started) ready({ ...started, dir });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
}
