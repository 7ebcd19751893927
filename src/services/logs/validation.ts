/**
 * CloudWatch Logs constraints the v2 model does not carry (lengths, patterns, ranges, enums),
 * with Coral's wording, e.g. "1 validation error detected: Value 'a:b' at 'logStreamName'
 * failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*".
 */
import { errors } from "./errors.js";

export interface Check {
  readonly field: string;
  readonly value: unknown;
  readonly failure: string | undefined;
}

const ok = (field: string, value: unknown): Check => ({ field, value, failure: undefined });

export function length(field: string, value: string | undefined, min: number, max: number): Check {
  if (value === undefined) return ok(field, value);
  if (value.length < min) return { field, value, failure: `Member must have length greater than or equal to ${min}` };
  if (value.length > max) return { field, value, failure: `Member must have length less than or equal to ${max}` };
  return ok(field, value);
}

export function count(field: string, value: readonly unknown[] | undefined, min: number, max: number): Check {
  if (value === undefined) return ok(field, value);
  const shown = value.length === 0 ? "[]" : `[${value.length} items]`;
  if (value.length < min) return { field, value: shown, failure: `Member must have length greater than or equal to ${min}` };
  if (value.length > max) return { field, value: shown, failure: `Member must have length less than or equal to ${max}` };
  return ok(field, value);
}

export function range(field: string, value: number | undefined, min: number, max: number): Check {
  if (value === undefined) return ok(field, value);
  if (value < min) return { field, value, failure: `Member must have value greater than or equal to ${min}` };
  if (value > max) return { field, value, failure: `Member must have value less than or equal to ${max}` };
  return ok(field, value);
}

export function pattern(field: string, value: string | undefined, re: RegExp, source: string): Check {
  return { field, value, failure: value !== undefined && !re.test(value) ? `Member must satisfy regular expression pattern: ${source}` : undefined };
}

export function oneOf(field: string, value: string | number | undefined, allowed: ReadonlyArray<string | number>): Check {
  return {
    field,
    value,
    failure: value !== undefined && !allowed.includes(value) ? `Member must satisfy enum value set: [${allowed.join(", ")}]` : undefined,
  };
}

/** Throws InvalidParameterException listing every failed constraint. */
export function check(...checks: Check[]): void {
  const failed = checks.filter((c) => c.failure);
  if (!failed.length) return;
  const n = failed.length;
  const parts = failed.map((c) => `Value '${String(c.value)}' at '${c.field}' failed to satisfy constraint: ${c.failure}`);
  throw errors.InvalidParameter({ message: `${n} validation error${n === 1 ? "" : "s"} detected: ${parts.join("; ")}` });
}

const GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
const STREAM_NAME = /^[^:*]*$/;

// The retention periods AWS accepts, in days (PutRetentionPolicy).
export const RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export const constraints = {
  logGroupName: (v: string | undefined, field = "logGroupName") => [length(field, v, 1, 512), pattern(field, v, GROUP_NAME, "[\\.\\-_/#A-Za-z0-9]+")],
  logGroupNamePrefix: (v: string | undefined) => [length("logGroupNamePrefix", v, 1, 512), pattern("logGroupNamePrefix", v, GROUP_NAME, "[\\.\\-_/#A-Za-z0-9]+")],
  logStreamName: (v: string | undefined, field = "logStreamName") => [length(field, v, 1, 512), pattern(field, v, STREAM_NAME, "[^:*]*")],
  limit: (v: number | undefined, max: number) => range("limit", v, 1, max),
  retentionInDays: (v: number) => oneOf("retentionInDays", v, RETENTION_DAYS),
  filterPattern: (v: string | undefined, field = "filterPattern") => length(field, v, 0, 1024),
};
