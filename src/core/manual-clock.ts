import type { Clock } from "./clock.js";

/**
 * A clock that only moves when told to. Tests give it to the scheduler and to services, then
 * call `scheduler.advance(ms)`, which moves this clock and runs what fell due, instead of
 * sleeping. Moving the clock directly (`set`, `advance`) runs nothing until
 * `scheduler.runDue()`.
 */
export class ManualClock implements Clock {
  private current: number;

  /** Starts at 2025-01-01T00:00:00Z by default: a realistic epoch, so timestamps look like AWS's. */
  constructor(start: number = Date.UTC(2025, 0, 1)) {
    this.current = checkTime(start, "start");
  }

  now(): number {
    return this.current;
  }

  /** Going backwards is allowed (clock-skew tests); nothing already run runs again. */
  set(ms: number): void {
    this.current = checkTime(ms, "time");
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ManualClock.advance: ms must be a finite number >= 0, got ${ms}`);
    this.current += ms;
  }
}

/** A clock the scheduler may move itself (ManualClock, or a test double with the same shape). */
export interface AdjustableClock extends Clock {
  set(ms: number): void;
}

export function isAdjustableClock(clock: Clock): clock is AdjustableClock {
  return typeof (clock as Partial<AdjustableClock>).set === "function";
}

function checkTime(ms: number, what: string): number {
  if (!Number.isFinite(ms)) throw new RangeError(`ManualClock: ${what} must be a finite epoch-ms number, got ${ms}`);
  return ms;
}
