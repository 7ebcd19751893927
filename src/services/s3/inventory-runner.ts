/**
 * Delivers S3 Inventory reports: an hourly sweep on the scheduler (injected clock) writes a
 * report for each enabled CSV inventory configuration that has none yet for the current period
 * (the UTC day for Daily, the week from Sunday 00:00 UTC for Weekly) into its destination
 * bucket, through PutObject as the destination's owner, so the objects raise their events like
 * any write. The first report comes within the hour of the configuration; S3 promises one
 * within 48 hours. ORC and Parquet configurations are kept but not delivered.
 */
import { randomUUID } from "node:crypto";
import type { ServiceEnvironment } from "../../core/service.js";
import type { InventoryConfiguration } from "./id-configs.js";
import { objectOwners } from "./access.js";
import { inventoryReport, type InventoryReport, type ReportObject } from "./inventory-report.js";
import { expirationDates } from "./lifecycle-runner.js";
import { accessTiers } from "./intelligent-tiering.js";
import { versionLock } from "./object-lock.js";
import { canonicalUserId, type S3Store } from "./store.js";

export const INVENTORY_SWEEP_INTERVAL = 60 * 60_000;
const DAY = 86_400_000;

/** The start of the period a report is due for at `now`. */
export function periodStart(frequency: string, now: number): number {
  const midnight = Math.floor(now / DAY) * DAY;
  return frequency === "Weekly" ? midnight - new Date(midnight).getUTCDay() * DAY : midnight;
}

/** Per source bucket: [configuration Id, scan start of its last report]. */
type Deliveries = [string, number][];

export async function deliverInventories(env: ServiceEnvironment, store: S3Store): Promise<void> {
  const now = env.clock.now();
  for (const source of store.bucketsWithConfig("inventory")) {
    const configs = store.config<InventoryConfiguration[]>(source, "inventory") ?? [];
    const last = new Map(store.config<Deliveries>(source, "inventoryDeliveries") ?? []);
    let delivered = false;
    for (const config of configs) {
      const destination = config.Destination.S3BucketDestination;
      if (!config.IsEnabled || destination.Format !== "CSV") continue;
      if ((last.get(config.Id) ?? -Infinity) >= periodStart(config.Schedule.Frequency, now)) continue;
      const target = store.bucket(destination.Bucket.slice(destination.Bucket.lastIndexOf(":") + 1));
      const bucket = store.bucket(source);
      if (!target || !bucket) continue;
      const owners = objectOwners({ store }, bucket);
      let report: InventoryReport | undefined;
      try {
        const put = (object: ReportObject | InventoryReport["data"]) =>
          env.invoke(
            "s3",
            "PutObject",
            { Bucket: target.name, Key: object.key, Body: object.body, ContentType: object.contentType },
            { account: target.account_id, region: target.region },
          );
        report = inventoryReport(source, config, store.versionsOf(source), now, randomUUID(), {
          ownerOf: (row) => canonicalUserId(owners(row)),
          lockOf: (row) => versionLock(store, row.seq),
          expiresAt: expirationDates(store, source),
          accessTierOf: accessTiers(store, source, now),
        });
        await put(report.data);
        for (const object of report.manifest()) await put(object);
      } catch (error) {
        // A PutObject refused before reading the data file leaves it (and its gzip stream) open.
        report?.data.body.destroy();
        env.logger.warn({ msg: "s3 inventory report not delivered", bucket: source, id: config.Id, error: String(error) });
        continue;
      }
      last.set(config.Id, now);
      delivered = true;
    }
    if (!delivered) continue;
    store.transaction(() => {
      // The source may have gone meanwhile; deliveries of deleted configurations are dropped.
      const current = store.config<InventoryConfiguration[]>(source, "inventory");
      if (!current) return;
      const ids = new Set(current.map((c) => c.Id));
      store.setConfig(source, "inventoryDeliveries", [...last].filter(([id]) => ids.has(id)));
    });
  }
}

export function startInventory(env: ServiceEnvironment, store: S3Store): () => void {
  // From start: a report that fell due while Nimbus was down is delivered when it starts.
  return env.scheduler.every(INVENTORY_SWEEP_INTERVAL, () => deliverInventories(env, store), "s3 inventory reports", { fromNow: true });
}
