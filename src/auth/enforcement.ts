/**
 * Signature enforcement, on with `nimbus start --enforce-signatures`.
 *
 * Off (the default), Nimbus reads a request's credential scope for routing and for the account,
 * and checks only what applications rely on even locally: an S3 presigned URL's expiry and the
 * expiry of session credentials. On, every signed request is checked as AWS checks it:
 * - **the secret:** an access key Nimbus issued (STS) is checked with its own secret, and its
 *   session token must come with it; any other key acts as its account's root user (the account
 *   convention of identity.ts) and must be signed with the root secret (`--root-secret-access-key`,
 *   default `test`, the secret local AWS set-ups use);
 * - **the time:** 15 minutes of skew, or a presigned URL's X-Amz-Expires, against Nimbus's clock;
 * - **the signature** over the canonical request. The payload hash is the body's SHA-256 for every
 *   service but S3; S3 takes x-amz-content-sha256 as signed and checks the body against it (here
 *   when the body is buffered, in S3's ingest when it streams, chunk by chunk for signed
 *   aws-chunked bodies);
 * - **unsigned requests** are refused (MissingAuthenticationToken), except by S3, whose anonymous
 *   requests bucket policies and ACLs decide (with `--enforce-policies`, s3/authorization.ts), and
 *   for the operations AWS serves unsigned (STS AssumeRoleWithWebIdentity, SNS ConfirmSubscription
 *   and Unsubscribe), which a service declares.
 *
 * Legacy SigV2 requests, which S3 clients still send (boto3's presigned URLs), are checked the
 * same way by sigv2.ts, with the same secrets.
 */
import type { Identities } from "./credentials.js";
import { invalidSessionToken, sigv4Errors, type SignatureErrorStyle } from "./sigv4-errors.js";
import {
  chunkSigningContext,
  isS3Service,
  resolvePayloadHash,
  signatureErrorStyle,
  verifySignature,
  type ChunkSigningContext,
  type ParsedAuthorization,
  type RequestHeaders,
  type RequestQuery,
} from "./sigv4.js";

export interface AuthConfig {
  readonly enforceSignatures: boolean;
  /** Resource policies decide who may act (`--enforce-policies`): S3 bucket policies and ACLs, DynamoDB table, SQS queue, SNS topic and Lambda function policies (auth/access.ts). */
  readonly enforcePolicies: boolean;
  /** The secret of every access key Nimbus did not issue (each acts as its account's root user). */
  readonly rootSecretAccessKey: string;
}

export const DEFAULT_ROOT_SECRET_ACCESS_KEY = "test";

/** What a verified request signed, for checks made while its body streams (S3 uploads). */
export interface VerifiedSignature {
  /** A hex SHA-256, UNSIGNED-PAYLOAD or a STREAMING-* marker: what the client declared it signed. */
  readonly payloadHash: string;
  /** S3: the body's hex SHA-256 that x-amz-content-sha256 declared, which the body must match. */
  readonly bodySha256?: string;
  /** The request's own signature: the seed of a streamed body's chunk signature chain. */
  readonly seedSignature: string;
  readonly chunkSigning: ChunkSigningContext;
}

export interface SignedRequest {
  readonly method: string;
  /** Path as sent on the wire (percent-encoded), without the query string. */
  readonly rawPath: string;
  readonly query: RequestQuery;
  readonly headers: RequestHeaders;
  /** The request's host (HTTP/2 carries it as :authority, not as a Host header). */
  readonly host: string;
}

/**
 * The secret the request must be signed with. Throws AWS's token error when the request's
 * session token does not belong to its key: missing for session credentials, or sent with keys
 * that have none.
 */
export function signingSecret(identities: Identities, auth: AuthConfig, accessKeyId: string, sessionToken: string | undefined, style: SignatureErrorStyle): string {
  const issued = identities.issued(accessKeyId);
  if (issued?.sessionToken !== sessionToken) throw invalidSessionToken(style, sessionToken);
  return issued?.secretAccessKey ?? auth.rootSecretAccessKey;
}

/**
 * Checks a signed request's time and signature. `bodySha256` gives the hex SHA-256 of the
 * body for services that sign it (all but S3); S3's payload hash comes from its header.
 */
export function verifyRequest(
  request: SignedRequest,
  parsed: ParsedAuthorization,
  options: { identities: Identities; auth: AuthConfig; now: number; bodySha256: () => string },
): VerifiedSignature {
  const style = signatureErrorStyle(parsed.service);
  const secret = signingSecret(options.identities, options.auth, parsed.accessKeyId, parsed.securityToken, style);
  const payloadHash = resolvePayloadHash(parsed, request.headers, request.query, options.bodySha256);
  // HTTP/2 carries the host as :authority, which the v3 SDK signs under that name.
  const headers = request.headers["host"] === undefined ? { ...{}, ...request.headers, host: request.host, ":authority": request.host } : request.headers;
  const result = verifySignature({ method: request.method, path: request.rawPath, query: request.query, headers, payloadHash }, secret, parsed, options.now);
  if (!result.ok) throw result.error;
  return {
    payloadHash,
    // Only a hex x-amz-content-sha256 names a digest (not UNSIGNED-PAYLOAD or STREAMING-*).
    ...(isS3Service(parsed.service) && HEX_SHA256.test(payloadHash) ? { bodySha256: payloadHash } : {}),
    seedSignature: parsed.signature,
    chunkSigning: chunkSigningContext(parsed, secret),
  };
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** S3's XAmzContentSHA256Mismatch, with both digests as S3 lists them. */
export function contentSha256Mismatch(declared: string, computed: string): ReturnType<typeof sigv4Errors.S3ContentSha256Mismatch> {
  return sigv4Errors.S3ContentSha256Mismatch({}, { fields: { ClientComputedContentSHA256: declared, S3ComputedContentSHA256: computed } });
}
