import type { BatchGetItemInput, BatchGetItemOutput } from "../../../generated/dynamodb.js";
import type { AwsError } from "../../../core/errors.js";
import { bareTableName, tableContext } from "../access.js";
import { expressionAttributes, itemSize, project, validateItem, validationException, type Item } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { baseRowKey, capacityMode, capacityModeCheck, checkKey, Consumption, readItem, readUnits, requireTable, serializeItem, type ConsumedCapacityOut } from "../items.js";
import { projectionOf } from "../requests.js";
import { tableSchema } from "../table.js";
import { throttleOf } from "../throttling.js";
import { check, memberConstraint, tableNameChecks } from "../validation.js";

const MAX_KEYS = 100;
/** "A single operation can retrieve up to 16 MB of data"; the keys beyond come back unprocessed. */
export const MAX_BATCH_GET_BYTES = 16 * 1024 * 1024;

export function batchGetItem(input: BatchGetItemInput, ctx: DynamoContext): BatchGetItemOutput {
  const tables = Object.keys(input.RequestItems);
  if (tables.length === 0) throw memberConstraint("RequestItems", "Member must have length greater than or equal to 1");
  // A malformed name is a constraint on the map's keys, printed with the map as JSON (a table ARN is
  // checked as one), reported with ReturnConsumedCapacity's enum (nubo-db/dynamodb-conformance
  // tier 3 validation-ordering/batch, captured against DynamoDB in us-east-1 and eu-west-2, 2026-10-09).
  const badName = tables.some((t) => bareTableName(t) === t && tableNameChecks(t).some((c) => c.failure !== undefined));
  check(
    {
      field: "requestItems",
      value: serializeItem(input.RequestItems as unknown as Item),
      failure: badName
        ? "Map keys must satisfy constraint: [Member must have length less than or equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+]"
        : undefined,
    },
    capacityModeCheck(input.ReturnConsumedCapacity),
  );
  for (const t of tables) {
    const count = input.RequestItems[t]?.Keys.length ?? 0;
    if (count < 1) throw memberConstraint(`RequestItems.${t}.member.Keys`, "Member must have length greater than or equal to 1");
    if (count > MAX_KEYS) throw memberConstraint(`RequestItems.${t}.member.Keys`, `Member must have length less than or equal to ${MAX_KEYS}`);
    // KeysAndAttributes' AttributesToGet: "Array Members: Minimum number of 1 item" (API reference),
    // a member constraint of the same front end as Keys'.
    if (input.RequestItems[t]?.AttributesToGet?.length === 0) {
      throw memberConstraint(`RequestItems.${t}.member.AttributesToGet`, "Member must have length greater than or equal to 1");
    }
  }
  const mode = capacityMode(input.ReturnConsumedCapacity);
  let total = 0;
  for (const t of tables) total += input.RequestItems[t]?.Keys.length ?? 0;
  if (total > MAX_KEYS) throw validationException("Too many items requested for the BatchGetItem call");
  // Expression and legacy projections may not be mixed, within one table's entry or across tables.
  const requests = Object.values(input.RequestItems);
  if (requests.some((r) => r.ProjectionExpression !== undefined) && requests.some((r) => r.AttributesToGet !== undefined)) {
    throw validationException(
      "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
    );
  }

  // Key values are checked before any table is looked up: a bad one is refused even for a table
  // that does not exist (dynalite's suite, run against DynamoDB); whether a Key fits the schema
  // needs the table.
  const validKeys = tables.map((name) => (input.RequestItems[name]?.Keys ?? []).map((raw) => validateItem(raw, "bare")));
  // So are the projections: an unused ExpressionAttributeNames key is refused for a table that
  // does not exist (moto's AWS-verified test_dynamodb_exceptions.py::test_batch_get_item_unused_attribute_name).
  const projections = tables.map((name) => {
    const request = input.RequestItems[name] as BatchGetItemInput["RequestItems"][string];
    const attrs = expressionAttributes(request.ExpressionAttributeNames, undefined);
    const paths = projectionOf(request, attrs, false);
    attrs.assertAllUsed();
    return paths;
  });
  // A Key given twice, as written, is refused before any table is looked up or any Key is held
  // against its schema: ExtendDB/extenddb#192 captured it against a table that does not exist, and
  // two identical Keys with a NULL sort key are refused as duplicates (Dynamoid/dynamoid#510).
  // Keys equal only once read by the schema are caught below.
  for (const keys of validKeys) {
    const written = new Set<string>();
    for (const key of keys) {
      const id = serializeItem(Object.fromEntries(Object.entries(key).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
      if (written.has(id)) throw validationException("Provided list of item keys contains duplicates");
      written.add(id);
    }
  }
  const plans = tables.map((name, t) => {
    const request = input.RequestItems[name] as BatchGetItemInput["RequestItems"][string];
    // A table named by ARN is read in its account; the name stays the key of what comes back.
    const scope = tableContext(ctx, name, "BatchGetItem");
    const meta = requireTable(ctx.store, scope, name);
    const paths = projections[t];
    const seen = new Set<string>();
    const keys = (validKeys[t] ?? []).map((key) => {
      checkKey(meta, key);
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
  const throttle = throttleOf(ctx);
  let refusal: AwsError | undefined;
  let read = 0;
  for (const plan of plans) {
    const found: Item[] = [];
    const consumed = new Consumption(plan.name, "read");
    let done = 0;
    for (const key of plan.keys) {
      if (full) break;
      // A table out of read capacity (--dynamodb-throttling) leaves its remaining keys unprocessed.
      const refused = throttle?.refusal(plan.meta, "read");
      if (refused !== undefined) {
        refusal ??= refused;
        break;
      }
      const item = readItem(ctx.store, plan.scope, plan.meta, key);
      const size = item ? itemSize(item) : 0;
      if (item && bytes + size > MAX_BATCH_GET_BYTES) {
        full = true;
        break;
      }
      bytes += size;
      done++;
      const units = readUnits(size, plan.consistent);
      consumed.table += units;
      throttle?.draw(plan.meta, "read", units);
      if (item) found.push(plan.paths ? project(plan.paths, item) : item);
    }
    read += done;
    if (done < plan.keys.length) {
      // The rest go back in the shape they were asked in, ready to be sent again.
      const { Keys: _all, ...rest } = plan.request;
      unprocessed[plan.name] = { ...{}, ...rest, Keys: plan.keys.slice(done) };
    }
    responses[plan.name] = found;
    const c = done > 0 ? consumed.describe(mode) : undefined;
    if (c) capacity.push(c);
  }
  // "If none of the items can be processed due to insufficient provisioned throughput on all of
  // the tables in the request, then BatchGetItem returns a ProvisionedThroughputExceededException"
  // (ThrottlingException for other throttling: API reference).
  if (read === 0 && refusal !== undefined) throw refusal;
  return { Responses: responses, UnprocessedKeys: unprocessed, ...(mode !== "NONE" ? { ConsumedCapacity: capacity } : {}) };
}
