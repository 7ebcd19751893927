/**
 * Access control lists as S3 keeps them: canned ACLs and x-amz-grant-* headers turned into
 * grants, and the rules that decide whether a bucket accepts them at all.
 *
 * Since April 2023 a new bucket has Object Ownership "BucketOwnerEnforced" (ACLs disabled) and
 * all four Block Public Access settings on. With ACLs disabled, reading ACLs still works (the
 * owner has FULL_CONTROL), but setting any ACL other than bucket-owner-full-control (or the
 * equivalent "private" of the owner's own write) fails with AccessControlListNotSupported.
 * With BlockPublicAcls on, an ACL that grants AllUsers or AuthenticatedUsers is refused with
 * AccessDenied.
 *
 * "An ACL can have up to 100 grants" (Access control list (ACL) overview, S3 User Guide); S3
 * refuses more with MalformedACLError (400), as observed by Ceph (ceph/ceph#16291, "rgw: acl
 * grants num limit"). Grants to e-mail addresses are refused with 405 (errors.ts).
 */
import type { AwsError } from "../../core/errors.js";
import { errors, invalidArgument, ReasonedAccessDenied, REFUSAL_REASONS } from "./errors.js";

export const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
export const AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
export const LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";

export const MAX_GRANTS = 100;

export const PERMISSIONS = ["FULL_CONTROL", "READ", "WRITE", "READ_ACP", "WRITE_ACP"] as const;

export interface Grantee {
  Type: "CanonicalUser" | "Group" | "AmazonCustomerByEmail";
  ID?: string;
  DisplayName?: string;
  URI?: string;
  EmailAddress?: string;
}

export interface Grant {
  Grantee: Grantee;
  Permission: string;
}

export type ObjectOwnership = "BucketOwnerEnforced" | "BucketOwnerPreferred" | "ObjectWriter";
export const OBJECT_OWNERSHIP: readonly ObjectOwnership[] = ["BucketOwnerEnforced", "BucketOwnerPreferred", "ObjectWriter"];

export interface PublicAccessBlock {
  BlockPublicAcls: boolean;
  IgnorePublicAcls: boolean;
  BlockPublicPolicy: boolean;
  RestrictPublicBuckets: boolean;
}

export const NEW_BUCKET_PUBLIC_ACCESS_BLOCK: PublicAccessBlock = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/**
 * An owner as S3 answers it: its canonical user id. "Beginning November 21, 2025, Amazon S3 will
 * stop returning DisplayName" (S3 API Reference, Owner and Grantee): owners and grantees carry
 * no DisplayName in any answer.
 */
export interface Owner {
  readonly ID: string;
}

const ownerGrant = (owner: Owner, permission = "FULL_CONTROL"): Grant => ({
  Grantee: { Type: "CanonicalUser", ID: owner.ID },
  Permission: permission,
});

/**
 * Grants as S3 answers them: without the DisplayName an AccessControlPolicy or a logging
 * configuration may have sent (or that grants stored before Nimbus dropped it still hold).
 */
export function withoutDisplayNames<T extends { readonly Grantee?: object | undefined }>(grants: readonly T[]): T[] {
  return grants.map((grant) => {
    if (grant.Grantee === undefined || !("DisplayName" in grant.Grantee)) return grant;
    const { DisplayName: _dropped, ...grantee } = grant.Grantee as { DisplayName?: unknown };
    return { ...{}, ...grant, Grantee: grantee };
  });
}
const groupGrant = (uri: string, permission: string): Grant => ({ Grantee: { Type: "Group", URI: uri }, Permission: permission });

/**
 * "aws-exec-read: Owner gets FULL_CONTROL. Amazon EC2 gets READ access to GET an Amazon Machine
 * Image (AMI) bundle from Amazon S3" (Canned ACL, S3 User Guide). EC2 is this canonical user (the
 * "za-team" of S3's answers, as recorded in tools' fixtures of real ACLs and in S3 test suites).
 */
const EC2_BUNDLE_READER: Owner = { ID: "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c" };

export const CANNED_ACLS = [
  "private",
  "public-read",
  "public-read-write",
  "authenticated-read",
  "aws-exec-read",
  "bucket-owner-read",
  "bucket-owner-full-control",
  "log-delivery-write",
] as const;

/** The grants stored with an object version (its `acl` column), or its owner's private ACL when it stores none. */
export function versionGrants(acl: string | null, owner: Owner): Grant[] {
  return acl !== null ? (JSON.parse(acl) as Grant[]) : cannedAclGrants("private", owner);
}

/** The grants a canned ACL stands for. `bucketOwner` matters for the bucket-owner-* ACLs of objects. */
export function cannedAclGrants(acl: string, owner: Owner, bucketOwner: Owner = owner): Grant[] {
  const grants = [ownerGrant(owner)];
  switch (acl) {
    case "private":
      break;
    case "aws-exec-read":
      grants.push(ownerGrant(EC2_BUNDLE_READER, "READ"));
      break;
    case "public-read":
      grants.push(groupGrant(ALL_USERS, "READ"));
      break;
    case "public-read-write":
      grants.push(groupGrant(ALL_USERS, "READ"), groupGrant(ALL_USERS, "WRITE"));
      break;
    case "authenticated-read":
      grants.push(groupGrant(AUTHENTICATED_USERS, "READ"));
      break;
    case "bucket-owner-read":
      if (bucketOwner.ID !== owner.ID) grants.push(ownerGrant(bucketOwner, "READ"));
      break;
    case "bucket-owner-full-control":
      if (bucketOwner.ID !== owner.ID) grants.push(ownerGrant(bucketOwner));
      break;
    case "log-delivery-write":
      grants.push(groupGrant(LOG_DELIVERY, "WRITE"), groupGrant(LOG_DELIVERY, "READ_ACP"));
      break;
    default:
      throw invalidArgument("", "x-amz-acl", acl);
  }
  return grants;
}

export interface GrantHeaders {
  readonly GrantFullControl?: string;
  readonly GrantRead?: string;
  readonly GrantReadACP?: string;
  readonly GrantWrite?: string;
  readonly GrantWriteACP?: string;
}

const HEADER_PERMISSIONS: readonly [keyof GrantHeaders, string, string][] = [
  ["GrantFullControl", "FULL_CONTROL", "x-amz-grant-full-control"],
  ["GrantRead", "READ", "x-amz-grant-read"],
  ["GrantReadACP", "READ_ACP", "x-amz-grant-read-acp"],
  ["GrantWrite", "WRITE", "x-amz-grant-write"],
  ["GrantWriteACP", "WRITE_ACP", "x-amz-grant-write-acp"],
];

/** Parses x-amz-grant-* headers: `id="...", uri="...", emailAddress="..."`, comma separated. */
export function grantsFromHeaders(headers: GrantHeaders): Grant[] | undefined {
  const grants: Grant[] = [];
  let found = false;
  for (const [member, permission, header] of HEADER_PERMISSIONS) {
    const value = headers[member];
    if (value === undefined) continue;
    found = true;
    for (const part of value.split(",")) {
      const m = /^\s*(id|uri|emailAddress)\s*=\s*"?([^"]*)"?\s*$/i.exec(part);
      if (!m) throw invalidArgument("Argument format not recognized", header, value);
      const kind = (m[1] as string).toLowerCase();
      const target = m[2] as string;
      if (kind === "emailaddress") throw errors.EmailGranteeNotSupported();
      const grantee: Grantee =
        kind === "id" ? { Type: "CanonicalUser", ID: target } : kind === "uri" ? { Type: "Group", URI: target } : { Type: "AmazonCustomerByEmail", EmailAddress: target };
      if (grantee.Type === "Group" && ![ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY].includes(target)) {
        throw invalidArgument("Invalid group uri", "uri", target);
      }
      checkCanonicalId(grantee, "id");
      grants.push({ Grantee: grantee, Permission: permission });
    }
  }
  return found ? checkGrantCount(grants) : undefined;
}

/**
 * A grant to a canonical user names a canonical user id: 64 hexadecimal digits. S3 answers any
 * other with InvalidArgument "Invalid id", ArgumentName `id` for an x-amz-grant-* header and
 * CanonicalUser/ID in an AccessControlPolicy (its answers as recorded in ceph/s3-tests,
 * "fails_on_aws" note of test_bucket_acl_grant_userid_write, and in LocalStack's AWS-validated
 * test_s3_bucket_acl_exceptions snapshot: put-bucket-grant-acl-wrong-id, put-bucket-acp-acl-3/5).
 * AWS also refuses a well-formed id of no account; Nimbus takes any, as every 12-digit account
 * exists here.
 */
function checkCanonicalId(grantee: Grantee, argumentName = "CanonicalUser/ID"): void {
  if (grantee.Type === "CanonicalUser" && !/^[0-9a-f]{64}$/.test(grantee.ID ?? "")) throw invalidArgument("Invalid id", argumentName, grantee.ID ?? "");
}

function checkGrantCount(grants: Grant[]): Grant[] {
  if (grants.length > MAX_GRANTS) throw errors.MalformedACLError();
  return grants;
}

/**
 * Validates an AccessControlPolicy body and returns its grants. The Owner is required (S3 answers
 * MalformedACLError without one, also for an empty policy) and must be a canonical user id; a
 * group grantee's bad URI is named Group/URI (LocalStack's AWS-validated
 * test_s3_bucket_acl_exceptions snapshot: put-bucket-acp-acl-1, -3, -4, put-bucket-empty-acp).
 */
export function validateAccessControlPolicy(policy: {
  readonly Owner?: { readonly ID?: string };
  readonly Grants?: readonly { Grantee?: { Type?: string; ID?: string; DisplayName?: string; URI?: string; EmailAddress?: string }; Permission?: string }[];
}): Grant[] {
  if (policy.Owner === undefined) throw errors.MalformedACLError();
  if (policy.Owner.ID !== undefined) checkCanonicalId({ Type: "CanonicalUser", ID: policy.Owner.ID });
  return validateGrants(policy.Grants ?? []);
}

export function validateGrants(grants: readonly { Grantee?: { Type?: string; ID?: string; DisplayName?: string; URI?: string; EmailAddress?: string }; Permission?: string }[]): Grant[] {
  const valid = grants.map((g): Grant => {
    const type = g.Grantee?.Type;
    if (type !== "CanonicalUser" && type !== "Group" && type !== "AmazonCustomerByEmail") throw errors.MalformedACLError();
    if (!g.Permission || !(PERMISSIONS as readonly string[]).includes(g.Permission)) throw errors.MalformedACLError();
    if (type === "AmazonCustomerByEmail") throw errors.EmailGranteeNotSupported();
    const { DisplayName: _dropped, ...given } = g.Grantee ?? {};
    const grantee: Grantee = { ...{}, ...given, Type: type };
    if (type === "Group" && ![ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY].includes(grantee.URI ?? "")) {
      throw invalidArgument("Invalid group uri", "Group/URI", grantee.URI ?? "");
    }
    checkCanonicalId(grantee);
    return { Grantee: grantee, Permission: g.Permission };
  });
  return checkGrantCount(valid);
}

export function isPublic(grants: readonly Grant[]): boolean {
  return grants.some((g) => g.Grantee.Type === "Group" && (g.Grantee.URI === ALL_USERS || g.Grantee.URI === AUTHENTICATED_USERS));
}

/** True when the grants give the owner FULL_CONTROL and nobody anything else. */
export function isOwnerOnly(grants: readonly Grant[], owner: Owner): boolean {
  return grants.every((g) => g.Grantee.Type === "CanonicalUser" && g.Grantee.ID === owner.ID && g.Permission === "FULL_CONTROL");
}

/**
 * The ACLs a bucket with ACLs disabled still takes: "Buckets that use this setting only accept PUT
 * requests that don't specify an ACL or PUT requests that specify bucket owner full control ACLs,
 * such as the bucket-owner-full-control canned ACL or an equivalent form of this ACL" (PutObject,
 * S3 API Reference). FULL_CONTROL to the bucket owner, and to the writer at most: what
 * bucket-owner-full-control stands for when another account uploads, or the owner's private ACL
 * when the bucket owner writes.
 */
function isBucketOwnerFullControl(grants: readonly Grant[], writer: Owner, bucketOwner: Owner): boolean {
  const toBucketOwner = (g: Grant) => g.Grantee.Type === "CanonicalUser" && g.Grantee.ID === bucketOwner.ID && g.Permission === "FULL_CONTROL";
  const toWriter = (g: Grant) => g.Grantee.Type === "CanonicalUser" && g.Grantee.ID === writer.ID && g.Permission === "FULL_CONTROL";
  return grants.every((g) => toBucketOwner(g) || toWriter(g)) && (writer.ID === bucketOwner.ID || grants.some(toBucketOwner));
}

/**
 * Whether an ACL may be set by `owner` (the writer, or the owner of the object or bucket whose ACL
 * it replaces), given the bucket's Object Ownership and Block Public Access. Throws
 * AccessControlListNotSupported or AccessDenied as S3 does.
 */
export function checkAclAllowed(grants: readonly Grant[], owner: Owner, ownership: ObjectOwnership, block: PublicAccessBlock | undefined, bucketOwner: Owner = owner): void {
  if (ownership === "BucketOwnerEnforced" && !isBucketOwnerFullControl(grants, owner, bucketOwner)) throw aclNotSupported();
  if (block?.BlockPublicAcls && isPublic(grants)) throw new ReasonedAccessDenied(REFUSAL_REASONS.PublicAcls);
}

export function aclNotSupported(): AwsError {
  return errors.AccessControlListNotSupported();
}
