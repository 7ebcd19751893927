import type { DeleteMessageBatchInput, DeleteMessageBatchOutput, DeleteMessageInput, DeleteMessageOutput } from "../../../generated/sqs.js";
import { validateBatchEntries } from "../domain/message-validation.js";
import { deleteMessage as remove, standardDeleteTarget } from "../messages.js";
import { resolveQueue, type SqsContext } from "../queues.js";
import { runBatch } from "./batch.js";

export function deleteMessage(input: DeleteMessageInput, ctx: SqsContext): DeleteMessageOutput {
  remove(ctx, resolveQueue(ctx, input.QueueUrl), input.ReceiptHandle);
  return {};
}

export function deleteMessageBatch(input: DeleteMessageBatchInput, ctx: SqsContext): DeleteMessageBatchOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, "DeleteMessageBatchRequestEntry");
  if (queue.fifo) return runBatch(ctx.store, input.Entries, (entry) => remove(ctx, queue, entry.ReceiptHandle));
  // On a standard queue every valid handle deletes its message, so the entries only check their
  // handles and one statement deletes the lot (one DELETE per entry cost ~1 µs more per message).
  const messageIds: string[] = [];
  const result = runBatch(ctx.store, input.Entries, (entry) => {
    messageIds.push(standardDeleteTarget(queue, entry.ReceiptHandle));
  });
  ctx.store.deleteMessages(queue, messageIds);
  return result;
}
