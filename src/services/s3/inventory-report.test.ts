import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { buffer } from "node:stream/consumers";
import { gunzipSync } from "node:zlib";
import { cannedAclGrants } from "./acl.js";
import type { InventoryConfiguration } from "./id-configs.js";
import { inventoryCsv, inventoryReport, inventoryRows, inventorySchema, type VersionFacts } from "./inventory-report.js";
import type { VersionLock } from "./object-lock.js";
import { periodStart } from "./inventory-runner.js";
import { canonicalUserId, type ObjectRow } from "./store.js";

const T = Date.parse("2026-03-04T05:06:07.000Z");

function row(key: string, changes: Partial<ObjectRow> = {}): ObjectRow {
  return {
    ...{
      seq: 1, bucket: "src", key, version_id: "null", is_latest: 1, delete_marker: 0, blob_id: "b", size: 3, etag: '"abc"', last_modified: T,
      content_type: null, content_encoding: null, content_disposition: null, content_language: null, cache_control: null, expires: null,
      website_redirect: null, metadata: "{}", tags: "[]", storage_class: "STANDARD", checksum_algorithm: "CRC64NVME", checksum_value: "x",
      checksum_type: "FULL_OBJECT", parts_count: null, part_sizes: null, part_checksums: null, acl: null, encryption: null,
      restore_completes_at: null, restore_expires_at: null, replication_status: null, owner_account: "000000000000",
      accessed_at: null, archive_tier: null, upload_id: null,
    },
    ...changes,
  };
}

const facts: VersionFacts = {
  ownerOf: (r: ObjectRow): string => canonicalUserId(r.owner_account),
  lockOf: () => undefined,
  expiresAt: () => undefined,
  accessTierOf: () => undefined,
};

const config = (changes: Partial<InventoryConfiguration> = {}): InventoryConfiguration => ({
  ...{
    Id: "inv",
    IsEnabled: true,
    Destination: { S3BucketDestination: { Bucket: "arn:aws:s3:::dst", Format: "CSV" } },
    IncludedObjectVersions: "Current",
    Schedule: { Frequency: "Daily" },
  },
  ...changes,
});

describe("inventory reports", () => {
  test("the schema: fixed columns, version columns for All, optional fields in S3's order whatever order they were asked in", () => {
    assert.deepEqual(inventorySchema(config()), ["Bucket", "Key"]);
    assert.deepEqual(inventorySchema(config({ IncludedObjectVersions: "All", OptionalFields: ["StorageClass", "Size", "ETag"] })), [
      "Bucket", "Key", "VersionId", "IsLatest", "IsDeleteMarker", "Size", "ETag", "StorageClass",
    ]);
  });

  test("Current lists current objects only; All lists noncurrent versions and delete markers; the prefix filters", () => {
    const rows = [row("a/1", { is_latest: 0, version_id: "v1" }), row("a/1", { delete_marker: 1, version_id: "v2" }), row("a/2"), row("b/3")];
    assert.deepEqual([...inventoryRows(rows, config())].map((r) => r.key), ["a/2", "b/3"]);
    assert.deepEqual([...inventoryRows(rows, config({ IncludedObjectVersions: "All", Filter: { Prefix: "a/" } }))].map((r) => [r.key, r.version_id]), [
      ["a/1", "v1"], ["a/1", "v2"], ["a/2", "null"],
    ]);
  });

  test("rows are quoted CSV with URL-encoded keys, empty values where a delete marker has none, each version's owner as a canonical user id", () => {
    const schema = inventorySchema(config({ IncludedObjectVersions: "All", OptionalFields: ["Size", "ETag", "IsMultipartUploaded", "EncryptionStatus", "ChecksumAlgorithm", "ObjectOwner"] }));
    const rows = [row('x "y".txt', { parts_count: 2 }), row("gone", { delete_marker: 1, version_id: "v9", is_latest: 1, owner_account: "111122223333" })];
    const csv = [...inventoryCsv("src", rows, schema, facts)].join("");
    const [first, marker] = [canonicalUserId("000000000000"), canonicalUserId("111122223333")];
    assert.equal(
      csv,
      `"src","x%20%22y%22.txt","","true","false","3","abc","true","SSE-S3","CRC64NVME","${first}"\n` + `"src","gone","v9","true","true","","","","","CRC64NVME","${marker}"\n`,
    );
  });

  test("Object Lock columns come from each version's lock; the Bucket Key status from its SSE-KMS encryption (in S3's column order)", () => {
    const schema = inventorySchema(
      config({ IncludedObjectVersions: "All", OptionalFields: ["ObjectLockRetainUntilDate", "ObjectLockMode", "ObjectLockLegalHoldStatus", "ObjectLockEventHoldStatus", "BucketKeyStatus"] }),
    );
    const locks: Record<string, VersionLock> = {
      kept: { mode: "COMPLIANCE", retainUntil: Date.UTC(2027, 0, 1), legalHold: "OFF" },
      held: { mode: null, retainUntil: null, legalHold: "ON", eventHold: "ON", holdDuration: { Days: 30 } },
    };
    const rows = [
      row("kept", { encryption: JSON.stringify({ sse: "aws:kms", kmsKeyId: "k", bucketKeyEnabled: true }) }),
      row("held", { encryption: JSON.stringify({ sse: "aws:kms", kmsKeyId: "k" }) }),
      row("plain"),
      row("kept", { delete_marker: 1, version_id: "v2" }),
    ];
    const csv = [...inventoryCsv("src", rows, schema, { ...{}, ...facts, lockOf: (r) => (r.delete_marker === 1 ? locks["kept"] : locks[r.key]) })].join("");
    assert.equal(
      csv,
      `"src","kept","","true","false","2027-01-01T00:00:00.000Z","COMPLIANCE","OFF","ENABLED",""\n` +
        `"src","held","","true","false","","","ON","DISABLED","ON"\n` +
        `"src","plain","","true","false","","","","",""\n` +
        `"src","kept","v2","true","true","","","","",""\n`,
    );
  });

  test("the Intelligent-Tiering access tier column: the tier as inventory names it for INTELLIGENT_TIERING versions, empty for others", () => {
    const schema = inventorySchema(config({ OptionalFields: ["StorageClass", "IntelligentTieringAccessTier"] }));
    const tiers = { cold: "DEEP_ARCHIVE_ACCESS", warm: "INFREQUENT", hot: "FREQUENT" } as const;
    const rows = [row("cold", { storage_class: "INTELLIGENT_TIERING" }), row("hot", { storage_class: "INTELLIGENT_TIERING" }), row("std"), row("warm", { storage_class: "INTELLIGENT_TIERING" })];
    const accessTierOf = (r: ObjectRow) => (r.storage_class === "INTELLIGENT_TIERING" ? tiers[r.key as keyof typeof tiers] : undefined);
    assert.equal(
      [...inventoryCsv("src", rows, schema, { ...{}, ...facts, accessTierOf })].join(""),
      `"src","cold","INTELLIGENT_TIERING","DEEP_ARCHIVE"\n"src","hot","INTELLIGENT_TIERING","FREQUENT"\n"src","std","STANDARD",""\n"src","warm","INTELLIGENT_TIERING","INFREQUENT"\n`,
    );
  });

  test("the Object ACL column is base64 of S3's JSON: the stored grants, the owner's FULL_CONTROL for a private object, empty for a delete marker", () => {
    const schema = inventorySchema(config({ IncludedObjectVersions: "All", OptionalFields: ["ObjectAccessControlList", "ObjectOwner"] }));
    const [owner, other] = [canonicalUserId("000000000000"), canonicalUserId("111122223333")];
    const explicit = [
      { Grantee: { Type: "CanonicalUser", ID: owner }, Permission: "FULL_CONTROL" },
      // Grants stored before Nimbus dropped DisplayName may still hold one; the report never shows it.
      { Grantee: { Type: "CanonicalUser", ID: other, DisplayName: "other" }, Permission: "READ" },
    ];
    const rows = [
      row("private"),
      row("public", { acl: JSON.stringify(cannedAclGrants("public-read", { ID: owner })) }),
      row("shared", { acl: JSON.stringify(explicit) }),
      row("gone", { delete_marker: 1, version_id: "v2" }),
    ];
    const lines = [...inventoryCsv("src", rows, schema, facts)];
    // No value here holds a comma or a quote: splitting and unquoting reads the CSV.
    const columns = lines.map((line) => line.trim().split(",").slice(5).map((value) => value.slice(1, -1)));
    // A user reads the column as S3 says: base64, then JSON.
    const decoded = columns.map(([acl]) => (acl === "" ? "" : Buffer.from(acl ?? "", "base64").toString("utf8")));
    assert.ok(columns.slice(0, 3).every(([acl]) => /^[A-Za-z0-9+/]+=*$/.test(acl ?? "")));
    assert.equal(
      decoded[1],
      `{"version":"2022-11-10","status":"AVAILABLE","grants":[{"canonicalId":"${owner}","permission":"FULL_CONTROL","type":"CanonicalUser"},` +
        `{"uri":"http://acs.amazonaws.com/groups/global/AllUsers","permission":"READ","type":"Group"}]}`,
    );
    assert.deepEqual(JSON.parse(decoded[0] ?? ""), { version: "2022-11-10", status: "AVAILABLE", grants: [{ canonicalId: owner, permission: "FULL_CONTROL", type: "CanonicalUser" }] });
    assert.deepEqual(JSON.parse(decoded[2] ?? ""), {
      version: "2022-11-10",
      status: "AVAILABLE",
      grants: [
        { canonicalId: owner, permission: "FULL_CONTROL", type: "CanonicalUser" },
        { canonicalId: other, permission: "READ", type: "CanonicalUser" },
      ],
    });
    // "A delete marker isn't associated with an access control list (ACL) value": the column is empty; its owner stays.
    assert.deepEqual(columns[3], ["", owner]);
    assert.deepEqual(columns.slice(0, 3).map(([, objectOwner]) => objectOwner), [owner, owner, owner]);
  });

  test("the report's objects: data file, manifest naming it with size and MD5, the manifest's checksum, the Hive symlink", async () => {
    const report = inventoryReport("src", config({ Destination: { S3BucketDestination: { Bucket: "arn:aws:s3:::dst", Format: "CSV", Prefix: "p/" } } }), [row("k")], T, "id-1", facts);
    assert.throws(() => report.manifest(), /not been read to its end/);
    const data = await buffer(report.data.body);
    const objects = report.manifest();
    assert.deepEqual([report.data.key, ...objects.map((o) => o.key)], [
      "p/src/inv/data/id-1.csv.gz",
      "p/src/inv/2026-03-04T05-06Z/manifest.json",
      "p/src/inv/2026-03-04T05-06Z/manifest.checksum",
      "p/src/inv/hive/dt=2026-03-04-05-06/symlink.txt",
    ]);
    const [manifest, checksum, symlink] = objects.map((o) => o.body);
    assert.ok(manifest && checksum && symlink);
    assert.equal(gunzipSync(data).toString(), '"src","k"\n');
    const parsed = JSON.parse(manifest.toString()) as { files: unknown[]; fileSchema: string; creationTimestamp: string };
    assert.deepEqual(parsed.files, [{ key: "p/src/inv/data/id-1.csv.gz", size: data.length, MD5checksum: createHash("md5").update(data).digest("hex") }]);
    assert.equal(parsed.fileSchema, "Bucket, Key");
    assert.equal(parsed.creationTimestamp, String(T));
    assert.equal(checksum.toString(), createHash("md5").update(manifest).digest("hex"));
    assert.equal(symlink.toString(), "s3://dst/p/src/inv/data/id-1.csv.gz\n");
  });

  test("a large report streams: its lines are read as the data file is, and the manifest names what was streamed", async () => {
    let read = 0;
    function* versions(): Generator<ObjectRow> {
      for (let i = 0; i < 20_000; i++) {
        read++;
        yield row(`key-${i}`);
      }
    }
    const report = inventoryReport("src", config(), versions(), T, "big", facts);
    for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(read < 20_000, `unread, the data file holds back its source (read ${read} of 20,000)`);
    const data = await buffer(report.data.body);
    assert.equal(read, 20_000);
    const lines = gunzipSync(data).toString().split("\n");
    assert.equal(lines.length, 20_001);
    assert.equal(lines[19_999], '"src","key-19999"');
    const manifest = JSON.parse((report.manifest()[0] as { body: Buffer }).body.toString()) as { files: Array<{ size: number; MD5checksum: string }> };
    assert.deepEqual(manifest.files.map((f) => [f.size, f.MD5checksum]), [[data.length, createHash("md5").update(data).digest("hex")]]);
  });

  test("a report is due once per UTC day (Daily) or per week from Sunday 00:00 UTC (Weekly)", () => {
    // 2026-03-04 is a Wednesday; the Sunday before is 2026-03-01.
    assert.equal(periodStart("Daily", T), Date.parse("2026-03-04T00:00:00Z"));
    assert.equal(periodStart("Weekly", T), Date.parse("2026-03-01T00:00:00Z"));
    assert.equal(periodStart("Weekly", Date.parse("2026-03-01T00:00:00Z")), Date.parse("2026-03-01T00:00:00Z"));
  });
});
