/** `nimbus start` as a user runs it: ready fast, prints where it is, stops cleanly on a signal. */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
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
