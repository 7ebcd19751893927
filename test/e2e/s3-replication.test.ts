import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CreateBucketCommand,
  DeleteBucketReplicationCommand,
  DeleteObjectCommand,
  GetBucketReplicationCommand,
  GetBucketVersioningCommand,
  DeleteObjectTaggingCommand,
  GetObjectAclCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutObjectAclCommand,
  PutObjectLockConfigurationCommand,
  PutObjectTaggingCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { S3Store } from "../../src/services/s3/store.js";
import { uniqueName, type TestNimbus } from "./harness.js";
import { s3Suite } from "./s3-fixtures.js";

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined; error: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    const e = err as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode, error: e as unknown as Record<string, unknown> };
  }
  assert.fail("expected the call to fail");
}

const ROLE = "arn:aws:iam::000000000000:role/replication";

describe("S3 replication", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  let west: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));
  before(() => {
    west = new S3Client({ ...nimbus.clientConfig({ region: "eu-west-1" }), forcePathStyle: true });
  });
  after(() => {
    west.destroy();
  });

  async function bucket(prefix: string, client = s3, versioned = true): Promise<string> {
    const name = uniqueName(prefix);
    await client.send(new CreateBucketCommand({ Bucket: name }));
    if (versioned) await client.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: "Enabled" } }));
    return name;
  }

  test("configuration needs versioning on both sides and an existing destination", async () => {
    const unversioned = await bucket("repl-src", s3, false);
    const destination = await bucket("repl-dst");
    const rules = [{ ID: "all", Priority: 1, Filter: {}, Status: "Enabled" as const, Destination: { Bucket: `arn:aws:s3:::${destination}` }, DeleteMarkerReplication: { Status: "Disabled" as const } }];
    const noVersioning = await failure(s3.send(new PutBucketReplicationCommand({ Bucket: unversioned, ReplicationConfiguration: { Role: ROLE, Rules: rules } })));
    assert.deepEqual(
      [noVersioning.name, noVersioning.message, noVersioning.status],
      ["InvalidRequest", "Versioning must be 'Enabled' on the bucket to apply a replication configuration", 400],
    );
    const source = await bucket("repl-src");
    // As S3 answers (nozaq/terraform-aws-remote-state-s3-backend#107).
    const unversionedDestination = await bucket("repl-dst-plain", s3, false);
    const plainDestination = await failure(
      s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: [{ ...rules[0]!, Destination: { Bucket: `arn:aws:s3:::${unversionedDestination}` } }] } })),
    );
    assert.deepEqual([plainDestination.name, plainDestination.message, plainDestination.status], ["InvalidRequest", "Destination bucket must have versioning enabled.", 400]);
    const missing = await failure(
      s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: [{ ...rules[0]!, Destination: { Bucket: "arn:aws:s3:::no-such-destination-bucket" } }] } })),
    );
    assert.deepEqual([missing.name, missing.message], ["InvalidRequest", "Destination bucket must exist."]);
    // LocalStack's AWS-validated test_replication_config (put-empty-bucket-replication-rules).
    const noRules = await failure(s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: [] } })));
    assert.deepEqual(
      [noRules.name, noRules.message, noRules.status],
      ["MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400],
    );
    // A destination storage class outside the schema's (scality/cloudserver putBucketReplication.js, run against AWS).
    const badClass = await failure(
      s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: [{ ...rules[0]!, Destination: { Bucket: `arn:aws:s3:::${destination}`, StorageClass: "INVALID" as "STANDARD" } }] } })),
    );
    assert.deepEqual(
      [badClass.name, badClass.message, badClass.status],
      ["MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema", 400],
    );
    const none = await failure(s3.send(new GetBucketReplicationCommand({ Bucket: source })));
    assert.deepEqual([none.name, none.message, none.status], ["ReplicationConfigurationNotFoundError", "The replication configuration was not found", 404]);
    await s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: rules } }));
    const got = await s3.send(new GetBucketReplicationCommand({ Bucket: source }));
    assert.equal(got.ReplicationConfiguration?.Role, ROLE);
    assert.deepEqual(got.ReplicationConfiguration?.Rules?.map((r) => [r.ID, r.Status, r.Destination?.Bucket]), [["all", "Enabled", `arn:aws:s3:::${destination}`]]);
    await s3.send(new DeleteBucketReplicationCommand({ Bucket: source }));
    assert.equal((await failure(s3.send(new GetBucketReplicationCommand({ Bucket: source })))).name, "ReplicationConfigurationNotFoundError");
  });

  test("a bucket that replicates cannot suspend versioning until its configuration is deleted; its destination can", async () => {
    // "If you attempt to disable versioning on the source bucket, Amazon S3 returns an error. You must
    // remove the replication configuration before you can disable versioning on the source bucket. If
    // you disable versioning on the destination bucket, Amazon S3 stops replication" (S3 User Guide,
    // "Replication and other bucket configurations"); S3's answer as quoted in
    // nozaq/terraform-aws-remote-state-s3-backend#59.
    const source = await bucket("suspend-src");
    const destination = await bucket("suspend-dst");
    const rules = [{ ID: "all", Priority: 1, Filter: {}, Status: "Enabled" as const, Destination: { Bucket: `arn:aws:s3:::${destination}` }, DeleteMarkerReplication: { Status: "Disabled" as const } }];
    await s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: rules } }));
    const suspend = (Bucket: string) => s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: "Suspended" } }));
    const refused = await failure(suspend(source));
    assert.deepEqual(
      [refused.name, refused.message, refused.status, refused.error["BucketName"]],
      ["InvalidBucketState", "A replication configuration is present on this bucket, so you cannot change the versioning state. To change the versioning state, first delete the replication configuration.", 409, undefined],
    );
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: source }))).Status, "Enabled");
    await s3.send(new PutBucketVersioningCommand({ Bucket: source, VersioningConfiguration: { Status: "Enabled" } }));
    await suspend(destination);
    await s3.send(new DeleteBucketReplicationCommand({ Bucket: source }));
    await suspend(source);
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket: source }))).Status, "Suspended");
  });

  test("new versions matching a rule are copied across regions with the same version id; replicas go no further", async () => {
    const source = await bucket("crr-src");
    const destination = await bucket("crr-dst", west);
    const third = await bucket("crr-third");
    await s3.send(
      new PutBucketReplicationCommand({
        Bucket: source,
        ReplicationConfiguration: {
          Role: ROLE,
          Rules: [
            {
              ID: "docs",
              Priority: 1,
              Filter: { Prefix: "docs/" },
              Status: "Enabled",
              Destination: { Bucket: `arn:aws:s3:::${destination}`, StorageClass: "STANDARD_IA" },
              DeleteMarkerReplication: { Status: "Enabled" },
            },
          ],
        },
      }),
    );
    await west.send(
      new PutBucketReplicationCommand({
        Bucket: destination,
        ReplicationConfiguration: {
          Role: ROLE,
          Rules: [{ ID: "onward", Priority: 1, Filter: {}, Status: "Enabled", Destination: { Bucket: `arn:aws:s3:::${third}` }, DeleteMarkerReplication: { Status: "Disabled" } }],
        },
      }),
    );
    const put = await s3.send(new PutObjectCommand({ Bucket: source, Key: "docs/report.txt", Body: "quarterly", Metadata: { team: "finance" }, Tagging: "k=v" }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "scratch/notes.txt", Body: "not replicated" }));
    await nimbus.events.idle();

    const sourceHead = await s3.send(new HeadObjectCommand({ Bucket: source, Key: "docs/report.txt" }));
    assert.equal(sourceHead.ReplicationStatus, "COMPLETED");
    const replica = await west.send(new GetObjectCommand({ Bucket: destination, Key: "docs/report.txt", VersionId: put.VersionId }));
    assert.equal(await replica.Body?.transformToString(), "quarterly");
    assert.equal(replica.ReplicationStatus, "REPLICA");
    assert.equal(replica.StorageClass, "STANDARD_IA");
    assert.deepEqual(replica.Metadata, { team: "finance" });
    assert.equal(replica.TagCount, 1);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "scratch/notes.txt" }))).ReplicationStatus, undefined);
    assert.equal((await failure(west.send(new HeadObjectCommand({ Bucket: destination, Key: "scratch/notes.txt" })))).status, 404);
    // No chaining: the replica is not copied on to the destination's own destination.
    assert.equal((await s3.send(new ListObjectVersionsCommand({ Bucket: third }))).Versions, undefined);

    const marker = await s3.send(new DeleteObjectCommand({ Bucket: source, Key: "docs/report.txt" }));
    await nimbus.events.idle();
    const versions = await west.send(new ListObjectVersionsCommand({ Bucket: destination }));
    assert.deepEqual(versions.DeleteMarkers?.map((m) => [m.VersionId, m.IsLatest]), [[marker.VersionId, true]]);
    // Deleting a specific version is not replicated.
    await s3.send(new DeleteObjectCommand({ Bucket: source, Key: "docs/report.txt", VersionId: put.VersionId }));
    await nimbus.events.idle();
    const still = await west.send(new GetObjectCommand({ Bucket: destination, Key: "docs/report.txt", VersionId: put.VersionId }));
    assert.equal(await still.Body?.transformToString(), "quarterly");
  });

  test("a version matching rules to several destinations is copied to each; for one destination the highest Priority decides", async () => {
    // "Amazon S3 will attempt to replicate objects according to all replication rules. However, if there
    // are two or more rules with the same destination bucket, then objects will be replicated according
    // to the rule with the highest priority" (API Reference, ReplicationRule); the source reads
    // COMPLETED only once every destination has its copy, FAILED if one fails (HeadObject).
    const source = await bucket("multi-src");
    const first = await bucket("multi-one");
    const second = await bucket("multi-two");
    const rule = (ID: string, Priority: number, to: string, markers: "Enabled" | "Disabled", StorageClass?: "STANDARD_IA") => ({
      ID,
      Priority,
      Filter: {},
      Status: "Enabled" as const,
      Destination: { Bucket: `arn:aws:s3:::${to}`, ...(StorageClass ? { StorageClass } : {}) },
      DeleteMarkerReplication: { Status: markers },
    });
    const rules = [rule("one-low", 1, first, "Disabled"), rule("one-high", 3, first, "Enabled", "STANDARD_IA"), rule("two", 2, second, "Disabled")];
    await s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: rules } }));
    const put = await s3.send(new PutObjectCommand({ Bucket: source, Key: "doc.txt", Body: "everywhere" }));
    await nimbus.events.idle();
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "doc.txt" }))).ReplicationStatus, "COMPLETED");
    const copies = await Promise.all([first, second].map((Bucket) => s3.send(new HeadObjectCommand({ Bucket, Key: "doc.txt", VersionId: put.VersionId }))));
    // The higher-priority rule to the first destination sets its storage class.
    assert.deepEqual(copies.map((c) => [c.ReplicationStatus, c.StorageClass]), [["REPLICA", "STANDARD_IA"], ["REPLICA", undefined]]);
    // A delete marker goes only where the deciding rule replicates delete markers.
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: source, Key: "doc.txt" }));
    await nimbus.events.idle();
    assert.deepEqual((await s3.send(new ListObjectVersionsCommand({ Bucket: first }))).DeleteMarkers?.map((m) => m.VersionId), [marker.VersionId]);
    assert.equal((await s3.send(new ListObjectVersionsCommand({ Bucket: second }))).DeleteMarkers, undefined);
    // One destination that cannot take a copy fails the version, the other still gets it.
    await s3.send(new PutBucketVersioningCommand({ Bucket: second, VersioningConfiguration: { Status: "Suspended" } }));
    const later = await s3.send(new PutObjectCommand({ Bucket: source, Key: "later.txt", Body: "half" }));
    await nimbus.events.idle();
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "later.txt" }))).ReplicationStatus, "FAILED");
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: first, Key: "later.txt", VersionId: later.VersionId }))).ReplicationStatus, "REPLICA");
  });

  test("rule schemas: a V2 rule (with Filter) names DeleteMarkerReplication, a V1 rule (without) does not; tag filters cannot replicate delete markers", async () => {
    const source = await bucket("schema-src");
    const destination = await bucket("schema-dst");
    const to = { Bucket: `arn:aws:s3:::${destination}` };
    const put = (rule: Record<string, unknown>) => failure(s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: [{ ...{ ID: "r", Status: "Enabled", Destination: to }, ...rule }] } })));
    // "If you specify a Filter in your replication configuration, you must also include a DeleteMarkerReplication element" (API_DeleteMarkerReplication).
    assert.deepEqual(Object.values(await put({ Priority: 1, Filter: { Prefix: "a/" } })).slice(0, 3), [
      "InvalidRequest",
      "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information.",
      400,
    ]);
    // S3's answer to a V1 rule (no Filter) that names it, as a Terraform user recorded it (rust-lang/simpleinfra#468).
    assert.deepEqual(Object.values(await put({ Prefix: "a/", DeleteMarkerReplication: { Status: "Disabled" } })).slice(0, 3), [
      "InvalidRequest",
      "DeleteMarkerReplication cannot be used for this version of Cross Region Replication configuration schema. Please refer to S3 Developer Guide for more information.",
      400,
    ]);
    // "If your Filter includes a Tag element, the DeleteMarkerReplication Status must be set to Disabled" (API_DeleteMarkerReplication).
    const tagged = "Delete marker replication is not supported if any Tag filter is specified. Please refer to S3 Developer Guide for more information.";
    for (const Filter of [{ Tag: { Key: "k", Value: "v" } }, { And: { Prefix: "a/", Tags: [{ Key: "k", Value: "v" }] } }]) {
      assert.deepEqual(Object.values(await put({ Priority: 1, Filter, DeleteMarkerReplication: { Status: "Enabled" } })).slice(0, 3), ["InvalidRequest", tagged, 400]);
    }

    // "If you don't specify the Filter element, Amazon S3 assumes that the replication configuration is
    // version V1, and it replicates delete markers that resulted from user actions" (replication-what-is-isnot-replicated).
    await s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: [{ ID: "v1", Prefix: "a/", Status: "Enabled", Destination: to }] } }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "a/doc", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "b/doc", Body: "x" }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket: source, Key: "a/doc" }));
    await nimbus.events.idle();
    const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: destination }));
    assert.deepEqual(versions.Versions?.map((v) => v.Key), ["a/doc"]);
    assert.deepEqual(versions.DeleteMarkers?.map((m) => [m.Key, m.VersionId]), [["a/doc", marker.VersionId]]);
  });

  test("SSE-KMS objects replicate only when SseKmsEncryptedObjects is Enabled, under the destination's ReplicaKmsKeyID", async () => {
    // "By default, Amazon S3 doesn't replicate objects that are encrypted with SSE-KMS or DSSE-KMS"
    // (S3 User Guide, replication-config-for-kms-objects).
    const source = await bucket("kms-src");
    const destination = await bucket("kms-dst");
    const replicaKey = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555";
    const rule = { ID: "all", Priority: 1, Filter: {}, Status: "Enabled" as const, DeleteMarkerReplication: { Status: "Disabled" as const } };
    await s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: [{ ...rule, Destination: { Bucket: `arn:aws:s3:::${destination}` } }] } }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "kms-1", Body: "secret", ServerSideEncryption: "aws:kms" }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "s3-1", Body: "plain" }));
    await nimbus.events.idle();
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "kms-1" }))).ReplicationStatus, undefined);
    assert.deepEqual((await s3.send(new ListObjectVersionsCommand({ Bucket: destination }))).Versions?.map((v) => v.Key), ["s3-1"]);

    await s3.send(
      new PutBucketReplicationCommand({
        Bucket: source,
        ReplicationConfiguration: {
          Role: ROLE,
          Rules: [
            {
              ...rule,
              SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: "Enabled" } },
              Destination: { Bucket: `arn:aws:s3:::${destination}`, EncryptionConfiguration: { ReplicaKmsKeyID: replicaKey } },
            },
          ],
        },
      }),
    );
    const put = await s3.send(new PutObjectCommand({ Bucket: source, Key: "kms-2", Body: "secret", ServerSideEncryption: "aws:kms" }));
    await nimbus.events.idle();
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "kms-2" }))).ReplicationStatus, "COMPLETED");
    const replica = await s3.send(new HeadObjectCommand({ Bucket: destination, Key: "kms-2", VersionId: put.VersionId }));
    assert.deepEqual([replica.ReplicationStatus, replica.ServerSideEncryption, replica.SSEKMSKeyId], ["REPLICA", "aws:kms", replicaKey]);
  });

  test("objects stored in GLACIER or DEEP_ARCHIVE are not replicated; GLACIER_IR is", async () => {
    // "By default, Amazon S3 doesn't replicate ... Objects that are stored in the S3 Glacier Flexible
    // Retrieval or S3 Glacier Deep Archive storage class" (S3 User Guide, replication-what-is-isnot-replicated).
    const source = await bucket("cold-src");
    const destination = await bucket("cold-dst");
    const rule = { ID: "all", Priority: 1, Filter: {}, Status: "Enabled" as const, Destination: { Bucket: `arn:aws:s3:::${destination}` }, DeleteMarkerReplication: { Status: "Disabled" as const } };
    await s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: [rule] } }));
    for (const StorageClass of ["GLACIER", "DEEP_ARCHIVE", "GLACIER_IR"] as const) await s3.send(new PutObjectCommand({ Bucket: source, Key: StorageClass, Body: "x", StorageClass }));
    await nimbus.events.idle();
    assert.deepEqual((await s3.send(new ListObjectVersionsCommand({ Bucket: destination }))).Versions?.map((v) => v.Key), ["GLACIER_IR"]);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "GLACIER" }))).ReplicationStatus, undefined);
  });

  test("later changes to a replicated version's tags and ACL reach its replica; a version left alone keeps its own", async () => {
    // "By default, Amazon S3 replicates metadata from the source objects to the replicas only" (S3
    // User Guide, "Replicating metadata changes with replica modification sync": tags, ACLs);
    // "What does Amazon S3 replicate?" lists "Object ACL updates" and "Object tags".
    const source = await bucket("meta-src");
    const destination = await bucket("meta-dst");
    for (const Bucket of [source, destination]) await s3.send(new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: "ObjectWriter" }] } }));
    const rule = { ID: "all", Priority: 1, Filter: { Prefix: "docs/" }, Status: "Enabled" as const, Destination: { Bucket: `arn:aws:s3:::${destination}` }, DeleteMarkerReplication: { Status: "Disabled" as const } };
    await s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: [rule] } }));
    const put = await s3.send(new PutObjectCommand({ Bucket: source, Key: "docs/a.txt", Body: "a", Tagging: "stage=draft" }));
    await nimbus.events.idle();
    const replica = { Bucket: destination, Key: "docs/a.txt", VersionId: put.VersionId };

    await s3.send(new PutObjectTaggingCommand({ Bucket: source, Key: "docs/a.txt", Tagging: { TagSet: [{ Key: "stage", Value: "final" }] } }));
    await nimbus.events.idle();
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand(replica))).TagSet, [{ Key: "stage", Value: "final" }]);
    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "docs/a.txt" }))).ReplicationStatus, "COMPLETED");

    await s3.send(new PutObjectAclCommand({ Bucket: source, Key: "docs/a.txt", GrantRead: 'uri="http://acs.amazonaws.com/groups/s3/LogDelivery"' }));
    await nimbus.events.idle();
    const grants = (await s3.send(new GetObjectAclCommand(replica))).Grants ?? [];
    assert.deepEqual(grants.map((g) => [g.Grantee?.URI ?? g.Grantee?.Type, g.Permission]).sort(), [["http://acs.amazonaws.com/groups/s3/LogDelivery", "READ"]]);

    await s3.send(new DeleteObjectTaggingCommand({ Bucket: source, Key: "docs/a.txt" }));
    await nimbus.events.idle();
    assert.deepEqual((await s3.send(new GetObjectTaggingCommand(replica))).TagSet, []);

    // A version the rules never replicated has no replica to update.
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "other.txt", Body: "b" }));
    await s3.send(new PutObjectTaggingCommand({ Bucket: source, Key: "other.txt", Tagging: { TagSet: [{ Key: "k", Value: "v" }] } }));
    await nimbus.events.idle();
    assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: destination, Key: "other.txt" })))).status, 404);
  });

  test("a rule's Not filter keeps matching objects out, by prefix, by tag or by any of an Or, also inside And; the configuration reads back whole", async () => {
    const source = await bucket("not-src");
    const destination = await bucket("not-dst");
    const rules = [
      {
        ID: "logs-but-debug",
        Priority: 2,
        Filter: { And: { Prefix: "logs/", Tags: [{ Key: "keep", Value: "yes" }], Not: { Prefix: "logs/debug/" } } },
        Status: "Enabled" as const,
        Destination: { Bucket: `arn:aws:s3:::${destination}` },
        DeleteMarkerReplication: { Status: "Disabled" as const },
      },
      {
        ID: "all-but",
        Priority: 1,
        Filter: { Not: { Or: { Prefixes: ["tmp/", "cache/"], Tags: [{ Key: "class", Value: "scratch" }] } } },
        Status: "Enabled" as const,
        Destination: { Bucket: `arn:aws:s3:::${destination}` },
        DeleteMarkerReplication: { Status: "Disabled" as const },
      },
    ];
    await s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: rules } }));
    assert.deepEqual((await s3.send(new GetBucketReplicationCommand({ Bucket: source }))).ReplicationConfiguration?.Rules?.map((r) => r.Filter), rules.map((r) => r.Filter));
    const put = async (Key: string, Tagging?: string): Promise<void> => {
      await s3.send(new PutObjectCommand({ Bucket: source, Key, Body: Key, ...(Tagging !== undefined ? { Tagging } : {}) }));
    };
    await put("logs/app.log", "keep=yes");
    await put("logs/debug/trace.log", "keep=yes&class=scratch"); // out of the first rule, and out of the second by its tag
    await put("logs/debug/other.log", "keep=yes"); // out of the first rule, in the second
    await put("tmp/x");
    await put("cache/y");
    await put("data/z", "class=scratch");
    await put("data/kept");
    await nimbus.events.idle();
    const replicated = ((await s3.send(new ListObjectVersionsCommand({ Bucket: destination }))).Versions ?? []).map((v) => v.Key).sort();
    assert.deepEqual(replicated, ["data/kept", "logs/app.log", "logs/debug/other.log"]);
  });

  test("replicas keep the source's Object Lock retention and legal hold; an unlocked destination refuses locked versions", async () => {
    const locked = async (prefix: string): Promise<string> => {
      const name = uniqueName(prefix);
      await s3.send(new CreateBucketCommand({ Bucket: name, ObjectLockEnabledForBucket: true }));
      return name;
    };
    const source = await locked("repl-lock-src");
    const destination = await locked("repl-lock-dst");
    const plain = await bucket("repl-lock-plain");
    await s3.send(
      new PutObjectLockConfigurationCommand({ Bucket: destination, ObjectLockConfiguration: { ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 1 } } } }),
    );
    const rule = (to: string, prefix: string, priority: number) => ({
      ID: prefix,
      Priority: priority,
      Filter: { Prefix: prefix },
      Status: "Enabled" as const,
      Destination: { Bucket: `arn:aws:s3:::${to}` },
      DeleteMarkerReplication: { Status: "Disabled" as const },
    });
    await s3.send(new PutBucketReplicationCommand({ Bucket: source, ReplicationConfiguration: { Role: ROLE, Rules: [rule(destination, "kept/", 2), rule(plain, "plain/", 1)] } }));
    const until = new Date(Math.ceil((nimbus.clock.now() + 30 * 86_400_000) / 1000) * 1000);
    const put = (Key: string, lock: Partial<{ ObjectLockMode: "COMPLIANCE"; ObjectLockRetainUntilDate: Date; ObjectLockLegalHoldStatus: "ON" }>) =>
      s3.send(new PutObjectCommand({ Bucket: source, Key, Body: "record", ChecksumAlgorithm: "SHA256", ...lock }));
    const retained = await put("kept/retained.txt", { ObjectLockMode: "COMPLIANCE", ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: "ON" });
    const unlocked = await put("kept/plain.txt", {});
    const refused = await put("plain/held.txt", { ObjectLockLegalHoldStatus: "ON" });
    await nimbus.events.idle();

    const replica = await s3.send(new HeadObjectCommand({ Bucket: destination, Key: "kept/retained.txt", VersionId: retained.VersionId }));
    assert.deepEqual([replica.ReplicationStatus, replica.ObjectLockMode, replica.ObjectLockRetainUntilDate?.getTime(), replica.ObjectLockLegalHoldStatus], ["REPLICA", "COMPLIANCE", until.getTime(), "ON"]);
    const denied = await failure(s3.send(new DeleteObjectCommand({ Bucket: destination, Key: "kept/retained.txt", VersionId: retained.VersionId })));
    assert.deepEqual([denied.name, denied.status], ["AccessDenied", 403]);
    // A source version without retention takes the destination's default.
    const defaulted = await s3.send(new HeadObjectCommand({ Bucket: destination, Key: "kept/plain.txt", VersionId: unlocked.VersionId }));
    assert.equal(defaulted.ObjectLockMode, "GOVERNANCE");
    const defaultEnd = nimbus.clock.now() + 86_400_000;
    assert.ok(Math.abs((defaulted.ObjectLockRetainUntilDate?.getTime() ?? 0) - defaultEnd) < 1000, "one day from the replication");
    assert.equal(defaulted.ObjectLockLegalHoldStatus, undefined);

    assert.equal((await s3.send(new HeadObjectCommand({ Bucket: source, Key: "plain/held.txt", VersionId: refused.VersionId }))).ReplicationStatus, "FAILED");
    assert.equal((await failure(s3.send(new HeadObjectCommand({ Bucket: plain, Key: "plain/held.txt" })))).status, 404);
  });
  test("a replica is an event of its destination bucket: the destination's notification goes out, owed with the copy until sent", async () => {
    const source = await bucket("crr-notify-src");
    const destination = await bucket("crr-notify-dst", west);
    const sqs = new SQSClient(nimbus.clientConfig({ region: "eu-west-1" }));
    try {
      const QueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("replicas") }))).QueueUrl ?? "";
      const QueueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
      await west.send(new PutBucketNotificationConfigurationCommand({ Bucket: destination, NotificationConfiguration: { QueueConfigurations: [{ QueueArn, Events: ["s3:ObjectCreated:*"] }] } }));
      await nimbus.events.idle();
      for (const m of (await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }))).Messages ?? []) {
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
      await s3.send(
        new PutBucketReplicationCommand({
          Bucket: source,
          ReplicationConfiguration: {
            Role: ROLE,
            Rules: [{ ID: "all", Priority: 1, Filter: {}, Status: "Enabled", Destination: { Bucket: `arn:aws:s3:::${destination}` }, DeleteMarkerReplication: { Status: "Disabled" } }],
          },
        }),
      );
      await s3.send(new PutObjectCommand({ Bucket: source, Key: "copied.txt", Body: "x" }));
      await nimbus.events.idle();
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      const records = (got.Messages ?? []).flatMap((m) => (JSON.parse(m.Body ?? "{}") as { Records: { eventName: string; s3: { bucket: { name: string }; object: { key: string } } }[] }).Records);
      assert.deepEqual(records.map((r) => [r.eventName, r.s3.bucket.name, r.s3.object.key]), [["ObjectCreated:Put", destination, "copied.txt"]]);
      assert.deepEqual(((await nimbus.registry.get("s3")).store as S3Store).owedNotifications(), []);
    } finally {
      sqs.destroy();
    }
  });
});
