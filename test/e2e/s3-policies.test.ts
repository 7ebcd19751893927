/**
 * S3 access decisions with `--enforce-policies`: bucket policies (Allow to other accounts and to
 * anyone, explicit Deny for everyone, conditions), ACL grants, Block Public Access, per-key
 * DeleteObjects results, copies that read another account's bucket, website and form uploads,
 * Requester Pays, objects another account owns (Object Ownership).
 * Account 111111111111 owns the buckets; 222222222222 is another account; unsigned requests are
 * anonymous.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeletePublicAccessBlockCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketInventoryConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketRequestPaymentCommand,
  PutBucketVersioningCommand,
  PutBucketWebsiteCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  PutObjectRetentionCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { accountsSuite, ENFORCE_POLICIES, failure, httpRequest, uniqueName } from "./harness.js";

const OWNER = "111111111111";
const OTHER = "222222222222";
/** An account as S3 names it: Nimbus's canonical user id (services/s3/store.ts), with no DisplayName since November 2025. */
const canonical = (account: string): { ID: string } => ({
  ID: createHash("sha256").update(`nimbus-canonical-user:${account}`).digest("hex"),
});
const OWNER_ID = canonical(OWNER).ID;
const OTHER_ID = canonical(OTHER).ID;

describe("S3 with enforced policies", () => {
  const suite = accountsSuite({ auth: ENFORCE_POLICIES });
  const client = (account: string): S3Client => suite.client((config) => new S3Client({ ...config, forcePathStyle: true }), account);
  const unsigned = (method: string, path: string, headers: Record<string, string> = {}, body?: string) => httpRequest(suite.nimbus().port, method, path, headers, body);
  const owner = (): S3Client => client(OWNER);
  const other = (): S3Client => client(OTHER);
  const denied = async (call: Promise<unknown>): Promise<void> => {
    const err = await failure(call);
    assert.equal(err.name, "AccessDenied");
    assert.equal(err.message, "Access Denied");
    assert.equal(err.$metadata.httpStatusCode, 403);
  };
  const bucketWith = async (objects: Record<string, string>): Promise<string> => {
    const bucket = uniqueName("policies");
    await owner().send(new CreateBucketCommand({ Bucket: bucket }));
    for (const [Key, Body] of Object.entries(objects)) await owner().send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
    return bucket;
  };
  const policy = (bucket: string, statements: object[]) => new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) });

  test("another account needs the bucket policy's Allow, for exactly what it allows", async () => {
    const bucket = await bucketWith({ "shared/a.txt": "a", "private/b.txt": "b" });
    await denied(other().send(new GetObjectCommand({ Bucket: bucket, Key: "shared/a.txt" })));
    await denied(other().send(new ListObjectsV2Command({ Bucket: bucket })));

    await owner().send(
      policy(bucket, [
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/shared/*` },
        { Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}`, Condition: { StringLike: { "s3:prefix": "shared/*" } } },
      ]),
    );
    const got = await other().send(new GetObjectCommand({ Bucket: bucket, Key: "shared/a.txt" }));
    assert.equal(await got.Body?.transformToString(), "a");
    await denied(other().send(new GetObjectCommand({ Bucket: bucket, Key: "private/b.txt" })));
    await denied(other().send(new PutObjectCommand({ Bucket: bucket, Key: "shared/c.txt", Body: "c" })));
    // The condition on s3:prefix: listing shared/ is allowed, the whole bucket is not.
    assert.deepEqual((await other().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "shared/" }))).Contents?.map((o) => o.Key), ["shared/a.txt"]);
    await denied(other().send(new ListObjectsV2Command({ Bucket: bucket })));
    // The owner account itself needs no Allow.
    assert.equal((await owner().send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount, 2);
  });

  test("a missing key is a 404 only to a caller who may list the bucket; to anyone else a 403", async () => {
    const bucket = await bucketWith({ "a.txt": "a" });
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }]));
    assert.equal(await (await other().send(new GetObjectCommand({ Bucket: bucket, Key: "a.txt" }))).Body?.transformToString(), "a");
    await denied(other().send(new GetObjectCommand({ Bucket: bucket, Key: "missing.txt" })));
    const head = await failure(other().send(new HeadObjectCommand({ Bucket: bucket, Key: "missing.txt" })));
    assert.equal(head.$metadata.httpStatusCode, 403);
    // The owner account may list its bucket.
    assert.equal((await failure(owner().send(new GetObjectCommand({ Bucket: bucket, Key: "missing.txt" })))).name, "NoSuchKey");

    await owner().send(
      policy(bucket, [
        { Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` },
        { Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` },
      ]),
    );
    const missing = await failure(other().send(new GetObjectCommand({ Bucket: bucket, Key: "missing.txt" })));
    assert.equal(missing.name, "NoSuchKey");
    assert.equal(missing.$metadata.httpStatusCode, 404);
    assert.equal((await failure(other().send(new HeadObjectCommand({ Bucket: bucket, Key: "missing.txt" })))).$metadata.httpStatusCode, 404);
  });

  test("anonymous callers: a public policy admits them once Block Public Access allows it; RestrictPublicBuckets shuts them out again", async () => {
    const bucket = await bucketWith({ "site/index.html": "<h1>hi</h1>" });
    assert.equal((await unsigned("GET", `/${bucket}/site/index.html`)).status, 403);
    assert.equal((await unsigned("GET", "/")).status, 403, "ListBuckets needs an account");

    await owner().send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    await owner().send(policy(bucket, [{ Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }]));
    const read = await unsigned("GET", `/${bucket}/site/index.html`);
    assert.equal(read.status, 200);
    assert.equal(read.text, "<h1>hi</h1>");
    const write = await unsigned("PUT", `/${bucket}/site/evil.html`, { "content-length": "4" }, "evil");
    assert.equal(write.status, 403);
    assert.match(write.text, /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
    // response-* overrides need a signed request, even where anyone may read.
    const overridden = await unsigned("GET", `/${bucket}/site/index.html?response-content-type=text%2Fplain`);
    assert.equal(overridden.status, 400);
    assert.match(overridden.text, /<Code>InvalidRequest<\/Code><Message>Request specific response headers cannot be used for anonymous GET requests\.<\/Message>/);
    assert.equal((await unsigned("HEAD", `/${bucket}/site/index.html?response-cache-control=no-cache`)).status, 400);
    const signed = await other().send(new GetObjectCommand({ Bucket: bucket, Key: "site/index.html", ResponseContentType: "text/plain" }));
    assert.equal(signed.ContentType, "text/plain");

    await owner().send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { RestrictPublicBuckets: true } }));
    assert.equal((await unsigned("GET", `/${bucket}/site/index.html`)).status, 403);
  });

  test("an explicit Deny refuses the owner account too, but its root user can still remove the policy", async () => {
    const bucket = await bucketWith({ "keep/a.txt": "a" });
    await owner().send(policy(bucket, [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }]));
    // Nimbus speaks plain HTTP, so aws:SecureTransport is false, as AWS would see such a request.
    await denied(owner().send(new GetObjectCommand({ Bucket: bucket, Key: "keep/a.txt" })));
    await denied(owner().send(new DeleteObjectCommand({ Bucket: bucket, Key: "keep/a.txt" })));
    await owner().send(new DeleteBucketPolicyCommand({ Bucket: bucket }));
    assert.equal(await (await owner().send(new GetObjectCommand({ Bucket: bucket, Key: "keep/a.txt" }))).Body?.transformToString(), "a");
  });

  // "If you don't have PutBucketPolicy permissions, Amazon S3 returns a 403 Access Denied error. If
  // you have the correct permissions, but you're not using an identity that belongs to the bucket
  // owner's account, Amazon S3 returns a 405 Method Not Allowed error" (PutBucketPolicy; the same
  // for GetBucketPolicy and DeleteBucketPolicy).
  test("another account cannot read, replace or delete the bucket policy, even when it allows that account to", async () => {
    const bucket = await bucketWith({});
    const notAllowed = async (call: Promise<unknown>): Promise<void> => {
      const err = await failure(call);
      assert.deepEqual([err.name, err.message, err.$metadata.httpStatusCode], ["MethodNotAllowed", "The specified method is not allowed against this resource.", 405]);
    };
    const replacement = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }] });
    await denied(other().send(new GetBucketPolicyCommand({ Bucket: bucket })));
    const actions = ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:GetBucketPolicyStatus"];
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: actions, Resource: `arn:aws:s3:::${bucket}` }]));
    await notAllowed(other().send(new GetBucketPolicyCommand({ Bucket: bucket })));
    await notAllowed(other().send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: replacement })));
    await notAllowed(other().send(new DeleteBucketPolicyCommand({ Bucket: bucket })));
    // GetBucketPolicyStatus is not one of them.
    assert.equal((await other().send(new GetBucketPolicyStatusCommand({ Bucket: bucket }))).PolicyStatus?.IsPublic, false);
    assert.deepEqual(JSON.parse((await owner().send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? "").Statement[0].Action, actions);
  });

  test("ACL grants admit others while ACLs are enabled; IgnorePublicAcls drops the public ones", async () => {
    const bucket = await bucketWith({});
    await owner().send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    await owner().send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] } }));
    await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "public.txt", Body: "for everyone", ACL: "public-read" }));
    await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "private.txt", Body: "owner only" }));
    await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "authenticated.txt", Body: "signed callers", ACL: "authenticated-read" }));
    assert.equal((await unsigned("GET", `/${bucket}/public.txt`)).text, "for everyone");
    assert.equal((await unsigned("GET", `/${bucket}/private.txt`)).status, 403);
    assert.equal((await unsigned("GET", `/${bucket}/authenticated.txt`)).status, 403);
    assert.equal(await (await other().send(new GetObjectCommand({ Bucket: bucket, Key: "authenticated.txt" }))).Body?.transformToString(), "signed callers");
    await denied(other().send(new GetObjectCommand({ Bucket: bucket, Key: "private.txt" })));

    await owner().send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: { IgnorePublicAcls: true } }));
    assert.equal((await unsigned("GET", `/${bucket}/public.txt`)).status, 403);
  });

  test("DeleteObjects decides key by key: refused keys come back as AccessDenied errors", async () => {
    const bucket = await bucketWith({ "tmp/a": "a", "keep/b": "b" });
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:DeleteObject", Resource: `arn:aws:s3:::${bucket}/tmp/*` }]));
    const out = await other().send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "tmp/a" }, { Key: "keep/b" }] } }));
    assert.deepEqual(out.Deleted?.map((d) => d.Key), ["tmp/a"]);
    assert.deepEqual(out.Errors?.map((e) => [e.Key, e.Code, e.Message]), [["keep/b", "AccessDenied", "Access Denied"]]);
    assert.equal(await (await owner().send(new GetObjectCommand({ Bucket: bucket, Key: "keep/b" }))).Body?.transformToString(), "b");
  });

  test("a copy reads its source as the caller: another account's source needs that bucket's Allow", async () => {
    const source = await bucketWith({ "report.csv": "a,b" });
    const target = uniqueName("policies-target");
    await other().send(new CreateBucketCommand({ Bucket: target }));
    await denied(other().send(new CopyObjectCommand({ Bucket: target, Key: "copy.csv", CopySource: `${source}/report.csv` })));
    await owner().send(policy(source, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${source}/*` }]));
    await other().send(new CopyObjectCommand({ Bucket: target, Key: "copy.csv", CopySource: `${source}/report.csv` }));
    assert.equal(await (await other().send(new GetObjectCommand({ Bucket: target, Key: "copy.csv" }))).Body?.transformToString(), "a,b");
  });

  test("a browser-form POST without a signed policy is anonymous: it needs the bucket policy's Allow", async () => {
    const bucket = await bucketWith({});
    const upload = async (key: string): Promise<number> => {
      const form = new FormData();
      form.append("key", key);
      form.append("file", new Blob(["from a form"]));
      return (await fetch(`${suite.nimbus().url}/${bucket}`, { method: "POST", body: form })).status;
    };
    assert.equal(await upload("uploads/a.txt"), 403);
    await owner().send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/uploads/*` }]));
    assert.equal(await upload("uploads/a.txt"), 204);
    assert.equal(await upload("elsewhere/b.txt"), 403);
    assert.equal(await (await owner().send(new GetObjectCommand({ Bucket: bucket, Key: "uploads/a.txt" }))).Body?.transformToString(), "from a form");
  });

  test("website endpoints serve only what anyone may read", async () => {
    const bucket = await bucketWith({ "index.html": "home" });
    await owner().send(new PutBucketWebsiteCommand({ Bucket: bucket, WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" } } }));
    const host = `${bucket}.s3-website.us-east-1.localhost.localstack.cloud:${suite.nimbus().port}`;
    const refused = await unsigned("GET", "/", { host });
    assert.equal(refused.status, 403);
    assert.match(refused.text, /AccessDenied/);
    await owner().send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` }]));
    const served = await unsigned("GET", "/", { host });
    assert.equal(served.status, 200);
    assert.equal(served.text, "home");
    // A missing page: 403 while anyone may read but not list, 404 once anyone may list too.
    assert.equal((await unsigned("GET", "/nothing.html", { host })).status, 403);
    await owner().send(
      policy(bucket, [
        { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: `arn:aws:s3:::${bucket}/*` },
        { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` },
      ]),
    );
    const missing = await unsigned("GET", "/nothing.html", { host });
    assert.equal(missing.status, 404);
    assert.match(missing.text, /NoSuchKey/);
  });

  test("a Requester Pays bucket: others must send x-amz-request-payer: requester, anonymous callers are refused, the owner needs nothing", async () => {
    // "Downloading objects from Requester Pays buckets" (S3 User Guide): without the header S3 answers 403.
    const bucket = await bucketWith({ "data.csv": "a,b" });
    await owner().send(new DeletePublicAccessBlockCommand({ Bucket: bucket }));
    await owner().send(
      policy(bucket, [
        { Effect: "Allow", Principal: "*", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `arn:aws:s3:::${bucket}/*` },
        { Effect: "Allow", Principal: "*", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${bucket}` },
      ]),
    );
    assert.equal((await unsigned("GET", `/${bucket}/data.csv`)).status, 200, "public before Requester Pays");
    await owner().send(new PutBucketRequestPaymentCommand({ Bucket: bucket, RequestPaymentConfiguration: { Payer: "Requester" } }));

    await denied(other().send(new GetObjectCommand({ Bucket: bucket, Key: "data.csv" })));
    await denied(other().send(new ListObjectsV2Command({ Bucket: bucket })));
    await denied(other().send(new PutObjectCommand({ Bucket: bucket, Key: "theirs.csv", Body: "c" })));
    const headDenied = await failure(other().send(new HeadObjectCommand({ Bucket: bucket, Key: "data.csv" })));
    assert.equal(headDenied.$metadata.httpStatusCode, 403);
    const batch = await failure(other().send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: "data.csv" }] } })));
    assert.deepEqual([batch.name, batch.$metadata.httpStatusCode], ["AccessDenied", 403]);
    const anonymous = await unsigned("GET", `/${bucket}/data.csv`, { "x-amz-request-payer": "requester" });
    assert.equal(anonymous.status, 403);
    assert.match(anonymous.text, /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);

    // What it pays for is answered with x-amz-request-charged: requester (the same guide page).
    const paid = await other().send(new GetObjectCommand({ Bucket: bucket, Key: "data.csv", RequestPayer: "requester" }));
    assert.equal(await paid.Body?.transformToString(), "a,b");
    assert.equal(paid.RequestCharged, "requester");
    assert.equal((await other().send(new HeadObjectCommand({ Bucket: bucket, Key: "data.csv", RequestPayer: "requester" }))).RequestCharged, "requester");
    const listed = await other().send(new ListObjectsV2Command({ Bucket: bucket, RequestPayer: "requester" }));
    assert.deepEqual([listed.Contents?.map((o) => o.Key), listed.RequestCharged], [["data.csv"], "requester"]);
    assert.equal((await other().send(new PutObjectCommand({ Bucket: bucket, Key: "theirs.csv", Body: "c", RequestPayer: "requester" }))).RequestCharged, "requester");
    // A copy out of the bucket needs the acknowledgement for its source too, and is charged for it.
    const target = uniqueName("payer-target");
    await other().send(new CreateBucketCommand({ Bucket: target }));
    await denied(other().send(new CopyObjectCommand({ Bucket: target, Key: "copy.csv", CopySource: `${bucket}/data.csv` })));
    const copied = await other().send(new CopyObjectCommand({ Bucket: target, Key: "copy.csv", CopySource: `${bucket}/data.csv`, RequestPayer: "requester" }));
    assert.equal(copied.RequestCharged, "requester");
    // Within its own bucket nothing is charged to it as requester.
    assert.equal((await other().send(new GetObjectCommand({ Bucket: target, Key: "copy.csv", RequestPayer: "requester" }))).RequestCharged, undefined);

    const own = await owner().send(new GetObjectCommand({ Bucket: bucket, Key: "theirs.csv" }));
    assert.equal(await own.Body?.transformToString(), "c");
    assert.equal(own.RequestCharged, undefined);
    await owner().send(new DeleteObjectCommand({ Bucket: bucket, Key: "theirs.csv" }));
  });

  test("a policy can require SSE on uploads: a Deny on a missing or other s3:x-amz-server-side-encryption refuses the owner's PutObject", async () => {
    const bucket = await bucketWith({});
    await owner().send(
      policy(bucket, [
        { Sid: "DenyOtherEncryption", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*`, Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } } },
        { Sid: "DenyUnencrypted", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*`, Condition: { Null: { "s3:x-amz-server-side-encryption": "true" } } },
      ]),
    );
    await denied(owner().send(new PutObjectCommand({ Bucket: bucket, Key: "plain", Body: "x" })));
    await denied(owner().send(new PutObjectCommand({ Bucket: bucket, Key: "s3-managed", Body: "x", ServerSideEncryption: "AES256" })));
    const kms = await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "kms", Body: "x", ServerSideEncryption: "aws:kms" }));
    assert.equal(kms.ServerSideEncryption, "aws:kms");
    assert.deepEqual((await owner().send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((o) => o.Key), ["kms"]);
  });

  test("removing a version for good needs s3:DeleteObjectVersion: s3:DeleteObject only adds a delete marker", async () => {
    const bucket = await bucketWith({});
    await owner().send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const put = await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "doc", Body: "v1" }));
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: ["s3:DeleteObject", "s3:GetObject", "s3:GetObjectVersion"], Resource: `arn:aws:s3:::${bucket}/*` }]));
    await denied(other().send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc", VersionId: put.VersionId })));
    const marker = await other().send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc" }));
    assert.equal(marker.DeleteMarker, true);
    assert.equal(await (await other().send(new GetObjectCommand({ Bucket: bucket, Key: "doc", VersionId: put.VersionId }))).Body?.transformToString(), "v1");
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: ["s3:DeleteObject", "s3:DeleteObjectVersion"], Resource: `arn:aws:s3:::${bucket}/*` }]));
    const gone = await other().send(new DeleteObjectCommand({ Bucket: bucket, Key: "doc", VersionId: put.VersionId }));
    assert.equal(gone.VersionId, put.VersionId);
    const missing = await failure(owner().send(new GetObjectCommand({ Bucket: bucket, Key: "doc", VersionId: put.VersionId })));
    assert.deepEqual([missing.name, missing.$metadata.httpStatusCode], ["NoSuchVersion", 404]);
  });

  test("x-amz-bypass-governance-retention takes s3:BypassGovernanceRetention: without it GOVERNANCE retention stands", async () => {
    // "To override or remove governance-mode retention settings, you must have the
    // s3:BypassGovernanceRetention permission and must explicitly include
    // x-amz-bypass-governance-retention:true" (S3 User Guide, object-lock).
    const bucket = uniqueName("policies");
    await owner().send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    const until = new Date(Date.now() + 86_400_000);
    const put = await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "g", Body: "x", ObjectLockMode: "GOVERNANCE", ObjectLockRetainUntilDate: until }));
    const actions = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention"];
    const allow = (extra: string[]) => policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: [...actions, ...extra], Resource: `arn:aws:s3:::${bucket}/*` }]);
    await owner().send(allow([]));
    const shorter = { Mode: "GOVERNANCE" as const, RetainUntilDate: new Date(until.getTime() - 60_000) };
    for (const call of [
      () => other().send(new DeleteObjectCommand({ Bucket: bucket, Key: "g", VersionId: put.VersionId, BypassGovernanceRetention: true })),
      () => other().send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "g", VersionId: put.VersionId, Retention: shorter, BypassGovernanceRetention: true })),
    ]) {
      const err = await failure(call());
      assert.deepEqual([err.name, err.$metadata.httpStatusCode], ["AccessDenied", 403]);
    }
    const batch = await other().send(new DeleteObjectsCommand({ Bucket: bucket, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: "g", VersionId: put.VersionId }] } }));
    assert.deepEqual(batch.Errors?.map((e) => [e.Key, e.Code]), [["g", "AccessDenied"]]);

    await owner().send(allow(["s3:BypassGovernanceRetention"]));
    await other().send(new PutObjectRetentionCommand({ Bucket: bucket, Key: "g", VersionId: put.VersionId, Retention: shorter, BypassGovernanceRetention: true }));
    const gone = await other().send(new DeleteObjectCommand({ Bucket: bucket, Key: "g", VersionId: put.VersionId, BypassGovernanceRetention: true }));
    assert.equal(gone.VersionId, put.VersionId);
  });

  test("with ObjectWriter ownership an upload from another account is owned by that account; the bucket policy can still deny it", async () => {
    const bucket = uniqueName("policies-writer");
    await owner().send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "ObjectWriter" }));
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: ["s3:PutObject", "s3:GetObjectAcl"], Resource: `arn:aws:s3:::${bucket}/*` }]));
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "theirs.txt", Body: "x" }));
    const acl = await other().send(new GetObjectAclCommand({ Bucket: bucket, Key: "theirs.txt" }));
    assert.equal(acl.Owner?.ID, OTHER_ID);
    assert.deepEqual(acl.Grants?.map((g) => [g.Grantee?.ID, g.Permission]), [[acl.Owner?.ID, "FULL_CONTROL"]]);
    await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "mine.txt", Body: "y" }));
    const ownAcl = await owner().send(new GetObjectAclCommand({ Bucket: bucket, Key: "mine.txt" }));
    assert.notEqual(ownAcl.Owner?.ID, acl.Owner?.ID);
    await owner().send(
      policy(bucket, [
        { Effect: "Allow", Principal: { AWS: OTHER }, Action: ["s3:PutObject", "s3:GetObjectAcl"], Resource: `arn:aws:s3:::${bucket}/*` },
        { Effect: "Deny", Principal: { AWS: OTHER }, Action: "s3:GetObjectAcl", Resource: `arn:aws:s3:::${bucket}/theirs.txt` },
      ]),
    );
    await denied(other().send(new GetObjectAclCommand({ Bucket: bucket, Key: "theirs.txt" })));
  });
  test("with ObjectWriter the bucket owner cannot read another account's object, even through its own policy, unless the object ACL grants it; it can still delete it", async () => {
    const bucket = uniqueName("policies-writer");
    await owner().send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "ObjectWriter" }));
    // The owner's policy lets the other account upload, and (in vain, for objects it does not own) itself read.
    await owner().send(
      policy(bucket, [
        { Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` },
        { Effect: "Allow", Principal: { AWS: OWNER }, Action: ["s3:GetObject", "s3:GetObjectAcl"], Resource: `arn:aws:s3:::${bucket}/*` },
      ]),
    );
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "private.txt", Body: "theirs" }));
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "read.txt", Body: "readable", ACL: "bucket-owner-read" }));
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "full.txt", Body: "all yours", ACL: "bucket-owner-full-control" }));

    await denied(owner().send(new GetObjectCommand({ Bucket: bucket, Key: "private.txt" })));
    await denied(owner().send(new GetObjectAclCommand({ Bucket: bucket, Key: "private.txt" })));
    await denied(owner().send(new PutObjectAclCommand({ Bucket: bucket, Key: "private.txt", ACL: "private" })));
    const head = await failure(owner().send(new HeadObjectCommand({ Bucket: bucket, Key: "private.txt" })));
    assert.equal(head.$metadata.httpStatusCode, 403);
    // A copy reads its source as the caller, so the owner cannot copy it out either.
    await denied(owner().send(new CopyObjectCommand({ Bucket: bucket, Key: "stolen.txt", CopySource: `${bucket}/private.txt` })));

    // bucket-owner-read: the data, not the ACL.
    assert.equal(await (await owner().send(new GetObjectCommand({ Bucket: bucket, Key: "read.txt" }))).Body?.transformToString(), "readable");
    await denied(owner().send(new GetObjectAclCommand({ Bucket: bucket, Key: "read.txt" })));
    // bucket-owner-full-control: data and ACL; the object stays the uploader's.
    assert.equal(await (await owner().send(new GetObjectCommand({ Bucket: bucket, Key: "full.txt" }))).Body?.transformToString(), "all yours");
    const acl = await owner().send(new GetObjectAclCommand({ Bucket: bucket, Key: "full.txt" }));
    assert.equal(acl.Owner?.ID, OTHER_ID);
    assert.deepEqual(acl.Grants?.map((g) => [g.Grantee?.ID, g.Permission]), [[OTHER_ID, "FULL_CONTROL"], [OWNER_ID, "FULL_CONTROL"]]);

    // The uploader reads its own object without any Allow for s3:GetObject.
    assert.equal(await (await other().send(new GetObjectCommand({ Bucket: bucket, Key: "private.txt" }))).Body?.transformToString(), "theirs");
    // The object ACL the owner account grants itself opens it to the bucket owner.
    await other().send(new PutObjectAclCommand({ Bucket: bucket, Key: "private.txt", ACL: "bucket-owner-read" }));
    assert.equal(await (await owner().send(new GetObjectCommand({ Bucket: bucket, Key: "private.txt" }))).Body?.transformToString(), "theirs");

    // The bucket owner may delete any object in its bucket, whoever owns it.
    await owner().send(new DeleteObjectCommand({ Bucket: bucket, Key: "private.txt" }));
    const gone = await failure(other().send(new GetObjectCommand({ Bucket: bucket, Key: "private.txt" })));
    assert.equal(gone.$metadata.httpStatusCode, 403);
  });

  test("with BucketOwnerPreferred an upload from another account with bucket-owner-full-control becomes the bucket owner's; without it the uploader owns it", async () => {
    const bucket = uniqueName("policies-preferred");
    await owner().send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "BucketOwnerPreferred" }));
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` }]));
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "handed-over.txt", Body: "for the bucket owner", ACL: "bucket-owner-full-control" }));
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "kept.txt", Body: "the uploader's" }));
    // A copy and a multipart upload with the canned ACL hand their object over too.
    await other().send(new CopyObjectCommand({ Bucket: bucket, Key: "copied.txt", CopySource: `${bucket}/kept.txt`, ACL: "bucket-owner-full-control" }));
    const upload = await other().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "multipart.txt", ACL: "bucket-owner-full-control" }));
    const part = await other().send(new UploadPartCommand({ Bucket: bucket, Key: "multipart.txt", UploadId: upload.UploadId, PartNumber: 1, Body: "in parts" }));
    await other().send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: "multipart.txt", UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
    );

    for (const Key of ["handed-over.txt", "copied.txt", "multipart.txt"]) {
      const acl = await owner().send(new GetObjectAclCommand({ Bucket: bucket, Key }));
      assert.equal(acl.Owner?.ID, OWNER_ID, Key);
      // The bucket owner alone: the uploader keeps no grant.
      assert.deepEqual(acl.Grants?.map((g) => [g.Grantee?.ID, g.Permission]), [[OWNER_ID, "FULL_CONTROL"]], Key);
      // Its object like any other: the uploader reads it only through the bucket policy, which allows it nothing but uploads.
      await denied(other().send(new GetObjectCommand({ Bucket: bucket, Key })));
      await denied(other().send(new GetObjectAclCommand({ Bucket: bucket, Key })));
    }
    assert.equal(await (await owner().send(new GetObjectCommand({ Bucket: bucket, Key: "handed-over.txt" }))).Body?.transformToString(), "for the bucket owner");
    assert.equal(await (await owner().send(new GetObjectCommand({ Bucket: bucket, Key: "multipart.txt" }))).Body?.transformToString(), "in parts");
    await owner().send(new PutObjectAclCommand({ Bucket: bucket, Key: "handed-over.txt", ACL: "private" }));

    // Without the canned ACL the object stays the uploader's (as with ObjectWriter).
    const kept = await other().send(new GetObjectAclCommand({ Bucket: bucket, Key: "kept.txt" }));
    assert.equal(kept.Owner?.ID, OTHER_ID);
    await denied(owner().send(new GetObjectCommand({ Bucket: bucket, Key: "kept.txt" })));

    const listed = await owner().send(new ListObjectsV2Command({ Bucket: bucket, FetchOwner: true }));
    assert.deepEqual(
      listed.Contents?.map((c) => [c.Key, c.Owner?.ID]),
      [["copied.txt", OWNER_ID], ["handed-over.txt", OWNER_ID], ["kept.txt", OTHER_ID], ["multipart.txt", OWNER_ID]],
    );

    // Ownership is settled when the object is written: going to ObjectWriter gives nothing back.
    await owner().send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "ObjectWriter" }] } }));
    assert.equal((await owner().send(new GetObjectAclCommand({ Bucket: bucket, Key: "handed-over.txt" }))).Owner?.ID, OWNER_ID);
    assert.equal((await other().send(new GetObjectAclCommand({ Bucket: bucket, Key: "kept.txt" }))).Owner?.ID, OTHER_ID);
  });

  test("with BucketOwnerEnforced (the default) the bucket owner owns every object, whoever uploaded it", async () => {
    const bucket = await bucketWith({});
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` }]));
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "uploaded.txt", Body: "from the other account" }));
    assert.equal(await (await owner().send(new GetObjectCommand({ Bucket: bucket, Key: "uploaded.txt" }))).Body?.transformToString(), "from the other account");
    const acl = await owner().send(new GetObjectAclCommand({ Bucket: bucket, Key: "uploaded.txt" }));
    assert.equal(acl.Owner?.ID, OWNER_ID);
    assert.deepEqual(acl.Grants?.map((g) => [g.Grantee?.ID, g.Permission]), [[OWNER_ID, "FULL_CONTROL"]]);
    // The uploader has only what the bucket policy gives it.
    await denied(other().send(new GetObjectCommand({ Bucket: bucket, Key: "uploaded.txt" })));

    // "Bucket owner enforced ... PUT requests that use the bucket-owner-full-control canned ACL or
    // an equivalent succeed" (S3 User Guide, Object Ownership prerequisites): the ACL that
    // cross-account uploads send, and that bucket policies often require.
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "granted.txt", Body: "with the ACL", ACL: "bucket-owner-full-control" }));
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "granted-header.txt", Body: "with the grant", GrantFullControl: `id="${OWNER_ID}"` }));
    for (const Key of ["granted.txt", "granted-header.txt"]) {
      const granted = await owner().send(new GetObjectAclCommand({ Bucket: bucket, Key }));
      assert.deepEqual([granted.Owner?.ID, granted.Grants?.map((g) => [g.Grantee?.ID, g.Permission])], [OWNER_ID, [[OWNER_ID, "FULL_CONTROL"]]], Key);
    }
    const other_ = await failure(other().send(new PutObjectCommand({ Bucket: bucket, Key: "public.txt", Body: "x", ACL: "bucket-owner-read" })));
    assert.deepEqual([other_.name, other_.message, other_.$metadata.httpStatusCode], ["AccessControlListNotSupported", "The bucket does not allow ACLs", 400]);
  });

  test("with BucketOwnerEnforced listings show the bucket owner as Owner of every object and version, whoever wrote it", async () => {
    const bucket = await bucketWith({ "mine.txt": "the owner's" });
    await owner().send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    await owner().send(
      policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: ["s3:PutObject", "s3:DeleteObject"], Resource: `arn:aws:s3:::${bucket}/*` }]),
    );
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "theirs.txt", Body: "uploaded by the other account" }));
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "gone.txt", Body: "then deleted" }));
    await other().send(new DeleteObjectCommand({ Bucket: bucket, Key: "gone.txt" }));

    const v2 = await owner().send(new ListObjectsV2Command({ Bucket: bucket, FetchOwner: true }));
    assert.deepEqual(v2.Contents?.map((c) => [c.Key, c.Owner?.ID]), [["mine.txt", OWNER_ID], ["theirs.txt", OWNER_ID]]);
    assert.equal(new Set(v2.Contents?.map((c) => c.Owner?.ID)).size, 1);
    const withoutOwner = await owner().send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.deepEqual(withoutOwner.Contents?.map((c) => c.Owner), [undefined, undefined]);
    const v1 = await owner().send(new ListObjectsCommand({ Bucket: bucket }));
    assert.deepEqual(v1.Contents?.map((c) => [c.Key, c.Owner]), [["mine.txt", canonical(OWNER)], ["theirs.txt", canonical(OWNER)]]);
    const versions = await owner().send(new ListObjectVersionsCommand({ Bucket: bucket }));
    assert.deepEqual(versions.Versions?.map((v) => [v.Key, v.Owner?.ID]), [["gone.txt", OWNER_ID], ["mine.txt", OWNER_ID], ["theirs.txt", OWNER_ID]]);
    assert.deepEqual(versions.DeleteMarkers?.map((m) => [m.Key, m.Owner?.ID]), [["gone.txt", OWNER_ID]]);
  });

  test("ListParts and ListMultipartUploads: Owner is whoever will own the object under the bucket's Object Ownership, Initiator the account that started the upload", async () => {
    const bucket = await bucketWith({});
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` }]));
    const theirs = await other().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "theirs.bin" }));
    const mine = await owner().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "mine.bin" }));
    const parties = async (): Promise<[string | undefined, unknown, unknown][]> =>
      ((await owner().send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads ?? []).map((u) => [u.Key, u.Owner, u.Initiator]);
    const partsOf = async (Key: string, UploadId: string | undefined): Promise<[unknown, unknown]> => {
      const listed = await owner().send(new ListPartsCommand({ Bucket: bucket, Key, UploadId }));
      return [listed.Owner, listed.Initiator];
    };

    // BucketOwnerEnforced (the default): the bucket owner will own the object, whoever uploads it.
    assert.deepEqual(await parties(), [
      ["mine.bin", canonical(OWNER), canonical(OWNER)],
      ["theirs.bin", canonical(OWNER), canonical(OTHER)],
    ]);
    assert.deepEqual(await partsOf("theirs.bin", theirs.UploadId), [canonical(OWNER), canonical(OTHER)]);
    assert.deepEqual(await partsOf("mine.bin", mine.UploadId), [canonical(OWNER), canonical(OWNER)]);

    // ObjectWriter: the uploader will.
    await owner().send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "ObjectWriter" }] } }));
    assert.deepEqual(await partsOf("theirs.bin", theirs.UploadId), [canonical(OTHER), canonical(OTHER)]);

    // BucketOwnerPreferred: the bucket owner, for an upload started with bucket-owner-full-control.
    await owner().send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerPreferred" }] } }));
    await other().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "handed-over.bin", ACL: "bucket-owner-full-control" }));
    assert.deepEqual(await parties(), [
      ["handed-over.bin", canonical(OWNER), canonical(OTHER)],
      ["mine.bin", canonical(OWNER), canonical(OWNER)],
      ["theirs.bin", canonical(OTHER), canonical(OTHER)],
    ]);
  });

  test("an inventory report's ObjectOwner is each object's owner's canonical id, as the bucket's Object Ownership says when the report is made", async () => {
    const HOUR = 3_600_000;
    const bucket = uniqueName("policies-inventory");
    await owner().send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: "ObjectWriter" }));
    const reports = await bucketWith({});
    await owner().send(policy(bucket, [{ Effect: "Allow", Principal: { AWS: OTHER }, Action: "s3:PutObject", Resource: `arn:aws:s3:::${bucket}/*` }]));
    await owner().send(new PutObjectCommand({ Bucket: bucket, Key: "mine.txt", Body: "the owner's" }));
    await other().send(new PutObjectCommand({ Bucket: bucket, Key: "theirs.txt", Body: "the other account's" }));
    await owner().send(
      new PutBucketInventoryConfigurationCommand({
        Bucket: bucket,
        Id: "owners",
        InventoryConfiguration: {
          Id: "owners",
          IsEnabled: true,
          Destination: { S3BucketDestination: { Bucket: `arn:aws:s3:::${reports}`, Format: "CSV" } },
          IncludedObjectVersions: "Current",
          OptionalFields: ["ObjectOwner"],
          Schedule: { Frequency: "Daily" },
        },
      }),
    );
    /** The rows of the newest report's data file. */
    const latestReport = async (): Promise<string[]> => {
      const keys = ((await owner().send(new ListObjectsV2Command({ Bucket: reports }))).Contents ?? []).map((o) => o.Key ?? "");
      const manifest = keys.filter((k) => k.endsWith("/manifest.json")).sort().at(-1) ?? "";
      const read = async (Key: string) => Buffer.from((await (await owner().send(new GetObjectCommand({ Bucket: reports, Key }))).Body?.transformToByteArray()) ?? []);
      const { files, fileSchema } = JSON.parse((await read(manifest)).toString("utf8")) as { files: { key: string }[]; fileSchema: string };
      assert.equal(fileSchema, "Bucket, Key, ObjectOwner");
      return gunzipSync(await read(files[0]?.key ?? "")).toString("utf8").trimEnd().split("\n");
    };

    await suite.nimbus().scheduler.advance(HOUR);
    // ObjectWriter: the account that wrote each object owns it.
    assert.deepEqual(await latestReport(), [`"${bucket}","mine.txt","${canonical(OWNER).ID}"`, `"${bucket}","theirs.txt","${canonical(OTHER).ID}"`]);

    // BucketOwnerEnforced: the bucket owner owns every object, those written before too.
    await owner().send(new PutBucketOwnershipControlsCommand({ Bucket: bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }));
    await suite.nimbus().scheduler.advance(24 * HOUR); // the next day's report
    assert.deepEqual(await latestReport(), [`"${bucket}","mine.txt","${canonical(OWNER).ID}"`, `"${bucket}","theirs.txt","${canonical(OWNER).ID}"`]);
  });
});
