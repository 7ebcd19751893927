/**
 * Message attributes as the outbox, the archive and the retry store's dead letters keep them in
 * JSON: binary values in base64 and back to bytes, every name an attribute of its own.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { setOwn } from "../../core/own.js";
import type { SnsMessageAttribute } from "./domain/messages.js";
import { attributesForRecord, attributesFromRecord } from "./outbox.js";

describe("attributesForRecord and attributesFromRecord", () => {
  test("round-trip through JSON, binaries as bytes, __proto__ and constructor as names like any other", () => {
    const attributes: Record<string, SnsMessageAttribute> = {};
    setOwn(attributes, "__proto__", { DataType: "String", StringValue: "p" });
    setOwn(attributes, "constructor", { DataType: "Number", StringValue: "1" });
    setOwn(attributes, "bytes", { DataType: "Binary", BinaryValue: new Uint8Array([0, 255]) });
    const record = attributesForRecord(attributes);
    assert.ok(record);
    assert.deepEqual(Object.keys(record), ["__proto__", "constructor", "bytes"]);
    assert.deepEqual(record["bytes"], { DataType: "Binary", BinaryValue: "AP8=" });
    const back = attributesFromRecord(JSON.parse(JSON.stringify(record)) as Record<string, Record<string, string>>);
    assert.deepEqual(Object.entries(back), Object.entries(attributes));
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.equal(attributesForRecord({}), undefined);
  });
});
