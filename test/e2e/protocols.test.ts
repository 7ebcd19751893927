/**
 * The protocol layer, proven with the current v3 clients: for one service of each wire
 * protocol, a complex input (nested structures, lists, maps, timestamps, blobs, headers,
 * query strings, URI labels, streaming bodies) must reach the handler intact, and a complex
 * output must reach the client intact. The handlers here are test doubles registered in place
 * of the real providers, so this file tests the protocol layer alone.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { EC2Client, RunInstancesCommand } from "@aws-sdk/client-ec2";
import { DescribeStreamCommand, KinesisClient, PutRecordsCommand } from "@aws-sdk/client-kinesis";
import { CreateFunctionCommand, InvokeCommand, InvokeWithResponseStreamCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { GetObjectCommand, ListObjectsV2Command, PutBucketTaggingCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { ServiceDefinition } from "../../src/core/service.js";
import { s3Dialect } from "../../src/services/s3/dialect.js";
import { startTestNimbus, type TestNimbus } from "./harness.js";

/** Handlers that record their input and answer a fixed output. */
function recorder(outputs: Record<string, (input: Record<string, unknown>) => unknown>): { service: ServiceDefinition; inputs: Record<string, Record<string, unknown>> } {
  const inputs: Record<string, Record<string, unknown>> = {};
  const handlers: Record<string, (input: Record<string, unknown>) => unknown> = {};
  for (const [op, make] of Object.entries(outputs)) {
    handlers[op] = async (input) => {
      inputs[op] = input;
      return make(input);
    };
  }
  return { service: { handlers } as ServiceDefinition, inputs };
}

async function readAll(stream: unknown): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const created = new Date("2025-06-01T10:20:30.000Z");

const cfn = recorder({
  CreateStack: () => ({ StackId: "arn:aws:cloudformation:us-east-1:000000000000:stack/s1/abc" }),
  DescribeStacks: () => ({
    Stacks: [
      {
        StackName: "s1",
        StackId: "id-1",
        CreationTime: created,
        StackStatus: "CREATE_COMPLETE",
        Parameters: [{ ParameterKey: "Env", ParameterValue: "prod & <test>" }],
        Outputs: [{ OutputKey: "Url", OutputValue: "https://x", Description: "d" }],
        Tags: [{ Key: "team", Value: "core" }],
        Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        EnableTerminationProtection: true,
      },
    ],
    NextToken: "t2",
  }),
});

const ec2 = recorder({
  RunInstances: () => ({
    ReservationId: "r-1",
    OwnerId: "000000000000",
    Instances: [
      {
        InstanceId: "i-0123",
        InstanceType: "t3.micro",
        LaunchTime: created,
        State: { Code: 16, Name: "running" },
        Tags: [{ Key: "Name", Value: "web" }],
        SecurityGroups: [{ GroupId: "sg-1", GroupName: "default" }],
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeId: "vol-1", DeleteOnTermination: true, AttachTime: created, Status: "attached" } }],
      },
    ],
  }),
});

const dynamo = recorder({
  PutItem: () => ({ ConsumedCapacity: { TableName: "t", CapacityUnits: 1.5 } }),
  GetItem: () => ({
    Item: {
      pk: { S: "user#1" },
      n: { N: "12.50" },
      b: { B: Buffer.from([0, 1, 2, 255]) },
      ss: { SS: ["a", "b"] },
      bs: { BS: [Buffer.from("x"), Buffer.from("y")] },
      m: { M: { inner: { L: [{ BOOL: true }, { NULL: true }, { N: "-1e10" }] } } },
    },
  }),
});

const kinesis = recorder({
  PutRecords: (input) => ({
    FailedRecordCount: 0,
    Records: (input["Records"] as unknown[]).map((_, i) => ({ SequenceNumber: `4962${i}`, ShardId: "shardId-000000000000" })),
    EncryptionType: "NONE",
  }),
  DescribeStream: () => ({
    StreamDescription: {
      StreamName: "s",
      StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/s",
      StreamStatus: "ACTIVE",
      Shards: [{ ShardId: "shardId-000000000000", HashKeyRange: { StartingHashKey: "0", EndingHashKey: "340282366920938463463374607431768211455" }, SequenceNumberRange: { StartingSequenceNumber: "1" } }],
      HasMoreShards: false,
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: created,
      EnhancedMonitoring: [{ ShardLevelMetrics: ["IncomingBytes"] }],
    },
  }),
});

const lambda = recorder({
  CreateFunction: (input) => ({
    FunctionName: input["FunctionName"],
    FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
    Runtime: "nodejs20.x",
    MemorySize: 256,
    LastModified: "2025-06-01T10:20:30.000+0000",
    Environment: { Variables: { A: "1", B: "two" } },
    State: "Active",
  }),
  Invoke: () => ({ StatusCode: 200, FunctionError: "Unhandled", LogResult: Buffer.from("log tail").toString("base64"), ExecutedVersion: "$LATEST", Payload: Buffer.from('{"ok":true}') }),
  InvokeWithResponseStream: () => ({
    StatusCode: 200,
    ExecutedVersion: "$LATEST",
    EventStream: (async function* () {
      yield { PayloadChunk: { Payload: Buffer.from("hello ") } };
      yield { PayloadChunk: { Payload: Buffer.from("world") } };
      yield { InvokeComplete: { LogResult: "dGFpbA==" } };
    })(),
  }),
});

const s3 = recorder({
  PutObject: async (input) => {
    const body = input["Body"];
    input["Body"] = body instanceof Readable ? await readAll(body) : body;
    return { ETag: '"abc"', VersionId: "v1", ChecksumCRC32: "AAAAAA==" };
  },
  PutBucketTagging: () => ({}),
  ListObjectsV2: () => ({
    IsTruncated: true,
    Name: "bucket-1",
    Prefix: "photos/",
    Delimiter: "/",
    MaxKeys: 2,
    KeyCount: 2,
    NextContinuationToken: "next",
    Contents: [
      { Key: "photos/a & b.jpg", LastModified: created, ETag: '"e1"', Size: 10, StorageClass: "STANDARD" },
      { Key: "photos/ünïcødé.jpg", LastModified: created, ETag: '"e2"', Size: 20, StorageClass: "STANDARD" },
    ],
    CommonPrefixes: [{ Prefix: "photos/2024/" }],
  }),
  GetObject: () => ({
    Body: Readable.from([Buffer.from("streamed "), Buffer.from("body")]),
    ContentType: "text/plain",
    ContentLength: 13,
    ETag: '"etag"',
    LastModified: created,
    Metadata: { color: "blue" },
  }),
});

const cloudwatch = recorder({
  PutMetricData: () => ({}),
  GetMetricData: () => ({
    MetricDataResults: [{ Id: "m1", Label: "Latency", Timestamps: [created, new Date(created.getTime() + 60_000)], Values: [1.5, 2.25], StatusCode: "Complete" }],
  }),
});

describe("protocol layer with the v3 clients", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus({
      services: {
        cloudformation: cfn.service,
        ec2: ec2.service,
        dynamodb: dynamo.service,
        kinesis: kinesis.service,
        lambda: lambda.service,
        s3: { ...s3.service, xmlRootNames: { ListObjectsV2: "ListBucketResult" }, dialect: s3Dialect },
        monitoring: cloudwatch.service,
      },
    });
  });
  after(() => nimbus.close());

  test("query (CloudFormation): nested lists of structures in, timestamps and escaping out", async () => {
    const client = new CloudFormationClient(nimbus.clientConfig());
    await client.send(
      new CreateStackCommand({
        StackName: "s1",
        TemplateBody: '{"Resources":{}}',
        Parameters: [
          { ParameterKey: "Env", ParameterValue: "prod" },
          { ParameterKey: "Size", ParameterValue: "3", UsePreviousValue: false },
        ],
        Capabilities: ["CAPABILITY_IAM"],
        Tags: [{ Key: "team", Value: "a=b&c" }],
        TimeoutInMinutes: 30,
        NotificationARNs: [],
      }),
    );
    assert.deepEqual(cfn.inputs["CreateStack"], {
      StackName: "s1",
      TemplateBody: '{"Resources":{}}',
      Parameters: [
        { ParameterKey: "Env", ParameterValue: "prod" },
        { ParameterKey: "Size", ParameterValue: "3", UsePreviousValue: false },
      ],
      Capabilities: ["CAPABILITY_IAM"],
      Tags: [{ Key: "team", Value: "a=b&c" }],
      TimeoutInMinutes: 30,
      NotificationARNs: [],
    });
    const out = await client.send(new DescribeStacksCommand({ StackName: "s1" }));
    const stack = out.Stacks?.[0];
    assert.equal(stack?.CreationTime?.getTime(), created.getTime());
    assert.equal(stack?.Parameters?.[0]?.ParameterValue, "prod & <test>");
    assert.deepEqual(stack?.Capabilities, ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]);
    assert.equal(stack?.EnableTerminationProtection, true);
    assert.deepEqual(stack?.Outputs, [{ OutputKey: "Url", OutputValue: "https://x", Description: "d" }]);
    assert.equal(out.NextToken, "t2");
    client.destroy();
  });

  test("ec2: queryName members in, item-wrapped lists and nested structures out", async () => {
    const client = new EC2Client(nimbus.clientConfig());
    const out = await client.send(
      new RunInstancesCommand({
        ImageId: "ami-1",
        MinCount: 1,
        MaxCount: 2,
        InstanceType: "t3.micro",
        SecurityGroupIds: ["sg-1", "sg-2"],
        TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] }],
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 20, DeleteOnTermination: true } }],
      }),
    );
    const { ClientToken, ...runInput } = ec2.inputs["RunInstances"] ?? {};
    assert.match(String(ClientToken), /^[0-9a-f-]{36}$/, "the SDK's idempotency token arrives");
    assert.deepEqual(runInput, {
      ImageId: "ami-1",
      MinCount: 1,
      MaxCount: 2,
      InstanceType: "t3.micro",
      SecurityGroupIds: ["sg-1", "sg-2"],
      TagSpecifications: [{ ResourceType: "instance", Tags: [{ Key: "Name", Value: "web" }] }],
      BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 20, DeleteOnTermination: true } }],
    });
    const instance = out.Instances?.[0];
    assert.equal(out.ReservationId, "r-1");
    assert.equal(instance?.LaunchTime?.getTime(), created.getTime());
    assert.deepEqual(instance?.State, { Code: 16, Name: "running" });
    assert.deepEqual(instance?.Tags, [{ Key: "Name", Value: "web" }]);
    assert.equal(instance?.BlockDeviceMappings?.[0]?.Ebs?.AttachTime?.getTime(), created.getTime());
    client.destroy();
  });

  test("json 1.0 (DynamoDB): every attribute type, blobs and sets, both ways", async () => {
    const client = new DynamoDBClient(nimbus.clientConfig());
    const item = {
      pk: { S: "user#1" },
      n: { N: "12.50" },
      b: { B: new Uint8Array([0, 1, 2, 255]) },
      ss: { SS: ["a", "b"] },
      m: { M: { inner: { L: [{ BOOL: true }, { NULL: true }] } } },
    };
    const put = await client.send(new PutItemCommand({ TableName: "t", Item: item, ReturnConsumedCapacity: "TOTAL", ExpressionAttributeNames: { "#p": "pk" }, ConditionExpression: "attribute_not_exists(#p)" }));
    assert.equal(put.ConsumedCapacity?.CapacityUnits, 1.5);
    const got = dynamo.inputs["PutItem"] as { Item: Record<string, { B?: Buffer }> };
    assert.deepEqual(got.Item["b"]?.B, Buffer.from([0, 1, 2, 255]));
    assert.deepEqual({ ...got, Item: { ...got.Item, b: undefined } }, {
      TableName: "t",
      Item: { ...item, b: undefined },
      ReturnConsumedCapacity: "TOTAL",
      ExpressionAttributeNames: { "#p": "pk" },
      ConditionExpression: "attribute_not_exists(#p)",
    });
    const out = await client.send(new GetItemCommand({ TableName: "t", Key: { pk: { S: "user#1" } } }));
    assert.deepEqual(Buffer.from(out.Item?.["b"]?.B ?? []), Buffer.from([0, 1, 2, 255]));
    assert.deepEqual(out.Item?.["bs"]?.BS?.map((b) => Buffer.from(b).toString()), ["x", "y"]);
    assert.equal(out.Item?.["n"]?.N, "12.50");
    assert.deepEqual(out.Item?.["m"], { M: { inner: { L: [{ BOOL: true }, { NULL: true }, { N: "-1e10" }] } } });
    client.destroy();
  });

  test("json 1.1 over HTTP/2 (Kinesis): blobs in a list of structures, timestamps out", async () => {
    const client = new KinesisClient(nimbus.clientConfig());
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: "s",
        Records: [
          { Data: new Uint8Array([1, 2, 3]), PartitionKey: "a" },
          { Data: Buffer.from("hello"), PartitionKey: "b", ExplicitHashKey: "42" },
        ],
      }),
    );
    const records = (kinesis.inputs["PutRecords"] as { Records: { Data: Buffer; PartitionKey: string }[] }).Records;
    assert.deepEqual(records[0]?.Data, Buffer.from([1, 2, 3]));
    assert.equal(records[1]?.Data.toString(), "hello");
    assert.equal(out.Records?.length, 2);
    assert.equal(out.Records?.[1]?.SequenceNumber, "49621");
    const described = await client.send(new DescribeStreamCommand({ StreamName: "s" }));
    assert.equal(described.StreamDescription?.StreamCreationTimestamp?.getTime(), created.getTime());
    assert.equal(described.StreamDescription?.Shards?.[0]?.HashKeyRange?.EndingHashKey, "340282366920938463463374607431768211455");
    client.destroy();
  });

  test("rest-json (Lambda): URI labels, headers, query string, blob payload, status code member", async () => {
    const client = new LambdaClient(nimbus.clientConfig());
    const zip = Buffer.from("PK\u0003\u0004 not really a zip");
    const created = await client.send(
      new CreateFunctionCommand({
        FunctionName: "f",
        Runtime: "nodejs20.x",
        Role: "arn:aws:iam::000000000000:role/r",
        Handler: "index.handler",
        Code: { ZipFile: zip },
        Environment: { Variables: { A: "1", B: "two" } },
        Tags: { team: "core" },
        VpcConfig: { SubnetIds: ["s-1"], SecurityGroupIds: ["sg-1"] },
        MemorySize: 256,
        Timeout: 30,
      }),
    );
    const input = lambda.inputs["CreateFunction"] as { Code: { ZipFile: Buffer }; Environment: unknown; Tags: unknown; MemorySize: number };
    assert.deepEqual(input.Code.ZipFile, zip);
    assert.deepEqual(input.Environment, { Variables: { A: "1", B: "two" } });
    assert.deepEqual(input.Tags, { team: "core" });
    assert.equal(input.MemorySize, 256);
    assert.deepEqual(created.Environment?.Variables, { A: "1", B: "two" });

    const out = await client.send(
      new InvokeCommand({
        FunctionName: "arn:aws:lambda:us-east-1:000000000000:function:f",
        Qualifier: "live",
        InvocationType: "RequestResponse",
        LogType: "Tail",
        ClientContext: Buffer.from('{"custom":{"a":1}}').toString("base64"),
        Payload: Buffer.from('{"hello":"world"}'),
      }),
    );
    const invokeInput = lambda.inputs["Invoke"] as Record<string, unknown>;
    assert.equal(invokeInput["FunctionName"], "arn:aws:lambda:us-east-1:000000000000:function:f");
    assert.equal(invokeInput["Qualifier"], "live");
    assert.equal(invokeInput["InvocationType"], "RequestResponse");
    assert.equal(invokeInput["LogType"], "Tail");
    assert.equal((invokeInput["Payload"] as Buffer).toString(), '{"hello":"world"}');
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, "Unhandled");
    assert.equal(out.ExecutedVersion, "$LATEST");
    assert.equal(Buffer.from(out.LogResult ?? "", "base64").toString(), "log tail");
    assert.equal(Buffer.from(out.Payload ?? []).toString(), '{"ok":true}');
    client.destroy();
  });

  test("rest-json event stream (Lambda InvokeWithResponseStream): frames decoded by the SDK", async () => {
    const client = new LambdaClient(nimbus.clientConfig());
    const out = await client.send(new InvokeWithResponseStreamCommand({ FunctionName: "f", Payload: Buffer.from("{}") }));
    assert.equal(out.StatusCode, 200);
    const chunks: string[] = [];
    let complete: unknown;
    for await (const event of out.EventStream ?? []) {
      if (event.PayloadChunk?.Payload) chunks.push(Buffer.from(event.PayloadChunk.Payload).toString());
      if (event.InvokeComplete) complete = event.InvokeComplete;
    }
    assert.equal(chunks.join(""), "hello world");
    assert.deepEqual(complete, { LogResult: "dGFpbA==" });
    client.destroy();
  });

  test("rest-xml (S3): streaming body, metadata headers, URI labels, XML payload, flattened lists out", async () => {
    const client = new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true });
    const put = await client.send(
      new PutObjectCommand({
        Bucket: "bucket-1",
        Key: "dir/a b+c/ünï?&=.txt",
        Body: "hello body",
        ContentType: "text/plain",
        Metadata: { color: "blue", "x-trace": "1" },
        ObjectLockRetainUntilDate: created,
        Tagging: "a=1&b=2",
        StorageClass: "STANDARD_IA",
      }),
    );
    assert.equal(put.ETag, '"abc"');
    assert.equal(put.VersionId, "v1");
    const input = s3.inputs["PutObject"] as Record<string, unknown>;
    assert.equal(input["Bucket"], "bucket-1");
    assert.equal(input["Key"], "dir/a b+c/ünï?&=.txt");
    assert.equal(input["ContentType"], "text/plain");
    assert.deepEqual(input["Metadata"], { color: "blue", "x-trace": "1" });
    assert.equal((input["ObjectLockRetainUntilDate"] as Date).getTime(), created.getTime());
    assert.equal(input["Tagging"], "a=1&b=2");
    assert.equal(input["StorageClass"], "STANDARD_IA");
    assert.ok(Buffer.isBuffer(input["Body"]));

    await client.send(new PutBucketTaggingCommand({ Bucket: "bucket-1", Tagging: { TagSet: [{ Key: "k1", Value: "v & 1" }, { Key: "k2", Value: "" }] } }));
    assert.deepEqual(s3.inputs["PutBucketTagging"]?.["Tagging"], { TagSet: [{ Key: "k1", Value: "v & 1" }, { Key: "k2", Value: "" }] });

    const list = await client.send(new ListObjectsV2Command({ Bucket: "bucket-1", Prefix: "photos/", Delimiter: "/", MaxKeys: 2, StartAfter: "photos/0" }));
    assert.deepEqual(
      { ...s3.inputs["ListObjectsV2"] },
      { Bucket: "bucket-1", Prefix: "photos/", Delimiter: "/", MaxKeys: 2, StartAfter: "photos/0" },
    );
    assert.equal(list.IsTruncated, true);
    assert.equal(list.Contents?.length, 2);
    assert.equal(list.Contents?.[0]?.Key, "photos/a & b.jpg");
    assert.equal(list.Contents?.[1]?.Key, "photos/ünïcødé.jpg");
    assert.equal(list.Contents?.[0]?.LastModified?.getTime(), created.getTime());
    assert.deepEqual(list.CommonPrefixes, [{ Prefix: "photos/2024/" }]);
    assert.equal(list.NextContinuationToken, "next");

    const got = await client.send(new GetObjectCommand({ Bucket: "bucket-1", Key: "k" }));
    assert.equal(await got.Body?.transformToString(), "streamed body");
    assert.equal(got.ContentType, "text/plain");
    assert.equal(got.LastModified?.getTime(), created.getTime());
    assert.deepEqual(got.Metadata, { color: "blue" });
    client.destroy();
  });

  test("S3 virtual-hosted-style addressing reaches the same operation", async () => {
    // fetch() will not send a Host header of our choosing; node:http will.
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: nimbus.port, path: "/?list-type=2&prefix=photos%2F", headers: { host: `bucket-1.s3.localhost.localstack.cloud:${nimbus.port}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        },
      );
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 200);
    assert.deepEqual(s3.inputs["ListObjectsV2"], { Bucket: "bucket-1", Prefix: "photos/" });
    assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<ListBucketResult xmlns="http:\/\/s3.amazonaws.com\/doc\/2006-03-01\/">/);
  });

  test("JSON form of a query service (CloudWatch with x-amzn-query-mode)", async () => {
    const client = new CloudWatchClient(nimbus.clientConfig());
    await client.send(
      new PutMetricDataCommand({
        Namespace: "App",
        MetricData: [{ MetricName: "Latency", Dimensions: [{ Name: "Stage", Value: "prod" }], Timestamp: created, Values: [1, 2.5], Counts: [3, 4], Unit: "Milliseconds" }],
      }),
    );
    const input = cloudwatch.inputs["PutMetricData"] as { MetricData: { Timestamp: Date; Dimensions: unknown; Values: number[] }[] };
    assert.equal(input.MetricData[0]?.Timestamp.getTime(), created.getTime());
    assert.deepEqual(input.MetricData[0]?.Dimensions, [{ Name: "Stage", Value: "prod" }]);
    assert.deepEqual(input.MetricData[0]?.Values, [1, 2.5]);
    const out = await client.send(
      new GetMetricDataCommand({ StartTime: created, EndTime: new Date(created.getTime() + 3_600_000), MetricDataQueries: [{ Id: "m1", Expression: "SUM(METRICS())" }] }),
    );
    assert.deepEqual(out.MetricDataResults?.[0]?.Timestamps?.map((d) => d.getTime()), [created.getTime(), created.getTime() + 60_000]);
    assert.deepEqual(out.MetricDataResults?.[0]?.Values, [1.5, 2.25]);
    client.destroy();
  });
});
