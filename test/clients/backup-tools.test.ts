/**
 * Backup and data tools against Nimbus S3, each with its own S3 client: restic 0.14 (minio-go),
 * pgBackRest 2.45 (its own C client and SigV4 signer, HTTPS only), git-annex 10 (the Haskell aws
 * library, SigV2) and duplicity 0.8 (boto3, driven its own way). Signatures are verified. The
 * tools run from Debian's packages (`restic`, `pgbackrest`, `git-annex`, `duplicity`); a test
 * skips when its tool is missing. The scripts in backup-tools/ check their own results (cmp,
 * diff) and stop at the first failing command.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, S3Client } from "@aws-sdk/client-s3";
import { TEST_SECRET_ACCESS_KEY, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { s3ToolSuite } from "./support.js";
import { runProcess } from "../compat/tools.js";

// Compiled to dist/test/clients/: the scripts stay in the source tree.
const SCRIPTS = fileURLToPath(new URL("../../../test/clients/backup-tools/", import.meta.url));

function installed(tool: string): boolean {
  return ["/usr/bin", "/usr/local/bin"].some((dir) => existsSync(join(dir, tool)));
}
function skipUnless(...tools: string[]): { skip?: string } {
  const missing = tools.filter((t) => !installed(t));
  return missing.length === 0 ? {} : { skip: `${missing.join(", ")} not installed` };
}

interface Run {
  readonly code: number;
  readonly out: string;
}

/** Runs a script of backup-tools/ with the test credentials; as `user` (through runuser) if given. */
function runScript(script: string, env: Record<string, string>, user?: string): Promise<Run> {
  const vars: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: env["WORK"] ?? tmpdir(),
    LANG: "C.UTF-8",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: TEST_SECRET_ACCESS_KEY,
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    ...env,
  };
  const path = join(SCRIPTS, script);
  const [command, args] =
    user === undefined ? ["/bin/sh", [path]] : ["runuser", ["-u", user, "--", "env", "-i", ...Object.entries(vars).map(([k, v]) => `${k}=${v}`), "/bin/sh", path]];
  return runProcess(command, args, { env: vars }).then((r) => ({ code: r.code, out: r.stdout + r.stderr }));
}

/**
 * pgBackRest 2.45 speaks only HTTPS to S3 (--repo-storage-verify-tls=n still does TLS): a TLS
 * proxy in front of Nimbus, with a self-signed certificate made in `work`.
 */
async function tlsProxy(work: string, port: number): Promise<tls.Server> {
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(work, "key.pem"), "-out", join(work, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1"], {
    stdio: "ignore",
  });
  const proxy = tls.createServer({ key: readFileSync(join(work, "key.pem")), cert: readFileSync(join(work, "cert.pem")) }, (socket) => {
    const upstream = net.connect(port, "127.0.0.1");
    socket.pipe(upstream).pipe(socket);
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return proxy;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Debian's newest PostgreSQL server binaries, and who runs them: initdb refuses root. */
function postgres(): { bin: string; user?: string } | { skip: string } {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) return { skip: "no PostgreSQL server in /usr/lib/postgresql" };
  const bin = join(root, newest, "bin");
  if (process.getuid?.() !== 0) return { bin };
  try {
    execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
  } catch {
    return { skip: "running as root without a postgres user" };
  }
  return { bin, user: "postgres" };
}

describe("backup tools against Nimbus S3", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let dir: string;
  // The tools sign with the real time; every signature is verified with the clients' secret.
  s3ToolSuite("backup-tools", (suite) => ({ nimbus, s3, dir } = suite));
  const workDir = (name: string) => mkdtempSync(join(dir, `${name}-`));

  test("restic: init, backup past the pack size, check --read-data, restore, forget --prune", skipUnless("restic"), async () => {
    const bucket = uniqueName("restic");
    const r = await runScript("restic.sh", { PORT: String(nimbus.port), BUCKET: bucket, WORK: workDir("restic") });
    assert.equal(r.code, 0, r.out);
    assert.equal(r.out.match(/no errors were found/g)?.length, 2, r.out);
    assert.match(r.out, /removing 1 old packs|\d+ snapshots have been removed|remove 1 snapshots/, r.out);
    const last = JSON.parse(r.out.trim().split("\n").pop() ?? "[]") as { paths: string[] }[];
    assert.equal(last.length, 1, "forget --keep-last 1 left one snapshot");
    const config = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "repo/config" }));
    assert.ok((await config.Body?.transformToByteArray())?.length, "restic's config object");
  });

  test("pgBackRest: repo-put (multipart), repo-ls, repo-get, repo-rm, info over TLS", skipUnless("pgbackrest", "openssl"), async () => {
    const work = workDir("pgbackrest");
    const proxy = await tlsProxy(work, nimbus.port);
    try {
      const bucket = uniqueName("pgbackrest");
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const address = proxy.address() as net.AddressInfo;
      const r = await runScript("pgbackrest.sh", { TLS_PORT: String(address.port), BUCKET: bucket, WORK: work });
      assert.equal(r.code, 0, r.out);
      assert.match(r.out, /"x\/big\.bin":\{"type":"file","size":12000000,/);
      assert.match(r.out, /"x\/s p\+ace=é\.txt":\{"type":"file","size":\d+,/);
      assert.match(r.out, /^hello pg$/m);
      assert.match(r.out, /^big\.bin\ns p\+ace=é\.txt\n/m, "repo-ls after repo-rm");
      assert.match(r.out, /No stanzas exist in the repository\./);
    } finally {
      proxy.close();
    }
  });

  const pg = postgres();
  test(
    "pgBackRest with PostgreSQL: stanza-create, archive-push, full and incremental backup, verify, restore",
    "skip" in pg ? pg : skipUnless("pgbackrest", "openssl"),
    async () => {
      if ("skip" in pg) return;
      // Its own directory, not under the suite's (mkdtemp makes both 0700): the postgres user works in it.
      const work = mkdtempSync(join(tmpdir(), "nimbus-pgbackrest-"));
      const proxy = await tlsProxy(work, nimbus.port);
      try {
        if (pg.user !== undefined) execFileSync("chown", ["-R", pg.user, work]);
        const bucket = uniqueName("pgbackrest-pg");
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        const env = { TLS_PORT: String((proxy.address() as net.AddressInfo).port), BUCKET: bucket, WORK: work, PGBIN: pg.bin, PGPORT: String(await freePort()) };
        const r = await runScript("pgbackrest-postgres.sh", env, pg.user);
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /^rows: 50000$/m);
        const info = JSON.parse(r.out.slice(r.out.indexOf("[{"))) as { status: { code: number }; backup: { type: string }[] }[];
        assert.equal(info[0]?.status.code, 0, JSON.stringify(info));
        assert.deepEqual(
          info[0]?.backup.map((b) => b.type),
          ["full", "incr"],
        );
      } finally {
        proxy.close();
        rmSync(work, { recursive: true, force: true });
      }
    },
  );

  test("git-annex: chunked copy/drop/get/fsck, versioned export with multipart, old version back", skipUnless("git-annex", "git"), async () => {
    const bucket = uniqueName("annex");
    const r = await runScript("git-annex.sh", { PORT: String(nimbus.port), BUCKET: bucket, WORK: workDir("git-annex") });
    assert.equal(r.code, 0, r.out);
    assert.doesNotMatch(r.out, /failed/, r.out);
    assert.match(r.out, /^fsck big\.bin $/m);
    const whereis = JSON.parse(r.out.trim().split("\n").pop() ?? "{}") as { whereis: { description: string }[] };
    assert.deepEqual(
      whereis.whereis.map((w) => w.description).sort(),
      ["[versioned]", "test"],
      "dropped from the chunked remote",
    );
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: `${bucket}-v`, Prefix: "huge.bin" }));
    assert.equal(versions.Versions?.length, 2, "both exports of huge.bin kept");
  });

  test("duplicity: full (multipart), incremental, list, restore, full, remove-all-but-n-full", skipUnless("duplicity"), async () => {
    const bucket = uniqueName("duplicity");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const r = await runScript("duplicity.sh", { ENDPOINT: nimbus.url, BUCKET: bucket, WORK: workDir("duplicity") });
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, / sub\/s p\+ace&\.txt\n/);
    assert.match(r.out, /Deleting backup chain at time:/);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).map((o) => o.Key ?? "");
    const times = new Set(keys.map((k) => /\.(\d{8}T\d{6}Z)\./.exec(k)?.[1]));
    assert.equal(times.size, 1, `only the second full chain is left: ${keys.join(", ")}`);
    assert.deepEqual(
      keys.map((k) => k.replace(/\d{8}T\d{6}Z/, "T")),
      ["back/duplicity-full-signatures.T.sigtar.gz", "back/duplicity-full.T.manifest", "back/duplicity-full.T.vol1.difftar.gz"],
    );
  });
});
