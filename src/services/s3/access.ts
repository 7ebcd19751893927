/**
 * A bucket's access settings (Object Ownership, Block Public Access, ABAC) as stored, and the
 * ACL a write asks for, checked against them.
 */
import {
  cannedAclGrants,
  checkAclAllowed,
  grantsFromHeaders,
  type Grant,
  type GrantHeaders,
  type ObjectOwnership,
  type Owner,
  type PublicAccessBlock,
} from "./acl.js";
import { invalidRequest } from "./errors.js";
import type { S3Context } from "./index.js";
import { canonicalUserId, type BucketRow, type ObjectRow } from "./store.js";

export function accountOwner(account: string): Owner {
  return { ID: canonicalUserId(account) };
}

/**
 * What the "ownership" config holds once DeleteBucketOwnershipControls removed the setting: the
 * bucket then has no OwnershipControls (GetBucketOwnershipControls answers
 * OwnershipControlsNotFoundError) and acts as S3 buckets did before Object Ownership existed, and
 * as buckets made before April 2023 without a setting still do: ACLs enabled, the writer owning
 * what it uploads ("By default, when another AWS account uploads an object to your S3 bucket,
 * that account (the object writer) owns the object", S3 User Guide before the April 2023 change),
 * which is ObjectWriter.
 */
export const OWNERSHIP_REMOVED = "removed";

/**
 * The bucket's Object Ownership as it acts. Buckets made before Nimbus recorded ownership count as
 * the current default; a bucket whose setting was deleted, as ObjectWriter.
 */
export function bucketOwnership(ctx: Pick<S3Context, "store">, bucket: BucketRow): ObjectOwnership {
  const stored = ctx.store.config<ObjectOwnership | typeof OWNERSHIP_REMOVED>(bucket.name, "ownership");
  return stored === OWNERSHIP_REMOVED ? "ObjectWriter" : (stored ?? "BucketOwnerEnforced");
}

/**
 * The account that owns an object ("Controlling ownership of objects", S3 User Guide): with
 * BucketOwnerEnforced the bucket owner "automatically owns and has full control over every
 * object in the bucket", whoever wrote it; otherwise the owner the write recorded (objectWrite).
 * Enforced is decided here, when the object is read, not recorded at the write: it covers the
 * objects written before the bucket was set to BucketOwnerEnforced as well.
 */
export function objectOwnerAccount(ctx: S3Context, bucket: BucketRow, row: Pick<ObjectRow, "owner_account">): string {
  return objectOwners(ctx, bucket)(row);
}

/** objectOwnerAccount for many objects of one bucket (listings, inventory reports), its Object Ownership read once. */
export function objectOwners(ctx: Pick<S3Context, "store">, bucket: BucketRow): (row: Pick<ObjectRow, "owner_account">) => string {
  return bucketOwnership(ctx, bucket) === "BucketOwnerEnforced" ? () => bucket.account_id : (row) => row.owner_account;
}

/**
 * The ARN a CreateMultipartUpload records as its initiator: the caller's, when it is not an
 * account's root user; null for a root user, an in-process call or an anonymous request, which
 * show as their account.
 */
export function initiatorArn(ctx: S3Context): string | null {
  const { caller } = ctx;
  if (caller.internal || caller.service || !caller.accessKeyId) return null;
  const { arn } = ctx.identities.principalOf(caller.accessKeyId);
  return arn.endsWith(":root") ? null : arn;
}

/**
 * ListParts' and ListMultipartUploads' Initiator (S3 API Reference, Initiator and ListParts): "If
 * the initiator is an AWS account, this element provides the same information as the Owner
 * element"; "If the principal is an IAM User, it provides a user ARN value", with the user's name
 * as DisplayName (AWS's answers in the AWS CLI's list-parts example and in versity/versitygw#900
 * and #2142). An assumed-role session shows the same way, its ARN and `role/session` as name:
 * Nimbus's reading, as AWS documents only users. An account's Initiator is its Owner, which lost
 * its DisplayName on November 21, 2025; the Initiator type's own DisplayName carries no such
 * notice, so a user's name stays.
 */
export function initiatorOf(account: string, arn: string | null): { ID: string; DisplayName?: string } {
  if (arn === null) return accountOwner(account);
  // arn:partition:service:region:account:resource
  const resource = arn.split(":").slice(5).join(":");
  const slash = resource.indexOf("/");
  const name = resource.startsWith("user/") ? resource.slice(resource.lastIndexOf("/") + 1) : resource.slice(slash + 1);
  return { ID: arn, DisplayName: name };
}

/** "By default, ABAC is disabled for all Amazon S3 general purpose buckets" ("Enabling ABAC in general purpose buckets", S3 User Guide). */
export function abacEnabled(ctx: Pick<S3Context, "store">, bucket: string): boolean {
  return ctx.store.config<string>(bucket, "abac") === "Enabled";
}

export function publicAccessBlock(ctx: S3Context, bucket: BucketRow): PublicAccessBlock | undefined {
  return ctx.store.config<PublicAccessBlock>(bucket.name, "publicAccessBlock");
}

/** Grants from x-amz-acl or x-amz-grant-* (not both), or undefined when the request names none. */
export function requestedGrants(input: GrantHeaders & { ACL?: string }, owner: Owner, bucketOwner: Owner): Grant[] | undefined {
  const fromHeaders = grantsFromHeaders(input);
  if (input.ACL !== undefined && fromHeaders !== undefined) {
    throw invalidRequest("Specifying both Canned ACLs and Header Grants is not allowed");
  }
  return input.ACL !== undefined ? cannedAclGrants(input.ACL, owner, bucketOwner) : fromHeaders;
}

/** What a write records about an object's ownership: its ACL (JSON; null for the owner's FULL_CONTROL alone) and owning account. */
export interface ObjectWrite {
  readonly acl: string | null;
  readonly ownerAccount: string;
}

/**
 * The ACL and owner of an object this request writes; throws when the bucket does not accept the
 * ACL. The writer owns the object, but for BucketOwnerPreferred: "Objects uploaded to the bucket
 * change ownership to the bucket owner if the objects are uploaded with the
 * bucket-owner-full-control canned ACL" (OwnershipControlsRule, S3 API Reference). The bucket
 * owner then holds the object alone, the uploader keeping no grant. Only the canned ACL moves
 * ownership, as the guide words it; the same grants named in x-amz-grant-* headers do not.
 */
export function objectWrite(ctx: S3Context, bucket: BucketRow, input: GrantHeaders & { ACL?: string }): ObjectWrite {
  const writer = accountOwner(ctx.account);
  const bucketOwner = accountOwner(bucket.account_id);
  const grants = requestedGrants(input, writer, bucketOwner);
  if (grants === undefined) return { acl: null, ownerAccount: ctx.account };
  const ownership = bucketOwnership(ctx, bucket);
  checkAclAllowed(grants, writer, ownership, publicAccessBlock(ctx, bucket), bucketOwner);
  if (ownership === "BucketOwnerEnforced") return { acl: null, ownerAccount: ctx.account };
  if (ownership === "BucketOwnerPreferred" && input.ACL === "bucket-owner-full-control") return { acl: null, ownerAccount: bucket.account_id };
  return { acl: JSON.stringify(grants), ownerAccount: ctx.account };
}
