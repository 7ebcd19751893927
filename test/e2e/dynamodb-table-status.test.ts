/**
 * TableStatus DELETING, with `--dynamodb-status-delay` and without. The refusals are AWS's
 * texts as measured against AWS (ack-api-quirks DynamoDB catalogue: DDB-TABLE-006/008/444).
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
  waitUntilTableNotExists,
  type DynamoDBServiceException,
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

  test("waitUntilTableNotExists waits out DELETING", async () => {
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
