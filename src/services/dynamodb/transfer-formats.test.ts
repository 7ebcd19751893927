import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { validateItem, type Item } from "./domain/index.js";
import { linesOf } from "./imports.js";
import { serializeItem } from "./items.js";
import { tableChildArn } from "./table.js";
import {
  CsvRecords,
  csvItem,
  dataFileId,
  EXPORT_LINE_FORMATS,
  ImportLineError,
  incrementalLine,
  ionDecimal,
  ionIncrementalLine,
  ionItemLine,
  ionLineItems,
  isBlankRecord,
  itemLine,
  jsonLineValues,
  parseItemLine,
  transferId,
} from "./transfer-formats.js";

describe("DynamoDB JSON lines", () => {
  test("an item line is {\"Item\":...} with numbers as written (38 digits), binaries in base64 and sets kept", () => {
    const line = itemLine({
      id: { S: "a" },
      big: { N: "12345678901234567890123456789012345678" },
      bin: { B: Buffer.from([0, 1, 254, 255]) },
      ns: { NS: ["1", "-0.5"] },
      bs: { BS: [Buffer.from("x"), Buffer.from("y")] },
    });
    assert.equal(line, '{"Item":{"id":{"S":"a"},"big":{"N":"12345678901234567890123456789012345678"},"bin":{"B":"AAH+/w=="},"ns":{"NS":["1","-0.5"]},"bs":{"BS":["eA==","eQ=="]}}}');
  });

  test("objects run together on one line are values each; anything else on the line leaves it one value", () => {
    assert.deepEqual(jsonLineValues('{"Item":{"a":{"S":"}{"}}}{"Item":{}} \t{"Item":{"b":{"S":"\\"{"}}}'), ['{"Item":{"a":{"S":"}{"}}}', '{"Item":{}}', '{"Item":{"b":{"S":"\\"{"}}}']);
    for (const line of ["   ", "not json", '{"Item":{}} x', '{"Item":{}', '{"Item":{}}}', '"Item"']) assert.deepEqual(jsonLineValues(line), [line]);
  });

  test("a line reads back into the item, binaries decoded", () => {
    const item = parseItemLine('{"Item":{"id":{"S":"a"},"bin":{"B":"AAH+/w=="},"m":{"M":{"B":{"S":"not binary"}}}}}');
    assert.deepEqual(item?.["id"], { S: "a" });
    assert.deepEqual([...((item?.["bin"] as { B: Buffer }).B)], [0, 1, 254, 255]);
    assert.deepEqual(item?.["m"], { M: { B: { S: "not binary" } } });
  });

  test("blank lines carry nothing; lines that are not JSON or have no Item are errors", () => {
    assert.equal(parseItemLine("   "), undefined);
    assert.throws(() => parseItemLine("{not json"), ImportLineError);
    assert.throws(() => parseItemLine('{"id":{"S":"a"}}'), ImportLineError);
    assert.throws(() => parseItemLine('{"Item":[1]}'), ImportLineError);
  });

  test("incremental lines carry Metadata and Keys, and the images the view type asks for", () => {
    const keys = { pk: { S: "k" } };
    const oldImage = { pk: { S: "k" }, v: { N: "1" } };
    const newImage = { pk: { S: "k" }, v: { N: "2" } };
    const writtenAt = Date.parse("2026-01-15T12:00:00.123Z");
    assert.equal(
      incrementalLine({ keys, oldImage, newImage, writtenAt }, "NEW_AND_OLD_IMAGES"),
      '{"Metadata":{"WriteTimestampMicros":{"N":"1768478400123000"}},"Keys":{"pk":{"S":"k"}},"NewImage":{"pk":{"S":"k"},"v":{"N":"2"}},"OldImage":{"pk":{"S":"k"},"v":{"N":"1"}}}',
    );
    assert.equal(incrementalLine({ keys, oldImage, newImage, writtenAt }, "NEW_IMAGE"), '{"Metadata":{"WriteTimestampMicros":{"N":"1768478400123000"}},"Keys":{"pk":{"S":"k"}},"NewImage":{"pk":{"S":"k"},"v":{"N":"2"}}}');
    // A delete: no new image; NEW_IMAGE shows only the keys.
    assert.equal(incrementalLine({ keys, oldImage, newImage: undefined, writtenAt }, "NEW_IMAGE"), '{"Metadata":{"WriteTimestampMicros":{"N":"1768478400123000"}},"Keys":{"pk":{"S":"k"}}}');
  });
});

describe("Amazon Ion lines", () => {
  const everyType: Item = {
    id: { S: "a" },
    empty: { S: "" },
    text: { S: 'héllo "q"\nnext' },
    big: { N: "12345678901234567890123456789012345678" },
    tiny: { N: "-0.000000000000000000000000000000000000012345" },
    hundreds: { N: "600" },
    zero: { N: "0" },
    half: { N: "-3.5" },
    bin: { B: Buffer.from([0, 1, 254, 255]) },
    yes: { BOOL: true },
    no: { BOOL: false },
    nothing: { NULL: true },
    ss: { SS: ["x", ""] },
    ns: { NS: ["1", "99999999999999999999999999999999999999"] },
    bs: { BS: [Buffer.from("x"), Buffer.from([0])] },
    m: { M: { nested: { L: [{ S: "deep" }, { M: { n: { N: "1.5" } } }, { L: [] }] }, "odd name": { M: {} } } },
  };

  /** What one Ion line reads back as, through the validation every import applies. */
  function readBack(line: string): Item[] {
    return ionLineItems(line).map((item) => validateItem(item()));
  }

  test("an item line is the version marker and {Item:{...}}, each type mapped as AWS documents; numbers are exact decimals", () => {
    assert.equal(
      ionItemLine(everyType),
      "$ion_1_0 {Item:{id:\"a\",empty:\"\",text:\"héllo \\\"q\\\"\\nnext\",big:12345678901234567890123456789012345678.,tiny:-12345d-42,hundreds:6d2,zero:0.,half:-3.5," +
        "bin:{{AAH+/w==}},yes:true,no:false,nothing:null,ss:$dynamodb_SS::[\"x\",\"\"],ns:$dynamodb_NS::[1.,99999999999999999999999999999999999999.]," +
        "bs:$dynamodb_BS::[{{eA==}},{{AA==}}],m:{nested:[\"deep\",{n:1.5},[]],'odd name':{}}}}",
    );
  });

  test("a line reads back into the same item: 38 digits, binaries, sets, nested maps and lists, empty strings", () => {
    const items = readBack(ionItemLine(everyType));
    assert.equal(items.length, 1);
    assert.equal(serializeItem(items[0] ?? {}), serializeItem(everyType));
  });

  test("DynamoDB numbers become Ion decimals exactly, trailing zeros in the exponent as AWS writes them (600 is 6d2)", () => {
    const shown = (n: string) => {
      const d = ionDecimal(n);
      return `${d.getCoefficient()}d${d.getExponent()}`;
    };
    assert.equal(shown("600"), "6d2");
    assert.equal(shown("103"), "103d0");
    assert.equal(shown("-0.0050"), "-5d-3");
    assert.equal(shown("0"), "0d0");
    assert.equal(shown("1E+125"), "1d125");
    assert.equal(shown("12345678901234567890123456789012345678"), "12345678901234567890123456789012345678d0");
    assert.equal(shown("-1.2345678901234567890123456789012345678E-92"), "-12345678901234567890123456789012345678d-129");
  });

  test("hand-written Ion: the marker is optional, ints are numbers, several values a line, a top-level list of items, comments and blank lines", () => {
    assert.deepEqual(readBack("$ion_1_0 {Item:{pk:\"a\",n:42,d:2.50,tags:$dynamodb_SS::[\"b\",\"a\"],nums:$dynamodb_NS::[1,2d1]}}"), [
      { pk: { S: "a" }, n: { N: "42" }, d: { N: "2.5" }, tags: { SS: ["b", "a"] }, nums: { NS: ["1", "20"] } },
    ]);
    assert.deepEqual(readBack("{Item:{k:1.}} {Item:{k:2.}} // two items"), [{ k: { N: "1" } }, { k: { N: "2" } }]);
    assert.deepEqual(readBack("$ion_1_0 [{Item:{k:\"x\"}}, {Item:{k:\"y\"}}]"), [{ k: { S: "x" } }, { k: { S: "y" } }]);
    assert.deepEqual(readBack("   "), []);
    assert.deepEqual(readBack("$ion_1_0"), []);
  });

  test("values that are not items, Ion types DynamoDB has no place for and unreadable text are bad items", () => {
    const problem = (line: string) => {
      const items = ionLineItems(line);
      assert.equal(items.length, 1, line);
      try {
        validateItem((items[0] as () => Record<string, unknown>)());
      } catch (err) {
        return `${(err as Error).constructor.name}: ${(err as Error).message}`;
      }
      return "no error";
    };
    assert.equal(problem("{Item:{a:1"), "ImportLineError: Invalid Ion text: expected ',' or '}'");
    assert.equal(problem("{Item:[1]}"), "ImportLineError: The value is not a DynamoDB Ion item: expected a struct with an Item member that is a struct, found an Item member of type list");
    assert.equal(problem("{item:{a:1}}"), "ImportLineError: The value is not a DynamoDB Ion item: expected a struct with an Item member that is a struct, found a struct without an Item member");
    assert.equal(problem("\"text\""), "ImportLineError: The value is not a DynamoDB Ion item: expected a struct with an Item member that is a struct, found string");
    for (const [value, type] of [["2020-01-01T", "timestamp"], ["1.5e0", "float"], ["sym", "symbol"], ['{{"clob"}}', "clob"], ["(a b)", "sexp"]]) {
      assert.equal(problem(`{Item:{v:${value}}}`), `ImportLineError: Unsupported Ion type ${type}: DynamoDB items hold string, decimal, blob, bool, null, struct and list values`);
    }
    assert.equal(problem("{Item:{v:null.string}}"), "ImportLineError: Unsupported Ion value null.string: DynamoDB's NULL is the untyped null");
    assert.equal(problem("{Item:{v:$dynamodb_NS::[\"1\"]}}"), "ImportLineError: A $dynamodb_NS list may hold only decimal values, not string");
    assert.equal(problem("{Item:{v:$dynamodb_BS::[null.blob]}}"), "ImportLineError: A $dynamodb_BS list may hold only blob values, not null.blob");
    // DynamoDB's own rules, with its own messages, once the value is mapped.
    assert.equal(problem("{Item:{v:$dynamodb_SS::[]}}"), "AwsError: One or more parameter values were invalid: An string set  may not be empty");
    assert.equal(problem("{Item:{v:1d126}}"), "AwsError: Number overflow. Attempting to store a number with magnitude larger than supported range");
    assert.equal(problem("{Item:{v:123456789012345678901234567890123456789.}}"), "AwsError: Attempting to store more than 38 significant digits in a Number");
  });

  test("nesting: 32 levels are an item, 33 are DynamoDB's nesting error; nesting too deep for the Ion reader is a bad line, not a crash", () => {
    const nested = (levels: number) => `{Item:{a:${"[".repeat(levels - 1)}"x"${"]".repeat(levels - 1)}}}`;
    assert.equal(readBack(nested(32)).length, 1);
    assert.throws(
      () => readBack(nested(33)),
      (err: Error) => err instanceof ImportLineError && err.message === "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit",
    );
    assert.throws(() => readBack(nested(200_000)), (err: Error) => err instanceof ImportLineError && /^Invalid Ion text: /.test(err.message));
  });

  test("incremental lines carry Metadata, Keys and the images in Ion, mapped as items are", () => {
    const keys = { pk: { S: "k" } };
    const oldImage = { pk: { S: "k" }, v: { NS: ["1"] } };
    const newImage = { pk: { S: "k" }, v: { NS: ["2"] } };
    const writtenAt = Date.parse("2026-01-15T12:00:00.123Z");
    assert.equal(
      ionIncrementalLine({ keys, oldImage, newImage, writtenAt }, "NEW_AND_OLD_IMAGES"),
      "$ion_1_0 {Metadata:{WriteTimestampMicros:1768478400123d3},Keys:{pk:\"k\"},NewImage:{pk:\"k\",v:$dynamodb_NS::[2.]},OldImage:{pk:\"k\",v:$dynamodb_NS::[1.]}}",
    );
    assert.equal(ionIncrementalLine({ keys, oldImage, newImage: undefined, writtenAt }, "NEW_IMAGE"), "$ion_1_0 {Metadata:{WriteTimestampMicros:1768478400123d3},Keys:{pk:\"k\"}}");
  });

  test("each export format names its data files' extension and writes its own lines", () => {
    const item = { id: { S: "a" } };
    assert.equal(EXPORT_LINE_FORMATS.DYNAMODB_JSON.extension, "json");
    assert.equal(EXPORT_LINE_FORMATS.DYNAMODB_JSON.item(item), itemLine(item));
    assert.equal(EXPORT_LINE_FORMATS.ION.extension, "ion");
    assert.equal(EXPORT_LINE_FORMATS.ION.item(item), '$ion_1_0 {Item:{id:"a"}}');
  });
});

describe("CSV records", () => {
  test("plain fields, quoted fields with delimiters, doubled quotes and empty fields", () => {
    const csv = new CsvRecords(",");
    assert.deepEqual(csv.push('a,"b,c","say ""hi""",,e'), ["a", "b,c", 'say "hi"', "", "e"]);
    assert.deepEqual(csv.push('""'), [""]);
  });

  test("a quoted field may span lines", () => {
    const csv = new CsvRecords(",");
    assert.equal(csv.push('1,"first line'), undefined);
    assert.equal(csv.unfinished(), true);
    assert.equal(csv.push("second line"), undefined);
    assert.deepEqual(csv.push('third",x'), ["1", "first line\nsecond line\nthird", "x"]);
    assert.equal(csv.unfinished(), false);
  });

  test("other delimiters; a quote inside an unquoted field is kept; text after a closing quote is an error", () => {
    assert.deepEqual(new CsvRecords("\t").push('a\t"b\tc"\td'), ["a", "b\tc", "d"]);
    assert.deepEqual(new CsvRecords("|").push('5" pipe|x'), ['5" pipe', "x"]);
    assert.throws(() => new CsvRecords(",").push('"a"b,c'), ImportLineError);
  });

  test("blank records are recognised", () => {
    assert.equal(isBlankRecord(new CsvRecords(",").push("") ?? []), true);
    assert.equal(isBlankRecord(["", ""]), false);
  });

  test("key columns take their declared types, other columns are strings, empty cells are left out", () => {
    const item = csvItem(["id", "n", "bin", "note", "empty"], ["7", "42", "AQI=", "12", ""], { id: "N", bin: "B" });
    assert.deepEqual(item["id"], { N: "7" });
    assert.deepEqual(item["n"], { S: "42" });
    assert.deepEqual([...((item["bin"] as { B: Buffer }).B)], [1, 2]);
    assert.deepEqual(item["note"], { S: "12" });
    assert.equal("empty" in item, false);
    assert.throws(() => csvItem(["a", "b"], ["1"], {}), /number of columns \(1\) does not match the number of headers \(2\)/);
  });
});

describe("line splitting of streamed objects", () => {
  test("LF and CRLF ends, lines split across chunks, UTF-8 split across chunks, no final newline", async () => {
    const euro = Buffer.from("€");
    const chunks = [Buffer.from("one\r\ntw"), Buffer.from("o\nth"), Buffer.concat([Buffer.from("ree "), euro.subarray(0, 1)]), Buffer.concat([euro.subarray(1), Buffer.from("\nlast")])];
    const lines: string[] = [];
    for await (const line of linesOf(Readable.from(chunks))) lines.push(line);
    assert.deepEqual(lines, ["one", "two", "three €", "last"]);
  });

  test("a line longer than the cap stops the reading instead of filling memory", async () => {
    const read = async () => {
      for await (const _line of linesOf(Readable.from([Buffer.from("short\n"), Buffer.from("x".repeat(20)), Buffer.from("y".repeat(20))]), 32)) {
        // drained
      }
    };
    await assert.rejects(read, (err: Error) => err instanceof ImportLineError && /longer than 32 characters/.test(err.message));
  });
});

describe("names", () => {
  test("export and import ARNs carry the start time and an id; data files 26 base32 characters", () => {
    const arn = tableChildArn("arn:aws:dynamodb:us-east-1:000000000000:table/T", "export", 1768478400123, Buffer.from([0xa1, 0xb2, 0xc3, 0xd4]));
    assert.equal(arn, "arn:aws:dynamodb:us-east-1:000000000000:table/T/export/01768478400123-a1b2c3d4");
    assert.equal(transferId(arn), "01768478400123-a1b2c3d4");
    assert.match(dataFileId(), /^[a-z2-7]{26}$/);
  });
});
