/**
 * STS constraints the model does not carry, with AWS's Coral wording
 * ("1 validation error detected: Value '...' at 'durationSeconds' failed to satisfy constraint: ...").
 */
import { errors } from "./errors.js";

interface Check {
  readonly field: string;
  readonly value: unknown;
  readonly failure: string | undefined;
}

function range(field: string, value: number | undefined, min: number, max: number): Check {
  let failure: string | undefined;
  if (value !== undefined && value < min) failure = `Member must have value greater than or equal to ${min}`;
  else if (value !== undefined && value > max) failure = `Member must have value less than or equal to ${max}`;
  return { field, value, failure };
}

function length(field: string, value: string | undefined, min: number, max: number): Check {
  let failure: string | undefined;
  if (value !== undefined && value.length < min) failure = `Member must have length greater than or equal to ${min}`;
  else if (value !== undefined && value.length > max) failure = `Member must have length less than or equal to ${max}`;
  return { field, value, failure };
}

function pattern(field: string, value: string | undefined, re: RegExp, source: string): Check {
  return { field, value, failure: value !== undefined && !re.test(value) ? `Member must satisfy regular expression pattern: ${source}` : undefined };
}

/** Throws ValidationError listing every failed constraint, as STS does. */
export function check(...checks: Check[]): void {
  const failed = checks.filter((c) => c.failure);
  if (!failed.length) return;
  const n = failed.length;
  const parts = failed.map((c) => `Value '${String(c.value)}' at '${c.field}' failed to satisfy constraint: ${c.failure}`);
  throw errors.ValidationError({ message: `${n} validation error${n === 1 ? "" : "s"} detected: ${parts.join("; ")}` });
}

const SESSION_NAME = /^[\w+=,.@-]*$/;

export const constraints = {
  durationSeconds: (v: number | undefined, min: number, max: number) => range("durationSeconds", v, min, max),
  roleArn: (v: string) => length("roleArn", v, 20, 2048),
  roleSessionName: (v: string) => [length("roleSessionName", v, 2, 64), pattern("roleSessionName", v, SESSION_NAME, "[\\w+=,.@-]*")],
  policy: (v: string | undefined) => length("policy", v, 1, 2048),
  externalId: (v: string | undefined) => [length("externalId", v, 2, 1224), pattern("externalId", v, /^[\w+=,.@:/-]*$/, "[\\w+=,.@:\\/-]*")],
  accessKeyId: (v: string) => [length("accessKeyId", v, 16, 128), pattern("accessKeyId", v, /^[\w]*$/, "[\\w]*")],
  serialNumber: (v: string | undefined) => length("serialNumber", v, 9, 256),
  tokenCode: (v: string | undefined) => [length("tokenCode", v, 6, 6), pattern("tokenCode", v, /^\d*$/, "[\\d]*")],
};
