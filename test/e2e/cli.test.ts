/** `nimbus start` as a user runs it: ready fast, prints where it is, stops cleanly on a signal. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../../bin/nimbus.js", import.meta.url));

test("nimbus start prints endpoint, data dir and services, serves, and exits 0 on SIGTERM", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-cli-"));
  const child = spawn(process.execPath, [bin, "start", "--port", "0", "--host", "127.0.0.1", "--data-dir", dataDir, "--log-level", "warn"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /endpoint:\s+(\S+)/.exec(out);
      if (m?.[1] && out.includes("services:")) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  assert.match(out, /^Nimbus \d+\.\d+\.\d+ ready in \d+ ms/);
  assert.ok(out.includes(`data dir:  ${dataDir}`), out);
  assert.match(out, /services:\s+sts/);
  const health = (await (await fetch(`${endpoint}/_nimbus/health`)).json()) as { services: Record<string, string> };
  assert.equal(health.services["sts"], "available");
  const code = await new Promise<number | null>((resolve) => {
    child.on("exit", (c) => resolve(c));
    child.kill("SIGTERM");
  });
  assert.equal(code, 0);
  rmSync(dataDir, { recursive: true, force: true });
});

test("nimbus --help documents every flag with its environment variable", async () => {
  const child = spawn(process.execPath, [bin, "--help"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.on("exit", resolve));
  for (const [flag, env] of [["--port", "NIMBUS_PORT"], ["--data-dir", "NIMBUS_DATA_DIR"], ["--in-memory", "NIMBUS_IN_MEMORY"], ["--log-level", "NIMBUS_LOG_LEVEL"], ["--host", "NIMBUS_HOST"], ["--max-body-size", "NIMBUS_MAX_BODY_SIZE"]] as const) {
    assert.match(out, new RegExp(`${flag}\\s+${env}`));
  }
});
