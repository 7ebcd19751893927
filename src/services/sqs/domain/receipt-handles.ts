/**
 * Receipt handles: opaque to clients, unique per receive, and carrying what DeleteMessage and
 * ChangeMessageVisibility need (queue, message, which receive issued it, when).
 *
 * Layout before base64: version byte, three length-prefixed UTF-8 fields (queue ARN, message
 * id, receive id), the receive time as a 64-bit big-endian epoch-ms, then 8 bytes of an
 * HMAC-SHA256 over all of that. The MAC is not security (the key is fixed); it makes any
 * garbage or truncated handle fail to decode, as AWS rejects it, instead of pointing at
 * some other message. Handles start with "AQEB" like AWS's do, which some tools sniff.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { pooledRandomBytes } from "../../../core/random.js";
import { sqsErrors } from "./errors.js";

export interface ReceiptHandleData {
  queueArn: string;
  messageId: string;
  /** Distinguishes receives of the same message; a new one for every delivery. */
  receiveId: string;
  /** Epoch ms of the receive that issued the handle. */
  receivedAt: number;
}

const PREFIX = "AQEB";
const VERSION = 1;
const MAC_BYTES = 8;
const MAC_KEY = "nimbus/sqs/receipt-handle/v1";

function mac(payload: Uint8Array): Buffer {
  return createHmac("sha256", MAC_KEY).update(payload).digest().subarray(0, MAC_BYTES);
}

function field(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  const out = Buffer.alloc(2 + bytes.length);
  out.writeUInt16BE(bytes.length, 0);
  bytes.copy(out, 2);
  return out;
}

/** A fresh receive id; callers that need determinism pass their own. */
export function randomReceiveId(): string {
  return pooledRandomBytes(12).toString("hex");
}

export function encodeReceiptHandle(data: ReceiptHandleData): string {
  const time = Buffer.alloc(8);
  time.writeBigUInt64BE(BigInt(Math.max(0, Math.trunc(data.receivedAt))), 0);
  const payload = Buffer.concat([
    Buffer.from([VERSION]),
    field(data.queueArn),
    field(data.messageId),
    field(data.receiveId),
    time,
  ]);
  return PREFIX + Buffer.concat([payload, mac(payload)]).toString("base64");
}

function tryDecode(handle: string): ReceiptHandleData | undefined {
  if (!handle.startsWith(PREFIX)) return undefined;
  const body = handle.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) return undefined;
  const bytes = Buffer.from(body, "base64");
  if (bytes.length < 1 + 6 + 8 + MAC_BYTES) return undefined;
  const payload = bytes.subarray(0, bytes.length - MAC_BYTES);
  const tag = bytes.subarray(bytes.length - MAC_BYTES);
  if (!timingSafeEqual(tag, mac(payload)) || payload[0] !== VERSION) return undefined;
  let offset = 1;
  const fields: string[] = [];
  for (let i = 0; i < 3; i++) {
    if (offset + 2 > payload.length) return undefined;
    const length = payload.readUInt16BE(offset);
    offset += 2;
    if (offset + length > payload.length) return undefined;
    fields.push(payload.subarray(offset, offset + length).toString("utf8"));
    offset += length;
  }
  if (offset + 8 !== payload.length) return undefined;
  const receivedAt = Number(payload.readBigUInt64BE(offset));
  const [queueArn, messageId, receiveId] = fields as [string, string, string];
  return { queueArn, messageId, receiveId, receivedAt };
}

/** Decodes a handle or throws ReceiptHandleIsInvalid with the handle quoted, as AWS does. */
export function decodeReceiptHandle(handle: string): ReceiptHandleData {
  const data = tryDecode(handle);
  if (data === undefined) throw sqsErrors.ReceiptHandleIsInvalid({ handle });
  return data;
}

/** A handle issued by another queue is as invalid as garbage for this one. */
export function decodeReceiptHandleForQueue(handle: string, queueArn: string): ReceiptHandleData {
  const data = decodeReceiptHandle(handle);
  if (data.queueArn !== queueArn) throw sqsErrors.ReceiptHandleIsInvalid({ handle });
  return data;
}

export function isValidReceiptHandle(handle: string): boolean {
  return tryDecode(handle) !== undefined;
}
