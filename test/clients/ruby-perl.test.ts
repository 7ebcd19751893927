/**
 * Nimbus driven by the AWS SDK for Ruby v3 (aws-sdk-s3), the AWS SDK for Ruby v1 (aws-sdk-v1: S3
 * and DynamoDB 2012-08-10), Perl's Net::Amazon::S3 (SigV2 and SigV4) and s3curl (SigV2), from
 * Debian's packages, with signatures enforced. Each client has its own signer, XML or JSON decoder
 * and URL encoding of keys; the scripts in ruby-perl/ print what they saw as one JSON object.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { TEST_SECRET_ACCESS_KEY, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { startClientNimbus } from "./support.js";
import { runProcess, scriptJson } from "../compat/tools.js";

// Compiled to dist/test/clients; the scripts stay in the source tree.
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), "../../../test/clients/ruby-perl");
const ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";

function loads(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: "ignore" }).status === 0;
}
const RUBY_V3 = loads("ruby", ["-e", 'require "aws-sdk-s3"']);
const RUBY_V1 = loads("ruby", ["-e", 'require "aws-sdk-v1"']);
const PERL_S3 = loads("perl", ["-MNet::Amazon::S3", "-MNet::Amazon::S3::Client", "-MJSON::PP", "-MLWP::UserAgent", "-e", "1"]);
const S3CURL = existsSync("/usr/bin/s3curl") && loads("curl", ["--version"]);


function observed(command: string, script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  return scriptJson(command, [join(SCRIPTS, script)], { PATH: process.env["PATH"] ?? "", LANG: "C.UTF-8", HOME: tmpdir(), ACCESS_KEY, SECRET_KEY: TEST_SECRET_ACCESS_KEY, ...env });
}

const KEYS = ["a b+c.txt", "dir/ünï cødé.txt", "pct%20x%.txt", "q?&=#.txt"];

describe("S3 and DynamoDB with the Ruby SDKs (v3, v1), Perl Net::Amazon::S3 and s3curl", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startClientNimbus();
  });
  after(async () => {
    await nimbus.close();
  });

  test("Ruby SDK v3: objects, listings, conditional reads, checksums, upload_file/download_file, multipart copy, presigned URLs and POST, versions", { skip: RUBY_V3 ? false : "ruby with aws-sdk-s3 (ruby-aws-sdk-s3) is not installed" }, async () => {
    const seen = await observed("ruby", "s3-v3.rb", { ENDPOINT: nimbus.url, BUCKET: uniqueName("ruby-v3") });
    assert.deepEqual(seen["get"], ["a b+c.txt", "dir/ünï cødé.txt", "pct%20x%.txt", "dir/sub/x~y!*'().txt", "q?&=#.txt"].map((k) => [`v-${k}`, "v 1", "text/plain", "max-age=3"]));
    assert.deepEqual(seen["listV1Delimiter"], [["a b+c.txt", "pct%20x%.txt", "q?&=#.txt"], ["dir/"]]);
    assert.deepEqual(seen["listV2Pages"], [["a b+c.txt", "dir/sub/x~y!*'().txt"], ["dir/ünï cødé.txt", "pct%20x%.txt"], ["q?&=#.txt"]]);
    // The SDK asks for encoding-type=url and CGI-unescapes Prefix, Delimiter and keys: a bare "+" would come back a space.
    assert.deepEqual(seen["listPlusPrefix"], ["a b+", "+", ["a b+c.txt"], []]);
    assert.deepEqual(seen["range"], ["a b", "bytes 2-4/11"]);
    assert.deepEqual(seen["ifNoneMatch"], { error: "Aws::S3::Errors::NotModified", message: "Aws::S3::Errors::NotModified", status: 304 });
    assert.deepEqual(seen["ifMatch"], { error: "Aws::S3::Errors::PreconditionFailed", message: "At least one of the pre-conditions you specified did not hold", status: 412 });
    assert.deepEqual(seen["noSuchKey"], { error: "Aws::S3::Errors::NoSuchKey", message: "The specified key does not exist.", status: 404 });
    assert.deepEqual(seen["headMissing"], { error: "Aws::S3::Errors::NotFound", message: "Aws::S3::Errors::NotFound", status: 404 });
    assert.equal(seen["copy"], "v-a b+c.txt");
    assert.deepEqual(seen["checksum"], ["hello", "NhCmhg==", "CRC32"]);
    assert.deepEqual(seen["tagging"], [["k 1", "v+1"]]);
    assert.deepEqual(seen["uploadFile"], ['-3"', 11 * 1024 * 1024]);
    assert.equal(seen["downloadFile"], true);
    assert.deepEqual(seen["multipartCopy"], ['-3"', 11 * 1024 * 1024]);
    assert.deepEqual(seen["exists"], [true, false]);
    assert.equal(seen["waiter"], "ok");
    assert.deepEqual(seen["presignedGet"], ["200", "v-dir/ünï cødé.txt"]);
    assert.deepEqual(seen["presignedPut"], ["200", "data"]);
    assert.deepEqual(seen["presignedPost"], ["201", "posted body", "b"]);
    assert.deepEqual(seen["versions"], [[false, false], [true], "1"]);
    assert.equal(seen["batchDelete"], false);
  });

  test("Ruby SDK v1: S3 with SigV4 (tree listing, markers, multipart, SigV2 POST policy, versions) and DynamoDB 2012-08-10 with its CRC32 check", { skip: RUBY_V1 ? false : "ruby with aws-sdk-v1 (ruby-aws-sdk) is not installed" }, async () => {
    const seen = await observed("ruby", "v1.rb", { ENDPOINT: nimbus.url, BUCKET: uniqueName("ruby-v1"), TABLE: uniqueName("ruby-v1") });
    assert.deepEqual(seen["read"], KEYS.map((k) => [`v-${k}`, "mv", "text/plain"]));
    assert.deepEqual(seen["tree"], ["prefix:dir/", "a b+c.txt", "pct%20x%.txt", "q?&=#.txt"]);
    assert.deepEqual(seen["listMarker"], [["a b+c.txt", "dir/ünï cødé.txt"], true]);
    assert.deepEqual(seen["missing"], { error: "AWS::S3::Errors::NoSuchKey", message: "No Such Key", status: 404 });
    assert.deepEqual(seen["exists"], [false, true]);
    assert.equal(seen["copy"], "v-dir/ünï cødé.txt");
    assert.deepEqual(seen["ifNoneMatch"], { error: "AWS::S3::Errors::NotModified", message: "Not Modified", status: 304 });
    assert.deepEqual(seen["multipart"], ['-2"', 5 * 1024 * 1024 + 1, "ab"]);
    assert.deepEqual(seen["presignedPost"], ["201", "posted", "b"]);
    assert.deepEqual(seen["versions"], ["marker", "2", "1"]);
    assert.equal(seen["deleteAll"], false);
    assert.equal(seen["createTable"], "CREATING");
    assert.deepEqual(seen["getItem"], [[0, 255, 98, 105, 110], ["p", "q"], ["1", "2.5"]]);
    assert.deepEqual(seen["conditionalPut"], { error: "AWS::DynamoDB::Errors::ConditionalCheckFailedException", message: "The conditional request failed", status: 400 });
    assert.deepEqual(seen["updateItem"], ["b", "c", "pk", "sk", "ss"]);
    assert.deepEqual(seen["batchWrite"], {});
    assert.deepEqual(seen["query"], [4, ["6", "5", "4", "3"]]);
    assert.deepEqual(seen["queryPage"], [10, { pk: { s: "a" }, sk: { n: "10" } }]);
    assert.deepEqual(seen["scanFilter"], [3, 25]);
    assert.deepEqual(seen["batchGet"], [{ sk: { n: "2" } }]);
    assert.deepEqual(seen["deleteItem"], { pk: { s: "a" }, sk: { n: "2" } });
    assert.deepEqual(seen["validation"], { error: "AWS::DynamoDB::Errors::ValidationException", message: "One or more parameter values were invalid: Missing the key sk in the item", status: 400 });
    assert.equal(seen["deleteTable"], "DELETING");
    assert.deepEqual((seen["missingTable"] as { error: string }).error, "AWS::DynamoDB::Errors::ResourceNotFoundException");
  });

  for (const signature of ["V2", "V4"]) {
    test(`Perl Net::Amazon::S3 signing with ${signature}: keys, listings, copy, metadata edit, presigned URL, Client API, multi-object delete`, { skip: PERL_S3 ? false : "Net::Amazon::S3 (libnet-amazon-s3-perl) is not installed" }, async () => {
      const seen = await observed("perl", "s3.pl", { HOST: new URL(nimbus.url).host, BUCKET: uniqueName("perl"), SIGNATURE: `Net::Amazon::S3::Signature::${signature}` });
      assert.deepEqual(seen["get"], KEYS.map(() => ["body", "text/plain", "mv"]));
      assert.deepEqual(seen["head"], ["841a2d689ad86bd1611447453c22c6fc", "4"]);
      assert.deepEqual(seen["headMissing"], ["absent"]);
      assert.deepEqual(seen["list"], KEYS);
      // The library strips the delimiter from each common prefix.
      assert.deepEqual(seen["listDelimiter"], [["a b+c.txt", "pct%20x%.txt", "q?&=#.txt"], ["dir"]]);
      assert.deepEqual(seen["listAll"], KEYS);
      assert.equal(seen["copy"], "body");
      assert.deepEqual(seen["editMetadata"], ["app/x", "n1"]);
      assert.equal(seen["acl"], "FULL_CONTROL");
      assert.deepEqual(seen["presigned"], ["200", "body"]);
      assert.deepEqual(seen["clientObject"], ["client body", "lie", "x", "text/plain", "11", 0]);
      assert.deepEqual(seen["clientList"], ["cl ient+/ö.txt"]);
      assert.deepEqual(seen["deleteMulti"], ["cl ient+/ö.txt", "copied"]);
      assert.equal(seen["deleteBucket"], 1);
      assert.deepEqual(seen["missingBucket"], ["NoSuchBucket", "The specified bucket does not exist"]);
    });
  }

  test("s3curl (SigV2 with a Date header): bucket, put with Content-MD5, get, copy, listing, subresources, response overrides, multi-object delete", { skip: S3CURL ? false : "s3curl (s3curl package) or curl is not installed" }, async () => {
    const home = mkdtempSync(join(tmpdir(), "nimbus-s3curl-"));
    try {
      // s3curl signs a host it does not list as a CNAME bucket; its dotfile may list more endpoints.
      writeFileSync(join(home, ".s3curl"), `%awsSecretAccessKeys = (nimbus => { id => "${ACCESS_KEY}", key => "${TEST_SECRET_ACCESS_KEY}" });\n@endpoints = ("${new URL(nimbus.url).hostname}");\n`, { mode: 0o600 });
      writeFileSync(join(home, "body.txt"), "hello\n");
      writeFileSync(join(home, "delete.xml"), "<Delete><Object><Key>copied</Key></Object><Object><Key>a b+c.txt</Key></Object></Delete>");
      const bucket = uniqueName("s3curl");
      const base = `${nimbus.url}/${bucket}`;
      const s3curl = async (options: string[], curl: string[]): Promise<string> => {
        const r = await runProcess("/usr/bin/s3curl", ["--id", "nimbus", ...options, "--", "-s", ...curl], { env: { PATH: process.env["PATH"] ?? "", LANG: "C.UTF-8", HOME: home } });
        assert.equal(r.code, 0, r.stderr);
        return r.stdout;
      };
      assert.equal(await s3curl(["--createBucket"], ["-w", "%{http_code}", base]), "200");
      assert.equal(await s3curl(["--put", join(home, "body.txt"), "--contentType", "text/plain", "--calculateContentMd5"], ["-w", "%{http_code}", "-H", "x-amz-meta-a: b", `${base}/a%20b%2Bc.txt`]), "200");
      const got = await s3curl([], ["-i", `${base}/a%20b%2Bc.txt`]);
      assert.match(got, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(got, /\r\nETag: "b1946ac92492d2347c6235b4d2611184"\r\n/);
      assert.match(got, /\r\nx-amz-meta-a: b\r\n/);
      assert.match(got, /\r\n\r\nhello\n$/);
      assert.match(await s3curl(["--copySrc", `${bucket}/a%20b%2Bc.txt`], [`${base}/copied`]), /<CopyObjectResult [^>]*><ETag>"b1946ac92492d2347c6235b4d2611184"<\/ETag>/);
      const listing = await s3curl([], [`${base}?delimiter=/&max-keys=5`]);
      assert.match(listing, /<Contents><Key>a b\+c\.txt<\/Key>.*<Contents><Key>copied<\/Key>/);
      assert.match(await s3curl([], [`${base}?location`]), /<LocationConstraint xmlns="http:\/\/s3\.amazonaws\.com\/doc\/2006-03-01\/"\/>/);
      assert.match(await s3curl([], [`${base}?acl`]), /<Permission>FULL_CONTROL<\/Permission>/);
      const overridden = await s3curl([], ["-i", `${base}/copied?response-content-type=x/y&response-cache-control=no`]);
      assert.match(overridden, /\r\nContent-Type: x\/y\r\n/);
      assert.match(overridden, /\r\nCache-Control: no\r\n/);
      assert.match(await s3curl(["--post"], [`${base}/mp?uploads`]), /<InitiateMultipartUploadResult [^>]*><Bucket>[^<]+<\/Bucket><Key>mp<\/Key><UploadId>[^<]+<\/UploadId>/);
      assert.match(await s3curl(["--post", join(home, "delete.xml"), "--calculateContentMd5"], [`${base}?delete`]), /<Deleted><Key>copied<\/Key><\/Deleted><Deleted><Key>a b\+c\.txt<\/Key><\/Deleted>/);
      assert.match(await s3curl([], [`${base}?uploads`]), /<Upload><UploadId>[^<]+<\/UploadId><Key>mp<\/Key>/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
