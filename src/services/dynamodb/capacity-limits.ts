/**
 * What UpdateTable refuses about capacity changes, as DynamoDB enforces it today, and the
 * bookkeeping DescribeTable shows for it.
 *
 * - Billing mode: "You can switch tables from provisioned capacity mode to on-demand mode up to
 *   four times in a 24-hour rolling window. You can switch tables from on-demand mode to
 *   provisioned capacity mode at any time" (developer guide, "Considerations when switching
 *   capacity modes"). The study guide's once per 24 hours is the rule AWS has since dropped.
 * - Provisioned throughput decreases: "A decrease is allowed up to four times any time per day
 *   (GMT time zone). Also, if there was no decrease in the past hour, an additional decrease is
 *   allowed, effectively bringing the maximum number of decreases in a day to 27 times" (Service
 *   Quotas, "Provisioned capacity decreases per day"). As measured against AWS: the table and each
 *   GSI count apart, a change that lowers either unit is one decrease, after the 4th the next is
 *   admitted 3600 s after the last accepted one (or at 00:00 UTC, when the count starts again),
 *   and a refused attempt moves nothing (ack-api-quirks DDB-TABLE-157/184/185/326).
 * - Throughput quotas (DescribeLimits): 40,000 read and 40,000 write units for a table and for each
 *   GSI, provisioned or as an on-demand or warm maximum; 80,000 of each for the provisioned tables
 *   and GSIs of an account in a Region together, on-demand ones not counted (developer guide,
 *   "Quotas in Amazon DynamoDB", Throughput default quotas; the texts: DDB-TABLE-171/443).
 * - Table class: "Updates to TableClass are limited to 2 times in 30 day(s)", and once they are
 *   spent a re-send of the class the table has is refused too (DDB-TABLE-443).
 * - Encryption (SSESpecification): four changes in a 24-hour window that starts at the first of
 *   them, then one every 21,600 seconds until the window ends (DDB-TABLE-081/141).
 */
import { validationException } from "./domain/index.js";
import { errors } from "./errors.js";
import type { TableMeta, Throughput } from "./table.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Switches to on-demand in any 24 hours. */
export const PAY_PER_REQUEST_SWITCHES = 4;
/** Decreases a UTC day admits before the one-an-hour rule. */
export const FREE_DECREASES = 4;

// ---------------------------------------------------------------------------------------------
// Billing mode

/** The switches to on-demand in the 24 hours before `now`, oldest first. */
export function recentPayPerRequestSwitches(meta: Pick<TableMeta, "payPerRequestSwitches">, now: number): number[] {
  return (meta.payPerRequestSwitches ?? []).filter((t) => t > now - DAY_MS);
}

/** Refuses a fifth switch to on-demand within 24 hours; the next is free when the oldest of the four leaves the window. */
export function checkPayPerRequestSwitch(meta: Pick<TableMeta, "payPerRequestSwitches">, now: number): void {
  const recent = recentPayPerRequestSwitches(meta, now);
  if (recent.length < PAY_PER_REQUEST_SWITCHES) return;
  const last = recent.at(-1) ?? now;
  const oldest = recent.at(-PAY_PER_REQUEST_SWITCHES) ?? now;
  throw errors.PayPerRequestSwitchLimit({ times: `${PAY_PER_REQUEST_SWITCHES} times`, last: javaDateString(last), next: javaDateString(oldest + DAY_MS) });
}

/** Keeps the switch (and those still in the window) on the table: the table row is JSON, so this survives a restart. */
export function recordPayPerRequestSwitch(meta: Pick<TableMeta, "payPerRequestSwitches">, now: number): void {
  meta.payPerRequestSwitches = [...recentPayPerRequestSwitches(meta, now), now];
}

// ---------------------------------------------------------------------------------------------
// Provisioned throughput decreases

function utcDayStart(t: number): number {
  return t - (((t % DAY_MS) + DAY_MS) % DAY_MS);
}

/**
 * NumberOfDecreasesToday at `now`: the count goes back to 0 at 00:00 UTC, LastDecreaseDateTime
 * stays (DDB-TABLE-185). Without `now`, the count as last stored.
 */
export function decreasesToday(t: Pick<Throughput, "decreasesToday" | "lastDecrease">, now?: number): number {
  if (now === undefined || t.lastDecrease === undefined) return t.decreasesToday;
  return utcDayStart(t.lastDecrease) === utcDayStart(now) ? t.decreasesToday : 0;
}

/** When the next decrease of `t` is admitted, if not at `now`. */
export function nextDecreaseAt(t: Pick<Throughput, "decreasesToday" | "lastDecrease">, now: number): number | undefined {
  if (decreasesToday(t, now) < FREE_DECREASES || t.lastDecrease === undefined) return undefined;
  const next = Math.min(t.lastDecrease + HOUR_MS, utcDayStart(now) + DAY_MS);
  return now >= next ? undefined : next;
}

/** Refuses a decrease of the table's or a GSI's throughput beyond today's allowance. */
export function checkDecrease(t: Pick<Throughput, "decreasesToday" | "lastDecrease">, now: number): void {
  const next = nextDecreaseAt(t, now);
  if (next === undefined || t.lastDecrease === undefined) return;
  throw errors.DecreaseLimit({ count: decreasesToday(t, now), last: javaFullDate(t.lastDecrease), next: javaFullDate(next) });
}

// ---------------------------------------------------------------------------------------------
// Throughput quotas

/** TableMaxReadCapacityUnits and TableMaxWriteCapacityUnits, as DescribeLimits answers them: a table's, and each GSI's. */
export const TABLE_MAX_UNITS = 40_000;
/** AccountMaxReadCapacityUnits and AccountMaxWriteCapacityUnits: the provisioned tables and GSIs of an account in a Region, together. */
export const ACCOUNT_MAX_UNITS = 80_000;

export interface Units {
  readonly read: number;
  readonly write: number;
}

/**
 * Provisioned units above the per-table (or, `index` named, per-index) maximum; the read units
 * are named first where both are above.
 */
export function checkProvisionedMaximum(units: Units, index: string | undefined, region: string): void {
  const over = units.read > TABLE_MAX_UNITS ? (["ReadCapacityUnits", units.read] as const) : units.write > TABLE_MAX_UNITS ? (["WriteCapacityUnits", units.write] as const) : undefined;
  if (over === undefined) return;
  const params = { member: over[0], units: over[1], region, max: TABLE_MAX_UNITS };
  throw index === undefined ? errors.TableMaxExceeded(params) : errors.IndexMaxExceeded({ ...{}, ...params, index });
}

/** What OnDemandThroughput and WarmThroughput may ask of a table or GSI: no more than its provisioned maximum. */
export interface RequestedUnits {
  readonly feature: "OnDemandThroughput" | "WarmThroughput";
  readonly read?: number;
  readonly write?: number;
}

const REQUESTED_MEMBERS = {
  OnDemandThroughput: ["MaxReadRequestUnits", "MaxWriteRequestUnits"],
  WarmThroughput: ["ReadUnitsPerSecond", "WriteUnitsPerSecond"],
} as const;

/**
 * An on-demand maximum or a warm throughput above TableMax*CapacityUnits: "You can pre-warm your
 * table up to the table or index quota limit for your account in that Region", and an on-demand
 * maximum is bounded alike. `index` names a GSI, which each feature's text names its own way
 * (DDB-TABLE-171); -1, an on-demand maximum cleared, is no request.
 */
export function checkRequestedUnits(requested: RequestedUnits, index: string | undefined, region: string): void {
  const [readMember, writeMember] = REQUESTED_MEMBERS[requested.feature];
  const over =
    (requested.read ?? 0) > TABLE_MAX_UNITS
      ? ([readMember, "TableMaxReadCapacityUnits"] as const)
      : (requested.write ?? 0) > TABLE_MAX_UNITS
        ? ([writeMember, "TableMaxWriteCapacityUnits"] as const)
        : undefined;
  if (over === undefined) return;
  const subject = index === undefined ? "table" : requested.feature === "OnDemandThroughput" ? `index : ${index}` : `index ${index}`;
  throw errors.RequestedUnitsExceeded({ member: over[0], feature: requested.feature, subject, quota: over[1], region });
}

/**
 * An OnDemandThroughput's members below their range: "set the value of MaxReadRequestUnits as
 * greater than or equal to 1. To remove the maximum OnDemandThroughput that is currently set on
 * your table, set the value of MaxReadRequestUnits to -1" (API reference, OnDemandThroughput).
 * -1 only removes a maximum an UpdateTable finds; CreateTable refuses it as it refuses 0
 * (AWS's text recorded for CreateTable: 0 in terraform-provider-aws#39760, -1 in
 * pulumi/pulumi-aws#5126). The read units are named first. A GSI's text is taken to name the
 * index as the on-demand maximum's does ("index : name").
 */
export function checkOnDemandRange(o: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number } | undefined, index: string | undefined, removable: boolean): void {
  if (o === undefined) return;
  for (const [member, units] of [
    ["MaxReadRequestUnits", o.MaxReadRequestUnits],
    ["MaxWriteRequestUnits", o.MaxWriteRequestUnits],
  ] as const) {
    if (units === undefined || units >= 1 || (removable && units === -1)) continue;
    const subject = index === undefined ? "table" : `index : ${index}`;
    throw validationException(`One or more parameter values were invalid: Requested ${member} for OnDemandThroughput for ${subject} is outside of valid range`);
  }
}

/** The maximums an OnDemandThroughput sets, those removed (-1) left out: what a new table made like it (a restore) may be given. */
export function onDemandMaximumsSet<T extends { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number }>(o: T | undefined): T | undefined {
  if (o === undefined) return undefined;
  const kept = Object.fromEntries(Object.entries(o).filter(([, units]) => units !== -1)) as T;
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** An OnDemandThroughput (of the table, or of the GSI `index`) above TableMax*CapacityUnits. */
export function checkOnDemandMaximum(o: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number } | undefined, index: string | undefined, region: string): void {
  if (o !== undefined) checkRequestedUnits({ feature: "OnDemandThroughput", read: o.MaxReadRequestUnits, write: o.MaxWriteRequestUnits }, index, region);
}

/** The units a table reserves against the account's quota: its own and its GSIs', when it is provisioned. */
export function reservedUnits(meta: Pick<TableMeta, "billingMode" | "provisioned" | "gsis">): Units {
  if (meta.billingMode !== "PROVISIONED") return { read: 0, write: 0 };
  return meta.gsis.reduce((sum, g) => ({ read: sum.read + (g.provisioned?.read ?? 0), write: sum.write + (g.provisioned?.write ?? 0) }), { read: meta.provisioned.read, write: meta.provisioned.write });
}

/**
 * Refuses a request that would take the account's provisioned units (`reserved`, every table and
 * GSI of the Region as stored) above its quota by `requested` more; the read units are named
 * first. A request that reserves no more (a decrease, an on-demand table) is never refused.
 */
export function checkAccountMaximum(reserved: Units, requested: Units, region: string): void {
  for (const [member, have, more] of [
    ["ReadCapacityUnits", reserved.read, requested.read],
    ["WriteCapacityUnits", reserved.write, requested.write],
  ] as const) {
    if (more > 0 && have + more > ACCOUNT_MAX_UNITS) throw errors.AccountMaxExceeded({ member, region, reserved: have, max: ACCOUNT_MAX_UNITS, requested: more });
  }
}

// ---------------------------------------------------------------------------------------------
// Table class

/** TableClass changes a table admits in any 30 days. */
const TABLE_CLASS_UPDATES = 2;
const TABLE_CLASS_DAYS = 30;

/** The table class changes of the 30 days before `now`, oldest first. */
export function recentTableClassUpdates(meta: Pick<TableMeta, "tableClassUpdates">, now: number): number[] {
  return (meta.tableClassUpdates ?? []).filter((t) => t > now - TABLE_CLASS_DAYS * DAY_MS);
}

/**
 * Refuses a TableClass update once two changes fall in the last 30 days, a re-send of the class
 * the table has included (DDB-TABLE-443: "no-op re-sends are also rejected once spent"). The text
 * names no time; the next change is admitted when the older of the two is 30 days old.
 */
export function checkTableClassUpdate(meta: Pick<TableMeta, "tableClassUpdates">, now: number): void {
  if (recentTableClassUpdates(meta, now).length >= TABLE_CLASS_UPDATES) throw errors.TableClassLimit({ times: TABLE_CLASS_UPDATES, days: TABLE_CLASS_DAYS });
}

/**
 * Keeps a change of the table class (and those still in the window) on the table. Callers keep
 * only real changes: a re-send of the class the table has changes nothing, and the catalogue's
 * refusals all followed two real changes (whether a re-send spends one is not recorded; Nimbus
 * takes it not to).
 */
export function recordTableClassUpdate(meta: Pick<TableMeta, "tableClassUpdates">, now: number): void {
  meta.tableClassUpdates = [...recentTableClassUpdates(meta, now), now];
}

// ---------------------------------------------------------------------------------------------
// Encryption changes

/** Encryption changes a window admits before the one-every-six-hours rule (the text says so itself). */
const FREE_ENCRYPTION_CHANGES = 4;
const ENCRYPTION_INTERVAL_MS = 21_600_000;

/** The changes of the 24-hour window `now` falls in, which began with the first of them; none once it has ended. */
export function encryptionWindow(meta: Pick<TableMeta, "encryptionChanges">, now: number): number[] {
  const changes = meta.encryptionChanges ?? [];
  const start = changes[0];
  return start !== undefined && now < start + DAY_MS ? changes : [];
}

/**
 * Refuses an SSESpecification update past the window's four, until 21,600 s after the last
 * accepted change (or the end of the window, when four are free again). AWS checks this before
 * anything about the keys the request names (DDB-TABLE-081).
 */
export function checkEncryptionChange(meta: Pick<TableMeta, "encryptionChanges">, now: number): void {
  const changes = encryptionWindow(meta, now);
  const first = changes[0];
  const last = changes.at(-1);
  if (changes.length < FREE_ENCRYPTION_CHANGES || first === undefined || last === undefined) return;
  const end = first + DAY_MS;
  const next = Math.min(last + ENCRYPTION_INTERVAL_MS, end);
  if (now >= next) return;
  throw errors.EncryptionChangeLimit({ end: javaInstant(end), count: changes.length, last: javaInstant(last), next: javaInstant(next) });
}

/** Keeps the change on the table (the table row is JSON: it survives a restart). */
export function recordEncryptionChange(meta: Pick<TableMeta, "encryptionChanges">, now: number): void {
  meta.encryptionChanges = [...encryptionWindow(meta, now), now];
}

// ---------------------------------------------------------------------------------------------
// The times in the messages, as DynamoDB's Java front end prints them

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"] as const;

const two = (n: number): string => String(n).padStart(2, "0");

/** java.text.DateFormat FULL/FULL, en_US, UTC: "Friday, October 9, 2026 at 12:21:34 AM Coordinated Universal Time". */
export function javaFullDate(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${hours < 12 ? "AM" : "PM"}`;
  return `${WEEKDAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()} at ${clock} Coordinated Universal Time`;
}

/** java.util.Date#toString, UTC: "Sat Feb 23 03:07:45 UTC 2019". */
export function javaDateString(ms: number): string {
  const d = new Date(ms);
  const day = (WEEKDAYS[d.getUTCDay()] ?? "").slice(0, 3);
  const month = (MONTHS[d.getUTCMonth()] ?? "").slice(0, 3);
  return `${day} ${month} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** DeletionProtectionEnabled: the next update 15 s after a change (DDB-TABLE-003/054; a re-send of the value changes nothing and starts no wait: DDB-TABLE-383). */
const DELETION_PROTECTION_COOLDOWN_MS = 15_000;

/** Refuses any DeletionProtectionEnabled update within 15 s of the last change, a re-send of the value too (DDB-TABLE-054). */
export function checkDeletionProtectionUpdate(meta: Pick<TableMeta, "name" | "deletionProtectionChangedAt">, now: number): void {
  const changed = meta.deletionProtectionChangedAt;
  if (changed === undefined || now >= changed + DELETION_PROTECTION_COOLDOWN_MS) return;
  throw errors.DeletionProtectionCooldown({ name: meta.name, next: javaInstant(changed + DELETION_PROTECTION_COOLDOWN_MS) });
}

/**
 * java.time.Instant#toString, as the encryption message prints its times: ISO-8601 in UTC with
 * the milliseconds AWS shows ("2026-10-09T23:13:00.402Z", DDB-TABLE-081/141). Instant leaves out
 * a fraction of zero ("2026-10-09T23:13:00Z"), which no recorded message happens to show.
 */
export function javaInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? iso.replace(".000Z", "Z") : iso;
}
