import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import {
  assertItemSize,
  attributeValueSize,
  attributeValuesEqual,
  checkKeyAttributeValue,
  compareScalars,
  compareStrings,
  itemSize,
  MAX_ITEM_SIZE,
  typeOf,
  validateAttributeValue,
  validateExpressionAttributeValueMap,
  validateItem,
  type AttributeValue,
} from "./attribute-values.js";

function throwsValidation(fn: () => unknown, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, "ValidationException");
    assert.equal(err.status, 400);
    assert.equal(err.message, message);
    return true;
  });
}

const bytes = (...b: number[]) => Buffer.from(b);

describe("AttributeValue shape validation", () => {
  test("accepts every type and normalizes numbers, also inside sets, lists and maps", () => {
    const v = validateItem({
      s: { S: "x" },
      n: { N: "1.50" },
      b: { B: bytes(1, 2) },
      ss: { SS: ["a", "b"] },
      ns: { NS: ["1e1", "2"] },
      bs: { BS: [bytes(1), bytes(2)] },
      m: { M: { inner: { N: "010" } } },
      l: { L: [{ N: "2.0" }, { NULL: true }, { BOOL: false }] },
    });
    assert.deepEqual(v.n, { N: "1.5" });
    assert.deepEqual(v.ns, { NS: ["10", "2"] });
    assert.deepEqual(v.m, { M: { inner: { N: "10" } } });
    assert.deepEqual(v.l, { L: [{ N: "2" }, { NULL: true }, { BOOL: false }] });
    assert.equal(typeOf(v.bs as AttributeValue), "BS");
  });

  test("a value with no type, or with two, is refused", () => {
    throwsValidation(() => validateAttributeValue({}), "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
    throwsValidation(
      () => validateAttributeValue({ S: "a", N: "1" }),
      "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
    );
  });

  test("empty strings and binaries are fine outside keys (since 2020)", () => {
    assert.deepEqual(validateAttributeValue({ S: "" }), { S: "" });
    assert.deepEqual(validateAttributeValue({ B: bytes() }), { B: bytes() });
    assert.deepEqual(validateAttributeValue({ SS: [""] }), { SS: [""] });
  });

  test("empty sets are refused with AWS's (odd) wording per set type", () => {
    throwsValidation(() => validateAttributeValue({ SS: [] }), "One or more parameter values were invalid: An string set  may not be empty");
    throwsValidation(() => validateAttributeValue({ NS: [] }), "One or more parameter values were invalid: An number set  may not be empty");
    throwsValidation(() => validateAttributeValue({ BS: [] }), "One or more parameter values were invalid: Binary sets should not be empty");
  });

  test("duplicates in sets are refused; numbers that are equal count as duplicates", () => {
    throwsValidation(() => validateAttributeValue({ SS: ["a", "a"] }), "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
    throwsValidation(() => validateAttributeValue({ NS: ["1", "1.0"] }), "Input collection contains duplicates");
    throwsValidation(
      () => validateAttributeValue({ BS: [bytes(65), bytes(65)] }),
      "One or more parameter values were invalid: Input collection [QQ==, QQ==]of type BS contains duplicates.",
    );
  });

  test("NULL must be true", () => {
    throwsValidation(() => validateAttributeValue({ NULL: false }), "One or more parameter values were invalid: Null attribute value types must have the value of true");
  });

  test("bad numbers anywhere in the document are refused", () => {
    throwsValidation(() => validateAttributeValue({ NS: ["1", "x"] }), "The parameter cannot be converted to a numeric value: x");
    throwsValidation(() => validateAttributeValue({ L: [{ M: { a: { N: "1E+200" } } }] }), "Number overflow. Attempting to store a number with magnitude larger than supported range");
  });

  test("documents nest at most 32 levels", () => {
    let ok: AttributeValue = { S: "leaf" };
    for (let i = 0; i < 31; i++) ok = { M: { a: ok } };
    assert.doesNotThrow(() => validateAttributeValue(ok));
    throwsValidation(
      () => validateAttributeValue({ L: [ok] }),
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit",
    );
  });

  test("ExpressionAttributeValues problems are wrapped with the key", () => {
    throwsValidation(
      () => validateExpressionAttributeValueMap({ ":ok": { S: "x" }, ":value": { SS: [] } }),
      "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :value",
    );
  });

  test("wrong JSON types are a SerializationException, not a validation error", () => {
    assert.throws(() => validateAttributeValue({ S: 5 }), (err: unknown) => err instanceof AwsError && err.code === "SerializationException");
  });
});

describe("key attribute rules", () => {
  test("keys may not be empty strings or empty binaries", () => {
    throwsValidation(
      () => checkKeyAttributeValue("pk", { S: "" }, "partition"),
      "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk",
    );
    throwsValidation(
      () => checkKeyAttributeValue("sk", { B: bytes() }, "sort"),
      "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: sk",
    );
  });

  test("partition keys hold 2048 bytes and sort keys 1024", () => {
    assert.doesNotThrow(() => checkKeyAttributeValue("pk", { S: "x".repeat(2048) }, "partition"));
    throwsValidation(
      () => checkKeyAttributeValue("pk", { S: "é".repeat(1025) }, "partition"),
      "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
    );
    throwsValidation(
      () => checkKeyAttributeValue("sk", { S: "x".repeat(1025) }, "sort"),
      "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
    );
  });
});

describe("equality and ordering", () => {
  test("numbers compare numerically; sets as unordered collections; lists in order; maps by content", () => {
    assert.ok(attributeValuesEqual({ N: "1.0" }, { N: "1" }));
    assert.ok(!attributeValuesEqual({ N: "1" }, { S: "1" }));
    assert.ok(attributeValuesEqual({ SS: ["a", "b"] }, { SS: ["b", "a"] }));
    assert.ok(attributeValuesEqual({ NS: ["1", "2"] }, { NS: ["2.0", "1"] }));
    assert.ok(!attributeValuesEqual({ SS: ["a"] }, { SS: ["a", "b"] }));
    assert.ok(attributeValuesEqual({ BS: [bytes(1), bytes(2)] }, { BS: [bytes(2), bytes(1)] }));
    assert.ok(!attributeValuesEqual({ L: [{ S: "a" }, { S: "b" }] }, { L: [{ S: "b" }, { S: "a" }] }));
    assert.ok(attributeValuesEqual({ M: { a: { N: "1" }, b: { NULL: true } } }, { M: { b: { NULL: true }, a: { N: "1.00" } } }));
    assert.ok(!attributeValuesEqual({ M: { a: { N: "1" } } }, { M: { a: { N: "1" }, b: { N: "1" } } }));
    assert.ok(attributeValuesEqual({ BOOL: true }, { BOOL: true }));
    assert.ok(!attributeValuesEqual({ BOOL: true }, { BOOL: false }));
  });

  test("strings order by UTF-8 bytes, which differs from UTF-16 for astral characters", () => {
    // U+FF5E (3 UTF-8 bytes EF BD 9E) sorts before U+1F600 (F0 9F 98 80) in UTF-8,
    // although its UTF-16 unit 0xFF5E is above the surrogate 0xD83D.
    assert.ok(compareStrings("\uFF5E", "\u{1F600}") < 0);
    assert.ok("\uFF5E" > "\u{1F600}"); // plain JS comparison gets it the other way round
    assert.ok(compareStrings("a", "b") < 0);
    assert.ok(compareStrings("ab", "a") > 0);
    assert.equal(compareStrings("same", "same"), 0);
  });

  test("binary orders as unsigned bytes, numbers numerically, other types not at all", () => {
    assert.ok((compareScalars({ B: bytes(0x7f) }, { B: bytes(0x80) }) as number) < 0);
    assert.ok((compareScalars({ N: "9" }, { N: "10" }) as number) < 0);
    assert.equal(compareScalars({ N: "1" }, { S: "1" }), undefined);
    assert.equal(compareScalars({ BOOL: true }, { BOOL: false }), undefined);
  });
});

describe("item size", () => {
  test("follows AWS's rules per type", () => {
    assert.equal(itemSize({ name: { S: "héllo" } }), 4 + 6);
    assert.equal(itemSize({ n: { N: "12345" } }), 1 + 4);
    assert.equal(itemSize({ b: { B: bytes(1, 2, 3) } }), 1 + 3);
    assert.equal(itemSize({ t: { BOOL: true }, z: { NULL: true } }), 2 + 2);
    assert.equal(attributeValueSize({ SS: ["ab", "c"] }), 3);
    assert.equal(attributeValueSize({ L: [] }), 3);
    assert.equal(attributeValueSize({ M: {} }), 3);
    // list: 3 + per element (1 + size)
    assert.equal(attributeValueSize({ L: [{ S: "ab" }, { BOOL: true }] }), 3 + (1 + 2) + (1 + 1));
    // map: 3 + per entry (1 + key bytes + size)
    assert.equal(attributeValueSize({ M: { k: { S: "v" } } }), 3 + 1 + 1 + 1);
  });

  test("400 KB is the limit, with the wording of PutItem or UpdateItem", () => {
    const fits = { pk: { S: "x".repeat(MAX_ITEM_SIZE - 2) } };
    assert.equal(itemSize(fits), MAX_ITEM_SIZE);
    assert.doesNotThrow(() => assertItemSize(fits));
    const tooBig = { pk: { S: "x".repeat(MAX_ITEM_SIZE - 1) } };
    throwsValidation(() => assertItemSize(tooBig), "Item size has exceeded the maximum allowed size");
    throwsValidation(() => assertItemSize(tooBig, "update"), "Item size to update has exceeded the maximum allowed size");
  });
});
