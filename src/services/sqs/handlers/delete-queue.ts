import type { DeleteQueueInput, DeleteQueueOutput, PurgeQueueInput, PurgeQueueOutput } from "../../../generated/sqs.js";
import { errors } from "../errors.js";
import { stopMoveTask } from "../move-tasks.js";
import { resolveQueue, type SqsContext } from "../queues.js";
import { queueKey } from "../store.js";

// "Only one PurgeQueue operation on <queue> is allowed every 60 seconds."
const PURGE_INTERVAL_MS = 60_000;

export function deleteQueue(input: DeleteQueueInput, ctx: SqsContext): DeleteQueueOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  const moveTasks = ctx.store.transaction(() => ctx.store.deleteQueue(queue, ctx.clock.now()));
  // A redrive still running stops now rather than at its next step, which would find its task gone.
  for (const handle of moveTasks) stopMoveTask(ctx.store, handle);
  // Waiting receives on a deleted queue answer with nothing, now: woken, they found the queue
  // empty and went on waiting for their WaitTimeSeconds.
  ctx.store.waiters.abort(queueKey(queue));
  return {};
}

/** Deletes every message sent before the call; a second purge within 60 s is refused. */
export function purgeQueue(input: PurgeQueueInput, ctx: SqsContext): PurgeQueueOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  const now = ctx.clock.now();
  ctx.store.transaction(() => {
    const purgedAt = ctx.store.getQueue(queue)?.purgedAt;
    if (purgedAt !== undefined && now - purgedAt < PURGE_INTERVAL_MS) throw errors.PurgeQueueInProgress({ name: queue.name });
    ctx.store.setPurgedAt(queue, now);
    ctx.store.purgeMessages(queue, now);
  });
  return {};
}
