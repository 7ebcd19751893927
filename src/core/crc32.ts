/**
 * CRC-32 (the zlib / ISO-HDLC polynomial). zlib.crc32 (Node >= 20.15) is native and ~40x
 * faster than the table-driven @aws-crypto/crc32 (3.4 GB/s vs 86 MB/s measured); the package
 * is the fallback on older Node 20 releases and the tests' oracle.
 */
import type * as AwsCrypto from "@aws-crypto/crc32";
import { createRequire } from "node:module";
import * as zlib from "node:zlib";

const zlibCrc32 =
  typeof (zlib as { crc32?: unknown }).crc32 === "function" ? (zlib as unknown as { crc32: (data: Uint8Array | string, value?: number) => number }).crc32 : undefined;

/**
 * The native CRC-32, which can also continue from an earlier value; undefined where Node lacks
 * it. Empty data leaves the value as it is: zlib answers 0, its initial value, for a buffer
 * without memory behind it (an empty view of an empty ArrayBuffer, as randomBytes(0) is), so a
 * running CRC would start over.
 */
export const nativeCrc32: ((data: Uint8Array, value?: number) => number) | undefined = zlibCrc32
  ? (data, value) => (data.length === 0 ? (value ?? 0) : zlibCrc32(data, value))
  : undefined;

const require = createRequire(import.meta.url);
let tableCrc: typeof AwsCrypto | undefined;

/**
 * @aws-crypto/crc32, the fallback: loaded when first needed, so a Node with zlib.crc32 never
 * loads it (it cost about 20 ms of CPU at every start, and in every S3 hash worker).
 */
export const tableCrc32 = (): typeof AwsCrypto => (tableCrc ??= require("@aws-crypto/crc32") as typeof AwsCrypto);

/** The CRC-32 of `data`, an unsigned 32-bit integer. */
export const crc32: (data: Uint8Array) => number = nativeCrc32 ? (data) => nativeCrc32(data) : (data) => tableCrc32().crc32(data);

/** The CRC-32 of a text's UTF-8 bytes (zlib encodes a string itself: no Buffer is made). */
export const crc32Utf8: (text: string) => number = zlibCrc32 ? (text) => zlibCrc32(text) : (text) => tableCrc32().crc32(Buffer.from(text, "utf8"));
