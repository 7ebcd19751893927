import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../core/errors.js";
import {
  checkFilter,
  validateAnalytics,
  validateIntelligentTiering,
  validateInventory,
  validateMetrics,
  type InventoryConfiguration,
} from "./id-configs.js";

function code(run: () => void): string | undefined {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof AwsError);
    return `${err.code}: ${err.message}`;
  }
  return undefined;
}

const MALFORMED = "MalformedXML: The XML you provided was not well-formed or did not validate against our published schema";

describe("checkFilter", () => {
  test("one criterion, or several under And with distinct tag keys", () => {
    assert.equal(code(() => checkFilter(undefined)), undefined);
    assert.equal(code(() => checkFilter({})), undefined);
    assert.equal(code(() => checkFilter({ Prefix: "a/" })), undefined);
    assert.equal(code(() => checkFilter({ And: { Prefix: "a/", Tags: [{ Key: "x", Value: "1" }, { Key: "y", Value: "1" }] } })), undefined);
    assert.equal(code(() => checkFilter({ Prefix: "a/", Tag: { Key: "x", Value: "1" } })), MALFORMED);
    assert.equal(code(() => checkFilter({ Tag: { Key: "x", Value: "1" }, AccessPointArn: "arn:aws:s3:us-east-1:111122223333:accesspoint/a" })), MALFORMED);
    assert.equal(code(() => checkFilter({ And: { Tags: [{ Key: "x", Value: "1" }, { Key: "x", Value: "2" }] } })), "InvalidRequest: Duplicate Tag Keys are not allowed.");
  });
});

describe("validateAnalytics", () => {
  const exported = (format: string, version: string, bucket: string) => ({
    Id: "a",
    StorageClassAnalysis: { DataExport: { OutputSchemaVersion: version, Destination: { S3BucketDestination: { Format: format, Bucket: bucket } } } },
  });
  test("Id, schema version V_1, CSV, a bucket ARN", () => {
    assert.equal(code(() => validateAnalytics({ Id: "a", StorageClassAnalysis: {} }, "a")), undefined);
    assert.equal(code(() => validateAnalytics({ Id: "a", StorageClassAnalysis: {} }, "b")), MALFORMED);
    assert.equal(code(() => validateAnalytics(exported("CSV", "V_1", "arn:aws:s3:::dest"), "a")), undefined);
    assert.equal(code(() => validateAnalytics(exported("CSV", "V_1", "arn:aws-cn:s3:::dest"), "a")), undefined);
    assert.equal(code(() => validateAnalytics(exported("ORC", "V_1", "arn:aws:s3:::dest"), "a")), MALFORMED);
    assert.equal(code(() => validateAnalytics(exported("CSV", "V_2", "arn:aws:s3:::dest"), "a")), MALFORMED);
    assert.equal(code(() => validateAnalytics(exported("CSV", "V_1", "dest"), "a")), "InvalidS3DestinationBucket: Invalid bucket ARN.");
    assert.equal(code(() => validateAnalytics(exported("CSV", "V_1", "arn:aws:s3:::dest/prefix"), "a")), "InvalidS3DestinationBucket: Invalid bucket ARN.");
  });
});

describe("validateInventory", () => {
  const config = (changes: Partial<InventoryConfiguration> = {}): InventoryConfiguration => ({
    ...{
      Id: "inv",
      IsEnabled: true,
      Destination: { S3BucketDestination: { Bucket: "arn:aws:s3:::dest", Format: "ORC" } },
      IncludedObjectVersions: "Current",
      Schedule: { Frequency: "Weekly" },
    },
    ...changes,
  });
  test("formats, frequencies, included versions and optional fields come from S3's lists", () => {
    for (const format of ["CSV", "ORC", "Parquet"]) {
      assert.equal(code(() => validateInventory(config({ Destination: { S3BucketDestination: { Bucket: "arn:aws:s3:::d", Format: format } } }), "inv")), undefined);
    }
    assert.equal(code(() => validateInventory(config({ Destination: { S3BucketDestination: { Bucket: "arn:aws:s3:::d", Format: "csv" } } }), "inv")), MALFORMED);
    assert.equal(code(() => validateInventory(config({ Schedule: { Frequency: "Hourly" } }), "inv")), MALFORMED);
    assert.equal(code(() => validateInventory(config({ IncludedObjectVersions: "Latest" }), "inv")), MALFORMED);
    assert.equal(code(() => validateInventory(config({ OptionalFields: ["Size", "ObjectOwner", "LifecycleExpirationDate"] }), "inv")), undefined);
    assert.equal(code(() => validateInventory(config({ OptionalFields: ["Owner"] }), "inv")), MALFORMED);
    const both = { Bucket: "arn:aws:s3:::d", Format: "CSV", Encryption: { SSES3: {}, SSEKMS: { KeyId: "k" } } };
    assert.equal(code(() => validateInventory(config({ Destination: { S3BucketDestination: both } }), "inv")), MALFORMED);
  });
  test("the schema before the Id, the Id before the destination", () => {
    assert.equal(code(() => validateInventory(config({ Schedule: { Frequency: "Hourly" } }), "other")), MALFORMED);
    assert.equal(code(() => validateInventory(config({ Destination: { S3BucketDestination: { Bucket: "d", Format: "CSV" } } }), "other")), "IdMismatch: Document ID does not match the specified configuration ID.");
    assert.equal(code(() => validateInventory(config({ Destination: { S3BucketDestination: { Bucket: "d", Format: "CSV" } } }), "inv")), "InvalidS3DestinationBucket: Invalid bucket ARN.");
  });
});

describe("validateMetrics", () => {
  test("Ids of up to 64 letters, digits, periods, dashes and underscores", () => {
    assert.equal(code(() => validateMetrics({ Id: "Entire-Bucket_1.0" }, "Entire-Bucket_1.0")), undefined);
    assert.equal(code(() => validateMetrics({ Id: "x".repeat(64) }, "x".repeat(64))), undefined);
    assert.equal(code(() => validateMetrics({ Id: "x".repeat(65) }, "x".repeat(65))), "InvalidArgument: Invalid argument.");
    assert.equal(code(() => validateMetrics({ Id: "a/b" }, "a/b")), "InvalidArgument: Invalid argument.");
    assert.equal(code(() => validateMetrics({ Id: "a" }, "b")), MALFORMED);
  });
});

describe("validateIntelligentTiering", () => {
  const tiering = (tiers: { AccessTier: string; Days: number }[], status = "Enabled") => ({ Id: "t", Status: status, Tierings: tiers });
  test("each tier's range of days, inclusive", () => {
    for (const days of [90, 730]) assert.equal(code(() => validateIntelligentTiering(tiering([{ AccessTier: "ARCHIVE_ACCESS", Days: days }]), "t")), undefined);
    for (const days of [180, 730]) assert.equal(code(() => validateIntelligentTiering(tiering([{ AccessTier: "DEEP_ARCHIVE_ACCESS", Days: days }]), "t")), undefined);
    assert.match(code(() => validateIntelligentTiering(tiering([{ AccessTier: "ARCHIVE_ACCESS", Days: 89 }]), "t")) ?? "", /^InvalidArgument: .*Archive Access tier must be at least 90 days/);
    assert.match(code(() => validateIntelligentTiering(tiering([{ AccessTier: "DEEP_ARCHIVE_ACCESS", Days: 179 }]), "t")) ?? "", /^InvalidArgument: .*Deep Archive Access tier must be at least 180 days/);
    assert.match(code(() => validateIntelligentTiering(tiering([{ AccessTier: "DEEP_ARCHIVE_ACCESS", Days: 731 }]), "t")) ?? "", /^InvalidArgument: .*\(730 days\)/);
  });
  test("status, tiers and Id", () => {
    assert.equal(code(() => validateIntelligentTiering(tiering([{ AccessTier: "ARCHIVE_ACCESS", Days: 90 }], "On"), "t")), MALFORMED);
    assert.equal(code(() => validateIntelligentTiering(tiering([]), "t")), MALFORMED);
    assert.equal(code(() => validateIntelligentTiering(tiering([{ AccessTier: "GLACIER", Days: 90 }]), "t")), MALFORMED);
    assert.equal(
      code(() => validateIntelligentTiering(tiering([{ AccessTier: "ARCHIVE_ACCESS", Days: 90 }, { AccessTier: "ARCHIVE_ACCESS", Days: 100 }]), "t")),
      "InvalidArgument: Invalid argument.",
    );
    assert.equal(code(() => validateIntelligentTiering(tiering([{ AccessTier: "ARCHIVE_ACCESS", Days: 90 }]), "u")), MALFORMED);
  });
});
