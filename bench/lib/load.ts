/**
 * HTTP load with autocannon's programmatic API, run inside the harness process while the
 * server under test runs in its own child: on 2 cores, one core each.
 *
 * Each measured run sends a fixed number of requests, calibrated from the warm-up so a run
 * lasts about `durationSec`: a fixed count makes every run end when its work is done, and the
 * same count is used for every run of one target. Requests per second and latency
 * percentiles are computed here, from autocannon's per-response event, because autocannon
 * reports `duration` only at its next 1 s sampling tick (a 5 s run can read as 6 s) and keeps
 * latencies in whole milliseconds.
 */
import { request } from "node:http";
import autocannon from "autocannon";
import { median, percentileOfSorted } from "./stats.js";

/** One fixed request, sent identically by every connection for a whole run. */
export interface HttpRequestSpec {
  readonly method: string;
  /** Path and query, starting with "/". */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Checked once before any load, so a benchmark never measures a stream of errors. */
  readonly expect?: { readonly status?: number; readonly bodyIncludes?: string };
}

export interface LoadOptions {
  /** Measured runs per target; the summary is their median. */
  readonly runs: number;
  readonly connections: number;
  /** Target length of one measured run, in seconds. */
  readonly durationSec: number;
  /** Warm-up per target before the measured runs (JIT, caches, connection pools). */
  readonly warmupSec: number;
  /** Requests per measured run; overrides the calibration from the warm-up. */
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
  /** Rate over the second half of the run only, past the JIT's first compilations. */
  readonly tailRps: number;
}

export interface LoadTarget {
  readonly label: string;
  /** Base URL, e.g. http://127.0.0.1:4566 */
  readonly url: string;
  readonly request: HttpRequestSpec;
}

export interface LoadSummary {
  readonly label: string;
  /** Requests per measured run. */
  readonly amount: number;
  readonly runs: readonly RunResult[];
  /** Medians over the runs. */
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Totals over the runs; anything but 0 makes the figures suspect. */
  readonly errors: number;
  readonly non2xx: number;
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

/** One load run: a fixed `amount` of requests, or else for `durationSec`. */
export async function runLoad(
  baseUrl: string,
  spec: HttpRequestSpec,
  options: { readonly connections: number; readonly amount?: number; readonly durationSec?: number },
): Promise<RunResult> {
  let latencies = new Float64Array(options.amount ?? 1 << 18);
  let count = 0;
  let lastResponseAt = 0;
  const startedAt = performance.now();
  // Where the second half of a duration run begins (for a fixed amount: half the requests).
  const halfAt = startedAt + ((options.durationSec ?? 5) * 1000) / 2;
  const halfCount = options.amount !== undefined ? options.amount >> 1 : Number.POSITIVE_INFINITY;
  let tailFrom: { count: number; at: number } | undefined;
  const instance = autocannon({
    url: baseUrl + spec.path,
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationSec ?? 5 }),
    timeout: 10,
    method: spec.method,
    headers: { ...spec.headers },
    ...(spec.body !== undefined ? { body: spec.body } : {}),
  });
  instance.on("response", (_client, _status, _bytes, responseTimeMs) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTimeMs;
    lastResponseAt = performance.now();
    if (tailFrom === undefined && (count >= halfCount || (options.amount === undefined && lastResponseAt >= halfAt))) tailFrom = { count, at: lastResponseAt };
  });
  const result = await instance;
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
    tailRps: tailFrom !== undefined && lastResponseAt > tailFrom.at ? (count - tailFrom.count) / ((lastResponseAt - tailFrom.at) / 1000) : count / (elapsedMs / 1000),
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
  const amounts = new Map<LoadTarget, number>();
  for (const t of targets) {
    const warm = await runLoad(t.url, t.request, { connections: options.connections, durationSec: options.warmupSec });
    // Calibrated on the warm-up's second half: its first half still runs unoptimised code.
    const amount = options.amount ?? Math.max(options.connections * 100, Math.round(warm.tailRps * options.durationSec));
    amounts.set(t, amount);
    log(`${t.label}: warm-up ${fmtRate(warm.rps)} req/s (second half ${fmtRate(warm.tailRps)}), ${amount} requests per run`);
  }
  const runs = new Map<LoadTarget, RunResult[]>(targets.map((t) => [t, []]));
  for (let i = 0; i < options.runs; i++) {
    for (let j = 0; j < targets.length; j++) {
      const t = targets[(i + j) % targets.length] as LoadTarget;
      const r = await runLoad(t.url, t.request, { connections: options.connections, amount: amounts.get(t) as number });
      runs.get(t)?.push(r);
      const bad = r.errors + r.non2xx > 0 ? ` (${r.errors} errors, ${r.non2xx} non-2xx)` : "";
      log(`${t.label}: run ${i + 1}/${options.runs} ${fmtRate(r.rps)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms${bad}`);
    }
  }
  // One summary per target, in the targets' order: the mapped tuple type says exactly that.
  return targets.map((t) => summarise(t.label, amounts.get(t) as number, runs.get(t) ?? [])) as { -readonly [K in keyof T]: LoadSummary };
}

export function summarise(label: string, amount: number, runs: readonly RunResult[]): LoadSummary {
  return {
    label,
    amount,
    runs,
    rps: median(runs.map((r) => r.rps)),
    p50Ms: median(runs.map((r) => r.p50Ms)),
    p99Ms: median(runs.map((r) => r.p99Ms)),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
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

function fmtRate(rps: number): string {
  return String(Math.round(rps));
}
