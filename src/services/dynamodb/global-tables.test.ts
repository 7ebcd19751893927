import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AwsError } from "../../core/errors.js";
import type { UpdateTableInput } from "../../generated/dynamodb.js";
import { checkConsistencyRequest, MRSC_REGIONS, STRONG_MESSAGES, witnessUpdatesCheck } from "./global-tables.js";

const create = (RegionName: string) => ({ Create: { RegionName } });

function refusal(input: Omit<UpdateTableInput, "TableName">, asked: string[] = ["ReplicaUpdates"]): string {
  try {
    checkConsistencyRequest({ TableName: "t", ...input }, asked);
  } catch (err) {
    assert.ok(err instanceof AwsError);
    assert.equal(err.code, "ValidationException");
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail("expected a refusal");
}

describe("MultiRegionConsistency and witnesses before the table is looked up", () => {
  test("a request without them is not concerned, whatever else it asks", () => {
    checkConsistencyRequest({ TableName: "t", ReplicaUpdates: [create("us-east-2")], DeletionProtectionEnabled: true }, ["ReplicaUpdates", "DeletionProtectionEnabled"]);
  });

  test("STRONG with replicas and a witness passes; a teardown's witness Delete needs no mode", () => {
    checkConsistencyRequest({ TableName: "t", MultiRegionConsistency: "STRONG", ReplicaUpdates: [create("us-east-2")], GlobalTableWitnessUpdates: [create("us-west-2")] }, ["ReplicaUpdates"]);
    checkConsistencyRequest({ TableName: "t", ReplicaUpdates: [{ Delete: { RegionName: "us-east-2" } }], GlobalTableWitnessUpdates: [{ Delete: { RegionName: "us-west-2" } }] }, ["ReplicaUpdates"]);
  });

  test("AWS's refusals, in its order (DDB-TABLE-257/260)", () => {
    const strong = { MultiRegionConsistency: "STRONG", ReplicaUpdates: [create("us-east-2")], GlobalTableWitnessUpdates: [create("us-west-2")] };
    assert.equal(refusal(strong, ["ReplicaUpdates", "DeletionProtectionEnabled"]), STRONG_MESSAGES.alone);
    assert.equal(STRONG_MESSAGES.alone, "One or more parameter values were invalid: Requests that modify replicas or witnesses must not also modify other fields");
    assert.equal(refusal({ ReplicaUpdates: [create("us-east-2")], GlobalTableWitnessUpdates: [create("us-west-2")] }), "MultiRegionConsistency must be set as STRONG when GlobalTableWitnessUpdates parameter is present.");
    assert.equal(refusal({ MultiRegionConsistency: "EVENTUAL", ReplicaUpdates: [{ Delete: { RegionName: "us-east-2" } }] }), "Only Replica Create actions are supported when MultiRegionConsistency parameter is provided.");
    assert.equal(refusal({ ReplicaUpdates: [create("us-east-2")], GlobalTableWitnessUpdates: [{}] }), STRONG_MESSAGES.witnessAction);
  });
});

describe("GlobalTableWitnessUpdates' length", () => {
  test("one at most, the list shown as Coral prints its members", () => {
    assert.equal(witnessUpdatesCheck(undefined).failure, undefined);
    assert.equal(witnessUpdatesCheck([create("us-west-2")]).failure, undefined);
    const two = witnessUpdatesCheck([create("us-west-2"), { Delete: { RegionName: "eu-west-1" } }]);
    assert.equal(two.field, "globalTableWitnessUpdates");
    assert.equal(two.failure, "Member must have length less than or equal to 1");
    assert.equal(
      two.value,
      "[GlobalTableWitnessGroupUpdate(create=CreateGlobalTableWitnessGroupMemberAction(regionName=us-west-2), delete=null), GlobalTableWitnessGroupUpdate(create=null, delete=DeleteGlobalTableWitnessGroupMemberAction(regionName=eu-west-1))]",
    );
  });
});

describe("the regions MRSC is available in", () => {
  test("the US, EU and AP Region sets; not US West (N. California)", () => {
    for (const r of ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3"]) assert.ok(MRSC_REGIONS.has(r), r);
    assert.equal(MRSC_REGIONS.has("us-west-1"), false);
    assert.equal(MRSC_REGIONS.size, 10);
  });
});
