/**
 * TableStatus CREATING, DELETING and UPDATING, with `--dynamodb-status-delay` and without. The
 * refusals are AWS's texts as measured against AWS (ack-api-quirks DynamoDB catalogue:
 * DDB-TABLE-001/005 for CREATING, 006/008 for DELETING, 063/370 for throughput, 002/119 for
 * streams, 148/149/150/159/175/375/376 for indexes, 444 for the rest).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  BatchWriteItemCommand,
  CreateBackupCommand,
  CreateTableCommand,
  DeleteBackupCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeContributorInsightsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetResourcePolicyCommand,
  ListTagsOfResourceCommand,
  PutResourcePolicyCommand,
  TagResourceCommand,
  UpdateTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  RestoreTableFromBackupCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
  type CreateTableCommandInput,
  type DynamoDBServiceException,
  type UpdateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { dynamoDbAndS3Suite, hashTable, indexedTable } from "./dynamodb-fixtures.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const DELAY = 5_000;
/** The harness's manual clock starts here. */
const START = Date.parse("2026-01-15T12:00:00.000Z");
const IN_USE = "Attempt to change a resource which is still in use: ";

async function status(ddb: DynamoDBClient, name: string): Promise<string | undefined> {
  return (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus;
}

async function listed(ddb: DynamoDBClient, name: string): Promise<boolean> {
  return ((await ddb.send(new ListTablesCommand({}))).TableNames ?? []).includes(name);
}

/** The ResourceInUseException an update or delete gets: its text after AWS's common prefix. */
async function inUse(call: Promise<unknown>): Promise<string> {
  const err = await failure<DynamoDBServiceException>(call);
  assert.equal(err.name, "ResourceInUseException");
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.ok(err.message.startsWith(IN_USE), err.message);
  return err.message.slice(IN_USE.length);
}

/** What AWS answers an item operation on a table that is not ACTIVE yet, or DELETING. */
async function notFound(call: Promise<unknown>): Promise<void> {
  const err = await failure<DynamoDBServiceException>(call);
  assert.equal(err.name, "ResourceNotFoundException");
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.message, "Requested resource not found");
}

const indexCreate = (index: string) => ({ IndexName: index, KeySchema: [{ AttributeName: "g", KeyType: "HASH" as const }], Projection: { ProjectionType: "ALL" as const } });
const addIndex = (name: string, index: string): UpdateTableCommandInput => ({
  TableName: name,
  AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }],
  GlobalSecondaryIndexUpdates: [{ Create: indexCreate(index) }],
});

/** DDB-TABLE-159: one GSI created or deleted at a time. */
async function oneOnlineIndex(call: Promise<unknown>): Promise<void> {
  const err = await failure<DynamoDBServiceException>(call);
  assert.equal(err.name, "LimitExceededException");
  assert.equal(err.$metadata.httpStatusCode, 400);
  assert.equal(err.message, "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table");
}

/** CreateTable, then the delay: the table is ACTIVE. */
async function createActive(nimbus: TestNimbus, ddb: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  assert.equal((await ddb.send(new CreateTableCommand(input))).TableDescription?.TableStatus, "CREATING");
  await nimbus.scheduler.advance(DELAY);
  assert.equal(await status(ddb, input.TableName ?? ""), "ACTIVE");
}

const provisioned = (name: string) => hashTable(name, "id", "S", { BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
const throughput = (name: string, units: number): UpdateTableCommandInput => ({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: units, WriteCapacityUnits: units } });

/** A client whose DescribeTable calls are counted, and which runs `afterFirst` once the first has answered. */
function countingClient(nimbus: TestNimbus, afterFirst: () => Promise<void>): { client: DynamoDBClient; polls: () => number } {
  const client = new DynamoDBClient(nimbus.clientConfig());
  let polls = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } finally {
        if (context.commandName === "DescribeTableCommand" && ++polls === 1) await afterFirst();
      }
    },
    { step: "initialize", name: "countDescribeTable" },
  );
  return { client, polls: () => polls };
}

// The waiters poll every 10 ms here instead of AWS's 20 s.
const WAITER = { minDelay: 0.01, maxDelay: 0.01, maxWaitTime: 10 };

describe("DynamoDB table statuses with --dynamodb-status-delay", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  dynamoDbAndS3Suite((c) => ({ nimbus, ddb } = c), { dynamodb: { statusDelayMs: DELAY } });

  test("CreateTable leaves the table CREATING, its GSIs CREATING, its items out of reach, until the delay has passed", async () => {
    const name = uniqueName("creating");
    const created = (await ddb.send(new CreateTableCommand(indexedTable(name)))).TableDescription;
    assert.equal(created?.TableStatus, "CREATING");
    assert.equal(created?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "CREATING");

    const during = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(during?.TableStatus, "CREATING");
    assert.equal(during?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "CREATING");
    // "For indexes that were created during a CreateTable operation, the Backfilling attribute does not appear" (API reference).
    assert.equal(during?.GlobalSecondaryIndexes?.[0]?.Backfilling, undefined);
    assert.equal(await listed(ddb, name), true);

    const key = { pk: { S: "a" }, sk: { N: "1" } };
    await notFound(ddb.send(new GetItemCommand({ TableName: name, Key: key })));
    await notFound(ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, g: { S: "x" } } })));
    await notFound(ddb.send(new QueryCommand({ TableName: name, IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } })));
    await notFound(ddb.send(new BatchWriteItemCommand({ RequestItems: { [name]: [{ PutRequest: { Item: key } }] } })));

    // DDB-TABLE-001: UpdateTable of any kind and DeleteTable; DDB-TABLE-005: CreateTable of the name, in these words while CREATING.
    const creating = `Table is being created: ${name}`;
    assert.equal(await inUse(ddb.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: true }))), creating);
    assert.equal(await inUse(ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }))), creating);
    assert.equal(await inUse(ddb.send(new DeleteTableCommand({ TableName: name }))), creating);
    assert.equal(await inUse(ddb.send(new CreateTableCommand(indexedTable(name)))), creating);

    await nimbus.scheduler.advance(DELAY - 1);
    assert.equal(await status(ddb, name), "CREATING");
    await nimbus.scheduler.advance(1);
    const done = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(done?.TableStatus, "ACTIVE");
    assert.equal(done?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "ACTIVE");
    assert.equal(done?.GlobalSecondaryIndexes?.[0]?.Backfilling, undefined);
    assert.equal(done?.TableId, created?.TableId);
    await ddb.send(new PutItemCommand({ TableName: name, Item: { ...key, g: { S: "x" } } }));
    const byG = await ddb.send(new QueryCommand({ TableName: name, IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } }));
    assert.equal(byG.Count, 1);
    const dup = await failure<DynamoDBServiceException>(ddb.send(new CreateTableCommand(indexedTable(name))));
    assert.equal(dup.name, "ResourceInUseException");
    assert.equal(dup.message, `Table already exists: ${name}`);
  });

  test("RestoreTableFromBackup makes the table CREATING, restore in progress, until the delay has passed", async () => {
    const source = uniqueName("restore-src");
    await createActive(nimbus, ddb, hashTable(source));
    await ddb.send(new PutItemCommand({ TableName: source, Item: { id: { S: "a" } } }));
    const backup = (await ddb.send(new CreateBackupCommand({ TableName: source, BackupName: "nightly" }))).BackupDetails?.BackupArn;
    const target = uniqueName("restored");
    const restored = (await ddb.send(new RestoreTableFromBackupCommand({ BackupArn: backup, TargetTableName: target }))).TableDescription;
    assert.equal(restored?.TableStatus, "CREATING");
    assert.equal(restored?.RestoreSummary?.RestoreInProgress, true);

    const during = (await ddb.send(new DescribeTableCommand({ TableName: target }))).Table;
    assert.equal(during?.TableStatus, "CREATING");
    assert.equal(during?.RestoreSummary?.RestoreInProgress, true);
    await notFound(ddb.send(new GetItemCommand({ TableName: target, Key: { id: { S: "a" } } })));
    assert.equal(await inUse(ddb.send(new DeleteTableCommand({ TableName: target }))), `Table is being created: ${target}`);

    await nimbus.scheduler.advance(DELAY);
    const done = (await ddb.send(new DescribeTableCommand({ TableName: target }))).Table;
    assert.equal(done?.TableStatus, "ACTIVE");
    // DDB-TABLE-216: from the first ACTIVE answer on, no RestoreSummary.
    assert.equal(done?.RestoreSummary, undefined);
    assert.deepEqual((await ddb.send(new GetItemCommand({ TableName: target, Key: { id: { S: "a" } } }))).Item, { id: { S: "a" } });
  });

  test("while a restore runs: the target name, the backup and the backup side of the target are taken, its settings not found (DDB-TABLE-219/217, DDB-BACKUP-010)", async () => {
    const source = uniqueName("inuse-src");
    await createActive(nimbus, ddb, hashTable(source));
    const backup = (await ddb.send(new CreateBackupCommand({ TableName: source, BackupName: "one" }))).BackupDetails?.BackupArn ?? "";
    const other = (await ddb.send(new CreateBackupCommand({ TableName: source, BackupName: "two" }))).BackupDetails?.BackupArn ?? "";
    const target = uniqueName("inuse-t");
    await ddb.send(new RestoreTableFromBackupCommand({ BackupArn: backup, TargetTableName: target }));
    const refused = async (call: Promise<unknown>, name: string, message: string) => {
      const err = await failure<DynamoDBServiceException>(call);
      assert.equal(err.name, name);
      assert.equal(err.message, message);
      assert.equal(err.$metadata.httpStatusCode, 400);
    };
    await refused(
      ddb.send(new RestoreTableFromBackupCommand({ BackupArn: other, TargetTableName: target })),
      "TableInUseException",
      `Table: ${target} is already being restored from backup: ${backup}`,
    );
    await refused(ddb.send(new CreateTableCommand(hashTable(target))), "ResourceInUseException", `Table is being used: ${target}`);
    await refused(
      ddb.send(new RestoreTableFromBackupCommand({ BackupArn: backup, TargetTableName: uniqueName("inuse-2") })),
      "BackupInUseException",
      `Backup is being used to restore another table: ${backup}`,
    );
    await refused(ddb.send(new DeleteBackupCommand({ BackupArn: backup })), "BackupInUseException", `Backup is being used to restore table: ${backup}`);
    await refused(ddb.send(new CreateBackupCommand({ TableName: target, BackupName: "early" })), "TableNotFoundException", `Table not found: ${target}`);
    await refused(ddb.send(new DescribeContinuousBackupsCommand({ TableName: target })), "TableNotFoundException", `Table not found: ${target}`);
    // The calls on its settings find no table yet, though DescribeTable shows it (DDB-TABLE-217).
    const arn = (await ddb.send(new DescribeTableCommand({ TableName: target }))).Table?.TableArn ?? "";
    const missing = `Requested resource not found: Table: ${target} not found`;
    for (const call of [
      () => ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "k", Value: "v" }] })),
      () => ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn })),
      () => ddb.send(new UpdateTimeToLiveCommand({ TableName: target, TimeToLiveSpecification: { Enabled: true, AttributeName: "ttl" } })),
      () => ddb.send(new DescribeTimeToLiveCommand({ TableName: target })),
      () => ddb.send(new UpdateTableCommand({ TableName: target, DeletionProtectionEnabled: true })),
      () => ddb.send(new UpdateTableCommand({ TableName: target, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } })),
      () => ddb.send(new PutResourcePolicyCommand({ ResourceArn: arn, Policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "dynamodb:GetItem", Resource: arn }] }) })),
      () => ddb.send(new GetResourcePolicyCommand({ ResourceArn: arn })),
      () => ddb.send(new DescribeContributorInsightsCommand({ TableName: target })),
    ]) {
      await refused(call(), "ResourceNotFoundException", missing);
    }

    await nimbus.scheduler.advance(DELAY);
    assert.equal(await status(ddb, target), "ACTIVE");
    await refused(ddb.send(new RestoreTableFromBackupCommand({ BackupArn: other, TargetTableName: target })), "TableAlreadyExistsException", `Table already exists: ${target}`);
    await ddb.send(new CreateBackupCommand({ TableName: target, BackupName: "late" }));
    await ddb.send(new DeleteBackupCommand({ BackupArn: backup }));
    await ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "k", Value: "v" }] }));
    assert.deepEqual((await ddb.send(new DescribeTimeToLiveCommand({ TableName: target }))).TimeToLiveDescription, { TimeToLiveStatus: "DISABLED" });
  });

  test("a DELETING table's name is TableAlreadyExists to a restore (DDB-TABLE-275); CreateBackup on a CREATING table is TableNotFound (DDB-BACKUP-001)", async () => {
    const source = uniqueName("del-src");
    await createActive(nimbus, ddb, hashTable(source));
    const backup = (await ddb.send(new CreateBackupCommand({ TableName: source, BackupName: "bkp" }))).BackupDetails?.BackupArn ?? "";
    const doomed = uniqueName("del-t");
    await createActive(nimbus, ddb, hashTable(doomed));
    await ddb.send(new DeleteTableCommand({ TableName: doomed }));
    const taken = await failure<DynamoDBServiceException>(ddb.send(new RestoreTableFromBackupCommand({ BackupArn: backup, TargetTableName: doomed })));
    assert.equal(taken.name, "TableAlreadyExistsException");
    assert.equal(taken.message, `Table already exists: ${doomed}`);
    const fresh = uniqueName("creating");
    await ddb.send(new CreateTableCommand(hashTable(fresh)));
    const early = await failure<DynamoDBServiceException>(ddb.send(new CreateBackupCommand({ TableName: fresh, BackupName: "bkp" })));
    assert.equal(early.name, "TableNotFoundException");
    assert.equal(early.message, `Table not found: ${fresh}`);
    // So is UpdateContinuousBackups (DDB-TABLE-115); DescribeContinuousBackups shows continuous backups DISABLED until it is ACTIVE.
    const pitr = await failure<DynamoDBServiceException>(
      ddb.send(new UpdateContinuousBackupsCommand({ TableName: fresh, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })),
    );
    assert.deepEqual([pitr.name, pitr.$metadata.httpStatusCode, pitr.message], ["TableNotFoundException", 400, `Table not found: ${fresh}`]);
    const backups = async () => (await ddb.send(new DescribeContinuousBackupsCommand({ TableName: fresh }))).ContinuousBackupsDescription;
    assert.deepEqual(await backups(), { ContinuousBackupsStatus: "DISABLED", PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "DISABLED" } });
    await nimbus.scheduler.advance(DELAY);
    assert.equal((await backups())?.ContinuousBackupsStatus, "ENABLED");
  });

  test("at most 50 restores run at once in an account and Region (DDB-TABLE-350)", async () => {
    const source = uniqueName("many-src");
    await createActive(nimbus, ddb, hashTable(source));
    const backups: string[] = [];
    for (let i = 0; i < 51; i++) backups.push((await ddb.send(new CreateBackupCommand({ TableName: source, BackupName: `bkp${i}` }))).BackupDetails?.BackupArn ?? "");
    for (const arn of backups.slice(0, 50)) await ddb.send(new RestoreTableFromBackupCommand({ BackupArn: arn, TargetTableName: uniqueName("many") }));
    const over = await failure<DynamoDBServiceException>(ddb.send(new RestoreTableFromBackupCommand({ BackupArn: backups[50], TargetTableName: uniqueName("many") })));
    assert.equal(over.name, "LimitExceededException");
    assert.equal(over.message, "Subscriber limit exceeded: Only 50 restore operations can be done simultaneously");
    assert.equal(over.$metadata.httpStatusCode, 400);
    await nimbus.scheduler.advance(DELAY);
    await ddb.send(new RestoreTableFromBackupCommand({ BackupArn: backups[50], TargetTableName: uniqueName("many") }));
    await nimbus.scheduler.advance(DELAY);
  });

  test("waitUntilTableExists waits out CREATING", async () => {
    const name = uniqueName("wait-created");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    // The first poll sees CREATING; the delay passes before the second.
    const creating = countingClient(nimbus, () => nimbus.scheduler.advance(DELAY));
    try {
      const result = await waitUntilTableExists({ client: creating.client, ...WAITER }, { TableName: name });
      assert.equal(result.state, "SUCCESS");
      assert.equal(creating.polls(), 2);
    } finally {
      creating.client.destroy();
    }
  });

  test("DeleteTable leaves the table DELETING, still listed, its items out of reach, until the delay has passed", async () => {
    const name = uniqueName("deleting");
    await createActive(nimbus, ddb, hashTable(name));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" } } }));
    const deleted = await ddb.send(new DeleteTableCommand({ TableName: name }));
    assert.equal(deleted.TableDescription?.TableStatus, "DELETING");
    assert.equal(deleted.TableDescription?.ItemCount, 1);

    assert.equal(await status(ddb, name), "DELETING");
    assert.equal(await listed(ddb, name), true);
    // One at a time: requests sent together would reject before the loop awaits them (an unhandled rejection).
    await notFound(ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "a" } } })));
    await notFound(ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "b" } } })));
    await notFound(ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "id = :a", ExpressionAttributeValues: { ":a": { S: "a" } } })));
    assert.equal(await inUse(ddb.send(new DeleteTableCommand({ TableName: name }))), `Table is being deleted: ${name}`);
    assert.equal(await inUse(ddb.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: true }))), `Table is being deleted: ${name}`);
    const dup = await failure<DynamoDBServiceException>(ddb.send(new CreateTableCommand(hashTable(name))));
    assert.equal(dup.name, "ResourceInUseException");
    assert.equal(dup.message, `Table already exists: ${name}`);

    await nimbus.scheduler.advance(DELAY - 1);
    assert.equal(await status(ddb, name), "DELETING");
    await nimbus.scheduler.advance(1);
    const gone = await failure<DynamoDBServiceException>(ddb.send(new DescribeTableCommand({ TableName: name })));
    assert.equal(gone.name, "ResourceNotFoundException");
    assert.equal(gone.message, `Requested resource not found: Table: ${name} not found`);
    assert.equal(await listed(ddb, name), false);

    // The name is free again, for a new table without the old one's items.
    const again = await ddb.send(new CreateTableCommand(hashTable(name)));
    assert.notEqual(again.TableDescription?.TableId, deleted.TableDescription?.TableId);
    await nimbus.scheduler.advance(DELAY);
    assert.equal((await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "a" } } }))).Item, undefined);
  });

  test("a throughput change keeps the table UPDATING: reads and writes go on, another change or DeleteTable is refused", async () => {
    const name = uniqueName("iops");
    await createActive(nimbus, ddb, provisioned(name));
    const updated = await ddb.send(new UpdateTableCommand(throughput(name, 2)));
    assert.equal(updated.TableDescription?.TableStatus, "UPDATING");
    assert.equal(await status(ddb, name), "UPDATING");

    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" } } }));
    assert.deepEqual((await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "a" } } }))).Item, { id: { S: "a" } });
    assert.equal(await inUse(ddb.send(new UpdateTableCommand(throughput(name, 3)))), `Table IOPS are currently being updated. Table: ${name}`);
    assert.equal(await inUse(ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: "PAY_PER_REQUEST" }))), `Table IOPS are currently being updated. Table: ${name}`);
    assert.equal(
      await inUse(ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }))),
      `Can't enable or disable stream while table IOPS are being updated. Table: ${name}`,
    );
    assert.equal(await inUse(ddb.send(new DeleteTableCommand({ TableName: name }))), `Table: ${name} is in the process of being updated.`);
    // Deletion protection is the change AWS admits meanwhile; its answer shows the table still UPDATING.
    const protectedAnswer = await ddb.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: true }));
    assert.equal(protectedAnswer.TableDescription?.TableStatus, "UPDATING");
    assert.equal(protectedAnswer.TableDescription?.DeletionProtectionEnabled, true);

    await nimbus.scheduler.advance(DELAY);
    assert.equal(await status(ddb, name), "ACTIVE");
    const next = await ddb.send(new UpdateTableCommand(throughput(name, 3)));
    assert.equal(next.TableDescription?.TableStatus, "UPDATING");
    assert.equal(next.TableDescription?.ProvisionedThroughput?.ReadCapacityUnits, 3);
  });

  test("a stream switch keeps the table UPDATING; the refusals name the stream and the operation", async () => {
    const name = uniqueName("stream");
    await createActive(nimbus, ddb, hashTable(name));
    await nimbus.scheduler.advance(1_000);
    const enabled = await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" } }));
    assert.equal(enabled.TableDescription?.TableStatus, "UPDATING");
    const label = enabled.TableDescription?.LatestStreamLabel;
    assert.ok(label);
    const running = `Table: ${name} Stream: ${label} Operation: ENABLE`;

    assert.equal(await inUse(ddb.send(new DeleteTableCommand({ TableName: name }))), "Cannot delete table while stream is being enabled/disabled.");
    assert.equal(await inUse(ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }))), `A stream status change is currently in progress. ${running}`);
    assert.equal(
      await inUse(ddb.send(new UpdateTableCommand({ TableName: name, TableClass: "STANDARD_INFREQUENT_ACCESS" }))),
      `Can't update table class when stream status is being updated. ${running}`,
    );
    assert.equal(
      await inUse(ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }))),
      `Can't change table IOPS when stream status is being updated. ${running}`,
    );

    await nimbus.scheduler.advance(DELAY);
    assert.equal(await status(ddb, name), "ACTIVE");
    const disabled = await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
    assert.equal(disabled.TableDescription?.TableStatus, "UPDATING");
    assert.equal(
      await inUse(ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }))),
      `A stream status change is currently in progress. Table: ${name} Stream: ${label} Operation: DISABLE`,
    );
  });

  test("a table class change: a second one is refused naming the class in progress", async () => {
    const name = uniqueName("class");
    await createActive(nimbus, ddb, hashTable(name));
    const changed = await ddb.send(new UpdateTableCommand({ TableName: name, TableClass: "STANDARD_INFREQUENT_ACCESS" }));
    assert.equal(changed.TableDescription?.TableStatus, "UPDATING");
    assert.equal(
      await inUse(ddb.send(new UpdateTableCommand({ TableName: name, TableClass: "STANDARD" }))),
      `Can't update table class when a table class update is in progress. Table: ${name} TableClassUpdateInProgress: STANDARD_INFREQUENT_ACCESS`,
    );
    assert.equal(await inUse(ddb.send(new DeleteTableCommand({ TableName: name }))), `Table: ${name} is in the process of being updated.`);
    await nimbus.scheduler.advance(DELAY);
    assert.equal(await status(ddb, name), "ACTIVE");
  });

  test("a GSI UpdateTable adds is CREATING in resource allocation while the table is UPDATING, then backfilling with the table ACTIVE, then ACTIVE", async () => {
    const name = uniqueName("index");
    await createActive(nimbus, ddb, hashTable(name));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" }, g: { S: "x" } } }));
    const added = (await ddb.send(new UpdateTableCommand(addIndex(name, "byG")))).TableDescription;
    // DDB-TABLE-148: TableStatus UPDATING, the index CREATING with Backfilling false (resource allocation).
    assert.equal(added?.TableStatus, "UPDATING");
    assert.equal(added?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "CREATING");
    assert.equal(added?.GlobalSecondaryIndexes?.[0]?.Backfilling, false);
    const allocating = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(allocating?.TableStatus, "UPDATING");
    assert.equal(allocating?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "CREATING");
    assert.equal(allocating?.GlobalSecondaryIndexes?.[0]?.Backfilling, false);
    assert.equal(await inUse(ddb.send(new DeleteTableCommand({ TableName: name }))), "Cannot delete table while indexes are being created, updated, or deleted.");
    assert.equal(
      await inUse(ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }))),
      `Can't change stream status when an index is being created. Table: ${name} Indexes: [byG]`,
    );
    // DDB-TABLE-149: the new index cannot be deleted before it backfills; DDB-TABLE-159: nor another made meanwhile.
    assert.equal(
      await inUse(ddb.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byG" } }] }))),
      `Index creation is in resource allocation phase. Retry deletion during backfilling phase or when the index is active. Table: ${name} Index: byG`,
    );
    await oneOnlineIndex(ddb.send(new UpdateTableCommand(addIndex(name, "byH"))));
    const queryByG = () => ddb.send(new QueryCommand({ TableName: name, IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } }));
    const unreadable = async (): Promise<void> => {
      const refused = await failure<DynamoDBServiceException>(queryByG());
      assert.deepEqual([refused.name, refused.$metadata.httpStatusCode, refused.message], ["ValidationException", 400, "Cannot read from backfilling global secondary index"]);
    };
    await unreadable();

    await nimbus.scheduler.advance(DELAY);
    await unreadable();
    const backfilling = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(backfilling?.TableStatus, "ACTIVE");
    assert.equal(backfilling?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "CREATING");
    assert.equal(backfilling?.GlobalSecondaryIndexes?.[0]?.Backfilling, true);
    // DDB-TABLE-150: DeleteTable waits for the index though the table is ACTIVE; other changes are admitted.
    assert.equal(await inUse(ddb.send(new DeleteTableCommand({ TableName: name }))), "Cannot delete table while indexes are being created, updated, or deleted.");
    await oneOnlineIndex(ddb.send(new UpdateTableCommand(addIndex(name, "byH"))));
    const protectedAnswer = (await ddb.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false }))).TableDescription;
    assert.equal(protectedAnswer?.TableStatus, "ACTIVE");
    assert.equal(protectedAnswer?.GlobalSecondaryIndexes?.[0]?.Backfilling, true);

    await nimbus.scheduler.advance(DELAY);
    const done = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(done?.TableStatus, "ACTIVE");
    assert.equal(done?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "ACTIVE");
    const byG = await ddb.send(new QueryCommand({ TableName: name, IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } }));
    assert.equal(byG.Count, 1);
    assert.equal((await ddb.send(new DeleteTableCommand({ TableName: name }))).TableDescription?.TableStatus, "DELETING");
  });

  test("a backfilling GSI may be deleted; a deleted GSI shows DELETING while the table is UPDATING, then is gone", async () => {
    const name = uniqueName("drop-index");
    await createActive(nimbus, ddb, hashTable(name));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" }, g: { S: "x" } } }));
    await ddb.send(new UpdateTableCommand(addIndex(name, "byG")));
    await nimbus.scheduler.advance(DELAY);
    // DDB-TABLE-149: admitted once Backfilling is true; the answer shows the table UPDATING and the index DELETING.
    const dropped = (await ddb.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byG" } }] }))).TableDescription;
    assert.equal(dropped?.TableStatus, "UPDATING");
    assert.equal(dropped?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "DELETING");
    const deleting = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(deleting?.TableStatus, "UPDATING");
    assert.deepEqual(
      deleting?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.IndexStatus, g.Backfilling, g.ItemCount]),
      [["byG", "DELETING", undefined, 1]],
    );
    assert.ok(deleting?.AttributeDefinitions?.some((d) => d.AttributeName === "g"), "still defined while its index is DELETING");
    // DDB-TABLE-375/376: table IOPS and DeleteTable wait for the index to go; DDB-TABLE-159: so does another index.
    assert.equal(
      await inUse(ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }))),
      `Can't change table IOPS when an index is being deleted. Table: ${name} Indexes: [byG]`,
    );
    assert.equal(await inUse(ddb.send(new DeleteTableCommand({ TableName: name }))), "Cannot delete table while indexes are being created, updated, or deleted.");
    await oneOnlineIndex(ddb.send(new UpdateTableCommand(addIndex(name, "byH"))));

    await nimbus.scheduler.advance(DELAY);
    const done = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(done?.TableStatus, "ACTIVE");
    assert.equal(done?.GlobalSecondaryIndexes, undefined);
    assert.deepEqual(done?.AttributeDefinitions?.map((d) => d.AttributeName), ["id"]);
  });

  test("a GSI Create waits for a throughput, stream or table class change, in AWS's words", async () => {
    const name = uniqueName("index-waits");
    await createActive(nimbus, ddb, provisioned(name));
    await ddb.send(new UpdateTableCommand(throughput(name, 2)));
    const create = { ...addIndex(name, "byG"), GlobalSecondaryIndexUpdates: [{ Create: { ...indexCreate("byG"), ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } } }] };
    // DDB-TABLE-175.
    assert.equal(await inUse(ddb.send(new UpdateTableCommand(create))), `Can't create or delete indexes while table IOPS are being updated. Table: ${name}`);
    await nimbus.scheduler.advance(DELAY);
    await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }));
    assert.equal(await inUse(ddb.send(new UpdateTableCommand(create))), "Can't create or delete an index when stream status is being updated.");
    await nimbus.scheduler.advance(DELAY);
    await ddb.send(new UpdateTableCommand({ TableName: name, TableClass: "STANDARD_INFREQUENT_ACCESS" }));
    assert.equal(await inUse(ddb.send(new UpdateTableCommand(create))), "Can't create or delete an index when a table class update is in progress.");
  });

  test("waitUntilTableNotExists waits out DELETING, and waitUntilTableExists waits out UPDATING", async () => {
    const gone = uniqueName("wait-gone");
    await createActive(nimbus, ddb, hashTable(gone));
    await ddb.send(new DeleteTableCommand({ TableName: gone }));
    // The first poll sees DELETING; the delay passes before the second.
    const deleting = countingClient(nimbus, () => nimbus.scheduler.advance(DELAY));
    try {
      const result = await waitUntilTableNotExists({ client: deleting.client, ...WAITER }, { TableName: gone });
      assert.equal(result.state, "SUCCESS");
      assert.equal(deleting.polls(), 2);
    } finally {
      deleting.client.destroy();
    }

    const busy = uniqueName("wait-active");
    await createActive(nimbus, ddb, provisioned(busy));
    await ddb.send(new UpdateTableCommand(throughput(busy, 2)));
    const updating = countingClient(nimbus, () => nimbus.scheduler.advance(DELAY));
    try {
      const result = await waitUntilTableExists({ client: updating.client, ...WAITER }, { TableName: busy });
      assert.equal(result.state, "SUCCESS");
      assert.equal(updating.polls(), 2);
    } finally {
      updating.client.destroy();
    }
  });
});

describe("DynamoDB table statuses with the default delay of 0", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  dynamoDbAndS3Suite((c) => ({ nimbus, ddb } = c));

  test("CreateTable answers CREATING and the table is ACTIVE at once, its items in reach; the waiter's first poll sees it", async () => {
    const name = uniqueName("created");
    const created = (await ddb.send(new CreateTableCommand(indexedTable(name)))).TableDescription;
    assert.equal(created?.TableStatus, "CREATING");
    assert.equal(created?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "CREATING");
    const now = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(now?.TableStatus, "ACTIVE");
    assert.equal(now?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "ACTIVE");
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, sk: { N: "1" } } }));
    const waiter = countingClient(nimbus, async () => {});
    try {
      assert.equal((await waitUntilTableExists({ client: waiter.client, ...WAITER }, { TableName: name })).state, "SUCCESS");
      assert.equal(waiter.polls(), 1);
    } finally {
      waiter.client.destroy();
    }
    // Nothing is refused as CREATING: the table can be changed or deleted at once.
    assert.equal((await ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }))).TableDescription?.TableStatus, "UPDATING");
    assert.equal((await ddb.send(new DeleteTableCommand({ TableName: name }))).TableDescription?.TableStatus, "DELETING");
  });

  test("DeleteTable answers DELETING and the table is gone at once; the waiter's first poll sees it", async () => {
    const name = uniqueName("gone");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    assert.equal((await ddb.send(new DeleteTableCommand({ TableName: name }))).TableDescription?.TableStatus, "DELETING");
    assert.equal(await listed(ddb, name), false);
    const waiter = countingClient(nimbus, async () => {});
    try {
      assert.equal((await waitUntilTableNotExists({ client: waiter.client, ...WAITER }, { TableName: name })).state, "SUCCESS");
      assert.equal(waiter.polls(), 1);
    } finally {
      waiter.client.destroy();
    }
  });

  test("UpdateTable answers UPDATING and the table is ACTIVE at once; deletion protection alone answers ACTIVE, as AWS's does", async () => {
    const name = uniqueName("active");
    await ddb.send(new CreateTableCommand(provisioned(name)));
    assert.equal((await ddb.send(new UpdateTableCommand(throughput(name, 2)))).TableDescription?.TableStatus, "UPDATING");
    assert.equal(await status(ddb, name), "ACTIVE");
    assert.equal((await ddb.send(new UpdateTableCommand(throughput(name, 3)))).TableDescription?.ProvisionedThroughput?.ReadCapacityUnits, 3);
    const waiter = countingClient(nimbus, async () => {});
    try {
      assert.equal((await waitUntilTableExists({ client: waiter.client, ...WAITER }, { TableName: name })).state, "SUCCESS");
      assert.equal(waiter.polls(), 1);
    } finally {
      waiter.client.destroy();
    }
    assert.equal((await ddb.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: true }))).TableDescription?.TableStatus, "ACTIVE");
  });

  test("UpdateTable's answer shows a GSI it adds allocating and one it deletes DELETING, though both are done at once; a deleted GSI's attributes leave AttributeDefinitions", async () => {
    const name = uniqueName("gsi-answer");
    await ddb.send(new CreateTableCommand(indexedTable(name)));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, sk: { N: "1" }, g: { S: "x" }, h: { S: "y" } } }));
    const added = await ddb.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "h", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byH", KeySchema: [{ AttributeName: "h", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
      }),
    );
    assert.equal(added.TableDescription?.TableStatus, "UPDATING");
    const answered = added.TableDescription?.GlobalSecondaryIndexes?.find((i) => i.IndexName === "byH");
    assert.deepEqual([answered?.IndexStatus, answered?.Backfilling, answered?.ItemCount, answered?.IndexSizeBytes], ["CREATING", false, 0, 0]);
    assert.equal(added.TableDescription?.GlobalSecondaryIndexes?.find((i) => i.IndexName === "byG")?.IndexStatus, "ACTIVE");
    const described = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    const built = described?.GlobalSecondaryIndexes?.find((i) => i.IndexName === "byH");
    assert.deepEqual([described?.TableStatus, built?.IndexStatus, built?.Backfilling, built?.ItemCount], ["ACTIVE", "ACTIVE", undefined, 1]);

    const dropped = await ddb.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byG" } }] }));
    const going = dropped.TableDescription?.GlobalSecondaryIndexes?.find((i) => i.IndexName === "byG");
    assert.deepEqual([dropped.TableDescription?.TableStatus, going?.IndexStatus, going?.ItemCount], ["UPDATING", "DELETING", 1]);
    const after = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.deepEqual(after?.GlobalSecondaryIndexes?.map((i) => i.IndexName), ["byH"]);
    // g was byG's alone: the answer still defines it, the table no longer does (DDB-TABLE-149), so g may come back as a number.
    const names = (defs: { AttributeName?: string }[] | undefined) => (defs ?? []).map((d) => d.AttributeName).sort();
    assert.deepEqual(names(dropped.TableDescription?.AttributeDefinitions), ["g", "h", "l", "pk", "sk"]);
    assert.deepEqual(names(after?.AttributeDefinitions), ["h", "l", "pk", "sk"]);
    await ddb.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "g", AttributeType: "N" }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byGNumber", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } } }],
      }),
    );
    const retyped = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.AttributeDefinitions?.find((d) => d.AttributeName === "g");
    assert.equal(retyped?.AttributeType, "N");
  });
});

/** Runs `body` against a Nimbus on `dataDir` with the delay, its manual clock at `startTime`. */
async function onDataDir(dataDir: string, startTime: number, body: (nimbus: TestNimbus, ddb: DynamoDBClient) => Promise<void>): Promise<void> {
  const nimbus = await startTestNimbus({ inMemory: false, dataDir, startTime, dynamodb: { statusDelayMs: DELAY } });
  const ddb = new DynamoDBClient(nimbus.clientConfig());
  try {
    await body(nimbus, ddb);
  } finally {
    ddb.destroy();
    await nimbus.close();
  }
}

test("a table left DELETING when Nimbus stopped is dropped once its delay has passed after the restart", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-deleting-"));
  const name = uniqueName("restart");
  try {
    await onDataDir(dataDir, START, async (nimbus, ddb) => {
      await createActive(nimbus, ddb, hashTable(name));
      await ddb.send(new DeleteTableCommand({ TableName: name }));
    });
    // The new Nimbus's clock starts where the DeleteTable ran: the delay has not passed yet.
    await onDataDir(dataDir, START + DELAY, async (nimbus, ddb) => {
      assert.equal(await status(ddb, name), "DELETING");
      await nimbus.scheduler.advance(DELAY);
      assert.equal(await listed(ddb, name), false);
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a table left CREATING when Nimbus stopped is ACTIVE once its delay has passed, during the restart or before it", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-creating-"));
  const waiting = uniqueName("restart-wait");
  const late = uniqueName("restart-late");
  try {
    await onDataDir(dataDir, START, async (_, ddb) => {
      await ddb.send(new CreateTableCommand(hashTable(waiting)));
      await ddb.send(new CreateTableCommand(hashTable(late)));
    });
    // Restarted before the delay has passed: still CREATING, items out of reach, ACTIVE when it has.
    await onDataDir(dataDir, START, async (nimbus, ddb) => {
      assert.equal(await status(ddb, waiting), "CREATING");
      await notFound(ddb.send(new GetItemCommand({ TableName: waiting, Key: { id: { S: "a" } } })));
      await nimbus.scheduler.advance(DELAY - 1);
      assert.equal(await status(ddb, waiting), "CREATING");
      await nimbus.scheduler.advance(1);
      assert.equal(await status(ddb, waiting), "ACTIVE");
      await ddb.send(new PutItemCommand({ TableName: waiting, Item: { id: { S: "a" } } }));
    });
    // Restarted after it: the table is ACTIVE as soon as the scheduler runs what is due.
    await onDataDir(dataDir, START + 2 * DELAY, async (nimbus, ddb) => {
      await nimbus.scheduler.runDue();
      assert.equal(await status(ddb, late), "ACTIVE");
      await ddb.send(new PutItemCommand({ TableName: late, Item: { id: { S: "a" } } }));
      assert.deepEqual((await ddb.send(new GetItemCommand({ TableName: waiting, Key: { id: { S: "a" } } }))).Item, { id: { S: "a" } });
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
