import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { ManualClock } from "../../core/manual-clock.js";
import type { Scope } from "../../core/service.js";
import { openState } from "../../state/database.js";
import { readItem, writeItem, type StreamRecordEvent, type WriteContext } from "./items.js";
import { stampLegacyReplication } from "./replication.js";
import { DynamoStore } from "./store.js";
import { CURRENT_GLOBAL_VERSION, LEGACY_GLOBAL_VERSION, tableArn, type GlobalMeta, type TableMeta } from "./table.js";

const ACCOUNT = "000000000000";
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1"];

function meta(scope: Scope, name: string, global: GlobalMeta): TableMeta {
  const arn = tableArn(scope, name);
  return {
    name,
    id: `${scope.region}-id`,
    arn,
    createdAt: 0,
    attributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    keySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    billingMode: "PAY_PER_REQUEST",
    provisioned: { read: 0, write: 0, decreasesToday: 0 },
    gsis: [],
    lsis: [],
    stream: { enabled: true, viewType: "NEW_AND_OLD_IMAGES", label: "l", arn: `${arn}/stream/l` },
    tableClass: "STANDARD",
    deletionProtection: false,
    global,
  };
}

describe("replication", () => {
  const state = openState({ inMemory: true });
  after(() => state.close());
  const store = new DynamoStore(state);
  const clock = new ManualClock(Date.parse("2026-01-15T12:00:00.000Z"));
  const emitted: { scope: Scope | undefined; detail: StreamRecordEvent }[] = [];

  function group(version: GlobalMeta["version"], name: string): Map<string, TableMeta> {
    const tables = new Map<string, TableMeta>();
    for (const region of REGIONS) {
      const scope = { account: ACCOUNT, region };
      const m = meta(scope, name, { version, regions: [...REGIONS], createdAt: 0, overrides: {} });
      store.insertTable(scope, m);
      tables.set(region, m);
    }
    return tables;
  }
  const ctxIn = (region: string): WriteContext => ({
    account: ACCOUNT,
    region,
    store,
    clock,
    emit: (_type, detail, scope) => emitted.push({ scope, detail }),
  });

  test("a write to one replica is written to every other one, with one stream record in each region and no echo", () => {
    emitted.length = 0;
    const tables = group(CURRENT_GLOBAL_VERSION, "current");
    const source = tables.get("us-west-2") as TableMeta;
    writeItem(ctxIn("us-west-2"), source, undefined, { pk: { S: "k" }, v: { N: "1" } });
    for (const region of REGIONS) {
      const scope = { account: ACCOUNT, region };
      assert.deepEqual(readItem(store, scope, tables.get(region) as TableMeta, { pk: { S: "k" } }), { pk: { S: "k" }, v: { N: "1" } });
    }
    assert.deepEqual(
      emitted.map((e) => e.scope?.region),
      ["us-west-2", "us-east-1", "eu-west-1"],
    );
    assert.deepEqual(
      emitted.map((e) => (e.detail.record as { awsRegion: string }).awsRegion),
      ["us-west-2", "us-east-1", "eu-west-1"],
    );
  });

  test("a write that changes nothing is not replicated", () => {
    emitted.length = 0;
    const tables = group(CURRENT_GLOBAL_VERSION, "unchanged");
    const east = tables.get("us-east-1") as TableMeta;
    writeItem(ctxIn("us-east-1"), east, undefined, { pk: { S: "k" } });
    emitted.length = 0;
    writeItem(ctxIn("us-east-1"), east, { pk: { S: "k" } }, { pk: { S: "k" } });
    assert.equal(emitted.length, 0);
  });

  test("legacy tables stamp aws:rep:* in the writing region's item and its copies", () => {
    const tables = group(LEGACY_GLOBAL_VERSION, "legacy");
    writeItem(ctxIn("eu-west-1"), tables.get("eu-west-1") as TableMeta, undefined, { pk: { S: "k" } });
    const expected = { pk: { S: "k" }, "aws:rep:deleting": { BOOL: false }, "aws:rep:updatetime": { N: "1768478400.000000" }, "aws:rep:updateregion": { S: "eu-west-1" } };
    for (const region of REGIONS) assert.deepEqual(readItem(store, { account: ACCOUNT, region }, tables.get(region) as TableMeta, { pk: { S: "k" } }), expected);
  });

  test("stampLegacyReplication leaves current global tables and deletions alone", () => {
    const current = meta({ account: ACCOUNT, region: "us-east-1" }, "t", { version: CURRENT_GLOBAL_VERSION, regions: REGIONS, createdAt: 0, overrides: {} });
    assert.deepEqual(stampLegacyReplication(current, { pk: { S: "a" } }, "us-east-1", 0), { pk: { S: "a" } });
    const legacy = { ...{}, ...current, global: { version: LEGACY_GLOBAL_VERSION, regions: REGIONS, createdAt: 0, overrides: {} } } as TableMeta;
    assert.equal(stampLegacyReplication(legacy, undefined, "us-east-1", 0), undefined);
    assert.equal(stampLegacyReplication(legacy, { pk: { S: "a" } }, "us-east-1", 1500)?.["aws:rep:updatetime"]?.N, "1.500000");
  });
});
