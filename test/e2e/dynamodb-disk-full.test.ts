/**
 * DynamoDB and DynamoDB Streams when the database cannot be written for a while (a disk that
 * fills, a read-only volume): what was committed before and after is all there once writes work
 * again, and nothing waits for ever on a write that failed. Each test has its own Nimbus: the
 * switches that make writes fail are database-wide.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { TRANSITION_RETRY_MS } from "../../src/services/dynamodb/table-status.js";
import { RESYNC_DELAY_MS } from "../../src/services/dynamodbstreams/index.js";
import { hashTable } from "./dynamodb-fixtures.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

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
async function streams(nimbus: TestNimbus, operation: string, body: Record<string, unknown>): Promise<Record<string, any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${nimbus.url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.0",
      "x-amz-target": `DynamoDBStreams_20120810.${operation}`,
      "x-amz-date": "20260115T120000Z",
      authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, unknown>;
}

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
});
