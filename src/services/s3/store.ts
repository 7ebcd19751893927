/**
 * S3's state over the state layer: buckets, object versions, multipart uploads and parts in
 * SQLite, bodies in the blob store. Every row that holds a body holds one reference to its
 * blob, taken (`retain`) and dropped (`release`) in the same transaction as the row.
 *
 * Listing is a range scan: `key` is TEXT with SQLite's BINARY collation, which compares the
 * UTF-8 bytes, the order S3 lists in; partial indexes keep the current versions apart so a
 * page of ListObjectsV2 never walks old versions or delete markers.
 */
import { createHash } from "node:crypto";
import { pooledRandomBytes } from "../../core/random.js";
import type { ServiceEnvironment } from "../../core/service.js";
import type { BlobStore } from "../../state/blob-store.js";
import { cachedPrepare, type Database, type StateLayer } from "../../state/database.js";
import { RowCache } from "../../state/row-cache.js";
import type { BatchDeleted } from "./domain/access-log.js";
import { prefixUpperBound, type KeyScan, type ScanFrom } from "./domain/listing.js";
import { newVersionId, nextVersionStamp, versionPosition, versionStamp } from "./domain/version-ids.js";
import { EVENT_HOLD_MIGRATION, OBJECT_LOCK_MIGRATION } from "./object-lock.js";

export const S3_MIGRATIONS: readonly string[] = [
  // Bucket names are global across accounts and regions: keyed by name alone, with the
  // owning account and the bucket's region as data.
  `CREATE TABLE s3_buckets (
     name        TEXT    PRIMARY KEY,
     account_id  TEXT    NOT NULL,
     region      TEXT    NOT NULL,
     created_at  INTEGER NOT NULL,
     versioning  TEXT,
     mfa_delete  TEXT,
     tags        TEXT,
     cors        TEXT,
     notifications TEXT
   ) WITHOUT ROWID;
   CREATE INDEX s3_buckets_owner ON s3_buckets (account_id, name);

   CREATE TABLE s3_objects (
     seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
     bucket              TEXT    NOT NULL REFERENCES s3_buckets (name),
     key                 TEXT    NOT NULL,
     version_id          TEXT    NOT NULL,
     is_latest           INTEGER NOT NULL,
     delete_marker       INTEGER NOT NULL,
     blob_id             TEXT,
     size                INTEGER NOT NULL,
     etag                TEXT    NOT NULL,
     last_modified       INTEGER NOT NULL,
     content_type        TEXT,
     content_encoding    TEXT,
     content_disposition TEXT,
     content_language    TEXT,
     cache_control       TEXT,
     expires             INTEGER,
     website_redirect    TEXT,
     metadata            TEXT    NOT NULL,
     tags                TEXT    NOT NULL,
     storage_class       TEXT    NOT NULL,
     checksum_algorithm  TEXT,
     checksum_value      TEXT,
     checksum_type       TEXT,
     parts_count         INTEGER,
     part_sizes          TEXT,
     acl                 TEXT,
     encryption          TEXT,
     restore_completes_at INTEGER,
     restore_expires_at  INTEGER,
     owner_account       TEXT    NOT NULL
   );
   CREATE UNIQUE INDEX s3_objects_version ON s3_objects (bucket, key, version_id);
   CREATE INDEX s3_objects_history ON s3_objects (bucket, key, seq);
   CREATE INDEX s3_objects_current ON s3_objects (bucket, key) WHERE is_latest = 1 AND delete_marker = 0;

   CREATE TABLE s3_uploads (
     upload_id          TEXT    PRIMARY KEY,
     bucket             TEXT    NOT NULL REFERENCES s3_buckets (name),
     key                TEXT    NOT NULL,
     initiated          INTEGER NOT NULL,
     owner_account      TEXT    NOT NULL,
     content_type       TEXT,
     content_encoding   TEXT,
     content_disposition TEXT,
     content_language   TEXT,
     cache_control      TEXT,
     expires            INTEGER,
     website_redirect   TEXT,
     metadata           TEXT    NOT NULL,
     tags               TEXT    NOT NULL,
     storage_class      TEXT    NOT NULL,
     checksum_algorithm TEXT,
     acl                TEXT,
     encryption         TEXT
   ) WITHOUT ROWID;
   CREATE INDEX s3_uploads_by_key ON s3_uploads (bucket, key, upload_id);

   -- Bucket sub-resources kept as documents (policy, website, accelerate, encryption,
   -- ownership controls, ACL...), one row per kind.
   CREATE TABLE s3_bucket_config (
     bucket TEXT NOT NULL REFERENCES s3_buckets (name) ON DELETE CASCADE,
     kind   TEXT NOT NULL,
     value  TEXT NOT NULL,
     PRIMARY KEY (bucket, kind)
   ) WITHOUT ROWID;

   CREATE TABLE s3_parts (
     upload_id     TEXT    NOT NULL REFERENCES s3_uploads (upload_id) ON DELETE CASCADE,
     part_number   INTEGER NOT NULL,
     blob_id       TEXT    NOT NULL,
     size          INTEGER NOT NULL,
     etag          TEXT    NOT NULL,
     checksum      TEXT,
     last_modified INTEGER NOT NULL,
     PRIMARY KEY (upload_id, part_number)
   ) WITHOUT ROWID;`,
  // Replication status of versions, and finding restores still in progress at start-up.
  `ALTER TABLE s3_objects ADD COLUMN replication_status TEXT;
   CREATE INDEX s3_objects_restores ON s3_objects (restore_completes_at) WHERE restore_completes_at IS NOT NULL;`,
  // Object Lock: retention and legal hold of versions and of uploads in progress (object-lock.ts).
  OBJECT_LOCK_MIGRATION,
  // Multipart checksums: the type (COMPOSITE, FULL_OBJECT) an upload was created with, and the
  // parts' checksums of a completed object (GetObjectAttributes' ObjectParts).
  `ALTER TABLE s3_uploads ADD COLUMN checksum_type TEXT;
   ALTER TABLE s3_objects ADD COLUMN part_checksums TEXT;`,
  // Server access log records waiting for delivery (access-log.ts). Each names where it goes, as
  // the source's logging configuration said when the request was made: no reference to the
  // buckets, so a record outlives a configuration changed or removed before delivery.
  `CREATE TABLE s3_access_log_records (
     seq            INTEGER PRIMARY KEY AUTOINCREMENT,
     source_bucket  TEXT    NOT NULL,
     source_account TEXT    NOT NULL,
     source_region  TEXT    NOT NULL,
     target_bucket  TEXT    NOT NULL,
     target_prefix  TEXT    NOT NULL,
     key_format     TEXT    NOT NULL,
     time           INTEGER NOT NULL,
     line           TEXT    NOT NULL
   );`,
  // The account that will own an upload's object when it is not the initiator's (Object
  // Ownership BucketOwnerPreferred, access.ts objectWrite); null for the initiator.
  `ALTER TABLE s3_uploads ADD COLUMN object_owner TEXT;`,
  // The ARN of an upload's initiator when it is not an account's root user (an IAM user, an
  // assumed role): ListParts' and ListMultipartUploads' Initiator (access.ts initiatorOf).
  `ALTER TABLE s3_uploads ADD COLUMN initiator TEXT;`,
  // Event notifications a committed write owes its bucket's destinations, until they are sent
  // (notify.ts): a kill between the commit and the sending leaves them here for the next start.
  `CREATE TABLE s3_notification_outbox (
     seq    INTEGER PRIMARY KEY AUTOINCREMENT,
     event  TEXT    NOT NULL
   );`,
  // Notifications owed for later: a restore's s3:ObjectRestore:Completed when its copy is ready
  // and s3:ObjectRestore:Delete when the copy expires (restore-runner.ts), owed when the restore
  // is requested, so a restart (or a server that was down at the time) does not lose them.
  // object_seq names the version whose restore they tell of, checked again when they are due.
  `ALTER TABLE s3_notification_outbox ADD COLUMN due_at INTEGER;
   ALTER TABLE s3_notification_outbox ADD COLUMN object_seq INTEGER;
   CREATE INDEX s3_notification_outbox_objects ON s3_notification_outbox (object_seq) WHERE object_seq IS NOT NULL;`,
  // Object Lock event holds of versions and of uploads in progress (object-lock.ts).
  EVENT_HOLD_MIGRATION,
  // S3 Intelligent-Tiering access tiers (intelligent-tiering.ts): when an INTELLIGENT_TIERING
  // version was last accessed, when that is not its last_modified, and the archive tier it was
  // moved to, which holds until a restore whatever the bucket's configurations become.
  `ALTER TABLE s3_objects ADD COLUMN accessed_at INTEGER;
   ALTER TABLE s3_objects ADD COLUMN archive_tier TEXT;`,
  // The multipart upload a version was completed from: a CompleteMultipartUpload retried after
  // it succeeded answers that version again (handlers/multipart.ts completedBefore).
  `ALTER TABLE s3_objects ADD COLUMN upload_id TEXT;`,
  // Where a deleted "null" version stood in its key's history (its seq): ListObjectVersions
  // resumes after a VersionIdMarker of "null" that is gone (see versionsOlderThan). One row per
  // key that had other versions then; they go with their bucket.
  `CREATE TABLE s3_null_places (
     bucket TEXT    NOT NULL REFERENCES s3_buckets (name) ON DELETE CASCADE,
     key    TEXT    NOT NULL,
     seq    INTEGER NOT NULL,
     PRIMARY KEY (bucket, key)
   ) WITHOUT ROWID`,
  // Expires kept as the text it was sent as (S3 answers any value back verbatim; see
  // protocol/model-patches.ts), in place of epoch milliseconds: the dates already stored are
  // written as the IMF-fixdate they were answered as.
  ...["s3_objects", "s3_uploads"].map(
    (table) => `ALTER TABLE ${table} ADD COLUMN expires_text TEXT;
   UPDATE ${table} SET expires_text =
       substr('SunMonTueWedThuFriSat', 1 + 3 * strftime('%w', expires / 1000, 'unixepoch'), 3)
       || strftime(', %d ', expires / 1000, 'unixepoch')
       || substr('JanFebMarAprMayJunJulAugSepOctNovDec', 3 * strftime('%m', expires / 1000, 'unixepoch') - 2, 3)
       || strftime(' %Y %H:%M:%S GMT', expires / 1000, 'unixepoch')
     WHERE expires IS NOT NULL;
   ALTER TABLE ${table} DROP COLUMN expires;
   ALTER TABLE ${table} RENAME COLUMN expires_text TO expires;`,
  ),
  // The versions still to replicate, found at start (replication.ts resumePendingReplication).
  `CREATE INDEX s3_objects_replication_pending ON s3_objects (seq) WHERE replication_status = 'PENDING';`,
  // Multipart uploads aborted lately: AbortMultipartUpload of one again answers 204 for a while
  // (handlers/multipart.ts abortMultipartUpload). They go with their bucket.
  `CREATE TABLE s3_aborted_uploads (
     upload_id  TEXT    PRIMARY KEY,
     bucket     TEXT    NOT NULL REFERENCES s3_buckets (name) ON DELETE CASCADE,
     key        TEXT    NOT NULL,
     aborted_at INTEGER NOT NULL
   ) WITHOUT ROWID`,
];

/** A notification in the outbox (notify.ts). */
export interface OwedNotification {
  readonly seq: number;
  /** The S3ObjectEvent, as JSON. */
  readonly event: string;
  /** When it is to go; null: at once. */
  readonly due_at: number | null;
  /** The version whose restore it tells of (restore-runner.ts); null for any other. */
  readonly object_seq: number | null;
}

export type Versioning = "Enabled" | "Suspended";

/** A server access log record waiting for delivery. */
export interface AccessLogRow {
  readonly seq: number;
  readonly source_bucket: string;
  readonly source_account: string;
  readonly source_region: string;
  readonly target_bucket: string;
  readonly target_prefix: string;
  readonly key_format: string;
  readonly time: number;
  readonly line: string;
}

export type BucketConfigKind =
  | "policy" | "website" | "accelerate" | "encryption" | "ownership" | "acl" | "publicAccessBlock" | "lifecycle" | "replication" | "logging" | "requestPayment" | "objectLock"
  // PutBucketAbac's status, "Enabled" or "Disabled" (handlers/bucket-abac.ts).
  | "abac"
  // Configurations kept by Id, each row the bucket's documents of the kind sorted by Id (handlers/id-configs.ts).
  | "analytics" | "inventory" | "metrics" | "intelligentTiering"
  // When each inventory configuration last delivered a report (inventory-runner.ts).
  | "inventoryDeliveries"
  // The legacy LocationConstraint a bucket was created with ("EU"), which GetBucketLocation answers.
  | "locationConstraint";

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface BucketRow {
  readonly name: string;
  readonly account_id: string;
  readonly region: string;
  readonly created_at: number;
  readonly versioning: Versioning | null;
  readonly mfa_delete: string | null;
  readonly tags: string | null;
  readonly cors: string | null;
  /** JSON of the normalized notification configuration (domain/notifications.ts). */
  readonly notifications: string | null;
}

/** The content headers an object (or an upload, until it completes) carries. */
export interface ObjectHeaders {
  content_type: string | null;
  content_encoding: string | null;
  content_disposition: string | null;
  content_language: string | null;
  cache_control: string | null;
  /** The Expires header as it was sent (S3 keeps any text). */
  expires: string | null;
  website_redirect: string | null;
  /** JSON object of x-amz-meta-* (names lower case, without the prefix). */
  metadata: string;
  /** JSON array of {Key, Value}. */
  tags: string;
  storage_class: string;
}

export interface ObjectRow extends ObjectHeaders {
  readonly seq: number;
  readonly bucket: string;
  readonly key: string;
  readonly version_id: string;
  readonly is_latest: number;
  readonly delete_marker: number;
  readonly blob_id: string | null;
  readonly size: number;
  readonly etag: string;
  readonly last_modified: number;
  readonly checksum_algorithm: string | null;
  readonly checksum_value: string | null;
  readonly checksum_type: string | null;
  readonly parts_count: number | null;
  /** JSON array of the part sizes of a multipart object, for GetObject/HeadObject partNumber. */
  readonly part_sizes: string | null;
  /** JSON array of the parts' checksums (base64, algorithm checksum_algorithm), in part order; null unless every part had one. */
  readonly part_checksums: string | null;
  /** JSON array of grants; null is the default (the owner's FULL_CONTROL). */
  readonly acl: string | null;
  /** JSON of how the object is encrypted (encryption.ts); null is SSE-S3. */
  readonly encryption: string | null;
  /**
   * Archived objects (GLACIER, DEEP_ARCHIVE): when a requested restore finishes and when the copy
   * expires. An Intelligent-Tiering archive tier's restore has no expiry: the object is back in
   * Frequent Access when it finishes.
   */
  readonly restore_completes_at: number | null;
  readonly restore_expires_at: number | null;
  /** INTELLIGENT_TIERING versions: the last access that counts for tiering, when later than last_modified (null: last_modified). */
  readonly accessed_at: number | null;
  /** INTELLIGENT_TIERING versions moved to ARCHIVE_ACCESS or DEEP_ARCHIVE_ACCESS (intelligent-tiering.ts). */
  readonly archive_tier: string | null;
  /** PENDING / COMPLETED / FAILED on a replicated source version, REPLICA on a copy. */
  readonly replication_status: string | null;
  readonly owner_account: string;
  /** The multipart upload this version was completed from; null for any other write. */
  readonly upload_id: string | null;
}

export type NewObject = Omit<
  ObjectRow,
  "seq" | "is_latest" | "version_id" | "bucket" | "key" | "restore_completes_at" | "restore_expires_at" | "replication_status" | "accessed_at" | "archive_tier" | "upload_id"
>;

export interface UploadRow extends ObjectHeaders {
  readonly upload_id: string;
  readonly bucket: string;
  readonly key: string;
  readonly initiated: number;
  /** The initiator's account. */
  readonly owner_account: string;
  /** The initiator's ARN when it is not the account's root user; null for the root. */
  readonly initiator: string | null;
  /** The account the completed object will belong to when not the initiator (BucketOwnerPreferred); null for the initiator. */
  readonly object_owner: string | null;
  readonly checksum_algorithm: string | null;
  /** COMPOSITE or FULL_OBJECT; null when the upload named no algorithm (S3's default CRC64NVME, FULL_OBJECT). */
  readonly checksum_type: string | null;
  readonly acl: string | null;
  readonly encryption: string | null;
}

export interface PartRow {
  readonly upload_id: string;
  readonly part_number: number;
  readonly blob_id: string;
  readonly size: number;
  readonly etag: string;
  readonly checksum: string | null;
  readonly last_modified: number;
}

/**
 * Listing entries: the columns a listing shows, and `key` as the listing engine expects.
 * Reading every column of a row costs several times more than these (a thousand-entry page
 * took 6-20 ms with `SELECT *`, under 2 ms with these).
 */
export type CurrentEntry = Pick<ObjectRow, "key" | "etag" | "size" | "last_modified" | "storage_class" | "checksum_algorithm" | "checksum_type" | "owner_account">;
/** A listed version or delete marker: a current entry's columns and its version's. */
export type ObjectEntry = CurrentEntry & Pick<ObjectRow, "version_id" | "is_latest" | "delete_marker" | "seq"> & { readonly versionId: string };
/** ListObjects and ListObjectsV2 show no version: each column less is ~0.15 µs less per entry. */
const CURRENT_COLUMNS = "key, etag, size, last_modified, storage_class, checksum_algorithm, checksum_type, owner_account";
const ENTRY_COLUMNS = `${CURRENT_COLUMNS}, version_id, is_latest, delete_marker, seq`;
/**
 * A row of CURRENT_COLUMNS read raw (an array, in their order: keep the two in step) as its
 * entry: better-sqlite3 makes a row object by looking each column's name up, which cost a
 * 1,000-entry page about as much as the rest of its scan (1,000 rows: ~2.2-3.1 ms as objects,
 * ~1.5 ms raw with this literal).
 */
const currentEntry = (r: readonly unknown[]): CurrentEntry =>
  ({ key: r[0], etag: r[1], size: r[2], last_modified: r[3], storage_class: r[4], checksum_algorithm: r[5], checksum_type: r[6], owner_account: r[7] }) as CurrentEntry;
/** A raw row of ENTRY_COLUMNS as its entry, in their order (see currentEntry). */
const versionEntry = (r: readonly unknown[]): ObjectEntry => {
  const entry: Record<string, unknown> = currentEntry(r);
  entry["version_id"] = r[8];
  entry["versionId"] = r[8];
  entry["is_latest"] = r[9];
  entry["delete_marker"] = r[10];
  entry["seq"] = r[11];
  return entry as ObjectEntry;
};
export type UploadEntry = UploadRow & { readonly uploadId: string };

/** Every column of an object row but `seq`, in the order INSERT_OBJECT binds them. */
const OBJECT_COLUMNS = [
  "bucket",
  "key",
  "version_id",
  "is_latest",
  "delete_marker",
  "blob_id",
  "size",
  "etag",
  "last_modified",
  "content_type",
  "content_encoding",
  "content_disposition",
  "content_language",
  "cache_control",
  "expires",
  "website_redirect",
  "metadata",
  "tags",
  "storage_class",
  "checksum_algorithm",
  "checksum_value",
  "checksum_type",
  "parts_count",
  "part_sizes",
  "part_checksums",
  "acl",
  "encryption",
  "restore_completes_at",
  "restore_expires_at",
  "replication_status",
  "owner_account",
  "accessed_at",
  "archive_tier",
  "upload_id",
] as const satisfies readonly (keyof ObjectRow)[];
const INSERT_OBJECT = `INSERT INTO s3_objects (${OBJECT_COLUMNS.join(", ")}) VALUES (${OBJECT_COLUMNS.map(() => "?").join(", ")})`;
/** What an overwrite in place rewrites: every column but the version's identity, none of which an index holds. */
const REWRITTEN_COLUMNS = OBJECT_COLUMNS.filter((column) => !["bucket", "key", "version_id", "is_latest", "delete_marker"].includes(column));
const REWRITE_OBJECT = `UPDATE s3_objects SET ${REWRITTEN_COLUMNS.map((column) => `${column} = ?`).join(", ")} WHERE seq = ?`;

/**
 * The 64-hex canonical user id S3 shows as Owner.ID; derived from the account so it is stable.
 * Every request names its owner and a sha256 each time showed up in profiles; accounts are few,
 * so the ids are kept.
 */
export function canonicalUserId(account: string): string {
  let id = canonicalIds.get(account);
  if (id === undefined) {
    id = createHash("sha256").update(`nimbus-canonical-user:${account}`).digest("hex");
    canonicalIds.set(account, id);
  }
  return id;
}
/**
 * DeleteObjects requests whose deleted keys wait for their access log record. A request's are
 * taken when it is recorded; this bounds what a request never recorded (logging turned off while
 * it ran) leaves behind.
 */
const BATCH_DELETES_KEPT = 1000;
/** Versions read per page by versionsOf. */
const VERSION_PAGE = 1000;
/** Current versions kept in memory for reads (a few MB of rows at most). */
const LATEST_ROWS_CACHED = 10_000;

const canonicalIds = new Map<string, string>();

export class S3Store {
  readonly db: Database;
  /** Statements compiled once per SQL text (requests run the same ones over and over). */
  private readonly prepare: Database["prepare"];
  readonly blobs: BlobStore;
  private uploadCounter = 0;
  private eventCounter = 0n;
  /** The stamp of the last version id issued (see domain/version-ids). */
  private versionStampIssued = 0;

  constructor(readonly state: StateLayer) {
    state.migrate("s3", S3_MIGRATIONS);
    this.db = state.db;
    this.prepare = cachedPrepare(state.db);
    this.blobs = state.blobs;
    this.loggingBuckets = new Set(this.bucketsWithConfig("logging"));
  }

  static create(env: ServiceEnvironment): S3Store {
    return new S3Store(env.state);
  }

  /** Bucket rows as last read: nearly every request reads its bucket's row first. */
  private readonly buckets = new RowCache<BucketRow>();
  /**
   * The current version of recently read keys, by `<bucket>/<key>` (a bucket name has no "/"):
   * a GET or HEAD reads it first, and reading a row of 30 columns cost a third of a small GET.
   * Keys with no version are remembered too (a HEAD that checks whether a key exists). Every
   * write to s3_objects below forgets what it changes, and its one INSERT is putVersion's.
   */
  private readonly latestRows = new RowCache<ObjectRow>(LATEST_ROWS_CACHED, true);

  /**
   * Bucket sub-resource documents as stored, and the ones never set, by kind and then bucket:
   * reads and writes ask for lifecycle, encryption or replication every time, and most
   * buckets have none. Callers get a fresh parse, so they may change what they are given.
   * Not one cache keyed `<bucket>/<kind>`: that key, a new string on every look-up, cost more
   * to hash than the look-up itself (every GetObject asks for the bucket's lifecycle). Each kind
   * keeps at most LATEST_ROWS_CACHED buckets' documents.
   */
  private readonly configs = new Map<BucketConfigKind, RowCache<{ readonly value: string }>>();

  private configsOf(kind: BucketConfigKind): RowCache<{ readonly value: string }> {
    let cache = this.configs.get(kind);
    if (!cache) this.configs.set(kind, (cache = new RowCache(LATEST_ROWS_CACHED, true)));
    return cache;
  }

  /**
   * The buckets with server access logging on, so a request to any other bucket is told apart by
   * one look-up (none at all while no bucket logs). A failed transaction reads it again: one
   * that turned logging off and rolled back (a full disk) left a bucket that logs out of it.
   */
  private readonly loggingBuckets: Set<string>;
  private readonly batchDeletes = new Map<string, readonly BatchDeleted[]>();

  transaction<T>(fn: () => T): T {
    try {
      return this.latestRows.guard(() => this.buckets.guard(() => this.state.transaction(fn)));
    } catch (error) {
      // What RowCache.guard does for each cache of configurations.
      this.configs.clear();
      this.loggingBuckets.clear();
      for (const bucket of this.bucketsWithConfig("logging")) this.loggingBuckets.add(bucket);
      throw error;
    }
  }

  // --- buckets -----------------------------------------------------------------------------

  bucket(name: string): BucketRow | undefined {
    return this.buckets.get(name, () => this.prepare<[string], BucketRow>("SELECT * FROM s3_buckets WHERE name = ?").get(name));
  }

  insertBucket(row: Pick<BucketRow, "name" | "account_id" | "region" | "created_at">): void {
    this.buckets.forget(row.name);
    this.prepare("INSERT INTO s3_buckets (name, account_id, region, created_at) VALUES (?, ?, ?, ?)")
      .run(row.name, row.account_id, row.region, row.created_at);
  }

  bucketCount(account: string): number {
    return (this.prepare<[string], { n: number }>("SELECT count(*) AS n FROM s3_buckets WHERE account_id = ?").get(account) as { n: number }).n;
  }

  bucketsOf(account: string): BucketRow[] {
    return this.prepare<[string], BucketRow>("SELECT * FROM s3_buckets WHERE account_id = ? ORDER BY name").all(account);
  }

  /**
   * True when the bucket holds any version or delete marker. Multipart uploads in progress do not
   * keep a bucket from being deleted: they go with it (see deleteBucket).
   */
  bucketHoldsVersions(name: string): boolean {
    return this.prepare<[string], { one: number }>("SELECT 1 AS one FROM s3_objects WHERE bucket = ? LIMIT 1").get(name) !== undefined;
  }

  /** Inside a transaction. The bucket's multipart uploads in progress go with it, and their parts' blobs. */
  deleteBucket(name: string): void {
    for (const upload of this.uploadsOf(name)) this.removeUpload(upload.upload_id);
    this.buckets.forget(name);
    // Its configuration rows go with it (ON DELETE CASCADE).
    this.configs.clear();
    this.loggingBuckets.delete(name);
    this.prepare("DELETE FROM s3_buckets WHERE name = ?").run(name);
  }

  setBucketField(name: string, field: "versioning" | "mfa_delete" | "tags" | "cors" | "notifications", value: string | null): void {
    this.buckets.forget(name);
    this.prepare(`UPDATE s3_buckets SET ${field} = ? WHERE name = ?`).run(value, name);
  }

  /** A bucket sub-resource document, parsed; undefined when it was never set. */
  config<T>(bucket: string, kind: BucketConfigKind): T | undefined {
    const stored = this.configsOf(kind).get(bucket, () =>
      this.prepare<[string, string], { value: string }>("SELECT value FROM s3_bucket_config WHERE bucket = ? AND kind = ?").get(bucket, kind),
    );
    return stored === undefined ? undefined : (JSON.parse(stored.value) as T);
  }

  setConfig(bucket: string, kind: BucketConfigKind, value: unknown): void {
    this.configs.get(kind)?.forget(bucket);
    if (kind === "logging") this.loggingBuckets.add(bucket);
    this.prepare("INSERT INTO s3_bucket_config (bucket, kind, value) VALUES (?, ?, ?) ON CONFLICT (bucket, kind) DO UPDATE SET value = excluded.value")
      .run(bucket, kind, JSON.stringify(value));
  }

  bucketsWithConfig(kind: BucketConfigKind): string[] {
    return this.prepare<[string], { bucket: string }>("SELECT bucket FROM s3_bucket_config WHERE kind = ? ORDER BY bucket").all(kind).map((r) => r.bucket);
  }

  deleteConfig(bucket: string, kind: BucketConfigKind): void {
    this.configs.get(kind)?.forget(bucket);
    if (kind === "logging") this.loggingBuckets.delete(bucket);
    this.prepare("DELETE FROM s3_bucket_config WHERE bucket = ? AND kind = ?").run(bucket, kind);
  }

  // --- event notifications owed ------------------------------------------------------------

  /**
   * Records an event notification owed, in the caller's transaction; its seq. One owed for
   * later (`due`) is announced to the listener set by onNotificationDue, which arms its sending.
   */
  oweNotification(event: string, due?: { readonly at: number; readonly objectSeq: number }): number {
    // In the transaction of the change it tells of (notify.ts): written after that commit, a kill
    // between the two lost the notification of a committed write.
    if (!this.db.inTransaction) throw new Error("s3: a notification is owed inside the transaction of its change");
    const seq = Number(
      this.prepare("INSERT INTO s3_notification_outbox (event, due_at, object_seq) VALUES (?, ?, ?)").run(event, due?.at ?? null, due?.objectSeq ?? null).lastInsertRowid,
    );
    if (due !== undefined) this.dueListener?.(seq, due.at);
    return seq;
  }

  private dueListener: ((seq: number, at: number) => void) | undefined;

  /** Who arms the sending of notifications owed for later (notify.ts startNotifications). */
  onNotificationDue(listener: ((seq: number, at: number) => void) | undefined): void {
    this.dueListener = listener;
  }

  /** Forgets a notification once it was sent (or could not be). */
  notificationSent(seq: number): void {
    this.prepare("DELETE FROM s3_notification_outbox WHERE seq = ?").run(seq);
  }

  /** The notifications owed, oldest first. */
  owedNotifications(): OwedNotification[] {
    return this.prepare<[], OwedNotification>("SELECT * FROM s3_notification_outbox ORDER BY seq").all();
  }

  owedNotification(seq: number): OwedNotification | undefined {
    return this.prepare<[number], OwedNotification>("SELECT * FROM s3_notification_outbox WHERE seq = ?").get(seq);
  }

  /** The notifications owed for later about a version's restore. */
  owedForObject(objectSeq: number): OwedNotification[] {
    return this.prepare<[number], OwedNotification>("SELECT * FROM s3_notification_outbox WHERE object_seq = ? ORDER BY seq").all(objectSeq);
  }

  // --- server access logs ------------------------------------------------------------------

  /** Whether any bucket logs its requests: while none does, no request needs its bucket named. */
  anyBucketLogs(): boolean {
    return this.loggingBuckets.size !== 0;
  }

  /** Whether requests to `bucket` may be logged. */
  logsRequests(bucket: string): boolean {
    return this.loggingBuckets.has(bucket);
  }

  /** The keys a DeleteObjects request deleted, for its access log records (access-log.ts), until it is recorded. */
  noteBatchDeletes(requestId: string, deleted: readonly BatchDeleted[]): void {
    if (this.batchDeletes.size >= BATCH_DELETES_KEPT) {
      const oldest = this.batchDeletes.keys().next();
      if (!oldest.done) this.batchDeletes.delete(oldest.value);
    }
    this.batchDeletes.set(requestId, deleted);
  }

  /** The keys noteBatchDeletes kept for a request, forgotten as they are taken. */
  takeBatchDeletes(requestId: string): readonly BatchDeleted[] | undefined {
    const deleted = this.batchDeletes.get(requestId);
    if (deleted !== undefined) this.batchDeletes.delete(requestId);
    return deleted;
  }

  appendAccessLog(row: Omit<AccessLogRow, "seq">): void {
    this.prepare(
      `INSERT INTO s3_access_log_records (source_bucket, source_account, source_region, target_bucket, target_prefix, key_format, time, line)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(row.source_bucket, row.source_account, row.source_region, row.target_bucket, row.target_prefix, row.key_format, row.time, row.line);
  }

  /** Records waiting for delivery, oldest first. */
  pendingAccessLogs(): AccessLogRow[] {
    return this.prepare<[], AccessLogRow>("SELECT * FROM s3_access_log_records ORDER BY seq").all();
  }

  deleteAccessLogs(seqs: readonly number[]): void {
    this.prepare("DELETE FROM s3_access_log_records WHERE seq IN (SELECT value FROM json_each(?))").run(JSON.stringify(seqs));
  }

  // --- objects -----------------------------------------------------------------------------

  /** The newest version of a key (possibly a delete marker). */
  latest(bucket: string, key: string): ObjectRow | undefined {
    return this.latestRows.get(`${bucket}/${key}`, () =>
      this.prepare<[string, string], ObjectRow>("SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND is_latest = 1").get(bucket, key),
    );
  }

  version(bucket: string, key: string, versionId: string): ObjectRow | undefined {
    return this.prepare<[string, string, string], ObjectRow>("SELECT * FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = ?")
      .get(bucket, key, versionId);
  }

  /**
   * Writes a new current version of a key, as the bucket's versioning state says: unversioned
   * and suspended buckets replace the "null" version, enabled buckets keep every version.
   * Must run inside a transaction; retains the blob.
   */
  putVersion(bucket: BucketRow, key: string, object: NewObject, options: { versionId?: string; replicationStatus?: string; uploadId?: string } = {}): ObjectRow {
    const versionId = options.versionId ?? (bucket.versioning === "Enabled" ? this.newVersionId(object.last_modified) : "null");
    this.latestRows.forget(`${bucket.name}/${key}`);
    // The row is built here from what was written: reading a whole row back from SQLite (every
    // column into a new object) costs three times the INSERT.
    const row: Omit<ObjectRow, "seq"> = {
      ...{},
      ...object,
      bucket: bucket.name,
      key,
      version_id: versionId,
      is_latest: 1,
      restore_completes_at: null,
      restore_expires_at: null,
      replication_status: options.replicationStatus ?? null,
      // A new version is a new object: its tiering clock starts at its creation.
      accessed_at: null,
      archive_tier: null,
      upload_id: options.uploadId ?? null,
    };
    // A bucket never versioned holds one row per key, the "null" version.
    const unversioned = versionId === "null" && bucket.versioning === null;
    if (unversioned && object.delete_marker === 0) {
      const rewritten = this.rewriteInPlace(row);
      if (rewritten !== undefined) return rewritten;
    }
    // The new version's reference comes before the old null version's goes: a copy in place of a
    // suspended bucket's null version holds the very blob that version releases.
    if (object.blob_id !== null) this.blobs.retain(object.blob_id);
    if (versionId === "null") {
      const old = this.prepare<[string, string], { blob_id: string | null }>("DELETE FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = 'null' RETURNING blob_id").get(bucket.name, key);
      if (old?.blob_id) this.blobs.release(old.blob_id);
    }
    // In a bucket never versioned, the key's only version was just deleted.
    if (!unversioned) this.prepare("UPDATE s3_objects SET is_latest = 0 WHERE bucket = ? AND key = ? AND is_latest = 1").run(bucket.name, key);
    const info = this.prepare(INSERT_OBJECT).run(...OBJECT_COLUMNS.map((column) => row[column]));
    return { ...{}, ...row, seq: Number(info.lastInsertRowid) };
  }

  /**
   * An overwrite of a key in a bucket never versioned: its row is rewritten where it stands and
   * keeps its seq, so no index changes (a DELETE and an INSERT touched all four, and were most of
   * a small PUT's SQL). Nothing holds an unversioned row's seq across writes: Object Lock and
   * replication need versioning, and a restore's timer checks the row's restore columns, which
   * start over here. Undefined when the key has no row yet.
   */
  private rewriteInPlace(row: Omit<ObjectRow, "seq">): ObjectRow | undefined {
    const old = this.prepare<[string, string], { seq: number; blob_id: string | null }>(
      "SELECT seq, blob_id FROM s3_objects WHERE bucket = ? AND key = ? AND version_id = 'null'",
    ).get(row.bucket, row.key);
    if (old === undefined) return undefined;
    if (old.blob_id !== null && old.blob_id === row.blob_id) {
      // The same bytes again: the row keeps the reference it holds, and the put's pin goes.
      this.blobs.abandon(row.blob_id);
    } else {
      if (old.blob_id) this.blobs.release(old.blob_id);
      if (row.blob_id !== null) this.blobs.retain(row.blob_id);
    }
    this.prepare(REWRITE_OBJECT).run(...REWRITTEN_COLUMNS.map((column) => row[column]), old.seq);
    return { ...{}, ...row, seq: old.seq };
  }

  /** After a change to a version known only by its seq: rare (ACLs, tags, restores), so every cached row goes. */
  private forgetVersion(): void {
    this.latestRows.clear();
  }

  /** Deletes one version row (and its blob reference); the next newest becomes current. */
  removeVersion(row: ObjectRow): void {
    this.removeRow(row);
    if (row.is_latest) {
      this.prepare(
          "UPDATE s3_objects SET is_latest = 1 WHERE seq = (SELECT seq FROM s3_objects WHERE bucket = ? AND key = ? ORDER BY seq DESC LIMIT 1)",
        )
        .run(row.bucket, row.key);
    }
  }

  private removeRow(row: ObjectRow): void {
    this.latestRows.forget(`${row.bucket}/${row.key}`);
    this.prepare("DELETE FROM s3_objects WHERE seq = ?").run(row.seq);
    const others = this.prepare<[string, string]>("SELECT 1 FROM s3_objects WHERE bucket = ? AND key = ? LIMIT 1").get(row.bucket, row.key) !== undefined;
    // A "null" version's place, while the key has other versions to list after it (so not for
    // every delete in an unversioned bucket). With the key's last version its place goes: with no
    // version to place, a listing that resumes there passes the key either way, and a bucket that
    // lives on would keep a row for each key it ever had.
    if (others && row.version_id === "null") {
      this.prepare("INSERT INTO s3_null_places (bucket, key, seq) VALUES (?, ?, ?) ON CONFLICT (bucket, key) DO UPDATE SET seq = excluded.seq").run(row.bucket, row.key, row.seq);
    } else if (!others) this.prepare("DELETE FROM s3_null_places WHERE bucket = ? AND key = ?").run(row.bucket, row.key);
    if (row.blob_id !== null) this.blobs.release(row.blob_id);
  }

  setObjectAcl(seq: number, acl: string | null): void {
    this.forgetVersion();
    this.prepare("UPDATE s3_objects SET acl = ? WHERE seq = ?").run(acl, seq);
  }

  /**
   * Every version and delete marker of a bucket, by key then newest first (lifecycle sweeps,
   * inventory reports), read a page at a time so a bucket of millions of versions never sits in
   * memory whole. No statement stays open between pages: the caller may write as it goes, and a
   * version it adds to a key already passed (a delete marker) is not read again.
   */
  *versionsOf(bucket: string): Generator<ObjectRow> {
    let rows = this.prepare<[string], ObjectRow>(`SELECT * FROM s3_objects WHERE bucket = ? ORDER BY key, seq DESC LIMIT ${VERSION_PAGE}`).all(bucket);
    for (;;) {
      yield* rows;
      const last = rows[rows.length - 1];
      if (rows.length < VERSION_PAGE || last === undefined) return;
      // A range on key alone keeps to the (bucket, key, seq) index; the rest of the last key comes next.
      rows = this.prepare<[string, string, string, number], ObjectRow>(
        `SELECT * FROM s3_objects WHERE bucket = ? AND key >= ? AND NOT (key = ? AND seq >= ?) ORDER BY key, seq DESC LIMIT ${VERSION_PAGE}`,
      ).all(bucket, last.key, last.key, last.seq);
    }
  }

  /** The versions left PENDING (replication.ts), oldest first. */
  pendingReplications(): Pick<ObjectRow, "bucket" | "key" | "version_id">[] {
    return this.prepare<[], Pick<ObjectRow, "bucket" | "key" | "version_id">>(
      "SELECT bucket, key, version_id FROM s3_objects WHERE replication_status = 'PENDING' ORDER BY seq",
    ).all();
  }

  setReplicationStatus(seq: number, status: string): void {
    this.forgetVersion();
    this.prepare("UPDATE s3_objects SET replication_status = ? WHERE seq = ?").run(status, seq);
  }

  /**
   * A lifecycle transition. An object "transitioned to S3 Intelligent-Tiering begins its
   * lifecycle in" the Frequent Access tier (S3 User Guide, "How S3 Intelligent-Tiering works"):
   * its tiering clock starts at `now`, and it leaves any archive tier behind.
   */
  setStorageClass(seq: number, storageClass: string, now: number): void {
    this.forgetVersion();
    this.prepare("UPDATE s3_objects SET storage_class = ?, accessed_at = ?, archive_tier = NULL WHERE seq = ?")
      .run(storageClass, storageClass === "INTELLIGENT_TIERING" ? now : null, seq);
  }

  /** An access that resets an INTELLIGENT_TIERING version's days without access (intelligent-tiering.ts). */
  setAccessedAt(row: Pick<ObjectRow, "seq" | "bucket" | "key">, at: number): void {
    this.latestRows.forget(`${row.bucket}/${row.key}`);
    this.prepare("UPDATE s3_objects SET accessed_at = ? WHERE seq = ?").run(at, row.seq);
  }

  /** An INTELLIGENT_TIERING version moved to an archive tier: a restore that ended before is over. */
  setArchiveTier(row: Pick<ObjectRow, "seq" | "bucket" | "key">, tier: string): void {
    this.latestRows.forget(`${row.bucket}/${row.key}`);
    this.prepare("UPDATE s3_objects SET archive_tier = ?, restore_completes_at = NULL, restore_expires_at = NULL WHERE seq = ?").run(tier, row.seq);
  }

  /** A delete marker as the key's new current version. Inside a transaction. */
  putDeleteMarker(bucket: BucketRow, key: string, now: number, owner: string, options: { versionId?: string; replicationStatus?: string } = {}): ObjectRow {
    return this.putVersion(bucket, key, {
      content_type: null,
      content_encoding: null,
      content_disposition: null,
      content_language: null,
      cache_control: null,
      expires: null,
      website_redirect: null,
      metadata: "{}",
      tags: "[]",
      storage_class: "STANDARD",
      delete_marker: 1,
      blob_id: null,
      size: 0,
      etag: "",
      last_modified: Math.floor(now / 1000) * 1000,
      checksum_algorithm: null,
      checksum_value: null,
      checksum_type: null,
      parts_count: null,
      part_sizes: null,
      part_checksums: null,
      acl: null,
      encryption: null,
      owner_account: owner,
    }, options);
  }

  /** Object versions whose requested restore has not finished yet at `now`. */
  /**
   * Versions with a restore in progress or a restored copy not yet expired, about which no
   * notification is owed: restores requested before notifications were owed when requested.
   */
  restoresOwingNothing(now: number): ObjectRow[] {
    return this.prepare<[number], ObjectRow>(
      `SELECT * FROM s3_objects o WHERE restore_completes_at IS NOT NULL AND restore_expires_at > ?
         AND NOT EXISTS (SELECT 1 FROM s3_notification_outbox WHERE object_seq = o.seq)`,
    ).all(now);
  }

  bySeq(seq: number): ObjectRow | undefined {
    return this.prepare<[number], ObjectRow>("SELECT * FROM s3_objects WHERE seq = ?").get(seq);
  }

  setRestore(seq: number, completesAt: number, expiresAt: number | null): void {
    this.forgetVersion();
    this.prepare("UPDATE s3_objects SET restore_completes_at = ?, restore_expires_at = ? WHERE seq = ?").run(completesAt, expiresAt, seq);
  }

  /** UpdateObjectEncryption: the version's encryption changes in place (same version id, ETag and LastModified). */
  setEncryption(seq: number, encryption: string): void {
    this.forgetVersion();
    this.prepare("UPDATE s3_objects SET encryption = ? WHERE seq = ?").run(encryption, seq);
  }

  setObjectTags(seq: number, tags: string): void {
    this.forgetVersion();
    this.prepare("UPDATE s3_objects SET tags = ? WHERE seq = ?").run(tags, seq);
  }

  /** Current, non-deleted objects of a bucket in UTF-8 key order (ListObjects, ListObjectsV2). */
  currentScan(bucket: string): KeyScan<CurrentEntry> {
    return this.scan<CurrentEntry>(`SELECT ${CURRENT_COLUMNS} FROM s3_objects WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0`, "ORDER BY key", bucket, currentEntry);
  }

  /** Every version and delete marker, by key then newest first (ListObjectVersions). */
  versionScan(bucket: string): KeyScan<ObjectEntry> {
    return this.scan<ObjectEntry>(`SELECT ${ENTRY_COLUMNS} FROM s3_objects WHERE bucket = ?`, "ORDER BY key, seq DESC", bucket, versionEntry);
  }

  /**
   * For a version of `key` that is gone (ListObjectVersions' VersionIdMarker, deleted since its
   * page was listed): which of the key's versions are older than it was. A stamped id tells its
   * own place (domain/version-ids); a "null" version's place is kept when it is deleted. Else
   * undefined: the place is not known.
   */
  versionsOlderThan(bucket: string, key: string, versionId: string): ((entry: ObjectEntry) => boolean) | undefined {
    const stamp = versionStamp(versionId);
    if (stamp !== undefined) {
      return (entry) => versionPosition(entry.version_id, entry.last_modified) < stamp;
    }
    if (versionId !== "null") return undefined;
    const place = this.prepare<[string, string], { seq: number }>("SELECT seq FROM s3_null_places WHERE bucket = ? AND key = ?").get(bucket, key);
    return place === undefined ? undefined : (entry) => entry.seq < place.seq;
  }

  /** Rows of `select` in `order` from a key on; `fromRow` makes each entry of a raw row (an array in the select's column order). */
  private scan<T extends { readonly key: string }>(select: string, order: string, bucket: string, fromRow?: (row: readonly unknown[]) => T): KeyScan<T> {
    const db = this.db;
    const prepare = this.prepare;
    return function* (from: ScanFrom | undefined, prefix: string) {
      const lower = from ?? { key: prefix, inclusive: true };
      const upper = prefix === "" ? undefined : prefixUpperBound(prefix);
      const sql = `${select} AND key ${lower.inclusive ? ">=" : ">"} ?${upper !== undefined ? " AND key < ?" : ""} ${order}`;
      const params: unknown[] = [bucket, lower.key];
      if (upper !== undefined) params.push(upper);
      // The cached statement, unless another scan is still iterating it (a page may hold two).
      const cached = prepare<unknown[], T>(sql);
      const statement = cached.busy ? db.prepare<unknown[], T>(sql) : cached;
      if (fromRow !== undefined) {
        for (const raw of statement.raw(true).iterate(...params) as unknown as IterableIterator<unknown[]>) {
          const row = fromRow(raw);
          if (!row.key.startsWith(prefix)) return;
          yield row;
        }
        return;
      }
      for (const row of statement.iterate(...params)) {
        if (!row.key.startsWith(prefix)) return;
        yield row;
      }
    };
  }

  /** A version id for a version written at `lastModified` (ms), stamped after every one before it. */
  private newVersionId(lastModified: number): string {
    this.versionStampIssued = nextVersionStamp(lastModified, this.versionStampIssued);
    return newVersionId(this.versionStampIssued);
  }

  /** Event sequencers grow with each event: time first, then a counter within the same ms. */
  nextSequencer(now: number): bigint {
    this.eventCounter = (this.eventCounter + 1n) % 1_000_000n;
    return BigInt(now) * 1_000_000n + this.eventCounter;
  }

  // --- multipart uploads -------------------------------------------------------------------

  /** Upload ids sort in initiation order (ListMultipartUploads relies on it). */
  newUploadId(now: number): string {
    this.uploadCounter = (this.uploadCounter + 1) % 1_000_000;
    return `${now.toString(36).padStart(9, "0")}${this.uploadCounter.toString(36).padStart(4, "0")}${pooledRandomBytes(18).toString("base64url")}`;
  }

  insertUpload(row: UploadRow): void {
    this.prepare(
        `INSERT INTO s3_uploads (upload_id, bucket, key, initiated, owner_account, content_type, content_encoding, content_disposition,
           content_language, cache_control, expires, website_redirect, metadata, tags, storage_class, checksum_algorithm, checksum_type, acl, encryption,
           object_owner, initiator)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        row.upload_id,
        row.bucket,
        row.key,
        row.initiated,
        row.owner_account,
        row.content_type,
        row.content_encoding,
        row.content_disposition,
        row.content_language,
        row.cache_control,
        row.expires,
        row.website_redirect,
        row.metadata,
        row.tags,
        row.storage_class,
        row.checksum_algorithm,
        row.checksum_type,
        row.acl,
        row.encryption,
        row.object_owner,
        row.initiator,
      );
  }

  upload(bucket: string, key: string, uploadId: string): UploadRow | undefined {
    return this.prepare<[string, string, string], UploadRow>("SELECT * FROM s3_uploads WHERE upload_id = ? AND bucket = ? AND key = ?")
      .get(uploadId, bucket, key);
  }

  parts(uploadId: string): PartRow[] {
    return this.prepare<[string], PartRow>("SELECT * FROM s3_parts WHERE upload_id = ? ORDER BY part_number").all(uploadId);
  }

  /** Stores a part, replacing an earlier upload of the same number. Inside a transaction. */
  putPart(row: PartRow): void {
    const old = this.prepare<[string, number], PartRow>("SELECT * FROM s3_parts WHERE upload_id = ? AND part_number = ?")
      .get(row.upload_id, row.part_number);
    this.blobs.retain(row.blob_id);
    if (old) {
      this.prepare("DELETE FROM s3_parts WHERE upload_id = ? AND part_number = ?").run(row.upload_id, row.part_number);
      this.blobs.release(old.blob_id);
    }
    this.prepare("INSERT INTO s3_parts (upload_id, part_number, blob_id, size, etag, checksum, last_modified) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(row.upload_id, row.part_number, row.blob_id, row.size, row.etag, row.checksum, row.last_modified);
  }

  /** Drops an upload with its parts and their blob references. Inside a transaction. */
  removeUpload(uploadId: string): void {
    for (const part of this.parts(uploadId)) this.blobs.release(part.blob_id);
    this.prepare("DELETE FROM s3_parts WHERE upload_id = ?").run(uploadId);
    this.prepare("DELETE FROM s3_uploads WHERE upload_id = ?").run(uploadId);
  }

  /** Remembers an upload aborted at `at`. Inside a transaction. */
  rememberAbortedUpload(bucket: string, key: string, uploadId: string, at: number): void {
    this.prepare("INSERT OR REPLACE INTO s3_aborted_uploads (upload_id, bucket, key, aborted_at) VALUES (?, ?, ?, ?)").run(uploadId, bucket, key, at);
  }

  /** Forgets the uploads aborted before `before`. */
  forgetAbortedUploads(before: number): void {
    this.prepare("DELETE FROM s3_aborted_uploads WHERE aborted_at < ?").run(before);
  }

  /** When this upload of this key was aborted, if it is remembered. */
  uploadAbortedAt(bucket: string, key: string, uploadId: string): number | undefined {
    return this.prepare<[string, string, string], { aborted_at: number }>("SELECT aborted_at FROM s3_aborted_uploads WHERE upload_id = ? AND bucket = ? AND key = ?")
      .get(uploadId, bucket, key)?.aborted_at;
  }

  uploadsOf(bucket: string): UploadRow[] {
    return this.prepare<[string], UploadRow>("SELECT * FROM s3_uploads WHERE bucket = ? ORDER BY key, upload_id").all(bucket);
  }

  uploadScan(bucket: string): KeyScan<UploadEntry> {
    return this.scan<UploadEntry>("SELECT *, upload_id AS uploadId FROM s3_uploads WHERE bucket = ?", "ORDER BY key, upload_id", bucket);
  }
}
