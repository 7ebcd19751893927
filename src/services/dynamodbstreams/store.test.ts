import assert from "node:assert/strict";
import { describe, test } from "node:test";
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
});
