/**
 * A general purpose bucket's attribute-based access control (PutBucketAbac, GetBucketAbac, S3 API
 * Reference): while it is Enabled, the bucket's tags are condition keys of its policy
 * (aws:ResourceTag, s3:BucketTag; tag-conditions.ts) and PutBucketTagging and DeleteBucketTagging
 * refuse to change them (bucket-config.ts). "By default, ABAC is disabled for all Amazon S3 general
 * purpose buckets" ("Enabling ABAC in general purpose buckets", S3 User Guide).
 */
import type { GetBucketAbacInput, GetBucketAbacOutput, PutBucketAbacInput, PutBucketAbacOutput } from "../../../generated/s3.js";
import { s3DomainErrors } from "../errors.js";
import type { S3Context } from "../index.js";
import { requireBucket } from "../objects.js";

export function putBucketAbac(input: PutBucketAbacInput, ctx: S3Context): PutBucketAbacOutput {
  const status = input.AbacStatus.Status;
  // Status takes Enabled or Disabled. AWS documents no error for another value (or none): S3's
  // answer to an XML body that does not validate, as PutBucketVersioning gives, is Nimbus's reading.
  if (status !== "Enabled" && status !== "Disabled") throw s3DomainErrors.MalformedXML();
  ctx.store.transaction(() => ctx.store.setConfig(requireBucket(ctx, input.Bucket).name, "abac", status));
  return {};
}

/**
 * A bucket never configured answers Disabled, its default (the answer a public s3-tests suite run
 * against AWS asserts for a new bucket; the API Reference shows only the response syntax).
 */
export function getBucketAbac(input: GetBucketAbacInput, ctx: S3Context): GetBucketAbacOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  return { AbacStatus: { Status: ctx.store.config<string>(bucket.name, "abac") ?? "Disabled" } };
}
