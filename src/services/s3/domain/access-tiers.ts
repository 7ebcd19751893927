/**
 * The access tier of an object in the S3 Intelligent-Tiering storage class, from how long it has
 * gone without access and the bucket's Intelligent-Tiering configurations (S3 User Guide, "How S3
 * Intelligent-Tiering works"):
 *
 * - "Frequent Access tier (automatic): This is the default access tier that any object created or
 *   transitioned to S3 Intelligent-Tiering begins its lifecycle in."
 * - "If an object is not accessed for 30 consecutive days, the object moves to the Infrequent
 *   Access tier", and after 90 to the Archive Instant Access tier.
 * - The opt-in tiers: a configuration's ARCHIVE_ACCESS (at least 90 days) and DEEP_ARCHIVE_ACCESS
 *   (at least 180) move the objects its filter matches once they have gone that many days
 *   without access; "Only activate the Archive Access tier for 90 days if you want to bypass the
 *   Archive Instant Access tier."
 * - "If the size of an object is less than 128 KB, it is not monitored and is not eligible for
 *   automatic tiering. Smaller objects are always stored in the Frequent Access tier."
 * - An object in an archive tier stays there until a restore moves it back to Frequent Access
 *   ("wait until the object is moved into the Frequent Access tier", Managing S3
 *   Intelligent-Tiering); from there it tiers down again as any other.
 *
 * Days count from the object's last access (its creation, its transition, an access, the end of
 * its restore), in milliseconds: nothing rounds them to midnight.
 */
import { DAY_MS } from "./lifecycle.js";

export type ArchiveTier = "ARCHIVE_ACCESS" | "DEEP_ARCHIVE_ACCESS";
export type AccessTier = "FREQUENT" | "INFREQUENT" | "ARCHIVE_INSTANT_ACCESS" | ArchiveTier;

/** "less than 128 KB": S3's KB are KiB here, as for lifecycle's 128 KB minimum (lifecycle.ts). */
export const MONITORED_MIN_SIZE = 128 * 1024;
const INFREQUENT_AFTER_DAYS = 30;
const ARCHIVE_INSTANT_AFTER_DAYS = 90;

interface TagLike {
  readonly Key: string;
  readonly Value: string;
}

/** The shape of an IntelligentTieringConfiguration this module reads. */
export interface TieringConfiguration {
  readonly Status: string;
  readonly Filter?: { readonly Prefix?: string; readonly Tag?: TagLike; readonly And?: { readonly Prefix?: string; readonly Tags?: readonly TagLike[] } };
  readonly Tierings: readonly { readonly Days: number; readonly AccessTier: string }[];
}

/** What decides an object's tier. */
export interface TieringFacts {
  readonly key: string;
  readonly size: number;
  readonly tags: readonly TagLike[];
  /** When it was last accessed (or created, or transitioned to Intelligent-Tiering). */
  readonly accessedAt: number;
  /** The archive tier it was recorded in, if any. */
  readonly archiveTier: ArchiveTier | null;
  /** When a restore from that tier ends (the object is in Frequent Access from then on), if one was asked for. */
  readonly restoreCompletesAt: number | null;
}

export function isArchiveTier(tier: string | null | undefined): tier is ArchiveTier {
  return tier === "ARCHIVE_ACCESS" || tier === "DEEP_ARCHIVE_ACCESS";
}

/** A filter's prefix and every tag it names must match; no filter matches every object. */
export function filterMatches(config: TieringConfiguration, key: string, tags: readonly TagLike[]): boolean {
  const filter = config.Filter;
  const prefix = filter?.And?.Prefix ?? filter?.Prefix ?? "";
  const wanted = [...(filter?.Tag ? [filter.Tag] : []), ...(filter?.And?.Tags ?? [])];
  return key.startsWith(prefix) && wanted.every((w) => tags.some((t) => t.Key === w.Key && t.Value === w.Value));
}

/** Deep Archive Access is past Archive Access: an object that reached it stays in the deeper one. */
function deeper(a: ArchiveTier | undefined, b: ArchiveTier | undefined): ArchiveTier | undefined {
  return a === "DEEP_ARCHIVE_ACCESS" || b === "DEEP_ARCHIVE_ACCESS" ? "DEEP_ARCHIVE_ACCESS" : (a ?? b);
}

/** The deepest archive tier that the enabled configurations matching the object reach after `idle` ms without access. */
function archiveDue(facts: TieringFacts, configs: readonly TieringConfiguration[], idle: number): ArchiveTier | undefined {
  let due: ArchiveTier | undefined;
  for (const config of configs) {
    if (config.Status !== "Enabled" || !filterMatches(config, facts.key, facts.tags)) continue;
    for (const tiering of config.Tierings) {
      if (isArchiveTier(tiering.AccessTier) && idle >= tiering.Days * DAY_MS) due = deeper(due, tiering.AccessTier);
    }
  }
  return due;
}

/** Whether a restore was asked for and has not ended at `now`. */
export function restoring(facts: Pick<TieringFacts, "restoreCompletesAt">, now: number): boolean {
  return facts.restoreCompletesAt !== null && now < facts.restoreCompletesAt;
}

/** When the days without access start: the last access, or the end of a restore after it. */
export function lastAccess(facts: TieringFacts, now: number): number {
  const restored = facts.restoreCompletesAt !== null && !restoring(facts, now) ? facts.restoreCompletesAt : -Infinity;
  return Math.max(facts.accessedAt, restored);
}

/** The object's access tier at `now`. */
export function accessTierAt(facts: TieringFacts, configs: readonly TieringConfiguration[], now: number): AccessTier {
  if (facts.size < MONITORED_MIN_SIZE) return "FREQUENT";
  // A restore in progress keeps the object where it was recorded; an ended one has moved it out.
  if (restoring(facts, now)) return facts.archiveTier ?? "FREQUENT";
  const recorded = facts.restoreCompletesAt === null ? (facts.archiveTier ?? undefined) : undefined;
  const idle = now - lastAccess(facts, now);
  const archived = deeper(recorded, archiveDue(facts, configs, idle));
  if (archived !== undefined) return archived;
  if (idle >= ARCHIVE_INSTANT_AFTER_DAYS * DAY_MS) return "ARCHIVE_INSTANT_ACCESS";
  if (idle >= INFREQUENT_AFTER_DAYS * DAY_MS) return "INFREQUENT";
  return "FREQUENT";
}

/**
 * The IntelligentTieringAccessTier column of an S3 Inventory report. The inventory pages describe
 * the field only as the "access tier (frequent or infrequent)" and list no values: these five are
 * an assumption, not found in AWS's documentation.
 */
export function inventoryAccessTier(tier: AccessTier): string {
  if (tier === "ARCHIVE_ACCESS") return "ARCHIVE";
  if (tier === "DEEP_ARCHIVE_ACCESS") return "DEEP_ARCHIVE";
  return tier;
}
