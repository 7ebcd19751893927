/**
 * SQS errors beyond the ones the domain modules raise. Codes and query codes come from the
 * `@aws-sdk/client-sqs` model (awsQueryError); messages are the sentences AWS sends.
 */
import { defineErrors } from "../../core/errors.js";
import { sqsErrors } from "./domain/errors.js";

export { sqsErrors };

export const errors = defineErrors({
  /**
   * Query clients read a longer sentence than JSON ones (both recorded against AWS in
   * LocalStack's test_sqs snapshot, test_non_existent_queue: queue-does-not-exist-query).
   */
  QueueDoesNotExist: {
    code: "QueueDoesNotExist",
    queryCode: "AWS.SimpleQueueService.NonExistentQueue",
    status: 400,
    message: "The specified queue does not exist.",
    queryMessage: "The specified queue does not exist for this wsdl version.",
  },
  QueueDeletedRecently: {
    code: "QueueDeletedRecently",
    queryCode: "AWS.SimpleQueueService.QueueDeletedRecently",
    status: 400,
    message: "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
  },
  PurgeQueueInProgress: {
    code: "PurgeQueueInProgress",
    queryCode: "AWS.SimpleQueueService.PurgeQueueInProgress",
    status: 403,
    message: "Only one PurgeQueue operation on {name} is allowed every 60 seconds.",
  },
  /** ChangeMessageVisibility on a message that was deleted (or never existed in this queue). */
  MessageNotAvailableForVisibilityChange: {
    code: "InvalidParameterValueException",
    queryCode: "InvalidParameterValue",
    status: 400,
    message: "Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.",
  },
  /**
   * ReceiveMessage by short polling on a standard queue at the in-flight quota (messages.ts).
   * Code and status from the model (awsQueryError `OverLimit`, 403; the same code for JSON
   * clients). AWS documents no message; this is the only one recorded from real SQS, a query
   * answer of 2014 quoted whole in Cbsoftware/pressureNET-server issue #74, where a line
   * break separates the two sentences, kept here as recorded.
   */
  OverLimit: {
    code: "OverLimit",
    queryCode: "OverLimit",
    status: 403,
    message: "Too many messages have been received without being deleted.\nPlease delete your received messages or let them timeout before receiving more.",
  },
  TooManyTags: {
    code: "InvalidParameterValueException",
    queryCode: "InvalidParameterValue",
    status: 400,
    message: "Too many tags added for queue {name}.",
  },
  /** A queue policy that does not allow (or explicitly denies) a caller, in auth/access.ts's words. */
  AccessDenied: { code: "AccessDenied", queryCode: "AccessDenied", status: 403, message: "{message}" },
  /**
   * An action sent to a queue's URL that does not act on a queue (or no action at all of SQS):
   * LocalStack's AWS-validated TestSqsQueryApi tests test_invalid_action_raises_exception
   * (FooBar), test_get_create_queue_fails (CreateQueue) and test_get_list_queues_fails (ListQueues).
   */
  InvalidActionForEndpoint: {
    code: "InvalidAction",
    status: 400,
    message: "The action {operation} is not valid for this endpoint.",
  },
  UnsupportedOperation: {
    code: "UnsupportedOperation",
    queryCode: "AWS.SimpleQueueService.UnsupportedOperation",
    status: 400,
    message: "{message}",
  },
});
