import type { TransactWriteItemsInput, TransactWriteItemsOutput } from "../../../generated/dynamodb.js";
import type { AwsError } from "../../../core/errors.js";
import { tableContext, type TableReach } from "../access.js";
import {
  applyUpdate,
  assertItemSize,
  assertKeyNotUpdated,
  assertUpdatedItemDepth,
  evaluateCondition,
  expressionAttributes,
  expressionBytesOver,
  invalidExpression,
  isValidationException,
  itemSize,
  parseCondition,
  parseUpdate,
  typedWrites,
  updatePaths,
  validateItem,
  validationException,
  VALUE_MESSAGES,
  type Condition,
  type Item,
  type UpdateAction,
} from "../domain/index.js";
import { errors } from "../errors.js";
import type { DynamoContext } from "../context.js";
import {
  baseRowKey,
  capacityMode,
  capacityModeCheck,
  checkIndexKeys,
  checkKeyPaths,
  checkKeyValues,
  Consumption,
  emptyIndexKeyMessage,
  isEmptyKeyValue,
  itemKeysMismatch,
  jsonItem,
  keySchemaMismatch,
  memberTableNameChecks,
  readItem,
  readUnits,
  requestFingerprint,
  requireTable,
  updateWrites,
  writeItem,
  writeUnits,
  type ConsumedCapacityOut,
} from "../items.js";
import { itemCollectionMetrics, itemCollectionMetricsCheck, wantsItemCollectionMetrics } from "../metrics.js";
import { javaListValue, returnValuesOnFailureCheck } from "../requests.js";
import { allIndexes, indexSchema, keyAttributeNames, tableSchema, type TableMeta } from "../table.js";
import { throttledTransaction, throttleOf } from "../throttling.js";
import { check, type Check } from "../validation.js";

const MAX_ACTIONS = 100;
/** "The aggregate size of the items in the transaction cannot exceed 4 MB." */
export const MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

/**
 * AWS's text, its clause twice as sent: "Transaction payload size cannot exceed 4MB. Payload Size: :
 * Transaction payload size cannot exceed 4MB. Payload Size: 4306456" (an AWS answer recorded in a
 * client's tests); ScyllaDB Alternator's test_transact_write_items_put_5MB, which passes on
 * DynamoDB, matches "size cannot exceed". AWS measures the request's payload; Nimbus the sizes
 * aggregateSize counts.
 */
function tooLarge(size: number): AwsError {
  const clause = `Transaction payload size cannot exceed 4MB. Payload Size: ${size}`;
  return validationException(`Transaction payload size cannot exceed 4MB. Payload Size: : ${clause}`);
}

/** Put counts its item, Update the item it makes, Delete and ConditionCheck their key. */
function aggregateSize(actions: readonly Action[], updated?: readonly (Item | undefined)[]): number {
  let total = 0;
  actions.forEach((a, i) => {
    const made = a.kind === "Update" ? updated?.[i] : undefined;
    total += itemSize(made ?? a.key);
  });
  return total;
}
/** ClientRequestToken makes a TransactWriteItems idempotent for 10 minutes. */
export const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;

interface Action {
  readonly kind: "ConditionCheck" | "Put" | "Delete" | "Update";
  /** The table as the entry names it (its name or ARN), and the context of its account. */
  readonly table: string;
  readonly scope: DynamoContext;
  readonly meta: TableMeta;
  readonly key: Item;
  readonly condition: Condition | undefined;
  readonly returnOld: boolean;
  readonly item?: Item;
  readonly update?: UpdateAction[];
  /** The item or Key does not fit the table's schema: this action alone is cancelled, with this ValidationError. */
  readonly mismatch?: string;
}

interface Reason {
  Code: string;
  Message?: string;
  Item?: unknown;
}

const ACTION_KINDS = ["ConditionCheck", "Put", "Delete", "Update"] as const;

/** The action each entry is checked for on its table. */
const ITEM_ACTIONS: Readonly<Record<Action["kind"], string>> = { ConditionCheck: "ConditionCheckItem", Put: "PutItem", Delete: "DeleteItem", Update: "UpdateItem" };

/** What an entry says before its table is known: its kind, expressions and attribute values. */
interface Parsed {
  readonly kind: Action["kind"];
  readonly table: string;
  readonly returnOld: boolean;
  readonly condition: Condition | undefined;
  readonly update: UpdateAction[] | undefined;
  /** The Put's item, else the Key. */
  readonly values: Item;
}

/**
 * Every entry's expressions and values are checked, in request order, before any table is looked
 * up: a malformed condition or an unused value on a later action is answered ahead of a missing
 * table on an earlier one, and a too deep item ahead of a malformed condition after it
 * (nubo-db/dynamodb-conformance tier 3 validation-ordering/transactions, captured in us-east-1
 * and eu-west-2, 2026-10-09).
 */
function parseEntry(entry: TransactWriteItemsInput["TransactItems"][number], position: number): Parsed {
  const kind = entryKind(entry);
  if (kind === undefined) {
    // An entry that names no action is refused in other words than one that names several:
    // "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request"
    // (dynamodb-conformance tier 3 error-messages/transactWriteItems, captured against DynamoDB in
    // us-east-1, where eu-west-2 has since moved to a constraint on 'transactItems'; an application's
    // notes quote it for an action keyed "PUT"; AWS's DAX clients check it in the same words).
    const several = ACTION_KINDS.some((k) => entry[k] !== undefined);
    throw validationException(several ? "TransactItems can only contain one of Check, Put, Update or Delete" : "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request");
  }
  const op = entry[kind] as {
    TableName: string;
    Key?: Record<string, unknown>;
    Item?: Record<string, unknown>;
    ConditionExpression?: string;
    UpdateExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
    ReturnValuesOnConditionCheckFailure?: string;
  };
  // Its enum was checked with the request's member constraints (entryMemberChecks).
  const returnOld = op.ReturnValuesOnConditionCheckFailure === "ALL_OLD";
  // How deep a value is nested is not checked here (see validateExpressionAttributeValueMap).
  const attrs = expressionAttributes(op.ExpressionAttributeNames, op.ExpressionAttributeValues, "older", false);
  if (kind === "ConditionCheck" && op.ConditionExpression === undefined) {
    throw validationException(`1 validation error detected: Value null at 'transactItems.${position + 1}.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null`);
  }
  const update = kind === "Update" ? updateOf(op.UpdateExpression ?? "", attrs) : undefined;
  const condition = op.ConditionExpression !== undefined ? parseCondition(op.ConditionExpression, attrs, "ConditionExpression") : undefined;
  attrs.assertAllUsed();
  // A Put's Item is refused for an attribute named "" ahead of any of its values, a value nested past
  // the limit included; a later action's problems never come first (paritysuite/dynamodb-conformance
  // tests/tier3/validation-ordering/deepRequests.test.ts, "Deep requests - TransactWriteItems action order").
  if (kind === "Put" && op.Item !== undefined && Object.hasOwn(op.Item, "")) throw validationException(VALUE_MESSAGES.emptyName);
  const values = validateItem((kind === "Put" ? op.Item : op.Key) ?? {});
  return { kind, table: op.TableName, returnOld, condition, update, values };
}

/**
 * An Update action's UpdateExpression over 4 KB is refused without the "expression size: <n>" tail
 * its ConditionExpression (and a Delete's) carries: "Invalid UpdateExpression: Expression size has
 * exceeded the maximum allowed size;" (paritysuite/dynamodb-conformance tests/tier3/validation-ordering/
 * deepRequests.test.ts "reports an oversized UpdateExpression before a later ConditionCheck key nested
 * 100 levels", eu-west-2 and us-east-1, 2026-10-09).
 */
function updateOf(expression: string, attrs: ReturnType<typeof expressionAttributes>): UpdateAction[] {
  if (expressionBytesOver(expression) !== undefined) throw invalidExpression("UpdateExpression", "Expression size has exceeded the maximum allowed size;");
  return parseUpdate(expression, attrs);
}

/** The one action an entry names; undefined when it names none or several. */
function entryKind(entry: TransactWriteItemsInput["TransactItems"][number]): Action["kind"] | undefined {
  const present = ACTION_KINDS.filter((k) => entry[k] !== undefined);
  return present.length === 1 ? present[0] : undefined;
}

/**
 * An action's own member constraints, named by their path in the request, the action's position
 * and its type: "1 validation error detected: Value 'bad!name' at 'transactItems.2.member.update.tableName'
 * failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
 * (dynamodb-conformance tier 3 error-messages/transactWriteItems, captured against DynamoDB in
 * us-east-1 and eu-west-2, 2026-10-08/09, for each of the four types), and likewise
 * 'transactItems.1.member.put.returnValuesOnConditionCheckFailure' for its enum.
 */
function entryMemberChecks(entry: TransactWriteItemsInput["TransactItems"][number], position: number): (Check | undefined)[] {
  const kind = entryKind(entry);
  if (kind === undefined) return [];
  const op = entry[kind] as { TableName: string; ReturnValuesOnConditionCheckFailure?: string };
  const path = `transactItems.${position + 1}.member.${kind.charAt(0).toLowerCase()}${kind.slice(1)}`;
  return [...memberTableNameChecks(op.TableName, `${path}.tableName`), returnValuesOnFailureCheck(op.ReturnValuesOnConditionCheckFailure, `${path}.returnValuesOnConditionCheckFailure`)];
}

function prepare(parsed: Parsed, ctx: DynamoContext, reach: TableReach): Action {
  const { kind, table, returnOld, condition, update } = parsed;
  const scope = reach(ctx, table, ITEM_ACTIONS[kind]);
  const meta = requireTable(ctx.store, scope, table);
  // Bad key values are refused before the transaction starts; an item or Key that does not fit
  // the schema only cancels its own action (AWS: a "ValidationError" cancellation reason).
  if (kind === "Put") {
    const item = parsed.values;
    checkKeyValues(meta, item, true);
    assertItemSize(item, "put");
    const mismatch = itemKeysMismatch(meta, item);
    return { kind, table, scope, meta, key: item, item, condition, returnOld, ...(mismatch !== undefined ? { mismatch } : {}) };
  }
  const key = parsed.values;
  checkKeyValues(meta, key, false);
  const mismatch = keySchemaMismatch(meta, key);
  if (update) {
    assertKeyNotUpdated(update, keyAttributeNames(tableSchema(meta)));
    checkKeyPaths(meta, updatePaths(update));
    refuseEmptyIndexKeys(meta, update);
  }
  return { kind, table, scope, meta, key, condition, returnOld, ...(update ? { update } : {}), ...(mismatch !== undefined ? { mismatch } : {}) };
}

/** An Update that sets an index key to an empty value written in the request is refused before the transaction starts. */
function refuseEmptyIndexKeys(meta: TableMeta, update: readonly UpdateAction[]): void {
  const indexKeys = new Set(allIndexes(meta).flatMap((index) => keyAttributeNames(indexSchema(meta, index))));
  for (const a of update) {
    if (a.kind !== "SET" || a.path.length !== 1 || a.value.kind !== "value" || !indexKeys.has(a.path[0] as string)) continue;
    if (isEmptyKeyValue(a.value.value)) throw validationException(emptyIndexKeyMessage(a.value.value));
  }
}

/**
 * `reach` finds each entry's table (in the account its ARN names) and checks it for the entry's
 * item action; PartiQL checked its own. All tables share one database: one transaction.
 */
export function transactWriteItems(input: TransactWriteItemsInput, ctx: DynamoContext, reach: TableReach = tableContext): TransactWriteItemsOutput {
  const count = input.TransactItems.length;
  // The member constraints are reported together, the token's before the enums, RCC's before
  // RICM's (nubo-db/dynamodb-conformance tier 3 validation-ordering/transactions, us-east-1:
  // "2 validation errors detected: Value '<token>' at 'clientRequestToken' ...; Value 'BOGUS' at
  // 'returnConsumedCapacity' ..."), ahead of everything else.
  check(
    {
      field: "transactItems",
      value: javaListValue("TransactWriteItem", input.TransactItems),
      failure: count === 0 ? "Member must have length greater than or equal to 1" : count > MAX_ACTIONS ? `Member must have length less than or equal to ${MAX_ACTIONS}` : undefined,
    },
    {
      field: "clientRequestToken",
      value: input.ClientRequestToken,
      failure: input.ClientRequestToken !== undefined && (input.ClientRequestToken.length < 1 || input.ClientRequestToken.length > 36) ? "Member must have length less than or equal to 36" : undefined,
    },
    capacityModeCheck(input.ReturnConsumedCapacity),
    itemCollectionMetricsCheck(input.ReturnItemCollectionMetrics),
    ...input.TransactItems.flatMap((entry, i) => entryMemberChecks(entry, i)),
  );
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const metrics = wantsItemCollectionMetrics(input.ReturnItemCollectionMetrics);
  const parsed = input.TransactItems.map((entry, i) => parseEntry(entry, i));
  const actions = parsed.map((p) => prepare(p, ctx, reach));
  const seen = new Set<string>();
  for (const a of actions) {
    if (a.mismatch !== undefined) continue;
    const row = baseRowKey(tableSchema(a.meta), a.key);
    const id = `${a.meta.arn}\u0000${row.pk}\u0000${row.sk}`;
    if (seen.has(id)) throw validationException("Transaction request cannot include multiple operations on one item");
    seen.add(id);
  }
  const size = aggregateSize(actions);
  if (size > MAX_TRANSACTION_BYTES) throw tooLarge(size);
  const now = ctx.clock.now();
  const print = input.ClientRequestToken !== undefined ? requestFingerprint(input, "ClientRequestToken") : undefined;

  return ctx.store.transaction(() => {
    if (input.ClientRequestToken !== undefined && print !== undefined) {
      const previous = ctx.store.token(ctx, input.ClientRequestToken, now - IDEMPOTENCY_WINDOW_MS);
      if (previous !== undefined) {
        if (previous.fingerprint !== print) throw errors.IdempotentParameterMismatch();
        // The same request again within the window: it already happened, nothing is written twice.
        return capacityOut(actions.map((a, i) => ({ table: a.table, consumed: replayRead(a, previous.sizes?.[i]) })), mode);
      }
    }
    // The actions are validated before any runs, and the first that does not fit its schema ends
    // that: it alone is a ValidationError, every other action (even one whose condition is false)
    // is None. ScyllaDB Alternator's test_transact_write_cancellation_reasons_validationerror
    // (test/alternator/test_transact.py), which passes on DynamoDB.
    const invalid = actions.findIndex((a) => a.mismatch !== undefined);
    if (invalid >= 0) {
      cancel(actions.map((a, i): Reason => (i === invalid && a.mismatch !== undefined ? { Code: "ValidationError", Message: a.mismatch } : { Code: "None" })));
    }
    const olds = actions.map((a) => readItem(ctx.store, a.scope, a.meta, a.key));
    const reasons: Reason[] = [];
    const results: (Item | undefined)[] = [];
    actions.forEach((a, i) => {
      const old = olds[i];
      if (a.condition !== undefined && !evaluateCondition(a.condition, old)) {
        reasons.push({
          Code: "ConditionalCheckFailed",
          Message: "The conditional request failed",
          ...(a.returnOld && old !== undefined ? { Item: jsonItem(old) } : {}),
        });
        results.push(undefined);
        return;
      }
      try {
        let next: Item | undefined;
        if (a.kind === "Put") next = a.item;
        else if (a.kind === "Update") {
          // A missing item starts as its key, and ends as UpdateItem leaves it: a removal from
          // a path inside it passes, and an update that only removes does not create it.
          // An index key the expression writes a mistyped value to is refused in a put's words
          // (captured from AWS: dynamodb-batch's schema test), one given a mistyped value from the
          // item in the update's: "The update expression attempted to update the secondary index
          // key to unsupported type", a ValidationError message the TransactWriteItems API
          // reference lists, as UpdateItem words both.
          const update = a.update ?? [];
          checkIndexKeys(a.meta, typedWrites(update), "update");
          const result = applyUpdate(update, old ?? a.key, old === undefined);
          checkIndexKeys(a.meta, result.item, "resolved");
          assertUpdatedItemDepth(result.item);
          assertItemSize(result.item, "update");
          next = updateWrites(a.meta, old, result);
        } else if (a.kind === "ConditionCheck") next = old;
        reasons.push({ Code: "None" });
        results.push(next);
      } catch (err) {
        if (!isValidationException(err)) throw err;
        reasons.push({ Code: "ValidationError", Message: (err as AwsError).message });
        results.push(undefined);
      }
    });
    if (reasons.some((r) => r.Code !== "None")) cancel(reasons);
    const made = aggregateSize(actions, results);
    if (made > MAX_TRANSACTION_BYTES) throw tooLarge(made);
    const consumed = actions.map((a, i) => {
      if (a.kind === "ConditionCheck") return { table: a.table, meta: a.meta, consumed: chargeOnly(a, olds[i]) };
      const c = writeItem(a.scope, a.meta, olds[i], a.kind === "Delete" ? undefined : results[i]);
      // A transaction costs twice the table's units of the same plain write; its index writes
      // cost what they cost outside one (nubo-db/dynoxide#178 and PR #188, measured in eu-west-2:
      // a put of a GSI member is Table 2, GSI 1, total 3).
      c.table *= 2;
      return { table: a.table, meta: a.meta, consumed: c };
    });
    const throttle = throttleOf(ctx);
    if (throttle !== undefined) {
      // An action whose table or GSI has no capacity left cancels the transaction; what it wrote
      // above is rolled back with it. Otherwise every action draws its (doubled) units.
      const cancelled = throttledTransaction(consumed.map((e) => throttle.consumedRefusal(e.meta, e.consumed)));
      if (cancelled !== undefined) throw cancelled;
      for (const e of consumed) throttle.charge(e.meta, e.consumed);
    }
    if (input.ClientRequestToken !== undefined && print !== undefined) {
      const sizes = actions.map((_, i) => Math.max(sizeOf(olds[i]), sizeOf(results[i])));
      ctx.store.saveToken(ctx, input.ClientRequestToken, print, sizes, now);
    }
    return { ...{}, ...capacityOut(consumed, mode), ...(metrics ? collectionMetricsOut(actions) : {}) };
  });
}

function cancel(reasons: readonly Reason[]): never {
  throw errors.TransactionCanceled({ reasons: reasons.map((r) => r.Code).join(", ") }, { fields: { CancellationReasons: reasons } });
}

/**
 * ItemCollectionMetrics per table, as the request names it, for the Put, Update and Delete
 * actions on tables with local secondary indexes, after they were written ("A list of tables
 * that were processed by TransactWriteItems and, for each table, information about any item
 * collections that were affected by individual UpdateItem, PutItem, or DeleteItem operations":
 * API reference). Left out when no such table was written, as BatchWriteItem does.
 */
function collectionMetricsOut(actions: readonly Action[]): Pick<TransactWriteItemsOutput, "ItemCollectionMetrics"> {
  const out: Record<string, NonNullable<ReturnType<typeof itemCollectionMetrics>["ItemCollectionMetrics"]>[]> = {};
  for (const a of actions) {
    if (a.kind === "ConditionCheck") continue;
    const m = itemCollectionMetrics(a.scope, a.meta, a.key, "SIZE").ItemCollectionMetrics;
    if (m !== undefined) (out[a.table] ??= []).push(m);
  }
  return Object.keys(out).length > 0 ? { ItemCollectionMetrics: out } : {};
}

/**
 * What a replay (the same ClientRequestToken within the window) costs: "Subsequent
 * TransactWriteItems calls with the same client token return the number of read capacity units
 * consumed in reading the item" (developer guide, transaction-apis.html), a transactional read:
 * twice the strongly consistent units, rounded at 4 KB (a ~1.5 KB item is 4 write units, then 2
 * read units: paritysuite/dynamodb-conformance#68, PR #74, eu-west-2), of the larger image the
 * first call sized the action on, not of the item as it is now: a put that shrank a ~9 KB item
 * and a delete of one both replay at 6 (nubo-db/dynoxide PR #188, captures S1 and R1, eu-west-2).
 * A token saved without sizes falls back to the item as it is now.
 */
function replayRead(a: Action, size: number | undefined): Consumption {
  const c = new Consumption(a.table, "read");
  c.table = 2 * readUnits(size ?? sizeOf(readItem(a.scope.store, a.scope, a.meta, a.key)), true);
  return c;
}

function sizeOf(item: Item | undefined): number {
  return item ? itemSize(item) : 0;
}

function chargeOnly(a: Action, old?: Item): Consumption {
  const c = new Consumption(a.table, "write");
  const item = old ?? readItem(a.scope.store, a.scope, a.meta, a.key);
  c.table = 2 * writeUnits(item ? itemSize(item) : 0);
  return c;
}

/** One ConsumedCapacity per table, under the name the request gave it. */
function capacityOut(entries: { table: string; consumed: Consumption }[], mode: ReturnType<typeof capacityMode>): TransactWriteItemsOutput {
  if (mode === "NONE") return {};
  const byTable = new Map<string, Consumption>();
  for (const e of entries) {
    const sum = byTable.get(e.table) ?? new Consumption(e.table, e.consumed.kind);
    sum.merge(e.consumed);
    byTable.set(e.table, sum);
  }
  const out: ConsumedCapacityOut[] = [];
  for (const c of byTable.values()) {
    const d = c.describe(mode, true);
    if (d) out.push(d);
  }
  return { ConsumedCapacity: out };
}

