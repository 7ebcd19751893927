/**
 * DynamoDB resource policies with `--enforce-policies`: a table ARN in TableName reaches the
 * table in the ARN's account, which lets another account in only when the table's policy allows
 * the action (on the index's ARN for an index query); an explicit Deny refuses the owner too.
 * Account 111111111111 owns the table; 222222222222 is another account.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, PutResourcePolicyCommand, QueryCommand } from "@aws-sdk/client-dynamodb";
import { accountsSuite, ENFORCE_POLICIES, failure, uniqueName } from "./harness.js";

const OWNER = "111111111111";
const OTHER = "222222222222";

describe("DynamoDB with enforced policies", () => {
  const suite = accountsSuite({ auth: ENFORCE_POLICIES });
  const ddb = (account: string): DynamoDBClient => suite.client((config) => new DynamoDBClient(config), account);
  const table = async (): Promise<string> => {
    const name = uniqueName("policies");
    const out = await ddb(OWNER).send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "colour", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
        GlobalSecondaryIndexes: [{ IndexName: "by-colour", KeySchema: [{ AttributeName: "colour", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
      }),
    );
    await ddb(OWNER).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, colour: { S: "red" } } }));
    return out.TableDescription?.TableArn ?? "";
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
});
