/**
 * Lambda through @aws-sdk/client-lambda against a started Nimbus: functions really run (Node.js
 * and Python processes speaking the Runtime API), logs land in CloudWatch Logs.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  InvokeWithResponseStreamCommand,
  LambdaClient,
  ListFunctionsCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from "@aws-sdk/client-lambda";
import { makeZip, waitUntil } from "../../src/services/lambda/runtime/test-helpers.js";
import { ARN_PREFIX, ROLE, createNodeFunction, json, rejectsWith } from "./lambda-helpers.js";
import { httpRequest, signedHeaders, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const SCOPE = { account: "000000000000", region: "us-east-1" };

const NODE_CODE = `
let count = 0;
exports.handler = async (event, context) => {
  count++;
  console.log("got event", JSON.stringify(event));
  if (event.fail) throw new Error("boom: " + event.fail);
  return { count, echo: event, greeting: process.env.GREETING ?? null, version: context.functionVersion, requestId: context.awsRequestId };
};`;

const event = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));


describe("Lambda functions and invocation", () => {
  let nimbus: TestNimbus;
  let lambda: LambdaClient;
  let scratch: string;

  before(async () => {
    nimbus = await startTestNimbus();
    lambda = new LambdaClient(nimbus.clientConfig());
    scratch = await mkdtemp(join(tmpdir(), "nimbus-lambda-e2e-"));
  });
  after(async () => {
    lambda.destroy();
    await nimbus.close();
    await rm(scratch, { recursive: true, force: true });
  });

  async function createNode(name: string, extra: Partial<ConstructorParameters<typeof CreateFunctionCommand>[0]> = {}, code = NODE_CODE) {
    return createNodeFunction(lambda, name, code, extra);
  }

  test("CreateFunction answers the configuration; the waiters pass; GetFunction and GetFunctionConfiguration read it back", async () => {
    const name = uniqueName("create");
    const zip = await makeZip({ "index.js": NODE_CODE });
    const created = await lambda.send(
      new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip }, Tags: { team: "core" } }),
    );
    assert.equal(created.FunctionName, name);
    assert.equal(created.FunctionArn, `${ARN_PREFIX}${name}`);
    assert.equal(created.Version, "$LATEST");
    assert.equal(created.Timeout, 3);
    assert.equal(created.MemorySize, 128);
    assert.equal(created.State, "Active");
    assert.equal(created.LastUpdateStatus, "Successful");
    assert.equal(created.PackageType, "Zip");
    assert.equal(created.CodeSize, zip.length);
    assert.match(created.CodeSha256 ?? "", /^[A-Za-z0-9+/]{43}=$/);
    assert.match(created.LastModified ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: name });
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: name });

    const got = await lambda.send(new GetFunctionCommand({ FunctionName: name }));
    assert.equal(got.Configuration?.FunctionArn, created.FunctionArn);
    assert.equal(got.Configuration?.CodeSha256, created.CodeSha256);
    assert.equal(got.Code?.RepositoryType, "S3");
    assert.match(got.Code?.Location ?? "", /^http:\/\//);
    const download = await fetch(got.Code?.Location ?? "");
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), zip, "Code.Location serves the deployment package");
    assert.deepEqual(got.Tags, { team: "core" });
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: `${ARN_PREFIX}${name}` }));
    assert.equal(config.RevisionId, created.RevisionId);
  });

  test("CreateFunction errors: duplicate name, validation of timeout, memory, runtime, role, environment size", async () => {
    const name = uniqueName("dup");
    await createNode(name);
    await rejectsWith(createNode(name), "ResourceConflictException", `Function already exist: ${name}`, 409);
    await assert.rejects(createNode(uniqueName("t"), { Timeout: 901 }), {
      name: "ValidationException",
      message: "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900",
    });
    await assert.rejects(createNode(uniqueName("m"), { MemorySize: 64 }), {
      name: "ValidationException",
      message: "1 validation error detected: Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    });
    await assert.rejects(createNode(uniqueName("r"), { Runtime: "nodejs12.x" }), {
      name: "InvalidParameterValueException",
      message:
        "The runtime parameter of nodejs12.x is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (nodejs20.x) while creating or updating functions.",
    });
    await assert.rejects(createNode(uniqueName("role"), { Role: "not-a-role" }), (err: Error) => {
      assert.equal(err.name, "ValidationException");
      assert.match(err.message, /^1 validation error detected: Value 'not-a-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: /);
      return true;
    });
    const big = { BIG: "x".repeat(4096) };
    await assert.rejects(createNode(uniqueName("env"), { Environment: { Variables: big } }), {
      name: "InvalidParameterValueException",
      message: `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${JSON.stringify(big)}`,
    });
    await assert.rejects(
      lambda.send(new CreateFunctionCommand({ FunctionName: uniqueName("zip"), Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: Buffer.from("not a zip") } })),
      { name: "InvalidParameterValueException", message: "Could not unzip uploaded file. Please check your file, then try to upload again." },
    );
  });

  test("unknown functions answer ResourceNotFoundException with the function ARN", async () => {
    await rejectsWith(
      lambda.send(new GetFunctionCommand({ FunctionName: "nope" })),
      "ResourceNotFoundException",
      "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
      404,
    );
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: "nope" })), { name: "ResourceNotFoundException" });
    await assert.rejects(lambda.send(new DeleteFunctionCommand({ FunctionName: "nope" })), { name: "ResourceNotFoundException" });
  });

  test("error bodies name the text as the model's member does: ResourceNotFoundException's Message, InvalidRequestContentException's message", async () => {
    // The Go SDK v2 reads a modelled error's text by its member name only: from {"message": ...}
    // its ResourceNotFoundException had no message at all.
    const missing = await httpRequest(nimbus.port, "POST", "/2015-03-31/functions/nope/invocations", signedHeaders("lambda"), "{}");
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(missing.text), { Type: "User", Message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope" });
    const name = uniqueName("badjson");
    await createNode(name);
    const bad = await httpRequest(nimbus.port, "POST", `/2015-03-31/functions/${name}/invocations`, signedHeaders("lambda"), "{not json");
    assert.equal(bad.status, 400);
    assert.deepEqual(Object.keys(JSON.parse(bad.text)), ["Type", "message"]);
  });

  test("ListFunctions pages with Marker and MaxItems", async () => {
    const prefix = uniqueName("list");
    for (const n of [1, 2, 3]) await createNode(`${prefix}-${n}`);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: marker }));
      assert.ok((page.Functions ?? []).length <= 2);
      seen.push(...(page.Functions ?? []).map((f) => f.FunctionName ?? ""));
      marker = page.NextMarker;
    } while (marker);
    assert.deepEqual(seen.filter((n) => n.startsWith(prefix)), [`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
    assert.equal(new Set(seen).size, seen.length);
  });

  test("a Node.js function runs: payload in and out, environment variables, warm reuse keeps globals", async () => {
    const name = uniqueName("node");
    await createNode(name, { Environment: { Variables: { GREETING: "bonjour" } } });
    const first = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: event({ hello: "world" }) }));
    assert.equal(first.StatusCode, 200);
    assert.equal(first.FunctionError, undefined);
    assert.equal(first.ExecutedVersion, "$LATEST");
    const body = json(first.Payload) as Record<string, unknown>;
    assert.deepEqual(body.echo, { hello: "world" });
    assert.equal(body.greeting, "bonjour");
    assert.equal(body.count, 1);
    assert.equal(body.requestId, first.$metadata.requestId);
    const second = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: event({}) }));
    assert.equal((json(second.Payload) as Record<string, unknown>).count, 2, "the warm environment kept its global");

    // A configuration change starts a new environment with the new variables.
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { GREETING: "hallo" } }, Timeout: 10 }));
    await waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 10 }, { FunctionName: name });
    const third = json((await lambda.send(new InvokeCommand({ FunctionName: name, Payload: event({}) }))).Payload) as Record<string, unknown>;
    assert.equal(third.greeting, "hallo");
    assert.equal(third.count, 1);
    assert.equal((await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).Timeout, 10);
  });

  test("UpdateFunctionCode deploys new code", async () => {
    const name = uniqueName("code");
    const created = await createNode(name);
    const updated = await lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: await makeZip({ "index.js": "exports.handler = async () => 'v2';" }) }),
    );
    assert.notEqual(updated.CodeSha256, created.CodeSha256);
    assert.notEqual(updated.RevisionId, created.RevisionId);
    const out = await lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(json(out.Payload), "v2");
  });

  test("a failing function answers 200 with FunctionError Unhandled and the error payload; LogType Tail returns the log", async () => {
    const name = uniqueName("fail");
    await createNode(name);
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: event({ fail: "now" }), LogType: "Tail" }));
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, "Unhandled");
    const error = json(out.Payload) as { errorType: string; errorMessage: string; trace: string[] };
    assert.equal(error.errorType, "Error");
    assert.equal(error.errorMessage, "boom: now");
    assert.ok(Array.isArray(error.trace));
    const tail = Buffer.from(out.LogResult ?? "", "base64").toString("utf8");
    assert.match(tail, /START RequestId: [0-9a-f-]+ Version: \$LATEST/);
    assert.match(tail, /got event \{"fail":"now"\}/);
    assert.match(tail, /REPORT RequestId: /);
  });

  test("the invocation's log is written to CloudWatch Logs group /aws/lambda/<name>", async () => {
    const name = uniqueName("logs");
    await createNode(name);
    await lambda.send(new InvokeCommand({ FunctionName: name, Payload: event({ marker: "log-me" }) }));
    const streams = await nimbus.dispatcher.invoke<{ logStreams: Array<{ logStreamName: string }> }>("logs", "DescribeLogStreams", { logGroupName: `/aws/lambda/${name}` }, SCOPE);
    assert.equal(streams.logStreams.length, 1);
    const stream = streams.logStreams[0]?.logStreamName ?? "";
    assert.match(stream, /^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]+$/);
    const events = await nimbus.dispatcher.invoke<{ events: Array<{ message: string }> }>(
      "logs",
      "GetLogEvents",
      { logGroupName: `/aws/lambda/${name}`, logStreamName: stream, startFromHead: true },
      SCOPE,
    );
    const text = events.events.map((e) => e.message).join("");
    assert.match(text, /got event \{"marker":"log-me"\}/);
    assert.match(text, /END RequestId: /);
  });

  test("a Python function runs", async () => {
    const name = uniqueName("py");
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "python3.12",
        Role: ROLE,
        Handler: "app.handler",
        Code: { ZipFile: await makeZip({ "app.py": "import os\ndef handler(event, context):\n    return {'sum': event['a'] + event['b'], 'name': context.function_name, 'env': os.environ.get('MODE')}\n" }) },
        Environment: { Variables: { MODE: "py" } },
      }),
    );
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: event({ a: 2, b: 3 }) }));
    assert.equal(out.FunctionError, undefined);
    assert.deepEqual(json(out.Payload), { sum: 5, name, env: "py" });
  });

  test("a custom runtime (provided.al2023): the package's shell bootstrap speaks the Runtime API with curl", async () => {
    const name = uniqueName("custom");
    const bootstrap = `#!/bin/sh
set -eu
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -LD "$HEADERS" "$API/invocation/next")
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  curl -sS -X POST "$API/invocation/$ID/response" -d "{\\"handler\\":\\"$_HANDLER\\",\\"event\\":$EVENT}" > /dev/null
done
`;
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "provided.al2023",
        Role: ROLE,
        Handler: "function.handler",
        Code: { ZipFile: await makeZip({ bootstrap: { data: bootstrap, mode: 0o100755 } }) },
      }),
    );
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: event({ shell: true }) }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    assert.deepEqual(json(out.Payload), { handler: "function.handler", event: { shell: true } });
  });

  test("AWS_ENDPOINT_URL sends the function's SDK calls to Nimbus (STS GetCallerIdentity)", async () => {
    const name = uniqueName("sdk");
    await createNode(
      name,
      { Timeout: 30 },
      `const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
       exports.handler = async () => {
         const sts = new STSClient({});
         const id = await sts.send(new GetCallerIdentityCommand({}));
         return { account: id.Account, arn: id.Arn, endpoint: process.env.AWS_ENDPOINT_URL };
       };`,
    );
    const out = await lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    const body = json(out.Payload) as { account: string; arn: string; endpoint: string };
    assert.equal(body.account, "000000000000");
    // The function runs as a session of its execution role named after it, as on Lambda.
    assert.equal(body.arn, `arn:aws:sts::000000000000:assumed-role/lambda-role/${name}`);
    assert.equal(body.endpoint, nimbus.url);
  });

  test("a Python function's boto3 reaches Nimbus through AWS_ENDPOINT_URL", async () => {
    const name = uniqueName("boto");
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "python3.12",
        Role: ROLE,
        Handler: "app.handler",
        Timeout: 30,
        Code: { ZipFile: await makeZip({ "app.py": "import boto3\ndef handler(event, context):\n    return boto3.client('sts').get_caller_identity()['Account']\n" }) },
      }),
    );
    const out = await lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.equal(out.FunctionError, undefined, Buffer.from(out.Payload ?? []).toString());
    assert.equal(json(out.Payload), "000000000000");
  });

  test("InvokeWithResponseStream: the response as a payload chunk, then InvokeComplete with the error and log tail", async () => {
    const name = uniqueName("stream");
    await createNode(name);
    const ok = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: name, Payload: event({ s: 1 }) }));
    assert.equal(ok.StatusCode, 200);
    assert.equal(ok.ExecutedVersion, "$LATEST");
    const chunks: Buffer[] = [];
    let complete: Record<string, unknown> | undefined;
    for await (const e of ok.EventStream ?? []) {
      if (e.PayloadChunk?.Payload) chunks.push(Buffer.from(e.PayloadChunk.Payload));
      if (e.InvokeComplete) complete = { ...e.InvokeComplete };
    }
    assert.deepEqual((JSON.parse(Buffer.concat(chunks).toString()) as { echo: unknown }).echo, { s: 1 });
    assert.deepEqual(complete, {});

    const failed = await lambda.send(new InvokeWithResponseStreamCommand({ FunctionName: name, Payload: event({ fail: "streamed" }), LogType: "Tail" }));
    let end: { ErrorCode?: string; ErrorDetails?: string; LogResult?: string } | undefined;
    for await (const e of failed.EventStream ?? []) if (e.InvokeComplete) end = e.InvokeComplete;
    assert.equal(end?.ErrorCode, "Error");
    assert.equal(end?.ErrorDetails, "boom: streamed");
    assert.match(Buffer.from(end?.LogResult ?? "", "base64").toString(), /REPORT RequestId/);
  });

  test("InvocationType Event answers 202 and runs through the scheduler; errors are retried twice, 1 then 2 minutes later", async () => {
    const name = uniqueName("async");
    const out = join(scratch, `${name}.log`);
    await createNode(
      name,
      { Environment: { Variables: { OUT: out } } },
      `const fs = require("fs");
       exports.handler = async (event) => {
         fs.appendFileSync(process.env.OUT, event.tag + "\\n");
         if (event.fail) throw new Error("async failure");
         return "ok";
       };`,
    );
    const ok = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: event({ tag: "first" }) }));
    assert.equal(ok.StatusCode, 202);
    assert.equal(Buffer.from(ok.Payload ?? []).length, 0);
    await nimbus.scheduler.runDue();
    assert.equal(await readFile(out, "utf8"), "first\n");

    await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: event({ tag: "bad", fail: true }) }));
    await nimbus.scheduler.runDue();
    assert.equal(await readFile(out, "utf8"), "first\nbad\n");
    await nimbus.scheduler.advance(59_000);
    assert.equal(await readFile(out, "utf8"), "first\nbad\n", "no retry before a minute");
    await nimbus.scheduler.advance(1_000);
    assert.equal(await readFile(out, "utf8"), "first\nbad\nbad\n");
    await nimbus.scheduler.advance(120_000);
    assert.equal(await readFile(out, "utf8"), "first\nbad\nbad\nbad\n");
    await nimbus.scheduler.advance(600_000);
    assert.equal(await readFile(out, "utf8"), "first\nbad\nbad\nbad\n", "two retries only");
  });

  test("a function that runs past its Timeout is stopped when the clock passes it: Task timed out", async () => {
    const name = uniqueName("slow");
    const started = join(scratch, `${name}.started`);
    await createNode(
      name,
      { Timeout: 1, Environment: { Variables: { STARTED: started } } },
      // A pending timer keeps the function busy; a bare never-settled promise would let Node exit,
      // which the runtime reports as Runtime.NodeJsExit, as AWS's does.
      `exports.handler = async () => { require("fs").writeFileSync(process.env.STARTED, "1"); await new Promise((r) => setTimeout(r, 60_000)); };`,
    );
    const pending = lambda.send(new InvokeCommand({ FunctionName: name, LogType: "Tail" }));
    // The handler is running once it wrote the file; only then is its deadline on the scheduler.
    assert.ok(await waitUntil(() => existsSync(started)));
    await nimbus.scheduler.advance(1000);
    const out = await pending;
    assert.equal(out.FunctionError, "Unhandled");
    const body = json(out.Payload) as { errorMessage: string };
    assert.match(body.errorMessage, /Task timed out after 1\.00 seconds/);
    assert.match(Buffer.from(out.LogResult ?? "", "base64").toString(), /Task timed out after 1\.00 seconds/);
  });

  test("DryRun answers 204 without running; a payload over 6 MB is refused; invalid JSON is refused", async () => {
    const name = uniqueName("dry");
    await createNode(name);
    const dry = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "DryRun" }));
    assert.equal(dry.StatusCode, 204);
    await rejectsWith(
      lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify({ a: "x".repeat(6_300_000) })) })),
      "RequestEntityTooLargeException",
      "Request must be smaller than 6291456 bytes for the Invoke operation",
      413,
    );
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from("{not json") })), (err: Error) => {
      assert.equal(err.name, "InvalidRequestContentException");
      assert.match(err.message, /^Could not parse request body into json: /);
      return true;
    });
  });

  test("DeleteFunction removes it", async () => {
    const name = uniqueName("del");
    await createNode(name);
    await lambda.send(new InvokeCommand({ FunctionName: name }));
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    await assert.rejects(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })), {
      name: "ResourceNotFoundException",
      message: `Function not found: ${ARN_PREFIX}${name}`,
    });
  });
});
