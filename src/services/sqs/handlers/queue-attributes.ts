import type { GetQueueAttributesInput, GetQueueAttributesOutput, SetQueueAttributesInput, SetQueueAttributesOutput } from "../../../generated/sqs.js";
import { applySetQueueAttributes, queueAttributesView, resolveAttributeNames } from "../domain/attributes.js";
import { arnOf, queueLookup, resolveQueue, retentionMs, type SqsContext } from "../queues.js";

export function getQueueAttributes(input: GetQueueAttributesInput, ctx: SqsContext): GetQueueAttributesOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  const names = resolveAttributeNames(input.AttributeNames, queue.fifo);
  if (names.length === 0) return {};
  const now = ctx.clock.now();
  const counts = ctx.store.transaction(() => {
    ctx.store.expireMessages(queue, now, retentionMs(queue));
    return ctx.store.counts(queue, now);
  });
  const view = queueAttributesView(
    queue.attributes,
    {
      ApproximateNumberOfMessages: counts.visible,
      ApproximateNumberOfMessagesDelayed: counts.delayed,
      ApproximateNumberOfMessagesNotVisible: counts.inFlight,
      CreatedTimestamp: Math.floor(queue.createdAt / 1000),
      LastModifiedTimestamp: Math.floor(queue.modifiedAt / 1000),
      QueueArn: arnOf(queue),
    },
    names,
  );
  return Object.keys(view).length > 0 ? { Attributes: view } : {};
}

export function setQueueAttributes(input: SetQueueAttributesInput, ctx: SqsContext): SetQueueAttributesOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  const { attributes, changed } = applySetQueueAttributes(queue.attributes, input.Attributes, { lookupQueue: queueLookup(ctx) });
  if (changed.length > 0) ctx.store.updateQueueAttributes(queue, attributes, ctx.clock.now());
  return {};
}
