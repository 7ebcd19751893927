import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { thrownAwsError } from "../../core/aws-error-fixture.js";
import { AwsError } from "../../core/errors.js";
import {
  checkAccountMaximum,
  checkDecrease,
  checkEncryptionChange,
  checkOnDemandRange,
  checkPayPerRequestSwitch,
  checkProvisionedMaximum,
  checkRequestedUnits,
  checkTableClassUpdate,
  decreasesToday,
  encryptionWindow,
  javaDateString,
  javaFullDate,
  javaInstant,
  nextDecreaseAt,
  onDemandMaximumsSet,
  recentPayPerRequestSwitches,
  recentTableClassUpdates,
  recordEncryptionChange,
  recordPayPerRequestSwitch,
  recordTableClassUpdate,
  reservedUnits,
} from "./capacity-limits.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MIDNIGHT = Date.parse("2026-10-09T00:00:00.000Z");

const refusal = thrownAwsError;

describe("the times in DynamoDB's limit messages", () => {
  test("Java's FULL en_US style, as the decrease message prints them (DDB-TABLE-184/326)", () => {
    assert.equal(javaFullDate(Date.parse("2026-10-08T23:20:48.512Z")), "Thursday, October 8, 2026 at 11:20:48 PM Coordinated Universal Time");
    assert.equal(javaFullDate(MIDNIGHT), "Friday, October 9, 2026 at 12:00:00 AM Coordinated Universal Time");
    assert.equal(javaFullDate(Date.parse("2026-10-09T01:21:34Z")), "Friday, October 9, 2026 at 1:21:34 AM Coordinated Universal Time");
    assert.equal(javaFullDate(Date.parse("2026-10-09T12:05:09Z")), "Friday, October 9, 2026 at 12:05:09 PM Coordinated Universal Time");
  });

  test("java.util.Date#toString, as the billing switch message prints them", () => {
    assert.equal(javaDateString(Date.parse("2019-02-23T03:07:45Z")), "Sat Feb 23 03:07:45 UTC 2019");
    assert.equal(javaDateString(Date.parse("2026-01-05T21:00:00Z")), "Mon Jan 05 21:00:00 UTC 2026");
  });

  test("java.time.Instant#toString, as the encryption message prints them (DDB-TABLE-081): a fraction of zero left out", () => {
    assert.equal(javaInstant(Date.parse("2026-10-09T23:13:00.402Z")), "2026-10-09T23:13:00.402Z");
    assert.equal(javaInstant(Date.parse("2025-11-24T19:31:09.090Z")), "2025-11-24T19:31:09.090Z");
    assert.equal(javaInstant(MIDNIGHT), "2026-10-09T00:00:00Z");
  });
});

describe("switches to on-demand", () => {
  test("four in any 24 hours; the fifth waits until the oldest of the four is a day old", () => {
    const meta: { payPerRequestSwitches?: number[] } = {};
    const start = MIDNIGHT + 9 * HOUR;
    for (let i = 0; i < 4; i++) {
      checkPayPerRequestSwitch(meta, start + i * HOUR);
      recordPayPerRequestSwitch(meta, start + i * HOUR);
    }
    const err = refusal(() => checkPayPerRequestSwitch(meta, start + 4 * HOUR));
    assert.equal(err.code, "LimitExceededException");
    assert.equal(err.status, 400);
    assert.equal(
      err.message,
      "Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day(s). Last update at Fri Oct 09 12:00:00 UTC 2026. Next update can be made at Sat Oct 10 09:00:00 UTC 2026",
    );
    // A rolling window, not a calendar day: still refused just before the first switch is a day old.
    assert.throws(() => checkPayPerRequestSwitch(meta, start + DAY - 1), AwsError);
    checkPayPerRequestSwitch(meta, start + DAY);
    recordPayPerRequestSwitch(meta, start + DAY);
    // Only the switches still in the window are kept.
    assert.deepEqual(meta.payPerRequestSwitches, [start + HOUR, start + 2 * HOUR, start + 3 * HOUR, start + DAY]);
    assert.deepEqual(recentPayPerRequestSwitches(meta, start + 3 * HOUR + DAY), [start + DAY]);
  });
});

describe("provisioned throughput decreases", () => {
  test("four a UTC day, then one 3600 s after the last accepted one", () => {
    const start = MIDNIGHT + 10 * HOUR;
    let t = { decreasesToday: 0, lastDecrease: undefined as number | undefined };
    for (let i = 0; i < 4; i++) {
      checkDecrease(t, start + i * 1000);
      t = { decreasesToday: decreasesToday(t, start + i * 1000) + 1, lastDecrease: start + i * 1000 };
    }
    const last = start + 3000;
    const err = refusal(() => checkDecrease(t, last + 10_000));
    assert.equal(err.code, "LimitExceededException");
    assert.equal(
      err.message,
      "Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day. After the first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 seconds. " +
        "Number of decreases today: 4. Last decrease at Friday, October 9, 2026 at 10:00:03 AM Coordinated Universal Time. Next decrease can be made at Friday, October 9, 2026 at 11:00:03 AM Coordinated Universal Time",
    );
    assert.equal(nextDecreaseAt(t, last + HOUR - 1), last + HOUR);
    assert.equal(nextDecreaseAt(t, last + HOUR), undefined);
    // The fifth, an hour on; the sixth waits an hour from it.
    t = { decreasesToday: 5, lastDecrease: last + HOUR };
    assert.match(refusal(() => checkDecrease(t, last + HOUR + 1)).message, /Number of decreases today: 5\. .* Next decrease can be made at Friday, October 9, 2026 at 12:00:03 PM /);
  });

  test("the count starts again at 00:00 UTC, which may come before the hour is up (DDB-TABLE-185)", () => {
    const late = MIDNIGHT - 40 * 60_000;
    const t = { decreasesToday: 4, lastDecrease: late };
    assert.match(refusal(() => checkDecrease(t, late + 1000)).message, /Next decrease can be made at Friday, October 9, 2026 at 12:00:00 AM Coordinated Universal Time$/);
    assert.equal(decreasesToday(t, MIDNIGHT - 1), 4);
    assert.equal(decreasesToday(t, MIDNIGHT), 0);
    checkDecrease(t, MIDNIGHT);
    // Without the time, the count as stored.
    assert.equal(decreasesToday(t), 4);
  });
});

describe("throughput quotas", () => {
  test("40,000 units a table and a GSI: read named first, 40,000 itself admitted", () => {
    checkProvisionedMaximum({ read: 40_000, write: 40_000 }, undefined, "us-east-1");
    const table = refusal(() => checkProvisionedMaximum({ read: 40_001, write: 50_000 }, undefined, "us-west-2"));
    assert.deepEqual([table.code, table.status], ["LimitExceededException", 400]);
    assert.equal(
      table.message,
      "The requested ReadCapacityUnits, 40001, is above the per table maximum for the account in us-west-2. Per table maximum: 40000. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
    );
    assert.equal(
      refusal(() => checkProvisionedMaximum({ read: 1, write: 45_000 }, "gsi1", "eu-west-1")).message,
      "The requested WriteCapacityUnits for index gsi1, 45000, is above the per index maximum for the account in eu-west-1. Per index maximum: 40000. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
    );
  });

  test("an on-demand maximum and a warm throughput name an index each their own way; -1 is no maximum", () => {
    checkRequestedUnits({ feature: "OnDemandThroughput", read: -1, write: 40_000 }, undefined, "us-east-1");
    assert.equal(
      refusal(() => checkRequestedUnits({ feature: "OnDemandThroughput", read: 40_001 }, undefined, "us-east-1")).message,
      "Subscriber limit exceeded: Requested MaxReadRequestUnits for OnDemandThroughput for table exceeds TableMaxReadCapacityUnits of the account in region us-east-1",
    );
    assert.equal(
      refusal(() => checkRequestedUnits({ feature: "OnDemandThroughput", write: 40_001 }, "gsi1", "us-east-1")).message,
      "Subscriber limit exceeded: Requested MaxWriteRequestUnits for OnDemandThroughput for index : gsi1 exceeds TableMaxWriteCapacityUnits of the account in region us-east-1",
    );
    assert.equal(
      refusal(() => checkRequestedUnits({ feature: "WarmThroughput", read: 40_001, write: 1 }, "gsi1", "us-east-1")).message,
      "Subscriber limit exceeded: Requested ReadUnitsPerSecond for WarmThroughput for index gsi1 exceeds TableMaxReadCapacityUnits of the account in region us-east-1",
    );
  });

  test("80,000 units an account: provisioned tables and GSIs count, on-demand ones do not; a request that adds nothing passes", () => {
    const gsi = (read: number, write: number) => ({ name: "g", kind: "GSI" as const, keySchema: [], projection: { ProjectionType: "ALL" as const }, provisioned: { read, write, decreasesToday: 0 } });
    assert.deepEqual(reservedUnits({ billingMode: "PROVISIONED", provisioned: { read: 10, write: 20, decreasesToday: 0 }, gsis: [gsi(1, 2), { ...gsi(0, 0), provisioned: undefined }] }), { read: 11, write: 22 });
    assert.deepEqual(reservedUnits({ billingMode: "PAY_PER_REQUEST", provisioned: { read: 10, write: 20, decreasesToday: 0 }, gsis: [] }), { read: 0, write: 0 });

    checkAccountMaximum({ read: 79_000, write: 80_000 }, { read: 1_000, write: 0 }, "us-east-1");
    checkAccountMaximum({ read: 90_000, write: 90_000 }, { read: -5, write: 0 }, "us-east-1");
    assert.equal(
      refusal(() => checkAccountMaximum({ read: 79_000, write: 70_000 }, { read: 1_001, write: 20_000 }, "us-east-1")).message,
      "This request would have caused the ReadCapacityUnits limit to be exceeded for the account in us-east-1. Current ReadCapacityUnits reserved by the account: 79000. Limit: 80000. Requested: 1001. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.",
    );
    assert.match(refusal(() => checkAccountMaximum({ read: 0, write: 70_000 }, { read: 1, write: 10_001 }, "us-east-1")).message, /^This request would have caused the WriteCapacityUnits limit .* Requested: 10001\./);
  });
});

describe("table class updates", () => {
  test("two in any 30 days; once spent, every TableClass update is refused until the older is 30 days old", () => {
    const meta: { tableClassUpdates?: number[] } = {};
    const start = MIDNIGHT;
    checkTableClassUpdate(meta, start);
    recordTableClassUpdate(meta, start);
    checkTableClassUpdate(meta, start + DAY);
    recordTableClassUpdate(meta, start + DAY);
    const err = refusal(() => checkTableClassUpdate(meta, start + 2 * DAY));
    assert.deepEqual([err.code, err.status, err.message], ["LimitExceededException", 400, "Subscriber limit exceeded: Updates to TableClass are limited to 2 times in 30 day(s)."]);
    assert.throws(() => checkTableClassUpdate(meta, start + 30 * DAY - 1), AwsError);
    checkTableClassUpdate(meta, start + 30 * DAY);
    recordTableClassUpdate(meta, start + 30 * DAY);
    assert.deepEqual(meta.tableClassUpdates, [start + DAY, start + 30 * DAY]);
    assert.deepEqual(recentTableClassUpdates(meta, start + 31 * DAY), [start + 30 * DAY]);
  });
});

describe("encryption changes", () => {
  test("four in the window the first opens, then one every 21,600 s; the text names the window's end, the count, the last and the next (DDB-TABLE-081)", () => {
    const meta: { encryptionChanges?: number[] } = {};
    const first = Date.parse("2026-10-08T23:13:00.402Z");
    for (const at of [first, first + 60_000, first + 120_000, first + 180_500]) {
      checkEncryptionChange(meta, at);
      recordEncryptionChange(meta, at);
    }
    const last = first + 180_500;
    const err = refusal(() => checkEncryptionChange(meta, last + 1000));
    assert.deepEqual([err.code, err.status], ["LimitExceededException", 400]);
    assert.equal(
      err.message,
      "Subscriber limit exceeded: Encryption mode changes are limited in the 24h window ending at 2026-10-09T23:13:00.402Z. After the first 4 change, each subsequent change in the same window can be performed at most once every 21600 seconds. " +
        "Number of updates today: 4. Last change at 2026-10-08T23:16:00.902Z. Next changes can be made at 2026-10-09T05:16:00.902Z.",
    );
    assert.throws(() => checkEncryptionChange(meta, last + 6 * HOUR - 1), AwsError);
    checkEncryptionChange(meta, last + 6 * HOUR);
    recordEncryptionChange(meta, last + 6 * HOUR);
    assert.match(refusal(() => checkEncryptionChange(meta, last + 6 * HOUR + 1)).message, /Number of updates today: 5\. Last change at 2026-10-09T05:16:00\.902Z\. Next changes can be made at 2026-10-09T11:16:00\.902Z\.$/);
    // Near the end of the window the next change waits only for it, and a new window opens with four free.
    const late = first + 20 * HOUR;
    recordEncryptionChange(meta, late);
    assert.match(refusal(() => checkEncryptionChange(meta, late + 1)).message, /Number of updates today: 6\. .* Next changes can be made at 2026-10-09T23:13:00\.402Z\.$/);
    assert.equal(encryptionWindow(meta, first + DAY).length, 0);
    checkEncryptionChange(meta, first + DAY);
    recordEncryptionChange(meta, first + DAY);
    assert.deepEqual(meta.encryptionChanges, [first + DAY]);
  });
});

describe("on-demand maximums", () => {
  test("1 or more; -1 only where a maximum can be removed; read units named first, an index by name", () => {
    const text = (member: string, subject: string) => `One or more parameter values were invalid: Requested ${member} for OnDemandThroughput for ${subject} is outside of valid range`;
    assert.equal(refusal(() => checkOnDemandRange({ MaxReadRequestUnits: 0, MaxWriteRequestUnits: 0 }, undefined, true)).message, text("MaxReadRequestUnits", "table"));
    assert.equal(refusal(() => checkOnDemandRange({ MaxReadRequestUnits: -1, MaxWriteRequestUnits: 5 }, undefined, false)).message, text("MaxReadRequestUnits", "table"));
    assert.equal(refusal(() => checkOnDemandRange({ MaxWriteRequestUnits: -2 }, "byG", true)).message, text("MaxWriteRequestUnits", "index : byG"));
    assert.equal(refusal(() => checkOnDemandRange({ MaxWriteRequestUnits: 0 }, "byG", false)).code, "ValidationException");
    checkOnDemandRange({ MaxReadRequestUnits: -1, MaxWriteRequestUnits: 1 }, undefined, true);
    checkOnDemandRange({}, undefined, false);
    checkOnDemandRange(undefined, undefined, false);
  });

  test("a restore keeps the maximums set and leaves out those removed", () => {
    assert.deepEqual(onDemandMaximumsSet({ MaxReadRequestUnits: -1, MaxWriteRequestUnits: 50 }), { MaxWriteRequestUnits: 50 });
    assert.equal(onDemandMaximumsSet({ MaxReadRequestUnits: -1, MaxWriteRequestUnits: -1 }), undefined);
    assert.deepEqual(onDemandMaximumsSet({ MaxReadRequestUnits: 10 }), { MaxReadRequestUnits: 10 });
    assert.equal(onDemandMaximumsSet(undefined), undefined);
  });
});
