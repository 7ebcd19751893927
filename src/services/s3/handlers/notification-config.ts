import type {
  GetBucketNotificationConfigurationInput,
  GetBucketNotificationConfigurationOutput,
  PutBucketNotificationConfigurationInput,
  PutBucketNotificationConfigurationOutput,
} from "../../../generated/s3.js";
import { randomUUID } from "node:crypto";
import { checkDestinationRegions, destinationValidationError, normalizeNotificationConfiguration, type DestinationFailure, type NotificationRule } from "../domain/notifications.js";
import type { S3Context } from "../index.js";
import { destinationProblem, notificationRules } from "../notify.js";
import { requireBucket } from "../objects.js";

export async function putBucketNotificationConfiguration(
  input: PutBucketNotificationConfigurationInput,
  ctx: S3Context,
): Promise<PutBucketNotificationConfigurationOutput> {
  const bucket = requireBucket(ctx, input.Bucket);
  const config = normalizeNotificationConfiguration(input.NotificationConfiguration, () => randomUUID());
  checkDestinationRegions(config.rules, bucket.region);
  if (!input.SkipDestinationValidation) {
    // Every destination is checked, and S3 names all that fail in one error.
    const failures: DestinationFailure[] = [];
    for (const rule of config.rules) {
      const reason = await destinationProblem(ctx, rule, bucket);
      if (reason !== undefined) failures.push({ destinationType: rule.destinationType, arn: rule.destinationArn, reason });
    }
    if (failures.length > 0) throw destinationValidationError(failures);
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
