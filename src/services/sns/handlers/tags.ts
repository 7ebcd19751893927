import { setOwn } from "../../../core/own.js";
import type {
  ListTagsForResourceInput,
  ListTagsForResourceOutput,
  TagResourceInput,
  TagResourceOutput,
  UntagResourceInput,
  UntagResourceOutput,
} from "../../../generated/sns.js";
import { errors, invalidParameter } from "../errors.js";
import { parseTopicArn, type SnsContext } from "../topics.js";
import type { Topic } from "../store.js";

// "You can add up to 50 tags per topic"; keys 1-128 characters, values up to 256.
const MAX_TAGS = 50;

/**
 * The request's tags by key. A key given twice is refused, whatever its values: "Invalid
 * parameter: Duplicated keys are not allowed." (recorded against AWS for TagResource in
 * LocalStack's aws-validated test_tags, Aug 2023). CreateTopic refuses them too (the CloudFormation
 * SNS provider had to drop duplicates before calling it, aws-cloudformation-resource-providers-sns#45);
 * its wording there is assumed to be the same.
 */
export function tagMap(tags: ReadonlyArray<{ Key: string; Value: string }> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) {
    if (Object.hasOwn(out, tag.Key)) throw invalidParameter("Invalid parameter: Duplicated keys are not allowed.");
    setOwn(out, tag.Key, tag.Value);
  }
  return out;
}

export function validateTags(current: Readonly<Record<string, string>>, added: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(added)) {
    if (key.length === 0 || key.length > 128) throw invalidParameter("Invalid parameter: Tags Reason: Tag keys must be between 1 and 128 characters in length");
    if (value.length > 256) throw invalidParameter("Invalid parameter: Tags Reason: Tag values must be between 0 and 256 characters in length");
  }
  if (Object.keys({ ...{}, ...current, ...added }).length > MAX_TAGS) throw errors.TagLimitExceeded();
}

function topicOf(ctx: SnsContext, arn: string): Topic {
  const topic = ctx.store.getTopic(parseTopicArn(arn, "ResourceArn"));
  if (topic === undefined) throw errors.ResourceNotFound();
  return topic;
}

export function tagResource(input: TagResourceInput, ctx: SnsContext): TagResourceOutput {
  const topic = topicOf(ctx, input.ResourceArn);
  const added = tagMap(input.Tags);
  validateTags(topic.tags, added);
  ctx.store.updateTopicTags(topic, { ...{}, ...topic.tags, ...added });
  return {};
}

export function untagResource(input: UntagResourceInput, ctx: SnsContext): UntagResourceOutput {
  const topic = topicOf(ctx, input.ResourceArn);
  const tags = { ...topic.tags };
  for (const key of input.TagKeys) delete tags[key];
  ctx.store.updateTopicTags(topic, tags);
  return {};
}

export function listTagsForResource(input: ListTagsForResourceInput, ctx: SnsContext): ListTagsForResourceOutput {
  const topic = topicOf(ctx, input.ResourceArn);
  return { Tags: Object.entries(topic.tags).map(([Key, Value]) => ({ Key, Value })) };
}
