import type { DeleteMessageBatchInput, DeleteMessageBatchOutput, DeleteMessageInput, DeleteMessageOutput } from "../../../generated/sqs.js";
import { validateBatchEntries } from "../domain/message-validation.js";
import { deleteMessage as remove } from "../messages.js";
import { resolveQueue, type SqsContext } from "../queues.js";
import { runEntry } from "./batch.js";

export function deleteMessage(input: DeleteMessageInput, ctx: SqsContext): DeleteMessageOutput {
  remove(ctx, resolveQueue(ctx, input.QueueUrl), input.ReceiptHandle);
  return {};
}

export function deleteMessageBatch(input: DeleteMessageBatchInput, ctx: SqsContext): DeleteMessageBatchOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, "DeleteMessageBatchRequestEntry");
  const out: DeleteMessageBatchOutput = { Successful: [], Failed: [] };
  // One transaction for the batch (store.batch: entries fail before they write).
  ctx.store.batch(() => {
    for (const entry of input.Entries) {
      const result = runEntry(entry.Id, () => remove(ctx, queue, entry.ReceiptHandle));
      if ("ok" in result) out.Successful.push({ Id: entry.Id });
      else out.Failed.push(result.failed);
    }
  });
  return out;
}
