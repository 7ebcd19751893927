import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketRequestPaymentCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  S3Client,
  UpdateObjectEncryptionCommand,
  type UpdateObjectEncryptionCommandInput,
} from "@aws-sdk/client-s3";
import { accountsSuite, acrossRestart, ENFORCE_POLICIES, httpRequest, refusal, signedHeaders, type TestNimbus, uniqueName } from "./harness.js";
import { newBucket, s3BucketSuite } from "./s3-fixtures.js";

const ACCOUNT = "000000000000";
const KEY_A = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const KEY_B = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;
const DAY = 24 * 3600 * 1000;

// The messages of the Errors list of UpdateObjectEncryption's API Reference page.
const NEW_TYPE_REQUIRED =
  "Requests that modify an object encryption configuration require a valid new encryption type. Valid values are SSEKMS. Modify the request to specify SSE-KMS for the updated encryption type, and then try again.";
const ARN_REQUIRED =
  "Requests that modify an object's encryption type to SSE-KMS require an AWS KMS key Amazon Resource Name (ARN). Modify the request to specify a KMS key ARN, and then try again.";
const ARN_INVALID =
  "Requests that modify an object's encryption type to SSE-KMS require a valid AWS KMS key Amazon Resource Name (ARN). Confirm that you have a correctly formatted KMS key ARN in your request, and then try again.";
const OTHER_ACCOUNT_KEY = "The AWS KMS key in the request must be owned by the same account as the bucket. Modify the request to specify a KMS key from the same account, and then try again.";
const UNSUPPORTED_SOURCE =
  "The UpdateObjectEncryption operation doesn't support source objects with the encryption type DSSE-KMS or SSE-C. Only source objects encrypted with SSE-S3 or SSE-KMS are supported.";
const LOCKED =
  "The encryption type for the specified object can\u2019t be updated because that object is protected by S3 Object Lock. If the object has a governance-mode retention period or a legal hold, you must first remove the Object Lock status on the object before you issue your UpdateObjectEncryption request. You can't use the UpdateObjectEncryption operation with objects that have an Object Lock compliance mode retention period applied to them.";

const toKms = (Bucket: string, Key: string, KMSKeyArn: string, extra: Partial<UpdateObjectEncryptionCommandInput> = {}, BucketKeyEnabled?: boolean) =>
  new UpdateObjectEncryptionCommand({ ...extra, Bucket, Key, ObjectEncryption: { SSEKMS: { KMSKeyArn, ...(BucketKeyEnabled === undefined ? {} : { BucketKeyEnabled }) } } });

/** The request body as the v3 client writes it, for the members it cannot send. */
function rawUpdate(nimbus: TestNimbus, bucket: string, key: string, inner: string): Promise<{ status: number; text: string }> {
  const body = `<?xml version="1.0" encoding="UTF-8"?><ObjectEncryption xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</ObjectEncryption>`;
  return httpRequest(nimbus.port, "PUT", `/${bucket}/${key}?encryption`, { ...signedHeaders("s3"), "content-type": "application/xml", "content-length": String(Buffer.byteLength(body)) }, body);
}

describe("S3 UpdateObjectEncryption", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let bucket: string;
  s3BucketSuite("update-encryption", (fixture) => ({ nimbus, s3, bucket } = fixture));

  test("an SSE-S3 object moves to SSE-KMS with a Bucket Key, then to another key, in place: body, ETag, LastModified and checksum kept", async () => {
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "doc.txt", Body: "the same bytes", ChecksumAlgorithm: "CRC32" }));
    assert.equal(put.ServerSideEncryption, "AES256");
    const before = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "doc.txt", ChecksumMode: "ENABLED" }));

    const updated = await s3.send(toKms(bucket, "doc.txt", KEY_A, {}, true));
    assert.equal(updated.$metadata.httpStatusCode, 200);
    assert.equal(updated.RequestCharged, undefined);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "doc.txt", ChecksumMode: "ENABLED" }));
    assert.deepEqual([head.ServerSideEncryption, head.SSEKMSKeyId, head.BucketKeyEnabled], ["aws:kms", KEY_A, true]);
    assert.deepEqual([head.ETag, head.LastModified, head.ChecksumCRC32, head.ContentLength], [before.ETag, before.LastModified, before.ChecksumCRC32, before.ContentLength]);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "doc.txt" }));
    assert.deepEqual([got.ServerSideEncryption, got.SSEKMSKeyId, got.BucketKeyEnabled], ["aws:kms", KEY_A, true]);
    assert.equal(await got.Body?.transformToString(), "the same bytes");

    // Another key (key rotation); the Bucket Key defaults to off when not asked for.
    await s3.send(toKms(bucket, "doc.txt", KEY_B));
    const rotated = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "doc.txt" }));
    assert.deepEqual([rotated.ServerSideEncryption, rotated.SSEKMSKeyId, rotated.BucketKeyEnabled, rotated.ETag], ["aws:kms", KEY_B, undefined, before.ETag]);

    // Back to SSE-S3 is not an update S3 makes: "you cannot specify SSE-S3 encryption as the
    // requested new encryption type". The current model has no member for it; the old <SSE-S3/>
    // element, or no element at all, names no valid type.
    for (const inner of ["<SSE-S3/>", ""]) {
      const back = await rawUpdate(nimbus, bucket, "doc.txt", inner);
      assert.equal(back.status, 400, back.text);
      assert.match(back.text, new RegExp(`<Code>InvalidRequest</Code><Message>${NEW_TYPE_REQUIRED.replace(/[.()]/g, "\\$&")}</Message>`));
    }
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "doc.txt" }))).SSEKMSKeyId, KEY_B);

    // An object already under SSE-KMS (here with the AWS managed key) may move to a key of its own.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "managed.txt", Body: "m", ServerSideEncryption: "aws:kms" }));
    await s3.send(toKms(bucket, "managed.txt", KEY_A, {}, true));
    const managed = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "managed.txt" }));
    assert.deepEqual([managed.SSEKMSKeyId, managed.BucketKeyEnabled], [KEY_A, true]);
  });

  test("an archived object is updated without a restore and keeps its storage class", async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "cold.txt", Body: "frozen", StorageClass: "DEEP_ARCHIVE" }));
    await s3.send(toKms(bucket, "cold.txt", KEY_A));
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "cold.txt" }));
    assert.deepEqual([head.StorageClass, head.ServerSideEncryption, head.SSEKMSKeyId, head.Restore], ["DEEP_ARCHIVE", "aws:kms", KEY_A, undefined]);
  });

  test("a version named by id is changed and no version is added; delete markers, missing keys and versions are refused", async () => {
    const versioned = await newBucket(s3, "update-encryption-versions");
    await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Enabled" } }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: "k", Body: "one" }));
    const v2 = await s3.send(new PutObjectCommand({ Bucket: versioned, Key: "k", Body: "two" }));
    await s3.send(toKms(versioned, "k", KEY_A, { VersionId: v1.VersionId }));
    const old = await s3.send(new GetObjectCommand({ Bucket: versioned, Key: "k", VersionId: v1.VersionId }));
    assert.deepEqual([old.VersionId, old.ServerSideEncryption, old.SSEKMSKeyId, await old.Body?.transformToString()], [v1.VersionId, "aws:kms", KEY_A, "one"]);
    const current = await s3.send(new HeadObjectCommand({ Bucket: versioned, Key: "k" }));
    assert.deepEqual([current.VersionId, current.ServerSideEncryption, current.SSEKMSKeyId], [v2.VersionId, "AES256", undefined]);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: versioned }));
    assert.deepEqual(versions.Versions?.map((v) => v.VersionId), [v2.VersionId, v1.VersionId]);

    // Without a version id, the current version.
    await s3.send(toKms(versioned, "k", KEY_B));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: versioned, Key: "k" }))).SSEKMSKeyId, KEY_B);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: versioned, Key: "k", VersionId: v1.VersionId }))).SSEKMSKeyId, KEY_A);

    const marker = await s3.send(new DeleteObjectCommand({ Bucket: versioned, Key: "k" }));
    assert.deepEqual(await refusal(s3.send(toKms(versioned, "k", KEY_A))), ["NoSuchKey", 404, "The specified key does not exist."]);
    assert.deepEqual(await refusal(s3.send(toKms(versioned, "k", KEY_A, { VersionId: marker.VersionId }))), [
      "MethodNotAllowed",
      405,
      "The specified method is not allowed against this resource.",
    ]);
    assert.deepEqual(await refusal(s3.send(toKms(versioned, "k", KEY_A, { VersionId: "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" }))), [
      "NoSuchVersion",
      404,
      "The specified version does not exist.",
    ]);
    assert.deepEqual(await refusal(s3.send(toKms(versioned, "never-put", KEY_A))), ["NoSuchKey", 404, "The specified key does not exist."]);
    assert.deepEqual(await refusal(s3.send(toKms(uniqueName("no-such-bucket"), "k", KEY_A))), ["NoSuchBucket", 404, "The specified bucket does not exist"]);
  });

  test("invalid requests: no key ARN, a key id or alias, another account's key, SSE-C and DSSE-KMS objects, another expected owner", async () => {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "plain.txt", Body: "p" }));
    const missingArn = await rawUpdate(nimbus, bucket, "plain.txt", "<SSE-KMS><BucketKeyEnabled>true</BucketKeyEnabled></SSE-KMS>");
    assert.equal(missingArn.status, 400, missingArn.text);
    assert.match(missingArn.text, new RegExp(`<Code>InvalidRequest</Code><Message>${ARN_REQUIRED.replace(/[.()]/g, "\\$&")}</Message>`));
    for (const keyId of ["1234abcd-12ab-34cd-56ef-1234567890ab", "alias/my-key", `arn:aws:kms:us-east-1:${ACCOUNT}:alias/my-key`, "arn:aws:kms:us-east-1:12345:key/k"]) {
      assert.deepEqual(await refusal(s3.send(toKms(bucket, "plain.txt", keyId))), ["InvalidRequest", 400, ARN_INVALID], keyId);
    }
    assert.deepEqual(await refusal(s3.send(toKms(bucket, "plain.txt", "arn:aws:kms:us-east-1:111122223333:key/k"))), ["AccessDenied", 403, OTHER_ACCOUNT_KEY]);
    assert.deepEqual(await refusal(s3.send(toKms(bucket, "plain.txt", KEY_A, { ExpectedBucketOwner: "111122223333" }))), ["AccessDenied", 403, "Access Denied"]);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "plain.txt" }))).ServerSideEncryption, "AES256");
    // The bucket owner's own account, named, is fine.
    await s3.send(toKms(bucket, "plain.txt", KEY_A, { ExpectedBucketOwner: ACCOUNT, RequestPayer: "requester" }));

    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "dsse.txt", Body: "d", ServerSideEncryption: "aws:kms:dsse", SSEKMSKeyId: KEY_A }));
    assert.deepEqual(await refusal(s3.send(toKms(bucket, "dsse.txt", KEY_B))), ["InvalidRequest", 400, UNSUPPORTED_SOURCE]);

    const customer = await newBucket(s3, "update-encryption-ssec");
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: customer,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BlockedEncryptionTypes: { EncryptionType: ["NONE"] } }] },
      }),
    );
    const key = randomBytes(32);
    const ssec = { SSECustomerAlgorithm: "AES256", SSECustomerKey: key.toString("base64"), SSECustomerKeyMD5: createHash("md5").update(key).digest("base64") };
    await s3.send(new PutObjectCommand({ Bucket: customer, Key: "ssec.txt", Body: "c", ...ssec }));
    assert.deepEqual(await refusal(s3.send(toKms(customer, "ssec.txt", KEY_A))), ["InvalidRequest", 400, UNSUPPORTED_SOURCE]);
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: customer, Key: "ssec.txt", ...ssec }))).Body?.transformToString(), "c");
  });

  test("Object Lock: a legal hold, GOVERNANCE and COMPLIANCE retention refuse the update; a released hold or ended retention does not", async () => {
    const locked = uniqueName("update-encryption-lock");
    await s3.send(new CreateBucketCommand({ Bucket: locked, ObjectLockEnabledForBucket: true }));
    const held = await s3.send(new PutObjectCommand({ Bucket: locked, Key: "held", Body: "h", ObjectLockLegalHoldStatus: "ON", ChecksumAlgorithm: "CRC32" }));
    assert.deepEqual(await refusal(s3.send(toKms(locked, "held", KEY_A))), ["AccessDenied", 403, LOCKED]);
    await s3.send(new PutObjectLegalHoldCommand({ Bucket: locked, Key: "held", VersionId: held.VersionId, LegalHold: { Status: "OFF" }, ChecksumAlgorithm: "CRC32" }));
    await s3.send(toKms(locked, "held", KEY_A));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: locked, Key: "held" }))).SSEKMSKeyId, KEY_A);

    const until = new Date(nimbus.manualClock.now() + DAY);
    for (const mode of ["GOVERNANCE", "COMPLIANCE"] as const) {
      await s3.send(new PutObjectCommand({ Bucket: locked, Key: mode, Body: "r", ObjectLockMode: mode, ObjectLockRetainUntilDate: until, ChecksumAlgorithm: "CRC32" }));
      assert.deepEqual(await refusal(s3.send(toKms(locked, mode, KEY_A))), ["AccessDenied", 403, LOCKED], mode);
      assert.equal((await s3.send(new HeadObjectCommand({ Bucket: locked, Key: mode }))).ServerSideEncryption, "AES256");
    }
    nimbus.manualClock.advance(DAY + 1000);
    await s3.send(toKms(locked, "COMPLIANCE", KEY_B));
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: locked, Key: "COMPLIANCE" }))).SSEKMSKeyId, KEY_B);
  });

  test("the new encryption survives a restart", async () => {
    await acrossRestart(
      (started) => new S3Client({ ...{}, ...started.clientConfig(), forcePathStyle: true }),
      (client) => client.destroy(),
      async (client) => {
        const kept = uniqueName("update-encryption-kept");
        await client.send(new CreateBucketCommand({ Bucket: kept }));
        await client.send(new PutObjectCommand({ Bucket: kept, Key: "k", Body: "kept" }));
        await client.send(toKms(kept, "k", KEY_A, {}, true));
        return kept;
      },
      async (client, kept) => {
        const got = await client.send(new GetObjectCommand({ Bucket: kept, Key: "k" }));
        assert.deepEqual([got.ServerSideEncryption, got.SSEKMSKeyId, got.BucketKeyEnabled, await got.Body?.transformToString()], ["aws:kms", KEY_A, true, "kept"]);
      },
    );
  });
});

describe("S3 UpdateObjectEncryption with enforced policies", () => {
  const OWNER = "111111111111";
  const OTHER = "222222222222";
  const suite = accountsSuite({ auth: ENFORCE_POLICIES });
  const client = (account: string): S3Client => suite.client((config) => new S3Client({ ...config, forcePathStyle: true }), account);
  const ownerKey = `arn:aws:kms:us-east-1:${OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const allow = (bucket: string, Action: string) =>
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action, Resource: `arn:aws:s3:::${bucket}/*` }] }),
    });

  // "To use the UpdateObjectEncryption operation, you must have the following permissions:
  // s3:UpdateObjectEncryption" and KMS's, which Nimbus does not check (it has no KMS).
  test("another account needs s3:UpdateObjectEncryption (s3:PutObject is not it), and on a Requester Pays bucket must acknowledge the charge", async () => {
    const bucket = uniqueName("update-encryption-policy");
    await client(OWNER).send(new CreateBucketCommand({ Bucket: bucket }));
    await client(OWNER).send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x" }));
    await client(OWNER).send(allow(bucket, "s3:PutObject"));
    assert.deepEqual(await refusal(client(OTHER).send(toKms(bucket, "k", ownerKey))), ["AccessDenied", 403, "Access Denied"]);
    await client(OWNER).send(allow(bucket, "s3:UpdateObjectEncryption"));
    await client(OTHER).send(toKms(bucket, "k", ownerKey));
    assert.equal((await client(OWNER).send(new HeadObjectCommand({ Bucket: bucket, Key: "k" }))).SSEKMSKeyId, ownerKey);

    await client(OWNER).send(new PutBucketRequestPaymentCommand({ Bucket: bucket, RequestPaymentConfiguration: { Payer: "Requester" } }));
    assert.deepEqual(await refusal(client(OTHER).send(toKms(bucket, "k", ownerKey))), ["AccessDenied", 403, "Access Denied"]);
    await client(OTHER).send(toKms(bucket, "k", ownerKey, { RequestPayer: "requester" }));
  });
});
