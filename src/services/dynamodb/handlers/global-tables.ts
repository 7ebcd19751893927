/**
 * Global tables version 2017.11.29 (legacy): CreateGlobalTable, DescribeGlobalTable,
 * ListGlobalTables, UpdateGlobalTable, DescribeGlobalTableSettings, UpdateGlobalTableSettings;
 * and the replica auto scaling settings of any table (DescribeTableReplicaAutoScaling,
 * UpdateTableReplicaAutoScaling), which Nimbus records and answers without scaling anything.
 * Version 2019.11.21 is UpdateTable's ReplicaUpdates (../global-tables.ts).
 */
import type {
  CreateGlobalTableInput,
  CreateGlobalTableOutput,
  DescribeGlobalTableInput,
  DescribeGlobalTableOutput,
  DescribeGlobalTableSettingsInput,
  DescribeGlobalTableSettingsOutput,
  DescribeTableReplicaAutoScalingInput,
  DescribeTableReplicaAutoScalingOutput,
  ListGlobalTablesInput,
  ListGlobalTablesOutput,
  UpdateGlobalTableInput,
  UpdateGlobalTableOutput,
  UpdateGlobalTableSettingsInput,
  UpdateGlobalTableSettingsOutput,
  UpdateTableReplicaAutoScalingInput,
  UpdateTableReplicaAutoScalingOutput,
} from "../../../generated/dynamodb.js";
import { validationException } from "../domain/index.js";
import { errors } from "../errors.js";
import type { DynamoContext } from "../context.js";
import {
  checkLegacyEmpty,
  checkLegacyMember,
  globalTableDescription,
  inRegion,
  legacyGlobalTables,
  requireLegacy,
  saveLegacyGroup,
  syncReplicas,
} from "../global-tables.js";
import { requireTable } from "../items.js";
import { checkPayPerRequestSwitch } from "../capacity-limits.js";
import { LEGACY_GLOBAL_VERSION, setBillingMode, type AutoScalingSettings, type GlobalMeta, type TableMeta } from "../table.js";
import { check, oneOf, range, tableNameChecks } from "../validation.js";

const INVALID = "One or more parameter values were invalid: ";

export function createGlobalTable(input: CreateGlobalTableInput, ctx: DynamoContext): CreateGlobalTableOutput {
  check(...tableNameChecks(input.GlobalTableName, "globalTableName"), {
    field: "replicationGroup",
    value: "[]",
    failure: input.ReplicationGroup.length === 0 ? "Member must have length greater than or equal to 1" : undefined,
  });
  const regions = input.ReplicationGroup.map((r) => r.RegionName ?? "");
  if (new Set(regions).size !== regions.length) throw validationException(`${INVALID}Duplicate region in ReplicationGroup`);
  const name = input.GlobalTableName;
  return ctx.store.transaction(() => {
    let first: TableMeta | undefined;
    for (const region of regions) {
      const existing = ctx.store.getTable(inRegion(ctx, region), name);
      if (existing?.global?.version === LEGACY_GLOBAL_VERSION) throw errors.GlobalTableAlreadyExists({ name });
      const member = checkLegacyMember(ctx, name, region, first);
      first ??= member;
    }
    const group: GlobalMeta = { version: LEGACY_GLOBAL_VERSION, regions, createdAt: ctx.clock.now(), overrides: {} };
    saveLegacyGroup(ctx, name, group, []);
    return { GlobalTableDescription: globalTableDescription(ctx.account, name, group) };
  });
}

export function describeGlobalTable(input: DescribeGlobalTableInput, ctx: DynamoContext): DescribeGlobalTableOutput {
  check(...tableNameChecks(input.GlobalTableName, "globalTableName"));
  const member = requireLegacy(ctx, input.GlobalTableName);
  return { GlobalTableDescription: globalTableDescription(ctx.account, member.name, member.global as GlobalMeta) };
}

export function listGlobalTables(input: ListGlobalTablesInput, ctx: DynamoContext): ListGlobalTablesOutput {
  check(...tableNameChecks(input.ExclusiveStartGlobalTableName, "exclusiveStartGlobalTableName"), range("limit", input.Limit, 1));
  const limit = Math.min(input.Limit ?? 100, 100);
  const start = input.ExclusiveStartGlobalTableName;
  const all = legacyGlobalTables(ctx).filter(
    (t) => (start === undefined || t.name > start) && (input.RegionName === undefined || (t.global?.regions ?? []).includes(input.RegionName)),
  );
  const page = all.slice(0, limit);
  return {
    GlobalTables: page.map((t) => ({ GlobalTableName: t.name, ReplicationGroup: (t.global?.regions ?? []).map((r) => ({ RegionName: r })) })),
    ...(all.length > limit && page.length > 0 ? { LastEvaluatedGlobalTableName: page[page.length - 1]?.name } : {}),
  };
}

export function updateGlobalTable(input: UpdateGlobalTableInput, ctx: DynamoContext): UpdateGlobalTableOutput {
  check(...tableNameChecks(input.GlobalTableName, "globalTableName"));
  const name = input.GlobalTableName;
  return ctx.store.transaction(() => {
    const member = requireLegacy(ctx, name);
    const group = structuredClone(member.global) as GlobalMeta;
    const left: string[] = [];
    for (const u of input.ReplicaUpdates) {
      if ((u.Create === undefined) === (u.Delete === undefined)) throw validationException(`${INVALID}One of Create or Delete must be specified in a ReplicaUpdate`);
      if (u.Create) {
        const region = u.Create.RegionName;
        if (group.regions.includes(region)) throw errors.ReplicaAlreadyExists({ message: `Replica already exists in region: ${region} for global table: ${name}` });
        checkLegacyMember(ctx, name, region, member);
        checkLegacyEmpty(ctx, name, group.regions);
        group.regions.push(region);
      } else if (u.Delete) {
        const region = u.Delete.RegionName;
        if (!group.regions.includes(region)) throw errors.ReplicaNotFound({ message: `Replica not found in region: ${region} for global table: ${name}` });
        group.regions = group.regions.filter((r) => r !== region);
        left.push(region);
      }
    }
    // Removing a replica leaves its table in place, a regional table again; the last one ends the global table.
    saveLegacyGroup(ctx, name, group.regions.length > 0 ? group : undefined, left);
    return { GlobalTableDescription: globalTableDescription(ctx.account, name, group) };
  });
}

function memberTables(ctx: DynamoContext, group: GlobalMeta, name: string): { region: string; there: DynamoContext; meta: TableMeta }[] {
  return group.regions.flatMap((region) => {
    const there = inRegion(ctx, region);
    const meta = ctx.store.getTable(there, name);
    return meta === undefined ? [] : [{ region, there, meta }];
  });
}

function replicaSettingsDescription(region: string, meta: TableMeta) {
  const provisioned = meta.billingMode === "PROVISIONED";
  return {
    RegionName: region,
    ReplicaStatus: "ACTIVE",
    ReplicaBillingModeSummary: {
      BillingMode: meta.billingMode,
      ...(meta.billingMode === "PAY_PER_REQUEST" ? { LastUpdateToPayPerRequestDateTime: new Date(meta.payPerRequestSince ?? meta.createdAt) } : {}),
    },
    ReplicaProvisionedReadCapacityUnits: provisioned ? meta.provisioned.read : 0,
    ReplicaProvisionedWriteCapacityUnits: provisioned ? meta.provisioned.write : 0,
    ...(meta.gsis.length > 0
      ? {
          ReplicaGlobalSecondaryIndexSettings: meta.gsis.map((g) => ({
            IndexName: g.name,
            IndexStatus: "ACTIVE",
            ProvisionedReadCapacityUnits: provisioned ? (g.provisioned?.read ?? 0) : 0,
            ProvisionedWriteCapacityUnits: provisioned ? (g.provisioned?.write ?? 0) : 0,
          })),
        }
      : {}),
    ReplicaTableClassSummary: { TableClass: meta.tableClass },
  };
}

function settingsOutput(ctx: DynamoContext, name: string): DescribeGlobalTableSettingsOutput {
  const member = requireLegacy(ctx, name);
  const group = member.global as GlobalMeta;
  return { GlobalTableName: name, ReplicaSettings: memberTables(ctx, group, name).map((m) => replicaSettingsDescription(m.region, m.meta)) };
}

export function describeGlobalTableSettings(input: DescribeGlobalTableSettingsInput, ctx: DynamoContext): DescribeGlobalTableSettingsOutput {
  check(...tableNameChecks(input.GlobalTableName, "globalTableName"));
  return settingsOutput(ctx, input.GlobalTableName);
}

export function updateGlobalTableSettings(input: UpdateGlobalTableSettingsInput, ctx: DynamoContext): UpdateGlobalTableSettingsOutput {
  check(
    ...tableNameChecks(input.GlobalTableName, "globalTableName"),
    oneOf("globalTableBillingMode", input.GlobalTableBillingMode, ["PROVISIONED", "PAY_PER_REQUEST"]),
    range("globalTableProvisionedWriteCapacityUnits", input.GlobalTableProvisionedWriteCapacityUnits, 1),
  );
  const name = input.GlobalTableName;
  return ctx.store.transaction(() => {
    const member = requireLegacy(ctx, name);
    const group = member.global as GlobalMeta;
    const members = memberTables(ctx, group, name);
    const now = ctx.clock.now();
    for (const r of input.ReplicaSettingsUpdate ?? []) {
      if (!group.regions.includes(r.RegionName)) throw errors.ReplicaNotFound({ message: `Replica not found in region: ${r.RegionName} for global table: ${name}` });
    }
    const indexNames = [
      ...(input.GlobalTableGlobalSecondaryIndexSettingsUpdate ?? []).map((g) => g.IndexName),
      ...(input.ReplicaSettingsUpdate ?? []).flatMap((r) => (r.ReplicaGlobalSecondaryIndexSettingsUpdate ?? []).map((g) => g.IndexName)),
    ];
    for (const index of indexNames) {
      if (!member.gsis.some((g) => g.name === index)) throw errors.IndexNotFound({ message: `Requested resource not found: Index: ${index} not found for table: ${name}` });
    }
    const billing = (input.GlobalTableBillingMode ?? member.billingMode) as TableMeta["billingMode"];
    if (billing === "PAY_PER_REQUEST" && (input.GlobalTableProvisionedWriteCapacityUnits !== undefined || input.ReplicaSettingsUpdate?.some((r) => r.ReplicaProvisionedReadCapacityUnits !== undefined))) {
      throw validationException(`${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
    }
    if (billing === "PAY_PER_REQUEST" && member.billingMode === "PROVISIONED") checkPayPerRequestSwitch(member, now);
    for (const { region, there, meta } of members) {
      setBillingMode(meta, billing, now);
      const write = input.GlobalTableProvisionedWriteCapacityUnits;
      if (write !== undefined) meta.provisioned = { ...{}, ...meta.provisioned, write, ...(write > meta.provisioned.write ? { lastIncrease: now } : {}) };
      for (const g of input.GlobalTableGlobalSecondaryIndexSettingsUpdate ?? []) {
        const index = meta.gsis.find((i) => i.name === g.IndexName);
        if (index && g.ProvisionedWriteCapacityUnits !== undefined) index.provisioned = { ...{}, ...(index.provisioned ?? { read: 0, decreasesToday: 0 }), write: g.ProvisionedWriteCapacityUnits };
      }
      const own = input.ReplicaSettingsUpdate?.find((r) => r.RegionName === region);
      if (own?.ReplicaProvisionedReadCapacityUnits !== undefined) meta.provisioned = { ...{}, ...meta.provisioned, read: own.ReplicaProvisionedReadCapacityUnits };
      for (const g of own?.ReplicaGlobalSecondaryIndexSettingsUpdate ?? []) {
        const index = meta.gsis.find((i) => i.name === g.IndexName);
        if (index && g.ProvisionedReadCapacityUnits !== undefined) index.provisioned = { ...{}, ...(index.provisioned ?? { write: 0, decreasesToday: 0 }), read: g.ProvisionedReadCapacityUnits };
      }
      if (own?.ReplicaTableClass !== undefined) meta.tableClass = own.ReplicaTableClass;
      ctx.store.saveTable(there, meta);
    }
    return settingsOutput(ctx, name);
  });
}

// ---------------------------------------------------------------------------------------------
// Replica auto scaling (recorded)

type AutoScalingUpdate = NonNullable<UpdateTableReplicaAutoScalingInput["ProvisionedWriteCapacityAutoScalingUpdate"]>;

function recorded(update: AutoScalingUpdate, previous: AutoScalingSettings | undefined): AutoScalingSettings {
  const policy = update.ScalingPolicyUpdate;
  return {
    ...{},
    ...previous,
    ...(update.MinimumUnits !== undefined ? { MinimumUnits: update.MinimumUnits } : {}),
    ...(update.MaximumUnits !== undefined ? { MaximumUnits: update.MaximumUnits } : {}),
    ...(update.AutoScalingDisabled !== undefined ? { AutoScalingDisabled: update.AutoScalingDisabled } : {}),
    ...(update.AutoScalingRoleArn !== undefined ? { AutoScalingRoleArn: update.AutoScalingRoleArn } : {}),
    ...(policy !== undefined
      ? { ScalingPolicies: [{ ...{}, ...(policy.PolicyName !== undefined ? { PolicyName: policy.PolicyName } : {}), TargetTrackingScalingPolicyConfiguration: { ...{}, ...policy.TargetTrackingScalingPolicyConfiguration } }] }
      : {}),
  };
}

function autoScalingDescription(meta: TableMeta, regions: readonly string[]) {
  const a = meta.autoScaling ?? {};
  return {
    TableName: meta.name,
    TableStatus: "ACTIVE",
    Replicas: regions.map((region) => ({
      RegionName: region,
      ...(meta.gsis.length > 0
        ? {
            GlobalSecondaryIndexes: meta.gsis.map((g) => ({
              IndexName: g.name,
              IndexStatus: "ACTIVE",
              ...(a.indexRead?.[region]?.[g.name] ? { ProvisionedReadCapacityAutoScalingSettings: a.indexRead[region]?.[g.name] } : {}),
              ...(a.indexWrite?.[g.name] ? { ProvisionedWriteCapacityAutoScalingSettings: a.indexWrite[g.name] } : {}),
            })),
          }
        : {}),
      ...(a.read?.[region] ? { ReplicaProvisionedReadCapacityAutoScalingSettings: a.read[region] } : {}),
      ...(a.write ? { ReplicaProvisionedWriteCapacityAutoScalingSettings: a.write } : {}),
      ReplicaStatus: "ACTIVE",
    })),
  };
}

function regionsOf(ctx: DynamoContext, meta: TableMeta): string[] {
  return meta.global?.regions ?? [ctx.region];
}

export function describeTableReplicaAutoScaling(input: DescribeTableReplicaAutoScalingInput, ctx: DynamoContext): DescribeTableReplicaAutoScalingOutput {
  const meta = requireTable(ctx.store, ctx, input.TableName, "table");
  return { TableAutoScalingDescription: autoScalingDescription(meta, regionsOf(ctx, meta)) };
}

export function updateTableReplicaAutoScaling(input: UpdateTableReplicaAutoScalingInput, ctx: DynamoContext): UpdateTableReplicaAutoScalingOutput {
  return ctx.store.transaction(() => {
    const meta = requireTable(ctx.store, ctx, input.TableName, "table");
    const regions = regionsOf(ctx, meta);
    const a = structuredClone(meta.autoScaling ?? {});
    if (input.ProvisionedWriteCapacityAutoScalingUpdate) a.write = recorded(input.ProvisionedWriteCapacityAutoScalingUpdate, a.write);
    const known = (index: string | undefined): string => {
      if (index === undefined || !meta.gsis.some((g) => g.name === index)) {
        throw errors.ResourceNotFoundMessage({ message: `Requested resource not found: Index: ${index ?? "null"} not found for table: ${meta.name}` });
      }
      return index;
    };
    for (const g of input.GlobalSecondaryIndexUpdates ?? []) {
      const index = known(g.IndexName);
      if (g.ProvisionedWriteCapacityAutoScalingUpdate) (a.indexWrite ??= {})[index] = recorded(g.ProvisionedWriteCapacityAutoScalingUpdate, a.indexWrite?.[index]);
    }
    for (const r of input.ReplicaUpdates ?? []) {
      if (!regions.includes(r.RegionName)) throw validationException(`${INVALID}Region ${r.RegionName} is not a replica of table ${meta.name}`);
      if (r.ReplicaProvisionedReadCapacityAutoScalingUpdate) (a.read ??= {})[r.RegionName] = recorded(r.ReplicaProvisionedReadCapacityAutoScalingUpdate, a.read?.[r.RegionName]);
      for (const g of r.ReplicaGlobalSecondaryIndexUpdates ?? []) {
        const index = known(g.IndexName);
        if (g.ProvisionedReadCapacityAutoScalingUpdate) {
          const perRegion = ((a.indexRead ??= {})[r.RegionName] ??= {});
          perRegion[index] = recorded(g.ProvisionedReadCapacityAutoScalingUpdate, perRegion[index]);
        }
      }
    }
    meta.autoScaling = a;
    ctx.store.saveTable(ctx, meta);
    syncReplicas(ctx, meta);
    return { TableAutoScalingDescription: autoScalingDescription(meta, regions) };
  });
}
