/** What the Lambda end-to-end suites share: the test role, ARNs, payload helpers, error assertions. */
import assert from "node:assert/strict";

export const ROLE = "arn:aws:iam::000000000000:role/lambda-role";
export const ARN_PREFIX = "arn:aws:lambda:us-east-1:000000000000:function:";

/** An Invoke response payload as JSON. */
export const json = (payload: Uint8Array | undefined): unknown => JSON.parse(Buffer.from(payload ?? []).toString("utf8"));

/** Asserts the SDK error's name, message and HTTP status. */
export async function rejectsWith(promise: Promise<unknown>, name: string, message: string, status: number): Promise<void> {
  await assert.rejects(promise, (err: Error & { $metadata?: { httpStatusCode?: number } }) => {
    assert.equal(err.name, name);
    assert.equal(err.message, message);
    assert.equal(err.$metadata?.httpStatusCode, status);
    return true;
  });
}
