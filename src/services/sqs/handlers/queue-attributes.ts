import type { GetQueueAttributesInput, GetQueueAttributesOutput, SetQueueAttributesInput, SetQueueAttributesOutput } from "../../../generated/sqs.js";
import { applySetQueueAttributes, queueAttributesView, resolveAttributeNames } from "../domain/attributes.js";
import { arnOf, queueLookup, resolveQueue, retentionMs, type SqsContext } from "../queues.js";
import { queueKey } from "../store.js";

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
  if (changed.length === 0) return {};
  const now = ctx.clock.now();
  ctx.store.transaction(() => {
    ctx.store.updateQueueAttributes(queue, attributes, now);
    // "For FIFO queues, the per-queue delay setting is retroactive": messages not yet delivered
    // take the new delay from their send time. On standard queues only new messages do.
    if (queue.fifo && changed.includes("DelaySeconds")) ctx.store.redelayUnreceived(queue, Number(attributes.DelaySeconds ?? "0") * 1000);
  });
  // A shorter delay may have made messages receivable for a waiting long poll.
  ctx.store.notify(queueKey(queue));
  return {};
}
