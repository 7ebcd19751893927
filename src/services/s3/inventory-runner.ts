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

/**
 * A report begun and not yet recorded as delivered, by [source bucket, configuration Id]: its
 * data file is in its destination, and `remaining` are the objects of its manifest still to put
 * there (one was refused: a full disk), or none once they all are, while its delivery's record
 * could not be written. The next sweep finishes it, and records it, rather than begin another: S3
 * delivers one report a period, its data files named by its manifest. Kept in memory: a restart
 * meanwhile begins a new report, and the data file stays.
 */
interface Unfinished {
  readonly destination: string;
  readonly scanStart: number;
  readonly remaining: ReportObject[];
}

export type UnfinishedReports = Map<string, Unfinished>;

export async function deliverInventories(env: ServiceEnvironment, store: S3Store, unfinished: UnfinishedReports): Promise<void> {
  const now = env.clock.now();
  for (const source of store.bucketsWithConfig("inventory")) {
    try {
      await deliverBucket(env, store, source, now, unfinished);
    } catch (error) {
      // The record failed (a full disk): the other buckets' reports are not held up by it.
      env.logger.warn({ msg: "s3 inventory deliveries not recorded, to be recorded at the next sweep", bucket: source, error: String(error) });
    }
  }
}

/** Delivers the reports of one source bucket that are due or unfinished, then records them. */
async function deliverBucket(env: ServiceEnvironment, store: S3Store, source: string, now: number, unfinished: UnfinishedReports): Promise<void> {
  const configs = store.config<InventoryConfiguration[]>(source, "inventory") ?? [];
  const last = new Map(store.config<Deliveries>(source, "inventoryDeliveries") ?? []);
  const begun = (id: string): string => JSON.stringify([source, id]);
  let delivered = false;
  for (const config of configs) {
    const destination = config.Destination.S3BucketDestination;
    if (!config.IsEnabled || destination.Format !== "CSV") continue;
    let report = unfinished.get(begun(config.Id));
    if (report === undefined && (last.get(config.Id) ?? -Infinity) >= periodStart(config.Schedule.Frequency, now)) continue;
    const target = store.bucket(report?.destination ?? destination.Bucket.slice(destination.Bucket.lastIndexOf(":") + 1));
    const bucket = store.bucket(source);
    if (!target || !bucket) continue;
    const put = (object: ReportObject | InventoryReport["data"]) =>
      env.invoke("s3", "PutObject", { Bucket: target.name, Key: object.key, Body: object.body, ContentType: object.contentType }, { account: target.account_id, region: target.region });
    try {
      if (report === undefined) {
        const owners = objectOwners({ store }, bucket);
        const made = inventoryReport(source, config, store.versionsOf(source), now, randomUUID(), {
          ownerOf: (row) => canonicalUserId(owners(row)),
          lockOf: (row) => versionLock(store, row.seq),
          expiresAt: expirationDates(store, source),
          accessTierOf: accessTiers(store, source, now),
        });
        try {
          await put(made.data);
        } catch (error) {
          // A PutObject refused before reading the data file leaves it (and its gzip stream) open.
          made.data.body.destroy();
          throw error;
        }
        report = { destination: target.name, scanStart: now, remaining: made.manifest() };
        unfinished.set(begun(config.Id), report);
      }
      for (const object of report.remaining.slice()) {
        await put(object);
        report.remaining.shift();
      }
    } catch (error) {
      const msg = report === undefined ? "s3 inventory report not delivered" : "s3 inventory report's manifest not delivered, to be finished at the next sweep";
      env.logger.warn({ msg, bucket: source, id: config.Id, error: String(error) });
      continue;
    }
    last.set(config.Id, report.scanStart);
    delivered = true;
  }
  if (!delivered) return;
  store.transaction(() => {
    // The source may have gone meanwhile; deliveries of deleted configurations are dropped.
    const current = store.config<InventoryConfiguration[]>(source, "inventory");
    if (!current) return;
    const ids = new Set(current.map((c) => c.Id));
    store.setConfig(source, "inventoryDeliveries", [...last].filter(([id]) => ids.has(id)));
  });
  for (const [id] of last) {
    if (unfinished.get(begun(id))?.remaining.length === 0) unfinished.delete(begun(id));
  }
}

export function startInventory(env: ServiceEnvironment, store: S3Store): () => void {
  const unfinished: UnfinishedReports = new Map();
  // From start: a report that fell due while Nimbus was down is delivered when it starts.
  return env.scheduler.every(INVENTORY_SWEEP_INTERVAL, () => deliverInventories(env, store, unfinished), "s3 inventory reports", { fromNow: true });
}
