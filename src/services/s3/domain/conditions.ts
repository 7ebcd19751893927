/**
 * Byte ranges and conditional requests, as S3 evaluates them.
 *
 * Ranges (GetObject / HeadObject `Range`): one range of the forms `bytes=a-b`, `bytes=a-`,
 * `bytes=-n`. "Amazon S3 doesn't support retrieving multiple ranges of data per GET request":
 * several ranges, or a header S3 cannot parse (`bytes=5-4`, `bytes=x-y`, another unit), are
 * ignored and the whole object is answered with 200. A range that starts at or past the end is
 * 416 InvalidRange with RangeRequested / ActualObjectSize, including any range on an empty
 * object, except a suffix range, which RFC 9110 calls satisfiable: on an empty object S3 then
 * answers the (empty) whole object.
 *
 * Reads (GetObject / HeadObject): RFC 7232 §6 order, which is what the two combinations AWS
 * documents imply: If-Match decides over If-Unmodified-Since (true + false -> 200) and
 * If-None-Match over If-Modified-Since (false + true -> 304). Failures are 412
 * PreconditionFailed with <Condition> naming the header, or 304. Dates compare at whole
 * seconds, the resolution of HTTP dates and of Last-Modified; an unparseable date is ignored,
 * and so is an If-Modified-Since later than now (RFC 7232 §3.3 calls it invalid), for reads as
 * for copy sources.
 *
 * Writes (PutObject, CompleteMultipartUpload, CopyObject destination): If-None-Match: * fails
 * 412 when a current version exists (a delete marker counts as none); If-Match: <etag> is 404
 * NoSuchKey when there is none and 412 when the ETag differs. The store must evaluate them at
 * commit time and answer 409 ConditionalRequestConflict when a concurrent change wins.
 */
import type { AwsError } from "../../../core/errors.js";
import { normalizeETag } from "./checksums.js";
import { invalidArgument, invalidRequest, s3DomainErrors } from "./errors.js";

// ---------------------------------------------------------------------------------------------
// Ranges

export type RangeResolution =
  | { readonly kind: "full" }
  | {
      readonly kind: "partial";
      /** First byte, inclusive. */
      readonly start: number;
      /** Last byte, inclusive. */
      readonly end: number;
      readonly length: number;
      /** The Content-Range header value, e.g. `bytes 0-9/443`. */
      readonly contentRange: string;
    };

type ParsedRange = { readonly first: number; readonly last?: number } | { readonly suffix: number };

/** Parses a single `bytes=` range; undefined when S3 would ignore the header. */
function parseSingleRange(header: string): ParsedRange | undefined {
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return undefined;
  const spec = (match[1] as string).trim();
  if (spec.includes(",")) return undefined;
  const m = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
  if (!m) return undefined;
  const [, a = "", b = ""] = m;
  if (a === "" && b === "") return undefined;
  if (a === "") return { suffix: Number(b) };
  const first = Number(a);
  if (b === "") return { first };
  const last = Number(b);
  if (last < first) return undefined;
  return { first, last };
}

function unsatisfiable(header: string, size: number): AwsError {
  return s3DomainErrors.InvalidRange(
    {},
    { fields: { RangeRequested: header, ActualObjectSize: size }, headers: { "Content-Range": `bytes */${size}` } },
  );
}

/** Resolves a Range header against an object of `size` bytes; throws 416 InvalidRange. */
export function resolveRange(header: string | undefined, size: number): RangeResolution {
  if (header === undefined || header.trim() === "") return { kind: "full" };
  const parsed = parseSingleRange(header);
  if (!parsed) return { kind: "full" };
  let start: number;
  let end: number;
  if ("suffix" in parsed) {
    if (parsed.suffix === 0) throw unsatisfiable(header, size);
    if (size === 0) return { kind: "full" };
    start = Math.max(0, size - parsed.suffix);
    end = size - 1;
  } else {
    if (parsed.first >= size) throw unsatisfiable(header, size);
    start = parsed.first;
    end = parsed.last === undefined ? size - 1 : Math.min(parsed.last, size - 1);
  }
  return { kind: "partial", start, end, length: end - start + 1, contentRange: `bytes ${start}-${end}/${size}` };
}

/**
 * Parses UploadPartCopy's x-amz-copy-source-range, which is stricter than Range: exactly
 * `bytes=first-last`, inside the source.
 */
export function resolveCopySourceRange(header: string, sourceSize: number): { start: number; end: number; length: number } {
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  const first = m ? Number(m[1]) : NaN;
  const last = m ? Number(m[2]) : NaN;
  if (!m || last < first) {
    throw invalidArgument(
      "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
      "x-amz-copy-source-range",
      header,
    );
  }
  // A range starting past the source is InvalidRequest, one running past its end InvalidArgument
  // (LocalStack's AWS-validated test_upload_part_copy_range: upload-part-copy-range-exc-100-200, -0-100).
  if (first >= sourceSize) throw invalidRequest("The specified copy range is invalid for the source object size");
  if (last >= sourceSize) {
    throw invalidArgument(`Range specified is not valid for source object of size: ${sourceSize}`, "x-amz-copy-source-range", header);
  }
  return { start: first, end: last, length: last - first + 1 };
}

// ---------------------------------------------------------------------------------------------
// ETags and dates

/**
 * Parses an If-Match / If-None-Match list: `*`, or comma-separated (weak or strong) ETags. S3
 * takes an ETag without its quotes, and also with only one of them (`abc"` or `"abc`): moto's
 * AWS-verified tests/test_s3/test_s3_conditionals.py::test_put_object_if_match writes with
 * IfMatch=etag[1:].
 */
export function parseETagList(value: string): "*" | string[] {
  const trimmed = value.trim();
  if (trimmed === "*") return "*";
  return trimmed
    .split(",")
    .map((e) => normalizeETag(e).replace(/^"|"$/g, ""))
    .filter((e) => e.length > 0);
}

/** True when the header's list names the object's ETag (or is `*`). */
export function etagMatches(headerValue: string, etag: string): boolean {
  const list = parseETagList(headerValue);
  if (list === "*") return true;
  const own = normalizeETag(etag);
  return list.includes(own);
}

/** An HTTP date (IMF-fixdate, RFC 850 or asctime) in epoch ms; undefined when unparseable. */
export function parseHttpDate(value: string): number | undefined {
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

// ---------------------------------------------------------------------------------------------
// Conditional reads

export interface ObjectValidators {
  readonly etag: string;
  /** Last-Modified, epoch ms. */
  readonly lastModified: number;
}

export interface ReadConditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  readonly ifModifiedSince?: string;
  readonly ifUnmodifiedSince?: string;
}

export function preconditionFailed(condition: string): AwsError {
  return s3DomainErrors.PreconditionFailed({}, { fields: { Condition: condition } });
}

/**
 * Evaluates GetObject / HeadObject conditions. Returns "proceed" (200/206) or "not-modified"
 * (304: no body; ETag and Last-Modified still sent); throws 412 PreconditionFailed. An
 * If-Modified-Since in the future is ignored: AWS answers 200 (LocalStack's AWS-validated
 * test_s3_get_object_preconditions, obj-ignore-future-modified-since, GET and HEAD).
 */
export function evaluateReadConditions(conditions: ReadConditions, object: ObjectValidators, now: number): "proceed" | "not-modified" {
  const modified = seconds(object.lastModified);
  if (conditions.ifMatch !== undefined) {
    if (!etagMatches(conditions.ifMatch, object.etag)) throw preconditionFailed("If-Match");
  } else if (conditions.ifUnmodifiedSince !== undefined) {
    const date = parseHttpDate(conditions.ifUnmodifiedSince);
    if (date !== undefined && modified > seconds(date)) throw preconditionFailed("If-Unmodified-Since");
  }
  if (conditions.ifNoneMatch !== undefined) {
    if (etagMatches(conditions.ifNoneMatch, object.etag)) return "not-modified";
  } else if (conditions.ifModifiedSince !== undefined) {
    const date = parseHttpDate(conditions.ifModifiedSince);
    if (date !== undefined && date <= now && modified <= seconds(date)) return "not-modified";
  }
  return "proceed";
}

// ---------------------------------------------------------------------------------------------
// Copy-source conditions

export interface CopySourceConditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  readonly ifModifiedSince?: string;
  readonly ifUnmodifiedSince?: string;
}

/**
 * Evaluates x-amz-copy-source-if-* against the source object, in the order of a read, except
 * that every failure is 412 (a copy never answers 304). AWS documents the two combinations:
 * if-match true + if-unmodified-since false copies; if-none-match false + if-modified-since
 * true is 412. An if-modified-since later than now is ignored, as RFC 7232 §3.3 calls such a
 * date invalid: AWS copies then (LocalStack's AWS-validated test_s3_copy_object_preconditions,
 * copy-ignore-future-modified-since).
 */
export function evaluateCopySourceConditions(conditions: CopySourceConditions, source: ObjectValidators, now: number): void {
  const modified = seconds(source.lastModified);
  if (conditions.ifMatch !== undefined) {
    if (!etagMatches(conditions.ifMatch, source.etag)) throw preconditionFailed("x-amz-copy-source-If-Match");
  } else if (conditions.ifUnmodifiedSince !== undefined) {
    const date = parseHttpDate(conditions.ifUnmodifiedSince);
    if (date !== undefined && modified > seconds(date)) throw preconditionFailed("x-amz-copy-source-If-Unmodified-Since");
  }
  if (conditions.ifNoneMatch !== undefined) {
    if (etagMatches(conditions.ifNoneMatch, source.etag)) throw preconditionFailed("x-amz-copy-source-If-None-Match");
  } else if (conditions.ifModifiedSince !== undefined) {
    const date = parseHttpDate(conditions.ifModifiedSince);
    if (date !== undefined && date <= now && modified <= seconds(date)) throw preconditionFailed("x-amz-copy-source-If-Modified-Since");
  }
}

// ---------------------------------------------------------------------------------------------
// Conditional writes and deletes

export interface WriteConditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
}

/** The key's current version as a conditional write sees it; a delete marker counts as none. */
export type CurrentVersion = { readonly etag: string } | undefined;

function notImplementedHeader(header: string, additionalMessage: string): AwsError {
  return s3DomainErrors.HeaderNotImplemented({}, { fields: { Header: header, additionalMessage } });
}

/** The If-Match / If-None-Match headers of a write request (PutObject, CompleteMultipartUpload). */
export function writeConditions(input: { readonly IfMatch?: string; readonly IfNoneMatch?: string }): WriteConditions {
  return { ...{}, ...(input.IfMatch !== undefined ? { ifMatch: input.IfMatch } : {}), ...(input.IfNoneMatch !== undefined ? { ifNoneMatch: input.IfNoneMatch } : {}) };
}

/**
 * Checks the form of If-Match / If-None-Match on a write before any data is read: one of them
 * at most, If-None-Match only as `*`, If-Match only as an ETag.
 */
export function validateWriteConditions(conditions: WriteConditions): void {
  if (conditions.ifMatch !== undefined && conditions.ifNoneMatch !== undefined) {
    throw notImplementedHeader("If-Match,If-None-Match", "Multiple conditional request headers present in the request");
  }
  if (conditions.ifNoneMatch !== undefined && conditions.ifNoneMatch.trim() !== "*") {
    throw notImplementedHeader("If-None-Match", "We don't accept the provided value of If-None-Match header for this API");
  }
  if (conditions.ifMatch !== undefined && conditions.ifMatch.trim() === "*") {
    throw notImplementedHeader("If-Match", "We don't accept the provided value of If-Match header for this API");
  }
}

/**
 * Evaluates write conditions against the key's current version, at commit time. Throws 412
 * PreconditionFailed (Condition), or 404 NoSuchKey (Key) for If-Match on a missing object.
 */
export function evaluateWriteConditions(conditions: WriteConditions, current: CurrentVersion, key: string): void {
  validateWriteConditions(conditions);
  if (conditions.ifNoneMatch !== undefined && current !== undefined) throw preconditionFailed("If-None-Match");
  if (conditions.ifMatch !== undefined) {
    if (current === undefined) throw s3DomainErrors.NoSuchKey({}, { fields: { Key: key } });
    if (!etagMatches(conditions.ifMatch, current.etag)) throw preconditionFailed("If-Match");
  }
}

/** The 409 a store answers when a concurrent write or delete changed the key mid-request. */
export function conditionalRequestConflict(condition: "If-Match" | "If-None-Match", key: string): AwsError {
  return s3DomainErrors.ConditionalRequestConflict({}, { fields: { Condition: condition, Key: key } });
}

/** The key's current version for a conditional delete: an object, a delete marker, or nothing. */
export type DeleteTarget = { readonly etag: string } | { readonly deleteMarker: true } | undefined;

/**
 * DeleteObject If-Match (`*` or an ETag), on the current version only: a delete marker fails
 * 412 ("the object doesn't exist"), a missing key is 404 NoSuchKey, and a versioned delete
 * (versionId) cannot be conditional.
 */
export function evaluateDeleteCondition(ifMatch: string | undefined, target: DeleteTarget, key: string, versionId?: string): void {
  if (ifMatch === undefined) return;
  if (versionId !== undefined) {
    throw notImplementedHeader(
      "If-Match",
      "Conditional delete operations are not allowed when a version ID is included in the request parameters.",
    );
  }
  if (target === undefined) throw s3DomainErrors.NoSuchKey({}, { fields: { Key: key } });
  if ("deleteMarker" in target) throw preconditionFailed("If-Match");
  if (!etagMatches(ifMatch, target.etag)) throw preconditionFailed("If-Match");
}
