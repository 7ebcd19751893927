/**
 * A table's TableStatus, and what DynamoDB refuses while it is not ACTIVE.
 *
 * On AWS, DeleteTable leaves a table DELETING for about 5 s. Nimbus keeps it DELETING for
 * `--dynamodb-status-delay` milliseconds (default 0: gone at once, as test suites that make and
 * drop thousands of tables want). The refusals are AWS's ResourceInUseException texts as
 * measured against AWS (the ack-api-quirks DynamoDB catalogue, DDB-TABLE-006/008/444).
 */
import type { Clock } from "../../core/clock.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { NimbusConfig, Scope } from "../../core/service.js";
import { errors } from "./errors.js";
import type { DynamoStore } from "./store.js";
import type { TableMeta } from "./table.js";

export type TableStatus = "CREATING" | "ACTIVE" | "UPDATING" | "DELETING";

export function statusDelay(config: NimbusConfig): number {
  return config.dynamodb?.statusDelayMs ?? 0;
}

export function tableStatus(meta: Readonly<TableMeta>, _now: number): TableStatus {
  // A table that ImportTable is filling stays CREATING until the import ends.
  if (meta.importArn !== undefined) return "CREATING";
  return meta.transition?.status === "DELETING" ? "DELETING" : "ACTIVE";
}

/** DeleteTable's refusals: a table still being made or deleted. */
export function checkDeletable(meta: Readonly<TableMeta>, now: number): void {
  const status = tableStatus(meta, now);
  if (status === "CREATING") throw errors.TableBeingCreated({ name: meta.name });
  if (status === "DELETING") throw errors.StillInUse({ detail: `Table is being deleted: ${meta.name}` });
}

/** UpdateTable's refusals: a table still being made or deleted. */
export function checkUpdatable(meta: Readonly<TableMeta>, now: number): void {
  checkDeletable(meta, now);
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
