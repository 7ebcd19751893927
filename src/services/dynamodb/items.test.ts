import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Consumption, encodeKeyValue, parseItem, readUnits, serializeItem, writeUnits } from "./items.js";
import { keyRange, segmentOf } from "./reads.js";
import type { IndexMeta } from "./table.js";

describe("storage encoding", () => {
  test("encoded keys sort as DynamoDB orders them: numbers numerically, binaries bytewise, strings by code point", () => {
    const numbers = ["-100", "-1.5", "-1", "-0.001", "0", "0.5", "1", "1.5", "10", "99", "1e3"];
    const encoded = numbers.map((n) => encodeKeyValue({ N: n }));
    assert.deepEqual([...encoded].sort(), encoded);
    const binaries = [[0], [0, 0], [1], [1, 255], [16], [255]].map((b) => encodeKeyValue({ B: new Uint8Array(b) }));
    assert.deepEqual([...binaries].sort(), binaries);
    assert.equal(encodeKeyValue({ B: new Uint8Array([0xab, 0x01]) }), "ab01");
    assert.equal(encodeKeyValue({ S: "plain" }), "plain");
    assert.equal(encodeKeyValue(undefined), "");
  });

  test("items round-trip through JSON with binaries as base64", () => {
    const item = {
      b: { B: Buffer.from([1, 2, 3]) },
      bs: { BS: [new Uint8Array([9]), Buffer.from([8, 7])] },
      m: { M: { B: { S: "a map key named B is not a binary" }, BS: { L: [{ S: "nor is BS" }] } } },
      n: { N: "1.5" },
    };
    const text = serializeItem(item);
    assert.equal(text, '{"b":{"B":"AQID"},"bs":{"BS":["CQ==","CAc="]},"m":{"M":{"B":{"S":"a map key named B is not a binary"},"BS":{"L":[{"S":"nor is BS"}]}}},"n":{"N":"1.5"}}');
    const back = parseItem(text);
    assert.deepEqual([...(back.b?.B ?? [])], [1, 2, 3]);
    assert.deepEqual(back.bs?.BS?.map((b) => [...b]), [[9], [8, 7]]);
    assert.deepEqual(back.m, item.m);
    // Without a binary, the plain parse: the same values, strings that look like the markers stay strings.
    const tricky = { s: { S: '"B":"AQID" and "BS":["x"]' }, m: { M: { B: { S: "x" } } } };
    assert.deepEqual(parseItem(serializeItem(tricky)), tricky);
  });
});

describe("capacity arithmetic", () => {
  test("reads round up to 4 KB, halved when eventually consistent; writes round up to 1 KB", () => {
    assert.equal(readUnits(0, true), 1);
    assert.equal(readUnits(0, false), 0.5);
    assert.equal(readUnits(4096, true), 1);
    assert.equal(readUnits(4097, true), 2);
    assert.equal(readUnits(4097, false), 1);
    assert.equal(writeUnits(0), 1);
    assert.equal(writeUnits(1024), 1);
    assert.equal(writeUnits(1025), 2);
  });

  test("Consumption totals table and indexes and describes them per ReturnConsumedCapacity", () => {
    const gsi: IndexMeta = { name: "g", kind: "GSI", keySchema: [], projection: { ProjectionType: "ALL" } };
    const lsi: IndexMeta = { name: "l", kind: "LSI", keySchema: [], projection: { ProjectionType: "ALL" } };
    const c = new Consumption("t", "write");
    c.table = 2;
    c.addIndex(gsi, 1);
    c.addIndex(gsi, 1);
    c.addIndex(lsi, 3);
    assert.equal(c.describe("NONE"), undefined);
    // Outside transactions DynamoDB reports CapacityUnits alone.
    assert.deepEqual(c.describe("TOTAL"), { TableName: "t", CapacityUnits: 7 });
    assert.deepEqual(c.describe("INDEXES"), {
      TableName: "t",
      CapacityUnits: 7,
      Table: { CapacityUnits: 2 },
      GlobalSecondaryIndexes: { g: { CapacityUnits: 2 } },
      LocalSecondaryIndexes: { l: { CapacityUnits: 3 } },
    });
    assert.deepEqual(c.describe("TOTAL", true), { TableName: "t", CapacityUnits: 7, WriteCapacityUnits: 7 });
    assert.deepEqual(c.describe("INDEXES", true), {
      TableName: "t",
      CapacityUnits: 7,
      WriteCapacityUnits: 7,
      Table: { CapacityUnits: 2, WriteCapacityUnits: 2 },
      GlobalSecondaryIndexes: { g: { CapacityUnits: 2, WriteCapacityUnits: 2 } },
      LocalSecondaryIndexes: { l: { CapacityUnits: 3, WriteCapacityUnits: 3 } },
    });
  });
});

describe("query ranges", () => {
  const pk = { name: "pk", value: { S: "p" } };
  test("sort key conditions become bounds on the encoded sort key", () => {
    assert.deepEqual(keyRange({ partitionKey: pk }), { pk: "p" });
    assert.deepEqual(keyRange({ partitionKey: pk, sortKey: { name: "sk", operator: "GT", values: [{ N: "5" }] } }), {
      pk: "p",
      lower: { value: encodeKeyValue({ N: "5" }), inclusive: false },
    });
    assert.deepEqual(keyRange({ partitionKey: pk, sortKey: { name: "sk", operator: "BETWEEN", values: [{ S: "a" }, { S: "c" }] } }), {
      pk: "p",
      lower: { value: "a", inclusive: true },
      upper: { value: "c", inclusive: true },
    });
    assert.deepEqual(keyRange({ partitionKey: pk, sortKey: { name: "sk", operator: "BEGINS_WITH", values: [{ B: new Uint8Array([0xa0]) }] } }), {
      pk: "p",
      lower: { value: "a0", inclusive: true },
      upper: { value: "a1", inclusive: false },
    });
    // Up to the prefix's successor, not prefix + U+10FFFF: "a\u{10FFFF}b" begins with "a".
    assert.deepEqual(keyRange({ partitionKey: pk, sortKey: { name: "sk", operator: "BEGINS_WITH", values: [{ S: "a" }] } }), {
      pk: "p",
      lower: { value: "a", inclusive: true },
      upper: { value: "b", inclusive: false },
    });
    assert.deepEqual(keyRange({ partitionKey: pk, sortKey: { name: "sk", operator: "BEGINS_WITH", values: [{ B: new Uint8Array([0xff]) }] } }), {
      pk: "p",
      lower: { value: "ff", inclusive: true },
      upper: undefined,
    });
  });

  test("scan segments split partitions stably and evenly enough", () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 400; i++) {
      const s = segmentOf(`key-${i}`, 4);
      assert.equal(segmentOf(`key-${i}`, 4), s);
      counts[s] = (counts[s] ?? 0) + 1;
    }
    for (const c of counts) assert.ok(c > 50, `segments are balanced: ${counts.join(",")}`);
  });
});
