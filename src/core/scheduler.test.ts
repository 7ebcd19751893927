import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Clock } from "./clock.js";
import { ManualClock } from "./manual-clock.js";
import { createScheduler, type TimerApi } from "./scheduler.js";

const T0 = Date.parse("2025-01-01T00:00:00Z");

function manual(onError?: (error: unknown, label: string | undefined) => void) {
  const clock = new ManualClock(T0);
  const errors: Array<{ error: unknown; label: string | undefined }> = [];
  const scheduler = createScheduler(clock, {
    onError: onError ?? ((error, label) => errors.push({ error, label })),
  });
  return { clock, scheduler, errors };
}

/** A timer double: records what the scheduler arms, fires only when the test says so. */
class FakeTimers implements TimerApi {
  armed: Array<{ id: number; delay: number; fire: () => void }> = [];
  sets = 0;
  clears = 0;
  private nextId = 1;
  set(fire: () => void, delayMs: number): unknown {
    this.sets++;
    const id = this.nextId++;
    this.armed.push({ id, delay: delayMs, fire });
    return id;
  }
  clear(handle: unknown): void {
    this.clears++;
    this.armed = this.armed.filter((t) => t.id !== handle);
  }
  only(): { delay: number; fire: () => void } {
    assert.equal(this.armed.length, 1, "exactly one timer armed");
    const timer = this.armed[0];
    assert.ok(timer);
    return timer;
  }
  fire(): void {
    const timer = this.only();
    this.armed = [];
    timer.fire();
  }
}

describe("scheduler with a ManualClock", () => {
  test("advance runs due tasks in time order, ties in insertion order, each seeing its due time", async () => {
    const { clock, scheduler } = manual();
    const seen: string[] = [];
    const note = (name: string) => () => {
      seen.push(`${name}@${clock.now() - T0}`);
    };
    scheduler.at(T0 + 300, note("c"));
    scheduler.at(T0 + 100, note("a"));
    scheduler.at(T0 + 200, note("b1"));
    scheduler.at(T0 + 200, note("b2"));
    scheduler.after(200, note("b3"));
    scheduler.at(T0 + 1000, note("late"));
    assert.equal(scheduler.pending(), 6);
    assert.equal(scheduler.nextDue(), T0 + 100);

    await scheduler.advance(300);
    assert.deepEqual(seen, ["a@100", "b1@200", "b2@200", "b3@200", "c@300"]);
    assert.equal(clock.now(), T0 + 300);
    assert.equal(scheduler.pending(), 1);
    assert.equal(scheduler.nextDue(), T0 + 1000);

    await scheduler.advance(699);
    assert.equal(seen.length, 5, "one millisecond early runs nothing");
    assert.equal(clock.now(), T0 + 999);
    await scheduler.advance(1);
    assert.deepEqual(seen.slice(5), ["late@1000"]);
    assert.equal(scheduler.pending(), 0);
    assert.equal(scheduler.nextDue(), undefined);
  });

  test("advance awaits each async task before starting the next", async () => {
    const { scheduler } = manual();
    const log: string[] = [];
    scheduler.after(10, async () => {
      log.push("first:start");
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.resolve();
      log.push("first:end");
    });
    scheduler.after(10, () => {
      log.push("second");
    });
    await scheduler.advance(10);
    assert.deepEqual(log, ["first:start", "first:end", "second"]);
  });

  test("tasks scheduled by tasks run in the same advance when they fall due within it", async () => {
    const { clock, scheduler } = manual();
    const seen: number[] = [];
    scheduler.after(100, () => {
      seen.push(clock.now() - T0);
      scheduler.after(50, () => {
        seen.push(clock.now() - T0);
        scheduler.after(0, () => {
          seen.push(clock.now() - T0);
        });
        scheduler.after(1000, () => {
          seen.push(clock.now() - T0);
        });
      });
    });
    scheduler.after(120, () => {
      seen.push(clock.now() - T0);
    });
    await scheduler.advance(500);
    assert.deepEqual(seen, [100, 120, 150, 150]);
    assert.equal(scheduler.pending(), 1);
    assert.equal(scheduler.nextDue(), T0 + 1150);
  });

  test("cancel removes a task; cancelling twice or after it ran is harmless", async () => {
    const { scheduler } = manual();
    const ran: string[] = [];
    const cancelA = scheduler.after(10, () => {
      ran.push("a");
    });
    const cancelB = scheduler.after(20, () => {
      ran.push("b");
    });
    const cancelC = scheduler.after(30, () => {
      ran.push("c");
      cancelD();
    });
    const cancelD = scheduler.after(40, () => {
      ran.push("d");
    });
    cancelB();
    cancelB();
    assert.equal(scheduler.pending(), 3);
    await scheduler.advance(100);
    assert.deepEqual(ran, ["a", "c"]);
    cancelA();
    cancelC();
    assert.equal(scheduler.pending(), 0);
  });

  test("every runs at each interval, scheduling the next run after the previous one finished", async () => {
    const { clock, scheduler } = manual();
    const runs: number[] = [];
    const cancel = scheduler.every(100, async () => {
      runs.push(clock.now() - T0);
      // The run takes 30 ms of clock time: the next one is due 100 ms after it ends.
      clock.set(clock.now() + 30);
      await Promise.resolve();
    }, "sweep");
    assert.equal(scheduler.pending(), 1);
    await scheduler.advance(500);
    assert.deepEqual(runs, [100, 230, 360, 490]);
    cancel();
    assert.equal(scheduler.pending(), 0);
    await scheduler.advance(1000);
    assert.equal(runs.length, 4);
  });

  test("every fromNow runs first at the current time, then at each interval", async () => {
    const { clock, scheduler } = manual();
    const runs: number[] = [];
    const cancel = scheduler.every(100, () => void runs.push(clock.now() - T0), "catch-up", { fromNow: true });
    await scheduler.runDue();
    assert.deepEqual(runs, [0]);
    await scheduler.advance(250);
    assert.deepEqual(runs, [0, 100, 200]);
    cancel();
    assert.equal(scheduler.pending(), 0);
  });

  test("retrying runs again retryMs after each failed run, each failure logged, until one succeeds; cancel stops it", async () => {
    const { clock, scheduler, errors } = manual();
    const runs: number[] = [];
    scheduler.retrying(T0 + 50, 100, () => {
      runs.push(clock.now() - T0);
      if (runs.length < 3) throw new Error(`full ${runs.length}`);
    }, "end");
    await scheduler.advance(1_000);
    assert.deepEqual(runs, [50, 150, 250]);
    assert.deepEqual(errors.map((e) => [String(e.error), e.label]), [["Error: full 1", "end"], ["Error: full 2", "end"]]);
    assert.equal(scheduler.pending(), 0);
    const failing: number[] = [];
    const cancel = scheduler.retrying(clock.now(), 100, () => {
      failing.push(clock.now());
      throw new Error("still full");
    });
    await scheduler.advance(150);
    assert.equal(failing.length, 2);
    cancel();
    assert.equal(scheduler.pending(), 0);
  });

  test("every stops when cancelled from inside its own run", async () => {
    const { scheduler } = manual();
    let count = 0;
    const cancel = scheduler.every(10, () => {
      count++;
      if (count === 3) cancel();
    });
    await scheduler.advance(1000);
    assert.equal(count, 3);
    assert.equal(scheduler.pending(), 0);
  });

  test("a failing task is reported with its label and never stops the others or a series", async () => {
    const { scheduler, errors } = manual();
    const ran: string[] = [];
    scheduler.after(10, () => {
      throw new Error("sync boom");
    }, "visibility-timeout");
    scheduler.after(20, async () => {
      await Promise.resolve();
      throw new Error("async boom");
    });
    let ticks = 0;
    scheduler.every(15, () => {
      ticks++;
      throw new Error(`tick ${ticks}`);
    }, "retention");
    scheduler.after(30, () => {
      ran.push("after-failures");
    });
    await scheduler.advance(45);
    assert.deepEqual(ran, ["after-failures"]);
    assert.equal(ticks, 3);
    assert.deepEqual(
      errors.map((e) => [e.label, (e.error as Error).message]),
      [
        ["visibility-timeout", "sync boom"],
        ["retention", "tick 1"],
        [undefined, "async boom"],
        ["retention", "tick 2"],
        ["retention", "tick 3"],
      ],
    );
    assert.equal(scheduler.pending(), 1, "the series is still scheduled");
  });

  test("an onError hook that throws does not break the scheduler", async () => {
    const { scheduler } = manual(() => {
      throw new Error("hook broken");
    });
    const ran: string[] = [];
    scheduler.after(1, () => {
      throw new Error("task broken");
    });
    scheduler.after(2, () => {
      ran.push("next");
    });
    await scheduler.advance(5);
    assert.deepEqual(ran, ["next"]);
  });

  test("runDue runs only what is due now", async () => {
    const { clock, scheduler } = manual();
    const ran: string[] = [];
    scheduler.at(T0 - 5, () => {
      ran.push("past");
    });
    scheduler.at(T0, () => {
      ran.push("now");
    });
    scheduler.at(T0 + 1, () => {
      ran.push("future");
    });
    await scheduler.runDue();
    assert.deepEqual(ran, ["past", "now"]);
    clock.advance(1);
    await scheduler.runDue();
    assert.deepEqual(ran, ["past", "now", "future"]);
    assert.equal(clock.now(), T0 + 1);
  });

  test("a task scheduled in the past runs on the next advance without moving the clock back", async () => {
    const { clock, scheduler } = manual();
    await scheduler.advance(1000);
    let seenAt: number | undefined;
    scheduler.at(T0 + 10, () => {
      seenAt = clock.now();
    });
    await scheduler.advance(0);
    assert.equal(seenAt, T0 + 1000);
  });

  test("concurrent advance calls run one after the other", async () => {
    const { clock, scheduler } = manual();
    const seen: number[] = [];
    for (const at of [50, 150, 250]) {
      scheduler.at(T0 + at, async () => {
        await Promise.resolve();
        seen.push(clock.now() - T0);
      });
    }
    await Promise.all([scheduler.advance(100), scheduler.advance(100), scheduler.advance(100)]);
    assert.deepEqual(seen, [50, 150, 250]);
    assert.equal(clock.now(), T0 + 300);
  });

  test("advance or runDue from inside a task rejects instead of deadlocking", async () => {
    const { scheduler } = manual();
    const failures: string[] = [];
    scheduler.after(1, async () => {
      await scheduler.advance(1).catch((error: Error) => failures.push(error.message));
      await scheduler.runDue().catch((error: Error) => failures.push(error.message));
    });
    await scheduler.advance(10);
    assert.deepEqual(failures, [
      "Scheduler.advance/runDue called from inside a scheduled task; it would wait for itself",
      "Scheduler.advance/runDue called from inside a scheduled task; it would wait for itself",
    ]);
  });

  test("argument validation", async () => {
    const { scheduler } = manual();
    assert.throws(() => scheduler.at(Number.NaN, () => {}), { name: "RangeError", message: "Scheduler.at: when must be a finite epoch-ms number, got NaN" });
    assert.throws(() => scheduler.after(Number.POSITIVE_INFINITY, () => {}), RangeError);
    assert.throws(() => scheduler.every(0, () => {}), { name: "RangeError", message: "Scheduler.every: intervalMs must be a finite number > 0, got 0" });
    await assert.rejects(scheduler.advance(-1), { name: "RangeError", message: "Scheduler.advance: ms must be a finite number >= 0, got -1" });
    // A negative delay means "now", like setTimeout.
    let ran = false;
    scheduler.after(-50, () => {
      ran = true;
    });
    await scheduler.runDue();
    assert.equal(ran, true);
  });

  test("close cancels everything and ignores later scheduling", async () => {
    const { scheduler } = manual();
    let ran = 0;
    scheduler.after(10, () => {
      ran++;
    });
    scheduler.every(5, () => {
      ran++;
    });
    scheduler.close();
    assert.equal(scheduler.pending(), 0);
    const cancel = scheduler.after(1, () => {
      ran++;
    });
    cancel();
    assert.equal(scheduler.pending(), 0);
    await scheduler.advance(100);
    assert.equal(ran, 0);
  });

  test("heap order holds for many tasks with random times and cancels", async () => {
    const { clock, scheduler } = manual();
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const expected: Array<{ when: number; seq: number }> = [];
    const ran: Array<{ when: number; seq: number }> = [];
    const cancels: Array<() => void> = [];
    for (let seq = 0; seq < 2000; seq++) {
      const when = T0 + Math.floor(random() * 500);
      const entry = { when, seq };
      cancels.push(
        scheduler.at(when, () => {
          assert.equal(clock.now(), when);
          ran.push(entry);
        }),
      );
      expected.push(entry);
    }
    const cancelled = new Set<number>();
    for (let i = 0; i < 700; i++) {
      const seq = Math.floor(random() * 2000);
      cancels[seq]?.();
      cancelled.add(seq);
    }
    assert.equal(scheduler.pending(), 2000 - cancelled.size);
    await scheduler.advance(1000);
    const want = expected.filter((e) => !cancelled.has(e.seq)).sort((a, b) => a.when - b.when || a.seq - b.seq);
    assert.deepEqual(ran, want);
  });

  test("advance needs an adjustable clock", async () => {
    const scheduler = createScheduler({ now: () => T0 }, { timers: false });
    await assert.rejects(scheduler.advance(10), {
      message: "Scheduler.advance needs an adjustable clock (ManualClock); with the system clock time moves by itself",
    });
    scheduler.close();
  });

  test("arms no real timer with a ManualClock, but does with any other clock", (t) => {
    t.mock.timers.enable({ apis: ["setTimeout"] });
    const clock = new ManualClock(T0);
    const withManual = createScheduler(clock);
    const withPlain = createScheduler({ now: () => clock.now() });
    const ran: string[] = [];
    withManual.at(T0, () => {
      ran.push("manual");
    });
    withPlain.at(T0, () => {
      ran.push("plain");
    });
    t.mock.timers.runAll();
    assert.deepEqual(ran, ["plain"]);
    withManual.close();
    withPlain.close();
  });
});

describe("scheduler with a real clock", () => {
  function realish() {
    let now = T0;
    const clock: Clock = { now: () => now };
    const timers = new FakeTimers();
    const errors: unknown[] = [];
    const scheduler = createScheduler(clock, { timers, onError: (error) => errors.push(error) });
    return { scheduler, timers, errors, setNow: (ms: number) => (now = ms) };
  }

  test("keeps one timer for the earliest task and re-arms as tasks come and go", () => {
    const { scheduler, timers } = realish();
    const cancel500 = scheduler.at(T0 + 500, () => {});
    assert.equal(timers.only().delay, 500);
    scheduler.at(T0 + 900, () => {});
    assert.equal(timers.only().delay, 500, "a later task leaves the timer alone");
    assert.equal(timers.sets, 1);
    const cancel100 = scheduler.at(T0 + 100, () => {});
    assert.equal(timers.only().delay, 100, "an earlier task re-arms");
    cancel100();
    assert.equal(timers.only().delay, 500, "cancelling the earliest re-arms for the next");
    cancel500();
    assert.equal(timers.only().delay, 900);
    scheduler.close();
    assert.equal(timers.armed.length, 0, "close clears the timer");
  });

  test("the timer starts every due task and re-arms for the next", async () => {
    const { scheduler, timers, setNow, errors } = realish();
    const ran: string[] = [];
    scheduler.at(T0 + 100, () => {
      ran.push("a");
    });
    scheduler.at(T0 + 100, () => {
      throw new Error("b fails");
    });
    scheduler.at(T0 + 150, () => {
      ran.push("c");
    });
    scheduler.at(T0 + 400, () => {
      ran.push("d");
    });
    setNow(T0 + 160);
    timers.fire();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(ran, ["a", "c"]);
    assert.deepEqual(errors.map((e) => (e as Error).message), ["b fails"]);
    assert.equal(timers.only().delay, 240);
    assert.equal(scheduler.pending(), 1);
    scheduler.close();
  });

  test("a slow task does not hold back one that falls due while it runs", async () => {
    const { scheduler, timers, setNow } = realish();
    const log: string[] = [];
    let finishSlow: () => void = () => {};
    scheduler.at(T0 + 10, async () => {
      log.push("slow:start");
      await new Promise<void>((resolve) => (finishSlow = resolve));
      log.push("slow:end");
    });
    scheduler.at(T0 + 20, () => {
      log.push("quick");
    });
    setNow(T0 + 10);
    timers.fire();
    setNow(T0 + 20);
    timers.fire();
    assert.deepEqual(log, ["slow:start", "quick"]);
    finishSlow();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.deepEqual(log, ["slow:start", "quick", "slow:end"]);
    scheduler.close();
  });

  test("a timer that fires early re-arms for the remainder; far tasks arm the longest timer allowed", () => {
    const { scheduler, timers, setNow } = realish();
    let ran = false;
    scheduler.at(T0 + 100, () => {
      ran = true;
    });
    setNow(T0 + 99);
    timers.fire();
    assert.equal(ran, false);
    assert.equal(timers.only().delay, 1);
    scheduler.close();

    const far = realish();
    far.scheduler.at(T0 + 40 * 24 * 3600 * 1000, () => {});
    assert.equal(far.timers.only().delay, 2 ** 31 - 1);
    far.setNow(T0 + 2 ** 31 - 1);
    far.timers.fire();
    assert.equal(far.timers.only().delay, 40 * 24 * 3600 * 1000 - (2 ** 31 - 1));
    far.scheduler.close();
  });

  test("every re-arms after each run finishes", async () => {
    const { scheduler, timers, setNow } = realish();
    let runs = 0;
    scheduler.every(1000, () => {
      runs++;
    });
    assert.equal(timers.only().delay, 1000);
    setNow(T0 + 1003);
    timers.fire();
    await new Promise<void>((resolve) => setImmediate(resolve));
    assert.equal(runs, 1);
    assert.equal(timers.only().delay, 1000);
    scheduler.close();
  });

  test("with the system clock a task due now runs on its own", async () => {
    const scheduler = createScheduler({ now: () => Date.now() });
    // The scheduler's timer is unref'd; this ref'd guard keeps the test's event loop alive.
    const guard = setTimeout(() => {}, 30_000);
    try {
      await new Promise<void>((resolve) => {
        scheduler.after(0, resolve);
      });
      assert.equal(scheduler.pending(), 0);
    } finally {
      clearTimeout(guard);
      scheduler.close();
    }
  });

  test("a pending task never keeps the process alive (the timer is unref'd)", () => {
    const here = fileURLToPath(new URL(".", import.meta.url));
    const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
    const script = `
      const { createScheduler } = await import(${JSON.stringify(`${here}scheduler.${ext}`)});
      const s = createScheduler({ now: () => Date.now() });
      s.after(3600000, () => { console.log("ran"); });
      console.log("scheduled", s.pending());
    `;
    const args = ext === "ts" ? ["--import", "tsx", "--input-type=module", "-e", script] : ["--input-type=module", "-e", script];
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const result = spawnSync(process.execPath, args, { encoding: "utf8", env, timeout: 30_000 });
    assert.equal(result.stderr, "");
    assert.equal(result.stdout, "scheduled 1\n");
    assert.equal(result.status, 0);
    assert.equal(result.signal, null, "exited by itself, not killed by the guard timeout");
  });
});
