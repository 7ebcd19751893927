/**
 * Lambda with the AWS CLI v2 and boto3 (rest-json, blob payloads, waiters, function URLs, event
 * source mappings). Functions really run (Node.js processes speaking the Runtime API).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { makeZip } from "../../src/services/lambda/runtime/test-helpers.js";
import { startTestNimbus, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { aws, boto3 } from "./tools.js";

const ROLE = "arn:aws:iam::000000000000:role/lambda-role";
const ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000:function:";

// One handler for every shape the tests send: a direct event, a function URL request (payload
// 2.0, `rawPath`), an SQS batch (`Records`). OUT, when set, records what the function saw, so a
// test can tell that an asynchronous invocation or a poll really ran it.
const CODE = `
const fs = require("fs");
exports.handler = async (event, context) => {
  console.log("event", JSON.stringify(event));
  if (event.fail) throw new Error("boom: " + event.fail);
  if (event.Records) {
    for (const r of event.Records) fs.appendFileSync(process.env.OUT, r.eventSource + " " + r.body + "\\n");
    return {};
  }
  if (event.rawPath !== undefined) {
    return { statusCode: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ method: event.requestContext.http.method, path: event.rawPath, query: event.queryStringParameters }) };
  }
  if (process.env.OUT) fs.appendFileSync(process.env.OUT, JSON.stringify(event) + "\\n");
  return { echo: event, version: context.functionVersion };
};`;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- CLI output of many shapes, read field by field

describe("Lambda with the AWS CLI v2 and boto3", () => {
  let nimbus: TestNimbus;
  let scratch: string;
  let zipPath: string;
  let zip: Buffer;

  before(async () => {
    nimbus = await startTestNimbus();
    scratch = await mkdtemp(join(tmpdir(), "nimbus-compat-lambda-"));
    zip = await makeZip({ "index.js": CODE });
    zipPath = join(scratch, "function.zip");
    await writeFile(zipPath, zip);
  });
  after(async () => {
    await nimbus.close();
    await rm(scratch, { recursive: true, force: true });
  });

  async function cli(...args: string[]): Promise<Json> {
    const r = await aws(nimbus.url, ["lambda", ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim() ? (JSON.parse(r.stdout) as Json) : {};
  }

  test("create-function --zip-file fileb://, wait function-active-v2, invoke: RequestResponse, Event and a function error", async () => {
    const name = uniqueName("cli");
    const seen = join(scratch, `${name}.log`);
    const created = await cli(
      "create-function", "--function-name", name, "--runtime", "nodejs20.x", "--role", ROLE, "--handler", "index.handler",
      "--zip-file", `fileb://${zipPath}`, "--environment", `Variables={OUT=${seen}}`,
    );
    assert.equal(created["FunctionArn"], `${ARN_PREFIX}${name}`);
    assert.equal(created["CodeSize"], zip.length);
    assert.equal(created["State"], "Active");
    assert.deepEqual(created["Environment"], { Variables: { OUT: seen } });
    assert.deepEqual(await cli("wait", "function-active-v2", "--function-name", name), {});

    // CLI v2 reads blob parameters as base64 by default; `--cli-binary-format raw-in-base64-out`
    // makes it send the raw JSON text, as the study guide's (CLI v1-era) examples assume.
    const response = join(scratch, `${name}-response.json`);
    const sync = await cli("invoke", "--function-name", name, "--cli-binary-format", "raw-in-base64-out", "--payload", '{ "key": "value" }', response);
    assert.deepEqual(sync, { StatusCode: 200, ExecutedVersion: "$LATEST" });
    assert.deepEqual(JSON.parse(await readFile(response, "utf8")), { echo: { key: "value" }, version: "$LATEST" });

    // An asynchronous invocation answers the status code alone, and the outfile is still created, empty.
    const queued = join(scratch, `${name}-event.json`);
    const event = await aws(nimbus.url, [
      "lambda", "invoke", "--function-name", name, "--invocation-type", "Event",
      "--cli-binary-format", "raw-in-base64-out", "--payload", '{ "key": "async" }', queued,
    ]);
    assert.equal(event.code, 0, event.stderr);
    assert.equal(event.stdout, '{\n    "StatusCode": 202\n}\n');
    assert.equal(await readFile(queued, "utf8"), "");
    await nimbus.scheduler.runDue();
    assert.equal(await readFile(seen, "utf8"), '{"key":"value"}\n{"key":"async"}\n', "the queued event ran");

    // A function error is still a 200 (the CLI exits 0); the payload is the error document.
    const failedOut = join(scratch, `${name}-error.json`);
    const failed = await cli("invoke", "--function-name", name, "--cli-binary-format", "raw-in-base64-out", "--payload", '{ "fail": "now" }', failedOut);
    assert.deepEqual(failed, { StatusCode: 200, FunctionError: "Unhandled", ExecutedVersion: "$LATEST" });
    const error = JSON.parse(await readFile(failedOut, "utf8")) as { errorType: string; errorMessage: string; trace: string[] };
    assert.equal(error.errorType, "Error");
    assert.equal(error.errorMessage, "boom: now");
    assert.equal(error.trace[0], "Error: boom: now");
  });

  test("publish-version, create-alias, invoke --qualifier, list-functions, get-function's Code.Location, delete-function", async () => {
    const name = uniqueName("cli-ver");
    // create-function with the CLI is the test above; the SDK is quicker than another CLI start.
    const lambda = new LambdaClient(nimbus.clientConfig());
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip } }));
    lambda.destroy();
    const published = await cli("publish-version", "--function-name", name, "--description", "first");
    assert.equal(published["Version"], "1");
    assert.equal(published["FunctionArn"], `${ARN_PREFIX}${name}:1`);
    assert.equal(published["Description"], "first");
    const alias = await cli("create-alias", "--function-name", name, "--name", "live", "--function-version", "1");
    assert.equal(alias["AliasArn"], `${ARN_PREFIX}${name}:live`);
    assert.equal(alias["FunctionVersion"], "1");

    const out = join(scratch, `${name}-alias.json`);
    const viaAlias = await cli("invoke", "--function-name", name, "--qualifier", "live", "--cli-binary-format", "raw-in-base64-out", "--payload", '{"via":"alias"}', out);
    assert.deepEqual(viaAlias, { StatusCode: 200, ExecutedVersion: "1" }, "ExecutedVersion names the version the alias points to");
    assert.deepEqual(JSON.parse(await readFile(out, "utf8")), { echo: { via: "alias" }, version: "1" });

    // Listing every version names $LATEST by its qualified ARN (a plain list-functions does not).
    const listed = await cli("list-functions", "--function-version", "ALL");
    assert.deepEqual(
      (listed["Functions"] as Json[]).filter((f) => f["FunctionName"] === name).map((f) => [f["Version"], f["FunctionArn"]]),
      [["$LATEST", `${ARN_PREFIX}${name}:$LATEST`], ["1", `${ARN_PREFIX}${name}:1`]],
    );

    const got = await cli("get-function", "--function-name", name);
    assert.equal(got["Configuration"]["FunctionArn"], `${ARN_PREFIX}${name}`);
    assert.equal(got["Code"]["RepositoryType"], "S3");
    const download = await fetch(got["Code"]["Location"] as string);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), zip, "Code.Location serves the uploaded package");

    assert.deepEqual(await cli("delete-function", "--function-name", name), {});
    const missing = join(scratch, `${name}-missing.json`);
    const gone = await aws(nimbus.url, ["lambda", "invoke", "--function-name", name, missing]);
    assert.equal(gone.code, 254);
    assert.equal(gone.stdout, "");
    assert.equal(gone.stderr.trim(), `An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: ${ARN_PREFIX}${name}`);
    assert.equal(existsSync(missing), false, "no outfile for a failed call");
  });

  test("boto3: create_function, function_active_v2 waiter, invoke with LogType Tail, DryRun, a function URL, reserved concurrency, an SQS event source mapping", async () => {
    const name = uniqueName("boto");
    const queue = uniqueName("boto-esm");
    const seen = join(scratch, `${name}.log`);
    const r = await boto3(
      nimbus.url,
      `
import base64, http.client, urllib.parse
from botocore.config import Config
# No retries: a 429 is what the test wants to see, not something to wait out.
lam = boto3.client("lambda", endpoint_url=ENDPOINT, config=Config(retries={"total_max_attempts": 1}))
name = ${JSON.stringify(name)}
with open(${JSON.stringify(zipPath)}, "rb") as f:
    code = f.read()
created = lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role=${JSON.stringify(ROLE)}, Handler="index.handler",
    Code={"ZipFile": code}, Environment={"Variables": {"OUT": ${JSON.stringify(seen)}}})
print(json.dumps([created["ResponseMetadata"]["HTTPStatusCode"], created["FunctionArn"], created["State"]]))
lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
print(json.dumps([[v["Version"], v["FunctionArn"]] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]]))

out = lam.invoke(FunctionName=name, Payload=json.dumps({"key": "value"}), LogType="Tail")
print(json.dumps([out["StatusCode"], out["ExecutedVersion"], out.get("FunctionError"), json.loads(out["Payload"].read()), out["ResponseMetadata"]["RequestId"]]))
print(json.dumps(base64.b64decode(out["LogResult"]).decode("utf-8")))
dry = lam.invoke(FunctionName=name, InvocationType="DryRun")
print(json.dumps([dry["StatusCode"], "ExecutedVersion" in dry, dry["Payload"].read().decode()]))

url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")
print(json.dumps([url["ResponseMetadata"]["HTTPStatusCode"], url["FunctionUrl"], url["AuthType"], url["FunctionArn"]]))
# The URL's host is <id>.lambda-url.us-east-1.localhost.localstack.cloud, a public DNS name that
# resolves to 127.0.0.1; the test must not depend on DNS, so it connects to Nimbus's port itself
# and sends the URL's host in the Host header, exactly what urllib would send after resolving.
parts = urllib.parse.urlsplit(url["FunctionUrl"])
conn = http.client.HTTPConnection("127.0.0.1", ${nimbus.port}, timeout=30)
conn.request("GET", "/orders/7?expand=items", headers={"Host": parts.netloc})
res = conn.getresponse()
print(json.dumps([res.status, res.getheader("Content-Type"), json.loads(res.read())]))
conn.close()

print(json.dumps(lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)["ReservedConcurrentExecutions"]))
try:
    lam.invoke(FunctionName=name, Payload=b"{}")
    print(json.dumps("not throttled"))
except lam.exceptions.TooManyRequestsException as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["Reason"], e.response["ResponseMetadata"]["HTTPStatusCode"]]))
lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
print(json.dumps([lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"], lam.get_function(FunctionName=name)["Concurrency"]]))

sqs = boto3.client("sqs", endpoint_url=ENDPOINT)
queue_url = sqs.create_queue(QueueName=${JSON.stringify(queue)})["QueueUrl"]
queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
mapping = lam.create_event_source_mapping(FunctionName=name, EventSourceArn=queue_arn, BatchSize=10)
print(json.dumps([mapping["ResponseMetadata"]["HTTPStatusCode"], mapping["State"], mapping["BatchSize"], mapping["EventSourceArn"], mapping["FunctionArn"]]))
sqs.send_message(QueueUrl=queue_url, MessageBody="order placed")
print(json.dumps(queue_url))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const [create, versions, invoked, tail, dry, url, httpReply, zero, throttled, reserved, mapping, queueUrl, ...rest] = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(rest, []);
    assert.deepEqual(create, [201, `${ARN_PREFIX}${name}`, "Active"]);
    assert.deepEqual(versions, [["$LATEST", `${ARN_PREFIX}${name}:$LATEST`]], "version listings name $LATEST by its qualified ARN");

    const [status, executed, functionError, payload, requestId] = invoked as [number, string, null, unknown, string];
    assert.deepEqual([status, executed, functionError, payload], [200, "$LATEST", null, { echo: { key: "value" }, version: "$LATEST" }]);
    const lines = (tail as string).split("\n");
    assert.equal(lines[0], `START RequestId: ${requestId} Version: $LATEST`);
    assert.match(lines[1] ?? "", new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${requestId}\\tINFO\\tevent \\{"key":"value"\\}$`));
    assert.equal(lines[2], `END RequestId: ${requestId}`);
    assert.match(lines[3] ?? "", new RegExp(`^REPORT RequestId: ${requestId}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB`));
    assert.deepEqual(dry, [204, false, ""], "DryRun answers 204 and nothing else");

    const [urlStatus, functionUrl, authType, urlArn] = url as [number, string, string, string];
    assert.equal(urlStatus, 201);
    assert.match(functionUrl, new RegExp(`^http://[a-z0-9]{32}\\.lambda-url\\.us-east-1\\.localhost\\.localstack\\.cloud:${nimbus.port}/$`));
    assert.deepEqual([authType, urlArn], ["NONE", `${ARN_PREFIX}${name}`]);
    assert.deepEqual(httpReply, [200, "application/json", { method: "GET", path: "/orders/7", query: { expand: "items" } }]);

    assert.equal(zero, 0);
    assert.deepEqual(throttled, ["TooManyRequestsException", "Rate Exceeded.", "ReservedFunctionConcurrentInvocationLimitExceeded", 429]);
    assert.deepEqual(reserved, [5, { ReservedConcurrentExecutions: 5 }]);

    const queueArn = `arn:aws:sqs:us-east-1:000000000000:${queue}`;
    assert.deepEqual(mapping, [202, "Creating", 10, queueArn, `${ARN_PREFIX}${name}`]);
    // The mapping polls on Nimbus's scheduler (a manual clock here): advance it a poll interval
    // at a time, with a bound, until the function has seen the message.
    const consumed = async () => (existsSync(seen) ? (await readFile(seen, "utf8")).includes("aws:sqs order placed\n") : false);
    for (let i = 0; i < 10 && !(await consumed()); i++) await nimbus.scheduler.advance(1000);
    assert.equal(await readFile(seen, "utf8"), '{"key":"value"}\naws:sqs order placed\n');
    const sqs = new SQSClient(nimbus.clientConfig());
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl as string, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
    sqs.destroy();
    assert.deepEqual(attrs.Attributes, { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" }, "the batch was deleted after the function succeeded");
  });
});
