import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketOwnershipControlsCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAclCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetObjectAclCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutBucketAclCommand,
  PutBucketLoggingCommand,
  PutBucketOwnershipControlsCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { uniqueName } from "./harness.js";
import { s3Suite } from "./s3-fixtures.js";

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined; error: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, error: e as unknown as Record<string, unknown> };
  }
  assert.fail("expected the call to fail");
}

const ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

describe("S3 ACLs, Object Ownership and Block Public Access", () => {
  let s3: S3Client;
  s3Suite((fixture) => ({ s3 } = fixture));

  test("a new bucket has ACLs disabled and public access blocked; reading ACLs still works", async () => {
    const bucket = uniqueName("acl-default");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const ownership = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    assert.deepEqual(ownership.OwnershipControls?.Rules, [{ ObjectOwnership: "BucketOwnerEnforced" }]);
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    assert.deepEqual(block.PublicAccessBlockConfiguration, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: bucket }));
    assert.match(acl.Owner?.ID ?? "", /^[0-9a-f]{64}$/);
    assert.deepEqual(acl.Owner, { ID: acl.Owner?.ID });
    assert.deepEqual(acl.Grants, [{ Grantee: { Type: "CanonicalUser", ID: acl.Owner?.ID }, Permission: "FULL_CONTROL" }]);

    const refused = await failure(s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "public-read" })));
    assert.deepEqual([refused.name, refused.message, refused.status], ["AccessControlListNotSupported", "The bucket does not allow ACLs", 400]);
    const objectRefused = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x", ACL: "public-read" })));
    assert.deepEqual([objectRefused.name, objectRefused.status], ["AccessControlListNotSupported", 400]);
    // bucket-owner-full-control is what ACL-disabled buckets still accept.
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x", ACL: "bucket-owner-full-control" }));
    const objectAcl = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "k" }));
    assert.deepEqual(objectAcl.Grants?.map((g) => [g.Grantee?.Type, g.Permission]), [["CanonicalUser", "FULL_CONTROL"]]);

    const withAcl = await failure(s3.send(new CreateBucketCommand({ Bucket: uniqueName("acl-create"), ACL: "public-read" })));
    assert.deepEqual(
      [withAcl.name, withAcl.message, withAcl.status],
      ["InvalidBucketAclWithObjectOwnership", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting", 400],
    );
  });

  test("with ObjectWriter ownership and public access unblocked, canned and header ACLs are kept", async () => {
    const bucket = uniqueName("acl-writer");
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "ObjectWriter" }));
    const blocked = await failure(s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "public-read" })));
    // S3 explains the refusal to the bucket owner's account (S3 User Guide, "Access denied due to Block Public Access settings").
    assert.deepEqual(
      [blocked.name, blocked.message, blocked.status],
      ["AccessDenied", `User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutBucketAcl on resource: "arn:aws:s3:::${bucket}" because public ACLs are prevented by the BlockPublicAcls setting in S3 Block Public Access.`, 403],
    );
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    const noBlock = await failure(s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket })));
    assert.deepEqual([noBlock.name, noBlock.message, noBlock.status], ["NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", 404]);

    await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "public-read" }));
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: bucket }));
    assert.deepEqual(acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI, g.Permission]), [
      ["CanonicalUser", undefined, "FULL_CONTROL"],
      ["Group", ALL_USERS, "READ"],
    ]);

    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "shared.txt", Body: "x", ACL: "authenticated-read" }));
    const objectAcl = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "shared.txt" }));
    assert.deepEqual(objectAcl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI, g.Permission]), [
      ["CanonicalUser", undefined, "FULL_CONTROL"],
      ["Group", AUTHENTICATED_USERS, "READ"],
    ]);
    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "shared.txt", GrantRead: `uri="${ALL_USERS}"`, GrantFullControl: `id="${acl.Owner?.ID}"` }));
    const replaced = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "shared.txt" }));
    assert.deepEqual(replaced.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.ID ?? g.Grantee?.URI, g.Permission]), [
      ["CanonicalUser", acl.Owner?.ID, "FULL_CONTROL"],
      ["Group", ALL_USERS, "READ"],
    ]);
    await s3.send(
      new PutObjectAclCommand({
        Bucket: bucket,
        Key: "shared.txt",
        AccessControlPolicy: { Owner: acl.Owner, Grants: [{ Grantee: { Type: "CanonicalUser", ID: acl.Owner?.ID }, Permission: "FULL_CONTROL" }] },
      }),
    );
    const privateAgain = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "shared.txt" }));
    assert.equal(privateAgain.Grants?.length, 1);
    // "Amazon EC2 gets READ access to GET an Amazon Machine Image (AMI) bundle" (Canned ACL).
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "image.manifest.xml", Body: "x", ACL: "aws-exec-read" }));
    const execRead = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "image.manifest.xml" }));
    assert.deepEqual(execRead.Grants, [
      { Grantee: { Type: "CanonicalUser", ID: acl.Owner?.ID }, Permission: "FULL_CONTROL" },
      { Grantee: { Type: "CanonicalUser", ID: "6aa5a366c34c1cbe25dc49211496e913e0351eb0e8c37aa3477e40942ec6b97c" }, Permission: "READ" },
    ]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "kept.txt", Body: "x", ACL: "public-read" }));

    const enforce = await failure(
      s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } })),
    );
    assert.equal(enforce.name, "InvalidBucketAclWithObjectOwnership");
    await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "private" }));
    await s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }));
    const ownership = await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }));
    assert.deepEqual(ownership.OwnershipControls?.Rules, [{ ObjectOwnership: "BucketOwnerEnforced" }]);
    // ACLs off: reading one "always return[s] a response that shows full control for the bucket
    // owner", also for an object written public-read before.
    const disabled = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "kept.txt" }));
    assert.deepEqual(disabled.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.ID, g.Permission]), [["CanonicalUser", acl.Owner?.ID, "FULL_CONTROL"]]);
    assert.equal(disabled.Owner?.ID, acl.Owner?.ID);
  });

  // "If you try to create a bucket with a public ACL, the request will fail" (CreateBucket, S3 API
  // Reference): a new bucket blocks public ACLs from the start, whatever its Object Ownership.
  test("CreateBucket with a public ACL fails even with ACLs enabled; a non-public one is kept", async () => {
    const refusedWith = ["InvalidBucketAclWithBlockPublicAccessError", "Bucket cannot have public ACLs set with BlockPublicAccess enabled", 400];
    const canned = uniqueName("acl-create-public");
    const publicCanned = await failure(s3.send(new CreateBucketCommand({ Bucket: canned, ObjectOwnership: "ObjectWriter", ACL: "public-read" })));
    assert.deepEqual([publicCanned.name, publicCanned.message, publicCanned.status], refusedWith);
    const authenticated = await failure(s3.send(new CreateBucketCommand({ Bucket: canned, ObjectOwnership: "BucketOwnerPreferred", ACL: "authenticated-read" })));
    assert.deepEqual([authenticated.name, authenticated.message, authenticated.status], refusedWith);
    const header = await failure(s3.send(new CreateBucketCommand({ Bucket: canned, ObjectOwnership: "ObjectWriter", GrantRead: `uri="${ALL_USERS}"` })));
    assert.deepEqual([header.name, header.message, header.status], refusedWith);
    // Nothing was made.
    const missing = await failure(s3.send(new GetBucketAclCommand({ Bucket: canned })));
    assert.equal(missing.name, "NoSuchBucket");

    const logs = uniqueName("acl-create-logs");
    const LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";
    await s3.send(new CreateBucketCommand({ Bucket: logs, ObjectOwnership: "ObjectWriter", GrantWrite: `uri="${LOG_DELIVERY}"`, GrantReadACP: `uri="${LOG_DELIVERY}"` }));
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: logs }));
    assert.deepEqual(acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI, g.Permission]), [
      ["Group", LOG_DELIVERY, "READ_ACP"],
      ["Group", LOG_DELIVERY, "WRITE"],
    ]);
  });

  test("an ACL holds at most 100 grants, and no grant to an e-mail address", async () => {
    const bucket = uniqueName("acl-limits");
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "ObjectWriter" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "doc.txt", Body: "x" }));
    const { Owner: owner } = await s3.send(new GetBucketAclCommand({ Bucket: bucket }));
    const grants = (n: number) => Array.from({ length: n }, () => ({ Grantee: { Type: "CanonicalUser" as const, ID: owner?.ID }, Permission: "READ" as const }));
    const malformed = ["MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema", 400];

    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "doc.txt", AccessControlPolicy: { Owner: owner, Grants: grants(100) } }));
    assert.equal((await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "doc.txt" }))).Grants?.length, 100);
    const objectBody = await failure(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "doc.txt", AccessControlPolicy: { Owner: owner, Grants: grants(101) } })));
    assert.deepEqual([objectBody.name, objectBody.message, objectBody.status], malformed);
    const bucketBody = await failure(s3.send(new PutBucketAclCommand({ Bucket: bucket, AccessControlPolicy: { Owner: owner, Grants: grants(101) } })));
    assert.deepEqual([bucketBody.name, bucketBody.message, bucketBody.status], malformed);
    const headers = await failure(
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: "other.txt", Body: "y", GrantRead: Array.from({ length: 101 }, () => `id="${owner?.ID}"`).join(", ") })),
    );
    assert.deepEqual([headers.name, headers.message, headers.status], malformed);

    // "As of October 1, 2025, Amazon S3 has discontinued support for Email Grantee Access Control Lists" (405).
    const methodNotAllowed = ["MethodNotAllowed", "The specified method is not allowed against this resource.", 405];
    const emailHeader = await failure(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "doc.txt", GrantRead: 'emailAddress="someone@example.com"' })));
    assert.deepEqual([emailHeader.name, emailHeader.message, emailHeader.status], methodNotAllowed);
    const emailBody = await failure(
      s3.send(
        new PutBucketAclCommand({
          Bucket: bucket,
          AccessControlPolicy: { Owner: owner, Grants: [{ Grantee: { Type: "AmazonCustomerByEmail", EmailAddress: "someone@example.com" }, Permission: "READ" }] },
        }),
      ),
    );
    assert.deepEqual([emailBody.name, emailBody.message, emailBody.status], methodNotAllowed);
    const emailUpload = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "other.txt", Body: "y", GrantFullControl: 'emailAddress="someone@example.com"' })));
    assert.deepEqual([emailUpload.name, emailUpload.message, emailUpload.status], methodNotAllowed);
    // A canonical user id is 64 hex digits ("Invalid id", ArgumentName id in a header, CanonicalUser/ID in a body).
    const headerId = await failure(s3.send(new PutBucketAclCommand({ Bucket: bucket, GrantRead: 'id="wrong-id"' })));
    assert.deepEqual([headerId.name, headerId.message, headerId.status, headerId.error.ArgumentName, headerId.error.ArgumentValue], ["InvalidArgument", "Invalid id", 400, "id", "wrong-id"]);
    const bodyId = await failure(
      s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "doc.txt", AccessControlPolicy: { Owner: owner, Grants: [{ Grantee: { Type: "CanonicalUser", ID: "1111-2222-3333" }, Permission: "READ" }] } })),
    );
    assert.deepEqual([bodyId.name, bodyId.message, bodyId.status, bodyId.error.ArgumentName, bodyId.error.ArgumentValue], ["InvalidArgument", "Invalid id", 400, "CanonicalUser/ID", "1111-2222-3333"]);
    const uploadId = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: "other.txt", Body: "y", GrantFullControl: `id="${owner?.ID}", id="${"A".repeat(64)}"` })));
    assert.deepEqual([uploadId.name, uploadId.message, uploadId.status], ["InvalidArgument", "Invalid id", 400]);
    // Nothing refused was kept.
    assert.equal((await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "doc.txt" }))).Grants?.length, 100);
    assert.equal((await s3.send(new GetBucketAclCommand({ Bucket: bucket }))).Grants?.length, 1);
  });

  // AWS's answers in LocalStack's AWS-validated test_s3_bucket_acl_exceptions snapshot.
  test("PutBucketAcl/PutObjectAcl refuse a malformed grant header, an AccessControlPolicy without a valid Owner, and no ACL at all", async () => {
    const bucket = uniqueName("acl-exc");
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "ObjectWriter" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x" }));
    const { Owner: owner } = await s3.send(new GetBucketAclCommand({ Bucket: bucket }));
    const refusal = async (promise: Promise<unknown>) => {
      const e = await failure(promise);
      return [e.name, e.message, e.status, e.error.ArgumentName, e.error.ArgumentValue, e.error.MissingHeaderName];
    };
    // put-bucket-grant-acl-fake-key
    assert.deepEqual(await refusal(s3.send(new PutBucketAclCommand({ Bucket: bucket, GrantWrite: 'fakekey="1234"' }))), [
      "InvalidArgument", "Argument format not recognized", 400, "x-amz-grant-write", 'fakekey="1234"', undefined,
    ]);
    const logDelivery = { Grantee: { Type: "Group" as const, URI: "http://acs.amazonaws.com/groups/s3/LogDelivery" }, Permission: "WRITE" as const };
    const malformed = ["MalformedACLError", "The XML you provided was not well-formed or did not validate against our published schema", 400, undefined, undefined, undefined];
    // put-bucket-acp-acl-1: no Owner; put-bucket-empty-acp: an empty policy
    assert.deepEqual(await refusal(s3.send(new PutBucketAclCommand({ Bucket: bucket, AccessControlPolicy: { Grants: [logDelivery] } }))), malformed);
    assert.deepEqual(await refusal(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "k", AccessControlPolicy: {} }))), malformed);
    // put-bucket-acp-acl-3: an Owner that is no canonical user id
    assert.deepEqual(await refusal(s3.send(new PutBucketAclCommand({ Bucket: bucket, AccessControlPolicy: { Owner: { ID: "wrong-id" }, Grants: [logDelivery] } }))), [
      "InvalidArgument", "Invalid id", 400, "CanonicalUser/ID", "wrong-id", undefined,
    ]);
    // put-bucket-acp-acl-4: an unknown group in a body is named Group/URI (uri in a header)
    const fakeGroup = "http://acs.amazonaws.com/groups/s3/FakeGroup";
    assert.deepEqual(
      await refusal(s3.send(new PutBucketAclCommand({ Bucket: bucket, AccessControlPolicy: { Owner: owner, Grants: [{ Grantee: { Type: "Group", URI: fakeGroup }, Permission: "WRITE" }] } }))),
      ["InvalidArgument", "Invalid group uri", 400, "Group/URI", fakeGroup, undefined],
    );
    assert.deepEqual(await refusal(s3.send(new PutBucketAclCommand({ Bucket: bucket, GrantWrite: `uri="${fakeGroup}"` }))), ["InvalidArgument", "Invalid group uri", 400, "uri", fakeGroup, undefined]);
    // put-bucket-empty: neither a canned ACL, grant headers nor a body
    const missing = ["MissingSecurityHeader", "Your request was missing a required header", 400, undefined, undefined, "x-amz-acl"];
    assert.deepEqual(await refusal(s3.send(new PutBucketAclCommand({ Bucket: bucket }))), missing);
    assert.deepEqual(await refusal(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "k" }))), missing);
  });

  // "Beginning November 21, 2025, Amazon S3 will stop returning DisplayName" (S3 API Reference,
  // Owner and Grantee): no owner or grantee in any answer has one, even one sent in a request.
  test("owners and grantees carry no DisplayName, as S3 answers since November 21, 2025", async () => {
    const bucket = uniqueName("no-display-name");
    const target = uniqueName("no-display-name-logs");
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "ObjectWriter" }));
    await s3.send(new CreateBucketCommand({ Bucket: target }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "doc.txt", Body: "x" }));
    const { Owner: owner } = await s3.send(new GetBucketAclCommand({ Bucket: bucket }));
    assert.deepEqual(owner, { ID: owner?.ID });
    const named = { Type: "CanonicalUser" as const, ID: owner?.ID, DisplayName: "someone" };
    const policy = { Owner: { ID: owner?.ID, DisplayName: "someone" }, Grants: [{ Grantee: named, Permission: "FULL_CONTROL" as const }, { Grantee: named, Permission: "READ" as const }] };
    await s3.send(new PutBucketAclCommand({ Bucket: bucket, AccessControlPolicy: policy }));
    await s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "doc.txt", AccessControlPolicy: policy }));
    const unnamed = [
      { Grantee: { Type: "CanonicalUser", ID: owner?.ID }, Permission: "FULL_CONTROL" },
      { Grantee: { Type: "CanonicalUser", ID: owner?.ID }, Permission: "READ" },
    ];
    const bucketAcl = await s3.send(new GetBucketAclCommand({ Bucket: bucket }));
    assert.deepEqual([bucketAcl.Owner, bucketAcl.Grants], [{ ID: owner?.ID }, unnamed]);
    const objectAcl = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "doc.txt" }));
    assert.deepEqual([objectAcl.Owner, objectAcl.Grants], [{ ID: owner?.ID }, unnamed]);

    const buckets = await s3.send(new ListBucketsCommand({}));
    assert.deepEqual(buckets.Owner, { ID: owner?.ID });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, FetchOwner: true }));
    assert.deepEqual(listed.Contents?.map((c) => c.Owner), [{ ID: owner?.ID }]);

    await s3.send(
      new PutBucketLoggingCommand({
        Bucket: bucket,
        BucketLoggingStatus: { LoggingEnabled: { TargetBucket: target, TargetPrefix: "logs/", TargetGrants: [{ Grantee: named, Permission: "READ" }] } },
      }),
    );
    const logging = await s3.send(new GetBucketLoggingCommand({ Bucket: bucket }));
    assert.deepEqual(logging.LoggingEnabled?.TargetGrants, [{ Grantee: { Type: "CanonicalUser", ID: owner?.ID }, Permission: "READ" }]);
  });

  // A bucket without OwnershipControls acts as buckets did before Object Ownership: ACLs enabled,
  // the writer owning its objects (ObjectWriter).
  test("after DeleteBucketOwnershipControls the bucket has no setting and accepts ACLs again", async () => {
    const bucket = uniqueName("acl-no-ownership");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    const deleted = await s3.send(new DeleteBucketOwnershipControlsCommand({ Bucket: bucket }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    const missing = await failure(s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket })));
    assert.deepEqual([missing.name, missing.message, missing.status], ["OwnershipControlsNotFoundError", "The bucket ownership controls were not found", 404]);
    await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "public-read" }));
    const acl = await s3.send(new GetBucketAclCommand({ Bucket: bucket }));
    assert.deepEqual(acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI, g.Permission]), [
      ["CanonicalUser", undefined, "FULL_CONTROL"],
      ["Group", ALL_USERS, "READ"],
    ]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "x", ACL: "authenticated-read" }));
    const objectAcl = await s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "k" }));
    assert.deepEqual(objectAcl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.URI, g.Permission]), [
      ["CanonicalUser", undefined, "FULL_CONTROL"],
      ["Group", AUTHENTICATED_USERS, "READ"],
    ]);
    // Setting it again works as on any bucket: BucketOwnerEnforced only once the bucket ACL is private.
    const enforce = () => s3.send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }));
    assert.equal((await failure(enforce())).name, "InvalidBucketAclWithObjectOwnership");
    await s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "private" }));
    await enforce();
    assert.deepEqual((await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: bucket }))).OwnershipControls?.Rules, [{ ObjectOwnership: "BucketOwnerEnforced" }]);
    assert.equal((await failure(s3.send(new PutBucketAclCommand({ Bucket: bucket, ACL: "public-read" })))).name, "AccessControlListNotSupported");
  });

  test("a bucket with settings can still be deleted once empty", async () => {
    const bucket = uniqueName("acl-delete");
    await s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "BucketOwnerPreferred" }));
    const deleted = await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
  });
});
