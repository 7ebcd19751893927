/**
 * The caller and the global condition keys (`aws:*`) that resource policies see, for every
 * service that decides requests by them when policies are enforced (`--enforce-policies`):
 * S3 bucket policies (s3/authorization.ts, with ACLs), DynamoDB table, SQS queue, SNS topic and
 * Lambda function policies (resourcePolicyRefusal). Identity policies are not evaluated (Nimbus has no IAM yet),
 * so a principal's own account lets it do anything its resource policies do not deny.
 */
import type { Caller, NimbusConfig } from "../core/service.js";
import type { Identities } from "./credentials.js";
import { evaluatePolicy, type RequestPrincipal } from "./policy.js";

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

/** What a refused request is told: who asked, and whether a Deny said no or no Allow said yes. */
export interface Refusal {
  /** The caller's ARN, a service principal's name, or `anonymous`. */
  readonly principal: string;
  readonly explicit: boolean;
}

/**
 * A resource's policy deciding a request, as SQS queue and SNS topic policies do: the
 * resource's own account may do anything the policy does not explicitly deny; other accounts,
 * anonymous callers and services (SNS delivering for a topic, S3 for a bucket) need its Allow.
 * Undefined when the request may go on.
 */
export function resourcePolicyRefusal(
  request: { readonly identities: Identities; readonly account: string; readonly caller: Caller; readonly now: number },
  resource: { readonly arn: string; readonly account: string; readonly policy: string | undefined },
  action: string,
): Refusal | undefined {
  const principal = requestPrincipal(request.identities, request.account, request.caller);
  const conditions = globalConditionKeys(request.now, request.caller, principal);
  const decision = resource.policy === undefined ? "NotApplicable" : evaluatePolicy(resource.policy, { principal, action, resource: resource.arn, conditions });
  const ownAccount = principal.type === "aws" && principal.account === resource.account;
  if (decision === "Allow" || (decision === "NotApplicable" && ownAccount)) return undefined;
  return { principal: principal.type === "aws" ? principal.arn : principal.type === "service" ? principal.service : "anonymous", explicit: decision === "Deny" };
}
