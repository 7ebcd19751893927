/**
 * DynamoDB compresses an answer of 4 KB or more with gzip or deflate when the request's
 * Accept-Encoding allows one (the Go SDK v2's EnableAcceptEncodingGzip, the Java SDK v1's
 * withGzip, fetch's default), and then puts the CRC-32 of the compressed bytes in x-amz-crc32:
 * "If the response body is content-encoding: gzip, the checksum is of the gzipped response
 * content" (the Go SDK v2's DynamoDB customizations). Smaller answers go as they are.
 *
 * How DynamoDB reads Accept-Encoding, as ScyllaDB's Alternator tests recorded it against AWS:
 * codings are case-insensitive and trimmed, and only `gzip`, `deflate` and `*` count;
 * `identity` and unknown or malformed codings are ignored; a quality value is the first `q=`
 * after the coding's `;` (so `gzip;nq=0` means q=0 and `gzip;q =0;q=1` means q=1), a number
 * above 1 counts as 1, zero or a negative number refuses the coding, and a value that is no
 * number counts as 1. The highest quality wins; among equals a coding named outright beats one
 * `*` stands for, then the earlier one in the header, and `*` alone means gzip before deflate.
 * DynamoDB reads only the first of several Accept-Encoding headers; node joins them, so Nimbus
 * reads them all (a difference only a hand-made request can show).
 */
import { deflateSync, gzipSync } from "node:zlib";

export type ResponseEncoding = "gzip" | "deflate";

/** DynamoDB's threshold, as Alternator's conformance tests calibrated it against AWS. */
export const COMPRESSION_THRESHOLD_BYTES = 4096;

const CODINGS: readonly ResponseEncoding[] = ["gzip", "deflate"];

interface Offer {
  readonly q: number;
  /** 0: named outright; 1: through `*`. */
  readonly wildcard: 0 | 1;
  readonly position: number;
}

/** The quality of one Accept-Encoding element's parameters (the text after its first `;`). */
function quality(params: string | undefined): number {
  if (params === undefined) return 1;
  const at = params.indexOf("q=");
  if (at < 0) return 1;
  const value = (params.slice(at + 2).split(";")[0] ?? "").trim();
  if (!/^-?[0-9]+(\.[0-9]*)?$/.test(value)) return 1;
  return Math.min(1, Number(value));
}

/** The coding DynamoDB would answer in, or undefined for none. */
export function negotiateEncoding(header: string | undefined): ResponseEncoding | undefined {
  if (header === undefined) return undefined;
  const named = new Map<string, { q: number; position: number }>();
  header.split(",").forEach((element, position) => {
    const semicolon = element.indexOf(";");
    const coding = (semicolon < 0 ? element : element.slice(0, semicolon)).trim().toLowerCase();
    if (coding !== "*" && !CODINGS.includes(coding as ResponseEncoding)) return;
    const q = quality(semicolon < 0 ? undefined : element.slice(semicolon + 1));
    const seen = named.get(coding);
    if (seen === undefined || q > seen.q) named.set(coding, { q, position: seen?.position ?? position });
  });
  const wildcard = named.get("*");
  // In CODINGS order, and only a strictly better offer replaces the one kept: `*` alone gives gzip.
  let best: { coding: ResponseEncoding; offer: Offer } | undefined;
  CODINGS.forEach((coding) => {
    const own = named.get(coding);
    const offer: Offer | undefined = own
      ? { q: own.q, wildcard: 0, position: own.position }
      : wildcard && { q: wildcard.q, wildcard: 1, position: wildcard.position };
    if (offer === undefined || offer.q <= 0) return;
    const better =
      best === undefined ||
      offer.q > best.offer.q ||
      (offer.q === best.offer.q && (offer.wildcard < best.offer.wildcard || (offer.wildcard === best.offer.wildcard && offer.position < best.offer.position)));
    if (better) best = { coding, offer };
  });
  return best?.coding;
}

/** The body DynamoDB would send: compressed when it is large enough and the client allows it. */
export function encodeBody(body: string | Buffer, acceptEncoding: string | undefined): { body: string | Buffer; encoding?: ResponseEncoding } {
  // The header first: the SDKs that send none are most requests. Then the size, which a short
  // string (at most 3 UTF-8 bytes per UTF-16 unit) answers without counting.
  if (acceptEncoding === undefined || body.length * 3 < COMPRESSION_THRESHOLD_BYTES || Buffer.byteLength(body) < COMPRESSION_THRESHOLD_BYTES) return { body };
  const encoding = negotiateEncoding(acceptEncoding);
  if (encoding === undefined) return { body };
  return { body: encoding === "gzip" ? gzipSync(body) : deflateSync(body), encoding };
}
