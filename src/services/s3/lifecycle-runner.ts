/**
 * Applies bucket lifecycle rules: a sweep, run by the scheduler every hour of (injected) clock
 * time, finds the action due on each object version and multipart upload of every bucket that
 * has a configuration and performs it: expirations (a deletion, or a delete marker by the
 * bucket's versioning), permanent deletion of noncurrent versions and expired delete markers,
 * storage class transitions, and aborting incomplete multipart uploads. Lifecycle actions are
 * due at midnight UTC, so an hourly sweep acts within the hour, as S3 does "asynchronously".
 */
import type { ServiceEnvironment } from "../../core/service.js";
import { dueAction, expirationHeader, firstExpiration, uploadAbortSchedule, type EvaluationOptions, type LifecycleRule, type ObjectVersionFacts } from "./domain/lifecycle.js";
import { objectEvent, owed, s3Origin, sweepEvery, type S3EventData, type SweptEvents } from "./notify.js";
import type { BucketRow, ObjectRow, S3Store, Tag } from "./store.js";
import { lockedAgainstLifecycle } from "./object-lock.js";
import { headerValueSendable } from "../../protocol/wire.js";

export const LIFECYCLE_SWEEP_INTERVAL = 60 * 60_000;

export interface StoredLifecycle {
  /** The rules as the client sent them, with the IDs S3 assigned; GetBucketLifecycleConfiguration answers these. */
  readonly input: unknown[];
  readonly rules: LifecycleRule[];
  readonly transitionDefaultMinimumObjectSize?: "all_storage_classes_128K" | "varies_by_storage_class";
}

interface SweepEvent {
  readonly eventName: string;
  readonly bucket: BucketRow;
  readonly key: string;
  readonly versionId?: string;
  readonly size?: number;
  readonly eTag?: string;
  readonly data?: S3EventData;
}

function tagsOf(row: ObjectRow): Record<string, string> {
  return Object.fromEntries((JSON.parse(row.tags) as Tag[]).map((t) => [t.Key, t.Value]));
}

/** The facts lifecycle evaluation needs for each version of one key (rows newest first). */
function factsOf(versions: readonly ObjectRow[]): ObjectVersionFacts[] {
  let newerNoncurrent = 0;
  return versions.map((row, i) => {
    const successor = versions[i - 1];
    const facts: ObjectVersionFacts = {
      key: row.key,
      size: row.size,
      tags: tagsOf(row),
      isDeleteMarker: row.delete_marker === 1,
      isLatest: row.is_latest === 1,
      lastModified: row.last_modified,
      storageClass: row.storage_class,
      ...(row.is_latest ? { hasNoncurrentVersions: versions.length > 1 } : { noncurrentSince: successor?.last_modified ?? row.last_modified, newerNoncurrentVersions: newerNoncurrent }),
    };
    if (!row.is_latest) newerNoncurrent++;
    return facts;
  });
}

/** What lifecycle rules read of a current version. */
function currentFacts(row: ObjectRow): ObjectVersionFacts {
  return { key: row.key, size: row.size, tags: tagsOf(row), isDeleteMarker: false, isLatest: true, lastModified: row.last_modified };
}

/** x-amz-expiration for a current version, when a lifecycle rule will expire it. */
export function expirationOf(store: S3Store, bucket: BucketRow, row: ObjectRow): { Expiration?: string } {
  const config = store.config<StoredLifecycle>(bucket.name, "lifecycle");
  if (!config || row.delete_marker) return {};
  const header = expirationHeader(config.rules, currentFacts(row));
  return header !== undefined ? { Expiration: header } : {};
}

/**
 * When the bucket's lifecycle rules will expire each current version (undefined: never, or not
 * current), for a whole report: the configuration is read once.
 */
export function expirationDates(store: S3Store, bucket: string): (row: ObjectRow) => number | undefined {
  const rules = store.config<StoredLifecycle>(bucket, "lifecycle")?.rules;
  if (rules === undefined) return () => undefined;
  return (row) => (row.is_latest !== 1 || row.delete_marker === 1 ? undefined : firstExpiration(rules, currentFacts(row))?.dueAt);
}

/**
 * x-amz-abort-date / x-amz-abort-rule-id of a multipart upload. The rule ID goes as it is, but a
 * rule ID may hold any character: one no header can carry (a line break) is URL-encoded, as
 * x-amz-expiration's rule-id always is, where it had made CreateMultipartUpload, UploadPart and
 * ListParts answer 500 (S3's form for such an ID is not on record).
 */
export function abortScheduleOf(store: S3Store, bucket: string, upload: { key: string; initiated: number }): { AbortDate?: Date; AbortRuleId?: string } {
  const config = store.config<StoredLifecycle>(bucket, "lifecycle");
  const schedule = config ? uploadAbortSchedule(config.rules, upload) : undefined;
  if (schedule === undefined) return {};
  const id = schedule.ruleId;
  return { AbortDate: new Date(schedule.abortAt), ...(id !== undefined ? { AbortRuleId: headerValueSendable(id) ? id : encodeURIComponent(id) } : {}) };
}

/** The versions of each key in turn (rows come by key, newest first): one key's at a time in memory, not the bucket's. */
function* keyGroups(rows: Iterable<ObjectRow>): Generator<ObjectRow[]> {
  let group: ObjectRow[] = [];
  for (const row of rows) {
    if (group.length > 0 && (group[0] as ObjectRow).key !== row.key) {
      yield group;
      group = [];
    }
    group.push(row);
  }
  if (group.length > 0) yield group;
}

/**
 * One bucket's due lifecycle actions, in one transaction (sweepEvery runs it on each bucket with a
 * lifecycle configuration). Returns the events to publish once it has committed, each owed in
 * that transaction when a notification configuration will send it (notify.ts).
 */
function sweepLifecycle(store: S3Store, bucketName: string, now: number): SweptEvents {
  const config = store.config<StoredLifecycle>(bucketName, "lifecycle");
  if (!config) return [];
  const events: SweepEvent[] = [];
  return store.transaction(() => {
    const bucket = store.bucket(bucketName);
    if (!bucket) return [];
    const options: EvaluationOptions = {
      versioning: bucket.versioning ?? "Unversioned",
      ...(config.transitionDefaultMinimumObjectSize ? { transitionDefaultMinimumSize: config.transitionDefaultMinimumObjectSize } : {}),
    };
    for (const versions of keyGroups(store.versionsOf(bucketName))) {
      const facts = factsOf(versions);
      versions.forEach((row, i) => {
        const action = dueAction(config.rules, facts[i] as ObjectVersionFacts, now, options);
        if (!action) return;
        const current = store.bucket(bucketName) as BucketRow;
        switch (action.type) {
          case "Expiration":
            if (current.versioning === null) {
              store.removeVersion(row);
              events.push({ eventName: "s3:LifecycleExpiration:Delete", bucket: current, key: row.key });
            } else {
              const marker = store.putDeleteMarker(current, row.key, now, row.owner_account);
              events.push({ eventName: "s3:LifecycleExpiration:DeleteMarkerCreated", bucket: current, key: row.key, versionId: marker.version_id });
            }
            return;
          case "ExpiredObjectDeleteMarker":
          case "NoncurrentVersionExpiration":
            // Object Lock: lifecycle never removes a version under retention or legal hold.
            if (lockedAgainstLifecycle(store, row, now)) return;
            store.removeVersion(row);
            events.push({ eventName: "s3:LifecycleExpiration:Delete", bucket: current, key: row.key, versionId: row.version_id });
            return;
          case "Transition":
          case "NoncurrentVersionTransition": {
            const storageClass = action.storageClass ?? row.storage_class;
            store.setStorageClass(row.seq, storageClass, now);
            events.push({ eventName: "s3:LifecycleTransition", bucket: current, key: row.key, versionId: row.version_id, size: row.size, eTag: row.etag, data: { transition: { storageClass } } });
            return;
          }
        }
      });
    }
    for (const upload of store.uploadsOf(bucketName)) {
      const schedule = uploadAbortSchedule(config.rules, { key: upload.key, initiated: upload.initiated });
      if (schedule && schedule.abortAt <= now) store.removeUpload(upload.upload_id);
    }
    return events.map(({ bucket, eventName, data, ...object }) => ({
      event: owed(store, bucket, objectEvent(store, bucket, eventName, object, now, s3Origin(), data)),
      scope: { account: bucket.account_id, region: bucket.region },
    }));
  });
}

/** Schedules the hourly sweep; events go out on the bus once each bucket's changes committed. */
export function startLifecycle(env: ServiceEnvironment, store: S3Store): () => void {
  return sweepEvery(env, store, LIFECYCLE_SWEEP_INTERVAL, "lifecycle", sweepLifecycle, "s3 lifecycle sweep");
}
