import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { flagOption, numberOption } from "./benchmark.js";

describe("benchmark options", () => {
  test("numbers come as text and are checked", () => {
    assert.equal(numberOption({ "big-mib": "64" }, "big-mib"), 64);
    assert.equal(numberOption({}, "big-mib", 1024), 1024);
    assert.throws(() => numberOption({ "big-mib": "lots" }, "big-mib"), { message: '--big-mib must be a positive number, got "lots"' });
    assert.throws(() => numberOption({}, "list-keys"), { message: "--list-keys is required" });
  });
  test("a flag is on only when given", () => {
    assert.equal(flagOption({ huge: true }, "huge"), true);
    assert.equal(flagOption({ huge: false }, "huge"), false);
    assert.equal(flagOption({}, "huge"), false);
  });
});
