/**
 * The message of S3's AccessDenied with `--enforce-policies`. Since 2024 S3 explains a refusal to
 * an IAM user or role of the bucket owner's account: "User: <arn> is not authorized to perform:
 * <action> on resource: "<arn>" with an explicit deny in a resource-based policy" for a bucket
 * policy's explicit Deny ("Access denied message examples", Troubleshoot access denied (403
 * Forbidden) errors, S3 User Guide). Other accounts and anonymous callers keep "Access Denied".
 * Account 111111111111 owns the buckets; a role session of it is issued by STS.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CreateBucketCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { accountsSuite, ENFORCE_POLICIES, httpRequest, refusal, uniqueName } from "./harness.js";

const OWNER = "111111111111";
const OTHER = "222222222222";

describe("S3 AccessDenied messages", () => {
  const suite = accountsSuite({ auth: ENFORCE_POLICIES });
  const client = (account: string): S3Client => suite.client((config) => new S3Client({ ...config, forcePathStyle: true }), account);
  const owner = (): S3Client => client(OWNER);

  /** An S3 client acting as a role session of `account`, and the session's ARN. */
  const roleSession = async (account: string, session: string): Promise<{ s3: S3Client; arn: string }> => {
    const sts = suite.client((config) => new STSClient(config), account);
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/reader`, RoleSessionName: session }));
    const creds = assumed.Credentials;
    const s3 = suite.client(
      (config) =>
        new S3Client({
          ...config,
          credentials: { accessKeyId: creds?.AccessKeyId ?? "", secretAccessKey: creds?.SecretAccessKey ?? "", sessionToken: creds?.SessionToken ?? "" },
          forcePathStyle: true,
        }),
      account,
    );
    return { s3, arn: assumed.AssumedRoleUser?.Arn ?? "" };
  };

  /** A bucket with one object and a policy denying everyone `actions`, with the bucket's and the objects' ARNs. */
  const deniedBucket = async (actions: string[]): Promise<string> => {
    const bucket = uniqueName("denied");
    await owner().send(new CreateBucketCommand({ Bucket: bucket }));
    await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "doc.txt", Body: "doc" }));
    const statement = { Sid: "DenyThem", Effect: "Deny", Principal: "*", Action: actions, Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] };
    await owner().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) }));
    return bucket;
  };

  test("a bucket policy's explicit Deny names the role session, the action and the quoted resource", async () => {
    const bucket = await deniedBucket(["s3:GetObject", "s3:ListBucket"]);
    const { s3, arn } = await roleSession(OWNER, "mary");
    assert.equal(arn, `arn:aws:sts::${OWNER}:assumed-role/reader/mary`);
    assert.deepEqual(await refusal(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "doc.txt" }))), [
      "AccessDenied",
      403,
      `User: ${arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${bucket}/doc.txt" with an explicit deny in a resource-based policy`,
    ]);
    assert.deepEqual(await refusal(s3.send(new ListObjectsV2Command({ Bucket: bucket }))), [
      "AccessDenied",
      403,
      `User: ${arn} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${bucket}" with an explicit deny in a resource-based policy`,
    ]);
  });

  test("a refused write names s3:PutObject and the key it would have written", async () => {
    const bucket = await deniedBucket(["s3:PutObject"]);
    const { s3, arn } = await roleSession(OWNER, "xml");
    const [, status, message] = await refusal(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "new.txt", Body: "x" })));
    assert.equal(status, 403);
    assert.equal(message, `User: ${arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${bucket}/new.txt" with an explicit deny in a resource-based policy`);
  });

  // moto's AWS-run test_deny_delete_policy records the entry's message as "User: {user_arn} is not
  // authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::{bucket}/{key}" with an explicit
  // deny in a resource-based policy".
  test("DeleteObjects reports the sentence for each key the Deny refuses", async () => {
    const bucket = await deniedBucket(["s3:DeleteObject"]);
    const { s3, arn } = await roleSession(OWNER, "deleter");
    const out = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "doc.txt" }] } }));
    assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code, e.Message]), [
      ["doc.txt", "AccessDenied", `User: ${arn} is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::${bucket}/doc.txt" with an explicit deny in a resource-based policy`],
    ]);
  });

  test("other accounts, anonymous callers and the owner's root user keep the bare Access Denied", async () => {
    const bucket = await deniedBucket(["s3:GetObject"]);
    const bare = ["AccessDenied", 403, "Access Denied"];
    assert.deepEqual(await refusal(client(OTHER).send(new GetObjectCommand({ Bucket: bucket, Key: "doc.txt" }))), bare);
    const { s3: otherRole } = await roleSession(OTHER, "outsider");
    assert.deepEqual(await refusal(otherRole.send(new GetObjectCommand({ Bucket: bucket, Key: "doc.txt" }))), bare);
    assert.deepEqual(await refusal(owner().send(new GetObjectCommand({ Bucket: bucket, Key: "doc.txt" }))), bare);
    const anonymous = await httpRequest(suite.nimbus().port, "GET", `/${bucket}/doc.txt`);
    assert.equal(anonymous.status, 403);
    assert.match(anonymous.text, /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
  });

  test("a missing key refused for want of s3:ListBucket keeps the bare Access Denied", async () => {
    const bucket = await deniedBucket(["s3:ListBucket"]);
    const { s3 } = await roleSession(OWNER, "prober");
    assert.deepEqual(await refusal(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "missing.txt" }))), ["AccessDenied", 403, "Access Denied"]);
  });
});
