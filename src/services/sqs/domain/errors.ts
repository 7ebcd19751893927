/**
 * The SQS errors the domain modules raise, as data.
 *
 * SQS is awsQueryCompatible: JSON clients see the model's shape name in `__type` (`code` here)
 * while query clients (and the `x-amzn-query-error` header) see the legacy code (`queryCode`).
 * Both codes and the HTTP statuses come from the `@aws-sdk/client-sqs` model; the messages are
 * the ones AWS sends, as recorded against real SQS (LocalStack's validated snapshots, AWS docs
 * and SDK issue threads). Where no recording was found the comment says so.
 */
import { defineErrors } from "../../../core/errors.js";

export const sqsErrors = defineErrors({
  /** Numeric attribute outside its range, or not an integer: `Invalid value for the parameter DelaySeconds.` */
  InvalidAttributeValue: {
    code: "InvalidAttributeValue",
    queryCode: "InvalidAttributeValue",
    status: 400,
    message: "Invalid value for the parameter {name}.",
  },
  /** Same code, with a reason (RedrivePolicy not a JSON map, FIFO type change...). */
  InvalidAttributeValueReason: {
    code: "InvalidAttributeValue",
    queryCode: "InvalidAttributeValue",
    status: 400,
    message: "Invalid value for the parameter {name}. Reason: {reason}",
  },
  /**
   * A Policy over SQS's quotas (20 statements, 7 actions in a statement) is refused with 403
   * OverLimit and a bare sentence, as AWS answered: "OverLimit: 21 statements were found in the
   * submitted policy, max allowed is 20 ... status code: 403" (dapr/components-contrib#1780) and
   * "OverLimit: 10 actions were found in a statement from the submitted policy, max allowed is 7"
   * (ministryofjustice/cloud-platform-environments#9082).
   */
  PolicyTooManyStatements: {
    code: "OverLimit",
    queryCode: "OverLimit",
    status: 403,
    message: "{count} statements were found in the submitted policy, max allowed is {max}",
  },
  PolicyTooManyActions: {
    code: "OverLimit",
    queryCode: "OverLimit",
    status: 403,
    message: "{count} actions were found in a statement from the submitted policy, max allowed is {max}",
  },
  InvalidAttributeName: {
    code: "InvalidAttributeName",
    queryCode: "InvalidAttributeName",
    status: 400,
    message: "Unknown Attribute {name}.",
  },
  /**
   * CreateQueue of a standard queue given DeduplicationScope or FifoThroughputLimit (LocalStack's
   * AWS-validated test_create_standard_queue_with_fifo_attribute_raises_error). FifoQueue and
   * ContentBasedDeduplication get the plain "Unknown Attribute" instead.
   */
  FifoOnlyAttribute: {
    code: "InvalidAttributeName",
    queryCode: "InvalidAttributeName",
    status: 400,
    message: "You can specify the {name} only when FifoQueue is set to true.",
  },
  /** SSE-KMS and SSE-SQS requested together; AWS answers with InvalidAttributeName. */
  SseConflict: {
    code: "InvalidAttributeName",
    queryCode: "InvalidAttributeName",
    status: 400,
    message: "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.",
  },
  QueueAlreadyExists: {
    code: "QueueNameExists",
    queryCode: "QueueAlreadyExists",
    status: 400,
    message: "A queue already exists with the same name and a different value for attribute {name}",
  },
  /** Free-text InvalidParameterValue; the message is the whole AWS sentence. */
  InvalidParameterValue: {
    code: "InvalidParameterValueException",
    queryCode: "InvalidParameterValue",
    status: 400,
    message: "{message}",
  },
  /** `Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.` */
  InvalidParameterValueFor: {
    code: "InvalidParameterValueException",
    queryCode: "InvalidParameterValue",
    status: 400,
    message: "Value {value} for parameter {name} is invalid. Reason: {reason}",
  },
  MissingParameter: {
    code: "MissingRequiredParameterException",
    queryCode: "MissingParameter",
    status: 400,
    message: "The request must contain the parameter {name}.",
  },
  InvalidMessageContents: {
    code: "InvalidMessageContents",
    queryCode: "InvalidMessageContents",
    status: 400,
    message:
      "Invalid binary character '{character}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].",
  },
  ReceiptHandleIsInvalid: {
    code: "ReceiptHandleIsInvalid",
    queryCode: "ReceiptHandleIsInvalid",
    status: 404,
    message: 'The input receipt handle "{handle}" is not a valid receipt handle.',
  },
  /** FIFO only: a handle whose visibility window has closed cannot delete or change visibility. */
  ReceiptHandleExpired: {
    code: "InvalidParameterValueException",
    queryCode: "InvalidParameterValue",
    status: 400,
    message: "Value {handle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.",
  },
  /**
   * A SendMessageBatch entry with an empty body fails alone (SendMessage answers MissingParameter).
   * Recorded from AWS: "record failed with code: EmptyValue, message: No Value Found for
   * SendMessageBatchRequestEntry.1.MessageBody." (redpanda-data/connect#1070, 2022); the code and
   * SenderFault true again in 2025 (ballerina-platform module-ballerinax-aws.sqs tests,
   * testSendMessageBatchPartialFailure). No model shape: it only ever appears in `Failed`.
   */
  EmptyValue: {
    code: "EmptyValue",
    queryCode: "EmptyValue",
    status: 400,
    message: "No Value Found for {name}.",
  },
  EmptyBatchRequest: {
    code: "EmptyBatchRequest",
    queryCode: "AWS.SimpleQueueService.EmptyBatchRequest",
    status: 400,
    message: "There should be at least one {entryType} in the request.",
  },
  TooManyEntriesInBatchRequest: {
    code: "TooManyEntriesInBatchRequest",
    queryCode: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    status: 400,
    message: "Maximum number of entries per request are 10. You have sent {count}.",
  },
  BatchEntryIdsNotDistinct: {
    code: "BatchEntryIdsNotDistinct",
    queryCode: "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
    status: 400,
    message: "Id {id} repeated.",
  },
  InvalidBatchEntryId: {
    code: "InvalidBatchEntryId",
    queryCode: "AWS.SimpleQueueService.InvalidBatchEntryId",
    status: 400,
    message: "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
  },
  BatchRequestTooLong: {
    code: "BatchRequestTooLong",
    queryCode: "AWS.SimpleQueueService.BatchRequestTooLong",
    status: 400,
    message: "Batch requests cannot be longer than {limit} bytes. You have sent {size} bytes.",
  },
});
