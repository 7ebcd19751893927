/**
 * lambda: the Lambda data plane through the HTTP API (real Node.js and Python processes behind
 * the local Runtime API).
 *  (a) Cold start: CreateFunction of a new function, then its first Invoke, timed from the
 *      CreateFunction request to the Invoke answer; p50/p95 over fresh functions, Node.js and
 *      Python (the Invoke alone in the note).
 *  (b) Warm invoke: Invoke of a trivial function already warm, one request at a time (latency, the
 *      figure LocalStack publishes) and under autocannon load on --connections connections.
 *  (c) 200 concurrent invocations of a new function that holds each event 100 ms: total time and
 *      execution environments started (each reports its own id), then the same burst again warm.
 *  (d) SQS event source mapping: 10,000 messages queued, then a mapping (BatchSize 10) created;
 *      the time until the queue is empty (nothing visible, nothing in flight).
 * No peer runs: LocalStack's Lambda needs Docker, which this machine lacks, so its published
 * figures are printed as reference lines, labelled as such, never as measurements.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { makeZip } from "../src/services/lambda/runtime/test-helpers.js";
import { jsonRequest, restRequest } from "./lib/aws-request.js";
import type { Benchmark, BenchContext } from "./lib/benchmark.js";
import { forEachLimited, httpCall, jsonCall, keepAliveAgent, type HttpAgent } from "./lib/http-client.js";
import { compareLoad, type HttpRequestSpec } from "./lib/load.js";
import { megabytes } from "./lib/memory.js";
import { startNimbusProcess } from "./lib/nimbus.js";
import { scratchDir } from "./lib/repo.js";
import { Report } from "./lib/report.js";
import { minMax, percentileOfSorted } from "./lib/stats.js";

const ROLE = "arn:aws:iam::000000000000:role/bench-role";
const COLD_SAMPLES = 10;
const BURST = 200;
const BURST_HOLD_MS = 100;
// Nimbus's own caps on execution environments: the default 50 per function version would queue a
// burst of 200, which AWS runs at once (up to the account's 1,000 concurrency), and past the
// default 100 in all, each new environment would first end an idle one of the other sections'
// functions. Both are raised above the burst so the measurement has AWS's semantics.
const ENVIRONMENT_CAPS = ["--lambda-max-environments", "250", "--lambda-max-environments-per-function", "250"] as const;
const DRAIN_MESSAGES = 10_000;
const DRAIN_LIMIT_MS = 10 * 60_000;

const NODE_CODE = "exports.handler = async (event) => { if (event.holdMs) await new Promise((r) => setTimeout(r, event.holdMs)); return { ok: true, echo: event.n ?? null }; };";
const PYTHON_CODE = "def handler(event, context):\n    return {'ok': True, 'echo': event.get('n')}\n";
const BURST_CODE = `const id = require("node:crypto").randomUUID();
exports.handler = async () => { await new Promise((r) => setTimeout(r, ${BURST_HOLD_MS})); return id; };`;
/**
 * Each processed message's `order` goes to a file the bench reads afterwards (the function is a
 * real local process, so it can append to a path outside /tmp): that is how "none lost, none
 * processed twice" is checked. A message processed again after a success would appear twice.
 */
const DRAIN_CODE =
  'const fs = require("node:fs"); exports.handler = async (event) => { if (process.env.DRAIN_LOG) fs.appendFileSync(process.env.DRAIN_LOG, event.Records.map((r) => JSON.parse(r.body).order + "\\n").join("")); return { records: event.Records.length }; };';

const lambdaJson = (method: string, path: string, body?: unknown): HttpRequestSpec =>
  restRequest("lambda", method, path, {
    headers: { "Content-Type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });

const invokeRequest = (name: string, payload: unknown = {}): HttpRequestSpec => lambdaJson("POST", `/2015-03-31/functions/${name}/invocations`, payload);

async function createFunction(url: string, agent: HttpAgent, name: string, runtime: "nodejs20.x" | "python3.12", code: string, environment?: Record<string, string>): Promise<void> {
  const zip = await makeZip({ [runtime.startsWith("python") ? "app.py" : "index.js"]: code });
  const res = await httpCall(
    url,
    lambdaJson("POST", "/2015-03-31/functions", {
      FunctionName: name,
      Runtime: runtime,
      Role: ROLE,
      Handler: runtime.startsWith("python") ? "app.handler" : "index.handler",
      Code: { ZipFile: zip.toString("base64") },
      Timeout: 30,
      ...(environment ? { Environment: { Variables: environment } } : {}),
    }),
    agent,
  );
  if (res.status !== 201) throw new Error(`bench: CreateFunction ${name} answered ${res.status}\n${res.body.toString("utf8").slice(0, 1000)}`);
}

async function invoke(url: string, agent: HttpAgent, name: string, payload: unknown = {}): Promise<Buffer> {
  const res = await httpCall(url, invokeRequest(name, payload), agent);
  if (res.status !== 200 || res.headers["x-amz-function-error"] !== undefined) {
    throw new Error(`bench: Invoke ${name} answered ${res.status} ${String(res.headers["x-amz-function-error"] ?? "")}\n${res.body.toString("utf8").slice(0, 1000)}`);
  }
  return res.body;
}

async function deleteFunction(url: string, agent: HttpAgent, name: string): Promise<void> {
  await httpCall(url, lambdaJson("DELETE", `/2015-03-31/functions/${name}`), agent);
}

interface ColdSamples {
  total: number[];
  invokeOnly: number[];
}

/** Fresh functions, one after the other: CreateFunction, first Invoke. One unmeasured warm-up first (module loading, the interpreter lookup). */
async function coldStarts(url: string, agent: HttpAgent, runtime: "nodejs20.x" | "python3.12", code: string, log: (m: string) => void): Promise<ColdSamples> {
  const out: ColdSamples = { total: [], invokeOnly: [] };
  for (let i = -1; i < COLD_SAMPLES; i++) {
    const name = `bench-cold-${runtime.replace(/\W/g, "")}-${randomUUID().slice(0, 8)}`;
    const t0 = performance.now();
    await createFunction(url, agent, name, runtime, code);
    const t1 = performance.now();
    await invoke(url, agent, name, { n: i });
    const t2 = performance.now();
    if (i >= 0) {
      out.total.push(t2 - t0);
      out.invokeOnly.push(t2 - t1);
    }
    await deleteFunction(url, agent, name);
  }
  log(`${runtime} cold starts (ms): ${out.total.map((t) => t.toFixed(0)).join(", ")}`);
  return out;
}

const pct = (values: readonly number[], p: number): number => percentileOfSorted(Float64Array.from(values).sort(), p);

/** RSS of Nimbus and the runtime processes it started (they lead their own process groups). */
function nimbusAndChildrenRss(pid: number): { bytes: number; processes: number } {
  let bytes = 0;
  let processes = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (Number(entry) !== pid && ppid !== pid) continue;
      const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1];
      bytes += Number(rss ?? 0) * 1024;
      processes++;
    } catch {
      // Exited while we looked.
    }
  }
  return { bytes, processes };
}

interface Burst {
  totalMs: number;
  environments: number;
  latencies: number[];
  failures: number;
}

async function burst(url: string, name: string): Promise<Burst> {
  const agent = keepAliveAgent(BURST);
  const latencies: number[] = [];
  const ids = new Set<string>();
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BURST }, async () => {
      const t = performance.now();
      const res = await httpCall(url, invokeRequest(name), agent);
      latencies.push(performance.now() - t);
      if (res.status === 200 && res.headers["x-amz-function-error"] === undefined) ids.add(res.body.toString("utf8"));
      else failures++;
    }),
  );
  const totalMs = performance.now() - started;
  agent.destroy();
  return { totalMs, environments: ids.size, latencies, failures };
}

const sqs = (op: string, body: unknown): HttpRequestSpec => jsonRequest("sqs", `AmazonSQS.${op}`, body);

async function queueDepth(url: string, agent: HttpAgent, queueUrl: string): Promise<number> {
  const r = (await jsonCall(url, sqs("GetQueueAttributes", { QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }), agent)) as {
    Attributes?: Record<string, string>;
  };
  return Number(r.Attributes?.["ApproximateNumberOfMessages"] ?? 0) + Number(r.Attributes?.["ApproximateNumberOfMessagesNotVisible"] ?? 0);
}

interface DrainResult {
  fillMs: number;
  drainMs: number;
  left: number;
  /** Messages the function saw, distinct ones among them, and those it never saw. */
  processed: number;
  distinct: number;
  lost: number;
}

async function sqsDrain(url: string, agent: HttpAgent, log: (m: string) => void): Promise<DrainResult> {
  const queueName = `bench-drain-${randomUUID().slice(0, 8)}`;
  const { QueueUrl: queueUrl = "" } = (await jsonCall(url, sqs("CreateQueue", { QueueName: queueName }), agent)) as { QueueUrl?: string };
  const { Attributes } = (await jsonCall(url, sqs("GetQueueAttributes", { QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }), agent)) as { Attributes?: Record<string, string> };
  const queueArn = Attributes?.["QueueArn"] ?? "";
  const fillStart = performance.now();
  await forEachLimited(DRAIN_MESSAGES / 10, 16, async (b) => {
    const entries = Array.from({ length: 10 }, (_, k) => ({ Id: `m${k}`, MessageBody: JSON.stringify({ order: b * 10 + k, pad: "x".repeat(200) }) }));
    await jsonCall(url, sqs("SendMessageBatch", { QueueUrl: queueUrl, Entries: entries }), agent);
  });
  const fillMs = performance.now() - fillStart;
  log(`queued ${DRAIN_MESSAGES} messages in ${fillMs.toFixed(0)} ms`);

  const name = `bench-drain-${randomUUID().slice(0, 8)}`;
  const drainLog = join(scratchDir("lambda-drain"), `${name}.log`);
  await createFunction(url, agent, name, "nodejs20.x", DRAIN_CODE, { DRAIN_LOG: drainLog });
  await invoke(url, agent, name, { Records: [] });
  const drainStart = performance.now();
  const mapping = await httpCall(url, lambdaJson("POST", "/2015-03-31/event-source-mappings/", { FunctionName: name, EventSourceArn: queueArn, BatchSize: 10 }), agent);
  if (mapping.status !== 202) throw new Error(`bench: CreateEventSourceMapping answered ${mapping.status}\n${mapping.body.toString("utf8").slice(0, 1000)}`);
  let left = DRAIN_MESSAGES;
  let lastLog = drainStart;
  while (left > 0 && performance.now() - drainStart < DRAIN_LIMIT_MS) {
    await sleep(50);
    left = await queueDepth(url, agent, queueUrl);
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`drain: ${left} left after ${((lastLog - drainStart) / 1000).toFixed(0)} s`);
    }
  }
  const drainMs = performance.now() - drainStart;
  // Let batches still being answered finish writing before counting.
  await sleep(2000);
  const seen = readFileSync(drainLog, "utf8").split("\n").filter((line) => line !== "");
  const distinct = new Set(seen).size;
  return { fillMs, drainMs, left, processed: seen.length, distinct, lost: DRAIN_MESSAGES - distinct };
}

export const benchmark: Benchmark = {
  name: "lambda",
  description: "Lambda cold start (Node, Python), warm Invoke latency and load, 200 concurrent invocations, SQS event-source drain; LocalStack's published figures for reference",
  async run(ctx: BenchContext) {
    const report = new Report("lambda: real runtime processes behind the local Runtime API, through the HTTP API");
    const nimbus = await startNimbusProcess({ extraArgs: ENVIRONMENT_CAPS });
    ctx.log(`nimbus started with ${ENVIRONMENT_CAPS.join(" ")}`);
    const agent = keepAliveAgent(32);

    // (a) cold starts
    for (const [runtime, code] of [
      ["nodejs20.x", NODE_CODE],
      ["python3.12", PYTHON_CODE],
    ] as const) {
      const cold = await coldStarts(nimbus.url, agent, runtime, code, ctx.log);
      const { min, max } = minMax(cold.total);
      report.value(`cold start ${runtime} p50 (CreateFunction -> first Invoke)`, pct(cold.total, 50), "ms", {
        note: `p95 ${pct(cold.total, 95).toFixed(0)} ms, ${min.toFixed(0)}-${max.toFixed(0)} ms over ${cold.total.length} new functions; the first Invoke alone p50 ${pct(cold.invokeOnly, 50).toFixed(0)} ms, p95 ${pct(cold.invokeOnly, 95).toFixed(0)} ms`,
      });
    }
    report.value("LocalStack cold start (PUBLISHED, not measured here)", 700, "ms", { note: "published range 0.70-0.87 s, Docker executor on Linux (PEERS.md); no Docker on this machine" });

    // (b) warm invoke
    const warmNode = `bench-warm-node-${randomUUID().slice(0, 8)}`;
    const warmPython = `bench-warm-python-${randomUUID().slice(0, 8)}`;
    await createFunction(nimbus.url, agent, warmNode, "nodejs20.x", NODE_CODE);
    await createFunction(nimbus.url, agent, warmPython, "python3.12", PYTHON_CODE);
    const warmAgent = keepAliveAgent(ctx.connections);
    const [seqNode] = await compareLoad([{ label: "warm Invoke nodejs20.x, 1 connection", url: nimbus.url, request: invokeRequest(warmNode) }], { ...ctx, connections: 1 }, ctx.log);
    const [seqPython] = await compareLoad([{ label: "warm Invoke python3.12, 1 connection", url: nimbus.url, request: invokeRequest(warmPython) }], { ...ctx, connections: 1 }, ctx.log);
    // One environment per connection before the load, so the measured runs are warm (a 1 s
    // warm-up would otherwise be spent in cold starts).
    await Promise.all(Array.from({ length: ctx.connections }, () => invoke(nimbus.url, warmAgent, warmNode, { holdMs: 300 })));
    warmAgent.destroy();
    const [loadNode] = await compareLoad(
      [{ label: `warm Invoke nodejs20.x, ${ctx.connections} connections`, url: nimbus.url, request: invokeRequest(warmNode) }],
      ctx,
      ctx.log,
    );
    report.load(seqNode).load(seqPython).load(loadNode);
    report.value("LocalStack warm Invoke p50 (PUBLISHED, not measured here)", 17, "ms", { note: "published figure (PEERS.md); compare with the 1-connection p50 rows above" });

    // (c) 200 concurrent invocations
    const burstName = `bench-burst-${randomUUID().slice(0, 8)}`;
    await createFunction(nimbus.url, agent, burstName, "nodejs20.x", BURST_CODE);
    const cold = await burst(nimbus.url, burstName);
    ctx.log(`burst (new function): ${cold.totalMs.toFixed(0)} ms, ${cold.environments} environments, ${cold.failures} failures`);
    const memory = nimbusAndChildrenRss(nimbus.pid);
    const warm = await burst(nimbus.url, burstName);
    ctx.log(`burst (warm): ${warm.totalMs.toFixed(0)} ms, ${warm.environments} environments, ${warm.failures} failures`);
    for (const [label, b] of [
      [`${BURST} concurrent Invokes, new function`, cold],
      [`${BURST} concurrent Invokes, warm again`, warm],
    ] as const) {
      report.value(label, b.totalMs, "ms", {
        note:
          `total; ${b.environments} execution environments answered; each Invoke p50 ${pct(b.latencies, 50).toFixed(0)} ms, p99 ${pct(b.latencies, 99).toFixed(0)} ms; ` +
          `handler holds ${BURST_HOLD_MS} ms${b.failures > 0 ? `; ${b.failures} failed` : ""}`,
      });
    }
    report.value("  Nimbus + runtimes RSS after the burst", megabytes(memory.bytes), "MB", { digits: 0, note: `${memory.processes} processes` });
    await deleteFunction(nimbus.url, agent, burstName);

    // (d) SQS event source drain
    const drain = await sqsDrain(nimbus.url, agent, ctx.log);
    report.value(`SQS mapping drains ${DRAIN_MESSAGES} messages (BatchSize 10)`, drain.drainMs / 1000, "s", {
      digits: 1,
      note:
        drain.left > 0
          ? `STOPPED at the ${DRAIN_LIMIT_MS / 60_000}-minute bound with ${drain.left} left`
          : `${((DRAIN_MESSAGES / drain.drainMs) * 1000).toFixed(0)} messages/s from CreateEventSourceMapping to an empty queue; queued in ${(drain.fillMs / 1000).toFixed(1)} s`,
    });
    report.text(
      "SQS mapping: none lost, none processed twice",
      drain.lost === 0 && drain.processed === drain.distinct ? "held" : "FAILED",
      { note: `the function saw ${drain.processed} messages, ${drain.distinct} distinct; ${drain.lost} never seen, ${drain.processed - drain.distinct} seen again` },
    );

    agent.destroy();
    await nimbus.stop();
    report.note(
      `cold start: ${COLD_SAMPLES} new functions per runtime after one unmeasured; warm rows: ${ctx.durationSec} s per run after ${ctx.warmupSec} s warm-up, medians of ${ctx.runs} runs; ` +
        `Nimbus started with ${ENVIRONMENT_CAPS.join(" ")} (the default 50 per function version would queue a burst of ${BURST}; AWS runs it at once, up to the account's concurrency)`,
    );
    report.note("LocalStack rows are its published figures (Docker executor), printed for reference only: LocalStack cannot run here (no Docker)");
    return report;
  },
};
