import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { BencodeError, decodeBencode, encodeBencode } from "./bencode.js";

const text = (value: Parameters<typeof encodeBencode>[0]): string => encodeBencode(value).toString("latin1");

describe("bencode", () => {
  test("encodes BEP 3's examples", () => {
    assert.equal(text("spam"), "4:spam");
    assert.equal(text(""), "0:");
    assert.equal(text(3), "i3e");
    assert.equal(text(-3), "i-3e");
    assert.equal(text(0), "i0e");
    assert.equal(text(5n * 1024n ** 4n), "i5497558138880e");
    assert.equal(text(["spam", "eggs"]), "l4:spam4:eggse");
    assert.equal(text({ cow: "moo", spam: "eggs" }), "d3:cow3:moo4:spam4:eggse");
    assert.equal(text({ spam: ["a", "b"] }), "d4:spaml1:a1:bee");
    assert.equal(text([]), "le");
    assert.equal(text({}), "de");
  });

  test("byte strings count bytes, not characters, and binary passes through", () => {
    assert.equal(text("é"), "2:\xc3\xa9");
    assert.deepEqual(encodeBencode(new Uint8Array([0, 255, 58])), Buffer.from([0x33, 0x3a, 0, 255, 58]));
  });

  test("dictionary keys are sorted as raw UTF-8 bytes, not as JavaScript strings", () => {
    assert.equal(text({ b: 1, a: 2, Z: 3 }), "d1:Zi3e1:ai2e1:bi1ee");
    // U+1F600 sorts before U+FF61 in UTF-16 (D83D < FF61) but after it in UTF-8 (F0 > EF).
    const encoded = encodeBencode({ "\u{1F600}": 1, "\uFF61": 2 });
    assert.deepEqual(encoded, Buffer.concat([Buffer.from("d3:"), Buffer.from("\uFF61"), Buffer.from("i2e4:"), Buffer.from("\u{1F600}"), Buffer.from("i1ee")]));
  });

  test("refuses numbers that are not integers", () => {
    assert.throws(() => encodeBencode(1.5), RangeError);
    assert.throws(() => encodeBencode(Number.MAX_SAFE_INTEGER + 1), RangeError);
  });

  test("decodes what it encodes, byte strings as bytes", () => {
    const value = { announce: "http://t/a", info: { length: 600, pieces: new Uint8Array([1, 2, 3]) }, list: [1, "x", []] };
    assert.deepEqual(decodeBencode(encodeBencode(value)), {
      announce: Buffer.from("http://t/a"),
      info: { length: 600, pieces: Buffer.from([1, 2, 3]) },
      list: [1, Buffer.from("x"), []],
    });
    assert.deepEqual(decodeBencode(Buffer.from("d3:cow3:moo4:spam4:eggse")), { cow: Buffer.from("moo"), spam: Buffer.from("eggs") });
    assert.equal(decodeBencode(Buffer.from("i-42e")), -42);
  });

  test("decoding refuses what BEP 3 calls invalid, and anything malformed", () => {
    for (const bad of ["i-0e", "i03e", "ie", "i1", "3:ab", "-1:a", "01:a", "l", "li1e", "d1:b1:x1:a1:ye", "d1:a1:x1:a1:ye", "d1:a", "i1ei2e", "x", ""]) {
      assert.throws(() => decodeBencode(Buffer.from(bad, "latin1")), BencodeError, bad);
    }
  });
});
