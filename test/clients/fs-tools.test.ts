/**
 * S3 clients that turn a bucket into a filesystem or a disk, each with its own wire code, against
 * a Nimbus that verifies every signature: s3fs-fuse (C++ over libcurl: POSIX attributes in
 * x-amz-meta-*, `dir/` objects, rename as CopyObject + DeleteObject, multipart and UploadPartCopy
 * for appends, ListObjects v1 markers and v2), Apache Libcloud's S3 driver (its own SigV4 signer,
 * multipart streams, ranged reads, marker paging) and s3backer (a block device of objects).
 * The FUSE tests skip without /dev/fuse and root; each skips when its tool is not installed.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { S3Client, CreateBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { TEST_SECRET_ACCESS_KEY, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { md5Hex, startClientNimbus } from "./support.js";
import { runProcess, type RunResult } from "../compat/tools.js";

const PYTHON = "/usr/bin/python3";
const ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
// The scripts stay in the source tree; the compiled test runs from dist/test/clients.
const SCRIPTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "test", "clients", "fs-tools");

const fuse = existsSync("/dev/fuse") && process.getuid?.() === 0 && existsSync("/usr/bin/fusermount") ? false : "needs /dev/fuse, fusermount and root";
const hasS3fs = existsSync("/usr/bin/s3fs") ? fuse : "s3fs not installed (Debian s3fs)";
const hasS3backer = existsSync("/usr/bin/s3backer") ? fuse : "s3backer not installed (Debian s3backer)";
const hasLibcloud = existsSync("/usr/lib/python3/dist-packages/libcloud/storage/drivers/s3.py") ? false : "Apache Libcloud not installed (Debian python3-libcloud)";

// Asynchronous on purpose: the Nimbus under test answers from this process's event loop.
function run(command: string, args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  return runProcess(command, args, { env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...env } });
}

const sh = async (script: string): Promise<string> => {
  const r = await run("sh", ["-ec", script]);
  assert.equal(r.code, 0, `${script}\n${r.stderr}`);
  return r.stdout;
};
const mounted = (point: string): boolean => readFileSync("/proc/mounts", "utf8").split("\n").some((l) => l.split(" ")[1] === point);

/** A FUSE daemon in the foreground: mounted once the mount shows, gone once it has flushed and exited. */
async function mountWith(command: string, args: string[], point: string): Promise<{ unmount(): Promise<void> }> {
  const child: ChildProcess = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  for (let i = 0; i < 200 && !mounted(point); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(mounted(point), `${command} did not mount: ${stderr}`);
  return {
    async unmount() {
      await sh(`umount '${point}'`);
      await exited;
    },
  };
}

describe("S3 as a filesystem: s3fs-fuse, Apache Libcloud and s3backer", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let dir: string;
  let port: string;
  let passwd: string;
  before(async () => {
    // The tools sign with the real time; every signature is verified with the clients' secret.
    nimbus = await startClientNimbus();
    s3 = new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true });
    dir = mkdtempSync(join(tmpdir(), "nimbus-fs-tools-"));
    port = new URL(nimbus.url).port;
    passwd = join(dir, "passwd");
    writeFileSync(passwd, `${ACCESS_KEY}:${TEST_SECRET_ACCESS_KEY}\n`, { mode: 0o600 });
  });
  after(async () => {
    s3.destroy();
    for (const point of ["s3fs", "s3backer"].map((p) => join(dir, p))) if (mounted(point)) await run("umount", ["-l", point]);
    rmSync(dir, { recursive: true, force: true });
    await nimbus.close();
  });

  test("s3fs 1.90: shell tools on a mount, multipart, append, rename, attributes, >1000 entries, remount", { skip: hasS3fs }, async () => {
    const bucket = uniqueName("s3fs");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    // A directory listing s3fs must page through (ListObjects v1 with markers, then v2).
    await Promise.all(Array.from({ length: 1003 }, (_, i) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: `many/f${i}`, Body: "x" }))));
    const point = join(dir, "s3fs");
    mkdirSync(point);
    const opts = (extra: string[]) => [bucket, point, "-f", "-o", `url=${nimbus.url}`, "-o", "use_path_request_style", "-o", `passwd_file=${passwd}`, "-o", "multipart_size=5", ...extra];
    const big = randomBytes(12 * 1024 * 1024 + 3);
    writeFileSync(join(dir, "big.bin"), big);

    let mount = await mountWith("s3fs", opts(["-o", "enable_content_md5"]), point);
    await sh(`cd '${point}'
      echo hello > a.txt; chmod 640 a.txt; touch -d '2020-01-02 03:04:05' a.txt; mv a.txt b.txt
      mkdir -p d1/d2/d3; echo x > d1/d2/d3/f; mv d1 d1r
      cp '${join(dir, "big.bin")}' big.bin; echo tail >> big.bin
      echo sp > 'with space + plus %25 é.txt'; ln -s b.txt link; truncate -s 3 'with space + plus %25 é.txt'`);
    assert.equal((await sh(`ls '${point}/many' | wc -l`)).trim(), "1003");
    await mount.unmount();

    mount = await mountWith("s3fs", opts(["-o", "listobjectsv2", "-o", "sigv2"]), point);
    assert.deepEqual((await sh(`cd '${point}' && ls`)).trim().split("\n"), ["b.txt", "big.bin", "d1r", "link", "many", "with space + plus %25 é.txt"]);
    assert.equal((await sh(`stat -c '%a %s %Y' '${point}/b.txt'`)).trim(), "640 6 1577934245");
    assert.equal((await sh(`readlink '${point}/link'; cat '${point}/d1r/d2/d3/f' '${point}/with space + plus %25 é.txt'`)), "b.txt\nx\nsp\n");
    assert.equal((await sh(`md5sum < '${point}/big.bin'`)).split(" ")[0], md5Hex(Buffer.concat([big, Buffer.from("tail\n")])));
    assert.equal((await sh(`ls '${point}/many' | wc -l`)).trim(), "1003");
    await mount.unmount();

    // What s3fs made, as the SDK sees it.
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "d" }))).Contents ?? []).map((o) => o.Key);
    assert.deepEqual(keys, ["d1r/", "d1r/d2/", "d1r/d2/d3/", "d1r/d2/d3/f"]);
    const b = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "b.txt" }));
    assert.deepEqual([b.Metadata?.["mode"], b.Metadata?.["mtime"], b.ContentLength], [String(0o100640), "1577934245", 6]);
    const dirObject = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "d1r/" }));
    assert.deepEqual([dirObject.ContentType, dirObject.Metadata?.["mode"]], ["application/x-directory", String(0o40755)]);
    const link = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "link" }));
    assert.equal(link.Metadata?.["mode"], String(0o120777));
    const bigHead = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: "big.bin" }));
    assert.match(bigHead.ETag ?? "", /-\d+"$/);
  });

  test("Apache Libcloud 3.4 S3 driver: containers, uploads (multipart streams), ranged downloads, listings, errors", { skip: hasLibcloud }, async () => {
    const bucket = uniqueName("libcloud");
    const r = await run(PYTHON, [join(SCRIPTS, "libcloud-s3.py"), port, bucket, dir], { AWS_ACCESS_KEY_ID: ACCESS_KEY, AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const seen = Object.fromEntries(r.stdout.trim().split("\n").map((l) => [l.slice(0, l.indexOf(" ")), l.slice(l.indexOf(" ") + 1)]));
    assert.deepEqual(seen, {
      container: bucket,
      listed_container: "True",
      upload_hash: md5Hex("hello libcloud\n"),
      stream_etag_parts: "3",
      get_small: `15 ${md5Hex("hello libcloud\n")} text/x-test [('owner', 'me')]`,
      get_big: "12582917 application/x-big [('k', 'v')]",
      big_md5_equal: "True",
      download: "True",
      range: "True",
      range_stream_tail: "True",
      count_all: "14",
      count_prefix: "12",
      listed_big: "12582917 True",
      missing_object: "ObjectDoesNotExistError",
      missing_container: "ContainerDoesNotExistError",
      wrong_region: "True",
      delete_small: "True",
      delete_container: "True",
    });
  });

  test("s3backer 1.5.4: a block device of objects survives an unmount byte for byte", { skip: hasS3backer }, async () => {
    const bucket = uniqueName("s3backer");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const point = join(dir, "s3backer");
    mkdirSync(point);
    const args = ["-f", `--baseURL=${nimbus.url}/`, "--size=8M", "--blockSize=128k", `--accessFile=${passwd}`, "--listBlocks", bucket, point];
    const data = randomBytes(3 * 128 * 1024 + 1000);
    writeFileSync(join(dir, "blocks.bin"), data);
    let mount = await mountWith("s3backer", args, point);
    await sh(`dd if='${join(dir, "blocks.bin")}' of='${point}/file' bs=64k seek=5 conv=notrunc,fsync status=none`);
    await mount.unmount();

    // Block objects are named by index; the mount token object is gone after a clean unmount.
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? []).map((o) => o.Key);
    assert.deepEqual(keys, ["00000002", "00000003", "00000004", "00000005"]);

    mount = await mountWith("s3backer", args, point);
    const back = await sh(`dd if='${point}/file' bs=64k skip=5 count=${Math.ceil(data.length / 65536)} status=none | head -c ${data.length} | md5sum`);
    assert.equal(back.split(" ")[0], md5Hex(data));
    assert.equal((await sh(`dd if='${point}/file' bs=64k count=5 status=none | tr -d '\\0' | wc -c`)).trim(), "0");
    await mount.unmount();
  });
});
