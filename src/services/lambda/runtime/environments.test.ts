import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, mkdir, rm, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { systemClock } from "../../../core/clock.js";
import { ManualClock } from "../../../core/manual-clock.js";
import { createScheduler } from "../../../core/scheduler.js";
import { AwsError } from "../../../core/errors.js";
import { createEngine, type Engine, type FunctionSpec, type InvokeResult } from "./environments.js";
import { extractZip } from "./zip.js";
import { makeZip, processGone, waitUntil } from "./test-helpers.js";

const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const ENDPOINT = "http://127.0.0.1:4566";

let base: string;
let engine: Engine;
let dirCount = 0;

before(async () => {
  base = await mkdtemp(join(tmpdir(), "nimbus-lambda-"));
  engine = createEngine({ endpointUrl: ENDPOINT, clock: systemClock, baseDir: join(base, "engine") });
});
after(async () => {
  await engine.shutdown();
  await rm(base, { recursive: true, force: true });
});

type Files = Record<string, string | { data: string; mode: number }>;

async function code(files: Files): Promise<string> {
  const dir = join(base, "code", String(++dirCount));
  for (const [name, spec] of Object.entries(files)) {
    const file = join(dir, name);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, typeof spec === "string" ? spec : spec.data);
    if (typeof spec !== "string") await chmod(file, spec.mode);
  }
  return dir;
}

function spec(name: string, runtime: string, handler: string, codeDir: string, extra: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    name,
    arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    version: "$LATEST",
    runtime,
    handler,
    codeDir,
    timeout: 3,
    memorySize: 128,
    region: REGION,
    ...extra,
  };
}

const json = (r: InvokeResult): unknown => JSON.parse(r.payload.toString("utf8"));
const event = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

function assertReportLines(r: InvokeResult, memory: number, status = ""): void {
  const id = r.requestId;
  const init = r.initDurationMs !== undefined ? `\\tInit Duration: \\d+\\.\\d{2} ms` : "";
  const pattern = new RegExp(
    `^START RequestId: ${id} Version: \\$LATEST\\n(?:[^\\n]*\\n)*END RequestId: ${id}\\n` +
      `REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d{2} ms\\tBilled Duration: \\d+ ms\\tMemory Size: ${memory} MB\\tMax Memory Used: \\d+ MB${init}${status.replace(/\t/g, "\\t")}\\n$`,
  );
  assert.match(r.logs, pattern);
  assert.equal(r.billedMs, Math.ceil(r.durationMs + (r.initDurationMs ?? 0)));
  assert.ok(r.logs.includes(`Billed Duration: ${r.billedMs} ms`));
}

describe("Node.js runtimes", () => {
  test("a CommonJS handler gets the event and AWS's context object; its environment stays warm", async () => {
    const dir = await code({
      "index.js": `
        let count = 0;
        console.log("init");
        exports.handler = async (event, context) => {
          count++;
          console.log("hello", event.name);
          return {
            count, event,
            awsRequestId: context.awsRequestId,
            functionName: context.functionName,
            functionVersion: context.functionVersion,
            memoryLimitInMB: context.memoryLimitInMB,
            invokedFunctionArn: context.invokedFunctionArn,
            logGroupName: context.logGroupName,
            logStreamName: context.logStreamName,
            remaining: context.getRemainingTimeInMillis(),
            clientContext: context.clientContext,
            identity: context.identity,
            waits: context.callbackWaitsForEmptyEventLoop,
          };
        };`,
    });
    const fn = spec("node-cjs", "nodejs20.x", "index.handler", dir, { memorySize: 256 });
    const arn = `${fn.arn}:live`;
    const first = await engine.invoke(fn, event({ name: "world" }), {
      requestId: "11111111-2222-3333-4444-555555555555",
      invokedFunctionArn: arn,
      clientContext: JSON.stringify({ custom: { tenant: "é" }, env: { locale: "fr" } }),
      cognitoIdentity: JSON.stringify({ cognitoIdentityId: "us-east-1:abc", cognitoIdentityPoolId: "us-east-1:pool" }),
    });
    assert.equal(first.functionError, undefined);
    assert.equal(first.requestId, "11111111-2222-3333-4444-555555555555");
    assert.equal(first.coldStart, true);
    assert.equal(first.executedVersion, "$LATEST");
    const body = json(first) as Record<string, unknown>;
    assert.equal(body.count, 1);
    assert.deepEqual(body.event, { name: "world" });
    assert.equal(body.awsRequestId, first.requestId);
    assert.equal(body.functionName, "node-cjs");
    assert.equal(body.functionVersion, "$LATEST");
    assert.equal(body.memoryLimitInMB, "256");
    assert.equal(body.invokedFunctionArn, arn);
    assert.equal(body.logGroupName, "/aws/lambda/node-cjs");
    assert.equal(body.logStreamName, first.logStreamName);
    assert.match(first.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    assert.ok(typeof body.remaining === "number" && body.remaining > 0 && body.remaining <= 3000);
    assert.deepEqual(body.clientContext, { custom: { tenant: "é" }, env: { locale: "fr" } });
    assert.deepEqual(body.identity, { cognitoIdentityId: "us-east-1:abc", cognitoIdentityPoolId: "us-east-1:pool" });
    assert.equal(body.waits, true);
    assert.ok(first.initDurationMs !== undefined && first.initDurationMs > 0);
    assertReportLines(first, 256);
    assert.match(first.logs, new RegExp(`\\n\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\t${first.requestId}\\tINFO\\thello world\\n`));
    // Init output and INIT_START come before START in the log stream, not in the tail.
    const messages = first.logEvents.map((e) => e.message);
    assert.match(messages[0] ?? "", /^INIT_START Runtime Version: nodejs:20\.v[\d.]+\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:[0-9a-f]{64}\n$/);
    assert.match(messages[1] ?? "", /^\S+\tundefined\tINFO\tinit\n$/);
    assert.equal(first.logGroupName, "/aws/lambda/node-cjs");

    const second = await engine.invoke(fn, event({ name: "again" }));
    assert.equal((json(second) as { count: number }).count, 2);
    assert.equal(second.coldStart, false);
    assert.equal(second.environmentId, first.environmentId);
    assert.equal(second.initDurationMs, undefined);
    assert.equal((json(second) as { clientContext?: unknown }).clientContext, undefined);
    assertReportLines(second, 256);
  });

  test("ES modules: .mjs, and .js under \"type\": \"module\" in a nested directory; the bundled SDK resolves", async () => {
    const dir = await code({
      "index.mjs": `
        import { STSClient } from "@aws-sdk/client-sts";
        import { helper } from "./lib/helper.mjs";
        export const handler = async (event) => ({ sdk: typeof STSClient, helper: helper(event.n) });`,
      "lib/helper.mjs": `export const helper = (n) => n * 2;`,
      "esm/package.json": `{ "type": "module" }`,
      "esm/src/app.js": `export async function handler() { return { kind: typeof require }; }`,
      "cjs.js": `const { STSClient } = require("@aws-sdk/client-sts"); exports.handler = async () => typeof STSClient;`,
    });
    const mjs = await engine.invoke(spec("node-esm", "nodejs22.x", "index.handler", dir), event({ n: 21 }));
    assert.deepEqual(json(mjs), { sdk: "function", helper: 42 });
    const nested = await engine.invoke(spec("node-esm-nested", "nodejs20.x", "esm/src/app.handler", dir), event({}));
    assert.deepEqual(json(nested), { kind: "undefined" });
    const cjs = await engine.invoke(spec("node-cjs-sdk", "nodejs18.x", "cjs.handler", dir), event({}));
    assert.deepEqual(json(cjs), "function");
  });

  test("ES modules in a code directory Nimbus manages find the SDK without any resolve hook", async () => {
    const zip = await makeZip({
      "index.mjs": `import { STSClient } from "@aws-sdk/client-sts"; export const handler = async () => typeof STSClient;`,
    });
    const extracted = await extractZip(zip, join(base, "engine", "code"));
    // An empty NODE_PATH disables the bootstrap's resolve hook: only the link above the code helps.
    const fn = spec("node-esm-managed", "nodejs20.x", "index.handler", extracted.dir, { environment: { NODE_PATH: "" } });
    assert.deepEqual(json(await engine.invoke(fn, event({}))), "function");
  });

  test("callback handlers: the response waits for the event loop unless callbackWaitsForEmptyEventLoop is false", async () => {
    const dir = await code({
      "index.js": `
        exports.waits = (event, context, callback) => {
          setTimeout(() => console.log("timer fired"), 20);
          callback(null, { ok: true });
        };
        exports.nowait = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = false;
          const t = setInterval(() => {}, 1000);
          callback(null, "immediately");
        };
        exports.succeed = (event, context) => { context.succeed({ via: "succeed" }); };
        exports.fails = (event, context, callback) => { callback("plain failure"); };
        exports.nothing = (event, context, callback) => {};`,
    });
    const waits = await engine.invoke(spec("cb-waits", "nodejs20.x", "index.waits", dir), event({}));
    assert.deepEqual(json(waits), { ok: true });
    assert.match(waits.logs, /\tINFO\ttimer fired\nEND RequestId/);
    const nowait = await engine.invoke(spec("cb-nowait", "nodejs20.x", "index.nowait", dir), event({}));
    assert.deepEqual(json(nowait), "immediately");
    const succeed = await engine.invoke(spec("cb-succeed", "nodejs20.x", "index.succeed", dir), event({}));
    assert.deepEqual(json(succeed), { via: "succeed" });
    const fails = await engine.invoke(spec("cb-fails", "nodejs20.x", "index.fails", dir), event({}));
    assert.equal(fails.functionError, "Unhandled");
    assert.equal(fails.payload.toString(), '{"errorType":"string","errorMessage":"plain failure","trace":[]}');
    // A callback handler that never calls back answers null once its event loop is empty.
    const nothing = await engine.invoke(spec("cb-nothing", "nodejs20.x", "index.nothing", dir), event({}));
    assert.equal(nothing.payload.toString(), "null");
    assert.equal(nothing.functionError, undefined);
  });

  test("an unhandled exception comes back as {errorType, errorMessage, trace}; the environment stays warm", async () => {
    const dir = await code({
      "index.js": `
        let calls = 0;
        exports.handler = async (event) => {
          calls++;
          if (event.fail) throw new TypeError("boom " + calls);
          return calls;
        };`,
    });
    const fn = spec("node-throws", "nodejs20.x", "index.handler", dir);
    const failed = await engine.invoke(fn, event({ fail: true }));
    assert.equal(failed.functionError, "Unhandled");
    const text = failed.payload.toString();
    assert.ok(text.startsWith('{"errorType":"TypeError","errorMessage":"boom 1","trace":["TypeError: boom 1","    at '), text);
    const payload = json(failed) as { trace: string[] };
    assert.ok(payload.trace.some((line) => line.includes(join(dir, "index.js"))));
    assert.match(
      failed.logs,
      new RegExp(`\\t${failed.requestId}\\tERROR\\tInvoke Error \\t\\{"errorType":"TypeError","errorMessage":"boom 1","stack":\\["TypeError: boom 1",`),
    );
    assertReportLines(failed, 128);
    const ok = await engine.invoke(fn, event({}));
    assert.equal(ok.coldStart, false);
    assert.equal(json(ok), 2);
  });

  test("an unhandled promise rejection fails the invocation and ends the environment", async () => {
    const dir = await code({ "index.js": `exports.handler = async () => { Promise.reject(new Error("nobody catches me")); await new Promise((r) => setTimeout(r, 50)); return "late"; };` });
    const fn = spec("node-rejects", "nodejs20.x", "index.handler", dir);
    const r = await engine.invoke(fn, event({}));
    assert.equal(r.functionError, "Unhandled");
    const payload = json(r) as { errorType: string; errorMessage: string };
    assert.equal(payload.errorType, "Runtime.UnhandledPromiseRejection");
    assert.equal(payload.errorMessage, "Error: nobody catches me");
    const next = await engine.invoke(fn, event({}));
    assert.equal(next.coldStart, true);
  });

  test("init errors: a missing module, a missing handler, a malformed handler name, a syntax error", async () => {
    const dir = await code({
      "index.js": `console.log("loading"); exports.other = () => 1;`,
      "broken.js": `exports.handler = async () => {`,
    });
    const missing = await engine.invoke(spec("init-missing", "nodejs20.x", "nope.handler", dir), event({}));
    assert.equal(missing.functionError, "Unhandled");
    const m = json(missing) as { errorType: string; errorMessage: string; trace: string[] };
    assert.equal(m.errorType, "Runtime.ImportModuleError");
    assert.match(m.errorMessage, /^Error: Cannot find module 'nope'\nRequire stack:\n- .*node-bootstrap\.mjs$/);
    assert.equal(m.trace[0], "Runtime.ImportModuleError: Error: Cannot find module 'nope'");
    assert.ok(missing.logEvents.some((e) => /^INIT_REPORT Init Duration: \d+\.\d{2} ms\tPhase: init\tStatus: error\tError Type: Runtime\.ImportModuleError\n$/.test(e.message)));
    assert.ok(missing.logEvents.some((e) => /\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Runtime\.ImportModuleError"/.test(e.message)));
    assert.equal(missing.initDurationMs, undefined);
    assertReportLines(missing, 128, "\tStatus: error\tError Type: Runtime.ImportModuleError");

    const notFound = await engine.invoke(spec("init-handler", "nodejs20.x", "index.handler", dir), event({}));
    const nf = json(notFound) as { errorType: string; errorMessage: string };
    assert.deepEqual([nf.errorType, nf.errorMessage], ["Runtime.HandlerNotFound", "index.handler is undefined or not exported"]);
    assert.ok(notFound.logEvents.some((e) => /\tundefined\tINFO\tloading\n$/.test(e.message)));

    const malformed = await engine.invoke(spec("init-malformed", "nodejs20.x", "index", dir), event({}));
    const mf = json(malformed) as { errorType: string; errorMessage: string };
    assert.deepEqual([mf.errorType, mf.errorMessage], ["Runtime.MalformedHandlerName", "Bad handler"]);

    const syntax = await engine.invoke(spec("init-syntax", "nodejs20.x", "broken.handler", dir), event({}));
    const sx = json(syntax) as { errorType: string; errorMessage: string };
    assert.equal(sx.errorType, "Runtime.UserCodeSyntaxError");
    assert.equal(sx.errorMessage, "SyntaxError: Unexpected end of input");
  });

  test("a process that exits is Runtime.ExitError and the next invocation starts cold", async () => {
    const dir = await code({ "index.js": `exports.handler = async (event) => { if (event.exit) process.exit(3); return "alive"; };` });
    const fn = spec("node-exit", "nodejs20.x", "index.handler", dir);
    assert.equal(json(await engine.invoke(fn, event({}))), "alive");
    const crashed = await engine.invoke(fn, event({ exit: true }));
    assert.equal(crashed.functionError, "Unhandled");
    assert.equal(
      crashed.payload.toString(),
      `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${crashed.requestId} Error: Runtime exited with error: exit status 3"}`,
    );
    assert.ok(crashed.logs.includes(`RequestId: ${crashed.requestId} Error: Runtime exited with error: exit status 3\nRuntime.ExitError\n`));
    assertReportLines(crashed, 128, "\tStatus: error\tError Type: Runtime.ExitError");
    const after = await engine.invoke(fn, event({}));
    assert.equal(after.coldStart, true);
    assert.notEqual(after.environmentId, crashed.environmentId);
  });

  test("a response over 6 MB is Function.ResponseSizeTooLarge; the environment survives", async () => {
    const dir = await code({ "index.js": `exports.handler = async (event) => event.big ? "x".repeat(6 * 1024 * 1024 + 99) : "small";` });
    const fn = spec("node-big", "nodejs20.x", "index.handler", dir);
    const big = await engine.invoke(fn, event({ big: true }));
    assert.equal(big.functionError, "Unhandled");
    assert.equal(
      big.payload.toString(),
      '{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes).","errorType":"Function.ResponseSizeTooLarge"}',
    );
    const small = await engine.invoke(fn, event({}));
    assert.equal(json(small), "small");
    assert.equal(small.coldStart, false);
  });

  test("going over the memory size is Runtime.OutOfMemory", async () => {
    const dir = await code({
      "index.js": `exports.handler = async () => { const b = Buffer.alloc(300 * 1024 * 1024, 1); globalThis.keep = b; await new Promise(() => setInterval(() => {}, 1000)); };`,
    });
    const r = await engine.invoke(spec("node-oom", "nodejs20.x", "index.handler", dir, { timeout: 60 }), event({}));
    assert.equal(r.functionError, "Unhandled");
    assert.equal(r.payload.toString(), `{"errorType":"Runtime.OutOfMemory","errorMessage":"RequestId: ${r.requestId} Error: Runtime exited with error: signal: killed"}`);
    assert.equal(r.maxMemoryUsedMb, 128);
    assertReportLines(r, 128, "\tStatus: error\tError Type: Runtime.OutOfMemory");
  });
});

describe("Python runtime", () => {
  test("a module.function handler with the Python context object; warm state survives", async () => {
    const dir = await code({
      "lambda_function.py": [
        "import os, logging",
        "logger = logging.getLogger()",
        "logger.setLevel(logging.INFO)",
        "count = 0",
        "print('cold start')",
        "def handler(event, context):",
        "    global count",
        "    count += 1",
        "    print('hello from python')",
        "    logger.info('structured %s', count)",
        "    return {'count': count, 'event': event, 'requestId': context.aws_request_id,",
        "            'functionName': context.function_name, 'memory': context.memory_limit_in_mb,",
        "            'arn': context.invoked_function_arn, 'version': context.function_version,",
        "            'remaining': 0 < context.get_remaining_time_in_millis() <= 3000,",
        "            'group': context.log_group_name, 'stream': context.log_stream_name,",
        "            'identity': context.identity.cognito_identity_id,",
        "            'custom': context.client_context.custom if context.client_context else None}",
        "",
      ].join("\n"),
    });
    const fn = spec("py-handler", "python3.12", "lambda_function.handler", dir);
    const first = await engine.invoke(fn, event({ a: [1, 2] }), { clientContext: JSON.stringify({ custom: { k: "v" } }) });
    assert.equal(first.functionError, undefined, first.payload.toString());
    assert.ok(first.payload.toString().startsWith('{"count": 1, "event": {"a": [1, 2]}, '));
    assert.deepEqual(json(first), {
      count: 1,
      event: { a: [1, 2] },
      requestId: first.requestId,
      functionName: "py-handler",
      memory: "128",
      arn: fn.arn,
      version: "$LATEST",
      remaining: true,
      group: "/aws/lambda/py-handler",
      stream: first.logStreamName,
      identity: null,
      custom: { k: "v" },
    });
    assert.ok(first.logs.includes("\nhello from python\n"));
    assert.match(first.logs, new RegExp(`\\n\\[INFO\\]\\t\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z\\t${first.requestId}\\tstructured 1\\n`));
    assert.ok(first.logEvents.some((e) => e.message === "cold start\n"));
    assertReportLines(first, 128);
    const second = await engine.invoke(fn, event({}));
    assert.equal((json(second) as { count: number }).count, 2);
    assert.equal(second.coldStart, false);
  });

  test("an exception comes back in AWS's Python shape", async () => {
    const dir = await code({
      "app.py": ["def fail(event, context):", "    raise ValueError('bad input')", ""].join("\n"),
    });
    const r = await engine.invoke(spec("py-error", "python3.11", "app.fail", dir), event({}));
    assert.equal(r.functionError, "Unhandled");
    assert.equal(
      r.payload.toString(),
      JSON.stringify({
        errorMessage: "bad input",
        errorType: "ValueError",
        requestId: r.requestId,
        stackTrace: [`  File "${join(dir, "app.py")}", line 2, in fail\n    raise ValueError('bad input')\n`],
      }).replace(/","/g, '", "').replace(/":"/g, '": "').replace(/":\[/g, '": ['),
    );
    assert.ok(r.logs.includes("[ERROR] ValueError: bad input\nTraceback (most recent call last):\n"));
  });

  test("init errors: a module that does not import, a missing function", async () => {
    const dir = await code({ "present.py": "x = 1\n" });
    const missing = await engine.invoke(spec("py-missing", "python3.12", "absent.handler", dir), event({}));
    assert.equal(missing.functionError, "Unhandled");
    assert.equal(
      missing.payload.toString(),
      `{"errorMessage": "Unable to import module 'absent': No module named 'absent'", "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}`,
    );
    const notFound = await engine.invoke(spec("py-notfound", "python3.12", "present.handler", dir), event({}));
    assert.equal(
      notFound.payload.toString(),
      `{"errorMessage": "Handler 'handler' missing on module 'present'", "errorType": "Runtime.HandlerNotFound", "requestId": "", "stackTrace": []}`,
    );
    assertReportLines(notFound, 128, "\tStatus: error\tError Type: Runtime.HandlerNotFound");
  });
});

describe("custom runtimes (provided)", () => {
  test("runs the package's bootstrap, which speaks the Runtime API itself", async () => {
    const bootstrap = `#!/usr/bin/env node
const http = require("node:http");
const api = process.env.AWS_LAMBDA_RUNTIME_API;
function call(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request("http://" + api + "/2018-06-01/runtime" + path, { method }, (res) => {
      let data = ""; res.on("data", (c) => (data += c)); res.on("end", () => resolve({ headers: res.headers, data }));
    });
    req.on("error", reject); req.end(body);
  });
}
(async () => {
  for (;;) {
    const next = await call("GET", "/invocation/next");
    const id = next.headers["lambda-runtime-aws-request-id"];
    console.log("custom runtime got", id);
    const body = JSON.stringify({ handler: process.env._HANDLER, event: JSON.parse(next.data), cwd: process.cwd() === process.env.LAMBDA_TASK_ROOT });
    await call("POST", "/invocation/" + id + "/response", body);
  }
})();
`;
    const zip = await makeZip({ bootstrap: { data: bootstrap, mode: 0o100755 } });
    const extracted = await extractZip(zip, join(base, "store", "code"));
    const fn = spec("custom", "provided.al2023", "my.handler", extracted.dir);
    const r = await engine.invoke(fn, event({ x: 1 }));
    assert.deepEqual(json(r), { handler: "my.handler", event: { x: 1 }, cwd: true });
    assert.ok(r.logs.includes(`custom runtime got ${r.requestId}\n`));
    assert.match(r.logEvents[0]?.message ?? "", /^INIT_START Runtime Version: provided:al2023\.v1\t/);
    assert.equal((await engine.invoke(fn, event({ x: 2 }))).coldStart, false);
  });

  test("a bootstrap from a layer (/opt/bootstrap) runs when the package has none", async () => {
    const layer = await code({
      bootstrap: {
        data: `#!/usr/bin/env node
const http = require("node:http");
const base = "http://" + process.env.AWS_LAMBDA_RUNTIME_API + "/2018-06-01/runtime";
const call = (method, path, body) => new Promise((resolve) => {
  const req = http.request(base + path, { method }, (res) => { let d = ""; res.on("data", (c) => (d += c)); res.on("end", () => resolve({ h: res.headers, d })); });
  req.end(body);
});
(async () => { for (;;) { const n = await call("GET", "/invocation/next"); await call("POST", "/invocation/" + n.h["lambda-runtime-aws-request-id"] + "/response", JSON.stringify("from layer")); } })();
`,
        mode: 0o755,
      },
    });
    const dir = await code({ "handler.sh": "echo unused" });
    const r = await engine.invoke(spec("custom-layer", "provided.al2", "handler.sh", dir, { layerDirs: [layer] }), event({}));
    assert.equal(json(r), "from layer");
  });

  test("without a bootstrap: Runtime.InvalidEntrypoint", async () => {
    const dir = await code({ "readme.txt": "no bootstrap here" });
    const r = await engine.invoke(spec("custom-none", "provided", "x", dir), event({}));
    assert.equal(r.functionError, "Unhandled");
    assert.equal(
      r.payload.toString(),
      `{"errorType":"Runtime.InvalidEntrypoint","errorMessage":"RequestId: ${r.requestId} Error: Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]"}`,
    );
  });
});

describe("environments", () => {
  test("/tmp persists within an environment and is separate between environments", async () => {
    const dir = await code({
      "index.js": `
        const fs = require("node:fs"), os = require("node:os"), path = require("node:path");
        exports.handler = async (event) => {
          const file = path.join(os.tmpdir(), "marker.txt");
          if (event.write) fs.writeFileSync(file, event.write);
          return { tmp: os.tmpdir(), content: fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null };
        };`,
    });
    const fn = spec("tmp-keeper", "nodejs20.x", "index.handler", dir);
    const wrote = (await engine.invoke(fn, event({ write: "kept" }))) as InvokeResult;
    const read = await engine.invoke(fn, event({}));
    assert.deepEqual(json(read), { tmp: (json(wrote) as { tmp: string }).tmp, content: "kept" });
    const other = await engine.invoke(spec("tmp-other", "nodejs20.x", "index.handler", dir), event({}));
    assert.notEqual((json(other) as { tmp: string }).tmp, (json(read) as { tmp: string }).tmp);
    assert.equal((json(other) as { content: unknown }).content, null);
  });

  test("concurrent invocations run in several environments, up to the concurrency limit", async () => {
    // A barrier the function calls: it answers only once three invocations wait at it, which
    // can only happen if three environments run at the same time.
    const arrived: http.ServerResponse[] = [];
    const barrier = http.createServer((_req, res) => {
      arrived.push(res);
      if (arrived.length === 3) for (const r of arrived.splice(0)) r.end("go");
    });
    await new Promise<void>((r) => barrier.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(barrier.address() as { port: number }).port}/`;
    const dir = await code({
      "index.js": `exports.handler = async (event) => { if (event.barrier) await (await fetch(process.env.BARRIER_URL)).text(); return process.pid; };`,
    });
    const fn = spec("concurrent", "nodejs20.x", "index.handler", dir, { environment: { BARRIER_URL: url } });
    const results = await Promise.all([1, 2, 3].map(() => engine.invoke(fn, event({ barrier: true }))));
    barrier.close();
    assert.equal(new Set(results.map((r) => r.environmentId)).size, 3);
    assert.equal(new Set(results.map((r) => json(r))).size, 3);
    assert.ok(results.every((r) => r.coldStart));
    assert.deepEqual(engine.stats().byFunction[`${fn.arn}:$LATEST`], { total: 3, busy: 0, idle: 3, waiting: 0, provisioned: 0 });
    const warm = await engine.invoke(fn, event({}));
    assert.equal(warm.coldStart, false);
    assert.ok(results.some((r) => r.environmentId === warm.environmentId));

    const limited = spec("limited", "nodejs20.x", "index.handler", dir);
    const serial = await Promise.all([1, 2, 3].map(() => engine.invoke(limited, event({}), { concurrencyLimit: 1 })));
    assert.equal(new Set(serial.map((r) => r.environmentId)).size, 1);
    assert.deepEqual(serial.map((r) => r.coldStart), [true, false, false]);
  });

  test("the environment variables Lambda sets, the function's own, and layers on the search paths", async () => {
    const layer = await code({
      "nodejs/node_modules/layer-lib/index.js": `module.exports = "from layer";`,
      "python/layer_mod.py": `VALUE = 'python layer'\n`,
      "bin/layer-tool": { data: "#!/bin/sh\necho tool\n", mode: 0o755 },
    });
    const dir = await code({
      "index.js": `exports.handler = async () => ({ env: process.env, layer: require("layer-lib"), tz: new Date(0).getTimezoneOffset() });`,
      "app.py": "import os, layer_mod\ndef handler(e, c):\n    return {'layer': layer_mod.VALUE, 'path': os.environ['PYTHONPATH']}\n",
    });
    const credentials = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token" };
    const fn = spec("env-vars", "nodejs20.x", "index.handler", dir, {
      environment: { MY_SETTING: "on", TZ: "Europe/Paris" },
      credentials,
      layerDirs: [layer],
      memorySize: 512,
    });
    const r = await engine.invoke(fn, event({}));
    const out = json(r) as { env: Record<string, string>; layer: string; tz: number };
    const env = out.env;
    assert.equal(out.layer, "from layer");
    assert.equal(out.tz, 0);
    assert.equal(env.MY_SETTING, "on");
    assert.equal(env.TZ, ":UTC"); // reserved: the function cannot override it
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, "env-vars");
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, "$LATEST");
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, "512");
    assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, "/aws/lambda/env-vars");
    assert.equal(env.AWS_LAMBDA_LOG_STREAM_NAME, r.logStreamName);
    assert.equal(env.AWS_REGION, REGION);
    assert.equal(env.AWS_DEFAULT_REGION, REGION);
    assert.equal(env.AWS_EXECUTION_ENV, "AWS_Lambda_nodejs20.x");
    assert.equal(env.AWS_LAMBDA_INITIALIZATION_TYPE, "on-demand");
    assert.match(env.AWS_LAMBDA_RUNTIME_API ?? "", /^127\.0\.0\.1:\d+$/);
    assert.equal(env.LAMBDA_TASK_ROOT, dir);
    assert.ok(env.LAMBDA_RUNTIME_DIR);
    assert.equal(env._HANDLER, "index.handler");
    assert.equal(env.AWS_ACCESS_KEY_ID, "ASIAEXAMPLE");
    assert.equal(env.AWS_SECRET_ACCESS_KEY, "secret");
    assert.equal(env.AWS_SESSION_TOKEN, "token");
    assert.equal(env.AWS_ENDPOINT_URL, ENDPOINT);
    assert.equal(env.LANG, "en_US.UTF-8");
    assert.match(env._X_AMZN_TRACE_ID ?? "", /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    assert.ok(env.TMPDIR?.startsWith(join(base, "engine")));
    const opt = env._NIMBUS_OPT_DIR ?? "";
    assert.ok(opt.startsWith(join(base, "engine", "opt")));
    assert.deepEqual((env.NODE_PATH ?? "").split(":").slice(0, 2), [join(opt, "nodejs/node20/node_modules"), join(opt, "nodejs/node_modules")]);
    assert.ok((env.PATH ?? "").endsWith(`:${join(opt, "bin")}`));
    assert.ok((env.LD_LIBRARY_PATH ?? "").split(":").includes(join(opt, "lib")));
    assert.equal(env.HOME, undefined);

    const py = await engine.invoke(spec("env-py", "python3.12", "app.handler", dir, { layerDirs: [layer] }), event({}));
    assert.equal((json(py) as { layer: string }).layer, "python layer");
    assert.ok((json(py) as { path: string }).path.includes(join(opt, "python")));
  });

  test("a code or configuration change retires the old environments", async () => {
    const dir = await code({ "index.js": `exports.handler = async () => ({ pid: process.pid, v: process.env.V });` });
    const v1 = spec("changing", "nodejs20.x", "index.handler", dir, { environment: { V: "1" } });
    const a = await engine.invoke(v1, event({}));
    const b = await engine.invoke(v1, event({}));
    assert.equal(b.environmentId, a.environmentId);
    const v2 = { ...v1, environment: { V: "2" } };
    const c = await engine.invoke(v2, event({}));
    assert.equal(c.coldStart, true);
    assert.equal((json(c) as { v: string }).v, "2");
    const oldPid = (json(a) as { pid: number }).pid;
    assert.ok(await waitUntil(() => processGone(oldPid)));
    assert.equal(engine.stats().byFunction[`${v1.arn}:$LATEST`]?.total, 1);

    // Deleting the function: retire() ends its environments at once.
    const newPid = (json(c) as { pid: number }).pid;
    assert.equal(await engine.retire(v1.arn), 1);
    assert.ok(processGone(newPid));
    assert.equal(engine.stats().byFunction[`${v1.arn}:$LATEST`], undefined);
  });

  test("a timeout answers Sandbox.Timedout and replaces the environment", async () => {
    const clock = new ManualClock();
    const scheduler = createScheduler(clock);
    const timed = createEngine({ endpointUrl: ENDPOINT, clock, baseDir: join(base, "timed"), scheduler });
    // The function tells the test when it hangs, so the timeout fires only then.
    let hung: () => void = () => undefined;
    const hanging = new Promise<void>((r) => (hung = r));
    const signal = http.createServer((_req, res) => {
      res.end();
      hung();
    });
    await new Promise<void>((r) => signal.listen(0, "127.0.0.1", r));
    try {
      const dir = await code({
        "index.js": `exports.handler = async (event) => {
          if (event.hang) {
            console.log("hanging");
            await (await fetch(process.env.SIGNAL_URL)).text();
            await new Promise(() => setInterval(() => {}, 1000));
          }
          return process.pid;
        };`,
      });
      const url = `http://127.0.0.1:${(signal.address() as { port: number }).port}/`;
      const fn = spec("sleeper", "nodejs20.x", "index.handler", dir, { timeout: 1, environment: { SIGNAL_URL: url } });
      const warmup = await timed.invoke(fn, event({}));
      const pending = timed.invoke(fn, event({ hang: true }));
      await hanging;
      await scheduler.advance(999);
      assert.equal(timed.stats().busy, 1);
      await scheduler.advance(1);
      const r = await pending;
      assert.equal(r.functionError, "Unhandled");
      assert.equal(r.payload.toString(), `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ${r.requestId} Error: Task timed out after 1.00 seconds"}`);
      assert.equal(r.durationMs, 1000);
      assert.ok(r.logs.includes(`\tINFO\thanging\n2025-01-01T00:00:01.000Z ${r.requestId} Task timed out after 1.00 seconds\nEND RequestId`), r.logs);
      assertReportLines(r, 128, "\tStatus: timeout");
      assert.ok(r.logs.includes("\tDuration: 1000.00 ms\tBilled Duration: 1000 ms\t"));
      const pid = json(warmup) as number;
      assert.ok(await waitUntil(() => processGone(pid)));
      const after = await timed.invoke(fn, event({}));
      assert.equal(after.coldStart, true);
      assert.notEqual(after.environmentId, r.environmentId);
    } finally {
      signal.close();
      await timed.shutdown();
      scheduler.close();
    }
  });

  test("idle environments are reaped after the idle time", async () => {
    const clock = new ManualClock();
    const scheduler = createScheduler(clock);
    const reaping = createEngine({ endpointUrl: ENDPOINT, clock, scheduler, baseDir: join(base, "reaping"), idleTimeoutMs: 60_000 });
    try {
      const dir = await code({ "index.js": `let n = 0; exports.handler = async () => ++n;` });
      const fn = spec("idle", "nodejs20.x", "index.handler", dir);
      assert.equal(json(await reaping.invoke(fn, event({}))), 1);
      await scheduler.advance(59_999);
      assert.equal(await reaping.reap(), 0);
      assert.equal(reaping.stats().environments, 1);
      // Used again: the idle time starts over.
      assert.equal(json(await reaping.invoke(fn, event({}))), 2);
      await scheduler.advance(59_999);
      assert.equal(reaping.stats().environments, 1);
      await scheduler.advance(1);
      assert.equal(reaping.stats().environments, 0);
      const cold = await reaping.invoke(fn, event({}));
      assert.equal(json(cold), 1);
      assert.equal(cold.coldStart, true);
    } finally {
      await reaping.shutdown();
      scheduler.close();
    }
  });

  test("shutdown kills every environment's process group and refuses new invocations", async () => {
    const own = createEngine({ endpointUrl: ENDPOINT, clock: systemClock, baseDir: join(base, "own") });
    const dir = await code({
      "index.js": `
        const { spawn } = require("node:child_process");
        exports.handler = async () => {
          const child = spawn("sleep", ["300"], { stdio: "ignore" });
          child.unref();
          return { runtime: process.pid, child: child.pid };
        };`,
    });
    const r = await own.invoke(spec("spawner", "nodejs20.x", "index.handler", dir), event({}));
    const pids = json(r) as { runtime: number; child: number };
    assert.equal(processGone(pids.runtime), false);
    assert.equal(processGone(pids.child), false);
    await own.shutdown();
    await waitUntil(() => processGone(pids.runtime) && processGone(pids.child));
    assert.ok(processGone(pids.runtime), "runtime process left behind");
    assert.ok(processGone(pids.child), "a process the function started was left behind");
    await assert.rejects(own.invoke(spec("spawner", "nodejs20.x", "index.handler", dir), event({})), (err: unknown) => {
      assert.ok(err instanceof AwsError);
      assert.equal(err.code, "ServiceException");
      return true;
    });
  });

  test("past maxEnvironments, starting an environment ends the least recently used idle one", async () => {
    const small = createEngine({ endpointUrl: ENDPOINT, clock: systemClock, baseDir: join(base, "small"), maxEnvironments: 2 });
    try {
      const dir = await code({ "index.js": `exports.handler = async () => process.pid;` });
      const [a, b, c] = ["lru-a", "lru-b", "lru-c"].map((name) => spec(name, "nodejs20.x", "index.handler", dir));
      if (!a || !b || !c) throw new Error("unreachable");
      await small.invoke(a, event({}));
      await small.invoke(b, event({}));
      await small.invoke(a, event({}));
      await small.invoke(c, event({}));
      const keys = Object.keys(small.stats().byFunction).sort();
      assert.deepEqual(keys, [`${a.arn}:$LATEST`, `${c.arn}:$LATEST`]);
      assert.equal((await small.invoke(b, event({}))).coldStart, true);
    } finally {
      await small.shutdown();
    }
  });

  test("an invocation waiting on the per-function cap is logged once a minute per function, naming the flag; reserved concurrency waits silently", async () => {
    const clock = new ManualClock();
    const logged: Array<{ level: string; message: string; fields: Record<string, unknown> | undefined }> = [];
    const capped = createEngine({
      endpointUrl: ENDPOINT,
      clock,
      baseDir: join(base, "capped"),
      maxConcurrencyPerFunction: 1,
      log: (level, message, fields) => {
        if (level === "warn") logged.push({ level, message, fields });
      },
    });
    // Holds `hold` invocations until the test opens it, so environments stay busy on cue.
    const held: http.ServerResponse[] = [];
    let open = false;
    const barrier = http.createServer((_req, res) => (open ? res.end("go") : held.push(res)));
    await new Promise<void>((r) => barrier.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(barrier.address() as { port: number }).port}/`;
    try {
      const dir = await code({
        "index.js": `const id = require("node:crypto").randomUUID();
          exports.handler = async (event) => { if (event.hold) await (await fetch(process.env.BARRIER_URL)).text(); return id; };`,
      });
      const options = { timeout: 900, environment: { BARRIER_URL: url } };
      const a = spec("cap-a", "nodejs20.x", "index.handler", dir, options);
      const b = spec("cap-b", "nodejs20.x", "index.handler", dir, options);
      const reserved = spec("cap-reserved", "nodejs20.x", "index.handler", dir, options);
      const warning = (fn: FunctionSpec) => ({
        level: "warn",
        message:
          `Lambda function ${fn.name} ($LATEST): all 1 execution environments Nimbus allows per function version are busy, so invocations wait for one to free up, ` +
          "where AWS would start more (up to the account's concurrency). Raise the cap with --lambda-max-environments-per-function or NIMBUS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION.",
        fields: { function: fn.arn, version: "$LATEST", cap: "lambda-max-environments-per-function", limit: 1 },
      });

      const pending = [capped.invoke(a, event({ hold: true }))];
      assert.ok(await waitUntil(() => held.length === 1), "the first invocation never reached the barrier");
      assert.deepEqual(logged, []);
      pending.push(capped.invoke(a, event({})));
      assert.deepEqual(logged, [warning(a)]);
      assert.equal(capped.stats().byFunction[`${a.arn}:$LATEST`]?.waiting, 1);
      pending.push(capped.invoke(a, event({})));
      assert.equal(logged.length, 1, "a second wait within the minute is not logged again");
      clock.advance(59_999);
      pending.push(capped.invoke(a, event({})));
      assert.equal(logged.length, 1);
      clock.advance(1);
      pending.push(capped.invoke(a, event({})));
      assert.deepEqual(logged, [warning(a), warning(a)]);

      // Another function has its own minute.
      pending.push(capped.invoke(b, event({ hold: true })));
      assert.ok(await waitUntil(() => held.length === 2));
      pending.push(capped.invoke(b, event({})));
      assert.deepEqual(logged, [warning(a), warning(a), warning(b)]);

      // Waiting on reserved concurrency is AWS's rule, not Nimbus's cap: nothing is logged.
      pending.push(capped.invoke(reserved, event({ hold: true }), { concurrencyLimit: 1 }));
      assert.ok(await waitUntil(() => held.length === 3));
      pending.push(capped.invoke(reserved, event({}), { concurrencyLimit: 1 }));
      assert.equal(capped.stats().byFunction[`${reserved.arn}:$LATEST`]?.waiting, 1);
      assert.equal(logged.length, 3);

      open = true;
      for (const res of held.splice(0)) res.end("go");
      const results = await Promise.all(pending);
      assert.ok(results.every((r) => !r.functionError));
      // Each function ran everything in its one environment.
      assert.equal(new Set(results.slice(0, 5).map((r) => r.environmentId)).size, 1);
      assert.equal(new Set(results.slice(5, 7).map((r) => r.environmentId)).size, 1);
      assert.equal(new Set(results.slice(7).map((r) => r.environmentId)).size, 1);

      // A function deleted (retired) and created again under its name is another function: its first wait is logged.
      await capped.retire(a.arn);
      open = false;
      const again = [capped.invoke(a, event({ hold: true }))];
      assert.ok(await waitUntil(() => held.length === 1), "the recreated function never reached the barrier");
      again.push(capped.invoke(a, event({})));
      assert.deepEqual(logged.slice(3), [warning(a)]);
      open = true;
      for (const res of held.splice(0)) res.end("go");
      assert.ok((await Promise.all(again)).every((r) => !r.functionError));
    } finally {
      barrier.close();
      await capped.shutdown();
    }
  });

  test("runtimes leave when Nimbus is killed without a shutdown", async () => {
    // A stand-in Nimbus process runs a function that hangs, then dies by SIGKILL.
    const pidFile = join(base, "orphan.pid");
    const dir = await code({
      "index.js": `exports.handler = async (event) => { require("node:fs").writeFileSync(event.pidFile, String(process.pid)); await new Promise(() => setInterval(() => {}, 1000)); };`,
    });
    const script = join(base, "fake-nimbus.mjs");
    await writeFile(
      script,
      `const { createEngine } = await import(process.argv[2]);
       const engine = createEngine({ endpointUrl: "${ENDPOINT}", clock: { now: () => Date.now() }, baseDir: process.argv[3] });
       await engine.invoke(JSON.parse(process.argv[4]), Buffer.from(process.argv[5]));`,
    );
    const fn = spec("orphan", "nodejs20.x", "index.handler", dir, { timeout: 900 });
    const fake = spawn(process.execPath, [...process.execArgv, script, new URL("./environments.js", import.meta.url).href, join(base, "fake"), JSON.stringify(fn), JSON.stringify({ pidFile })], {
      stdio: "ignore",
    });
    const pidIn = (): number => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0);
    await waitUntil(() => pidIn() > 0, 30_000);
    const runtimePid = pidIn();
    assert.ok(runtimePid > 0, "the function never ran");
    fake.kill("SIGKILL");
    // The runtime notices its parent is gone within about a second (bounded wait, not a sleep).
    assert.ok(await waitUntil(() => processGone(runtimePid)), "the runtime outlived Nimbus");
  });

  test("an unknown runtime is refused", async () => {
    await assert.rejects(engine.invoke(spec("java", "java21", "a::b", base), event({})), (err: unknown) => {
      assert.ok(err instanceof AwsError);
      assert.equal(err.code, "InvalidParameterValueException");
      assert.equal(err.message, "The runtime parameter of java21 is not supported by the Nimbus execution engine.");
      return true;
    });
  });
});

describe("latency (printed, not asserted)", () => {
  test("cold start and warm invoke for Node.js and Python", async () => {
    const dir = await code({
      "index.js": `exports.handler = async (event) => event;`,
      "fn.py": "def handler(event, context):\n    return event\n",
    });
    const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    for (const [runtime, handler] of [
      ["nodejs20.x", "index.handler"],
      ["python3.12", "fn.handler"],
    ] as const) {
      const cold: number[] = [];
      const init: number[] = [];
      const warm: number[] = [];
      const fns = [0, 1, 2, 3, 4].map((i) => spec(`latency-${runtime.replace(/\./g, "")}-${i}`, runtime, handler, dir));
      for (const fn of fns) {
        const t0 = performance.now();
        const r = await engine.invoke(fn, event({}));
        cold.push(performance.now() - t0);
        init.push(r.initDurationMs ?? NaN);
      }
      for (let j = 0; j < 10; j++) {
        for (const fn of fns) {
          const t1 = performance.now();
          await engine.invoke(fn, event({ j }));
          warm.push(performance.now() - t1);
        }
      }
      console.log(
        `# ${runtime}: cold start p50 ${p50(cold).toFixed(1)} ms (init ${p50(init).toFixed(1)} ms), warm invoke p50 ${p50(warm).toFixed(2)} ms over ${warm.length}`,
      );
    }
  });
});

test("an engine starting on a base dir removes the environments' /tmp directories a previous run left", async () => {
  const dir = await mkdtemp(join(tmpdir(), "nimbus-lambda-left-"));
  const left = join(dir, "engine", "environments", "0123456789abcdef0123456789abcdef", "tmp");
  await mkdir(left, { recursive: true });
  await writeFile(join(left, "scratch.bin"), Buffer.alloc(64 * 1024));
  const fresh = createEngine({ endpointUrl: ENDPOINT, clock: systemClock, baseDir: join(dir, "engine") });
  try {
    assert.ok(await waitUntil(() => !existsSync(dirname(left)) && readdirSync(join(dir, "engine")).every((name) => !name.startsWith(".gone-"))));
  } finally {
    await fresh.shutdown();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a runtime the machine cannot start for lack of file descriptors fails the invocation as a service error, not as the function's", async (t) => {
  const limits = existsSync("/proc/self/limits") ? /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8")) : null;
  const soft = limits?.[1];
  const prlimit = (nofile: string): boolean => spawnSync("prlimit", ["--pid", String(process.pid), `--nofile=${nofile}:`]).status === 0;
  if (soft === undefined || !prlimit(soft)) {
    t.skip("needs /proc and prlimit(1) to lower this process's descriptor limit");
    return;
  }
  const dir = await code({ "index.js": "exports.handler = async (e) => ({ ok: e.n });" });
  const warm = spec("fd-warm", "nodejs20.x", "index.handler", dir);
  const cold = spec("fd-cold", "nodejs20.x", "index.handler", dir);
  // Everything the engine loads is loaded: from here on a start needs descriptors only for its socket and its pipes.
  assert.deepEqual(json(await engine.invoke(warm, event({ n: 1 }))), { ok: 1 });
  const held: number[] = [];
  try {
    assert.ok(prlimit(String(readdirSync("/proc/self/fd").length + 32)));
    try {
      for (;;) held.push(openSync("/dev/null", "r"));
    } catch {
      // The limit: every descriptor is taken.
    }
    // One back: the runtime API's socket gets it, the runtime's pipes find none.
    const spare = held.pop();
    if (spare !== undefined) closeSync(spare);
    await assert.rejects(engine.invoke(cold, event({ n: 2 })), (err: AwsError) => {
      assert.deepEqual([err.code, err.status], ["ServiceException", 500]);
      assert.match(err.message, /^Nimbus could not start an execution environment, the machine refused it: .*EMFILE/);
      return true;
    });
  } finally {
    for (const fd of held) closeSync(fd);
    prlimit(soft);
  }
  assert.deepEqual(json(await engine.invoke(cold, event({ n: 3 }))), { ok: 3 });
});
