import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { ManualClock } from "../../core/manual-clock.js";
import { openState } from "../../state/database.js";
import {
  backupArn,
  backupArnTime,
  backupPage,
  createSystemBackup,
  itemsAt,
  LATEST_RESTORABLE_LAG_MS,
  pruneBackups,
  restorableWindow,
  restoreRequest,
  SYSTEM_BACKUP_RETENTION_MS,
} from "./backups.js";
import type { Item } from "./domain/index.js";
import { baseRowKey, writeItem, type WriteContext } from "./items.js";
import { DynamoStore, type BackupRow } from "./store.js";
import { tableArn, tableSchema, type TableMeta } from "./table.js";

const DAY = 24 * 3600 * 1000;
const scope = { account: "000000000000", region: "us-east-1" };

function tableMeta(name: string, extra: Partial<TableMeta> = {}): TableMeta {
  return {
    name,
    id: `id-${name}`,
    arn: tableArn(scope, name),
    createdAt: 0,
    attributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "g", AttributeType: "S" },
    ],
    keySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    billingMode: "PAY_PER_REQUEST",
    provisioned: { read: 0, write: 0, decreasesToday: 0 },
    gsis: [{ name: "byG", kind: "GSI", keySchema: [{ AttributeName: "g", KeyType: "HASH" }], projection: { ProjectionType: "ALL" } }],
    lsis: [],
    tableClass: "STANDARD",
    deletionProtection: false,
    ...extra,
  };
}

describe("point-in-time state from the item history", () => {
  const state = openState({ inMemory: true });
  after(() => state.close());
  const store = new DynamoStore(state);
  const clock = new ManualClock(10_000);
  const ctx: WriteContext = { ...scope, store, clock, emit: () => undefined };
  const meta = tableMeta("hist");
  store.insertTable(scope, meta);

  const item = (pk: string, v: string): Item => ({ pk: { S: pk }, v: { S: v } });
  const current = (pk: string) => {
    const row = store.getRow(scope, meta.name, "", baseRowKey(tableSchema(meta), { pk: { S: pk } }));
    return row ? (JSON.parse(row.item) as Item) : undefined;
  };
  const put = (pk: string, v: string) => writeItem(ctx, meta, current(pk), item(pk, v));
  const del = (pk: string) => writeItem(ctx, meta, current(pk), undefined);
  const stateAt = (at: number) =>
    [...itemsAt(store, scope, meta, at)].map((i) => `${i.pk?.S}=${i.v?.S}`).sort();

  test("nothing is recorded while PITR is off", () => {
    put("before", "0");
    assert.equal(store.itemsBeforeChangesAfter(scope, meta.id, 0).size, 0);
  });

  test("each moment's items come back: puts, updates and deletes undone in order", () => {
    meta.pitrSince = clock.now();
    clock.set(20_000);
    put("a", "1");
    clock.set(30_000);
    put("b", "1");
    clock.set(40_000);
    put("a", "2");
    put("a", "3"); // two changes in one moment: the first one's before-image counts
    clock.set(50_000);
    del("b");
    clock.set(60_000);
    put("c", "1");
    del("before");
    assert.deepEqual(stateAt(15_000), ["before=0"]);
    assert.deepEqual(stateAt(20_000), ["a=1", "before=0"], "a change at T is part of the state at T");
    assert.deepEqual(stateAt(35_000), ["a=1", "b=1", "before=0"]);
    assert.deepEqual(stateAt(45_000), ["a=3", "b=1", "before=0"]);
    assert.deepEqual(stateAt(55_000), ["a=3", "before=0"]);
    assert.deepEqual(stateAt(65_000), ["a=3", "c=1"]);
  });

  test("an unchanged write leaves no history", () => {
    const before = store.itemsBeforeChangesAfter(scope, meta.id, 61_000).size;
    clock.set(70_000);
    put("c", "1");
    assert.equal(store.itemsBeforeChangesAfter(scope, meta.id, 61_000).size, before);
  });

  test("pruning drops what no restore inside the window needs, and the history of tables without PITR", () => {
    const other = tableMeta("gone", { pitrSince: 0 });
    writeItem(ctx, other, undefined, item("x", "1")); // history of a table that is not in the store
    meta.pitrRecoveryPeriodDays = 1;
    store.saveTable(scope, meta);
    // One day and 45 s after the epoch start: changes before 45 s are outside the window.
    pruneBackups(store, DAY + 45_000);
    assert.deepEqual([...store.itemsBeforeChangesAfter(scope, meta.id, 0).keys()].map((k) => k.split("\u0000")[0]).sort(), ["b", "before", "c"]);
    assert.equal(store.itemsBeforeChangesAfter(scope, other.id, 0).size, 0);
    assert.deepEqual(stateAt(55_000), ["a=3", "before=0"], "the window's states are unchanged");
  });

  test("the restorable window: from the later of enabling and the recovery period, to five minutes ago", () => {
    assert.equal(restorableWindow(tableMeta("off"), 1e9), undefined);
    const on = tableMeta("on", { pitrSince: 1_000_000 });
    assert.deepEqual(restorableWindow(on, 1_000_000 + 60_000), { earliest: 1_000_000, latest: 1_000_000 });
    const later = 1_000_000 + 40 * DAY;
    assert.deepEqual(restorableWindow(on, later), { earliest: later - 35 * DAY, latest: later - LATEST_RESTORABLE_LAG_MS });
    assert.deepEqual(restorableWindow({ ...on, pitrRecoveryPeriodDays: 7 }, later), { earliest: later - 7 * DAY, latest: later - LATEST_RESTORABLE_LAG_MS });
  });
});

describe("backups in the store", () => {
  const state = openState({ inMemory: true });
  after(() => state.close());
  const store = new DynamoStore(state);
  const clock = new ManualClock(1_700_000_000_000);
  const ctx: WriteContext = { ...scope, store, clock, emit: () => undefined };
  const meta = tableMeta("src");
  store.insertTable(scope, meta);
  for (let i = 0; i < 300; i++) writeItem(ctx, meta, undefined, { pk: { S: `k${String(i).padStart(3, "0")}` }, g: { S: "x" } });

  function backup(name: string, at: number, type: "USER" | "SYSTEM" = "USER", table = meta): BackupRow {
    const arn = backupArn(table.arn, at, Buffer.from([at % 256, 1, 2, 3]));
    const copied = store.createBackup(scope, { arn, name, tableName: table.name, type, createdAt: at, source: JSON.stringify(table) });
    return { arn, name, tableName: table.name, type, createdAt: at, source: JSON.stringify(table), ...copied };
  }

  test("ARNs carry the creation time in 14 digits and 8 hex digits, as DynamoDB's do", () => {
    const arn = backupArn("arn:aws:dynamodb:us-east-1:000000000000:table/t", 1681997703770, Buffer.from([0xaa, 0x93, 0x52, 0x8e]));
    assert.equal(arn, "arn:aws:dynamodb:us-east-1:000000000000:table/t/backup/01681997703770-aa93528e");
    assert.equal(backupArnTime(arn), 1681997703770);
    assert.equal(backupArnTime("arn:aws:dynamodb:us-east-1:000000000000:table/t/backup/x"), undefined);
  });

  test("a backup copies the base rows (not index rows) and reads back in pages", () => {
    const b = backup("first", 1000);
    assert.equal(b.itemCount, 300);
    assert.equal(b.sizeBytes, store.stats(scope, "src", "").bytes);
    const items = [...store.backupItems(scope, b.arn)];
    assert.equal(items.length, 300);
    // Later writes do not reach the copy.
    writeItem(ctx, meta, undefined, { pk: { S: "late" } });
    assert.equal([...store.backupItems(scope, b.arn)].length, 300);
    store.deleteBackup(scope, b.arn);
    assert.equal(store.getBackup(scope, b.arn), undefined);
    assert.equal([...store.backupItems(scope, b.arn)].length, 0);
  });

  test("listing: creation order, table, time range (lower inclusive, upper exclusive), type, resume point", () => {
    const other = tableMeta("other");
    store.insertTable(scope, other);
    backup("b1", 2000);
    const b2 = backup("b2", 3000, "USER", other);
    backup("b3", 4000, "SYSTEM");
    backup("b4", 5000);
    const names = (rows: BackupRow[]) => rows.map((r) => r.name);
    assert.deepEqual(names(store.listBackups(scope, { types: ["USER"] }, 10)), ["b1", "b2", "b4"]);
    assert.deepEqual(names(store.listBackups(scope, { types: ["USER", "SYSTEM"], tableName: "src" }, 10)), ["b1", "b3", "b4"]);
    assert.deepEqual(names(store.listBackups(scope, { types: ["USER", "SYSTEM"], from: 3000, before: 5000 }, 10)), ["b2", "b3"]);
    assert.deepEqual(names(store.listBackups(scope, { types: ["USER", "SYSTEM"], after: { createdAt: b2.createdAt, arn: b2.arn } }, 10)), ["b3", "b4"]);
    assert.deepEqual(names(store.listBackups(scope, { types: ["USER"] }, 2)), ["b1", "b2"]);
    assert.deepEqual(names(store.listBackups({ account: "111111111111", region: "us-east-1" }, { types: ["USER"] }, 10)), []);
  });

  test("a deleted PITR table's SYSTEM backup: named after the table, kept 35 days, then dropped", () => {
    assert.equal(createSystemBackup(store, scope, meta, 9000), undefined, "no PITR, no system backup");
    const arn = createSystemBackup(store, scope, { ...meta, pitrSince: 0 }, 9000);
    assert.ok(arn);
    const row = store.getBackup(scope, arn);
    assert.equal(row?.name, "src$DeletedTableBackup");
    assert.equal(row?.type, "SYSTEM");
    assert.equal(row?.expiresAt, 9000 + SYSTEM_BACKUP_RETENTION_MS);
    assert.equal(row?.itemCount, 301);
    pruneBackups(store, 9000 + SYSTEM_BACKUP_RETENTION_MS - 1);
    assert.ok(store.getBackup(scope, arn));
    pruneBackups(store, 9000 + SYSTEM_BACKUP_RETENTION_MS);
    assert.equal(store.getBackup(scope, arn), undefined);
    assert.equal([...store.backupItems(scope, arn)].length, 0);
    assert.equal(store.listBackups(scope, { types: ["USER"] }, 10).length, 3, "USER backups never expire");
  });

  test("a ListBackups page stops at the limit or about 1 MB, and names its last backup when more follow", () => {
    const rows = store.listBackups(scope, { types: ["USER", "SYSTEM"] }, 10);
    const page = backupPage(rows, 2);
    assert.equal(page.summaries.length, 2);
    assert.equal(page.next, page.summaries[1]?.BackupArn);
    assert.deepEqual(backupPage(rows, 10).next, undefined);
    const big = { ...rows[0], name: "n".repeat(255), source: JSON.stringify({ ...meta, name: "t".repeat(255) }) } as BackupRow;
    const many = Array.from({ length: 5000 }, () => big);
    const capped = backupPage(many, Number.MAX_SAFE_INTEGER);
    assert.ok(capped.summaries.length < 5000 && capped.summaries.length > 1000, String(capped.summaries.length));
    assert.ok(capped.next);
  });
});

describe("the CreateTable request a restore makes", () => {
  const provisioned = tableMeta("p", {
    billingMode: "PROVISIONED",
    provisioned: { read: 5, write: 6, decreasesToday: 0 },
    attributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "N" },
      { AttributeName: "g", AttributeType: "S" },
      { AttributeName: "l", AttributeType: "S" },
    ],
    keySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    gsis: [{ name: "byG", kind: "GSI", keySchema: [{ AttributeName: "g", KeyType: "HASH" }], projection: { ProjectionType: "KEYS_ONLY" }, provisioned: { read: 1, write: 2, decreasesToday: 0 } }],
    lsis: [{ name: "byL", kind: "LSI", keySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "l", KeyType: "RANGE" }], projection: { ProjectionType: "ALL" } }],
    sse: { enabled: true, type: "KMS", kmsKeyArn: "arn:aws:kms:us-east-1:000000000000:key/k" },
    tableClass: "STANDARD_INFREQUENT_ACCESS",
    stream: { enabled: true, viewType: "NEW_IMAGE", label: "l", arn: "s" },
    ttl: { attribute: "exp", enabled: true },
    deletionProtection: true,
  });

  test("without overrides: the source's keys, indexes, capacity and encryption; no stream, TTL, protection or table class (DDB-TABLE-215)", () => {
    assert.deepEqual(restoreRequest(provisioned, "t2", {}), {
      TableName: "t2",
      AttributeDefinitions: provisioned.attributeDefinitions,
      KeySchema: provisioned.keySchema,
      LocalSecondaryIndexes: [{ IndexName: "byL", KeySchema: provisioned.lsis[0]?.keySchema, Projection: { ProjectionType: "ALL" } }],
      GlobalSecondaryIndexes: [
        { IndexName: "byG", KeySchema: provisioned.gsis[0]?.keySchema, Projection: { ProjectionType: "KEYS_ONLY" }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 2 } },
      ],
      BillingMode: "PROVISIONED",
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 6 },
      SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: "arn:aws:kms:us-east-1:000000000000:key/k" },
    });
  });

  test("overrides: indexes left out take their attributes with them; on-demand drops capacity", () => {
    const r = restoreRequest(provisioned, "t2", {
      BillingModeOverride: "PAY_PER_REQUEST",
      GlobalSecondaryIndexOverride: [],
      LocalSecondaryIndexOverride: [],
      SSESpecificationOverride: { Enabled: false },
    });
    assert.deepEqual(r.AttributeDefinitions?.map((d) => d.AttributeName), ["pk", "sk"]);
    assert.equal(r.GlobalSecondaryIndexes, undefined);
    assert.equal(r.LocalSecondaryIndexes, undefined);
    assert.equal(r.BillingMode, "PAY_PER_REQUEST");
    assert.equal(r.ProvisionedThroughput, undefined);
    assert.deepEqual(r.SSESpecification, { Enabled: false });
  });

  test("an on-demand source restored as provisioned gives its indexes the table's capacity", () => {
    const r = restoreRequest(tableMeta("od"), "t3", { BillingModeOverride: "PROVISIONED", ProvisionedThroughputOverride: { ReadCapacityUnits: 3, WriteCapacityUnits: 4 } });
    assert.deepEqual(r.ProvisionedThroughput, { ReadCapacityUnits: 3, WriteCapacityUnits: 4 });
    assert.deepEqual(r.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput, { ReadCapacityUnits: 3, WriteCapacityUnits: 4 });
    // Without capacity the request goes on to CreateTable, whose own rule refuses it.
    assert.equal(restoreRequest(tableMeta("od"), "t4", { BillingModeOverride: "PROVISIONED" }).ProvisionedThroughput, undefined);
  });
});
