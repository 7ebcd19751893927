import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeToken, encodeToken, eventId, eventToken, parseEventToken, sequenceToken } from "./tokens.js";

describe("logs tokens", () => {
  test("GetLogEvents tokens round-trip a direction and a (timestamp, id) place", () => {
    const f = eventToken("f", { ts: 1_768_478_400_000, id: 42 });
    assert.match(f, /^f\/\d{40}\/s$/);
    assert.deepEqual(parseEventToken(f), { direction: "f", pos: { ts: 1_768_478_400_000, id: 42 } });
    assert.deepEqual(parseEventToken(eventToken("b", { ts: 0, id: 0 })), { direction: "b", pos: { ts: 0, id: 0 } });
    for (const bad of ["", "f/123/s", "x/0000000000000000000000000000000000000000/s", "f/0000000000000000000000000000000000000000"]) {
      assert.equal(parseEventToken(bad), undefined, bad);
    }
  });

  test("opaque tokens decode only to the shape the caller expects", () => {
    const isName = (v: unknown): v is { after: string } => typeof v === "object" && v !== null && typeof (v as { after?: unknown }).after === "string";
    assert.deepEqual(decodeToken(encodeToken({ after: "/a/b" }), isName), { after: "/a/b" });
    assert.equal(decodeToken(encodeToken({ after: 1 }), isName), undefined);
    assert.equal(decodeToken("%%%", isName), undefined);
  });

  test("event ids and sequence tokens are 56 digits, as AWS's", () => {
    assert.equal(eventId(7), `${"0".repeat(55)}7`);
    assert.match(sequenceToken(123), /^\d{56}$/);
  });
});
