import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  encodeMessageAttributes,
  logicalDataType,
  md5OfMessageAttributes,
  md5OfMessageBody,
  md5OfMessageSystemAttributes,
  type MessageAttributeValue,
} from "./md5.js";

const str = (value: string): MessageAttributeValue => ({ DataType: "String", StringValue: value });

/**
 * An independent implementation of the documented algorithm, written against byte arrays
 * rather than Buffers, so a mistake in md5.ts is not simply repeated here.
 */
function referenceDigest(attributes: Record<string, MessageAttributeValue>): string {
  const bytes: number[] = [];
  const pushLength = (n: number) => bytes.push((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const pushUtf8 = (s: string) => {
    const encoded = new TextEncoder().encode(s);
    pushLength(encoded.length);
    for (const b of encoded) bytes.push(b);
  };
  const names = Object.keys(attributes);
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const name of names) {
    const a = attributes[name]!;
    pushUtf8(name);
    pushUtf8(a.DataType);
    if (a.DataType.split(".")[0] === "Binary") {
      bytes.push(2);
      const v = a.BinaryValue ?? new Uint8Array();
      pushLength(v.length);
      for (const b of v) bytes.push(b);
    } else {
      bytes.push(1);
      pushUtf8(a.StringValue ?? "");
    }
  }
  return createHash("md5").update(Uint8Array.from(bytes)).digest("hex");
}

describe("md5OfMessageBody", () => {
  test("values recorded from real SQS responses", () => {
    // LocalStack's AWS-validated snapshots: body "msg" and "a".
    assert.equal(md5OfMessageBody("msg"), "6e2baaf3b97dbeef01c0043275f9a0e7");
    assert.equal(md5OfMessageBody("a"), "0cc175b9c0f1b6a831c399e269772661");
    assert.equal(md5OfMessageBody("Test Message"), "d1d4180b7e411c4be86b00fb2ee103eb");
  });

  test("hashes UTF-8 bytes, not UTF-16 code units", () => {
    const body = "h\u00e9llo \u{1F600}";
    assert.equal(md5OfMessageBody(body), createHash("md5").update(new TextEncoder().encode(body)).digest("hex"));
  });

  test("empty body hashes to the MD5 of nothing", () => {
    assert.equal(md5OfMessageBody(""), "d41d8cd98f00b204e9800998ecf8427e");
  });
});

describe("md5OfMessageAttributes", () => {
  test("digests recorded from real SQS (SendMessage/ReceiveMessage responses)", () => {
    const all = { General: str("Kenobi"), Hello: str("There"), "Help.Me": str("Me") };
    assert.equal(md5OfMessageAttributes(all), "4c360f3fdafd970e05fae2f149d997f5");
    assert.equal(md5OfMessageAttributes({ General: str("Kenobi"), Hello: str("There") }), "fca026605781cb4126a1e9044df24232");
    assert.equal(md5OfMessageAttributes({ Hello: str("There") }), "a311262e065454b75da111d535b8dacd");
    assert.equal(md5OfMessageAttributes({ Hello: str("There"), "Help.Me": str("Me") }), "83fee93c1bcd8b9a5a923ffacdc636c7");
    assert.equal(md5OfMessageAttributes({ Foo: str("Bar") }), "ae7155c6026991b6d54b11589678bf9c");
    const binary = Buffer.from("traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01", "latin1");
    assert.equal(
      md5OfMessageAttributes({ attr1: { DataType: "Binary", BinaryValue: binary } }),
      "8cbe4db156db8a94db8b801b7addb984",
    );
  });

  test("published examples (aws-md5-of-message-attributes README)", () => {
    const number = { DataType: "Number.float", StringValue: "4563442423554324324264524243.32543234" };
    const binary = { DataType: "Binary", BinaryValue: Buffer.from("Hello binary world!") };
    assert.equal(md5OfMessageAttributes({ attribName1: str("attribValue 1") }), "19e27d4e946b072f3f58da80d94fd778");
    assert.equal(md5OfMessageAttributes({ customNumberTypeAttrib: number }), "9fe1b90bbd9965bdf77bac517c7d2495");
    assert.equal(md5OfMessageAttributes({ binaryAttribute: binary }), "31a92b15d92f8db860eda32aceb656c3");
    assert.equal(
      md5OfMessageAttributes({ attribName1: str("attribValue 1"), customNumberTypeAttrib: number, binaryAttribute: binary }),
      "c932db14a896c663f83c260297d594ff",
    );
  });

  test("order of insertion does not matter: attributes are sorted by name", () => {
    const a = { zeta: str("1"), Alpha: str("2"), beta: str("3") };
    const b = { beta: str("3"), zeta: str("1"), Alpha: str("2") };
    assert.equal(md5OfMessageAttributes(a), md5OfMessageAttributes(b));
    // Upper case sorts before lower case (code unit order), as on AWS.
    const encoded = encodeMessageAttributes(a);
    assert.equal(encoded.subarray(4, 9).toString(), "Alpha");
  });

  test("encoding layout: lengths, type, transport byte, value", () => {
    const encoded = encodeMessageAttributes({ k: { DataType: "Number.int", StringValue: "42" } });
    assert.deepEqual(
      [...encoded],
      [0, 0, 0, 1, 0x6b, 0, 0, 0, 10, ...Buffer.from("Number.int"), 1, 0, 0, 0, 2, 0x34, 0x32],
    );
    const binary = encodeMessageAttributes({ b: { DataType: "Binary.png", BinaryValue: Uint8Array.from([0, 255]) } });
    assert.deepEqual([...binary.subarray(-7)], [2, 0, 0, 0, 2, 0, 255]);
  });

  test("no attributes: no digest (AWS omits MD5OfMessageAttributes)", () => {
    assert.equal(md5OfMessageAttributes({}), undefined);
    assert.equal(md5OfMessageAttributes(undefined), undefined);
  });

  test("agrees with an independent implementation on random attribute sets", () => {
    const types = ["String", "Number", "Binary", "String.json", "Number.int", "Binary.gif"];
    for (let round = 0; round < 200; round++) {
      const attributes: Record<string, MessageAttributeValue> = {};
      const count = 1 + (round % 10);
      for (let i = 0; i < count; i++) {
        const name = `${randomBytes(3).toString("hex")}${i % 2 === 0 ? "\u00e9" : "_x"}`;
        const type = types[(round + i) % types.length]!;
        attributes[name] =
          logicalDataType(type) === "Binary"
            ? { DataType: type, BinaryValue: randomBytes(round % 17) }
            : { DataType: type, StringValue: `v${round}-${i}-\u{1F680}` };
      }
      assert.equal(md5OfMessageAttributes(attributes), referenceDigest(attributes));
    }
  });
});

describe("md5OfMessageSystemAttributes", () => {
  test("AWSTraceHeader digest uses the attribute encoding", () => {
    assert.equal(
      md5OfMessageSystemAttributes({ AWSTraceHeader: str("some-trace-id") }),
      "fdce4f2818803f2f73becc09a54792c0",
    );
    assert.equal(md5OfMessageSystemAttributes({}), undefined);
  });
});
