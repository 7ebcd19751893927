import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import {
  HeadBucketCommand,
  CreateBucketCommand,
  DeleteBucketAnalyticsConfigurationCommand,
  DeleteBucketCommand,
  DeleteBucketIntelligentTieringConfigurationCommand,
  DeleteBucketInventoryConfigurationCommand,
  DeleteBucketMetricsConfigurationCommand,
  DeletePublicAccessBlockCommand,
  GetBucketAnalyticsConfigurationCommand,
  GetBucketIntelligentTieringConfigurationCommand,
  GetBucketInventoryConfigurationCommand,
  GetBucketMetricsConfigurationCommand,
  GetBucketPolicyStatusCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  ListBucketAnalyticsConfigurationsCommand,
  ListBucketIntelligentTieringConfigurationsCommand,
  ListBucketInventoryConfigurationsCommand,
  ListBucketMetricsConfigurationsCommand,
  ListObjectsV2Command,
  PutBucketAnalyticsConfigurationCommand,
  PutBucketIntelligentTieringConfigurationCommand,
  PutBucketInventoryConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketMetricsConfigurationCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  type AnalyticsConfiguration,
  type IntelligentTieringConfiguration,
  type InventoryConfiguration,
  type MetricsConfiguration,
} from "@aws-sdk/client-s3";
import { failure, httpRequest, refusal, signedHeaders, uniqueName, type TestNimbus } from "./harness.js";
import { s3Suite, newBucket } from "./s3-fixtures.js";

const MALFORMED: [string, number, string] = ["MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema"];
const NO_SUCH_CONFIGURATION: [string, number, string] = ["NoSuchConfiguration", 404, "The specified configuration does not exist."];

function analytics(id: string): AnalyticsConfiguration {
  return {
    Id: id,
    Filter: { And: { Prefix: "logs/", Tags: [{ Key: "team", Value: "data" }, { Key: "tier", Value: "cold" }] } },
    StorageClassAnalysis: {
      DataExport: {
        OutputSchemaVersion: "V_1",
        Destination: { S3BucketDestination: { Format: "CSV", Bucket: "arn:aws:s3:::analytics-exports", BucketAccountId: "000000000000", Prefix: "exports/" } },
      },
    },
  };
}

function inventory(id: string, destination = "arn:aws:s3:::inventory-reports"): InventoryConfiguration {
  return {
    Id: id,
    IsEnabled: true,
    Destination: { S3BucketDestination: { Bucket: destination, Format: "CSV", Prefix: "reports", AccountId: "000000000000", Encryption: { SSES3: {} } } },
    Filter: { Prefix: "data/" },
    IncludedObjectVersions: "All",
    OptionalFields: ["Size", "LastModifiedDate", "ETag", "StorageClass"],
    Schedule: { Frequency: "Daily" },
  };
}

function tiering(id: string, archiveDays = 90, deepDays = 180): IntelligentTieringConfiguration {
  return {
    Id: id,
    Status: "Enabled",
    Filter: { Tag: { Key: "archive", Value: "yes" } },
    Tierings: [
      { AccessTier: "ARCHIVE_ACCESS", Days: archiveDays },
      { AccessTier: "DEEP_ARCHIVE_ACCESS", Days: deepDays },
    ],
  };
}

describe("S3 analytics, inventory, metrics and Intelligent-Tiering configurations, policy status", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));

  const bucket = (prefix: string): Promise<string> => newBucket(s3, prefix);

  test("analytics: put, get exactly as sent, list, delete; a missing id is NoSuchConfiguration", async () => {
    const name = await bucket("analytics");
    assert.deepEqual((await s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: name }))).AnalyticsConfigurationList, undefined);
    const put = await s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "b-report", AnalyticsConfiguration: analytics("b-report") }));
    // 204 No Content (LocalStack's AWS-validated test_s3_analytics_configurations snapshot).
    assert.equal(put.$metadata.httpStatusCode, 204);
    await s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "a-report", AnalyticsConfiguration: { Id: "a-report", StorageClassAnalysis: {} } }));
    const got = await s3.send(new GetBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "b-report" }));
    assert.deepEqual(got.AnalyticsConfiguration, analytics("b-report"));
    const listed = await s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: name }));
    assert.equal(listed.IsTruncated, false);
    assert.equal(listed.NextContinuationToken, undefined);
    assert.deepEqual(listed.AnalyticsConfigurationList?.map((c) => c.Id), ["a-report", "b-report"]);
    assert.deepEqual(listed.AnalyticsConfigurationList?.[1], analytics("b-report"));
    // Putting an Id again replaces the configuration.
    await s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "b-report", AnalyticsConfiguration: { Id: "b-report", Filter: { Prefix: "p/" }, StorageClassAnalysis: {} } }));
    assert.deepEqual((await s3.send(new GetBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "b-report" }))).AnalyticsConfiguration, { Id: "b-report", Filter: { Prefix: "p/" }, StorageClassAnalysis: {} });
    await s3.send(new DeleteBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "b-report" }));
    assert.deepEqual(await refusal(s3.send(new GetBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "b-report" }))), NO_SUCH_CONFIGURATION);
    assert.deepEqual(await refusal(s3.send(new DeleteBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "b-report" }))), NO_SUCH_CONFIGURATION);
    assert.deepEqual((await s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: name }))).AnalyticsConfigurationList?.map((c) => c.Id), ["a-report"]);
  });

  test("analytics: the Id in the query string must be the body's; schema values and the export bucket ARN are checked", async () => {
    const name = await bucket("analytics-bad");
    const put = (id: string, config: AnalyticsConfiguration) => s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket: name, Id: id, AnalyticsConfiguration: config }));
    assert.deepEqual(await refusal(put("one", analytics("other"))), MALFORMED);
    const exported = analytics("x").StorageClassAnalysis?.DataExport;
    assert.ok(exported);
    assert.deepEqual(await refusal(put("x", { Id: "x", StorageClassAnalysis: { DataExport: { ...exported, OutputSchemaVersion: "V_2" as "V_1" } } })), MALFORMED);
    const badArn = { ...exported, Destination: { S3BucketDestination: { Format: "CSV" as const, Bucket: "analytics-exports" } } };
    assert.deepEqual(await refusal(put("x", { Id: "x", StorageClassAnalysis: { DataExport: badArn } })), ["InvalidS3DestinationBucket", 400, "Invalid bucket ARN."]);
    const duplicateTags = { And: { Tags: [{ Key: "k", Value: "1" }, { Key: "k", Value: "2" }] } };
    assert.deepEqual(await refusal(put("x", { Id: "x", Filter: duplicateTags, StorageClassAnalysis: {} })), ["InvalidRequest", 400, "Duplicate Tag Keys are not allowed."]);
    // A <Filter> that names nothing (the Java SDK v2's BucketAnalyticsConfigurationIntegrationTest
    // testAnalyticsConfiguration_works_properly_with_emptyFilter, run against S3, expects a refusal;
    // aws/aws-sdk-java#1613 quotes it: MalformedXML).
    assert.deepEqual(await refusal(put("x", { Id: "x", Filter: {} as AnalyticsConfiguration["Filter"], StorageClassAnalysis: {} })), MALFORMED);
    assert.deepEqual((await s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: name }))).AnalyticsConfigurationList, undefined);
  });

  test("listing pages 100 configurations at a time with an opaque continuation token", async () => {
    const name = await bucket("analytics-pages");
    const ids = Array.from({ length: 205 }, (_, i) => `cfg-${String(i).padStart(3, "0")}`);
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map((id) => s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket: name, Id: id, AnalyticsConfiguration: { Id: id, StorageClassAnalysis: {} } }))));
    }
    const first = await s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: name }));
    assert.equal(first.IsTruncated, true);
    assert.equal(first.ContinuationToken, undefined);
    assert.deepEqual(first.AnalyticsConfigurationList?.map((c) => c.Id), ids.slice(0, 100));
    assert.ok(first.NextContinuationToken);
    const second = await s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: name, ContinuationToken: first.NextContinuationToken }));
    assert.equal(second.ContinuationToken, first.NextContinuationToken);
    assert.equal(second.IsTruncated, true);
    assert.deepEqual(second.AnalyticsConfigurationList?.map((c) => c.Id), ids.slice(100, 200));
    const third = await s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: name, ContinuationToken: second.NextContinuationToken }));
    assert.equal(third.IsTruncated, false);
    assert.equal(third.NextContinuationToken, undefined);
    assert.deepEqual(third.AnalyticsConfigurationList?.map((c) => c.Id), ids.slice(200));
    const bad = await failure(s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: name, ContinuationToken: "bm90LWEtdG9rZW4=" })));
    assert.deepEqual([bad.name, bad.$metadata.httpStatusCode, bad.message], ["InvalidArgument", 400, "The continuation token provided is incorrect"]);
  });

  test("a bucket holds at most 1,000 configurations of a kind; replacing one at the limit still works", async () => {
    const name = await bucket("metrics-limit");
    const put = (id: string) => s3.send(new PutBucketMetricsConfigurationCommand({ Bucket: name, Id: id, MetricsConfiguration: { Id: id } }));
    for (let i = 0; i < 1000; i += 100) await Promise.all(Array.from({ length: 100 }, (_, j) => put(`m${i + j}`)));
    assert.deepEqual(await refusal(put("one-too-many")), [
      "TooManyConfigurations",
      400,
      "You are attempting to create a new configuration but have already reached the 1,000-configuration limit.",
    ]);
    await put("m999");
    // Another kind has its own 1,000.
    await s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "a", AnalyticsConfiguration: { Id: "a", StorageClassAnalysis: {} } }));
  });

  test("inventory: round trip of every member; schema values first, then IdMismatch, then the destination ARN", async () => {
    const name = await bucket("inventory");
    const created = await s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: name, Id: "daily", InventoryConfiguration: inventory("daily") }));
    // 204 No Content (LocalStack's AWS-validated test_s3_inventory_report_crud snapshot, put-inventory-config).
    assert.equal(created.$metadata.httpStatusCode, 204);
    const weekly: InventoryConfiguration = {
      Id: "weekly",
      IsEnabled: false,
      Destination: { S3BucketDestination: { Bucket: "arn:aws:s3:::inventory-reports", Format: "Parquet", Encryption: { SSEKMS: { KeyId: "arn:aws:kms:us-east-1:000000000000:key/abc" } } } },
      IncludedObjectVersions: "Current",
      Schedule: { Frequency: "Weekly" },
    };
    await s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: name, Id: "weekly", InventoryConfiguration: weekly }));
    assert.deepEqual((await s3.send(new GetBucketInventoryConfigurationCommand({ Bucket: name, Id: "daily" }))).InventoryConfiguration, inventory("daily"));
    assert.deepEqual((await s3.send(new GetBucketInventoryConfigurationCommand({ Bucket: name, Id: "weekly" }))).InventoryConfiguration, weekly);
    const listed = await s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket: name }));
    assert.deepEqual([listed.IsTruncated, listed.InventoryConfigurationList?.map((c) => c.Id)], [false, ["daily", "weekly"]]);

    const put = (id: string, config: InventoryConfiguration) => s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: name, Id: id, InventoryConfiguration: config }));
    const base = inventory("bad");
    const destination = base.Destination?.S3BucketDestination;
    assert.ok(destination);
    assert.deepEqual(await refusal(put("bad", { ...base, Destination: { S3BucketDestination: { ...destination, Format: "JSON" as "CSV" } } })), MALFORMED);
    assert.deepEqual(await refusal(put("bad", { ...base, Schedule: { Frequency: "Monthly" as "Daily" } })), MALFORMED);
    assert.deepEqual(await refusal(put("bad", { ...base, IncludedObjectVersions: "Some" as "All" })), MALFORMED);
    assert.deepEqual(await refusal(put("bad", { ...base, OptionalFields: ["Size", "Colour" as "Size"] })), MALFORMED);
    // A schema error wins over a mismatched Id, which wins over a bad ARN.
    assert.deepEqual(await refusal(put("other", { ...base, Schedule: { Frequency: "Monthly" as "Daily" } })), MALFORMED);
    assert.deepEqual(await refusal(put("other", inventory("bad", "not-an-arn"))), ["IdMismatch", 400, "Document ID does not match the specified configuration ID."]);
    assert.deepEqual(await refusal(put("bad", inventory("bad", "inventory-reports"))), ["InvalidS3DestinationBucket", 400, "Invalid bucket ARN."]);
    await s3.send(new DeleteBucketInventoryConfigurationCommand({ Bucket: name, Id: "daily" }));
    assert.deepEqual(await refusal(s3.send(new GetBucketInventoryConfigurationCommand({ Bucket: name, Id: "daily" }))), NO_SUCH_CONFIGURATION);
    assert.deepEqual((await s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket: name }))).InventoryConfigurationList?.map((c) => c.Id), ["weekly"]);
  });

  test("a configuration request without its id is that request, refused, never the bucket's own (DELETE /bucket?metrics is no DeleteBucket); GET lists", async () => {
    const name = await bucket("no-id");
    const lists: Record<string, string> = {
      metrics: "ListMetricsConfigurationsResult",
      analytics: "ListBucketAnalyticsConfigurationResult",
      inventory: "ListInventoryConfigurationsResult",
      "intelligent-tiering": "ListBucketIntelligentTieringConfigurationsOutput",
    };
    for (const [sub, listed] of Object.entries(lists)) {
      for (const method of ["DELETE", "PUT"]) {
        const reply = await httpRequest(nimbus.port, method, `/${name}?${sub}`, signedHeaders("s3"), "");
        assert.equal(reply.status, 400, `${method} ?${sub}`);
        assert.match(reply.text, /<Code>InvalidRequest<\/Code><Message>Missing required parameter: id/);
      }
      // A GET without id is the List, as botocore sends it (no x-id).
      const list = await httpRequest(nimbus.port, "GET", `/${name}?${sub}`, signedHeaders("s3"));
      assert.equal(list.status, 200, `GET ?${sub}`);
      assert.match(list.text, new RegExp(`<${listed}`));
    }
    await s3.send(new HeadBucketCommand({ Bucket: name }));
  });

  test("metrics: filters by prefix, tag, access point or And; Id rules; mismatched Id", async () => {
    const name = await bucket("metrics");
    const configs: MetricsConfiguration[] = [
      { Id: "EntireBucket" },
      { Id: "by-prefix", Filter: { Prefix: "images/" } },
      { Id: "by.tag_1", Filter: { Tag: { Key: "env", Value: "prod" } } },
      { Id: "by-ap", Filter: { AccessPointArn: "arn:aws:s3:us-east-1:000000000000:accesspoint/reader" } },
      { Id: "by-and", Filter: { And: { Prefix: "logs/", Tags: [{ Key: "env", Value: "prod" }], AccessPointArn: "arn:aws:s3:us-east-1:000000000000:accesspoint/reader" } } },
    ];
    for (const config of configs) {
      const put = await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket: name, Id: config.Id, MetricsConfiguration: config }));
      // 204 No Content (LocalStack's AWS-validated test_put_bucket_metrics_configuration snapshot).
      assert.equal(put.$metadata.httpStatusCode, 204);
    }
    // An overwrite answers 204 as well (test_overwrite_bucket_metrics_configuration).
    const overwrite = await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket: name, Id: "by-prefix", MetricsConfiguration: { Id: "by-prefix", Filter: { Prefix: "images/" } } }));
    assert.equal(overwrite.$metadata.httpStatusCode, 204);
    for (const config of configs) {
      assert.deepEqual((await s3.send(new GetBucketMetricsConfigurationCommand({ Bucket: name, Id: config.Id }))).MetricsConfiguration, config);
    }
    const listed = await s3.send(new ListBucketMetricsConfigurationsCommand({ Bucket: name }));
    assert.deepEqual(listed.MetricsConfigurationList?.map((c) => c.Id), ["EntireBucket", "by-and", "by-ap", "by-prefix", "by.tag_1"]);
    const put = (id: string, config: MetricsConfiguration) => s3.send(new PutBucketMetricsConfigurationCommand({ Bucket: name, Id: id, MetricsConfiguration: config }));
    assert.deepEqual(await refusal(put("one", { Id: "two" })), MALFORMED);
    const longId = "x".repeat(65);
    assert.deepEqual(await refusal(put(longId, { Id: longId })), ["InvalidArgument", 400, "Invalid argument."]);
    assert.deepEqual(await refusal(put("has space", { Id: "has space" })), ["InvalidArgument", 400, "Invalid argument."]);
    // A <Filter> that names nothing (aws-sdk-java-v2's BucketMetricsConfigurationIntegrationTest
    // testEmptyFilter, run against S3, expects a refusal) is MalformedXML, as for analytics.
    assert.deepEqual(await refusal(put("empty", { Id: "empty", Filter: {} as MetricsConfiguration["Filter"] })), MALFORMED);
    assert.deepEqual(await refusal(s3.send(new GetBucketMetricsConfigurationCommand({ Bucket: name, Id: "empty" }))), NO_SUCH_CONFIGURATION);
    await s3.send(new DeleteBucketMetricsConfigurationCommand({ Bucket: name, Id: "EntireBucket" }));
    assert.deepEqual(await refusal(s3.send(new GetBucketMetricsConfigurationCommand({ Bucket: name, Id: "EntireBucket" }))), NO_SUCH_CONFIGURATION);
  });

  test("Intelligent-Tiering: round trip; ARCHIVE_ACCESS 90-730 days, DEEP_ARCHIVE_ACCESS 180-730 days, Enabled/Disabled", async () => {
    const name = await bucket("tiering");
    const created = await s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket: name, Id: "archive", IntelligentTieringConfiguration: tiering("archive", 730, 730) }));
    // 204 No Content (LocalStack's AWS-validated test_s3_intelligent_tier_config snapshot).
    assert.equal(created.$metadata.httpStatusCode, 204);
    const disabled: IntelligentTieringConfiguration = { Id: "deep", Status: "Disabled", Filter: { Prefix: "old/" }, Tierings: [{ AccessTier: "DEEP_ARCHIVE_ACCESS", Days: 180 }] };
    await s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket: name, Id: "deep", IntelligentTieringConfiguration: disabled }));
    assert.deepEqual((await s3.send(new GetBucketIntelligentTieringConfigurationCommand({ Bucket: name, Id: "archive" }))).IntelligentTieringConfiguration, tiering("archive", 730, 730));
    const listed = await s3.send(new ListBucketIntelligentTieringConfigurationsCommand({ Bucket: name }));
    assert.deepEqual([listed.IsTruncated, listed.IntelligentTieringConfigurationList], [false, [tiering("archive", 730, 730), disabled]]);

    const put = (id: string, config: IntelligentTieringConfiguration) =>
      s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket: name, Id: id, IntelligentTieringConfiguration: config }));
    const archiveRange = "The minimum number of days specified for Archive Access tier must be at least 90 days. The maximum can be up to 2 years (730 days).";
    const deepRange = "The minimum number of days specified for Deep Archive Access tier must be at least 180 days. The maximum can be up to 2 years (730 days).";
    assert.deepEqual(await refusal(put("t", tiering("t", 89))), ["InvalidArgument", 400, archiveRange]);
    assert.deepEqual(await refusal(put("t", tiering("t", 731))), ["InvalidArgument", 400, archiveRange]);
    assert.deepEqual(await refusal(put("t", tiering("t", 90, 179))), ["InvalidArgument", 400, deepRange]);
    assert.deepEqual(await refusal(put("t", tiering("t", 90, 731))), ["InvalidArgument", 400, deepRange]);
    assert.deepEqual(await refusal(put("t", { ...tiering("t"), Status: "Paused" as "Enabled" })), MALFORMED);
    assert.deepEqual(await refusal(put("t", { ...tiering("t"), Tierings: [{ AccessTier: "GLACIER" as "ARCHIVE_ACCESS", Days: 90 }] })), MALFORMED);
    assert.deepEqual(await refusal(put("t", tiering("u"))), MALFORMED);
    await s3.send(new DeleteBucketIntelligentTieringConfigurationCommand({ Bucket: name, Id: "archive" }));
    assert.deepEqual(await refusal(s3.send(new GetBucketIntelligentTieringConfigurationCommand({ Bucket: name, Id: "archive" }))), NO_SUCH_CONFIGURATION);
  });

  test("NoSuchBucket, the expected bucket owner, and configurations deleted with their bucket", async () => {
    const missing = uniqueName("no-such-bucket");
    const noBucket: [string, number, string] = ["NoSuchBucket", 404, "The specified bucket does not exist"];
    assert.deepEqual(await refusal(s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket: missing, Id: "a", AnalyticsConfiguration: { Id: "a", StorageClassAnalysis: {} } }))), noBucket);
    assert.deepEqual(await refusal(s3.send(new GetBucketInventoryConfigurationCommand({ Bucket: missing, Id: "a" }))), noBucket);
    assert.deepEqual(await refusal(s3.send(new DeleteBucketMetricsConfigurationCommand({ Bucket: missing, Id: "a" }))), noBucket);
    assert.deepEqual(await refusal(s3.send(new ListBucketIntelligentTieringConfigurationsCommand({ Bucket: missing }))), noBucket);
    assert.deepEqual(await refusal(s3.send(new GetBucketPolicyStatusCommand({ Bucket: missing }))), noBucket);

    const name = await bucket("owned");
    await s3.send(new PutBucketMetricsConfigurationCommand({ Bucket: name, Id: "m", MetricsConfiguration: { Id: "m" }, ExpectedBucketOwner: "000000000000" }));
    const denied: [string, number, string] = ["AccessDenied", 403, "Access Denied"];
    assert.deepEqual(await refusal(s3.send(new GetBucketMetricsConfigurationCommand({ Bucket: name, Id: "m", ExpectedBucketOwner: "111111111111" }))), denied);
    assert.deepEqual(await refusal(s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket: name, ExpectedBucketOwner: "111111111111" }))), denied);
    assert.deepEqual(await refusal(s3.send(new GetBucketPolicyStatusCommand({ Bucket: name, ExpectedBucketOwner: "111111111111" }))), denied);
    assert.deepEqual(await refusal(s3.send(new ListBucketIntelligentTieringConfigurationsCommand({ Bucket: name, ExpectedBucketOwner: "111111111111" }))), denied);
    assert.deepEqual(await refusal(s3.send(new DeleteBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "a", ExpectedBucketOwner: "111111111111" }))), denied);

    await s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: name, Id: "i", InventoryConfiguration: inventory("i") }));
    await s3.send(new PutBucketIntelligentTieringConfigurationCommand({ Bucket: name, Id: "t", IntelligentTieringConfiguration: tiering("t") }));
    await s3.send(new PutBucketAnalyticsConfigurationCommand({ Bucket: name, Id: "a", AnalyticsConfiguration: analytics("a") }));
    await s3.send(new DeleteBucketCommand({ Bucket: name }));
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    assert.equal((await s3.send(new ListBucketMetricsConfigurationsCommand({ Bucket: name }))).MetricsConfigurationList, undefined);
    assert.equal((await s3.send(new ListBucketInventoryConfigurationsCommand({ Bucket: name }))).InventoryConfigurationList, undefined);
    assert.equal((await s3.send(new ListBucketIntelligentTieringConfigurationsCommand({ Bucket: name }))).IntelligentTieringConfigurationList, undefined);
    assert.equal((await s3.send(new ListBucketAnalyticsConfigurationsCommand({ Bucket: name }))).AnalyticsConfigurationList, undefined);
  });

  test("GetBucketPolicyStatus: NoSuchBucketPolicy without a policy; IsPublic as Block Public Access judges the policy", async () => {
    const name = await bucket("policy-status");
    assert.deepEqual(await refusal(s3.send(new GetBucketPolicyStatusCommand({ Bucket: name }))), ["NoSuchBucketPolicy", 404, "The bucket policy does not exist"]);
    // A new bucket blocks public policies; these checks need them.
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: name }));
    const status = async (statement: Record<string, unknown>): Promise<boolean | undefined> => {
      const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${name}/*`, ...statement }] };
      await s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: JSON.stringify(policy) }));
      return (await s3.send(new GetBucketPolicyStatusCommand({ Bucket: name }))).PolicyStatus?.IsPublic;
    };
    assert.equal(await status({ Principal: "*" }), true);
    assert.equal(await status({ Principal: { AWS: "*" } }), true);
    assert.equal(await status({ Principal: { AWS: "arn:aws:iam::111122223333:root" } }), false);
    assert.equal(await status({ Principal: "*", Condition: { IpAddress: { "aws:SourceIp": ["192.0.2.0/24", "203.0.113.7/32"] } } }), false);
    assert.equal(await status({ Principal: "*", Condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } } }), true);
    assert.equal(await status({ Principal: "*", Condition: { StringEquals: { "aws:SourceVpc": "vpc-91237329" } } }), false);
    assert.equal(await status({ Principal: "*", Condition: { StringLike: { "aws:SourceVpc": "vpc-*" } } }), true);
    assert.equal(await status({ Principal: "*", Condition: { StringNotEquals: { "aws:SourceVpc": "vpc-91237329" } } }), true);
    assert.equal(await status({ Principal: "*", Effect: "Deny" }), false);
  });

  test("inventory reports: a gzipped CSV, manifest.json, manifest.checksum and symlink.txt in the destination, once per period", async () => {
    const HOUR = 3_600_000;
    const source = await bucket("inv-src");
    await nimbus.scheduler.runDue(); // the sweep S3 runs as it starts, before this configuration
    const destination = await bucket("inv-dst");
    const bodies: Record<string, string> = { "data/a.txt": "hello", "data/b c\"q.txt": "second object", "other/x.txt": "not in the report" };
    for (const [key, body] of Object.entries(bodies)) await s3.send(new PutObjectCommand({ Bucket: source, Key: key, Body: body }));
    const config: InventoryConfiguration = {
      Id: "daily-report",
      IsEnabled: true,
      Destination: { S3BucketDestination: { Bucket: `arn:aws:s3:::${destination}`, Format: "CSV", Prefix: "reports" } },
      Filter: { Prefix: "data/" },
      IncludedObjectVersions: "Current",
      OptionalFields: ["ETag", "Size", "StorageClass", "LastModifiedDate"],
      Schedule: { Frequency: "Daily" },
    };
    await s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: source, Id: config.Id, InventoryConfiguration: config }));
    const keys = async () => ((await s3.send(new ListObjectsV2Command({ Bucket: destination }))).Contents ?? []).map((o) => o.Key ?? "");
    const read = async (key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: destination, Key: key }))).Body!.transformToByteArray());
    assert.deepEqual(await keys(), []);

    await nimbus.scheduler.advance(HOUR); // 2026-01-15T13:00Z: the first sweep after the configuration
    const base = `reports/${source}/daily-report`;
    const written = await keys();
    assert.equal(written.length, 4, written.join(" "));
    const dataKey = written.find((k) => k.startsWith(`${base}/data/`)) ?? "";
    assert.match(dataKey, /^reports\/.+\/daily-report\/data\/[0-9a-f-]{36}\.csv\.gz$/);
    assert.ok(written.includes(`${base}/2026-01-15T13-00Z/manifest.json`));
    assert.ok(written.includes(`${base}/2026-01-15T13-00Z/manifest.checksum`));
    assert.ok(written.includes(`${base}/hive/dt=2026-01-15-13-00/symlink.txt`));

    const data = await read(dataKey);
    const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");
    const etag = (body: string) => md5(Buffer.from(body));
    const modified = new Date(Date.parse("2026-01-15T12:00:00.000Z")).toISOString();
    assert.equal(
      gunzipSync(data).toString("utf8"),
      `"${source}","data/a.txt","5","${modified}","${etag("hello")}","STANDARD"\n` +
        `"${source}","data/b%20c%22q.txt","13","${modified}","${etag("second object")}","STANDARD"\n`,
    );
    const manifestBytes = await read(`${base}/2026-01-15T13-00Z/manifest.json`);
    assert.deepEqual(JSON.parse(manifestBytes.toString("utf8")), {
      sourceBucket: source,
      destinationBucket: `arn:aws:s3:::${destination}`,
      version: "2016-11-30",
      creationTimestamp: String(Date.parse("2026-01-15T13:00:00.000Z")),
      fileFormat: "CSV",
      fileSchema: "Bucket, Key, Size, LastModifiedDate, ETag, StorageClass",
      files: [{ key: dataKey, size: data.length, MD5checksum: md5(data) }],
    });
    assert.equal((await read(`${base}/2026-01-15T13-00Z/manifest.checksum`)).toString("utf8"), md5(manifestBytes));
    assert.equal((await read(`${base}/hive/dt=2026-01-15-13-00/symlink.txt`)).toString("utf8"), `s3://${destination}/${dataKey}\n`);

    await nimbus.scheduler.advance(10 * HOUR); // 23:00 the same day: the day's report is out
    assert.equal((await keys()).length, 4);
    await nimbus.scheduler.advance(HOUR); // 2026-01-16T00:00Z: the next day's report
    assert.deepEqual((await keys()).filter((k) => k.endsWith("manifest.json")), [`${base}/2026-01-15T13-00Z/manifest.json`, `${base}/2026-01-16T00-00Z/manifest.json`]);
  });

  test("inventory reports name each version's Object Lock retention and holds, its Bucket Key status and its lifecycle expiration", async () => {
    const source = uniqueName("inv-lock");
    await s3.send(new CreateBucketCommand({ Bucket: source, ObjectLockEnabledForBucket: true }));
    const destination = await bucket("inv-lock-dst");
    const until = new Date(Date.parse("2027-01-01T00:00:00.000Z"));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "kept", Body: "k", ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: "OFF" }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "held", Body: "h", ObjectLockLegalHoldStatus: "ON", ServerSideEncryption: "aws:kms", BucketKeyEnabled: true }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "plain", Body: "p" }));
    const config: InventoryConfiguration = {
      Id: "locks",
      IsEnabled: true,
      Destination: { S3BucketDestination: { Bucket: `arn:aws:s3:::${destination}`, Format: "CSV" } },
      IncludedObjectVersions: "Current",
      OptionalFields: ["ObjectLockRetainUntilDate", "ObjectLockMode", "ObjectLockLegalHoldStatus", "BucketKeyStatus", "LifecycleExpirationDate"],
      Schedule: { Frequency: "Daily" },
    };
    await s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: source, Id: config.Id, InventoryConfiguration: config }));
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({ Bucket: source, LifecycleConfiguration: { Rules: [{ ID: "plain", Status: "Enabled", Filter: { Prefix: "plain" }, Expiration: { Days: 30 } }] } }),
    );
    await nimbus.scheduler.advance(3_600_000);
    const dataKey = ((await s3.send(new ListObjectsV2Command({ Bucket: destination }))).Contents ?? []).map((o) => o.Key ?? "").find((k) => k.includes("/data/")) ?? "";
    const data = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: destination, Key: dataKey }))).Body!.transformToByteArray());
    assert.equal(
      gunzipSync(data).toString("utf8"),
      `"${source}","held","","","ON","ENABLED",""\n` +
        `"${source}","kept","${until.toISOString()}","COMPLIANCE","OFF","",""\n` +
        // Written 2026-01-15T12:00Z: 30 days on, rounded up to the next midnight UTC, as lifecycle rounds.
        `"${source}","plain","","","","","2026-02-15T00:00:00.000Z"\n`,
    );
  });

  test("inventory reports carry each object's ACL as base64-encoded JSON, the grants GetObjectAcl answers", async () => {
    const source = uniqueName("inv-acl");
    // ACLs need an Object Ownership other than BucketOwnerEnforced, and a public grant needs public ACLs unblocked.
    await s3.send(new CreateBucketCommand({ Bucket: source, ObjectOwnership: "BucketOwnerPreferred" }));
    await s3.send(new DeletePublicAccessBlockCommand({ Bucket: source }));
    const destination = await bucket("inv-acl-dst");
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "private", Body: "p" }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "public", Body: "r", ACL: "public-read" }));
    const answered = await s3.send(new GetObjectAclCommand({ Bucket: source, Key: "public" }));
    const owner = answered.Owner?.ID ?? "";
    assert.ok(owner);
    const config: InventoryConfiguration = {
      Id: "acls",
      IsEnabled: true,
      Destination: { S3BucketDestination: { Bucket: `arn:aws:s3:::${destination}`, Format: "CSV" } },
      IncludedObjectVersions: "Current",
      OptionalFields: ["ObjectOwner", "ObjectAccessControlList"],
      Schedule: { Frequency: "Daily" },
    };
    await s3.send(new PutBucketInventoryConfigurationCommand({ Bucket: source, Id: config.Id, InventoryConfiguration: config }));
    await nimbus.scheduler.advance(3_600_000);
    const dataKey = ((await s3.send(new ListObjectsV2Command({ Bucket: destination }))).Contents ?? []).map((o) => o.Key ?? "").find((k) => k.includes("/data/")) ?? "";
    const data = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: destination, Key: dataKey }))).Body!.transformToByteArray());
    // Bucket, Key, ObjectAccessControlList, ObjectOwner: no value holds a comma or a quote.
    const rows = gunzipSync(data).toString("utf8").trim().split("\n").map((line) => line.split(",").map((value) => value.slice(1, -1)));
    assert.deepEqual(rows.map(([, key, , objectOwner]) => [key, objectOwner]), [["private", owner], ["public", owner]]);
    // As a user reads the field: "An inventory report displays the value for the Object ACL field as a base64-encoded string".
    const acl = (key: string): unknown => JSON.parse(Buffer.from(rows.find((r) => r[1] === key)?.[2] ?? "", "base64").toString("utf8"));
    const ownerGrant = { canonicalId: owner, permission: "FULL_CONTROL", type: "CanonicalUser" };
    assert.deepEqual(acl("private"), { version: "2022-11-10", status: "AVAILABLE", grants: [ownerGrant] });
    assert.deepEqual(acl("public"), {
      version: "2022-11-10",
      status: "AVAILABLE",
      grants: [ownerGrant, { uri: "http://acs.amazonaws.com/groups/global/AllUsers", permission: "READ", type: "Group" }],
    });
    const asField = answered.Grants?.map(({ Grantee: g, Permission: permission }) =>
      g?.Type === "Group" ? { uri: g.URI, permission, type: g.Type } : { canonicalId: g?.ID, permission, type: g?.Type },
    );
    assert.deepEqual((acl("public") as { grants: unknown }).grants, asField);
  });
});
