/**
 * FIFO queue logic as pure functions over state the store owns: send-time id rules,
 * deduplication within the 5-minute interval, sequence numbers and the choice of which
 * messages a ReceiveMessage may return (strict order per message group, one consumer per
 * group at a time, groups interleaved).
 */
import { createHash } from "node:crypto";
import { sqsErrors } from "./errors.js";

/** "The token used for deduplication of messages within a 5-minute minimum deduplication interval." */
export const DEDUPLICATION_INTERVAL_MS = 5 * 60 * 1000;

export type DeduplicationScope = "queue" | "messageGroup";

export interface QueueSendSettings {
  fifo: boolean;
  contentBasedDeduplication: boolean;
  deduplicationScope: DeduplicationScope;
}

/** Reads the settings from a queue's attribute map (as attributes.ts stores them). */
export function sendSettingsFromAttributes(attributes: Readonly<Record<string, string>>): QueueSendSettings {
  return {
    fifo: attributes.FifoQueue === "true",
    contentBasedDeduplication: attributes.ContentBasedDeduplication === "true",
    deduplicationScope: attributes.DeduplicationScope === "messageGroup" ? "messageGroup" : "queue",
  };
}

// Alphanumerics and ASCII punctuation, 1 to 128 characters (SendMessage API reference).
const TOKEN_RE = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

function checkToken(value: string, name: "MessageGroupId" | "MessageDeduplicationId"): void {
  if (!TOKEN_RE.test(value)) {
    throw sqsErrors.InvalidParameterValueFor({
      value,
      name,
      reason: `${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
    });
  }
}

/** Content-based deduplication id: SHA-256 of the body (attributes excluded), hex. */
export function contentBasedDeduplicationId(body: string): string {
  return createHash("sha256").update(body, "utf8").digest("hex");
}

export interface SendIdsInput {
  body: string;
  messageGroupId?: string | undefined;
  messageDeduplicationId?: string | undefined;
}

export interface SendIds {
  messageGroupId?: string;
  /** Explicit, or derived from the body when ContentBasedDeduplication is on. */
  messageDeduplicationId?: string;
}

/**
 * SendMessageBatch on a FIFO queue: an entry without MessageGroupId, or without
 * MessageDeduplicationId when content-based deduplication is off, fails the whole request with
 * InvalidParameterValue, not just its entry (recorded against AWS, Aug 2023). The other entry
 * checks (resolveSendIds) still fail only their entry.
 */
export function requireBatchSendIds(settings: QueueSendSettings, entries: ReadonlyArray<{ MessageGroupId?: string | undefined; MessageDeduplicationId?: string | undefined }>): void {
  if (!settings.fifo) return;
  for (const entry of entries) {
    if (entry.MessageGroupId === undefined || entry.MessageGroupId === "") {
      throw sqsErrors.InvalidParameterValue({ message: "The request must contain the parameter MessageGroupId." });
    }
  }
  if (settings.contentBasedDeduplication) return;
  for (const entry of entries) {
    if (entry.MessageDeduplicationId === undefined) {
      throw sqsErrors.InvalidParameterValue({
        message: "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
      });
    }
  }
}

/**
 * Validates MessageGroupId / MessageDeduplicationId for a send and returns the ids to store.
 * FIFO: a group id is required (MissingParameter for SendMessage; inside SendMessageBatch AWS
 * reports the same sentence as InvalidParameterValue), and a dedup id unless content-based
 * deduplication is on. Standard: a dedup id is refused; a group id is accepted, since AWS
 * added fair queues (MessageGroupId on standard queues) in 2025.
 */
export function resolveSendIds(settings: QueueSendSettings, input: SendIdsInput, options: { batch?: boolean } = {}): SendIds {
  const { messageGroupId, messageDeduplicationId } = input;
  if (!settings.fifo) {
    if (messageDeduplicationId !== undefined) {
      throw sqsErrors.InvalidParameterValue({
        message: "The request include parameter MessageDeduplicationId which is not valid for this queue type",
      });
    }
    if (messageGroupId === undefined) return {};
    checkToken(messageGroupId, "MessageGroupId");
    return { messageGroupId };
  }
  if (messageGroupId === undefined || messageGroupId === "") {
    if (options.batch) throw sqsErrors.InvalidParameterValue({ message: "The request must contain the parameter MessageGroupId." });
    throw sqsErrors.MissingParameter({ name: "MessageGroupId" });
  }
  checkToken(messageGroupId, "MessageGroupId");
  if (messageDeduplicationId !== undefined) {
    checkToken(messageDeduplicationId, "MessageDeduplicationId");
    return { messageGroupId, messageDeduplicationId };
  }
  if (!settings.contentBasedDeduplication) {
    throw sqsErrors.InvalidParameterValue({
      message: "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
    });
  }
  return { messageGroupId, messageDeduplicationId: contentBasedDeduplicationId(input.body) };
}

// ---------------------------------------------------------------------------------------------
// Deduplication
// ---------------------------------------------------------------------------------------------

/** With scope "messageGroup" the same dedup id in two groups are two different messages. */
export function deduplicationKey(scope: DeduplicationScope, messageGroupId: string, messageDeduplicationId: string): string {
  return scope === "messageGroup" ? `${messageGroupId}\u0000${messageDeduplicationId}` : messageDeduplicationId;
}

// ---------------------------------------------------------------------------------------------
// Sequence numbers
// ---------------------------------------------------------------------------------------------

const SEQUENCE_BASE = 18_000_000_000_000_000_000n;
const SLOTS_PER_MS = 100_000n;

/**
 * The next SequenceNumber of a queue. AWS's are 20-digit decimals ("18849496460467696128"),
 * "large, non-consecutive" and increasing; these are derived from the clock (so they grow
 * across restarts) and never go backwards even if the clock does.
 */
export function nextSequenceNumber(previous: string | undefined, nowMs: number): string {
  const fromClock = SEQUENCE_BASE + BigInt(Math.max(0, Math.trunc(nowMs))) * SLOTS_PER_MS;
  const afterPrevious = previous === undefined ? 0n : BigInt(previous) + 1n;
  const next = fromClock > afterPrevious ? fromClock : afterPrevious;
  return next.toString().padStart(20, "0");
}

// ---------------------------------------------------------------------------------------------
// Receive
// ---------------------------------------------------------------------------------------------

/**
 * Which messages a ReceiveMessage returns. Within a group messages go strictly in sequence
 * order and delivery stops at the first that cannot go (delayed or in flight); a group whose
 * head is in flight is locked until it is deleted or becomes visible. Groups are served in the order of
 * their oldest message, and AWS fills a receive from one group before moving to the next
 * ("For each MessageGroupId, the messages are sorted by time sent").
 *
 * `groups` are the unlocked groups in that order; `messagesOf` gives up to `limit` messages of
 * one group in sequence order, so a store reads only the groups a receive reaches.
 */
export function fillFromGroups<M>(
  groups: Iterable<string>,
  messagesOf: (group: string, limit: number) => readonly M[],
  maxMessages: number,
  available: (message: M) => boolean,
): M[] {
  const selected: M[] = [];
  for (const group of groups) {
    if (selected.length >= maxMessages) break;
    for (const message of messagesOf(group, maxMessages - selected.length)) {
      if (!available(message)) break;
      selected.push(message);
    }
  }
  return selected;
}
