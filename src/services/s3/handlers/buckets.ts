import type {
  CreateBucketInput,
  CreateBucketOutput,
  DeleteBucketInput,
  DeleteBucketOutput,
  GetBucketLocationInput,
  GetBucketLocationOutput,
  HeadBucketInput,
  HeadBucketOutput,
  ListBucketsInput,
  ListBucketsOutput,
} from "../../../generated/s3.js";
import { isOwnerOnly, isPublic, NEW_BUCKET_PUBLIC_ACCESS_BLOCK, OBJECT_OWNERSHIP } from "../acl.js";
import { accountOwner, requestedGrants } from "../access.js";
import { invalidBucketName, validateBucketName } from "../domain/bucket-names.js";
import { errors, invalidArgument, s3DomainErrors } from "../errors.js";
import type { S3Context } from "../index.js";
import { requireBucket, utcSeconds } from "../objects.js";
import { bucketTags } from "./bucket-config.js";
import { enableObjectLock } from "../object-lock.js";

const US_EAST_1 = "us-east-1";
// "EU" is the legacy name of eu-west-1 that CreateBucket still accepts.
const LEGACY_CONSTRAINTS: Readonly<Record<string, string>> = { EU: "eu-west-1" };
/**
 * General purpose buckets per account: the default quota is 10,000 since November 2024 (the
 * guide's 100 predates that; current SDKs and accounts see 10,000).
 */
export const MAX_BUCKETS_PER_ACCOUNT = 10_000;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;

export function createBucket(input: CreateBucketInput, ctx: S3Context): CreateBucketOutput {
  const name = input.Bucket;
  validateBucketName(name);
  // A CreateBucketConfiguration with no member fails S3's schema: MalformedXML, as boto3 sending
  // CreateBucketConfiguration={} gets from S3 (getmoto/moto#2210, cloudify-cosmo/cloudify-aws-plugin#475)
  // and as did amazonka's empty <CreateBucketConfiguration/> (brendanhay/amazonka#81).
  if (input.CreateBucketConfiguration !== undefined && Object.keys(input.CreateBucketConfiguration).length === 0) {
    throw s3DomainErrors.MalformedXML();
  }
  const constraint = input.CreateBucketConfiguration?.LocationConstraint;
  let region: string;
  if (constraint === undefined || constraint === "") {
    // Without a constraint a bucket is created in us-east-1, which only that endpoint accepts.
    if (ctx.region !== US_EAST_1) throw errors.IllegalLocationConstraint({ constraint: "unspecified" });
    region = US_EAST_1;
  } else {
    region = LEGACY_CONSTRAINTS[constraint] ?? constraint;
    // moto's aws_verified test_create_bucket_in_regions_from_us_east_1 and
    // test_create_bucket_with_wrong_location_constraint: the us-east-1 endpoint creates a bucket
    // in any Region but refuses its own as a constraint (S3 wants it left out); every other
    // endpoint only takes its own Region, and us-east-1 there is one more mismatch.
    const invalid = !REGION.test(region) || (region === US_EAST_1 && ctx.region === US_EAST_1);
    if (invalid) throw errors.InvalidLocationConstraint({}, { fields: { LocationConstraint: constraint } });
    if (region !== ctx.region && ctx.region !== US_EAST_1) throw errors.IllegalLocationConstraint({ constraint });
  }
  const accountRegional = checkNamespace(input, ctx.account, region);
  // Tags at creation: a member the codegen adds to the v2 model from the v3 schema.
  const given = input.CreateBucketConfiguration?.Tags;
  const tags = given === undefined ? undefined : bucketTags(given);
  const existing = ctx.store.bucket(name);
  if (existing) {
    if (existing.account_id !== ctx.account) throw errors.BucketAlreadyExists({}, { fields: { BucketName: name } });
    // A legacy of us-east-1: re-creating your own bucket there answers 200 and changes nothing;
    // not for an account regional one, which answers 409 from every Region.
    if (existing.region === US_EAST_1 && region === US_EAST_1 && !accountRegional) return { Location: `/${name}`, BucketArn: bucketArn(name) };
    throw errors.BucketAlreadyOwnedByYou({}, { fields: { BucketName: name } });
  }
  const ownership = input.ObjectOwnership ?? "BucketOwnerEnforced";
  // S3 quotes the value in the message and sends no ArgumentValue (LocalStack's
  // test_bucket_ownership_controls_exc snapshot of AWS: ownership-wrong-value-at-creation).
  if (!(OBJECT_OWNERSHIP as readonly string[]).includes(ownership)) {
    throw invalidArgument(`Invalid x-amz-object-ownership header: ${ownership}`, "x-amz-object-ownership");
  }
  const owner = accountOwner(ctx.account);
  const grants = requestedGrants(input, owner, owner);
  if (grants !== undefined && ownership === "BucketOwnerEnforced" && !isOwnerOnly(grants, owner)) throw errors.InvalidBucketAclWithObjectOwnership();
  // The new bucket's Block Public Access (below) applies to the ACL it is created with.
  if (grants !== undefined && isPublic(grants)) throw errors.InvalidBucketAclWithBlockPublicAccess();
  ctx.store.transaction(() => {
    if (ctx.store.bucketCount(ctx.account) >= MAX_BUCKETS_PER_ACCOUNT) throw errors.TooManyBuckets();
    ctx.store.insertBucket({ name, account_id: ctx.account, region, created_at: utcSeconds(ctx.clock.now()) });
    // New buckets: ACLs disabled unless asked otherwise, and all public access blocked.
    ctx.store.setConfig(name, "ownership", ownership);
    ctx.store.setConfig(name, "publicAccessBlock", NEW_BUCKET_PUBLIC_ACCESS_BLOCK);
    if (grants !== undefined && !isOwnerOnly(grants, owner)) ctx.store.setConfig(name, "acl", grants);
    if (tags !== undefined && tags.length > 0) ctx.store.setBucketField(name, "tags", JSON.stringify(tags));
    // x-amz-bucket-object-lock-enabled: Object Lock from the start, which turns versioning on.
    if (input.ObjectLockEnabledForBucket === true) enableObjectLock(ctx.store, name);
    if (constraint !== undefined && constraint in LEGACY_CONSTRAINTS) ctx.store.setConfig(name, "locationConstraint", constraint);
  });
  // "A forward slash followed by the name of the bucket for all account regional namespace buckets
  // and all global general purpose buckets created in us-east-1. For global general purpose buckets
  // created in other Amazon Web Services Regions, the Location field is the global endpoint URL"
  // (CreateBucket's Location, API reference).
  const location = accountRegional || region === US_EAST_1 ? `/${name}` : `http://${name}.s3.${region}.amazonaws.com/`;
  return { Location: location, BucketArn: bucketArn(name) };
}

/**
 * A general purpose bucket's ARN, which CreateBucket and HeadBucket answer as x-amz-bucket-arn
 * (BucketArn), though the API reference still calls it a directory-bucket member: the AWS CLI's
 * create-bucket in ap-south-1 printing "BucketArn": "arn:aws:s3:::streamingapp-media-...", its
 * head-bucket printing "BucketArn": "arn:aws:s3:::xfusion-s3-28684", and `curl -I` of a bucket
 * showing x-amz-bucket-arn: arn:aws:s3:::mega-big-tech since late 2025 (public write-ups).
 */
function bucketArn(name: string): string {
  return `arn:aws:s3:::${name}`;
}

/**
 * The bucket's namespace (S3 User Guide, "Namespaces for general purpose buckets", March 2026):
 * with `x-amz-bucket-namespace: account-regional` the name must end in the caller's account
 * regional suffix, `-<account id>-<region>-an` (the Region the bucket is made in); in the shared
 * global namespace, the default, a name may not end in such a suffix, whoever's it is, so no
 * account can take another's. Both refusals are InvalidBucketName: the rules are naming rules
 * ("Account regional namespace naming rules"), and the global one carries the sentence the S3
 * console shows for it; AWS's API wording of either is not recorded anywhere found. Returns
 * whether the bucket is account regional.
 */
function checkNamespace(input: CreateBucketInput, account: string, region: string): boolean {
  const namespace = input.BucketNamespace ?? "global";
  if (namespace !== "global" && namespace !== "account-regional") {
    throw invalidArgument(`Invalid x-amz-bucket-namespace header: ${namespace}`, "x-amz-bucket-namespace");
  }
  const name = input.Bucket;
  if (namespace === "global") {
    if (ACCOUNT_REGIONAL_SUFFIX.test(name)) {
      throw errors.AccountRegionalSuffixInGlobalName({}, { fields: { BucketName: name } });
    }
    return false;
  }
  const suffix = `-${account}-${region}-an`;
  if (!name.endsWith(suffix) || name.length === suffix.length) throw invalidBucketName(name);
  return true;
}

/** An account regional suffix: `-<12-digit account>-<region code>-an`. */
const ACCOUNT_REGIONAL_SUFFIX = /-\d{12}-[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+-an$/;

/**
 * A HEAD of a bucket answers "Content-Type: application/xml" beside x-amz-bucket-region,
 * x-amz-access-point-alias and x-amz-bucket-arn (bucketArn), as S3's answers to
 * `curl -I https://<bucket>.s3.amazonaws.com` show (public write-ups of the Pwned Labs
 * "mega-big-tech" exercise record it from 2023 to 2026), and as Hadoop S3A reads it
 * (HeaderProcessing: application/xml "is what a HEAD of / returns as the type of a root path").
 * The model's output has no member for it (a model patch: protocol/model-patches.ts).
 */
export function headBucket(input: HeadBucketInput, ctx: S3Context): HeadBucketOutput & { readonly ContentType: string } {
  const bucket = requireBucket(ctx, input.Bucket);
  return { BucketArn: bucketArn(bucket.name), BucketRegion: bucket.region, AccessPointAlias: false, ContentType: "application/xml" };
}

export function deleteBucket(input: DeleteBucketInput, ctx: S3Context): DeleteBucketOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  ctx.store.transaction(() => {
    // An upload in progress does not count: S3 deletes the bucket and the upload with it (a
    // deletion tried on S3 in ceph/ceph#15630; scality/cloudserver#1591 "compatible with AWS S3
    // behavior of deleting buckets even when there are ongoing multipart uploads"; basho/riak_cs#475;
    // LocalStack's provider refuses only for objects).
    if (ctx.store.bucketHoldsVersions(bucket.name)) {
      const notEmpty = bucket.versioning === null ? errors.BucketNotEmpty : errors.VersionedBucketNotEmpty;
      throw notEmpty({}, { fields: { BucketName: bucket.name } });
    }
    ctx.store.deleteBucket(bucket.name);
  });
  return {};
}

export function getBucketLocation(input: GetBucketLocationInput, ctx: S3Context): GetBucketLocationOutput {
  const bucket = requireBucket(ctx, input.Bucket);
  // us-east-1 buckets answer an empty LocationConstraint; one created with "EU" answers "EU" ("Buckets
  // with a LocationConstraint of EU reside in eu-west-1", GetBucketLocation in the API reference).
  if (bucket.region === US_EAST_1) return {};
  return { LocationConstraint: ctx.store.config<string>(bucket.name, "locationConstraint") ?? bucket.region };
}

const MAX_BUCKETS_PAGE = 10_000;

export function listBuckets(input: ListBucketsInput, ctx: S3Context): ListBucketsOutput {
  const max = input.MaxBuckets;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > MAX_BUCKETS_PAGE)) {
    throw invalidArgument("Argument max-buckets must be an integer between 1 and 10000", "max-buckets", max);
  }
  const region = input.BucketRegion;
  // LocalStack's AWS-recorded test_list_buckets_region_validation: bucket-region=eu-east-1 is 400
  // InvalidArgument with ArgumentName bucket-region and no ArgumentValue. Nimbus knows a Region by
  // its shape (REGION, as CreateBucket does), so a well-formed name it has no bucket in lists none.
  if (region !== undefined && region !== "" && !REGION.test(region)) {
    throw invalidArgument(`Argument value ${region} is not a valid AWS Region`, "bucket-region");
  }
  let after: string | undefined;
  if (input.ContinuationToken !== undefined && input.ContinuationToken !== "") {
    after = Buffer.from(input.ContinuationToken, "base64url").toString("utf8");
  }
  const all = ctx.store
    .bucketsOf(ctx.account)
    .filter((b) => (input.Prefix === undefined || b.name.startsWith(input.Prefix)) && (region === undefined || b.region === region))
    .filter((b) => after === undefined || b.name > after);
  const page = max !== undefined ? all.slice(0, max) : all;
  const last = page[page.length - 1];
  const truncated = max !== undefined && all.length > page.length && last !== undefined;
  return {
    Buckets: page.map((b) => ({ Name: b.name, CreationDate: new Date(b.created_at), BucketRegion: b.region })),
    Owner: accountOwner(ctx.account),
    ...(truncated ? { ContinuationToken: Buffer.from(last.name, "utf8").toString("base64url") } : {}),
    ...(input.Prefix !== undefined ? { Prefix: input.Prefix } : {}),
  };
}
