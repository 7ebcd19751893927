/**
 * The caller and the global condition keys (`aws:*`) that resource policies see, for every
 * service that decides requests by them when policies are enforced (`--enforce-policies`):
 * S3 bucket policies, SQS queue policies. Identity policies are not evaluated (Nimbus has no IAM
 * yet), so a principal's own account lets it do anything its resource policies do not deny.
 */
import type { Caller, NimbusConfig } from "../core/service.js";
import type { Identities } from "./credentials.js";
import type { RequestPrincipal } from "./policy.js";

export function enforcesPolicies(config: NimbusConfig): boolean {
  return config.auth?.enforcePolicies === true;
}

/**
 * The caller as policies see it: a service acting for its resource (SNS delivering for a topic),
 * an in-process call acting as its account's root, an anonymous (unsigned) request, or the
 * principal behind the access key. `canonicalUserId` names the account to S3 ACLs.
 */
export function requestPrincipal(identities: Identities, account: string, caller: Caller, canonicalUserId?: (account: string) => string): RequestPrincipal {
  if (caller.service) return { type: "service", service: caller.service.service };
  const aws = (a: string, arn: string, userId: string): RequestPrincipal => ({ type: "aws", account: a, arn, userId, ...(canonicalUserId ? { canonicalUserId: canonicalUserId(a) } : {}) });
  if (caller.internal) return aws(account, `arn:aws:iam::${account}:root`, account);
  if (!caller.accessKeyId) return { type: "anonymous" };
  const principal = identities.principalOf(caller.accessKeyId);
  return aws(principal.account, principal.arn, principal.userId);
}

/** AWS's global condition keys for the request, lower-cased as policy.ts reads them. Nimbus speaks plain HTTP: aws:SecureTransport is false. */
export function globalConditionKeys(now: number, caller: Caller, principal: RequestPrincipal): Record<string, string | undefined> {
  const who: Record<string, string | undefined> =
    principal.type === "aws"
      ? {
          "aws:principalaccount": principal.account,
          "aws:principalarn": principal.arn,
          "aws:userid": principal.userId,
          "aws:principaltype": principal.arn.includes(":assumed-role/") ? "AssumedRole" : principal.arn.endsWith(":root") ? "Account" : "User",
          "aws:username": principal.arn.includes(":user/") ? principal.arn.slice(principal.arn.lastIndexOf("/") + 1) : undefined,
        }
      : principal.type === "service"
        ? { "aws:principalservicename": principal.service, "aws:sourcearn": caller.service?.sourceArn, "aws:sourceaccount": caller.service?.sourceAccount }
        : { "aws:principaltype": "Anonymous" };
  return {
    ...{}, ...who,
    "aws:securetransport": "false",
    "aws:sourceip": caller.sourceIp.replace(/^::ffff:/, ""),
    "aws:currenttime": new Date(now).toISOString(),
    "aws:epochtime": String(Math.floor(now / 1000)),
    "aws:useragent": caller.userAgent,
  };
}
