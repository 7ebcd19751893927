import type { DeleteMessageBatchInput, DeleteMessageBatchOutput, DeleteMessageInput, DeleteMessageOutput } from "../../../generated/sqs.js";
import { validateBatchEntries } from "../domain/message-validation.js";
import { deleteMessage as remove } from "../messages.js";
import { resolveQueue, type SqsContext } from "../queues.js";
import { runBatch } from "./batch.js";

export function deleteMessage(input: DeleteMessageInput, ctx: SqsContext): DeleteMessageOutput {
  remove(ctx, resolveQueue(ctx, input.QueueUrl), input.ReceiptHandle);
  return {};
}

export function deleteMessageBatch(input: DeleteMessageBatchInput, ctx: SqsContext): DeleteMessageBatchOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, "DeleteMessageBatchRequestEntry");
  return runBatch(ctx.store, input.Entries, (entry) => remove(ctx, queue, entry.ReceiptHandle));
}
