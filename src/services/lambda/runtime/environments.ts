/**
 * The Lambda execution engine: execution environments as real processes, reused while warm.
 *
 * Each environment is one runtime process (the machine's node or python3 running the Nimbus
 * runtime clients shipped beside this file, or a custom runtime's `bootstrap`) talking to its
 * own local Runtime API server (runtime-api.ts). An invocation takes an idle environment of the
 * same function version and configuration, or starts a new one up to a concurrency cap, or
 * waits for one to free up. Environments idle longer than `idleTimeoutMs` are reaped; a change
 * of code or configuration retires the old ones; a timeout, a crash or running out of memory
 * ends the environment, and the next invocation starts cold, as on Lambda.
 *
 * How the Lambda sandbox maps onto one machine without containers:
 * - `/var/task` is the function's extracted code directory (`LAMBDA_TASK_ROOT`, the cwd).
 * - `/opt` is one directory per ordered layer list, all layers merged into it (zip.ts
 *   `buildOptDir`). We cannot mount it at `/opt`, so the runtime search paths point at it:
 *   NODE_PATH gets `<opt>/nodejs/node<major>/node_modules` and `<opt>/nodejs/node_modules`,
 *   PYTHONPATH `<opt>/python/lib/python3.x/site-packages` and `<opt>/python`, PATH `<opt>/bin`,
 *   LD_LIBRARY_PATH `<opt>/lib`; a custom runtime's `/opt/bootstrap` is `<opt>/bootstrap`, and
 *   `_NIMBUS_OPT_DIR` names the directory for code that wants it. Code that hard-codes `/opt/...`
 *   paths does not see the layers.
 * - `/tmp` is a directory per environment, given as `TMPDIR` (Node's os.tmpdir(), Python's
 *   tempfile and most tools honour it). Code that hard-codes "/tmp" writes to the machine's
 *   shared /tmp instead, so it neither persists per environment nor stays isolated.
 * - The AWS SDK: Node functions resolve `@aws-sdk/*` from Nimbus's own node_modules (as the
 *   Lambda Node.js runtimes bundle SDK v3), Python functions import the machine's boto3.
 *   `AWS_ENDPOINT_URL` points every SDK call back at Nimbus.
 * - Environments are not frozen between invocations (Lambda freezes them): timers set by a
 *   previous invocation may run while the environment is idle; their log lines are attributed
 *   to the next invocation of that environment.
 * - Memory: Max Memory Used is the process's peak RSS (VmHWM); an environment whose RSS goes
 *   over the configured memory is killed with Runtime.OutOfMemory (sampled, so a short spike
 *   can pass unnoticed). Ephemeral storage size is not enforced.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { dirname, join, delimiter, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import type { Clock } from "../../../core/clock.js";
import { AwsError } from "../../../core/errors.js";
import { runtimeErrors } from "./errors.js";
import { MAX_SYNC_RESPONSE_BYTES, RuntimeApi } from "./runtime-api.js";
import { buildOptDir } from "./zip.js";

// ---------------------------------------------------------------------------------------------
// Public API

export interface FunctionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface FunctionSpec {
  name: string;
  /** Unqualified function ARN; environments are shared per ARN and version. */
  arn: string;
  /** The version that runs: "$LATEST" or "1", "2"... (aliases resolve to one before this). */
  version: string;
  runtime: string;
  handler: string;
  /** Extracted deployment package (zip.ts `extractZip`): the `/var/task` of the function. */
  codeDir: string;
  /** Extracted layers, in the function's layer order. */
  layerDirs?: readonly string[];
  environment?: Readonly<Record<string, string>>;
  /** Seconds, 1-900. */
  timeout: number;
  /** MB, 128-10240. */
  memorySize: number;
  /** MB of `/tmp` (recorded, not enforced). */
  ephemeralStorage?: number;
  /** The execution role's credentials, given to the function as AWS_ACCESS_KEY_ID etc. */
  credentials?: FunctionCredentials;
  region: string;
  /** Defaults to `/aws/lambda/<name>` (LoggingConfig.LogGroup overrides it on Lambda). */
  logGroupName?: string;
  /** LoggingConfig: "Text" (default) or "JSON" application logs. */
  logFormat?: "Text" | "JSON";
  /** LoggingConfig.ApplicationLogLevel, used with JSON logs. */
  applicationLogLevel?: string;
}

export interface InvokeOptions {
  requestId?: string;
  /** The ARN the caller invoked (qualified with a version or alias); defaults to `arn`. */
  invokedFunctionArn?: string;
  /** JSON text of the client context (Invoke's base64 `ClientContext`, decoded). */
  clientContext?: string;
  /** JSON text of the Cognito identity. */
  cognitoIdentity?: string;
  /** X-Ray trace header; generated when absent. */
  traceId?: string;
  /** Most environments this function version may run at once (reserved concurrency, say). */
  concurrencyLimit?: number;
}

export interface LogEvent {
  timestamp: number;
  message: string;
}

export interface InvokeResult {
  requestId: string;
  payload: Buffer;
  /** Set when the function failed; Lambda reports every runtime-detected error as Unhandled. */
  functionError?: "Unhandled" | "Handled";
  /** This invocation's log from START to REPORT: what `LogType: Tail` returns the end of. */
  logs: string;
  /** Everything to append to the log stream for this invocation, init lines included. */
  logEvents: LogEvent[];
  logGroupName: string;
  logStreamName: string;
  durationMs: number;
  billedMs: number;
  initDurationMs?: number;
  maxMemoryUsedMb: number;
  executedVersion: string;
  coldStart: boolean;
  environmentId: string;
}

export type EngineLog = (level: "debug" | "info" | "warn" | "error", message: string) => void;

/** Time-driven work (timeouts, reaping, memory sampling); tests inject one they can drive. */
export interface Scheduler {
  /** Runs `task` once after `delayMs`; returns a function that cancels it. */
  schedule(delayMs: number, task: () => void): () => void;
}

export interface EngineConfig {
  /** Where SDK calls from functions go (`AWS_ENDPOINT_URL`), e.g. http://localhost:4566. */
  endpointUrl: string;
  clock: Clock;
  /** Environments' `/tmp` dirs and merged layer dirs live under here. */
  baseDir: string;
  scheduler?: Scheduler;
  log?: EngineLog;
  /** Idle environments older than this are reaped. Default 10 minutes. */
  idleTimeoutMs?: number;
  /** Default cap on concurrent environments per function version. Default 50. */
  maxConcurrencyPerFunction?: number;
  /** Above this many environments in all, starting one first reaps the least recently used idle one. Default 100. */
  maxEnvironments?: number;
  /** Lambda's Init phase limit; a slower init gets the function timeout on top. Default 10 s. */
  initTimeoutMs?: number;
  /** RSS sampling period for the memory limit; 0 turns the check off. Default 100 ms. */
  memoryCheckIntervalMs?: number;
  /** Monotonic milliseconds for measured durations. Default performance.now. */
  monotonicNow?: () => number;
  nodeExecutable?: string;
  /** Python interpreter for every python3.x runtime; default: `python3.x`, else `python3`. */
  pythonExecutable?: string;
  /** node_modules holding `@aws-sdk/*` for Node functions; default: Nimbus's own. */
  sdkNodeModulesDir?: string;
  /** Directory of node-bootstrap.mjs and python-bootstrap.py; default: beside this module. */
  runtimeDir?: string;
  /** `host:port` of an X-Ray daemon, given to functions as AWS_XRAY_DAEMON_ADDRESS. */
  xrayDaemonAddress?: string;
}

export interface EngineStats {
  environments: number;
  busy: number;
  idle: number;
  byFunction: Record<string, { total: number; busy: number; idle: number; waiting: number }>;
}

export interface Engine {
  invoke(fn: FunctionSpec, payload: Buffer, options?: InvokeOptions): Promise<InvokeResult>;
  /** Ends environments idle for `idleTimeoutMs` or more; returns how many. */
  reap(): Promise<number>;
  /** Kills every environment (process groups included) and refuses further invocations. */
  shutdown(): Promise<void>;
  stats(): EngineStats;
}

export function createEngine(config: EngineConfig): Engine {
  return new LambdaEngine(config);
}

// ---------------------------------------------------------------------------------------------
// Runtimes

type RuntimeFamily = "node" | "python" | "provided";

interface RuntimeInfo {
  family: RuntimeFamily;
  /** "20" for nodejs20.x, "3.12" for python3.12. */
  version: string;
}

function runtimeInfo(runtime: string): RuntimeInfo {
  const node = /^nodejs(\d+)\.x$/.exec(runtime);
  if (node?.[1]) return { family: "node", version: node[1] };
  const python = /^python(3\.\d+)$/.exec(runtime);
  if (python?.[1]) return { family: "python", version: python[1] };
  if (runtime === "provided" || runtime === "provided.al2" || runtime === "provided.al2023") {
    return { family: "provided", version: runtime.slice("provided".length + 1) || "al1" };
  }
  throw runtimeErrors.UnsupportedRuntime({ runtime });
}

const MB = 1024 * 1024;

// Go's names for signals, as Lambda prints "Runtime exited with error: signal: killed".
const SIGNAL_TEXT: Record<string, string> = {
  SIGKILL: "killed",
  SIGABRT: "aborted",
  SIGSEGV: "segmentation fault",
  SIGTERM: "terminated",
  SIGINT: "interrupt",
  SIGBUS: "bus error",
  SIGILL: "illegal instruction",
  SIGFPE: "floating point exception",
  SIGPIPE: "broken pipe",
  SIGHUP: "hangup",
  SIGQUIT: "quit",
  SIGTRAP: "trace/breakpoint trap",
  SIGSYS: "bad system call",
};

/** Largest log volume kept per invocation; more is dropped with a note (memory safety). */
const MAX_LOG_BYTES_PER_INVOCATION = 16 * MB;

const realScheduler: Scheduler = {
  schedule(delayMs, task) {
    const timer = setTimeout(task, delayMs);
    timer.unref();
    return () => clearTimeout(timer);
  },
};

function defaultRuntimeDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  if (existsSync(join(here, "node-bootstrap.mjs"))) return here;
  // Compiled to dist/: tsc does not copy the .mjs/.py runtime clients, which stay in src/.
  const fromSource = here.replace(`${join("dist", "src")}`, "src");
  if (existsSync(join(fromSource, "node-bootstrap.mjs"))) return fromSource;
  return here;
}

function defaultSdkNodeModules(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", "@aws-sdk"))) return join(dir, "node_modules");
    if (dirname(dir) === dir) return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Invocation outcomes

type Outcome =
  | { kind: "response"; body: Buffer }
  | { kind: "error"; body: Buffer }
  | { kind: "too-large" }
  | { kind: "timeout" }
  | { kind: "oom" }
  | { kind: "exit"; code: number | null; signal: NodeJS.Signals | null }
  | { kind: "init-error"; body: Buffer; errorType: string }
  | { kind: "init-timeout" }
  | { kind: "entrypoint"; detail: string }
  // The runtime died after an earlier invocation, before taking this one: Lambda would hand
  // the event to a fresh environment, so the engine retries it there.
  | { kind: "lost" };

interface Invocation {
  requestId: string;
  payload: Buffer;
  options: InvokeOptions;
  arrivedAt: number;
  deliveredAt?: number;
  /** Clock time of delivery: the START line's timestamp. */
  startedAt?: number;
  preLog: LogEvent[];
  log: LogEvent[];
  logBytes: number;
  droppedLines: number;
  cancelTimers: Array<() => void>;
  settle: (outcome: Outcome) => void;
  done: boolean;
}

// ---------------------------------------------------------------------------------------------
// One execution environment

interface SpawnPlan {
  command: string;
  args: string[];
  env: Record<string, string>;
  runtimeVersion: string;
}

class Environment {
  readonly id = randomBytes(16).toString("hex");
  readonly logStreamName: string;
  readonly logGroupName: string;
  state: "initializing" | "idle" | "busy" | "dead" = "initializing";
  retiring = false;
  lastUsed: number;
  private child: ChildProcess | undefined;
  private api: RuntimeApi | undefined;
  private readonly tmpDir: string;
  private spawnedAt = 0;
  private initDurationMs: number | undefined;
  private ready = false;
  private initConsumed = false;
  private pendingLog: LogEvent[] = [];
  private current: Invocation | undefined;
  private killedFor: "timeout" | "oom" | "init-timeout" | "shutdown" | undefined;
  private maxRssKb = 0;
  private closed: Promise<void> = Promise.resolve();
  private readonly lineBuffers = { stdout: "", stderr: "" };
  private cancelReap: (() => void) | undefined;

  constructor(
    readonly fn: FunctionSpec,
    readonly fingerprint: string,
    private readonly engine: LambdaEngine,
  ) {
    const now = new Date(engine.clock.now());
    const day = `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}/${String(now.getUTCDate()).padStart(2, "0")}`;
    this.logStreamName = `${day}/[${fn.version}]${this.id}`;
    this.logGroupName = fn.logGroupName ?? `/aws/lambda/${fn.name}`;
    this.tmpDir = join(engine.baseDir, "environments", this.id, "tmp");
    this.lastUsed = engine.clock.now();
  }

  /** A method, not a field read, because the state changes while start() awaits. */
  isDead(): boolean {
    return this.state === "dead";
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  setReapTimer(cancel: (() => void) | undefined): void {
    this.cancelReap?.();
    this.cancelReap = cancel;
  }

  /**
   * Runs one invocation; a cold environment starts its process first. Resolves undefined when
   * the environment turned out to be dead before the runtime took the event (retry elsewhere).
   */
  invoke(payload: Buffer, options: InvokeOptions): Promise<InvokeResult | undefined> {
    const coldStart = !this.initConsumed;
    return new Promise<InvokeResult | undefined>((resolvePromise, rejectPromise) => {
      const inv: Invocation = {
        requestId: options.requestId ?? randomUUID(),
        payload,
        options,
        arrivedAt: this.engine.monotonic(),
        preLog: [],
        log: [],
        logBytes: 0,
        droppedLines: 0,
        cancelTimers: [],
        done: false,
        settle: (outcome) => {
          if (inv.done) return;
          inv.done = true;
          for (const cancel of inv.cancelTimers) cancel();
          // Output the runtime wrote just before answering can still sit in the pipe: give
          // the event loop one turn to read it so it lands in this invocation's log.
          setImmediate(() => resolvePromise(outcome.kind === "lost" ? this.abandon(inv) : this.finish(inv, outcome, coldStart)));
        },
      };
      this.current = inv;
      if (this.child || this.api) {
        this.dispatch(inv);
        return;
      }
      this.start(inv).catch((err: unknown) => {
        if (err instanceof EntrypointError) {
          inv.settle({ kind: "entrypoint", detail: err.message });
          return;
        }
        // Not the function's fault (no interpreter on this machine...): a service error.
        inv.done = true;
        for (const cancel of inv.cancelTimers) cancel();
        this.current = undefined;
        void this.destroy("failed");
        rejectPromise(err instanceof AwsError ? err : runtimeErrors.RuntimeUnavailable({ runtime: this.fn.runtime, detail: String(err) }));
      });
    });
  }

  private async start(inv: Invocation): Promise<void> {
    const plan = await this.engine.planSpawn(this);
    await mkdir(this.tmpDir, { recursive: true });
    if (inv.done || this.isDead()) return;
    const api = await RuntimeApi.listen(
      {
        onReady: () => this.onReady(),
        onDelivered: (requestId) => this.onDelivered(requestId),
        onResponse: (requestId, body) => this.forCurrent(requestId)?.settle({ kind: "response", body }),
        onError: (requestId, body) => this.forCurrent(requestId)?.settle({ kind: "error", body }),
        onResponseTooLarge: (requestId) => this.forCurrent(requestId)?.settle({ kind: "too-large" }),
        onInitError: (body, errorType) => {
          const type = errorType ?? parseErrorType(body) ?? "Runtime.Unknown";
          this.current?.settle({ kind: "init-error", body, errorType: type });
        },
      },
      { now: () => this.engine.clock.now(), maxResponseBytes: MAX_SYNC_RESPONSE_BYTES },
    );
    this.api = api;
    if (inv.done || this.isDead()) {
      await api.close();
      return;
    }
    plan.env.AWS_LAMBDA_RUNTIME_API = api.address;
    plan.env.TMPDIR ??= this.tmpDir;

    this.pushLog(`INIT_START Runtime Version: ${plan.runtimeVersion}\tRuntime Version ARN: ${runtimeVersionArn(this.fn.region, plan.runtimeVersion)}`);
    this.spawnedAt = this.engine.monotonic();
    const child = spawn(plan.command, plan.args, {
      cwd: this.fn.codeDir,
      env: plan.env,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a timeout or shutdown also ends whatever the function spawned.
      detached: true,
    });
    this.child = child;
    this.engine.track(this);
    let resolveClosed: () => void = () => undefined;
    this.closed = new Promise<void>((r) => (resolveClosed = r));
    let gone = false;
    const onGone = (code: number | null, signal: NodeJS.Signals | null, spawnFailed: boolean): void => {
      if (gone) return;
      gone = true;
      this.flushOutput();
      this.engine.untrack(this);
      const wasDead = this.state === "dead";
      this.state = "dead";
      if (!spawnFailed) this.onExit(code, signal);
      if (!wasDead) this.engine.environmentGone(this);
      // Nothing will talk to this environment again: free its port and its /tmp.
      void this.api?.close();
      void rm(dirname(this.tmpDir), { recursive: true, force: true });
      resolveClosed();
    };
    child.on("error", (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return;
      const reason = err.code === "EACCES" ? "permission denied" : err.code === "ENOENT" ? "no such file or directory" : err.message;
      this.current?.settle({ kind: "entrypoint", detail: `fork/exec ${displayPath(this, plan.command)}: ${reason}` });
      onGone(null, null, true);
    });
    for (const stream of ["stdout", "stderr"] as const) {
      const readable = child[stream];
      readable?.setEncoding("utf8");
      readable?.on("data", (chunk: string) => this.onOutput(stream, chunk));
    }
    // The whole group goes with the runtime, so nothing it started keeps the pipes open.
    child.on("exit", () => this.killGroup());
    child.on("close", (code, signal) => onGone(code, signal, false));

    const initLimit = this.engine.initTimeoutMs + this.fn.timeout * 1000;
    inv.cancelTimers.push(
      this.engine.scheduler.schedule(initLimit, () => {
        if (this.ready) return;
        this.killedFor = "init-timeout";
        this.current?.settle({ kind: "init-timeout" });
        this.killGroup();
      }),
    );
    this.dispatch(inv);
  }

  private dispatch(inv: Invocation): void {
    if (!this.api) return;
    this.api.dispatch({
      requestId: inv.requestId,
      payload: inv.payload,
      timeoutMs: this.fn.timeout * 1000,
      invokedFunctionArn: inv.options.invokedFunctionArn ?? this.fn.arn,
      traceId: inv.options.traceId ?? this.engine.traceId(),
      clientContext: headerSafe(inv.options.clientContext),
      cognitoIdentity: headerSafe(inv.options.cognitoIdentity),
    });
  }

  private forCurrent(requestId: string): Invocation | undefined {
    const inv = this.current;
    return inv && inv.requestId === requestId ? inv : undefined;
  }

  private onReady(): void {
    this.ready = true;
    this.initDurationMs = this.engine.monotonic() - this.spawnedAt;
    if (this.state === "initializing") this.state = "busy";
  }

  private onDelivered(requestId: string): void {
    const inv = this.forCurrent(requestId);
    if (!inv) return;
    inv.deliveredAt = this.engine.monotonic();
    inv.startedAt = this.engine.clock.now();
    inv.preLog = this.pendingLog;
    this.pendingLog = [];
    inv.cancelTimers.push(
      this.engine.scheduler.schedule(this.fn.timeout * 1000, () => {
        this.killedFor = "timeout";
        inv.settle({ kind: "timeout" });
        this.killGroup();
      }),
    );
    this.watchMemory(inv);
  }

  private watchMemory(inv: Invocation): void {
    const interval = this.engine.memoryCheckIntervalMs;
    if (interval <= 0) return;
    let cancel = (): void => undefined;
    const check = (): void => {
      if (inv.done) return;
      const rss = readProcStatusKb(this.child?.pid, "VmRSS");
      if (rss !== undefined && rss > this.fn.memorySize * 1024) {
        this.maxRssKb = Math.max(this.maxRssKb, this.fn.memorySize * 1024);
        this.killedFor = "oom";
        inv.settle({ kind: "oom" });
        this.killGroup();
        return;
      }
      cancel = this.engine.scheduler.schedule(interval, check);
    };
    cancel = this.engine.scheduler.schedule(interval, check);
    inv.cancelTimers.push(() => cancel());
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const inv = this.current;
    if (inv && !inv.done && inv.deliveredAt === undefined && this.initConsumed) {
      inv.settle({ kind: "lost" });
      return;
    }
    if (!inv || inv.done) {
      if (this.killedFor === undefined) {
        this.engine.logger("warn", `lambda environment ${this.id} of ${this.fn.name} exited while idle (${exitText(code, signal)})`);
      }
      return;
    }
    inv.settle({ kind: "exit", code, signal });
  }

  private onOutput(stream: "stdout" | "stderr", chunk: string): void {
    const text = this.lineBuffers[stream] + chunk;
    const lines = text.split("\n");
    this.lineBuffers[stream] = lines.pop() ?? "";
    for (const line of lines) this.pushOutputLine(line);
  }

  private flushOutput(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.lineBuffers[stream]) this.pushOutputLine(this.lineBuffers[stream]);
      this.lineBuffers[stream] = "";
    }
  }

  private pushOutputLine(line: string): void {
    // The runtimes send a multi-line message as one line with \r for \n: one log event.
    const message = (line.endsWith("\r") ? line.slice(0, -1) : line).replace(/\r/g, "\n");
    const inv = this.current;
    if (inv && inv.deliveredAt !== undefined) {
      if (inv.logBytes > MAX_LOG_BYTES_PER_INVOCATION) {
        inv.droppedLines++;
        return;
      }
      inv.logBytes += message.length;
      inv.log.push({ timestamp: this.engine.clock.now(), message: message + "\n" });
    } else {
      this.pushLog(message);
    }
  }

  private pushLog(message: string): void {
    if (this.pendingLog.length > 10_000) this.pendingLog.shift();
    this.pendingLog.push({ timestamp: this.engine.clock.now(), message: message + "\n" });
  }

  private finish(inv: Invocation, outcome: Exclude<Outcome, { kind: "lost" }>, coldStart: boolean): InvokeResult {
    const engine = this.engine;
    const fn = this.fn;
    const id = inv.requestId;
    const now = engine.clock.now();
    const event = (message: string): LogEvent => ({ timestamp: now, message: message + "\n" });
    this.current = undefined;

    const peak = readProcStatusKb(this.child?.pid, "VmHWM");
    if (peak !== undefined) this.maxRssKb = Math.max(this.maxRssKb, peak);
    const initOk = this.ready && !this.initConsumed;
    const initDurationMs = initOk ? this.initDurationMs : undefined;
    if (this.ready) this.initConsumed = true;

    const timeoutText = `Task timed out after ${fn.timeout.toFixed(2)} seconds`;
    const initElapsed = (): string => (engine.monotonic() - this.spawnedAt).toFixed(2);
    const failure = (errorType: string, errorMessage: string): Buffer => Buffer.from(JSON.stringify({ errorType, errorMessage }));
    let payload: Buffer;
    let functionError: InvokeResult["functionError"] = "Unhandled";
    let status = "";
    let initReport: string | undefined;
    const notes: string[] = [];

    switch (outcome.kind) {
      case "response":
        payload = outcome.body;
        functionError = undefined;
        break;
      case "error":
        payload = outcome.body;
        break;
      case "too-large":
        payload = Buffer.from(
          JSON.stringify({
            errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_SYNC_RESPONSE_BYTES} bytes).`,
            errorType: "Function.ResponseSizeTooLarge",
          }),
        );
        break;
      case "timeout":
        payload = failure("Sandbox.Timedout", `RequestId: ${id} Error: ${timeoutText}`);
        notes.push(`${new Date(now).toISOString()} ${id} ${timeoutText}`);
        status = "\tStatus: timeout";
        break;
      case "oom":
        payload = failure("Runtime.OutOfMemory", `RequestId: ${id} Error: Runtime exited with error: signal: killed`);
        notes.push(`RequestId: ${id} Error: Runtime exited with error: signal: killed\nRuntime.OutOfMemory`);
        status = "\tStatus: error\tError Type: Runtime.OutOfMemory";
        break;
      case "exit": {
        const text = exitText(outcome.code, outcome.signal);
        payload = failure("Runtime.ExitError", `RequestId: ${id} Error: ${text}`);
        notes.push(`RequestId: ${id} Error: ${text}\nRuntime.ExitError`);
        status = "\tStatus: error\tError Type: Runtime.ExitError";
        if (!this.ready && this.spawnedAt > 0) {
          initReport = `INIT_REPORT Init Duration: ${initElapsed()} ms\tPhase: init\tStatus: error\tError Type: Runtime.ExitError`;
        }
        break;
      }
      case "init-error":
        payload = outcome.body;
        status = `\tStatus: error\tError Type: ${outcome.errorType}`;
        initReport = `INIT_REPORT Init Duration: ${initElapsed()} ms\tPhase: init\tStatus: error\tError Type: ${outcome.errorType}`;
        break;
      case "init-timeout":
        payload = failure("Sandbox.Timedout", `RequestId: ${id} Error: ${timeoutText}`);
        notes.push(`${new Date(now).toISOString()} ${id} ${timeoutText}`);
        status = "\tStatus: timeout";
        initReport = `INIT_REPORT Init Duration: ${initElapsed()} ms\tPhase: init\tStatus: timeout`;
        break;
      case "entrypoint":
        payload = failure("Runtime.InvalidEntrypoint", `RequestId: ${id} Error: ${outcome.detail}`);
        notes.push(`RequestId: ${id} Error: ${outcome.detail}\nRuntime.InvalidEntrypoint`);
        status = "\tStatus: error\tError Type: Runtime.InvalidEntrypoint";
        break;
    }

    const started = inv.deliveredAt ?? inv.arrivedAt;
    const durationMs =
      outcome.kind === "timeout" || outcome.kind === "init-timeout" ? fn.timeout * 1000 : Math.max(0, engine.monotonic() - started);
    // Since August 2025 Lambda bills the Init phase of on-demand functions too.
    const billedMs = Math.ceil(durationMs + (initDurationMs ?? 0));
    // Lambda never reports more than the configured memory (the sandbox cannot hold more).
    const maxMemoryUsedMb = outcome.kind === "oom" ? fn.memorySize : Math.min(fn.memorySize, Math.max(1, Math.round(this.maxRssKb / 1024)));

    const before = inv.deliveredAt === undefined ? this.takePendingLog() : inv.preLog;
    if (initReport) before.push(event(initReport));
    const body: LogEvent[] = [...inv.log];
    if (inv.droppedLines > 0) body.push(event(`Nimbus dropped ${inv.droppedLines} log lines of this invocation (over ${MAX_LOG_BYTES_PER_INVOCATION} bytes).`));
    for (const note of notes) body.push(event(note));
    const report =
      `REPORT RequestId: ${id}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedMs} ms` +
      `\tMemory Size: ${fn.memorySize} MB\tMax Memory Used: ${maxMemoryUsedMb} MB` +
      (initDurationMs !== undefined ? `\tInit Duration: ${initDurationMs.toFixed(2)} ms` : "") +
      status;
    const start = { timestamp: inv.startedAt ?? now, message: `START RequestId: ${id} Version: ${fn.version}\n` };
    const tail = [start, ...body, event(`END RequestId: ${id}`), event(report)];

    const keepsRunning = outcome.kind === "response" || outcome.kind === "error" || outcome.kind === "too-large";
    if (!keepsRunning) this.killGroup();

    return {
      requestId: id,
      payload,
      functionError,
      logs: tail.map((e) => e.message).join(""),
      logEvents: [...before, ...tail],
      logGroupName: this.logGroupName,
      logStreamName: this.logStreamName,
      durationMs,
      billedMs,
      initDurationMs,
      maxMemoryUsedMb,
      executedVersion: fn.version,
      coldStart,
      environmentId: this.id,
    };
  }

  private abandon(inv: Invocation): undefined {
    if (this.current === inv) this.current = undefined;
    this.engine.logger("debug", `lambda environment ${this.id} of ${this.fn.name} died before taking ${inv.requestId}; retrying`);
    return undefined;
  }

  private takePendingLog(): LogEvent[] {
    const out = this.pendingLog;
    this.pendingLog = [];
    return out;
  }

  /** True when the environment can take another invocation. */
  get usable(): boolean {
    const child = this.child;
    return this.state !== "dead" && this.killedFor === undefined && (!child || (child.exitCode === null && child.signalCode === null));
  }

  killGroup(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }

  async destroy(reason: "shutdown" | "reaped" | "retired" | "failed"): Promise<void> {
    this.setReapTimer(undefined);
    // An expected end: not reported as a runtime that exited on its own.
    this.killedFor ??= "shutdown";
    if (this.state !== "dead") this.engine.logger("debug", `lambda environment ${this.id} of ${this.fn.name} ended (${reason})`);
    const wasDead = this.state === "dead";
    this.state = "dead";
    this.killGroup();
    if (this.child) await this.closed;
    if (!wasDead) this.engine.environmentGone(this);
    this.current?.settle({ kind: "exit", code: null, signal: "SIGKILL" });
    await this.api?.close();
    await rm(dirname(this.tmpDir), { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The engine: pools of environments per function version

interface Waiter {
  fn: FunctionSpec;
  fingerprint: string;
  resolve: (env: Environment) => void;
  reject: (err: AwsError) => void;
}

interface Pool {
  key: string;
  fingerprint: string;
  envs: Set<Environment>;
  waiters: Waiter[];
}

class LambdaEngine implements Engine {
  readonly clock: Clock;
  readonly baseDir: string;
  readonly scheduler: Scheduler;
  readonly initTimeoutMs: number;
  readonly memoryCheckIntervalMs: number;
  readonly monotonic: () => number;
  private readonly pools = new Map<string, Pool>();
  private readonly live = new Set<Environment>();
  private readonly idleTimeoutMs: number;
  private readonly maxPerFunction: number;
  private readonly maxEnvironments: number;
  private readonly runtimeDir: string;
  private readonly sdkNodeModules: string | undefined;
  private readonly pythonByVersion = new Map<string, Promise<string>>();
  private shuttingDown = false;
  private readonly onProcessExit = (): void => {
    for (const env of this.live) env.killGroup();
  };

  constructor(private readonly config: EngineConfig) {
    this.clock = config.clock;
    this.baseDir = resolve(config.baseDir);
    this.scheduler = config.scheduler ?? realScheduler;
    this.initTimeoutMs = config.initTimeoutMs ?? 10_000;
    this.memoryCheckIntervalMs = config.memoryCheckIntervalMs ?? 100;
    this.monotonic = config.monotonicNow ?? (() => performance.now());
    this.idleTimeoutMs = config.idleTimeoutMs ?? 10 * 60_000;
    this.maxPerFunction = config.maxConcurrencyPerFunction ?? 50;
    this.maxEnvironments = config.maxEnvironments ?? 100;
    this.runtimeDir = config.runtimeDir ?? defaultRuntimeDir();
    this.sdkNodeModules = config.sdkNodeModulesDir ?? defaultSdkNodeModules(this.runtimeDir);
    // Never leave runtime processes behind, even when Nimbus itself exits without shutdown().
    process.on("exit", this.onProcessExit);
  }

  logger(level: Parameters<EngineLog>[0], message: string): void {
    this.config.log?.(level, message);
  }

  async invoke(fn: FunctionSpec, payload: Buffer, options: InvokeOptions = {}): Promise<InvokeResult> {
    if (this.shuttingDown) throw runtimeErrors.EngineShutDown();
    runtimeInfo(fn.runtime);
    const fingerprint = fingerprintOf(fn);
    for (;;) {
      const pool = this.poolFor(fn, fingerprint);
      const env = await this.acquire(pool, fn, fingerprint, options.concurrencyLimit);
      let result: InvokeResult | undefined;
      try {
        result = await env.invoke(payload, options);
      } finally {
        this.release(pool, env);
      }
      if (result) return result;
    }
  }

  async reap(): Promise<number> {
    const now = this.clock.now();
    const expired: Environment[] = [];
    for (const pool of this.pools.values()) {
      for (const env of pool.envs) {
        if (env.state === "idle" && now - env.lastUsed >= this.idleTimeoutMs) expired.push(env);
      }
    }
    await Promise.all(expired.map((env) => this.discard(env, "reaped")));
    return expired.length;
  }

  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    const all = new Set<Environment>(this.live);
    for (const pool of this.pools.values()) {
      for (const waiter of pool.waiters.splice(0)) waiter.reject(runtimeErrors.EngineShutDown());
      for (const env of pool.envs) all.add(env);
    }
    await Promise.all([...all].map((env) => env.destroy("shutdown")));
    this.pools.clear();
    process.off("exit", this.onProcessExit);
  }

  stats(): EngineStats {
    const out: EngineStats = { environments: 0, busy: 0, idle: 0, byFunction: {} };
    for (const pool of this.pools.values()) {
      const entry = { total: 0, busy: 0, idle: 0, waiting: pool.waiters.length };
      for (const env of pool.envs) {
        entry.total++;
        if (env.state === "idle") entry.idle++;
        else entry.busy++;
      }
      out.byFunction[pool.key] = entry;
      out.environments += entry.total;
      out.busy += entry.busy;
      out.idle += entry.idle;
    }
    return out;
  }

  // ---- pool management ----------------------------------------------------------------------

  private poolFor(fn: FunctionSpec, fingerprint: string): Pool {
    const key = `${fn.arn}:${fn.version}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { key, fingerprint, envs: new Set(), waiters: [] };
      this.pools.set(key, pool);
    } else if (pool.fingerprint !== fingerprint) {
      // New code or configuration: environments of the old one finish what they run, then go.
      pool.fingerprint = fingerprint;
      for (const env of pool.envs) {
        env.retiring = true;
        if (env.state === "idle") void this.discard(env, "retired");
      }
    }
    return pool;
  }

  private acquire(pool: Pool, fn: FunctionSpec, fingerprint: string, limit: number | undefined): Promise<Environment> {
    let warm: Environment | undefined;
    for (const env of pool.envs) {
      if (env.state === "idle" && !env.retiring && env.usable && (!warm || env.lastUsed > warm.lastUsed)) warm = env;
    }
    if (warm) {
      warm.state = "busy";
      warm.setReapTimer(undefined);
      return Promise.resolve(warm);
    }
    if (this.activeCount(pool) < (limit ?? this.maxPerFunction)) return Promise.resolve(this.startEnvironment(pool, fn, fingerprint));
    return new Promise((resolveEnv, reject) => pool.waiters.push({ fn, fingerprint, resolve: resolveEnv, reject }));
  }

  private activeCount(pool: Pool): number {
    let n = 0;
    for (const env of pool.envs) if (!env.retiring && env.state !== "dead") n++;
    return n;
  }

  private startEnvironment(pool: Pool, fn: FunctionSpec, fingerprint: string): Environment {
    if (this.live.size >= this.maxEnvironments) this.evictLeastRecentlyUsed();
    const env = new Environment(fn, fingerprint, this);
    pool.envs.add(env);
    return env;
  }

  private evictLeastRecentlyUsed(): void {
    let oldest: Environment | undefined;
    for (const pool of this.pools.values()) {
      for (const env of pool.envs) if (env.state === "idle" && (!oldest || env.lastUsed < oldest.lastUsed)) oldest = env;
    }
    if (oldest) void this.discard(oldest, "reaped");
  }

  private release(pool: Pool, env: Environment): void {
    if (!env.usable || env.retiring || env.fingerprint !== pool.fingerprint || this.shuttingDown) {
      void this.discard(env, env.usable ? "retired" : "failed");
      return;
    }
    const waiter = pool.waiters.shift();
    if (waiter) {
      if (waiter.fingerprint === env.fingerprint) return waiter.resolve(env);
      pool.waiters.unshift(waiter);
      void this.discard(env, "retired");
      return;
    }
    env.state = "idle";
    env.lastUsed = this.clock.now();
    env.setReapTimer(this.scheduler.schedule(this.idleTimeoutMs, () => void this.reap()));
  }

  private async discard(env: Environment, reason: "reaped" | "retired" | "failed"): Promise<void> {
    await env.destroy(reason);
  }

  /** Called once per environment when it stops existing, whatever the reason. */
  environmentGone(env: Environment): void {
    const key = `${env.fn.arn}:${env.fn.version}`;
    const pool = this.pools.get(key);
    if (!pool || !pool.envs.delete(env)) return;
    // A slot freed up: start an environment for the next waiting invocation.
    const waiter = pool.waiters[0];
    if (waiter && !this.shuttingDown && this.activeCount(pool) < this.maxPerFunction) {
      pool.waiters.shift();
      waiter.resolve(this.startEnvironment(pool, waiter.fn, waiter.fingerprint));
    }
    if (pool.envs.size === 0 && pool.waiters.length === 0) this.pools.delete(key);
  }

  track(env: Environment): void {
    this.live.add(env);
  }

  untrack(env: Environment): void {
    this.live.delete(env);
  }

  traceId(): string {
    const seconds = Math.floor(this.clock.now() / 1000).toString(16).padStart(8, "0");
    return `Root=1-${seconds}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=0`;
  }

  // ---- what to run, with which environment --------------------------------------------------

  async planSpawn(environment: Environment): Promise<SpawnPlan> {
    const fn = environment.fn;
    const info = runtimeInfo(fn.runtime);
    const codeDir = resolve(fn.codeDir);
    const opt = fn.layerDirs && fn.layerDirs.length > 0 ? await buildOptDir(fn.layerDirs, join(this.baseDir, "opt")) : undefined;
    const optPath = (...parts: string[]): string[] => (opt ? [join(opt, ...parts)] : []);

    let command: string;
    let args: string[] = [];
    let binDir: string[] = [];
    let runtimeVersion: string;
    const searchPaths: Record<string, string> = {};
    if (info.family === "node") {
      command = this.config.nodeExecutable ?? process.execPath;
      binDir = [dirname(command)];
      // As the AWS Node.js runtime does: V8's heap sized to the function's memory, gc exposed.
      args = ["--expose-gc", `--max-old-space-size=${Math.max(64, Math.floor(fn.memorySize * 0.9))}`, join(this.runtimeDir, "node-bootstrap.mjs")];
      searchPaths.NODE_PATH = [
        ...optPath("nodejs", `node${info.version}`, "node_modules"),
        ...optPath("nodejs", "node_modules"),
        ...(this.sdkNodeModules ? [this.sdkNodeModules] : []),
        this.runtimeDir,
        codeDir,
      ].join(delimiter);
      // Node 22.1+ keeps compiled code between cold starts (ignored by older versions).
      searchPaths.NODE_COMPILE_CACHE = join(this.baseDir, "cache", "node");
      runtimeVersion = `nodejs:${info.version}.v${process.versions.node}`;
    } else if (info.family === "python") {
      command = await this.pythonFor(info.version);
      binDir = [dirname(command)];
      args = [join(this.runtimeDir, "python-bootstrap.py")];
      // Bytecode goes to Nimbus's cache, not into the (shared, read-only on Lambda) code dir.
      searchPaths.PYTHONPYCACHEPREFIX = join(this.baseDir, "cache", "python");
      searchPaths.PYTHONPATH = [
        codeDir,
        ...optPath("python", "lib", `python${info.version}`, "site-packages"),
        ...optPath("python"),
      ].join(delimiter);
      runtimeVersion = `python:${info.version}.v1`;
    } else {
      // A custom runtime's entry point is /var/task/bootstrap, else /opt/bootstrap.
      const candidates = [join(codeDir, "bootstrap"), ...optPath("bootstrap")];
      const found = candidates.find((p) => existsSync(p) && statSync(p).isFile());
      if (!found) throw new EntrypointError("Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]");
      command = found;
      binDir = [dirname(process.execPath)];
      runtimeVersion = `provided:${info.version}.v1`;
    }

    const hostPath = (process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin").split(delimiter);
    const env: Record<string, string> = {
      PATH: [...new Set([...binDir, ...hostPath])].concat(optPath("bin")).join(delimiter),
      LD_LIBRARY_PATH: [codeDir, join(codeDir, "lib"), ...optPath("lib")].join(delimiter),
      LANG: "en_US.UTF-8",
      ...searchPaths,
      AWS_ENDPOINT_URL: this.config.endpointUrl,
    };
    if (this.config.xrayDaemonAddress) {
      const [host, port] = this.config.xrayDaemonAddress.split(":");
      Object.assign(env, {
        AWS_XRAY_DAEMON_ADDRESS: this.config.xrayDaemonAddress,
        _AWS_XRAY_DAEMON_ADDRESS: host ?? "",
        _AWS_XRAY_DAEMON_PORT: port ?? "",
        AWS_XRAY_CONTEXT_MISSING: "LOG_ERROR",
      });
    }
    // The function's own variables may override the unreserved ones above, not those below.
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
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_LAMBDA_LOG_GROUP_NAME: environment.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: environment.logStreamName,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      LAMBDA_TASK_ROOT: codeDir,
      LAMBDA_RUNTIME_DIR: this.runtimeDir,
    });
    if (credentials.sessionToken) env.AWS_SESSION_TOKEN = credentials.sessionToken;
    else delete env.AWS_SESSION_TOKEN;
    if (info.family !== "provided") env.AWS_EXECUTION_ENV = `AWS_Lambda_${fn.runtime}`;
    if (fn.logFormat === "JSON") {
      env.AWS_LAMBDA_LOG_FORMAT = "JSON";
      if (fn.applicationLogLevel) env.AWS_LAMBDA_LOG_LEVEL = fn.applicationLogLevel.toUpperCase();
    }
    if (opt) env._NIMBUS_OPT_DIR = opt;
    return { command, args, env, runtimeVersion };
  }

  private pythonFor(version: string): Promise<string> {
    if (this.config.pythonExecutable) return Promise.resolve(this.config.pythonExecutable);
    let found = this.pythonByVersion.get(version);
    if (!found) {
      found = (async () => {
        // Ask the interpreter for its real path: version managers' shims (pyenv) cost a shell
        // script per start, and a shim may exist for a version that is not installed.
        // Both asked at once (shims can take seconds); the exact version wins when present.
        const [exact, generic] = await Promise.all([interpreterPath(`python${version}`), interpreterPath("python3")]);
        const path = exact ?? generic;
        if (path) return path;
        throw runtimeErrors.RuntimeUnavailable({ runtime: `python${version}`, detail: "no python3 interpreter found on PATH" });
      })();
      found.catch(() => this.pythonByVersion.delete(version));
      this.pythonByVersion.set(version, found);
    }
    return found;
  }
}

class EntrypointError extends Error {}

function interpreterPath(command: string): Promise<string | undefined> {
  return new Promise((resolvePath) => {
    execFile(command, ["-c", "import sys; print(sys.executable)"], { timeout: 10_000 }, (err, stdout) => {
      const path = stdout.trim();
      resolvePath(!err && path ? path : undefined);
    });
  });
}

function fingerprintOf(fn: FunctionSpec): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        fn.name,
        fn.runtime,
        fn.handler,
        resolve(fn.codeDir),
        (fn.layerDirs ?? []).map((d) => resolve(d)),
        Object.entries(fn.environment ?? {}).sort(),
        fn.timeout,
        fn.memorySize,
        fn.ephemeralStorage ?? 512,
        fn.credentials ?? null,
        fn.region,
        fn.logGroupName ?? null,
        fn.logFormat ?? null,
        fn.applicationLogLevel ?? null,
      ]),
    )
    .digest("hex");
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `Runtime exited with error: signal: ${SIGNAL_TEXT[signal] ?? signal}`;
  if (code === 0) return "Runtime exited without providing a reason";
  return `Runtime exited with error: exit status ${code ?? "unknown"}`;
}

function parseErrorType(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { errorType?: unknown };
    return typeof parsed.errorType === "string" ? parsed.errorType : undefined;
  } catch {
    return undefined;
  }
}

/** HTTP header values are bytes: send JSON with non-Latin-1 characters as its UTF-8 bytes. */
function headerSafe(value: string | undefined): string | undefined {
  return value === undefined ? undefined : Buffer.from(value, "utf8").toString("latin1");
}

function displayPath(env: Environment, command: string): string {
  const codeDir = resolve(env.fn.codeDir);
  return command.startsWith(codeDir) ? `/var/task${command.slice(codeDir.length)}` : command.replace(/^.*\/bootstrap$/, "/opt/bootstrap");
}

function runtimeVersionArn(region: string, runtimeVersion: string): string {
  return `arn:aws:lambda:${region}::runtime:${createHash("sha256").update(runtimeVersion).digest("hex")}`;
}

function readProcStatusKb(pid: number | undefined, field: "VmHWM" | "VmRSS"): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

