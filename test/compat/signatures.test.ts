/**
 * Signature enforcement with the AWS CLI v2 and boto3: what they sign (botocore signs the
 * SHA-256 of every body over plain HTTP; the CLI's uploads go in parts) is verified, and a wrong
 * secret is refused with AWS's codes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestNimbus, uniqueName, type TestNimbus, TEST_SECRET_ACCESS_KEY } from "../e2e/harness.js";
import { aws, boto3 } from "./tools.js";

// The secret tools.ts gives the CLI and boto3, made the root secret here.
const SECRET = TEST_SECRET_ACCESS_KEY;
const WRONG = { AWS_SECRET_ACCESS_KEY: "not-the-secret" };

describe("signature enforcement with the AWS CLI v2 and boto3", () => {
  let nimbus: TestNimbus;
  let dir: string;
  before(async () => {
    nimbus = await startTestNimbus({ startTime: Date.now(), auth: { enforceSignatures: true, enforcePolicies: false, rootSecretAccessKey: SECRET } });
    dir = mkdtempSync(join(tmpdir(), "nimbus-signed-"));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await nimbus.close();
  });

  test("aws s3 cp (in parts), s3 presign, sqs, dynamodb and sts: signed with the root secret; a wrong one refused", async () => {
    const bucket = uniqueName("cli-signed");
    const big = join(dir, "big.bin");
    writeFileSync(big, Buffer.alloc(20 * 1024 * 1024, 9));
    const ok = async (...args: string[]): Promise<string> => {
      const r = await aws(nimbus.url, args);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    await ok("s3", "mb", `s3://${bucket}`);
    await ok("s3", "cp", big, `s3://${bucket}/big.bin`);
    const head = JSON.parse(await ok("s3api", "head-object", "--bucket", bucket, "--key", "big.bin")) as { ContentLength: number; ETag: string };
    assert.equal(head.ContentLength, 20 * 1024 * 1024);
    assert.match(head.ETag, /-\d+"$/, "uploaded in parts");
    const url = (await ok("s3", "presign", `s3://${bucket}/big.bin`, "--expires-in", "60")).trim();
    const got = await fetch(url);
    assert.equal(got.status, 200);
    assert.equal((await got.arrayBuffer()).byteLength, 20 * 1024 * 1024);
    await ok("sqs", "create-queue", "--queue-name", uniqueName("cli-signed"));
    await ok("dynamodb", "list-tables");
    assert.equal(JSON.parse(await ok("sts", "get-caller-identity"))["Account"], "000000000000");

    const s3 = await aws(nimbus.url, ["s3api", "list-objects-v2", "--bucket", bucket], WRONG);
    assert.equal(s3.code, 254);
    assert.equal(s3.stderr.trim(), "An error occurred (SignatureDoesNotMatch) when calling the ListObjectsV2 operation: The request signature we calculated does not match the signature you provided. Check your key and signing method.");
    const sts = await aws(nimbus.url, ["sts", "get-caller-identity"], WRONG);
    assert.equal(sts.code, 254);
    assert.match(sts.stderr, /An error occurred \(SignatureDoesNotMatch\) when calling the GetCallerIdentity operation: The request signature we calculated does not match the signature you provided/);
    const ddb = await aws(nimbus.url, ["dynamodb", "list-tables"], WRONG);
    assert.equal(ddb.code, 254);
    assert.match(ddb.stderr, /An error occurred \(InvalidSignatureException\) when calling the ListTables operation/);
  });

  test("boto3: signed bodies (put_object, upload_fileobj in parts, SQS, DynamoDB) pass; a wrong secret does not", async () => {
    const bucket = uniqueName("boto-signed");
    const r = await boto3(
      nimbus.url,
      `
import io
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
s3 = boto3.client("s3", endpoint_url=ENDPOINT)
s3.create_bucket(Bucket=${JSON.stringify(bucket)})
s3.put_object(Bucket=${JSON.stringify(bucket)}, Key="small.txt", Body=b"signed by botocore")
s3.upload_fileobj(io.BytesIO(b"p" * (12 * 1024 * 1024)), ${JSON.stringify(bucket)}, "parts.bin", Config=TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024))
body = s3.get_object(Bucket=${JSON.stringify(bucket)}, Key="small.txt")["Body"].read().decode()
parts = s3.head_object(Bucket=${JSON.stringify(bucket)}, Key="parts.bin")
sqs = boto3.client("sqs", endpoint_url=ENDPOINT)
q = sqs.create_queue(QueueName=${JSON.stringify(uniqueName("boto-signed"))})["QueueUrl"]
sqs.send_message(QueueUrl=q, MessageBody="hello")
received = sqs.receive_message(QueueUrl=q)["Messages"][0]["Body"]
ddb = boto3.client("dynamodb", endpoint_url=ENDPOINT)
tables = ddb.list_tables()["TableNames"]
wrong = boto3.client("s3", endpoint_url=ENDPOINT, aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="not-the-secret")
try:
    wrong.put_object(Bucket=${JSON.stringify(bucket)}, Key="refused.txt", Body=b"x")
    refused = "stored"
except ClientError as e:
    refused = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
wrong_sqs = boto3.client("sqs", endpoint_url=ENDPOINT, aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="not-the-secret")
try:
    wrong_sqs.list_queues()
    sqs_refused = "listed"
except ClientError as e:
    sqs_refused = e.response["Error"]["Code"]
print(json.dumps({"body": body, "parts": [parts["ContentLength"], parts["ETag"].endswith('-3"')], "received": received, "tables": isinstance(tables, list), "refused": refused, "sqs": sqs_refused}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      body: "signed by botocore",
      parts: [12 * 1024 * 1024, true],
      received: "hello",
      tables: true,
      refused: ["SignatureDoesNotMatch", 403],
      sqs: "SignatureDoesNotMatch",
    });
  });
});
