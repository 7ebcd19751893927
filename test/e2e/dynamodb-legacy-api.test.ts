/**
 * DynamoDB's previous API version, 2011-12-05 (X-Amz-Target DynamoDB_20111205.*), which AWS still
 * serves for backward compatibility, driven by the JavaScript SDK v2 at apiVersion "2011-12-05":
 * every operation, over the same tables and items as the current API.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import AWS from "aws-sdk";
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { indexedTable } from "./dynamodb-fixtures.js";
import { signedHeaders, startTestNimbus, type TestNimbus, uniqueName } from "./harness.js";

// The SDK's typings are the 2012-08-10 API's; at apiVersion 2011-12-05 its calls take and answer the old shapes.
type Reply = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Operation = "createTable" | "describeTable" | "updateTable" | "deleteTable" | "listTables" | "putItem" | "getItem" | "updateItem" | "deleteItem" | "query" | "scan" | "batchGetItem" | "batchWriteItem";
type LegacyDynamoDB = Record<Operation, (params: object) => { promise(): Promise<Reply> }>;

interface V2Error {
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
}

async function v2Failure(call: { promise(): Promise<unknown> }): Promise<[string, number, string]> {
  try {
    await call.promise();
  } catch (err) {
    const e = err as V2Error;
    return [e.code, e.statusCode, e.message];
  }
  assert.fail("expected the call to fail");
}

const THROUGHPUT = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };

describe("DynamoDB 2011-12-05 API (JavaScript SDK v2)", () => {
  let nimbus: TestNimbus;
  let db: LegacyDynamoDB;
  let current: DynamoDBClient;
  before(async () => {
    nimbus = await startTestNimbus();
    const { credentials } = nimbus.clientConfig();
    db = new AWS.DynamoDB({ apiVersion: "2011-12-05", endpoint: nimbus.url, region: "us-east-1", accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, maxRetries: 0 }) as unknown as LegacyDynamoDB;
    current = new DynamoDBClient(nimbus.clientConfig());
  });
  after(async () => {
    current.destroy();
    await nimbus.close();
  });

  async function hashRangeTable(): Promise<string> {
    const TableName = uniqueName("legacy");
    await db
      .createTable({
        TableName,
        KeySchema: { HashKeyElement: { AttributeName: "id", AttributeType: "S" }, RangeKeyElement: { AttributeName: "n", AttributeType: "N" } },
        ProvisionedThroughput: THROUGHPUT,
      })
      .promise();
    return TableName;
  }

  test("CreateTable, DescribeTable, ListTables, UpdateTable and DeleteTable answer in the old TableDescription", async () => {
    const TableName = uniqueName("legacy");
    const KeySchema = { HashKeyElement: { AttributeName: "id", AttributeType: "S" }, RangeKeyElement: { AttributeName: "n", AttributeType: "N" } };
    const created = await db.createTable({ TableName, KeySchema, ProvisionedThroughput: THROUGHPUT }).promise();
    const createdAt = new Date(nimbus.manualClock.now());
    assert.deepEqual(created.TableDescription, {
      TableName,
      KeySchema,
      TableStatus: "CREATING",
      CreationDateTime: createdAt,
      ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      TableSizeBytes: 0,
      ItemCount: 0,
    });
    const described = await db.describeTable({ TableName }).promise();
    assert.equal(described.Table?.TableStatus, "ACTIVE");
    assert.deepEqual(described.Table?.KeySchema, KeySchema);
    const listed = await db.listTables({}).promise();
    assert.ok(listed.TableNames?.includes(TableName));
    const updated = await db.updateTable({ TableName, ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 5 } }).promise();
    assert.equal(updated.TableDescription?.TableStatus, "UPDATING");
    assert.deepEqual(updated.TableDescription?.ProvisionedThroughput, { LastIncreaseDateTime: createdAt, NumberOfDecreasesToday: 0, ReadCapacityUnits: 10, WriteCapacityUnits: 5 });
    // The old DeleteTable keeps the key schema and creation time in its answer (API_DeleteTable_v20111205's sample).
    const deleted = await db.deleteTable({ TableName }).promise();
    assert.equal(deleted.TableDescription?.TableStatus, "DELETING");
    assert.deepEqual(deleted.TableDescription?.KeySchema, KeySchema);
    assert.deepEqual(deleted.TableDescription?.CreationDateTime, createdAt);
    assert.deepEqual(await v2Failure(db.describeTable({ TableName })), ["ResourceNotFoundException", 400, `Requested resource not found: Table: ${TableName} not found`]);
  });

  test("PutItem, GetItem, UpdateItem and DeleteItem take the old key and report ConsumedCapacityUnits", async () => {
    const TableName = await hashRangeTable();
    const Key = { HashKeyElement: { S: "a" }, RangeKeyElement: { N: "1" } };
    assert.deepEqual(await db.putItem({ TableName, Item: { id: { S: "a" }, n: { N: "1" }, tags: { SS: ["x", "y"] }, blob: { B: Buffer.from("hi") } } }).promise(), { ConsumedCapacityUnits: 1 });
    const read = await db.getItem({ TableName, Key }).promise();
    assert.equal(read.ConsumedCapacityUnits, 0.5);
    assert.deepEqual(read.Item, { id: { S: "a" }, n: { N: "1" }, tags: { SS: ["x", "y"] }, blob: { B: Buffer.from("hi") } });
    assert.deepEqual(await db.getItem({ TableName, Key, ConsistentRead: true, AttributesToGet: ["tags"] }).promise(), { Item: { tags: { SS: ["x", "y"] } }, ConsumedCapacityUnits: 1 });
    assert.deepEqual(await db.getItem({ TableName, Key: { HashKeyElement: { S: "none" }, RangeKeyElement: { N: "1" } } }).promise(), { ConsumedCapacityUnits: 0.5 });
    const updated = await db
      .updateItem({
        TableName,
        Key,
        AttributeUpdates: { count: { Action: "ADD", Value: { N: "3" } }, tags: { Action: "DELETE", Value: { SS: ["x"] } }, blob: { Action: "DELETE" } },
        Expected: { n: { Value: { N: "1" } } },
        ReturnValues: "ALL_NEW",
      })
      .promise();
    assert.deepEqual(updated, { Attributes: { id: { S: "a" }, n: { N: "1" }, tags: { SS: ["y"] }, count: { N: "3" } }, ConsumedCapacityUnits: 1 });
    const removed = await db.deleteItem({ TableName, Key, Expected: { count: { Exists: true, Value: { N: "3" } } }, ReturnValues: "ALL_OLD" }).promise();
    assert.deepEqual(removed, { Attributes: { id: { S: "a" }, n: { N: "1" }, tags: { SS: ["y"] }, count: { N: "3" } }, ConsumedCapacityUnits: 1 });
    assert.deepEqual(await db.getItem({ TableName, Key }).promise(), { ConsumedCapacityUnits: 0.5 });
  });

  test("a failed Expected is ConditionalCheckFailedException, in the 2011-12-05 namespace", async () => {
    const TableName = await hashRangeTable();
    await db.putItem({ TableName, Item: { id: { S: "a" }, n: { N: "1" } } }).promise();
    assert.deepEqual(await v2Failure(db.putItem({ TableName, Item: { id: { S: "a" }, n: { N: "1" } }, Expected: { id: { Exists: false } } })), [
      "ConditionalCheckFailedException",
      400,
      "The conditional request failed",
    ]);
    const raw = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20111205.DeleteItem", ...signedHeaders("dynamodb") },
      body: JSON.stringify({ TableName, Key: { HashKeyElement: { S: "a" }, RangeKeyElement: { N: "1" } }, Expected: { n: { Value: { N: "2" } } } }),
    });
    assert.equal(raw.status, 400);
    assert.deepEqual(await raw.json(), { __type: "com.amazonaws.dynamodb.v20111205#ConditionalCheckFailedException", message: "The conditional request failed" });
  });

  test("a table that does not exist is ResourceNotFoundException, in the 2011-12-05 namespace", async () => {
    const TableName = uniqueName("missing");
    assert.deepEqual(await v2Failure(db.getItem({ TableName, Key: { HashKeyElement: { S: "a" } } })), ["ResourceNotFoundException", 400, "Requested resource not found"]);
    assert.deepEqual(await v2Failure(db.query({ TableName, HashKeyValue: { S: "a" } })), ["ResourceNotFoundException", 400, "Requested resource not found"]);
    const raw = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20111205.DescribeTable", ...signedHeaders("dynamodb") },
      body: JSON.stringify({ TableName }),
    });
    assert.equal(raw.status, 400);
    assert.deepEqual(await raw.json(), { __type: "com.amazonaws.dynamodb.v20111205#ResourceNotFoundException", message: `Requested resource not found: Table: ${TableName} not found` });
  });

  test("validation errors: a key without its range element, a missing required member, an operation the version lacks", async () => {
    const TableName = await hashRangeTable();
    assert.deepEqual(await v2Failure(db.getItem({ TableName, Key: { HashKeyElement: { S: "a" } } })), ["ValidationException", 400, "The provided key element does not match the schema"]);
    const missing = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20111205.Query", ...signedHeaders("dynamodb") },
      body: JSON.stringify({ TableName }),
    });
    assert.equal(missing.status, 400);
    assert.deepEqual(await missing.json(), {
      __type: "com.amazon.coral.validate#ValidationException",
      message: "1 validation error detected: Value null at 'hashKeyValue' failed to satisfy constraint: Member must not be null",
    });
    const unknown = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20111205.TransactWriteItems", ...signedHeaders("dynamodb") },
      body: "{}",
    });
    assert.equal(unknown.status, 400);
    assert.deepEqual(await unknown.json(), { __type: "com.amazon.coral.service#UnknownOperationException", message: "The operation TransactWriteItems is not recognised by service DynamoDB." });
  });

  test("Query pages with the old LastEvaluatedKey; RangeKeyCondition, ScanIndexForward and Count", async () => {
    const TableName = await hashRangeTable();
    for (let n = 1; n <= 5; n++) await db.putItem({ TableName, Item: { id: { S: "h" }, n: { N: String(n) }, v: { S: `v${n}` } } }).promise();
    await db.putItem({ TableName, Item: { id: { S: "other" }, n: { N: "1" } } }).promise();
    const first = await db.query({ TableName, HashKeyValue: { S: "h" }, RangeKeyCondition: { ComparisonOperator: "GT", AttributeValueList: [{ N: "1" }] }, Limit: 2 }).promise();
    assert.deepEqual(
      first.Items?.map((i: Reply) => i["n"]?.N),
      ["2", "3"],
    );
    assert.equal(first.Count, 2);
    assert.deepEqual(first.LastEvaluatedKey, { HashKeyElement: { S: "h" }, RangeKeyElement: { N: "3" } });
    assert.equal(first.ConsumedCapacityUnits, 0.5);
    const rest = await db.query({ TableName, HashKeyValue: { S: "h" }, RangeKeyCondition: { ComparisonOperator: "GT", AttributeValueList: [{ N: "1" }] }, ExclusiveStartKey: first.LastEvaluatedKey }).promise();
    assert.deepEqual(
      rest.Items?.map((i: Reply) => i["n"]?.N),
      ["4", "5"],
    );
    assert.equal(rest.LastEvaluatedKey, undefined);
    const backwards = await db.query({ TableName, HashKeyValue: { S: "h" }, RangeKeyCondition: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ N: "2" }, { N: "4" }] }, ScanIndexForward: false, AttributesToGet: ["v"] }).promise();
    assert.deepEqual(backwards.Items, [{ v: { S: "v4" } }, { v: { S: "v3" } }, { v: { S: "v2" } }]);
    assert.deepEqual(await db.query({ TableName, HashKeyValue: { S: "h" }, Count: true }).promise(), { Count: 5, ConsumedCapacityUnits: 0.5 });
  });

  test("Scan filters with ScanFilter and pages with the old LastEvaluatedKey", async () => {
    const TableName = await hashRangeTable();
    for (let n = 1; n <= 4; n++) await db.putItem({ TableName, Item: { id: { S: `k${n}` }, n: { N: String(n) }, even: { S: n % 2 === 0 ? "yes" : "no" } } }).promise();
    const seen: string[] = [];
    let ExclusiveStartKey: Reply | undefined;
    let pages = 0;
    do {
      const page = await db.scan({ TableName, ScanFilter: { even: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "yes" }] } }, Limit: 2, ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}) }).promise();
      if (page.LastEvaluatedKey) assert.equal(page.ScannedCount, 2);
      assert.equal(typeof page.ConsumedCapacityUnits, "number");
      for (const item of page.Items ?? []) seen.push(item["id"]?.S ?? "");
      if (page.LastEvaluatedKey) assert.deepEqual(Object.keys(page.LastEvaluatedKey).sort(), ["HashKeyElement", "RangeKeyElement"]);
      ExclusiveStartKey = page.LastEvaluatedKey;
      pages++;
    } while (ExclusiveStartKey);
    assert.ok(pages >= 2);
    assert.deepEqual(seen.sort(), ["k2", "k4"]);
    assert.deepEqual(await db.scan({ TableName, Count: true }).promise(), { Count: 4, ScannedCount: 4, ConsumedCapacityUnits: 0.5 });
  });

  test("BatchWriteItem and BatchGetItem answer per table, with each table's ConsumedCapacityUnits", async () => {
    const first = await hashRangeTable();
    const second = await hashRangeTable();
    await db.putItem({ TableName: first, Item: { id: { S: "gone" }, n: { N: "1" } } }).promise();
    const written = await db
      .batchWriteItem({
        RequestItems: {
          [first]: [{ PutRequest: { Item: { id: { S: "a" }, n: { N: "1" } } } }, { DeleteRequest: { Key: { HashKeyElement: { S: "gone" }, RangeKeyElement: { N: "1" } } } }],
          [second]: [{ PutRequest: { Item: { id: { S: "b" }, n: { N: "2" }, v: { S: "two" } } } }],
        },
      })
      .promise();
    assert.deepEqual(written, { Responses: { [first]: { ConsumedCapacityUnits: 2 }, [second]: { ConsumedCapacityUnits: 1 } }, UnprocessedItems: {} });
    const read = await db
      .batchGetItem({
        RequestItems: {
          [first]: { Keys: [{ HashKeyElement: { S: "a" }, RangeKeyElement: { N: "1" } }, { HashKeyElement: { S: "gone" }, RangeKeyElement: { N: "1" } }] },
          [second]: { Keys: [{ HashKeyElement: { S: "b" }, RangeKeyElement: { N: "2" } }], AttributesToGet: ["v"] },
        },
      })
      .promise();
    assert.deepEqual(read, {
      Responses: { [first]: { Items: [{ id: { S: "a" }, n: { N: "1" } }], ConsumedCapacityUnits: 1 }, [second]: { Items: [{ v: { S: "two" } }], ConsumedCapacityUnits: 0.5 } },
      UnprocessedKeys: {},
    });
  });

  test("tables and items are shared with the current API both ways; a 2012 table's indexes are left out of its old description", async () => {
    const TableName = uniqueName("shared");
    await current.send(new CreateTableCommand(indexedTable(TableName)));
    const described = await db.describeTable({ TableName }).promise();
    assert.deepEqual(Object.keys(described.Table ?? {}).sort(), ["CreationDateTime", "ItemCount", "KeySchema", "ProvisionedThroughput", "TableName", "TableSizeBytes", "TableStatus"]);
    assert.deepEqual(described.Table?.KeySchema, { HashKeyElement: { AttributeName: "pk", AttributeType: "S" }, RangeKeyElement: { AttributeName: "sk", AttributeType: "N" } });

    await current.send(new PutItemCommand({ TableName, Item: { pk: { S: "p" }, sk: { N: "7" }, g: { S: "G" }, list: { L: [{ S: "x" }] } } }));
    const fromOld = await db.getItem({ TableName, Key: { HashKeyElement: { S: "p" }, RangeKeyElement: { N: "7" } }, AttributesToGet: ["g"] }).promise();
    assert.deepEqual(fromOld.Item, { g: { S: "G" } });
    await db.putItem({ TableName, Item: { pk: { S: "q" }, sk: { N: "1" }, g: { S: "H" }, ns: { NS: ["1", "2"] } } }).promise();
    const fromCurrent = await current.send(new GetItemCommand({ TableName, Key: { pk: { S: "q" }, sk: { N: "1" } } }));
    assert.deepEqual(fromCurrent.Item, { pk: { S: "q" }, sk: { N: "1" }, g: { S: "H" }, ns: { NS: ["1", "2"] } });

    const made = uniqueName("old-made");
    await db.createTable({ TableName: made, KeySchema: { HashKeyElement: { AttributeName: "id", AttributeType: "N" } }, ProvisionedThroughput: THROUGHPUT }).promise();
    await current.send(new PutItemCommand({ TableName: made, Item: { id: { N: "42" }, v: { S: "current" } } }));
    assert.deepEqual(await db.getItem({ TableName: made, Key: { HashKeyElement: { N: "42" } } }).promise(), { Item: { id: { N: "42" }, v: { S: "current" } }, ConsumedCapacityUnits: 0.5 });
  });
});
