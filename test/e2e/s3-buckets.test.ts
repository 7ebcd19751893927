import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { createHash } from "node:crypto";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketCorsCommand,
  DeleteBucketTaggingCommand,
  GetBucketCorsCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketCorsCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutBucketPolicyCommand,
  PutPublicAccessBlockCommand,
  GetBucketPolicyCommand,
  DeleteBucketPolicyCommand,
  PutBucketAccelerateConfigurationCommand,
  GetBucketAccelerateConfigurationCommand,
  PutBucketWebsiteCommand,
  GetBucketWebsiteCommand,
  DeleteBucketWebsiteCommand,
  PutBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  DeleteBucketEncryptionCommand,
  PutBucketLoggingCommand,
  GetBucketLoggingCommand,
  PutBucketRequestPaymentCommand,
  GetBucketRequestPaymentCommand,
} from "@aws-sdk/client-s3";
import { httpRequest, signedHeaders, uniqueName, type TestNimbus } from "./harness.js";
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

describe("S3 buckets", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let other: S3Client;
  let west: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));
  before(() => {
    other = new S3Client({ ...nimbus.clientConfig({ accessKeyId: "111111111111" }), forcePathStyle: true });
    west = new S3Client({ ...nimbus.clientConfig({ region: "eu-west-1" }), forcePathStyle: true });
  });
  after(() => {
    other.destroy();
    west.destroy();
  });

  test("create, head, list, locate and delete a bucket", async () => {
    const name = uniqueName("bkt");
    const created = await s3.send(new CreateBucketCommand({ Bucket: name }));
    assert.deepEqual([created.Location, created.BucketArn], [`/${name}`, `arn:aws:s3:::${name}`]);
    const head = await s3.send(new HeadBucketCommand({ Bucket: name }));
    assert.deepEqual([head.BucketRegion, head.BucketArn], ["us-east-1", `arn:aws:s3:::${name}`]);
    // On the wire, a HEAD of the bucket is typed application/xml, as S3 answers it (buckets.ts).
    const headers = await new Promise<Record<string, unknown>>((resolve, reject) =>
      request({ host: "127.0.0.1", port: nimbus.port, method: "HEAD", path: `/${name}`, headers: signedHeaders("s3") }, (res) => resolve(res.resume().headers)).on("error", reject).end(),
    );
    assert.deepEqual([headers["content-type"], headers["x-amz-bucket-region"]], ["application/xml", "us-east-1"]);
    const list = await s3.send(new ListBucketsCommand({}));
    const entry = list.Buckets?.find((b) => b.Name === name);
    assert.equal(entry?.CreationDate?.toISOString(), "2026-01-15T12:00:00.000Z");
    assert.equal(entry?.BucketRegion, "us-east-1");
    assert.match(list.Owner?.ID ?? "", /^[0-9a-f]{64}$/);
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: name }));
    assert.equal(location.LocationConstraint, undefined);
    const deleted = await s3.send(new DeleteBucketCommand({ Bucket: name }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    const gone = await failure(s3.send(new HeadBucketCommand({ Bucket: name })));
    assert.deepEqual([gone.name, gone.status], ["NotFound", 404]);
  });

  test("a bucket in another region needs a matching LocationConstraint", async () => {
    const name = uniqueName("west");
    // (The SDK itself fills in LocationConstraint from the client region outside us-east-1.)
    const mismatch = await failure(west.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: "eu-central-1" } })));
    assert.deepEqual(
      [mismatch.name, mismatch.message, mismatch.status],
      ["IllegalLocationConstraintException", "The eu-central-1 location constraint is incompatible for the region specific endpoint this request was sent to.", 400],
    );
    const explicitUsEast = await failure(s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: "us-east-1" as never } })));
    assert.deepEqual([explicitUsEast.name, explicitUsEast.message, explicitUsEast.status], ["InvalidLocationConstraint", "The specified location-constraint is not valid", 400]);
    await west.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    const location = await west.send(new GetBucketLocationCommand({ Bucket: name }));
    assert.equal(location.LocationConstraint, "eu-west-1");
    const head = await west.send(new HeadBucketCommand({ Bucket: name }));
    assert.equal(head.BucketRegion, "eu-west-1");
    const again = await failure(west.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })));
    assert.deepEqual(
      [again.name, again.message, again.status, again.error["BucketName"]],
      ["BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409, name],
    );
  });

  // moto's aws_verified test_create_bucket_in_regions_from_us_east_1 and
  // test_create_bucket_with_wrong_location_constraint (a us-west-2 client; us-east-1 among the constraints).
  test("the us-east-1 endpoint creates a bucket in any Region; elsewhere a us-east-1 constraint is a mismatch", async () => {
    const name = uniqueName("from-use1");
    const created = await s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: "eu-central-1" } }));
    assert.equal(created.Location, `http://${name}.s3.eu-central-1.amazonaws.com/`);
    assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint, "eu-central-1");
    const fromWest = await failure(west.send(new CreateBucketCommand({ Bucket: uniqueName("to-use1"), CreateBucketConfiguration: { LocationConstraint: "us-east-1" as never } })));
    assert.deepEqual(
      [fromWest.name, fromWest.message, fromWest.status],
      ["IllegalLocationConstraintException", "The us-east-1 location constraint is incompatible for the region specific endpoint this request was sent to.", 400],
    );
  });

  // aws-sdk-js-v3 features/s3/buckets.feature, "Access bucket following 307 redirects": a bucket created
  // with the location constraint "EU" "should have a location constraint of "EU"" (GetBucketLocation in
  // the API reference: "Buckets with a LocationConstraint of EU reside in eu-west-1").
  // boto3's create_bucket(CreateBucketConfiguration={}) against S3: MalformedXML (getmoto/moto#2210,
  // cloudify-cosmo/cloudify-aws-plugin#475); so was amazonka's empty element (brendanhay/amazonka#81).
  test("an empty CreateBucketConfiguration is MalformedXML", async () => {
    const name = uniqueName("empty-config");
    const err = await failure(s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: {} })));
    assert.deepEqual(
      [err.name, err.message, err.status],
      ["MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400],
    );
    await failure(s3.send(new HeadBucketCommand({ Bucket: name })));
  });

  test("a bucket created with the legacy constraint EU is in eu-west-1, and GetBucketLocation answers EU", async () => {
    const name = uniqueName("legacy-eu");
    await west.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: "EU" } }));
    assert.equal((await west.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint, "EU");
    assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint, "EU");
    assert.equal((await west.send(new HeadBucketCommand({ Bucket: name }))).BucketRegion, "eu-west-1");
    const listed = (await west.send(new ListBucketsCommand({ Prefix: name }))).Buckets?.find((b) => b.Name === name);
    assert.equal(listed?.BucketRegion, "eu-west-1");
  });

  // Row 14 of the study guide's S3 checklist: a bucket is served by its own Region's endpoint only.
  test("a bucket reached through another Region answers 301 PermanentRedirect naming its Region; followRegionRedirects gets through", async () => {
    const name = uniqueName("redirect");
    await west.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    await west.send(new PutObjectCommand({ Bucket: name, Key: "k", Body: "in eu-west-1" }));
    const get = await failure(s3.send(new GetObjectCommand({ Bucket: name, Key: "k" })));
    // The Endpoint is the host the request came to, which serves every Region (s3cmd follows it).
    assert.deepEqual(
      [get.name, get.message, get.status, get.error["Endpoint"], get.error["Bucket"]],
      [
        "PermanentRedirect",
        "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.",
        301,
        new URL(nimbus.url).host,
        name,
      ],
    );
    // A virtual-hosted request is sent back to its own host; one that reached Nimbus under AWS's
    // names (DNS pointed at it) gets AWS's form, the bucket's regional endpoint.
    const endpointFor = async (host: string, path: string) =>
      /<Endpoint>([^<]*)<\/Endpoint>/.exec((await httpRequest(nimbus.port, "GET", path, { host, ...signedHeaders("s3") })).text)?.[1];
    assert.equal(await endpointFor(`${name}.localhost:${nimbus.port}`, "/k"), `${name}.localhost:${nimbus.port}`);
    assert.equal(await endpointFor("s3.us-east-1.amazonaws.com", `/${name}/k`), `${name}.s3.eu-west-1.amazonaws.com`);
    const regionHeader = (e: Record<string, unknown>) => (e["$response"] as { headers: Record<string, string> }).headers["x-amz-bucket-region"];
    assert.equal(regionHeader(get.error), "eu-west-1");
    // A HEAD answer has no body: the status and the header say it all.
    const head = await failure(s3.send(new HeadBucketCommand({ Bucket: name })));
    assert.deepEqual([head.status, regionHeader(head.error)], [301, "eu-west-1"]);
    // Writes are refused before anything is stored.
    const put = await failure(s3.send(new PutObjectCommand({ Bucket: name, Key: "other", Body: "x" })));
    assert.deepEqual([put.name, put.status], ["PermanentRedirect", 301]);
    assert.equal((await failure(west.send(new GetObjectCommand({ Bucket: name, Key: "other" })))).name, "NoSuchKey");
    // GetBucketLocation answers from any Region; a copy may read its source from another Region.
    assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint, "eu-west-1");
    const home = uniqueName("copy-home");
    await s3.send(new CreateBucketCommand({ Bucket: home }));
    await s3.send(new CopyObjectCommand({ Bucket: home, Key: "copy", CopySource: `${name}/k` }));
    // The SDK's own redirect handling reads x-amz-bucket-region and retries in that Region.
    const following = new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true, followRegionRedirects: true });
    try {
      const body = await (await following.send(new GetObjectCommand({ Bucket: name, Key: "k" }))).Body?.transformToString();
      assert.equal(body, "in eu-west-1");
      assert.equal((await following.send(new HeadBucketCommand({ Bucket: name }))).BucketRegion, "eu-west-1");
    } finally {
      following.destroy();
    }
  });

  test("bucket names are checked and global across accounts", async () => {
    for (const bad of ["ab", "Upper-Case", "under_score", "-dash", "dots..dots", "dash-.dot", "dot.-dash", "192.168.5.4", "xn--name", "name-s3alias"]) {
      const err = await failure(s3.send(new CreateBucketCommand({ Bucket: bad })));
      assert.deepEqual([err.name, err.message, err.status, err.error["BucketName"]], ["InvalidBucketName", "The specified bucket is not valid.", 400, bad], bad);
    }
    const name = uniqueName("global");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    // us-east-1 answers 200 to its owner re-creating a bucket (a legacy of the region).
    const again = await s3.send(new CreateBucketCommand({ Bucket: name }));
    assert.equal(again.$metadata.httpStatusCode, 200);
    const taken = await failure(other.send(new CreateBucketCommand({ Bucket: name })));
    assert.deepEqual(
      [taken.name, taken.message, taken.status, taken.error["BucketName"]],
      [
        "BucketAlreadyExists",
        "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
        409,
        name,
      ],
    );
    const denied = await failure(other.send(new PutObjectCommand({ Bucket: name, Key: "k", Body: "x" })));
    assert.deepEqual([denied.name, denied.message, denied.status], ["AccessDenied", "Access Denied", 403]);
    const headDenied = await failure(other.send(new HeadBucketCommand({ Bucket: name })));
    // A HEAD error has no body; the SDK names only 404s (NotFound). HeadBucket tells the Region
    // "regardless of the permissions on the bucket" (HeadBucket, API reference).
    assert.deepEqual([headDenied.name, headDenied.status], ["Unknown", 403]);
    const regionOf = (e: Record<string, unknown>) => (e["$response"] as { headers: Record<string, string> }).headers["x-amz-bucket-region"];
    assert.equal(regionOf(headDenied.error), "us-east-1");
    const notOwner = await failure(s3.send(new HeadBucketCommand({ Bucket: name, ExpectedBucketOwner: "111122223333" })));
    assert.deepEqual([notOwner.status, regionOf(notOwner.error)], [403, "us-east-1"]);
    const missing = await failure(s3.send(new HeadBucketCommand({ Bucket: uniqueName("no-such") })));
    assert.deepEqual([missing.status, regionOf(missing.error)], [404, undefined]);
    const otherList = await other.send(new ListBucketsCommand({}));
    assert.equal(otherList.Buckets?.some((b) => b.Name === name) ?? false, false);
  });

  test("NoSuchBucket and BucketNotEmpty", async () => {
    const missing = uniqueName("missing");
    const err = await failure(s3.send(new GetBucketLocationCommand({ Bucket: missing })));
    assert.deepEqual([err.name, err.message, err.status, err.error["BucketName"]], ["NoSuchBucket", "The specified bucket does not exist", 404, missing]);
    const del = await failure(s3.send(new DeleteBucketCommand({ Bucket: missing })));
    assert.deepEqual([del.name, del.status], ["NoSuchBucket", 404]);

    const name = uniqueName("full");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutObjectCommand({ Bucket: name, Key: "k", Body: "x" }));
    const full = await failure(s3.send(new DeleteBucketCommand({ Bucket: name })));
    assert.deepEqual([full.name, full.message, full.status, full.error["BucketName"]], ["BucketNotEmpty", "The bucket you tried to delete is not empty", 409, name]);

    // A multipart upload in progress does not keep a bucket from being deleted: it goes with it.
    const uploads = uniqueName("uploads");
    await s3.send(new CreateBucketCommand({ Bucket: uploads }));
    const mpu = await s3.send(new CreateMultipartUploadCommand({ Bucket: uploads, Key: "k" }));
    await s3.send(new UploadPartCommand({ Bucket: uploads, Key: "k", UploadId: mpu.UploadId, PartNumber: 1, Body: "part" }));
    await s3.send(new DeleteBucketCommand({ Bucket: uploads }));
    await s3.send(new CreateBucketCommand({ Bucket: uploads }));
    assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: uploads }))).Uploads, undefined, "the recreated bucket has no upload");
    assert.equal((await failure(s3.send(new ListPartsCommand({ Bucket: uploads, Key: "k", UploadId: mpu.UploadId })))).name, "NoSuchUpload");
    await s3.send(new DeleteBucketCommand({ Bucket: uploads }));
  });

  // S3's GET Service sample response opens with the Owner; the AWS SDK for Java v1, JetS3t and
  // libs3 give each Bucket the Owner read before it.
  test("ListBuckets writes the Owner before the Buckets, as S3 does", async () => {
    const name = uniqueName("order");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const reply = await httpRequest(nimbus.port, "GET", `/?prefix=${name}`, { ...signedHeaders("s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD" });
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.text, new RegExp(`<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>[0-9a-f]{64}</ID></Owner><Buckets><Bucket><Name>${name}</Name>`));
  });

  test("ListBuckets pages with MaxBuckets and a continuation token, filters by prefix", async () => {
    const prefix = uniqueName("page");
    for (const suffix of ["a", "b", "c"]) await s3.send(new CreateBucketCommand({ Bucket: `${prefix}-${suffix}` }));
    const first = await s3.send(new ListBucketsCommand({ Prefix: prefix, MaxBuckets: 2 }));
    assert.deepEqual(first.Buckets?.map((b) => b.Name), [`${prefix}-a`, `${prefix}-b`]);
    assert.equal(first.Prefix, prefix);
    assert.ok(first.ContinuationToken);
    const second = await s3.send(new ListBucketsCommand({ Prefix: prefix, MaxBuckets: 2, ContinuationToken: first.ContinuationToken }));
    assert.deepEqual(second.Buckets?.map((b) => b.Name), [`${prefix}-c`]);
    assert.equal(second.ContinuationToken, undefined);
  });

  // LocalStack's AWS-recorded test_list_buckets_region_validation (bad-region): 400 InvalidArgument,
  // ArgumentName bucket-region, no ArgumentValue.
  test("ListBuckets refuses a BucketRegion that is not a Region, and filters by one that is", async () => {
    const bad = await failure(s3.send(new ListBucketsCommand({ BucketRegion: "not_a_region" })));
    assert.deepEqual(
      [bad.name, bad.message, bad.status, bad.error["ArgumentName"], bad.error["ArgumentValue"]],
      ["InvalidArgument", "Argument value not_a_region is not a valid AWS Region", 400, "bucket-region", undefined],
    );
    const name = uniqueName("by-region");
    await west.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    const listed = await s3.send(new ListBucketsCommand({ Prefix: name, BucketRegion: "eu-west-1" }));
    assert.deepEqual(listed.Buckets?.map((b) => [b.Name, b.BucketRegion]), [[name, "eu-west-1"]]);
    assert.deepEqual((await s3.send(new ListBucketsCommand({ Prefix: name, BucketRegion: "us-west-2" }))).Buckets, []);
  });

  test("versioning configuration", async () => {
    const name = uniqueName("ver");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const initial = await s3.send(new GetBucketVersioningCommand({ Bucket: name }));
    assert.equal(initial.Status, undefined);
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, "Enabled");
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Suspended" } }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, "Suspended");
    // AWS, as recorded in LocalStack's test_bucket_versioning_crud snapshot (put-versioning-empty).
    const empty = await failure(s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: {} })));
    assert.deepEqual([empty.name, empty.message, empty.status], ["IllegalVersioningConfigurationException", "The Versioning element must be specified", 400]);
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, "Suspended");
  });

  // AWS's answers recorded in dyus/meeseeks-s3 (tests/put_bucket_versioning/golden:
  // test_empty_status_element, test_enabled_with_empty_mfa_delete).
  test("PutBucketVersioning takes an empty Status or MfaDelete as one left out", async () => {
    const name = uniqueName("ver-empty");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const empty = await failure(s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "" as "Enabled" } })));
    assert.deepEqual([empty.name, empty.message, empty.status], ["IllegalVersioningConfigurationException", "The Versioning element must be specified", 400]);
    await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled", MFADelete: "" as "Disabled" } }));
    const after = await s3.send(new GetBucketVersioningCommand({ Bucket: name }));
    assert.deepEqual([after.Status, after.MFADelete], ["Enabled", undefined]);
  });

  // AWS's answers recorded in dyus/meeseeks-s3 (tests/put_bucket_versioning/golden:
  // test_oversized_xml_comment_padded[1MB_exact], [1MB_plus_1]).
  test("PutBucketVersioning refuses a body past 1,024 bytes as MaxMessageLengthExceeded", async () => {
    const name = uniqueName("ver-big");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const padded = (size: number) => {
      const head = `<?xml version="1.0" encoding="UTF-8"?>\n<!-- `;
      const tail = ` -->\n<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>`;
      return head + "x".repeat(size - head.length - tail.length) + tail;
    };
    const put = (body: string) => httpRequest(nimbus.port, "PUT", `/${name}?versioning`, { ...signedHeaders("s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, body);
    for (const size of [1025, 1048576]) {
      const reply = await put(padded(size));
      assert.equal(reply.status, 400);
      assert.match(reply.text, /<Code>MaxMessageLengthExceeded<\/Code><Message>Your request was too big.<\/Message><MaxMessageLengthBytes>1024<\/MaxMessageLengthBytes>/);
    }
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, undefined);
    assert.equal((await put(padded(1024))).status, 200);
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, "Enabled");
  });

  // AWS's answer recorded in dyus/meeseeks-s3 (tests/put_bucket_versioning/golden/TestPutBucketVersioningMalformedBody.test_empty_body).
  test("PutBucketVersioning without a body is MissingRequestBodyError", async () => {
    const name = uniqueName("ver-nobody");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const reply = await httpRequest(nimbus.port, "PUT", `/${name}?versioning`, { ...signedHeaders("s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-type": "application/xml", "content-length": "0" }, "");
    assert.equal(reply.status, 400);
    assert.match(reply.text, /<Error><Code>MissingRequestBodyError<\/Code><Message>Request Body is empty<\/Message><RequestId>/);
  });

  // AWS's answer recorded in dyus/meeseeks-s3 (tests/put_bucket_versioning/golden/TestPutBucketVersioningContentMD5.test_wrong_content_md5_rejected).
  test("PutBucketVersioning with a wrong Content-MD5 is BadDigest naming the calculated digest, then the expected one", async () => {
    const name = uniqueName("ver-md5");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const body = `<?xml version="1.0" encoding="UTF-8"?><VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>`;
    const headers = { ...signedHeaders("s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-type": "application/xml", "content-md5": "AWECFBhmZGwRrNUBtwbEEg==" };
    const reply = await httpRequest(nimbus.port, "PUT", `/${name}?versioning`, headers, body);
    assert.equal(reply.status, 400);
    assert.match(
      reply.text,
      /<Error><Code>BadDigest<\/Code><Message>The Content-MD5 you specified did not match what we received.<\/Message><CalculatedDigest>IjhtHf5gnkMYmEeiwoaHWg==<\/CalculatedDigest><ExpectedDigest>AWECFBhmZGwRrNUBtwbEEg==<\/ExpectedDigest><RequestId>/,
    );
  });

  // AWS's answers recorded in dyus/meeseeks-s3 (tests/put_bucket_versioning/golden:
  // test_unknown_extra_element, test_duplicate_status_elements, test_wrong_root_element).
  test("PutBucketVersioning refuses an unknown or repeated element as MalformedXML, whatever its root is named", async () => {
    const name = uniqueName("ver-schema");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const ns = `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`;
    const put = (body: string) => httpRequest(nimbus.port, "PUT", `/${name}?versioning`, { ...signedHeaders("s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-type": "application/xml" }, body);
    for (const body of [
      `<VersioningConfiguration ${ns}><Status>Enabled</Status><Foo>bar</Foo></VersioningConfiguration>`,
      `<VersioningConfiguration ${ns}><Status>Enabled</Status><Status>Suspended</Status></VersioningConfiguration>`,
    ]) {
      const reply = await put(body);
      assert.equal(reply.status, 400, body);
      assert.match(reply.text, /<Code>MalformedXML<\/Code><Message>The XML you provided was not well-formed or did not validate against our published schema<\/Message>/);
    }
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, undefined);
    assert.equal((await put(`<?xml version="1.0"?><Delete><Status>Enabled</Status></Delete>`)).status, 200);
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: name }))).Status, "Enabled");
    // A document that is not UTF-8 does not parse: decoding had put U+FFFD where the bytes were.
    const tagging = Buffer.concat([Buffer.from(`<Tagging ${ns}><TagSet><Tag><Key>k</Key><Value>caf`), Buffer.from([0xe9]), Buffer.from("</Value></Tag></TagSet></Tagging>")]);
    const latin1 = await httpRequest(nimbus.port, "PUT", `/${name}?tagging`, { ...signedHeaders("s3"), "x-amz-content-sha256": "UNSIGNED-PAYLOAD", "content-type": "application/xml", "content-md5": createHash("md5").update(tagging).digest("base64") }, tagging);
    assert.equal(latin1.status, 400);
    assert.match(latin1.text, /<Code>MalformedXML<\/Code>/);
  });

  test("bucket tagging", async () => {
    const name = uniqueName("tags");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const none = await failure(s3.send(new GetBucketTaggingCommand({ Bucket: name })));
    assert.deepEqual([none.name, none.message, none.status, none.error["BucketName"]], ["NoSuchTagSet", "The TagSet does not exist", 404, name]);
    // 204 No Content, as AWS answers (LocalStack's AWS-validated test_bucket_tagging_crud snapshot).
    const put = await s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "a + b" }] } }));
    assert.equal(put.$metadata.httpStatusCode, 204);
    const tags = await s3.send(new GetBucketTaggingCommand({ Bucket: name }));
    assert.deepEqual(tags.TagSet, [{ Key: "env", Value: "dev" }, { Key: "team", Value: "a + b" }]);
    const dup = await failure(s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: "a", Value: "1" }, { Key: "a", Value: "2" }] } })));
    assert.deepEqual([dup.name, dup.message, dup.status], ["InvalidTag", "Cannot provide multiple Tags with the same key", 400]);
    // AWS (moto's AWS-verified test_put_bucket_tagging): the aws: prefix is reserved; elsewhere in a key it is fine.
    const system = await failure(s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: "aws:sometag", Value: "nope" }] } })));
    assert.deepEqual([system.name, system.message, system.status], ["InvalidTag", "System tags cannot be added/updated by requester", 400]);
    await s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: "something:aws:stuff", Value: "this is fine" }] } }));
    const deleted = await s3.send(new DeleteBucketTaggingCommand({ Bucket: name }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    assert.equal((await failure(s3.send(new GetBucketTaggingCommand({ Bucket: name })))).name, "NoSuchTagSet");
  });

  test("a <Tagging> without a TagSet, or with an empty one, removes the bucket's or the object's tags", async () => {
    // LocalStack's AWS-validated test_put_bucket_tagging_none_value and
    // test_put_object_tagging_none_value (no TagSet element: boto3 leaves a None out), and
    // test_put_object_tagging_empty_list (<TagSet/>); moto's AWS-verified test_get_bucket_tagging.
    const name = uniqueName("tags-none");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutObjectCommand({ Bucket: name, Key: "k", Body: "x" }));
    for (const Tagging of [{}, { TagSet: [] }]) {
      await s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: { TagSet: [{ Key: "env", Value: "dev" }] } }));
      // The v3 client sends <Tagging xmlns="..."></Tagging> for a Tagging without TagSet.
      const put = await s3.send(new PutBucketTaggingCommand({ Bucket: name, Tagging: Tagging as { TagSet: [] } }));
      assert.equal(put.$metadata.httpStatusCode, 204);
      const none = await failure(s3.send(new GetBucketTaggingCommand({ Bucket: name })));
      assert.deepEqual([none.name, none.message, none.status], ["NoSuchTagSet", "The TagSet does not exist", 404]);
      await s3.send(new PutObjectTaggingCommand({ Bucket: name, Key: "k", Tagging: { TagSet: [{ Key: "env", Value: "dev" }] } }));
      const object = await s3.send(new PutObjectTaggingCommand({ Bucket: name, Key: "k", Tagging: Tagging as { TagSet: [] } }));
      assert.equal(object.$metadata.httpStatusCode, 200);
      assert.deepEqual((await s3.send(new GetObjectTaggingCommand({ Bucket: name, Key: "k" }))).TagSet, []);
    }
  });

  test("tags given at CreateBucket are the bucket's tags, checked as PutBucketTagging checks them", async () => {
    const name = uniqueName("create-tags");
    await s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { Tags: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "a + b" }] } }));
    assert.deepEqual((await s3.send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet, [{ Key: "env", Value: "dev" }, { Key: "team", Value: "a + b" }]);
    const refused = uniqueName("create-tags-bad");
    const system = await failure(s3.send(new CreateBucketCommand({ Bucket: refused, CreateBucketConfiguration: { Tags: [{ Key: "aws:sometag", Value: "nope" }] } })));
    assert.deepEqual([system.name, system.message, system.status], ["InvalidTag", "System tags cannot be added/updated by requester", 400]);
    // Nothing was created by the refused request.
    assert.equal((await failure(s3.send(new HeadBucketCommand({ Bucket: refused })))).status, 404);
  });

  // Account regional namespaces (S3 User Guide, "Namespaces for general purpose buckets", March 2026).
  test("account regional namespace: the name carries the caller's account and Region, which no global name may", async () => {
    const prefix = uniqueName("ns").slice(0, 30);
    const mine = `${prefix}-000000000000-us-east-1-an`;
    const created = await s3.send(new CreateBucketCommand({ Bucket: mine, BucketNamespace: "account-regional" }));
    assert.equal(created.Location, `/${mine}`);
    await s3.send(new PutObjectCommand({ Bucket: mine, Key: "k", Body: "x" }));
    // Re-created by its owner: 409 even in us-east-1, unlike a global bucket.
    const again = await failure(s3.send(new CreateBucketCommand({ Bucket: mine, BucketNamespace: "account-regional" })));
    assert.deepEqual([again.name, again.status], ["BucketAlreadyOwnedByYou", 409]);
    // Another account's suffix, or another Region's, is not the caller's to use.
    for (const name of [`${prefix}-111111111111-us-east-1-an`, `${prefix}-000000000000-eu-west-1-an`, "-000000000000-us-east-1-an".slice(1)]) {
      const wrong = await failure(s3.send(new CreateBucketCommand({ Bucket: name, BucketNamespace: "account-regional" })));
      assert.deepEqual([wrong.name, wrong.message, wrong.status], ["InvalidBucketName", "The specified bucket is not valid.", 400], name);
    }
    // The us-east-1 endpoint creates a bucket in any Region: an eu-west-1 suffix with an eu-west-1 constraint.
    const west = `${prefix}-000000000000-eu-west-1-an`;
    const westCreated = await s3.send(new CreateBucketCommand({ Bucket: west, BucketNamespace: "account-regional", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } }));
    // Its Location is the path, as for any account regional bucket, not a global endpoint URL.
    assert.equal(westCreated.Location, `/${west}`);
    assert.equal((await s3.send(new GetBucketLocationCommand({ Bucket: west }))).LocationConstraint, "eu-west-1");
    // The global namespace takes no name with an account regional suffix, the caller's or anyone's.
    for (const client of [s3, other]) {
      const global = await failure(client.send(new CreateBucketCommand({ Bucket: `${prefix}2-000000000000-us-east-1-an` })));
      assert.deepEqual(
        [global.name, global.message, global.status],
        ["InvalidBucketName", "General purpose buckets created in the global namespace must not include an account Regional namespace suffix in their names.", 400],
      );
    }
    const unknown = await failure(s3.send(new CreateBucketCommand({ Bucket: uniqueName("ns-bad"), BucketNamespace: "galactic" as never })));
    assert.deepEqual([unknown.name, unknown.status], ["InvalidArgument", 400]);
  });

  test("CORS configuration is validated, stored and returned", async () => {
    const name = uniqueName("cors");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const none = await failure(s3.send(new GetBucketCorsCommand({ Bucket: name })));
    assert.deepEqual([none.name, none.message, none.status, none.error["BucketName"]], ["NoSuchCORSConfiguration", "The CORS configuration does not exist", 404, name]);
    const rules = [
      { ID: "web", AllowedOrigins: ["https://*.example.com"], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 300 },
      { AllowedOrigins: ["*"], AllowedMethods: ["GET"] },
    ];
    await s3.send(new PutBucketCorsCommand({ Bucket: name, CORSConfiguration: { CORSRules: rules } }));
    const got = await s3.send(new GetBucketCorsCommand({ Bucket: name }));
    assert.deepEqual(got.CORSRules, rules);
    const bad = await failure(s3.send(new PutBucketCorsCommand({ Bucket: name, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["*"], AllowedMethods: ["PATCH"] }] } })));
    assert.deepEqual([bad.name, bad.message, bad.status], ["InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is PATCH", 400]);
    // An expose header is answered as it is in Access-Control-Expose-Headers: a line break in one
    // is refused, and the configuration in place stays.
    const expose = await failure(s3.send(new PutBucketCorsCommand({ Bucket: name, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["*"], AllowedMethods: ["GET"], ExposeHeaders: ["x-a\ny"] }] } })));
    assert.deepEqual([expose.name, expose.message, expose.status], ["InvalidRequest", 'ExposeHeader "x-a\ny" contains invalid character.', 400]);
    assert.deepEqual((await s3.send(new GetBucketCorsCommand({ Bucket: name }))).CORSRules, rules);
    await s3.send(new DeleteBucketCorsCommand({ Bucket: name }));
    assert.equal((await failure(s3.send(new GetBucketCorsCommand({ Bucket: name })))).name, "NoSuchCORSConfiguration");
  });

  test("CORS is acted on: preflight OPTIONS answered by the rules, headers on responses", async () => {
    const name = uniqueName("cors-live");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutObjectCommand({ Bucket: name, Key: "page.html", Body: "<p>hi</p>" }));
    const preflight = (origin: string, method: string) =>
      fetch(`${nimbus.url}/${name}/page.html`, { method: "OPTIONS", headers: { origin, "access-control-request-method": method, "access-control-request-headers": "content-type" } });
    const disabled = await preflight("https://app.example.com", "GET");
    assert.equal(disabled.status, 403);
    assert.match(await disabled.text(), /<Code>AccessForbidden<\/Code><Message>CORSResponse: CORS is not enabled for this bucket.<\/Message>/);

    await s3.send(
      new PutBucketCorsCommand({
        Bucket: name,
        CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["https://*.example.com"], AllowedMethods: ["GET", "PUT"], AllowedHeaders: ["*"], ExposeHeaders: ["ETag"], MaxAgeSeconds: 300 }] },
      }),
    );
    const ok = await preflight("https://app.example.com", "PUT");
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.match(ok.headers.get("access-control-allow-methods") ?? "", /PUT/);
    assert.equal(ok.headers.get("access-control-max-age"), "300");

    const refused = await preflight("https://evil.test", "GET");
    assert.equal(refused.status, 403);
    assert.match(await refused.text(), /<Code>AccessForbidden<\/Code>/);

    const get = await fetch(`${nimbus.url}/${name}/page.html`, { headers: { origin: "https://app.example.com", ...signedHeaders("s3") } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.match(get.headers.get("access-control-expose-headers") ?? "", /ETag/);
    assert.equal(await get.text(), "<p>hi</p>");
    // S3's own request-id headers, not the x-amzn-RequestId of the JSON and query services.
    assert.match(get.headers.get("x-amz-request-id") ?? "", /^[0-9A-F]{16}$/);
    assert.match(get.headers.get("x-amz-id-2") ?? "", /^[A-Za-z0-9+/]+=*$/);
    assert.equal(get.headers.get("x-amzn-requestid"), null);
  });

  test("CORS: a preflight to a missing bucket is 'Bucket not found'; an actual request's error carries the rule's headers", async () => {
    // LocalStack's test_cors_http_options_non_existent_bucket, recorded against S3.
    const nowhere = await fetch(`${nimbus.url}/${uniqueName("cors-none")}/k`, { method: "OPTIONS", headers: { origin: "https://app.example.com", "access-control-request-method": "GET" } });
    assert.equal(nowhere.status, 403);
    assert.match(await nowhere.text(), /<Code>AccessForbidden<\/Code><Message>CORSResponse: Bucket not found<\/Message><Method>GET<\/Method><ResourceType>BUCKET<\/ResourceType>/);

    // ceph s3-tests test_cors_origin_response (not fails_on_aws): a GET of a missing key from an
    // allowed origin is 404 with the CORS headers, so a browser can read the error.
    const name = uniqueName("cors-err");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutBucketCorsCommand({ Bucket: name, CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["https://*.example.com"], AllowedMethods: ["GET"] }] } }));
    const missing = await fetch(`${nimbus.url}/${name}/absent`, { headers: { origin: "https://app.example.com", ...signedHeaders("s3") } });
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /<Code>NoSuchKey<\/Code>/);
    assert.equal(missing.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.equal(missing.headers.get("access-control-allow-methods"), "GET");
    assert.equal(missing.headers.get("access-control-allow-credentials"), "true");
    assert.equal(missing.headers.get("vary"), "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
    // An origin no rule allows gets no CORS headers on the error either.
    const foreign = await fetch(`${nimbus.url}/${name}/absent`, { headers: { origin: "https://evil.test", ...signedHeaders("s3") } });
    assert.equal(foreign.status, 404);
    await foreign.text();
    assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  });

  // scality/cloudserver's corsHeaders.js (run against AWS): every bucket operation sent with an
  // allowed Origin answers with the rule's headers, PutBucketCors and DeleteBucketCors too, by
  // the configuration they replace or remove; DeleteBucket by the one it deletes with the bucket.
  test("CORS: PutBucketCors, DeleteBucketCors and DeleteBucket answer with the headers of the configuration they found", async () => {
    const origin = "https://app.example.com";
    const all = { CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ["GET", "PUT", "HEAD", "POST", "DELETE"] }] };
    const client = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true });
    let seen: Record<string, string> = {};
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers["origin"] = origin;
        try {
          const result = await next(args);
          seen = (result.response as { headers: Record<string, string> }).headers;
          return result;
        } catch (err) {
          seen = (err as { $response?: { headers: Record<string, string> } }).$response?.headers ?? {};
          throw err;
        }
      },
      { step: "finalizeRequest", name: "originAndHeaders", priority: "high" },
    );
    const expected = {
      "access-control-allow-origin": origin,
      "access-control-allow-methods": "GET, PUT, HEAD, POST, DELETE",
      "access-control-allow-credentials": "true",
      vary: "Origin, Access-Control-Request-Headers, Access-Control-Request-Method",
    };
    const corsHeaders = () => Object.fromEntries(Object.keys(expected).map((k) => [k, seen[k]]));
    try {
      const name = uniqueName("cors-change");
      await s3.send(new CreateBucketCommand({ Bucket: name }));
      await s3.send(new PutBucketCorsCommand({ Bucket: name, CORSConfiguration: all }));
      await client.send(new PutBucketCorsCommand({ Bucket: name, CORSConfiguration: { CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ["PUT"] }] } }));
      assert.deepEqual(corsHeaders(), expected);
      await s3.send(new PutBucketCorsCommand({ Bucket: name, CORSConfiguration: all }));
      await client.send(new DeleteBucketCorsCommand({ Bucket: name }));
      assert.deepEqual(corsHeaders(), expected);
      await s3.send(new PutBucketCorsCommand({ Bucket: name, CORSConfiguration: all }));
      await client.send(new DeleteBucketCommand({ Bucket: name }));
      assert.deepEqual(corsHeaders(), expected);
      // Afterwards there is no bucket, and no rule to answer by.
      await client.send(new GetBucketLocationCommand({ Bucket: name })).catch(() => undefined);
      assert.equal(seen["access-control-allow-origin"], undefined);
    } finally {
      client.destroy();
    }
  });

  test("bucket policy is validated, stored and deleted", async () => {
    const name = uniqueName("policy");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    const none = await failure(s3.send(new GetBucketPolicyCommand({ Bucket: name })));
    assert.deepEqual([none.name, none.message, none.status, none.error["BucketName"]], ["NoSuchBucketPolicy", "The bucket policy does not exist", 404, name]);
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Sid: "Public", Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${name}/*`] }],
    });
    // A new bucket blocks public policies (BlockPublicPolicy), as S3 does since April 2023.
    const blocked = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: policy })));
    assert.deepEqual(
      [blocked.name, blocked.status, blocked.message],
      [
        "AccessDenied",
        403,
        `User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutBucketPolicy on resource: "arn:aws:s3:::${name}" because public policies are prevented by the BlockPublicPolicy setting in S3 Block Public Access.`,
      ],
    );
    const own = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "s3:GetObject", Resource: `arn:aws:s3:::${name}/*` }] });
    await s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: own }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: name, PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true } }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: policy }));
    assert.equal((await s3.send(new GetBucketPolicyCommand({ Bucket: name }))).Policy, policy);
    const notJson = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: "file://policy.json" })));
    assert.deepEqual([notJson.name, notJson.message, notJson.status], ["MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'", 400]);
    const otherBucket = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::someone-else/*" }] });
    const resource = await failure(s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: otherBucket })));
    assert.deepEqual([resource.name, resource.message], ["MalformedPolicy", "Policy has invalid resource"]);
    const deleted = await s3.send(new DeleteBucketPolicyCommand({ Bucket: name }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    assert.equal((await failure(s3.send(new GetBucketPolicyCommand({ Bucket: name })))).name, "NoSuchBucketPolicy");
  });

  test("transfer acceleration, website and default encryption settings", async () => {
    const name = uniqueName("settings");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    assert.equal((await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: name }))).Status, undefined);
    await s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket: name, AccelerateConfiguration: { Status: "Enabled" } }));
    assert.equal((await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: name }))).Status, "Enabled");
    // Once set, acceleration is Enabled or Suspended: there is no way back to "never set".
    await s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket: name, AccelerateConfiguration: { Status: "Suspended" } }));
    assert.equal((await s3.send(new GetBucketAccelerateConfigurationCommand({ Bucket: name }))).Status, "Suspended");
    const unset = await failure(s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket: name, AccelerateConfiguration: { Status: "Disabled" as never } })));
    assert.deepEqual([unset.name, unset.status], ["MalformedXML", 400]);
    const dotted = `${uniqueName("dotted")}.example`;
    await s3.send(new CreateBucketCommand({ Bucket: dotted }));
    const periods = await failure(s3.send(new PutBucketAccelerateConfigurationCommand({ Bucket: dotted, AccelerateConfiguration: { Status: "Enabled" } })));
    assert.deepEqual(
      [periods.name, periods.message, periods.status],
      ["InvalidRequest", "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names", 400],
    );

    const noSite = await failure(s3.send(new GetBucketWebsiteCommand({ Bucket: name })));
    assert.deepEqual(
      [noSite.name, noSite.message, noSite.status],
      ["NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration", 404],
    );
    await s3.send(new PutBucketWebsiteCommand({ Bucket: name, WebsiteConfiguration: { IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "error.html" } } }));
    const site = await s3.send(new GetBucketWebsiteCommand({ Bucket: name }));
    assert.deepEqual([site.IndexDocument, site.ErrorDocument], [{ Suffix: "index.html" }, { Key: "error.html" }]);
    const badSuffix = await failure(s3.send(new PutBucketWebsiteCommand({ Bucket: name, WebsiteConfiguration: { IndexDocument: { Suffix: "a/index.html" } } })));
    assert.deepEqual([badSuffix.name, badSuffix.message], ["InvalidArgument", "The IndexDocument Suffix is not well formed"]);
    await s3.send(new DeleteBucketWebsiteCommand({ Bucket: name }));
    assert.equal((await failure(s3.send(new GetBucketWebsiteCommand({ Bucket: name })))).name, "NoSuchWebsiteConfiguration");

    const defaults = await s3.send(new GetBucketEncryptionCommand({ Bucket: name }));
    // SSE-S3, and SSE-C writes blocked (every new bucket since April 2026).
    const blocked = { EncryptionType: ["SSE-C" as const] };
    assert.deepEqual(defaults.ServerSideEncryptionConfiguration?.Rules, [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" }, BucketKeyEnabled: false, BlockedEncryptionTypes: blocked }]);
    const kms = { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "aws:kms" as const, KMSMasterKeyID: "alias/my-key" }, BucketKeyEnabled: true }] };
    await s3.send(new PutBucketEncryptionCommand({ Bucket: name, ServerSideEncryptionConfiguration: kms }));
    // A rule that does not name the blocked types keeps the bucket's.
    const kmsRule = { ...kms.Rules[0], BlockedEncryptionTypes: blocked };
    assert.deepEqual((await s3.send(new GetBucketEncryptionCommand({ Bucket: name }))).ServerSideEncryptionConfiguration, { Rules: [kmsRule] });
    const unblocked = { Rules: [{ ...kms.Rules[0], BlockedEncryptionTypes: { EncryptionType: ["NONE" as const] } }] };
    await s3.send(new PutBucketEncryptionCommand({ Bucket: name, ServerSideEncryptionConfiguration: unblocked }));
    assert.deepEqual((await s3.send(new GetBucketEncryptionCommand({ Bucket: name }))).ServerSideEncryptionConfiguration, unblocked);
    await s3.send(new PutBucketEncryptionCommand({ Bucket: name, ServerSideEncryptionConfiguration: kms }));
    assert.deepEqual((await s3.send(new GetBucketEncryptionCommand({ Bucket: name }))).ServerSideEncryptionConfiguration, unblocked);
    const badType = await failure(
      s3.send(new PutBucketEncryptionCommand({ Bucket: name, ServerSideEncryptionConfiguration: { Rules: [{ ...kms.Rules[0], BlockedEncryptionTypes: { EncryptionType: ["SSE-KMS" as never] } }] } })),
    );
    assert.deepEqual([badType.name, badType.status], ["MalformedXML", 400]);
    await s3.send(new DeleteBucketEncryptionCommand({ Bucket: name }));
    assert.deepEqual((await s3.send(new GetBucketEncryptionCommand({ Bucket: name }))).ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, "AES256");
  });

  test("x-amz-expected-bucket-owner must name the bucket's owner", async () => {
    const name = uniqueName("owner");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new PutObjectCommand({ Bucket: name, Key: "k", Body: "x", ExpectedBucketOwner: "000000000000" }));
    const wrong = await failure(s3.send(new PutObjectCommand({ Bucket: name, Key: "k", Body: "x", ExpectedBucketOwner: "111111111111" })));
    assert.deepEqual([wrong.name, wrong.message, wrong.status], ["AccessDenied", "Access Denied", 403]);
    const location = await failure(s3.send(new GetBucketLocationCommand({ Bucket: name, ExpectedBucketOwner: "222222222222" })));
    assert.deepEqual([location.name, location.status], ["AccessDenied", 403]);
    // A value that is no account ID is a 400 of its own, whether or not the bucket exists.
    for (const [bucket, owner] of [[name, "abc"], [name, "0000000000000"], [uniqueName("absent"), "not-an-account"]] as const) {
      const malformed = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "k", ExpectedBucketOwner: owner })));
      assert.deepEqual(
        [malformed.name, malformed.message, malformed.status],
        ["InvalidBucketOwnerAWSAccountID", `The value of the expected bucket owner parameter must be an AWS Account ID... [${owner}]`, 400],
      );
    }
  });

  test("an account holds at most 10,000 buckets", async () => {
    // Fill the account's quota directly in the database: 10,000 CreateBucket calls would only be slow.
    const account = "333333333333";
    const insert = nimbus.state.db.prepare("INSERT INTO s3_buckets (name, account_id, region, created_at) VALUES (?, ?, 'us-east-1', 0)");
    nimbus.state.transaction(() => {
      for (let i = 0; i < 10_000; i++) insert.run(`quota-${account}-${i}`, account);
    });
    const client = new S3Client({ ...nimbus.clientConfig({ accessKeyId: account }), forcePathStyle: true });
    try {
      const err = await failure(client.send(new CreateBucketCommand({ Bucket: uniqueName("one-too-many") })));
      assert.deepEqual([err.name, err.message, err.status], ["TooManyBuckets", "You have attempted to create more buckets than allowed", 400]);
    } finally {
      client.destroy();
    }
  });

  test("server access logging targets and requester pays", async () => {
    const name = uniqueName("logged");
    const target = uniqueName("logs");
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    await s3.send(new CreateBucketCommand({ Bucket: target }));
    assert.equal((await s3.send(new GetBucketLoggingCommand({ Bucket: name }))).LoggingEnabled, undefined);
    const missing = await failure(s3.send(new PutBucketLoggingCommand({ Bucket: name, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: uniqueName("nope"), TargetPrefix: "x/" } } })));
    assert.deepEqual([missing.name, missing.message, missing.status], ["InvalidTargetBucketForLogging", "The target bucket for logging does not exist", 400]);
    // A target in another region: AWS's code has a double t, the message a trailing space, and a
    // source in us-east-1 goes unnamed (LocalStack's AWS-recorded test_put_bucket_logging_cross_locations).
    const westTarget = uniqueName("west-logs");
    const westSource = uniqueName("west-logged");
    await west.send(new CreateBucketCommand({ Bucket: westTarget }));
    const central = new S3Client({ ...nimbus.clientConfig({ region: "eu-central-1" }), forcePathStyle: true });
    try {
      await central.send(new CreateBucketCommand({ Bucket: westSource }));
      const fromEast = await failure(s3.send(new PutBucketLoggingCommand({ Bucket: name, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: westTarget, TargetPrefix: "x/" } } })));
      assert.deepEqual([fromEast.name, fromEast.message, fromEast.status], ["CrossLocationLoggingProhibitted", "Cross S3 location logging not allowed. ", 403]);
      assert.equal(fromEast.error["TargetBucketLocation"], "eu-west-1");
      assert.equal(fromEast.error["SourceBucketLocation"], undefined);
      const fromCentral = await failure(central.send(new PutBucketLoggingCommand({ Bucket: westSource, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: westTarget, TargetPrefix: "x/" } } })));
      assert.equal(fromCentral.name, "CrossLocationLoggingProhibitted");
      assert.deepEqual([fromCentral.error["SourceBucketLocation"], fromCentral.error["TargetBucketLocation"]], ["eu-central-1", "eu-west-1"]);
    } finally {
      central.destroy();
    }
    await s3.send(new PutBucketLoggingCommand({ Bucket: name, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: target, TargetPrefix: "access/" } } }));
    assert.deepEqual((await s3.send(new GetBucketLoggingCommand({ Bucket: name }))).LoggingEnabled, { TargetBucket: target, TargetPrefix: "access/" });
    await s3.send(new PutBucketLoggingCommand({ Bucket: name, BucketLoggingStatus: {} }));
    assert.equal((await s3.send(new GetBucketLoggingCommand({ Bucket: name }))).LoggingEnabled, undefined);

    assert.equal((await s3.send(new GetBucketRequestPaymentCommand({ Bucket: name }))).Payer, "BucketOwner");
    await s3.send(new PutBucketRequestPaymentCommand({ Bucket: name, RequestPaymentConfiguration: { Payer: "Requester" } }));
    assert.equal((await s3.send(new GetBucketRequestPaymentCommand({ Bucket: name }))).Payer, "Requester");
  });
});
