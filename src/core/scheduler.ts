import { AsyncLocalStorage } from "node:async_hooks";
import type { Clock } from "./clock.js";
import { isAdjustableClock } from "./manual-clock.js";

/**
 * The one scheduler for time-driven AWS behaviour: SQS visibility timeouts and delays,
 * DynamoDB TTL, retention, async Lambda retries, alarms, schedules. Nothing else in Nimbus
 * calls setTimeout for behaviour AWS defines in time, so a test that injects a ManualClock
 * can drive all of it with `advance()` instead of sleeping.
 *
 * With a real clock it keeps a single unref'd timer armed for the earliest task, so an idle
 * Nimbus never wakes up and never holds the process open. With an adjustable clock
 * (ManualClock) no timer is armed: time moves only when the test says so.
 */

export type Task = () => void | Promise<void>;
export type Cancel = () => void;

export interface Scheduler {
  /** Runs `task` at epoch ms `when` (a time already past means "as soon as possible"). */
  at(when: number, task: Task, label?: string): Cancel;
  after(delayMs: number, task: Task, label?: string): Cancel;
  /**
   * Runs `task` every `intervalMs`, first after one interval, or with `fromNow` as soon as
   * possible (what fell due while Nimbus was down happens when it starts, not an interval later:
   * never, for a Nimbus restarted more often than that). The next run is scheduled when the
   * previous one has finished (a slow run delays the series, it never overlaps).
   */
  every(intervalMs: number, task: Task, label?: string, options?: EveryOptions): Cancel;
  /**
   * `at`, for work that must get done: a run that fails (throws, its failure going to onError as
   * any task's) runs again `retryMs` later, until one succeeds. For the end of something whose
   * write can fail (a full disk) and that nothing else would finish before a restart.
   */
  retrying(when: number, retryMs: number, task: Task, label?: string): Cancel;
  /**
   * Only with an adjustable clock: moves it forward by `ms`, running each task that falls
   * due in time order and awaiting it; the clock reads the task's due time while it runs.
   * Tasks scheduled by tasks run too when they fall due within the window.
   */
  advance(ms: number): Promise<void>;
  /** Runs every task due at the clock's current time, in time order, awaiting each. */
  runDue(): Promise<void>;
  pending(): number;
  /** Due time of the earliest pending task. */
  nextDue(): number | undefined;
  /** Cancels everything and clears the timer; later `at`/`after`/`every` calls are ignored. */
  close(): void;
}

export interface EveryOptions {
  /** The first run at the clock's current time rather than an interval from now. */
  readonly fromNow?: boolean;
}

/** How the scheduler arms its one real timer. Tests inject a fake to check arming without waiting. */
export interface TimerApi {
  set(fire: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

export interface SchedulerOptions {
  /** Where task failures go; a failing task never stops the scheduler. Defaults to console.error. */
  onError?: (error: unknown, label: string | undefined) => void;
  /**
   * `true` arms real (unref'd) timers, `false` none, or a TimerApi to use instead. Defaults
   * to none for an adjustable clock (ManualClock) and real timers otherwise.
   */
  timers?: boolean | TimerApi;
}

interface Entry {
  readonly when: number;
  readonly seq: number;
  readonly task: Task;
  readonly label: string | undefined;
  /** Position in the heap, -1 once popped or cancelled. */
  index: number;
}

/** setTimeout clamps longer delays to 1 ms; a far-off task (TTL, retention) re-arms in steps. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

const realTimers: TimerApi = {
  set(fire, delayMs) {
    const handle = setTimeout(fire, delayMs);
    handle.unref();
    return handle;
  },
  clear(handle) {
    clearTimeout(handle as ReturnType<typeof setTimeout>);
  },
};

export function createScheduler(clock: Clock, opts: SchedulerOptions = {}): Scheduler {
  return new HeapScheduler(clock, opts);
}

class HeapScheduler implements Scheduler {
  private readonly heap = new TaskHeap();
  private readonly timers: TimerApi | undefined;
  private readonly onError: (error: unknown, label: string | undefined) => void;
  /** Marks code running inside a task, so a task that awaits advance()/runDue() fails loudly instead of deadlocking. */
  private readonly inTask = new AsyncLocalStorage<true>();
  private seq = 0;
  private closed = false;
  private armed: { handle: unknown; when: number } | undefined;
  /** advance()/runDue() calls run one after another, never interleaved. */
  private serial: Promise<void> = Promise.resolve();

  constructor(
    private readonly clock: Clock,
    opts: SchedulerOptions,
  ) {
    const timers = opts.timers ?? !isAdjustableClock(clock);
    this.timers = timers === true ? realTimers : timers === false ? undefined : timers;
    this.onError =
      opts.onError ??
      ((error, label) => {
        console.error(`[nimbus scheduler] task ${label ?? "(unlabelled)"} failed:`, error);
      });
  }

  at(when: number, task: Task, label?: string): Cancel {
    if (!Number.isFinite(when)) throw new RangeError(`Scheduler.at: when must be a finite epoch-ms number, got ${when}`);
    if (this.closed) return noop;
    const entry: Entry = { when, seq: this.seq++, task, label, index: -1 };
    this.heap.push(entry);
    this.rearm();
    return () => {
      if (entry.index < 0) return;
      this.heap.remove(entry);
      this.rearm();
    };
  }

  after(delayMs: number, task: Task, label?: string): Cancel {
    if (!Number.isFinite(delayMs)) throw new RangeError(`Scheduler.after: delayMs must be a finite number, got ${delayMs}`);
    return this.at(this.clock.now() + Math.max(0, delayMs), task, label);
  }

  every(intervalMs: number, task: Task, label?: string, options?: EveryOptions): Cancel {
    if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
      throw new RangeError(`Scheduler.every: intervalMs must be a finite number > 0, got ${intervalMs}`);
    }
    if (this.closed) return noop;
    let cancelled = false;
    let cancelNext: Cancel = noop;
    const scheduleNext = (): void => {
      cancelNext = this.after(intervalMs, run, label);
    };
    const run = async (): Promise<void> => {
      try {
        await task();
      } finally {
        // Rescheduled even when the run failed: one bad tick must not end a retention sweep.
        if (!cancelled && !this.closed) scheduleNext();
      }
    };
    if (options?.fromNow) cancelNext = this.at(this.clock.now(), run, label);
    else scheduleNext();
    return () => {
      cancelled = true;
      cancelNext();
    };
  }

  retrying(when: number, retryMs: number, task: Task, label?: string): Cancel {
    if (!Number.isFinite(retryMs) || retryMs <= 0) {
      throw new RangeError(`Scheduler.retrying: retryMs must be a finite number > 0, got ${retryMs}`);
    }
    let cancelled = false;
    let cancelNext: Cancel = noop;
    const run = async (): Promise<void> => {
      try {
        await task();
      } catch (error) {
        if (!cancelled && !this.closed) cancelNext = this.at(this.clock.now() + retryMs, run, label);
        throw error;
      }
    };
    cancelNext = this.at(when, run, label);
    return () => {
      cancelled = true;
      cancelNext();
    };
  }

  advance(ms: number): Promise<void> {
    const clock = this.clock;
    if (!isAdjustableClock(clock)) {
      return Promise.reject(new Error("Scheduler.advance needs an adjustable clock (ManualClock); with the system clock time moves by itself"));
    }
    if (!Number.isFinite(ms) || ms < 0) return Promise.reject(new RangeError(`Scheduler.advance: ms must be a finite number >= 0, got ${ms}`));
    return this.enqueue(async () => {
      const target = clock.now() + ms;
      for (;;) {
        const top = this.heap.peek();
        if (this.closed || top === undefined || top.when > target) break;
        this.heap.remove(top);
        if (top.when > clock.now()) clock.set(top.when);
        await this.run(top);
      }
      if (clock.now() < target) clock.set(target);
      this.rearm();
    });
  }

  runDue(): Promise<void> {
    return this.enqueue(async () => {
      for (;;) {
        const top = this.heap.peek();
        if (this.closed || top === undefined || top.when > this.clock.now()) break;
        this.heap.remove(top);
        await this.run(top);
      }
      this.rearm();
    });
  }

  pending(): number {
    return this.heap.size;
  }

  nextDue(): number | undefined {
    return this.heap.peek()?.when;
  }

  close(): void {
    this.closed = true;
    this.heap.clear();
    this.disarm();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    if (this.inTask.getStore()) {
      return Promise.reject(new Error("Scheduler.advance/runDue called from inside a scheduled task; it would wait for itself"));
    }
    const next = this.serial.then(work);
    this.serial = next.catch(() => undefined);
    return next;
  }

  /**
   * `marked` runs the task inside `inTask`, for advance()/runDue(). The timer path does not:
   * a task it starts holds no queue that a runDue() of its own could wait for, and the first
   * AsyncLocalStorage.run() turns on Node's promise hooks for the whole process, which made
   * every later request's awaits slower (about 1.8x per await and nextTick, measured on Node 20).
   */
  private async run(entry: Entry, marked = true): Promise<void> {
    try {
      await (marked ? this.inTask.run(true, entry.task) : entry.task());
    } catch (error) {
      try {
        this.onError(error, entry.label);
      } catch {
        // A broken error hook must not take the scheduler down with it.
      }
    }
  }

  /**
   * Timer path: starts every due task in time order without awaiting each, so one slow task
   * (an async Lambda retry that runs the function for minutes) cannot hold back a visibility
   * timeout falling due meanwhile. Tests use advance()/runDue(), which await each task.
   */
  private fire(): void {
    this.armed = undefined;
    for (;;) {
      const top = this.heap.peek();
      if (this.closed || top === undefined || top.when > this.clock.now()) break;
      this.heap.remove(top);
      void this.run(top, false);
    }
    this.rearm();
  }

  private rearm(): void {
    if (this.timers === undefined || this.closed) return;
    const top = this.heap.peek();
    if (top === undefined) {
      this.disarm();
      return;
    }
    if (this.armed?.when === top.when) return;
    this.disarm();
    const delay = Math.min(Math.max(0, top.when - this.clock.now()), MAX_TIMER_DELAY);
    this.armed = { when: top.when, handle: this.timers.set(() => this.fire(), delay) };
  }

  private disarm(): void {
    if (this.armed === undefined || this.timers === undefined) return;
    this.timers.clear(this.armed.handle);
    this.armed = undefined;
  }
}

function noop(): void {}

/** Binary min-heap on (when, seq): equal due times run in the order they were scheduled. */
class TaskHeap {
  private items: Entry[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Entry | undefined {
    return this.items[0];
  }

  push(entry: Entry): void {
    entry.index = this.items.length;
    this.items.push(entry);
    this.up(entry.index);
  }

  /** O(log n) removal, so cancelling (a deleted SQS message's timeout) leaves no garbage behind. */
  remove(entry: Entry): void {
    const i = entry.index;
    if (i < 0 || this.items[i] !== entry) return;
    entry.index = -1;
    const last = this.items.pop();
    if (last === undefined || last === entry) return;
    this.items[i] = last;
    last.index = i;
    this.up(i);
    this.down(last.index);
  }

  clear(): void {
    for (const entry of this.items) entry.index = -1;
    this.items = [];
  }

  private less(a: Entry, b: Entry): boolean {
    return a.when < b.when || (a.when === b.when && a.seq < b.seq);
  }

  private at(i: number): Entry {
    const entry = this.items[i];
    if (entry === undefined) throw new Error(`TaskHeap: no entry at ${i}`);
    return entry;
  }

  private swap(i: number, j: number): void {
    const a = this.at(i);
    const b = this.at(j);
    this.items[i] = b;
    this.items[j] = a;
    b.index = i;
    a.index = j;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.at(i), this.at(parent))) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.less(this.at(left), this.at(smallest))) smallest = left;
      if (right < n && this.less(this.at(right), this.at(smallest))) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
