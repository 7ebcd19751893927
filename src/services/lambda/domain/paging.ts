/**
 * Lambda's Marker/NextMarker pagination over an ordered list: the marker is opaque to clients
 * (base64 of the last key returned), so a listing stays stable while items are added.
 */
export function page<T>(all: readonly T[], keyOf: (item: T) => string, marker: string | undefined, maxItems: number): { items: T[]; next: string | undefined } {
  let start = 0;
  if (marker) {
    const after = Buffer.from(marker, "base64").toString("utf8");
    const i = all.findIndex((item) => keyOf(item) === after);
    start = i >= 0 ? i + 1 : 0;
  }
  const items = all.slice(start, start + maxItems);
  const last = items[items.length - 1];
  const more = start + maxItems < all.length;
  return { items, next: more && last !== undefined ? Buffer.from(keyOf(last), "utf8").toString("base64") : undefined };
}
