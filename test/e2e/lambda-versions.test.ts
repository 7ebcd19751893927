/**
 * Lambda versions, aliases, resource policies, reserved concurrency, tags and SQS event source
 * mappings through @aws-sdk/client-lambda against a started Nimbus.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  AddPermissionCommand,
  CreateAliasCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteLayerVersionCommand,
  GetLayerVersionCommand,
  ListLayerVersionsCommand,
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
  GetAccountSettingsCommand,
  GetAliasCommand,
  ListFunctionsCommand,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  GetPolicyCommand,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  ListEventSourceMappingsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  RemovePermissionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateEventSourceMappingCommand,
  UpdateFunctionCodeCommand,
} from "@aws-sdk/client-lambda";
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { makeZip, waitUntil } from "../../src/services/lambda/runtime/test-helpers.js";
import { ARN_PREFIX, ROLE, createNodeFunction, json, lambdaSqsSuite, rejectsWith, streamTable } from "./lambda-helpers.js";
import { uniqueName, type TestNimbus } from "./harness.js";
import { newQueue } from "./sns-fixtures.js";




describe("Lambda versions, aliases, permissions, concurrency, tags, event source mappings", () => {
  let nimbus: TestNimbus;
  let lambda: LambdaClient;
  let sqs: SQSClient;
  lambdaSqsSuite((fixture) => ({ nimbus, lambda, sqs } = fixture));

  async function create(name: string, returns: string, extra: Partial<ConstructorParameters<typeof CreateFunctionCommand>[0]> = {}) {
    return createNodeFunction(
      lambda,
      name,
      `exports.handler = async (e, ctx) => ({ v: ${JSON.stringify(returns)}, version: ctx.functionVersion, arn: ctx.invokedFunctionArn });`,
      extra,
    );
  }

  async function setCode(name: string, returns: string): Promise<void> {
    await lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: name,
        ZipFile: await makeZip({ "index.js": `exports.handler = async (e, ctx) => ({ v: ${JSON.stringify(returns)}, version: ctx.functionVersion, arn: ctx.invokedFunctionArn });` }),
      }),
    );
  }

  test("code from S3: CreateFunction and UpdateFunctionCode read the package with S3Bucket/S3Key", async () => {
    const s3 = new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true });
    const bucket = uniqueName("code-bucket");
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "v1.zip", Body: await makeZip({ "index.js": "exports.handler = async () => 's3-v1';" }) }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "v2.zip", Body: await makeZip({ "index.js": "exports.handler = async () => 's3-v2';" }) }));
    const name = uniqueName("from-s3");
    await lambda.send(
      new CreateFunctionCommand({ FunctionName: name, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { S3Bucket: bucket, S3Key: "v1.zip" } }),
    );
    assert.equal(json((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), "s3-v1");
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, S3Bucket: bucket, S3Key: "v2.zip" }));
    assert.equal(json((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), "s3-v2");
    await rejectsWith(
      lambda.send(new CreateFunctionCommand({ FunctionName: uniqueName("no-s3"), Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { S3Bucket: bucket, S3Key: "missing.zip" } })),
      "InvalidParameterValueException",
      "Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist.",
      400,
    );
    s3.destroy();
  });

  test("layers: PublishLayerVersion, functions load their modules from the layers, a deleted layer version keeps working for its functions", async () => {
    const layerName = uniqueName("layer");
    const v1 = await lambda.send(
      new PublishLayerVersionCommand({
        LayerName: layerName,
        Description: "greeting helpers",
        CompatibleRuntimes: ["nodejs20.x", "python3.12"],
        Content: {
          ZipFile: await makeZip({
            "nodejs/node_modules/greet/index.js": "exports.greet = (n) => 'hello ' + n;",
            "python/greet.py": "def greet(n):\n    return 'hi ' + n\n",
          }),
        },
      }),
    );
    assert.equal(v1.Version, 1);
    assert.equal(v1.LayerVersionArn, `arn:aws:lambda:us-east-1:000000000000:layer:${layerName}:1`);
    assert.equal(v1.LayerArn, `arn:aws:lambda:us-east-1:000000000000:layer:${layerName}`);
    const v2 = await lambda.send(new PublishLayerVersionCommand({ LayerName: layerName, Content: { ZipFile: await makeZip({ "bin/tool": "#!/bin/sh\n" }) } }));
    assert.equal(v2.Version, 2);
    const listed = await lambda.send(new ListLayerVersionsCommand({ LayerName: layerName }));
    assert.deepEqual(listed.LayerVersions?.map((l) => l.Version), [2, 1]);
    assert.equal((await lambda.send(new GetLayerVersionCommand({ LayerName: layerName, VersionNumber: 1 }))).Content?.CodeSha256, v1.Content?.CodeSha256);

    const node = uniqueName("with-layer");
    const created = await lambda.send(
      new CreateFunctionCommand({
        FunctionName: node,
        Runtime: "nodejs20.x",
        Role: ROLE,
        Handler: "index.handler",
        Layers: [v1.LayerVersionArn ?? ""],
        Code: { ZipFile: await makeZip({ "index.js": "const { greet } = require('greet'); exports.handler = async () => greet('layer');" }) },
      }),
    );
    assert.deepEqual(created.Layers?.map((l) => l.Arn), [v1.LayerVersionArn]);
    assert.equal(json((await lambda.send(new InvokeCommand({ FunctionName: node }))).Payload), "hello layer");

    const py = uniqueName("py-layer");
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: py,
        Runtime: "python3.12",
        Role: ROLE,
        Handler: "app.handler",
        Layers: [v1.LayerVersionArn ?? ""],
        Code: { ZipFile: await makeZip({ "app.py": "from greet import greet\ndef handler(e, c):\n    return greet('py')\n" }) },
      }),
    );
    assert.equal(json((await lambda.send(new InvokeCommand({ FunctionName: py }))).Payload), "hi py");

    await lambda.send(new DeleteLayerVersionCommand({ LayerName: layerName, VersionNumber: 1 }));
    await rejectsWith(
      lambda.send(new GetLayerVersionCommand({ LayerName: layerName, VersionNumber: 1 })),
      "ResourceNotFoundException",
      "The resource you requested does not exist.",
      404,
    );
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: node, Timeout: 5 }));
    assert.equal(json((await lambda.send(new InvokeCommand({ FunctionName: node }))).Payload), "hello layer", "the function kept its copy of the layer");
    const missing = `arn:aws:lambda:us-east-1:000000000000:layer:${layerName}:1`;
    await rejectsWith(
      lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: node, Layers: [missing] })),
      "InvalidParameterValueException",
      `Layer version ${missing} does not exist.`,
      400,
    );
  });

  test("PublishVersion numbers from 1, does not republish unchanged code, and versions run their own code", async () => {
    const name = uniqueName("ver");
    await create(name, "one");
    const v1 = await lambda.send(new PublishVersionCommand({ FunctionName: name, Description: "first" }));
    assert.equal(v1.Version, "1");
    assert.equal(v1.FunctionArn, `${ARN_PREFIX}${name}:1`);
    assert.equal(v1.Description, "first");
    const again = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    assert.equal(again.Version, "1", "nothing changed since version 1");
    await setCode(name, "two");
    const v2 = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    assert.equal(v2.Version, "2");
    const versions = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    assert.deepEqual(versions.Versions?.map((v) => v.Version), ["$LATEST", "1", "2"]);

    const r1 = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "1" }));
    assert.equal(r1.ExecutedVersion, "1");
    assert.deepEqual(json(r1.Payload), { v: "one", version: "1", arn: `${ARN_PREFIX}${name}:1` });
    const r2 = await lambda.send(new InvokeCommand({ FunctionName: `${ARN_PREFIX}${name}:2` }));
    assert.equal(r2.ExecutedVersion, "2");
    assert.equal((json(r2.Payload) as { v: string }).v, "two");
    await rejectsWith(
      lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "9" })),
      "ResourceNotFoundException",
      `Function not found: ${ARN_PREFIX}${name}:9`,
      404,
    );
    await rejectsWith(
      lambda.send(new PublishVersionCommand({ FunctionName: name, CodeSha256: "abc" })),
      "InvalidParameterValueException",
      `CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST (${v2.CodeSha256}). Please try again with the current CodeSHA256.`,
      400,
    );
    const everything = await lambda.send(new ListFunctionsCommand({ FunctionVersion: "ALL", MaxItems: 1000 }));
    assert.deepEqual(everything.Functions?.filter((f) => f.FunctionName === name).map((f) => f.Version), ["$LATEST", "1", "2"]);
    const settings = await lambda.send(new GetAccountSettingsCommand({}));
    assert.equal(settings.AccountLimit?.ConcurrentExecutions, 1000);
    assert.ok((settings.AccountUsage?.FunctionCount ?? 0) >= 1);
    await lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: "1" }));
    const after = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
    assert.deepEqual(after.Versions?.map((v) => v.Version), ["$LATEST", "2"]);
  });

  test("aliases: create, get, list, update, invoke through the alias, delete", async () => {
    const name = uniqueName("alias");
    await create(name, "one");
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await setCode(name, "two");
    await lambda.send(new PublishVersionCommand({ FunctionName: name }));

    const alias = await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1", Description: "prod" }));
    assert.equal(alias.AliasArn, `${ARN_PREFIX}${name}:live`);
    assert.equal(alias.FunctionVersion, "1");
    await rejectsWith(
      lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "1" })),
      "ResourceConflictException",
      `Alias already exists: ${ARN_PREFIX}${name}:live`,
      409,
    );
    const viaAlias = await lambda.send(new InvokeCommand({ FunctionName: name, Qualifier: "live" }));
    assert.equal(viaAlias.ExecutedVersion, "1");
    assert.deepEqual(json(viaAlias.Payload), { v: "one", version: "1", arn: `${ARN_PREFIX}${name}:live` });

    const updated = await lambda.send(new UpdateAliasCommand({ FunctionName: name, Name: "live", FunctionVersion: "2" }));
    assert.equal(updated.FunctionVersion, "2");
    assert.notEqual(updated.RevisionId, alias.RevisionId);
    const viaArn = await lambda.send(new InvokeCommand({ FunctionName: `${ARN_PREFIX}${name}:live` }));
    assert.equal(viaArn.ExecutedVersion, "2");
    assert.equal((json(viaArn.Payload) as { v: string }).v, "two");

    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: "beta", FunctionVersion: "$LATEST" }));
    const listed = await lambda.send(new ListAliasesCommand({ FunctionName: name }));
    assert.deepEqual(listed.Aliases?.map((a) => [a.Name, a.FunctionVersion]), [["beta", "$LATEST"], ["live", "2"]]);
    assert.equal((await lambda.send(new GetAliasCommand({ FunctionName: name, Name: "live" }))).Description, "prod");

    await rejectsWith(
      lambda.send(new DeleteFunctionCommand({ FunctionName: name, Qualifier: "2" })),
      "ResourceConflictException",
      "Unable to delete version because the following aliases reference it: [live]",
      409,
    );
    await lambda.send(new DeleteAliasCommand({ FunctionName: name, Name: "live" }));
    await rejectsWith(
      lambda.send(new GetAliasCommand({ FunctionName: name, Name: "live" })),
      "ResourceNotFoundException",
      `Alias not found: ${ARN_PREFIX}${name}:live`,
      404,
    );
  });

  test("AddPermission, GetPolicy, RemovePermission", async () => {
    const name = uniqueName("perm");
    await create(name, "x");
    await rejectsWith(lambda.send(new GetPolicyCommand({ FunctionName: name })), "ResourceNotFoundException", "The resource you requested does not exist.", 404);
    const added = await lambda.send(
      new AddPermissionCommand({
        FunctionName: name,
        StatementId: "s3-invoke",
        Action: "lambda:InvokeFunction",
        Principal: "s3.amazonaws.com",
        SourceArn: "arn:aws:s3:::my-bucket",
        SourceAccount: "000000000000",
      }),
    );
    const statement = {
      Sid: "s3-invoke",
      Effect: "Allow",
      Principal: { Service: "s3.amazonaws.com" },
      Action: "lambda:InvokeFunction",
      Resource: `${ARN_PREFIX}${name}`,
      Condition: { StringEquals: { "AWS:SourceAccount": "000000000000" }, ArnLike: { "AWS:SourceArn": "arn:aws:s3:::my-bucket" } },
    };
    assert.deepEqual(JSON.parse(added.Statement ?? ""), statement);
    await rejectsWith(
      lambda.send(new AddPermissionCommand({ FunctionName: name, StatementId: "s3-invoke", Action: "lambda:InvokeFunction", Principal: "sns.amazonaws.com" })),
      "ResourceConflictException",
      "The statement id (s3-invoke) provided already exists. Please provide a new statement id, or remove the existing statement.",
      409,
    );
    const policy = await lambda.send(new GetPolicyCommand({ FunctionName: name }));
    assert.deepEqual(JSON.parse(policy.Policy ?? ""), { Version: "2012-10-17", Id: "default", Statement: [statement] });
    await lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId: "s3-invoke" }));
    await rejectsWith(lambda.send(new GetPolicyCommand({ FunctionName: name })), "ResourceNotFoundException", "The resource you requested does not exist.", 404);
    await rejectsWith(
      lambda.send(new RemovePermissionCommand({ FunctionName: name, StatementId: "s3-invoke" })),
      "ResourceNotFoundException",
      "The resource you requested does not exist.",
      404,
    );
  });

  test("reserved concurrency 0 throttles with TooManyRequestsException 429; deleting it lifts the throttle", async () => {
    const name = uniqueName("conc");
    await create(name, "x");
    const put = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 0 }));
    assert.equal(put.ReservedConcurrentExecutions, 0);
    assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName: name }))).Concurrency?.ReservedConcurrentExecutions, 0);
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: name })), (err: Error & { $metadata?: { httpStatusCode?: number }; Reason?: string }) => {
      assert.equal(err.name, "TooManyRequestsException");
      assert.equal(err.message, "Rate Exceeded.");
      assert.equal(err.Reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
      assert.equal(err.$metadata?.httpStatusCode, 429);
      return true;
    });
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: name }));
    assert.equal((await lambda.send(new InvokeCommand({ FunctionName: name }))).StatusCode, 200);
    await rejectsWith(
      lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 950 })),
      "InvalidParameterValueException",
      "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].",
      400,
    );
  });

  test("reserved concurrency 1: a second invocation while the first runs is throttled", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nimbus-lambda-conc-"));
    const started = join(dir, "started");
    const release = join(dir, "release");
    const name = uniqueName("conc1");
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs20.x",
        Role: ROLE,
        Handler: "index.handler",
        Timeout: 30,
        Environment: { Variables: { STARTED: started, RELEASE: release } },
        Code: {
          ZipFile: await makeZip({
            "index.js": `const fs = require("fs");
              exports.handler = async () => {
                fs.writeFileSync(process.env.STARTED, "1");
                while (!fs.existsSync(process.env.RELEASE)) await new Promise((r) => setTimeout(r, 10));
                return "done";
              };`,
          }),
        },
      }),
    );
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: name, ReservedConcurrentExecutions: 1 }));
    const first = lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.ok(await waitUntil(() => existsSync(started)));
    await assert.rejects(lambda.send(new InvokeCommand({ FunctionName: name })), { name: "TooManyRequestsException", message: "Rate Exceeded." });
    await writeFile(release, "1");
    assert.equal(json((await first).Payload), "done");
    assert.equal(json((await lambda.send(new InvokeCommand({ FunctionName: name }))).Payload), "done");
    await rm(dir, { recursive: true, force: true });
  });

  test("TagResource, ListTags, UntagResource", async () => {
    const name = uniqueName("tags");
    const fn = await create(name, "x", { Tags: { a: "1" } });
    const arn = fn.FunctionArn ?? "";
    await lambda.send(new TagResourceCommand({ Resource: arn, Tags: { b: "2", c: "3" } }));
    assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, { a: "1", b: "2", c: "3" });
    await lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ["a", "c"] }));
    assert.deepEqual((await lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, { b: "2" });
    await rejectsWith(
      lambda.send(new ListTagsCommand({ Resource: `${ARN_PREFIX}missing` })),
      "ResourceNotFoundException",
      `Function not found: ${ARN_PREFIX}missing`,
      404,
    );
  });

  test("an SQS event source mapping polls the queue, invokes the function with the batch, and deletes what succeeded", async () => {
    const name = uniqueName("esm");
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "nodejs20.x",
        Role: ROLE,
        Handler: "index.handler",
        Code: {
          ZipFile: await makeZip({
            "index.js": `exports.handler = async (event) => ({
              batchItemFailures: event.Records.filter((r) => r.body === "bad").map((r) => ({ itemIdentifier: r.messageId })),
            });`,
          }),
        },
      }),
    );
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("esm-q"), Attributes: { VisibilityTimeout: "30" } }))).QueueUrl ?? "";
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: queueArn, BatchSize: 5, FunctionResponseTypes: ["ReportBatchItemFailures"] }),
    );
    assert.equal(mapping.State, "Creating");
    assert.equal(mapping.BatchSize, 5);
    assert.equal(mapping.FunctionArn, `${ARN_PREFIX}${name}`);
    const uuid = mapping.UUID ?? "";
    assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State, "Enabled");
    const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: name }));
    assert.deepEqual(listed.EventSourceMappings?.map((m) => m.UUID), [uuid]);
    await rejectsWith(
      lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: queueArn })),
      "ResourceConflictException",
      `An event source mapping with SQS arn (" ${queueArn} ") and function (" ${name} ") already exists. Please update or delete the existing mapping with UUID ${uuid}`,
      409,
    );

    for (const body of ["good-1", "bad", "good-2"]) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    await nimbus.scheduler.advance(1000);
    const counts = async (): Promise<[string, string]> => {
      const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes ?? {};
      return [attrs["ApproximateNumberOfMessages"] ?? "", attrs["ApproximateNumberOfMessagesNotVisible"] ?? ""];
    };
    // The two good messages were deleted; the reported failure stays in flight until its visibility timeout.
    assert.deepEqual(await counts(), ["0", "1"]);

    const disabled = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    assert.equal(disabled.State, "Disabling");
    assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).State, "Disabled");
    await nimbus.scheduler.advance(31_000);
    assert.deepEqual(await counts(), ["1", "0"], "a disabled mapping does not poll");

    const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    assert.equal(deleted.State, "Deleting");
    await rejectsWith(lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })), "ResourceNotFoundException", "The resource you requested does not exist.", 404);
  });

  test("FilterCriteria: only matching SQS messages reach the function; the others are deleted", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nimbus-lambda-filter-"));
    const out = join(dir, "bodies");
    const name = uniqueName("filter");
    await createNodeFunction(lambda, name, `exports.handler = async (e) => { for (const r of e.Records) require("fs").appendFileSync(process.env.OUT, r.body + "|"); };`, { Environment: { Variables: { OUT: out } } });
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("filter-q") }))).QueueUrl ?? "";
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    await rejectsWith(
      lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: queueArn, FilterCriteria: { Filters: [{ Pattern: "{not json" }] } })),
      "InvalidParameterValueException",
      "Invalid filter pattern definition.",
      400,
    );
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: queueArn, FilterCriteria: { Filters: [{ Pattern: '{"body":{"kind":["keep"]}}' }] } }),
    );
    assert.deepEqual(mapping.FilterCriteria, { Filters: [{ Pattern: '{"body":{"kind":["keep"]}}' }] });
    for (const kind of ["keep", "drop", "keep"]) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ kind }) }));
    await nimbus.scheduler.advance(1000);
    assert.equal(await readFile(out, "utf8"), '{"kind":"keep"}|{"kind":"keep"}|');
    const attrs = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }))).Attributes ?? {};
    assert.equal(attrs["ApproximateNumberOfMessages"], "0");
    assert.equal(attrs["ApproximateNumberOfMessagesNotVisible"], "0");
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID ?? "" }));
    await rm(dir, { recursive: true, force: true });
  });

  test("a DynamoDB stream event source mapping delivers the table's changes in order, from TRIM_HORIZON or LATEST", async () => {
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const dir = await mkdtemp(join(tmpdir(), "nimbus-lambda-ddb-"));
    const { table, streamArn } = await streamTable(ddb, "ddb-esm", "NEW_AND_OLD_IMAGES");
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "before" } } }));

    const deploy = async (label: string): Promise<string> => {
      const name = uniqueName(`ddb-${label}`);
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: "nodejs20.x",
          Role: ROLE,
          Handler: "index.handler",
          Environment: { Variables: { OUT: join(dir, `${label}.jsonl`) } },
          Code: {
            ZipFile: await makeZip({
              "index.js": `exports.handler = async (event) => {
                for (const r of event.Records) require("fs").appendFileSync(process.env.OUT, JSON.stringify(r) + "\\n");
              };`,
            }),
          },
        }),
      );
      return name;
    };
    const fromStart = await deploy("trim");
    const fromNow = await deploy("latest");
    const trim = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fromStart, EventSourceArn: streamArn, StartingPosition: "TRIM_HORIZON", BatchSize: 10 }));
    assert.equal(trim.StartingPosition, "TRIM_HORIZON");
    assert.equal(trim.BatchSize, 10);
    assert.equal(trim.MaximumRetryAttempts, -1);
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: fromNow, EventSourceArn: streamArn, StartingPosition: "LATEST" }));

    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "after" }, n: { N: "1" } } }));
    await nimbus.scheduler.advance(1000);
    const read = async (label: string): Promise<Array<Record<string, any>>> => // eslint-disable-line @typescript-eslint/no-explicit-any -- stream records read field by field
      (await readFile(join(dir, `${label}.jsonl`), "utf8").catch(() => "")).split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const all = await read("trim");
    assert.deepEqual(all.map((r) => r.dynamodb.Keys.pk.S), ["before", "after"]);
    assert.equal(all[1]?.eventName, "INSERT");
    assert.equal(all[1]?.eventSource, "aws:dynamodb");
    assert.equal(all[1]?.eventSourceARN, streamArn);
    assert.deepEqual(all[1]?.dynamodb.NewImage, { pk: { S: "after" }, n: { N: "1" } });
    assert.equal(typeof all[1]?.dynamodb.ApproximateCreationDateTime, "number");
    const latest = await read("latest");
    assert.deepEqual(latest.map((r) => r.dynamodb.Keys.pk.S), ["after"], "LATEST starts after what was in the stream");

    await nimbus.scheduler.advance(1000);
    assert.equal((await read("trim")).length, 2, "records are delivered once");
    assert.equal((await lambda.send(new GetEventSourceMappingCommand({ UUID: trim.UUID ?? "" }))).LastProcessingResult, "OK");
    ddb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test("TTL archiving: a stream mapping filtered on userIdentity gets only TTL deletions, with userIdentity as Lambda writes it", async () => {
    // The DynamoDB developer guide's "DynamoDB Streams and Time to Live": the record carries
    // "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"}, and the
    // archiving function's filter is {"userIdentity":{"type":["Service"],"principalId":["dynamodb.amazonaws.com"]}}.
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const dir = await mkdtemp(join(tmpdir(), "nimbus-lambda-ttl-"));
    const out = join(dir, "records.jsonl");
    const { table, streamArn } = await streamTable(ddb, "ttl-archive", "OLD_IMAGE");
    await ddb.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }));
    const name = uniqueName("ttl-archiver");
    await createNodeFunction(lambda, name, `exports.handler = async (e) => { for (const r of e.Records) require("fs").appendFileSync(process.env.OUT, JSON.stringify(r) + "\\n"); };`, { Environment: { Variables: { OUT: out } } });
    const pattern = JSON.stringify({ userIdentity: { type: ["Service"], principalId: ["dynamodb.amazonaws.com"] } });
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: name,
        EventSourceArn: streamArn,
        StartingPosition: "TRIM_HORIZON",
        FilterCriteria: { Filters: [{ Pattern: pattern }] },
      }),
    );
    const now = Math.floor(nimbus.clock.now() / 1000);
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "expiring" }, expires: { N: String(now + 30) } } }));
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "deleted" } } }));
    await ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "deleted" } } }));
    nimbus.manualClock.advance(31_000);
    await nimbus.scheduler.advance(60_000);
    await nimbus.events.idle();
    await nimbus.scheduler.advance(1000);
    const records = (await readFile(out, "utf8").catch(() => "")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      records.map((r) => [r["eventName"], (r["dynamodb"] as { Keys: unknown }).Keys, r["userIdentity"]]),
      [["REMOVE", { pk: { S: "expiring" } }, { type: "Service", principalId: "dynamodb.amazonaws.com" }]],
    );
    ddb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test("ReportBatchItemFailures on a stream: Lambda retries from the lowest reported sequence number, and only when the mapping asks for it", async () => {
    // Lambda developer guide, "Configuring partial batch response with DynamoDB and Lambda".
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const dir = await mkdtemp(join(tmpdir(), "nimbus-lambda-ddb-partial-"));
    const { table, streamArn } = await streamTable(ddb, "ddb-partial", "KEYS_ONLY");
    for (const pk of ["a", "b", "c"]) await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));
    // Each call is logged as its keys; the first batch that holds "b" reports it failed.
    const deploy = async (label: string): Promise<string> => {
      const name = uniqueName(`partial-${label}`);
      await createNodeFunction(
        lambda,
        name,
        `const fs = require("fs");
        exports.handler = async (event) => {
          const seen = fs.existsSync(process.env.OUT);
          fs.appendFileSync(process.env.OUT, event.Records.map((r) => r.dynamodb.Keys.pk.S).join("") + "|");
          const b = event.Records.find((r) => r.dynamodb.Keys.pk.S === "b");
          return { batchItemFailures: !seen && b ? [{ itemIdentifier: b.dynamodb.SequenceNumber }] : [] };
        };`,
        { Environment: { Variables: { OUT: join(dir, `${label}.log`) } } },
      );
      return name;
    };
    const reporting = await deploy("reporting");
    const ignoring = await deploy("ignoring");
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: reporting, EventSourceArn: streamArn, StartingPosition: "TRIM_HORIZON", FunctionResponseTypes: ["ReportBatchItemFailures"] }));
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: ignoring, EventSourceArn: streamArn, StartingPosition: "TRIM_HORIZON" }));
    await nimbus.scheduler.advance(1000);
    await nimbus.scheduler.advance(1000);
    await nimbus.scheduler.advance(1000);
    assert.equal(await readFile(join(dir, "reporting.log"), "utf8"), "abc|bc|");
    assert.equal(await readFile(join(dir, "ignoring.log"), "utf8"), "abc|", "without ReportBatchItemFailures the response is ignored");
    ddb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test("SQS records carry md5OfMessageAttributes: the attributes' MD5 as ReceiveMessage gives it, null for a message without any; an attribute named __proto__ is kept", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nimbus-lambda-sqs-md5-"));
    const out = join(dir, "records.jsonl");
    const name = uniqueName("sqs-md5");
    await createNodeFunction(lambda, name, `exports.handler = async (e) => { for (const r of e.Records) require("fs").appendFileSync(process.env.OUT, JSON.stringify(r) + "\\n"); };`, { Environment: { Variables: { OUT: out } } });
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("sqs-md5-q") }))).QueueUrl ?? "";
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    // An attribute named __proto__ is one like any other (the record's copy had assigned it, setting the map's prototype).
    const MessageAttributes = { kind: { DataType: "String", StringValue: "x" }, ["__proto__"]: { DataType: "String", StringValue: "p" } };
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "with", MessageAttributes }));
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "without" }));
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: queueArn }));
    await nimbus.scheduler.advance(1000);
    const records = (await readFile(out, "utf8")).split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      records.map((r) => [r["body"], r["md5OfMessageAttributes"]]).sort(),
      [
        ["with", sent.MD5OfMessageAttributes],
        ["without", null],
      ],
    );
    assert.deepEqual(
      records.find((r) => r["body"] === "with")?.["messageAttributes"],
      JSON.parse(
        '{"kind":{"stringValue":"x","stringListValues":[],"binaryListValues":[],"dataType":"String"},"__proto__":{"stringValue":"p","stringListValues":[],"binaryListValues":[],"dataType":"String"}}',
      ),
    );
    await rm(dir, { recursive: true, force: true });
  });

  test("a stream mapping keeps its stream settings, and a batch it gives up on is described to its OnFailure queue", async () => {
    // Lambda developer guide: "Lambda parameters for Amazon DynamoDB event source mappings" and
    // the invocation record of "Retaining discarded records for a DynamoDB event source in Lambda".
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const { table, streamArn } = await streamTable(ddb, "ddb-onfailure", "KEYS_ONLY");
    const name = uniqueName("ddb-failing");
    await createNodeFunction(lambda, name, `exports.handler = async () => { throw new Error("boom"); };`);
    const { url: dlqUrl, arn: dlqArn } = await newQueue(sqs, "ddb-onfailure-q");
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: name,
        EventSourceArn: streamArn,
        StartingPosition: "TRIM_HORIZON",
        MaximumRetryAttempts: 1,
        MaximumRecordAgeInSeconds: 3600,
        BisectBatchOnFunctionError: true,
        ParallelizationFactor: 2,
        DestinationConfig: { OnFailure: { Destination: dlqArn } },
      }),
    );
    const settings = (m: typeof mapping) => [m.MaximumRetryAttempts, m.MaximumRecordAgeInSeconds, m.BisectBatchOnFunctionError, m.ParallelizationFactor, m.TumblingWindowInSeconds, m.DestinationConfig];
    assert.deepEqual(settings(mapping), [1, 3600, true, 2, 0, { OnFailure: { Destination: dlqArn } }]);
    assert.deepEqual(settings(await lambda.send(new GetEventSourceMappingCommand({ UUID: mapping.UUID ?? "" }))), [1, 3600, true, 2, 0, { OnFailure: { Destination: dlqArn } }]);

    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "poison" } } }));
    for (let i = 0; i < 3; i++) await nimbus.scheduler.advance(1000);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    assert.equal(Messages.length, 1);
    const record = JSON.parse(Messages[0]?.Body ?? "{}") as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- read field by field
    assert.deepEqual(Object.keys(record), ["requestContext", "responseContext", "version", "timestamp", "DDBStreamBatchInfo"]);
    assert.equal(record.requestContext.functionArn, `${ARN_PREFIX}${name}`);
    assert.equal(record.requestContext.condition, "RetryAttemptsExhausted");
    assert.equal(record.requestContext.approximateInvokeCount, 2);
    assert.deepEqual(record.responseContext, { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" });
    assert.equal(record.version, "1.0");
    const info = record.DDBStreamBatchInfo;
    assert.equal(info.streamArn, streamArn);
    assert.equal(info.batchSize, 1);
    assert.equal(info.startSequenceNumber, info.endSequenceNumber);
    assert.match(info.shardId, /^shardId-\d{20}-[0-9a-f]{8}$/);
    assert.match(info.approximateArrivalOfFirstRecord, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    for (let i = 0; i < 2; i++) await nimbus.scheduler.advance(1000);
    assert.equal((await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl }))).Messages, undefined, "the batch given up on is not retried");
    ddb.destroy();
  });

  test("an SQS mapping needs the queue's visibility timeout to cover the function's timeout", async () => {
    const name = uniqueName("esm-timeout");
    await createNodeFunction(lambda, name, "exports.handler = async () => {};", { Timeout: 60 });
    const queueArn = async (attributes: Record<string, string>): Promise<string> => (await newQueue(sqs, "esm-timeout-q", attributes)).arn;
    await rejectsWith(
      lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: await queueArn({}) })),
      "InvalidParameterValueException",
      "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds",
      400,
    );
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: await queueArn({ VisibilityTimeout: "60" }) }));
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: created.UUID ?? "" }));
  });

  test("BisectBatchOnFunctionError: a failing batch is split until the bad record is alone, and only it goes to OnFailure", async () => {
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const dir = await mkdtemp(join(tmpdir(), "nimbus-lambda-bisect-"));
    const { table, streamArn } = await streamTable(ddb, "ddb-bisect", "KEYS_ONLY");
    for (const pk of ["a", "b", "poison", "c"]) await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));
    const name = uniqueName("ddb-bisect-fn");
    await createNodeFunction(
      lambda,
      name,
      `exports.handler = async (event) => {
        const keys = event.Records.map((r) => r.dynamodb.Keys.pk.S);
        require("fs").appendFileSync(process.env.OUT, keys.join(",") + "|");
        if (keys.includes("poison")) throw new Error("poison");
      };`,
      { Environment: { Variables: { OUT: join(dir, "calls.log") } } },
    );
    const { url: dlqUrl, arn: dlqArn } = await newQueue(sqs, "ddb-bisect-q");
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: name,
        EventSourceArn: streamArn,
        StartingPosition: "TRIM_HORIZON",
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 0,
        DestinationConfig: { OnFailure: { Destination: dlqArn } },
      }),
    );
    for (let i = 0; i < 6; i++) await nimbus.scheduler.advance(1000);
    assert.equal(await readFile(join(dir, "calls.log"), "utf8"), "a,b,poison,c|a,b|poison,c|poison|c|");
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10 }));
    const discarded = Messages.map((m) => JSON.parse(m.Body ?? "{}") as { requestContext: { approximateInvokeCount: number }; DDBStreamBatchInfo: { batchSize: number } });
    assert.deepEqual(
      discarded.map((d) => [d.DDBStreamBatchInfo.batchSize, d.requestContext.approximateInvokeCount]),
      [[1, 1]],
    );
    ddb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test("a second mapping of the same stream to the same function is a conflict, in the words Lambda uses for streams", async () => {
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const { streamArn } = await streamTable(ddb, "ddb-dup", "KEYS_ONLY");
    const name = uniqueName("ddb-dup-fn");
    await createNodeFunction(lambda, name, "exports.handler = async () => {};");
    const first = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: streamArn, StartingPosition: "LATEST" }));
    await rejectsWith(
      lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: streamArn, StartingPosition: "TRIM_HORIZON" })),
      "ResourceConflictException",
      `The event source arn (" ${streamArn} ") and function (" ${name} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${first.UUID}`,
      409,
    );
    ddb.destroy();
  });

  test("a FIFO queue's mapping takes no batching window", async () => {
    const name = uniqueName("esm-fifo");
    await createNodeFunction(lambda, name, "exports.handler = async () => {};");
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName("esm-fifo-q")}.fifo`, Attributes: { FifoQueue: "true" } }))).QueueUrl ?? "";
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    await rejectsWith(
      lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: arn, MaximumBatchingWindowInSeconds: 5 })),
      "InvalidParameterValueException",
      "Batching window is not supported for FIFO queues",
      400,
    );
    const mapping = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: arn }));
    await rejectsWith(
      lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, MaximumBatchingWindowInSeconds: 1 })),
      "InvalidParameterValueException",
      "Batching window is not supported for FIFO queues",
      400,
    );
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID ?? "" }));
  });
});
