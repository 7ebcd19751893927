/**
 * Child processes under test: start on 127.0.0.1 with a free port, wait until they answer HTTP,
 * stop them by PID. Each child leads its own process group (`detached`), so stopping it also
 * stops whatever it spawned (Lambda runtimes, a peer's workers), and a terminal's Ctrl-C reaches
 * the harness only: the harness then kills every group it started before exiting.
 *
 * A harness killed with SIGKILL cannot clean up, so every live child is also written to a PID
 * file; `reapOrphans()` at the next start kills the groups a dead harness left behind (checked
 * against the kernel's start time, so a recycled PID is never hit).
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export interface ReadyCheck {
  /** Path probed with GET until it answers; default "/". */
  readonly path?: string;
  /** Which status counts as ready; default: any HTTP answer at all. */
  readonly ok?: (status: number) => boolean;
  readonly timeoutMs?: number;
  /** Pause between probes; small, because start-up time is measured with it. */
  readonly intervalMs?: number;
}

export interface StartOptions {
  /** Label for logs and errors. */
  readonly name: string;
  /** Executable; default: this Node binary. */
  readonly command?: string;
  /** Arguments, or a function of the port picked for the child. */
  readonly args: readonly string[] | ((port: number) => readonly string[]);
  /** Port the child will listen on; default: a free one on 127.0.0.1. */
  readonly port?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly ready?: ReadyCheck;
  /** Time a polite SIGTERM gets before SIGKILL; default 3000 ms. */
  readonly stopGraceMs?: number;
}

export interface RunningProcess {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Spawn to the first answer that passed the ready check, in ms. */
  readonly readyMs: number;
  /** The last few KiB of the child's stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

const OUTPUT_KEEP = 16 * 1024;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("bench: no free port"))));
    });
  });
}

/** One GET on a fresh connection; the status once the whole answer arrived, or undefined. */
export function probe(url: string, timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.on("error", () => resolve(undefined));
      res.on("end", () => resolve(res.statusCode));
      res.resume();
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
    req.end();
  });
}

export async function startProcess(options: StartOptions): Promise<RunningProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, options.port ?? (await freePort()));
    } catch (err) {
      // The free port was taken between our probe and the child's bind (other test suites
      // on this machine also ask for free ports): pick another one.
      const portTaken = err instanceof Error && err.message.includes("EADDRINUSE");
      if (!portTaken || options.port !== undefined || attempt >= 3) throw err;
    }
  }
}

async function startOnce(options: StartOptions, port: number): Promise<RunningProcess> {
  const args = typeof options.args === "function" ? options.args(port) : options.args;
  const command = options.command ?? process.execPath;
  const ready = options.ready ?? {};
  const url = `http://127.0.0.1:${port}`;
  installExitHooks();

  const startedAt = performance.now();
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_KEEP);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exitInfo: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exitInfo = signal !== null ? `signal ${signal}` : `code ${String(code)}`;
      resolve();
    });
  });
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`bench: cannot start ${options.name} (${command}): ${(await spawnError).message}`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo === undefined) {
        killGroup(pid, "SIGTERM");
        const graceful = await Promise.race([exited.then(() => true), sleep(options.stopGraceMs ?? 3000, false, { ref: false })]);
        if (!graceful) {
          killGroup(pid, "SIGKILL");
          await exited;
        }
      }
      // The leader is gone; anything it spawned into its group goes with it.
      killGroup(pid, "SIGKILL");
      untrack(pid);
    })();
    return stopping;
  };
  live.set(pid, { name: options.name, start: procStartTime(pid) ?? "", stop });
  writePidFile();

  const readyUrl = url + (ready.path ?? "/");
  const isOk = ready.ok ?? (() => true);
  const deadline = startedAt + (ready.timeoutMs ?? 30_000);
  const interval = ready.intervalMs ?? 2;
  for (;;) {
    if (exitInfo !== undefined) {
      await stop();
      throw new Error(`bench: ${options.name} exited (${exitInfo}) before answering on ${url}\n${output}`);
    }
    const status = await probe(readyUrl);
    if (status !== undefined && isOk(status)) {
      const readyMs = performance.now() - startedAt;
      return { name: options.name, pid, port, url, readyMs, output: () => output, stop };
    }
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`bench: ${options.name} did not answer on ${readyUrl} within ${ready.timeoutMs ?? 30_000} ms (last status ${String(status)})\n${output}`);
    }
    await sleep(interval);
  }
}

/**
 * Starts and stops a process `runs` times, one after the other; the stopped processes, whose
 * `readyMs` is each run's spawn-to-ready time and whose `output()` stays readable.
 */
export async function timeStartups(runs: number, start: () => Promise<RunningProcess>): Promise<RunningProcess[]> {
  const stopped: RunningProcess[] = [];
  for (let i = 0; i < runs; i++) {
    const proc = await start();
    await proc.stop();
    stopped.push(proc);
  }
  return stopped;
}

/** Stops every child still running (a benchmark that threw half-way leaves some). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live.values()].map((p) => p.stop()));
}

// --- bookkeeping -------------------------------------------------------------------------

interface Live {
  readonly name: string;
  /** Kernel start time of the child (field 22 of /proc/<pid>/stat). */
  readonly start: string;
  readonly stop: () => Promise<void>;
}

// Module-level on purpose: the exit and signal hooks must reach every child, wherever started.
const live = new Map<number, Live>();
let hooksInstalled = false;

function untrack(pid: number): void {
  live.delete(pid);
  writePidFile();
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function killAllSync(): void {
  for (const pid of live.keys()) killGroup(pid, "SIGKILL");
  live.clear();
  writePidFile();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  // 'exit' also runs after an uncaught exception or unhandled rejection.
  process.on("exit", killAllSync);
  const signals: ReadonlyArray<readonly [NodeJS.Signals, number]> = [["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1]];
  for (const [signal, number] of signals) {
    process.once(signal, () => {
      if (live.size > 0) process.stderr.write(`\nbench: ${signal}, killing ${live.size} child process group(s)\n`);
      killAllSync();
      process.exit(128 + number);
    });
  }
}

/** Field 22 (starttime) of /proc/<pid>/stat; undefined if the process is gone or a zombie. */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may itself hold spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // A zombie has exited; its parent just has not reaped it yet.
    if (fields[0] === "Z" || fields[0] === "X") return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

const PID_DIR = join(tmpdir(), "nimbus-bench-pids");
const pidFile = join(PID_DIR, `${process.pid}.json`);

interface PidFile {
  readonly harness: { readonly pid: number; readonly start: string };
  readonly children: ReadonlyArray<{ readonly pid: number; readonly start: string; readonly name: string }>;
}

function writePidFile(): void {
  try {
    if (live.size === 0) {
      rmSync(pidFile, { force: true });
      return;
    }
    mkdirSync(PID_DIR, { recursive: true });
    const content: PidFile = {
      harness: { pid: process.pid, start: procStartTime(process.pid) ?? "" },
      children: [...live].map(([pid, l]) => ({ pid, start: l.start, name: l.name })),
    };
    writeFileSync(pidFile, JSON.stringify(content));
  } catch {
    // Best effort: the in-process hooks still cover every exit but SIGKILL.
  }
}

/** Kills the process groups left by harnesses that died without cleaning up; how many. */
export function reapOrphans(): number {
  let files: string[];
  try {
    files = readdirSync(PID_DIR).filter((f) => f.endsWith(".json"));
  } catch {
    return 0;
  }
  let reaped = 0;
  for (const file of files) {
    const path = join(PID_DIR, file);
    let content: PidFile;
    try {
      content = JSON.parse(readFileSync(path, "utf8")) as PidFile;
    } catch {
      rmSync(path, { force: true });
      continue;
    }
    if (content.harness.pid === process.pid) continue;
    // A harness still running owns its children.
    if (procStartTime(content.harness.pid) === content.harness.start) continue;
    for (const child of content.children) {
      if (child.start !== "" && procStartTime(child.pid) === child.start) {
        killGroup(child.pid, "SIGKILL");
        reaped++;
      }
    }
    rmSync(path, { force: true });
  }
  return reaped;
}
