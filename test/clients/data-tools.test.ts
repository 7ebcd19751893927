/**
 * S3 clients with their own wire code, from Debian's packages, against a Nimbus that verifies
 * every signature: curl's `--aws-sigv4` signer, GDAL's /vsis3/ (C++ over libcurl: ranged GETs
 * for stat, ListObjects v1 with markers, multipart writes, its own presigner), s4cmd (threaded
 * boto3 put/get/sync patterns) and smart_open (streamed multipart writes, seeking reads).
 * Each test skips when its tool is not installed.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { dirname, join } from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { S3Client, CreateBucketCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { TEST_SECRET_ACCESS_KEY, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { md5Hex, s3ToolSuite } from "./support.js";
import { runProcess, type RunResult } from "../compat/tools.js";

const PYTHON = "/usr/bin/python3";
const ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
// The scripts stay in the source tree; the compiled test runs from dist/test/clients.
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "test", "clients", "data-tools");

function pythonHas(module: string): boolean {
  return existsSync(PYTHON) && spawnSync(PYTHON, ["-c", `import ${module}`]).status === 0;
}
const curlSigns = spawnSync("curl", ["--help", "all"], { encoding: "utf8" }).stdout?.includes("--aws-sigv4") === true;
const hasGdal = pythonHas("osgeo.gdal");
const hasS4cmd = existsSync("/usr/bin/s4cmd");
const hasSmartOpen = pythonHas("smart_open");
const APT_S3 = "/usr/lib/apt/methods/s3";
const hasAptS3 = existsSync(APT_S3) && spawnSync("openssl", ["version"]).status === 0;

function run(command: string, args: string[], env: Record<string, string> = {}, cwd?: string, input?: string): Promise<RunResult> {
  const options: { env: Record<string, string>; cwd?: string; input?: string } = {
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", AWS_CONFIG_FILE: "/dev/null", AWS_SHARED_CREDENTIALS_FILE: "/dev/null", ...env },
  };
  if (cwd !== undefined) options.cwd = cwd;
  if (input !== undefined) options.input = input;
  return runProcess(command, args, options);
}


describe("S3 with curl --aws-sigv4, GDAL /vsis3/, s4cmd and smart_open", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let dir: string;
  // The tools sign with the real time; every signature is verified with the clients' secret.
  s3ToolSuite("data-tools", (suite) => ({ nimbus, s3, dir } = suite));

  test("curl --aws-sigv4: bucket, object, listing and batch delete calls, signed by curl", { skip: curlSigns ? false : "curl without --aws-sigv4" }, async () => {
    const bucket = uniqueName("curl");
    const base = `${nimbus.url}/${bucket}`;
    // curl 7.88 signs only the headers it is given: S3 needs x-amz-content-sha256 from the caller.
    const curl = async (args: string[], payloadHash = "UNSIGNED-PAYLOAD") => {
      const r = await run("curl", ["-sS", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", `${ACCESS_KEY}:${TEST_SECRET_ACCESS_KEY}`, "-H", `x-amz-content-sha256: ${payloadHash}`, "-w", "\n%{http_code}", ...args]);
      assert.equal(r.code, 0, r.stderr);
      const at = r.stdout.lastIndexOf("\n");
      return { status: Number(r.stdout.slice(at + 1)), body: r.stdout.slice(0, at) };
    };
    assert.equal((await curl(["-X", "PUT", base])).status, 200);
    const file = join(dir, "curl-body.txt");
    writeFileSync(file, "hello from curl\n");
    const sha = createHash("sha256").update(readFileSync(file)).digest("hex");
    const put = await curl(["-T", file, "-H", "x-amz-meta-Color: Blue", "-H", "Content-Type: text/plain", `${base}/greeting.txt`], sha);
    assert.equal(put.status, 200, put.body);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "greeting.txt" }));
    assert.deepEqual([head.ContentType, head.Metadata, head.ETag], ["text/plain", { color: "Blue" }, `"${md5Hex("hello from curl\n")}"`]);
    assert.deepEqual(await curl([`${base}/greeting.txt`]), { status: 200, body: "hello from curl\n" });
    assert.deepEqual(await curl(["-r", "6-9", `${base}/greeting.txt`]), { status: 206, body: "from" });
    const wrongHash = await curl(["-T", file, `${base}/wrong.txt`], createHash("sha256").update("").digest("hex"));
    assert.equal(wrongHash.status, 400);
    assert.match(wrongHash.body, /<Code>XAmzContentSHA256Mismatch<\/Code>/);

    // Keys with characters curl sends percent-encoded as given, and "+" (a space to S3 in a path).
    for (const encoded of ["a%20b%2Bc/%C3%BC.txt", "eq%3D%26amp.txt", "x%21%2A%27%28%29.txt", "sp+plus.txt"]) {
      assert.equal((await curl(["-T", file, `${base}/${encoded}`])).status, 200, encoded);
    }
    // curl 7.88 signs the query as written: parameters in order, each with its "=".
    const list = await curl([`${base}?list-type=2&prefix=a%20b`]);
    assert.equal(list.status, 200, list.body);
    assert.match(list.body, /<Key>a b\+c\/ü\.txt<\/Key>/);
    const all = await curl([`${base}?list-type=2`]);
    assert.deepEqual([...all.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]), ["a b+c/ü.txt", "eq=&amp;amp.txt", "greeting.txt", "sp plus.txt", "x!*'().txt"]);

    const batch = "<Delete><Object><Key>greeting.txt</Key></Object><Object><Key>sp plus.txt</Key></Object></Delete>";
    const md5Base64 = createHash("md5").update(batch).digest("base64");
    const deleted = await curl(["-X", "POST", "-H", `Content-MD5: ${md5Base64}`, "--data-binary", batch, `${base}?delete=`]);
    assert.equal(deleted.status, 200, deleted.body);
    assert.match(deleted.body, /<Deleted><Key>greeting\.txt<\/Key><\/Deleted><Deleted><Key>sp plus\.txt<\/Key><\/Deleted>/);
    assert.equal((await curl(["-X", "DELETE", `${base}/eq%3D%26amp.txt`])).status, 204);
    assert.equal((await curl(["-I", `${base}/greeting.txt`])).status, 404);

    // What AWS refuses of curl, Nimbus refuses alike: no x-amz-content-sha256 (curl 7.88 sends
    // none unless told), and an upload of unknown length (curl -T - sends Transfer-Encoding: chunked).
    const bare = await run("curl", ["-sS", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", `${ACCESS_KEY}:${TEST_SECRET_ACCESS_KEY}`, `${base}?list-type=2`]);
    assert.match(bare.stdout, /<Code>InvalidRequest<\/Code><Message>Missing required header for this request: x-amz-content-sha256<\/Message>/);
    const chunked = await run("sh", ["-c", `echo streamed | curl -sS --aws-sigv4 aws:amz:us-east-1:s3 --user '${ACCESS_KEY}:${TEST_SECRET_ACCESS_KEY}' -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' -T - '${base}/chunked.txt' -w '%{http_code}'`]);
    assert.match(chunked.stdout, /<Code>NotImplemented<\/Code>.*<Header>Transfer-Encoding<\/Header>.*501$/s);
  });

  test("GDAL /vsis3/: raster and vector writes, multipart, ranged reads, listings, sync, presigned URL", { skip: hasGdal ? false : "GDAL Python bindings (python3-gdal) not installed" }, async () => {
    const bucket = uniqueName("gdal");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const work = join(dir, "gdal");
    mkdirSync(work);
    const r = await run(PYTHON, [join(SCRIPTS, "gdal-s3.py"), bucket, work], {
      AWS_S3_ENDPOINT: nimbus.url.replace(/^http:\/\//, ""),
      AWS_HTTPS: "NO",
      AWS_VIRTUAL_HOSTING: "FALSE",
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
      AWS_REGION: "us-east-1",
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(out["raster"], [64, true, 0.1]);
    assert.equal(out["multipartClose"], 0);
    assert.equal(out["size"], true);
    assert.equal(out["rangedRead"], true);
    assert.match(String(out["etag"]), /^"[0-9a-f]{32}-3"$/, "11 MiB in 5 MB parts");
    assert.equal(out["mkdir"], 0);
    assert.equal(out["madeIsDir"], true);
    assert.equal(out["rename"], 0);
    assert.equal(out["setHeaders"], true);
    assert.deepEqual(out["headers"], ["application/x-test", "blue"]);
    assert.equal(out["setTags"], true);
    assert.deepEqual(out["tags"], { k1: "v1" });
    assert.deepEqual(out["features"], ["alpha", "béta"]);
    assert.deepEqual(out["sync"], [true, true]);
    assert.deepEqual(out["synced"], ["a.txt", "sub/", "sub/b c+d.txt"]);
    assert.deepEqual(out["listing"], ["made", "moved", "raster", "synced", "vec"]);
    assert.equal(out["rmdirRecursive"], 0);
    assert.equal(out["unlinkBatch"], true);
    assert.deepEqual(out["presigned"], [200, true]);
    assert.equal(out["unlink"], 0);
    assert.deepEqual(out["final"], ["raster"]);
  });

  test("s4cmd: mb, recursive put/get, multipart put/get/copy, sync check, mv, dsync, du, del", { skip: hasS4cmd ? false : "s4cmd not installed" }, async () => {
    const bucket = uniqueName("s4cmd");
    const work = join(dir, "s4cmd");
    mkdirSync(join(work, "up", "sub"), { recursive: true });
    const big = randomBytes(11 * 1024 * 1024);
    writeFileSync(join(work, "up", "big.bin"), big);
    writeFileSync(join(work, "up", "sub", "a b+c.txt"), "hi\n");
    const s4 = async (...args: string[]) => {
      const r = await run("/usr/bin/s4cmd", ["--endpoint-url", nimbus.url, ...args], { S3_ACCESS_KEY: ACCESS_KEY, S3_SECRET_KEY: TEST_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION: "us-east-1" }, work);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /Failure|Exception/, args.join(" "));
      return r.stdout;
    };
    const parts = ["--multipart-split-size=5242880", "--max-singlepart-upload-size=5242880", "--max-singlepart-download-size=5242880", "--max-singlepart-copy-size=5242880"];
    await s4("mb", `s3://${bucket}`);
    await s4("put", "-r", "up", `s3://${bucket}/data/`);
    assert.match(await s4("ls", "-r", `s3://${bucket}/`), /\s3 s3:\/\/[^/]+\/data\/up\/sub\/a b\+c\.txt/);
    assert.match(await s4("du", "-r", `s3://${bucket}/data/`), new RegExp(`^${big.length + 3}\\s`));
    await s4("get", "-r", `s3://${bucket}/data/up`, "down");
    assert.equal(readFileSync(join(work, "down", "sub", "a b+c.txt"), "utf8"), "hi\n");
    assert.equal(md5Hex(readFileSync(join(work, "down", "big.bin"))), md5Hex(big));

    await s4("put", ...parts, "up/big.bin", `s3://${bucket}/mp/big.bin`);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "mp/big.bin" }));
    assert.match(head.ETag ?? "", /^"[0-9a-f]{32}-3"$/);
    await s4("get", ...parts, `s3://${bucket}/mp/big.bin`, "big.dl");
    assert.equal(md5Hex(readFileSync(join(work, "big.dl"))), md5Hex(big));
    // -s compares the local file with the object (the md5 s4cmd stored with its multipart upload).
    assert.match(await s4("put", "-s", ...parts, "up/big.bin", `s3://${bucket}/mp/big.bin`), /\(synced\)/);
    await s4("cp", ...parts, `s3://${bucket}/mp/big.bin`, `s3://${bucket}/mp/copy.bin`);
    await s4("mv", `s3://${bucket}/mp/copy.bin`, `s3://${bucket}/mp/moved.bin`);
    await s4("get", `s3://${bucket}/mp/moved.bin`, "moved.dl");
    assert.equal(md5Hex(readFileSync(join(work, "moved.dl"))), md5Hex(big));
    assert.deepEqual(
      (await s4("ls", `s3://${bucket}/mp/`)).trim().split("\n").map((l) => l.split(/\s+/).slice(2).join(" ")),
      [`${big.length} s3://${bucket}/mp/big.bin`, `${big.length} s3://${bucket}/mp/moved.bin`],
    );
    await s4("dsync", "up", `s3://${bucket}/ds/`);
    assert.match(await s4("dsync", "up", `s3://${bucket}/ds/`), /big\.bin \(synced\)/);
    await s4("del", "-r", `s3://${bucket}/`);
    assert.equal((await s4("ls", "-r", `s3://${bucket}/`)).trim(), "");
  });

  test("smart_open: streamed multipart write, seeking reads, gzip text, empty object, NoSuchKey", { skip: hasSmartOpen ? false : "python3-smart-open not installed" }, async () => {
    const bucket = uniqueName("smartopen");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const r = await run(PYTHON, [join(SCRIPTS, "smart-open.py"), nimbus.url, bucket], { AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY });
    assert.equal(r.code, 0, r.stderr);
    const { etag, ...out } = JSON.parse(r.stdout) as { etag: string };
    assert.match(etag, /^"[0-9a-f]{32}-2"$/, "1 MB writes gathered into two parts of at least 5 MiB");
    assert.deepEqual(out, {
      length: true,
      read: true,
      seek: true,
      seekEnd: true,
      text: ["línea 1", "line 2"],
      gzip: true,
      emptyLength: 0,
      emptyRead: true,
      uploadsLeft: 0,
      missing: true,
    });
  });

  test("apt-transport-s3: apt's S3 method fetches repository files, virtual-hosted over HTTPS, signed by its own signer", { skip: hasAptS3 ? false : "apt-transport-s3 or openssl not installed" }, async () => {
    // The method speaks only https://<bucket>.<Endpoint>: a CONNECT proxy (https_proxy) ends TLS
    // with a certificate for *.localhost and hands the request to Nimbus, Host header unchanged.
    const bucket = uniqueName("apt");
    const work = join(dir, "apt");
    mkdirSync(work);
    const made = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(work, "key.pem"), "-out", join(work, "cert.pem"), "-days", "1", "-subj", "/CN=localhost", "-addext", `subjectAltName=DNS:${bucket}.localhost`]);
    assert.equal(made.status, 0, made.stderr?.toString());
    const key = readFileSync(join(work, "key.pem"));
    const cert = readFileSync(join(work, "cert.pem"));
    const nimbusPort = Number(new URL(nimbus.url).port);
    const proxy = net.createServer((client) => {
      client.once("data", () => {
        client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        const secure = new tls.TLSSocket(client, { isServer: true, key, cert });
        const upstream = net.connect(nimbusPort, "127.0.0.1");
        secure.pipe(upstream).pipe(secure);
        // The method closes its connections abruptly; that is no failure of the test.
        secure.on("error", () => upstream.destroy());
        upstream.on("error", () => secure.destroy());
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const deb = randomBytes(3000);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "repo/Release", Body: "Origin: nimbus\nSuite: ./\n" }));
      // apt's file names carry "+" and "~"; the method percent-encodes the "+".
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "repo/pool/hello_1.0+b1~rc1_all.deb", Body: deb }));
      writeFileSync(join(work, "s3auth.conf"), `AccessKeyId = ${ACCESS_KEY}\nSecretAccessKey = ${TEST_SECRET_ACCESS_KEY}\nRegion = us-east-1\nEndpoint = localhost\n`);
      const acquire = (path: string, file: string) => `600 URI Acquire\nURI: s3://${bucket}/${path}\nFilename: ${join(work, file)}\n\n`;
      const { port } = proxy.address() as net.AddressInfo;
      const r = await run(
        PYTHON,
        [APT_S3, join(work, "s3auth.conf")],
        { https_proxy: `http://127.0.0.1:${port}`, SSL_CERT_FILE: join(work, "cert.pem") },
        work,
        acquire("repo/Release", "Release") + acquire("repo/pool/hello_1.0+b1~rc1_all.deb", "hello.deb") + acquire("repo/missing", "missing"),
      );
      assert.equal(r.code, 0, r.stderr);
      const messages = r.stdout.split("\n\n").filter((m) => /^(201|400) /.test(m));
      assert.equal(messages.length, 3, r.stdout);
      assert.match(messages[0] ?? "", /^201 URI Done\n[^]*\nSize: 25\n/);
      assert.match(messages[1] ?? "", new RegExp(`^201 URI Done\\n[^]*\\nMD5-Hash: ${md5Hex(deb)}\\n`));
      assert.match(messages[2] ?? "", /^400 URI Failure\n[^]*\nMessage: 404  Not Found  \[NoSuchKey\] The specified key does not exist\.\nFailReason: HttpError404/);
      assert.equal(readFileSync(join(work, "Release"), "utf8"), "Origin: nimbus\nSuite: ./\n");
      assert.equal(md5Hex(readFileSync(join(work, "hello.deb"))), md5Hex(deb));
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
