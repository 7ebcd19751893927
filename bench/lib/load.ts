/**
 * HTTP load with autocannon's programmatic API, run inside the harness process while the
 * server under test runs in its own child: on 2 cores, one core each.
 *
 * A measured run lasts `durationSec` by default, or sends a fixed `amount` of requests.
 * Requests per second and latency percentiles are computed here, from autocannon's
 * per-response event: autocannon notices the end of a run only at its next 1 s sampling
 * tick (a 5 s run can read as 6 s) and keeps latencies in whole milliseconds. Time-boxed runs
 * are the default because calibrating a request count from a warm-up is unreliable on a
 * shared 2-core machine (a 1 s warm-up can run at a fifth of the later rate, which leaves
 * 1 s runs where 5 s were meant).
 */
import { request } from "node:http";
import autocannon from "autocannon";
import { startCpuMeter } from "./cpu.js";
import { median, medianOfAll, percentileOfSorted } from "./stats.js";

/** One fixed request, sent identically by every connection for a whole run (but for `vary`). */
export interface HttpRequestSpec {
  readonly method: string;
  /** Path and query, starting with "/". */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /**
   * What the run's n-th request (from 0) sends in place of `path` and `body` under load (the
   * check before the load still sends those): writes of distinct keys and contents, say. Built in
   * the load generator, for every target alike.
   */
  readonly vary?: (n: number) => { readonly path?: string; readonly body?: string | Buffer };
  /** Checked once before any load, so a benchmark never measures a stream of errors. */
  readonly expect?: { readonly status?: number; readonly bodyIncludes?: string };
}

export interface LoadOptions {
  /** Measured runs per target; the summary is their median. */
  readonly runs: number;
  readonly connections: number;
  /** Length of one measured run, in seconds (unless `amount` is given). */
  readonly durationSec: number;
  /** Warm-up per target before the measured runs (JIT, caches, connection pools). */
  readonly warmupSec: number;
  /** Fixed requests per measured run, instead of `durationSec`. */
  readonly amount?: number;
}

export interface RunResult {
  readonly requests: number;
  readonly elapsedMs: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly non2xx: number;
  readonly statusCodes: Readonly<Record<string, number>>;
  /** The server's CPU (its process group's, user + system) per answered request, in µs; undefined without its pid or /proc. */
  readonly cpuUsPerRequest: number | undefined;
}

export interface LoadTarget {
  readonly label: string;
  /** Base URL, e.g. http://127.0.0.1:4566 */
  readonly url: string;
  readonly request: HttpRequestSpec;
  /** The server's pid (the leader of its process group), to measure its CPU per request. */
  readonly pid?: number;
}

export interface LoadSummary {
  readonly label: string;
  readonly runs: readonly RunResult[];
  /** Medians over the runs. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Totals over the runs; anything but 0 makes the figures suspect. */
  readonly errors: number;
  readonly non2xx: number;
  /** Median of the runs' server CPU per request, in µs; undefined when not measured. */
  readonly cpuUsPerRequest: number | undefined;
}

export type Log = (message: string) => void;

export interface SingleResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** Sends the request once over a fresh connection. */
export function sendOnce(baseUrl: string, spec: HttpRequestSpec): Promise<SingleResponse> {
  return new Promise((resolve, reject) => {
    const req = request(baseUrl + spec.path, { method: spec.method, headers: { ...spec.headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end(spec.body);
  });
}

/** Sends the request once and throws unless it meets `spec.expect`; returns the answer. */
export async function checkRequest(label: string, baseUrl: string, spec: HttpRequestSpec): Promise<SingleResponse> {
  const res = await sendOnce(baseUrl, spec);
  const want = spec.expect ?? {};
  const wantStatus = want.status ?? 200;
  const text = res.body.toString("utf8");
  if (res.status !== wantStatus || (want.bodyIncludes !== undefined && !text.includes(want.bodyIncludes))) {
    throw new Error(
      `bench: ${label}: ${spec.method} ${spec.path} answered ${res.status}, expected ${wantStatus}` +
        (want.bodyIncludes !== undefined ? ` with a body containing ${JSON.stringify(want.bodyIncludes)}` : "") +
        `\n${text.slice(0, 2000)}`,
    );
  }
  return res;
}

/** How many keys a write load (`vary`) cycles through, as an application's writes spread over many. */
export const KEYS_IN_TURN = 50_000;

/** The key of a write load's n-th request: `prefix` and a zero-padded number, all of one length. */
export function keyInTurn(prefix: string, n: number): string {
  return prefix + String(n % KEYS_IN_TURN).padStart(String(KEYS_IN_TURN - 1).length, "0");
}

/** autocannon's options for a spec's path and body: one fixed request, or one varied per request (`vary`). */
function requestOptions(spec: HttpRequestSpec): Pick<autocannon.Options, "body" | "requests"> {
  const vary = spec.vary;
  if (vary !== undefined) {
    let n = 0;
    return { requests: [{ setupRequest: (request) => ({ ...request, ...vary(n++) }) }] };
  }
  return spec.body !== undefined ? { body: spec.body } : {};
}

/** One load run: a fixed `amount` of requests, or else for `durationSec`. */
export async function runLoad(
  baseUrl: string,
  spec: HttpRequestSpec,
  options: { readonly connections: number; readonly amount?: number; readonly durationSec?: number; readonly pid?: number },
): Promise<RunResult> {
  let latencies = new Float64Array(options.amount ?? 1 << 18);
  let count = 0;
  let lastResponseAt = 0;
  const cpu = startCpuMeter(options.pid);
  const startedAt = performance.now();
  const instance = autocannon({
    url: baseUrl + spec.path,
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationSec ?? 5 }),
    timeout: 10,
    method: spec.method,
    headers: { ...spec.headers },
    ...requestOptions(spec),
  });
  instance.on("response", (_client, _status, _bytes, responseTimeMs) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTimeMs;
    lastResponseAt = performance.now();
  });
  const result = await instance;
  const serverCpuUs = cpu.stop();
  const elapsedMs = (count > 0 ? lastResponseAt : performance.now()) - startedAt;
  const sorted = latencies.subarray(0, count).sort();
  const statusCodes: Record<string, number> = {};
  for (const [code, { count: n }] of Object.entries(result.statusCodeStats)) statusCodes[code] = n;
  return {
    requests: count,
    elapsedMs,
    rps: count / (elapsedMs / 1000),
    p50Ms: percentileOfSorted(sorted, 50),
    p99Ms: percentileOfSorted(sorted, 99),
    errors: result.errors,
    non2xx: result.non2xx,
    statusCodes,
    cpuUsPerRequest: serverCpuUs !== undefined && count > 0 ? serverCpuUs / count : undefined,
  };
}

/**
 * Loads several targets in one session, fairly: each is checked, then warmed up; the measured
 * runs are interleaved (run i goes through every target, starting one further each time), so
 * drift in the machine's speed hits every target alike and the ratios stay paired. Returns one
 * summary per target, in order (a tuple when given a literal list).
 */
export async function compareLoad<const T extends readonly LoadTarget[]>(
  targets: T,
  options: LoadOptions,
  log: Log = () => {},
): Promise<{ -readonly [K in keyof T]: LoadSummary }> {
  for (const t of targets) await checkRequest(t.label, t.url, t.request);
  for (const t of targets) {
    const warm = await runLoad(t.url, t.request, { connections: options.connections, durationSec: options.warmupSec });
    log(`${t.label}: warm-up ${fmtRate(warm.rps)} req/s`);
  }
  const each = options.amount !== undefined ? { amount: options.amount } : { durationSec: options.durationSec };
  const runs = new Map<LoadTarget, RunResult[]>(targets.map((t) => [t, []]));
  for (let i = 0; i < options.runs; i++) {
    for (let j = 0; j < targets.length; j++) {
      const t = targets[(i + j) % targets.length] as LoadTarget;
      const r = await runLoad(t.url, t.request, { connections: options.connections, ...each, ...(t.pid !== undefined ? { pid: t.pid } : {}) });
      runs.get(t)?.push(r);
      const bad = r.errors + r.non2xx > 0 ? ` (${r.errors} errors, ${r.non2xx} non-2xx)` : "";
      const cpu = r.cpuUsPerRequest === undefined ? "" : `, server CPU ${r.cpuUsPerRequest.toFixed(1)} µs/req`;
      log(
        `${t.label}: run ${i + 1}/${options.runs} ${fmtRate(r.rps)} req/s over ${r.requests} requests, ` +
          `p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms${cpu}${bad}`,
      );
    }
  }
  // One summary per target, in the targets' order: the mapped tuple type says exactly that.
  return targets.map((t) => summarise(t.label, runs.get(t) ?? [])) as { -readonly [K in keyof T]: LoadSummary };
}

export function summarise(label: string, runs: readonly RunResult[]): LoadSummary {
  return {
    label,
    runs,
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
    cpuUsPerRequest: medianOfAll(runs.map((r) => r.cpuUsPerRequest)),
  };
}

/**
 * Throughput of `subject` relative to `base`: the median of the per-run ratios, which pairs
 * runs made side by side in time (more robust than dividing two medians).
 */
export function pairedRatio(subject: LoadSummary, base: LoadSummary): number {
  const n = Math.min(subject.runs.length, base.runs.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) ratios.push((subject.runs[i] as RunResult).rps / (base.runs[i] as RunResult).rps);
  return median(ratios);
}

/**
 * How many times less server CPU `subject` spends per request than `base`: the median of the
 * per-run ratios (above 1: `subject` serves more requests per core). Undefined unless both
 * were measured. Unlike the throughput ratio, a load generator that is itself the limit on a
 * small machine does not squeeze it toward 1.
 */
export function pairedCpuRatio(subject: LoadSummary, base: LoadSummary): number | undefined {
  const n = Math.min(subject.runs.length, base.runs.length);
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = (subject.runs[i] as RunResult).cpuUsPerRequest;
    const b = (base.runs[i] as RunResult).cpuUsPerRequest;
    if (s === undefined || b === undefined || s <= 0) return undefined;
    ratios.push(b / s);
  }
  return ratios.length > 0 ? median(ratios) : undefined;
}

/** "server CPU per request: 1.59x less than <peer>", or "" when not measured: the note of a Nimbus / peer ratio row. */
export function cpuNote(subject: LoadSummary, peer: LoadSummary, peerName: string): string {
  const ratio = pairedCpuRatio(subject, peer);
  if (ratio === undefined) return "";
  return ratio >= 1 ? `server CPU per request: ${ratio.toFixed(2)}x less than ${peerName}'s` : `server CPU per request: ${(1 / ratio).toFixed(2)}x more than ${peerName}'s`;
}

function fmtRate(rps: number): string {
  return String(Math.round(rps));
}
