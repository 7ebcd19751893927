import type { UploadPartCopyInput, UploadPartCopyOutput } from "../../../generated/s3.js";
import { evaluateCopySourceConditions, resolveCopySourceRange } from "../domain/conditions.js";
import { noSuchUpload } from "../errors.js";
import type { S3Context } from "../index.js";
import { createStreamHasher, discardHasher, hashChunk } from "../hash-worker.js";
import { partNumberError } from "../ingest.js";
import { checksumMembers, readableVersion, requireBucket, utcSeconds } from "../objects.js";
import { assertReadable } from "../restore.js";
import { checkCopySourceKey, encryptionOutput, parseEncryption } from "../encryption.js";
import { parseCopySource } from "../copy-source.js";
import { MAX_PART_NUMBER, uploadChecksum } from "./multipart.js";

/** A part made of (a range of) an existing object: the way to copy objects over 5 GB. */
export async function uploadPartCopy(input: UploadPartCopyInput, ctx: S3Context): Promise<UploadPartCopyOutput> {
  const bucket = requireBucket(ctx, input.Bucket);
  if (!Number.isInteger(input.PartNumber) || input.PartNumber < 1 || input.PartNumber > MAX_PART_NUMBER) throw partNumberError(input.PartNumber);
  const upload = ctx.store.upload(bucket.name, input.Key, input.UploadId);
  if (!upload) throw noSuchUpload(input.UploadId);
  const src = parseCopySource(input.CopySource);
  const sourceBucket = requireBucket(ctx, src.bucket);
  const source = readableVersion(ctx, sourceBucket, src.key, src.versionId);
  assertReadable(source, ctx.clock.now());
  checkCopySourceKey(parseEncryption(source.encryption), input);
  evaluateCopySourceConditions(
    {
      ...{}, ...(input.CopySourceIfMatch !== undefined ? { ifMatch: input.CopySourceIfMatch } : {}),
      ...(input.CopySourceIfNoneMatch !== undefined ? { ifNoneMatch: input.CopySourceIfNoneMatch } : {}),
      ...(input.CopySourceIfModifiedSince !== undefined ? { ifModifiedSince: input.CopySourceIfModifiedSince.toUTCString() } : {}),
      ...(input.CopySourceIfUnmodifiedSince !== undefined ? { ifUnmodifiedSince: input.CopySourceIfUnmodifiedSince.toUTCString() } : {}),
    },
    { etag: source.etag, lastModified: source.last_modified },
  );
  const range = input.CopySourceRange !== undefined ? resolveCopySourceRange(input.CopySourceRange, source.size) : undefined;
  const { algorithm } = uploadChecksum(upload);
  const hasher = createStreamHasher(algorithm);
  const blobs = ctx.store.blobs;
  const bytes = range ? blobs.get(source.blob_id ?? "", { start: range.start, end: range.end }) : blobs.get(source.blob_id ?? "");
  let blob;
  try {
    blob = await blobs.put(source.size === 0 ? Buffer.alloc(0) : bytes, { hashes: ["md5"], id: "unique", onChunk: (c: Uint8Array) => hashChunk(hasher, c) });
  } catch (err) {
    discardHasher(hasher);
    throw err;
  }
  if (source.size === 0) bytes.destroy();
  const etag = `"${(blob.md5 ?? Buffer.alloc(0)).toString("hex")}"`;
  const now = utcSeconds(ctx.clock.now());
  let checksum: string;
  try {
    checksum = (await hasher.digest()).toString("base64");
    ctx.store.transaction(() => {
      if (!ctx.store.upload(bucket.name, input.Key, input.UploadId)) throw noSuchUpload(input.UploadId);
      ctx.store.putPart({ upload_id: upload.upload_id, part_number: input.PartNumber, blob_id: blob.id, size: blob.size, etag, checksum, last_modified: now });
    });
  } catch (err) {
    blobs.abandon(blob.id);
    throw err;
  }
  return {
    ...{}, ...(sourceBucket.versioning !== null ? { CopySourceVersionId: source.version_id } : {}),
    CopyPartResult: { ETag: etag, LastModified: new Date(now), ...checksumMembers(algorithm, checksum) },
    ...encryptionOutput(parseEncryption(upload.encryption)),
  };
}
