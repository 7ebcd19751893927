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

export interface DefaultRetention {
  readonly Mode: LockMode;
  readonly Days?: number;
  readonly Years?: number;
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

/** "The number of days/years that you want to specify for the default retention period": AWS caps them at 100 years. */
const MAX_RETENTION_DAYS = 36_500;
const MAX_RETENTION_YEARS = 100;
const DAY_MS = 86_400_000;

const MODES: readonly string[] = ["GOVERNANCE", "COMPLIANCE"];

// --- bucket configuration --------------------------------------------------------------------

export function bucketLockConfiguration(store: S3Store, bucket: string): BucketLockConfiguration | undefined {
  return store.config<BucketLockConfiguration>(bucket, "objectLock");
}

/** Validates a PutObjectLockConfiguration document; returns it as stored. */
export function validateLockConfiguration(config: { ObjectLockEnabled?: string; Rule?: { DefaultRetention?: { Mode?: string; Days?: number; Years?: number } } } | undefined): BucketLockConfiguration {
  if (config === undefined || config.ObjectLockEnabled !== "Enabled") throw s3DomainErrors.MalformedXML();
  if (config.Rule === undefined) return { ObjectLockEnabled: "Enabled" };
  const retention = config.Rule.DefaultRetention;
  if (retention === undefined || retention.Mode === undefined || !MODES.includes(retention.Mode)) throw s3DomainErrors.MalformedXML();
  const { Days, Years } = retention;
  // Exactly one period.
  if ((Days === undefined) === (Years === undefined)) throw s3DomainErrors.MalformedXML();
  const period = (Days ?? Years) as number;
  if (!Number.isInteger(period) || period <= 0) throw invalidArgument("Default retention period must be a positive integer value.", "DefaultRetention", period);
  if ((Days !== undefined && Days > MAX_RETENTION_DAYS) || (Years !== undefined && Years > MAX_RETENTION_YEARS)) {
    throw invalidArgument("Default retention period is too large.", "DefaultRetention", period);
  }
  const mode = retention.Mode as LockMode;
  return { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: Days !== undefined ? { Mode: mode, Days } : { Mode: mode, Years: Years as number } } };
}

/** When a default retention period that starts at `now` ends. */
export function defaultRetainUntil(retention: DefaultRetention, now: number): number {
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
}

function fromRow(row: LockRow | undefined): VersionLock | undefined {
  if (!row) return undefined;
  return { mode: row.mode as LockMode | null, retainUntil: row.retain_until, legalHold: row.legal_hold as LegalHold | null };
}

export function versionLock(store: S3Store, seq: number): VersionLock | undefined {
  return fromRow(store.db.prepare<[number], LockRow>("SELECT mode, retain_until, legal_hold FROM s3_object_locks WHERE seq = ?").get(seq));
}

export function setVersionLock(store: S3Store, seq: number, lock: VersionLock): void {
  store.db
    .prepare("INSERT INTO s3_object_locks (seq, mode, retain_until, legal_hold) VALUES (?, ?, ?, ?) ON CONFLICT (seq) DO UPDATE SET mode = excluded.mode, retain_until = excluded.retain_until, legal_hold = excluded.legal_hold")
    .run(seq, lock.mode, lock.retainUntil, lock.legalHold);
}

export function uploadLock(store: S3Store, uploadId: string): VersionLock | undefined {
  return fromRow(store.db.prepare<[string], LockRow>("SELECT mode, retain_until, legal_hold FROM s3_upload_locks WHERE upload_id = ?").get(uploadId));
}

export function setUploadLock(store: S3Store, uploadId: string, lock: VersionLock): void {
  store.db.prepare("INSERT INTO s3_upload_locks (upload_id, mode, retain_until, legal_hold) VALUES (?, ?, ?, ?)").run(uploadId, lock.mode, lock.retainUntil, lock.legalHold);
}

/** The x-amz-object-lock-* response headers of a version (GetObject, HeadObject). */
export function lockOutput(store: S3Store, bucket: BucketRow, row: ObjectRow): { ObjectLockMode?: string; ObjectLockRetainUntilDate?: Date; ObjectLockLegalHoldStatus?: string } {
  // Only versioned buckets can hold locks: the others skip the lookup.
  if (bucket.versioning === null) return {};
  const lock = versionLock(store, row.seq);
  if (!lock) return {};
  return {
    ...{}, ...(lock.mode !== null && lock.retainUntil !== null ? { ObjectLockMode: lock.mode, ObjectLockRetainUntilDate: new Date(lock.retainUntil) } : {}),
    ...(lock.legalHold !== null ? { ObjectLockLegalHoldStatus: lock.legalHold } : {}),
  };
}

// --- writes --------------------------------------------------------------------------------

export interface LockHeaders {
  readonly ObjectLockMode?: string;
  readonly ObjectLockRetainUntilDate?: Date;
  readonly ObjectLockLegalHoldStatus?: string;
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
  const { ObjectLockMode: mode, ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: hold } = input;
  const named = mode !== undefined || until !== undefined || hold !== undefined;
  // Locked buckets are always versioned: plain writes to other buckets skip the lookup.
  if (!named && bucket.versioning !== "Enabled") return undefined;
  const config = bucketLockConfiguration(store, bucket.name);
  if (!config) {
    if (named) throw invalidRequest("Bucket is missing Object Lock Configuration");
    return undefined;
  }
  if ((mode === undefined) !== (until === undefined)) {
    throw invalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied", "x-amz-object-lock-mode", mode ?? "");
  }
  if (mode !== undefined && !MODES.includes(mode)) throw invalidArgument("Unknown wormMode directive.", "x-amz-object-lock-mode", mode);
  if (hold !== undefined && hold !== "ON" && hold !== "OFF") throw invalidArgument('Legal Hold must be either of "ON" or "OFF"', "x-amz-object-lock-legal-hold", hold);
  const defaults = config.Rule?.DefaultRetention;
  let lockMode: LockMode | null = null;
  let retainUntil: number | null = null;
  if (mode !== undefined && until !== undefined) {
    lockMode = mode as LockMode;
    retainUntil = futureDate(until, now);
  } else if (defaults) {
    lockMode = defaults.Mode;
    retainUntil = defaultRetainUntil(defaults, now);
  }
  return {
    lock: { mode: lockMode, retainUntil, legalHold: (hold as LegalHold | undefined) ?? null },
    hasRetentionOrHold: named || defaults !== undefined,
  };
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
  const { mode, retainUntil, legalHold } = lock.lock;
  if (mode === null && legalHold === null) return;
  setVersionLock(store, seq, lock.lock);
}

/**
 * The lock a replica gets. S3 applies the source version's retention to the replica, over
 * the destination's default retention, and carries its legal hold; a source version without
 * retention takes the destination's default, as a new write there would. A destination
 * without Object Lock cannot hold a locked version: "refused" (the source reads FAILED).
 */
export function replicaLock(store: S3Store, source: ObjectRow, destination: BucketRow, now: number): VersionLock | undefined | "refused" {
  if (source.delete_marker) return undefined;
  const own = versionLock(store, source.seq);
  const config = bucketLockConfiguration(store, destination.name);
  if (!config) return own !== undefined && (own.mode !== null || own.legalHold === "ON") ? "refused" : undefined;
  const defaults = config.Rule?.DefaultRetention;
  const retained = own !== undefined && own.mode !== null && own.retainUntil !== null;
  const lock: VersionLock = {
    mode: retained ? own.mode : (defaults?.Mode ?? null),
    retainUntil: retained ? own.retainUntil : defaults ? defaultRetainUntil(defaults, now) : null,
    legalHold: own?.legalHold ?? null,
  };
  return lock.mode === null && lock.legalHold === null ? undefined : lock;
}

// --- deletes -------------------------------------------------------------------------------

/** Why a version cannot be permanently deleted now, or undefined when it can. */
export function lockBlocksDelete(lock: VersionLock | undefined, now: number, bypassGovernance: boolean): "legal-hold" | "compliance" | "governance" | undefined {
  if (!lock) return undefined;
  if (lock.legalHold === "ON") return "legal-hold";
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
