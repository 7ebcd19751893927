/**
 * A bucket lives in one Region, and only that Region's endpoint serves it: a request for it sent
 * to (signed for) another Region answers 301 PermanentRedirect with the bucket's endpoint and an
 * `x-amz-bucket-region` header, which the SDKs read to retry in the right Region (the v3 SDK
 * with `followRegionRedirects`, botocore always). HeadBucket's 301 has no body, only the header.
 *
 * Exempt: CreateBucket (its LocationConstraint rules, handlers/buckets.ts), GetBucketLocation
 * (how a client finds the Region, answered from any), and ListBuckets (no bucket). A copy's
 * source may be in any Region; only the bucket the request addresses counts. Requests that name
 * no Region (unsigned or SigV2 to a plain host: Caller.regionNamed) and in-process calls are
 * never refused, since Nimbus only assumed the Region they are in.
 *
 * The Endpoint the 301 names is the bucket's Region's endpoint as the client reaches it. AWS names
 * `<bucket>.s3.<region>.amazonaws.com`; Nimbus serves every Region at the one address the request
 * came to, so a request to Nimbus's own host (`localhost:4566`, `nimbus:4566`, a virtual-hosted
 * `<bucket>.s3.localhost.localstack.cloud:4566`) is sent back to that host, where clients that
 * follow the Endpoint (s3cmd) retry signed for the bucket's Region, never out of the machine to AWS.
 * Only a request that reached Nimbus under AWS's own names (DNS pointed at it) gets AWS's form.
 */
import { AwsError } from "../../core/errors.js";
import { settle, wrapHandlers } from "../../core/service.js";
import { errors } from "./errors.js";
import type { S3Context } from "./index.js";

const ANY_REGION = new Set(["CreateBucket", "GetBucketLocation", "ListBuckets"]);
const AWS_HOST = /(?:^|\.)amazonaws\.com(?::\d+)?$/i;

export function checkBucketRegion(operation: string, input: { readonly Bucket?: string }, ctx: S3Context): void {
  if (ctx.caller.regionNamed !== true || input.Bucket === undefined || ANY_REGION.has(operation)) return;
  const bucket = ctx.store.bucket(input.Bucket);
  if (bucket === undefined || bucket.region === ctx.region) return;
  const host = ctx.caller.host;
  const endpoint =
    host && !AWS_HOST.test(host)
      ? host
      : bucket.region === "us-east-1"
        ? `${bucket.name}.s3.amazonaws.com`
        : `${bucket.name}.s3.${bucket.region}.amazonaws.com`;
  throw errors.PermanentRedirect({}, { fields: { Endpoint: endpoint, Bucket: bucket.name }, headers: { "x-amz-bucket-region": bucket.region } });
}

/**
 * HeadBucket tells a bucket's Region whatever else it answers: "regardless of the permissions on
 * the bucket, you will receive a response header with the correct bucket location so that you can
 * then make a proper, signed request to the appropriate Regional endpoint" (HeadBucket, API
 * reference). So its refusals of a bucket that exists (403 for another account's bucket, a wrong
 * x-amz-expected-bucket-owner) carry x-amz-bucket-region as its 200 and 301 do.
 */
export function headBucketTellsRegion<T extends Record<string, ((input: never, ctx: S3Context) => unknown) | undefined>>(handlers: T): T {
  return wrapHandlers<S3Context, T>(handlers, (operation, handler) => {
    if (operation !== "HeadBucket") return handler;
    return (input, ctx) => {
      // The error is this request's own (each refusal is made for it), so the header is added in place.
      const told = (err: unknown): never => {
        const bucket = err instanceof AwsError ? ctx.store.bucket((input as { readonly Bucket: string }).Bucket) : undefined;
        if (err instanceof AwsError && bucket !== undefined) err.headers["x-amz-bucket-region"] ??= bucket.region;
        throw err;
      };
      return settle(() => handler(input, ctx), (out) => out, told);
    };
  });
}
