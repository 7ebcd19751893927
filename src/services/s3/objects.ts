/**
 * What several S3 handlers share: finding a bucket the caller may use, finding the version a
 * read addresses (with S3's delete-marker answers), the content headers an object keeps, and
 * tag sets with their limits.
 */
import { enforcesPolicies } from "../../auth/access.js";
import { commonErrors, type AwsError } from "../../core/errors.js";
import { setOwn } from "../../core/own.js";
import { requestEndpoint } from "../../core/service.js";
import type { GetObjectOutput } from "../../generated/s3.js";
import { virtualHostBucket } from "../../protocol/routing.js";
import { checksumMember, isChecksumAlgorithm } from "./domain/checksums.js";
import { formEncode } from "./domain/listing.js";
import { mailSafe } from "./domain/mail-safe.js";
import { isVersionIdShaped } from "./domain/version-ids.js";
import { encryptionOutput, parseEncryption } from "./encryption.js";
import { errors, invalidArgument, noSuchBucket, noSuchKey, noSuchVersion, s3DomainErrors } from "./errors.js";
import type { S3Context } from "./index.js";
import type { BucketRow, ObjectHeaders, ObjectRow, Tag } from "./store.js";

/**
 * A path-style path (`/bucket/key...`, as S3's routes and the CORS and request-log hooks see
 * every request) split at its first slash: the bucket and the key, both still URL-encoded, the
 * key "" when the path names none.
 */
export function splitBucketPath(path: string): { readonly bucket: string; readonly key: string } {
  const slash = path.indexOf("/", 1);
  return slash === -1 ? { bucket: path.slice(1), key: "" } : { bucket: path.slice(1, slash), key: path.slice(slash + 1) };
}

/**
 * A bucket or key as S3 decodes it from a request path (REST and website endpoints) or an
 * x-amz-copy-source: a `+` is a space, as in a form, and only `%2B` is a plus. A GET of
 * `/v0.15.1+xxx/xxx` on a bucket's host answers NoSuchKey with <Key>v0.15.1 xxx/xxx</Key> (the
 * answer quoted in servo/rust-url#882); a site's `+layout.css` is not found at `/+layout.css`
 * (sveltejs/kit#6451); a copy
 * source sent with a raw `+` (`foo++bar.txt`) is NoSuchKey, S3 expecting `foo%2B%2Bbar.txt`
 * (aws/aws-cli#614; aws/aws-sdk-js#1821, aws/aws-sdk-php#236). The SDKs send `+` as `%2B`.
 * Throws URIError for a `%`-escape that is not UTF-8.
 */
export function decodeS3Path(text: string): string {
  // Most buckets and keys hold neither: decodeURIComponent would hand back the same text, at a cost.
  if (!text.includes("%") && !text.includes("+")) return text;
  return decodeURIComponent(text.includes("+") ? text.replaceAll("+", " ") : text);
}

/**
 * A bucket or key of a path, decoded; S3 answers a percent-encoding that is not UTF-8 (`/%FF`)
 * with InvalidURI naming the URI, as the dispatcher does for the operations it routes.
 */
export function decodePathPart(text: string, uri: string): string {
  try {
    return decodeS3Path(text);
  } catch {
    throw commonErrors.InvalidURI({}, { fields: { URI: uri } });
  }
}

/** A bucket or key of a path, decoded where it can be (for hooks that look a bucket up but answer nothing themselves). */
export function safeDecode(text: string): string {
  try {
    return decodeS3Path(text);
  } catch {
    return text;
  }
}

/** The bucket, if it exists and belongs to the caller's account (no bucket policies yet). */
export function requireBucket(ctx: S3Context, name: string): BucketRow {
  const bucket = ctx.store.bucket(name);
  if (!bucket) throw noSuchBucket(name);
  // Enforced policies decided before the handler ran (authorization.ts); otherwise an account only reaches its own buckets.
  if (bucket.account_id !== ctx.account && !enforcesPolicies(ctx.config)) throw errors.AccessDenied();
  return bucket;
}

/**
 * The URL of a bucket's objects as the caller addresses them: on the host the request came to
 * (`nimbus:4566` from another container), virtual-hosted (`http://<bucket>.localhost:4566`)
 * when the request was, as AWS builds such URLs on the endpoint called; path-style on the
 * configured endpoint for an in-process call.
 */
export function bucketUrl(ctx: S3Context, bucket: string): string {
  const host = ctx.caller.host;
  const virtual = host !== undefined && virtualHostBucket(host, ctx.config.hostname) === bucket;
  return virtual ? requestEndpoint(ctx) : `${requestEndpoint(ctx)}/${encodeURIComponent(bucket)}`;
}

/** The object's URL (a torrent's web seed). */
export function objectUrl(bucketBase: string, key: string): string {
  return `${bucketBase}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/**
 * The Location CompleteMultipartUpload answers: the object's URL with the key form-encoded, a
 * `/` as `%2F` and a space as `+` (S3's answers in aws/aws-sdk-js#811, #1158 and #1707 and
 * aws/aws-sdk-go#645; lib-storage's Upload decodes the `%2F` since aws/aws-sdk-js-v3#5668).
 */
export function completedUploadLocation(bucketBase: string, key: string): string {
  return `${bucketBase}/${formEncode(key)}`;
}

/** "The name for a key is a sequence of Unicode characters whose UTF-8 encoding is at most 1,024 bytes long." */
export const MAX_KEY_BYTES = 1024;

export function validateKey(key: string): void {
  const size = Buffer.byteLength(key, "utf8");
  if (size > MAX_KEY_BYTES) throw errors.KeyTooLong({}, { fields: { Size: size, MaxSizeAllowed: MAX_KEY_BYTES } });
  if (key === "") throw invalidArgument("Invalid key name", "key", key);
}

function deleteMarkerHeaders(row: ObjectRow): Record<string, string> {
  return { "x-amz-delete-marker": "true", "x-amz-version-id": row.version_id };
}

/**
 * An empty versionId is refused with its own wording, naming where it was sent (AWS's answers to
 * ?acl&versionId= and to an x-amz-copy-source ending in ?versionId=, recorded against
 * s3.us-east-1.amazonaws.com in a published "S3 Compliance: Versioning Mix" log; GetObject's in
 * aws/aws-sdk-core-ruby#76).
 */
export function emptyVersionId(argumentName: string): AwsError {
  return invalidArgument("Version id cannot be the empty string", argumentName, "");
}

/**
 * Refuses a version id S3 could not have issued: a malformed one, or in a bucket that was never
 * versioned any but "null" (AWS answers both with InvalidArgument, as LocalStack's
 * test_get_object_with_version_unversioned_bucket and test_delete_object snapshots record).
 */
export function validateVersionId(bucket: BucketRow, versionId: string): void {
  if (versionId === "") throw emptyVersionId("versionId");
  const issuable = isVersionIdShaped(versionId) && (bucket.versioning !== null || versionId === "null");
  if (!issuable) throw invalidArgument("Invalid version id specified", "versionId", versionId);
}

/**
 * The object version a request names. Without a version id: the current version, or 404
 * NoSuchKey (with x-amz-delete-marker when the current version is a delete marker; 405
 * MethodNotAllowed instead where `currentMarkerNotAllowed`). With one: that version, 404
 * NoSuchVersion, or 405 MethodNotAllowed when it is a delete marker.
 */
export function readableVersion(
  ctx: S3Context,
  bucket: BucketRow,
  key: string,
  versionId: string | undefined,
  method = "GET",
  currentMarkerNotAllowed = false,
): ObjectRow {
  if (versionId === undefined) {
    const row = ctx.store.latest(bucket.name, key);
    if (!row) throw noSuchKey(key);
    if (row.delete_marker) throw currentMarkerNotAllowed ? deleteMarkerNotAllowed(row, method) : noSuchKey(key, deleteMarkerHeaders(row));
    return row;
  }
  validateVersionId(bucket, versionId);
  const row = ctx.store.version(bucket.name, key, versionId);
  if (!row) throw noSuchVersion(key, versionId);
  if (row.delete_marker) throw deleteMarkerNotAllowed(row, method);
  return row;
}

function deleteMarkerNotAllowed(row: ObjectRow, method: string): AwsError {
  // "If the specified version in the request is a delete marker, the response returns a 405
  // Method Not Allowed error and the Last-Modified: timestamp response header." (GetObject, HeadObject)
  const headers = { ...{}, ...deleteMarkerHeaders(row), Allow: "DELETE", "Last-Modified": new Date(row.last_modified).toUTCString() };
  return errors.MethodNotAllowed({}, { fields: { Method: method, ResourceType: "DeleteMarker" }, headers });
}

/**
 * "Within the PUT request header, the user-defined metadata is limited to 2 KB in size. The size
 * of user-defined metadata is measured by taking the sum of the number of bytes in the UTF-8
 * encoding of each key and value." (User Guide, Working with object metadata). Past it S3 answers
 * MetadataTooLarge with the Size it counted and MaxSizeAllowed (versity/versitygw#2086; the message
 * as boto3 prints it in qld-gov-au/ckanext-s3filestore#132).
 */
export const MAX_USER_METADATA_BYTES = 2048;

/**
 * A metadata name or value's size in bytes. From a header it is Node's latin1 reading of the
 * wire, one character per byte, so UTF-8 sent on the wire counts its own bytes; a string with
 * characters past U+00FF was decoded (a POST form field) and counts as UTF-8.
 */
function metadataBytes(text: string): number {
  return /[^\u0000-\u00ff]/.test(text) ? Buffer.byteLength(text, "utf8") : text.length;
}

export function validateMetadataSize(metadata: Readonly<Record<string, string>> | undefined): void {
  if (metadata === undefined) return;
  let size = 0;
  for (const key in metadata) size += metadataBytes(key) + metadataBytes(metadata[key] ?? "");
  if (size > MAX_USER_METADATA_BYTES) throw errors.MetadataTooLarge({}, { fields: { Size: size, MaxSizeAllowed: MAX_USER_METADATA_BYTES } });
}

export interface ContentHeaderInput {
  readonly ContentType?: string;
  readonly ContentEncoding?: string;
  readonly ContentDisposition?: string;
  readonly ContentLanguage?: string;
  readonly CacheControl?: string;
  /** The Expires header as sent, any text (a model patch: protocol/model-patches.ts). */
  readonly ExpiresString?: string;
  readonly WebsiteRedirectLocation?: string;
  readonly Metadata?: Record<string, string>;
  readonly StorageClass?: string;
}

export const STORAGE_CLASSES = [
  "STANDARD",
  "REDUCED_REDUNDANCY",
  "STANDARD_IA",
  "ONEZONE_IA",
  "INTELLIGENT_TIERING",
  "GLACIER",
  "DEEP_ARCHIVE",
  "GLACIER_IR",
  "OUTPOSTS",
  "SNOW",
  "EXPRESS_ONEZONE",
] as const;

export function validateStorageClass(value: string | undefined): string {
  if (value === undefined || value === "") return "STANDARD";
  if (!(STORAGE_CLASSES as readonly string[]).includes(value)) {
    throw errors.InvalidStorageClass({}, { fields: { StorageClassRequested: value } });
  }
  return value;
}

/**
 * x-amz-website-redirect-location names another object of the bucket or a URL: "The value must be
 * prefixed by /, http://, or https://" (S3 User Guide, "Configuring a webpage redirect"). S3 refuses
 * any other value with 400 InvalidRedirectLocation (S3 API Reference, "List of error codes"; the
 * answer PutObject gave the CLI in aws/aws-cli#1130).
 */
export function validateWebsiteRedirect(value: string | undefined): void {
  if (value === undefined || value === "") return;
  if (!value.startsWith("/") && !value.startsWith("http://") && !value.startsWith("https://")) throw errors.InvalidRedirectLocation();
}

/** S3's default Content-Type for an object stored without one. */
export const DEFAULT_CONTENT_TYPE = "binary/octet-stream";

export function contentHeaders(input: ContentHeaderInput, contentEncoding: string | undefined, tags: readonly Tag[]): ObjectHeaders {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.Metadata ?? {})) setOwn(metadata, k.toLowerCase(), v);
  return {
    content_type: input.ContentType ?? DEFAULT_CONTENT_TYPE,
    content_encoding: contentEncoding ?? null,
    content_disposition: input.ContentDisposition ?? null,
    content_language: input.ContentLanguage ?? null,
    cache_control: input.CacheControl ?? null,
    expires: input.ExpiresString ?? null,
    website_redirect: input.WebsiteRedirectLocation ?? null,
    metadata: JSON.stringify(metadata),
    tags: JSON.stringify(tags),
    storage_class: validateStorageClass(input.StorageClass),
  };
}

/**
 * The x-amz-version-id a read of a stored version answers with (GetObject, HeadObject, the
 * object's tagging and ACL): its id, "null" included, once the bucket has a versioning state;
 * none in a bucket never versioned.
 */
export function readVersionId(bucket: BucketRow, row: Pick<ObjectRow, "version_id">): { VersionId?: string } {
  return bucket.versioning !== null ? { VersionId: row.version_id } : {};
}

/** What GetObject and HeadObject answer with for a stored version, but the body. */
export type ObjectOutput = Omit<GetObjectOutput, "Body">;

/**
 * The headers GetObject and HeadObject answer with for a stored version. Built as one object
 * (a spread per optional member cost a read of a small object as much as its SQL once did),
 * which the handlers complete in place.
 */
export function objectOutput(row: ObjectRow, bucket: BucketRow, withChecksum: boolean): ObjectOutput {
  const out: ObjectOutput = { AcceptRanges: "bytes", LastModified: new Date(row.last_modified), ContentLength: row.size, ETag: row.etag };
  Object.assign(out, readVersionId(bucket, row));
  if (row.content_type !== null) out.ContentType = row.content_type;
  if (row.content_encoding !== null) out.ContentEncoding = row.content_encoding;
  if (row.content_disposition !== null) out.ContentDisposition = row.content_disposition;
  if (row.content_language !== null) out.ContentLanguage = row.content_language;
  if (row.cache_control !== null) out.CacheControl = row.cache_control;
  if (row.expires !== null) out.ExpiresString = row.expires;
  if (row.website_redirect !== null) out.WebsiteRedirectLocation = row.website_redirect;
  if (row.storage_class !== "STANDARD") out.StorageClass = row.storage_class;
  const tagCount = row.tags === "[]" ? 0 : (JSON.parse(row.tags) as Tag[]).length;
  if (tagCount > 0) out.TagCount = tagCount;
  if (row.replication_status !== null) out.ReplicationStatus = row.replication_status;
  if (withChecksum) Object.assign(out, checksumMembers(row.checksum_algorithm, row.checksum_value, row.checksum_type));
  out.Metadata = metadataOutput(row);
  return Object.assign(out, encryptionOutput(parseEncryption(row.encryption)));
}

/** The user metadata a read answers with: each value as stored, RFC 2047 encoded past ASCII (domain/mail-safe.ts). */
export function metadataOutput(row: Pick<ObjectRow, "metadata">): Record<string, string> {
  if (row.metadata === "{}") return {};
  const metadata = JSON.parse(row.metadata) as Record<string, string>;
  for (const name in metadata) metadata[name] = mailSafe(metadata[name] as string);
  return metadata;
}

/**
 * The VersionId a write answers with (PutObject, POST, CompleteMultipartUpload; CopyObject
 * outside a Suspended bucket): none for the null version, which an unversioned or Suspended bucket writes. S3 sends no
 * x-amz-version-id for it (the PutObject API reference's "Versioning suspended" sample response;
 * versity/versitygw#2164), though reads and listings name it "null".
 */
export function writtenVersionId(row: Pick<ObjectRow, "version_id">): { VersionId?: string } {
  return row.version_id === "null" ? {} : { VersionId: row.version_id };
}

/**
 * A stored checksum as the output member the model has for it (ChecksumCRC32, ChecksumCRC64NVME,
 * ChecksumSHA512...), with ChecksumType when the output carries one.
 */
export function checksumMembers(algorithm: string | null, value: string | null, type?: string | null): Record<string, string> {
  if (algorithm === null || value === null || !isChecksumAlgorithm(algorithm)) return {};
  return { [checksumMember(algorithm)]: value, ...(type ? { ChecksumType: type } : {}) };
}

// --- tags ------------------------------------------------------------------------------------

export const MAX_OBJECT_TAGS = 10;
export const MAX_BUCKET_TAGS = 50;

/** InvalidTag, naming the tag at fault: its TagKey, and its TagValue when the value is (LocalStack's AWS-validated test_tagging_validation). */
function invalidTag(message: string, tag?: Tag, withValue = false): AwsError {
  const fields: Record<string, string> = {};
  if (tag !== undefined) fields.TagKey = tag.Key;
  if (tag !== undefined && withValue) fields.TagValue = tag.Value;
  return errors.InvalidTag({ message }, { fields });
}

/**
 * The characters S3 allows in tag keys and values: letters, numbers, spaces and `_ . : / = + - @`
 * (S3Tag's pattern, https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_S3Tag.html; "Key1,Key2"
 * and "Val1,Val2" are InvalidTag in LocalStack's AWS-validated test_tagging_validation).
 */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/**
 * Checks a tag set against S3's limits: count, key 128 and value 256 characters, no key in the
 * reserved `aws:` prefix, unique keys. Objects and buckets answer differently (AWS, in moto's
 * AWS-verified tests and in captured SDK errors): too many object tags is 400 BadRequest, too many
 * bucket tags InvalidTag; a reserved key is "Your TagKey cannot be prefixed with aws:" on an
 * object and "System tags cannot be added/updated by requester" on a bucket.
 */
export function validateTags(tags: readonly Tag[], max: number): void {
  const onObject = max === MAX_OBJECT_TAGS;
  if (tags.length > max) {
    throw onObject ? s3DomainErrors.BadRequest({ message: "Object tags cannot be greater than 10" }) : invalidTag("Bucket tag count cannot be greater than 50");
  }
  const seen = new Set<string>();
  for (const tag of tags) {
    if (tag.Key.length === 0 || tag.Key.length > 128 || !TAG_TEXT.test(tag.Key)) throw invalidTag("The TagKey you have provided is invalid", tag);
    if (tag.Value.length > 256 || !TAG_TEXT.test(tag.Value)) throw invalidTag("The TagValue you have provided is invalid", tag, true);
    if (tag.Key.startsWith("aws:")) {
      throw invalidTag(onObject ? "Your TagKey cannot be prefixed with aws:" : "System tags cannot be added/updated by requester", tag);
    }
    if (seen.has(tag.Key)) throw invalidTag("Cannot provide multiple Tags with the same key", tag);
    seen.add(tag.Key);
  }
}

/**
 * The x-amz-tagging header as sent holds tag characters, `&` and percent-escapes: a character no
 * tag may hold left unescaped ('key1=val1,key2=val2') makes the header malformed, while escaped
 * ('k=a%2Cb') it is the tag's InvalidTag (LocalStack's AWS-validated test_object_tagging_exc,
 * put-obj-wrong-format; gardenlinux/gardenlinux#3720 for an escaped comma).
 */
const TAGGING_HEADER_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@%&]*$/u;

/** The header's InvalidArgument names it and its value (test_object_tagging_exc: put-obj-duplicate-tagging). */
function malformedTaggingHeader(header: string): AwsError {
  return invalidArgument("The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.", "x-amz-tagging", header);
}

/**
 * The x-amz-tagging header: a URL query string (`a=1&b=2`). A key given twice or an empty key
 * (`=`) is not InvalidTag here but S3's InvalidArgument about the header's form (its answer to
 * `--tagging 'a=&a='` and `'='` in open-io/swift3#92, aws/aws-cli#2841 and versity/versitygw#1215);
 * `key`, `&` and `key=` are well formed (versity/versitygw#1216).
 */
export function parseTaggingHeader(header: string | undefined): Tag[] {
  if (header === undefined || header === "") return [];
  if (!TAGGING_HEADER_TEXT.test(header)) throw malformedTaggingHeader(header);
  const tags: Tag[] = [];
  const seen = new Set<string>();
  for (const [Key, Value] of new URLSearchParams(header)) {
    if (Key === "" || seen.has(Key)) throw malformedTaggingHeader(header);
    seen.add(Key);
    tags.push({ Key, Value });
  }
  validateTags(tags, MAX_OBJECT_TAGS);
  return tags;
}

export function utcSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
