/**
 * Global tables' replication: every real change to one replica reaches every other replica.
 *
 * AWS replicates asynchronously (usually within a second) and resolves concurrent writes to
 * the same item by "last writer wins". Nimbus replicates synchronously, inside the SQLite
 * transaction of the write itself, because on one machine that is the same outcome without its
 * hazards: all regions share one database and one writer, so writes are already totally
 * ordered and the last committed write is the one every replica keeps (last writer wins
 * without clocks that could disagree); an acknowledged write is in every replica, so a
 * `kill -9` right after it loses nothing (an after-commit queue would need its own durable
 * table); and tests read a replica right after a write without driving a clock. What cannot be
 * seen is the replication lag itself: a read in another region never sees the old value.
 *
 * Each replica applies the change as its own write (its items, indexes, stream record and
 * point-in-time history), marked `replicated` so it is not sent on again: no loops. A TTL
 * deletion is a TTL deletion only where it happened; the other replicas receive a replicated
 * delete (AWS bills them a replicated write for it), so their stream records carry no
 * service identity.
 */
import type { Item } from "./domain/index.js";
import { readItem, writeItem, type WriteContext } from "./items.js";
import { LEGACY_GLOBAL_VERSION, type TableMeta } from "./table.js";

/** Applies a write made to `meta` in ctx's region to the table's other replicas. */
export function replicateWrite(ctx: WriteContext, meta: Readonly<TableMeta>, key: Item, newItem: Item | undefined): void {
  for (const region of meta.global?.regions ?? []) {
    if (region === ctx.region) continue;
    const scope = { account: ctx.account, region };
    const replica = ctx.store.readTable(scope, meta.name);
    // Replicas leave every member's list in the transaction that removes them; be lenient anyway.
    if (replica?.global === undefined) continue;
    const target: WriteContext = { ...{}, ...scope, store: ctx.store, clock: ctx.clock, emit: (type, detail, at) => ctx.emit(type, detail, at ?? scope) };
    writeItem(target, replica, readItem(ctx.store, scope, replica, key), newItem, { replicated: true });
  }
}

/**
 * Version 2017.11.29 keeps its bookkeeping in every item: "aws:rep:deleting",
 * "aws:rep:updatetime" (epoch seconds, with microseconds) and "aws:rep:updateregion".
 * Nimbus sets them with the write itself, in the writing region's copy as in the others.
 */
export function stampLegacyReplication(meta: Readonly<TableMeta>, item: Item | undefined, region: string, now: number): Item | undefined {
  if (item === undefined || meta.global?.version !== LEGACY_GLOBAL_VERSION) return item;
  return {
    ...{},
    ...item,
    "aws:rep:deleting": { BOOL: false },
    "aws:rep:updatetime": { N: (now / 1000).toFixed(6) },
    "aws:rep:updateregion": { S: region },
  };
}
