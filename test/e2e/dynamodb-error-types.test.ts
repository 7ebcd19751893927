import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { clientSuite, failure, jsonService, signedHeaders, uniqueName, type TestNimbus } from "./harness.js";
import { hashTable } from "./dynamodb-fixtures.js";

/**
 * The namespace in `__type` of DynamoDB's JSON errors. The v3 SDK leaves it on the error it throws
 * (`err.__type`), and applications compare it whole, e.g. against
 * "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException". AWS names DynamoDB's own
 * errors com.amazonaws.dynamodb.v20120810# (Developer Guide, "Error handling with DynamoDB"),
 * request validation com.amazon.coral.validate#ValidationException and the errors common to all
 * services com.amazon.coral.service# (UnknownOperationException, SerializationException...).
 */
describe("DynamoDB error __type", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  const raw = jsonService(() => nimbus, { targetPrefix: "DynamoDB_20120810", version: "1.0", signingName: "dynamodb" });
  clientSuite(
    (n) => new DynamoDBClient({ ...n.clientConfig(), maxAttempts: 1 }),
    (n, client) => ({ nimbus, ddb } = { nimbus: n, ddb: client }),
  );

  type Typed = { name: string; __type?: string; $metadata: { httpStatusCode?: number } };

  test("the service's own errors are in com.amazonaws.dynamodb.v20120810", async () => {
    const name = uniqueName("errtype");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" } } }));

    const conditional = await failure<Typed>(ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" } }, ConditionExpression: "attribute_not_exists(id)" })));
    assert.equal(conditional.name, "ConditionalCheckFailedException");
    assert.equal(conditional.$metadata.httpStatusCode, 400);
    assert.equal(conditional.__type, "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException");

    const canceled = await failure<Typed>(
      ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: name, Item: { id: { S: "a" } }, ConditionExpression: "attribute_not_exists(id)" } }] })),
    );
    assert.equal(canceled.__type, "com.amazonaws.dynamodb.v20120810#TransactionCanceledException");

    const missing = await failure<Typed>(ddb.send(new DescribeTableCommand({ TableName: uniqueName("errtype-none") })));
    assert.equal(missing.name, "ResourceNotFoundException");
    assert.equal(missing.__type, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
  });

  // DynamoDB's request ids are 52 characters, 26 random base32hex ones and a constant 26 (ids AWS
  // answered, recorded in public code: "IF3IJNU7PDSGGJAGLIM47NLJAJVV4KQNSO5AEMVJF66Q9ASUAAJG").
  test("request ids, of answers and errors alike, have DynamoDB's form", async () => {
    const name = uniqueName("reqid");
    const created = await ddb.send(new CreateTableCommand(hashTable(name)));
    const missing = await failure<Typed & { $metadata: { requestId?: string } }>(ddb.send(new DescribeTableCommand({ TableName: uniqueName("reqid-none") })));
    const ids = [created.$metadata.requestId, missing.$metadata.requestId];
    for (const id of ids) assert.match(id ?? "", /^[0-9A-V]{26}VV4KQNSO5AEMVJF66Q9ASUAAJG$/);
    assert.notEqual(ids[0], ids[1]);
  });

  test("request validation is com.amazon.coral.validate#ValidationException", async () => {
    const name = uniqueName("errtype");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    const invalid = await failure<Typed>(ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" } }, ConditionExpression: "attribute_not_exists(" })));
    assert.equal(invalid.name, "ValidationException");
    assert.equal(invalid.$metadata.httpStatusCode, 400);
    assert.equal(invalid.__type, "com.amazon.coral.validate#ValidationException");
  });

  test("an operation DynamoDB does not have is com.amazon.coral.service#UnknownOperationException", async () => {
    const r = await raw.call("NoSuchOperation", {});
    assert.equal(r.status, 400);
    assert.equal(r.body["__type"], "com.amazon.coral.service#UnknownOperationException");
  });

  // Most DynamoDB errors carry `message`; the model names IdempotentParameterMismatchException's
  // member `Message` (as TransactionCanceledException's, whose whole body dynamodb-batch.test.ts
  // checks), and AWS sends it so. Clients that read the body by the model (or by hand) look there;
  // the v3 SDK reads either into err.message.
  test("IdempotentParameterMismatchException carries Message; the v3 client reads a Message as the error's message", async () => {
    const name = uniqueName("errtype");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" } } }));
    const put = { Put: { TableName: name, Item: { id: { S: "a" } }, ConditionExpression: "attribute_not_exists(id)" } };
    const viaSdk = await failure<Typed & { message: string }>(ddb.send(new TransactWriteItemsCommand({ TransactItems: [put] })));
    assert.equal(viaSdk.message, "Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]");

    const token = uniqueName("token");
    const update = (value: string) => ({ Update: { TableName: name, Key: { id: { S: "b" } }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { S: value } } } });
    await ddb.send(new TransactWriteItemsCommand({ ClientRequestToken: token, TransactItems: [update("1")] }));
    const mismatch = await raw.call("TransactWriteItems", { ClientRequestToken: token, TransactItems: [update("2")] });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body["__type"], "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException");
    assert.equal(mismatch.body["Message"], "Request token already used with different parameters");
    assert.equal(mismatch.body["message"], undefined);
  });

  // ScyllaDB Alternator's test_manual_requests.py::test_base64_missing_padding, ::test_base64_malformed
  // and ::test_base64_malformed_cond_expr pass on DynamoDB: a B value that is not base64, in a key,
  // an attribute or an expression value, is refused with 400. The texts are DynamoDB's, as dynalite's
  // suite (run against DynamoDB) records them for '23456' and '+/+='.
  test("a binary value that is not base64 is a SerializationException, wherever it is", async () => {
    const name = uniqueName("errtype");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    const refused = async (body: Record<string, unknown>, message: string) => {
      const r = await raw.call(body["FilterExpression"] === undefined ? "PutItem" : "Scan", body);
      assert.equal(r.status, 400);
      assert.equal(r.body["__type"], "com.amazon.coral.service#SerializationException");
      assert.equal(r.body["message"] ?? r.body["Message"], message);
    };
    const length = (n: number) => `Base64 encoded length is expected a multiple of 4 bytes but found: ${n}`;
    const lastChar = "Invalid last non-pad Base64 character dectected";
    await refused({ TableName: name, Item: { id: { S: "a" }, b: { B: "YWJjZGVmZ2g" } } }, length(11));
    await refused({ TableName: name, Item: { id: { S: "a" }, b: { B: "23456" } } }, length(5));
    await refused({ TableName: name, Item: { id: { S: "a" }, b: { B: "+/+=" } } }, lastChar);
    await refused({ TableName: name, Item: { id: { S: "a" }, b: { B: "YWJj??!!" } } }, lastChar);
    await refused({ TableName: name, Item: { id: { S: "a" }, b: { BS: ["YWJj", "YWJ"] } } }, length(3));
    await refused({ TableName: name, Item: { id: { S: "a" }, b: { L: [{ M: { c: { B: "ZmVmZQ=!" } } }] } } }, lastChar);
    await refused({ TableName: name, FilterExpression: "b > :v", ExpressionAttributeValues: { ":v": { B: "ZmVmZQ=!" } } }, lastChar);
    // Nothing was written; well-formed base64 (padded, or empty) is read as before.
    assert.equal((await raw.call("GetItem", { TableName: name, Key: { id: { S: "a" } } })).body["Item"], undefined);
    const ok = await raw.call("PutItem", { TableName: name, Item: { id: { S: "a" }, b: { B: "YWJjZGVmZ2g=" }, e: { B: "" } } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual((await raw.call("GetItem", { TableName: name, Key: { id: { S: "a" } } })).body["Item"], { id: { S: "a" }, b: { B: "YWJjZGVmZ2g=" }, e: { B: "" } });
  });
  test("a body that is not UTF-8 is a SerializationException, and nothing is stored", async () => {
    // JSON is UTF-8 (RFC 8259 section 8.1): decoding had put U+FFFD where the bytes were and stored that.
    const name = uniqueName("errtype");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    const body = Buffer.concat([Buffer.from(`{"TableName":"${name}","Item":{"id":{"S":"a"},"v":{"S":"caf`), Buffer.from([0xe9]), Buffer.from('"}}}')]);
    const res = await fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "DynamoDB_20120810.PutItem", ...signedHeaders("dynamodb") },
      body,
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { __type: string }).__type, "com.amazon.coral.service#SerializationException");
    assert.equal((await raw.call("GetItem", { TableName: name, Key: { id: { S: "a" } } })).body["Item"], undefined);
  });

  // Coral's JSON reader words a value of the wrong type by the JSON token and the Java type, under
  // "Message": dynalite's suite (run against DynamoDB, test/helpers.js assertType) and AWS's answers
  // quoted since ("NUMBER_VALUE cannot be converted to String" for an N sent as a number,
  // localstack/localstack#9412; "STRING_VALUE cannot be converted to Integer", dynamodb-toolbox#502).
  test("a JSON value of the wrong type is a SerializationException in Coral's words, under Message", async () => {
    const name = uniqueName("errtype");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    const refused = async (operation: string, body: Record<string, unknown>, message: string) => {
      const r = await raw.call(operation, body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.deepEqual(r.body, { __type: "com.amazon.coral.service#SerializationException", Message: message }, JSON.stringify(body));
    };
    const item = (b: unknown) => ({ TableName: name, Item: { id: { S: "a" }, b } });
    await refused("PutItem", item({ N: 5 }), "NUMBER_VALUE cannot be converted to String");
    await refused("PutItem", item({ N: 5.5 }), "DECIMAL_VALUE cannot be converted to String");
    await refused("PutItem", item({ S: true }), "TRUE_VALUE cannot be converted to String");
    await refused("PutItem", item({ SS: [false] }), "FALSE_VALUE cannot be converted to String");
    await refused("PutItem", item({ S: {} }), "Start of structure or map found where not expected");
    await refused("PutItem", item({ S: [] }), "Unrecognized collection type class java.lang.String");
    await refused("PutItem", item({ BOOL: "true" }), "Unexpected token received from parser");
    await refused("PutItem", item({ BOOL: 1 }), "NUMBER_VALUE cannot be converted to Boolean");
    await refused("PutItem", item({ B: 23 }), "only base-64-encoded strings are convertible to bytes");
    await refused("PutItem", item({ SS: "a" }), "Unexpected field type");
    await refused("PutItem", item({ L: {} }), "Start of structure or map found where not expected");
    await refused("PutItem", item({ L: ["a"] }), "Unexpected value type in payload");
    await refused("PutItem", item({ M: { c: 1 } }), "Unexpected value type in payload");
    await refused("PutItem", { TableName: name, Item: 5 }, "Unexpected field type");
    await refused("PutItem", { TableName: 5, Item: {} }, "NUMBER_VALUE cannot be converted to String");
    await refused("Scan", { TableName: name, Limit: "10" }, "STRING_VALUE cannot be converted to Integer");
    await refused("Scan", { TableName: name, ConsistentRead: 0.5 }, "DECIMAL_VALUE cannot be converted to Boolean");
    await refused("CreateTable", { TableName: name, ProvisionedThroughput: { ReadCapacityUnits: "1" } }, "STRING_VALUE cannot be converted to Long");
    await refused("CreateTable", { TableName: name, ProvisionedThroughput: "1" }, "Unexpected field type");
  });
});
