/**
 * How many more messages of a queue may go in flight under the in-flight quota (messages.ts),
 * without counting rows on each receive: the receive path is hot, and a COUNT over the
 * messages in flight reads every one of them (120,000 at the quota).
 *
 * Two levels, so that the receives of an ordinary queue pay one comparison:
 * - the number of messages in each queue, kept in step with every insert and delete (counted
 *   once when not known). A queue has no more messages in flight than messages, so while the
 *   quota leaves room for a whole receive above that number, nothing more is needed;
 * - for a queue holding more messages than that, the messages in flight themselves: by id,
 *   when each becomes visible again, with a min-heap on that time, so that a message whose
 *   visibility timeout ran out leaves the count as time passes, without a write. It is read
 *   from SQLite when first needed and kept in step with receives, visibility changes and
 *   deletes; writes that delete many messages at once (purge, retention) drop it.
 *
 * The store clears everything when a transaction fails (its writes rolled back), as it does
 * its other in-memory views (in-flight-groups.ts). Nothing here is written to the database.
 */

/** The messages in flight of one queue. */
class HeldQueue {
  /** Message id -> when it becomes visible again; after `countAt(now)`, only times after `now`. */
  readonly visibleAt = new Map<string, number>();
  /**
   * A min-heap on visibility time, in two parallel arrays (no object per entry, unlike the
   * scheduler's heap: a queue at the quota holds 120,000). An entry whose message was deleted
   * or got another time since stays until it reaches the top, where `visibleAt` tells it apart.
   * Every index read below is under the arrays' length; the `as` casts only say so to
   * noUncheckedIndexedAccess.
   */
  private times: number[] = [];
  private ids: string[] = [];

  set(messageId: string, visibleAt: number): void {
    this.visibleAt.set(messageId, visibleAt);
    // Entries left behind by deletes and visibility changes: rebuilt once they outnumber the live ones.
    if (this.times.length > 2 * this.visibleAt.size + 1024) this.rebuild();
    else this.push(visibleAt, messageId);
  }

  delete(messageId: string): void {
    this.visibleAt.delete(messageId);
  }

  /** The messages in flight at `now` (clocks only move forward: what became visible stays so until received again). */
  countAt(now: number): number {
    const { times, ids, visibleAt } = this;
    while (times.length > 0 && (times[0] as number) <= now) {
      const time = times[0] as number;
      const id = ids[0] as string;
      this.pop();
      if (visibleAt.get(id) === time) visibleAt.delete(id);
    }
    return visibleAt.size;
  }

  private push(time: number, id: string): void {
    const { times, ids } = this;
    let i = times.length;
    times.push(time);
    ids.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTime = times[parent] as number;
      if (parentTime <= time) break;
      times[i] = parentTime;
      ids[i] = ids[parent] as string;
      i = parent;
    }
    times[i] = time;
    ids[i] = id;
  }

  private pop(): void {
    const { times, ids } = this;
    const lastTime = times.pop() as number;
    const lastId = ids.pop() as string;
    if (times.length > 0) this.siftDown(0, lastTime, lastId);
  }

  /** Places (time, id) at `i` or below, moving smaller children up. */
  private siftDown(start: number, time: number, id: string): void {
    const { times, ids } = this;
    const n = times.length;
    let i = start;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && (times[child + 1] as number) < (times[child] as number)) child++;
      const childTime = times[child] as number;
      if (childTime >= time) break;
      times[i] = childTime;
      ids[i] = ids[child] as string;
      i = child;
    }
    times[i] = time;
    ids[i] = id;
  }

  private rebuild(): void {
    this.times = [...this.visibleAt.values()];
    this.ids = [...this.visibleAt.keys()];
    for (let i = (this.times.length >> 1) - 1; i >= 0; i--) this.siftDown(i, this.times[i] as number, this.ids[i] as string);
  }
}

/** Where what is not known yet is read from, for a queue `Q` (the store's reference to it). */
export interface InFlightSources<Q> {
  /** How many messages the queue holds. */
  size(queue: Q): number;
  /** The queue's messages in flight at `now`: message id and when it becomes visible again. */
  inFlight(queue: Q, now: number): Iterable<readonly [string, number]>;
}

export class InFlightCount<Q> {
  private readonly sizes = new Map<string, number>();
  private readonly held = new Map<string, HeldQueue>();

  constructor(private readonly sources: InFlightSources<Q>) {}

  /** How many of `wanted` more messages of `queue` (known by `key`) may go in flight at `now` under `limit` (0 at the quota). */
  room(key: string, queue: Q, now: number, limit: number, wanted: number): number {
    let size = this.sizes.get(key);
    if (size === undefined) this.sizes.set(key, (size = this.sources.size(queue)));
    if (limit - size >= wanted) {
      // Well below the quota again: stop following the messages (halfway, so that a queue
      // around the threshold does not read them again and again).
      if (size < limit / 2) this.held.delete(key);
      return wanted;
    }
    let held = this.held.get(key);
    if (held === undefined) {
      held = new HeldQueue();
      for (const [messageId, visibleAt] of this.sources.inFlight(queue, now)) held.set(messageId, visibleAt);
      this.held.set(key, held);
    }
    return Math.max(0, Math.min(wanted, limit - held.countAt(now)));
  }

  inserted(queue: string, count: number): void {
    const size = this.sizes.get(queue);
    if (size !== undefined) this.sizes.set(queue, size + count);
  }

  /** One message left the queue (deleted, or moved to a dead-letter queue). */
  deletedMessage(queue: string, messageId: string): void {
    const size = this.sizes.get(queue);
    if (size !== undefined) this.sizes.set(queue, size - 1);
    this.held.get(queue)?.delete(messageId);
  }

  /** `count` messages left the queue: those of `messageIds` that were in it (a deleted id is simply gone). */
  deleted(queue: string, messageIds: Iterable<string>, count: number): void {
    if (count === 0) return;
    const size = this.sizes.get(queue);
    if (size !== undefined) this.sizes.set(queue, size - count);
    const held = this.held.get(queue);
    if (held !== undefined) for (const id of messageIds) held.delete(id);
  }

  /** Messages were received, each in flight until `visibleAt`. */
  received(queue: string, messageIds: Iterable<string>, visibleAt: number): void {
    const held = this.held.get(queue);
    if (held !== undefined) for (const id of messageIds) held.set(id, visibleAt);
  }

  /** A received message's visibility changed (ChangeMessageVisibility: longer, shorter, or 0, visible now). */
  changed(queue: string, messageId: string, visibleAt: number): void {
    const held = this.held.get(queue);
    if (held === undefined) return;
    // A message not held was not in flight: the queue is read again rather than guessed at.
    if (held.visibleAt.has(messageId)) held.set(messageId, visibleAt);
    else this.held.delete(queue);
  }

  /** `count` messages left the queue by a write that does not name them (purge, retention). */
  removed(queue: string, count: number): void {
    if (count === 0) return;
    const size = this.sizes.get(queue);
    if (size !== undefined) this.sizes.set(queue, size - count);
    this.held.delete(queue);
  }

  forget(queue: string): void {
    this.sizes.delete(queue);
    this.held.delete(queue);
  }

  clear(): void {
    this.sizes.clear();
    this.held.clear();
  }
}
