import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../core/errors.js";
import { ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY, cannedAclGrants, checkAclAllowed, grantsFromHeaders, isOwnerOnly, NEW_BUCKET_PUBLIC_ACCESS_BLOCK, validateGrants } from "./acl.js";

const owner = { ID: "a".repeat(64) };
const bucketOwner = { ID: "b".repeat(64) };

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof AwsError) return `${err.code} ${err.status} ${err.message}`;
    throw err;
  }
  return "ok";
}

describe("canned ACLs", () => {
  test("each canned ACL stands for its grants", () => {
    const perms = (acl: string) => cannedAclGrants(acl, owner, bucketOwner).map((g) => [g.Grantee.ID ?? g.Grantee.URI, g.Permission]);
    assert.deepEqual(perms("private"), [[owner.ID, "FULL_CONTROL"]]);
    assert.deepEqual(perms("public-read"), [[owner.ID, "FULL_CONTROL"], [ALL_USERS, "READ"]]);
    assert.deepEqual(perms("public-read-write"), [[owner.ID, "FULL_CONTROL"], [ALL_USERS, "READ"], [ALL_USERS, "WRITE"]]);
    assert.deepEqual(perms("authenticated-read"), [[owner.ID, "FULL_CONTROL"], [AUTHENTICATED_USERS, "READ"]]);
    assert.deepEqual(perms("bucket-owner-read"), [[owner.ID, "FULL_CONTROL"], [bucketOwner.ID, "READ"]]);
    assert.deepEqual(perms("bucket-owner-full-control"), [[owner.ID, "FULL_CONTROL"], [bucketOwner.ID, "FULL_CONTROL"]]);
    assert.deepEqual(perms("aws-exec-read"), [[owner.ID, "FULL_CONTROL"], ["6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c", "READ"]]);
    assert.deepEqual(perms("log-delivery-write"), [[owner.ID, "FULL_CONTROL"], [LOG_DELIVERY, "WRITE"], [LOG_DELIVERY, "READ_ACP"]]);
    // Writing into your own bucket, bucket-owner-full-control is just the owner.
    assert.ok(isOwnerOnly(cannedAclGrants("bucket-owner-full-control", owner), owner));
    assert.match(code(() => cannedAclGrants("world-writable", owner)), /^InvalidArgument 400/);
  });

  test("grant headers name canonical users and groups; e-mail addresses are refused since October 2025", () => {
    const grants = grantsFromHeaders({ GrantRead: `uri="${ALL_USERS}", id="${owner.ID}"`, GrantWriteACP: `id="${bucketOwner.ID}"` });
    assert.deepEqual(grants, [
      { Grantee: { Type: "Group", URI: ALL_USERS }, Permission: "READ" },
      { Grantee: { Type: "CanonicalUser", ID: owner.ID }, Permission: "READ" },
      { Grantee: { Type: "CanonicalUser", ID: bucketOwner.ID }, Permission: "WRITE_ACP" },
    ]);
    assert.equal(code(() => grantsFromHeaders({ GrantWriteACP: 'emailAddress="a@example.com"' })), "MethodNotAllowed 405 The specified method is not allowed against this resource.");
    assert.equal(grantsFromHeaders({}), undefined);
    assert.match(code(() => grantsFromHeaders({ GrantRead: 'uri="http://example.com/group"' })), /^InvalidArgument 400 Invalid group uri/);
    assert.match(code(() => grantsFromHeaders({ GrantRead: "nonsense" })), /^InvalidArgument 400/);
    assert.equal(code(() => grantsFromHeaders({ GrantRead: 'id="wrong-id"' })), "InvalidArgument 400 Invalid id");
    assert.equal(code(() => validateGrants([{ Grantee: { Type: "CanonicalUser", ID: "A".repeat(64) }, Permission: "READ" }])), "InvalidArgument 400 Invalid id");
  });

  test("AccessControlPolicy grants are checked", () => {
    assert.match(code(() => validateGrants([{ Grantee: { Type: "CanonicalUser", ID: owner.ID }, Permission: "ALL" }])), /^MalformedACLError 400/);
    assert.match(code(() => validateGrants([{ Grantee: { Type: "Robot" }, Permission: "READ" }])), /^MalformedACLError 400/);
    assert.equal(validateGrants([{ Grantee: { Type: "Group", URI: LOG_DELIVERY }, Permission: "WRITE" }]).length, 1);
    assert.match(code(() => validateGrants([{ Grantee: { Type: "AmazonCustomerByEmail", EmailAddress: "a@example.com" }, Permission: "READ" }])), /^MethodNotAllowed 405/);
    // Up to 100 grants, in a body or in headers.
    const grant = { Grantee: { Type: "CanonicalUser", ID: owner.ID }, Permission: "READ" };
    assert.equal(validateGrants(Array.from({ length: 100 }, () => grant)).length, 100);
    assert.match(code(() => validateGrants(Array.from({ length: 101 }, () => grant))), /^MalformedACLError 400 The XML you provided was not well-formed/);
    assert.match(code(() => grantsFromHeaders({ GrantRead: Array.from({ length: 101 }, () => `id="${owner.ID}"`).join(", ") })), /^MalformedACLError 400/);
  });

  test("Object Ownership and Block Public Access decide whether an ACL may be set", () => {
    const publicRead = cannedAclGrants("public-read", owner);
    const privateAcl = cannedAclGrants("private", owner);
    assert.equal(code(() => checkAclAllowed(publicRead, owner, "BucketOwnerEnforced", undefined)), "AccessControlListNotSupported 400 The bucket does not allow ACLs");
    assert.equal(code(() => checkAclAllowed(privateAcl, owner, "BucketOwnerEnforced", NEW_BUCKET_PUBLIC_ACCESS_BLOCK)), "ok");
    // Another account's upload with bucket-owner-full-control (or its grant spelled out), not its own private ACL.
    assert.equal(code(() => checkAclAllowed(cannedAclGrants("bucket-owner-full-control", owner, bucketOwner), owner, "BucketOwnerEnforced", NEW_BUCKET_PUBLIC_ACCESS_BLOCK, bucketOwner)), "ok");
    assert.equal(code(() => checkAclAllowed([{ Grantee: { Type: "CanonicalUser", ID: bucketOwner.ID }, Permission: "FULL_CONTROL" }], owner, "BucketOwnerEnforced", undefined, bucketOwner)), "ok");
    assert.equal(code(() => checkAclAllowed(privateAcl, owner, "BucketOwnerEnforced", undefined, bucketOwner)), "AccessControlListNotSupported 400 The bucket does not allow ACLs");
    assert.equal(code(() => checkAclAllowed(cannedAclGrants("bucket-owner-read", owner, bucketOwner), owner, "BucketOwnerEnforced", undefined, bucketOwner)), "AccessControlListNotSupported 400 The bucket does not allow ACLs");
    assert.equal(code(() => checkAclAllowed(publicRead, owner, "ObjectWriter", NEW_BUCKET_PUBLIC_ACCESS_BLOCK)), "AccessDenied 403 Access Denied");
    assert.equal(code(() => checkAclAllowed(publicRead, owner, "ObjectWriter", undefined)), "ok");
    assert.equal(code(() => checkAclAllowed(cannedAclGrants("log-delivery-write", owner), owner, "BucketOwnerPreferred", NEW_BUCKET_PUBLIC_ACCESS_BLOCK)), "ok");
  });
});
