import type { UpdateTableInput, UpdateTableOutput } from "../../../generated/dynamodb.js";
import type { AwsError } from "../../../core/errors.js";
import { validationException } from "../domain/index.js";
import { errors } from "../errors.js";
import type { DynamoContext } from "../context.js";
import { backfillsInto, indexRow, parseItem, requireTable, serializeItem, streamChanged } from "../items.js";
import {
  checkAccountMaximum,
  checkDecrease,
  checkDeletionProtectionUpdate,
  checkEncryptionChange,
  checkOnDemandMaximum,
  checkOnDemandRange,
  checkPayPerRequestSwitch,
  checkProvisionedMaximum,
  checkTableClassUpdate,
  decreasesToday,
  recordEncryptionChange,
  recordTableClassUpdate,
  reservedUnits,
} from "../capacity-limits.js";
import {
  describeTable,
  indexSchema,
  indexWarmFloor,
  pinWarms,
  pruneAttributeDefinitions,
  setBillingMode,
  sseUpdating,
  tableWarmFloor,
  withBillingModeAlone,
  type AttributeDefinition,
  type DeletedIndex,
  type IndexMeta,
  type SseUpdate,
  type TableMeta,
  type Throughput,
  type UpdateCause,
} from "../table.js";
import { checkUpdatable, ONE_ONLINE_INDEX, statusDelay, tableStatus, type IndexChange, type UpdateKind } from "../table-status.js";
import { check, checkThroughputBounds, oneOf, range, tableNameChecks, type Check } from "../validation.js";
import {
  checkTableKeysDefined,
  checkIndexKeySchema,
  checkProjectedTotal,
  checkProjection,
  checkTableClass,
  indexMemberChecks,
  MAX_GSI,
  newStream,
  sseAsked,
  vectorIndexMemberChecks,
  vectorIndexOf,
} from "./create-table.js";
import { checkNewVectorIndexes, serializeEntry, vectorRow, type VectorIndexMeta } from "../vectors.js";
import { applyReplicaUpdates, checkConsistencyRequest, checkStreamDisable, syncReplicas, witnessUpdatesCheck } from "../global-tables.js";
import { checkIndexWarmMembers, initialWarm, isEmptyWarm, raiseWarm, requestWarm, warmFloor, type WarmThroughputMeta, type WarmUnits } from "../warm-throughput.js";

const INVALID = "One or more parameter values were invalid: ";

type IndexUpdate = NonNullable<UpdateTableInput["GlobalSecondaryIndexUpdates"]>[number];
type VectorIndexUpdate = NonNullable<UpdateTableInput["VectorIndexUpdates"]>[number];

/**
 * DynamoDB's refusal of provisioned units equal to those the table or index has (ack-api-quirks
 * DDB-TABLE-057, -164). For the table the whole text is recorded; for an index it is recorded up
 * to "Current WriteCapacityUnits ...", with "the index gsi1" and "provisioned for index gsi1" where
 * the table's says "the table"; its end is taken to be the table's.
 */
function unchangedThroughput(subject: string, holder: string, read: number, write: number): AwsError {
  return validationException(
    `The provisioned throughput for ${subject} will not change. The requested value equals the current value. Current ReadCapacityUnits provisioned for ${holder}: ${read}. Requested ReadCapacityUnits: ${read}. Current WriteCapacityUnits provisioned for ${holder}: ${write}. Requested WriteCapacityUnits: ${write}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher limits.`,
  );
}

/** Each VectorIndexUpdates member's action as Coral checks it ("vectorIndexUpdates.1.member.create.dimensions"). */
function vectorUpdateChecks(updates: readonly VectorIndexUpdate[]): Check[] {
  return updates.flatMap((u, i) => {
    const member = `vectorIndexUpdates.${i + 1}.member`;
    return [
      ...(u.Create ? vectorIndexMemberChecks(`${member}.create`, u.Create) : []),
      ...(u.Delete ? tableNameChecks(u.Delete.IndexName, `${member}.delete.indexName`) : []),
    ];
  });
}

/** A VectorIndexUpdates member does one thing: create or delete (Nimbus's wording, after GlobalSecondaryIndexUpdates'). */
function checkVectorUpdates(updates: readonly VectorIndexUpdate[]): void {
  for (const u of updates) {
    if (u.Create === undefined && u.Delete === undefined) {
      throw validationException(`${INVALID}One of VectorIndexUpdate.Create, VectorIndexUpdate.Delete must not be null`);
    }
    if (u.Create !== undefined && u.Delete !== undefined) {
      throw validationException(`${INVALID}Only one of VectorIndexUpdate.Create, VectorIndexUpdate.Delete can be specified`);
    }
  }
}

/** Each GlobalSecondaryIndexUpdates member's action as Coral checks it ("globalSecondaryIndexUpdates.2.member.update.indexName"). */
function indexUpdateChecks(updates: readonly IndexUpdate[]): Check[] {
  return updates.flatMap((u, i) => {
    const member = `globalSecondaryIndexUpdates.${i + 1}.member`;
    const t = u.Update?.ProvisionedThroughput;
    return [
      ...(u.Update ? tableNameChecks(u.Update.IndexName, `${member}.update.indexName`) : []),
      range(`${member}.update.provisionedThroughput.readCapacityUnits`, t?.ReadCapacityUnits, 1),
      range(`${member}.update.provisionedThroughput.writeCapacityUnits`, t?.WriteCapacityUnits, 1),
      ...(u.Create ? indexMemberChecks(`${member}.create`, u.Create, "GSI") : []),
      ...(u.Delete ? tableNameChecks(u.Delete.IndexName, `${member}.delete.indexName`) : []),
    ];
  });
}

/**
 * What DynamoDB refuses in GlobalSecondaryIndexUpdates before it looks the table up: a member
 * with no action, two actions on one index (creating and deleting it, say), then more than one
 * index created or deleted.
 */
function checkIndexUpdates(updates: readonly IndexUpdate[]): void {
  const names = new Set<string>();
  for (const u of updates) {
    const name = (u.Update ?? u.Create ?? u.Delete)?.IndexName;
    if (name === undefined) {
      throw validationException(`${INVALID}One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, GlobalSecondaryIndexUpdate.Delete must not be null`);
    }
    if (names.has(name)) throw validationException(`${INVALID}Only one global secondary index update per index is allowed simultaneously. Index: ${name}`);
    names.add(name);
  }
}

/**
 * New units for a provisioned table or GSI. A change that lowers either unit is one decrease
 * (both at once, or one down and the other up, count once: DDB-TABLE-157), refused beyond the
 * day's allowance (capacity-limits.ts); `current` undefined is a GSI getting units as the table
 * leaves on-demand, which is neither an increase nor a decrease (DDB-TABLE-055).
 */
function changeThroughput(current: Throughput | undefined, read: number, write: number, now: number): Throughput {
  if (current === undefined) return { read, write, decreasesToday: 0 };
  const increased = read > current.read || write > current.write;
  const decreased = read < current.read || write < current.write;
  if (decreased) checkDecrease(current, now);
  return {
    read,
    write,
    ...(increased ? { lastIncrease: now } : current.lastIncrease !== undefined ? { lastIncrease: current.lastIncrease } : {}),
    ...(decreased ? { lastDecrease: now } : current.lastDecrease !== undefined ? { lastDecrease: current.lastDecrease } : {}),
    decreasesToday: decreasesToday(current, now) + (decreased ? 1 : 0),
  };
}

/** A new GSI may not key on an attribute a key schema of the table already holds with another type. */
function checkNoRedefinition(meta: TableMeta, keySchema: readonly { AttributeName: string; KeyType: string }[], requested: ReadonlyMap<string, string>): void {
  const held = [...meta.keySchema, ...meta.lsis.flatMap((i) => i.keySchema), ...meta.gsis.flatMap((i) => i.keySchema)];
  for (const k of keySchema) {
    const newType = requested.get(k.AttributeName);
    const existingType = meta.attributeDefinitions.find((d) => d.AttributeName === k.AttributeName)?.AttributeType;
    const existing = held.find((h) => h.AttributeName === k.AttributeName);
    if (newType === undefined || existingType === undefined || existing === undefined || newType === existingType) continue;
    throw errors.AttributeRedefined({ name: k.AttributeName, existingType, existingKey: existing.KeyType, newType, newKey: k.KeyType });
  }
}

/** The members that change a table; AttributeDefinitions only serves a new index. An empty GlobalSecondaryIndexUpdates changes nothing. */
function changesAsked(input: UpdateTableInput): string[] {
  const given: Record<string, unknown> = {
    ProvisionedThroughput: input.ProvisionedThroughput,
    BillingMode: input.BillingMode,
    StreamSpecification: input.StreamSpecification,
    GlobalSecondaryIndexUpdates: (input.GlobalSecondaryIndexUpdates ?? []).length > 0 ? input.GlobalSecondaryIndexUpdates : undefined,
    VectorIndexUpdates: (input.VectorIndexUpdates ?? []).length > 0 ? input.VectorIndexUpdates : undefined,
    SSESpecification: input.SSESpecification,
    ReplicaUpdates: input.ReplicaUpdates,
    TableClass: input.TableClass,
    DeletionProtectionEnabled: input.DeletionProtectionEnabled,
    OnDemandThroughput: input.OnDemandThroughput,
    // WarmThroughput {} beside another member is dropped, not refused (DDB-TABLE-456).
    WarmThroughput: isEmptyWarm(input.WarmThroughput) ? undefined : input.WarmThroughput,
  };
  return Object.keys(given).filter((k) => given[k] !== undefined);
}

/**
 * AWS's sentence for a request that asks no change. It names members Nimbus does not model, and
 * leaves out those the request sends: MultiRegionConsistency sent alone is not named (DDB-TABLE-442).
 */
function atLeastOne(input: UpdateTableInput): string {
  const members = [
    "ProvisionedThroughput",
    "BillingMode",
    "UpdateStreamEnabled",
    "GlobalSecondaryIndexUpdates",
    "SSESpecification",
    "ReplicaUpdates",
    "MultiAccountReplicaReady",
    "ReplicaTransitRoleArn",
    ...(input.MultiRegionConsistency === undefined ? ["MultiRegionConsistency"] : []),
    "DeletionProtectionEnabled",
    "OnDemandThroughput",
    "WarmThroughput",
  ];
  return `At least one of ${members.join(", ")} or TableClass is required`;
}

/** Changes DynamoDB makes only alone, in the order it names them, with the name its sentence uses. */
const SOLE_CHANGES: readonly (readonly [string, string])[] = [
  ["SSESpecification", "Server-Side Encryption"],
  ["TableClass", "TableClass"],
  ["DeletionProtectionEnabled", "DeletionProtection"],
];

/**
 * What an UpdateTable request may ask at once, before the table is looked up: something (AWS's
 * sentence names members Nimbus does not model), replica updates alone, an encryption, table
 * class or deletion protection change alone, OnDemandThroughput with BillingMode at most; then a table class
 * DynamoDB knows.
 */
function checkChanges(input: UpdateTableInput): void {
  const asked = changesAsked(input);
  if (asked.length === 0) {
    // AWS answers WarmThroughput {} alone with HTTP 500 InternalFailure (DDB-TABLE-437); Nimbus
    // refuses it in the words AWS uses for a GSI's empty WarmThroughput (DDB-TABLE-456).
    if (isEmptyWarm(input.WarmThroughput)) throw validationException(`${INVALID}WarmThroughput must have at least one of ReadUnitsPerSecond or WriteUnitsPerSecond specified`);
    throw validationException(atLeastOne(input));
  }
  checkConsistencyRequest(input, asked);
  // ReplicaUpdates go alone, whatever comes with them (a stream, billing, an index, encryption,
  // table class, deletion protection): ack-api-quirks DDB-TABLE-224, recorded against DynamoDB.
  if (asked.includes("ReplicaUpdates") && asked.length > 1) throw validationException(`${INVALID}Replica modification must be the only operation in the request`);
  checkOnDemandRange(input.OnDemandThroughput, undefined, true);
  for (const [member, shown] of SOLE_CHANGES) {
    if (asked.includes(member) && asked.length > 1) throw validationException(`${INVALID}${shown} modification must be the only operation in the request`);
  }
  if (asked.includes("OnDemandThroughput") && asked.some((m) => m !== "OnDemandThroughput" && m !== "BillingMode")) {
    throw validationException(`${INVALID}OnDemandThroughput can only be combined with BillingMode in an UpdateTable request`);
  }
  checkWarmAlone(input, asked);
  checkIopsAlone(input);
  checkTableClass(input.TableClass);
}

/**
 * Throughput goes without a stream change or an index deletion, though no throughput update is
 * running yet (DDB-TABLE-382/433): a stream with ProvisionedThroughput or BillingMode PROVISIONED,
 * a GSI Delete with ProvisionedThroughput. A switch to on-demand takes a stream along.
 */
function checkIopsAlone(input: UpdateTableInput): void {
  const iops = input.ProvisionedThroughput !== undefined || input.BillingMode === "PROVISIONED";
  if (iops && input.StreamSpecification !== undefined) throw validationException(`${INVALID}You cannot modify stream status while updating table IOPS`);
  if (input.ProvisionedThroughput !== undefined && (input.GlobalSecondaryIndexUpdates ?? []).some((u) => u.Delete !== undefined)) {
    throw validationException(`${INVALID}You cannot create or delete index while updating table IOPS`);
  }
}

/**
 * WarmThroughput goes alone, named after SSE, TableClass, DeletionProtection and OnDemandThroughput
 * when they come with it (DDB-TABLE-433); GSI Updates may come along (the developer guide's
 * "Increase your existing DynamoDB table's warm throughput" raises a table's and a GSI's in one
 * request), a GSI Create may not. A GSI Delete with it is refused as any other member is (AWS's
 * answer to that pair is not recorded).
 */
function checkWarmAlone(input: UpdateTableInput, asked: readonly string[]): void {
  if (!asked.includes("WarmThroughput")) return;
  const updates = input.GlobalSecondaryIndexUpdates ?? [];
  const others = asked.filter((m) => m !== "WarmThroughput" && !(m === "GlobalSecondaryIndexUpdates" && updates.every((u) => u.Delete === undefined)));
  if (others.length > 0) throw validationException(`${INVALID}WarmThroughput must be the only operation in the request`);
  if (updates.some((u) => u.Create !== undefined)) throw validationException(`${INVALID}Create global secondary index cannot be specified when updating WarmThroughput`);
}

/** GlobalSecondaryIndexUpdates that only raise warm throughput: like the table's, they keep the table and its indexes ACTIVE (DDB-TABLE-155). */
function onlyIndexWarm(input: UpdateTableInput): boolean {
  const updates = input.GlobalSecondaryIndexUpdates ?? [];
  return (
    updates.length > 0 &&
    updates.every((u) => u.Update !== undefined && u.Update.WarmThroughput !== undefined && u.Update.ProvisionedThroughput === undefined && u.Update.OnDemandThroughput === undefined)
  );
}

/** Whether every member asked is one that `kinds` names; GSI Updates that only raise warm throughput count as WarmThroughput. */
function allOf(input: UpdateTableInput, asked: readonly string[], kinds: ReadonlySet<string>): boolean {
  return asked.every((m) => kinds.has(m) || (m === "GlobalSecondaryIndexUpdates" && kinds.has("WarmThroughput") && onlyIndexWarm(input)));
}

/**
 * Changes AWS makes while the table is UPDATING (DDB-TABLE-002/119: deletion protection and
 * encryption are admitted; DDB-TABLE-119/369: a warm throughput increase, during a stream or billing change).
 */
const ADMITTED_WHILE_UPDATING = new Set(["DeletionProtectionEnabled", "SSESpecification", "WarmThroughput"]);

/**
 * Changes AWS makes synchronously: the answer says ACTIVE (DDB-TABLE-017/065/410: deletion
 * protection at once, encryption with SSEDescription UPDATING, table-level OnDemandThroughput;
 * DDB-TABLE-059/179: warm throughput, with WarmThroughput.Status UPDATING).
 */
const SYNCHRONOUS = new Set(["DeletionProtectionEnabled", "SSESpecification", "OnDemandThroughput", "WarmThroughput"]);

/** The change an UPDATING table's refusal names: the first of throughput (or billing mode), stream, table class, index. */
function updateKind(input: UpdateTableInput): UpdateKind {
  if (input.ProvisionedThroughput !== undefined || input.BillingMode !== undefined) return "throughput";
  if (input.StreamSpecification !== undefined) return "stream";
  if (input.TableClass !== undefined) return "tableClass";
  if ((input.GlobalSecondaryIndexUpdates ?? []).some((u) => u.Create !== undefined || u.Delete !== undefined)) return "index";
  if ((input.VectorIndexUpdates ?? []).length > 0) return "index";
  if (input.OnDemandThroughput !== undefined) return "onDemand";
  return "other";
}

/**
 * What keeps the table UPDATING after this request, as AWS runs it asynchronously: a throughput
 * or billing mode change, a stream switched on or off, another table class, an index made or
 * dropped. A re-sent billing mode or table class changes nothing and leaves the table ACTIVE.
 */
function updateCause(
  input: UpdateTableInput,
  before: { billingMode: string; tableClass: string; tableClassSummary?: { updatedAt?: number } },
  meta: TableMeta,
  change: RequestedIndexChange | undefined,
  gone: DeletedIndex | undefined,
): UpdateCause | undefined {
  const switched = input.BillingMode !== undefined && input.BillingMode !== before.billingMode;
  if (input.ProvisionedThroughput !== undefined || switched) return { kind: "throughput", ...(switched ? { billingMode: true } : {}) };
  if (input.StreamSpecification !== undefined) {
    return { kind: "stream", label: meta.stream?.label ?? "", operation: input.StreamSpecification.StreamEnabled ? "ENABLE" : "DISABLE" };
  }
  if (input.TableClass !== undefined && input.TableClass !== before.tableClass) {
    const previous = { tableClass: before.tableClass, ...(before.tableClassSummary !== undefined ? { summary: before.tableClassSummary } : {}) };
    return { kind: "tableClass", tableClass: input.TableClass, previous };
  }
  if (change === undefined) return undefined;
  if (change.operation === "create") return { kind: "index", name: change.name, operation: "created" };
  // `gone` is set for a GSI only: a vector index shows no DELETING entry.
  return { kind: "index", name: change.name, operation: "deleted", ...(gone !== undefined ? { gone } : {}) };
}

/** An index change a request asks for, and whether the index is a vector index. */
type RequestedIndexChange = IndexChange & { readonly vector: boolean };

/** The GSI or vector index this request creates or deletes (one at most: more are refused before any is looked up). */
function indexChange(input: UpdateTableInput): RequestedIndexChange | undefined {
  for (const u of input.GlobalSecondaryIndexUpdates ?? []) {
    if (u.Create) return { operation: "create", name: u.Create.IndexName, vector: false };
    if (u.Delete) return { operation: "delete", name: u.Delete.IndexName, vector: false };
  }
  for (const u of input.VectorIndexUpdates ?? []) {
    if (u.Create) return { operation: "create", name: u.Create.IndexName, vector: true };
    if (u.Delete) return { operation: "delete", name: u.Delete.IndexName, vector: true };
  }
  return undefined;
}

/** An on-demand table's index takes only on-demand (or warm) throughput changes, and at least one. */
function checkOnDemandIndexUpdate(u: NonNullable<IndexUpdate["Update"]>): void {
  if (u.ProvisionedThroughput !== undefined) {
    throw validationException(`${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: ${u.IndexName} when BillingMode is PAY_PER_REQUEST`);
  }
  if ((u.OnDemandThroughput === undefined || Object.keys(u.OnDemandThroughput).length === 0) && u.WarmThroughput === undefined) {
    throw validationException(`${INVALID}The only Updates for index: ${u.IndexName} when TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, WarmThroughput`);
  }
}

export function updateTable(input: UpdateTableInput, ctx: DynamoContext): UpdateTableOutput {
  check(
    ...tableNameChecks(input.TableName),
    oneOf("billingMode", input.BillingMode, ["PROVISIONED", "PAY_PER_REQUEST"]),
    range("provisionedThroughput.readCapacityUnits", input.ProvisionedThroughput?.ReadCapacityUnits, 1),
    range("provisionedThroughput.writeCapacityUnits", input.ProvisionedThroughput?.WriteCapacityUnits, 1),
    ...indexUpdateChecks(input.GlobalSecondaryIndexUpdates ?? []),
    oneOf("streamSpecification.streamViewType", input.StreamSpecification?.StreamViewType, ["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"]),
    ...vectorUpdateChecks(input.VectorIndexUpdates ?? []),
    oneOf("multiRegionConsistency", input.MultiRegionConsistency, ["EVENTUAL", "STRONG"]),
    witnessUpdatesCheck(input.GlobalTableWitnessUpdates),
  );
  // Before any other rule, even for a table that does not exist (DDB-TABLE-456).
  for (const u of input.GlobalSecondaryIndexUpdates ?? []) if (u.Update !== undefined) checkIndexWarmMembers(u.Update.IndexName, u.Update.WarmThroughput);
  checkThroughputBounds(input.ProvisionedThroughput);
  for (const u of input.GlobalSecondaryIndexUpdates ?? []) if (u.Update !== undefined) checkThroughputBounds(u.Update.ProvisionedThroughput, u.Update.IndexName);
  checkChanges(input);
  checkIndexUpdates(input.GlobalSecondaryIndexUpdates ?? []);
  checkVectorUpdates(input.VectorIndexUpdates ?? []);
  const now = ctx.clock.now();
  return ctx.store.transaction(() => {
    const meta = requireTable(ctx.store, ctx, input.TableName, "settings");
    const asked = changesAsked(input);
    const change = indexChange(input);
    checkUpdatable(meta, now, updateKind(input), allOf(input, asked, ADMITTED_WHILE_UPDATING), change);
    // Counted before any index is looked up: six deletes of missing indexes are this, not "not found".
    // A vector index counts with the GSIs: "You can add or remove one vector index for each UpdateTable operation."
    const online = (input.GlobalSecondaryIndexUpdates ?? []).filter((u) => u.Create !== undefined || u.Delete !== undefined).length + (input.VectorIndexUpdates ?? []).length;
    if (online > 1) {
      throw errors.LimitExceeded({ message: ONE_ONLINE_INDEX });
    }
    // DeletionProtectionEnabled waits 15 s after a change, and is otherwise admitted whatever runs (DDB-TABLE-003/002).
    if (input.DeletionProtectionEnabled !== undefined) checkDeletionProtectionUpdate(meta, now);
    // The table's change quotas come before anything about the values asked: AWS refuses an
    // encryption change past its quota even where the key named is wrong (DDB-TABLE-081). Only an
    // encryption change that would change nothing is refused before: Enabled false again was
    // answered "already encrypted by default" on a table whose four changes were spent
    // (DDB-TABLE-079). Each of these changes is made alone (checkChanges).
    const sseWanted = input.SSESpecification !== undefined ? sseAsked(input.SSESpecification, ctx) : undefined;
    if (sseWanted !== undefined && input.SSESpecification !== undefined) {
      checkEncryptionRequest(meta, input.SSESpecification, sseWanted, now);
      checkEncryptionChange(meta, now);
    }
    if (input.TableClass !== undefined) checkTableClassUpdate(meta, now);
    const reservedBefore = reservedUnits(meta);
    const before = { billingMode: meta.billingMode, tableClass: meta.tableClass, ...(meta.tableClassSummary !== undefined ? { tableClassSummary: meta.tableClassSummary } : {}) };
    const sseBefore = meta.sse?.enabled ? { type: meta.sse.type ?? "KMS", ...(meta.sse.kmsKeyArn !== undefined ? { kmsKeyArn: meta.sse.kmsKeyArn } : {}) } : undefined;
    const delay = statusDelay(ctx.config);
    let gone: DeletedIndex | undefined;
    let made: IndexMeta | undefined;
    // Warm throughput as it is now, before units it starts from move; what a request raised is answered as it was (""= the table).
    pinWarms(meta, now);
    const warmAnswered = new Map<string, WarmUnits>();

    // A definition already held keeps its type: AWS ignores one sent again with another type unless
    // the new index keys on it (checkNoRedefinition). Recorded against AWS by dynoxide ("Real
    // DynamoDB ignores a redeclaration (even one carrying a different type) rather than overwriting
    // or rejecting it", eu-west-2; paritysuite/dynamodb-conformance#78).
    const requested = new Map((input.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
    if (input.AttributeDefinitions !== undefined) {
      const defs = new Map<string, AttributeDefinition>(meta.attributeDefinitions.map((d) => [d.AttributeName, d]));
      for (const d of input.AttributeDefinitions) {
        if (!defs.has(d.AttributeName)) defs.set(d.AttributeName, { AttributeName: d.AttributeName, AttributeType: d.AttributeType as AttributeDefinition["AttributeType"] });
      }
      meta.attributeDefinitions = [...defs.values()];
    }

    const billingMode = (input.BillingMode ?? meta.billingMode) as TableMeta["billingMode"];
    if (billingMode === "PAY_PER_REQUEST" && input.ProvisionedThroughput !== undefined) {
      throw validationException(`${INVALID}Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST`);
    }
    // Asked of a table already provisioned too, not only on the switch from on demand: "BillingMode=PROVISIONED
    // alone -> ValidationException: 'One or more parameter values were invalid: ProvisionedThroughput must be
    // specified when BillingMode is PROVISIONED'" on a PROVISIONED 1/1 table (ack-api-quirks DDB-TABLE-057).
    if (input.BillingMode === "PROVISIONED" && input.ProvisionedThroughput === undefined) {
      throw validationException(`${INVALID}ProvisionedThroughput must be specified when BillingMode is PROVISIONED`);
    }
    if (billingMode === "PAY_PER_REQUEST" && meta.billingMode === "PROVISIONED") checkPayPerRequestSwitch(meta, now);
    if (input.ProvisionedThroughput !== undefined) {
      const { ReadCapacityUnits: read, WriteCapacityUnits: write } = input.ProvisionedThroughput;
      // BillingMode PROVISIONED sent again with the units the table has changes nothing either: DynamoDB answers
      // "will not change" (ack-api-quirks DDB-TABLE-057; nubo-db/dynamodb-conformance "rejects PROVISIONED to
      // PROVISIONED no-op with same throughput values", passed against DynamoDB).
      if (meta.billingMode === "PROVISIONED" && read === meta.provisioned.read && write === meta.provisioned.write) {
        throw unchangedThroughput("the table", "the table", read, write);
      }
      checkProvisionedMaximum({ read, write }, undefined, ctx.region);
      // Units given with the switch from on-demand set the table up; they change nothing provisioned.
      meta.provisioned = meta.billingMode === "PAY_PER_REQUEST" ? { ...{}, ...meta.provisioned, read, write } : changeThroughput(meta.provisioned, read, write, now);
    }
    if (billingMode !== "PAY_PER_REQUEST" && meta.vectorIndexes !== undefined) {
      throw validationException(`${INVALID}Vector indexes are only supported for PAY_PER_REQUEST tables`);
    }
    setBillingMode(meta, billingMode, now);
    checkOnDemandMaximum(input.OnDemandThroughput, undefined, ctx.region);
    // Provisioned units above the warm throughput raise it (warm-throughput-scenarios, "Warm throughput for a provisioned table").
    if (input.ProvisionedThroughput !== undefined) {
      meta.warm = raiseWarm(meta.warm ?? tableWarmFloor(meta), { read: input.ProvisionedThroughput.ReadCapacityUnits, write: input.ProvisionedThroughput.WriteCapacityUnits });
    }
    if (asked.includes("WarmThroughput") && input.WarmThroughput !== undefined) {
      const current = meta.warm ?? tableWarmFloor(meta);
      meta.warm = requestWarm(current, input.WarmThroughput, { kind: "table" }, now, delay, ctx.region);
      warmAnswered.set("", current);
    }
    for (const update of input.VectorIndexUpdates ?? []) applyVectorIndexUpdate(ctx, meta, update);

    for (const update of input.GlobalSecondaryIndexUpdates ?? []) {
      if (update.Create) {
        const c = update.Create;
        if (meta.gsis.some((g) => g.name === c.IndexName) || meta.lsis.some((l) => l.name === c.IndexName) || (meta.vectorIndexes ?? []).some((v) => v.name === c.IndexName)) {
          throw validationException(`${INVALID}Attempting to create an index which already exists`);
        }
        // The request's own AttributeDefinitions must define the new index's keys: those the table
        // already defines do not count ("AttributeDefinitions must include the key element(s) of the
        // new index"). DynamoDB refused a GSI on [ReturnDate, OrderId] with only ReturnDate defined
        // and OrderId the table's sort key, "Invalid KeySchema: Some index key attribute have no
        // definition" (alexdebrie/dynamodbguide.com#16), and still refuses it (nubo-db/dynoxide#144,
        // eu-west-2); with no AttributeDefinitions at all it answered "No Attribute Schema Defined"
        // (clearcare/cc_dynamodb3#18).
        if (requested.size === 0) throw validationException("No Attribute Schema Defined");
        checkTableKeysDefined(c.KeySchema, [...requested.keys()]);
        checkNoRedefinition(meta, c.KeySchema, requested);
        const ks = checkIndexKeySchema(c.KeySchema);
        if (meta.billingMode === "PROVISIONED" && c.ProvisionedThroughput === undefined) {
          throw validationException(`${INVALID}ProvisionedThroughput must be specified for index: ${c.IndexName}`);
        }
        const projection = checkProjection(c.IndexName, c.Projection);
        checkOnDemandRange(c.OnDemandThroughput, c.IndexName, false);
        checkProjectedTotal([...meta.lsis, ...meta.gsis, { projection }]);
        // What the request asks checked, then the quotas: the count of GSIs (a ValidationException at
        // CreateTable, a LimitExceededException here: DDB-TABLE-443), then the new index's maximums.
        if (meta.gsis.length >= MAX_GSI) throw errors.IndexCountLimit({ max: MAX_GSI });
        if (meta.billingMode === "PROVISIONED" && c.ProvisionedThroughput !== undefined) {
          checkProvisionedMaximum({ read: c.ProvisionedThroughput.ReadCapacityUnits, write: c.ProvisionedThroughput.WriteCapacityUnits }, c.IndexName, ctx.region);
        }
        checkOnDemandMaximum(c.OnDemandThroughput, c.IndexName, ctx.region);
        const index: IndexMeta = {
          name: c.IndexName,
          kind: "GSI",
          keySchema: ks,
          projection,
          ...(c.ProvisionedThroughput && meta.billingMode === "PROVISIONED"
            ? { provisioned: { read: c.ProvisionedThroughput.ReadCapacityUnits, write: c.ProvisionedThroughput.WriteCapacityUnits, decreasesToday: 0 } }
            : {}),
          ...(c.OnDemandThroughput ? { onDemand: c.OnDemandThroughput } : {}),
          ...(c.WarmThroughput !== undefined ? { warm: newIndexWarm(meta, c, now, delay, ctx.region, warmAnswered) } : {}),
          // Resource allocation while the table is UPDATING, then as long again backfilling (DDB-TABLE-148).
          ...(delay > 0 ? { building: { backfillFrom: now + delay, until: now + 2 * delay } } : {}),
        };
        meta.gsis.push(index);
        made = index;
      } else if (update.Delete) {
        const name = update.Delete.IndexName;
        if (meta.lsis.some((l) => l.name === name)) throw validationException(`Cannot delete an index that is not a GlobalSecondaryIndex: ${name}`);
        if (!meta.gsis.some((g) => g.name === name)) {
          throw errors.ResourceNotFoundMessage({ message: `Requested resource not found: Index: ${name} not found for table: ${meta.name}` });
        }
        const index = meta.gsis.find((g) => g.name === name);
        if (index !== undefined) {
          const { count, bytes } = ctx.store.stats(ctx, meta.name, name);
          gone = { index, itemCount: count, sizeBytes: bytes };
        }
        meta.gsis = meta.gsis.filter((g) => g.name !== name);
        const dropped = pruneAttributeDefinitions(meta);
        if (gone !== undefined && dropped.length > 0) gone = { ...{}, ...gone, attributeDefinitions: dropped };
        // Its Contributor Insights go with it; an index made again under the name starts without.
        if (meta.contributorInsights) delete meta.contributorInsights[name];
        ctx.store.deleteIndexRows(ctx, meta.name, name);
      } else if (update.Update) {
        const u = update.Update;
        const index = meta.gsis.find((g) => g.name === u.IndexName);
        // Updating an index words its not-found differently from deleting one.
        if (index === undefined) throw errors.ResourceNotFoundMessage({ message: `Requested resource not found: Index ${u.IndexName} for table ${meta.name}` });
        if (meta.billingMode === "PAY_PER_REQUEST") checkOnDemandIndexUpdate(u);
        if (u.ProvisionedThroughput) {
          const { ReadCapacityUnits: read, WriteCapacityUnits: write } = u.ProvisionedThroughput;
          // An index's own units sent again are refused as the table's are (ack-api-quirks DDB-TABLE-164).
          if (index.provisioned !== undefined && read === index.provisioned.read && write === index.provisioned.write) {
            throw unchangedThroughput(`the index ${index.name}`, `index ${index.name}`, read, write);
          }
          checkProvisionedMaximum({ read, write }, index.name, ctx.region);
          index.provisioned = changeThroughput(index.provisioned, read, write, now);
          index.warm = raiseWarm(index.warm ?? indexWarmFloor(meta, index), { read: index.provisioned.read, write: index.provisioned.write });
        }
        if (u.OnDemandThroughput) {
          checkOnDemandRange(u.OnDemandThroughput, index.name, true);
          checkOnDemandMaximum(u.OnDemandThroughput, index.name, ctx.region);
          index.onDemand = u.OnDemandThroughput;
        }
        if (u.WarmThroughput !== undefined) {
          const current = index.warm ?? indexWarmFloor(meta, index);
          index.warm = requestWarm(current, u.WarmThroughput, { kind: "index", name: index.name }, now, delay, ctx.region);
          warmAnswered.set(index.name, current);
        }
      }
    }

    // A definition the request sends that no key schema uses is dropped, not stored nor refused (unlike
    // CreateTable's "Some AttributeDefinitions are not used"): characterised against DynamoDB in eu-west-2
    // by nubo-db/dynoxide#131 and paritysuite/dynamodb-conformance#79.
    if (input.AttributeDefinitions !== undefined) pruneAttributeDefinitions(meta);

    // What the table and its GSIs now reserve against the account's quota, before anything is
    // announced. AWS's text is recorded from CreateTable (DDB-TABLE-171/443); an UpdateTable that
    // reserves more (an increase, a GSI made, a switch to provisioned) is taken to be held to the
    // same quota, which DescribeLimits gives for all provisioned tables and GSIs, with the units it
    // adds as the "Requested".
    const reservedAfter = reservedUnits(meta);
    const more = { read: reservedAfter.read - reservedBefore.read, write: reservedAfter.write - reservedBefore.write };
    if (more.read > 0 || more.write > 0) checkAccountMaximum(ctx.store.reservedUnits(ctx), more, ctx.region);
    // A new GSI is filled once nothing can refuse it any more.
    if (made !== undefined) backfill(ctx, meta, made);

    const stream = input.StreamSpecification;
    if (stream !== undefined) {
      // What the request says is checked before what the table has (UpdateTable's own wording, not CreateTable's).
      if (stream.StreamEnabled && stream.StreamViewType === undefined) throw validationException(`${INVALID}If stream is being enabled then UpdateViewType is required`);
      if (!stream.StreamEnabled && stream.StreamViewType !== undefined) {
        throw validationException(`${INVALID}If stream is being disabled, then UpdateViewType must not be specified`);
      }
      if (stream.StreamEnabled) {
        if (meta.stream?.enabled) throw validationException(`Table already has an enabled stream: TableName: ${meta.name}`);
        meta.stream = newStream(ctx.store, ctx, meta.arn, stream.StreamViewType, now);
        const changed = streamChanged(meta, true, now, delay > 0 ? { until: now + delay } : {});
        if (changed) ctx.emit("dynamodb:StreamChanged", changed);
      } else {
        if (!meta.stream?.enabled) throw validationException(`Table has no stream to disable: TableName: ${meta.name}`);
        checkStreamDisable(meta);
        meta.stream = { ...{}, ...meta.stream, enabled: false };
        const changed = streamChanged(meta, false, now, delay > 0 ? { until: now + delay } : {});
        if (changed) ctx.emit("dynamodb:StreamChanged", changed);
      }
    }
    let sseAnswered: SseUpdate | undefined;
    if (sseWanted !== undefined) {
      // Every change counts, a re-send of the key the table has by alias or id too: AWS re-encrypts for it (DDB-TABLE-141).
      recordEncryptionChange(meta, now);
      meta.sse = sseWanted;
      // Applied while the table stays ACTIVE: SSEDescription UPDATING with the encryption before it,
      // in the answer even without a delay (DDB-TABLE-065/140/371).
      sseAnswered = { until: now + Math.max(delay, 1), ...(sseBefore !== undefined ? { from: sseBefore } : {}), to: sseWanted };
      if (delay > 0) meta.sseUpdate = sseAnswered;
      else delete meta.sseUpdate;
    }
    if (input.TableClass !== undefined && input.TableClass !== meta.tableClass) {
      recordTableClassUpdate(meta, now);
      meta.tableClass = input.TableClass;
      meta.tableClassSummary = { updatedAt: now };
    }
    if (input.DeletionProtectionEnabled !== undefined && input.DeletionProtectionEnabled !== meta.deletionProtection) {
      meta.deletionProtection = input.DeletionProtectionEnabled;
      meta.deletionProtectionChangedAt = now;
    }
    if (input.OnDemandThroughput !== undefined) meta.onDemand = input.OnDemandThroughput;
    const creating =
      input.ReplicaUpdates !== undefined
        ? applyReplicaUpdates(ctx, meta, input.ReplicaUpdates, now, { witnesses: input.GlobalTableWitnessUpdates ?? [], ...(input.MultiRegionConsistency !== undefined ? { mode: input.MultiRegionConsistency } : {}) })
        : [];
    syncReplicas(ctx, meta);

    const cause = updateCause(input, before, meta, change, gone);
    if (cause !== undefined && delay > 0) meta.transition = { status: "UPDATING", until: now + delay, cause };
    else if (meta.transition !== undefined && tableStatus(meta, now) === "ACTIVE") delete meta.transition;
    for (const g of meta.gsis) if (g.building !== undefined && now >= g.building.until) delete g.building;

    ctx.store.saveTable(ctx, meta);
    // AWS answers UPDATING even where the change is done at once (a re-sent billing mode), except for the synchronous changes.
    const answered = cause === undefined && tableStatus(meta, now) === "ACTIVE" && allOf(input, asked, SYNCHRONOUS) ? "ACTIVE" : "UPDATING";
    const shown = delay > 0 ? meta : withEarlierAnswered(withWarmAnswered(asAnswered(meta, change, gone, now), warmAnswered, now), before, cause, sseAnswered);
    const created = delay === 0 && change?.operation === "create" && !change.vector ? change.name : undefined;
    const stats = (index: string) => (index === created ? { count: 0, bytes: 0 } : ctx.store.stats(ctx, meta.name, index));
    const description = describeTable(shown, answered, stats, creating, now);
    return { TableDescription: meta.billingMode !== before.billingMode ? withBillingModeAlone(description) : description };
  });
}

const KMS_KEY_ARN = /^arn:[^:]+:kms:[^:]*:[^:]*:key\//;

/**
 * What DynamoDB refuses of an encryption change before it counts it: another change while one is
 * being applied (an identical re-send is admitted: DDB-TABLE-065); Enabled false on a table with
 * the AWS owned key (DDB-TABLE-079/018); the key the table has named by its ARN, which alone is
 * compared (by alias or key id it re-encrypts: DDB-TABLE-082/141). Nimbus resolves no alias, so
 * only an ARN is compared.
 */
function checkEncryptionRequest(meta: TableMeta, sse: NonNullable<UpdateTableInput["SSESpecification"]>, asked: SseUpdate["to"], now: number): void {
  const running = meta.sseUpdate;
  if (running !== undefined && sseUpdating(meta, now)) {
    const same = running.to.enabled === asked.enabled && running.to.type === asked.type && running.to.kmsKeyArn === asked.kmsKeyArn;
    if (!same) throw errors.StillInUse({ detail: "Server-Side Encryption is still being updated" });
  }
  if (!asked.enabled && sse.Enabled === false && meta.sse?.enabled !== true) throw validationException(`${INVALID}Table is already encrypted by default`);
  if (asked.enabled && meta.sse?.enabled === true && sse.KMSMasterKeyId !== undefined && KMS_KEY_ARN.test(sse.KMSMasterKeyId) && sse.KMSMasterKeyId === meta.sse.kmsKeyArn) {
    throw validationException(`${INVALID}Table is already encrypted with given KMSMasterKeyId. Use KMSMasterKeyId parameter if you want to change Master Key`);
  }
}

/**
 * Without a delay a table class switch and an encryption change are done at once, but the answer
 * shows them as AWS's does: the class before it (DDB-TABLE-284), SSEDescription UPDATING with the
 * encryption before it (DDB-TABLE-140). A copy for the answer.
 */
function withEarlierAnswered(
  meta: TableMeta,
  before: { tableClass: string; tableClassSummary?: { updatedAt?: number } },
  cause: UpdateCause | undefined,
  sse: SseUpdate | undefined,
): TableMeta {
  let shown = meta;
  if (cause?.kind === "tableClass") {
    const { tableClassSummary: _after, ...rest } = meta;
    shown = { ...{}, ...rest, tableClass: before.tableClass, ...(before.tableClassSummary !== undefined ? { tableClassSummary: before.tableClassSummary } : {}) };
  }
  return sse === undefined ? shown : { ...{}, ...shown, sseUpdate: sse };
}

/**
 * The warm throughput of a GSI an UpdateTable creates: checked as CreateTable checks one, and
 * being applied (UPDATING) while the index is made.
 */
function newIndexWarm(
  meta: TableMeta,
  c: NonNullable<IndexUpdate["Create"]>,
  now: number,
  delay: number,
  region: string,
  answered: Map<string, WarmUnits>,
): WarmThroughputMeta {
  const units = meta.billingMode === "PROVISIONED" && c.ProvisionedThroughput ? { read: c.ProvisionedThroughput.ReadCapacityUnits, write: c.ProvisionedThroughput.WriteCapacityUnits } : undefined;
  const warm = initialWarm(c.WarmThroughput ?? {}, meta.billingMode, warmFloor(meta.billingMode, units), { kind: "index", name: c.IndexName }, region);
  if (isEmptyWarm(c.WarmThroughput)) return { read: warm.read, write: warm.write };
  answered.set(c.IndexName, warm);
  return { read: warm.read, write: warm.write, ...(delay > 0 ? { pending: { read: warm.read, write: warm.write, until: now + delay } } : {}) };
}

/**
 * Without a delay a warm throughput increase is done at once, but the answer shows it as AWS's
 * does: the values before it, Status UPDATING (DDB-TABLE-179/155). A copy for the answer.
 */
function withWarmAnswered(meta: TableMeta, answered: ReadonlyMap<string, WarmUnits>, now: number): TableMeta {
  if (answered.size === 0) return meta;
  const shown = (warm: WarmThroughputMeta | undefined, was: WarmUnits | undefined): WarmThroughputMeta | undefined =>
    warm === undefined || was === undefined ? warm : { read: was.read, write: was.write, pending: { read: warm.read, write: warm.write, until: now + 1 } };
  return {
    ...{},
    ...meta,
    ...(answered.has("") ? { warm: shown(meta.warm, answered.get("")) } : {}),
    gsis: meta.gsis.map((g) => (answered.has(g.name) ? { ...{}, ...g, warm: shown(g.warm, answered.get(g.name)) } : g)),
  };
}

/** Creates or deletes one vector index; a new one is filled from the items already in the table. */
function applyVectorIndexUpdate(ctx: DynamoContext, meta: TableMeta, update: VectorIndexUpdate): void {
  const existing = meta.vectorIndexes ?? [];
  if (update.Create) {
    const c = update.Create;
    if (meta.gsis.some((g) => g.name === c.IndexName) || meta.lsis.some((l) => l.name === c.IndexName) || existing.some((v) => v.name === c.IndexName)) {
      throw validationException(`${INVALID}Attempting to create an index which already exists`);
    }
    const index = vectorIndexOf(c);
    checkNewVectorIndexes([index], existing, meta);
    meta.vectorIndexes = [...existing, index];
    backfillVectors(ctx, meta, index);
  } else if (update.Delete) {
    const name = update.Delete.IndexName;
    if (!existing.some((v) => v.name === name)) {
      throw errors.ResourceNotFoundMessage({ message: `Requested resource not found: Index: ${name} not found for table: ${meta.name}` });
    }
    const kept = existing.filter((v) => v.name !== name);
    if (kept.length > 0) meta.vectorIndexes = kept;
    else delete meta.vectorIndexes;
    pruneAttributeDefinitions(meta);
    ctx.store.deleteIndexRows(ctx, meta.name, name);
  }
}

/** Fills a new vector index: items without a vector (or whose vector does not fit) are left out, as sparse indexes are. */
export function backfillVectors(ctx: DynamoContext, meta: TableMeta, index: VectorIndexMeta): void {
  for (const row of ctx.store.range(ctx, meta.name, "", {})) {
    const r = vectorRow(meta, index, parseItem(row.item), row);
    if (r) ctx.store.putRow(ctx, meta.name, index.name, r.key, serializeEntry(r.entry, serializeItem), r.size, null);
  }
}

/**
 * The answer of an UpdateTable done at once (no --dynamodb-status-delay) still shows the table as
 * AWS answers it: a GSI it adds allocating (CREATING, Backfilling false, empty; DDB-TABLE-148),
 * one it deletes DELETING. A copy for the answer; the stored table is done.
 */
function asAnswered(meta: TableMeta, change: RequestedIndexChange | undefined, gone: DeletedIndex | undefined, now: number): TableMeta {
  if (change === undefined || change.vector) return meta;
  if (change.operation === "create") {
    return { ...{}, ...meta, gsis: meta.gsis.map((g) => (g.name === change.name ? { ...{}, ...g, building: { backfillFrom: now + 1, until: now + 2 } } : g)) };
  }
  if (gone === undefined) return meta;
  return { ...{}, ...meta, transition: { status: "UPDATING", until: now + 1, cause: { kind: "index", name: change.name, operation: "deleted", gone } } };
}

/** Fills a new GSI from the items already in the table, leaving out those backfillsInto refuses. */
export function backfill(ctx: DynamoContext, meta: TableMeta, index: IndexMeta): void {
  const schema = indexSchema(meta, index);
  for (const row of ctx.store.range(ctx, meta.name, "", {})) {
    const item = parseItem(row.item);
    if (!backfillsInto(schema, item)) continue;
    const r = indexRow(meta, index, item);
    if (r) ctx.store.putRow(ctx, meta.name, index.name, r.key, serializeItem(r.item), r.size, null);
  }
}
