import type { GetSessionTokenInput, GetSessionTokenOutput } from "../../../generated/sts.js";
import { errors } from "../errors.js";
import type { StsContext } from "../index.js";
import { issueSession } from "../domain/sessions.js";
import { check, constraints } from "../validation.js";

// GetSessionToken: 900 s to 129,600 s (36 h), default 43,200 s (12 h).
const MIN = 900;
const MAX = 129_600;
const DEFAULT = 43_200;

export function getSessionToken(input: GetSessionTokenInput, ctx: StsContext): GetSessionTokenOutput {
  check(constraints.durationSeconds(input.DurationSeconds, MIN, MAX), ...constraints.serialNumber(input.SerialNumber), ...constraints.tokenCode(input.TokenCode));
  const caller = ctx.store.principalOf(ctx.caller.accessKeyId);
  if (caller.session) throw errors.SessionTokenWithSessionCredentials();
  const { credentials } = issueSession(ctx, { ...{}, ...caller, session: true }, input.DurationSeconds ?? DEFAULT);
  return { Credentials: credentials };
}
