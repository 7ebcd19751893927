/**
 * The shapes of DynamoDB's 2011-12-05 API, translated to and from the current ones. Keys are
 * `{HashKeyElement, RangeKeyElement}` there, not maps by attribute name; a table's description
 * has its own shape (no indexes, no attribute definitions); an answer's capacity is one number,
 * ConsumedCapacityUnits ("Previous low-level DynamoDB API version (2011-12-05)", the
 * API_*_v20111205 pages of the DynamoDB developer guide).
 */
import type { CurrentCapacity, CurrentTable, Key, TableDescription } from "./types.js";
import type { DynamoContext } from "../context.js";
import { bareTableName, tableScope } from "../access.js";
import type { Item } from "../domain/index.js";

export type CurrentKey = Record<string, NonNullable<Key["HashKeyElement"]>>;

/** The attribute names of a table's primary key. */
export interface KeyNames {
  readonly hash: string;
  readonly range: string | undefined;
}

/**
 * The key names of the table `name`, as the request reaches it. A table that does not exist gets
 * placeholder names, so the current operation checks the request and answers its
 * ResourceNotFoundException, as it would for a key of any names.
 */
export function keyNames(ctx: DynamoContext, name: string): KeyNames {
  const meta = ctx.store.readTable(tableScope(ctx, name), bareTableName(name));
  if (meta === undefined) return { hash: "HashKeyElement", range: "RangeKeyElement" };
  return {
    hash: meta.keySchema.find((k) => k.KeyType === "HASH")?.AttributeName ?? "",
    range: meta.keySchema.find((k) => k.KeyType === "RANGE")?.AttributeName,
  };
}

/** An old-form key as the current API names it: by the table's key attribute names. */
export function currentKey(names: KeyNames, key: Key): CurrentKey {
  const out: CurrentKey = { [names.hash]: key.HashKeyElement };
  // A range key element sent to a table without one is kept, under a name the table's schema
  // does not have, so the current key check refuses it as it refuses an extra key attribute.
  if (key.RangeKeyElement !== undefined) out[names.range ?? "RangeKeyElement"] = key.RangeKeyElement;
  return out;
}

/** A current key (LastEvaluatedKey, an unprocessed key) in the old form. */
export function oldKey(names: KeyNames, key: Item | Readonly<Record<string, unknown>>): Key {
  const hash = key[names.hash] as Key["HashKeyElement"];
  const range = names.range === undefined ? undefined : (key[names.range] as Key["RangeKeyElement"]);
  return range === undefined ? { HashKeyElement: hash } : { HashKeyElement: hash, RangeKeyElement: range };
}

/** ConsumedCapacityUnits: what the current API reports as CapacityUnits, TOTAL. */
export function capacityUnits(capacity: CurrentCapacity | undefined): number {
  return capacity?.CapacityUnits ?? 0;
}

/**
 * A table's description in the old shape. Its KeySchema is the table's primary key, each element
 * with its type; secondary indexes (which this version cannot create), the table's ARN, id,
 * billing and stream settings have no place in it and are left out, as the old API's TableDescription
 * has none of them (an on-demand table shows the 0 units the current description shows).
 */
export function oldDescription(table: CurrentTable): TableDescription {
  const typeOf = (name: string) => table.AttributeDefinitions?.find((d) => d.AttributeName === name)?.AttributeType ?? "S";
  const element = (type: "HASH" | "RANGE") => {
    const name = table.KeySchema?.find((k) => k.KeyType === type)?.AttributeName;
    return name === undefined ? undefined : { AttributeName: name, AttributeType: typeOf(name) };
  };
  const hash = element("HASH");
  const range = element("RANGE");
  const throughput = table.ProvisionedThroughput;
  const out: TableDescription = {
    TableName: table.TableName,
    TableStatus: table.TableStatus,
    CreationDateTime: table.CreationDateTime,
    TableSizeBytes: table.TableSizeBytes,
    ItemCount: table.ItemCount,
  };
  if (hash !== undefined) out.KeySchema = range === undefined ? { HashKeyElement: hash } : { HashKeyElement: hash, RangeKeyElement: range };
  if (throughput !== undefined) {
    out.ProvisionedThroughput = { ReadCapacityUnits: throughput.ReadCapacityUnits, WriteCapacityUnits: throughput.WriteCapacityUnits, NumberOfDecreasesToday: throughput.NumberOfDecreasesToday };
    if (throughput.LastIncreaseDateTime !== undefined) out.ProvisionedThroughput.LastIncreaseDateTime = throughput.LastIncreaseDateTime;
    if (throughput.LastDecreaseDateTime !== undefined) out.ProvisionedThroughput.LastDecreaseDateTime = throughput.LastDecreaseDateTime;
  }
  return out;
}
