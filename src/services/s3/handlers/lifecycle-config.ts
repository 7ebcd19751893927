import { randomUUID } from "node:crypto";
import type {
  DeleteBucketLifecycleInput,
  DeleteBucketLifecycleOutput,
  GetBucketLifecycleConfigurationInput,
  GetBucketLifecycleConfigurationOutput,
  PutBucketLifecycleConfigurationInput,
  PutBucketLifecycleConfigurationOutput,
} from "../../../generated/s3.js";
import { validateLifecycleConfiguration, type LifecycleRuleInput } from "../domain/lifecycle.js";
import { errors, invalidArgument, s3DomainErrors } from "../errors.js";
import type { S3Context } from "../index.js";
import type { StoredLifecycle } from "../lifecycle-runner.js";
import { requireBucket } from "../objects.js";

type Rules = NonNullable<GetBucketLifecycleConfigurationOutput["Rules"]>;
const MINIMUM_SIZES = ["all_storage_classes_128K", "varies_by_storage_class"] as const;

export function putBucketLifecycleConfiguration(input: PutBucketLifecycleConfigurationInput, ctx: S3Context): PutBucketLifecycleConfigurationOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const rulesIn = input.LifecycleConfiguration?.Rules ?? [];
  if (rulesIn.length === 0) throw s3DomainErrors.MalformedXML();
  const minimum = input.TransitionDefaultMinimumObjectSize ?? "all_storage_classes_128K";
  if (!(MINIMUM_SIZES as readonly string[]).includes(minimum)) {
    throw invalidArgument("Invalid value for x-amz-transition-default-minimum-object-size", "x-amz-transition-default-minimum-object-size", minimum);
  }
  // S3 gives every rule without an ID one of its own.
  const withIds = rulesIn.map((rule) => ({ ...{}, ...rule, ID: rule.ID ?? randomUUID().replace(/-/g, "").slice(0, 24) }));
  const rules = validateLifecycleConfiguration(withIds as unknown as LifecycleRuleInput[]);
  const stored: StoredLifecycle = { input: withIds, rules, transitionDefaultMinimumObjectSize: minimum as (typeof MINIMUM_SIZES)[number] };
  ctx.store.transaction(() => ctx.store.setConfig(bucket.name, "lifecycle", stored));
  return { TransitionDefaultMinimumObjectSize: minimum };
}

export function getBucketLifecycleConfiguration(input: GetBucketLifecycleConfigurationInput, ctx: S3Context): GetBucketLifecycleConfigurationOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const stored = ctx.store.config<StoredLifecycle>(bucket.name, "lifecycle");
  if (!stored) throw errors.NoSuchLifecycleConfiguration({}, { fields: { BucketName: bucket.name } });
  return {
    Rules: stored.input as Rules,
    ...(stored.transitionDefaultMinimumObjectSize ? { TransitionDefaultMinimumObjectSize: stored.transitionDefaultMinimumObjectSize } : {}),
  };
}

export function deleteBucketLifecycle(input: DeleteBucketLifecycleInput, ctx: S3Context): DeleteBucketLifecycleOutput {
  ctx.store.transaction(() => ctx.store.deleteConfig(requireBucket(ctx, input.Bucket).name, "lifecycle"));
  return {};
}
