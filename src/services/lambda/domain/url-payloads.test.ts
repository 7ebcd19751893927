import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { applyCors, isTextContentType, preflightHeaders, requestTime, urlEvent, urlResponse } from "./url-payloads.js";

const text = (b: Buffer | undefined): string => b?.toString("utf8") ?? "";

describe("function URL response rules", () => {
  test("valid JSON without statusCode is a 200 application/json body; a JSON string is sent as its value", () => {
    const obj = urlResponse(Buffer.from('{"a":1}'));
    assert.deepEqual({ ...obj, body: text(obj?.body) }, { status: 200, headers: { "content-type": "application/json" }, cookies: [], body: '{"a":1}' });
    assert.equal(text(urlResponse(Buffer.from('"Hello"'))?.body), "Hello");
    assert.equal(text(urlResponse(Buffer.from("42"))?.body), "42");
    assert.equal(text(urlResponse(Buffer.from("[1,2]"))?.body), "[1,2]");
    assert.equal(text(urlResponse(Buffer.from("null"))?.body), "null");
  });

  test("a response object: status, headers (lower-cased, values as text), cookies, base64 bodies, object bodies", () => {
    const r = urlResponse(Buffer.from(JSON.stringify({ statusCode: 302, headers: { Location: "/x", "X-Count": 3 }, cookies: ["a=1"], body: "aGk=", isBase64Encoded: true })));
    assert.equal(r?.status, 302);
    assert.deepEqual(r?.headers, { location: "/x", "x-count": "3", "content-type": "application/json" });
    assert.deepEqual(r?.cookies, ["a=1"]);
    assert.equal(text(r?.body), "hi");
    assert.equal(text(urlResponse(Buffer.from('{"statusCode":200,"body":{"k":"v"}}'))?.body), '{"k":"v"}');
    assert.equal(urlResponse(Buffer.from('{"statusCode":"204"}'))?.status, 204);
    assert.equal(text(urlResponse(Buffer.from('{"statusCode":204}'))?.body), "");
  });

  test("an unreadable response is undefined (the URL answers 502); non-JSON bytes pass as the body", () => {
    assert.equal(urlResponse(Buffer.from('{"statusCode":"abc"}')), undefined);
    assert.equal(urlResponse(Buffer.from('{"statusCode":99}')), undefined);
    assert.equal(urlResponse(Buffer.from('{"statusCode":200,"headers":[1]}')), undefined);
    // A header or cookie no HTTP answer can carry: node would refuse the whole response.
    assert.equal(urlResponse(Buffer.from(JSON.stringify({ statusCode: 200, headers: { "x-a": "b\r\nSet-Cookie: c=d" } }))), undefined);
    assert.equal(urlResponse(Buffer.from(JSON.stringify({ statusCode: 200, headers: { "bad name": "v" } }))), undefined);
    assert.equal(urlResponse(Buffer.from(JSON.stringify({ statusCode: 200, cookies: ["a=1\nb"] }))), undefined);
    assert.equal(urlResponse(Buffer.from(JSON.stringify({ statusCode: 200, headers: { "x-a": "tab\there" } })))?.headers["x-a"], "tab\there");
    assert.equal(text(urlResponse(Buffer.from("plain bytes"))?.body), "plain bytes");
  });
});

describe("function URL events", () => {
  test("text content types travel as text, others as base64", () => {
    for (const t of ["text/plain", "application/json; charset=utf-8", "application/ld+json", "application/xml", "image/svg+xml", "application/javascript"]) assert.equal(isTextContentType(t), true, t);
    for (const t of [undefined, "", "application/octet-stream", "image/png", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) assert.equal(isTextContentType(t), false, String(t));
  });

  test("requestContext.time is API Gateway's access-log format", () => {
    assert.equal(requestTime(Date.parse("2026-03-05T07:08:09.123Z")), "05/Mar/2026:07:08:09 +0000");
  });

  test("repeated headers and cookie headers, and a percent-encoded path", () => {
    const event = urlEvent(
      { method: "GET", rawUrl: "/a%20b?x=1", headers: { host: "id.lambda-url.us-east-1.localhost:4566", accept: ["a", "b"], cookie: "c=1; d=2" }, body: Buffer.alloc(0), sourceIp: "10.0.0.1", protocol: "HTTP/1.1" },
      { urlId: "id", accountId: "anonymous", requestId: "r", now: 0, traceId: "Root=1-00000000-000000000000000000000000" },
    ) as { rawPath: string; headers: Record<string, string>; cookies: string[]; requestContext: { domainName: string; http: { path: string } } };
    assert.equal(event.rawPath, "/a%20b");
    assert.equal(event.requestContext.http.path, "/a b");
    assert.equal(event.headers["accept"], "a,b");
    assert.equal(event.headers["x-forwarded-port"], "4566");
    assert.equal(event.headers["x-forwarded-for"], "10.0.0.1");
    assert.deepEqual(event.cookies, ["c=1", "d=2"]);
    assert.equal(event.requestContext.domainName, "id.lambda-url.us-east-1.localhost");
  });
});

describe("function URL CORS", () => {
  test("a wildcard origin without credentials answers *; with credentials the origin is echoed", () => {
    assert.equal(preflightHeaders({ AllowOrigins: ["*"], AllowMethods: ["*"] }, "https://a.example", "DELETE")["access-control-allow-origin"], "*");
    const withCredentials = preflightHeaders({ AllowOrigins: ["*"], AllowMethods: ["GET"], AllowCredentials: true }, "https://a.example", "GET");
    assert.equal(withCredentials["access-control-allow-origin"], "https://a.example");
    assert.equal(withCredentials["vary"], "Origin");
    assert.deepEqual(preflightHeaders({ AllowOrigins: ["*"], AllowMethods: ["GET"] }, "https://a.example", "POST"), {}, "a method not allowed");
  });

  test("with CORS configured the function's own CORS headers are dropped", () => {
    const headers: Record<string, string> = { "access-control-allow-origin": "*", "access-control-max-age": "5", "x-other": "1" };
    applyCors({ AllowOrigins: ["https://a.example"] }, "https://b.example", headers);
    assert.deepEqual(headers, { "x-other": "1" });
    const untouched: Record<string, string> = { "access-control-allow-origin": "*" };
    applyCors(undefined, "https://b.example", untouched);
    assert.deepEqual(untouched, { "access-control-allow-origin": "*" });
  });
});
