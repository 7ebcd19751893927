/**
 * Multi-Region strong consistency (MRSC) global tables: UpdateTable MultiRegionConsistency and
 * GlobalTableWitnessUpdates, DescribeTable's MultiRegionConsistency and GlobalTableWitnesses, as
 * the developer guide ("How DynamoDB global tables work") documents them and the ack-api-quirks
 * DynamoDB catalogue measured them (DDB-TABLE-201/202/257/258/259/260/261).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBServiceException,
  type TableDescription,
  type UpdateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { hashTable, indexedTable, regionalDynamoSuite } from "./dynamodb-fixtures.js";
import { failure, uniqueName } from "./harness.js";

const EAST = "us-east-1";
const OHIO = "us-east-2";
const OREGON = "us-west-2";
const CALIFORNIA = "us-west-1";
const INVALID = "One or more parameter values were invalid: ";
const STRONG_SUFFIX = "for global tables with MultiRegionConsistency set to STRONG";
const ONE_REPLICA = `Deletion of only one table replica is not supported ${STRONG_SUFFIX}.`;

describe("DynamoDB multi-Region strong consistency", () => {
  const { ddb } = regionalDynamoSuite({ maxAttempts: 1 });

  const described = async (region: string, name: string): Promise<TableDescription | undefined> => (await ddb(region).send(new DescribeTableCommand({ TableName: name }))).Table;
  const update = (name: string, input: Omit<UpdateTableCommandInput, "TableName">) => ddb(EAST).send(new UpdateTableCommand({ TableName: name, ...input }));
  /** The ValidationException a call gets: its message. */
  async function invalid(call: Promise<unknown>): Promise<string> {
    const err = await failure<DynamoDBServiceException>(call);
    assert.equal(err.name, "ValidationException");
    assert.equal(err.$metadata.httpStatusCode, 400);
    return err.message;
  }
  async function table(extra: Partial<CreateTableCommandInput> = {}, prefix = "mrsc"): Promise<string> {
    const name = uniqueName(prefix);
    await ddb(EAST).send(new CreateTableCommand(hashTable(name, "pk", "S", extra)));
    return name;
  }
  /** A STRONG group: this region, a replica in Ohio and a witness in Oregon. */
  async function withWitness(): Promise<string> {
    const name = await table();
    await update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: OHIO } }], GlobalTableWitnessUpdates: [{ Create: { RegionName: OREGON } }] });
    return name;
  }

  test("one replica and a witness: STRONG in the answer and in every replica's DescribeTable; the witness has no table", async () => {
    const name = await table();
    const answer = (
      await update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: OHIO } }], GlobalTableWitnessUpdates: [{ Create: { RegionName: OREGON } }] })
    ).TableDescription;
    assert.equal(answer?.TableStatus, "UPDATING");
    assert.equal(answer?.MultiRegionConsistency, "STRONG");
    assert.equal(answer?.GlobalTableVersion, "2019.11.21");
    assert.deepEqual(answer?.Replicas?.find((r) => r.RegionName === OHIO)?.ReplicaStatus, "CREATING");
    assert.deepEqual(answer?.GlobalTableWitnesses, [{ RegionName: OREGON, WitnessStatus: "CREATING" }]);

    for (const region of [EAST, OHIO]) {
      const t = await described(region, name);
      assert.equal(t?.MultiRegionConsistency, "STRONG", region);
      assert.deepEqual(t?.GlobalTableWitnesses, [{ RegionName: OREGON, WitnessStatus: "ACTIVE" }], region);
      // The other replica, never the region's own (DDB-TABLE-229).
      assert.deepEqual(t?.Replicas?.map((r) => [r.RegionName, r.ReplicaStatus]), [[region === EAST ? OHIO : EAST, "ACTIVE"]], region);
      // MRSC does not replicate through streams: none is turned on.
      assert.equal(t?.StreamSpecification, undefined, region);
    }
    // DDB-TABLE-259: nothing of it in the witness region; a table of the name may be made there.
    const err = await failure<DynamoDBServiceException>(described(OREGON, name));
    assert.equal(err.name, "ResourceNotFoundException");
    assert.equal(((await ddb(OREGON).send(new ListTablesCommand({}))).TableNames ?? []).includes(name), false);
    await ddb(OREGON).send(new CreateTableCommand(hashTable(name, "pk")));
    assert.equal((await described(OREGON, name))?.GlobalTableVersion, undefined);

    // A write in one replica is read in the other.
    await ddb(OHIO).send(new PutItemCommand({ TableName: name, Item: { pk: { S: "a" }, v: { N: "1" } } }));
    assert.deepEqual((await ddb(EAST).send(new GetItemCommand({ TableName: name, Key: { pk: { S: "a" } }, ConsistentRead: true }))).Item, { pk: { S: "a" }, v: { N: "1" } });
  });

  test("three replicas: two Creates in one UpdateTable, which only STRONG admits; EVENTUAL is never shown", async () => {
    const name = await table();
    await update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: OHIO } }, { Create: { RegionName: OREGON } }] });
    const t = await described(OREGON, name);
    assert.equal(t?.MultiRegionConsistency, "STRONG");
    assert.equal(t?.GlobalTableWitnesses, undefined);
    assert.deepEqual(t?.Replicas?.map((r) => r.RegionName).sort(), [EAST, OHIO]);

    const eventual = await table();
    await update(eventual, { MultiRegionConsistency: "EVENTUAL", ReplicaUpdates: [{ Create: { RegionName: OHIO } }] });
    const e = await described(EAST, eventual);
    assert.equal(e?.GlobalTableVersion, "2019.11.21");
    assert.equal(e?.MultiRegionConsistency, undefined);
    assert.equal(e?.GlobalTableWitnesses, undefined);
  });

  test("the shape of a STRONG request: AWS's refusals, before the table is looked up where AWS checks them first (DDB-TABLE-257)", async () => {
    const name = await table();
    const witness = [{ Create: { RegionName: OREGON } }];
    assert.equal(await invalid(update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: OHIO } }] })), `Unsupported replica count ${STRONG_SUFFIX}.`);
    assert.equal(
      await invalid(update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: OHIO } }], GlobalTableWitnessUpdates: witness, DeletionProtectionEnabled: true })),
      `${INVALID}Requests that modify replicas or witnesses must not also modify other fields`,
    );
    assert.equal(
      await invalid(update(name, { ReplicaUpdates: [{ Create: { RegionName: OHIO } }], GlobalTableWitnessUpdates: witness })),
      "MultiRegionConsistency must be set as STRONG when GlobalTableWitnessUpdates parameter is present.",
    );
    assert.equal(
      await invalid(update(name, { MultiRegionConsistency: "EVENTUAL", ReplicaUpdates: [{ Create: { RegionName: OHIO } }], GlobalTableWitnessUpdates: witness })),
      "MultiRegionConsistency must be set as STRONG when GlobalTableWitnessUpdates parameter is present.",
    );
    assert.equal(
      await invalid(update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: OREGON } }], GlobalTableWitnessUpdates: witness })),
      "Cannot target multiple regions with the same action",
    );
    assert.equal(
      await invalid(update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: OHIO } }], GlobalTableWitnessUpdates: [{ Create: { RegionName: EAST } }] })),
      "Cannot add a witness in the same region as an existing replica when creating a global table with MultiRegionConsistency set to STRONG.",
    );
    assert.equal(
      await invalid(update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: CALIFORNIA } }], GlobalTableWitnessUpdates: witness })),
      `Unsupported Region(s) specified ${STRONG_SUFFIX}: [${CALIFORNIA}].`,
    );
    assert.equal(
      await invalid(
        update(name, {
          MultiRegionConsistency: "STRONG",
          ReplicaUpdates: [{ Create: { RegionName: OHIO } }],
          GlobalTableWitnessUpdates: [{ Create: { RegionName: OREGON } }, { Create: { RegionName: "eu-west-1" } }],
        }),
      ),
      "1 validation error detected: Value '[GlobalTableWitnessGroupUpdate(create=CreateGlobalTableWitnessGroupMemberAction(regionName=us-west-2), delete=null), GlobalTableWitnessGroupUpdate(create=CreateGlobalTableWitnessGroupMemberAction(regionName=eu-west-1), delete=null)]' at 'globalTableWitnessUpdates' failed to satisfy constraint: Member must have length less than or equal to 1",
    );
    assert.equal(
      await invalid(update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Delete: { RegionName: OHIO } }] })),
      "Only Replica Create actions are supported when MultiRegionConsistency parameter is provided.",
    );
    assert.equal(
      await invalid(update(name, { MultiRegionConsistency: "WEAK" as "STRONG", ReplicaUpdates: [{ Create: { RegionName: OHIO } }] })),
      "1 validation error detected: Value 'WEAK' at 'multiRegionConsistency' failed to satisfy constraint: Member must satisfy enum value set: [EVENTUAL, STRONG]",
    );
    // MultiRegionConsistency or witnesses alone change nothing; the sentence leaves out what was sent.
    const full =
      "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required";
    const withoutMode = full.replace("MultiRegionConsistency, ", "");
    assert.equal(await invalid(update(name, { MultiRegionConsistency: "STRONG" })), withoutMode);
    assert.equal(await invalid(update(name, { MultiRegionConsistency: "STRONG", GlobalTableWitnessUpdates: witness })), withoutMode);
    assert.equal(await invalid(update(name, { GlobalTableWitnessUpdates: witness })), full);
    // Nothing was made.
    assert.equal((await described(EAST, name))?.GlobalTableVersion, undefined);
    assert.equal(await failure<DynamoDBServiceException>(described(OHIO, name)).then((e) => e.name), "ResourceNotFoundException");
  });

  test("only an empty table without TTL or LSIs becomes STRONG (documented; Nimbus's wording)", async () => {
    const request: Omit<UpdateTableCommandInput, "TableName"> = {
      MultiRegionConsistency: "STRONG",
      ReplicaUpdates: [{ Create: { RegionName: OHIO } }],
      GlobalTableWitnessUpdates: [{ Create: { RegionName: OREGON } }],
    };
    const full = await table();
    await ddb(EAST).send(new PutItemCommand({ TableName: full, Item: { pk: { S: "a" } } }));
    assert.equal(await invalid(update(full, request)), `${INVALID}Table ${full} contains items: a global table with MultiRegionConsistency set to STRONG can only be created from an empty table.`);

    const ttl = await table();
    await ddb(EAST).send(new UpdateTimeToLiveCommand({ TableName: ttl, TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }));
    assert.equal(await invalid(update(ttl, request)), `${INVALID}Time to Live (TTL) is not supported ${STRONG_SUFFIX}.`);

    const lsi = uniqueName("mrsc-lsi");
    await ddb(EAST).send(new CreateTableCommand(indexedTable(lsi)));
    assert.equal(await invalid(update(lsi, request)), `${INVALID}Local secondary indexes are not supported ${STRONG_SUFFIX}.`);
  });

  test("a STRONG group is frozen: no replica added, none deleted alone, no mode change, no DeleteTable, no TTL (DDB-TABLE-260)", async () => {
    const name = await withWitness();
    assert.equal(await invalid(update(name, { ReplicaUpdates: [{ Create: { RegionName: "eu-west-1" } }] })), "Cannot add replicas to a global table with strong MultiRegionConsistency");
    assert.equal(await invalid(update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: "eu-west-1" } }] })), `Unsupported replica count ${STRONG_SUFFIX}.`);
    assert.equal(await invalid(update(name, { MultiRegionConsistency: "EVENTUAL", ReplicaUpdates: [{ Create: { RegionName: "eu-west-1" } }] })), "MultiRegionConsistency parameter is unsupported on existing global table");
    assert.equal(await invalid(update(name, { ReplicaUpdates: [{ Delete: { RegionName: OHIO } }] })), "Update table delete operation does not include all witnesses.");
    assert.equal(
      await invalid(update(name, { ReplicaUpdates: [{ Delete: { RegionName: OHIO } }], GlobalTableWitnessUpdates: [{ Delete: { RegionName: "eu-west-1" } }] })),
      "Update global table operation failed because one or more witnesses were not part of the global table. Please retry the request without these witnesses: [eu-west-1].",
    );
    for (const region of [EAST, OHIO]) assert.equal(await invalid(ddb(region).send(new DeleteTableCommand({ TableName: name }))), ONE_REPLICA);
    assert.equal(
      await invalid(ddb(OHIO).send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }))),
      `${INVALID}Time to Live (TTL) is not supported ${STRONG_SUFFIX}.`,
    );
    // A stream is the replica's own to turn on and off.
    await update(name, { StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } });
    await update(name, { StreamSpecification: { StreamEnabled: false } });
    assert.equal((await described(OHIO, name))?.MultiRegionConsistency, "STRONG");
  });

  test("teardown: the replica and the witness in one UpdateTable leave a regional table", async () => {
    const name = await withWitness();
    const answer = (await update(name, { ReplicaUpdates: [{ Delete: { RegionName: OHIO } }], GlobalTableWitnessUpdates: [{ Delete: { RegionName: OREGON } }] })).TableDescription;
    assert.equal(answer?.MultiRegionConsistency, undefined);
    const t = await described(EAST, name);
    for (const key of ["GlobalTableVersion", "Replicas", "MultiRegionConsistency", "GlobalTableWitnesses"] as const) assert.equal(t?.[key], undefined, key);
    assert.equal(await failure<DynamoDBServiceException>(described(OHIO, name)).then((e) => e.name), "ResourceNotFoundException");
    await ddb(EAST).send(new DeleteTableCommand({ TableName: name }));
  });

  test("three replicas: deleting one is refused, both at once dissolve the group (DDB-TABLE-261)", async () => {
    const name = await table();
    await update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: OHIO } }, { Create: { RegionName: OREGON } }] });
    assert.equal(await invalid(update(name, { ReplicaUpdates: [{ Delete: { RegionName: OHIO } }] })), ONE_REPLICA);
    await update(name, { ReplicaUpdates: [{ Delete: { RegionName: OHIO } }, { Delete: { RegionName: OREGON } }] });
    assert.equal((await described(EAST, name))?.GlobalTableVersion, undefined);
    for (const region of [OHIO, OREGON]) assert.equal(await failure<DynamoDBServiceException>(described(region, name)).then((e) => e.name), "ResourceNotFoundException");
  });

  test("an eventually consistent global table does not become STRONG (DDB-TABLE-202)", async () => {
    const name = await table();
    await update(name, { ReplicaUpdates: [{ Create: { RegionName: OHIO } }] });
    assert.equal(await invalid(update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: OREGON } }] })), `Unsupported replica count ${STRONG_SUFFIX}.`);
    assert.equal(
      await invalid(update(name, { MultiRegionConsistency: "STRONG", ReplicaUpdates: [{ Create: { RegionName: OREGON } }], GlobalTableWitnessUpdates: [{ Create: { RegionName: "eu-west-1" } }] })),
      "MultiRegionConsistency parameter is unsupported on existing global table",
    );
    assert.equal((await described(EAST, name))?.MultiRegionConsistency, undefined);
  });
});
