/**
 * One execution environment: a runtime process in its own process group, its Runtime API
 * server, its `/tmp`, its log stream. It runs one invocation at a time and turns what happens
 * (a response, a function error, a timeout, a crash, running out of memory, an init failure)
 * into the result and the log lines Lambda would produce.
 *
 * Lambda freezes an environment between invocations; this one keeps running, so timers a
 * previous invocation left behind may fire while it is idle. Their output is attributed to the
 * environment's next invocation (before its START line).
 *
 * `/tmp` size (EphemeralStorage, 512-10240 MB): Lambda's /tmp is a file system of that size, so
 * a write past it fails with ENOSPC. Here /tmp is a plain directory on the machine's disk (no
 * mounts: Nimbus runs unprivileged, and a loop device or tmpfs per environment would cost more
 * than the process itself), so a write cannot fail at the limit. Instead the directory's size
 * (apparent file sizes, symlinks not followed) is sampled while an invocation runs and measured
 * again when it ends. Over the limit, the invocation fails with the error the runtime would have
 * raised for ENOSPC (Node's `ENOSPC: no space left on device, write`, Python's `[Errno 28]`),
 * the log says why, and the environment is ended (its /tmp removed), so the next invocation
 * starts cold with an empty /tmp. A fast writer can overshoot by what it writes in one sampling
 * period before it is stopped; a function that catches the error itself on Lambda would have
 * gone on, here it fails.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync, type Dirent } from "node:fs";
import { lstat, mkdir, readdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { Clock } from "../../../core/clock.js";
import { AwsError } from "../../../core/errors.js";
import { runtimeErrors } from "./errors.js";
import { MAX_SYNC_RESPONSE_BYTES, RuntimeApi } from "./runtime-api.js";
import { EntrypointError, runtimeVersionArn, type EnvironmentIdentity, type SpawnPlan } from "./runtimes.js";
import type { EngineLog, FunctionSpec, InvokeOptions, InvokeResult, LogEvent, Scheduler } from "./types.js";
import { removeTree } from "./zip.js";

/** Why a process cannot be started that are the machine's, not the function's: no descriptors, processes or memory left. */
const HOST_REFUSALS = new Set(["EMFILE", "ENFILE", "EAGAIN", "ENOMEM"]);

/** What an environment needs from the engine that owns it. */
export interface EnvironmentHost {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly baseDir: string;
  /** Lambda's Init phase limit; a slower init gets the function timeout on top. */
  readonly initTimeoutMs: number;
  /** RSS sampling period for the memory limit; 0 turns the check off. */
  readonly memoryCheckIntervalMs: number;
  /** `/tmp` size sampling period while an invocation runs; 0 leaves only the check at its end. */
  readonly storageCheckIntervalMs: number;
  monotonic(): number;
  log: EngineLog;
  planSpawn(fn: FunctionSpec, identity: EnvironmentIdentity): Promise<SpawnPlan>;
  traceId(): string;
  /** The environment's process is running. */
  started(env: Environment): void;
  /** The environment no longer exists, whatever the reason; called once. */
  gone(env: Environment): void;
}

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
  // The machine refused the runtime's process (no descriptors left): a service error, not the function's.
  | { kind: "host-refused"; error: AwsError }
  // /tmp grew past the function's EphemeralStorage size: ENOSPC on Lambda.
  | { kind: "storage"; usedBytes: number }
  // The runtime died after an earlier invocation, before taking this one: Lambda would hand
  // the event to a fresh environment, so the engine retries it there.
  | { kind: "lost" };

interface Invocation {
  requestId: string;
  payload: Buffer;
  options: InvokeOptions;
  arrivedAt: number;
  /** Monotonic time the runtime received the event: the handler's Duration starts here. */
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

/** Largest log volume kept per invocation; more is dropped with a note (Nimbus's memory). */
const MAX_LOG_BYTES_PER_INVOCATION = 16 * 1024 * 1024;
/** Lines kept while no invocation runs (init output, a timer firing while idle). */
const MAX_PENDING_LINES = 10_000;

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

/** How a provisioned environment's Init phase ended (Environment.prewarm). */
export type PrewarmOutcome = { ok: true } | { ok: false; errorType: string };

export class Environment {
  readonly id = randomBytes(16).toString("hex");
  /** Provisioned concurrency: initialized ahead of invocations, never reaped for idleness. */
  readonly provisioned: boolean;
  /** Set for a provisioned environment: settles when its Init phase ends. */
  initialized: Promise<PrewarmOutcome> | undefined;
  /** A provisioned environment that finished Init and served (the engine replaces it if it dies). */
  everReady = false;
  readonly logStreamName: string;
  readonly logGroupName: string;
  state: "initializing" | "idle" | "busy" | "dead" = "initializing";
  /** Code or configuration changed: finish the current invocation, then go. */
  retiring = false;
  lastUsed: number;
  private child: ChildProcess | undefined;
  private api: RuntimeApi | undefined;
  private readonly tmpDir: string;
  private spawnedAt = 0;
  private initDurationMs: number | undefined;
  /** The runtime has asked for work at least once: its Init phase succeeded. */
  private ready = false;
  /** A cold start has been reported; later invocations are warm. */
  private initConsumed = false;
  private pendingLog: LogEvent[] = [];
  private current: Invocation | undefined;
  /** Set when Nimbus ends the process on purpose, so its exit is not news. */
  private killedFor: "timeout" | "oom" | "storage" | "shutdown" | undefined;
  private maxRssKb = 0;
  private closed: Promise<void> = Promise.resolve();
  private readonly lineBuffers = { stdout: "", stderr: "" };
  private cancelReap: (() => void) | undefined;
  /** A pending prewarm(): resolved once, when Init ends either way. */
  private initWaiter: ((outcome: PrewarmOutcome) => void) | undefined;

  constructor(
    readonly fn: FunctionSpec,
    readonly fingerprint: string,
    private readonly host: EnvironmentHost,
    options: { provisioned?: boolean } = {},
  ) {
    this.provisioned = options.provisioned ?? false;
    const now = new Date(host.clock.now());
    const day = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()].map((n) => String(n).padStart(2, "0")).join("/");
    this.logStreamName = `${day}/[${fn.version}]${this.id}`;
    this.logGroupName = fn.logGroupName ?? `/aws/lambda/${fn.name}`;
    this.tmpDir = join(host.baseDir, "environments", this.id, "tmp");
    this.lastUsed = host.clock.now();
  }

  /** True when the environment can take another invocation. */
  get usable(): boolean {
    const child = this.child;
    return this.state !== "dead" && this.killedFor === undefined && (!child || (child.exitCode === null && child.signalCode === null));
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
        arrivedAt: this.host.monotonic(),
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
          setImmediate(() => {
            if (outcome.kind === "lost") {
              resolvePromise(this.abandon(inv));
              return;
            }
            if (outcome.kind === "host-refused") {
              if (this.current === inv) this.current = undefined;
              rejectPromise(outcome.error);
              return;
            }
            // The environment lives on after these: measure what the invocation left in /tmp.
            const survives = outcome.kind === "response" || outcome.kind === "error" || outcome.kind === "too-large";
            if (!survives) {
              resolvePromise(this.finish(inv, outcome, coldStart));
              return;
            }
            void this.tmpOverLimit().then((used) => resolvePromise(this.finish(inv, used === undefined ? outcome : { kind: "storage", usedBytes: used }, coldStart)));
          });
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
          void this.destroy("failed");
          return;
        }
        // Not the function's fault (no interpreter on this machine...): a service error.
        inv.done = true;
        for (const cancel of inv.cancelTimers) cancel();
        this.current = undefined;
        void this.destroy("failed");
        const refused = HOST_REFUSALS.has((err as NodeJS.ErrnoException).code ?? "");
        const detail = String(err);
        rejectPromise(err instanceof AwsError ? err : refused ? runtimeErrors.HostRefused({ detail }) : runtimeErrors.RuntimeUnavailable({ runtime: this.fn.runtime, detail }));
      });
    });
  }

  /**
   * Provisioned concurrency: starts the process and runs its Init phase now, without an event
   * (AWS_LAMBDA_INITIALIZATION_TYPE=provisioned-concurrency). Resolves when the runtime asks for
   * its first event (ready; its first invocation is then warm, with no Init Duration), or when
   * Init fails, crashes or runs past the Init limit plus the function timeout.
   */
  prewarm(): Promise<PrewarmOutcome> {
    this.initialized ??= new Promise<PrewarmOutcome>((resolvePromise) => {
      const cancel = this.host.scheduler.after(
        this.host.initTimeoutMs + this.fn.timeout * 1000,
        () => {
          if (this.ready) return;
          this.killedFor = "timeout";
          this.resolveInit({ ok: false, errorType: "Sandbox.Timedout" });
          this.killGroup();
        },
        "lambda provisioned init",
      );
      this.initWaiter = (outcome) => {
        cancel();
        resolvePromise(outcome);
      };
      this.start(undefined).catch((err: unknown) => {
        this.host.log("warn", `lambda environment ${this.id} of ${this.fn.name} could not start: ${String(err)}`);
        this.resolveInit({ ok: false, errorType: err instanceof EntrypointError ? "Runtime.InvalidEntrypoint" : "Runtime.Unavailable" });
        void this.destroy("failed");
      });
    });
    return this.initialized;
  }

  private resolveInit(outcome: PrewarmOutcome): void {
    const waiter = this.initWaiter;
    this.initWaiter = undefined;
    waiter?.(outcome);
  }

  /** Ends the process group (if any) and releases the port and `/tmp`. */
  async destroy(reason: "shutdown" | "reaped" | "retired" | "failed" | "evicted"): Promise<void> {
    this.setReapTimer(undefined);
    this.killedFor ??= "shutdown";
    if (this.isDead()) {
      await this.closed;
      return;
    }
    this.host.log("debug", `lambda environment ${this.id} of ${this.fn.name} ended (${reason})`);
    this.state = "dead";
    this.killGroup();
    await this.closed;
    this.resolveInit({ ok: false, errorType: "Runtime.ExitError" });
    this.current?.settle({ kind: "exit", code: null, signal: "SIGKILL" });
    this.host.gone(this);
    await this.api?.close();
    await removeTree(dirname(this.tmpDir));
  }

  /** SIGKILL to the whole process group: the runtime and whatever it started. */
  killGroup(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }

  /** A method rather than a field read: the state changes while start() awaits. */
  private isDead(): boolean {
    return this.state === "dead";
  }

  /** Starts the runtime; with an invocation, hands it over (a cold start), without, only runs Init (prewarm). */
  private async start(inv: Invocation | undefined): Promise<void> {
    const identity = {
      logGroupName: this.logGroupName,
      logStreamName: this.logStreamName,
      tmpDir: this.tmpDir,
      initializationType: this.provisioned ? ("provisioned-concurrency" as const) : ("on-demand" as const),
    };
    const plan = await this.host.planSpawn(this.fn, identity);
    await mkdir(this.tmpDir, { recursive: true });
    if (inv?.done || this.isDead()) return;
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
          this.resolveInit({ ok: false, errorType: type });
        },
      },
      { now: () => this.host.clock.now(), maxResponseBytes: MAX_SYNC_RESPONSE_BYTES },
    );
    this.api = api;
    if (inv?.done || this.isDead()) {
      await api.close();
      return;
    }
    plan.env.AWS_LAMBDA_RUNTIME_API = api.address;
    this.spawn(plan);
    if (inv) this.dispatch(inv);
  }

  private spawn(plan: SpawnPlan): void {
    this.pushPending(`INIT_START Runtime Version: ${plan.runtimeVersion}\tRuntime Version ARN: ${runtimeVersionArn(this.fn.region, plan.runtimeVersion)}`);
    this.spawnedAt = this.host.monotonic();
    // Started directly (no shell), in its own process group so that a timeout or a shutdown
    // also ends whatever the function started.
    const child = spawn(plan.command, plan.args, { cwd: this.fn.codeDir, env: plan.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    this.child = child;
    this.host.started(this);
    let resolveClosed = (): void => undefined;
    this.closed = new Promise<void>((r) => (resolveClosed = r));
    let ended = false;
    const onEnd = (code: number | null, signal: NodeJS.Signals | null, spawnFailed: boolean): void => {
      if (ended) return;
      ended = true;
      this.flushOutput();
      const wasDead = this.isDead();
      this.state = "dead";
      this.resolveInit({ ok: false, errorType: "Runtime.ExitError" });
      if (!spawnFailed) this.onExit(code, signal);
      if (!wasDead) this.host.gone(this);
      // Nothing will talk to this environment again: free its port and its /tmp.
      void this.api?.close();
      void removeTree(dirname(this.tmpDir));
      resolveClosed();
    };
    child.on("error", (err: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) return;
      if (HOST_REFUSALS.has(err.code ?? "")) {
        this.current?.settle({ kind: "host-refused", error: runtimeErrors.HostRefused({ detail: err.message }) });
        onEnd(null, null, true);
        return;
      }
      const reason = err.code === "EACCES" ? "permission denied" : err.code === "ENOENT" ? "no such file or directory" : err.message;
      this.current?.settle({ kind: "entrypoint", detail: `fork/exec ${this.sandboxPath(plan.command)}: ${reason}` });
      onEnd(null, null, true);
    });
    for (const name of ["stdout", "stderr"] as const) {
      const stream = child[name];
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => this.onOutput(name, chunk));
    }
    // The group goes with the runtime, so nothing it started keeps the pipes (and 'close') open.
    child.on("exit", () => this.killGroup());
    child.on("close", (code, signal) => onEnd(code, signal, false));
  }

  private dispatch(inv: Invocation): void {
    const api = this.api;
    if (!api) return;
    // A runtime that never takes the event: Lambda's Init limit (cold) plus the function timeout.
    const limit = (this.ready ? 0 : this.host.initTimeoutMs) + this.fn.timeout * 1000;
    inv.cancelTimers.push(
      this.host.scheduler.after(
        limit,
        () => {
          if (inv.deliveredAt !== undefined) return;
          this.killedFor = "timeout";
          inv.settle({ kind: this.ready ? "timeout" : "init-timeout" });
          this.killGroup();
        },
        "lambda event not taken",
      ),
    );
    api.dispatch({
      requestId: inv.requestId,
      payload: inv.payload,
      timeoutMs: this.fn.timeout * 1000,
      invokedFunctionArn: inv.options.invokedFunctionArn ?? this.fn.arn,
      traceId: inv.options.traceId ?? this.host.traceId(),
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
    this.initDurationMs = this.host.monotonic() - this.spawnedAt;
    if (this.initWaiter) {
      // Provisioned: Init ran ahead of any invocation, so none of them is a cold start.
      this.initConsumed = true;
      this.resolveInit({ ok: true });
      return;
    }
    if (this.state === "initializing") this.state = "busy";
  }

  private onDelivered(requestId: string): void {
    const inv = this.forCurrent(requestId);
    if (!inv) return;
    inv.deliveredAt = this.host.monotonic();
    inv.startedAt = this.host.clock.now();
    inv.preLog = this.takePending();
    inv.cancelTimers.push(
      this.host.scheduler.after(
        this.fn.timeout * 1000,
        () => {
          this.killedFor = "timeout";
          inv.settle({ kind: "timeout" });
          this.killGroup();
        },
        "lambda timeout",
      ),
    );
    this.watchMemory(inv);
    this.watchStorage(inv);
  }

  /** The /tmp limit while the handler runs: sampled, like memory (see the file comment). */
  private watchStorage(inv: Invocation): void {
    const interval = this.host.storageCheckIntervalMs;
    if (interval <= 0) return;
    const cancel = this.host.scheduler.every(
      interval,
      async () => {
        if (inv.done) return;
        const used = await this.tmpOverLimit();
        if (used === undefined || inv.done) return;
        this.killedFor = "storage";
        inv.settle({ kind: "storage", usedBytes: used });
        this.killGroup();
      },
      "lambda ephemeral storage check",
    );
    inv.cancelTimers.push(cancel);
  }

  /** The bytes in this environment's /tmp when they exceed EphemeralStorage, else undefined. */
  private async tmpOverLimit(): Promise<number | undefined> {
    const limit = (this.fn.ephemeralStorage ?? 512) * 1024 * 1024;
    const used = await directorySize(this.tmpDir, limit);
    return used > limit ? used : undefined;
  }

  /** Lambda kills an environment that goes over its memory size; sampled here. */
  private watchMemory(inv: Invocation): void {
    const interval = this.host.memoryCheckIntervalMs;
    if (interval <= 0) return;
    const cancel = this.host.scheduler.every(
      interval,
      () => {
        if (inv.done) return;
        const rss = readProcStatusKb(this.child?.pid, "VmRSS");
        if (rss === undefined || rss <= this.fn.memorySize * 1024) return;
        this.killedFor = "oom";
        inv.settle({ kind: "oom" });
        this.killGroup();
      },
      "lambda memory check",
    );
    inv.cancelTimers.push(cancel);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const inv = this.current;
    if (inv && !inv.done && inv.deliveredAt === undefined && this.initConsumed) {
      inv.settle({ kind: "lost" });
      return;
    }
    if (inv && !inv.done) {
      inv.settle({ kind: "exit", code, signal });
      return;
    }
    if (this.killedFor === undefined) {
      this.host.log("warn", `lambda environment ${this.id} of ${this.fn.name} exited while idle (${exitText(code, signal)})`);
    }
  }

  private onOutput(stream: "stdout" | "stderr", chunk: string): void {
    const lines = (this.lineBuffers[stream] + chunk).split("\n");
    this.lineBuffers[stream] = lines.pop() ?? "";
    for (const line of lines) this.pushLine(line);
  }

  private flushOutput(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.lineBuffers[stream]) this.pushLine(this.lineBuffers[stream]);
      this.lineBuffers[stream] = "";
    }
  }

  private pushLine(line: string): void {
    // The runtimes send a multi-line message as one line with \r for \n: one log event.
    const message = (line.endsWith("\r") ? line.slice(0, -1) : line).replace(/\r/g, "\n");
    const inv = this.current;
    if (!inv || inv.deliveredAt === undefined) {
      this.pushPending(message);
      return;
    }
    if (inv.logBytes > MAX_LOG_BYTES_PER_INVOCATION) {
      inv.droppedLines++;
      return;
    }
    inv.logBytes += message.length;
    inv.log.push({ timestamp: this.host.clock.now(), message: message + "\n" });
  }

  private pushPending(message: string): void {
    if (this.pendingLog.length >= MAX_PENDING_LINES) this.pendingLog.shift();
    this.pendingLog.push({ timestamp: this.host.clock.now(), message: message + "\n" });
  }

  private takePending(): LogEvent[] {
    const out = this.pendingLog;
    this.pendingLog = [];
    return out;
  }

  private abandon(inv: Invocation): undefined {
    if (this.current === inv) this.current = undefined;
    this.host.log("debug", `lambda environment ${this.id} of ${this.fn.name} died before taking ${inv.requestId}; retrying elsewhere`);
    return undefined;
  }

  private finish(inv: Invocation, outcome: Exclude<Outcome, { kind: "lost" | "host-refused" }>, coldStart: boolean): InvokeResult {
    const fn = this.fn;
    const id = inv.requestId;
    const now = this.host.clock.now();
    const event = (message: string): LogEvent => ({ timestamp: now, message: message + "\n" });
    // Output without a final newline (print(x, end="")) still belongs to this invocation.
    this.flushOutput();
    this.current = undefined;

    const peak = readProcStatusKb(this.child?.pid, "VmHWM");
    if (peak !== undefined) this.maxRssKb = Math.max(this.maxRssKb, peak);
    const initDurationMs = this.ready && !this.initConsumed ? this.initDurationMs : undefined;
    if (this.ready) this.initConsumed = true;

    const timeoutText = `Task timed out after ${fn.timeout.toFixed(2)} seconds`;
    const initReport = (status: string): string =>
      `INIT_REPORT Init Duration: ${(this.host.monotonic() - this.spawnedAt).toFixed(2)} ms\tPhase: init\tStatus: ${status}`;
    const failure = (errorType: string, errorMessage: string): Buffer => Buffer.from(JSON.stringify({ errorType, errorMessage }));
    let payload: Buffer;
    let functionError: InvokeResult["functionError"] = "Unhandled";
    let status = "";
    let init: string | undefined;
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
      case "init-timeout":
        payload = failure("Sandbox.Timedout", `RequestId: ${id} Error: ${timeoutText}`);
        notes.push(`${new Date(now).toISOString()} ${id} ${timeoutText}`);
        status = "\tStatus: timeout";
        if (outcome.kind === "init-timeout") init = initReport("timeout");
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
        if (!this.ready && this.spawnedAt > 0) init = `${initReport("error")}\tError Type: Runtime.ExitError`;
        break;
      }
      case "init-error":
        payload = outcome.body;
        status = `\tStatus: error\tError Type: ${outcome.errorType}`;
        init = `${initReport("error")}\tError Type: ${outcome.errorType}`;
        break;
      case "entrypoint":
        payload = failure("Runtime.InvalidEntrypoint", `RequestId: ${id} Error: ${outcome.detail}`);
        notes.push(`RequestId: ${id} Error: ${outcome.detail}\nRuntime.InvalidEntrypoint`);
        status = "\tStatus: error\tError Type: Runtime.InvalidEntrypoint";
        break;
      case "storage": {
        // What the function's own write raised on Lambda, left uncaught.
        const python = fn.runtime.startsWith("python");
        payload = python ? failure("OSError", "[Errno 28] No space left on device") : failure("Error", "ENOSPC: no space left on device, write");
        this.killedFor ??= "storage";
        const usedMb = (outcome.usedBytes / 1024 / 1024).toFixed(1);
        notes.push(
          `Nimbus: /tmp holds ${usedMb} MB, more than this function's ephemeral storage of ${fn.ephemeralStorage ?? 512} MB; ` +
            `on Lambda the write fails with ENOSPC. The execution environment is ended.`,
        );
        break;
      }
    }

    const timedOut = outcome.kind === "timeout" || outcome.kind === "init-timeout";
    const durationMs = timedOut ? fn.timeout * 1000 : Math.max(0, this.host.monotonic() - (inv.deliveredAt ?? inv.arrivedAt));
    // Since August 2025 Lambda bills the Init phase of on-demand functions as well.
    const billedMs = Math.ceil(durationMs + (initDurationMs ?? 0));
    // Lambda never reports more than the configured memory: the sandbox cannot hold more.
    const maxMemoryUsedMb = outcome.kind === "oom" ? fn.memorySize : Math.min(fn.memorySize, Math.max(1, Math.round(this.maxRssKb / 1024)));

    const before = inv.deliveredAt === undefined ? this.takePending() : inv.preLog;
    if (init) before.push(event(init));
    const body = [...inv.log];
    if (inv.droppedLines > 0) {
      body.push(event(`Nimbus dropped ${inv.droppedLines} log lines of this invocation (over ${MAX_LOG_BYTES_PER_INVOCATION} bytes).`));
    }
    for (const note of notes) body.push(event(note));
    const report =
      `REPORT RequestId: ${id}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${billedMs} ms` +
      `\tMemory Size: ${fn.memorySize} MB\tMax Memory Used: ${maxMemoryUsedMb} MB` +
      (initDurationMs !== undefined ? `\tInit Duration: ${initDurationMs.toFixed(2)} ms` : "") +
      status;
    const tail = [
      { timestamp: inv.startedAt ?? now, message: `START RequestId: ${id} Version: ${fn.version}\n` },
      ...body,
      event(`END RequestId: ${id}`),
      event(report),
    ];
    const survives = outcome.kind === "response" || outcome.kind === "error" || outcome.kind === "too-large";
    if (!survives) this.killGroup();

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

  /** A path as Lambda would print it: the code directory is /var/task, layers are /opt. */
  private sandboxPath(command: string): string {
    const codeDir = resolve(this.fn.codeDir);
    return command.startsWith(codeDir) ? `/var/task${command.slice(codeDir.length)}` : "/opt/bootstrap";
  }
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

/** HTTP header values are bytes: JSON with non-Latin-1 characters travels as its UTF-8 bytes. */
function headerSafe(value: string | undefined): string | undefined {
  return value === undefined ? undefined : Buffer.from(value, "utf8").toString("latin1");
}

/**
 * Apparent size of the files under `dir` (symlinks not followed), stopping once past `stopAt`:
 * the /tmp check only needs to know whether the limit is crossed.
 */
export async function directorySize(dir: string, stopAt = Number.POSITIVE_INFINITY): Promise<number> {
  let total = 0;
  const pending = [dir];
  while (pending.length > 0 && total <= stopAt) {
    const current = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) total += await lstat(path).then((st) => st.size, () => 0);
    }
  }
  return total;
}

/** Linux only (/proc); elsewhere memory is neither reported nor enforced. */
function readProcStatusKb(pid: number | undefined, field: "VmHWM" | "VmRSS"): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
