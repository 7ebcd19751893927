import type {
  GetBucketNotificationConfigurationInput,
  GetBucketNotificationConfigurationOutput,
  PutBucketNotificationConfigurationInput,
  PutBucketNotificationConfigurationOutput,
} from "../../../generated/s3.js";
import { randomUUID } from "node:crypto";
import { normalizeNotificationConfiguration, type NotificationRule } from "../domain/notifications.js";
import type { S3Context } from "../index.js";
import { notificationRules, sendTestEvent, validateDestination } from "../notify.js";
import { requireBucket } from "../objects.js";

export async function putBucketNotificationConfiguration(
  input: PutBucketNotificationConfigurationInput,
  ctx: S3Context,
): Promise<PutBucketNotificationConfigurationOutput> {
  const bucket = requireBucket(ctx, input.Bucket);
  const config = normalizeNotificationConfiguration(input.NotificationConfiguration, () => randomUUID());
  if (!input.SkipDestinationValidation) {
    for (const rule of config.rules) await validateDestination(ctx, rule, bucket.name);
    // S3 confirms each new destination with an s3:TestEvent message; one that may not receive
    // it from this bucket (its policy, when policies are enforced) fails the configuration.
    for (const rule of config.rules) await sendTestEvent(ctx, rule, bucket);
  }
  ctx.store.transaction(() => {
    const current = requireBucket(ctx, input.Bucket);
    ctx.store.setBucketField(current.name, "notifications", config.rules.length || config.eventBridge ? JSON.stringify(config) : null);
  });
  return {};
}

function filterOf(rule: NotificationRule) {
  const rules = [
    ...(rule.prefix !== undefined ? [{ Name: "Prefix", Value: rule.prefix }] : []),
    ...(rule.suffix !== undefined ? [{ Name: "Suffix", Value: rule.suffix }] : []),
  ];
  return rules.length ? { Filter: { Key: { FilterRules: rules } } } : {};
}

export function getBucketNotificationConfiguration(
  input: GetBucketNotificationConfigurationInput,
  ctx: S3Context,
): GetBucketNotificationConfigurationOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const config = notificationRules(bucket);
  const of = (type: NotificationRule["destinationType"]) => config.rules.filter((r) => r.destinationType === type);
  const queues = of("Queue").map((r) => ({ Id: r.id, QueueArn: r.destinationArn, Events: [...r.events], ...filterOf(r) }));
  const topics = of("Topic").map((r) => ({ Id: r.id, TopicArn: r.destinationArn, Events: [...r.events], ...filterOf(r) }));
  const lambdas = of("LambdaFunction").map((r) => ({ Id: r.id, LambdaFunctionArn: r.destinationArn, Events: [...r.events], ...filterOf(r) }));
  return {
    ...{}, ...(topics.length ? { TopicConfigurations: topics } : {}),
    ...(queues.length ? { QueueConfigurations: queues } : {}),
    ...(lambdas.length ? { LambdaFunctionConfigurations: lambdas } : {}),
    ...(config.eventBridge ? { EventBridgeConfiguration: {} } : {}),
  };
}
