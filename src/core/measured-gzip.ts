/**
 * A gzip stream that measures what it emits: the compressed size and MD5 that a report's
 * manifest names beside its data file (S3 Inventory's manifest.json, DynamoDB exports'
 * manifest-files.json). The data streams to its destination (a PutObject) while it is measured,
 * so a report of any size never sits in memory whole.
 */
import { createHash } from "node:crypto";
import { pipeline, Transform, type Readable } from "node:stream";
import { createGzip } from "node:zlib";

export interface MeasuredGzip {
  /** The gzipped bytes. A read or gzip error destroys it, so whoever reads it fails. */
  readonly body: Readable;
  /** Size and MD5 of the gzipped bytes; only once `body` has been read to its end. */
  measured(): { readonly size: number; readonly md5: Buffer };
}

export function measuredGzip(source: Readable): MeasuredGzip {
  const digest = createHash("md5");
  let size = 0;
  let result: { size: number; md5: Buffer } | undefined;
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      digest.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      result = { size, md5: digest.digest() };
      callback();
    },
  });
  const body = pipeline(source, createGzip(), measure, () => undefined);
  return {
    body,
    measured() {
      if (result === undefined) throw new Error("measuredGzip: the body has not been read to its end");
      return result;
    },
  };
}
