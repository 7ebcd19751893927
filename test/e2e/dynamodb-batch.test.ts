import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  ExecuteTransactionCommand,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import { hashRangeTable, hashTable, indexedTable } from "./dynamodb-fixtures.js";
import { startTestNimbus, uniqueName, type TestNimbus, failure, jsonService } from "./harness.js";

describe("DynamoDB batches and transactions", () => {
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


  async function table(): Promise<string> {
    const name = uniqueName("tx");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    return name;
  }

  test("BatchGetItem refuses a Key given twice before looking up its table or its key schema", async () => {
    // Against a table that does not exist (ExtendDB/extenddb#192, captured from DynamoDB with the
    // AWS CLI), and with a NULL sort key that fits no schema (Dynamoid/dynamoid#510).
    const twice = (key: Record<string, AttributeValue>) => ({ Keys: [key, { ...key }] });
    const missing = await failure<DynamoDBServiceException>(
      ddb.send(new BatchGetItemCommand({ RequestItems: { [uniqueName("absent")]: twice({ id: { S: "a" } }) } })),
    );
    assert.equal(missing.name, "ValidationException");
    assert.equal(missing.$metadata.httpStatusCode, 400);
    assert.equal(missing.message, "Provided list of item keys contains duplicates");
    const name = uniqueName("dupnull");
    await ddb.send(new CreateTableCommand(hashRangeTable(name)));
    const nullSort = await failure<DynamoDBServiceException>(
      ddb.send(new BatchGetItemCommand({ RequestItems: { [name]: twice({ pk: { S: "xyz" }, sk: { NULL: true } }) } })),
    );
    assert.equal(nullSort.name, "ValidationException");
    assert.equal(nullSort.message, "Provided list of item keys contains duplicates");
  });

  test("BatchWriteItem puts and deletes across tables; BatchGetItem reads them back", async () => {
    const a = await table();
    const b = await table();
    await ddb.send(new PutItemCommand({ TableName: b, Item: { id: { S: "old" } } }));
    const written = await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [a]: [{ PutRequest: { Item: { id: { S: "1" }, v: { N: "1" } } } }, { PutRequest: { Item: { id: { S: "2" }, v: { N: "2" } } } }],
          [b]: [{ DeleteRequest: { Key: { id: { S: "old" } } } }, { PutRequest: { Item: { id: { S: "3" } } } }],
        },
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    assert.deepEqual(written.UnprocessedItems, {});
    assert.deepEqual(written.ConsumedCapacity, [
      { TableName: a, CapacityUnits: 2 },
      { TableName: b, CapacityUnits: 2 },
    ]);
    const read = await ddb.send(
      new BatchGetItemCommand({
        RequestItems: {
          [a]: { Keys: [{ id: { S: "1" } }, { id: { S: "2" } }, { id: { S: "missing" } }], ProjectionExpression: "v" },
          [b]: { Keys: [{ id: { S: "old" } }, { id: { S: "3" } }], ConsistentRead: true },
        },
      }),
    );
    assert.deepEqual(read.Responses?.[a]?.map((i) => i.v?.N).sort(), ["1", "2"]);
    assert.deepEqual(read.Responses?.[b], [{ id: { S: "3" } }]);
    assert.deepEqual(read.UnprocessedKeys, {});

    const dup = await failure<DynamoDBServiceException>(
      ddb.send(new BatchWriteItemCommand({ RequestItems: { [a]: [{ PutRequest: { Item: { id: { S: "x" } } } }, { DeleteRequest: { Key: { id: { S: "x" } } } }] } })),
    );
    assert.equal(dup.name, "ValidationException");
    assert.equal(dup.message, "Provided list of item keys contains duplicates");
    const dupGet = await failure<DynamoDBServiceException>(ddb.send(new BatchGetItemCommand({ RequestItems: { [a]: { Keys: [{ id: { S: "1" } }, { id: { S: "1" } }] } } })));
    assert.equal(dupGet.message, "Provided list of item keys contains duplicates");
    const tooMany = await failure<DynamoDBServiceException>(
      ddb.send(new BatchWriteItemCommand({ RequestItems: { [a]: Array.from({ length: 26 }, (_, i) => ({ PutRequest: { Item: { id: { S: `k${i}` } } } })) } })),
    );
    // One table's list is a modelled constraint, printed with the whole map as AWS's Java front end prints it.
    assert.equal(tooMany.name, "ValidationException");
    assert.match(
      tooMany.message,
      new RegExp(
        `^1 validation error detected: Value '\\{${a}=\\[(com\\.amazonaws\\.dynamodb\\.v20120810\\.WriteRequest@[0-9a-f]+(, )?){26}\\]\\}' at 'requestItems' failed to satisfy constraint: ` +
          "Map value must satisfy constraint: \\[Member must have length less than or equal to 25, Member must have length greater than or equal to 1\\]$",
      ),
    );
    // An empty map is refused with AWS's own sentence (nubo-db/dynamodb-conformance, tier 3
    // batchWriteItem "empty RequestItems", passing against DynamoDB).
    const noWrites = await failure<DynamoDBServiceException>(ddb.send(new BatchWriteItemCommand({ RequestItems: {} })));
    assert.equal(noWrites.name, "ValidationException");
    assert.equal(noWrites.$metadata.httpStatusCode, 400);
    assert.equal(noWrites.message, "The requestItems parameter is required for BatchWriteItem");
    const emptyList = await failure<DynamoDBServiceException>(ddb.send(new BatchWriteItemCommand({ RequestItems: { [a]: [] } })));
    assert.match(emptyList.message, /Value '\{.*=\[\]\}' at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint/);
    // 25 in all is the service's own limit, across tables.
    const acrossTables = await failure<DynamoDBServiceException>(
      ddb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [a]: Array.from({ length: 13 }, (_, i) => ({ PutRequest: { Item: { id: { S: `k${i}` } } } })),
            [b]: Array.from({ length: 13 }, (_, i) => ({ PutRequest: { Item: { id: { S: `k${i}` } } } })),
          },
        }),
      ),
    );
    assert.equal(acrossTables.message, "Too many items requested for the BatchWriteItem call");
    const keys = (n: number, prefix = "k") => Array.from({ length: n }, (_, i) => ({ id: { S: `${prefix}${i}` } }));
    // One table's Keys is a modelled constraint (1..100 keys); 100 in all is the service's own limit, across tables.
    const tooManyKeys = await failure<DynamoDBServiceException>(ddb.send(new BatchGetItemCommand({ RequestItems: { [a]: { Keys: keys(101) } } })));
    assert.equal(tooManyKeys.message, `1 validation error detected: Value at 'RequestItems.${a}.member.Keys' failed to satisfy constraint: Member must have length less than or equal to 100`);
    const noKeys = await failure<DynamoDBServiceException>(ddb.send(new BatchGetItemCommand({ RequestItems: { [a]: { Keys: [] } } })));
    assert.equal(noKeys.name, "ValidationException");
    assert.equal(noKeys.message, `1 validation error detected: Value at 'RequestItems.${a}.member.Keys' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    // AttributesToGet has at least one name (API reference, KeysAndAttributes), checked like Keys.
    const noNames = await failure<DynamoDBServiceException>(ddb.send(new BatchGetItemCommand({ RequestItems: { [a]: { Keys: keys(1), AttributesToGet: [] } } })));
    assert.equal(noNames.name, "ValidationException");
    assert.equal(noNames.message, `1 validation error detected: Value at 'RequestItems.${a}.member.AttributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1`);
    const keysAcross = await failure<DynamoDBServiceException>(ddb.send(new BatchGetItemCommand({ RequestItems: { [a]: { Keys: keys(60) }, [b]: { Keys: keys(60) } } })));
    assert.equal(keysAcross.message, "Too many items requested for the BatchGetItem call");
    const noTables = await failure<DynamoDBServiceException>(ddb.send(new BatchGetItemCommand({ RequestItems: {} })));
    assert.equal(noTables.message, "1 validation error detected: Value at 'RequestItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const badName = await failure<DynamoDBServiceException>(ddb.send(new BatchGetItemCommand({ RequestItems: { "bad!name": { Keys: [{ pk: { S: "a" } }] } } })));
    assert.equal(
      badName.message,
      `1 validation error detected: Value '{"bad!name":{"Keys":[{"pk":{"S":"a"}}]}}' at 'requestItems' failed to satisfy constraint: ` +
        "Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]",
    );
    // A projection expression for one table and AttributesToGet for another is a mix too.
    const mixed = await failure<DynamoDBServiceException>(
      ddb.send(new BatchGetItemCommand({ RequestItems: { [a]: { Keys: keys(1), ProjectionExpression: "v" }, [b]: { Keys: keys(1), AttributesToGet: ["id"] } } })),
    );
    assert.equal(mixed.name, "ValidationException");
    assert.equal(
      mixed.message,
      "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
    );
    const noTable = await failure<DynamoDBServiceException>(ddb.send(new BatchWriteItemCommand({ RequestItems: { "missing-table": [{ PutRequest: { Item: { id: { S: "x" } } } }] } })));
    assert.equal(noTable.name, "ResourceNotFoundException");
    assert.equal(noTable.message, "Requested resource not found");
  });

  test("a BatchWriteItem PutRequest without its table key, or with it mistyped, does not match the schema", async () => {
    // BatchWriteItem words these as a Key that does not fit (PutItem names the attribute); an
    // empty key value keeps its own message, as everywhere.
    const name = await table();
    const put = (item: Record<string, AttributeValue>) => ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: [{ PutRequest: { Item: item } }] } }));
    const items: Record<string, AttributeValue>[] = [{}, { other: { S: "a" } }, { id: { N: "5" } }, { id: { L: [{ S: "x" }] } }];
    for (const item of items) {
      const err = await failure<DynamoDBServiceException>(put(item));
      assert.equal(err.name, "ValidationException");
      assert.equal(err.message, "The provided key element does not match the schema", JSON.stringify(item));
    }
    const empty = await failure<DynamoDBServiceException>(put({ id: { S: "" } }));
    assert.equal(empty.message, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id");
    const single = await failure<DynamoDBServiceException>(ddb.send(new PutItemCommand({ TableName: name, Item: { id: { N: "5" } } })));
    assert.equal(single.message, "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N");
  });

  test("TransactWriteItems is all or nothing, with cancellation reasons in order", async () => {
    const accounts = await table();
    await ddb.send(new PutItemCommand({ TableName: accounts, Item: { id: { S: "alice" }, balance: { N: "100" } } }));
    await ddb.send(new PutItemCommand({ TableName: accounts, Item: { id: { S: "bob" }, balance: { N: "5" } } }));
    const transfer = (amount: string) =>
      ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: accounts,
                Key: { id: { S: "alice" } },
                UpdateExpression: "SET balance = balance - :a",
                ConditionExpression: "balance >= :a",
                ExpressionAttributeValues: { ":a": { N: amount } },
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
            { Update: { TableName: accounts, Key: { id: { S: "bob" } }, UpdateExpression: "SET balance = balance + :a", ExpressionAttributeValues: { ":a": { N: amount } } } },
            { Put: { TableName: accounts, Item: { id: { S: `log-${amount}` } }, ConditionExpression: "attribute_not_exists(id)" } },
          ],
          ReturnConsumedCapacity: "TOTAL",
        }),
      );
    const ok = await transfer("30");
    assert.deepEqual(ok.ConsumedCapacity, [{ TableName: accounts, CapacityUnits: 6, WriteCapacityUnits: 6 }]);
    const balance = async (id: string) => (await ddb.send(new GetItemCommand({ TableName: accounts, Key: { id: { S: id } }, ConsistentRead: true }))).Item?.balance?.N;
    assert.equal(await balance("alice"), "70");
    assert.equal(await balance("bob"), "35");

    const err = await failure<DynamoDBServiceException>(transfer("500"));
    assert.ok(err instanceof TransactionCanceledException);
    assert.equal(err.name, "TransactionCanceledException");
    assert.equal(err.message, "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed, None, None]");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.deepEqual(err.CancellationReasons, [
      { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: { id: { S: "alice" }, balance: { N: "70" } } },
      { Code: "None" },
      { Code: "None" },
    ]);
    assert.equal(await balance("alice"), "70");
    assert.equal(await balance("bob"), "35");
    const log = await ddb.send(new GetItemCommand({ TableName: accounts, Key: { id: { S: "log-500" } } }));
    assert.equal(log.Item, undefined, "nothing of a cancelled transaction is written");

    const sameItem = await failure<DynamoDBServiceException>(
      ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: accounts, Item: { id: { S: "x" } } } },
            { Delete: { TableName: accounts, Key: { id: { S: "x" } } } },
          ],
        }),
      ),
    );
    assert.equal(sameItem.name, "ValidationException");
    assert.equal(sameItem.message, "Transaction request cannot include multiple operations on one item");
  });

  test("in a transaction, bad key values refuse the request but a key that does not fit the schema cancels its action", async () => {
    const name = await table();
    const indexed = uniqueName("tx-idx");
    await ddb.send(
      new CreateTableCommand({
        TableName: indexed,
        AttributeDefinitions: [
          { AttributeName: "id", AttributeType: "S" },
          { AttributeName: "g", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const write = (item: NonNullable<TransactWriteItemsCommandInput["TransactItems"]>[number]) =>
      failure<DynamoDBServiceException>(ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: name, Item: { id: { S: "fine" } } } }, item] })));
    const cancelled = async (item: Parameters<typeof write>[0], message: string) => {
      const err = await write(item);
      assert.ok(err instanceof TransactionCanceledException, `${message}: ${err.name} ${err.message}`);
      assert.equal(err.message, "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ValidationError]");
      assert.deepEqual(err.CancellationReasons, [{ Code: "None" }, { Code: "ValidationError", Message: message }]);
    };
    const refused = async (item: Parameters<typeof write>[0], message: string) => {
      const err = await write(item);
      assert.equal(err.name, "ValidationException");
      assert.equal(err.message, message);
    };
    const schema = "The provided key element does not match the schema";
    await cancelled({ Put: { TableName: name, Item: { id: { N: "5" } } } }, "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N");
    await cancelled({ Put: { TableName: indexed, Item: { id: { S: "a" }, g: { L: [] } } } }, "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: L IndexName: byG");
    await cancelled({ Update: { TableName: indexed, Key: { id: { S: "a" } }, UpdateExpression: "SET g = :v", ExpressionAttributeValues: { ":v": { N: "5" } } } }, "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S Actual: N IndexName: byG");
    await cancelled({ Update: { TableName: name, Key: { id: { N: "5" } }, UpdateExpression: "SET a = :v", ExpressionAttributeValues: { ":v": { S: "x" } } } }, schema);
    // A mistyped value the update takes from the item is worded as UpdateItem words it: "The update
    // expression attempted to update the secondary index key to unsupported type", one of the
    // ValidationError messages the TransactWriteItems API reference lists.
    await ddb.send(new PutItemCommand({ TableName: indexed, Item: { id: { S: "copy" }, n: { N: "1" } } }));
    const unsupported = "The update expression attempted to update the secondary index key to unsupported type";
    await cancelled({ Update: { TableName: indexed, Key: { id: { S: "copy" } }, UpdateExpression: "SET g = n" } }, unsupported);
    await cancelled(
      { Update: { TableName: indexed, Key: { id: { S: "copy" } }, UpdateExpression: "SET g = if_not_exists(g, :v)", ExpressionAttributeValues: { ":v": { N: "5" } } } },
      unsupported,
    );
    await cancelled({ Delete: { TableName: name, Key: { id: { L: [{ S: "x" }] } } } }, schema);
    await cancelled({ ConditionCheck: { TableName: name, Key: { id: { N: "5" } }, ConditionExpression: "attribute_not_exists(id)" } }, schema);
    await refused({ Put: { TableName: name, Item: { id: { S: "" } } } }, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id");
    await refused({ Delete: { TableName: name, Key: { id: { S: "" } } } }, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id");
    await refused(
      { Put: { TableName: indexed, Item: { id: { S: "a" }, g: { S: "" } } } },
      "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: byG, IndexKey: g",
    );
    await refused(
      { Update: { TableName: indexed, Key: { id: { S: "a" } }, UpdateExpression: "SET g = :v", ExpressionAttributeValues: { ":v": { S: "" } } } },
      "One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty string value.",
    );
    const fine = await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "fine" } } }));
    assert.equal(fine.Item, undefined, "nothing of a cancelled transaction is written");

    const get = await failure<DynamoDBServiceException>(
      ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: name, Key: { id: { S: "a" } } } }, { Get: { TableName: name, Key: {} } }] })),
    );
    assert.ok(get instanceof TransactionCanceledException);
    assert.deepEqual(get.CancellationReasons, [{ Code: "None" }, { Code: "ValidationError", Message: schema }]);
  });

  // ScyllaDB Alternator's test_transact_write_cancellation_reasons_validationerror
  // (test/alternator/test_transact.py), which passes on DynamoDB: the first action that does not
  // fit its schema stops the validation; the rest are None, even a second misfit and a false condition.
  test("TransactWriteItems does not check how deep an expression value is nested; an Update that writes one too deep is cancelled", async () => {
    // paritysuite/dynamodb-conformance tests/tier3/limits/nestingDepth.test.ts "Nesting depth — TransactWriteItems" (us-east-1
    // runs the transaction; its Put items are still refused up front).
    const name = await table();
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "deep" }, marker: { S: "x" } } }));
    let deep: AttributeValue = { S: "leaf" };
    for (let i = 0; i < 32; i++) deep = { M: { n: deep } };
    const transact = (item: NonNullable<TransactWriteItemsCommandInput["TransactItems"]>[number]) => failure<DynamoDBServiceException>(ddb.send(new TransactWriteItemsCommand({ TransactItems: [item] })));
    const reasons = async (item: Parameters<typeof transact>[0]) => {
      const err = await transact(item);
      assert.ok(err instanceof TransactionCanceledException, `${err.name} ${err.message}`);
      return err.CancellationReasons;
    };
    const key = { id: { S: "deep" } };
    const cond = { ConditionExpression: "#d = :deep", ExpressionAttributeNames: { "#d": "data" } };
    assert.deepEqual(await reasons({ Update: { TableName: name, Key: key, UpdateExpression: "SET deep = :deep", ExpressionAttributeValues: { ":deep": deep } } }), [
      { Code: "ValidationError", Message: "Nesting Levels have exceeded supported limits" },
    ]);
    assert.deepEqual(await reasons({ Update: { TableName: name, Key: key, UpdateExpression: "SET touched = :t", ...cond, ExpressionAttributeValues: { ":t": { S: "y" }, ":deep": deep } } }).then((r) => r?.map((x) => x.Code)), ["ConditionalCheckFailed"]);
    assert.deepEqual(await reasons({ ConditionCheck: { TableName: name, Key: key, ...cond, ExpressionAttributeValues: { ":deep": deep } } }).then((r) => r?.map((x) => x.Code)), ["ConditionalCheckFailed"]);
    const put = await transact({ Put: { TableName: name, Item: { id: { S: "deeper" }, data: deep } } });
    assert.deepEqual([put.name, put.message], ["ValidationException", "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit"]);
  });

  test("in a transaction, only the first action whose key does not fit the schema is a ValidationError; the others are None", async () => {
    const name = await table();
    const err = await failure<DynamoDBServiceException>(
      ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: name, Item: { id: { N: "7" } } } },
            { Put: { TableName: name, Item: { id: { N: "8" } } } },
            { Put: { TableName: name, Item: { id: { S: "absent" } }, ConditionExpression: "attribute_exists(id)" } },
          ],
        }),
      ),
    );
    assert.ok(err instanceof TransactionCanceledException, `${err.name} ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, "Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError, None, None]");
    assert.deepEqual(err.CancellationReasons, [{ Code: "ValidationError", Message: "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N" }, { Code: "None" }, { Code: "None" }]);
  });

  // Measured on PutItem (ExtendDB/extenddb#365); ScyllaDB Alternator's
  // test_limit_attribute_length_nonkey_bad (test/alternator/test_limits.py, passes on DynamoDB).
  test("an attribute name of 65536 bytes is refused by PutItem and BatchWriteItem; 65535 are fine", async () => {
    const name = await table();
    const longest = "n".repeat(65_535);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "ok" }, [longest]: { N: "1" } } }));
    const stored = await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "ok" } } }));
    assert.deepEqual(stored.Item, { id: { S: "ok" }, [longest]: { N: "1" } });
    const message = "1 validation error detected: Attribute name is too large, must be less than 65536 bytes";
    for (const request of [
      ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "no" }, [`${longest}n`]: { N: "1" } } })),
      ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: [{ PutRequest: { Item: { id: { S: "no" }, [`${longest}n`]: { N: "1" } } } }] } })),
    ]) {
      const err = await failure<DynamoDBServiceException>(request);
      assert.equal(err.name, "ValidationException");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, message);
    }
    const none = await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "no" } } }));
    assert.equal(none.Item, undefined);
  });

  test("TransactWriteItems returns ItemCollectionMetrics for its writes to tables with local secondary indexes when asked for SIZE", async () => {
    // API reference, TransactWriteItems: ItemCollectionMetrics lists, per table, "information about
    // any item collections that were affected by individual UpdateItem, PutItem, or DeleteItem operations".
    const withLsi = uniqueName("txlsi");
    await ddb.send(
      new CreateTableCommand(
        hashRangeTable(withLsi, undefined, {
          AttributeDefinitions: [
            { AttributeName: "pk", AttributeType: "S" },
            { AttributeName: "sk", AttributeType: "S" },
            { AttributeName: "alt", AttributeType: "S" },
          ],
          LocalSecondaryIndexes: [
            { IndexName: "byAlt", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "alt", KeyType: "RANGE" }], Projection: { ProjectionType: "ALL" } },
          ],
        }),
      ),
    );
    const plain = await table();
    await ddb.send(new PutItemCommand({ TableName: withLsi, Item: { pk: { S: "b" }, sk: { S: "1" }, alt: { S: "x" } } }));
    await ddb.send(new PutItemCommand({ TableName: withLsi, Item: { pk: { S: "c" }, sk: { S: "1" } } }));
    const items: TransactWriteItemsCommandInput["TransactItems"] = [
      { Put: { TableName: withLsi, Item: { pk: { S: "a" }, sk: { S: "1" }, alt: { S: "y" } } } },
      { Update: { TableName: withLsi, Key: { pk: { S: "b" }, sk: { S: "1" } }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { N: "1" } } } },
      { Delete: { TableName: withLsi, Key: { pk: { S: "c" }, sk: { S: "1" } } } },
      { Put: { TableName: plain, Item: { id: { S: "p" } } } },
    ];
    const out = await ddb.send(new TransactWriteItemsCommand({ TransactItems: items, ReturnItemCollectionMetrics: "SIZE" }));
    assert.deepEqual(out.ItemCollectionMetrics, {
      [withLsi]: [
        { ItemCollectionKey: { pk: { S: "a" } }, SizeEstimateRangeGB: [0, 1] },
        { ItemCollectionKey: { pk: { S: "b" } }, SizeEstimateRangeGB: [0, 1] },
        { ItemCollectionKey: { pk: { S: "c" } }, SizeEstimateRangeGB: [0, 1] },
      ],
    });
    const none = await ddb.send(
      new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: withLsi, Item: { pk: { S: "d" }, sk: { S: "1" } } } }], ReturnItemCollectionMetrics: "NONE" }),
    );
    assert.equal(none.ItemCollectionMetrics, undefined);
    const plainOnly = await ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: plain, Item: { id: { S: "q" } } } }], ReturnItemCollectionMetrics: "SIZE" }));
    assert.equal(plainOnly.ItemCollectionMetrics, undefined);
    const bad = await failure<DynamoDBServiceException>(
      ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: plain, Item: { id: { S: "r" } } } }], ReturnItemCollectionMetrics: "ALL" as "SIZE" })),
    );
    assert.equal(bad.name, "ValidationException");
    assert.equal(bad.message, "1 validation error detected: Value 'ALL' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]");
    const notWritten = await ddb.send(new GetItemCommand({ TableName: plain, Key: { id: { S: "r" } }, ConsistentRead: true }));
    assert.equal(notWritten.Item, undefined);
  });

  test("ClientRequestToken makes TransactWriteItems idempotent for 10 minutes", async () => {
    const name = await table();
    const request = (token: string, v: string) =>
      new TransactWriteItemsCommand({
        ClientRequestToken: token,
        TransactItems: [{ Update: { TableName: name, Key: { id: { S: "counter" } }, UpdateExpression: "ADD n :v", ExpressionAttributeValues: { ":v": { N: v } } } }],
      });
    await ddb.send(request("token-1", "1"));
    await ddb.send(request("token-1", "1"));
    const count = async () => (await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "counter" } } }))).Item?.n?.N;
    assert.equal(await count(), "1");
    const mismatch = await failure<DynamoDBServiceException>(ddb.send(request("token-1", "2")));
    assert.equal(mismatch.name, "IdempotentParameterMismatchException");
    assert.equal(mismatch.$metadata.httpStatusCode, 400);
    nimbus.manualClock.advance(10 * 60 * 1000 + 1);
    await ddb.send(request("token-1", "1"));
    assert.equal(await count(), "2");
  });

  test("the same ClientRequestToken with an item's attributes in another order is the same request", async () => {
    // LocalStack's AWS-validated test_dynamodb_idempotent_writing (snapshot keys Response1, Response2):
    // {id, name} then {name, id} under one token both answer 200.
    const name = uniqueName("tx");
    await ddb.send(new CreateTableCommand(hashRangeTable(name, { hash: "id", range: "name" })));
    const put = (item: Record<string, AttributeValue>) =>
      ddb.send(new TransactWriteItemsCommand({ ClientRequestToken: "reordered-item", TransactItems: [{ Put: { TableName: name, Item: item } }] }));
    const first = await put({ id: { S: "id1" }, name: { S: "name1" } });
    const second = await put({ name: { S: "name1" }, id: { S: "id1" } });
    assert.equal(first.$metadata.httpStatusCode, 200);
    assert.equal(second.$metadata.httpStatusCode, 200);
  });

  test("a replay under the same ClientRequestToken reports the transactional read of each item, not the write", async () => {
    // Developer guide (transaction-apis.html): "Subsequent TransactWriteItems calls with the same
    // client token return the number of read capacity units consumed in reading the item";
    // paritysuite/dynamodb-conformance#68 and PR #74 (eu-west-2): a ~1.5 KB item is 4 write units, then 2 read units.
    const name = await table();
    const request = new TransactWriteItemsCommand({
      ClientRequestToken: "replay-capacity",
      TransactItems: [{ Put: { TableName: name, Item: { id: { S: "big" }, data: { S: "x".repeat(1500) } } } }],
      ReturnConsumedCapacity: "TOTAL",
    });
    const first = await ddb.send(request);
    assert.deepEqual(first.ConsumedCapacity, [{ TableName: name, CapacityUnits: 4, WriteCapacityUnits: 4 }]);
    const replay = await ddb.send(request);
    assert.deepEqual(replay.ConsumedCapacity, [{ TableName: name, CapacityUnits: 2, ReadCapacityUnits: 2 }]);
  });

  test("a replay is charged on the larger of each item's images the first call wrote, not on the item as it is now", async () => {
    // nubo-db/dynoxide#178 and PR #188 (tests/transactional_index_consumed_capacity.rs, captures S1, R1, S3 in eu-west-2):
    // a put shrinking a ~9 KB item, then its replay, is 18 then 6; a delete of one is 18 then 6, where the item now is small or gone.
    const name = await table();
    const big = { data: { S: "x".repeat(9000) } };
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "shrunk" }, ...big } }));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "deleted" }, ...big } }));
    const request = new TransactWriteItemsCommand({
      ClientRequestToken: uniqueName("replay-images"),
      TransactItems: [{ Put: { TableName: name, Item: { id: { S: "shrunk" } } } }, { Delete: { TableName: name, Key: { id: { S: "deleted" } } } }],
      ReturnConsumedCapacity: "TOTAL",
    });
    const first = await ddb.send(request);
    assert.deepEqual(first.ConsumedCapacity, [{ TableName: name, CapacityUnits: 36, WriteCapacityUnits: 36 }]);
    const replay = await ddb.send(request);
    assert.deepEqual(replay.ConsumedCapacity, [{ TableName: name, CapacityUnits: 12, ReadCapacityUnits: 12 }]);
  });

  test("a transaction doubles the write units of its table, not of its indexes", async () => {
    // nubo-db/dynoxide#178 and PR #188 (tests/transactional_index_consumed_capacity.rs, partiql_index_consumed_capacity.rs),
    // measured in eu-west-2: a transactional put of a GSI member is Table 2, GSI 1, total 3; its PartiQL INSERT the same.
    const name = uniqueName("txidx");
    await ddb.send(new CreateTableCommand(indexedTable(name)));
    const out = await ddb.send(
      new TransactWriteItemsCommand({
        TransactItems: [{ Put: { TableName: name, Item: { pk: { S: "a" }, sk: { N: "1" }, g: { S: "x" }, l: { S: "y" } } } }],
        ReturnConsumedCapacity: "INDEXES",
      }),
    );
    assert.deepEqual(out.ConsumedCapacity, [
      {
        TableName: name,
        CapacityUnits: 4,
        WriteCapacityUnits: 4,
        Table: { CapacityUnits: 2, WriteCapacityUnits: 2 },
        GlobalSecondaryIndexes: { byG: { CapacityUnits: 1, WriteCapacityUnits: 1 } },
        LocalSecondaryIndexes: { byL: { CapacityUnits: 1, WriteCapacityUnits: 1 } },
      },
    ]);
    const partiql = await ddb.send(
      new ExecuteTransactionCommand({ TransactStatements: [{ Statement: `INSERT INTO "${name}" VALUE {'pk': 'b', 'sk': 1, 'g': 'x'}` }], ReturnConsumedCapacity: "TOTAL" }),
    );
    assert.deepEqual(partiql.ConsumedCapacity, [{ TableName: name, CapacityUnits: 3, WriteCapacityUnits: 3 }]);
  });

  test("TransactGetItems reads several items at once, in order, at twice the cost", async () => {
    const name = await table();
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" }, v: { S: "1" } } }));
    const out = await ddb.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName: name, Key: { id: { S: "missing" } } } },
          { Get: { TableName: name, Key: { id: { S: "a" } }, ProjectionExpression: "v" } },
        ],
        ReturnConsumedCapacity: "TOTAL",
      }),
    );
    assert.deepEqual(out.Responses, [{}, { Item: { v: { S: "1" } } }]);
    assert.deepEqual(out.ConsumedCapacity, [{ TableName: name, CapacityUnits: 4, ReadCapacityUnits: 4 }]);
  });
  // Verified against DynamoDB: ExtendDB/extenddb#74 and PR #81, nubo-db/dynoxide#39 (TransactGetItems
  // leaves Item out) and #53 (GetItem and BatchGetItem keep Item {}).
  test("TransactGetItems leaves Item out where a projection matches nothing; GetItem answers Item {}", async () => {
    const name = await table();
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" }, v: { S: "1" } } }));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "b" }, v: { S: "1" } } }));
    const out = await ddb.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName: name, Key: { id: { S: "a" } }, ProjectionExpression: "absent" } },
          { Get: { TableName: name, Key: { id: { S: "b" } }, ProjectionExpression: "v, absent" } },
        ],
      }),
    );
    assert.deepEqual(out.Responses, [{}, { Item: { v: { S: "1" } } }]);
    const got = await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "a" } }, ProjectionExpression: "absent" }));
    assert.deepEqual(got.Item, {});
  });
  test("over 100 transaction actions are a constraint on transactItems, printed as AWS's Java front end prints the list", async () => {
    const name = await table();
    const writes = Array.from({ length: 101 }, (_, i) => ({ Put: { TableName: name, Item: { id: { S: `k${i}` } } } }));
    const tooMany = await failure<DynamoDBServiceException>(ddb.send(new TransactWriteItemsCommand({ TransactItems: writes })));
    assert.equal(tooMany.name, "ValidationException");
    assert.match(
      tooMany.message,
      /^1 validation error detected: Value '\[(com\.amazonaws\.dynamodb\.v20120810\.TransactWriteItem@[0-9a-f]+(, )?){101}\]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/,
    );
    // 100 is allowed.
    await ddb.send(new TransactWriteItemsCommand({ TransactItems: writes.slice(0, 100) }));
    const gets = Array.from({ length: 101 }, (_, i) => ({ Get: { TableName: name, Key: { id: { S: `k${i}` } } } }));
    const tooManyGets = await failure<DynamoDBServiceException>(ddb.send(new TransactGetItemsCommand({ TransactItems: gets })));
    assert.equal(tooManyGets.name, "ValidationException");
    assert.match(
      tooManyGets.message,
      /^1 validation error detected: Value '\[(com\.amazonaws\.dynamodb\.v20120810\.TransactGetItem@[0-9a-f]+(, )?){101}\]' at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100$/,
    );
    const hundred = await ddb.send(new TransactGetItemsCommand({ TransactItems: gets.slice(0, 100) }));
    assert.equal(hundred.Responses?.length, 100);
    const empty = await failure<DynamoDBServiceException>(ddb.send(new TransactWriteItemsCommand({ TransactItems: [] })));
    assert.equal(empty.message, "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length greater than or equal to 1");
    // An action names exactly one of the four; none is refused in other words than several
    // (dynamodb-conformance tier 3 error-messages/transactWriteItems, us-east-1).
    for (const [entry, message] of [
      [{}, "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request"],
      [{ Put: { TableName: name, Item: { id: { S: "p" } } }, Delete: { TableName: name, Key: { id: { S: "d" } } } }, "TransactItems can only contain one of Check, Put, Update or Delete"],
    ] as const) {
      const err = await failure<DynamoDBServiceException>(ddb.send(new TransactWriteItemsCommand({ TransactItems: [entry] })));
      assert.deepEqual([err.name, err.$metadata.httpStatusCode, err.message], ["ValidationException", 400, message]);
    }
  });

  test("TransactWriteItems reports its member constraints together, then every action's expressions and values, then looks up tables", async () => {
    // nubo-db/dynamodb-conformance tier 3 validation-ordering/transactions, captured against DynamoDB (us-east-1, eu-west-2, 2026-10-09).
    const name = await table();
    const missing = uniqueName("absent");
    const rcc = "Value 'BOGUS' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]";
    const ricm = "Value 'BOGUS2' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]";
    const put = { Put: { TableName: name, Item: { id: { S: "a" } } } };
    const refused = async (input: Record<string, unknown>): Promise<[string, number | undefined, string]> => {
      const err = await failure<DynamoDBServiceException>(ddb.send(new TransactWriteItemsCommand(input as never)));
      return [err.name, err.$metadata.httpStatusCode, err.message];
    };
    assert.deepEqual(await refused({ TransactItems: [put], ReturnConsumedCapacity: "BOGUS", ReturnItemCollectionMetrics: "BOGUS2" }), ["ValidationException", 400, `2 validation errors detected: ${rcc}; ${ricm}`]);
    const token = "x".repeat(37);
    assert.deepEqual(await refused({ TransactItems: [put], ClientRequestToken: token, ReturnConsumedCapacity: "BOGUS" }), [
      "ValidationException",
      400,
      `2 validation errors detected: Value '${token}' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36; ${rcc}`,
    ]);
    const absentPut = { Put: { TableName: missing, Item: { id: { S: "a" } } } };
    const badCheck = { ConditionCheck: { TableName: name, Key: { id: { S: "c" } }, ConditionExpression: "attribute_not_exists(" } };
    assert.deepEqual(await refused({ TransactItems: [absentPut, badCheck] }), ["ValidationException", 400, 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "("']);
    const unusedCheck = { ConditionCheck: { TableName: name, Key: { id: { S: "c" } }, ConditionExpression: "attribute_not_exists(id)", ExpressionAttributeValues: { ":v": { S: "x" } } } };
    assert.deepEqual(await refused({ TransactItems: [absentPut, unusedCheck] }), ["ValidationException", 400, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}"]);
  });

  test("TransactWriteItems refuses a Put whose Item has an attribute named \"\", in request order, ahead of a value nested past the limit", async () => {
    // paritysuite/dynamodb-conformance tests/tier3/validation-ordering/deepRequests.test.ts, "Deep requests - TransactWriteItems
    // action order" (eu-west-2, us-east-1 and eight more Regions, 2026-10-09). Every table is absent: each answer comes first.
    const missing = uniqueName("absent");
    const deep = (depth: number): AttributeValue => (depth === 0 ? { S: "leaf" } : { M: { n: deep(depth - 1) } });
    const nest = "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit";
    const refused = async (TransactItems: unknown[]): Promise<[string, number | undefined, string]> => {
      const err = await failure<DynamoDBServiceException>(ddb.send(new TransactWriteItemsCommand({ TransactItems } as never)));
      return [err.name, err.$metadata.httpStatusCode, err.message];
    };
    const put = (Item: Record<string, AttributeValue>) => ({ Put: { TableName: missing, Item } });
    const empty = "Empty attribute name";
    assert.deepEqual(await refused([put({ id: { S: "a" }, "": { S: "x" } })]), ["ValidationException", 400, empty]);
    assert.deepEqual(await refused([put({ id: { S: "a" }, "": { S: "x" } }), put({ id: { S: "b" }, d: deep(100) })]), ["ValidationException", 400, empty]);
    assert.deepEqual(await refused([put({ id: { S: "a" }, d: deep(100), "": { S: "x" } })]), ["ValidationException", 400, empty]);
    const deepCheck = { ConditionCheck: { TableName: missing, Key: { id: { S: "b" } }, ConditionExpression: "d = :deep", ExpressionAttributeValues: { ":deep": deep(100) } } };
    assert.deepEqual(await refused([put({ id: { S: "a" }, "": { S: "x" } }), deepCheck]), ["ValidationException", 400, empty]);
    // An earlier action's problem comes first; an empty key inside a map is no top-level name.
    assert.deepEqual(await refused([put({ id: { S: "b" }, d: deep(40) }), put({ id: { S: "a" }, "": { S: "x" } })]), ["ValidationException", 400, nest]);
    assert.deepEqual(await refused([put({ id: { S: "a" }, m: { M: { "": { S: "x" } } }, d: deep(40) })]), ["ValidationException", 400, nest]);
  });

  test("TransactWriteItems refuses an Update's UpdateExpression over 4 KB without the size tail its conditions carry", async () => {
    // paritysuite/dynamodb-conformance tests/tier3/validation-ordering/deepRequests.test.ts "reports an oversized UpdateExpression
    // before a later ConditionCheck key nested 100 levels" and "reports an oversized condition before the same Delete key nested
    // 100 levels" (eu-west-2, us-east-1, 2026-10-09).
    const missing = uniqueName("absent");
    const refused = async (TransactItems: unknown[]): Promise<[string, number | undefined, string]> => {
      const err = await failure<DynamoDBServiceException>(ddb.send(new TransactWriteItemsCommand({ TransactItems } as never)));
      return [err.name, err.$metadata.httpStatusCode, err.message];
    };
    const UpdateExpression = "SET " + Array.from({ length: 500 }, (_, i) => `a${i} = :v`).join(", ");
    assert.deepEqual(await refused([{ Update: { TableName: missing, Key: { id: { S: "a" } }, UpdateExpression, ExpressionAttributeValues: { ":v": { S: "x" } } } }]), [
      "ValidationException",
      400,
      "Invalid UpdateExpression: Expression size has exceeded the maximum allowed size;",
    ]);
    const ConditionExpression = "a = :v" + " AND a = :v".repeat(373);
    assert.deepEqual(await refused([{ Delete: { TableName: missing, Key: { id: { S: "a" } }, ConditionExpression, ExpressionAttributeValues: { ":v": { S: "x" } } } }]), [
      "ValidationException",
      400,
      "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4109",
    ]);
  });

  test("TransactWriteItems names an action's malformed member by its path: position and type", async () => {
    // dynamodb-conformance tier 3 error-messages/transactWriteItems, captured against DynamoDB (us-east-1, eu-west-2, 2026-10-08/09).
    const name = await table();
    const pattern = "failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";
    const refused = async (item: Record<string, unknown>, first?: Record<string, unknown>): Promise<[string, number | undefined, string]> => {
      const err = await failure<DynamoDBServiceException>(ddb.send(new TransactWriteItemsCommand({ TransactItems: [...(first ? [first] : []), item] } as never)));
      return [err.name, err.$metadata.httpStatusCode, err.message];
    };
    const key = { id: { S: "a" } };
    assert.deepEqual(await refused({ Put: { TableName: "bad!name", Item: key } }), ["ValidationException", 400, `1 validation error detected: Value 'bad!name' at 'transactItems.1.member.put.tableName' ${pattern}`]);
    const update = { Update: { TableName: "bad!name", Key: key, UpdateExpression: "SET a = :a", ExpressionAttributeValues: { ":a": { S: "x" } } } };
    assert.deepEqual(await refused(update, { Put: { TableName: name, Item: { id: { S: "first" } } } }), [
      "ValidationException",
      400,
      `1 validation error detected: Value 'bad!name' at 'transactItems.2.member.update.tableName' ${pattern}`,
    ]);
    assert.equal((await refused({ Delete: { TableName: "bad!name", Key: key } }))[2], `1 validation error detected: Value 'bad!name' at 'transactItems.1.member.delete.tableName' ${pattern}`);
    const check = { ConditionCheck: { TableName: "bad!name", Key: key, ConditionExpression: "attribute_exists(id)" } };
    assert.equal((await refused(check))[2], `1 validation error detected: Value 'bad!name' at 'transactItems.1.member.conditionCheck.tableName' ${pattern}`);
    assert.equal(
      (await refused({ Put: { TableName: name, Item: key, ConditionExpression: "attribute_not_exists(id)", ReturnValuesOnConditionCheckFailure: "BOGUS" } }))[2],
      "1 validation error detected: Value 'BOGUS' at 'transactItems.1.member.put.returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]",
    );
    assert.equal((await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "first" } } }))).Item, undefined);
    // TransactGetItems names its Gets so too (error-messages/transactGetItems, us-east-1 and eu-west-2, 2026-10-09).
    const get = await failure<DynamoDBServiceException>(
      ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: name, Key: key } }, { Get: { TableName: "bad!name", Key: key } }] })),
    );
    assert.deepEqual([get.name, get.$metadata.httpStatusCode, get.message], ["ValidationException", 400, `1 validation error detected: Value 'bad!name' at 'transactItems.2.member.get.tableName' ${pattern}`]);
  });

  test("batches report their enums (and BatchGetItem a malformed table name) together, before any table", async () => {
    // nubo-db/dynamodb-conformance tier 3 validation-ordering/batch, captured against DynamoDB (us-east-1, eu-west-2, 2026-10-09).
    const name = await table();
    const rcc = "Value 'BOGUS' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]";
    const ricm = "Value 'BOGUS2' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]";
    const both = await failure<DynamoDBServiceException>(
      ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: [{ PutRequest: { Item: { id: { S: "both" } } } }] }, ReturnConsumedCapacity: "BOGUS" as "NONE", ReturnItemCollectionMetrics: "BOGUS2" as "NONE" })),
    );
    assert.deepEqual([both.name, both.$metadata.httpStatusCode, both.message], ["ValidationException", 400, `2 validation errors detected: ${rcc}; ${ricm}`]);
    const onlyMetrics = await failure<DynamoDBServiceException>(
      ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: [{ PutRequest: { Item: { id: { S: "ricm" } } } }] }, ReturnItemCollectionMetrics: "BOGUS2" as "NONE" })),
    );
    assert.equal(onlyMetrics.message, `1 validation error detected: ${ricm}`);
    assert.equal((await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "ricm" } } }))).Item, undefined);
    const badName = await failure<DynamoDBServiceException>(ddb.send(new BatchGetItemCommand({ RequestItems: { "bad!name": { Keys: [{ pk: { S: "a" } }] } }, ReturnConsumedCapacity: "BOGUS" as "NONE" })));
    assert.equal(
      badName.message,
      `2 validation errors detected: Value '{"bad!name":{"Keys":[{"pk":{"S":"a"}}]}}' at 'requestItems' failed to satisfy constraint: ` +
        `Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]; ${rcc}`,
    );
  });

  test("BatchWriteItem checks its requests before it looks for their tables", async () => {
    // dynalite's suite, run against DynamoDB: an item over 400 KB for a table that does not exist
    // is a ValidationException, as is an empty WriteRequest or a bad attribute value.
    const missing = uniqueName("tx-missing");
    const write = (request: Record<string, unknown>) => failure<DynamoDBServiceException>(ddb.send(new BatchWriteItemCommand({ RequestItems: { [missing]: [request] } })));
    const big = await write({ PutRequest: { Item: { id: { S: "a" }, b: { S: "x".repeat(400 * 1024) } } } });
    assert.equal(big.name, "ValidationException");
    assert.equal(big.message, "Item size has exceeded the maximum allowed size");
    const emptyRequest = await write({});
    assert.equal(emptyRequest.name, "ValidationException");
    assert.equal(emptyRequest.message, "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
    const badNumber = await write({ DeleteRequest: { Key: { id: { N: "b" } } } });
    assert.equal(badNumber.name, "ValidationException");
    assert.equal(badNumber.message, "The parameter cannot be converted to a numeric value: b");
    const fits = await write({ PutRequest: { Item: { id: { S: "a" }, b: { S: "x".repeat(400 * 1024 - 10) } } } });
    assert.equal(fits.name, "ResourceNotFoundException");
    assert.equal(fits.message, "Requested resource not found");
    // On a table that exists, the same item is still refused for its size, and nothing is written.
    const name = await table();
    const refused = await failure<DynamoDBServiceException>(
      ddb.send(
        new BatchWriteItemCommand({
          RequestItems: { [name]: [{ PutRequest: { Item: { id: { S: "ok" } } } }, { PutRequest: { Item: { id: { S: "a" }, b: { S: "x".repeat(400 * 1024) } } } }] },
        }),
      ),
    );
    assert.equal(refused.message, "Item size has exceeded the maximum allowed size");
    assert.equal((await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "ok" } } }))).Item, undefined);
  });

  test("BatchGetItem checks its key values before it looks for their tables", async () => {
    // dynalite's suite, run against DynamoDB: a bad key value for a table that does not exist is a
    // ValidationException; an empty Key there is ResourceNotFoundException (the schema needs the table).
    const missing = uniqueName("tx-missing");
    const read = (key: Record<string, AttributeValue>) => failure<DynamoDBServiceException>(ddb.send(new BatchGetItemCommand({ RequestItems: { [missing]: { Keys: [key] } } })));
    const badNumber = await read({ a: { N: "b" } });
    assert.equal(badNumber.name, "ValidationException");
    assert.equal(badNumber.message, "The parameter cannot be converted to a numeric value: b");
    const huge = await read({ a: { N: "1e126" } });
    assert.equal(huge.message, "Number overflow. Attempting to store a number with magnitude larger than supported range");
    const empty = await read({});
    assert.equal(empty.name, "ResourceNotFoundException");
    assert.equal(empty.message, "Requested resource not found");
    const name = await table();
    const schema = await failure<DynamoDBServiceException>(ddb.send(new BatchGetItemCommand({ RequestItems: { [name]: { Keys: [{}] } } })));
    assert.equal(schema.message, "The provided key element does not match the schema");
  });

  // AWS writes this error's text under "Message", the member its model names (captured bodies in
  // aws/aws-sdk-net#1292, boto/boto3#2657). SDKs that decode the error by its members (Go v2's
  // types.TransactionCanceledException, .NET) read only that key: a "message" reached them empty,
  // while ConditionalCheckFailedException's member is "message".
  test("TransactionCanceledException's wire body carries its text under Message; ConditionalCheckFailedException's under message", async () => {
    const name = await table();
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "taken" } } }));
    const raw = jsonService(() => nimbus, { targetPrefix: "DynamoDB_20120810", version: "1.0", signingName: "dynamodb" });
    const put = { TableName: name, Item: { id: { S: "taken" } }, ConditionExpression: "attribute_not_exists(id)" };
    const cancelled = await raw.call("TransactWriteItems", { TransactItems: [{ Put: put }] });
    assert.equal(cancelled.status, 400);
    assert.deepEqual(cancelled.body, {
      __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
      Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]",
      CancellationReasons: [{ Code: "ConditionalCheckFailed", Message: "The conditional request failed" }],
    });
    const failed = await raw.call("PutItem", put);
    assert.equal(failed.status, 400);
    assert.deepEqual(failed.body, { __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", message: "The conditional request failed" });
  });
});
