import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { describe, test } from "node:test";
import { linesOf } from "./imports.js";
import { tableChildArn } from "./table.js";
import { CsvRecords, csvItem, dataFileId, ImportLineError, incrementalLine, isBlankRecord, itemLine, parseItemLine, transferId } from "./transfer-formats.js";

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
