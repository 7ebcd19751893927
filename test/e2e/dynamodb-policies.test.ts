/**
 * DynamoDB resource policies with `--enforce-policies`: a table ARN in TableName reaches the
 * table in the ARN's account, which lets another account in only when the table's policy allows
 * the action (on the index's ARN for an index query); an explicit Deny refuses the owner too.
 * Batches, transactions and PartiQL statements name tables by ARN inside the request: each table
 * is checked for the batch's action, each transaction entry's item action, or the statement's
 * PartiQL action. A stream ARN reaches the stream in its table's account, which the stream's own
 * policy opens to others. Without enforcement an ARN still reaches the other account's table.
 * Account 111111111111 owns the table; 222222222222 is another account.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BatchExecuteStatementCommand,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  ExecuteTransactionCommand,
  GetItemCommand,
  PutItemCommand,
  PutResourcePolicyCommand,
  QueryCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  type ConsumedCapacity,
} from "@aws-sdk/client-dynamodb";
import { accountsSuite, ENFORCE_POLICIES, failure, jsonService, uniqueName, type TestNimbus } from "./harness.js";

const OWNER = "111111111111";
const OTHER = "222222222222";

const nameOf = (arn: string): string => arn.split("/").pop() ?? "";
/** DynamoDB Streams over JSON, as @aws-sdk/client-dynamodb-streams sends it. */
const streamsApi = (nimbus: () => TestNimbus) => jsonService(nimbus, { targetPrefix: "DynamoDBStreams_20120810", version: "1.0", signingName: "dynamodb" });
/** A table keyed by pk whose stream records new images. */
const streamingTable = (client: DynamoDBClient, name: string) =>
  client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
    }),
  );
const tablesOf = (capacity: ConsumedCapacity[] | undefined): string[] => (capacity ?? []).map((c) => c.TableName ?? "").sort();

describe("DynamoDB with enforced policies", () => {
  const suite = accountsSuite({ auth: ENFORCE_POLICIES });
  const ddb = (account: string): DynamoDBClient => suite.client((config) => new DynamoDBClient(config), account);
  const table = async (account = OWNER): Promise<string> => {
    const name = uniqueName("policies");
    const out = await ddb(account).send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "colour", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [{ IndexName: "by-colour", KeySchema: [{ AttributeName: "colour", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
      }),
    );
    await ddb(account).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, colour: { S: "red" } } }));
    return out.TableDescription?.TableArn ?? "";
  };
  /** The call fails as AWS refuses OTHER an action no resource policy allows. */
  const refused = async (call: Promise<unknown>, action: string, resource: string): Promise<void> => {
    const err = await failure(call);
    assert.equal(err.name, "AccessDeniedException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, `User: arn:aws:iam::${OTHER}:root is not authorized to perform: dynamodb:${action} on resource: ${resource} because no resource-based policy allows the dynamodb:${action} action`);
  };
  const allow = (arn: string, actions: string[], resource = arn) =>
    new PutResourcePolicyCommand({ ResourceArn: arn, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER}:root` }, Action: actions, Resource: resource }] }) });

  test("another account reaches the table through its ARN only for the actions its policy allows", async () => {
    const arn = await table();
    const refused = await failure(ddb(OTHER).send(new GetItemCommand({ TableName: arn, Key: { pk: { S: "a" } } })));
    assert.equal(refused.name, "AccessDeniedException");
    assert.equal(refused.$metadata.httpStatusCode, 400);
    assert.equal(refused.message, `User: arn:aws:iam::${OTHER}:root is not authorized to perform: dynamodb:GetItem on resource: ${arn} because no resource-based policy allows the dynamodb:GetItem action`);

    await ddb(OWNER).send(allow(arn, ["dynamodb:GetItem", "dynamodb:Query"], `${arn}*`));
    const got = await ddb(OTHER).send(new GetItemCommand({ TableName: arn, Key: { pk: { S: "a" } } }));
    assert.deepEqual(got.Item, { pk: { S: "a" }, colour: { S: "red" } });
    const byColour = await ddb(OTHER).send(new QueryCommand({ TableName: arn, IndexName: "by-colour", KeyConditionExpression: "colour = :c", ExpressionAttributeValues: { ":c": { S: "red" } } }));
    assert.equal(byColour.Count, 1);
    assert.equal((await failure(ddb(OTHER).send(new PutItemCommand({ TableName: arn, Item: { pk: { S: "b" } } })))).name, "AccessDeniedException");
  });

  // Coral's front layer writes the text under "Message", as DynamoDB's answers are quoted
  // ({"__type":"com.amazon.coral.service#AccessDeniedException","Message":"User: ..."}).
  test("an AccessDeniedException carries its text under Message, in Coral's namespace", async () => {
    const arn = await table();
    const raw = jsonService(suite.nimbus, { targetPrefix: "DynamoDB_20120810", version: "1.0", signingName: "dynamodb" });
    const r = await raw.call("GetItem", { TableName: arn, Key: { pk: { S: "a" } } }, OTHER);
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, {
      __type: "com.amazon.coral.service#AccessDeniedException",
      Message: `User: arn:aws:iam::${OTHER}:root is not authorized to perform: dynamodb:GetItem on resource: ${arn} because no resource-based policy allows the dynamodb:GetItem action`,
    });
  });

  test("a policy that names the table but not its index does not open the index", async () => {
    const arn = await table();
    await ddb(OWNER).send(allow(arn, ["dynamodb:Query"]));
    const err = await failure(ddb(OTHER).send(new QueryCommand({ TableName: arn, IndexName: "by-colour", KeyConditionExpression: "colour = :c", ExpressionAttributeValues: { ":c": { S: "red" } } })));
    assert.equal(err.name, "AccessDeniedException");
    assert.match(err.message, new RegExp(`on resource: ${arn}/index/by-colour because`));
  });

  test("an explicit Deny refuses the owner account too", async () => {
    const arn = await table();
    await ddb(OWNER).send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "dynamodb:DeleteItem", Resource: arn }] }) }));
    const name = arn.split("/").pop() ?? "";
    const err = await failure(ddb(OWNER).send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: "a" } } })));
    assert.equal(err.name, "AccessDeniedException");
    assert.match(err.message, /with an explicit deny in a resource-based policy$/);
    assert.ok((await ddb(OWNER).send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" } } }))).Item);
  });

  test("BatchGetItem and BatchWriteItem reach another account's table by ARN once its policy allows the batch action, keyed by the ARN", async () => {
    const arn = await table();
    const mine = nameOf(await table(OTHER));
    const put = (pk: string) => [{ PutRequest: { Item: { pk: { S: pk } } } }];
    await refused(ddb(OTHER).send(new BatchGetItemCommand({ RequestItems: { [arn]: { Keys: [{ pk: { S: "a" } }] } } })), "BatchGetItem", arn);
    // One refused table refuses the whole batch: the caller's own table is not written either.
    await refused(ddb(OTHER).send(new BatchWriteItemCommand({ RequestItems: { [mine]: put("m1"), [arn]: put("b") } })), "BatchWriteItem", arn);
    assert.equal((await ddb(OTHER).send(new GetItemCommand({ TableName: mine, Key: { pk: { S: "m1" } } }))).Item, undefined);

    await ddb(OWNER).send(allow(arn, ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"]));
    const written = await ddb(OTHER).send(new BatchWriteItemCommand({ RequestItems: { [mine]: put("m1"), [arn]: put("b") }, ReturnConsumedCapacity: "TOTAL" }));
    assert.deepEqual(written.UnprocessedItems, {});
    assert.deepEqual(tablesOf(written.ConsumedCapacity), [arn, mine].sort());
    // The item went to the owner's table, not to a table of the caller's.
    assert.deepEqual((await ddb(OWNER).send(new GetItemCommand({ TableName: nameOf(arn), Key: { pk: { S: "b" } } }))).Item, { pk: { S: "b" } });

    const got = await ddb(OTHER).send(
      new BatchGetItemCommand({ RequestItems: { [mine]: { Keys: [{ pk: { S: "m1" } }] }, [arn]: { Keys: [{ pk: { S: "a" } }, { pk: { S: "b" } }] } }, ReturnConsumedCapacity: "TOTAL" }),
    );
    assert.deepEqual(Object.keys(got.Responses ?? {}).sort(), [arn, mine].sort());
    assert.deepEqual(got.Responses?.[mine], [{ pk: { S: "m1" } }]);
    assert.deepEqual(got.Responses?.[arn]?.map((item) => item["pk"]?.S).sort(), ["a", "b"]);
    assert.deepEqual(got.UnprocessedKeys, {});
    assert.deepEqual(tablesOf(got.ConsumedCapacity), [arn, mine].sort());
    // The policy allows batches, not GetItem.
    await refused(ddb(OTHER).send(new GetItemCommand({ TableName: arn, Key: { pk: { S: "a" } } })), "GetItem", arn);
  });

  test("another account reads a table's stream through its ARN once the stream's own policy allows it", async () => {
    const streams = streamsApi(suite.nimbus);
    const name = uniqueName("policies");
    const created = await streamingTable(ddb(OWNER), name);
    const tableArn = created.TableDescription?.TableArn ?? "";
    const streamArn = created.TableDescription?.LatestStreamArn ?? "";
    await ddb(OWNER).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "s" } } }));
    const deniedTo = async (action: string, input: Record<string, unknown>): Promise<void> => {
      const r = await streams.call(action, input, OTHER);
      assert.equal(r.status, 400);
      assert.equal(String(r.body["__type"]).split("#").pop(), "AccessDeniedException");
      assert.equal(r.body["message"], `User: arn:aws:iam::${OTHER}:root is not authorized to perform: dynamodb:${action} on resource: ${streamArn} because no resource-based policy allows the dynamodb:${action} action`);
    };
    await deniedTo("DescribeStream", { StreamArn: streamArn });
    // The table's policy is the table's: it does not open the stream.
    await ddb(OWNER).send(allow(tableArn, ["dynamodb:GetItem"]));
    await deniedTo("DescribeStream", { StreamArn: streamArn });

    await ddb(OWNER).send(allow(streamArn, ["dynamodb:DescribeStream", "dynamodb:GetShardIterator"]));
    const described = await streams.call("DescribeStream", { StreamArn: streamArn }, OTHER);
    assert.equal(described.status, 200, JSON.stringify(described.body));
    const shardId = described.body["StreamDescription"]["Shards"][0]["ShardId"];
    const iterator = await streams.call("GetShardIterator", { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }, OTHER);
    assert.equal(iterator.status, 200, JSON.stringify(iterator.body));
    await deniedTo("GetRecords", { ShardIterator: iterator.body["ShardIterator"] });
    await ddb(OWNER).send(allow(streamArn, ["dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"]));
    const records = await streams.call("GetRecords", { ShardIterator: iterator.body["ShardIterator"] }, OTHER);
    assert.equal(records.status, 200, JSON.stringify(records.body));
    assert.deepEqual(records.body["Records"].map((r: { dynamodb: { NewImage: unknown } }) => r.dynamodb.NewImage), [{ pk: { S: "s" } }]);
  });

  test("a table ARN that names no table is ResourceNotFoundException, as a name is", async () => {
    const missing = `arn:aws:dynamodb:us-east-1:${OWNER}:table/${uniqueName("missing")}`;
    // One call at a time: a rejection nobody awaits yet fails the test run.
    for (const call of [
      () => ddb(OTHER).send(new BatchGetItemCommand({ RequestItems: { [missing]: { Keys: [{ pk: { S: "a" } }] } } })),
      () => ddb(OTHER).send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: missing, Item: { pk: { S: "a" } } } }] })),
      () => ddb(OTHER).send(new ExecuteStatementCommand({ Statement: `SELECT * FROM "${missing}" WHERE pk = 'a'` })),
    ]) {
      const err = await failure(call());
      assert.equal(err.name, "ResourceNotFoundException");
      assert.equal(err.$metadata.httpStatusCode, 400);
      assert.equal(err.message, "Requested resource not found");
    }
  });

  test("a transaction checks each entry's item action on the table its ARN names, and stays atomic and idempotent across accounts", async () => {
    const arn = await table();
    const mine = nameOf(await table(OTHER));
    const bump = { Update: { TableName: arn, Key: { pk: { S: "a" } }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } } };
    const putMine = { Put: { TableName: mine, Item: { pk: { S: "m1" } } } };
    await refused(ddb(OTHER).send(new TransactWriteItemsCommand({ TransactItems: [putMine, bump] })), "UpdateItem", arn);
    assert.equal((await ddb(OTHER).send(new GetItemCommand({ TableName: mine, Key: { pk: { S: "m1" } } }))).Item, undefined);
    await refused(ddb(OTHER).send(new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: arn, Key: { pk: { S: "a" } } } }] })), "GetItem", arn);

    await ddb(OWNER).send(allow(arn, ["dynamodb:UpdateItem", "dynamodb:GetItem"]));
    const request = { TransactItems: [putMine, bump], ClientRequestToken: "cross-account-1", ReturnConsumedCapacity: "TOTAL" as const };
    const first = await ddb(OTHER).send(new TransactWriteItemsCommand(request));
    assert.deepEqual(tablesOf(first.ConsumedCapacity), [arn, mine].sort());
    // The same token again: nothing is applied twice.
    const again = await ddb(OTHER).send(new TransactWriteItemsCommand(request));
    assert.deepEqual(tablesOf(again.ConsumedCapacity), [arn, mine].sort());
    const read = async () => (await ddb(OWNER).send(new GetItemCommand({ TableName: nameOf(arn), Key: { pk: { S: "a" } } }))).Item?.["n"];
    assert.deepEqual(await read(), { N: "1" });

    // A failed condition on the caller's own table cancels the write to the other account's.
    const cancelled = await failure(
      ddb(OTHER).send(new TransactWriteItemsCommand({ TransactItems: [bump, { Put: { TableName: mine, Item: { pk: { S: "m1" } }, ConditionExpression: "attribute_not_exists(pk)" } }] })),
    );
    assert.equal(cancelled.name, "TransactionCanceledException");
    assert.deepEqual(await read(), { N: "1" });
    // ConditionCheck is its own action.
    await refused(
      ddb(OTHER).send(new TransactWriteItemsCommand({ TransactItems: [{ ConditionCheck: { TableName: arn, Key: { pk: { S: "a" } }, ConditionExpression: "attribute_exists(pk)" } }] })),
      "ConditionCheckItem",
      arn,
    );

    const got = await ddb(OTHER).send(
      new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName: mine, Key: { pk: { S: "m1" } } } }, { Get: { TableName: arn, Key: { pk: { S: "a" } } } }], ReturnConsumedCapacity: "TOTAL" }),
    );
    assert.deepEqual(got.Responses?.map((r) => r.Item), [{ pk: { S: "m1" } }, { pk: { S: "a" }, colour: { S: "red" }, n: { N: "1" } }]);
    assert.deepEqual(tablesOf(got.ConsumedCapacity), [arn, mine].sort());
  });

  test("PartiQL statements name another account's table by its ARN in double quotes and need its PartiQL actions", async () => {
    const arn = await table();
    const mine = nameOf(await table(OTHER));
    const select = new ExecuteStatementCommand({ Statement: `SELECT * FROM "${arn}" WHERE pk = ?`, Parameters: [{ S: "a" }] });
    await refused(ddb(OTHER).send(select), "PartiQLSelect", arn);
    await refused(ddb(OTHER).send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${arn}" VALUE {'pk': 'p'}` })), "PartiQLInsert", arn);

    await ddb(OWNER).send(allow(arn, ["dynamodb:PartiQLSelect", "dynamodb:PartiQLInsert"], `${arn}*`));
    assert.deepEqual((await ddb(OTHER).send(select)).Items, [{ pk: { S: "a" }, colour: { S: "red" } }]);
    const byColour = await ddb(OTHER).send(new ExecuteStatementCommand({ Statement: `SELECT pk FROM "${arn}"."by-colour" WHERE colour = 'red'` }));
    assert.deepEqual(byColour.Items, [{ pk: { S: "a" } }]);
    await ddb(OTHER).send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${arn}" VALUE {'pk': 'p'}` }));
    assert.deepEqual((await ddb(OWNER).send(new GetItemCommand({ TableName: nameOf(arn), Key: { pk: { S: "p" } } }))).Item, { pk: { S: "p" } });
    await refused(ddb(OTHER).send(new ExecuteStatementCommand({ Statement: `UPDATE "${arn}" SET n = 1 WHERE pk = 'a'` })), "PartiQLUpdate", arn);

    const batch = await ddb(OTHER).send(
      new BatchExecuteStatementCommand({ Statements: [{ Statement: `SELECT * FROM "${mine}" WHERE pk = 'a'` }, { Statement: `SELECT * FROM "${arn}" WHERE pk = 'p'` }] }),
    );
    assert.deepEqual(batch.Responses?.map((r) => [r.TableName, r.Item]), [[mine, { pk: { S: "a" }, colour: { S: "red" } }], [arn, { pk: { S: "p" } }]]);
    // A refused statement refuses the whole batch, not just its entry.
    await refused(
      ddb(OTHER).send(new BatchExecuteStatementCommand({ Statements: [{ Statement: `DELETE FROM "${mine}" WHERE pk = 'a'` }, { Statement: `DELETE FROM "${arn}" WHERE pk = 'p'` }] })),
      "PartiQLDelete",
      arn,
    );
    assert.ok((await ddb(OTHER).send(new GetItemCommand({ TableName: mine, Key: { pk: { S: "a" } } }))).Item);

    await ddb(OTHER).send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement: `INSERT INTO "${mine}" VALUE {'pk': 't'}` }, { Statement: `INSERT INTO "${arn}" VALUE {'pk': 't'}` }] }));
    assert.ok((await ddb(OWNER).send(new GetItemCommand({ TableName: nameOf(arn), Key: { pk: { S: "t" } } }))).Item);
    const read = await ddb(OTHER).send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement: `SELECT * FROM "${arn}" WHERE pk = 't'` }] }));
    assert.deepEqual(read.Responses, [{ Item: { pk: { S: "t" } } }]);
    await refused(
      ddb(OTHER).send(new ExecuteTransactionCommand({ TransactStatements: [{ Statement: `UPDATE "${arn}" SET n = 1 WHERE pk = 't'` }] })),
      "PartiQLUpdate",
      arn,
    );
  });
});

describe("DynamoDB table ARNs in batches without enforced policies", () => {
  const suite = accountsSuite({});
  const ddb = (account: string): DynamoDBClient => suite.client((config) => new DynamoDBClient(config), account);
  const streams = streamsApi(suite.nimbus);

  test("a batch or transaction by ARN reads and writes the other account's table, and its stream records the writes", async () => {
    const name = uniqueName("arn-batch");
    const created = await streamingTable(ddb(OWNER), name);
    const arn = created.TableDescription?.TableArn ?? "";
    await ddb(OTHER).send(new BatchWriteItemCommand({ RequestItems: { [arn]: [{ PutRequest: { Item: { pk: { S: "b" } } } }] } }));
    await ddb(OTHER).send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: arn, Item: { pk: { S: "t" } } } }] }));
    const got = await ddb(OTHER).send(new BatchGetItemCommand({ RequestItems: { [arn]: { Keys: [{ pk: { S: "b" } }, { pk: { S: "t" } }] } } }));
    assert.deepEqual(got.Responses?.[arn]?.map((item) => item["pk"]?.S).sort(), ["b", "t"]);
    // The caller's account has no table of that name.
    assert.equal((await failure(ddb(OTHER).send(new GetItemCommand({ TableName: name, Key: { pk: { S: "b" } } })))).name, "ResourceNotFoundException");

    const streamArn = created.TableDescription?.LatestStreamArn ?? "";
    const described = await streams.call("DescribeStream", { StreamArn: streamArn }, OWNER);
    const shardId = described.body["StreamDescription"]["Shards"][0]["ShardId"];
    const iterator = await streams.call("GetShardIterator", { StreamArn: streamArn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }, OWNER);
    const records = await streams.call("GetRecords", { ShardIterator: iterator.body["ShardIterator"] }, OWNER);
    assert.equal(records.status, 200, JSON.stringify(records.body));
    assert.deepEqual(
      records.body["Records"].map((r: { eventName: string; dynamodb: { NewImage: unknown } }) => [r.eventName, r.dynamodb.NewImage]),
      [["INSERT", { pk: { S: "b" } }], ["INSERT", { pk: { S: "t" } }]],
    );
    // The other account reads the stream through its ARN too.
    const read = await streams.call("DescribeStream", { StreamArn: streamArn }, OTHER);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body["StreamDescription"]["TableName"], name);
  });
});
