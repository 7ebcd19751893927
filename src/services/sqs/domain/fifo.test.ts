import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { AwsError } from "../../../core/errors.js";
import {
  contentBasedDeduplicationId,
  deduplicationKey,
  nextSequenceNumber,
  requireBatchSendIds,
  resolveSendIds,
  fillFromGroups,
  sendSettingsFromAttributes,
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
  test("a FIFO batch needs every entry's ids, checked before any entry is sent", () => {
    const withIds = { MessageGroupId: "g", MessageDeduplicationId: "d" };
    requireBatchSendIds(FIFO, [withIds]);
    requireBatchSendIds(FIFO_CBD, [{ MessageGroupId: "g" }]);
    requireBatchSendIds(STANDARD, [{}]);
    assertAwsError(() => requireBatchSendIds(FIFO, [withIds, { MessageDeduplicationId: "d" }]), "InvalidParameterValueException", "The request must contain the parameter MessageGroupId.", "InvalidParameterValue");
    assertAwsError(
      () => requireBatchSendIds(FIFO, [withIds, { MessageGroupId: "g" }]),
      "InvalidParameterValueException",
      "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
      "InvalidParameterValue",
    );
  });

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
  test("scope queue: same id in two groups is a duplicate; scope messageGroup: it is not", () => {
    assert.equal(deduplicationKey("queue", "g1", "d"), deduplicationKey("queue", "g2", "d"));
    assert.notEqual(deduplicationKey("messageGroup", "g1", "d"), deduplicationKey("messageGroup", "g2", "d"));
    // No collision between group/id pairs that concatenate alike.
    assert.notEqual(deduplicationKey("messageGroup", "ab", "c"), deduplicationKey("messageGroup", "a", "bc"));
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
    const values = [a, b, c, d].map(BigInt);
    assert.ok(values[0]! < values[1]! && values[1]! < values[2]! && values[2]! < values[3]!);
  });
});

describe("fillFromGroups", () => {
  interface Msg {
    id: string;
    availableAt: number;
  }
  const NOW = 1_000;
  const available = (m: Msg) => m.availableAt <= NOW;
  /** Groups in the order of their oldest message, each with its messages in sequence order. */
  const queue = (groups: Record<string, Array<string | [string, number]>>) => {
    const byGroup = new Map(Object.entries(groups).map(([g, list]) => [g, list.map((m): Msg => (typeof m === "string" ? { id: m, availableAt: 0 } : { id: m[0], availableAt: m[1] }))]));
    const reads: Array<[string, number]> = [];
    const messagesOf = (group: string, limit: number) => {
      reads.push([group, limit]);
      return (byGroup.get(group) ?? []).slice(0, limit);
    };
    return { groups: [...byGroup.keys()], messagesOf, reads };
  };
  const ids = (list: Msg[]) => list.map((m) => m.id);

  test("strict order within a group, filling from one group first", () => {
    const q = queue({ A: ["a1", "a2", "a3"], B: ["b1", "b2"] });
    assert.deepEqual(ids(fillFromGroups(q.groups, q.messagesOf, 10, available)), ["a1", "a2", "a3", "b1", "b2"]);
    assert.deepEqual(ids(fillFromGroups(q.groups, q.messagesOf, 2, available)), ["a1", "a2"]);
    assert.deepEqual(ids(fillFromGroups(q.groups, q.messagesOf, 4, available)), ["a1", "a2", "a3", "b1"]);
  });

  test("reads only the groups a receive reaches, and only as many messages as it still takes", () => {
    const q = queue({ A: ["a1", "a2", "a3"], B: ["b1", "b2"], C: ["c1"] });
    fillFromGroups(q.groups, q.messagesOf, 4, available);
    assert.deepEqual(q.reads, [["A", 4], ["B", 1]]);
  });

  test("a delayed message holds back the rest of its group", () => {
    const q = queue({ A: ["a1", ["a2", NOW + 1], "a3"], B: [["b1", NOW + 1]], C: ["c1"] });
    assert.deepEqual(ids(fillFromGroups(q.groups, q.messagesOf, 10, available)), ["a1", "c1"]);
    assert.deepEqual(ids(fillFromGroups(q.groups, q.messagesOf, 10, (m) => m.availableAt <= NOW + 1)), ["a1", "a2", "a3", "b1", "c1"]);
  });

  test("empty queue", () => {
    assert.deepEqual(fillFromGroups([], () => [], 10, available), []);
  });
});
