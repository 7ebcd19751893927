import { randomUUID } from "node:crypto";
import { parseArn } from "../../../core/arn.js";
import { AwsError } from "../../../core/errors.js";
import type { PublishBatchInput, PublishBatchOutput, PublishInput, PublishOutput } from "../../../generated/sns.js";
import {
  findDuplicatePublish,
  messageForProtocol,
  nextTopicSequenceNumber,
  parseMessageStructure,
  publishDeduplicationKey,
  publishSize,
  resolvePublishIds,
  validatePublishMessage,
  PUBLISH_DEDUPLICATION_INTERVAL_MS,
  type FifoPublishIds,
  type SnsMessageAttributes,
} from "../domain/messages.js";
import { protectInbound, topicDataProtection, writeAudit, type InboundAudit } from "../data-protection.js";
import { deliver, recordPush, recordSms, type PublishedMessage } from "../delivery.js";
import { archiveExpiry } from "../domain/archive.js";
import type { DataProtectionPolicy } from "../domain/data-protection-policy.js";
import { errors, invalidParameter } from "../errors.js";
import { isEnabled, parseEndpointArn } from "../platform.js";
import { checkPublishPhoneNumber } from "../sms.js";
import type { Topic } from "../store.js";
import { resolveTopic, topicArchive, topicMaximumMessageSize, type SnsContext } from "../topics.js";

interface PublishEntry {
  Message: string;
  Subject?: string | undefined;
  MessageStructure?: string | undefined;
  MessageAttributes?: SnsMessageAttributes | undefined;
  MessageDeduplicationId?: string | undefined;
  MessageGroupId?: string | undefined;
}

/** What Publish checks before anything is published, for one message: Publish fails as a whole on any of it. */
interface ValidEntry {
  structured: Record<string, string> | undefined;
  ids: FifoPublishIds;
}

function validateEntry(topic: Topic, entry: PublishEntry): ValidEntry {
  validatePublishMessage({ message: entry.Message, subject: entry.Subject, attributes: entry.MessageAttributes, maximumMessageSize: topicMaximumMessageSize(topic) });
  // The body's structure before the FIFO ids: a json body without "default" and without a
  // MessageGroupId on a FIFO topic answers "No default entry" (recorded against AWS for
  // PublishBatch in LocalStack's aws-validated test_publish_batch_exceptions, Aug 2023).
  const structured = parseMessageStructure(entry.Message, entry.MessageStructure);
  const ids = resolvePublishIds({
    fifoTopic: topic.fifo,
    contentBasedDeduplication: topic.attributes.ContentBasedDeduplication === "true",
    message: entry.Message,
    messageGroupId: entry.MessageGroupId,
    messageDeduplicationId: entry.MessageDeduplicationId,
  });
  return { structured, ids };
}

/**
 * Assigns a validated message its ids. A FIFO duplicate within the deduplication interval
 * answers the original ids and is not delivered again (`published` undefined). A FIFO topic
 * with an ArchivePolicy archives the message with its sequence number, in the same
 * transaction: "Message archiving provides the ability to archive a single copy of all messages
 * published to your topic" (developer guide), whether or not any subscription takes it.
 */
function accept(
  ctx: SnsContext,
  topic: Topic,
  entry: PublishEntry,
  valid: ValidEntry,
  policy: DataProtectionPolicy | undefined,
): { MessageId: string; SequenceNumber?: string; published?: PublishedMessage; audit?: InboundAudit | undefined; dedupKey?: string } {
  const { ids } = valid;
  // The topic's data protection policy: a refusal here leaves no trace (no sequence number, no deduplication record).
  const inbound = policy === undefined ? undefined : protectInbound(ctx, topic, policy, entry.Message);
  const message = inbound?.message ?? entry.Message;
  const structured = message === entry.Message ? valid.structured : parseMessageStructure(message, entry.MessageStructure);
  const base = {
    messageId: randomUUID(),
    topic,
    message,
    structured,
    subject: entry.Subject,
    attributes: entry.MessageAttributes,
    fifo: undefined,
    messageGroupId: topic.fifo ? undefined : entry.MessageGroupId,
    traceHeader: ctx.caller.traceHeader,
  } satisfies PublishedMessage;
  if (!topic.fifo || ids.messageGroupId === undefined || ids.messageDeduplicationId === undefined) {
    return { MessageId: base.messageId, published: base, audit: inbound?.audit };
  }
  const groupId = ids.messageGroupId;
  const dedupKey = publishDeduplicationKey(topic.attributes.FifoThroughputScope, groupId, ids.messageDeduplicationId);
  const now = ctx.clock.now();
  return ctx.store.transaction(() => {
    const current = ctx.store.getTopic(topic);
    if (current === undefined) throw errors.TopicNotFound();
    const previous = ctx.store.getDedup(topic, dedupKey);
    const duplicate = previous === undefined ? undefined : findDuplicatePublish(new Map([[dedupKey, previous]]), dedupKey, now);
    if (duplicate !== undefined) return { MessageId: duplicate.messageId, SequenceNumber: duplicate.sequenceNumber };
    const sequenceNumber = nextTopicSequenceNumber(current.lastSequence);
    ctx.store.setLastSequence(topic, sequenceNumber);
    ctx.store.putDedup(topic, dedupKey, { messageId: base.messageId, sequenceNumber, expiresAt: now + PUBLISH_DEDUPLICATION_INTERVAL_MS });
    const archive = topicArchive(current);
    if (archive !== undefined) {
      ctx.store.archive.archive(
        topic,
        {
          messageId: base.messageId,
          sequenceNumber,
          messageGroupId: groupId,
          messageDeduplicationId: ids.messageDeduplicationId,
          publishedAt: now,
          message: base.message,
          structured: base.structured,
          subject: base.subject,
          attributes: base.attributes,
          traceHeader: base.traceHeader,
        },
        archiveExpiry(now, archive.retentionDays),
      );
    }
    return {
      MessageId: base.messageId,
      SequenceNumber: sequenceNumber,
      published: { ...{}, ...base, fifo: { sequenceNumber, messageGroupId: groupId, messageDeduplicationId: ids.messageDeduplicationId }, publishedAt: now },
      audit: inbound?.audit,
      dedupKey,
    };
  });
}

/**
 * MessageStructure=json for a push straight to an endpoint: the platform's own entry may stand
 * without a "default" (AWS's direct-publish examples send only {"GCM": ...} or {"APNS": ...}).
 */
function endpointMessageStructure(message: string, messageStructure: string | undefined, platform: string): Record<string, string> | undefined {
  if (messageStructure === "json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      const own = (parsed as Record<string, unknown>)[platform];
      if (typeof own === "string" && (parsed as Record<string, unknown>).default === undefined) {
        const byProtocol: Record<string, string> = {};
        for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) if (typeof value === "string") byProtocol[key] = value;
        return byProtocol;
      }
    }
  }
  return parseMessageStructure(message, messageStructure);
}

/** Publish with TargetArn naming a platform endpoint: one push, recorded in the outbox. */
function publishToEndpoint(input: PublishInput, target: string, ctx: SnsContext): PublishOutput {
  validatePublishMessage({ message: input.Message, subject: input.Subject, attributes: input.MessageAttributes });
  const ref = parseEndpointArn(target);
  const endpoint = ref === undefined ? undefined : ctx.store.platform.getEndpoint(ref.account, ref.region, ref.id);
  if (endpoint === undefined) throw invalidParameter("Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified");
  // Checked before the message is parsed: AWS answers EndpointDisabled even for a malformed JSON body.
  if (!isEnabled(endpoint)) throw errors.EndpointDisabled();
  const structured = endpointMessageStructure(input.Message, input.MessageStructure, endpoint.platform);
  const messageId = randomUUID();
  recordPush(ctx, endpoint, {
    messageId,
    message: input.Message,
    structured,
    subject: input.Subject,
    attributes: input.MessageAttributes,
    messageStructure: input.MessageStructure,
  });
  return { MessageId: messageId };
}

/** Publish with PhoneNumber: one SMS text, recorded in the outbox (not for opted-out numbers). */
function publishSms(input: PublishInput, phoneNumber: string, ctx: SnsContext): PublishOutput {
  checkPublishPhoneNumber(phoneNumber);
  validatePublishMessage({ message: input.Message, subject: input.Subject, attributes: input.MessageAttributes });
  const structured = parseMessageStructure(input.Message, input.MessageStructure);
  const messageId = randomUUID();
  recordSms(ctx, ctx, phoneNumber, {
    messageId,
    message: messageForProtocol(input.Message, structured, "sms"),
    subject: input.Subject,
    attributes: input.MessageAttributes,
    messageStructure: input.MessageStructure,
  });
  return { MessageId: messageId };
}

type Accepted = ReturnType<typeof accept>;

/**
 * Delivers accepted messages in order. When a delivery fails for a reason of Nimbus's own (the
 * publish then fails, delivery.ts), the FIFO deduplication records of that message and of those
 * not yet delivered go, so that the publisher's retry is delivered rather than answered as a
 * duplicate of a message no subscription got (a FIFO queue drops what it already took by the
 * same deduplication id).
 */
async function deliverAccepted(ctx: SnsContext, topic: Topic, accepted: readonly Accepted[]): Promise<void> {
  for (const [index, entry] of accepted.entries()) {
    if (entry.published === undefined) continue;
    try {
      await deliver(ctx, entry.published);
    } catch (error) {
      for (const owed of accepted.slice(index)) {
        if (owed.dedupKey !== undefined) ctx.store.forgetDedup(topic, owed.dedupKey, owed.MessageId);
      }
      throw error;
    }
  }
}

export async function publish(input: PublishInput, ctx: SnsContext): Promise<PublishOutput> {
  const target = input.TopicArn ?? input.TargetArn;
  if (target === undefined) {
    if (input.PhoneNumber !== undefined) return publishSms(input, input.PhoneNumber, ctx);
    throw invalidParameter("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
  }
  if (input.TopicArn === undefined && parseArn(target)?.resource.startsWith("endpoint/")) return publishToEndpoint(input, target, ctx);
  const topic = resolveTopic(ctx, target, input.TopicArn !== undefined ? "TopicArn" : "TargetArn");
  const accepted = accept(ctx, topic, input, validateEntry(topic, input), topicDataProtection(topic));
  if (accepted.published !== undefined && accepted.audit !== undefined) await writeAudit(ctx, topic, accepted.MessageId, accepted.audit);
  await deliverAccepted(ctx, topic, [accepted]);
  return { MessageId: accepted.MessageId, ...(accepted.SequenceNumber !== undefined ? { SequenceNumber: accepted.SequenceNumber } : {}) };
}

const BATCH_ID_RE = /^[A-Za-z0-9_-]+$/;
const MAX_BATCH_ID_LENGTH = 80;
const MAX_BATCH = 10;

export async function publishBatch(input: PublishBatchInput, ctx: SnsContext): Promise<PublishBatchOutput> {
  const topic = resolveTopic(ctx, input.TopicArn);
  const entries = input.PublishBatchRequestEntries;
  if (entries.length === 0) throw errors.EmptyBatchRequest();
  if (entries.length > MAX_BATCH) throw errors.TooManyEntriesInBatchRequest();
  const ids = new Set<string>();
  for (const entry of entries) {
    if (entry.Id.length > MAX_BATCH_ID_LENGTH) throw errors.InvalidBatchEntryIdTooLong({ id: entry.Id });
    if (!BATCH_ID_RE.test(entry.Id)) throw errors.InvalidBatchEntryIdCharacter({ id: entry.Id });
    if (ids.has(entry.Id)) throw errors.BatchEntryIdsNotDistinct();
    ids.add(entry.Id);
  }
  // A malformed entry fails the whole request (AWS answers the error, not a `Failed` row); `Failed`
  // is for what goes wrong while publishing a valid entry (a data protection refusal).
  const valid = entries.map((entry) => validateEntry(topic, entry));
  const size = entries.reduce((sum, entry) => sum + publishSize(entry.Message, entry.MessageAttributes), 0);
  // "The combined size of all messages in the batch ... must not exceed the topic's MaximumMessageSize" (PublishBatch).
  if (size > topicMaximumMessageSize(topic)) throw errors.BatchRequestTooLong();
  const out: Required<PublishBatchOutput> = { Successful: [], Failed: [] };
  const toDeliver: Accepted[] = [];
  const policy = topicDataProtection(topic);
  for (const [index, entry] of entries.entries()) {
    try {
      const accepted = accept(ctx, topic, entry, valid[index] as ValidEntry, policy);
      out.Successful.push({ Id: entry.Id, MessageId: accepted.MessageId, ...(accepted.SequenceNumber !== undefined ? { SequenceNumber: accepted.SequenceNumber } : {}) });
      if (accepted.published !== undefined) toDeliver.push(accepted);
      if (accepted.published !== undefined && accepted.audit !== undefined) await writeAudit(ctx, topic, accepted.MessageId, accepted.audit);
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      out.Failed.push({ Id: entry.Id, Code: err.queryCode ?? err.code, Message: err.message, SenderFault: err.type === "Sender" });
    }
  }
  // In entry order, so a FIFO topic's messages reach each queue in sequence.
  await deliverAccepted(ctx, topic, toDeliver);
  return out;
}
