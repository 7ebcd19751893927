/**
 * Bad input never crashes Nimbus: each case gets the AWS-style error of the protocol the
 * client spoke (code, status, message), and the server keeps serving afterwards.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { request, type IncomingHttpHeaders, type RequestOptions } from "node:http";
import { gzipSync } from "node:zlib";
import { APIGatewayClient, GetRestApisCommand } from "@aws-sdk/client-api-gateway";
import { CloudFormationClient, ListStacksCommand } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { EC2Client, DescribeVpcsCommand } from "@aws-sdk/client-ec2";
import { KinesisClient, ListStreamsCommand } from "@aws-sdk/client-kinesis";
import { CloudFrontClient, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, GetBucketIntelligentTieringConfigurationCommand, GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ListStateMachinesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { ServiceDefinition } from "../../src/core/service.js";
import { s3Dialect } from "../../src/services/s3/dialect.js";
import { errors as s3Errors } from "../../src/services/s3/errors.js";
import { signedHeaders, startTestNimbus, type TestNimbus, failure, uniqueName } from "./harness.js";



// A DynamoDB stand-in that answers, so parsing errors can be told from NotImplemented.
const dynamo: ServiceDefinition = { handlers: { DescribeTable: () => ({}) } };
// S3's stand-in speaks S3's dialect (its request ids, addressing, errors), as S3 does.
const s3: ServiceDefinition = { handlers: { PutBucketTagging: () => ({}) }, dialect: s3Dialect };

describe("errors in every protocol", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus({ services: { dynamodb: dynamo, s3 }, maxBodyBytes: 64 * 1024 });
  });
  after(() => nimbus.close());

  async function stillServing(): Promise<void> {
    const sts = new STSClient(nimbus.clientConfig());
    const id = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Account, "000000000000");
    sts.destroy();
  }

  test("an unimplemented operation answers 501 NotImplemented in its service's protocol", async () => {
    const config = nimbus.clientConfig();
    // Operations of services or features no issue has reached yet.
    const cases: [string, () => Promise<unknown>, string][] = [
      ["json 1.0 + query-compatible", () => new CloudWatchClient(config).send(new DescribeAlarmsCommand({})), "The operation DescribeAlarms of service CloudWatch is not yet implemented by Nimbus."],
      ["json 1.0", () => new SFNClient(config).send(new ListStateMachinesCommand({})), "The operation ListStateMachines of service SFN is not yet implemented by Nimbus."],
      ["json 1.1", () => new KinesisClient(config).send(new ListStreamsCommand({})), "The operation ListStreams of service Kinesis is not yet implemented by Nimbus."],
      ["query", () => new CloudFormationClient(config).send(new ListStacksCommand({})), "The operation ListStacks of service CloudFormation is not yet implemented by Nimbus."],
      ["ec2", () => new EC2Client(config).send(new DescribeVpcsCommand({})), "The operation DescribeVpcs of service EC2 is not yet implemented by Nimbus."],
      ["rest-json", () => new APIGatewayClient({ ...config, maxAttempts: 1 }).send(new GetRestApisCommand({})), "The operation GetRestApis of service API Gateway is not yet implemented by Nimbus."],
      ["rest-xml", () => new CloudFrontClient({ ...config, maxAttempts: 1 }).send(new ListDistributionsCommand({})), "The operation ListDistributions of service CloudFront is not yet implemented by Nimbus."],
      ["rest-xml (S3 error shape)", () => new S3Client({ ...config, forcePathStyle: true, maxAttempts: 1 }).send(new GetBucketIntelligentTieringConfigurationCommand({ Bucket: "b", Id: "i" })), "The operation GetBucketIntelligentTieringConfiguration of service S3 is not yet implemented by Nimbus."],
    ];
    for (const [protocol, call, message] of cases) {
      const err = await failure(call());
      assert.equal(err.name, "NotImplemented", protocol);
      assert.equal(err.message, message, protocol);
      assert.equal(err.$metadata.httpStatusCode, 501, protocol);
    }
    await stillServing();
  });

  test("query-compatible JSON errors carry x-amzn-query-error", async () => {
    const res = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "GraniteServiceVersion20100801.DescribeAlarms", "x-amzn-query-mode": "true", ...signedHeaders("monitoring") },
      body: "{}",
    });
    assert.equal(res.status, 501);
    assert.equal(res.headers.get("x-amzn-query-error"), "NotImplemented;Receiver");
    assert.deepEqual(await res.json(), { __type: "com.amazonaws.monitoring#NotImplemented", message: "The operation DescribeAlarms of service CloudWatch is not yet implemented by Nimbus." });
  });

  test("malformed JSON, wrong JSON types and garbage bytes: 400 SerializationException", async () => {
    for (const body of ["{not json", '{"TableName": 5}', "\u0000\u00ff\u00fe garbage \u0001", "[1,2,3]"]) {
      const res = await fetch(nimbus.url, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.DescribeTable", ...signedHeaders("dynamodb") },
        body,
      });
      assert.equal(res.status, 400, body);
      const json = (await res.json()) as { __type: string; message: string };
      assert.equal(json.__type, "com.amazonaws.dynamodb#SerializationException", body);
      assert.equal(res.headers.get("x-amzn-errortype"), "SerializationException");
    }
    await stillServing();
  });

  test("a JSON body that is a bare null is answered as an empty document is, not with a crash", async () => {
    const send = (path: string, headers: Record<string, string>, body: string) => fetch(`${nimbus.url}${path}`, { method: "POST", headers, body });
    const json = (target: string, service: string): Record<string, string> => ({ "content-type": "application/x-amz-json-1.0", "x-amz-target": target, ...signedHeaders(service) });
    const cases: [string, Record<string, string>][] = [
      ["/", json("DynamoDB_20120810.GetItem", "dynamodb")],
      ["/", json("AmazonSQS.SendMessage", "sqs")],
      ["/2015-03-31/functions", { "content-type": "application/json", ...signedHeaders("lambda") }],
    ];
    for (const [path, headers] of cases) {
      const empty = await send(path, headers, "{}");
      const bare = await send(path, headers, "null");
      assert.equal(bare.status, 400, path);
      assert.equal(bare.status, empty.status, path);
      assert.deepEqual(await bare.json(), await empty.json(), path);
    }
    await stillServing();
  });

  test("an unknown operation or service is refused clearly", async () => {
    const op = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.DropEverything", ...signedHeaders("dynamodb") },
      body: "{}",
    });
    assert.equal(op.status, 400);
    assert.equal(((await op.json()) as { __type: string }).__type, "com.amazonaws.dynamodb#UnknownOperationException");

    // DynamoDB's previous API version (2011-12-05), which the Ruby SDK v1's AWS::DynamoDB sends:
    // a provider that does not answer it (this stand-in has no previousVersion) says so in DynamoDB's protocol.
    const version = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20111205.ListTables", ...signedHeaders("dynamodb") },
      body: "{}",
    });
    assert.equal(version.status, 501);
    assert.deepEqual(await version.json(), {
      __type: "com.amazonaws.dynamodb#NotImplemented",
      message: "The operation DynamoDB_20111205.ListTables of service DynamoDB is not yet implemented by Nimbus.",
    });

    const action = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sts") },
      body: "Action=StealCredentials&Version=2011-06-15",
    });
    assert.equal(action.status, 400);
    assert.match(await action.text(), /<Code>InvalidAction<\/Code><Message>The action StealCredentials is not valid for this web service.<\/Message>/);

    const service = await fetch(nimbus.url, { method: "POST", headers: { ...signedHeaders("nosuchservice") }, body: "x" });
    assert.equal(service.status, 400);
    assert.match(await service.text(), /<Code>UnknownService<\/Code>/);

    const route = await fetch(`${nimbus.url}/2015-03-31/nowhere`, { headers: { ...signedHeaders("lambda") } });
    assert.equal(route.status, 404);
    assert.equal(route.headers.get("x-amzn-errortype"), "UnknownOperationException");

    const missing = await fetch(nimbus.url, { method: "POST", headers: { "content-type": "application/json", ...signedHeaders("sts") }, body: '{"Action":"GetCallerIdentity"}' });
    assert.equal(missing.status, 400);
    assert.match(await missing.text(), /<Code>MissingAction<\/Code>/);
    await stillServing();
  });

  test("malformed XML in a rest-xml body: 400 MalformedXML", async () => {
    const res = await fetch(`${nimbus.url}/some-bucket?tagging`, { method: "PUT", headers: signedHeaders("s3"), body: "<Tagging><TagSet><Tag>" });
    assert.equal(res.status, 400);
    const text = await res.text();
    const error = /<Error><Code>MalformedXML<\/Code><Message>The XML you provided was not well-formed or did not validate against our published schema<\/Message><RequestId>([0-9A-F]{16})<\/RequestId><HostId>/.exec(text);
    // S3's request ids are 16 upper-case hex digits (its error sample's <RequestId>4442587FB7D0A2F9</RequestId>), the body's the header's.
    assert.equal(res.headers.get("x-amz-request-id"), error?.[1], text);
  });

  test("a body over the configured limit: 413, and the connection stays usable", async () => {
    const res = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.DescribeTable", ...signedHeaders("dynamodb") },
      body: JSON.stringify({ TableName: "x".repeat(100 * 1024) }),
    });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { __type: string }).__type, "com.amazonaws.dynamodb#RequestEntityTooLarge");
    await stillServing();
  });

  test("a non-numeric query parameter for an integer member: 400 in query form", async () => {
    const res = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...signedHeaders("sts") },
      body: "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=soon",
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>ValidationError<\/Code><Message>Invalid value 'soon' for a integer parameter.<\/Message>/);
  });

  test("health endpoints answer for Nimbus and LocalStack tooling", async () => {
    for (const path of ["/_nimbus/health", "/_localstack/health"]) {
      const res = await fetch(`${nimbus.url}${path}`);
      assert.equal(res.status, 200);
      const health = (await res.json()) as { version: string; uptime: number; services: Record<string, string> };
      assert.match(health.version, /^\d+\.\d+\.\d+/);
      assert.equal(typeof health.uptime, "number");
      assert.equal(health.services["sts"], "running");
      assert.equal(health.services["dynamodb"], "running");
      assert.equal(health.services["cognito-idp"], "not implemented");
    }
  });
});

describe("malformed signatures", () => {
  test("an Authorization header without a date is refused as AWS refuses it", async () => {
    const nimbus = await startTestNimbus();
    const res = await fetch(nimbus.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: "Action=GetCallerIdentity&Version=2011-06-15",
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>IncompleteSignature<\/Code><Message>Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256<\/Message>/);
    await nimbus.close();
  });

  test("refused before routing, a DynamoDB request is still answered in DynamoDB's form (com.amazon.coral.service#)", async () => {
    const nimbus = await startTestNimbus();
    after(() => nimbus.close());
    const res = await fetch(nimbus.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDB_20120810.ListTables",
        authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: "{}",
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("x-amzn-errortype"), "IncompleteSignatureException");
    assert.deepEqual(await res.json(), {
      __type: "com.amazon.coral.service#IncompleteSignatureException",
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
    });
  });

  test("refused before routing, a query request is answered by the service its Action names, in its namespace and with its request id header", async () => {
    // STS answers <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">...IncompleteSignature (hashicorp/vault#4939).
    const nimbus = await startTestNimbus();
    after(() => nimbus.close());
    const refused = async (service: string, body: string) =>
      fetch(nimbus.url, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body,
      });
    for (const [service, body, namespace] of [
      ["sts", "Action=GetCallerIdentity&Version=2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/"],
      ["sns", "Action=ListTopics&Version=2010-03-31", "http://sns.amazonaws.com/doc/2010-03-31/"],
      ["sqs", "Action=ListQueues&Version=2012-11-05", "http://queue.amazonaws.com/doc/2012-11-05/"],
    ] as const) {
      const res = await refused(service, body);
      assert.equal(res.status, 400);
      const text = await res.text();
      assert.match(text, new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>IncompleteSignature</Code><Message>Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256</Message>`), text);
      const id = /<RequestId>([^<]+)<\/RequestId>/.exec(text)?.[1];
      assert.equal(res.headers.get("x-amzn-requestid"), id);
      assert.equal(res.headers.get("x-amz-request-id"), null, "S3's request id header is S3's alone");
    }
  });
});

describe("compressed request bodies", () => {
  test("a DynamoDB body sent with Content-Encoding: gzip is read, signed as sent; gzip that does not decode is 500 and retried", async () => {
    const nimbus = await startTestNimbus({ startTime: Date.now(), auth: { enforceSignatures: true, enforcePolicies: false, rootSecretAccessKey: "test" } });
    const config = { ...nimbus.clientConfig({ secretAccessKey: "test" }), maxAttempts: 2 };
    const plain = new DynamoDBClient(config);
    // As the SDKs' request compression does it: the body gzipped before it is signed.
    const encoded = (compress: (body: Buffer) => Buffer, encoding = "gzip"): DynamoDBClient => {
      const client = new DynamoDBClient(config);
      client.middlewareStack.add(
        (next) => async (args) => {
          const request = args.request as { body: string; headers: Record<string, string> };
          const body = compress(Buffer.from(request.body));
          request.body = body as unknown as string;
          request.headers["content-encoding"] = encoding;
          request.headers["content-length"] = String(body.length);
          return next(args);
        },
        { step: "build" },
      );
      return client;
    };
    const gzipped = encoded((body) => gzipSync(body));
    const broken = encoded((body) => body);
    // An encoding DynamoDB does not read is 500 as well, and nothing is written (ScyllaDB
    // Alternator's test_compressed_request.py::test_garbage_content_encoding, which passes on AWS).
    const garbage = encoded((body) => body, "garbage");
    const identity = encoded((body) => body, "identity");
    try {
      const table = uniqueName("gzip");
      await gzipped.send(new CreateTableCommand({ TableName: table, KeySchema: [{ AttributeName: "k", KeyType: "HASH" }], AttributeDefinitions: [{ AttributeName: "k", AttributeType: "S" }], BillingMode: "PAY_PER_REQUEST" }));
      await gzipped.send(new PutItemCommand({ TableName: table, Item: { k: { S: "a" }, v: { S: "x".repeat(20_000) } } }));
      const got = await plain.send(new GetItemCommand({ TableName: table, Key: { k: { S: "a" } } }));
      assert.equal(got.Item?.["v"]?.S?.length, 20_000);
      const err = await failure(broken.send(new PutItemCommand({ TableName: table, Item: { k: { S: "b" } } })));
      // DynamoDB's own 500 (the note beside Alternator's test_garbage_content_encoding; aws/aws-sdk-js#3891).
      assert.deepEqual([err.name, err.message, err.$metadata.httpStatusCode], ["InternalServerError", "Internal server error", 500]);
      assert.equal((err.$metadata as { attempts?: number }).attempts, 2);
      assert.equal((await plain.send(new GetItemCommand({ TableName: table, Key: { k: { S: "b" } } }))).Item, undefined);
      const unknown = await failure(garbage.send(new PutItemCommand({ TableName: table, Item: { k: { S: "c" } } })));
      assert.equal(unknown.$metadata.httpStatusCode, 500);
      assert.equal((await plain.send(new GetItemCommand({ TableName: table, Key: { k: { S: "c" } } }))).Item, undefined);
      // identity names no encoding: the body is read as sent.
      await identity.send(new PutItemCommand({ TableName: table, Item: { k: { S: "d" } } }));
      assert.ok((await plain.send(new GetItemCommand({ TableName: table, Key: { k: { S: "d" } } }))).Item);
    } finally {
      for (const client of [plain, gzipped, broken, garbage, identity]) client.destroy();
      await nimbus.close();
    }
  });
});

describe("the request log", () => {
  test("an error answer's line names its AWS code beside the status; a success's has none", async () => {
    const lines: Record<string, unknown>[] = [];
    const record = (fields: Record<string, unknown>): void => void lines.push(fields);
    const nimbus = await startTestNimbus({ logger: { debug: () => undefined, info: record, warn: record, error: record } });
    const s3 = new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true });
    try {
      const bucket = uniqueName("logged");
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: "missing" })));
      const line = (operation: string) => lines.find((l) => l["operation"] === operation);
      assert.equal(line("CreateBucket")?.["status"], 200);
      assert.equal(line("CreateBucket")?.["errorCode"], undefined);
      assert.equal(line("GetObject")?.["status"], 404);
      assert.equal(line("GetObject")?.["errorCode"], "NoSuchKey");
    } finally {
      s3.destroy();
      await nimbus.close();
    }
  });
});

describe("the request log, when the machine fails Nimbus", () => {
  test("a write the full disk refuses is logged with what it means for the user, not a stack", async () => {
    const lines: Record<string, unknown>[] = [];
    const record = (fields: Record<string, unknown>): void => void lines.push(fields);
    const nimbus = await startTestNimbus({ logger: { debug: () => undefined, info: record, warn: record, error: record } });
    const dynamodb = new DynamoDBClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
    try {
      const table = uniqueName("full");
      await dynamodb.send(
        new CreateTableCommand({ TableName: table, AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }),
      );
      const pages = Number(nimbus.state.db.pragma("page_count", { simple: true }));
      nimbus.state.db.pragma(`max_page_count = ${pages}`);
      try {
        const refused = await failure(dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "k" }, v: { S: "x".repeat(100_000) } } })));
        assert.equal(refused.name, "InternalServerError");
      } finally {
        nimbus.state.db.pragma("max_page_count = 4294967294");
      }
      const line = lines.find((l) => l["operation"] === "PutItem");
      assert.equal(line?.["status"], 500);
      assert.equal(line?.["error"], "database or disk is full");
      assert.match(String(line?.["hostFault"]), /^the disk of Nimbus's data dir is full: /);
    } finally {
      dynamodb.destroy();
      await nimbus.close();
    }
  });
});

describe("an answer node refuses to write", () => {
  /** One raw HTTP/1.1 exchange: the status line's parts, the headers and the body as they came. */
  function exchange(url: string, options: RequestOptions, body?: string): Promise<{ status: number; reason: string; headers: IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(url, options, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, reason: res.statusMessage ?? "", headers: res.headers, body: text }));
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  test("is the service's own 500 in its protocol, under the same request id, and the server keeps serving", async () => {
    const lines: Record<string, unknown>[] = [];
    const record = (fields: Record<string, unknown>): void => void lines.push(fields);
    // Stand-ins whose answers carry what no header can: a line break in a value.
    const dynamodb: ServiceDefinition = {
      handlers: { DescribeTable: () => ({}) },
      finishResponse: (response) => void (response.headers["x-amz-stand-in"] = "a\r\nInjected: 1"),
    };
    // S3's stand-in answers its failures as S3 does (s3/index.ts internalError).
    const s3: ServiceDefinition = { handlers: { PutObject: () => ({ ETag: '"a\nb"' }) }, dialect: s3Dialect, internalError: () => s3Errors.InternalError() };
    const nimbus = await startTestNimbus({ services: { dynamodb, s3 }, logger: { debug: () => undefined, info: record, warn: record, error: record } });
    try {
      const json = await exchange(nimbus.url, {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.DescribeTable", ...signedHeaders("dynamodb") },
      }, "{}");
      // Before: "HTTP/1.1 500 OK", an empty body, and the headers set before the refused one.
      assert.equal(json.status, 500);
      assert.equal(json.reason, "Internal Server Error");
      assert.equal(json.headers["injected"], undefined);
      assert.equal(json.headers["x-amz-stand-in"], undefined);
      // The stand-in has no internalError of its own: the common InternalFailure.
      assert.match(json.body, /^\{"__type":"com\.amazonaws\.dynamodb#InternalFailure","message":"The request processing has failed/);
      const requestId = json.headers["x-amzn-requestid"];
      assert.ok(typeof requestId === "string" && requestId.length > 0);

      const xml = await exchange(`${nimbus.url}/bucket/key`, { method: "PUT", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD", ...signedHeaders("s3") } }, "x");
      assert.equal(xml.status, 500);
      assert.equal(xml.reason, "Internal Server Error");
      assert.equal(xml.headers["etag"], undefined);
      assert.match(xml.body, /<Code>InternalError<\/Code><Message>We encountered an internal error\. Please try again\.<\/Message>/);
      assert.match(xml.body, new RegExp(`<RequestId>${String(xml.headers["x-amz-request-id"])}</RequestId>`));

      // Logged as the failures they are, with the error node raised.
      const failed = lines.filter((line) => line["status"] === 500);
      assert.deepEqual(failed.map((line) => [line["operation"], line["errorCode"]]), [["DescribeTable", "InternalFailure"], ["PutObject", "InternalError"]]);
      assert.ok(failed.every((line) => String(line["error"]).includes("Invalid character in header content")), JSON.stringify(failed));
      assert.equal(failed[0]?.["requestId"], requestId);

      // The connection and the server are fine.
      const id = new STSClient(nimbus.clientConfig());
      assert.equal((await id.send(new GetCallerIdentityCommand({}))).Account, "000000000000");
      id.destroy();
    } finally {
      await nimbus.close();
    }
  });
});
