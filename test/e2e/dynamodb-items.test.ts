import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  ExecuteStatementCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { hashRangeTable } from "./dynamodb-fixtures.js";
import { startTestNimbus, uniqueName, type TestNimbus, failure, jsonService, refusal } from "./harness.js";

describe("DynamoDB items", () => {
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


  async function table(opts: { sortKey?: "S" | "N" | "B" } = {}): Promise<string> {
    const name = uniqueName("items");
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, ...(opts.sortKey ? [{ AttributeName: "sk", AttributeType: opts.sortKey }] : [])],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, ...(opts.sortKey ? [{ AttributeName: "sk", KeyType: "RANGE" as const }] : [])],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    return name;
  }

  test("in-process callers (dispatcher.invoke) get whole items as values, binaries as bytes, though the wire gets the stored JSON", async () => {
    const name = await table({ sortKey: "S" });
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "p" }, sk: { S: "1" }, b: { B: new Uint8Array([7, 8]) }, m: { M: { n: { N: "2" } } } } }));
    const scope = { account: "000000000000", region: "us-east-1" };
    const got = await nimbus.dispatcher.invoke<{ Item?: Record<string, AttributeValue> }>("dynamodb", "GetItem", { TableName: name, Key: { pk: { S: "p" }, sk: { S: "1" } } }, scope);
    assert.ok(Buffer.isBuffer(got.Item?.b?.B));
    assert.deepEqual([...(got.Item?.b?.B ?? [])], [7, 8]);
    assert.deepEqual(got.Item?.m, { M: { n: { N: "2" } } });
    const queried = await nimbus.dispatcher.invoke<{ Items?: Array<Record<string, AttributeValue>>; Count?: number }>(
      "dynamodb",
      "Query",
      { TableName: name, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" } } },
      scope,
    );
    assert.equal(queried.Count, 1);
    assert.ok(Buffer.isBuffer(queried.Items?.[0]?.b?.B));
    assert.deepEqual(queried.Items?.[0]?.sk, { S: "1" });
    // The wire answer is the same item.
    const wire = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "p" }, sk: { S: "1" } } }));
    assert.deepEqual([...(wire.Item?.b?.B ?? [])], [7, 8]);
    assert.deepEqual(wire.Item?.m, { M: { n: { N: "2" } } });
  });

  test("PutItem and GetItem round-trip every type, numbers normalized, binaries intact", async () => {
    const name = await table();
    const item: Record<string, AttributeValue> = {
      pk: { S: "k1" },
      n: { N: "1.50" },
      b: { B: new Uint8Array([0, 1, 2, 255]) },
      ss: { SS: ["a", "b"] },
      ns: { NS: ["1", "2.0"] },
      bs: { BS: [new Uint8Array([1]), new Uint8Array([2])] },
      m: { M: { inner: { L: [{ S: "x" }, { NULL: true }, { BOOL: false }] } } },
    };
    const put = await ddb.send(new PutItemCommand({ TableName: name, Item: item }));
    assert.equal(put.$metadata.httpStatusCode, 200);
    assert.equal(put.Attributes, undefined);
    const got = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "k1" } }, ConsistentRead: true }));
    assert.deepEqual(got.Item?.n, { N: "1.5" });
    assert.deepEqual(got.Item?.ns, { NS: ["1", "2"] });
    assert.deepEqual([...(got.Item?.b?.B ?? [])], [0, 1, 2, 255]);
    assert.deepEqual(got.Item?.bs?.BS?.map((b) => [...b]), [[1], [2]]);
    assert.deepEqual(got.Item?.m, item.m);
    const missing = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "nope" } } }));
    assert.equal(missing.Item, undefined);
    const projected = await ddb.send(
      new GetItemCommand({ TableName: name, Key: { pk: { S: "k1" } }, ProjectionExpression: "#m.#i[0], n", ExpressionAttributeNames: { "#m": "m", "#i": "inner" } }),
    );
    assert.deepEqual(projected.Item, { m: { M: { inner: { L: [{ S: "x" }] } } }, n: { N: "1.5" } });
  });

  test("GetItem, PutItem, DeleteItem and UpdateItem check their values and expressions before the table is looked up", async () => {
    // dynalite's suite (run against DynamoDB) gets these ValidationExceptions from tables that do not exist.
    const missing = uniqueName("missing");
    const invalid = (message: string): [string, number, string] => ["ValidationException", 400, message];
    const twoTypes = "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes";
    assert.deepEqual(await refusal(ddb.send(new GetItemCommand({ TableName: missing, Key: { pk: { S: "a", N: "1" } as unknown as AttributeValue } }))), invalid(twoTypes));
    assert.deepEqual(await refusal(ddb.send(new GetItemCommand({ TableName: missing, Key: { pk: { S: "a" } }, ProjectionExpression: "a, #b" }))), invalid("Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #b"));
    // Enveloped since the 2026-06 validation-framework rollout (paritysuite/dynamodb-conformance tests/tier3/error-messages/valueLayers.test.ts, us-east-1).
    assert.deepEqual(await refusal(ddb.send(new PutItemCommand({ TableName: missing, Item: { pk: { S: "a" }, n: { N: "b" } } }))), invalid("1 validation error detected: The parameter cannot be converted to a numeric value: b"));
    assert.deepEqual(await refusal(ddb.send(new PutItemCommand({ TableName: missing, Item: { pk: { S: "a" }, big: { S: "x".repeat(400 * 1024) } } }))), invalid("Item size has exceeded the maximum allowed size"));
    assert.deepEqual(await refusal(ddb.send(new PutItemCommand({ TableName: missing, Item: { pk: { S: "a" } }, ConditionExpression: "" }))), invalid("1 validation error detected: Invalid ConditionExpression: The expression can not be empty;"));
    assert.deepEqual(await refusal(ddb.send(new DeleteItemCommand({ TableName: missing, Key: { pk: { SS: [] } } }))), invalid("One or more parameter values were invalid: An string set  may not be empty"));
    assert.deepEqual(await refusal(ddb.send(new DeleteItemCommand({ TableName: missing, Key: { pk: { S: "a" } }, ConditionExpression: "a = :a", ExpressionAttributeValues: {} }))), invalid("ExpressionAttributeValues must not be empty"));
    // Enveloped too (valueLayers.test.ts "Number values", UpdateItem key, us-east-1).
    assert.deepEqual(await refusal(ddb.send(new UpdateItemCommand({ TableName: missing, Key: { pk: { N: "1e126" } } }))), invalid("1 validation error detected: Number overflow. Attempting to store a number with magnitude larger than supported range"));
    // Enveloped since the 2026-06 validation-framework rollout (paritysuite/dynamodb-conformance captures/cross-region-latest.json u_upd_syntax, us-east-1).
    assert.match((await refusal(ddb.send(new UpdateItemCommand({ TableName: missing, Key: { pk: { S: "a" } }, UpdateExpression: "SET" }))))[2], /^1 validation error detected: Invalid UpdateExpression: Syntax error; /);
    // A request that passes them learns that the table is missing, and a Key that does not fit
    // an existing table's schema is still refused after the lookup.
    assert.deepEqual(await refusal(ddb.send(new PutItemCommand({ TableName: missing, Item: { pk: { S: "a" }, big: { S: "x".repeat(400 * 1024 - 10) } } }))), ["ResourceNotFoundException", 400, "Requested resource not found"]);
    assert.deepEqual(await refusal(ddb.send(new GetItemCommand({ TableName: missing, Key: { other: { S: "a" } } }))), ["ResourceNotFoundException", 400, "Requested resource not found"]);
    const name = await table();
    assert.deepEqual(await refusal(ddb.send(new GetItemCommand({ TableName: name, Key: { other: { S: "a" } } }))), invalid("The provided key element does not match the schema"));
    assert.deepEqual(await refusal(ddb.send(new PutItemCommand({ TableName: name, Item: { other: { S: "a" } } }))), invalid("One or more parameter values were invalid: Missing the key pk in the item"));
  });

  test("a number's exponent is read in full, and a zero is range-checked by the exponent it is written with", async () => {
    // paritysuite/dynamodb-conformance tests/tier3/limits/numberExponent.test.ts "Number limits - exponents".
    const name = await table();
    const enveloped = (message: string): [string, number, string] => ["ValidationException", 400, `1 validation error detected: ${message}`];
    const OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range";
    const UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range";
    const put = (n: string, pk = "nx") => ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: pk }, val: { N: n } } }));
    assert.deepEqual(await refusal(put("1e9223372036854775808")), enveloped("The parameter cannot be converted to a numeric value: 1e9223372036854775808"));
    assert.deepEqual(await refusal(put("0e126")), enveloped(OVERFLOW));
    assert.deepEqual(await refusal(put("0e-131")), enveloped(UNDERFLOW));
    assert.deepEqual(await refusal(put("1e99999999999")), enveloped(OVERFLOW));
    assert.deepEqual(await refusal(put("1e-99999999999")), enveloped(UNDERFLOW));
    await put("0e125", "zero");
    await put("0e-130", "zero-small");
    const got = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "zero" } }, ConsistentRead: true }));
    assert.deepEqual(got.Item?.val, { N: "0" });
  });

  test("an unknown ReturnItemCollectionMetrics is refused before PutItem, UpdateItem or DeleteItem writes", async () => {
    // A member constraint, checked before the request runs (nubo-db/dynamodb-conformance's DynamoDB captures of
    // TransactWriteItems and BatchWriteItem with ReturnItemCollectionMetrics 'BOGUS2' write nothing).
    const name = await table();
    const ricm = [
      "ValidationException",
      400,
      "1 validation error detected: Value 'BOGUS2' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]",
    ];
    const bogus = "BOGUS2" as "NONE";
    assert.deepEqual(await refusal(ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "p" } }, ReturnItemCollectionMetrics: bogus }))), ricm);
    assert.deepEqual(
      await refusal(ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "u" } }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { S: "1" } }, ReturnItemCollectionMetrics: bogus }))),
      ricm,
    );
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "d" } } }));
    assert.deepEqual(await refusal(ddb.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: "d" } }, ReturnItemCollectionMetrics: bogus }))), ricm);
    const read = (pk: string) => ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: pk } }, ConsistentRead: true }));
    assert.equal((await read("p")).Item, undefined);
    assert.equal((await read("u")).Item, undefined);
    assert.deepEqual((await read("d")).Item, { pk: { S: "d" } });
  });

  test("PutItem and DeleteItem report their enums together, and an empty TableName alone before them", async () => {
    // nubo-db/dynamodb-conformance tier 3 validation-ordering/putItem (3 errors, passing against DynamoDB).
    // An empty TableName with a bad ReturnValues is one error since the 2026-06 validation-framework
    // rollout: paritysuite/dynamodb-conformance registry/splits.json put-item-validation-error-aggregation
    // (31 of 33 Regions, us-east-1 among them, 2026-10-07; eu-south-2 and me-central-1 still report both).
    const emptyName = ["ValidationException", 400, "1 validation error detected: Value at 'TableName' failed to satisfy constraint: Member must have length greater than or equal to 1"];
    // ReturnValues in the rollout's words, between the other two enums (registry row
    // update-item-validation-error-aggregation; cross-region-latest o_put_three_bad_enums, o_del_two_bad_enums).
    const rv = "Failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATE_NEW, NONE]";
    const bad = "INVALID" as "NONE";
    assert.deepEqual(await refusal(ddb.send(new PutItemCommand({ TableName: "", ReturnValues: bad, Item: {} }))), emptyName);
    assert.deepEqual(await refusal(ddb.send(new DeleteItemCommand({ TableName: "", Key: {}, ReturnValues: bad, ReturnConsumedCapacity: bad }))), emptyName);
    assert.deepEqual(await refusal(ddb.send(new UpdateItemCommand({ TableName: "", Key: {} }))), emptyName);
    assert.deepEqual(
      await refusal(ddb.send(new PutItemCommand({ TableName: uniqueName("absent"), Item: { pk: { S: "t" } }, ReturnConsumedCapacity: bad, ReturnItemCollectionMetrics: bad, ReturnValues: bad }))),
      [
        "ValidationException",
        400,
        `3 validation errors detected: Value 'INVALID' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; ${rv}; ` +
          "Value 'INVALID' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must satisfy enum value set: [SIZE, NONE]",
      ],
    );
    // The tier 3 deleteItem ordering tests: two enums are 2 errors; an empty name is one.
    assert.deepEqual(await refusal(ddb.send(new DeleteItemCommand({ TableName: uniqueName("absent"), Key: { pk: { S: "t" } }, ReturnValues: bad, ReturnConsumedCapacity: bad }))), [
      "ValidationException",
      400,
      `2 validation errors detected: Value 'INVALID' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; ${rv}`,
    ]);
    assert.deepEqual(await refusal(ddb.send(new DeleteItemCommand({ TableName: "", Key: {} }))), emptyName);
    // UpdateItem stops at ReturnValues (tier 3 validation-ordering/updateItem; 31 of 33 Regions, us-east-1 among them).
    assert.deepEqual(await refusal(ddb.send(new UpdateItemCommand({ TableName: uniqueName("absent"), Key: { pk: { S: "t" } }, ReturnValues: bad, ReturnConsumedCapacity: bad }))), [
      "ValidationException",
      400,
      `1 validation error detected: ${rv}`,
    ]);
  });

  test("UpdateItem checks AttributeUpdates before the table is looked up, and before Expected", async () => {
    // dynalite's updateItem tests (run against DynamoDB), on a table that does not exist.
    const missing = uniqueName("missing");
    const invalid = (message: string): [string, number, string] => ["ValidationException", 400, `One or more parameter values were invalid: ${message}`];
    assert.deepEqual(
      await refusal(ddb.send(new UpdateItemCommand({ TableName: missing, Key: { pk: { S: "a" } }, AttributeUpdates: { a: { Action: "ADD", Value: { S: "1" } } } }))),
      invalid("ADD action is not supported for the type S"),
    );
    assert.deepEqual(
      await refusal(ddb.send(new UpdateItemCommand({ TableName: missing, Key: { pk: { S: "a" } }, AttributeUpdates: { a: { Action: "DELETE", Value: { N: "1" } } } }))),
      invalid("DELETE action with value is not supported for the type N"),
    );
    assert.deepEqual(
      await refusal(ddb.send(new UpdateItemCommand({ TableName: missing, Key: { pk: { S: "a" } }, AttributeUpdates: { a: { Action: "PUT" } }, Expected: { a: {} } }))),
      invalid("Only DELETE action is allowed when no attribute value is specified"),
    );
  });

  test("key validation uses DynamoDB's messages", async () => {
    const name = await table({ sortKey: "N" });
    // Thunks: each request is sent only when its turn comes, so no rejection goes unobserved.
    const cases: [() => Promise<unknown>, string][] = [
      [() => ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" } } })), "One or more parameter values were invalid: Missing the key sk in the item"],
      [
        () => ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { N: "1" }, sk: { N: "1" } } })),
        "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
      ],
      [() => ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" } } })), "The provided key element does not match the schema"],
      [() => ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" }, sk: { S: "1" } } })), "The provided key element does not match the schema"],
      [
        () => ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "" }, sk: { N: "1" } } })),
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
      ],
      [
        () => ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "a" }, sk: { N: "1" } }, UpdateExpression: "SET sk = :v", ExpressionAttributeValues: { ":v": { N: "2" } } })),
        "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key",
      ],
      [() => ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, sk: { N: "1" }, big: { S: "x".repeat(400 * 1024) } } })), "Item size has exceeded the maximum allowed size"],
      // An empty AttributesToGet breaks its model constraint (ScyllaDB Alternator's test_getitem_attributes_to_get_empty).
      [
        () => ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" }, sk: { N: "1" } }, AttributesToGet: [] })),
        "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ],
      [
        () => ddb.send(new ScanCommand({ TableName: name, AttributesToGet: [] })),
        "1 validation error detected: Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length greater than or equal to 1",
      ],
    ];
    for (const [p, message] of cases) {
      const err = await failure<DynamoDBServiceException>(p());
      assert.equal(err.name, "ValidationException", message);
      assert.equal(err.message, message);
      assert.equal(err.$metadata.httpStatusCode, 400);
    }
    const noTable = await failure<DynamoDBServiceException>(ddb.send(new GetItemCommand({ TableName: "no-such-table", Key: { pk: { S: "a" } } })));
    assert.equal(noTable.name, "ResourceNotFoundException");
    assert.equal(noTable.message, "Requested resource not found");
    assert.equal(noTable.$metadata.httpStatusCode, 400);
  });

  /** pk/sk with an LSI lsi1 and a GSI gsi1 both keyed on lsi1sk (the LSI declared first), and a GSI gsib on a binary. */
  async function indexedTable(): Promise<string> {
    const name = uniqueName("items-idx");
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: "pk", AttributeType: "S" },
          { AttributeName: "sk", AttributeType: "S" },
          { AttributeName: "lsi1sk", AttributeType: "S" },
          { AttributeName: "bidx", AttributeType: "B" },
        ],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
        LocalSecondaryIndexes: [
          {
            IndexName: "lsi1",
            KeySchema: [
              { AttributeName: "pk", KeyType: "HASH" },
              { AttributeName: "lsi1sk", KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: "ALL" },
          },
        ],
        GlobalSecondaryIndexes: [
          { IndexName: "gsib", KeySchema: [{ AttributeName: "bidx", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } },
          { IndexName: "gsi1", KeySchema: [{ AttributeName: "lsi1sk", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } },
        ],
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
    return name;
  }

  test("a bad secondary index key value names the first of its indexes by name", async () => {
    const name = await indexedTable();
    const put = (value: AttributeValue) => failure<DynamoDBServiceException>(ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "p" }, sk: { S: "s" }, lsi1sk: value } })));
    assert.equal((await put({ N: "5" })).message, "One or more parameter values were invalid: Type mismatch for Index Key lsi1sk Expected: S Actual: N IndexName: gsi1");
    assert.equal((await put({ L: [{ S: "x" }] })).message, "One or more parameter values were invalid: Type mismatch for Index Key lsi1sk Expected: S Actual: L IndexName: gsi1");
    assert.equal(
      (await put({ S: "" })).message,
      "One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty string value. IndexName: gsi1, IndexKey: lsi1sk",
    );
  });

  test("an UpdateItem that would empty a secondary index key is refused in the update's own words", async () => {
    const name = await indexedTable();
    const update = (attribute: string, value: AttributeValue, pk: string) =>
      failure<DynamoDBServiceException>(
        ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: pk }, sk: { S: "s" } }, UpdateExpression: "SET #a = :v", ExpressionAttributeNames: { "#a": attribute }, ExpressionAttributeValues: { ":v": value } })),
      );
    const words = (kind: string) =>
      `One or more parameter values are not valid. The update expression attempted to update a secondary index key to a value that is not supported. The AttributeValue for a key attribute cannot contain an empty ${kind} value.`;
    // A new item and an existing one alike, and without naming the index.
    assert.equal((await update("bidx", { B: new Uint8Array(0) }, "fresh")).message, words("binary"));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "old" }, sk: { S: "s" }, lsi1sk: { S: "x" } } }));
    const emptied = await update("lsi1sk", { S: "" }, "old");
    assert.equal(emptied.name, "ValidationException");
    assert.equal(emptied.message, words("string"));
    // A wrong type is worded as for a put.
    assert.equal((await update("lsi1sk", { N: "1" }, "old")).message, "One or more parameter values were invalid: Type mismatch for Index Key lsi1sk Expected: S Actual: N IndexName: gsi1");
    const kept = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "old" }, sk: { S: "s" } } }));
    assert.deepEqual(kept.Item?.lsi1sk, { S: "x" });
  });

  test("an UpdateItem that copies a value of the wrong type from the item into an index key is refused in the update's words", async () => {
    const name = await indexedTable();
    const key = { pk: { S: "copy" }, sk: { S: "s" } };
    await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, n: { N: "1" }, s: { S: "ok" } } }));
    const copy = (expression: string) => failure<DynamoDBServiceException>(ddb.send(new UpdateItemCommand({ TableName: name, Key: key, UpdateExpression: expression })));
    const refused = await copy("SET lsi1sk = n");
    assert.equal(refused.name, "ValidationException");
    assert.equal(refused.$metadata.httpStatusCode, 400);
    assert.equal(refused.message, "The update expression attempted to update the secondary index key to unsupported type");
    assert.equal((await copy("SET lsi1sk = if_not_exists(nope, n)")).message, "The update expression attempted to update the secondary index key to unsupported type");
    // A value of the right type copies; the item is left as it was by the refusals.
    await ddb.send(new UpdateItemCommand({ TableName: name, Key: key, UpdateExpression: "SET lsi1sk = s" }));
    const got = await ddb.send(new GetItemCommand({ TableName: name, Key: key }));
    assert.deepEqual(got.Item?.lsi1sk, { S: "ok" });
  });

  test("an update that writes a key attribute, or into one, names it as part of the key; other paths into keys are refused as non-scalar", async () => {
    const name = await indexedTable();
    const key = { pk: { S: "p" }, sk: { S: "s" } };
    await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, lsi1sk: { S: "x" }, m: { M: { a: { S: "1" } } } } }));
    const refused = async (send: () => Promise<unknown>, message: string): Promise<void> => {
      const err = await failure<DynamoDBServiceException>(send());
      assert.equal(err.name, "ValidationException", message);
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, message);
    };
    const update = (expression: string, values?: Record<string, AttributeValue>) => () =>
      ddb.send(new UpdateItemCommand({ TableName: name, Key: key, UpdateExpression: expression, ExpressionAttributeValues: values, ExpressionAttributeNames: expression.includes("#k") ? { "#k": "pk" } : undefined }));
    const partOfKey = (attribute: string) => `One or more parameter values were invalid: Cannot update attribute ${attribute}. This attribute is part of the key`;
    const scalar = (what: string) => `Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: ${what}`;
    const one = { ":v": { S: "v" } };
    await refused(update("SET pk = :v", one), partOfKey("pk"));
    await refused(update("SET #k = :v", one), partOfKey("pk"));
    await refused(update("SET pk.a = :v", one), partOfKey("pk"));
    await refused(update("SET pk[0] = :v", one), partOfKey("pk"));
    await refused(update("REMOVE sk"), partOfKey("sk"));
    await refused(update("REMOVE sk.a"), partOfKey("sk"));
    await refused(update("ADD pk :n", { ":n": { N: "1" } }), partOfKey("pk"));
    await refused(update("DELETE sk :s", { ":s": { SS: ["a"] } }), partOfKey("sk"));
    // Reading into a table key, or writing or reading into an index key.
    await refused(update("SET m = pk.a"), scalar("Key: pk"));
    await refused(update("SET m = if_not_exists(sk[0], :v)", one), scalar("Key: sk"));
    await refused(update("SET lsi1sk.a = :v", one), scalar("IndexKey: lsi1sk"));
    await refused(update("ADD lsi1sk[1] :n", { ":n": { N: "1" } }), scalar("IndexKey: lsi1sk"));
    await refused(update("SET m = list_append(m, bidx.c)"), scalar("IndexKey: bidx"));
    // Projections and filters alike.
    await refused(() => ddb.send(new GetItemCommand({ TableName: name, Key: key, ProjectionExpression: "#k.a", ExpressionAttributeNames: { "#k": "pk" } })), scalar("Key: pk"));
    await refused(() => ddb.send(new GetItemCommand({ TableName: name, Key: key, ProjectionExpression: "m, lsi1sk[0]" })), scalar("IndexKey: lsi1sk"));
    await refused(() => ddb.send(new ScanCommand({ TableName: name, FilterExpression: "attribute_exists(sk.a)" })), scalar("Key: sk"));
    await refused(() => ddb.send(new ScanCommand({ TableName: name, ProjectionExpression: "bidx[0]" })), scalar("IndexKey: bidx"));
    await refused(
      () => ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "pk = :p", FilterExpression: "lsi1sk.a = :p", ExpressionAttributeValues: { ":p": { S: "p" } } })),
      scalar("IndexKey: lsi1sk"),
    );
    // In a Query a filter on the key is refused first, in its own words.
    await refused(
      () => ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "pk = :p", FilterExpression: "attribute_exists(sk.a)", ExpressionAttributeValues: { ":p": { S: "p" } } })),
      "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
    );
    // Paths into other attributes, and key attributes whole, are fine.
    const fine = await ddb.send(new GetItemCommand({ TableName: name, Key: key, ProjectionExpression: "pk, lsi1sk, m.a" }));
    assert.deepEqual(fine.Item, { pk: { S: "p" }, lsi1sk: { S: "x" }, m: { M: { a: { S: "1" } } } });
    const kept = await ddb.send(new GetItemCommand({ TableName: name, Key: key }));
    assert.deepEqual(kept.Item, { ...key, lsi1sk: { S: "x" }, m: { M: { a: { S: "1" } } } });
  });

  test("an update expression that gives an index key a value of the wrong type is refused before the item is read or paths are checked", async () => {
    const name = await indexedTable();
    const mismatch = (actual: string) => `One or more parameter values were invalid: Type mismatch for Index Key lsi1sk Expected: S Actual: ${actual} IndexName: gsi1`;
    const cases: [string, Record<string, AttributeValue>, string][] = [
      // The item is missing and the condition fails; m.a is no path of it: the type is wrong first.
      ["SET m.a = :x ADD lsi1sk :n", { ":x": { S: "x" }, ":n": { N: "1" } }, mismatch("N")],
      // Arithmetic makes a number, list_append a list, whatever they read; lsi1sk[1] goes into the key it sets.
      ["SET m = lsi1sk[1], lsi1sk = :n + :n", { ":n": { N: "1" } }, mismatch("N")],
      ["SET lsi1sk = list_append(:l, :l)", { ":l": { L: [] } }, mismatch("L")],
      ["DELETE lsi1sk :s", { ":s": { SS: ["a"] } }, mismatch("SS")],
    ];
    for (const [expression, values, message] of cases) {
      const err = await failure<DynamoDBServiceException>(
        ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "none" }, sk: { S: "s" } }, UpdateExpression: expression, ConditionExpression: "attribute_exists(pk)", ExpressionAttributeValues: values })),
      );
      assert.equal(err.name, "ValidationException", expression);
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, message, expression);
    }
  });

  test("ConditionExpression failures, with the old item when asked for", async () => {
    const name = await table();
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, v: { N: "1" } } }));
    const exists = await failure<DynamoDBServiceException>(ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" } }, ConditionExpression: "attribute_not_exists(pk)" })));
    assert.ok(exists instanceof ConditionalCheckFailedException);
    assert.equal(exists.name, "ConditionalCheckFailedException");
    assert.equal(exists.message, "The conditional request failed");
    assert.equal(exists.$metadata.httpStatusCode, 400);
    assert.equal(exists.Item, undefined);
    const withOld = await failure<DynamoDBServiceException>(
      ddb.send(
        new DeleteItemCommand({
          TableName: name,
          Key: { pk: { S: "a" } },
          ConditionExpression: "v = :two",
          ExpressionAttributeValues: { ":two": { N: "2" } },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      ),
    );
    assert.ok(withOld instanceof ConditionalCheckFailedException);
    assert.deepEqual(withOld.Item, { pk: { S: "a" }, v: { N: "1" } });
    assert.equal(withOld.message, "The conditional request failed");
    // On the wire the message is "message" alone, but "Message" beside an Item (moto's AWS-verified
    // tests/test_dynamodb/exceptions/test_dynamodb_exceptions.py::TestReturnValuesOnConditionCheckFailure:
    // boto3 has a top-level "message" only without the Item).
    const wire = jsonService(() => nimbus, { targetPrefix: "DynamoDB_20120810", version: "1.0", signingName: "dynamodb" });
    const condition = { TableName: name, Key: { pk: { S: "a" } }, ConditionExpression: "attribute_not_exists(v)" };
    const bare = await wire.call("DeleteItem", condition);
    assert.deepEqual(Object.keys(bare.body).sort(), ["__type", "message"]);
    const old = await wire.call("DeleteItem", { ...condition, ReturnValuesOnConditionCheckFailure: "ALL_OLD" });
    assert.deepEqual(Object.keys(old.body).sort(), ["Item", "Message", "__type"]);
    assert.equal(old.body["Message"], "The conditional request failed");
    // Legacy Expected works the same way.
    const legacy = await failure<DynamoDBServiceException>(ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" } }, Expected: { pk: { Exists: false } } })));
    assert.equal(legacy.name, "ConditionalCheckFailedException");
    const unused = await failure<DynamoDBServiceException>(
      ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "b" } }, ConditionExpression: "attribute_not_exists(pk)", ExpressionAttributeValues: { ":x": { S: "1" } } })),
    );
    assert.equal(unused.message, "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}");
    const item = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" } } }));
    assert.deepEqual(item.Item, { pk: { S: "a" }, v: { N: "1" } });
  });

  // moto's AWS-verified test_update_item_with_empty_table_name and test_update_item_with_invalid_table_name
  // (getmoto/moto tests/test_dynamodb), sent as boto3 sends them with parameter validation off.
  test("UpdateItem and PutItem: an empty TableName fails the model's length 1 alone, an invalid one the table name rules", async () => {
    const wire = jsonService(() => nimbus, { targetPrefix: "DynamoDB_20120810", version: "1.0", signingName: "dynamodb" });
    const request = { Key: { pk: { S: "foo" } }, UpdateExpression: "ADD stringset :emptySet", ExpressionAttributeValues: { ":emptySet": { SS: [] } } };
    await wire.fails(
      "UpdateItem",
      { TableName: "", ...request },
      "ValidationException",
      // The newer front end's wording (paritysuite/dynamodb-conformance captures/cross-region-latest.json,
      // o_upd_empty_table, eu-west-2 and us-east-1; registry row put-item-validation-error-aggregation).
      "1 validation error detected: Value at 'TableName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    await wire.fails(
      "UpdateItem",
      { TableName: "x!", ...request },
      "ValidationException",
      "2 validation errors detected: Value 'x!' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
        "Value 'x!' at 'tableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    );
    // PutItem's the same: paritysuite/dynamodb-conformance registry row put-item-validation-error-aggregation (31 of 33 Regions, us-east-1 among them).
    await wire.fails(
      "PutItem",
      { TableName: "", Item: { pk: { S: "foo" } } },
      "ValidationException",
      "1 validation error detected: Value at 'TableName' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  test("ReturnValues: ALL_OLD on put and delete, all five forms on update", async () => {
    const name = await table();
    const key = { pk: { S: "r" } };
    const first = await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, a: { N: "1" }, b: { S: "x" } }, ReturnValues: "ALL_OLD" }));
    assert.equal(first.Attributes, undefined);
    const second = await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, a: { N: "2" }, b: { S: "x" } }, ReturnValues: "ALL_OLD" }));
    assert.deepEqual(second.Attributes, { ...key, a: { N: "1" }, b: { S: "x" } });
    // dynalite's putItem tests (run against AWS); ExtendDB's wording tests, verified against us-east-1.
    for (const rv of ["ALL_NEW", "UPDATED_OLD", "UPDATED_NEW"] as const) {
      const bad = await failure<DynamoDBServiceException>(ddb.send(new PutItemCommand({ TableName: name, Item: key, ReturnValues: rv })));
      assert.equal(bad.name, "ValidationException");
      assert.equal(bad.$metadata.httpStatusCode, 400);
      assert.equal(bad.message, "ReturnValues can only be ALL_OLD or NONE");
      const badDelete = await failure<DynamoDBServiceException>(ddb.send(new DeleteItemCommand({ TableName: name, Key: key, ReturnValues: rv })));
      // Enveloped since the 2026-06 validation-framework rollout: paritysuite/dynamodb-conformance tier 3
      // deleteItem.test.ts "ReturnValues ALL_NEW or UPDATED_NEW" (us-east-1).
      assert.equal(badDelete.message, "1 validation error detected: ReturnValues can only be ALL_OLD or NONE");
    }
    const unknown = await failure<DynamoDBServiceException>(ddb.send(new DeleteItemCommand({ TableName: name, Key: key, ReturnValues: "none" as "NONE" })));
    assert.equal(
      unknown.message,
      // The 2026-06 rollout's wording (paritysuite/dynamodb-conformance registry row update-item-validation-error-aggregation).
      "1 validation error detected: Failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATE_NEW, NONE]",
    );

    const update = (rv: "ALL_OLD" | "ALL_NEW" | "UPDATED_OLD" | "UPDATED_NEW" | "NONE") =>
      ddb.send(new UpdateItemCommand({ TableName: name, Key: key, UpdateExpression: "SET a = a + :one", ExpressionAttributeValues: { ":one": { N: "1" } }, ReturnValues: rv }));
    assert.deepEqual((await update("UPDATED_OLD")).Attributes, { a: { N: "2" } });
    assert.deepEqual((await update("UPDATED_NEW")).Attributes, { a: { N: "4" } });
    assert.deepEqual((await update("ALL_OLD")).Attributes, { ...key, a: { N: "4" }, b: { S: "x" } });
    assert.deepEqual((await update("ALL_NEW")).Attributes, { ...key, a: { N: "6" }, b: { S: "x" } });
    assert.equal((await update("NONE")).Attributes, undefined);
    const deleted = await ddb.send(new DeleteItemCommand({ TableName: name, Key: key, ReturnValues: "ALL_OLD" }));
    assert.deepEqual(deleted.Attributes, { ...key, a: { N: "7" }, b: { S: "x" } });
    const deletedAgain = await ddb.send(new DeleteItemCommand({ TableName: name, Key: key, ReturnValues: "ALL_OLD" }));
    assert.equal(deletedAgain.Attributes, undefined);
  });

  test("UPDATED_OLD and UPDATED_NEW of nested paths return only those paths; a SET past a list's end returns nothing", async () => {
    // ScyllaDB Alternator's test_update_item_returnvalues_nested, which passes on DynamoDB.
    const name = await table();
    const key = { pk: { S: "n" } };
    await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, a: { M: { b: { S: "dog" }, c: { L: [{ N: "1" }, { N: "2" }, { N: "3" }] } } }, d: { S: "cat" } } }));
    const update = async (expression: string, rv: "UPDATED_OLD" | "UPDATED_NEW", values?: Record<string, AttributeValue>) =>
      (await ddb.send(new UpdateItemCommand({ TableName: name, Key: key, UpdateExpression: expression, ReturnValues: rv, ...(values ? { ExpressionAttributeValues: values } : {}) })))
        .Attributes;
    assert.deepEqual(await update("SET a.c[1] = :v, a.b = :w", "UPDATED_OLD", { ":v": { N: "8" }, ":w": { S: "yo" } }), { a: { M: { b: { S: "dog" }, c: { L: [{ N: "2" }] } } } });
    assert.deepEqual(await update("SET a.b = :v", "UPDATED_NEW", { ":v": { S: "hello" } }), { a: { M: { b: { S: "hello" } } } });
    // a.c[3] is not there: only a.c[1] was removed.
    assert.deepEqual(await update("REMOVE a.c[1], a.c[3]", "UPDATED_OLD"), { a: { M: { c: { L: [{ N: "8" }] } } } });
    assert.equal(await update("SET a.x1 = :v", "UPDATED_OLD", { ":v": { N: "8" } }), undefined);
    assert.deepEqual(await update("SET a.x2 = :v", "UPDATED_NEW", { ":v": { N: "8" } }), { a: { M: { x2: { N: "8" } } } });
    // The value is appended (a.c[2]), but UPDATED_NEW looks at a.c[100].
    assert.equal(await update("SET a.c[100] = :v", "UPDATED_NEW", { ":v": { N: "70" } }), undefined);
    // After REMOVE a.c[1] the new a.c[1] is the element that moved up into it.
    assert.deepEqual(await update("REMOVE a.c[1]", "UPDATED_NEW"), { a: { M: { c: { L: [{ N: "70" }] } } } });
    const stored = await ddb.send(new GetItemCommand({ TableName: name, Key: key, ConsistentRead: true }));
    assert.deepEqual(stored.Item?.a, { M: { b: { S: "hello" }, c: { L: [{ N: "1" }, { N: "70" }] }, x1: { N: "8" }, x2: { N: "8" } } });
  });

  test("a SET at a list index far past the end appends at once, after the other appends, in index order", { timeout: 15_000 }, async () => {
    // floci-io/floci#3073, measured on DynamoDB: SET l[2000000000] appends and answers at once.
    // Nimbus wrote the value at that index of a sparse array and took minutes to compact it.
    const name = await table();
    const key = { pk: { S: "far" } };
    await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, l: { L: [{ S: "a" }, { S: "b" }, { S: "c" }] } } }));
    await ddb.send(
      new UpdateItemCommand({
        TableName: name,
        Key: key,
        UpdateExpression: "SET l[2000000000] = :far, l[4294967294] = :farthest, l[7] = :near REMOVE l[0]",
        ExpressionAttributeValues: { ":far": { S: "far" }, ":farthest": { S: "farthest" }, ":near": { S: "near" } },
      }),
    );
    const stored = await ddb.send(new GetItemCommand({ TableName: name, Key: key, ConsistentRead: true }));
    assert.deepEqual(stored.Item?.l, { L: [{ S: "b" }, { S: "c" }, { S: "near" }, { S: "far" }, { S: "farthest" }] });
  });

  test("UpdateItem creates the item when missing; ADD, REMOVE, list_append, if_not_exists and legacy AttributeUpdates", async () => {
    const name = await table({ sortKey: "S" });
    const key = { pk: { S: "u" }, sk: { S: "1" } };
    const created = await ddb.send(
      new UpdateItemCommand({
        TableName: name,
        Key: key,
        UpdateExpression: "SET #l = list_append(if_not_exists(#l, :empty), :xs), cnt = if_not_exists(cnt, :zero) ADD tags :t",
        ExpressionAttributeNames: { "#l": "list" },
        ExpressionAttributeValues: { ":empty": { L: [] }, ":xs": { L: [{ S: "x" }] }, ":zero": { N: "0" }, ":t": { SS: ["a"] } },
        ReturnValues: "ALL_NEW",
      }),
    );
    assert.deepEqual(created.Attributes, { ...key, list: { L: [{ S: "x" }] }, cnt: { N: "0" }, tags: { SS: ["a"] } });
    const next = await ddb.send(
      new UpdateItemCommand({
        TableName: name,
        Key: key,
        UpdateExpression: "ADD cnt :five REMOVE #l[0] DELETE tags :t",
        ExpressionAttributeNames: { "#l": "list" },
        ExpressionAttributeValues: { ":five": { N: "5" }, ":t": { SS: ["a"] } },
        ReturnValues: "ALL_NEW",
      }),
    );
    assert.deepEqual(next.Attributes, { ...key, list: { L: [] }, cnt: { N: "5" } });
    const legacy = await ddb.send(
      new UpdateItemCommand({ TableName: name, Key: key, AttributeUpdates: { cnt: { Action: "ADD", Value: { N: "-2" } }, list: { Action: "DELETE" } }, ReturnValues: "ALL_NEW" }),
    );
    assert.deepEqual(legacy.Attributes, { ...key, cnt: { N: "3" } });
    const wrongType = await failure<DynamoDBServiceException>(
      ddb.send(new UpdateItemCommand({ TableName: name, Key: key, UpdateExpression: "SET cnt = cnt + :s", ExpressionAttributeValues: { ":s": { S: "x" } } })),
    );
    assert.equal(wrongType.message, "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S");
  });

  test("an update of a missing item that only removes leaves it missing; an empty update creates it", async () => {
    // ScyllaDB Alternator's test_update_item_non_existent and test_update_item_returnvalues_all_new,
    // which pass on DynamoDB (scylladb/scylladb#5862).
    const name = await table();
    const get = async (pk: string) => (await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;
    const removed = await ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "remove" } }, UpdateExpression: "REMOVE a", ReturnValues: "ALL_NEW" }));
    assert.equal(removed.Attributes, undefined);
    assert.equal(await get("remove"), undefined);
    await ddb.send(
      new UpdateItemCommand({ TableName: name, Key: { pk: { S: "delete" } }, UpdateExpression: "DELETE s :v", ExpressionAttributeValues: { ":v": { SS: ["x"] } } }),
    );
    assert.equal(await get("delete"), undefined);
    await ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "legacy" } }, AttributeUpdates: { a: { Action: "DELETE" } } }));
    assert.equal(await get("legacy"), undefined);
    await ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "legacy-set" } }, AttributeUpdates: { a: { Action: "DELETE", Value: { NS: ["4"] } } } }));
    assert.equal(await get("legacy-set"), undefined);
    const empty = await ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "empty" } }, AttributeUpdates: {}, ReturnValues: "ALL_NEW" }));
    assert.deepEqual(empty.Attributes, { pk: { S: "empty" } });
    assert.deepEqual(await get("empty"), { pk: { S: "empty" } });
    const put = await ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "put" } }, AttributeUpdates: { a: { Action: "PUT", Value: { N: "3" } } } }));
    assert.equal(put.Attributes, undefined);
    assert.deepEqual(await get("put"), { pk: { S: "put" }, a: { N: "3" } });
    const d = await ddb.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(d.Table?.ItemCount, 2);
  });

  test("REMOVE through a missing attribute is ignored on a missing item, an invalid path on an existing one", async () => {
    // ScyllaDB Alternator's test_nested_attribute_remove_from_missing_item and
    // test_nested_attribute_update_bad_path_dot, which pass on DynamoDB.
    const name = await table();
    const update = (pk: string, expr: string) => ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: pk } }, UpdateExpression: expr }));
    await update("missing", "REMOVE x.y");
    await update("missing", "REMOVE x[0]");
    const got = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "missing" } }, ConsistentRead: true }));
    assert.equal(got.Item, undefined);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "there" } } }));
    for (const expr of ["REMOVE x.y", "REMOVE x[0]"]) {
      assert.deepEqual(await refusal(update("there", expr)), ["ValidationException", 400, "The document path provided in the update expression is invalid for update"]);
    }
  });

  test("a transaction's Update of a missing item ends as UpdateItem leaves it: removals create nothing, a removal through a missing path passes", async () => {
    // A transaction's Update "initiates an UpdateItem operation" (API reference, TransactWriteItems);
    // UpdateItem's rules: ScyllaDB Alternator's test_update_item_non_existent and
    // test_nested_attribute_remove_from_missing_item, which pass on DynamoDB.
    const name = await table();
    const get = async (pk: string) => (await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;
    const update = (pk: string, expr: string, values?: Record<string, AttributeValue>) =>
      ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [{ Update: { TableName: name, Key: { pk: { S: pk } }, UpdateExpression: expr, ...(values ? { ExpressionAttributeValues: values } : {}) } }],
        }),
      );
    const removals: [string, string, Record<string, AttributeValue>?][] = [
      ["remove", "REMOVE a"],
      ["nested", "REMOVE x.y"],
      ["element", "REMOVE x[0]"],
      ["delete", "DELETE s :v", { ":v": { SS: ["x"] } }],
    ];
    for (const [pk, expr, values] of removals) {
      const done = await update(pk, expr, values);
      assert.equal(done.$metadata.httpStatusCode, 200);
      assert.equal(await get(pk), undefined, expr);
    }
    await update("set", "SET a = :v REMOVE b", { ":v": { N: "1" } });
    assert.deepEqual(await get("set"), { pk: { S: "set" }, a: { N: "1" } });
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.ItemCount, 1);
    // On an item that exists, a removal through a missing path is still an invalid path.
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "there" } } }));
    const refused = await failure<TransactionCanceledException>(update("there", "REMOVE x.y"));
    assert.equal(refused.name, "TransactionCanceledException");
    assert.equal(refused.$metadata.httpStatusCode, 400);
    assert.deepEqual(refused.CancellationReasons, [{ Code: "ValidationError", Message: "The document path provided in the update expression is invalid for update" }]);
  });

  test("an update that creates its item reads the key attributes in it (UpdateItem and TransactWriteItems)", async () => {
    const name = await table({ sortKey: "N" });
    const key = { pk: { S: "new" }, sk: { N: "41" } };
    const created = await ddb.send(
      new UpdateItemCommand({
        TableName: name,
        Key: key,
        UpdateExpression: "SET twin = pk, nextSk = sk + :one, kept = if_not_exists(pk, :other)",
        ExpressionAttributeValues: { ":one": { N: "1" }, ":other": { S: "other" } },
        ReturnValues: "ALL_NEW",
      }),
    );
    assert.equal(created.$metadata.httpStatusCode, 200);
    assert.deepEqual(created.Attributes, { ...key, twin: { S: "new" }, nextSk: { N: "42" }, kept: { S: "new" } });
    // The condition is still on the item as stored: there is none, so the key does not exist there.
    const guarded = await failure<DynamoDBServiceException>(
      ddb.send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "other" }, sk: { N: "1" } }, UpdateExpression: "SET twin = pk", ConditionExpression: "attribute_exists(pk)" })),
    );
    assert.equal(guarded.name, "ConditionalCheckFailedException");
    assert.equal(guarded.$metadata.httpStatusCode, 400);
    const txKey = { pk: { S: "tx" }, sk: { N: "7" } };
    await ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Update: { TableName: name, Key: txKey, UpdateExpression: "SET twin = sk" } }] }));
    const written = await ddb.send(new GetItemCommand({ TableName: name, Key: txKey, ConsistentRead: true }));
    assert.deepEqual(written.Item, { ...txKey, twin: { N: "7" } });
  });

  test("an ADD or DELETE operand of the wrong type is refused naming ADD's type set, before the item or table is read", async () => {
    // Captured from DynamoDB in floci's DynamoDbAddDeleteOperandIntegrationTest (eu-west-2,
    // 2026-09); scylladb/scylladb#10278 quotes the ADD form from AWS.
    const name = await table();
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, n: { N: "5" }, s: { SS: ["m"] } } }));
    const refused = (operator: string, type: string) =>
      `Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ${operator}, operand type: ${type}, typeSet: ALLOWED_FOR_ADD_OPERAND`;
    const key = { pk: { S: "a" } };
    const cases: Array<[string, { TableName: string; UpdateExpression: string; ExpressionAttributeValues: Record<string, AttributeValue>; ConditionExpression?: string }]> = [
      [refused("ADD", "STRING"), { TableName: name, UpdateExpression: "ADD n :v", ExpressionAttributeValues: { ":v": { S: "x" } } }],
      [refused("DELETE", "LIST"), { TableName: name, UpdateExpression: "DELETE nope :v", ConditionExpression: "attribute_exists(nope)", ExpressionAttributeValues: { ":v": { L: [{ S: "m" }] } } }],
      [refused("DELETE", "NUMBER"), { TableName: name, UpdateExpression: "DELETE s :v", ExpressionAttributeValues: { ":v": { N: "1" } } }],
      [refused("ADD", "STRING"), { TableName: uniqueName("absent"), UpdateExpression: "ADD n :v", ExpressionAttributeValues: { ":v": { S: "x" } } }],
    ];
    for (const [message, input] of cases) {
      const err = await failure<DynamoDBServiceException>(ddb.send(new UpdateItemCommand({ Key: key, ...input })));
      assert.equal(err.name, "ValidationException");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, message);
    }
    const tx = await failure<DynamoDBServiceException>(
      ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Update: { TableName: name, Key: key, UpdateExpression: "ADD n :v", ExpressionAttributeValues: { ":v": { S: "x" } } } }] })),
    );
    assert.equal(tx.name, "ValidationException");
    assert.equal(tx.message, refused("ADD", "STRING"));
    const item = await ddb.send(new GetItemCommand({ TableName: name, Key: key, ConsistentRead: true }));
    assert.deepEqual(item.Item, { pk: { S: "a" }, n: { N: "5" }, s: { SS: ["m"] } });
  });

  test("optimistic locking with a version attribute", async () => {
    const name = await table();
    const key = { pk: { S: "doc" } };
    await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, version: { N: "1" }, body: { S: "v1" } }, ConditionExpression: "attribute_not_exists(pk)" }));
    const save = (expected: string, body: string) =>
      ddb.send(
        new UpdateItemCommand({
          TableName: name,
          Key: key,
          UpdateExpression: "SET body = :b, version = version + :one",
          ConditionExpression: "version = :expected",
          ExpressionAttributeValues: { ":b": { S: body }, ":one": { N: "1" }, ":expected": { N: expected } },
          ReturnValues: "ALL_NEW",
        }),
      );
    // Two writers read version 1; the first to save wins, the second is refused.
    const winner = await save("1", "from A");
    assert.deepEqual(winner.Attributes?.version, { N: "2" });
    const loser = await failure<DynamoDBServiceException>(save("1", "from B"));
    assert.equal(loser.name, "ConditionalCheckFailedException");
    assert.equal(loser.message, "The conditional request failed");
    const retried = await save("2", "from B");
    assert.deepEqual(retried.Attributes, { ...key, version: { N: "3" }, body: { S: "from B" } });
  });

  test("ReturnConsumedCapacity: 4 KB read units (halved when eventually consistent), 1 KB write units, as CapacityUnits alone", async () => {
    const name = await table();
    const key = { pk: { S: "c" } };
    // pk (2 + 1) + data (4 + 5000) = 5007 bytes: 5 write units, 2 strongly consistent read units.
    const put = await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, data: { S: "x".repeat(5000) } }, ReturnConsumedCapacity: "TOTAL" }));
    // No ReadCapacityUnits or WriteCapacityUnits outside transactions, under TOTAL or INDEXES
    // (paritysuite/dynamodb-conformance#69, characterised against eu-west-2; ExtendDB/extenddb#212).
    assert.deepEqual(put.ConsumedCapacity, { TableName: name, CapacityUnits: 5 });
    const strong = await ddb.send(new GetItemCommand({ TableName: name, Key: key, ConsistentRead: true, ReturnConsumedCapacity: "TOTAL" }));
    assert.equal(strong.ConsumedCapacity?.CapacityUnits, 2);
    const eventual = await ddb.send(new GetItemCommand({ TableName: name, Key: key, ReturnConsumedCapacity: "INDEXES" }));
    assert.deepEqual(eventual.ConsumedCapacity, { TableName: name, CapacityUnits: 1, Table: { CapacityUnits: 1 } });
    const none = await ddb.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "none" } }, ReturnConsumedCapacity: "TOTAL" }));
    assert.equal(none.ConsumedCapacity?.CapacityUnits, 0.5);
    // A put that replaces an item is charged for the larger of the two.
    const small = await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, data: { S: "y" } }, ReturnConsumedCapacity: "TOTAL" }));
    assert.equal(small.ConsumedCapacity?.CapacityUnits, 5);
    const again = await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, data: { S: "x".repeat(5000) } }, ReturnConsumedCapacity: "TOTAL" }));
    assert.equal(again.ConsumedCapacity?.CapacityUnits, 5);
    const updated = await ddb.send(
      new UpdateItemCommand({ TableName: name, Key: key, UpdateExpression: "SET n = :n", ExpressionAttributeValues: { ":n": { N: "1" } }, ReturnConsumedCapacity: "INDEXES" }),
    );
    assert.deepEqual(updated.ConsumedCapacity, { TableName: name, CapacityUnits: 5, Table: { CapacityUnits: 5 } });
    const del = await ddb.send(new DeleteItemCommand({ TableName: name, Key: key, ReturnConsumedCapacity: "TOTAL" }));
    assert.deepEqual(del.ConsumedCapacity, { TableName: name, CapacityUnits: 5 });
    const d = await ddb.send(new DescribeTableCommand({ TableName: name }));
    assert.equal(d.Table?.ItemCount, 0);
  });

  test("attribute names a plain object also answers (constructor, toString, hasOwnProperty, __proto__) are names like any other", async () => {
    // AWS takes any name; a JavaScript object answers these from Object.prototype, or (__proto__)
    // takes an assignment as its prototype. Before, attribute_exists(constructor) held for every
    // item, a projection of a missing toString answered {}, and an Item with __proto__ was refused.
    const name = uniqueName("protonames");
    await ddb.send(new CreateTableCommand(hashRangeTable(name, { hash: "constructor", range: "toString" })));
    const key = { constructor: { S: "c" }, toString: { S: "t" } };
    await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, v: { N: "1" } } }));
    const names = { "#c": "hasOwnProperty", "#v": "valueOf" };
    await assert.rejects(
      ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, v: { N: "2" } }, ConditionExpression: "attribute_exists(#c) OR attribute_exists(#v)", ExpressionAttributeNames: names })),
      ConditionalCheckFailedException,
    );
    await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, v: { N: "2" } }, ConditionExpression: "attribute_not_exists(#c) AND attribute_not_exists(#v)", ExpressionAttributeNames: names }));
    const projected = await ddb.send(new GetItemCommand({ TableName: name, Key: key, ProjectionExpression: "#c, #v, v", ExpressionAttributeNames: names }));
    assert.deepEqual(projected.Item, { v: { N: "2" } });
    const filtered = await ddb.send(new ScanCommand({ TableName: name, FilterExpression: "attribute_exists(#c)", ExpressionAttributeNames: { "#c": "hasOwnProperty" } }));
    assert.equal(filtered.Count, 0);
    const queried = await ddb.send(
      new QueryCommand({ TableName: name, KeyConditionExpression: "#k = :c AND #s = :t", ExpressionAttributeNames: { "#k": "constructor", "#s": "toString" }, ExpressionAttributeValues: { ":c": { S: "c" }, ":t": { S: "t" } } }),
    );
    assert.deepEqual(queried.Items, [{ ...key, v: { N: "2" } }]);
    await ddb.send(new UpdateItemCommand({ TableName: name, Key: key, UpdateExpression: "SET #c = :m", ExpressionAttributeNames: { "#c": "hasOwnProperty" }, ExpressionAttributeValues: { ":m": { M: {} } } }));
    const updated = await ddb.send(
      new UpdateItemCommand({
        TableName: name,
        Key: key,
        UpdateExpression: "SET #c.#v = :n, #c.#h = :n",
        ExpressionAttributeNames: { "#c": "hasOwnProperty", "#v": "valueOf", "#h": "isPrototypeOf" },
        ExpressionAttributeValues: { ":n": { N: "3" } },
        ReturnValues: "UPDATED_NEW",
      }),
    );
    assert.deepEqual(updated.Attributes, { hasOwnProperty: { M: { valueOf: { N: "3" }, isPrototypeOf: { N: "3" } } } });
    // The legacy AttributeUpdates and PartiQL too.
    const added = await ddb.send(
      new UpdateItemCommand({ TableName: name, Key: key, AttributeUpdates: { valueOf: { Action: "ADD" as const, Value: { N: "5" } } }, ReturnValues: "UPDATED_NEW" }),
    );
    assert.deepEqual(added.Attributes, { valueOf: { N: "5" } });
    await ddb.send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${name}" VALUE {'constructor': 'z', 'toString': 'w', 'isPrototypeOf': 1}` }));
    const selected = await ddb.send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${name}" WHERE "constructor" = 'z' AND "toString" = 'w'` }));
    assert.deepEqual(selected.Items, [{ constructor: { S: "z" }, toString: { S: "w" }, isPrototypeOf: { N: "1" } }]);
    // __proto__, which the SDK's own serializer cannot send (it assigns), on the wire.
    const wire = jsonService(() => nimbus, { targetPrefix: "DynamoDB_20120810", version: "1.0", signingName: "dynamodb" });
    const item = JSON.parse('{"constructor":{"S":"p"},"toString":{"S":"q"},"__proto__":{"S":"x"},"m":{"M":{"__proto__":{"N":"1"}}}}') as Record<string, unknown>;
    await wire.ok("PutItem", { TableName: name, Item: item });
    const protoKey = { constructor: { S: "p" }, toString: { S: "q" } };
    const got = await wire.ok("GetItem", { TableName: name, Key: protoKey });
    assert.equal(JSON.stringify(got["Item"]), JSON.stringify(item));
    const set = await wire.ok("UpdateItem", {
      TableName: name,
      Key: protoKey,
      UpdateExpression: "SET m.#p = :v REMOVE #p",
      ExpressionAttributeNames: { "#p": "__proto__" },
      ExpressionAttributeValues: { ":v": { S: "y" } },
      ReturnValues: "ALL_NEW",
    });
    assert.equal(JSON.stringify(set["Attributes"]), '{"constructor":{"S":"p"},"toString":{"S":"q"},"m":{"M":{"__proto__":{"S":"y"}}}}');
    const exists = await wire.ok("Scan", { TableName: name, FilterExpression: "attribute_exists(m.#p)", ExpressionAttributeNames: { "#p": "__proto__" }, ProjectionExpression: "m.#p" });
    assert.equal(JSON.stringify(exists["Items"]), '[{"m":{"M":{"__proto__":{"S":"y"}}}}]');
  });
});
