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
  test("boto3 SigV2: generate_presigned_url's default URLs and signature_version='s3' requests are verified; a changed, expired or wrongly signed one is refused", async () => {
    const bucket = uniqueName("boto-v2");
    const r = await boto3(
      nimbus.url,
      `
import urllib.request, urllib.error
from botocore.config import Config
from botocore.exceptions import ClientError
B = ${JSON.stringify(bucket)}
s3 = boto3.client("s3", endpoint_url=ENDPOINT)
v2 = boto3.client("s3", endpoint_url=ENDPOINT, config=Config(signature_version="s3"))
v2.create_bucket(Bucket=B)
v2.put_object(Bucket=B, Key="v2/a b+c.txt", Body=b"sigv2 body", ContentType="text/plain", Metadata={"color": "blue"}, ACL="private")
# (botocore signs the sub-resource twice for ?acl, ?tagging... under SigV2, "/b?acl?acl", which S3 refuses too.)
v2.copy_object(Bucket=B, Key="v2/copy.txt", CopySource={"Bucket": B, "Key": "v2/a b+c.txt"})
copied = v2.get_object(Bucket=B, Key="v2/copy.txt")["Body"].read().decode()
listed = [o["Key"] for o in v2.list_objects(Bucket=B, Prefix="v2/")["Contents"]]
head = v2.head_object(Bucket=B, Key="v2/a b+c.txt")
def fetch(url, method="GET", data=None, headers={}):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers)) as r:
            return [r.status, r.read().decode()]
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        return [e.code, body[body.find("<Code>") + 6:body.find("</Code>")]]
url = s3.generate_presigned_url("get_object", Params={"Bucket": B, "Key": "v2/a b+c.txt"}, ExpiresIn=60)
put_url = s3.generate_presigned_url("put_object", Params={"Bucket": B, "Key": "v2/up.txt", "ContentType": "text/plain"}, ExpiresIn=60)
expired_url = s3.generate_presigned_url("get_object", Params={"Bucket": B, "Key": "v2/a b+c.txt"}, ExpiresIn=-3600)
wrong = boto3.client("s3", endpoint_url=ENDPOINT, aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="not-the-secret", config=Config(signature_version="s3"))
try:
    wrong.put_object(Bucket=B, Key="v2/refused.txt", Body=b"x")
    refused = "stored"
except ClientError as e:
    refused = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps({
    "v2": "AWSAccessKeyId=" in url and "X-Amz-Signature" not in url,
    "copied": copied, "listed": listed, "meta": [head["ContentType"], head["Metadata"]],
    "get": fetch(url),
    "put": fetch(put_url, "PUT", b"put by url", {"Content-Type": "text/plain"}),
    "stored": s3.get_object(Bucket=B, Key="v2/up.txt")["Body"].read().decode(),
    "changed": fetch(url.replace("a%20b%2Bc.txt", "up.txt")),
    "expired": fetch(expired_url),
    "refused": refused,
}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      v2: true,
      copied: "sigv2 body",
      listed: ["v2/a b+c.txt", "v2/copy.txt"],
      meta: ["text/plain", { color: "blue" }],
      get: [200, "sigv2 body"],
      put: [200, ""],
      stored: "put by url",
      changed: [403, "SignatureDoesNotMatch"],
      expired: [403, "AccessDenied"],
      refused: ["SignatureDoesNotMatch", 403],
    });
  });
});
