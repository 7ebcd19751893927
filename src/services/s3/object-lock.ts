/**
 * S3 Object Lock: write-once-read-many protection of object versions. A bucket has it from
 * creation (`x-amz-bucket-object-lock-enabled`) or from PutObjectLockConfiguration on a
 * versioned bucket, and then keeps versioning on for good. Each version may carry a retention
 * (GOVERNANCE or COMPLIANCE until a date) and a legal hold; new versions get the bucket's
 * default retention unless the write names its own.
 *
 * What is protected is the version, not the key: overwriting and deleting without a version id
 * still work (new version, delete marker). Permanently deleting a version is refused while a
 * legal hold is ON, while COMPLIANCE retention lasts, and while GOVERNANCE retention lasts
 * unless the request sends `x-amz-bypass-governance-retention: true`; lifecycle skips such
 * versions. COMPLIANCE retention can only be extended.
 *
 * Event holds (S3's 2026 "variable retention"): a version under an event hold is protected, like
 * under a legal hold, until the hold is released; "When you release the hold, Amazon S3 sets the
 * final retain-until-date to the release time plus the configured duration" (S3 User Guide,
 * batch-ops-retention-date). A hold comes with the write (x-amz-object-lock-event-hold and a
 * duration in days or years), from the bucket's DefaultRetention.DefaultEventHold, or later from
 * PutObjectRetention (Retention.EventHold ON); PutObjectRetention with EventHold OFF releases it.
 *
 * Locks live in their own tables keyed by the version's row (`s3_objects.seq`, cascading on
 * delete) and the upload's id, so the object hot path does not carry them.
 */
import { defineErrors } from "../../core/errors.js";
import { CHECKSUM_ALGORITHMS, checksumMember } from "./domain/checksums.js";
import type { ChecksumHeaders } from "./ingest.js";
import { invalidArgument, invalidRequest, s3DomainErrors } from "./errors.js";
import type { BucketRow, ObjectRow, S3Store } from "./store.js";

export const objectLockErrors = defineErrors({
  ObjectLockConfigurationNotFound: {
    code: "ObjectLockConfigurationNotFoundError",
    status: 404,
    message: "Object Lock configuration does not exist for this bucket",
  },
  NoSuchObjectLockConfiguration: {
    code: "NoSuchObjectLockConfiguration",
    status: 404,
    message: "The specified object does not have a ObjectLock configuration",
  },
  VersioningRequired: {
    code: "InvalidBucketState",
    status: 409,
    message: "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
  },
  VersioningLocked: {
    code: "InvalidBucketState",
    status: 409,
    message: "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
  },
  // DeleteObjects reports the same sentence per key (verified against S3 by moto's suite).
  Locked: { code: "AccessDenied", status: 403, message: "Access Denied because object protected by object lock." },
});

export type LockMode = "GOVERNANCE" | "COMPLIANCE";
export type LegalHold = "ON" | "OFF";
export type EventHold = "ON" | "OFF";

/** An event hold's duration (API_EventHoldDuration): Days or Years, not both. */
export interface HoldDuration {
  readonly Days?: number;
  readonly Years?: number;
}

/**
 * A fixed default (Mode with Days or Years), a default event hold, or both: "You can set one or
 * both. You cannot use days and years in the same setting." (v3 schema, ObjectLockRule).
 */
export interface DefaultRetention {
  readonly Mode?: LockMode;
  readonly Days?: number;
  readonly Years?: number;
  readonly DefaultEventHold?: HoldDuration;
}

/** As PutObjectLockConfiguration stored it and GetObjectLockConfiguration answers it. */
export interface BucketLockConfiguration {
  readonly ObjectLockEnabled: "Enabled";
  readonly Rule?: { readonly DefaultRetention: DefaultRetention };
}

export interface VersionLock {
  readonly mode: LockMode | null;
  /** Epoch ms. */
  readonly retainUntil: number | null;
  readonly legalHold: LegalHold | null;
  /** ON while held; OFF once released (the retention then runs from the release). */
  readonly eventHold?: EventHold | null;
  readonly holdDuration?: HoldDuration | null;
}

export const OBJECT_LOCK_MIGRATION = `CREATE TABLE s3_object_locks (
     seq          INTEGER PRIMARY KEY REFERENCES s3_objects (seq) ON DELETE CASCADE,
     mode         TEXT,
     retain_until INTEGER,
     legal_hold   TEXT
   );
   CREATE TABLE s3_upload_locks (
     upload_id    TEXT PRIMARY KEY REFERENCES s3_uploads (upload_id) ON DELETE CASCADE,
     mode         TEXT,
     retain_until INTEGER,
     legal_hold   TEXT
   ) WITHOUT ROWID;`;

/** Appended after OBJECT_LOCK_MIGRATION: the event hold of a version and of an upload in progress. */
export const EVENT_HOLD_MIGRATION = `ALTER TABLE s3_object_locks ADD COLUMN event_hold TEXT;
   ALTER TABLE s3_object_locks ADD COLUMN hold_days INTEGER;
   ALTER TABLE s3_object_locks ADD COLUMN hold_years INTEGER;
   ALTER TABLE s3_upload_locks ADD COLUMN event_hold TEXT;
   ALTER TABLE s3_upload_locks ADD COLUMN hold_days INTEGER;
   ALTER TABLE s3_upload_locks ADD COLUMN hold_years INTEGER;`;

/** "The number of days/years that you want to specify for the default retention period": AWS caps them at 100 years. */
const MAX_RETENTION_DAYS = 36_500;
const MAX_RETENTION_YEARS = 100;
const DAY_MS = 86_400_000;

const MODES: readonly string[] = ["GOVERNANCE", "COMPLIANCE"];

/**
 * The retention mode a released event hold runs in when neither the hold nor the bucket's
 * default names one. AWS's docs do not say; Nimbus takes GOVERNANCE, the mode that can still be
 * lifted (x-amz-bypass-governance-retention), so an emulated release never locks data for good.
 */
const HOLD_MODE_FALLBACK: LockMode = "GOVERNANCE";

// Nimbus's own texts: AWS documents the limits (API_EventHoldDuration: Days 1 to 36,500, Years
// 1 to 100; "You cannot specify a duration in both days and years", v3 schema) but not the
// errors it answers, so these messages are not AWS's.
const HOLD_RANGE_MESSAGE = "The event hold duration must be 1 to 36500 days or 1 to 100 years.";
const HOLD_BOTH_MESSAGE = "You cannot specify a duration in both days and years.";
const HOLD_VALUE_MESSAGE = 'Event Hold must be either of "ON" or "OFF"';
const HOLD_REQUIRED_MESSAGE = "An event hold duration requires the event hold to be ON.";
const DURATION_REQUIRED_MESSAGE = "An event hold needs a duration in days or years, from the request or the bucket's DefaultEventHold.";

// --- bucket configuration --------------------------------------------------------------------

export function bucketLockConfiguration(store: S3Store, bucket: string): BucketLockConfiguration | undefined {
  return store.config<BucketLockConfiguration>(bucket, "objectLock");
}

/**
 * x-amz-bypass-governance-retention, whether true or false, on a bucket without Object Lock is
 * refused (LocalStack's AWS-validated test_delete_object_with_no_locking: DeleteObject with true
 * and with false, DeleteObjects with true).
 */
export function checkBypassApplicable(store: S3Store, bucket: string, bypass: boolean | undefined): void {
  if (bypass === undefined || bucketLockConfiguration(store, bucket) !== undefined) return;
  throw invalidArgument("x-amz-bypass-governance-retention is only applicable to Object Lock enabled buckets.", "x-amz-bypass-governance-retention");
}

/** Validates a PutObjectLockConfiguration document; returns it as stored. */
export function validateLockConfiguration(config: { ObjectLockEnabled?: string; Rule?: { DefaultRetention?: { Mode?: string; Days?: number; Years?: number; DefaultEventHold?: HoldDuration } } } | undefined): BucketLockConfiguration {
  if (config === undefined || config.ObjectLockEnabled !== "Enabled") throw s3DomainErrors.MalformedXML();
  if (config.Rule === undefined) return { ObjectLockEnabled: "Enabled" };
  const retention = config.Rule.DefaultRetention;
  if (retention === undefined) throw s3DomainErrors.MalformedXML();
  const { Mode, Days, Years, DefaultEventHold } = retention;
  const fixed = Mode !== undefined || Days !== undefined || Years !== undefined;
  if (!fixed && DefaultEventHold === undefined) throw s3DomainErrors.MalformedXML();
  let stored: DefaultRetention = {};
  if (fixed) {
    if (Mode === undefined || !MODES.includes(Mode)) throw s3DomainErrors.MalformedXML();
    // Exactly one period.
    if ((Days === undefined) === (Years === undefined)) throw s3DomainErrors.MalformedXML();
    const period = (Days ?? Years) as number;
    if (!Number.isInteger(period) || period <= 0) throw invalidArgument("Default retention period must be a positive integer value.", "DefaultRetention", period);
    if ((Days !== undefined && Days > MAX_RETENTION_DAYS) || (Years !== undefined && Years > MAX_RETENTION_YEARS)) {
      throw invalidArgument("Default retention period is too large.", "DefaultRetention", period);
    }
    stored = Days !== undefined ? { Mode: Mode as LockMode, Days } : { Mode: Mode as LockMode, Years: Years as number };
  }
  if (DefaultEventHold !== undefined) stored = { ...{}, ...stored, DefaultEventHold: xmlHoldDuration(DefaultEventHold, "DefaultEventHold") };
  return { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: stored } };
}

/** A duration in an XML document: exactly one of Days and Years (else MalformedXML, as DefaultRetention's period), within AWS's range. */
function xmlHoldDuration(duration: HoldDuration, argument: string): HoldDuration {
  if ((duration.Days === undefined) === (duration.Years === undefined)) throw s3DomainErrors.MalformedXML();
  return checkedHoldDuration(duration, argument);
}

function checkedHoldDuration(duration: HoldDuration, argument: string): HoldDuration {
  const { Days, Years } = duration;
  const value = (Days ?? Years) as number;
  const max = Days !== undefined ? MAX_RETENTION_DAYS : MAX_RETENTION_YEARS;
  if (!Number.isInteger(value) || value < 1 || value > max) throw invalidArgument(HOLD_RANGE_MESSAGE, argument, value);
  return Days !== undefined ? { Days } : { Years: value };
}

/** The duration of a write's x-amz-object-lock-event-hold-duration-* headers, if any. */
function headerHoldDuration(days: number | undefined, years: number | undefined): HoldDuration | undefined {
  if (days === undefined && years === undefined) return undefined;
  if (days !== undefined && years !== undefined) throw invalidArgument(HOLD_BOTH_MESSAGE, "x-amz-object-lock-event-hold-duration-days", days);
  return checkedHoldDuration({ ...(days !== undefined ? { Days: days } : { Years: years }) }, days !== undefined ? "x-amz-object-lock-event-hold-duration-days" : "x-amz-object-lock-event-hold-duration-years");
}

/** When a period of days or years (a default retention, an event hold's duration) that starts at `now` ends. */
export function defaultRetainUntil(retention: HoldDuration | DefaultRetention, now: number): number {
  if (retention.Days !== undefined) return now + retention.Days * DAY_MS;
  const end = new Date(now);
  end.setUTCFullYear(end.getUTCFullYear() + (retention.Years ?? 0));
  return end.getTime();
}

// --- the lock of a version -------------------------------------------------------------------

interface LockRow {
  mode: string | null;
  retain_until: number | null;
  legal_hold: string | null;
  event_hold: string | null;
  hold_days: number | null;
  hold_years: number | null;
}

const LOCK_COLUMNS = "mode, retain_until, legal_hold, event_hold, hold_days, hold_years";

function fromRow(row: LockRow | undefined): VersionLock | undefined {
  if (!row) return undefined;
  const holdDuration = row.hold_days !== null ? { Days: row.hold_days } : row.hold_years !== null ? { Years: row.hold_years } : null;
  return { mode: row.mode as LockMode | null, retainUntil: row.retain_until, legalHold: row.legal_hold as LegalHold | null, eventHold: row.event_hold as EventHold | null, holdDuration };
}

function lockValues(lock: VersionLock): [string | null, number | null, string | null, string | null, number | null, number | null] {
  return [lock.mode, lock.retainUntil, lock.legalHold, lock.eventHold ?? null, lock.holdDuration?.Days ?? null, lock.holdDuration?.Years ?? null];
}

export function versionLock(store: S3Store, seq: number): VersionLock | undefined {
  return fromRow(store.db.prepare<[number], LockRow>(`SELECT ${LOCK_COLUMNS} FROM s3_object_locks WHERE seq = ?`).get(seq));
}

export function setVersionLock(store: S3Store, seq: number, lock: VersionLock): void {
  store.db
    .prepare(
      `INSERT INTO s3_object_locks (seq, ${LOCK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (seq) DO UPDATE SET mode = excluded.mode, retain_until = excluded.retain_until, legal_hold = excluded.legal_hold, event_hold = excluded.event_hold, hold_days = excluded.hold_days, hold_years = excluded.hold_years`,
    )
    .run(seq, ...lockValues(lock));
}

export function uploadLock(store: S3Store, uploadId: string): VersionLock | undefined {
  return fromRow(store.db.prepare<[string], LockRow>(`SELECT ${LOCK_COLUMNS} FROM s3_upload_locks WHERE upload_id = ?`).get(uploadId));
}

export function setUploadLock(store: S3Store, uploadId: string, lock: VersionLock): void {
  store.db.prepare(`INSERT INTO s3_upload_locks (upload_id, ${LOCK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(uploadId, ...lockValues(lock));
}

/** The x-amz-object-lock-event-hold* headers (GetObject, HeadObject) of a version that has or had an event hold. */
function holdOutput(lock: VersionLock): { ObjectLockEventHold?: string; ObjectLockEventHoldDurationDays?: number; ObjectLockEventHoldDurationYears?: number } {
  if (lock.eventHold === null || lock.eventHold === undefined) return {};
  const duration = lock.holdDuration;
  return {
    ObjectLockEventHold: lock.eventHold,
    ...(duration?.Days !== undefined ? { ObjectLockEventHoldDurationDays: duration.Days } : {}),
    ...(duration?.Years !== undefined ? { ObjectLockEventHoldDurationYears: duration.Years } : {}),
  };
}

/** The x-amz-object-lock-* response headers of a version (GetObject, HeadObject). */
export function lockOutput(
  store: S3Store,
  bucket: BucketRow,
  row: ObjectRow,
): { ObjectLockMode?: string; ObjectLockRetainUntilDate?: Date; ObjectLockLegalHoldStatus?: string; ObjectLockEventHold?: string; ObjectLockEventHoldDurationDays?: number; ObjectLockEventHoldDurationYears?: number } {
  // Only versioned buckets can hold locks: the others skip the lookup.
  if (bucket.versioning === null) return {};
  const lock = versionLock(store, row.seq);
  if (!lock) return {};
  return {
    ...{}, ...(lock.mode !== null && lock.retainUntil !== null ? { ObjectLockMode: lock.mode, ObjectLockRetainUntilDate: new Date(lock.retainUntil) } : {}),
    ...(lock.legalHold !== null ? { ObjectLockLegalHoldStatus: lock.legalHold } : {}),
    ...holdOutput(lock),
  };
}

// --- writes --------------------------------------------------------------------------------

export interface LockHeaders {
  readonly ObjectLockMode?: string;
  readonly ObjectLockRetainUntilDate?: Date;
  readonly ObjectLockLegalHoldStatus?: string;
  readonly ObjectLockEventHold?: string;
  readonly ObjectLockEventHoldDurationDays?: number;
  readonly ObjectLockEventHoldDurationYears?: number;
}

/** Whether a write names any Object Lock parameter of its own (CreateMultipartUpload keeps them for the completed object). */
export function namesLock(input: LockHeaders): boolean {
  return (
    input.ObjectLockMode !== undefined ||
    input.ObjectLockRetainUntilDate !== undefined ||
    input.ObjectLockLegalHoldStatus !== undefined ||
    input.ObjectLockEventHold !== undefined ||
    input.ObjectLockEventHoldDurationDays !== undefined ||
    input.ObjectLockEventHoldDurationYears !== undefined
  );
}

type DefaultLock = Pick<VersionLock, "mode" | "retainUntil" | "eventHold" | "holdDuration">;

/**
 * What the bucket's defaults give a new version that names no lock of its own: the default
 * retention from now, and an event hold with the DefaultEventHold duration. A hold with no
 * default Mode runs, once released, in HOLD_MODE_FALLBACK.
 */
function defaultLock(defaults: DefaultRetention | undefined, now: number): DefaultLock {
  const fixed = defaults?.Mode !== undefined;
  const hold = defaults?.DefaultEventHold;
  return {
    mode: fixed ? (defaults?.Mode ?? null) : hold !== undefined ? HOLD_MODE_FALLBACK : null,
    retainUntil: fixed && defaults !== undefined ? defaultRetainUntil(defaults, now) : null,
    eventHold: hold !== undefined ? "ON" : null,
    holdDuration: hold ?? null,
  };
}

export type IntegrityHeaders = ChecksumHeaders & { readonly ContentMD5?: string };

export interface WriteLock {
  readonly lock: VersionLock;
  /** The request named lock parameters, or the bucket's default retention applies. */
  readonly hasRetentionOrHold: boolean;
}

function futureDate(date: Date, now: number): number {
  const at = date.getTime();
  if (Number.isNaN(at) || at <= now) throw invalidArgument("The retain until date must be in the future!");
  return at;
}

/**
 * The lock a new version gets from a write's x-amz-object-lock-* headers and the bucket's
 * default retention; undefined for buckets without Object Lock (which refuse the headers).
 */
export function resolveWriteLock(store: S3Store, bucket: BucketRow, input: LockHeaders, now: number): WriteLock | undefined {
  const { ObjectLockMode: mode, ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: hold, ObjectLockEventHold: eventHold } = input;
  const named = namesLock(input);
  // Locked buckets are always versioned: plain writes to other buckets skip the lookup.
  if (!named && bucket.versioning !== "Enabled") return undefined;
  const config = bucketLockConfiguration(store, bucket.name);
  if (!config) {
    // The writes (PutObject, CopyObject, CreateMultipartUpload) spell it without spaces, unlike
    // the retention and legal-hold operations (requireLockEnabled): the AWS CLI's answer quoted
    // in versity/versitygw#1751.
    if (named) throw invalidRequest("Bucket is missing ObjectLockConfiguration");
    return undefined;
  }
  if (eventHold !== undefined && eventHold !== "ON" && eventHold !== "OFF") throw invalidArgument(HOLD_VALUE_MESSAGE, "x-amz-object-lock-event-hold", eventHold);
  const holding = eventHold === "ON";
  // A mode without a date is the mode the retention takes when the hold is released (Nimbus's
  // reading: the v3 schema lets ObjectLockRetention carry Mode with EventHold and no date); a
  // date without a mode, or a mode alone without a hold, is AWS's error as before.
  if (until !== undefined ? mode === undefined : mode !== undefined && !holding) {
    throw invalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied", "x-amz-object-lock-mode", mode ?? "");
  }
  if (mode !== undefined && !MODES.includes(mode)) throw invalidArgument("Unknown wormMode directive.", "x-amz-object-lock-mode", mode);
  // AWS's wording, single quotes and all (the AWS CLI's answer quoted in versity/versitygw#1141).
  if (hold !== undefined && hold !== "ON" && hold !== "OFF") throw invalidArgument("Legal Hold must be either of 'ON' or 'OFF'", "x-amz-object-lock-legal-hold", hold);
  const duration = headerHoldDuration(input.ObjectLockEventHoldDurationDays, input.ObjectLockEventHoldDurationYears);
  if (duration !== undefined && !holding) throw invalidArgument(HOLD_REQUIRED_MESSAGE, "x-amz-object-lock-event-hold", eventHold ?? "");
  const defaults = config.Rule?.DefaultRetention;
  const fallback = defaultLock(defaults, now);
  const holdDuration = holding ? (duration ?? defaults?.DefaultEventHold) : undefined;
  if (holding && holdDuration === undefined) throw invalidArgument(DURATION_REQUIRED_MESSAGE, "x-amz-object-lock-event-hold-duration-days", "");
  let lock: VersionLock;
  if (mode !== undefined && until !== undefined) {
    // The request's own retention: no default applies ("unless an object's upload request
    // specifies its own Object Lock settings", CloudFormation DefaultEventHold).
    lock = { mode: mode as LockMode, retainUntil: futureDate(until, now), legalHold: null, eventHold: holding ? "ON" : null, holdDuration: holdDuration ?? null };
  } else if (eventHold !== undefined) {
    // The request's own event hold (or its refusal of one, OFF) replaces the default hold; the
    // default retention still runs from now, as it does beside a request's legal hold.
    lock = {
      mode: (mode as LockMode | undefined) ?? (fallback.retainUntil !== null ? fallback.mode : holding ? HOLD_MODE_FALLBACK : null),
      retainUntil: fallback.retainUntil,
      legalHold: null,
      eventHold: holding ? "ON" : null,
      holdDuration: holdDuration ?? null,
    };
  } else {
    lock = { ...{}, ...fallback, legalHold: null };
  }
  lock = { ...{}, ...lock, legalHold: (hold as LegalHold | undefined) ?? null };
  return { lock, hasRetentionOrHold: named || lock.mode !== null || lock.eventHold === "ON" };
}

/**
 * S3 wants an integrity check on uploads that carry lock parameters (named or by default
 * retention): Content-MD5 or an x-amz-checksum-* value (header or trailer, announced by
 * x-amz-sdk-checksum-algorithm).
 */
export function requireIntegrity(input: IntegrityHeaders, lock: WriteLock | undefined, what: "Put Object" | "Put Part"): void {
  if (!lock?.hasRetentionOrHold) return;
  const has = input.ContentMD5 !== undefined || input.ChecksumAlgorithm !== undefined || CHECKSUM_ALGORITHMS.some((a) => input[checksumMember(a)] !== undefined);
  if (!has) throw invalidRequest(`Content-MD5 OR x-amz-checksum- HTTP header is required for ${what} requests with Object Lock parameters`);
}

/** Records a new version's lock; inside the write's transaction, after the version row exists. */
export function applyWriteLock(store: S3Store, seq: number, lock: WriteLock | undefined): void {
  if (!lock) return;
  const { mode, legalHold, eventHold } = lock.lock;
  if (mode === null && legalHold === null && (eventHold ?? null) === null) return;
  setVersionLock(store, seq, lock.lock);
}

/**
 * The lock a replica gets. S3 applies the source version's retention to the replica, over
 * the destination's default retention, and carries its legal hold; a source version without
 * retention takes the destination's default, as a new write there would. An event hold (held
 * or released) travels as retention does: the replica is held, or retained from the source's
 * release, with the source's duration and mode. A destination without Object Lock cannot hold
 * a locked version: "refused" (the source reads FAILED).
 */
export function replicaLock(store: S3Store, source: ObjectRow, destination: BucketRow, now: number): VersionLock | undefined | "refused" {
  if (source.delete_marker) return undefined;
  const own = versionLock(store, source.seq);
  const config = bucketLockConfiguration(store, destination.name);
  if (!config) return own !== undefined && (own.mode !== null || own.legalHold === "ON" || own.eventHold === "ON") ? "refused" : undefined;
  const retained = own !== undefined && ((own.mode !== null && own.retainUntil !== null) || (own.eventHold ?? null) !== null);
  const lock: VersionLock = {
    ...{},
    ...(retained
      ? { mode: own.mode, retainUntil: own.retainUntil, eventHold: own.eventHold ?? null, holdDuration: own.holdDuration ?? null }
      : defaultLock(config.Rule?.DefaultRetention, now)),
    legalHold: own?.legalHold ?? null,
  };
  return lock.mode === null && lock.legalHold === null && lock.eventHold === null ? undefined : lock;
}

// --- deletes -------------------------------------------------------------------------------

/** Why a version cannot be permanently deleted now, or undefined when it can. */
export function lockBlocksDelete(lock: VersionLock | undefined, now: number, bypassGovernance: boolean): "legal-hold" | "event-hold" | "compliance" | "governance" | undefined {
  if (!lock) return undefined;
  if (lock.legalHold === "ON") return "legal-hold";
  // An active event hold protects like a legal hold, whatever the bypass: "remain protected
  // while the hold is active" (CloudFormation DefaultEventHold).
  if (lock.eventHold === "ON") return "event-hold";
  if (lock.mode === null || lock.retainUntil === null || lock.retainUntil <= now) return undefined;
  if (lock.mode === "COMPLIANCE") return "compliance";
  return bypassGovernance ? undefined : "governance";
}

/** Throws AccessDenied when the version is protected (DeleteObject/DeleteObjects with a version id). */
export function assertDeletable(store: S3Store, bucket: BucketRow, row: ObjectRow, now: number, bypassGovernance: boolean): void {
  if (bucket.versioning === null || row.delete_marker) return;
  if (lockBlocksDelete(versionLock(store, row.seq), now, bypassGovernance) !== undefined) throw objectLockErrors.Locked();
}

/** Lifecycle: a version S3 itself must not remove yet (no bypass for lifecycle). */
export function lockedAgainstLifecycle(store: S3Store, row: ObjectRow, now: number): boolean {
  return !row.delete_marker && lockBlocksDelete(versionLock(store, row.seq), now, false) !== undefined;
}

// --- retention and legal hold changes ------------------------------------------------------

/**
 * The retention a PutObjectRetention may set on a version that has `current`: COMPLIANCE
 * only lengthens; GOVERNANCE may be shortened, removed or loosened only with the bypass
 * header; an expired retention no longer binds.
 */
export function checkRetentionChange(current: VersionLock | undefined, next: { mode: LockMode; retainUntil: number } | undefined, now: number, bypassGovernance: boolean): void {
  if (!current || current.mode === null || current.retainUntil === null || current.retainUntil <= now) return;
  const weakens = next === undefined || next.retainUntil < current.retainUntil || (current.mode === "COMPLIANCE" && next.mode !== "COMPLIANCE");
  if (!weakens) return;
  if (current.mode === "COMPLIANCE" || !bypassGovernance) throw objectLockErrors.Locked();
}

/** Parses a Retention document: both members or neither (removal). */
export function parseRetention(retention: { Mode?: string; RetainUntilDate?: Date } | undefined, now: number): { mode: LockMode; retainUntil: number } | undefined {
  const mode = retention?.Mode;
  const until = retention?.RetainUntilDate;
  if (mode === undefined && until === undefined) return undefined;
  if (mode === undefined || until === undefined || !MODES.includes(mode)) throw s3DomainErrors.MalformedXML();
  return { mode: mode as LockMode, retainUntil: futureDate(until, now) };
}

export interface RetentionDocument {
  readonly Mode?: string;
  readonly RetainUntilDate?: Date;
  readonly EventHold?: string;
  readonly EventHoldDuration?: HoldDuration;
}

/**
 * The lock a PutObjectRetention leaves on a version that has `current`. Without EventHold and
 * EventHoldDuration it is the fixed retention as before (an active event hold stays). With
 * EventHold ON it places (or keeps) a hold on the version, existing ones too, as Batch
 * Operations does "on existing objects at scale" (S3 User Guide, batch-ops-retention-date);
 * with OFF it releases it: the retain-until date becomes the release time plus the duration.
 *
 * Where the docs are silent, Nimbus's choices: a release never shortens a fixed retention that
 * still runs (the later date wins, as COMPLIANCE only lengthens); while a hold is ON, a shorter
 * duration or COMPLIANCE turned GOVERNANCE is the weakening checkRetentionChange refuses; a
 * hold's mode is the request's Mode, else the version's, else the bucket default's, else
 * HOLD_MODE_FALLBACK.
 */
export function nextRetention(current: VersionLock | undefined, retention: RetentionDocument | undefined, defaults: DefaultRetention | undefined, now: number, bypassGovernance: boolean): VersionLock {
  const legalHold = current?.legalHold ?? null;
  const eventHold = retention?.EventHold;
  const durationDoc = retention?.EventHoldDuration;
  const held = current?.eventHold === "ON";
  if (eventHold === undefined && durationDoc === undefined) {
    const next = parseRetention(retention, now);
    checkRetentionChange(current, next, now, bypassGovernance);
    return {
      mode: next?.mode ?? (held ? (current?.mode ?? null) : null),
      retainUntil: next?.retainUntil ?? null,
      legalHold,
      eventHold: current?.eventHold ?? null,
      holdDuration: current?.holdDuration ?? null,
    };
  }
  if (eventHold !== undefined && eventHold !== "ON" && eventHold !== "OFF") throw s3DomainErrors.MalformedXML();
  const duration = durationDoc !== undefined ? xmlHoldDuration(durationDoc, "EventHoldDuration") : undefined;
  if (duration !== undefined && eventHold !== "ON") throw invalidArgument(HOLD_REQUIRED_MESSAGE, "EventHold", eventHold ?? "");
  const mode = retention?.Mode;
  if (mode !== undefined && !MODES.includes(mode)) throw s3DomainErrors.MalformedXML();
  const until = retention?.RetainUntilDate;
  if (until !== undefined && mode === undefined) throw s3DomainErrors.MalformedXML();
  const fixed = mode !== undefined && until !== undefined ? { mode: mode as LockMode, retainUntil: futureDate(until, now) } : undefined;
  const running = current !== undefined && current.mode !== null && current.retainUntil !== null && current.retainUntil > now ? current.retainUntil : null;

  if (eventHold === "OFF") {
    if (mode !== undefined && fixed === undefined) throw s3DomainErrors.MalformedXML();
    let released: VersionLock = current ?? { mode: null, retainUntil: null, legalHold: null };
    if (held && current !== undefined) {
      const end = defaultRetainUntil(current.holdDuration ?? {}, now);
      released = { ...{}, ...current, mode: current.mode ?? HOLD_MODE_FALLBACK, retainUntil: running !== null && running > end ? running : end, eventHold: "OFF" };
    }
    if (fixed === undefined) return released;
    checkRetentionChange(released, fixed, now, bypassGovernance);
    return { ...{}, ...released, mode: fixed.mode, retainUntil: fixed.retainUntil };
  }

  const holdDuration = duration ?? (held ? current?.holdDuration : undefined) ?? defaults?.DefaultEventHold;
  if (holdDuration === undefined) throw invalidArgument(DURATION_REQUIRED_MESSAGE, "EventHoldDuration", "");
  const holdMode = (mode as LockMode | undefined) ?? current?.mode ?? defaults?.Mode ?? HOLD_MODE_FALLBACK;
  if (fixed !== undefined) checkRetentionChange(current, fixed, now, bypassGovernance);
  else if (running !== null) checkRetentionChange(current, { mode: holdMode, retainUntil: running }, now, bypassGovernance);
  if (held && current !== undefined && current.holdDuration) {
    // A hold in place binds as the retention it will become: measured from the same instant.
    const weakens = defaultRetainUntil(holdDuration, now) < defaultRetainUntil(current.holdDuration, now) || (current.mode === "COMPLIANCE" && holdMode !== "COMPLIANCE");
    if (weakens && (current.mode !== "GOVERNANCE" || !bypassGovernance)) throw objectLockErrors.Locked();
  }
  return {
    mode: holdMode,
    retainUntil: fixed?.retainUntil ?? running,
    legalHold,
    eventHold: "ON",
    holdDuration,
  };
}

/** GetObjectRetention's Retention of a version, or undefined when it has neither retention nor event hold. */
export function retentionOutput(lock: VersionLock | undefined): { Mode?: string; RetainUntilDate?: Date; EventHold?: string; EventHoldDuration?: HoldDuration } | undefined {
  if (!lock) return undefined;
  const retained = lock.mode !== null && lock.retainUntil !== null;
  const hold = lock.eventHold ?? null;
  if (!retained && hold === null) return undefined;
  return {
    ...{},
    ...(lock.mode !== null ? { Mode: lock.mode } : {}),
    ...(lock.retainUntil !== null ? { RetainUntilDate: new Date(lock.retainUntil) } : {}),
    ...(hold !== null ? { EventHold: hold } : {}),
    ...(hold !== null && lock.holdDuration ? { EventHoldDuration: lock.holdDuration } : {}),
  };
}

export function requireLockEnabled(store: S3Store, bucket: BucketRow): BucketLockConfiguration {
  const config = bucketLockConfiguration(store, bucket.name);
  if (!config) throw invalidRequest("Bucket is missing Object Lock Configuration");
  return config;
}

/** Turning Object Lock on: versioning Enabled for good, and the configuration document. Inside a transaction. */
export function enableObjectLock(store: S3Store, bucket: string, config: BucketLockConfiguration = { ObjectLockEnabled: "Enabled" }): void {
  store.setBucketField(bucket, "versioning", "Enabled");
  store.setConfig(bucket, "objectLock", config);
}

/** The InvalidBucketState refusal of suspending versioning on a locked bucket. */
export function checkVersioningChange(store: S3Store, bucket: BucketRow, status: string | undefined): void {
  if (status === "Suspended" && bucketLockConfiguration(store, bucket.name) !== undefined) throw objectLockErrors.VersioningLocked();
}
