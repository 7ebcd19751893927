import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import {
  findInvalidCharacter,
  messageSize,
  resolveMessageSystemAttributeNames,
  selectMessageAttributes,
  validateBatchEntries,
  validateBatchSize,
  validateMessageAttributes,
  validateMessageBody,
  validateMessageDelaySeconds,
  validateMessageSize,
  validateMessageSystemAttributes,
  validateReceiveParameters,
  validateVisibilityChange,
} from "./message-validation.js";

function assertAwsError(fn: () => unknown, code: string, message: string, queryCode?: string, status = 400): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    assert.equal(e.status, status);
    if (queryCode !== undefined) assert.equal(e.queryCode, queryCode);
    return true;
  });
}

const INVALID_PARAM = "InvalidParameterValueException";
const ALLOWED = "the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].";

describe("message body", () => {
  test("allowed characters", () => {
    validateMessageBody("plain");
    validateMessageBody("tab\tnew\nline\rcr");
    validateMessageBody("\u{10FFFF}\u{1F600}\uE000\uFFFD\uD7FF \u0020");
    validateMessageBody('{"json": ["and", "<xml/>"]}');
  });

  test("each excluded range is refused with the offending character named", () => {
    const cases: Array<[string, string]> = [
      ["a\u0000b", "#x0"],
      ["\u0008", "#x8"],
      ["\u000B", "#xB"],
      ["\u001F", "#x1F"],
      ["\uFFFE", "#xFFFE"],
      ["x\uFFFF", "#xFFFF"],
      ["\uD800", "#xD800"],
      ["ok\uDFFFok", "#xDFFF"],
    ];
    for (const [body, character] of cases) {
      assertAwsError(
        () => validateMessageBody(body),
        "InvalidMessageContents",
        `Invalid binary character '${character}' was found in the message body, ${ALLOWED}`,
        "InvalidMessageContents",
      );
    }
    // The first offending character is the one reported.
    assert.equal(findInvalidCharacter(`Invalid-${String.fromCharCode(0)}-${String.fromCharCode(8)}`), 0);
  });

  test("the allowed set's edges, surrogates included", () => {
    const allowed = [0x9, 0xa, 0xd, 0x20, 0xd7ff, 0xe000, 0xfffd, 0x10000, 0x1f600, 0x10ffff];
    const refused = [0x0, 0x8, 0xb, 0xc, 0xe, 0x1f, 0xfffe, 0xffff];
    for (const cp of allowed) assert.equal(findInvalidCharacter(`a${String.fromCodePoint(cp)}b`), undefined, `#x${cp.toString(16)}`);
    for (const cp of refused) assert.equal(findInvalidCharacter(`a${String.fromCodePoint(cp)}b`), cp, `#x${cp.toString(16)}`);
    // A lone surrogate is refused as itself; a pair is one allowed code point.
    assert.equal(findInvalidCharacter("a\ud800b"), 0xd800);
    assert.equal(findInvalidCharacter("a\udfffb"), 0xdfff);
    assert.equal(findInvalidCharacter("\ud83d\ude00"), undefined);
  });

  test("missing or empty body", () => {
    for (const body of [undefined, ""]) {
      assertAwsError(
        () => validateMessageBody(body),
        "MissingRequiredParameterException",
        "The request must contain the parameter MessageBody.",
        "MissingParameter",
      );
    }
  });
});

describe("message size", () => {
  test("counts UTF-8 bytes of body and of every attribute name, type and value", () => {
    assert.equal(messageSize("\u00e9", undefined), 2);
    assert.equal(
      messageSize("abc", {
        s: { DataType: "String", StringValue: "xy" },
        b: { DataType: "Binary", BinaryValue: Uint8Array.from([1, 2, 3]) },
      }),
      3 + (1 + 6 + 2) + (1 + 6 + 3),
    );
  });

  test("limit is inclusive; one byte over is refused with the queue's limit named", () => {
    validateMessageSize("a".repeat(1024), undefined, 1024);
    assertAwsError(
      () => validateMessageSize("a".repeat(1025), undefined, 1024),
      INVALID_PARAM,
      "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.",
      "InvalidParameterValue",
    );
    const attrs = {
      attrib1: { DataType: "String", StringValue: "a".repeat(256) },
      attrib2: { DataType: "String", StringValue: "a".repeat(256) },
    };
    assertAwsError(
      () => validateMessageSize("a".repeat(513), attrs, 1024),
      INVALID_PARAM,
      "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.",
    );
    validateMessageSize("a".repeat(1_048_576), undefined, 1_048_576);
  });
});

describe("message attributes", () => {
  test("valid attributes pass through in store shape", () => {
    const out = validateMessageAttributes({
      "attr.1\u00f8\u00df\u00e4": { DataType: "String", StringValue: "Valida" },
      UserId: { DataType: "Number.bigint", StringValue: "1234567890123456789012" },
      Price: { DataType: "Number", StringValue: "-3.015e2" },
      Img: { DataType: "Binary.png", BinaryValue: Uint8Array.from([1]) },
    });
    assert.deepEqual(Object.keys(out), ["attr.1\u00f8\u00df\u00e4", "UserId", "Price", "Img"]);
    assert.deepEqual(out.Img, { DataType: "Binary.png", BinaryValue: Uint8Array.from([1]) });
    assert.deepEqual(validateMessageAttributes(undefined), {});
  });

  test("errors, with AWS's wording", () => {
    const cases: Array<[Record<string, object>, string]> = [
      [{ Hello: { DataType: "Number", StringValue: "world" } }, "Can't cast the value of message (user) attribute 'Hello' to a number."],
      [{ Hello: { DataType: "String", StringValue: "" } }, "Message (user) attribute 'Hello' must contain a non-empty value of type 'String'."],
      [{ ErrorDetails: { DataType: "String", StringValue: "" } }, "Message (user) attribute 'ErrorDetails' must contain a non-empty value of type 'String'."],
      [{ N: { DataType: "Number.int", StringValue: "" } }, "Message (user) attribute 'N' must contain a non-empty value of type 'Number'."],
      [{ B: { DataType: "Binary", BinaryValue: new Uint8Array() } }, "Message (user) attribute 'B' must contain a non-empty value of type 'Binary'."],
      [{ "": { DataType: "String", StringValue: "v" } }, "The request must contain non-empty message (user) attribute names."],
      [{ Hello: {} }, "The message (user) attribute 'Hello' must contain a non-empty message attribute type."],
      [{ Hello: { DataType: "String" } }, "The message (user) attribute 'Hello' must contain a non-empty message attribute value."],
      [
        { Hello: { DataType: "InvalidType", StringValue: "v" } },
        "The type of message (user) attribute 'Hello' is invalid. You must use only the following supported type prefixes: Binary, Number, String.",
      ],
      [{ Hello: { DataType: "StringList", StringListValues: ["World"] } }, "Message attribute list values in SendMessage operation are not supported."],
      [{ Hello: { DataType: "BinaryList", BinaryListValues: [Uint8Array.from([1])] } }, "Message attribute list values in SendMessage operation are not supported."],
      [{ Hello: { DataType: "String", StringListValues: ["World"] } }, "Message attribute list values in SendMessage operation are not supported."],
      [{ Hello: { DataType: "Binary", BinaryListValues: [Uint8Array.from([1])] } }, "Message attribute list values in SendMessage operation are not supported."],
      [
        { "AWS.Hello": { DataType: "String", StringValue: "World" } },
        "You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings are reserved for internal use.",
      ],
      [
        { "amazon.Hello": { DataType: "String", StringValue: "World" } },
        "You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings are reserved for internal use.",
      ],
      [{ ["a".repeat(257)]: { DataType: "String", StringValue: "World" } }, "Message (user) attribute name must be shorter than 256 bytes."],
      [{ attrib1: { DataType: `String.${"a".repeat(250)}`, StringValue: "World" } }, "Message (user) attribute type must be shorter than 256 bytes."],
    ];
    for (const [attributes, message] of cases) {
      assertAwsError(() => validateMessageAttributes(attributes), INVALID_PARAM, message, "InvalidParameterValue");
    }
  });

  test("name characters and periods", () => {
    const message =
      "Message (user) attributes name can only contain upper and lower score characters, digits, periods, hyphens and underscores. ";
    for (const name of ["Invalid-!-attr", 'Invalid-"-attr', "Invalid-\u00a7-attr", "Invalid-(-attr", "Invalid-?-attr", ".lead", "Invalid.", "a..b", "sp ace"]) {
      assertAwsError(() => validateMessageAttributes({ [name]: { DataType: "String", StringValue: "v" } }), INVALID_PARAM, message);
    }
  });

  test("more than 10 attributes", () => {
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`attrib${i + 1}`, { DataType: "String", StringValue: "World" }]));
    assertAwsError(() => validateMessageAttributes(eleven), INVALID_PARAM, "Number of message attributes [11] exceeds the allowed maximum [10].");
  });

  test("string values share the body character set", () => {
    assertAwsError(
      () => validateMessageAttributes({ attr1: { DataType: "String", StringValue: `Invalid-${String.fromCharCode(8)}` } }),
      INVALID_PARAM,
      `Invalid binary character '#x8' was found in the message attribute 'attr1', ${ALLOWED}`,
    );
  });

  test("system attributes", () => {
    assert.deepEqual(validateMessageSystemAttributes({ AWSTraceHeader: { DataType: "String", StringValue: "Root=1-abc" } }), {
      AWSTraceHeader: { DataType: "String", StringValue: "Root=1-abc" },
    });
    assertAwsError(
      () => validateMessageSystemAttributes({ Hello: { DataType: "String", StringValue: "World" } }),
      INVALID_PARAM,
      "Message system attribute name 'Hello' is invalid.",
    );
  });
});

describe("per-message DelaySeconds", () => {
  test("standard queues: 0-900", () => {
    validateMessageDelaySeconds(undefined, false);
    validateMessageDelaySeconds(0, false);
    validateMessageDelaySeconds(900, false);
    for (const value of [-234, 1000, 901]) {
      assertAwsError(
        () => validateMessageDelaySeconds(value, false),
        INVALID_PARAM,
        `Value ${value} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
      );
    }
  });

  test("FIFO queues refuse a per-message delay", () => {
    validateMessageDelaySeconds(0, true);
    for (const value of [2, 60]) {
      assertAwsError(
        () => validateMessageDelaySeconds(value, true),
        INVALID_PARAM,
        `Value ${value} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.`,
      );
    }
  });
});

describe("batches", () => {
  test("entry count", () => {
    assertAwsError(
      () => validateBatchEntries([], "SendMessageBatchRequestEntry"),
      "EmptyBatchRequest",
      "There should be at least one SendMessageBatchRequestEntry in the request.",
      "AWS.SimpleQueueService.EmptyBatchRequest",
    );
    assertAwsError(
      () => validateBatchEntries(undefined, "DeleteMessageBatchRequestEntry"),
      "EmptyBatchRequest",
      "There should be at least one DeleteMessageBatchRequestEntry in the request.",
    );
    validateBatchEntries(Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}` })), "SendMessageBatchRequestEntry");
    for (const count of [11, 20]) {
      assertAwsError(
        () => validateBatchEntries(Array.from({ length: count }, (_, i) => ({ Id: `m${i}` })), "ChangeMessageVisibilityBatchRequestEntry"),
        "TooManyEntriesInBatchRequest",
        `Maximum number of entries per request are 10. You have sent ${count}.`,
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
      );
    }
  });

  test("entry ids", () => {
    for (const id of ["", "invalid:id", "testLongId".repeat(10), "sp ace"]) {
      assertAwsError(
        () => validateBatchEntries([{ Id: id }], "DeleteMessageBatchRequestEntry"),
        "InvalidBatchEntryId",
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
        "AWS.SimpleQueueService.InvalidBatchEntryId",
      );
    }
    validateBatchEntries([{ Id: "a".repeat(80) }, { Id: "A-b_9" }], "SendMessageBatchRequestEntry");
    assertAwsError(
      () => validateBatchEntries([{ Id: "dup" }, { Id: "x" }, { Id: "dup" }], "SendMessageBatchRequestEntry"),
      "BatchEntryIdsNotDistinct",
      "Id dup repeated.",
      "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
    );
  });

  test("total batch size", () => {
    validateBatchSize([{ MessageBody: "a".repeat(600_000) }, { MessageBody: "a".repeat(448_576) }]);
    assertAwsError(
      () => validateBatchSize([{ MessageBody: "a".repeat(600_000) }, { MessageBody: "a".repeat(448_577) }]),
      "BatchRequestTooLong",
      "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.",
      "AWS.SimpleQueueService.BatchRequestTooLong",
    );
    assertAwsError(
      () => validateBatchSize([{ MessageBody: "a".repeat(262_145) }], 262_144),
      "BatchRequestTooLong",
      "Batch requests cannot be longer than 262144 bytes. You have sent 262145 bytes.",
    );
  });
});

describe("ReceiveMessage parameters", () => {
  test("bounds", () => {
    validateReceiveParameters({});
    validateReceiveParameters({ MaxNumberOfMessages: 1, WaitTimeSeconds: 0, VisibilityTimeout: 0 });
    validateReceiveParameters({ MaxNumberOfMessages: 10, WaitTimeSeconds: 20, VisibilityTimeout: 43200 });
    const cases: Array<[object, string]> = [
      [{ MaxNumberOfMessages: 11 }, "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."],
      [{ MaxNumberOfMessages: 0 }, "Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."],
      [{ MaxNumberOfMessages: 50 }, "Value 50 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."],
      [{ WaitTimeSeconds: 21 }, "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."],
      [{ WaitTimeSeconds: -1 }, "Value -1 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."],
      [{ VisibilityTimeout: 43201 }, "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided."],
    ];
    for (const [params, message] of cases) {
      assertAwsError(() => validateReceiveParameters(params), INVALID_PARAM, message, "InvalidParameterValue");
    }
  });

  test("ChangeMessageVisibility range and the 12-hour total", () => {
    const received = 1_000_000;
    validateVisibilityChange(43200, received, received);
    validateVisibilityChange(0, received, received + 43_200_000);
    assertAwsError(
      () => validateVisibilityChange(43201, received, received),
      INVALID_PARAM,
      "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.",
    );
    assertAwsError(
      () => validateVisibilityChange(30, received, received + 43_200_000 - 29_000),
      INVALID_PARAM,
      "Value 30 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds].",
    );
  });

  test("MessageAttributeNames filters", () => {
    const attrs = { Dummy1Name: 1, Dummy2Name: 2, OtherName: 3, "Help.Me": 4 };
    assert.deepEqual(selectMessageAttributes(attrs, undefined), {});
    assert.deepEqual(selectMessageAttributes(attrs, []), {});
    assert.deepEqual(selectMessageAttributes(attrs, ["All"]), attrs);
    assert.deepEqual(selectMessageAttributes(attrs, [".*"]), attrs);
    assert.deepEqual(selectMessageAttributes(attrs, ["*"]), attrs, "AWS answers a bare * with every attribute");
    assert.deepEqual(selectMessageAttributes(attrs, ["Dummy.*"]), { Dummy1Name: 1, Dummy2Name: 2 });
    assert.deepEqual(selectMessageAttributes(attrs, ["Help.*"]), { "Help.Me": 4 });
    assert.deepEqual(selectMessageAttributes(attrs, ["OtherName", "Missing"]), { OtherName: 3 });
    assert.deepEqual(selectMessageAttributes(attrs, ["Missing"]), {});
  });

  test("system attribute names", () => {
    assert.equal(resolveMessageSystemAttributeNames(["All"]).length, 9);
    assert.deepEqual(resolveMessageSystemAttributeNames(["SenderId"], ["SentTimestamp", "SenderId", "Bogus"]), ["SenderId", "SentTimestamp"]);
    assert.deepEqual(resolveMessageSystemAttributeNames(undefined, undefined), []);
  });
});
