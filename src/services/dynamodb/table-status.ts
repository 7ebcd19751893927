/**
 * A table's TableStatus, and what DynamoDB refuses while it is not ACTIVE.
 *
 * On AWS, DeleteTable leaves a table DELETING for about 5 s and an UpdateTable that changes
 * throughput, billing mode, the stream, the table class or an index leaves it UPDATING for
 * seconds to minutes. Nimbus keeps either state for `--dynamodb-status-delay` milliseconds
 * (default 0: at once, as test suites that make and drop thousands of tables want). The
 * refusals are AWS's ResourceInUseException texts as measured against AWS (the ack-api-quirks
 * DynamoDB catalogue, DDB-TABLE-006/008/063/119/370/444).
 */
import type { Clock } from "../../core/clock.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { NimbusConfig, Scope } from "../../core/service.js";
import { errors } from "./errors.js";
import type { DynamoStore } from "./store.js";
import type { TableMeta, UpdateCause } from "./table.js";

export type TableStatus = "CREATING" | "ACTIVE" | "UPDATING" | "DELETING";

export function statusDelay(config: NimbusConfig): number {
  return config.dynamodb?.statusDelayMs ?? 0;
}

export function tableStatus(meta: Readonly<TableMeta>, now: number): TableStatus {
  // A table that ImportTable is filling stays CREATING until the import ends.
  if (meta.importArn !== undefined) return "CREATING";
  const t = meta.transition;
  if (t === undefined) return "ACTIVE";
  if (t.status === "DELETING") return "DELETING";
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
  if (cause === undefined) return;
  if (cause.kind === "stream") throw errors.StillInUse({ detail: "Cannot delete table while stream is being enabled/disabled." });
  if (cause.kind === "index") throw errors.StillInUse({ detail: "Cannot delete table while indexes are being created, updated, or deleted." });
  throw errors.StillInUse({ detail: `Table: ${meta.name} is in the process of being updated.` });
}

/** What an UpdateTable request changes, as the refusals tell changes apart. */
export type UpdateKind = "throughput" | "stream" | "tableClass" | "index" | "other";

/**
 * UpdateTable's refusals: a table still being made or deleted, or an update still running.
 * AWS admits some changes while UPDATING (deletion protection, encryption: `admitted`); the
 * rest get a text that names both the running change and the new one, where AWS's is known.
 */
export function checkUpdatable(meta: Readonly<TableMeta>, now: number, kind: UpdateKind, admitted: boolean): void {
  const status = tableStatus(meta, now);
  if (status === "CREATING") throw errors.TableBeingCreated({ name: meta.name });
  if (status === "DELETING") throw errors.StillInUse({ detail: `Table is being deleted: ${meta.name}` });
  const cause = runningUpdate(meta, now);
  if (cause === undefined || admitted) return;
  throw errors.StillInUse({ detail: updateRefusal(meta.name, cause, kind) });
}

function updateRefusal(name: string, cause: UpdateCause, kind: UpdateKind): string {
  switch (cause.kind) {
    case "throughput":
      if (kind === "throughput") return `Table IOPS are currently being updated. Table: ${name}`;
      if (kind === "stream") return `Can't enable or disable stream while table IOPS are being updated. Table: ${name}`;
      break;
    case "stream": {
      const running = `Table: ${name} Stream: ${cause.label} Operation: ${cause.operation}`;
      if (kind === "throughput") return `Can't change table IOPS when stream status is being updated. ${running}`;
      if (kind === "stream") return `A stream status change is currently in progress. ${running}`;
      if (kind === "tableClass") return `Can't update table class when stream status is being updated. ${running}`;
      break;
    }
    case "tableClass":
      if (kind === "tableClass") return `Can't update table class when a table class update is in progress. Table: ${name} TableClassUpdateInProgress: ${cause.tableClass}`;
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

export interface DropEnv {
  readonly store: DynamoStore;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
}

/** Drops a DELETING table once its delay has passed (at once if it has: a Nimbus restarted after it). */
export function scheduleDrop(env: DropEnv, scope: Scope, meta: Readonly<TableMeta>): void {
  const t = meta.transition;
  if (t?.status !== "DELETING") return;
  const scopeCopy: Scope = { account: scope.account, region: scope.region };
  env.scheduler.at(Math.max(t.until, env.clock.now()), () => drop(env.store, scopeCopy, meta.name, meta.id), "dynamodb:delete-table");
}

function drop(store: DynamoStore, scope: Scope, name: string, id: string): void {
  store.transaction(() => {
    // The id tells the table DeleteTable left from one made under its name since (none can be: it is still listed).
    const meta = store.readTable(scope, name);
    if (meta?.id === id && meta.transition?.status === "DELETING") store.deleteTable(scope, name);
  });
}

/** Tables a stopped Nimbus left DELETING are dropped when their delay has passed. */
export function resumeDrops(env: DropEnv): void {
  for (const { scope, meta } of env.store.deletingTables()) scheduleDrop(env, scope, meta);
}
