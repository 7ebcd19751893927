import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestNimbus, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { aws, boto3 } from "./tools.js";

describe("DynamoDB with the AWS CLI v2 and boto3", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus();
  });
  after(() => nimbus.close());

  test("aws dynamodb create-table, wait table-exists, put-item, query, conditional failure", async () => {
    const table = uniqueName("cli");
    const run = async (...args: string[]) => {
      const r = await aws(nimbus.url, ["dynamodb", ...args]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout ? (JSON.parse(r.stdout) as Record<string, any>) : {}; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    await run(
      "create-table", "--table-name", table,
      "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
      "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
      "--billing-mode", "PAY_PER_REQUEST",
    );
    await run("wait", "table-exists", "--table-name", table);
    for (const sk of ["10", "2", "33"]) await run("put-item", "--table-name", table, "--item", JSON.stringify({ pk: { S: "a" }, sk: { N: sk }, v: { S: `v${sk}` } }));
    const q = await run("query", "--table-name", table, "--key-condition-expression", "pk = :p AND sk > :min", "--expression-attribute-values", JSON.stringify({ ":p": { S: "a" }, ":min": { N: "5" } }));
    assert.deepEqual(q["Items"].map((i: { sk: { N: string } }) => i.sk.N), ["10", "33"], "sorted numerically");
    const failed = await aws(nimbus.url, ["dynamodb", "put-item", "--table-name", table, "--item", JSON.stringify({ pk: { S: "a" }, sk: { N: "2" } }), "--condition-expression", "attribute_not_exists(pk)"]);
    assert.equal(failed.code, 254);
    assert.equal(failed.stderr.trim(), "An error occurred (ConditionalCheckFailedException) when calling the PutItem operation: The conditional request failed");
  });

  test("boto3 Table resource: batch_writer, conditions, update with optimistic locking", async () => {
    const table = uniqueName("boto");
    const r = await boto3(
      nimbus.url,
      `
from boto3.dynamodb.conditions import Key, Attr
from decimal import Decimal
db = boto3.resource("dynamodb", endpoint_url=ENDPOINT)
t = db.create_table(TableName=${JSON.stringify(table)}, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
t.wait_until_exists()
with t.batch_writer() as w:
    for i in range(30):
        w.put_item(Item={"pk": "user", "sk": f"item#{i:02d}", "n": Decimal(i) / 10, "version": 1})
items = t.query(KeyConditionExpression=Key("pk").eq("user") & Key("sk").begins_with("item#1"), FilterExpression=Attr("n").gte(Decimal("1.5")))["Items"]
t.update_item(Key={"pk": "user", "sk": "item#00"}, UpdateExpression="SET version = version + :one", ConditionExpression=Attr("version").eq(1), ExpressionAttributeValues={":one": 1})
try:
    t.update_item(Key={"pk": "user", "sk": "item#00"}, UpdateExpression="SET version = version + :one", ConditionExpression=Attr("version").eq(1), ExpressionAttributeValues={":one": 1})
    lost = "not refused"
except db.meta.client.exceptions.ConditionalCheckFailedException as e:
    lost = e.response["Error"]["Code"]
print(json.dumps({"keys": [i["sk"] for i in items], "n": str(items[0]["n"]), "version": int(t.get_item(Key={"pk": "user", "sk": "item#00"})["Item"]["version"]), "lost": lost}))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      keys: ["item#15", "item#16", "item#17", "item#18", "item#19"],
      n: "1.5",
      version: 2,
      lost: "ConditionalCheckFailedException",
    });
  });
});
