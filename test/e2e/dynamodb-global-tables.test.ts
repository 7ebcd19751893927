import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  BatchWriteItemCommand,
  CreateGlobalTableCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeGlobalTableCommand,
  DescribeGlobalTableSettingsCommand,
  DescribeTableCommand,
  DescribeTableReplicaAutoScalingCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ExecuteStatementCommand,
  GetItemCommand,
  ListGlobalTablesCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  UpdateGlobalTableCommand,
  UpdateGlobalTableSettingsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
  UpdateTableReplicaAutoScalingCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type UpdateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { failure, jsonService, startTestNimbus, uniqueName } from "./harness.js";
import { regionalDynamoSuite } from "./dynamodb-fixtures.js";

const EAST = "us-east-1";
const WEST = "us-west-2";
const EU = "eu-west-1";

function tableInput(name: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "g", AttributeType: "S" },
    ],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    GlobalSecondaryIndexes: [{ IndexName: "by-g", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } }],
    BillingMode: "PAY_PER_REQUEST",
    ...extra,
  };
}

function provisionedInput(name: string, extra: Partial<CreateTableCommandInput> = {}): CreateTableCommandInput {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    ...extra,
  };
}

interface StreamRecord {
  eventName: string;
  awsRegion: string;
  userIdentity?: { Type: string; PrincipalId: string };
  dynamodb: { Keys: Record<string, unknown>; NewImage?: Record<string, unknown>; OldImage?: Record<string, unknown> };
}

describe("DynamoDB global tables", () => {
  const { nimbus, ddb } = regionalDynamoSuite();

  /** DynamoDB Streams of one region, in its JSON 1.0 protocol (no streams client is installed). */
  async function streamRecords(region: string, streamArn: string): Promise<StreamRecord[]> {
    await nimbus().events.idle();
    const call = jsonService(nimbus, { targetPrefix: "DynamoDBStreams_20120810", version: "1.0", signingName: "dynamodb", region }).ok;
    const described = await call("DescribeStream", { StreamArn: streamArn });
    const shard = (described.StreamDescription as { Shards: { ShardId: string }[] }).Shards[0]?.ShardId;
    const it = await call("GetShardIterator", { StreamArn: streamArn, ShardId: shard, ShardIteratorType: "TRIM_HORIZON" });
    return (await call("GetRecords", { ShardIterator: it.ShardIterator })).Records as StreamRecord[];
  }

  async function globalTable(name: string, regions: string[], extra: Partial<CreateTableCommandInput> = {}): Promise<void> {
    await ddb(EAST).send(new CreateTableCommand(tableInput(name, extra)));
    // DynamoDB adds one replica per UpdateTable.
    for (const RegionName of regions) await ddb(EAST).send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName } }] }));
  }

  const item = async (region: string, name: string, pk: string) => (await ddb(region).send(new GetItemCommand({ TableName: name, Key: { pk: { S: pk } } }))).Item;

  test("ReplicaUpdates Create makes a real table in the other region, with the data, schema, indexes, billing and a stream", async () => {
    const name = uniqueName("gt-create");
    await ddb(EAST).send(new CreateTableCommand(tableInput(name)));
    await ddb(EAST).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "before" }, g: { S: "x" }, v: { N: "1" } } }));

    const updated = await ddb(EAST).send(
      new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName: WEST, TableClassOverride: "STANDARD_INFREQUENT_ACCESS" } }] }),
    );
    assert.equal(updated.TableDescription?.GlobalTableVersion, "2019.11.21");
    // The answer lists no replica yet (DynamoDB's entry appears seconds later); it is ACTIVE by the time anyone describes it.
    assert.equal(updated.TableDescription?.TableStatus, "UPDATING");
    assert.deepEqual(updated.TableDescription?.Replicas, []);
    // Streams were off: DynamoDB turns them on with new and old images.
    assert.deepEqual(updated.TableDescription?.StreamSpecification, { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });

    assert.ok((await ddb(WEST).send(new ListTablesCommand({}))).TableNames?.includes(name));
    const west = (await ddb(WEST).send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(west?.TableArn, `arn:aws:dynamodb:${WEST}:000000000000:table/${name}`);
    assert.deepEqual(west?.KeySchema, [{ AttributeName: "pk", KeyType: "HASH" }]);
    assert.deepEqual(west?.AttributeDefinitions?.map((d) => d.AttributeName), ["pk", "g"]);
    assert.equal(west?.BillingModeSummary?.BillingMode, "PAY_PER_REQUEST");
    assert.equal(west?.GlobalSecondaryIndexes?.[0]?.IndexName, "by-g");
    assert.deepEqual(west?.StreamSpecification, { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    assert.match(west?.LatestStreamArn ?? "", new RegExp(`^arn:aws:dynamodb:${WEST}:000000000000:table/${name}/stream/`));
    assert.equal(west?.GlobalTableVersion, "2019.11.21");
    assert.equal(west?.GlobalTableSettingsReplicationMode, "ENABLED_WITH_OVERRIDES");
    // Each region's Replicas lists the others, never itself (DDB-TABLE-229).
    assert.deepEqual(west?.Replicas?.map((r) => [r.RegionName, r.ReplicaStatus]), [[EAST, "ACTIVE"]]);
    const east = (await ddb(EAST).send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.deepEqual(east?.Replicas?.map((r) => [r.RegionName, r.ReplicaStatus, r.ReplicaTableClassSummary]), [[WEST, "ACTIVE", { TableClass: "STANDARD_INFREQUENT_ACCESS" }]]);
    assert.deepEqual(west?.TableClassSummary, { TableClass: "STANDARD_INFREQUENT_ACCESS" });
    assert.equal(west?.ItemCount, 1);
    assert.deepEqual(await item(WEST, name, "before"), { pk: { S: "before" }, g: { S: "x" }, v: { N: "1" } });
    const byIndex = await ddb(WEST).send(
      new QueryCommand({ TableName: name, IndexName: "by-g", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } }),
    );
    assert.equal(byIndex.Count, 1);

    // Another UpdateTable in the replica keeps each replica's own table class.
    await ddb(WEST).send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false }));
    assert.equal((await ddb(EAST).send(new DescribeTableCommand({ TableName: name }))).Table?.TableClassSummary, undefined);
    assert.deepEqual((await ddb(WEST).send(new DescribeTableCommand({ TableName: name }))).Table?.TableClassSummary, { TableClass: "STANDARD_INFREQUENT_ACCESS" });
  });

  test("every write in any replica reaches every other replica, each stream shows it once, nothing loops", async () => {
    const name = uniqueName("gt-repl");
    await globalTable(name, [WEST, EU]);
    await ddb(EAST).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, v: { N: "1" } } }));
    for (const r of [WEST, EU]) assert.deepEqual(await item(r, name, "a"), { pk: { S: "a" }, v: { N: "1" } });

    await ddb(WEST).send(new UpdateItemCommand({ TableName: name, Key: { pk: { S: "a" } }, UpdateExpression: "SET v = v + :one", ExpressionAttributeValues: { ":one": { N: "1" } } }));
    for (const r of [EAST, EU]) assert.deepEqual(await item(r, name, "a"), { pk: { S: "a" }, v: { N: "2" } });

    await ddb(EU).send(
      new BatchWriteItemCommand({
        RequestItems: { [name]: [{ PutRequest: { Item: { pk: { S: "b" } } } }, { PutRequest: { Item: { pk: { S: "c" } } } }] },
      }),
    );
    await ddb(EAST).send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: name, Item: { pk: { S: "d" }, by: { S: "transaction" } } } },
          { Delete: { TableName: name, Key: { pk: { S: "b" } } } },
        ],
      }),
    );
    await ddb(WEST).send(new ExecuteStatementCommand({ Statement: `INSERT INTO "${name}" VALUE {'pk': 'e', 'by': 'partiql'}` }));
    await ddb(EU).send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: "c" } } }));
    for (const r of [EAST, WEST, EU]) {
      assert.equal(await item(r, name, "b"), undefined);
      assert.equal(await item(r, name, "c"), undefined);
      assert.deepEqual(await item(r, name, "d"), { pk: { S: "d" }, by: { S: "transaction" } });
      assert.deepEqual(await item(r, name, "e"), { pk: { S: "e" }, by: { S: "partiql" } });
      assert.equal((await ddb(r).send(new DescribeTableCommand({ TableName: name }))).Table?.ItemCount, 3);
    }

    // Each region's stream holds each change exactly once: 1 put, 1 update, 2 puts, put+delete, insert, delete.
    for (const r of [EAST, WEST, EU]) {
      const arn = (await ddb(r).send(new DescribeTableCommand({ TableName: name }))).Table?.LatestStreamArn ?? "";
      const records = await streamRecords(r, arn);
      assert.deepEqual(
        records.map((x) => `${x.eventName}:${Object.values(x.dynamodb.Keys).map((k) => (k as { S: string }).S).join()}`),
        ["INSERT:a", "MODIFY:a", "INSERT:b", "INSERT:c", "INSERT:d", "REMOVE:b", "INSERT:e", "REMOVE:c"],
        r,
      );
      assert.ok(records.every((x) => x.awsRegion === r));
      assert.deepEqual(records[1]?.dynamodb.OldImage, { pk: { S: "a" }, v: { N: "1" } });
    }
  });

  test("concurrent writes to one item: the last writer wins in every replica", async () => {
    const name = uniqueName("gt-lww");
    await globalTable(name, [WEST]);
    await ddb(EAST).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "k" }, who: { S: "east" } } }));
    await ddb(WEST).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "k" }, who: { S: "west" } } }));
    assert.deepEqual(await item(EAST, name, "k"), { pk: { S: "k" }, who: { S: "west" } });
    assert.deepEqual(await item(WEST, name, "k"), { pk: { S: "k" }, who: { S: "west" } });
    // A conditional write in one region sees the other region's write (it is already there).
    const err = await failure(
      ddb(EAST).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "k" } }, ConditionExpression: "who = :me", ExpressionAttributeValues: { ":me": { S: "east" } } })),
    );
    assert.equal(err.name, "ConditionalCheckFailedException");
  });

  test("ReplicaUpdates errors: the local region, a region that has the table, an unknown replica, provisioned writes without auto scaling", async () => {
    const name = uniqueName("gt-err");
    await ddb(EAST).send(new CreateTableCommand(tableInput(name)));
    const refused = async (updates: NonNullable<UpdateTableCommandInput["ReplicaUpdates"]>) => {
      const e = await failure(ddb(EAST).send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: updates })));
      return [e.name, e.$metadata.httpStatusCode, e.message];
    };
    const valid = (message: string) => ["ValidationException", 400, message];
    const local = "Cannot add or delete the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.";
    assert.deepEqual(await refused([{ Create: { RegionName: EAST } }]), valid(local));
    assert.deepEqual(await refused([{ Delete: { RegionName: EAST } }]), valid(local));
    assert.deepEqual(
      await refused([{ Update: { RegionName: EAST, TableClassOverride: "STANDARD" } }]),
      valid("Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required."),
    );
    // An update that asks for nothing, or for two things.
    for (const nothing of [{}, { Update: { RegionName: WEST } }]) {
      assert.deepEqual(await refused([nothing]), valid("There are no actions specified in the Replica Update Action of the request."));
    }
    assert.deepEqual(
      await refused([{ Create: { RegionName: EU }, Delete: { RegionName: EU } }]),
      valid("Update table operation with more than one type of replica actions not allowed."),
    );

    // ReplicaUpdates go alone (DDB-TABLE-224).
    const others: Partial<UpdateTableCommandInput>[] = [
      { StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } },
      { BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
      { SSESpecification: { Enabled: true, SSEType: "KMS" } },
      { TableClass: "STANDARD_INFREQUENT_ACCESS" },
      { DeletionProtectionEnabled: true },
    ];
    for (const other of others) {
      const alone = await failure(ddb(EAST).send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName: EU } }], ...other })));
      assert.deepEqual([alone.name, alone.message], ["ValidationException", "One or more parameter values were invalid: Replica modification must be the only operation in the request"], JSON.stringify(other));
    }
    assert.equal((await ddb(EAST).send(new DescribeTableCommand({ TableName: name }))).Table?.Replicas, undefined);

    // One replica Create or Delete per call; the same Create twice is one.
    const oneAtATime = valid("Update table operation with more than one create or delete replica actions not allowed");
    assert.deepEqual(await refused([{ Create: { RegionName: WEST } }, { Create: { RegionName: EU } }]), oneAtATime);
    const twice = uniqueName("gt-twice");
    await ddb(EAST).send(new CreateTableCommand(tableInput(twice)));
    await ddb(EAST).send(new UpdateTableCommand({ TableName: twice, ReplicaUpdates: [{ Create: { RegionName: WEST } }, { Create: { RegionName: WEST } }] }));
    assert.deepEqual((await ddb(WEST).send(new DescribeTableCommand({ TableName: twice }))).Table?.Replicas?.map((r) => r.RegionName), [EAST]);
    const both = await failure(ddb(EAST).send(new UpdateTableCommand({ TableName: twice, ReplicaUpdates: [{ Delete: { RegionName: WEST } }, { Create: { RegionName: EU } }] })));
    assert.deepEqual([both.name, both.message], oneAtATime.filter((_, i) => i !== 1));

    await ddb(WEST).send(new CreateTableCommand(tableInput(name)));
    assert.deepEqual(
      await refused([{ Create: { RegionName: WEST } }]),
      valid(`Failed to create a the new replica of table with name: \u2018${name}\u2019 because one or more replicas already existed as tables.`),
    );

    for (const update of [{ Delete: { RegionName: EU } }, { Update: { RegionName: EU, TableClassOverride: "STANDARD" as const } }]) {
      assert.deepEqual(
        await refused([update]),
        valid("Update global table operation failed because one or more replicas were not part of the global table. Please retry the request without these replicas: [eu-west-1]."),
      );
    }

    // A Create ignores overrides the table cannot take; an Update refuses a read capacity for an on-demand table.
    const lenient = uniqueName("gt-lenient");
    await ddb(EAST).send(new CreateTableCommand(tableInput(lenient)));
    await ddb(EAST).send(
      new UpdateTableCommand({
        TableName: lenient,
        ReplicaUpdates: [{ Create: { RegionName: WEST, ProvisionedThroughputOverride: { ReadCapacityUnits: 5 }, GlobalSecondaryIndexes: [{ IndexName: "nope" }] } }],
      }),
    );
    const lenientEast = (await ddb(EAST).send(new DescribeTableCommand({ TableName: lenient }))).Table;
    assert.deepEqual(lenientEast?.Replicas?.map((r) => [r.RegionName, r.ProvisionedThroughputOverride, r.GlobalSecondaryIndexes]), [[WEST, undefined, undefined]]);
    const readOnDemand = await failure(
      ddb(EAST).send(new UpdateTableCommand({ TableName: lenient, ReplicaUpdates: [{ Update: { RegionName: WEST, ProvisionedThroughputOverride: { ReadCapacityUnits: 5 } } }] })),
    );
    assert.deepEqual(
      [readOnDemand.name, readOnDemand.message],
      ["ValidationException", "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"],
    );

    const provisioned = uniqueName("gt-prov");
    await ddb(EAST).send(new CreateTableCommand(provisionedInput(provisioned)));
    const unscaled = await failure(ddb(EAST).send(new UpdateTableCommand({ TableName: provisioned, ReplicaUpdates: [{ Create: { RegionName: WEST } }] })));
    assert.equal(unscaled.name, "ValidationException");
    assert.equal(unscaled.message, "Table write capacity should either be Pay-Per-Request or AutoScaled.");
    const scaled = await ddb(EAST).send(
      new UpdateTableReplicaAutoScalingCommand({
        TableName: provisioned,
        ProvisionedWriteCapacityAutoScalingUpdate: { MinimumUnits: 5, MaximumUnits: 50, ScalingPolicyUpdate: { TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } } },
      }),
    );
    assert.equal(scaled.TableAutoScalingDescription?.Replicas?.[0]?.ReplicaProvisionedWriteCapacityAutoScalingSettings?.MaximumUnits, 50);
    const stranger = await failure(
      ddb(EAST).send(new UpdateTableReplicaAutoScalingCommand({ TableName: provisioned, ReplicaUpdates: [{ RegionName: "eu-west-3", ReplicaProvisionedReadCapacityAutoScalingUpdate: { MinimumUnits: 1 } }] })),
    );
    assert.deepEqual([stranger.name, stranger.message], ["ValidationException", `One or more parameter values were invalid: Region eu-west-3 is not a replica of table ${provisioned}`]);
    await ddb(EAST).send(
      new UpdateTableCommand({ TableName: provisioned, ReplicaUpdates: [{ Create: { RegionName: WEST, ProvisionedThroughputOverride: { ReadCapacityUnits: 9 } } }] }),
    );
    const west = (await ddb(WEST).send(new DescribeTableCommand({ TableName: provisioned }))).Table;
    assert.equal(west?.ProvisionedThroughput?.ReadCapacityUnits, 9);
    assert.equal(west?.ProvisionedThroughput?.WriteCapacityUnits, 5);
    const eastView = (await ddb(EAST).send(new DescribeTableCommand({ TableName: provisioned }))).Table;
    assert.deepEqual(eastView?.Replicas?.find((r) => r.RegionName === WEST)?.ProvisionedThroughputOverride, { ReadCapacityUnits: 9 });
    const described = await ddb(WEST).send(new DescribeTableReplicaAutoScalingCommand({ TableName: provisioned }));
    assert.deepEqual(described.TableAutoScalingDescription?.Replicas?.map((r) => r.RegionName), [EAST, WEST]);
    assert.deepEqual(described.TableAutoScalingDescription?.Replicas?.[1]?.ReplicaProvisionedWriteCapacityAutoScalingSettings?.ScalingPolicies, [
      { TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } },
    ]);

    // Write capacity is the same everywhere; a replica's read override stays its own.
    await ddb(EAST).send(new UpdateTableCommand({ TableName: provisioned, ProvisionedThroughput: { ReadCapacityUnits: 6, WriteCapacityUnits: 8 } }));
    await ddb(WEST).send(new UpdateTableCommand({ TableName: provisioned, DeletionProtectionEnabled: false }));
    const throughput = async (r: string) => (await ddb(r).send(new DescribeTableCommand({ TableName: provisioned }))).Table?.ProvisionedThroughput;
    assert.deepEqual([(await throughput(EAST))?.ReadCapacityUnits, (await throughput(EAST))?.WriteCapacityUnits], [6, 8]);
    assert.deepEqual([(await throughput(WEST))?.ReadCapacityUnits, (await throughput(WEST))?.WriteCapacityUnits], [9, 8]);

    // An on-demand global table cannot become provisioned without write auto scaling.
    const onDemand = uniqueName("gt-ondemand");
    await globalTable(onDemand, [WEST]);
    const toProvisioned = await failure(
      ddb(WEST).send(new UpdateTableCommand({ TableName: onDemand, BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })),
    );
    assert.equal(toProvisioned.name, "ValidationException");
    assert.equal(toProvisioned.message, "Table write capacity should either be Pay-Per-Request or AutoScaled.");

    // A provisioned GSI needs its writes scaled too before a replica is added (DDB-TABLE-291).
    const indexed = uniqueName("gt-prov-gsi");
    await ddb(EAST).send(
      new CreateTableCommand(
        provisionedInput(indexed, {
          AttributeDefinitions: [
            { AttributeName: "pk", AttributeType: "S" },
            { AttributeName: "g", AttributeType: "S" },
          ],
          GlobalSecondaryIndexes: [
            { IndexName: "by-g", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" }, ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
          ],
        }),
      ),
    );
    const writes = { MinimumUnits: 1, MaximumUnits: 10, ScalingPolicyUpdate: { TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } } };
    await ddb(EAST).send(new UpdateTableReplicaAutoScalingCommand({ TableName: indexed, ProvisionedWriteCapacityAutoScalingUpdate: writes }));
    const gsiUnscaled = await failure(ddb(EAST).send(new UpdateTableCommand({ TableName: indexed, ReplicaUpdates: [{ Create: { RegionName: WEST } }] })));
    assert.deepEqual([gsiUnscaled.name, gsiUnscaled.message], ["ValidationException", "GSI write capacity should either be Pay-Per-Request or AutoScaled."]);
    await ddb(EAST).send(
      new UpdateTableReplicaAutoScalingCommand({ TableName: indexed, GlobalSecondaryIndexUpdates: [{ IndexName: "by-g", ProvisionedWriteCapacityAutoScalingUpdate: writes }] }),
    );
    await ddb(EAST).send(new UpdateTableCommand({ TableName: indexed, ReplicaUpdates: [{ Create: { RegionName: WEST } }] }));
  });

  test("a replica's stream cannot be disabled; settings and TTL changed in one replica reach the others", async () => {
    const name = uniqueName("gt-sync");
    await globalTable(name, [WEST]);
    const off = await failure(ddb(WEST).send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } })));
    assert.equal(off.name, "ValidationException");
    assert.equal(off.message, "One or more parameter values were invalid: Disabling Stream is not allowed for a Global Table replica.");

    await ddb(EAST).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "p" }, h: { S: "hello" } } }));
    await ddb(WEST).send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: "h", AttributeType: "S" }],
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "by-h", KeySchema: [{ AttributeName: "h", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } } }],
      }),
    );
    const east = (await ddb(EAST).send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.deepEqual(east?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort(), ["by-g", "by-h"]);
    const found = await ddb(EAST).send(
      new QueryCommand({ TableName: name, IndexName: "by-h", KeyConditionExpression: "h = :h", ExpressionAttributeValues: { ":h": { S: "hello" } } }),
    );
    assert.deepEqual(found.Items, [{ pk: { S: "p" }, h: { S: "hello" } }]);

    await ddb(EAST).send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: "exp" } }));
    assert.deepEqual((await ddb(WEST).send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription, {
      TimeToLiveStatus: "ENABLED",
      AttributeName: "exp",
    });
    const now = Math.floor(nimbus().clock.now() / 1000);
    await ddb(WEST).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "t" }, exp: { N: String(now + 10) } } }));
    assert.ok(await item(EAST, name, "t"));
    await nimbus().scheduler.advance(60_000);
    assert.equal(await item(EAST, name, "t"), undefined);
    assert.equal(await item(WEST, name, "t"), undefined);
    // The TTL deletion is the service's in one region; the other region received a replicated delete.
    const removes = await Promise.all(
      [EAST, WEST].map(async (r) => {
        const arn = (await ddb(r).send(new DescribeTableCommand({ TableName: name }))).Table?.LatestStreamArn ?? "";
        return (await streamRecords(r, arn)).filter((x) => x.eventName === "REMOVE");
      }),
    );
    assert.deepEqual(removes.map((r) => r.length), [1, 1]);
    assert.equal(removes.filter((r) => r[0]?.userIdentity?.PrincipalId === "dynamodb.amazonaws.com").length, 1);
  });

  // A KMS key belongs to one Region (CloudFormation's ReplicaSSESpecification: "The key must be
  // created in the same region as the replica"); Terraform reads each table's key back to detect drift.
  test("each replica keeps its own KMS key when settings changed in another replica reach it", async () => {
    const name = uniqueName("gt-kms");
    const eastKey = "arn:aws:kms:us-east-1:000000000000:key/11111111-1111-1111-1111-111111111111";
    const westKey = "arn:aws:kms:us-west-2:000000000000:key/22222222-2222-2222-2222-222222222222";
    await ddb(EAST).send(new CreateTableCommand(tableInput(name, { SSESpecification: { Enabled: true, SSEType: "KMS", KMSMasterKeyId: eastKey } })));
    await ddb(EAST).send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName: WEST, KMSMasterKeyId: westKey } }] }));
    const keys = async () =>
      Promise.all([EAST, WEST].map(async (r) => (await ddb(r).send(new DescribeTableCommand({ TableName: name }))).Table?.SSEDescription?.KMSMasterKeyArn));
    assert.deepEqual(await keys(), [eastKey, westKey]);
    await ddb(WEST).send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: "exp" } }));
    assert.deepEqual(await keys(), [eastKey, westKey]);
    await ddb(EAST).send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: true }));
    assert.deepEqual(await keys(), [eastKey, westKey]);
  });

  test("replica Delete removes the table there; the table left alone is regional again and keeps its stream", async () => {
    const name = uniqueName("gt-del");
    await globalTable(name, [WEST]);
    await ddb(WEST).send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: true }));
    const protectedErr = await failure(ddb(EAST).send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Delete: { RegionName: WEST } }] })));
    assert.equal(protectedErr.name, "ValidationException");
    const replicaProtected = `Cannot delete table ${name} in region ${WEST} because it has deletion protection enabled. Disable deletion protection first.`;
    assert.equal(protectedErr.message, replicaProtected);
    // DeleteTable in the replica's own region says the same (DDB-TABLE-329).
    const direct = await failure(ddb(WEST).send(new DeleteTableCommand({ TableName: name })));
    assert.deepEqual([direct.name, direct.message], ["ValidationException", replicaProtected]);
    // DeletionProtectionEnabled changes again 15 s after a change (DDB-TABLE-003).
    nimbus().manualClock.advance(15_000);
    await ddb(WEST).send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false }));

    await ddb(EAST).send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Delete: { RegionName: WEST } }] }));
    const gone = await failure(ddb(WEST).send(new DescribeTableCommand({ TableName: name })));
    assert.equal(gone.name, "ResourceNotFoundException");
    const east = (await ddb(EAST).send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(east?.Replicas, undefined);
    assert.equal(east?.GlobalTableVersion, undefined);
    assert.equal(east?.GlobalTableSettingsReplicationMode, undefined);
    assert.deepEqual(east?.StreamSpecification, { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    await ddb(EAST).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "alone" } } }));
    await ddb(EAST).send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }));
  });

  test("DeleteTable: the source region waits 24 hours after adding a replica; another replica may go at once", async () => {
    const name = uniqueName("gt-drop");
    await globalTable(name, [WEST, EU]);
    const early = await failure(ddb(EAST).send(new DeleteTableCommand({ TableName: name })));
    assert.equal(early.name, "ValidationException");
    assert.equal(early.message, "Replica cannot be deleted because it has acted as a source region for new replica(s) being added to the table in the last 24 hours.");

    await ddb(EU).send(new DeleteTableCommand({ TableName: name }));
    const east = (await ddb(EAST).send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.deepEqual(east?.Replicas?.map((r) => r.RegionName), [WEST]);
    await ddb(WEST).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "after" } } }));
    assert.ok(await item(EAST, name, "after"));

    await nimbus().scheduler.advance(24 * 60 * 60 * 1000);
    await ddb(EAST).send(new DeleteTableCommand({ TableName: name }));
    const west = (await ddb(WEST).send(new DescribeTableCommand({ TableName: name }))).Table;
    assert.equal(west?.GlobalTableVersion, undefined);
    assert.equal(west?.ItemCount, 1);
  });

  test("legacy 2017.11.29: CreateGlobalTable and UpdateGlobalTable Create are refused; no name is a legacy global table, a 2019.11.21 one's neither", async () => {
    const name = uniqueName("gt-legacy");
    const streamed = { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } } as const;
    for (const r of [EAST, WEST]) await ddb(r).send(new CreateTableCommand(provisionedInput(name, streamed)));
    const unsupported =
      "One or more parameter values were invalid: DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB global tables version 2019.11.21, instead of version 2017.11.29 (Legacy).";

    // Tables fit to join (same name and key schema, empty, streams with both images) or not, alike.
    for (const group of [[EAST, WEST], [EAST], [EAST, EAST], [EU]]) {
      const created = await failure(ddb(EAST).send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: group.map((RegionName) => ({ RegionName })) })));
      assert.deepEqual([created.name, created.$metadata.httpStatusCode, created.message], ["ValidationException", 400, unsupported], group.join());
    }
    const empty = await failure(ddb(EAST).send(new CreateGlobalTableCommand({ GlobalTableName: name, ReplicationGroup: [] })));
    assert.equal(empty.message, "One or more parameter values were invalid: Global table must have atleast one replica");
    const add = await failure(ddb(EAST).send(new UpdateGlobalTableCommand({ GlobalTableName: uniqueName("gt-none"), ReplicaUpdates: [{ Create: { RegionName: WEST } }] })));
    assert.deepEqual([add.name, add.message], ["ValidationException", unsupported]);
    const both = await failure(ddb(EAST).send(new UpdateGlobalTableCommand({ GlobalTableName: name, ReplicaUpdates: [{ Create: { RegionName: WEST }, Delete: { RegionName: EU } }] })));
    assert.equal(both.message, "One or more parameter values were invalid: A ReplicaUpdate structure cannot contain both a create replica action and a delete replica action");
    const none = await failure(ddb(EAST).send(new UpdateGlobalTableCommand({ GlobalTableName: name, ReplicaUpdates: [] })));
    assert.deepEqual([none.name, none.message], ["ValidationException", "One or more parameter values were invalid"]);
    assert.equal((await ddb(EAST).send(new DescribeTableCommand({ TableName: name }))).Table?.GlobalTableVersion, undefined);

    const current = uniqueName("gt-v2");
    await globalTable(current, [WEST]);
    for (const n of [name, current, uniqueName("gt-none")]) {
      const described = await failure(ddb(EAST).send(new DescribeGlobalTableCommand({ GlobalTableName: n })));
      assert.deepEqual([described.name, described.$metadata.httpStatusCode, described.message], ["GlobalTableNotFoundException", 400, `Global table not found: Global table with name: '${n}' does not exist.`]);
      const removed = await failure(ddb(WEST).send(new UpdateGlobalTableCommand({ GlobalTableName: n, ReplicaUpdates: [{ Delete: { RegionName: WEST } }] })));
      assert.deepEqual([removed.name, removed.message], ["GlobalTableNotFoundException", `Global table not found: Global table with name: '${n}' does not exist.`]);
      const settings = await failure(ddb(EAST).send(new DescribeGlobalTableSettingsCommand({ GlobalTableName: n })));
      assert.deepEqual([settings.name, settings.message], ["GlobalTableNotFoundException", `Global table with name: '${n}' does not exist.`]);
      const billing = await failure(ddb(EAST).send(new UpdateGlobalTableSettingsCommand({ GlobalTableName: n, GlobalTableBillingMode: "PAY_PER_REQUEST" })));
      assert.deepEqual([billing.name, billing.message], ["GlobalTableNotFoundException", `Global table with name: '${n}' does not exist.`]);
    }
    for (const input of [{}, { RegionName: WEST }, { Limit: 1 }]) {
      const listed = await ddb(EAST).send(new ListGlobalTablesCommand(input));
      assert.deepEqual([listed.GlobalTables, listed.LastEvaluatedGlobalTableName], [[], undefined]);
    }
    // The 2019.11.21 global table is untouched by all this.
    assert.deepEqual((await ddb(EAST).send(new DescribeTableCommand({ TableName: current }))).Table?.Replicas?.map((r) => r.RegionName), [WEST]);
  });
});

test("a global table and its replication survive a restart on the same data dir", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-gt-"));
  const name = uniqueName("gt-persist");
  try {
    const first = await startTestNimbus({ inMemory: false, dataDir });
    const east = new DynamoDBClient(first.clientConfig({ region: EAST }));
    await east.send(new CreateTableCommand(tableInput(name)));
    await east.send(new UpdateTableCommand({ TableName: name, ReplicaUpdates: [{ Create: { RegionName: WEST } }] }));
    await east.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "one" } } }));
    east.destroy();
    await first.close();

    const second = await startTestNimbus({ inMemory: false, dataDir });
    const west = new DynamoDBClient(second.clientConfig({ region: WEST }));
    const eastAgain = new DynamoDBClient(second.clientConfig({ region: EAST }));
    try {
      const described = (await west.send(new DescribeTableCommand({ TableName: name }))).Table;
      assert.deepEqual(described?.Replicas?.map((r) => r.RegionName), [EAST]);
      assert.ok((await west.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "one" } } }))).Item);
      await west.send(new PutItemCommand({ TableName: name, Item: { pk: { S: "two" } } }));
      assert.ok((await eastAgain.send(new GetItemCommand({ TableName: name, Key: { pk: { S: "two" } } }))).Item);
    } finally {
      west.destroy();
      eastAgain.destroy();
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
