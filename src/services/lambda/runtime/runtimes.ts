/**
 * What process an environment runs, and with which environment variables.
 *
 * Lambda's sandbox paths map onto the machine like this (no mounts, no containers):
 * - `/var/task` is the function's extracted code directory: `LAMBDA_TASK_ROOT` and the cwd.
 * - `/opt` is one directory per ordered layer list with all layers merged into it (zip.ts
 *   `buildOptDir`). It cannot be mounted at `/opt`, so the search paths point at it instead:
 *   NODE_PATH gets `<opt>/nodejs/node<major>/node_modules` and `<opt>/nodejs/node_modules`,
 *   PYTHONPATH `<opt>/python/lib/python3.x/site-packages` and `<opt>/python`, PATH `<opt>/bin`,
 *   LD_LIBRARY_PATH `<opt>/lib`; a custom runtime's `/opt/bootstrap` is `<opt>/bootstrap`.
 *   `_NIMBUS_OPT_DIR` names the directory. Code that hard-codes `/opt/...` does not see layers.
 * - `/tmp` is a directory per environment given as `TMPDIR` (Node's os.tmpdir(), Python's
 *   tempfile and most tools honour it). Code that hard-codes "/tmp" writes to the machine's
 *   shared /tmp instead: it neither persists per environment nor stays isolated.
 * - The runtimes are the machine's node (every nodejs*.x) and python3 (every python3.x,
 *   `python3.x` when installed, else `python3`) running the Nimbus runtime clients shipped
 *   beside this file; `provided*` runs the package's own `bootstrap`.
 * - The AWS SDK: Node functions resolve `@aws-sdk/*` from Nimbus's own node_modules (the Lambda
 *   Node.js runtimes bundle SDK v3), Python functions import the machine's boto3 if installed.
 *   `AWS_ENDPOINT_URL` sends every SDK call back to Nimbus.
 * - The process environment starts empty (nothing of Nimbus's own environment leaks in), then
 *   gets what Lambda sets; the function's variables may override the unreserved ones only.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { symlink } from "node:fs/promises";
import { delimiter, dirname, join, resolve, sep } from "node:path";
import { runtimeErrors } from "./errors.js";
import type { FunctionSpec } from "./types.js";
import { buildOptDir } from "./zip.js";

export type RuntimeFamily = "node" | "python" | "provided";

export interface RuntimeInfo {
  family: RuntimeFamily;
  /** "20" for nodejs20.x, "3.12" for python3.12, "al2023" for provided.al2023. */
  version: string;
}

/** Throws InvalidParameterValueException for runtimes the engine cannot run. */
export function runtimeInfo(runtime: string): RuntimeInfo {
  const node = /^nodejs(\d+)\.x$/.exec(runtime);
  if (node?.[1]) return { family: "node", version: node[1] };
  const python = /^python(3\.\d+)$/.exec(runtime);
  if (python?.[1]) return { family: "python", version: python[1] };
  if (runtime === "provided" || runtime === "provided.al2" || runtime === "provided.al2023") {
    return { family: "provided", version: runtime.slice("provided".length + 1) || "al1" };
  }
  throw runtimeErrors.UnsupportedRuntime({ runtime });
}

/** The package cannot start at all (Lambda's Runtime.InvalidEntrypoint). */
export class EntrypointError extends Error {}

export interface SpawnPlan {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** For the INIT_START line, e.g. "nodejs:20.v20.11.1". */
  runtimeVersion: string;
}

export interface RuntimeSettings {
  baseDir: string;
  runtimeDir: string;
  sdkNodeModules: string | undefined;
  endpointUrl: string;
  xrayDaemonAddress: string | undefined;
  nodeExecutable: string;
  python: PythonLocator;
}

export interface EnvironmentIdentity {
  logGroupName: string;
  logStreamName: string;
  tmpDir: string;
  /** AWS_LAMBDA_INITIALIZATION_TYPE; default "on-demand". */
  initializationType?: "on-demand" | "provisioned-concurrency";
}

export async function planSpawn(fn: FunctionSpec, identity: EnvironmentIdentity, settings: RuntimeSettings): Promise<SpawnPlan> {
  const info = runtimeInfo(fn.runtime);
  const codeDir = resolve(fn.codeDir);
  const opt = fn.layerDirs && fn.layerDirs.length > 0 ? await buildOptDir(fn.layerDirs, join(settings.baseDir, "opt")) : undefined;
  const inOpt = (...parts: string[]): string[] => (opt ? [join(opt, ...parts)] : []);

  let command: string;
  let args: string[] = [];
  let runtimeBin: string;
  let runtimeVersion: string;
  const searchPaths: Record<string, string> = {};
  if (info.family === "node") {
    command = settings.nodeExecutable;
    runtimeBin = dirname(command);
    // As the AWS Node.js runtime starts node: heap sized to the function's memory, gc exposed.
    args = ["--expose-gc", `--max-old-space-size=${Math.max(64, Math.floor(fn.memorySize * 0.9))}`, join(settings.runtimeDir, "node-bootstrap.mjs")];
    searchPaths.NODE_PATH = [
      ...inOpt("nodejs", `node${info.version}`, "node_modules"),
      ...inOpt("nodejs", "node_modules"),
      ...(settings.sdkNodeModules ? [settings.sdkNodeModules] : []),
      settings.runtimeDir,
      codeDir,
    ].join(delimiter);
    await linkSdkAboveCode(codeDir, settings);
    // Node 22.1+ keeps compiled code between cold starts (older versions ignore it).
    searchPaths.NODE_COMPILE_CACHE = join(settings.baseDir, "cache", "node");
    runtimeVersion = `nodejs:${info.version}.v${process.versions.node}`;
  } else if (info.family === "python") {
    command = await settings.python.find(info.version);
    runtimeBin = dirname(command);
    args = [join(settings.runtimeDir, "python-bootstrap.py")];
    searchPaths.PYTHONPATH = [codeDir, ...inOpt("python", "lib", `python${info.version}`, "site-packages"), ...inOpt("python")].join(delimiter);
    // Bytecode goes to Nimbus's cache, not into the code directory (read-only on Lambda).
    searchPaths.PYTHONPYCACHEPREFIX = join(settings.baseDir, "cache", "python");
    runtimeVersion = `python:${info.version}.v1`;
  } else {
    // A custom runtime's entry point is /var/task/bootstrap, else /opt/bootstrap.
    const found = [join(codeDir, "bootstrap"), ...inOpt("bootstrap")].find((p) => existsSync(p) && statSync(p).isFile());
    if (!found) throw new EntrypointError("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
    command = found;
    // Scripted bootstraps (`#!/usr/bin/env node`) find the machine's node.
    runtimeBin = dirname(settings.nodeExecutable);
    runtimeVersion = `provided:${info.version}.v1`;
  }

  const hostPath = (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(delimiter).filter(Boolean);
  const env: Record<string, string> = {
    PATH: [...new Set([runtimeBin, ...hostPath]), ...inOpt("bin")].join(delimiter),
    LD_LIBRARY_PATH: [codeDir, join(codeDir, "lib"), ...inOpt("lib")].join(delimiter),
    LANG: "en_US.UTF-8",
    TMPDIR: identity.tmpDir,
    ...searchPaths,
    AWS_ENDPOINT_URL: settings.endpointUrl,
  };
  if (settings.xrayDaemonAddress) {
    const [host = "", port = ""] = settings.xrayDaemonAddress.split(":");
    Object.assign(env, {
      AWS_XRAY_DAEMON_ADDRESS: settings.xrayDaemonAddress,
      _AWS_XRAY_DAEMON_ADDRESS: host,
      _AWS_XRAY_DAEMON_PORT: port,
      AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
    });
  }
  // The function's own variables may override everything above, nothing below (Lambda
  // rejects reserved keys at CreateFunction; here they would simply lose).
  Object.assign(env, fn.environment ?? {});
  const credentials = fn.credentials ?? { accessKeyId: "test", secretAccessKey: "test" };
  Object.assign(env, {
    _HANDLER: fn.handler,
    TZ: ":UTC",
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: fn.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_INITIALIZATION_TYPE: identity.initializationType ?? "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: identity.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: identity.logStreamName,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    LAMBDA_TASK_ROOT: codeDir,
    LAMBDA_RUNTIME_DIR: settings.runtimeDir,
  });
  if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
  else delete env.AWS_SESSION_TOKEN;
  // Custom runtimes have no AWS_EXECUTION_ENV on Lambda.
  if (info.family !== "provided") env.AWS_EXECUTION_ENV = `AWS_Lambda_${fn.runtime}`;
  else delete env.AWS_EXECUTION_ENV;
  if (fn.logFormat === "JSON") {
    env.AWS_LAMBDA_LOG_FORMAT = "JSON";
    if (fn.applicationLogLevel) env.AWS_LAMBDA_LOG_LEVEL = fn.applicationLogLevel.toUpperCase();
  }
  if (opt) env._NIMBUS_OPT_DIR = opt;
  return { command, args, env, runtimeVersion };
}

/**
 * ES modules ignore NODE_PATH and find packages by walking up from the importing file. A code
 * directory Nimbus manages (under its base dir, e.g. `<base>/code/<sha256>`) gets a
 * `node_modules` link to the bundled SDK in its parent, so `import "@aws-sdk/..."` resolves
 * there at no cost; the function's own node_modules still come first. Other code directories
 * rely on the resolve hook of node-bootstrap.mjs.
 */
async function linkSdkAboveCode(codeDir: string, settings: RuntimeSettings): Promise<void> {
  const parent = dirname(codeDir);
  if (!settings.sdkNodeModules || !(parent + sep).startsWith(settings.baseDir + sep)) return;
  await symlink(settings.sdkNodeModules, join(parent, "node_modules"), "dir").catch(() => undefined);
}

/**
 * Finds the python interpreter for a python3.x runtime, once per version: `python3.x` when it
 * works, else `python3`. It asks the interpreter for its real path, because version-manager
 * shims (pyenv) cost a shell script on every start and may exist for versions not installed.
 */
export class PythonLocator {
  private readonly found = new Map<string, Promise<string>>();

  constructor(private readonly override?: string) {}

  find(version: string): Promise<string> {
    if (this.override) return Promise.resolve(this.override);
    let found = this.found.get(version);
    if (!found) {
      found = (async () => {
        // Both asked at once (a shim can take seconds); the exact version wins when present.
        const [exact, generic] = await Promise.all([interpreterPath(`python${version}`), interpreterPath("python3")]);
        const path = exact ?? generic;
        if (!path) throw runtimeErrors.RuntimeUnavailable({ runtime: `python${version}`, detail: "no python3 interpreter found on PATH" });
        return path;
      })();
      found.catch(() => this.found.delete(version));
      this.found.set(version, found);
    }
    return found;
  }
}

function interpreterPath(command: string): Promise<string | undefined> {
  return new Promise((resolvePath) => {
    execFile(command, ["-c", "import sys; print(sys.executable)"], { timeout: 30_000 }, (err, stdout) => {
      const path = stdout.trim();
      resolvePath(!err && path ? path : undefined);
    });
  });
}

/**
 * The directory of node-bootstrap.mjs and python-bootstrap.py. They sit beside this module in
 * src/; tsc does not copy them to dist/, so a compiled module maps `<root>/dist/<x>` back to
 * `<root>/<x>`.
 */
export function defaultRuntimeDir(moduleDir: string, exists: (path: string) => boolean = existsSync): string {
  if (exists(join(moduleDir, "node-bootstrap.mjs"))) return moduleDir;
  const marker = `${sep}dist${sep}`;
  const at = moduleDir.lastIndexOf(marker);
  if (at >= 0) {
    const source = moduleDir.slice(0, at) + sep + moduleDir.slice(at + marker.length);
    if (exists(join(source, "node-bootstrap.mjs"))) return source;
  }
  return moduleDir;
}

/** The nearest node_modules above `start` that holds `@aws-sdk`. */
export function defaultSdkNodeModules(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", "@aws-sdk"))) return join(dir, "node_modules");
    if (dirname(dir) === dir) return undefined;
  }
}

export function runtimeVersionArn(region: string, runtimeVersion: string): string {
  return `arn:aws:lambda:${region}::runtime:${createHash("sha256").update(runtimeVersion).digest("hex")}`;
}
