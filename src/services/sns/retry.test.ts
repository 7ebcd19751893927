/**
 * HTTP/S retries kept in the database: the row's life (written before the first POST, updated
 * per attempt, deleted on success or exhaustion) and the resume after a restart, on a real
 * data dir that is closed and opened again, with a manual clock and a scripted endpoint.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, test } from "node:test";
import { ManualClock } from "../../core/manual-clock.js";
import { createScheduler, type Scheduler } from "../../core/scheduler.js";
import type { Invoke } from "../../core/service.js";
import { openState, type StateLayer } from "../../state/database.js";
import { DEFAULT_HTTP_RETRY_POLICY, type RetryPolicy } from "./delivery-policy.js";
import { deliveryId, type StatusNotification } from "./domain/delivery-status.js";
import type { HttpDelivery } from "./domain/messages.js";
import type { PendingRetry } from "./retry-store.js";
import { deliverWithRetries, resumeHttpRetries, type HttpDeliveryTarget, type RetryEnv } from "./retry.js";
import { SnsStore } from "./store.js";

const T0 = Date.parse("2026-01-15T12:00:00.000Z");
const SUB = "arn:aws:sns:us-east-1:000000000000:orders:6b0e71bd-7e97-4d97-80ce-4a0994e55286";
const DLQ = "arn:aws:sqs:us-east-1:000000000000:orders-dlq";
const DELIVERY: HttpDelivery = {
  headers: { "x-amz-sns-message-type": "Notification", "x-amz-sns-message-id": "m-1", "content-type": "text/plain; charset=UTF-8" },
  body: '{"Type":"Notification","MessageId":"m-1","Message":"hello"}',
};

const ROLE = "arn:aws:iam::000000000000:role/SNSFeedback";
const NOTIFICATION: StatusNotification = {
  messageMD5Sum: "5d41402abc4b2a76b9719d911017c592",
  messageId: "m-1",
  topicArn: "arn:aws:sns:us-east-1:000000000000:orders",
  timestamp: "2026-01-15T12:00:00.000Z",
};

/** Another notification to the same endpoint. */
function delivery(messageId: string): HttpDelivery {
  return { headers: { ...DELIVERY.headers, "x-amz-sns-message-id": messageId }, body: `{"Type":"Notification","MessageId":"${messageId}","Message":"hello"}` };
}

/** Lets the answers already in reach their handlers (a row goes once its POST is answered). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function policy(overrides: Partial<RetryPolicy>): RetryPolicy {
  return { ...DEFAULT_HTTP_RETRY_POLICY, ...overrides };
}

function target(overrides: Partial<HttpDeliveryTarget> = {}): HttpDeliveryTarget {
  return { account: "000000000000", region: "us-east-1", subscriptionArn: SUB, endpoint: "http://127.0.0.1:9/hook", delivery: DELIVERY, policy: DEFAULT_HTTP_RETRY_POLICY, ...overrides };
}

/** One run of Nimbus: a state layer on the data dir, a store, a scheduler, a scripted endpoint and SQS. */
class Run {
  readonly state: StateLayer;
  readonly store: SnsStore;
  readonly scheduler: Scheduler;
  readonly env: RetryEnv;
  readonly posts: Array<{ endpoint: string; delivery: HttpDelivery; at: number; rows: number }> = [];
  readonly sent: Array<{ operation: string; input: Record<string, unknown> }> = [];
  /** What the endpoint answers per attempt (true: 2xx); a promise to hold the answer back. */
  answer: (attempt: number) => boolean | Promise<boolean> = () => false;

  constructor(
    dataDir: string,
    readonly clock: ManualClock,
  ) {
    this.state = openState({ inMemory: false, dataDir, clock });
    this.store = new SnsStore(this.state);
    // The subscription the retries are for (a second run on the same data dir already has it).
    if (!this.store.hasSubscription("000000000000", "us-east-1", SUB)) this.subscribe();
    this.scheduler = createScheduler(clock);
    const invoke: Invoke = async <T>(_service: string, operation: string, input: Record<string, unknown>) => {
      this.sent.push({ operation, input });
      return {} as T;
    };
    this.env = {
      clock,
      scheduler: this.scheduler,
      invoke,
      store: this.store,
      post: async (endpoint, delivery) => {
        this.posts.push({ endpoint, delivery, at: clock.now(), rows: this.store.retries.all().length });
        const delivered = await this.answer(this.posts.length);
        return delivered ? { delivered, statusCode: 200, response: "OK" } : { delivered, statusCode: 500, response: "Internal Server Error" };
      },
    };
  }

  /** Sets the topic's delivery status attributes. */
  logStatus(attributes: Record<string, string>): void {
    this.store.updateTopicAttributes({ account: "000000000000", region: "us-east-1", name: "orders" }, attributes);
  }

  subscribe(): void {
    this.state.transaction(() => {
      const topic = { account: "000000000000", region: "us-east-1", name: "orders" };
      if (!this.store.getTopic(topic)) this.store.insertTopic(topic, {}, {}, T0);
      this.store.insertSubscription(
        { account: "000000000000", region: "us-east-1", id: SUB.slice(SUB.lastIndexOf(":") + 1), topic: "orders", protocol: "http", endpoint: "http://127.0.0.1:9/hook", owner: "000000000000", attributes: {}, confirmed: true, token: undefined },
        T0,
      );
    });
  }

  rows(): PendingRetry[] {
    return this.store.retries.all();
  }

  stopped = false;

  /** Shutdown as Nimbus does it: the service stops, then the scheduler, then the database. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.store.closing = true;
    this.scheduler.close();
    this.state.close();
  }
}

describe("HTTP/S retries in the database", () => {
  let dataDir: string;
  const runs: Run[] = [];
  const start = (at = T0): Run => {
    const run = new Run(dataDir, new ManualClock(at));
    runs.push(run);
    return run;
  };
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "nimbus-sns-retries-"));
  });
  afterEach(() => {
    for (const run of runs.splice(0)) run.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("the row is written before the first POST, follows each attempt and goes on success", async () => {
    const run = start();
    run.answer = (attempt) => attempt === 3;
    deliverWithRetries(run.env, target());
    assert.equal(run.posts[0]?.rows, 1, "the row exists when the first POST goes out");
    await run.scheduler.runDue();
    const [row] = run.rows();
    assert.deepEqual(row, {
      account: "000000000000",
      region: "us-east-1",
      id: row?.id,
      subscriptionArn: SUB,
      endpoint: "http://127.0.0.1:9/hook",
      delivery: DELIVERY,
      delays: [20_000, 20_000, 20_000],
      attempts: 1,
      dueAt: T0 + 20_000,
      deadLetter: undefined,
    });
    await run.scheduler.advance(20_000);
    assert.deepEqual(
      run.rows().map((r) => [r.attempts, r.dueAt - T0]),
      [[2, 40_000]],
    );
    await run.scheduler.advance(20_000);
    assert.equal(run.posts.length, 3);
    assert.deepEqual(run.rows(), [], "delivered: the row is gone");
    await run.scheduler.advance(3_600_000);
    assert.equal(run.posts.length, 3);
    assert.ok(run.posts.every((p) => p.delivery.body === DELIVERY.body && p.delivery.headers["x-amz-sns-message-id"] === "m-1"));
  });

  test("an Unsubscribe stops the pending retries: no more POSTs, nothing for the dead-letter queue, the row goes", async () => {
    const run = start();
    run.answer = () => false;
    deliverWithRetries(run.env, target({ deadLetter: { targetArn: DLQ, delivery: { body: DELIVERY.body } } }));
    await run.scheduler.advance(20_000);
    assert.equal(run.posts.length, 2);
    const sub = run.store.getSubscription("000000000000", "us-east-1", SUB.slice(SUB.lastIndexOf(":") + 1));
    assert.ok(sub);
    run.state.transaction(() => run.store.deleteSubscription(sub));
    await run.scheduler.advance(3_600_000);
    assert.equal(run.posts.length, 2);
    assert.deepEqual(run.sent, [], "the dead-letter queue got nothing");
    assert.deepEqual(run.rows(), []);
  });

  test("used up: the dead-letter queue gets the message, binary attributes and all, and the row goes", async () => {
    const run = start();
    const bytes = new Uint8Array([0, 1, 254, 255]);
    deliverWithRetries(
      run.env,
      target({
        policy: policy({ numRetries: 1, minDelayTarget: 5, maxDelayTarget: 5 }),
        deadLetter: {
          targetArn: DLQ,
          delivery: { body: "hello", messageAttributes: { colour: { DataType: "String", StringValue: "red" }, blob: { DataType: "Binary", BinaryValue: bytes } } },
        },
      }),
    );
    assert.deepEqual(run.rows()[0]?.deadLetter, {
      targetArn: DLQ,
      delivery: { body: "hello", messageAttributes: { colour: { DataType: "String", StringValue: "red" }, blob: { DataType: "Binary", BinaryValue: bytes } } },
    });
    await run.scheduler.advance(4_999);
    assert.equal(run.posts.length, 1);
    assert.equal(run.sent.length, 0, "no dead-letter queue while a retry remains");
    await run.scheduler.advance(1);
    assert.equal(run.posts.length, 2);
    assert.deepEqual(
      run.sent.map((s) => s.operation),
      ["SendMessage"],
    );
    assert.deepEqual(run.sent[0]?.input, {
      QueueUrl: "https://sqs.us-east-1.amazonaws.com/000000000000/orders-dlq",
      MessageBody: "hello",
      MessageAttributes: { colour: { DataType: "String", StringValue: "red" }, blob: { DataType: "Binary", BinaryValue: bytes } },
    });
    assert.deepEqual(run.rows(), []);
  });

  test("the dead-letter body is the POST's own unless told otherwise", async () => {
    const run = start();
    deliverWithRetries(run.env, target({ deadLetter: { targetArn: DLQ, delivery: { body: DELIVERY.body, messageGroupId: "g", messageDeduplicationId: "d" } } }));
    assert.deepEqual(run.rows()[0]?.deadLetter, { targetArn: DLQ, delivery: { body: DELIVERY.body, messageGroupId: "g", messageDeduplicationId: "d" } });
    const stored = run.state.db.prepare<[], { dlq_message: string }>("SELECT dlq_message FROM sns_http_retries").get();
    assert.equal(stored?.dlq_message, '{"messageGroupId":"g","messageDeduplicationId":"d"}', "the body is not stored twice");
  });

  test("after a restart the retry keeps its schedule; the attempt in flight counts as failed", async () => {
    const first = start();
    deliverWithRetries(first.env, target());
    await first.scheduler.advance(20_000);
    assert.equal(first.posts.length, 2);
    first.stop();

    const second = start(T0 + 25_000);
    second.answer = () => true;
    assert.equal(resumeHttpRetries(second.env), 1);
    await second.scheduler.advance(14_999);
    assert.equal(second.posts.length, 0, "the second retry is due 40 s after the publish");
    await second.scheduler.advance(1);
    assert.deepEqual(
      second.posts.map((p) => [p.at - T0, p.delivery]),
      [[40_000, DELIVERY]],
    );
    assert.deepEqual(second.rows(), []);
    await second.scheduler.advance(3_600_000);
    assert.equal(second.posts.length, 1, "delivered once");
  });

  test("a retry overdue at start runs at once, and the rest of its schedule counts from then", async () => {
    const first = start();
    deliverWithRetries(first.env, target());
    first.stop();

    const second = start(T0 + 300_000);
    resumeHttpRetries(second.env);
    await second.scheduler.runDue();
    assert.deepEqual(
      second.posts.map((p) => p.at - T0),
      [300_000],
    );
    assert.deepEqual(
      second.rows().map((r) => [r.attempts, r.dueAt - T0]),
      [[2, 320_000]],
    );
    await second.scheduler.advance(19_999);
    assert.equal(second.posts.length, 1);
    await second.scheduler.advance(1);
    assert.equal(second.posts.length, 2);
  });

  test("a delivery whose retries were all sent before the restart goes to the dead-letter queue at start", async () => {
    const first = start();
    deliverWithRetries(first.env, target({ policy: policy({ numRetries: 1, minDelayTarget: 5, maxDelayTarget: 5 }), deadLetter: { targetArn: DLQ, delivery: { body: DELIVERY.body } } }));
    // The last retry is out, its answer not in yet, when the process stops.
    let answer: (ok: boolean) => void = () => undefined;
    first.answer = () => new Promise<boolean>((resolve) => (answer = resolve));
    const advancing = first.scheduler.advance(5_000);
    while (first.posts.length < 2) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      first.rows().map((r) => [r.attempts, r.dueAt - T0]),
      [[2, 5_000]],
    );
    first.stop();
    answer(true);
    await advancing;

    const second = start(T0 + 6_000);
    resumeHttpRetries(second.env);
    await second.scheduler.runDue();
    assert.equal(second.posts.length, 0, "no retry is left");
    assert.deepEqual(
      second.sent.map((s) => [s.operation, s.input.MessageBody]),
      [["SendMessage", DELIVERY.body]],
    );
    assert.deepEqual(second.rows(), []);
  });

  test("delivered on the third attempt: one SUCCESS record with the attempts, the dwell time and the answer", async () => {
    const run = start();
    run.logStatus({ HTTPSuccessFeedbackRoleArn: ROLE, HTTPSuccessFeedbackSampleRate: "100" });
    run.answer = (attempt) => attempt === 3;
    deliverWithRetries(run.env, target({ notification: NOTIFICATION }));
    assert.deepEqual(run.rows()[0]?.notification, NOTIFICATION, "kept with the row, for a restart");
    await run.scheduler.advance(40_000);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      run.sent.map((s) => [s.operation, s.input.logGroupName]),
      [["PutLogEvents", "sns/us-east-1/000000000000/orders"]],
    );
    const [event] = run.sent[0]?.input.logEvents as Array<{ timestamp: number; message: string }>;
    assert.equal(event?.timestamp, T0 + 40_000);
    assert.deepEqual(JSON.parse(event?.message ?? "{}"), {
      notification: { messageMD5Sum: NOTIFICATION.messageMD5Sum, messageId: "m-1", topicArn: NOTIFICATION.topicArn, timestamp: "2026-01-15 12:00:00.000" },
      delivery: { deliveryId: deliveryId("m-1", SUB), destination: "http://127.0.0.1:9/hook", providerResponse: "OK", dwellTimeMs: 40_000, attempts: 3, statusCode: 200 },
      status: "SUCCESS",
    });
  });

  test("used up: one FAILURE record in the /Failure group once the dead-letter queue has the message; confirmations are not logged", async () => {
    const run = start();
    run.logStatus({ HTTPFailureFeedbackRoleArn: ROLE });
    const used = policy({ numRetries: 1, minDelayTarget: 5, maxDelayTarget: 5 });
    deliverWithRetries(run.env, target({ policy: used, deadLetter: { targetArn: DLQ, delivery: { body: DELIVERY.body } }, notification: NOTIFICATION }));
    deliverWithRetries(run.env, target({ policy: used }));
    await run.scheduler.advance(5_000);
    assert.deepEqual(
      run.sent.map((s) => [s.operation, s.input.logGroupName]),
      [
        ["SendMessage", undefined],
        ["PutLogEvents", "sns/us-east-1/000000000000/orders/Failure"],
      ],
    );
    const [event] = run.sent[1]?.input.logEvents as Array<{ message: string }>;
    const record = JSON.parse(event?.message ?? "{}") as { delivery: Record<string, unknown>; status: string };
    assert.equal(record.status, "FAILURE");
    assert.deepEqual(record.delivery, { deliveryId: deliveryId("m-1", SUB), destination: "http://127.0.0.1:9/hook", providerResponse: "Internal Server Error", dwellTimeMs: 5_000, attempts: 2, statusCode: 500 });
  });

  test("throttled: POSTs over maxReceivesPerSecond wait for their slot in a row written at once with no attempt sent", async () => {
    const run = start();
    run.logStatus({ HTTPSuccessFeedbackRoleArn: ROLE, HTTPSuccessFeedbackSampleRate: "100" });
    run.answer = () => true;
    for (const id of ["m-1", "m-2", "m-3"]) deliverWithRetries(run.env, target({ delivery: delivery(id), maxReceivesPerSecond: 2, notification: { ...NOTIFICATION, messageId: id } }));
    await settle();
    assert.deepEqual(
      run.posts.map((p) => [p.at - T0, p.delivery.headers["x-amz-sns-message-id"]]),
      [
        [0, "m-1"],
        [0, "m-2"],
      ],
    );
    assert.deepEqual(
      run.rows().map((r) => [r.delivery.headers["x-amz-sns-message-id"], r.attempts, r.dueAt - T0, r.maxReceivesPerSecond]),
      [["m-3", 0, 1_000, 2]],
    );
    await run.scheduler.advance(999);
    assert.equal(run.posts.length, 2, "not before a second has passed");
    await run.scheduler.advance(1);
    await settle();
    assert.deepEqual(
      run.posts.map((p) => [p.at - T0, p.delivery.body]),
      [
        [0, delivery("m-1").body],
        [0, delivery("m-2").body],
        [1_000, delivery("m-3").body],
      ],
    );
    assert.deepEqual(run.rows(), []);
    // The wait counts in the dwell time; it is no attempt.
    const records = run.sent.map((s) => JSON.parse((s.input.logEvents as Array<{ message: string }>)[0]?.message ?? "{}") as { delivery: { dwellTimeMs: number; attempts: number } });
    assert.deepEqual(
      records.map((r) => [r.delivery.dwellTimeMs, r.delivery.attempts]),
      [
        [0, 1],
        [0, 1],
        [1_000, 1],
      ],
    );
  });

  test("throttled: a retry takes a slot too, behind the POSTs already waiting, and its schedule goes on from when it went out", async () => {
    const run = start();
    const flaky = delivery("flaky");
    run.answer = () => run.posts.at(-1)?.delivery !== flaky;
    const throttled = { maxReceivesPerSecond: 1, policy: policy({ numRetries: 2, minDelayTarget: 1, maxDelayTarget: 1 }) };
    deliverWithRetries(run.env, target({ ...throttled, delivery: flaky }));
    deliverWithRetries(run.env, target({ ...throttled, delivery: delivery("m-2") }));
    deliverWithRetries(run.env, target({ ...throttled, delivery: delivery("m-3") }));
    await run.scheduler.advance(1_000);
    // Its first retry fell due at 1 s, when m-2 had that slot and m-3 the next.
    assert.deepEqual(
      run.rows().map((r) => [r.delivery.body, r.attempts, r.dueAt - T0]),
      [
        [delivery("m-3").body, 0, 2_000],
        [flaky.body, 1, 3_000],
      ],
    );
    await run.scheduler.advance(5_000);
    assert.deepEqual(
      run.posts.map((p) => [p.at - T0, p.delivery.headers["x-amz-sns-message-id"]]),
      [
        [0, "flaky"],
        [1_000, "m-2"],
        [2_000, "m-3"],
        [3_000, "flaky"],
        [4_000, "flaky"],
      ],
    );
    assert.deepEqual(run.rows(), [], "the second retry was the last");
  });

  test("throttled: POSTs waiting for their slot survive a restart and are still paced after it", async () => {
    const first = start();
    first.answer = () => true;
    for (const id of ["m-1", "m-2", "m-3"]) deliverWithRetries(first.env, target({ delivery: delivery(id), maxReceivesPerSecond: 1 }));
    await settle();
    assert.equal(first.posts.length, 1);
    first.stop();

    const second = start(T0 + 500);
    second.answer = () => true;
    assert.equal(resumeHttpRetries(second.env), 2);
    await second.scheduler.advance(499);
    assert.equal(second.posts.length, 0, "not before its slot");
    await second.scheduler.advance(1);
    await second.scheduler.advance(999);
    assert.equal(second.posts.length, 1);
    await second.scheduler.advance(1);
    assert.deepEqual(
      second.posts.map((p) => [p.at - T0, p.delivery.headers["x-amz-sns-message-id"]]),
      [
        [1_000, "m-2"],
        [2_000, "m-3"],
      ],
    );
    await settle();
    assert.deepEqual(second.rows(), []);
    await second.scheduler.advance(3_600_000);
    assert.equal(second.posts.length, 2, "each sent once");
  });

  test("throttled: POSTs overdue at start go out at the rate, not all at once", async () => {
    const first = start();
    for (const id of ["m-1", "m-2", "m-3"]) deliverWithRetries(first.env, target({ delivery: delivery(id), maxReceivesPerSecond: 1 }));
    first.stop();

    const second = start(T0 + 60_000);
    second.answer = () => true;
    resumeHttpRetries(second.env);
    await second.scheduler.advance(2_000);
    assert.deepEqual(
      second.posts.map((p) => [p.at - T0, p.delivery.headers["x-amz-sns-message-id"]]),
      [
        // In the order they fell due: m-2 and m-3 waited for slots at 1 s and 2 s; m-1 was in
        // flight, its answer lost with the process, its first retry due at 20 s.
        [60_000, "m-2"],
        [61_000, "m-3"],
        [62_000, "m-1"],
      ],
    );
  });

  test("throttled: unsubscribed while waiting for its slot, a POST is never sent and its row goes", async () => {
    const run = start();
    run.answer = () => true;
    deliverWithRetries(run.env, target({ maxReceivesPerSecond: 1 }));
    deliverWithRetries(run.env, target({ maxReceivesPerSecond: 1, deadLetter: { targetArn: DLQ, delivery: { body: DELIVERY.body } } }));
    const sub = run.store.getSubscription("000000000000", "us-east-1", SUB.slice(SUB.lastIndexOf(":") + 1));
    assert.ok(sub);
    run.state.transaction(() => run.store.deleteSubscription(sub));
    await run.scheduler.advance(3_600_000);
    assert.equal(run.posts.length, 1);
    assert.deepEqual(run.sent, []);
    assert.deepEqual(run.rows(), []);
  });

  test("an answer that arrives while Nimbus stops leaves the row for the next start", async () => {
    let answer: (ok: boolean) => void = () => undefined;
    const first = start();
    first.answer = () => new Promise<boolean>((resolve) => (answer = resolve));
    deliverWithRetries(first.env, target());
    first.store.closing = true;
    answer(true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(first.rows().length, 1);
  });
});
