import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Identities } from "../auth/credentials.js";
import { createEventBus } from "../core/events.js";
import { ManualClock } from "../core/manual-clock.js";
import { createScheduler } from "../core/scheduler.js";
import type { NimbusConfig, ServiceEnvironment } from "../core/service.js";
import { openState } from "../state/database.js";
import type { StreamsStore } from "../services/dynamodbstreams/store.js";
import { createLogger } from "./logger.js";
import { ServiceRegistry } from "./registry.js";
import { startNimbus } from "./server.js";

const SCOPE = { account: "000000000000", region: "us-east-1" };

test("DynamoDB Streams starts after DynamoDB, so the stream records a crash kept from it are synced whichever is loaded first", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "nimbus-registry-"));
  const clock = new ManualClock(Date.parse("2026-01-15T12:00:00.000Z"));
  try {
    // A write whose stream record DynamoDB committed but DynamoDB Streams never received: what a
    // kill -9 between the commit and the event's delivery leaves (here Streams was never loaded).
    const first = await startNimbus({ port: 0, host: "127.0.0.1", dataDir, logLevel: "silent", clock });
    let streamArn: string;
    try {
      const created = await first.dispatcher.invoke<{ TableDescription: { LatestStreamArn: string } }>(
        "dynamodb",
        "CreateTable",
        {
          TableName: "synced",
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
          StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" },
        },
        SCOPE,
      );
      streamArn = created.TableDescription.LatestStreamArn;
      await first.dispatcher.invoke("dynamodb", "PutItem", { TableName: "synced", Item: { pk: { S: "kept" } } }, SCOPE);
      await first.events.idle();
    } finally {
      await first.close();
    }

    // Started again, DynamoDB Streams asked for first (as a restart's concurrent resume may have it).
    const state = openState({ dataDir, inMemory: false });
    const events = createEventBus();
    const scheduler = createScheduler(clock);
    const env: ServiceEnvironment = {
      state,
      identities: new Identities(state, clock),
      clock,
      scheduler,
      events,
      config: { endpoint: "http://127.0.0.1:1", hostname: "127.0.0.1", port: 1 } satisfies NimbusConfig,
      logger: createLogger("silent"),
      invoke: () => Promise.reject(new Error("no invocations here")),
    };
    const registry = new ServiceRegistry(() => env);
    try {
      const streams = await registry.get("dynamodbstreams");
      assert.equal(registry.state("dynamodb"), "running", "DynamoDB was started first");
      await (streams.store as StreamsStore).ready;
      const records = (streams.store as StreamsStore).records(SCOPE, streamArn, "", 10).map((r) => JSON.parse(r.record) as { dynamodb: { Keys: unknown } });
      assert.deepEqual(records.map((r) => r.dynamodb.Keys), [{ pk: { S: "kept" } }]);
    } finally {
      registry.close();
      scheduler.close();
      await events.idle();
      state.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a path a catalog service owns names it before any service is loaded: an SQS queue's URL path is SQS's", () => {
  const registry = new ServiceRegistry(() => {
    throw new Error("no service is loaded to tell a path's owner");
  });
  assert.equal(registry.serviceOwningPath("/000000000000/orders"), "sqs");
  assert.equal(registry.serviceOwningPath("/123456789012/orders.fifo/"), "sqs");
  for (const path of ["/", "/bucket/key", "/000000000000/orders/extra"]) assert.equal(registry.serviceOwningPath(path), undefined, path);
});
