/**
 * Message-level validation for SendMessage, SendMessageBatch, ReceiveMessage and the visibility
 * calls: body characters, sizes, message attributes, batch entries and numeric parameters, with
 * the errors AWS answers. Queue-attribute rules live in attributes.ts, FIFO rules in fifo.ts.
 */
import { setOwn } from "../../../core/own.js";
import { sqsErrors } from "./errors.js";
import { logicalDataType, type MessageAttributeMap } from "./md5.js";

/** The service-wide payload ceiling (1 MiB since August 2025), which also bounds a whole batch. */
export const MAX_PAYLOAD_BYTES = 1_048_576;
export const MAX_MESSAGE_ATTRIBUTES = 10;
export const MAX_BATCH_ENTRIES = 10;
export const MAX_DELAY_SECONDS = 900;
export const MAX_VISIBILITY_TIMEOUT = 43_200;
export const MAX_WAIT_TIME_SECONDS = 20;
export const MAX_RECEIVE_MESSAGES = 10;

/**
 * Outside the XML 1.0 character set SQS accepts: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD |
 * #x10000-#x10FFFF. With `u`, a lone surrogate is a code point of its own (and not allowed).
 */
const DISALLOWED = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * The first code point outside the allowed set (a lone surrogate counts as its own code point).
 * One regular-expression scan: walking the string code point by code point made a string per
 * character, which for a 256 KiB body was most of a send's cost.
 */
export function findInvalidCharacter(text: string): number | undefined {
  const found = DISALLOWED.exec(text);
  return found === null ? undefined : found[0].codePointAt(0);
}

/** How AWS names a character in its errors: `#x0`, `#xFFFF`. */
export function formatCodePoint(cp: number): string {
  return `#x${cp.toString(16).toUpperCase()}`;
}

export function validateMessageBody(body: string | undefined): void {
  if (body === undefined || body.length === 0) throw sqsErrors.MissingParameter({ name: "MessageBody" });
  const bad = findInvalidCharacter(body);
  if (bad !== undefined) throw sqsErrors.InvalidMessageContents({ character: formatCodePoint(bad) });
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

/** What counts against MaximumMessageSize: the body plus every attribute's name, type and value. */
export function messageSize(body: string, attributes: MessageAttributeMap | undefined): number {
  let size = utf8Length(body);
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    size += utf8Length(name) + utf8Length(attribute.DataType);
    if (attribute.StringValue !== undefined) size += utf8Length(attribute.StringValue);
    if (attribute.BinaryValue !== undefined) size += attribute.BinaryValue.length;
  }
  return size;
}

export function validateMessageSize(body: string, attributes: MessageAttributeMap | undefined, maximumMessageSize: number): void {
  if (messageSize(body, attributes) > maximumMessageSize) {
    throw sqsErrors.InvalidParameterValue({
      message: `One or more parameters are invalid. Reason: Message must be shorter than ${maximumMessageSize} bytes.`,
    });
  }
}

/** Attribute values as the protocol layer hands them over (list values are "reserved for future use"). */
export interface IncomingMessageAttribute {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
  StringListValues?: string[];
  BinaryListValues?: Uint8Array[];
}

const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
// Letters of any script are accepted (AWS takes "attr.1øßä"), as are digits, '_', '-' and '.'.
const ATTRIBUTE_NAME_RE = /^[\p{L}\p{N}_.-]+$/u;

const invalid = (message: string) => sqsErrors.InvalidParameterValue({ message });

function validateAttributeName(name: string): void {
  if (name.length === 0) throw invalid("The request must contain non-empty message (user) attribute names.");
  if (name.length > 256) throw invalid("Message (user) attribute name must be shorter than 256 bytes.");
  const lower = name.toLowerCase();
  if (lower.startsWith("aws.") || lower.startsWith("amazon.")) {
    throw invalid("You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings are reserved for internal use.");
  }
  if (!ATTRIBUTE_NAME_RE.test(name) || name.startsWith(".") || name.endsWith(".") || name.includes("..")) {
    // The trailing space is part of AWS's message.
    throw invalid(
      "Message (user) attributes name can only contain upper and lower score characters, digits, periods, hyphens and underscores. ",
    );
  }
}

/**
 * Validates SendMessage MessageAttributes and returns them in the shape md5.ts and the store use.
 * Checks run per attribute in the order AWS reports them.
 */
export function validateMessageAttributes(
  attributes: Readonly<Record<string, IncomingMessageAttribute>> | undefined,
): Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }> {
  const out: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Uint8Array }> = {};
  if (attributes === undefined) return out;
  const names = Object.keys(attributes);
  if (names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw invalid(`Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`);
  }
  for (const name of names) {
    validateAttributeName(name);
    const attribute = attributes[name] ?? {};
    const dataType = attribute.DataType;
    if (dataType === undefined || dataType.length === 0) {
      throw invalid(`The message (user) attribute '${name}' must contain a non-empty message attribute type.`);
    }
    // List values are refused before the type is looked at ("StringList" gets this message).
    if ((attribute.StringListValues?.length ?? 0) > 0 || (attribute.BinaryListValues?.length ?? 0) > 0) {
      throw invalid("Message attribute list values in SendMessage operation are not supported.");
    }
    const logical = logicalDataType(dataType);
    if (logical !== "String" && logical !== "Number" && logical !== "Binary") {
      throw invalid(
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (dataType.length > 256) throw invalid("Message (user) attribute type must be shorter than 256 bytes.");
    if (attribute.StringValue === undefined && attribute.BinaryValue === undefined) {
      throw invalid(`The message (user) attribute '${name}' must contain a non-empty message attribute value.`);
    }
    if (logical === "Binary") {
      if (attribute.BinaryValue === undefined || attribute.BinaryValue.length === 0) {
        throw invalid(`Message (user) attribute '${name}' must contain a non-empty value of type 'Binary'.`);
      }
      setOwn(out, name, { DataType: dataType, BinaryValue: attribute.BinaryValue });
      continue;
    }
    const value = attribute.StringValue;
    if (value === undefined || value.length === 0) {
      throw invalid(`Message (user) attribute '${name}' must contain a non-empty value of type '${logical}'.`);
    }
    if (logical === "Number" && !NUMBER_RE.test(value)) {
      throw invalid(`Can't cast the value of message (user) attribute '${name}' to a number.`);
    }
    const bad = findInvalidCharacter(value);
    if (bad !== undefined) {
      // String attribute values share the body's character set. No recording of this exact
      // refusal was found; the body's wording is used with the attribute named.
      throw invalid(
        `Invalid binary character '${formatCodePoint(bad)}' was found in the message attribute '${name}', the set of allowed characters is #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].`,
      );
    }
    setOwn(out, name, { DataType: dataType, StringValue: value });
  }
  return out;
}

/** MessageSystemAttributes: only AWSTraceHeader, of type String. Its size does not count. */
export function validateMessageSystemAttributes(
  attributes: Readonly<Record<string, IncomingMessageAttribute>> | undefined,
): Record<string, { DataType: string; StringValue: string }> {
  const out: Record<string, { DataType: string; StringValue: string }> = {};
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    if (name !== "AWSTraceHeader") throw invalid(`Message system attribute name '${name}' is invalid.`);
    if (attribute.DataType !== "String" || attribute.StringValue === undefined || attribute.StringValue.length === 0) {
      throw invalid(`Message system attribute '${name}' must contain a non-empty value of type 'String'.`);
    }
    out[name] = { DataType: "String", StringValue: attribute.StringValue };
  }
  return out;
}

/** Per-message DelaySeconds: 0-900 on standard queues; FIFO queues only take the queue's delay. */
export function validateMessageDelaySeconds(delaySeconds: number | undefined, fifo: boolean): void {
  if (delaySeconds === undefined) return;
  if (fifo) {
    if (delaySeconds !== 0) {
      throw sqsErrors.InvalidParameterValueFor({
        value: delaySeconds,
        name: "DelaySeconds",
        reason: "The request include parameter that is not valid for this queue type.",
      });
    }
    return;
  }
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
    throw sqsErrors.InvalidParameterValueFor({
      value: delaySeconds,
      name: "DelaySeconds",
      reason: "DelaySeconds must be >= 0 and <= 900.",
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Batches
// ---------------------------------------------------------------------------------------------

export type BatchEntryType =
  | "SendMessageBatchRequestEntry"
  | "DeleteMessageBatchRequestEntry"
  | "ChangeMessageVisibilityBatchRequestEntry";

const BATCH_ID_RE = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * Request-level batch rules: 1-10 entries, ids of 1-80 alphanumerics/hyphens/underscores,
 * all distinct. Any of them fails the whole request (per-entry problems go to `Failed`).
 */
export function validateBatchEntries(entries: ReadonlyArray<{ Id?: string }> | undefined, entryType: BatchEntryType): void {
  if (entries === undefined || entries.length === 0) throw sqsErrors.EmptyBatchRequest({ entryType });
  if (entries.length > MAX_BATCH_ENTRIES) throw sqsErrors.TooManyEntriesInBatchRequest({ count: entries.length });
  const seen = new Set<string>();
  for (const entry of entries) {
    const id = entry.Id ?? "";
    if (!BATCH_ID_RE.test(id)) throw sqsErrors.InvalidBatchEntryId();
    if (seen.has(id)) throw sqsErrors.BatchEntryIdsNotDistinct({ id });
    seen.add(id);
  }
}

/** SendMessageBatch: the sum of all entries' sizes is capped at the service payload limit. */
export function validateBatchSize(
  entries: ReadonlyArray<{ MessageBody?: string; MessageAttributes?: MessageAttributeMap }>,
  limit = MAX_PAYLOAD_BYTES,
): void {
  const size = entries.reduce((sum, e) => sum + messageSize(e.MessageBody ?? "", e.MessageAttributes), 0);
  if (size > limit) throw sqsErrors.BatchRequestTooLong({ limit, size });
}

// ---------------------------------------------------------------------------------------------
// ReceiveMessage and visibility
// ---------------------------------------------------------------------------------------------

export interface ReceiveParameters {
  MaxNumberOfMessages?: number;
  WaitTimeSeconds?: number;
  VisibilityTimeout?: number;
}

export function validateReceiveParameters(params: ReceiveParameters): void {
  const { MaxNumberOfMessages: max, WaitTimeSeconds: wait, VisibilityTimeout: visibility } = params;
  if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > MAX_RECEIVE_MESSAGES)) {
    throw sqsErrors.InvalidParameterValueFor({ value: max, name: "MaxNumberOfMessages", reason: "Must be between 1 and 10, if provided." });
  }
  if (wait !== undefined && (!Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_TIME_SECONDS)) {
    throw sqsErrors.InvalidParameterValueFor({ value: wait, name: "WaitTimeSeconds", reason: "Must be >= 0 and <= 20, if provided." });
  }
  if (visibility !== undefined && (!Number.isInteger(visibility) || visibility < 0 || visibility > MAX_VISIBILITY_TIMEOUT)) {
    throw sqsErrors.InvalidParameterValueFor({
      value: visibility,
      name: "VisibilityTimeout",
      reason: "Must be >= 0 and <= 43200, if provided.",
    });
  }
}

/**
 * ChangeMessageVisibility: the new timeout is 0-43200, and the message may not stay invisible
 * for more than 12 hours counted from the receive that issued the handle.
 */
export function validateVisibilityChange(visibilityTimeout: number, receivedAtMs: number, nowMs: number): void {
  if (!Number.isInteger(visibilityTimeout) || visibilityTimeout < 0 || visibilityTimeout > MAX_VISIBILITY_TIMEOUT) {
    throw sqsErrors.InvalidParameterValueFor({
      value: visibilityTimeout,
      name: "VisibilityTimeout",
      reason: "Must be between 0 and 43200, if provided.",
    });
  }
  if (nowMs - receivedAtMs + visibilityTimeout * 1000 > MAX_VISIBILITY_TIMEOUT * 1000) {
    throw sqsErrors.InvalidParameterValueFor({
      value: visibilityTimeout,
      name: "VisibilityTimeout",
      reason: "Total VisibilityTimeout for the message is beyond the limit [43200 seconds].",
    });
  }
}

/**
 * ReceiveMessage MessageAttributeNames: "All" or ".*" for everything, "prefix.*" for a prefix,
 * otherwise exact names. Unknown names are simply not returned. A bare "*" also selects every
 * attribute: the API reference names only "All" and ".*", but AWS answered ["*"] with all three
 * attributes of a message (LocalStack's test_receive_message_message_attribute_names_filters
 * snapshot, all_wildcard_asterisk, recorded against AWS in 2023).
 */
export function selectMessageAttributes<T>(
  attributes: Readonly<Record<string, T>> | undefined,
  requested: readonly string[] | undefined,
): Record<string, T> {
  const out: Record<string, T> = {};
  if (attributes === undefined || requested === undefined || requested.length === 0) return out;
  const all = requested.some((n) => n === "All" || n === ".*" || n === "*");
  const prefixes = requested.filter((n) => n.endsWith(".*") && n !== ".*").map((n) => n.slice(0, -2));
  const exact = new Set(requested);
  for (const [name, value] of Object.entries(attributes)) {
    if (all || exact.has(name) || prefixes.some((p) => name.startsWith(p))) setOwn(out, name, value);
  }
  return out;
}

/** The system attributes ReceiveMessage can return (MessageSystemAttributeName minus "All"). */
export const MESSAGE_SYSTEM_ATTRIBUTE_NAMES = [
  "AWSTraceHeader",
  "ApproximateFirstReceiveTimestamp",
  "ApproximateReceiveCount",
  "DeadLetterQueueSourceArn",
  "MessageDeduplicationId",
  "MessageGroupId",
  "SenderId",
  "SentTimestamp",
  "SequenceNumber",
] as const;

/** Expands AttributeNames / MessageSystemAttributeNames ("All") into the names to return. */
export function resolveMessageSystemAttributeNames(...lists: Array<readonly string[] | undefined>): string[] {
  const out = new Set<string>();
  for (const list of lists) {
    for (const name of list ?? []) {
      if (name === "All") for (const n of MESSAGE_SYSTEM_ATTRIBUTE_NAMES) out.add(n);
      else if ((MESSAGE_SYSTEM_ATTRIBUTE_NAMES as readonly string[]).includes(name)) out.add(name);
    }
  }
  return [...out];
}
