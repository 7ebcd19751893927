/**
 * CreateTable, UpdateTable and DescribeTable on encryption (SSESpecification), TableClass,
 * DeletionProtectionEnabled and the refusals that name them, as the ack-api-quirks DynamoDB
 * catalogue measured them against AWS (DDB-TABLE-003/026/031/036/044/054/065/079/082/140/141/
 * 284/286/365/369/371/383/438).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type UpdateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { awsManagedKeyArn } from "../../src/core/kms-keys.js";
import { hashTable } from "./dynamodb-fixtures.js";
import { refusal, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const INVALID = "One or more parameter values were invalid: ";
const IN_USE = "Attempt to change a resource which is still in use: ";
const KEY = "arn:aws:kms:us-east-1:000000000000:key/0e89ef16-bbf9-456f-be05-8000c64aa7d3";
const OTHER_KEY = "arn:aws:kms:us-east-1:000000000000:key/5494d1e8-65e0-4fdc-9814-07e049320145";
/** DynamoDB's AWS managed key (alias aws/dynamodb), named by its key ARN as AWS names it. */
const AWS_MANAGED = awsManagedKeyArn("dynamodb", { account: "000000000000", region: "us-east-1" });

/** One attempt per call: the SDK retries ThrottlingException (and LimitExceededException) with backoff. */
function client(nimbus: TestNimbus): DynamoDBClient {
  return new DynamoDBClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
}

function suite(options: Parameters<typeof startTestNimbus>[0]): { nimbus: () => TestNimbus; ddb: () => DynamoDBClient } {
  let nimbus: TestNimbus | undefined;
  let ddb: DynamoDBClient | undefined;
  before(async () => {
    nimbus = await startTestNimbus(options);
    ddb = client(nimbus);
  });
  after(async () => {
    ddb?.destroy();
    await nimbus?.close();
  });
  return {
    nimbus: () => nimbus as TestNimbus,
    ddb: () => ddb as DynamoDBClient,
  };
}

const update = (name: string, extra: Omit<UpdateTableCommandInput, "TableName">) => new UpdateTableCommand({ TableName: name, ...extra });

describe("DynamoDB encryption, table class and deletion protection", () => {
  const { nimbus, ddb } = suite({});
  const describeTable = async (name: string) => (await ddb().send(new DescribeTableCommand({ TableName: name }))).Table;

  test("CreateTable's SSESpecification rules, in AWS's words (DDB-TABLE-036/031); {} is no encryption, {SSEType: KMS} alone turns KMS on (DDB-TABLE-044)", async () => {
    const cases: [CreateTableCommandInput["SSESpecification"], string][] = [
      [{ Enabled: false, SSEType: "KMS" }, `${INVALID}SSEType can not be specified if Enabled is false`],
      [{ Enabled: false, KMSMasterKeyId: KEY }, `${INVALID}KMSMasterKeyId can not be specified if Enabled is false`],
      [{ Enabled: false, SSEType: "KMS", KMSMasterKeyId: KEY }, `${INVALID}SSEType can not be specified if Enabled is false`],
      [{ Enabled: false, SSEType: "AES256" }, `${INVALID}SSEType can not be specified if Enabled is false`],
      [{ Enabled: true, SSEType: "AES256" }, `${INVALID}SSEType AES256 is not supported`],
      [{ Enabled: true, KMSMasterKeyId: "alias/aws/dynamodb" }, `${INVALID}SSEType KMS is required if KMSMasterKeyId is specified`],
      [
        { Enabled: true, SSEType: "kms" as "KMS" },
        "1 validation error detected: Value 'kms' at 'sSESpecification.sSEType' failed to satisfy constraint: Member must satisfy enum value set: [AES256, KMS]",
      ],
    ];
    for (const [sse, message] of cases) {
      const name = uniqueName("sse-bad");
      assert.deepEqual(await refusal(ddb().send(new CreateTableCommand(hashTable(name, "id", "S", { SSESpecification: sse })))), ["ValidationException", 400, message], JSON.stringify(sse));
      // Nothing is left behind.
      assert.equal((await refusal(ddb().send(new DescribeTableCommand({ TableName: name }))))[0], "ResourceNotFoundException");
    }

    const empty = uniqueName("sse-empty");
    assert.equal((await ddb().send(new CreateTableCommand(hashTable(empty, "id", "S", { SSESpecification: {} })))).TableDescription?.SSEDescription, undefined);
    assert.equal((await describeTable(empty))?.SSEDescription, undefined);
    const typeOnly = uniqueName("sse-type");
    await ddb().send(new CreateTableCommand(hashTable(typeOnly, "id", "S", { SSESpecification: { SSEType: "KMS" } })));
    assert.deepEqual((await describeTable(typeOnly))?.SSEDescription, { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: AWS_MANAGED });
    const keyOnly = uniqueName("sse-key");
    await ddb().send(new CreateTableCommand(hashTable(keyOnly, "id", "S", { SSESpecification: { SSEType: "KMS", KMSMasterKeyId: KEY } })));
    assert.deepEqual((await describeTable(keyOnly))?.SSEDescription, { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: KEY });
    // A key named by its id, or the managed key by its alias, is answered by its key ARN.
    const byId = uniqueName("sse-key-id");
    await ddb().send(new CreateTableCommand(hashTable(byId, "id", "S", { SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: KEY.slice(KEY.indexOf("/") + 1) } })));
    assert.deepEqual((await describeTable(byId))?.SSEDescription, { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: KEY });
    const byAlias = uniqueName("sse-alias");
    await ddb().send(new CreateTableCommand(hashTable(byAlias, "id", "S", { SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: "alias/aws/dynamodb" } })));
    assert.deepEqual((await describeTable(byAlias))?.SSEDescription, { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: AWS_MANAGED });
  });

  test("CreateTable's StreamSpecification without StreamEnabled is refused as Coral refuses a missing member (DDB-TABLE-035)", async () => {
    const missing = "1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null";
    for (const stream of [{}, { StreamViewType: "NEW_IMAGE" }]) {
      const input = hashTable(uniqueName("stream-null"), "id", "S", { StreamSpecification: stream as CreateTableCommandInput["StreamSpecification"] });
      assert.deepEqual(await refusal(ddb().send(new CreateTableCommand(input))), ["ValidationException", 400, missing]);
    }
  });

  test("UpdateTable takes throughput without a stream change or an index deletion, though nothing runs (DDB-TABLE-382/433); a switch to on-demand takes a stream along", async () => {
    const name = uniqueName("iops");
    await ddb().send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, { AttributeName: "g", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 10 },
        GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }],
      }),
    );
    const stream = { StreamEnabled: true, StreamViewType: "KEYS_ONLY" as const };
    const units = { ReadCapacityUnits: 11, WriteCapacityUnits: 11 };
    const streamRefused = ["ValidationException", 400, `${INVALID}You cannot modify stream status while updating table IOPS`];
    assert.deepEqual(await refusal(ddb().send(update(name, { ProvisionedThroughput: units, StreamSpecification: stream }))), streamRefused);
    assert.deepEqual(await refusal(ddb().send(update(name, { BillingMode: "PROVISIONED", ProvisionedThroughput: units, StreamSpecification: stream }))), streamRefused);
    assert.deepEqual(await refusal(ddb().send(update(name, { ProvisionedThroughput: units, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byG" } }] }))), [
      "ValidationException",
      400,
      `${INVALID}You cannot create or delete index while updating table IOPS`,
    ]);
    // Nothing was applied.
    const unchanged = await describeTable(name);
    assert.deepEqual([unchanged?.ProvisionedThroughput?.ReadCapacityUnits, unchanged?.StreamSpecification, unchanged?.GlobalSecondaryIndexes?.length], [10, undefined, 1]);

    const both = (await ddb().send(update(name, { BillingMode: "PAY_PER_REQUEST", StreamSpecification: stream }))).TableDescription;
    assert.deepEqual([both?.BillingModeSummary?.BillingMode, both?.StreamSpecification], ["PAY_PER_REQUEST", stream]);
  });

  test("UpdateTable answers an encryption change with SSEDescription UPDATING and the encryption before it, TableStatus ACTIVE (DDB-TABLE-140/371)", async () => {
    const name = uniqueName("sse-phases");
    await ddb().send(new CreateTableCommand(hashTable(name)));
    const enabled = (await ddb().send(update(name, { SSESpecification: { Enabled: true } }))).TableDescription;
    assert.equal(enabled?.TableStatus, "ACTIVE");
    assert.deepEqual(enabled?.SSEDescription, { Status: "UPDATING" });
    assert.deepEqual((await describeTable(name))?.SSEDescription, { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: AWS_MANAGED });

    const changed = (await ddb().send(update(name, { SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: KEY } }))).TableDescription;
    assert.equal(changed?.TableStatus, "ACTIVE");
    assert.deepEqual(changed?.SSEDescription, { Status: "UPDATING", SSEType: "KMS", KMSMasterKeyArn: AWS_MANAGED });
    assert.deepEqual((await describeTable(name))?.SSEDescription, { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: KEY });

    const disabled = (await ddb().send(update(name, { SSESpecification: { Enabled: false } }))).TableDescription;
    assert.deepEqual(disabled?.SSEDescription, { Status: "UPDATING", SSEType: "KMS", KMSMasterKeyArn: KEY });
    // Back on the AWS owned key: no SSEDescription, never {Status: DISABLED} (DDB-TABLE-079).
    assert.equal((await describeTable(name))?.SSEDescription, undefined);
  });

  test("the encryption re-sends DynamoDB refuses: Enabled false on the AWS owned key (DDB-TABLE-079), the table's own key by ARN (DDB-TABLE-082/141); neither counts", async () => {
    const name = uniqueName("sse-noop");
    await ddb().send(new CreateTableCommand(hashTable(name)));
    const byDefault = ["ValidationException", 400, `${INVALID}Table is already encrypted by default`];
    assert.deepEqual(await refusal(ddb().send(update(name, { SSESpecification: { Enabled: false } }))), byDefault);

    await ddb().send(update(name, { SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: KEY } }));
    const sameKey = ["ValidationException", 400, `${INVALID}Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to change Master Key`];
    assert.deepEqual(await refusal(ddb().send(update(name, { SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: KEY } }))), sameKey);
    // The AWS managed key by its ARN, likewise (DDB-TABLE-141).
    await ddb().send(update(name, { SSESpecification: { Enabled: true } }));
    assert.deepEqual(await refusal(ddb().send(update(name, { SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: AWS_MANAGED } }))), sameKey);
    // {Enabled: true} again is a change that counts (DDB-TABLE-141): the third and fourth of the window.
    await ddb().send(update(name, { SSESpecification: { Enabled: true } }));
    await ddb().send(update(name, { SSESpecification: { Enabled: false } }));
    assert.equal((await refusal(ddb().send(update(name, { SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: OTHER_KEY } }))))[0], "LimitExceededException");
  });

  test("DeletionProtectionEnabled: at once, then 15 s before it changes again, a re-send too (ThrottlingException, DDB-TABLE-003/054); re-sends of a quiet table are free (DDB-TABLE-383)", async () => {
    const name = uniqueName("dp");
    await ddb().send(new CreateTableCommand(hashTable(name)));
    for (let i = 0; i < 5; i++) assert.equal((await ddb().send(update(name, { DeletionProtectionEnabled: false }))).TableDescription?.TableStatus, "ACTIVE");

    // Milliseconds in the time, as in AWS's recorded text ("Please try again after 2026-10-08T22:57:03.204Z").
    nimbus().manualClock.advance(204);
    const changedAt = nimbus().clock.now();
    const on = (await ddb().send(update(name, { DeletionProtectionEnabled: true }))).TableDescription;
    assert.deepEqual([on?.TableStatus, on?.DeletionProtectionEnabled], ["ACTIVE", true]);
    assert.equal((await describeTable(name))?.DeletionProtectionEnabled, true);

    nimbus().manualClock.advance(2_300);
    const after = new Date(changedAt + 15_000).toISOString();
    const cooldown = ["ThrottlingException", 400, `Deletion protection setting for table ${name} modified within the previous 15000 milliseconds. Please try again after ${after}`];
    assert.deepEqual(await refusal(ddb().send(update(name, { DeletionProtectionEnabled: false }))), cooldown);
    assert.deepEqual(await refusal(ddb().send(update(name, { DeletionProtectionEnabled: true }))), cooldown);
    assert.equal((await describeTable(name))?.DeletionProtectionEnabled, true);

    nimbus().manualClock.set(changedAt + 15_000);
    assert.equal((await ddb().send(update(name, { DeletionProtectionEnabled: false }))).TableDescription?.DeletionProtectionEnabled, false);
    // The cooldown holds back DeletionProtectionEnabled only: DeleteTable goes through at once (DDB-TABLE-438).
    assert.equal((await ddb().send(new DeleteTableCommand({ TableName: name }))).TableDescription?.TableStatus, "DELETING");
  });

  test("TableClassSummary shows for a class sent to CreateTable or changed by UpdateTable, which answers the class before it (DDB-TABLE-026/365/284)", async () => {
    const unset = uniqueName("class-unset");
    await ddb().send(new CreateTableCommand(hashTable(unset)));
    assert.equal((await describeTable(unset))?.TableClassSummary, undefined);
    // STANDARD on a table never given a class: no summary appears (DDB-TABLE-365); the answer says UPDATING (DDB-TABLE-177).
    const resent = (await ddb().send(update(unset, { TableClass: "STANDARD" }))).TableDescription;
    assert.deepEqual([resent?.TableStatus, resent?.TableClassSummary], ["UPDATING", undefined]);
    assert.equal((await describeTable(unset))?.TableClassSummary, undefined);

    const explicit = uniqueName("class-std");
    const created = (await ddb().send(new CreateTableCommand(hashTable(explicit, "id", "S", { TableClass: "STANDARD" })))).TableDescription;
    assert.deepEqual(created?.TableClassSummary, { TableClass: "STANDARD" });
    assert.deepEqual((await describeTable(explicit))?.TableClassSummary, { TableClass: "STANDARD" });

    const switchedAt = nimbus().clock.now();
    const switched = (await ddb().send(update(unset, { TableClass: "STANDARD_INFREQUENT_ACCESS" }))).TableDescription;
    assert.deepEqual([switched?.TableStatus, switched?.TableClassSummary], ["UPDATING", undefined]);
    assert.deepEqual((await describeTable(unset))?.TableClassSummary, { TableClass: "STANDARD_INFREQUENT_ACCESS", LastUpdateDateTime: new Date(switchedAt) });
    nimbus().manualClock.advance(60_000);
    const back = (await ddb().send(update(unset, { TableClass: "STANDARD" }))).TableDescription;
    assert.deepEqual(back?.TableClassSummary, { TableClass: "STANDARD_INFREQUENT_ACCESS", LastUpdateDateTime: new Date(switchedAt) });
    assert.deepEqual((await describeTable(unset))?.TableClassSummary, { TableClass: "STANDARD", LastUpdateDateTime: new Date(switchedAt + 60_000) });
  });
});

const DELAY = 5_000;

describe("DynamoDB encryption and table class changes with --dynamodb-status-delay", () => {
  const { nimbus, ddb } = suite({ dynamodb: { statusDelayMs: DELAY } });
  const describeTable = async (name: string) => (await ddb().send(new DescribeTableCommand({ TableName: name }))).Table;
  const createActive = async (input: CreateTableCommandInput) => {
    await ddb().send(new CreateTableCommand(input));
    await nimbus().scheduler.advance(DELAY);
  };

  test("an encryption change: SSEDescription UPDATING with the key before it while TableStatus stays ACTIVE; DeleteTable and other encryption changes wait, a re-send and DP do not (DDB-TABLE-065/069/120/371)", async () => {
    const name = uniqueName("sse-delay");
    await createActive(hashTable(name, "id", "S", { SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: KEY } }));
    // To the AWS managed key, as DDB-TABLE-065 re-sent it.
    const change = { SSESpecification: { Enabled: true, SSEType: "KMS" as const } };
    await ddb().send(update(name, change));
    const during = await describeTable(name);
    assert.equal(during?.TableStatus, "ACTIVE");
    assert.deepEqual(during?.SSEDescription, { Status: "UPDATING", SSEType: "KMS", KMSMasterKeyArn: KEY });

    assert.deepEqual(await refusal(ddb().send(new DeleteTableCommand({ TableName: name }))), ["ResourceInUseException", 400, `${IN_USE}Table: ${name} is in the process of being updated.`]);
    assert.deepEqual(await refusal(ddb().send(update(name, { SSESpecification: { Enabled: false } }))), ["ResourceInUseException", 400, `${IN_USE}Server-Side Encryption is still being updated`]);
    assert.equal((await ddb().send(update(name, { DeletionProtectionEnabled: true }))).TableDescription?.TableStatus, "ACTIVE");
    assert.equal((await ddb().send(update(name, change))).TableDescription?.TableStatus, "ACTIVE");

    await nimbus().scheduler.advance(DELAY);
    assert.deepEqual((await describeTable(name))?.SSEDescription, { Status: "ENABLED", SSEType: "KMS", KMSMasterKeyArn: AWS_MANAGED });
  });

  test("a table class switch: DescribeTable shows the class before it until the table is ACTIVE again (DDB-TABLE-284); stream and OnDemandThroughput changes are refused naming it (DDB-TABLE-286)", async () => {
    const name = uniqueName("class-delay");
    await createActive(hashTable(name));
    const switchedAt = nimbus().clock.now();
    const switched = (await ddb().send(update(name, { TableClass: "STANDARD_INFREQUENT_ACCESS" }))).TableDescription;
    assert.deepEqual([switched?.TableStatus, switched?.TableClassSummary], ["UPDATING", undefined]);
    assert.equal((await describeTable(name))?.TableClassSummary, undefined);

    const running = `Table: ${name} TableClassUpdateInProgress: STANDARD_INFREQUENT_ACCESS`;
    assert.deepEqual(await refusal(ddb().send(update(name, { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" } }))), [
      "ResourceInUseException",
      400,
      `${IN_USE}Can't change stream status when a table class update is in progress. ${running}`,
    ]);
    assert.deepEqual(await refusal(ddb().send(update(name, { OnDemandThroughput: { MaxReadRequestUnits: 100, MaxWriteRequestUnits: 100 } }))), [
      "ResourceInUseException",
      400,
      `${IN_USE}OnDemandThroughput cannot be updated while TableClass update is in progress. TableClassUpdateInProgress: STANDARD_INFREQUENT_ACCESS`,
    ]);

    await nimbus().scheduler.advance(DELAY);
    const done = await describeTable(name);
    assert.equal(done?.TableStatus, "ACTIVE");
    assert.deepEqual(done?.TableClassSummary, { TableClass: "STANDARD_INFREQUENT_ACCESS", LastUpdateDateTime: new Date(switchedAt) });
  });

  test("a billing mode switch refuses OnDemandThroughput in AWS's words (DDB-TABLE-369)", async () => {
    const name = uniqueName("billing-delay");
    await createActive(hashTable(name));
    await ddb().send(update(name, { BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }));
    assert.deepEqual(await refusal(ddb().send(update(name, { OnDemandThroughput: { MaxReadRequestUnits: 100, MaxWriteRequestUnits: 100 } }))), [
      "ResourceInUseException",
      400,
      `${IN_USE}OnDemandThroughput cannot be updated while BillingMode update is in progress`,
    ]);
    await nimbus().scheduler.advance(DELAY);
  });
});
