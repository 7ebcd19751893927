import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { BatchGetItemCommand, CreateTableCommand, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { clientSuite, refusal, uniqueName } from "./harness.js";
import { hashTable } from "./dynamodb-fixtures.js";

// The entries of ExpressionAttributeNames / ExpressionAttributeValues, validated before any
// expression is parsed (Constraints, "Expression parameters": at most 255 bytes a placeholder).
describe("DynamoDB expression attribute maps", () => {
  let ddb: DynamoDBClient;
  let table: string;
  clientSuite(
    (nimbus) => new DynamoDBClient(nimbus.clientConfig()),
    (_, client) => (ddb = client),
  );
  before(async () => {
    table = uniqueName("exprattrs");
    await ddb.send(new CreateTableCommand(hashTable(table, "pk")));
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "p" }, n: { N: "1" } } }));
  });

  test("the item writes report names, values or legacy parameters without an expression in the validation envelope", async () => {
    // The 2026-06 validation-framework rollout: paritysuite/dynamodb-conformance captures/cross-region-latest.json
    // (b_put_eav_no_expr, b_put_mix_expr, u_upd_mix) and its tier 3 putItem and deleteItem "request validation
    // envelope" tests, eu-west-2 and us-east-1: no ": ConditionExpression is null" suffix any more.
    const one = (message: string) => ["ValidationException", 400, `1 validation error detected: ${message}`];
    const Item = { pk: { S: "envelope" } };
    assert.deepEqual(
      await refusal(ddb.send(new PutItemCommand({ TableName: table, Item, ExpressionAttributeValues: { ":v": { S: "x" } } }))),
      one("ExpressionAttributeValues can only be specified when using expressions"),
    );
    assert.deepEqual(
      await refusal(ddb.send(new DeleteItemCommand({ TableName: table, Key: Item, ExpressionAttributeNames: { "#a": "a" } }))),
      one("ExpressionAttributeNames can only be specified when using expressions"),
    );
    assert.deepEqual(
      await refusal(ddb.send(new PutItemCommand({ TableName: table, Item, Expected: { pk: { Exists: false } }, ConditionExpression: "attribute_not_exists(pk)" }))),
      one("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {Expected} Expression parameters: {ConditionExpression}"),
    );
    assert.deepEqual(
      await refusal(
        ddb.send(new UpdateItemCommand({ TableName: table, Key: Item, UpdateExpression: "SET a = :v", ExpressionAttributeValues: { ":v": { S: "v" } }, AttributeUpdates: { a: { Value: { S: "v" }, Action: "PUT" } } })),
      ),
      one("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates} Expression parameters: {UpdateExpression}"),
    );
    // Query keeps the old words, suffix and all (no capture of it in the new ones).
    assert.deepEqual(
      (await refusal(ddb.send(new QueryCommand({ TableName: table, KeyConditions: { pk: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "p" }] } }, ExpressionAttributeValues: { ":v": { S: "x" } } }))))[2],
      "ExpressionAttributeValues can only be specified when using expressions: FilterExpression and KeyConditionExpression are null",
    );
  });

  test("an empty attribute name is refused and nothing is written under the name \"\"", async () => {
    assert.deepEqual(
      await refusal(
        ddb.send(
          new UpdateItemCommand({
            TableName: table,
            Key: { pk: { S: "p" } },
            UpdateExpression: "SET #a = :v",
            ExpressionAttributeNames: { "#a": "" },
            ExpressionAttributeValues: { ":v": { N: "2" } },
          }),
        ),
      ),
      ["ValidationException", 400, "ExpressionAttributeNames contains invalid value: Empty attribute name for key #a"],
    );
    const got = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "p" } } }));
    assert.deepEqual(got.Item, { pk: { S: "p" }, n: { N: "1" } });
  });

  test("a placeholder of 256 bytes is refused: names give the key's size, values do not; 255 bytes is fine", async () => {
    const fits = "#" + "a".repeat(254);
    const got = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "p" } }, ProjectionExpression: fits, ExpressionAttributeNames: { [fits]: "n" } }));
    assert.deepEqual(got.Item, { n: { N: "1" } });

    const longName = "#" + "a".repeat(255);
    assert.deepEqual(
      await refusal(ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "p" } }, ProjectionExpression: longName, ExpressionAttributeNames: { [longName]: "n" } }))),
      ["ValidationException", 400, "ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 256"],
    );
    const longValue = ":" + "a".repeat(255);
    assert.deepEqual(
      await refusal(
        ddb.send(new QueryCommand({ TableName: table, KeyConditionExpression: `pk = ${longValue}`, ExpressionAttributeValues: { [longValue]: { S: "p" } } })),
      ),
      ["ValidationException", 400, "ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;"],
    );
  });
  // moto's AWS-verified tests/test_dynamodb/exceptions/test_dynamodb_exceptions.py::
  // test_query_unused_attribute_name and ::test_batch_get_item_unused_attribute_name.
  test("an unused name is refused before the key condition is checked, and before a BatchGetItem table is looked up", async () => {
    const unused = ["ValidationException", 400, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#count}"];
    assert.deepEqual(
      await refusal(
        ddb.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: "(#0 = x) AND (begins_with(#1, a))",
            ExpressionAttributeNames: { "#0": "pk", "#1": "sk", "#count": "count" },
          }),
        ),
      ),
      unused,
    );
    assert.deepEqual(
      await refusal(
        ddb.send(
          new BatchGetItemCommand({
            RequestItems: {
              [uniqueName("absent")]: {
                Keys: [{ username: { S: "user0" } }],
                ProjectionExpression: "#rl",
                ExpressionAttributeNames: { "#rl": "username", "#count": "count" },
              },
            },
          }),
        ),
      ),
      unused,
    );
  });
});
