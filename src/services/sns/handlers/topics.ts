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
import { parseDataProtectionPolicy } from "../domain/data-protection-policy.js";
import { invalidParameter } from "../errors.js";
import { validateTopicPolicy } from "../topic-policy.js";
import {
  checkLargeMessageSubscriptions,
  MAX_MESSAGE_SIZE,
  MIN_MESSAGE_SIZE,
  pageOf,
  regionalTopicRef,
  resolveTopic,
  topicArn,
  type SnsContext,
} from "../topics.js";
import { tagMap, validateTags } from "./tags.js";

const NAME_RE = /^[A-Za-z0-9_-]{1,256}$/;

/** Attributes a topic accepts in CreateTopic and SetTopicAttributes (FIFO-only ones checked apart). */
const SETTABLE = new Set([
  "DataProtectionPolicy",
  "DeliveryPolicy",
  "DisplayName",
  "MaximumMessageSize",
  "Policy",
  "KmsMasterKeyId",
  "SignatureVersion",
  "TracingConfig",
  "ArchivePolicy",
  "BeginningArchiveTime",
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
const FIFO_SETTABLE = new Set(["ContentBasedDeduplication", "FifoThroughputScope"]);

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
      if (value !== "") {
        try {
          JSON.parse(value);
        } catch {
          throw invalidParameter(`${prefix}${name}`);
        }
      }
      return value;
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
    attributes[key] = checkValue(key, value, "Invalid parameter: Attributes Reason: ");
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
      return;
    }
    ctx.store.insertTopic(ref, { DisplayName: "", Policy: defaultPolicy(arn, ctx.account), ...attributes }, tags, ctx.clock.now());
  });
  return { TopicArn: arn };
}

/** DeleteTopic is idempotent: deleting a topic that does not exist succeeds. */
export function deleteTopic(input: DeleteTopicInput, ctx: SnsContext): DeleteTopicOutput {
  const ref = regionalTopicRef(ctx, input.TopicArn);
  ctx.store.transaction(() => ctx.store.deleteTopic(ref));
  return {};
}

// ListTopics pages hold up to 100 topics.
const PAGE = 100;

export function listTopics(input: ListTopicsInput, ctx: SnsContext): ListTopicsOutput {
  const page = pageOf(ctx.store.listTopics(ctx.account, ctx.region), input.NextToken, PAGE);
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
  ctx.store.updateTopicAttributes(topic, attributes);
  return {};
}
