import type { BatchGetItemInput, BatchGetItemOutput } from "../../../generated/dynamodb.js";
import { tableContext } from "../access.js";
import { expressionAttributes, itemSize, project, validationException, type Item } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { baseRowKey, capacityMode, Consumption, readItem, readUnits, requireTable, validateKey, type ConsumedCapacityOut } from "../items.js";
import { projectionOf } from "../requests.js";
import { tableSchema } from "../table.js";
import { check } from "../validation.js";

const MAX_KEYS = 100;
/** "A single operation can retrieve up to 16 MB of data"; the keys beyond come back unprocessed. */
export const MAX_BATCH_GET_BYTES = 16 * 1024 * 1024;

export function batchGetItem(input: BatchGetItemInput, ctx: DynamoContext): BatchGetItemOutput {
  const tables = Object.keys(input.RequestItems);
  check({ field: "requestItems", value: "{}", failure: tables.length === 0 ? "Member must have length greater than or equal to 1" : undefined });
  const mode = capacityMode(input.ReturnConsumedCapacity);
  let total = 0;
  for (const t of tables) total += input.RequestItems[t]?.Keys.length ?? 0;
  if (total > MAX_KEYS) throw validationException("Too many items requested for the BatchGetItem call");

  const plans = tables.map((name) => {
    const request = input.RequestItems[name] as BatchGetItemInput["RequestItems"][string];
    if (request.ProjectionExpression !== undefined && request.AttributesToGet !== undefined) {
      throw validationException(
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
      );
    }
    // A table named by ARN is read in its account; the name stays the key of what comes back.
    const scope = tableContext(ctx, name, "BatchGetItem");
    const meta = requireTable(ctx.store, scope, name);
    const attrs = expressionAttributes(request.ExpressionAttributeNames, undefined);
    const paths = projectionOf(request, attrs);
    attrs.assertAllUsed();
    const seen = new Set<string>();
    const keys = request.Keys.map((raw) => {
      const key = validateKey(meta, raw);
      const row = baseRowKey(tableSchema(meta), key);
      const id = `${row.pk}\u0000${row.sk}`;
      if (seen.has(id)) throw validationException("Provided list of item keys contains duplicates");
      seen.add(id);
      return key;
    });
    return { name, scope, meta, paths, keys, consistent: request.ConsistentRead === true, request };
  });

  const responses: Record<string, Item[]> = {};
  const unprocessed: NonNullable<BatchGetItemOutput["UnprocessedKeys"]> = {};
  const capacity: ConsumedCapacityOut[] = [];
  // Items count at their full stored size, as read (and charged), before any projection.
  let bytes = 0;
  let full = false;
  for (const plan of plans) {
    const found: Item[] = [];
    const consumed = new Consumption(plan.name, "read");
    let done = 0;
    for (const key of plan.keys) {
      if (full) break;
      const item = readItem(ctx.store, plan.scope, plan.meta, key);
      const size = item ? itemSize(item) : 0;
      if (item && bytes + size > MAX_BATCH_GET_BYTES) {
        full = true;
        break;
      }
      bytes += size;
      done++;
      consumed.table += readUnits(size, plan.consistent);
      if (item) found.push(plan.paths ? project(plan.paths, item) : item);
    }
    if (done < plan.keys.length) {
      // The rest go back in the shape they were asked in, ready to be sent again.
      const { Keys: _all, ...rest } = plan.request;
      unprocessed[plan.name] = { ...{}, ...rest, Keys: plan.keys.slice(done) };
    }
    responses[plan.name] = found;
    const c = done > 0 ? consumed.describe(mode) : undefined;
    if (c) capacity.push(c);
  }
  return { Responses: responses, UnprocessedKeys: unprocessed, ...(mode !== "NONE" ? { ConsumedCapacity: capacity } : {}) };
}
