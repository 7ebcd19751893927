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
 */
import { errors } from "./errors.js";
import type { S3Context } from "./index.js";

const ANY_REGION = new Set(["CreateBucket", "GetBucketLocation", "ListBuckets"]);

export function checkBucketRegion(operation: string, input: { readonly Bucket?: string }, ctx: S3Context): void {
  if (ctx.caller.regionNamed !== true || input.Bucket === undefined || ANY_REGION.has(operation)) return;
  const bucket = ctx.store.bucket(input.Bucket);
  if (bucket === undefined || bucket.region === ctx.region) return;
  const endpoint = bucket.region === "us-east-1" ? `${bucket.name}.s3.amazonaws.com` : `${bucket.name}.s3.${bucket.region}.amazonaws.com`;
  throw errors.PermanentRedirect({}, { fields: { Endpoint: endpoint, Bucket: bucket.name }, headers: { "x-amz-bucket-region": bucket.region } });
}
