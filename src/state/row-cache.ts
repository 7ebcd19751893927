/**
 * Rows a service reads on nearly every request (an SQS queue, an S3 bucket), kept between
 * requests instead of read and parsed again each time.
 *
 * Correct only under two rules the owning store keeps: every write to a cached row goes
 * through the store, which forgets (or replaces) the entry; and every transaction runs through
 * `guard`, which clears the whole cache when the transaction fails, since what was read or
 * replaced after the transaction's own writes rolled back with them. Values are frozen: they
 * are shared by every request, so a handler that changed one in place would fail loudly.
 *
 * It also serves as a bounded memo of a pure function's answers (a Host header's service, a
 * stored setting's parse), where nothing can go stale and neither rule applies.
 */
/** What a cache that remembers misses holds for a row that does not exist. */
const MISSING = Symbol("missing row");

export class RowCache<V extends object> {
  private readonly rows = new Map<string, V | typeof MISSING>();

  /**
   * At most `limit` rows are kept; past it the longest-held goes first. With `rememberMissing`,
   * a row that does not exist is remembered too (the store must then forget a key when it
   * inserts it, as it does when it changes it).
   */
  constructor(
    private readonly limit = Infinity,
    private readonly rememberMissing = false,
  ) {}

  /** The cached row, or `load()`'s (remembered unless undefined, or unless `keep` says no). */
  get(key: string, load: () => V | undefined, keep?: (row: V) => boolean): V | undefined {
    const cached = this.rows.get(key);
    if (cached !== undefined) return cached === MISSING ? undefined : cached;
    const loaded = load();
    if (loaded === undefined ? this.rememberMissing : keep === undefined || keep(loaded)) {
      if (this.rows.size >= this.limit) this.rows.delete(this.rows.keys().next().value as string);
      this.rows.set(key, loaded === undefined ? MISSING : Object.freeze(loaded));
    }
    return loaded;
  }

  /** Replaces a cached row after a write that changed it (nothing when it is not cached); true if it was cached. */
  replace(key: string, update: (row: V) => V): boolean {
    const cached = this.rows.get(key);
    if (cached === undefined || cached === MISSING) return false;
    this.rows.set(key, Object.freeze(update(cached)));
    return true;
  }

  /** How many rows (and remembered misses) are held. */
  get size(): number {
    return this.rows.size;
  }

  forget(key: string): void {
    this.rows.delete(key);
  }

  /** Forgets every row: for a write the store cannot map to one key. */
  clear(): void {
    this.rows.clear();
  }

  /** Runs a transaction (or a step of one); clears the cache if it throws. */
  guard<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      this.rows.clear();
      throw error;
    }
  }
}

/** Freezes a value and everything in it, for cached rows with nested parts (RowCache freezes the top only). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
