/**
 * Edge cases of S3 versioning, on the wire where the SDK hides headers: delete markers read
 * current and by id, the null version, version ids S3 could not have issued, and
 * ListObjectVersions' markers and parameter checks.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectAclCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { failure, signedHeaders, uniqueName, type TestNimbus } from "./harness.js";
import { s3Suite } from "./s3-fixtures.js";

describe("S3 versioning edge cases", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));

  async function bucketWith(status: "Enabled" | "Suspended" | undefined): Promise<string> {
    const bucket = uniqueName("vedge");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    if (status !== undefined) await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: status } }));
    return bucket;
  }

  function raw(method: string, path: string): Promise<Response> {
    return fetch(`${nimbus.url}${path}`, { method, headers: signedHeaders("s3") });
  }

  /** The x-amz-delete-marker and x-amz-version-id of an error, which the SDK leaves on its raw response. */
  function deleteMarkerHeaders(err: { readonly [member: string]: unknown }): [string | undefined, string | undefined] {
    const headers = (err.$response as { headers: Record<string, string> }).headers;
    return [headers["x-amz-delete-marker"], headers["x-amz-version-id"]];
  }

  // GetObject: "If the specified version in the request is a delete marker, the response returns
  // a 405 Method Not Allowed error and the Last-Modified: timestamp response header." HeadObject
  // says the same.
  test("GET and HEAD of a delete marker by version id: 405 with x-amz-delete-marker, Allow and Last-Modified", async () => {
    const bucket = await bucketWith("Enabled");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
    nimbus.manualClock.advance(5000);
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k" }));
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    const markedAt = listed.DeleteMarkers?.[0]?.LastModified?.toUTCString();
    assert.ok(markedAt);
    for (const method of ["GET", "HEAD"]) {
      const res = await raw(method, `/${bucket}/k?versionId=${marker.VersionId}`);
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get("x-amz-delete-marker"), "true", method);
      assert.equal(res.headers.get("x-amz-version-id"), marker.VersionId, method);
      assert.equal(res.headers.get("allow"), "DELETE", method);
      assert.equal(res.headers.get("last-modified"), markedAt, method);
      const body = await res.text();
      if (method === "GET") assert.match(body, /<Code>MethodNotAllowed<\/Code><Message>The specified method is not allowed against this resource.<\/Message><Method>GET<\/Method><ResourceType>DeleteMarker<\/ResourceType>/);
    }
    // The current version a delete marker: 404, with the marker's headers, for HEAD too.
    const head = await raw("HEAD", `/${bucket}/k`);
    assert.equal(head.status, 404);
    assert.equal(head.headers.get("x-amz-delete-marker"), "true");
    assert.equal(head.headers.get("x-amz-version-id"), marker.VersionId);
  });

  // LocalStack's AWS-validated test_put_object_acl_on_delete_marker snapshot: with a delete marker
  // as the current version, PutObjectAcl is 405 (Method PUT) but GetObjectAcl 404 NoSuchKey; by
  // the marker's version id both are 405.
  test("PutObjectAcl on a key whose current version is a delete marker: 405 MethodNotAllowed; GetObjectAcl 404", async () => {
    const bucket = await bucketWith("Enabled");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k" }));
    const put = await failure(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "k", ACL: "public-read" })));
    assert.deepEqual([put.name, put.$metadata.httpStatusCode, put.message], ["MethodNotAllowed", 405, "The specified method is not allowed against this resource."]);
    assert.deepEqual([(put as unknown as Record<string, unknown>).Method, (put as unknown as Record<string, unknown>).ResourceType], ["PUT", "DeleteMarker"]);
    const get = await failure(s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "k" })));
    assert.deepEqual([get.name, get.$metadata.httpStatusCode], ["NoSuchKey", 404]);
    const putById = await failure(s3.send(new PutObjectAclCommand({ Bucket: bucket, Key: "k", ACL: "public-read", VersionId: marker.VersionId })));
    assert.deepEqual([putById.name, putById.$metadata.httpStatusCode], ["MethodNotAllowed", 405]);
    const getById = await failure(s3.send(new GetObjectAclCommand({ Bucket: bucket, Key: "k", VersionId: marker.VersionId })));
    assert.deepEqual([getById.name, getById.$metadata.httpStatusCode], ["MethodNotAllowed", 405]);
  });

  test("suspended versioning: a DELETE puts a null delete marker in place of the null version; Enabled versions stay", async () => {
    const bucket = await bucketWith("Enabled");
    const kept = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "enabled" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Suspended" } }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "null version" }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k" }));
    // A second DELETE replaces the null marker with another null marker: still one.
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k" }));
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    assert.deepEqual(listed.Versions?.map((v) => [v.VersionId, v.IsLatest]), [[kept.VersionId, false]]);
    assert.deepEqual(listed.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [["null", true]]);
    // Removing the null marker by id answers x-amz-delete-marker and brings the Enabled version back.
    const removed = await raw("DELETE", `/${bucket}/k?versionId=null`);
    assert.equal(removed.status, 204);
    assert.equal(removed.headers.get("x-amz-delete-marker"), "true");
    assert.equal(removed.headers.get("x-amz-version-id"), "null");
    assert.equal(await (await raw("GET", `/${bucket}/k`)).text(), "enabled");
  });

  // LocalStack's AWS-recorded test_s3_copy_object_in_place_versioned (copy-in-place-versioned-suspended,
  // copy-in-place-versioned-re-enabled): unlike PutObject, CopyObject names the null version it
  // writes, and names no source version when it copies the null version.
  test("CopyObject under Suspended versioning answers VersionId null; from the null version no CopySourceVersionId", async () => {
    const bucket = await bucketWith("Enabled");
    const first = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v1" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Suspended" } }));
    const suspended = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "k", CopySource: `${bucket}/k`, MetadataDirective: "REPLACE" }));
    assert.deepEqual([suspended.CopySourceVersionId, suspended.VersionId], [first.VersionId, "null"]);
    const put = await raw("PUT", `/${bucket}/p`);
    assert.equal(put.headers.get("x-amz-version-id"), null);
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } }));
    const enabled = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "k", CopySource: `${bucket}/k`, MetadataDirective: "REPLACE" }));
    assert.equal(enabled.CopySourceVersionId, undefined);
    assert.ok(enabled.VersionId !== undefined && enabled.VersionId !== "null");
  });

  // CopyObject in place is how S3 changes an object's storage class or metadata ("You can use
  // CopyObject to change the storage class of an object that is already stored"). Under Suspended
  // versioning the copy of the null version replaces that same null version: its body must stay.
  test("CopyObject in place of the null version under Suspended versioning keeps the body", async () => {
    const bucket = await bucketWith("Suspended");
    const body = `only-here-${uniqueName("b")}`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: body, StorageClass: "REDUCED_REDUNDANCY" }));
    const moved = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "k", CopySource: `${bucket}/k`, StorageClass: "STANDARD" }));
    assert.deepEqual([moved.CopySourceVersionId, moved.VersionId], [undefined, "null"]);
    const replaced = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "k", CopySource: `${bucket}/k`, MetadataDirective: "REPLACE", Metadata: { a: "b" } }));
    assert.equal(replaced.VersionId, "null");
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "k" }));
    assert.equal(await got.Body?.transformToString(), body);
    assert.deepEqual([got.StorageClass, got.Metadata], [undefined, { a: "b" }]);
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    assert.deepEqual(versions.Versions?.map((v) => [v.Key, v.VersionId, v.Size]), [["k", "null", body.length]]);
  });

  test("an unversioned bucket answers no x-amz-version-id; GetBucketVersioning is an empty configuration", async () => {
    const bucket = await bucketWith(undefined);
    const put = await raw("PUT", `/${bucket}/k`);
    assert.equal(put.status, 200);
    assert.equal(put.headers.get("x-amz-version-id"), null);
    for (const method of ["GET", "HEAD"]) assert.equal((await raw(method, `/${bucket}/k`)).headers.get("x-amz-version-id"), null, method);
    const copy = await s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "c", CopySource: `${bucket}/k` }));
    assert.deepEqual([copy.VersionId, copy.CopySourceVersionId], [undefined, undefined]);
    const del = await raw("DELETE", `/${bucket}/k`);
    assert.equal(del.status, 204);
    assert.equal(del.headers.get("x-amz-version-id"), null);
    assert.equal(del.headers.get("x-amz-delete-marker"), null);
    const versioning = await (await raw("GET", `/${bucket}?versioning`)).text();
    assert.match(versioning, /<VersioningConfiguration xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"\s*\/>|<VersioningConfiguration xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/"><\/VersioningConfiguration>/);
  });

  // LocalStack's AWS-validated test_bucket_versioning_crud (get-versioning-after-suspended): a bucket
  // never versioned that is asked to suspend versioning answers Suspended from then on, and so is a
  // versioning-suspended bucket, whose DELETE puts a null delete marker in place of the null version
  // (S3 User Guide, "Deleting objects from versioning-suspended buckets").
  test("Suspended on a bucket never versioned: GetBucketVersioning answers Suspended; a DELETE leaves a null delete marker", async () => {
    const bucket = await bucketWith("Suspended");
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    assert.equal(versioning.Status, "Suspended");
    assert.equal((await raw("PUT", `/${bucket}/k`)).headers.get("x-amz-version-id"), null);
    const del = await raw("DELETE", `/${bucket}/k`);
    assert.deepEqual([del.status, del.headers.get("x-amz-delete-marker"), del.headers.get("x-amz-version-id")], [204, "true", "null"]);
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    assert.deepEqual([listed.Versions, listed.DeleteMarkers?.map((m) => [m.Key, m.VersionId, m.IsLatest])], [undefined, [["k", "null", true]]]);
  });

  test("CopyObject from a delete marker: by version id InvalidRequest, as the current version NoSuchKey", async () => {
    const bucket = await bucketWith("Enabled");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k" }));
    const byId = await failure(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "c", CopySource: `${bucket}/k?versionId=${marker.VersionId}` })));
    assert.deepEqual(
      [byId.name, byId.message, byId.$metadata.httpStatusCode],
      ["InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.", 400],
    );
    const current = await failure(s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "c", CopySource: `${bucket}/k` })));
    assert.deepEqual([current.name, current.$metadata.httpStatusCode], ["NoSuchKey", 404]);
    assert.deepEqual(deleteMarkerHeaders(current), ["true", marker.VersionId]);
  });

  // scality/cloudserver's part-copy versioning tests: UploadPartCopy answers as CopyObject does.
  test("UploadPartCopy from a delete marker: by version id InvalidRequest, as the current version NoSuchKey", async () => {
    const bucket = await bucketWith("Enabled");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k" }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "c" }));
    const part = (source: string) => s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: "c", UploadId: upload.UploadId, PartNumber: 1, CopySource: source }));
    const byId = await failure(part(`${bucket}/k?versionId=${marker.VersionId}`));
    assert.deepEqual(
      [byId.name, byId.message, byId.$metadata.httpStatusCode],
      ["InvalidRequest", "The source of a copy request may not specifically refer to a delete marker by version id.", 400],
    );
    const current = await failure(part(`${bucket}/k`));
    assert.deepEqual([current.name, current.$metadata.httpStatusCode], ["NoSuchKey", 404]);
    assert.deepEqual(deleteMarkerHeaders(current), ["true", marker.VersionId]);
  });

  // AWS's answers to ?acl&versionId= recorded against s3.us-east-1.amazonaws.com ("S3 Compliance:
  // Versioning Mix"), and GetObject's in aws/aws-sdk-core-ruby#76.
  test("an empty versionId on an object is InvalidArgument \"Version id cannot be the empty string\"", async () => {
    const bucket = await bucketWith("Enabled");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
    for (const [method, query] of [["GET", "versionId="], ["DELETE", "versionId="], ["GET", "tagging&versionId="], ["GET", "acl&versionId="]] as const) {
      const res = await raw(method, `/${bucket}/k?${query}`);
      const body = await res.text();
      assert.equal(res.status, 400, query);
      assert.ok(
        body.includes("<Code>InvalidArgument</Code><Message>Version id cannot be the empty string</Message><ArgumentName>versionId</ArgumentName><ArgumentValue></ArgumentValue>"),
        `${method} ${query}: ${body}`,
      );
    }
    assert.equal((await raw("HEAD", `/${bucket}/k?versionId=`)).status, 400);
  });

  // AWS's answers recorded against s3.us-east-1.amazonaws.com ("S3 Compliance: Versioning Mix"):
  // the copy source's ?versionId= is refused as the x-amz-copy-source header at fault, and a
  // malformed one is a bare InvalidRequest from CopyObject, InvalidArgument from UploadPartCopy.
  test("a copy source's versionId empty or malformed is refused naming x-amz-copy-source; CopyObject's malformed one is InvalidRequest", async () => {
    const bucket = await bucketWith("Enabled");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "c" }));
    const copy = (source: string) => s3.send(new CopyObjectCommand({ Bucket: bucket, Key: "c", CopySource: source }));
    const part = (source: string) => s3.send(new UploadPartCopyCommand({ Bucket: bucket, Key: "c", UploadId: upload.UploadId, PartNumber: 1, CopySource: source }));
    const refused = async (call: Promise<unknown>) => {
      const err = await failure(call);
      return [err.name, err.message, err.$metadata.httpStatusCode, err.ArgumentName, err.ArgumentValue];
    };
    const empty = ["InvalidArgument", "Version id cannot be the empty string", 400, "x-amz-copy-source", ""];
    assert.deepEqual(await refused(copy(`${bucket}/k?versionId=`)), empty);
    assert.deepEqual(await refused(part(`${bucket}/k?versionId=`)), empty);
    assert.deepEqual(await refused(copy(`${bucket}/k?versionId=abc`)), ["InvalidRequest", "Invalid Request", 400, undefined, undefined]);
    assert.deepEqual(await refused(part(`${bucket}/k?versionId=abc`)), ["InvalidArgument", "Invalid version id specified", 400, "x-amz-copy-source", "abc"]);
  });

  // The same log: UploadPart refuses any versionId, even one that names a version.
  test("UploadPart with a versionId is InvalidArgument \"This operation does not accept a version-id.\"", async () => {
    const bucket = await bucketWith("Enabled");
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "k" }));
    for (const versionId of ["", "abc", put.VersionId ?? ""]) {
      const res = await fetch(`${nimbus.url}/${bucket}/k?partNumber=1&uploadId=${encodeURIComponent(upload.UploadId ?? "")}&versionId=${encodeURIComponent(versionId)}`, {
        method: "PUT",
        headers: signedHeaders("s3"),
        body: "part",
      });
      const body = await res.text();
      assert.equal(res.status, 400, versionId);
      assert.ok(
        body.includes(`<Code>InvalidArgument</Code><Message>This operation does not accept a version-id.</Message><ArgumentName>versionId</ArgumentName>`),
        `${versionId}: ${body}`,
      );
      assert.ok(body.includes(versionId === "" ? "<ArgumentValue></ArgumentValue>" : `<ArgumentValue>${versionId}</ArgumentValue>`), body);
    }
    const parts = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "k", UploadId: upload.UploadId }));
    assert.equal(parts.Parts, undefined);
  });

  // AWS's answers, as recorded against s3.amazonaws.com in a published ListObjectVersions
  // conformance log: max-keys is checked first, then the version-id marker (present without a
  // key-marker; empty; not a version id), then encoding-type. A key-marker that is present but
  // empty still counts as given.
  test("ListObjectVersions refuses bad max-keys and version-id markers with S3's messages, in S3's order", async () => {
    const bucket = await bucketWith("Enabled");
    const cases: [string, string, string, string | undefined][] = [
      ["max-keys=-1", "max-keys cannot be negative", "max-keys", undefined],
      ["max-keys=abc", "Provided max-keys not an integer or within integer range", "max-keys", "abc"],
      ["max-keys=2147483648", "Provided max-keys not an integer or within integer range", "max-keys", "2147483648"],
      ["max-keys=abc&version-id-marker=x&encoding-type=bad", "Provided max-keys not an integer or within integer range", "max-keys", "abc"],
      ["version-id-marker=abc", "A version-id marker cannot be specified without a key marker.", "version-id-marker", "abc"],
      ["version-id-marker=", "A version-id marker cannot be specified without a key marker.", "version-id-marker", ""],
      ["key-marker=k&version-id-marker=", "A version-id marker cannot be empty.", "version-id-marker", ""],
      ["key-marker=k&version-id-marker=%C3%A9", "Invalid version id specified", "version-id-marker", "\u00e9"],
      ["key-marker=&version-id-marker=%C3%A9", "Invalid version id specified", "version-id-marker", "\u00e9"],
      // A marker of URL-ready characters that no version id could be (S3's answer quoted in versity/versitygw#1811).
      ["key-marker=obj&version-id-marker=invalid", "Invalid version id specified", "version-id-marker", "invalid"],
      ["encoding-type=bad&version-id-marker=abc", "A version-id marker cannot be specified without a key marker.", "version-id-marker", "abc"],
      ["encoding-type=bad", "Invalid Encoding Method specified in Request", "encoding-type", "bad"],
    ];
    for (const [query, message, name, value] of cases) {
      const res = await raw("GET", `/${bucket}?versions&${query}`);
      const body = await res.text();
      assert.equal(res.status, 400, query);
      assert.match(body, /<Code>InvalidArgument<\/Code>/, query);
      assert.ok(body.includes(`<Message>${message}</Message>`), `${query}: ${body}`);
      assert.ok(body.includes(`<ArgumentName>${name}</ArgumentName>`), `${query}: ${body}`);
      if (value === undefined) assert.doesNotMatch(body, /<ArgumentValue/, query);
      else assert.ok(body.includes(`<ArgumentValue>${value}</ArgumentValue>`) || (value === "" && body.includes("<ArgumentValue/>")), `${query}: ${body}`);
    }
    const zero = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 0 }));
    assert.deepEqual([zero.MaxKeys, zero.IsTruncated, zero.Versions], [0, false, undefined]);
  });

  // AWS's answer recorded in dyus/meeseeks-s3 (tests/list_object_versions/golden/TestListObjectVersionsEmptyParams.test_empty_max_keys_treated_as_default).
  test("ListObjectVersions takes an empty max-keys as not sent", async () => {
    const bucket = await bucketWith("Enabled");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
    const res = await raw("GET", `/${bucket}?versions&max-keys=`);
    const body = await res.text();
    assert.equal(res.status, 200, body);
    assert.match(body, /<MaxKeys>1000<\/MaxKeys><IsTruncated>false<\/IsTruncated><Version>.*<Key>k<\/Key>/);
  });

  // AWS's answer recorded in dyus/meeseeks-s3 (tests/list_object_versions/golden/TestListObjectVersionsEmptyParams.test_empty_max_keys_treated_as_default).
  test("ListObjectVersions writes each Version's and DeleteMarker's elements in S3's order", async () => {
    const bucket = await bucketWith("Enabled");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v" }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "k" }));
    const body = await (await raw("GET", `/${bucket}?versions`)).text();
    const names = (element: string) => [...(new RegExp(`<${element}>(.*?)</${element}>`).exec(body)?.[1] ?? "").matchAll(/<(\w+)>(?:[^<]*|<ID>[^<]*<\/ID>)<\/\1>/g)].map((m) => m[1]);
    assert.deepEqual(names("DeleteMarker"), ["Key", "VersionId", "IsLatest", "LastModified", "Owner"]);
    assert.deepEqual(names("Version"), ["Key", "VersionId", "IsLatest", "LastModified", "ETag", "ChecksumAlgorithm", "ChecksumType", "Size", "Owner", "StorageClass"]);
  });

  // AWS's answers recorded in dyus/meeseeks-s3 (tests/list_object_versions/golden:
  // TestNullByteParamsStandalone, TestNullByteValidationOrder).
  test("ListObjectVersions refuses a NUL in prefix or key-marker, after max-keys and encoding-type", async () => {
    const bucket = await bucketWith("Enabled");
    const nul = "Value must be a sequence of Unicode characters and cannot include Null.";
    const cases: [string, string, string][] = [
      ["max-keys=1&prefix=%00", nul, "prefix"],
      ["key-marker=%00&max-keys=1", nul, "key-marker"],
      ["key-marker=%00&max-keys=abc", "Provided max-keys not an integer or within integer range", "max-keys"],
      ["encoding-type=invalid&prefix=%00", "Invalid Encoding Method specified in Request", "encoding-type"],
    ];
    for (const [query, message, name] of cases) {
      const res = await raw("GET", `/${bucket}?versions&${query}`);
      const body = await res.text();
      assert.equal(res.status, 400, query);
      assert.ok(body.includes(`<Code>InvalidArgument</Code><Message>${message}</Message><ArgumentName>${name}</ArgumentName>`), `${query}: ${body}`);
    }
  });

  test("ListObjectVersions pages: key-marker alone skips that key's versions; common prefixes and delete markers count toward MaxKeys", async () => {
    const bucket = await bucketWith("Enabled");
    const a1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "a", Body: "1" }));
    nimbus.manualClock.advance(1000);
    const a2 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "a", Body: "2" }));
    nimbus.manualClock.advance(1000);
    const aMarker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "a" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "b", Body: "b" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "dir/x", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "dir/y", Body: "y" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "e", Body: "e" }));

    // Newest first within a key, delete markers among them.
    const all = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: "a" }));
    assert.deepEqual(all.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [[aMarker.VersionId, true]]);
    assert.deepEqual(all.Versions?.map((v) => [v.VersionId, v.IsLatest]), [[a2.VersionId, false], [a1.VersionId, false]]);

    const afterA = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: "a" }));
    assert.deepEqual(afterA.Versions?.map((v) => v.Key), ["b", "dir/x", "dir/y", "e"]);
    assert.equal(afterA.KeyMarker, "a");

    // Page of 3: the marker and two versions of "a"; the next page resumes inside "a".
    const p1 = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: "/", MaxKeys: 3 }));
    assert.equal(p1.IsTruncated, true);
    assert.deepEqual([p1.NextKeyMarker, p1.NextVersionIdMarker], ["a", a1.VersionId]);
    const p2 = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: "/", MaxKeys: 2, KeyMarker: p1.NextKeyMarker, VersionIdMarker: p1.NextVersionIdMarker }));
    assert.deepEqual(p2.Versions?.map((v) => v.Key), ["b"]);
    assert.deepEqual(p2.CommonPrefixes?.map((p) => p.Prefix), ["dir/"]);
    assert.equal(p2.IsTruncated, true);
    assert.equal(p2.NextKeyMarker, "dir/");
    assert.equal(p2.NextVersionIdMarker, undefined);
    const p3 = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Delimiter: "/", KeyMarker: p2.NextKeyMarker }));
    assert.deepEqual(p3.Versions?.map((v) => v.Key), ["e"]);
    assert.equal(p3.CommonPrefixes, undefined);
    assert.equal(p3.IsTruncated, false);
    assert.equal(p3.NextKeyMarker, undefined);
  });

  // boto3's bucket.object_versions.delete() deletes each page before it asks for the next, with
  // the deleted page's last version as the VersionIdMarker; S3 goes on with that key's older
  // versions (a marker need not exist: "the version from which to start listing").
  test("emptying a bucket page by page: a VersionIdMarker deleted meanwhile resumes with its key's older versions", async () => {
    const bucket = await bucketWith("Enabled");
    const written: string[] = [];
    for (const key of ["a", "b", "c"]) {
      for (let i = 0; i < 5; i++) {
        const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `${key}${i}` }));
        written.push(`${key}@${put.VersionId}`);
      }
      // Some in the same second (a stamp orders them), some a second apart.
      nimbus.manualClock.advance(1000);
    }
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: "b" }));
    written.push(`b@${marker.VersionId}`);
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Suspended" } }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "c", Body: "null version" }));
    written.push("c@null");

    const deleted: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 4, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      const entries = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])];
      for (const entry of entries) {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: entry.Key!, VersionId: entry.VersionId! }));
        deleted.push(`${entry.Key}@${entry.VersionId}`);
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
    assert.deepEqual([...deleted].sort(), [...written].sort());
    assert.equal(new Set(deleted).size, deleted.length, "no version listed twice");
    const left = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket }));
    assert.deepEqual([left.Versions, left.DeleteMarkers], [undefined, undefined]);
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  });

  // Found by s3-versioning-oracle.test.ts: paged by one, the listing went back and forth between
  // the null version and the marker for good.
  test("ListObjectVersions resumes after a version id marker that a newer null version of the same second precedes: each version once", async () => {
    const bucket = await bucketWith("Enabled");
    // A version stamped earlier in the same second, so the next stamp is past the second's start.
    const a = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "a", Body: "a" }));
    const v1 = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "v1" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: "Suspended" } }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "k", Body: "null" }));
    const after = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: "k", VersionIdMarker: v1.VersionId }));
    assert.deepEqual([after.Versions, after.IsTruncated], [undefined, false]);
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      seen.push(...(page.Versions ?? []).map((v) => `${v.Key}@${v.VersionId}`));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
    assert.deepEqual(seen, [`a@${a.VersionId}`, "k@null", `k@${v1.VersionId}`]);
  });

  test("ListObjectVersions EncodingType=url encodes Prefix, KeyMarker, NextKeyMarker, Delimiter and keys", async () => {
    const bucket = await bucketWith("Enabled");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "sp ace/a b", Body: "1" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "sp ace/c+d", Body: "2" }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "sp ace/e f", Body: "3" }));
    const res = await raw("GET", `/${bucket}?versions&encoding-type=url&prefix=sp%20ace%2F&key-marker=sp%20ace%2Fa%20b&max-keys=1&delimiter=%20`);
    const body = await res.text();
    assert.equal(res.status, 200, body);
    assert.ok(body.includes("<Prefix>sp%20ace/</Prefix>"), body);
    assert.ok(body.includes("<KeyMarker>sp%20ace/a%20b</KeyMarker>"), body);
    assert.ok(body.includes("<Delimiter>%20</Delimiter>"), body);
    assert.ok(body.includes("<Key>sp%20ace/c%2Bd</Key>"), body);
    assert.ok(body.includes("<NextKeyMarker>sp%20ace/c%2Bd</NextKeyMarker>"), body);
    assert.ok(body.includes("<EncodingType>url</EncodingType>"), body);
  });
});
