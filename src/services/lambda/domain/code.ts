import type { Readable } from "node:stream";
import { AwsError } from "../../../core/errors.js";
import type { HandlerContext } from "../../../core/service.js";
import { errors } from "../errors.js";

/** Blob members arrive as Buffer from the wire and as Uint8Array or string from in-process callers. */
export function toBuffer(value: Uint8Array | string | undefined): Buffer {
  if (value === undefined) return Buffer.alloc(0);
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

// Lambda's limit on a zip uploaded inline (ZipFile); larger packages go through S3.
const MAX_INLINE_ZIP = 50 * 1024 * 1024;

export interface CodeSource {
  ZipFile?: Uint8Array;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
  ImageUri?: string;
}

/** The deployment package of CreateFunction / UpdateFunctionCode: inline, or read from S3 in-process. */
export async function loadZip(source: CodeSource, ctx: HandlerContext<unknown>): Promise<Buffer> {
  if (source.ImageUri !== undefined) {
    throw errors.InvalidParameterValue({ message: "Nimbus runs Zip package types only; container images (ImageUri) are not supported." });
  }
  if (source.ZipFile !== undefined) {
    const zip = toBuffer(source.ZipFile);
    if (zip.length > MAX_INLINE_ZIP) throw errors.RequestTooLarge({ limit: MAX_INLINE_ZIP, operation: ctx.operation });
    return zip;
  }
  if (source.S3Bucket !== undefined && source.S3Key !== undefined) {
    let out: { Body?: unknown };
    try {
      out = await ctx.invoke<{ Body?: unknown }>(
        "s3",
        "GetObject",
        { Bucket: source.S3Bucket, Key: source.S3Key, ...(source.S3ObjectVersion ? { VersionId: source.S3ObjectVersion } : {}) },
        { account: ctx.account, region: ctx.region },
      );
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      throw errors.InvalidParameterValue({ message: `Error occurred while GetObject. S3 Error Code: ${err.code}. S3 Error Message: ${err.message}` });
    }
    return readBody(out.Body);
  }
  throw errors.InvalidParameterValue({ message: "Please provide a source for function code." });
}

async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === "string" || body instanceof Uint8Array) return toBuffer(body);
  const chunks: Buffer[] = [];
  for await (const chunk of body as Readable | AsyncIterable<Uint8Array>) chunks.push(toBuffer(chunk as Uint8Array));
  return Buffer.concat(chunks);
}
