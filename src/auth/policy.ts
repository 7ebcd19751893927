/**
 * IAM policy documents evaluated as AWS evaluates one policy ("Policy evaluation logic", IAM
 * User Guide): an explicit Deny wins, then an Allow, else the policy has nothing to say. Pure
 * and generic, for resource-based policies (S3 bucket policies, later SQS, SNS and Lambda);
 * combining several policies with identity policies and ACLs is the caller's business.
 */
import { BlockList, isIP } from "node:net";
import { parseArn } from "../core/arn.js";
import { own } from "../core/own.js";

export type Decision = "Allow" | "Deny" | "NotApplicable";

/** Who is asking. `anonymous` is an unsigned request; `service` an AWS service acting for one of its resources (sns.amazonaws.com for a topic). */
export type RequestPrincipal =
  | { readonly type: "anonymous" }
  | { readonly type: "service"; readonly service: string }
  | {
      readonly type: "aws";
      /** 12 digits. */
      readonly account: string;
      /** arn:aws:iam::A:root, arn:aws:iam::A:user/path/name or arn:aws:sts::A:assumed-role/RoleName/session. */
      readonly arn: string;
      /** aws:userid */
      readonly userId: string;
      /** S3 canonical user id of the account. */
      readonly canonicalUserId?: string;
    };

/** A condition key's value in the request: one string, a set of them (multivalued keys), or absent. */
export type ConditionValue = string | readonly string[] | undefined;

export interface RequestContext {
  readonly principal: RequestPrincipal;
  /** e.g. "s3:GetObject" (matched case-insensitively, wildcards * and ? in the policy). */
  readonly action: string;
  /** e.g. "arn:aws:s3:::bucket/key" (case-sensitive, wildcards * and ? in the policy). */
  readonly resource: string;
  /** Condition keys, LOWER-CASED; a key absent from the map is absent from the request. Multi-valued keys are arrays. */
  readonly conditions: Readonly<Record<string, ConditionValue>>;
  /**
   * The keys too costly to gather for every request (S3's object and bucket tags), asked for only
   * when a statement that otherwise applies, or a policy variable, names one that `conditions`
   * lacks. It gets the key as the policy spells it, so a tag key keeps its case.
   */
  readonly lookup?: (key: string) => ConditionValue;
}

/** The parsed JSON of a policy, loose: callers validate policies when they are stored, not here. */
export interface PolicyDocument {
  readonly Version?: unknown;
  readonly Id?: unknown;
  readonly Statement?: unknown;
  readonly [element: string]: unknown;
}

/** A key's value in the request, by its name as the policy spells it (`conditions`, then `lookup`). */
type Conditions = (key: string) => ConditionValue;
type JsonObject = { readonly [key: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A policy value: a string or a list of them; numbers and booleans (`"Bool": {"k": false}`) read as their text. */
function strings(v: unknown): string[] {
  const items: unknown[] = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return items.flatMap((x) => (typeof x === "string" ? [x] : typeof x === "number" || typeof x === "boolean" ? [String(x)] : []));
}

// =============================================================================================
// Patterns: wildcards and policy variables
// =============================================================================================

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * `${key}` from the request, `${key, 'default'}` (`''` is a quote) when the key is absent, and
 * `${*}`, `${?}`, `${$}` for the characters themselves. A multi-valued key cannot stand in a
 * string, so it does not resolve.
 */
function resolveVariable(body: string, conditions: Conditions): string | undefined {
  if (body === "*" || body === "?" || body === "$") return body;
  const m = /^\s*([^\s,']+)\s*(?:,\s*'((?:[^']|'')*)'\s*)?$/.exec(body);
  if (m === null) return undefined;
  const value = conditions(m[1] ?? "");
  if (typeof value === "string") return value;
  return m[2]?.replace(/''/g, "'");
}

/**
 * How a pattern's `*` and `?` read: not at all (StringEquals), across anything (Action,
 * Resource, StringLike), or within one of the first five colon-separated ARN parts (ArnLike,
 * whose sixth part, the resource, may itself hold colons).
 */
type PatternMode = "literal" | "glob" | "arn";

/**
 * A policy value as an anchored RegExp, or undefined when a variable does not resolve: then the
 * value matches nothing ("any attempt to match it fails", IAM User Guide, policy variables).
 * `conditions` is undefined for policies older than Version 2012-10-17, where `${...}` is text.
 */
function compile(text: string, conditions: Conditions | undefined, mode: PatternMode, ignoreCase = false): RegExp | undefined {
  let source = "";
  let colons = 0;
  const literal = (chunk: string): void => {
    for (const c of chunk) {
      if (mode !== "literal" && (c === "*" || c === "?")) {
        const any = mode === "arn" && colons < 5 ? "[^:]" : ".";
        source += c === "*" ? `${any}*` : any;
      } else {
        if (c === ":") colons++;
        source += escape(c);
      }
    }
  };
  let last = 0;
  if (conditions !== undefined) {
    for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
      literal(text.slice(last, m.index));
      const value = resolveVariable(m[1] ?? "", conditions);
      if (value === undefined) return undefined;
      // Substituted text is literal: a `*` in a user name is no wildcard.
      source += escape(value);
      last = m.index + m[0].length;
    }
  }
  literal(text.slice(last));
  if (mode === "arn" && text === "*") source = ".*";
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s");
}

// =============================================================================================
// Condition operators
// =============================================================================================

/** Compares one policy value with one request value; undefined when the policy value cannot be read (an unresolved variable). */
type Compare = (policyValue: string, requestValue: string, conditions: Conditions | undefined) => boolean | undefined;

const pattern =
  (mode: PatternMode, ignoreCase = false): Compare =>
  (p, v, conditions) =>
    compile(p, conditions, mode, ignoreCase)?.test(v);

const arn =
  (mode: PatternMode): Compare =>
  (p, v, conditions) =>
    parseArn(v) === undefined ? false : compile(p, conditions, mode)?.test(v);

function toNumber(text: string): number | undefined {
  const n = Number(text);
  return text.trim() !== "" && Number.isFinite(n) ? n : undefined;
}

/** ISO 8601, or epoch seconds as aws:EpochTime holds them; in milliseconds. */
function toDate(text: string): number | undefined {
  if (/^\s*-?\d+(\.\d+)?\s*$/.test(text)) return Number(text) * 1000;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const ordered =
  (parse: (text: string) => number | undefined, test: (request: number, policy: number) => boolean): Compare =>
  (p, v) => {
    const [request, policy] = [parse(v), parse(p)];
    return request !== undefined && policy !== undefined && test(request, policy);
  };

/** A CIDR or a single address; Node's BlockList also matches IPv4-mapped IPv6 (`::ffff:1.2.3.4`) against IPv4 blocks. */
const ipAddress: Compare = (p, v) => {
  const family = isIP(v);
  const [address = "", bits] = p.trim().split("/");
  const blockFamily = isIP(address);
  if (family === 0 || blockFamily === 0) return false;
  const block = new BlockList();
  try {
    if (bits === undefined) block.addAddress(address, blockFamily === 4 ? "ipv4" : "ipv6");
    else block.addSubnet(address, Number(bits), blockFamily === 4 ? "ipv4" : "ipv6");
  } catch {
    return false;
  }
  return block.check(v, family === 4 ? "ipv4" : "ipv6");
};

const bool: Compare = (p, v) => p.toLowerCase() === v.toLowerCase();

const binary: Compare = (p, v) => Buffer.from(p, "base64").equals(Buffer.from(v, "base64"));

const numberOps = {
  equals: (a: number, b: number) => a === b,
  lessthan: (a: number, b: number) => a < b,
  lessthanequals: (a: number, b: number) => a <= b,
  greaterthan: (a: number, b: number) => a > b,
  greaterthanequals: (a: number, b: number) => a >= b,
};

/**
 * Operators by lower-cased name. A negated operator is the positive comparison negated, so
 * `StringNotEquals` with several values holds only when the request equals none of them.
 */
const OPERATORS: Record<string, { compare: Compare; negated: boolean }> = {
  stringequals: { compare: pattern("literal"), negated: false },
  stringnotequals: { compare: pattern("literal"), negated: true },
  stringequalsignorecase: { compare: pattern("literal", true), negated: false },
  stringnotequalsignorecase: { compare: pattern("literal", true), negated: true },
  stringlike: { compare: pattern("glob"), negated: false },
  stringnotlike: { compare: pattern("glob"), negated: true },
  ...Object.fromEntries(
    Object.entries(numberOps).flatMap(([name, test]) => [
      [`numeric${name}`, { compare: ordered(toNumber, test), negated: false }],
      [`date${name}`, { compare: ordered(toDate, test), negated: false }],
    ]),
  ),
  numericnotequals: { compare: ordered(toNumber, numberOps.equals), negated: true },
  datenotequals: { compare: ordered(toDate, numberOps.equals), negated: true },
  bool: { compare: bool, negated: false },
  binaryequals: { compare: binary, negated: false },
  ipaddress: { compare: ipAddress, negated: false },
  notipaddress: { compare: ipAddress, negated: true },
  // ArnEquals takes wildcards too: both are the same segment-wise match in the IAM reference.
  arnequals: { compare: arn("arn"), negated: false },
  arnlike: { compare: arn("arn"), negated: false },
  arnnotequals: { compare: arn("arn"), negated: true },
  arnnotlike: { compare: arn("arn"), negated: true },
};

/** Only String and ARN operators expand policy variables (IAM User Guide, policy variables). */
const TAKES_VARIABLES = /^(string|arn)/;

/** The request's values for a key; undefined when absent or an empty set, which IAM treats alike. */
function requestValues(value: ConditionValue): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const values = typeof value === "string" ? [value] : value;
  return values.length === 0 ? undefined : values;
}

/**
 * One key under one operator. Absent key: ...IfExists and ForAllValues hold, ForAnyValue does
 * not, a negated operator holds and a positive one does not ("Condition operators", IAM User
 * Guide). Present: ForAllValues needs every request value to pass, otherwise one is enough.
 */
function keyHolds(operator: string, key: string, policyValues: string[], conditions: Conditions, variables: boolean): boolean {
  const m = /^(?:(forallvalues|foranyvalue):)?(.+?)(ifexists)?$/.exec(operator.toLowerCase());
  if (m === null) return false;
  const [, set, base = "", ifExists] = m;
  const values = requestValues(conditions(key));
  if (base === "null") {
    return ifExists === undefined && policyValues.some((p) => (p.toLowerCase() === "true") === (values === undefined));
  }
  const op = own(OPERATORS, base);
  if (op === undefined) return false;
  if (values === undefined) return ifExists !== undefined || set === "forallvalues" || (set === undefined && op.negated);
  const expand = variables && TAKES_VARIABLES.test(base) ? conditions : undefined;
  const passes = (v: string): boolean =>
    op.negated
      ? policyValues.every((p) => op.compare(p, v, expand) === false)
      : policyValues.some((p) => op.compare(p, v, expand) === true);
  if (set === "forallvalues") return values.every(passes);
  // A negated operator without a set prefix negates the whole positive test.
  if (set === undefined && op.negated) return values.every(passes);
  return values.some(passes);
}

/** Every operator and every key within it must hold; an unknown operator never does. */
function conditionsHold(condition: unknown, conditions: Conditions, variables: boolean): boolean {
  if (condition === undefined) return true;
  if (!isObject(condition)) return false;
  return Object.entries(condition).every(
    ([operator, block]) => isObject(block) && Object.entries(block).every(([key, value]) => keyHolds(operator, key, strings(value), conditions, variables)),
  );
}

// =============================================================================================
// Principals, actions, resources
// =============================================================================================

/** An account id or an account's root ARN: every principal of that account. */
function namesAccount(name: string, account: string): boolean {
  if (/^\d{12}$/.test(name)) return name === account;
  const a = parseArn(name);
  return a !== undefined && a.service === "iam" && a.account === account && a.resource === "root";
}

/** A role ARN also names its sessions, whose ARNs drop the role's path. */
function namesPrincipal(name: string, principal: RequestPrincipal): boolean {
  if (name === "*") return true;
  if (principal.type !== "aws") return false;
  if (namesAccount(name, principal.account) || name === principal.arn) return true;
  const role = parseArn(name);
  const roleName = role?.service === "iam" ? /^role\/(?:.*\/)?([^/]+)$/.exec(role.resource)?.[1] : undefined;
  const session = parseArn(principal.arn);
  return (
    roleName !== undefined &&
    role?.account === principal.account &&
    session?.service === "sts" &&
    session.resource.startsWith(`assumed-role/${roleName}/`)
  );
}

/** `"*"` or `{AWS, CanonicalUser, Service, Federated}`; federated principals never make these requests. */
function principalMatches(element: unknown, principal: RequestPrincipal, names: (name: string) => boolean = (n) => namesPrincipal(n, principal)): boolean {
  if (element === "*") return true;
  if (!isObject(element)) return false;
  return Object.entries(element).some(([kind, value]) => {
    if (kind === "AWS") return strings(value).some(names);
    if (kind === "CanonicalUser") return principal.type === "aws" && principal.canonicalUserId !== undefined && strings(value).includes(principal.canonicalUserId);
    if (kind === "Service") return principal.type === "service" && strings(value).includes(principal.service);
    return false;
  });
}

/**
 * NotPrincipal exempts a principal only when it also names the principal's account: AWS checks
 * the account, then the role, then the session, so a NotPrincipal naming only a user or role
 * still applies to it ("NotPrincipal", IAM User Guide).
 */
function exemptedBy(notPrincipal: unknown, principal: RequestPrincipal): boolean {
  if (!principalMatches(notPrincipal, principal)) return false;
  if (principal.type !== "aws") return true;
  // CanonicalUser names the account too: a canonical user id is the account's own.
  return principalMatches(notPrincipal, principal, (n) => n === "*" || namesAccount(n, principal.account));
}

/** A statement without Principal or NotPrincipal (identity-policy style) applies to anyone. */
function principalApplies(s: JsonObject, principal: RequestPrincipal): boolean {
  if (s["Principal"] !== undefined) return principalMatches(s["Principal"], principal);
  if (s["NotPrincipal"] !== undefined) return !exemptedBy(s["NotPrincipal"], principal);
  return true;
}

/** Whether an Action element's value (`s3:GetObject`, `s3:Get*`, `*`) names `action`: wildcards, in any case. */
export function actionMatches(pattern: string, action: string): boolean {
  return compile(pattern, undefined, "glob", true)?.test(action) === true;
}

function actionApplies(s: JsonObject, action: string): boolean {
  const matches = (element: unknown): boolean => strings(element).some((a) => actionMatches(a, action));
  if (s["Action"] !== undefined) return matches(s["Action"]);
  if (s["NotAction"] !== undefined) return !matches(s["NotAction"]);
  return false;
}

/** Without Resource or NotResource (a trust policy) every resource. An unresolved variable matches no resource, under NotResource too. */
function resourceApplies(s: JsonObject, resource: string, conditions: Conditions | undefined): boolean {
  const tests = (element: unknown) => strings(element).map((r) => compile(r, conditions, "glob")?.test(resource));
  if (s["Resource"] !== undefined) return tests(s["Resource"]).some((t) => t === true);
  if (s["NotResource"] !== undefined) return tests(s["NotResource"]).every((t) => t === false);
  return true;
}

/** Principal, action and resource first: a condition, whose keys may be costly to look up, only for a statement they leave standing. */
function statementApplies(s: JsonObject, request: RequestContext, conditions: Conditions, variables: boolean): boolean {
  return (
    principalApplies(s, request.principal) &&
    actionApplies(s, request.action) &&
    resourceApplies(s, request.resource, variables ? conditions : undefined) &&
    conditionsHold(s["Condition"], conditions, variables)
  );
}

function parse(policy: string | PolicyDocument): PolicyDocument | undefined {
  if (typeof policy !== "string") return policy;
  try {
    const doc: unknown = JSON.parse(policy);
    return isObject(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

/** One policy's verdict for the request: Deny if any matching Deny statement, else Allow if any matching Allow statement, else NotApplicable. */
export function evaluatePolicy(policy: string | PolicyDocument, request: RequestContext): Decision {
  const doc = parse(policy);
  if (doc === undefined) return "NotApplicable";
  // Policy variables came with Version 2012-10-17; in older policies `${aws:username}` is plain text.
  const variables = doc.Version === "2012-10-17";
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]).filter(isObject);
  const { conditions: known, lookup } = request;
  const conditions: Conditions = (key) => own(known, key.toLowerCase()) ?? lookup?.(key);
  let decision: Decision = "NotApplicable";
  for (const s of statements) {
    if (s["Effect"] !== "Allow" && s["Effect"] !== "Deny") continue;
    if (!statementApplies(s, request, conditions, variables)) continue;
    if (s["Effect"] === "Deny") return "Deny";
    decision = "Allow";
  }
  return decision;
}
