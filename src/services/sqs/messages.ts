/**
 * The message life cycle shared by the single and batch operations (and by SNS, which sends
 * through in-process SendMessage): send, receive with visibility timeouts and redrive to a
 * dead-letter queue, delete, change visibility. Every time comes from the request's clock.
 */
// Message ids are UUIDs like AWS's, but time-ordered (version 7): the message table's primary
// key ends with the id, so a queue's consecutive messages share pages, and a batch's sends,
// receives and deletes each rewrite a page or two instead of one page per message.
import type { ReceiveMessageOutput } from "../../generated/sqs.js";
import { callerUserId } from "../../auth/access.js";
import type { AwsError } from "../../core/errors.js";
import { timeOrderedUuid } from "../../core/random.js";
import { parseRedrivePolicy } from "./domain/attributes.js";
import { deduplicationKey, nextSequenceNumber, fillFromGroups, resolveSendIds, sendSettingsFromAttributes, DEDUPLICATION_INTERVAL_MS } from "./domain/fifo.js";
import { md5OfMessageAttributes, md5OfMessageBody, md5OfMessageSystemAttributes, type MessageAttributeValue } from "./domain/md5.js";
import {
  selectMessageAttributes,
  validateMessageAttributes,
  validateMessageBody,
  validateMessageDelaySeconds,
  validateMessageSize,
  validateMessageSystemAttributes,
  validateVisibilityChange,
  type IncomingMessageAttribute,
} from "./domain/message-validation.js";
import { decodeReceiptHandleForQueue, encodeReceiptHandle, randomReceiveId } from "./domain/receipt-handles.js";
import { errors, sqsErrors } from "./errors.js";
import { arnOf, refFromArn, retentionMs, type SqsContext } from "./queues.js";
import { queueKey, type DeliveryState, type NewMessage, type Queue, type QueueRef, type StoredMessage } from "./store.js";

export interface SendEntry {
  MessageBody?: string | undefined;
  DelaySeconds?: number | undefined;
  MessageAttributes?: Readonly<Record<string, IncomingMessageAttribute>> | undefined;
  MessageSystemAttributes?: Readonly<Record<string, IncomingMessageAttribute>> | undefined;
  MessageDeduplicationId?: string | undefined;
  MessageGroupId?: string | undefined;
}

export interface SendResult {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  SequenceNumber?: string;
}

export interface SendOptions {
  /** An entry of SendMessageBatch: AWS words a missing MessageGroupId differently there. */
  batch?: boolean;
  /**
   * Collects the message to store instead of storing it: the caller stores what it collected,
   * in order, before its batch commits (SendMessageBatch, one INSERT for all its entries).
   */
  into?: NewMessage[];
  /**
   * The request's X-Amzn-Trace-Id header: SQS keeps it as the message's AWSTraceHeader when the
   * request names no AWSTraceHeader system attribute of its own (LocalStack's AWS-validated
   * test_aws_trace_header_propagation). Not counted in MD5OfMessageSystemAttributes.
   */
  traceHeader?: string | undefined;
}

/** Validates and stores one message; wakes the queue's long polls once it is committed. */
export function sendMessage(ctx: SqsContext, queue: Queue, entry: SendEntry, options: SendOptions = {}): SendResult {
  validateMessageBody(entry.MessageBody);
  const body = entry.MessageBody ?? "";
  validateMessageDelaySeconds(entry.DelaySeconds, queue.fifo);
  const attributes = validateMessageAttributes(entry.MessageAttributes);
  const systemAttributes = validateMessageSystemAttributes(entry.MessageSystemAttributes);
  validateMessageSize(body, attributes, Number(queue.attributes.MaximumMessageSize));
  const settings = sendSettingsFromAttributes(queue.attributes);
  const ids = resolveSendIds(settings, { body, messageGroupId: entry.MessageGroupId, messageDeduplicationId: entry.MessageDeduplicationId }, options);
  const now = ctx.clock.now();
  const result: SendResult = { MessageId: "", MD5OfMessageBody: md5OfMessageBody(body) };
  const md5Attributes = md5OfMessageAttributes(attributes);
  if (md5Attributes !== undefined) result.MD5OfMessageAttributes = md5Attributes;
  const md5System = md5OfMessageSystemAttributes(systemAttributes);
  if (options.traceHeader !== undefined && systemAttributes.AWSTraceHeader === undefined) {
    systemAttributes.AWSTraceHeader = { DataType: "String", StringValue: options.traceHeader };
  }
  if (md5System !== undefined) result.MD5OfMessageSystemAttributes = md5System;
  // A FIFO queue accepts DelaySeconds=0 on a message but still applies its own delay (LocalStack's
  // AWS-validated test_fifo_queue_send_message_with_zero_delay_defaults_to_queue_delay).
  const queueDelaySeconds = Number(queue.attributes.DelaySeconds ?? "0");
  const delaySeconds = queue.fifo ? queueDelaySeconds : (entry.DelaySeconds ?? queueDelaySeconds);
  const delivered = ctx.store.transaction(() => {
    const current = ctx.store.getQueue(queue);
    if (current === undefined) throw errors.QueueDoesNotExist();
    let sequenceNumber: string | undefined;
    if (current.fifo && ids.messageGroupId !== undefined && ids.messageDeduplicationId !== undefined) {
      const dedupKey = deduplicationKey(settings.deduplicationScope, ids.messageGroupId, ids.messageDeduplicationId);
      sequenceNumber = nextSequenceNumber(current.lastSequence, now);
      result.MessageId = timeOrderedUuid(now);
      const duplicate = ctx.store.claimDedup(current, dedupKey, { messageId: result.MessageId, sequenceNumber, expiresAt: now + DEDUPLICATION_INTERVAL_MS }, now);
      if (duplicate !== undefined) {
        // A duplicate is accepted but not enqueued; AWS answers with the original ids.
        result.MessageId = duplicate.messageId;
        result.SequenceNumber = duplicate.sequenceNumber;
        return false;
      }
      ctx.store.setLastSequence(current, sequenceNumber);
      result.SequenceNumber = sequenceNumber;
    } else {
      result.MessageId = timeOrderedUuid(now);
    }
    const message: NewMessage = {
      messageId: result.MessageId,
      body,
      attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
      systemAttributes: Object.keys(systemAttributes).length > 0 ? systemAttributes : undefined,
      md5Body: result.MD5OfMessageBody,
      // "For an IAM user, returns the IAM user ID ... For an IAM role, returns the IAM role ID"
      // (ReceiveMessage, MessageSystemAttributeNames): the caller's UserId.
      senderId: callerUserId(ctx),
      sentAt: now,
      visibleAt: now + delaySeconds * 1000,
      groupId: ids.messageGroupId,
      dedupId: ids.messageDeduplicationId,
      sequenceNumber,
      dlqSourceArn: undefined,
    };
    if (options.into) options.into.push(message);
    else ctx.store.insertMessage(current, message);
    return true;
  });
  if (delivered) ctx.store.notify(queueKey(queue));
  return result;
}

// ---------------------------------------------------------------------------------------------
// Receive
// ---------------------------------------------------------------------------------------------

export interface ReceiveOptions {
  max: number;
  /** Seconds; the queue's VisibilityTimeout when absent. */
  visibilityTimeout: number | undefined;
  systemAttributeNames: readonly string[];
  messageAttributeNames: readonly string[] | undefined;
  /** FIFO only; ignored on standard queues. */
  receiveRequestAttemptId?: string | undefined;
  /** WaitTimeSeconds above 0 (the request's or the queue's): at the in-flight quota it answers nothing instead of OverLimit. */
  longPoll?: boolean;
}

/**
 * The in-flight quota of a queue: messages received and not deleted, not visible again yet.
 * Standard queues: "a maximum of approximately 120,000 in flight messages ... If you reach this
 * quota while using short polling, Amazon SQS returns the OverLimit error message. If you use
 * long polling, Amazon SQS returns no error messages" (SQS Developer Guide, Amazon SQS
 * standard queue quotas, quotas-queues.html). FIFO queues: "a maximum of 120,000 in-flight
 * messages ... If this limit is reached, Amazon SQS does not return an error" (Amazon SQS FIFO
 * queue quotas, quotas-fifo.html; it was 20,000 before). AWS raises it on request; Nimbus does not.
 */
export const IN_FLIGHT_QUOTA = 120_000;

/** "The length of time during which the ReceiveRequestAttemptId is valid": 5 minutes. */
const RECEIVE_ATTEMPT_INTERVAL_MS = 5 * 60_000;

export type ReceivedMessage = NonNullable<ReceiveMessageOutput["Messages"]>[number];

function needsRedrive(queue: Queue, message: StoredMessage): boolean {
  const policy = parseRedrivePolicy(queue.attributes.RedrivePolicy);
  return policy !== undefined && message.receiveCount >= policy.maxReceiveCount;
}

/**
 * Moves a message that has been received maxReceiveCount times to the dead-letter queue. It
 * keeps its id, body, attributes and receive count. "For FIFO queues, the enqueue timestamp
 * resets when the message is moved to a dead-letter queue" (Developer Guide, dead-letter queue
 * retention): there it is enqueued anew, its first receive still to come. A standard one keeps
 * both its SentTimestamp ("the enqueue timestamp is unchanged") and its
 * ApproximateFirstReceiveTimestamp, as recorded against AWS (elasticmq issue #386, 2020).
 * Returns the dead-letter queue, or undefined when it no longer exists (then the message stays).
 */
function moveToDeadLetterQueue(ctx: SqsContext, queue: Queue, message: StoredMessage, now: number): QueueRef | undefined {
  const policy = parseRedrivePolicy(queue.attributes.RedrivePolicy);
  const target = policy === undefined ? undefined : refFromArn(policy.deadLetterTargetArn);
  const dlq = target === undefined ? undefined : ctx.store.getQueue(target);
  if (dlq === undefined) return undefined;
  ctx.store.deleteMessage(queue, message.messageId);
  let sequenceNumber: string | undefined;
  if (dlq.fifo) {
    sequenceNumber = nextSequenceNumber(dlq.lastSequence, now);
    ctx.store.setLastSequence(dlq, sequenceNumber);
  }
  ctx.store.insertMessage(dlq, {
    messageId: message.messageId,
    body: message.body,
    attributes: message.attributes,
    systemAttributes: message.systemAttributes,
    md5Body: message.md5Body,
    senderId: message.senderId,
    sentAt: dlq.fifo ? now : message.sentAt,
    visibleAt: now,
    receiveCount: message.receiveCount,
    groupId: message.groupId,
    // "When a message is moved from a FIFO queue to a FIFO DLQ, the original message's
    // deduplication ID will be replaced with the original message's ID" (Developer Guide,
    // dead-letter queue redrive): two messages that shared a deduplication id both stay.
    dedupId: dlq.fifo ? message.messageId : message.dedupId,
    sequenceNumber,
    dlqSourceArn: arnOf(queue),
  });
  if (!dlq.fifo && message.firstReceive !== undefined) ctx.store.setFirstReceive(dlq, message.messageId, message.firstReceive);
  return dlq;
}

/** The messages a receive may take now, after moving the ones that exhausted maxReceiveCount. */
function candidates(ctx: SqsContext, queue: Queue, max: number, now: number, movedTo: QueueRef[]): StoredMessage[] {
  for (;;) {
    let picked: StoredMessage[];
    if (queue.fifo) {
      // A group is locked while its head is in flight; an unlocked group delivers its messages
      // in order up to the first not visible (in flight, or delayed: never received yet).
      const locked = ctx.store.fifoLockedAt(queue, now);
      const sentAfter = now - retentionMs(queue);
      picked = fillFromGroups(
        ctx.store.fifoGroups(queue).filter((group) => !locked(group)),
        (group, limit) => ctx.store.groupMessages(queue, group, sentAfter, limit),
        max,
        (m) => m.visibleAt <= now,
      );
    } else {
      picked = ctx.store.visibleMessages(queue, now, max, now - retentionMs(queue));
    }
    const victim = picked.find((m) => needsRedrive(queue, m));
    if (victim === undefined) return picked;
    const dlq = moveToDeadLetterQueue(ctx, queue, victim, now);
    if (dlq === undefined) return picked;
    movedTo.push(dlq);
  }
}

function systemAttributeValue(name: string, message: StoredMessage, receiveCount: number, firstReceive: number): string | undefined {
  switch (name) {
    case "SenderId":
      return message.senderId;
    case "SentTimestamp":
      return String(message.sentAt);
    case "ApproximateReceiveCount":
      return String(receiveCount);
    case "ApproximateFirstReceiveTimestamp":
      return String(firstReceive);
    case "MessageGroupId":
      return message.groupId;
    case "MessageDeduplicationId":
      return message.dedupId;
    case "SequenceNumber":
      return message.sequenceNumber;
    case "AWSTraceHeader":
      return message.systemAttributes?.AWSTraceHeader?.StringValue;
    case "DeadLetterQueueSourceArn":
      return message.dlqSourceArn;
    default:
      return undefined;
  }
}

/** The ReceiveMessage view of one delivery of a message. */
function receivedView(
  message: StoredMessage,
  delivery: { arn: string; receiveId: string; receivedAt: number; receiveCount: number; firstReceive: number },
  options: ReceiveOptions,
): ReceivedMessage {
  const item: ReceivedMessage = {
    MessageId: message.messageId,
    ReceiptHandle: encodeReceiptHandle({ queueArn: delivery.arn, messageId: message.messageId, receiveId: delivery.receiveId, receivedAt: delivery.receivedAt }),
    MD5OfBody: message.md5Body,
    Body: message.body,
  };
  const attributes: Record<string, string> = {};
  for (const name of options.systemAttributeNames) {
    const value = systemAttributeValue(name, message, delivery.receiveCount, delivery.firstReceive);
    if (value !== undefined) attributes[name] = value;
  }
  if (Object.keys(attributes).length > 0) item.Attributes = attributes;
  const selected = selectMessageAttributes<MessageAttributeValue>(message.attributes, options.messageAttributeNames);
  const md5 = md5OfMessageAttributes(selected);
  if (md5 !== undefined) {
    item.MessageAttributes = selected;
    item.MD5OfMessageAttributes = md5;
  }
  return item;
}

/**
 * FIFO ReceiveRequestAttemptId: a retry with the same id within 5 minutes answers the same
 * messages with the same receipt handles (those not received again since), instead of
 * receiving anew, and hides them for the retry's visibility timeout: "If a retry occurs within
 * the deduplication interval, it resets the visibility timeout" (ReceiveMessage API reference,
 * ReceiveRequestAttemptId). Undefined when there is no such earlier attempt.
 */
function repeatAttempt(ctx: SqsContext, queue: Queue, attemptId: string, options: ReceiveOptions, now: number, visibleAt: number): ReceivedMessage[] | undefined {
  const attempt = ctx.store.getReceiveAttempt(queue, attemptId);
  if (attempt === undefined || attempt.expiresAt <= now) return undefined;
  const arn = arnOf(queue);
  const out: ReceivedMessage[] = [];
  for (const receipt of attempt.receipts) {
    const message = ctx.store.getMessage(queue, receipt.messageId);
    if (message === undefined || message.receiptId !== receipt.receiveId) continue;
    ctx.store.setVisibleAt(queue, message.messageId, visibleAt);
    out.push(receivedView(message, { arn, receiveId: receipt.receiveId, receivedAt: receipt.receivedAt, receiveCount: message.receiveCount, firstReceive: message.firstReceive ?? receipt.receivedAt }, options));
  }
  return out;
}

/**
 * One receive attempt, in one transaction; empty when the queue has nothing (or is gone), or
 * when it is at the in-flight quota, except for a short poll of a standard queue: OverLimit.
 */
export function receiveNow(ctx: SqsContext, ref: QueueRef, options: ReceiveOptions): ReceivedMessage[] {
  const now = ctx.clock.now();
  const movedTo: QueueRef[] = [];
  let overLimit = false;
  const received = ctx.store.transaction(() => {
    const queue = ctx.store.getQueue(ref);
    if (queue === undefined) return [];
    const visibility = options.visibilityTimeout ?? Number(queue.attributes.VisibilityTimeout ?? "30");
    const attemptId = queue.fifo ? options.receiveRequestAttemptId : undefined;
    if (attemptId !== undefined) {
      const repeated = repeatAttempt(ctx, queue, attemptId, options, now, now + visibility * 1000);
      if (repeated !== undefined) return repeated;
    }
    // Messages past the retention period are never delivered; the sweep (index.ts) deletes them.
    const arn = arnOf(queue);
    const out: ReceivedMessage[] = [];
    const receipts: Array<{ messageId: string; receiveId: string; receivedAt: number }> = [];
    // A receive near the quota takes only what still fits (the quota is a maximum).
    const room = ctx.store.inFlightRoom(queue, now, IN_FLIGHT_QUOTA, options.max);
    if (room === 0) {
      // Thrown once the transaction is over: a failed one makes the store read its views again.
      overLimit = !queue.fifo && options.longPoll !== true;
      return out;
    }
    const picked = candidates(ctx, queue, room, now, movedTo);
    // One receive id for the messages of one receive: a handle names its message too, so each
    // handle is still unique, and a later receive of any of them gets a new id.
    const receiveId = randomReceiveId();
    ctx.store.markReceived(queue, picked, { now, visibleAt: now + visibility * 1000, receiptId: receiveId });
    for (const message of picked) {
      receipts.push({ messageId: message.messageId, receiveId, receivedAt: now });
      out.push(receivedView(message, { arn, receiveId, receivedAt: now, receiveCount: message.receiveCount + 1, firstReceive: message.firstReceive ?? now }, options));
    }
    // Only an attempt that received something is remembered: an empty one may be retried afresh.
    if (attemptId !== undefined && receipts.length > 0) {
      ctx.store.putReceiveAttempt(queue, attemptId, { receipts, expiresAt: now + RECEIVE_ATTEMPT_INTERVAL_MS });
    }
    return out;
  });
  if (overLimit) throw errors.OverLimit();
  for (const dlq of movedTo) ctx.store.notify(queueKey(dlq));
  return received;
}

// ---------------------------------------------------------------------------------------------
// Delete and visibility
// ---------------------------------------------------------------------------------------------

function isCurrentDelivery(message: DeliveryState, receiveId: string, now: number): boolean {
  return message.receiptId === receiveId && message.visibleAt > now;
}

/**
 * DeleteMessage. A handle of a message already deleted succeeds (deletes are idempotent). On
 * a FIFO queue a handle whose visibility window has closed is refused; a standard queue
 * deletes the message with any handle it issued ("the request succeeds, but the message
 * might not be deleted" is AWS's hedge; deleting is what consumers rely on).
 */
export function deleteMessage(ctx: SqsContext, queue: Queue, receiptHandle: string): void {
  if (!queue.fifo) {
    // Any handle deletes, so there is nothing to read first.
    ctx.store.deleteMessage(queue, standardDeleteTarget(queue, receiptHandle));
    return;
  }
  const data = decodeReceiptHandleForQueue(receiptHandle, arnOf(queue));
  const now = ctx.clock.now();
  const freedGroup = ctx.store.transaction(() => {
    if (ctx.store.deleteDelivery(queue, data.messageId, data.receiveId, now)) return true;
    // Nothing deleted: the message is gone already, or this handle's delivery is over.
    if (ctx.store.deliveryState(queue, data.messageId) !== undefined) throw sqsErrors.ReceiptHandleExpired({ handle: receiptHandle });
    return false;
  });
  // Deleting the in-flight message of a FIFO group lets the next one of the group go.
  if (freedGroup) ctx.store.notify(queueKey(queue));
}

/** A FIFO receipt handle of a DeleteMessageBatch entry, decoded. */
export interface FifoDelivery {
  readonly id: string;
  readonly handle: string;
  readonly messageId: string;
  readonly receiveId: string;
}

/** Decodes a FIFO batch entry's handle; ReceiptHandleIsInvalid for a handle this queue did not issue. */
export function fifoDelivery(queue: Queue, id: string, handle: string): FifoDelivery {
  const data = decodeReceiptHandleForQueue(handle, arnOf(queue));
  return { id, handle, messageId: data.messageId, receiveId: data.receiveId };
}

/**
 * deleteMessage for the entries of a FIFO DeleteMessageBatch, their deletes in one statement
 * (one each cost a statement per message). An entry fails, with the error returned by its Id,
 * when its message is still in the queue once the batch has deleted what it could: its handle's
 * delivery is over. Any other entry succeeds (deletes are idempotent).
 */
export function deleteFifoDeliveries(ctx: SqsContext, queue: Queue, deliveries: readonly FifoDelivery[]): Map<string, AwsError> {
  const now = ctx.clock.now();
  const byMessage = new Map<string, string>();
  // A message named again with another receive's handle: at most one of them can delete it.
  const again: FifoDelivery[] = [];
  for (const d of deliveries) {
    const receiveId = byMessage.get(d.messageId);
    if (receiveId === undefined) byMessage.set(d.messageId, d.receiveId);
    else if (receiveId !== d.receiveId) again.push(d);
  }
  const refused = new Map<string, AwsError>();
  const deletedAny = ctx.store.transaction(() => {
    const { deleted, remaining } = ctx.store.deleteDeliveries(queue, byMessage, now);
    const left = new Set(remaining);
    let more = 0;
    for (const d of again) {
      if (left.has(d.messageId) && ctx.store.deleteDelivery(queue, d.messageId, d.receiveId, now)) {
        left.delete(d.messageId);
        more++;
      }
    }
    for (const d of deliveries) if (left.has(d.messageId)) refused.set(d.id, sqsErrors.ReceiptHandleExpired({ handle: d.handle }));
    return deleted + more > 0;
  });
  // Deleting the in-flight messages of FIFO groups lets the next ones go.
  if (deletedAny) ctx.store.notify(queueKey(queue));
  return refused;
}

/**
 * The message a DeleteMessage on a standard queue deletes: the one its handle names, with any
 * handle the queue issued (ReceiptHandleIsInvalid for any other).
 */
export function standardDeleteTarget(queue: Queue, receiptHandle: string): string {
  return decodeReceiptHandleForQueue(receiptHandle, arnOf(queue)).messageId;
}

/**
 * ChangeMessageVisibility. A deleted message is an error; a handle whose visibility already
 * ran out changes nothing on a standard queue (AWS answers OK) and is expired on a FIFO one.
 */
export function changeVisibility(ctx: SqsContext, queue: Queue, receiptHandle: string, visibilityTimeout: number): void {
  const data = decodeReceiptHandleForQueue(receiptHandle, arnOf(queue));
  const now = ctx.clock.now();
  validateVisibilityChange(visibilityTimeout, data.receivedAt, now);
  const madeVisible = ctx.store.transaction(() => {
    const message = ctx.store.deliveryState(queue, data.messageId);
    if (message === undefined) throw errors.MessageNotAvailableForVisibilityChange({ handle: receiptHandle });
    if (!isCurrentDelivery(message, data.receiveId, now)) {
      if (queue.fifo) throw sqsErrors.ReceiptHandleExpired({ handle: receiptHandle });
      return false;
    }
    ctx.store.setVisibleAt(queue, data.messageId, now + visibilityTimeout * 1000);
    return visibilityTimeout === 0;
  });
  if (madeVisible) ctx.store.notify(queueKey(queue));
}
