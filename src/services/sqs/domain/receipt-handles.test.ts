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
  });

  test("a handle from another queue is invalid for this one", () => {
    const handle = encodeReceiptHandle(data);
    assertInvalid(handle, () => decodeReceiptHandleForQueue(handle, "arn:aws:sqs:us-east-1:000000000000:other"));
  });
});
