/**
 * Bucket CORS: validating a PutBucketCors configuration and answering requests from it.
 *
 * S3 "uses the first CORSRule rule that matches": the Origin matches an AllowedOrigin (at most
 * one `*`, matching any run of characters, even none; case-sensitive, anchored), the method
 * (Access-Control-Request-Method when present, else the request's own) is an AllowedMethod,
 * and every name in Access-Control-Request-Headers matches an AllowedHeader (case-insensitive,
 * at most one `*`).
 *
 * Preflights (OPTIONS) fail loudly: 400 without Origin, 403 AccessForbidden when the bucket does
 * not exist, has no CORS configuration or no rule matches. Actual requests never fail on CORS:
 * without a matching rule they simply get no CORS headers; with one, they get them on errors too
 * (ceph s3-tests test_cors_origin_response, which passes on AWS: a 404 carries them).
 *
 * Response headers as S3 sends them (recorded against S3): Access-Control-Allow-Origin is `*`
 * when the rule allows every origin, else the request's Origin plus
 * Access-Control-Allow-Credentials: true; Allow-Methods lists the rule's methods joined by
 * ", "; Allow-Headers echoes the requested names in lower case; Expose-Headers and Max-Age
 * come from the rule; Vary names the three request headers.
 */
import type { AwsError } from "../../../core/errors.js";
import { invalidRequest, s3DomainErrors } from "./errors.js";
import { headerNameSendable } from "../../../protocol/wire.js";

export const CORS_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD"] as const;
export type CorsMethod = (typeof CORS_METHODS)[number];

/** "You can add up to 100 rules to the configuration." */
export const MAX_CORS_RULES = 100;

export interface CorsRule {
  readonly id?: string;
  readonly allowedOrigins: readonly string[];
  readonly allowedMethods: readonly string[];
  readonly allowedHeaders?: readonly string[];
  readonly exposeHeaders?: readonly string[];
  readonly maxAgeSeconds?: number;
}

const VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";

const NOT_ALLOWED =
  // "evalution" is S3's own spelling.
  "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

function wildcards(value: string): number {
  return value.split("*").length - 1;
}

/** Checks a PutBucketCors configuration; throws the error S3 answers. */
export function validateCorsConfiguration(rules: readonly CorsRule[]): void {
  // An empty <CORSConfiguration/>, or a rule without an origin or method, fails the schema.
  if (rules.length === 0 || rules.length > MAX_CORS_RULES) throw s3DomainErrors.MalformedXML();
  for (const rule of rules) {
    if (rule.allowedOrigins.length === 0 || rule.allowedMethods.length === 0) throw s3DomainErrors.MalformedXML();
    for (const method of rule.allowedMethods) {
      if (!(CORS_METHODS as readonly string[]).includes(method)) {
        throw invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${method}`);
      }
    }
    for (const origin of rule.allowedOrigins) {
      if (wildcards(origin) > 1) throw invalidRequest(`AllowedOrigin "${origin}" can not have more than one wildcard.`);
    }
    for (const header of rule.allowedHeaders ?? []) {
      if (wildcards(header) > 1) throw invalidRequest(`AllowedHeader "${header}" can not have more than one wildcard.`);
    }
    for (const header of rule.exposeHeaders ?? []) {
      if (header.includes("*")) {
        throw invalidRequest(`ExposeHeader "${header}" contains wildcard. We currently do not support wildcard for ExposeHeader.`);
      }
      // Answered as it is in Access-Control-Expose-Headers, so it must be a header name (RFC 9110
      // token): S3 checks ExposeHeader's characters (scality/cloudserver#497, whose CORS checks were
      // written against S3, quotes "... contains invalid character."; the exact wording for
      // ExposeHeader is not on record). A line break there made every CORS answer fail.
      if (header !== "" && !headerNameSendable(header)) throw invalidRequest(`ExposeHeader "${header}" contains invalid character.`);
    }
  }
}

/** `pattern` with at most one `*` (any run of characters, possibly empty) against `value`. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const star = pattern.indexOf("*");
  if (star === -1) return pattern === value;
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return value.length >= head.length + tail.length && value.startsWith(head) && value.endsWith(tail);
}

export interface CorsRequest {
  /** The Origin header; without it a request is not a CORS request. */
  readonly origin?: string;
  /** The HTTP method of the request itself. */
  readonly method: string;
  readonly accessControlRequestMethod?: string;
  /** The raw Access-Control-Request-Headers value (comma-separated). */
  readonly accessControlRequestHeaders?: string;
}

function requestedHeaders(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h.length > 0);
}

/** The first rule matching the request, or undefined. */
export function matchCorsRule(rules: readonly CorsRule[], request: CorsRequest): CorsRule | undefined {
  const origin = request.origin;
  if (origin === undefined) return undefined;
  const method = request.accessControlRequestMethod ?? request.method;
  const headers = requestedHeaders(request.accessControlRequestHeaders);
  return rules.find((rule) => {
    if (!rule.allowedMethods.includes(method)) return false;
    if (!rule.allowedOrigins.some((allowed) => wildcardMatch(allowed, origin))) return false;
    const allowedHeaders = (rule.allowedHeaders ?? []).map((h) => h.toLowerCase());
    return headers.every((h) => allowedHeaders.some((allowed) => wildcardMatch(allowed, h)));
  });
}

function responseHeaders(rule: CorsRule, request: CorsRequest): Record<string, string> {
  const out: Record<string, string> = {};
  if (rule.allowedOrigins.includes("*")) {
    out["Access-Control-Allow-Origin"] = "*";
  } else {
    out["Access-Control-Allow-Origin"] = request.origin ?? "";
    out["Access-Control-Allow-Credentials"] = "true";
  }
  out["Access-Control-Allow-Methods"] = rule.allowedMethods.join(", ");
  const headers = requestedHeaders(request.accessControlRequestHeaders);
  if (headers.length > 0) out["Access-Control-Allow-Headers"] = headers.join(", ");
  if (rule.exposeHeaders && rule.exposeHeaders.length > 0) out["Access-Control-Expose-Headers"] = rule.exposeHeaders.join(", ");
  if (rule.maxAgeSeconds !== undefined) out["Access-Control-Max-Age"] = String(rule.maxAgeSeconds);
  out.Vary = VARY;
  return out;
}

function accessForbidden(message: string, method: string, resourceType: "BUCKET" | "OBJECT"): AwsError {
  return s3DomainErrors.AccessForbidden({ message }, { fields: { Method: method, ResourceType: resourceType } });
}

/** What a preflight finds at its URL: the bucket's rules (undefined without a configuration), or no bucket at all. */
export type PreflightTarget = readonly CorsRule[] | undefined | "NoSuchBucket";

/**
 * Answers a preflight OPTIONS request: the headers of a 200, or S3's error. `resourceType` is
 * OBJECT when the URL names a key.
 */
export function evaluatePreflight(rules: PreflightTarget, request: CorsRequest, resourceType: "BUCKET" | "OBJECT" = "OBJECT"): Record<string, string> {
  if (request.origin === undefined || request.origin === "") {
    throw s3DomainErrors.BadRequest({ message: "Insufficient information. Origin request header needed." });
  }
  const requested = request.accessControlRequestMethod;
  // LocalStack's test_cors_http_options_non_existent_bucket, recorded against S3.
  if (rules === "NoSuchBucket") throw accessForbidden("CORSResponse: Bucket not found", requested ?? "OPTIONS", "BUCKET");
  if (rules === undefined || rules.length === 0) {
    throw accessForbidden("CORSResponse: CORS is not enabled for this bucket.", requested ?? "OPTIONS", "BUCKET");
  }
  if (requested === undefined || !(CORS_METHODS as readonly string[]).includes(requested)) {
    throw s3DomainErrors.BadRequest({ message: `Invalid Access-Control-Request-Method: ${requested ?? "null"}` });
  }
  const rule = matchCorsRule(rules, request);
  if (!rule) throw accessForbidden(NOT_ALLOWED, requested, resourceType);
  return responseHeaders(rule, request);
}

/**
 * The CORS headers to add to an actual (non-OPTIONS) response; empty when the request carries
 * no Origin, the bucket has no configuration, or no rule matches. Never an error.
 */
export function corsHeadersForRequest(rules: readonly CorsRule[] | undefined, request: CorsRequest): Record<string, string> {
  if (!request.origin || !rules || rules.length === 0) return {};
  const rule = matchCorsRule(rules, request);
  return rule ? responseHeaders(rule, request) : {};
}
