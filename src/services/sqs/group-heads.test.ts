import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GroupHeads, type GroupHead } from "./group-heads.js";

const head = (seq: number): GroupHead => ({ seq, messageId: `m${seq}` });

describe("FIFO group heads", () => {
  const Q = "q";

  test("loads once, orders by head, and follows new groups", () => {
    const heads = new GroupHeads();
    let loads = 0;
    const load = (): Array<[string, GroupHead]> => {
      loads++;
      return [
        ["b", head(5)],
        ["a", head(9)],
      ];
    };
    const unread = (): GroupHead => assert.fail("no head is unknown");
    assert.deepEqual(heads.ordered(Q, load, unread), ["b", "a"]);
    heads.inserted(Q, "c", head(12));
    heads.inserted(Q, "a", head(13));
    assert.deepEqual(heads.ordered(Q, load, unread), ["b", "a", "c"]);
    assert.equal(loads, 1);
  });

  test("a deleted head is read again; a group with nothing left drops out", () => {
    const heads = new GroupHeads();
    const groups = new Map([
      ["a", head(1)],
      ["b", head(2)],
    ]);
    const read: string[] = [];
    const readHead = (group: string): GroupHead | undefined => {
      read.push(group);
      return groups.get(group);
    };
    assert.deepEqual(heads.ordered(Q, () => groups, readHead), ["a", "b"]);
    heads.deleted(Q, "m7"); // no group's head: nothing to read again
    assert.deepEqual(heads.ordered(Q, () => groups, readHead), ["a", "b"]);
    assert.deepEqual(read, []);
    groups.set("a", head(3));
    heads.deleted(Q, "m1");
    assert.deepEqual(heads.ordered(Q, () => groups, readHead), ["b", "a"]);
    groups.delete("b");
    heads.deleted(Q, "m2");
    // A message stored in a group whose head is unknown leaves it to be read.
    heads.inserted(Q, "b", head(4));
    assert.deepEqual(heads.ordered(Q, () => groups, readHead), ["a"]);
    assert.deepEqual(read, ["a", "b"]);
    // A group that emptied and gets a message again is headed by it, and that head is known by its id.
    heads.inserted(Q, "b", head(20));
    assert.deepEqual(heads.ordered(Q, () => groups, readHead), ["a", "b"]);
    groups.set("b", head(21));
    heads.deleted(Q, "m20");
    assert.deepEqual(heads.ordered(Q, () => groups, readHead), ["a", "b"]);
    assert.deepEqual(read, ["a", "b", "b"]);
  });

  test("a queue not held ignores writes; forget and clear load again", () => {
    const heads = new GroupHeads();
    heads.inserted(Q, "a", head(1));
    heads.deleted(Q, "m1");
    let loads = 0;
    const load = (): Array<[string, GroupHead]> => {
      loads++;
      return [["x", head(1)]];
    };
    assert.deepEqual(heads.ordered(Q, load, () => undefined), ["x"]);
    heads.forget(Q);
    heads.ordered(Q, load, () => undefined);
    heads.clear();
    heads.ordered(Q, load, () => undefined);
    assert.equal(loads, 3);
  });
});
