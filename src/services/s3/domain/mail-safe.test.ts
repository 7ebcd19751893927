import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mailSafe } from "./mail-safe.js";

/** Reads encoded-words back: the decoder a client would use (RFC 2047, UTF-8 only). */
function decode(header: string): string {
  const bytes = header.split(" ").map((word) => {
    const [, kind, text] = /^=\?UTF-8\?([BQ])\?(.*)\?=$/.exec(word) ?? assert.fail(`not an encoded-word: ${word}`);
    if (kind === "B") return Buffer.from(text as string, "base64");
    return Buffer.from((text as string).replace(/_/g, " ").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1");
  });
  return Buffer.concat(bytes).toString("utf8");
}

/** A header's bytes as Node reads them, one character per byte. */
const wire = (text: string): string => Buffer.from(text, "utf8").toString("latin1");

describe("mailSafe", () => {
  test("S3's recorded answers", () => {
    // minio/minio#21282: the raw UTF-8 of "ö" and "Miniö", as S3 answered them.
    assert.equal(mailSafe(wire("ö")), "=?UTF-8?B?w4PCtg==?=");
    assert.equal(mailSafe(wire("Miniö")), "=?UTF-8?Q?Mini=C3=83=C2=B6?=");
    // ceph/s3-tests test_object_set_get_non_utf8_metadata.
    assert.equal(mailSafe("\x04mymeta"), "=?UTF-8?Q?=04mymeta?=");
  });

  test("ASCII is presented as is, tab included", () => {
    for (const value of ["", "plain", "a b", "=?UTF-8?B?w7Y=?=", "tab\there", "~!@#$%^&*()"]) assert.equal(mailSafe(value), value);
  });

  test("Q while ASCII outnumbers the rest, B from a tie on", () => {
    assert.equal(mailSafe("José"), "=?UTF-8?Q?Jos=C3=A9?=");
    assert.equal(mailSafe("é a=b_c?"), "=?UTF-8?Q?=C3=A9_a=3Db=5Fc=3F?=");
    assert.equal(mailSafe("h\x04"), "=?UTF-8?B?aAQ=?=");
    assert.equal(mailSafe("\x7f"), "=?UTF-8?B?fw==?=");
  });

  test("CR and LF, which no header can carry, are encoded as the other controls are", () => {
    assert.equal(mailSafe("line one\r\nline two"), "=?UTF-8?Q?line_one=0D=0Aline_two?=");
    assert.equal(mailSafe("\n"), "=?UTF-8?B?Cg==?=");
  });

  test("long values are split into words of at most 75 characters that decode to the value", () => {
    for (const value of [wire("é".repeat(1023)), "x".repeat(300) + "é", "日本語のテキスト".repeat(20), "😀".repeat(40)]) {
      const header = mailSafe(value);
      const words = header.split(" ");
      assert.ok(words.length > 1);
      for (const word of words) assert.ok(word.length <= 75, word);
      assert.equal(decode(header), value);
    }
  });
});
