import type { GetQueueUrlInput, GetQueueUrlOutput } from "../../../generated/sqs.js";
import { errors } from "../errors.js";
import { authorizeQueue, urlOf, type SqsContext } from "../queues.js";

export function getQueueUrl(input: GetQueueUrlInput, ctx: SqsContext): GetQueueUrlOutput {
  const ref = { account: input.QueueOwnerAWSAccountId ?? ctx.account, region: ctx.region, name: input.QueueName };
  const queue = ctx.store.getQueue(ref);
  if (queue === undefined) throw errors.QueueDoesNotExist();
  authorizeQueue(ctx, queue);
  return { QueueUrl: urlOf(ctx, ref) };
}
