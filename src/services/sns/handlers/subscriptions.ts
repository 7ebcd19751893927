import { randomUUID } from "node:crypto";
import { parseArn } from "../../../core/arn.js";
import type {
  ConfirmSubscriptionInput,
  ConfirmSubscriptionOutput,
  GetSubscriptionAttributesInput,
  GetSubscriptionAttributesOutput,
  ListSubscriptionsByTopicInput,
  ListSubscriptionsByTopicOutput,
  ListSubscriptionsInput,
  ListSubscriptionsOutput,
  SetSubscriptionAttributesInput,
  SetSubscriptionAttributesOutput,
  SubscribeInput,
  SubscribeOutput,
  UnsubscribeInput,
  UnsubscribeOutput,
} from "../../../generated/sns.js";
import { parseReplayPolicy, type ArchiveWindow, type ReplayWindow } from "../domain/archive.js";
import { validateFilterPolicy, validateFilterPolicyScope, type FilterPolicyOperation } from "../domain/filter-policy.js";
import { generateConfirmationToken } from "../domain/messages.js";
import { sendEmailConfirmation, sendQueueConfirmation, sendSubscriptionConfirmation, sendUnsubscribeConfirmation } from "../delivery.js";
import { effectiveSubscriptionDeliveryPolicy, normalizeSubscriptionDeliveryPolicy } from "../delivery-policy.js";
import { parseEndpointArn } from "../platform.js";
import { isSmsEndpoint } from "../sms.js";
import { invalidParameter } from "../errors.js";
import { checkSubscriptionQuota } from "../quotas.js";
import { startReplay } from "../replay.js";
import type { Subscription, Topic } from "../store.js";
import {
  checkLargeMessageSubscribe,
  listedArn,
  pageOf,
  regionalTopicRef,
  resolveSubscription,
  resolveTopic,
  subscriptionArn,
  subscriptionPrincipal,
  subscriptionRef,
  topicArchive,
  topicArn,
  type SnsContext,
} from "../topics.js";

const PROTOCOLS = new Set(["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"]);
/** These need the endpoint's owner to confirm; the others are confirmed when created. */
const NEEDS_CONFIRMATION = new Set(["http", "https", "email", "email-json"]);
/**
 * How long a pending subscription waits for its confirmation. The API reference (Subscribe, in
 * the current SDK models) says "Confirmation tokens are valid for two days" (older editions said
 * three), and the developer guide ("Deleting an Amazon SNS subscription and topic") that "Amazon
 * SNS automatically deletes unconfirmed subscriptions after 48 hours". Past it the subscription
 * is gone, so its token is one SNS does not know.
 */
export const PENDING_CONFIRMATION_MS = 48 * 3_600_000;

const SUBSCRIPTION_ATTRIBUTES = new Set(["DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy", "SubscriptionRoleArn"]);
/**
 * ReplayPolicy "appl[ies] only to FIFO topics" (API reference, Subscribe). AWS's refusal of it on
 * a standard topic's subscription is not recorded anywhere found; Nimbus answers as for an
 * attribute the subscription does not have, as it does for a topic's FIFO-only attributes.
 * ReplayStatus is read-only: GetSubscriptionAttributes answers it.
 */
const FIFO_SUBSCRIPTION_ATTRIBUTES = new Set(["ReplayPolicy"]);

function settable(name: string, fifoTopic: boolean): boolean {
  return SUBSCRIPTION_ATTRIBUTES.has(name) || (fifoTopic && FIFO_SUBSCRIPTION_ATTRIBUTES.has(name));
}

function checkEndpoint(protocol: string, endpoint: string | undefined): string {
  const value = endpoint ?? "";
  const arn = parseArn(value);
  switch (protocol) {
    case "sqs":
      if (arn?.service !== "sqs" || !/^\d{12}$/.test(arn.account)) throw invalidParameter("Invalid parameter: SQS endpoint ARN");
      return value;
    case "lambda":
      if (arn?.service !== "lambda") throw invalidParameter("Invalid parameter: Lambda endpoint ARN");
      return value;
    case "firehose":
      if (arn?.service !== "firehose") throw invalidParameter("Invalid parameter: Firehose endpoint ARN");
      return value;
    case "application":
      if (arn?.service !== "sns") throw invalidParameter("Invalid parameter: Application endpoint ARN");
      return value;
    case "http":
    case "https":
      if (!value.toLowerCase().startsWith(`${protocol}://`)) throw invalidParameter("Invalid parameter: Endpoint must match the specified protocol");
      return value;
    case "email":
    case "email-json":
      if (!/^[^@\s]+@[^@\s]+$/.test(value)) throw invalidParameter("Invalid parameter: Email address");
      return value;
    case "sms":
      // AWS names the endpoint in its refusal without the usual "Invalid parameter:" prefix.
      if (!isSmsEndpoint(value)) throw invalidParameter(`Invalid SMS endpoint: ${value}`);
      return value;
    default:
      return value;
  }
}

/**
 * RedrivePolicy: `{"deadLetterTargetArn": "<SQS queue ARN>"}`; a FIFO topic's subscription of a
 * FIFO queue needs a FIFO queue (AWS's wording for both refusals). The same topic's subscription
 * of a standard queue takes a standard one (recorded Aug 2025, LocalStack's AWS-validated
 * test_validations_for_fifo: not-fifo-queue set, regular-queue-for-dlq-of-fifo-topic refused).
 */
function checkRedrivePolicy(value: string, prefix: string, fifoSubscription: boolean): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidParameter(`${prefix}RedrivePolicy: failed to parse JSON.`);
  }
  const target = typeof parsed === "object" && parsed !== null ? (parsed as { deadLetterTargetArn?: unknown }).deadLetterTargetArn : undefined;
  const arn = typeof target === "string" ? parseArn(target) : undefined;
  if (arn === undefined || arn.service !== "sqs" || arn.resource === "") throw invalidParameter(`${prefix}RedrivePolicy: deadLetterTargetArn is an invalid arn`);
  if (fifoSubscription && !arn.resource.endsWith(".fifo")) {
    throw invalidParameter(`${prefix}RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.`);
  }
}

/**
 * What a subscription without the attribute has, for Subscribe's idempotency: subscribing again
 * with FilterPolicyScope "MessageAttributes" answers the subscription made without it (recorded
 * against AWS, Oct 2025, LocalStack's test_subscribe_idempotency: subscribe-idempotent,
 * subscribe-missing-attributes); RawMessageDelivery "false" is what GetSubscriptionAttributes lists.
 */
const SUBSCRIPTION_DEFAULTS: Readonly<Record<string, string>> & { readonly RawMessageDelivery: string; readonly FilterPolicyScope: string } = {
  RawMessageDelivery: "false",
  FilterPolicyScope: "MessageAttributes",
};

/** The protocols whose deliveries can drop the JSON envelope (RawMessageDelivery). */
const RAW_PROTOCOLS = new Set(["sqs", "http", "https", "firehose"]);

/** What an attribute's rules depend on: the subscription's protocol, its topic, and (ReplayPolicy) the topic's archive now. */
interface AttributeTarget {
  protocol: string;
  /** A FIFO topic's subscription of a FIFO queue. */
  fifoSubscription: boolean;
  archive: ArchiveWindow | undefined;
  now: number;
}

/** Validates one subscription attribute and returns the value to keep. */
function checkAttribute(name: string, value: string, all: Readonly<Record<string, string>>, operation: FilterPolicyOperation, target: AttributeTarget): string {
  const prefix = operation === "Subscribe" ? "Invalid parameter: Attributes Reason: " : "Invalid parameter: ";
  switch (name) {
    case "RawMessageDelivery": {
      const lower = value.toLowerCase();
      if (lower !== "true" && lower !== "false") throw invalidParameter(`${prefix}RawMessageDelivery: Invalid value [${value}]. Must be true or false.`);
      // Refused whatever the value, "false" too (AWS SDK integration test, application
      // protocol; Subscribe's wording recorded against AWS for email).
      if (!RAW_PROTOCOLS.has(target.protocol)) throw invalidParameter(`${prefix}Delivery protocol [${target.protocol}] does not support raw message delivery.`);
      return lower;
    }
    case "FilterPolicyScope":
      return validateFilterPolicyScope(value, operation);
    case "FilterPolicy": {
      if (value === "") return value;
      const scope = validateFilterPolicyScope(all.FilterPolicyScope ?? SUBSCRIPTION_DEFAULTS.FilterPolicyScope, operation);
      validateFilterPolicy(value, { scope, operation });
      return value;
    }
    case "DeliveryPolicy":
      return normalizeSubscriptionDeliveryPolicy(value, prefix);
    case "RedrivePolicy":
      if (value !== "") checkRedrivePolicy(value, prefix, target.fifoSubscription);
      return value;
    case "ReplayPolicy":
      // A policy that stops replaying (`{}`) leaves the subscription without the attribute.
      return parseReplayPolicy(value, prefix, target.archive, target.now) === undefined ? "" : value;
    default:
      return value;
  }
}

export async function subscribe(input: SubscribeInput, ctx: SnsContext): Promise<SubscribeOutput> {
  const topic = resolveTopic(ctx, input.TopicArn);
  const protocol = input.Protocol.toLowerCase();
  if (!PROTOCOLS.has(protocol)) throw invalidParameter(`Invalid parameter: Amazon SNS does not support this protocol string: ${input.Protocol}`);
  // FIFO topics deliver to SQS queues only, FIFO or standard (developer guide, "Message delivery
  // for FIFO topics"; Firehose's prerequisites ask for "a standard SNS topic"). AWS's refusal
  // is recorded for lambda (2021) and sms (2024): "Invalid parameter: Invalid protocol type: sms".
  if (topic.fifo && protocol !== "sqs") throw invalidParameter(`Invalid parameter: Invalid protocol type: ${input.Protocol}`);
  const endpoint = checkEndpoint(protocol, input.Endpoint);
  if (protocol === "sqs" && endpoint.endsWith(".fifo") && !topic.fifo) {
    throw invalidParameter("Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics");
  }
  const requested = input.Attributes ?? {};
  const attributes: Record<string, string> = {};
  const target = attributeTarget(ctx, protocol, endpoint, topic);
  for (const [name, value] of Object.entries(requested)) {
    if (!settable(name, topic.fifo)) throw invalidParameter(`Invalid parameter: Attributes Reason: Unknown attribute ${name}`);
    const checked = checkAttribute(name, value, requested, "Subscribe", target);
    if (name === "ReplayPolicy" && checked === "") continue;
    attributes[name] = checked;
  }
  if (attributes.FilterPolicy !== undefined) attributes.FilterPolicyScope ??= SUBSCRIPTION_DEFAULTS.FilterPolicyScope;
  // "Specifying a valid ARN for this attribute is required for Firehose delivery stream
  // subscriptions" (Subscribe, SubscriptionRoleArn): SNS assumes that role to write to the
  // stream. No recording of AWS's refusal was found; worded like Subscribe's other
  // attribute refusals.
  if (protocol === "firehose" && (attributes.SubscriptionRoleArn ?? "") === "") {
    throw invalidParameter("Invalid parameter: Attributes Reason: SubscriptionRoleArn is required for firehose subscriptions");
  }
  if (protocol === "application") {
    const ref = parseEndpointArn(endpoint);
    if (ref === undefined || ctx.store.platform.getEndpoint(ref.account, ref.region, ref.id) === undefined) {
      // Sic: AWS runs "arn" and the ARN together.
      throw invalidParameter(`Invalid parameter: Endpoint Reason: Endpoint does not exist for endpoint arn${endpoint}`);
    }
  }
  // A queue of another account than the caller's waits for a confirmation: "When the queue owner
  // creates a subscription, the subscription doesn't require confirmation" (developer guide,
  // "Sending Amazon SNS messages to an Amazon SQS queue in a different account"); subscribed
  // from the topic's account, "have a user with permissions to read messages from the queue
  // confirm the subscription" (AWS Knowledge Center, sns-cross-account-subscription).
  const otherAccountsQueue = protocol === "sqs" && parseArn(endpoint)?.account !== ctx.account;
  const confirmed = !NEEDS_CONFIRMATION.has(protocol) && !otherAccountsQueue;
  let created: Subscription | undefined;
  const sub = ctx.store.transaction(() => {
    ctx.store.dropUnconfirmed(ctx.clock.now() - PENDING_CONFIRMATION_MS, topic);
    const subscriptions = ctx.store.subscriptionsOf(topic);
    const existing = subscriptions.find((s) => s.protocol === protocol && s.endpoint === endpoint);
    if (existing !== undefined) {
      for (const [name, value] of Object.entries(attributes)) {
        if ((existing.attributes[name] ?? SUBSCRIPTION_DEFAULTS[name]) !== value) throw invalidParameter("Invalid parameter: Attributes Reason: Subscription already exists with different attributes");
      }
      return existing;
    }
    checkLargeMessageSubscribe(topic, protocol, subscriptions);
    checkSubscriptionQuota(topic.fifo, subscriptions.length);
    created = ctx.store.insertSubscription({
      account: topic.account,
      region: topic.region,
      id: randomUUID(),
      topic: topic.name,
      protocol,
      endpoint,
      owner: ctx.account,
      attributes,
      confirmed,
      token: confirmed ? undefined : generateConfirmationToken(),
    }, ctx.clock.now());
    return created;
  });
  // "Messages can be replayed immediately after the subscription is created" (developer guide).
  const replay = replayWindow(attributes.ReplayPolicy, target);
  if (created !== undefined && replay !== undefined) startReplay(ctx, created, replay);
  if (!sub.confirmed && sub.token !== undefined && (protocol === "http" || protocol === "https")) {
    // Sent without waiting: AWS answers Subscribe before the endpoint has seen the confirmation.
    sendSubscriptionConfirmation(ctx, topic, sub, sub.token);
  }
  if (!sub.confirmed && sub.token !== undefined && (protocol === "email" || protocol === "email-json")) {
    sendEmailConfirmation(ctx, topic, sub, sub.token);
  }
  if (!sub.confirmed && sub.token !== undefined && protocol === "sqs") await sendQueueConfirmation(ctx, topic, sub, sub.token);
  if (!sub.confirmed && input.ReturnSubscriptionArn !== true) return { SubscriptionArn: "pending confirmation" };
  return { SubscriptionArn: subscriptionArn(sub) };
}

/**
 * Confirms a pending subscription by its token, or restores an unsubscribed HTTP/S one by the
 * token of its UnsubscribeConfirmation ("To cancel this operation and restore the subscription,
 * visit the SubscribeURL"): as it was, under its old ARN, confirmed.
 *
 * The token names the subscription; the TopicArn need only be a topic ARN of the request's
 * region. Recorded against AWS (Oct 2023, LocalStack's test_subscribe_external_http_endpoint
 * snapshot): with a subscription's token, "not-an-arn" and the topic's ARN in another region
 * answer "Invalid parameter: Topic", while the ARN of a topic that does not exist, in the
 * right region, confirms the subscription ("weirdly, even with a wrong topic, SNS will confirm").
 */
export function confirmSubscription(input: ConfirmSubscriptionInput, ctx: SnsContext): ConfirmSubscriptionOutput {
  // The token's form speaks first (recorded against AWS, Oct 2025, in LocalStack's
  // test_sns_confirm_subscription_wrong_token): "randomtoken" answers "Invalid token"; a token
  // of SNS's form that it does not know answers "Invalid parameter: Token", for a topic that
  // does not exist too. SNS's tokens are hex; that this is the form AWS checks is inferred.
  if (!/^[0-9a-f]+$/i.test(input.Token)) throw invalidParameter("Invalid token");
  const ref = regionalTopicRef(ctx, input.TopicArn, "Topic");
  const pending = ctx.store.subscriptionByToken(ref.account, ref.region, input.Token);
  if (pending !== undefined) {
    // An expired token answers like an unknown one: AWS has deleted its subscription by then.
    ctx.store.dropUnconfirmed(ctx.clock.now() - PENDING_CONFIRMATION_MS, { account: pending.account, region: pending.region, name: pending.topic });
    const sub = ctx.store.getSubscription(pending.account, pending.region, pending.id);
    if (sub !== undefined) {
      if (!sub.confirmed) ctx.store.updateSubscription({ ...{}, ...sub, confirmed: true });
      return { SubscriptionArn: subscriptionArn(sub) };
    }
  }
  const restored = ctx.store.transaction(() => {
    // The UnsubscribeConfirmation's token is a confirmation token like Subscribe's, "valid for
    // two days" (API reference, ConfirmSubscription); past that the subscription is gone for good.
    const unsubscribed = ctx.store.takeUnsubscribed(ref.account, ref.region, input.Token, ctx.clock.now() - PENDING_CONFIRMATION_MS);
    if (unsubscribed === undefined) return undefined;
    const topic = ctx.store.getTopic({ account: unsubscribed.account, region: unsubscribed.region, name: unsubscribed.topic });
    // DeleteTopic forgets its unsubscribed subscriptions: a kept one's topic is there.
    if (topic === undefined) return undefined;
    // A restored subscription is one more on the topic (the model lists SubscriptionLimitExceeded for ConfirmSubscription).
    checkSubscriptionQuota(topic.fifo, ctx.store.subscriptionsOf(topic).length);
    ctx.store.insertSubscription({ ...{}, ...unsubscribed, confirmed: true }, ctx.clock.now());
    return unsubscribed;
  });
  if (restored === undefined) throw invalidParameter("Invalid parameter: Token");
  return { SubscriptionArn: subscriptionArn(restored) };
}

/**
 * Unsubscribe is idempotent: a subscription that no longer exists (or never did) answers OK. A
 * malformed ARN is refused with AWS's reasons (recorded Oct 2025): too few parts, "An ARN must
 * have at least 6 elements, not N"; a topic ARN without a subscription id, "SubscriptionId".
 * An HTTP/S endpoint is told it was unsubscribed (an UnsubscribeConfirmation POST).
 */
export function unsubscribe(input: UnsubscribeInput, ctx: SnsContext): UnsubscribeOutput {
  const arn = input.SubscriptionArn;
  const elements = arn.split(":").length;
  if (elements < 6) throw invalidParameter(`Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not ${elements}`);
  const ref = subscriptionRef(arn);
  if (ref === undefined) throw invalidParameter(elements === 6 ? "Invalid parameter: SubscriptionId" : "Invalid parameter: SubscriptionArn");
  const sub = ctx.store.getSubscription(ref.account, ref.region, ref.id);
  if (sub === undefined) return {};
  ctx.store.transaction(() => ctx.store.deleteSubscription(sub));
  const topic = ctx.store.getTopic({ account: sub.account, region: sub.region, name: sub.topic });
  if (topic !== undefined && (sub.protocol === "http" || sub.protocol === "https")) sendUnsubscribeConfirmation(ctx, topic, sub);
  return {};
}

// ListSubscriptions and ListSubscriptionsByTopic pages hold up to 100 subscriptions.
const PAGE = 100;

function listed(sub: Subscription) {
  return { SubscriptionArn: listedArn(sub), Owner: sub.owner, Protocol: sub.protocol, Endpoint: sub.endpoint, TopicArn: topicArn({ account: sub.account, region: sub.region, name: sub.topic }) };
}

export function listSubscriptions(input: ListSubscriptionsInput, ctx: SnsContext): ListSubscriptionsOutput {
  const page = pageOf(ctx.store.allSubscriptions(ctx.account, ctx.region), input.NextToken, PAGE, (s) => s.seq);
  return { Subscriptions: page.items.map(listed), ...(page.next !== undefined ? { NextToken: page.next } : {}) };
}

export function listSubscriptionsByTopic(input: ListSubscriptionsByTopicInput, ctx: SnsContext): ListSubscriptionsByTopicOutput {
  const topic = resolveTopic(ctx, input.TopicArn);
  const page = pageOf(ctx.store.subscriptionsOf(topic), input.NextToken, PAGE, (s) => s.seq);
  return { Subscriptions: page.items.map(listed), ...(page.next !== undefined ? { NextToken: page.next } : {}) };
}

export function getSubscriptionAttributes(input: GetSubscriptionAttributesInput, ctx: SnsContext): GetSubscriptionAttributesOutput {
  const sub = resolveSubscription(ctx, input.SubscriptionArn);
  // "ReplayStatus – Retrieves the status of the subscription message replay" (API reference): once a ReplayPolicy started one.
  const replay = ctx.store.archive.getReplay(sub.account, sub.region, sub.id);
  // Only HTTP/S subscriptions have a delivery policy of their own to show.
  const effective: Record<string, string> =
    sub.protocol === "http" || sub.protocol === "https"
      ? { EffectiveDeliveryPolicy: JSON.stringify(effectiveSubscriptionDeliveryPolicy(sub.attributes.DeliveryPolicy, ctx.store.getTopic({ account: sub.account, region: sub.region, name: sub.topic })?.attributes.DeliveryPolicy)) }
      : {};
  // A FilterPolicyScope set without a FilterPolicy is kept but not listed until a policy joins
  // it (recorded against AWS, May 2024, in LocalStack's filter policy scope snapshot).
  const { FilterPolicyScope: _scope, ...withoutScope } = sub.attributes;
  const listed = sub.attributes.FilterPolicy !== undefined ? sub.attributes : withoutScope;
  return {
    Attributes: {
      ...{}, ...effective,
      RawMessageDelivery: SUBSCRIPTION_DEFAULTS.RawMessageDelivery,
      ...listed,
      SubscriptionArn: subscriptionArn(sub),
      TopicArn: topicArn({ account: sub.account, region: sub.region, name: sub.topic }),
      Owner: sub.owner,
      Protocol: sub.protocol,
      Endpoint: sub.endpoint,
      PendingConfirmation: String(!sub.confirmed),
      ConfirmationWasAuthenticated: String(sub.confirmed),
      SubscriptionPrincipal: subscriptionPrincipal(sub),
      ...(replay !== undefined ? { ReplayStatus: replay.status } : {}),
    },
  };
}

export function setSubscriptionAttributes(input: SetSubscriptionAttributesInput, ctx: SnsContext): SetSubscriptionAttributesOutput {
  const sub = resolveSubscription(ctx, input.SubscriptionArn);
  const name = input.AttributeName;
  const topic = ctx.store.getTopic({ account: sub.account, region: sub.region, name: sub.topic });
  if (!settable(name, topic?.fifo ?? false)) throw invalidParameter("Invalid parameter: AttributeName");
  const value = input.AttributeValue ?? "";
  const next = { ...{}, ...sub.attributes, [name]: value };
  const target = attributeTarget(ctx, sub.protocol, sub.endpoint, topic);
  const checked = checkAttribute(name, value, next, "SetSubscriptionAttributes", target);
  const attributes = { ...sub.attributes };
  if (checked === "" && name !== "RawMessageDelivery") delete attributes[name];
  else attributes[name] = checked;
  if (name === "FilterPolicyScope" && attributes.FilterPolicy !== undefined) {
    validateFilterPolicy(attributes.FilterPolicy, { scope: validateFilterPolicyScope(checked, "SetSubscriptionAttributes"), operation: "SetSubscriptionAttributes" });
  }
  if (attributes.FilterPolicy !== undefined) attributes.FilterPolicyScope ??= SUBSCRIPTION_DEFAULTS.FilterPolicyScope;
  const updated: Subscription = { ...{}, ...sub, attributes };
  ctx.store.transaction(() => {
    ctx.store.updateSubscription(updated);
    // A new ReplayPolicy replaces the subscription's replay; removing it ends the replay (and a pause at its EndingPoint).
    if (name === "ReplayPolicy") ctx.store.archive.deleteReplay(sub.account, sub.region, sub.id);
  });
  const replay = name === "ReplayPolicy" ? replayWindow(checked, target) : undefined;
  if (replay !== undefined) startReplay(ctx, updated, replay);
  return {};
}

function attributeTarget(ctx: SnsContext, protocol: string, endpoint: string, topic: Topic | undefined): AttributeTarget {
  const fifoSubscription = (topic?.fifo ?? false) && protocol === "sqs" && endpoint.endsWith(".fifo");
  return { protocol, fifoSubscription, archive: topic === undefined ? undefined : topicArchive(topic), now: ctx.clock.now() };
}

/** The window of a ReplayPolicy that checkAttribute accepted, or undefined when there is none. */
function replayWindow(policy: string | undefined, target: AttributeTarget): ReplayWindow | undefined {
  return policy === undefined || policy === "" ? undefined : parseReplayPolicy(policy, "", target.archive, target.now);
}
