/**
 * Member access for objects keyed by data: DynamoDB attribute names and map keys, and any map a
 * request carries. A plain object also answers the names Object.prototype lends it
 * ("constructor", "toString", "hasOwnProperty"...), and an assignment to "__proto__" sets its
 * prototype instead of adding a member. AWS takes every one of them as a name like any other, so
 * such objects are read and written through these two.
 */

/** The object's own member `key`, undefined when it has none (whatever Object.prototype holds). */
export function own<V>(record: Readonly<Record<string, V>> | undefined, key: string): V | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets the object's own member `key`, "__proto__" included. */
export function setOwn<R extends Record<string, unknown>>(record: R, key: string, value: R[string]): void {
  if (key === "__proto__") Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else (record as Record<string, unknown>)[key] = value;
}
