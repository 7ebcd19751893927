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
