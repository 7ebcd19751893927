import type { AssumeRoleInput, AssumeRoleOutput } from "../../../generated/sts.js";
import { errors } from "../errors.js";
import type { StsContext } from "../index.js";
import { checkSessionPolicy, issueRoleSession, ROLE_SESSION_SECONDS, roleOf } from "../domain/roles.js";
import { packedPolicySize } from "../domain/sessions.js";
import { check, constraints } from "../validation.js";

// Role chaining (assuming a role with role session credentials) is limited to 1 h.
const CHAINED_MAX = 3_600;

export function assumeRole(input: AssumeRoleInput, ctx: StsContext): AssumeRoleOutput {
  check(
    constraints.roleArn(input.RoleArn),
    ...constraints.roleSessionName(input.RoleSessionName),
    ...constraints.policyArns(input.PolicyArns),
    constraints.durationSeconds(input.DurationSeconds, ROLE_SESSION_SECONDS.min, ROLE_SESSION_SECONDS.max),
    ...constraints.policy(input.Policy),
    ...constraints.tags(input.Tags),
    ...constraints.transitiveTagKeys(input.TransitiveTagKeys),
    ...constraints.externalId(input.ExternalId),
    ...constraints.serialNumber(input.SerialNumber),
    ...constraints.tokenCode(input.TokenCode),
    ...constraints.sourceIdentity(input.SourceIdentity),
  );
  const role = roleOf(input.RoleArn);
  checkSessionPolicy(input.Policy);
  const caller = ctx.store.principalOf(ctx.caller.accessKeyId);
  const duration = input.DurationSeconds ?? ROLE_SESSION_SECONDS.default;
  if (caller.session && caller.arn.includes(":assumed-role/") && duration > CHAINED_MAX) {
    throw errors.ValidationError({
      message: `The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.`,
    });
  }
  const session = issueRoleSession(ctx, role, input.RoleSessionName, duration);
  const size = packedPolicySize(input);
  return {
    Credentials: session.Credentials,
    AssumedRoleUser: session.AssumedRoleUser,
    ...(size !== undefined ? { PackedPolicySize: size } : {}),
    ...(input.SourceIdentity !== undefined ? { SourceIdentity: input.SourceIdentity } : {}),
  };
}
