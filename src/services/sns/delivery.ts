/**
 * Fan-out of a published message to the topic's confirmed subscriptions whose filter policy
 * matches. SQS subscriptions are delivered through in-process SQS operations (ctx.invoke),
 * never through SQS internals. Delivery happens before Publish answers, so a consumer that
 * receives right after Publish sees the message, as it would a few milliseconds later on AWS.
 * Lambda subscriptions are invoked asynchronously (InvocationType Event) through ctx.invoke;
 * HTTP/S endpoints get the POST AWS sends, without waiting for it (a slow endpoint must not
 * slow Publish). Email and SMS are recorded but go nowhere on one machine.
 * A delivery that fails (queue deleted, message refused) is dropped, as AWS drops it when the
 * subscription has no dead-letter queue; it never fails the Publish.
 */
import { randomUUID } from "node:crypto";
import { parseArn } from "../../core/arn.js";
import { matchesFilterPolicy, validateFilterPolicy, validateFilterPolicyScope } from "./domain/filter-policy.js";
import {
  httpConfirmation,
  httpNotification,
  lambdaEvent,
  messageForProtocol,
  snsTimestamp,
  sqsDelivery,
  subscribeUrl,
  unsubscribeUrl,
  type EnvelopeSigner,
  type HttpDelivery,
  type NotificationInput,
  type SnsMessageAttributes,
  type SqsDelivery,
} from "./domain/messages.js";
import { signingCertUrl } from "./domain/signing.js";
import type { Subscription, Topic } from "./store.js";
import { subscriptionArn, topicArn, type SnsContext } from "./topics.js";

const DELIVERED = new Set(["sqs", "lambda", "http", "https"]);

export interface PublishedMessage {
  messageId: string;
  topic: Topic;
  message: string;
  structured: Record<string, string> | undefined;
  subject: string | undefined;
  attributes: SnsMessageAttributes | undefined;
  fifo: { sequenceNumber: string; messageGroupId: string; messageDeduplicationId?: string | undefined } | undefined;
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
    filterable[name] = {
      DataType: a.DataType,
      ...(a.StringValue !== undefined ? { StringValue: a.StringValue } : {}),
      ...(a.BinaryValue !== undefined ? { BinaryValue: a.BinaryValue } : {}),
    };
  }
  return matchesFilterPolicy(compiled, { body, attributes: filterable });
}

/** Sends an SQS delivery to the queue an ARN names, through the SQS service in-process. */
async function sendToQueue(ctx: SnsContext, queueArn: string, delivery: SqsDelivery): Promise<void> {
  const arn = parseArn(queueArn);
  if (arn === undefined || arn.service !== "sqs") throw new Error(`not an SQS ARN: ${queueArn}`);
  const scope = { account: arn.account, region: arn.region };
  const { QueueUrl } = await ctx.invoke<{ QueueUrl?: string }>("sqs", "GetQueueUrl", { QueueName: arn.resource, QueueOwnerAWSAccountId: arn.account }, scope);
  // Group and deduplication ids only mean something to a FIFO queue; a standard queue refuses the latter.
  const fifoQueue = arn.resource.endsWith(".fifo");
  await ctx.invoke(
    "sqs",
    "SendMessage",
    {
      QueueUrl,
      MessageBody: delivery.body,
      ...(delivery.messageAttributes !== undefined ? { MessageAttributes: delivery.messageAttributes } : {}),
      ...(fifoQueue && delivery.messageGroupId !== undefined ? { MessageGroupId: delivery.messageGroupId } : {}),
      ...(fifoQueue && delivery.messageDeduplicationId !== undefined ? { MessageDeduplicationId: delivery.messageDeduplicationId } : {}),
    },
    scope,
  );
}

/**
 * A subscription's RedrivePolicy names an SQS dead-letter queue for deliveries that failed;
 * the message goes there as the subscription would have received it.
 */
async function sendToSubscriptionDlq(ctx: SnsContext, sub: Subscription, notification: NotificationInput): Promise<boolean> {
  const policy = sub.attributes.RedrivePolicy;
  if (policy === undefined || policy === "") return false;
  let target: unknown;
  try {
    target = (JSON.parse(policy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
  } catch {
    return false;
  }
  if (typeof target !== "string") return false;
  try {
    await sendToQueue(ctx, target, sqsDelivery(notification, { rawMessageDelivery: sub.attributes.RawMessageDelivery === "true" }));
    return true;
  } catch {
    return false;
  }
}

async function deliverToLambda(ctx: SnsContext, sub: Subscription, notification: NotificationInput): Promise<void> {
  const arn = parseArn(sub.endpoint);
  if (arn === undefined) throw new Error(`not a Lambda ARN: ${sub.endpoint}`);
  const payload = Buffer.from(JSON.stringify(lambdaEvent(notification)), "utf8");
  await ctx.invoke("lambda", "Invoke", { FunctionName: sub.endpoint, InvocationType: "Event", Payload: payload }, { account: arn.account, region: arn.region });
}

/** POSTs to an HTTP/S subscriber; resolves whether it answered 2xx (network errors count as no). */
export async function postToEndpoint(endpoint: string, delivery: HttpDelivery): Promise<boolean> {
  try {
    const res = await fetch(endpoint, { method: "POST", headers: delivery.headers, body: delivery.body });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

function signerFor(ctx: SnsContext, topic: Topic): EnvelopeSigner {
  const identity = ctx.store.signingIdentity();
  return { identity, version: topic.attributes.SignatureVersion === "2" ? "2" : "1", certUrl: signingCertUrl(ctx.config.endpoint, identity.certificate) };
}

/** Subscribe to an HTTP/S endpoint: AWS POSTs a SubscriptionConfirmation carrying the token. */
export function sendSubscriptionConfirmation(ctx: SnsContext, topic: Topic, sub: Subscription, token: string): Promise<boolean> {
  const arn = topicArn(topic);
  const delivery = httpConfirmation({
    type: "SubscriptionConfirmation",
    messageId: randomUUID(),
    topicArn: arn,
    subscriptionArn: subscriptionArn(sub),
    token,
    subscribeUrl: subscribeUrl(ctx.config.endpoint, arn, token),
    timestamp: snsTimestamp(ctx.clock),
    signer: signerFor(ctx, topic),
  });
  return postToEndpoint(sub.endpoint, delivery);
}

export async function deliver(ctx: SnsContext, published: PublishedMessage): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: [], failed: [], deadLettered: [] };
  const { topic } = published;
  const arn = topicArn(topic);
  const timestamp = snsTimestamp(ctx.clock);
  const signer = published.fifo === undefined ? signerFor(ctx, topic) : undefined;
  for (const sub of ctx.store.subscriptionsOf(topic)) {
    if (!sub.confirmed || !DELIVERED.has(sub.protocol)) continue;
    const message = messageForProtocol(published.message, published.structured, sub.protocol);
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
      messageAttributes: published.attributes,
      fifo: published.fifo,
      signer,
    };
    if (sub.protocol === "http" || sub.protocol === "https") {
      void postToEndpoint(sub.endpoint, httpNotification(notification, { rawMessageDelivery: sub.attributes.RawMessageDelivery === "true" }));
      report.delivered.push(subArn);
      continue;
    }
    try {
      if (sub.protocol === "sqs") await sendToQueue(ctx, sub.endpoint, sqsDelivery(notification, { rawMessageDelivery: sub.attributes.RawMessageDelivery === "true" }));
      else await deliverToLambda(ctx, sub, notification);
      report.delivered.push(subArn);
    } catch {
      report.failed.push(subArn);
      if (await sendToSubscriptionDlq(ctx, sub, notification)) report.deadLettered.push(subArn);
    }
  }
  return report;
}
