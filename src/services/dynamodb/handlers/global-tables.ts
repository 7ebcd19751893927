/**
 * Global tables version 2017.11.29 (legacy): CreateGlobalTable, DescribeGlobalTable,
 * ListGlobalTables, UpdateGlobalTable, DescribeGlobalTableSettings, UpdateGlobalTableSettings;
 * and the replica auto scaling settings of any table (DescribeTableReplicaAutoScaling,
 * UpdateTableReplicaAutoScaling), which Nimbus records and answers without scaling anything.
 * Version 2019.11.21 is UpdateTable's ReplicaUpdates (../global-tables.ts).
 *
 * DynamoDB no longer makes legacy global tables: CreateGlobalTable, and UpdateGlobalTable adding
 * a replica, are refused whatever the tables, and with none to find the other operations answer
 * GlobalTableNotFoundException for every name (a regional table's, a 2019.11.21 global table's,
 * a missing one) and ListGlobalTables an empty list. Recorded against DynamoDB in 2026:
 * radkawar/stackd testdata/aws/dynamodb/legacy_global_controls.json, ack-api-quirks
 * DDB-GLOBALTABLE-002 and -004, DDB-GLOBALTABLESETTINGS-001, and ScyllaDB Alternator's
 * test_global_tables.py (test_not_supported_*, test_v1_*_on_v2_global_table, pass on AWS).
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
import { syncReplicas } from "../global-tables.js";
import { requireTable } from "../items.js";
import type { AutoScalingSettings, TableMeta } from "../table.js";
import { check, oneOf, range, tableNameChecks } from "../validation.js";

const INVALID = "One or more parameter values were invalid";
const LEGACY_UNSUPPORTED = `${INVALID}: DynamoDB global tables version 2017.11.29 is not supported. We recommend using DynamoDB global tables version 2019.11.21, instead of version 2017.11.29 (Legacy).`;

export function createGlobalTable(input: CreateGlobalTableInput, _ctx: DynamoContext): CreateGlobalTableOutput {
  check(...tableNameChecks(input.GlobalTableName, "globalTableName"));
  if (input.ReplicationGroup.length === 0) throw validationException(`${INVALID}: Global table must have atleast one replica`);
  throw validationException(LEGACY_UNSUPPORTED);
}

export function describeGlobalTable(input: DescribeGlobalTableInput, _ctx: DynamoContext): DescribeGlobalTableOutput {
  check(...tableNameChecks(input.GlobalTableName, "globalTableName"));
  throw errors.GlobalTableNotFound({ name: input.GlobalTableName });
}

export function listGlobalTables(input: ListGlobalTablesInput, _ctx: DynamoContext): ListGlobalTablesOutput {
  check(...tableNameChecks(input.ExclusiveStartGlobalTableName, "exclusiveStartGlobalTableName"), range("limit", input.Limit, 1));
  return { GlobalTables: [] };
}

export function updateGlobalTable(input: UpdateGlobalTableInput, _ctx: DynamoContext): UpdateGlobalTableOutput {
  check(...tableNameChecks(input.GlobalTableName, "globalTableName"));
  // An empty list, or an update with neither action, is refused with the bare clause.
  if (input.ReplicaUpdates.length === 0) throw validationException(INVALID);
  for (const u of input.ReplicaUpdates) {
    if (u.Create !== undefined && u.Delete !== undefined) {
      throw validationException(`${INVALID}: A ReplicaUpdate structure cannot contain both a create replica action and a delete replica action`);
    }
    if (u.Create === undefined && u.Delete === undefined) throw validationException(INVALID);
  }
  // Adding a replica is refused before the global table is looked for.
  if (input.ReplicaUpdates.some((u) => u.Create !== undefined)) throw validationException(LEGACY_UNSUPPORTED);
  throw errors.GlobalTableNotFound({ name: input.GlobalTableName });
}

export function describeGlobalTableSettings(input: DescribeGlobalTableSettingsInput, _ctx: DynamoContext): DescribeGlobalTableSettingsOutput {
  check(...tableNameChecks(input.GlobalTableName, "globalTableName"));
  throw errors.GlobalTableSettingsNotFound({ name: input.GlobalTableName });
}

export function updateGlobalTableSettings(input: UpdateGlobalTableSettingsInput, _ctx: DynamoContext): UpdateGlobalTableSettingsOutput {
  check(
    ...tableNameChecks(input.GlobalTableName, "globalTableName"),
    oneOf("globalTableBillingMode", input.GlobalTableBillingMode, ["PROVISIONED", "PAY_PER_REQUEST"]),
    range("globalTableProvisionedWriteCapacityUnits", input.GlobalTableProvisionedWriteCapacityUnits, 1),
  );
  throw errors.GlobalTableSettingsNotFound({ name: input.GlobalTableName });
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
      if (!regions.includes(r.RegionName)) throw validationException(`${INVALID}: Region ${r.RegionName} is not a replica of table ${meta.name}`);
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
