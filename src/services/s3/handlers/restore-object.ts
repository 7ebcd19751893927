import type { RestoreObjectInput, RestoreObjectOutput } from "../../../generated/s3.js";
import { ceilToMidnightUtc } from "../domain/lifecycle.js";
import { errors, s3DomainErrors } from "../errors.js";
import type { S3Context } from "../index.js";
import { archiveTier, INTELLIGENT_TIERING } from "../intelligent-tiering.js";
import { emitObjectEvent } from "../notify.js";
import { readableVersion, requireBucket } from "../objects.js";
import { oweRestoreNotifications } from "../restore-runner.js";
import { DAY, inArchiveTier, isArchived, isRestored, restoreDelay, restoreInProgress } from "../restore.js";
import type { BucketRow, ObjectRow } from "../store.js";

/**
 * RestoreObject's output, and whether the request started a restore: "If the object is not
 * previously restored, then Amazon S3 returns 202 Accepted in the response. If the object is
 * previously restored, Amazon S3 returns 200 OK in the response." The model has no status member,
 * so RestoreStarted stays off the wire; the service's responseStatus turns it into the 202.
 */
export type RestoreObjectResult = RestoreObjectOutput & { readonly RestoreStarted?: true };

/**
 * Starts (or extends) a temporary copy of an archived object. The copy becomes readable after
 * the tier's retrieval time and expires at midnight UTC after the requested number of days;
 * the notifications of its completion and expiry are owed now, due then. An INTELLIGENT_TIERING
 * object in an archive tier is restored without Days: after the retrieval time it is back in
 * the Frequent Access tier, for good.
 */
export function restoreObject(input: RestoreObjectInput, ctx: S3Context): RestoreObjectResult {
  const request = input.RestoreRequest;
  if (request?.Type === "SELECT") throw s3DomainErrors.HeaderNotImplemented();
  const days = request?.Days;
  if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw s3DomainErrors.MalformedXML();
  const tier = request?.GlacierJobParameters?.Tier ?? request?.Tier ?? "Standard";
  if (!["Standard", "Bulk", "Expedited"].includes(tier)) throw s3DomainErrors.MalformedXML();
  return ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    const row = readableVersion(ctx, bucket, input.Key, input.VersionId, "POST");
    if (row.storage_class === INTELLIGENT_TIERING) return restoreFromTier(ctx, bucket, row, days, tier);
    // Any other class needs Days (a restored copy lasts that long).
    if (days === undefined) throw s3DomainErrors.MalformedXML();
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
    return { RestoreStarted: true };
  });
}

/**
 * An INTELLIGENT_TIERING object: "restore requests for S3 Intelligent-Tiering objects don't
 * accept the days value" (S3 refuses them whatever the tier), only an object in an archive tier
 * has anything to restore (the other tiers answer as a class that is not archived), and
 * Expedited is "Not available" from Deep Archive Access. The tier is written down with the
 * restore, which ends it: from then on the object is in Frequent Access (intelligent-tiering.ts).
 */
function restoreFromTier(ctx: S3Context, bucket: BucketRow, row: ObjectRow, days: number | undefined, retrieval: string): RestoreObjectResult {
  if (days !== undefined) throw errors.IntelligentTieringRestoreDays();
  const now = ctx.clock.now();
  const archived = archiveTier(ctx.store, row, now);
  if (archived === undefined) throw errors.RestoreNotAllowed({}, { fields: { StorageClass: row.storage_class } });
  if (restoreInProgress(row, now)) throw errors.RestoreAlreadyInProgress();
  if (retrieval === "Expedited" && archived === "DEEP_ARCHIVE_ACCESS") throw inArchiveTier(archived);
  const completes = now + restoreDelay(archived, retrieval);
  ctx.store.setArchiveTier(row, archived);
  ctx.store.setRestore(row.seq, completes, null);
  oweRestoreNotifications(ctx, bucket, { ...{}, ...row, archive_tier: archived, restore_completes_at: completes, restore_expires_at: null });
  emitObjectEvent(ctx, bucket, "s3:ObjectRestore:Post", { key: row.key, size: row.size, eTag: row.etag, versionId: row.version_id });
  return { RestoreStarted: true };
}
