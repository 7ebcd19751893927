/**
 * CloudWatch Logs constraints the v2 model does not carry (lengths, patterns, ranges, enums),
 * with Coral's wording, e.g. "1 validation error detected: Value 'a:b' at 'logStreamName'
 * failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*".
 */
import { constraintMessage, length, oneOf, pattern, range, type Check } from "../../protocol/constraints.js";
import { errors } from "./errors.js";

export type { Check } from "../../protocol/constraints.js";
export { count, length, oneOf, pattern, range } from "../../protocol/constraints.js";

/** Throws InvalidParameterException listing every failed constraint. */
export function check(...checks: Check[]): void {
  const message = constraintMessage(checks);
  if (message !== undefined) throw errors.InvalidParameter({ message });
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
