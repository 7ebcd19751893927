import type { GetObjectInput, GetObjectOutput, HeadObjectInput, HeadObjectOutput } from "../../../generated/s3.js";
import { evaluateReadConditions, resolveRange, type RangeResolution, type ReadConditions } from "../domain/conditions.js";
import { isAnonymous } from "../authorization.js";
import { errors, invalidArgument, invalidRequest, sendableHeaderValue } from "../errors.js";
import type { S3Context } from "../index.js";
import { partNumberError } from "../ingest.js";
import { checksumMembers, objectOutput, readableVersion, requireBucket } from "../objects.js";
import type { ObjectRow } from "../store.js";
import { assertReadable, restoreHeader } from "../restore.js";
import { archiveTier, noteReadAccess } from "../intelligent-tiering.js";
import { checkReadKey, parseEncryption } from "../encryption.js";
import { expirationOf } from "../lifecycle-runner.js";
import { lockOutput } from "../object-lock.js";

function readConditions(input: GetObjectInput | HeadObjectInput): ReadConditions {
  return {
    ...{}, ...(input.IfMatch !== undefined ? { ifMatch: input.IfMatch } : {}),
    ...(input.IfNoneMatch !== undefined ? { ifNoneMatch: input.IfNoneMatch } : {}),
    ...(input.IfModifiedSince !== undefined ? { ifModifiedSince: input.IfModifiedSince.toUTCString() } : {}),
    ...(input.IfUnmodifiedSince !== undefined ? { ifUnmodifiedSince: input.IfUnmodifiedSince.toUTCString() } : {}),
  };
}

/** 304 carries the validators and no body. */
function checkConditions(input: GetObjectInput | HeadObjectInput, row: ObjectRow, now: number): void {
  // Most reads are unconditional: nothing to build or evaluate.
  if (input.IfMatch === undefined && input.IfNoneMatch === undefined && input.IfModifiedSince === undefined && input.IfUnmodifiedSince === undefined) return;
  if (evaluateReadConditions(readConditions(input), { etag: row.etag, lastModified: row.last_modified }, now) === "not-modified") {
    throw errors.NotModified({}, { headers: { ETag: row.etag, "Last-Modified": new Date(row.last_modified).toUTCString() } });
  }
}

/** The override members and their query parameters (read on every GET and HEAD: built once). */
const OVERRIDE_PARAMETERS = Object.entries({
  ResponseContentType: "response-content-type",
  ResponseContentLanguage: "response-content-language",
  ResponseContentDisposition: "response-content-disposition",
  ResponseContentEncoding: "response-content-encoding",
  ResponseCacheControl: "response-cache-control",
} as const) as [keyof GetObjectInput & keyof HeadObjectInput, string][];

/** The query parameters S3 overrides a response header by: the members above and response-expires. */
const OVERRIDABLE = new Set([...OVERRIDE_PARAMETERS.map(([, parameter]) => parameter), "response-expires"]);

/**
 * A GetObject or HeadObject query parameter `response-<anything else>` is refused, not ignored: S3's
 * answer quoted in versity/versitygw#2075 (InvalidArgument naming the parameter and its value).
 */
export function checkOverrideParameters(operation: string, query: URLSearchParams): void {
  if (operation !== "GetObject" && operation !== "HeadObject") return;
  for (const [name, value] of query) {
    if (name.startsWith("response-") && !OVERRIDABLE.has(name)) {
      throw invalidArgument(
        `${name} is not in the set of overridable response headers. Please refer to the S3 API documentation for a complete list of overridable response headers.`,
        name,
        value,
      );
    }
  }
}

/**
 * Response header overrides (`response-content-type`...) replace the stored values. S3 sends them
 * in ISO-8859-1, so a value (decoded from the query string as UTF-8) with a character past U+00FF
 * is refused, as one with a control character no header can carry is (sendableHeaderValue).
 */
function overrides(input: GetObjectInput | HeadObjectInput): Partial<GetObjectOutput> {
  // Each member read by name: a read keyed by a variable name (a loop over the members) cost
  // more than the rest of this together.
  const out: Partial<GetObjectOutput> = {};
  if (input.ResponseContentType !== undefined) out.ContentType = sendableHeaderValue(input.ResponseContentType, "response-content-type");
  if (input.ResponseContentLanguage !== undefined) out.ContentLanguage = sendableHeaderValue(input.ResponseContentLanguage, "response-content-language");
  if (input.ResponseContentDisposition !== undefined) out.ContentDisposition = sendableHeaderValue(input.ResponseContentDisposition, "response-content-disposition");
  if (input.ResponseContentEncoding !== undefined) out.ContentEncoding = sendableHeaderValue(input.ResponseContentEncoding, "response-content-encoding");
  if (input.ResponseCacheControl !== undefined) out.CacheControl = sendableHeaderValue(input.ResponseCacheControl, "response-cache-control");
  // The stored Expires is answered as ExpiresString (protocol/model-patches.ts), which this
  // replaces with response-expires as it was sent (a model patch too: S3 echoes it verbatim).
  const expires = (input as { readonly ResponseExpiresString?: string }).ResponseExpiresString;
  if (expires !== undefined) out.ExpiresString = sendableHeaderValue(expires, "response-expires");
  return out;
}

interface Selection {
  readonly range: RangeResolution;
  /** x-amz-mp-parts-count, answered when a part of a multipart object is asked for. */
  readonly partsCount?: number;
  /** The part of a multipart object asked for, counted from 1. */
  readonly partNumber?: number;
}

/**
 * What bytes a read asks for: a Range, or a part (`partNumber`) of the object as it was
 * uploaded. A single-part object has exactly one part, the whole object, which S3 still answers
 * as a range (206 with `Content-Range: bytes 0-<size-1>/<size>`, no x-amz-mp-parts-count), except
 * for an empty object, where there is no byte to name: S3 answers partNumber=1 of one with 200 and no
 * Content-Range (aws/aws-sdk-java-v2#6641 and #6952, which read empty objects by part).
 */
function select(input: GetObjectInput | HeadObjectInput, row: ObjectRow): Selection {
  if (input.PartNumber === undefined) return { range: resolveRange(input.Range, row.size) };
  if (input.Range !== undefined) throw invalidRequest("Cannot specify both Range header and partNumber query parameter");
  if (!Number.isInteger(input.PartNumber) || input.PartNumber < 1 || input.PartNumber > 10_000) throw partNumberError(input.PartNumber);
  const sizes = row.part_sizes !== null ? (JSON.parse(row.part_sizes) as number[]) : [row.size];
  if (input.PartNumber > sizes.length) {
    throw errors.InvalidPartNumber({}, { fields: { PartNumberRequested: input.PartNumber, ActualPartCount: sizes.length } });
  }
  if (row.part_sizes === null) return { range: row.size === 0 ? { kind: "full" } : resolveRange("bytes=0-", row.size) };
  // An empty multipart object (one empty part) has no byte to name either: 200 with no Content-Range.
  if (row.size === 0) return { range: { kind: "full" }, partsCount: sizes.length, partNumber: input.PartNumber };
  const start = sizes.slice(0, input.PartNumber - 1).reduce((a, b) => a + b, 0);
  const length = sizes[input.PartNumber - 1] ?? 0;
  const end = start + length - 1;
  return { range: { kind: "partial", start, end, length, contentRange: `bytes ${start}-${end}/${row.size}` }, partsCount: sizes.length, partNumber: input.PartNumber };
}

/**
 * Whether x-amz-checksum-mode asks for checksums. ENABLED is its one value, in any case: S3
 * takes `enabled` too (a LocalStack maintainer's finding checked against AWS in
 * localstack/localstack#8695; an AWS SDK for Java client sends it lower-case,
 * versity/versitygw#1527), and refuses anything else (OpenStack Swift's s3api checksum tests,
 * run against AWS: 'INVALID' gets the bare 400 on a HEAD).
 */
function checksumModeEnabled(input: GetObjectInput | HeadObjectInput): boolean {
  if (input.ChecksumMode === undefined) return false;
  if (input.ChecksumMode.toUpperCase() !== "ENABLED") throw invalidRequest("Value for x-amz-checksum-mode header is invalid.");
  return true;
}

/**
 * The checksum a read of one part of a multipart object answers: that part's own checksum when
 * the object's checksum is built from its parts' (COMPOSITE), or is the one part's (a FULL_OBJECT
 * upload of one part); none for a part of a FULL_OBJECT upload of several parts, whose checksum
 * covers no single part (LocalStack's AWS-validated snapshots, localstack/localstack#12842).
 * Nothing unless checksum mode is on and a part was asked for.
 */
function partChecksum(input: GetObjectInput | HeadObjectInput, row: ObjectRow, partNumber: number | undefined): Record<string, string> {
  if (!checksumModeEnabled(input) || partNumber === undefined || row.part_checksums === null || row.parts_count === null) return {};
  if (row.checksum_type !== "COMPOSITE" && row.parts_count !== 1) return {};
  const checksums = JSON.parse(row.part_checksums) as (string | null)[];
  return checksumMembers(row.checksum_algorithm, checksums[partNumber - 1] ?? null, row.checksum_type);
}

/**
 * Whether a read answers the object's checksum (with checksum mode on): a read of all of it,
 * a Range that takes in every byte included (a 206 that still carries x-amz-checksum-* and
 * x-amz-checksum-type), but not a Range over less, as S3 answers in OpenStack Swift's s3api
 * checksum tests run against AWS (test_full_content_range, test_partial_content_range, for GET
 * and HEAD alike). A part of a multipart object answers its part's checksum instead.
 */
function answersWholeChecksum(input: GetObjectInput | HeadObjectInput, row: ObjectRow, selection: Selection): boolean {
  if (!checksumModeEnabled(input) || selection.partNumber !== undefined) return false;
  const { range } = selection;
  return range.kind === "full" || (range.start === 0 && range.length === row.size);
}

/** The read's one instant: its conditions, restore state and access are judged at the same time. */
function locate(input: GetObjectInput | HeadObjectInput, ctx: S3Context, method: string) {
  checksumModeEnabled(input);
  const overridden = overrides(input);
  // Overrides need a signed request (Authorization header or presigned URL).
  if (Object.keys(overridden).length > 0 && isAnonymous(ctx)) throw errors.AnonymousResponseOverrides();
  const bucket = requireBucket(ctx, input.Bucket);
  const row = readableVersion(ctx, bucket, input.Key, input.VersionId, method);
  checkReadKey(parseEncryption(row.encryption), input);
  const now = ctx.clock.now();
  checkConditions(input, row, now);
  // Headers of the version's state beyond its content: restore, lifecycle expiry, Object Lock.
  // x-amz-expiration only for a read without a version id: AWS leaves it out for a version named by
  // id, the current one too (LocalStack's AWS-validated
  // test_bucket_lifecycle_configuration_object_expiry_versioned snapshot).
  const restore: Partial<GetObjectOutput & HeadObjectOutput> = {};
  const restoring = restoreHeader(row, now);
  if (restoring !== undefined) restore.Restore = restoring;
  if (input.VersionId === undefined) Object.assign(restore, expirationOf(ctx.store, bucket, row));
  Object.assign(restore, lockOutput(ctx.store, bucket, row));
  return { bucket, row, now, selection: select(input, row), overrides: overridden, restore };
}

export function getObject(input: GetObjectInput, ctx: S3Context): GetObjectOutput {
  const located = locate(input, ctx, "GET");
  const { bucket, row, selection, now } = located;
  assertReadable(ctx.store, row, now);
  noteReadAccess(ctx.store, row, now);
  const { range } = selection;
  const out: GetObjectOutput = objectOutput(row, bucket, answersWholeChecksum(input, row, selection));
  Object.assign(out, partChecksum(input, row, selection.partNumber), located.overrides, located.restore);
  if (selection.partsCount !== undefined) out.PartsCount = selection.partsCount;
  const blobId = row.blob_id ?? "";
  if (range.kind === "partial") {
    // Content-Range makes the response a 206 (responseStatus in the service definition).
    out.Body = range.length > 0 ? ctx.store.blobs.read(blobId, row.size, { start: range.start, end: range.end }) : Buffer.alloc(0);
    out.ContentLength = range.length;
    out.ContentRange = range.contentRange;
    return out;
  }
  out.Body = ctx.store.blobs.read(blobId, row.size);
  return out;
}

/**
 * x-amz-archive-status: "If an object is stored using the S3 Intelligent-Tiering storage class and
 * is in one of the archive tiers, the HEAD object response shows the current archive tier" (Managing
 * S3 Intelligent-Tiering), during its restore too (that page's sample response). HEAD is no access.
 */
function archiveStatus(ctx: S3Context, row: ObjectRow, now: number): Pick<HeadObjectOutput, "ArchiveStatus"> {
  const tier = archiveTier(ctx.store, row, now);
  return tier !== undefined ? { ArchiveStatus: tier } : {};
}

export function headObject(input: HeadObjectInput, ctx: S3Context): HeadObjectOutput {
  const { bucket, row, selection, restore, now, overrides: overridden } = locate(input, ctx, "HEAD");
  const out = {
    ...{}, ...restore,
    ...archiveStatus(ctx, row, now),
    ...objectOutput(row, bucket, answersWholeChecksum(input, row, selection)),
    ...partChecksum(input, row, selection.partNumber),
    ...overridden,
    ...(selection.partsCount !== undefined ? { PartsCount: selection.partsCount } : {}),
  };
  // A satisfiable Range (or a part) changes only the length and adds Content-Range (a 206, as for GET).
  return selection.range.kind === "partial" ? { ...{}, ...out, ContentLength: selection.range.length, ContentRange: selection.range.contentRange } : out;
}
