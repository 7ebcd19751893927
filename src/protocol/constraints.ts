/**
 * Member constraints a model does not carry (lengths, ranges, patterns, enums), in Coral's
 * words: "2 validation errors detected: Value 'x' at 'tableName' failed to satisfy constraint:
 * Member must have length greater than or equal to 3; ...". Every failure of a request is
 * listed in one sentence. Each service throws that sentence as its own error (DynamoDB's
 * ValidationException, STS's ValidationError, Logs' InvalidParameterException).
 */

/** One member's constraint: `failure` says how it failed, undefined when it holds. */
export interface Check {
  readonly field: string;
  readonly value: unknown;
  readonly failure: string | undefined;
  /** Worded without the value and the member ("Failed to satisfy constraint: ..."), as DynamoDB's newer front end words some. */
  readonly bare?: boolean;
}

export function length(field: string, value: string | undefined, min: number, max: number): Check {
  let failure: string | undefined;
  if (value !== undefined && value.length < min) failure = `Member must have length greater than or equal to ${min}`;
  else if (value !== undefined && value.length > max) failure = `Member must have length less than or equal to ${max}`;
  return { field, value, failure };
}

/** A list's length, the list shown as Coral shows one it does not print ("[3 items]"). */
export function count(field: string, value: readonly unknown[] | undefined, min: number, max: number): Check {
  if (value === undefined) return { field, value, failure: undefined };
  let failure: string | undefined;
  if (value.length < min) failure = `Member must have length greater than or equal to ${min}`;
  else if (value.length > max) failure = `Member must have length less than or equal to ${max}`;
  return { field, value: value.length === 0 ? "[]" : `[${value.length} items]`, failure };
}

/** A list of names, which Coral quotes in full ("[a, b]") where it counts other lists. */
export function stringList(field: string, value: readonly string[] | undefined, min: number, max: number): Check {
  return { field, value, failure: count(field, value, min, max).failure };
}

export function range(field: string, value: number | undefined, min: number, max?: number): Check {
  let failure: string | undefined;
  if (value !== undefined && value < min) failure = `Member must have value greater than or equal to ${min}`;
  else if (value !== undefined && max !== undefined && value > max) failure = `Member must have value less than or equal to ${max}`;
  return { field, value, failure };
}

/** `shown` is the pattern as the service quotes it in the message. */
export function pattern(field: string, value: string | undefined, re: RegExp, shown: string): Check {
  return { field, value, failure: value !== undefined && !re.test(value) ? `Member must satisfy regular expression pattern: ${shown}` : undefined };
}

export function oneOf(field: string, value: string | number | undefined, allowed: ReadonlyArray<string | number>): Check {
  return { field, value, failure: value !== undefined && !allowed.includes(value) ? `Member must satisfy enum value set: [${allowed.join(", ")}]` : undefined };
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(shown).join(", ")}]`;
  return String(value);
}

/** A list each of whose items must be one of `allowed`: Coral names the list and nests the items' constraint. */
export function eachOneOf(field: string, value: readonly string[] | undefined, allowed: readonly string[]): Check {
  const failed = value !== undefined && value.some((v) => !allowed.includes(v));
  return { field, value, failure: failed ? `Member must satisfy constraint: [Member must satisfy enum value set: [${allowed.join(", ")}]]` : undefined };
}

/**
 * A list each of whose items has a length from `min` to `max`: Coral names the list and nests the
 * items' constraints, the longest first ("Member must satisfy constraint: [Member must have length
 * less than or equal to 140, Member must have length greater than or equal to 1, ...]", as AWS
 * answers for Lambda's layers).
 */
export function eachLength(field: string, value: readonly string[] | undefined, min: number, max: number): Check {
  const failed = value !== undefined && value.some((v) => v.length < min || v.length > max);
  const nested = `Member must satisfy constraint: [Member must have length less than or equal to ${max}, Member must have length greater than or equal to ${min}]`;
  return { field, value, failure: failed ? nested : undefined };
}

/** Coral's sentence for the checks that failed; undefined when all hold. */
export function constraintMessage(checks: readonly (Check | undefined)[]): string | undefined {
  const failed = checks.filter((c): c is Check => c !== undefined && c.failure !== undefined);
  if (failed.length === 0) return undefined;
  const n = failed.length;
  const parts = failed.map((c) =>
    c.bare === true
      ? `Failed to satisfy constraint: ${c.failure}`
      : c.value === null || c.value === undefined
        ? `Value null at '${c.field}' failed to satisfy constraint: ${c.failure}`
        : `Value '${shown(c.value)}' at '${c.field}' failed to satisfy constraint: ${c.failure}`,
  );
  return `${n} validation error${n === 1 ? "" : "s"} detected: ${parts.join("; ")}`;
}
