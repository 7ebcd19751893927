/**
 * PutDataProtectionPolicy / GetDataProtectionPolicy: the topic's `DataProtectionPolicy`
 * attribute under another name (CreateTopic and SetTopicAttributes write the same policy).
 * An empty policy deletes it; a topic without one answers "".
 */
import type { GetDataProtectionPolicyInput, GetDataProtectionPolicyOutput, PutDataProtectionPolicyInput, PutDataProtectionPolicyOutput } from "../../../generated/sns.js";
import { DATA_PROTECTION_ATTRIBUTE } from "../data-protection.js";
import { parseDataProtectionPolicy } from "../domain/data-protection-policy.js";
import { errors } from "../errors.js";
import { resolveTopic, type SnsContext } from "../topics.js";

export function putDataProtectionPolicy(input: PutDataProtectionPolicyInput, ctx: SnsContext): PutDataProtectionPolicyOutput {
  const document = input.DataProtectionPolicy;
  if (document !== "") parseDataProtectionPolicy(document);
  const ref = resolveTopic(ctx, input.ResourceArn, "ResourceArn");
  ctx.store.transaction(() => {
    const topic = ctx.store.getTopic(ref);
    if (topic === undefined) throw errors.TopicNotFound();
    const attributes = { ...topic.attributes };
    if (document === "") delete attributes[DATA_PROTECTION_ATTRIBUTE];
    else attributes[DATA_PROTECTION_ATTRIBUTE] = document;
    ctx.store.updateTopicAttributes(topic, attributes);
  });
  return {};
}

export function getDataProtectionPolicy(input: GetDataProtectionPolicyInput, ctx: SnsContext): GetDataProtectionPolicyOutput {
  const topic = resolveTopic(ctx, input.ResourceArn, "ResourceArn");
  return { DataProtectionPolicy: topic.attributes[DATA_PROTECTION_ATTRIBUTE] ?? "" };
}
