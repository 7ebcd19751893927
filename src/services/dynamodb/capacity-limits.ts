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
 */
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
