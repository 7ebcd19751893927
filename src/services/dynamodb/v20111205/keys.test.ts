import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { capacityUnits, currentKey, oldDescription, oldKey } from "./keys.js";

const HASH_RANGE = { hash: "id", range: "n" };
const HASH_ONLY = { hash: "id", range: undefined };

describe("DynamoDB 2011-12-05 shapes", () => {
  test("an old key becomes a map by the table's key names, and back", () => {
    const key = { HashKeyElement: { S: "a" }, RangeKeyElement: { N: "1" } };
    assert.deepEqual(currentKey(HASH_RANGE, key), { id: { S: "a" }, n: { N: "1" } });
    assert.deepEqual(oldKey(HASH_RANGE, { id: { S: "a" }, n: { N: "1" }, other: { S: "x" } }), key);
    assert.deepEqual(currentKey(HASH_ONLY, { HashKeyElement: { N: "7" } }), { id: { N: "7" } });
    assert.deepEqual(oldKey(HASH_ONLY, { id: { N: "7" } }), { HashKeyElement: { N: "7" } });
  });

  test("a range element for a table without a range key is kept, for the current key check to refuse", () => {
    assert.deepEqual(currentKey(HASH_ONLY, { HashKeyElement: { S: "a" }, RangeKeyElement: { N: "1" } }), { id: { S: "a" }, RangeKeyElement: { N: "1" } });
  });

  test("a current table description loses what the old shape has no place for; key elements carry their types", () => {
    const created = new Date(0);
    const described = oldDescription({
      TableName: "t",
      AttributeDefinitions: [
        { AttributeName: "n", AttributeType: "N" },
        { AttributeName: "id", AttributeType: "S" },
        { AttributeName: "g", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "id", KeyType: "HASH" },
        { AttributeName: "n", KeyType: "RANGE" },
      ],
      TableStatus: "ACTIVE",
      CreationDateTime: created,
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2, NumberOfDecreasesToday: 0 },
      TableSizeBytes: 10,
      ItemCount: 1,
      TableArn: "arn:aws:dynamodb:us-east-1:000000000000:table/t",
      GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }] }],
    });
    assert.deepEqual(described, {
      TableName: "t",
      KeySchema: { HashKeyElement: { AttributeName: "id", AttributeType: "S" }, RangeKeyElement: { AttributeName: "n", AttributeType: "N" } },
      TableStatus: "ACTIVE",
      CreationDateTime: created,
      ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2, NumberOfDecreasesToday: 0 },
      TableSizeBytes: 10,
      ItemCount: 1,
    });
  });

  test("ConsumedCapacityUnits is the current TOTAL CapacityUnits", () => {
    assert.equal(capacityUnits({ TableName: "t", CapacityUnits: 1.5 }), 1.5);
    assert.equal(capacityUnits(undefined), 0);
  });
});
