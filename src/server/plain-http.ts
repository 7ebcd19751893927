/**
 * Plain HTTP pieces shared by the API pipeline, Lambda function URLs and Nimbus's own internal
 * endpoints: a whole request body with a size limit, a JSON answer, and the headers as signed.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import type { Readable } from "node:stream";

const NO_BODY = Buffer.alloc(0);

/**
 * The body, or undefined when it is larger than `limit` bytes (by its Content-Length, or once
 * that many bytes have come). The rest of a too-large body is read and dropped, so the
 * connection stays usable for the answer. A body that has all arrived is answered at once.
 */
export function readBodyUpTo(
  req: Readable & { readonly headers: IncomingHttpHeaders; readonly complete?: boolean; readonly httpVersionMajor?: number },
  limit: number,
): Buffer | Promise<Buffer | undefined> {
  // An HTTP/1 request with neither Content-Length nor Transfer-Encoding has no body ("the message
  // body length is zero", RFC 9112 section 6.3), as every GET: answered at once, where waiting for
  // the stream's end took listeners and a turn of the event loop. (HTTP/2 frames a body without
  // either; one waiting to be told to continue keeps the usual path.)
  const { headers } = req;
  if (req.httpVersionMajor === 1 && headers["content-length"] === undefined && headers["transfer-encoding"] === undefined && headers["expect"] === undefined) return NO_BODY;
  if (Number(headers["content-length"] ?? "0") > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  const declared = headers["content-length"] === undefined || headers["transfer-encoding"] !== undefined ? undefined : Number(headers["content-length"]);
  const arrived = req.readableLength <= limit ? arrivedBody(req, declared) : undefined;
  if (arrived !== undefined) return arrived;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      req.off("data", onData);
      req.resume();
      resolve(undefined);
    };
    req.on("data", onData);
    req.on("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * The whole body of a request that has all arrived, taken as it lies in the stream's buffer: no
 * listeners, and no turns of the event loop for the stream to flow. A small request comes with
 * its headers, and node runs the handler's promises between parsing the body and marking the
 * message complete, so a buffer holding every declared byte counts as arrived too. Undefined
 * when some of it is still to come, or someone reads it already.
 */
export function arrivedBody(req: Readable & { readonly complete?: boolean }, declaredLength: number | undefined): Buffer | undefined {
  if (req.readableFlowing === true || req.readableObjectMode) return undefined;
  if (req.complete !== true && (declaredLength === undefined || req.readableLength !== declaredLength)) return undefined;
  const chunks: Buffer[] = [];
  for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) chunks.push(chunk);
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}

/** A JSON answer with its length. */
export function sendJson(res: ServerResponse | Http2ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

/**
 * Each header's values in the order sent, a repeated header's apart (node's `headers` joins them
 * with ", "), HTTP/2's pseudo-headers left out: what a SigV4 signature covers, which joins a
 * repeated header's values by "," alone (AWS's suite, get-header-key-duplicate).
 */
export function headersDistinct(req: { readonly rawHeaders: readonly string[] }): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (name.charCodeAt(0) === 58 /* : an HTTP/2 pseudo-header */) continue;
    (out[name] ??= []).push(raw[i + 1] as string);
  }
  return out;
}
