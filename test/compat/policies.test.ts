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
