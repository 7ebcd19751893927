/**
 * The caller and the global condition keys (`aws:*`) that resource policies see, for every
 * service that decides requests by them when policies are enforced (`--enforce-policies`):
 * S3 bucket policies (s3/authorization.ts, with ACLs), DynamoDB table, SQS queue, SNS topic and
 * Lambda function policies (resourcePolicyRefusal). Identity policies are not evaluated (Nimbus has no IAM yet),
 * so a principal's own account lets it do anything its resource policies do not deny.
 */
import { parseArn } from "../core/arn.js";
import type { Caller, HandlerContext, NimbusConfig, ServiceCaller } from "../core/service.js";
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

/**
 * The caller's unique IAM id, GetCallerIdentity's UserId ("AIDA..." for a user, "AROA...:session"
 * for an assumed role, the account id for its root user): what S3 events name after "AWS:" and SQS
 * gives as SenderId. A call without keys, or in-process from another service whose id is not on
 * record (serviceUserId), is its account's.
 */
export function callerUserId(ctx: Pick<HandlerContext, "caller" | "identities" | "account" | "region">): string {
  const service = ctx.caller.service;
  if (service !== undefined) return serviceUserId(service, ctx.region) ?? ctx.account;
  return ctx.caller.accessKeyId && !ctx.caller.internal ? ctx.identities.principalOf(ctx.caller.accessKeyId).userId : ctx.account;
}

/**
 * The IAM id a service acts as in the Region of the resource it acts for (an S3 bucket's ARN names
 * none: the Region of the call, which S3 keeps to its bucket's), where it is on record: the
 * SenderId of the messages it puts in SQS in events captured from AWS, accounts and years apart
 * (cross-account too), always the same id. SNS from a us-east-1 topic is AIDAIT2UOQQY3AUEKVGXU,
 * S3 in us-east-1 AIDAJHIPRHEMV73VRJEBU. Other Regions use other ids (an ap-southeast-2 capture
 * shows another one for SNS), not established enough to copy: there the account stays.
 */
const SERVICE_USER_IDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "sns.amazonaws.com": { "us-east-1": "AIDAIT2UOQQY3AUEKVGXU" },
  "s3.amazonaws.com": { "us-east-1": "AIDAJHIPRHEMV73VRJEBU" },
};

function serviceUserId(service: ServiceCaller, callRegion: string): string | undefined {
  const region = parseArn(service.sourceArn)?.region || callRegion;
  return SERVICE_USER_IDS[service.service]?.[region];
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

/**
 * A resource's policy deciding a request, as DynamoDB table, SQS queue, SNS topic and Lambda
 * function policies do: the resource's own account may do anything the policy does not
 * explicitly deny; other accounts, anonymous callers and services (SNS delivering for a topic,
 * S3 for a bucket) need its Allow. Undefined when the request may go on; otherwise AWS's
 * sentence for the refusal, which each service sends under its own error code. `shownAction`
 * is the action as the service spells it there (SQS writes `sqs:sendmessage`).
 */
export function resourcePolicyRefusal(
  ctx: Pick<HandlerContext, "identities" | "account" | "caller" | "clock">,
  resource: { readonly arn: string; readonly account: string; readonly policy: string | undefined },
  action: string,
  shownAction = action,
): string | undefined {
  const principal = requestPrincipal(ctx.identities, ctx.account, ctx.caller);
  const conditions = globalConditionKeys(ctx.clock.now(), ctx.caller, principal);
  const decision = resource.policy === undefined ? "NotApplicable" : evaluatePolicy(resource.policy, { principal, action, resource: resource.arn, conditions });
  const ownAccount = principal.type === "aws" && principal.account === resource.account;
  if (decision === "Allow" || (decision === "NotApplicable" && ownAccount)) return undefined;
  return resourcePolicySentence(principal, shownAction, resource.arn, decision);
}

/**
 * AWS's sentence for a request a resource-based policy refused, by an explicit Deny or for want of
 * an Allow. `resource` is written as the service writes it: S3 puts the ARN in double quotes
 * (s3/authorization.ts), the others leave it bare.
 */
export function resourcePolicySentence(principal: RequestPrincipal, action: string, resource: string, decision: "Deny" | "NotApplicable"): string {
  return notAuthorizedSentence(principal, action, resource, decision === "Deny" ? "with an explicit deny in a resource-based policy" : `because no resource-based policy allows the ${action} action`);
}

/** AWS's "User: <principal> is not authorized to perform: <action> on resource: <resource> <reason>". */
export function notAuthorizedSentence(principal: RequestPrincipal, action: string, resource: string, reason: string): string {
  const who = principal.type === "aws" ? principal.arn : principal.type === "service" ? principal.service : "anonymous";
  return `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${reason}`;
}
