import { defineErrors } from "../../core/errors.js";

// Messages as CloudWatch Logs sends them. Logs reports model constraint violations (length,
// pattern, range, enum) as InvalidParameterException with Coral's "N validation error(s)
// detected: ..." wording, not as ValidationException.
export const errors = defineErrors({
  GroupAlreadyExists: { code: "ResourceAlreadyExistsException", status: 400, message: "The specified log group already exists" },
  StreamAlreadyExists: { code: "ResourceAlreadyExistsException", status: 400, message: "The specified log stream already exists" },
  GroupNotFound: { code: "ResourceNotFoundException", status: 400, message: "The specified log group does not exist." },
  StreamNotFound: { code: "ResourceNotFoundException", status: 400, message: "The specified log stream does not exist." },
  InvalidParameter: { code: "InvalidParameterException", status: 400, message: "{message}" },
  EventTooLarge: { code: "InvalidParameterException", status: 400, message: "Log event too large: {size} bytes exceeds limit of {limit}" },
  UploadTooLarge: { code: "InvalidParameterException", status: 400, message: "Upload too large: {size} bytes exceeds limit of {limit}" },
  GroupNameAndArn: {
    code: "InvalidParameterException",
    status: 400,
    message: "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
  },
  GroupNameOrArnMissing: {
    code: "InvalidParameterException",
    status: 400,
    message: "Either LogGroup name or LogGroup ARN must be provided.",
  },
  PrefixAndPattern: {
    code: "InvalidParameterException",
    status: 400,
    message: "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
  },
  OrderByLastEventTimeWithPrefix: {
    code: "InvalidParameterException",
    status: 400,
    message: "Cannot order by LastEventTime with a logStreamNamePrefix.",
  },
  StreamNamesAndPrefix: {
    code: "InvalidParameterException",
    status: 400,
    message: "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.",
  },
  InvalidFilterPattern: { code: "InvalidParameterException", status: 400, message: "Invalid filter pattern" },
  MetricFilterNotFound: { code: "ResourceNotFoundException", status: 400, message: "The specified metric filter does not exist." },
  LimitExceeded: { code: "LimitExceededException", status: 400, message: "Resource limit exceeded." },
  InvalidNextToken: { code: "InvalidParameterException", status: 400, message: "The specified nextToken is invalid." },
  // The service's own failure (here: the disk is full, descriptors ran out): a 500 the SDKs retry.
  ServiceUnavailable: { code: "ServiceUnavailableException", status: 500, message: "The service cannot complete the request." },
});
