import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import {
  decodeReceiptHandle,
  decodeReceiptHandleForQueue,
  encodeReceiptHandle,
  isValidReceiptHandle,
  randomReceiveId,
} from "./receipt-handles.js";

const QUEUE = "arn:aws:sqs:us-east-1:000000000000:orders";
const data = { queueArn: QUEUE, messageId: "5fea7756-0ea4-451a-a703-a558b933e274", receiveId: "r1", receivedAt: 1_700_000_000_123 };

function assertInvalid(handle: string, fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError);
    assert.equal(e.code, "ReceiptHandleIsInvalid");
    assert.equal(e.queryCode, "ReceiptHandleIsInvalid");
    assert.equal(e.status, 404);
    assert.equal(e.message, `The input receipt handle "${handle}" is not a valid receipt handle.`);
    return true;
  });
}

describe("receipt handles", () => {
  test("round trip", () => {
    const handle = encodeReceiptHandle(data);
    assert.ok(handle.startsWith("AQEB"));
    assert.deepEqual(decodeReceiptHandle(handle), data);
    assert.deepEqual(decodeReceiptHandleForQueue(handle, QUEUE), data);
    assert.equal(isValidReceiptHandle(handle), true);
  });

  test("unicode and .fifo names survive", () => {
    const fifo = { ...data, queueArn: `${QUEUE}.fifo`, receiveId: "\u00e9\u{1F600}" };
    assert.deepEqual(decodeReceiptHandle(encodeReceiptHandle(fifo)), fifo);
  });

  test("every receive gets its own handle", () => {
    const a = encodeReceiptHandle({ ...data, receiveId: randomReceiveId() });
    const b = encodeReceiptHandle({ ...data, receiveId: randomReceiveId() });
    assert.notEqual(a, b);
    assert.notEqual(encodeReceiptHandle(data), encodeReceiptHandle({ ...data, receivedAt: data.receivedAt + 1 }));
  });

  test("garbage is refused with AWS's message quoting the handle", () => {
    for (const garbage of ["x", "", "fake-receipt-handle-1", "AQEB", "AQEB!!!", "AQEBAAAA", "handle"]) {
      assertInvalid(garbage, () => decodeReceiptHandle(garbage));
      assert.equal(isValidReceiptHandle(garbage), false);
    }
  });

  test("tampered or truncated handles are refused", () => {
    const handle = encodeReceiptHandle(data);
    const bytes = Buffer.from(handle.slice(4), "base64");
    bytes[5] = (bytes[5] ?? 0) ^ 1;
    const tampered = `AQEB${bytes.toString("base64")}`;
    assertInvalid(tampered, () => decodeReceiptHandle(tampered));
    const truncated = handle.slice(0, -8);
    assertInvalid(truncated, () => decodeReceiptHandle(truncated));
    // Characters outside base64 are refused, not skipped by the decoder.
    const padded = `${handle.slice(0, 20)}!${handle.slice(20)}`;
    assertInvalid(padded, () => decodeReceiptHandle(padded));
  });

  test("handles of the first version (HMAC-checked) still decode, so a consumer keeps them across an upgrade", () => {
    // Issued by the version-1 encoder for `data` and for a FIFO delivery.
    const v1 = "AQEBAQApYXJuOmF3czpzcXM6dXMtZWFzdC0xOjAwMDAwMDAwMDAwMDpvcmRlcnMAJDVmZWE3NzU2LTBlYTQtNDUxYS1hNzAzLWE1NThiOTMzZTI3NAACcjEAAAGLz+Voexr9pIqvaN9h";
    assert.deepEqual(decodeReceiptHandle(v1), data);
    const v1Fifo = "AQEBAQAuYXJuOmF3czpzcXM6dXMtZWFzdC0xOjAwMDAwMDAwMDAwMDpvcmRlcnMuZmlmbwAkMDE5MGI2YTItN2MxZS03ZDNhLTlmMTAtNWIyYzZmMWU4YTRkABg5Zjg2ZDA4MTg4NGM3ZDY1OWEyZmVhYTAAAAGQd/0wAF1mfVV24XTc";
    assert.deepEqual(decodeReceiptHandleForQueue(v1Fifo, `${QUEUE}.fifo`), {
      queueArn: `${QUEUE}.fifo`,
      messageId: "0190b6a2-7c1e-7d3a-9f10-5b2c6f1e8a4d",
      receiveId: "9f86d081884c7d659a2feaa0",
      receivedAt: 1_720_000_000_000,
    });
    const bytes = Buffer.from(v1.slice(4), "base64");
    bytes[9] = (bytes[9] ?? 0) ^ 1;
    const tampered = `AQEB${bytes.toString("base64")}`;
    assertInvalid(tampered, () => decodeReceiptHandle(tampered));
    // The version-2 check over a version-1 handle (and the other way round) holds for neither.
    const relabelled = Buffer.from(v1.slice(4), "base64");
    relabelled[0] = 2;
    assert.equal(isValidReceiptHandle(`AQEB${relabelled.toString("base64")}`), false);
  });

  test("a time past 32 bits and a time of zero survive", () => {
    for (const receivedAt of [0, 2 ** 32 - 1, 2 ** 32, 4_102_444_800_000]) {
      assert.deepEqual(decodeReceiptHandle(encodeReceiptHandle({ ...data, receivedAt })), { ...data, receivedAt });
    }
  });

  test("a handle from another queue is invalid for this one", () => {
    const handle = encodeReceiptHandle(data);
    assertInvalid(handle, () => decodeReceiptHandleForQueue(handle, "arn:aws:sqs:us-east-1:000000000000:other"));
  });
});
