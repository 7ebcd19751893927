import type { Readable } from "node:stream";

/** An HTTP request as the protocol layer sees it: no node:http types beyond this point. */
export interface WireRequest {
  readonly method: string;
  /** Path as sent on the wire (percent-encoded), without the query string. */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** The query string exactly as sent (after `?`), for signature checks; absent for in-process requests. */
  readonly rawQuery?: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly host: string;
  /** The whole body, when it has been read. */
  body?: Buffer;
  /** The unread body, for operations with a streaming payload. */
  stream?: Readable;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string | Readable | AsyncIterable<Uint8Array>;
}

/**
 * Whether a response header can carry `value`: RFC 9110's field-value, visible ASCII, space,
 * tab and obs-text (one byte each, U+0080 to U+00FF), which is what node:http lets a response
 * send; any other character makes it refuse the whole response. Values a client can bring in
 * other ways than a header (a query parameter, a form field) are checked with it before they
 * are stored or answered.
 */
export function headerValueSendable(value: string): boolean {
  return !/[^\t\x20-\x7e\x80-\xff]/.test(value);
}

/** Whether a response header can be named `name`: an RFC 9110 token, as node:http requires. */
export function headerNameSendable(name: string): boolean {
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name);
}
