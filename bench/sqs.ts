/**
 * sqs: the SQS data plane against fauxqs 1.9.2 and a bare node:http ceiling.
 *  (a) Throughput in messages per second of the whole consumer workflow: 32 concurrent clients
 *      each loop SendMessageBatch (10) -> ReceiveMessage (up to 10) -> DeleteMessageBatch (what
 *      was received), on a standard and on a FIFO queue (one message group per client). A
 *      workflow whose next request depends on the last answer is beyond autocannon, so a small
 *      keep-alive undici driver runs it (lib/http-client.ts); the ceiling figure is the same
 *      driver making the same three requests per 10 messages against the bare node:http server.
 *  (b) Long-poll wake-up: a ReceiveMessage waiting with WaitTimeSeconds=20 on an empty queue,
 *      then a SendMessage; the time from the send's acknowledgement to the receive's answer.
 * SQS speaks the JSON 1.0 protocol here (X-Amz-Target AmazonSQS.*), as current SDKs do.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { jsonRequest } from "./lib/aws-request.js";
import type { Benchmark, BenchContext } from "./lib/benchmark.js";
import { startCeiling } from "./lib/ceiling.js";
import { startCpuMeter } from "./lib/cpu.js";
import { httpCall, jsonCall, keepAliveAgent, type HttpAgent } from "./lib/http-client.js";
import type { HttpRequestSpec } from "./lib/load.js";
import { startMeasuredNimbus } from "./lib/nimbus.js";
import { startFauxqs } from "./lib/peers.js";
import type { RunningProcess } from "./lib/process.js";
import { Report } from "./lib/report.js";
import { median, medianOfAll, minMax, percentileOfSorted } from "./lib/stats.js";

const BATCH = 10;
const BODY = "m".repeat(256);
const LONG_POLL_SAMPLES = 50;

const sqs = (op: string, body: unknown): HttpRequestSpec => jsonRequest("sqs", `AmazonSQS.${op}`, body);

interface Target {
  readonly label: string;
  readonly url: string;
  /** The ceiling answers anything: the driver makes the same calls but parses nothing. */
  readonly ceiling: boolean;
  /** The server's pid, to measure its CPU per message. */
  readonly pid: number;
}

interface WorkflowRun {
  readonly messages: number;
  readonly elapsedMs: number;
  readonly rate: number;
  readonly failures: number;
  readonly sent: number;
  /** Messages per ReceiveMessage answer, on average: below 10 means more calls per message. */
  readonly perReceive: number;
  /** The server's CPU per message deleted, in µs (undefined without /proc). */
  readonly cpuUsPerMessage: number | undefined;
}

// Module-level on purpose: queue names and FIFO deduplication ids must never repeat in one harness.
let seq = 0;

async function createQueue(t: Target, agent: HttpAgent, name: string, fifo: boolean): Promise<string> {
  if (t.ceiling) return `${t.url}/000000000000/${name}`;
  const attrs = fifo ? { FifoQueue: "true" } : {};
  const r = (await jsonCall(t.url, sqs("CreateQueue", { QueueName: name, Attributes: attrs }), agent, t.label)) as { QueueUrl?: string };
  if (r.QueueUrl === undefined) throw new Error(`bench: ${t.label}: CreateQueue answered no QueueUrl`);
  return r.QueueUrl;
}

/** One measured run: `clients` loops of send, receive, delete for `durationMs`. */
async function workflow(t: Target, queueUrl: string, fifo: boolean, clients: number, durationMs: number, agent: HttpAgent): Promise<WorkflowRun> {
  let messages = 0;
  let failures = 0;
  let sentCount = 0;
  let receives = 0;
  let receivedCount = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  let lastDone = started;
  const client = async (c: number): Promise<void> => {
    while (performance.now() < deadline) {
      const entries = Array.from({ length: BATCH }, (_, k) => {
        const id = `m${k}`;
        return fifo ? { Id: id, MessageBody: BODY, MessageGroupId: `g${c}`, MessageDeduplicationId: `d${seq++}` } : { Id: id, MessageBody: BODY };
      });
      if (t.ceiling) {
        await httpCall(t.url, sqs("SendMessageBatch", { QueueUrl: queueUrl, Entries: entries }), agent);
        await httpCall(t.url, sqs("ReceiveMessage", { QueueUrl: queueUrl, MaxNumberOfMessages: BATCH, WaitTimeSeconds: 0 }), agent);
        const receipts = Array.from({ length: BATCH }, (_, k) => ({ Id: `d${k}`, ReceiptHandle: `${"r".repeat(120)}${k}` }));
        await httpCall(t.url, sqs("DeleteMessageBatch", { QueueUrl: queueUrl, Entries: receipts }), agent);
        messages += BATCH;
        sentCount += BATCH;
        receives++;
        receivedCount += BATCH;
      } else {
        const sent = (await jsonCall(t.url, sqs("SendMessageBatch", { QueueUrl: queueUrl, Entries: entries }), agent, t.label)) as { Failed?: unknown[] };
        failures += sent.Failed?.length ?? 0;
        sentCount += BATCH - (sent.Failed?.length ?? 0);
        const got = (await jsonCall(t.url, sqs("ReceiveMessage", { QueueUrl: queueUrl, MaxNumberOfMessages: BATCH, WaitTimeSeconds: 0 }), agent, t.label)) as {
          Messages?: Array<{ ReceiptHandle: string }>;
        };
        const received = got.Messages ?? [];
        receives++;
        receivedCount += received.length;
        if (received.length > 0) {
          const receipts = received.map((m, k) => ({ Id: `d${k}`, ReceiptHandle: m.ReceiptHandle }));
          const deleted = (await jsonCall(t.url, sqs("DeleteMessageBatch", { QueueUrl: queueUrl, Entries: receipts }), agent, t.label)) as {
            Successful?: unknown[];
            Failed?: unknown[];
          };
          messages += deleted.Successful?.length ?? 0;
          failures += deleted.Failed?.length ?? 0;
        }
      }
      lastDone = performance.now();
    }
  };
  const cpu = startCpuMeter(t.pid);
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c)));
  const cpuUs = cpu.stop();
  const elapsedMs = lastDone - started;
  return {
    messages,
    elapsedMs,
    rate: (messages / elapsedMs) * 1000,
    failures,
    sent: sentCount,
    perReceive: receives > 0 ? receivedCount / receives : 0,
    cpuUsPerMessage: cpuUs !== undefined && messages > 0 ? cpuUs / messages : undefined,
  };
}

/** Median server CPU per message over runs, in µs; undefined unless every run measured it. */
function cpuPerMessage(runs: readonly WorkflowRun[]): number | undefined {
  return medianOfAll(runs.map((r) => r.cpuUsPerMessage));
}

/** Long-poll wake-up samples: send acknowledged -> waiting receive answered, in ms. */
async function wakeUps(t: Target, agent: HttpAgent, samples: number, log: (m: string) => void): Promise<{ fromAck: number[]; fromSend: number[] }> {
  const queueUrl = await createQueue(t, agent, `bench-long-poll-${seq++}`, false);
  const fromAck: number[] = [];
  const fromSend: number[] = [];
  for (let i = 0; i < samples; i++) {
    const receive = jsonCall(t.url, sqs("ReceiveMessage", { QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 20 }), agent, t.label).then((r) => ({
      at: performance.now(),
      r: r as { Messages?: Array<{ ReceiptHandle: string }> },
    }));
    // Let the receive reach the server and start waiting before the message exists.
    await sleep(30);
    const sending = performance.now();
    await jsonCall(t.url, sqs("SendMessage", { QueueUrl: queueUrl, MessageBody: BODY }), agent, t.label);
    const acked = performance.now();
    const { at, r } = await receive;
    const m = r.Messages?.[0];
    if (m === undefined) {
      log(`${t.label}: long poll sample ${i} returned no message`);
      continue;
    }
    fromAck.push(at - acked);
    fromSend.push(at - sending);
    await jsonCall(t.url, sqs("DeleteMessage", { QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }), agent, t.label);
  }
  return { fromAck, fromSend };
}

export const benchmark: Benchmark = {
  name: "sqs",
  description: "SQS send/receive/delete messages/s (standard, FIFO) vs fauxqs and the ceiling; long-poll wake-up latency",
  async run(ctx: BenchContext) {
    const report = new Report("sqs: SendMessageBatch(10) + ReceiveMessage(10) + DeleteMessageBatch, messages/s (in the req/s column)");
    const { peer: fauxqs, process: fauxqsProc } = await startFauxqs(ctx.log);
    const nimbus = await startMeasuredNimbus(ctx);
    const agent = keepAliveAgent(ctx.connections + 2);
    const peers: Target[] = [
      { label: `fauxqs ${fauxqs.version}`, url: fauxqsProc.url, ceiling: false, pid: fauxqsProc.pid },
      { label: "nimbus", url: nimbus.url, ceiling: false, pid: nimbus.pid },
    ];

    // Size the ceiling's answer like Nimbus's: the mean of one send, receive and delete answer.
    const probeUrl = await createQueue(peers[1] as Target, agent, "bench-probe", false);
    const entries = Array.from({ length: BATCH }, (_, k) => ({ Id: `m${k}`, MessageBody: BODY }));
    const sizes: number[] = [];
    sizes.push((await httpCall(nimbus.url, sqs("SendMessageBatch", { QueueUrl: probeUrl, Entries: entries }), agent)).body.length);
    const got = await httpCall(nimbus.url, sqs("ReceiveMessage", { QueueUrl: probeUrl, MaxNumberOfMessages: BATCH }), agent);
    sizes.push(got.body.length);
    const handles = ((JSON.parse(got.body.toString("utf8")) as { Messages?: Array<{ ReceiptHandle: string }> }).Messages ?? []).map((m, k) => ({ Id: `d${k}`, ReceiptHandle: m.ReceiptHandle }));
    sizes.push((await httpCall(nimbus.url, sqs("DeleteMessageBatch", { QueueUrl: probeUrl, Entries: handles }), agent)).body.length);
    const ceilingProc: RunningProcess = await startCeiling(Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length));
    const targets: Target[] = [{ label: "ceiling (same 3 calls)", url: ceilingProc.url, ceiling: true, pid: ceilingProc.pid }, ...peers];

    for (const fifo of [false, true]) {
      const kind = fifo ? "FIFO" : "standard";
      const runs = new Map<Target, WorkflowRun[]>(targets.map((t) => [t, []]));
      for (const t of targets) {
        const q = await createQueue(t, agent, `bench-warm-${seq++}${fifo ? ".fifo" : ""}`, fifo);
        const w = await workflow(t, q, fifo, ctx.connections, ctx.warmupSec * 1000, agent);
        ctx.log(`${t.label} ${kind}: warm-up ${w.rate.toFixed(0)} messages/s`);
      }
      for (let i = 0; i < ctx.runs; i++) {
        for (let j = 0; j < targets.length; j++) {
          const t = targets[(i + j) % targets.length] as Target;
          // A fresh queue per run: nothing left over from the last run skews the next.
          const q = await createQueue(t, agent, `bench-${kind}-${seq++}${fifo ? ".fifo" : ""}`, fifo);
          const r = await workflow(t, q, fifo, ctx.connections, ctx.durationSec * 1000, agent);
          runs.get(t)?.push(r);
          const cpu = r.cpuUsPerMessage === undefined ? "" : `, server CPU ${r.cpuUsPerMessage.toFixed(1)} µs/message`;
          ctx.log(`${t.label} ${kind}: run ${i + 1}/${ctx.runs} ${r.rate.toFixed(0)} messages/s (${r.messages} deleted of ${r.sent} sent, ${r.perReceive.toFixed(1)} per receive${cpu}${r.failures > 0 ? `, ${r.failures} failed entries` : ""})`);
        }
      }
      const base = runs.get(targets[0] as Target) ?? [];
      for (const t of targets) {
        const rs = runs.get(t) ?? [];
        const rates = rs.map((r) => r.rate);
        const ratios = rs.map((r, k) => r.rate / (base[k]?.rate ?? Number.NaN));
        const { min, max } = minMax(rates);
        const failed = rs.reduce((n, r) => n + r.failures, 0);
        const cpu = cpuPerMessage(rs);
        report.value(`${t.label} ${kind}`, median(rates), "msg/s", {
          note:
            `ratio to ceiling ${median(ratios).toFixed(2)}; runs ${min.toFixed(0)}-${max.toFixed(0)}; ${median(rs.map((r) => r.perReceive)).toFixed(1)} messages per receive` +
            `${cpu === undefined ? "" : `; server CPU ${cpu.toFixed(1)} µs/message`}${failed > 0 ? `; ${failed} failed entries` : ""}`,
        });
      }
      const peerRuns = runs.get(peers[0] as Target) ?? [];
      const nimbusRuns = runs.get(peers[1] as Target) ?? [];
      report.value(`  nimbus / fauxqs ${kind}`, median(nimbusRuns.map((r, k) => r.rate / (peerRuns[k]?.rate ?? Number.NaN))), "x", { digits: 2 });
      const peerCpu = cpuPerMessage(peerRuns);
      const nimbusCpu = cpuPerMessage(nimbusRuns);
      if (peerCpu !== undefined && nimbusCpu !== undefined) {
        report.value(`  fauxqs / nimbus server CPU per message ${kind}`, peerCpu / nimbusCpu, "x", {
          digits: 2,
          note: "above 1: Nimbus spends less CPU per message (medians); on 2 cores the driver competes with the server, so this is the throughput ratio with cores to spare",
        });
      }
    }
    await ceilingProc.stop();

    for (const t of peers) {
      const { fromAck: samples, fromSend } = await wakeUps(t, agent, LONG_POLL_SAMPLES, ctx.log);
      const sorted = Float64Array.from(samples).sort();
      const sortedSend = Float64Array.from(fromSend).sort();
      ctx.log(`${t.label}: long-poll wake-up p50 ${percentileOfSorted(sorted, 50).toFixed(2)} ms over ${samples.length}`);
      report.value(`${t.label} long-poll wake-up p50`, percentileOfSorted(sorted, 50), "ms", {
        digits: 2,
        note:
          `p90 ${percentileOfSorted(sorted, 90).toFixed(2)} ms, max ${percentileOfSorted(sorted, 100).toFixed(2)} ms over ${samples.length} samples; ` +
          `from the send's start: p50 ${percentileOfSorted(sortedSend, 50).toFixed(2)} ms, p90 ${percentileOfSorted(sortedSend, 90).toFixed(2)} ms`,
      });
    }
    agent.destroy();
    await Promise.all([fauxqsProc.stop(), nimbus.stop()]);
    report.note(
      `${ctx.connections} concurrent clients, ${BODY.length}-byte messages, ${ctx.durationSec} s per run after ${ctx.warmupSec} s warm-up, medians of ${ctx.runs} interleaved runs, ` +
        `a fresh queue per run; FIFO: one message group per client. The ceiling counts 10 messages per 3 calls to a bare node:http server ` +
        `answering ${sizes.join("/")}-byte-like bodies (mean ${Math.round(sizes.reduce((a, b) => a + b, 0) / sizes.length)} B).`,
    );
    report.note("long-poll wake-up: ReceiveMessage WaitTimeSeconds=20 on an empty queue, SendMessage 30 ms later; time from the send's answer to the receive's answer (the receive may arrive first: the server wakes the waiter as it stores the message)");
    return report;
  },
};
