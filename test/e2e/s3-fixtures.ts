/** The set-up S3 test files share: a started Nimbus and a path-style S3 client, with or without a bucket of their own. */
import { before } from "node:test";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { clientSuite, uniqueName, type TestNimbus } from "./harness.js";

export interface S3Fixture {
  readonly nimbus: TestNimbus;
  readonly s3: S3Client;
}

export interface S3Bucket extends S3Fixture {
  readonly bucket: string;
}

/**
 * For a suite whose tests make their own buckets: `ready` gets the server and client before the
 * suite's tests (and before its own `before` hooks, registered after this call); they are closed
 * after them, before the suite's own `after` hooks. The one place an S3 suite starts and closes a
 * Nimbus.
 */
export function s3Suite(ready: (fixture: S3Fixture) => void): void {
  clientSuite(
    (nimbus) => new S3Client({ ...{}, ...nimbus.clientConfig(), forcePathStyle: true }),
    (nimbus, s3) => ready({ nimbus, s3 }),
  );
}

/**
 * For a suite of tests on one bucket: `s3Suite` and a new bucket named after `prefix`, which
 * `ready` gets with the server and client before the suite's tests (and before its own `before`
 * hooks, registered after this call).
 */
export function s3BucketSuite(prefix: string, ready: (fixture: S3Bucket) => void): void {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));
  // Runs after s3Suite's `before` (hooks run in the order they are registered).
  before(async () => {
    ready({ nimbus, s3, bucket: await newBucket(s3, prefix) });
  });
}

/** A new bucket named after `prefix`. */
export async function newBucket(s3: S3Client, prefix: string): Promise<string> {
  const bucket = uniqueName(prefix);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}
