/** What the Lambda end-to-end suites share: the test role, ARNs, payload helpers, error assertions. */
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { CreateFunctionCommand, LambdaClient, type CreateFunctionCommandInput, type CreateFunctionCommandOutput } from "@aws-sdk/client-lambda";
import { CreateTableCommand, type DynamoDBClient, type StreamViewType } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { makeZip } from "../../src/services/lambda/runtime/test-helpers.js";
import { startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

export const ROLE = "arn:aws:iam::000000000000:role/lambda-role";
export const ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000:function:";

/** An Invoke response payload as JSON. */
export const json = (payload: Uint8Array | undefined): unknown => JSON.parse(Buffer.from(payload ?? []).toString("utf8"));

/** Asserts the SDK error's name, message and HTTP status. */
export async function rejectsWith(promise: Promise<unknown>, name: string, message: string, status: number): Promise<void> {
  await assert.rejects(promise, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, name);
    assert.equal(err.message, message);
    assert.equal(err.$metadata?.httpStatusCode, status);
    return true;
  });
}

/** CreateFunction of a Node.js 20 function whose index.js is `code` (handler index.handler), with any other settings. */
export async function createNodeFunction(
  lambda: LambdaClient,
  name: string,
  code: string,
  extra: Partial<CreateFunctionCommandInput> = {},
): Promise<CreateFunctionCommandOutput> {
  return lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Code: { ZipFile: await makeZip({ "index.js": code }) },
      ...extra,
    }),
  );
}

export interface LambdaSqsFixture {
  readonly nimbus: TestNimbus;
  readonly lambda: LambdaClient;
  readonly sqs: SQSClient;
}

/** A Nimbus of the suite's own with Lambda and SQS clients, which `ready` gets before the suite's tests. */
export function lambdaSqsSuite(ready: (fixture: LambdaSqsFixture) => void): void {
  let fixture: LambdaSqsFixture | undefined;
  before(async () => {
    const nimbus = await startTestNimbus();
    fixture = { nimbus, lambda: new LambdaClient(nimbus.clientConfig()), sqs: new SQSClient(nimbus.clientConfig()) };
    ready(fixture);
  });
  after(async () => {
    // Nothing to close when the server did not start.
    if (fixture === undefined) return;
    fixture.lambda.destroy();
    fixture.sqs.destroy();
    await fixture.nimbus.close();
  });
}

/** An on-demand table keyed by `key` (a string) with a stream of `view`, made with `ddb`: its name and its stream's ARN. */
export async function streamTable(ddb: DynamoDBClient, prefix: string, view: StreamViewType, key = "pk"): Promise<{ table: string; streamArn: string }> {
  const table = uniqueName(prefix);
  const created = await ddb.send(
    new CreateTableCommand({
      TableName: table,
      AttributeDefinitions: [{ AttributeName: key, AttributeType: "S" }],
      KeySchema: [{ AttributeName: key, KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
      StreamSpecification: { StreamEnabled: true, StreamViewType: view },
    }),
  );
  return { table, streamArn: created.TableDescription?.LatestStreamArn ?? "" };
}
