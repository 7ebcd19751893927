/**
 * The errors AWS answers when a SigV4 signature is malformed, expired or wrong.
 *
 * AWS words these differently per family of endpoint, and clients match on the code:
 * - S3 (rest-xml) has its own codes and sentences (`AuthorizationHeaderMalformed`,
 *   `AuthorizationQueryParametersError`, `AccessDenied` "Request has expired"...).
 * - Query-protocol services (STS, IAM, SNS, EC2...) answer `IncompleteSignature` /
 *   `SignatureDoesNotMatch`.
 * - JSON and rest-json services (DynamoDB, Kinesis, Lambda...) answer the same sentences under
 *   `IncompleteSignatureException` / `InvalidSignatureException`.
 * The sentences themselves are shared by the last two and are quoted from real AWS answers.
 */
import { AwsError, defineErrors } from "../core/errors.js";

export type SignatureErrorStyle = "s3" | "query" | "json" | "query-json";
/** The styles of services other than S3. */
export type ServiceSignatureErrorStyle = Exclude<SignatureErrorStyle, "s3">;

/** Signing names of services that speak the query (or ec2) protocol; every other non-S3 service speaks JSON. */
const QUERY_PROTOCOL_SIGNING_NAMES: ReadonlySet<string> = new Set([
  "autoscaling",
  "cloudformation",
  "cloudsearch",
  "ec2",
  "elasticache",
  "elasticbeanstalk",
  "elasticloadbalancing",
  "email",
  "iam",
  "monitoring",
  "rds",
  "redshift",
  "sdb",
  "ses",
  "sns",
  "sts",
]);

/**
 * Signing names of JSON services that still answer a wrong signature as their query API did
 * (awsQueryCompatible): SQS refuses it with 403, spelling out the canonical request and string
 * to sign, under the JSON code InvalidSignatureException (SignatureDoesNotMatch in
 * x-amzn-query-error). Recorded from SQS over JSON in async-aws/aws#1948 ("HTTP 403 returned",
 * InvalidSignatureException, "The Canonical String for this request should have been ...
 * x-amz-target:AmazonSQS.ReceiveMessage"), and over query as 403 Forbidden SignatureDoesNotMatch
 * (erlcloud/erlcloud#113, aristidb/aws#126, brendanhay/amazonka#10, aws/aws-sdk-php#1612).
 */
const QUERY_COMPATIBLE_SIGNING_NAMES: ReadonlySet<string> = new Set(["sqs"]);

/** S3 and its variants canonicalize paths without normalizing or double-encoding them. */
export function isS3Service(service: string): boolean {
  return service === "s3" || service === "s3-object-lambda" || service === "s3-outposts";
}

export function signatureErrorStyle(service: string | undefined): SignatureErrorStyle {
  if (service === undefined) return "json";
  if (isS3Service(service)) return "s3";
  if (QUERY_PROTOCOL_SIGNING_NAMES.has(service)) return "query";
  return QUERY_COMPATIBLE_SIGNING_NAMES.has(service) ? "query-json" : "json";
}

export const SIGNATURE_MISMATCH_MESSAGE =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

export const S3_SIGNATURE_MISMATCH_MESSAGE =
  "The request signature we calculated does not match the signature you provided. Check your key and signing method.";

export const S3_CREDENTIAL_FORMAT = '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request"';

export const sigv4Errors = defineErrors({
  IncompleteSignature: { code: "IncompleteSignature", status: 400, message: "{detail}" },
  SignatureDoesNotMatch: { code: "SignatureDoesNotMatch", status: 403, message: "{detail}" },
  // JSON services; awsQueryCompatible ones (SQS) expose the query code to query clients.
  IncompleteSignatureException: {
    code: "IncompleteSignatureException",
    status: 400,
    message: "{detail}",
    queryCode: "IncompleteSignature",
  },
  InvalidSignatureException: {
    code: "InvalidSignatureException",
    status: 400,
    message: "{detail}",
    queryCode: "SignatureDoesNotMatch",
  },
  QueryCompatibleInvalidSignatureException: {
    code: "InvalidSignatureException",
    status: 403,
    message: "{detail}",
    queryCode: "SignatureDoesNotMatch",
  },
  S3AuthorizationHeaderMalformed: {
    code: "AuthorizationHeaderMalformed",
    status: 400,
    message: "The authorization header is malformed; {detail}",
  },
  S3AuthorizationQueryParametersError: {
    code: "AuthorizationQueryParametersError",
    status: 400,
    message: "{detail}",
  },
  S3SignatureDoesNotMatch: { code: "SignatureDoesNotMatch", status: 403, message: S3_SIGNATURE_MISMATCH_MESSAGE },
  S3RequestExpired: { code: "AccessDenied", status: 403, message: "Request has expired" },
  S3RequestNotYetValid: { code: "AccessDenied", status: 403, message: "Request is not yet valid" },
  // Quoted from S3's answers to presigned URLs and header-signed requests sent with extra x-amz-*
  // headers (aws/aws-sdk-js#896, soto-project/soto#374, apache/arrow-rs#6716), which name them in
  // a HeadersNotSigned element.
  S3HeadersNotSigned: { code: "AccessDenied", status: 403, message: "There were headers present in the request which were not signed" },
  S3MissingDate: {
    code: "AccessDenied",
    status: 403,
    message: "AWS authentication requires a valid Date or x-amz-date header",
  },
  S3RequestTimeTooSkewed: {
    code: "RequestTimeTooSkewed",
    status: 403,
    message: "The difference between the request time and the current time is too large.",
  },
  S3UnsupportedAuthorizationType: {
    code: "InvalidArgument",
    status: 400,
    message: "Unsupported Authorization Type",
  },
  S3QueryAuthIncomplete: {
    code: "AccessDenied",
    status: 403,
    message: "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters",
  },
  S3MultipleAuthMechanisms: {
    code: "InvalidArgument",
    status: 400,
    message:
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
  },
  S3ContentSha256Mismatch: {
    code: "XAmzContentSHA256Mismatch",
    status: 400,
    message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
  },
  S3InvalidToken: { code: "InvalidToken", status: 400, message: "The provided token is malformed or otherwise invalid." },
  // A session token that is missing, wrong or was never issued (STS answers these words).
  InvalidClientTokenId: { code: "InvalidClientTokenId", status: 403, message: "The security token included in the request is invalid." },
  UnrecognizedClientException: {
    code: "UnrecognizedClientException",
    status: 400,
    message: "The security token included in the request is invalid.",
    queryCode: "InvalidClientTokenId",
  },
  // An unsigned request to an operation that needs credentials (AWS's common errors).
  MissingAuthenticationToken: {
    code: "MissingAuthenticationToken",
    status: 403,
    message: "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.",
  },
  MissingAuthenticationTokenException: {
    code: "MissingAuthenticationTokenException",
    status: 403,
    message: "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.",
    queryCode: "MissingAuthenticationToken",
  },
  S3MissingContentSha256: {
    code: "InvalidRequest",
    status: 400,
    message: "Missing required header for this request: x-amz-content-sha256",
  },
  S3InvalidContentSha256: {
    code: "InvalidArgument",
    status: 400,
    message:
      "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.",
  },
});

/**
 * Thrown by `parseAuthorization` for a request that carries a SigV4 signature AWS would reject as
 * malformed. `style` is the family it is worded for, which tells whose answer it is when the
 * signature could not be read and routing never ran: S3's, or the query service its Action names.
 */
export class SigV4ParseError extends AwsError {
  constructor(
    readonly style: SignatureErrorStyle,
    error: AwsError,
  ) {
    super(error.code, error.message, error.status, {
      fields: error.fields,
      headers: error.headers,
      type: error.type,
      queryCode: error.queryCode,
    });
  }
}

/** `IncompleteSignature` family: the request is missing or garbles a part of the signature. */
export function incompleteSignature(style: ServiceSignatureErrorStyle, detail: string): SigV4ParseError {
  const factory = style === "query" ? sigv4Errors.IncompleteSignature : sigv4Errors.IncompleteSignatureException;
  return new SigV4ParseError(style, factory({ detail }));
}

/** `SignatureDoesNotMatch` family for non-S3 services (scope, time or signature rejected). */
export function signatureMismatch(style: ServiceSignatureErrorStyle, detail: string): AwsError {
  if (style === "query") return sigv4Errors.SignatureDoesNotMatch({ detail });
  if (style === "query-json") return sigv4Errors.QueryCompatibleInvalidSignatureException({ detail });
  return sigv4Errors.InvalidSignatureException({ detail });
}

export function signatureMismatchParseError(style: ServiceSignatureErrorStyle, detail: string): SigV4ParseError {
  return new SigV4ParseError(style, signatureMismatch(style, detail));
}

export function s3ParseError(
  name: keyof typeof sigv4Errors.specs,
  detail?: string,
  fields?: Record<string, unknown>,
): SigV4ParseError {
  const factory = sigv4Errors[name];
  return new SigV4ParseError("s3", factory(detail === undefined ? {} : { detail }, fields ? { fields } : {}));
}

/**
 * A session token the request carries (`token`) that does not belong to its access key, or none
 * where one is needed. S3's answer names the token it refused as Token-0, as its answers recorded
 * in public code show ("<Message>The provided token is malformed or otherwise invalid.</Message>
 * <Token-0>...</Token-0><RequestId>", a client library's error-parsing fixture and a delta-rs log).
 */
export function invalidSessionToken(style: SignatureErrorStyle, token?: string): AwsError {
  if (style === "s3") return sigv4Errors.S3InvalidToken({}, token !== undefined ? { fields: { "Token-0": token } } : {});
  return style === "query" ? sigv4Errors.InvalidClientTokenId() : sigv4Errors.UnrecognizedClientException();
}

/** An unsigned request where AWS requires a signature. */
export function missingAuthenticationToken(style: ServiceSignatureErrorStyle): AwsError {
  return style === "query" ? sigv4Errors.MissingAuthenticationToken() : sigv4Errors.MissingAuthenticationTokenException();
}
