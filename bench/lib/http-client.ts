/**
 * A small keep-alive HTTP client for work autocannon cannot do: preparing data before a load,
 * multi-step workflows whose next request depends on the last answer (SQS send, receive,
 * delete), and single timed requests (long-poll wake-up, large uploads). node:http with a
 * keep-alive agent: the lightest client Node has, so the harness stays a small share of the CPU.
 */
import { Agent, request } from "node:http";
import type { Readable } from "node:stream";
import type { HttpRequestSpec } from "./load.js";

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** A keep-alive pool; `maxSockets` should match the concurrency the caller drives. */
export function keepAliveAgent(maxSockets = 32): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
}

/**
 * Sends one request over `agent` and collects the answer. `body` may be a stream (a large
 * upload); then `spec.headers` must carry its Content-Length.
 */
export function httpCall(baseUrl: string, spec: Omit<HttpRequestSpec, "body"> & { readonly body?: string | Buffer | Readable }, agent: Agent): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(baseUrl + spec.path, { method: spec.method, headers: { ...spec.headers }, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    const body = spec.body;
    if (body === undefined || typeof body === "string" || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

/** Like httpCall, but throws unless the status is 2xx; returns the body as parsed JSON. */
export async function jsonCall(baseUrl: string, spec: HttpRequestSpec, agent: Agent, label = baseUrl): Promise<unknown> {
  const res = await httpCall(baseUrl, spec, agent);
  if (res.status < 200 || res.status > 299) {
    throw new Error(`bench: ${label}: ${spec.method} ${spec.path} ${String(spec.headers["X-Amz-Target"] ?? "")} answered ${res.status}\n${res.body.toString("utf8").slice(0, 1000)}`);
  }
  return res.body.length === 0 ? {} : (JSON.parse(res.body.toString("utf8")) as unknown);
}

/** Runs `task(i)` for i in 0..count-1 with at most `concurrency` in flight. */
export async function forEachLimited(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
