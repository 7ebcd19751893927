/**
 * Bucket replication (CRR and SRR): after a write commits, each new version whose key and
 * tags match an enabled rule is copied to that rule's destination bucket (to each destination
 * whose rules match, the highest-priority rule deciding for each) under the same version id,
 * keeping its metadata, tags and body (one more reference to the same blob). The source
 * version reads PENDING until the copy is made, then COMPLETED; the copy reads REPLICA and is
 * never replicated further (no chaining). Delete markers follow with DeleteMarkerReplication
 * enabled, or under a V1 rule (no Filter); deletions of a specific version never replicate, and
 * objects that existed before the configuration are left alone, as on S3. A replica keeps the
 * source version's Object Lock retention and legal hold (object-lock.ts replicaLock), and later
 * changes to the source version's tags and ACL follow it there.
 */
import type { ServiceEnvironment } from "../../core/service.js";
import { parseEncryption } from "./encryption.js";
import { errors, invalidRequest, s3DomainErrors } from "./errors.js";
import { STORAGE_CLASSES } from "./objects.js";
import { objectEvent, owed, s3Origin } from "./notify.js";
import { replicaLock, setVersionLock } from "./object-lock.js";
import type { BucketRow, ObjectRow, S3Store, Tag } from "./store.js";

type TagFilter = { Key: string; Value: string };

/**
 * A rule's exclusions (ReplicationRuleNotOperator, in Filter or in Filter.And): "filters that
 * exclude matching objects from the replication rule"; with Or, "an object is excluded from the
 * replication rule if it matches any of the specified filters" (the v3 S3 model's documentation).
 */
interface NotFilter {
  Prefix?: string;
  Tag?: TagFilter;
  Or?: { Prefixes?: string[]; Tags?: TagFilter[] };
}

export interface ReplicationRuleInput {
  ID?: string;
  Priority?: number;
  Prefix?: string;
  Filter?: { Prefix?: string; Tag?: TagFilter; Not?: NotFilter; And?: { Prefix?: string; Tags?: TagFilter[]; Not?: NotFilter } };
  Status: string;
  Destination: { Bucket: string; StorageClass?: string; Account?: string; EncryptionConfiguration?: { ReplicaKmsKeyID?: string } };
  DeleteMarkerReplication?: { Status?: string };
  SourceSelectionCriteria?: { SseKmsEncryptedObjects?: { Status?: string } };
}

export interface ReplicationConfig {
  Role: string;
  Rules: ReplicationRuleInput[];
}

function destinationName(arn: string): string | undefined {
  const m = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(arn);
  return m?.[1];
}

/** Checks a PutBucketReplication configuration against the buckets it names. */
export function validateReplication(store: S3Store, source: BucketRow, config: ReplicationConfig): void {
  if (source.versioning !== "Enabled") throw invalidRequest("Versioning must be 'Enabled' on the bucket to apply a replication configuration");
  if (!config.Role || config.Rules.length === 0 || config.Rules.length > 1000) throw s3DomainErrors.MalformedXML();
  const ids = new Set<string>();
  for (const rule of config.Rules) {
    if (rule.Status !== "Enabled" && rule.Status !== "Disabled") throw s3DomainErrors.MalformedXML();
    // The Destination's StorageClass is one of the schema's storage classes, or the document does
    // not validate (scality/cloudserver putBucketReplication.js, run against AWS: "INVALID").
    const storageClass = rule.Destination.StorageClass;
    if (storageClass !== undefined && !(STORAGE_CLASSES as readonly string[]).includes(storageClass)) throw s3DomainErrors.MalformedXML();
    if (rule.ID !== undefined) {
      if (ids.has(rule.ID)) throw invalidRequest("Rule Id must be unique");
      ids.add(rule.ID);
    }
    checkRuleSchema(rule);
    const name = destinationName(rule.Destination.Bucket);
    if (name === undefined) throw invalidRequest("Invalid bucket ARN.");
    const destination = store.bucket(name);
    if (!destination) throw invalidRequest("Destination bucket must exist.");
    if (destination.versioning !== "Enabled") throw invalidRequest("Destination bucket must have versioning enabled.");
    if (destination.name === source.name) throw invalidRequest("Destination bucket cannot be the same as the source bucket.");
  }
}

/** A bucket that replicates keeps versioning enabled until its replication configuration is deleted (its destinations may suspend theirs, which stops replication). */
export function checkReplicatedVersioning(store: S3Store, bucket: BucketRow, status: string | undefined): void {
  if (status === "Suspended" && store.config<ReplicationConfig>(bucket.name, "replication") !== undefined) throw errors.VersioningReplicated();
}

// S3's own sentences, each ending with this pointer (as recorded from S3 in rust-lang/simpleinfra#468).
const SEE_GUIDE = " Please refer to S3 Developer Guide for more information.";

/**
 * A rule with a Filter is of the V2 schema and must say whether delete markers replicate; a rule
 * without one (V1, a Prefix or nothing) cannot say it. "If your Filter includes a Tag element,
 * the DeleteMarkerReplication Status must be set to Disabled" (API_DeleteMarkerReplication).
 */
function checkRuleSchema(rule: ReplicationRuleInput): void {
  if (rule.Filter === undefined) {
    if (rule.DeleteMarkerReplication !== undefined) throw invalidRequest(`DeleteMarkerReplication cannot be used for this version of Cross Region Replication configuration schema.${SEE_GUIDE}`);
    return;
  }
  if (rule.DeleteMarkerReplication === undefined) throw invalidRequest(`DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.${SEE_GUIDE}`);
  const tagged = rule.Filter.Tag !== undefined || (rule.Filter.And?.Tags ?? []).length > 0;
  if (tagged && rule.DeleteMarkerReplication.Status === "Enabled") throw invalidRequest(`Delete marker replication is not supported if any Tag filter is specified.${SEE_GUIDE}`);
}

/**
 * Whether a rule copies a user's delete marker: a V2 rule when DeleteMarkerReplication is
 * Enabled; a V1 rule (no Filter) always, as "it replicates delete markers that resulted from user
 * actions" (S3 User Guide, replication-what-is-isnot-replicated). Lifecycle's markers never
 * replicate; they are never marked PENDING (lifecycle-runner.ts).
 */
function replicatesDeleteMarkers(rule: ReplicationRuleInput): boolean {
  return rule.Filter === undefined || rule.DeleteMarkerReplication?.Status === "Enabled";
}

/**
 * "By default, Amazon S3 doesn't replicate objects that are encrypted with SSE-KMS or DSSE-KMS"
 * (S3 User Guide, replication-config-for-kms-objects): a rule takes them only with
 * SourceSelectionCriteria.SseKmsEncryptedObjects Enabled. SSE-S3 and SSE-C objects replicate.
 */
function kmsEncrypted(row: ObjectRow): boolean {
  const sse = parseEncryption(row.encryption).sse;
  return sse === "aws:kms" || sse === "aws:kms:dsse";
}

/** The replica's encryption: a KMS-encrypted source is encrypted under the destination's ReplicaKmsKeyID when the rule names one. */
function replicaEncryption(rule: ReplicationRuleInput, row: ObjectRow): string | null {
  const replicaKey = rule.Destination.EncryptionConfiguration?.ReplicaKmsKeyID;
  if (replicaKey === undefined || !kmsEncrypted(row)) return row.encryption;
  return JSON.stringify({ ...{}, ...parseEncryption(row.encryption), kmsKeyId: replicaKey });
}

/** "Objects that are stored in the S3 Glacier Flexible Retrieval or S3 Glacier Deep Archive storage class" are not replicated (S3 User Guide, replication-what-is-isnot-replicated). */
const UNREPLICATED_CLASSES: ReadonlySet<string> = new Set(["GLACIER", "DEEP_ARCHIVE"]);

function ruleMatches(rule: ReplicationRuleInput, row: ObjectRow): boolean {
  if (rule.Status !== "Enabled") return false;
  if (UNREPLICATED_CLASSES.has(row.storage_class)) return false;
  if (!row.delete_marker && kmsEncrypted(row) && rule.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status !== "Enabled") return false;
  const prefix = rule.Filter?.And?.Prefix ?? rule.Filter?.Prefix ?? rule.Prefix ?? "";
  if (!row.key.startsWith(prefix)) return false;
  let parsed: Tag[] | undefined;
  const tags = (): Tag[] => (parsed ??= JSON.parse(row.tags) as Tag[]);
  const tagged = (w: TagFilter): boolean => tags().some((t) => t.Key === w.Key && t.Value === w.Value);
  const wanted = [...(rule.Filter?.Tag ? [rule.Filter.Tag] : []), ...(rule.Filter?.And?.Tags ?? [])];
  if (!wanted.every(tagged)) return false;
  return ![rule.Filter?.Not, rule.Filter?.And?.Not].some((not) => not !== undefined && excludes(not, row.key, tagged));
}

function excludes(not: NotFilter, key: string, tagged: (tag: TagFilter) => boolean): boolean {
  const prefixes = [...(not.Prefix !== undefined ? [not.Prefix] : []), ...(not.Or?.Prefixes ?? [])];
  const tags = [...(not.Tag ? [not.Tag] : []), ...(not.Or?.Tags ?? [])];
  return prefixes.some((p) => key.startsWith(p)) || tags.some(tagged);
}

/**
 * The rules that replicate a version, one a destination: "Amazon S3 will attempt to replicate
 * objects according to all replication rules. However, if there are two or more rules with the
 * same destination bucket, then objects will be replicated according to the rule with the highest
 * priority" (API Reference, ReplicationRule Priority). A delete marker goes only where its rule
 * replicates delete markers.
 */
export function matchingRules(config: ReplicationConfig, row: ObjectRow): ReplicationRuleInput[] {
  const byDestination = new Map<string, ReplicationRuleInput>();
  for (const rule of config.Rules) {
    if (!ruleMatches(rule, row)) continue;
    const chosen = byDestination.get(rule.Destination.Bucket);
    if (chosen === undefined || (rule.Priority ?? 0) > (chosen.Priority ?? 0)) byDestination.set(rule.Destination.Bucket, rule);
  }
  return [...byDestination.values()].filter((rule) => !row.delete_marker || replicatesDeleteMarkers(rule));
}

/** Marks a just-written version PENDING when a rule will replicate it (inside the write's transaction). */
/** Returns whether the version was marked (its row changed). */
export function markPending(store: S3Store, bucket: BucketRow, row: ObjectRow): boolean {
  const config = store.config<ReplicationConfig>(bucket.name, "replication");
  if (!config || row.replication_status === "REPLICA") return false;
  if (matchingRules(config, row).length === 0) return false;
  store.setReplicationStatus(row.seq, "PENDING");
  return true;
}

/**
 * Copies one pending version to each of its destinations. Returns the destinations it reached.
 * The source reads COMPLETED once every destination has its copy, FAILED when any could not
 * take it ("If one or more destinations fails replication the header will return FAILED", API
 * Reference, HeadObject x-amz-replication-status).
 */
export function replicateVersion(store: S3Store, source: BucketRow, row: ObjectRow, now: number): BucketRow[] {
  const config = store.config<ReplicationConfig>(source.name, "replication");
  const rules = config ? matchingRules(config, row) : [];
  const reached = rules.flatMap((rule) => {
    const destination = copyTo(store, rule, row, now);
    return destination ? [destination] : [];
  });
  store.setReplicationStatus(row.seq, rules.length > 0 && reached.length === rules.length ? "COMPLETED" : "FAILED");
  return reached;
}

/** Copies a version to one rule's destination; undefined when the destination cannot take it. */
function copyTo(store: S3Store, rule: ReplicationRuleInput, row: ObjectRow, now: number): BucketRow | undefined {
  const name = destinationName(rule.Destination.Bucket);
  const destination = name ? store.bucket(name) : undefined;
  const lock = destination ? replicaLock(store, row, destination, now) : undefined;
  if (!destination || destination.versioning !== "Enabled" || lock === "refused") return undefined;
  if (!store.version(destination.name, row.key, row.version_id)) {
    const copy = {
      content_type: row.content_type,
      content_encoding: row.content_encoding,
      content_disposition: row.content_disposition,
      content_language: row.content_language,
      cache_control: row.cache_control,
      expires: row.expires,
      website_redirect: row.website_redirect,
      metadata: row.metadata,
      tags: row.tags,
      storage_class: rule.Destination.StorageClass ?? row.storage_class,
      delete_marker: row.delete_marker,
      blob_id: row.blob_id,
      size: row.size,
      etag: row.etag,
      last_modified: row.last_modified,
      checksum_algorithm: row.checksum_algorithm,
      checksum_value: row.checksum_value,
      checksum_type: row.checksum_type,
      parts_count: row.parts_count,
      part_sizes: row.part_sizes,
      part_checksums: row.part_checksums,
      acl: row.acl,
      encryption: replicaEncryption(rule, row),
      owner_account: row.owner_account,
    };
    const replica = store.putVersion(destination, row.key, copy, { versionId: row.version_id, replicationStatus: "REPLICA" });
    if (lock !== undefined) setVersionLock(store, replica.seq, lock);
  }
  return destination;
}

/**
 * Carries a replicated version's new tags and ACL to its replicas: "By default, Amazon S3
 * replicates metadata from the source objects to the replicas only" (S3 User Guide, "Replicating
 * metadata changes with replica modification sync", which names ACLs and object tags among that
 * metadata; "What does Amazon S3 replicate?" lists "Object ACL updates" and "Object tags").
 */
function replicateMetadata(store: S3Store, source: BucketRow, row: ObjectRow): void {
  const config = store.config<ReplicationConfig>(source.name, "replication");
  if (!config || row.replication_status !== "COMPLETED") return;
  const destinations = new Set(config.Rules.map((rule) => destinationName(rule.Destination.Bucket)));
  for (const name of destinations) {
    const replica = name === undefined ? undefined : store.version(name, row.key, row.version_id);
    if (replica?.replication_status !== "REPLICA") continue;
    store.setObjectTags(replica.seq, row.tags);
    store.setObjectAcl(replica.seq, row.acl);
  }
}

/**
 * How often versions left PENDING are replicated again, and tag or ACL changes not yet carried to
 * replicas carried again: a copy or change that failed on Nimbus's side (a full disk) is made
 * once it can be, without a restart.
 */
export const REPLICATION_RETRY_INTERVAL = 60_000;

/**
 * Replicates the versions written by committed requests, and later changes to their tags and
 * ACLs, asynchronously, as S3 does; and at start, then every REPLICATION_RETRY_INTERVAL, the
 * versions left PENDING: by a Nimbus killed between a write's commit and its replication, or by
 * a replication that failed (a full disk). S3 leaves a version PENDING through a temporary
 * failure and "resumes replicating" it when the resource is back (S3 User Guide, "Getting
 * replication status information"); nothing else would ever replicate it. A tag or ACL change
 * whose carrying failed is remembered (in memory: a restart meanwhile loses it) and carried again
 * with them, the source version's tags and ACL as they are then.
 */
export function startReplication(env: ServiceEnvironment, store: S3Store): () => void {
  const replicate = (bucket: string, key: string, versionId: string): void => {
    const replicated = store.transaction(() => {
      const source = store.bucket(bucket);
      const row = source ? store.version(bucket, key, versionId) : undefined;
      if (!source || !row || row.replication_status !== "PENDING") return [];
      return replicateVersion(store, source, row, env.clock.now()).flatMap((destination) => {
        const replica = store.version(destination.name, key, versionId);
        if (!replica) return [];
        // The copy is an event of the destination bucket in its own right, owed with the copy (notify.ts).
        const eventName = replica.delete_marker ? "s3:ObjectRemoved:DeleteMarkerCreated" : "s3:ObjectCreated:Put";
        const object = { key: replica.key, size: replica.size, eTag: replica.etag, versionId: replica.version_id };
        return [{ event: owed(store, destination, objectEvent(store, destination, eventName, object, env.clock.now(), s3Origin())), scope: { account: destination.account_id, region: destination.region } }];
      });
    });
    for (const { event, scope } of replicated) env.events.publish("s3:Object", event, scope);
  };
  // Versions whose tags or ACL did not reach their replicas, by [bucket, key, version id].
  const metadataOwed = new Map<string, { bucket: string; key: string; versionId: string }>();
  const carryMetadata = (version: { bucket: string; key: string; versionId: string }): void => {
    const id = JSON.stringify([version.bucket, version.key, version.versionId]);
    try {
      store.transaction(() => {
        const source = store.bucket(version.bucket);
        const row = source ? store.version(version.bucket, version.key, version.versionId) : undefined;
        if (source && row) replicateMetadata(store, source, row);
      });
      metadataOwed.delete(id);
    } catch (error) {
      if (!metadataOwed.has(id)) env.logger.warn({ msg: "s3 replication of a tag or ACL change failed, to be tried again", bucket: version.bucket, key: version.key, versionId: version.versionId, error: String(error) });
      metadataOwed.set(id, version);
    }
  };
  const cancelResume = env.scheduler.every(
    REPLICATION_RETRY_INTERVAL,
    () => {
      // One version whose copy fails again (its destination's writes refused) does not hold up
      // the others; one line tells of the run's failures.
      let failed = 0;
      let first: { bucket: string; key: string; error: string } | undefined;
      for (const row of store.pendingReplications()) {
        try {
          replicate(row.bucket, row.key, row.version_id);
        } catch (error) {
          failed++;
          first ??= { bucket: row.bucket, key: row.key, error: String(error) };
        }
      }
      if (first) env.logger.warn({ msg: `s3 replication of ${failed} pending version(s) failed, to be tried again`, bucket: first.bucket, key: first.key, error: first.error });
      for (const version of [...metadataOwed.values()]) carryMetadata(version);
    },
    "s3 replication resumed",
    { fromNow: true },
  );
  const unsubscribe = env.events.subscribe("s3:Object", (event) => {
    const detail = event.detail;
    if ((detail.eventName.startsWith("s3:ObjectTagging:") || detail.eventName === "s3:ObjectAcl:Put") && detail.versionId !== undefined) {
      carryMetadata({ bucket: detail.bucket, key: detail.key, versionId: detail.versionId });
      return;
    }
    const created = detail.eventName.startsWith("s3:ObjectCreated:");
    const marker = detail.eventName === "s3:ObjectRemoved:DeleteMarkerCreated";
    if ((!created && !marker) || detail.versionId === undefined) return;
    replicate(detail.bucket, detail.key, detail.versionId);
  });
  return () => {
    cancelResume();
    unsubscribe();
  };
}
