/**
 * Archived storage classes: GLACIER and DEEP_ARCHIVE objects cannot be read until a restore
 * made a temporary copy available, which happens after the retrieval tier's delay and lasts
 * the requested number of days. Both moments are stored as times and compared with the clock,
 * so nothing has to run when they pass.
 */
import type { AwsError } from "../../core/errors.js";
import { errors } from "./errors.js";
import type { ObjectRow } from "./store.js";

export const ARCHIVED_CLASSES = ["GLACIER", "DEEP_ARCHIVE"];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * Upper ends of the documented retrieval times: Expedited 1-5 minutes (Flexible Retrieval
 * only), Standard 3-5 hours (12 hours for Deep Archive), Bulk 5-12 hours (48 hours).
 */
export function restoreDelay(storageClass: string, tier: string): number {
  const deep = storageClass === "DEEP_ARCHIVE";
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

export function isRestored(row: ObjectRow, now: number): boolean {
  return row.restore_completes_at !== null && row.restore_expires_at !== null && now >= row.restore_completes_at && now < row.restore_expires_at;
}

export function restoreInProgress(row: ObjectRow, now: number): boolean {
  return row.restore_completes_at !== null && now < row.restore_completes_at;
}

/** The x-amz-restore header HeadObject and GetObject answer for an archived object. */
export function restoreHeader(row: ObjectRow, now: number): string | undefined {
  if (restoreInProgress(row, now)) return 'ongoing-request="true"';
  if (isRestored(row, now)) return `ongoing-request="false", expiry-date="${new Date(row.restore_expires_at ?? 0).toUTCString()}"`;
  return undefined;
}

/** GetObject (and CopyObject from) an archived object that is not restored. */
export function assertReadable(row: ObjectRow, now: number): void {
  if (isArchived(row) && !isRestored(row, now)) throw invalidObjectState(row);
}

export function invalidObjectState(row: ObjectRow): AwsError {
  return errors.InvalidObjectState({}, { fields: { StorageClass: row.storage_class } });
}
