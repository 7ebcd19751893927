import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../core/errors.js";
import { checkRetentionChange, defaultRetainUntil, lockBlocksDelete, nextRetention, parseRetention, requireIntegrity, validateLockConfiguration, type VersionLock } from "./object-lock.js";

const NOW = Date.parse("2026-01-15T12:00:00Z");
const DAY = 86_400_000;

function code(expected: string, message?: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, expected);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  };
}

describe("validateLockConfiguration", () => {
  test("Enabled with an optional default retention of days or years", () => {
    assert.deepEqual(validateLockConfiguration({ ObjectLockEnabled: "Enabled" }), { ObjectLockEnabled: "Enabled" });
    assert.deepEqual(validateLockConfiguration({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "COMPLIANCE", Years: 1 } } }), {
      ObjectLockEnabled: "Enabled",
      Rule: { DefaultRetention: { Mode: "COMPLIANCE", Years: 1 } },
    });
  });
  test("malformed documents", () => {
    assert.throws(() => validateLockConfiguration(undefined), code("MalformedXML"));
    assert.throws(() => validateLockConfiguration({ ObjectLockEnabled: "Disabled" }), code("MalformedXML"));
    assert.throws(() => validateLockConfiguration({ ObjectLockEnabled: "Enabled", Rule: {} }), code("MalformedXML"));
    assert.throws(() => validateLockConfiguration({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "LEGAL", Days: 1 } } }), code("MalformedXML"));
    assert.throws(() => validateLockConfiguration({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE" } } }), code("MalformedXML"));
    assert.throws(() => validateLockConfiguration({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 0 } } }), code("InvalidArgument", "Default retention period must be a positive integer value."));
  });
});

describe("retention rules", () => {
  test("default retention ends after its days, or on the same date years later", () => {
    assert.equal(defaultRetainUntil({ Mode: "GOVERNANCE", Days: 3 }, NOW), NOW + 3 * DAY);
    assert.equal(defaultRetainUntil({ Mode: "GOVERNANCE", Years: 2 }, NOW), Date.parse("2028-01-15T12:00:00Z"));
  });

  const compliance: VersionLock = { mode: "COMPLIANCE", retainUntil: NOW + DAY, legalHold: null };
  const governance: VersionLock = { mode: "GOVERNANCE", retainUntil: NOW + DAY, legalHold: null };
  test("what blocks a permanent delete", () => {
    assert.equal(lockBlocksDelete(undefined, NOW, false), undefined);
    assert.equal(lockBlocksDelete(compliance, NOW, true), "compliance");
    assert.equal(lockBlocksDelete(governance, NOW, false), "governance");
    assert.equal(lockBlocksDelete(governance, NOW, true), undefined);
    assert.equal(lockBlocksDelete(compliance, NOW + DAY, false), undefined, "retention over");
    assert.equal(lockBlocksDelete({ mode: null, retainUntil: null, legalHold: "ON" }, NOW, true), "legal-hold");
    assert.equal(lockBlocksDelete({ ...compliance, retainUntil: NOW - 1, legalHold: "OFF" }, NOW, false), undefined);
  });

  test("COMPLIANCE only lengthens; GOVERNANCE loosens with the bypass; expired retention binds nothing", () => {
    const later = { mode: "COMPLIANCE" as const, retainUntil: NOW + 2 * DAY };
    checkRetentionChange(compliance, later, NOW, false);
    assert.throws(() => checkRetentionChange(compliance, { mode: "COMPLIANCE", retainUntil: NOW + 1000 }, NOW, true), code("AccessDenied", "Access Denied because object protected by object lock."));
    assert.throws(() => checkRetentionChange(compliance, { mode: "GOVERNANCE", retainUntil: NOW + 2 * DAY }, NOW, true), code("AccessDenied"));
    assert.throws(() => checkRetentionChange(compliance, undefined, NOW, true), code("AccessDenied"));
    checkRetentionChange(governance, { mode: "COMPLIANCE", retainUntil: NOW + DAY }, NOW, false);
    assert.throws(() => checkRetentionChange(governance, undefined, NOW, false), code("AccessDenied"));
    checkRetentionChange(governance, undefined, NOW, true);
    checkRetentionChange({ ...compliance, retainUntil: NOW - 1 }, undefined, NOW, false);
  });

  test("parseRetention: both members or neither; dates in the future", () => {
    assert.equal(parseRetention({}, NOW), undefined);
    assert.deepEqual(parseRetention({ Mode: "GOVERNANCE", RetainUntilDate: new Date(NOW + DAY) }, NOW), { mode: "GOVERNANCE", retainUntil: NOW + DAY });
    assert.throws(() => parseRetention({ Mode: "GOVERNANCE" }, NOW), code("MalformedXML"));
    assert.throws(() => parseRetention({ Mode: "GOVERNANCE", RetainUntilDate: new Date(NOW) }, NOW), code("InvalidArgument", "The retain until date must be in the future!"));
  });

  test("uploads with lock parameters need Content-MD5 or a checksum", () => {
    const lock = { lock: governance, hasRetentionOrHold: true };
    assert.throws(() => requireIntegrity({}, lock, "Put Object"), code("InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters"));
    requireIntegrity({ ContentMD5: "x" }, lock, "Put Object");
    requireIntegrity({ ChecksumAlgorithm: "CRC32" }, lock, "Put Part");
    requireIntegrity({}, undefined, "Put Object");
    requireIntegrity({}, { lock: { mode: null, retainUntil: null, legalHold: null }, hasRetentionOrHold: false }, "Put Object");
  });
});

describe("event holds", () => {
  const held: VersionLock = { mode: "COMPLIANCE", retainUntil: null, legalHold: null, eventHold: "ON", holdDuration: { Days: 2 } };

  test("DefaultEventHold: alone or beside a default retention; one period, in range", () => {
    assert.deepEqual(validateLockConfiguration({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { DefaultEventHold: { Days: 1 } } } }), {
      ObjectLockEnabled: "Enabled",
      Rule: { DefaultRetention: { DefaultEventHold: { Days: 1 } } },
    });
    assert.deepEqual(validateLockConfiguration({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { Mode: "GOVERNANCE", Years: 1, DefaultEventHold: { Years: 100 } } } }), {
      ObjectLockEnabled: "Enabled",
      Rule: { DefaultRetention: { Mode: "GOVERNANCE", Years: 1, DefaultEventHold: { Years: 100 } } },
    });
    assert.throws(() => validateLockConfiguration({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: {} } }), code("MalformedXML"));
    assert.throws(() => validateLockConfiguration({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { DefaultEventHold: {} } } }), code("MalformedXML"));
    assert.throws(() => validateLockConfiguration({ ObjectLockEnabled: "Enabled", Rule: { DefaultRetention: { DefaultEventHold: { Days: 36_501 } } } }), code("InvalidArgument"));
  });

  test("an active hold blocks deletes whatever the bypass; a released one does not", () => {
    assert.equal(lockBlocksDelete(held, NOW, true), "event-hold");
    assert.equal(lockBlocksDelete({ ...held, eventHold: "OFF" }, NOW, true), undefined);
  });

  test("release: retained from the release for the duration, never shorter than a running retention", () => {
    assert.deepEqual(nextRetention(held, { EventHold: "OFF" }, undefined, NOW, false), { ...held, eventHold: "OFF", retainUntil: NOW + 2 * DAY });
    const longer = { ...held, retainUntil: NOW + 10 * DAY };
    assert.equal(nextRetention(longer, { EventHold: "OFF" }, undefined, NOW, false).retainUntil, NOW + 10 * DAY);
    // Releasing a version that is not held changes nothing.
    const plain: VersionLock = { mode: null, retainUntil: null, legalHold: "ON" };
    assert.deepEqual(nextRetention(plain, { EventHold: "OFF" }, undefined, NOW, false), plain);
  });

  test("placing and changing a hold", () => {
    assert.deepEqual(nextRetention(undefined, { EventHold: "ON" }, { DefaultEventHold: { Years: 1 } }, NOW, false), {
      mode: "GOVERNANCE",
      retainUntil: null,
      legalHold: null,
      eventHold: "ON",
      holdDuration: { Years: 1 },
    });
    assert.throws(() => nextRetention(undefined, { EventHold: "ON" }, undefined, NOW, false), code("InvalidArgument"));
    assert.throws(() => nextRetention(held, { EventHold: "ON", EventHoldDuration: { Days: 1 } }, undefined, NOW, true), code("AccessDenied"));
    assert.throws(() => nextRetention(held, { EventHold: "ON", Mode: "GOVERNANCE" }, undefined, NOW, true), code("AccessDenied"));
    assert.equal(nextRetention(held, { EventHold: "ON", EventHoldDuration: { Days: 3 } }, undefined, NOW, false).holdDuration?.Days, 3);
    const governance: VersionLock = { ...held, mode: "GOVERNANCE" };
    assert.throws(() => nextRetention(governance, { EventHold: "ON", EventHoldDuration: { Days: 1 } }, undefined, NOW, false), code("AccessDenied"));
    assert.equal(nextRetention(governance, { EventHold: "ON", EventHoldDuration: { Days: 1 } }, undefined, NOW, true).holdDuration?.Days, 1);
    assert.throws(() => nextRetention(undefined, { EventHold: "OFF", EventHoldDuration: { Days: 1 } }, undefined, NOW, false), code("InvalidArgument", "An event hold duration requires the event hold to be ON."));
    assert.throws(() => nextRetention(undefined, { EventHold: "ON", EventHoldDuration: { Days: 1, Years: 1 } }, undefined, NOW, false), code("MalformedXML"));
  });

  test("a fixed retention change keeps the hold", () => {
    const next = nextRetention(held, { Mode: "COMPLIANCE", RetainUntilDate: new Date(NOW + DAY) }, undefined, NOW, false);
    assert.deepEqual([next.eventHold, next.retainUntil], ["ON", NOW + DAY]);
  });
});
