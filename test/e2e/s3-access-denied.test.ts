/**
 * The message of S3's AccessDenied with `--enforce-policies`. Since 2024 S3 explains a refusal to
 * an IAM user or role of the bucket owner's account: "User: <arn> is not authorized to perform:
 * <action> on resource: "<arn>" with an explicit deny in a resource-based policy" for a bucket
 * policy's explicit Deny ("Access denied message examples", Troubleshoot access denied (403
 * Forbidden) errors, S3 User Guide). Other accounts and anonymous callers keep "Access Denied".
 * Block Public Access and a bucket's block on SSE-C writes are explained the same way, with
 * `s3:<operation>` as the action and S3's reason.
 * Account 111111111111 owns the buckets; a role session of it is issued by STS.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createHash, randomBytes } from "node:crypto";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketAclCommand,
  PutBucketPolicyCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
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

  // S3 User Guide, "Access denied due to Block Public Access settings": "User: ... is not authorized
  // to perform: s3:CopyObject on resource: "arn:aws:s3:::amzn-s3-demo-bucket1/object-name" because
  // public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access." and the
  // same for PutBucketPolicy with BlockPublicPolicy; S3's answers to PutObjectAcl read the same.
  test("Block Public Access: a public ACL or policy is refused with S3's reason, naming the operation", async () => {
    const bucket = uniqueName("bpa");
    await owner().send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "ObjectWriter" }));
    await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "doc.txt", Body: "doc" }));
    const { s3, arn } = await roleSession(OWNER, "publisher");
    const acls = (action: string, resource: string) =>
      ["AccessDenied", 403, `User: ${arn} is not authorized to perform: ${action} on resource: "${resource}" because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.`];
    assert.deepEqual(await refusal(s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "public-read" }))), acls("s3:PutBucketAcl", `arn:aws:s3:::${bucket}`));
    assert.deepEqual(await refusal(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "doc.txt", ACL: "public-read" }))), acls("s3:PutObjectAcl", `arn:aws:s3:::${bucket}/doc.txt`));
    assert.deepEqual(await refusal(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "new.txt", Body: "x", ACL: "public-read" }))), acls("s3:PutObject", `arn:aws:s3:::${bucket}/new.txt`));
    assert.deepEqual(
      await refusal(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "copy.txt", CopySource: `${bucket}/doc.txt`, ACL: "public-read" }))),
      acls("s3:CopyObject", `arn:aws:s3:::${bucket}/copy.txt`),
    );
    const publicPolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }] });
    assert.deepEqual(await refusal(s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: publicPolicy }))), [
      "AccessDenied",
      403,
      `User: ${arn} is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${bucket}" because public policies are prevented by the BlockPublicPolicy setting in S3 Block Public Access.`,
    ]);

    // Another account let in by the bucket policy is refused with the bare answer.
    const other = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` }] });
    await owner().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: other }));
    assert.deepEqual(await refusal(client(OTHER).send(new PutObjectCommand({ Bucket: bucket, Key: "theirs.txt", Body: "x", ACL: "public-read" }))), ["AccessDenied", 403, "Access Denied"]);
  });

  // S3 User Guide, "Access denied due to Blocked Encryption Type" (PutObject); DataDog/stratus-red-team#946
  // quotes the same reason for CopyObject ("... s3:CopyObject on resource: ...").
  test("a write with SSE-C to a bucket that blocks it is refused with S3's reason; a multipart upload keeps the bare answer", async () => {
    const bucket = uniqueName("ssec");
    await owner().send(new CreateBucketCommand({ Bucket: bucket }));
    await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "doc.txt", Body: "doc" }));
    const key = randomBytes(32);
    const ssec = { SSECustomerAlgorithm: "AES256", SSECustomerKey: key.toString("base64"), SSECustomerKeyMD5: createHash("md5").update(key).digest("base64") };
    const { s3, arn } = await roleSession(OWNER, "encrypter");
    const reason = "because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type";
    assert.deepEqual(await refusal(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "secret.txt", Body: "x", ...ssec }))), [
      "AccessDenied",
      403,
      `User: ${arn} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${bucket}/secret.txt" ${reason}`,
    ]);
    assert.deepEqual(await refusal(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "doc.txt", CopySource: `${bucket}/doc.txt`, ...ssec }))), [
      "AccessDenied",
      403,
      `User: ${arn} is not authorized to perform: s3:CopyObject on resource: "arn:aws:s3:::${bucket}/doc.txt" ${reason}`,
    ]);
    assert.deepEqual(await refusal(s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "big.bin", ...ssec }))), ["AccessDenied", 403, "Access Denied"]);
  });

  test("a missing key refused for want of s3:ListBucket keeps the bare Access Denied", async () => {
    const bucket = await deniedBucket(["s3:ListBucket"]);
    const { s3 } = await roleSession(OWNER, "prober");
    assert.deepEqual(await refusal(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "missing.txt" }))), ["AccessDenied", 403, "Access Denied"]);
  });
});
