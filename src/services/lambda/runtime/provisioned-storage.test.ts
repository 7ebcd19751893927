/**
 * The engine's provisioned environments (provision) and the EphemeralStorage limit on /tmp.
 * Real processes: waits are bounded and only for processes starting or ending.
 */
import assert from "node:assert/strict";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { systemClock } from "../../../core/clock.js";
import { directorySize } from "./environment.js";
import { createEngine, type Engine, type FunctionSpec, type InvokeResult } from "./environments.js";
import { waitUntil } from "./test-helpers.js";

const REGION = "us-east-1";

let base: string;
let engine: Engine;
let dirs = 0;

before(async () => {
  base = await mkdtemp(join(tmpdir(), "nimbus-lambda-limits-"));
  // Sampling /tmp every 50 ms so a writer that never returns is stopped quickly.
  engine = createEngine({ endpointUrl: "http://127.0.0.1:4566", clock: systemClock, baseDir: join(base, "engine"), storageCheckIntervalMs: 50 });
});
after(async () => {
  await engine.shutdown();
  await rm(base, { recursive: true, force: true });
});

async function code(files: Record<string, string>): Promise<string> {
  const dir = join(base, "code", String(++dirs));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

function spec(name: string, codeDir: string, extra: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    name,
    arn: `arn:aws:lambda:${REGION}:000000000000:function:${name}`,
    version: "1",
    runtime: "nodejs20.x",
    handler: "index.handler",
    codeDir,
    timeout: 5,
    memorySize: 128,
    region: REGION,
    ...extra,
  };
}

const json = (r: InvokeResult): unknown => JSON.parse(r.payload.toString("utf8"));
const payload = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

const INIT_CODE = `
const initType = process.env.AWS_LAMBDA_INITIALIZATION_TYPE;
exports.handler = async (event) => {
  if (event.exit) process.exit(3);
  if (event.holdMs) await new Promise((r) => setTimeout(r, event.holdMs));
  return { initType, pid: process.pid };
};`;

describe("provisioned environments", () => {
  test("provision starts and initializes environments ahead of invocations; they are warm and used first", async () => {
    const fn = spec("prov", await code({ "index.js": INIT_CODE }));
    const result = await engine.provision(fn, 2);
    assert.deepEqual(result, { ready: 2, failed: 0 });
    const key = `${fn.arn}:1`;
    assert.deepEqual(engine.stats().byFunction[key], { total: 2, busy: 0, idle: 2, waiting: 0, provisioned: 2 });

    const first = await engine.invoke(fn, payload({}));
    assert.equal(first.coldStart, false);
    assert.equal(first.initDurationMs, undefined);
    assert.deepEqual((json(first) as { initType: string }).initType, "provisioned-concurrency");
    // Init's INIT_START line is kept for the environment's first invocation's log events.
    assert.match(first.logEvents[0]?.message ?? "", /^INIT_START Runtime Version: nodejs:20/);

    // Calling again with the same count keeps the same processes.
    assert.deepEqual(await engine.provision(fn, 2), { ready: 2, failed: 0 });
    assert.equal(engine.stats().byFunction[key]?.total, 2);

    // Reaping for idleness leaves provisioned environments alone.
    assert.equal(await engine.reap(), 0);
  });

  test("a provisioned environment that dies is replaced; provision(0) ends them all", async () => {
    const fn = spec("prov-replace", await code({ "index.js": INIT_CODE }));
    await engine.provision(fn, 1);
    const key = `${fn.arn}:1`;
    const died = await engine.invoke(fn, payload({ exit: true }));
    assert.equal(died.functionError, "Unhandled");
    assert.ok(await waitUntil(() => engine.stats().byFunction[key]?.provisioned === 1 && engine.stats().byFunction[key]?.idle === 1));
    const next = await engine.invoke(fn, payload({}));
    assert.equal((json(next) as { initType: string }).initType, "provisioned-concurrency");
    assert.notEqual(next.environmentId, died.environmentId);

    assert.deepEqual(await engine.provision(fn, 0), { ready: 0, failed: 0 });
    assert.ok(await waitUntil(() => engine.stats().byFunction[key] === undefined));
  });

  test("an Init that fails is reported, and not retried in a loop", async () => {
    const fn = spec("prov-fail", await code({ "index.js": "throw new Error('no init');" }));
    const result = await engine.provision(fn, 1);
    assert.equal(result.ready, 0);
    assert.equal(result.failed, 1);
    assert.equal(result.errorType, "Error");
    assert.ok(await waitUntil(() => (engine.stats().byFunction[`${fn.arn}:1`]?.total ?? 0) === 0));
  });
});

describe("ephemeral storage", () => {
  const WRITER = `
const fs = require("node:fs");
const path = require("node:path");
const os = require("node:os");
exports.handler = async (event) => {
  if (event.write) fs.writeFileSync(path.join(os.tmpdir(), event.file ?? "data.bin"), Buffer.alloc(event.write));
  if (event.spin) for (let i = 0; ; i++) { fs.appendFileSync(path.join(os.tmpdir(), "spin.bin"), Buffer.alloc(256 * 1024)); await new Promise((r) => setTimeout(r, 5)); }
  return { files: fs.readdirSync(os.tmpdir()) };
};`;

  test("within the size /tmp is kept; past it the invocation fails like ENOSPC and the environment ends", async () => {
    // The engine takes any size: 1 MB keeps the test small (the API allows 512-10240).
    const fn = spec("tmp-limit", await code({ "index.js": WRITER }), { version: "$LATEST", ephemeralStorage: 1 });
    const small = await engine.invoke(fn, payload({ write: 512 * 1024 }));
    assert.equal(small.functionError, undefined);
    assert.deepEqual(json(small), { files: ["data.bin"] });

    const big = await engine.invoke(fn, payload({ write: 600 * 1024, file: "more.bin" }));
    assert.equal(big.functionError, "Unhandled");
    assert.deepEqual(json(big), { errorType: "Error", errorMessage: "ENOSPC: no space left on device, write" });
    assert.equal(big.environmentId, small.environmentId);
    assert.match(big.logs, /Nimbus: \/tmp holds 1\.1 MB, more than this function's ephemeral storage of 1 MB; on Lambda the write fails with ENOSPC\./);

    const after = await engine.invoke(fn, payload({}));
    assert.equal(after.coldStart, true, "the environment was ended");
    assert.notEqual(after.environmentId, big.environmentId);
    assert.deepEqual(json(after), { files: [] }, "a new environment starts with an empty /tmp");
  });

  test("a writer that keeps going is stopped while it runs", async () => {
    const fn = spec("tmp-spin", await code({ "index.js": WRITER }), { version: "$LATEST", ephemeralStorage: 1, timeout: 30 });
    const started = Date.now();
    const r = await engine.invoke(fn, payload({ spin: true }));
    assert.equal(r.functionError, "Unhandled");
    assert.deepEqual(json(r), { errorType: "Error", errorMessage: "ENOSPC: no space left on device, write" });
    assert.ok(Date.now() - started < 20_000, "stopped long before its 30 s timeout");
  });

  test("Python functions get Python's ENOSPC error", async () => {
    const dir = await code({
      "app.py": "import os, tempfile\ndef handler(event, context):\n    open(os.path.join(tempfile.gettempdir(), 'x.bin'), 'wb').write(b'0' * event['n'])\n    return 'ok'\n",
    });
    const fn = spec("tmp-python", dir, { version: "$LATEST", runtime: "python3.12", handler: "app.handler", ephemeralStorage: 1 });
    const r = await engine.invoke(fn, payload({ n: 2 * 1024 * 1024 }));
    assert.deepEqual(json(r), { errorType: "OSError", errorMessage: "[Errno 28] No space left on device" });
  });

  test("directorySize adds up files in nested directories and stops early past a bound", async () => {
    const dir = await code({ "a.bin": "x".repeat(1000), "sub/b.bin": "y".repeat(500), "sub/deeper/c.bin": "z".repeat(24) });
    assert.equal(await directorySize(dir), 1524);
    assert.ok((await directorySize(dir, 10)) > 10);
    assert.equal(await directorySize(join(dir, "missing")), 0);
  });
});
