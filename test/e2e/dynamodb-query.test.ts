import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  DeleteItemCommand,
  type AttributeValue,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import { hashRangeTable, hashTable } from "./dynamodb-fixtures.js";
import { startTestNimbus, uniqueName, type TestNimbus, failure } from "./harness.js";

describe("DynamoDB Query and Scan", () => {
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

  /** The message of the 400 ValidationException a Query or Scan is refused with. */
  const refused = async (command: QueryCommand | ScanCommand): Promise<string> => {
    const err = await failure<DynamoDBServiceException>(ddb.send(command as QueryCommand));
    assert.equal(err.name, "ValidationException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    return err.message;
  };


  /** Orders: pk customer (S), sk order number (N), GSI by status, LSI by total. */
  async function ordersTable(): Promise<string> {
    const name = uniqueName("orders");
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: "customer", AttributeType: "S" },
          { AttributeName: "order", AttributeType: "N" },
          { AttributeName: "status", AttributeType: "S" },
          { AttributeName: "total", AttributeType: "N" },
        ],
        KeySchema: [
          { AttributeName: "customer", KeyType: "HASH" },
          { AttributeName: "order", KeyType: "RANGE" },
        ],
        BillingMode: "PAY_PER_REQUEST",
        GlobalSecondaryIndexes: [
          {
            IndexName: "byStatus",
            KeySchema: [
              { AttributeName: "status", KeyType: "HASH" },
              { AttributeName: "order", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["total"] },
          },
        ],
        LocalSecondaryIndexes: [
          {
            IndexName: "byTotal",
            KeySchema: [
              { AttributeName: "customer", KeyType: "HASH" },
              { AttributeName: "total", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "KEYS_ONLY" },
          },
        ],
      }),
    );
    const orders: [string, string, string, string, string][] = [
      ["alice", "-5", "open", "10.5", "pen"],
      ["alice", "2", "shipped", "200", "desk"],
      ["alice", "10", "open", "3", "ink"],
      ["alice", "1.5", "open", "99", "lamp"],
      ["bob", "1", "open", "7", "book"],
    ];
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [name]: orders.map(([customer, order, status, total, what]) => ({
            PutRequest: { Item: { customer: { S: customer }, order: { N: order }, status: { S: status }, total: { N: total }, what: { S: what } } },
          })),
        },
      }),
    );
    return name;
  }

  const orderNumbers = (items: Record<string, AttributeValue>[] | undefined) => items?.map((i) => i.order?.N);

  test("Query orders by numeric sort key, both directions, with sort key conditions", async () => {
    const name = await ordersTable();
    const q = (expr: string, values: Record<string, AttributeValue>, forward = true) =>
      ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: expr, ExpressionAttributeValues: values, ScanIndexForward: forward }));
    const all = await q("customer = :c", { ":c": { S: "alice" } });
    assert.deepEqual(orderNumbers(all.Items), ["-5", "1.5", "2", "10"]);
    assert.equal(all.Count, 4);
    assert.equal(all.ScannedCount, 4);
    assert.deepEqual(orderNumbers((await q("customer = :c", { ":c": { S: "alice" } }, false)).Items), ["10", "2", "1.5", "-5"]);
    const between = await ddb.send(
      new QueryCommand({
        TableName: name,
        KeyConditionExpression: "customer = :c AND #o BETWEEN :a AND :b",
        ExpressionAttributeNames: { "#o": "order" },
        ExpressionAttributeValues: { ":c": { S: "alice" }, ":a": { N: "0" }, ":b": { N: "2" } },
      }),
    );
    assert.deepEqual(orderNumbers(between.Items), ["1.5", "2"]);
    const lt = await ddb.send(
      new QueryCommand({
        TableName: name,
        KeyConditionExpression: "customer = :c AND #o < :x",
        ExpressionAttributeNames: { "#o": "order" },
        ExpressionAttributeValues: { ":c": { S: "alice" }, ":x": { N: "2" } },
        ScanIndexForward: false,
      }),
    );
    assert.deepEqual(orderNumbers(lt.Items), ["1.5", "-5"]);
    // Legacy KeyConditions select the same range.
    const legacy = await ddb.send(
      new QueryCommand({
        TableName: name,
        KeyConditions: {
          customer: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "alice" }] },
          order: { ComparisonOperator: "GE", AttributeValueList: [{ N: "2" }] },
        },
      }),
    );
    assert.deepEqual(orderNumbers(legacy.Items), ["2", "10"]);
  });

  test("Query with FilterExpression, ProjectionExpression, Select COUNT, Limit and pagination", async () => {
    const name = await ordersTable();
    const filtered = await ddb.send(
      new QueryCommand({
        TableName: name,
        KeyConditionExpression: "customer = :c",
        FilterExpression: "#s = :open",
        ProjectionExpression: "#o, what",
        ExpressionAttributeNames: { "#s": "status", "#o": "order" },
        ExpressionAttributeValues: { ":c": { S: "alice" }, ":open": { S: "open" } },
      }),
    );
    assert.deepEqual(filtered.Items, [
      { order: { N: "-5" }, what: { S: "pen" } },
      { order: { N: "1.5" }, what: { S: "lamp" } },
      { order: { N: "10" }, what: { S: "ink" } },
    ]);
    assert.equal(filtered.Count, 3);
    assert.equal(filtered.ScannedCount, 4);
    const count = await ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "customer = :c", ExpressionAttributeValues: { ":c": { S: "alice" } }, Select: "COUNT" }));
    assert.equal(count.Items, undefined);
    assert.equal(count.Count, 4);

    const seen: (string | undefined)[] = [];
    let start: Record<string, AttributeValue> | undefined;
    let pages = 0;
    do {
      const page = await ddb.send(
        new QueryCommand({ TableName: name, KeyConditionExpression: "customer = :c", ExpressionAttributeValues: { ":c": { S: "alice" } }, Limit: 2, ExclusiveStartKey: start }),
      );
      pages++;
      seen.push(...(orderNumbers(page.Items) ?? []));
      start = page.LastEvaluatedKey;
      if (start) assert.deepEqual(Object.keys(start).sort(), ["customer", "order"]);
    } while (start && pages < 10);
    assert.deepEqual(seen, ["-5", "1.5", "2", "10"]);
    // A page ending exactly at Limit still carries LastEvaluatedKey; the next one is empty.
    assert.equal(pages, 3);

    const outside = await failure<DynamoDBServiceException>(
      ddb.send(
        new QueryCommand({
          TableName: name,
          KeyConditionExpression: "customer = :c",
          ExpressionAttributeValues: { ":c": { S: "alice" } },
          ExclusiveStartKey: { customer: { S: "bob" }, order: { N: "1" } },
        }),
      ),
    );
    assert.equal(outside.message, "The provided starting key is outside query boundaries based on provided conditions");
    const badStart = await failure<DynamoDBServiceException>(
      ddb.send(
        new QueryCommand({ TableName: name, KeyConditionExpression: "customer = :c", ExpressionAttributeValues: { ":c": { S: "alice" } }, ExclusiveStartKey: { customer: { S: "alice" } } }),
      ),
    );
    assert.equal(badStart.message, "The provided starting key is invalid");
    // With a sort key condition, the start key's sort key must satisfy it, then its partition must be the one queried.
    const startAt = (condition: string, start: Record<string, AttributeValue>) =>
      failure<DynamoDBServiceException>(
        ddb.send(
          new QueryCommand({ TableName: name, KeyConditionExpression: `customer = :c AND ${condition}`, ExpressionAttributeNames: { "#o": "order" }, ExpressionAttributeValues: { ":c": { S: "alice" }, ":z": { N: "2" } }, ExclusiveStartKey: start }),
        ),
      );
    assert.equal((await startAt("#o > :z", { customer: { S: "alice" }, order: { N: "1" } })).message, "The provided starting key does not match the range key predicate");
    assert.equal((await startAt("#o > :z", { customer: { S: "bob" }, order: { N: "1" } })).message, "The provided starting key does not match the range key predicate");
    assert.equal((await startAt("#o <= :z", { customer: { S: "bob" }, order: { N: "1" } })).message, "The query can return at most one row and cannot be restarted");
    const resumed = await ddb.send(
      new QueryCommand({ TableName: name, KeyConditionExpression: "customer = :c AND #o <= :z", ExpressionAttributeNames: { "#o": "order" }, ExpressionAttributeValues: { ":c": { S: "alice" }, ":z": { N: "2" } }, ExclusiveStartKey: { customer: { S: "alice" }, order: { N: "1.5" } } }),
    );
    assert.deepEqual(orderNumbers(resumed.Items), ["2"]);
    // A Scan of the table says more about a start key that does not fit; a Scan of an index does not.
    const scanStart = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, ExclusiveStartKey: { customer: { S: "alice" } } })));
    assert.equal(scanStart.message, "The provided starting key is invalid: The provided key element does not match the schema");
    const indexStart = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, IndexName: "byStatus", ExclusiveStartKey: { customer: { S: "alice" }, order: { N: "1" } } })));
    assert.equal(indexStart.message, "The provided starting key is invalid");

    const filterOnKey = await failure<DynamoDBServiceException>(
      ddb.send(
        new QueryCommand({
          TableName: name,
          KeyConditionExpression: "customer = :c",
          FilterExpression: "#o > :z",
          ExpressionAttributeNames: { "#o": "order" },
          ExpressionAttributeValues: { ":c": { S: "alice" }, ":z": { N: "0" } },
        }),
      ),
    );
    assert.equal(filterOnKey.message, "Filter Expression can only contain non-primary key attributes: Primary key attribute: order");
    const noPartition = await failure<DynamoDBServiceException>(
      ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "#o = :z", ExpressionAttributeNames: { "#o": "order" }, ExpressionAttributeValues: { ":z": { N: "0" } } })),
    );
    assert.equal(noPartition.message, "Query condition missed key schema element: customer");
  });

  test("an ExclusiveStartKey on an index: its size and index key first, in their own words, then the Select, then the table key", async () => {
    // dynalite's test table: a, b the table's key; index1 a local index on c; index3 a global one on c; index4 on c and d, INCLUDE e.
    const name = uniqueName("startkeys");
    const s = (AttributeName: string) => ({ AttributeName, AttributeType: "S" as const });
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [s("a"), s("b"), s("c"), s("d")],
        KeySchema: [{ AttributeName: "a", KeyType: "HASH" }, { AttributeName: "b", KeyType: "RANGE" }],
        BillingMode: "PAY_PER_REQUEST",
        LocalSecondaryIndexes: [{ IndexName: "index1", KeySchema: [{ AttributeName: "a", KeyType: "HASH" }, { AttributeName: "c", KeyType: "RANGE" }], Projection: { ProjectionType: "ALL" } }],
        GlobalSecondaryIndexes: [
          { IndexName: "index3", KeySchema: [{ AttributeName: "c", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } },
          { IndexName: "index4", KeySchema: [{ AttributeName: "c", KeyType: "HASH" }, { AttributeName: "d", KeyType: "RANGE" }], Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["e"] } },
        ],
      }),
    );
    const S = (v: string): AttributeValue => ({ S: v });
    const N = (v: string): AttributeValue => ({ N: v });
    const scan = async (IndexName: string, ExclusiveStartKey: Record<string, AttributeValue>, Select?: "ALL_ATTRIBUTES") =>
      (await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, IndexName, ExclusiveStartKey, Select })))).message;
    const invalid = "The provided starting key is invalid";
    const mismatch = "The provided key element does not match the schema";
    // Another size, or without an attribute of the index's key.
    assert.equal(await scan("index1", { a: S("a"), b: S("a") }), invalid);
    assert.equal(await scan("index1", { a: S("a"), b: S("a"), z: S("a") }), invalid);
    assert.equal(await scan("index3", { a: S("a"), b: S("a"), z: S("a") }), invalid);
    // An attribute of the index's key of another type.
    assert.equal(await scan("index1", { a: S("a"), b: S("a"), c: N("1") }), mismatch);
    assert.equal(await scan("index1", { a: N("1"), x: S("1"), y: S("1") }), mismatch);
    assert.equal(await scan("index3", { x: S("1"), y: S("1"), c: N("1") }), mismatch);
    assert.equal(await scan("index4", { x: N("1"), y: N("1"), c: S("1"), d: N("1") }), mismatch);
    // The index key fits, the table's key does not.
    assert.equal(await scan("index1", { a: S("1"), b: N("1"), c: S("a") }), `${invalid}: ${mismatch}`);
    assert.equal(await scan("index3", { a: N("1"), b: S("1"), c: S("a") }), `${invalid}: ${mismatch}`);
    assert.equal(await scan("index3", { x: N("1"), y: N("1"), c: S("a") }), `${invalid}: ${mismatch}`);
    // ALL_ATTRIBUTES on index4 is refused after the index key, before the table key.
    assert.equal(await scan("index4", { a: N("1"), b: N("1"), c: S("1"), e: N("1") }, "ALL_ATTRIBUTES"), invalid);
    assert.equal(
      await scan("index4", { x: N("1"), y: N("1"), c: S("a"), d: S("a") }, "ALL_ATTRIBUTES"),
      "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index index4 because its projection type is not ALL",
    );
    // A Query words its own key alike, table or index.
    const query = async (IndexName: string | undefined, KeyConditionExpression: string, ExclusiveStartKey: Record<string, AttributeValue>, Select?: "ALL_ATTRIBUTES") =>
      (await failure<DynamoDBServiceException>(ddb.send(new QueryCommand({ TableName: name, IndexName, KeyConditionExpression, ExpressionAttributeValues: { ":v": S("1") }, ExclusiveStartKey, Select })))).message;
    assert.equal(await query(undefined, "a = :v", { a: N("1"), b: S("a") }), mismatch);
    assert.equal(await query(undefined, "a = :v", { a: S("1"), b: N("1") }), mismatch);
    assert.equal(await query(undefined, "a = :v", { a: S("1"), z: S("1") }), invalid);
    assert.equal(await query("index1", "a = :v", { a: { B: new Uint8Array([97]) }, b: S("1"), c: S("1") }), mismatch);
    assert.equal(await query("index3", "c = :v", { a: S("1"), b: N("1"), c: S("1") }), `${invalid}: ${mismatch}`);
    // A Query checks the whole start key before it refuses ALL_ATTRIBUTES.
    assert.equal(await query("index4", "c = :v", { a: N("1"), b: N("1"), c: S("1"), e: N("1") }, "ALL_ATTRIBUTES"), invalid);
    assert.equal(await query("index4", "c = :v", { a: S("1"), b: N("1"), c: S("a"), d: S("a") }, "ALL_ATTRIBUTES"), `${invalid}: ${mismatch}`);
  });

  test("a Scan's expressions and a Query's expression maps are checked before the table is looked up", async () => {
    const missing = uniqueName("missing");
    assert.equal(await refused(new ScanCommand({ TableName: missing, FilterExpression: "a = :a", ExpressionAttributeValues: {} })), "ExpressionAttributeValues must not be empty");
    assert.equal(await refused(new ScanCommand({ TableName: missing, FilterExpression: "#a = b", ExpressionAttributeNames: {} })), "ExpressionAttributeNames must not be empty");
    assert.match(await refused(new ScanCommand({ TableName: missing, FilterExpression: "a > 4" })), /^Invalid FilterExpression: Syntax error; /);
    assert.equal(
      await refused(new ScanCommand({ TableName: missing, FilterExpression: ":a < :b" })),
      "Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :a",
    );
    assert.equal(await refused(new QueryCommand({ TableName: missing, KeyConditionExpression: "a = :a", ExpressionAttributeValues: {} })), "ExpressionAttributeValues must not be empty");
    assert.equal(await refused(new QueryCommand({ TableName: missing, KeyConditionExpression: "#a = b", ExpressionAttributeNames: {} })), "ExpressionAttributeNames must not be empty");
    // A request that passes them learns that the table is missing.
    const notFound = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: missing, FilterExpression: "a = :a", ExpressionAttributeValues: { ":a": { S: "x" } } })));
    assert.equal(notFound.name, "ResourceNotFoundException");
  });

  test("a Query's expressions, QueryFilter and AttributesToGet are checked before the table is looked up", async () => {
    // dynalite's query tests (run against DynamoDB) get these from table 'abc', which does not exist.
    const missing = uniqueName("missing");
    const refusedQuery = (input: ConstructorParameters<typeof QueryCommand>[0]) => refused(new QueryCommand(input));
    const invalid = "One or more parameter values were invalid: ";
    assert.match(await refusedQuery({ TableName: missing, KeyConditionExpression: "a = " }), /^Invalid KeyConditionExpression: Syntax error; /);
    assert.equal(await refusedQuery({ TableName: missing, KeyConditionExpression: "a = :a", ExpressionAttributeValues: { ":a": { S: "x" } }, FilterExpression: "" }), "Invalid FilterExpression: The expression can not be empty;");
    assert.equal(await refusedQuery({ TableName: missing, KeyConditionExpression: "a = :a", ExpressionAttributeValues: { ":a": { S: "x" }, ":b": { S: "y" } } }), "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}");
    const keyConditions = { a: { ComparisonOperator: "EQ" as const, AttributeValueList: [{ S: "x" }] } };
    assert.equal(await refusedQuery({ TableName: missing, KeyConditions: keyConditions, QueryFilter: { b: { ComparisonOperator: "EQ" } } }), `${invalid}Invalid number of argument(s) for the EQ ComparisonOperator`);
    assert.equal(await refusedQuery({ TableName: missing, KeyConditions: keyConditions, QueryFilter: { b: { ComparisonOperator: "EQ", AttributeValueList: [{ N: "x" }] } } }), "The parameter cannot be converted to a numeric value: x");
    // QueryFilter before KeyConditions, AttributesToGet before the key condition is required.
    assert.equal(
      await refusedQuery({ TableName: missing, KeyConditions: { a: { ComparisonOperator: "EQ" } }, QueryFilter: { b: { ComparisonOperator: "NULL", AttributeValueList: [{ S: "x" }] } } }),
      `${invalid}Invalid number of argument(s) for the NULL ComparisonOperator`,
    );
    assert.equal(await refusedQuery({ TableName: missing, AttributesToGet: ["a", "a"] }), `${invalid}Duplicate value in attribute name: a`);
    assert.equal(await refusedQuery({ TableName: missing }), "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
    const notFound = await failure<DynamoDBServiceException>(ddb.send(new QueryCommand({ TableName: missing, KeyConditionExpression: "a = :a", ExpressionAttributeValues: { ":a": { S: "x" } } })));
    assert.equal(notFound.name, "ResourceNotFoundException");
  });

  test("ExclusiveStartKey's values and KeyConditions are checked before the table is looked up, before the expression maps", async () => {
    // dynalite's query and scan tests (run against DynamoDB), on table 'abc', which does not exist.
    const missing = uniqueName("missing");
    const invalid = "One or more parameter values were invalid: ";
    const key = { KeyConditionExpression: "", ExpressionAttributeNames: {}, ExpressionAttributeValues: {} };
    // Most of a start key's errors are prefixed, those of numbers, an empty number set and a set's duplicates are not.
    assert.equal(await refused(new QueryCommand({ TableName: missing, ...key, ExclusiveStartKey: { a: { SS: [] } } })), `The provided starting key is invalid: ${invalid}An string set  may not be empty`);
    assert.equal(await refused(new QueryCommand({ TableName: missing, ...key, ExclusiveStartKey: { a: { NS: [] } } })), `${invalid}An number set  may not be empty`);
    assert.equal(await refused(new QueryCommand({ TableName: missing, ...key, ExclusiveStartKey: { a: { N: "b" } } })), "The parameter cannot be converted to a numeric value: b");
    assert.equal(await refused(new ScanCommand({ TableName: missing, ExclusiveStartKey: { a: { BS: [] } } })), `The provided starting key is invalid: ${invalid}Binary sets should not be empty`);
    assert.equal(await refused(new ScanCommand({ TableName: missing, ExclusiveStartKey: { a: { SS: ["a", "a"] } } })), `${invalid}Input collection [a, a] contains duplicates.`);
    assert.equal(
      await refused(new QueryCommand({ TableName: missing, KeyConditions: { a: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ S: "a" }] } } })),
      `${invalid}Invalid number of argument(s) for the BETWEEN ComparisonOperator`,
    );
    assert.equal(
      await refused(new QueryCommand({ TableName: missing, KeyConditions: { a: { ComparisonOperator: "IN", AttributeValueList: [{ S: "b" }, { N: "1" }] } } })),
      `${invalid}AttributeValues inside AttributeValueList must be of same type`,
    );
    // Scan: AttributesToGet and ScanFilter come before the start key, the segments after it.
    assert.equal(await refused(new ScanCommand({ TableName: missing, ExclusiveStartKey: { a: { SS: [] } }, AttributesToGet: ["a", "a"] })), `${invalid}Duplicate value in attribute name: a`);
    assert.equal(
      await refused(new ScanCommand({ TableName: missing, ExclusiveStartKey: { a: { SS: [] } }, ScanFilter: { b: { ComparisonOperator: "EQ" } } })),
      `${invalid}Invalid number of argument(s) for the EQ ComparisonOperator`,
    );
    assert.equal(await refused(new ScanCommand({ TableName: missing, ExclusiveStartKey: { a: { BS: [] } }, Segment: 1 })), `The provided starting key is invalid: ${invalid}Binary sets should not be empty`);
    // A start key that passes is fitted to the key schema only once the table is found.
    const notFound = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: missing, ExclusiveStartKey: { other: { S: "x" } } })));
    assert.equal(notFound.name, "ResourceNotFoundException");
  });

  test("Select SPECIFIC_ATTRIBUTES needs something to project, in Query's words and in Scan's", async () => {
    const name = await ordersTable();
    const message = "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES";
    const query = await failure<DynamoDBServiceException>(
      ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "customer = :c", ExpressionAttributeValues: { ":c": { S: "alice" } }, Select: "SPECIFIC_ATTRIBUTES" })),
    );
    assert.equal(query.name, "ValidationException");
    assert.equal(query.message, `1 validation error detected: ${message}`);
    const scan = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, Select: "SPECIFIC_ATTRIBUTES" })));
    assert.equal(scan.name, "ValidationException");
    assert.equal(scan.message, message);
    const projected = await ddb.send(new ScanCommand({ TableName: name, Select: "SPECIFIC_ATTRIBUTES", AttributesToGet: ["what"] }));
    assert.equal(projected.Count, 5);
    assert.ok(projected.Items?.every((i) => Object.keys(i).join() === "what"));
  });

  test("a Limit under 1, in Query's words and in Scan's", async () => {
    // nubo-db/dynamodb-conformance tier 3 query and scan "Limit of 0", both passing against DynamoDB.
    const name = await ordersTable();
    const query = await failure<DynamoDBServiceException>(
      ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "customer = :c", ExpressionAttributeValues: { ":c": { S: "alice" } }, Limit: 0 })),
    );
    assert.equal(query.name, "ValidationException");
    assert.equal(query.$metadata.httpStatusCode, 400);
    assert.equal(query.message, "1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    const scan = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, Limit: 0 })));
    assert.equal(scan.message, "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
  });

  // moto's AWS-verified tests/test_dynamodb/test_dynamodb_select.py::test_all_projected_attributes_rejected_for_table
  // and ::test_select_values_are_case_sensitive.
  test("ALL_PROJECTED_ATTRIBUTES on a table, in Query's words and in Scan's; Select is case-sensitive, its values in AWS's order", async () => {
    const name = await ordersTable();
    const keyCondition = { KeyConditionExpression: "customer = :c", ExpressionAttributeValues: { ":c": { S: "alice" } } };
    const message = "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName";
    const query = await failure<DynamoDBServiceException>(ddb.send(new QueryCommand({ TableName: name, ...keyCondition, Select: "ALL_PROJECTED_ATTRIBUTES" })));
    assert.equal(query.name, "ValidationException");
    assert.equal(query.message, `1 validation error detected: ${message}`);
    const scan = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, Select: "ALL_PROJECTED_ATTRIBUTES" })));
    assert.equal(scan.message, message);
    const lower = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, Select: "count" as "COUNT" })));
    assert.equal(lower.name, "ValidationException");
    assert.equal(
      lower.message,
      "1 validation error detected: Value 'count' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
    );
  });

  test("a projection with another Select is refused, COUNT as 'only the Count', in Query's words and in Scan's", async () => {
    const name = await ordersTable();
    const keyCondition = { KeyConditionExpression: "customer = :c", ExpressionAttributeValues: { ":c": { S: "alice" } } };
    const count = await failure<DynamoDBServiceException>(ddb.send(new QueryCommand({ TableName: name, ...keyCondition, Select: "COUNT", ProjectionExpression: "what" })));
    assert.equal(count.name, "ValidationException");
    assert.equal(count.message, "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get only the Count");
    const scanCount = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, Select: "COUNT", ProjectionExpression: "what" })));
    assert.equal(scanCount.message, "Cannot specify the ProjectionExpression when choosing to get only the Count");
    const legacyCount = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, Select: "COUNT", AttributesToGet: ["what"] })));
    assert.equal(legacyCount.message, "Cannot specify the AttributesToGet when choosing to get only the Count");
    const all = await failure<DynamoDBServiceException>(ddb.send(new QueryCommand({ TableName: name, ...keyCondition, Select: "ALL_ATTRIBUTES", ProjectionExpression: "what" })));
    assert.equal(all.message, "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES");
    const scanAll = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, Select: "ALL_ATTRIBUTES", ProjectionExpression: "what" })));
    assert.equal(scanAll.message, "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES");
  });

  test("a GSI that does not project all refuses a filter or a projection on what it lacks; an LSI fetches it", async () => {
    const name = await ordersTable();
    const byStatus = { TableName: name, IndexName: "byStatus", KeyConditionExpression: "#s = :s", ExpressionAttributeNames: { "#s": "status" }, ExpressionAttributeValues: { ":s": { S: "open" } } };
    const projected = await failure<DynamoDBServiceException>(ddb.send(new QueryCommand({ ...byStatus, ProjectionExpression: "what, #t", ExpressionAttributeNames: { "#s": "status", "#t": "total" } })));
    assert.equal(projected.name, "ValidationException");
    assert.equal(projected.message, "One or more parameter values were invalid: Global secondary index byStatus does not project [what]");
    const scanned = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, IndexName: "byStatus", AttributesToGet: ["what", "customer"] })));
    assert.equal(scanned.message, "One or more parameter values were invalid: Global secondary index byStatus does not project [what]");
    const filtered = await failure<DynamoDBServiceException>(
      ddb.send(new QueryCommand({ ...byStatus, FilterExpression: "what = :w", ProjectionExpression: "what", ExpressionAttributeValues: { ":s": { S: "open" }, ":w": { S: "pen" } } })),
    );
    assert.equal(filtered.message, "One or more parameter values were invalid: Secondary index byStatus does not project one or more filter attributes: [what]");
    const scanFiltered = await failure<DynamoDBServiceException>(
      ddb.send(new ScanCommand({ TableName: name, IndexName: "byStatus", ScanFilter: { what: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "pen" }] } } })),
    );
    assert.equal(scanFiltered.message, "One or more parameter values were invalid: Secondary index byStatus does not project one or more filter attributes: [what]");
    // Projected attributes, table keys and index keys are fine.
    const ok = await ddb.send(new QueryCommand({ ...byStatus, FilterExpression: "#t > :t", ProjectionExpression: "customer, #t", ExpressionAttributeNames: { "#s": "status", "#t": "total" }, ExpressionAttributeValues: { ":s": { S: "open" }, ":t": { N: "5" } } }));
    assert.equal(ok.Count, 3);
    // A local index reads what it lacks from the table.
    const local = await ddb.send(new QueryCommand({ TableName: name, IndexName: "byTotal", KeyConditionExpression: "customer = :c", FilterExpression: "what = :w", ProjectionExpression: "what", ExpressionAttributeValues: { ":c": { S: "alice" }, ":w": { S: "pen" } } }));
    assert.deepEqual(local.Items, [{ what: { S: "pen" } }]);
  });

  test("an LSI query that fetches from the table is charged a whole-item table read for each item fetched", async () => {
    const name = await ordersTable();
    const query = { TableName: name, IndexName: "byTotal", KeyConditionExpression: "customer = :c", ExpressionAttributeValues: { ":c": { S: "alice" } }, ReturnConsumedCapacity: "INDEXES" as const };
    // Index keys only: one eventually consistent read of the index.
    const keys = await ddb.send(new QueryCommand(query));
    assert.deepEqual(keys.ConsumedCapacity, { TableName: name, CapacityUnits: 0.5, Table: { CapacityUnits: 0 }, LocalSecondaryIndexes: { byTotal: { CapacityUnits: 0.5 } } });
    // ALL_ATTRIBUTES fetches the four items from the table, each rounded up to 4 KB on its own.
    const all = await ddb.send(new QueryCommand({ ...query, Select: "ALL_ATTRIBUTES" }));
    assert.equal(all.Count, 4);
    assert.deepEqual(all.ConsumedCapacity, { TableName: name, CapacityUnits: 2.5, Table: { CapacityUnits: 2 }, LocalSecondaryIndexes: { byTotal: { CapacityUnits: 0.5 } } });
    // A projection of what the index lacks, strongly consistent, with TOTAL: 1 + 4 x 1.
    const what = await ddb.send(new QueryCommand({ ...query, ProjectionExpression: "what", ConsistentRead: true, ReturnConsumedCapacity: "TOTAL" }));
    assert.deepEqual(what.ConsumedCapacity, { TableName: name, CapacityUnits: 5 });
  });

  test("GSI and LSI queries follow writes, projections and the consistent-read rule", async () => {
    const name = await ordersTable();
    const open = await ddb.send(
      new QueryCommand({ TableName: name, IndexName: "byStatus", KeyConditionExpression: "#s = :s", ExpressionAttributeNames: { "#s": "status" }, ExpressionAttributeValues: { ":s": { S: "open" } } }),
    );
    assert.deepEqual(orderNumbers(open.Items), ["-5", "1", "1.5", "10"]);
    // INCLUDE projection: keys of table and index, plus total; never "what".
    assert.deepEqual(Object.keys(open.Items?.[0] ?? {}).sort(), ["customer", "order", "status", "total"]);

    await ddb.send(
      new UpdateItemCommand({
        TableName: name,
        Key: { customer: { S: "alice" }, order: { N: "10" } },
        UpdateExpression: "SET #s = :shipped",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":shipped": { S: "shipped" } },
      }),
    );
    await ddb.send(
      new UpdateItemCommand({
        TableName: name,
        Key: { customer: { S: "bob" }, order: { N: "1" } },
        UpdateExpression: "REMOVE #s",
        ExpressionAttributeNames: { "#s": "status" },
      }),
    );
    await ddb.send(new DeleteItemCommand({ TableName: name, Key: { customer: { S: "alice" }, order: { N: "-5" } } }));
    const shipped = await ddb.send(
      new QueryCommand({
        TableName: name,
        IndexName: "byStatus",
        KeyConditionExpression: "#s = :s",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": { S: "shipped" } },
        ReturnConsumedCapacity: "INDEXES",
      }),
    );
    assert.deepEqual(orderNumbers(shipped.Items), ["2", "10"]);
    assert.deepEqual(shipped.ConsumedCapacity?.GlobalSecondaryIndexes, { byStatus: { CapacityUnits: 0.5 } });
    const stillOpen = await ddb.send(
      new QueryCommand({ TableName: name, IndexName: "byStatus", KeyConditionExpression: "#s = :s", ExpressionAttributeNames: { "#s": "status" }, ExpressionAttributeValues: { ":s": { S: "open" } } }),
    );
    assert.deepEqual(orderNumbers(stillOpen.Items), ["1.5"]);

    // INDEXES: a write that moves an item within a GSI costs a delete and a put there.
    const moved = await ddb.send(
      new UpdateItemCommand({
        TableName: name,
        Key: { customer: { S: "alice" }, order: { N: "2" } },
        UpdateExpression: "SET #s = :s",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": { S: "returned" } },
        ReturnConsumedCapacity: "INDEXES",
      }),
    );
    assert.deepEqual(moved.ConsumedCapacity, {
      TableName: name,
      CapacityUnits: 3,
      Table: { CapacityUnits: 1 },
      GlobalSecondaryIndexes: { byStatus: { CapacityUnits: 2 } },
    });

    const wrongIndexType = await failure<DynamoDBServiceException>(
      ddb.send(new PutItemCommand({ TableName: name, Item: { customer: { S: "carol" }, order: { N: "1" }, status: { N: "3" } } })),
    );
    assert.equal(wrongIndexType.message, "One or more parameter values were invalid: Type mismatch for Index Key status Expected: S Actual: N IndexName: byStatus");
    const metrics = await ddb.send(
      new PutItemCommand({ TableName: name, Item: { customer: { S: "carol" }, order: { N: "1" }, total: { N: "1" } }, ReturnItemCollectionMetrics: "SIZE" }),
    );
    assert.deepEqual(metrics.ItemCollectionMetrics, { ItemCollectionKey: { customer: { S: "carol" } }, SizeEstimateRangeGB: [0, 1] });

    const consistent = await failure<DynamoDBServiceException>(
      ddb.send(
        new QueryCommand({
          TableName: name,
          IndexName: "byStatus",
          ConsistentRead: true,
          KeyConditionExpression: "#s = :s",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": { S: "open" } },
        }),
      ),
    );
    assert.equal(consistent.name, "ValidationException");
    assert.equal(consistent.message, "Consistent reads are not supported on global secondary indexes");
    const allAttributes = await failure<DynamoDBServiceException>(
      ddb.send(
        new QueryCommand({
          TableName: name,
          IndexName: "byStatus",
          Select: "ALL_ATTRIBUTES",
          KeyConditionExpression: "#s = :s",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": { S: "open" } },
        }),
      ),
    );
    assert.equal(
      allAttributes.message,
      "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index byStatus because its projection type is not ALL",
    );

    // LSI: alice's orders by total, descending; ALL_ATTRIBUTES fetches from the table.
    const byTotal = await ddb.send(
      new QueryCommand({
        TableName: name,
        IndexName: "byTotal",
        KeyConditionExpression: "customer = :c AND #t > :min",
        ExpressionAttributeNames: { "#t": "total" },
        ExpressionAttributeValues: { ":c": { S: "alice" }, ":min": { N: "5" } },
        ScanIndexForward: false,
        Select: "ALL_ATTRIBUTES",
        ConsistentRead: true,
      }),
    );
    assert.deepEqual(byTotal.Items?.map((i) => [i.total?.N, i.what?.S]), [
      ["200", "desk"],
      ["99", "lamp"],
    ]);
  });

  test("Scan with filter, Limit pagination and parallel segments", async () => {
    const name = uniqueName("scan");
    await ddb.send(new CreateTableCommand(hashTable(name, "id", "N")));
    for (let i = 0; i < 30; i++) await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { N: String(i) }, even: { BOOL: i % 2 === 0 } } }));
    const evens = await ddb.send(new ScanCommand({ TableName: name, FilterExpression: "even = :t", ExpressionAttributeValues: { ":t": { BOOL: true } } }));
    assert.equal(evens.Count, 15);
    assert.equal(evens.ScannedCount, 30);

    const ids = new Set<string>();
    let start: Record<string, AttributeValue> | undefined;
    let pages = 0;
    do {
      const page = await ddb.send(new ScanCommand({ TableName: name, Limit: 7, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) ids.add(item.id?.N ?? "");
      start = page.LastEvaluatedKey;
      pages++;
    } while (start && pages < 20);
    assert.equal(ids.size, 30);
    assert.equal(pages, 5);

    const segmented = new Set<string>();
    let sum = 0;
    for (let segment = 0; segment < 4; segment++) {
      const page = await ddb.send(new ScanCommand({ TableName: name, Segment: segment, TotalSegments: 4 }));
      for (const item of page.Items ?? []) segmented.add(item.id?.N ?? "");
      sum += page.Count ?? 0;
    }
    assert.equal(sum, 30);
    assert.equal(segmented.size, 30);
    const badSegment = await failure<DynamoDBServiceException>(ddb.send(new ScanCommand({ TableName: name, Segment: 4, TotalSegments: 4 })));
    assert.equal(badSegment.message, "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4");
  });

  test("parallel Scan segments are ranges of one hash space: segments 0-1 of 4 make segment 0 of 2, 2-3 make 1", async () => {
    const name = uniqueName("segnest");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    for (let i = 0; i < 40; i += 20) {
      await ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: Array.from({ length: 20 }, (_, j) => ({ PutRequest: { Item: { id: { S: `item-${i + j}` } } } })) } }));
    }
    const segment = async (Segment: number, TotalSegments: number) =>
      ((await ddb.send(new ScanCommand({ TableName: name, Segment, TotalSegments }))).Items ?? []).map((i) => i.id?.S ?? "").sort();
    const halves = [await segment(0, 2), await segment(1, 2)];
    const quarters = [await segment(0, 4), await segment(1, 4), await segment(2, 4), await segment(3, 4)];
    assert.equal(halves[0]!.length + halves[1]!.length, 40);
    assert.deepEqual([...quarters[0]!, ...quarters[1]!].sort(), halves[0]);
    assert.deepEqual([...quarters[2]!, ...quarters[3]!].sort(), halves[1]);
  });

  test("a parallel Scan refuses an ExclusiveStartKey from another segment, and resumes from one of its own", async () => {
    const name = uniqueName("scan-seg");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    for (let i = 0; i < 10; i++) await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: String(i) } } }));
    const second = await ddb.send(new ScanCommand({ TableName: name, Segment: 1, TotalSegments: 2 }));
    const foreign = second.Items?.[0]?.id;
    assert.ok(foreign, "segment 1 holds an item");
    const err = await failure<DynamoDBServiceException>(
      ddb.send(new ScanCommand({ TableName: name, Segment: 0, TotalSegments: 2, ExclusiveStartKey: { id: foreign } })),
    );
    assert.equal(err.name, "ValidationException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(
      err.message,
      "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: 0",
    );
    // The segment's own key is fine: the page goes on after it.
    const resumed = await ddb.send(new ScanCommand({ TableName: name, Segment: 1, TotalSegments: 2, ExclusiveStartKey: { id: foreign } }));
    assert.equal(resumed.Count, (second.Count ?? 0) - 1);
    // With one segment every key is the segment's own.
    const whole = await ddb.send(new ScanCommand({ TableName: name, Segment: 0, TotalSegments: 1, ExclusiveStartKey: { id: foreign } }));
    assert.equal(whole.$metadata.httpStatusCode, 200);
  });

  test("a Query page stops at 1 MB of items read", async () => {
    const name = uniqueName("big");
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const blob = "x".repeat(100 * 1024);
    for (let i = 0; i < 15; i++) await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "p" }, sk: { N: String(i) }, blob: { S: blob } } }));
    const first = await ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" } } }));
    assert.equal(first.Count, 11);
    assert.deepEqual(first.LastEvaluatedKey, { pk: { S: "p" }, sk: { N: "10" } });
    const rest = await ddb.send(
      new QueryCommand({ TableName: name, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" } }, ExclusiveStartKey: first.LastEvaluatedKey }),
    );
    assert.equal(rest.Count, 4);
    assert.equal(rest.LastEvaluatedKey, undefined);
  });

  test("binary sort keys order bytewise and support begins_with; legacy ScanFilter works", async () => {
    const name = uniqueName("bin");
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "B" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    const keys = [[0xff], [0x01, 0x02], [0x01], [0x10], [0x01, 0xff]];
    for (const k of keys) await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "p" }, sk: { B: new Uint8Array(k) }, n: { N: String(k.length) } } }));
    const all = await ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" } } }));
    assert.deepEqual(all.Items?.map((i) => [...(i.sk?.B ?? [])]), [[0x01], [0x01, 0x02], [0x01, 0xff], [0x10], [0xff]]);
    const prefixed = await ddb.send(
      new QueryCommand({
        TableName: name,
        KeyConditionExpression: "pk = :p AND begins_with(sk, :b)",
        ExpressionAttributeValues: { ":p": { S: "p" }, ":b": { B: new Uint8Array([0x01]) } },
        ScanIndexForward: false,
      }),
    );
    assert.deepEqual(prefixed.Items?.map((i) => [...(i.sk?.B ?? [])]), [[0x01, 0xff], [0x01, 0x02], [0x01]]);
    const legacy = await ddb.send(new ScanCommand({ TableName: name, ScanFilter: { n: { ComparisonOperator: "EQ", AttributeValueList: [{ N: "2" }] } } }));
    assert.equal(legacy.Count, 2);
    assert.equal(legacy.ScannedCount, 5);
  });

  test("begins_with finds every string sort key with the prefix, those going on past U+10FFFF too, both ways", async () => {
    // Strings are UTF-8 and begins_with is true for any value that starts with the substring
    // (Developer Guide, "Key condition expressions for the Query operation"): a key that continues
    // after U+10FFFF (the highest code point) starts with the prefix as much as any other.
    const name = uniqueName("bw");
    await ddb.send(new CreateTableCommand(hashRangeTable(name)));
    for (const sk of ["a", "a\u{10FFFF}", "a\u{10FFFF}b", "a\u{10FFFF}\u{10FFFF}", "ab", "b"]) {
      await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "p" }, sk: { S: sk } } }));
    }
    for (const [prefix, forward, expected] of [
      ["a", true, ["a", "ab", "a\u{10FFFF}", "a\u{10FFFF}b", "a\u{10FFFF}\u{10FFFF}"]],
      ["a", false, ["a\u{10FFFF}\u{10FFFF}", "a\u{10FFFF}b", "a\u{10FFFF}", "ab", "a"]],
      ["a\u{10FFFF}", true, ["a\u{10FFFF}", "a\u{10FFFF}b", "a\u{10FFFF}\u{10FFFF}"]],
    ] as const) {
      const out = await ddb.send(
        new QueryCommand({
          TableName: name,
          KeyConditionExpression: "pk = :p AND begins_with(sk, :a)",
          ExpressionAttributeValues: { ":p": { S: "p" }, ":a": { S: prefix } },
          ScanIndexForward: forward,
        }),
      );
      assert.deepEqual(out.Items?.map((i) => i.sk?.S), expected, `begins_with ${JSON.stringify(prefix)}, forward ${forward}`);
    }
  });

  test("a Query for an empty string partition key is refused as a key value, not answered with no items", async () => {
    // boto3's table.query(KeyConditionExpression=Key("PK").eq("")) against AWS (getmoto/moto#7062).
    const name = uniqueName("emptypk");
    await ddb.send(new CreateTableCommand(hashTable(name, "PK")));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { PK: { S: "a" } } }));
    const requests: Omit<QueryCommandInput, "TableName">[] = [
      { KeyConditionExpression: "PK = :p", ExpressionAttributeValues: { ":p": { S: "" } } },
      { KeyConditions: { PK: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "" }] } } },
    ];
    for (const request of requests) {
      const err = await failure<DynamoDBServiceException>(ddb.send(new QueryCommand({ TableName: name, ...request })));
      assert.equal(err.name, "ValidationException");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: PK");
    }
  });

  test("two conditions on one key attribute are refused with the KeyConditionExpression prefix", async () => {
    // aws-amplify/amplify-category-api#3531 (DynamoDB's runtime error, 2026-09) and
    // paritysuite/dynamodb-conformance queryKeyConditionOperands "two conditions on the sort key".
    const name = uniqueName("twosk");
    await ddb.send(new CreateTableCommand(hashRangeTable(name)));
    const message = await refused(
      new QueryCommand({
        TableName: name,
        KeyConditionExpression: "pk = :p AND sk > :a AND sk < :b",
        ExpressionAttributeValues: { ":p": { S: "q" }, ":a": { S: "1" }, ":b": { S: "5" } },
      }),
    );
    assert.equal(message, "Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition per key");
  });

  test("a KeyConditionExpression on more attributes than the key has is refused by count", async () => {
    // paritysuite/dynamodb-conformance queryKeyConditionOperands "three conditions naming three
    // attributes on a two-attribute key" (eu-west-2, 2026-10); getmoto/moto#9554 saw the wording change.
    const name = uniqueName("threekc");
    await ddb.send(new CreateTableCommand(hashRangeTable(name)));
    const message = await refused(
      new QueryCommand({
        TableName: name,
        KeyConditionExpression: "pk = :p AND sk > :a AND extra = :b",
        ExpressionAttributeValues: { ":p": { S: "q" }, ":a": { S: "1" }, ":b": { S: "5" } },
      }),
    );
    assert.equal(message, "The number of query conditions (3) exceeds the number of key attributes defined in the schema (2)");
  });

  test("a Query with an empty string sort key value is refused as a key value under every operator", async () => {
    // `userId = :u AND sk > :after` with :after "" failed against DynamoDB with this message (a
    // production log quoted in a public ADR, "Null is the empty cursor"); ministackorg/ministack#1067.
    const name = uniqueName("emptysk");
    await ddb.send(new CreateTableCommand(hashRangeTable(name)));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, sk: { S: "b" } } }));
    const conditions = ["sk > :e", "sk = :e", "sk <= :e", "begins_with(sk, :e)", "sk BETWEEN :e AND :z"];
    for (const condition of conditions) {
      const values: Record<string, AttributeValue> = { ":p": { S: "a" }, ":e": { S: "" } };
      if (condition.includes(":z")) values[":z"] = { S: "z" };
      const message = await refused(new QueryCommand({ TableName: name, KeyConditionExpression: `pk = :p AND ${condition}`, ExpressionAttributeValues: values }));
      assert.equal(message, "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: sk", condition);
    }
  });
  test("a Query refuses an unknown ConditionalOperator bare, in the newer enum words, alone beside an unknown Select", async () => {
    // paritysuite/dynamodb-conformance tests/tier3/validation-ordering/query.test.ts "reports XOR with two QueryFilter conditions
    // before an unknown Select" (eu-west-2, us-east-1, 2026-10-09); the table does not exist.
    const message = await refused(
      new QueryCommand({
        TableName: uniqueName("absent"),
        KeyConditions: { pk: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "a" }] } },
        QueryFilter: { b: { ComparisonOperator: "NULL" }, c: { ComparisonOperator: "NULL" } },
        ConditionalOperator: "XOR",
        Select: "BOGUS",
      } as never),
    );
    assert.equal(message, "Failed to satisfy constraint: Member must satisfy enum value set: [ALL, OR]");
  });
  test("a Scan refuses a ScanFilter value nested past 32 levels ahead of a ConditionalOperator with one condition", async () => {
    // paritysuite/dynamodb-conformance tests/tier3/validation-ordering/deepRequests.test.ts "Scan with one ScanFilter condition
    // nested 40 levels and ConditionalOperator AND" (us-east-1 and six more Regions, 2026-10-09); the table does not exist.
    const deep = (depth: number): AttributeValue => (depth === 0 ? { S: "leaf" } : { M: { n: deep(depth - 1) } });
    const scan = (value: AttributeValue) =>
      refused(new ScanCommand({ TableName: uniqueName("absent"), ScanFilter: { a: { ComparisonOperator: "EQ", AttributeValueList: [value] } }, ConditionalOperator: "AND" }));
    assert.equal(await scan(deep(40)), "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit");
    assert.equal(await scan(deep(3)), "ConditionalOperator can only be used when Filter or Expected has two or more elements");
  });
});
