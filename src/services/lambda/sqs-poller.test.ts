import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AwsError } from "../../core/errors.js";
import { pollOnce } from "./sqs-poller.js";
import type { LambdaStore } from "./store.js";

describe("pollOnce", () => {
  test("a queue at its in-flight quota answers nothing to the poller instead of failing the poll", async () => {
    const calls: string[] = [];
    const store = {
      getMapping: () => ({ enabled: true, batchSize: 10, eventSourceArn: "arn:aws:sqs:us-east-1:000000000000:full", filterPatterns: undefined }),
      env: {
        invoke: async (_service: string, operation: string) => {
          calls.push(operation);
          if (operation === "GetQueueUrl") return { QueueUrl: "http://localhost/000000000000/full" };
          throw new AwsError("OverLimit", "Too many messages have been received without being deleted.", 403);
        },
      },
    } as unknown as LambdaStore;
    assert.deepEqual(await pollOnce(store, { account: "000000000000", region: "us-east-1" }, "uuid"), { received: 0, ok: true });
    assert.deepEqual(calls, ["GetQueueUrl", "ReceiveMessage"]);
  });
});
