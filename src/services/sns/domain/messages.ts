/**
 * What SNS delivers: the JSON envelopes for SQS, HTTP/S and email-json, the Lambda event, the
 * HTTP request headers, raw message delivery, per-protocol messages (MessageStructure=json),
 * and the Publish rules around them (FIFO group/deduplication ids, sizes, subject).
 *
 * Field order follows AWS's own documents, which some consumers compare textually:
 *   Notification:  Type, MessageId, [SequenceNumber], TopicArn, [Subject], Message, Timestamp,
 *                  SignatureVersion, Signature, SigningCertURL, UnsubscribeURL, [MessageAttributes]
 *   Confirmation:  Type, MessageId, Token, TopicArn, Message, SubscribeURL, Timestamp,
 *                  SignatureVersion, Signature, SigningCertURL
 * FIFO topics do not sign their notifications; they carry SequenceNumber instead.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Clock } from "../../../core/clock.js";
import { setOwn } from "../../../core/own.js";
import { invalidParameter, snsErrors } from "./errors.js";
import { signSnsMessage, type SignatureVersion, type SigningIdentity, type SnsMessageType } from "./signing.js";

export interface SnsMessageAttribute {
  DataType: string;
  StringValue?: string | undefined;
  BinaryValue?: Uint8Array | undefined;
}

export type SnsMessageAttributes = Readonly<Record<string, SnsMessageAttribute>>;

/** Subscription protocols, as Subscribe names them (also the keys of a MessageStructure=json body). */
export type SnsProtocol = "sqs" | "lambda" | "http" | "https" | "email" | "email-json" | "sms" | "application" | "firehose";

/** SNS timestamps: ISO-8601 UTC with milliseconds ("2012-05-02T00:54:06.655Z"). */
export function snsTimestamp(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

// =============================================================================================
// Publish-time rules
// =============================================================================================

/** The default size limit of a topic; a topic's MaximumMessageSize may raise it to 1 MiB. */
export const DEFAULT_MAXIMUM_MESSAGE_SIZE = 262_144;

/** Body plus every attribute's name, type and value, in bytes. */
export function publishSize(message: string, attributes: SnsMessageAttributes | undefined): number {
  let size = Buffer.byteLength(message, "utf8");
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name, "utf8") + Buffer.byteLength(attribute.DataType, "utf8");
    if (attribute.StringValue !== undefined) size += Buffer.byteLength(attribute.StringValue, "utf8");
    if (attribute.BinaryValue !== undefined) size += attribute.BinaryValue.length;
  }
  return size;
}

const invalidAttribute = (message: string) => snsErrors.ParameterValueInvalid({ message });

/** Letters, digits, '_', '-' and '.', with no leading, trailing or doubled '.' (checked apart). */
const ATTRIBUTE_NAME_CHARACTER = /[A-Za-z0-9_.-]/;
const ATTRIBUTE_TYPE_RE = /^(String|Number|Binary)(\..+)?$/;
const NUMBER_RE = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

function validateAttributeName(name: string): void {
  if (Buffer.byteLength(name, "utf8") > 256) throw invalidAttribute("Length of message attribute name must be less than 256 bytes.");
  if (name.startsWith(".")) throw invalidAttribute("Invalid message attribute name starting with character '.' was found.");
  if (name.endsWith(".")) throw invalidAttribute("Invalid message attribute name ending with character '.' was found.");
  let previous = "";
  for (const character of name) {
    if (!ATTRIBUTE_NAME_CHARACTER.test(character)) {
      const code = (character.codePointAt(0) ?? 0).toString(16).toUpperCase();
      throw invalidAttribute(
        `Invalid non-alphanumeric character '#x${code}' was found in the message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots.`,
      );
    }
    if (character === "." && previous === ".") throw invalidAttribute("Message attribute name can not have successive '.' character.");
    previous = character;
  }
}

/**
 * MessageAttributes of Publish and PublishBatch. SNS answers ParameterValueInvalid with a bare
 * sentence (no "Invalid parameter:" prefix), checking each attribute's name, then its type, then
 * that the value sits in the field its type uses (recorded against real SNS, Nov 2024).
 */
export function validateMessageAttributes(attributes: SnsMessageAttributes | undefined): void {
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    validateAttributeName(name);
    const type = attribute.DataType;
    if (!ATTRIBUTE_TYPE_RE.test(type)) {
      throw invalidAttribute(`The message attribute '${name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.`);
    }
    const empty = () => invalidAttribute(`The message attribute '${name}' must contain non-empty message attribute value for message attribute type '${type}'.`);
    if (attribute.StringValue === undefined && attribute.BinaryValue === undefined) throw empty();
    if (type.startsWith("Binary")) {
      if (attribute.BinaryValue === undefined) throw invalidAttribute(`The message attribute '${name}' with type '${type}' must use field 'Binary'.`);
      if (attribute.BinaryValue.length === 0) throw empty();
      continue;
    }
    const value = attribute.StringValue;
    if (value === undefined) throw invalidAttribute(`The message attribute '${name}' with type '${type}' must use field 'String'.`);
    if (value === "") throw empty();
    if (type.startsWith("Number") && !NUMBER_RE.test(value)) throw invalidAttribute(`Could not cast message attribute '${name}' value to number.`);
    // A String.Array value that is not a JSON array is published all the same: subscriptions
    // whose filter policy reads it filter the message out, which SNS counts as
    // NumberOfNotificationsFilteredOut-InvalidAttributes, "messages that were rejected by
    // subscription filter policies because the messages' attributes are invalid – for example,
    // because the attribute JSON is incorrectly formatted" (developer guide, CloudWatch metrics).
  }
}

/**
 * "Subjects must be UTF-8 text with no line breaks or control characters, and less than 100
 * characters long" (API reference, Publish; earlier editions asked for ASCII). Characters are
 * code points. That it begins with a letter, number or punctuation mark, not a space, is the
 * earlier editions' rule, kept: no recording says AWS dropped it.
 */
const SUBJECT_RE = /^(?!\s)[^\p{Cc}\u2028\u2029]+$/u;

export function isValidSubject(subject: string): boolean {
  if (!SUBJECT_RE.test(subject)) return false;
  let characters = 0;
  for (const _ of subject) characters++;
  return characters < 100;
}

/** Message, Subject and MessageAttributes rules of Publish, in the order SNS checks them. */
export function validatePublishMessage(input: {
  message: string | undefined;
  subject?: string | undefined;
  attributes?: SnsMessageAttributes | undefined;
  maximumMessageSize?: number | undefined;
}): void {
  if (input.subject !== undefined && !isValidSubject(input.subject)) throw invalidParameter("Invalid parameter: Subject");
  if (input.message === undefined || input.message.length === 0) throw invalidParameter("Invalid parameter: Empty message");
  validateMessageAttributes(input.attributes);
  if (publishSize(input.message, input.attributes) > (input.maximumMessageSize ?? DEFAULT_MAXIMUM_MESSAGE_SIZE)) {
    throw invalidParameter("Invalid parameter: Message too long");
  }
}

/**
 * MessageStructure=json: the body is a JSON object of per-protocol strings and must have a
 * "default". Keys whose values are not strings are ignored (API reference: "Keys in the JSON
 * object that correspond to supported transport protocols must have simple JSON string values").
 */
export function parseMessageStructure(message: string, messageStructure: string | undefined): Record<string, string> | undefined {
  if (messageStructure === undefined) return undefined;
  if (messageStructure !== "json") {
    // "json" is the only valid value; no recording of AWS's refusal of others was found.
    throw invalidParameter("Invalid parameter: MessageStructure");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidParameter("Invalid parameter: Message Structure - JSON message body failed to parse");
  }
  const byProtocol: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof value === "string") byProtocol[key] = value;
  }
  if (byProtocol.default === undefined) {
    throw invalidParameter("Invalid parameter: Message Structure - No default entry in JSON message body");
  }
  return byProtocol;
}

/** The text a subscription of `protocol` receives. */
export function messageForProtocol(message: string, structured: Record<string, string> | undefined, protocol: string): string {
  if (structured === undefined) return message;
  return structured[protocol] ?? structured.default ?? message;
}

/** Content-based deduplication on FIFO topics: SHA-256 of the message body, hex. */
export function snsContentDeduplicationId(message: string): string {
  return createHash("sha256").update(message, "utf8").digest("hex");
}

export interface FifoPublishIds {
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

/** MessageGroupId/MessageDeduplicationId rules of Publish and PublishBatch. */
export function resolvePublishIds(input: {
  fifoTopic: boolean;
  contentBasedDeduplication: boolean;
  message: string;
  messageGroupId?: string | undefined;
  messageDeduplicationId?: string | undefined;
}): FifoPublishIds {
  if (!input.fifoTopic) {
    if (input.messageDeduplicationId !== undefined) {
      throw invalidParameter(
        "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type",
      );
    }
    return {};
  }
  if (input.messageGroupId === undefined || input.messageGroupId === "") {
    throw invalidParameter("Invalid parameter: The MessageGroupId parameter is required for FIFO topics");
  }
  if (input.messageDeduplicationId !== undefined) {
    return { messageGroupId: input.messageGroupId, messageDeduplicationId: input.messageDeduplicationId };
  }
  if (!input.contentBasedDeduplication) {
    throw invalidParameter(
      "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
    );
  }
  return { messageGroupId: input.messageGroupId, messageDeduplicationId: snsContentDeduplicationId(input.message) };
}

/**
 * What a FIFO publish is deduplicated by. A topic's FifoThroughputScope decides (API reference,
 * Publish MessageDeduplicationId): "Topic" (the default) across the whole topic, "MessageGroup"
 * within each message group, where the same id in two groups names two messages. Neither id
 * may hold a NUL (letters, digits and punctuation only), so it cannot join two pairs alike.
 */
export function publishDeduplicationKey(fifoThroughputScope: string | undefined, messageGroupId: string, messageDeduplicationId: string): string {
  return fifoThroughputScope === "MessageGroup" ? `${messageGroupId}\u0000${messageDeduplicationId}` : messageDeduplicationId;
}

/** FIFO topics deduplicate within 5 minutes, like FIFO queues. */
export const PUBLISH_DEDUPLICATION_INTERVAL_MS = 5 * 60 * 1000;

export interface PublishDeduplicationEntry {
  messageId: string;
  sequenceNumber: string;
  expiresAt: number;
}

/** A duplicate Publish answers with the original MessageId and SequenceNumber and is not delivered. */
export function findDuplicatePublish(
  state: ReadonlyMap<string, PublishDeduplicationEntry>,
  messageDeduplicationId: string,
  nowMs: number,
): PublishDeduplicationEntry | undefined {
  const entry = state.get(messageDeduplicationId);
  return entry !== undefined && entry.expiresAt > nowMs ? entry : undefined;
}

export function recordPublish(
  state: Map<string, PublishDeduplicationEntry>,
  messageDeduplicationId: string,
  accepted: { messageId: string; sequenceNumber: string },
  nowMs: number,
): PublishDeduplicationEntry {
  const entry = { ...{}, ...accepted, expiresAt: nowMs + PUBLISH_DEDUPLICATION_INTERVAL_MS };
  state.set(messageDeduplicationId, entry);
  return entry;
}

/**
 * The SequenceNumber Publish returns for FIFO topics: a 20-digit, increasing decimal
 * ("10000000000000003000" in AWS's examples). Counted per topic from 10^19.
 */
export function nextTopicSequenceNumber(previous: string | undefined): string {
  const next = previous === undefined ? 10_000_000_000_000_000_000n : BigInt(previous) + 1n;
  return next.toString();
}

// =============================================================================================
// Envelopes
// =============================================================================================

export interface EnvelopeSigner {
  identity: SigningIdentity;
  /** The topic's SignatureVersion attribute ("1" unless set to "2"). */
  version: SignatureVersion;
  /** Where subscribers can fetch the certificate (see signing.signingCertUrl). */
  certUrl: string;
  /**
   * Signatures already computed with this signer, by the signed fields. A publish signs the
   * same notification for every subscriber of a protocol (the subscription is not signed),
   * and an RSA signature costs about half a millisecond: fan-out to 100 queues signed 100
   * times. Create one signer per publish so this never outlives it.
   */
  readonly signed?: Map<string, string>;
}

export interface NotificationInput {
  messageId: string;
  topicArn: string;
  subscriptionArn: string;
  /** The message for this subscription's protocol (see messageForProtocol). */
  message: string;
  subject?: string | undefined;
  timestamp: string;
  unsubscribeUrl: string;
  messageAttributes?: SnsMessageAttributes | undefined;
  /** FIFO topics: no signature, a SequenceNumber instead. */
  fifo?: { sequenceNumber: string; messageGroupId: string; messageDeduplicationId?: string | undefined } | undefined;
  /** Standard topics: the publish's MessageGroupId (no envelope field; standard queues keep it). */
  messageGroupId?: string | undefined;
  /** The publish's X-Ray trace header, for SQS deliveries (no envelope field). */
  traceHeader?: string | undefined;
  /** Required unless `fifo` is set. */
  signer?: EnvelopeSigner | undefined;
  /** A message replayed from a FIFO topic's archive. */
  replayed?: boolean | undefined;
}

export interface EnvelopeAttribute {
  Type: string;
  Value: string;
}

/**
 * The order in which a java.util.HashMap<String, _> filled with these names, in this order,
 * iterates them: by bucket, (h ^ h >>> 16) & (capacity - 1) of String.hashCode, names in the
 * same bucket as they were put; 16 buckets, doubled whenever more than three quarters are used.
 */
export function javaHashMapOrder(names: readonly string[]): string[] {
  let capacity = 16;
  while (names.length > capacity * 0.75) capacity *= 2;
  const bucket = (name: string): number => {
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (Math.imul(31, h) + name.charCodeAt(i)) | 0;
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return names
    .map((name) => ({ name, bucket: bucket(name) }))
    .sort((a, b) => a.bucket - b.bucket)
    .map(({ name }) => name);
}

/**
 * Attributes as envelopes carry them: `{Type, Value}`, binary values in base64, in the order SNS
 * prints them, a Java HashMap's (javaHashMapOrder), neither as published nor sorted. Recorded:
 * LocalStack's AWS-validated test_redrive_policy_sqs_queue_subscription[False] snapshot
 * (published attr1, attr2; the body lists attr2, attr1) and test_sns_filter_policy's
 * test_exists_filter_policy (store, def; printed def, store); SQS bodies captured from AWS in
 * several projects list service, module, customerId, action and eventId, context, correlationId,
 * which is that order too. (A name that is an array index would still come first: a JS object.)
 */
export function envelopeAttributes(attributes: SnsMessageAttributes | undefined): Record<string, EnvelopeAttribute> | undefined {
  if (attributes === undefined || Object.keys(attributes).length === 0) return undefined;
  const out: Record<string, EnvelopeAttribute> = {};
  for (const name of javaHashMapOrder(Object.keys(attributes))) {
    const attribute = attributes[name];
    if (attribute === undefined) continue;
    const value =
      attribute.BinaryValue !== undefined ? Buffer.from(attribute.BinaryValue).toString("base64") : (attribute.StringValue ?? "");
    setOwn(out, name, { Type: attribute.DataType, Value: value });
  }
  return out;
}

function signature(signer: EnvelopeSigner | undefined, fields: Parameters<typeof signSnsMessage>[0]) {
  if (signer === undefined) throw new Error("SNS envelope: a signer is required for standard topics");
  const key = signer.signed ? JSON.stringify(fields) : "";
  let value = signer.signed?.get(key);
  if (value === undefined) {
    value = signSnsMessage(fields, signer.identity.privateKey, signer.version);
    signer.signed?.set(key, value);
  }
  return { SignatureVersion: signer.version, Signature: value, SigningCertURL: signer.certUrl };
}

/** The Notification document: the SQS body, the HTTP/S POST body and the email-json body. */
export function buildNotification(input: NotificationInput): Record<string, unknown> {
  const envelope: Record<string, unknown> = { Type: "Notification", MessageId: input.messageId };
  if (input.fifo !== undefined) envelope.SequenceNumber = input.fifo.sequenceNumber;
  envelope.TopicArn = input.topicArn;
  if (input.subject !== undefined) envelope.Subject = input.subject;
  envelope.Message = input.message;
  envelope.Timestamp = input.timestamp;
  if (input.fifo === undefined) {
    Object.assign(
      envelope,
      signature(input.signer, {
        Type: "Notification",
        MessageId: input.messageId,
        TopicArn: input.topicArn,
        Subject: input.subject,
        Message: input.message,
        Timestamp: input.timestamp,
      }),
    );
  }
  envelope.UnsubscribeURL = input.unsubscribeUrl;
  const attributes = envelopeAttributes(input.messageAttributes);
  if (attributes !== undefined) envelope.MessageAttributes = attributes;
  // "To verify that a message has been replayed, the boolean attribute Replayed is added to each
  // replayed message" (developer guide, message replay). No example shows where in the envelope
  // AWS puts it; Nimbus adds it last, as a JSON boolean. A raw delivery has no envelope to carry it.
  if (input.replayed === true) envelope.Replayed = true;
  return envelope;
}

export function subscribeUrl(baseUrl: string, topicArn: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/?Action=ConfirmSubscription&TopicArn=${topicArn}&Token=${token}`;
}

export function unsubscribeUrl(baseUrl: string, subscriptionArn: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/?Action=Unsubscribe&SubscriptionArn=${subscriptionArn}`;
}

/** A confirmation token; AWS's are long hex strings (224 characters in its examples). */
export function generateConfirmationToken(): string {
  return randomBytes(112).toString("hex");
}

export function confirmationMessageText(type: "SubscriptionConfirmation" | "UnsubscribeConfirmation", topicArn: string, subscriptionArn: string): string {
  return type === "SubscriptionConfirmation"
    ? `You have chosen to subscribe to the topic ${topicArn}.\nTo confirm the subscription, visit the SubscribeURL included in this message.`
    : `You have chosen to deactivate subscription ${subscriptionArn}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.`;
}

export interface ConfirmationInput {
  type: "SubscriptionConfirmation" | "UnsubscribeConfirmation";
  messageId: string;
  topicArn: string;
  subscriptionArn: string;
  token: string;
  subscribeUrl: string;
  timestamp: string;
  signer: EnvelopeSigner;
}

export function buildConfirmation(input: ConfirmationInput): Record<string, unknown> {
  const message = confirmationMessageText(input.type, input.topicArn, input.subscriptionArn);
  return {
    Type: input.type,
    MessageId: input.messageId,
    Token: input.token,
    TopicArn: input.topicArn,
    Message: message,
    SubscribeURL: input.subscribeUrl,
    Timestamp: input.timestamp,
    ...signature(input.signer, {
      Type: input.type,
      MessageId: input.messageId,
      TopicArn: input.topicArn,
      Message: message,
      SubscribeURL: input.subscribeUrl,
      Timestamp: input.timestamp,
      Token: input.token,
    }),
  };
}

/**
 * A Notification or confirmation document as SNS prints it into an SQS message body and an
 * HTTP/S POST body: one member a line, two-space indent, `"name" : value`; an object member
 * (MessageAttributes) one entry a line, each entry's value compact. Recorded against AWS: the
 * SQS body in aws-powertools' tests/events/snsSqsEvent.json, whose md5OfBody is the MD5 of
 * exactly this text, and FIFO bodies that end
 * `"MessageAttributes" : {\n    "key1" : {"Type":"String","Value":"value1"}\n  }\n}`; the HTTP
 * examples of the developer guide ("HTTP/HTTPS notification JSON format") print the same way.
 */
export function envelopeJson(document: Record<string, unknown>): string {
  const member = (name: string, value: unknown, indent: string): string => `${indent}${JSON.stringify(name)} : ${JSON.stringify(value)}`;
  const members = Object.entries(document)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => {
      const entries = typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>) : [];
      if (entries.length === 0) return member(name, value, "  ");
      return `  ${JSON.stringify(name)} : {\n${entries.map(([key, entry]) => member(key, entry, "    ")).join(",\n")}\n  }`;
    });
  return `{\n${members.join(",\n")}\n}`;
}

// =============================================================================================
// Per-protocol deliveries
// =============================================================================================

export interface SqsDelivery {
  body: string;
  /** Raw delivery only: SNS attributes become SQS message attributes. */
  messageAttributes?: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }>;
  /** FIFO topic to FIFO queue: the publish's group and deduplication ids carry over. */
  messageGroupId?: string;
  messageDeduplicationId?: string;
  /**
   * Standard topic to standard queue: a publish's MessageGroupId becomes the queue message's
   * (fair queues); a FIFO topic's group does not reach a standard queue (both recorded Aug 2025).
   */
  fairQueueGroupId?: string;
  /**
   * The Publish request's X-Amzn-Trace-Id header, which the queue message carries as its
   * AWSTraceHeader system attribute, raw or not (recorded against AWS in LocalStack's test_sns
   * snapshot, test_publish_sqs_from_sns_with_xray_propagation: xray-msg).
   */
  traceHeader?: string;
}

/**
 * SNS to SQS. Non-raw: the Notification JSON is the body. Raw (RawMessageDelivery=true): the
 * message itself is the body and the attributes travel as SQS message attributes.
 * `envelope`: the Notification JSON of this very input, already built for another protocol
 * (an HTTP/S POST body), so it is not signed a second time.
 */
export function sqsDelivery(input: NotificationInput, options: { rawMessageDelivery: boolean; envelope?: string }): SqsDelivery {
  const delivery: SqsDelivery = options.rawMessageDelivery
    ? { body: input.message }
    : { body: options.envelope ?? envelopeJson(buildNotification(input)) };
  if (options.rawMessageDelivery && input.messageAttributes !== undefined && Object.keys(input.messageAttributes).length > 0) {
    delivery.messageAttributes = {};
    for (const [name, attribute] of Object.entries(input.messageAttributes)) {
      setOwn(
        delivery.messageAttributes,
        name,
        attribute.BinaryValue !== undefined
          ? { DataType: attribute.DataType, BinaryValue: attribute.BinaryValue }
          : { DataType: attribute.DataType, StringValue: attribute.StringValue ?? "" },
      );
    }
  }
  if (input.fifo !== undefined) {
    delivery.messageGroupId = input.fifo.messageGroupId;
    if (input.fifo.messageDeduplicationId !== undefined) delivery.messageDeduplicationId = input.fifo.messageDeduplicationId;
  } else if (input.messageGroupId !== undefined) {
    delivery.fairQueueGroupId = input.messageGroupId;
  }
  if (input.traceHeader !== undefined) delivery.traceHeader = input.traceHeader;
  return delivery;
}

export interface LambdaSnsEvent {
  Records: Array<{
    EventSource: "aws:sns";
    EventVersion: "1.0";
    EventSubscriptionArn: string;
    Sns: Record<string, unknown>;
  }>;
}

/**
 * SNS to Lambda: one record per invocation. The record spells SigningCertUrl and
 * UnsubscribeUrl with a lower-case "rl", has Subject null when there is none and always
 * carries MessageAttributes (empty object when none).
 */
export function lambdaEvent(input: NotificationInput): LambdaSnsEvent {
  const sns: Record<string, unknown> = { Type: "Notification", MessageId: input.messageId };
  if (input.fifo !== undefined) sns.SequenceNumber = input.fifo.sequenceNumber;
  sns.TopicArn = input.topicArn;
  sns.Subject = input.subject ?? null;
  sns.Message = input.message;
  sns.Timestamp = input.timestamp;
  if (input.fifo === undefined) {
    const signed = signature(input.signer, {
      Type: "Notification",
      MessageId: input.messageId,
      TopicArn: input.topicArn,
      Subject: input.subject,
      Message: input.message,
      Timestamp: input.timestamp,
    });
    // Always "1", though a topic with SignatureVersion 2 signs with SHA-256 here too: recorded
    // against AWS (Jan 2024, LocalStack's test_publish_lambda_verify_signature[2] notification,
    // whose SHA-256 check of the signature passed on AWS).
    sns.SignatureVersion = "1";
    sns.Signature = signed.Signature;
    sns.SigningCertUrl = signed.SigningCertURL;
  }
  sns.UnsubscribeUrl = input.unsubscribeUrl;
  sns.MessageAttributes = envelopeAttributes(input.messageAttributes) ?? {};
  return {
    Records: [{ EventSource: "aws:sns", EventVersion: "1.0", EventSubscriptionArn: input.subscriptionArn, Sns: sns }],
  };
}

export interface HttpDelivery {
  headers: Record<string, string>;
  body: string;
}

const HTTP_CONTENT_TYPE = "text/plain; charset=UTF-8";
const HTTP_USER_AGENT = "Amazon Simple Notification Service Agent";

function httpHeaders(type: SnsMessageType, messageId: string, topicArn: string, subscriptionArn: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    "x-amz-sns-message-type": type,
    "x-amz-sns-message-id": messageId,
    "x-amz-sns-topic-arn": topicArn,
  };
  // A subscription awaiting confirmation has no ARN yet, and AWS's example omits the header.
  if (subscriptionArn !== undefined) headers["x-amz-sns-subscription-arn"] = subscriptionArn;
  headers["content-type"] = HTTP_CONTENT_TYPE;
  headers["user-agent"] = HTTP_USER_AGENT;
  return headers;
}

/** SNS to HTTP/S: the POST a subscriber's endpoint receives for a notification. */
export function httpNotification(input: NotificationInput, options: { rawMessageDelivery: boolean }): HttpDelivery {
  const headers = httpHeaders("Notification", input.messageId, input.topicArn, input.subscriptionArn);
  if (options.rawMessageDelivery) {
    headers["x-amz-sns-rawdelivery"] = "true";
    return { headers, body: input.message };
  }
  return { headers, body: envelopeJson(buildNotification(input)) };
}

/** The SubscriptionConfirmation document as an SQS message body: a queue of another account confirms its subscription from it. */
export function queueConfirmation(input: ConfirmationInput): SqsDelivery {
  return { body: envelopeJson(buildConfirmation(input)) };
}

/** The SubscriptionConfirmation / UnsubscribeConfirmation POST. */
export function httpConfirmation(input: ConfirmationInput): HttpDelivery {
  const subscriptionArn = input.type === "UnsubscribeConfirmation" ? input.subscriptionArn : undefined;
  return {
    headers: httpHeaders(input.type, input.messageId, input.topicArn, subscriptionArn),
    body: envelopeJson(buildConfirmation(input)),
  };
}
