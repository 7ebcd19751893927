/**
 * Reading a whole request body with a size limit, for requests that are not streamed: the AWS
 * APIs' non-streaming payloads, Lambda function URL requests, Nimbus's own internal endpoints.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";

/**
 * The body, or undefined when it is larger than `limit` bytes (by its Content-Length, or once
 * that many bytes have come). The rest of a too-large body is read and dropped, so the
 * connection stays usable for the answer.
 */
export function readBodyUpTo(req: Readable & { readonly headers: IncomingHttpHeaders }, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers["content-length"] ?? "0") > limit) {
      req.resume();
      resolve(undefined);
      return;
    }
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
