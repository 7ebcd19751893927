/**
 * S3's own request conventions (core/service.ts RequestDialect): what sets it apart from the
 * services that came after it, kept here so the dispatcher asks the dialect, never the name.
 */
import { AwsError, commonErrors } from "../../core/errors.js";
import type { RequestDialect } from "../../core/service.js";
import { presignedV2Expired, sigV2SessionToken, verifySigV2 } from "../../auth/sigv2.js";
import { hoistedPresignHeaders, presignedUrlExpired } from "../../auth/sigv4.js";
import { hostId, s3RequestId } from "../../protocol/codec.js";
import { virtualHostBucket } from "../../protocol/routing.js";
import { errors, expiredToken, sendableHeaderName, sendableHeaderValue } from "./errors.js";
import { decodeS3Path } from "./objects.js";

export const s3Dialect: RequestDialect = {
  // 16 hexadecimal digits, with the extended id beside it; no x-amzn-RequestId.
  newRequestId: s3RequestId,
  requestIdHeaders(response, requestId) {
    response.headers["x-amz-request-id"] = requestId;
    response.headers["x-amz-id-2"] = hostId(requestId);
    // S3 names itself on its answers, errors too: "Server ... Default: AmazonS3" (the API
    // reference's Common Response Headers), and so do its raw answers pasted in issues (a 403
    // AccessDenied in ddollar/forego#6, a HEAD's 403 in DocSpring/libreconv#31, a 301
    // PermanentRedirect in smore-inc/tinys3#18, a 204 in versity/versitygw#1712).
    response.headers["server"] = "AmazonS3";
  },

  /** The request path with a virtual-hosted bucket put in front, as path-style addressing has it. */
  addressedPath(request, hostname) {
    const bucket = virtualHostBucket(request.host, hostname);
    return bucket ? `/${bucket}${request.rawPath === "/" ? "" : request.rawPath}` : request.rawPath;
  },

  // SigV4 and SigV2 presigned URLs alike: applications and their tests rely on links expiring.
  expiredPresignedUrl(scope, now) {
    if (scope.sigv4) return presignedUrlExpired(scope.sigv4, now);
    return scope.sigv2 ? presignedV2Expired(scope.sigv2, now) : undefined;
  },

  /**
   * A presigned URL's hoisted `x-amz-*` parameters count as headers, SigV2's as SigV4's: boto 2's
   * generate_url and botocore's HmacV1QueryAuth copy every signed `x-amz-*` header into the URL
   * ("headers used for sig generation must be included in the url also", boto/s3/connection.py),
   * and Ceph RGW stores the metadata of such URLs as S3 does (ceph/ceph#24683). Decoded from the
   * query, a name or a value can hold what no header could: a metadata name must be a header
   * name, its value is made mail-safe when answered (objects.ts metadataOutput), and any other
   * value must be one a header can carry.
   */
  asRead(request, scope) {
    if (scope?.sigv4?.presigned !== true && scope?.sigv2?.presigned !== true) return request;
    const hoisted = hoistedPresignHeaders(request.query, request.headers);
    if (hoisted === undefined) return request;
    for (const name in hoisted) {
      if (name.startsWith("x-amz-meta-")) sendableHeaderName(name);
      else sendableHeaderValue(hoisted[name] as string, name);
    }
    return { ...{}, ...request, headers: { ...{}, ...request.headers, ...hoisted } };
  },

  anonymousRequests: true,

  // S3's alone: other services' clients have not sent SigV2 for years.
  verifySigV2(request, path, sigv2, secretOf, now) {
    // A bucket's own resource ends in "/" (`/bucket/`), as the path of a virtual-hosted request to
    // it does; a path-style one may also be signed as sent (`/bucket`).
    const bucketOnly = path.indexOf("/", 1) === -1 && path !== "/";
    const signed = {
      method: request.method,
      resourcePath: bucketOnly ? `${path}/` : path,
      ...(bucketOnly && path === request.rawPath ? { alternativeResourcePath: path } : {}),
      query: request.query,
      headers: request.headers,
    };
    verifySigV2(signed, sigv2, secretOf(sigv2.accessKeyId, sigV2SessionToken(signed)), now);
  },

  // x-amz-content-sha256 is signed; the body is checked against it as it is stored (ingest.ts).
  payloadHashSigned: true,

  decodePathPart: decodeS3Path,

  /**
   * At a key, S3 names the method and the resource: `<Method>POST</Method><ResourceType>OBJECT
   * </ResourceType>` after the message (S3's answers to a POST at an object, pasted with their
   * request ids in a 2019 note on presigned POSTs to eu-west-1 and in a write-up of a static S3
   * site, "Server: AmazonS3"). What it names at a bucket or at the service is not on record.
   */
  unroutable(request, path) {
    const atKey = /^\/[^/]+\/./.test(path);
    return new AwsError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405, atKey ? { fields: { Method: request.method, ResourceType: "OBJECT" } } : {});
  },

  /**
   * `/bucket/%AE%8A-`: 400 InvalidURI "Couldn't parse the specified URI." naming the URI
   * (ceph/s3-tests test_object_read_unreadable, not marked fails_on_aws).
   */
  undecodablePath: (request) => commonErrors.InvalidURI({}, { fields: { URI: request.rawPath } }),

  expiredToken: (request) => expiredToken(request.headers["x-amz-security-token"] ?? request.query.get("X-Amz-Security-Token") ?? undefined),

  /**
   * A body that stops coming (fewer bytes than its Content-Length) is answered 400
   * RequestTimeout once the connection has been idle for S3's 20 s, and the connection closed
   * (AWS knowledge center s3-socket-connection-timeout-error; the answer and its cause as S3's
   * SDK maintainers describe it in aws/aws-sdk-js#281 and #4573). SDKs retry it.
   */
  stalledBody: () =>
    new AwsError("RequestTimeout", "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.", 400),

  /**
   * "The PUT request header is limited to 8 KB in size" (S3 user guide, object metadata), and
   * S3 holds every request to it: 400 RequestHeaderSectionTooLarge with MaxSizeAllowed 8192,
   * whatever the operation and whether or not the bucket exists (versity/versitygw#2180, a GET
   * with a 9,000-byte header). Its error table counts "the request header and query
   * parameters", so the request line counts too (a long URL through CloudFront to S3 got it,
   * safe-global's measurements). How S3 counts to the byte is not on record.
   */
  headerSectionRefused: (bytes) => (bytes > MAX_HEADER_SECTION_BYTES ? errors.RequestHeaderSectionTooLarge({}, { fields: { MaxSizeAllowed: MAX_HEADER_SECTION_BYTES } }) : undefined),
};

const MAX_HEADER_SECTION_BYTES = 8192;
