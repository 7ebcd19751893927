/**
 * Lambda function URLs: the configuration API through @aws-sdk/client-lambda, and the URLs
 * themselves, served by Nimbus on its own port. Requests go to 127.0.0.1:<port> with the URL's
 * host in the Host header (no DNS needed), exactly what a client resolving
 * `*.localhost.localstack.cloud` to 127.0.0.1 sends.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  ListFunctionUrlConfigsCommand,
  PublishVersionCommand,
  UpdateFunctionUrlConfigCommand,
  type FunctionUrlAuthType,
} from "@aws-sdk/client-lambda";
import { ARN_PREFIX, createNodeFunction, rejectsWith } from "./lambda-helpers.js";
import { signedHeaders, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

// One function answers every shape the tests need, chosen by the request path.
const URL_CODE = `
exports.handler = async (event, context) => {
  switch (event.rawPath) {
    case "/echo": return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ event, version: context.functionVersion }) };
    case "/string": return "Hello, world!";
    case "/object": return { message: "Hello, world!" };
    case "/structured": return {
      statusCode: 201,
      headers: { "x-custom": "yes", "content-type": "text/plain", "Access-Control-Allow-Origin": "https://evil.example" },
      cookies: ["a=1; Path=/", "b=2"],
      body: Buffer.from("binary-ok").toString("base64"),
      isBase64Encoded: true,
    };
    case "/fail": throw new Error("function broke");
    case "/bad-status": return { statusCode: "teapot", body: "x" };
    case "/bad-header": return { statusCode: 200, headers: { "x-injected": "a\\r\\nSet-Cookie: c=d" }, body: "x" };
    default: return { statusCode: 404, body: "no route " + event.rawPath };
  }
};`;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

describe("Lambda function URLs", () => {
  let nimbus: TestNimbus;
  let lambda: LambdaClient;

  before(async () => {
    nimbus = await startTestNimbus();
    lambda = new LambdaClient(nimbus.clientConfig());
  });
  after(async () => {
    lambda.destroy();
    await nimbus.close();
  });

  async function createFunction(name: string, code = URL_CODE): Promise<void> {
    await createNodeFunction(lambda, name, code);
  }

  /** A request to a function URL: to Nimbus's port, with the URL's host as Host. */
  function call(url: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
    const host = new URL(url).host;
    return new Promise((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: nimbus.port, method: options.method ?? "GET", path, headers: { host, ...options.headers }, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(options.body);
    });
  }

  test("CreateFunctionUrlConfig answers 201 with Nimbus's URL; Get, Update, List and Delete work on it", async () => {
    const name = uniqueName("url-config");
    await createFunction(name);
    const created = await lambda.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE", Cors: { AllowOrigins: ["https://app.example"], AllowMethods: ["GET", "POST"], MaxAge: 300 } }),
    );
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.match(created.FunctionUrl ?? "", new RegExp(`^http://[a-z0-9]{32}\\.lambda-url\\.us-east-1\\.localhost\\.localstack\\.cloud:${nimbus.port}/$`));
    assert.equal(created.FunctionArn, `${ARN_PREFIX}${name}`);
    assert.equal(created.AuthType, "NONE");
    assert.equal(created.InvokeMode, "BUFFERED");
    assert.deepEqual(created.Cors, { AllowOrigins: ["https://app.example"], AllowMethods: ["GET", "POST"], MaxAge: 300 });
    assert.equal(created.CreationTime, "2026-01-15T12:00:00.000+0000");

    const got = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name }));
    assert.equal(got.FunctionUrl, created.FunctionUrl);
    assert.equal(got.LastModifiedTime, "2026-01-15T12:00:00.000+0000");

    nimbus.manualClock.advance(5000);
    const updated = await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "AWS_IAM", Cors: {} }));
    assert.equal(updated.FunctionUrl, created.FunctionUrl, "the URL never changes");
    assert.equal(updated.AuthType, "AWS_IAM");
    assert.equal(updated.Cors, undefined, "an empty Cors removes the configuration");
    assert.equal(updated.CreationTime, "2026-01-15T12:00:00.000+0000");
    assert.equal(updated.LastModifiedTime, "2026-01-15T12:00:05.000+0000");

    const listed = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: name }));
    assert.deepEqual(
      listed.FunctionUrlConfigs?.map((c) => [c.FunctionArn, c.AuthType]),
      [[`${ARN_PREFIX}${name}`, "AWS_IAM"]],
    );

    const deleted = await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: name }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await rejectsWith(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name })), "ResourceNotFoundException", "The resource you requested does not exist.", 404);
    assert.equal((await call(created.FunctionUrl ?? "", "/string")).status, 403, "a deleted URL no longer answers");
  });

  test("configuration errors: duplicate, missing function or alias, version and $LATEST qualifiers, bad AuthType", async () => {
    const name = uniqueName("url-errors");
    await createFunction(name);
    await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE" }));
    await rejectsWith(
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE" })),
      "ResourceConflictException",
      `Failed to create function url config for [functionArn = ${ARN_PREFIX}${name}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      409,
    );
    await rejectsWith(lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: uniqueName("nope"), AuthType: "NONE" })), "ResourceNotFoundException", "Function does not exist", 404);
    await rejectsWith(
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: "missing", AuthType: "NONE" })),
      "ResourceNotFoundException",
      "Function does not exist",
      404,
    );
    await rejectsWith(
      lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: uniqueName("nope") })),
      "ResourceNotFoundException",
      "The resource you requested does not exist.",
      404,
    );
    await rejectsWith(
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: "1", AuthType: "NONE" })),
      "ValidationException",
      "1 validation error detected: Value '1' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (^\\\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))",
      400,
    );
    await rejectsWith(
      lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name, Qualifier: "$LATEST" })),
      "ValidationException",
      "1 validation error detected: Value '$LATEST' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\\\d+$)^[0-9a-zA-Z-_]+$)",
      400,
    );
    await rejectsWith(
      // A value the SDK's types do not allow, as an older or hand-written client may send.
      lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: uniqueName("x"), AuthType: "OPEN" as FunctionUrlAuthType })),
      "ValidationException",
      "1 validation error detected: Value 'OPEN' at 'authType' failed to satisfy constraint: Member must satisfy enum value set: [NONE, AWS_IAM]",
      400,
    );
    await rejectsWith(
      lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: name, Cors: { MaxAge: 86401 } })),
      "ValidationException",
      "1 validation error detected: Value '86401' at 'cors.maxAge' failed to satisfy constraint: Member must have value less than or equal to 86400",
      400,
    );
    await rejectsWith(lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: name, Qualifier: "live" })), "ResourceNotFoundException", "The resource you requested does not exist.", 404);
  });

  test("a request becomes the payload format 2.0 event", async () => {
    const name = uniqueName("url-event");
    await createFunction(name);
    const { FunctionUrl: url = "" } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE" }));
    const urlId = new URL(url).hostname.split(".")[0];
    nimbus.manualClock.set(Date.parse("2026-02-07T09:05:03.000Z"));
    const reply = await call(url, "/echo?a=1&b=two&a=3&empty=", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Mixed-Case": "kept", "User-Agent": "nimbus-test/1.0", Cookie: "session=abc; theme=dark" },
      body: '{"hello":"world"}',
    });
    assert.equal(reply.status, 200, reply.text);
    const { event, version } = JSON.parse(reply.text) as { event: Record<string, any>; version: string }; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read field by field
    assert.equal(version, "$LATEST");
    assert.equal(event.version, "2.0");
    assert.equal(event.routeKey, "$default");
    assert.equal(event.rawPath, "/echo");
    assert.equal(event.rawQueryString, "a=1&b=two&a=3&empty=");
    assert.deepEqual(event.cookies, ["session=abc", "theme=dark"]);
    assert.deepEqual(event.queryStringParameters, { a: "1,3", b: "two", empty: "" });
    assert.equal(event.headers["x-mixed-case"], "kept");
    assert.equal(event.headers["content-type"], "application/json");
    assert.equal(event.headers["cookie"], undefined, "cookies leave the headers");
    assert.equal(event.headers["host"], new URL(url).host);
    assert.equal(event.headers["x-forwarded-proto"], "http");
    assert.match(event.headers["x-amzn-trace-id"], /^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    assert.equal(event.body, '{"hello":"world"}');
    assert.equal(event.isBase64Encoded, false);
    const rc = event.requestContext;
    assert.equal(rc.accountId, "anonymous");
    assert.equal(rc.apiId, urlId);
    assert.equal(rc.domainName, new URL(url).hostname);
    assert.equal(rc.domainPrefix, urlId);
    assert.deepEqual(rc.http, { method: "POST", path: "/echo", protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "nimbus-test/1.0" });
    assert.match(rc.requestId, /^[0-9a-f-]{36}$/);
    assert.equal(reply.headers["x-amzn-requestid"], rc.requestId);
    assert.equal(rc.stage, "$default");
    assert.equal(rc.time, "07/Feb/2026:09:05:03 +0000");
    assert.equal(rc.timeEpoch, Date.parse("2026-02-07T09:05:03.000Z"));

    // Parameters named like Object.prototype's members are names like any other: the check for a
    // repeat had found constructor already there (Object's function), and __proto__ was lost.
    const named = JSON.parse((await call(url, "/echo?constructor=1&__proto__=2&toString=a&toString=b")).text) as { event: { queryStringParameters: unknown } };
    assert.deepEqual(named.event.queryStringParameters, JSON.parse('{"constructor":"1","__proto__":"2","toString":"a,b"}'));

    // A body that is not text arrives base64-encoded; a GET has no body at all.
    const binary = JSON.parse((await call(url, "/echo", { method: "PUT", headers: { "Content-Type": "application/octet-stream" }, body: Buffer.from([0, 1, 2, 255]) })).text) as {
      event: { body: string; isBase64Encoded: boolean };
    };
    assert.equal(binary.event.body, "AAEC/w==");
    assert.equal(binary.event.isBase64Encoded, true);
    const get = JSON.parse((await call(url, "/echo")).text) as { event: Record<string, unknown> };
    assert.equal(get.event.body, undefined);
    assert.equal(get.event.isBase64Encoded, false);
    assert.equal(get.event.queryStringParameters, undefined);
    assert.equal(get.event.cookies, undefined);
  });

  test("the function's result becomes the HTTP answer by Lambda's rules; a function error is a 502", async () => {
    const name = uniqueName("url-response");
    await createFunction(name);
    const { FunctionUrl: url = "" } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE" }));

    const text = await call(url, "/string");
    assert.equal(text.status, 200);
    assert.equal(text.headers["content-type"], "application/json");
    assert.equal(text.text, "Hello, world!", "a string is sent as its value");

    const object = await call(url, "/object");
    assert.equal(object.status, 200);
    assert.equal(object.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(object.text), { message: "Hello, world!" });

    const structured = await call(url, "/structured");
    assert.equal(structured.status, 201);
    assert.equal(structured.headers["x-custom"], "yes");
    assert.equal(structured.headers["content-type"], "text/plain");
    assert.deepEqual(structured.headers["set-cookie"], ["a=1; Path=/", "b=2"]);
    assert.equal(structured.text, "binary-ok", "isBase64Encoded bodies are decoded");
    assert.equal(structured.headers["access-control-allow-origin"], "https://evil.example", "without CORS configured the function's headers pass");

    const missing = await call(url, "/nowhere");
    assert.equal(missing.status, 404);
    assert.equal(missing.text, "no route /nowhere");

    const failed = await call(url, "/fail");
    assert.equal(failed.status, 502);
    assert.equal(failed.text, '{"Message":"Internal Server Error"}');
    const bad = await call(url, "/bad-status");
    assert.equal(bad.status, 502);
    // A header no HTTP answer can carry: a 502 from Lambda, where node had refused the answer (an empty 500).
    const header = await call(url, "/bad-header");
    assert.deepEqual([header.status, header.text, header.headers["set-cookie"]], [502, '{"Message":"Internal Server Error"}', undefined]);
  });

  test("CORS: Lambda answers the preflight itself and sets the CORS headers of responses", async () => {
    const name = uniqueName("url-cors");
    await createFunction(name);
    const { FunctionUrl: url = "" } = await lambda.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: name,
        AuthType: "NONE",
        Cors: { AllowOrigins: ["https://app.example"], AllowMethods: ["GET", "POST"], AllowHeaders: ["content-type", "x-token"], ExposeHeaders: ["x-custom"], MaxAge: 600, AllowCredentials: true },
      }),
    );
    const preflight = await call(url, "/structured", {
      method: "OPTIONS",
      headers: { Origin: "https://app.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x-token" },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.text, "", "the function is not invoked");
    assert.equal(preflight.headers["access-control-allow-origin"], "https://app.example");
    assert.equal(preflight.headers["access-control-allow-methods"], "GET,POST");
    assert.equal(preflight.headers["access-control-allow-headers"], "content-type,x-token");
    assert.equal(preflight.headers["access-control-max-age"], "600");
    assert.equal(preflight.headers["access-control-allow-credentials"], "true");

    const refused = await call(url, "/string", { method: "OPTIONS", headers: { Origin: "https://other.example", "Access-Control-Request-Method": "GET" } });
    assert.equal(refused.status, 200);
    assert.equal(refused.headers["access-control-allow-origin"], undefined);

    const actual = await call(url, "/structured", { headers: { Origin: "https://app.example" } });
    assert.equal(actual.status, 201);
    assert.equal(actual.headers["access-control-allow-origin"], "https://app.example", "the function's own CORS header is replaced");
    assert.equal(actual.headers["access-control-expose-headers"], "x-custom");
    assert.equal(actual.headers["access-control-allow-credentials"], "true");
    const foreign = await call(url, "/structured", { headers: { Origin: "https://other.example" } });
    assert.equal(foreign.headers["access-control-allow-origin"], undefined);
  });

  test("AuthType AWS_IAM: an unsigned request is refused with 403, a signed one carries the caller in requestContext", async () => {
    const name = uniqueName("url-iam");
    await createFunction(name);
    const { FunctionUrl: url = "" } = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "AWS_IAM" }));
    const unsigned = await call(url, "/echo");
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.text, '{"Message":"Forbidden"}');
    const signed = await call(url, "/echo", { headers: signedHeaders("lambda") });
    assert.equal(signed.status, 200, signed.text);
    const { event } = JSON.parse(signed.text) as { event: { requestContext: { accountId: string; authorizer: { iam: Record<string, unknown> } } } };
    assert.equal(event.requestContext.accountId, "000000000000");
    assert.equal(event.requestContext.authorizer.iam["accessKey"], "AKIAIOSFODNN7EXAMPLE");
    assert.equal(event.requestContext.authorizer.iam["userArn"], "arn:aws:iam::000000000000:root");
  });

  test("a URL on an alias runs the alias's version; AddPermission records FunctionUrlAuthType; DeleteFunction removes the URLs", async () => {
    const name = uniqueName("url-alias");
    await createFunction(name);
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1" }));
    const aliased = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, Qualifier: "live", AuthType: "NONE" }));
    assert.equal(aliased.FunctionArn, `${ARN_PREFIX}${name}:live`);
    const plain = await lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: name, AuthType: "NONE" }));
    assert.notEqual(aliased.FunctionUrl, plain.FunctionUrl);
    const listed = await lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: name }));
    assert.deepEqual(listed.FunctionUrlConfigs?.map((c) => c.FunctionArn).sort(), [`${ARN_PREFIX}${name}`, `${ARN_PREFIX}${name}:live`]);

    const viaAlias = JSON.parse((await call(aliased.FunctionUrl ?? "", "/echo")).text) as { version: string };
    assert.equal(viaAlias.version, "1");
    const viaLatest = JSON.parse((await call(plain.FunctionUrl ?? "", "/echo")).text) as { version: string };
    assert.equal(viaLatest.version, "$LATEST");

    await lambda.send(
      new AddPermissionCommand({ FunctionName: name, StatementId: "url", Action: "lambda:InvokeFunctionUrl", Principal: "*", FunctionUrlAuthType: "NONE" }),
    );
    const policy = JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: name }))).Policy ?? "{}") as { Statement: Array<{ Condition?: unknown }> };
    assert.deepEqual(policy.Statement[0]?.Condition, { StringEquals: { "lambda:FunctionUrlAuthType": "NONE" } });

    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    assert.equal((await call(aliased.FunctionUrl ?? "", "/echo")).status, 403);
    assert.equal((await call(plain.FunctionUrl ?? "", "/echo")).status, 403);
  });
});
