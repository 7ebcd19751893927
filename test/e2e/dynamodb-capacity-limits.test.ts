/**
 * UpdateTable's capacity limits, as AWS enforces them today: provisioned to on-demand four times
 * in a rolling 24 hours (on-demand to provisioned at any time), four throughput decreases a UTC
 * day and then one an hour, for the table and each GSI apart; and what DescribeTable shows of
 * them (BillingModeSummary, NumberOfDecreasesToday, LastIncrease/DecreaseDateTime).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  UpdateTableCommand,
  type DynamoDBServiceException,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { hashTable } from "./dynamodb-fixtures.js";
import { failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const provisioned = (name: string, units: number) => hashTable(name, "id", "S", { BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: units, WriteCapacityUnits: units } });

/**
 * One attempt per call: the SDK counts LimitExceededException among the throttling errors and
 * would send a refused call three times, with backoff, before showing the error.
 */
function once(nimbus: TestNimbus) {
  return { ...nimbus.clientConfig(), maxAttempts: 1 };
}

async function described(ddb: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  return (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
}

/** The LimitExceededException a call gets: its message. */
async function limitExceeded(call: Promise<unknown>): Promise<string> {
  const err = await failure<DynamoDBServiceException>(call);
  assert.equal(err.name, "LimitExceededException");
  assert.equal(err.$metadata.httpStatusCode, 400);
  return err.message;
}

const toOnDemand = (name: string) => new UpdateTableCommand({ TableName: name, BillingMode: "PAY_PER_REQUEST" });
const toProvisioned = (name: string, units = 1) =>
  new UpdateTableCommand({ TableName: name, BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: units, WriteCapacityUnits: units } });
const throughput = (name: string, read: number, write: number) => new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: read, WriteCapacityUnits: write } });

describe("DynamoDB capacity limits on UpdateTable", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  before(async () => {
    nimbus = await startTestNimbus();
    ddb = new DynamoDBClient(once(nimbus));
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  // dynalite's createTable.js and updateTable.js (run against AWS), on table 'abc', which does not exist.
  test("units past 10^12 are out of bounds, before the table is looked up and before the per-table maximum", async () => {
    const outOfBounds = async (call: Promise<unknown>): Promise<string> => {
      const err = await failure<DynamoDBServiceException>(call);
      assert.equal(err.name, "ValidationException");
      assert.equal(err.$metadata.httpStatusCode, 400);
      return err.message;
    };
    const missing = uniqueName("missing");
    const huge = 1_000_000_000_001;
    assert.equal(await outOfBounds(ddb.send(throughput(missing, huge, huge))), `Given value ${huge} for ReadCapacityUnits is out of bounds`);
    assert.equal(await outOfBounds(ddb.send(throughput(missing, 1_000_000_000_000, huge))), `Given value ${huge} for WriteCapacityUnits is out of bounds`);
    assert.equal(
      await outOfBounds(ddb.send(new UpdateTableCommand({ TableName: missing, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "abc", ProvisionedThroughput: { ReadCapacityUnits: huge, WriteCapacityUnits: huge } } }] }))),
      `Given value ${huge} for ReadCapacityUnits is out of bounds for index abc`,
    );
    assert.equal(await outOfBounds(ddb.send(new CreateTableCommand(provisioned(uniqueName("huge"), huge)))), `Given value ${huge} for ReadCapacityUnits is out of bounds`);
    // At the bound itself it is the account's per-table maximum that refuses it.
    assert.match(await limitExceeded(ddb.send(new CreateTableCommand(provisioned(uniqueName("huge"), 1_000_000_000_000)))), /^The requested ReadCapacityUnits, 1000000000000, is above the per table maximum/);
  });

  test("provisioned to on-demand four times in a rolling 24 hours, the fifth refused; on-demand to provisioned at any time", async () => {
    const name = uniqueName("switch");
    await ddb.send(new CreateTableCommand(provisioned(name, 1)));
    // A table made provisioned and never switched has no BillingModeSummary (DDB-TABLE-025).
    assert.equal((await described(ddb, name))?.BillingModeSummary, undefined);

    const first = nimbus.clock.now();
    for (let i = 0; i < 4; i++) {
      const answer = (await ddb.send(toOnDemand(name))).TableDescription;
      // The answer names the mode alone; the time shows once the switch is done (DDB-TABLE-060/183).
      assert.deepEqual(answer?.BillingModeSummary, { BillingMode: "PAY_PER_REQUEST" });
      assert.deepEqual((await described(ddb, name))?.BillingModeSummary, { BillingMode: "PAY_PER_REQUEST", LastUpdateToPayPerRequestDateTime: new Date(nimbus.clock.now()) });
      nimbus.manualClock.advance(HOUR);
      // Back to provisioned is never limited, and keeps when the table last went on demand.
      const back = (await ddb.send(toProvisioned(name))).TableDescription;
      assert.deepEqual(back?.BillingModeSummary, { BillingMode: "PROVISIONED" });
      assert.deepEqual((await described(ddb, name))?.BillingModeSummary, { BillingMode: "PROVISIONED", LastUpdateToPayPerRequestDateTime: new Date(nimbus.clock.now() - HOUR) });
    }
    const last = nimbus.clock.now() - HOUR;
    const message = await limitExceeded(ddb.send(toOnDemand(name)));
    assert.equal(
      message,
      `Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day(s). Last update at ${javaDate(last)}. Next update can be made at ${javaDate(first + DAY)}`,
    );
    assert.equal((await described(ddb, name))?.BillingModeSummary?.BillingMode, "PROVISIONED");

    nimbus.manualClock.set(first + DAY - 1);
    await limitExceeded(ddb.send(toOnDemand(name)));
    nimbus.manualClock.set(first + DAY);
    await ddb.send(toOnDemand(name));
    assert.equal((await described(ddb, name))?.BillingModeSummary?.BillingMode, "PAY_PER_REQUEST");
  });

  test("a table made on demand reports its creation as the last update to on-demand, also once provisioned; the switch is not a throughput change", async () => {
    const name = uniqueName("od-made");
    const created = (await ddb.send(new CreateTableCommand(hashTable(name)))).TableDescription;
    assert.deepEqual(created?.BillingModeSummary, { BillingMode: "PAY_PER_REQUEST" });
    const madeAt = nimbus.clock.now();
    nimbus.manualClock.advance(60_000);
    await ddb.send(toProvisioned(name, 5));
    const table = await described(ddb, name);
    assert.deepEqual(table?.BillingModeSummary, { BillingMode: "PROVISIONED", LastUpdateToPayPerRequestDateTime: new Date(madeAt) });
    // Units set with the switch are neither an increase nor a decrease (DDB-TABLE-055).
    assert.deepEqual(table?.ProvisionedThroughput, { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 5 });
  });

  test("four decreases a UTC day, then one 3600 s after the last; refused attempts move nothing; increases are free", async () => {
    const name = uniqueName("decrease");
    await ddb.send(new CreateTableCommand(provisioned(name, 10)));
    // Start the day's budget at 10:00 UTC, whatever the suite's clock says.
    nimbus.manualClock.set(nextUtcMidnight(nimbus.clock.now()) + 10 * HOUR);
    // Both units down, one down and one up: each one decrease (DDB-TABLE-157).
    for (const [read, write] of [[9, 9], [8, 10], [7, 9], [6, 8]] as const) {
      nimbus.manualClock.advance(1000);
      await ddb.send(throughput(name, read, write));
    }
    const lastDecrease = nimbus.clock.now();
    let table = await described(ddb, name);
    assert.equal(table?.ProvisionedThroughput?.NumberOfDecreasesToday, 4);
    assert.equal(table?.ProvisionedThroughput?.LastDecreaseDateTime?.getTime(), lastDecrease);
    assert.equal(table?.ProvisionedThroughput?.LastIncreaseDateTime?.getTime(), lastDecrease - 2000);

    nimbus.manualClock.advance(10_000);
    const message = await limitExceeded(ddb.send(throughput(name, 5, 8)));
    assert.equal(
      message,
      "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds. " +
        `Number of decreases today: 4. Last decrease at ${javaFull(lastDecrease)}. Next decrease can be made at ${javaFull(lastDecrease + HOUR)}`,
    );
    // A decrease with an increase beside it is still a decrease; a plain increase goes through.
    await limitExceeded(ddb.send(throughput(name, 5, 20)));
    await ddb.send(throughput(name, 20, 20));
    table = await described(ddb, name);
    assert.deepEqual(
      [table?.ProvisionedThroughput?.ReadCapacityUnits, table?.ProvisionedThroughput?.NumberOfDecreasesToday, table?.ProvisionedThroughput?.LastDecreaseDateTime?.getTime()],
      [20, 4, lastDecrease],
    );

    nimbus.manualClock.set(lastDecrease + HOUR - 1);
    await limitExceeded(ddb.send(throughput(name, 5, 5)));
    nimbus.manualClock.set(lastDecrease + HOUR);
    await ddb.send(throughput(name, 5, 5));
    const fifth = nimbus.clock.now();
    assert.equal((await described(ddb, name))?.ProvisionedThroughput?.NumberOfDecreasesToday, 5);
    assert.match(
      await limitExceeded(ddb.send(throughput(name, 4, 4))),
      new RegExp(`Number of decreases today: 5\\. Last decrease at ${javaFull(fifth)}\\. Next decrease can be made at ${javaFull(fifth + HOUR)}$`),
    );

    // At 00:00 UTC the count is 0 again and the full four are back; LastDecreaseDateTime stays (DDB-TABLE-185).
    nimbus.manualClock.set(nextUtcMidnight(fifth));
    table = await described(ddb, name);
    assert.equal(table?.ProvisionedThroughput?.NumberOfDecreasesToday, 0);
    assert.equal(table?.ProvisionedThroughput?.LastDecreaseDateTime?.getTime(), fifth);
    for (const units of [4, 3, 2, 1]) await ddb.send(throughput(name, units, units));
    assert.equal((await described(ddb, name))?.ProvisionedThroughput?.NumberOfDecreasesToday, 4);
  });

  test("the table and each GSI have their own decreases; a request that decreases both is refused whole", async () => {
    const name = uniqueName("gsi-decrease");
    await ddb.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [
          { AttributeName: "id", AttributeType: "S" },
          { AttributeName: "g", AttributeType: "S" },
        ],
        KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
        BillingMode: "PROVISIONED",
        ProvisionedThroughput: { ReadCapacityUnits: 50, WriteCapacityUnits: 50 },
        GlobalSecondaryIndexes: [
          { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" }, ProvisionedThroughput: { ReadCapacityUnits: 50, WriteCapacityUnits: 50 } },
        ],
      }),
    );
    nimbus.manualClock.set(nextUtcMidnight(nimbus.clock.now()) + 8 * HOUR);
    for (const units of [40, 30, 20, 10]) await ddb.send(throughput(name, units, units));
    const both = new UpdateTableCommand({
      TableName: name,
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", ProvisionedThroughput: { ReadCapacityUnits: 40, WriteCapacityUnits: 40 } } }],
    });
    assert.match(await limitExceeded(ddb.send(both)), /^Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day\. .*Number of decreases today: 4\./);
    let index = (await described(ddb, name))?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput;
    assert.deepEqual([index?.ReadCapacityUnits, index?.NumberOfDecreasesToday], [50, 0]);

    const gsiOnly = (units: number) =>
      new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", ProvisionedThroughput: { ReadCapacityUnits: units, WriteCapacityUnits: units } } }] });
    for (const units of [40, 30, 20, 10]) await ddb.send(gsiOnly(units));
    index = (await described(ddb, name))?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput;
    assert.deepEqual([index?.ReadCapacityUnits, index?.NumberOfDecreasesToday, index?.LastDecreaseDateTime?.getTime()], [10, 4, nimbus.clock.now()]);
    assert.match(await limitExceeded(ddb.send(gsiOnly(5))), /Number of decreases today: 4\./);
  });
});

test("the switches to on-demand of the last 24 hours survive a restart", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-switches-"));
  const name = uniqueName("switch-restart");
  const start = Date.parse("2026-03-02T06:00:00.000Z");
  const onDataDir = async (startTime: number, body: (ddb: DynamoDBClient) => Promise<void>): Promise<void> => {
    const nimbus = await startTestNimbus({ inMemory: false, dataDir, startTime });
    const ddb = new DynamoDBClient(once(nimbus));
    try {
      await body(ddb);
    } finally {
      ddb.destroy();
      await nimbus.close();
    }
  };
  try {
    await onDataDir(start, async (ddb) => {
      await ddb.send(new CreateTableCommand(provisioned(name, 1)));
      for (let i = 0; i < 4; i++) {
        await ddb.send(toOnDemand(name));
        await ddb.send(toProvisioned(name));
      }
    });
    await onDataDir(start + 2 * HOUR, async (ddb) => {
      assert.match(await limitExceeded(ddb.send(toOnDemand(name))), /Next update can be made at Tue Mar 03 06:00:00 UTC 2026$/);
    });
    await onDataDir(start + DAY, async (ddb) => {
      await ddb.send(toOnDemand(name));
      assert.deepEqual((await described(ddb, name))?.BillingModeSummary, { BillingMode: "PAY_PER_REQUEST", LastUpdateToPayPerRequestDateTime: new Date(start + DAY) });
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

function nextUtcMidnight(t: number): number {
  return (Math.floor(t / DAY) + 1) * DAY;
}

/** The FULL en_US form the decrease message uses, written out here independently of the code under test. */
function javaFull(ms: number): string {
  const d = new Date(ms);
  const weekday = d.toLocaleDateString("en-US", { weekday: "long", timeZone: "UTC" });
  const month = d.toLocaleDateString("en-US", { month: "long", timeZone: "UTC" });
  const h = d.getUTCHours();
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  const ss = String(d.getUTCSeconds()).padStart(2, "0");
  return `${weekday}, ${month} ${d.getUTCDate()}, ${d.getUTCFullYear()} at ${h % 12 || 12}:${mm}:${ss} ${h < 12 ? "AM" : "PM"} Coordinated Universal Time`;
}

/** java.util.Date#toString in UTC, as the switch message uses it. */
function javaDate(ms: number): string {
  const [weekday, day, month, year, time] = new Date(ms).toUTCString().replace(",", "").split(" ");
  return `${weekday} ${month} ${day} ${time} UTC ${year}`;
}
