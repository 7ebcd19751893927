/**
 * DynamoDB global tables: a table of one name in several regions of one account, kept equal by
 * replication (./replication.ts). Each replica is a real table of its region (ListTables,
 * DescribeTable, GetItem, Query see it there) and carries the group in `TableMeta.global`.
 *
 * Version 2019.11.21 (current) is driven by UpdateTable ReplicaUpdates: DynamoDB creates the
 * replica table itself (with the data already there), turns the stream on with
 * NEW_AND_OLD_IMAGES when it is off (a stream already on keeps its view type), keeps the table
 * settings (key schema, GSIs, billing, write capacity, TTL) the same in every replica and lets
 * each replica override its read capacity, table class and KMS key. Version 2017.11.29
 * (legacy) global tables can no longer be made (./handlers/global-tables.ts); the rules kept here
 * for them serve groups of that version already in a data dir.
 *
 * Multi-Region strong consistency (MultiRegionConsistency STRONG, witnesses) is made and undone by
 * the same UpdateTable ReplicaUpdates; its rules are in its own section below.
 *
 * Messages quoted from DynamoDB: "Cannot add, delete, or update the local region through
 * ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.", "Disabling Stream
 * is not allowed for a Global Table replica.", "Replica cannot be deleted because it has acted
 * as a source region for new replica(s) being added to the table in the last 24 hours." The
 * others follow DynamoDB's style where its wording could not be found (see GLOBAL_MESSAGES).
 */
import { randomUUID } from "node:crypto";
import type { Scope } from "../../core/service.js";
import type { UpdateTableInput } from "../../generated/dynamodb.js";
import { GLOBAL_TABLE_REFUSAL } from "./bulk-puts.js";
import { validationException } from "./domain/index.js";
import { errors } from "./errors.js";
import type { DynamoContext } from "./context.js";
import { backfill } from "./handlers/update-table.js";
import { newStream, tableKeyArn } from "./handlers/create-table.js";
import { transferStore } from "./transfers.js";
import type { Check } from "./validation.js";
import { parseItem, reindexExpiry, streamChanged, writeItem } from "./items.js";
import {
  CURRENT_GLOBAL_VERSION,
  LEGACY_GLOBAL_VERSION,
  tableArn,
  type AutoScalingSettings,
  type GlobalMeta,
  type IndexMeta,
  type ReplicaOverrides,
  type TableMeta,
} from "./table.js";

const INVALID = "One or more parameter values were invalid: ";
/** A region that was the source of a new replica cannot delete its table for 24 hours. */
export const SOURCE_HOLD_MS = 24 * 60 * 60 * 1000;

export const GLOBAL_MESSAGES = {
  // ReplicaUpdates' refusals as recorded against DynamoDB (ack-api-quirks DDB-TABLE-223, -307 and
  // the message catalogue DDB-TABLE-442, 2026; ScyllaDB Alternator's test_add_region_already_exists
  // quotes the local-region one): "already existed" names the table in typographic quotes.
  localRegion: "Cannot add or delete the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.",
  // An Update of the local region keeps the older, wider wording (its current one was not recorded).
  localRegionUpdate: "Cannot add, delete, or update the local region through ReplicaUpdates. Use CreateTable, DeleteTable, or UpdateTable as required.",
  noAction: "There are no actions specified in the Replica Update Action of the request.",
  twoActions: "Update table operation with more than one type of replica actions not allowed.",
  oneCreateOrDelete: "Update table operation with more than one create or delete replica actions not allowed",
  replicaExists: (name: string) => `Failed to create a the new replica of table with name: \u2018${name}\u2019 because one or more replicas already existed as tables.`,
  notReplica: (regions: readonly string[]) =>
    `Update global table operation failed because one or more replicas were not part of the global table. Please retry the request without these replicas: [${regions.join(", ")}].`,
  disableStream: `${INVALID}Disabling Stream is not allowed for a Global Table replica.`,
  sourceHold: "Replica cannot be deleted because it has acted as a source region for new replica(s) being added to the table in the last 24 hours.",
  // Without the usual prefix, as DynamoDB sends them (Terraform users quote the table's; the
  // ack-api-quirks catalogue DDB-TABLE-442 and DDB-TABLE-188/291 record both).
  writeCapacity: "Table write capacity should either be Pay-Per-Request or AutoScaled.",
  indexWriteCapacity: "GSI write capacity should either be Pay-Per-Request or AutoScaled.",
  legacyTable: (name: string) => `${INVALID}Table ${name} is a replica of a global table of version ${LEGACY_GLOBAL_VERSION}; use UpdateGlobalTable to change its replicas.`,
} as const;

/** The handler context, speaking for another region of the same account (its events go there too). */
export function inRegion(ctx: DynamoContext, region: string): DynamoContext {
  const scope: Scope = { account: ctx.account, region };
  return { ...{}, ...ctx, region, emit: (type, detail, at) => ctx.emit(type, detail, at ?? scope) };
}

/**
 * A protected table refuses deletion; a member of a global table (by DeleteTable in its region or
 * ReplicaUpdates Delete from another) names itself and its region, as recorded against DynamoDB
 * (ack-api-quirks DDB-TABLE-329: "Cannot delete table <name> in region us-east-1 because it has
 * deletion protection enabled. Disable deletion protection first.", and the catalogue DDB-TABLE-442).
 */
export function deletionProtected(replica?: { readonly name: string; readonly region: string }): Error {
  if (replica !== undefined) {
    return validationException(`Cannot delete table ${replica.name} in region ${replica.region} because it has deletion protection enabled. Disable deletion protection first.`);
  }
  return validationException("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.");
}

// ---------------------------------------------------------------------------------------------
// Version 2019.11.21: UpdateTable ReplicaUpdates

type ReplicaUpdate = NonNullable<UpdateTableInput["ReplicaUpdates"]>[number];
type ReplicaMember = NonNullable<ReplicaUpdate["Create"]>;

function overridesOf(m: ReplicaMember, previous: ReplicaOverrides = {}): ReplicaOverrides {
  const indexes: NonNullable<ReplicaOverrides["indexes"]> = { ...{}, ...previous.indexes };
  for (const g of m.GlobalSecondaryIndexes ?? []) {
    indexes[g.IndexName] = {
      ...{},
      ...indexes[g.IndexName],
      ...(g.ProvisionedThroughputOverride?.ReadCapacityUnits !== undefined ? { readCapacityUnits: g.ProvisionedThroughputOverride.ReadCapacityUnits } : {}),
      ...(g.OnDemandThroughputOverride?.MaxReadRequestUnits !== undefined ? { maxReadRequestUnits: g.OnDemandThroughputOverride.MaxReadRequestUnits } : {}),
    };
  }
  return {
    ...{},
    ...previous,
    ...(m.KMSMasterKeyId !== undefined ? { kmsMasterKeyId: m.KMSMasterKeyId } : {}),
    ...(m.ProvisionedThroughputOverride?.ReadCapacityUnits !== undefined ? { readCapacityUnits: m.ProvisionedThroughputOverride.ReadCapacityUnits } : {}),
    ...(m.OnDemandThroughputOverride?.MaxReadRequestUnits !== undefined ? { maxReadRequestUnits: m.OnDemandThroughputOverride.MaxReadRequestUnits } : {}),
    ...(m.TableClassOverride !== undefined ? { tableClass: m.TableClassOverride } : {}),
    ...(Object.keys(indexes).length > 0 ? { indexes } : {}),
  };
}

/**
 * A Create's overrides as DynamoDB takes them: an index the table does not have, and a read
 * capacity for an on-demand table, are accepted and ignored (ack-api-quirks DDB-TABLE-307 and
 * -223, recorded 2026); an Update is checked (checkOverrides).
 */
function createOverrides(meta: TableMeta, m: ReplicaMember): ReplicaMember {
  const { ProvisionedThroughputOverride: read, GlobalSecondaryIndexes: indexes, ...rest } = m;
  const known = indexes?.filter((g) => meta.gsis.some((i) => i.name === g.IndexName));
  return {
    ...{},
    ...rest,
    ...(read !== undefined && meta.billingMode !== "PAY_PER_REQUEST" ? { ProvisionedThroughputOverride: read } : {}),
    ...(known !== undefined ? { GlobalSecondaryIndexes: known } : {}),
  };
}

function checkOverrides(meta: TableMeta, m: ReplicaMember): void {
  for (const g of m.GlobalSecondaryIndexes ?? []) {
    if (!meta.gsis.some((i) => i.name === g.IndexName)) {
      throw errors.ResourceNotFoundMessage({ message: `Requested resource not found: Index: ${g.IndexName} not found for table: ${meta.name}` });
    }
  }
  // Recorded without the usual "One or more parameter values were invalid: " (DDB-TABLE-223, -442).
  if (m.ProvisionedThroughputOverride !== undefined && meta.billingMode === "PAY_PER_REQUEST") {
    throw validationException("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  }
}

/**
 * The replica's index definitions: the table's, with the replica's read overrides. Where the
 * changed replica (`from`) overrides a read capacity itself, its value is its own, so the other
 * replicas keep theirs.
 */
function replicaIndexes(source: TableMeta, from: ReplicaOverrides, o: ReplicaOverrides, current: TableMeta | undefined): IndexMeta[] {
  return source.gsis.map((g) => {
    const kept = from.indexes?.[g.name]?.readCapacityUnits !== undefined ? current?.gsis.find((i) => i.name === g.name)?.provisioned?.read : undefined;
    const read = o.indexes?.[g.name]?.readCapacityUnits ?? kept;
    return {
      ...{},
      ...structuredClone(g),
      ...(g.provisioned !== undefined && read !== undefined ? { provisioned: { ...{}, ...g.provisioned, read } } : {}),
    };
  });
}

/**
 * What a replica takes from the table (everything but its identity, stream, PITR, deletion
 * protection and tags), with its own overrides applied. Also used to keep replicas in step
 * after an UpdateTable or UpdateTimeToLive in any of them.
 */
function replicaSettings(source: TableMeta, sourceRegion: string, region: string, account: string, current?: TableMeta) {
  const from = source.global?.overrides[sourceRegion] ?? {};
  const o = source.global?.overrides[region] ?? {};
  const read = o.readCapacityUnits ?? (from.readCapacityUnits !== undefined && current !== undefined ? current.provisioned.read : source.provisioned.read);
  return {
    attributeDefinitions: structuredClone(source.attributeDefinitions),
    billingMode: source.billingMode,
    ...(source.payPerRequestSince !== undefined ? { payPerRequestSince: source.payPerRequestSince } : {}),
    ...(source.payPerRequestSwitches !== undefined ? { payPerRequestSwitches: [...source.payPerRequestSwitches] } : {}),
    provisioned: { ...{}, ...structuredClone(source.provisioned), read },
    ...(source.onDemand !== undefined ? { onDemand: structuredClone(source.onDemand) } : {}),
    // "The warm throughput settings you set will automatically apply to all replica tables" (developer guide, "Understanding DynamoDB warm throughput").
    ...(source.warm !== undefined ? { warm: structuredClone(source.warm) } : {}),
    gsis: replicaIndexes(source, from, o, current),
    ...(source.ttl !== undefined ? { ttl: structuredClone(source.ttl) } : {}),
    ...(o.kmsMasterKeyId !== undefined
      ? { sse: { enabled: true, type: "KMS", kmsKeyArn: tableKeyArn(o.kmsMasterKeyId, { account, region }) } }
      : source.sse?.enabled
        ? // A KMS key is of one Region: a replica encrypted already keeps its key (the table the
          // group began from has it from CreateTable, not as an override); another gets its
          // Region's AWS managed key.
          { sse: current?.sse?.enabled ? structuredClone(current.sse) : { enabled: true, type: source.sse.type ?? "KMS", kmsKeyArn: tableKeyArn(undefined, { account, region }) } }
        : {}),
    tableClass: o.tableClass ?? (from.tableClass !== undefined && current !== undefined ? current.tableClass : source.tableClass),
  };
}

/** "A global table must be in on-demand mode or provisioned with auto scaling enabled." */
function checkWriteCapacity(meta: TableMeta, indexes = false): void {
  if (meta.billingMode !== "PROVISIONED") return;
  const scales = (s: AutoScalingSettings | undefined) => s !== undefined && s.AutoScalingDisabled !== true;
  if (!scales(meta.autoScaling?.write)) throw validationException(GLOBAL_MESSAGES.writeCapacity);
  // A new replica needs every GSI's writes scaled too, the index unnamed (DDB-TABLE-291, -187);
  // a GSI added to a global table has its write scaling made for it (DDB-TABLE-322).
  if (indexes && meta.gsis.some((g) => !scales(meta.autoScaling?.indexWrite?.[g.name]))) throw validationException(GLOBAL_MESSAGES.indexWriteCapacity);
}

function copyGroup(global: GlobalMeta, sourceUntil: number | undefined): GlobalMeta {
  const { sourceUntil: _own, ...shared } = structuredClone(global);
  return { ...{}, ...shared, ...(sourceUntil !== undefined ? { sourceUntil } : {}) };
}

/** Writes `meta.global` (the group) into every other member; a member left alone stops being global. */
function saveGroup(ctx: DynamoContext, meta: TableMeta, also: readonly string[] = []): void {
  const regions = new Set([...(meta.global?.regions ?? []), ...also]);
  for (const region of regions) {
    if (region === ctx.region) continue;
    const scope = { account: ctx.account, region };
    const other = ctx.store.getTable(scope, meta.name);
    if (other === undefined) continue;
    if (meta.global === undefined || !meta.global.regions.includes(region)) delete other.global;
    else other.global = copyGroup(meta.global, other.global?.sourceUntil);
    ctx.store.saveTable(scope, other);
  }
}

function createReplica(ctx: DynamoContext, meta: TableMeta, m: ReplicaMember, now: number): void {
  const region = m.RegionName;
  const there = inRegion(ctx, region);
  if (meta.global?.regions.includes(region) || ctx.store.getTable(there, meta.name) !== undefined) {
    throw validationException(GLOBAL_MESSAGES.replicaExists(meta.name));
  }
  // "You cannot add a replica to a table that has a bulk put items operation in progress."
  if (transferStore(ctx).activeCount(ctx, "bulk", meta.arn) > 0) throw validationException(`${GLOBAL_TABLE_REFUSAL}: a bulk put items operation is in progress on table ${meta.name}`);
  checkWriteCapacity(meta, true);
  // "MRSC global tables do not use DynamoDB Streams for replication, so Streams are not enabled by default on MRSC replicas."
  const strong = meta.global?.consistency === "STRONG";

  if (!meta.stream?.enabled && !strong) {
    meta.stream = newStream(ctx.store, ctx, meta.arn, "NEW_AND_OLD_IMAGES", now);
    const changed = streamChanged(meta, true, now);
    if (changed) ctx.emit("dynamodb:StreamChanged", changed);
  }
  const group: GlobalMeta = meta.global ?? { version: CURRENT_GLOBAL_VERSION, regions: [ctx.region], createdAt: now, overrides: {} };
  group.regions.push(region);
  group.overrides[region] = overridesOf(createOverrides(meta, m));
  group.sourceUntil = now + SOURCE_HOLD_MS;
  meta.global = group;

  const arn = tableArn(there, meta.name);
  const replica: TableMeta = {
    ...{},
    ...replicaSettings(meta, ctx.region, region, ctx.account),
    name: meta.name,
    id: randomUUID(),
    arn,
    createdAt: now,
    keySchema: structuredClone(meta.keySchema),
    lsis: structuredClone(meta.lsis),
    deletionProtection: false,
    global: copyGroup(group, undefined),
  };
  // The items already there are copied in (no stream records: the replica's stream starts after).
  for (const row of ctx.store.range(ctx, meta.name, "", {})) writeItem(there, replica, undefined, parseItem(row.item), { replicated: true });
  if (!strong) replica.stream = newStream(ctx.store, there, arn, meta.stream?.viewType ?? "NEW_AND_OLD_IMAGES", now);
  ctx.store.insertTable(there, replica);
  const changed = replica.stream?.enabled ? streamChanged(replica, true, now) : undefined;
  if (changed) there.emit("dynamodb:StreamChanged", changed);
  saveGroup(ctx, meta);
}

function updateReplica(ctx: DynamoContext, meta: TableMeta, m: ReplicaMember): void {
  const group = meta.global;
  if (group === undefined || !group.regions.includes(m.RegionName)) throw validationException(GLOBAL_MESSAGES.notReplica([m.RegionName]));
  checkOverrides(meta, m);
  group.overrides[m.RegionName] = overridesOf(m, group.overrides[m.RegionName]);
  saveGroup(ctx, meta);
  syncReplica(ctx, meta, m.RegionName);
}

function deleteReplica(ctx: DynamoContext, meta: TableMeta, region: string): void {
  const group = meta.global;
  if (group === undefined || !group.regions.includes(region)) throw validationException(GLOBAL_MESSAGES.notReplica([region]));
  const there = inRegion(ctx, region);
  const replica = ctx.store.getTable(there, meta.name);
  if (replica?.deletionProtection) throw deletionProtected({ name: replica.name, region });
  if (replica !== undefined) dropTable(there, replica);
  leaveGroup(ctx, meta, region);
}

/** Deletes a replica's table in its region, as DeleteTable does (its stream is disabled). */
function dropTable(there: DynamoContext, replica: TableMeta): void {
  there.store.deleteTable(there, replica.name);
  const changed = streamChanged(replica, false, there.clock.now(), { tableDeleted: true });
  if (changed) there.emit("dynamodb:StreamChanged", changed);
}

/** `region` leaves meta's group; the member left alone becomes a regional table again (its stream stays on). */
function leaveGroup(ctx: DynamoContext, meta: TableMeta, region: string): void {
  const group = meta.global;
  if (group === undefined) return;
  group.regions = group.regions.filter((r) => r !== region);
  delete group.overrides[region];
  // A legacy global table may have a single replica; a current one is global only with two or more.
  const gone = group.version === CURRENT_GLOBAL_VERSION ? group.regions.length < 2 : group.regions.length === 0;
  if (gone) delete meta.global;
  saveGroup(ctx, meta, group.regions);
}

/** UpdateTable's MultiRegionConsistency and GlobalTableWitnessUpdates, which go with its ReplicaUpdates. */
export interface ConsistencyRequest {
  readonly mode?: string;
  readonly witnesses: readonly WitnessUpdate[];
}

/**
 * UpdateTable's ReplicaUpdates, applied to `meta` (saved by the caller) and the other regions;
 * returns the regions of the replicas (and the witness) created (the answer leaves them out, or
 * for a STRONG group shows them CREATING, as DynamoDB's does; they are ACTIVE by the time anyone
 * describes the table).
 */
export function applyReplicaUpdates(
  ctx: DynamoContext,
  meta: TableMeta,
  updates: NonNullable<UpdateTableInput["ReplicaUpdates"]>,
  now: number,
  consistency: ConsistencyRequest = { witnesses: [] },
): string[] {
  if (meta.global?.consistency === "STRONG" || consistency.mode !== undefined || consistency.witnesses.length > 0) {
    for (const u of updates) checkReplicaUpdate(ctx, meta, u);
    return applyConsistency(ctx, meta, updates, consistency, now);
  }
  // One replica Create or Delete per call; the same one twice counts once (ack-api-quirks
  // DDB-TABLE-265 and -223, recorded 2026; the same for two Deletes). A repeat passes or fails
  // the same checks as its first, so the unique ones are checked, each once.
  const texts = updates.map((u) => JSON.stringify(u));
  const unique = updates.filter((_, i) => texts.indexOf(texts[i] as string) === i);
  const regions = unique.map((u) => checkReplicaUpdate(ctx, meta, u));
  if (unique.filter((u) => u.Create !== undefined || u.Delete !== undefined).length > 1) throw validationException(GLOBAL_MESSAGES.oneCreateOrDelete);
  const created: string[] = [];
  for (const [i, u] of unique.entries()) {
    const region = regions[i] as string;
    if (u.Create) {
      createReplica(ctx, meta, u.Create, now);
      created.push(region);
    } else if (u.Update) updateReplica(ctx, meta, u.Update);
    else deleteReplica(ctx, meta, region);
  }
  return created;
}

/** A ReplicationGroupUpdate's own rules: one action, another region, a current global table; answers its region. */
function checkReplicaUpdate(ctx: DynamoContext, meta: TableMeta, u: ReplicaUpdate): string {
  const actions = [u.Create, u.Update, u.Delete].filter((a) => a !== undefined);
  if (actions.length > 1) throw validationException(GLOBAL_MESSAGES.twoActions);
  // An Update naming only its region asks for nothing either.
  const update = u.Update === undefined ? undefined : Object.entries(u.Update).filter(([k, v]) => k !== "RegionName" && v !== undefined);
  if (actions.length === 0 || update?.length === 0) throw validationException(GLOBAL_MESSAGES.noAction);
  const region = (actions[0] as { RegionName: string }).RegionName;
  if (region === ctx.region) throw validationException(u.Update !== undefined ? GLOBAL_MESSAGES.localRegionUpdate : GLOBAL_MESSAGES.localRegion);
  if (meta.global?.version === LEGACY_GLOBAL_VERSION) throw validationException(GLOBAL_MESSAGES.legacyTable(meta.name));
  return region;
}

/** UpdateTable's stream rule for replicas (of either version): replication needs their stream on, but for a STRONG group's. */
export function checkStreamDisable(meta: TableMeta): void {
  if (meta.global !== undefined && meta.global.consistency !== "STRONG") throw validationException(GLOBAL_MESSAGES.disableStream);
}

/**
 * DeleteTable of a replica (either version): the table goes and its region leaves the group,
 * unless it sourced a new replica in the last 24 hours.
 */
export function leaveOnDelete(ctx: DynamoContext, meta: TableMeta, now: number): void {
  if (meta.global === undefined) return;
  // A STRONG group goes only as a whole, by UpdateTable (DDB-TABLE-260).
  if (meta.global.consistency === "STRONG") throw validationException(STRONG_MESSAGES.oneReplica);
  if (meta.global.sourceUntil !== undefined && now < meta.global.sourceUntil) throw validationException(GLOBAL_MESSAGES.sourceHold);
  leaveGroup(ctx, meta, ctx.region);
}

/** Carries a changed table's settings (UpdateTable, UpdateTimeToLive...) into the other replicas of a current global table. */
export function syncReplicas(ctx: DynamoContext, meta: TableMeta): void {
  if (meta.global?.version !== CURRENT_GLOBAL_VERSION) return;
  checkWriteCapacity(meta);
  for (const region of meta.global.regions) if (region !== ctx.region) syncReplica(ctx, meta, region);
}

function syncReplica(ctx: DynamoContext, meta: TableMeta, region: string): void {
  const there = inRegion(ctx, region);
  const replica = ctx.store.getTable(there, meta.name);
  if (replica === undefined) return;
  const before = replica;
  const after: TableMeta = { ...{}, ...replica, ...replicaSettings(meta, ctx.region, region, ctx.account, replica), autoScaling: structuredClone(meta.autoScaling) };
  if (after.autoScaling === undefined) delete after.autoScaling;
  // Index rows follow the index definitions; TTL changes re-index the items' expiry.
  for (const g of before.gsis) if (!after.gsis.some((i) => i.name === g.name)) there.store.deleteIndexRows(there, meta.name, g.name);
  const added = after.gsis.filter((g) => !before.gsis.some((i) => i.name === g.name));
  const ttlChanged = JSON.stringify(before.ttl) !== JSON.stringify(after.ttl);
  there.store.saveTable(there, after);
  if (added.length > 0 || ttlChanged) reindex(there, after, added, ttlChanged);
}

/** Fills new indexes and refreshes TTL expiry from the replica's items. */
function reindex(there: DynamoContext, meta: TableMeta, indexes: readonly IndexMeta[], ttl: boolean): void {
  for (const index of indexes) backfill(there, meta, index);
  if (ttl) reindexExpiry(there.store, there, meta);
}

// ---------------------------------------------------------------------------------------------
// Multi-Region strong consistency (MRSC): UpdateTable MultiRegionConsistency, GlobalTableWitnessUpdates
//
// From the developer guide ("How DynamoDB global tables work", "Multi-Region strong consistency")
// and the ack-api-quirks DynamoDB catalogue, which measured AWS (DDB-TABLE-202/257/258/259/260/261):
// a STRONG group is made in one UpdateTable from a table that "contains no data", by "one replica
// and a witness, or two replicas" (three regions, the witness in a region of neither replica); it
// cannot be added to, nor lose a single replica or its witness ("You can delete two replicas, or
// delete one replica and a witness, ... converting the remaining replica to a single-Region DynamoDB
// table"); its mode never changes. "Time to Live (TTL) is not supported for MRSC global tables",
// nor are "Local secondary indexes (LSIs)"; streams are not turned on for it. MRSC is available
// in the US, EU and AP Region sets; the guide adds that a group "cannot span Region sets", but AWS
// was measured accepting an eu-west-1 replica with a us-east-2 witness of a us-west-2 table
// (DDB-TABLE-257), so Nimbus refuses only regions outside the three sets, as AWS does.

type WitnessUpdate = NonNullable<UpdateTableInput["GlobalTableWitnessUpdates"]>[number];

/** The regions of the US, EU and AP Region sets MRSC is available in. */
export const MRSC_REGIONS: ReadonlySet<string> = new Set([
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "eu-west-1",
  "eu-west-2",
  "eu-west-3",
  "eu-central-1",
  "ap-northeast-1",
  "ap-northeast-2",
  "ap-northeast-3",
]);

/**
 * AWS's texts as the catalogue records them (DDB-TABLE-257/260, DDB-TABLE-442's message list), but
 * for the last four, whose AWS wording is not recorded anywhere we could find: those say the
 * documented rule in DynamoDB's manner.
 */
export const STRONG_MESSAGES = {
  alone: `${INVALID}Requests that modify replicas or witnesses must not also modify other fields`,
  needsStrong: "MultiRegionConsistency must be set as STRONG when GlobalTableWitnessUpdates parameter is present.",
  onlyCreates: "Only Replica Create actions are supported when MultiRegionConsistency parameter is provided.",
  replicaCount: "Unsupported replica count for global tables with MultiRegionConsistency set to STRONG.",
  regions: (regions: readonly string[]) => `Unsupported Region(s) specified for global tables with MultiRegionConsistency set to STRONG: [${regions.join(", ")}].`,
  sameAction: "Cannot target multiple regions with the same action",
  witnessHere: "Cannot add a witness in the same region as an existing replica when creating a global table with MultiRegionConsistency set to STRONG.",
  existing: "MultiRegionConsistency parameter is unsupported on existing global table",
  addReplica: "Cannot add replicas to a global table with strong MultiRegionConsistency",
  witnessesLeft: "Update table delete operation does not include all witnesses.",
  oneReplica: "Deletion of only one table replica is not supported for global tables with MultiRegionConsistency set to STRONG.",
  notWitness: (regions: readonly string[]) =>
    `Update global table operation failed because one or more witnesses were not part of the global table. Please retry the request without these witnesses: [${regions.join(", ")}].`,
  // Nimbus's wording, after the guide's sentences (AWS's texts not recorded):
  witnessAction: `${INVALID}One of Create or Delete must be specified in a GlobalTableWitnessGroupUpdate`,
  notEmpty: (name: string) => `${INVALID}Table ${name} contains items: a global table with MultiRegionConsistency set to STRONG can only be created from an empty table.`,
  lsi: `${INVALID}Local secondary indexes are not supported for global tables with MultiRegionConsistency set to STRONG.`,
  ttl: `${INVALID}Time to Live (TTL) is not supported for global tables with MultiRegionConsistency set to STRONG.`,
} as const;

/** GlobalTableWitnessUpdates as Coral checks it: at most one ("Member must have length less than or equal to 1", DDB-TABLE-257). */
export function witnessUpdatesCheck(witnesses: readonly WitnessUpdate[] | undefined): Check {
  const member = (a: { RegionName: string } | undefined, action: string) => (a === undefined ? "null" : `${action}GlobalTableWitnessGroupMemberAction(regionName=${a.RegionName})`);
  const shown = (witnesses ?? []).map((w) => `GlobalTableWitnessGroupUpdate(create=${member(w.Create, "Create")}, delete=${member(w.Delete, "Delete")})`);
  return { field: "globalTableWitnessUpdates", value: `[${shown.join(", ")}]`, failure: (witnesses ?? []).length > 1 ? "Member must have length less than or equal to 1" : undefined };
}

/**
 * What UpdateTable refuses about MultiRegionConsistency and witnesses before it looks the table up,
 * once the request asks a change (`asked`; the two alone are "At least one of ... is required").
 */
export function checkConsistencyRequest(input: UpdateTableInput, asked: readonly string[]): void {
  const witnesses = input.GlobalTableWitnessUpdates ?? [];
  const mode = input.MultiRegionConsistency;
  if (mode === undefined && witnesses.length === 0) return;
  if (asked.some((m) => m !== "ReplicaUpdates")) throw validationException(STRONG_MESSAGES.alone);
  if (witnesses.some((w) => (w.Create === undefined) === (w.Delete === undefined))) throw validationException(STRONG_MESSAGES.witnessAction);
  if (witnesses.some((w) => w.Create !== undefined) && mode !== "STRONG") throw validationException(STRONG_MESSAGES.needsStrong);
  if (mode !== undefined && (input.ReplicaUpdates ?? []).some((u) => u.Create === undefined)) throw validationException(STRONG_MESSAGES.onlyCreates);
}

/** ReplicaUpdates with MultiRegionConsistency or witnesses, or on a STRONG group. */
function applyConsistency(ctx: DynamoContext, meta: TableMeta, updates: readonly ReplicaUpdate[], consistency: ConsistencyRequest, now: number): string[] {
  const strong = meta.global?.consistency === "STRONG";
  if (consistency.mode === "STRONG") checkStrongShape(ctx, updates, consistency.witnesses);
  // STRONG or EVENTUAL, the mode of a global table is not changed (DDB-TABLE-202/260).
  if (consistency.mode !== undefined && meta.global !== undefined) throw validationException(STRONG_MESSAGES.existing);
  if (strong) return changeStrongGroup(ctx, meta, updates, consistency.witnesses);
  const strangers = consistency.witnesses.flatMap((w) => (w.Delete !== undefined ? [w.Delete.RegionName] : []));
  if (strangers.length > 0) throw validationException(STRONG_MESSAGES.notWitness(strangers));
  if (consistency.mode === "STRONG") return createStrongGroup(ctx, meta, updates, consistency.witnesses, now);
  // EVENTUAL, the default, on a table that is no global table yet: an ordinary replica.
  return applyReplicaUpdates(ctx, meta, updates as NonNullable<UpdateTableInput["ReplicaUpdates"]>, now);
}

/** Three regions: the table's, and two replica Creates or one and a witness, in the MRSC regions; the witness in a region of neither. */
function checkStrongShape(ctx: DynamoContext, updates: readonly ReplicaUpdate[], witnesses: readonly WitnessUpdate[]): void {
  const replicas = updates.flatMap((u) => (u.Create !== undefined ? [u.Create.RegionName] : []));
  const witness = witnesses.flatMap((w) => (w.Create !== undefined ? [w.Create.RegionName] : []));
  if (replicas.length + witness.length !== 2) throw validationException(STRONG_MESSAGES.replicaCount);
  const unsupported = [...new Set([ctx.region, ...replicas, ...witness])].filter((r) => !MRSC_REGIONS.has(r));
  if (unsupported.length > 0) throw validationException(STRONG_MESSAGES.regions(unsupported));
  if (new Set([...replicas, ...witness]).size < replicas.length + witness.length) throw validationException(STRONG_MESSAGES.sameAction);
  if (witness.includes(ctx.region)) throw validationException(STRONG_MESSAGES.witnessHere);
}

/** A regional table becomes a STRONG group: its replicas made (no streams turned on), its witness named. */
function createStrongGroup(ctx: DynamoContext, meta: TableMeta, updates: readonly ReplicaUpdate[], witnesses: readonly WitnessUpdate[], now: number): string[] {
  if (ctx.store.stats(ctx, meta.name, "").count > 0) throw validationException(STRONG_MESSAGES.notEmpty(meta.name));
  if (meta.lsis.length > 0) throw validationException(STRONG_MESSAGES.lsi);
  if (meta.ttl?.enabled) throw validationException(STRONG_MESSAGES.ttl);
  const witness = witnesses.find((w) => w.Create !== undefined)?.Create?.RegionName;
  meta.global = { version: CURRENT_GLOBAL_VERSION, regions: [ctx.region], createdAt: now, overrides: {}, consistency: "STRONG", ...(witness !== undefined ? { witness } : {}) };
  const created: string[] = [];
  for (const u of updates) {
    if (u.Create === undefined) continue;
    createReplica(ctx, meta, u.Create, now);
    created.push(u.Create.RegionName);
  }
  return witness !== undefined ? [...created, witness] : created;
}

/**
 * ReplicaUpdates on a STRONG group: no Create; Deletes only of every other replica and the
 * witness at once, which leaves this replica a regional table (DDB-TABLE-260/261); Updates as for
 * any replica.
 */
function changeStrongGroup(ctx: DynamoContext, meta: TableMeta, updates: readonly ReplicaUpdate[], witnesses: readonly WitnessUpdate[]): string[] {
  const group = meta.global as GlobalMeta;
  if (updates.some((u) => u.Create !== undefined)) throw validationException(STRONG_MESSAGES.addReplica);
  const witnessDeletes = witnesses.flatMap((w) => (w.Delete !== undefined ? [w.Delete.RegionName] : []));
  const strangers = witnessDeletes.filter((r) => r !== group.witness);
  if (strangers.length > 0) throw validationException(STRONG_MESSAGES.notWitness(strangers));
  const deletes = updates.flatMap((u) => (u.Delete !== undefined ? [u.Delete.RegionName] : []));
  const strangerReplicas = deletes.filter((r) => !group.regions.includes(r));
  if (strangerReplicas.length > 0) throw validationException(GLOBAL_MESSAGES.notReplica(strangerReplicas));
  if (deletes.length > 0 || witnessDeletes.length > 0) {
    if (deletes.length > 0 && group.witness !== undefined && witnessDeletes.length === 0) throw validationException(STRONG_MESSAGES.witnessesLeft);
    if (group.regions.some((r) => r !== ctx.region && !deletes.includes(r)) || deletes.length === 0) throw validationException(STRONG_MESSAGES.oneReplica);
    delete group.witness;
    for (const region of deletes) deleteReplica(ctx, meta, region);
  }
  for (const u of updates) if (u.Update !== undefined) updateReplica(ctx, meta, u.Update);
  return [];
}

/** UpdateTimeToLive on a replica of a STRONG group: "Time to Live (TTL) is not supported for MRSC global tables." */
export function checkTtlAllowed(meta: TableMeta): void {
  if (meta.global?.consistency === "STRONG") throw validationException(STRONG_MESSAGES.ttl);
}
