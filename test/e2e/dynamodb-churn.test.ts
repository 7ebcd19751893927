/**
 * A long-running Nimbus serves test suites that create, use and delete tables by the thousand:
 * once AWS's own retention times have passed, nothing of a deleted table may be left, in SQLite
 * or in memory. What AWS keeps for a while is kept for that while: a ClientRequestToken 10
 * minutes, a deleted table's streams and their records 24 hours, the SYSTEM backup of a table
 * deleted with point-in-time recovery on 35 days.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateBackupCommand,
  CreateTableCommand,
  DeleteBackupCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  ListBackupsCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import type { DynamoStore } from "../../src/services/dynamodb/store.js";
import { indexedTable } from "./dynamodb-fixtures.js";
import { jsonService, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
const CYCLES = 3;

describe("DynamoDB churn: create, use, delete", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  const streams = jsonService(() => nimbus, { targetPrefix: "DynamoDBStreams_20120810", version: "1.0", signingName: "dynamodb" });
  before(async () => {
    // Throttling on, so that the capacity buckets of the tables are made (and must go with them).
    nimbus = await startTestNimbus({ dynamodb: { throttling: true } });
    ddb = new DynamoDBClient(nimbus.clientConfig());
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  /** Rows of every DynamoDB and DynamoDB Streams table that has any. */
  function rows(): Record<string, number> {
    const db = nimbus.state.db;
    const out: Record<string, number> = {};
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'dynamodb%' ORDER BY name").all();
    for (const { name } of tables) {
      const n = db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM "${name}"`).get()?.n ?? 0;
      if (n > 0) out[name] = n;
    }
    return out;
  }

  function store(): DynamoStore {
    const loaded = nimbus.registry.peek("dynamodb");
    assert.ok(loaded);
    return loaded.store as DynamoStore;
  }

  const listed = async (table: string) => ((await streams.ok("ListStreams", { TableName: table })).Streams as { StreamArn: string }[]).map((s) => s.StreamArn);

  /** Everything a suite does to a table, then DeleteTable; the table's name and its stream ARNs. */
  async function cycle(): Promise<{ name: string; streamArns: string[] }> {
    const name = uniqueName("churn");
    const throughput = { ReadCapacityUnits: 100, WriteCapacityUnits: 100 };
    const created = await ddb.send(
      new CreateTableCommand(
        indexedTable(name, {
          BillingMode: "PROVISIONED",
          ProvisionedThroughput: throughput,
          GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" }, ProvisionedThroughput: throughput }],
          StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
          Tags: [{ Key: "suite", Value: "churn" }],
        }),
      ),
    );
    const first = created.TableDescription?.LatestStreamArn;
    assert.ok(first);
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: "ttl" } }));
    for (const sk of ["1", "2", "3"]) {
      await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "p" }, sk: { N: sk }, g: { S: "g" }, l: { S: sk }, ttl: { N: "4102444800" } } }));
    }
    await ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "p" }, sk: { N: "1" } }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { S: "x" } } }));
    await ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: "p" }, sk: { N: "2" } } }));
    await ddb.send(new QueryCommand({ TableName: name, IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "g" } } }));
    await ddb.send(
      new TransactWriteItemsCommand({ ClientRequestToken: name, TransactItems: [{ Put: { TableName: name, Item: { pk: { S: "t" }, sk: { N: "1" }, g: { S: "g" } } } }] }),
    );
    await ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${name}" VALUE {'pk': 'q', 'sk': 1}` }));
    const shard = ((await streams.ok("DescribeStream", { StreamArn: first })).StreamDescription as { Shards: { ShardId: string }[] }).Shards[0]?.ShardId;
    const iterator = await streams.ok("GetShardIterator", { StreamArn: first, ShardId: shard, ShardIteratorType: "TRIM_HORIZON" });
    assert.equal(((await streams.ok("GetRecords", { ShardIterator: iterator.ShardIterator })).Records as unknown[]).length, 7);
    await ddb.send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    const backup = await ddb.send(new CreateBackupCommand({ TableName: name, BackupName: "before-delete" }));
    await ddb.send(new DeleteBackupCommand({ BackupArn: backup.BackupDetails?.BackupArn }));
    // The stream switched off, on again (a second stream, written to) and off: the table goes with two disabled streams.
    await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
    nimbus.manualClock.advance(1000);
    const second = (await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }))).TableDescription
      ?.LatestStreamArn;
    assert.ok(second);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "p" }, sk: { N: "4" } } }));
    await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
    await ddb.send(new DeleteTableCommand({ TableName: name }));
    return { name, streamArns: [first, second] };
  }

  test("once AWS's retention times have passed, nothing of the deleted tables is left", async () => {
    const tables: { name: string; streamArns: string[] }[] = [];
    for (let i = 0; i < CYCLES; i++) tables.push(await cycle());
    await nimbus.events.idle();
    // The throughput buckets of a deleted table go at once (they were kept until Nimbus stopped).
    assert.equal(store().capacity.size, 0);

    // ClientRequestToken: "valid for 10 minutes after the first request that uses it completes".
    assert.equal(rows()["dynamodb_tokens"], CYCLES);
    await nimbus.scheduler.advance(10 * MINUTE + MINUTE);
    assert.equal(rows()["dynamodb_tokens"], undefined, "tokens older than 10 minutes are purged, not kept until the next token is saved");

    // A deleted table's streams, both of them, stay DISABLED and readable for 24 hours, then go.
    for (const t of tables) {
      assert.deepEqual((await listed(t.name)).sort(), [...t.streamArns].sort());
      for (const arn of t.streamArns) assert.equal(((await streams.ok("DescribeStream", { StreamArn: arn })).StreamDescription as { StreamStatus: string }).StreamStatus, "DISABLED");
    }
    await nimbus.scheduler.advance(DAY + 60 * MINUTE - 11 * MINUTE);
    for (const t of tables) {
      assert.deepEqual(await listed(t.name), [], "every stream of a deleted table goes 24 hours after it, the disabled ones too");
      for (const arn of t.streamArns) assert.equal((await streams.call("DescribeStream", { StreamArn: arn })).status, 400);
    }

    // The SYSTEM backup of a table deleted with PITR on is kept 35 days; it is then all that is left.
    const system = await ddb.send(new ListBackupsCommand({ BackupType: "SYSTEM" }));
    assert.deepEqual(system.BackupSummaries?.map((b) => b.TableName).sort(), tables.map((t) => t.name).sort());
    assert.deepEqual(Object.keys(rows()), ["dynamodb_backup_items", "dynamodb_backups"]);
    await nimbus.scheduler.advance(35 * DAY);
    assert.deepEqual(rows(), {});
  });
});
