import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { constraintMessage, count, length, oneOf, pattern, range, stringList } from "./constraints.js";

describe("constraintMessage", () => {
  test("undefined when every check holds, absent values included", () => {
    assert.equal(constraintMessage([length("a", "abc", 1, 3), range("n", undefined, 1, 2), pattern("p", "x", /^x$/, "x"), undefined]), undefined);
  });

  test("every failure in one sentence, in order, counted", () => {
    const message = constraintMessage([length("tableName", "ab", 3, 255), range("limit", 0, 1), oneOf("select", "ALL", ["COUNT"]), count("items", [1, 2, 3], 1, 2)]);
    assert.equal(
      message,
      "4 validation errors detected: " +
        "Value 'ab' at 'tableName' failed to satisfy constraint: Member must have length greater than or equal to 3; " +
        "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value 'ALL' at 'select' failed to satisfy constraint: Member must satisfy enum value set: [COUNT]; " +
        "Value '[3 items]' at 'items' failed to satisfy constraint: Member must have length less than or equal to 2",
    );
  });

  test("a missing value is shown as null, a list as its elements", () => {
    assert.equal(
      constraintMessage([{ field: "key", value: undefined, failure: "Member must not be null" }, { field: "names", value: ["a", "b"], failure: "Member must have length less than or equal to 1" }]),
      "2 validation errors detected: Value null at 'key' failed to satisfy constraint: Member must not be null; " +
        "Value '[a, b]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 1",
    );
  });

  test("a list of names is quoted name by name, other lists by their count", () => {
    assert.equal(
      constraintMessage([stringList("names", ["a", "b", "c"], 1, 2), count("items", [{}, {}, {}], 1, 2)]),
      "2 validation errors detected: Value '[a, b, c]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 2; " +
        "Value '[3 items]' at 'items' failed to satisfy constraint: Member must have length less than or equal to 2",
    );
    assert.equal(constraintMessage([stringList("names", ["a"], 1, 2), stringList("none", undefined, 1, 2)]), undefined);
  });
});
