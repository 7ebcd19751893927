import type { GetAccessKeyInfoInput, GetAccessKeyInfoOutput } from "../../../generated/sts.js";
import type { StsContext } from "../index.js";
import { check, constraints } from "../validation.js";

export function getAccessKeyInfo(input: GetAccessKeyInfoInput, ctx: StsContext): GetAccessKeyInfoOutput {
  check(...constraints.accessKeyId(input.AccessKeyId));
  return { Account: ctx.store.accountOf(input.AccessKeyId) };
}
