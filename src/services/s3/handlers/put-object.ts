import type { PutObjectInput, PutObjectOutput } from "../../../generated/s3.js";
import { evaluateWriteConditions, validateWriteConditions, writeConditions } from "../domain/conditions.js";
import type { S3Context } from "../index.js";
import { encryptionOutput, etagOfWrite, resolveEncryption } from "../encryption.js";
import { ingestBody, requireContentLength } from "../ingest.js";
import { markPending } from "../replication.js";
import { expirationOf } from "../lifecycle-runner.js";
import { emitObjectEvent } from "../notify.js";
import { objectWrite } from "../access.js";
import { checksumMembers, contentHeaders, parseTaggingHeader, requireBucket, utcSeconds, validateKey, validateMetadataSize, validateWebsiteRedirect, writtenVersionId } from "../objects.js";
import { applyWriteLock, requireIntegrity, resolveWriteLock } from "../object-lock.js";

/** `via` is "Post" for browser-form uploads (handlers/post-object.ts), which reuse this write path. */
export async function putObject(input: PutObjectInput, ctx: S3Context, via: "Put" | "Post" = "Put"): Promise<PutObjectOutput> {
  const bucket = requireBucket(ctx, input.Bucket);
  validateKey(input.Key);
  if (via === "Put") requireContentLength(input, ctx.caller.httpVersion);
  const conditions = writeConditions(input);
  validateWriteConditions(conditions);
  const tags = parseTaggingHeader(input.Tagging);
  validateMetadataSize(input.Metadata);
  validateWebsiteRedirect(input.WebsiteRedirectLocation);
  const { acl, ownerAccount } = objectWrite(ctx, bucket, input);
  const encryption = resolveEncryption(input, ctx.store.config(bucket.name, "encryption"), ctx);
  const lock = resolveWriteLock(ctx.store, bucket, input, ctx.clock.now());
  if (via === "Put") requireIntegrity(input, lock, "Put Object");
  const received = await ingestBody(ctx.store.blobs, input, undefined, ctx.caller.signature);
  const headers = contentHeaders(input, received.contentEncoding, tags);
  const row = (() => {
    try {
      return ctx.store.transaction(() => {
        // Re-read: the bucket may have gone and the key may have changed while the body streamed.
        const current = requireBucket(ctx, input.Bucket);
        if (conditions.ifNoneMatch !== undefined || conditions.ifMatch !== undefined) {
          const latest = ctx.store.latest(current.name, input.Key);
          evaluateWriteConditions(conditions, latest && !latest.delete_marker ? { etag: latest.etag } : undefined, input.Key);
        }
        const written = ctx.store.putVersion(current, input.Key, {
          ...{}, ...headers,
          delete_marker: 0,
          blob_id: received.blob.id,
          size: received.blob.size,
          etag: etagOfWrite(received.md5Hex, encryption),
          last_modified: utcSeconds(ctx.clock.now()),
          checksum_algorithm: received.checksum.algorithm,
          checksum_value: received.checksum.value,
          checksum_type: "FULL_OBJECT",
          parts_count: null,
          part_sizes: null,
          part_checksums: null,
          acl,
          encryption: JSON.stringify(encryption),
          owner_account: ownerAccount,
        });
        applyWriteLock(ctx.store, written.seq, lock);
        // Object Lock lives in its own table; only a replication mark changes the row.
        const row = markPending(ctx.store, current, written) ? (ctx.store.bySeq(written.seq) ?? written) : written;
        // Owed in the write's own transaction (notify.ts).
        emitObjectEvent(ctx, current, `s3:ObjectCreated:${via}`, { key: row.key, size: row.size, eTag: row.etag, versionId: row.version_id });
        return row;
      });
    } catch (err) {
      ctx.store.blobs.abandon(received.blob.id);
      throw err;
    }
  })();
  return {
    ETag: row.etag,
    ...writtenVersionId(row),
    ...checksumMembers(row.checksum_algorithm, row.checksum_value, row.checksum_type),
    ...encryptionOutput(encryption),
    ...expirationOf(ctx.store, bucket, row),
  };
}
