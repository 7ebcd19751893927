import type { Principal } from "../../../auth/credentials.js";
import { newSessionToken } from "../../../auth/session-tokens.js";
import type { ShapeSl } from "../../../generated/sts.js";
import type { StsContext } from "../index.js";
import { errors } from "../errors.js";
import { secretAccessKey, sessionAccessKeyId } from "./keys.js";

/** Issues temporary credentials for a principal; they authenticate as it until they expire. */
export function issueSession(ctx: StsContext, principal: Principal, durationSeconds: number): { credentials: ShapeSl } {
  const expiration = ctx.clock.now() + durationSeconds * 1000;
  const key = {
    ...{}, ...principal,
    accessKeyId: sessionAccessKeyId(),
    secretAccessKey: secretAccessKey(),
    sessionToken: newSessionToken(expiration),
    expiration,
  };
  ctx.store.issue(key);
  return {
    credentials: {
      AccessKeyId: key.accessKeyId,
      SecretAccessKey: key.secretAccessKey,
      SessionToken: key.sessionToken,
      // Whole seconds, as STS returns them.
      Expiration: new Date(Math.floor(expiration / 1000) * 1000),
    },
  };
}

/**
 * Percentage of the packed session-policy limit used by inline policy, policy ARNs and tags.
 * AWS's packing is undocumented; this counts characters against the 2,048 limit.
 */
export function packedPolicySize(input: { Policy?: string; PolicyArns?: { arn?: string }[]; Tags?: { Key: string; Value: string }[] }): number | undefined {
  if (input.Policy === undefined && !input.PolicyArns?.length && !input.Tags?.length) return undefined;
  const chars =
    (input.Policy ? JSON.stringify(JSON.parse(input.Policy)).length : 0) +
    (input.PolicyArns ?? []).reduce((n, p) => n + (p.arn?.length ?? 0), 0) +
    (input.Tags ?? []).reduce((n, t) => n + t.Key.length + t.Value.length, 0);
  const percent = Math.ceil((chars / 2048) * 100);
  if (percent > 100) throw errors.PackedPolicyTooLarge();
  return percent;
}
