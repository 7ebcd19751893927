/**
 * Asynchronous Lambda beyond the happy path: dead-letter queues after the retries, and state
 * that survives a restart of Nimbus on a data dir.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetAliasCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  LambdaClient,
  PublishVersionCommand,
  PutFunctionEventInvokeConfigCommand,
} from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { makeZip } from "../../src/services/lambda/runtime/test-helpers.js";
import { ROLE } from "./lambda-helpers.js";
import { startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";


describe("Lambda asynchronous failures and persistence", () => {
  let nimbus: TestNimbus;
  let lambda: LambdaClient;
  let sqs: SQSClient;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "nimbus-lambda-data-"));
    nimbus = await startTestNimbus({ inMemory: false, dataDir });
    lambda = new LambdaClient(nimbus.clientConfig());
    sqs = new SQSClient(nimbus.clientConfig());
  });
  after(async () => {
    lambda.destroy();
    sqs.destroy();
    await nimbus.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test("an event that still fails after two retries goes to the dead-letter queue with Lambda's attributes", async () => {
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("dlq") }))).QueueUrl ?? "";
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    const name = uniqueName("dlq-fn");
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs20.x",
        Role: ROLE,
        Handler: "index.handler",
        Code: { ZipFile: await makeZip({ "index.js": "exports.handler = async () => { throw new Error('always fails'); };" }) },
        DeadLetterConfig: { TargetArn: queueArn },
      }),
    );
    const sent = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from('{"order":42}') }));
    assert.equal(sent.StatusCode, 202);
    await nimbus.scheduler.runDue();
    await nimbus.scheduler.advance(60_000);
    const early = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    assert.equal(early.Messages, undefined, "not before the last retry");
    await nimbus.scheduler.advance(120_000);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MessageAttributeNames: ["All"], WaitTimeSeconds: 0 }));
    assert.equal(got.Messages?.length, 1);
    const message = got.Messages?.[0];
    assert.equal(message?.Body, '{"order":42}');
    assert.equal(message?.MessageAttributes?.["RequestID"]?.StringValue, sent.$metadata.requestId);
    assert.equal(message?.MessageAttributes?.["ErrorMessage"]?.StringValue, "always fails");
    assert.equal(message?.MessageAttributes?.["ErrorCode"]?.DataType, "Number");
  });

  test("event invoke config: MaximumRetryAttempts and OnSuccess/OnFailure destinations get Lambda's invocation record", async () => {
    const queue = async (): Promise<{ url: string; arn: string }> => {
      const url = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("dest") }))).QueueUrl ?? "";
      const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      return { url, arn };
    };
    const ok = await queue();
    const bad = await queue();
    const name = uniqueName("dest-fn");
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs20.x",
        Role: ROLE,
        Handler: "index.handler",
        Code: { ZipFile: await makeZip({ "index.js": "exports.handler = async (e) => { if (e.fail) throw new Error('nope'); return { done: e.n }; };" }) },
      }),
    );
    const fnArn = `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
    await assert.rejects(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })), {
      name: "ResourceNotFoundException",
      message: `The function ${fnArn}:$LATEST doesn't have an EventInvokeConfig`,
    });
    const put = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({
        FunctionName: name,
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnSuccess: { Destination: ok.arn }, OnFailure: { Destination: bad.arn } },
      }),
    );
    assert.equal(put.FunctionArn, `${fnArn}:$LATEST`);
    assert.equal(put.MaximumRetryAttempts, 0);
    assert.equal(put.DestinationConfig?.OnFailure?.Destination, bad.arn);

    const sent = await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from('{"n":1}') }));
    await lambda.send(new InvokeCommand({ FunctionName: name, InvocationType: "Event", Payload: Buffer.from('{"fail":true}') }));
    await nimbus.scheduler.runDue();

    const success = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: ok.url, WaitTimeSeconds: 0 }))).Messages ?? [];
    assert.equal(success.length, 1);
    const record = JSON.parse(success[0]?.Body ?? "") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON record read field by field
    assert.equal(record.version, "1.0");
    assert.deepEqual(record.requestContext, { requestId: sent.$metadata.requestId, functionArn: `${fnArn}:$LATEST`, condition: "Success", approximateInvokeCount: 1 });
    assert.deepEqual(record.requestPayload, { n: 1 });
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: "$LATEST" });
    assert.deepEqual(record.responsePayload, { done: 1 });

    // MaximumRetryAttempts 0: the failure reaches OnFailure without the clock moving, so with no retry.
    const failure = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: bad.url, WaitTimeSeconds: 0 }))).Messages ?? [];
    assert.equal(failure.length, 1);
    const failed = JSON.parse(failure[0]?.Body ?? "") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- as above
    assert.equal(failed.requestContext.condition, "RetriesExhausted");
    assert.equal(failed.requestContext.approximateInvokeCount, 1);
    assert.deepEqual(failed.responseContext, { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" });
    assert.equal(failed.responsePayload.errorMessage, "nope");

    await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: name }));
    await assert.rejects(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name })), { name: "ResourceNotFoundException" });
  });

  test("functions, versions and aliases survive a restart on the same data dir, and still run", async () => {
    const name = uniqueName("persist");
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs20.x",
        Role: ROLE,
        Handler: "index.handler",
        Code: { ZipFile: await makeZip({ "index.js": "exports.handler = async (e) => ({ kept: e.x });" }) },
      }),
    );
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1" }));

    lambda.destroy();
    sqs.destroy();
    await nimbus.close();
    nimbus = await startTestNimbus({ inMemory: false, dataDir });
    lambda = new LambdaClient(nimbus.clientConfig());
    sqs = new SQSClient(nimbus.clientConfig());

    assert.equal((await lambda.send(new GetAliasCommand({ FunctionName: name, Name: "live" }))).FunctionVersion, "1");
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "live", Payload: Buffer.from('{"x":7}') }));
    assert.equal(out.ExecutedVersion, "1");
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload ?? []).toString()), { kept: 7 });
  });
});
