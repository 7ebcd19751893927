/**
 * The LimitExceededExceptions of CreateTable and UpdateTable that guard DynamoDB's quotas: 40,000
 * read and write units a table and a GSI (provisioned, or as an on-demand maximum), 80,000 an
 * account in a Region, 20 GSIs a table, two table class changes in 30 days, four encryption
 * changes in 24 hours and then one every six hours. AWS's texts: the ack-api-quirks DynamoDB
 * catalogue (DDB-TABLE-081/141/171/443).
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
  type DynamoDBServiceException,
  type GlobalSecondaryIndex,
} from "@aws-sdk/client-dynamodb";
import { hashTable } from "./dynamodb-fixtures.js";
import { acrossRestart, failure, startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const REFER = "Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.";

/**
 * One attempt per call: the SDK counts LimitExceededException among the throttling errors and
 * would send a refused call three times, with backoff, before showing the error.
 */
function client(nimbus: TestNimbus, options: { accessKeyId?: string; region?: string } = {}): DynamoDBClient {
  const account = options.accessKeyId !== undefined ? { accessKeyId: options.accessKeyId, secretAccessKey: "test" } : {};
  return new DynamoDBClient({ ...nimbus.clientConfig({ ...account, ...(options.region !== undefined ? { region: options.region } : {}) }), maxAttempts: 1 });
}

/** The LimitExceededException a call gets (HTTP 400): its message. */
async function limitExceeded(call: Promise<unknown>): Promise<string> {
  const err = await failure<DynamoDBServiceException>(call);
  assert.equal(err.name, "LimitExceededException");
  assert.equal(err.$metadata.httpStatusCode, 400);
  return err.message;
}

const units = (read: number, write: number) => ({ ReadCapacityUnits: read, WriteCapacityUnits: write });

const gsi = (name: string, extra: Partial<GlobalSecondaryIndex> = {}): GlobalSecondaryIndex => ({
  IndexName: name,
  KeySchema: [{ AttributeName: "g", KeyType: "HASH" }],
  Projection: { ProjectionType: "KEYS_ONLY" },
  ...extra,
});

/** A provisioned table keyed by id, with GSIs on g when given. */
function provisioned(name: string, read: number, write: number, indexes: GlobalSecondaryIndex[] = []): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }, ...(indexes.length > 0 ? [{ AttributeName: "g", AttributeType: "S" as const }] : [])],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PROVISIONED",
    ProvisionedThroughput: units(read, write),
    ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
  };
}

/** An on-demand table keyed by id with a GSI byG on g. */
function onDemandWithIndex(name: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput {
  return hashTable(name, "id", "S", {
    AttributeDefinitions: [
      { AttributeName: "id", AttributeType: "S" },
      { AttributeName: "g", AttributeType: "S" },
    ],
    GlobalSecondaryIndexes: [gsi("byG")],
    ...extra,
  });
}

const createIndex = (table: string, index: string, extra: Partial<GlobalSecondaryIndex> = {}) =>
  new UpdateTableCommand({ TableName: table, AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }], GlobalSecondaryIndexUpdates: [{ Create: gsi(index, extra) }] });

const perTable = (member: string, units: number, region = "us-east-1") =>
  `The requested ${member}, ${units}, is above the per table maximum for the account in ${region}. Per table maximum: 40000. ${REFER}`;
const perIndex = (member: string, index: string, units: number, region = "us-east-1") =>
  `The requested ${member} for index ${index}, ${units}, is above the per index maximum for the account in ${region}. Per index maximum: 40000. ${REFER}`;
const perAccount = (member: string, reserved: number, requested: number, region = "us-east-1") =>
  `This request would have caused the ${member} limit to be exceeded for the account in ${region}. Current ${member} reserved by the account: ${reserved}. Limit: 80000. Requested: ${requested}. ${REFER}`;

describe("DynamoDB quotas refused with LimitExceededException", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  before(async () => {
    nimbus = await startTestNimbus({ startTime: Date.parse("2026-10-08T23:13:00.402Z") });
    ddb = client(nimbus);
  });
  after(async () => {
    ddb.destroy();
    await nimbus.close();
  });

  test("CreateTable: 40,000 units a table and a GSI, read units named first; nothing is made", async () => {
    // Accounts of their own, as the tables made hold the account's quota whole.
    const ddb = client(nimbus, { accessKeyId: "330000000002" });
    const west = client(nimbus, { accessKeyId: "330000000002", region: "us-west-2" });
    const name = uniqueName("max-create");
    assert.equal(await limitExceeded(ddb.send(new CreateTableCommand(provisioned(name, 40_001, 50_000)))), perTable("ReadCapacityUnits", 40_001));
    assert.equal(await limitExceeded(ddb.send(new CreateTableCommand(provisioned(name, 40_000, 40_001)))), perTable("WriteCapacityUnits", 40_001));
    assert.equal(await limitExceeded(west.send(new CreateTableCommand(provisioned(name, 1, 45_000)))), perTable("WriteCapacityUnits", 45_000, "us-west-2"));
    // The table's units before its indexes', the indexes in their order.
    const indexes = [gsi("first", { ProvisionedThroughput: units(1, 40_001) }), gsi("second", { ProvisionedThroughput: units(50_000, 1) })];
    assert.equal(await limitExceeded(ddb.send(new CreateTableCommand(provisioned(name, 40_001, 1, indexes)))), perTable("ReadCapacityUnits", 40_001));
    assert.equal(await limitExceeded(ddb.send(new CreateTableCommand(provisioned(name, 1, 1, indexes)))), perIndex("WriteCapacityUnits", "first", 40_001));
    assert.equal((await failure<DynamoDBServiceException>(ddb.send(new DescribeTableCommand({ TableName: name })))).name, "ResourceNotFoundException");
    // A ValidationException the request earns comes first.
    const invalid = await failure<DynamoDBServiceException>(ddb.send(new CreateTableCommand({ ...provisioned(name, 50_000, 1), BillingMode: "PAY_PER_REQUEST" })));
    assert.equal(invalid.name, "ValidationException");

    const made = await ddb.send(new CreateTableCommand(provisioned(name, 40_000, 40_000, [gsi("full", { ProvisionedThroughput: units(40_000, 40_000) })])));
    assert.deepEqual([made.TableDescription?.ProvisionedThroughput?.ReadCapacityUnits, made.TableDescription?.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput?.WriteCapacityUnits], [40_000, 40_000]);
    ddb.destroy();
    west.destroy();
  });

  test("UpdateTable: 40,000 units for the table, a GSI updated or made, and a switch to provisioned; the table is left as it was", async () => {
    const ddb = client(nimbus, { accessKeyId: "330000000003" });
    const name = uniqueName("max-update");
    await ddb.send(new CreateTableCommand(provisioned(name, 5, 5, [gsi("byG", { ProvisionedThroughput: units(5, 5) })])));
    const throughput = (read: number, write: number) => new UpdateTableCommand({ TableName: name, ProvisionedThroughput: units(read, write) });
    assert.equal(await limitExceeded(ddb.send(throughput(40_001, 5))), perTable("ReadCapacityUnits", 40_001));
    assert.equal(await limitExceeded(ddb.send(throughput(5, 60_000))), perTable("WriteCapacityUnits", 60_000));
    const indexUpdate = new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", ProvisionedThroughput: units(50_000, 5) } }] });
    assert.equal(await limitExceeded(ddb.send(indexUpdate)), perIndex("ReadCapacityUnits", "byG", 50_000));
    assert.equal(await limitExceeded(ddb.send(createIndex(name, "byG2", { ProvisionedThroughput: units(5, 40_001) }))), perIndex("WriteCapacityUnits", "byG2", 40_001));
    const table = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.deepEqual(
      [table?.ProvisionedThroughput?.ReadCapacityUnits, table?.ProvisionedThroughput?.WriteCapacityUnits, table?.GlobalSecondaryIndexes?.map((g) => [g.IndexName, g.ProvisionedThroughput?.ReadCapacityUnits])],
      [5, 5, [["byG", 5]]],
    );
    await ddb.send(throughput(40_000, 40_000));
    // Gone, so that the next table's 40,000 fit in the account's 80,000.
    await ddb.send(new DeleteTableCommand({ TableName: name }));

    const onDemand = uniqueName("max-switch");
    await ddb.send(new CreateTableCommand(hashTable(onDemand)));
    const toProvisioned = (read: number) => new UpdateTableCommand({ TableName: onDemand, BillingMode: "PROVISIONED", ProvisionedThroughput: units(read, 1) });
    assert.equal(await limitExceeded(ddb.send(toProvisioned(40_001))), perTable("ReadCapacityUnits", 40_001));
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: onDemand }))).Table?.BillingModeSummary?.BillingMode, "PAY_PER_REQUEST");
    await ddb.send(toProvisioned(40_000));
    ddb.destroy();
  });

  test("OnDemandThroughput above TableMax*CapacityUnits: the table's and an index's, at CreateTable and UpdateTable; -1 and 40,000 admitted", async () => {
    const name = uniqueName("od-max");
    const tableText = (member: string, quota: string) => `Subscriber limit exceeded: Requested ${member} for OnDemandThroughput for table exceeds ${quota} of the account in region us-east-1`;
    const indexText = (member: string, quota: string) => `Subscriber limit exceeded: Requested ${member} for OnDemandThroughput for index : byG exceeds ${quota} of the account in region us-east-1`;
    assert.equal(
      await limitExceeded(ddb.send(new CreateTableCommand(onDemandWithIndex(name, { OnDemandThroughput: { MaxReadRequestUnits: 40_001 } })))),
      tableText("MaxReadRequestUnits", "TableMaxReadCapacityUnits"),
    );
    assert.equal(
      await limitExceeded(ddb.send(new CreateTableCommand(onDemandWithIndex(name, { GlobalSecondaryIndexes: [gsi("byG", { OnDemandThroughput: { MaxWriteRequestUnits: 40_001 } })] })))),
      indexText("MaxWriteRequestUnits", "TableMaxWriteCapacityUnits"),
    );
    await ddb.send(new CreateTableCommand(onDemandWithIndex(name, { OnDemandThroughput: { MaxReadRequestUnits: 40_000, MaxWriteRequestUnits: 40_000 } })));

    const table = (o: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number }) => new UpdateTableCommand({ TableName: name, OnDemandThroughput: o });
    const index = (o: { MaxReadRequestUnits?: number; MaxWriteRequestUnits?: number }) =>
      new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", OnDemandThroughput: o } }] });
    assert.equal(await limitExceeded(ddb.send(table({ MaxWriteRequestUnits: 40_001 }))), tableText("MaxWriteRequestUnits", "TableMaxWriteCapacityUnits"));
    assert.equal(await limitExceeded(ddb.send(index({ MaxReadRequestUnits: 100_000 }))), indexText("MaxReadRequestUnits", "TableMaxReadCapacityUnits"));
    await ddb.send(table({ MaxReadRequestUnits: -1, MaxWriteRequestUnits: 40_000 }));
    await ddb.send(index({ MaxReadRequestUnits: 40_000 }));
    const described = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(described?.GlobalSecondaryIndexes?.[0]?.OnDemandThroughput?.MaxReadRequestUnits, 40_000);
  });

  test("80,000 units an account in a Region: tables and GSIs, made or raised, refused past it; on-demand tables and other Regions do not count", async () => {
    // An account of its own: the tables of the other tests, run in parallel, count against theirs.
    const own = client(nimbus, { accessKeyId: "330000000001" });
    const west = client(nimbus, { accessKeyId: "330000000001", region: "us-west-2" });
    try {
      await own.send(new CreateTableCommand(provisioned("tbl-a", 30_000, 20_000, [gsi("byG", { ProvisionedThroughput: units(10_000, 20_000) })])));
      await own.send(new CreateTableCommand(provisioned("tbl-b", 40_000, 30_000)));
      // 80,000 reads and 70,000 writes held.
      assert.equal(await limitExceeded(own.send(new CreateTableCommand(provisioned("tbl-c", 1, 1)))), perAccount("ReadCapacityUnits", 80_000, 1));
      // The request's indexes count with its table; reads come first, writes are held alike.
      await own.send(new UpdateTableCommand({ TableName: "tbl-b", ProvisionedThroughput: units(30_000, 30_000) }));
      assert.equal(
        await limitExceeded(own.send(new CreateTableCommand(provisioned("tbl-c", 5_000, 5_000, [gsi("byG", { ProvisionedThroughput: units(5_000, 5_001) })])))),
        perAccount("WriteCapacityUnits", 70_000, 10_001),
      );
      // On-demand tables reserve nothing; another Region has its own quota.
      await own.send(new CreateTableCommand(onDemandWithIndex("tbl-od")));
      await west.send(new CreateTableCommand(provisioned("tbl-w", 40_000, 40_000, [gsi("byG", { ProvisionedThroughput: units(40_000, 40_000) })])));

      // Up to the quota exactly, then an increase is refused by what it adds; a GSI made, and a switch to provisioned, alike.
      await own.send(new UpdateTableCommand({ TableName: "tbl-b", ProvisionedThroughput: units(40_000, 30_000) }));
      assert.equal(
        await limitExceeded(own.send(new UpdateTableCommand({ TableName: "tbl-a", GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", ProvisionedThroughput: units(12_000, 20_000) } }] }))),
        perAccount("ReadCapacityUnits", 80_000, 2_000),
      );
      assert.equal(await limitExceeded(own.send(createIndex("tbl-b", "more", { ProvisionedThroughput: units(1, 1) }))), perAccount("ReadCapacityUnits", 80_000, 1));
      assert.equal(
        await limitExceeded(own.send(new UpdateTableCommand({ TableName: "tbl-od", BillingMode: "PROVISIONED", ProvisionedThroughput: units(1, 1), GlobalSecondaryIndexUpdates: [{ Update: { IndexName: "byG", ProvisionedThroughput: units(1, 1) } }] }))),
        perAccount("ReadCapacityUnits", 80_000, 2),
      );
      const b = (await own.send(new DescribeTableCommand({ TableName: "tbl-b" }))).Table;
      assert.equal(b?.GlobalSecondaryIndexes, undefined);
      // A decrease is never refused for the quota; what it frees can be taken.
      await own.send(new UpdateTableCommand({ TableName: "tbl-b", ProvisionedThroughput: units(39_000, 30_000) }));
      await own.send(createIndex("tbl-b", "more", { ProvisionedThroughput: units(1_000, 1) }));
      // A table switched to on-demand, or deleted, gives its units back.
      await own.send(new UpdateTableCommand({ TableName: "tbl-b", BillingMode: "PAY_PER_REQUEST" }));
      await own.send(new CreateTableCommand(provisioned("tbl-c", 40_000, 40_000)));
      await own.send(new DeleteTableCommand({ TableName: "tbl-a" }));
      await own.send(new CreateTableCommand(provisioned("tbl-d", 40_000, 40_000)));
      assert.equal(await limitExceeded(own.send(new CreateTableCommand(provisioned("tbl-e", 1, 1)))), perAccount("ReadCapacityUnits", 80_000, 1));
    } finally {
      own.destroy();
      west.destroy();
    }
  });

  test("UpdateTable adding a 21st GSI: LimitExceededException (CreateTable's 21 stay a ValidationException)", async () => {
    const name = uniqueName("gsi-count");
    const indexes = Array.from({ length: 21 }, (_, i) => gsi(`gsi${i}`));
    const invalid = await failure<DynamoDBServiceException>(ddb.send(new CreateTableCommand(onDemandWithIndex(name, { GlobalSecondaryIndexes: indexes }))));
    assert.deepEqual([invalid.name, invalid.message], ["ValidationException", "One or more parameter values were invalid: GlobalSecondaryIndex count exceeds the per-table limit of 20"]);
    await ddb.send(new CreateTableCommand(onDemandWithIndex(name, { GlobalSecondaryIndexes: indexes.slice(0, 20) })));
    assert.equal(await limitExceeded(ddb.send(createIndex(name, "gsi20"))), "Subscriber limit exceeded: Number of global secondary indexes exceeds per-table limit of 20");
    // What the request asks is checked first: an existing name is still refused for that.
    assert.equal((await failure<DynamoDBServiceException>(ddb.send(createIndex(name, "gsi0")))).name, "ValidationException");
    await ddb.send(new UpdateTableCommand({ TableName: name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "gsi0" } }] }));
    await ddb.send(createIndex(name, "gsi20"));
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.GlobalSecondaryIndexes?.length, 20);
  });

  test("TableClass: two changes in 30 days, then every TableClass update refused, a re-send of the class the table has too", async () => {
    const name = uniqueName("class");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    const toClass = (tableClass: "STANDARD" | "STANDARD_INFREQUENT_ACCESS") => new UpdateTableCommand({ TableName: name, TableClass: tableClass });
    // A re-send of the class the table has changes nothing and spends nothing.
    await ddb.send(toClass("STANDARD"));
    const first = nimbus.clock.now();
    await ddb.send(toClass("STANDARD_INFREQUENT_ACCESS"));
    nimbus.manualClock.advance(DAY);
    await ddb.send(toClass("STANDARD"));
    const second = nimbus.clock.now();
    nimbus.manualClock.advance(HOUR);
    const text = "Subscriber limit exceeded: Updates to TableClass are limited to 2 times in 30 day(s).";
    assert.equal(await limitExceeded(ddb.send(toClass("STANDARD_INFREQUENT_ACCESS"))), text);
    assert.equal(await limitExceeded(ddb.send(toClass("STANDARD"))), text);
    // The refusals change nothing: the summary names the second change (DDB-TABLE-284).
    assert.deepEqual((await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableClassSummary, { TableClass: "STANDARD", LastUpdateDateTime: new Date(second) });
    // Another table has its own two.
    const other = uniqueName("class-other");
    await ddb.send(new CreateTableCommand(hashTable(other)));
    await ddb.send(new UpdateTableCommand({ TableName: other, TableClass: "STANDARD_INFREQUENT_ACCESS" }));
    // Thirty days after the first change, one is free again.
    nimbus.manualClock.set(first + 30 * DAY - 1);
    assert.equal(await limitExceeded(ddb.send(toClass("STANDARD_INFREQUENT_ACCESS"))), text);
    nimbus.manualClock.set(first + 30 * DAY);
    await ddb.send(toClass("STANDARD_INFREQUENT_ACCESS"));
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableClassSummary?.TableClass, "STANDARD_INFREQUENT_ACCESS");
    assert.equal(await limitExceeded(ddb.send(toClass("STANDARD"))), text);
  });

  test("encryption changes: four in the 24 hours from the first, then one every 21,600 s; the text names the window's end, the count, the last and the next change", async () => {
    const name = uniqueName("sse");
    await ddb.send(new CreateTableCommand(hashTable(name)));
    // After the other tests' days: the window's times below are written out.
    nimbus.manualClock.set(Date.parse("2027-03-01T08:00:00.402Z"));
    const sse = (enabled: boolean) => new UpdateTableCommand({ TableName: name, SSESpecification: { Enabled: enabled } });
    for (const enabled of [true, false, true, true]) {
      await ddb.send(sse(enabled));
      nimbus.manualClock.advance(60_000);
    }
    // The last change was at 08:03:00.402; a re-send of the key the table has counts as a change.
    const text = (count: number, last: string, next: string) =>
      "Subscriber limit exceeded: Encryption mode changes are limited in the 24h window ending at 2027-03-02T08:00:00.402Z. After the first 4 change, each subsequent change in the same window can be performed at most once every 21600 seconds. " +
      `Number of updates today: ${count}. Last change at ${last}. Next changes can be made at ${next}.`;
    assert.equal(await limitExceeded(ddb.send(sse(false))), text(4, "2027-03-01T08:03:00.402Z", "2027-03-01T14:03:00.402Z"));
    // Refused whatever it asks, before its key is looked at.
    assert.equal(
      await limitExceeded(ddb.send(new UpdateTableCommand({ TableName: name, SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: "alias/none" } }))),
      text(4, "2027-03-01T08:03:00.402Z", "2027-03-01T14:03:00.402Z"),
    );
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.SSEDescription?.Status, "ENABLED");
    nimbus.manualClock.set(Date.parse("2027-03-01T14:03:00.401Z"));
    await limitExceeded(ddb.send(sse(false)));
    nimbus.manualClock.set(Date.parse("2027-03-01T14:03:00.402Z"));
    await ddb.send(sse(false));
    nimbus.manualClock.advance(1);
    assert.equal(await limitExceeded(ddb.send(sse(true))), text(5, "2027-03-01T14:03:00.402Z", "2027-03-01T20:03:00.402Z"));
    // The window over, four are free again.
    nimbus.manualClock.set(Date.parse("2027-03-02T08:00:00.402Z"));
    for (const enabled of [true, false, true, false]) await ddb.send(sse(enabled));
    assert.match(await limitExceeded(ddb.send(sse(true))), /window ending at 2027-03-03T08:00:00\.402Z\. .* Number of updates today: 4\. Last change at 2027-03-02T08:00:00\.402Z\. Next changes can be made at 2027-03-02T14:00:00\.402Z\.$/);
  });
});

test("the table class and encryption changes spent survive a restart", async () => {
  const name = uniqueName("quota-restart");
  await acrossRestart(
    (nimbus) => ({ nimbus, ddb: client(nimbus) }),
    (c) => c.ddb.destroy(),
    async ({ ddb }) => {
      await ddb.send(new CreateTableCommand(hashTable(name)));
      await ddb.send(new UpdateTableCommand({ TableName: name, TableClass: "STANDARD_INFREQUENT_ACCESS" }));
      await ddb.send(new UpdateTableCommand({ TableName: name, TableClass: "STANDARD" }));
      for (const enabled of [true, false, true, false]) await ddb.send(new UpdateTableCommand({ TableName: name, SSESpecification: { Enabled: enabled } }));
    },
    async ({ nimbus, ddb }) => {
      assert.equal(await limitExceeded(ddb.send(new UpdateTableCommand({ TableName: name, TableClass: "STANDARD_INFREQUENT_ACCESS" }))), "Subscriber limit exceeded: Updates to TableClass are limited to 2 times in 30 day(s).");
      // The harness starts both at 2026-01-15 12:00 UTC.
      assert.match(await limitExceeded(ddb.send(new UpdateTableCommand({ TableName: name, SSESpecification: { Enabled: true } }))), /ending at 2026-01-16T12:00:00Z\. .* Number of updates today: 4\. Last change at 2026-01-15T12:00:00Z\. Next changes can be made at 2026-01-15T18:00:00Z\.$/);
      nimbus.manualClock.advance(6 * HOUR);
      await ddb.send(new UpdateTableCommand({ TableName: name, SSESpecification: { Enabled: true } }));
    },
  );
});
