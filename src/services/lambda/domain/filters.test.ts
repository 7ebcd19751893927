import assert from "node:assert/strict";
import { test } from "node:test";
import { matchesAny, parsePatterns, sqsRecordForMatching } from "./filters.js";

const match = (pattern: unknown, record: unknown): boolean => matchesAny(parsePatterns([JSON.stringify(pattern)]), record);

test("exact values, nested objects and arrays of alternatives", () => {
  assert.equal(match({ body: { type: ["order", "refund"] } }, { body: { type: "order" } }), true);
  assert.equal(match({ body: { type: ["order"] } }, { body: { type: "other" } }), false);
  assert.equal(match({ body: { type: ["order"] } }, { body: {} }), false);
  assert.equal(match({ tags: ["a"] }, { tags: ["b", "a"] }), true, "an array field matches when any element does");
});

test("operators: prefix, suffix, anything-but, numeric, exists, equals-ignore-case", () => {
  assert.equal(match({ k: [{ prefix: "ab" }] }, { k: "abc" }), true);
  assert.equal(match({ k: [{ suffix: ".png" }] }, { k: "a.jpg" }), false);
  assert.equal(match({ k: [{ "anything-but": ["x", "y"] }] }, { k: "z" }), true);
  assert.equal(match({ k: [{ "anything-but": { prefix: "tmp" } }] }, { k: "tmp1" }), false);
  assert.equal(match({ n: [{ numeric: [">", 10, "<=", 20] }] }, { n: 20 }), true);
  assert.equal(match({ n: [{ numeric: [">", 10] }] }, { n: 5 }), false);
  assert.equal(match({ k: [{ exists: false }] }, {}), true);
  assert.equal(match({ k: [{ exists: true }] }, {}), false);
  assert.equal(match({ k: [{ "equals-ignore-case": "ABC" }] }, { k: "abc" }), true);
});

test("no filters lets everything through; any filter matching is enough", () => {
  assert.equal(matchesAny([], { a: 1 }), true);
  assert.equal(matchesAny(parsePatterns(['{"a":[1]}', '{"a":[2]}']), { a: 2 }), true);
});

test("SQS bodies are matched as JSON when they are JSON", () => {
  assert.deepEqual(sqsRecordForMatching({ body: '{"x":1}' }), { body: { x: 1 } });
  assert.deepEqual(sqsRecordForMatching({ body: "plain" }), { body: "plain" });
});

test("exists looks at leaves: a field holding an object does not exist for it", () => {
  // LocalStack's AWS-recorded test_dynamodb_event_filter[exists_false_filter] and [exists_filter_type].
  const image = { dynamodb: { NewImage: { presentKey: { S: "presentValue" } } } };
  assert.equal(match({ dynamodb: { NewImage: { presentKey: [{ exists: false }] } } }, image), true);
  assert.equal(match({ dynamodb: { NewImage: { presentKey: [{ exists: true }] } } }, image), false);
  assert.equal(match({ dynamodb: { NewImage: { presentKey: { S: [{ exists: true }] } } } }, image), true);
});
