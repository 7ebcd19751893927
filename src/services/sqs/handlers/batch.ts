/** Per-entry outcomes of the batch operations: an AWS error of one entry becomes a `Failed` row. */
import { AwsError } from "../../../core/errors.js";

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
    // Batch entries report the query-protocol code (what AWS puts in BatchResultErrorEntry.Code).
    return { failed: { Id: id, SenderFault: err.type === "Sender", Code: err.queryCode ?? err.code, Message: err.message } };
  }
}
