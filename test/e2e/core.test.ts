/**
 * The core beneath every service: in-process invocation between services, events delivered
 * only after the emitting operation succeeded, and state that survives a restart.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { connect } from "node:net";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DescribeLimitsCommand, ListStreamsCommand, KinesisClient, PutRecordCommand } from "@aws-sdk/client-kinesis";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AwsError } from "../../src/core/errors.js";
import type { HandlerContext, ServiceDefinition } from "../../src/core/service.js";
import { startNimbus } from "../../src/server/server.js";
import type { StateLayer } from "../../src/state/database.js";
import { startTestNimbus } from "./harness.js";

declare module "../../src/core/events.js" {
  interface NimbusEventMap {
    "test:RecordPut": { readonly partitionKey: string };
  }
}

describe("core", () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test("in-process invocation and events delivered only after success", async () => {
    // A stand-in Kinesis whose PutRecord asks STS who the caller's account is, in-process,
    // and emits an event; a partition key "fail" makes it throw after emitting.
    const kinesis: ServiceDefinition = {
      handlers: {
        PutRecord: async (input: { PartitionKey: string }, ctx: HandlerContext) => {
          const identity = await ctx.invoke<{ Account: string }>("sts", "GetCallerIdentity", {}, ctx);
          ctx.emit("test:RecordPut", { partitionKey: input.PartitionKey });
          if (input.PartitionKey === "fail") throw new AwsError("ProvisionedThroughputExceededException", "Rate exceeded for shard shardId-000000000000 in stream s under account 000000000000.", 400);
          return { ShardId: "shardId-000000000000", SequenceNumber: identity.Account };
        },
        ListStreams: async (_input: unknown, ctx: HandlerContext) => {
          // An in-process call is validated like a request: a missing member is refused.
          await ctx.invoke("sts", "AssumeRole", { RoleSessionName: "x" }, ctx);
          return { StreamNames: [], HasMoreStreams: false };
        },
      } as unknown as ServiceDefinition["handlers"],
    };
    const nimbus = await startTestNimbus({ services: { kinesis } });
    const seen: string[] = [];
    nimbus.events.subscribe("test:RecordPut", (e) => {
      seen.push(`${e.detail.partitionKey}@${e.scope.account}/${e.scope.region}`);
    });
    const client = new KinesisClient(nimbus.clientConfig({ accessKeyId: "444455556666", region: "eu-west-1" }));
    const out = await client.send(new PutRecordCommand({ StreamName: "s", PartitionKey: "ok", Data: new Uint8Array([1]) }));
    assert.equal(out.SequenceNumber, "000000000000", "in-process calls carry no access key: the default account");
    await assert.rejects(client.send(new PutRecordCommand({ StreamName: "s", PartitionKey: "fail", Data: new Uint8Array([1]) })), { name: "ProvisionedThroughputExceededException" });
    await nimbus.events.idle();
    assert.deepEqual(seen, ["ok@444455556666/eu-west-1"], "the failed operation's event was discarded");
    await assert.rejects(client.send(new ListStreamsCommand({})), (err: Error) => {
      assert.equal(err.name, "ValidationError");
      assert.equal(err.message, "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null");
      return true;
    });
    client.destroy();
    await nimbus.close();
  });

  test("a request that fails for a reason of Nimbus's own is a 500 in the service's words, and the server keeps serving", async () => {
    // A stand-in Kinesis whose DescribeLimits crashes; with an internalError hook its 500 is worded
    // as the service's own (S3's InternalError, DynamoDB's InternalServerError), without one it is
    // the common InternalFailure.
    const crashing = (internalError?: () => AwsError): ServiceDefinition => ({
      handlers: {
        DescribeLimits: () => (undefined as unknown as { crash: () => void }).crash(),
      } as unknown as ServiceDefinition["handlers"],
      ...(internalError ? { internalError } : {}),
    });
    for (const [definition, code, message] of [
      [crashing(), "InternalFailure", "The request processing has failed because of an unknown error, exception or failure."],
      [crashing(() => new AwsError("InternalServiceError", "Something broke here.", 500)), "InternalServiceError", "Something broke here."],
    ] as const) {
      const nimbus = await startTestNimbus({ services: { kinesis: definition } });
      const client = new KinesisClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
      try {
        const err = (await client.send(new DescribeLimitsCommand({})).then(() => assert.fail("answered"), (e: unknown) => e)) as { name: string; message: string; $metadata: { httpStatusCode?: number } };
        assert.deepEqual([err.name, err.message, err.$metadata.httpStatusCode], [code, message, 500]);
        assert.equal((await fetch(`${nimbus.url}/_nimbus/health`)).status, 200);
      } finally {
        client.destroy();
        await nimbus.close();
      }
    }
  });

  test("close() lets a request being handled finish before the state closes under it", async () => {
    // A stand-in Kinesis whose DescribeLimits waits at a gate, then reads the database: close()
    // is called while it waits, and the gate opens only once close() has had its chance to end.
    let entered!: () => void;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let read: unknown;
    const kinesis: ServiceDefinition = {
      createStore: (env) => env.state,
      handlers: {
        DescribeLimits: async (_input: unknown, ctx: HandlerContext) => {
          entered();
          await gate;
          try {
            read = (ctx.store as StateLayer).db.prepare("SELECT 1 AS one").get();
          } catch (err) {
            read = err;
          }
          return { ShardLimit: 1, OpenShardCount: 0, OnDemandStreamCount: 0, OnDemandStreamCountLimit: 1 };
        },
      } as unknown as ServiceDefinition["handlers"],
    };
    const nimbus = await startTestNimbus({ services: { kinesis } });
    const client = new KinesisClient({ ...nimbus.clientConfig(), maxAttempts: 1 });
    after(() => client.destroy());
    // The connection goes with close(), so the answer is never read.
    const answered = client.send(new DescribeLimitsCommand({})).catch(() => undefined);
    await inHandler;
    let closed = false;
    const closing = nimbus.close().then(() => {
      closed = true;
    });
    for (let turn = 0; turn < 50 && !closed; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, false, "close() waits for the request being handled");
    release();
    await closing;
    assert.deepEqual(read, { one: 1 }, "the handler read the database before it closed");
    await answered;
  });

  test("state persists across a restart of a persistent Nimbus", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "nimbus-core-"));
    dirs.push(dataDir);
    const first = await startNimbus({ port: 0, host: "127.0.0.1", dataDir, logLevel: "silent" });
    const config = { endpoint: first.url, region: "us-east-1", credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x" } };
    const sts = new STSClient(config);
    const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: "arn:aws:iam::777788889999:role/persist", RoleSessionName: "restart" }));
    sts.destroy();
    await first.close();

    const second = await startNimbus({ port: 0, host: "127.0.0.1", dataDir, logLevel: "silent" });
    const creds = assumed.Credentials;
    assert.ok(creds?.AccessKeyId && creds.SecretAccessKey && creds.SessionToken);
    const again = new STSClient({ ...config, endpoint: second.url, credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.SessionToken } });
    const id = await again.send(new GetCallerIdentityCommand({}));
    assert.equal(id.Arn, "arn:aws:sts::777788889999:assumed-role/persist/restart");
    again.destroy();
    await second.close();
  });

  test("services with state from an earlier run resume their scheduled work after a restart", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "nimbus-resume-"));
    dirs.push(dataDir);
    const first = await startNimbus({ port: 0, host: "127.0.0.1", dataDir, logLevel: "silent" });
    const sqs = new SQSClient({ endpoint: first.url, region: "us-east-1", credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "x" } });
    await sqs.send(new CreateQueueCommand({ QueueName: "resume-me" }));
    sqs.destroy();
    await first.close();
    const second = await startNimbus({ port: 0, host: "127.0.0.1", dataDir, logLevel: "silent" });
    assert.equal(second.registry.state("s3"), "available", "services never used stay unloaded");
    // Loading is a dynamic import started right after listen: wait for it, without asking for it.
    for (let i = 0; i < 200 && second.registry.state("sqs") !== "running"; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(second.registry.state("sqs"), "running", "a used service is loaded, so its retention sweep runs");
    await second.close();
  });

  test("responses written together at the end of a turn come back whole and in order, pipelined ones included", async () => {
    const nimbus = await startTestNimbus();
    after(() => nimbus.close());
    const names = ["first", "second", "third", "fourth"];
    const request = (name: string): string =>
      `GET /?Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=${name} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
    // Four requests in one write: node answers them one after another on the connection.
    const pipelined = await new Promise<string>((resolve, reject) => {
      const socket = connect(nimbus.port, "127.0.0.1", () => socket.write(names.map(request).join("")));
      let text = "";
      socket.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
        if (text.split("</AssumeRoleResponse>").length > names.length) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on("error", reject);
    });
    const order = [...pipelined.matchAll(/assumed-role\/r\/(\w+)</g)].map((m) => m[1]);
    assert.deepEqual(order, names);
    assert.equal(pipelined.match(/HTTP\/1\.1 200 OK/g)?.length, names.length);
    // Many connections at once: every answer is its own.
    const answers = await Promise.all(
      Array.from({ length: 24 }, async (_, i) => {
        const res = await fetch(`${nimbus.url}/?Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::123456789012:role/r&RoleSessionName=s${i}`);
        return (await res.text()).includes(`assumed-role/r/s${i}<`);
      }),
    );
    assert.ok(answers.every(Boolean));
  });
});
