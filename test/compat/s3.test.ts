import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes, createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
});
