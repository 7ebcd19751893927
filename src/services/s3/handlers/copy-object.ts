import type { CopyObjectInput, CopyObjectOutput } from "../../../generated/s3.js";
import { DEFAULT_CHECKSUM_ALGORITHM, digestOf, etagFromMd5, isChecksumAlgorithm, type ChecksumAlgorithm } from "../domain/checksums.js";
import { evaluateCopySourceConditions, evaluateWriteConditions, validateWriteConditions, writeConditions } from "../domain/conditions.js";
import { digestBlob, requestedAlgorithm } from "../ingest.js";
import { checkCopySourceSize, copySourceVersion, parseCopySource } from "../copy-source.js";
import { invalidArgument, invalidRequest } from "../errors.js";
import type { S3Context } from "../index.js";
import { objectWrite } from "../access.js";
import { assertReadable } from "../restore.js";
import { noteAccess } from "../intelligent-tiering.js";
import { checkCopySourceKey, encryptionOutput, etagIsMd5, opaqueETag, parseEncryption, resolveEncryption, type ObjectEncryption } from "../encryption.js";
import { emitObjectEvent } from "../notify.js";
import { markPending } from "../replication.js";
import { expirationOf } from "../lifecycle-runner.js";
import { checksumMembers, contentHeaders, parseTaggingHeader, requireBucket, utcSeconds, validateKey, validateMetadataSize, validateStorageClass, validateWebsiteRedirect, writtenVersionId } from "../objects.js";
import type { ObjectHeaders, ObjectRow } from "../store.js";
import { applyWriteLock, resolveWriteLock } from "../object-lock.js";

/**
 * What a copy's bytes are described by. S3 does a copy "as a single action, regardless of
 * whether the object was uploaded in a single request or as part of a multipart upload. With a
 * copy command, the checksum of the object is a direct checksum of the full object" (user guide,
 * Checking object integrity): the copy of a multipart object has no parts, the MD5 of its bytes as
 * ETag (no `-N`; an opaque one under SSE-KMS or SSE-C, encryption.ts), and a FULL_OBJECT checksum.
 * The source's checksum is kept when it already is one of the whole object in the algorithm
 * wanted; otherwise the copy's bytes are hashed with the algorithm the request names
 * (x-amz-checksum-algorithm), the source's, or S3's default CRC64NVME (for a source written
 * before S3 added it).
 */
type CopiedColumns = Pick<ObjectRow, "etag" | "checksum_algorithm" | "checksum_value" | "checksum_type" | "parts_count" | "part_sizes" | "part_checksums">;

async function copiedColumns(ctx: S3Context, input: CopyObjectInput, source: ObjectRow, encryption: { source: ObjectEncryption; target: ObjectEncryption }): Promise<CopiedColumns> {
  const digest = (algorithm: ChecksumAlgorithm): Promise<Buffer> =>
    source.blob_id === null || source.size === 0 ? digestOf(algorithm, Buffer.alloc(0)) : digestBlob(ctx.store.blobs, source.blob_id, algorithm);
  const requested = requestedAlgorithm(input.ChecksumAlgorithm);
  const sourceAlgorithm = source.checksum_algorithm !== null && isChecksumAlgorithm(source.checksum_algorithm) ? source.checksum_algorithm : undefined;
  const keepsChecksum = sourceAlgorithm !== undefined && source.checksum_type !== "COMPOSITE" && (requested === undefined || requested === sourceAlgorithm);
  const algorithm = requested ?? sourceAlgorithm ?? DEFAULT_CHECKSUM_ALGORITHM;
  return {
    // An SSE-S3 copy has the MD5, which the source's ETag already is when it was one write of SSE-S3 bytes.
    etag: !etagIsMd5(encryption.target) ? opaqueETag() : source.parts_count === null && etagIsMd5(encryption.source) ? source.etag : etagFromMd5(await digest("MD5")),
    ...(keepsChecksum
      ? { checksum_algorithm: source.checksum_algorithm, checksum_value: source.checksum_value, checksum_type: source.checksum_type }
      : { checksum_algorithm: algorithm, checksum_value: (await digest(algorithm)).toString("base64"), checksum_type: "FULL_OBJECT" }),
    parts_count: null,
    part_sizes: null,
    part_checksums: null,
  };
}

export async function copyObject(input: CopyObjectInput, ctx: S3Context): Promise<CopyObjectOutput> {
  const target = requireBucket(ctx, input.Bucket);
  validateKey(input.Key);
  const src = parseCopySource(input.CopySource);
  // If-Match / If-None-Match are about the destination key, as on PutObject; x-amz-copy-source-if-* about the source.
  const conditions = writeConditions(input);
  validateWriteConditions(conditions);
  const source = copySourceVersion(ctx, requireBucket(ctx, src.bucket), src.key, src.versionId, "CopyObject");
  assertReadable(ctx.store, source, ctx.clock.now(), "source");
  checkCopySourceSize(source.size);
  const sourceEncryption = parseEncryption(source.encryption);
  checkCopySourceKey(sourceEncryption, input);
  const bucketEncryption = ctx.store.config<Parameters<typeof resolveEncryption>[1]>(target.name, "encryption");
  const encryption = resolveEncryption(input, bucketEncryption, ctx);
  evaluateCopySourceConditions(
    {
      ...{}, ...(input.CopySourceIfMatch !== undefined ? { ifMatch: input.CopySourceIfMatch } : {}),
      ...(input.CopySourceIfNoneMatch !== undefined ? { ifNoneMatch: input.CopySourceIfNoneMatch } : {}),
      ...(input.CopySourceIfModifiedSince !== undefined ? { ifModifiedSince: input.CopySourceIfModifiedSince.toUTCString() } : {}),
      ...(input.CopySourceIfUnmodifiedSince !== undefined ? { ifUnmodifiedSince: input.CopySourceIfUnmodifiedSince.toUTCString() } : {}),
    },
    { etag: source.etag, lastModified: source.last_modified },
    ctx.clock.now(),
  );
  const metadataDirective = input.MetadataDirective ?? "COPY";
  if (metadataDirective !== "COPY" && metadataDirective !== "REPLACE") {
    throw invalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", metadataDirective);
  }
  const taggingDirective = input.TaggingDirective ?? "COPY";
  if (taggingDirective !== "COPY" && taggingDirective !== "REPLACE") {
    throw invalidArgument("Unknown tagging directive.", "x-amz-tagging-directive", taggingDirective);
  }
  if (metadataDirective === "REPLACE") validateMetadataSize(input.Metadata);
  const sameObject = src.bucket === input.Bucket && src.key === input.Key && src.versionId === undefined;
  const storageClass = input.StorageClass !== undefined ? validateStorageClass(input.StorageClass) : undefined;
  validateWebsiteRedirect(input.WebsiteRedirectLocation);
  // Without SSE headers an in-place copy still changes the encryption attributes, and AWS lets it
  // through, when the bucket has a configured default encryption or the source is not SSE-S3
  // (LocalStack's AWS-validated test_copy_in_place_with_bucket_encryption snapshot, copy-obj, and
  // test_s3_copy_object_in_place_with_encryption, copy-object-in-place-without-kms-sse).
  const encryptionKept = bucketEncryption === undefined && sourceEncryption.sse === "AES256";
  if (
    sameObject &&
    metadataDirective === "COPY" &&
    storageClass === undefined &&
    input.WebsiteRedirectLocation === undefined &&
    input.ServerSideEncryption === undefined &&
    input.SSECustomerAlgorithm === undefined &&
    encryptionKept
  ) {
    throw invalidRequest(
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  // A copy does not keep the source ACL: it gets the one the request names (or the default).
  const { acl, ownerAccount } = objectWrite(ctx, target, input);
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
          // "This value is unique to each object and is not copied when using the
          // x-amz-metadata-directive header" (CopyObject API reference): a copy has the redirect
          // its request names, none otherwise (S3 dropped it from a plain copy in aws/aws-sdk-go#1671).
          website_redirect: input.WebsiteRedirectLocation ?? null,
          metadata: source.metadata,
          tags,
          storage_class: storageClass ?? "STANDARD",
        };
  if (metadataDirective === "REPLACE" && storageClass === undefined) headers.storage_class = "STANDARD";
  const copied = await copiedColumns(ctx, input, source, { source: sourceEncryption, target: encryption });
  // Bodies are content-addressed: the copy is one more reference to the same blob.
  const row = ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    const again = copySourceVersion(ctx, requireBucket(ctx, src.bucket), src.key, src.versionId, "CopyObject");
    if (conditions.ifNoneMatch !== undefined || conditions.ifMatch !== undefined) {
      const latest = ctx.store.latest(bucket.name, input.Key);
      evaluateWriteConditions(conditions, latest && !latest.delete_marker ? { etag: latest.etag } : undefined, input.Key);
    }
    // What was hashed before the transaction describes the copy only if the source kept its bytes meanwhile.
    const columns: CopiedColumns = again.blob_id === source.blob_id ? copied : again;
    // Intelligent-Tiering: "the source objects of the copy ... are tiered up".
    noteAccess(ctx.store, again, ctx.clock.now());
    const written = ctx.store.putVersion(bucket, input.Key, {
      ...{}, ...headers,
      delete_marker: 0,
      blob_id: again.blob_id,
      size: again.size,
      last_modified: utcSeconds(ctx.clock.now()),
      etag: columns.etag,
      checksum_algorithm: columns.checksum_algorithm,
      checksum_value: columns.checksum_value,
      checksum_type: columns.checksum_type,
      parts_count: columns.parts_count,
      part_sizes: columns.part_sizes,
      part_checksums: columns.part_checksums,
      acl,
      encryption: JSON.stringify(encryption),
      owner_account: ownerAccount,
    });
    applyWriteLock(ctx.store, written.seq, lock);
    markPending(ctx.store, bucket, written);
    // Owed in the write's own transaction (notify.ts).
    emitObjectEvent(ctx, bucket, "s3:ObjectCreated:Copy", { key: written.key, size: written.size, eTag: written.etag, versionId: written.version_id });
    return written;
  });
  const sourceBucket = ctx.store.bucket(src.bucket);
  return {
    CopyObjectResult: { ETag: row.etag, LastModified: new Date(row.last_modified), ...checksumMembers(row.checksum_algorithm, row.checksum_value, row.checksum_type) },
    // Unlike PutObject, a copy names the null version it writes under Suspended versioning, and
    // leaves out a null source version (LocalStack's AWS-recorded test_s3_copy_object_in_place_versioned:
    // copy-in-place-versioned-suspended, copy-in-place-versioned-re-enabled).
    ...(sourceBucket?.versioning !== null && sourceBucket?.versioning !== undefined && source.version_id !== "null" ? { CopySourceVersionId: source.version_id } : {}),
    ...(target.versioning === "Suspended" ? { VersionId: row.version_id } : writtenVersionId(row)),
    ...encryptionOutput(encryption),
    ...expirationOf(ctx.store, target, row),
  };
}
