/**
 * Long polling: receives waiting on an empty queue, per queue, in this process. A send (or a
 * visibility change that frees a message) wakes them so they answer as soon as a message
 * arrives rather than at the end of WaitTimeSeconds. The timeouts themselves are scheduler
 * tasks (see long-poll.ts), so a ManualClock test decides when a wait runs out.
 */
export interface Waiter {
  /** Something may have become receivable: try again. */
  wake(): void;
  /** Nimbus is shutting down: answer now with what there is (nothing). */
  abort(): void;
}

export class QueueWaiters {
  private readonly byQueue = new Map<string, Set<Waiter>>();

  add(queue: string, waiter: Waiter): () => void {
    let set = this.byQueue.get(queue);
    if (set === undefined) {
      set = new Set();
      this.byQueue.set(queue, set);
    }
    set.add(waiter);
    return () => {
      set.delete(waiter);
      if (set.size === 0 && this.byQueue.get(queue) === set) this.byQueue.delete(queue);
    };
  }

  /** Wakes the waiters of a queue in arrival order; each one that is served removes itself. */
  notify(queue: string): void {
    const set = this.byQueue.get(queue);
    if (set === undefined) return;
    for (const waiter of [...set]) waiter.wake();
  }

  count(queue: string): number {
    return this.byQueue.get(queue)?.size ?? 0;
  }

  /** The queue was deleted: its waiters answer now with what there is (nothing). */
  abort(queue: string): void {
    const set = this.byQueue.get(queue);
    if (set === undefined) return;
    for (const waiter of [...set]) waiter.abort();
  }

  abortAll(): void {
    for (const set of [...this.byQueue.values()]) for (const waiter of [...set]) waiter.abort();
    this.byQueue.clear();
  }
}
