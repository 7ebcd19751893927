/** The set-up most S3 test files share: a started Nimbus, a path-style S3 client and a bucket of their own. */
import { after, before } from "node:test";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";

export interface S3Bucket {
  readonly nimbus: TestNimbus;
  readonly s3: S3Client;
  readonly bucket: string;
}

/**
 * For a suite of tests on one bucket: `ready` gets the server, client and a new bucket named
 * after `prefix` before the suite's tests (and before its own `before` hooks, registered after
 * this call); they are closed after them.
 */
export function s3BucketSuite(prefix: string, ready: (fixture: S3Bucket) => void): void {
  let fixture: S3Bucket | undefined;
  before(async () => {
    const nimbus = await startTestNimbus();
    const s3 = new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true });
    const bucket = uniqueName(prefix);
    fixture = { nimbus, s3, bucket };
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    ready(fixture);
  });
  after(async () => {
    if (fixture === undefined) return;
    fixture.s3.destroy();
    await fixture.nimbus.close();
  });
}
