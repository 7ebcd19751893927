/**
 * A table's definition as DynamoDB keeps it (stored as JSON in `dynamodb_tables`), and the
 * TableDescription built from it.
 */
import { randomBytes } from "node:crypto";
import { parseArn } from "../../core/arn.js";
import type { Scope } from "../../core/service.js";
import { decreasesToday, recordPayPerRequestSwitch } from "./capacity-limits.js";
import type { KeySchema } from "./domain/index.js";
import { vectorIndexDescription, vectorKeyAttributes, type VectorIndexMeta } from "./vectors.js";
import { ON_DEMAND_WARM, pinWarm, raiseWarm, warmDescription, warmFloor, type WarmThroughputMeta, type WarmUnits } from "./warm-throughput.js";

export type KeyAttributeType = "S" | "N" | "B";

export interface KeyElement {
  readonly AttributeName: string;
  readonly KeyType: "HASH" | "RANGE";
}

export interface AttributeDefinition {
  readonly AttributeName: string;
  readonly AttributeType: KeyAttributeType;
}

export interface Projection {
  readonly ProjectionType: "ALL" | "KEYS_ONLY" | "INCLUDE";
  readonly NonKeyAttributes?: string[];
}

export interface Throughput {
  read: number;
  write: number;
  lastIncrease?: number;
  lastDecrease?: number;
  decreasesToday: number;
}

export interface OnDemandThroughput {
  MaxReadRequestUnits?: number;
  MaxWriteRequestUnits?: number;
}

export interface IndexMeta {
  readonly name: string;
  readonly kind: "GSI" | "LSI";
  readonly keySchema: KeyElement[];
  readonly projection: Projection;
  provisioned?: Throughput;
  onDemand?: OnDemandThroughput;
  /** Absent on indexes from before it was kept: their start value (warm-throughput.ts). */
  warm?: WarmThroughputMeta;
  /**
   * A GSI UpdateTable is adding (`--dynamodb-status-delay`): CREATING in resource allocation
   * (Backfilling false, the table UPDATING) until `backfillFrom`, then CREATING and backfilling
   * (the table ACTIVE again) until `until`, as AWS shows it (DDB-TABLE-148).
   */
  building?: { readonly backfillFrom: number; readonly until: number };
}

/** A stream's label: its creation time in ISO form without the zone designator, as DynamoDB writes it (so labels sort as their times). */
export function streamLabel(now: number): string {
  return new Date(now).toISOString().replace(/Z$/, "");
}

export interface StreamMeta {
  enabled: boolean;
  viewType?: string;
  label?: string;
  arn?: string;
}

export interface TableMeta {
  readonly name: string;
  readonly id: string;
  readonly arn: string;
  readonly createdAt: number;
  attributeDefinitions: AttributeDefinition[];
  readonly keySchema: KeyElement[];
  billingMode: "PROVISIONED" | "PAY_PER_REQUEST";
  /** Epoch ms of the last switch to on-demand (the creation of a table made on demand): LastUpdateToPayPerRequestDateTime. */
  payPerRequestSince?: number;
  /** Epoch ms of the switches to on-demand in the last 24 hours, oldest first (capacity-limits.ts: AWS admits four). */
  payPerRequestSwitches?: number[];
  provisioned: Throughput;
  onDemand?: OnDemandThroughput;
  /** Absent on tables from before it was kept (and tables restored or imported): their start value (warm-throughput.ts). */
  warm?: WarmThroughputMeta;
  gsis: IndexMeta[];
  readonly lsis: IndexMeta[];
  /** CreateTable's VectorIndexes and UpdateTable's VectorIndexUpdates (vectors.ts); absent when there are none. */
  vectorIndexes?: VectorIndexMeta[];
  stream?: StreamMeta;
  sse?: { enabled: boolean; type?: string; kmsKeyArn?: string };
  /**
   * An encryption change still being applied: SSEDescription shows Status UPDATING with the
   * encryption before it (`from`, absent for the AWS owned key) while TableStatus stays ACTIVE
   * (DDB-TABLE-065/140/371). `to` is the encryption asked for: only a re-send of it is admitted meanwhile.
   */
  sseUpdate?: SseUpdate;
  /** Epoch ms of the SSESpecification changes of the current 24-hour window, the first opening it (capacity-limits.ts: AWS admits four, then one every 6 hours). */
  encryptionChanges?: number[];
  tableClass: string;
  /**
   * TableClassSummary is shown once TableClass was sent to CreateTable, or changed by UpdateTable
   * (LastUpdateDateTime: `updatedAt`); a table never given one shows none, STANDARD as it is
   * (DDB-TABLE-026/365).
   */
  tableClassSummary?: { updatedAt?: number };
  /** Epoch ms of the TableClass changes in the last 30 days, oldest first (capacity-limits.ts: AWS admits two). */
  tableClassUpdates?: number[];
  deletionProtection: boolean;
  /** Epoch ms of the last UpdateTable that changed DeletionProtectionEnabled: DynamoDB takes the next one 15 s later (DDB-TABLE-003). */
  deletionProtectionChangedAt?: number;
  /** `changedAt`: epoch ms of the last UpdateTimeToLive that changed it (absent on tables from before it was kept). */
  ttl?: { attribute: string; enabled: boolean; changedAt?: number };
  /** Epoch ms since point-in-time recovery is on. */
  pitrSince?: number;
  /** PITR's RecoveryPeriodInDays (1-35); 35 when unset. */
  pitrRecoveryPeriodDays?: number;
  /** Set on a table made by RestoreTableFromBackup or RestoreTableToPointInTime. */
  restore?: RestoreInfo;
  /** Resource-based policies by resource ARN: the table's and its stream's (handlers/resource-policies.ts). */
  resourcePolicies?: Record<string, ResourcePolicyMeta>;
  /** Contributor Insights by index name, "" for the table itself (handlers/contributor-insights.ts). */
  contributorInsights?: Record<string, ContributorInsightsMeta>;
  /** Kinesis streaming destinations, newest first (handlers/kinesis-destinations.ts). */
  kinesisDestinations?: KinesisDestinationMeta[];
  /** The ImportTable job filling the table: it is CREATING until the import ends. */
  importArn?: string;
  /** Set on every replica of a global table (each region keeps its own copy). */
  global?: GlobalMeta;
  /** UpdateTableReplicaAutoScaling's settings, recorded and answered (Nimbus scales nothing). */
  autoScaling?: AutoScalingMeta;
  /** The CreateTable, DeleteTable, or UpdateTable AWS runs asynchronously, still running (`--dynamodb-status-delay`; table-status.ts). */
  transition?: TableTransition;
}

export type TableTransition =
  | { readonly status: "CREATING"; readonly until: number }
  | { readonly status: "DELETING"; readonly until: number }
  | { readonly status: "UPDATING"; readonly until: number; readonly cause: UpdateCause };

/** What an UpdateTable is still doing, as AWS's ResourceInUseException messages name it. */
export type UpdateCause =
  /** `billingMode`: a switch of billing mode, which OnDemandThroughput's refusal names (DDB-TABLE-369). */
  | { readonly kind: "throughput"; readonly billingMode?: boolean }
  | { readonly kind: "stream"; readonly label: string; readonly operation: "ENABLE" | "DISABLE" }
  /** `previous`: the class (and summary) DescribeTable shows until the switch is done (DDB-TABLE-284). */
  | { readonly kind: "tableClass"; readonly tableClass: string; readonly previous?: TableClassShown }
  | { readonly kind: "index"; readonly name: string; readonly operation: "created" }
  /** `gone` is the deleted GSI as DescribeTable shows it, DELETING, while the update runs. */
  | { readonly kind: "index"; readonly name: string; readonly operation: "deleted"; readonly gone?: DeletedIndex };

export interface TableClassShown {
  readonly tableClass: string;
  readonly summary?: { readonly updatedAt?: number };
}

export interface SseUpdate {
  readonly until: number;
  readonly from?: { readonly type: string; readonly kmsKeyArn?: string };
  readonly to: { readonly enabled: boolean; readonly type?: string; readonly kmsKeyArn?: string };
}

/** Whether an encryption change is still being applied at `now`. */
export function sseUpdating(meta: Pick<TableMeta, "sseUpdate">, now: number): boolean {
  return meta.sseUpdate !== undefined && now < meta.sseUpdate.until;
}

/**
 * SSEDescription: absent for the AWS owned key (never {Status: DISABLED}: DDB-TABLE-079); while a
 * change is applied, Status UPDATING with the encryption before it (DDB-TABLE-140/371).
 */
function sseDescription(meta: TableMeta, now: number | undefined) {
  const u = meta.sseUpdate;
  if (u !== undefined && now !== undefined && now < u.until) {
    return { SSEDescription: { Status: "UPDATING", ...(u.from !== undefined ? { SSEType: u.from.type, KMSMasterKeyArn: u.from.kmsKeyArn } : {}) } };
  }
  return meta.sse?.enabled ? { SSEDescription: { Status: "ENABLED", SSEType: meta.sse.type ?? "KMS", KMSMasterKeyArn: meta.sse.kmsKeyArn } } : {};
}

/** TableClassSummary: the class before a switch until it is done (DDB-TABLE-284); absent for a table never given a class (DDB-TABLE-026). */
function tableClassDescription(meta: TableMeta, now: number | undefined) {
  const t = meta.transition;
  const switching = t?.status === "UPDATING" && t.cause.kind === "tableClass" && now !== undefined && now < t.until ? t.cause.previous : undefined;
  const shown: TableClassShown = switching ?? { tableClass: meta.tableClass, ...(meta.tableClassSummary !== undefined ? { summary: meta.tableClassSummary } : {}) };
  if (shown.tableClass === "STANDARD" && shown.summary === undefined) return {};
  const updatedAt = shown.summary?.updatedAt;
  return { TableClassSummary: { TableClass: shown.tableClass, ...(updatedAt !== undefined ? { LastUpdateDateTime: new Date(updatedAt) } : {}) } };
}

export interface DeletedIndex {
  readonly index: IndexMeta;
  readonly itemCount: number;
  readonly sizeBytes: number;
  /** The attribute definitions only this index used: dropped from the table, shown while it is DELETING. */
  readonly attributeDefinitions?: AttributeDefinition[];
}

/**
 * The attributes some key schema names: the table's, its indexes', its vector indexes'
 * SearchSchemas. AttributeDefinitions holds exactly these.
 */
export function keyedAttributes(table: Pick<TableMeta, "keySchema" | "lsis" | "gsis" | "vectorIndexes">): Set<string> {
  const names = new Set<string>();
  for (const k of table.keySchema) names.add(k.AttributeName);
  for (const index of [...table.lsis, ...table.gsis]) for (const k of index.keySchema) names.add(k.AttributeName);
  for (const name of vectorKeyAttributes(table.vectorIndexes)) names.add(name);
  return names;
}

/**
 * Drops the attribute definitions that no key schema uses any more (the table's, its indexes',
 * its vector indexes' search schemas), as AWS does once an index is deleted ("its attribute is
 * pruned from AttributeDefinitions", DDB-TABLE-149); a later index may then define the name
 * with another type. Answers the definitions dropped.
 */
export function pruneAttributeDefinitions(meta: TableMeta): AttributeDefinition[] {
  const used = keyedAttributes(meta);
  const dropped = meta.attributeDefinitions.filter((d) => !used.has(d.AttributeName));
  if (dropped.length > 0) meta.attributeDefinitions = meta.attributeDefinitions.filter((d) => used.has(d.AttributeName));
  return dropped;
}

/** A GSI's IndexStatus and Backfilling at `now`, for a table that is neither CREATING nor DELETING. */
export function buildingPhase(index: IndexMeta, now: number): { readonly backfilling: boolean } | undefined {
  const b = index.building;
  return b !== undefined && now < b.until ? { backfilling: now >= b.backfillFrom } : undefined;
}

/** A policy is stored, validated and returned; with `--enforce-policies` a table's decides its requests (access.ts). */
export interface ResourcePolicyMeta {
  /** Canonical document; absent once deleted (the entry keeps the deletion's RevisionId). */
  document?: string;
  /** Epoch ms of the change, as DynamoDB's RevisionIds are. */
  revisionId: string;
  confirmRemoveSelfResourceAccess?: boolean;
}

export interface ContributorInsightsMeta {
  enabled: boolean;
  mode: string;
  /** Epoch ms the CloudWatch rules were made; their names end with it. */
  rulesCreatedAt: number;
  updatedAt: number;
}

export interface KinesisDestinationMeta {
  readonly streamArn: string;
  status: "ACTIVE" | "DISABLED" | "ENABLE_FAILED";
  description?: string;
  /** ApproximateCreationDateTimePrecision once set; absent means MILLISECOND. */
  precision?: string;
}

export const CURRENT_GLOBAL_VERSION = "2019.11.21";
export const LEGACY_GLOBAL_VERSION = "2017.11.29";

/** What a replica's own settings change from the table's (UpdateTable ReplicaUpdates' overrides). */
export interface ReplicaOverrides {
  kmsMasterKeyId?: string;
  readCapacityUnits?: number;
  maxReadRequestUnits?: number;
  tableClass?: string;
  indexes?: Record<string, { readCapacityUnits?: number; maxReadRequestUnits?: number }>;
}

export interface GlobalMeta {
  readonly version: typeof CURRENT_GLOBAL_VERSION | typeof LEGACY_GLOBAL_VERSION;
  /** Every region with a replica, this one included, in the order they joined. */
  regions: string[];
  /** Epoch ms the global table was made (DescribeGlobalTable's CreationDateTime). */
  readonly createdAt: number;
  /**
   * Epoch ms until which this replica may not be deleted: it was the source of a new replica,
   * and "Replica cannot be deleted because it has acted as a source region for new replica(s)
   * being added to the table in the last 24 hours."
   */
  sourceUntil?: number;
  /** Per-region overrides (the same map on every replica). */
  overrides: Record<string, ReplicaOverrides>;
  /** MultiRegionConsistency STRONG (global-tables.ts); absent is EVENTUAL, which DescribeTable does not show. */
  consistency?: "STRONG";
  /** The witness region of a STRONG group of two replicas: no table there, only DescribeTable's GlobalTableWitnesses. */
  witness?: string;
}

export interface AutoScalingSettings {
  MinimumUnits?: number;
  MaximumUnits?: number;
  AutoScalingDisabled?: boolean;
  AutoScalingRoleArn?: string;
  ScalingPolicies?: {
    PolicyName?: string;
    TargetTrackingScalingPolicyConfiguration: { DisableScaleIn?: boolean; ScaleInCooldown?: number; ScaleOutCooldown?: number; TargetValue: number };
  }[];
}

export interface AutoScalingMeta {
  write?: AutoScalingSettings;
  /** Per region: the replica's read settings. */
  read?: Record<string, AutoScalingSettings>;
  indexWrite?: Record<string, AutoScalingSettings>;
  /** Per region, per index. */
  indexRead?: Record<string, Record<string, AutoScalingSettings>>;
}

export interface RestoreInfo {
  readonly sourceBackupArn?: string;
  readonly sourceTableArn: string;
  /** The backup's creation time, or the point in time restored to (epoch ms). */
  readonly restoreDateTime: number;
}

/**
 * Switches the table's billing mode (callers check the switch limit first: capacity-limits.ts).
 * On-demand drops the units of table and indexes; the table keeps its increase and decrease
 * bookkeeping, which DescribeTable still shows (DDB-TABLE-055). Back to provisioned, the table
 * keeps when it last went on demand: BillingModeSummary stays, saying PROVISIONED.
 */
export function setBillingMode(meta: TableMeta, mode: TableMeta["billingMode"], now: number): void {
  if (mode === meta.billingMode) return;
  // Warm throughput outlives the units it started from: "12000/4000 after a switch to PPR and kept after switching back" (DDB-TABLE-061).
  pinWarms(meta, now);
  meta.billingMode = mode;
  if (mode === "PAY_PER_REQUEST") {
    meta.payPerRequestSince = now;
    recordPayPerRequestSwitch(meta, now);
    meta.provisioned = { ...{}, ...meta.provisioned, read: 0, write: 0 };
    if (meta.warm !== undefined) meta.warm = raiseWarm(meta.warm, ON_DEMAND_WARM);
    for (const g of meta.gsis) {
      delete g.provisioned;
      if (g.warm !== undefined) g.warm = raiseWarm(g.warm, ON_DEMAND_WARM);
    }
  } else {
    meta.payPerRequestSince ??= meta.createdAt;
  }
}

/** Where the table's warm throughput starts without a request (warm-throughput.ts). */
export function tableWarmFloor(meta: Pick<TableMeta, "billingMode" | "provisioned">): WarmUnits {
  return warmFloor(meta.billingMode, meta.provisioned);
}

/** Where a GSI's warm throughput starts without a request. */
export function indexWarmFloor(meta: Pick<TableMeta, "billingMode">, index: Pick<IndexMeta, "provisioned">): WarmUnits {
  return warmFloor(meta.billingMode, index.provisioned);
}

/**
 * Writes down the warm throughput of the table and its GSIs as it is at `now` (an increase that
 * is done folded in, none kept as the start value), before a change that moves the units it
 * starts from: a decrease, a billing switch.
 */
export function pinWarms(meta: TableMeta, now: number): void {
  meta.warm = pinWarm(meta.warm, tableWarmFloor(meta), now);
  for (const g of meta.gsis) g.warm = pinWarm(g.warm, indexWarmFloor(meta, g), now);
}

export function tableArn(scope: Scope, name: string): string {
  return `arn:aws:dynamodb:${scope.region}:${scope.account}:table/${name}`;
}

const TABLE_ARN = /^arn:aws[\w-]*:dynamodb:([^:]*):(\d{12}):table\/([^/]+)$/;

/** A table ARN's Region, account and table name; undefined for anything else (a bare name, an index's ARN). */
export function parseTableArn(text: string): { readonly region: string; readonly account: string; readonly name: string } | undefined {
  // A bare table name, as most requests send, costs no regular expression.
  if (!text.startsWith("arn:")) return undefined;
  const m = TABLE_ARN.exec(text);
  return m === null ? undefined : { region: m[1] ?? "", account: m[2] ?? "", name: m[3] ?? "" };
}

/** `<table arn>/<kind>/<epoch ms, 14 digits>-<8 hex>`: how DynamoDB names a table's backups, exports and imports. */
export function tableChildArn(tableArn: string, kind: "backup" | "export" | "import" | "bulk-operation", now: number, random: Buffer = randomBytes(4)): string {
  return `${tableArn}/${kind}/${String(now).padStart(14, "0")}-${random.toString("hex")}`;
}

function typeOfAttribute(meta: TableMeta, name: string): KeyAttributeType {
  const def = meta.attributeDefinitions.find((d) => d.AttributeName === name);
  // CreateTable refuses key attributes without a definition, so a stored table always has one.
  return def?.AttributeType ?? "S";
}

/**
 * Schemas worked out from the frozen descriptions item operations read (store.readTable), by
 * their key schema: an item operation asks for its table's several times.
 */
const frozenSchemas = new WeakMap<readonly KeyElement[], KeySchema>();

function schemaFrom(meta: TableMeta, keySchema: readonly KeyElement[]): KeySchema {
  if (!Object.isFrozen(meta)) return deriveSchema(meta, keySchema);
  let schema = frozenSchemas.get(keySchema);
  if (schema === undefined) {
    schema = Object.freeze(deriveSchema(meta, keySchema));
    frozenSchemas.set(keySchema, schema);
  }
  return schema;
}

function deriveSchema(meta: TableMeta, keySchema: readonly KeyElement[]): KeySchema {
  // Only a GSI has more than one HASH or RANGE attribute (create-table.ts checkIndexKeySchema).
  if (keySchema.length > 2 || (keySchema.length === 2 && keySchema[1]?.KeyType === "HASH")) return deriveMultiSchema(meta, keySchema);
  const hash = keySchema.find((k) => k.KeyType === "HASH")?.AttributeName ?? "";
  const range = keySchema.find((k) => k.KeyType === "RANGE")?.AttributeName;
  const types: Record<string, KeyAttributeType> = { [hash]: typeOfAttribute(meta, hash) };
  if (range !== undefined) types[range] = typeOfAttribute(meta, range);
  return { partitionKey: hash, sortKey: range, types };
}

function deriveMultiSchema(meta: TableMeta, keySchema: readonly KeyElement[]): KeySchema {
  const partition = keySchema.filter((k) => k.KeyType === "HASH").map((k) => k.AttributeName);
  const sort = keySchema.filter((k) => k.KeyType === "RANGE").map((k) => k.AttributeName);
  const types: Record<string, KeyAttributeType> = {};
  for (const k of keySchema) types[k.AttributeName] = typeOfAttribute(meta, k.AttributeName);
  return { partitionKey: partition[0] ?? "", sortKey: sort[0], types, multi: { partition, sort } };
}

/** The key schema of the table itself. */
export function tableSchema(meta: TableMeta): KeySchema {
  return schemaFrom(meta, meta.keySchema);
}

export function indexSchema(meta: TableMeta, index: IndexMeta): KeySchema {
  return schemaFrom(meta, index.keySchema);
}

export function findIndex(meta: TableMeta, name: string): IndexMeta | undefined {
  return meta.gsis.find((i) => i.name === name) ?? meta.lsis.find((i) => i.name === name);
}

export function allIndexes(meta: TableMeta): IndexMeta[] {
  return [...meta.lsis, ...meta.gsis];
}

export function keyAttributeNames(schema: KeySchema): string[] {
  if (schema.multi !== undefined) return [...schema.multi.partition, ...schema.multi.sort];
  return schema.sortKey === undefined ? [schema.partitionKey] : [schema.partitionKey, schema.sortKey];
}

export interface IndexStats {
  readonly count: number;
  readonly bytes: number;
}

/** `now` (when known) puts NumberOfDecreasesToday back to 0 on a new UTC day. */
function throughputDescription(t: Throughput, now: number | undefined) {
  return {
    ...{}, ...(t.lastIncrease !== undefined ? { LastIncreaseDateTime: new Date(t.lastIncrease) } : {}),
    ...(t.lastDecrease !== undefined ? { LastDecreaseDateTime: new Date(t.lastDecrease) } : {}),
    NumberOfDecreasesToday: decreasesToday(t, now),
    ReadCapacityUnits: t.read,
    WriteCapacityUnits: t.write,
  };
}

/**
 * BillingModeSummary: on-demand tables have one, and so has a provisioned table that once was on
 * demand (BillingMode PROVISIONED, the time it last went on demand); a table made provisioned
 * and never switched has none (DDB-TABLE-025/055).
 */
function billingModeSummary(meta: TableMeta) {
  if (meta.billingMode === "PROVISIONED" && meta.payPerRequestSince === undefined) return {};
  return { BillingModeSummary: { BillingMode: meta.billingMode, LastUpdateToPayPerRequestDateTime: new Date(meta.payPerRequestSince ?? meta.createdAt) } };
}

/**
 * CreateTable's answer, and that of an UpdateTable that switches the billing mode, name the mode
 * alone: LastUpdateToPayPerRequestDateTime shows in DescribeTable once the change is done
 * (DDB-TABLE-033/060/183).
 */
export function withBillingModeAlone<T extends { BillingModeSummary?: { BillingMode: string } }>(description: T): T {
  const summary = description.BillingModeSummary;
  return summary === undefined ? description : { ...{}, ...description, BillingModeSummary: { BillingMode: summary.BillingMode } };
}

const ZERO: Throughput = { read: 0, write: 0, decreasesToday: 0 };

/** The TableDescription of CreateTable, DescribeTable, UpdateTable and DeleteTable. */
export function describeTable(
  meta: TableMeta,
  status: "CREATING" | "ACTIVE" | "DELETING" | "UPDATING",
  stats: (index: string) => IndexStats,
  /** Replicas the answering request is creating (UpdateTable ReplicaUpdates): left out, or CREATING in a STRONG group. */
  creatingReplicas: readonly string[] = [],
  /** The time whose GSI phases and decrease counts to show (a GSI UpdateTable added with a delay); absent, none is building. */
  now?: number,
) {
  const table = stats("");
  const indexArn = (name: string) => `${meta.arn}/index/${name}`;
  const gsiDescription = (i: IndexMeta, s: IndexStats, indexStatus: "CREATING" | "ACTIVE" | "DELETING") => ({
    IndexName: i.name,
    KeySchema: i.keySchema,
    Projection: i.projection,
    IndexStatus: indexStatus,
    ProvisionedThroughput: throughputDescription(meta.billingMode === "PAY_PER_REQUEST" ? ZERO : (i.provisioned ?? ZERO), now),
    IndexSizeBytes: s.bytes,
    ItemCount: s.count,
    IndexArn: indexArn(i.name),
    ...(i.onDemand ? { OnDemandThroughput: i.onDemand } : {}),
    WarmThroughput: warmDescription(i.warm, indexWarmFloor(meta, i), now),
  });
  // A GSI UpdateTable deleted shows DELETING while the table is UPDATING for it.
  const deleting = status === "UPDATING" ? deletedIndex(meta) : undefined;
  return {
    AttributeDefinitions: deleting?.attributeDefinitions !== undefined ? [...meta.attributeDefinitions, ...deleting.attributeDefinitions] : meta.attributeDefinitions,
    TableName: meta.name,
    KeySchema: meta.keySchema,
    TableStatus: status,
    CreationDateTime: new Date(meta.createdAt),
    // On demand the units are 0, the bookkeeping of the provisioned days stays.
    ProvisionedThroughput: throughputDescription(meta.billingMode === "PAY_PER_REQUEST" ? { ...{}, ...meta.provisioned, read: 0, write: 0 } : meta.provisioned, now),
    TableSizeBytes: table.bytes,
    ItemCount: table.count,
    TableArn: meta.arn,
    TableId: meta.id,
    ...billingModeSummary(meta),
    ...(meta.lsis.length > 0
      ? {
          LocalSecondaryIndexes: meta.lsis.map((i) => {
            const s = stats(i.name);
            return { IndexName: i.name, KeySchema: i.keySchema, Projection: i.projection, IndexSizeBytes: s.bytes, ItemCount: s.count, IndexArn: indexArn(i.name) };
          }),
        }
      : {}),
    ...(meta.gsis.length > 0 || deleting !== undefined
      ? {
          GlobalSecondaryIndexes: [
            ...meta.gsis.map((i) => {
              const s = stats(i.name);
              const building = status === "CREATING" || status === "DELETING" || now === undefined ? undefined : buildingPhase(i, now);
              return {
                ...{},
                ...gsiDescription(i, s, status === "CREATING" || building !== undefined ? "CREATING" : status === "DELETING" ? "DELETING" : "ACTIVE"),
                // Only a GSI UpdateTable adds has Backfilling; one CreateTable made never shows it (API reference).
                ...(building !== undefined ? { Backfilling: building.backfilling } : {}),
              };
            }),
            ...(deleting !== undefined ? [gsiDescription(deleting.index, { count: deleting.itemCount, bytes: deleting.sizeBytes }, "DELETING")] : []),
          ],
        }
      : {}),
    ...(meta.vectorIndexes !== undefined
      ? {
          VectorIndexes: meta.vectorIndexes.map((i) =>
            vectorIndexDescription(
              meta,
              i,
              status === "CREATING" || (status === "UPDATING" && creatingIndex(meta) === i.name) ? "CREATING" : status === "DELETING" ? "DELETING" : "ACTIVE",
              stats(i.name),
            ),
          ),
        }
      : {}),
    ...(meta.stream?.enabled
      ? {
          StreamSpecification: { StreamEnabled: true, StreamViewType: meta.stream.viewType },
          LatestStreamLabel: meta.stream.label,
          LatestStreamArn: meta.stream.arn,
        }
      : meta.stream?.label !== undefined
        ? { LatestStreamLabel: meta.stream.label, LatestStreamArn: meta.stream.arn }
        : {}),
    ...sseDescription(meta, now),
    ...tableClassDescription(meta, now),
    DeletionProtectionEnabled: meta.deletionProtection,
    ...(meta.onDemand ? { OnDemandThroughput: meta.onDemand } : {}),
    // Always shown, Status ACTIVE unless an increase is running (DDB-TABLE-032, "Check your DynamoDB table's current warm throughput").
    WarmThroughput: warmDescription(meta.warm, tableWarmFloor(meta), now),
    ...replicasDescription(meta, creatingReplicas, now),
    // Only while the restore runs (CREATING: --dynamodb-status-delay): from the first ACTIVE
    // answer on, nothing marks the table as restored (DDB-TABLE-216).
    ...(meta.restore && status === "CREATING"
      ? {
          RestoreSummary: {
            ...{}, ...(meta.restore.sourceBackupArn !== undefined ? { SourceBackupArn: meta.restore.sourceBackupArn } : {}),
            SourceTableArn: meta.restore.sourceTableArn,
            RestoreDateTime: new Date(meta.restore.restoreDateTime),
            RestoreInProgress: true,
          },
        }
      : {}),
  };
}

/**
 * DeleteTable's answer: the description without the table's keys, its creation time and its
 * indexes, which AWS leaves out there though DescribeTable shows them (ScyllaDB Alternator's
 * test_delete_table_description and test_delete_table_description_with_si, run against AWS; the
 * answer pasted in architect/dynalite#60).
 */
export function deletingDescription(description: ReturnType<typeof describeTable>) {
  const { AttributeDefinitions: _definitions, KeySchema: _keys, CreationDateTime: _created, LocalSecondaryIndexes: _lsis, GlobalSecondaryIndexes: _gsis, ...kept } = description;
  return kept;
}

function deletedIndex(meta: TableMeta): DeletedIndex | undefined {
  const t = meta.transition;
  return t?.status === "UPDATING" && t.cause.kind === "index" && t.cause.operation === "deleted" ? t.cause.gone : undefined;
}

/** The vector index an UpdateTable is adding, which shows CREATING while the table is UPDATING. */
export function creatingIndex(meta: TableMeta): string | undefined {
  const t = meta.transition;
  return t?.status === "UPDATING" && t.cause.kind === "index" && t.cause.operation === "created" ? t.cause.name : undefined;
}

/** The replica of one region as DescribeTable lists it under Replicas. */
function replicaDescription(meta: TableMeta, region: string, status: string, now: number | undefined) {
  const o = meta.global?.overrides[region] ?? {};
  const indexes = Object.entries(o.indexes ?? {});
  return {
    RegionName: region,
    ReplicaStatus: status,
    ...(o.kmsMasterKeyId !== undefined ? { KMSMasterKeyId: o.kmsMasterKeyId } : {}),
    ...(o.readCapacityUnits !== undefined ? { ProvisionedThroughputOverride: { ReadCapacityUnits: o.readCapacityUnits } } : {}),
    ...(o.maxReadRequestUnits !== undefined ? { OnDemandThroughputOverride: { MaxReadRequestUnits: o.maxReadRequestUnits } } : {}),
    ...(indexes.length > 0
      ? {
          GlobalSecondaryIndexes: indexes.map(([name, i]) => ({
            IndexName: name,
            ...(i.readCapacityUnits !== undefined ? { ProvisionedThroughputOverride: { ReadCapacityUnits: i.readCapacityUnits } } : {}),
            ...(i.maxReadRequestUnits !== undefined ? { OnDemandThroughputOverride: { MaxReadRequestUnits: i.maxReadRequestUnits } } : {}),
          })),
        }
      : {}),
    ...(o.tableClass !== undefined ? { ReplicaTableClassSummary: { TableClass: o.tableClass } } : {}),
    // Every replica has the table's warm throughput: "the warm throughput settings you set will automatically apply to all replica tables" (DDB-TABLE-201/229).
    WarmThroughput: warmDescription(meta.warm, tableWarmFloor(meta), now),
  };
}

/**
 * Replicas and GlobalTableVersion: only version 2019.11.21 shows them in DescribeTable; a STRONG
 * group adds MultiRegionConsistency (EVENTUAL is never shown) and its witness (DDB-TABLE-201/259).
 */
function replicasDescription(meta: TableMeta, creating: readonly string[], now: number | undefined) {
  if (meta.global?.version !== CURRENT_GLOBAL_VERSION) return {};
  const witness = meta.global.witness;
  const strong = meta.global.consistency === "STRONG";
  // Replicas lists the other regions, never the table's own (ack-api-quirks DDB-TABLE-229, recorded
  // against DynamoDB: "A lists [us-east-1], B lists [us-west-2]; never itself"; ScyllaDB Alternator's
  // test_create_global_table notes the same). The UpdateTable that adds a replica to an eventually
  // consistent table answers without it, its entry appearing seconds later (DDB-TABLE-226: the
  // first answers Replicas: []); a STRONG group's answer shows its new replicas CREATING.
  const own = parseArn(meta.arn)?.region;
  const listed = meta.global.regions.filter((r) => r !== own && (strong || !creating.includes(r)));
  return {
    GlobalTableVersion: CURRENT_GLOBAL_VERSION,
    Replicas: listed.map((r) => replicaDescription(meta, r, creating.includes(r) ? "CREATING" : "ACTIVE", now)),
    // Shown while the table has replicas, gone with the last (DDB-TABLE-229, -231).
    GlobalTableSettingsReplicationMode: "ENABLED_WITH_OVERRIDES",
    ...(strong ? { MultiRegionConsistency: "STRONG" } : {}),
    ...(witness !== undefined ? { GlobalTableWitnesses: [{ RegionName: witness, WitnessStatus: creating.includes(witness) ? "CREATING" : "ACTIVE" }] } : {}),
  };
}
