/**
 * The notifications a restore owes: s3:ObjectRestore:Completed when the retrieval time has
 * passed (with the copy's expiry and the archive class) and s3:ObjectRestore:Delete when the
 * restored copy expires ("You receive this notification event when the temporary copy of a
 * restored object expires", S3 user guide, "Supported event types"). Both are owed in the
 * RestoreObject request's transaction, due at those times (the outbox of notify.ts, which arms
 * and sends them), so a restart or a server down at the time loses neither. Whether a
 * configuration wants them is decided when they are due, as S3 decides it when the event
 * happens. Reads never depend on these notifications.
 */
import type { ServiceEnvironment } from "../../core/service.js";
import type { S3Context } from "./index.js";
import { objectEvent, restoreOrigin, s3Origin, type S3ObjectEvent } from "./notify.js";
import type { BucketRow, ObjectRow, OwedNotification, S3Store } from "./store.js";

const COMPLETED = "s3:ObjectRestore:Completed";
const EXPIRED = "s3:ObjectRestore:Delete";

/**
 * Owes the notifications of `row`'s restore that are still to come, after a restore request
 * changed it (in the request's transaction): the completion if it is ahead, and the expiry,
 * replacing an expiry owed before (a restore of a restored copy moves its expiry).
 */
export function oweRestoreNotifications(ctx: Pick<S3Context, "store" | "clock">, bucket: BucketRow, row: ObjectRow): void {
  for (const owed of ctx.store.owedForObject(row.seq)) {
    if (eventOf(owed).eventName === EXPIRED) ctx.store.notificationSent(owed.seq);
  }
  oweAhead(ctx.store, bucket, row, ctx.clock.now());
}

function oweAhead(store: S3Store, bucket: BucketRow, row: ObjectRow, now: number): void {
  const completes = row.restore_completes_at;
  const expires = row.restore_expires_at;
  if (completes === null) return;
  const object = { key: row.key, size: row.size, eTag: row.etag, versionId: row.version_id };
  const owe = (eventName: string, at: number, origin: Parameters<typeof objectEvent>[5], data?: Parameters<typeof objectEvent>[6]): void => {
    store.oweNotification(JSON.stringify(objectEvent(store, bucket, eventName, object, at, origin, data)), { at, objectSeq: row.seq });
  };
  // An Intelligent-Tiering restore (no expiry) moves the object back to Frequent Access: a
  // completion without restore data (none is documented for it), and no copy to expire.
  if (completes > now) owe(COMPLETED, completes, restoreOrigin(bucket), expires !== null ? { restore: { expiresAt: expires, storageClass: row.storage_class } } : undefined);
  if (expires !== null && expires > now) owe(EXPIRED, expires, s3Origin());
}

/**
 * Whether a restore notification due now still tells the truth: its version still exists and
 * its restore still completes (or expires) at the time the notification was owed for.
 */
export function restoreNotificationHolds(store: S3Store, owed: OwedNotification): boolean {
  if (owed.object_seq === null) return true;
  const row = store.bySeq(owed.object_seq);
  if (row === undefined) return false;
  return eventOf(owed).eventName === COMPLETED ? row.restore_completes_at === owed.due_at : row.restore_expires_at === owed.due_at;
}

/**
 * At start: restores requested before their notifications were owed when requested (a data dir
 * of an earlier version) owe theirs now.
 */
export function startRestores(env: ServiceEnvironment, store: S3Store): () => void {
  const now = env.clock.now();
  const rows = store.restoresOwingNothing(now);
  if (rows.length > 0) {
    store.transaction(() => {
      for (const row of rows) {
        const bucket = store.bucket(row.bucket);
        if (bucket) oweAhead(store, bucket, row, now);
      }
    });
  }
  return () => {};
}

function eventOf(owed: OwedNotification): S3ObjectEvent {
  return JSON.parse(owed.event) as S3ObjectEvent;
}
