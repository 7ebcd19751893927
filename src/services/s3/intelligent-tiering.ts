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
import type { ServiceEnvironment } from "../../core/service.js";
import { hostFault } from "../../core/host-faults.js";
import type { S3Context } from "./index.js";
import { objectEvent, owed, s3Origin, sweepEvery, type S3ObjectEvent, type SweptEvents } from "./notify.js";
import type { BucketRow, ObjectRow, S3Store, Tag } from "./store.js";

export const INTELLIGENT_TIERING = "INTELLIGENT_TIERING";

/** How often the sweep looks for objects that reached an archive tier (sweepIntelligentTiering). */
const TIERING_SWEEP_INTERVAL = 60 * 60_000;

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

/**
 * noteAccess for a read (GetObject, a website GET): a disk that cannot take the access (full,
 * read-only) does not fail the read, which S3 would serve; the access is not written down, and
 * the object may go down a tier a day early unless it is read again once the disk can be written.
 * Not for a write's transaction, which such a failure may have rolled back (a copy's source).
 */
export function noteReadAccess(store: S3Store, row: ObjectRow, now: number): void {
  try {
    noteAccess(store, row, now);
  } catch (error) {
    if (hostFault(error) === undefined) throw error;
  }
}

/** A version found in an archive tier it was not written down in: S3 moved it there. */
export interface ArchiveMove {
  readonly row: ObjectRow;
  readonly tier: ArchiveTier;
}

/** Writes down the archive tier `row` is in at `now`, if the configurations in force moved it there; the move, if it is news. */
function settleRow(store: S3Store, row: ObjectRow, configs: readonly IntelligentTieringConfiguration[], now: number): ArchiveMove | undefined {
  const facts = factsOf(row);
  // A restore in progress keeps the tier it is restoring from.
  if (restoring(facts, now)) return undefined;
  const tier = accessTierAt(facts, configs, now);
  // Moved: to a tier other than the one written down, or back to it after a restore ended.
  if (!isArchiveTier(tier) || (tier === row.archive_tier && facts.restoreCompletesAt === null)) return undefined;
  store.setArchiveTier(row, tier);
  return { row, tier };
}

/**
 * Writes down the objects of a bucket that its configurations moved to an archive tier: before
 * the configurations change (inside that transaction), and in the hourly sweep. Answers the moves.
 */
export function settleBucket(store: S3Store, bucket: string, now: number): ArchiveMove[] {
  const configs = configurations(store, bucket);
  if (configs.length === 0) return [];
  const moves: ArchiveMove[] = [];
  // A page of versions at a time, so a bucket of millions never sits in memory whole.
  for (const row of store.versionsOf(bucket)) {
    const move = monitored(row) ? settleRow(store, row, configs, now) : undefined;
    if (move) moves.push(move);
  }
  return moves;
}

/** Before a version's tags change (inside that transaction): a tag filter may have moved it. */
export function settleVersion(store: S3Store, row: ObjectRow, now: number): ArchiveMove[] {
  const move = monitored(row) ? settleRow(store, row, configurations(store, row.bucket), now) : undefined;
  return move ? [move] : [];
}

/**
 * The s3:IntelligentTiering events of moves ("You receive this notification event when an object
 * within the S3 Intelligent-Tiering storage class moved to the Archive Access tier or Deep
 * Archive Access tier"), made by S3 itself; owed when a configuration of the bucket sends them.
 */
export function tieringEvents(store: S3Store, bucket: BucketRow, moves: readonly ArchiveMove[], now: number): S3ObjectEvent[] {
  return moves.map(({ row, tier }) =>
    owed(store, bucket, objectEvent(store, bucket, "s3:IntelligentTiering", { key: row.key, size: row.size, eTag: row.etag, versionId: row.version_id }, now, s3Origin(), { intelligentTiering: { destinationAccessTier: tier } })),
  );
}

/** A request's moves (a configuration or tags about to change), told if the request succeeds. */
export function emitTieringEvents(ctx: S3Context, bucket: BucketRow, moves: readonly ArchiveMove[]): void {
  for (const event of tieringEvents(ctx.store, bucket, moves, ctx.clock.now())) ctx.emit("s3:Object", event);
}

/**
 * Tiers are computed when asked for; a move is news only once something notices it. The sweep
 * notices within the hour: every hour of (injected) clock time it writes down the objects of the
 * buckets with Intelligent-Tiering configurations that reached an archive tier, and sends their
 * events once each bucket's transaction has committed (sweepEvery, which runs this on each bucket
 * with Intelligent-Tiering configurations, one transaction each). A bucket whose moves cannot be
 * written (a full disk) is found again by the next sweep, as they are not written down.
 */
function sweepIntelligentTiering(store: S3Store, name: string, now: number): SweptEvents {
  return store.transaction(() => {
    const bucket = store.bucket(name);
    if (!bucket) return [];
    return tieringEvents(store, bucket, settleBucket(store, name, now), now).map((event) => ({ event, scope: { account: bucket.account_id, region: bucket.region } }));
  });
}

export function startIntelligentTiering(env: ServiceEnvironment, store: S3Store): () => void {
  return sweepEvery(env, store, TIERING_SWEEP_INTERVAL, "intelligentTiering", sweepIntelligentTiering, "s3 intelligent-tiering sweep");
}
