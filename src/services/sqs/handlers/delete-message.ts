import type { DeleteMessageBatchInput, DeleteMessageBatchOutput, DeleteMessageInput, DeleteMessageOutput } from "../../../generated/sqs.js";
import { validateBatchEntries } from "../domain/message-validation.js";
import { deleteFifoDeliveries, deleteMessage as remove, fifoDelivery, standardDeleteTarget, type FifoDelivery } from "../messages.js";
import { resolveQueue, type SqsContext } from "../queues.js";
import { batchFailure, runBatch } from "./batch.js";

export function deleteMessage(input: DeleteMessageInput, ctx: SqsContext): DeleteMessageOutput {
  remove(ctx, resolveQueue(ctx, input.QueueUrl), input.ReceiptHandle);
  return {};
}

export function deleteMessageBatch(input: DeleteMessageBatchInput, ctx: SqsContext): DeleteMessageBatchOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, "DeleteMessageBatchRequestEntry");
  if (queue.fifo) {
    // The entries' handles are checked one by one, and their deletes made by one statement.
    return ctx.store.batch(() => {
      const deliveries: FifoDelivery[] = [];
      const result = runBatch(ctx.store, input.Entries, (entry) => {
        deliveries.push(fifoDelivery(queue, entry.Id, entry.ReceiptHandle));
      });
      const refused = deleteFifoDeliveries(ctx, queue, deliveries);
      if (refused.size === 0) return result;
      return {
        Successful: result.Successful.filter((entry) => !refused.has(entry.Id)),
        Failed: [...result.Failed, ...[...refused].map(([id, err]) => batchFailure(id, err))],
      };
    });
  }
  // On a standard queue every valid handle deletes its message, so the entries only check their
  // handles and one statement deletes the lot (one DELETE per entry cost ~1 µs more per message).
  const messageIds: string[] = [];
  const result = runBatch(ctx.store, input.Entries, (entry) => {
    messageIds.push(standardDeleteTarget(queue, entry.ReceiptHandle));
  });
  ctx.store.deleteMessages(queue, messageIds);
  return result;
}
