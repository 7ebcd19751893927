import type { SendMessageBatchInput, SendMessageBatchOutput, SendMessageInput, SendMessageOutput } from "../../../generated/sqs.js";
import { requireBatchSendIds, sendSettingsFromAttributes } from "../domain/fifo.js";
import { validateBatchEntries, validateBatchSize } from "../domain/message-validation.js";
import { sqsErrors } from "../errors.js";
import { sendMessage as send } from "../messages.js";
import { resolveQueue, type SqsContext } from "../queues.js";
import type { NewMessage } from "../store.js";
import { runBatch } from "./batch.js";

export function sendMessage(input: SendMessageInput, ctx: SqsContext): SendMessageOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  return send(ctx, queue, input, { traceHeader: ctx.caller.traceHeader });
}

export function sendMessageBatch(input: SendMessageBatchInput, ctx: SqsContext): SendMessageBatchOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, "SendMessageBatchRequestEntry");
  requireBatchSendIds(sendSettingsFromAttributes(queue.attributes), input.Entries);
  validateBatchSize(input.Entries.map((e) => ({ MessageBody: e.MessageBody, ...(e.MessageAttributes ? { MessageAttributes: e.MessageAttributes } : {}) })));
  // The accepted messages are stored by one INSERT, in entry order, inside the batch's transaction.
  return ctx.store.batch(() => {
    const accepted: NewMessage[] = [];
    const result = runBatch(ctx.store, input.Entries, (entry, index) => {
      // AWS names the entry by its position in the request (1-based, as query clients number it).
      if (entry.MessageBody === "") throw sqsErrors.EmptyValue({ name: `SendMessageBatchRequestEntry.${index + 1}.MessageBody` });
      // The X-Amzn-Trace-Id header stands for every message of a SendMessageBatch, an entry's own
      // AWSTraceHeader system attribute overriding it (AWS X-Ray guide, "Amazon SQS and AWS X-Ray").
      return send(ctx, queue, entry, { batch: true, into: accepted, traceHeader: ctx.caller.traceHeader });
    });
    ctx.store.insertMessages(queue, accepted);
    return result;
  });
}
