/**
 * Receipt handles: opaque to clients, unique per receive, and carrying what DeleteMessage and
 * ChangeMessageVisibility need (queue, message, which receive issued it, when).
 *
 * Layout before base64: version byte, three length-prefixed UTF-8 fields (queue ARN, message
 * id, receive id), the receive time as a 64-bit big-endian epoch-ms, then a check over all of
 * that. The check is not security; it makes any garbage or truncated handle fail to decode,
 * as AWS rejects it, instead of pointing at some other message. Version 2 (issued now) checks
 * with a CRC-32; version 1 (issued before) with 8 bytes of an HMAC-SHA256 under a fixed key,
 * which cost ~3 µs per handle each way, and is still read so that a consumer holding one
 * across an upgrade or a restart still deletes its message. Handles start with "AQEB" like
 * AWS's do, which some tools sniff.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { crc32 } from "../../../core/crc32.js";
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
const VERSION = 2;
const CRC_BYTES = 4;
const HMAC_VERSION = 1;
const HMAC_BYTES = 8;
const HMAC_KEY = "nimbus/sqs/receipt-handle/v1";
const TIME_BYTES = 8;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A fresh receive id; callers that need determinism pass their own. */
export function randomReceiveId(): string {
  return pooledRandomBytes(12).toString("hex");
}

/** Writes a 2-byte length and the UTF-8 text at `offset`; returns the offset after it. */
function writeField(out: Buffer, offset: number, text: string, length: number): number {
  out.writeUInt16BE(length, offset);
  out.write(text, offset + 2, length, "utf8");
  return offset + 2 + length;
}

export function encodeReceiptHandle(data: ReceiptHandleData): string {
  const arnLength = Buffer.byteLength(data.queueArn, "utf8");
  const idLength = Buffer.byteLength(data.messageId, "utf8");
  const receiveLength = Buffer.byteLength(data.receiveId, "utf8");
  // One buffer, written in place: the concatenated pieces of the first version cost more than the fields.
  const out = Buffer.allocUnsafe(1 + 6 + arnLength + idLength + receiveLength + TIME_BYTES + CRC_BYTES);
  out[0] = VERSION;
  let offset = writeField(out, 1, data.queueArn, arnLength);
  offset = writeField(out, offset, data.messageId, idLength);
  offset = writeField(out, offset, data.receiveId, receiveLength);
  // Epoch ms need 42 bits: the high word of the 64-bit time, then the low one.
  const time = Math.max(0, Math.trunc(data.receivedAt));
  out.writeUInt32BE(Math.floor(time / 2 ** 32), offset);
  out.writeUInt32BE(time % 2 ** 32, offset + 4);
  offset += TIME_BYTES;
  out.writeUInt32BE(crc32(out.subarray(0, offset)), offset);
  return PREFIX + out.toString("base64");
}

function hmac(payload: Uint8Array): Buffer {
  return createHmac("sha256", HMAC_KEY).update(payload).digest().subarray(0, HMAC_BYTES);
}

/** The payload (version byte to time) of a handle whose check holds, else undefined. */
function checkedPayload(bytes: Buffer): Buffer | undefined {
  if (bytes[0] === VERSION) {
    if (bytes.length < 1 + 6 + TIME_BYTES + CRC_BYTES) return undefined;
    const payload = bytes.subarray(0, bytes.length - CRC_BYTES);
    return bytes.readUInt32BE(payload.length) === crc32(payload) ? payload : undefined;
  }
  if (bytes[0] === HMAC_VERSION) {
    if (bytes.length < 1 + 6 + TIME_BYTES + HMAC_BYTES) return undefined;
    const payload = bytes.subarray(0, bytes.length - HMAC_BYTES);
    return timingSafeEqual(bytes.subarray(payload.length), hmac(payload)) ? payload : undefined;
  }
  return undefined;
}

function tryDecode(handle: string): ReceiptHandleData | undefined {
  if (!handle.startsWith(PREFIX)) return undefined;
  const body = handle.slice(PREFIX.length);
  if (!BASE64.test(body)) return undefined;
  const payload = checkedPayload(Buffer.from(body, "base64"));
  if (payload === undefined) return undefined;
  let offset = 1;
  const fields: string[] = [];
  for (let i = 0; i < 3; i++) {
    if (offset + 2 > payload.length) return undefined;
    const length = payload.readUInt16BE(offset);
    offset += 2;
    if (offset + length > payload.length) return undefined;
    fields.push(payload.toString("utf8", offset, offset + length));
    offset += length;
  }
  if (offset + TIME_BYTES !== payload.length) return undefined;
  const receivedAt = payload.readUInt32BE(offset) * 2 ** 32 + payload.readUInt32BE(offset + 4);
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
