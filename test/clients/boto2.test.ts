/**
 * Nimbus driven by boto 2 (Debian's python3-boto 2.49), the legacy Python SDK that older code,
 * Ansible modules and tutorials still use, with signatures enforced. boto 2 has its own signers
 * (S3 HmacAuthV1 SigV2 by default, s3-sigv4 on request, HmacAuthV4 for DynamoDB, which signs the
 * Region and service it reads off the host: "0" and "127" for 127.0.0.1), its own SAX handlers
 * for S3's XML, its own paging (BucketListResultSet, ResultSet) and checks every DynamoDB
 * response's x-amz-crc32. The scripts in boto2/ print what they saw as one JSON object.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { TEST_SECRET_ACCESS_KEY, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { startClientNimbus } from "./support.js";
import { scriptJson } from "../compat/tools.js";

// Compiled to dist/test/clients; the scripts stay in the source tree.
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), "../../../test/clients/boto2");
// Debian's interpreter: a pyenv python3 earlier on PATH does not see dist-packages.
const PYTHON = "/usr/bin/python3";
const ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
const BOTO2 = spawnSync(PYTHON, ["-c", "import boto, boto.s3.connection, boto.dynamodb2.table; assert boto.__version__.startswith('2.')"], { stdio: "ignore" }).status === 0;
const SKIP = BOTO2 ? false : "boto 2 (python3-boto) is not installed for /usr/bin/python3";

function observed(script: string, env: Record<string, string>, home: string): Promise<Record<string, unknown>> {
  // HOME without a ~/.boto, so only what the script sets configures boto.
  return scriptJson(PYTHON, [join(SCRIPTS, script)], { PATH: process.env["PATH"] ?? "", LANG: "C.UTF-8", HOME: home, BOTO_CONFIG: "/dev/null", ACCESS_KEY, SECRET_KEY: TEST_SECRET_ACCESS_KEY, ...env });
}

const KEYS = ["a b+c.txt", "dir/ünï cødé.txt", "pct%20x%.txt", "q?&=#.txt", "dir/sub/x~y!*'().txt"];
const NO_ACLS = [400, "Bad Request", "AccessControlListNotSupported", "The bucket does not allow ACLs"];

describe("S3 and DynamoDB with boto 2 (python3-boto 2.49)", () => {
  let nimbus: TestNimbus;
  let home: string;
  before(async () => {
    nimbus = await startClientNimbus();
    home = mkdtempSync(join(tmpdir(), "nimbus-boto2-"));
  });
  after(async () => {
    await nimbus.close();
    rmSync(home, { recursive: true, force: true });
  });

  for (const signer of ["SigV2", "SigV4"]) {
    test(`S3 signed with ${signer}: buckets, keys, listings, copies, multipart, ACLs, configurations, versions${signer === "SigV2" ? ", presigned URLs" : ""}`, { skip: SKIP }, async () => {
      const port = new URL(nimbus.url).port;
      const seen = await observed("s3.py", { PORT: port, BUCKET: uniqueName("boto2"), SIGV4: signer === "SigV4" ? "1" : "0" }, home);
      const failed = Object.entries(seen).filter(([, v]) => typeof v === "object" && v !== null && !Array.isArray(v) && "trace" in v);
      assert.deepEqual(failed, []);
      // SigV2 names no Region, so a bucket elsewhere still answers; SigV4 for us-east-1 gets AWS's 301.
      const elsewhere = signer === "SigV2" ? null : [301, "Moved Permanently", "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint."];
      assert.deepEqual(seen["createBucketLocation"], ["EU", elsewhere, "eu-west-1", elsewhere, [400, "InvalidLocationConstraint", "The specified location-constraint is not valid"], "", null]);
      assert.equal(seen["location"], "");
      assert.deepEqual(seen["lookup"], [true, true]);
      assert.deepEqual(seen["getMissingBucket"], [404, "Not Found", "NoSuchBucket", "The specified bucket does not exist"]);
      assert.deepEqual(seen["get"], KEYS.map((k) => [`v-${k}`, "text/plain", "max-age=3", "blue", Buffer.byteLength(`v-${k}`)]));
      assert.deepEqual(seen["range"], [206, "a b", "bytes 2-4/11"]);
      assert.deepEqual(seen["fromFile"], [1000, "application/octet-stream", '"398533d48111e9f664b1f64cb10c4b63"']);
      assert.deepEqual(seen["responseHeaders"], ["v-a b+c.txt", "x/y", 'attachment; filename="a b.txt"']);
      assert.deepEqual(seen["putOptions"], ["AES256", "REDUCED_REDUNDANCY", ["REDUCED_REDUNDANCY"], null, 11]);
      assert.deepEqual(seen["badDigest"], [400, "Bad Request", "BadDigest", "The Content-MD5 you specified did not match what we received."]);
      assert.deepEqual(seen["exists"], [true, false]);
      assert.deepEqual(seen["noSuchKey"], [404, "Not Found", "NoSuchKey", "The specified key does not exist."]);
      assert.deepEqual(seen["copyReplace"], ["v-a b+c.txt", "round", null]);
      assert.deepEqual(seen["copyKeep"], ["v-dir/ünï cødé.txt", "blue"]);
      assert.deepEqual(seen["listDelimiter"], [["a b+c.txt", "copy.txt", "copy2.txt", "file.bin", "pct%20x%.txt", "q?&=#.txt"], ["dir/"]]);
      assert.deepEqual(seen["listPrefix"], ["dir/sub/x~y!*'().txt", "dir/ünï cødé.txt"]);
      const all = ["a b+c.txt", "copy.txt", "copy2.txt", "dir/sub/x~y!*'().txt", "dir/ünï cødé.txt", "file.bin", "pct%20x%.txt", "q?&=#.txt"];
      assert.deepEqual(seen["listPages"], [all.slice(0, 2), all.slice(2, 4), all.slice(4, 6), all.slice(6)]);
      assert.deepEqual(seen["listAll"], all);
      // Quiet off: a key that never existed is reported deleted, as AWS does.
      assert.deepEqual(seen["deleteKeys"], [["copy.txt", "copy2.txt", "never-existed"], []]);
      if (signer === "SigV2") {
        assert.equal(seen["presignedGet"], "v-q?&=#.txt");
        assert.deepEqual(seen["presignedPut"], [200, "presigned"]);
        assert.deepEqual(seen["presignedBad"], [403, true]);
        assert.deepEqual(seen["presignedMore"], [200, "11", "x/y", true, [403, true, true], { foo: "bar" }]);
      }
      assert.deepEqual(seen["multipart"], [[[1, 5 * 1024 * 1024], [2, 1234]], ["big.bin"], true, 5 * 1024 * 1024 + 1234, "1"]);
      assert.deepEqual(seen["partsAndUploadsPaging"], [[1, 2], "2", true, [1, 2, 3], ["p.bin", "u1"], true, "u1", ["p.bin", "u1", "u2"]]);
      assert.deepEqual(seen["cancelUpload"], []);
      // New buckets enforce bucket ownership (ACLs read, never set) and block public ACLs.
      assert.deepEqual(seen["acl"], [[["FULL_CONTROL", "CanonicalUser", true]], ["FULL_CONTROL"], NO_ACLS, [403, "Forbidden", "AccessDenied"], [["FULL_CONTROL", "CanonicalUser"]]]);
      assert.deepEqual(seen["lifecycle"], [["expire-logs", "logs/", "Enabled", 30]]);
      assert.deepEqual(seen["lifecycleMore"], [
        [["d", "2030-01-01T00:00:00.000Z", null, []], ["t", null, 400, [30, "GLACIER"]]],
        [404, "Not Found", "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"],
      ]);
      assert.deepEqual(seen["cors"], [[["GET", "PUT"], ["https://example.com"], 300, ["ETag"]]]);
      assert.deepEqual(seen["website"], ["index.html", "error.html", true]);
      assert.deepEqual(seen["websiteRules"], ["old/", "new/", "301", true, [404, "Not Found", "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"]]);
      assert.deepEqual(seen["requestPayment"], [true, true]);
      assert.deepEqual(seen["tagging"], [[["env", "test"], ["k 1", "v+1"]], [404, "Not Found", "NoSuchTagSet", "The TagSet does not exist"]]);
      assert.deepEqual(seen["xmlTags"], [["a", "b"]]);
      assert.deepEqual(seen["versions"], [
        { Versioning: "Enabled", MfaDelete: "Disabled" },
        [["x", "DeleteMarker", true], ["x", "Key", false], ["x", "Key", false]],
        "two",
        [["j", "x"], true, "x"],
        ["x", "x"],
        4,
      ]);
      assert.deepEqual(seen["deleteNonEmpty"], [409, "Conflict", "BucketNotEmpty", "The bucket you tried to delete is not empty"]);
      assert.equal(seen["cleanup"], true);
    });
  }

  test("DynamoDB through boto.dynamodb2: Table with LSI and GSI, every type, conditional writes, partial_save, query_2/scan filters and paging, batches, errors", { skip: SKIP }, async () => {
    const seen = await observed("dynamodb.py", { PORT: new URL(nimbus.url).port, PREFIX: uniqueName("boto2") }, home);
    const failed = Object.entries(seen).filter(([, v]) => typeof v === "object" && v !== null && !Array.isArray(v) && "trace" in v);
    assert.deepEqual(failed, []);
    const prefix = (seen["create"] as string).replace(/-events$/, "");
    assert.deepEqual(seen["describe"], ["ACTIVE", [["user", "HASH"], ["ts", "RANGE"]], ["by-kind"], ["by-kind-g"], ["user", "ts"], ["by-kind"], ["by-kind-g"], 5]);
    // boto 2 writes a bool as N and leaves None out.
    assert.deepEqual(seen["putTypes"], {
      big: ["N", "12345678901234567890.5"],
      blob: ["B", "\u0000\u0001\u00ff"],
      blobs: [["B", "x"], ["B", "y"]],
      count: ["N", "42"],
      flag: ["N", "1"],
      kind: "login",
      list: [["N", "1"], "two", { three: ["N", "3"] }],
      map: { nested: { deep: ["x"] } },
      nums: [["N", "1"], ["N", "2"], ["N", "3"]],
      ratio: ["N", "0.125"],
      tags: ["a", "b"],
      text: "ünï cødé \u2603",
      ts: ["N", "1"],
      user: "alice",
    });
    assert.deepEqual(seen["dynamizer"], [["a", "b"], { N: "1.5" }, true, [["B", "x"], ["B", "y"]]]);
    const conditional = ["ConditionalCheckFailedException", 400, "ConditionalCheckFailedException", "The conditional request failed"];
    assert.deepEqual(seen["conditionalPut"], conditional);
    assert.deepEqual(seen["overwrite"], [true, 43]);
    assert.equal(seen["batchWrite"], 15);
    assert.deepEqual(seen["partialSave"], [true, "edited", ["x", "y"], false]);
    assert.deepEqual(seen["save"], [true, "saved"]);
    assert.deepEqual(seen["staleSave"], conditional);
    assert.deepEqual(seen["queryGt"], [22, 24, 26, 28]);
    assert.deepEqual(seen["queryBetweenReverse"], [13, 11, 9, 7, 5]);
    assert.deepEqual(seen["queryLsiBeginsWith"], [12, 18, 24]);
    assert.deepEqual(seen["queryGsi"], [3, 9, 12, 15]);
    assert.deepEqual(seen["queryFilter"], [25, 29, 31]);
    assert.deepEqual(seen["queryPages"], [3, 5, 7, 9, 11, 13, 15]);
    assert.deepEqual(seen["queryAttributes"], [["kind", "ts"]]);
    assert.deepEqual(seen["queryCount"], [15, 6, 5]);
    assert.deepEqual(seen["scanFilter"], [10, 11, 13, 14]);
    assert.equal(seen["scanPages"], 30);
    assert.deepEqual(seen["scanOps"], [[], [2], [3, 5], [2]]);
    assert.deepEqual(seen["count"], [30, 30]);
    assert.deepEqual(seen["batchGet"], [["alice", 1], ["bob", 3]]);
    assert.equal(seen["batchGetMany"], 29);
    assert.deepEqual(seen["scanSegmentsAndOr"], [true, [1, 2, 31], [3, 5, 9, 15, 21, 27]]);
    assert.deepEqual(seen["deleteItem"], [true, false, false]);
    assert.equal(seen["lookupMissing"], "ItemNotFound");
    const carol = { user: { S: "carol" }, ts: { N: "1" }, kind: { S: "layer1" }, hits: { N: "1" } };
    assert.deepEqual(seen["layer1"], [carol, carol, { hits: { N: "1" }, kind: { S: "layer1" } }]);
    assert.deepEqual(seen["errors"], [
      ["JSONResponseError", 400, "ResourceNotFoundException", `Requested resource not found: Table: ${prefix}-missing not found`],
      ["ValidationException", 400, "ValidationException", "The provided key element does not match the schema"],
      ["ValidationException", 400, "ValidationException", "One or more parameter values were invalid: Type mismatch for key ts expected: N actual: S"],
      ["JSONResponseError", 400, "ResourceInUseException", `Table already exists: ${prefix}-events`],
      ["ValidationException", 400, "ValidationException", "Query condition missed key schema element: ts"],
    ]);
    assert.deepEqual(seen["update"], [true, 10, 7, 2]);
    assert.deepEqual(seen["createGsiOnUpdate"], [["by-x"], ["1"]]);
    assert.deepEqual(seen["projections"], [
      [["IncludeIndex", "inc", ["h", "s"], ["a"]], ["KeysOnlyIndex", "kso", ["h", "z"], null]],
      [["GlobalIncludeIndex", "ginc", ["s"], ["a", "b"]], ["GlobalKeysOnlyIndex", "gkso", ["z"], null]],
      [["ginc", 5, 5], ["gkso", 2, 3]],
      ["a", "h", "r", "s"],
      ["a", "b", "h", "r", "s"],
      ["h", "r", "z"],
      [["ginc", 3]],
    ]);
    assert.equal(seen["listTables"], true);
    assert.deepEqual(seen["delete"], [true, ["JSONResponseError", 400, "ResourceNotFoundException", `Requested resource not found: Table: ${prefix}-events not found`]]);
  });
});
