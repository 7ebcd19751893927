/**
 * Drives Nimbus with the AWS SDK for Go v1 from Debian's golang-github-aws-aws-sdk-go-dev
 * (1.44.133, built in GOPATH mode with golang-go): its own SigV4 signer and presigner, REST-XML
 * unmarshaller and error decoding (awserr.RequestFailure), s3manager's multipart Uploader,
 * ranged Downloader and BatchDelete, GetBucketRegion, the waiters, the DynamoDB x-amz-crc32
 * check, dynamodbattribute, the expression builder and the dynamodbstreams client. Each
 * program (test/clients/go-v1/<area>/main.go) checks what it gets and prints "ok <check>" or
 * "FAIL <check>: why".
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ENFORCE_ALL, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { startClientNimbus } from "./support.js";
import type { RunResult } from "../compat/tools.js";
import { goBuild, goMissing, goRun, goSources, passedChecks } from "./go.js";

const PROGRAMS = goSources("go-v1");
const missing = goMissing("github.com/aws/aws-sdk-go/aws/version.go", "golang-github-aws-aws-sdk-go-dev");

/** Checks a program passed every check, and ran the ones named. */
function assertChecks(r: RunResult, expected: readonly string[]): void {
  const passed = passedChecks(r);
  for (const name of expected) assert.ok(passed.has(name), `check "${name}" did not run:\n${r.stdout}`);
}

describe("AWS SDK for Go v1 (Debian golang-github-aws-aws-sdk-go-dev)", { skip: missing }, () => {
  let nimbus: TestNimbus;
  let bin: string;
  before(async () => {
    // The SDK signs and presigns with the real time; signatures and policies are checked, so
    // its signer, presigner and anonymous GetBucketRegion HEAD are held to AWS's rules.
    nimbus = await startClientNimbus(ENFORCE_ALL);
    bin = mkdtempSync(join(tmpdir(), "nimbus-go-v1-"));
  });
  after(async () => {
    rmSync(bin, { recursive: true, force: true });
    await nimbus.close();
  });

  async function build(area: string): Promise<string> {
    const out = join(bin, area);
    await goBuild(join(PROGRAMS, area), out);
    return out;
  }

  test("S3: buckets, objects, conditional reads, copies, listings, tagging, ACLs, presigning, s3manager, versions, batch delete", async () => {
    const program = await build("s3");
    const r = await goRun(program, [nimbus.url, uniqueName("gov1")]);
    assertChecks(r, [
      "GetBucketRegion eu-west-1",
      "HeadBucket missing",
      "GetObject headers",
      "GetObject If-None-Match 304",
      "GetObject If-Match 412",
      "CopyObject a b+c.txt",
      "ListObjects url keys decoded",
      "ListObjectsV2Pages prefixes",
      "GetObjectAcl public-read",
      "PutObject bad ChecksumSHA256",
      "GetBucketLifecycleConfiguration",
      "presigned PUT",
      "presigned GET",
      "Uploader multipart",
      "Uploader stream",
      "LeavePartsOnError parts",
      "Downloader",
      "GetObject PartNumber",
      "CompleteMultipartUpload InvalidPart",
      "ListObjectVersionsPages",
      "BatchDelete versions",
      "BatchDelete emptied",
      "PutObject wrong region",
      "WaitUntilBucketNotExists",
    ]);
  });

  test("DynamoDB and Streams: dynamodbattribute, expressions, pages, batches, transactions, PartiQL, x-amz-crc32 on a 1 MB page", async () => {
    const program = await build("dynamodb");
    const r = await goRun(program, [nimbus.url, uniqueName("gov1")]);
    assertChecks(r, [
      "DescribeTable missing",
      "UnmarshalMap round trip",
      "big number exact",
      "UpdateItem nested",
      "ConditionalCheckFailed",
      "UpdateItem UPDATED_NEW",
      "QueryPages",
      "ScanPages",
      "BatchWriteItem",
      "BatchGetItemPages",
      "TransactionCanceledException",
      "CancellationReasons",
      "ExecuteStatement duplicate",
      "Query 1 MB page",
      "ExecuteStatement pages",
      "DescribeStream",
      "GetRecords events",
      "WaitUntilTableNotExists",
    ]);
  });
});
