import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { AwsError } from "../../../core/errors.js";
import {
  DEDUPLICATION_INTERVAL_MS,
  compareSequenceNumbers,
  contentBasedDeduplicationId,
  deduplicationKey,
  findDuplicate,
  nextSequenceNumber,
  pruneDeduplication,
  recordDeduplication,
  resolveSendIds,
  selectFifoReceive,
  sendSettingsFromAttributes,
  type DeduplicationState,
  type FifoMessageState,
  type QueueSendSettings,
} from "./fifo.js";

function assertAwsError(fn: () => unknown, code: string, message: string, queryCode?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    if (queryCode !== undefined) assert.equal(e.queryCode, queryCode);
    return true;
  });
}

const FIFO: QueueSendSettings = { fifo: true, contentBasedDeduplication: false, deduplicationScope: "queue" };
const FIFO_CBD: QueueSendSettings = { ...FIFO, contentBasedDeduplication: true };
const STANDARD: QueueSendSettings = { fifo: false, contentBasedDeduplication: false, deduplicationScope: "queue" };

describe("send ids", () => {
  test("settings from queue attributes", () => {
    assert.deepEqual(
      sendSettingsFromAttributes({ FifoQueue: "true", ContentBasedDeduplication: "true", DeduplicationScope: "messageGroup" }),
      { fifo: true, contentBasedDeduplication: true, deduplicationScope: "messageGroup" },
    );
    assert.deepEqual(sendSettingsFromAttributes({}), STANDARD);
  });

  test("FIFO requires MessageGroupId", () => {
    assertAwsError(
      () => resolveSendIds(FIFO, { body: "b", messageDeduplicationId: "d" }),
      "MissingRequiredParameterException",
      "The request must contain the parameter MessageGroupId.",
      "MissingParameter",
    );
    assertAwsError(
      () => resolveSendIds(FIFO, { body: "b", messageDeduplicationId: "d" }, { batch: true }),
      "InvalidParameterValueException",
      "The request must contain the parameter MessageGroupId.",
      "InvalidParameterValue",
    );
  });

  test("FIFO requires a dedup id unless content-based deduplication is on", () => {
    assertAwsError(
      () => resolveSendIds(FIFO, { body: "b", messageGroupId: "g" }),
      "InvalidParameterValueException",
      "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
      "InvalidParameterValue",
    );
    assert.deepEqual(resolveSendIds(FIFO, { body: "b", messageGroupId: "g", messageDeduplicationId: "d" }), {
      messageGroupId: "g",
      messageDeduplicationId: "d",
    });
  });

  test("content-based deduplication uses SHA-256 of the body; an explicit id wins", () => {
    const expected = createHash("sha256").update("message-body-1").digest("hex");
    assert.equal(contentBasedDeduplicationId("message-body-1"), expected);
    assert.deepEqual(resolveSendIds(FIFO_CBD, { body: "message-body-1", messageGroupId: "g" }), {
      messageGroupId: "g",
      messageDeduplicationId: expected,
    });
    assert.equal(resolveSendIds(FIFO_CBD, { body: "x", messageGroupId: "g", messageDeduplicationId: "mine" }).messageDeduplicationId, "mine");
  });

  test("id characters and length", () => {
    resolveSendIds(FIFO, { body: "b", messageGroupId: "a!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~Z9", messageDeduplicationId: "x".repeat(128) });
    for (const bad of [" ", "CTC#QA-P3-ERR5 INTERIOR", "g".repeat(129), "\u00e9"]) {
      assertAwsError(
        () => resolveSendIds(FIFO, { body: "b", messageGroupId: bad, messageDeduplicationId: "d" }),
        "InvalidParameterValueException",
        `Value ${bad} for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      );
      assertAwsError(
        () => resolveSendIds(FIFO, { body: "b", messageGroupId: "g", messageDeduplicationId: bad }),
        "InvalidParameterValueException",
        `Value ${bad} for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      );
    }
  });

  test("standard queues: dedup id refused, group id accepted (fair queues)", () => {
    assertAwsError(
      () => resolveSendIds(STANDARD, { body: "b", messageDeduplicationId: "1000" }),
      "InvalidParameterValueException",
      "The request include parameter MessageDeduplicationId which is not valid for this queue type",
    );
    assert.deepEqual(resolveSendIds(STANDARD, { body: "b", messageGroupId: "tenant-1" }), { messageGroupId: "tenant-1" });
    assert.deepEqual(resolveSendIds(STANDARD, { body: "b" }), {});
  });
});

describe("deduplication", () => {
  test("a duplicate within 5 minutes reports the original message", () => {
    const state: DeduplicationState = new Map();
    const t0 = 1_000_000;
    const key = deduplicationKey("queue", "g", "d1");
    assert.equal(findDuplicate(state, key, t0), undefined);
    recordDeduplication(state, key, { messageId: "m1", sequenceNumber: "18000000000000000001" }, t0);
    assert.deepEqual(findDuplicate(state, key, t0 + DEDUPLICATION_INTERVAL_MS - 1), {
      messageId: "m1",
      sequenceNumber: "18000000000000000001",
      expiresAt: t0 + DEDUPLICATION_INTERVAL_MS,
    });
    assert.equal(findDuplicate(state, key, t0 + DEDUPLICATION_INTERVAL_MS), undefined);
  });

  test("scope queue: same id in two groups is a duplicate; scope messageGroup: it is not", () => {
    assert.equal(deduplicationKey("queue", "g1", "d"), deduplicationKey("queue", "g2", "d"));
    assert.notEqual(deduplicationKey("messageGroup", "g1", "d"), deduplicationKey("messageGroup", "g2", "d"));
    // No collision between group/id pairs that concatenate alike.
    assert.notEqual(deduplicationKey("messageGroup", "ab", "c"), deduplicationKey("messageGroup", "a", "bc"));
  });

  test("pruning drops expired entries only", () => {
    const state: DeduplicationState = new Map();
    recordDeduplication(state, "a", { messageId: "1", sequenceNumber: "1" }, 0);
    recordDeduplication(state, "b", { messageId: "2", sequenceNumber: "2" }, 60_000);
    assert.equal(pruneDeduplication(state, DEDUPLICATION_INTERVAL_MS), 1);
    assert.deepEqual([...state.keys()], ["b"]);
  });
});

describe("sequence numbers", () => {
  test("20 decimal digits, increasing, even within one millisecond and when the clock steps back", () => {
    const t = 1_700_000_000_000;
    const a = nextSequenceNumber(undefined, t);
    const b = nextSequenceNumber(a, t);
    const c = nextSequenceNumber(b, t - 10_000);
    const d = nextSequenceNumber(c, t + 1);
    for (const s of [a, b, c, d]) assert.match(s, /^\d{20}$/);
    assert.equal(compareSequenceNumbers(a, b), -1);
    assert.equal(compareSequenceNumbers(b, c), -1);
    assert.equal(compareSequenceNumbers(c, d), -1);
    assert.equal(compareSequenceNumbers(d, d), 0);
  });
});

describe("selectFifoReceive", () => {
  let seq = 0;
  const msg = (id: string, group: string, extra: Partial<FifoMessageState> = {}): FifoMessageState => ({
    messageId: id,
    messageGroupId: group,
    sequenceNumber: String(18_000_000_000_000_000_000n + BigInt(++seq)),
    availableAt: 0,
    ...extra,
  });
  const ids = (list: FifoMessageState[]) => list.map((m) => m.messageId);
  const NOW = 1_000;

  test("strict order within a group, filling from one group first", () => {
    const messages = [msg("a1", "A"), msg("b1", "B"), msg("a2", "A"), msg("b2", "B"), msg("a3", "A")];
    assert.deepEqual(ids(selectFifoReceive(messages, 10, NOW)), ["a1", "a2", "a3", "b1", "b2"]);
    assert.deepEqual(ids(selectFifoReceive(messages, 2, NOW)), ["a1", "a2"]);
    assert.deepEqual(ids(selectFifoReceive(messages, 4, NOW)), ["a1", "a2", "a3", "b1"]);
  });

  test("input order does not matter, sequence numbers do", () => {
    const messages = [msg("a1", "A"), msg("a2", "A"), msg("a3", "A")];
    assert.deepEqual(ids(selectFifoReceive([...messages].reverse(), 10, NOW)), ["a1", "a2", "a3"]);
  });

  test("a group with a message in flight is locked; other groups still flow", () => {
    const messages = [msg("a1", "A", { invisibleUntil: NOW + 30_000 }), msg("a2", "A"), msg("b1", "B")];
    assert.deepEqual(ids(selectFifoReceive(messages, 10, NOW)), ["b1"]);
    // Even when an earlier message of the group is visible again while a later one is in flight.
    const mixed = [msg("c1", "C", { invisibleUntil: NOW - 1 }), msg("c2", "C", { invisibleUntil: NOW + 5 })];
    assert.deepEqual(ids(selectFifoReceive(mixed, 10, NOW)), []);
  });

  test("an expired visibility timeout frees the group, head first", () => {
    const messages = [msg("a1", "A", { invisibleUntil: NOW }), msg("a2", "A")];
    assert.deepEqual(ids(selectFifoReceive(messages, 10, NOW)), ["a1", "a2"]);
  });

  test("a delayed message holds back the rest of its group", () => {
    const messages = [msg("a1", "A"), msg("a2", "A", { availableAt: NOW + 1 }), msg("a3", "A"), msg("b1", "B", { availableAt: NOW + 1 }), msg("c1", "C")];
    assert.deepEqual(ids(selectFifoReceive(messages, 10, NOW)), ["a1", "c1"]);
    assert.deepEqual(ids(selectFifoReceive(messages, 10, NOW + 1)), ["a1", "a2", "a3", "b1", "c1"]);
  });

  test("empty queue", () => {
    assert.deepEqual(selectFifoReceive([], 10, NOW), []);
  });
});
