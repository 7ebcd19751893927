/**
 * Fan-out of a published message to the topic's confirmed subscriptions whose filter policy
 * matches. SQS subscriptions are delivered through in-process SQS operations (ctx.invoke),
 * never through SQS internals. Delivery happens before Publish answers, so a consumer that
 * receives right after Publish sees the message, as it would a few milliseconds later on AWS.
 * Lambda subscriptions are invoked asynchronously (InvocationType Event) through ctx.invoke;
 * HTTP/S endpoints get the POST AWS sends, without waiting for it (a slow endpoint must not
 * slow Publish), retried and throttled on the scheduler per the subscription's effective
 * delivery policy (retry.ts), pending retries and POSTs waiting for a throttle slot kept in
 * the database so that they outlive a restart. Email, email-json, SMS and mobile push cannot
 * leave one machine: each is recorded in the outbox with what AWS would have sent (outbox.ts,
 * email.ts, platform.ts).
 * A delivery that fails (queue deleted, message refused, endpoint disabled, HTTP retries used
 * up) goes to the subscription's dead-letter queue when it has a RedrivePolicy, and is dropped
 * otherwise, as on AWS; it never fails the Publish. One that fails for a reason of Nimbus's own
 * (its database cannot be written: a full disk) is neither: AWS would keep the message and try
 * again, and Nimbus keeps it nowhere, so once the other subscriptions have theirs the Publish
 * fails with that error (a 500 its caller retries) instead of answering for a lost message.
 * A topic's data protection policy may forbid a subscription's principal the data a message
 * carries (an Outbound Deny, data-protection.ts): that delivery is not made, counts as failed,
 * and is logged with a 403, as AWS does.
 * Each delivery's outcome goes to the topic's delivery status log when the topic asks for it
 * (`<Protocol>SuccessFeedbackRoleArn` and kin; delivery-status-log.ts), for the protocols AWS
 * logs: SQS, Lambda and application here, HTTP/S once its retries settle (retry.ts).
 * A FIFO topic's subscription with a ReplayPolicy (replay.ts) takes its messages from the
 * replay while the replay runs, and none published after the policy's EndingPoint once it has
 * finished; a replayed message comes through here too, to that one subscription.
 */
import { randomUUID } from "node:crypto";
import { parseArn } from "../../core/arn.js";
import { AwsError } from "../../core/errors.js";
import { setOwn } from "../../core/own.js";
import { isActive, type Replay } from "./archive-store.js";
import { outboundDenied, outboundRefusal, topicDataProtection } from "./data-protection.js";
import { effectiveSubscriptionDeliveryPolicy } from "./delivery-policy.js";
import { logDeliveryStatus } from "./delivery-status-log.js";
import { deliveryId, inProcessAnswer, logsDeliveryStatus, statusNotification, type DeliveryOutcome, type StatusNotification } from "./domain/delivery-status.js";
import { matchesFilterPolicy, validateFilterPolicy, validateFilterPolicyScope } from "./domain/filter-policy.js";
import {
  buildConfirmation,
  buildNotification,
  generateConfirmationToken,
  httpConfirmation,
  httpNotification,
  lambdaEvent,
  messageForProtocol,
  queueConfirmation,
  snsTimestamp,
  sqsDelivery,
  subscribeUrl,
  unsubscribeUrl,
  type ConfirmationInput,
  type EnvelopeSigner,
  type NotificationInput,
  type SnsMessageAttributes,
} from "./domain/messages.js";
import { signingCertUrl } from "./domain/signing.js";
import { CONFIRMATION_EMAIL_SUBJECT, DEFAULT_EMAIL_SUBJECT, emailConfirmationText, emailNotificationText, emailSender, snsPrettyJson } from "./email.js";
import { errors } from "./errors.js";
import { attributesForRecord } from "./outbox.js";
import { endpointArn, isEnabled, parseEndpointArn, platformPayload, type PlatformEndpoint } from "./platform.js";
import { deadLetterTargetArn, sendToQueue } from "./queues.js";
import { deliverWithRetries } from "./retry.js";
import { smsDeliveryOptions } from "./sms.js";
import type { Subscription, Topic } from "./store.js";
import { subscriptionArn, topicArn, type SnsContext } from "./topics.js";

/** What a delivery needs of its context: a request's, or a replay's running on the scheduler. */
export type DeliveryEnv = Pick<SnsContext, "store" | "clock" | "scheduler" | "invoke" | "config">;

const DELIVERED = new Set(["sqs", "lambda", "http", "https", "email", "email-json", "sms", "application"]);

// Nimbus records pushes instead of sending them: no push service answered, and the record says so.
const PUSH_RECORDED = "Recorded in the Nimbus outbox, not sent to the push service";

export interface PublishedMessage {
  messageId: string;
  topic: Topic;
  message: string;
  structured: Record<string, string> | undefined;
  subject: string | undefined;
  attributes: SnsMessageAttributes | undefined;
  fifo: { sequenceNumber: string; messageGroupId: string; messageDeduplicationId?: string | undefined } | undefined;
  /** Standard topics: the publish's MessageGroupId, which standard queues keep (fair queues). */
  messageGroupId?: string | undefined;
  /** The Publish request's X-Amzn-Trace-Id header: SQS deliveries carry it as AWSTraceHeader. */
  traceHeader?: string | undefined;
  /** Epoch ms of the publish, when known (FIFO topics): the notification's Timestamp, a replayed one's too. */
  publishedAt?: number | undefined;
}

/**
 * Whether a live message of a FIFO topic goes to a subscription with this replay. Not while the
 * replay runs: the message is in the archive, and the replay hands it on in its turn. Not when
 * the replay already handed it on (a replay that caught up while the message was on its way).
 * Not when published after the replay's EndingPoint: "While the subscription is paused, newly
 * published messages will not be delivered to the subscribed endpoint" (developer guide).
 */
function receivesLive(replay: Replay | undefined, fifo: NonNullable<PublishedMessage["fifo"]>, publishedAt: number): boolean {
  if (replay === undefined) return true;
  if (isActive(replay)) return false;
  if (replay.cursor !== undefined && BigInt(fifo.sequenceNumber) <= BigInt(replay.cursor)) return false;
  return replay.end === undefined || publishedAt <= replay.end;
}

export interface DeliveryReport {
  /** Subscription ARNs the message was handed to. */
  delivered: string[];
  /** Subscription ARNs whose delivery failed. */
  failed: string[];
  /** Of the failed, those whose message went to the subscription's dead-letter queue. */
  deadLettered: string[];
}

function matches(sub: Subscription, body: string, attributes: SnsMessageAttributes | undefined): boolean {
  const policy = sub.attributes.FilterPolicy;
  if (policy === undefined || policy === "") return true;
  const scope = validateFilterPolicyScope(sub.attributes.FilterPolicyScope ?? "MessageAttributes", "SetSubscriptionAttributes");
  const compiled = validateFilterPolicy(policy, { scope, operation: "SetSubscriptionAttributes" });
  const filterable: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }> = {};
  for (const [name, a] of Object.entries(attributes ?? {})) {
    setOwn(filterable, name, {
      DataType: a.DataType,
      ...(a.StringValue !== undefined ? { StringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { BinaryValue: a.BinaryValue } : {}),
    });
  }
  return matchesFilterPolicy(compiled, { body, attributes: filterable });
}

/**
 * A subscription's RedrivePolicy names an SQS dead-letter queue for deliveries that failed;
 * the message goes there as the subscription would have received it.
 */
async function sendToSubscriptionDlq(ctx: DeliveryEnv, sub: Subscription, notification: NotificationInput): Promise<boolean> {
  const target = deadLetterTargetArn(sub.attributes.RedrivePolicy);
  if (target === undefined) return false;
  try {
    await sendToQueue(ctx.invoke, target, sqsDelivery(notification, { rawMessageDelivery: sub.attributes.RawMessageDelivery === "true" }), notification.topicArn);
    return true;
  } catch (error) {
    // A queue that cannot store it (Nimbus's database full) fails the publish, as a delivery does.
    if (!(error instanceof AwsError)) throw error;
    return false;
  }
}

async function deliverToLambda(ctx: DeliveryEnv, sub: Subscription, notification: NotificationInput): Promise<void> {
  const arn = parseArn(sub.endpoint);
  if (arn === undefined) throw new Error(`not a Lambda ARN: ${sub.endpoint}`);
  const payload = Buffer.from(JSON.stringify(lambdaEvent(notification)), "utf8");
  // As sns.amazonaws.com for the topic: the function's policy must allow it when policies are enforced.
  const sns = { service: "sns.amazonaws.com", sourceArn: notification.topicArn, sourceAccount: parseArn(notification.topicArn)?.account ?? arn.account };
  await ctx.invoke("lambda", "Invoke", { FunctionName: sub.endpoint, InvocationType: "Event", Payload: payload }, { account: arn.account, region: arn.region }, sns);
}

function signerFor(ctx: DeliveryEnv, topic: Topic): EnvelopeSigner {
  const identity = ctx.store.signingIdentity();
  return { identity, version: topic.attributes.SignatureVersion === "2" ? "2" : "1", certUrl: signingCertUrl(ctx.config.endpoint, identity.certificate), signed: new Map() };
}

function retryPolicyOf(sub: Subscription, topic: Topic) {
  return effectiveSubscriptionDeliveryPolicy(sub.attributes.DeliveryPolicy, topic.attributes.DeliveryPolicy);
}

/**
 * Subscribe to an HTTP/S endpoint: AWS POSTs a SubscriptionConfirmation carrying the token,
 * retried like any message (a failed confirmation has no dead-letter queue: it is dropped).
 * The throttle policy paces notifications; the confirmation, sent once, takes none of their slots.
 */
export function sendSubscriptionConfirmation(ctx: SnsContext, topic: Topic, sub: Subscription, token: string): void {
  sendHttpConfirmation(ctx, topic, sub, "SubscriptionConfirmation", token);
}

/**
 * Unsubscribe from an HTTP/S endpoint: AWS POSTs an UnsubscribeConfirmation (developer guide,
 * "HTTP/HTTPS unsubscribe confirmation JSON format"), naming the subscription, with a fresh
 * token and SubscribeURL. Sent once: the subscription it would be retried for is gone. The
 * token is kept with the subscription, since ConfirmSubscription with it (or a visit to the
 * SubscribeURL) restores it.
 */
export function sendUnsubscribeConfirmation(ctx: SnsContext, topic: Topic, sub: Subscription): void {
  const token = generateConfirmationToken();
  ctx.store.keepUnsubscribed(sub, token, ctx.clock.now());
  sendHttpConfirmation(ctx, topic, sub, "UnsubscribeConfirmation", token);
}

function confirmationOf(ctx: SnsContext, topic: Topic, sub: Subscription, type: "SubscriptionConfirmation" | "UnsubscribeConfirmation", token: string): ConfirmationInput {
  const arn = topicArn(topic);
  return {
    type,
    messageId: randomUUID(),
    topicArn: arn,
    subscriptionArn: subscriptionArn(sub),
    token,
    subscribeUrl: subscribeUrl(ctx.config.endpoint, arn, token),
    timestamp: snsTimestamp(ctx.clock),
    signer: signerFor(ctx, topic),
  };
}

/**
 * A queue subscribed by an account that does not own it gets the SubscriptionConfirmation
 * document an HTTP/S endpoint is POSTed, as its message body: whoever reads the queue confirms
 * with its token or SubscribeURL (developer guide, "Sending Amazon SNS messages to an Amazon SQS
 * queue in a different account"; the Knowledge Center's sns-cross-account-subscription finds the
 * SubscribeURL of an UnsubscribeConfirmation "in the ... message sent to the SQS queue"). Sent as
 * SNS sends to the queue (its policy must let the topic in); a queue that refuses it, or a FIFO
 * queue (no recording says which message group AWS uses), gets none and the subscription stays
 * pending.
 */
export async function sendQueueConfirmation(ctx: SnsContext, topic: Topic, sub: Subscription, token: string): Promise<void> {
  try {
    await sendToQueue(ctx.invoke, sub.endpoint, queueConfirmation(confirmationOf(ctx, topic, sub, "SubscriptionConfirmation", token)), topicArn(topic));
  } catch {
    // Not delivered: the subscription waits for a confirmation that cannot come, as on AWS.
  }
}

function sendHttpConfirmation(ctx: SnsContext, topic: Topic, sub: Subscription, type: "SubscriptionConfirmation" | "UnsubscribeConfirmation", token: string): void {
  const delivery = httpConfirmation(confirmationOf(ctx, topic, sub, type, token));
  deliverWithRetries(ctx, {
    account: sub.account,
    region: sub.region,
    subscriptionArn: subscriptionArn(sub),
    endpoint: sub.endpoint,
    delivery,
    policy: retryPolicyOf(sub, topic).healthyRetryPolicy,
  });
}

/** Subscribe an email address: the confirmation email, with the link that confirms (token in it). */
export function sendEmailConfirmation(ctx: SnsContext, topic: Topic, sub: Subscription, token: string): void {
  const arn = topicArn(topic);
  const messageId = randomUUID();
  const timestamp = snsTimestamp(ctx.clock);
  const confirmUrl = subscribeUrl(ctx.config.endpoint, arn, token);
  const body =
    sub.protocol === "email-json"
      ? snsPrettyJson(
          buildConfirmation({ type: "SubscriptionConfirmation", messageId, topicArn: arn, subscriptionArn: subscriptionArn(sub), token, subscribeUrl: confirmUrl, timestamp, signer: signerFor(ctx, topic) }),
        )
      : emailConfirmationText(arn, confirmUrl);
  ctx.store.outbox.record(
    topic.account,
    topic.region,
    "email",
    sub.endpoint,
    {
      Type: "SubscriptionConfirmation",
      Address: sub.endpoint,
      Protocol: sub.protocol,
      MessageId: messageId,
      TopicArn: arn,
      SubscriptionArn: subscriptionArn(sub),
      Token: token,
      SubscribeURL: confirmUrl,
      From: emailSender(topic),
      Subject: CONFIRMATION_EMAIL_SUBJECT,
      Body: body,
      Timestamp: timestamp,
    },
    ctx.clock.now(),
  );
}

/** What an SMS and a push record share: where it came from and the message as published. */
function recordedMessage(fields: {
  messageId: string;
  message: string;
  subject?: string | undefined;
  attributes?: SnsMessageAttributes | undefined;
  messageStructure?: string | undefined;
  topicArn?: string;
  subscriptionArn?: string;
}): Record<string, unknown> {
  const attributes = attributesForRecord(fields.attributes);
  return {
    ...{}, ...(fields.topicArn !== undefined ? { TopicArn: fields.topicArn } : {}),
    ...(fields.subscriptionArn !== undefined ? { SubscriptionArn: fields.subscriptionArn } : {}),
    MessageId: fields.messageId,
    Message: fields.message,
    ...(attributes !== undefined ? { MessageAttributes: attributes } : {}),
    ...(fields.messageStructure !== undefined ? { MessageStructure: fields.messageStructure } : {}),
    ...(fields.subject !== undefined ? { Subject: fields.subject } : {}),
  };
}

/** An SMS text: recorded unless the number opted out (AWS then does not send it). */
export function recordSms(
  ctx: DeliveryEnv,
  scope: { account: string; region: string },
  phoneNumber: string,
  fields: { messageId: string; message: string; subject?: string | undefined; attributes?: SnsMessageAttributes | undefined; messageStructure?: string | undefined; topicArn?: string; subscriptionArn?: string },
): boolean {
  if (ctx.store.sms.isOptedOut(scope.account, scope.region, phoneNumber)) return false;
  const options = smsDeliveryOptions(ctx.store.sms.attributes(scope.account, scope.region), fields.attributes);
  ctx.store.outbox.record(
    scope.account,
    scope.region,
    "sms",
    phoneNumber,
    {
      PhoneNumber: phoneNumber,
      ...recordedMessage(fields),
      ...options,
      Timestamp: snsTimestamp(ctx.clock),
    },
    ctx.clock.now(),
  );
  return true;
}

/** A push to an enabled platform endpoint: the payload the push service would get. */
export function recordPush(
  ctx: DeliveryEnv,
  endpoint: PlatformEndpoint,
  fields: {
    messageId: string;
    message: string;
    structured: Record<string, string> | undefined;
    subject?: string | undefined;
    attributes?: SnsMessageAttributes | undefined;
    messageStructure?: string | undefined;
    topicArn?: string;
    subscriptionArn?: string;
  },
): void {
  const target = endpointArn(endpoint);
  ctx.store.outbox.record(
    endpoint.account,
    endpoint.region,
    "application",
    target,
    {
      TargetArn: target,
      ...recordedMessage(fields),
      Platform: endpoint.platform,
      Token: endpoint.attributes.Token ?? "",
      Payload: platformPayload(endpoint.platform, fields.message, fields.structured),
      Timestamp: snsTimestamp(ctx.clock),
    },
    ctx.clock.now(),
  );
}

/** The enabled endpoint an `application` subscription names, or undefined (deleted or disabled). */
function liveEndpoint(ctx: DeliveryEnv, arn: string): PlatformEndpoint | undefined {
  const ref = parseEndpointArn(arn);
  const endpoint = ref === undefined ? undefined : ctx.store.platform.getEndpoint(ref.account, ref.region, ref.id);
  return endpoint !== undefined && isEnabled(endpoint) ? endpoint : undefined;
}

/** Why an `application` subscription's endpoint took no push: AWS's error for a deleted or disabled endpoint. */
function endpointRefusal(ctx: DeliveryEnv, arn: string): AwsError {
  const ref = parseEndpointArn(arn);
  return ref === undefined || ctx.store.platform.getEndpoint(ref.account, ref.region, ref.id) === undefined ? errors.EndpointNotFound() : errors.EndpointDisabled();
}

/** The status record of a delivery made in-process: one attempt, handed off at `handedOffAt`. */
async function logHandOff(
  ctx: DeliveryEnv,
  topic: Topic,
  sub: Subscription,
  feedback: StatusNotification,
  handedOffAt: number,
  result: Pick<DeliveryOutcome, "status" | "providerResponse" | "statusCode" | "token">,
): Promise<void> {
  await logDeliveryStatus(ctx, topic, sub.protocol, feedback, {
    ...{},
    ...result,
    deliveryId: deliveryId(feedback.messageId, subscriptionArn(sub)),
    destination: sub.endpoint,
    dwellTimeMs: handedOffAt - Date.parse(feedback.timestamp),
    // A Lambda hand-off's SUCCESS record has no attempts: recorded against AWS (Nov 2023,
    // LocalStack's AWS-validated test_delivery_lambda, delivery-events).
    ...(sub.protocol === "lambda" && result.status === "SUCCESS" ? {} : { attempts: 1 }),
  });
}

/**
 * Delivers a published message to the topic's subscriptions, or, with `replayTo`, an archived
 * one to that subscription alone: "A replayed message retains the same content, MessageId, and
 * Timestamp as the original" and "includes a Replayed attribute" (developer guide).
 */
export async function deliver(ctx: DeliveryEnv, published: PublishedMessage, options: { replayTo?: Subscription } = {}): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: [], failed: [], deadLettered: [] };
  const { topic } = published;
  const arn = topicArn(topic);
  const publishedAt = published.publishedAt ?? ctx.clock.now();
  const timestamp = new Date(publishedAt).toISOString();
  const replaying = options.replayTo !== undefined;
  // Read once, before the first delivery awaits anything: a replay that finishes meanwhile has a cursor that says so.
  const replays = !replaying && published.fifo !== undefined ? ctx.store.archive.replaysOf(topic) : undefined;
  const signer = published.fifo === undefined ? signerFor(ctx, topic) : undefined;
  // What the delivery status records name, when the topic logs any.
  const feedback = logsDeliveryStatus(topic.attributes) ? statusNotification({ message: published.message, messageId: published.messageId, topicArn: arn, timestamp }) : undefined;
  const policy = topicDataProtection(topic);
  let undelivered: unknown;
  for (const sub of options.replayTo !== undefined ? [options.replayTo] : ctx.store.subscriptionsOf(topic)) {
    if (!sub.confirmed || !DELIVERED.has(sub.protocol)) continue;
    if (replays !== undefined && published.fifo !== undefined && !receivesLive(replays.get(sub.id), published.fifo, publishedAt)) continue;
    const endpoint = sub.protocol === "application" ? liveEndpoint(ctx, sub.endpoint) : undefined;
    const protocolKey = sub.protocol === "application" ? (parseEndpointArn(sub.endpoint)?.platform ?? "application") : sub.protocol;
    const message = messageForProtocol(published.message, published.structured, protocolKey);
    if (!matches(sub, message, published.attributes)) continue;
    const subArn = subscriptionArn(sub);
    const notification: NotificationInput = {
      messageId: published.messageId,
      topicArn: arn,
      subscriptionArn: subArn,
      message,
      subject: published.subject,
      timestamp,
      unsubscribeUrl: unsubscribeUrl(ctx.config.endpoint, subArn),
      // "Message attributes are sent only when the message structure is String, not JSON"
      // (developer guide, Amazon SNS message attributes): a MessageStructure=json publish reaches
      // queues, functions and HTTP endpoints without them, though filter policies still read them.
      messageAttributes: published.structured === undefined ? published.attributes : undefined,
      fifo: published.fifo,
      messageGroupId: published.messageGroupId,
      traceHeader: published.traceHeader,
      signer,
      ...(replaying ? { replayed: true } : {}),
    };
    const raw = sub.attributes.RawMessageDelivery === "true";
    const handedOffAt = ctx.clock.now();
    if (outboundDenied(policy, sub, message)) {
      // Not delivered, not dead-lettered (the policy forbids this subscriber the data); the status log says why.
      report.failed.push(subArn);
      if (feedback !== undefined) await logHandOff(ctx, topic, sub, feedback, handedOffAt, { status: "FAILURE", providerResponse: outboundRefusal(subArn), statusCode: 403 });
      continue;
    }
    switch (sub.protocol) {
      case "http":
      case "https": {
        const policy = retryPolicyOf(sub, topic);
        const delivery = httpNotification(notification, { rawMessageDelivery: raw });
        delivery.headers["content-type"] = policy.requestPolicy.headerContentType;
        const dlq = deadLetterTargetArn(sub.attributes.RedrivePolicy);
        deliverWithRetries(ctx, {
          account: sub.account,
          region: sub.region,
          subscriptionArn: subArn,
          endpoint: sub.endpoint,
          delivery,
          policy: policy.healthyRetryPolicy,
          maxReceivesPerSecond: policy.throttlePolicy?.maxReceivesPerSecond,
          // Decided now and kept with the retry, so it outlives a restart. The POST's body is
          // the queue's too (the same envelope, or the raw message): no second signature.
          deadLetter: dlq === undefined ? undefined : { targetArn: dlq, delivery: sqsDelivery(notification, { rawMessageDelivery: raw, envelope: delivery.body }) },
          notification: feedback,
        });
        report.delivered.push(subArn);
        continue;
      }
      case "email":
      case "email-json": {
        const body = sub.protocol === "email" ? emailNotificationText(message, notification.unsubscribeUrl) : snsPrettyJson(buildNotification(notification));
        ctx.store.outbox.record(
          topic.account,
          topic.region,
          "email",
          sub.endpoint,
          {
            Type: "Notification",
            Address: sub.endpoint,
            Protocol: sub.protocol,
            MessageId: published.messageId,
            TopicArn: arn,
            SubscriptionArn: subArn,
            From: emailSender(topic),
            Subject: published.subject ?? DEFAULT_EMAIL_SUBJECT,
            Body: body,
            Timestamp: timestamp,
          },
          ctx.clock.now(),
        );
        report.delivered.push(subArn);
        continue;
      }
      case "sms":
        recordSms(ctx, topic, sub.endpoint, { messageId: published.messageId, message, subject: published.subject, attributes: published.attributes, topicArn: arn, subscriptionArn: subArn });
        report.delivered.push(subArn);
        continue;
      case "application":
        if (endpoint !== undefined) {
          recordPush(ctx, endpoint, {
            messageId: published.messageId,
            message: published.message,
            structured: published.structured,
            subject: published.subject,
            attributes: published.attributes,
            ...(published.structured !== undefined ? { messageStructure: "json" } : {}),
            topicArn: arn,
            subscriptionArn: subArn,
          });
          report.delivered.push(subArn);
          if (feedback !== undefined) await logHandOff(ctx, topic, sub, feedback, handedOffAt, { status: "SUCCESS", providerResponse: PUSH_RECORDED, statusCode: 200, token: endpoint.attributes.Token });
          continue;
        }
        // A deleted or disabled endpoint is a client-side error: no retry, dead-letter queue if any.
        report.failed.push(subArn);
        if (feedback !== undefined) {
          const refusal = endpointRefusal(ctx, sub.endpoint);
          await logHandOff(ctx, topic, sub, feedback, handedOffAt, { status: "FAILURE", providerResponse: refusal.message, statusCode: refusal.status });
        }
        if (await sendToSubscriptionDlq(ctx, sub, notification)) report.deadLettered.push(subArn);
        continue;
      default:
        break;
    }
    let answer: Parameters<typeof inProcessAnswer>[1];
    try {
      if (sub.protocol === "sqs") answer = { messageId: await sendToQueue(ctx.invoke, sub.endpoint, sqsDelivery(notification, { rawMessageDelivery: raw }), notification.topicArn) };
      else {
        await deliverToLambda(ctx, sub, notification);
        answer = {};
      }
      report.delivered.push(subArn);
    } catch (error) {
      report.failed.push(subArn);
      if (!(error instanceof AwsError)) {
        undelivered ??= error;
        continue;
      }
      answer = { error };
      if (await sendToSubscriptionDlq(ctx, sub, notification)) report.deadLettered.push(subArn);
    }
    if (feedback !== undefined) await logHandOff(ctx, topic, sub, feedback, handedOffAt, inProcessAnswer(sub.protocol === "sqs" ? "sqs" : "lambda", answer));
  }
  if (undelivered !== undefined) throw undelivered;
  return report;
}
