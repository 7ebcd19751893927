import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../../core/errors.js";
import type { Item } from "../attribute-values.js";
import { evaluateCondition } from "./condition.js";
import {
  applyAttributeUpdates,
  conditionFromExpected,
  conditionFromFilter,
  keyConditionsMap,
  pathsFromAttributesToGet,
  validateAttributeUpdates,
  type ExpectedAttributeValue,
  type LegacyCondition,
} from "./legacy.js";
import { keyConditionFromMap, type KeySchema } from "./key-condition.js";
import { project } from "./paths.js";

function isValidation(message: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, "ValidationException");
    assert.equal(err.status, 400);
    assert.equal(err.message, message);
    return true;
  };
}

const item: Item = { a: { S: "apple" }, n: { N: "5" }, tags: { SS: ["x", "y"] }, l: { L: [{ S: "e" }] } };

function expected(e: Record<string, ExpectedAttributeValue>, op?: string, it: Item | undefined = item): boolean {
  const c = conditionFromExpected(e, op);
  return c === undefined ? true : evaluateCondition(c, it);
}

function filter(f: Record<string, LegacyCondition>, op?: string, it: Item = item): boolean {
  const c = conditionFromFilter(f, op);
  return c === undefined ? true : evaluateCondition(c, it);
}

describe("Expected", () => {
  test("Exists/Value form", () => {
    assert.ok(expected({ a: { Value: { S: "apple" } } }));
    assert.ok(expected({ a: { Exists: true, Value: { S: "apple" } } }));
    assert.ok(!expected({ a: { Value: { S: "pear" } } }));
    assert.ok(expected({ nope: { Exists: false } }));
    assert.ok(!expected({ a: { Exists: false } }));
    assert.ok(expected({ a: { Exists: false } }, undefined, {}), "nothing exists on an empty item");
  });

  test("ComparisonOperator form, joined by AND unless ConditionalOperator is OR", () => {
    assert.ok(expected({ n: { ComparisonOperator: "GT", AttributeValueList: [{ N: "4" }] }, a: { ComparisonOperator: "BEGINS_WITH", Value: { S: "ap" } } }));
    assert.ok(!expected({ n: { ComparisonOperator: "GT", AttributeValueList: [{ N: "9" }] }, a: { ComparisonOperator: "NOT_NULL" } }));
    assert.ok(expected({ n: { ComparisonOperator: "GT", AttributeValueList: [{ N: "9" }] }, a: { ComparisonOperator: "NOT_NULL" } }, "OR"));
  });

  test("ConditionalOperator needs two or more conditions", () => {
    const one = { a: { Value: { S: "apple" } } };
    for (const e of [undefined, {}]) {
      assert.throws(() => conditionFromExpected(e, "OR"), isValidation("ConditionalOperator cannot be used without Filter or Expected"));
      assert.throws(() => conditionFromFilter(e, "AND"), isValidation("ConditionalOperator cannot be used without Filter or Expected"));
    }
    const twoOrMore = "ConditionalOperator can only be used when Filter or Expected has two or more elements";
    assert.throws(() => conditionFromExpected(one, "AND"), isValidation(twoOrMore));
    assert.throws(() => conditionFromFilter({ a: { ComparisonOperator: "NOT_NULL" } }, "OR"), isValidation(twoOrMore));
    assert.equal(conditionFromExpected({}), undefined, "an empty Expected alone is no condition");
  });

  test("NOT_CONTAINS fails on a missing attribute, as CONTAINS does; NE passes", () => {
    const v = [{ S: "z" }];
    assert.ok(expected({ tags: { ComparisonOperator: "NOT_CONTAINS", AttributeValueList: v } }));
    assert.ok(!expected({ nope: { ComparisonOperator: "NOT_CONTAINS", AttributeValueList: v } }));
    assert.ok(!expected({ nope: { ComparisonOperator: "CONTAINS", AttributeValueList: v } }));
    assert.ok(expected({ nope: { ComparisonOperator: "NE", AttributeValueList: v } }));
  });

  test("Exists/Value misuse is refused with AWS's messages", () => {
    const msg = (s: string) => isValidation(`One or more parameter values were invalid: ${s}`);
    assert.throws(() => conditionFromExpected({ a: {} }), msg("Value must be provided when Exists is null for Attribute: a"));
    assert.throws(() => conditionFromExpected({ a: { Exists: true } }), msg("Value must be provided when Exists is true for Attribute: a"));
    assert.throws(() => conditionFromExpected({ a: { Exists: false, Value: { S: "x" } } }), msg("Value cannot be used when Exists is false for Attribute: a"));
    assert.throws(
      () => conditionFromExpected({ a: { ComparisonOperator: "EQ", Exists: true, Value: { S: "x" } } }),
      msg("Exists and ComparisonOperator cannot be used together for Attribute: a"),
    );
    assert.throws(
      () => conditionFromExpected({ a: { ComparisonOperator: "EQ", Value: { S: "x" }, AttributeValueList: [{ S: "x" }] } }),
      msg("Value and AttributeValueList cannot be used together for Attribute: a"),
    );
    assert.throws(() => conditionFromExpected({ a: { AttributeValueList: [{ S: "x" }] } }), msg("AttributeValueList can only be used with a ComparisonOperator for Attribute: a"));
    assert.throws(() => conditionFromExpected({ a: { ComparisonOperator: "EQ" } }), msg("Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a"));
  });
});

describe("QueryFilter / ScanFilter", () => {
  test("every comparison operator", () => {
    assert.ok(filter({ a: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "apple" }] } }));
    assert.ok(filter({ a: { ComparisonOperator: "NE", AttributeValueList: [{ S: "pear" }] } }));
    assert.ok(filter({ n: { ComparisonOperator: "LE", AttributeValueList: [{ N: "5" }] } }));
    assert.ok(filter({ n: { ComparisonOperator: "LT", AttributeValueList: [{ N: "6" }] } }));
    assert.ok(filter({ n: { ComparisonOperator: "GE", AttributeValueList: [{ N: "5" }] } }));
    assert.ok(!filter({ n: { ComparisonOperator: "GT", AttributeValueList: [{ N: "5" }] } }));
    assert.ok(filter({ a: { ComparisonOperator: "NOT_NULL" } }));
    assert.ok(filter({ zzz: { ComparisonOperator: "NULL" } }));
    assert.ok(filter({ tags: { ComparisonOperator: "CONTAINS", AttributeValueList: [{ S: "x" }] } }));
    assert.ok(filter({ a: { ComparisonOperator: "CONTAINS", AttributeValueList: [{ S: "ppl" }] } }));
    assert.ok(filter({ l: { ComparisonOperator: "CONTAINS", AttributeValueList: [{ S: "e" }] } }));
    assert.ok(filter({ tags: { ComparisonOperator: "NOT_CONTAINS", AttributeValueList: [{ S: "z" }] } }));
    assert.ok(filter({ a: { ComparisonOperator: "BEGINS_WITH", AttributeValueList: [{ S: "app" }] } }));
    assert.ok(filter({ n: { ComparisonOperator: "IN", AttributeValueList: [{ N: "1" }, { N: "5" }] } }));
    assert.ok(filter({ n: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ N: "5" }, { N: "6" }] } }));
    assert.ok(!filter({ n: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ N: "6" }, { N: "7" }] } }));
  });

  test("argument counts, types and ranges are checked", () => {
    const invalid = (s: string) => isValidation(`One or more parameter values were invalid: ${s}`);
    assert.throws(() => conditionFromFilter({ a: { ComparisonOperator: "EQ" } }), invalid("Invalid number of argument(s) for the EQ ComparisonOperator"));
    assert.throws(
      () => conditionFromFilter({ a: { ComparisonOperator: "NULL", AttributeValueList: [{ S: "x" }] } }),
      invalid("Invalid number of argument(s) for the NULL ComparisonOperator"),
    );
    assert.throws(
      () => conditionFromFilter({ a: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ N: "1" }] } }),
      invalid("Invalid number of argument(s) for the BETWEEN ComparisonOperator"),
    );
    assert.throws(
      () => conditionFromFilter({ a: { ComparisonOperator: "IN", AttributeValueList: [{ N: "1" }, { S: "1" }] } }),
      invalid("AttributeValues inside AttributeValueList must be of same type"),
    );
    assert.throws(
      () => conditionFromFilter({ a: { ComparisonOperator: "LT", AttributeValueList: [{ SS: ["a"] }] } }),
      invalid("ComparisonOperator LT is not valid for SS AttributeValue type"),
    );
    assert.throws(
      () => conditionFromFilter({ a: { ComparisonOperator: "BEGINS_WITH", AttributeValueList: [{ N: "1" }] } }),
      invalid("ComparisonOperator BEGINS_WITH is not valid for N AttributeValue type"),
    );
    assert.throws(
      () => conditionFromFilter({ a: { ComparisonOperator: "BETWEEN", AttributeValueList: [{ N: "2" }, { N: "1" }] } }),
      isValidation("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"),
    );
    assert.throws(
      () => conditionFromFilter({ a: { ComparisonOperator: "EQ", AttributeValueList: [{ SS: [] }] } }),
      isValidation("One or more parameter values were invalid: An string set  may not be empty"),
    );
  });
});

describe("KeyConditions", () => {
  const schema = { partitionKey: "pk", sortKey: "sk", types: { pk: "S" as const, sk: "S" as const } };
  // As Query reads them: operators and values first, then fitted to the key schema.
  const keyConditionFromKeyConditions = (conditions: Record<string, LegacyCondition>, keys: KeySchema) => keyConditionFromMap(keyConditionsMap(conditions), keys);

  test("translate into the same key condition as an expression", () => {
    const kc = keyConditionFromKeyConditions(
      { pk: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "p" }] }, sk: { ComparisonOperator: "BEGINS_WITH", AttributeValueList: [{ S: "x" }] } },
      schema,
    );
    assert.deepEqual(kc, { partitionKey: { name: "pk", value: { S: "p" } }, sortKey: { name: "sk", operator: "BEGINS_WITH", values: [{ S: "x" }] } });
  });

  test("non-indexable operators and missing keys are refused", () => {
    assert.throws(
      () => keyConditionFromKeyConditions({ pk: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "p" }] }, sk: { ComparisonOperator: "NE", AttributeValueList: [{ S: "x" }] } }, schema),
      isValidation("Attempted conditional constraint is not an indexable operation"),
    );
    assert.throws(
      () => keyConditionFromKeyConditions({ sk: { ComparisonOperator: "EQ", AttributeValueList: [{ S: "x" }] } }, schema),
      isValidation("Query condition missed key schema element: pk"),
    );
  });
});

describe("AttributeUpdates", () => {
  test("PUT, ADD (numbers, sets, lists) and DELETE (attribute or set members)", () => {
    const updates = validateAttributeUpdates({
      a: { Action: "PUT", Value: { S: "new" } },
      n: { Action: "ADD", Value: { N: "0.2" } },
      tags: { Action: "ADD", Value: { SS: ["y", "z"] } },
      l: { Action: "ADD", Value: { L: [{ S: "f" }] } },
      fresh: { Action: "ADD", Value: { N: "1" } },
    });
    const r = applyAttributeUpdates(updates, { ...item, n: { N: "0.1" } });
    assert.deepEqual(r.item, {
      a: { S: "new" },
      n: { N: "0.3" },
      tags: { SS: ["x", "y", "z"] },
      l: { L: [{ S: "e" }, { S: "f" }] },
      fresh: { N: "1" },
    });
    assert.deepEqual(r.updatedAttributes, ["a", "n", "tags", "l", "fresh"]);
    const d = applyAttributeUpdates(validateAttributeUpdates({ a: { Action: "DELETE" }, tags: { Action: "DELETE", Value: { SS: ["x", "y"] } } }), item);
    assert.deepEqual(d.item, { n: { N: "5" }, l: { L: [{ S: "e" }] } });
  });

  test("PUT is the default action", () => {
    assert.deepEqual(applyAttributeUpdates(validateAttributeUpdates({ z: { Value: { BOOL: true } } }), undefined).item, { z: { BOOL: true } });
  });

  test("invalid combinations and type mismatches are refused", () => {
    assert.throws(() => validateAttributeUpdates({ a: { Action: "PUT" } }), isValidation("One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"));
    assert.throws(
      () => validateAttributeUpdates({ a: { Action: "DELETE", Value: { S: "x" } } }),
      isValidation("One or more parameter values were invalid: DELETE action with value is not supported for the type S"),
    );
    assert.throws(
      () => applyAttributeUpdates(validateAttributeUpdates({ a: { Action: "ADD", Value: { N: "1" } } }), item),
      isValidation("Type mismatch for attribute to update"),
    );
  });
});

describe("AttributesToGet", () => {
  test("project top-level attributes; duplicates are refused", () => {
    assert.deepEqual(project(pathsFromAttributesToGet(["a", "n", "nope"]), item), { a: { S: "apple" }, n: { N: "5" } });
    assert.throws(() => pathsFromAttributesToGet(["a", "a"]), isValidation("One or more parameter values were invalid: Duplicate value in attribute name: a"));
  });
});
