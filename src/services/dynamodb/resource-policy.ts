/**
 * DynamoDB resource-based policy documents: validated as PutResourcePolicy and CreateTable's
 * ResourcePolicy validate them, and kept in the canonical form GetResourcePolicy answers.
 *
 * With `--enforce-policies` a table's policy decides other accounts' requests to the table
 * (access.ts) and a stream's policy their reads of the stream (dynamodbstreams/handlers.ts);
 * without it a policy is stored, validated and returned, and denies nothing. The self-lockout
 * check (a Deny that would stop this caller from changing the policy again) runs at
 * PutResourcePolicy time either way, as on AWS.
 */
import { validationException } from "./domain/index.js";

/** "The maximum size supported for a resource-based policy document is 20 KB", whitespace included. */
export const MAX_POLICY_BYTES = 20_480;

const INVALID = "One or more parameter values were invalid: ";
const INVALID_DOCUMENT = `${INVALID}Invalid policy document: `;

/** What GetResourcePolicy shows for a document sent without one: IAM's legacy default. */
const DEFAULT_VERSION = "2008-10-17";

/** The actions of a stream's policy; a table's policy may name any other DynamoDB action. */
const STREAM_ACTIONS = ["dynamodb:describestream", "dynamodb:getrecords", "dynamodb:getsharditerator"];

export type PolicyResource = "table" | "stream";

export interface CheckedPolicy {
  /**
   * The document as DynamoDB keeps it: minified, keys in IAM's order, one-element lists as
   * strings, account ids as root ARNs. Two documents with the same canonical text are the
   * same policy (a re-Put of either is a no-op that keeps the RevisionId).
   */
  readonly canonical: string;
  /** A Deny that would keep the caller's account from PutResourcePolicy on this resource again. */
  readonly locksOutCaller: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function listOf(v: Json | undefined): Json[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function invalidJson(): never {
  throw validationException(`${INVALID_DOCUMENT}This policy contains invalid Json`);
}

/** A one-element list reads back as its element; longer lists keep their order and duplicates. */
function singleton(v: Json): Json {
  return Array.isArray(v) && v.length === 1 ? (v[0] as Json) : v;
}

/** Members in IAM's order, then whatever else the document had, in its own order. */
function ordered(o: JsonObject, order: readonly string[], rewrite: (key: string, value: Json) => Json): JsonObject {
  const out: JsonObject = {};
  for (const key of order) if (key in o) out[key] = rewrite(key, o[key] as Json);
  for (const key of Object.keys(o)) if (!order.includes(key)) out[key] = o[key] as Json;
  return out;
}

/** `{"AWS": "123456789012"}` names the account's root; the same principal twice is named once. */
function canonicalPrincipal(p: Json): Json {
  if (!isObject(p)) return p;
  return ordered(p, Object.keys(p), (kind, value) => {
    if (kind !== "AWS") return singleton(value);
    const names = listOf(value).map((n) => (typeof n === "string" && /^\d{12}$/.test(n) ? `arn:aws:iam::${n}:root` : n));
    const unique = names.filter((n, i) => names.indexOf(n) === i);
    return singleton(unique);
  });
}

function canonicalCondition(c: Json): Json {
  if (!isObject(c)) return c;
  return ordered(c, Object.keys(c), (_op, keys) => (isObject(keys) ? ordered(keys, Object.keys(keys), (_k, v) => singleton(v)) : keys));
}

const STATEMENT_ORDER = ["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

function canonicalStatement(s: JsonObject): JsonObject {
  return ordered(s, STATEMENT_ORDER, (key, value) => {
    if (key === "Effect" && typeof value === "string") return value.toLowerCase() === "allow" ? "Allow" : "Deny";
    if (key === "Principal" || key === "NotPrincipal") return canonicalPrincipal(value);
    if (key === "Condition") return canonicalCondition(value);
    if (key === "Sid") return value;
    return singleton(value);
  });
}

/** Principal "*" or {"AWS": "*"} (alone or in a list): everyone. */
function namesEveryone(p: Json | undefined): boolean {
  if (p === "*") return true;
  return isObject(p) && listOf(p["AWS"]).includes("*");
}

function namesAccount(p: Json | undefined, account: string): boolean {
  if (namesEveryone(p)) return true;
  return isObject(p) && listOf(p["AWS"]).some((n) => n === account || n === `arn:aws:iam::${account}:root`);
}

/** IAM's action wildcards: `*` any run of characters, `?` one; case-insensitive. */
function actionMatches(pattern: string, action: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`, "i").test(action);
}

function isStreamAction(action: string): boolean {
  return STREAM_ACTIONS.includes(action.toLowerCase());
}

/** Names a DynamoDB action that a policy on this kind of resource cannot grant. */
function misplacedAction(action: Json, resource: PolicyResource): boolean {
  if (typeof action !== "string") return true;
  if (action.includes("*") || action.includes("?")) return false;
  if (!action.toLowerCase().startsWith("dynamodb:")) return true;
  return resource === "table" ? isStreamAction(action) : !isStreamAction(action);
}

function checkStatement(s: Json): JsonObject {
  if (!isObject(s)) invalidJson();
  // AWS names the first missing element; Resource's wording is confirmed, the others follow it.
  if (s["Effect"] === undefined) throw validationException(`${INVALID_DOCUMENT}Missing required field Effect`);
  if (typeof s["Effect"] !== "string" || !["allow", "deny"].includes(s["Effect"].toLowerCase())) {
    throw validationException(`${INVALID_DOCUMENT}Invalid effect: ${JSON.stringify(s["Effect"])}`);
  }
  if (s["Principal"] === undefined && s["NotPrincipal"] === undefined) throw validationException(`${INVALID_DOCUMENT}Missing required field Principal`);
  if (s["Action"] === undefined && s["NotAction"] === undefined) throw validationException(`${INVALID_DOCUMENT}Missing required field Action`);
  if (s["Resource"] === undefined && s["NotResource"] === undefined) throw validationException(`${INVALID_DOCUMENT}Missing required field Resource`);
  const principal = s["Principal"];
  // A principal is "*" or an object of principal kinds; a bare account id is a syntax error on AWS.
  if (principal !== undefined && principal !== "*" && !isObject(principal)) throw validationException(`${INVALID}Invalid principal in policy document.`);
  return s;
}

/**
 * Validates a policy document for a table or a stream and returns its canonical form. The
 * checks and messages are DynamoDB's, in its order: size, JSON, statements, Sids, actions,
 * the public-access guardrail.
 */
export function checkPolicy(text: string, resource: PolicyResource, callerAccount: string): CheckedPolicy {
  if (Buffer.byteLength(text, "utf8") > MAX_POLICY_BYTES) throw validationException(`${INVALID}Maximum policy size of ${MAX_POLICY_BYTES} bytes exceeded`);
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch {
    invalidJson();
  }
  if (!isObject(doc)) invalidJson();
  const statements = listOf(doc["Statement"]).map(checkStatement);
  if (statements.length === 0) throw validationException(`${INVALID_DOCUMENT}Could not parse the policy: Statement is empty!`);

  const sids = statements.map((s) => s["Sid"]).filter((sid) => sid !== undefined);
  if (new Set(sids.map((sid) => JSON.stringify(sid))).size !== sids.length) {
    throw validationException(`${INVALID_DOCUMENT}The Statement Ids in the policy are not unique`);
  }
  const misplaced = statements.flatMap((s) => listOf(s["Action"])).filter((a) => misplacedAction(a, resource));
  if (misplaced.length > 0) {
    throw validationException(`${INVALID_DOCUMENT}The following action names are invalid: ${misplaced.map((a) => `"${String(a)}"`).join(", ")}`);
  }
  // Block Public Access: an unconditional Allow to everyone is refused (a condition may narrow it).
  if (statements.some((s) => String(s["Effect"]).toLowerCase() === "allow" && namesEveryone(s["Principal"]) && s["Condition"] === undefined)) {
    throw validationException(
      "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to ensure least-privilege form of access",
    );
  }

  const locksOutCaller = statements.some(
    (s) =>
      String(s["Effect"]).toLowerCase() === "deny" &&
      s["Condition"] === undefined &&
      namesAccount(s["Principal"], callerAccount) &&
      listOf(s["Action"]).some((a) => typeof a === "string" && actionMatches(a, "dynamodb:PutResourcePolicy")),
  );
  const canonical = ordered(doc, ["Version", "Id", "Statement"], (key, value) => (key === "Statement" ? statements.map(canonicalStatement) : value));
  return { canonical: JSON.stringify(canonical), locksOutCaller };
}

/** The document GetResourcePolicy answers: the canonical form, with the default Version shown. */
export function policyAsReturned(canonical: string): string {
  const doc = JSON.parse(canonical) as JsonObject;
  if (doc["Version"] !== undefined) return canonical;
  return JSON.stringify(ordered({ ...{}, ...doc, Version: DEFAULT_VERSION }, ["Version", "Id", "Statement"], (_k, v) => v));
}
