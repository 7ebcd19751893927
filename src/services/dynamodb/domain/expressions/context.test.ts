import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../../core/errors.js";
import { parseCondition } from "./condition.js";
import { checkExpressionParameters, expressionAttributes } from "./context.js";
import { parseProjection } from "./projection.js";
import { parseUpdate } from "./update.js";
import { isReservedWord, RESERVED_WORDS } from "./reserved-words.js";

function isValidation(message: string) {
  return (err: unknown) => {
    assert.ok(err instanceof AwsError, String(err));
    assert.equal(err.code, "ValidationException");
    assert.equal(err.status, 400);
    assert.equal(err.message, message);
    return true;
  };
}

describe("ExpressionAttributeNames / ExpressionAttributeValues", () => {
  test("the tracker sees every expression of the request before checking for unused entries", () => {
    const attrs = expressionAttributes({ "#a": "a", "#b": "b" }, { ":x": { S: "x" }, ":y": { N: "1" } });
    parseUpdate("SET #a = :x", attrs);
    parseCondition("attribute_exists(#b) AND #b > :y", attrs);
    assert.doesNotThrow(() => attrs.assertAllUsed());
  });

  test("unused names are reported first, then unused values, listing every unused key", () => {
    const attrs = expressionAttributes({ "#a": "a", "#x": "x", "#y": "y" }, { ":v": { S: "v" }, ":w": { S: "w" } });
    parseProjection("#a", attrs);
    assert.throws(() => attrs.assertAllUsed(), isValidation("Value provided in ExpressionAttributeNames unused in expressions: keys: {#x, #y}"));
    const values = expressionAttributes(undefined, { ":v": { S: "v" }, ":w": { S: "w" } });
    parseCondition("a = :v", values);
    assert.throws(() => values.assertAllUsed(), isValidation("Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}"));
  });

  test("empty maps and malformed keys are refused", () => {
    assert.throws(() => expressionAttributes({}, undefined), isValidation("ExpressionAttributeNames must not be empty"));
    assert.throws(() => expressionAttributes(undefined, {}), isValidation("ExpressionAttributeValues must not be empty"));
    assert.throws(() => expressionAttributes({ a: "a" }, undefined), isValidation('ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'));
    assert.throws(() => expressionAttributes({ "#a-b": "a" }, undefined), isValidation('ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"'));
    assert.throws(() => expressionAttributes(undefined, { v: { S: "x" } }), isValidation('ExpressionAttributeValues contains invalid key: Syntax error; key: "v"'));
  });

  test("a placeholder longer than 255 bytes is refused before its syntax, names with the size in bytes, values without", () => {
    const fits = "#" + "a".repeat(254);
    assert.doesNotThrow(() => expressionAttributes({ [fits]: "a" }, undefined));
    assert.throws(
      () => expressionAttributes({ ["#" + "a".repeat(255)]: "a" }, undefined),
      isValidation("ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 256"),
    );
    // 128 two-byte characters: 129 characters, 257 bytes, and not a valid placeholder either.
    assert.throws(
      () => expressionAttributes({ ["#" + "\u00e9".repeat(128)]: "a" }, undefined),
      isValidation("ExpressionAttributeNames contains invalid key: The expression attribute map contains a key that is too long; size of key: 257"),
    );
    assert.doesNotThrow(() => expressionAttributes(undefined, { [":" + "a".repeat(254)]: { S: "x" } }));
    assert.throws(
      () => expressionAttributes(undefined, { [":" + "a".repeat(255)]: { S: "x" } }),
      isValidation("ExpressionAttributeValues contains invalid key: The expression attribute map contains a key that is too long;"),
    );
  });

  test("an empty attribute name is refused, after every key has been checked", () => {
    assert.throws(() => expressionAttributes({ "#a": "" }, undefined), isValidation("ExpressionAttributeNames contains invalid value: Empty attribute name for key #a"));
    assert.throws(
      () => expressionAttributes({ "#a": "", b: "b" }, undefined),
      isValidation('ExpressionAttributeNames contains invalid key: Syntax error; key: "b"'),
    );
  });

  test("values are validated and normalized", () => {
    assert.throws(
      () => expressionAttributes(undefined, { ":n": { N: "abc" } }),
      isValidation("ExpressionAttributeValues contains invalid value: The parameter cannot be converted to a numeric value: abc for key :n"),
    );
    const attrs = expressionAttributes(undefined, { ":n": { N: "1.50" } });
    assert.deepEqual(attrs.value(":n"), { N: "1.5" });
  });
});

describe("mixing expression and legacy parameters", () => {
  test("is refused, naming both sides", () => {
    assert.throws(
      () => checkExpressionParameters("GetItem", { AttributesToGet: ["a"], ProjectionExpression: "a" }),
      isValidation(
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
      ),
    );
    assert.throws(
      () => checkExpressionParameters("UpdateItem", { AttributeUpdates: {}, Expected: {}, UpdateExpression: "SET a = :v", ConditionExpression: "x = :v" }),
      isValidation(
        "1 validation error detected: Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {AttributeUpdates, Expected} Expression parameters: {UpdateExpression, ConditionExpression}",
      ),
    );
  });

  test("legacy KeyConditions may go with a FilterExpression when there is no KeyConditionExpression", () => {
    assert.doesNotThrow(() => checkExpressionParameters("Query", { KeyConditions: {}, FilterExpression: "a = :v", ExpressionAttributeValues: {} }));
    assert.throws(
      () => checkExpressionParameters("Query", { KeyConditions: {}, KeyConditionExpression: "pk = :v" }),
      isValidation(
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}",
      ),
    );
  });

  test("names and values need an expression that can use them", () => {
    assert.throws(
      () => checkExpressionParameters("PutItem", { ExpressionAttributeNames: { "#a": "a" } }),
      // The item writes' words since the 2026-06 rollout (paritysuite/dynamodb-conformance, eu-west-2 and us-east-1).
      isValidation("1 validation error detected: ExpressionAttributeNames can only be specified when using expressions"),
    );
    assert.throws(
      () => checkExpressionParameters("UpdateItem", { ExpressionAttributeValues: { ":v": { S: "x" } } }),
      isValidation("1 validation error detected: ExpressionAttributeValues can only be specified when using expressions"),
    );
    assert.throws(
      () => checkExpressionParameters("Query", { ExpressionAttributeNames: { "#a": "a" } }),
      isValidation("ExpressionAttributeNames can only be specified when using expressions"),
    );
    assert.throws(
      () => checkExpressionParameters("Scan", { ProjectionExpression: "a", ExpressionAttributeValues: { ":v": { S: "x" } } }),
      isValidation("ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"),
    );
    assert.doesNotThrow(() => checkExpressionParameters("GetItem", { ProjectionExpression: "#a", ExpressionAttributeNames: { "#a": "a" } }));
  });
});

describe("reserved words", () => {
  test("the full AWS list, case-insensitive", () => {
    assert.equal(RESERVED_WORDS.size, 573);
    for (const w of ["status", "Name", "DATA", "size", "ttl", "year", "zone", "abort"]) assert.ok(isReservedWord(w), w);
    for (const w of ["id", "email", "title", "age"]) assert.ok(!isReservedWord(w), w);
  });
});
