/**
 * S3's legacy signature, version 2 (HMAC-SHA1 over method, content headers, date, x-amz-*
 * headers and the resource), which S3 clients still send: boto3's `generate_presigned_url` makes
 * SigV2 URLs by default (`?AWSAccessKeyId=…&Signature=…&Expires=…`), and older SDKs sign requests
 * with `Authorization: AWS <key>:<signature>`. Specified in S3's "Signing and authenticating
 * REST requests".
 *
 * A presigned URL's expiry is checked always, as SigV4's is (sigv4.ts presignedUrlExpired); the
 * time and the signature only with `--enforce-signatures` (enforcement.ts).
 */
import { createHmac } from "node:crypto";
import type { AwsError } from "../core/errors.js";
import { sigv4Errors } from "./sigv4-errors.js";
import { amzDateToMs, isoSeconds, MAX_CLOCK_SKEW_MS, signaturesEqual, spacedHex } from "./sigv4.js";

export interface SigV2Authorization {
  readonly accessKeyId: string;
  /** Base64 of the HMAC-SHA1; empty when a presigned URL left it out. */
  readonly signature: string;
  /** Presigned: the `Expires` parameter as sent (epoch seconds), in place of the Date header. */
  readonly expires?: string;
  readonly presigned: boolean;
}

export interface SigV2Request {
  readonly method: string;
  /** The path as sent, with a virtual-hosted bucket put in front (`/bucket/key`), without the query. */
  readonly resourcePath: string;
  /**
   * A second resource S3 takes the signature over: a path-style request to a bucket alone
   * (`/bucket`) may sign it as sent or as `/bucket/` (see verifySigV2).
   */
  readonly alternativeResourcePath?: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** The sub-resources and response overrides that the signed resource carries, as clients sign them. */
const SIGNED_SUBRESOURCES: ReadonlySet<string> = new Set([
  "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory", "lifecycle", "location", "logging", "metrics",
  "notification", "object-lock", "partNumber", "policy", "replication", "requestPayment", "restore", "select", "select-type",
  "storageClass", "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
  "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
  "response-content-type", "response-expires",
]);

/** The SigV2 authorization of a request: an `AWS key:signature` header, or a presigned URL's parameters. */
export function parseSigV2(headers: Readonly<Record<string, string | undefined>>, query: URLSearchParams): SigV2Authorization | undefined {
  const header = headers["authorization"];
  if (header?.startsWith("AWS ")) {
    const credential = header.slice(4);
    const colon = credential.lastIndexOf(":");
    return colon === -1 ? { accessKeyId: credential, signature: "", presigned: false } : { accessKeyId: credential.slice(0, colon), signature: credential.slice(colon + 1), presigned: false };
  }
  const accessKeyId = query.get("AWSAccessKeyId");
  if (accessKeyId === null) return undefined;
  const expires = query.get("Expires");
  return { accessKeyId, signature: query.get("Signature") ?? "", presigned: true, ...(expires === null ? {} : { expires }) };
}

/** S3's refusal of a presigned URL past its Expires; nothing for a URL that has none or a header signature. */
export function presignedV2Expired(auth: SigV2Authorization, now: number): AwsError | undefined {
  if (!auth.presigned || auth.expires === undefined || !/^\d+$/.test(auth.expires)) return undefined;
  const expiresAt = Number(auth.expires) * 1000;
  const serverTime = Math.floor(now / 1000) * 1000;
  if (serverTime <= expiresAt) return undefined;
  return sigv4Errors.S3RequestExpired({}, { fields: { Expires: isoSeconds(expiresAt), ServerTime: isoSeconds(serverTime) } });
}

/** The session token a SigV2 request carries: the header, or the parameter of a presigned URL. */
export function sigV2SessionToken(request: SigV2Request): string | undefined {
  return request.headers["x-amz-security-token"] ?? request.query.get("x-amz-security-token") ?? undefined;
}

/**
 * The string a SigV2 request signs: method, Content-MD5, Content-Type, Date (empty when an
 * x-amz-date header stands in for it; the Expires time of a presigned URL), the x-amz-* headers
 * (a presigned URL carries them as parameters) and the resource with its sub-resources.
 */
export function sigV2StringToSign(request: SigV2Request, auth: SigV2Authorization): string {
  const { headers, query } = request;
  const fromUrl = (name: string): string | undefined => (auth.presigned ? (query.get(name) ?? undefined) : undefined);
  const date = auth.presigned ? (auth.expires ?? "") : headers["x-amz-date"] !== undefined ? "" : (headers["date"] ?? "");
  const amz = new Map<string, string>();
  if (auth.presigned) for (const [name, value] of query) if (name.toLowerCase().startsWith("x-amz-")) amz.set(name.toLowerCase(), value.trim());
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && name.startsWith("x-amz-")) amz.set(name, value.trim());
  const amzLines = [...amz].sort(byName).map(([name, value]) => `${name}:${value}\n`);
  const subresources = [...query]
    .filter(([name]) => SIGNED_SUBRESOURCES.has(name))
    .sort(byName)
    .map(([name, value]) => (value === "" ? name : `${name}=${value}`));
  const resource = subresources.length > 0 ? `${request.resourcePath}?${subresources.join("&")}` : request.resourcePath;
  const contentMd5 = headers["content-md5"] ?? fromUrl("content-md5") ?? "";
  const contentType = headers["content-type"] ?? fromUrl("content-type") ?? "";
  return `${request.method}\n${contentMd5.trim()}\n${contentType.trim()}\n${date.trim()}\n${amzLines.join("")}${resource}`;
}

/** Name-value pairs in byte order of their (ASCII) names. */
function byName([a]: readonly [string, string], [b]: readonly [string, string]): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sigV2Signature(secretAccessKey: string, stringToSign: string): string {
  return createHmac("sha1", secretAccessKey).update(stringToSign, "utf8").digest("base64");
}

/**
 * Checks a SigV2 request as S3 does: a presigned URL needs its three parameters; a signed
 * header needs a Date or x-amz-date within 15 minutes of `now`; then the signature under
 * `secretAccessKey`. Throws S3's error.
 */
export function verifySigV2(request: SigV2Request, auth: SigV2Authorization, secretAccessKey: string, now: number): void {
  if (auth.presigned) {
    if (auth.signature === "" || auth.expires === undefined) throw sigv4Errors.S3QueryAuthIncomplete();
  } else {
    const sent = request.headers["x-amz-date"] ?? request.headers["date"];
    const signedAt = sent === undefined ? undefined : (amzDateToMs(sent) ?? Date.parse(sent));
    // A date before the epoch is no valid date to S3, one after 9999 merely too far off
    // (ceph/s3-tests test_object_create_bad_date_before_epoch_aws2 and _after_end_aws2).
    if (sent === undefined || signedAt === undefined || Number.isNaN(signedAt) || signedAt < 0) throw sigv4Errors.S3MissingDate();
    const serverTime = Math.floor(now / 1000) * 1000;
    if (Math.abs(serverTime - signedAt) > MAX_CLOCK_SKEW_MS) {
      throw sigv4Errors.S3RequestTimeTooSkewed({}, { fields: { RequestTime: sent, ServerTime: isoSeconds(serverTime), MaxAllowedSkewMilliseconds: String(MAX_CLOCK_SKEW_MS) } });
    }
  }
  const stringToSign = sigV2StringToSign(request, auth);
  if (signaturesEqual(auth.signature, sigV2Signature(secretAccessKey, stringToSign))) return;
  // S3 took minio-go's `GET /bucket?acl` signed over `/bucket` (a wire trace against AWS in
  // minio/mc#1579: "there is no hard requirement on should a bucket have a '/' or not"), as it
  // takes botocore's `/bucket/`. rclone's SigV2 signs the path as sent too.
  if (request.alternativeResourcePath !== undefined) {
    const alternative = sigV2StringToSign({ method: request.method, resourcePath: request.alternativeResourcePath, query: request.query, headers: request.headers }, auth);
    if (signaturesEqual(auth.signature, sigV2Signature(secretAccessKey, alternative))) return;
  }
  throw sigv4Errors.S3SignatureDoesNotMatch({}, {
    fields: { AWSAccessKeyId: auth.accessKeyId, StringToSign: stringToSign, SignatureProvided: auth.signature, StringToSignBytes: spacedHex(stringToSign) },
  });
}
