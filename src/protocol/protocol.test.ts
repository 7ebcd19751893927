import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { readFileSync } from "node:fs";
import { loadModel, type QueryTraits } from "./model.js";
import { parseQueryInput, serializeQueryOutput } from "./query.js";
import { readBoundMembers, RestRouter } from "./rest.js";
import { materializeRaw, RawJson, readJson, stringifyJson, writeJson } from "./json.js";
import { escapeXml, parseXmlDocument, readElement, readScalar, rootElement, writeElement } from "./xml.js";
import { hostService, virtualHostBucket } from "./routing.js";
import { hostId, s3RequestId } from "./codec.js";
import { formatTimestamp, parseTimestamp } from "./timestamps.js";

/** The generated query names of SQS (codegen output, read from the source tree). */
function sqsQueryTraits(): QueryTraits {
  return JSON.parse(readFileSync(new URL("../../../src/generated/sqs.query-traits.json", import.meta.url), "utf8")) as QueryTraits;
}

describe("rest routing from the models' requestUri templates", () => {
  const s3 = new RestRouter(loadModel("s3-2006-03-01"));
  const route = (method: string, path: string, query = "", headers: Record<string, string> = {}) =>
    s3.match(method, path, new URLSearchParams(query), headers)?.op.name;

  test("S3 operations sharing a path are told apart by query literals, required query members and headers", () => {
    assert.equal(route("GET", "/"), "ListBuckets");
    assert.equal(route("PUT", "/b"), "CreateBucket");
    assert.equal(route("GET", "/b"), "ListObjects");
    assert.equal(route("GET", "/b/"), "ListObjects");
    assert.equal(route("GET", "/b", "list-type=2"), "ListObjectsV2");
    assert.equal(route("GET", "/b", "versions"), "ListObjectVersions");
    assert.equal(route("PUT", "/b", "tagging"), "PutBucketTagging");
    assert.equal(route("PUT", "/b/k"), "PutObject");
    assert.equal(route("PUT", "/b/k", "", { "x-amz-copy-source": "/a/b" }), "CopyObject");
    assert.equal(route("PUT", "/b/k", "partNumber=1&uploadId=u"), "UploadPart");
    assert.equal(route("PUT", "/b/k", "partNumber=1&uploadId=u", { "x-amz-copy-source": "/a/b" }), "UploadPartCopy");
    assert.equal(route("POST", "/b/k", "uploads"), "CreateMultipartUpload");
    assert.equal(route("POST", "/b/k", "uploadId=u"), "CompleteMultipartUpload");
    assert.equal(route("DELETE", "/b/k", "uploadId=u"), "AbortMultipartUpload");
    assert.equal(route("POST", "/b", "delete"), "DeleteObjects");
    assert.equal(route("HEAD", "/b/k"), "HeadObject");
    // Deprecated operations share their successors' requests; the successor wins.
    assert.equal(route("PUT", "/b", "lifecycle"), "PutBucketLifecycleConfiguration");
    assert.equal(route("GET", "/b", "notification"), "GetBucketNotificationConfiguration");
    assert.equal(route("PUT", "/b", "notification"), "PutBucketNotificationConfiguration");
  });

  test("greedy labels keep slashes and decode percent-escapes", () => {
    const m = s3.match("GET", "/bucket/a/b%20c/%C3%BC%2Bd", new URLSearchParams(), {});
    assert.equal(m?.op.name, "GetObject");
    assert.deepEqual(m?.labels, { Bucket: "bucket", Key: "a/b c/ü+d" });
  });

  test("Lambda paths with labels and a qualifier in the query", () => {
    const lambda = new RestRouter(loadModel("lambda-2015-03-31"));
    const m = lambda.match("POST", "/2015-03-31/functions/my-fn/invocations", new URLSearchParams("Qualifier=1"), {});
    assert.equal(m?.op.name, "Invoke");
    assert.deepEqual(m?.labels, { FunctionName: "my-fn" });
    assert.equal(lambda.match("GET", "/2015-03-31/functions/", new URLSearchParams(), {})?.op.name, "ListFunctions");
    assert.equal(lambda.match("GET", "/2015-03-31/functions/f/configuration", new URLSearchParams(), {})?.op.name, "GetFunctionConfiguration");
  });

  test("a map bound to the query string takes __proto__ and the names Object.prototype lends as its own keys", () => {
    const apigateway = loadModel("apigateway-2015-07-09");
    const path = "/restapis/a/stages/s/exports/oas30";
    const query = new URLSearchParams("__proto__=p&constructor=c");
    const match = new RestRouter(apigateway).match("GET", path, query, {});
    assert.equal(match?.op.name, "GetExport");
    const input: Record<string, unknown> = {};
    readBoundMembers(apigateway, match.op, match, { method: "GET", rawPath: path, query, headers: {}, host: "localhost" }, input);
    const parameters = input["parameters"] as Record<string, string>;
    assert.deepEqual(Object.entries(parameters), [["__proto__", "p"], ["constructor", "c"]]);
    assert.equal(Object.getPrototypeOf(parameters), Object.prototype);
  });
});

describe("host names", () => {
  test("virtual-hosted S3 buckets", () => {
    assert.equal(virtualHostBucket("photos.s3.localhost.localstack.cloud:4566", "localhost"), "photos");
    assert.equal(virtualHostBucket("my.dotted.bucket.s3.amazonaws.com", "localhost"), "my.dotted.bucket");
    assert.equal(virtualHostBucket("photos.localhost:4566", "localhost"), "photos");
    assert.equal(virtualHostBucket("photos.nimbus.internal:4566", "nimbus.internal"), "photos");
    assert.equal(virtualHostBucket("localhost:4566", "localhost"), undefined);
    assert.equal(virtualHostBucket("127.0.0.1:4566", "localhost"), undefined);
    assert.equal(virtualHostBucket("s3.localhost.localstack.cloud:4566", "localhost"), undefined);
    assert.equal(virtualHostBucket("sqs.us-east-1.localhost:4566", "localhost"), undefined);
  });

  test("service and region named by the host", () => {
    assert.deepEqual(hostService("sqs.eu-west-2.localhost.localstack.cloud:4566"), { prefix: "sqs", region: "eu-west-2" });
    assert.equal(hostService("127.0.0.1:4566"), undefined);
  });
});

describe("S3 request ids", () => {
  test("16 upper-case hexadecimal digits, as S3's own (4442587FB7D0A2F9), each one new; x-amz-id-2 is base64", () => {
    const ids = Array.from({ length: 2000 }, () => s3RequestId());
    for (const id of ids) assert.match(id, /^[0-9A-F]{16}$/);
    assert.equal(new Set(ids).size, ids.length);
    const first = ids[0] ?? "";
    assert.match(hostId(first), /^[A-Za-z0-9+/]+=*$/);
    assert.notEqual(hostId(first), hostId(ids[1] ?? ""));
  });
});

describe("query protocol", () => {
  test("wrapped lists, flattened lists and maps as the SDKs serialize them", () => {
    const sns = loadModel("sns-2010-03-31");
    const publish = sns.operation("Publish");
    assert.ok(publish);
    const input = parseQueryInput(
      sns,
      "query",
      publish,
      new URLSearchParams(
        "Action=Publish&TopicArn=arn&Message=hi&MessageAttributes.entry.1.Name=color&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=blue" +
          "&MessageAttributes.entry.2.Name=bin&MessageAttributes.entry.2.Value.DataType=Binary&MessageAttributes.entry.2.Value.BinaryValue=AAEC",
      ),
    );
    assert.deepEqual(input, {
      TopicArn: "arn",
      Message: "hi",
      MessageAttributes: {
        color: { DataType: "String", StringValue: "blue" },
        bin: { DataType: "Binary", BinaryValue: Buffer.from([0, 1, 2]) },
      },
    });
    const sqs = loadModel("sqs-2012-11-05", sqsQueryTraits());
    const receive = sqs.queryOperation("ReceiveMessage");
    assert.ok(receive);
    assert.deepEqual(
      parseQueryInput(sqs, "query", receive, new URLSearchParams("QueueUrl=u&AttributeName.1=All&MessageAttributeName.1=a&MessageAttributeName.2=b&MaxNumberOfMessages=10")),
      // AttributeNames and its successor MessageSystemAttributeNames share the query name AttributeName.
      { QueueUrl: "u", AttributeNames: ["All"], MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["a", "b"], MaxNumberOfMessages: 10 },
    );
    const tag = sqs.queryOperation("TagQueue");
    assert.ok(tag);
    assert.deepEqual(parseQueryInput(sqs, "query", tag, new URLSearchParams("QueueUrl=u&Tag.1.Key=env&Tag.1.Value=prod")), { QueueUrl: "u", Tags: { env: "prod" } });
  });

  test("a map's keys are its own members, __proto__ and the names Object.prototype lends included", () => {
    // An assignment to out["__proto__"] had set the map's prototype: TagQueue found no Tags at all.
    const sqs = loadModel("sqs-2012-11-05", sqsQueryTraits());
    const tag = sqs.queryOperation("TagQueue");
    assert.ok(tag);
    const input = parseQueryInput(sqs, "query", tag, new URLSearchParams("QueueUrl=u&Tag.1.Key=__proto__&Tag.1.Value=p&Tag.2.Key=constructor&Tag.2.Value=c"));
    const tags = input["Tags"] as Record<string, string>;
    assert.deepEqual(Object.entries(tags), [["__proto__", "p"], ["constructor", "c"]]);
    assert.equal(Object.getPrototypeOf(tags), Object.prototype);
  });

  test("an empty list is sent as a bare name", () => {
    const cfn = loadModel("cloudformation-2010-05-15");
    const op = cfn.operation("CreateStack");
    assert.ok(op);
    assert.deepEqual(parseQueryInput(cfn, "query", op, new URLSearchParams("StackName=s&NotificationARNs=")), { StackName: "s", NotificationARNs: [] });
  });

  test("responses carry the result wrapper, flattened members and the request id", () => {
    const sqs = loadModel("sqs-2012-11-05", sqsQueryTraits());
    const op = sqs.queryOperation("ListQueues");
    assert.ok(op);
    const xml = serializeQueryOutput(sqs, "query", op, { QueueUrls: ["http://q/1", "http://q/2"] }, "rid", "http://queue.amazonaws.com/doc/2012-11-05/");
    assert.equal(
      xml,
      '<?xml version="1.0" encoding="UTF-8"?><ListQueuesResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ListQueuesResult><QueueUrl>http://q/1</QueueUrl><QueueUrl>http://q/2</QueueUrl></ListQueuesResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ListQueuesResponse>',
    );
  });

  test("an output without members still answers its empty result wrapper; no output, no wrapper", () => {
    // botocore and aws-sdk-go-v2 fail an SNS TagResource whose <TagResourceResult/> is missing.
    const sns = loadModel("sns-2010-03-31");
    const tag = sns.operation("TagResource");
    const setAttributes = sns.operation("SetTopicAttributes");
    assert.ok(tag && setAttributes);
    const ns = "http://sns.amazonaws.com/doc/2010-03-31/";
    assert.equal(
      serializeQueryOutput(sns, "query", tag, {}, "rid", ns),
      `<?xml version="1.0" encoding="UTF-8"?><TagResourceResponse xmlns="${ns}"><TagResourceResult/><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></TagResourceResponse>`,
    );
    assert.equal(
      serializeQueryOutput(sns, "query", setAttributes, {}, "rid", ns),
      `<?xml version="1.0" encoding="UTF-8"?><SetTopicAttributesResponse xmlns="${ns}"><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></SetTopicAttributesResponse>`,
    );
  });
});

describe("XML text", () => {
  test("characters XML 1.0 cannot hold are written as hexadecimal references, as S3 lists such keys", () => {
    // aws/aws-sdk-php#169 (a key ending in ESC listed as "LA&#x1b;"), pfig/net-amazon-s3#67 (backspace, "&#x8;").
    assert.equal(escapeXml("LA\u001b"), "LA&#x1b;");
    assert.equal(escapeXml("a\bz\u000b\u000c\u001f"), "a&#x8;z&#xb;&#xc;&#x1f;");
    // Tab and line feed are XML; carriage return is kept from being normalised away.
    assert.equal(escapeXml("a\tb\nc\rd&<>"), "a\tb\nc&#13;d&amp;&lt;&gt;");
  });
});

describe("timestamps", () => {
  test("each protocol's formats parse and print", () => {
    const t = Date.UTC(2025, 5, 1, 10, 20, 30, 500);
    assert.equal(parseTimestamp("2025-06-01T10:20:30.500Z")?.getTime(), t);
    assert.equal(parseTimestamp(1748773230.5)?.getTime(), t);
    assert.equal(parseTimestamp("1748773230.5")?.getTime(), t);
    assert.equal(parseTimestamp("Sun, 01 Jun 2025 10:20:30 GMT")?.getTime(), t - 500);
    assert.equal(parseTimestamp("not a date"), undefined);
    assert.equal(formatTimestamp(new Date(t), "iso8601"), "2025-06-01T10:20:30.500Z");
    assert.equal(formatTimestamp(new Date(t), "unixTimestamp"), 1748773230.5);
    assert.equal(formatTimestamp(new Date(t), "rfc822"), "Sun, 01 Jun 2025 10:20:30 GMT");
  });
});

test("boolean scalars in headers and query strings are read in any case (botocore sends `True`)", () => {
  const shape = { type: "boolean" } as const;
  for (const [text, value] of [["true", true], ["True", true], ["TRUE", true], ["false", false], ["False", false], [" true ", true]] as const) {
    assert.equal(readScalar(shape, text), value, text);
  }
  assert.throws(() => readScalar(shape, "yes"));
  assert.throws(() => readScalar(shape, ""));
});

describe("JSON protocol values", () => {
  const ddb = loadModel("dynamodb-2012-08-10");
  const lambda = loadModel("lambda-2015-03-31");
  const getItem = ddb.operation("GetItem");
  /** The shape of GetItem's Item (the minified models name shapes "Sr" and the like). */
  const itemShape = () => {
    assert.ok(getItem?.output);
    const shape = ddb.member(ddb.resolve(getItem.output), "Item");
    assert.ok(shape);
    return shape;
  };

  test("one-key structures (AttributeValue unions) read and write like the member walk: unknown keys dropped, binaries converted", () => {
    const value = { n: { N: "1" }, b: { B: "AQID" }, m: { M: { inner: { SS: ["a"] } } }, junk: { Z: "x" } };
    const read = readJson(ddb, itemShape(), value) as Record<string, Record<string, unknown>>;
    assert.deepEqual(read.n, { N: "1" });
    assert.deepEqual([...(read.b?.B as Buffer)], [1, 2, 3]);
    assert.deepEqual(read.m, { M: { inner: { SS: ["a"] } } });
    assert.deepEqual(read.junk, {}, "a key the union does not have");
    assert.deepEqual(writeJson(ddb, itemShape(), read), { n: { N: "1" }, b: { B: "AQID" }, m: { M: { inner: { SS: ["a"] } } }, junk: {} });
  });

  test("a one-key output whose member is bound to a header is left out of the body", () => {
    const invoke = lambda.operation("Invoke");
    assert.ok(invoke?.output);
    const output = lambda.resolve(invoke.output);
    assert.deepEqual(writeJson(lambda, output, { ExecutedVersion: "$LATEST" }), {});
  });
});

describe("RawJson: values kept in their wire form", () => {
  const ddb = loadModel("dynamodb-2012-08-10");
  const query = ddb.operation("Query");

  test("stringifyJson splices the stored text where it stands; strings that look like markers stay strings", () => {
    const item = '{"pk":{"S":"a"},"b":{"B":"AQID"}}';
    const text = stringifyJson({ Items: [new RawJson(item), new RawJson('{"n":{"N":"1"}}')], Count: 2, note: "\u0000x:0", other: "\\u0000" });
    assert.equal(text, `{"Items":[${item},{"n":{"N":"1"}}],"Count":2,"note":"\\u0000x:0","other":"\\\\u0000"}`);
    assert.deepEqual(JSON.parse(text).Items[0], JSON.parse(item));
    // Outside stringifyJson (a log line, a test's JSON.stringify) a RawJson is its parsed value.
    assert.equal(JSON.stringify({ a: new RawJson('{"x":1}') }), '{"a":{"x":1}}');
  });

  test("writeJson passes a RawJson through; materializeRaw reads it back through its shape, leaving everything else as it was", () => {
    assert.ok(query?.output);
    const output = ddb.resolve(query.output);
    const raw = new RawJson('{"pk":{"S":"a"},"b":{"B":"AQID"}}');
    const written = writeJson(ddb, output, { Items: [raw], Count: 1 }) as { Items: unknown[] };
    assert.equal(written.Items[0], raw);
    const plain = { Items: [{ pk: { S: "b" } }], Count: 1 };
    assert.equal(materializeRaw(ddb, output, plain), plain, "nothing raw: the same object");
    const read = materializeRaw(ddb, output, { Items: [raw, { pk: { S: "b" } }], Count: 2 }) as { Items: Array<Record<string, { S?: string; B?: Buffer }>> };
    assert.equal(read.Items[0]?.pk?.S, "a");
    assert.ok(Buffer.isBuffer(read.Items[0]?.b?.B));
    assert.deepEqual([...(read.Items[0]?.b?.B ?? [])], [1, 2, 3]);
    assert.deepEqual(read.Items[1], { pk: { S: "b" } });
  });
});

describe("members the frozen v2 models lack, from the v3 clients' schemas (codegen's v3-members)", () => {
  const s3 = loadModel("s3-2006-03-01");
  const shapeOf = (operation: string, side: "input" | "output") => {
    const op = s3.operation(operation);
    const ref = side === "input" ? op?.input : op?.output;
    assert.ok(ref);
    return ref;
  };

  test("header members keep their placement and type", () => {
    const put = shapeOf("PutObject", "input");
    assert.deepEqual(put.members?.ChecksumCRC64NVME, { type: "string", location: "header", locationName: "x-amz-checksum-crc64nvme" });
    assert.deepEqual(put.members?.IfMatch, { type: "string", location: "header", locationName: "If-Match" });
    assert.equal(shapeOf("CompleteMultipartUpload", "input").members?.MpuObjectSize?.type, "long");
  });

  test("members inside lists are added to the list's member structure, which every user of the shape shares", () => {
    const parts = s3.member(shapeOf("ListParts", "output"), "Parts");
    assert.ok(parts?.member);
    assert.ok(s3.resolve(parts.member).members?.ChecksumCRC64NVME);
    const listed = s3.member(shapeOf("ListObjectsV2", "output"), "Contents");
    assert.ok(listed?.member);
    assert.ok(s3.resolve(listed.member).members?.ChecksumType);
  });

  test("what the v2 model already has is left as it was", () => {
    // The v2 model's own member (no type of its own: a string), not the v3 schema's.
    assert.deepEqual(shapeOf("PutObject", "input").members?.ChecksumCRC32, { location: "header", locationName: "x-amz-checksum-crc32" });
  });
});

describe("nested members the frozen v2 models lack, written inline with their wire traits (codegen's v3-members)", () => {
  /** The structure a path of member names reaches from an operation's input or output. */
  const reach = (model: ReturnType<typeof loadModel>, operation: string, side: "input" | "output", path: readonly string[]) => {
    const op = model.operation(operation);
    let shape = side === "input" ? op?.input : op?.output;
    for (const step of path) {
      assert.ok(shape, `${operation}.${side}: no ${step}`);
      shape = step === "[]" ? model.resolve(shape.member ?? {}) : model.member(shape, step);
    }
    assert.ok(shape, `${operation}.${side}.${path.join(".")}`);
    return shape;
  };
  const readXml = (model: ReturnType<typeof loadModel>, shape: ReturnType<typeof reach>, xml: string) => {
    const [, content] = rootElement(parseXmlDocument(xml)) ?? [];
    return readElement(model, shape, content);
  };

  test("rest-json: Lambda reads and writes an event source mapping's MetricsConfig, on Create's input and every answer sharing its output shape", () => {
    const lambda = loadModel("lambda-2015-03-31");
    const input = reach(lambda, "CreateEventSourceMapping", "input", []);
    const read = readJson(lambda, input, { FunctionName: "f", MetricsConfig: { Metrics: ["EventCount"] }, ProvisionedPollerConfig: { MinimumPollers: 2 } });
    assert.deepEqual(read, { FunctionName: "f", MetricsConfig: { Metrics: ["EventCount"] }, ProvisionedPollerConfig: { MinimumPollers: 2 } });
    const output = reach(lambda, "ListEventSourceMappings", "output", ["EventSourceMappings", "[]"]);
    assert.deepEqual(writeJson(lambda, output, { UUID: "u", MetricsConfig: { Metrics: ["EventCount"] } }), { UUID: "u", MetricsConfig: { Metrics: ["EventCount"] } });
    assert.deepEqual(reach(lambda, "GetFunctionConfiguration", "output", ["TenancyConfig"]).required, ["TenantIsolationMode"]);
  });

  test("rest-xml: a flattened list inside a new structure is read and written under the member's own element name", () => {
    const s3 = loadModel("s3-2006-03-01");
    const filter = reach(s3, "PutBucketReplication", "input", ["ReplicationConfiguration", "Rules", "[]", "Filter"]);
    const xml = "<Filter><Not><Or><Prefix>logs/</Prefix><Prefix>tmp/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Or></Not></Filter>";
    const read = readXml(s3, filter, xml);
    assert.deepEqual(read, { Not: { Or: { Prefixes: ["logs/", "tmp/"], Tags: [{ Key: "k", Value: "v" }] } } });
    const out: string[] = [];
    writeElement(s3, filter, read, "Filter", out, { timestampFormat: "iso8601" });
    assert.equal(out.join(""), xml);
  });

  test("rest-xml: a map's keys are its own members, __proto__ included", () => {
    const s3 = loadModel("s3-2006-03-01");
    const map = { type: "map", key: { type: "string" }, value: { type: "string" } } as Parameters<typeof readElement>[1];
    const read = readXml(s3, map, "<M><entry><key>__proto__</key><value>p</value></entry><entry><key>constructor</key><value>c</value></entry></M>") as Record<string, string>;
    assert.deepEqual(Object.entries(read), [["__proto__", "p"], ["constructor", "c"]]);
    assert.equal(Object.getPrototypeOf(read), Object.prototype);
  });

  test("rest-xml: a wrapped list keeps its items' element name (CreateBucket's Tags of <Tag>), and a hand patch is no longer needed", () => {
    const s3 = loadModel("s3-2006-03-01");
    const configuration = reach(s3, "CreateBucket", "input", ["CreateBucketConfiguration"]);
    const read = readXml(s3, configuration, "<CreateBucketConfiguration><Tags><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>b</Key><Value>2</Value></Tag></Tags></CreateBucketConfiguration>");
    assert.deepEqual(read, { Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] });
    const rule = reach(s3, "PutBucketEncryption", "input", ["ServerSideEncryptionConfiguration", "Rules", "[]"]);
    assert.deepEqual(readXml(s3, rule, "<Rule><BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType></BlockedEncryptionTypes></Rule>"), {
      BlockedEncryptionTypes: { EncryptionType: ["SSE-C"] },
    });
  });

  test("query: new nested input members are read from their dotted keys, new output members written as XML", () => {
    const cfn = loadModel("cloudformation-2010-05-15");
    const createStack = cfn.operation("CreateStack");
    assert.ok(createStack);
    assert.deepEqual(parseQueryInput(cfn, "query", createStack, new URLSearchParams("StackName=s&DeploymentConfig.Mode=REVERT_DRIFT&DeploymentConfig.DisableRollback=true")), {
      StackName: "s",
      DeploymentConfig: { Mode: "REVERT_DRIFT", DisableRollback: true },
    });
    const sts = loadModel("sts-2011-06-15");
    const assume = sts.operation("AssumeRoleWithWebIdentity");
    assert.ok(assume);
    const xml = serializeQueryOutput(sts, "query", assume, { TrustedIdentityPropagationContext: { TransactionContext: { IdentityProvider: { idp: "x" } } } }, "rid", "https://sts.amazonaws.com/doc/2011-06-15/");
    assert.match(xml, /<TrustedIdentityPropagationContext><TransactionContext><IdentityProvider><entry><key>idp<\/key><value>x<\/value><\/entry><\/IdentityProvider><\/TransactionContext><\/TrustedIdentityPropagationContext>/);
  });
});

describe("whole operations the frozen v2 models lack, from the v3 clients' schemas (codegen's v3-operations)", () => {
  const ddb = loadModel("dynamodb-2012-08-10");

  test("DynamoDB's bulk operations exist, with their nested structures, lists and required members", () => {
    const start = ddb.operation("StartBulkPutItems");
    assert.ok(start?.input);
    const input = ddb.resolve(start.input);
    assert.deepEqual(input.required, ["InputS3Configuration", "OutputS3Configuration", "TableName"]);
    const output = ddb.member(input, "OutputS3Configuration");
    assert.ok(output);
    const outputType = ddb.member(ddb.resolve(output), "OutputType");
    assert.equal(outputType?.type, "list");
    assert.equal(ddb.member(input, "MaxWriteRequestUnits")?.type, "long");
    const described = ddb.operation("DescribeBulkOperation");
    assert.ok(described?.output);
    const description = ddb.member(ddb.resolve(described.output), "BulkOperationDescription");
    assert.ok(description);
    assert.equal(ddb.member(ddb.resolve(description), "StartTime")?.type, "timestamp");
    for (const name of ["ListBulkOperations", "CancelBulkOperation"]) assert.ok(ddb.operation(name), name);
  });

  test("operations the v2 model has are not replaced", () => {
    assert.ok(ddb.operation("PutItem")?.input);
    assert.equal(ddb.resolve(ddb.operation("PutItem")?.input ?? {}).required?.includes("Item"), true);
  });
});
