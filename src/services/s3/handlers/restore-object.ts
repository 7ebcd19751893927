import type { RestoreObjectInput, RestoreObjectOutput } from "../../../generated/s3.js";
import { ceilToMidnightUtc } from "../domain/lifecycle.js";
import { errors, s3DomainErrors } from "../errors.js";
import type { S3Context } from "../index.js";
import { emitObjectEvent } from "../notify.js";
import { readableVersion, requireBucket } from "../objects.js";
import { oweRestoreNotifications } from "../restore-runner.js";
import { DAY, isArchived, isRestored, restoreDelay, restoreInProgress } from "../restore.js";

/**
 * Starts (or extends) a temporary copy of an archived object. The copy becomes readable after
 * the tier's retrieval time and expires at midnight UTC after the requested number of days;
 * the notifications of its completion and expiry are owed now, due then.
 */
export function restoreObject(input: RestoreObjectInput, ctx: S3Context): RestoreObjectOutput {
  const request = input.RestoreRequest;
  if (request?.Type === "SELECT") throw s3DomainErrors.HeaderNotImplemented();
  const days = request?.Days;
  if (days === undefined || !Number.isInteger(days) || days < 1) throw s3DomainErrors.MalformedXML();
  const tier = request?.GlacierJobParameters?.Tier ?? request?.Tier ?? "Standard";
  if (!["Standard", "Bulk", "Expedited"].includes(tier)) throw s3DomainErrors.MalformedXML();
  return ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    const row = readableVersion(ctx, bucket, input.Key, input.VersionId, "POST");
    if (!isArchived(row)) throw errors.RestoreNotAllowed({}, { fields: { StorageClass: row.storage_class } });
    const now = ctx.clock.now();
    if (restoreInProgress(row, now)) throw errors.RestoreAlreadyInProgress();
    if (isRestored(row, now)) {
      // A restore of an already restored copy only moves its expiry.
      const expires = ceilToMidnightUtc(now + days * DAY);
      ctx.store.setRestore(row.seq, row.restore_completes_at ?? now, expires);
      oweRestoreNotifications(ctx, bucket, { ...{}, ...row, restore_expires_at: expires });
      return {};
    }
    if (tier === "Expedited" && row.storage_class === "DEEP_ARCHIVE") throw errors.InvalidObjectState({}, { fields: { StorageClass: row.storage_class } });
    const completes = now + restoreDelay(row.storage_class, tier);
    const expires = ceilToMidnightUtc(completes + days * DAY);
    ctx.store.setRestore(row.seq, completes, expires);
    oweRestoreNotifications(ctx, bucket, { ...{}, ...row, restore_completes_at: completes, restore_expires_at: expires });
    emitObjectEvent(ctx, bucket, "s3:ObjectRestore:Post", { key: row.key, size: row.size, eTag: row.etag, versionId: row.version_id });
    return {};
  });
}
