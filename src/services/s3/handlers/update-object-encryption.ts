/**
 * UpdateObjectEncryption (PUT /{Bucket}/{Key+}?encryption): moves an existing SSE-S3 or SSE-KMS
 * object version to SSE-KMS, another KMS key, or an S3 Bucket Key, "without any data movement",
 * preserving "all object metadata properties, including the storage class, creation date, last
 * modified date, ETag, and checksum properties" (S3 API Reference). So the version is changed in
 * place: same version id, nothing re-replicated, and archived objects need no restore. No event
 * notification type names this change (S3 User Guide, "Event notification types"), so none is sent.
 */
import type { UpdateObjectEncryptionInput, UpdateObjectEncryptionOutput } from "../../../generated/s3.js";
import { checkEncryptionUpdatable, parseEncryption, requestedEncryptionUpdate } from "../encryption.js";
import { errors } from "../errors.js";
import type { S3Context } from "../index.js";
import { lockBlocksDelete, versionLock } from "../object-lock.js";
import { readableVersion, requireBucket } from "../objects.js";

export function updateObjectEncryption(input: UpdateObjectEncryptionInput, ctx: S3Context): UpdateObjectEncryptionOutput {
  ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    const next = requestedEncryptionUpdate(input.ObjectEncryption, bucket.account_id);
    const row = readableVersion(ctx, bucket, input.Key, input.VersionId, "PUT");
    checkEncryptionUpdatable(parseEncryption(row.encryption));
    // "If the object has a governance-mode retention period or a legal hold, you must first remove
    // the Object Lock status": no bypass, and an active event hold protects as a legal hold does.
    if (lockBlocksDelete(versionLock(ctx.store, row.seq), ctx.clock.now(), false) !== undefined) throw errors.EncryptionLocked();
    ctx.store.setEncryption(row.seq, JSON.stringify(next));
  });
  return {};
}
