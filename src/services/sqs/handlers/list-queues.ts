import type { ListDeadLetterSourceQueuesInput, ListDeadLetterSourceQueuesOutput, ListQueuesInput, ListQueuesOutput } from "../../../generated/sqs.js";
import { parseRedrivePolicy } from "../domain/attributes.js";
import { sqsErrors } from "../errors.js";
import { arnOf, resolveQueue, urlOf, type SqsContext } from "../queues.js";
import type { Queue } from "../store.js";

// Without MaxResults ListQueues answers at most 1,000 queues and no NextToken.
const MAX_RESULTS = 1000;

function checkMaxResults(max: number | undefined): void {
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS)) {
    throw sqsErrors.InvalidParameterValueFor({ value: max, name: "MaxResults", reason: "MaxResults must be an integer between 1 and 1000." });
  }
}

/** NextToken: opaque to clients; here the last name of the previous page. */
function encodeToken(name: string): string {
  return Buffer.from(JSON.stringify({ after: name })).toString("base64");
}

function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { after?: unknown };
    if (typeof parsed.after === "string") return parsed.after;
  } catch {
    // fall through to the error
  }
  throw sqsErrors.InvalidParameterValue({ message: "Invalid NextToken value." });
}

function page(ctx: SqsContext, queues: Queue[], max: number | undefined, token: string | undefined): { QueueUrls: string[]; NextToken?: string } {
  const after = decodeToken(token);
  const rest = after === undefined ? queues : queues.filter((q) => q.name > after);
  const limit = max ?? MAX_RESULTS;
  const shown = rest.slice(0, limit);
  const out: { QueueUrls: string[]; NextToken?: string } = { QueueUrls: shown.map((q) => urlOf(ctx, q)) };
  const last = shown[shown.length - 1];
  if (max !== undefined && rest.length > limit && last !== undefined) out.NextToken = encodeToken(last.name);
  return out;
}

export function listQueues(input: ListQueuesInput, ctx: SqsContext): ListQueuesOutput {
  checkMaxResults(input.MaxResults);
  const queues = ctx.store.listQueues(ctx.account, ctx.region, input.QueueNamePrefix ?? "");
  const result = page(ctx, queues, input.MaxResults, input.NextToken);
  return result.QueueUrls.length > 0 || result.NextToken !== undefined ? result : {};
}

export function listDeadLetterSourceQueues(input: ListDeadLetterSourceQueuesInput, ctx: SqsContext): ListDeadLetterSourceQueuesOutput {
  checkMaxResults(input.MaxResults);
  const dlq = resolveQueue(ctx, input.QueueUrl);
  const arn = arnOf(dlq);
  const sources = ctx.store
    .listQueues(dlq.account, dlq.region, "")
    .filter((q) => parseRedrivePolicy(q.attributes.RedrivePolicy)?.deadLetterTargetArn === arn);
  const result = page(ctx, sources, input.MaxResults, input.NextToken);
  return { queueUrls: result.QueueUrls, ...(result.NextToken !== undefined ? { NextToken: result.NextToken } : {}) };
}
