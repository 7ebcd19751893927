import { test } from "node:test";
import assert from "node:assert/strict";
import { accessTierAt, filterMatches, inventoryAccessTier, lastAccess, MONITORED_MIN_SIZE, type TieringConfiguration, type TieringFacts } from "./access-tiers.js";

const DAY = 86_400_000;
const T0 = Date.parse("2026-01-15T12:00:00.000Z");

function facts(overrides: Partial<TieringFacts> = {}): TieringFacts {
  return { key: "logs/a", size: MONITORED_MIN_SIZE, tags: [], accessedAt: T0, archiveTier: null, restoreCompletesAt: null, ...overrides };
}

const archive90: TieringConfiguration = { Status: "Enabled", Tierings: [{ AccessTier: "ARCHIVE_ACCESS", Days: 90 }] };
const both: TieringConfiguration = {
  Status: "Enabled",
  Filter: { Prefix: "logs/" },
  Tierings: [
    { AccessTier: "ARCHIVE_ACCESS", Days: 120 },
    { AccessTier: "DEEP_ARCHIVE_ACCESS", Days: 180 },
  ],
};

test("automatic tiers: Frequent, Infrequent after 30 days without access, Archive Instant Access after 90", () => {
  const at = (days: number) => accessTierAt(facts(), [], T0 + days * DAY);
  assert.deepEqual([at(0), at(29.99), at(30), at(89.99), at(90), at(1000)], ["FREQUENT", "FREQUENT", "INFREQUENT", "INFREQUENT", "ARCHIVE_INSTANT_ACCESS", "ARCHIVE_INSTANT_ACCESS"]);
});

test("objects under 128 KiB are not monitored: always Frequent, archive configurations or not", () => {
  const small = facts({ size: MONITORED_MIN_SIZE - 1 });
  assert.equal(accessTierAt(small, [archive90], T0 + 400 * DAY), "FREQUENT");
  assert.equal(accessTierAt(facts(), [archive90], T0 + 400 * DAY), "ARCHIVE_ACCESS");
});

test("the opt-in tiers: an enabled configuration whose filter matches, at its days; the deeper tier wins", () => {
  const at = (days: number, f = facts()) => accessTierAt(f, [both], T0 + days * DAY);
  assert.deepEqual([at(90), at(120), at(179), at(180)], ["ARCHIVE_INSTANT_ACCESS", "ARCHIVE_ACCESS", "ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"]);
  // Another prefix, or a disabled configuration: the automatic tiers only.
  assert.equal(at(200, facts({ key: "data/a" })), "ARCHIVE_INSTANT_ACCESS");
  assert.equal(accessTierAt(facts(), [{ ...both, Status: "Disabled" }], T0 + 200 * DAY), "ARCHIVE_INSTANT_ACCESS");
  // Archive Access at 90 days bypasses Archive Instant Access.
  assert.equal(accessTierAt(facts(), [archive90], T0 + 90 * DAY), "ARCHIVE_ACCESS");
  // Two configurations: the deepest tier any of them reaches.
  assert.equal(accessTierAt(facts(), [archive90, both], T0 + 180 * DAY), "DEEP_ARCHIVE_ACCESS");
});

test("filters: prefix, one tag, or And of a prefix and tags, all of which must match", () => {
  const tagged = [{ Key: "class", Value: "cold" }, { Key: "team", Value: "a" }];
  const config = (Filter: TieringConfiguration["Filter"]): TieringConfiguration => ({ Status: "Enabled", Tierings: [], ...(Filter ? { Filter } : {}) });
  assert.equal(filterMatches(config(undefined), "any", []), true);
  assert.equal(filterMatches(config({ Prefix: "logs/" }), "logs/x", []), true);
  assert.equal(filterMatches(config({ Prefix: "logs/" }), "data/x", []), false);
  assert.equal(filterMatches(config({ Tag: { Key: "class", Value: "cold" } }), "x", tagged), true);
  assert.equal(filterMatches(config({ Tag: { Key: "class", Value: "hot" } }), "x", tagged), false);
  assert.equal(filterMatches(config({ And: { Prefix: "logs/", Tags: tagged } }), "logs/x", tagged), true);
  assert.equal(filterMatches(config({ And: { Prefix: "logs/", Tags: [...tagged, { Key: "x", Value: "y" }] } }), "logs/x", tagged), false);
  assert.equal(filterMatches(config({ And: { Prefix: "logs/", Tags: tagged } }), "data/x", tagged), false);
});

test("a recorded archive tier holds without any configuration, and may only deepen", () => {
  const archived = facts({ archiveTier: "ARCHIVE_ACCESS" });
  assert.equal(accessTierAt(archived, [], T0 + 10 * DAY), "ARCHIVE_ACCESS");
  assert.equal(accessTierAt(archived, [both], T0 + 180 * DAY), "DEEP_ARCHIVE_ACCESS");
  assert.equal(accessTierAt(facts({ archiveTier: "DEEP_ARCHIVE_ACCESS" }), [archive90], T0 + 100 * DAY), "DEEP_ARCHIVE_ACCESS");
});

test("a restore keeps the object archived until it completes, then it is in Frequent Access and tiers down from then", () => {
  const completes = T0 + 200 * DAY;
  const restored = facts({ archiveTier: "DEEP_ARCHIVE_ACCESS", restoreCompletesAt: completes });
  assert.equal(accessTierAt(restored, [both], completes - 1), "DEEP_ARCHIVE_ACCESS");
  assert.equal(accessTierAt(restored, [both], completes), "FREQUENT");
  assert.equal(lastAccess(restored, completes - 1), T0);
  assert.equal(lastAccess(restored, completes), completes);
  assert.equal(accessTierAt(restored, [], completes + 30 * DAY), "INFREQUENT");
  assert.equal(accessTierAt(restored, [both], completes + 120 * DAY), "ARCHIVE_ACCESS");
  // An access after the restore counts from then.
  assert.equal(accessTierAt({ ...restored, accessedAt: completes + 20 * DAY }, [], completes + 40 * DAY), "FREQUENT");
});

test("inventory names the archive tiers ARCHIVE and DEEP_ARCHIVE, the others as they are", () => {
  assert.deepEqual(
    (["FREQUENT", "INFREQUENT", "ARCHIVE_INSTANT_ACCESS", "ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"] as const).map(inventoryAccessTier),
    ["FREQUENT", "INFREQUENT", "ARCHIVE_INSTANT_ACCESS", "ARCHIVE", "DEEP_ARCHIVE"],
  );
});
