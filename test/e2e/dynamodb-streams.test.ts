import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from "@aws-sdk/client-dynamodb";
import { hashRangeTable, hashTable } from "./dynamodb-fixtures.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

/**
 * No DynamoDB Streams client is installed, so these tests speak its JSON 1.0 protocol by hand
 * (the same bytes @aws-sdk/client-dynamodb-streams sends).
 */
describe("DynamoDB Streams and TTL", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  before(async () => {
    nimbus = await startTestNimbus();
    ddb = new DynamoDBClient(nimbus.clientConfig());
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  async function streams(operation: string, body: Record<string, unknown>): Promise<{ status: number; json: { __type?: string; message?: string } & Record<string, unknown> }> {
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
    return { status: res.status, json: (await res.json()) as { __type?: string; message?: string } & Record<string, unknown> };
  }

  /** A new table keyed by pk with a stream of `viewType`; its stream's ARN. */
  async function streamingTable(name: string, viewType: "KEYS_ONLY" | "NEW_AND_OLD_IMAGES"): Promise<string> {
    const created = await ddb.send(new CreateTableCommand(hashTable(name, "pk", "S", { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } })));
    const streamArn = created.TableDescription?.LatestStreamArn;
    assert.ok(streamArn);
    return streamArn;
  }

  interface StreamRecord {
    eventName: string;
    userIdentity?: { Type: string; PrincipalId: string };
    dynamodb: { Keys: unknown; NewImage?: unknown; OldImage?: unknown; SequenceNumber: string; StreamViewType: string; ApproximateCreationDateTime: number };
  }

  async function readAll(streamArn: string): Promise<StreamRecord[]> {
    const described = await streams("DescribeStream", { StreamArn: streamArn });
    const shards = (described.json.StreamDescription as { Shards: { ShardId: string }[] }).Shards;
    const shardId = shards[0]?.ShardId;
    const it = await streams("GetShardIterator", { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" });
    const records = await streams("GetRecords", { ShardIterator: it.json.ShardIterator });
    assert.equal(records.status, 200);
    return records.json.Records as StreamRecord[];
  }

  test("writes appear in the table's stream in order, with the images of its view type", async () => {
    const name = uniqueName("stream");
    const streamArn = await streamingTable(name, "NEW_AND_OLD_IMAGES");
    const label = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.LatestStreamLabel;
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, v: { N: "1" } } }));
    await ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "a" } }, UpdateExpression: "SET v = :two", ExpressionAttributeValues: { ":two": { N: "2" } } }));
    // Writing the same values again changes nothing and adds no record.
    await ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "a" } }, UpdateExpression: "SET v = :two", ExpressionAttributeValues: { ":two": { N: "2" } } }));
    await ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: "a" } } }));
    await nimbus.events.idle();

    const listed = await streams("ListStreams", { TableName: name });
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.json.Streams, [{ StreamArn: streamArn, TableName: name, StreamLabel: label }]);
    const described = await streams("DescribeStream", { StreamArn: streamArn });
    const d = described.json.StreamDescription as Record<string, unknown>;
    assert.equal(d.StreamStatus, "ENABLED");
    assert.equal(d.StreamViewType, "NEW_AND_OLD_IMAGES");
    assert.equal(d.TableName, name);

    const records = await readAll(streamArn);
    assert.deepEqual(records.map((r) => r.eventName), ["INSERT", "MODIFY", "REMOVE"]);
    assert.deepEqual(records[0]?.dynamodb.NewImage, { pk: { S: "a" }, v: { N: "1" } });
    assert.equal(records[0]?.dynamodb.OldImage, undefined);
    assert.deepEqual(records[1]?.dynamodb.OldImage, { pk: { S: "a" }, v: { N: "1" } });
    assert.deepEqual(records[1]?.dynamodb.NewImage, { pk: { S: "a" }, v: { N: "2" } });
    assert.deepEqual(records[2]?.dynamodb.Keys, { pk: { S: "a" } });
    assert.equal(records[2]?.dynamodb.NewImage, undefined);
    assert.equal(records[0]?.dynamodb.ApproximateCreationDateTime, Date.parse("2026-01-15T12:00:00Z") / 1000);
    const seqs = records.map((r) => r.dynamodb.SequenceNumber);
    assert.deepEqual([...seqs].sort(), seqs);

    // LATEST starts after the newest record; a new write shows up there.
    const shardId = (d.Shards as { ShardId: string }[])[0]?.ShardId;
    const latest = await streams("GetShardIterator", { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "LATEST" });
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "b" } } }));
    await nimbus.events.idle();
    const fresh = await streams("GetRecords", { ShardIterator: latest.json.ShardIterator });
    assert.deepEqual((fresh.json.Records as StreamRecord[]).map((r) => r.dynamodb.Keys), [{ pk: { S: "b" } }]);
    // Iterators are the stream ARN, "|1|", then an opaque part: the streams model's examples and
    // LocalStack's AWS-validated test_dynamodb_streams_shard_iterator_format (^{arn}\|\d\|.+$).
    for (const it of [latest.json.ShardIterator, fresh.json.NextShardIterator]) {
      assert.ok(String(it).startsWith(`${streamArn}|1|`), String(it));
      assert.ok(String(it).length > `${streamArn}|1|`.length);
    }

    const missing = await streams("DescribeStream", { StreamArn: `${streamArn}x` });
    assert.equal(missing.status, 400);
    assert.match(String(missing.json.__type), /#ResourceNotFoundException$/);
    assert.equal(missing.json.message, `Requested resource not found: Stream: ${streamArn}x not found`);
  });

  test("GetRecords answers at most 1 MB of records a call, then goes on from NextShardIterator", async () => {
    const name = uniqueName("stream-mb");
    const streamArn = await streamingTable(name, "NEW_AND_OLD_IMAGES");
    // Eight INSERTs of about 300 KB each: three fit in 1 MB, four do not.
    for (let i = 0; i < 8; i++) await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: `k${i}` }, data: { S: "x".repeat(300_000) } } }));
    await nimbus.events.idle();
    const described = await streams("DescribeStream", { StreamArn: streamArn });
    const shardId = (described.json.StreamDescription as { Shards: { ShardId: string }[] }).Shards[0]?.ShardId;
    let iterator = (await streams("GetShardIterator", { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" })).json.ShardIterator;
    const pages: string[][] = [];
    while (pages.length < 5) {
      const page = await streams("GetRecords", { ShardIterator: iterator });
      assert.equal(page.status, 200);
      const records = page.json.Records as StreamRecord[];
      if (records.length === 0) break;
      pages.push(records.map((r) => (r.dynamodb.Keys as { pk: { S: string } }).pk.S));
      iterator = page.json.NextShardIterator;
    }
    assert.deepEqual(pages, [["k0", "k1", "k2"], ["k3", "k4", "k5"], ["k6", "k7"]]);
  });

  test("TTL: the scheduler deletes expired items, and the stream shows a REMOVE by the service", async () => {
    const name = uniqueName("ttl");
    await ddb.send(new CreateTableCommand(hashTable(name, "pk")));
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }));
    const enabled = await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "OLD_IMAGE" } }));
    const streamArn = enabled.TableDescription?.LatestStreamArn;
    assert.ok(streamArn);
    const now = Math.floor(nimbus.clock.now() / 1000);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "soon" }, expires: { N: String(now + 30) } } }));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "later" }, expires: { N: String(now + 3600) } } }));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "ancient" }, expires: { N: String(now - 6 * 365 * 24 * 3600) } } }));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "never" }, expires: { S: "not a number" } } }));
    const exists = async (pk: string) => (await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: pk } } }))).Item !== undefined;

    // Expired but not yet swept items are still returned, as on AWS.
    nimbus.manualClock.advance(31_000);
    assert.equal(await exists("soon"), true);
    await nimbus.scheduler.advance(60_000);
    assert.equal(await exists("soon"), false);
    assert.equal(await exists("later"), true);
    await nimbus.scheduler.advance(3600_000);
    assert.equal(await exists("later"), false);
    assert.equal(await exists("ancient"), true, "TTL more than five years in the past is ignored");
    assert.equal(await exists("never"), true);
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.ItemCount, 2);

    await nimbus.events.idle();
    const removes = (await readAll(streamArn)).filter((r) => r.eventName === "REMOVE");
    assert.equal(removes.length, 2);
    assert.deepEqual(removes[0]?.userIdentity, { Type: "Service", PrincipalId: "dynamodb.amazonaws.com" });
    assert.deepEqual(removes[0]?.dynamodb.OldImage, { pk: { S: "soon" }, expires: { N: String(now + 30) } });
  });

  test("sequence numbers keep growing after a quiet stream's records are all trimmed, and no write is lost", async () => {
    const name = uniqueName("quiet");
    const streamArn = await streamingTable(name, "KEYS_ONLY");
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "old" } } }));
    await nimbus.events.idle();
    const [old] = await readAll(streamArn);
    assert.ok(old);
    // A day and two minutes on: past the 24-hour retention, the old record has left DynamoDB's
    // copy but (trimmed hourly) not yet the stream's.
    await nimbus.scheduler.advance(24 * 60 * 60 * 1000 + 2 * 60 * 1000);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "new" } } }));
    await nimbus.events.idle();
    const fresh = (await readAll(streamArn)).find((r) => (r.dynamodb.Keys as { pk: { S: string } }).pk.S === "new");
    assert.ok(fresh, "the new record is in the stream");
    assert.ok(BigInt(fresh.dynamodb.SequenceNumber) > BigInt(old.dynamodb.SequenceNumber));
    // Once the stream has trimmed too, a reader after the old record's number still finds the new one.
    await nimbus.scheduler.advance(60 * 60 * 1000);
    const records = await readAll(streamArn);
    assert.deepEqual(records.map((r) => r.dynamodb.SequenceNumber), [fresh.dynamodb.SequenceNumber]);
  });

  test("UpdateTimeToLive: another attribute while enabled, then AWS's one-hour interval between changes", async () => {
    const name = uniqueName("ttlrule");
    await ddb.send(new CreateTableCommand(hashTable(name, "pk")));
    const update = (Enabled: boolean, AttributeName: string) => ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled, AttributeName } }));
    const refusal = async (Enabled: boolean, AttributeName: string, message: string) => {
      const err = await failure<DynamoDBServiceException>(update(Enabled, AttributeName));
      assert.equal(err.name, "ValidationException");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, message);
    };
    await update(true, "expires");
    // What the request asks is judged before the interval.
    await refusal(true, "other", "TimeToLive is active on a different AttributeName: current AttributeName is expires");
    await refusal(false, "other", "TimeToLive is active on a different AttributeName: current AttributeName is expires");
    await refusal(true, "expires", "TimeToLive is already enabled");
    const tooSoon = "Time to live has been modified multiple times within a fixed interval";
    await refusal(false, "expires", tooSoon);
    await nimbus.scheduler.advance(60 * 60 * 1000 - 1000);
    await refusal(false, "expires", tooSoon);
    await nimbus.scheduler.advance(1000);
    await update(false, "expires");
    // Disabling starts the interval again; the refused attempts did not.
    await refusal(true, "other", tooSoon);
    await refusal(false, "expires", "TimeToLive is already disabled");
    await nimbus.scheduler.advance(60 * 60 * 1000);
    assert.deepEqual((await update(true, "other")).TimeToLiveSpecification, { Enabled: true, AttributeName: "other" });
  });

  /** The one shard of a stream. */
  async function shardOf(streamArn: string): Promise<string> {
    const described = await streams("DescribeStream", { StreamArn: streamArn });
    const shardId = (described.json.StreamDescription as { Shards: { ShardId: string }[] }).Shards[0]?.ShardId;
    assert.ok(shardId);
    return shardId;
  }

  async function iterator(streamArn: string, ShardIteratorType: string, SequenceNumber?: string): Promise<string> {
    const res = await streams("GetShardIterator", { StreamArn: streamArn, ShardId: await shardOf(streamArn), ShardIteratorType, SequenceNumber });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    return String(res.json.ShardIterator);
  }

  const pkOf = (r: StreamRecord) => (r.dynamodb.Keys as { pk: { S: string } }).pk.S;

  test("a stream disabled and enabled again: a new ARN and label, the old stream DISABLED and still readable, ListStreams in pages", async () => {
    const name = uniqueName("reenable");
    const first = await streamingTable(name, "KEYS_ONLY");
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" } } }));
    await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
    nimbus.manualClock.advance(1000);
    const enabled = await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" } }));
    const second = enabled.TableDescription?.LatestStreamArn;
    assert.ok(second);
    assert.notEqual(second, first);
    assert.equal(enabled.TableDescription?.LatestStreamLabel, second.split("/stream/")[1]);
    // "You receive a ValidationException if you try to enable a stream on a table that already has a stream".
    const again = await failure<DynamoDBServiceException>(ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } })));
    assert.equal(again.name, "ValidationException");
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "b" } } }));
    await nimbus.events.idle();

    const old = (await streams("DescribeStream", { StreamArn: first })).json.StreamDescription as {
      StreamStatus: string;
      KeySchema: unknown;
      Shards: { SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string } }[];
    };
    assert.equal(old.StreamStatus, "DISABLED");
    assert.deepEqual(old.KeySchema, [{ AttributeName: "pk", KeyType: "HASH" }]);
    const [oldRecord] = await readAll(first);
    assert.deepEqual((await readAll(first)).map(pkOf), ["a"]);
    assert.equal(old.Shards[0]?.SequenceNumberRange.EndingSequenceNumber, oldRecord?.dynamodb.SequenceNumber);
    const fresh = await readAll(second);
    assert.deepEqual(fresh.map((r) => [pkOf(r), r.dynamodb.StreamViewType, r.dynamodb.NewImage]), [["b", "NEW_IMAGE", { pk: { S: "b" } }]]);
    // The old stream's closed shard gives no NextShardIterator once read to its end.
    const drained = await streams("GetRecords", { ShardIterator: await iterator(first, "TRIM_HORIZON") });
    assert.equal(drained.json.NextShardIterator, undefined);

    const page1 = await streams("ListStreams", { TableName: name, Limit: 1 });
    const page1Streams = page1.json.Streams as { StreamArn: string }[];
    assert.equal(page1Streams.length, 1);
    assert.equal(page1.json.LastEvaluatedStreamArn, page1Streams[0]?.StreamArn);
    const page2 = await streams("ListStreams", { TableName: name, Limit: 1, ExclusiveStartStreamArn: page1.json.LastEvaluatedStreamArn });
    const page2Streams = page2.json.Streams as { StreamArn: string }[];
    assert.equal(page2.json.LastEvaluatedStreamArn, undefined);
    assert.deepEqual([...page1Streams, ...page2Streams].map((s) => s.StreamArn).sort(), [first, second].sort());
    await refused("ListStreams", { Limit: 101 }, "1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100");
  });

  test("a table made again, or its stream switched off and on, in the same millisecond: a new label, the new stream holds only its own records", async () => {
    // "The combination of the AWS customer ID, the table name and the StreamLabel is guaranteed to be
    // unique" (API reference, Stream). The manual clock stands still: every call is in one millisecond.
    const name = uniqueName("relabel");
    const first = await streamingTable(name, "KEYS_ONLY");
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "old" } } }));
    await ddb.send(new DeleteTableCommand({ TableName: name }));
    const second = await streamingTable(name, "KEYS_ONLY");
    assert.notEqual(second, first);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "new" } } }));
    await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
    const enabled = await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }));
    const third = enabled.TableDescription?.LatestStreamArn;
    assert.ok(third);
    assert.equal(new Set([first, second, third]).size, 3);
    assert.equal(enabled.TableDescription?.LatestStreamLabel, third.split("/stream/")[1]);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "newer" } } }));
    await nimbus.events.idle();
    assert.deepEqual((await readAll(first)).map(pkOf), ["old"]);
    assert.deepEqual((await readAll(second)).map(pkOf), ["new"]);
    assert.deepEqual((await readAll(third)).map(pkOf), ["newer"]);
  });

  test("a stream enabled by UpdateTable on an older table: CreationRequestDateTime is the stream's request time, not the table's", async () => {
    // The tutorial's order (create-table, later update-table --stream-specification, then
    // dynamodbstreams describe-stream) on a fresh Nimbus, so that DynamoDB Streams first hears
    // of the stream from DynamoDB's sync. "CreationRequestDateTime: The date and time when the
    // request to create this stream was issued" (DynamoDB Streams API reference, StreamDescription).
    const fresh = await startTestNimbus();
    const client = new DynamoDBClient(fresh.clientConfig());
    try {
      const name = uniqueName("later");
      await client.send(new CreateTableCommand(hashTable(name, "pk", "S")));
      fresh.manualClock.advance(3_600_000);
      const requestedAt = fresh.manualClock.now();
      const enabled = await client.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } }));
      const streamArn = enabled.TableDescription?.LatestStreamArn;
      assert.ok(streamArn);
      const res = await fetch(`${fresh.url}/`, {
        method: "POST",
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": "DynamoDBStreams_20120810.DescribeStream",
          "x-amz-date": "20260115T130000Z",
          authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
        },
        body: JSON.stringify({ StreamArn: streamArn }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      const description = ((await res.json()) as { StreamDescription: { CreationRequestDateTime: number; StreamLabel: string } }).StreamDescription;
      assert.equal(description.StreamLabel, new Date(requestedAt).toISOString().replace(/Z$/, ""));
      assert.equal(description.CreationRequestDateTime, requestedAt / 1000);
    } finally {
      client.destroy();
      await fresh.close();
    }
  });

  test("shard iterators: AT and AFTER a sequence number, 15 minutes of life, GetRecords' Limit, an unknown shard", async () => {
    const name = uniqueName("iters");
    const streamArn = await streamingTable(name, "KEYS_ONLY");
    for (const pk of ["a", "b", "c"]) await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: pk } } }));
    await nimbus.events.idle();
    const all = await readAll(streamArn);
    assert.deepEqual(all.map(pkOf), ["a", "b", "c"]);
    for (const r of all) assert.match(r.dynamodb.SequenceNumber, /^\d{21,40}$/);
    const seqB = all[1]?.dynamodb.SequenceNumber;
    assert.ok(seqB);
    const read = async (it: string, Limit?: number) => {
      const res = await streams("GetRecords", { ShardIterator: it, Limit });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      return { keys: (res.json.Records as StreamRecord[]).map(pkOf), next: res.json.NextShardIterator as string | undefined };
    };
    assert.deepEqual((await read(await iterator(streamArn, "AT_SEQUENCE_NUMBER", seqB))).keys, ["b", "c"]);
    assert.deepEqual((await read(await iterator(streamArn, "AFTER_SEQUENCE_NUMBER", seqB))).keys, ["c"]);
    const one = await read(await iterator(streamArn, "TRIM_HORIZON"), 1);
    assert.deepEqual(one.keys, ["a"]);
    assert.ok(one.next);
    assert.deepEqual((await read(one.next)).keys, ["b", "c"]);
    // DynamoDB Streams answers 1001 with a ValidationException naming the limit (ScyllaDB
    // Alternator's test_get_records_too_high_limit, which passes on AWS); 1000 is read.
    assert.equal((await streams("GetRecords", { ShardIterator: one.next, Limit: 1000 })).status, 200);
    await refused("GetRecords", { ShardIterator: one.next, Limit: 1001 }, "1 validation error detected: Value '1001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 1000");
    await refused("GetRecords", { ShardIterator: one.next, Limit: 0 }, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");

    // Sequence number zero is before every record: AT it reads them all.
    assert.deepEqual((await read(await iterator(streamArn, "AT_SEQUENCE_NUMBER", "0".repeat(21)))).keys, ["a", "b", "c"]);
    const noSeq = await streams("GetShardIterator", { StreamArn: streamArn, ShardId: await shardOf(streamArn), ShardIteratorType: "AFTER_SEQUENCE_NUMBER" });
    assert.equal(noSeq.status, 400);
    assert.match(String(noSeq.json.__type), /#ValidationException$/);
    // And TRIM_HORIZON or LATEST with one is refused too (ScyllaDB Alternator's
    // test_get_shard_iterator, which passes on AWS: ValidationException).
    for (const ShardIteratorType of ["TRIM_HORIZON", "LATEST"]) {
      await refused(
        "GetShardIterator",
        { StreamArn: streamArn, ShardId: await shardOf(streamArn), ShardIteratorType, SequenceNumber: seqB },
        `Must not specify SequenceNumber with TRIM_HORIZON or LATEST shard iterator type`,
      );
    }

    // "A shard iterator expires 15 minutes after it is returned to the requester."
    const it = await iterator(streamArn, "TRIM_HORIZON");
    nimbus.manualClock.advance(15 * 60 * 1000);
    assert.deepEqual((await read(it)).keys, ["a", "b", "c"]);
    nimbus.manualClock.advance(1);
    const expired = await streams("GetRecords", { ShardIterator: it });
    assert.equal(expired.status, 400);
    assert.match(String(expired.json.__type), /#ExpiredIteratorException$/);

    // DynamoDB Streams' own words for a shard the stream does not have.
    const unknown = await streams("GetShardIterator", { StreamArn: streamArn, ShardId: "shardId-00000000000000000000-00000000", ShardIteratorType: "LATEST" });
    assert.equal(unknown.status, 400);
    assert.match(String(unknown.json.__type), /#ResourceNotFoundException$/);
    assert.equal(unknown.json.message, "Requested resource not found: Shard does not exist");
  });

  test("records trimmed after 24 hours: an iterator that would read one, or a sequence number at or before the trim point, is TrimmedDataAccessException", async () => {
    const name = uniqueName("trim");
    const streamArn = await streamingTable(name, "KEYS_ONLY");
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "old" } } }));
    await nimbus.events.idle();
    const [old] = await readAll(streamArn);
    assert.ok(old);
    const trimmed = async (res: Promise<{ status: number; json: { __type?: string; message?: string } }>) => {
      const { status, json } = await res;
      assert.equal(status, 400, JSON.stringify(json));
      assert.match(String(json.__type), /#TrimmedDataAccessException$/);
      // The API reference's message for it.
      assert.equal(json.message, "The data you are trying to access has been trimmed.");
    };

    // Past 24 hours the record may go at any moment (the stream trims hourly). An iterator taken
    // while it is there and used after it went reads a record that no longer exists.
    await nimbus.scheduler.advance(24 * 60 * 60 * 1000);
    let gone = false;
    for (let step = 0; step < 8 && !gone; step++) {
      const at = await iterator(streamArn, "AT_SEQUENCE_NUMBER", old.dynamodb.SequenceNumber);
      const horizon = await iterator(streamArn, "TRIM_HORIZON");
      await nimbus.scheduler.advance(10 * 60 * 1000);
      const res = await streams("GetRecords", { ShardIterator: at });
      if (res.status === 200) {
        assert.deepEqual((res.json.Records as StreamRecord[]).map(pkOf), ["old"]);
        continue;
      }
      gone = true;
      await trimmed(Promise.resolve(res));
      await trimmed(streams("GetRecords", { ShardIterator: horizon }));
    }
    assert.ok(gone, "the record was trimmed within the hour");

    // Now the shard holds nothing: an iterator AT the old record would read it, one AFTER it
    // (a consumer that had read everything) reads on, as TRIM_HORIZON and LATEST do.
    const shardId = await shardOf(streamArn);
    await trimmed(streams("GetShardIterator", { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "AT_SEQUENCE_NUMBER", SequenceNumber: old.dynamodb.SequenceNumber }));
    const after = await iterator(streamArn, "AFTER_SEQUENCE_NUMBER", old.dynamodb.SequenceNumber);
    const horizon = await iterator(streamArn, "TRIM_HORIZON");
    const latest = await iterator(streamArn, "LATEST");
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "new" } } }));
    await nimbus.events.idle();
    const next = await iterator(streamArn, "AFTER_SEQUENCE_NUMBER", old.dynamodb.SequenceNumber);
    for (const it of [after, horizon, latest, next]) {
      const res = await streams("GetRecords", { ShardIterator: it });
      assert.equal(res.status, 200, JSON.stringify(res.json));
      assert.deepEqual((res.json.Records as StreamRecord[]).map(pkOf), ["new"]);
    }
  });

  test("DeleteTable: the table's stream goes DISABLED, stays readable, and is deleted after 24 hours", async () => {
    const name = uniqueName("dropped");
    const streamArn = await streamingTable(name, "KEYS_ONLY");
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" } } }));
    await ddb.send(new DeleteTableCommand({ TableName: name }));
    await nimbus.events.idle();
    const status = async () => ((await streams("DescribeStream", { StreamArn: streamArn })).json.StreamDescription as { StreamStatus?: string } | undefined)?.StreamStatus;
    const listed = async () => ((await streams("ListStreams", { TableName: name })).json.Streams as { StreamArn: string }[]).map((s) => s.StreamArn);
    assert.equal(await status(), "DISABLED");
    assert.deepEqual((await readAll(streamArn)).map(pkOf), ["a"]);
    assert.deepEqual(await listed(), [streamArn]);
    // "If you have DynamoDB Streams enabled on the table, then the corresponding stream on that table
    // goes into the DISABLED state, and the stream is automatically deleted after 24 hours."
    nimbus.manualClock.advance(24 * 60 * 60 * 1000 - 1000);
    assert.equal(await status(), "DISABLED");
    await nimbus.scheduler.advance(1000);
    const gone = await streams("DescribeStream", { StreamArn: streamArn });
    assert.equal(gone.status, 400);
    assert.match(String(gone.json.__type), /#ResourceNotFoundException$/);
    assert.equal(gone.json.message, `Requested resource not found: Stream: ${streamArn} not found`);
    assert.deepEqual(await listed(), []);
    await nimbus.scheduler.advance(60 * 60 * 1000);
    assert.deepEqual(await listed(), []);
  });

  test("DeleteTable of a table whose stream was switched off: each of its streams, the replaced one too, goes after 24 hours", async () => {
    const name = uniqueName("switched");
    const first = await streamingTable(name, "KEYS_ONLY");
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" } } }));
    await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
    nimbus.manualClock.advance(1000);
    const second = (await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }))).TableDescription
      ?.LatestStreamArn;
    assert.ok(second);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "b" } } }));
    await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
    await ddb.send(new DeleteTableCommand({ TableName: name }));
    await nimbus.events.idle();
    const listed = async () => ((await streams("ListStreams", { TableName: name })).json.Streams as { StreamArn: string }[]).map((s) => s.StreamArn).sort();
    // Both stay listed and readable for the 24 hours that DeleteTable gives the table's stream.
    assert.deepEqual(await listed(), [first, second].sort());
    assert.deepEqual((await readAll(first)).map(pkOf), ["a"]);
    assert.deepEqual((await readAll(second)).map(pkOf), ["b"]);
    await nimbus.scheduler.advance(24 * 60 * 60 * 1000);
    // Neither stayed listed and readable for ever once its table had gone.
    assert.deepEqual(await listed(), []);
    for (const arn of [first, second]) assert.equal((await streams("DescribeStream", { StreamArn: arn })).status, 400);
  });

  test("records of each view type: the API reference's fields, no record for a write that changes nothing", async () => {
    const forum = { ForumName: { S: "DynamoDB" }, Subject: { S: "DynamoDB Thread 3" } };
    const records: Record<string, StreamRecord[]> = {};
    for (const viewType of ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"] as const) {
      const name = uniqueName("forum");
      const created = await ddb.send(
        new CreateTableCommand(
          hashRangeTable(name, { hash: "ForumName", range: "Subject" }, { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } }),
        ),
      );
      const streamArn = created.TableDescription?.LatestStreamArn;
      assert.ok(streamArn);
      await ddb.send(new PutItemCommand({ TableName: name, Item: forum }));
      // "If you perform a PutItem or UpdateItem operation that does not change any data in an item,
      // then DynamoDB Streams will not write a stream record for that operation."
      await ddb.send(new PutItemCommand({ TableName: name, Item: forum }));
      await ddb.send(new PutItemCommand({ TableName: name, Item: { ...forum, n: { N: "1" } } }));
      await ddb.send(new DeleteItemCommand({ TableName: name, Key: forum }));
      // Deleting what is not there changes nothing either.
      await ddb.send(new DeleteItemCommand({ TableName: name, Key: forum }));
      await nimbus.events.idle();
      records[viewType] = (await streams("GetRecords", { ShardIterator: await iterator(streamArn, "TRIM_HORIZON") })).json.Records as StreamRecord[];
    }
    const images = (r: StreamRecord) => [r.eventName, r.dynamodb.OldImage !== undefined, r.dynamodb.NewImage !== undefined];
    assert.deepEqual(records.KEYS_ONLY?.map(images), [["INSERT", false, false], ["MODIFY", false, false], ["REMOVE", false, false]]);
    assert.deepEqual(records.NEW_IMAGE?.map(images), [["INSERT", false, true], ["MODIFY", false, true], ["REMOVE", false, false]]);
    assert.deepEqual(records.OLD_IMAGE?.map(images), [["INSERT", false, false], ["MODIFY", true, false], ["REMOVE", true, false]]);
    assert.deepEqual(records.NEW_AND_OLD_IMAGES?.map(images), [["INSERT", false, true], ["MODIFY", true, true], ["REMOVE", true, false]]);
    // The API reference's GetRecords example: this INSERT in a KEYS_ONLY stream is 41 bytes.
    const insert = records.KEYS_ONLY?.[0] as (StreamRecord & Record<string, unknown>) | undefined;
    assert.ok(insert);
    assert.deepEqual(
      { ...insert, eventID: typeof insert.eventID, dynamodb: { ...insert.dynamodb, SequenceNumber: typeof insert.dynamodb.SequenceNumber } },
      {
        awsRegion: "us-east-1",
        dynamodb: {
          ApproximateCreationDateTime: Math.floor(nimbus.clock.now() / 1000),
          Keys: forum,
          SequenceNumber: "string",
          SizeBytes: 41,
          StreamViewType: "KEYS_ONLY",
        },
        eventID: "string",
        eventName: "INSERT",
        eventSource: "aws:dynamodb",
        eventVersion: "1.1",
      },
    );
  });

  test("TTL: an expired item updated to a later expiry before the sweep is kept", async () => {
    const name = uniqueName("ttlkeep");
    await ddb.send(new CreateTableCommand(hashTable(name, "pk")));
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }));
    const now = Math.floor(nimbus.clock.now() / 1000);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "k" }, expires: { N: String(now + 10) } } }));
    nimbus.manualClock.advance(20_000);
    // "Items that are past their expiration, but have not yet been deleted can still be updated, and
    // successful updates to change or remove the expiration attribute will be honored."
    await ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "k" } }, UpdateExpression: "SET expires = :later", ExpressionAttributeValues: { ":later": { N: String(now + 7200) } } }));
    await nimbus.scheduler.advance(120_000);
    assert.ok((await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "k" } } }))).Item);
    await nimbus.scheduler.advance(7200_000);
    assert.equal((await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "k" } } }))).Item, undefined);
  });

  async function refused(operation: string, body: Record<string, unknown>, message: string): Promise<void> {
    const res = await streams(operation, body);
    assert.equal(res.status, 400);
    assert.match(String(res.json.__type), /#ValidationException$/);
    assert.equal(res.json.message, message);
  }

  test("the API reference's lengths and ranges are checked before the stream is looked up, every failure in one message", async () => {
    const name = uniqueName("limits");
    const streamArn = await streamingTable(name, "KEYS_ONLY");
    const described = await streams("DescribeStream", { StreamArn: streamArn });
    const shardId = (described.json.StreamDescription as { Shards: { ShardId: string }[] }).Shards[0]?.ShardId;
    assert.ok(shardId);

    const c = "failed to satisfy constraint";
    await refused("DescribeStream", { StreamArn: streamArn, Limit: 0 }, `1 validation error detected: Value '0' at 'limit' ${c}: Member must have value greater than or equal to 1`);
    await refused(
      "DescribeStream",
      { StreamArn: streamArn, ExclusiveStartShardId: "shardId-1" },
      `1 validation error detected: Value 'shardId-1' at 'exclusiveStartShardId' ${c}: Member must have length greater than or equal to 28`,
    );
    // The limit is a cap, not a constraint: 1000 shards asked for, the one there is returned.
    assert.equal((await streams("DescribeStream", { StreamArn: streamArn, Limit: 1000 })).status, 200);

    await refused(
      "GetShardIterator",
      { StreamArn: streamArn, ShardId: "shardId-1", ShardIteratorType: "AT_SEQUENCE_NUMBER", SequenceNumber: "1" },
      `2 validation errors detected: Value 'shardId-1' at 'shardId' ${c}: Member must have length greater than or equal to 28; ` +
        `Value '1' at 'sequenceNumber' ${c}: Member must have length greater than or equal to 21`,
    );
    await refused(
      "GetShardIterator",
      { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: "1".repeat(41) },
      `1 validation error detected: Value '${"1".repeat(41)}' at 'sequenceNumber' ${c}: Member must have length less than or equal to 40`,
    );

    await refused(
      "ListStreams",
      { TableName: "a b", ExclusiveStartStreamArn: "arn:short" },
      `2 validation errors detected: Value 'a b' at 'tableName' ${c}: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; ` +
        `Value 'arn:short' at 'exclusiveStartStreamArn' ${c}: Member must have length greater than or equal to 37`,
    );
  });

  test("a StreamArn that is no stream ARN is a ValidationException \"Invalid StreamArn\", not a stream not found", async () => {
    // The strings of ScyllaDB Alternator's test_streams.py, which AWS refuses with a ValidationException;
    // the text is what AWS answered DescribeStream (aws-sdk-js v2 integration test, logstash-input-dynamodb#18).
    const streamArn = await streamingTable(uniqueName("bad-arn"), "KEYS_ONLY");
    const described = await streams("DescribeStream", { StreamArn: streamArn });
    const shardId = (described.json.StreamDescription as { Shards: { ShardId: string }[] }).Shards[0]?.ShardId;
    await refused("DescribeStream", { StreamArn: "sdfadfsdfnlfkajakfgjalksfgklasjklasdjfklasdfasdfgasf" }, "Invalid StreamArn");
    await refused("GetShardIterator", { StreamArn: "sdfadfsddafgdafsgjnadflkgnalngalsdfnlkasnlkasdfasdfasf", ShardId: shardId, ShardIteratorType: "LATEST" }, "Invalid StreamArn");
    await refused("ListStreams", { ExclusiveStartStreamArn: "kossaapaaasdafsdaasdasdasdasasdasfadfadfasdasdas" }, "Invalid StreamArn");
  });
});

describe("DynamoDB Streams while a stream switch is in progress (--dynamodb-status-delay)", () => {
  const DELAY = 5_000;
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  before(async () => {
    nimbus = await startTestNimbus({ dynamodb: { statusDelayMs: DELAY } });
    ddb = new DynamoDBClient(nimbus.clientConfig());
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  async function streamStatus(streamArn: string): Promise<unknown> {
    const res = await fetch(`${nimbus.url}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "DynamoDBStreams_20120810.DescribeStream",
        "x-amz-date": "20260115T120000Z",
        authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0",
      },
      body: JSON.stringify({ StreamArn: streamArn }),
    });
    return ((await res.json()) as { StreamDescription?: { StreamStatus?: string } }).StreamDescription?.StreamStatus;
  }

  test("StreamStatus is ENABLING, then ENABLED; DISABLING, then DISABLED, while the table is UPDATING for it", async () => {
    // "ENABLING - Streams is currently being enabled on the DynamoDB table. ... DISABLING - Streams
    // is currently being disabled on the DynamoDB table." (API reference, StreamDescription)
    const name = uniqueName("switch");
    const created = await ddb.send(new CreateTableCommand(hashTable(name, "pk", "S", { StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } })));
    const first = created.TableDescription?.LatestStreamArn;
    assert.ok(first);
    await nimbus.events.idle();
    assert.equal(await streamStatus(first), "ENABLING");
    await nimbus.scheduler.advance(DELAY);
    assert.equal(await streamStatus(first), "ENABLED");

    const disabled = await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
    assert.equal(disabled.TableDescription?.TableStatus, "UPDATING");
    await nimbus.events.idle();
    assert.equal(await streamStatus(first), "DISABLING");
    await nimbus.scheduler.advance(DELAY);
    assert.equal(await streamStatus(first), "DISABLED");

    const enabled = await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" } }));
    const second = enabled.TableDescription?.LatestStreamArn;
    assert.ok(second);
    await nimbus.events.idle();
    assert.equal(await streamStatus(second), "ENABLING");
    assert.equal(await streamStatus(first), "DISABLED");
    await nimbus.scheduler.advance(DELAY);
    assert.equal(await streamStatus(second), "ENABLED");
  });
});
