/**
 * SNS errors beyond the domain's InvalidParameter. SNS speaks the query protocol: clients see
 * the awsQueryError code (`NotFound`), the model's shape name is `code`.
 */
import { defineErrors } from "../../core/errors.js";
import { invalidParameter, snsErrors } from "./domain/errors.js";

export { invalidParameter, snsErrors };

export const errors = defineErrors({
  /**
   * SNS's answer to a request that fails for a reason of its own (Nimbus's: its database full or
   * read-only), retried by the SDKs as a 500. The model's InternalErrorException (awsQueryError
   * InternalError); its documentation's sentence, the wire message not being on record.
   */
  InternalError: { code: "InternalErrorException", queryCode: "InternalError", status: 500, message: "Indicates an internal service error." },
  TopicNotFound: { code: "NotFoundException", queryCode: "NotFound", status: 404, message: "Topic does not exist" },
  SubscriptionNotFound: { code: "NotFoundException", queryCode: "NotFound", status: 404, message: "Subscription does not exist" },
  PlatformApplicationNotFound: { code: "NotFoundException", queryCode: "NotFound", status: 404, message: "PlatformApplication does not exist" },
  EndpointNotFound: { code: "NotFoundException", queryCode: "NotFound", status: 404, message: "Endpoint does not exist" },
  EndpointDisabled: { code: "EndpointDisabledException", queryCode: "EndpointDisabled", status: 400, message: "Endpoint is disabled" },
  ResourceNotFound: { code: "ResourceNotFoundException", queryCode: "ResourceNotFound", status: 404, message: "Resource does not exist" },
  EmptyBatchRequest: {
    code: "EmptyBatchRequestException",
    queryCode: "EmptyBatchRequest",
    status: 400,
    message: "The batch request doesn't contain any entries.",
  },
  TooManyEntriesInBatchRequest: {
    code: "TooManyEntriesInBatchRequestException",
    queryCode: "TooManyEntriesInBatchRequest",
    status: 400,
    message: "The batch request contains more entries than permissible.",
  },
  BatchEntryIdsNotDistinct: {
    code: "BatchEntryIdsNotDistinctException",
    queryCode: "BatchEntryIdsNotDistinct",
    status: 400,
    message: "Two or more batch entries in the request have the same Id.",
  },
  // PublishBatch over the topic's size limit in total (256 KiB), recorded against AWS (Sep 2024).
  BatchRequestTooLong: {
    code: "BatchRequestTooLongException",
    queryCode: "BatchRequestTooLong",
    status: 400,
    message: "The length of all the messages put together is more than the limit.",
  },
  // PublishBatch entry Ids: 1 to 80 letters, digits, '-' and '_'. SNS names the offending Id, the
  // length before the characters (recorded against AWS in LocalStack's aws-validated
  // test_publish_batch_invalid_entry_id, localstack/localstack#13556, for localstack#13526).
  InvalidBatchEntryIdTooLong: {
    code: "InvalidBatchEntryIdException",
    queryCode: "InvalidBatchEntryId",
    status: 400,
    message: "The Id of a batch entry in the batch request is too long: {id}",
  },
  InvalidBatchEntryIdCharacter: {
    code: "InvalidBatchEntryIdException",
    queryCode: "InvalidBatchEntryId",
    status: 400,
    message: "The Id of a batch entry in the batch request contains an impermissible character: {id}",
  },
  // A topic policy that does not allow (or explicitly denies) a caller, in auth/access.ts's words.
  AuthorizationError: { code: "AuthorizationErrorException", queryCode: "AuthorizationError", status: 403, message: "{message}" },
  // Message data protection: an Inbound Deny statement matched, or a Deidentify statement found
  // the whole message sensitive. The developer guide names the code (AuthorizationError) but
  // elides the message; this wording follows the outbound refusal the guide quotes
  // ("The topic's data protection policy prohibits this message from being delivered to ...").
  DataProtectionDenied: {
    code: "AuthorizationErrorException",
    queryCode: "AuthorizationError",
    status: 403,
    message: "The topic's data protection policy prohibits this message from being published to {topicArn}",
  },
  // VerifySMSSandboxPhoneNumber with the wrong one-time password. The model gives the shape
  // (Message, Status) and no awsQueryError code; the wording is Nimbus's (unconfirmed).
  Verification: {
    code: "VerificationException",
    status: 400,
    message: "Invalid one-time password",
  },
  // CreateSMSSandboxPhoneNumber for a number that replied STOP (wording unconfirmed).
  OptedOut: {
    code: "OptedOutException",
    queryCode: "OptedOut",
    status: 400,
    message: "Phone number is opted out",
  },
  // DeleteTopic of a topic whose ArchivePolicy is active: "you can not delete a topic with an
  // active message archive policy" (developer guide, "Amazon SNS message archiving for FIFO topic
  // owners"). The model names InvalidStateException for DeleteTopic (awsQueryError InvalidState,
  // 400); the message is AWS's as quoted from real runs by the Terraform AWS provider's
  // TestAccSNSTopic_fifoWithArchivePolicy ("Invalid state: Cannot delete a topic with an
  // ArchivePolicy") and the ACK SNS controller ("InvalidState: Cannot delete a topic with an
  // ArchivePolicy").
  ArchivedTopic: {
    code: "InvalidStateException",
    queryCode: "InvalidState",
    status: 400,
    message: "Invalid state: Cannot delete a topic with an ArchivePolicy",
  },
  // The resource quotas (quotas.ts). Code and status are the SDK model's (awsQueryError
  // TopicLimitExceeded / SubscriptionLimitExceeded, 403); the model describes them as "the customer
  // already owns the maximum allowed number of topics" (subscriptions). No recording of the
  // message AWS sends was found (AWS's docs, the SDK models, LocalStack's and moto's code, public
  // issues and pages): these are Nimbus's, after that description, naming the quota reached.
  TopicLimitExceeded: {
    code: "TopicLimitExceededException",
    queryCode: "TopicLimitExceeded",
    status: 403,
    message: "Topic limit exceeded: the account already owns the maximum allowed number of {kind} topics in this Region ({limit})",
  },
  SubscriptionLimitExceeded: {
    code: "SubscriptionLimitExceededException",
    queryCode: "SubscriptionLimitExceeded",
    status: 403,
    message: "Subscription limit exceeded: the topic already has the maximum allowed number of subscriptions for a {kind} topic ({limit})",
  },
  TagLimitExceeded: {
    code: "TagLimitExceededException",
    queryCode: "TagLimitExceeded",
    status: 400,
    message: "Could not complete request: tag quota of per resource exceeded",
  },
});
