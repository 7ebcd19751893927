/**
 * AddPermission / RemovePermission: statements in the queue's Policy attribute, one per label,
 * shaped as AWS writes them (Sid = label, principals as account root ARNs, "SQS:" actions), in a
 * policy AddPermission starts at Version "2008-10-17" (recorded against AWS, Jun 2023).
 */
import type { AddPermissionInput, AddPermissionOutput, RemovePermissionInput, RemovePermissionOutput } from "../../../generated/sqs.js";
import { sqsErrors } from "../errors.js";
import { arnOf, resolveQueue, type SqsContext } from "../queues.js";

const ACTIONS = new Set([
  "*",
  "SendMessage",
  "ReceiveMessage",
  "DeleteMessage",
  "ChangeMessageVisibility",
  "GetQueueAttributes",
  "GetQueueUrl",
  "ListDeadLetterSourceQueues",
  "PurgeQueue",
  "ListQueueTags",
]);
const LABEL_RE = /^[A-Za-z0-9_-]{1,80}$/;
const ACCOUNT_ID_RE = /^\d{12}$/;

interface Statement {
  Sid?: string;
  [key: string]: unknown;
}

interface PolicyDocument {
  Version: string;
  Id?: string;
  Statement: Statement[];
}

function one<T>(items: T[]): T | T[] {
  return items.length === 1 ? (items[0] as T) : items;
}

function currentPolicy(policy: string | undefined, arn: string): PolicyDocument {
  if (policy === undefined || policy === "") return { Version: "2008-10-17", Id: `${arn}/SQSDefaultPolicy`, Statement: [] };
  const parsed = JSON.parse(policy) as { Version?: string; Id?: string; Statement?: Statement | Statement[] };
  const statements = parsed.Statement === undefined ? [] : Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return { Version: parsed.Version ?? "2008-10-17", ...(parsed.Id !== undefined ? { Id: parsed.Id } : {}), Statement: statements };
}

export function addPermission(input: AddPermissionInput, ctx: SqsContext): AddPermissionOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  if (!LABEL_RE.test(input.Label)) {
    throw sqsErrors.InvalidParameterValueFor({ value: input.Label, name: "Label", reason: "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length" });
  }
  if (input.AWSAccountIds.length === 0) throw sqsErrors.MissingParameter({ name: "AWSAccountIds" });
  if (input.Actions.length === 0) throw sqsErrors.MissingParameter({ name: "Actions" });
  for (const action of input.Actions) {
    if (!ACTIONS.has(action)) {
      throw sqsErrors.InvalidParameterValueFor({ value: `SQS:${action}`, name: "ActionName", reason: "Please refer to the appropriate WSDL for a list of valid actions." });
    }
  }
  for (const principal of input.AWSAccountIds) {
    // Only account ids are principals here; a user's ARN or id is refused as AWS does
    // ("Value [Arn] for parameter PrincipalId is invalid. Reason: Unable to verify principal.",
    // aws/aws-cli#7416). Whether a well-formed account exists cannot be known locally.
    if (!ACCOUNT_ID_RE.test(principal)) {
      throw sqsErrors.InvalidParameterValueFor({ value: principal, name: "PrincipalId", reason: "Unable to verify principal." });
    }
  }
  const arn = arnOf(queue);
  const policy = currentPolicy(queue.attributes.Policy, arn);
  if (policy.Statement.some((s) => s.Sid === input.Label)) {
    throw sqsErrors.InvalidParameterValueFor({ value: input.Label, name: "Label", reason: "Already exists." });
  }
  policy.Statement.push({
    Sid: input.Label,
    Effect: "Allow",
    Principal: { AWS: one(input.AWSAccountIds.map((a) => `arn:aws:iam::${a}:root`)) },
    Action: one(input.Actions.map((a) => `SQS:${a}`)),
    Resource: arn,
  });
  ctx.store.updateQueueAttributes(queue, { ...{}, ...queue.attributes, Policy: JSON.stringify(policy) }, ctx.clock.now());
  return {};
}

export function removePermission(input: RemovePermissionInput, ctx: SqsContext): RemovePermissionOutput {
  const queue = resolveQueue(ctx, input.QueueUrl);
  const policy = currentPolicy(queue.attributes.Policy, arnOf(queue));
  const remaining = policy.Statement.filter((s) => s.Sid !== input.Label);
  if (remaining.length === policy.Statement.length) {
    // AWS words it apart when the queue has no policy at all (recorded Jun 2023).
    const hasPolicy = queue.attributes.Policy !== undefined && queue.attributes.Policy !== "";
    throw sqsErrors.InvalidParameterValueFor({ value: input.Label, name: "Label", reason: hasPolicy ? "can't find label on existing policy." : "can't find label." });
  }
  const attributes = { ...queue.attributes };
  if (remaining.length === 0) delete attributes.Policy;
  else attributes.Policy = JSON.stringify({ ...{}, ...policy, Statement: remaining });
  ctx.store.updateQueueAttributes(queue, attributes, ctx.clock.now());
  return {};
}
