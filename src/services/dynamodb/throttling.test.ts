import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Consumption } from "./items.js";
import type { IndexMeta, TableMeta } from "./table.js";
import { BURST_SECONDS, CapacityBuckets, cancellationReason, limitOf, Throttle, throttledTransaction } from "./throttling.js";

const ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/t";

function table(extra: Partial<TableMeta> = {}): TableMeta {
  return {
    name: "t",
    id: "id-1",
    arn: ARN,
    createdAt: 0,
    attributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "g", AttributeType: "S" },
      { AttributeName: "l", AttributeType: "S" },
    ],
    keySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    billingMode: "PROVISIONED",
    provisioned: { read: 2, write: 1, decreasesToday: 0 },
    gsis: [{ name: "byG", kind: "GSI", keySchema: [{ AttributeName: "g", KeyType: "HASH" }], projection: { ProjectionType: "ALL" }, provisioned: { read: 3, write: 1, decreasesToday: 0 } }],
    lsis: [
      {
        name: "byL",
        kind: "LSI",
        keySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "l", KeyType: "RANGE" },
        ],
        projection: { ProjectionType: "ALL" },
      },
    ],
    tableClass: "STANDARD",
    deletionProtection: false,
    ...extra,
  };
}

const gsiOf = (meta: TableMeta): IndexMeta => meta.gsis[0] as IndexMeta;
const lsiOf = (meta: TableMeta): IndexMeta => meta.lsis[0] as IndexMeta;

function writes(units: number, gsi = 0, lsi = 0): Consumption {
  const c = new Consumption("t", "write");
  c.table = units;
  if (gsi > 0) c.gsi.set("byG", gsi);
  if (lsi > 0) c.lsi.set("byL", lsi);
  return c;
}

describe("what bounds a table's capacity", () => {
  test("provisioned units per second, the table's or the GSI's; an on-demand maximum where one is set, -1 being none", () => {
    const meta = table();
    assert.deepEqual(limitOf(meta, undefined, "read"), { rate: 2, onDemand: false });
    assert.deepEqual(limitOf(meta, gsiOf(meta), "read"), { rate: 3, onDemand: false });
    const onDemand = table({ billingMode: "PAY_PER_REQUEST", onDemand: { MaxReadRequestUnits: 5, MaxWriteRequestUnits: -1 } });
    assert.deepEqual(limitOf(onDemand, undefined, "read"), { rate: 5, onDemand: true });
    assert.equal(limitOf(onDemand, undefined, "write"), undefined);
    assert.equal(limitOf(table({ billingMode: "PAY_PER_REQUEST" }), undefined, "read"), undefined);
  });
});

describe("capacity buckets", () => {
  test("start with 300 s of capacity, refill at the rate, and keep no more than 300 s of it", () => {
    const buckets = new CapacityBuckets();
    const limit = { rate: 2, onDemand: false };
    const k = { table: "id-1", bucket: "k" };
    assert.equal(BURST_SECONDS, 300);
    assert.equal(buckets.balance(k, limit, 0), 600);
    buckets.draw(k, limit, 650, 1000);
    assert.equal(buckets.balance(k, limit, 1000), -50);
    assert.equal(buckets.balance(k, limit, 26_000), 0);
    assert.equal(buckets.balance(k, limit, 26_500), 1);
    assert.equal(buckets.balance(k, limit, 10_000_000), 600);
    // A clock set back refills nothing.
    assert.equal(buckets.balance(k, limit, 0), -50);
  });

  test("a table's buckets go with it: what it drew is forgotten, other tables keep theirs", () => {
    const buckets = new CapacityBuckets();
    const limit = { rate: 2, onDemand: false };
    const gsi = { table: "id-1", bucket: "byG\0write" };
    const other = { table: "id-2", bucket: "k" };
    buckets.draw({ table: "id-1", bucket: "k" }, limit, 100, 0);
    buckets.draw(gsi, limit, 100, 0);
    buckets.draw(other, limit, 100, 0);
    assert.equal(buckets.size, 2);
    buckets.forgetTable("id-1");
    assert.equal(buckets.size, 1);
    assert.equal(buckets.balance(gsi, limit, 0), 600);
    assert.equal(buckets.balance(other, limit, 0), 500);
  });
});

describe("a request's throttle", () => {
  test("admits while the bucket is not empty; past it, ProvisionedThroughputExceededException naming the table", () => {
    const meta = table();
    const buckets = new CapacityBuckets();
    new Throttle(buckets, 0).charge(meta, writes(299));
    assert.equal(new Throttle(buckets, 0).refusal(meta, "write"), undefined);
    // One unit left admits a 5-unit write, which leaves the bucket 4 units short.
    new Throttle(buckets, 0).charge(meta, writes(5));
    const refused = new Throttle(buckets, 0).refusal(meta, "write");
    assert.equal(refused?.code, "ProvisionedThroughputExceededException");
    assert.equal(refused?.status, 400);
    assert.equal(refused?.message, "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.");
    assert.deepEqual(refused?.fields, { ThrottlingReasons: [{ reason: "TableWriteProvisionedThroughputExceeded", resource: ARN }] });
    assert.ok(new Throttle(buckets, 4000).refusal(meta, "write"));
    assert.equal(new Throttle(buckets, 4001).refusal(meta, "write"), undefined);
    // Reads have their own bucket.
    assert.equal(new Throttle(buckets, 0).refusal(meta, "read"), undefined);
  });

  test("an LSI draws on the table's capacity, a GSI on its own; a GSI's read refusal names the index", () => {
    const meta = table();
    const buckets = new CapacityBuckets();
    new Throttle(buckets, 0).charge(meta, writes(150, 300, 150));
    assert.ok(new Throttle(buckets, 0).refusal(meta, "write"));
    assert.ok(new Throttle(buckets, 0).refusal(meta, "write", lsiOf(meta)));
    const gsi = new Throttle(buckets, 0).refusal(meta, "write", gsiOf(meta));
    assert.equal(
      gsi?.message,
      "The level of configured provisioned throughput for one or more global secondary indexes of the table was exceeded. Consider increasing your provisioning level for the under-provisioned global secondary indexes with the UpdateTable API",
    );
    assert.deepEqual(gsi?.fields, { ThrottlingReasons: [{ reason: "IndexWriteProvisionedThroughputExceeded", resource: `${ARN}/index/byG` }] });

    const reads = new Consumption("t", "read");
    reads.gsi.set("byG", 900);
    new Throttle(buckets, 0).charge(meta, reads);
    const read = new Throttle(buckets, 0).refusal(meta, "read", gsiOf(meta));
    assert.equal(read?.message, "The level of configured provisioned throughput for the index was exceeded");
    assert.deepEqual(read?.fields, { ThrottlingReasons: [{ reason: "IndexReadProvisionedThroughputExceeded", resource: `${ARN}/index/byG` }] });
    assert.equal(new Throttle(buckets, 0).refusal(meta, "read"), undefined);
  });

  test("a GSI out of write capacity holds back only the writes that would change it", () => {
    const meta = table();
    const buckets = new CapacityBuckets();
    new Throttle(buckets, 0).charge(meta, writes(0, 300));
    const throttle = new Throttle(buckets, 0);
    assert.equal(throttle.gsiWriteRefusal(meta, undefined, { pk: { S: "a" } }), undefined);
    assert.equal(throttle.gsiWriteRefusal(meta, { pk: { S: "a" }, g: { S: "x" } }, { pk: { S: "a" }, g: { S: "x" } }), undefined);
    assert.equal(throttle.gsiWriteRefusal(meta, undefined, { pk: { S: "a" }, g: { S: "x" } })?.code, "ProvisionedThroughputExceededException");
    assert.ok(throttle.gsiWriteRefusal(meta, { pk: { S: "a" }, g: { S: "x" } }, undefined));
    assert.ok(throttle.consumedRefusal(meta, writes(1, 1)));
    assert.equal(throttle.consumedRefusal(meta, writes(1)), undefined);
  });

  test("an on-demand maximum refuses with ThrottlingException; a transaction cancels with ThrottlingError", () => {
    const meta = table({ billingMode: "PAY_PER_REQUEST", onDemand: { MaxWriteRequestUnits: 1 }, gsis: [] });
    const buckets = new CapacityBuckets();
    new Throttle(buckets, 0).charge(meta, writes(300));
    const refused = new Throttle(buckets, 0).refusal(meta, "write");
    assert.equal(refused?.code, "ThrottlingException");
    assert.equal(refused?.message, "Throughput exceeds the maximum OnDemandThroughput configured on table or index");
    assert.deepEqual(refused?.fields, { ThrottlingReasons: [{ reason: "TableWriteMaxOnDemandThroughputExceeded", resource: ARN }] });
    assert.deepEqual(cancellationReason(refused ?? assert.fail()), { Code: "ThrottlingError", Message: "Throughput exceeds the maximum OnDemandThroughput configured on table or index" });
    const provisioned = table();
    new Throttle(buckets, 0).charge(provisioned, writes(300));
    const tableRefusal = new Throttle(buckets, 0).refusal(provisioned, "write");
    assert.equal(throttledTransaction([undefined, undefined]), undefined);
    const cancelled = throttledTransaction([undefined, tableRefusal, refused]);
    assert.equal(cancelled?.code, "TransactionCanceledException");
    assert.equal(cancelled?.message, "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ProvisionedThroughputExceeded, ThrottlingError]");
    assert.deepEqual(cancelled?.fields.CancellationReasons, [
      { Code: "None" },
      { Code: "ProvisionedThroughputExceeded", Message: "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API." },
      { Code: "ThrottlingError", Message: "Throughput exceeds the maximum OnDemandThroughput configured on table or index" },
    ]);
    // Without a maximum, nothing is counted.
    const unbounded = table({ billingMode: "PAY_PER_REQUEST", id: "id-2", gsis: [] });
    new Throttle(buckets, 0).charge(unbounded, writes(1_000_000));
    assert.equal(new Throttle(buckets, 0).refusal(unbounded, "write"), undefined);
  });
});
