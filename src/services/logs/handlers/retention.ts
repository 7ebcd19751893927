import type {
  DeleteRetentionPolicyInput,
  DeleteRetentionPolicyOutput,
  PutRetentionPolicyInput,
  PutRetentionPolicyOutput,
} from "../../../generated/logs.js";
import { requireGroup, type LogsContext } from "../resolve.js";
import { check, constraints } from "../validation.js";

export function putRetentionPolicy(input: PutRetentionPolicyInput, ctx: LogsContext): PutRetentionPolicyOutput {
  check(...constraints.logGroupName(input.logGroupName), constraints.retentionInDays(input.retentionInDays));
  requireGroup(ctx, input.logGroupName);
  ctx.store.setRetention(ctx, input.logGroupName, input.retentionInDays);
  return {};
}

export function deleteRetentionPolicy(input: DeleteRetentionPolicyInput, ctx: LogsContext): DeleteRetentionPolicyOutput {
  check(...constraints.logGroupName(input.logGroupName));
  requireGroup(ctx, input.logGroupName);
  ctx.store.setRetention(ctx, input.logGroupName, undefined);
  return {};
}
