import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { FilterPatternError, parseFilterPattern, splitFields } from "./filter-pattern.js";

function matching(pattern: string, messages: readonly string[]): string[] {
  const p = parseFilterPattern(pattern);
  return messages.filter((m) => p.matches(m));
}

describe("filter patterns: terms", () => {
  const lines = ["[ERROR] Fatal exception", "[WARN] disk almost full", "INFO started", "ERROR timeout Exiting", "error lower case"];

  test("an empty or blank pattern matches everything", () => {
    assert.deepEqual(matching("", lines), lines);
    assert.deepEqual(matching("   ", lines), lines);
  });

  test("terms are case-sensitive and all must occur", () => {
    assert.deepEqual(matching("ERROR", lines), ["[ERROR] Fatal exception", "ERROR timeout Exiting"]);
    assert.deepEqual(matching("ERROR timeout", lines), ["ERROR timeout Exiting"]);
  });

  test("quoted phrases keep their spaces and punctuation", () => {
    assert.deepEqual(matching('"disk almost"', lines), ["[WARN] disk almost full"]);
    assert.deepEqual(matching('"[ERROR]"', lines), ["[ERROR] Fatal exception"]);
    assert.deepEqual(matching('"almost disk"', lines), []);
  });

  test("-term excludes, ?term matches any", () => {
    assert.deepEqual(matching("ERROR -Exiting", lines), ["[ERROR] Fatal exception"]);
    assert.deepEqual(matching("?WARN ?INFO", lines), ["[WARN] disk almost full", "INFO started"]);
    assert.deepEqual(matching('?"disk almost" ?started -INFO', lines), ["[WARN] disk almost full"]);
  });

  test("%regex% matches the whole message by regular expression", () => {
    assert.deepEqual(matching("%ERROR|WARN%", lines), ["[ERROR] Fatal exception", "[WARN] disk almost full", "ERROR timeout Exiting"]);
    assert.deepEqual(matching("%^[a-z]+ lower%", lines), ["error lower case"]);
  });

  test("an unterminated quote is an invalid pattern", () => {
    assert.throws(() => parseFilterPattern('"abc'), FilterPatternError);
  });
});

describe("filter patterns: JSON", () => {
  const docs = [
    JSON.stringify({ level: "ERROR", latency: 250, user: { id: 7, name: "ann" }, tags: ["a", "b"], ok: false, gone: null }),
    JSON.stringify({ level: "INFO", latency: 40, user: { id: 8, name: "bob" }, tags: ["c"], ok: true }),
    JSON.stringify({ level: "ERROR-DB", latency: 99.5, user: { id: 9 } }),
    "not json at all",
    "42",
  ];
  const [ann, bob, db] = docs;

  test("string equality, inequality and * wildcards", () => {
    assert.deepEqual(matching('{ $.level = "ERROR" }', docs), [ann]);
    assert.deepEqual(matching('{ $.level != "ERROR" }', docs), [bob, db]);
    assert.deepEqual(matching('{ $.level = "ERROR*" }', docs), [ann, db]);
    assert.deepEqual(matching("{ $.level = INFO }", docs), [bob]);
  });

  test("numeric comparisons", () => {
    assert.deepEqual(matching("{ $.latency > 99 }", docs), [ann, db]);
    assert.deepEqual(matching("{ $.latency >= 250 }", docs), [ann]);
    assert.deepEqual(matching("{ $.latency < 99.5 }", docs), [bob]);
    assert.deepEqual(matching("{ $.latency <= 99.5 }", docs), [bob, db]);
    assert.deepEqual(matching("{ $.user.id = 8 }", docs), [bob]);
    assert.deepEqual(matching("{ $.user.id != 8 }", docs), [ann, db]);
  });

  test("nested paths, array indexes, && and || with parentheses", () => {
    assert.deepEqual(matching('{ $.user.name = "ann" }', docs), [ann]);
    assert.deepEqual(matching('{ $.tags[1] = "b" }', docs), [ann]);
    assert.deepEqual(matching('{ $.level = "ERROR*" && $.latency < 100 }', docs), [db]);
    assert.deepEqual(matching('{ $.level = "INFO" || $.latency > 200 }', docs), [ann, bob]);
    assert.deepEqual(matching('{ ($.level = "INFO" || $.latency > 200) && $.user.id = 7 }', docs), [ann]);
  });

  test("IS NULL, IS TRUE, IS FALSE, EXISTS, NOT EXISTS", () => {
    assert.deepEqual(matching("{ $.gone IS NULL }", docs), [ann]);
    assert.deepEqual(matching("{ $.ok IS TRUE }", docs), [bob]);
    assert.deepEqual(matching("{ $.ok IS FALSE }", docs), [ann]);
    assert.deepEqual(matching("{ $.user.name NOT EXISTS }", docs), [db]);
    assert.deepEqual(matching("{ $.tags EXISTS }", docs), [ann, bob]);
  });

  test("a message that is not a JSON object never matches", () => {
    assert.deepEqual(matching("{ $.x NOT EXISTS }", docs), [ann, bob, db]);
  });

  test("malformed JSON patterns are rejected", () => {
    assert.throws(() => parseFilterPattern("{ $.level = }"), FilterPatternError);
    assert.throws(() => parseFilterPattern('{ $.level = "x" '), FilterPatternError);
    assert.throws(() => parseFilterPattern('{ level = "x" }'), FilterPatternError);
    assert.throws(() => parseFilterPattern('{ ($.a = 1 }'), FilterPatternError);
  });
});

describe("filter patterns: space-delimited", () => {
  const access = [
    '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534',
    '127.0.0.1 - bob [10/Oct/2000:13:35:22 -0700] "GET /missing HTTP/1.0" 404 0',
    '10.0.0.2 - ann [10/Oct/2000:13:50:35 -0700] "POST /api HTTP/1.0" 503 2048',
  ];
  const [frank, bob, ann] = access;

  test("splits on spaces, keeping quoted and bracketed fields whole", () => {
    assert.deepEqual(splitFields(frank ?? ""), ["127.0.0.1", "-", "frank", "10/Oct/2000:13:25:15 -0700", "GET /apache_pb.gif HTTP/1.0", "200", "1534"]);
  });

  test("field count must match unless ... is used", () => {
    assert.deepEqual(matching("[ip, id, user, timestamp, request, status, size]", access), access);
    assert.deepEqual(matching("[ip, id, user, timestamp, request, status]", access), []);
    assert.deepEqual(matching("[ip, ..., size]", access), access);
    assert.deepEqual(matching("[..., status, size]", access), access);
  });

  test("conditions on fields: =, !=, wildcards, numeric comparisons, && and ||", () => {
    assert.deepEqual(matching("[ip, id, user, timestamp, request, status = 404, size]", access), [bob]);
    assert.deepEqual(matching("[ip = 127.0.0.*, ...]", access), [frank, bob]);
    assert.deepEqual(matching("[..., status = 4* || status = 5*, size]", access), [bob, ann]);
    assert.deepEqual(matching("[..., status >= 400 && status < 500, size]", access), [bob]);
    assert.deepEqual(matching("[..., size > 1000]", access), [frank, ann]);
    assert.deepEqual(matching('[ip, id, user != "frank", ...]', access), [bob, ann]);
    assert.deepEqual(matching('[ip, id, user, timestamp, request = "POST *", ...]', access), [ann]);
  });

  test("malformed delimited patterns are rejected", () => {
    assert.throws(() => parseFilterPattern("[a, b"), FilterPatternError);
    assert.throws(() => parseFilterPattern("[a, , b]"), FilterPatternError);
    assert.throws(() => parseFilterPattern("[a = 1 && b = 2]"), FilterPatternError);
  });
});

describe("filter patterns: extracted values (metric filters)", () => {
  test("space-delimited patterns name their fields as $name", () => {
    const p = parseFilterPattern("[ip, id, user, ..., status = 4*, size]");
    const got = p.extract('10.0.0.1 - ann [10/Oct/2000:13:50:35 -0700] "GET /x HTTP/1.0" 404 512');
    assert.deepEqual(got?.fields, { $ip: "10.0.0.1", $id: "-", $user: "ann", $status: "404", $size: "512" });
    assert.equal(got?.value("$size"), "512");
    assert.equal(p.extract("10.0.0.1 - ann 200 5"), undefined);
  });

  test("JSON patterns resolve $.selectors on the matching document", () => {
    const p = parseFilterPattern('{ $.level = "ERROR" }');
    const got = p.extract(JSON.stringify({ level: "ERROR", latency: 250, user: { id: 7 } }));
    assert.equal(got?.value("$.latency"), "250");
    assert.equal(got?.value("$.user.id"), "7");
    assert.equal(got?.value("$.user"), undefined);
    assert.equal(got?.value("$.missing"), undefined);
    assert.equal(p.extract(JSON.stringify({ level: "INFO" })), undefined);
  });

  test("term patterns extract nothing but still say whether they matched", () => {
    const p = parseFilterPattern("ERROR");
    assert.deepEqual(p.extract("ERROR x")?.fields, {});
    assert.equal(p.extract("INFO x"), undefined);
  });
});
