/**
 * A bucket's ACL settings (Object Ownership, Block Public Access) as stored, and the ACL a
 * write asks for, checked against them.
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
import { ownerOf } from "./objects.js";
import { canonicalUserId, type BucketRow, type ObjectRow } from "./store.js";

export function accountOwner(account: string): Owner {
  return ownerOf(account, canonicalUserId(account));
}

/** Buckets made before ownership was recorded count as the current default. */
export function bucketOwnership(ctx: S3Context, bucket: BucketRow): ObjectOwnership {
  return ctx.store.config<ObjectOwnership>(bucket.name, "ownership") ?? "BucketOwnerEnforced";
}

/**
 * The account that owns an object ("Controlling ownership of objects", S3 User Guide): with
 * BucketOwnerEnforced the bucket owner "automatically owns and has full control over every
 * object in the bucket", whoever wrote it; otherwise the account that wrote it (ObjectWriter, and
 * BucketOwnerPreferred as Nimbus keeps it).
 */
export function objectOwnerAccount(ctx: S3Context, bucket: BucketRow, row: Pick<ObjectRow, "owner_account">): string {
  return bucketOwnership(ctx, bucket) === "BucketOwnerEnforced" ? bucket.account_id : row.owner_account;
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

/**
 * The ACL (JSON) to store for an object written by this request; null for the default (the
 * owner's FULL_CONTROL). Throws when the bucket does not accept it.
 */
export function requestedObjectAcl(ctx: S3Context, bucket: BucketRow, input: GrantHeaders & { ACL?: string }): string | null {
  const owner = accountOwner(ctx.account);
  const grants = requestedGrants(input, owner, accountOwner(bucket.account_id));
  if (grants === undefined) return null;
  checkAclAllowed(grants, owner, bucketOwnership(ctx, bucket), publicAccessBlock(ctx, bucket));
  return bucketOwnership(ctx, bucket) === "BucketOwnerEnforced" ? null : JSON.stringify(grants);
}
