/**
 * What crash-restart.test.ts needs to kill Nimbus mid-load: a Nimbus in a child process on a
 * data dir (crash-fixture.ts) that can be SIGKILLed, the v3 clients for one run of it, a
 * seeded random source, deterministic bodies, and the bookkeeping of a round of load: which
 * requests were acknowledged before the kill and which were in flight when it landed.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { TEST_SECRET_ACCESS_KEY } from "./harness.js";

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith(".ts");

export const ACCOUNT = "000000000000";
export const REGION = "us-east-1";

/** Nimbus in a child process on `dataDir`, its clock at `clockMs` (moved only by `advance`). */
export class ChildNimbus {
  private readonly lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private ended = false;
  private stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    private readonly child: ChildProcessByStdio<Writable, Readable, Readable>,
    public clockMs: number,
  ) {
    child.stderr.setEncoding("utf8").on("data", (text: string) => (this.stderr += text));
    this.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const reader = createInterface({ input: child.stdout });
    reader.on("line", (line) => this.push(line));
    reader.on("close", () => {
      this.ended = true;
      this.push(undefined);
    });
  }

  static async start(dataDir: string, clockMs: number): Promise<{ nimbus: ChildNimbus; url: string }> {
    const fixture = join(here, fromSource ? "crash-fixture.ts" : "crash-fixture.js");
    const args = fromSource ? ["--import", "tsx", fixture, dataDir, String(clockMs)] : [fixture, dataDir, String(clockMs)];
    const env = { ...process.env };
    // The child is a server, not a test file: node:test would report it as one.
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(process.execPath, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    const nimbus = new ChildNimbus(child, clockMs);
    const ready = /^ready (\d+)$/.exec((await nimbus.next()) ?? "");
    assert.ok(ready, `Nimbus did not start on ${dataDir}: ${nimbus.stderr}`);
    return { nimbus, url: `http://127.0.0.1:${ready[1]}` };
  }

  private push(line: string | undefined): void {
    const waiting = this.waiting;
    if (waiting !== undefined) {
      this.waiting = undefined;
      waiting(line);
    } else if (line !== undefined) this.lines.push(line);
  }

  private next(): Promise<string | undefined> {
    const line = this.lines.shift();
    if (line !== undefined || this.ended) return Promise.resolve(line);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Moves the child's clock by `ms`, running the scheduler's tasks that fall due (visibility timeouts). */
  async advance(ms: number): Promise<void> {
    this.child.stdin.write(`advance ${ms}\n`);
    const answer = /^advanced (\d+)$/.exec((await this.next()) ?? "");
    assert.ok(answer, `the clock did not move: ${this.stderr}`);
    this.clockMs = Number(answer[1]);
  }

  /** kill -9: no shutdown, no flush, nothing the process would do on its own way out. */
  async kill(): Promise<void> {
    this.child.kill("SIGKILL");
    const { code, signal } = await this.exited;
    assert.equal(signal, "SIGKILL", `Nimbus had already exited (${code}) before the kill: ${this.stderr}`);
  }

  /** A kill that is not part of the test (cleanup): never throws. */
  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

/** The v3 clients of one run of Nimbus: no retries (a retry would blur what was acknowledged). */
export interface Clients {
  readonly url: string;
  readonly s3: S3Client;
  readonly ddb: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  destroy(): void;
}

export function clientsFor(url: string): Clients {
  const config = () => ({
    endpoint: url,
    region: REGION,
    credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: TEST_SECRET_ACCESS_KEY },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
  });
  const s3 = new S3Client({ ...config(), forcePathStyle: true });
  const ddb = new DynamoDBClient(config());
  const sqs = new SQSClient(config());
  const sns = new SNSClient(config());
  return {
    url,
    s3,
    ddb,
    sqs,
    sns,
    destroy() {
      for (const client of [s3, ddb, sqs, sns]) client.destroy();
    },
  };
}

/** DynamoDB Streams over its JSON 1.0 protocol: no v3 client for it is installed (see dynamodb-streams.test.ts). */
export async function streamsCall<T>(url: string, operation: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `DynamoDBStreams_20120810.${operation}`,
      "x-amz-date": "20260115T120000Z",
      authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260115/${REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `DynamoDB Streams ${operation}: ${text}`);
  return JSON.parse(text) as T;
}

/** mulberry32: a small seeded generator, so every round's choices repeat from run to run. */
export class Random {
  private state: number;

  constructor(seed: number | string) {
    this.state = typeof seed === "number" ? seed >>> 0 : createHash("sha256").update(seed).digest().readUInt32LE(0);
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    assert.ok(item !== undefined, "pick from an empty list");
    return item;
  }

  /** `count` different items of `items`, in a random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
    }
    return pool.slice(0, count);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** `size` bytes determined by `name`: a body can be made again to compare, and only its digests are kept. */
export function bytesOf(name: string, size: number): Buffer {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = createHash("sha256").update(name).digest().readUInt32LE(0) | 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, size);
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function md5(bytes: Uint8Array): string {
  return createHash("md5").update(bytes).digest("hex");
}

/** What a request became: acknowledged (with its answer), or in flight when Nimbus was killed. */
export type Outcome<T> = { readonly acked: true; readonly value: T } | { readonly acked: false };

/**
 * One round of load: workers run until Nimbus is killed, which happens once `killAt` requests
 * have been acknowledged (or, as a safety net, after `deadlineMs`). A request that fails before
 * the kill fails the test; one that fails after it was in flight when the kill landed, and may
 * or may not have taken effect ("uncertain", as in durability.test.ts).
 */
export class Round {
  private acks = 0;
  private killing: Promise<void> | undefined;
  private readonly deadline: NodeJS.Timeout;

  constructor(
    readonly number: number,
    readonly clients: Clients,
    private readonly nimbus: ChildNimbus,
    private readonly killAt: number,
    deadlineMs: number,
  ) {
    this.deadline = setTimeout(() => this.kill(), deadlineMs);
  }

  get killed(): boolean {
    return this.killing !== undefined;
  }

  get acknowledged(): number {
    return this.acks;
  }

  /** The seeded random source of one worker in this round. */
  random(seed: number, worker: string): Random {
    return new Random(`${seed}/${this.number}/${worker}`);
  }

  async attempt<T>(request: () => Promise<T>): Promise<Outcome<T>> {
    let value: T;
    try {
      value = await request();
    } catch (error) {
      if (this.killed) return { acked: false };
      throw error;
    }
    if (++this.acks >= this.killAt) this.kill();
    return { acked: true, value };
  }

  private kill(): void {
    clearTimeout(this.deadline);
    this.killing ??= this.nimbus.kill();
  }

  /** Runs the workers to the kill; resolves once Nimbus is dead and every worker has stopped. */
  async run(workers: ReadonlyArray<() => Promise<void>>): Promise<void> {
    // A worker that fails ends the round at once; the others stop at their next request.
    const results = await Promise.allSettled(
      workers.map((worker) =>
        worker().catch((error: unknown) => {
          this.kill();
          throw error;
        }),
      ),
    );
    this.kill();
    await this.killing;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }
}

/** Resolves after the current I/O: a worker with nothing to do lets the others run. */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
