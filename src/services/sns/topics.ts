/** Topic and subscription ARNs, lookups, and the attribute views SNS answers with. */
import { enforcesPolicies, resourcePolicyRefusal } from "../../auth/access.js";
import { parseArn } from "../../core/arn.js";
import type { HandlerContext } from "../../core/service.js";
import { parseArchivePolicy, type ArchiveWindow } from "./domain/archive.js";
import { DEFAULT_MAXIMUM_MESSAGE_SIZE } from "./domain/messages.js";
import { errors, invalidParameter } from "./errors.js";
import type { SnsStore, Subscription, Topic, TopicRef } from "./store.js";

export type SnsContext = HandlerContext<SnsStore>;

export function topicArn(ref: TopicRef): string {
  return `arn:aws:sns:${ref.region}:${ref.account}:${ref.name}`;
}

export function subscriptionArn(sub: Pick<Subscription, "account" | "region" | "topic" | "id">): string {
  return `arn:aws:sns:${sub.region}:${sub.account}:${sub.topic}:${sub.id}`;
}

/**
 * A topic ARN, or InvalidParameter naming the parameter (`Invalid parameter: TopicArn`). Too few
 * ':'-separated parts get AWS's reason: `... Reason: An ARN must have at least 6 elements, not 1`
 * (recorded for TopicArn in Publish and GetTopicAttributes, "" counting as one element; other
 * parameters keep the bare form, no recording of theirs was found).
 */
export function parseTopicArn(arn: string, parameter = "TopicArn"): TopicRef {
  const elements = arn.split(":").length;
  if (elements < 6 && parameter === "TopicArn") throw invalidParameter(`Invalid parameter: ${parameter} Reason: An ARN must have at least 6 elements, not ${elements}`);
  const parsed = parseArn(arn);
  if (parsed === undefined || parsed.service !== "sns" || !/^\d{12}$/.test(parsed.account) || parsed.region === "" || !/^[\w-]+(\.fifo)?$/.test(parsed.resource)) {
    throw invalidParameter(`Invalid parameter: ${parameter}`);
  }
  return { account: parsed.account, region: parsed.region, name: parsed.resource };
}

/**
 * A topic ARN of the request's region. A regional endpoint sees only its own region's topics:
 * another region's ARN is an invalid parameter, for every topic operation (recorded May 2025).
 */
export function regionalTopicRef(ctx: SnsContext, arn: string, parameter = "TopicArn"): TopicRef {
  const ref = parseTopicArn(arn, parameter);
  if (ref.region !== ctx.region) throw invalidParameter(`Invalid parameter: ${parameter}`);
  return ref;
}

export function resolveTopic(ctx: SnsContext, arn: string, parameter = "TopicArn"): Topic {
  const topic = ctx.store.getTopic(regionalTopicRef(ctx, arn, parameter));
  if (topic === undefined) throw errors.TopicNotFound();
  authorizeTopic(ctx, topic);
  return topic;
}

/** The topic policy's action for an operation: SNS:Publish for Publish and PublishBatch. */
function snsAction(operation: string): string {
  return `SNS:${operation === "PublishBatch" ? "Publish" : operation}`;
}

/**
 * With policies enforced (auth/access.ts): the topic's account may do what its policy does not
 * explicitly deny; other accounts and services (S3 publishing for a bucket) need its Allow. The
 * default policy allows the owner account only (its AWS:SourceOwner condition).
 */
function authorizeTopic(ctx: SnsContext, topic: Topic): void {
  // A confirmation's token is its authority: endpoints confirm with an unsigned GET of the SubscribeURL.
  if (!enforcesPolicies(ctx.config) || ctx.operation === "ConfirmSubscription") return;
  const action = snsAction(ctx.operation);
  const resource = topicArn(topic);
  const refusal = resourcePolicyRefusal(ctx, { arn: resource, account: topic.account, policy: topic.attributes["Policy"] }, action);
  if (refusal !== undefined) throw errors.AuthorizationError({ message: refusal });
}

/** Where a subscription ARN points (`arn:aws:sns:<region>:<account>:<topic>:<id>`), if it is one. */
export function subscriptionRef(arn: string): { account: string; region: string; id: string } | undefined {
  const parsed = parseArn(arn);
  const parts = parsed?.resource.split(":") ?? [];
  if (parsed === undefined || parsed.service !== "sns" || parts.length !== 2) return undefined;
  return { account: parsed.account, region: parsed.region, id: parts[1] ?? "" };
}

export function resolveSubscription(ctx: SnsContext, arn: string): Subscription {
  const ref = subscriptionRef(arn);
  if (ref === undefined) throw invalidParameter("Invalid parameter: SubscriptionArn");
  const sub = ctx.store.getSubscription(ref.account, ref.region, ref.id);
  if (sub === undefined) throw errors.SubscriptionNotFound();
  return sub;
}

/**
 * The IAM principal that subscribed (GetSubscriptionAttributes' SubscriptionPrincipal, and whom
 * an Outbound data protection statement names): Nimbus keeps the subscribing account, so its root.
 */
export function subscriptionPrincipal(sub: Pick<Subscription, "owner">): string {
  return `arn:aws:iam::${sub.owner}:root`;
}

/** What ListSubscriptions shows: pending subscriptions have no ARN yet. */
export function listedArn(sub: Subscription): string {
  return sub.confirmed ? subscriptionArn(sub) : "PendingConfirmation";
}

/**
 * A page of a List* call and its NextToken. `items` are in the order of `keyOf`, which no two
 * share; the token holds the last listed item's key, so the next page starts after it even when
 * items were deleted meanwhile (boto3's `for s in topic.subscriptions.all(): s.delete()` deletes
 * each page before asking for the next: a position would skip as many items as were deleted).
 */
export function pageOf<T>(items: readonly T[], token: string | undefined, size: number, keyOf: (item: T) => string | number): { items: T[]; next?: string } {
  let start = 0;
  if (token !== undefined) {
    const after = decodeToken(token);
    start = items.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = items.length;
  }
  const page = items.slice(start, start + size);
  const last = page[page.length - 1];
  return start + size < items.length && last !== undefined ? { items: page, next: Buffer.from(JSON.stringify([keyOf(last)])).toString("base64") } : { items: page };
}

function decodeToken(token: string): string | number {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const key: unknown = Array.isArray(decoded) && decoded.length === 1 ? decoded[0] : undefined;
  if (typeof key !== "string" && typeof key !== "number") throw invalidParameter("Invalid parameter: NextToken");
  return key;
}

// ---------------------------------------------------------------------------------------------
// Large messages (developer guide, "Publishing large messages with Amazon SNS"): a topic's
// MaximumMessageSize may be any integer from 1,024 to 1,048,576 bytes, 262,144 by default.
// Above 256 KiB the topic supports Firehose, SQS and Lambda subscriptions only, 100 in all, and
// "If you attempt to create additional subscriptions, Amazon SNS returns an InvalidParameter
// error". AWS's wording of these refusals is not recorded anywhere found; Nimbus's say what
// the guide says.

export const MIN_MESSAGE_SIZE = 1_024;
export const MAX_MESSAGE_SIZE = 1_048_576;
const LARGE_MESSAGE_PROTOCOLS = new Set(["firehose", "sqs", "lambda"]);
const LARGE_MESSAGE_SUBSCRIPTIONS = 100;

/** The largest message (body and attributes) the topic accepts, in bytes. */
export function topicMaximumMessageSize(topic: Topic): number {
  const set = topic.attributes.MaximumMessageSize;
  return set === undefined ? DEFAULT_MAXIMUM_MESSAGE_SIZE : Number(set);
}

const largeMessageRule = `A topic with a MaximumMessageSize above ${DEFAULT_MAXIMUM_MESSAGE_SIZE} bytes supports up to ${LARGE_MESSAGE_SUBSCRIPTIONS} subscriptions, each firehose, sqs or lambda`;

/** SetTopicAttributes MaximumMessageSize: a size above 256 KiB needs subscriptions that allow it. */
export function checkLargeMessageSubscriptions(size: number, subscriptions: readonly Subscription[]): void {
  if (size <= DEFAULT_MAXIMUM_MESSAGE_SIZE) return;
  if (subscriptions.length > LARGE_MESSAGE_SUBSCRIPTIONS || subscriptions.some((s) => !LARGE_MESSAGE_PROTOCOLS.has(s.protocol))) {
    throw invalidParameter(`Invalid parameter: MaximumMessageSize Reason: ${largeMessageRule}`);
  }
}

/** Subscribe to a topic that takes large messages: one more subscription of the kinds it supports. */
export function checkLargeMessageSubscribe(topic: Topic, protocol: string, subscriptions: readonly Subscription[]): void {
  if (topicMaximumMessageSize(topic) <= DEFAULT_MAXIMUM_MESSAGE_SIZE) return;
  if (!LARGE_MESSAGE_PROTOCOLS.has(protocol)) throw invalidParameter(`Invalid parameter: Protocol Reason: ${largeMessageRule}`);
  if (subscriptions.length >= LARGE_MESSAGE_SUBSCRIPTIONS) throw invalidParameter(`Invalid parameter: Reason: ${largeMessageRule}`);
}

/** The topic's active message archive (ArchivePolicy), if it has one. */
export function topicArchive(topic: Topic): ArchiveWindow | undefined {
  const policy = topic.attributes.ArchivePolicy;
  if (policy === undefined || topic.archiveSince === undefined) return undefined;
  // Validated when it was set: a policy kept on the topic always names its retention period.
  const retentionDays = parseArchivePolicy(policy, "");
  return retentionDays === undefined ? undefined : { since: topic.archiveSince, retentionDays };
}
