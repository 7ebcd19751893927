import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openState } from "../../state/database.js";
import { stateBeforeMigration } from "../../state/migration-fixture.js";
import { DYNAMODBSTREAMS_MIGRATIONS, StreamsStore } from "./store.js";

describe("StreamsStore migrations", () => {
  test("a data dir whose records had no rowid keeps them, in order, still unique by sequence number", () => {
    const state = stateBeforeMigration("dynamodbstreams", DYNAMODBSTREAMS_MIGRATIONS, "dynamodbstreams_records_rowid");
    try {
      const insert = state.db.prepare(
        "INSERT INTO dynamodbstreams_records (account_id, region, stream_arn, seq, record, size, created_at) VALUES ('000000000000', 'us-east-1', 'arn:s', ?, ?, 3, ?)",
      );
      insert.run("000002", "two", 20);
      insert.run("000001", "one", 10);
      const store = new StreamsStore(state);
      const scope = { account: "000000000000", region: "us-east-1" };
      assert.deepEqual(store.records(scope, "arn:s", "", 10).map((r) => r.record), ["one", "two"]);
      store.addRecord(scope, "arn:s", "000002", "again", 30);
      store.addRecord(scope, "arn:s", "000003", "three", 30);
      assert.deepEqual(store.records(scope, "arn:s", "000001", 10).map((r) => r.record), ["two", "three"]);
      const indexes = state.db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dynamodbstreams_records' AND sql IS NOT NULL").pluck().all();
      assert.deepEqual(indexes, ["dynamodbstreams_records_age"]);
    } finally {
      state.close();
    }
  });

  test("a data dir's streams get a trim point of none", () => {
    const state = stateBeforeMigration("dynamodbstreams", DYNAMODBSTREAMS_MIGRATIONS, "trimmed_through");
    try {
      state.db
        .prepare(
          `INSERT INTO dynamodbstreams_streams (account_id, region, stream_arn, table_name, label, view_type, key_schema, enabled, created_at)
           VALUES ('000000000000', 'us-east-1', 'arn:s', 't', 'l', 'KEYS_ONLY', '[]', 1, 5)`,
        )
        .run();
      const store = new StreamsStore(state);
      assert.equal(store.stream({ account: "000000000000", region: "us-east-1" }, "arn:s", 0)?.trimmedThrough, "");
    } finally {
      state.close();
    }
  });
});

describe("StreamsStore.trim", () => {
  test("keeps each stream's trim point, and trims every record numbered below a trimmed one", () => {
    const state = openState({ inMemory: true });
    try {
      const store = new StreamsStore(state);
      const scope = { account: "000000000000", region: "us-east-1" };
      const stream = (streamArn: string) => ({ streamArn, tableName: "t", label: "l", viewType: "KEYS_ONLY", keySchema: [], enabled: true, createdAt: 1 });
      store.upsertStream(scope, stream("arn:a"));
      store.upsertStream(scope, stream("arn:b"));
      // Record 1 of arn:a arrived after record 2 (DynamoDB re-sent it when the service started).
      store.addRecord(scope, "arn:a", "000002", "two", 10);
      store.addRecord(scope, "arn:a", "000001", "one", 20);
      store.addRecord(scope, "arn:a", "000003", "three", 30);
      store.addRecord(scope, "arn:b", "000001", "b-one", 30);
      store.trim(15);
      assert.equal(store.stream(scope, "arn:a", 0)?.trimmedThrough, "000002");
      assert.equal(store.stream(scope, "arn:b", 0)?.trimmedThrough, "");
      assert.deepEqual(store.records(scope, "arn:a", "", 10).map((r) => r.record), ["three"]);
      assert.deepEqual(store.records(scope, "arn:b", "", 10).map((r) => r.record), ["b-one"]);
      // A later trim with nothing older leaves the trim point where it is.
      store.trim(15);
      assert.equal(store.stream(scope, "arn:a", 0)?.trimmedThrough, "000002");
      store.trim(31);
      assert.equal(store.stream(scope, "arn:a", 0)?.trimmedThrough, "000003");
      assert.equal(store.stream(scope, "arn:b", 0)?.trimmedThrough, "000001");
    } finally {
      state.close();
    }
  });
});

describe("StreamsStore: a deleted table's stream", () => {
  test("is gone from reads once its time is up, stays disabled and going through a later sync, and dropExpired deletes it with its records", () => {
    const state = openState({ inMemory: true });
    try {
      const store = new StreamsStore(state);
      const scope = { account: "000000000000", region: "us-east-1" };
      const stream = { streamArn: "arn:s", tableName: "t", label: "l", viewType: "KEYS_ONLY", keySchema: [], enabled: true, createdAt: 1 };
      store.upsertStream(scope, stream);
      store.addRecord(scope, "arn:s", "000001", "one", 5);
      store.upsertStream(scope, { ...{}, ...stream, enabled: false, expiresAt: 100 });
      // A sync while the table was still DELETING re-sends the stream as it was.
      store.upsertStream(scope, stream);
      assert.deepEqual([store.stream(scope, "arn:s", 99)?.enabled, store.stream(scope, "arn:s", 99)?.expiresAt], [false, 100]);
      assert.equal(store.stream(scope, "arn:s", 100), undefined);
      assert.deepEqual(store.streams(scope, "t", undefined, 10, 99).map((s) => s.streamArn), ["arn:s"]);
      assert.deepEqual(store.streams(scope, "t", undefined, 10, 100), []);
      store.dropExpired(99);
      assert.equal(store.records(scope, "arn:s", "", 10).length, 1);
      store.dropExpired(100);
      assert.equal(store.records(scope, "arn:s", "", 10).length, 0);
      assert.equal(state.db.prepare("SELECT COUNT(*) FROM dynamodbstreams_streams").pluck().get(), 0);
    } finally {
      state.close();
    }
  });
});

describe("StreamsStore: a stream switch in progress", () => {
  test("a sync that says nothing of it keeps it; the next switch replaces it", () => {
    const state = openState({ inMemory: true });
    try {
      const store = new StreamsStore(state);
      const scope = { account: "000000000000", region: "us-east-1" };
      const stream = { streamArn: "arn:s", tableName: "t", label: "l", viewType: "KEYS_ONLY", keySchema: [], enabled: true, createdAt: 1 };
      store.upsertStream(scope, { ...{}, ...stream, settlesAt: 50 });
      store.upsertStream(scope, stream);
      assert.equal(store.stream(scope, "arn:s", 0)?.settlesAt, 50);
      store.upsertStream(scope, { ...{}, ...stream, enabled: false });
      assert.equal(store.stream(scope, "arn:s", 0)?.settlesAt, undefined);
      store.upsertStream(scope, { ...{}, ...stream, enabled: false, settlesAt: 90 });
      assert.deepEqual([store.stream(scope, "arn:s", 0)?.enabled, store.stream(scope, "arn:s", 0)?.settlesAt], [false, 90]);
    } finally {
      state.close();
    }
  });
});
