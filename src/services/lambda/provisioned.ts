/**
 * Provisioned concurrency: the stored configurations (one per published version or alias) turned
 * into environments that really run their Init phase before any invocation (engine `provision`).
 *
 * Environments belong to a function version, so a configuration on an alias provisions the
 * version the alias points at (Lambda refuses a second configuration for the same version through
 * a version and an alias). A function's configurations are reconciled as a whole: each version
 * gets the sum of the configurations that resolve to it, versions no longer named get none. A
 * configuration is IN_PROGRESS until its environments finished Init, then READY, or FAILED with
 * Lambda's FUNCTION_ERROR_INIT_FAILURE when Init failed. Reconciling runs after each change
 * (Put/Delete, an alias moved or deleted), at start-up (environments do not survive a restart),
 * and every minute, which replaces environments retired since (new execution-role credentials).
 */
import type { Scope } from "../../core/service.js";
import { isVersionQualifier } from "./domain/arns.js";
import { specOf } from "./domain/invoker.js";
import type { LambdaStore, ProvisionedConfig, ProvisionedStatus } from "./store.js";

/** How often every configuration is checked against what runs. */
export const PROVISIONED_MAINTENANCE_MS = 60_000;

export function provisionedKey(scope: Scope, name: string, qualifier: string): string {
  return `${scope.account}/${scope.region}/${name}/${qualifier}`;
}

function functionKey(scope: Scope, name: string): string {
  return `${scope.account}/${scope.region}/${name}`;
}

/** The status a configuration reports; IN_PROGRESS with nothing allocated until an allocation finished. */
export function provisionedStatus(store: LambdaStore, scope: Scope, config: ProvisionedConfig): ProvisionedStatus {
  return store.provisionedStatus.get(provisionedKey(scope, config.name, config.qualifier)) ?? { status: "IN_PROGRESS", allocated: 0, available: 0 };
}

/** The published version a qualifier's environments run, if it resolves to one. */
function versionOf(store: LambdaStore, scope: Scope, name: string, qualifier: string): string | undefined {
  if (isVersionQualifier(qualifier)) return qualifier === "$LATEST" ? undefined : qualifier;
  const alias = store.getAlias(scope, name, qualifier);
  return alias && alias.functionVersion !== "$LATEST" ? alias.functionVersion : undefined;
}

/**
 * Brings the engine in line with one function's configurations and records each configuration's
 * outcome. Safe to call at any time and as often as wanted: kept environments are not restarted.
 */
export async function reconcileProvisioned(store: LambdaStore, scope: Scope, name: string): Promise<void> {
  const fnKey = functionKey(scope, name);
  // Numbered across functions, so that a function's entry can go (forgetProvisioned, or nothing
  // left to provision) without a later reconciliation taking a number one still running holds.
  const generation = ++store.provisionedGeneration;
  store.provisionedGenerations.set(fnKey, generation);
  const configs = store.getFunction(scope, name) ? store.listProvisionedConfigs(scope, name) : [];
  // Statuses of configurations deleted since (with their alias, say) go too.
  const kept = new Set(configs.map((c) => provisionedKey(scope, name, c.qualifier)));
  for (const key of [...store.provisionedStatus.keys()]) if (key.startsWith(`${fnKey}/`) && !kept.has(key)) store.provisionedStatus.delete(key);
  const byVersion = new Map<string, ProvisionedConfig[]>();
  for (const config of configs) {
    const version = versionOf(store, scope, name, config.qualifier);
    if (version === undefined) {
      store.provisionedStatus.set(provisionedKey(scope, name, config.qualifier), {
        status: "FAILED",
        allocated: 0,
        available: 0,
        reason: "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
      });
      continue;
    }
    const list = byVersion.get(version) ?? [];
    list.push(config);
    byVersion.set(version, list);
  }
  const previous = store.provisionedTargets.get(fnKey) ?? new Map<string, number>();
  const targets = new Map<string, number>();
  for (const [version, list] of byVersion) targets.set(version, list.reduce((n, c) => n + c.requested, 0));
  if (targets.size > 0) store.provisionedTargets.set(fnKey, targets);
  else store.provisionedTargets.delete(fnKey);
  // Nothing of this function will report an outcome: those still running of earlier rounds find no entry and stop.
  if (byVersion.size === 0) store.provisionedGenerations.delete(fnKey);

  // A configuration whose version's allocation changes is IN_PROGRESS until it is done.
  for (const [version, list] of byVersion) {
    if (previous.get(version) === targets.get(version)) continue;
    for (const config of list) {
      const key = provisionedKey(scope, name, config.qualifier);
      const current = store.provisionedStatus.get(key);
      store.provisionedStatus.set(key, { status: "IN_PROGRESS", allocated: current?.allocated ?? 0, available: current?.available ?? 0 });
    }
  }

  const work: Array<Promise<void>> = [];
  for (const version of previous.keys()) {
    if (targets.has(version)) continue;
    const row = store.getVersion(scope, name, version);
    // The version is gone (DeleteFunction retires its environments itself) or no longer provisioned.
    if (row) work.push(specOf(store, scope, row.config, row.codeBlob).then((spec) => store.engine.provision(spec, 0)).then(() => undefined));
  }
  for (const [version, list] of byVersion) {
    const count = targets.get(version) ?? 0;
    work.push(
      (async () => {
        const row = store.getVersion(scope, name, version);
        if (!row) return;
        let ready = 0;
        let errorType: string | undefined;
        try {
          const result = await store.engine.provision(await specOf(store, scope, row.config, row.codeBlob), count);
          ready = result.ready;
          errorType = result.errorType;
        } catch (err) {
          errorType = err instanceof Error ? err.name : "Unknown";
        }
        if (store.closing || store.provisionedGenerations.get(fnKey) !== generation) return;
        // The ready environments are shared out over the version's configurations in order.
        let left = ready;
        for (const config of list) {
          const allocated = Math.min(config.requested, left);
          left -= allocated;
          const status: ProvisionedStatus =
            allocated === config.requested
              ? { status: "READY", allocated, available: allocated }
              : errorType !== undefined
                ? { status: "FAILED", allocated, available: allocated, reason: "FUNCTION_ERROR_INIT_FAILURE" }
                : { status: "IN_PROGRESS", allocated, available: allocated };
          store.provisionedStatus.set(provisionedKey(scope, name, config.qualifier), status);
        }
      })(),
    );
  }
  await Promise.all(work);
}

/** DeleteFunction: its environments are retired by the engine; the bookkeeping goes too. */
export function forgetProvisioned(store: LambdaStore, scope: Scope, name: string): void {
  const fnKey = functionKey(scope, name);
  store.provisionedTargets.delete(fnKey);
  // Reconciliations still running find no entry, so they report nothing.
  store.provisionedGenerations.delete(fnKey);
  for (const key of [...store.provisionedStatus.keys()]) if (key.startsWith(`${fnKey}/`)) store.provisionedStatus.delete(key);
}

/** Starts a reconciliation in the background (handlers answer before environments are ready, as Lambda does). */
export function reconcileSoon(store: LambdaStore, scope: Scope, name: string): void {
  // A failure here (the database closing under it) leaves statuses as they are; the next
  // maintenance round tries again.
  reconcileProvisioned(store, scope, name).catch(() => undefined);
}

/** Every function with a configuration, reconciled: at start-up, then every minute. */
export function startProvisionedMaintenance(store: LambdaStore): () => void {
  const all = (): Promise<void> => {
    const names = new Map<string, { scope: Scope; name: string }>();
    for (const { scope, config } of store.allProvisionedConfigs()) names.set(functionKey(scope, config.name), { scope, name: config.name });
    // Functions provisioned before and configured no longer are brought down as well.
    for (const key of store.provisionedTargets.keys()) {
      const [account = "", region = "", name = ""] = key.split("/");
      if (!names.has(key)) names.set(key, { scope: { account, region }, name });
    }
    return Promise.all([...names.values()].map(({ scope, name }) => reconcileProvisioned(store, scope, name))).then(() => undefined);
  };
  if (store.allProvisionedConfigs().length > 0) void all().catch(() => undefined);
  return store.env.scheduler.every(PROVISIONED_MAINTENANCE_MS, () => (store.closing ? undefined : all()), "lambda provisioned concurrency");
}
