import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import {
  conditionalRequestConflict,
  etagMatches,
  evaluateCopySourceConditions,
  evaluateDeleteCondition,
  evaluateReadConditions,
  evaluateWriteConditions,
  parseETagList,
  parseHttpDate,
  resolveCopySourceRange,
  resolveRange,
  validateWriteConditions,
} from "./conditions.js";

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, `expected AwsError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected an error");
}

const PRECONDITION = "At least one of the pre-conditions you specified did not hold";

function assertPrecondition(fn: () => unknown, condition: string): void {
  const err = thrown(fn);
  assert.equal(err.code, "PreconditionFailed");
  assert.equal(err.status, 412);
  assert.equal(err.message, PRECONDITION);
  assert.deepEqual(err.fields, { Condition: condition });
}

describe("Range", () => {
  test("the three forms, as s3-tests pins them on an 11-byte object", () => {
    assert.deepEqual(resolveRange("bytes=4-7", 11), { kind: "partial", start: 4, end: 7, length: 4, contentRange: "bytes 4-7/11" });
    assert.deepEqual(resolveRange("bytes=4-", 11), { kind: "partial", start: 4, end: 10, length: 7, contentRange: "bytes 4-10/11" });
    assert.deepEqual(resolveRange("bytes=-7", 11), { kind: "partial", start: 4, end: 10, length: 7, contentRange: "bytes 4-10/11" });
  });

  test("AWS's example and a large object", () => {
    assert.equal((resolveRange("bytes=0-9", 443) as { contentRange: string }).contentRange, "bytes 0-9/443");
    assert.equal(
      (resolveRange("bytes=3145728-5242880", 8388608) as { contentRange: string }).contentRange,
      "bytes 3145728-5242880/8388608",
    );
  });

  test("an end past the object is clamped; a suffix longer than the object is the whole object as 206", () => {
    assert.equal((resolveRange("bytes=0-99999999999999999999", 10) as { contentRange: string }).contentRange, "bytes 0-9/10");
    assert.equal((resolveRange("bytes=-100", 10) as { contentRange: string }).contentRange, "bytes 0-9/10");
  });

  test("a start at or past the end is 416 InvalidRange with RangeRequested and ActualObjectSize", () => {
    for (const [header, size] of [
      ["bytes=40-50", 11],
      ["bytes=11-", 11],
      ["bytes=40-50", 0],
      ["bytes=0-", 0],
      ["bytes=0-0", 0],
      ["bytes=-0", 10],
    ] as const) {
      const err = thrown(() => resolveRange(header, size));
      assert.equal(err.code, "InvalidRange");
      assert.equal(err.status, 416);
      assert.equal(err.message, "The requested range is not satisfiable");
      assert.deepEqual(err.fields, { RangeRequested: header, ActualObjectSize: size });
      assert.equal(err.headers["Content-Range"], `bytes */${size}`);
    }
  });

  test("multiple ranges and malformed headers are ignored: the whole object, 200", () => {
    for (const header of ["bytes=0-1,3-4", "bytes=5-4", "bytes=invalid-range", "items=0-4", "bytes=", "bytes=-", "0-4", "bytes=1-2-3"]) {
      assert.deepEqual(resolveRange(header, 100), { kind: "full" }, header);
    }
    assert.deepEqual(resolveRange(undefined, 100), { kind: "full" });
  });

  test("a suffix range on an empty object answers the empty object", () => {
    assert.deepEqual(resolveRange("bytes=-1", 0), { kind: "full" });
  });

  test("x-amz-copy-source-range must be bytes=first-last inside the source", () => {
    assert.deepEqual(resolveCopySourceRange("bytes=0-9", 10), { start: 0, end: 9, length: 10 });
    for (const bad of ["0-2", "bytes=0", "bytes=hello-world", "bytes=0-bar", "bytes=hello-", "bytes=0-2,3-5", "bytes=5-4", "bytes=-3"]) {
      const err = thrown(() => resolveCopySourceRange(bad, 100));
      assert.equal(err.code, "InvalidArgument");
      assert.equal(
        err.message,
        "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
      );
    }
    const past = thrown(() => resolveCopySourceRange("bytes=0-10", 5));
    assert.equal(past.code, "InvalidArgument");
    assert.equal(past.message, "Range specified is not valid for source object of size: 5");
    const beyond = thrown(() => resolveCopySourceRange("bytes=5-10", 5));
    assert.deepEqual([beyond.code, beyond.message], ["InvalidRequest", "The specified copy range is invalid for the source object size"]);
  });
});

describe("ETag lists and dates", () => {
  test("quoted, unquoted, weak and lists all compare on the bare ETag", () => {
    assert.equal(etagMatches('"abc"', '"abc"'), true);
    assert.equal(etagMatches("abc", '"abc"'), true);
    assert.equal(etagMatches('W/"abc"', '"abc"'), true);
    assert.equal(etagMatches('abc"', '"abc"'), true);
    assert.equal(etagMatches('"abc', '"abc"'), true);
    assert.equal(etagMatches('"ab"c"', '"abc"'), false);
    assert.equal(etagMatches('"x", "abc"', '"abc"'), true);
    assert.equal(etagMatches("*", '"abc"'), true);
    assert.equal(etagMatches('"abd"', '"abc"'), false);
    assert.deepEqual(parseETagList(' "a" ,b'), ["a", "b"]);
  });

  test("HTTP dates in the three formats", () => {
    const t = Date.UTC(1994, 10, 6, 8, 49, 37);
    assert.equal(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), t);
    assert.equal(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), t);
    assert.equal(parseHttpDate("Sun Nov  6 08:49:37 1994 GMT"), t);
    assert.equal(parseHttpDate("not a date"), undefined);
  });
});

describe("conditional reads", () => {
  const object = { etag: '"abc"', lastModified: Date.UTC(2024, 0, 10, 12, 0, 0, 500) };
  const before = "Tue, 09 Jan 2024 12:00:00 GMT";
  const same = "Wed, 10 Jan 2024 12:00:00 GMT";
  const after = "Thu, 11 Jan 2024 12:00:00 GMT";
  const now = Date.UTC(2024, 0, 12, 12, 0, 0);

  test("If-Match", () => {
    assert.equal(evaluateReadConditions({ ifMatch: '"abc"' }, object, now), "proceed");
    assertPrecondition(() => evaluateReadConditions({ ifMatch: '"nope"' }, object, now), "If-Match");
  });

  test("If-None-Match", () => {
    assert.equal(evaluateReadConditions({ ifNoneMatch: '"abc"' }, object, now), "not-modified");
    assert.equal(evaluateReadConditions({ ifNoneMatch: "*" }, object, now), "not-modified");
    assert.equal(evaluateReadConditions({ ifNoneMatch: '"nope"' }, object, now), "proceed");
  });

  test("If-Modified-Since compares whole seconds (the same second is not modified)", () => {
    assert.equal(evaluateReadConditions({ ifModifiedSince: same }, object, now), "not-modified");
    assert.equal(evaluateReadConditions({ ifModifiedSince: after }, object, now), "not-modified");
    assert.equal(evaluateReadConditions({ ifModifiedSince: before }, object, now), "proceed");
  });

  test("If-Unmodified-Since", () => {
    assert.equal(evaluateReadConditions({ ifUnmodifiedSince: same }, object, now), "proceed");
    assert.equal(evaluateReadConditions({ ifUnmodifiedSince: "Wed, 31 Dec 2100 00:00:00 GMT" }, object, now), "proceed");
    assertPrecondition(() => evaluateReadConditions({ ifUnmodifiedSince: "Sat, 01 Jan 1994 00:00:00 GMT" }, object, now), "If-Unmodified-Since");
  });

  test("an If-Modified-Since later than now is ignored (LocalStack's AWS-validated obj-ignore-future-modified-since)", () => {
    assert.equal(evaluateReadConditions({ ifModifiedSince: "Sat, 13 Jan 2024 12:00:00 GMT" }, object, now), "proceed");
    assert.equal(evaluateReadConditions({ ifModifiedSince: after }, object, now), "not-modified");
  });

  test("AWS's documented pair: If-Match true + If-Unmodified-Since false -> 200", () => {
    assert.equal(evaluateReadConditions({ ifMatch: '"abc"', ifUnmodifiedSince: before }, object, now), "proceed");
  });

  test("AWS's documented pair: If-None-Match false + If-Modified-Since true -> 304", () => {
    assert.equal(evaluateReadConditions({ ifNoneMatch: '"abc"', ifModifiedSince: before }, object, now), "not-modified");
  });

  test("412 wins over 304; an unparseable date is ignored", () => {
    assertPrecondition(() => evaluateReadConditions({ ifMatch: '"nope"', ifNoneMatch: '"abc"' }, object, now), "If-Match");
    assert.equal(evaluateReadConditions({ ifModifiedSince: "yesterday" }, object, now), "proceed");
    assert.equal(evaluateReadConditions({ ifUnmodifiedSince: "yesterday" }, object, now), "proceed");
  });
});

describe("copy-source conditions", () => {
  const source = { etag: '"abc"', lastModified: Date.UTC(2024, 0, 10, 12, 0, 0) };
  const before = "Tue, 09 Jan 2024 12:00:00 GMT";
  const now = Date.UTC(2024, 0, 11, 12, 0, 0);

  test("pass when they hold", () => {
    evaluateCopySourceConditions({ ifMatch: "abc", ifModifiedSince: before }, source, now);
    evaluateCopySourceConditions({ ifNoneMatch: '"other"' }, source, now);
  });

  test("if-match true + if-unmodified-since false copies (AWS)", () => {
    evaluateCopySourceConditions({ ifMatch: '"abc"', ifUnmodifiedSince: before }, source, now);
  });

  test("an if-modified-since later than now is ignored (AWS copies)", () => {
    evaluateCopySourceConditions({ ifModifiedSince: "Fri, 12 Jan 2024 12:00:00 GMT" }, source, now);
  });

  test("if-none-match false + if-modified-since true is 412 (AWS); every failure is 412, never 304", () => {
    assertPrecondition(
      () => evaluateCopySourceConditions({ ifNoneMatch: '"abc"', ifModifiedSince: before }, source, now),
      "x-amz-copy-source-If-None-Match",
    );
    assertPrecondition(() => evaluateCopySourceConditions({ ifMatch: '"x"' }, source, now), "x-amz-copy-source-If-Match");
    assertPrecondition(
      () => evaluateCopySourceConditions({ ifUnmodifiedSince: before }, source, now),
      "x-amz-copy-source-If-Unmodified-Since",
    );
    assertPrecondition(
      () => evaluateCopySourceConditions({ ifModifiedSince: "Thu, 11 Jan 2024 12:00:00 GMT" }, source, now),
      "x-amz-copy-source-If-Modified-Since",
    );
  });
});

describe("conditional writes", () => {
  test("If-None-Match: * succeeds only when there is no current version", () => {
    evaluateWriteConditions({ ifNoneMatch: "*" }, undefined, "k");
    assertPrecondition(() => evaluateWriteConditions({ ifNoneMatch: "*" }, { etag: '"abc"' }, "k"), "If-None-Match");
  });

  test("If-Match: 404 NoSuchKey without a current version, 412 on a different ETag", () => {
    evaluateWriteConditions({ ifMatch: '"abc"' }, { etag: '"abc"' }, "k");
    evaluateWriteConditions({ ifMatch: "abc" }, { etag: '"abc"' }, "k");
    const missing = thrown(() => evaluateWriteConditions({ ifMatch: '"abc"' }, undefined, "my/key"));
    assert.equal(missing.code, "NoSuchKey");
    assert.equal(missing.status, 404);
    assert.equal(missing.message, "The specified key does not exist.");
    assert.deepEqual(missing.fields, { Key: "my/key" });
    assertPrecondition(() => evaluateWriteConditions({ ifMatch: '"other"' }, { etag: '"abc"' }, "k"), "If-Match");
  });

  test("forms S3 does not implement are 501 NotImplemented naming the header", () => {
    for (const [conditions, header] of [
      [{ ifMatch: '"a"', ifNoneMatch: "*" }, "If-Match,If-None-Match"],
      [{ ifNoneMatch: '"etag"' }, "If-None-Match"],
      [{ ifMatch: "*" }, "If-Match"],
    ] as const) {
      const err = thrown(() => validateWriteConditions(conditions));
      assert.equal(err.code, "NotImplemented");
      assert.equal(err.status, 501);
      assert.equal(err.message, "A header you provided implies functionality that is not implemented");
      assert.equal(err.fields.Header, header);
    }
  });

  test("409 ConditionalRequestConflict for a store that lost a race", () => {
    const err = conditionalRequestConflict("If-None-Match", "k");
    assert.equal(err.code, "ConditionalRequestConflict");
    assert.equal(err.status, 409);
    assert.equal(err.message, "The conditional request cannot succeed due to a conflicting operation against this resource.");
    assert.deepEqual(err.fields, { Condition: "If-None-Match", Key: "k" });
  });
});

describe("conditional deletes", () => {
  test("If-Match * or the ETag deletes the current version", () => {
    evaluateDeleteCondition("*", { etag: '"abc"' }, "k");
    evaluateDeleteCondition('"abc"', { etag: '"abc"' }, "k");
    evaluateDeleteCondition(undefined, undefined, "k");
  });

  test("a delete marker as current version is 412; a missing key is 404; a wrong ETag is 412", () => {
    assertPrecondition(() => evaluateDeleteCondition("*", { deleteMarker: true }, "k"), "If-Match");
    assertPrecondition(() => evaluateDeleteCondition('"x"', { etag: '"abc"' }, "k"), "If-Match");
    assert.equal(thrown(() => evaluateDeleteCondition("*", undefined, "k")).code, "NoSuchKey");
  });

  test("a conditional delete of a specific version is NotImplemented", () => {
    const err = thrown(() => evaluateDeleteCondition("*", { etag: '"abc"' }, "k", "v1"));
    assert.equal(err.code, "NotImplemented");
    assert.equal(err.fields.Header, "If-Match");
    assert.equal(
      err.fields.additionalMessage,
      "Conditional delete operations are not allowed when a version ID is included in the request parameters.",
    );
  });
});
