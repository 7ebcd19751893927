/**
 * x-amz-expected-bucket-owner (and x-amz-source-expected-bucket-owner on copies): a request
 * that names an account other than the bucket's owner fails with 403 AccessDenied before the
 * operation runs, so a client never writes into a bucket someone else re-created under a name
 * it used to own. Every S3 operation on a bucket accepts the header, so the check runs before
 * every handler (index.ts).
 */
import { errors } from "./errors.js";
import type { S3Context } from "./index.js";
import { parseCopySource } from "./copy-source.js";

interface OwnerHeaders {
  readonly Bucket?: string;
  readonly ExpectedBucketOwner?: string;
  readonly CopySource?: string;
  readonly ExpectedSourceBucketOwner?: string;
}

/** An AWS account ID: twelve decimal digits. */
const ACCOUNT_ID = /^\d{12}$/;

function checkOwner(ctx: S3Context, bucket: string | undefined, expected: string | undefined): void {
  if (expected === undefined || bucket === undefined) return;
  const row = ctx.store.bucket(bucket);
  if (row && row.account_id !== expected) throw errors.AccessDenied();
}

export function checkExpectedOwners(input: OwnerHeaders, ctx: S3Context): void {
  // A value that is no account ID is refused before the bucket is looked at: 400, not the 403
  // of an owner that differs (an empty header too, "... []").
  const expected = input.ExpectedBucketOwner;
  if (expected !== undefined && !ACCOUNT_ID.test(expected)) throw errors.InvalidBucketOwnerAWSAccountID({ value: expected });
  checkOwner(ctx, input.Bucket, input.ExpectedBucketOwner);
  if (input.ExpectedSourceBucketOwner !== undefined && input.CopySource !== undefined) {
    checkOwner(ctx, parseCopySource(input.CopySource).bucket, input.ExpectedSourceBucketOwner);
  }
}
