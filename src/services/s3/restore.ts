/**
 * Archived storage classes: GLACIER and DEEP_ARCHIVE objects cannot be read until a restore
 * made a temporary copy available, which happens after the retrieval tier's delay and lasts
 * the requested number of days. Both moments are stored as times and compared with the clock,
 * so nothing has to run when they pass. INTELLIGENT_TIERING objects in the Archive Access or
 * Deep Archive Access tier cannot be read either; their restore has the same delays and no
 * expiry (intelligent-tiering.ts).
 */
import type { AwsError } from "../../core/errors.js";
import type { ArchiveTier } from "./domain/access-tiers.js";
import { errors } from "./errors.js";
import { archiveTier, INTELLIGENT_TIERING } from "./intelligent-tiering.js";
import type { ObjectRow, S3Store } from "./store.js";

export const ARCHIVED_CLASSES = ["GLACIER", "DEEP_ARCHIVE"];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * Upper ends of the documented retrieval times: Expedited 1-5 minutes (Flexible Retrieval
 * only), Standard 3-5 hours (12 hours for Deep Archive), Bulk 5-12 hours (48 hours). The
 * Intelligent-Tiering Archive Access and Deep Archive Access tiers have the same ones ("S3
 * Intelligent-Tiering Archive Access tier: 1–5 minutes, 3–5 hours, 5–12 hours; Deep Archive
 * Access tier: Not available, Within 12 hours, Within 48 hours", Managing S3 Intelligent-Tiering).
 */
export function restoreDelay(archive: string, tier: string): number {
  const deep = archive === "DEEP_ARCHIVE" || archive === "DEEP_ARCHIVE_ACCESS";
  switch (tier) {
    case "Expedited":
      return 5 * MINUTE;
    case "Bulk":
      return deep ? 48 * HOUR : 12 * HOUR;
    default:
      return deep ? 12 * HOUR : 5 * HOUR;
  }
}

export function isArchived(row: ObjectRow): boolean {
  return ARCHIVED_CLASSES.includes(row.storage_class);
}

type RestoreTimes = Pick<ObjectRow, "restore_completes_at" | "restore_expires_at">;

export function isRestored(row: RestoreTimes, now: number): boolean {
  return row.restore_completes_at !== null && row.restore_expires_at !== null && now >= row.restore_completes_at && now < row.restore_expires_at;
}

export function restoreInProgress(row: RestoreTimes, now: number): boolean {
  return row.restore_completes_at !== null && now < row.restore_completes_at;
}

/** The classes whose versions can have a restore to tell of. */
const RESTORABLE_CLASSES: ReadonlySet<string> = new Set([...ARCHIVED_CLASSES, INTELLIGENT_TIERING]);

export function mayHaveRestore(storageClass: string): boolean {
  return RESTORABLE_CLASSES.has(storageClass);
}

/**
 * The RestoreStatus a listing gives a version when asked with x-amz-optional-object-attributes:
 * in progress, or done with the restored copy's expiry; nothing for a version not restored ("If
 * the object hasn't been restored, there is no header response", S3 API Reference, RestoreStatus).
 */
export function restoreStatus(row: RestoreTimes, now: number): { IsRestoreInProgress: boolean; RestoreExpiryDate?: Date } | undefined {
  if (restoreInProgress(row, now)) return { IsRestoreInProgress: true };
  if (isRestored(row, now)) return { IsRestoreInProgress: false, RestoreExpiryDate: new Date(row.restore_expires_at ?? 0) };
  return undefined;
}

/** The x-amz-restore header HeadObject and GetObject answer for an archived object. */
export function restoreHeader(row: ObjectRow, now: number): string | undefined {
  const status = restoreStatus(row, now);
  if (status === undefined) return undefined;
  return status.RestoreExpiryDate === undefined ? 'ongoing-request="true"' : `ongoing-request="false", expiry-date="${status.RestoreExpiryDate.toUTCString()}"`;
}

/**
 * GetObject (and CopyObject from, `as` "source") an archived object that is not restored. Objects
 * of other classes than these three pay a few string comparisons, no SQL.
 */
export function assertReadable(store: S3Store, row: ObjectRow, now: number, as: "object" | "source" = "object"): void {
  if (isArchived(row)) {
    if (!isRestored(row, now)) throw as === "source" ? errors.InvalidSourceObjectState({}, { fields: { StorageClass: row.storage_class } }) : invalidObjectState(row);
    return;
  }
  if (row.storage_class !== INTELLIGENT_TIERING) return;
  const tier = archiveTier(store, row, now);
  if (tier !== undefined) throw inArchiveTier(tier);
}

export function invalidObjectState(row: ObjectRow): AwsError {
  return errors.InvalidObjectState({}, { fields: { StorageClass: row.storage_class } });
}

/** An INTELLIGENT_TIERING object in an archive tier: its StorageClass and AccessTier, in that order (GetObject's sample). */
export function inArchiveTier(tier: ArchiveTier): AwsError {
  return errors.InvalidObjectStateAccessTier({}, { fields: { StorageClass: INTELLIGENT_TIERING, AccessTier: tier } });
}
