/** ACLs, Object Ownership and Block Public Access. */
import type {
  DeleteBucketOwnershipControlsInput,
  DeleteBucketOwnershipControlsOutput,
  DeletePublicAccessBlockInput,
  DeletePublicAccessBlockOutput,
  GetBucketAclInput,
  GetBucketAclOutput,
  GetBucketOwnershipControlsInput,
  GetBucketOwnershipControlsOutput,
  GetObjectAclInput,
  GetObjectAclOutput,
  GetPublicAccessBlockInput,
  GetPublicAccessBlockOutput,
  PutBucketAclInput,
  PutBucketAclOutput,
  PutBucketOwnershipControlsInput,
  PutBucketOwnershipControlsOutput,
  PutObjectAclInput,
  PutObjectAclOutput,
  PutPublicAccessBlockInput,
  PutPublicAccessBlockOutput,
} from "../../../generated/s3.js";
import { cannedAclGrants, checkAclAllowed, isOwnerOnly, OBJECT_OWNERSHIP, validateAccessControlPolicy, versionGrants, withoutDisplayNames, type Grant, type ObjectOwnership, type PublicAccessBlock } from "../acl.js";
import { accountOwner, bucketOwnership, objectOwnerAccount, OWNERSHIP_REMOVED, publicAccessBlock, requestedGrants } from "../access.js";
import { errors, s3DomainErrors } from "../errors.js";
import type { S3Context } from "../index.js";
import { emitObjectEvent } from "../notify.js";
import { readableVersion, readVersionId, requireBucket } from "../objects.js";
import type { BucketRow } from "../store.js";

/** Grants of a PutBucketAcl / PutObjectAcl: canned, headers, or an AccessControlPolicy body (exactly one). */
function grantsOf(input: PutBucketAclInput | PutObjectAclInput, bucket: BucketRow, ctx: S3Context): Grant[] {
  const owner = accountOwner(bucket.account_id);
  const fromHeaders = requestedGrants(input, accountOwner(ctx.account), owner);
  const body = input.AccessControlPolicy;
  if (fromHeaders !== undefined && body !== undefined) throw errors.UnexpectedContent();
  if (fromHeaders !== undefined) return fromHeaders;
  // Neither: S3 asks for the canned ACL header (LocalStack's AWS-validated test_s3_bucket_acl_exceptions, put-bucket-empty).
  if (body === undefined) throw errors.MissingSecurityHeader({}, { fields: { MissingHeaderName: "x-amz-acl" } });
  return validateAccessControlPolicy(body);
}

function bucketGrants(ctx: S3Context, bucket: BucketRow): Grant[] {
  return ctx.store.config<Grant[]>(bucket.name, "acl") ?? cannedAclGrants("private", accountOwner(bucket.account_id));
}

export function getBucketAcl(input: GetBucketAclInput, ctx: S3Context): GetBucketAclOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  return { Owner: accountOwner(bucket.account_id), Grants: withoutDisplayNames(bucketGrants(ctx, bucket)) };
}

export function putBucketAcl(input: PutBucketAclInput, ctx: S3Context): PutBucketAclOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const grants = grantsOf(input, bucket, ctx);
  checkAclAllowed(grants, accountOwner(bucket.account_id), bucketOwnership(ctx, bucket), publicAccessBlock(ctx, bucket));
  ctx.store.transaction(() => ctx.store.setConfig(bucket.name, "acl", grants));
  return {};
}

/**
 * The object ACL operations answer with the version they read or set as x-amz-version-id, which
 * their models leave out (protocol/model-patches.ts): the GetObjectAcl and PutObjectAcl API
 * reference sample responses carry it, PutObjectAcl's "when versioning on the bucket is enabled".
 */
type ObjectAclResponse<T> = T & { VersionId?: string };

export function getObjectAcl(input: GetObjectAclInput, ctx: S3Context): ObjectAclResponse<GetObjectAclOutput> {
  const bucket = requireBucket(ctx, input.Bucket);
  const row = readableVersion(ctx, bucket, input.Key, input.VersionId);
  const owner = accountOwner(objectOwnerAccount(ctx, bucket, row));
  // With ACLs disabled, "Requests to read ACLs always return a response that shows full control
  // for the bucket owner" (S3 user guide, Object Ownership troubleshooting), also for an object
  // that kept grants from before (they stay stored: inventory reports still list them).
  const enforced = bucketOwnership(ctx, bucket) === "BucketOwnerEnforced";
  return { Owner: owner, Grants: enforced ? cannedAclGrants("private", owner) : withoutDisplayNames(versionGrants(row.acl, owner)), ...readVersionId(bucket, row) };
}

export function putObjectAcl(input: PutObjectAclInput, ctx: S3Context): ObjectAclResponse<PutObjectAclOutput> {
  const bucket = requireBucket(ctx, input.Bucket);
  const grants = grantsOf(input, bucket, ctx);
  return ctx.store.transaction(() => {
    // A delete marker as the current version is 405 MethodNotAllowed here, where GetObjectAcl
    // answers 404 NoSuchKey (LocalStack's AWS-validated test_put_object_acl_on_delete_marker
    // snapshot, put-acl-delete-marker).
    const row = readableVersion(ctx, bucket, input.Key, input.VersionId, "PUT", true);
    const owner = accountOwner(objectOwnerAccount(ctx, bucket, row));
    const ownership = bucketOwnership(ctx, bucket);
    checkAclAllowed(grants, owner, ownership, publicAccessBlock(ctx, bucket));
    const acl = ownership === "BucketOwnerEnforced" || isOwnerOnly(grants, owner) ? null : JSON.stringify(grants);
    ctx.store.setObjectAcl(row.seq, acl);
    // S3 announces a changed ACL only: setting the one an object already has sends nothing (AWS's
    // ObjectAcl:Put messages in LocalStack's test_object_put_acl snapshot).
    if (acl !== row.acl) emitObjectEvent(ctx, bucket, "s3:ObjectAcl:Put", { key: row.key, eTag: row.etag, versionId: row.version_id });
    return readVersionId(bucket, row);
  });
}

export function putBucketOwnershipControls(input: PutBucketOwnershipControlsInput, ctx: S3Context): PutBucketOwnershipControlsOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const rules = input.OwnershipControls.Rules ?? [];
  const rule = rules[0];
  if (rules.length !== 1 || !rule || !(OBJECT_OWNERSHIP as readonly string[]).includes(rule.ObjectOwnership)) throw s3DomainErrors.MalformedXML();
  const ownership = rule.ObjectOwnership as ObjectOwnership;
  // Turning ACLs off is refused while the bucket ACL still grants anyone but the owner.
  if (ownership === "BucketOwnerEnforced" && !isOwnerOnly(bucketGrants(ctx, bucket), accountOwner(bucket.account_id))) {
    throw errors.InvalidBucketAclWithObjectOwnership();
  }
  ctx.store.transaction(() => ctx.store.setConfig(bucket.name, "ownership", ownership));
  return {};
}

export function getBucketOwnershipControls(input: GetBucketOwnershipControlsInput, ctx: S3Context): GetBucketOwnershipControlsOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const ownership = ctx.store.config<ObjectOwnership | typeof OWNERSHIP_REMOVED>(bucket.name, "ownership");
  if (ownership === undefined || ownership === OWNERSHIP_REMOVED) throw errors.OwnershipControlsNotFound({}, { fields: { BucketName: bucket.name } });
  return { OwnershipControls: { Rules: [{ ObjectOwnership: ownership }] } };
}

export function deleteBucketOwnershipControls(input: DeleteBucketOwnershipControlsInput, ctx: S3Context): DeleteBucketOwnershipControlsOutput {
  ctx.store.transaction(() => ctx.store.setConfig(requireBucket(ctx, input.Bucket).name, "ownership", OWNERSHIP_REMOVED));
  return {};
}

export function putPublicAccessBlock(input: PutPublicAccessBlockInput, ctx: S3Context): PutPublicAccessBlockOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const c = input.PublicAccessBlockConfiguration;
  const block: PublicAccessBlock = {
    BlockPublicAcls: c.BlockPublicAcls ?? false,
    IgnorePublicAcls: c.IgnorePublicAcls ?? false,
    BlockPublicPolicy: c.BlockPublicPolicy ?? false,
    RestrictPublicBuckets: c.RestrictPublicBuckets ?? false,
  };
  ctx.store.transaction(() => ctx.store.setConfig(bucket.name, "publicAccessBlock", block));
  return {};
}

export function getPublicAccessBlock(input: GetPublicAccessBlockInput, ctx: S3Context): GetPublicAccessBlockOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  const block = publicAccessBlock(ctx, bucket);
  if (block === undefined) throw errors.NoSuchPublicAccessBlockConfiguration({}, { fields: { BucketName: bucket.name } });
  return { PublicAccessBlockConfiguration: block };
}

export function deletePublicAccessBlock(input: DeletePublicAccessBlockInput, ctx: S3Context): DeletePublicAccessBlockOutput {
  ctx.store.transaction(() => ctx.store.deleteConfig(requireBucket(ctx, input.Bucket).name, "publicAccessBlock"));
  return {};
}
