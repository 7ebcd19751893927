/**
 * Topic access policies are recorded, and decide requests when policies are enforced (topics.ts
 * authorizeTopic). SetTopicAttributes / CreateTopic refuse what AWS refuses: a document that is not a policy
 * ("Policy Error: null", AWS's words for any malformed document) and actions outside the
 * topic's scope ("Policy statement action out of service scope!", e.g. kms:* or SNS:CreateTopic).
 */
import { invalidParameter } from "./errors.js";

/** The actions a topic policy may grant (AWS's default policy lists all but Receive). */
export const TOPIC_POLICY_ACTIONS: readonly string[] = [
  "GetTopicAttributes",
  "SetTopicAttributes",
  "AddPermission",
  "RemovePermission",
  "DeleteTopic",
  "Subscribe",
  "ListSubscriptionsByTopic",
  "Publish",
  "Receive",
];

export const OUT_OF_SCOPE = "Policy statement action out of service scope!";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] | undefined {
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string")) return value as string[];
  return undefined;
}

/** Whether `action` (SNS:Publish, sns:Get*, *) names at least one topic action. */
export function inTopicScope(action: string): boolean {
  if (action === "*") return true;
  const match = /^sns:(.+)$/i.exec(action);
  if (!match?.[1]) return false;
  const pattern = new RegExp(`^${match[1].replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return TOPIC_POLICY_ACTIONS.some((a) => pattern.test(a));
}

/** Checks a topic Policy document; `prefix` is the operation's ("Invalid parameter: " ...). */
export function validateTopicPolicy(text: string, prefix: string): void {
  const malformed = () => invalidParameter(`${prefix}Policy Error: null`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw malformed();
  }
  if (!isObject(doc)) throw malformed();
  const statements = Array.isArray(doc.Statement) ? doc.Statement : isObject(doc.Statement) ? [doc.Statement] : undefined;
  if (statements === undefined || statements.length === 0) throw malformed();
  for (const statement of statements) {
    if (!isObject(statement)) throw malformed();
    if (statement.Effect !== "Allow" && statement.Effect !== "Deny") throw malformed();
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) throw malformed();
    const actions = strings(statement.Action ?? statement.NotAction);
    if (actions === undefined) throw malformed();
    if (actions.some((a) => !inTopicScope(a))) throw invalidParameter(`${prefix}${OUT_OF_SCOPE}`);
  }
}
