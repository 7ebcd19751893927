/**
 * Message data protection at work on a topic: the stored policy (the topic's
 * `DataProtectionPolicy` attribute, which PutDataProtectionPolicy, CreateTopic and
 * SetTopicAttributes all write), the Inbound statements applied as Publish accepts a message
 * (Deny refuses it, Deidentify masks or redacts it before delivery, Audit logs what it found)
 * and the Outbound Deny applied per subscription as the message is delivered.
 *
 * Audit findings go to the FindingsDestination / NoFindingsDestination CloudWatch Logs group
 * through the Logs service in-process; Firehose and S3 destinations are accepted and not
 * written (no record leaves Nimbus for them). The log stream is named after the topic (AWS
 * does not document its stream names).
 */
import { putLogEvents } from "../../core/log-events.js";
import { sampled } from "./domain/delivery-status.js";
import { applyInbound, auditRecord, deniesOutbound, parseDataProtectionPolicy, type DataProtectionPolicy, type InboundResult } from "./domain/data-protection-policy.js";
import { errors } from "./errors.js";
import type { Subscription, Topic } from "./store.js";
import { subscriptionPrincipal, topicArn, type SnsContext } from "./topics.js";

export const DATA_PROTECTION_ATTRIBUTE = "DataProtectionPolicy";

/** The topic's policy, parsed (it was validated when stored), or undefined when it has none. */
export function topicDataProtection(topic: Topic): DataProtectionPolicy | undefined {
  const document = topic.attributes[DATA_PROTECTION_ATTRIBUTE];
  return document === undefined || document === "" ? undefined : parseDataProtectionPolicy(document);
}

/** The IAM principal calling: an issued key's user or role, else the account's root. */
export function callerPrincipal(ctx: SnsContext): string {
  return ctx.identities.principalOf(ctx.caller.accessKeyId).arn;
}

export interface InboundAudit {
  readonly result: NonNullable<InboundResult["audit"]>;
  readonly principal: string;
}

/**
 * The Inbound statements for one published message: throws AWS's AuthorizationError when a
 * Deny matches or a Deidentify finds the whole message sensitive; else the message to deliver
 * and the audit to write once the message has its id.
 */
export function protectInbound(ctx: SnsContext, topic: Topic, policy: DataProtectionPolicy, message: string): { message: string; audit: InboundAudit | undefined } {
  const principal = callerPrincipal(ctx);
  const result = applyInbound(policy, principal, message);
  if (result.denied || result.wholeMessageSensitive) throw errors.DataProtectionDenied({ topicArn: topicArn(topic) });
  return { message: result.message, audit: result.audit === undefined ? undefined : { result: result.audit, principal } };
}

/** Writes one sampled audit record to the destination log group. Never rejects: a lost record is noted in Nimbus's log. */
export async function writeAudit(ctx: SnsContext, topic: Topic, messageId: string, audit: InboundAudit): Promise<void> {
  const { operation, findings } = audit.result;
  const logGroupName = (findings.length > 0 ? operation.findings : operation.noFindings).logGroup;
  if (logGroupName === undefined || !sampled(messageId, operation.sampleRate)) return;
  const message = auditRecord({
    messageId,
    timestamp: new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, "Z"),
    callerPrincipal: audit.principal,
    resourceArn: topicArn(topic),
    findings,
  });
  try {
    await putLogEvents(ctx.invoke, { account: topic.account, region: topic.region }, logGroupName, topic.name, [{ timestamp: ctx.clock.now(), message }]);
  } catch (err) {
    ctx.store.logger?.warn({ msg: "SNS could not write a data protection audit record", service: "sns", logGroupName, error: err instanceof Error ? err.message : String(err) });
  }
}

/** Why a delivery was refused, as the delivery status log's providerResponse says it (the guide's wording). */
export function outboundRefusal(subscriptionArn: string): string {
  return `The topic's data protection policy prohibits this message from being delivered to ${subscriptionArn}`;
}

/** Whether the policy's Outbound Deny stops the message for this subscription's principal. */
export function outboundDenied(policy: DataProtectionPolicy | undefined, sub: Subscription, message: string): boolean {
  return policy !== undefined && deniesOutbound(policy, subscriptionPrincipal(sub), message);
}
