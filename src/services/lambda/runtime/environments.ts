/**
 * The Lambda execution engine: real code in real processes, warm environments reused.
 *
 * Environments (environment.ts) are pooled per function version. An invocation takes the most
 * recently used idle environment whose code and configuration match, else starts a new one up
 * to the concurrency cap, else waits for one to free up. Environments idle for `idleTimeoutMs`
 * are reaped; a change of code or configuration retires the old ones (they finish what they
 * run, then go); a timeout, a crash or running out of memory ends the environment, and the next
 * invocation starts cold, as on Lambda. How the sandbox maps onto the machine: runtimes.ts.
 *
 * Throttling (429 TooManyRequestsException) is the API layer's decision: it knows reserved and
 * account concurrency and can read `stats()`; the engine only queues past `concurrencyLimit`
 * (reserved concurrency), else past `maxConcurrencyPerFunction`. That second cap is Nimbus's, not
 * AWS's (every environment is a process on this machine), so waiting on it is logged as a warning
 * naming the flag that raises it, at most once a minute per function.
 *
 * Provisioned concurrency (`provision`): a pool can hold environments started ahead of any
 * invocation, each having run its Init phase. Invocations take those first and spill over to
 * on-demand environments; they are never reaped or evicted for idleness, and one that dies
 * (a timeout, a crash) is replaced, as Lambda keeps the allocation at what was requested.
 */
import { createHash } from "node:crypto";
import { pooledRandomBytes } from "../../../core/random.js";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import type { Clock } from "../../../core/clock.js";
import type { AwsError } from "../../../core/errors.js";
import { createScheduler } from "../../../core/scheduler.js";
import { DEFAULT_MAX_ENVIRONMENTS, DEFAULT_MAX_ENVIRONMENTS_PER_FUNCTION, LIMIT_SETTINGS } from "../limits.js";
import { Environment, type EnvironmentHost } from "./environment.js";
import { runtimeErrors } from "./errors.js";
import {
  defaultRuntimeDir,
  defaultSdkNodeModules,
  planSpawn,
  PythonLocator,
  runtimeInfo,
  type EnvironmentIdentity,
  type RuntimeSettings,
  type SpawnPlan,
} from "./runtimes.js";
import type { EngineLog, FunctionSpec, InvokeOptions, InvokeResult, Scheduler } from "./types.js";
import { optDirOf, removeDirSoon } from "./zip.js";

export type { EngineLog, FunctionCredentials, FunctionSpec, InvokeOptions, InvokeResult, LogEvent, Scheduler } from "./types.js";

export interface EngineConfig {
  /** Where SDK calls from functions go (`AWS_ENDPOINT_URL`), e.g. http://localhost:4566. */
  endpointUrl: string;
  clock: Clock;
  /** Environments' `/tmp` dirs, merged layer dirs and bytecode caches live under here. */
  baseDir: string;
  /** Nimbus's scheduler (core/scheduler.ts); by default one of the engine's own on `clock`. */
  scheduler?: Scheduler;
  log?: EngineLog;
  /** Idle environments older than this are reaped. Default 10 minutes. */
  idleTimeoutMs?: number;
  /** Cap on concurrent environments per function version without reserved concurrency. Default 50 (`--lambda-max-environments-per-function`). */
  maxConcurrencyPerFunction?: number;
  /** Past this many environments in all, starting one reaps the least recently used idle one. Default 100 (`--lambda-max-environments`). */
  maxEnvironments?: number;
  /** Lambda's Init phase limit; a slower init gets the function timeout on top. Default 10 s. */
  initTimeoutMs?: number;
  /** RSS sampling period for the memory limit; 0 turns the check off. Default 100 ms. */
  memoryCheckIntervalMs?: number;
  /** `/tmp` size sampling period while an invocation runs (it is also checked at the end); 0 samples never. Default 1000 ms. */
  storageCheckIntervalMs?: number;
  /** Monotonic milliseconds for measured durations. Default performance.now. */
  monotonicNow?: () => number;
  /** Node.js binary for every nodejs*.x runtime. Default: the one running Nimbus. */
  nodeExecutable?: string;
  /** Python interpreter for every python3.x runtime. Default: `python3.x`, else `python3`. */
  pythonExecutable?: string;
  /** node_modules holding `@aws-sdk/*` for Node functions. Default: Nimbus's own. */
  sdkNodeModulesDir?: string;
  /** Directory of node-bootstrap.mjs and python-bootstrap.py. Default: this module's (in src/). */
  runtimeDir?: string;
  /** `host:port` of an X-Ray daemon, given to functions as AWS_XRAY_DAEMON_ADDRESS. */
  xrayDaemonAddress?: string;
}

export interface EngineStats {
  environments: number;
  busy: number;
  idle: number;
  /** Keyed by `<function ARN>:<version>`; `provisioned`: provisioned environments done with Init. */
  byFunction: Record<string, { total: number; busy: number; idle: number; waiting: number; provisioned: number }>;
}

/** What `provision` ended with: environments ready, and the error type of an Init that failed. */
export interface ProvisionResult {
  ready: number;
  failed: number;
  errorType?: string;
}

export interface Engine {
  invoke(fn: FunctionSpec, payload: Buffer, options?: InvokeOptions): Promise<InvokeResult>;
  /** Ends environments idle for `idleTimeoutMs` or more; returns how many. */
  reap(): Promise<number>;
  /**
   * Ends the environments of a function (all versions, or one): for DeleteFunction and the like.
   * Idle ones go now, busy ones when their invocation ends. Returns how many were affected.
   */
  retire(functionArn: string, version?: string): Promise<number>;
  /**
   * Provisioned concurrency: keeps `count` environments of this function version initialized
   * ahead of invocations. Starts the missing ones (Init runs now), ends surplus ones (idle ones
   * at once, busy ones after their invocation); 0 ends them all. Resolves when every kept
   * environment has finished Init, counting those ready and those whose Init failed.
   */
  provision(fn: FunctionSpec, count: number): Promise<ProvisionResult>;
  /** Kills every environment (process groups included) and refuses further invocations. */
  shutdown(): Promise<void>;
  stats(): EngineStats;
  /** The code and layer directories environments run from (resolved), whatever their state: not to be removed. */
  codeDirsInUse(): Set<string>;
  /**
   * These code or layer directories were removed (no version holds them, no environment runs
   * from them): the merged `/opt` directories built from them go too.
   */
  codeDirsRemoved(dirs: ReadonlySet<string>): void;
}

export function createEngine(config: EngineConfig): Engine {
  return new LambdaEngine(config);
}

interface Waiter {
  fn: FunctionSpec;
  fingerprint: string;
  /** Reserved concurrency the invocation runs under; undefined: the engine's per-function cap. */
  limit: number | undefined;
  resolve: (env: Environment) => void;
  reject: (err: AwsError) => void;
}

interface Pool {
  key: string;
  fingerprint: string;
  envs: Set<Environment>;
  waiters: Waiter[];
  /** Provisioned concurrency asked of this pool, with the spec it was asked for. */
  provisioned?: { fn: FunctionSpec; count: number };
}

class LambdaEngine implements Engine, EnvironmentHost {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly baseDir: string;
  readonly initTimeoutMs: number;
  readonly memoryCheckIntervalMs: number;
  readonly storageCheckIntervalMs: number;
  readonly monotonic: () => number;
  private readonly pools = new Map<string, Pool>();
  /** Environments with a running process, for the exit-time safety net. */
  private readonly live = new Set<Environment>();
  private readonly idleTimeoutMs: number;
  private readonly maxPerFunction: number;
  private readonly maxEnvironments: number;
  /** Merged `/opt` directories built for environments, with the layer directories each merges (resolved). */
  private readonly optDirs = new Map<string, readonly string[]>();
  /** When the per-function cap was last reported as making an invocation wait, by function ARN. */
  private readonly capWarnedAt = new Map<string, number>();
  private readonly settings: RuntimeSettings;
  private shuttingDown = false;
  /** Created when none is given; closed at shutdown. */
  private readonly ownScheduler: Scheduler | undefined;
  private readonly onProcessExit = (): void => {
    for (const env of this.live) env.killGroup();
  };

  constructor(private readonly config: EngineConfig) {
    this.clock = config.clock;
    this.ownScheduler = config.scheduler ? undefined : createScheduler(config.clock);
    this.scheduler = config.scheduler ?? (this.ownScheduler as Scheduler);
    this.baseDir = resolve(config.baseDir);
    this.initTimeoutMs = config.initTimeoutMs ?? 10_000;
    this.memoryCheckIntervalMs = config.memoryCheckIntervalMs ?? 100;
    this.storageCheckIntervalMs = config.storageCheckIntervalMs ?? 1000;
    this.monotonic = config.monotonicNow ?? (() => performance.now());
    this.idleTimeoutMs = config.idleTimeoutMs ?? 10 * 60_000;
    this.maxPerFunction = config.maxConcurrencyPerFunction ?? DEFAULT_MAX_ENVIRONMENTS_PER_FUNCTION;
    this.maxEnvironments = config.maxEnvironments ?? DEFAULT_MAX_ENVIRONMENTS;
    const runtimeDir = config.runtimeDir ?? defaultRuntimeDir(dirname(fileURLToPath(import.meta.url)));
    this.settings = {
      baseDir: this.baseDir,
      runtimeDir,
      sdkNodeModules: config.sdkNodeModulesDir ?? defaultSdkNodeModules(runtimeDir),
      endpointUrl: config.endpointUrl,
      xrayDaemonAddress: config.xrayDaemonAddress,
      nodeExecutable: config.nodeExecutable ?? process.execPath,
      python: new PythonLocator(config.pythonExecutable),
    };
    // Never leave runtime processes behind, even when Nimbus exits without shutdown().
    process.on("exit", this.onProcessExit);
    // Merged /opt directories a previous run left (a data dir): no environment runs yet, and
    // those still wanted are built again on first use.
    removeDirSoon(this.optRoot);
    // So are the /tmp directories of environments a run killed (kill -9) or failed to remove
    // (a full or read-only disk): each held what its function wrote there, up to its ephemeral
    // storage (10 GB), in the data dir for good.
    removeDirSoon(join(this.baseDir, "environments"));
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
      // Undefined: the environment died between invocations before taking this event.
      if (result) return result;
    }
  }

  async reap(): Promise<number> {
    const now = this.clock.now();
    const expired: Environment[] = [];
    for (const pool of this.pools.values()) {
      for (const env of pool.envs) if (env.state === "idle" && !env.provisioned && now - env.lastUsed >= this.idleTimeoutMs) expired.push(env);
    }
    await Promise.all(expired.map((env) => env.destroy("reaped")));
    return expired.length;
  }

  async retire(functionArn: string, version?: string): Promise<number> {
    const ending: Array<Promise<void>> = [];
    let affected = 0;
    if (version === undefined) this.capWarnedAt.delete(functionArn);
    for (const pool of this.pools.values()) {
      const [fn] = pool.envs;
      if (!fn || fn.fn.arn !== functionArn || (version !== undefined && fn.fn.version !== version)) continue;
      delete pool.provisioned;
      for (const env of pool.envs) {
        affected++;
        env.retiring = true;
        if (env.state === "idle" || env.state === "initializing") ending.push(env.destroy("retired"));
      }
    }
    await Promise.all(ending);
    return affected;
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
    this.ownScheduler?.close();
    process.off("exit", this.onProcessExit);
  }

  async provision(fn: FunctionSpec, count: number): Promise<ProvisionResult> {
    if (this.shuttingDown) throw runtimeErrors.EngineShutDown();
    runtimeInfo(fn.runtime);
    const fingerprint = fingerprintOf(fn);
    const pool = this.poolFor(fn, fingerprint);
    if (count > 0) pool.provisioned = { fn, count };
    else delete pool.provisioned;
    const kept = [...pool.envs].filter((env) => env.provisioned && !env.retiring && env.state !== "dead");
    if (kept.length > count) {
      // Surplus goes idle ones first, then those still in Init, busy ones last (after their invocation).
      const order = { idle: 0, initializing: 1, busy: 2, dead: 3 } as const;
      kept.sort((a, b) => order[a.state] - order[b.state]);
      for (const env of kept.splice(0, kept.length - count)) {
        env.retiring = true;
        if (env.state !== "busy") void env.destroy("retired");
      }
    }
    while (kept.length < count) kept.push(this.startProvisioned(pool, fn, fingerprint));
    const outcomes = await Promise.all(kept.map((env) => env.initialized ?? Promise.resolve({ ok: true as const })));
    const failure = outcomes.find((o) => !o.ok);
    const ready = outcomes.filter((o) => o.ok).length;
    return { ready, failed: outcomes.length - ready, ...(failure && !failure.ok ? { errorType: failure.errorType } : {}) };
  }

  stats(): EngineStats {
    const out: EngineStats = { environments: 0, busy: 0, idle: 0, byFunction: {} };
    for (const pool of this.pools.values()) {
      const entry = { total: 0, busy: 0, idle: 0, waiting: pool.waiters.length, provisioned: 0 };
      for (const env of pool.envs) {
        entry.total++;
        if (env.provisioned && !env.retiring && (env.state === "idle" || env.state === "busy")) entry.provisioned++;
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

  codeDirsInUse(): Set<string> {
    const dirs = new Set<string>();
    for (const pool of this.pools.values()) {
      for (const env of pool.envs) {
        dirs.add(resolve(env.fn.codeDir));
        for (const layer of env.fn.layerDirs ?? []) dirs.add(resolve(layer));
      }
    }
    return dirs;
  }

  codeDirsRemoved(dirs: ReadonlySet<string>): void {
    for (const [opt, layers] of this.optDirs) {
      if (!layers.some((layer) => dirs.has(layer))) continue;
      this.optDirs.delete(opt);
      removeDirSoon(opt);
    }
  }

  // ---- EnvironmentHost ----------------------------------------------------------------------

  log: EngineLog = (level, message, fields) => this.config.log?.(level, message, fields);

  planSpawn(fn: FunctionSpec, identity: EnvironmentIdentity): Promise<SpawnPlan> {
    const layers = fn.layerDirs ?? [];
    if (layers.length > 0) this.optDirs.set(optDirOf(layers, this.optRoot), layers.map((d) => resolve(d)));
    return planSpawn(fn, identity, this.settings);
  }

  /** Where planSpawn merges layers (runtimes.ts). */
  private get optRoot(): string {
    return join(this.baseDir, "opt");
  }

  traceId(): string {
    const seconds = Math.floor(this.clock.now() / 1000).toString(16).padStart(8, "0");
    return `Root=1-${seconds}-${pooledRandomBytes(12).toString("hex")};Parent=${pooledRandomBytes(8).toString("hex")};Sampled=0`;
  }

  started(env: Environment): void {
    this.live.add(env);
  }

  gone(env: Environment): void {
    this.live.delete(env);
    const key = poolKey(env.fn);
    const pool = this.pools.get(key);
    if (!pool || !pool.envs.delete(env)) return;
    // A provisioned environment that was serving (not one ended on purpose, nor one whose Init
    // failed: that would loop) is replaced, keeping the allocation at what was asked.
    const target = pool.provisioned;
    if (env.provisioned && !env.retiring && env.everReady && target && !this.shuttingDown && fingerprintOf(target.fn) === pool.fingerprint) {
      const live = [...pool.envs].filter((e) => e.provisioned && !e.retiring && e.state !== "dead").length;
      if (live < target.count) this.startProvisioned(pool, target.fn, pool.fingerprint);
    }
    // A slot freed up: start an environment for the next waiting invocation.
    const waiter = pool.waiters[0];
    if (waiter && !this.shuttingDown && this.activeCount(pool) < (waiter.limit ?? this.maxPerFunction)) {
      pool.waiters.shift();
      waiter.resolve(this.startEnvironment(pool, waiter.fn, waiter.fingerprint));
    }
    if (pool.envs.size === 0 && pool.waiters.length === 0 && !pool.provisioned) this.pools.delete(key);
  }

  // ---- pools --------------------------------------------------------------------------------

  private poolFor(fn: FunctionSpec, fingerprint: string): Pool {
    const key = poolKey(fn);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { key, fingerprint, envs: new Set(), waiters: [] };
      this.pools.set(key, pool);
    } else if (pool.fingerprint !== fingerprint) {
      // New code or configuration: the old environments finish what they run, then go.
      pool.fingerprint = fingerprint;
      for (const env of pool.envs) {
        env.retiring = true;
        if (env.state === "idle") void env.destroy("retired");
      }
    }
    return pool;
  }

  private acquire(pool: Pool, fn: FunctionSpec, fingerprint: string, limit: number | undefined): Promise<Environment> {
    // Provisioned environments first (Lambda routes to them before scaling on demand), then the
    // most recently used idle one.
    let warm: Environment | undefined;
    for (const env of pool.envs) {
      if (env.state !== "idle" || env.retiring || !env.usable) continue;
      if (!warm || (env.provisioned !== warm.provisioned ? env.provisioned : env.lastUsed > warm.lastUsed)) warm = env;
    }
    if (warm) {
      warm.state = "busy";
      warm.setReapTimer(undefined);
      return Promise.resolve(warm);
    }
    if (this.activeCount(pool) < (limit ?? this.maxPerFunction)) return Promise.resolve(this.startEnvironment(pool, fn, fingerprint));
    if (limit === undefined) this.warnCapReached(fn);
    return new Promise((resolveEnv, reject) => pool.waiters.push({ fn, fingerprint, limit, resolve: resolveEnv, reject }));
  }

  /**
   * AWS would start another environment here (up to the account's concurrency); Nimbus makes the
   * invocation wait. Said once a minute per function, so that a slow burst is not a mystery.
   */
  private warnCapReached(fn: FunctionSpec): void {
    const now = this.clock.now();
    const last = this.capWarnedAt.get(fn.arn);
    if (last !== undefined && now - last < CAP_WARNING_INTERVAL_MS) return;
    this.capWarnedAt.set(fn.arn, now);
    const { flag, env } = LIMIT_SETTINGS.maxEnvironmentsPerFunction;
    this.log(
      "warn",
      `Lambda function ${fn.name} (${fn.version}): all ${this.maxPerFunction} execution environments Nimbus allows per function version are busy, ` +
        `so invocations wait for one to free up, where AWS would start more (up to the account's concurrency). Raise the cap with ${flag} or ${env}.`,
      { function: fn.arn, version: fn.version, cap: flag.slice(2), limit: this.maxPerFunction },
    );
  }

  private activeCount(pool: Pool): number {
    let n = 0;
    for (const env of pool.envs) if (!env.retiring && env.state !== "dead") n++;
    return n;
  }

  private startEnvironment(pool: Pool, fn: FunctionSpec, fingerprint: string): Environment {
    if (this.live.size >= this.maxEnvironments) this.evictLeastRecentlyUsed();
    const env = new Environment(fn, fingerprint, this);
    env.state = "busy";
    pool.envs.add(env);
    return env;
  }

  /** A provisioned environment: Init runs now; once ready it waits idle (or takes a queued invocation). */
  private startProvisioned(pool: Pool, fn: FunctionSpec, fingerprint: string): Environment {
    if (this.live.size >= this.maxEnvironments) this.evictLeastRecentlyUsed();
    const env = new Environment(fn, fingerprint, this, { provisioned: true });
    pool.envs.add(env);
    void env.prewarm().then((outcome) => {
      if (!outcome.ok) {
        void env.destroy("failed");
        return;
      }
      env.everReady = true;
      if (env.state !== "initializing") return;
      env.state = "busy";
      this.release(pool, env);
    });
    return env;
  }

  private evictLeastRecentlyUsed(): void {
    let oldest: Environment | undefined;
    for (const pool of this.pools.values()) {
      for (const env of pool.envs) if (env.state === "idle" && !env.provisioned && (!oldest || env.lastUsed < oldest.lastUsed)) oldest = env;
    }
    if (oldest) void oldest.destroy("evicted");
  }

  private release(pool: Pool, env: Environment): void {
    if (!env.usable || env.retiring || env.fingerprint !== pool.fingerprint || this.shuttingDown) {
      void env.destroy(env.usable ? "retired" : "failed");
      return;
    }
    // A queued invocation takes it, even one queued before a configuration change: like Lambda,
    // it then runs the current code.
    const waiter = pool.waiters.shift();
    if (waiter) {
      waiter.resolve(env);
      return;
    }
    env.state = "idle";
    env.lastUsed = this.clock.now();
    if (env.provisioned) return;
    env.setReapTimer(this.scheduler.after(this.idleTimeoutMs, () => this.reap().then(() => undefined), "lambda idle reap"));
  }
}

const CAP_WARNING_INTERVAL_MS = 60_000;

function poolKey(fn: FunctionSpec): string {
  return `${fn.arn}:${fn.version}`;
}

/** Everything that, changed, makes an environment stale (Lambda starts new ones). */
function fingerprintOf(fn: FunctionSpec): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        fn.name,
        fn.runtime,
        fn.handler,
        resolve(fn.codeDir),
        (fn.layerDirs ?? []).map((d) => resolve(d)),
        Object.entries(fn.environment ?? {}).sort(([a], [b]) => a.localeCompare(b)),
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
