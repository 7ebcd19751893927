import type { ListQueueTagsInput, ListQueueTagsOutput, TagQueueInput, TagQueueOutput, UntagQueueInput, UntagQueueOutput } from "../../../generated/sqs.js";
import { errors, sqsErrors } from "../errors.js";
import { resolveQueue, type SqsContext } from "../queues.js";

// Queue tags: at most 50 per queue; keys up to 128 characters, values up to 256.
const MAX_TAGS = 50;

export function validateTags(queueName: string, current: Readonly<Record<string, string>>, added: Readonly<Record<string, string>>): void {
  for (const [key, value] of Object.entries(added)) {
    if (key.length === 0 || key.length > 128) {
      throw sqsErrors.InvalidParameterValue({ message: `Tag keys must be between 1 and 128 characters in length.` });
    }
    if (value.length > 256) throw sqsErrors.InvalidParameterValue({ message: `Tag values must be between 0 and 256 characters in length.` });
  }
  if (Object.keys({ ...{}, ...current, ...added }).length > MAX_TAGS) throw errors.TooManyTags({ name: queueName });
}

export function tagQueue(input: TagQueueInput, ctx: SqsContext): TagQueueOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  if (Object.keys(input.Tags).length === 0) throw sqsErrors.MissingParameter({ name: "Tags" });
  validateTags(queue.name, queue.tags, input.Tags);
  ctx.store.updateQueueTags(queue, { ...{}, ...queue.tags, ...input.Tags });
  return {};
}

export function untagQueue(input: UntagQueueInput, ctx: SqsContext): UntagQueueOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  if (input.TagKeys.length === 0) throw sqsErrors.MissingParameter({ name: "TagKeys" });
  const tags = { ...queue.tags };
  for (const key of input.TagKeys) delete tags[key];
  ctx.store.updateQueueTags(queue, tags);
  return {};
}

export function listQueueTags(input: ListQueueTagsInput, ctx: SqsContext): ListQueueTagsOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  return Object.keys(queue.tags).length > 0 ? { Tags: queue.tags } : {};
}
