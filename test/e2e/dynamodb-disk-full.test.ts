/**
 * DynamoDB and DynamoDB Streams when the database cannot be written for a while (a disk that
 * fills, a read-only volume): what was committed before and after is all there once writes work
 * again, and nothing waits for ever on a write that failed. Each test has its own Nimbus: the
 * switches that make writes fail are database-wide.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeBulkOperationCommand,
  DescribeExportCommand,
  DescribeImportCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
  PutItemCommand,
  ScanCommand,
  StartBulkPutItemsCommand,
  UpdateContinuousBackupsCommand,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { TRANSITION_RETRY_MS } from "../../src/services/dynamodb/table-status.js";
import { TRANSFER_RETRY_MS, TRANSFER_START_DELAY_MS } from "../../src/services/dynamodb/transfers.js";
import { RESYNC_DELAY_MS } from "../../src/services/dynamodbstreams/index.js";
import { hashTable } from "./dynamodb-fixtures.js";
import { failure, jsonService, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

async function withDynamo(run: (nimbus: TestNimbus, ddb: DynamoDBClient) => Promise<void>, options: Parameters<typeof startTestNimbus>[0] = {}): Promise<void> {
  const nimbus = await startTestNimbus(options);
  const ddb = new DynamoDBClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
  try {
    await run(nimbus, ddb);
  } finally {
    ddb.destroy();
    await nimbus.close();
  }
}

/** DynamoDB Streams' JSON 1.0, by hand: no Streams client is installed. */
/** A DynamoDB Streams call that must succeed (no v3 Streams client is installed). */
const streams = (nimbus: TestNimbus, operation: string, body: Record<string, unknown>) =>
  jsonService(() => nimbus, { targetPrefix: "DynamoDBStreams_20120810", version: "1.0", signingName: "dynamodb" }).ok(operation, body);

async function streamKeys(nimbus: TestNimbus, streamArn: string): Promise<string[]> {
  const described = await streams(nimbus, "DescribeStream", { StreamArn: streamArn });
  const shardId = described["StreamDescription"].Shards[0].ShardId as string;
  const it = await streams(nimbus, "GetShardIterator", { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" });
  const page = await streams(nimbus, "GetRecords", { ShardIterator: it["ShardIterator"] });
  return (page["Records"] as { eventName: string; dynamodb: { Keys: { pk: { S: string } } } }[]).map((r) => `${r.eventName}:${r.dynamodb.Keys.pk.S}`);
}

describe("DynamoDB with a database that cannot be written for a while", () => {
  test("a stream record DynamoDB Streams could not store after the item's write had committed is served once it can write again", async () => {
    await withDynamo(async (nimbus, ddb) => {
      const name = uniqueName("full-stream");
      const created = await ddb.send(new CreateTableCommand(hashTable(name, "pk", "S", { StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } })));
      const streamArn = created.TableDescription?.LatestStreamArn ?? "";
      await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "before" } } }));
      assert.deepEqual(await streamKeys(nimbus, streamArn), ["INSERT:before"]);
      // The Streams service keeps its copy in a transaction after DynamoDB's commit: the disk
      // fills between the two. A trigger fails that copy alone.
      nimbus.state.db.exec("CREATE TEMP TRIGGER streams_full BEFORE INSERT ON main.dynamodbstreams_records BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
      try {
        await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "during" } } }));
        await nimbus.events.idle();
      } finally {
        nimbus.state.db.exec("DROP TRIGGER temp.streams_full");
      }
      await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "after" } } }));
      await nimbus.scheduler.advance(RESYNC_DELAY_MS);
      await nimbus.events.idle();
      assert.deepEqual(await streamKeys(nimbus, streamArn), ["INSERT:before", "INSERT:during", "INSERT:after"]);
    });
  });

  test("a resync whose page cannot be stored while live writes are kept leaves no gap: every record once, in order", async () => {
    await withDynamo(async (nimbus, ddb) => {
      // Two streams: the resync sends a's records, then b's.
      const [a, b] = [uniqueName("full-resync-a"), uniqueName("full-resync-b")];
      const streamArns: string[] = [];
      for (const name of [a, b]) {
        const created = await ddb.send(new CreateTableCommand(hashTable(name, "pk", "S", { StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } })));
        streamArns.push(created.TableDescription?.LatestStreamArn ?? "");
        await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "first" } } }));
      }
      const [streamA = "", streamB = ""] = streamArns;
      assert.deepEqual(await streamKeys(nimbus, streamA), ["INSERT:first"]);
      // The store falls behind: 600 records of a (two pages of a resync) and 5 of b wait in DynamoDB's store.
      nimbus.state.db.exec("CREATE TEMP TRIGGER streams_full BEFORE INSERT ON main.dynamodbstreams_records BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
      const lagged = (n: number) => Array.from({ length: n }, (_, i) => `k${String(i).padStart(3, "0")}`);
      for (const [name, keys] of [[a, lagged(600)], [b, lagged(5)]] as const) {
        for (let i = 0; i < keys.length; i += 25) {
          const puts = keys.slice(i, i + 25).map((pk) => ({ PutRequest: { Item: { pk: { S: pk } } } }));
          await ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: puts } }));
        }
      }
      await nimbus.events.idle();
      nimbus.state.db.exec("DROP TRIGGER temp.streams_full");
      // The resync's second page of a cannot be stored; writes to both tables committed between its two pages can.
      const seqs = nimbus.state.db.prepare("SELECT seq FROM dynamodb_stream_records WHERE stream_arn = ? ORDER BY seq").pluck().all(streamA) as number[];
      const [pageTwo, lastLagged] = [seqs[501] ?? 0, seqs[600] ?? 0];
      assert.equal(lastLagged - pageTwo, 99);
      nimbus.state.db.exec(
        `CREATE TEMP TRIGGER page_full BEFORE INSERT ON main.dynamodbstreams_records WHEN NEW.stream_arn = '${streamA}' AND CAST(NEW.seq AS INTEGER) BETWEEN ${pageTwo} AND ${lastLagged}
         BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END`,
      );
      let live: Promise<unknown> | undefined;
      const off = nimbus.events.subscribe("dynamodb:StreamRecord", (event) => {
        if (live !== undefined || event.detail.streamArn !== streamA || Number(event.detail.sequenceNumber) !== pageTwo - 1) return;
        const scope = { account: "000000000000", region: "us-east-1" };
        live = Promise.all([a, b].map((name) => nimbus.dispatcher.invoke("dynamodb", "PutItem", { TableName: name, Item: { pk: { S: "live" } } }, scope)));
      });
      try {
        await nimbus.scheduler.advance(RESYNC_DELAY_MS);
        await nimbus.events.idle();
        await live;
        await nimbus.events.idle();
      } finally {
        off();
        nimbus.state.db.exec("DROP TRIGGER temp.page_full");
      }
      assert.notEqual(live, undefined);
      for (const name of [a, b]) await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "after" } } }));
      await nimbus.scheduler.advance(RESYNC_DELAY_MS);
      await nimbus.events.idle();
      assert.deepEqual(await streamKeys(nimbus, streamA), ["first", ...lagged(600), "live", "after"].map((pk) => `INSERT:${pk}`));
      assert.deepEqual(await streamKeys(nimbus, streamB), ["first", ...lagged(5), "live", "after"].map((pk) => `INSERT:${pk}`));
    });
  });

  test("with --dynamodb-status-delay, a CREATING or DELETING table whose end could not be written ends once it can", async () => {
    await withDynamo(
      async (nimbus, ddb) => {
        const creating = uniqueName("full-create");
        const deleting = uniqueName("full-delete");
        await ddb.send(new CreateTableCommand(hashTable(deleting)));
        await nimbus.scheduler.advance(1_000);
        await ddb.send(new CreateTableCommand(hashTable(creating)));
        await ddb.send(new DeleteTableCommand({ TableName: deleting }));
        // Read-only, as a volume remounted so: the waits end while nothing can be written.
        nimbus.state.db.pragma("query_only = 1");
        try {
          await nimbus.scheduler.advance(1_000);
        } finally {
          nimbus.state.db.pragma("query_only = 0");
        }
        const status = async (name: string) => (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus;
        assert.equal(await status(creating), "CREATING");
        await nimbus.scheduler.advance(TRANSITION_RETRY_MS);
        assert.equal(await status(creating), "ACTIVE");
        assert.equal((await failure(status(deleting))).name, "ResourceNotFoundException");
        await ddb.send(new PutItemCommand({ TableName: creating, Item: { id: { S: "one" } } }));
      },
      { dynamodb: { statusDelayMs: 1_000 } },
    );
  });

  /** A bucket holding `objects` (key to lines), and an S3 client for it. */
  async function bucketWith(nimbus: TestNimbus, objects: Record<string, string[]>): Promise<{ s3: S3Client; bucket: string; keys: (prefix: string) => Promise<string[]> }> {
    const s3 = new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true, maxAttempts: 1 });
    const bucket = uniqueName("jobs").toLowerCase();
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const [key, lines] of Object.entries(objects)) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: lines.join("\n") }));
    const keys = async (prefix: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key ?? "");
    return { s3, bucket, keys };
  }

  /** Runs the jobs that are due while the jobs' records refuse every change, as a full disk refuses them; then gives the space back. */
  async function jobsRunWithRecordsRefused(nimbus: TestNimbus, meanwhile: () => Promise<void>): Promise<void> {
    nimbus.state.db.exec("CREATE TEMP TRIGGER jobs_full BEFORE UPDATE ON main.dynamodb_transfers BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
    try {
      await nimbus.scheduler.advance(TRANSFER_START_DELAY_MS);
      await meanwhile();
    } finally {
      nimbus.state.db.exec("DROP TRIGGER temp.jobs_full");
    }
  }

  const itemLines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ Item: { pk: { S: `${prefix}${i}` } } }));

  test("an export whose end could not be written completes once it can, its files written once", async () => {
    await withDynamo(async (nimbus, ddb) => {
      const name = uniqueName("full-export");
      const tableArn = (await ddb.send(new CreateTableCommand(hashTable(name, "pk")))).TableDescription?.TableArn;
      await ddb.send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
      for (const pk of ["a", "b", "c"]) await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: pk } } }));
      const { s3, bucket, keys } = await bucketWith(nimbus, {});
      const exportArn = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucket }))).ExportDescription?.ExportArn;
      const described = async () => (await ddb.send(new DescribeExportCommand({ ExportArn: exportArn }))).ExportDescription;
      await jobsRunWithRecordsRefused(nimbus, async () => assert.equal((await described())?.ExportStatus, "IN_PROGRESS"));
      await nimbus.scheduler.advance(TRANSFER_RETRY_MS);
      const done = await described();
      assert.deepEqual([done?.ExportStatus, done?.ItemCount, done?.EndTime?.getTime()], ["COMPLETED", 3, nimbus.clock.now() - TRANSFER_RETRY_MS]);
      await nimbus.scheduler.advance(60_000);
      const id = exportArn?.split("/").pop() ?? "";
      const folder = `AWSDynamoDB/${id}`;
      const written = await keys("AWSDynamoDB/");
      assert.equal(written.filter((k) => k.startsWith(`${folder}/data/`)).length, 1);
      assert.deepEqual(
        written.filter((k) => !k.includes("/data/")),
        ["_started", "manifest-files.json", "manifest-files.md5", "manifest-summary.json", "manifest-summary.md5"].map((f) => `${folder}/${f}`),
      );
      s3.destroy();
    });
  });

  test("an import whose end could not be written completes once it can: its table CREATING until then, every item imported once", async () => {
    await withDynamo(async (nimbus, ddb) => {
      const { s3, bucket } = await bucketWith(nimbus, { "in/a.json": itemLines("a", 5) });
      const target = uniqueName("full-import");
      const creation = { TableName: target, AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" as const }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" as const }], BillingMode: "PAY_PER_REQUEST" as const };
      const importArn = (await ddb.send(new ImportTableCommand({ S3BucketSource: { S3Bucket: bucket, S3KeyPrefix: "in/" }, InputFormat: "DYNAMODB_JSON", TableCreationParameters: creation }))).ImportTableDescription?.ImportArn;
      const described = async () => (await ddb.send(new DescribeImportCommand({ ImportArn: importArn }))).ImportTableDescription;
      const tableStatus = async () => (await ddb.send(new DescribeTableCommand({ TableName: target }))).Table?.TableStatus;
      await jobsRunWithRecordsRefused(nimbus, async () => {
        assert.equal((await described())?.ImportStatus, "IN_PROGRESS");
        assert.equal(await tableStatus(), "CREATING");
      });
      await nimbus.scheduler.advance(TRANSFER_RETRY_MS);
      const done = await described();
      assert.deepEqual([done?.ImportStatus, done?.ImportedItemCount, done?.ErrorCount], ["COMPLETED", 5, 0]);
      assert.equal(await tableStatus(), "ACTIVE");
      assert.equal((await ddb.send(new ScanCommand({ TableName: target }))).Count, 5);
      s3.destroy();
    });
  });

  test("a bulk put whose progress and end could not be written completes once it can, each item's stream record once", async () => {
    await withDynamo(async (nimbus, ddb) => {
      const name = uniqueName("full-bulk");
      const streamArn = (await ddb.send(new CreateTableCommand(hashTable(name, "pk", "S", { StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } })))).TableDescription?.LatestStreamArn ?? "";
      const { s3, bucket } = await bucketWith(nimbus, { "in/a.json": itemLines("a", 2), "in/b.json": itemLines("b", 2) });
      const input = { S3Bucket: bucket, S3KeyPrefix: "in/", InputFormat: "DYNAMODB_JSON" as const };
      const arn = (await ddb.send(new StartBulkPutItemsCommand({ TableName: name, InputS3Configuration: input, OutputS3Configuration: { S3Bucket: bucket, OutputType: ["ERROR"] } }))).BulkOperationDescription?.BulkOperationArn;
      const described = async () => (await ddb.send(new DescribeBulkOperationCommand({ BulkOperationArn: arn }))).BulkOperationDescription;
      await jobsRunWithRecordsRefused(nimbus, async () => assert.equal((await described())?.BulkOperationStatus, "IN_PROGRESS"));
      await nimbus.scheduler.advance(TRANSFER_RETRY_MS);
      const done = await described();
      assert.deepEqual([done?.BulkOperationStatus, done?.ProcessedItemCount, done?.FailedItemCount], ["COMPLETED", 4, 0]);
      await nimbus.events.idle();
      assert.deepEqual(await streamKeys(nimbus, streamArn), ["INSERT:a0", "INSERT:a1", "INSERT:b0", "INSERT:b1"]);
      s3.destroy();
    });
  });

  test("items an import or a bulk put could not write (the database read-only) are no item's error: the job ends FAILED with InternalServerError", async () => {
    await withDynamo(async (nimbus, ddb) => {
      // More items than one batch (256), so that a batch is written while the object is read.
      const { s3, bucket, keys } = await bucketWith(nimbus, { "in/a.json": itemLines("a", 300) });
      const input = { S3Bucket: bucket, S3KeyPrefix: "in/", InputFormat: "DYNAMODB_JSON" as const };
      const target = uniqueName("ro-import");
      const creation = { TableName: target, AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" as const }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" as const }], BillingMode: "PAY_PER_REQUEST" as const };
      const importArn = (await ddb.send(new ImportTableCommand({ S3BucketSource: input, InputFormat: "DYNAMODB_JSON", TableCreationParameters: creation }))).ImportTableDescription?.ImportArn;
      const name = uniqueName("ro-bulk");
      await ddb.send(new CreateTableCommand(hashTable(name, "pk")));
      const bulkArn = (await ddb.send(new StartBulkPutItemsCommand({ TableName: name, InputS3Configuration: input, OutputS3Configuration: { S3Bucket: bucket, S3KeyPrefix: "out", OutputType: ["ERROR"] } }))).BulkOperationDescription?.BulkOperationArn;
      nimbus.state.db.pragma("query_only = 1");
      try {
        await nimbus.scheduler.advance(TRANSFER_START_DELAY_MS);
      } finally {
        nimbus.state.db.pragma("query_only = 0");
      }
      await nimbus.scheduler.advance(TRANSFER_RETRY_MS);
      const imported = (await ddb.send(new DescribeImportCommand({ ImportArn: importArn }))).ImportTableDescription;
      assert.deepEqual([imported?.ImportStatus, imported?.FailureCode, imported?.ErrorCount, imported?.ImportedItemCount], ["FAILED", "InternalServerError", 0, 0]);
      const bulk = (await ddb.send(new DescribeBulkOperationCommand({ BulkOperationArn: bulkArn }))).BulkOperationDescription;
      assert.deepEqual([bulk?.BulkOperationStatus, bulk?.FailureCode, bulk?.FailedItemCount], ["FAILED", "InternalServerError", 0]);
      assert.deepEqual(await keys("out/"), []);
      s3.destroy();
    });
  });
});
