/**
 * Event source mapping FilterCriteria: EventBridge-style patterns matched against each record
 * before the function sees it. A record passes when any filter matches. On SQS a JSON `body` is
 * matched as parsed JSON; records that match no filter are dropped (SQS deletes them), as Lambda does.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function parsePatterns(patterns: readonly string[]): Array<Record<string, unknown>> {
  return patterns.map((p) => {
    const parsed = JSON.parse(p) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("a filter pattern must be a JSON object");
    return parsed as Record<string, unknown>;
  });
}

export function matchesAny(patterns: ReadonlyArray<Record<string, unknown>>, record: unknown): boolean {
  return patterns.length === 0 || patterns.some((p) => matchObject(p, record));
}

function matchObject(pattern: Record<string, unknown>, value: unknown): boolean {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const obj = value as Record<string, unknown>;
  return Object.entries(pattern).every(([key, rule]) => {
    const present = Object.prototype.hasOwnProperty.call(obj, key);
    const field = obj[key];
    if (Array.isArray(rule)) return matchRules(rule, present, field);
    if (rule && typeof rule === "object") return present && matchObject(rule as Record<string, unknown>, field);
    return false;
  });
}

function matchRules(rules: unknown[], present: boolean, field: unknown): boolean {
  const values = Array.isArray(field) ? field : [field];
  return rules.some((rule) => {
    if (rule && typeof rule === "object" && !Array.isArray(rule)) {
      const r = rule as Record<string, Json>;
      // Exists looks at leaves only: a field whose value is an object (a DynamoDB attribute such as
      // {"S": "x"}) does not exist for it, so {"presentKey":[{"exists":false}]} matches an image that
      // has presentKey (LocalStack's AWS-recorded test_dynamodb_event_filter[exists_false_filter]).
      if ("exists" in r) return r["exists"] === (present && !isObject(field));
      if (!present) return false;
      return values.some((v) => matchOperator(r, v));
    }
    return present && values.some((v) => v === rule);
  });
}

function isObject(value: unknown): boolean {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function matchOperator(rule: Record<string, Json>, value: unknown): boolean {
  if ("prefix" in rule) return typeof value === "string" && typeof rule["prefix"] === "string" && value.startsWith(rule["prefix"]);
  if ("suffix" in rule) return typeof value === "string" && typeof rule["suffix"] === "string" && value.endsWith(rule["suffix"]);
  if ("equals-ignore-case" in rule) {
    const want = rule["equals-ignore-case"];
    return typeof value === "string" && typeof want === "string" && value.toLowerCase() === want.toLowerCase();
  }
  if ("anything-but" in rule) {
    const but = rule["anything-but"];
    if (Array.isArray(but)) return !but.includes(value as Json);
    if (but && typeof but === "object") return !matchOperator(but as Record<string, Json>, value);
    return value !== but;
  }
  if ("numeric" in rule) {
    const ops = rule["numeric"];
    if (!Array.isArray(ops) || typeof value !== "number") return false;
    for (let i = 0; i + 1 < ops.length; i += 2) {
      const op = ops[i];
      const n = ops[i + 1];
      if (typeof n !== "number") return false;
      const ok = op === "=" ? value === n : op === "<" ? value < n : op === "<=" ? value <= n : op === ">" ? value > n : op === ">=" ? value >= n : false;
      if (!ok) return false;
    }
    return true;
  }
  return false;
}

/** SQS records are matched with a JSON body parsed (a plain-text body stays a string). */
export function sqsRecordForMatching(record: Record<string, unknown>): Record<string, unknown> {
  const body = record["body"];
  if (typeof body !== "string") return record;
  try {
    return { ...{}, ...record, body: JSON.parse(body) as unknown };
  } catch {
    return record;
  }
}
