/**
 * Warm throughput: the read and write units per second a table or GSI can serve at once, which
 * CreateTable and UpdateTable raise ahead of a peak ("pre-warming") and DescribeTable always shows.
 *
 * From the developer guide ("Understanding DynamoDB warm throughput" and its pages on checking,
 * increasing, creating with, and scenarios) and the ack-api-quirks DynamoDB catalogue, which
 * measured AWS (DDB-TABLE-028/032/033/039/059/061/155/179/410/433/456/459):
 * - A new on-demand table, and each of its GSIs, starts at 12,000 reads and 4,000 writes per
 *   second; a provisioned table or GSI at its provisioned units, and it then tracks the highest
 *   units ever provisioned. A switch to on-demand lifts it to at least 12,000/4,000, which stays
 *   after switching back. It is never lowered: "Once increased, warm throughput values can't be
 *   decreased", a lower request is "decreasing WarmThroughput is not supported"; an equal one is
 *   accepted.
 * - At CreateTable a value below the on-demand start, or below the provisioned units, is refused;
 *   a member left out takes its start value.
 * - An increase is asynchronous while TableStatus stays ACTIVE: DescribeTable shows the old
 *   values with Status UPDATING until it is done, then the new ones ACTIVE. Nimbus keeps it
 *   UPDATING for `--dynamodb-status-delay`; the UpdateTable answer shows the old values, UPDATING.
 *   A second request while one runs is accepted and its values are the ones applied.
 * - Pre-warming goes "up to the table or index quota limit for your account": above
 *   TableMaxRead/WriteCapacityUnits (40,000, DescribeLimits; capacity-limits.ts) is a
 *   LimitExceededException.
 */
import { checkRequestedUnits } from "./capacity-limits.js";
import { validationException } from "./domain/index.js";

const INVALID = "One or more parameter values were invalid: ";
const ON_DEMAND_INITIAL_DOC = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html#on-demand-capacity-mode-initial";

/** Where a new on-demand table or GSI starts (warm-throughput-scenarios, "Warm throughput for an on-demand table"). */
export const ON_DEMAND_WARM: WarmUnits = { read: 12_000, write: 4_000 };

export interface WarmUnits {
  readonly read: number;
  readonly write: number;
}

/** A table's or GSI's warm throughput as the table row keeps it. */
export interface WarmThroughputMeta {
  read: number;
  write: number;
  /** An increase still being applied: until `until` (epoch ms) DescribeTable shows read/write above, UPDATING; then these. */
  pending?: { readonly read: number; readonly write: number; readonly until: number };
}

/** Whose warm throughput a message names: "for table" or "for index <name>". */
export type WarmSubject = { readonly kind: "table" } | { readonly kind: "index"; readonly name: string };

export interface WarmRequest {
  readonly ReadUnitsPerSecond?: number;
  readonly WriteUnitsPerSecond?: number;
}

const subjectOf = (s: WarmSubject): string => (s.kind === "table" ? "table" : `index ${s.name}`);

/** A request with neither member ({}), which AWS treats as not sent (DDB-TABLE-456). */
export function isEmptyWarm(w: WarmRequest | undefined): boolean {
  return w !== undefined && w.ReadUnitsPerSecond === undefined && w.WriteUnitsPerSecond === undefined;
}

/** Where a table or GSI starts without a request: on demand 12,000/4,000, provisioned its units. */
export function warmFloor(billingMode: string, provisioned: { readonly read: number; readonly write: number } | undefined): WarmUnits {
  if (billingMode === "PAY_PER_REQUEST" || provisioned === undefined) return ON_DEMAND_WARM;
  return { read: provisioned.read, write: provisioned.write };
}

/** The values DescribeTable shows at `now`, and whether an increase is still running (`now` absent: still running). */
export function warmAt(warm: WarmThroughputMeta | undefined, floor: WarmUnits, now: number | undefined): WarmUnits & { readonly updating: boolean } {
  if (warm === undefined) return { read: floor.read, write: floor.write, updating: false };
  const p = warm.pending;
  if (p === undefined) return { read: warm.read, write: warm.write, updating: false };
  if (now !== undefined && now >= p.until) return { read: p.read, write: p.write, updating: false };
  return { read: warm.read, write: warm.write, updating: true };
}

/** TableWarmThroughputDescription / GlobalSecondaryIndexWarmThroughputDescription. */
export function warmDescription(warm: WarmThroughputMeta | undefined, floor: WarmUnits, now: number | undefined) {
  const w = warmAt(warm, floor, now);
  return { ReadUnitsPerSecond: w.read, WriteUnitsPerSecond: w.write, Status: w.updating ? "UPDATING" : "ACTIVE" };
}

/** The warm throughput as the row should keep it from `now` on: an increase that is done is folded in, none means the start value. */
export function pinWarm(warm: WarmThroughputMeta | undefined, floor: WarmUnits, now: number): WarmThroughputMeta {
  const w = warmAt(warm, floor, now);
  if (!w.updating) return { read: w.read, write: w.write };
  return { read: w.read, write: w.write, ...(warm?.pending !== undefined ? { pending: warm.pending } : {}) };
}

/** Provisioned units (or the on-demand start) raised the warm throughput to at least `units`, the running increase too. */
export function raiseWarm(warm: WarmThroughputMeta, units: WarmUnits): WarmThroughputMeta {
  const p = warm.pending;
  return {
    read: Math.max(warm.read, units.read),
    write: Math.max(warm.write, units.write),
    ...(p !== undefined ? { pending: { read: Math.max(p.read, units.read), write: Math.max(p.write, units.write), until: p.until } } : {}),
  };
}

/**
 * Above the account's per-table quota (capacity-limits.ts). AWS's text for an index is recorded
 * (DDB-TABLE-154/171); the table's follows OnDemandThroughput's "for table" form.
 */
function checkQuota(units: WarmUnits, subject: WarmSubject, region: string): void {
  checkRequestedUnits({ feature: "WarmThroughput", read: units.read, write: units.write }, subject.kind === "index" ? subject.name : undefined, region);
}

/**
 * CreateTable's (and a GSI Create's) warm throughput: the request over the start value, refused
 * below it (DDB-TABLE-039): on demand "lower than initial throughput for OnDemand", provisioned
 * "lower than ReadCapacityUnits of ProvisionedThroughput" (the write and index forms are that
 * text with the other member or subject, as the catalogue lists the index form of the first).
 */
export function initialWarm(requested: WarmRequest, billingMode: string, floor: WarmUnits, subject: WarmSubject, region: string): WarmUnits {
  const units = { read: requested.ReadUnitsPerSecond ?? floor.read, write: requested.WriteUnitsPerSecond ?? floor.write };
  const low = units.read < floor.read ? (["ReadUnitsPerSecond", "ReadCapacityUnits"] as const) : units.write < floor.write ? (["WriteUnitsPerSecond", "WriteCapacityUnits"] as const) : undefined;
  if (low !== undefined) {
    const start = billingMode === "PAY_PER_REQUEST" ? `initial throughput for OnDemand. See: ${ON_DEMAND_INITIAL_DOC}` : `${low[1]} of ProvisionedThroughput`;
    throw validationException(`${INVALID}Requested ${low[0]} for WarmThroughput for ${subjectOf(subject)} is lower than ${start}`);
  }
  checkQuota(units, subject, region);
  return units;
}

/**
 * UpdateTable's WarmThroughput for a table or GSI already pinned (pinWarm): refused below what
 * DescribeTable shows now, the member left out kept (from a running increase, whose job the new
 * values take over: DDB-TABLE-459). With a delay the increase runs until `now + delay`, or to
 * the end of the one already running; without, it is done at once.
 */
export function requestWarm(warm: WarmThroughputMeta, requested: WarmRequest, subject: WarmSubject, now: number, delay: number, region: string): WarmThroughputMeta {
  const running = warm.pending !== undefined && now < warm.pending.until ? warm.pending : undefined;
  const units = { read: requested.ReadUnitsPerSecond ?? running?.read ?? warm.read, write: requested.WriteUnitsPerSecond ?? running?.write ?? warm.write };
  const low = units.read < warm.read ? "ReadUnitsPerSecond" : units.write < warm.write ? "WriteUnitsPerSecond" : undefined;
  if (low !== undefined) {
    throw validationException(`${INVALID}Requested ${low} for WarmThroughput for ${subjectOf(subject)} is lower than current WarmThroughput, decreasing WarmThroughput is not supported`);
  }
  checkQuota(units, subject, region);
  if (delay <= 0) return { read: units.read, write: units.write };
  return { read: warm.read, write: warm.write, pending: { read: units.read, write: units.write, until: running?.until ?? now + delay } };
}

/** A GSI Update's WarmThroughput with neither member, refused before the table is looked up (DDB-TABLE-456). */
export function checkIndexWarmMembers(indexName: string, requested: WarmRequest | undefined): void {
  if (isEmptyWarm(requested)) {
    throw validationException(`${INVALID}WarmThroughput must have at least one of ReadUnitsPerSecond or WriteUnitsPerSecond specified for index: ${indexName}`);
  }
}
