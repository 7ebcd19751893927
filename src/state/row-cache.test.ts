import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { RowCache } from "./row-cache.js";

describe("RowCache", () => {
  test("loads once, remembers frozen rows, never remembers a missing one", () => {
    const cache = new RowCache<{ name: string }>();
    let loads = 0;
    const load = () => {
      loads++;
      return { name: "orders" };
    };
    const first = cache.get("orders", load);
    assert.equal(cache.get("orders", load), first);
    assert.equal(loads, 1);
    assert.ok(Object.isFrozen(first));
    assert.throws(() => {
      (first as { name: string }).name = "changed";
    }, TypeError);
    assert.equal(cache.get("gone", () => undefined), undefined);
    assert.equal(cache.get("gone", () => ({ name: "gone" }))?.name, "gone", "a miss is asked again");
  });

  test("a row `keep` refuses is returned but not remembered", () => {
    const cache = new RowCache<{ size: number }>();
    let loads = 0;
    const load = () => ({ size: ++loads * 1000 });
    const small = (row: { size: number }) => row.size < 1500;
    assert.equal(cache.get("k", load, small)?.size, 1000);
    assert.equal(cache.get("k", load, small)?.size, 1000, "remembered");
    assert.equal(cache.get("big", () => ({ size: 5000 }), small)?.size, 5000);
    assert.equal(cache.get("big", () => ({ size: 6000 }), small)?.size, 6000, "read again");
  });

  test("a cache that remembers misses answers them from memory until the key is forgotten", () => {
    const cache = new RowCache<{ n: number }>(Infinity, true);
    let loads = 0;
    const missing = () => {
      loads++;
      return undefined;
    };
    assert.equal(cache.get("k", missing), undefined);
    assert.equal(cache.get("k", missing), undefined);
    assert.equal(loads, 1, "the miss is remembered");
    assert.equal(cache.replace("k", () => ({ n: 1 })), false, "a remembered miss is not a row to replace");
    cache.forget("k");
    assert.equal(cache.get("k", () => ({ n: 2 }))?.n, 2, "an insert forgets the miss");
    assert.throws(() =>
      cache.guard(() => {
        throw new Error("roll back");
      }),
    );
    assert.equal(cache.get("k", () => ({ n: 3 }))?.n, 3, "a failed transaction clears misses too");
  });

  test("forget and replace follow the store's writes", () => {
    const cache = new RowCache<{ n: number }>();
    cache.get("k", () => ({ n: 1 }));
    assert.equal(cache.replace("k", (row) => ({ n: row.n + 1 })), true);
    assert.equal(cache.get("k", () => ({ n: 99 }))?.n, 2);
    assert.equal(cache.replace("absent", () => ({ n: 5 })), false);
    assert.equal(cache.get("absent", () => ({ n: 7 }))?.n, 7, "replace does not add a row");
    cache.forget("k");
    assert.equal(cache.get("k", () => ({ n: 3 }))?.n, 3);
  });

  test("a failed transaction clears everything it might have read after its own writes", () => {
    const cache = new RowCache<{ n: number }>();
    assert.equal(cache.guard(() => cache.get("k", () => ({ n: 1 }))?.n), 1);
    assert.throws(() =>
      cache.guard(() => {
        cache.replace("k", () => ({ n: 2 }));
        throw new Error("rolled back");
      }),
    );
    assert.equal(cache.get("k", () => ({ n: 1 }))?.n, 1, "the uncommitted replacement is gone");
  });

  test("a bounded cache lets its longest-held row go first, and clear forgets all", () => {
    const cache = new RowCache<{ n: number }>(2);
    let loads = 0;
    const load = (n: number) => () => {
      loads++;
      return { n };
    };
    cache.get("a", load(1));
    cache.get("b", load(2));
    cache.get("c", load(3));
    assert.equal(loads, 3);
    assert.equal(cache.get("b", load(20))?.n, 2, "still held");
    assert.equal(cache.get("c", load(30))?.n, 3, "still held");
    assert.equal(cache.get("a", load(10))?.n, 10, "let go, so loaded again");
    cache.clear();
    assert.equal(cache.get("b", load(200))?.n, 200);
  });
});
