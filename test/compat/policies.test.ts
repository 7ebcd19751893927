/**
 * Resource policies enforced (`--enforce-policies`) as the AWS CLI v2 and boto3 see them:
 * another account refused by a queue, then let in by its policy; an anonymous (UNSIGNED) boto3
 * client reading a bucket only once its policy is public.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ENFORCE_POLICIES, startTestNimbus, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { aws, boto3 } from "./tools.js";

const OWNER = { AWS_ACCESS_KEY_ID: "111111111111" };
const OTHER = { AWS_ACCESS_KEY_ID: "222222222222" };

describe("enforced policies with the AWS CLI v2 and boto3", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus({ auth: ENFORCE_POLICIES });
  });
  after(() => nimbus.close());

  test("aws sqs: another account is refused until the queue policy allows it", async () => {
    const created = await aws(nimbus.url, ["sqs", "create-queue", "--queue-name", uniqueName("cli-policy")], OWNER);
    assert.equal(created.code, 0, created.stderr);
    const url = (JSON.parse(created.stdout) as { QueueUrl: string }).QueueUrl;
    const arn = `arn:aws:sqs:us-east-1:111111111111:${url.split("/").pop() ?? ""}`;
    const refused = await aws(nimbus.url, ["sqs", "send-message", "--queue-url", url, "--message-body", "hi"], OTHER);
    assert.equal(refused.code, 254);
    assert.equal(
      refused.stderr.trim(),
      `An error occurred (AccessDenied) when calling the SendMessage operation: User: arn:aws:iam::222222222222:root is not authorized to perform: sqs:sendmessage on resource: ${arn} because no resource-based policy allows the sqs:sendmessage action`,
    );
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "222222222222" }, Action: "sqs:SendMessage", Resource: arn }] });
    const set = await aws(nimbus.url, ["sqs", "set-queue-attributes", "--queue-url", url, "--attributes", JSON.stringify({ Policy: policy })], OWNER);
    assert.equal(set.code, 0, set.stderr);
    const sent = await aws(nimbus.url, ["sqs", "send-message", "--queue-url", url, "--message-body", "hi"], OTHER);
    assert.equal(sent.code, 0, sent.stderr);
  });

  // S3 explains a bucket policy's explicit Deny to an IAM user or role of the owner account
  // ("Access denied message examples", S3 User Guide); both tools print S3's <Message>.
  test("aws s3api and boto3: a role session of the owner account refused by a bucket policy's Deny sees S3's sentence", async () => {
    const bucket = uniqueName("cli-deny");
    assert.equal((await aws(nimbus.url, ["s3api", "create-bucket", "--bucket", bucket], OWNER)).code, 0);
    assert.equal((await aws(nimbus.url, ["s3api", "put-object", "--bucket", bucket, "--key", "doc.txt"], OWNER)).code, 0);
    const deny = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }] });
    assert.equal((await aws(nimbus.url, ["s3api", "put-bucket-policy", "--bucket", bucket, "--policy", deny], OWNER)).code, 0);
    const assumed = await aws(nimbus.url, ["sts", "assume-role", "--role-arn", "arn:aws:iam::111111111111:role/reader", "--role-session-name", "cli"], OWNER);
    assert.equal(assumed.code, 0, assumed.stderr);
    const creds = (JSON.parse(assumed.stdout) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }).Credentials;
    const session = { AWS_ACCESS_KEY_ID: creds.AccessKeyId, AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey, AWS_SESSION_TOKEN: creds.SessionToken };
    const sentence = `User: arn:aws:sts::111111111111:assumed-role/reader/cli is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${bucket}/doc.txt" with an explicit deny in a resource-based policy`;
    const cli = await aws(nimbus.url, ["s3api", "get-object", "--bucket", bucket, "--key", "doc.txt", "/dev/null"], session);
    assert.equal(cli.code, 254);
    assert.equal(cli.stderr.trim(), `An error occurred (AccessDenied) when calling the GetObject operation: ${sentence}`);
    const py = await boto3(
      nimbus.url,
      `
from botocore.exceptions import ClientError
try:
    boto3.client("s3", endpoint_url=ENDPOINT).get_object(Bucket=${JSON.stringify(bucket)}, Key="doc.txt")
except ClientError as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"]]))
`,
      session,
    );
    assert.equal(py.code, 0, py.stderr);
    assert.deepEqual(JSON.parse(py.stdout), ["AccessDenied", 403, sentence]);
  });

  test("boto3 UNSIGNED: a private object is AccessDenied, a public bucket policy opens it", async () => {
    const bucket = uniqueName("boto-public");
    const r = await boto3(
      nimbus.url,
      `
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError
owner = boto3.client("s3", endpoint_url=ENDPOINT)
owner.create_bucket(Bucket=${JSON.stringify(bucket)})
owner.put_object(Bucket=${JSON.stringify(bucket)}, Key="index.html", Body=b"<p>hi</p>")
anonymous = boto3.client("s3", endpoint_url=ENDPOINT, config=Config(signature_version=UNSIGNED))
try:
    anonymous.get_object(Bucket=${JSON.stringify(bucket)}, Key="index.html")
    before = "read"
except ClientError as e:
    before = [e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
owner.delete_public_access_block(Bucket=${JSON.stringify(bucket)})
owner.put_bucket_policy(Bucket=${JSON.stringify(bucket)}, Policy=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${bucket}/*"}]}))
after = anonymous.get_object(Bucket=${JSON.stringify(bucket)}, Key="index.html")["Body"].read().decode()
print(json.dumps({"before": before, "after": after}))
`,
      OWNER,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { before: ["AccessDenied", 403], after: "<p>hi</p>" });
  });
});
