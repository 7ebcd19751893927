/**
 * Whether a bucket policy is public, by the rules of Block Public Access ("The meaning of
 * public", Amazon S3 User Guide): S3 starts from "public" and calls a policy non-public only
 * when every Allow statement grants to fixed values (no wildcard, no policy variable) of a
 * principal, or is limited by a condition on one of the keys below with fixed values, such as
 * a set of CIDRs in aws:SourceIp. Deny statements grant nothing.
 */

/** The condition keys that make a grant to everyone non-public when they hold fixed values. */
const LIMITING_KEYS = new Set([
  "aws:sourceip",
  "aws:sourcearn",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:sourceowner",
  "aws:sourceaccount",
  "aws:principalorgid",
  "aws:userid",
  "s3:x-amz-server-side-encryption-aws-kms-key-id",
  "s3:dataaccesspointarn",
  "s3:dataaccesspointaccount",
]);

/** Operators that require the key to equal (or fall in) the listed values; negations and ...IfExists do not limit. */
const LIMITING_OPERATORS = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const list = (value: Json | undefined): Json[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function isFixed(value: Json): boolean {
  return typeof value === "string" && !/[*?]|\$\{/.test(value);
}

function isFixedPrincipal(principal: Json | undefined): boolean {
  if (principal === undefined || typeof principal === "string") return principal !== undefined && isFixed(principal);
  if (typeof principal !== "object" || principal === null || Array.isArray(principal)) return false;
  const values = Object.values(principal).flatMap(list);
  return values.length > 0 && values.every(isFixed);
}

/** A fixed CIDR narrower than the whole address space (0.0.0.0/0 and ::/0 let everyone in). */
function isLimitingCidr(value: Json): boolean {
  if (!isFixed(value)) return false;
  const [, bits] = String(value).split("/");
  return bits === undefined || Number(bits) > 0;
}

function limitsValues(key: string, values: Json[]): boolean {
  if (values.length === 0) return false;
  if (key === "aws:sourceip") return values.every(isLimitingCidr);
  // An access point ARN may wildcard the access point name as long as the account is fixed.
  if (key === "s3:dataaccesspointarn") {
    return values.every((v) => typeof v === "string" && /^arn:[^:*?]+:s3:[^:*?]*:\d{12}:accesspoint\/.+$/.test(v) && !v.includes("${"));
  }
  if (key === "aws:userid") return values.every((v) => isFixed(v) && !String(v).endsWith(":*"));
  return values.every(isFixed);
}

function conditionLimits(condition: Json | undefined): boolean {
  if (typeof condition !== "object" || condition === null || Array.isArray(condition)) return false;
  for (const [rawOperator, block] of Object.entries(condition)) {
    // ForAllValues holds for a request without the key, so only ForAnyValue narrows.
    const operator = rawOperator.toLowerCase().replace(/^foranyvalue:/, "");
    if (!LIMITING_OPERATORS.has(operator)) continue;
    if (typeof block !== "object" || block === null || Array.isArray(block)) continue;
    for (const [rawKey, value] of Object.entries(block)) {
      const key = rawKey.toLowerCase();
      if (!LIMITING_KEYS.has(key)) continue;
      if (operator === "ipaddress" ? key === "aws:sourceip" : key !== "aws:sourceip") {
        if (limitsValues(key, list(value))) return true;
      }
    }
  }
  return false;
}

function statementIsPublic(statement: Json): boolean {
  if (typeof statement !== "object" || statement === null || Array.isArray(statement)) return false;
  if (statement["Effect"] !== "Allow") return false;
  // Allow with NotPrincipal grants to everyone but the principals named.
  const fixedPrincipal = statement["NotPrincipal"] === undefined && isFixedPrincipal(statement["Principal"]);
  return !fixedPrincipal && !conditionLimits(statement["Condition"]);
}

/** IsPublic of GetBucketPolicyStatus for a stored (validated) bucket policy document. */
export function isPublicPolicy(policy: string): boolean {
  const doc = JSON.parse(policy) as { Statement?: Json };
  return list(doc.Statement).some(statementIsPublic);
}
