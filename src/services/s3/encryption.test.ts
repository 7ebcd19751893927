import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { AwsError } from "../../core/errors.js";
import { awsManagedKeyArn, kmsKeyArn } from "../../core/kms-keys.js";
import { checkEncryptionUpdatable, checkReadKey, encryptionOutput, requestedEncryptionUpdate, resolveEncryption } from "./encryption.js";

const scope = { account: "000000000000", region: "eu-west-1" };

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AwsError) return `${err.code} ${err.status} ${err.message}`;
    throw err;
  }
  return "ok";
}

describe("server-side encryption", () => {
  test("request headers win over the bucket default, which wins over SSE-S3", () => {
    assert.deepEqual(resolveEncryption({}, undefined, scope), { sse: "AES256" });
    const bucketKms = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms", KMSMasterKeyID: "alias/default" }, BucketKeyEnabled: true }] };
    assert.deepEqual(resolveEncryption({}, bucketKms, scope), { sse: "aws:kms", kmsKeyId: kmsKeyArn("alias/default", scope), bucketKeyEnabled: true });
    assert.deepEqual(resolveEncryption({ ServerSideEncryption: "AES256" }, bucketKms, scope), { sse: "AES256" });
    assert.deepEqual(resolveEncryption({ ServerSideEncryption: "aws:kms" }, undefined, scope), { sse: "aws:kms", kmsKeyId: awsManagedKeyArn("s3", scope) });
    // Whatever form names the key, objects record (and answer) its ARN.
    const keyId = "1234abcd-12ab-34cd-56ef-1234567890ab";
    const arn = `arn:aws:kms:eu-west-1:000000000000:key/${keyId}`;
    for (const named of [keyId, arn]) assert.equal(resolveEncryption({ ServerSideEncryption: "aws:kms", SSEKMSKeyId: named }, undefined, scope).kmsKeyId, arn);
    assert.match(awsManagedKeyArn("s3", scope), /^arn:aws:kms:eu-west-1:000000000000:key\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(failure(() => resolveEncryption({ ServerSideEncryption: "rot13" }, undefined, scope)), "InvalidArgument 400 The encryption method specified is not supported");
  });

  test("SSE-C keeps only the key's MD5 and reads need the same key", () => {
    const key = randomBytes(32);
    const md5 = createHash("md5").update(key).digest("base64");
    const request = { SSECustomerAlgorithm: "AES256", SSECustomerKey: key.toString("base64"), SSECustomerKeyMD5: md5 };
    // Blocked by default (April 2026); a bucket whose default encryption says NONE takes the write.
    assert.equal(failure(() => resolveEncryption(request, undefined, scope)), "AccessDenied 403 Access Denied");
    assert.equal(failure(() => resolveEncryption(request, { Rules: [{ BlockedEncryptionTypes: { EncryptionType: ["SSE-C"] } }] }, scope)), "AccessDenied 403 Access Denied");
    const unblocked = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BlockedEncryptionTypes: { EncryptionType: ["NONE"] } }] };
    const stored = resolveEncryption(request, unblocked, scope);
    assert.deepEqual(stored, { customerKeyMd5: md5 });
    assert.deepEqual(encryptionOutput(stored), { SSECustomerAlgorithm: "AES256", SSECustomerKeyMD5: md5 });
    assert.equal(failure(() => checkReadKey(stored, request)), "ok");
    assert.match(failure(() => checkReadKey(stored, {})), /^InvalidRequest 400 The object was stored using a form of Server Side Encryption/);
    const other = randomBytes(32);
    assert.equal(failure(() => checkReadKey(stored, { SSECustomerAlgorithm: "AES256", SSECustomerKey: other.toString("base64") })), "AccessDenied 403 Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.");
    assert.equal(
      failure(() => resolveEncryption({ ...request, SSECustomerKeyMD5: createHash("md5").update(other).digest("base64") }, undefined, scope)),
      "InvalidArgument 400 The calculated MD5 hash of the key did not match the hash that was provided.",
    );
    assert.equal(failure(() => resolveEncryption({ SSECustomerAlgorithm: "AES256", SSECustomerKey: "c2hvcnQ=", SSECustomerKeyMD5: createHash("md5").update("short").digest("base64") }, undefined, scope)), "InvalidArgument 400 The secret key was invalid for the specified algorithm.");
  });

  test("UpdateObjectEncryption: only SSE-KMS with a full key ARN of the bucket owner's account, from SSE-S3 or SSE-KMS", () => {
    const arn = "arn:aws:kms:eu-west-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    assert.deepEqual(requestedEncryptionUpdate({ SSEKMS: { KMSKeyArn: arn, BucketKeyEnabled: true } }, "000000000000"), { sse: "aws:kms", kmsKeyId: arn, bucketKeyEnabled: true });
    assert.deepEqual(requestedEncryptionUpdate({ SSEKMS: { KMSKeyArn: arn, BucketKeyEnabled: false } }, "000000000000"), { sse: "aws:kms", kmsKeyId: arn });
    assert.match(failure(() => requestedEncryptionUpdate({}, "000000000000")), /^InvalidRequest 400 Requests that modify an object encryption configuration require a valid new encryption type\./);
    assert.match(failure(() => requestedEncryptionUpdate({ SSEKMS: {} }, "000000000000")), /^InvalidRequest 400 Requests that modify an object's encryption type to SSE-KMS require an AWS KMS key/);
    for (const id of ["alias/aws/s3", "1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:eu-west-1:000000000000:alias/k", "arn:aws:s3:eu-west-1:000000000000:key/k"]) {
      assert.match(failure(() => requestedEncryptionUpdate({ SSEKMS: { KMSKeyArn: id } }, "000000000000")), /^InvalidRequest 400 Requests that modify an object's encryption type to SSE-KMS require a valid AWS KMS key/, id);
    }
    assert.match(failure(() => requestedEncryptionUpdate({ SSEKMS: { KMSKeyArn: arn } }, "111122223333")), /^AccessDenied 403 The AWS KMS key in the request must be owned by the same account as the bucket\./);
    assert.equal(failure(() => checkEncryptionUpdatable({ sse: "AES256" })), "ok");
    assert.equal(failure(() => checkEncryptionUpdatable({ sse: "aws:kms", kmsKeyId: arn })), "ok");
    assert.match(failure(() => checkEncryptionUpdatable({ sse: "aws:kms:dsse", kmsKeyId: arn })), /^InvalidRequest 400 The UpdateObjectEncryption operation doesn't support source objects/);
    assert.match(failure(() => checkEncryptionUpdatable({ customerKeyMd5: "x" })), /^InvalidRequest 400 The UpdateObjectEncryption operation doesn't support source objects/);
  });
});
