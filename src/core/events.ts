/**
 * The typed event bus: how one service reacts to another without importing its internals
 * (S3 object created -> SNS/SQS/Lambda notification, DynamoDB stream record -> Lambda...).
 *
 * Services declare their events by augmenting NimbusEventMap from their own folder:
 *
 *   declare module "../../core/events.js" {
 *     interface NimbusEventMap {
 *       "s3:ObjectCreated": { bucket: string; key: string; size: number };
 *     }
 *   }
 *
 * Events from a write are emitted into a UnitOfWork and delivered only once the write has
 * committed: on AWS a notification for a PutObject that failed never arrives, and a listener
 * running inside the emitter's SQLite transaction would see (and could extend) uncommitted
 * state. Delivery is always asynchronous, after the current call stack has unwound.
 */

// Empty on purpose: each service adds its own event types by declaration merging.
export interface NimbusEventMap {}

export type NimbusEventType = keyof NimbusEventMap & string;

/** Every event belongs to the account and region of the resource it is about. */
export interface EventScope {
  readonly account: string;
  readonly region: string;
}

export interface NimbusEvent<K extends NimbusEventType = NimbusEventType> {
  readonly type: K;
  readonly detail: Readonly<NimbusEventMap[K]>;
  readonly scope: EventScope;
}

/** Any event, as a union discriminated by `type`. */
export type AnyNimbusEvent = { [K in NimbusEventType]: NimbusEvent<K> }[NimbusEventType];

/** What the bus moves around internally and hands to onError: an event whose type it need not know. */
export interface EventEnvelope {
  readonly type: string;
  readonly detail: unknown;
  readonly scope: EventScope;
}

export type Listener<K extends NimbusEventType> = (event: NimbusEvent<K>) => void | Promise<void>;
export type AnyListener = (event: AnyNimbusEvent) => void | Promise<void>;
export type Unsubscribe = () => void;

/** Events buffered during one operation; delivered on commit(), dropped on discard(). */
export interface UnitOfWork {
  emit<K extends NimbusEventType>(type: K, detail: NimbusEventMap[K], scope: EventScope): void;
  /** Delivers the buffered events in emit order. Again after commit: no-op; after discard: throws. */
  commit(): void;
  /** Drops the buffered events. After commit: no-op, so it is safe in a `finally`. */
  discard(): void;
  readonly size: number;
  readonly state: "open" | "committed" | "discarded";
}

export interface EventBus {
  subscribe<K extends NimbusEventType>(type: K, listener: Listener<K>): Unsubscribe;
  /** Every event of every type (request log, web console, EventBridge bridging). */
  subscribeAll(listener: AnyListener): Unsubscribe;
  /** Delivers one event now-ish (after the current call stack), outside any unit of work. */
  publish<K extends NimbusEventType>(type: K, detail: NimbusEventMap[K], scope: EventScope): void;
  unitOfWork(): UnitOfWork;
  /**
   * Runs `fn` with a fresh unit of work: commits it when `fn` returns (or its promise
   * resolves), discards it when `fn` throws (or its promise rejects).
   */
  withUnitOfWork<T>(fn: (uow: UnitOfWork) => T): T;
  /** Resolves once every delivery started so far, and any they triggered, has settled. */
  idle(): Promise<void>;
}

export interface EventBusOptions {
  /** Where listener failures go; one failing listener never stops the others. Defaults to console.error. */
  onError?: (error: unknown, event: EventEnvelope) => void;
}

export function createEventBus(opts: EventBusOptions = {}): EventBus {
  return new InProcessEventBus(opts);
}

class InProcessEventBus implements EventBus {
  private readonly byType = new Map<string, Set<EnvelopeListener>>();
  private readonly all = new Set<EnvelopeListener>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly onError: (error: unknown, event: EventEnvelope) => void;

  constructor(opts: EventBusOptions) {
    this.onError =
      opts.onError ??
      ((error, event) => {
        console.error(`[nimbus events] listener for ${event.type} failed:`, error);
      });
  }

  subscribe<K extends NimbusEventType>(type: K, listener: Listener<K>): Unsubscribe {
    let set = this.byType.get(type);
    if (set === undefined) {
      set = new Set();
      this.byType.set(type, set);
    }
    // Only ever called with events whose type is K (see deliver), so the widening is safe.
    const stored = listener as unknown as EnvelopeListener;
    set.add(stored);
    return () => {
      set.delete(stored);
    };
  }

  subscribeAll(listener: AnyListener): Unsubscribe {
    // Every envelope was built by emit/publish from a (type, detail) pair of NimbusEventMap.
    const stored = listener as unknown as EnvelopeListener;
    this.all.add(stored);
    return () => {
      this.all.delete(stored);
    };
  }

  publish<K extends NimbusEventType>(type: K, detail: NimbusEventMap[K], scope: EventScope): void {
    this.schedule([makeEvent(type, detail, scope)]);
  }

  unitOfWork(): UnitOfWork {
    return new BufferedUnitOfWork((events) => this.schedule(events));
  }

  withUnitOfWork<T>(fn: (uow: UnitOfWork) => T): T {
    const uow = this.unitOfWork();
    let result: T;
    try {
      result = fn(uow);
    } catch (error) {
      uow.discard();
      throw error;
    }
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then(
        (value) => {
          if (uow.state === "open") uow.commit();
          return value;
        },
        (error: unknown) => {
          uow.discard();
          throw error;
        },
      ) as T;
    }
    if (uow.state === "open") uow.commit();
    return result;
  }

  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** setImmediate rather than a microtask: the emitting request gets to finish its own I/O first. */
  private schedule(events: readonly EventEnvelope[]): void {
    if (events.length === 0) return;
    const delivery = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.deliver(events));
    this.inflight.add(delivery);
    void delivery.finally(() => this.inflight.delete(delivery));
  }

  private async deliver(events: readonly EventEnvelope[]): Promise<void> {
    const running: Promise<void>[] = [];
    for (const event of events) {
      // Snapshot: a listener added by another listener sees the next event, not this one.
      const listeners = [...(this.byType.get(event.type) ?? []), ...this.all];
      for (const listener of listeners) running.push(this.invoke(listener, event));
    }
    await Promise.all(running);
  }

  private async invoke(listener: EnvelopeListener, event: EventEnvelope): Promise<void> {
    try {
      await listener(event);
    } catch (error) {
      try {
        this.onError(error, event);
      } catch {
        // A broken error hook must not break delivery to the other listeners.
      }
    }
  }
}

class BufferedUnitOfWork implements UnitOfWork {
  private events: EventEnvelope[] = [];
  state: "open" | "committed" | "discarded" = "open";

  constructor(private readonly deliver: (events: readonly EventEnvelope[]) => void) {}

  get size(): number {
    return this.events.length;
  }

  emit<K extends NimbusEventType>(type: K, detail: NimbusEventMap[K], scope: EventScope): void {
    if (this.state !== "open") throw new Error(`UnitOfWork.emit(${type}) after the unit of work was ${this.state}`);
    this.events.push(makeEvent(type, detail, scope));
  }

  commit(): void {
    if (this.state === "committed") return;
    if (this.state === "discarded") throw new Error("UnitOfWork.commit after discard: its events were dropped");
    this.state = "committed";
    const events = this.events;
    this.events = [];
    this.deliver(events);
  }

  discard(): void {
    if (this.state !== "open") return;
    this.state = "discarded";
    this.events = [];
  }
}

type EnvelopeListener = (event: EventEnvelope) => void | Promise<void>;

function makeEvent<K extends NimbusEventType>(type: K, detail: NimbusEventMap[K], scope: EventScope): EventEnvelope {
  // Copy the scope: a caller reusing and mutating its scope object must not retarget a buffered event.
  return { type, detail, scope: { account: scope.account, region: scope.region } };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}
