import type { TransactGetItemsInput, TransactGetItemsOutput } from "../../../generated/dynamodb.js";
import { tableContext, type TableReach } from "../access.js";
import { expressionAttributes, itemSize, project, validationException } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { baseRowKey, capacityMode, Consumption, readItem, readUnits, requireTable, validateKey, type ConsumedCapacityOut } from "../items.js";
import { projectionOf } from "../requests.js";
import { tableSchema } from "../table.js";
import { check } from "../validation.js";

const MAX_ACTIONS = 100;

/** `reach` finds each entry's table (in the account its ARN names) and checks it for GetItem; PartiQL checked its own action. */
export function transactGetItems(input: TransactGetItemsInput, ctx: DynamoContext, reach: TableReach = tableContext): TransactGetItemsOutput {
  const count = input.TransactItems.length;
  check({
    field: "transactItems",
    value: count === 0 ? "[]" : `[${count} items]`,
    failure: count === 0 ? "Member must have length greater than or equal to 1" : count > MAX_ACTIONS ? `Member must have length less than or equal to ${MAX_ACTIONS}` : undefined,
  });
  const mode = capacityMode(input.ReturnConsumedCapacity);
  const seen = new Set<string>();
  const plans = input.TransactItems.map(({ Get: get }) => {
    const scope = reach(ctx, get.TableName, "GetItem");
    const meta = requireTable(ctx.store, scope, get.TableName);
    const key = validateKey(meta, get.Key);
    const attrs = expressionAttributes(get.ExpressionAttributeNames, undefined);
    const paths = projectionOf(get, attrs);
    attrs.assertAllUsed();
    const row = baseRowKey(tableSchema(meta), key);
    const id = `${meta.arn}\u0000${row.pk}\u0000${row.sk}`;
    if (seen.has(id)) throw validationException("Transaction request cannot include multiple operations on one item");
    seen.add(id);
    return { table: get.TableName, scope, meta, key, paths };
  });
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
      c.table += 2 * readUnits(item ? itemSize(item) : 0, true);
      return item === undefined ? {} : { Item: p.paths ? project(p.paths, item) : item };
    });
    const capacity: ConsumedCapacityOut[] = [];
    for (const c of byTable.values()) {
      const d = c.describe(mode);
      if (d) capacity.push(d);
    }
    return { Responses: responses, ...(mode !== "NONE" ? { ConsumedCapacity: capacity } : {}) };
  });
}
