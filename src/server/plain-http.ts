/**
 * Plain HTTP pieces shared by the API pipeline, Lambda function URLs and Nimbus's own internal
 * endpoints: a whole request body with a size limit, and a JSON answer.
 */
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { Http2ServerResponse } from "node:http2";
import type { Readable } from "node:stream";

/**
 * The body, or undefined when it is larger than `limit` bytes (by its Content-Length, or once
 * that many bytes have come). The rest of a too-large body is read and dropped, so the
 * connection stays usable for the answer.
 */
export function readBodyUpTo(req: Readable & { readonly headers: IncomingHttpHeaders; readonly complete?: boolean }, limit: number): Promise<Buffer | undefined> {
  if (Number(req.headers["content-length"] ?? "0") > limit) {
    req.resume();
    return Promise.resolve(undefined);
  }
  // A body that has all arrived (a small request comes with its headers) is taken as it lies:
  // no listeners, and no turns of the event loop for the stream to flow.
  if (req.complete === true && !req.readableFlowing && req.readableLength <= limit) {
    const chunks: Buffer[] = [];
    for (let chunk = req.read() as Buffer | null; chunk !== null; chunk = req.read() as Buffer | null) chunks.push(chunk);
    return Promise.resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
  }
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

/** A JSON answer with its length. */
export function sendJson(res: ServerResponse | Http2ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}
