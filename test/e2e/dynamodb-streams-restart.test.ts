import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { BatchWriteItemCommand, CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { hashTable } from "./dynamodb-fixtures.js";
import { acrossRestart, signedHeaders, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

/**
 * DynamoDB keeps a day of stream records for DynamoDB Streams, which loads on first use: when it
 * starts it asks DynamoDB for the records it lacks. No Streams client is installed, so its JSON
 * 1.0 protocol is spoken by hand.
 */
describe("DynamoDB Streams across a restart", () => {
  interface Clients {
    readonly nimbus: TestNimbus;
    readonly ddb: DynamoDBClient;
    /** Stream records DynamoDB published in this run. */
    readonly published: { count: number };
  }
  // Called right after the server starts, before the services it resumes have run: every record
  // published in the run is counted.
  const open = (nimbus: TestNimbus): Clients => {
    const published = { count: 0 };
    nimbus.events.subscribe("dynamodb:StreamRecord", () => {
      published.count++;
    });
    return { nimbus, ddb: new DynamoDBClient(nimbus.clientConfig()), published };
  };
  const close = (c: Clients): void => c.ddb.destroy();

  async function streamsCall(c: Pick<Clients, "nimbus">, operation: string, body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(c.nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `DynamoDBStreams_20120810.${operation}`, ...signedHeaders("dynamodb") },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  async function streams(c: Pick<Clients, "nimbus">, operation: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { status, json } = await streamsCall(c, operation, body);
    assert.equal(status, 200, JSON.stringify(json));
    return json;
  }

  /** A table with a NEW_IMAGE stream and `count` items written in batches; its stream's ARN. */
  async function writeItems(c: Clients, table: string, count: number): Promise<string> {
    const created = await c.ddb.send(new CreateTableCommand(hashTable(table, "pk", "S", { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" } })));
    for (let i = 0; i < count; i += 25) {
      const puts = Array.from({ length: Math.min(25, count - i) }, (_, j) => ({ PutRequest: { Item: { pk: { S: `item-${String(i + j).padStart(5, "0")}` } } } }));
      await c.ddb.send(new BatchWriteItemCommand({ RequestItems: { [table]: puts } }));
    }
    const arn = created.TableDescription?.LatestStreamArn;
    assert.ok(arn);
    return arn;
  }

  /** Every record of the stream's shard from its start, in order. */
  async function allRecords(c: Pick<Clients, "nimbus">, streamArn: string): Promise<{ dynamodb: { SequenceNumber: string; NewImage: { pk: { S: string } } } }[]> {
    const described = (await streams(c, "DescribeStream", { StreamArn: streamArn })) as { StreamDescription: { Shards: { ShardId: string }[] } };
    const shardId = described.StreamDescription.Shards[0]?.ShardId;
    let iterator = ((await streams(c, "GetShardIterator", { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" })) as { ShardIterator: string }).ShardIterator;
    const records: { dynamodb: { SequenceNumber: string; NewImage: { pk: { S: string } } } }[] = [];
    for (;;) {
      const page = (await streams(c, "GetRecords", { ShardIterator: iterator, Limit: 1000 })) as { Records: typeof records; NextShardIterator?: string };
      records.push(...page.Records);
      // A disabled stream's closed shard ends without a next iterator.
      if (page.Records.length === 0 || page.NextShardIterator === undefined) break;
      iterator = page.NextShardIterator;
    }
    return records;
  }

  test("records written before Streams was ever loaded reach it after the restart, every one, in order, across sync pages", async () => {
    const count = 1_230;
    await acrossRestart(
      open,
      close,
      (c) => writeItems(c, uniqueName("sync-late"), count),
      async (c, streamArn) => {
        const records = await allRecords(c, streamArn);
        assert.equal(records.length, count);
        assert.deepEqual(
          records.map((r) => r.dynamodb.NewImage.pk.S),
          Array.from({ length: count }, (_, i) => `item-${String(i).padStart(5, "0")}`),
        );
        const sequence = records.map((r) => r.dynamodb.SequenceNumber);
        assert.deepEqual(sequence, [...sequence].sort(), "sequence numbers grow");
        assert.equal(new Set(sequence).size, count);
      },
    );
  });

  test("a restart publishes again only the records Streams lacks: none when it received them all", async () => {
    const count = 600;
    await acrossRestart(
      open,
      close,
      async (c) => {
        await streams(c, "ListStreams", {});
        return writeItems(c, uniqueName("sync-held"), count);
      },
      async (c, streamArn) => {
        // ListStreams waits for the sync Streams asked for when it started, and what it published.
        await streams(c, "ListStreams", {});
        assert.equal(c.published.count, 0, "records Streams already held were published again");
        assert.equal((await allRecords(c, streamArn)).length, count);
      },
    );
  });

  test("a table made again after a restart at the same moment (a manual clock's start) gets a new stream label, its stream only its own records", async () => {
    // "The combination of the AWS customer ID, the table name and the StreamLabel is guaranteed to be unique" (API reference, Stream).
    const table = uniqueName("relabel-restart");
    await acrossRestart(
      open,
      close,
      async (c) => {
        // Streams loaded first, so that it hears of the table's deletion after the restart.
        await streams(c, "ListStreams", {});
        return writeItems(c, table, 2);
      },
      async (c, first) => {
        await streams(c, "ListStreams", {});
        await c.ddb.send(new DeleteTableCommand({ TableName: table }));
        const second = await writeItems(c, table, 1);
        assert.notEqual(second, first);
        assert.deepEqual((await allRecords(c, second)).map((r) => r.dynamodb.NewImage.pk.S), ["item-00000"]);
        assert.equal((await allRecords(c, first)).length, 2);
      },
    );
  });

  test("so does one whose stream had no record before the restart", async () => {
    const table = uniqueName("relabel-empty");
    await acrossRestart(
      open,
      close,
      (c) => writeItems(c, table, 0),
      async (c, first) => {
        await c.ddb.send(new DeleteTableCommand({ TableName: table }));
        assert.notEqual(await writeItems(c, table, 0), first);
      },
    );
  });

  test("records that passed their 24 hours while Nimbus was down are trimmed when it starts again, not an hour later", async () => {
    // "Stream records whose age exceeds this limit [24 hours] are subject to removal (trimming)
    // from the stream" (DynamoDB Streams API reference, TrimmedDataAccessException).
    const dataDir = mkdtempSync(join(tmpdir(), "nimbus-streams-trim-"));
    const written = Date.parse("2026-01-15T12:00:00Z");
    const onDataDir = async <T>(startTime: number, run: (c: Clients) => Promise<T>): Promise<T> => {
      const c = open(await startTestNimbus({ inMemory: false, dataDir, startTime }));
      try {
        return await run(c);
      } finally {
        close(c);
        await c.nimbus.close();
      }
    };
    try {
      const { streamArn, sequenceNumber } = await onDataDir(written, async (c) => {
        await streams(c, "ListStreams", {});
        const arn = await writeItems(c, uniqueName("trim-restart"), 3);
        const records = await allRecords(c, arn);
        assert.equal(records.length, 3);
        return { streamArn: arn, sequenceNumber: records[0]?.dynamodb.SequenceNumber };
      });
      // Back 25 hours later, for less than an hour (the trim's interval).
      await onDataDir(written + 25 * 3_600_000, async (c) => {
        assert.deepEqual(await allRecords(c, streamArn), []);
        const described = (await streams(c, "DescribeStream", { StreamArn: streamArn })) as { StreamDescription: { Shards: { ShardId: string }[] } };
        const shardId = described.StreamDescription.Shards[0]?.ShardId;
        const trimmed = await streamsCall(c, "GetShardIterator", { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "AT_SEQUENCE_NUMBER", SequenceNumber: sequenceNumber });
        assert.deepEqual(
          [trimmed.status, String(trimmed.json["__type"]).split("#").pop(), trimmed.json["message"]],
          [400, "TrimmedDataAccessException", "The data you are trying to access has been trimmed."],
        );
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
