import type { SendMessageBatchInput, SendMessageBatchOutput, SendMessageInput, SendMessageOutput } from "../../../generated/sqs.js";
import { validateBatchEntries, validateBatchSize } from "../domain/message-validation.js";
import { sendMessage as send } from "../messages.js";
import { resolveQueue, type SqsContext } from "../queues.js";
import { runBatch } from "./batch.js";

export function sendMessage(input: SendMessageInput, ctx: SqsContext): SendMessageOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  return send(ctx, queue, input);
}

export function sendMessageBatch(input: SendMessageBatchInput, ctx: SqsContext): SendMessageBatchOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  validateBatchEntries(input.Entries, "SendMessageBatchRequestEntry");
  validateBatchSize(input.Entries.map((e) => ({ MessageBody: e.MessageBody, ...(e.MessageAttributes ? { MessageAttributes: e.MessageAttributes } : {}) })));
  return runBatch(ctx.store, input.Entries, (entry) => send(ctx, queue, entry, { batch: true }));
}
