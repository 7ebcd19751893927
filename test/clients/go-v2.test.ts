/**
 * The AWS SDK for Go v2 against Nimbus: Debian's golang-github-aws-aws-sdk-go-v2-dev (core 1.17,
 * services of late 2022) built in GOPATH mode with golang-go. The programs in go-v2/ print one
 * "ok <check>" or "FAIL <check>: why" line per check; each makes its own bucket or table.
 * Signatures are enforced. What they cover that the JS SDK does not: Go's own SigV4 signer and presigner, the s3/manager
 * Uploader (parallel parts) and Downloader (parallel ranged GETs), response checksum validation
 * (S3 ChecksumMode, DynamoDB x-amz-crc32, also over gzip), virtual-hosted addressing, the
 * attributevalue and expression packages, paginators and waiters.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { TestNimbus } from "../e2e/harness.js";
import { startClientNimbus } from "./support.js";
import { goBuild, goMissing, goRun, goSources, passedChecks } from "./go.js";

const SOURCES = goSources("go-v2");
const missing = goMissing("github.com/aws/aws-sdk-go-v2/service/dynamodbstreams", "golang-github-aws-aws-sdk-go-v2-dev");

/** Runs a built program and asserts every check it reports passed, and that `expected` ran. */
async function checks(binary: string, args: string[], expected: number): Promise<void> {
  const r = await goRun(binary, args);
  assert.equal(passedChecks(r).size, expected, r.stdout);
}

describe("AWS SDK for Go v2", { skip: missing }, () => {
  let nimbus: TestNimbus;
  let bin: string;
  before(async () => {
    // The SDK signs and presigns with the real time; its own SigV4 signer is checked.
    nimbus = await startClientNimbus();
    bin = mkdtempSync(join(tmpdir(), "nimbus-go-v2-"));
    for (const program of ["s3", "dynamodb"]) await goBuild(join(SOURCES, program), join(bin, program));
  });
  after(async () => {
    if (bin) rmSync(bin, { recursive: true, force: true });
    await nimbus?.close();
  });

  test("S3, path-style: objects, listing, versions, manager, presign, checksums, waiters, errors", async () => {
    await checks(join(bin, "s3"), [`http://localhost:${nimbus.port}`, "path"], 30);
  });

  test("S3, virtual-hosted (<bucket>.localhost)", async () => {
    await checks(join(bin, "s3"), [`http://localhost:${nimbus.port}`, "vhost"], 30);
  });

  test("DynamoDB and DynamoDB Streams: attributevalue, expressions, paginators, transactions, PartiQL, gzip + CRC32", async () => {
    await checks(join(bin, "dynamodb"), [`http://localhost:${nimbus.port}`], 18);
  });
});
