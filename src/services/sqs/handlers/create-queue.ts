import type { CreateQueueInput, CreateQueueOutput } from "../../../generated/sqs.js";
import { assertSameQueueAttributes, resolveCreateQueueAttributes } from "../domain/attributes.js";
import { errors } from "../errors.js";
import { queueLookup, RECREATE_DELAY_MS, urlOf, type SqsContext } from "../queues.js";
import { validateTags } from "./tags.js";

export function createQueue(input: CreateQueueInput, ctx: SqsContext): CreateQueueOutput {
  const { fifo, attributes, requested } = resolveCreateQueueAttributes(input.QueueName, input.Attributes, { lookupQueue: queueLookup(ctx) });
  const ref = { account: ctx.account, region: ctx.region, name: input.QueueName };
  const tags = input.tags ?? {};
  validateTags(input.QueueName, {}, tags);
  const now = ctx.clock.now();
  ctx.store.transaction(() => {
    const existing = ctx.store.getQueue(ref);
    if (existing !== undefined) {
      // Same name and the same values for every attribute the request names: the same queue.
      assertSameQueueAttributes(existing.attributes, requested);
      return;
    }
    const deletedAt = ctx.store.deletedAt(ref);
    if (deletedAt !== undefined && now - deletedAt < RECREATE_DELAY_MS) throw errors.QueueDeletedRecently();
    ctx.store.insertQueue({ ...{}, ...ref, fifo, attributes, tags, createdAt: now, modifiedAt: now });
  });
  return { QueueUrl: urlOf(ctx, ref) };
}
