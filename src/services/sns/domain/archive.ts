/**
 * Message archiving and replay for FIFO topics, as SNS reads the policies (developer guide,
 * "Amazon SNS message archiving for FIFO topic owners" and "Amazon SNS message replay for FIFO
 * topic subscribers"):
 *
 * - A topic's ArchivePolicy `{"MessageRetentionPeriod": "<days>"}` keeps every message published
 *   to it for 1 to 365 days; `{}` deactivates it, and "When you deactivate a message archive
 *   policy, Amazon SNS deletes all of the archived messages".
 * - BeginningArchiveTime (GetTopicAttributes) is "the oldest timestamp at which a subscriber can
 *   start a replay", "based on the configured message retention period": the retention period
 *   back from now, but never before archiving began (no message older than that is archived).
 * - A subscription's ReplayPolicy `{"PointType":"Timestamp","StartingPoint":..., "EndingPoint":...}`
 *   redelivers the archived messages published in that window; without an EndingPoint the
 *   replay catches up with the present and the subscription goes on with new messages, with
 *   one the subscription stops at the EndingPoint ("This action effectively pauses the
 *   subscription").
 *
 * Pure functions: the archive itself is archive-store.ts, the replay's run replay.ts.
 */
import { archiveReasons, invalidParameter } from "./errors.js";

export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 365;
export const DAY_MS = 86_400_000;

/** An active archive: since when it archives, and for how many days it keeps each message. */
export interface ArchiveWindow {
  readonly since: number;
  readonly retentionDays: number;
}

/** The span of publish times (epoch ms, both ends included) a replay redelivers. */
export interface ReplayWindow {
  readonly start: number;
  /** Undefined: up to the present, then on with new messages. */
  readonly end: number | undefined;
}

/**
 * The ArchivePolicy's retention in days, or undefined for a policy that deactivates archiving
 * (`{}`, or the empty value that removes the attribute). `prefix` is how the operation starts
 * its refusals ("Invalid parameter: " or "Invalid parameter: Attributes Reason: ").
 */
export function parseArchivePolicy(value: string, prefix: string): number | undefined {
  if (value === "") return undefined;
  const policy = jsonObject(value, "ArchivePolicy", prefix);
  for (const key of Object.keys(policy)) {
    if (key !== "MessageRetentionPeriod") throw invalidParameter(`${prefix}${archiveReasons.unknownKey("ArchivePolicy", key)}`);
  }
  const period = policy.MessageRetentionPeriod;
  if (period === undefined) return undefined;
  // The guide's examples send the days as a string ("30"); a JSON number is taken as well.
  const days = typeof period === "string" && /^[0-9]{1,3}$/.test(period) ? Number(period) : typeof period === "number" && Number.isInteger(period) ? period : NaN;
  if (!(days >= MIN_RETENTION_DAYS && days <= MAX_RETENTION_DAYS)) {
    throw invalidParameter(`${prefix}${archiveReasons.retentionPeriod(MIN_RETENTION_DAYS, MAX_RETENTION_DAYS)}`);
  }
  return days;
}

/** BeginningArchiveTime: the retention period back from `now`, never before archiving began. */
export function beginningArchiveTime(archive: ArchiveWindow, now: number): number {
  return Math.max(archive.since, now - archive.retentionDays * DAY_MS);
}

/** When a message published at `publishedAt` leaves an archive that keeps messages `retentionDays`. */
export function archiveExpiry(publishedAt: number, retentionDays: number): number {
  return publishedAt + retentionDays * DAY_MS;
}

/**
 * A ReplayPolicy's window, checked against the topic's archive at `now`; undefined for a value
 * that stops replaying (the empty value, or `{}` as for ArchivePolicy). The policy's own shape
 * is checked before the archive, so a malformed policy is refused the same on any topic.
 */
export function parseReplayPolicy(value: string, prefix: string, archive: ArchiveWindow | undefined, now: number): ReplayWindow | undefined {
  if (value === "") return undefined;
  const policy = jsonObject(value, "ReplayPolicy", prefix);
  if (Object.keys(policy).length === 0) return undefined;
  for (const key of Object.keys(policy)) {
    if (key !== "PointType" && key !== "StartingPoint" && key !== "EndingPoint") throw invalidParameter(`${prefix}${archiveReasons.unknownKey("ReplayPolicy", key)}`);
  }
  if (policy.PointType !== "Timestamp") throw invalidParameter(`${prefix}${archiveReasons.pointType()}`);
  if (policy.StartingPoint === undefined) throw invalidParameter(`${prefix}${archiveReasons.missingStartingPoint()}`);
  const start = parseTimestamp(policy.StartingPoint);
  if (start === undefined) throw invalidParameter(`${prefix}${archiveReasons.timestamp("StartingPoint")}`);
  const end = policy.EndingPoint === undefined ? undefined : parseTimestamp(policy.EndingPoint);
  if (policy.EndingPoint !== undefined && end === undefined) throw invalidParameter(`${prefix}${archiveReasons.timestamp("EndingPoint")}`);
  if (archive === undefined) throw invalidParameter(`${prefix}${archiveReasons.noArchive()}`);
  const beginning = beginningArchiveTime(archive, now);
  if (start < beginning) throw invalidParameter(`${prefix}${archiveReasons.beforeArchive(new Date(beginning).toISOString())}`);
  if (start > now) throw invalidParameter(`${prefix}${archiveReasons.future()}`);
  if (end !== undefined && end < start) throw invalidParameter(`${prefix}${archiveReasons.endBeforeStart()}`);
  return { start, end };
}

// ISO 8601 date and time with seconds, as the guide's examples write them ("2023-10-01T10:00:00.000Z"),
// in UTC or with an offset.
const TIMESTAMP_RE = /^((\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 timestamp as epoch ms (fractions past the millisecond dropped), or undefined. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = TIMESTAMP_RE.exec(value);
  if (match === null) return undefined;
  const [, dateTime, year, month, day, fraction, zone] = match;
  // Date.parse rolls a day past the month's end over ("2023-02-30" is March 2): refuse it instead.
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (calendar.getUTCMonth() + 1 !== Number(month) || calendar.getUTCDate() !== Number(day)) return undefined;
  const ms = Date.parse(`${dateTime}.${(fraction ?? "").padEnd(3, "0").slice(0, 3)}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

function jsonObject(value: string, policy: "ArchivePolicy" | "ReplayPolicy", prefix: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidParameter(`${prefix}${archiveReasons.unparsable(policy)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalidParameter(`${prefix}${archiveReasons.notAnObject(policy)}`);
  return parsed as Record<string, unknown>;
}
