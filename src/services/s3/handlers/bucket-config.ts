/** Bucket sub-resources kept as configuration: versioning, tags, CORS. */
import type {
  DeleteBucketCorsInput,
  DeleteBucketCorsOutput,
  DeleteBucketTaggingInput,
  DeleteBucketTaggingOutput,
  GetBucketCorsInput,
  GetBucketCorsOutput,
  GetBucketTaggingInput,
  GetBucketTaggingOutput,
  GetBucketVersioningInput,
  GetBucketVersioningOutput,
  PutBucketCorsInput,
  PutBucketCorsOutput,
  PutBucketTaggingInput,
  PutBucketTaggingOutput,
  PutBucketVersioningInput,
  PutBucketVersioningOutput,
} from "../../../generated/s3.js";
import { validateCorsConfiguration, type CorsRule } from "../domain/cors.js";
import { errors, s3DomainErrors } from "../errors.js";
import type { S3Context } from "../index.js";
import { abacEnabled } from "../access.js";
import { MAX_BUCKET_TAGS, requireBucket, validateTags } from "../objects.js";
import type { Tag } from "../store.js";
import { checkVersioningChange } from "../object-lock.js";
import { checkMfaDeleteBesideLifecycle, checkVersioningMfa } from "../mfa-delete.js";
import { checkReplicatedVersioning } from "../replication.js";

export function putBucketVersioning(input: PutBucketVersioningInput, ctx: S3Context): PutBucketVersioningOutput {
  // An empty <Status/> or <MfaDelete/> is one left out: S3 answers an empty Status alone with
  // IllegalVersioningConfigurationException and takes an empty MfaDelete beside Enabled (AWS's
  // answers recorded in dyus/meeseeks-s3, tests/put_bucket_versioning/golden:
  // test_empty_status_element, test_enabled_with_empty_mfa_delete).
  const Status = input.VersioningConfiguration.Status || undefined;
  const MFADelete = input.VersioningConfiguration.MFADelete || undefined;
  if (Status === undefined && MFADelete === undefined) throw errors.IllegalVersioningConfiguration();
  if (Status !== undefined && Status !== "Enabled" && Status !== "Suspended") throw s3DomainErrors.MalformedXML();
  if (MFADelete !== undefined && MFADelete !== "Enabled" && MFADelete !== "Disabled") throw s3DomainErrors.MalformedXML();
  ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    checkVersioningMfa(bucket, MFADelete, input.MFA);
    checkMfaDeleteBesideLifecycle(ctx.store, bucket, MFADelete);
    checkVersioningChange(ctx.store, bucket, Status);
    checkReplicatedVersioning(ctx.store, bucket, Status);
    // Suspending a bucket that was never versioned makes it versioning-suspended all the same:
    // GetBucketVersioning then answers Suspended (LocalStack's AWS-validated test_bucket_versioning_crud,
    // get-versioning-after-suspended), and it is no longer "unversioned" (never enabled or suspended).
    if (Status !== undefined) ctx.store.setBucketField(bucket.name, "versioning", Status);
    if (MFADelete !== undefined) ctx.store.setBucketField(bucket.name, "mfa_delete", MFADelete);
  });
  return {};
}

export function getBucketVersioning(input: GetBucketVersioningInput, ctx: S3Context): GetBucketVersioningOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  return {
    ...{}, ...(bucket.versioning !== null ? { Status: bucket.versioning } : {}),
    ...(bucket.mfa_delete !== null ? { MFADelete: bucket.mfa_delete } : {}),
  };
}

/** A bucket's tag set, from PutBucketTagging or CreateBucket's CreateBucketConfiguration, checked as S3 checks bucket tags. */
export function bucketTags(tagSet: readonly { Key: string; Value: string }[]): Tag[] {
  const tags: Tag[] = tagSet.map((t) => ({ Key: t.Key, Value: t.Value }));
  validateTags(tags, MAX_BUCKET_TAGS);
  return tags;
}

/** With ABAC enabled a bucket's tags change only through S3 Control's TagResource and UntagResource (bucket-abac.ts). */
export function putBucketTagging(input: PutBucketTaggingInput, ctx: S3Context): PutBucketTaggingOutput {
  const tags = bucketTags(input.Tagging.TagSet ?? []);
  ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    if (abacEnabled(ctx, bucket.name)) throw errors.AbacBucketTagging();
    ctx.store.setBucketField(bucket.name, "tags", JSON.stringify(tags));
  });
  return {};
}

export function getBucketTagging(input: GetBucketTaggingInput, ctx: S3Context): GetBucketTaggingOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const tags = bucket.tags === null ? [] : (JSON.parse(bucket.tags) as Tag[]);
  if (tags.length === 0) throw errors.NoSuchTagSet({}, { fields: { BucketName: bucket.name } });
  return { TagSet: tags };
}

export function deleteBucketTagging(input: DeleteBucketTaggingInput, ctx: S3Context): DeleteBucketTaggingOutput {
  ctx.store.transaction(() => {
    const bucket = requireBucket(ctx, input.Bucket);
    if (abacEnabled(ctx, bucket.name)) throw errors.AbacBucketTaggingDelete();
    ctx.store.setBucketField(bucket.name, "tags", null);
  });
  return {};
}

type CorsRules = NonNullable<PutBucketCorsInput["CORSConfiguration"]["CORSRules"]>;

/** The stored (AWS-shaped) CORS rules as the CORS domain module reads them. */
export function corsRulesOf(rules: CorsRules): CorsRule[] {
  return rules.map((r) => ({
    ...{}, ...(r.ID !== undefined ? { id: r.ID } : {}),
    allowedOrigins: r.AllowedOrigins ?? [],
    allowedMethods: r.AllowedMethods ?? [],
    ...(r.AllowedHeaders !== undefined ? { allowedHeaders: r.AllowedHeaders } : {}),
    ...(r.ExposeHeaders !== undefined ? { exposeHeaders: r.ExposeHeaders } : {}),
    ...(r.MaxAgeSeconds !== undefined ? { maxAgeSeconds: r.MaxAgeSeconds } : {}),
  }));
}

/** A bucket's CORS rules, for the preflight and response hooks; undefined without a configuration. */
export function bucketCorsRules(store: S3Context["store"], bucket: string): CorsRule[] | undefined {
  const row = store.bucket(bucket);
  return row?.cors ? corsRulesOf(JSON.parse(row.cors) as CorsRules) : undefined;
}

export function putBucketCors(input: PutBucketCorsInput, ctx: S3Context): PutBucketCorsOutput {
  const rules = input.CORSConfiguration.CORSRules ?? [];
  validateCorsConfiguration(corsRulesOf(rules));
  ctx.store.transaction(() => ctx.store.setBucketField(requireBucket(ctx, input.Bucket).name, "cors", JSON.stringify(rules)));
  return {};
}

export function getBucketCors(input: GetBucketCorsInput, ctx: S3Context): GetBucketCorsOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  if (bucket.cors === null) throw errors.NoSuchCORSConfiguration({}, { fields: { BucketName: bucket.name } });
  return { CORSRules: JSON.parse(bucket.cors) as NonNullable<GetBucketCorsOutput["CORSRules"]> };
}

export function deleteBucketCors(input: DeleteBucketCorsInput, ctx: S3Context): DeleteBucketCorsOutput {
  ctx.store.transaction(() => ctx.store.setBucketField(requireBucket(ctx, input.Bucket).name, "cors", null));
  return {};
}
