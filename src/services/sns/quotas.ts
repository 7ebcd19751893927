/**
 * SNS's resource quotas. "Users can create at most 100,000 standard topics (at most 1,000 FIFO
 * topics)" (API reference, CreateTopic; the AWS::SNS::Topic CloudFormation page: "One account can
 * create a maximum of 100,000 standard topics and 1,000 FIFO topics"), and "each topic supports
 * up to 12.5M subscriptions" for standard topics, "up to 100 subscriptions" for FIFO ones (SNS
 * features page, "Message fanout"). Topics are counted per account and Region: "Unless otherwise
 * noted, each limit is region-specific" (General Reference, "AWS Service Limits").
 *
 * Not enforced: the Service Quotas catalogue's "Pending Subscriptions per Account" (L-1A43D3DB),
 * whose default and refusal no AWS page found states.
 */
import { errors } from "./errors.js";

export const STANDARD_TOPICS_PER_ACCOUNT = 100_000;
export const FIFO_TOPICS_PER_ACCOUNT = 1_000;
export const STANDARD_TOPIC_SUBSCRIPTIONS = 12_500_000;
export const FIFO_TOPIC_SUBSCRIPTIONS = 100;

function kind(fifo: boolean): string {
  return fifo ? "FIFO" : "standard";
}

/** CreateTopic of a new topic when the account already owns `owned` of its kind in the Region. */
export function checkTopicQuota(fifo: boolean, owned: number): void {
  const limit = fifo ? FIFO_TOPICS_PER_ACCOUNT : STANDARD_TOPICS_PER_ACCOUNT;
  if (owned >= limit) throw errors.TopicLimitExceeded({ kind: kind(fifo), limit: limit.toLocaleString("en-US") });
}

/**
 * One more subscription on a topic that has `subscriptions`. Pending ones count too (whether AWS
 * counts them is not documented; they are the topic's until they expire after 48 hours).
 */
export function checkSubscriptionQuota(fifo: boolean, subscriptions: number): void {
  const limit = fifo ? FIFO_TOPIC_SUBSCRIPTIONS : STANDARD_TOPIC_SUBSCRIPTIONS;
  if (subscriptions >= limit) throw errors.SubscriptionLimitExceeded({ kind: kind(fifo), limit: limit.toLocaleString("en-US") });
}
