/**
 * The study guide's serverless pattern end to end: an object uploaded to S3 triggers a Lambda
 * function (a real Node.js process) through an event notification, and the function writes
 * to DynamoDB with the AWS SDK, reaching Nimbus through AWS_ENDPOINT_URL. It runs twice: as
 * Nimbus starts by default, and with signatures and policies enforced, where S3 may invoke the
 * function only once its policy allows it (AddPermission), and the function's own calls are
 * signed with its execution role's session credentials.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { AddPermissionCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { makeZip } from "../../src/services/lambda/runtime/test-helpers.js";
import { ENFORCE_ALL, failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const HANDLER = `
const { DynamoDBClient, PutItemCommand } = require("@aws-sdk/client-dynamodb");
const db = new DynamoDBClient({});
exports.handler = async (event) => {
  // S3 never runs a function with its s3:TestEvent; one that got it (or anything else) says so.
  if (!Array.isArray(event.Records)) {
    await db.send(new PutItemCommand({ TableName: process.env.TABLE, Item: { key: { S: "unexpected-event" }, event: { S: JSON.stringify(event) } } }));
    return { written: 0 };
  }
  for (const record of event.Records) {
    await db.send(new PutItemCommand({
      TableName: process.env.TABLE,
      Item: {
        key: { S: decodeURIComponent(record.s3.object.key.replace(/\\+/g, " ")) },
        bucket: { S: record.s3.bucket.name },
        size: { N: String(record.s3.object.size) },
        event: { S: record.eventName },
      },
    }));
  }
  return { written: event.Records.length };
};`;

for (const enforced of [false, true]) describe(`S3 upload → Lambda → DynamoDB${enforced ? ", signatures and policies enforced" : ""}`, () => {
  let nimbus: TestNimbus;
  before(async () => {
    // Verified signatures need the server's clock at the real time the SDKs sign with.
    nimbus = await startTestNimbus(enforced ? { startTime: Date.now(), auth: ENFORCE_ALL } : {});
  });
  after(() => nimbus.close());

  test("an upload is indexed in DynamoDB by a function the upload triggered", async () => {
    const config = nimbus.clientConfig();
    const s3 = new S3Client({ ...config, forcePathStyle: true });
    const lambda = new LambdaClient(config);
    const dynamo = new DynamoDBClient(config);
    const bucket = uniqueName("uploads");
    const table = uniqueName("index");
    const fn = uniqueName("indexer");

    await dynamo.send(new CreateTableCommand({ TableName: table, AttributeDefinitions: [{ AttributeName: "key", AttributeType: "S" }], KeySchema: [{ AttributeName: "key", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }));
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: fn,
        Runtime: "nodejs20.x",
        Role: "arn:aws:iam::000000000000:role/indexer",
        Handler: "index.handler",
        Timeout: 30,
        Environment: { Variables: { TABLE: table } },
        Code: { ZipFile: await makeZip({ "index.js": HANDLER }) },
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const notify = () =>
      s3.send(
        new PutBucketNotificationConfigurationCommand({
          Bucket: bucket,
          NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: created.FunctionArn, Events: ["s3:ObjectCreated:*"], Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "photos/" }] } } }] },
        }),
      );
    if (enforced) {
      // Without the function's permission S3 may not invoke it, and says so as it does on AWS.
      const refused = await failure(notify());
      assert.equal(refused.name, "InvalidArgument");
      assert.equal(refused["ArgumentName1"], `${created.FunctionArn}, null`);
      assert.equal(refused["ArgumentValue1"], `Not authorized to invoke function [${created.FunctionArn}]`);
    }
    await lambda.send(new AddPermissionCommand({ FunctionName: fn, StatementId: "s3", Action: "lambda:InvokeFunction", Principal: "s3.amazonaws.com", SourceArn: `arn:aws:s3:::${bucket}` }));
    await notify();
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "photos/red flower.jpg", Body: "x".repeat(1234) }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "other/skip.txt", Body: "not under the prefix" }));

    // The notification invokes the function asynchronously: through the event bus and the
    // scheduler (run due work), then a real process. Wait for its write, bounded.
    let item: Record<string, { S?: string; N?: string }> | undefined;
    for (let i = 0; i < 300 && !item; i++) {
      await nimbus.events.idle();
      await nimbus.scheduler.runDue();
      item = (await dynamo.send(new GetItemCommand({ TableName: table, Key: { key: { S: "photos/red flower.jpg" } } }))).Item;
      if (!item) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(item, { key: { S: "photos/red flower.jpg" }, bucket: { S: bucket }, size: { N: "1234" }, event: { S: "ObjectCreated:Put" } });
    const skipped = await dynamo.send(new GetItemCommand({ TableName: table, Key: { key: { S: "other/skip.txt" } } }));
    assert.equal(skipped.Item, undefined, "the prefix filter kept the other object from triggering the function");
    const unexpected = await dynamo.send(new GetItemCommand({ TableName: table, Key: { key: { S: "unexpected-event" } } }));
    assert.equal(unexpected.Item, undefined, "configuring the notification did not run the function");
    s3.destroy();
    lambda.destroy();
    dynamo.destroy();
  });
});
