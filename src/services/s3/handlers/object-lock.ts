/** Object Lock configuration of a bucket, and retention and legal hold of object versions. */
import type {
  GetObjectLegalHoldInput,
  GetObjectLegalHoldOutput,
  GetObjectLockConfigurationInput,
  GetObjectLockConfigurationOutput,
  GetObjectRetentionInput,
  GetObjectRetentionOutput,
  PutObjectLegalHoldInput,
  PutObjectLegalHoldOutput,
  PutObjectLockConfigurationInput,
  PutObjectLockConfigurationOutput,
  PutObjectRetentionInput,
  PutObjectRetentionOutput,
} from "../../../generated/s3.js";
import { bypassesGovernance } from "../authorization.js";
import { s3DomainErrors } from "../errors.js";
import type { S3Context } from "../index.js";
import {
  bucketLockConfiguration,
  enableObjectLock,
  nextRetention,
  objectLockErrors,
  requireLockEnabled,
  retentionOutput,
  setVersionLock,
  validateLockConfiguration,
  versionLock,
} from "../object-lock.js";
import { readableVersion, requireBucket } from "../objects.js";

export function putObjectLockConfiguration(input: PutObjectLockConfigurationInput, ctx: S3Context): PutObjectLockConfigurationOutput {
  const config = validateLockConfiguration(input.ObjectLockConfiguration);
  ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    // Existing buckets can take Object Lock once versioning is on (and then never lose it).
    if (bucket.versioning !== "Enabled" && bucketLockConfiguration(ctx.store, bucket.name) === undefined) throw objectLockErrors.VersioningRequired();
    enableObjectLock(ctx.store, bucket.name, config);
  });
  return {};
}

export function getObjectLockConfiguration(input: GetObjectLockConfigurationInput, ctx: S3Context): GetObjectLockConfigurationOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const config = bucketLockConfiguration(ctx.store, bucket.name);
  if (!config) throw objectLockErrors.ObjectLockConfigurationNotFound({}, { fields: { BucketName: bucket.name } });
  return { ObjectLockConfiguration: config };
}

export function putObjectRetention(input: PutObjectRetentionInput, ctx: S3Context): PutObjectRetentionOutput {
  const now = ctx.clock.now();
  ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    const config = requireLockEnabled(ctx.store, bucket);
    const row = readableVersion(ctx, bucket, input.Key, input.VersionId, "PUT");
    const current = versionLock(ctx.store, row.seq);
    setVersionLock(ctx.store, row.seq, nextRetention(current, input.Retention, config.Rule?.DefaultRetention, now, bypassesGovernance(ctx, bucket, input.Key, input.BypassGovernanceRetention)));
  });
  return {};
}

export function getObjectRetention(input: GetObjectRetentionInput, ctx: S3Context): GetObjectRetentionOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  requireLockEnabled(ctx.store, bucket);
  const row = readableVersion(ctx, bucket, input.Key, input.VersionId);
  const retention = retentionOutput(versionLock(ctx.store, row.seq));
  if (!retention) throw objectLockErrors.NoSuchObjectLockConfiguration();
  return { Retention: retention };
}

export function putObjectLegalHold(input: PutObjectLegalHoldInput, ctx: S3Context): PutObjectLegalHoldOutput {
  const status = input.LegalHold?.Status;
  if (status !== "ON" && status !== "OFF") throw s3DomainErrors.MalformedXML();
  ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    requireLockEnabled(ctx.store, bucket);
    const row = readableVersion(ctx, bucket, input.Key, input.VersionId, "PUT");
    const current = versionLock(ctx.store, row.seq);
    setVersionLock(ctx.store, row.seq, { ...{}, ...(current ?? { mode: null, retainUntil: null }), legalHold: status });
  });
  return {};
}

export function getObjectLegalHold(input: GetObjectLegalHoldInput, ctx: S3Context): GetObjectLegalHoldOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  requireLockEnabled(ctx.store, bucket);
  const row = readableVersion(ctx, bucket, input.Key, input.VersionId);
  const lock = versionLock(ctx.store, row.seq);
  if (!lock || lock.legalHold === null) throw objectLockErrors.NoSuchObjectLockConfiguration();
  return { LegalHold: { Status: lock.legalHold } };
}
