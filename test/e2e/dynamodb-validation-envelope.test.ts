import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { BatchGetItemCommand, BatchWriteItemCommand, CreateTableCommand, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, ScanCommand, TransactGetItemsCommand, TransactWriteItemsCommand, UpdateItemCommand, type AttributeValue, type DeleteItemCommandInput, type PutItemCommandInput, type UpdateItemCommandInput } from "@aws-sdk/client-dynamodb";
import { hashTable } from "./dynamodb-fixtures.js";
import { startTestNimbus, uniqueName, type TestNimbus, refusal } from "./harness.js";

// DynamoDB's 2026-06 validation-framework rollout: PutItem, UpdateItem and DeleteItem report their
// request-validation errors inside the "1 validation error detected: " envelope in us-east-1 and
// 30 other Regions (paritysuite/dynamodb-conformance captures/cross-region-latest.json and its tier 3
// error-messages tests, eu-west-2 and us-east-1). Query, Scan and GetItem keep the bare words.
describe("DynamoDB item writes: the validation envelope", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  let name: string;
  const one = (message: string): [string, number, string] => ["ValidationException", 400, `1 validation error detected: ${message}`];
  const bare = (message: string): [string, number, string] => ["ValidationException", 400, message];
  const INVALID = "One or more parameter values were invalid: ";
  before(async () => {
    nimbus = await startTestNimbus();
    ddb = new DynamoDBClient(nimbus.clientConfig());
    name = uniqueName("envelope");
    await ddb.send(new CreateTableCommand(hashTable(name, "pk")));
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  const del = (input: Partial<DeleteItemCommandInput>) => refusal(ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: "e" } }, ...input })));
  const update = (input: Partial<UpdateItemCommandInput>) => refusal(ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "e" } }, ...input })));
  const put = (input: Partial<PutItemCommandInput>) => refusal(ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "e" } }, ...input })));

  test("PutItem: an empty string or number set, or a string set with duplicates, in the Item", async () => {
    // captures/cross-region-latest.json b_put_empty_ss, b_put_empty_ns, b_put_dup_ss, esm_put_ss_dup_empty (us-east-1).
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { SS: [] } } }), one(`${INVALID}An string set  may not be empty`));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { NS: [] } } }), one(`${INVALID}An number set  may not be empty`));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { SS: ["a", "a"] } } }), one(`${INVALID}Input collection ["a", "a"] contains duplicates.`));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { SS: ["", ""] } } }), one(`${INVALID}Input collection ["", ""] contains duplicates.`));
    // tests/tier3/error-messages/valueLayers.test.ts "Duplicate set members" (us-east-1): the members before the repeat in
    // byte order, and a number set names none.
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { SS: ["b", "a", "b"] } } }), one(`${INVALID}Input collection ["a", "b", "b"] contains duplicates.`));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { NS: ["2", "1", "2"] } } }), one(`${INVALID}Input collection contains duplicates.`));
    // A Scan's ExclusiveStartKey keeps the bare words.
    assert.deepEqual(await refusal(ddb.send(new ScanCommand({ TableName: name, ExclusiveStartKey: { pk: { SS: ["a", "a"] } } }))), bare(`${INVALID}Input collection [a, a] contains duplicates.`));
  });

  test("PutItem: an empty binary set, or a binary set with duplicates, in the Item", async () => {
    // captures/cross-region-latest.json esm_put_bs_empty_set and esm_put_bs_dup_empty (eu-west-2, us-east-1); the
    // members before the repeat in byte order: tests/tier3/error-messages/valueLayers.test.ts "Duplicate set members".
    const b64 = (s: string) => Buffer.from(s, "base64");
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { BS: [] } } }), one(`${INVALID}Binary sets should not be empty`));
    assert.deepEqual(
      await put({ Item: { pk: { S: "e" }, bad: { BS: [new Uint8Array(0), new Uint8Array(0)] } } }),
      one(`${INVALID}Input collection ["",""]of type BS contains duplicates.`),
    );
    assert.deepEqual(
      await put({ Item: { pk: { S: "e" }, bad: { M: { in: { BS: [b64("/w=="), b64("AA=="), b64("AA==")] } } } } }),
      one(`${INVALID}Input collection ["AA==","/w==","AA=="]of type BS contains duplicates.`),
    );
    // A Scan's ExclusiveStartKey keeps the bare words.
    assert.deepEqual(
      await refusal(ddb.send(new ScanCommand({ TableName: name, ExclusiveStartKey: { pk: { BS: [b64("QQ=="), b64("QQ==")] } } }))),
      bare(`${INVALID}Input collection [QQ==, QQ==]of type BS contains duplicates.`),
    );
  });

  test("PutItem: a NULL attribute value that is not true, in the Item", async () => {
    // captures/cross-region-latest.json nullRoundTrip, put "rejected" (eu-west-2, us-east-1).
    const notTrue = `${INVALID}Null attribute value types must have the value of true`;
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, n: { NULL: false } } }), one(notTrue));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, l: { L: [{ NULL: false }] } } }), one(notTrue));
    // GetItem's Key keeps the bare words (its answer in the newer framework is not on record).
    assert.deepEqual(await refusal(ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { NULL: false } } }))), bare(notTrue));
  });

  test("PutItem: a malformed number in the Item, an empty one keeping the colon and a space", async () => {
    // captures/cross-region-latest.json esm_put_ns_empty (eu-west-2, us-east-1); tests/tier3/error-messages/valueLayers.test.ts
    // "Number values": every malformed number in a PutItem Item, set member or nested value (four Regions, us-east-1 among them).
    const NOT_NUMERIC = "The parameter cannot be converted to a numeric value";
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { NS: [""] } } }), one(`${NOT_NUMERIC}: `));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { N: "" } } }), one(`${NOT_NUMERIC}: `));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { NS: ["1", "abc"] } } }), one(`${NOT_NUMERIC}: abc`));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { M: { x: { L: [{ N: " 1" }] } } } } }), one(`${NOT_NUMERIC}:  1`));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { N: "1e2147483647" } } }), one("Number overflow. Attempting to store a number with magnitude larger than supported range"));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { N: "1e-131" } } }), one("Number underflow. Attempting to store a number with magnitude smaller than supported range"));
    assert.deepEqual(await put({ Item: { pk: { S: "e" }, bad: { N: "1".repeat(40) } } }), one("Attempting to store more than 38 significant digits in a Number"));
  });

  test("PutItem: redundant parentheses, or contains() with the same operand twice, in the ConditionExpression", async () => {
    // captures/cross-region-latest.json b_put_redundant_parens and b_put_contains_dup (us-east-1).
    assert.deepEqual(await put({ ConditionExpression: "((attribute_not_exists(pk)))" }), one("Invalid ConditionExpression: The expression has redundant parentheses;"));
    assert.deepEqual(
      await put({ ConditionExpression: "contains(#a, #a)", ExpressionAttributeNames: { "#a": "data" } }),
      one("Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: contains, first operand: [data]"),
    );
    // A Scan's FilterExpression keeps the bare words.
    assert.deepEqual(
      await refusal(ddb.send(new ScanCommand({ TableName: name, FilterExpression: "((attribute_exists(pk)))" }))),
      bare("Invalid FilterExpression: The expression has redundant parentheses;"),
    );
  });

  test("UpdateItem: a syntax error, an empty UpdateExpression, or an undefined value in it", async () => {
    // captures/cross-region-latest.json u_upd_syntax, u_upd_empty, u_upd_missing_eav (us-east-1).
    assert.deepEqual(
      await update({ UpdateExpression: "INVALID SYNTAX HERE", ExpressionAttributeValues: { ":v": { S: "val" } } }),
      one('Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"'),
    );
    assert.deepEqual(await update({ UpdateExpression: "" }), one("Invalid UpdateExpression: The expression can not be empty;"));
    assert.deepEqual(await update({ UpdateExpression: "SET attr1 = :v" }), one("Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :v"));
    // Writing a key attribute stays bare (u_upd_hashkey).
    assert.deepEqual(
      await update({ UpdateExpression: "SET pk = :v", ExpressionAttributeValues: { ":v": { S: "x" } } }),
      bare("One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key"),
    );
  });

  test("PutItem and DeleteItem: an empty ConditionExpression", async () => {
    // tests/tier3/error-messages/putItem.test.ts and deleteItem.test.ts, "an empty ConditionExpression" (us-east-1).
    assert.deepEqual(await put({ ConditionExpression: "" }), one("Invalid ConditionExpression: The expression can not be empty;"));
    assert.deepEqual(await del({ ConditionExpression: "" }), one("Invalid ConditionExpression: The expression can not be empty;"));
    // A Scan's empty FilterExpression keeps the bare words.
    assert.deepEqual(await refusal(ddb.send(new ScanCommand({ TableName: name, FilterExpression: "" }))), bare("Invalid FilterExpression: The expression can not be empty;"));
  });

  test("UpdateItem: unused ExpressionAttributeNames or ExpressionAttributeValues", async () => {
    // captures/cross-region-latest.json u_upd_unused_ean and u_upd_unused_eav (us-east-1).
    assert.deepEqual(
      await update({ UpdateExpression: "SET attr1 = :v", ExpressionAttributeValues: { ":v": { S: "val" } }, ExpressionAttributeNames: { "#unused": "someattr" } }),
      one("Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"),
    );
    assert.deepEqual(
      await update({ UpdateExpression: "SET attr1 = :v", ExpressionAttributeValues: { ":v": { S: "val" }, ":unused": { S: "extra" } } }),
      one("Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}"),
    );
    // A Scan keeps the bare words.
    assert.deepEqual(
      await refusal(ddb.send(new ScanCommand({ TableName: name, FilterExpression: "attribute_exists(pk)", ExpressionAttributeNames: { "#unused": "x" } }))),
      bare("Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}"),
    );
  });

  test("PutItem and DeleteItem: a malformed Expected condition", async () => {
    // tests/tier3/error-messages/putItem.test.ts "a malformed Expected condition" and deleteItem.test.ts
    // "every malformed Expected condition" (us-east-1).
    const cases: [NonNullable<PutItemCommandInput["Expected"]>, string][] = [
      [{ a: { Exists: true } }, `${INVALID}Value must be provided when Exists is true for Attribute: a`],
      [{ a: { Exists: false, Value: { S: "x" } } }, `${INVALID}Value cannot be used when Exists is false for Attribute: a`],
      [{ a: { Value: { S: "x" }, ComparisonOperator: "EQ", AttributeValueList: [{ S: "x" }] } }, `${INVALID}Value and AttributeValueList cannot be used together for Attribute: a`],
      [{ a: { ComparisonOperator: "EQ" } }, `${INVALID}Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a`],
      [{ a: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ S: "x" }] } }, `${INVALID}Invalid number of argument(s) for the BETWEEN ComparisonOperator`],
    ];
    for (const [Expected, message] of cases) {
      assert.deepEqual(await put({ Expected }), one(message));
      assert.deepEqual(await del({ Expected }), one(message));
    }
    // A Scan's ScanFilter keeps the bare words.
    assert.deepEqual(
      await refusal(ddb.send(new ScanCommand({ TableName: name, ScanFilter: { a: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ S: "x" }] } } }))),
      bare(`${INVALID}Invalid number of argument(s) for the BETWEEN ComparisonOperator`),
    );
  });

  test("DeleteItem: ReturnValues other than ALL_OLD or NONE", async () => {
    // tests/tier3/error-messages/deleteItem.test.ts "ReturnValues ALL_NEW or UPDATED_NEW" (us-east-1).
    assert.deepEqual(await del({ ReturnValues: "ALL_NEW" }), one("ReturnValues can only be ALL_OLD or NONE"));
    assert.deepEqual(await del({ ReturnValues: "UPDATED_NEW" }), one("ReturnValues can only be ALL_OLD or NONE"));
  });

  test("UpdateItem: an undefined value in the ConditionExpression", async () => {
    // tests/tier3/error-messages/updateItem.test.ts "undefined value in the ConditionExpression beside a defined one" (us-east-1).
    assert.deepEqual(
      await update({ UpdateExpression: "SET b = :w", ConditionExpression: "a = :v", ExpressionAttributeValues: { ":w": { S: "x" } } }),
      one("Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v"),
    );
    // A Scan's FilterExpression keeps the bare words.
    assert.deepEqual(
      await refusal(ddb.send(new ScanCommand({ TableName: name, FilterExpression: "a = :v", ExpressionAttributeValues: { ":w": { S: "x" } } }))),
      bare("Invalid FilterExpression: An expression attribute value used in expression is not defined; attribute value: :v"),
    );
  });
});

// paritysuite/dynamodb-conformance tests/tier3/error-messages/valueLayers.test.ts (eu-west-2, us-east-1, eu-west-1,
// us-west-2, 2026-10-09): a malformed number or a duplicate set member is worded by the layer the operation runs,
// wherever the value sits. PutItem, UpdateItem and DeleteItem answer in the current wording inside the envelope,
// GetItem, BatchGetItem and Query in the current wording bare, BatchWriteItem in the older wording.
describe("DynamoDB: a malformed number or a duplicate set member, by operation and position", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  let T: string;
  const NOT_NUMERIC = "The parameter cannot be converted to a numeric value";
  const OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range";
  const UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range";
  const INVALID = "One or more parameter values were invalid: ";
  const SHAPES = ["abc", "", "1e126", "1e2147483647"];
  const CURRENT = [`${NOT_NUMERIC}: abc`, `${NOT_NUMERIC}: `, OVERFLOW, OVERFLOW];
  const OLDER = [`${NOT_NUMERIC}: abc`, NOT_NUMERIC, OVERFLOW, UNDERFLOW];
  const b64 = (s: string) => Buffer.from(s, "base64");
  const DUPES: AttributeValue[] = [{ SS: ["b", "a", "b"] }, { BS: [b64("/w=="), b64("AA=="), b64("AA==")] }, { NS: ["2", "1", "2"] }];
  const DUPE_CURRENT = [
    `${INVALID}Input collection ["a", "b", "b"] contains duplicates.`,
    `${INVALID}Input collection ["AA==","/w==","AA=="]of type BS contains duplicates.`,
    `${INVALID}Input collection contains duplicates.`,
  ];
  const DUPE_OLDER = [`${INVALID}Input collection [b, a, b] contains duplicates.`, `${INVALID}Input collection [/w==, AA==, AA==]of type BS contains duplicates.`, "Input collection contains duplicates"];
  const one = (m: string) => `1 validation error detected: ${m}`;
  before(async () => {
    nimbus = await startTestNimbus();
    ddb = new DynamoDBClient(nimbus.clientConfig());
    T = uniqueName("layers");
    await ddb.send(new CreateTableCommand(hashTable(T, "pk")));
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  async function message(send: () => Promise<unknown>): Promise<string> {
    const [name, status, text] = await refusal(send());
    assert.deepEqual([name, status], ["ValidationException", 400]);
    return text;
  }
  async function eachShape(send: (v: AttributeValue) => Promise<unknown>): Promise<string[]> {
    const got: string[] = [];
    for (const s of SHAPES) got.push(await message(() => send({ N: s })));
    return got;
  }
  async function eachSet(send: (d: AttributeValue) => Promise<unknown>): Promise<string[]> {
    const got: string[] = [];
    for (const d of DUPES) got.push(await message(() => send(d)));
    return got;
  }
  const S = (s: string): AttributeValue => ({ S: s });

  test("PutItem, UpdateItem and DeleteItem: a malformed number in a condition value, Expected, AttributeUpdates or a Key, inside the envelope", async () => {
    const want = CURRENT.map(one);
    const put = await eachShape((v) =>
      ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S("n") }, ConditionExpression: "attribute_not_exists(pk) OR n = :v", ExpressionAttributeValues: { ":v": v } })),
    );
    const expected = await eachShape((v) => ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S("n-expected") }, Expected: { n: { Value: v } } })));
    const updateValue = await eachShape((v) => ddb.send(new UpdateItemCommand({ TableName: T, Key: { pk: S("n") }, UpdateExpression: "SET n = :v", ExpressionAttributeValues: { ":v": v } })));
    const attributeUpdates = await eachShape((v) => ddb.send(new UpdateItemCommand({ TableName: T, Key: { pk: S("n") }, AttributeUpdates: { n: { Action: "PUT", Value: v } } })));
    const updateKey = await eachShape((v) => ddb.send(new UpdateItemCommand({ TableName: T, Key: { pk: v }, UpdateExpression: "SET n = :o", ExpressionAttributeValues: { ":o": { N: "1" } } })));
    const deleteValue = await eachShape((v) => ddb.send(new DeleteItemCommand({ TableName: T, Key: { pk: S("n") }, ConditionExpression: "n = :v", ExpressionAttributeValues: { ":v": v } })));
    const deleteKey = await eachShape((v) => ddb.send(new DeleteItemCommand({ TableName: T, Key: { pk: v } })));
    assert.deepEqual(
      { put, expected, updateValue, attributeUpdates, updateKey, deleteValue, deleteKey },
      { put: want, expected: want, updateValue: want, attributeUpdates: want, updateKey: want, deleteValue: want, deleteKey: want },
    );
    assert.equal((await ddb.send(new GetItemCommand({ TableName: T, Key: { pk: S("n-expected") } }))).Item, undefined);
  });

  test("PutItem, UpdateItem and DeleteItem: a duplicate set member in a condition value, Expected, AttributeUpdates or a Key, inside the envelope", async () => {
    const want = DUPE_CURRENT.map(one);
    const put = await eachSet((d) =>
      ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S("d") }, ConditionExpression: "attribute_not_exists(pk) OR s = :t", ExpressionAttributeValues: { ":t": d } })),
    );
    const expected = await eachSet((d) => ddb.send(new PutItemCommand({ TableName: T, Item: { pk: S("d") }, Expected: { s: { Value: d } } })));
    const updateValue = await eachSet((d) =>
      ddb.send(
        new UpdateItemCommand({
          TableName: T,
          Key: { pk: S("d") },
          UpdateExpression: "SET o = :o",
          ConditionExpression: "attribute_not_exists(pk) OR s = :t",
          ExpressionAttributeValues: { ":o": { N: "1" }, ":t": d },
        }),
      ),
    );
    const attributeUpdates = await eachSet((d) => ddb.send(new UpdateItemCommand({ TableName: T, Key: { pk: S("d") }, AttributeUpdates: { s: { Action: "PUT", Value: d } } })));
    const updateKey = await eachSet((d) => ddb.send(new UpdateItemCommand({ TableName: T, Key: { pk: d }, UpdateExpression: "SET o = :o", ExpressionAttributeValues: { ":o": { N: "1" } } })));
    const deleteKey = await eachSet((d) => ddb.send(new DeleteItemCommand({ TableName: T, Key: { pk: d } })));
    assert.deepEqual(
      { put, expected, updateValue, attributeUpdates, updateKey, deleteKey },
      { put: want, expected: want, updateValue: want, attributeUpdates: want, updateKey: want, deleteKey: want },
    );
  });

  test("GetItem, BatchGetItem and Query: a malformed number or a duplicate set member, bare in the current wording", async () => {
    const get = await eachShape((v) => ddb.send(new GetItemCommand({ TableName: T, Key: { pk: v } })));
    const batchGet = await eachShape((v) => ddb.send(new BatchGetItemCommand({ RequestItems: { [T]: { Keys: [{ pk: v }] } } })));
    const query = await eachShape((v) =>
      ddb.send(new QueryCommand({ TableName: T, KeyConditionExpression: "pk = :p", FilterExpression: "n = :v", ExpressionAttributeValues: { ":p": S("n"), ":v": v } })),
    );
    assert.deepEqual({ get, batchGet, query }, { get: CURRENT, batchGet: CURRENT, query: CURRENT });
    const sets = {
      get: await eachSet((d) => ddb.send(new GetItemCommand({ TableName: T, Key: { pk: d } }))),
      batchGet: await eachSet((d) => ddb.send(new BatchGetItemCommand({ RequestItems: { [T]: { Keys: [{ pk: d }] } } }))),
      keyValue: await eachSet((d) => ddb.send(new QueryCommand({ TableName: T, KeyConditionExpression: "pk = :t", ExpressionAttributeValues: { ":t": d } }))),
      filter: await eachSet((d) =>
        ddb.send(new QueryCommand({ TableName: T, KeyConditionExpression: "pk = :p", FilterExpression: "s = :t", ExpressionAttributeValues: { ":p": S("d"), ":t": d } })),
      ),
      startKey: await eachSet((d) =>
        ddb.send(new QueryCommand({ TableName: T, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": S("d") }, ExclusiveStartKey: { pk: d } })),
      ),
      queryFilter: await eachSet((d) =>
        ddb.send(
          new QueryCommand({
            TableName: T,
            KeyConditions: { pk: { ComparisonOperator: "EQ", AttributeValueList: [S("d")] } },
            QueryFilter: { s: { ComparisonOperator: "EQ", AttributeValueList: [d] } },
          }),
        ),
      ),
    };
    assert.deepEqual(sets, { get: DUPE_CURRENT, batchGet: DUPE_CURRENT, keyValue: DUPE_CURRENT, filter: DUPE_CURRENT, startKey: DUPE_CURRENT, queryFilter: DUPE_CURRENT });
  });

  test("BatchWriteItem keeps the older wording, bare", async () => {
    const numbers = await eachShape((v) => ddb.send(new BatchWriteItemCommand({ RequestItems: { [T]: [{ PutRequest: { Item: { pk: S("n"), n: v } } }] } })));
    const put = await eachSet((d) => ddb.send(new BatchWriteItemCommand({ RequestItems: { [T]: [{ PutRequest: { Item: { pk: S("d"), s: d } } }] } })));
    const del = await eachSet((d) => ddb.send(new BatchWriteItemCommand({ RequestItems: { [T]: [{ DeleteRequest: { Key: { pk: d } } }] } })));
    // The older layer reads 1e2147483647 as Java's BigDecimal does and calls it an underflow.
    assert.deepEqual({ numbers, put, del }, { numbers: OLDER, put: DUPE_OLDER, del: DUPE_OLDER });
  });

  test("TransactWriteItems and TransactGetItems keep the older wording for a malformed number (us-east-1)", async () => {
    // valueLayers.test.ts "Number values - transactions by region": us-east-1 runs the older layer there.
    const forKey = (m: string) => `ExpressionAttributeValues contains invalid value: ${m} for key :v`;
    const got = {
      put: await eachShape((v) => ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: T, Item: { pk: S("n"), n: v } } }] }))),
      update: await eachShape((v) =>
        ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Update: { TableName: T, Key: { pk: S("n") }, UpdateExpression: "SET n = :v", ExpressionAttributeValues: { ":v": v } } }] })),
      ),
      get: await eachShape((v) => ddb.send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: T, Key: { pk: v } } }] }))),
    };
    assert.deepEqual(got, { put: OLDER, update: OLDER.map(forKey), get: OLDER });
    // A nested number and a number-set member are read by the same layer.
    assert.equal(await message(() => ddb.send(new BatchWriteItemCommand({ RequestItems: { [T]: [{ PutRequest: { Item: { pk: S("n"), n: { NS: ["1", "-1e2147483647"] } } } }] } }))), UNDERFLOW);
    // One below, the magnitude fits a 32-bit int and overflows as everywhere else.
    assert.equal(await message(() => ddb.send(new BatchWriteItemCommand({ RequestItems: { [T]: [{ PutRequest: { Item: { pk: S("n"), n: { M: { x: { N: "1e2147483646" } } } } } }] } }))), OVERFLOW);
  });
});
