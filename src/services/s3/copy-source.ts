import { isVersionIdShaped } from "./domain/version-ids.js";
import { errors, invalidArgument, invalidRequest } from "./errors.js";
import type { S3Context } from "./index.js";
import { decodeS3Path, emptyVersionId, readableVersion } from "./objects.js";
import type { BucketRow, ObjectRow } from "./store.js";

/** The most a copy reads from its source in one request: a CopyObject's whole source, an UploadPartCopy's part (5 GiB). */
export const MAX_COPY_SOURCE_SIZE = 5 * 1024 ** 3;

/** Throws InvalidRequest when a copy would read more than 5 GiB of its source; larger objects are copied part by part with UploadPartCopy ranges. */
export function checkCopySourceSize(bytes: number): void {
  if (bytes > MAX_COPY_SOURCE_SIZE) throw errors.CopySourceTooLarge();
}

/** x-amz-copy-source: `bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=`. */
export function parseCopySource(value: string): { bucket: string; key: string; versionId?: string } {
  const q = value.indexOf("?");
  const path = q === -1 ? value : value.slice(0, q);
  const query = q === -1 ? undefined : new URLSearchParams(value.slice(q + 1));
  let decoded: string;
  try {
    decoded = decodeS3Path(path);
  } catch {
    throw invalidArgument("Invalid copy source encoding", "x-amz-copy-source", value);
  }
  if (decoded.startsWith("/")) decoded = decoded.slice(1);
  const slash = decoded.indexOf("/");
  // S3 names the part that is missing: no bucket ('') is "Invalid copy source bucket name", a
  // bucket without a key ('bucket', 'bucket/') "Invalid copy source object key" (AWS CLI answers
  // quoted in versity/versitygw#1388 and #1389).
  if (decoded === "" || slash === 0) throw invalidArgument("Invalid copy source bucket name", "x-amz-copy-source", value);
  if (slash === -1 || slash === decoded.length - 1) throw invalidArgument("Invalid copy source object key", "x-amz-copy-source", value);
  const versionId = query?.get("versionId") ?? undefined;
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1), ...(versionId !== undefined ? { versionId } : {}) };
}

/**
 * The version a copy (CopyObject, UploadPartCopy) reads. A delete marker named by its version id
 * is InvalidRequest; one that is the current version is "no such key", with the
 * x-amz-delete-marker and x-amz-version-id a read of the key answers (scality/cloudserver's
 * part-copy versioning tests; AWS's answers to both operations recorded against
 * s3.us-east-1.amazonaws.com in a published "S3 Compliance: Versioning Mix" log).
 */
export function copySourceVersion(ctx: S3Context, bucket: BucketRow, key: string, versionId: string | undefined, operation: CopyOperation): ObjectRow {
  if (versionId !== undefined) {
    checkCopySourceVersionId(versionId, operation);
    const row = ctx.store.version(bucket.name, key, versionId);
    if (row?.delete_marker) throw invalidRequest("The source of a copy request may not specifically refer to a delete marker by version id.");
  }
  return readableVersion(ctx, bucket, key, versionId);
}

type CopyOperation = "CopyObject" | "UploadPartCopy";

/**
 * A copy source's ?versionId= that no version could have, refused as the header at fault: empty,
 * "Version id cannot be the empty string"; malformed, "Invalid version id specified" from
 * UploadPartCopy but a bare InvalidRequest "Invalid Request" from CopyObject (the same log).
 */
function checkCopySourceVersionId(versionId: string, operation: CopyOperation): void {
  if (versionId === "") throw emptyVersionId("x-amz-copy-source");
  if (isVersionIdShaped(versionId)) return;
  throw operation === "CopyObject" ? invalidRequest("Invalid Request") : invalidArgument("Invalid version id specified", "x-amz-copy-source", versionId);
}
