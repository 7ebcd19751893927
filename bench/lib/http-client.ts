/**
 * A small keep-alive HTTP client for work autocannon cannot do: preparing data before a load,
 * multi-step workflows whose next request depends on the last answer (SQS send, receive,
 * delete), and single timed requests (long-poll wake-up, large uploads). undici, which costs
 * the harness about two thirds of what node:http's client does per request: on two cores the
 * client shares the machine with the server, and with node:http the SQS workflow's driver, not
 * the fastest peer, was the limit (fauxqs ran at the bare server's rate).
 */
import type { Readable } from "node:stream";
import { Agent, request, type Dispatcher } from "undici";
import type { HttpRequestSpec } from "./load.js";

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** A pool of keep-alive connections per origin. */
export type HttpAgent = Agent;

/** A keep-alive pool; `connections` should match the concurrency the caller drives. */
export function keepAliveAgent(connections = 32): HttpAgent {
  return new Agent({ connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 0, bodyTimeout: 0 });
}

/**
 * Sends one request over `agent` and collects the answer. `body` may be a stream (a large
 * upload); then `spec.headers` must carry its Content-Length.
 */
export async function httpCall(baseUrl: string, spec: Omit<HttpRequestSpec, "body"> & { readonly body?: string | Buffer | Readable }, agent: HttpAgent): Promise<HttpAnswer> {
  const res = await request(baseUrl + spec.path, {
    method: spec.method as Dispatcher.HttpMethod,
    headers: spec.headers,
    body: spec.body ?? null,
    dispatcher: agent,
  });
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(await res.body.arrayBuffer()) };
}

/** Like httpCall, but throws unless the status is 2xx (naming `label`, the call and the answer). */
export async function checkedCall(baseUrl: string, spec: Omit<HttpRequestSpec, "body"> & { readonly body?: string | Buffer | Readable }, agent: Agent, label = baseUrl): Promise<HttpAnswer> {
  const res = await httpCall(baseUrl, spec, agent);
  if (res.status < 200 || res.status > 299) {
    const action = typeof spec.body === "string" ? /(?:^|&)Action=([^&]+)/.exec(spec.body)?.[1] : undefined;
    const what = String(spec.headers["X-Amz-Target"] ?? action ?? "");
    throw new Error(`bench: ${label}: ${spec.method} ${spec.path} ${what} answered ${res.status}\n${res.body.toString("utf8").slice(0, 1000)}`);
  }
  return res;
}

/** Like httpCall, but throws unless the status is 2xx; returns the body as parsed JSON. */
export async function jsonCall(baseUrl: string, spec: HttpRequestSpec, agent: Agent, label = baseUrl): Promise<unknown> {
  const res = await checkedCall(baseUrl, spec, agent, label);
  return res.body.length === 0 ? {} : (JSON.parse(res.body.toString("utf8")) as unknown);
}

/**
 * The text of every `<tag>` element of an XML answer (query protocol, S3), entities decoded.
 * Enough for the flat values a benchmark needs (an ARN, an upload id, a count); not a parser.
 */
export function xmlValues(xml: string | Buffer, tag: string): string[] {
  const text = typeof xml === "string" ? xml : xml.toString("utf8");
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))) {
    out.push((m[1] ?? "").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
  }
  return out;
}

/** The first `<tag>` of an XML answer; throws when there is none. */
export function xmlValue(xml: string | Buffer, tag: string): string {
  const v = xmlValues(xml, tag)[0];
  if (v === undefined) throw new Error(`bench: no <${tag}> in ${(typeof xml === "string" ? xml : xml.toString("utf8")).slice(0, 500)}`);
  return v;
}

/**
 * `concurrency` workers each loop `task(worker)` until `durationMs` has passed (a started task
 * finishes); for multi-step workloads autocannon cannot drive. Returns the tasks completed and
 * the time from the start to the last completion.
 */
export async function forDuration(
  concurrency: number,
  durationMs: number,
  task: (worker: number) => Promise<void>,
  now: () => number = () => performance.now(),
): Promise<{ iterations: number; elapsedMs: number }> {
  const started = now();
  const deadline = started + durationMs;
  let iterations = 0;
  let lastDone = started;
  const worker = async (w: number): Promise<void> => {
    while (now() < deadline) {
      await task(w);
      iterations++;
      lastDone = now();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { iterations, elapsedMs: lastDone - started };
}

/** Runs `task(i)` for i in 0..count-1 with at most `concurrency` in flight. */
export async function forEachLimited(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
