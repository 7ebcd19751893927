/**
 * Where S3 Intelligent-Tiering objects are (domain/access-tiers.ts decides it), kept in the
 * object's row:
 *
 * - accessed_at: the last access, when later than last_modified. "The following actions
 *   constitute access": GetObject, PutObject, RestoreObject, CompleteMultipartUpload, ListParts,
 *   SelectObjectContent, and CopyObject or UploadPartCopy, whose "source objects ... are tiered
 *   up" (S3 User Guide, "How S3 Intelligent-Tiering works"). Writes make a new object, whose
 *   clock starts at its creation; ListParts names an upload, not an object, and Nimbus has no
 *   SelectObjectContent. HeadObject, tagging, ACLs, listings, lifecycle and inventory read
 *   nothing and count for nothing. An access is written only when the last one recorded is a day
 *   old or more: S3 counts days, and an object read all the time costs one write a day.
 * - archive_tier: the archive tier an object moved to. Tiers are computed when asked for, from
 *   the clock and the bucket's configurations as they are now; an object that reached an
 *   archive tier must stay there "until ... restored" even when the configurations change
 *   later. So before anything that decides it changes (an Intelligent-Tiering configuration is
 *   put or deleted, an object's tags change) the objects it moved are written down (`settle`):
 *   the row then says what the configuration did while it was in force, across restarts.
 */
import type { IntelligentTieringConfiguration } from "./id-configs.js";
import { accessTierAt, isArchiveTier, lastAccess, MONITORED_MIN_SIZE, restoring, type AccessTier, type ArchiveTier, type TieringFacts } from "./domain/access-tiers.js";
import { DAY_MS } from "./domain/lifecycle.js";
import type { ObjectRow, S3Store, Tag } from "./store.js";

export const INTELLIGENT_TIERING = "INTELLIGENT_TIERING";

function factsOf(row: ObjectRow): TieringFacts {
  return {
    key: row.key,
    size: row.size,
    tags: row.tags === "[]" ? [] : (JSON.parse(row.tags) as Tag[]),
    accessedAt: row.accessed_at ?? row.last_modified,
    archiveTier: isArchiveTier(row.archive_tier) ? row.archive_tier : null,
    // Only an Intelligent-Tiering restore has no expiry; a GLACIER restore's columns are not about tiers.
    restoreCompletesAt: row.restore_expires_at === null ? row.restore_completes_at : null,
  };
}

function configurations(store: S3Store, bucket: string): IntelligentTieringConfiguration[] {
  return store.config<IntelligentTieringConfiguration[]>(bucket, "intelligentTiering") ?? [];
}

/** Whether S3 follows the version's accesses: an INTELLIGENT_TIERING object of 128 KB or more. */
function monitored(row: ObjectRow): boolean {
  return row.storage_class === INTELLIGENT_TIERING && row.delete_marker === 0 && row.size >= MONITORED_MIN_SIZE;
}

/** The access tier of an INTELLIGENT_TIERING version at `now`; undefined for other storage classes and delete markers. */
export function accessTier(store: S3Store, row: ObjectRow, now: number): AccessTier | undefined {
  return accessTiers(store, row.bucket, now)(row);
}

/** The archive tier an INTELLIGENT_TIERING version is in at `now`, if it is in one. */
export function archiveTier(store: S3Store, row: ObjectRow, now: number): ArchiveTier | undefined {
  const tier = accessTier(store, row, now);
  return isArchiveTier(tier) ? tier : undefined;
}

/** The tiers of a bucket's versions (a whole report, inventory-runner.ts, or one version): the configurations are read once. */
export function accessTiers(store: S3Store, bucket: string, now: number): (row: ObjectRow) => AccessTier | undefined {
  // Read at the first INTELLIGENT_TIERING version: a HEAD of any other object parses nothing.
  let configs: IntelligentTieringConfiguration[] | undefined;
  return (row) =>
    row.storage_class !== INTELLIGENT_TIERING || row.delete_marker === 1 ? undefined : accessTierAt(factsOf(row), (configs ??= configurations(store, bucket)), now);
}

/**
 * A read that counts as access (GetObject, a copy's source): the object is back in Frequent
 * Access and its days without access start again. Objects of other classes, and ones S3 does not
 * monitor, cost nothing.
 */
export function noteAccess(store: S3Store, row: ObjectRow, now: number): void {
  if (!monitored(row)) return;
  if (now - lastAccess(factsOf(row), now) < DAY_MS) return;
  store.setAccessedAt(row, now);
}

/** Writes down the archive tier `row` is in at `now`, if the configurations in force moved it there. */
function settleRow(store: S3Store, row: ObjectRow, configs: readonly IntelligentTieringConfiguration[], now: number): void {
  const facts = factsOf(row);
  // A restore in progress keeps the tier it is restoring from.
  if (restoring(facts, now)) return;
  const tier = accessTierAt(facts, configs, now);
  if (!isArchiveTier(tier)) return;
  if (tier !== row.archive_tier || facts.restoreCompletesAt !== null) store.setArchiveTier(row, tier);
}

/** Before a bucket's Intelligent-Tiering configurations change (inside that transaction). */
export function settleBucket(store: S3Store, bucket: string, now: number): void {
  const configs = configurations(store, bucket);
  if (configs.length === 0) return;
  // A page of versions at a time, so a bucket of millions never sits in memory whole.
  for (const row of store.versionsOf(bucket)) if (monitored(row)) settleRow(store, row, configs, now);
}

/** Before a version's tags change (inside that transaction): a tag filter may have moved it. */
export function settleVersion(store: S3Store, row: ObjectRow, now: number): void {
  if (!monitored(row)) return;
  settleRow(store, row, configurations(store, row.bucket), now);
}
