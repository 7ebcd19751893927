/**
 * Nimbus driven by fog-aws (Debian's ruby-fog-aws, 3.15), the Ruby library under CarrierWave and
 * many deployment tools, with signatures enforced. fog signs with its own SigV4 (or SigV2) code,
 * sends the query as Excon form-encodes it (a space as "+"), parses XML with its own SAX parsers,
 * streams IO bodies as aws-chunked, runs its own multipart uploads and escapes keys itself; its
 * DynamoDB client signs with an ISO 8601 Date header. The scripts in fog/ print what they saw as
 * one JSON object.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { TEST_SECRET_ACCESS_KEY, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { startClientNimbus } from "./support.js";
import { scriptJson } from "../compat/tools.js";

// Compiled to dist/test/clients; the scripts stay in the source tree.
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), "../../../test/clients/fog");
const FOG = spawnSync("ruby", ["-e", 'require "fog/aws"'], { stdio: "ignore" }).status === 0;
const SKIP = FOG ? false : "ruby with fog-aws (ruby-fog-aws) is not installed";

function observed(script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  return scriptJson("ruby", [join(SCRIPTS, script)], { PATH: process.env["PATH"] ?? "", LANG: "C.UTF-8", HOME: tmpdir(), ACCESS_KEY: "AKIAIOSFODNN7EXAMPLE", SECRET_KEY: TEST_SECRET_ACCESS_KEY, ...env });
}

const KEYS = ["a b+c.txt", "dir/ünï cødé.txt", "pct%20x%.txt", "t~il!de*'().txt", "q?&=#.txt"];

describe("S3 and DynamoDB with fog-aws", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startClientNimbus();
  });
  after(async () => {
    await nimbus.close();
  });

  for (const signature of ["4", "2"]) {
    test(`S3 signed with SigV${signature}: models and requests, keys to escape, listings, conditions, copies, presigned URLs, multipart, configurations, versions`, { skip: SKIP }, async () => {
      const bucket = uniqueName("fog");
      const seen = await observed("s3.rb", { ENDPOINT: nimbus.url, BUCKET: bucket, SIGNATURE: signature });
      const failed = Object.entries(seen).filter(([, v]) => typeof v === "object" && v !== null && "message" in v);
      assert.deepEqual(failed, []);
      assert.deepEqual(seen["getDir"], [bucket, "us-east-1"]);
      assert.deepEqual(seen["location"], { LocationConstraint: null });
      assert.deepEqual(seen["get"], KEYS.map((k) => [`v-${k}`, "text/plain", "blue"]));
      assert.deepEqual(seen["head"], [22, "text/plain", "1db758cbd3dba005e01c3a668876ae35"]);
      assert.deepEqual(seen["missingModel"], [null, null]);
      assert.deepEqual(seen["missingRequest"], { error: "Excon::Error::NotFound", status: 404, code: "NoSuchKey" });
      assert.deepEqual(seen["missingBucket"], { error: "Excon::Error::NotFound", status: 404, code: "NoSuchBucket" });
      assert.deepEqual(seen["listDelimiter"], [["a b+c.txt", "pct%20x%.txt", "q?&=#.txt", "t~il!de*'().txt"], ["dir/"]]);
      assert.deepEqual(seen["listPrefix"], ["dir/ünï cødé.txt"]);
      // Excon sends "prefix=a+b": the + is a space, signed as %20.
      assert.deepEqual(seen["getBucketSpaces"], [["a b+c.txt"], ["dir/ünï cødé.txt"], ["dir/ünï cødé.txt"]]);
      assert.deepEqual(seen["getBucketPaged"], [["a b+c.txt", "dir/ünï cødé.txt"], true, ["pct%20x%.txt", "q?&=#.txt", "t~il!de*'().txt"], false]);
      assert.deepEqual(seen["range"], [206, "a b", "bytes 2-4/11"]);
      assert.deepEqual(seen["ifNoneMatch"], { error: "Excon::Error::NotModified", status: 304, code: null });
      assert.deepEqual(seen["ifMatch"], { error: "Excon::Error::PreconditionFailed", status: 412, code: "PreconditionFailed" });
      assert.equal(seen["ifModifiedSince"], 200);
      assert.deepEqual(seen["copyModel"], ["copy/dir/ünï cødé.txt", "v-dir/ünï cødé.txt"]);
      assert.deepEqual(seen["copyReplace"], ["round", null, "application/x-new"]);
      assert.deepEqual(seen["copyResult"], [["ETag", "LastModified"], true]);
      assert.deepEqual(seen["presigned"], ["200", "v-dir/ünï cødé.txt", "200", "v-a b+c.txt", "200", "v-t~il!de*'().txt"]);
      assert.deepEqual(seen["encryption"], ["AES256", "AES256"]);
      assert.deepEqual(seen["acl"], [["FULL_CONTROL"], { error: "Excon::Error::BadRequest", status: 400, code: "AccessControlListNotSupported" }]);
      assert.deepEqual(seen["multipartModel"], ['"c2b1960e14fbfbab64273167ff2fd4fe"', 11 * 1024 * 1024]);
      assert.deepEqual(seen["multipartConcurrent"], ['"009f162345d580c116b4feab7b1e78e5"', 16 * 1024 * 1024]);
      assert.deepEqual(seen["streamed"], [true, 3 * 1024 * 1024 + 17, null, true]);
      assert.deepEqual(seen["multipartRequest"], ["mp ü.bin", [[1, 5242880], [2, 1]], ["mp ü.bin"], "mp ü.bin", '"e5a8c5272b26fc10581a21089559b006-2"', 5242881, "application/x-mp", "v"]);
      assert.equal(seen["abortMultipart"], 204);
      assert.deepEqual(seen["deleteMultiple"], ["Deleted", "Deleted", "Deleted"]);
      assert.deepEqual(seen["cors"], { CORSConfiguration: [{ AllowedHeader: ["*"], AllowedMethod: ["GET", "PUT"], AllowedOrigin: ["http://a.example"], ExposeHeader: ["ETag"], MaxAgeSeconds: 300 }] });
      assert.deepEqual(seen["lifecycle"], { Rules: [{ Expiration: { Days: 30 }, ID: "r1", Prefix: "logs/", Enabled: true }] });
      assert.deepEqual(seen["website"], { ErrorDocument: { Key: "err.html" }, IndexDocument: { Suffix: "index.html" }, RedirectAllRequestsTo: {} });
      assert.deepEqual(seen["bucketTagging"], { BucketTagging: { env: "test", "k 2": "v+2" } });
      assert.deepEqual(seen["objectTagging"], { ObjectTagging: { t: "1" } });
      assert.deepEqual(seen["policy"], [["s3:GetObject", { AWS: "arn:aws:iam::000000000000:root" }]]);
      assert.deepEqual(seen["restore"], [202, 409, 'ongoing-request="true"', { error: "Excon::Error::Forbidden", status: 403, code: "InvalidObjectState" }]);
      assert.deepEqual(seen["versioning"], [{ VersioningConfiguration: { Status: "Enabled" } }, ["DeleteMarker", "Version", "Version"], [["k", true, true], ["k", false, false], ["k", false, false]]]);
      assert.equal(seen["destroy"], null);
      if (signature === "4") {
        // fog builds POST fields for SigV4 only.
        assert.deepEqual(seen["postObject"], [["Content-Type", "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Signature", "key", "policy"], "204", "posted body"]);
        assert.deepEqual(seen["paging"], [1005, 1000, true]);
      }
    });
  }

  test("DynamoDB 2012-08-10: tables with a GSI, conditional puts, expressions and KeyConditions, batches, errors as Excon::Error::BadRequest", { skip: SKIP }, async () => {
    const table = uniqueName("fog");
    const seen = await observed("dynamodb.rb", { ENDPOINT: nimbus.url, TABLE: table });
    // fog's create_table cannot send AttributeDefinitions.
    assert.deepEqual(seen["createTableFog"], { error: "Excon::Error::BadRequest", status: 400, type: "ValidationException", message: "1 validation error detected: Value null at 'attributeDefinitions' failed to satisfy constraint: Member must not be null" });
    assert.equal(seen["createTable"], "CREATING");
    assert.deepEqual(seen["describeTable"], [table, ["pk", "sk"], ["byG"], "ACTIVE"]);
    assert.equal(seen["listTables"], true);
    assert.deepEqual(seen["putItem"], {});
    const conditional = { error: "Excon::Error::BadRequest", status: 400, type: "ConditionalCheckFailedException", message: "The conditional request failed" };
    assert.deepEqual(seen["putExpected"], conditional);
    assert.deepEqual(seen["putCondition"], conditional);
    assert.deepEqual(seen["getItem"], [[0, 255, 98, 105, 110], ["x", "y"], { M: { k: { L: [{ BOOL: true }, { NULL: true }] } } }, { N: "20" }]);
    assert.deepEqual(seen["getMissing"], {});
    assert.deepEqual(seen["updateItem"], { n: { N: "35" }, t: { S: "new" } });
    assert.deepEqual(seen["queryExpression"], [4, ["5", "4", "3", "2"]]);
    assert.deepEqual(seen["queryKeyConditions"], [3, ["4", "5", "6"]]);
    assert.deepEqual(seen["queryPaged"], [2, { pk: { S: "a" }, sk: { N: "2" } }]);
    assert.deepEqual(seen["queryDeprecated"], [2, ["4", "5"], { HashKeyElement: { S: "a" }, RangeKeyElement: { N: "5" } }, 0.5]);
    assert.deepEqual(seen["queryIndex"], ["2", "4", "6"]);
    assert.deepEqual(seen["scan"], [4, 7]);
    assert.deepEqual(seen["batchWrite"], { UnprocessedItems: {} });
    assert.deepEqual(seen["batchGet"], [[{ pk: { S: "c" } }], {}]);
    assert.deepEqual(seen["deleteItem"], { S: "even" });
    assert.deepEqual(seen["validation"], { error: "Excon::Error::BadRequest", status: 400, type: "ValidationException", message: "One or more parameter values were invalid: Missing the key sk in the item" });
    assert.deepEqual(seen["missingTable"], { error: "Excon::Error::BadRequest", status: 400, type: "ResourceNotFoundException", message: `Requested resource not found: Table: ${table}-nope not found` });
    assert.equal(seen["deleteTable"], "DELETING");
  });
});
