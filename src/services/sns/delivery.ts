/**
 * Fan-out of a published message to the topic's confirmed subscriptions whose filter policy
 * matches. SQS subscriptions are delivered through in-process SQS operations (ctx.invoke),
 * never through SQS internals. Delivery happens before Publish answers, so a consumer that
 * receives right after Publish sees the message, as it would a few milliseconds later on AWS.
 * A delivery that fails (queue deleted, message refused) is dropped, as AWS drops it when the
 * subscription has no dead-letter queue; it never fails the Publish.
 */
import { parseArn } from "../../core/arn.js";
import { matchesFilterPolicy, validateFilterPolicy, validateFilterPolicyScope } from "./domain/filter-policy.js";
import { messageForProtocol, snsTimestamp, sqsDelivery, unsubscribeUrl, type EnvelopeSigner, type NotificationInput, type SnsMessageAttributes } from "./domain/messages.js";
import { signingCertUrl } from "./domain/signing.js";
import type { Subscription, Topic } from "./store.js";
import { subscriptionArn, topicArn, type SnsContext } from "./topics.js";

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

async function deliverToSqs(ctx: SnsContext, sub: Subscription, notification: NotificationInput): Promise<void> {
  const arn = parseArn(sub.endpoint);
  if (arn === undefined) throw new Error(`not an SQS ARN: ${sub.endpoint}`);
  const scope = { account: arn.account, region: arn.region };
  const delivery = sqsDelivery(notification, { rawMessageDelivery: sub.attributes.RawMessageDelivery === "true" });
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

export async function deliver(ctx: SnsContext, published: PublishedMessage): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: [], failed: [] };
  const { topic } = published;
  const arn = topicArn(topic);
  const timestamp = snsTimestamp(ctx.clock);
  let signer: EnvelopeSigner | undefined;
  if (published.fifo === undefined) {
    const identity = ctx.store.signingIdentity();
    signer = { identity, version: topic.attributes.SignatureVersion === "2" ? "2" : "1", certUrl: signingCertUrl(ctx.config.endpoint, identity.certificate) };
  }
  for (const sub of ctx.store.subscriptionsOf(topic)) {
    // Only SQS is delivered in-process today; other protocols are recorded (see the report).
    if (!sub.confirmed || sub.protocol !== "sqs") continue;
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
    try {
      await deliverToSqs(ctx, sub, notification);
      report.delivered.push(subArn);
    } catch {
      report.failed.push(subArn);
    }
  }
  return report;
}
