import type { ShapeSl, ShapeSq } from "../../../generated/sts.js";
import { parseArn } from "../../../core/arn.js";
import { errors } from "../errors.js";
import type { StsContext } from "../index.js";
import { roleId } from "./keys.js";
import { issueSession } from "./sessions.js";

/** A role session lasts 900 s up to the role's maximum session duration (at most 12 h); 1 h by default. */
export const ROLE_SESSION_SECONDS = { min: 900, max: 43_200, default: 3_600 } as const;

export interface Role {
  readonly partition: string;
  readonly account: string;
  readonly name: string;
}

/**
 * The role an AssumeRole* request names. Nimbus keeps no IAM roles, so any well-formed role ARN
 * can be assumed (there is no trust policy to check).
 */
export function roleOf(roleArn: string): Role {
  const arn = parseArn(roleArn);
  const name = arn?.resource.startsWith("role/") ? arn.resource.slice("role/".length).split("/").pop() : undefined;
  if (!arn || !name || !/^\d{12}$/.test(arn.account)) {
    throw errors.ValidationError({ message: `${roleArn} is invalid` });
  }
  return { partition: arn.partition, account: arn.account, name };
}

/**
 * A session of `role` named `sessionName`, as every AssumeRole* operation issues it:
 * `arn:aws:sts::<account>:assumed-role/<role name>/<session name>`, role id `AROA...:<session name>`.
 */
export function issueRoleSession(ctx: StsContext, role: Role, sessionName: string, durationSeconds: number): { Credentials: ShapeSl; AssumedRoleUser: ShapeSq } {
  const assumedRoleId = `${roleId()}:${sessionName}`;
  const arn = `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${sessionName}`;
  const { credentials } = issueSession(ctx, { account: role.account, arn, userId: assumedRoleId, session: true }, durationSeconds);
  return { Credentials: credentials, AssumedRoleUser: { AssumedRoleId: assumedRoleId, Arn: arn } };
}

/** A session policy must be JSON. */
export function checkSessionPolicy(policy: string | undefined): void {
  if (policy === undefined) return;
  try {
    JSON.parse(policy);
  } catch {
    throw errors.MalformedPolicyDocument();
  }
}
