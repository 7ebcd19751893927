/** What the Lambda end-to-end suites share: the test role, ARNs, payload helpers, error assertions. */
import assert from "node:assert/strict";
import { CreateFunctionCommand, type CreateFunctionCommandInput, type CreateFunctionCommandOutput, type LambdaClient } from "@aws-sdk/client-lambda";
import { makeZip } from "../../src/services/lambda/runtime/test-helpers.js";

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

/** CreateFunction of a Node.js 20 function whose index.js is `code` (handler index.handler), with any other settings. */
export async function createNodeFunction(
  lambda: LambdaClient,
  name: string,
  code: string,
  extra: Partial<CreateFunctionCommandInput> = {},
): Promise<CreateFunctionCommandOutput> {
  return lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: "nodejs20.x",
      Role: ROLE,
      Handler: "index.handler",
      Code: { ZipFile: await makeZip({ "index.js": code }) },
      ...extra,
    }),
  );
}
