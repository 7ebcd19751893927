/**
 * Delivery status logging: the CloudWatch Logs record SNS writes for a delivery's outcome when
 * the topic sets `<Protocol>SuccessFeedbackRoleArn` / `<Protocol>FailureFeedbackRoleArn`
 * (developer guide, "Amazon SNS message delivery status"; log group naming from
 * "Prerequisites for delivery status logging").
 *
 * Log groups: `sns/<region>/<account-id>/<topic-name>` for successes, the same with `/Failure`
 * for failures. AWS names the streams with UUIDs and says they correspond to endpoint protocols:
 * here one stream per group and protocol, its UUID derived from both, so it is stable across
 * restarts without any state.
 *
 * An event, as AWS writes it (field order too):
 *   {"notification":{"messageMD5Sum","messageId","topicArn","timestamp":"2021-07-26 13:02:13.706"},
 *    "delivery":{"deliveryId","destination","providerResponse","dwellTimeMs","attempts","statusCode"},
 *    "status":"SUCCESS"|"FAILURE"}
 * providerResponse is what the endpoint answered: for SQS `{"sqsRequestId","sqsMessageId"}`, or
 * `{"ErrorCode","ErrorMessage","sqsRequestId":"Unrecoverable"}` with the SQS error's status;
 * for Lambda the same with `lambdaRequestId` (202 on success).
 */
import { createHash, randomUUID } from "node:crypto";
import { v5 as nameBasedUuid } from "uuid";
import { AwsError } from "../../../core/errors.js";

/** The topic attribute prefix of each protocol whose deliveries can be logged. */
const FEEDBACK_PREFIX: Readonly<Record<string, string>> = {
  http: "HTTP",
  https: "HTTP",
  sqs: "SQS",
  lambda: "Lambda",
  application: "Application",
  firehose: "Firehose",
};

// Any fixed UUID: the namespace of the ids derived below.
const NAMESPACE = "3f1c2a4e-8d6b-4c59-9a0e-5b7d2e1f6c83";

export type DeliveryStatus = "SUCCESS" | "FAILURE";

/** What every record of one published message shares. */
export interface StatusNotification {
  readonly messageMD5Sum: string;
  readonly messageId: string;
  readonly topicArn: string;
  /** The envelope's Timestamp (ISO-8601): the publish time. */
  readonly timestamp: string;
}

export interface DeliveryOutcome {
  readonly status: DeliveryStatus;
  readonly deliveryId: string;
  /** The subscription's endpoint: queue, function or endpoint ARN, or URL. */
  readonly destination: string;
  readonly providerResponse: string;
  readonly dwellTimeMs: number;
  /** Absent from a Lambda delivery's SUCCESS record (see logHandOff). */
  readonly attempts?: number | undefined;
  /** Absent when no answer came back (an HTTP connection that failed or timed out). */
  readonly statusCode?: number | undefined;
  /** Mobile push: the device token of the platform endpoint. */
  readonly token?: string | undefined;
}

/** Whether the topic logs any protocol's deliveries (worth preparing a record for). */
export function logsDeliveryStatus(attributes: Readonly<Record<string, string>>): boolean {
  return Object.values(FEEDBACK_PREFIX).some((p) => !!attributes[`${p}SuccessFeedbackRoleArn`] || !!attributes[`${p}FailureFeedbackRoleArn`]);
}

export function statusNotification(fields: { message: string; messageId: string; topicArn: string; timestamp: string }): StatusNotification {
  return {
    messageMD5Sum: createHash("md5").update(fields.message, "utf8").digest("hex"),
    messageId: fields.messageId,
    topicArn: fields.topicArn,
    timestamp: fields.timestamp,
  };
}

/** One delivery (a message to a subscription) keeps its id through every attempt. */
export function deliveryId(messageId: string, subscriptionArn: string): string {
  return nameBasedUuid(`${messageId} ${subscriptionArn}`, NAMESPACE);
}

/**
 * Successes are sampled at `<Protocol>SuccessFeedbackSampleRate` percent (0-100); the guide
 * gives no default, and a CloudFormation removal leaves "0", so a missing or unreadable rate
 * logs none. Failures are all logged once the failure role is set. Roles are not checked:
 * Nimbus does not enforce IAM, so only their presence counts.
 */
export function shouldLog(attributes: Readonly<Record<string, string>>, protocol: string, outcome: Pick<DeliveryOutcome, "status" | "deliveryId">): boolean {
  const prefix = FEEDBACK_PREFIX[protocol];
  if (prefix === undefined) return false;
  if (outcome.status === "FAILURE") return !!attributes[`${prefix}FailureFeedbackRoleArn`];
  if (!attributes[`${prefix}SuccessFeedbackRoleArn`]) return false;
  return sampled(outcome.deliveryId, Number(attributes[`${prefix}SuccessFeedbackSampleRate`] ?? "0"));
}

/**
 * Whether the record named `id` is in a `rate` percent sample. Sampled by the id, not at random,
 * so a test (or a retried delivery) always gets the same answer.
 */
export function sampled(id: string, rate: number): boolean {
  return Number.isFinite(rate) && createHash("md5").update(id).digest().readUInt32BE(0) % 100 < rate;
}

export function statusLogGroup(topicArn: string, status: DeliveryStatus): string {
  const [, , , region = "", account = "", name = ""] = topicArn.split(":");
  return `sns/${region}/${account}/${name}${status === "FAILURE" ? "/Failure" : ""}`;
}

export function statusLogStream(logGroupName: string, protocol: string): string {
  return nameBasedUuid(`${logGroupName} ${FEEDBACK_PREFIX[protocol] ?? protocol}`, NAMESPACE);
}

/** "2021-07-26 13:02:13.706": the envelope's ISO timestamp as the status log writes it. */
export function statusLogTimestamp(iso: string): string {
  return iso.replace("T", " ").replace(/Z$/, "");
}

/** The log event's message, fields in AWS's order. */
export function deliveryStatusEvent(notification: StatusNotification, outcome: DeliveryOutcome): string {
  return JSON.stringify({
    notification: {
      messageMD5Sum: notification.messageMD5Sum,
      messageId: notification.messageId,
      topicArn: notification.topicArn,
      timestamp: statusLogTimestamp(notification.timestamp),
    },
    delivery: {
      deliveryId: outcome.deliveryId,
      destination: outcome.destination,
      providerResponse: outcome.providerResponse,
      dwellTimeMs: outcome.dwellTimeMs,
      ...(outcome.attempts !== undefined ? { attempts: outcome.attempts } : {}),
      ...(outcome.token !== undefined ? { token: outcome.token } : {}),
      ...(outcome.statusCode !== undefined ? { statusCode: outcome.statusCode } : {}),
    },
    status: outcome.status,
  });
}

/**
 * An in-process SQS or Lambda delivery's outcome. Nimbus does not retry these, so every failure
 * is final: AWS marks those `"<service>RequestId":"Unrecoverable"`. Error codes are the
 * query-protocol ones SNS reports (`AWS.SimpleQueueService.NonExistentQueue`). Nimbus has no
 * request id for an in-process call, so a fresh one stands in.
 */
export function inProcessAnswer(
  service: "sqs" | "lambda",
  answer: { messageId?: string | undefined } | { error: unknown },
): Pick<DeliveryOutcome, "status" | "providerResponse" | "statusCode"> {
  const requestIdKey = `${service}RequestId`;
  if ("error" in answer) {
    const err = answer.error instanceof AwsError ? answer.error : new AwsError("InternalFailure", String(answer.error), 500);
    return {
      status: "FAILURE",
      providerResponse: JSON.stringify({ ErrorCode: err.queryCode ?? err.code, ErrorMessage: err.message, [requestIdKey]: "Unrecoverable" }),
      statusCode: err.status,
    };
  }
  return {
    status: "SUCCESS",
    providerResponse: JSON.stringify({ [requestIdKey]: randomUUID(), ...(answer.messageId !== undefined ? { sqsMessageId: answer.messageId } : {}) }),
    // Lambda accepts an asynchronous (Event) invocation with 202.
    statusCode: service === "sqs" ? 200 : 202,
  };
}
