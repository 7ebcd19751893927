/**
 * The document client of @aws-sdk/lib-dynamodb (what most Node applications use): native JS
 * values marshalled to AttributeValues and back, every command it wraps, pagination helpers,
 * PartiQL through it, and the guide's optimistic locking with a version attribute.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ConditionalCheckFailedException, CreateTableCommand, DynamoDBClient, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  ExecuteStatementCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactGetCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateQuery,
} from "@aws-sdk/lib-dynamodb";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

describe("DynamoDB through @aws-sdk/lib-dynamodb's document client", () => {
  let nimbus: TestNimbus;
  let doc: DynamoDBDocumentClient;
  let table: string;

  before(async () => {
    nimbus = await startTestNimbus();
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
    table = uniqueName("doc");
    await ddb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "N" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
      }),
    );
  });

  after(() => nimbus.close());

  test("native values round-trip: strings, numbers, booleans, null, lists, maps, sets, binary", async () => {
    const item = {
      pk: "types",
      sk: 1,
      name: "Ada",
      age: 36,
      big: 12345678901234,
      ratio: 0.25,
      active: true,
      nothing: null,
      tags: new Set(["a", "b"]),
      scores: new Set([1, 2, 3]),
      nested: { list: [1, "two", { three: 3 }], flag: false },
      bytes: new Uint8Array([1, 2, 3]),
    };
    await doc.send(new PutCommand({ TableName: table, Item: item }));
    const got = (await doc.send(new GetCommand({ TableName: table, Key: { pk: "types", sk: 1 } }))).Item;
    assert.deepEqual({ ...got, bytes: Array.from(got?.["bytes"] as Uint8Array) }, { ...item, bytes: [1, 2, 3] });
  });

  test("Update with expressions, ReturnValues, conditional Put and Delete", async () => {
    await doc.send(new PutCommand({ TableName: table, Item: { pk: "counter", sk: 0, hits: 1, log: ["created"] } }));
    const updated = await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: "counter", sk: 0 },
        UpdateExpression: "SET hits = hits + :one, #log = list_append(#log, :entry), firstSeen = if_not_exists(firstSeen, :now) REMOVE gone",
        ExpressionAttributeNames: { "#log": "log" },
        ExpressionAttributeValues: { ":one": 1, ":entry": ["hit"], ":now": "2026-01-15" },
        ReturnValues: "ALL_NEW",
      }),
    );
    assert.deepEqual(updated.Attributes, { pk: "counter", sk: 0, hits: 2, log: ["created", "hit"], firstSeen: "2026-01-15" });

    const refused = await failure(doc.send(new PutCommand({ TableName: table, Item: { pk: "counter", sk: 0 }, ConditionExpression: "attribute_not_exists(pk)" })));
    assert.ok(refused instanceof ConditionalCheckFailedException);
    assert.equal(refused.message, "The conditional request failed");

    const deleted = await doc.send(new DeleteCommand({ TableName: table, Key: { pk: "counter", sk: 0 }, ReturnValues: "ALL_OLD" }));
    assert.equal(deleted.Attributes?.["hits"], 2);
    assert.equal((await doc.send(new GetCommand({ TableName: table, Key: { pk: "counter", sk: 0 } }))).Item, undefined);
  });

  test("optimistic locking: a write conditioned on the version it read loses to a concurrent one", async () => {
    await doc.send(new PutCommand({ TableName: table, Item: { pk: "locked", sk: 1, version: 1, balance: 100 } }));
    const read = async () => (await doc.send(new GetCommand({ TableName: table, Key: { pk: "locked", sk: 1 }, ConsistentRead: true }))).Item as { version: number; balance: number };
    const save = (seen: { version: number }, balance: number) =>
      doc.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: "locked", sk: 1 },
          UpdateExpression: "SET balance = :b, version = :next",
          ConditionExpression: "version = :seen",
          ExpressionAttributeValues: { ":b": balance, ":next": seen.version + 1, ":seen": seen.version },
        }),
      );
    const a = await read();
    const b = await read();
    await save(a, a.balance - 30);
    const lost = await failure(save(b, b.balance - 50));
    assert.ok(lost instanceof ConditionalCheckFailedException);
    const retried = await read();
    await save(retried, retried.balance - 50);
    assert.deepEqual(await read(), { pk: "locked", sk: 1, version: 3, balance: 20 });
  });

  test("Query with key conditions and the paginator, Scan with a filter", async () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ PutRequest: { Item: { pk: "series", sk: i, even: i % 2 === 0 } } }));
    for (let i = 0; i < items.length; i += 25) await doc.send(new BatchWriteCommand({ RequestItems: { [table]: items.slice(i, i + 25) } }));
    const page = await doc.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: "pk = :p AND sk BETWEEN :lo AND :hi", ExpressionAttributeValues: { ":p": "series", ":lo": 5, ":hi": 9 }, ScanIndexForward: false }),
    );
    assert.deepEqual(page.Items?.map((i) => i["sk"]), [9, 8, 7, 6, 5]);

    const seen: number[] = [];
    let pages = 0;
    for await (const p of paginateQuery({ client: doc, pageSize: 7 }, { TableName: table, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": "series" } })) {
      pages++;
      for (const item of p.Items ?? []) seen.push(item["sk"] as number);
    }
    assert.deepEqual(seen, Array.from({ length: 30 }, (_, i) => i));
    assert.equal(pages, 5);

    const evens = await doc.send(new ScanCommand({ TableName: table, FilterExpression: "pk = :p AND even = :t", ExpressionAttributeValues: { ":p": "series", ":t": true } }));
    assert.equal(evens.Count, 15);
  });

  test("BatchGet, TransactWrite (with a cancellation) and TransactGet", async () => {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: { pk: "tx", sk: 1, v: "one" } } },
          { Put: { TableName: table, Item: { pk: "tx", sk: 2, v: "two" } } },
        ],
      }),
    );
    const cancelled = await failure(
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: { TableName: table, Key: { pk: "tx", sk: 1 }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": "changed" } } },
            { ConditionCheck: { TableName: table, Key: { pk: "tx", sk: 2 }, ConditionExpression: "v = :x", ExpressionAttributeValues: { ":x": "nope" } } },
          ],
        }),
      ),
    );
    assert.ok(cancelled instanceof TransactionCanceledException);
    assert.deepEqual(cancelled.CancellationReasons?.map((r) => r.Code), ["None", "ConditionalCheckFailed"]);

    const batch = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: [{ pk: "tx", sk: 1 }, { pk: "tx", sk: 2 }], ProjectionExpression: "v" } } }));
    assert.deepEqual(batch.Responses?.[table]?.map((i) => i["v"]).sort(), ["one", "two"]);
    const tx = await doc.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: table, Key: { pk: "tx", sk: 2 } } }, { Get: { TableName: table, Key: { pk: "tx", sk: 1 } } }] }));
    assert.deepEqual(tx.Responses?.map((r) => r.Item?.["v"]), ["two", "one"]);
  });

  test("PartiQL with native parameters", async () => {
    await doc.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${table}" VALUE {'pk': ?, 'sk': ?, 'city': ?}`, Parameters: ["partiql", 1, "Oslo"] }));
    const out = await doc.send(new ExecuteStatementCommand({ Statement: `SELECT city FROM "${table}" WHERE pk = ? AND sk = ?`, Parameters: ["partiql", 1] }));
    assert.deepEqual(out.Items, [{ city: "Oslo" }]);
  });
});
