/**
 * A table's TableStatus, and what DynamoDB refuses while it is not ACTIVE.
 *
 * On AWS, CreateTable leaves a table CREATING for about 6 s (longer with indexes), DeleteTable
 * leaves it DELETING for about 5 s and an UpdateTable that changes throughput, billing mode, the
 * stream, the table class or an index leaves it UPDATING for seconds to minutes. Nimbus keeps
 * each state for `--dynamodb-status-delay` milliseconds (default 0: at once, as test suites that
 * make and drop thousands of tables want). The refusals are AWS's ResourceInUseException texts as
 * measured against AWS (the ack-api-quirks DynamoDB catalogue, DDB-TABLE-001/005/006/008/063/119/
 * 370/444).
 */
import type { Clock } from "../../core/clock.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { NimbusConfig, Scope } from "../../core/service.js";
import { errors } from "./errors.js";
import type { DynamoStore } from "./store.js";
import { buildingPhase, indexWarmFloor, sseUpdating, tableWarmFloor, type TableMeta, type UpdateCause } from "./table.js";
import { warmAt } from "./warm-throughput.js";

export type TableStatus = "CREATING" | "ACTIVE" | "UPDATING" | "DELETING";

export function statusDelay(config: NimbusConfig): number {
  return config.dynamodb?.statusDelayMs ?? 0;
}

export function tableStatus(meta: Readonly<TableMeta>, now: number): TableStatus {
  // A table that ImportTable is filling stays CREATING until the import ends.
  if (meta.importArn !== undefined) return "CREATING";
  const t = meta.transition;
  if (t === undefined) return "ACTIVE";
  // CREATING and DELETING end when their job runs (finishTransition), so that the status and
  // what item operations may do change together; UPDATING changes nothing they do and ends lazily.
  if (t.status !== "UPDATING") return t.status;
  return now < t.until ? "UPDATING" : "ACTIVE";
}

/** The cause of an UPDATING table, while it lasts. */
function runningUpdate(meta: Readonly<TableMeta>, now: number): UpdateCause | undefined {
  const t = meta.transition;
  return t?.status === "UPDATING" && now < t.until ? t.cause : undefined;
}

/** DeleteTable's refusals: a table still being made, deleted or updated. */
export function checkDeletable(meta: Readonly<TableMeta>, now: number): void {
  const status = tableStatus(meta, now);
  if (status === "CREATING") throw errors.TableBeingCreated({ name: meta.name });
  if (status === "DELETING") throw errors.StillInUse({ detail: `Table is being deleted: ${meta.name}` });
  const cause = runningUpdate(meta, now);
  // A GSI still backfilling keeps the table from deletion though the table is ACTIVE (DDB-TABLE-150).
  if (cause?.kind === "index" || meta.gsis.some((g) => buildingPhase(g, now) !== undefined)) {
    throw errors.StillInUse({ detail: "Cannot delete table while indexes are being created, updated, or deleted." });
  }
  if (cause === undefined) {
    // A warm throughput increase or an encryption change keeps the table ACTIVE but from deletion
    // (DDB-TABLE-410/069/120), in the text AWS sends during the encryption change (recorded for
    // the warm throughput increase too: DDB-TABLE-069).
    if (warmIncreaseRunning(meta, now) || sseUpdating(meta, now)) throw errors.StillInUse({ detail: `Table: ${meta.name} is in the process of being updated.` });
    return;
  }
  if (cause.kind === "stream") throw errors.StillInUse({ detail: "Cannot delete table while stream is being enabled/disabled." });
  throw errors.StillInUse({ detail: `Table: ${meta.name} is in the process of being updated.` });
}

/** Whether a warm throughput increase of the table or a GSI is still running at `now`. */
function warmIncreaseRunning(meta: Readonly<TableMeta>, now: number): boolean {
  return warmAt(meta.warm, tableWarmFloor(meta), now).updating || meta.gsis.some((g) => warmAt(g.warm, indexWarmFloor(meta, g), now).updating);
}

/** What an UpdateTable request changes, as the refusals tell changes apart. */
export type UpdateKind = "throughput" | "stream" | "tableClass" | "index" | "onDemand" | "other";

/**
 * UpdateTable's refusals: a table still being made or deleted, or an update still running.
 * AWS admits some changes while UPDATING (deletion protection, encryption: `admitted`); the
 * rest get a text that names both the running change and the new one, where AWS's is known.
 */
export function checkUpdatable(meta: Readonly<TableMeta>, now: number, kind: UpdateKind, admitted: boolean, index?: IndexChange): void {
  const status = tableStatus(meta, now);
  if (status === "CREATING") throw errors.TableBeingCreated({ name: meta.name });
  if (status === "DELETING") throw errors.StillInUse({ detail: `Table is being deleted: ${meta.name}` });
  const cause = runningUpdate(meta, now);
  if (index !== undefined && (cause === undefined || cause.kind === "index")) checkIndexChange(meta, now, index, cause);
  if (cause === undefined || admitted) return;
  throw errors.StillInUse({ detail: updateRefusal(meta.name, cause, kind) });
}

export const ONE_ONLINE_INDEX = "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table";

/** The GSI an UpdateTable creates or deletes. */
export interface IndexChange {
  readonly operation: "create" | "delete";
  readonly name: string;
}

/**
 * A GSI created or deleted while another is still being created or deleted (DDB-TABLE-149/159):
 * the new index may be deleted once it backfills, not while its resources are allocated; any
 * other such change waits for the running one.
 */
function checkIndexChange(meta: Readonly<TableMeta>, now: number, change: IndexChange, cause: UpdateCause | undefined): void {
  if (cause?.kind === "index" && cause.operation === "created" && change.operation === "delete" && change.name === cause.name) {
    throw errors.StillInUse({
      detail: `Index creation is in resource allocation phase. Retry deletion during backfilling phase or when the index is active. Table: ${meta.name} Index: ${change.name}`,
    });
  }
  const backfilling = meta.gsis.filter((g) => buildingPhase(g, now)?.backfilling === true);
  if (change.operation === "delete" && backfilling.some((g) => g.name === change.name)) return;
  if (cause?.kind === "index" || backfilling.length > 0) {
    throw errors.LimitExceeded({ message: ONE_ONLINE_INDEX });
  }
}

function updateRefusal(name: string, cause: UpdateCause, kind: UpdateKind): string {
  switch (cause.kind) {
    case "throughput":
      if (kind === "throughput") return `Table IOPS are currently being updated. Table: ${name}`;
      if (kind === "stream") return `Can't enable or disable stream while table IOPS are being updated. Table: ${name}`;
      // DDB-TABLE-175: a GSI Create right after a throughput, stream or table class change.
      if (kind === "index") return `Can't create or delete indexes while table IOPS are being updated. Table: ${name}`;
      // DDB-TABLE-369: during a billing mode switch (AWS's text during a throughput change alone is not recorded).
      if (kind === "onDemand" && cause.billingMode === true) return "OnDemandThroughput cannot be updated while BillingMode update is in progress";
      break;
    case "stream": {
      const running = `Table: ${name} Stream: ${cause.label} Operation: ${cause.operation}`;
      if (kind === "throughput") return `Can't change table IOPS when stream status is being updated. ${running}`;
      if (kind === "stream") return `A stream status change is currently in progress. ${running}`;
      if (kind === "tableClass") return `Can't update table class when stream status is being updated. ${running}`;
      if (kind === "index") return "Can't create or delete an index when stream status is being updated.";
      break;
    }
    case "tableClass":
      if (kind === "tableClass") return `Can't update table class when a table class update is in progress. Table: ${name} TableClassUpdateInProgress: ${cause.tableClass}`;
      if (kind === "index") return "Can't create or delete an index when a table class update is in progress.";
      // DDB-TABLE-286.
      if (kind === "stream") return `Can't change stream status when a table class update is in progress. Table: ${name} TableClassUpdateInProgress: ${cause.tableClass}`;
      if (kind === "onDemand") return `OnDemandThroughput cannot be updated while TableClass update is in progress. TableClassUpdateInProgress: ${cause.tableClass}`;
      break;
    case "index": {
      const running = `Table: ${name} Indexes: [${cause.name}]`;
      if (kind === "throughput") return `Can't change table IOPS when an index is being ${cause.operation}. ${running}`;
      if (kind === "stream" && cause.operation === "created") return `Can't change stream status when an index is being created. ${running}`;
      break;
    }
  }
  // Pairs the catalogue does not word: the text the Terraform AWS provider quotes for a table still updating.
  return `Table is being updated: ${name}`;
}

export interface TransitionEnv {
  readonly store: DynamoStore;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
}

/** How long the end of a wait that could not be written (a full disk) waits before it is tried again. */
export const TRANSITION_RETRY_MS = 5_000;

/**
 * Ends a CREATING table's wait (it becomes ACTIVE) or a DELETING table's (it is dropped) once
 * its delay has passed; at once if it has (a Nimbus restarted after it). An end that fails is
 * tried again: nothing else would end the wait before a restart.
 */
export function scheduleTransitionEnd(env: TransitionEnv, scope: Scope, meta: Readonly<TableMeta>): void {
  const t = meta.transition;
  if (t === undefined || t.status === "UPDATING") return;
  const scopeCopy: Scope = { account: scope.account, region: scope.region };
  const label = t.status === "CREATING" ? "dynamodb:create-table" : "dynamodb:delete-table";
  env.scheduler.retrying(Math.max(t.until, env.clock.now()), TRANSITION_RETRY_MS, () => finishTransition(env.store, scopeCopy, meta.name, meta.id, t.status), label);
}

function finishTransition(store: DynamoStore, scope: Scope, name: string, id: string, status: "CREATING" | "DELETING"): void {
  store.transaction(() => {
    // The id tells the table the request left from one made under its name since (none can be
    // while it is listed, but a CREATING table's restore or import may have been rolled back).
    const meta = store.getTable(scope, name);
    if (meta?.id !== id || meta.transition?.status !== status) return;
    if (status === "DELETING") store.deleteTable(scope, name);
    else {
      delete meta.transition;
      store.saveTable(scope, meta);
    }
  });
}

/** Tables a stopped Nimbus left CREATING or DELETING end their wait when their delay has passed. */
export function resumeTransitions(env: TransitionEnv): void {
  for (const { scope, meta } of env.store.tablesInTransition()) scheduleTransitionEnd(env, scope, meta);
}

/** Whether the table is the target of a restore still running (CREATING: --dynamodb-status-delay). */
export function restoring(meta: Readonly<TableMeta>): boolean {
  return meta.restore !== undefined && meta.transition?.status === "CREATING";
}
