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
import { runBatch } from "./batch.js";

export function changeMessageVisibility(input: ChangeMessageVisibilityInput, ctx: SqsContext): ChangeMessageVisibilityOutput {
  changeVisibility(ctx, resolveQueue(ctx, input.QueueUrl), input.ReceiptHandle, input.VisibilityTimeout);
  return {};
}

export function changeMessageVisibilityBatch(input: ChangeMessageVisibilityBatchInput, ctx: SqsContext): ChangeMessageVisibilityBatchOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, "ChangeMessageVisibilityBatchRequestEntry");
  return runBatch(ctx.store, input.Entries, (entry, index) => {
    // The entry fails, named by its place in the query as SQS names a missing member: "The
    // request must contain the parameter ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout."
    // (AWS's Failed entry quoted in aws/aws-sdk-go-v2#2250; that SDK left out a timeout of 0).
    if (entry.VisibilityTimeout === undefined) {
      throw sqsErrors.MissingParameter({ name: `ChangeMessageVisibilityBatchRequestEntry.${index + 1}.VisibilityTimeout` });
    }
    changeVisibility(ctx, queue, entry.ReceiptHandle, entry.VisibilityTimeout);
  });
}
