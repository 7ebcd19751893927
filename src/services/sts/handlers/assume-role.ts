import type { AssumeRoleInput, AssumeRoleOutput } from "../../../generated/sts.js";
import { parseArn } from "../../../core/arn.js";
import { errors } from "../errors.js";
import type { StsContext } from "../index.js";
import { roleId } from "../domain/keys.js";
import { issueSession, packedPolicySize } from "../domain/sessions.js";
import { check, constraints } from "../validation.js";

// AssumeRole: 900 s up to the role's maximum session duration (at most 12 h); default 1 h.
// Role chaining (assuming a role with role session credentials) is limited to 1 h.
const MIN = 900;
const MAX = 43_200;
const CHAINED_MAX = 3_600;
const DEFAULT = 3_600;

export function assumeRole(input: AssumeRoleInput, ctx: StsContext): AssumeRoleOutput {
  check(
    constraints.roleArn(input.RoleArn),
    ...constraints.roleSessionName(input.RoleSessionName),
    constraints.durationSeconds(input.DurationSeconds, MIN, MAX),
    constraints.policy(input.Policy),
    ...constraints.externalId(input.ExternalId),
    constraints.serialNumber(input.SerialNumber),
    ...constraints.tokenCode(input.TokenCode),
  );
  const arn = parseArn(input.RoleArn);
  const roleName = arn?.resource.startsWith("role/") ? arn.resource.slice("role/".length).split("/").pop() : undefined;
  if (!arn || !roleName || !/^\d{12}$/.test(arn.account)) {
    throw errors.ValidationError({ message: `${input.RoleArn} is invalid` });
  }
  if (input.Policy !== undefined) {
    try {
      JSON.parse(input.Policy);
    } catch {
      throw errors.MalformedPolicyDocument();
    }
  }
  const caller = ctx.store.principalOf(ctx.caller.accessKeyId);
  const duration = input.DurationSeconds ?? DEFAULT;
  if (caller.session && caller.arn.includes(":assumed-role/") && duration > CHAINED_MAX) {
    throw errors.ValidationError({
      message: `The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.`,
    });
  }
  const assumedRoleId = `${roleId()}:${input.RoleSessionName}`;
  const principalArn = `arn:${arn.partition}:sts::${arn.account}:assumed-role/${roleName}/${input.RoleSessionName}`;
  const { credentials } = issueSession(ctx, { account: arn.account, arn: principalArn, userId: assumedRoleId, session: true }, duration);
  const size = packedPolicySize(input);
  return {
    Credentials: credentials,
    AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: principalArn },
    ...(size !== undefined ? { PackedPolicySize: size } : {}),
    ...(input.SourceIdentity !== undefined ? { SourceIdentity: input.SourceIdentity } : {}),
  };
}
