import { defineErrors } from "../../core/errors.js";

// DynamoDB Streams errors (JSON 1.0), as the service sends them.
export const errors = defineErrors({
  Validation: { code: "ValidationException", status: 400, message: "{message}" },
  // The sentence of auth/access.ts resourcePolicyRefusal, as DynamoDB sends it.
  AccessDenied: { code: "AccessDeniedException", status: 400, message: "{message}" },
  StreamNotFound: { code: "ResourceNotFoundException", status: 400, message: "Requested resource not found: Stream: {arn} not found" },
  // As DynamoDB Streams answers GetShardIterator for a shard it does not have (the API reference gives no text).
  ShardNotFound: { code: "ResourceNotFoundException", status: 400, message: "Requested resource not found: Shard does not exist" },
  ExpiredIterator: { code: "ExpiredIteratorException", status: 400, message: "Shard iterator has expired" },
  // The API reference's message for it (GetRecords, GetShardIterator: Errors).
  TrimmedDataAccess: { code: "TrimmedDataAccessException", status: 400, message: "The data you are trying to access has been trimmed." },
});
