/**
 * Announces finished restores: when a restore's retrieval time has passed, an
 * s3:ObjectRestore:Completed event goes out (with the copy's expiry and the archive class).
 * Restores are armed on the scheduler when requested and re-armed at start-up from the store,
 * since the scheduler keeps nothing across restarts; reads never depend on these timers.
 */
import type { ServiceEnvironment } from "../../core/service.js";
import { objectEvent, restoreOrigin } from "./notify.js";
import type { S3Store } from "./store.js";

export function startRestores(env: ServiceEnvironment, store: S3Store): () => void {
  const cancels = new Set<() => void>();
  const arm = (seq: number, when: number): void => {
    const cancel = env.scheduler.at(
      when,
      () => {
        cancels.delete(cancel);
        const row = store.bySeq(seq);
        const bucket = row ? store.bucket(row.bucket) : undefined;
        if (!row || !bucket || row.restore_completes_at !== when || row.restore_expires_at === null) return;
        const now = env.clock.now();
        env.events.publish(
          "s3:Object",
          objectEvent(store, bucket, "s3:ObjectRestore:Completed", { key: row.key, size: row.size, eTag: row.etag, versionId: row.version_id }, now, restoreOrigin(bucket), {
            restore: { expiresAt: row.restore_expires_at, storageClass: row.storage_class },
          }),
          { account: bucket.account_id, region: bucket.region },
        );
      },
      "s3 restore completed",
    );
    cancels.add(cancel);
  };
  for (const row of store.pendingRestores(env.clock.now())) arm(row.seq, row.restore_completes_at ?? 0);
  const unsubscribe = env.events.subscribe("s3:Object", (event) => {
    const detail = event.detail;
    if (detail.eventName !== "s3:ObjectRestore:Post") return;
    const row = detail.versionId !== undefined ? store.version(detail.bucket, detail.key, detail.versionId) : store.latest(detail.bucket, detail.key);
    if (row?.restore_completes_at) arm(row.seq, row.restore_completes_at);
  });
  return () => {
    unsubscribe();
    for (const cancel of cancels) cancel();
  };
}
