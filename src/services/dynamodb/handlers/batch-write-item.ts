import type { AwsError } from "../../../core/errors.js";
import type { BatchWriteItemInput, BatchWriteItemOutput } from "../../../generated/dynamodb.js";
import { tableContext } from "../access.js";
import { assertItemSize, validateItem, validationException, type Item } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { baseRowKey, capacityMode, capacityModeCheck, Consumption, readItem, requireTable, serializeItem, checkItemKeys, checkKey, writeItem, type ConsumedCapacityOut } from "../items.js";
import { itemCollectionMetrics, itemCollectionMetricsCheck } from "../metrics.js";
import { javaObjectName } from "../requests.js";
import { tableSchema } from "../table.js";
import { throttleOf } from "../throttling.js";
import { check } from "../validation.js";

const MAX_REQUESTS = 25;
/**
 * "A single call to BatchWriteItem can transmit up to 16MB of data over the network": the
 * request as JSON (binaries in base64), which may exceed 25 items of 400 KB as stored.
 */
export const MAX_BATCH_WRITE_BYTES = 16 * 1024 * 1024;

export function batchWriteItem(input: BatchWriteItemInput, ctx: DynamoContext): BatchWriteItemOutput {
  const tables = Object.keys(input.RequestItems);
  // AWS answers an empty map with its own sentence, not the model's length constraint (the
  // conformance suite's run against DynamoDB; a few regions now give the newer front end's
  // "Value at 'RequestItems' ..." instead, never Coral's "Value '{}' at 'requestItems'").
  if (tables.length === 0) throw validationException("The requestItems parameter is required for BatchWriteItem");
  // A table's own list is a modelled constraint (1..25 requests), reported with the whole map
  // as Coral prints it; 25 across several tables is the service's own limit below.
  const listed = tables.map((t) => input.RequestItems[t] ?? []);
  if (listed.some((requests) => requests.length < 1 || requests.length > MAX_REQUESTS)) {
    check({
      field: "requestItems",
      value: `{${tables.map((t, i) => `${t}=[${(listed[i] ?? []).map((r) => javaObjectName("WriteRequest", r)).join(", ")}]`).join(", ")}}`,
      failure: `Map value must satisfy constraint: [Member must have length less than or equal to ${MAX_REQUESTS}, Member must have length greater than or equal to 1]`,
    });
  }
  // The enums are member constraints, reported together (RCC's first) and before any table name
  // or table is looked at (nubo-db/dynamodb-conformance tier 3 validation-ordering/batch,
  // captured against DynamoDB in us-east-1 and eu-west-2, 2026-10-09).
  check(capacityModeCheck(input.ReturnConsumedCapacity), itemCollectionMetricsCheck(input.ReturnItemCollectionMetrics));
  const mode = capacityMode(input.ReturnConsumedCapacity);
  let total = 0;
  for (const t of tables) total += input.RequestItems[t]?.length ?? 0;
  if (total > MAX_REQUESTS) throw validationException("Too many items requested for the BatchWriteItem call");

  // Everything is validated before anything is written: one bad request refuses the batch. The
  // requests themselves (one of PutRequest or DeleteRequest, attribute values, 400 KB an item) are
  // checked before any table is looked up: AWS refuses them even for a table that does not exist
  // (dynalite's suite, run against DynamoDB: an item too big for a missing table is a
  // ValidationException; one just small enough, ResourceNotFoundException).
  const checked = tables.map((name) =>
    (input.RequestItems[name] ?? []).map((request) => {
      const put = request.PutRequest;
      const del = request.DeleteRequest;
      if ((put === undefined) === (del === undefined)) {
        throw validationException("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
      }
      if (put === undefined) return { request, item: validateItem((del as { Key: Record<string, unknown> }).Key) };
      const item = validateItem(put.Item);
      assertItemSize(item, "put");
      return { request, item };
    }),
  );
  const plans = tables.map((name, t) => {
    // A table named by ARN is written in its account (its stream too); the name stays the key of what comes back.
    const scope = tableContext(ctx, name, "BatchWriteItem");
    const meta = requireTable(ctx.store, scope, name);
    const seen = new Set<string>();
    const writes = (checked[t] ?? []).map(({ request, item: valid }) => {
      const put = request.PutRequest;
      if (put !== undefined) checkItemKeys(meta, valid, "schema");
      else checkKey(meta, valid);
      const item: Item = valid;
      const row = baseRowKey(tableSchema(meta), item);
      const id = `${row.pk}\u0000${row.sk}`;
      if (seen.has(id)) throw validationException("Provided list of item keys contains duplicates");
      seen.add(id);
      return { put: put !== undefined, item, request };
    });
    return { name, scope, meta, writes };
  });
  // Measured only after every item passed the 400 KB rule, on the request as it travelled.
  if (Buffer.byteLength(serializeItem(input.RequestItems as unknown as Item)) > MAX_BATCH_WRITE_BYTES) {
    throw validationException("Request size has exceeded the maximum allowed size of 16 MB for the BatchWriteItem call");
  }

  const throttle = throttleOf(ctx);
  return ctx.store.transaction(() => {
    const capacity: ConsumedCapacityOut[] = [];
    const metrics: Record<string, NonNullable<ReturnType<typeof itemCollectionMetrics>["ItemCollectionMetrics"]>[]> = {};
    // Writes throttled (--dynamodb-throttling) go back as they were asked, to be sent again.
    const unprocessed: NonNullable<BatchWriteItemOutput["UnprocessedItems"]> = {};
    let refusal: AwsError | undefined;
    let written = 0;
    for (const { name, scope, meta, writes } of plans) {
      const consumed = new Consumption(name, "write");
      let done = 0;
      for (const w of writes) {
        const old = readItem(ctx.store, scope, meta, w.item);
        const next = w.put ? w.item : undefined;
        const refused = throttle === undefined ? undefined : (throttle.refusal(meta, "write") ?? throttle.gsiWriteRefusal(meta, old, next));
        if (refused !== undefined) {
          refusal ??= refused;
          (unprocessed[name] ??= []).push(w.request);
          continue;
        }
        const c = writeItem(scope, meta, old, next);
        throttle?.charge(meta, c);
        consumed.merge(c);
        done++;
        const m = itemCollectionMetrics(scope, meta, w.item, input.ReturnItemCollectionMetrics).ItemCollectionMetrics;
        if (m !== undefined) (metrics[name] ??= []).push(m);
      }
      written += done;
      const described = done > 0 ? consumed.describe(mode) : undefined;
      if (described) capacity.push(described);
    }
    // "If none of the items can be processed due to insufficient provisioned throughput on all of
    // the tables in the request, then BatchWriteItem returns a ProvisionedThroughputExceededException"
    // (ThrottlingException for other throttling: API reference).
    if (written === 0 && refusal !== undefined) throw refusal;
    return {
      UnprocessedItems: unprocessed,
      ...(mode !== "NONE" ? { ConsumedCapacity: capacity } : {}),
      ...(Object.keys(metrics).length > 0 ? { ItemCollectionMetrics: metrics } : {}),
    };
  });
}
