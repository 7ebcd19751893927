/**
 * The AWS event-stream framing (`application/vnd.amazon.eventstream`) used by streaming
 * operations (Kinesis SubscribeToShard, S3 SelectObjectContent, Lambda InvokeWithResponseStream),
 * encoded with the SDK's own codec library.
 */
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import type { Message, MessageHeaders } from "@smithy/types";
import { AwsError } from "../core/errors.js";

export const eventStreamCodec = new EventStreamCodec(toUtf8, fromUtf8);

export interface EncodedEvent {
  readonly body: Uint8Array;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

function stringHeaders(values: Record<string, string>): MessageHeaders {
  const headers: MessageHeaders = {};
  for (const [k, v] of Object.entries(values)) headers[k] = { type: "string", value: v };
  return headers;
}

export function encodeEvent(eventType: string, event: EncodedEvent): Uint8Array {
  const message: Message = {
    headers: stringHeaders({
      ":message-type": "event",
      ":event-type": eventType,
      ...(event.contentType ? { ":content-type": event.contentType } : {}),
      ...(event.headers ?? {}),
    }),
    body: event.body,
  };
  return eventStreamCodec.encode(message);
}

export function encodeException(err: AwsError, body: Uint8Array, contentType: string): Uint8Array {
  return eventStreamCodec.encode({
    headers: stringHeaders({ ":message-type": "exception", ":exception-type": err.code, ":content-type": contentType }),
    body,
  });
}

/**
 * Frames a handler's async iterable of `{ EventName: members }` objects. A typed AWS error
 * thrown while streaming becomes an exception frame, as AWS sends it; the stream then ends.
 */
export async function* frameEvents(
  events: AsyncIterable<Record<string, unknown>>,
  serialize: (eventName: string, value: unknown) => EncodedEvent,
  serializeError: (err: AwsError) => EncodedEvent,
  initial?: EncodedEvent,
): AsyncIterable<Uint8Array> {
  if (initial) yield encodeEvent("initial-response", initial);
  try {
    for await (const event of events) {
      for (const [name, value] of Object.entries(event)) {
        if (value !== undefined) yield encodeEvent(name, serialize(name, value));
      }
    }
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    const e = serializeError(err);
    yield encodeException(err, e.body, e.contentType ?? "application/json");
  }
}

export function decodeFrames(bytes: Uint8Array): Message[] {
  const out: Message[] = [];
  let offset = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (offset + 4 <= bytes.byteLength) {
    const length = view.getUint32(offset);
    out.push(eventStreamCodec.decode(bytes.subarray(offset, offset + length)));
    offset += length;
  }
  return out;
}
