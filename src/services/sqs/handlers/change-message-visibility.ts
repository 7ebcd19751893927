import type {
  ChangeMessageVisibilityBatchInput,
  ChangeMessageVisibilityBatchOutput,
  ChangeMessageVisibilityInput,
  ChangeMessageVisibilityOutput,
} from "../../../generated/sqs.js";
import { sqsErrors } from "../errors.js";
import { validateBatchEntries } from "../domain/message-validation.js";
import { changeVisibility } from "../messages.js";
import { resolveQueue, type SqsContext } from "../queues.js";
import { runEntry } from "./batch.js";

export function changeMessageVisibility(input: ChangeMessageVisibilityInput, ctx: SqsContext): ChangeMessageVisibilityOutput {
  changeVisibility(ctx, resolveQueue(ctx, input.QueueUrl), input.ReceiptHandle, input.VisibilityTimeout);
  return {};
}

export function changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchInput, ctx: SqsContext): ChangeMessageVisibilityBatchOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, "ChangeMessageVisibilityBatchRequestEntry");
  const out: ChangeMessageVisibilityBatchOutput = { Successful: [], Failed: [] };
  // One transaction for the batch (store.batch: entries fail before they write).
  ctx.store.batch(() => {
    for (const entry of input.Entries) {
      const result = runEntry(entry.Id, () => {
        if (entry.VisibilityTimeout === undefined) throw sqsErrors.MissingParameter({ name: "VisibilityTimeout" });
        changeVisibility(ctx, queue, entry.ReceiptHandle, entry.VisibilityTimeout);
      });
      if ("ok" in result) out.Successful.push({ Id: entry.Id });
      else out.Failed.push(result.failed);
    }
  });
  return out;
}
