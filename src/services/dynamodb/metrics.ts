import type { Scope } from "../../core/service.js";
import type { Item } from "./domain/index.js";
import type { DynamoStore } from "./store.js";
import { encodeKeyValue } from "./items.js";
import { tableSchema, type TableMeta } from "./table.js";
import { check, oneOf, type Check } from "./validation.js";

/** Whether ReturnItemCollectionMetrics asks for SIZE; anything but SIZE or NONE is refused. */
export function wantsItemCollectionMetrics(raw: string | undefined): boolean {
  check(itemCollectionMetricsCheck(raw));
  return raw === "SIZE";
}

/** ReturnItemCollectionMetrics' enum, a member constraint reported with the request's others. */
export function itemCollectionMetricsCheck(raw: string | undefined): Check {
  return oneOf("returnItemCollectionMetrics", raw, ["SIZE", "NONE"]);
}

/**
 * ReturnItemCollectionMetrics=SIZE: only tables with local secondary indexes have item
 * collections; the estimate is a range in GB around the collection's real size.
 */
export function itemCollectionMetrics(
  ctx: Scope & { store: DynamoStore },
  meta: TableMeta,
  item: Item,
  raw: string | undefined,
): { ItemCollectionMetrics?: { ItemCollectionKey: Item; SizeEstimateRangeGB: number[] } } {
  if (!wantsItemCollectionMetrics(raw) || meta.lsis.length === 0) return {};
  const schema = tableSchema(meta);
  const pkValue = item[schema.partitionKey];
  if (pkValue === undefined) return {};
  const pk = encodeKeyValue(pkValue);
  let bytes = 0;
  for (const index of ["", ...meta.lsis.map((l) => l.name)]) {
    for (const row of ctx.store.range(ctx, meta.name, index, { pk })) bytes += row.size;
  }
  const gb = bytes / 1024 ** 3;
  return { ItemCollectionMetrics: { ItemCollectionKey: { [schema.partitionKey]: pkValue }, SizeEstimateRangeGB: [Math.floor(gb), Math.floor(gb) + 1] } };
}
