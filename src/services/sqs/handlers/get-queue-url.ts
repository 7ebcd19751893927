import type { GetQueueUrlInput, GetQueueUrlOutput } from "../../../generated/sqs.js";
import { errors } from "../errors.js";
import { urlOf, type SqsContext } from "../queues.js";

export function getQueueUrl(input: GetQueueUrlInput, ctx: SqsContext): GetQueueUrlOutput {
  const ref = { account: input.QueueOwnerAWSAccountId ?? ctx.account, region: ctx.region, name: input.QueueName };
  if (ctx.store.getQueue(ref) === undefined) throw errors.QueueDoesNotExist();
  return { QueueUrl: urlOf(ctx, ref) };
}
