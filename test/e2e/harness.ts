import assert from "node:assert/strict";
/**
 * Starts a Nimbus on a random port for one test file, in memory, silent, with a manual clock
 * so tests drive time instead of sleeping. Each test names its resources uniquely, so files
 * and tests can run in parallel.
 */
import { randomUUID } from "node:crypto";
import { after, before } from "node:test";
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AuthConfig } from "../../src/auth/enforcement.js";
import { ManualClock } from "../../src/core/manual-clock.js";
import type { ServiceDefinition } from "../../src/core/service.js";
import { startNimbus, type Nimbus, type NimbusOptions } from "../../src/server/server.js";

/** The secret clientConfig (and the compat tools) sign with by default. */
export const TEST_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/** `--enforce-policies` alone: access keys are taken at their word, policies decide. */
export const ENFORCE_POLICIES: AuthConfig = { enforceSignatures: false, enforcePolicies: true, rootSecretAccessKey: TEST_SECRET_ACCESS_KEY };
/** Signatures verified (each key acting as its account's root user), policies not. */
export const ENFORCE_SIGNATURES: AuthConfig = { enforceSignatures: true, enforcePolicies: false, rootSecretAccessKey: TEST_SECRET_ACCESS_KEY };
/** Both switches, with the default clients' secret as the root secret (start the clock at Date.now(): signatures carry the real time). */
export const ENFORCE_ALL: AuthConfig = { enforceSignatures: true, enforcePolicies: true, rootSecretAccessKey: TEST_SECRET_ACCESS_KEY };

export interface TestNimbus extends Nimbus {
  readonly manualClock: ManualClock;
  /** Client config for the v3 SDK: endpoint, region, static test credentials. */
  clientConfig(overrides?: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; region?: string }): {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    disableClockSkewCorrection: boolean;
  };
}

/**
 * For a suite of tests against one started Nimbus with one client: `ready` gets both before the
 * suite's tests (and before its own `before` hooks, registered after this call); the client and
 * the server are closed after them, before the suite's own `after` hooks. `start` starts the
 * Nimbus (the client drivers' runs on the real clock with signatures verified).
 */
export function clientSuite<C extends { destroy(): void }>(
  makeClient: (nimbus: TestNimbus) => C,
  ready: (nimbus: TestNimbus, client: C) => void,
  start: () => Promise<TestNimbus> = startTestNimbus,
): void {
  let started: { nimbus: TestNimbus; client: C } | undefined;
  before(async () => {
    const nimbus = await start();
    started = { nimbus, client: makeClient(nimbus) };
    ready(started.nimbus, started.client);
  });
  after(async () => {
    // Nothing to close when the server did not start.
    if (started === undefined) return;
    started.client.destroy();
    await started.nimbus.close();
  });
}

/** `startTime` sets the manual clock (default 2026-01-15 12:00 UTC); verified signatures need the real time. */
export async function startTestNimbus(options: { services?: Record<string, ServiceDefinition>; startTime?: number } & Partial<NimbusOptions> = {}): Promise<TestNimbus> {
  const manualClock = new ManualClock(options.startTime ?? Date.parse("2026-01-15T12:00:00.000Z"));
  const nimbus = await startNimbus({ port: 0, host: "127.0.0.1", inMemory: true, logLevel: "silent", clock: manualClock, ...options });
  return Object.assign(nimbus, {
    manualClock,
    clientConfig(o: { accessKeyId?: string; secretAccessKey?: string; sessionToken?: string; region?: string } = {}) {
      return {
        endpoint: nimbus.url,
        region: o.region ?? "us-east-1",
        credentials: {
          accessKeyId: o.accessKeyId ?? "AKIAIOSFODNN7EXAMPLE",
          secretAccessKey: o.secretAccessKey ?? TEST_SECRET_ACCESS_KEY,
          ...(o.sessionToken ? { sessionToken: o.sessionToken } : {}),
        },
        // The manual clock stands months from the host's, and responses carry its Date: a client
        // correcting its clock from it would flag every error as clock skew and retry it.
        disableClockSkewCorrection: true,
      };
    },
  });
}

/**
 * Runs `first` against a Nimbus that keeps its data, stops it, then `second` (with what `first`
 * returned) against a new one on the same data directory. Each Nimbus, with the clients `open`
 * made for it, is closed however its part ends, so a failed assertion fails the test instead of
 * leaving a server open; the directory goes at the end.
 */
export async function acrossRestart<C, T>(
  open: (nimbus: TestNimbus) => C,
  close: (clients: C) => void,
  first: (clients: C) => Promise<T>,
  second: (clients: C, state: T) => Promise<void>,
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-restart-"));
  const onDataDir = async <R>(run: (clients: C) => Promise<R>): Promise<R> => {
    const nimbus = await startTestNimbus({ inMemory: false, dataDir });
    try {
      const clients = open(nimbus);
      try {
        return await run(clients);
      } finally {
        close(clients);
      }
    } finally {
      await nimbus.close();
    }
  };
  try {
    const state = await onDataDir(first);
    await onDataDir((clients) => second(clients, state));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/**
 * Headers of a request signed for `service`, for tests that send raw HTTP. Nimbus reads the
 * scope but does not verify the signature unless enforcement is on, so a fixed one will do.
 */
export function signedHeaders(service: string, accessKeyId = "AKIAIOSFODNN7EXAMPLE", region = "us-east-1"): Record<string, string> {
  return {
    "x-amz-date": "20260115T120000Z",
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20260115/${region}/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`,
  };
}

/** What the v3 SDK throws for an AWS error: name, message, status, and the error's extra members. */
export interface SdkError extends Error {
  readonly $metadata: { readonly httpStatusCode?: number; readonly requestId?: string };
  readonly [member: string]: unknown;
}

/** The error a call fails with; fails the test if the call succeeds. */
export async function failure<E = SdkError>(call: Promise<unknown>): Promise<E> {
  try {
    await call;
  } catch (err) {
    return err as E;
  }
  assert.fail("expected the call to fail");
}

/** The error a call fails with as [name, HTTP status, message], for one deepEqual. */
export async function refusal(call: Promise<unknown>): Promise<[string, number | undefined, string]> {
  const err = await failure(call);
  return [err.name, err.$metadata.httpStatusCode, err.message];
}

export interface JsonReply {
  readonly status: number;
  // Response bodies are JSON of many shapes; tests read them field by field.
  readonly body: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A small client for a JSON-protocol service whose v3 client is not installed (CloudWatch
 * Logs), signed like the SDK would sign it. `nimbus` is read at call time (tests start it in before()).
 */
export function jsonService(
  nimbus: () => TestNimbus,
  opts: { readonly targetPrefix: string; readonly version: "1.0" | "1.1"; readonly signingName: string; readonly region?: string },
) {
  async function call(operation: string, input: Record<string, unknown>, accessKeyId?: string): Promise<JsonReply> {
    const res = await fetch(nimbus().url, {
      method: "POST",
      headers: { "content-type": `application/x-amz-json-${opts.version}`, "x-amz-target": `${opts.targetPrefix}.${operation}`, ...signedHeaders(opts.signingName, accessKeyId, opts.region) },
      body: JSON.stringify(input),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  async function ok(operation: string, input: Record<string, unknown>): Promise<JsonReply["body"]> {
    const r = await call(operation, input);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }
  /** Asserts a 400 with the error code (after `#` in `__type`) and exact message. */
  async function fails(operation: string, input: Record<string, unknown>, code: string, message: string): Promise<void> {
    const r = await call(operation, input);
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.equal(String(r.body["__type"]).split("#").pop(), code);
    assert.equal(r.body["message"], message);
  }
  return { call, ok, fails };
}

/** A plain HTTP request to the test Nimbus (unsigned, or signed by the test itself): status and body text. */
export function httpRequest(port: number, method: string, path: string, headers: Record<string, string | string[]> = {}, body?: Buffer | string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** What `accountsSuite` gives a suite's tests: the server, and v3 clients acting as an account. */
export interface AccountsSuite {
  nimbus(): TestNimbus;
  /** A client signed with `account` as its access key (so it acts as that account), retries off; closed after the suite. */
  client<C extends { destroy(): void }>(make: (config: ReturnType<TestNimbus["clientConfig"]> & { maxAttempts: number }) => C, account: string): C;
}

/** A suite's Nimbus, started with `options` before its tests and closed after them with every client made through it. */
export function accountsSuite(options: Parameters<typeof startTestNimbus>[0]): AccountsSuite {
  let nimbus: TestNimbus | undefined;
  const clients: { destroy(): void }[] = [];
  before(async () => {
    nimbus = await startTestNimbus(options);
  });
  after(async () => {
    for (const client of clients) client.destroy();
    await nimbus?.close();
  });
  const started = (): TestNimbus => {
    assert.ok(nimbus, "the suite's Nimbus has not started");
    return nimbus;
  };
  return {
    nimbus: started,
    client(make, account) {
      const client = make({ ...started().clientConfig({ accessKeyId: account }), maxAttempts: 1 });
      clients.push(client);
      return client;
    },
  };
}
