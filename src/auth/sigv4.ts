/**
 * AWS Signature Version 4: reading the signature a request carries (header or presigned query),
 * rebuilding the canonical request exactly as the client's signer did, and checking it.
 *
 * `parseAuthorization` runs on every request (the credential scope tells routing the service,
 * the region and, through the access key, the account), so it only scans strings: no regexes,
 * no URL parsing unless the query string names an `X-Amz-*` parameter. Verification hashes and
 * allocates, and only runs when signature enforcement is on.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { AwsError } from "../core/errors.js";
import {
  S3_CREDENTIAL_FORMAT,
  SIGNATURE_MISMATCH_MESSAGE,
  type ServiceSignatureErrorStyle,
  type SignatureErrorStyle,
  incompleteSignature,
  isS3Service,
  s3ParseError,
  signatureErrorStyle,
  signatureMismatch,
  signatureMismatchParseError,
  sigv4Errors,
} from "./sigv4-errors.js";

export { SigV4ParseError, isS3Service, signatureErrorStyle, type SignatureErrorStyle } from "./sigv4-errors.js";

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";
export const SIGV4_TERMINATOR = "aws4_request";
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
export const STREAMING_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
export const STREAMING_PAYLOAD_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
export const STREAMING_UNSIGNED_PAYLOAD_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
/** SHA-256 of the empty string: the payload hash of a request without a body. */
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** A SigV4 signing key is valid for 7 days, so presigned URLs cannot live longer. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604800;
/** AWS accepts request timestamps up to 15 minutes away from its own clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export type HeaderValue = string | readonly string[] | undefined;
/** Lower-cased header names. Pass node's `headersDistinct` to keep repeated headers apart. */
export type RequestHeaders = Readonly<Record<string, HeaderValue>>;
/** The raw query string as on the wire (preferred: no decoding loss), or parsed parameters. */
export type RequestQuery = URLSearchParams | string;

export interface ParsedAuthorization {
  accessKeyId: string;
  /** Credential scope date, `yyyymmdd`. */
  date: string;
  region: string;
  service: string;
  /** Lower-cased header names, in the order the client listed them. */
  signedHeaders: string[];
  signature: string;
  /** Request timestamp, `yyyymmddThhmmssZ`. */
  amzDate: string;
  presigned: boolean;
  expiresSeconds?: number;
  securityToken?: string;
}

export interface SignableRequest {
  method: string;
  /** Path exactly as on the wire (still percent-encoded), without the query string. */
  path: string;
  query: RequestQuery;
  headers: RequestHeaders;
  /** Hex SHA-256 of the body, or the `UNSIGNED-PAYLOAD` / `STREAMING-*` marker the client signed. */
  payloadHash: string;
}

export type SigningParams = Pick<
  ParsedAuthorization,
  "date" | "region" | "service" | "signedHeaders" | "amzDate" | "presigned"
>;

export interface SignatureComputation {
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

export type VerifyResult =
  | { ok: true; canonicalRequest: string; stringToSign: string }
  | { ok: false; error: AwsError };

export interface VerifyOptions {
  /** Which family of error codes to answer with; defaults from the credential scope's service. */
  errorStyle?: SignatureErrorStyle;
}

export interface ParseHint {
  /** The service routing already knows of, used to word errors when the credential is unreadable. */
  service?: string;
}

// ---------------------------------------------------------------------------------------------
// Parsing

/**
 * The SigV4 credentials of a request, `undefined` when it carries none (no `Authorization`
 * header and no `X-Amz-*` presign parameters, or an Authorization scheme other than `AWS4-*`,
 * such as legacy SigV2 `AWS key:sig` or a bearer token). Throws `SigV4ParseError` with AWS's
 * code and wording when the signature is there but malformed.
 */
export function parseAuthorization(
  headers: RequestHeaders,
  query?: RequestQuery,
  hint: ParseHint = {},
): ParsedAuthorization | undefined {
  const authorization = firstHeader(headers, "authorization");
  const presignQuery = presignParameters(query);
  if (authorization !== undefined && authorization.length > 0) {
    const parsed = parseHeaderAuthorization(authorization, headers, hint);
    if (parsed !== undefined) {
      if (presignQuery?.get("X-Amz-Algorithm") != null) {
        const style = signatureErrorStyle(hint.service ?? parsed.service);
        if (style === "s3") throw s3ParseError("S3MultipleAuthMechanisms");
        throw signatureMismatchParseError(
          style,
          "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.",
        );
      }
      return parsed;
    }
  }
  if (presignQuery === undefined) return undefined;
  return parsePresignedQuery(presignQuery, headers, hint);
}

function parseHeaderAuthorization(
  authorization: string,
  headers: RequestHeaders,
  hint: ParseHint,
): ParsedAuthorization | undefined {
  const space = authorization.indexOf(" ");
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== SIGV4_ALGORITHM) {
    if (!algorithm.startsWith("AWS4-")) return undefined;
    const style = signatureErrorStyle(hint.service);
    if (style === "s3") {
      throw s3ParseError("S3UnsupportedAuthorizationType", undefined, {
        ArgumentName: "Authorization",
        ArgumentValue: authorization,
      });
    }
    throw incompleteSignature(style, `Unsupported AWS 'algorithm': '${algorithm}'.`);
  }

  // AWS splits the parameters on commas and whitespace alike: "Credential= AKID/..." is reported
  // as the pair "AKID/..." missing its equal sign.
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let badPair: string | undefined;
  const end = authorization.length;
  const hasTab = authorization.indexOf("\t") >= 0;
  let i = space < 0 ? end : space + 1;
  while (i < end) {
    const c = authorization.charCodeAt(i);
    if (c === 44 /* , */ || c === 32 || c === 9) {
      i++;
      continue;
    }
    const j = nextSeparator(authorization, i, hasTab);
    const eq = authorization.indexOf("=", i);
    if (eq < 0 || eq >= j) {
      badPair ??= authorization.slice(i, j);
    } else {
      const value = authorization.slice(eq + 1, j);
      switch (authorization.slice(i, eq)) {
        case "Credential":
          credential = value;
          break;
        case "SignedHeaders":
          signedHeaders = value;
          break;
        case "Signature":
          signature = value;
          break;
      }
    }
    i = j;
  }

  const scope = credential === undefined ? undefined : splitCredential(credential);
  const style = signatureErrorStyle(hint.service ?? scope?.service ?? credentialService(credential));
  if (badPair !== undefined) {
    if (style === "s3") {
      throw s3ParseError(
        "S3AuthorizationHeaderMalformed",
        "the authorization header requires three components: Credential, SignedHeaders, and Signature.",
      );
    }
    throw incompleteSignature(
      style,
      `'${badPair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
    );
  }

  const xAmzDate = firstHeader(headers, "x-amz-date");
  const httpDate = xAmzDate === undefined ? firstHeader(headers, "date") : undefined;
  if (style === "s3") {
    if (credential === undefined || signedHeaders === undefined || signature === undefined) {
      throw s3ParseError(
        "S3AuthorizationHeaderMalformed",
        "the authorization header requires three components: Credential, SignedHeaders, and Signature.",
      );
    }
  } else {
    let missing = "";
    if (credential === undefined) missing += "Authorization header requires 'Credential' parameter. ";
    if (signature === undefined) missing += "Authorization header requires 'Signature' parameter. ";
    if (signedHeaders === undefined) missing += "Authorization header requires 'SignedHeaders' parameter. ";
    if (xAmzDate === undefined && httpDate === undefined) {
      missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
    }
    if (missing.length > 0) throw incompleteSignature(style, `${missing}Authorization=${algorithm}`);
  }
  // The checks above guarantee these; the compiler cannot see through the two branches.
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw new Error("unreachable: SigV4 parameters checked above");
  }

  if (style !== "s3" && !SIGNS_HOST.test(signedHeaders)) {
    throw signatureMismatchParseError(style, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  let amzDate: string | undefined;
  if (xAmzDate !== undefined) {
    amzDate = amzDateToMs(xAmzDate) === undefined ? undefined : xAmzDate;
  } else if (httpDate !== undefined) {
    amzDate = dateHeaderToAmzDate(httpDate);
  }
  if (amzDate === undefined) {
    if (style === "s3") throw s3ParseError("S3MissingDate");
    throw incompleteSignature(
      style,
      `Date must be in ISO-8601 'basic format'. Got '${xAmzDate ?? httpDate ?? ""}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }

  if (scope === undefined) {
    if (style === "s3") {
      throw s3ParseError("S3AuthorizationHeaderMalformed", `the Credential is mal-formed; expecting ${S3_CREDENTIAL_FORMAT}.`);
    }
    throw incompleteSignature(
      style,
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  if (style === "s3") {
    if (scope.accessKeyId.length === 0) {
      throw s3ParseError(
        "S3AuthorizationHeaderMalformed",
        "a non-empty Access Key (AKID) must be provided in the credential.",
      );
    }
    if (scope.terminator !== SIGV4_TERMINATOR) {
      throw s3ParseError(
        "S3AuthorizationHeaderMalformed",
        `incorrect terminal "${scope.terminator}". This endpoint uses "${SIGV4_TERMINATOR}".`,
      );
    }
    if (scope.date !== amzDate.slice(0, 8)) {
      throw s3ParseError("S3AuthorizationHeaderMalformed", "Invalid credential date. Date is not the same as X-Amz-Date.");
    }
  } else {
    checkScope(style, scope, amzDate);
  }

  const parsed = new HeaderAuthorization(scope.accessKeyId, scope.date, scope.region, scope.service, signedHeaders, signature, amzDate);
  const token = firstHeader(headers, "x-amz-security-token");
  if (token !== undefined) parsed.securityToken = token;
  return parsed;
}

/** Index of the next `,` or space (or tab) at or after `from`; the string's length if none. */
function nextSeparator(s: string, from: number, hasTab: boolean): number {
  let end = s.length;
  const comma = s.indexOf(",", from);
  if (comma >= 0) end = comma;
  const space = s.indexOf(" ", from);
  if (space >= 0 && space < end) end = space;
  if (hasTab) {
    const tab = s.indexOf("\t", from);
    if (tab >= 0 && tab < end) end = tab;
  }
  return end;
}

interface QueryView {
  get(name: string): string | null;
}

const PRESIGN_PARAMETERS = ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature"] as const;

/** The query's parameters when it is (an attempt at) a presigned request, else undefined. */
function presignParameters(query: RequestQuery | undefined): QueryView | undefined {
  if (query === undefined) return undefined;
  if (typeof query === "string") {
    if (!query.includes("X-Amz-")) return undefined;
    const view = rawQueryView(query);
    return PRESIGN_PARAMETERS.some((name) => view.get(name) !== null) ? view : undefined;
  }
  return PRESIGN_PARAMETERS.some((name) => query.has(name)) ? query : undefined;
}

/** Only the `X-Amz-*` parameters, decoded without turning `+` into a space (SDKs send `%2B`). */
function rawQueryView(raw: string): QueryView {
  const found = new Map<string, string>();
  const start = raw.startsWith("?") ? 1 : 0;
  for (const piece of raw.slice(start).split("&")) {
    if (!piece.startsWith("X-Amz-")) continue;
    const eq = piece.indexOf("=");
    const name = eq < 0 ? piece : piece.slice(0, eq);
    if (!found.has(name)) found.set(name, eq < 0 ? "" : percentDecode(piece.slice(eq + 1)));
  }
  return { get: (name) => found.get(name) ?? null };
}

function parsePresignedQuery(query: QueryView, headers: RequestHeaders, hint: ParseHint): ParsedAuthorization {
  const algorithm = query.get("X-Amz-Algorithm");
  const credential = query.get("X-Amz-Credential");
  const amzDateParam = query.get("X-Amz-Date");
  const expires = query.get("X-Amz-Expires");
  const signedHeaders = query.get("X-Amz-SignedHeaders");
  const signature = query.get("X-Amz-Signature");
  const style = signatureErrorStyle(hint.service ?? credentialService(credential ?? undefined));

  if (style === "s3") {
    if (!algorithm || !credential || !amzDateParam || !expires || !signedHeaders || !signature) {
      throw s3ParseError(
        "S3AuthorizationQueryParametersError",
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
      );
    }
    if (algorithm !== SIGV4_ALGORITHM) {
      throw s3ParseError("S3AuthorizationQueryParametersError", `X-Amz-Algorithm only supports "${SIGV4_ALGORITHM}"`);
    }
    if (amzDateToMs(amzDateParam) === undefined) {
      throw s3ParseError(
        "S3AuthorizationQueryParametersError",
        "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
      );
    }
    const expiresSeconds = parseDecimal(expires);
    if (expiresSeconds === undefined) {
      if (expires.startsWith("-") && parseDecimal(expires.slice(1)) !== undefined) {
        throw s3ParseError("S3AuthorizationQueryParametersError", "X-Amz-Expires must be non-negative");
      }
      throw s3ParseError("S3AuthorizationQueryParametersError", "X-Amz-Expires should be a number");
    }
    if (expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
      throw s3ParseError(
        "S3AuthorizationQueryParametersError",
        "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds",
      );
    }
    const scope = splitCredential(credential);
    if (scope === undefined) {
      throw s3ParseError(
        "S3AuthorizationQueryParametersError",
        `Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting ${S3_CREDENTIAL_FORMAT}.`,
      );
    }
    if (scope.accessKeyId.length === 0) {
      throw s3ParseError(
        "S3AuthorizationQueryParametersError",
        "Error parsing the X-Amz-Credential parameter; a non-empty Access Key (AKID) must be provided in the credential.",
      );
    }
    if (scope.terminator !== SIGV4_TERMINATOR) {
      throw s3ParseError(
        "S3AuthorizationQueryParametersError",
        `Error parsing the X-Amz-Credential parameter; incorrect terminal "${scope.terminator}". This endpoint uses "${SIGV4_TERMINATOR}".`,
      );
    }
    if (scope.date !== amzDateParam.slice(0, 8)) {
      throw s3ParseError(
        "S3AuthorizationQueryParametersError",
        `Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${amzDateParam.slice(0, 8)}".`,
      );
    }
    return presignedResult(scope, signedHeaders, signature, amzDateParam, expiresSeconds, query, headers);
  }

  let missing = "";
  if (!algorithm) missing += "AWS query-string parameters must include 'X-Amz-Algorithm'. ";
  if (!credential) missing += "AWS query-string parameters must include 'X-Amz-Credential'. ";
  if (!signature) missing += "AWS query-string parameters must include 'X-Amz-Signature'. ";
  if (!signedHeaders) missing += "AWS query-string parameters must include 'X-Amz-SignedHeaders'. ";
  if (!amzDateParam) missing += "AWS query-string parameters must include 'X-Amz-Date'. ";
  if (missing.length > 0) throw incompleteSignature(style, `${missing}Re-examine the query-string parameters.`);
  if (!algorithm || !credential || !signature || !signedHeaders || !amzDateParam) {
    throw new Error("unreachable: presign parameters checked above");
  }
  if (algorithm !== SIGV4_ALGORITHM) {
    throw incompleteSignature(style, `Unsupported AWS 'algorithm': '${algorithm}'.`);
  }
  const signedHeaderList = splitSignedHeaders(signedHeaders);
  if (!signedHeaderList.includes("host") && !signedHeaderList.includes(":authority")) {
    throw signatureMismatchParseError(style, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (amzDateToMs(amzDateParam) === undefined) {
    throw incompleteSignature(
      style,
      `Date must be in ISO-8601 'basic format'. Got '${amzDateParam}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const scope = splitCredential(credential);
  if (scope === undefined) {
    throw incompleteSignature(
      style,
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  checkScope(style, scope, amzDateParam);
  // Services other than S3 hold presigned requests to the 15-minute window of any signed request
  // and do not read X-Amz-Expires (an EKS token presigned for 60 s is accepted for 15 minutes).
  const expiresSeconds = expires === null ? undefined : parseDecimal(expires);
  return presignedResult(scope, signedHeaders, signature, amzDateParam, expiresSeconds, query, headers);
}

function presignedResult(
  scope: CredentialScope,
  signedHeaders: string,
  signature: string,
  amzDate: string,
  expiresSeconds: number | undefined,
  query: QueryView,
  headers: RequestHeaders,
): ParsedAuthorization {
  const parsed: ParsedAuthorization = {
    accessKeyId: scope.accessKeyId,
    date: scope.date,
    region: scope.region,
    service: scope.service,
    signedHeaders: splitSignedHeaders(signedHeaders),
    signature,
    amzDate,
    presigned: true,
  };
  if (expiresSeconds !== undefined) parsed.expiresSeconds = expiresSeconds;
  const token = query.get("X-Amz-Security-Token") ?? firstHeader(headers, "x-amz-security-token");
  if (token !== null && token !== undefined) parsed.securityToken = token;
  return parsed;
}

interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
}

/**
 * The credential's five parts. A client names the same credential (key, day, Region, service)
 * on request after request: the last one split is kept, frozen, as it is shared.
 */
function splitCredential(credential: string): CredentialScope | undefined {
  if (credential === lastCredential.text) return lastCredential.scope;
  const scope = readCredential(credential);
  if (scope !== undefined) lastCredential = { text: credential, scope: Object.freeze(scope) };
  return scope;
}

let lastCredential: { text: string; scope: CredentialScope | undefined } = { text: "", scope: undefined };

function readCredential(credential: string): CredentialScope | undefined {
  const a = credential.indexOf("/");
  const b = a < 0 ? -1 : credential.indexOf("/", a + 1);
  const c = b < 0 ? -1 : credential.indexOf("/", b + 1);
  const d = c < 0 ? -1 : credential.indexOf("/", c + 1);
  if (d < 0 || credential.indexOf("/", d + 1) >= 0) return undefined;
  return {
    accessKeyId: credential.slice(0, a),
    date: credential.slice(a + 1, b),
    region: credential.slice(b + 1, c),
    service: credential.slice(c + 1, d),
    terminator: credential.slice(d + 1),
  };
}

/** The service a credential names, read leniently: only used to pick the wording of errors. */
function credentialService(credential: string | undefined): string | undefined {
  if (credential === undefined) return undefined;
  const scope = splitCredential(credential);
  if (scope !== undefined) return scope.service;
  const service = serviceElement(credential);
  if (service !== undefined) return service;
  // A credential URL-encoded twice (test%2F20240101%2Fus-east-1%2Fs3%2Faws4_request) still names
  // its service once decoded: S3 answers it with its own AuthorizationQueryParametersError
  // (LocalStack's AWS-recorded test_presigned_double_encoded_credentials, error-malformed).
  if (credential.includes("%")) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(credential);
    } catch {
      return undefined;
    }
    return serviceElement(decoded);
  }
  return undefined;
}

/**
 * The service element of a credential that is not five elements long: the fourth, or, in four
 * elements that end with the terminator (the date or the Region left out), the one before it,
 * so that S3 words `AKID/us-east-1/s3/aws4_request` as its own "Credential is mal-formed".
 */
function serviceElement(credential: string): string | undefined {
  const parts = credential.split("/");
  const service = parts.length === 4 && parts[3] === SIGV4_TERMINATOR ? parts[2] : parts[3];
  return service !== undefined && service.length > 0 ? service : undefined;
}

/** Non-S3 scope checks; AWS reports every failing one in a single message. */
function checkScope(style: ServiceSignatureErrorStyle, scope: CredentialScope, amzDate: string): void {
  let problems = "";
  if (scope.terminator !== SIGV4_TERMINATOR) {
    problems += `Credential should be scoped with a valid terminator: '${SIGV4_TERMINATOR}', not '${scope.terminator}'. `;
  }
  const day = amzDate.slice(0, 8);
  if (scope.date !== day) {
    problems += `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${day}', from '${amzDate}'. `;
  }
  if (problems.length > 0) throw signatureMismatchParseError(style, problems.trimEnd());
}

/**
 * An Authorization header's parameters. SignedHeaders is split only when a signature is checked:
 * lower-casing and splitting the SDK's eight or so names was a third of reading the header, and
 * routing a request needs only its credential scope.
 */
class HeaderAuthorization implements ParsedAuthorization {
  readonly presigned = false;
  securityToken?: string;
  private list: string[] | undefined;

  constructor(
    readonly accessKeyId: string,
    readonly date: string,
    readonly region: string,
    readonly service: string,
    private readonly signedHeaderNames: string,
    readonly signature: string,
    readonly amzDate: string,
  ) {}

  get signedHeaders(): string[] {
    return (this.list ??= splitSignedHeaders(this.signedHeaderNames));
  }
}

/** Whether a SignedHeaders list names Host (or HTTP/2's :authority), in any case. */
const SIGNS_HOST = /(?:^|;)(?:host|:authority)(?:;|$)/i;

function splitSignedHeaders(value: string): string[] {
  return value.toLowerCase().split(";");
}

function firstHeader(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined || typeof value === "string") return value;
  return value[0];
}

/** Non-negative decimal integer, digits only; undefined for anything else. */
function parseDecimal(s: string): number | undefined {
  if (s.length === 0 || s.length > 15) return undefined;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return undefined;
    n = n * 10 + c;
  }
  return n;
}

/** Epoch ms of a `yyyymmddThhmmssZ` timestamp, undefined when it is not one. */
export function amzDateToMs(s: string): number | undefined {
  // A client sends the same X-Amz-Date for every request of a second: the last one read is kept.
  if (s === lastAmzDate.text) return lastAmzDate.ms;
  const ms = readAmzDate(s);
  if (ms !== undefined) lastAmzDate = { text: s, ms };
  return ms;
}

let lastAmzDate = { text: "", ms: 0 };

function readAmzDate(s: string): number | undefined {
  if (s.length !== 16 || s.charCodeAt(8) !== 84 /* T */ || s.charCodeAt(15) !== 90 /* Z */) return undefined;
  for (let i = 0; i < 15; i++) {
    if (i === 8) continue;
    const d = digitAt(s, i);
    if (d < 0 || d > 9) return undefined;
  }
  const year = digitAt(s, 0) * 1000 + digitAt(s, 1) * 100 + digitAt(s, 2) * 10 + digitAt(s, 3);
  const month = twoDigits(s, 4);
  const day = twoDigits(s, 6);
  const hour = twoDigits(s, 9);
  const minute = twoDigits(s, 11);
  const second = twoDigits(s, 13);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function digitAt(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

function twoDigits(s: string, i: number): number {
  return digitAt(s, i) * 10 + digitAt(s, i + 1);
}

/** `yyyymmddThhmmssZ` for an epoch-ms instant (sub-second part dropped). */
export function formatAmzDate(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2015-08-30T12:36:00.000Z
  return (
    iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + "T" + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + "Z"
  );
}

/**
 * The `Date` header as a SigV4 timestamp, for clients that sign without X-Amz-Date. AWS reads it
 * in ISO 8601 basic format ("If the Date header is specified in the ISO 8601 basic format,
 * X-Amz-Date is not required", the Common Parameters of every API reference): fog-aws signs
 * DynamoDB with `Date: 20150830T123600Z` alone. An RFC 7231 date is read too.
 */
function dateHeaderToAmzDate(value: string): string | undefined {
  if (amzDateToMs(value) !== undefined) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : formatAmzDate(ms);
}

// ---------------------------------------------------------------------------------------------
// Canonical request

// RFC 3986 unreserved characters: the only ones SigV4 leaves unencoded.
const UNRESERVED = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9\-._~]/.test(ch)) UNRESERVED[c] = 1;
}
const HEX_UPPER = "0123456789ABCDEF";
const SLASH = 47;

function isUnreserved(code: number, keepSlash: boolean): boolean {
  return (code < 128 && UNRESERVED[code] === 1) || (keepSlash && code === SLASH);
}

function percent(byte: number): string {
  return "%" + HEX_UPPER.charAt(byte >> 4) + HEX_UPPER.charAt(byte & 15);
}

/** SigV4 `UriEncode` of a decoded string: everything but unreserved characters (and `/` if kept) as UTF-8 `%XX`. */
export function uriEncode(value: string, keepSlash = false): string {
  let clean = true;
  for (let i = 0; i < value.length; i++) {
    if (!isUnreserved(value.charCodeAt(i), keepSlash)) {
      clean = false;
      break;
    }
  }
  if (clean) return value;
  const bytes = Buffer.from(value, "utf8");
  let out = "";
  for (const byte of bytes) out += isUnreserved(byte, keepSlash) ? String.fromCharCode(byte) : percent(byte);
  return out;
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 48 && byte <= 57) return byte - 48;
  if (byte >= 65 && byte <= 70) return byte - 55;
  if (byte >= 97 && byte <= 102) return byte - 87;
  return -1;
}

/**
 * Re-encodes a string as it came off the wire into SigV4's form without decoding it to text first:
 * valid `%XX` escapes are kept (upper-cased) unless they stand for an unreserved character, raw
 * reserved or non-ASCII characters are escaped, a stray `%` becomes `%25`.
 */
export function normalizeUriEncoding(raw: string, keepSlash = false): string {
  let clean = true;
  for (let i = 0; i < raw.length; i++) {
    if (!isUnreserved(raw.charCodeAt(i), keepSlash)) {
      clean = false;
      break;
    }
  }
  if (clean) return raw;
  const bytes = Buffer.from(raw, "utf8");
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === 37 /* % */) {
      const hi = hexValue(bytes[i + 1]);
      const lo = hexValue(bytes[i + 2]);
      if (hi >= 0 && lo >= 0) {
        const decoded = hi * 16 + lo;
        // An escaped slash stays escaped: it is part of a name, not a separator.
        out += isUnreserved(decoded, false) ? String.fromCharCode(decoded) : percent(decoded);
        i += 2;
        continue;
      }
    }
    out += isUnreserved(byte, keepSlash) ? String.fromCharCode(byte) : percent(byte);
  }
  return out;
}

/** Percent-decoding that leaves `+` alone and never throws (bad escapes stay as they are). */
function percentDecode(raw: string): string {
  if (raw.indexOf("%") < 0) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** Removes `.` and `..` segments and empty segments, as the SDK signers do for non-S3 services. */
export function normalizePath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment.length === 0 || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const joined = "/" + segments.join("/");
  return segments.length > 0 && path.endsWith("/") ? joined + "/" : joined;
}

/**
 * The canonical URI. Services other than S3 normalize the path and URI-encode it once more, so
 * the `%` of the already encoded wire path becomes `%25` ("double encoding"). S3 signs the path
 * exactly as sent.
 */
export function canonicalUri(path: string, service: string): string {
  if (path.length === 0) return "/";
  if (isS3Service(service)) return path;
  return uriEncode(normalizePath(path), true);
}

/** S3 clients that send reserved characters unescaped still sign them escaped. */
function s3StrictCanonicalUri(path: string): string {
  return path.length === 0 ? "/" : normalizeUriEncoding(path, true);
}

function comparePairs(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] === b[1]) return 0;
  return a[1] < b[1] ? -1 : 1;
}

/**
 * Parameters encoded, sorted by name then value (byte order); a presigned request's own signature
 * excluded. A raw `+` is a space, as the query is read (`prefix=a+b` lists "a b"), so it signs as
 * `%20`: clients that form-encode the query (Excon under fog-aws, Go's url.Values) sign `%20` and
 * S3 accepts them (mhart/aws4fetch#83; MinIO's getCanonicalRequest turns `+` into `%20` likewise).
 */
export function canonicalQueryString(query: RequestQuery, presigned: boolean): string {
  const pairs: Array<[string, string]> = [];
  if (typeof query === "string") {
    const raw = query.startsWith("?") ? query.slice(1) : query;
    if (raw.length === 0) return "";
    for (const piece of raw.includes("+") ? raw.replaceAll("+", "%20").split("&") : raw.split("&")) {
      if (piece.length === 0) continue;
      const eq = piece.indexOf("=");
      const name = normalizeUriEncoding(eq < 0 ? piece : piece.slice(0, eq));
      if (presigned && name === "X-Amz-Signature") continue;
      pairs.push([name, eq < 0 ? "" : normalizeUriEncoding(piece.slice(eq + 1))]);
    }
  } else {
    for (const [name, value] of query) {
      if (presigned && name === "X-Amz-Signature") continue;
      pairs.push([uriEncode(name), uriEncode(value)]);
    }
  }
  if (pairs.length === 0) return "";
  pairs.sort(comparePairs);
  let out = "";
  for (const [name, value] of pairs) out += (out.length > 0 ? "&" : "") + name + "=" + value;
  return out;
}

/** Trims and collapses runs of spaces to one, as the signer does with every header value. */
function trimCollapse(value: string): string {
  const last = value.length - 1;
  let clean = last < 0 || (value.charCodeAt(0) !== 32 && value.charCodeAt(last) !== 32);
  for (let i = 0; clean && i <= last; i++) {
    const c = value.charCodeAt(i);
    if (c === 9 || (c === 32 && value.charCodeAt(i + 1) === 32)) clean = false;
  }
  if (clean) return value;
  let out = "";
  let pendingSpace = false;
  for (let i = 0; i <= last; i++) {
    const c = value.charCodeAt(i);
    if (c === 32 || c === 9) {
      pendingSpace = out.length > 0;
      continue;
    }
    if (pendingSpace) {
      out += " ";
      pendingSpace = false;
    }
    out += value.charAt(i);
  }
  return out;
}

function canonicalHeaderValue(value: string): string {
  // An obs-folded (multi-line) value is signed as its lines joined by commas, per AWS's suite.
  if (value.indexOf("\n") < 0) return trimCollapse(value);
  return value
    .split("\n")
    .map((line) => trimCollapse(line.endsWith("\r") ? line.slice(0, -1) : line))
    .join(",");
}

/** `name:value\n` for each signed header, in signed order; repeated headers joined by commas. */
export function canonicalHeaders(headers: RequestHeaders, signedHeaders: readonly string[]): string {
  let out = "";
  for (const name of signedHeaders) {
    const value = headers[name];
    let canonical: string;
    if (value === undefined) canonical = "";
    else if (typeof value === "string") canonical = canonicalHeaderValue(value);
    else canonical = value.map(canonicalHeaderValue).join(",");
    out += name + ":" + canonical + "\n";
  }
  return out;
}

export function canonicalRequest(request: SignableRequest, params: SigningParams, uri?: string): string {
  return (
    request.method +
    "\n" +
    (uri ?? canonicalUri(request.path, params.service)) +
    "\n" +
    canonicalQueryString(request.query, params.presigned) +
    "\n" +
    canonicalHeaders(request.headers, params.signedHeaders) +
    "\n" +
    params.signedHeaders.join(";") +
    "\n" +
    request.payloadHash
  );
}

export function credentialScope(params: Pick<SigningParams, "date" | "region" | "service">): string {
  return `${params.date}/${params.region}/${params.service}/${SIGV4_TERMINATOR}`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${SIGV4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

export function deriveSigningKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac("AWS4" + secretAccessKey, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, SIGV4_TERMINATOR);
}

// The derived key depends only on its four inputs, so memoizing it is not behavioural state; a
// key is reused by every request of a client for a whole day. Bounded so that a stream of random
// credentials cannot grow it.
const SIGNING_KEY_CACHE_LIMIT = 256;
const signingKeyCache = new Map<string, Buffer>();

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${date}\n${region}\n${service}\n${secretAccessKey}`;
  let key = signingKeyCache.get(cacheKey);
  if (key === undefined) {
    key = deriveSigningKey(secretAccessKey, date, region, service);
    if (signingKeyCache.size >= SIGNING_KEY_CACHE_LIMIT) signingKeyCache.clear();
    signingKeyCache.set(cacheKey, key);
  }
  return key;
}

/**
 * Canonical request, string to sign and signature of a request. Without `params`, the signing
 * parameters are read from the request's own Authorization header or presign query.
 */
export function computeSignature(
  request: SignableRequest,
  secretAccessKey: string,
  params?: SigningParams,
): SignatureComputation {
  const signing = params ?? parseAuthorization(request.headers, request.query);
  if (signing === undefined) throw new Error("computeSignature: the request carries no SigV4 signing parameters");
  return computeWithUri(request, secretAccessKey, signing, undefined);
}

function computeWithUri(
  request: SignableRequest,
  secretAccessKey: string,
  params: SigningParams,
  uri: string | undefined,
): SignatureComputation {
  const canonical = canonicalRequest(request, params, uri);
  const toSign = stringToSign(params.amzDate, credentialScope(params), canonical);
  const key = signingKey(secretAccessKey, params.date, params.region, params.service);
  return { canonicalRequest: canonical, stringToSign: toSign, signature: createHmac("sha256", key).update(toSign).digest("hex") };
}

/** Constant-time comparison of two signatures. */
export function signaturesEqual(provided: string, computed: string): boolean {
  if (provided.length !== computed.length) return false;
  return timingSafeEqual(Buffer.from(provided, "latin1"), Buffer.from(computed, "latin1"));
}

// ---------------------------------------------------------------------------------------------
// Verification

/** Epoch ms as S3 writes times in its errors: ISO 8601 to the second. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * S3's refusal of a presigned URL past its X-Amz-Expires. Unlike the other time checks it
 * applies even when signatures are not verified: an expired link failing is behaviour that
 * applications and their tests rely on.
 */
export function presignedUrlExpired(parsed: ParsedAuthorization, now: number): AwsError | undefined {
  if (!parsed.presigned || parsed.expiresSeconds === undefined) return undefined;
  const signedAt = amzDateToMs(parsed.amzDate);
  if (signedAt === undefined) return undefined;
  const serverTime = Math.floor(now / 1000) * 1000;
  const expiresAt = signedAt + parsed.expiresSeconds * 1000;
  if (serverTime <= expiresAt) return undefined;
  return sigv4Errors.S3RequestExpired({}, {
    fields: { "X-Amz-Expires": String(parsed.expiresSeconds), Expires: isoSeconds(expiresAt), ServerTime: isoSeconds(serverTime) },
  });
}

/** The query parameters of SigV4 query authentication itself: never request headers. */
const PRESIGN_AUTH_PARAMETERS: ReadonlySet<string> = new Set([
  "x-amz-algorithm",
  "x-amz-credential",
  "x-amz-date",
  "x-amz-expires",
  "x-amz-signedheaders",
  "x-amz-signature",
  "x-amz-security-token",
  "x-amz-content-sha256",
]);

/**
 * The `x-amz-*` request headers a presigner moved into an S3 presigned URL's query string
 * (the v3 SDK hoists every `x-amz-*` header it does not sign: metadata, ACL, tagging, storage
 * class...), which S3 applies as if they had been sent as headers: an object PUT through a URL
 * presigned with `Metadata` gets that metadata (aws/aws-sdk-js-v3#4694, where an SDK maintainer
 * saw S3 store the hoisted `x-amz-meta-*`). A header the request really carries wins.
 *
 * Checksums are the exception: S3 ignores `x-amz-checksum-*` and `x-amz-sdk-checksum-algorithm`
 * in the query string (S3 User Guide, "Uploading objects with presigned URLs": presigned URLs do
 * not support the additional checksum algorithms; LocalStack#12164 found the same against AWS).
 * That matters because the v3 SDK since 3.729.0 signs the CRC32 of an empty body
 * (`x-amz-checksum-crc32=AAAAAA==`) into every presigned PutObject URL made without a Body, and
 * S3 accepts any body sent to it. `x-amz-checksum-mode` is no checksum of an upload but a
 * GetObject/HeadObject switch ("To retrieve the checksum, this mode must be enabled"), which the
 * v3 presigner hoists like any other header (and aws-sdk-go-v2#3530 moved back into the query so
 * a plain URL carries it): it applies as the header does.
 */
export function hoistedPresignHeaders(query: URLSearchParams, headers: RequestHeaders): Record<string, string> | undefined {
  let hoisted: Record<string, string> | undefined;
  for (const [name, value] of query) {
    const lower = name.toLowerCase();
    if (!lower.startsWith("x-amz-") || PRESIGN_AUTH_PARAMETERS.has(lower)) continue;
    if ((lower.startsWith("x-amz-checksum-") && lower !== "x-amz-checksum-mode") || lower === "x-amz-sdk-checksum-algorithm") continue;
    if (headers[lower] !== undefined) continue;
    hoisted ??= {};
    hoisted[lower] ??= value;
  }
  return hoisted;
}

/**
 * The `x-amz-*` headers of an S3 request that its SignedHeaders (or X-Amz-SignedHeaders) leaves
 * out, sorted: S3 refuses such a request (AccessDenied "There were headers present in the request
 * which were not signed", naming them in HeadersNotSigned) so that whoever holds a URL cannot
 * add an ACL, metadata or encryption the signer did not put in it. It does so for header-signed
 * requests too: clients that add x-amz-request-payer, x-amz-tagging, x-amz-meta-* or
 * x-amz-security-token after signing get that answer from S3 (apache/arrow-rs#6716,
 * apache/arrow-rs-object-store#484, soto-project/soto-core#99). The SDKs sign every `x-amz-*`
 * header they send (they leave out only user-agent, expect, x-amzn-trace-id and the like).
 * `x-amz-content-sha256` may come unsigned (scality/Arsenal#2590: "AWS does not require" it).
 */
export function unsignedAmzHeaders(headers: RequestHeaders, signedHeaders: readonly string[]): string[] {
  const unsigned: string[] = [];
  for (const name of Object.keys(headers)) {
    if (!name.startsWith("x-amz-") || name === "x-amz-content-sha256" || headers[name] === undefined) continue;
    if (!signedHeaders.includes(name)) unsigned.push(name);
  }
  return unsigned.sort();
}

/** The time checks AWS makes before it looks at the signature. */
function checkTime(parsed: ParsedAuthorization, now: number, style: SignatureErrorStyle): AwsError | undefined {
  const signedAt = amzDateToMs(parsed.amzDate);
  if (signedAt === undefined) {
    if (style === "s3") return sigv4Errors.S3MissingDate();
    return incompleteSignature(
      style,
      `Date must be in ISO-8601 'basic format'. Got '${parsed.amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const serverTime = Math.floor(now / 1000) * 1000;
  if (style === "s3") {
    if (parsed.presigned) {
      const expiresAt = signedAt + (parsed.expiresSeconds ?? 0) * 1000;
      if (signedAt > serverTime + MAX_CLOCK_SKEW_MS) {
        return sigv4Errors.S3RequestNotYetValid({}, {
          fields: { "X-Amz-Date": String(signedAt), Expires: isoSeconds(expiresAt), ServerTime: isoSeconds(serverTime) },
        });
      }
      if (serverTime > expiresAt) {
        return sigv4Errors.S3RequestExpired({}, {
          fields: {
            "X-Amz-Expires": String(parsed.expiresSeconds ?? 0),
            Expires: isoSeconds(expiresAt),
            ServerTime: isoSeconds(serverTime),
          },
        });
      }
      return undefined;
    }
    if (Math.abs(serverTime - signedAt) > MAX_CLOCK_SKEW_MS) {
      return sigv4Errors.S3RequestTimeTooSkewed({}, {
        fields: {
          RequestTime: parsed.amzDate,
          ServerTime: isoSeconds(serverTime),
          MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS),
        },
      });
    }
    return undefined;
  }
  const server = formatAmzDate(serverTime);
  if (signedAt < serverTime - MAX_CLOCK_SKEW_MS) {
    return signatureMismatch(
      style,
      `Signature expired: ${parsed.amzDate} is now earlier than ${formatAmzDate(serverTime - MAX_CLOCK_SKEW_MS)} (${server} - 15 min.)`,
    );
  }
  if (signedAt > serverTime + MAX_CLOCK_SKEW_MS) {
    return signatureMismatch(
      style,
      `Signature not yet current: ${parsed.amzDate} is still later than ${formatAmzDate(serverTime + MAX_CLOCK_SKEW_MS)} (${server} + 15 min.)`,
    );
  }
  return undefined;
}

/** A string's UTF-8 bytes as S3 lists them in SignatureDoesNotMatch (`41 57 53`). */
export function spacedHex(s: string): string {
  const bytes = Buffer.from(s, "utf8");
  let out = "";
  for (const byte of bytes) out += (out.length > 0 ? " " : "") + (byte < 16 ? "0" : "") + byte.toString(16);
  return out;
}

function mismatchError(style: SignatureErrorStyle, parsed: ParsedAuthorization, computed: SignatureComputation): AwsError {
  if (style === "s3") {
    return sigv4Errors.S3SignatureDoesNotMatch({}, {
      fields: {
        AWSAccessKeyId: parsed.accessKeyId,
        StringToSign: computed.stringToSign,
        SignatureProvided: parsed.signature,
        StringToSignBytes: spacedHex(computed.stringToSign),
        CanonicalRequest: computed.canonicalRequest,
        CanonicalRequestBytes: spacedHex(computed.canonicalRequest),
      },
    });
  }
  if (style === "query" || style === "query-json") {
    // Query-protocol services (STS, IAM...) and SQS spell out what they expected.
    return signatureMismatch(
      style,
      `${SIGNATURE_MISMATCH_MESSAGE}\n\nThe Canonical String for this request should have been\n'${computed.canonicalRequest}'\n\nThe String-to-Sign should have been\n'${computed.stringToSign}'\n`,
    );
  }
  return signatureMismatch(style, SIGNATURE_MISMATCH_MESSAGE);
}

/**
 * Checks the request's timestamp (or presigned expiry) against `now` (epoch ms, from the
 * injected clock) and its signature against one computed with `secretAccessKey`.
 */
export function verifySignature(
  request: SignableRequest,
  secretAccessKey: string,
  parsed: ParsedAuthorization,
  now: number,
  options: VerifyOptions = {},
): VerifyResult {
  const style = options.errorStyle ?? signatureErrorStyle(parsed.service);
  const timeError = checkTime(parsed, now, style);
  if (timeError !== undefined) return { ok: false, error: timeError };
  if (style === "s3") {
    const unsigned = unsignedAmzHeaders(request.headers, parsed.signedHeaders);
    if (unsigned.length > 0) return { ok: false, error: sigv4Errors.S3HeadersNotSigned({}, { fields: { HeadersNotSigned: unsigned.join(", ") } }) };
  }

  const computed = computeWithUri(request, secretAccessKey, parsed, undefined);
  if (signaturesEqual(parsed.signature, computed.signature)) {
    return { ok: true, canonicalRequest: computed.canonicalRequest, stringToSign: computed.stringToSign };
  }
  if (isS3Service(parsed.service)) {
    const strictUri = s3StrictCanonicalUri(request.path);
    if (strictUri !== canonicalUri(request.path, parsed.service)) {
      const strict = computeWithUri(request, secretAccessKey, parsed, strictUri);
      if (signaturesEqual(parsed.signature, strict.signature)) {
        return { ok: true, canonicalRequest: strict.canonicalRequest, stringToSign: strict.stringToSign };
      }
    }
  }
  return { ok: false, error: mismatchError(style, parsed, computed) };
}

/**
 * The payload hash the client signed. S3 takes it from `x-amz-content-sha256` (a hex digest or
 * an `UNSIGNED-PAYLOAD` / `STREAMING-*` marker) and requires that header on header-signed
 * requests; an S3 presigned URL signs `UNSIGNED-PAYLOAD` unless it says otherwise. Every other
 * service signs the hash of the body, whatever such a header says.
 */
export function resolvePayloadHash(
  parsed: Pick<ParsedAuthorization, "service" | "presigned">,
  headers: RequestHeaders,
  query: RequestQuery | undefined,
  bodySha256: () => string,
): string {
  if (!isS3Service(parsed.service)) return bodySha256();
  const declared = firstHeader(headers, "x-amz-content-sha256");
  if (declared !== undefined) return checkedPayloadHash(declared);
  if (parsed.presigned) {
    const fromQuery =
      query === undefined
        ? null
        : typeof query === "string"
          ? rawQueryView(query).get("X-Amz-Content-Sha256")
          : query.get("X-Amz-Content-Sha256");
    return fromQuery ?? UNSIGNED_PAYLOAD;
  }
  throw sigv4Errors.S3MissingContentSha256();
}

/**
 * The values S3 takes in x-amz-content-sha256, as its refusal of any other lists them (an
 * S3 answer recorded for PutBucketVersioning with "wrong_sha256_hash_value_12345", RequestId
 * DGSSF8E9FE0T4X5G, in a public S3 behaviour catalogue; the same words through CloudFront).
 */
const PAYLOAD_HASH_MARKERS: ReadonlySet<string> = new Set([
  UNSIGNED_PAYLOAD,
  STREAMING_UNSIGNED_PAYLOAD_TRAILER,
  STREAMING_PAYLOAD,
  STREAMING_PAYLOAD_TRAILER,
  "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
  "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
]);

function checkedPayloadHash(declared: string): string {
  if (PAYLOAD_HASH_MARKERS.has(declared) || /^[0-9a-fA-F]{64}$/.test(declared)) return declared;
  throw sigv4Errors.S3InvalidContentSha256({}, { fields: { ArgumentName: "x-amz-content-sha256", ArgumentValue: declared } });
}

export function isStreamingPayload(payloadHash: string): boolean {
  return payloadHash.startsWith("STREAMING-");
}

// ---------------------------------------------------------------------------------------------
// Chunked uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER])

export interface ChunkSigningContext {
  signingKey: Buffer;
  amzDate: string;
  scope: string;
}

export function chunkSigningContext(
  parsed: Pick<ParsedAuthorization, "date" | "region" | "service" | "amzDate">,
  secretAccessKey: string,
): ChunkSigningContext {
  return {
    signingKey: signingKey(secretAccessKey, parsed.date, parsed.region, parsed.service),
    amzDate: parsed.amzDate,
    scope: credentialScope(parsed),
  };
}

export function chunkStringToSign(context: ChunkSigningContext, previousSignature: string, chunkSha256: string): string {
  return `AWS4-HMAC-SHA256-PAYLOAD\n${context.amzDate}\n${context.scope}\n${previousSignature}\n${EMPTY_SHA256}\n${chunkSha256}`;
}

/**
 * Signature of one chunk of a streaming upload. The first chunk chains from the seed signature
 * (the request's own); each following chunk from the chunk before it; the final chunk is empty.
 */
export function computeChunkSignature(
  context: ChunkSigningContext,
  previousSignature: string,
  chunkSha256: string,
): string {
  return createHmac("sha256", context.signingKey)
    .update(chunkStringToSign(context, previousSignature, chunkSha256))
    .digest("hex");
}

/** Signature of the trailing headers (`name:value\n` lines, hashed), chained from the final chunk's. */
export function computeTrailerSignature(
  context: ChunkSigningContext,
  previousSignature: string,
  trailerSha256: string,
): string {
  return createHmac("sha256", context.signingKey)
    .update(`AWS4-HMAC-SHA256-TRAILER\n${context.amzDate}\n${context.scope}\n${previousSignature}\n${trailerSha256}`)
    .digest("hex");
}

export function chunkSignaturesEqual(provided: string, computed: string): boolean {
  return signaturesEqual(provided, computed);
}
