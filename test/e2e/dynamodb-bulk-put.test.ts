import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import {
  CancelBulkOperationCommand,
  CreateTableCommand,
  DescribeBulkOperationCommand,
  DynamoDBClient,
  GetItemCommand,
  ListBulkOperationsCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  StartBulkPutItemsCommand,
  UpdateTableCommand,
  type StartBulkPutItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { acrossRestart, dynamoDbAndS3Suite, indexedTable } from "./dynamodb-fixtures.js";
import { failure, jsonService, uniqueName, type TestNimbus } from "./harness.js";

/** Jobs start this long after their call (TRANSFER_START_DELAY_MS). */
const JOB_DELAY = 10_000;

describe("DynamoDB bulk put items (StartBulkPutItems) from S3 into an existing table", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  let s3: S3Client;
  const streams = jsonService(() => nimbus, { targetPrefix: "DynamoDBStreams_20120810", version: "1.0", signingName: "dynamodb" });
  dynamoDbAndS3Suite((c) => ({ nimbus, ddb, s3 } = c));

  /** indexedTable (pk, sk, a GSI byG on g, an LSI byL on l) with a NEW_AND_OLD_IMAGES stream; answers the stream's ARN. */
  async function table(name: string): Promise<string> {
    const made = await ddb.send(new CreateTableCommand(indexedTable(name, { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } })));
    return made.TableDescription?.LatestStreamArn ?? "";
  }

  async function bucket(): Promise<string> {
    const name = uniqueName("bulk").toLowerCase();
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    return name;
  }

  function request(tableName: string, bucketName: string, more: Partial<StartBulkPutItemsCommandInput> = {}): StartBulkPutItemsCommandInput {
    return {
      TableName: tableName,
      InputS3Configuration: { S3Bucket: bucketName, S3KeyPrefix: "in/", InputFormat: "DYNAMODB_JSON" },
      OutputS3Configuration: { S3Bucket: bucketName, S3KeyPrefix: "out", OutputType: ["ERROR"] },
      ...more,
    };
  }

  async function describe(arn: string | undefined) {
    return (await ddb.send(new DescribeBulkOperationCommand({ BulkOperationArn: arn }))).BulkOperationDescription ?? {};
  }

  test("items land in an existing table with its index and stream; bad lines are counted and reported in the output bucket", async () => {
    const name = uniqueName("bulk-put");
    const streamArn = await table(name);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, sk: { N: "1" }, g: { S: "old" } } }));
    const bucketName = await bucket();
    const lines = [
      '{"Item":{"pk":{"S":"a"},"sk":{"N":"1"},"g":{"S":"red"}}}',
      '{"Item":{"pk":{"S":"b"},"sk":{"N":"2"},"g":{"S":"red"},"l":{"S":"low"},"n":{"N":"42"}}}',
      '{"Item":{"sk":{"N":"3"}}}',
      "not json",
    ];
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "in/part-1.json", Body: lines.join("\n") }));
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "in/part-2.json.gz", Body: gzipSync('{"Item":{"pk":{"S":"c"},"sk":{"N":"3"}}}\n') }));


    const started =
      (
        await ddb.send(
          new StartBulkPutItemsCommand(
            request(name, bucketName, { MaxWriteRequestUnits: 500, OutputS3Configuration: { S3Bucket: bucketName, S3KeyPrefix: "out", OutputType: ["ERROR"], S3SseAlgorithm: "AES256" } }),
          ),
        )
      ).BulkOperationDescription ?? {};
    assert.equal(started.BulkOperationStatus, "IN_PROGRESS");
    assert.match(started.BulkOperationArn ?? "", new RegExp(`^arn:aws:dynamodb:us-east-1:000000000000:table/${name}/bulk-operation/`));
    assert.deepEqual(started.TableDetails?.map((t) => t.TableName), [name]);
    assert.equal(started.InputS3Configuration?.InputCompressionType, "NONE");
    assert.equal(started.InputS3Configuration?.S3BucketOwner, "000000000000");
    assert.equal(started.PerformanceTier, "STANDARD");
    assert.equal(started.MaxWriteRequestUnits, 500);
    assert.equal(started.ProcessedItemCount, 0);
    assert.equal(started.EndTime, undefined);
    assert.ok(started.ClientToken);

    await nimbus.scheduler.advance(JOB_DELAY);
    const done = await describe(started.BulkOperationArn);
    assert.equal(done.BulkOperationStatus, "COMPLETED_WITH_ERRORS");
    // The gzip'd object is read as plain text too (InputCompressionType NONE): its bytes are not JSON.
    assert.equal(done.FailedItemCount, 3);
    assert.equal(done.ProcessedItemCount, 5);
    assert.ok(done.EndTime instanceof Date);
    assert.ok((done.TotalInputBytes ?? 0) > 0);
    assert.equal(done.ProcessedInputBytes, done.TotalInputBytes);
    // a: 3 + 4 + 4 bytes, b: 3 + 4 + 4 + 4 + 3 (names and values as DynamoDB sizes them).
    assert.deepEqual(done.BulkOperationUsage, [{ TableName: name, BulkPutBytes: 29, Table: { BulkPutBytes: 29 } }]);

    const got = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" }, sk: { N: "1" } } }));
    assert.equal(got.Item?.g?.S, "red");
    const byColor = await ddb.send(new QueryCommand({ TableName: name, IndexName: "byG", KeyConditionExpression: "g = :c", ExpressionAttributeValues: { ":c": { S: "red" } } }));
    assert.deepEqual(byColor.Items?.map((i) => i.pk?.S).sort(), ["a", "b"]);
    const byL = await ddb.send(new QueryCommand({ TableName: name, IndexName: "byL", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "b" } } }));
    assert.deepEqual(byL.Items, [{ pk: { S: "b" }, sk: { N: "2" }, l: { S: "low" } }]);
    assert.equal((await ddb.send(new ScanCommand({ TableName: name }))).Count, 2);

    // The stream shows the overwrite as MODIFY (with the old image) and the new item as INSERT.
    const shards = ((await streams.ok("DescribeStream", { StreamArn: streamArn }))["StreamDescription"] as { Shards: { ShardId: string }[] }).Shards;
    const iterator = await streams.ok("GetShardIterator", { StreamArn: streamArn, ShardId: shards[0]?.ShardId, ShardIteratorType: "TRIM_HORIZON" });
    const records = (await streams.ok("GetRecords", { ShardIterator: iterator["ShardIterator"] }))["Records"] as { eventName: string; dynamodb: { OldImage?: Record<string, { S?: string }> } }[];
    assert.deepEqual(records.map((r) => r.eventName), ["INSERT", "MODIFY", "INSERT"]);
    assert.equal(records[1]?.dynamodb.OldImage?.["g"]?.S, "old");

    // The ERROR report: one JSON line per item not written, under the output prefix.
    const keys = ((await s3.send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: "out/" }))).Contents ?? []).map((o) => o.Key);
    const id = started.BulkOperationArn?.split("/").pop() ?? "";
    assert.deepEqual(keys, [`out/AWSDynamoDB/${id}/ERROR/part-00000.json`]);
    const reportObject = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: keys[0] }));
    assert.equal(reportObject.ServerSideEncryption, "AES256");
    const report = await reportObject.Body?.transformToString();
    const entries = (report ?? "").trim().split("\n").map((l) => JSON.parse(l) as { itemS3Pointer: { bucket: string; key: string; itemIndex: number }; outputType: string; errorMessages: string[] });
    assert.equal(entries.length, 3);
    assert.deepEqual(entries.map((e) => [e.itemS3Pointer.key, e.itemS3Pointer.itemIndex, e.outputType]), [
      ["in/part-1.json", 2, "ERROR"],
      ["in/part-1.json", 3, "ERROR"],
      ["in/part-2.json.gz", 0, "ERROR"],
    ]);
    assert.equal(entries[0]?.itemS3Pointer.bucket, bucketName);
    assert.match(entries[0]?.errorMessages[0] ?? "", /key/i);
  });

  test("ION input with GZIP, the table named by its ARN: every item is written, COMPLETED, no report", async () => {
    const name = uniqueName("bulk-ion");
    await table(name);
    const tableArn = `arn:aws:dynamodb:us-east-1:000000000000:table/${name}`;
    const bucketName = await bucket();
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "in/a.ion.gz", Body: gzipSync('$ion_1_0 {Item:{pk:"x",sk:1.,g:"blue"}}\n$ion_1_0 {Item:{pk:"y",sk:2}}\n') }));
    const started = (await ddb.send(new StartBulkPutItemsCommand(request(tableArn, bucketName, { InputS3Configuration: { S3Bucket: bucketName, S3KeyPrefix: "in/", InputFormat: "ION", InputCompressionType: "GZIP" } })))).BulkOperationDescription ?? {};
    assert.deepEqual(started.TableDetails?.map((t) => t.TableName), [name]);
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = await describe(started.BulkOperationArn);
    assert.equal(done.BulkOperationStatus, "COMPLETED");
    assert.equal(done.ProcessedItemCount, 2);
    assert.equal(done.FailedItemCount, 0);
    assert.equal((await ddb.send(new ScanCommand({ TableName: name }))).Count, 2);
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: "out" }))).KeyCount, 0);
  });

  test("ClientToken: the same request within 8 hours answers the same operation; other parameters are IdempotentParameterMismatchException", async () => {
    const name = uniqueName("bulk-token");
    await table(name);
    const bucketName = await bucket();
    const token = uniqueName("token");
    const first = (await ddb.send(new StartBulkPutItemsCommand(request(name, bucketName, { ClientToken: token })))).BulkOperationDescription ?? {};
    const again = (await ddb.send(new StartBulkPutItemsCommand(request(name, bucketName, { ClientToken: token })))).BulkOperationDescription ?? {};
    assert.equal(again.BulkOperationArn, first.BulkOperationArn);
    assert.equal(again.ClientToken, token);
    const err = await failure(ddb.send(new StartBulkPutItemsCommand(request(name, bucketName, { ClientToken: token, PerformanceTier: "ACCELERATED" }))));
    assert.equal(err.name, "IdempotentParameterMismatchException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, "Request token already used with different parameters");
    await nimbus.scheduler.advance(JOB_DELAY);
    // An empty prefix: nothing to read, COMPLETED with zero counts.
    const done = await describe(first.BulkOperationArn);
    assert.equal(done.BulkOperationStatus, "COMPLETED");
    assert.equal(done.TotalInputBytes, 0);
  });

  test("List pages in start order; Cancel before the job runs ends CANCELLED, and a finished one cannot be cancelled", async () => {
    const name = uniqueName("bulk-list");
    await table(name);
    const bucketName = await bucket();
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "in/a.json", Body: '{"Item":{"pk":{"S":"z"},"sk":{"N":"9"}}}\n' }));
    const before = (await ddb.send(new ListBulkOperationsCommand({}))).BulkOperationsSummaryList?.length ?? 0;
    const one = (await ddb.send(new StartBulkPutItemsCommand(request(name, bucketName)))).BulkOperationDescription ?? {};
    // Operations started in the same millisecond list in ARN order; a second apart, in start order.
    nimbus.manualClock.advance(1000);
    const two = (await ddb.send(new StartBulkPutItemsCommand(request(name, bucketName)))).BulkOperationDescription ?? {};

    const cancelled = await ddb.send(new CancelBulkOperationCommand({ BulkOperationArn: two.BulkOperationArn }));
    assert.equal(cancelled.BulkOperationArn, two.BulkOperationArn);
    assert.equal(cancelled.BulkOperationStatus, "CANCELLING");
    assert.equal((await describe(two.BulkOperationArn)).BulkOperationStatus, "CANCELLING");

    const all = (await ddb.send(new ListBulkOperationsCommand({}))).BulkOperationsSummaryList ?? [];
    assert.equal(all.length, before + 2);
    const page = await ddb.send(new ListBulkOperationsCommand({ MaxResults: before + 1 }));
    assert.equal(page.BulkOperationsSummaryList?.length, before + 1);
    assert.equal(page.BulkOperationsSummaryList?.at(-1)?.BulkOperationArn, one.BulkOperationArn);
    const rest = await ddb.send(new ListBulkOperationsCommand({ NextToken: page.NextToken }));
    assert.deepEqual(rest.BulkOperationsSummaryList?.map((s) => [s.BulkOperationArn, s.BulkOperationStatus]), [[two.BulkOperationArn, "CANCELLING"]]);
    assert.equal(rest.NextToken, undefined);

    await nimbus.scheduler.advance(JOB_DELAY);
    assert.equal((await describe(one.BulkOperationArn)).BulkOperationStatus, "COMPLETED");
    const end = await describe(two.BulkOperationArn);
    assert.equal(end.BulkOperationStatus, "CANCELLED");
    assert.ok(end.EndTime instanceof Date);

    const late = await failure(ddb.send(new CancelBulkOperationCommand({ BulkOperationArn: one.BulkOperationArn })));
    assert.equal(late.name, "ValidationException");
    assert.equal(late.message, `Bulk operation ${one.BulkOperationArn} cannot be cancelled because it is COMPLETED`);
    const missing = `${one.BulkOperationArn}0`;
    const notFound = await failure(ddb.send(new DescribeBulkOperationCommand({ BulkOperationArn: missing })));
    assert.equal(notFound.name, "ResourceNotFoundException");
    assert.equal(notFound.$metadata.httpStatusCode, 400);
    assert.equal(notFound.message, `Requested resource not found: BulkOperation: ${missing} not found`);
  });

  test("DYNAMODB_JSON input compressed with ZSTD: decoded and written", async () => {
    const name = uniqueName("bulk-zstd");
    await table(name);
    const bucketName = await bucket();
    // Two DynamoDB JSON lines, compressed by the zstd command-line tool (zstd -c).
    const zstd = Buffer.from("KLUv/QRY7QEA1AJ7Ikl0ZW0iOnsicGsiOnsiUyI6InoxIn0sInNOIjoiMSJ9fX0KMm4yIn19fQoFAFuRyLwAyLepR087x5zyFOY=", "base64");
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "in/a.json.zst", Body: zstd }));
    const started = (await ddb.send(new StartBulkPutItemsCommand(request(name, bucketName, { InputS3Configuration: { S3Bucket: bucketName, S3KeyPrefix: "in/", InputFormat: "DYNAMODB_JSON", InputCompressionType: "ZSTD" } })))).BulkOperationDescription ?? {};
    assert.equal(started.InputS3Configuration?.InputCompressionType, "ZSTD");
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = await describe(started.BulkOperationArn);
    assert.equal(done.BulkOperationStatus, "COMPLETED");
    assert.equal(done.ProcessedItemCount, 2);
    assert.deepEqual((await ddb.send(new ScanCommand({ TableName: name }))).Items?.map((item) => item["pk"]?.S).sort(), ["z1", "z2"]);
  });

  test("refusals: a missing table, a global table (and no replica while one runs), a bad InputFormat", async () => {
    const bucketName = await bucket();
    const missing = uniqueName("bulk-missing");
    const gone = await failure(ddb.send(new StartBulkPutItemsCommand(request(missing, bucketName))));
    assert.equal(gone.name, "ResourceNotFoundException");
    assert.equal(gone.$metadata.httpStatusCode, 400);
    assert.equal(gone.message, `Requested resource not found: Table: ${missing} not found`);

    const name = uniqueName("bulk-global");
    await table(name);
    const running = (await ddb.send(new StartBulkPutItemsCommand(request(name, bucketName)))).BulkOperationDescription ?? {};
    const replica = await failure(ddb.send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName: "us-west-2" } }] })));
    assert.equal(replica.name, "ValidationException");
    assert.equal(replica.message, `Bulk put items does not support global tables: a bulk put items operation is in progress on table ${name}`);
    await nimbus.scheduler.advance(JOB_DELAY);
    assert.equal((await describe(running.BulkOperationArn)).BulkOperationStatus, "COMPLETED");
    await ddb.send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName: "us-west-2" } }] }));
    const global = await failure(ddb.send(new StartBulkPutItemsCommand(request(name, bucketName))));
    assert.equal(global.name, "ValidationException");
    assert.equal(global.$metadata.httpStatusCode, 400);
    assert.equal(global.message, "Bulk put items does not support global tables");

    const plain = uniqueName("bulk-plain");
    await table(plain);
    const csv = await failure(
      ddb.send(new StartBulkPutItemsCommand(request(plain, bucketName, { InputS3Configuration: { S3Bucket: bucketName, InputFormat: "CSV" as "ION" } }))),
    );
    assert.equal(csv.name, "ValidationException");
    assert.equal(csv.message, "1 validation error detected: Value 'CSV' at 'inputS3Configuration.inputFormat' failed to satisfy constraint: Member must satisfy enum value set: [DYNAMODB_JSON, ION]");
    // Nothing was started by the refusals.
    const listed = (await ddb.send(new ListBulkOperationsCommand({}))).BulkOperationsSummaryList ?? [];
    assert.equal(listed.filter((s) => s.BulkOperationArn?.includes(`table/${plain}/`)).length, 0);
  });
});

test("bulk puts survive a restart: one running when Nimbus stopped runs again, one being cancelled ends CANCELLED", async () => {
  const name = uniqueName("bulk-durable");
  const bucketName = uniqueName("bulk-durable").toLowerCase();
  await acrossRestart(
    async ({ nimbus, ddb, s3 }) => {
      await ddb.send(new CreateTableCommand(indexedTable(name)));
      await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
      await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "in/a.json", Body: '{"Item":{"pk":{"S":"z"},"sk":{"N":"9"}}}\n' }));
      const input: StartBulkPutItemsCommandInput = {
        TableName: name,
        InputS3Configuration: { S3Bucket: bucketName, S3KeyPrefix: "in/", InputFormat: "DYNAMODB_JSON" },
        OutputS3Configuration: { S3Bucket: bucketName, OutputType: ["ERROR"] },
      };
      const running = (await ddb.send(new StartBulkPutItemsCommand(input))).BulkOperationDescription?.BulkOperationArn;
      nimbus.manualClock.advance(1000);
      const cancelling = (await ddb.send(new StartBulkPutItemsCommand(input))).BulkOperationDescription?.BulkOperationArn;
      await ddb.send(new CancelBulkOperationCommand({ BulkOperationArn: cancelling }));
      return { running, cancelling };
    },
    async ({ nimbus, ddb }, { running, cancelling }) => {
      const status = async (arn: string | undefined) => (await ddb.send(new DescribeBulkOperationCommand({ BulkOperationArn: arn }))).BulkOperationDescription?.BulkOperationStatus;
      assert.equal(await status(running), "IN_PROGRESS");
      assert.equal(await status(cancelling), "CANCELLING");
      await nimbus.scheduler.advance(JOB_DELAY);
      assert.equal(await status(running), "COMPLETED");
      assert.equal(await status(cancelling), "CANCELLED");
      assert.deepEqual((await ddb.send(new ScanCommand({ TableName: name }))).Items, [{ pk: { S: "z" }, sk: { N: "9" } }]);
    },
  );
});
