/**
 * ArchivePolicy and ReplayPolicy as SNS reads them: the retention period (1 to 365 days, `{}`
 * deactivates), BeginningArchiveTime (the retention period back from now, never before archiving
 * began), and a replay's window checked against the archive.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AwsError } from "../../../core/errors.js";
import { archiveExpiry, beginningArchiveTime, DAY_MS, parseArchivePolicy, parseReplayPolicy, parseTimestamp } from "./archive.js";

const NOW = Date.parse("2026-01-15T12:00:00.000Z");
const SET = "Invalid parameter: ";
const CREATE = "Invalid parameter: Attributes Reason: ";

/** The InvalidParameter message `run` throws. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof AwsError);
    assert.equal(err.queryCode, "InvalidParameter");
    assert.equal(err.status, 400);
    return err.message;
  }
  assert.fail("expected a refusal");
}

describe("parseArchivePolicy", () => {
  test("MessageRetentionPeriod in days, as the guide writes it (a string) or as a JSON number", () => {
    assert.equal(parseArchivePolicy('{"MessageRetentionPeriod":"30"}', SET), 30);
    assert.equal(parseArchivePolicy('{ "MessageRetentionPeriod": 45 }', SET), 45);
    assert.equal(parseArchivePolicy('{"MessageRetentionPeriod":"1"}', SET), 1);
    assert.equal(parseArchivePolicy('{"MessageRetentionPeriod":"365"}', SET), 365);
  });

  test("an empty object or an empty value deactivates archiving", () => {
    assert.equal(parseArchivePolicy("{}", SET), undefined);
    assert.equal(parseArchivePolicy("", SET), undefined);
  });

  test("a retention period outside 1 to 365 days, or not a whole number of days, is refused", () => {
    for (const period of ['"0"', '"366"', "0", "366", '"-1"', '"1.5"', "1.5", '"thirty"', "null", "true", '""']) {
      assert.equal(
        refusal(() => parseArchivePolicy(`{"MessageRetentionPeriod":${period}}`, SET)),
        "Invalid parameter: ArchivePolicy: MessageRetentionPeriod must be an integer number of days from 1 to 365.",
        period,
      );
    }
  });

  test("bad JSON, a non-object and unknown keys are refused, with the operation's prefix", () => {
    assert.equal(refusal(() => parseArchivePolicy("{", SET)), "Invalid parameter: ArchivePolicy: failed to parse JSON.");
    assert.equal(refusal(() => parseArchivePolicy("{", CREATE)), "Invalid parameter: Attributes Reason: ArchivePolicy: failed to parse JSON.");
    assert.equal(refusal(() => parseArchivePolicy("[30]", SET)), "Invalid parameter: ArchivePolicy: invalid JSON. The policy must be a JSON object.");
    assert.equal(
      refusal(() => parseArchivePolicy('{"MessageRetentionPeriod":"30","RetentionDays":"2"}', SET)),
      "Invalid parameter: ArchivePolicy: invalid JSON. Attribute RetentionDays is unknown.",
    );
  });
});

describe("beginningArchiveTime", () => {
  test("the retention period back from now, once the archive is older than that", () => {
    assert.equal(beginningArchiveTime({ since: NOW - 40 * DAY_MS, retentionDays: 30 }, NOW), NOW - 30 * DAY_MS);
  });

  test("when archiving began, while the archive is younger than its retention period", () => {
    assert.equal(beginningArchiveTime({ since: NOW - 3 * DAY_MS, retentionDays: 30 }, NOW), NOW - 3 * DAY_MS);
  });

  test("a message expires its retention period after its publish", () => {
    assert.equal(archiveExpiry(NOW, 2), NOW + 2 * DAY_MS);
  });
});

describe("parseTimestamp", () => {
  test("ISO 8601 with seconds, in UTC or with an offset, fractions to the millisecond", () => {
    assert.equal(parseTimestamp("2023-10-01T10:00:00.000Z"), Date.parse("2023-10-01T10:00:00.000Z"));
    assert.equal(parseTimestamp("2023-10-01T10:00:00Z"), Date.parse("2023-10-01T10:00:00.000Z"));
    assert.equal(parseTimestamp("2023-10-01T12:00:00+02:00"), Date.parse("2023-10-01T10:00:00.000Z"));
    assert.equal(parseTimestamp("2023-10-01T10:00:00.123456Z"), Date.parse("2023-10-01T10:00:00.123Z"));
  });

  test("anything else is not a timestamp", () => {
    for (const value of ["2023-10-01", "2023-10-01T10:00Z", "2023-10-01 10:00:00Z", "2023-02-30T00:00:00Z", "2023-13-01T00:00:00Z", "1696154400000", 1696154400000, null]) {
      assert.equal(parseTimestamp(value), undefined, String(value));
    }
  });
});

describe("parseReplayPolicy", () => {
  const archive = { since: NOW - 10 * DAY_MS, retentionDays: 30 };
  const iso = (ms: number) => new Date(ms).toISOString();
  const policy = (fields: Record<string, unknown>) => JSON.stringify(fields);

  test("a window from the StartingPoint, to the EndingPoint when there is one", () => {
    const start = NOW - 2 * DAY_MS;
    assert.deepEqual(parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: iso(start) }), SET, archive, NOW), { start, end: undefined });
    assert.deepEqual(parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: iso(start), EndingPoint: iso(start + 3_600_000) }), SET, archive, NOW), {
      start,
      end: start + 3_600_000,
    });
  });

  test("the StartingPoint may be the BeginningArchiveTime itself, or now", () => {
    assert.equal(parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: iso(archive.since) }), SET, archive, NOW)?.start, archive.since);
    assert.equal(parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: iso(NOW) }), SET, archive, NOW)?.start, NOW);
  });

  test("an empty object or an empty value stops replaying", () => {
    assert.equal(parseReplayPolicy("{}", SET, archive, NOW), undefined);
    assert.equal(parseReplayPolicy("", SET, undefined, NOW), undefined);
  });

  test("the policy's shape is refused before the archive is looked at", () => {
    assert.equal(refusal(() => parseReplayPolicy("not json", SET, undefined, NOW)), "Invalid parameter: ReplayPolicy: failed to parse JSON.");
    assert.equal(refusal(() => parseReplayPolicy('"x"', CREATE, undefined, NOW)), "Invalid parameter: Attributes Reason: ReplayPolicy: invalid JSON. The policy must be a JSON object.");
    assert.equal(
      refusal(() => parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: iso(NOW), Speed: 2 }), SET, undefined, NOW)),
      "Invalid parameter: ReplayPolicy: invalid JSON. Attribute Speed is unknown.",
    );
    assert.equal(refusal(() => parseReplayPolicy(policy({ StartingPoint: iso(NOW) }), SET, undefined, NOW)), "Invalid parameter: ReplayPolicy: PointType must be Timestamp.");
    assert.equal(refusal(() => parseReplayPolicy(policy({ PointType: "SequenceNumber", StartingPoint: iso(NOW) }), SET, undefined, NOW)), "Invalid parameter: ReplayPolicy: PointType must be Timestamp.");
    assert.equal(refusal(() => parseReplayPolicy(policy({ PointType: "Timestamp" }), SET, undefined, NOW)), "Invalid parameter: ReplayPolicy: StartingPoint is required.");
    assert.equal(
      refusal(() => parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: "yesterday" }), SET, undefined, NOW)),
      "Invalid parameter: ReplayPolicy: StartingPoint must be an ISO 8601 timestamp.",
    );
    assert.equal(
      refusal(() => parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: iso(NOW), EndingPoint: 5 }), SET, undefined, NOW)),
      "Invalid parameter: ReplayPolicy: EndingPoint must be an ISO 8601 timestamp.",
    );
  });

  test("a topic without an archive has nothing to replay", () => {
    assert.equal(
      refusal(() => parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: iso(NOW) }), SET, undefined, NOW)),
      "Invalid parameter: ReplayPolicy: the topic has no ArchivePolicy, so it has no archive to replay.",
    );
  });

  test("the StartingPoint must lie between the BeginningArchiveTime and now, the EndingPoint not before it", () => {
    assert.equal(
      refusal(() => parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: iso(archive.since - 1) }), SET, archive, NOW)),
      `Invalid parameter: ReplayPolicy: StartingPoint is before the topic's BeginningArchiveTime, ${iso(archive.since)}.`,
    );
    assert.equal(
      refusal(() => parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: iso(NOW + 1000) }), SET, archive, NOW)),
      "Invalid parameter: ReplayPolicy: StartingPoint is in the future.",
    );
    assert.equal(
      refusal(() => parseReplayPolicy(policy({ PointType: "Timestamp", StartingPoint: iso(NOW - DAY_MS), EndingPoint: iso(NOW - 2 * DAY_MS) }), SET, archive, NOW)),
      "Invalid parameter: ReplayPolicy: EndingPoint is before StartingPoint.",
    );
  });
});
