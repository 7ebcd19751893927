import type { GetCallerIdentityInput, GetCallerIdentityOutput } from "../../../generated/sts.js";
import type { StsContext } from "../index.js";

export function getCallerIdentity(_input: GetCallerIdentityInput, ctx: StsContext): GetCallerIdentityOutput {
  const principal = ctx.store.principalOf(ctx.caller.accessKeyId);
  return { UserId: principal.userId, Account: principal.account, Arn: principal.arn };
}
