/**
 * The POST policy of a browser-form upload (docs: "POST Policy", "Browser-Based Uploads Using
 * POST (AWS Signature Version 4)"): a base64 JSON document with an `expiration` and a list of
 * `conditions` every form field must meet, signed with the uploader's key. Here: parsing it,
 * checking the signature (V4: hex HMAC-SHA256 of the base64 text under the SigV4 signing key;
 * V2: base64 HMAC-SHA1 under the secret), expiry, each condition, and that no field escapes
 * the policy. Pure functions over the form's fields; the upload itself is post-object.ts.
 */
import { createHmac } from "node:crypto";
import { AwsError, defineErrors } from "../../core/errors.js";
import { sigV2Signature } from "../../auth/sigv2.js";
import { amzDateToMs, signaturesEqual, signingKey, SIGV4_ALGORITHM, SIGV4_TERMINATOR, spacedHex } from "../../auth/sigv4.js";
import { S3_SIGNATURE_MISMATCH_MESSAGE } from "../../auth/sigv4-errors.js";
import { errors, invalidArgument } from "./errors.js";

export const postPolicyErrors = defineErrors({
  InvalidPolicyDocument: { code: "InvalidPolicyDocument", status: 400, message: "Invalid Policy: {detail}" },
  PolicyDenied: { code: "AccessDenied", status: 403, message: "Invalid according to Policy: {detail}" },
  SignatureDoesNotMatch: { code: "SignatureDoesNotMatch", status: 403, message: S3_SIGNATURE_MISMATCH_MESSAGE },
  MalformedPOSTRequest: { code: "MalformedPOSTRequest", status: 400, message: "The body of your POST request is not well-formed multipart/form-data." },
  MaxPostPreDataLengthExceeded: {
    code: "MaxPostPreDataLengthExceededError",
    status: 400,
    message: "Your POST request fields preceding the upload file were too large.",
  },
});

/**
 * `field` is the form field a condition names, lower-cased (form field names are
 * case-insensitive); `written` is the name as the policy wrote it, which S3 quotes back when the
 * condition fails (`["starts-with", "$Content-Type", "image/"]`). `bare`: the policy wrote the
 * name without its `$` (`["eq", "key", "a"]`), so the condition names no field and never holds:
 * S3 takes the policy and refuses the form with AccessDenied, "Policy Condition failed" quoting
 * the condition as written, not InvalidPolicyDocument (LocalStack's AWS-validated
 * test_post_object_policy_conditions_validation_eq, "missing $ prefix": 403).
 */
export type PolicyCondition =
  | { readonly kind: "eq"; readonly field: string; readonly written: string; readonly bare?: true; readonly value: string }
  | { readonly kind: "starts-with"; readonly field: string; readonly written: string; readonly bare?: true; readonly prefix: string }
  | { readonly kind: "content-length-range"; readonly min: number; readonly max: number }
  // Bounds that are not numbers (["content-length-range", "test", "10"]): S3 takes the policy, but
  // the condition never holds, and the form is refused with AccessDenied quoting the bounds as
  // strings (LocalStack's AWS-validated test_post_object_policy_validation_size snapshot,
  // invalid-content-length-wrong-type).
  | { readonly kind: "unusable-content-length-range"; readonly written: readonly [string, string] };

export interface PostPolicy {
  /** Epoch ms. */
  readonly expiration: number;
  readonly conditions: readonly PolicyCondition[];
}

/** Form fields S3 never asks the policy to cover. */
const EXEMPT_FIELDS: ReadonlySet<string> = new Set(["policy", "x-amz-signature", "signature", "awsaccesskeyid", "file"]);

function invalidPolicy(detail: string): AwsError {
  return postPolicyErrors.InvalidPolicyDocument({ detail });
}

/** The field a condition names: `$Key` -> `key`, written `Key`; `key` names none (bare). */
function conditionField(raw: unknown): { field: string; written: string; bare?: true } {
  if (typeof raw !== "string") throw invalidPolicy("Invalid Condition: field names must start with '$'.");
  if (!raw.startsWith("$")) return { field: raw.toLowerCase(), written: raw, bare: true };
  return { field: raw.slice(1).toLowerCase(), written: raw.slice(1) };
}

function conditionValue(raw: unknown): string {
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
  throw invalidPolicy("Invalid Simple-Condition: value must be a string.");
}

function parseCondition(raw: unknown): PolicyCondition {
  if (Array.isArray(raw)) {
    const [op, a, b] = raw as unknown[];
    const name = typeof op === "string" ? op.toLowerCase() : "";
    if (name === "content-length-range") {
      const min = Number(a);
      const max = Number(b);
      if (raw.length === 3 && (Number.isNaN(min) || Number.isNaN(max))) return { kind: "unusable-content-length-range", written: [String(a), String(b)] };
      if (raw.length !== 3 || !Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
        throw invalidPolicy("Invalid content-length-range: the range must be two non-negative integers, minimum first.");
      }
      return { kind: "content-length-range", min, max };
    }
    if (raw.length !== 3) throw invalidPolicy(`Invalid Condition: ${JSON.stringify(raw)}`);
    if (name === "eq") return { kind: "eq", ...conditionField(a), value: conditionValue(b) };
    if (name === "starts-with") return { kind: "starts-with", ...conditionField(a), prefix: conditionValue(b) };
    throw invalidPolicy(`Invalid Condition: unknown condition type ${JSON.stringify(op)}.`);
  }
  if (typeof raw === "object" && raw !== null) {
    const entries = Object.entries(raw);
    if (entries.length !== 1) throw invalidPolicy("Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
    const [field, value] = entries[0] as [string, unknown];
    return { kind: "eq", field: field.toLowerCase(), written: field, value: conditionValue(value) };
  }
  throw invalidPolicy("Invalid Condition: conditions must be objects or arrays.");
}

/** Drops commas that close a list or object (outside strings). */
function withoutTrailingCommas(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === "," && /^\s*[\]}]/.test(text.slice(i + 1))) continue;
    out += c;
  }
  return out;
}

/** Decodes and checks the shape of the `policy` field. */
export function parsePostPolicy(base64: string): PostPolicy {
  const text = Buffer.from(base64, "base64").toString("utf8");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    try {
      // S3's own examples end lists with a trailing comma ("[..., ],"), and S3 takes them.
      doc = JSON.parse(withoutTrailingCommas(text));
    } catch {
      throw invalidPolicy("Invalid JSON.");
    }
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw invalidPolicy("Invalid JSON.");
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (expiration === undefined) throw invalidPolicy("Policy missing expiration.");
  // ISO 8601 in GMT: "2007-12-01T12:00:00.000Z".
  const at = typeof expiration === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(expiration) ? Date.parse(expiration) : Number.NaN;
  if (Number.isNaN(at)) throw invalidPolicy(`Invalid 'expiration' value: '${String(expiration)}'`);
  if (conditions === undefined) throw invalidPolicy("Policy missing conditions.");
  if (!Array.isArray(conditions)) throw invalidPolicy("Invalid 'conditions' value: must be a list.");
  return { expiration: at, conditions: conditions.map(parseCondition) };
}

/**
 * How S3 quotes a failed condition in its message: `["eq", "$key", "a"]`, a simple condition as
 * an `eq`, the field name as the policy wrote it (S3 answered `["starts-with", "$Content-Type",
 * "image/"]` to the policies of browser uploaders whose forms lacked the type).
 */
export function describeCondition(condition: PolicyCondition): string {
  switch (condition.kind) {
    case "eq":
      return `["eq", ${JSON.stringify(fieldAsWritten(condition))}, ${JSON.stringify(condition.value)}]`;
    case "starts-with":
      return `["starts-with", ${JSON.stringify(fieldAsWritten(condition))}, ${JSON.stringify(condition.prefix)}]`;
    case "content-length-range":
      return `["content-length-range", ${condition.min}, ${condition.max}]`;
    case "unusable-content-length-range":
      return `["content-length-range", ${JSON.stringify(condition.written[0])}, ${JSON.stringify(condition.written[1])}]`;
  }
}

function fieldAsWritten(condition: FieldCondition): string {
  return condition.bare === true ? condition.written : `$${condition.written}`;
}

type FieldCondition = Exclude<PolicyCondition, { kind: "content-length-range" | "unusable-content-length-range" }>;

function conditionHolds(condition: FieldCondition, value: string): boolean {
  if (condition.bare === true) return false;
  if (condition.kind === "eq") return value === condition.value;
  // "If the value is a comma-separated list (Content-Type), each value must meet the condition."
  if (condition.field === "content-type" && value.includes(",")) return value.split(",").every((v) => v.trim().startsWith(condition.prefix));
  return value.startsWith(condition.prefix);
}

/**
 * Checks the policy against the form, before the file is read: expiry, every eq/starts-with
 * condition (`bucket` is the bucket the form was posted to), and that each field the form sent
 * is covered by some condition. `fields` has lower-case names.
 */
export function checkPostPolicy(policy: PostPolicy, fields: ReadonlyMap<string, string>, bucket: string, now: number): void {
  if (now > policy.expiration) throw postPolicyErrors.PolicyDenied({ detail: "Policy expired." });
  const covered = new Set<string>(["bucket"]);
  for (const condition of policy.conditions) {
    if (condition.kind === "content-length-range") continue;
    if (condition.kind === "unusable-content-length-range") {
      throw postPolicyErrors.PolicyDenied({ detail: `Policy Condition failed: ${describeCondition(condition)}` });
    }
    if (condition.bare !== true) covered.add(condition.field);
    const value = condition.field === "bucket" ? bucket : (fields.get(condition.field) ?? "");
    if (!conditionHolds(condition, value)) {
      throw postPolicyErrors.PolicyDenied({ detail: `Policy Condition failed: ${describeCondition(condition)}` });
    }
  }
  const extra = [...fields.keys()].filter((name) => !EXEMPT_FIELDS.has(name) && !name.startsWith("x-ignore-") && !covered.has(name));
  if (extra.length > 0) throw postPolicyErrors.PolicyDenied({ detail: `Extra input fields: ${extra.join(", ")}` });
}

/** The size bounds the policy puts on the file, if it has a content-length-range. */
export function contentLengthRange(policy: PostPolicy): { min: number; max: number } | undefined {
  let range: { min: number; max: number } | undefined;
  for (const condition of policy.conditions) {
    if (condition.kind === "content-length-range") range = { min: condition.min, max: condition.max };
  }
  return range;
}

export function entityTooLarge(size: number, max: number): AwsError {
  return errors.EntityTooLarge({}, { fields: { ProposedSize: size, MaxSizeAllowed: max } });
}

export function entityTooSmall(size: number, min: number): AwsError {
  return errors.EntityTooSmall({}, { fields: { ProposedSize: size, MinSizeAllowed: min } });
}

// --- who signed the form -------------------------------------------------------------------

export interface PostCredential {
  readonly accessKeyId: string;
  readonly version: 2 | 4;
  readonly signature: string;
  /** V4 scope. */
  readonly date?: string;
  readonly region?: string;
  readonly service?: string;
}

/** S3's wording when a form leaves out a field it needs ("key", "x-amz-signature"...); two spaces are S3's. */
export function missingField(name: string): AwsError {
  return invalidArgument(`Bucket POST must contain a field named '${name}'.  If it is specified, please check the order of the fields.`, name, "");
}

const CREDENTIAL = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/([^/]+)$/;

/** The signer of a form that carries a policy: V4 (x-amz-credential...) or V2 (AWSAccessKeyId). */
export function postCredential(fields: ReadonlyMap<string, string>): PostCredential {
  const v4 = fields.get("x-amz-credential") !== undefined || fields.get("x-amz-algorithm") !== undefined || fields.get("x-amz-signature") !== undefined;
  if (!v4 && fields.get("awsaccesskeyid") !== undefined) {
    const signature = fields.get("signature");
    if (signature === undefined) throw missingField("Signature");
    return { accessKeyId: fields.get("awsaccesskeyid") as string, version: 2, signature };
  }
  const algorithm = fields.get("x-amz-algorithm");
  if (algorithm === undefined) throw missingField("x-amz-algorithm");
  if (algorithm !== SIGV4_ALGORITHM) throw invalidArgument("Unsupported value for x-amz-algorithm.", "x-amz-algorithm", algorithm);
  const credential = fields.get("x-amz-credential");
  if (credential === undefined) throw missingField("x-amz-credential");
  const signature = fields.get("x-amz-signature");
  if (signature === undefined) throw missingField("x-amz-signature");
  const date = fields.get("x-amz-date");
  if (date === undefined) throw missingField("x-amz-date");
  const match = CREDENTIAL.exec(credential);
  if (!match || match[5] !== SIGV4_TERMINATOR || amzDateToMs(date) === undefined || !date.startsWith(match[2] as string)) {
    throw invalidArgument(
      'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      "x-amz-credential",
      credential,
    );
  }
  return { accessKeyId: match[1] as string, version: 4, signature, date: match[2] as string, region: match[3] as string, service: match[4] as string };
}

/** The signature a form's policy should carry under `secretAccessKey`. */
export function postPolicySignature(credential: PostCredential, secretAccessKey: string, policyBase64: string): string {
  if (credential.version === 2) return sigV2Signature(secretAccessKey, policyBase64);
  const key = signingKey(secretAccessKey, credential.date ?? "", credential.region ?? "", credential.service ?? "");
  return createHmac("sha256", key).update(policyBase64, "utf8").digest("hex");
}

/** SignatureDoesNotMatch with the members S3 adds, when the form's signature is not the policy's. */
export function verifyPostSignature(credential: PostCredential, secretAccessKey: string, policyBase64: string): void {
  const expected = postPolicySignature(credential, secretAccessKey, policyBase64);
  if (signaturesEqual(credential.signature, expected)) return;
  throw postPolicyErrors.SignatureDoesNotMatch(
    {},
    {
      fields: {
        AWSAccessKeyId: credential.accessKeyId,
        StringToSign: policyBase64,
        SignatureProvided: credential.signature,
        StringToSignBytes: spacedHex(policyBase64),
      },
    },
  );
}
