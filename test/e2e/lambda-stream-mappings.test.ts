/**
 * DynamoDB Streams event source mappings as the Lambda developer guide and AWS's recorded answers
 * describe them: what the API answers over a mapping's life, how it refuses settings, and the
 * events the function gets. Polling is driven by the scheduler, never by sleeps.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetEventSourceMappingCommand,
  type LambdaClient,
  UpdateEventSourceMappingCommand,
} from "@aws-sdk/client-lambda";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { makeZip } from "../../src/services/lambda/runtime/test-helpers.js";
import { ROLE, createNodeFunction, lambdaSqsSuite, rejectsWith, streamTable } from "./lambda-helpers.js";
import { uniqueName, type TestNimbus } from "./harness.js";
import { newQueue } from "./sns-fixtures.js";

describe("Lambda with DynamoDB Streams: mappings over time", () => {
  let nimbus: TestNimbus;
  let lambda: LambdaClient;
  let sqs: SQSClient;
  lambdaSqsSuite((fixture) => ({ nimbus, lambda, sqs } = fixture));

  /** A Node function that appends each record it gets to `out`, one JSON line each. */
  async function recorder(prefix: string, out: string): Promise<string> {
    const name = uniqueName(prefix);
    await createNodeFunction(lambda, name, `exports.handler = async (e) => { for (const r of e.Records) require("fs").appendFileSync(process.env.OUT, JSON.stringify(r) + "\\n"); };`, {
      Environment: { Variables: { OUT: out } },
    });
    return name;
  }

  const lines = async (file: string): Promise<Array<Record<string, any>>> => // eslint-disable-line @typescript-eslint/no-explicit-any -- records read field by field
    (await readFile(file, "utf8").catch(() => "")).split("\n").filter(Boolean).map((l) => JSON.parse(l));

  test("a stream mapping is created, disabled and enabled in the states and words Lambda answers", async () => {
    // LocalStack's AWS-recorded test_disabled_dynamodb_event_source_mapping: Create answers
    // "Creating", Update Enabled=false "Disabling", both with StateTransitionReason "User action".
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const dir = await mkdtemp(join(tmpdir(), "nimbus-esm-states-"));
    const out = join(dir, "records.jsonl");
    const { table, streamArn } = await streamTable(ddb, "esm-states", "NEW_IMAGE", "id");
    const name = await recorder("esm-states-fn", out);
    const created = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: streamArn, StartingPosition: "TRIM_HORIZON", MaximumBatchingWindowInSeconds: 1 }));
    assert.deepEqual([created.State, created.StateTransitionReason, created.LastProcessingResult], ["Creating", "User action", "No records processed"]);
    const uuid = created.UUID ?? "";
    const get = () => lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }));
    assert.deepEqual([(await get()).State, (await get()).StateTransitionReason], ["Enabled", "User action"]);

    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "first" } } }));
    for (let i = 0; i < 2; i++) await nimbus.scheduler.advance(1000);
    assert.equal((await lines(out)).length, 1);

    const disabled = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: false }));
    assert.deepEqual([disabled.State, disabled.StateTransitionReason, disabled.LastProcessingResult], ["Disabling", "User action", "OK"]);
    assert.equal((await get()).State, "Disabled");
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "second" } } }));
    await nimbus.scheduler.advance(2000);
    assert.equal((await lines(out)).length, 1, "a disabled mapping invokes nothing");

    assert.equal((await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: true }))).State, "Enabling");
    assert.equal((await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 50 }))).State, "Updating");
    assert.equal((await get()).State, "Enabled");

    // A queue's mapping keeps the queue's wording (the CLI reference's SQS examples).
    const { arn: queueArn } = await newQueue(sqs, "esm-states-q");
    assert.equal((await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: queueArn }))).StateTransitionReason, "USER_INITIATED");
    ddb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test("StartingPosition is refused in Lambda's words: missing or AT_TIMESTAMP for a DynamoDB stream, a stray timestamp, any on a queue", async () => {
    // LocalStack's AWS-recorded test_create_starting_position_validation_exceptions[dynamodb] and
    // [sqs]; a missing position as deployments quote it (winglang/wing#7178).
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const { streamArn } = await streamTable(ddb, "esm-position", "KEYS_ONLY", "id");
    const name = uniqueName("esm-position-fn");
    await createNodeFunction(lambda, name, "exports.handler = async () => {};");
    const create = (extra: Partial<ConstructorParameters<typeof CreateEventSourceMappingCommand>[0]>, arn = streamArn) =>
      lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: arn, ...extra }));
    await rejectsWith(
      create({ StartingPosition: "0" as "LATEST" }),
      "ValidationException",
      "1 validation error detected: Value '0' at 'startingPosition' failed to satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]",
      400,
    );
    await rejectsWith(create({}), "InvalidParameterValueException", "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null.", 400);
    await rejectsWith(
      create({ StartingPosition: "AT_TIMESTAMP", StartingPositionTimestamp: new Date(nimbus.clock.now()) }),
      "InvalidParameterValueException",
      `Unsupported starting position for arn type: ${streamArn}`,
      400,
    );
    await rejectsWith(
      create({ StartingPosition: "LATEST", StartingPositionTimestamp: new Date(nimbus.clock.now()) }),
      "InvalidParameterValueException",
      "Timestamp only valid with StartingPosition AT_TIMESTAMP",
      400,
    );
    const { arn: queueArn } = await newQueue(sqs, "esm-position-q");
    await rejectsWith(create({ StartingPosition: "LATEST" }, queueArn), "InvalidParameterValueException", "StartingPosition is not valid for SQS event sources.", 400);
    ddb.destroy();
  });

  test("MaximumRecordAgeInSeconds is -1 or 60 to 604800: Lambda refuses the 0 to 59 its model allows", async () => {
    // Lambda's answer as quoted in terraform-provider-aws#16113.
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const { streamArn } = await streamTable(ddb, "esm-age", "KEYS_ONLY", "id");
    const name = uniqueName("esm-age-fn");
    await createNodeFunction(lambda, name, "exports.handler = async () => {};");
    const create = (age: number) => lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: streamArn, StartingPosition: "TRIM_HORIZON", MaximumRecordAgeInSeconds: age }));
    await rejectsWith(
      create(30),
      "InvalidParameterValueException",
      "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)",
      400,
    );
    const made = await create(60);
    await rejectsWith(
      lambda.send(new UpdateEventSourceMappingCommand({ UUID: made.UUID, MaximumRecordAgeInSeconds: 59 })),
      "InvalidParameterValueException",
      "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)",
      400,
    );
    ddb.destroy();
  });

  test("MaximumRetryAttempts and FunctionResponseTypes are held to the model's range and enum on a stream's Create and on Update", async () => {
    // CreateEventSourceMapping / UpdateEventSourceMapping API reference: MaximumRetryAttempts -1 to
    // 10,000, FunctionResponseTypes items ReportBatchItemFailures.
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const { streamArn } = await streamTable(ddb, "esm-model", "KEYS_ONLY", "id");
    const name = uniqueName("esm-model-fn");
    await createNodeFunction(lambda, name, "exports.handler = async () => {};");
    const enumMessage = "1 validation error detected: Value 'Report' at 'functionResponseTypes' failed to satisfy constraint: Member must satisfy enum value set: [ReportBatchItemFailures]";
    const create = (extra: Partial<ConstructorParameters<typeof CreateEventSourceMappingCommand>[0]>) =>
      lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: streamArn, StartingPosition: "LATEST", ...extra }));
    await rejectsWith(create({ FunctionResponseTypes: ["Report" as "ReportBatchItemFailures"] }), "ValidationException", enumMessage, 400);
    const made = await create({});
    const update = (extra: Partial<ConstructorParameters<typeof UpdateEventSourceMappingCommand>[0]>) => lambda.send(new UpdateEventSourceMappingCommand({ UUID: made.UUID, ...extra }));
    await rejectsWith(
      update({ MaximumRetryAttempts: 10001 }),
      "ValidationException",
      "1 validation error detected: Value '10001' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 10000",
      400,
    );
    await rejectsWith(update({ FunctionResponseTypes: ["Report" as "ReportBatchItemFailures"] }), "ValidationException", enumMessage, 400);
    const got = await lambda.send(new GetEventSourceMappingCommand({ UUID: made.UUID }));
    assert.deepEqual([got.MaximumRetryAttempts, got.FunctionResponseTypes], [-1, []], "nothing was kept");
    ddb.destroy();
  });

  test("a filter's exists looks at leaves: {\"exists\": false} on an attribute passes an image that has it", async () => {
    // LocalStack's AWS-recorded test_dynamodb_event_filter[exists_false_filter]: both inserts reach
    // the function, the second one holding presentKey: {"S": "presentValue"}.
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const dir = await mkdtemp(join(tmpdir(), "nimbus-esm-exists-"));
    const out = join(dir, "records.jsonl");
    const { table, streamArn } = await streamTable(ddb, "esm-exists", "NEW_AND_OLD_IMAGES", "id");
    const name = await recorder("esm-exists-fn", out);
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: name,
        EventSourceArn: streamArn,
        StartingPosition: "TRIM_HORIZON",
        BatchSize: 1,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ dynamodb: { NewImage: { presentKey: [{ exists: false }] } } }) }] },
      }),
    );
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "id_value_1" } } }));
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "id_value_2" }, presentKey: { S: "presentValue" } } }));
    for (let i = 0; i < 3; i++) await nimbus.scheduler.advance(1000);
    assert.deepEqual((await lines(out)).map((r) => r["dynamodb"].Keys.id.S), ["id_value_1", "id_value_2"]);
    ddb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test("ApproximateCreationDateTime arrives as Lambda writes it, a Java double a Python handler reads as a float", async () => {
    // "ApproximateCreationDateTime": 1.684934517E9 in events captured from Lambda; LocalStack's
    // AWS-validated test_dynamodb_event_filter asserts isinstance(..., float).
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const dir = await mkdtemp(join(tmpdir(), "nimbus-esm-created-"));
    const out = join(dir, "created.txt");
    const { table, streamArn } = await streamTable(ddb, "esm-created", "KEYS_ONLY", "id");
    const name = uniqueName("esm-created-py");
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: "python3.12",
        Role: ROLE,
        Handler: "handler.handler",
        Environment: { Variables: { OUT: out } },
        Code: {
          ZipFile: await makeZip({
            "handler.py": [
              "import os",
              "def handler(event, context):",
              "    with open(os.environ['OUT'], 'a') as f:",
              "        for r in event['Records']:",
              "            t = r['dynamodb']['ApproximateCreationDateTime']",
              "            f.write(type(t).__name__ + ' ' + repr(t) + '\\n')",
            ].join("\n"),
          }),
        },
      }),
    );
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: streamArn, StartingPosition: "TRIM_HORIZON" }));
    const written = Math.floor(nimbus.clock.now() / 1000);
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "a" } } }));
    await nimbus.scheduler.advance(1000);
    const [kind, value] = (await readFile(out, "utf8")).trim().split(" ");
    assert.equal(kind, "float");
    assert.equal(Number(value), written);
    ddb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test("MaximumRecordAgeInSeconds: a batch the function keeps failing on, and a backlog older than the age, are discarded to OnFailure as RecordAgeExceeded", async () => {
    // "Retaining discarded records for a DynamoDB event source in Lambda": a failing batch is retried
    // until its records "exceed the maximum age"; records older than it are discarded.
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const dir = await mkdtemp(join(tmpdir(), "nimbus-esm-aged-"));
    const calls = join(dir, "calls.log");
    const { table, streamArn } = await streamTable(ddb, "esm-aged", "KEYS_ONLY", "id");
    const { url: dlqUrl, arn: dlqArn } = await newQueue(sqs, "esm-aged-q");
    const failing = uniqueName("esm-aged-failing");
    await createNodeFunction(lambda, failing, `exports.handler = async () => { require("fs").appendFileSync(process.env.OUT, "x"); throw new Error("boom"); };`, {
      Environment: { Variables: { OUT: calls } },
    });
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "poison" } } }));
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: failing,
        EventSourceArn: streamArn,
        StartingPosition: "TRIM_HORIZON",
        MaximumRecordAgeInSeconds: 60,
        DestinationConfig: { OnFailure: { Destination: dlqArn } },
      }),
    );
    for (let i = 0; i < 3; i++) await nimbus.scheduler.advance(1000);
    assert.equal(await readFile(calls, "utf8"), "xxx", "retried while younger than the age (MaximumRetryAttempts is -1)");
    nimbus.manualClock.advance(60_000);
    await nimbus.scheduler.advance(1000);
    for (let i = 0; i < 2; i++) await nimbus.scheduler.advance(1000);
    assert.equal(await readFile(calls, "utf8"), "xxx", "not invoked once the record is older than the age");
    const received = async (url = dlqUrl) => ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }))).Messages ?? []).map((msg) => JSON.parse(msg.Body ?? "{}") as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any -- read field by field
    const [discarded, ...others] = await received();
    assert.deepEqual(others, []);
    assert.equal(discarded?.["requestContext"].condition, "RecordAgeExceeded");
    assert.equal(discarded?.["requestContext"].approximateInvokeCount, 3);
    assert.deepEqual([discarded?.["DDBStreamBatchInfo"].batchSize, discarded?.["DDBStreamBatchInfo"].streamArn], [1, streamArn]);

    // A backlog older than the age when a mapping first reads it is discarded without an invocation.
    await lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping.UUID, Enabled: false }));
    const { url: backlogUrl, arn: backlogArn } = await newQueue(sqs, "esm-aged-backlog-q");
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "old" } } }));
    nimbus.manualClock.advance(61_000);
    await ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: "fresh" } } }));
    const out = join(dir, "records.jsonl");
    const reader = await recorder("esm-aged-reader", out);
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: reader,
        EventSourceArn: streamArn,
        StartingPosition: "TRIM_HORIZON",
        MaximumRecordAgeInSeconds: 60,
        DestinationConfig: { OnFailure: { Destination: backlogArn } },
      }),
    );
    for (let i = 0; i < 3; i++) await nimbus.scheduler.advance(1000);
    assert.deepEqual((await lines(out)).map((r) => r["dynamodb"].Keys.id.S), ["fresh"]);
    const backlog = await received(backlogUrl);
    assert.deepEqual(
      backlog.map((d) => [d["requestContext"].condition, d["requestContext"].approximateInvokeCount, d["DDBStreamBatchInfo"].batchSize]),
      [["RecordAgeExceeded", 0, 2]],
      "poison and old, not fresh",
    );
    ddb.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  test("MaximumBatchingWindowInSeconds: records are gathered until the window has passed or the batch is full", async () => {
    // "The maximum amount of time, in seconds, that Lambda spends gathering records before invoking
    // the function" (MaximumBatchingWindowInSeconds, API reference); a full batch goes at once.
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    const dir = await mkdtemp(join(tmpdir(), "nimbus-esm-window-"));
    const calls = join(dir, "calls.log");
    const { table, streamArn } = await streamTable(ddb, "esm-window", "KEYS_ONLY", "id");
    const name = uniqueName("esm-window-fn");
    await createNodeFunction(lambda, name, `exports.handler = async (e) => { require("fs").appendFileSync(process.env.OUT, e.Records.map((r) => r.dynamodb.Keys.id.S).join(",") + "|"); };`, {
      Environment: { Variables: { OUT: calls } },
    });
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: streamArn, StartingPosition: "TRIM_HORIZON", BatchSize: 4, MaximumBatchingWindowInSeconds: 5 }));
    const put = (id: string) => ddb.send(new PutItemCommand({ TableName: table, Item: { id: { S: id } } }));
    const log = () => readFile(calls, "utf8").catch(() => "");
    await put("a");
    for (let i = 0; i < 2; i++) await nimbus.scheduler.advance(1000);
    await put("b");
    for (let i = 0; i < 3; i++) await nimbus.scheduler.advance(1000);
    assert.equal(await log(), "", "held back inside the window");
    await nimbus.scheduler.advance(1000);
    assert.equal(await log(), "a,b|", "invoked once the window has passed, with what it gathered");
    for (const id of ["c", "d", "e", "f"]) await put(id);
    await nimbus.scheduler.advance(1000);
    assert.equal(await log(), "a,b|c,d,e,f|", "a full batch goes at once");
    ddb.destroy();
    await rm(dir, { recursive: true, force: true });
  });
});
