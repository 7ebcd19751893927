import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import { ManualClock } from "../../../core/manual-clock.js";
import {
  DAY_MS,
  abortDateHeader,
  ceilToMidnightUtc,
  dueAction,
  dueAfterDays,
  expirationHeader,
  nextActionTime,
  ruleMatches,
  scheduledActions,
  supportedTransition,
  uploadAbortSchedule,
  validateLifecycleConfiguration,
  type LifecycleRule,
  type LifecycleRuleInput,
  type ObjectVersionFacts,
} from "./lifecycle.js";

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, `expected AwsError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected an error");
}

const rule = (r: Partial<LifecycleRuleInput>): LifecycleRuleInput => ({ ID: "r", Status: "Enabled", Filter: {}, ...r });

function object(overrides: Partial<ObjectVersionFacts> = {}): ObjectVersionFacts {
  return {
    key: "logs/a.txt",
    size: 1024,
    tags: {},
    isDeleteMarker: false,
    isLatest: true,
    lastModified: Date.UTC(2014, 0, 15, 10, 30),
    ...overrides,
  };
}

describe("timing", () => {
  test("AWS's example: created 2014-01-15 10:30 UTC + 3 days is due 2014-01-19 00:00 UTC", () => {
    assert.equal(dueAfterDays(Date.UTC(2014, 0, 15, 10, 30), 3), Date.UTC(2014, 0, 19));
  });

  test("a sum exactly at midnight stays there", () => {
    assert.equal(ceilToMidnightUtc(Date.UTC(2024, 4, 1)), Date.UTC(2024, 4, 1));
    assert.equal(ceilToMidnightUtc(Date.UTC(2024, 4, 1) + 1), Date.UTC(2024, 4, 2));
  });
});

describe("validateLifecycleConfiguration", () => {
  test("normal form of a full rule", () => {
    const [r] = validateLifecycleConfiguration([
      {
        ID: "logs",
        Status: "Enabled",
        Filter: { And: { Prefix: "logs/", Tags: [{ Key: "tier", Value: "cold" }], ObjectSizeGreaterThan: 10 } },
        Expiration: { Days: 365 },
        NoncurrentVersionExpiration: { NoncurrentDays: 30, NewerNoncurrentVersions: 2 },
        Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }],
        NoncurrentVersionTransitions: [{ NoncurrentDays: 30, StorageClass: "GLACIER" }],
      },
    ]);
    assert.deepEqual(r, {
      id: "logs",
      enabled: true,
      filter: { prefix: "logs/", tags: [{ key: "tier", value: "cold" }], sizeGreaterThan: 10 },
      expiration: { days: 365 },
      noncurrentVersionExpiration: { noncurrentDays: 30, newerNoncurrentVersions: 2 },
      transitions: [{ storageClass: "STANDARD_IA", days: 30 }],
      noncurrentVersionTransitions: [{ noncurrentDays: 30, storageClass: "GLACIER" }],
    });
  });

  test("legacy top-level Prefix, dates as Date objects or strings", () => {
    const [r] = validateLifecycleConfiguration([{ Status: "Disabled", Prefix: "tmp/", Expiration: { Date: new Date("2030-01-01T00:00:00Z") } }]);
    assert.deepEqual(r?.filter, { prefix: "tmp/", tags: [] });
    assert.equal(r?.enabled, false);
    assert.equal(r?.expiration?.date, Date.UTC(2030, 0, 1));
    assert.equal(validateLifecycleConfiguration([rule({ Expiration: { Date: "2030-01-01T00:00:00.000Z" } })])[0]?.expiration?.date, Date.UTC(2030, 0, 1));
  });

  const invalidArgs: [Partial<LifecycleRuleInput>, string][] = [
    [{ Expiration: { Days: 0 } }, "'Days' for Expiration action must be a positive integer"],
    [{ Expiration: { Days: -3 } }, "'Days' for Expiration action must be a positive integer"],
    [{ NoncurrentVersionExpiration: { NoncurrentDays: 0 } }, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"],
    [{ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 0 } }, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"],
    [{ Expiration: { Date: "2030-01-01T12:00:00Z" } }, "'Date' must be at midnight GMT"],
    [{ ID: "x".repeat(256), Expiration: { Days: 1 } }, "ID length should not exceed allowed limit of 255"],
    [{ Transitions: [{ Days: 10, StorageClass: "STANDARD_IA" }] }, "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'"],
    [
      { Filter: { Prefix: "logs/" }, Expiration: { Days: 30 }, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] },
      "'Days' in the Expiration action for filter '(prefix=logs/)' must be greater than 'Days' in the Transition action",
    ],
    [
      { Expiration: { Days: 5 }, Transitions: [{ Days: 1, StorageClass: "GLACIER" }, { Days: 90, StorageClass: "DEEP_ARCHIVE" }] },
      "'Days' in the Expiration action for filter '(prefix=)' must be greater than 'Days' in the Transition action",
    ],
    [
      { NoncurrentVersionExpiration: { NoncurrentDays: 30 }, NoncurrentVersionTransitions: [{ NoncurrentDays: 30, StorageClass: "GLACIER" }] },
      "'NoncurrentDays' in the NoncurrentVersionExpiration action for filter '(prefix=)' must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action",
    ],
  ];
  for (const [input, message] of invalidArgs) {
    test(`InvalidArgument: ${message}`, () => {
      const err = thrown(() => validateLifecycleConfiguration([rule(input)]));
      assert.equal(err.code, "InvalidArgument");
      assert.equal(err.status, 400);
      assert.equal(err.message, message);
    });
  }

  test("'Date' must be at midnight names the argument", () => {
    const err = thrown(() => validateLifecycleConfiguration([rule({ Expiration: { Date: "2030-01-01T12:00:00.000Z" } })]));
    assert.deepEqual(err.fields, { ArgumentName: "Date", ArgumentValue: "2030-01-01T12:00:00.000Z" });
  });

  const invalidRequests: [Partial<LifecycleRuleInput>, string][] = [
    [{}, "At least one action needs to be specified in a rule"],
    [{ Filter: { Tag: { Key: "a", Value: "b" } }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }, "AbortIncompleteMultipartUpload cannot be specified with Tags."],
    [{ Filter: { ObjectSizeLessThan: 5 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }, "AbortIncompleteMultipartUpload cannot be specified with Object Size."],
    [{ Filter: { Tag: { Key: "a", Value: "b" } }, Expiration: { ExpiredObjectDeleteMarker: true } }, "ExpiredObjectDeleteMarker cannot be specified with Tags."],
    [{ Filter: { And: { Tags: [{ Key: "a", Value: "1" }, { Key: "a", Value: "2" }] } }, Expiration: { Days: 1 } }, "Duplicate Tag Keys are not allowed."],
  ];
  for (const [input, message] of invalidRequests) {
    test(`InvalidRequest: ${message}`, () => {
      const err = thrown(() => validateLifecycleConfiguration([rule(input)]));
      assert.equal(err.code, "InvalidRequest");
      assert.equal(err.message, message);
    });
  }

  test("schema violations are MalformedXML", () => {
    const cases: LifecycleRuleInput[][] = [
      [],
      [rule({ Status: "On", Expiration: { Days: 1 } })],
      [{ Status: "Enabled", Expiration: { Days: 1 } }],
      [rule({ Prefix: "a", Expiration: { Days: 1 } })],
      [rule({ Filter: { Prefix: "a", Tag: { Key: "k", Value: "v" } }, Expiration: { Days: 1 } })],
      [rule({ Expiration: { Days: 1, ExpiredObjectDeleteMarker: true } })],
      [rule({ Expiration: { Days: 1, Date: "2030-01-01T00:00:00Z" } })],
      [rule({ Expiration: {} })],
      [rule({ NoncurrentVersionExpiration: {} })],
      [rule({ Transitions: [{ Days: 40, StorageClass: "STANDARD" }] })],
    ];
    for (const rules of cases) {
      const err = thrown(() => validateLifecycleConfiguration(rules));
      assert.equal(err.code, "MalformedXML", JSON.stringify(rules));
    }
  });

  test("rule IDs must be unique", () => {
    const err = thrown(() => validateLifecycleConfiguration([rule({ Expiration: { Days: 1 } }), rule({ Expiration: { Days: 2 } })]));
    assert.equal(err.code, "InvalidArgument");
    assert.equal(err.message, "Rule ID must be unique. Found same ID for more than one rule");
  });
});

describe("filters", () => {
  const byTagAndSize = validateLifecycleConfiguration([
    rule({ Filter: { And: { Prefix: "logs/", Tags: [{ Key: "tier", Value: "cold" }], ObjectSizeGreaterThan: 100, ObjectSizeLessThan: 2000 } }, Expiration: { Days: 1 } }),
  ])[0] as LifecycleRule;

  test("prefix, every tag, and strict size bounds", () => {
    const r = byTagAndSize;
    assert.equal(ruleMatches(r, object({ tags: { tier: "cold", other: "x" } })), true);
    assert.equal(ruleMatches(r, object({ tags: { tier: "hot" } })), false);
    assert.equal(ruleMatches(r, object({ key: "data/a", tags: { tier: "cold" } })), false);
    assert.equal(ruleMatches(r, object({ size: 100, tags: { tier: "cold" } })), false);
    assert.equal(ruleMatches(r, object({ size: 2000, tags: { tier: "cold" } })), false);
    assert.equal(ruleMatches(r, object({ isDeleteMarker: true, size: 0, tags: {} })), false);
  });
});

describe("evaluation", () => {
  test("Expiration Days on a current version, with the Clock deciding what is due", () => {
    const rules = validateLifecycleConfiguration([rule({ ID: "expire", Expiration: { Days: 3 } })]);
    const facts = object();
    const clock = new ManualClock(Date.UTC(2014, 0, 18, 23, 59, 59));
    assert.equal(dueAction(rules, facts, clock.now()), undefined);
    assert.equal(nextActionTime(rules, facts), Date.UTC(2014, 0, 19));
    clock.advance(1000);
    assert.deepEqual(dueAction(rules, facts, clock.now()), { type: "Expiration", dueAt: Date.UTC(2014, 0, 19), ruleId: "expire" });
  });

  test("Expiration Date is due at that midnight, for objects older or newer", () => {
    const rules = validateLifecycleConfiguration([rule({ Expiration: { Date: "2020-06-01T00:00:00Z" } })]);
    assert.equal(dueAction(rules, object({ lastModified: Date.UTC(2019, 0, 1) }), Date.UTC(2020, 5, 1))?.type, "Expiration");
    assert.equal(dueAction(rules, object({ lastModified: Date.UTC(2021, 0, 1) }), Date.UTC(2021, 0, 1))?.type, "Expiration");
    assert.equal(dueAction(rules, object({ lastModified: Date.UTC(2019, 0, 1) }), Date.UTC(2020, 4, 31))?.type, undefined);
  });

  test("disabled rules and non-matching filters do nothing", () => {
    const rules = validateLifecycleConfiguration([
      { ID: "off", Status: "Disabled", Filter: {}, Expiration: { Days: 1 } },
      rule({ ID: "other", Filter: { Prefix: "images/" }, Expiration: { Days: 1 } }),
    ]);
    assert.deepEqual(scheduledActions(rules, object()), []);
  });

  test("NoncurrentDays counts from when the successor was created", () => {
    const rules = validateLifecycleConfiguration([rule({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]);
    const facts = object({ isLatest: false, lastModified: Date.UTC(2024, 0, 1), noncurrentSince: Date.UTC(2024, 1, 1, 8) });
    assert.deepEqual(scheduledActions(rules, facts), [{ type: "NoncurrentVersionExpiration", dueAt: Date.UTC(2024, 2, 3), ruleId: "r" }]);
    // Expiration applies only to the current version.
    const currentOnly = validateLifecycleConfiguration([rule({ Expiration: { Days: 1 } })]);
    assert.deepEqual(scheduledActions(currentOnly, facts), []);
  });

  test("NewerNoncurrentVersions keeps the newest N noncurrent versions", () => {
    const rules = validateLifecycleConfiguration([rule({ NoncurrentVersionExpiration: { NoncurrentDays: 1, NewerNoncurrentVersions: 2 } })]);
    const base = { isLatest: false, noncurrentSince: Date.UTC(2024, 0, 1) };
    const now = Date.UTC(2024, 6, 1);
    assert.equal(dueAction(rules, object({ ...base, newerNoncurrentVersions: 0 }), now), undefined);
    assert.equal(dueAction(rules, object({ ...base, newerNoncurrentVersions: 1 }), now), undefined);
    assert.equal(dueAction(rules, object({ ...base, newerNoncurrentVersions: 2 }), now)?.type, "NoncurrentVersionExpiration");
  });

  test("a delete marker with no other versions: ExpiredObjectDeleteMarker removes it at once", () => {
    const rules = validateLifecycleConfiguration([rule({ Expiration: { ExpiredObjectDeleteMarker: true } })]);
    const marker = object({ isDeleteMarker: true, size: 0, lastModified: Date.UTC(2024, 0, 1, 5) });
    assert.deepEqual(dueAction(rules, marker, Date.UTC(2024, 0, 1, 5)), { type: "ExpiredObjectDeleteMarker", dueAt: Date.UTC(2024, 0, 1, 5), ruleId: "r" });
    assert.equal(dueAction(rules, { ...marker, hasNoncurrentVersions: true }, Date.UTC(2030, 0, 1)), undefined);
  });

  test("a Days expiration also cleans up an expired delete marker once it is old enough", () => {
    const rules = validateLifecycleConfiguration([rule({ Expiration: { Days: 2 } })]);
    const marker = object({ isDeleteMarker: true, size: 0, lastModified: Date.UTC(2024, 0, 1, 5) });
    assert.deepEqual(scheduledActions(rules, marker), [{ type: "ExpiredObjectDeleteMarker", dueAt: Date.UTC(2024, 0, 4), ruleId: "r" }]);
  });

  test("transitions skip objects under 128 KiB unless a size filter or the bucket says otherwise", () => {
    const rules = validateLifecycleConfiguration([rule({ Transitions: [{ Days: 0, StorageClass: "GLACIER" }] })]);
    assert.deepEqual(scheduledActions(rules, object({ size: 1024 })), []);
    assert.equal(scheduledActions(rules, object({ size: 128 * 1024 }))[0]?.storageClass, "GLACIER");
    assert.equal(scheduledActions(rules, object({ size: 1024 }), { transitionDefaultMinimumSize: "varies_by_storage_class" }).length, 1);
    assert.deepEqual(scheduledActions(rules, object({ size: 200_000, storageClass: "GLACIER" })), []);
  });

  test("varies_by_storage_class lets small objects reach Glacier Flexible Retrieval and Deep Archive only", () => {
    const varies = { transitionDefaultMinimumSize: "varies_by_storage_class" } as const;
    const small = object({ size: 1024 });
    for (const [storageClass, days, moves] of [["GLACIER", 0, true], ["DEEP_ARCHIVE", 0, true], ["GLACIER_IR", 0, false], ["STANDARD_IA", 30, false], ["INTELLIGENT_TIERING", 0, false]] as const) {
      const rules = validateLifecycleConfiguration([rule({ Transitions: [{ Days: days, StorageClass: storageClass }] })]);
      assert.equal(scheduledActions(rules, small, varies).length, moves ? 1 : 0, storageClass);
      // Over 128 KiB every class is reached; a size filter of the rule's own decides for itself.
      assert.equal(scheduledActions(rules, object({ size: 128 * 1024 }), varies).length, 1, storageClass);
    }
    const sized = validateLifecycleConfiguration([rule({ Filter: { ObjectSizeGreaterThan: 10 }, Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] })]);
    assert.equal(scheduledActions(sized, small).length, 1);
  });

  test("transitions only go down S3's waterfall: a colder version never moves back", () => {
    const rules = validateLifecycleConfiguration([
      rule({ Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }, { Days: 60, StorageClass: "GLACIER" }] }),
    ]);
    const created = Date.UTC(2024, 0, 1);
    const later = Date.UTC(2024, 6, 1);
    const big = (storageClass?: string) => object({ size: 1 << 20, lastModified: created, ...(storageClass ? { storageClass } : {}) });
    assert.equal(dueAction(rules, big(), later)?.storageClass, "GLACIER");
    assert.equal(dueAction(rules, big("STANDARD_IA"), later)?.storageClass, "GLACIER");
    // Once in Glacier, the earlier Standard-IA transition is not a move S3 makes.
    assert.equal(dueAction(rules, big("GLACIER"), later), undefined);
    assert.equal(dueAction(rules, big("DEEP_ARCHIVE"), later), undefined);
    const toIr = validateLifecycleConfiguration([rule({ Transitions: [{ Days: 1, StorageClass: "GLACIER_IR" }, { Days: 2, StorageClass: "DEEP_ARCHIVE" }] })]);
    // One Zone-IA goes on to Glacier or Deep Archive, not to Glacier Instant Retrieval.
    assert.deepEqual(scheduledActions(toIr, big("ONEZONE_IA")).map((a) => a.storageClass), ["DEEP_ARCHIVE"]);
    assert.deepEqual(scheduledActions(toIr, big("INTELLIGENT_TIERING")).map((a) => a.storageClass), ["GLACIER_IR", "DEEP_ARCHIVE"]);
    assert.equal(supportedTransition("EXPRESS_ONEZONE", "DEEP_ARCHIVE"), true);
    assert.equal(supportedTransition("EXPRESS_ONEZONE", "GLACIER"), false);
    assert.equal(supportedTransition("REDUCED_REDUNDANCY", "STANDARD_IA"), true);
  });

  test("precedence: deletion over transition over delete-marker creation; colder transition first", () => {
    const rules = validateLifecycleConfiguration([
      rule({ ID: "expire", Expiration: { Days: 1 } }),
      rule({ ID: "ia", Transitions: [{ Days: 30, StorageClass: "STANDARD_IA" }] }),
      rule({ ID: "glacier", Transitions: [{ Days: 1, StorageClass: "GLACIER" }] }),
    ]);
    const big = object({ size: 1 << 20, lastModified: Date.UTC(2024, 0, 1) });
    const later = Date.UTC(2024, 6, 1);
    assert.equal(dueAction(rules, big, later)?.ruleId, "expire");
    const versioned = dueAction(rules, big, later, { versioning: "Enabled" });
    assert.equal(versioned?.type, "Transition");
    assert.equal(versioned?.storageClass, "GLACIER");
  });

  test("x-amz-expiration names the earliest expiration and its rule", () => {
    const rules = validateLifecycleConfiguration([
      rule({ ID: "later", Expiration: { Days: 30 } }),
      rule({ ID: "picture-deletion-rule", Filter: { Prefix: "logs/" }, Expiration: { Days: 3 } }),
    ]);
    assert.equal(expirationHeader(rules, object()), 'expiry-date="Sun, 19 Jan 2014 00:00:00 GMT", rule-id="picture-deletion-rule"');
    assert.equal(expirationHeader(validateLifecycleConfiguration([rule({ NoncurrentVersionExpiration: { NoncurrentDays: 1 } })]), object()), undefined);
  });
});

describe("incomplete multipart uploads", () => {
  test("DaysAfterInitiation from initiation, rounded to midnight; the earliest rule wins", () => {
    const rules = validateLifecycleConfiguration([
      rule({ ID: "week", AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 } }),
      rule({ ID: "tmp", Filter: { Prefix: "tmp/" }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    ]);
    const initiated = Date.UTC(2024, 2, 10, 13, 0);
    assert.deepEqual(uploadAbortSchedule(rules, { key: "tmp/upload", initiated }), { abortAt: Date.UTC(2024, 2, 12), ruleId: "tmp" });
    assert.deepEqual(uploadAbortSchedule(rules, { key: "data/upload", initiated }), { abortAt: Date.UTC(2024, 2, 18), ruleId: "week" });
    assert.equal(abortDateHeader(Date.UTC(2024, 2, 18)), "Mon, 18 Mar 2024 00:00:00 GMT");
  });

  test("no abort rule, no schedule", () => {
    assert.equal(uploadAbortSchedule(validateLifecycleConfiguration([rule({ Expiration: { Days: 1 } })]), { key: "k", initiated: 0 }), undefined);
  });

  test("DAY_MS", () => {
    assert.equal(DAY_MS, 24 * 60 * 60 * 1000);
  });
});
