/**
 * Throughput throttling, opt-in (`--dynamodb-throttling`): off, capacity is reported and never
 * enforced, and a request pays one check of the setting (throttleOf).
 *
 * On, each table and GSI has a read and a write bucket filled at its provisioned units per
 * second (an on-demand table's or GSI's MaxReadRequestUnits / MaxWriteRequestUnits, when set),
 * holding up to 300 seconds of them: "DynamoDB currently retains up to 5 minutes (300 seconds)
 * of unused read and write capacity" (developer guide, "Burst capacity"), which the guide says
 * also lets an on-demand table pass its maximum for a while. A request is admitted while its
 * buckets are not empty and draws the units ReturnConsumedCapacity reports for it (a
 * transaction's twice; a write whose condition fails, see chargeFailedWrite), so one large item
 * may take a bucket below zero, and requests are refused until it has refilled. LSIs draw on the
 * table's capacity; a write draws on each GSI it
 * changes, and a GSI with nothing left holds back the table's write ("if a GSI has insufficient
 * write capacity, the write to the table is throttled").
 *
 * A refusal is ProvisionedThroughputExceededException, or ThrottlingException for an on-demand
 * maximum, with ThrottlingReasons naming the table or index (API reference, ThrottlingReason;
 * the messages are in errors.ts). Callers turn it into UnprocessedItems / UnprocessedKeys or a
 * transaction's cancellation reason where DynamoDB does.
 *
 * The buckets live in memory (DynamoStore.capacity): after a restart, as for a new table, they
 * start full.
 */
import type { AwsError } from "../../core/errors.js";
import type { DynamoContext } from "./context.js";
import { errors } from "./errors.js";
import { gsiWriteUnits, writeUnits, type Consumption } from "./items.js";
import type { Item } from "./domain/index.js";
import type { IndexMeta, TableMeta } from "./table.js";

/** Seconds of unused capacity a bucket keeps. */
export const BURST_SECONDS = 300;

export type CapacityKind = "read" | "write";

/** What bounds a table's or GSI's reads or writes: units per second, provisioned or an on-demand maximum. */
export interface CapacityLimit {
  readonly rate: number;
  readonly onDemand: boolean;
}

/** The limit of the table (`index` undefined) or of a GSI; none for on-demand without a maximum (-1 or absent: API reference, OnDemandThroughput). */
export function limitOf(meta: Readonly<TableMeta>, index: IndexMeta | undefined, kind: CapacityKind): CapacityLimit | undefined {
  if (meta.billingMode === "PROVISIONED") {
    const units = index === undefined ? meta.provisioned : index.provisioned;
    return units === undefined ? undefined : { rate: kind === "read" ? units.read : units.write, onDemand: false };
  }
  const max = index === undefined ? meta.onDemand : index.onDemand;
  const rate = kind === "read" ? max?.MaxReadRequestUnits : max?.MaxWriteRequestUnits;
  return rate !== undefined && rate > 0 ? { rate, onDemand: true } : undefined;
}

/** Where a bucket is: its table's id (a table made again under its name starts afresh), and the index ('' for the table) and kind within it. */
export interface BucketKey {
  readonly table: string;
  readonly bucket: string;
}

/** Token buckets by table id, then index and kind. */
export class CapacityBuckets {
  private readonly tables = new Map<string, Map<string, { tokens: number; at: number }>>();

  /** Units left at `now`: what was left, plus what the time since has brought, up to the burst. A bucket never drawn on is full. */
  balance(key: BucketKey, limit: CapacityLimit, now: number): number {
    const burst = limit.rate * BURST_SECONDS;
    const bucket = this.tables.get(key.table)?.get(key.bucket);
    if (bucket === undefined) return burst;
    return Math.min(burst, bucket.tokens + (limit.rate * Math.max(0, now - bucket.at)) / 1000);
  }

  draw(key: BucketKey, limit: CapacityLimit, units: number, now: number): void {
    const tokens = this.balance(key, limit, now) - units;
    let buckets = this.tables.get(key.table);
    if (buckets === undefined) this.tables.set(key.table, (buckets = new Map()));
    buckets.set(key.bucket, { tokens, at: now });
  }

  /**
   * Drops a deleted table's buckets (DynamoStore.deleteTable). Kept, every provisioned table that
   * was ever read or written stayed here with its GSIs until Nimbus stopped.
   */
  forgetTable(id: string): void {
    this.tables.delete(id);
  }

  /** Tables with a bucket (tests). */
  get size(): number {
    return this.tables.size;
  }
}

function bucketKey(meta: Readonly<TableMeta>, index: IndexMeta | undefined, kind: CapacityKind): BucketKey {
  return { table: meta.id, bucket: `${index?.name ?? ""}\0${kind}` };
}

/** The request's throttle; undefined when throttling is off, so the hot path pays this one check. */
export function throttleOf(ctx: DynamoContext): Throttle | undefined {
  return ctx.config.dynamodb?.throttling === true ? new Throttle(ctx.store.capacity, ctx.clock.now()) : undefined;
}

/** One request's view of the buckets, at the request's time. */
export class Throttle {
  constructor(
    private readonly buckets: CapacityBuckets,
    private readonly now: number,
  ) {}

  /** The refusal of a read or write of the table (an LSI's go to the table) or of a GSI whose bucket is empty. */
  refusal(meta: Readonly<TableMeta>, kind: CapacityKind, index?: IndexMeta): AwsError | undefined {
    const gsi = index?.kind === "GSI" ? index : undefined;
    const limit = limitOf(meta, gsi, kind);
    if (limit === undefined || this.buckets.balance(bucketKey(meta, gsi, kind), limit, this.now) > 0) return undefined;
    return throttled(meta, gsi, kind, limit);
  }

  /** refusal, thrown. */
  admit(meta: Readonly<TableMeta>, kind: CapacityKind, index?: IndexMeta): void {
    const refused = this.refusal(meta, kind, index);
    if (refused !== undefined) throw refused;
  }

  /** gsiWriteRefusal, thrown: asked once the old item is known, before the write. */
  admitGsiWrites(meta: Readonly<TableMeta>, oldItem: Item | undefined, newItem: Item | undefined): void {
    const refused = this.gsiWriteRefusal(meta, oldItem, newItem);
    if (refused !== undefined) throw refused;
  }

  /** The refusal of a write that would change a GSI with no write capacity left; the GSIs it changes are worked out only when one is empty. */
  gsiWriteRefusal(meta: Readonly<TableMeta>, oldItem: Item | undefined, newItem: Item | undefined): AwsError | undefined {
    if (!meta.gsis.some((g) => this.refusal(meta, "write", g) !== undefined)) return undefined;
    for (const name of gsiWriteUnits(meta, oldItem, newItem).keys()) {
      const refused = this.refusal(meta, "write", meta.gsis.find((g) => g.name === name));
      if (refused !== undefined) return refused;
    }
    return undefined;
  }

  /** The refusal of a write, or a read, that consumed `consumed` (a transaction's action, already done in its SQL transaction). */
  consumedRefusal(meta: Readonly<TableMeta>, consumed: Consumption): AwsError | undefined {
    const table = this.refusal(meta, consumed.kind);
    if (table !== undefined) return table;
    for (const name of consumed.gsi.keys()) {
      const refused = this.refusal(meta, consumed.kind, meta.gsis.find((g) => g.name === name));
      if (refused !== undefined) return refused;
    }
    return undefined;
  }

  /** Draws what a request consumed: its table units and its LSIs' from the table's bucket, each GSI's from the GSI's. */
  charge(meta: Readonly<TableMeta>, consumed: Consumption): void {
    let tableUnits = consumed.table;
    for (const units of consumed.lsi.values()) tableUnits += units;
    this.draw(meta, consumed.kind, tableUnits);
    for (const [name, units] of consumed.gsi) this.draw(meta, consumed.kind, units, meta.gsis.find((g) => g.name === name));
  }

  /**
   * A PutItem, UpdateItem or DeleteItem whose condition fails still draws on the table's write
   * capacity: "If a ConditionExpression evaluates to false during a conditional write, DynamoDB
   * still consumes write capacity from the table", by the size of the item, existing or new, and at
   * least one unit (developer guide, "DynamoDB read and write operations", conditional writes; a
   * 300 KB item and a 310 KB one: 310 units). No index is written. `bytes` is the larger of the
   * stored item and the one the request would write, where the request names it (PutItem; an
   * update whose condition fails is not applied, so UpdateItem gives the stored item's size).
   * ConditionalCheckFailedException carries no ConsumedCapacity: this shows only as throttling.
   */
  chargeFailedWrite(meta: Readonly<TableMeta>, bytes: number): void {
    this.draw(meta, "write", writeUnits(bytes));
  }

  /** Draws `units` from the table's bucket (an LSI's go there) or a GSI's. */
  draw(meta: Readonly<TableMeta>, kind: CapacityKind, units: number, index?: IndexMeta): void {
    const gsi = index?.kind === "GSI" ? index : undefined;
    const limit = limitOf(meta, gsi, kind);
    if (limit !== undefined && units > 0) this.buckets.draw(bucketKey(meta, gsi, kind), limit, units, this.now);
  }
}

function throttled(meta: Readonly<TableMeta>, index: IndexMeta | undefined, kind: CapacityKind, limit: CapacityLimit): AwsError {
  // "ResourceType+OperationType+LimitType" and the table's or index's ARN (API reference, ThrottlingReason).
  const reason = `${index === undefined ? "Table" : "Index"}${kind === "read" ? "Read" : "Write"}${limit.onDemand ? "MaxOnDemandThroughputExceeded" : "ProvisionedThroughputExceeded"}`;
  const resource = index === undefined ? meta.arn : `${meta.arn}/index/${index.name}`;
  const options = { fields: { ThrottlingReasons: [{ reason, resource }] } };
  if (limit.onDemand) return errors.MaxOnDemandThroughputExceeded({}, options);
  if (index === undefined) return errors.TableThroughputExceeded({}, options);
  return kind === "write" ? errors.IndexWriteThroughputExceeded({}, options) : errors.IndexReadThroughputExceeded({}, options);
}

/**
 * A refusal as a transaction's cancellation reason: ProvisionedThroughputExceeded with the
 * exception's text (API reference, TransactWriteItems: DynamoDB cancels when "There is
 * insufficient provisioned capacity for the transaction to be completed"); ThrottlingError for
 * an on-demand maximum, the code the reference gives on-demand throttling.
 */
export function cancellationReason(refused: AwsError): { Code: string; Message: string } {
  return { Code: refused.code === "ThrottlingException" ? "ThrottlingError" : "ProvisionedThroughputExceeded", Message: refused.message };
}

/** The TransactionCanceledException of a transaction whose actions (in order) were refused where set; undefined when none was. */
export function throttledTransaction(refusals: readonly (AwsError | undefined)[]): AwsError | undefined {
  if (refusals.every((r) => r === undefined)) return undefined;
  const reasons = refusals.map((r) => (r === undefined ? { Code: "None" } : cancellationReason(r)));
  return errors.TransactionCanceled({ reasons: reasons.map((r) => r.Code).join(", ") }, { fields: { CancellationReasons: reasons } });
}
