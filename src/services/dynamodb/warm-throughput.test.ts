import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { thrownAwsError } from "../../core/aws-error-fixture.js";
import { AwsError } from "../../core/errors.js";
import { checkIndexWarmMembers, initialWarm, isEmptyWarm, ON_DEMAND_WARM, pinWarm, raiseWarm, requestWarm, warmAt, warmDescription, warmFloor } from "./warm-throughput.js";

const INVALID = "One or more parameter values were invalid: ";
const NOW = Date.parse("2026-01-15T12:00:00.000Z");

const refusal = thrownAwsError;

describe("where warm throughput starts", () => {
  test("on demand at 12,000 reads and 4,000 writes a second, provisioned at its units", () => {
    assert.deepEqual(warmFloor("PAY_PER_REQUEST", { read: 0, write: 0 }), { read: 12_000, write: 4_000 });
    assert.deepEqual(warmFloor("PAY_PER_REQUEST", undefined), ON_DEMAND_WARM);
    assert.deepEqual(warmFloor("PROVISIONED", { read: 5, write: 7 }), { read: 5, write: 7 });
    // A GSI of an on-demand table has no units of its own.
    assert.deepEqual(warmFloor("PROVISIONED", undefined), ON_DEMAND_WARM);
  });

  test("a row without warm throughput shows its start value, ACTIVE", () => {
    assert.deepEqual(warmDescription(undefined, { read: 5, write: 7 }, NOW), { ReadUnitsPerSecond: 5, WriteUnitsPerSecond: 7, Status: "ACTIVE" });
  });

  test("an empty request is none", () => {
    assert.equal(isEmptyWarm({}), true);
    assert.equal(isEmptyWarm(undefined), false);
    assert.equal(isEmptyWarm({ ReadUnitsPerSecond: 1 }), false);
  });
});

describe("CreateTable's warm throughput", () => {
  test("a member left out takes the start value", () => {
    assert.deepEqual(initialWarm({ ReadUnitsPerSecond: 12_001 }, "PAY_PER_REQUEST", ON_DEMAND_WARM, { kind: "table" }, "us-east-1"), { read: 12_001, write: 4_000 });
    assert.deepEqual(initialWarm({}, "PROVISIONED", { read: 5, write: 5 }, { kind: "table" }, "us-east-1"), { read: 5, write: 5 });
  });

  test("below the on-demand start: DDB-TABLE-039's text, the member and the subject named", () => {
    const doc = "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/on-demand-capacity-mode.html#on-demand-capacity-mode-initial";
    const table = refusal(() => initialWarm({ ReadUnitsPerSecond: 1, WriteUnitsPerSecond: 1 }, "PAY_PER_REQUEST", ON_DEMAND_WARM, { kind: "table" }, "us-east-1"));
    assert.equal(table.code, "ValidationException");
    assert.equal(table.status, 400);
    assert.equal(table.message, `${INVALID}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than initial throughput for OnDemand. See: ${doc}`);
    const index = refusal(() => initialWarm({ WriteUnitsPerSecond: 3_999 }, "PAY_PER_REQUEST", ON_DEMAND_WARM, { kind: "index", name: "gsi1" }, "us-east-1"));
    assert.equal(index.message, `${INVALID}Requested WriteUnitsPerSecond for WarmThroughput for index gsi1 is lower than initial throughput for OnDemand. See: ${doc}`);
  });

  test("below the provisioned units", () => {
    const err = refusal(() => initialWarm({ ReadUnitsPerSecond: 5, WriteUnitsPerSecond: 5 }, "PROVISIONED", { read: 10, write: 10 }, { kind: "table" }, "us-east-1"));
    assert.equal(err.message, `${INVALID}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than ReadCapacityUnits of ProvisionedThroughput`);
    const write = refusal(() => initialWarm({ WriteUnitsPerSecond: 5 }, "PROVISIONED", { read: 10, write: 10 }, { kind: "table" }, "us-east-1"));
    assert.equal(write.message, `${INVALID}Requested WriteUnitsPerSecond for WarmThroughput for table is lower than WriteCapacityUnits of ProvisionedThroughput`);
  });

  test("above the account's per-table quota: LimitExceededException", () => {
    assert.deepEqual(initialWarm({ ReadUnitsPerSecond: 40_000 }, "PAY_PER_REQUEST", ON_DEMAND_WARM, { kind: "table" }, "us-east-1"), { read: 40_000, write: 4_000 });
    const err = refusal(() => initialWarm({ WriteUnitsPerSecond: 40_001 }, "PAY_PER_REQUEST", ON_DEMAND_WARM, { kind: "index", name: "gsi1" }, "eu-west-1"));
    assert.equal(err.code, "LimitExceededException");
    assert.equal(err.message, "Subscriber limit exceeded: Requested WriteUnitsPerSecond for WarmThroughput for index gsi1 exceeds TableMaxWriteCapacityUnits of the account in region eu-west-1");
  });
});

describe("UpdateTable's warm throughput", () => {
  test("without a delay an increase is done at once; the member left out is kept", () => {
    assert.deepEqual(requestWarm({ read: 12_000, write: 4_000 }, { ReadUnitsPerSecond: 15_000 }, { kind: "table" }, NOW, 0, "us-east-1"), { read: 15_000, write: 4_000 });
  });

  test("a decrease is refused, an equal value is not (DDB-TABLE-179/155)", () => {
    const table = refusal(() => requestWarm({ read: 12_001, write: 4_001 }, { ReadUnitsPerSecond: 12_000, WriteUnitsPerSecond: 4_000 }, { kind: "table" }, NOW, 0, "us-east-1"));
    assert.equal(table.code, "ValidationException");
    assert.equal(table.message, `${INVALID}Requested ReadUnitsPerSecond for WarmThroughput for table is lower than current WarmThroughput, decreasing WarmThroughput is not supported`);
    const index = refusal(() => requestWarm({ read: 12_000, write: 4_000 }, { WriteUnitsPerSecond: 100 }, { kind: "index", name: "gsi1" }, NOW, 0, "us-east-1"));
    assert.equal(index.message, `${INVALID}Requested WriteUnitsPerSecond for WarmThroughput for index gsi1 is lower than current WarmThroughput, decreasing WarmThroughput is not supported`);
    assert.deepEqual(requestWarm({ read: 12_000, write: 4_000 }, { ReadUnitsPerSecond: 12_000 }, { kind: "table" }, NOW, 0, "us-east-1"), { read: 12_000, write: 4_000 });
  });

  test("with a delay: the old values UPDATING until it has passed, then the new ones ACTIVE", () => {
    const warm = requestWarm({ read: 12_000, write: 4_000 }, { ReadUnitsPerSecond: 13_000, WriteUnitsPerSecond: 5_000 }, { kind: "table" }, NOW, 5_000, "us-east-1");
    assert.deepEqual(warmDescription(warm, ON_DEMAND_WARM, NOW + 4_999), { ReadUnitsPerSecond: 12_000, WriteUnitsPerSecond: 4_000, Status: "UPDATING" });
    assert.deepEqual(warmDescription(warm, ON_DEMAND_WARM, NOW + 5_000), { ReadUnitsPerSecond: 13_000, WriteUnitsPerSecond: 5_000, Status: "ACTIVE" });
    assert.equal(warmAt(warm, ON_DEMAND_WARM, undefined).updating, true);
    // Pinned once done, the increase is folded in.
    assert.deepEqual(pinWarm(warm, ON_DEMAND_WARM, NOW + 5_000), { read: 13_000, write: 5_000 });
    assert.deepEqual(pinWarm(warm, ON_DEMAND_WARM, NOW + 1), warm);
  });

  test("a second request while one runs takes over its job (DDB-TABLE-459); below what is shown it is still refused", () => {
    const first = requestWarm({ read: 12_000, write: 4_000 }, { ReadUnitsPerSecond: 13_000, WriteUnitsPerSecond: 5_000 }, { kind: "table" }, NOW, 5_000, "us-east-1");
    const second = requestWarm(first, { ReadUnitsPerSecond: 14_000 }, { kind: "table" }, NOW + 1_000, 5_000, "us-east-1");
    assert.deepEqual(second, { read: 12_000, write: 4_000, pending: { read: 14_000, write: 5_000, until: NOW + 5_000 } });
    // What is shown is 12,000/4,000 until the job ends: re-sending it is no decrease.
    assert.deepEqual(requestWarm(first, { ReadUnitsPerSecond: 12_000, WriteUnitsPerSecond: 4_000 }, { kind: "table" }, NOW + 1_000, 5_000, "us-east-1").pending, {
      read: 12_000,
      write: 4_000,
      until: NOW + 5_000,
    });
    assert.throws(() => requestWarm(first, { ReadUnitsPerSecond: 11_999 }, { kind: "table" }, NOW + 1_000, 5_000, "us-east-1"), AwsError);
  });

  test("provisioned units raise it, the running increase too; lower units leave it", () => {
    assert.deepEqual(raiseWarm({ read: 3, write: 3 }, { read: 1, write: 5 }), { read: 3, write: 5 });
    assert.deepEqual(raiseWarm({ read: 1, write: 1, pending: { read: 50, write: 2, until: NOW } }, { read: 4, write: 4 }), {
      read: 4,
      write: 4,
      pending: { read: 50, write: 4, until: NOW },
    });
  });

  test("a GSI Update's empty WarmThroughput is refused by name", () => {
    checkIndexWarmMembers("gsi1", undefined);
    checkIndexWarmMembers("gsi1", { WriteUnitsPerSecond: 1 });
    const err = refusal(() => checkIndexWarmMembers("gsi1", {}));
    assert.equal(err.message, `${INVALID}WarmThroughput must have at least one of ReadUnitsPerSecond or WriteUnitsPerSecond specified for index: gsi1`);
  });
});
