import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { RuntimeApi, type RuntimeApiListener } from "./runtime-api.js";
import { waitUntil } from "./test-helpers.js";

interface Recorded {
  events: string[];
  bodies: Map<string, { body: string; type: string | undefined }>;
}

async function start(maxResponseBytes?: number): Promise<{ api: RuntimeApi; rec: Recorded; base: string }> {
  const rec: Recorded = { events: [], bodies: new Map() };
  const listener: RuntimeApiListener = {
    onReady: () => rec.events.push("ready"),
    onDelivered: (id, deadline) => rec.events.push(`delivered ${id} ${deadline}`),
    onResponse: (id, body, type) => {
      rec.events.push(`response ${id}`);
      rec.bodies.set(id, { body: body.toString(), type });
    },
    onError: (id, body, type) => {
      rec.events.push(`error ${id}`);
      rec.bodies.set(id, { body: body.toString(), type });
    },
    onResponseTooLarge: (id) => rec.events.push(`too-large ${id}`),
    onInitError: (body, type) => {
      rec.events.push("init-error");
      rec.bodies.set("init", { body: body.toString(), type });
    },
  };
  const api = await RuntimeApi.listen(listener, { now: () => 1_700_000_000_000, maxResponseBytes });
  return { api, rec, base: `http://${api.address}/2018-06-01/runtime` };
}

const invocation = {
  requestId: "8476a536-e9f4-11e8-9739-2dfe598c3fcd",
  payload: Buffer.from('{"key":"value"}'),
  timeoutMs: 3000,
  invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:fn:prod",
  traceId: "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1",
  clientContext: '{"custom":{"a":1}}',
  cognitoIdentity: '{"cognitoIdentityId":"id","cognitoIdentityPoolId":"pool"}',
};

describe("RuntimeApi", () => {
  test("address is host:port on loopback", async () => {
    const { api } = await start();
    assert.match(api.address, /^127\.0\.0\.1:\d+$/);
    await api.close();
  });

  test("/next long-polls until an event is dispatched, with Lambda's headers", async () => {
    const { api, rec, base } = await start();
    const next = fetch(`${base}/invocation/next`);
    assert.ok(await waitUntil(() => rec.events.includes("ready")));
    api.dispatch(invocation);
    const res = await next;
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("lambda-runtime-aws-request-id"), invocation.requestId);
    assert.equal(res.headers.get("lambda-runtime-deadline-ms"), "1700000003000");
    assert.equal(res.headers.get("lambda-runtime-invoked-function-arn"), invocation.invokedFunctionArn);
    assert.equal(res.headers.get("lambda-runtime-trace-id"), invocation.traceId);
    assert.equal(res.headers.get("lambda-runtime-client-context"), invocation.clientContext);
    assert.equal(res.headers.get("lambda-runtime-cognito-identity"), invocation.cognitoIdentity);
    assert.equal(await res.text(), '{"key":"value"}');

    const posted = await fetch(`${base}/invocation/${invocation.requestId}/response`, { method: "POST", body: '"done"' });
    assert.equal(posted.status, 202);
    assert.deepEqual(await posted.json(), { status: "OK" });
    assert.deepEqual(rec.events, ["ready", `delivered ${invocation.requestId} 1700000003000`, `response ${invocation.requestId}`]);
    assert.equal(rec.bodies.get(invocation.requestId)?.body, '"done"');
    await api.close();
  });

  test("an event dispatched before the runtime asks waits for /next; optional headers are omitted", async () => {
    const { api, base } = await start();
    api.dispatch({ ...invocation, clientContext: undefined, cognitoIdentity: undefined });
    const res = await fetch(`${base}/invocation/next`);
    assert.equal(res.headers.get("lambda-runtime-aws-request-id"), invocation.requestId);
    assert.equal(res.headers.has("lambda-runtime-client-context"), false);
    assert.equal(res.headers.has("lambda-runtime-cognito-identity"), false);
    await res.text();
    await api.close();
  });

  test("/error carries Lambda-Runtime-Function-Error-Type", async () => {
    const { api, rec, base } = await start();
    api.dispatch(invocation);
    await (await fetch(`${base}/invocation/next`)).text();
    const body = '{"errorType":"Error","errorMessage":"boom","trace":[]}';
    const res = await fetch(`${base}/invocation/${invocation.requestId}/error`, {
      method: "POST",
      body,
      headers: { "Lambda-Runtime-Function-Error-Type": "Error" },
    });
    assert.equal(res.status, 202);
    assert.deepEqual(rec.bodies.get(invocation.requestId), { body, type: "Error" });
    await api.close();
  });

  test("a result for another request id is InvalidRequestID; one outside an invocation is InvalidStateTransition", async () => {
    const { api, base } = await start();
    const early = await fetch(`${base}/invocation/${invocation.requestId}/response`, { method: "POST", body: "1" });
    assert.equal(early.status, 403);
    assert.deepEqual(await early.json(), {
      errorMessage: "State transition from Started to InvocationResponse failed for runtime. Error: State transition is not allowed",
      errorType: "InvalidStateTransition",
    });
    api.dispatch(invocation);
    await (await fetch(`${base}/invocation/next`)).text();
    const wrong = await fetch(`${base}/invocation/not-the-id/response`, { method: "POST", body: "1" });
    assert.equal(wrong.status, 400);
    assert.deepEqual(await wrong.json(), { errorMessage: "Invalid request ID", errorType: "InvalidRequestID" });
    const again = await fetch(`${base}/invocation/next`);
    assert.equal(again.status, 403);
    assert.deepEqual(await again.json(), {
      errorMessage: "State transition from Running to Ready failed for runtime. Error: State transition is not allowed",
      errorType: "InvalidStateTransition",
    });
    await api.close();
  });

  test("/init/error is accepted only before the first /next", async () => {
    const { api, rec, base } = await start();
    const body = '{"errorType":"Runtime.ImportModuleError","errorMessage":"x","trace":[]}';
    const res = await fetch(`${base}/init/error`, {
      method: "POST",
      body,
      headers: { "Lambda-Runtime-Function-Error-Type": "Runtime.ImportModuleError" },
    });
    assert.equal(res.status, 202);
    assert.deepEqual(rec.bodies.get("init"), { body, type: "Runtime.ImportModuleError" });

    const other = await start();
    const next = fetch(`${other.base}/invocation/next`);
    assert.ok(await waitUntil(() => other.rec.events.includes("ready")));
    const late = await fetch(`${other.base}/init/error`, { method: "POST", body: "{}" });
    assert.equal(late.status, 403);
    assert.deepEqual(await late.json(), {
      errorMessage: "State transition from Ready to InitError failed for runtime. Error: State transition is not allowed",
      errorType: "InvalidStateTransition",
    });
    await Promise.all([api.close(), other.api.close()]);
    await next.catch(() => undefined);
  });

  test("a response over the limit is refused with 413 and reported", async () => {
    const { api, rec, base } = await start(10);
    api.dispatch(invocation);
    await (await fetch(`${base}/invocation/next`)).text();
    const res = await fetch(`${base}/invocation/${invocation.requestId}/response`, { method: "POST", body: "x".repeat(11) });
    assert.equal(res.status, 413);
    assert.deepEqual(await res.json(), { errorMessage: "Exceeded maximum allowed payload size (10 bytes).", errorType: "RequestEntityTooLarge" });
    assert.ok(rec.events.includes(`too-large ${invocation.requestId}`));
    await api.close();
  });

  test("unknown paths are 404", async () => {
    const { api, base } = await start();
    const res = await fetch(`${base}/nope`);
    assert.equal(res.status, 404);
    assert.equal(await res.text(), "404 page not found\n");
    await api.close();
  });
});
