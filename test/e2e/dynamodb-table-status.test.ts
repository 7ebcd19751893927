/**
 * TableStatus DELETING and UPDATING, with `--dynamodb-status-delay` and without. The refusals
 * are AWS's texts as measured against AWS (ack-api-quirks DynamoDB catalogue: DDB-TABLE-006/008
 * for DELETING, 063/370 for throughput, 002/119 for streams, 444 for the rest).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  UpdateTableCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
  type DynamoDBServiceException,
  type UpdateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { hashTable } from "./dynamodb-fixtures.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const DELAY = 5_000;
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
  before(async () => {
    nimbus = await startTestNimbus({ dynamodb: { statusDelayMs: DELAY } });
    ddb = new DynamoDBClient(nimbus.clientConfig());
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  test("DeleteTable leaves the table DELETING, still listed, its items out of reach, until the delay has passed", async () => {
    const name = uniqueName("deleting");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    await ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "a" } } }));
    const deleted = await ddb.send(new DeleteTableCommand({ TableName: name }));
    assert.equal(deleted.TableDescription?.TableStatus, "DELETING");
    assert.equal(deleted.TableDescription?.ItemCount, 1);

    assert.equal(await status(ddb, name), "DELETING");
    assert.equal(await listed(ddb, name), true);
    for (const call of [
      ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "a" } } })),
      ddb.send(new PutItemCommand({ TableName: name, Item: { id: { S: "b" } } })),
      ddb.send(new QueryCommand({ TableName: name, KeyConditionExpression: "id = :a", ExpressionAttributeValues: { ":a": { S: "a" } } })),
    ]) {
      const err = await failure<DynamoDBServiceException>(call);
      assert.equal(err.name, "ResourceNotFoundException");
      assert.equal(err.message, "Requested resource not found");
    }
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
    assert.equal((await ddb.send(new GetItemCommand({ TableName: name, Key: { id: { S: "a" } } }))).Item, undefined);
  });

  test("a throughput change keeps the table UPDATING: reads and writes go on, another change or DeleteTable is refused", async () => {
    const name = uniqueName("iops");
    await ddb.send(new CreateTableCommand(provisioned(name)));
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
    await ddb.send(new CreateTableCommand(hashTable(name)));
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
    await ddb.send(new CreateTableCommand(hashTable(name)));
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

  test("an index being added shows CREATING while the table is UPDATING; DeleteTable waits for it", async () => {
    const name = uniqueName("index");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    await ddb.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
      }),
    );
    const during = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(during?.TableStatus, "UPDATING");
    assert.equal(during?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "CREATING");
    assert.equal(await inUse(ddb.send(new DeleteTableCommand({ TableName: name }))), "Cannot delete table while indexes are being created, updated, or deleted.");
    assert.equal(
      await inUse(ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }))),
      `Can't change stream status when an index is being created. Table: ${name} Indexes: [byG]`,
    );

    await nimbus.scheduler.advance(DELAY);
    const done = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(done?.TableStatus, "ACTIVE");
    assert.equal(done?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "ACTIVE");
  });

  test("waitUntilTableNotExists waits out DELETING, and waitUntilTableExists waits out UPDATING", async () => {
    const gone = uniqueName("wait-gone");
    await ddb.send(new CreateTableCommand(hashTable(gone)));
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
    await ddb.send(new CreateTableCommand(provisioned(busy)));
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
  before(async () => {
    nimbus = await startTestNimbus();
    ddb = new DynamoDBClient(nimbus.clientConfig());
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
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
});

test("a table left DELETING when Nimbus stopped is dropped once its delay has passed after the restart", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-deleting-"));
  const name = uniqueName("restart");
  const run = async (body: (nimbus: TestNimbus, ddb: DynamoDBClient) => Promise<void>): Promise<void> => {
    const nimbus = await startTestNimbus({ inMemory: false, dataDir, dynamodb: { statusDelayMs: DELAY } });
    const ddb = new DynamoDBClient(nimbus.clientConfig());
    try {
      await body(nimbus, ddb);
    } finally {
      ddb.destroy();
      await nimbus.close();
    }
  };
  try {
    await run(async (_, ddb) => {
      await ddb.send(new CreateTableCommand(hashTable(name)));
      await ddb.send(new DeleteTableCommand({ TableName: name }));
    });
    // The new Nimbus's clock starts where the first's did: the delay has not passed yet.
    await run(async (nimbus, ddb) => {
      assert.equal(await status(ddb, name), "DELETING");
      await nimbus.scheduler.advance(DELAY);
      assert.equal(await listed(ddb, name), false);
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
