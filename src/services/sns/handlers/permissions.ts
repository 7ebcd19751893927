/**
 * AddPermission / RemovePermission: statements in the topic's Policy attribute, one per label
 * (Sid), with account root principals and "SNS:" actions, as AWS writes them.
 */
import type { AddPermissionInput, AddPermissionOutput, RemovePermissionInput, RemovePermissionOutput } from "../../../generated/sns.js";
import { invalidParameter } from "../errors.js";
import { OUT_OF_SCOPE } from "../topic-policy.js";
import { resolveTopic, topicArn, type SnsContext } from "../topics.js";

const ACTIONS = new Set([
  "Publish",
  "Subscribe",
  "Receive",
  "GetTopicAttributes",
  "SetTopicAttributes",
  "AddPermission",
  "RemovePermission",
  "DeleteTopic",
  "ListSubscriptionsByTopic",
  "ListTopics",
  "Unsubscribe",
  "*",
]);

interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Array<{ Sid?: string; [key: string]: unknown }>;
}

function policyOf(text: string | undefined): PolicyDocument {
  const parsed = JSON.parse(text ?? "{}") as { Version?: string; Id?: string; Statement?: PolicyDocument["Statement"] | PolicyDocument["Statement"][number] };
  const statements = parsed.Statement === undefined ? [] : Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return { ...{}, ...parsed, Statement: statements };
}

export function addPermission(input: AddPermissionInput, ctx: SnsContext): AddPermissionOutput {
  const topic = resolveTopic(ctx, input.TopicArn);
  if (input.AWSAccountId.length === 0) throw invalidParameter("Invalid parameter: AWSAccountId");
  if (input.ActionName.length === 0) throw invalidParameter("Invalid parameter: ActionName");
  if (input.ActionName.some((a) => !ACTIONS.has(a))) throw invalidParameter(`Invalid parameter: ${OUT_OF_SCOPE}`);
  const policy = policyOf(topic.attributes.Policy);
  if (policy.Statement.some((s) => s.Sid === input.Label)) throw invalidParameter("Invalid parameter: Statement already exists");
  policy.Statement.push({
    Sid: input.Label,
    Effect: "Allow",
    Principal: { AWS: input.AWSAccountId.map((a) => `arn:aws:iam::${a}:root`) },
    Action: input.ActionName.map((a) => `SNS:${a}`),
    Resource: topicArn(topic),
  });
  ctx.store.updateTopicAttributes(topic, { ...{}, ...topic.attributes, Policy: JSON.stringify(policy) });
  return {};
}

/** Removing a label the policy does not have changes nothing. */
export function removePermission(input: RemovePermissionInput, ctx: SnsContext): RemovePermissionOutput {
  const topic = resolveTopic(ctx, input.TopicArn);
  const policy = policyOf(topic.attributes.Policy);
  const remaining = policy.Statement.filter((s) => s.Sid !== input.Label);
  if (remaining.length !== policy.Statement.length) {
    ctx.store.updateTopicAttributes(topic, { ...{}, ...topic.attributes, Policy: JSON.stringify({ ...{}, ...policy, Statement: remaining }) });
  }
  return {};
}
