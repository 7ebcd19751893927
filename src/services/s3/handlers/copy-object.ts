import type { CopyObjectInput, CopyObjectOutput } from "../../../generated/s3.js";
import { DEFAULT_CHECKSUM_ALGORITHM, digestOf } from "../domain/checksums.js";
import { evaluateCopySourceConditions, evaluateWriteConditions, validateWriteConditions, writeConditions } from "../domain/conditions.js";
import { digestBlob, requestedAlgorithm } from "../ingest.js";
import { parseCopySource } from "../copy-source.js";
import { invalidArgument, invalidRequest, noSuchKey } from "../errors.js";
import type { S3Context } from "../index.js";
import { requestedObjectAcl } from "../access.js";
import { assertReadable } from "../restore.js";
import { checkCopySourceKey, encryptionOutput, parseEncryption, resolveEncryption } from "../encryption.js";
import { emitObjectEvent } from "../notify.js";
import { markPending } from "../replication.js";
import { checksumMembers, contentHeaders, parseTaggingHeader, readableVersion, requireBucket, utcSeconds, validateKey, validateStorageClass } from "../objects.js";
import type { ObjectHeaders, ObjectRow } from "../store.js";
import { applyWriteLock, resolveWriteLock } from "../object-lock.js";

function sourceVersion(ctx: S3Context, bucketName: string, key: string, versionId: string | undefined): ObjectRow {
  const bucket = requireBucket(ctx, bucketName);
  if (versionId !== undefined) {
    const row = ctx.store.version(bucket.name, key, versionId);
    if (row?.delete_marker) throw invalidRequest("The source of a copy request may not specifically refer to a delete marker by version id.");
  }
  try {
    return readableVersion(ctx, bucket, key, versionId);
  } catch (err) {
    // A delete marker as the current source version is simply "no such key" for a copy.
    if (versionId === undefined) throw noSuchKey(key);
    throw err;
  }
}

/**
 * The checksum a copy gets: its source's, unless the request names another algorithm
 * (x-amz-checksum-algorithm) or the source has none (written before S3 added its default
 * CRC64NVME); then the copy's bytes are hashed, as S3 recalculates them, into a FULL_OBJECT value.
 */
type ChecksumColumns = Pick<ObjectRow, "checksum_algorithm" | "checksum_value" | "checksum_type" | "part_checksums">;

async function copyChecksum(ctx: S3Context, input: CopyObjectInput, source: ObjectRow): Promise<ChecksumColumns | undefined> {
  const requested = requestedAlgorithm(input.ChecksumAlgorithm);
  const keepsSource = requested === undefined ? source.checksum_algorithm !== null : requested === source.checksum_algorithm && source.checksum_type === "FULL_OBJECT";
  if (keepsSource) return undefined;
  const algorithm = requested ?? DEFAULT_CHECKSUM_ALGORITHM;
  const digest = source.blob_id === null || source.size === 0 ? await digestOf(algorithm, Buffer.alloc(0)) : await digestBlob(ctx.store.blobs, source.blob_id, algorithm);
  return { checksum_algorithm: algorithm, checksum_value: digest.toString("base64"), checksum_type: "FULL_OBJECT", part_checksums: null };
}

export async function copyObject(input: CopyObjectInput, ctx: S3Context): Promise<CopyObjectOutput> {
  const target = requireBucket(ctx, input.Bucket);
  validateKey(input.Key);
  const src = parseCopySource(input.CopySource);
  // If-Match / If-None-Match are about the destination key, as on PutObject; x-amz-copy-source-if-* about the source.
  const conditions = writeConditions(input);
  validateWriteConditions(conditions);
  const source = sourceVersion(ctx, src.bucket, src.key, src.versionId);
  assertReadable(source, ctx.clock.now());
  checkCopySourceKey(parseEncryption(source.encryption), input);
  const encryption = resolveEncryption(input, ctx.store.config(target.name, "encryption"), ctx);
  evaluateCopySourceConditions(
    {
      ...{}, ...(input.CopySourceIfMatch !== undefined ? { ifMatch: input.CopySourceIfMatch } : {}),
      ...(input.CopySourceIfNoneMatch !== undefined ? { ifNoneMatch: input.CopySourceIfNoneMatch } : {}),
      ...(input.CopySourceIfModifiedSince !== undefined ? { ifModifiedSince: input.CopySourceIfModifiedSince.toUTCString() } : {}),
      ...(input.CopySourceIfUnmodifiedSince !== undefined ? { ifUnmodifiedSince: input.CopySourceIfUnmodifiedSince.toUTCString() } : {}),
    },
    { etag: source.etag, lastModified: source.last_modified },
  );
  const metadataDirective = input.MetadataDirective ?? "COPY";
  if (metadataDirective !== "COPY" && metadataDirective !== "REPLACE") {
    throw invalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", metadataDirective);
  }
  const taggingDirective = input.TaggingDirective ?? "COPY";
  if (taggingDirective !== "COPY" && taggingDirective !== "REPLACE") {
    throw invalidArgument("Unknown tagging directive.", "x-amz-tagging-directive", taggingDirective);
  }
  const sameObject = src.bucket === input.Bucket && src.key === input.Key && src.versionId === undefined;
  const storageClass = input.StorageClass !== undefined ? validateStorageClass(input.StorageClass) : undefined;
  if (sameObject && metadataDirective === "COPY" && storageClass === undefined && input.WebsiteRedirectLocation === undefined && input.ServerSideEncryption === undefined && input.SSECustomerAlgorithm === undefined) {
    throw invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  // A copy does not keep the source ACL: it gets the one the request names (or the default).
  const acl = requestedObjectAcl(ctx, target, input);
  // A copy does not keep the source's lock either: the request's lock headers or the target's default retention.
  const lock = resolveWriteLock(ctx.store, target, input, ctx.clock.now());
  const tags = taggingDirective === "REPLACE" ? JSON.stringify(parseTaggingHeader(input.Tagging)) : source.tags;
  const headers: ObjectHeaders =
    metadataDirective === "REPLACE"
      ? { ...{}, ...contentHeaders(input, input.ContentEncoding, []), tags }
      : {
          content_type: source.content_type,
          content_encoding: source.content_encoding,
          content_disposition: source.content_disposition,
          content_language: source.content_language,
          cache_control: source.cache_control,
          expires: source.expires,
          website_redirect: input.WebsiteRedirectLocation ?? source.website_redirect,
          metadata: source.metadata,
          tags,
          storage_class: storageClass ?? "STANDARD",
        };
  if (metadataDirective === "REPLACE" && storageClass === undefined) headers.storage_class = "STANDARD";
  const recomputed = await copyChecksum(ctx, input, source);
  // Bodies are content-addressed: the copy is one more reference to the same blob.
  const row = ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    const again = sourceVersion(ctx, src.bucket, src.key, src.versionId);
    if (conditions.ifNoneMatch !== undefined || conditions.ifMatch !== undefined) {
      const latest = ctx.store.latest(bucket.name, input.Key);
      evaluateWriteConditions(conditions, latest && !latest.delete_marker ? { etag: latest.etag } : undefined, input.Key);
    }
    // A checksum computed before the transaction is the copy's only if the source kept its bytes meanwhile.
    const checksum: ChecksumColumns = recomputed && again.blob_id === source.blob_id ? recomputed : again;
    const written = ctx.store.putVersion(bucket, input.Key, {
      ...{}, ...headers,
      delete_marker: 0,
      blob_id: again.blob_id,
      size: again.size,
      etag: again.etag,
      last_modified: utcSeconds(ctx.clock.now()),
      checksum_algorithm: checksum.checksum_algorithm,
      checksum_value: checksum.checksum_value,
      checksum_type: checksum.checksum_type,
      parts_count: again.parts_count,
      part_sizes: again.part_sizes,
      part_checksums: checksum.part_checksums,
      acl,
      encryption: JSON.stringify(encryption),
      owner_account: ctx.account,
    });
    applyWriteLock(ctx.store, written.seq, lock);
    markPending(ctx.store, bucket, written);
    return written;
  });
  emitObjectEvent(ctx, target, "s3:ObjectCreated:Copy", { key: row.key, size: row.size, eTag: row.etag, versionId: row.version_id });
  const sourceBucket = ctx.store.bucket(src.bucket);
  return {
    CopyObjectResult: { ETag: row.etag, LastModified: new Date(row.last_modified), ...checksumMembers(row.checksum_algorithm, row.checksum_value, row.checksum_type) },
    ...(sourceBucket?.versioning !== null && sourceBucket?.versioning !== undefined ? { CopySourceVersionId: source.version_id } : {}),
    ...(target.versioning !== null ? { VersionId: row.version_id } : {}),
    ...encryptionOutput(encryption),
  };
}
