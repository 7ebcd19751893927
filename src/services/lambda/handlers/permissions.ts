import { randomUUID } from "node:crypto";
import type {
  AddPermissionInput,
  AddPermissionOutput,
  GetPolicyInput,
  GetPolicyOutput,
  RemovePermissionInput,
  RemovePermissionOutput,
} from "../../../generated/lambda.js";
import { functionArn, parseFunctionName } from "../domain/arns.js";
import { primaryVersion, resolveFunction } from "../domain/functions.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import type { PolicyStatement } from "../store.js";
import { check, length, pattern } from "../validation.js";

/** Where a permission lives: the unqualified function, a version or an alias each have their own policy. */
function target(ctx: LambdaContext, functionName: string, qualifier: string | undefined): { name: string; qualifier: string; arn: string } {
  const ref = parseFunctionName(ctx, functionName, qualifier);
  const resolved = resolveFunction(ctx.store, ctx, functionName, qualifier, primaryVersion);
  const q = ref.qualifier ?? "";
  return { name: resolved.fn.name, qualifier: q, arn: functionArn(ctx, resolved.fn.name, q || undefined) };
}

function principalOf(principal: string): unknown {
  if (principal === "*") return "*";
  if (/^\d{12}$/.test(principal)) return { AWS: `arn:aws:iam::${principal}:root` };
  if (principal.startsWith("arn:")) return { AWS: principal };
  return { Service: principal };
}

export function addPermission(input: AddPermissionInput, ctx: LambdaContext): AddPermissionOutput {
  check(
    length("statementId", input.StatementId, 1, 100),
    pattern("statementId", input.StatementId, /^([a-zA-Z0-9-_.]+)$/, "([a-zA-Z0-9-_.]+)"),
    pattern("action", input.Action, /^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/, "(lambda:[*]|lambda:[a-zA-Z]+|[*])"),
    pattern("principal", input.Principal, /^[^\s]+$/, "[^\\s]+"),
  );
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const policy = ctx.store.getPolicy(ctx, t.name, t.qualifier);
  if (input.RevisionId !== undefined && policy && input.RevisionId !== policy.revisionId) throw errors.PreconditionFailed();
  const statements = policy?.statements ?? [];
  if (statements.some((s) => s.Sid === input.StatementId)) throw errors.StatementExists({ sid: input.StatementId });
  const condition: Record<string, Record<string, string>> = {};
  if (input.SourceAccount) (condition["StringEquals"] ??= {})["AWS:SourceAccount"] = input.SourceAccount;
  if (input.PrincipalOrgID) (condition["StringEquals"] ??= {})["aws:PrincipalOrgID"] = input.PrincipalOrgID;
  if (input.EventSourceToken) (condition["StringEquals"] ??= {})["lambda:EventSourceToken"] = input.EventSourceToken;
  if (input.FunctionUrlAuthType) (condition["StringEquals"] ??= {})["lambda:FunctionUrlAuthType"] = input.FunctionUrlAuthType;
  if (input.SourceArn) (condition["ArnLike"] ??= {})["AWS:SourceArn"] = input.SourceArn;
  const statement: PolicyStatement = {
    Sid: input.StatementId,
    Effect: "Allow",
    Principal: principalOf(input.Principal),
    Action: input.Action,
    Resource: t.arn,
    ...(Object.keys(condition).length ? { Condition: condition } : {}),
  };
  ctx.store.putPolicy(ctx, t.name, t.qualifier, [...statements, statement], randomUUID());
  return { Statement: JSON.stringify(statement) };
}

export function removePermission(input: RemovePermissionInput, ctx: LambdaContext): RemovePermissionOutput {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const policy = ctx.store.getPolicy(ctx, t.name, t.qualifier);
  if (!policy) throw errors.PolicyNotFound();
  if (input.RevisionId !== undefined && input.RevisionId !== policy.revisionId) throw errors.PreconditionFailed();
  const remaining = policy.statements.filter((s) => s.Sid !== input.StatementId);
  if (remaining.length === policy.statements.length) throw errors.StatementNotFound({ sid: input.StatementId });
  ctx.store.putPolicy(ctx, t.name, t.qualifier, remaining, randomUUID());
  return {};
}

export function getPolicy(input: GetPolicyInput, ctx: LambdaContext): GetPolicyOutput {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const policy = ctx.store.getPolicy(ctx, t.name, t.qualifier);
  if (!policy) throw errors.PolicyNotFound();
  return { Policy: JSON.stringify({ Version: "2012-10-17", Id: "default", Statement: policy.statements }), RevisionId: policy.revisionId };
}
