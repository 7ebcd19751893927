import type { TransactGetItemsInput, TransactGetItemsOutput } from "../../../generated/dynamodb.js";
import { tableContext, type TableReach } from "../access.js";
import { expressionAttributes, itemSize, project, validateItem, validationException } from "../domain/index.js";
import { errors } from "../errors.js";
import type { DynamoContext } from "../context.js";
import { baseRowKey, capacityMode, checkKeyValues, Consumption, keySchemaMismatch, memberTableNameChecks, readItem, readUnits, requireTable, type ConsumedCapacityOut } from "../items.js";
import { projectionOf, javaListValue } from "../requests.js";
import { tableSchema } from "../table.js";
import { throttledTransaction, throttleOf } from "../throttling.js";
import { check } from "../validation.js";

const MAX_ACTIONS = 100;

/** `reach` finds each entry's table (in the account its ARN names) and checks it for GetItem; PartiQL checked its own action. */
export function transactGetItems(input: TransactGetItemsInput, ctx: DynamoContext, reach: TableReach = tableContext): TransactGetItemsOutput {
  const count = input.TransactItems.length;
  // Each Get's table name is named by its position: "Value 'bad!name' at 'transactItems.2.member.get.tableName' ..."
  // (dynamodb-conformance tier 3 error-messages/transactGetItems, captured against DynamoDB in
  // us-east-1 and eu-west-2, 2026-10-09), ahead of any table.
  check(
    {
      field: "transactItems",
      value: javaListValue("TransactGetItem", input.TransactItems),
      failure: count === 0 ? "Member must have length greater than or equal to 1" : count > MAX_ACTIONS ? `Member must have length less than or equal to ${MAX_ACTIONS}` : undefined,
    },
    ...input.TransactItems.flatMap(({ Get: get }, i) => memberTableNameChecks(get.TableName, `transactItems.${i + 1}.member.get.tableName`)),
  );
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const seen = new Set<string>();
  const plans = input.TransactItems.map(({ Get: get }) => {
    const scope = reach(ctx, get.TableName, "GetItem");
    const meta = requireTable(ctx.store, scope, get.TableName);
    // A bad key value refuses the request; a Key that does not fit the schema cancels the transaction with a ValidationError reason for it.
    const key = validateItem(get.Key);
    checkKeyValues(meta, key, false);
    const mismatch = keySchemaMismatch(meta, key);
    const attrs = expressionAttributes(get.ExpressionAttributeNames, undefined);
    const paths = projectionOf(get, attrs);
    attrs.assertAllUsed();
    if (mismatch === undefined) {
      const row = baseRowKey(tableSchema(meta), key);
      const id = `${meta.arn}\u0000${row.pk}\u0000${row.sk}`;
      if (seen.has(id)) throw validationException("Transaction request cannot include multiple operations on one item");
      seen.add(id);
    }
    return { table: get.TableName, scope, meta, key, paths, mismatch };
  });
  if (plans.some((p) => p.mismatch !== undefined)) {
    const reasons = plans.map((p) => (p.mismatch !== undefined ? { Code: "ValidationError", Message: p.mismatch } : { Code: "None" }));
    throw errors.TransactionCanceled({ reasons: reasons.map((r) => r.Code).join(", ") }, { fields: { CancellationReasons: reasons } });
  }
  // A table out of read capacity (--dynamodb-throttling) cancels the transaction before anything is read.
  const throttle = throttleOf(ctx);
  const cancelled = throttle === undefined ? undefined : throttledTransaction(plans.map((p) => throttle.refusal(p.meta, "read")));
  if (cancelled !== undefined) throw cancelled;
  // One snapshot: every read sees the same committed state.
  return ctx.store.transaction(() => {
    const byTable = new Map<string, Consumption>();
    const responses = plans.map((p) => {
      const item = readItem(ctx.store, p.scope, p.meta, p.key);
      let c = byTable.get(p.table);
      if (c === undefined) {
        c = new Consumption(p.table, "read");
        byTable.set(p.table, c);
      }
      // Transactions cost twice the units of the same plain reads.
      const units = 2 * readUnits(item ? itemSize(item) : 0, true);
      c.table += units;
      throttle?.draw(p.meta, "read", units);
      if (item === undefined) return {};
      // A projection that matches nothing leaves the response empty, with no Item; GetItem and
      // BatchGetItem answer Item {} instead (verified against DynamoDB: ExtendDB/extenddb#74 and
      // PR #81, nubo-db/dynoxide#39 and #53, getmoto/moto#3420; the API reference's "if the
      // requested item has no projected attributes, the corresponding ItemResponse object is an empty Map").
      const projected = p.paths ? project(p.paths, item) : item;
      return Object.keys(projected).length === 0 ? {} : { Item: projected };
    });
    const capacity: ConsumedCapacityOut[] = [];
    for (const c of byTable.values()) {
      const d = c.describe(mode, true);
      if (d) capacity.push(d);
    }
    return { Responses: responses, ...(mode !== "NONE" ? { ConsumedCapacity: capacity } : {}) };
  });
}
