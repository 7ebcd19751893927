import type {
  DeleteBucketReplicationInput,
  DeleteBucketReplicationOutput,
  GetBucketReplicationInput,
  GetBucketReplicationOutput,
  PutBucketReplicationInput,
  PutBucketReplicationOutput,
} from "../../../generated/s3.js";
import { randomUUID } from "node:crypto";
import { errors } from "../errors.js";
import type { S3Context } from "../index.js";
import { requireBucket } from "../objects.js";
import { validateReplication, type ReplicationConfig } from "../replication.js";

export function putBucketReplication(input: PutBucketReplicationInput, ctx: S3Context): PutBucketReplicationOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  // S3 names rules that come without an ID.
  const config = {
    ...{}, ...input.ReplicationConfiguration,
    Rules: (input.ReplicationConfiguration.Rules ?? []).map((rule) => ({ ...{}, ...rule, ID: rule.ID ?? randomUUID().replace(/-/g, "").slice(0, 24) })),
  } as ReplicationConfig;
  validateReplication(ctx.store, bucket, config);
  ctx.store.transaction(() => ctx.store.setConfig(bucket.name, "replication", config));
  return {};
}

export function getBucketReplication(input: GetBucketReplicationInput, ctx: S3Context): GetBucketReplicationOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const config = ctx.store.config<ReplicationConfig>(bucket.name, "replication");
  if (!config) throw errors.ReplicationConfigurationNotFound({}, { fields: { BucketName: bucket.name } });
  return { ReplicationConfiguration: config as NonNullable<GetBucketReplicationOutput["ReplicationConfiguration"]> };
}

export function deleteBucketReplication(input: DeleteBucketReplicationInput, ctx: S3Context): DeleteBucketReplicationOutput {
  ctx.store.transaction(() => ctx.store.deleteConfig(requireBucket(ctx, input.Bucket).name, "replication"));
  return {};
}
