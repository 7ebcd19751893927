/**
 * The S3 errors the domain modules throw, as data. Messages are the ones S3 really sends on
 * the wire, which often differ from the prose of the "List of error codes" page (that page
 * says "The Content-MD5 or checksum value that you specified did not match what the server
 * received."; the wire says "The Content-MD5 you specified did not match what we received.").
 * Where S3 adds members to the <Error> document (BucketName, Condition, ActualObjectSize...),
 * the factories below take them as `fields`.
 */
import { AwsError, defineErrors } from "../../../core/errors.js";
import { S3_SIGNATURE_MISMATCH_MESSAGE } from "../../../auth/sigv4-errors.js";

export const s3DomainErrors = defineErrors({
  BadDigest: {
    code: "BadDigest",
    status: 400,
    message: "The Content-MD5 you specified did not match what we received.",
  },
  // `{algorithm}` is upper case for PutObject/UploadPart ("The CRC32 you specified...") and
  // lower case on CompleteMultipartUpload, as S3 answers them.
  ChecksumMismatch: {
    code: "BadDigest",
    status: 400,
    message: "The {algorithm} you specified did not match the calculated checksum.",
  },
  // AWS's wire text (LocalStack's AWS-validated test_s3_invalid_content_md5 snapshot; versity/versitygw#1526).
  InvalidDigest: {
    code: "InvalidDigest",
    status: 400,
    message: "The Content-MD5 you specified was invalid.",
  },
  InvalidChecksumValue: {
    code: "InvalidRequest",
    status: 400,
    message: "Value for {header} header is invalid.",
  },
  InvalidTrailingChecksumValue: {
    code: "InvalidRequest",
    status: 400,
    message: "Value for {header} trailing header is invalid.",
  },
  // A request body S3 holds to an integrity check that carries neither Content-MD5 nor an
  // x-amz-checksum-* header (the operations are listed in services/s3/ingest.ts). Most answer in
  // the wording S3 took on with the x-amz-checksum-* headers; some keep the older one.
  MissingIntegrityHeader: {
    code: "InvalidRequest",
    status: 400,
    message: "Missing required header for this request: Content-MD5 OR x-amz-checksum-*",
  },
  MissingContentMd5: {
    code: "InvalidRequest",
    status: 400,
    message: "Missing required header for this request: Content-MD5",
  },
  MultipleChecksumHeaders: {
    code: "InvalidRequest",
    status: 400,
    message: "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
  },
  TrailerNotSupported: {
    code: "InvalidRequest",
    status: 400,
    message: "The value specified in the x-amz-trailer header is not supported",
  },
  SdkChecksumWithoutValue: {
    code: "InvalidRequest",
    status: 400,
    message:
      "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.",
  },
  ChecksumTypeMismatch: {
    code: "InvalidRequest",
    status: 400,
    message: "The {type} checksum type cannot be used with the {algorithm} checksum algorithm.",
  },
  ChecksumModeMismatch: {
    code: "InvalidRequest",
    status: 400,
    message: "The upload was created using the {type} checksum mode. The complete request must use the same checksum mode.",
  },
  // UploadPart whose checksum (or lack of one: "null") is not the algorithm its upload was
  // created with; S3's wording, as OpenStack Swift's s3api tests record it against AWS
  // (test/s3api/test_object_checksum.py, run with is_aws).
  PartChecksumTypeMismatch: {
    code: "InvalidRequest",
    status: 400,
    message: "Checksum Type mismatch occurred, expected checksum Type: {expected}, actual checksum Type: {actual}",
  },
  // x-amz-sdk-checksum-algorithm naming another algorithm than the x-amz-checksum-* header sent.
  InvalidSdkChecksumAlgorithm: {
    code: "InvalidRequest",
    status: 400,
    message: "Value for x-amz-sdk-checksum-algorithm header is invalid.",
  },
  // CompleteMultipartUpload of a COMPOSITE upload naming a part without its checksum.
  MissingPartChecksum: {
    code: "InvalidRequest",
    status: 400,
    message:
      "The upload was created using a {algorithm} checksum. The complete request must include the checksum for each part. It was missing for part {part} in the request.",
  },
  // CompleteMultipartUpload naming a part's checksum of another algorithm than the upload's.
  PartChecksumMismatch: {
    code: "BadDigest",
    status: 400,
    message: "The {algorithm} you specified for part {part} did not match what we received.",
  },
  InvalidChecksumType: {
    code: "InvalidRequest",
    status: 400,
    message: "Value for x-amz-checksum-type header is invalid.",
  },
  ChecksumTypeWithoutAlgorithm: {
    code: "InvalidRequest",
    status: 400,
    message: "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.",
  },
  ObjectSizeMismatch: {
    code: "InvalidRequest",
    status: 400,
    message: "The provided 'x-amz-mp-object-size' header value {given} does not match what was computed: {size}",
  },
  // x-amz-mp-object-size that is not a number: S3's answer quoted in versity/versitygw#1398; a
  // negative number has its own wording (versity/versitygw#1400, versitygw's s3err).
  ObjectSizeNotANumber: { code: "InvalidRequest", status: 400, message: "Value for x-amz-mp-object-size header is invalid: '{value}'" },
  ObjectSizeNegative: { code: "InvalidRequest", status: 400, message: "Value for x-amz-mp-object-size header is less than zero: '{given}'" },
  InvalidChecksumAlgorithm: {
    code: "InvalidRequest",
    status: 400,
    message:
      "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, MD5, SHA1, SHA256, SHA512]",
  },
  IncompleteBody: {
    code: "IncompleteBody",
    status: 400,
    message: "The request body terminated unexpectedly",
  },
  ContentLengthMismatch: {
    code: "IncompleteBody",
    status: 400,
    message: "You did not provide the number of bytes specified by the Content-Length HTTP header",
  },
  // x-amz-decoded-content-length that is not a number of bytes: S3's answer as versity/versitygw#1656
  // quotes it (the status is MissingContentLength's, 411 Length Required).
  MissingContentLength: {
    code: "MissingContentLength",
    status: 411,
    message: "You must provide the Content-Length HTTP header.",
  },
  InvalidChunkSize: {
    code: "InvalidChunkSizeError",
    status: 400,
    message: "Only the last chunk is allowed to have a size less than {minimum} bytes",
  },
  MalformedTrailer: {
    code: "MalformedTrailerError",
    status: 400,
    message:
      "The request contained trailing data that was not well-formed or did not conform to our published schema.",
  },
  SignatureDoesNotMatch: {
    code: "SignatureDoesNotMatch",
    status: 403,
    message: S3_SIGNATURE_MISMATCH_MESSAGE,
  },
  InvalidBucketName: {
    code: "InvalidBucketName",
    status: 400,
    message: "The specified bucket is not valid.",
  },
  InvalidRange: {
    code: "InvalidRange",
    status: 416,
    message: "The requested range is not satisfiable",
  },
  PreconditionFailed: {
    code: "PreconditionFailed",
    status: 412,
    message: "At least one of the pre-conditions you specified did not hold",
  },
  ConditionalRequestConflict: {
    code: "ConditionalRequestConflict",
    status: 409,
    message: "The conditional request cannot succeed due to a conflicting operation against this resource.",
  },
  NoSuchKey: {
    code: "NoSuchKey",
    status: 404,
    message: "The specified key does not exist.",
  },
  HeaderNotImplemented: {
    code: "NotImplemented",
    status: 501,
    message: "A header you provided implies functionality that is not implemented",
  },
  InvalidArgument: {
    code: "InvalidArgument",
    status: 400,
    message: "{message}",
  },
  InvalidRequest: {
    code: "InvalidRequest",
    status: 400,
    message: "{message}",
  },
  MalformedXML: {
    code: "MalformedXML",
    status: 400,
    message: "The XML you provided was not well-formed or did not validate against our published schema",
  },
  AccessForbidden: {
    code: "AccessForbidden",
    status: 403,
    message: "{message}",
  },
  BadRequest: {
    code: "BadRequest",
    status: 400,
    message: "{message}",
  },
});

/** S3's InvalidArgument carries the offending parameter as ArgumentName / ArgumentValue. */
export function invalidArgument(message: string, argumentName?: string, argumentValue?: unknown): AwsError {
  const fields: Record<string, unknown> = {};
  if (argumentName !== undefined) fields.ArgumentName = argumentName;
  if (argumentValue !== undefined) fields.ArgumentValue = argumentValue;
  return s3DomainErrors.InvalidArgument({ message }, { fields });
}

export function invalidRequest(message: string): AwsError {
  return s3DomainErrors.InvalidRequest({ message });
}
