import type {
  CreateTopicInput,
  CreateTopicOutput,
  DeleteTopicInput,
  DeleteTopicOutput,
  GetTopicAttributesInput,
  GetTopicAttributesOutput,
  ListTopicsInput,
  ListTopicsOutput,
  SetTopicAttributesInput,
  SetTopicAttributesOutput,
} from "../../../generated/sns.js";
import { effectiveTopicDeliveryPolicy, normalizeTopicDeliveryPolicy } from "../delivery-policy.js";
import { beginningArchiveTime, parseArchivePolicy } from "../domain/archive.js";
import { parseDataProtectionPolicy } from "../domain/data-protection-policy.js";
import { errors, invalidParameter } from "../errors.js";
import { checkTopicQuota } from "../quotas.js";
import { validateTopicPolicy } from "../topic-policy.js";
import {
  checkLargeMessageSubscriptions,
  MAX_MESSAGE_SIZE,
  MIN_MESSAGE_SIZE,
  pageOf,
  regionalTopicRef,
  resolveTopic,
  topicArchive,
  topicArn,
  type SnsContext,
} from "../topics.js";
import type { Topic } from "../store.js";
import { tagMap, validateTags } from "./tags.js";

const NAME_RE = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Attributes a topic accepts in CreateTopic and SetTopicAttributes (FIFO-only ones checked apart).
 * BeginningArchiveTime is not one: GetTopicAttributes answers it, CreateTopic and
 * SetTopicAttributes list ArchivePolicy alone among the archive's attributes (API reference).
 */
const SETTABLE = new Set([
  "DataProtectionPolicy",
  "DeliveryPolicy",
  "DisplayName",
  "MaximumMessageSize",
  "Policy",
  "KmsMasterKeyId",
  "SignatureVersion",
  "TracingConfig",
  "HTTPSuccessFeedbackRoleArn",
  "HTTPSuccessFeedbackSampleRate",
  "HTTPFailureFeedbackRoleArn",
  "SQSSuccessFeedbackRoleArn",
  "SQSSuccessFeedbackSampleRate",
  "SQSFailureFeedbackRoleArn",
  "LambdaSuccessFeedbackRoleArn",
  "LambdaSuccessFeedbackSampleRate",
  "LambdaFailureFeedbackRoleArn",
  "FirehoseSuccessFeedbackRoleArn",
  "FirehoseSuccessFeedbackSampleRate",
  "FirehoseFailureFeedbackRoleArn",
  "ApplicationSuccessFeedbackRoleArn",
  "ApplicationSuccessFeedbackSampleRate",
  "ApplicationFailureFeedbackRoleArn",
]);
/**
 * ArchivePolicy: "Amazon SNS message archiving and replay is only available for
 * application-to-application (A2A) FIFO topics" (developer guide). AWS's refusal of it on a
 * standard topic is not recorded anywhere found; Nimbus answers as for the other FIFO-only
 * attributes.
 */
const FIFO_SETTABLE = new Set(["ContentBasedDeduplication", "FifoThroughputScope", "ArchivePolicy"]);

function defaultPolicy(arn: string, account: string): string {
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [
      {
        Sid: "__default_statement_ID",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [
          "SNS:GetTopicAttributes",
          "SNS:SetTopicAttributes",
          "SNS:AddPermission",
          "SNS:RemovePermission",
          "SNS:DeleteTopic",
          "SNS:Subscribe",
          "SNS:ListSubscriptionsByTopic",
          "SNS:Publish",
        ],
        Resource: arn,
        Condition: { StringEquals: { "AWS:SourceOwner": account } },
      },
    ],
  });
}

function checkValue(name: string, value: string, prefix: string): string {
  switch (name) {
    case "ContentBasedDeduplication": {
      const lower = value.toLowerCase();
      if (lower !== "true" && lower !== "false") throw invalidParameter(`${prefix}ContentBasedDeduplication`);
      return lower;
    }
    case "SignatureVersion":
      if (value !== "1" && value !== "2") throw invalidParameter(`${prefix}SignatureVersion`);
      return value;
    case "Policy":
      if (value !== "") validateTopicPolicy(value, prefix);
      return value;
    case "DeliveryPolicy":
      return normalizeTopicDeliveryPolicy(value, prefix);
    case "DataProtectionPolicy":
      // AWS names the policy itself in its refusals, whichever way it came.
      if (value !== "") parseDataProtectionPolicy(value);
      return value;
    case "MaximumMessageSize": {
      // "any integer value between 1,024 and 1,048,576 bytes" (developer guide, "Publishing large messages").
      const size = /^[0-9]{1,7}$/.test(value) ? Number(value) : NaN;
      if (!(size >= MIN_MESSAGE_SIZE && size <= MAX_MESSAGE_SIZE)) throw invalidParameter(`${prefix}MaximumMessageSize`);
      return String(size);
    }
    case "ArchivePolicy":
      // A policy that deactivates archiving (`{}`) leaves the topic without the attribute.
      return parseArchivePolicy(value, prefix) === undefined ? "" : value;
    default:
      return value;
  }
}

export function createTopic(input: CreateTopicInput, ctx: SnsContext): CreateTopicOutput {
  // CreateTopic's DataProtectionPolicy member is the topic's DataProtectionPolicy attribute.
  const requested: Record<string, string> = { ...{}, ...(input.Attributes ?? {}), ...(input.DataProtectionPolicy !== undefined ? { DataProtectionPolicy: input.DataProtectionPolicy } : {}) };
  const fifo = (requested.FifoTopic ?? "").toLowerCase() === "true";
  const name = input.Name;
  if (fifo) {
    const base = name.endsWith(".fifo") ? name.slice(0, -".fifo".length) : "";
    if (!name.endsWith(".fifo") || !NAME_RE.test(base) || name.length > 256) {
      throw invalidParameter(
        "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.",
      );
    }
  } else if (!NAME_RE.test(name)) {
    throw invalidParameter("Invalid parameter: Topic Name");
  }
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(requested)) {
    if (key === "FifoTopic") {
      if (fifo) attributes.FifoTopic = "true";
      continue;
    }
    if (!SETTABLE.has(key) && !(fifo && FIFO_SETTABLE.has(key))) throw invalidParameter(`Invalid parameter: Attributes Reason: Unknown attribute ${key}`);
    const checked = checkValue(key, value, "Invalid parameter: Attributes Reason: ");
    if (key === "ArchivePolicy" && checked === "") continue;
    attributes[key] = checked;
  }
  if (fifo) attributes.ContentBasedDeduplication ??= "false";
  const tags = tagMap(input.Tags);
  validateTags({}, tags);
  const ref = { account: ctx.account, region: ctx.region, name };
  const arn = topicArn(ref);
  ctx.store.transaction(() => {
    const existing = ctx.store.getTopic(ref);
    if (existing !== undefined) {
      for (const [key, value] of Object.entries(attributes)) {
        if (existing.attributes[key] !== value) throw invalidParameter("Invalid parameter: Attributes Reason: Topic already exists with different attributes");
      }
      if (fifo !== existing.fifo) throw invalidParameter("Invalid parameter: Attributes Reason: Topic already exists with different attributes");
      // Tags the topic already has, some of them or none answer its ARN; any other tag is
      // refused, the topic's tags untouched (recorded against AWS: localstack/localstack#2405 and
      // LocalStack's aws-validated test_create_duplicate_topic_check_idempotency).
      for (const [key, value] of Object.entries(tags)) {
        if (existing.tags[key] !== value) throw invalidParameter("Invalid parameter: Tags Reason: Topic already exists with different tags");
      }
      return;
    }
    // Only a new topic counts: CreateTopic of one the account owns answers its ARN at the quota too.
    checkTopicQuota(fifo, ctx.store.topicCount(ctx.account, ctx.region, fifo));
    ctx.store.insertTopic(ref, { DisplayName: "", Policy: defaultPolicy(arn, ctx.account), ...attributes }, tags, ctx.clock.now());
    if (attributes.ArchivePolicy !== undefined) ctx.store.setArchiveSince(ref, ctx.clock.now());
  });
  return { TopicArn: arn };
}

/**
 * DeleteTopic is idempotent: deleting a topic that does not exist succeeds. A topic with an
 * active ArchivePolicy is not deleted: "To avoid accidental message deletions, you can not delete
 * a topic with an active message archive policy" (developer guide).
 */
export function deleteTopic(input: DeleteTopicInput, ctx: SnsContext): DeleteTopicOutput {
  const ref = regionalTopicRef(ctx, input.TopicArn);
  ctx.store.transaction(() => {
    const topic = ctx.store.getTopic(ref);
    if (topic !== undefined && topicArchive(topic) !== undefined) throw errors.ArchivedTopic();
    ctx.store.deleteTopic(ref);
  });
  return {};
}

// ListTopics pages hold up to 100 topics.
const PAGE = 100;

export function listTopics(input: ListTopicsInput, ctx: SnsContext): ListTopicsOutput {
  const page = pageOf(ctx.store.listTopics(ctx.account, ctx.region), input.NextToken, PAGE, (t) => t.name);
  return { Topics: page.items.map((t) => ({ TopicArn: topicArn(t) })), ...(page.next !== undefined ? { NextToken: page.next } : {}) };
}

export function getTopicAttributes(input: GetTopicAttributesInput, ctx: SnsContext): GetTopicAttributesOutput {
  const topic = resolveTopic(ctx, input.TopicArn);
  const subs = ctx.store.subscriptionsOf(topic);
  const attributes: Record<string, string> = {
    ...{}, ...topic.attributes,
    TopicArn: topicArn(topic),
    Owner: topic.account,
    SubscriptionsConfirmed: String(subs.filter((s) => s.confirmed).length),
    SubscriptionsPending: String(subs.filter((s) => !s.confirmed).length),
    SubscriptionsDeleted: String(topic.deletedSubscriptions),
    EffectiveDeliveryPolicy: JSON.stringify(effectiveTopicDeliveryPolicy(topic.attributes.DeliveryPolicy)),
  };
  const archive = topicArchive(topic);
  // "the oldest timestamp at which a subscriber can start a replay" (developer guide); SNS's timestamp form.
  if (archive !== undefined) attributes.BeginningArchiveTime = new Date(beginningArchiveTime(archive, ctx.clock.now())).toISOString();
  return { Attributes: attributes };
}

export function setTopicAttributes(input: SetTopicAttributesInput, ctx: SnsContext): SetTopicAttributesOutput {
  const topic = resolveTopic(ctx, input.TopicArn);
  const name = input.AttributeName;
  if (!SETTABLE.has(name) && !(topic.fifo && FIFO_SETTABLE.has(name))) throw invalidParameter("Invalid parameter: AttributeName");
  const value = checkValue(name, input.AttributeValue ?? "", "Invalid parameter: ");
  if (name === "MaximumMessageSize") checkLargeMessageSubscriptions(Number(value), ctx.store.subscriptionsOf(topic));
  const attributes = { ...topic.attributes };
  if (value === "" && name !== "DisplayName") delete attributes[name];
  else attributes[name] = value;
  if (name === "Policy" && value === "") attributes.Policy = defaultPolicy(topicArn(topic), topic.account);
  ctx.store.transaction(() => {
    ctx.store.updateTopicAttributes(topic, attributes);
    if (name === "ArchivePolicy") changeArchive(ctx, topic, value);
  });
  return {};
}

/**
 * A new ArchivePolicy: archiving starts now, or a new retention period applies to the messages
 * already archived; deactivated, "Amazon SNS deletes all of the archived messages" (developer
 * guide), so replays still running on the topic cannot complete (ReplayStatus Failed).
 */
function changeArchive(ctx: SnsContext, topic: Topic, value: string): void {
  const before = topicArchive(topic);
  const retentionDays = value === "" ? undefined : parseArchivePolicy(value, "");
  if (retentionDays === undefined) {
    if (before === undefined) return;
    ctx.store.archive.clear(topic);
    ctx.store.archive.failActiveReplays(topic);
    ctx.store.setArchiveSince(topic, undefined);
    return;
  }
  if (before === undefined) ctx.store.setArchiveSince(topic, ctx.clock.now());
  else if (before.retentionDays !== retentionDays) ctx.store.archive.retain(topic, retentionDays);
}
