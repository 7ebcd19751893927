import type { ReceiveMessageInput, ReceiveMessageOutput } from "../../../generated/sqs.js";
import { resolveMessageSystemAttributeNames, validateReceiveParameters } from "../domain/message-validation.js";
import { receiveWithWait } from "../long-poll.js";
import { resolveQueue, type SqsContext } from "../queues.js";

export async function receiveMessage(input: ReceiveMessageInput, ctx: SqsContext): Promise<ReceiveMessageOutput> {
  validateReceiveParameters(input);
  const queue = resolveQueue(ctx, input.QueueUrl);
  // The queue's ReceiveMessageWaitTimeSeconds applies when the request does not say.
  const wait = input.WaitTimeSeconds ?? Number(queue.attributes.ReceiveMessageWaitTimeSeconds ?? "0");
  const messages = await receiveWithWait(
    ctx,
    queue,
    {
      max: input.MaxNumberOfMessages ?? 1,
      visibilityTimeout: input.VisibilityTimeout,
      systemAttributeNames: resolveMessageSystemAttributeNames(input.AttributeNames, input.MessageSystemAttributeNames),
      messageAttributeNames: input.MessageAttributeNames,
    },
    wait,
  );
  return messages.length > 0 ? { Messages: messages } : {};
}
