/**
 * sns: SNS fan-out to SQS against fauxqs 1.9.2 (which implements both, delivering inside
 * Publish). One topic with 100 SQS subscriptions (--subscribers), then one Publish, timed from
 * the moment it is sent:
 *  - until Publish answers;
 *  - until every queue holds the message, seen by polling GetQueueAttributes
 *    (ApproximateNumberOfMessages) in rounds over the queues still empty, 32 at a time, after
 *    Publish answered: an upper bound that includes the last round of polls, whose own length
 *    is reported beside it;
 *  - until every one of 100 ReceiveMessage calls already waiting (WaitTimeSeconds=20, one per
 *    queue) has answered with the message: what consumers see, to the millisecond per queue.
 * Medians over 5 x --runs publishes per way of watching, targets interleaved. The queues are
 * emptied after every publish, so each one starts from empty queues. SNS speaks the query
 * protocol, SQS JSON 1.0, as current SDKs do; the default (non-raw) envelope is delivered.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { jsonRequest, queryRequest } from "./lib/aws-request.js";
import { numberOption, type Benchmark, type BenchContext } from "./lib/benchmark.js";
import { checkedCall, forEachLimited, jsonCall, keepAliveAgent, xmlValue, type HttpAgent } from "./lib/http-client.js";
import type { HttpRequestSpec } from "./lib/load.js";
import { startMeasuredNimbus } from "./lib/nimbus.js";
import { startFauxqs } from "./lib/peers.js";
import { Report } from "./lib/report.js";
import { median, minMax, percentileOfSorted } from "./lib/stats.js";

const SNS_VERSION = "2010-03-31";
/** GetQueueAttributes in flight at once while polling, and for set-up calls. */
const POLL_CONCURRENCY = 32;
/** Publishes per way of watching, per --runs. */
const SAMPLES_PER_RUN = 5;
/** Time for the waiting receives to reach the server before the Publish is sent. */
const ARM_MS = 250;
/** A fan-out not seen complete by then is reported missing rather than waited for. */
const GIVE_UP_MS = 15_000;

const sqs = (op: string, body: unknown): HttpRequestSpec => jsonRequest("sqs", `AmazonSQS.${op}`, body);
const sns = (action: string, params: Record<string, string>): HttpRequestSpec => queryRequest("sns", action, params, { version: SNS_VERSION });

interface Target {
  readonly label: string;
  readonly url: string;
  topicArn: string;
  queueUrls: string[];
}

interface Sample {
  readonly publishMs: number;
  readonly allMs: number;
  /** Per queue, ms from the send to the message seen (long poll only). */
  readonly perQueue: readonly number[];
  /** GetQueueAttributes polling: the length of the last round (polled only). */
  readonly lastRoundMs: number;
  readonly missing: number;
}

// Module-level on purpose: every published message is told apart by its number.
let seq = 0;

async function setUp(t: Target, agent: HttpAgent, subscribers: number): Promise<void> {
  const created = await checkedCall(t.url, sns("CreateTopic", { Name: "bench-fanout" }), agent, `${t.label} CreateTopic`);
  t.topicArn = xmlValue(created.body, "TopicArn");
  t.queueUrls = new Array<string>(subscribers).fill("");
  await forEachLimited(subscribers, POLL_CONCURRENCY, async (i) => {
    const q = (await jsonCall(t.url, sqs("CreateQueue", { QueueName: `bench-fanout-${i}` }), agent, t.label)) as { QueueUrl?: string };
    if (q.QueueUrl === undefined) throw new Error(`bench: ${t.label}: CreateQueue answered no QueueUrl`);
    t.queueUrls[i] = q.QueueUrl;
    const a = (await jsonCall(t.url, sqs("GetQueueAttributes", { QueueUrl: q.QueueUrl, AttributeNames: ["QueueArn"] }), agent, t.label)) as { Attributes?: { QueueArn?: string } };
    const arn = a.Attributes?.QueueArn;
    if (arn === undefined) throw new Error(`bench: ${t.label}: GetQueueAttributes answered no QueueArn`);
    const sub = await checkedCall(t.url, sns("Subscribe", { TopicArn: t.topicArn, Protocol: "sqs", Endpoint: arn, ReturnSubscriptionArn: "true" }), agent, `${t.label} Subscribe`);
    // An SQS subscription in the topic's own account is confirmed at once.
    if (xmlValue(sub.body, "SubscriptionArn") === "pending confirmation") throw new Error(`bench: ${t.label}: the SQS subscription is pending confirmation`);
  });
}

async function publish(t: Target, agent: HttpAgent, message: string): Promise<void> {
  await checkedCall(t.url, sns("Publish", { TopicArn: t.topicArn, Message: message }), agent, `${t.label} Publish`);
}

/** Receives and deletes everything visible, so the next sample starts from empty queues. */
async function drain(t: Target, agent: HttpAgent): Promise<void> {
  await forEachLimited(t.queueUrls.length, POLL_CONCURRENCY, async (i) => {
    const queueUrl = t.queueUrls[i] ?? "";
    for (;;) {
      const r = (await jsonCall(t.url, sqs("ReceiveMessage", { QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }), agent, t.label)) as {
        Messages?: Array<{ ReceiptHandle: string }>;
      };
      const messages = r.Messages ?? [];
      if (messages.length === 0) return;
      for (const m of messages) await jsonCall(t.url, sqs("DeleteMessage", { QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }), agent, t.label);
    }
  });
}

/** Publish, then GetQueueAttributes rounds over the queues still without the message. */
async function polled(t: Target, agent: HttpAgent): Promise<Sample> {
  const started = performance.now();
  await publish(t, agent, `fanout-${seq++}`);
  const publishMs = performance.now() - started;
  let pending = t.queueUrls.map((_, i) => i);
  let lastRoundMs = 0;
  let allMs = Number.NaN;
  while (pending.length > 0 && performance.now() - started < GIVE_UP_MS) {
    const roundStarted = performance.now();
    const empty: number[] = [];
    await forEachLimited(pending.length, POLL_CONCURRENCY, async (k) => {
      const i = pending[k] as number;
      const a = (await jsonCall(t.url, sqs("GetQueueAttributes", { QueueUrl: t.queueUrls[i], AttributeNames: ["ApproximateNumberOfMessages"] }), agent, t.label)) as {
        Attributes?: { ApproximateNumberOfMessages?: string };
      };
      if (Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) < 1) empty.push(i);
    });
    lastRoundMs = performance.now() - roundStarted;
    pending = empty;
    if (pending.length === 0) allMs = performance.now() - started;
  }
  await drain(t, agent);
  return { publishMs, allMs, perQueue: [], lastRoundMs, missing: pending.length };
}

/** One waiting ReceiveMessage per queue, then Publish; each answer's arrival is timed. */
async function longPolled(t: Target, agent: HttpAgent): Promise<Sample> {
  const message = `fanout-${seq++}`;
  const receives = t.queueUrls.map((queueUrl) =>
    jsonCall(t.url, sqs("ReceiveMessage", { QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 20 }), agent, t.label).then((r) => {
      const at = performance.now();
      const m = (r as { Messages?: Array<{ Body?: string; ReceiptHandle: string }> }).Messages?.[0];
      return { at, queueUrl, m };
    }),
  );
  await sleep(ARM_MS);
  const started = performance.now();
  await publish(t, agent, message);
  const publishMs = performance.now() - started;
  const answers = await Promise.all(receives);
  // The default envelope is JSON with the message in "Message".
  const got = answers.filter((a) => a.m?.Body?.includes(message) === true);
  const perQueue = got.map((a) => a.at - started);
  await forEachLimited(got.length, POLL_CONCURRENCY, async (k) => {
    const a = got[k];
    if (a?.m !== undefined) await jsonCall(t.url, sqs("DeleteMessage", { QueueUrl: a.queueUrl, ReceiptHandle: a.m.ReceiptHandle }), agent, t.label);
  });
  const missing = answers.length - got.length;
  if (missing > 0) await drain(t, agent);
  return { publishMs, allMs: missing === 0 ? Math.max(...perQueue) : Number.NaN, perQueue, lastRoundMs: 0, missing };
}

const fmt = (ms: number): string => ms.toFixed(1);

export const benchmark: Benchmark = {
  name: "sns",
  description: "SNS Publish fan-out to 100 SQS queues: time until every queue holds the message, vs fauxqs",
  options: {
    subscribers: { type: "string", default: "100", help: "SQS subscriptions on the topic" },
  },
  async run(ctx: BenchContext) {
    const subscribers = Math.round(numberOption(ctx.options, "subscribers"));
    const samples = SAMPLES_PER_RUN * ctx.runs;
    const report = new Report(`sns: one Publish to a topic with ${subscribers} SQS subscriptions, ms until every queue holds it, vs fauxqs 1.9.2`);
    const { peer: fauxqs, process: fauxqsProc } = await startFauxqs(ctx.log);
    const nimbus = await startMeasuredNimbus(ctx);
    // One socket per waiting receive, plus the Publish and the pollers.
    const agent = keepAliveAgent(subscribers + POLL_CONCURRENCY + 2);
    const targets: Target[] = [
      { label: `fauxqs ${fauxqs.version}`, url: fauxqsProc.url, topicArn: "", queueUrls: [] },
      { label: "nimbus", url: nimbus.url, topicArn: "", queueUrls: [] },
    ];
    for (const t of targets) {
      const started = performance.now();
      await setUp(t, agent, subscribers);
      ctx.log(`${t.label}: topic, ${subscribers} queues and subscriptions in ${(performance.now() - started).toFixed(0)} ms`);
    }

    const modes = [
      { name: "polled", label: "all queues hold it (GetQueueAttributes polls)", run: polled },
      { name: "long poll", label: "all waiting receives have it (long poll)", run: longPolled },
    ] as const;
    const results = new Map<string, Sample[]>();
    for (const mode of modes) {
      // Warm-up: two publishes each, not counted (JIT, the pools of both sides).
      for (const t of targets) for (let w = 0; w < 2; w++) await mode.run(t, agent);
      for (let i = 0; i < samples; i++) {
        for (let j = 0; j < targets.length; j++) {
          const t = targets[(i + j) % targets.length] as Target;
          const s = await mode.run(t, agent);
          const key = `${t.label}|${mode.name}`;
          results.set(key, [...(results.get(key) ?? []), s]);
          ctx.log(
            `${t.label} ${mode.name} ${i + 1}/${samples}: Publish ${fmt(s.publishMs)} ms, all ${fmt(s.allMs)} ms` +
              (mode.name === "polled" ? `, last poll round ${fmt(s.lastRoundMs)} ms` : "") +
              (s.missing > 0 ? `, ${s.missing} queues without the message` : ""),
          );
        }
      }
    }
    agent.destroy();
    await Promise.all([fauxqsProc.stop(), nimbus.stop()]);

    const [peer, ours] = targets as [Target, Target];
    for (const mode of modes) {
      for (const t of targets) {
        const ss = results.get(`${t.label}|${mode.name}`) ?? [];
        const complete = ss.filter((s) => s.missing === 0).map((s) => s.allMs);
        const { min, max } = minMax(complete);
        const missing = ss.filter((s) => s.missing > 0).length;
        let extra: string;
        if (mode.name === "polled") {
          extra = `last round of ${subscribers} polls ${fmt(median(ss.map((s) => s.lastRoundMs)))} ms (median), included`;
        } else {
          const perQueue = Float64Array.from(ss.flatMap((s) => s.perQueue)).sort();
          extra = `per queue p50 ${fmt(percentileOfSorted(perQueue, 50))} ms, first ${fmt(percentileOfSorted(perQueue, 0))} ms`;
        }
        report.value(`${t.label} ${mode.label}`, median(complete), "ms", {
          digits: 1,
          note: `${complete.length} publishes, ${fmt(min)}-${fmt(max)} ms; ${extra}${missing > 0 ? `; ${missing} publishes not seen in every queue within ${GIVE_UP_MS / 1000} s` : ""}`,
        });
      }
      const p = (results.get(`${peer.label}|${mode.name}`) ?? []).map((s) => s.allMs);
      const o = (results.get(`${ours.label}|${mode.name}`) ?? []).map((s) => s.allMs);
      report.value(`  nimbus / fauxqs time, ${mode.name}`, median(o.map((ms, k) => ms / (p[k] ?? Number.NaN)).filter((r) => !Number.isNaN(r))), "x", { digits: 2, note: "below 1: Nimbus is faster" });
    }
    for (const t of targets) {
      const publishes = modes.flatMap((m) => (results.get(`${t.label}|${m.name}`) ?? []).map((s) => s.publishMs));
      const sorted = Float64Array.from(publishes).sort();
      report.value(`${t.label} Publish answered`, median(publishes), "ms", {
        digits: 1,
        note: `p90 ${fmt(percentileOfSorted(sorted, 90))} ms over ${publishes.length} publishes (both ways of watching)`,
      });
    }
    report.note(
      `${subscribers} standard queues, default (non-raw) envelope; ${samples} publishes per way of watching per target (${SAMPLES_PER_RUN} x --runs) after 2 of warm-up, interleaved; ` +
        `times from the Publish request's start. Polled: after Publish answered, rounds of GetQueueAttributes over the queues still empty, ${POLL_CONCURRENCY} in flight. ` +
        `Long poll: one ReceiveMessage (WaitTimeSeconds 20) per queue waiting, ${ARM_MS} ms before the Publish; the time of the last answer.`,
    );
    return report;
  },
};
