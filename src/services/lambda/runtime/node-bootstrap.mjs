// Nimbus runtime interface client for the nodejs*.x runtimes, run with the machine's node.
// It speaks the Lambda Runtime API at AWS_LAMBDA_RUNTIME_API exactly as AWS's own client does:
// load the handler named by _HANDLER, then loop on /next, call the handler, post /response or
// /error. Error shapes, console format and callback semantics follow the AWS Node.js runtime.
// Kept small and dependency-free: every cold start pays for what is loaded here.
import http from "node:http";
import path from "node:path";
import fs from "node:fs";
import { format } from "node:util";
import * as nodeModule from "node:module";
import { pathToFileURL } from "node:url";

const require = nodeModule.createRequire(import.meta.url);
const [API_HOST, API_PORT] = (process.env.AWS_LAMBDA_RUNTIME_API || "").split(":");
const BASE = "/2018-06-01/runtime";
// noDelay: a POST is written as headers then body; Nagle would hold the body for an ACK.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1, noDelay: true });
const REQUEST_ID = Symbol.for("aws.lambda.runtime.requestId");
const OPT_DIR = process.env._NIMBUS_OPT_DIR;

// ---- errors, named as the AWS runtime names them -------------------------------------------

class RuntimeError extends Error {}
const runtimeErrorClass = (name) => {
  const C = class extends RuntimeError {};
  C.prototype.name = `Runtime.${name}`;
  return C;
};
const ImportModuleError = runtimeErrorClass("ImportModuleError");
const HandlerNotFound = runtimeErrorClass("HandlerNotFound");
const MalformedHandlerName = runtimeErrorClass("MalformedHandlerName");
const UserCodeSyntaxError = runtimeErrorClass("UserCodeSyntaxError");
const NodeJsExit = runtimeErrorClass("NodeJsExit");
const JSONStringifyError = runtimeErrorClass("JSONStringifyError");
class UnhandledPromiseRejection extends RuntimeError {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
UnhandledPromiseRejection.prototype.name = "Runtime.UnhandledPromiseRejection";

const isErrorLike = (e) =>
  e && typeof e.name === "string" && typeof e.message === "string" && typeof e.stack === "string" && e.name && e.message && e.stack;

/** The body posted to /error, which becomes the Invoke response payload. */
function toRuntimeResponse(error) {
  try {
    if (error instanceof Error || isErrorLike(error)) {
      return { errorType: error.name, errorMessage: error.message, trace: String(error.stack).split("\n") };
    }
    return { errorType: typeof error, errorMessage: String(error), trace: [] };
  } catch {
    return {
      errorType: "handled",
      errorMessage: "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack",
    };
  }
}

/** The tab-prefixed JSON the runtime appends to "Invoke Error" and friends in the log. */
function toFormatted(error) {
  try {
    return "\t" + JSON.stringify(error, (_k, v) => {
      if (!(v instanceof Error)) return v;
      const out = Object.assign({ errorType: v.name, errorMessage: v.message, code: v.code }, v);
      if (typeof v.stack === "string") out.stack = v.stack.split("\n");
      return out;
    });
  } catch {
    return "\t" + JSON.stringify(toRuntimeResponse(error));
  }
}

// ---- console: `<ISO time>\t<request id>\t<LEVEL>\t<message>` on stdout ---------------------

const LEVELS = { TRACE: 1, DEBUG: 2, INFO: 3, WARN: 4, ERROR: 5, FATAL: 6 };
const JSON_LOGS = (process.env.AWS_LAMBDA_LOG_FORMAT || "").toUpperCase() === "JSON";
const MIN_LEVEL = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || "").toUpperCase()] || LEVELS.TRACE;

function jsonLine(time, level, message, params) {
  const entry = { timestamp: time, level, requestId: globalThis[REQUEST_ID] };
  const replacer = (_k, v) =>
    v instanceof Error
      ? Object.assign({ errorType: v.constructor?.name ?? "UnknownError", errorMessage: v.message, stackTrace: String(v.stack).split("\n") }, v)
      : v;
  if (params.length === 0) {
    entry.message = message;
    try {
      return JSON.stringify(entry, replacer);
    } catch {
      entry.message = format(message);
      return JSON.stringify(entry);
    }
  }
  entry.message = format(message, ...params);
  const err = [message, ...params].find((p) => p instanceof Error);
  if (err) Object.assign(entry, { errorType: err.constructor?.name ?? "UnknownError", errorMessage: err.message, stackTrace: String(err.stack).split("\n") });
  return JSON.stringify(entry);
}

function log(level, message, params) {
  const time = new Date().toISOString();
  const line = JSON_LOGS
    ? jsonLine(time, level, message, params)
    : `${time}\t${globalThis[REQUEST_ID]}\t${level}\t${format(message, ...params)}`;
  // One console call is one log event: its inner newlines travel as \r, as AWS's client
  // writes them when it has no telemetry pipe; Nimbus turns them back into newlines.
  process.stdout.write(line.replace(/\n/g, "\r") + "\n");
}

for (const level of ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]) {
  const fn = LEVELS[level] >= MIN_LEVEL ? (message, ...params) => log(level, message, params) : () => {};
  console[level.toLowerCase()] = fn;
}
console.log = console.info;

function logError(label, error) {
  const err = error instanceof Error ? error : new Error(error);
  if (JSON_LOGS) console.error(err);
  else console.error(label, toFormatted(err));
}

// ---- Runtime API client ---------------------------------------------------------------------

function call(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: API_HOST, port: API_PORT, method, path: BASE + urlPath, agent, headers: body ? { ...headers, "Content-Length": body.length } : headers },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function postError(urlPath, error) {
  const response = toRuntimeResponse(error);
  return call("POST", urlPath, Buffer.from(JSON.stringify(response)), {
    "Content-Type": "application/json",
    "Lambda-Runtime-Function-Error-Type": response.errorType,
  });
}

function postResponse(requestId, result) {
  let text;
  try {
    text = JSON.stringify(result === undefined ? null : result);
  } catch {
    const error = new JSONStringifyError("Unable to stringify response body");
    logError("Invoke Error", error);
    return postError(`/invocation/${requestId}/error`, error);
  }
  return call("POST", `/invocation/${requestId}/response`, Buffer.from(text ?? "null"), { "Content-Type": "application/json" });
}

// If Nimbus dies without ending this environment (kill -9), the runtime is re-parented: leave
// too, whatever the handler is doing. Unref'd, so it never keeps the event loop alive.
const PARENT = process.ppid;
setInterval(() => {
  if (process.ppid !== PARENT) process.exit(1);
}, 1000).unref();

// Without a reachable Runtime API the environment is gone: never linger as an orphan.
function lost(err) {
  process.stderr.write(`Nimbus runtime: lost the Runtime API: ${err && err.message}\n`);
  process.exit(1);
}

// ---- handler loading (the documented rules of the AWS Node.js runtime) ----------------------

function hasTypeModule(dir) {
  for (;;) {
    if (dir.endsWith(`${path.sep}node_modules`)) return false;
    const pj = path.join(dir, "package.json");
    if (fs.existsSync(pj)) {
      try {
        return JSON.parse(fs.readFileSync(pj, "utf8")).type === "module";
      } catch {
        return false;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

// ESM ignores NODE_PATH. On Lambda the bundled SDK (and layer packages) still import from ES
// modules, so bare specifiers that do not resolve normally get a second try from each NODE_PATH
// directory. Node 22.15+ does that with a cheap in-thread hook; older versions need a loader
// thread (about 150 ms), started only once an import has actually failed that way.
const NODE_PATH_DIRS = (process.env.NODE_PATH || "").split(path.delimiter).filter(Boolean);
const isBare = (s) => !s.startsWith(".") && !s.startsWith("/") && !/^[a-z][a-z0-9+.-]*:/i.test(s);
let esmHook = "none";
function hookEsm(afterFailure) {
  if (esmHook !== "none" || NODE_PATH_DIRS.length === 0) return false;
  if (typeof nodeModule.registerHooks === "function") {
    esmHook = "in-thread";
    nodeModule.registerHooks({
      resolve(specifier, context, nextResolve) {
        try {
          return nextResolve(specifier, context);
        } catch (error) {
          if (!isBare(specifier) || (error && error.code !== "ERR_MODULE_NOT_FOUND")) throw error;
          for (const dir of NODE_PATH_DIRS) {
            try {
              return nextResolve(specifier, { ...context, parentURL: pathToFileURL(path.join(dir, "noop.mjs")).href });
            } catch {
              // the next directory
            }
          }
          throw error;
        }
      },
    });
    return true;
  }
  if (afterFailure && typeof nodeModule.register === "function") {
    esmHook = "loader-thread";
    nodeModule.register("./node-esm-resolve.mjs", import.meta.url);
    return true;
  }
  return false;
}

async function importEsm(file) {
  hookEsm(false);
  const url = pathToFileURL(file).href;
  try {
    return await import(url);
  } catch (error) {
    const bare = error && error.code === "ERR_MODULE_NOT_FOUND" && /Cannot find package '([^']+)'/.exec(error.message);
    if (!bare || !hookEsm(true)) throw error;
    // The failed graph stays cached under its URL: load the entry module afresh.
    return import(`${url}?nimbus-esm-retry`);
  }
}

async function loadModule(appRoot, moduleRoot, name) {
  const base = path.resolve(appRoot, moduleRoot, name);
  const exists = (p) => fs.existsSync(p);
  if (exists(base)) return require(base);
  const esm = hasTypeModule(path.dirname(base));
  if (!esm && exists(base + ".js")) return require(base + ".js");
  if (esm && exists(base + ".js")) return importEsm(base + ".js");
  if (exists(base + ".mjs")) return importEsm(base + ".mjs");
  if (exists(base + ".cjs")) return require(base + ".cjs");
  return require(require.resolve(name, { paths: [appRoot, moduleRoot] }));
}

async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes("..")) {
    throw new MalformedHandlerName(
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const handlerString = path.basename(fullHandler);
  let moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  // Handlers may name a file in a layer by its /opt path; /opt is this function's merged layer dir.
  if (OPT_DIR && (moduleRoot === "/opt/" || moduleRoot.startsWith("/opt/"))) moduleRoot = OPT_DIR + moduleRoot.slice(4);
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (!match) throw new MalformedHandlerName("Bad handler");
  let mod;
  try {
    mod = await loadModule(appRoot, moduleRoot, match[1]);
  } catch (e) {
    if (e instanceof SyntaxError) {
      const err = new UserCodeSyntaxError(String(e));
      err.stack = e.stack;
      throw err;
    }
    if (e && e.code === "MODULE_NOT_FOUND") throw new ImportModuleError(String(e));
    throw e;
  }
  const handler = match[2].split(".").reduce((o, k) => o && o[k], mod);
  if (!handler) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof handler !== "function") throw new HandlerNotFound(`${fullHandler} is not a function`);
  return handler;
}

// ---- the invoke loop --------------------------------------------------------------------------

let onFatal = (error, code) => {
  postError("/init/error", error).then(() => process.exit(code), () => process.exit(code));
};
process.on("uncaughtException", (error) => {
  logError("Uncaught Exception", error);
  onFatal(error, 129);
});
process.on("unhandledRejection", (reason, promise) => {
  const error = new UnhandledPromiseRejection(reason, promise);
  logError("Unhandled Promise Rejection", error);
  onFatal(error, 128);
});

// `beforeExit` fires when the event loop is empty: how callback handlers with
// callbackWaitsForEmptyEventLoop, and handlers that never finish, are completed.
let beforeExit;
process.on("beforeExit", () => {
  const fn = beforeExit;
  beforeExit = undefined;
  if (fn) fn();
});

const parseJson = (text, what) => {
  if (text === undefined || text === "") return undefined;
  try {
    // Header values arrive as Latin-1 text; the JSON was sent as UTF-8 bytes.
    return JSON.parse(Buffer.from(text, "latin1").toString("utf8"));
  } catch (e) {
    throw new Error(`Cannot parse ${what} as JSON: ${e.message}`);
  }
};

const scheduleNext = () => setImmediate(() => invokeOnce(handler, isAsync).catch(lost));

async function invokeOnce() {
  const next = await call("GET", "/invocation/next");
  if (next.status !== 200) throw new Error(`/next answered ${next.status}`);
  const h = next.headers;
  const requestId = h["lambda-runtime-aws-request-id"];
  const deadline = Number(h["lambda-runtime-deadline-ms"]);
  globalThis[REQUEST_ID] = requestId;
  if (h["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = h["lambda-runtime-trace-id"];
  else delete process.env._X_AMZN_TRACE_ID;
  onFatal = (error, code) => {
    postError(`/invocation/${requestId}/error`, error).then(() => process.exit(code), () => process.exit(code));
  };

  let reported = false;
  const report = (isError, value) => {
    if (reported) {
      console.error("Invocation has already been reported as done. Cannot call complete more than once per invocation.");
      return;
    }
    reported = true;
    beforeExit = undefined;
    const posted = isError ? postError(`/invocation/${requestId}/error`, value) : postResponse(requestId, value);
    posted.then(scheduleNext, lost);
  };
  const fail = (error) => {
    logError("Invoke Error", error);
    report(true, error);
  };

  let waitForEmptyEventLoop = true;
  let finished = false;
  const firstCallOnly = (fn) => (...args) => {
    if (finished) return;
    finished = true;
    fn(...args);
  };
  const done = (err, result) => {
    beforeExit = undefined;
    if (err !== undefined && err !== null) fail(err);
    else report(false, result);
  };
  const callback = firstCallOnly((err, result) => {
    beforeExit = undefined;
    if (err !== undefined && err !== null) return fail(err);
    if (!waitForEmptyEventLoop) return report(false, result);
    beforeExit = () => setImmediate(() => report(false, result));
  });
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value) {
      waitForEmptyEventLoop = value;
    },
    succeed: firstCallOnly((result) => done(null, result)),
    fail: firstCallOnly((err) => done(err === undefined || err === null ? "handled" : err, null)),
    done: firstCallOnly(done),
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext: undefined,
    identity: undefined,
    invokedFunctionArn: h["lambda-runtime-invoked-function-arn"],
    awsRequestId: requestId,
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };

  // A handler whose work drains the event loop without finishing: a callback handler answers
  // null, an async handler has a promise that will never settle.
  beforeExit = () => {
    finished = true;
    if (isAsync) {
      const error = new NodeJsExit(
        "The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes",
      );
      logError("Invoke Error", error);
      report(true, error);
    } else {
      report(false, null);
    }
  };

  try {
    context.clientContext = parseJson(h["lambda-runtime-client-context"], "ClientContext");
    context.identity = parseJson(h["lambda-runtime-cognito-identity"], "CognitoIdentity");
    const result = handler(JSON.parse(next.body.toString("utf8")), context, callback);
    if (result && typeof result.then === "function") {
      result.then(context.succeed, (err) => {
        if (finished) return;
        finished = true;
        done(err === undefined || err === null ? "handled" : err, null);
      });
    }
  } catch (err) {
    callback(err);
  }
}

let handler;
let isAsync = false;
try {
  handler = await loadHandler(process.env.LAMBDA_TASK_ROOT || process.cwd(), process.env._HANDLER || "");
  isAsync = handler.constructor && handler.constructor.name === "AsyncFunction";
} catch (error) {
  logError("Uncaught Exception", error);
  onFatal(error, 129);
}
if (handler) scheduleNext();
