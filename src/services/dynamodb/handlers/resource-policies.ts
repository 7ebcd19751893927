/**
 * PutResourcePolicy, GetResourcePolicy, DeleteResourcePolicy: one policy per table and one per
 * stream (each its own slot with its own RevisionId), kept in the table's description so it
 * goes with the table. Indexes have none: a table's policy covers them.
 *
 * With `--enforce-policies` a table's policy decides table and item requests (access.ts); the
 * stream's is stored, validated and returned, not applied. AWS applies a Put within seconds and refuses another change for 15 s after one; Nimbus
 * applies at once and has no such window.
 */
import type {
  DeleteResourcePolicyInput,
  DeleteResourcePolicyOutput,
  GetResourcePolicyInput,
  GetResourcePolicyOutput,
  PutResourcePolicyInput,
  PutResourcePolicyOutput,
} from "../../../generated/dynamodb.js";
import { parseArn, type ParsedArn } from "../../../core/arn.js";
import { validationException } from "../domain/index.js";
import { errors } from "../errors.js";
import type { DynamoContext } from "../context.js";
import { checkPolicy, policyAsReturned } from "../resource-policy.js";
import type { ResourcePolicyMeta, TableMeta } from "../table.js";
import { restoring } from "../table-status.js";
import { check, length } from "../validation.js";

const INVALID = "One or more parameter values were invalid: ";
/** ExpectedRevisionId that means "only if there is no policy yet". */
const NO_POLICY = "NO_POLICY";

interface PolicyTarget {
  readonly arn: string;
  readonly kind: "table" | "stream";
  readonly tableName: string;
  readonly streamLabel?: string;
}

/** A ResourceArn as DynamoDB first checks it, for policies and tags alike: present, an ARN, of DynamoDB. */
export function parseDynamoArn(arn: string): ParsedArn {
  check(length("resourceArn", arn, 1, 1283));
  if (!arn.startsWith("arn:")) throw validationException(`${INVALID}ARNs must start with 'arn:': ${arn}`);
  const parsed = parseArn(arn);
  if (parsed === undefined || parsed.service !== "dynamodb") throw validationException(`${INVALID}Provided Arn is not a DynamoDB resource arn: ${arn}`);
  return parsed;
}

/** An index has no policy or tags of its own: its ARN is refused by name. */
export function refuseIndexArn(arn: string, resource: string): void {
  if (/^table\/[^/]+\/index\/[^/]+$/.test(resource)) {
    throw validationException(`${INVALID}Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${arn}`);
  }
}

/** The resource an ARN names, from its text alone: a table or a stream of this account and region. */
function targetOf(ctx: DynamoContext, arn: string): PolicyTarget {
  const parsed = parseDynamoArn(arn);
  if (parsed.account !== ctx.account) throw validationException("This action is only supported by accounts that match the resource owner’s account.");
  if (parsed.partition !== "aws" || parsed.region !== ctx.region) throw validationException(`${INVALID}Invalid resource Arn: ${arn}`);
  const table = /^table\/([^/]+)$/.exec(parsed.resource);
  if (table) return { arn, kind: "table", tableName: table[1] as string };
  const stream = /^table\/([^/]+)\/stream\/([^/]+)$/.exec(parsed.resource);
  if (stream) return { arn, kind: "stream", tableName: stream[1] as string, streamLabel: stream[2] as string };
  refuseIndexArn(arn, parsed.resource);
  throw validationException(`${INVALID}Provided Arn is not a DynamoDB resource arn: ${arn}`);
}

/** The table behind the target; a stream must be the table's latest one. */
function tableOf(ctx: DynamoContext, target: PolicyTarget): TableMeta {
  const meta = ctx.store.getTable(ctx, target.tableName);
  // A restore still making the table: no policy to read or put yet (DDB-TABLE-217).
  if (meta === undefined || restoring(meta)) throw errors.TableNotFound({ name: target.tableName });
  if (target.kind === "stream" && meta.stream?.arn !== target.arn) {
    throw errors.ResourceNotFoundMessage({ message: `Requested resource not found: Stream: ${target.streamLabel} not found for Table: ${target.tableName}` });
  }
  return meta;
}

/** ExpectedRevisionId is a precondition; AWS answers a failed one with PolicyNotFoundException. */
function checkExpectedRevision(expected: string | undefined, entry: ResourcePolicyMeta | undefined, table: string): void {
  if (expected === undefined) return;
  if (expected === NO_POLICY) {
    if (entry?.document !== undefined) {
      throw errors.PolicyNotFound({
        detail: `Requested policy update expecting none to be present for table ${table}, but a policy exists with revision id ${entry.revisionId}.`,
      });
    }
    return;
  }
  if (entry === undefined) throw errors.PolicyNotFound({ detail: `Requested update for policy with revision id ${expected}, but table ${table} has no associated policy.` });
  if (entry.revisionId !== expected) {
    throw errors.PolicyNotFound({
      detail: `Requested update for policy with revision id ${expected}, but the policy associated to target table ${table} has revision id ${entry.revisionId}.`,
    });
  }
}

/** RevisionIds are the epoch ms of the change, strictly increasing per resource. */
function nextRevision(entry: ResourcePolicyMeta | undefined, now: number): string {
  return String(Math.max(now, Number(entry?.revisionId ?? 0) + 1));
}

function setPolicy(meta: TableMeta, arn: string, entry: ResourcePolicyMeta): void {
  meta.resourcePolicies = { ...{}, ...meta.resourcePolicies, [arn]: entry };
}

/** CreateTable's ResourcePolicy: validated like a Put and attached with the table. */
export function attachCreatePolicy(ctx: DynamoContext, meta: TableMeta, policy: string | undefined): void {
  if (policy === undefined) return;
  const { canonical } = checkPolicy(policy, "table", ctx.account);
  setPolicy(meta, meta.arn, { document: canonical, revisionId: String(meta.createdAt) });
}

export function putResourcePolicy(input: PutResourcePolicyInput, ctx: DynamoContext): PutResourcePolicyOutput {
  const target = targetOf(ctx, input.ResourceArn);
  const policy = checkPolicy(input.Policy, target.kind, ctx.account);
  if (policy.locksOutCaller && input.ConfirmRemoveSelfResourceAccess !== true) {
    throw errors.AccessDenied({ message: "The new resource policy will not allow you to update the resource policy in the future." });
  }
  return ctx.store.transaction(() => {
    const meta = tableOf(ctx, target);
    const entry = meta.resourcePolicies?.[target.arn];
    checkExpectedRevision(input.ExpectedRevisionId, entry, meta.name);
    // The same policy again (in any equivalent spelling) changes nothing and keeps its RevisionId.
    if (entry?.document === policy.canonical) return { RevisionId: entry.revisionId };
    const revisionId = nextRevision(entry, ctx.clock.now());
    setPolicy(meta, target.arn, {
      document: policy.canonical,
      revisionId,
      ...(input.ConfirmRemoveSelfResourceAccess !== undefined ? { confirmRemoveSelfResourceAccess: input.ConfirmRemoveSelfResourceAccess } : {}),
    });
    ctx.store.saveTable(ctx, meta);
    return { RevisionId: revisionId };
  });
}

export function getResourcePolicy(input: GetResourcePolicyInput, ctx: DynamoContext): GetResourcePolicyOutput {
  const target = targetOf(ctx, input.ResourceArn);
  // With its table gone, DynamoDB answers a stream's policy as missing, not the table.
  if (target.kind === "stream" && ctx.store.readTable(ctx, target.tableName) === undefined) throw errors.PolicyNotFound({ detail: target.arn });
  const entry = tableOf(ctx, target).resourcePolicies?.[target.arn];
  if (entry?.document === undefined) throw errors.PolicyNotFound({ detail: target.arn });
  return { Policy: policyAsReturned(entry.document), RevisionId: entry.revisionId };
}

export function deleteResourcePolicy(input: DeleteResourcePolicyInput, ctx: DynamoContext): DeleteResourcePolicyOutput {
  const target = targetOf(ctx, input.ResourceArn);
  return ctx.store.transaction(() => {
    const meta = tableOf(ctx, target);
    const entry = meta.resourcePolicies?.[target.arn];
    checkExpectedRevision(input.ExpectedRevisionId, entry, meta.name);
    // Deleting nothing succeeds; after a real delete it answers the deletion's own RevisionId.
    if (entry?.document === undefined) return entry === undefined ? {} : { RevisionId: entry.revisionId };
    setPolicy(meta, target.arn, { revisionId: nextRevision(entry, ctx.clock.now()) });
    ctx.store.saveTable(ctx, meta);
    return { RevisionId: entry.revisionId };
  });
}
