/**
 * The emails SNS sends for `email` and `email-json` subscriptions, as recorded in the outbox
 * (nothing is mailed from one machine).
 *
 * email:       the message as plain text, then AWS's footer with the unsubscribe link; subject
 *              the Publish Subject or "AWS Notification Message".
 * email-json:  the Notification document (the same fields an HTTP/S endpoint receives),
 *              printed the way SNS prints it: two-space indent and " : " between name and value.
 * Confirmations: "AWS Notification - Subscription Confirmation" with the confirmation link for
 *              email; the SubscriptionConfirmation document for email-json.
 * Links point at this Nimbus (its SubscribeURL / UnsubscribeURL forms), which answer them.
 * The sender is "<DisplayName or AWS Notifications> <no-reply@sns.amazonaws.com>".
 */
import type { Topic } from "./store.js";

export const DEFAULT_EMAIL_SUBJECT = "AWS Notification Message";
export const CONFIRMATION_EMAIL_SUBJECT = "AWS Notification - Subscription Confirmation";

export function emailSender(topic: Topic): string {
  const name = topic.attributes.DisplayName || "AWS Notifications";
  return `${name} <no-reply@sns.amazonaws.com>`;
}

export function emailNotificationText(message: string, unsubscribeUrl: string): string {
  return (
    `${message}\n\n--\n` +
    "If you wish to stop receiving notifications from this topic, please click or visit the link below to unsubscribe:\n" +
    `${unsubscribeUrl}\n\n` +
    "Please do not reply directly to this email. If you have any questions or comments regarding this email, please contact us at https://aws.amazon.com/support"
  );
}

export function emailConfirmationText(topicArn: string, confirmUrl: string): string {
  return (
    `You have chosen to subscribe to the topic: \n${topicArn}\n\n` +
    "To confirm this subscription, click or visit the link below (If this was in error no action is necessary): \n" +
    `${confirmUrl}\n\n` +
    "Please do not reply directly to this email. If you wish to remove yourself from receiving all future SNS subscription confirmation requests please send an email to sns-opt-out"
  );
}

/** JSON as SNS prints its documents: two-space indent, `"name" : value`. */
export function snsPrettyJson(value: unknown, indent = ""): string {
  if (Array.isArray(value)) return `[ ${value.map((v) => snsPrettyJson(v, indent)).join(", ")} ]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return "{ }";
    const inner = `${indent}  `;
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)} : ${snsPrettyJson(v, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value) ?? "null";
}
