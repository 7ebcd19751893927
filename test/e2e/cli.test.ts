/** `nimbus start` as a user runs it: ready fast, prints where it is, stops cleanly on a signal. */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { GetAccountSettingsCommand, LambdaClient } from "@aws-sdk/client-lambda";

/** bin/nimbus.js (which runs the built dist/), found from test/e2e or from its compiled copy. */
function findBin(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "bin", "nimbus.js");
  }
  throw new Error("no package.json above the test");
}

const bin = findBin();

/** Waits for `nimbus start`'s banner (through the services line): the endpoint it names, and the banner. */
function started(child: ChildProcess): Promise<{ endpoint: string; banner: string }> {
  let out = "";
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /endpoint:\s+(\S+)/.exec(out);
      if (m?.[1] && out.includes("services:")) resolve({ endpoint: m[1], banner: out });
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

/** SIGTERM, then the exit code. */
function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.on("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

test("nimbus start prints endpoint, data dir and services, serves, and exits 0 on SIGTERM", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-cli-"));
  const child = spawn(process.execPath, [bin, "start", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir, "--log-level", "warn"], { stdio: ["ignore", "pipe", "pipe"] });
  const { endpoint, banner: out } = await started(child);
  assert.match(out, /^Nimbus \d+\.\d+\.\d+ ready in \d+ ms/);
  assert.ok(out.includes(`data dir:  ${dataDir}`), out);
  assert.match(out, /services:\s+sts/);
  const health = (await (await fetch(`${endpoint}/_nimbus/health`)).json()) as { services: Record<string, string> };
  assert.equal(health.services["sts"], "available");
  assert.equal(await stop(child), 0);
  rmSync(dataDir, { recursive: true, force: true });
});

test("nimbus --help documents every flag with its environment variable", async () => {
  const child = spawn(process.execPath, [bin, "--help"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.on("exit", resolve));
  for (const [flag, env] of [
    ["--port", "NIMBUS_PORT"],
    ["--data-dir", "NIMBUS_DATA_DIR"],
    ["--in-memory", "NIMBUS_IN_MEMORY"],
    ["--log-level", "NIMBUS_LOG_LEVEL"],
    ["--host", "NIMBUS_HOST"],
    ["--max-body-size", "NIMBUS_MAX_BODY_SIZE"],
    ["--lambda-max-environments", "NIMBUS_LAMBDA_MAX_ENVIRONMENTS"],
    ["--lambda-max-environments-per-function", "NIMBUS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION"],
    ["--lambda-account-concurrency", "NIMBUS_LAMBDA_ACCOUNT_CONCURRENCY"],
  ] as const) {
    assert.match(out, new RegExp(`${flag}\\s+${env}`));
  }
});

test("nimbus start takes the Lambda settings from flags and NIMBUS_LAMBDA_* variables, prints them, and serves by them", async () => {
  const child = spawn(process.execPath, [bin, "start", "--port", "0", "--host", "127.0.0.1", "--in-memory", "--log-level", "warn", "--lambda-max-environments", "250"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NIMBUS_LAMBDA_MAX_ENVIRONMENTS: "7", NIMBUS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION: "240", NIMBUS_LAMBDA_ACCOUNT_CONCURRENCY: "3000" },
  });
  const { endpoint, banner: out } = await started(child);
  try {
    assert.ok(out.includes("  lambda:    at most 240 environments per function version, 250 in all; account concurrency 3000\n"), out);
    const lambda = new LambdaClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "secret" } });
    const settings = await lambda.send(new GetAccountSettingsCommand({}));
    lambda.destroy();
    assert.equal(settings.AccountLimit?.ConcurrentExecutions, 3000);
    assert.equal(settings.AccountLimit?.UnreservedConcurrentExecutions, 3000);
  } finally {
    await stop(child);
  }
});

test("nimbus start refuses a Lambda setting that is not a whole number, naming the flag", async () => {
  const child = spawn(process.execPath, [bin, "start", "--in-memory"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NIMBUS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION: "many" } });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  assert.equal(code, 2);
  assert.equal(err, `--lambda-max-environments-per-function must be a whole number of 1 or more, not "many"\n`);
});

/** `nimbus start` with `args` that cannot start: its exit code and what it printed on stderr. */
async function refusedStart(args: string[]): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [bin, "start", "--log-level", "warn", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  return { code, err };
}

test("nimbus start refuses a data dir another Nimbus holds and a port in use, saying what to do, and a kill -9 leaves nothing to clean up", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-cli-"));
  const first = spawn(process.execPath, [bin, "start", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir, "--log-level", "warn"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const { endpoint } = await started(first);
    const port = new URL(endpoint).port;
    const sameDir = await refusedStart(["--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir]);
    assert.equal(sameDir.code, 1);
    assert.equal(
      sameDir.err,
      `nimbus: the data dir ${dataDir} is in use by another Nimbus (process ${first.pid}). Stop it, or give this one its own --data-dir ` +
        `(or --in-memory). If no Nimbus runs there, remove ${join(dataDir, "nimbus.pid")}.\n`,
    );
    const samePort = await refusedStart(["--port", port, "--host", "127.0.0.1", "--in-memory"]);
    assert.equal(samePort.code, 1);
    assert.equal(samePort.err, `nimbus: cannot listen on 127.0.0.1:${port}: the port is in use by another program (another Nimbus?). Stop it, or choose another port with --port.\n`);
    // The first is untouched by both.
    assert.equal((await fetch(`${endpoint}/_nimbus/health`)).status, 200);
  } finally {
    await new Promise((resolve) => {
      first.on("exit", resolve);
      first.kill("SIGKILL");
    });
  }
  // Its lock file stays behind; its process is gone, so the next start takes the data dir over.
  assert.ok(existsSync(join(dataDir, "nimbus.pid")));
  const next = spawn(process.execPath, [bin, "start", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir, "--log-level", "warn"], { stdio: ["ignore", "pipe", "pipe"] });
  await started(next);
  assert.equal(await stop(next), 0);
  assert.equal(existsSync(join(dataDir, "nimbus.pid")), false);
  rmSync(dataDir, { recursive: true, force: true });
});

test("nimbus start refuses a data dir that is a file, or whose database is not one, saying so", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nimbus-cli-"));
  try {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const notDir = await refusedStart(["--port", "0", "--data-dir", file]);
    assert.equal(notDir.code, 1);
    assert.match(notDir.err, new RegExp(`^nimbus: the data dir ${file} is not a directory \\(EEXIST: .*\\)\\. Choose another --data-dir\\.\\n$`));
    const damaged = join(dir, "damaged");
    mkdirSync(damaged);
    writeFileSync(join(damaged, "nimbus.db"), Buffer.alloc(8192, 7));
    const notDb = await refusedStart(["--port", "0", "--data-dir", damaged]);
    assert.equal(notDb.code, 1);
    assert.equal(
      notDb.err,
      `nimbus: ${join(damaged, "nimbus.db")} is not a Nimbus database or is damaged (file is not a database). Move it away to start on an empty data dir, or choose another --data-dir.\n`,
    );
    // Refused, not taken: the file and nothing else.
    assert.deepEqual(readdirSync(damaged), ["nimbus.db"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("nimbus start closes cleanly on a SIGTERM sent the moment its banner is read", async () => {
  // Before, the signal handlers came after the banner: most such SIGTERMs killed the process unclosed.
  for (let i = 0; i < 5; i++) {
    const child = spawn(process.execPath, [bin, "start", "--port", "0", "--host", "127.0.0.1", "--in-memory", "--log-level", "warn"], { stdio: ["ignore", "pipe", "pipe"] });
    await started(child);
    assert.equal(await stop(child), 0);
  }
});
