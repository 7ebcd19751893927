/**
 * POST Object: browser-form uploads (multipart/form-data to the bucket, path-style `/bucket`
 * or virtual-hosted `/`). The fields before the file are read (at most 20 KB, as S3 allows),
 * the policy and its signature are checked before any file byte is stored, then the file part
 * streams through the same write path as PutObject (s3:ObjectCreated:Post). Fields after the
 * file are ignored, as S3 ignores them.
 *
 * Issued keys (STS, IAM) are always verified, since Nimbus knows their secret; keys Nimbus never
 * issued only when signatures are enforced (auth/enforcement.ts), with the root secret.
 */
import { Readable } from "node:stream";
import { XMLParser } from "fast-xml-parser";
import { signingSecret } from "../../../auth/enforcement.js";
import { authorize } from "../authorization.js";
import { invalidSessionToken } from "../../../auth/sigv4-errors.js";
import { own, setOwn } from "../../../core/own.js";
import type { HttpRoute, HttpRouteContext } from "../../../core/service.js";
import type { PutObjectInput } from "../../../generated/s3.js";
import type { WireRequest, WireResponse } from "../../../protocol/wire.js";
import { escapeXml } from "../../../protocol/xml.js";
import { CHECKSUM_ALGORITHMS, checksumHeaderName, checksumMember } from "../domain/checksums.js";
import { expiredToken, invalidArgument, noSuchBucket, s3DomainErrors, sendableHeaderName, sendableHeaderValue } from "../errors.js";
import { FormDataError, FormDataReader, FormFieldTooLarge, formDataBoundary, type FormPartHeaders } from "../form-data.js";
import {
  checkPostPolicy,
  contentLengthRange,
  entityTooLarge,
  entityTooSmall,
  missingField,
  parsePostPolicy,
  postCredential,
  postPolicyErrors,
  verifyPostSignature,
} from "../post-policy.js";
import type { S3Store, Tag } from "../store.js";
import { putObject } from "./put-object.js";
import { decodePathPart, MAX_OBJECT_TAGS, splitBucketPath, validateTags } from "../objects.js";

/** "The maximum size of the form fields that precede the file" S3 reads before the upload. */
export const MAX_PRE_FILE_BYTES = 20 * 1024;

/**
 * Form fields that become PutObject members (everything else: x-amz-meta-*, or policy-only).
 * Content-MD5 is checked against the file as PutObject's header is ("If they do not match, Amazon
 * S3 returns an error": the POST Object API reference; BadDigest in dyus/meeseeks-s3's
 * tests/post_object/test_content_md5.py, run against AWS).
 */
const FIELD_MEMBERS: Readonly<Record<string, keyof PutObjectInput>> = {
  acl: "ACL",
  "cache-control": "CacheControl",
  "content-md5": "ContentMD5",
  "content-disposition": "ContentDisposition",
  "content-encoding": "ContentEncoding",
  "content-language": "ContentLanguage",
  "content-type": "ContentType",
  "x-amz-storage-class": "StorageClass",
  "x-amz-website-redirect-location": "WebsiteRedirectLocation",
  "x-amz-server-side-encryption": "ServerSideEncryption",
  "x-amz-server-side-encryption-aws-kms-key-id": "SSEKMSKeyId",
  "x-amz-server-side-encryption-context": "SSEKMSEncryptionContext",
  "x-amz-server-side-encryption-customer-algorithm": "SSECustomerAlgorithm",
  "x-amz-server-side-encryption-customer-key": "SSECustomerKey",
  "x-amz-server-side-encryption-customer-key-md5": "SSECustomerKeyMD5",
  "x-amz-checksum-algorithm": "ChecksumAlgorithm",
  ...Object.fromEntries(CHECKSUM_ALGORITHMS.map((a) => [checksumHeaderName(a), checksumMember(a)])),
};

/** The `tagging` field is a Tagging XML document (not PutObject's URL-encoded header). */
export function taggingFromXml(xml: string): string {
  let doc: unknown;
  try {
    doc = new XMLParser({ parseTagValue: false, isArray: (name) => name === "Tag" }).parse(xml);
  } catch {
    throw s3DomainErrors.MalformedXML();
  }
  const root = doc as { Tagging?: { TagSet?: { Tag?: { Key?: unknown; Value?: unknown }[] } | "" } | "" };
  // A well-formed document of another root (<InvalidXmlTagging/>) is stored with no tags; text
  // that is no XML at all is MalformedXML (LocalStack's AWS-recorded test_post_object_with_tags,
  // [invalid]: 204 and an empty TagSet; [notxml]: MalformedXML).
  if (root.Tagging === undefined && Object.keys(root).some((name) => name !== "?xml")) return "";
  if (root.Tagging === undefined) throw s3DomainErrors.MalformedXML();
  // A <Tagging> without its <TagSet> is an empty tag set, as PutObjectTagging's body is
  // (LocalStack's AWS-validated test_put_object_tagging_none_value), and as a document that is
  // no Tagging at all is here: S3 would not refuse the nearer form of the two it accepts.
  const tags = root.Tagging === "" ? "" : root.Tagging.TagSet;
  const set: Tag[] = [];
  for (const tag of tags === "" || tags === undefined ? [] : (tags.Tag ?? [])) {
    if (typeof tag.Key !== "string") throw s3DomainErrors.MalformedXML();
    set.push({ Key: tag.Key, Value: typeof tag.Value === "string" ? tag.Value : "" });
  }
  // A tag set's own answers (InvalidTag), before it becomes the header form, whose duplicate or empty key is InvalidArgument.
  validateTags(set, MAX_OBJECT_TAGS);
  return new URLSearchParams(set.map((t): [string, string] => [t.Key, t.Value])).toString();
}

/**
 * A form field's text as a header would have carried it. Form fields arrive decoded as UTF-8;
 * header values are read one byte per character (latin1), and are sent back so. A field with
 * other than ASCII (a metadata value "€uro", a Content-Disposition filename) is kept as its UTF-8
 * bytes read that way: read back as a header it is the same bytes (decoded text past U+00FF
 * could not be sent as a header at all, and made the object unreadable).
 */
function headerText(value: string): string {
  return /[^\u0000-\u007f]/.test(value) ? Buffer.from(value, "utf8").toString("latin1") : value;
}

function putInput(bucket: string, key: string, fields: ReadonlyMap<string, string>): PutObjectInput {
  const input: Record<string, unknown> = { Bucket: bucket, Key: key };
  const metadata: Record<string, string> = {};
  for (const [name, value] of fields) {
    const member = own(FIELD_MEMBERS, name);
    // A member is answered as a header as it is; metadata is made mail-safe first (objects.ts metadataOutput).
    if (member !== undefined) input[member] = sendableHeaderValue(headerText(value), name);
    else if (name.startsWith("x-amz-meta-")) setOwn(metadata, sendableHeaderName(name).slice("x-amz-meta-".length), headerText(value));
  }
  if (Object.keys(metadata).length > 0) input["Metadata"] = metadata;
  const expires = fields.get("expires");
  if (expires !== undefined && !Number.isNaN(Date.parse(expires))) input["ExpiresString"] = new Date(expires).toUTCString();
  const bucketKey = fields.get("x-amz-server-side-encryption-bucket-key-enabled");
  if (bucketKey !== undefined) input["BucketKeyEnabled"] = bucketKey.toLowerCase() === "true";
  const tagging = fields.get("tagging");
  if (tagging !== undefined) input["Tagging"] = taggingFromXml(tagging);
  return input as PutObjectInput;
}

/** The file part's bytes, held to the policy's content-length-range as they stream. */
async function* sized(chunks: AsyncIterable<Buffer>, range: { min: number; max: number } | undefined): AsyncGenerator<Buffer> {
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.length;
    if (range && size > range.max) throw entityTooLarge(size, range.max);
    yield chunk;
  }
  if (range && size < range.min) throw entityTooSmall(size, range.min);
}

/** A success_action_redirect S3 follows: an absolute http(s) URL (anything else is ignored). */
function redirectTarget(value: string | undefined): URL | undefined {
  if (value === undefined || value === "") return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url : undefined;
  } catch {
    return undefined;
  }
}

interface ReadForm {
  readonly fields: Map<string, string>;
  readonly file: FormPartHeaders | undefined;
}

/** The fields up to the file part (lower-case names; the first of a repeated name counts). */
async function readFields(reader: FormDataReader): Promise<ReadForm> {
  const fields = new Map<string, string>();
  let budget = MAX_PRE_FILE_BYTES;
  try {
    for (let part = await reader.next(); part; part = await reader.next()) {
      const name = part.name.toLowerCase();
      if (name === "file") return { fields, file: part };
      budget -= Buffer.byteLength(part.name);
      if (budget < 0) throw postPolicyErrors.MaxPostPreDataLengthExceeded();
      const value = await reader.text(budget);
      budget -= Buffer.byteLength(value);
      if (!fields.has(name)) fields.set(name, value);
    }
  } catch (err) {
    if (err instanceof FormDataError) throw postPolicyErrors.MalformedPOSTRequest();
    if (err instanceof FormFieldTooLarge) throw postPolicyErrors.MaxPostPreDataLengthExceeded();
    throw err;
  }
  return { fields, file: undefined };
}

/** Who the upload acts as: the policy's signer (checked when Nimbus knows the key's secret), or the anonymous caller. */
function authorizeForm(ctx: HttpRouteContext<S3Store>, fields: ReadonlyMap<string, string>, bucket: string): { account: string; accessKeyId: string; range?: { min: number; max: number } } {
  const policyText = fields.get("policy");
  if (policyText === undefined) return { account: ctx.account, accessKeyId: "" };
  const credential = postCredential(fields);
  const token = fields.get("x-amz-security-token");
  if (ctx.identities.expired(credential.accessKeyId, token)) throw expiredToken(token);
  const issued = ctx.identities.issued(credential.accessKeyId);
  const auth = ctx.config.auth;
  if (auth?.enforceSignatures) {
    verifyPostSignature(credential, signingSecret(ctx.identities, auth, credential.accessKeyId, token, "s3"), policyText);
  } else if (issued) {
    verifyPostSignature(credential, issued.secretAccessKey, policyText);
    if (issued.sessionToken !== undefined && token !== issued.sessionToken) throw invalidSessionToken("s3", token);
  }
  const policy = parsePostPolicy(policyText);
  checkPostPolicy(policy, fields, bucket, ctx.clock.now());
  const range = contentLengthRange(policy);
  return { account: ctx.identities.accountOf(credential.accessKeyId), accessKeyId: credential.accessKeyId, ...(range ? { range } : {}) };
}

export async function postObject(req: WireRequest, ctx: HttpRouteContext<S3Store>, boundary: string): Promise<WireResponse> {
  const source: AsyncIterable<Uint8Array> = req.stream ?? Readable.from([req.body ?? Buffer.alloc(0)]);
  const reader = new FormDataReader(source, boundary);
  try {
    return await receive(req, ctx, reader);
  } catch (err) {
    // The reader holds the request stream (resume() cannot drain it): the rest of the body is
    // read here, so the error reaches a client that is still sending and the connection stays usable.
    await reader.drain().catch(() => undefined);
    throw err;
  }
}

async function receive(req: WireRequest, ctx: HttpRouteContext<S3Store>, reader: FormDataReader): Promise<WireResponse> {
  const bucketName = decodePathPart(splitBucketPath(ctx.path).bucket, req.rawPath);
  const { fields, file } = await readFields(reader);
  if (!file) throw invalidArgument("POST requires exactly one file upload per request.", "file", 0);
  const keyField = fields.get("key");
  if (keyField === undefined) throw missingField("key");
  const bucket = ctx.store.bucket(bucketName);
  if (!bucket) throw noSuchBucket(bucketName);
  const { account, accessKeyId, range } = authorizeForm(ctx, fields, bucketName);
  // "${filename}" in the key is the name of the file the user chose.
  const key = keyField.split("${filename}").join(file.filename ?? "");
  // The form acts as its policy's signer, or anonymously without a policy.
  const putCtx = { ...{}, ...ctx, account, operation: "PostObject", caller: { ...{}, ...ctx.caller, accessKeyId } };
  authorize(putCtx, bucket, "s3:PutObject", key, putInput(bucketName, key, fields));
  const body = Readable.from(sized(reader.body(), range), { objectMode: false });
  let out;
  try {
    out = await putObject({ ...{}, ...putInput(bucketName, key, fields), Body: body }, putCtx, "Post");
  } catch (err) {
    if (err instanceof FormDataError) throw postPolicyErrors.MalformedPOSTRequest();
    throw err;
  }
  await reader.drain().catch(() => undefined);

  // S3's Location percent-encodes the whole key, its slashes too (`.../uploads%2Fphoto.jpg`): in
  // the 201 body and the 204 header alike (an SDK maintainer's wire trace in boto/boto3#2851;
  // PostResponse bodies quoted in jamhall/s3rver#504 and waynehoover/s3_direct_upload#93).
  const encodedKey = encodeURIComponent(key);
  // Virtual-hosted requests (path "/") are answered with virtual-hosted URLs.
  const location = ctx.path === req.rawPath ? `http://${req.host}/${encodeURIComponent(bucketName)}/${encodedKey}` : `http://${req.host}/${encodedKey}`;
  const etag = out.ETag ?? "";
  const headers: Record<string, string> = { etag, location };
  if (out.VersionId !== undefined) headers["x-amz-version-id"] = out.VersionId;
  if (out.ServerSideEncryption !== undefined) headers["x-amz-server-side-encryption"] = out.ServerSideEncryption;
  if (out.SSEKMSKeyId !== undefined) headers["x-amz-server-side-encryption-aws-kms-key-id"] = out.SSEKMSKeyId;
  // An SSE-C upload is answered with its algorithm and key's MD5, as PutObject is (dyus/meeseeks-s3,
  // tests/post_object_sse_c/golden/TestSSECPostObjectFields.test_sse_c_all_valid_fields_accepted, _returns_201).
  if (out.SSECustomerAlgorithm !== undefined) headers["x-amz-server-side-encryption-customer-algorithm"] = out.SSECustomerAlgorithm;
  if (out.SSECustomerKeyMD5 !== undefined) headers["x-amz-server-side-encryption-customer-key-MD5"] = out.SSECustomerKeyMD5;
  // And with the object's checksum, S3's default CRC64NVME unless the form named another, as
  // PutObject is (the same goldens: "x-amz-checksum-crc64nvme", "x-amz-checksum-type: FULL_OBJECT").
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = out[checksumMember(algorithm)];
    if (value !== undefined) headers[checksumHeaderName(algorithm)] = value;
  }
  if (out.ChecksumType !== undefined) headers["x-amz-checksum-type"] = out.ChecksumType;

  const target = redirectTarget(fields.get("success_action_redirect") ?? fields.get("redirect"));
  if (target) {
    target.searchParams.append("bucket", bucketName);
    target.searchParams.append("key", key);
    target.searchParams.append("etag", etag);
    return { status: 303, headers: { ...{}, ...headers, location: target.toString(), "content-length": "0" } };
  }
  switch (fields.get("success_action_status")) {
    case "200":
      return { status: 200, headers: { ...{}, ...headers, "content-length": "0" } };
    case "201": {
      // The ETag's quotes go out as they are (`<ETag>"e637..."</ETag>`, recorded S3 201 bodies in
      // pastebin.com/wrsSDsnu and others), not as &quot;: uploaders read the elements with
      // indexOf, not an XML parser (@uppy/aws-s3's getXmlValue).
      const xml =
        '<?xml version="1.0" encoding="UTF-8"?>\n' +
        `<PostResponse><Location>${escapeXml(location)}</Location><Bucket>${escapeXml(bucketName)}</Bucket><Key>${escapeXml(key)}</Key><ETag>${escapeXml(etag)}</ETag></PostResponse>`;
      return { status: 201, headers: { ...{}, ...headers, "content-type": "application/xml" }, body: xml };
    }
    default:
      // Missing or not one of 200/201/204: an empty 204.
      return { status: 204, headers };
  }
}

/** A form POST to a bucket (no sub-resource in the query): the PostObject route. */
export function postObjectRoute(request: WireRequest, path: string): HttpRoute<S3Store> | undefined {
  if (request.method !== "POST" || request.query.size > 0 || !/^\/[^/]+\/?$/.test(path)) return undefined;
  const contentType = request.headers["content-type"];
  const boundary = formDataBoundary(contentType);
  if (boundary !== undefined) return { operation: "PostObject", handle: (req, ctx) => postObject(req, ctx, boundary) };
  // A bucket POST of another enclosure type is 412 PreconditionFailed (LocalStack's AWS-recorded
  // test_post_object_with_wrong_content_type snapshot, invalid-content-type-error).
  if (contentType !== undefined && contentType.split(";")[0]?.trim().toLowerCase() === "multipart/form-data") return undefined;
  return {
    operation: "PostObject",
    handle: () => {
      throw s3DomainErrors.PreconditionFailed({}, { fields: { Condition: "Bucket POST must be of the enclosure-type multipart/form-data" } });
    },
  };
}
