/**
 * The MD5 digests SQS returns with SendMessage/SendMessageBatch/ReceiveMessage. The SDKs check
 * MD5OfMessageBody (the JS v3 client throws "InvalidChecksumError" on a mismatch) and the Java
 * and .NET clients also check MD5OfMessageAttributes, so these must be byte-exact.
 *
 * Attribute encoding, per the SQS developer guide ("Calculating the MD5 message digest for
 * message attributes"): attributes sorted by name, each written as
 *   4-byte big-endian length + UTF-8 name,
 *   4-byte length + UTF-8 data type (custom suffix included, e.g. "Number.float"),
 *   1 byte transport type: 1 for String and Number, 2 for Binary,
 *   4-byte length + value bytes (UTF-8 for String/Number, raw for Binary).
 * The transport type follows the logical type before the first '.', so "Binary.gif" is 2.
 */
import { digestHex } from "../../../core/digest.js";

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

export type MessageAttributeMap = Readonly<Record<string, MessageAttributeValue>>;

const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

/** MD5 as hex; a string is hashed as its UTF-8 bytes (one call: no Buffer of the text). */
export function md5Hex(data: Uint8Array | string): string {
  return digestHex("md5", data);
}

export function md5OfMessageBody(body: string): string {
  return md5Hex(body);
}

/** The logical type of a data type: `"Number.float"` -> `"Number"`. */
export function logicalDataType(dataType: string): string {
  const dot = dataType.indexOf(".");
  return dot === -1 ? dataType : dataType.slice(0, dot);
}

function lengthPrefixed(bytes: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + bytes.length);
  out.writeUInt32BE(bytes.length, 0);
  out.set(bytes, 4);
  return out;
}

/** The byte string AWS hashes for a set of attributes (exported for tests and debugging). */
export function encodeMessageAttributes(attributes: MessageAttributeMap): Buffer {
  // Sorted by UTF-16 code units, as Java's String.compareTo does on the AWS side; the .NET SDK
  // once sorted differently and reported spurious "Attribute MD5 hash mismatch" errors.
  const names = Object.keys(attributes).sort();
  const parts: Buffer[] = [];
  for (const name of names) {
    const attribute = attributes[name];
    if (attribute === undefined) continue;
    parts.push(lengthPrefixed(Buffer.from(name, "utf8")));
    parts.push(lengthPrefixed(Buffer.from(attribute.DataType, "utf8")));
    if (logicalDataType(attribute.DataType) === "Binary") {
      parts.push(Buffer.from([BINARY_TRANSPORT]));
      parts.push(lengthPrefixed(attribute.BinaryValue ?? new Uint8Array(0)));
    } else {
      parts.push(Buffer.from([STRING_TRANSPORT]));
      parts.push(lengthPrefixed(Buffer.from(attribute.StringValue ?? "", "utf8")));
    }
  }
  return Buffer.concat(parts);
}

/** MD5OfMessageAttributes; AWS omits the field when there are no attributes, hence undefined. */
export function md5OfMessageAttributes(attributes: MessageAttributeMap | undefined): string | undefined {
  if (attributes === undefined || Object.keys(attributes).length === 0) return undefined;
  return md5Hex(encodeMessageAttributes(attributes));
}

/** MD5OfMessageSystemAttributes (today only AWSTraceHeader) uses the same encoding. */
export function md5OfMessageSystemAttributes(attributes: MessageAttributeMap | undefined): string | undefined {
  return md5OfMessageAttributes(attributes);
}
