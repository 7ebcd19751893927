/** SNS to SQS: subscriptions and dead-letter queues, through the SQS service in-process. */
import { parseArn } from "../../core/arn.js";
import type { Invoke } from "../../core/service.js";
import type { SqsDelivery } from "./domain/messages.js";

/** Sends an SQS delivery to the queue an ARN names; resolves with its MessageId, rejects when the queue refuses it or is gone. */
/**
 * Sends a delivery to a queue as SNS does for `topicArn`: as the service principal
 * sns.amazonaws.com with the topic as aws:SourceArn, which the queue's policy must allow when
 * policies are enforced.
 */
export async function sendToQueue(invoke: Invoke, queueArn: string, delivery: SqsDelivery, topicArn: string): Promise<string | undefined> {
  const arn = parseArn(queueArn);
  if (arn === undefined || arn.service !== "sqs") throw new Error(`not an SQS ARN: ${queueArn}`);
  const sns = { service: "sns.amazonaws.com", sourceArn: topicArn, sourceAccount: parseArn(topicArn)?.account ?? arn.account };
  const scope = { account: arn.account, region: arn.region };
  // The queue's URL in AWS's own form (SQS accepts it; a queue that is gone answers NonExistentQueue),
  // rather than a GetQueueUrl round trip per delivery.
  const QueueUrl = `https://sqs.${arn.region}.amazonaws.com/${arn.account}/${arn.resource}`;
  // A FIFO topic's group and deduplication ids only mean something to a FIFO queue (a standard
  // queue refuses the latter); a standard topic's group id goes to a standard queue's fair queueing.
  const fifoQueue = arn.resource.endsWith(".fifo");
  const groupId = fifoQueue ? delivery.messageGroupId : delivery.fairQueueGroupId;
  const sent = await invoke<{ MessageId?: string }>(
    "sqs",
    "SendMessage",
    {
      QueueUrl,
      MessageBody: delivery.body,
      ...(delivery.messageAttributes !== undefined ? { MessageAttributes: delivery.messageAttributes } : {}),
      ...(groupId !== undefined ? { MessageGroupId: groupId } : {}),
      ...(fifoQueue && delivery.messageDeduplicationId !== undefined ? { MessageDeduplicationId: delivery.messageDeduplicationId } : {}),
      ...(delivery.traceHeader !== undefined ? { MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: delivery.traceHeader } } } : {}),
    },
    scope,
    sns,
  );
  return sent.MessageId;
}

/** The dead-letter queue a subscription's RedrivePolicy names, if it names one. */
export function deadLetterTargetArn(redrivePolicy: string | undefined): string | undefined {
  if (redrivePolicy === undefined || redrivePolicy === "") return undefined;
  try {
    const target = (JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn;
    return typeof target === "string" ? target : undefined;
  } catch {
    return undefined;
  }
}
