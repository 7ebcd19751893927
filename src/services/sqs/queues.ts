/** Finding a queue from what a request names (URL, name, ARN) and naming it back. */
import { enforcesPolicies, resourcePolicyRefusal } from "../../auth/access.js";
import { requestEndpoint, type HandlerContext } from "../../core/service.js";
import { errors } from "./errors.js";
import type { QueueLookup } from "./domain/attributes.js";
import { buildQueueUrl, isQueueName, parseQueueArn, parseQueueUrl, queueArn, type ParsedQueueUrl } from "./domain/urls.js";
import type { Queue, QueueRef, SqsStore } from "./store.js";

export type SqsContext = HandlerContext<SqsStore>;

// "You must wait 60 seconds after deleting a queue before you can create another with the same name."
export const RECREATE_DELAY_MS = 60_000;

/** Parsed QueueUrls: a client sends the same few on every call, and parsing a URL is not free. */
const parsedUrls = new Map<string, ParsedQueueUrl | undefined>();
const PARSED_URLS_KEPT = 1024;

function parseQueueUrlOnce(queueUrl: string): ParsedQueueUrl | undefined {
  if (parsedUrls.has(queueUrl)) return parsedUrls.get(queueUrl);
  const parsed = parseQueueUrl(queueUrl);
  if (parsedUrls.size >= PARSED_URLS_KEPT) parsedUrls.clear();
  parsedUrls.set(queueUrl, parsed === undefined ? undefined : Object.freeze(parsed));
  return parsed;
}

/**
 * The queue a QueueUrl names; the URL's account wins, its region if it names one, else the request's.
 * AWS also takes a bare queue name for QueueUrl, naming the caller's queue in the request's
 * region: LocalStack's AWS-validated test_posting_to_queue_via_queue_name sends
 * `QueueUrl=<name>` and gets 200 (moto#5073 and localstack#8545 report the same of AWS).
 */
export function refFromUrl(ctx: SqsContext, queueUrl: string): QueueRef {
  if (isQueueName(queueUrl)) return { account: ctx.account, region: ctx.region, name: queueUrl };
  const parsed = parseQueueUrlOnce(queueUrl);
  if (parsed === undefined) throw errors.QueueDoesNotExist();
  return { account: parsed.account, region: parsed.region ?? ctx.region, name: parsed.name };
}

export function resolveQueue(ctx: SqsContext, queueUrl: string): Queue {
  const queue = ctx.store.getQueue(refFromUrl(ctx, queueUrl));
  if (queue === undefined) throw errors.QueueDoesNotExist();
  authorizeQueue(ctx, queue);
  return queue;
}

/** The IAM action of an SQS operation: a batch needs its single form's (sqs:SendMessage for SendMessageBatch). */
function sqsAction(operation: string): string {
  return `sqs:${operation.endsWith("Batch") ? operation.slice(0, -"Batch".length) : operation}`;
}

/**
 * With policies enforced (auth/access.ts): the queue's own account may do anything its queue
 * policy does not explicitly deny; other accounts, anonymous callers and services (SNS and S3
 * delivering for a topic or bucket) need the policy's Allow, as on AWS, where a topic cannot
 * fill a queue whose policy does not let it.
 */
export function authorizeQueue(ctx: SqsContext, queue: Queue): void {
  if (!enforcesPolicies(ctx.config)) return;
  const action = sqsAction(ctx.operation);
  const resource = arnOf(queue);
  const refusal = resourcePolicyRefusal(ctx, { arn: resource, account: queue.account, policy: queue.attributes["Policy"] }, action, action.toLowerCase());
  if (refusal !== undefined) throw errors.AccessDenied({ message: refusal });
}

export function urlOf(ctx: SqsContext, ref: QueueRef): string {
  return buildQueueUrl({ endpoint: requestEndpoint(ctx), account: ref.account, name: ref.name });
}

export function arnOf(ref: QueueRef): string {
  return queueArn({ region: ref.region, account: ref.account, name: ref.name });
}

export function refFromArn(arn: string): QueueRef | undefined {
  const parts = parseQueueArn(arn);
  return parts === undefined ? undefined : { account: parts.account, region: parts.region, name: parts.name };
}

/** Lets RedrivePolicy validation see whether the dead-letter queue exists and its type. */
export function queueLookup(ctx: SqsContext): QueueLookup {
  return (arn) => {
    const ref = refFromArn(arn);
    const queue = ref === undefined ? undefined : ctx.store.getQueue(ref);
    return queue === undefined ? undefined : { fifo: queue.fifo };
  };
}

export function retentionMs(queue: Queue): number {
  return Number(queue.attributes.MessageRetentionPeriod ?? "345600") * 1000;
}
