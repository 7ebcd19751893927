/**
 * Warm throughput (CreateTable, UpdateTable, DescribeTable) as AWS answers it today: the developer
 * guide's "Understanding DynamoDB warm throughput" pages and the ack-api-quirks DynamoDB catalogue
 * (DDB-TABLE-032/033/039/059/061/155/179/410/433/456/459).
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
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBServiceException,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { hashTable } from "./dynamodb-fixtures.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const INVALID = "One or more parameter values were invalid: ";
const ON_DEMAND_DOC = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html#on-demand-capacity-mode-initial";
const DELAY = 5_000;
const active = (read: number, write: number) => ({ ReadUnitsPerSecond: read, WriteUnitsPerSecond: write, Status: "ACTIVE" });
const updating = (read: number, write: number) => ({ ReadUnitsPerSecond: read, WriteUnitsPerSecond: write, Status: "UPDATING" });

/** An on-demand table keyed by id with a GSI `byG` on g; `extra` may make it provisioned. */
function withIndex(name: string, extra: Partial<CreateTableCommandInput> = {}, index: Record<string, unknown> = {}): CreateTableCommandInput {
  return hashTable(name, "id", "S", {
    AttributeDefinitions: [
      { AttributeName: "id", AttributeType: "S" },
      { AttributeName: "g", AttributeType: "S" },
    ],
    GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" }, ...index }],
    ...extra,
  });
}

const PROVISIONED = { BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } as const;

async function described(ddb: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  return (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
}

/** The table's and its first GSI's WarmThroughput as DescribeTable shows them. */
async function warm(ddb: DynamoDBClient, name: string) {
  const t = await described(ddb, name);
  return { table: t?.WarmThroughput, index: t?.GlobalSecondaryIndexes?.[0]?.WarmThroughput };
}

/** The ValidationException a call gets: its message. */
async function invalid(call: Promise<unknown>): Promise<string> {
  const err = await failure<DynamoDBServiceException>(call);
  assert.equal(err.name, "ValidationException");
  assert.equal(err.$metadata.httpStatusCode, 400);
  return err.message;
}

async function missing(ddb: DynamoDBClient, name: string): Promise<void> {
  const err = await failure<DynamoDBServiceException>(ddb.send(new DescribeTableCommand({ TableName: name })));
  assert.equal(err.name, "ResourceNotFoundException");
}

describe("DynamoDB warm throughput", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  before(async () => {
    nimbus = await startTestNimbus();
    // One attempt: the SDK would retry a LimitExceededException three times.
    ddb = new DynamoDBClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  test("a table and GSI made without it: 12000/4000 on demand, the provisioned units otherwise; CreateTable's answer has none", async () => {
    const onDemand = uniqueName("warm-od");
    const created = (await ddb.send(new CreateTableCommand(withIndex(onDemand)))).TableDescription;
    assert.equal(created?.WarmThroughput, undefined);
    assert.equal(created?.GlobalSecondaryIndexes?.[0]?.WarmThroughput, undefined);
    assert.deepEqual(await warm(ddb, onDemand), { table: active(12_000, 4_000), index: active(12_000, 4_000) });

    const provisioned = uniqueName("warm-prov");
    await ddb.send(new CreateTableCommand(withIndex(provisioned, PROVISIONED, { ProvisionedThroughput: { ReadCapacityUnits: 3, WriteCapacityUnits: 2 } })));
    assert.deepEqual(await warm(ddb, provisioned), { table: active(5, 5), index: active(3, 2) });
  });

  test("CreateTable with WarmThroughput: the answer shows it UPDATING where asked, DescribeTable ACTIVE; a member left out takes the start value", async () => {
    const name = uniqueName("warm-create");
    const created = (
      await ddb.send(new CreateTableCommand(withIndex(name, { WarmThroughput: { ReadUnitsPerSecond: 15_000, WriteUnitsPerSecond: 5_000 } }, { WarmThroughput: { ReadUnitsPerSecond: 12_500 } })))
    ).TableDescription;
    assert.equal(created?.TableStatus, "CREATING");
    assert.deepEqual(created?.WarmThroughput, updating(15_000, 5_000));
    assert.deepEqual(created?.GlobalSecondaryIndexes?.[0]?.WarmThroughput, updating(12_500, 4_000));
    assert.deepEqual(await warm(ddb, name), { table: active(15_000, 5_000), index: active(12_500, 4_000) });

    // Provisioned: from the units up; an empty WarmThroughput is none (DDB-TABLE-456).
    const prov = uniqueName("warm-create-prov");
    const provCreated = (
      await ddb.send(new CreateTableCommand(withIndex(prov, { ...PROVISIONED, WarmThroughput: { WriteUnitsPerSecond: 100 } }, { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 }, WarmThroughput: {} })))
    ).TableDescription;
    assert.deepEqual(provCreated?.WarmThroughput, updating(5, 100));
    assert.equal(provCreated?.GlobalSecondaryIndexes?.[0]?.WarmThroughput, undefined);
    assert.deepEqual(await warm(ddb, prov), { table: active(5, 100), index: active(1, 1) });
  });

  test("CreateTable refuses warm throughput below the start value, and above the per-table quota; nothing is made", async () => {
    const low = uniqueName("warm-low");
    assert.equal(
      await invalid(ddb.send(new CreateTableCommand(hashTable(low, "id", "S", { WarmThroughput: { ReadUnitsPerSecond: 1, WriteUnitsPerSecond: 1 } })))),
      `${INVALID}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than initial throughput for OnDemand. See: ${ON_DEMAND_DOC}`,
    );
    assert.equal(
      await invalid(ddb.send(new CreateTableCommand(withIndex(low, {}, { WarmThroughput: { ReadUnitsPerSecond: 12_000, WriteUnitsPerSecond: 100 } })))),
      `${INVALID}Requested WriteUnitsPerSecond for WarmThroughput for index byG is lower than initial throughput for OnDemand. See: ${ON_DEMAND_DOC}`,
    );
    assert.equal(
      await invalid(
        ddb.send(new CreateTableCommand(hashTable(low, "id", "S", { BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 10, WriteCapacityUnits: 10 }, WarmThroughput: { ReadUnitsPerSecond: 5, WriteUnitsPerSecond: 5 } }))),
      ),
      `${INVALID}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than ReadCapacityUnits of ProvisionedThroughput`,
    );
    const over = await failure<DynamoDBServiceException>(ddb.send(new CreateTableCommand(hashTable(low, "id", "S", { WarmThroughput: { ReadUnitsPerSecond: 40_001 } }))));
    assert.equal(over.name, "LimitExceededException");
    assert.equal(over.$metadata.httpStatusCode, 400);
    assert.equal(over.message, "Subscriber limit exceeded: Requested ReadUnitsPerSecond for WarmThroughput for table exceeds TableMaxReadCapacityUnits of the account in region us-east-1");
    await missing(ddb, low);
  });

  test("UpdateTable with only WarmThroughput raises it: TableStatus stays ACTIVE, the answer shows the old values UPDATING", async () => {
    const name = uniqueName("warm-up");
    await ddb.send(new CreateTableCommand(withIndex(name)));
    const answer = (
      await ddb.send(
        new UpdateTableCommand({
          TableName: name,
          WarmThroughput: { ReadUnitsPerSecond: 20_000, WriteUnitsPerSecond: 8_000 },
          GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", WarmThroughput: { WriteUnitsPerSecond: 6_000 } } }],
        }),
      )
    ).TableDescription;
    assert.equal(answer?.TableStatus, "ACTIVE");
    assert.deepEqual(answer?.WarmThroughput, updating(12_000, 4_000));
    assert.equal(answer?.GlobalSecondaryIndexes?.[0]?.IndexStatus, "ACTIVE");
    assert.deepEqual(answer?.GlobalSecondaryIndexes?.[0]?.WarmThroughput, updating(12_000, 4_000));
    assert.deepEqual(await warm(ddb, name), { table: active(20_000, 8_000), index: active(12_000, 6_000) });

    // A GSI's alone, on an on-demand table: no longer "The only Updates ... can be to OnDemandThroughput, WarmThroughput".
    const gsiOnly = (await ddb.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", WarmThroughput: { ReadUnitsPerSecond: 13_000 } } }] })))
      .TableDescription;
    assert.equal(gsiOnly?.TableStatus, "ACTIVE");
    assert.deepEqual((await warm(ddb, name)).index, active(13_000, 6_000));
    // An equal value is accepted (DDB-TABLE-179: "Re-send same -> OK").
    await ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: { ReadUnitsPerSecond: 20_000, WriteUnitsPerSecond: 8_000 } }));
    assert.deepEqual((await warm(ddb, name)).table, active(20_000, 8_000));
  });

  test("a decrease is refused for the table and for a GSI (DDB-TABLE-155/179)", async () => {
    const name = uniqueName("warm-down");
    await ddb.send(new CreateTableCommand(withIndex(name, { WarmThroughput: { ReadUnitsPerSecond: 13_000, WriteUnitsPerSecond: 5_000 } })));
    assert.equal(
      await invalid(ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: { ReadUnitsPerSecond: 12_000, WriteUnitsPerSecond: 4_000 } }))),
      `${INVALID}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than current WarmThroughput, decreasing WarmThroughput is not supported`,
    );
    assert.equal(
      await invalid(ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: { WriteUnitsPerSecond: 4_999 } }))),
      `${INVALID}Requested WriteUnitsPerSecond for WarmThroughput for table is lower than current WarmThroughput, decreasing WarmThroughput is not supported`,
    );
    assert.equal(
      await invalid(ddb.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", WarmThroughput: { ReadUnitsPerSecond: 100, WriteUnitsPerSecond: 100 } } }] }))),
      `${INVALID}Requested ReadUnitsPerSecond for WarmThroughput for index byG is lower than current WarmThroughput, decreasing WarmThroughput is not supported`,
    );
    assert.deepEqual(await warm(ddb, name), { table: active(13_000, 5_000), index: active(12_000, 4_000) });
  });

  test("on a provisioned table it tracks the highest units ever provisioned; on demand lifts it to 12000/4000, which stays (DDB-TABLE-061)", async () => {
    const name = uniqueName("warm-track");
    await ddb.send(new CreateTableCommand(hashTable(name, "id", "S", { BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })));
    const units = (read: number, write: number) => new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: write } });
    await ddb.send(units(3, 3));
    assert.deepEqual((await described(ddb, name))?.WarmThroughput, active(3, 3));
    await ddb.send(units(1, 1));
    await ddb.send(units(2, 1));
    assert.deepEqual((await described(ddb, name))?.WarmThroughput, active(3, 3));
    assert.equal(
      await invalid(ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: { ReadUnitsPerSecond: 1, WriteUnitsPerSecond: 1 } }))),
      `${INVALID}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than current WarmThroughput, decreasing WarmThroughput is not supported`,
    );
    await ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: { ReadUnitsPerSecond: 50, WriteUnitsPerSecond: 50 } }));
    assert.deepEqual((await described(ddb, name))?.WarmThroughput, active(50, 50));

    await ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: "PAY_PER_REQUEST" }));
    assert.deepEqual((await described(ddb, name))?.WarmThroughput, active(12_000, 4_000));
    await ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } }));
    assert.deepEqual((await described(ddb, name))?.WarmThroughput, active(12_000, 4_000));
  });

  test("WarmThroughput goes alone: AWS's refusals for each pairing, in its order (DDB-TABLE-433/456)", async () => {
    const name = uniqueName("warm-alone");
    await ddb.send(new CreateTableCommand(withIndex(name)));
    const raise = { WarmThroughput: { ReadUnitsPerSecond: 12_001 } };
    const refusal = (extra: Record<string, unknown>) => invalid(ddb.send(new UpdateTableCommand({ TableName: name, ...raise, ...extra })));
    assert.equal(await refusal({ StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }), `${INVALID}WarmThroughput must be the only operation in the request`);
    assert.equal(await refusal({ BillingMode: "PAY_PER_REQUEST" }), `${INVALID}WarmThroughput must be the only operation in the request`);
    assert.equal(await refusal({ DeletionProtectionEnabled: true }), `${INVALID}DeletionProtection modification must be the only operation in the request`);
    assert.equal(await refusal({ OnDemandThroughput: { MaxReadRequestUnits: 100 } }), `${INVALID}OnDemandThroughput can only be combined with BillingMode in an UpdateTable request`);
    assert.equal(
      await refusal({
        AttributeDefinitions: [{ AttributeName: "h", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byH", KeySchema: [{ AttributeName: "h", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
      }),
      `${INVALID}Create global secondary index cannot be specified when updating WarmThroughput`,
    );
    assert.deepEqual((await warm(ddb, name)).table, active(12_000, 4_000));

    // An empty one beside another member is dropped; alone it is refused (AWS: HTTP 500).
    await ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: {}, DeletionProtectionEnabled: false }));
    assert.equal(
      await invalid(ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: {} }))),
      `${INVALID}WarmThroughput must have at least one of ReadUnitsPerSecond or WriteUnitsPerSecond specified`,
    );
    // A GSI's empty one is refused before the table is looked up.
    assert.equal(
      await invalid(ddb.send(new UpdateTableCommand({ TableName: uniqueName("no-such"), GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "ghost", WarmThroughput: {} } }] }))),
      `${INVALID}WarmThroughput must have at least one of ReadUnitsPerSecond or WriteUnitsPerSecond specified for index: ghost`,
    );
  });

  test("a replica of a global table has the table's warm throughput, in DescribeTable and under Replicas", async () => {
    const name = uniqueName("warm-global");
    const west = new DynamoDBClient({ ...nimbus.clientConfig({ region: "us-west-2" }), maxAttempts: 1 });
    try {
      await ddb.send(new CreateTableCommand(withIndex(name)));
      await ddb.send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName: "us-west-2" } }] }));
      await ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: { ReadUnitsPerSecond: 14_000 } }));
      const there = await described(west, name);
      assert.deepEqual(there?.WarmThroughput, active(14_000, 4_000));
      // us-west-2's Replicas lists the other region only (DDB-TABLE-229).
      assert.deepEqual(
        there?.Replicas?.map((r) => [r.RegionName, r.WarmThroughput]),
        [["us-east-1", active(14_000, 4_000)]],
      );
    } finally {
      west.destroy();
    }
  });
});

describe("DynamoDB warm throughput with --dynamodb-status-delay", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  before(async () => {
    nimbus = await startTestNimbus({ dynamodb: { statusDelayMs: DELAY } });
    ddb = new DynamoDBClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  test("an increase is UPDATING, with the old values, until the delay has passed; the table stays ACTIVE, out of DeleteTable's reach", async () => {
    const name = uniqueName("warm-delay");
    await ddb.send(new CreateTableCommand(withIndex(name)));
    await nimbus.scheduler.advance(DELAY);

    const answer = (await ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: { ReadUnitsPerSecond: 30_000, WriteUnitsPerSecond: 10_000 } }))).TableDescription;
    assert.equal(answer?.TableStatus, "ACTIVE");
    assert.deepEqual(answer?.WarmThroughput, updating(12_000, 4_000));
    const during = await described(ddb, name);
    assert.equal(during?.TableStatus, "ACTIVE");
    assert.deepEqual(during?.WarmThroughput, updating(12_000, 4_000));

    // DDB-TABLE-410: DeleteTable is refused while it runs; other changes are not.
    const err = await failure<DynamoDBServiceException>(ddb.send(new DeleteTableCommand({ TableName: name })));
    assert.equal(err.name, "ResourceInUseException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    assert.equal(err.message, `Attempt to change a resource which is still in use: Table: ${name} is in the process of being updated.`);
    await ddb.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false }));
    // A second request takes over the running one (DDB-TABLE-459).
    await ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: { WriteUnitsPerSecond: 11_000 } }));

    await nimbus.scheduler.advance(DELAY - 1);
    assert.deepEqual((await described(ddb, name))?.WarmThroughput, updating(12_000, 4_000));
    await nimbus.scheduler.advance(1);
    assert.deepEqual((await described(ddb, name))?.WarmThroughput, active(30_000, 11_000));
    await ddb.send(new DeleteTableCommand({ TableName: name }));
  });

  test("warm throughput asked at CreateTable is UPDATING while the table is CREATING", async () => {
    const name = uniqueName("warm-delay-create");
    await ddb.send(new CreateTableCommand(withIndex(name, { WarmThroughput: { ReadUnitsPerSecond: 16_000 } })));
    const during = await described(ddb, name);
    assert.equal(during?.TableStatus, "CREATING");
    assert.deepEqual(during?.WarmThroughput, updating(16_000, 4_000));
    assert.deepEqual(during?.GlobalSecondaryIndexes?.[0]?.WarmThroughput, active(12_000, 4_000));
    await nimbus.scheduler.advance(DELAY);
    assert.equal((await described(ddb, name))?.TableStatus, "ACTIVE");
    assert.deepEqual((await warm(ddb, name)).table, active(16_000, 4_000));
  });
});

describe("DynamoDB warm throughput across a restart", () => {
  test("the values, and an increase still running, are kept with the table (its JSON row)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "nimbus-warm-"));
    const name = uniqueName("warm-restart");
    const open = async () => {
      const nimbus = await startTestNimbus({ inMemory: false, dataDir, dynamodb: { statusDelayMs: DELAY } });
      return { nimbus, ddb: new DynamoDBClient({ ...nimbus.clientConfig(), maxAttempts: 1 }) };
    };
    try {
      const first = await open();
      try {
        await first.ddb.send(new CreateTableCommand(withIndex(name, { WarmThroughput: { ReadUnitsPerSecond: 15_000 } })));
        await first.nimbus.scheduler.advance(DELAY);
        await first.ddb.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", WarmThroughput: { ReadUnitsPerSecond: 20_000 } } }] }));
        assert.deepEqual((await warm(first.ddb, name)).index, updating(12_000, 4_000));
      } finally {
        first.ddb.destroy();
        await first.nimbus.close();
      }
      // The new Nimbus's clock starts where the first's did: the increase is still running.
      const second = await open();
      try {
        assert.deepEqual(await warm(second.ddb, name), { table: active(15_000, 4_000), index: updating(12_000, 4_000) });
        await second.nimbus.scheduler.advance(2 * DELAY);
        assert.deepEqual(await warm(second.ddb, name), { table: active(15_000, 4_000), index: active(20_000, 4_000) });
        assert.equal(
          await invalid(second.ddb.send(new UpdateTableCommand({ TableName: name, WarmThroughput: { ReadUnitsPerSecond: 14_000 } }))),
          `${INVALID}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than current WarmThroughput, decreasing WarmThroughput is not supported`,
        );
      } finally {
        second.ddb.destroy();
        await second.nimbus.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
