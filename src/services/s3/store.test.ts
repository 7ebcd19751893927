import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { openState, type StateLayer } from "../../state/database.js";
import { S3_MIGRATIONS, S3Store, type BucketRow, type NewObject } from "./store.js";

function object(blobId: string | null, size: number, extra: Partial<NewObject> = {}): NewObject {
  return {
    content_type: "text/plain",
    content_encoding: null,
    content_disposition: null,
    content_language: null,
    cache_control: null,
    expires: null,
    website_redirect: null,
    metadata: "{}",
    tags: "[]",
    storage_class: "STANDARD",
    delete_marker: blobId === null ? 1 : 0,
    blob_id: blobId,
    size,
    etag: '"e"',
    last_modified: 0,
    checksum_algorithm: null,
    checksum_value: null,
    checksum_type: null,
    parts_count: null,
    part_sizes: null,
    part_checksums: null,
    acl: null,
    encryption: null,
    owner_account: "000000000000",
    ...extra,
  };
}

describe("S3Store", () => {
  let state: StateLayer;
  let store: S3Store;
  let counter = 0;
  before(() => {
    state = openState({ inMemory: true });
    store = new S3Store(state);
  });
  after(() => state.close());

  function bucket(versioning: BucketRow["versioning"] = null): BucketRow {
    const name = `bucket-${++counter}`;
    store.insertBucket({ name, account_id: "000000000000", region: "us-east-1", created_at: 0 });
    if (versioning) store.setBucketField(name, "versioning", versioning);
    return store.bucket(name) as BucketRow;
  }

  async function put(b: BucketRow, key: string, body: string) {
    const blob = await state.blobs.put(Buffer.from(body));
    return state.transaction(() => store.putVersion(b, key, object(blob.id, blob.size)));
  }

  test("overwriting an unversioned key releases the old body; identical bodies share one blob", async () => {
    const b = bucket();
    const first = await put(b, "k", "first body");
    const firstBlob = first.blob_id as string;
    assert.equal(state.blobs.refs(firstBlob), 1);
    const second = await put(b, "k", "second body");
    assert.equal(state.blobs.refs(firstBlob), 0);
    assert.equal(state.blobs.has(firstBlob), false);
    assert.equal(second.version_id, "null");
    const twin = await put(b, "twin", "second body");
    assert.equal(twin.blob_id, second.blob_id);
    assert.equal(state.blobs.refs(second.blob_id as string), 2);
    state.transaction(() => store.removeVersion(twin));
    assert.equal(state.blobs.refs(second.blob_id as string), 1);
    assert.equal(state.blobs.has(second.blob_id as string), true);
  });

  test("an overwrite in a bucket never versioned rewrites the key's row in place; a suspended bucket's replaces it", async () => {
    const b = bucket();
    const first = await put(b, "k", "first");
    state.transaction(() => store.setRestore(first.seq, 1_000, 2_000));
    const second = await put(b, "k", "second");
    assert.equal(second.seq, first.seq, "the same row");
    const stored = store.latest(b.name, "k");
    assert.deepEqual(stored, second, "what putVersion answers is what was stored");
    assert.equal(stored?.restore_completes_at, null, "the new body is not restored");
    assert.equal(state.blobs.refs(first.blob_id as string), 0);
    assert.equal([...store.currentScan(b.name)(undefined, "")].length, 1);
    const suspended = bucket("Suspended");
    const s1 = await put(suspended, "k", "one");
    const s2 = await put(suspended, "k", "two");
    assert.notEqual(s2.seq, s1.seq, "a bucket that was ever versioned may hold other versions of the key");
    assert.equal(store.latest(suspended.name, "k")?.seq, s2.seq);
  });

  test("a suspended bucket's null version written over by a copy of itself keeps its one reference", async () => {
    const suspended = bucket("Suspended");
    const first = await put(suspended, "k", "copied in place");
    const blobId = first.blob_id as string;
    // CopyObject takes no pin: the copy is one more reference to the blob the old version holds.
    const copy = state.transaction(() => store.putVersion(suspended, "k", object(blobId, first.size, { storage_class: "STANDARD_IA" })));
    assert.equal(copy.blob_id, blobId);
    assert.equal(state.blobs.refs(blobId), 1);
    assert.equal(state.blobs.has(blobId), true);
  });

  test("a deleted 'null' version's place is kept only while its key has other versions, and goes with the bucket", async () => {
    const places = (name: string) => state.db.prepare("SELECT key, seq FROM s3_null_places WHERE bucket = ?").all(name);
    const plain = bucket();
    const only = await put(plain, "k", "only version");
    state.transaction(() => store.removeVersion(only));
    assert.deepEqual(places(plain.name), [], "nothing to resume into: no row for each delete of an unversioned bucket");

    const b = bucket();
    const nullVersion = await put(b, "k", "null version");
    store.setBucketField(b.name, "versioning", "Enabled");
    const enabled = store.bucket(b.name) as BucketRow;
    const newer = await put(enabled, "k", "v1");
    state.transaction(() => store.removeVersion(nullVersion));
    assert.deepEqual(places(b.name), [{ key: "k", seq: nullVersion.seq }]);
    const older = store.versionsOlderThan(b.name, "k", "null");
    assert.equal(older?.({ ...{}, ...newer, versionId: newer.version_id }), false);
    assert.equal(store.versionsOlderThan(b.name, "other", "null"), undefined);
    // The key's last version goes, and its place with it: a bucket that lives on keeps no row per key it ever had.
    state.transaction(() => store.removeVersion(newer));
    assert.deepEqual(places(b.name), []);
    // A place goes with its bucket too.
    const again = bucket();
    const twice = await put(again, "k", "null version");
    store.setBucketField(again.name, "versioning", "Enabled");
    await put(store.bucket(again.name) as BucketRow, "k", "v1");
    state.transaction(() => store.removeVersion(twice));
    assert.equal(places(again.name).length, 1);
    state.transaction(() => {
      for (const row of [...store.versionsOf(again.name)]) store.removeVersion(row);
      store.deleteBucket(again.name);
    });
    assert.deepEqual(places(again.name), []);
  });

  test("a rolled-back write keeps no reference", async () => {
    const b = bucket();
    const blob = await state.blobs.put(Buffer.from("rolled back"));
    assert.throws(() =>
      state.transaction(() => {
        store.putVersion(b, "k", object(blob.id, blob.size));
        throw new Error("abort");
      }),
    );
    assert.equal(store.latest(b.name, "k"), undefined);
    assert.equal(state.blobs.refs(blob.id), 0);
  });

  test("versioned keys keep every version; removing the latest promotes the previous one", async () => {
    const b = bucket("Enabled");
    const v1 = await put(b, "k", "v1");
    const v2 = await put(b, "k", "v2");
    assert.notEqual(v1.version_id, v2.version_id);
    assert.equal(store.latest(b.name, "k")?.version_id, v2.version_id);
    assert.equal(store.version(b.name, "k", v1.version_id)?.is_latest, 0);
    state.transaction(() => store.removeVersion(v2));
    assert.equal(store.latest(b.name, "k")?.version_id, v1.version_id);
  });

  test("the current-object scan is a range scan in UTF-8 order that skips delete markers", async () => {
    const b = bucket("Enabled");
    for (const key of ["a/\u{1F600}", "a/\uFF61", "a/b", "b", "a/z"]) await put(b, key, key);
    state.transaction(() => store.putVersion(b, "a/z", object(null, 0)));
    const scan = store.currentScan(b.name);
    assert.deepEqual([...scan(undefined, "a/")].map((e) => e.key), ["a/b", "a/\uFF61", "a/\u{1F600}"]);
    assert.deepEqual([...scan({ key: "a/b", inclusive: false }, "a/")].map((e) => e.key), ["a/\uFF61", "a/\u{1F600}"]);
    assert.deepEqual([...scan(undefined, "")].map((e) => e.key), ["a/b", "a/\uFF61", "a/\u{1F600}", "b"]);
    const plan = state.db
      .prepare("EXPLAIN QUERY PLAN SELECT * FROM s3_objects WHERE bucket = ? AND is_latest = 1 AND delete_marker = 0 AND key >= ? AND key < ? ORDER BY key")
      .all(b.name, "a/", "a0") as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join("\n"), /USING INDEX s3_objects_current \(bucket=\? AND key>\? AND key<\?\)/);
    const versions = store.versionScan(b.name);
    assert.deepEqual(
      [...versions(undefined, "a/z")].map((e) => [e.key, e.delete_marker]),
      [
        ["a/z", 1],
        ["a/z", 0],
      ],
    );
  });

  test("removing an upload releases its parts", async () => {
    const b = bucket();
    const id = store.newUploadId(0);
    const blob = await state.blobs.put(Buffer.from("part body"));
    state.transaction(() => {
      store.insertUpload({ ...object(null, 0), upload_id: id, bucket: b.name, key: "k", initiated: 0, owner_account: "000000000000", object_owner: null, initiator: null, checksum_algorithm: null, acl: null, encryption: null });
      store.putPart({ upload_id: id, part_number: 1, blob_id: blob.id, size: blob.size, etag: '"p"', checksum: null, last_modified: 0 });
    });
    assert.equal(state.blobs.refs(blob.id), 1);
    assert.equal(store.bucketHoldsVersions(b.name), false, "an upload is no version");
    state.transaction(() => store.removeUpload(id));
    assert.equal(state.blobs.refs(blob.id), 0);
    assert.equal(store.upload(b.name, "k", id), undefined);
    assert.ok(store.newUploadId(1) > id, "upload ids sort in initiation order");
  });

  test("the current version read through the cache follows every write, and a rolled-back one", async () => {
    const b = bucket("Enabled");
    const fromTable = (key: string) =>
      state.db.prepare<[string, string], { etag: string; tags: string; acl: string | null }>("SELECT etag, tags, acl FROM s3_objects WHERE bucket = ? AND key = ? AND is_latest = 1").get(b.name, key);
    const current = (key: string) => {
      const row = store.latest(b.name, key);
      return row === undefined ? undefined : { etag: row.etag, tags: row.tags, acl: row.acl };
    };
    const blob = await state.blobs.put(Buffer.from("body"));
    const v1 = store.transaction(() => store.putVersion(b, "k", object(blob.id, blob.size, { etag: '"v1"' })));
    assert.deepEqual(current("k"), fromTable("k"));
    store.transaction(() => store.putVersion(b, "k", object(blob.id, blob.size, { etag: '"v2"' })));
    assert.equal(current("k")?.etag, '"v2"');
    const v2 = store.latest(b.name, "k") as NonNullable<ReturnType<typeof store.latest>>;
    store.setObjectTags(v2.seq, '[{"Key":"a","Value":"b"}]');
    store.setObjectAcl(v2.seq, "[]");
    assert.deepEqual(current("k"), fromTable("k"));
    assert.equal(current("k")?.acl, "[]");
    assert.throws(() =>
      store.transaction(() => {
        store.putVersion(b, "k", object(blob.id, blob.size, { etag: '"v3"' }));
        assert.equal(store.latest(b.name, "k")?.etag, '"v3"', "seen inside its own transaction");
        throw new Error("rolled back");
      }),
    );
    assert.equal(current("k")?.etag, '"v2"', "the rolled-back version is forgotten");
    store.transaction(() => store.removeVersion(store.latest(b.name, "k") as NonNullable<ReturnType<typeof store.latest>>));
    assert.equal(current("k")?.etag, '"v1"', "the older version is current again");
    assert.equal(store.latest(b.name, "k")?.seq, v1.seq);
    store.transaction(() => store.removeVersion(v1));
    assert.equal(current("k"), undefined);
    const other = await state.blobs.put(Buffer.from("other body"));
    store.transaction(() => store.putVersion(b, "other", object(other.id, other.size)));
    assert.ok(Object.isFrozen(store.latest(b.name, "other")), "cached rows are shared, so frozen");
  });

  test("versionsOf reads every version by key, newest first, a page at a time, and a delete marker added on the way is not read again", async () => {
    const b = bucket("Enabled");
    const blob = await state.blobs.put(Buffer.from("v"));
    // 1,300 keys of 1 version and key "m" with 5, so that pages of 1,000 end inside "m"'s versions or near them.
    store.transaction(() => {
      for (let i = 0; i < 1300; i++) store.putVersion(b, `k${String(i).padStart(4, "0")}`, object(blob.id, blob.size));
      for (let v = 0; v < 5; v++) store.putVersion(b, "m", object(blob.id, blob.size, { etag: `"m${v}"` }));
    });
    const fromTable = state.db
      .prepare<[string], { key: string; seq: number }>("SELECT key, seq FROM s3_objects WHERE bucket = ? ORDER BY key, seq DESC")
      .all(b.name)
      .map((r) => `${r.key}#${r.seq}`);
    const seen: string[] = [];
    store.transaction(() => {
      for (const row of store.versionsOf(b.name)) {
        seen.push(`${row.key}#${row.seq}`);
        // As a lifecycle sweep does: a delete marker on the key just read.
        if (row.key === "k0999" || row.key === "k1000") store.putDeleteMarker(b, row.key, 0, "000000000000");
      }
    });
    assert.equal(seen.length, 1305);
    assert.deepEqual(seen, fromTable, "every version once, in order, none added on the way");
    assert.equal(store.latest(b.name, "k1000")?.delete_marker, 1);
  });

  test("a data dir from the first schema is brought up to date", () => {
    const old = openState({ inMemory: true });
    try {
      old.migrate("s3", S3_MIGRATIONS.slice(0, 1));
      const upgraded = new S3Store(old);
      const columns = (old.db.prepare("PRAGMA table_info(s3_objects)").all() as { name: string }[]).map((c) => c.name);
      assert.ok(columns.includes("replication_status"));
      assert.equal(upgraded.restoresOwingNothing(0).length, 0);
    } finally {
      old.close();
    }
  });

  test("Expires stored as epoch milliseconds is brought up as the header text it was answered as", () => {
    const old = openState({ inMemory: true });
    try {
      // The migrations before Expires was kept as text: the next two convert s3_objects and s3_uploads.
      old.migrate("s3", S3_MIGRATIONS.slice(0, S3_MIGRATIONS.findIndex((m) => m.includes("expires_text"))));
      old.db.exec(`INSERT INTO s3_buckets (name, account_id, region, created_at) VALUES ('b', '000000000000', 'us-east-1', 0)`);
      const insertObject = old.db.prepare(
        `INSERT INTO s3_objects (bucket, key, version_id, is_latest, delete_marker, size, etag, last_modified, expires, metadata, tags, storage_class, owner_account)
         VALUES ('b', ?, 'null', 1, 0, 0, '"e"', 0, ?, '{}', '[]', 'STANDARD', '000000000000')`,
      );
      insertObject.run("dated", Date.parse("2026-03-05T07:08:09Z"));
      insertObject.run("undated", null);
      old.db.exec(
        `INSERT INTO s3_uploads (upload_id, bucket, key, initiated, owner_account, expires, metadata, tags, storage_class)
         VALUES ('u', 'b', 'k', 0, '000000000000', 0, '{}', '[]', 'STANDARD')`,
      );
      const upgraded = new S3Store(old);
      assert.equal(upgraded.latest("b", "dated")?.expires, "Thu, 05 Mar 2026 07:08:09 GMT");
      assert.equal(upgraded.latest("b", "undated")?.expires, null);
      assert.equal(upgraded.upload("b", "k", "u")?.expires, "Thu, 01 Jan 1970 00:00:00 GMT");
    } finally {
      old.close();
    }
  });
});
