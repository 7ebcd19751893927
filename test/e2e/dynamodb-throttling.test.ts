/**
 * Throughput throttling with `--dynamodb-throttling`: each table and GSI keeps up to 300 seconds
 * of its capacity (a 1-unit table: 300 units), drawn by what ReturnConsumedCapacity reports, and
 * refills at its units per second on the test's clock. Items of 300 KB empty a 1-WCU bucket in
 * one write (300 units), or a 1-RCU bucket in four strongly consistent reads (75 units each).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBServiceException,
  type TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { hashTable } from "./dynamodb-fixtures.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const TABLE_EXCEEDED = "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.";
const GSI_EXCEEDED =
  "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API";
const ON_DEMAND_EXCEEDED = "Throughput exceeds the maximum OnDemandThroughput configured on table or index";

/** An item of exactly `kb` KB as DynamoDB measures it (names and values in UTF-8 bytes). */
function itemOf(id: string, kb: number, extra: Record<string, { S: string }> = {}) {
  const fixed = 2 + id.length + 4 + Object.entries(extra).reduce((n, [k, v]) => n + k.length + v.S.length, 0);
  return { id: { S: id }, data: { S: "x".repeat(kb * 1024 - fixed) }, ...extra };
}

const provisioned = (name: string, read: number, write: number, extra: Partial<CreateTableCommandInput> = {}) =>
  hashTable(name, "id", "S", { BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: write }, ...extra });

interface ThrottlingError extends DynamoDBServiceException {
  readonly ThrottlingReasons?: { reason?: string; resource?: string }[];
}

/** The error a throttled call gets, checked for AWS's code, status and message; its ThrottlingReasons. */
async function throttled(call: Promise<unknown>, name: string, message: string): Promise<ThrottlingError["ThrottlingReasons"]> {
  const err = await failure<ThrottlingError>(call);
  assert.equal(err.name, name);
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.message, message);
  return err.ThrottlingReasons;
}

describe("DynamoDB throughput throttling (--dynamodb-throttling)", () => {
  let nimbus: TestNimbus;
  /** One attempt per call, to see the error the SDK would otherwise retry. */
  let raw: DynamoDBClient;
  let arnOf: (table: string) => string;
  before(async () => {
    nimbus = await startTestNimbus({ dynamodb: { throttling: true } });
    raw = new DynamoDBClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
    arnOf = (table) => `arn:aws:dynamodb:us-east-1:000000000000:table/${table}`;
  });
  after(async () => {
    raw.destroy();
    await nimbus.close();
  });

  test("writes past a table's write capacity and its 300 s of burst are refused until it has refilled", async () => {
    const name = uniqueName("w");
    await raw.send(new CreateTableCommand(provisioned(name, 1, 1)));
    const put = (id: string, kb: number) => raw.send(new PutItemCommand({ TableName: name, Item: itemOf(id, kb), ReturnConsumedCapacity: "TOTAL" }));
    // 300 seconds of one unit: a 300 KB item takes it all.
    assert.equal((await put("big", 300)).ConsumedCapacity?.CapacityUnits, 300);
    const reasons = await throttled(put("small", 1), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
    assert.deepEqual(reasons, [{ reason: "TableWriteProvisionedThroughputExceeded", resource: arnOf(name) }]);
    // Reads have their own capacity.
    await raw.send(new GetItemCommand({ TableName: name, Key: { id: { S: "big" } } }));
    assert.equal((await raw.send(new GetItemCommand({ TableName: name, Key: { id: { S: "small" } } }))).Item, undefined);
    // A request is let in while the bucket is not empty, and may take it below zero: a millisecond's
    // thousandth of a unit lets the 1-unit write in, which leaves the bucket 0.999 units short.
    nimbus.manualClock.advance(1);
    await put("small", 1);
    const key = { id: { S: "small" } };
    await throttled(raw.send(new UpdateItemCommand({ TableName: name, Key: key, UpdateExpression: "SET n = :n", ExpressionAttributeValues: { ":n": { N: "1" } } })), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
    await throttled(raw.send(new DeleteItemCommand({ TableName: name, Key: key })), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
    // One unit a second comes back.
    nimbus.manualClock.advance(1000);
    assert.equal((await put("two", 2)).ConsumedCapacity?.CapacityUnits, 2);
    nimbus.manualClock.advance(1000);
    await throttled(put("again", 1), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
    nimbus.manualClock.advance(1000);
    await put("again", 1);
  });

  test("reads past a table's read capacity: GetItem, Query and Scan share it, eventually consistent reads cost half", async () => {
    const name = uniqueName("r");
    await raw.send(new CreateTableCommand(provisioned(name, 1, 100)));
    await raw.send(new PutItemCommand({ TableName: name, Item: itemOf("big", 300) }));
    const get = (consistent: boolean) => raw.send(new GetItemCommand({ TableName: name, Key: { id: { S: "big" } }, ConsistentRead: consistent, ReturnConsumedCapacity: "TOTAL" }));
    // 75 units a strongly consistent read of 300 KB, 37.5 an eventually consistent one: 75 + 37.5 * 2 + 75 + 75 = 300.
    assert.equal((await get(true)).ConsumedCapacity?.CapacityUnits, 75);
    assert.equal((await get(false)).ConsumedCapacity?.CapacityUnits, 37.5);
    await get(false);
    await raw.send(new QueryCommand({ TableName: name, KeyConditionExpression: "id = :id", ExpressionAttributeValues: { ":id": { S: "big" } }, ConsistentRead: true }));
    await raw.send(new ScanCommand({ TableName: name, ConsistentRead: true }));
    const reasons = await throttled(get(false), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
    assert.deepEqual(reasons, [{ reason: "TableReadProvisionedThroughputExceeded", resource: arnOf(name) }]);
    await throttled(raw.send(new ScanCommand({ TableName: name })), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
    nimbus.manualClock.advance(1);
    await get(true);
  });

  test("a conditional write whose condition fails still draws write capacity: the larger of the stored item and the one a put would write", async () => {
    const name = uniqueName("cond");
    await raw.send(new CreateTableCommand(provisioned(name, 100, 1)));
    // 300 units of burst: the 100 KB item takes 100.
    await raw.send(new PutItemCommand({ TableName: name, Item: itemOf("big", 100) }));
    const key = { id: { S: "big" } };
    const failed = async (call: Promise<unknown>) => {
      const err = await failure<DynamoDBServiceException>(call);
      assert.equal(err.name, "ConditionalCheckFailedException");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, "The conditional request failed");
    };
    // A put of 150 KB over the 100 KB item: 150 units, 50 left.
    await failed(raw.send(new PutItemCommand({ TableName: name, Item: itemOf("big", 150), ConditionExpression: "attribute_not_exists(id)" })));
    // An update is charged the stored 100 KB: 50 units short.
    await failed(raw.send(new UpdateItemCommand({ TableName: name, Key: key, UpdateExpression: "SET n = :n", ConditionExpression: "attribute_not_exists(id)", ExpressionAttributeValues: { ":n": { N: "1" } } })));
    await throttled(raw.send(new PutItemCommand({ TableName: name, Item: itemOf("small", 1) })), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
    // 50 s bring the 50 units back (and a thousandth): a failed delete takes 100.
    nimbus.manualClock.advance(50_001);
    await failed(raw.send(new DeleteItemCommand({ TableName: name, Key: key, ConditionExpression: "attribute_not_exists(id)" })));
    await throttled(raw.send(new PutItemCommand({ TableName: name, Item: itemOf("small", 1) })), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
    nimbus.manualClock.advance(100_000);
    await raw.send(new PutItemCommand({ TableName: name, Item: itemOf("small", 1) }));
  });

  test("the SDK's own retries get through once the capacity is back", async () => {
    const name = uniqueName("retry");
    await raw.send(new CreateTableCommand(provisioned(name, 1, 1)));
    await raw.send(new PutItemCommand({ TableName: name, Item: itemOf("big", 300) }));
    // The default client (3 attempts, backoff): each retry is sent a second later on the test's clock.
    const retrying = new DynamoDBClient(nimbus.clientConfig());
    const attempts: number[] = [];
    retrying.middlewareStack.add(
      (next) => async (args) => {
        const header = (args.request as { headers?: Record<string, string> }).headers?.["amz-sdk-request"] ?? "";
        const attempt = Number(/attempt=(\d+)/.exec(header)?.[1] ?? "1");
        attempts.push(attempt);
        if (attempt > 1) nimbus.manualClock.advance(1000);
        return next(args);
      },
      { step: "finalizeRequest", priority: "low", name: "testClockPerAttempt" },
    );
    try {
      const out = await retrying.send(new PutItemCommand({ TableName: name, Item: itemOf("small", 1) }));
      assert.equal(out.$metadata.httpStatusCode, 200);
      assert.equal(out.$metadata.attempts, 2);
      assert.deepEqual(attempts, [1, 2]);
    } finally {
      retrying.destroy();
    }
  });

  test("a GSI out of write capacity throttles the table's writes that would change it, with the GSI's message", async () => {
    const name = uniqueName("gsi");
    await raw.send(
      new CreateTableCommand(
        provisioned(name, 100, 100, {
          AttributeDefinitions: [
            { AttributeName: "id", AttributeType: "S" },
            { AttributeName: "g", AttributeType: "S" },
          ],
          GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }],
        }),
      ),
    );
    const written = await raw.send(new PutItemCommand({ TableName: name, Item: itemOf("big", 300, { g: { S: "x" } }), ReturnConsumedCapacity: "INDEXES" }));
    assert.equal(written.ConsumedCapacity?.GlobalSecondaryIndexes?.byG?.CapacityUnits, 300);
    const reasons = await throttled(
      raw.send(new PutItemCommand({ TableName: name, Item: itemOf("other", 1, { g: { S: "y" } }) })),
      "ProvisionedThroughputExceededException",
      GSI_EXCEEDED,
    );
    assert.deepEqual(reasons, [{ reason: "IndexWriteProvisionedThroughputExceeded", resource: `${arnOf(name)}/index/byG` }]);
    // An item without the index's key does not touch it (sparse index): the table has capacity.
    await raw.send(new PutItemCommand({ TableName: name, Item: itemOf("plain", 1) }));
    // The GSI's reads have their own capacity.
    const found = await raw.send(new QueryCommand({ TableName: name, IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } }));
    assert.equal(found.Count, 1);
    // Eight eventually consistent Query reads of 300 KB (37.5 units each) take the GSI's 300 read units.
    for (let i = 0; i < 7; i++) {
      await raw.send(new QueryCommand({ TableName: name, IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } }));
    }
    const readReasons = await throttled(
      raw.send(new QueryCommand({ TableName: name, IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } })),
      "ProvisionedThroughputExceededException",
      "The level of configured provisioned throughput for the index was exceeded",
    );
    assert.deepEqual(readReasons, [{ reason: "IndexReadProvisionedThroughputExceeded", resource: `${arnOf(name)}/index/byG` }]);
    await raw.send(new GetItemCommand({ TableName: name, Key: { id: { S: "big" } } }));
  });

  test("transactions draw twice their items' units; one that would exceed a table's capacity is cancelled, nothing written", async () => {
    const name = uniqueName("tx");
    const other = uniqueName("tx-other");
    await raw.send(new CreateTableCommand(provisioned(name, 1, 1)));
    await raw.send(new CreateTableCommand(provisioned(other, 100, 100)));
    const first = await raw.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: name, Item: itemOf("half", 150) } }], ReturnConsumedCapacity: "TOTAL" }));
    assert.equal(first.ConsumedCapacity?.[0]?.CapacityUnits, 300);
    const err = await failure<TransactionCanceledException>(
      raw.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ Put: { TableName: other, Item: itemOf("ok", 1) } }, { Put: { TableName: name, Item: itemOf("more", 1) } }],
        }),
      ),
    );
    assert.equal(err.name, "TransactionCanceledException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ProvisionedThroughputExceeded]");
    assert.deepEqual(err.CancellationReasons, [{ Code: "None" }, { Code: "ProvisionedThroughputExceeded", Message: TABLE_EXCEEDED }]);
    assert.equal((await raw.send(new GetItemCommand({ TableName: other, Key: { id: { S: "ok" } } }))).Item, undefined);

    // Reads: twice 38 units (150 KB, strongly consistent) a TransactGetItems entry.
    const read = await raw.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: name, Key: { id: { S: "half" } } } }], ReturnConsumedCapacity: "TOTAL" }));
    assert.equal(read.ConsumedCapacity?.[0]?.CapacityUnits, 76);
    for (let i = 0; i < 3; i++) await raw.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: name, Key: { id: { S: "half" } } } }] }));
    const cancelled = await failure<TransactionCanceledException>(raw.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: name, Key: { id: { S: "half" } } } }] })));
    assert.deepEqual(cancelled.CancellationReasons, [{ Code: "ProvisionedThroughputExceeded", Message: TABLE_EXCEEDED }]);
  });

  test("BatchWriteItem and BatchGetItem hand back what was throttled; the exception only when nothing could be done", async () => {
    const full = uniqueName("full");
    const free = uniqueName("free");
    await raw.send(new CreateTableCommand(provisioned(full, 1, 1)));
    await raw.send(new CreateTableCommand(provisioned(free, 100, 100)));
    await raw.send(new PutItemCommand({ TableName: full, Item: itemOf("big", 300) }));

    const fullPuts = [{ PutRequest: { Item: { id: { S: "a" } } } }, { PutRequest: { Item: { id: { S: "b" } } } }];
    const mixed = await raw.send(new BatchWriteItemCommand({ RequestItems: { [full]: fullPuts, [free]: [{ PutRequest: { Item: { id: { S: "c" } } } }] } }));
    assert.deepEqual(mixed.UnprocessedItems, { [full]: fullPuts });
    assert.ok((await raw.send(new GetItemCommand({ TableName: free, Key: { id: { S: "c" } } }))).Item);
    const reasons = await throttled(raw.send(new BatchWriteItemCommand({ RequestItems: { [full]: fullPuts } })), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
    assert.deepEqual(reasons, [{ reason: "TableWriteProvisionedThroughputExceeded", resource: arnOf(full) }]);
    // Sent again once the capacity is back, they go through.
    nimbus.manualClock.advance(2000);
    assert.deepEqual((await raw.send(new BatchWriteItemCommand({ RequestItems: { [full]: fullPuts } }))).UnprocessedItems, {});

    // Reads: the 300 KB item read four times strongly consistent empties the 1-RCU bucket.
    for (let i = 0; i < 4; i++) await raw.send(new GetItemCommand({ TableName: full, Key: { id: { S: "big" } }, ConsistentRead: true }));
    const keys = { Keys: [{ id: { S: "a" } }, { id: { S: "b" } }], ConsistentRead: true };
    const got = await raw.send(new BatchGetItemCommand({ RequestItems: { [full]: keys, [free]: { Keys: [{ id: { S: "c" } }] } } }));
    assert.deepEqual(got.UnprocessedKeys, { [full]: keys });
    assert.deepEqual(got.Responses?.[free], [{ id: { S: "c" } }]);
    await throttled(raw.send(new BatchGetItemCommand({ RequestItems: { [full]: keys } })), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
  });

  test("an on-demand table's maximum throughput throttles with ThrottlingException; raising the capacity lets requests in", async () => {
    const name = uniqueName("od");
    await raw.send(new CreateTableCommand(hashTable(name, "id", "S", { OnDemandThroughput: { MaxReadRequestUnits: 1, MaxWriteRequestUnits: 1 } })));
    await raw.send(new PutItemCommand({ TableName: name, Item: itemOf("big", 300) }));
    const reasons = await throttled(raw.send(new PutItemCommand({ TableName: name, Item: itemOf("more", 1) })), "ThrottlingException", ON_DEMAND_EXCEEDED);
    assert.deepEqual(reasons, [{ reason: "TableWriteMaxOnDemandThroughputExceeded", resource: arnOf(name) }]);
    // All of a batch throttled by the maximum is a ThrottlingException too.
    await throttled(raw.send(new BatchWriteItemCommand({ RequestItems: { [name]: [{ PutRequest: { Item: { id: { S: "m" } } } }] } })), "ThrottlingException", ON_DEMAND_EXCEEDED);
    // -1 removes the maximum (OnDemandThroughput): nothing is throttled any more.
    await raw.send(new UpdateTableCommand({ TableName: name, OnDemandThroughput: { MaxWriteRequestUnits: -1 } }));
    await raw.send(new PutItemCommand({ TableName: name, Item: itemOf("more", 1) }));
    // A provisioned table raised to more units refills faster, and so holds a larger burst.
    const table = uniqueName("raised");
    await raw.send(new CreateTableCommand(provisioned(table, 1, 1)));
    await raw.send(new PutItemCommand({ TableName: table, Item: itemOf("big", 300) }));
    await throttled(raw.send(new PutItemCommand({ TableName: table, Item: itemOf("x", 1) })), "ProvisionedThroughputExceededException", TABLE_EXCEEDED);
    await raw.send(new UpdateTableCommand({ TableName: table, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 100 } }));
    nimbus.manualClock.advance(10);
    await raw.send(new PutItemCommand({ TableName: table, Item: itemOf("x", 1) }));
  });
});

test("without --dynamodb-throttling capacity is reported, never enforced", async () => {
  const nimbus = await startTestNimbus();
  const ddb = new DynamoDBClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
  try {
    const name = uniqueName("free");
    await ddb.send(new CreateTableCommand(provisioned(name, 1, 1)));
    for (const id of ["a", "b", "c"]) {
      const out = await ddb.send(new PutItemCommand({ TableName: name, Item: itemOf(id, 300), ReturnConsumedCapacity: "TOTAL" }));
      assert.equal(out.ConsumedCapacity?.CapacityUnits, 300);
    }
  } finally {
    ddb.destroy();
    await nimbus.close();
  }
});
