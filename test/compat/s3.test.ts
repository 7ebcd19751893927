import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes, createHash } from "node:crypto";
import { tmpdir } from "node:os";
import http from "node:http";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import { startTestNimbus, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { aws, boto3 } from "./tools.js";

describe("S3 with the AWS CLI v2 and boto3", () => {
  let nimbus: TestNimbus;
  let dir: string;
  before(async () => {
    // The CLI signs with the real time; a system-clock Nimbus keeps presigned URLs valid.
    nimbus = await startTestNimbus({ clock: { now: () => Date.now() } });
    dir = mkdtempSync(join(tmpdir(), "nimbus-s3-cli-"));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await nimbus.close();
  });

  test("aws s3 mb / sync / ls / cp --recursive / presign / rm --recursive / rb", async () => {
    const bucket = uniqueName("cli");
    const up = join(dir, "up");
    mkdirSync(join(up, "sub"), { recursive: true });
    const big = randomBytes(9 * 1024 * 1024); // over the CLI's 8 MiB multipart threshold
    writeFileSync(join(up, "big.bin"), big);
    writeFileSync(join(up, "sub", "a b+c.txt"), "hello");
    const run = async (...args: string[]) => {
      const r = await aws(nimbus.url, args);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    await run("s3", "mb", `s3://${bucket}`);
    await run("s3", "sync", up, `s3://${bucket}/data/`, "--no-progress");
    const listing = await run("s3", "ls", `s3://${bucket}/data/`, "--recursive");
    assert.match(listing, /\s9437184 data\/big\.bin/);
    assert.match(listing, /\s5 data\/sub\/a b\+c\.txt/);
    const head = JSON.parse(await run("s3api", "head-object", "--bucket", bucket, "--key", "data/big.bin")) as { ETag: string; ContentLength: number };
    assert.match(head.ETag, /^"[0-9a-f]{32}-2"$/, "uploaded in two parts");
    const down = join(dir, "down");
    await run("s3", "cp", `s3://${bucket}/data/`, down, "--recursive", "--no-progress");
    assert.equal(createHash("sha256").update(readFileSync(join(down, "big.bin"))).digest("hex"), createHash("sha256").update(big).digest("hex"));
    assert.equal(readFileSync(join(down, "sub", "a b+c.txt"), "utf8"), "hello");
    const url = (await run("s3", "presign", `s3://${bucket}/data/sub/a b+c.txt`, "--expires-in", "60")).trim();
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "hello");
    await run("s3", "rm", `s3://${bucket}`, "--recursive");
    await run("s3", "rb", `s3://${bucket}`);
    const gone = await aws(nimbus.url, ["s3api", "head-bucket", "--bucket", bucket]);
    assert.equal(gone.code, 254);
    assert.match(gone.stderr, /An error occurred \(404\) when calling the HeadBucket operation: Not Found/);
  });

  test("boto3: upload_fileobj, get_object, list_objects_v2 paginator, presigned URL, NoSuchKey", async () => {
    const bucket = uniqueName("boto");
    const r = await boto3(
      nimbus.url,
      `
import io, urllib.request
s3 = boto3.client("s3", endpoint_url=ENDPOINT)
s3.create_bucket(Bucket=${JSON.stringify(bucket)})
s3.upload_fileobj(io.BytesIO(b"x" * 100), ${JSON.stringify(bucket)}, "k/one.txt")
s3.put_object(Bucket=${JSON.stringify(bucket)}, Key="k/two.txt", Body=b"two", Metadata={"color": "blue"})
obj = s3.get_object(Bucket=${JSON.stringify(bucket)}, Key="k/two.txt")
keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=${JSON.stringify(bucket)}, PaginationConfig={"PageSize": 1}) for o in page.get("Contents", [])]
url = s3.generate_presigned_url("get_object", Params={"Bucket": ${JSON.stringify(bucket)}, "Key": "k/one.txt"}, ExpiresIn=60)
body = urllib.request.urlopen(url).read()
try:
    s3.get_object(Bucket=${JSON.stringify(bucket)}, Key="missing")
    err = None
except s3.exceptions.NoSuchKey as e:
    err = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
print(json.dumps({"body": obj["Body"].read().decode(), "meta": obj["Metadata"], "keys": keys, "presigned": len(body), "err": err}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      body: "two",
      meta: { color: "blue" },
      keys: ["k/one.txt", "k/two.txt"],
      presigned: 100,
      err: ["NoSuchKey", "The specified key does not exist.", 404],
    });
  });

  /** Runs the CLI (`aws <args>`), asserts success and answers its stdout. */
  async function cli(...args: string[]): Promise<string> {
    const r = await aws(nimbus.url, args);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  }

  /** Runs the CLI for a call that must fail; answers the CLI's error line. */
  async function cliError(...args: string[]): Promise<string> {
    const r = await aws(nimbus.url, args);
    assert.equal(r.code, 254, r.stdout);
    return r.stderr.trim();
  }

  test("Object Lock with the CLI: put-object-lock-configuration, default retention, delete-object refused, legal hold", async () => {
    const bucket = uniqueName("cli-lock");
    const file = join(dir, "locked.txt");
    writeFileSync(file, "keep me");
    await cli("s3api", "create-bucket", "--bucket", bucket);
    // Since 2023 S3 enables Object Lock on an existing bucket that has versioning on.
    await cli("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled");
    const config = { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1 } } };
    assert.equal(await cli("s3api", "put-object-lock-configuration", "--bucket", bucket, "--object-lock-configuration", JSON.stringify(config)), "");
    const putStart = Date.now();
    const put = JSON.parse(await cli("s3api", "put-object", "--bucket", bucket, "--key", "doc.txt", "--body", file)) as { VersionId: string };
    const putEnd = Date.now();
    const retention = JSON.parse(await cli("s3api", "get-object-retention", "--bucket", bucket, "--key", "doc.txt")) as { Retention: { Mode: string; RetainUntilDate: string } };
    assert.equal(retention.Retention.Mode, "GOVERNANCE");
    const until = Date.parse(retention.Retention.RetainUntilDate);
    assert.ok(until >= putStart - 1000 + 86_400_000 && until <= putEnd + 86_400_000, `retain until ${retention.Retention.RetainUntilDate}: one day after the upload`);
    assert.equal(
      await cliError("s3api", "delete-object", "--bucket", bucket, "--key", "doc.txt", "--version-id", put.VersionId),
      "An error occurred (AccessDenied) when calling the DeleteObject operation: Access Denied because object protected by object lock.",
    );
    assert.equal(await cli("s3api", "put-object-legal-hold", "--bucket", bucket, "--key", "doc.txt", "--version-id", put.VersionId, "--legal-hold", "Status=ON"), "");
    assert.deepEqual(JSON.parse(await cli("s3api", "get-object-legal-hold", "--bucket", bucket, "--key", "doc.txt")), { LegalHold: { Status: "ON" } });
    const head = JSON.parse(await cli("s3api", "head-object", "--bucket", bucket, "--key", "doc.txt")) as Record<string, unknown>;
    assert.deepEqual([head["VersionId"], head["ObjectLockMode"], head["ObjectLockRetainUntilDate"], head["ObjectLockLegalHoldStatus"]], [
      put.VersionId,
      "GOVERNANCE",
      retention.Retention.RetainUntilDate,
      "ON",
    ]);
  });

  // botocore serializes boolean headers with Python's str(): `True`, which S3 accepts (and so
  // does Nimbus's protocol layer: src/protocol/xml.ts readScalar).
  test("Object Lock with the CLI: create-bucket --object-lock-enabled-for-bucket, delete-object --bypass-governance-retention", async () => {
    const bucket = uniqueName("cli-lock-new");
    const file = join(dir, "governed.txt");
    writeFileSync(file, "governed");
    await cli("s3api", "create-bucket", "--bucket", bucket, "--object-lock-enabled-for-bucket");
    const until = new Date(Date.now() + 86_400_000).toISOString();
    const put = JSON.parse(
      await cli("s3api", "put-object", "--bucket", bucket, "--key", "g.txt", "--body", file, "--object-lock-mode", "GOVERNANCE", "--object-lock-retain-until-date", until),
    ) as { VersionId: string };
    assert.equal(
      await cliError("s3api", "delete-object", "--bucket", bucket, "--key", "g.txt", "--version-id", put.VersionId),
      "An error occurred (AccessDenied) when calling the DeleteObject operation: Access Denied because object protected by object lock.",
    );
    assert.deepEqual(JSON.parse(await cli("s3api", "delete-object", "--bucket", bucket, "--key", "g.txt", "--version-id", put.VersionId, "--bypass-governance-retention")), {
      VersionId: put.VersionId,
    });
  });

  test("boto3 generate_presigned_post: a urllib form upload (SigV2 and SigV4 policies), content-length-range, STS keys' signatures checked", async () => {
    const bucket = uniqueName("boto-post");
    const r = await boto3(
      nimbus.url,
      `
import uuid, urllib.request, urllib.error, re
from botocore.config import Config
B = ${JSON.stringify(bucket)}

def post(presigned, data, filename="note.txt"):
    """A browser's multipart/form-data POST: the policy's fields, then the file last."""
    boundary = uuid.uuid4().hex
    body = b"".join(f'--{boundary}\\r\\nContent-Disposition: form-data; name="{k}"\\r\\n\\r\\n{v}\\r\\n'.encode() for k, v in presigned["fields"].items())
    body += f'--{boundary}\\r\\nContent-Disposition: form-data; name="file"; filename="{filename}"\\r\\nContent-Type: application/octet-stream\\r\\n\\r\\n'.encode() + data
    body += f"\\r\\n--{boundary}--\\r\\n".encode()
    req = urllib.request.Request(presigned["url"], data=body, method="POST", headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        with urllib.request.urlopen(req) as res:
            status, text = res.status, res.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    fields = dict(re.findall(r"<(Code|Message|MaxSizeAllowed|ProposedSize|Key|Bucket)>([^<]*)<", text))
    return [status, fields]

s3 = boto3.client("s3", endpoint_url=ENDPOINT)
s3.create_bucket(Bucket=B)
out = {}
# boto3's default for presigned POST is a SigV2 policy (AWSAccessKeyId, signature).
form = s3.generate_presigned_post(B, "uploads/\${filename}", Fields={"Content-Type": "text/plain", "x-amz-meta-color": "blue"},
    Conditions=[{"Content-Type": "text/plain"}, {"x-amz-meta-color": "blue"}, ["content-length-range", 1, 100]], ExpiresIn=300)
out["v2fields"] = sorted(form["fields"])
out["v2"] = post(form, b"hello form")
obj = s3.get_object(Bucket=B, Key="uploads/note.txt")
out["stored"] = [obj["Body"].read().decode(), obj["ContentType"], obj["Metadata"]]
out["tooLarge"] = post(form, b"x" * 101, "big.txt")
out["tooLargeStored"] = s3.list_objects_v2(Bucket=B, Prefix="uploads/big")["KeyCount"]

v4 = boto3.client("s3", endpoint_url=ENDPOINT, config=Config(signature_version="s3v4"))
form = v4.generate_presigned_post(B, "v4.txt", Fields={"success_action_status": "201"}, Conditions=[{"success_action_status": "201"}], ExpiresIn=300)
out["v4fields"] = sorted(form["fields"])
out["v4"] = post(form, b"v4")

# Keys Nimbus issued (STS) have a known secret, so their POST signatures are verified.
c = boto3.client("sts", endpoint_url=ENDPOINT).get_session_token()["Credentials"]
session = boto3.client("s3", endpoint_url=ENDPOINT, aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"], config=Config(signature_version="s3v4"))
form = session.generate_presigned_post(B, "sts.txt", ExpiresIn=300)
signature = form["fields"]["x-amz-signature"]
form["fields"]["x-amz-signature"] = ("0" if signature[0] != "0" else "1") + signature[1:]
out["tampered"] = post(form, b"sts")
form["fields"]["x-amz-signature"] = signature
out["signed"] = post(form, b"sts")
print(json.dumps(out))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      v2fields: ["AWSAccessKeyId", "Content-Type", "key", "policy", "signature", "x-amz-meta-color"],
      v2: [204, {}],
      stored: ["hello form", "text/plain", { color: "blue" }],
      tooLarge: [400, { Code: "EntityTooLarge", Message: "Your proposed upload exceeds the maximum allowed size", ProposedSize: "101", MaxSizeAllowed: "100" }],
      tooLargeStored: 0,
      v4fields: ["key", "policy", "success_action_status", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "x-amz-signature"],
      v4: [201, { Bucket: bucket, Key: "v4.txt" }],
      tampered: [403, { Code: "SignatureDoesNotMatch", Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method." }],
      signed: [204, {}],
    });
  });

  test("aws s3 website, then the website endpoint serves the index document and the error document with 404", async () => {
    const bucket = uniqueName("cli-site");
    const site = join(dir, "site");
    mkdirSync(site, { recursive: true });
    writeFileSync(join(site, "index.html"), "<h1>home</h1>");
    writeFileSync(join(site, "error.html"), "<p>lost</p>");
    await cli("s3", "mb", `s3://${bucket}`);
    assert.equal(await cli("s3", "website", `s3://${bucket}`, "--index-document", "index.html", "--error-document", "error.html"), "");
    assert.deepEqual(JSON.parse(await cli("s3api", "get-bucket-website", "--bucket", bucket)), { IndexDocument: { Suffix: "index.html" }, ErrorDocument: { Key: "error.html" } });
    await cli("s3", "cp", site, `s3://${bucket}/`, "--recursive", "--no-progress");
    // `<bucket>.s3-website.us-east-1.localhost.localstack.cloud` need not resolve here: the
    // request goes to 127.0.0.1 with that Host header, as a browser's would arrive.
    const get = (path: string) =>
      new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
        const req = http.request({ host: "127.0.0.1", port: nimbus.port, path, headers: { host: `${bucket}.s3-website.us-east-1.localhost.localstack.cloud:${nimbus.port}` } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, type: res.headers["content-type"], body: Buffer.concat(chunks).toString("utf8") }));
        });
        req.on("error", reject);
        req.end();
      });
    // The CLI guesses text/html from the file names.
    assert.deepEqual(await get("/"), { status: 200, type: "text/html", body: "<h1>home</h1>" });
    assert.deepEqual(await get("/no/such/page.html"), { status: 404, type: "text/html", body: "<p>lost</p>" });
  });

  test("aws s3 cp of 20 MiB (three 8 MiB-threshold parts), sync down, and sync --delete", async () => {
    const bucket = uniqueName("cli-sync");
    const big = randomBytes(20 * 1024 * 1024);
    const bigFile = join(dir, "big20.bin");
    writeFileSync(bigFile, big);
    await cli("s3", "mb", `s3://${bucket}`);
    await cli("s3", "cp", bigFile, `s3://${bucket}/tree/big.bin`, "--no-progress");
    const head = JSON.parse(await cli("s3api", "head-object", "--bucket", bucket, "--key", "tree/big.bin")) as { ETag: string; ContentLength: number };
    assert.equal(head.ContentLength, 20 * 1024 * 1024);
    // The multipart ETag: MD5 of the parts' MD5s, then the part count (8 + 8 + 4 MiB).
    const parts = [big.subarray(0, 8 << 20), big.subarray(8 << 20, 16 << 20), big.subarray(16 << 20)];
    const md5 = (b: Buffer) => createHash("md5").update(b).digest();
    assert.equal(head.ETag, `"${createHash("md5").update(Buffer.concat(parts.map(md5))).digest("hex")}-3"`);

    const up = join(dir, "tree-up");
    mkdirSync(join(up, "a", "b"), { recursive: true });
    writeFileSync(join(up, "top.txt"), "top");
    writeFileSync(join(up, "a", "mid.txt"), "mid");
    writeFileSync(join(up, "a", "b", "deep.txt"), "deep");
    await cli("s3", "sync", up, `s3://${bucket}/tree/`, "--no-progress");
    const down = join(dir, "tree-down");
    const lines = (out: string) => out.trim().split("\n").sort();
    // The CLI names local files relative to its working directory (ours).
    const local = (...path: string[]) => relative(process.cwd(), join(down, ...path));
    assert.deepEqual(lines(await cli("s3", "sync", `s3://${bucket}/tree/`, down, "--no-progress")), [
      `download: s3://${bucket}/tree/a/b/deep.txt to ${local("a", "b", "deep.txt")}`,
      `download: s3://${bucket}/tree/a/mid.txt to ${local("a", "mid.txt")}`,
      `download: s3://${bucket}/tree/big.bin to ${local("big.bin")}`,
      `download: s3://${bucket}/tree/top.txt to ${local("top.txt")}`,
    ]);
    assert.equal(readFileSync(join(down, "a", "b", "deep.txt"), "utf8"), "deep");
    assert.ok(readFileSync(join(down, "big.bin")).equals(big), "the ranged multipart download reassembles the object");
    // A second sync copies nothing (sizes and LastModified agree) and --delete removes what S3 no longer has.
    await cli("s3", "rm", `s3://${bucket}/tree/a/mid.txt`);
    assert.deepEqual(lines(await cli("s3", "sync", `s3://${bucket}/tree/`, down, "--delete", "--no-progress")), [`delete: ${local("a", "mid.txt")}`]);
  });

  test("bucket configurations by Id with the CLI and boto3: inventory, Intelligent-Tiering, metrics, policy status", async () => {
    const bucket = uniqueName("cli-configs");
    await cli("s3api", "create-bucket", "--bucket", bucket);
    const inventory = {
      Id: "weekly",
      IsEnabled: true,
      Destination: { S3BucketDestination: { Bucket: "arn:aws:s3:::reports", Format: "CSV", Prefix: "inv" } },
      IncludedObjectVersions: "Current",
      OptionalFields: ["Size", "ETag"],
      Schedule: { Frequency: "Weekly" },
    };
    await cli("s3api", "put-bucket-inventory-configuration", "--bucket", bucket, "--id", "weekly", "--inventory-configuration", JSON.stringify(inventory));
    assert.deepEqual(JSON.parse(await cli("s3api", "list-bucket-inventory-configurations", "--bucket", bucket)), { IsTruncated: false, InventoryConfigurationList: [inventory] });
    const tiering = { Id: "archive", Status: "Enabled", Tierings: [{ Days: 90, AccessTier: "ARCHIVE_ACCESS" }] };
    await cli("s3api", "put-bucket-intelligent-tiering-configuration", "--bucket", bucket, "--id", "archive", "--intelligent-tiering-configuration", JSON.stringify(tiering));
    assert.deepEqual(JSON.parse(await cli("s3api", "get-bucket-intelligent-tiering-configuration", "--bucket", bucket, "--id", "archive")), {
      IntelligentTieringConfiguration: tiering,
    });
    assert.equal(
      await cliError("s3api", "get-bucket-metrics-configuration", "--bucket", bucket, "--id", "none"),
      "An error occurred (NoSuchConfiguration) when calling the GetBucketMetricsConfiguration operation: The specified configuration does not exist.",
    );
    const r = await boto3(
      nimbus.url,
      `
s3 = boto3.client("s3", endpoint_url=ENDPOINT)
bucket = ${JSON.stringify(bucket)}
s3.put_bucket_metrics_configuration(Bucket=bucket, Id="docs", MetricsConfiguration={"Id": "docs", "Filter": {"Prefix": "docs/"}})
metrics = s3.list_bucket_metrics_configurations(Bucket=bucket)
policy = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::%s/*" % bucket}]}
s3.delete_public_access_block(Bucket=bucket)
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
status = s3.get_bucket_policy_status(Bucket=bucket)
print(json.dumps({"metrics": metrics["MetricsConfigurationList"], "truncated": metrics["IsTruncated"], "public": status["PolicyStatus"]["IsPublic"]}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { metrics: [{ Id: "docs", Filter: { Prefix: "docs/" } }], truncated: false, public: true });
  });

  test("boto3 get_bucket_location: the Region of an eu-west-1 bucket, None for us-east-1", async () => {
    // botocore reads only the text of the root element (<LocationConstraint>eu-west-1</...>).
    const eu = uniqueName("boto-eu");
    const us = uniqueName("boto-us");
    const r = await boto3(
      nimbus.url,
      `
eu = boto3.client("s3", endpoint_url=ENDPOINT, region_name="eu-west-1")
eu.create_bucket(Bucket=${JSON.stringify(eu)}, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
s3 = boto3.client("s3", endpoint_url=ENDPOINT)
s3.create_bucket(Bucket=${JSON.stringify(us)})
print(json.dumps([s3.get_bucket_location(Bucket=b).get("LocationConstraint") for b in (${JSON.stringify(eu)}, ${JSON.stringify(us)})]))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ["eu-west-1", null]);
  });

  test("boto3: bucket.object_versions.delete() empties a versioned bucket page by page, then the bucket deletes", async () => {
    // Each page is deleted before the next is asked for, with the deleted page's last version as
    // the VersionIdMarker: S3 goes on with that key's older versions.
    const bucket = uniqueName("boto-ver");
    const r = await boto3(
      nimbus.url,
      `
b = boto3.resource("s3", endpoint_url=ENDPOINT).Bucket(${JSON.stringify(bucket)})
b.create()
b.Versioning().enable()
for key in ("a", "b", "c"):
    for i in range(7):
        b.put_object(Key=key, Body=b"%d" % i)
b.Object("b").delete()
b.Versioning().suspend()
b.put_object(Key="c", Body=b"null version")
b.object_versions.page_size(4).delete()
left = b.meta.client.list_object_versions(Bucket=${JSON.stringify(bucket)})
b.delete()
print(json.dumps([len(left.get("Versions", [])), len(left.get("DeleteMarkers", []))]))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [0, 0]);
  });

  test("aws s3 rb --force on a versioned bucket removes the current objects, then DeleteBucket says to delete all versions", async () => {
    const bucket = uniqueName("cli-rb-ver");
    const plain = uniqueName("cli-rb-plain");
    const file = join(dir, "rb-force.txt");
    writeFileSync(file, "x");
    for (const name of [bucket, plain]) {
      assert.equal((await aws(nimbus.url, ["s3", "mb", `s3://${name}`])).code, 0);
    }
    await aws(nimbus.url, ["s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled"]);
    for (const name of [bucket, plain]) {
      assert.equal((await aws(nimbus.url, ["s3", "cp", file, `s3://${name}/k`, "--no-progress"])).code, 0);
    }
    const versioned = await aws(nimbus.url, ["s3", "rb", `s3://${bucket}`, "--force"]);
    assert.equal(versioned.code, 1);
    assert.match(versioned.stdout, /delete: s3:\/\/.+\/k/);
    assert.match(
      versioned.stderr,
      /remove_bucket failed: .* An error occurred \(BucketNotEmpty\) when calling the DeleteBucket operation: The bucket you tried to delete is not empty\. You must delete all versions in the bucket\.\n/,
    );
    const unversioned = await aws(nimbus.url, ["s3", "rb", `s3://${plain}`]);
    assert.equal(unversioned.code, 1);
    assert.match(unversioned.stderr, /operation: The bucket you tried to delete is not empty\n/);
  });

  test("boto3: bucket.objects.all().delete() removes keys with line breaks (sent as &#xA; and &#xD;), then the bucket deletes", async () => {
    const bucket = uniqueName("boto-breaks");
    const r = await boto3(
      nimbus.url,
      `
b = boto3.resource("s3", endpoint_url=ENDPOINT).Bucket(${JSON.stringify(bucket)})
b.create()
for key in ("line1\\nline2", "cr\\r", "both\\r\\n", "plain"):
    b.put_object(Key=key, Body=b"x")
deleted = sorted(d["Key"] for page in b.objects.all().delete() for d in page.get("Deleted", []))
b.delete()
print(json.dumps(deleted))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ["both\r\n", "cr\r", "line1\nline2", "plain"]);
  });

  test("boto3: a Content-Disposition sent as UTF-8 (a filename in Chinese, 'résumé') comes back byte for byte on HEAD and GET", async () => {
    // botocore sends header text as UTF-8 and reads answers one byte per character (latin1), as
    // http.client does: re-encoding what it read as latin1 gives back the bytes S3 kept.
    const bucket = uniqueName("boto-disposition");
    const r = await boto3(
      nimbus.url,
      `
c = boto3.client("s3", endpoint_url=ENDPOINT)
c.create_bucket(Bucket=${JSON.stringify(bucket)})
out = []
for value in ('attachment; filename="\\u6587\\u4ef6.pdf"', 'inline; filename="r\\u00e9sum\\u00e9.txt"'):
    c.put_object(Bucket=${JSON.stringify(bucket)}, Key="k", Body=b"x", ContentDisposition=value)
    head = c.head_object(Bucket=${JSON.stringify(bucket)}, Key="k")["ContentDisposition"]
    got = c.get_object(Bucket=${JSON.stringify(bucket)}, Key="k")["ContentDisposition"]
    out.append([head.encode("latin1").decode("utf8"), got.encode("latin1").decode("utf8")])
print(json.dumps(out))
`,
      { AWS_MAX_ATTEMPTS: "1" },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), [
      ['attachment; filename="文件.pdf"', 'attachment; filename="文件.pdf"'],
      ['inline; filename="résumé.txt"', 'inline; filename="résumé.txt"'],
    ]);
  });
});
