/**
 * StartLiveTail sessions: in-process subscribers to the events PutLogEvents stores (they cannot
 * live in SQLite). Each session buffers the events that match its log groups, streams and
 * filter pattern, and hands them out once a second, as AWS's sessionUpdate frames do; a
 * session ends after 3 hours (SessionTimeoutException), when the client goes away, or at shutdown.
 */
import type { Scheduler } from "../../core/scheduler.js";
import type { FilterPattern } from "./domain/filter-pattern.js";
import type { Scope } from "./store.js";

export interface LiveTailEvent {
  readonly logStreamName: string;
  readonly logGroupIdentifier: string;
  readonly message: string;
  readonly timestamp: number;
  readonly ingestionTime: number;
}

export interface LiveTailFilter {
  /** `account/region/name` keys of the groups, with the identifier to report for each. */
  readonly groups: ReadonlyMap<string, string>;
  readonly streamNames: readonly string[] | undefined;
  readonly streamPrefixes: readonly string[] | undefined;
  readonly pattern: FilterPattern;
}

// AWS sends a sessionUpdate about once a second and caps one at 500 events (then `sampled`).
export const UPDATE_INTERVAL_MS = 1000;
export const MAX_EVENTS_PER_UPDATE = 500;
export const SESSION_MAX_MS = 3 * 3_600_000;

export function groupKey(s: Scope, name: string): string {
  return `${s.account}/${s.region}/${name}`;
}

type Tick = { readonly events: LiveTailEvent[]; readonly sampled: boolean } | "timeout" | "closed";

export class LiveTailSession {
  private buffer: LiveTailEvent[] = [];
  private dropped = false;
  private waiting: ((tick: Tick) => void) | undefined;
  private pending: Tick[] = [];
  private closed = false;
  private readonly cancelTick: () => void;
  private readonly cancelTimeout: () => void;

  constructor(
    private readonly hub: LiveTailHub,
    readonly filter: LiveTailFilter,
    scheduler: Scheduler,
  ) {
    this.cancelTick = scheduler.every(UPDATE_INTERVAL_MS, () => this.flush(), "logs:live-tail");
    this.cancelTimeout = scheduler.after(SESSION_MAX_MS, () => this.deliver("timeout"), "logs:live-tail-timeout");
  }

  offer(event: LiveTailEvent): void {
    if (this.closed) return;
    if (this.buffer.length >= MAX_EVENTS_PER_UPDATE) {
      this.dropped = true;
      return;
    }
    this.buffer.push(event);
  }

  /** The next update (possibly empty: a heartbeat that lets a gone client's stream end), or how the session ended. */
  next(): Promise<Tick> {
    const ready = this.pending.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.closed) return Promise.resolve("closed");
    return new Promise((resolve) => (this.waiting = resolve));
  }

  close(): void {
    if (this.closed) return;
    this.deliver("closed");
  }

  private flush(): void {
    const events = this.buffer;
    const sampled = this.dropped;
    this.buffer = [];
    this.dropped = false;
    this.deliver({ events, sampled });
  }

  private deliver(tick: Tick): void {
    if (this.closed) return;
    if (tick === "timeout" || tick === "closed") {
      this.closed = true;
      this.cancelTick();
      this.cancelTimeout();
      this.hub.remove(this);
    }
    const waiter = this.waiting;
    this.waiting = undefined;
    if (waiter) waiter(tick);
    else if (tick === "timeout" || tick === "closed" || tick.events.length > 0) this.pending.push(tick);
  }
}

export class LiveTailHub {
  private readonly sessions = new Set<LiveTailSession>();

  open(filter: LiveTailFilter, scheduler: Scheduler): LiveTailSession {
    const session = new LiveTailSession(this, filter, scheduler);
    this.sessions.add(session);
    return session;
  }

  remove(session: LiveTailSession): void {
    this.sessions.delete(session);
  }

  get size(): number {
    return this.sessions.size;
  }

  publish(s: Scope, groupName: string, streamName: string, events: ReadonlyArray<{ timestamp: number; message: string }>, ingestionTime: number): void {
    if (this.sessions.size === 0) return;
    const key = groupKey(s, groupName);
    for (const session of this.sessions) {
      const { groups, streamNames, streamPrefixes, pattern } = session.filter;
      const identifier = groups.get(key);
      if (identifier === undefined) continue;
      if (streamNames !== undefined && !streamNames.includes(streamName)) continue;
      if (streamPrefixes !== undefined && !streamPrefixes.some((p) => streamName.startsWith(p))) continue;
      for (const e of events) {
        if (pattern.matches(e.message)) {
          session.offer({ logStreamName: streamName, logGroupIdentifier: identifier, message: e.message, timestamp: e.timestamp, ingestionTime });
        }
      }
    }
  }

  closeAll(): void {
    for (const session of [...this.sessions]) session.close();
  }
}
