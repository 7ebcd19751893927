/**
 * CRC-32 (the zlib / ISO-HDLC polynomial). zlib.crc32 (Node >= 20.15) is native and ~40x
 * faster than the table-driven @aws-crypto/crc32 (3.4 GB/s vs 86 MB/s measured); the package
 * is the fallback on older Node 20 releases and the tests' oracle.
 */
import { crc32 as tableCrc32 } from "@aws-crypto/crc32";
import * as zlib from "node:zlib";

/** The native CRC-32, which can also continue from an earlier value; undefined where Node lacks it. */
export const nativeCrc32: ((data: Uint8Array, value?: number) => number) | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === "function"
    ? (zlib as unknown as { crc32: (data: Uint8Array, value?: number) => number }).crc32
    : undefined;

/** The CRC-32 of `data`, an unsigned 32-bit integer. */
export const crc32: (data: Uint8Array) => number = nativeCrc32 ? (data) => nativeCrc32(data) : tableCrc32;
