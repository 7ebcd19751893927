import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { openState } from "../../state/database.js";
import { stateBeforeMigration } from "../../state/migration-fixture.js";
import { encodeKeyValue } from "./items.js";
import { DYNAMODB_MIGRATIONS, DynamoStore, type RangeOptions } from "./store.js";
import type { TableMeta } from "./table.js";

describe("DynamoStore.range", () => {
  const state = openState({ inMemory: true });
  after(() => state.close());
  const store = new DynamoStore(state);
  const scope = { account: "000000000000", region: "us-east-1" };
  // 600 rows in one partition (more than two internal pages), a few in another.
  const numbers = Array.from({ length: 600 }, (_, i) => String(i - 300));
  for (const n of numbers) {
    const sk = encodeKeyValue({ N: n });
    store.putRow(scope, "t", "", { pk: "p", sk, tpk: "p", tsk: sk }, JSON.stringify({ n }), 10, null);
  }
  for (const other of ["o1", "o2"]) store.putRow(scope, "t", "", { pk: other, sk: "", tpk: other, tsk: "" }, "{}", 1, null);
  const read = (opts: RangeOptions) => [...store.range(scope, "t", "", opts)].map((r) => (JSON.parse(r.item) as { n?: string }).n);

  test("a partition comes back whole, in numeric order, both directions, across pages", () => {
    assert.deepEqual(read({ pk: "p" }), numbers);
    assert.deepEqual(read({ pk: "p", descending: true }), [...numbers].reverse());
  });

  test("bounds and a resume point combine, ascending and descending", () => {
    const lower = { value: encodeKeyValue({ N: "-10" }), inclusive: false };
    const upper = { value: encodeKeyValue({ N: "280" }), inclusive: true };
    const inRange = numbers.filter((n) => Number(n) > -10 && Number(n) <= 280);
    assert.deepEqual(read({ pk: "p", lower, upper }), inRange);
    const resume = encodeKeyValue({ N: "100" });
    const at = { pk: "p", sk: resume, tpk: "p", tsk: resume };
    assert.deepEqual(read({ pk: "p", lower, upper, after: at }), inRange.filter((n) => Number(n) > 100));
    assert.deepEqual(read({ pk: "p", lower, upper, after: at, descending: true }), inRange.filter((n) => Number(n) < 100).reverse());
  });

  test("a scan visits every partition and resumes after a row", () => {
    const all = [...store.range(scope, "t", "", {})];
    assert.equal(all.length, 602);
    const resumeAt = all[400];
    assert.ok(resumeAt);
    assert.equal([...store.range(scope, "t", "", { after: resumeAt })].length, 201);
    assert.deepEqual(store.stats(scope, "t", ""), { count: 602, bytes: 6002 });
  });
});

describe("DynamoStore.range bounded by bytes", () => {
  const state = openState({ inMemory: true });
  after(() => state.close());
  // Counts the rows the item reads take out of SQLite, through the statements the store prepares.
  let fetched = 0;
  const prepare = state.db.prepare.bind(state.db);
  state.db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    if (!sql.startsWith("SELECT pk, sk, tpk, tsk, item, size FROM dynamodb_items")) return statement;
    const all = statement.all.bind(statement);
    return Object.assign(statement, {
      all: (...args: unknown[]) => {
        const rows = all(...args);
        fetched += rows.length;
        return rows;
      },
    });
  }) as typeof state.db.prepare;
  const store = new DynamoStore(state);
  const scope = { account: "000000000000", region: "us-east-1" };
  const put = (table: string, count: number, size: number) => {
    for (let i = 0; i < count; i++) {
      const sk = encodeKeyValue({ N: String(i) });
      store.putRow(scope, table, "", { pk: "p", sk, tpk: "p", tsk: sk }, `{"i":${i}}`, size, null);
    }
  };
  /** Takes rows as a Query page does: until 1 MB is read, and one more row to know there is more. */
  const page = (table: string, opts: RangeOptions) => {
    fetched = 0;
    let bytes = 0;
    let taken = 0;
    for (const row of store.range(scope, table, "", { bytes: 1024 * 1024, ...opts })) {
      taken++;
      if (bytes >= 1024 * 1024) break;
      bytes += row.size;
    }
    return { taken, fetched };
  };
  put("big", 300, 100_000);
  put("small", 3000, 1_000);

  test("a page of 100 KB items takes a dozen rows from SQLite, not a full page of them", () => {
    assert.deepEqual(page("big", { pk: "p" }), { taken: 12, fetched: 32 });
    assert.deepEqual(page("big", { pk: "p", descending: true }), { taken: 12, fetched: 32 });
  });

  test("pages of small items stay full, and every row still comes out", () => {
    const { taken, fetched: read } = page("small", { pk: "p" });
    assert.equal(taken, 1050);
    assert.ok(read >= taken && read <= taken + 256, `read ${read}`);
    assert.equal([...store.range(scope, "big", "", { pk: "p", bytes: 1024 * 1024 })].length, 300);
    assert.equal([...store.range(scope, "small", "", { bytes: 1024 * 1024 })].length, 3000);
  });
});

describe("DynamoStore item rows read from the cache", () => {
  const state = openState({ inMemory: true });
  after(() => state.close());
  const store = new DynamoStore(state);
  const scope = { account: "000000000000", region: "us-east-1" };
  const key = (pk: string, sk = "") => ({ pk, sk, tpk: pk, tsk: sk });
  const itemOf = (k: ReturnType<typeof key>) => store.getRow(scope, "t", "", k)?.item;

  test("reads follow puts, deletes, rolled-back transactions and a deleted table", () => {
    store.putRow(scope, "t", "", key("a"), '{"v":1}', 7, null);
    assert.equal(itemOf(key("a")), '{"v":1}');
    store.putRow(scope, "t", "", key("a"), '{"v":2}', 7, null);
    assert.equal(itemOf(key("a")), '{"v":2}', "an overwrite replaces the cached row");
    assert.throws(() =>
      store.transaction(() => {
        store.putRow(scope, "t", "", key("a"), '{"v":3}', 7, null);
        assert.equal(itemOf(key("a")), '{"v":3}');
        throw new Error("roll back");
      }),
    );
    assert.equal(itemOf(key("a")), '{"v":2}', "the rolled-back write is not seen");
    store.deleteRow(scope, "t", "", key("a"));
    assert.equal(itemOf(key("a")), undefined);
    store.putRow(scope, "t", "", key("b"), "{}", 2, null);
    assert.equal(itemOf(key("b")), "{}");
    store.deleteTable(scope, "t");
    assert.equal(itemOf(key("b")), undefined, "a deleted table's items are gone");
  });

  test("keys that would join to the same text stay apart, and large items are read each time", () => {
    store.putRow(scope, "t", "", key("ab", "c"), '"ab|c"', 1, null);
    store.putRow(scope, "t", "", key("a", "bc"), '"a|bc"', 1, null);
    assert.equal(itemOf(key("ab", "c")), '"ab|c"');
    assert.equal(itemOf(key("a", "bc")), '"a|bc"');
    const big = JSON.stringify("x".repeat(10_000));
    store.putRow(scope, "t", "", key("big"), big, big.length, null);
    assert.equal(itemOf(key("big")), big);
    assert.equal(itemOf(key("big")), big);
  });
});

describe("DynamoStore.readTable", () => {
  const state = openState({ inMemory: true });
  after(() => state.close());
  const store = new DynamoStore(state);
  const scope = { account: "000000000000", region: "us-east-1" };
  const meta = { name: "cached", createdAt: 1, ttl: { attribute: "exp", enabled: false } } as unknown as TableMeta;
  store.insertTable(scope, meta);

  test("one frozen description is shared until the row changes; a rolled-back change is never seen", () => {
    const first = store.readTable(scope, "cached");
    assert.equal(store.readTable(scope, "cached"), first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first?.ttl));
    assert.throws(() => {
      (first as { ttl: unknown }).ttl = undefined;
    }, TypeError);

    // getTable hands out a copy that may be changed and saved.
    const copy = store.getTable(scope, "cached") as TableMeta & { ttl: { enabled: boolean } };
    copy.ttl.enabled = true;
    // Transactions go through the store, whose cache forgets what a rolled-back one wrote (row-cache.ts).
    assert.throws(() =>
      store.transaction(() => {
        store.saveTable(scope, copy);
        assert.equal((store.readTable(scope, "cached") as unknown as { ttl: { enabled: boolean } }).ttl.enabled, true);
        throw new Error("roll back");
      }),
    );
    assert.equal((store.readTable(scope, "cached") as unknown as { ttl: { enabled: boolean } }).ttl.enabled, false);
    store.saveTable(scope, copy);
    assert.equal((store.readTable(scope, "cached") as unknown as { ttl: { enabled: boolean } }).ttl.enabled, true);
    store.deleteTable(scope, "cached");
    assert.equal(store.readTable(scope, "cached"), undefined);
  });
});

describe("DynamoStore stream positions", () => {
  test("a stream's position goes with its last record unless it is still its table's stream, so that only a table's own stream keeps numbering", () => {
    const state = openState({ inMemory: true });
    try {
      const store = new DynamoStore(state);
      const scope = { account: "000000000000", region: "us-east-1" };
      const arn = (table: string, label: string) => `arn:aws:dynamodb:us-east-1:000000000000:table/${table}/stream/${label}`;
      const live = arn("live", "2026-01-15T12:00:00.000");
      const replaced = arn("live", "2026-01-15T11:00:00.000");
      const deleted = arn("gone", "2026-01-15T12:00:00.000");
      // Times in ms after the labels' time.
      const at = (ms: number) => Date.parse("2026-01-15T12:00:00.000Z") + ms;
      store.insertTable(scope, { name: "live", createdAt: 1, stream: { enabled: true, viewType: "KEYS_ONLY", label: "2026-01-15T12:00:00.000", arn: live } } as unknown as TableMeta);
      for (const stream of [live, replaced, deleted]) store.appendStreamRecord(scope, stream, stream === deleted ? "gone" : "live", "{}", at(10));
      store.appendStreamRecord(scope, deleted, "gone", "{}", at(30));
      const positions = () => store.streamPositions().map((p) => [p.streamArn, p.lastSeq]);
      // A record still retained keeps any stream's position (a sync sends it from there).
      store.trimStreamRecords(at(20));
      assert.deepEqual(positions().sort(), [[deleted, 2], [live, 1]].sort());
      store.trimStreamRecords(at(40));
      assert.deepEqual(positions(), [[live, 1]]);
      assert.equal(store.appendStreamRecord(scope, live, "live", "{}", at(50)), 2, "the table's own stream numbers on after a quiet day");
    } finally {
      state.close();
    }
  });
});

describe("DynamoStore stream labels", () => {
  test("a new stream is labelled a millisecond after the table's latest stream when that is not earlier, that stream known until it is a day old", () => {
    const state = openState({ inMemory: true });
    try {
      const store = new DynamoStore(state);
      const scope = { account: "000000000000", region: "us-east-1" };
      const table = "arn:aws:dynamodb:us-east-1:000000000000:table/t";
      const now = Date.parse("2026-01-15T12:00:00.000Z");
      assert.equal(store.streamLabelTime(scope, table, now), now);
      store.registerStream(scope, `${table}/stream/2026-01-15T12:00:00.000`);
      assert.equal(store.streamLabelTime(scope, table, now), now + 1);
      assert.equal(store.streamLabelTime(scope, "arn:aws:dynamodb:us-east-1:000000000000:table/other", now), now, "another table's streams do not count");
      assert.equal(store.streamLabelTime(scope, table, now + 5), now + 5);
      // No record, no table: the trim keeps the stream's position while it is younger than `before`.
      store.trimStreamRecords(now);
      assert.equal(store.streamLabelTime(scope, table, now), now + 1);
      store.trimStreamRecords(now + 1);
      assert.equal(store.streamLabelTime(scope, table, now), now);
    } finally {
      state.close();
    }
  });
});

describe("DynamoStore migrations", () => {
  test("a data dir whose items, stream records and backed-up items had no rowid keeps them, their TTL and their order", () => {
    const state = stateBeforeMigration("dynamodb", DYNAMODB_MIGRATIONS, "dynamodb_items_rowid");
    try {
      const record = state.db.prepare(
        "INSERT INTO dynamodb_stream_records (account_id, region, stream_arn, seq, table_name, record, created_at) VALUES ('000000000000', 'us-east-1', 'arn:s', ?, 't', ?, ?)",
      );
      state.db
        .prepare("INSERT INTO dynamodb_backup_items (account_id, region, backup_arn, pk, sk, item, size) VALUES ('000000000000', 'us-east-1', 'arn:b', ?, '', ?, 1)")
        .run("k2", '{"k":2}');
      state.db
        .prepare("INSERT INTO dynamodb_backup_items (account_id, region, backup_arn, pk, sk, item, size) VALUES ('000000000000', 'us-east-1', 'arn:b', ?, '', ?, 1)")
        .run("k1", '{"k":1}');
      record.run(1, '{"n":1}', 10);
      record.run(2, '{"n":2}', 20);
      const insert = state.db.prepare(
        "INSERT INTO dynamodb_items (account_id, region, table_name, index_name, pk, sk, tpk, tsk, item, size, expires_at) VALUES ('000000000000', 'us-east-1', 't', '', 'p', ?, 'p', ?, ?, 3, ?)",
      );
      for (const [sk, expires] of [["b", null], ["a", 100], ["c", null]] as const) insert.run(sk, sk, JSON.stringify({ sk }), expires);
      const store = new DynamoStore(state);
      const scope = { account: "000000000000", region: "us-east-1" };
      assert.deepEqual([...store.range(scope, "t", "", { pk: "p" })].map((r) => r.sk), ["a", "b", "c"]);
      assert.deepEqual(store.expired(200, 0, 10).map((e) => e.key.sk), ["a"]);
      // The key is still unique: a put of the same key overwrites in place.
      store.putRow(scope, "t", "", { pk: "p", sk: "a", tpk: "p", tsk: "a" }, "{}", 2, null);
      assert.equal(store.stats(scope, "t", "").count, 3);
      assert.equal(store.getRow(scope, "t", "", { pk: "p", sk: "a", tpk: "p", tsk: "a" })?.size, 2);
      assert.deepEqual(store.expired(200, 0, 10), []);
      assert.deepEqual(store.streamRecordsAfter(scope, "arn:s", 0, 10).map((r) => [r.seq, r.record]), [[1, '{"n":1}'], [2, '{"n":2}']]);
      assert.equal(store.appendStreamRecord(scope, "arn:s", "t", '{"n":3}', 30), 3);
      store.trimStreamRecords(15);
      assert.deepEqual(store.streamRecordsAfter(scope, "arn:s", 0, 10).map((r) => r.seq), [2, 3]);
      assert.deepEqual(store.streamRecordsAfter(scope, "arn:s", 2, 10).map((r) => r.seq), [3]);
      assert.deepEqual(store.streamPositions(), [{ account: "000000000000", region: "us-east-1", streamArn: "arn:s", lastSeq: 3 }]);
      assert.deepEqual([...store.backupItems(scope, "arn:b")], ['{"k":1}', '{"k":2}'], "backed-up items kept, in key order");
    } finally {
      state.close();
    }
  });
});
