import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { thrownAwsError } from "../../core/aws-error-fixture.js";
import { AwsError } from "../../core/errors.js";
import {
  checkDecrease,
  checkPayPerRequestSwitch,
  decreasesToday,
  javaDateString,
  javaFullDate,
  nextDecreaseAt,
  recentPayPerRequestSwitches,
  recordPayPerRequestSwitch,
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
