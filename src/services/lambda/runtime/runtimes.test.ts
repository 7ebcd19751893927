import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsError } from "../../../core/errors.js";
import { defaultRuntimeDir, EntrypointError, planSpawn, PythonLocator, runtimeInfo, type RuntimeSettings } from "./runtimes.js";
import type { FunctionSpec } from "./types.js";

let base: string;
before(async () => {
  base = await mkdtemp(join(tmpdir(), "nimbus-runtimes-"));
});
after(async () => {
  await rm(base, { recursive: true, force: true });
});

const settings = (): RuntimeSettings => ({
  baseDir: join(base, "engine"),
  runtimeDir: "/nimbus/runtime",
  sdkNodeModules: "/nimbus/node_modules",
  endpointUrl: "http://localhost:4566",
  xrayDaemonAddress: "127.0.0.1:2000",
  nodeExecutable: "/opt/node/bin/node",
  python: new PythonLocator("/usr/bin/python3"),
});
const identity = { logGroupName: "/aws/lambda/fn", logStreamName: "2024/01/15/[$LATEST]abc", tmpDir: "/env/tmp" };
const fn = (extra: Partial<FunctionSpec>): FunctionSpec => ({
  name: "fn",
  arn: "arn:aws:lambda:eu-west-1:000000000000:function:fn",
  version: "7",
  runtime: "nodejs20.x",
  handler: "index.handler",
  codeDir: join(base, "code"),
  timeout: 3,
  memorySize: 1024,
  region: "eu-west-1",
  ...extra,
});

describe("runtimeInfo", () => {
  test("maps runtime identifiers to a family and version", () => {
    assert.deepEqual(runtimeInfo("nodejs24.x"), { family: "node", version: "24" });
    assert.deepEqual(runtimeInfo("python3.13"), { family: "python", version: "3.13" });
    assert.deepEqual(runtimeInfo("provided.al2023"), { family: "provided", version: "al2023" });
    assert.deepEqual(runtimeInfo("provided"), { family: "provided", version: "al1" });
    assert.throws(
      () => runtimeInfo("ruby3.3"),
      (err: unknown) => err instanceof AwsError && err.code === "InvalidParameterValueException" && err.status === 400,
    );
  });
});

describe("defaultRuntimeDir", () => {
  test("finds the runtime clients beside the module, or in src/ for a module compiled to dist/", () => {
    const present = new Set(["/repo/src/services/lambda/runtime/node-bootstrap.mjs"]);
    const exists = (p: string): boolean => present.has(p);
    assert.equal(defaultRuntimeDir("/repo/src/services/lambda/runtime", exists), "/repo/src/services/lambda/runtime");
    assert.equal(defaultRuntimeDir("/repo/dist/src/services/lambda/runtime", exists), "/repo/src/services/lambda/runtime");
  });
});

describe("planSpawn", () => {
  test("Node.js: the machine's node runs the bootstrap with Lambda's variables; reserved ones win", async () => {
    const plan = await planSpawn(
      fn({
        environment: { TZ: "Asia/Tokyo", AWS_REGION: "mars-1", TMPDIR: "/mine", NODE_PATH: "/custom", APP: "x" },
        credentials: { accessKeyId: "AKID", secretAccessKey: "SECRET" },
        logFormat: "JSON",
        applicationLogLevel: "warn",
      }),
      identity,
      settings(),
    );
    assert.equal(plan.command, "/opt/node/bin/node");
    assert.deepEqual(plan.args, ["--expose-gc", "--max-old-space-size=921", "/nimbus/runtime/node-bootstrap.mjs"]);
    const env = plan.env;
    assert.equal(env.APP, "x");
    assert.equal(env.TZ, ":UTC");
    assert.equal(env.AWS_REGION, "eu-west-1");
    // Unreserved variables are the function's to override.
    assert.equal(env.TMPDIR, "/mine");
    assert.equal(env.NODE_PATH, "/custom");
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, "7");
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, "1024");
    assert.equal(env.AWS_LAMBDA_LOG_STREAM_NAME, identity.logStreamName);
    assert.equal(env.AWS_ACCESS_KEY_ID, "AKID");
    assert.equal(env.AWS_SESSION_TOKEN, undefined);
    assert.equal(env.AWS_EXECUTION_ENV, "AWS_Lambda_nodejs20.x");
    assert.equal(env.AWS_LAMBDA_LOG_FORMAT, "JSON");
    assert.equal(env.AWS_LAMBDA_LOG_LEVEL, "WARN");
    assert.equal(env.AWS_XRAY_DAEMON_ADDRESS, "127.0.0.1:2000");
    assert.equal(env._AWS_XRAY_DAEMON_ADDRESS, "127.0.0.1");
    assert.equal(env._AWS_XRAY_DAEMON_PORT, "2000");
    assert.equal(env.PATH?.split(":")[0], "/opt/node/bin");
    assert.equal(env._NIMBUS_OPT_DIR, undefined);
  });

  test("Node.js search path without layers: the bundled SDK, the runtime dir, the code", async () => {
    const plan = await planSpawn(fn({}), identity, settings());
    assert.equal(plan.env.NODE_PATH, ["/nimbus/node_modules", "/nimbus/runtime", join(base, "code")].join(":"));
    assert.equal(plan.env.TMPDIR, "/env/tmp");
    assert.equal(plan.runtimeVersion, `nodejs:20.v${process.versions.node}`);
  });

  test("Python: the located interpreter runs the bootstrap, PYTHONPATH starts with the code", async () => {
    const plan = await planSpawn(fn({ runtime: "python3.12", handler: "app.handler" }), identity, settings());
    assert.equal(plan.command, "/usr/bin/python3");
    assert.deepEqual(plan.args, ["/nimbus/runtime/python-bootstrap.py"]);
    assert.equal(plan.env.PYTHONPATH, join(base, "code"));
    assert.equal(plan.env.AWS_EXECUTION_ENV, "AWS_Lambda_python3.12");
    assert.equal(plan.env.PATH?.split(":")[0], "/usr/bin");
  });

  test("provided: the package's bootstrap, no AWS_EXECUTION_ENV; without one, Runtime.InvalidEntrypoint", async () => {
    const codeDir = join(base, "custom");
    await mkdir(codeDir, { recursive: true });
    await assert.rejects(
      planSpawn(fn({ runtime: "provided.al2", codeDir }), identity, settings()),
      (err: unknown) => err instanceof EntrypointError && err.message === "Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]",
    );
    await writeFile(join(codeDir, "bootstrap"), "#!/bin/sh\n", { mode: 0o755 });
    const plan = await planSpawn(
      fn({ runtime: "provided.al2", codeDir, credentials: { accessKeyId: "A", secretAccessKey: "S", sessionToken: "T" } }),
      identity,
      settings(),
    );
    assert.equal(plan.command, join(codeDir, "bootstrap"));
    assert.deepEqual(plan.args, []);
    assert.equal(plan.env.AWS_EXECUTION_ENV, undefined);
    assert.equal(plan.env.AWS_SESSION_TOKEN, "T");
    assert.equal(plan.env._HANDLER, "index.handler");
  });
});
