/**
 * Server-side encryption as S3 reports it. Bodies are stored as received (the blob store is
 * the "disk"); what an object records is how S3 would have encrypted it, and that decides the
 * headers it answers with and, for SSE-C, who may read it:
 * - SSE-S3 (AES256), the default of every bucket since January 2023;
 * - SSE-KMS (aws:kms, aws:kms:dsse) with the key named, or the bucket's default key, or the
 *   AWS managed key aws/s3;
 * - SSE-C: the customer's key is never stored, only its MD5, and reads must present the same key;
 *   writes are refused unless the bucket's default encryption unblocks SSE-C (blocksCustomerKeys).
 * UpdateObjectEncryption later moves an SSE-S3 or SSE-KMS version to SSE-KMS in place.
 */
import { createHash, randomBytes } from "node:crypto";
import { awsManagedKeyArn, kmsKeyArn } from "../../core/kms-keys.js";
import { RowCache } from "../../state/row-cache.js";
import { errors, invalidArgument, invalidRequest, ReasonedAccessDenied, REFUSAL_REASONS } from "./errors.js";

export interface ObjectEncryption {
  /** AES256, aws:kms or aws:kms:dsse; absent for SSE-C. */
  sse?: string;
  kmsKeyId?: string;
  bucketKeyEnabled?: boolean;
  /** SSE-C: base64 MD5 of the customer key. */
  customerKeyMd5?: string;
}

export interface EncryptionRequest {
  readonly ServerSideEncryption?: string;
  readonly SSEKMSKeyId?: string;
  readonly BucketKeyEnabled?: boolean;
  readonly SSECustomerAlgorithm?: string;
  readonly SSECustomerKey?: string | Uint8Array;
  readonly SSECustomerKeyMD5?: string;
}

interface DefaultEncryptionRule {
  ApplyServerSideEncryptionByDefault?: { SSEAlgorithm?: string; KMSMasterKeyID?: string };
  BucketKeyEnabled?: boolean;
  BlockedEncryptionTypes?: { EncryptionType?: string[] };
}

/**
 * Whether a bucket refuses writes that ask for SSE-C: "Starting April 2026, Amazon S3
 * automatically disables server-side encryption with customer-provided keys (SSE-C) for all new
 * general purpose buckets"; a bucket takes them again once its default encryption's
 * BlockedEncryptionTypes is NONE (S3 User Guide, "Blocking or unblocking SSE-C for a general
 * purpose bucket"). A bucket without a configuration, or with one that names neither, blocks.
 */
export function blocksCustomerKeys(bucketDefault: { Rules?: DefaultEncryptionRule[] } | undefined): boolean {
  return !(bucketDefault?.Rules?.[0]?.BlockedEncryptionTypes?.EncryptionType?.includes("NONE") ?? false);
}

const SSE_ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

/** S3 names this header in every SSE-C error, whichever of the customer headers (or their copy-source twins) is wrong. */
const CUSTOMER_KEY_ARGUMENT = "x-amz-server-side-encryption";

/**
 * The bytes of a customer key as S3 decodes its base64 (dyus/meeseeks-s3,
 * tests/put_object_sse_c/golden/TestSSECPutObjectHeaders): characters outside the base64
 * alphabet are skipped (test_sse_c_customer_key_with_garbage_chars_in_base64, _with_spaces; the
 * URL-safe "-" and "_" too, test_sse_c_key_url_safe_base64), and only whole groups of four are
 * decoded (test_sse_c_key_base64_without_padding: the last three characters are dropped;
 * _with_extra_padding; test_sse_c_customer_key_zz: nothing).
 */
function customerKeyBytes(key: string | Uint8Array): Buffer {
  // The protocol layer keeps the key as text (protocol/model-patches.ts); bytes come decoded already.
  if (typeof key !== "string") return Buffer.from(key);
  const kept = key.replace(/[^A-Za-z0-9+/=]/g, "");
  return Buffer.from(kept.slice(0, kept.length - (kept.length % 4)), "base64");
}

/**
 * The base64 MD5 of the customer key a request gives, checked in S3's order (dyus/meeseeks-s3,
 * tests/put_object_sse_c and get_object_sse_c goldens, recorded against S3 in March 2026): the
 * three headers present (an empty one counts) in the order algorithm, key, MD5; then a key that
 * decodes to nothing, named as sent (test_sse_c_empty_customer_key, test_sse_c_customer_key_zz,
 * TestSSECPutObjectEmptyValues.test_sse_c_all_three_headers_empty); then the MD5 against the key;
 * only then the algorithm's value, then the key's length. A read may leave the MD5 out
 * (test_get_ssec_object_algorithm_and_key_without_md5_accepted); a write may not.
 */
function customerKey(request: EncryptionRequest, write: boolean): string | undefined {
  const { SSECustomerAlgorithm: algorithm, SSECustomerKey: key, SSECustomerKeyMD5: md5 } = request;
  if (algorithm === undefined && key === undefined && md5 === undefined) return undefined;
  if (algorithm === undefined) {
    throw invalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.", CUSTOMER_KEY_ARGUMENT);
  }
  if (key === undefined) {
    throw invalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.", CUSTOMER_KEY_ARGUMENT);
  }
  if (md5 === undefined && write) {
    throw invalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.", CUSTOMER_KEY_ARGUMENT);
  }
  const raw = customerKeyBytes(key);
  if (raw.length === 0) throw invalidArgument("The secret key was invalid - too short.", CUSTOMER_KEY_ARGUMENT, typeof key === "string" ? key : "");
  const actual = createHash("md5").update(raw).digest("base64");
  if (md5 !== undefined && md5 !== actual) {
    throw invalidArgument("The calculated MD5 hash of the key did not match the hash that was provided.", CUSTOMER_KEY_ARGUMENT);
  }
  if (algorithm !== "AES256") throw errors.InvalidEncryptionAlgorithm({}, { fields: { ArgumentName: CUSTOMER_KEY_ARGUMENT, ArgumentValue: algorithm } });
  if (raw.length !== 32) throw invalidArgument("The secret key was invalid for the specified algorithm.", CUSTOMER_KEY_ARGUMENT);
  return actual;
}

/** How a write will be encrypted: the request's headers, else the bucket's default. */
export function resolveEncryption(
  request: EncryptionRequest,
  bucketDefault: { Rules?: DefaultEncryptionRule[] } | undefined,
  scope: { account: string; region: string },
): ObjectEncryption {
  const customerKeyMd5 = customerKey(request, true);
  if (customerKeyMd5 !== undefined) {
    if (request.ServerSideEncryption !== undefined) {
      throw invalidArgument("Server Side Encryption with Customer provided key is incompatible with the encryption method specified", "x-amz-server-side-encryption", request.ServerSideEncryption);
    }
    // "rejected with an HTTP 403 AccessDenied error", explained to the owner account (S3 User Guide, "Access denied due to Blocked Encryption Type").
    if (blocksCustomerKeys(bucketDefault)) throw new ReasonedAccessDenied(REFUSAL_REASONS.CustomerKeys);
    return { customerKeyMd5 };
  }
  const sse = request.ServerSideEncryption;
  if (sse !== undefined && !SSE_ALGORITHMS.includes(sse)) {
    throw invalidArgument("The encryption method specified is not supported", "x-amz-server-side-encryption", sse);
  }
  if (request.SSEKMSKeyId !== undefined && sse !== "aws:kms" && sse !== "aws:kms:dsse") {
    throw invalidArgument(
      "Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms",
      "x-amz-server-side-encryption-aws-kms-key-id",
      request.SSEKMSKeyId,
    );
  }
  const rule = bucketDefault?.Rules?.[0];
  const algorithm = sse ?? rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? "AES256";
  if (algorithm === "AES256") return { sse: algorithm };
  // The key named (the request's, else the bucket default's), or the AWS managed key aws/s3; by its ARN, as S3 reports it.
  const named = request.SSEKMSKeyId ?? (sse === undefined ? rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID : undefined);
  const kmsKeyId = named === undefined ? awsManagedKeyArn("s3", scope) : kmsKeyArn(named, scope);
  const bucketKeyEnabled = request.BucketKeyEnabled ?? (sse === undefined ? rule?.BucketKeyEnabled : undefined);
  return { sse: algorithm, kmsKeyId, ...(bucketKeyEnabled !== undefined ? { bucketKeyEnabled } : {}) };
}

/**
 * Whether a single-request write (PutObject, POST, CopyObject, a part) with this encryption has
 * the MD5 of its bytes as ETag: "Objects created by the PUT Object, POST Object, or Copy
 * operation ... and are encrypted by SSE-S3 or plaintext, have ETags that are an MD5 digest of
 * their object data ... encrypted by SSE-C or SSE-KMS, have ETags that are not an MD5 digest of
 * their object data" (S3 API Reference, Object: ETag).
 */
export function etagIsMd5(enc: ObjectEncryption): boolean {
  return enc.customerKeyMd5 === undefined && (enc.sse === undefined || enc.sse === "AES256");
}

/**
 * The ETag of bytes written in one request (an object, or a part of an upload): the MD5 (hex) for
 * SSE-S3, else an opaque value. S3's SSE-KMS and SSE-C ETags are 32 hex digits that are no digest
 * of the data (aptly-dev/aptly#1117, whose KMS objects' 32-character ETags were taken for MD5s) and
 * differ between writes of the same bytes (s3tools/s3cmd#1188: "the destination md5 is different
 * each time"): random digits here. Parts likewise: the AWS SDK for Java skips its check of an
 * UploadPart's ETag against the part's MD5 when "the request involves SSE-C or SSE-KMS"
 * (SkipMd5CheckStrategy), and boto/boto#3750 met the mismatch on a KMS upload's part.
 */
export function etagOfWrite(md5Hex: string, enc: ObjectEncryption): string {
  return etagIsMd5(enc) ? `"${md5Hex}"` : opaqueETag();
}

export function opaqueETag(): string {
  return `"${randomBytes(16).toString("hex")}"`;
}

/** UpdateObjectEncryption's ObjectEncryption: a union whose only member S3 takes is SSEKMS. */
export interface EncryptionUpdate {
  readonly SSEKMS?: { readonly KMSKeyArn?: string; readonly BucketKeyEnabled?: boolean };
}

/**
 * The pattern of SSEKMSEncryption.KMSKeyArn (S3 API Reference): "You must specify the full AWS KMS
 * key ARN. The KMS key ID and KMS key alias aren't supported." The group is the key's account.
 */
const KMS_KEY_ARN = /^arn:aws[-a-z0-9]*:kms:[-a-z0-9]*:([0-9]{12}):key\/.+$/;

/**
 * What UpdateObjectEncryption asks for, checked before any object is looked at. SSE-KMS is the only
 * target ("you cannot specify SSE-S3 encryption as the requested new encryption type"), with a key
 * ARN of the bucket owner's account ("restricted to KMS keys that are owned by the bucket owner's
 * AWS account"). An S3 Bucket Key only when asked for ("If this value isn't specified, it defaults
 * to false"), and then kept only when on, so that reads send
 * x-amz-server-side-encryption-bucket-key-enabled only for an object that uses one.
 */
export function requestedEncryptionUpdate(update: EncryptionUpdate | undefined, bucketOwner: string): ObjectEncryption {
  const kms = update?.SSEKMS;
  if (kms === undefined) throw errors.NewEncryptionTypeRequired();
  if (kms.KMSKeyArn === undefined || kms.KMSKeyArn === "") throw errors.KmsKeyArnRequired();
  const account = KMS_KEY_ARN.exec(kms.KMSKeyArn)?.[1];
  if (account === undefined) throw errors.KmsKeyArnInvalid();
  if (account !== bucketOwner) throw errors.KmsKeyOfAnotherAccount();
  return { sse: "aws:kms", kmsKeyId: kms.KMSKeyArn, ...(kms.BucketKeyEnabled === true ? { bucketKeyEnabled: true } : {}) };
}

/** Whether a version's encryption may be changed: SSE-S3 and SSE-KMS may, DSSE-KMS and SSE-C may not. */
export function checkEncryptionUpdatable(current: ObjectEncryption): void {
  if (current.customerKeyMd5 !== undefined || current.sse === "aws:kms:dsse") throw errors.UnsupportedSourceEncryption();
}

/** A read of an SSE-C object must present the key it was written with. */
export function checkReadKey(stored: ObjectEncryption, request: EncryptionRequest): void {
  const given = customerKey(request, false);
  if (stored.customerKeyMd5 === undefined) {
    if (given !== undefined) throw invalidRequest("The encryption parameters are not applicable to this object.");
    return;
  }
  if (given === undefined) {
    throw invalidRequest("The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
  }
  if (given !== stored.customerKeyMd5) throw errors.WrongCustomerKey();
}

/**
 * A part of an SSE-C multipart upload carries the upload's customer key. Sent without it, S3
 * answers InvalidRequest with its own message (S3's answer quoted in aws/aws-sdk-php#1291, and in
 * aws/aws-sdk-go#1095 and aws/aws-sdk-ruby#1084, whose uploaders left the key off the parts); sent
 * with another key, InvalidRequest again, not a read's AccessDenied (dyus/meeseeks-s3,
 * tests/upload_part_sse_c/golden/TestSSECUploadPartHeaders.test_sse_c_upload_with_different_key_part_rejected);
 * the headers are judged as a write's, so the MD5 must be there.
 */
export function checkPartKey(upload: ObjectEncryption, request: EncryptionRequest): void {
  const given = customerKey(request, true);
  if (upload.customerKeyMd5 === undefined) {
    if (given !== undefined) throw invalidRequest("The encryption parameters are not applicable to this object.");
    return;
  }
  if (given === undefined) {
    throw invalidRequest("The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.");
  }
  if (given !== upload.customerKeyMd5) throw invalidRequest("The provided encryption parameters did not match the ones used originally.");
}

/**
 * CompleteMultipartUpload judges the SSE-C headers only when all three are sent; fewer are let
 * through. Then they must be valid and name the upload's key, or it is InvalidRequest, for a plain
 * upload too (dyus/meeseeks-s3, tests/complete_multipart_upload_sse_c/golden,
 * TestSSECCompleteMultipartUploadHeaders: test_sse_c_only_algorithm, test_sse_c_only_key,
 * test_sse_c_algorithm_and_key, test_sse_c_mismatched_key_md5, test_complete_ssec_upload_with_wrong_key,
 * test_complete_plain_upload_with_sse_c_headers). Whether the upload's key was given.
 */
export function checkCompletionKey(upload: ObjectEncryption, request: EncryptionRequest): boolean {
  if (request.SSECustomerAlgorithm === undefined || request.SSECustomerKey === undefined || request.SSECustomerKeyMD5 === undefined) return false;
  if (customerKey(request, true) !== upload.customerKeyMd5) {
    throw invalidRequest("The object was stored using a form of Server Side Encryption. Correct SSE-C request parameters are required for this request when specifying checksums for each part.");
  }
  return true;
}

/** Copy sources encrypted with SSE-C need their key in x-amz-copy-source-server-side-encryption-customer-*. */
export function checkCopySourceKey(stored: ObjectEncryption, request: { CopySourceSSECustomerAlgorithm?: string; CopySourceSSECustomerKey?: string | Uint8Array; CopySourceSSECustomerKeyMD5?: string }): void {
  checkReadKey(stored, {
    ...{}, ...(request.CopySourceSSECustomerAlgorithm !== undefined ? { SSECustomerAlgorithm: request.CopySourceSSECustomerAlgorithm } : {}),
    ...(request.CopySourceSSECustomerKey !== undefined ? { SSECustomerKey: request.CopySourceSSECustomerKey } : {}),
    ...(request.CopySourceSSECustomerKeyMD5 !== undefined ? { SSECustomerKeyMD5: request.CopySourceSSECustomerKeyMD5 } : {}),
  });
}

/** The response members that describe an object's encryption. */
export function encryptionOutput(enc: ObjectEncryption): {
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  BucketKeyEnabled?: boolean;
  SSECustomerAlgorithm?: string;
  SSECustomerKeyMD5?: string;
} {
  if (enc.customerKeyMd5 !== undefined) return { SSECustomerAlgorithm: "AES256", SSECustomerKeyMD5: enc.customerKeyMd5 };
  return {
    ServerSideEncryption: enc.sse ?? "AES256",
    ...(enc.kmsKeyId !== undefined ? { SSEKMSKeyId: enc.kmsKeyId } : {}),
    ...(enc.bucketKeyEnabled !== undefined ? { BucketKeyEnabled: enc.bucketKeyEnabled } : {}),
  };
}

const SSE_S3: Readonly<ObjectEncryption> = Object.freeze({ sse: "AES256" });
/** Parsed settings by their stored text, frozen: most objects of a bucket share one, and a GET needs it twice. */
const parsedEncryption = new RowCache<ObjectEncryption>(1024);

export function parseEncryption(json: string | null): Readonly<ObjectEncryption> {
  if (json === null) return SSE_S3;
  return parsedEncryption.get(json, () => JSON.parse(json) as ObjectEncryption) ?? SSE_S3;
}
