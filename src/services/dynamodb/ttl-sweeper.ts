/**
 * TTL: DynamoDB deletes expired items in the background (typically within days; here on the
 * next sweep), without consuming write capacity, from the table and its indexes, and records
 * each deletion in the stream as a REMOVE done by the service principal dynamodb.amazonaws.com.
 * Until the sweep runs, expired items are still returned by reads, as on AWS.
 */
import type { ServiceEnvironment } from "../../core/service.js";
import { parseItem, writeItem, expiryFor } from "./items.js";
import type { DynamoStore } from "./store.js";

/** How often the sweeper looks for expired items (clock time). */
export const TTL_SWEEP_INTERVAL_MS = 60_000;
/** Items whose TTL is more than five years in the past are never deleted by TTL (AWS rule). */
export const TTL_MAX_AGE_SECONDS = 5 * 365 * 24 * 3600;
const BATCH = 500;

export function sweepExpired(env: Pick<ServiceEnvironment, "clock" | "events">, store: DynamoStore): number {
  const nowSeconds = Math.floor(env.clock.now() / 1000);
  let deleted = 0;
  for (;;) {
    const due = store.expired(nowSeconds, nowSeconds - TTL_MAX_AGE_SECONDS, BATCH);
    if (due.length === 0) break;
    env.events.withUnitOfWork((uow) =>
      store.transaction(() => {
        for (const d of due) {
          const scope = { account: d.account, region: d.region };
          const meta = store.getTable(scope, d.table);
          const row = meta ? store.getRow(scope, d.table, "", d.key) : undefined;
          if (!meta || !row) continue;
          const item = parseItem(row.item);
          const expiry = expiryFor(meta, item);
          if (expiry === null || expiry > nowSeconds) {
            // TTL was turned off or the attribute changed since the row was indexed.
            store.setExpiry(scope, d.table, d.key, expiry);
            continue;
          }
          writeItem({ ...{}, ...scope, store, clock: env.clock, emit: (type, detail, at) => uow.emit(type, detail, at ?? scope) }, meta, item, undefined, { byTtl: true });
          deleted++;
        }
      }),
    );
    if (due.length < BATCH) break;
  }
  return deleted;
}
