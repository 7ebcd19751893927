import type { Clock } from "../../core/clock.js";
import type { LogsStore } from "./store.js";

const DAY_MS = 86_400_000;

// AWS deletes expired events in the background ("may take up to 72 hours"); an hourly sweep
// keeps a Nimbus close to the policy without scanning on every request.
export const RETENTION_SWEEP_MS = 3_600_000;

/** Deletes every event older than its group's retention period; returns how many went. */
export function sweepRetention(store: LogsStore, clock: Clock): number {
  const now = clock.now();
  return store.transaction(() => {
    let removed = 0;
    for (const g of store.groupsWithRetention()) removed += store.expireEvents(g, g.name, now - g.retentionDays * DAY_MS);
    return removed;
  });
}
