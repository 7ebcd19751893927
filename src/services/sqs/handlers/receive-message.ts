import type { ReceiveMessageInput, ReceiveMessageOutput } from "../../../generated/sqs.js";
import { resolveMessageSystemAttributeNames, validateReceiveParameters } from "../domain/message-validation.js";
import { receiveWithWait } from "../long-poll.js";
import { sqsErrors } from "../errors.js";
import { resolveQueue, type SqsContext } from "../queues.js";

// Alphanumerics and punctuation, 1 to 128 characters, like the FIFO ids.
const ATTEMPT_ID_RE = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

export async function receiveMessage(input: ReceiveMessageInput, ctx: SqsContext): Promise<ReceiveMessageOutput> {
  validateReceiveParameters(input);
  const attemptId = input.ReceiveRequestAttemptId;
  if (attemptId !== undefined && !ATTEMPT_ID_RE.test(attemptId)) {
    throw sqsErrors.InvalidParameterValueFor({
      value: attemptId,
      name: "ReceiveRequestAttemptId",
      reason: "ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.",
    });
  }
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
      receiveRequestAttemptId: input.ReceiveRequestAttemptId,
      longPoll: wait > 0,
    },
    wait,
  );
  return messages.length > 0 ? { Messages: messages } : {};
}
