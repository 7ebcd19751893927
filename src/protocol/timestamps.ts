import type { TimestampFormat } from "./model.js";

/** Parses any of AWS's timestamp forms: epoch seconds, ISO 8601, RFC 822 (HTTP date). */
export function parseTimestamp(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(Math.round(value * 1000));
  if (typeof value !== "string" || value === "") return undefined;
  if (/^-?\d+(\.\d+)?$/.test(value)) return new Date(Math.round(Number(value) * 1000));
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

export function formatTimestamp(date: Date, format: TimestampFormat): string | number {
  switch (format) {
    case "unixTimestamp":
      // Seconds with millisecond precision, as AWS JSON services send them.
      return Math.round(date.getTime()) / 1000;
    case "rfc822":
      return date.toUTCString();
    default:
      return isoString(date);
  }
}

let lastIsoTime = Number.NaN;
let lastIso = "";

/**
 * toISOString, remembering the last answer: a listing's entries written in the same second
 * share their LastModified (S3 keeps whole seconds), and toISOString was a tenth of the time
 * of a thousand-entry ListObjectsV2 page.
 */
function isoString(date: Date): string {
  const time = date.getTime();
  if (time !== lastIsoTime) {
    lastIso = date.toISOString();
    lastIsoTime = time;
  }
  return lastIso;
}
