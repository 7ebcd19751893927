/** Per-entry outcomes of the batch operations: an AWS error of one entry becomes a `Failed` row. */
import { AwsError } from "../../../core/errors.js";
import type { SqsStore } from "../store.js";

export interface BatchFailure {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message?: string;
}

/** Runs `fn` for one entry; AWS errors become failures, anything else is a real bug and propagates. */
export function runEntry<T>(id: string, fn: () => T): { ok: T } | { failed: BatchFailure } {
  try {
    return { ok: fn() };
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    return { failed: batchFailure(id, err) };
  }
}

/** An entry's AWS error as its `Failed` row. */
export function batchFailure(id: string, err: AwsError): BatchFailure {
  // Batch entries report the query-protocol code (what AWS puts in BatchResultErrorEntry.Code).
  return { Id: id, SenderFault: err.type === "Sender", Code: err.queryCode ?? err.code, Message: err.message };
}

/**
 * A batch operation: each entry through `fn` (with its 0-based place in the request, by which
 * AWS names an entry's member in errors), its result (or nothing) next to its Id in
 * `Successful`, its AWS error in `Failed`; all of them in one transaction (store.batch: an entry
 * fails before it writes).
 */
/** What a batch entry's result adds to its `Successful` row: nothing for an operation that returns nothing. */
type Succeeded<R> = { Id: string } & (R extends object ? R : Record<never, never>);

export function runBatch<E extends { Id: string }, R extends object | void>(
  store: SqsStore,
  entries: readonly E[],
  fn: (entry: E, index: number) => R,
): { Successful: Array<Succeeded<R>>; Failed: BatchFailure[] } {
  const out: { Successful: Array<Succeeded<R>>; Failed: BatchFailure[] } = { Successful: [], Failed: [] };
  store.batch(() => {
    entries.forEach((entry, index) => {
      const result = runEntry(entry.Id, () => fn(entry, index));
      if ("ok" in result) out.Successful.push({ Id: entry.Id, ...(result.ok ?? {}) } as Succeeded<R>);
      else out.Failed.push(result.failed);
    });
  });
  return out;
}
