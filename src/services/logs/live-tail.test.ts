import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ManualClock } from "../../core/manual-clock.js";
import { createScheduler } from "../../core/scheduler.js";
import { parseFilterPattern } from "./domain/filter-pattern.js";
import { groupKey, LiveTailHub, MAX_EVENTS_PER_UPDATE } from "./live-tail.js";

const scope = { account: "000000000000", region: "us-east-1" };

function setup(streamPrefixes?: string[]) {
  const clock = new ManualClock(Date.parse("2026-01-15T12:00:00Z"));
  const scheduler = createScheduler(clock);
  const hub = new LiveTailHub();
  const session = hub.open(
    { groups: new Map([[groupKey(scope, "g"), "g"]]), streamNames: undefined, streamPrefixes, pattern: parseFilterPattern("ERROR") },
    scheduler,
  );
  return { clock, scheduler, hub, session };
}

describe("live tail sessions", () => {
  test("buffer matching events of their groups and streams and hand them out on the next tick", async () => {
    const { scheduler, hub, session } = setup(["web"]);
    hub.publish(scope, "g", "web-1", [{ timestamp: 1, message: "ERROR a" }, { timestamp: 2, message: "INFO b" }], 5);
    hub.publish(scope, "g", "worker", [{ timestamp: 3, message: "ERROR c" }], 5);
    hub.publish(scope, "other", "web-1", [{ timestamp: 4, message: "ERROR d" }], 5);
    hub.publish({ account: "111122223333", region: "us-east-1" }, "g", "web-1", [{ timestamp: 4, message: "ERROR e" }], 5);
    const next = session.next();
    await scheduler.advance(1000);
    assert.deepEqual(await next, {
      events: [{ logStreamName: "web-1", logGroupIdentifier: "g", message: "ERROR a", timestamp: 1, ingestionTime: 5 }],
      sampled: false,
    });
    session.close();
    assert.equal(await session.next(), "closed");
    assert.equal(hub.size, 0);
    assert.equal(scheduler.pending(), 0);
  });

  test("an update carries at most 500 events and says it was sampled", async () => {
    const { scheduler, hub, session } = setup();
    const events = Array.from({ length: MAX_EVENTS_PER_UPDATE + 10 }, (_, i) => ({ timestamp: i, message: `ERROR ${i}` }));
    hub.publish(scope, "g", "s", events, 1);
    const next = session.next();
    await scheduler.advance(1000);
    const tick = await next;
    assert.ok(typeof tick === "object");
    assert.equal(tick.events.length, MAX_EVENTS_PER_UPDATE);
    assert.equal(tick.sampled, true);
    hub.closeAll();
  });

  test("a session ends after 3 hours", async () => {
    const { scheduler, hub, session } = setup();
    await scheduler.advance(3 * 3_600_000);
    assert.equal(await session.next(), "timeout");
    assert.equal(hub.size, 0);
  });
});
