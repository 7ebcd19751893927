import type { UploadPartCopyInput, UploadPartCopyOutput } from "../../../generated/s3.js";
import { evaluateCopySourceConditions, resolveCopySourceRange } from "../domain/conditions.js";
import { noSuchKey, noSuchUpload } from "../errors.js";
import type { S3Context } from "../index.js";
import { createStreamHasher, discardHasher, hashChunk } from "../hash-worker.js";
import { partNumberError } from "../ingest.js";
import { checksumMembers, requireBucket, utcSeconds } from "../objects.js";
import { assertReadable } from "../restore.js";
import { noteAccess } from "../intelligent-tiering.js";
import { checkCopySourceKey, checkPartKey, encryptionOutput, etagIsMd5, etagOfWrite, parseEncryption } from "../encryption.js";
import { checkCopySourceSize, copySourceVersion, parseCopySource } from "../copy-source.js";
import type { ObjectRow } from "../store.js";
import { MAX_PART_NUMBER, uploadChecksum } from "./multipart.js";
import type { ChecksumAlgorithm } from "../domain/checksums.js";

/**
 * The part a copy of a whole source can be without reading it: the source's own file, shared
 * (the blob store counts references), with the source's MD5 and checksum when those already
 * describe its bytes as the part needs them: an ETag that is the MD5 of the bytes (not a
 * multipart `-N` one, nor the opaque one of an SSE-KMS or SSE-C write) and a FULL_OBJECT checksum
 * in the upload's algorithm. A composed source (a copy of a multipart object) cannot be a part of
 * another composition.
 */
function sharedPart(ctx: S3Context, source: ObjectRow, algorithm: ChecksumAlgorithm): { blobId: string; md5Hex: string; checksum: string } | undefined {
  if (source.blob_id === null || source.size === 0 || source.parts_count !== null || !/^"[0-9a-f]{32}"$/.test(source.etag)) return undefined;
  if (!etagIsMd5(parseEncryption(source.encryption))) return undefined;
  if (source.checksum_algorithm !== algorithm || source.checksum_value === null || (source.checksum_type !== null && source.checksum_type !== "FULL_OBJECT")) return undefined;
  if (ctx.store.blobs.isComposed(source.blob_id)) return undefined;
  return { blobId: source.blob_id, md5Hex: source.etag.slice(1, -1), checksum: source.checksum_value };
}

/** A part made of (a range of) an existing object: the way to copy objects over 5 GB. */
export async function uploadPartCopy(input: UploadPartCopyInput, ctx: S3Context): Promise<UploadPartCopyOutput> {
  const bucket = requireBucket(ctx, input.Bucket);
  if (!Number.isInteger(input.PartNumber) || input.PartNumber < 1 || input.PartNumber > MAX_PART_NUMBER) throw partNumberError(input.PartNumber);
  const upload = ctx.store.upload(bucket.name, input.Key, input.UploadId);
  if (!upload) throw noSuchUpload(input.UploadId);
  const src = parseCopySource(input.CopySource);
  const sourceBucket = requireBucket(ctx, src.bucket);
  const source = copySourceVersion(ctx, sourceBucket, src.key, src.versionId, "UploadPartCopy");
  assertReadable(ctx.store, source, ctx.clock.now(), "source");
  checkCopySourceKey(parseEncryption(source.encryption), input);
  // The destination's SSE-C headers are a part's, judged after the source's (dyus/meeseeks-s3,
  // tests/upload_part_copy_sse_c/golden: TestUploadPartCopySSECDestHeaders.*,
  // TestUploadPartCopyCrossValidationOrder.*, TestUploadPartCopySSECHappyPath.test_dest_key_mismatch_with_mpu_rejected).
  checkPartKey(parseEncryption(upload.encryption), input);
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
  const range = input.CopySourceRange !== undefined ? resolveCopySourceRange(input.CopySourceRange, source.size) : undefined;
  checkCopySourceSize(range ? range.end - range.start + 1 : source.size);
  const { algorithm } = uploadChecksum(upload);
  // A part's ETag follows the upload's encryption, as an UploadPart's does (multipart.ts).
  const encryption = parseEncryption(upload.encryption);
  const shared = range ? undefined : sharedPart(ctx, source, algorithm);
  if (shared) {
    const etag = etagOfWrite(shared.md5Hex, encryption);
    const now = utcSeconds(ctx.clock.now());
    ctx.store.transaction(() => {
      if (!ctx.store.upload(bucket.name, input.Key, input.UploadId)) throw noSuchUpload(input.UploadId);
      // The source may have gone while the checks ran; its file with it once nothing holds it.
      if (!ctx.store.blobs.has(shared.blobId)) throw noSuchKey(src.key);
      ctx.store.putPart({ upload_id: upload.upload_id, part_number: input.PartNumber, blob_id: shared.blobId, size: source.size, etag, checksum: shared.checksum, last_modified: now });
      noteAccess(ctx.store, source, ctx.clock.now());
    });
    return {
      ...{}, ...(sourceBucket.versioning !== null ? { CopySourceVersionId: source.version_id } : {}),
      CopyPartResult: { ETag: etag, LastModified: new Date(now), ...checksumMembers(algorithm, shared.checksum) },
      ...encryptionOutput(encryption),
    };
  }
  const blobs = ctx.store.blobs;
  // Opened before the hasher is made: a source that cannot be read (its file gone or damaged) leaves no hasher running.
  const bytes = range ? blobs.get(source.blob_id ?? "", { start: range.start, end: range.end }) : blobs.get(source.blob_id ?? "");
  const hasher = createStreamHasher(algorithm);
  let blob;
  try {
    blob = await blobs.put(source.size === 0 ? Buffer.alloc(0) : bytes, { hashes: ["md5"], id: "unique", onChunk: (c: Uint8Array) => hashChunk(hasher, c) });
  } catch (err) {
    discardHasher(hasher);
    throw err;
  }
  if (source.size === 0) bytes.destroy();
  const etag = etagOfWrite((blob.md5 ?? Buffer.alloc(0)).toString("hex"), encryption);
  const now = utcSeconds(ctx.clock.now());
  let checksum: string;
  try {
    checksum = (await hasher.digest()).toString("base64");
    ctx.store.transaction(() => {
      if (!ctx.store.upload(bucket.name, input.Key, input.UploadId)) throw noSuchUpload(input.UploadId);
      ctx.store.putPart({ upload_id: upload.upload_id, part_number: input.PartNumber, blob_id: blob.id, size: blob.size, etag, checksum, last_modified: now });
      // Intelligent-Tiering: the source of an UploadPartCopy is "tiered up".
      noteAccess(ctx.store, source, ctx.clock.now());
    });
  } catch (err) {
    blobs.abandon(blob.id);
    throw err;
  }
  return {
    ...{}, ...(sourceBucket.versioning !== null ? { CopySourceVersionId: source.version_id } : {}),
    CopyPartResult: { ETag: etag, LastModified: new Date(now), ...checksumMembers(algorithm, checksum) },
    ...encryptionOutput(encryption),
  };
}
