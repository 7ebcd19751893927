import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { queryRequest, signedLookingHeaders } from "./aws-request.js";
import { startCeiling } from "./ceiling.js";
import { checkRequest, runLoad } from "./load.js";
import type { RunningProcess } from "./process.js";

describe("load against the ceiling", () => {
  let ceiling: RunningProcess;
  before(async () => {
    ceiling = await startCeiling(391);
  });
  after(async () => {
    await ceiling.stop();
  });

  test("the ceiling answers 200 with a body of the size asked for", async () => {
    const res = await checkRequest("ceiling", ceiling.url, { method: "GET", path: "/", headers: {}, expect: { status: 200, bodyIncludes: "<CeilingResponse>" } });
    assert.equal(res.body.length, 391);
    assert.equal(res.headers["content-type"], "text/xml");
  });

  test("a fixed amount sends exactly that many requests, all counted", async () => {
    const r = await runLoad(ceiling.url, queryRequest("sts", "GetCallerIdentity"), { connections: 4, amount: 200 });
    assert.equal(r.requests, 200);
    assert.deepEqual(r.statusCodes, { "200": 200 });
    assert.equal(r.errors, 0);
    assert.equal(r.non2xx, 0);
    assert.ok(r.p50Ms <= r.p99Ms);
  });

  test("a time-boxed run counts every answer it got", async () => {
    const r = await runLoad(ceiling.url, { method: "GET", path: "/", headers: {} }, { connections: 2, durationSec: 1 });
    assert.ok(r.requests > 0);
    assert.deepEqual(r.statusCodes, { "200": r.requests });
    assert.equal(r.errors + r.non2xx, 0);
  });

  test("checkRequest rejects an answer that misses the expectation", async () => {
    await assert.rejects(checkRequest("ceiling", ceiling.url, queryRequest("sts", "GetCallerIdentity")), (err: Error) => {
      assert.match(err.message, /^bench: ceiling: POST \/ answered 200, expected 200 with a body containing "<GetCallerIdentityResponse"\n<\?xml/);
      return true;
    });
  });
});

describe("aws-request", () => {
  test("signed-looking headers carry the service and region in the credential scope", () => {
    assert.deepEqual(signedLookingHeaders("sqs", "eu-west-1"), {
      Authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/eu-west-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"0".repeat(64)}`,
      "X-Amz-Date": "20260101T000000Z",
    });
  });
  test("queryRequest: a form POST to / expecting <Action>Response", () => {
    const r = queryRequest("sts", "GetCallerIdentity", {}, { version: "2011-06-15" });
    assert.equal(r.method, "POST");
    assert.equal(r.path, "/");
    assert.equal(r.body, "Action=GetCallerIdentity&Version=2011-06-15");
    assert.equal(r.headers["Content-Type"], "application/x-www-form-urlencoded; charset=utf-8");
    assert.deepEqual(r.expect, { status: 200, bodyIncludes: "<GetCallerIdentityResponse" });
  });
});
