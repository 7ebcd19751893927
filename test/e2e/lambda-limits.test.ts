/**
 * The Lambda settings `nimbus start` takes (startNimbus `lambda`) reach the engine and the API:
 * Nimbus's cap on environments per function version (invocations past it wait, with a warning
 * naming the flag), and the account's concurrency quota (invocations past it are throttled).
 */
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { CreateFunctionCommand, GetAccountSettingsCommand, InvokeCommand, LambdaClient, PutFunctionConcurrencyCommand } from "@aws-sdk/client-lambda";
import type { LambdaLimits } from "../../src/core/service.js";
import type { Logger } from "../../src/server/logger.js";
import { makeZip, waitUntil } from "../../src/services/lambda/runtime/test-helpers.js";
import { startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";
import { json, rejectsWith, ROLE, ARN_PREFIX } from "./lambda-helpers.js";

// Each environment answers its own id; an invocation with `hold` waits at the barrier first.
const CODE = `const id = require("node:crypto").randomUUID();
exports.handler = async (event) => { if (event.hold) await (await fetch(process.env.BARRIER_URL)).text(); return id; };`;

/** An HTTP server that holds every request until `release()`, counting arrivals. */
class Barrier {
  readonly held: http.ServerResponse[] = [];
  arrived = 0;
  private open = false;
  private readonly server = http.createServer((_req, res) => {
    this.arrived++;
    if (this.open) res.end("go");
    else this.held.push(res);
  });

  async listen(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as { port: number }).port}/`;
  }

  release(): void {
    this.open = true;
    for (const res of this.held.splice(0)) res.end("go");
  }

  close(): void {
    this.server.close();
  }
}

interface Setup {
  nimbus: TestNimbus;
  lambda: LambdaClient;
  warnings: Array<Record<string, unknown>>;
  barrier: Barrier;
  fn: string;
}

async function setup(limits: LambdaLimits): Promise<Setup> {
  const warnings: Array<Record<string, unknown>> = [];
  const ignore = (): void => undefined;
  const logger: Logger = { debug: ignore, info: ignore, error: ignore, warn: (fields) => warnings.push(fields) };
  const nimbus = await startTestNimbus({ lambda: limits, logger });
  // No SDK retries: a throttled call must answer 429 now, not again after a backoff.
  const lambda = new LambdaClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
  const barrier = new Barrier();
  const url = await barrier.listen();
  const fn = uniqueName("limits");
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: fn,
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Timeout: 60,
      Environment: { Variables: { BARRIER_URL: url } },
      Code: { ZipFile: await makeZip({ "index.js": CODE }) },
    }),
  );
  return { nimbus, lambda, warnings, barrier, fn };
}

async function teardown(s: Setup | undefined): Promise<void> {
  if (!s) return;
  s.barrier.release();
  s.barrier.close();
  s.lambda.destroy();
  await s.nimbus.close();
}

const hold = (lambda: LambdaClient, fn: string) => lambda.send(new InvokeCommand({ FunctionName: fn, Payload: Buffer.from(JSON.stringify({ hold: true })) }));

describe("Lambda: --lambda-max-environments-per-function 2", () => {
  let s: Setup | undefined;
  before(async () => {
    s = await setup({ maxEnvironmentsPerFunction: 2 });
  });
  after(() => teardown(s));

  test("a third concurrent invocation waits for an environment, and the wait is logged with the flag that raises the cap", async () => {
    if (!s) throw new Error("not set up");
    const { lambda, barrier, warnings, fn } = s;
    const calls = [hold(lambda, fn), hold(lambda, fn)];
    assert.ok(await waitUntil(() => barrier.arrived === 2), "two invocations should run at once");
    assert.deepEqual(warnings, []);
    calls.push(hold(lambda, fn));
    // The warning is written as the invocation is queued; from then on it can only start once
    // one of the two environments is free, which the barrier does not allow yet.
    assert.ok(await waitUntil(() => warnings.length === 1), `the wait was not logged: ${JSON.stringify(warnings)} ${barrier.arrived}`);
    assert.equal(barrier.arrived, 2);
    assert.deepEqual(warnings[0], {
      msg:
        `Lambda function ${fn} ($LATEST): all 2 execution environments Nimbus allows per function version are busy, so invocations wait for one to free up, ` +
        "where AWS would start more (up to the account's concurrency). Raise the cap with --lambda-max-environments-per-function or NIMBUS_LAMBDA_MAX_ENVIRONMENTS_PER_FUNCTION.",
      service: "lambda",
      function: `${ARN_PREFIX}${fn}`,
      version: "$LATEST",
      cap: "lambda-max-environments-per-function",
      limit: 2,
    });
    barrier.release();
    const results = await Promise.all(calls);
    assert.ok(results.every((r) => r.StatusCode === 200 && r.FunctionError === undefined));
    assert.equal(barrier.arrived, 3);
    // Three invocations, two environments: the third ran in one the first two freed.
    assert.equal(new Set(results.map((r) => json(r.Payload))).size, 2);
  });
});

describe("Lambda: --lambda-max-environments-per-function 4", () => {
  let s: Setup | undefined;
  before(async () => {
    s = await setup({ maxEnvironmentsPerFunction: 4 });
  });
  after(() => teardown(s));

  test("three concurrent invocations run at once in three environments; nothing is logged", async () => {
    if (!s) throw new Error("not set up");
    const { lambda, barrier, warnings, fn } = s;
    const calls = [hold(lambda, fn), hold(lambda, fn), hold(lambda, fn)];
    assert.ok(await waitUntil(() => barrier.arrived === 3), "all three should run at once");
    barrier.release();
    const results = await Promise.all(calls);
    assert.equal(new Set(results.map((r) => json(r.Payload))).size, 3);
    assert.deepEqual(warnings, []);
  });
});

describe("Lambda: --lambda-account-concurrency 2", () => {
  let s: Setup | undefined;
  before(async () => {
    s = await setup({ accountConcurrency: 2 });
  });
  after(() => teardown(s));

  test("GetAccountSettings reports the quota, and reservations must leave all of so small a quota unreserved", async () => {
    if (!s) throw new Error("not set up");
    const { lambda, fn } = s;
    const settings = await lambda.send(new GetAccountSettingsCommand({}));
    assert.equal(settings.AccountLimit?.ConcurrentExecutions, 2);
    assert.equal(settings.AccountLimit?.UnreservedConcurrentExecutions, 2);
    await rejectsWith(
      lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 1 })),
      "InvalidParameterValueException",
      "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [2].",
      400,
    );
  });

  test("an invocation past the account's concurrency is throttled: 429 TooManyRequestsException, ConcurrentInvocationLimitExceeded", async () => {
    if (!s) throw new Error("not set up");
    const { nimbus, lambda, barrier, warnings, fn } = s;
    const other = uniqueName("limits-other");
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: other, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: await makeZip({ "index.js": CODE }) } }),
    );
    const calls = [hold(lambda, fn), hold(lambda, fn)];
    assert.ok(await waitUntil(() => barrier.arrived === 2));
    // The quota is the account's, so it throttles any function of the account and region.
    for (const name of [fn, other]) {
      await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: name })), (err: Error & { $metadata?: { httpStatusCode?: number }; Reason?: string }) => {
        assert.equal(err.name, "TooManyRequestsException");
        assert.equal(err.message, "Rate Exceeded.");
        assert.equal(err.Reason, "ConcurrentInvocationLimitExceeded");
        assert.equal(err.$metadata?.httpStatusCode, 429);
        return true;
      });
    }
    // Another region has its own quota.
    const west = new LambdaClient({ ...nimbus.clientConfig({ region: "us-west-2" }), maxAttempts: 1 });
    try {
      await west.send(
        new CreateFunctionCommand({ FunctionName: other, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: await makeZip({ "index.js": CODE }) } }),
      );
      assert.equal((await west.send(new InvokeCommand({ FunctionName: other }))).StatusCode, 200);
    } finally {
      west.destroy();
    }
    barrier.release();
    assert.ok((await Promise.all(calls)).every((r) => r.StatusCode === 200 && r.FunctionError === undefined));
    // Once they finished, the account has room again.
    assert.equal((await lambda.send(new InvokeCommand({ FunctionName: other }))).StatusCode, 200);
    // A throttle is AWS's answer, not Nimbus's cap: nothing is logged.
    assert.deepEqual(warnings, []);
  });
});
