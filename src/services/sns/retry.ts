/**
 * HTTP/S delivery with AWS's retries. The first attempt goes out at once; each retry is a
 * task on the Nimbus scheduler at the time the delivery policy names, counted from the
 * previous attempt's due time, so tests drive the whole series with `scheduler.advance()`.
 *
 * Every attempt has a follow-up task scheduled when it is sent: the task waits for that
 * attempt's outcome, then sends the next retry (and schedules its follow-up), or, with the
 * retries used up, hands the message to the subscription's dead-letter queue. An attempt
 * that succeeds cancels its follow-up. Because the follow-up exists from the moment an attempt
 * starts, advancing the clock past a retry's due time always finds it, however long the
 * endpoint took to answer.
 *
 * Success, as AWS defines it for HTTP/S: an answer with a status in 200–499 within 15 seconds.
 * 5xx answers, timeouts and connection failures are failures (server-side errors, retried).
 *
 * A subscription deleted while its retries are pending gets no more attempts; the message is
 * dropped, not sent to the dead-letter queue.
 *
 * A notification's final outcome (delivered, or the retries used up) goes to the topic's
 * delivery status log when the topic asks for HTTP status logging (delivery-status-log.ts).
 *
 * A subscription with a throttle policy gets at most maxReceivesPerSecond POSTs a second, first
 * attempts and retries alike (throttle.ts). A POST over the rate waits for the subscription's
 * next free slot: its row is due at that slot, a task on the scheduler sends it then, and the
 * retry schedule after it counts from when it went out. Without a throttle policy nothing waits.
 *
 * Pending retries survive a restart (retry-store.ts): the row is written before the first
 * attempt goes out, updated as each retry is sent, and deleted on success or once the
 * dead-letter queue has the message. A restarted Nimbus (`resumeHttpRetries`) schedules each
 * row's follow-up at its due time, counting the attempt that was in flight as failed, since
 * its answer was lost with the process: delivery is at least once, so a notification may
 * arrive twice, never not at all (or, retries used up, in the dead-letter queue). A row that was
 * waiting for a throttle slot resumes the same way: no answer, so the POST it waited for is sent.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { AwsError } from "../../core/errors.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { Invoke } from "../../core/service.js";
import { logDeliveryStatus, type StatusLogEnv } from "./delivery-status-log.js";
import { retryDelays, type RetryPolicy } from "./delivery-policy.js";
import { deliveryId, type StatusNotification } from "./domain/delivery-status.js";
import type { HttpDelivery } from "./domain/messages.js";
import { sendToQueue } from "./queues.js";
import type { DeadLetter, HttpRetryStore, PendingRetry } from "./retry-store.js";
import type { Topic, TopicRef } from "./store.js";
import type { DeliveryThrottle } from "./throttle.js";
import { parseTopicArn } from "./topics.js";

/** "The connection will time out in 15 seconds." */
const HTTP_TIMEOUT_MS = 15_000;

/** What one POST came back with. */
export interface HttpAnswer {
  readonly delivered: boolean;
  /** Absent when no answer came (the connection failed or timed out). */
  readonly statusCode?: number | undefined;
  /** The answer's reason phrase, or why none came: the status log's providerResponse. */
  readonly response: string;
}

export type HttpPost = (endpoint: string, delivery: HttpDelivery) => Promise<HttpAnswer>;

export interface RetryEnv extends StatusLogEnv {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Reaches SQS for the dead-letter queue, and CloudWatch Logs for delivery status. */
  readonly invoke: Invoke;
  /** `closing` is set as Nimbus shuts down: answers arriving after that leave the rows alone. */
  readonly store: StatusLogEnv["store"] & {
    readonly retries: HttpRetryStore;
    readonly throttle: DeliveryThrottle;
    readonly closing: boolean;
    /** Whether the subscription still exists: an Unsubscribe stops its pending retries. */
    hasSubscription(account: string, region: string, subscriptionArn: string): boolean;
    /** The topic whose attributes say whether to log a notification's outcome. */
    getTopic(ref: TopicRef): Topic | undefined;
  };
  /** Replaces the POST (tests). */
  readonly post?: HttpPost;
}

/** POSTs one delivery; resolves with the answer and whether AWS would count it delivered. Never rejects. */
export async function postToEndpoint(endpoint: string, delivery: HttpDelivery): Promise<HttpAnswer> {
  try {
    const res = await fetch(endpoint, { method: "POST", headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    await res.arrayBuffer();
    return { delivered: res.status >= 200 && res.status < 500, statusCode: res.status, response: res.statusText };
  } catch (err) {
    // fetch says only "fetch failed"; the cause names it ("connect ECONNREFUSED 127.0.0.1:9").
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
    return { delivered: false, response: cause instanceof Error ? cause.message : String(cause) };
  }
}

export interface HttpDeliveryTarget {
  /** The subscription's account and region: the row's scope. */
  readonly account: string;
  readonly region: string;
  readonly subscriptionArn: string;
  readonly endpoint: string;
  readonly delivery: HttpDelivery;
  readonly policy: RetryPolicy;
  /** Where the message goes when the last retry has failed too; dropped without one. */
  readonly deadLetter?: DeadLetter | undefined;
  /** A notification's message, for its delivery status record (confirmations have none). */
  readonly notification?: StatusNotification | undefined;
  /** The subscription's throttlePolicy.maxReceivesPerSecond; undefined: no limit. */
  readonly maxReceivesPerSecond?: number | undefined;
}

/** Sends a delivery and retries it per its policy; returns at once (AWS answers Publish first). */
export function deliverWithRetries(env: RetryEnv, target: HttpDeliveryTarget): void {
  const now = env.clock.now();
  const delays = retryDelays(target.policy).map((s) => s * 1000);
  const retry: PendingRetry = {
    account: target.account,
    region: target.region,
    id: randomUUID(),
    subscriptionArn: target.subscriptionArn,
    endpoint: target.endpoint,
    delivery: target.delivery,
    delays,
    attempts: 0,
    dueAt: now,
    deadLetter: target.deadLetter,
    notification: target.notification,
    maxReceivesPerSecond: target.maxReceivesPerSecond,
  };
  const at = slot(env, retry, now);
  if (at > now) {
    // Over the subscription's rate: the row waits for its slot, no attempt sent yet.
    retry.dueAt = at;
    env.store.retries.insert(retry, now);
    sendAtSlot(env, retry);
    return;
  }
  sent(retry, now);
  // Written before the POST: a Publish that has answered survives a crash during the first attempt.
  env.store.retries.insert(retry, now);
  followUp(env, retry, post(env, retry));
}

/**
 * Schedules the retries a previous run left pending (a persistent data dir), each at its due
 * time; one already overdue runs at once. Returns how many were resumed.
 */
export function resumeHttpRetries(env: RetryEnv): number {
  const pending = env.store.retries.all();
  // The attempt that was in flight when the process stopped has no answer: a failure.
  for (const retry of pending) followUp(env, retry, Promise.resolve({ delivered: false, response: "No answer: Nimbus stopped during the attempt" }));
  return pending.length;
}

/** ms from attempt `attempts` (1 = the first delivery) to the step after it: the next retry, or 0 once none is left. */
function stepAfter(delays: readonly number[], attempts: number): number {
  return delays[attempts - 1] ?? 0;
}

/** When a POST wanted at `at` may go: then, or the subscription's next free throttle slot. */
function slot(env: RetryEnv, retry: PendingRetry, at: number): number {
  return retry.maxReceivesPerSecond === undefined ? at : env.store.throttle.take(retry.subscriptionArn, retry.maxReceivesPerSecond, at);
}

/** Counts an attempt sent at `sentAt`; the step after it falls due one delay later. */
function sent(retry: PendingRetry, sentAt: number): void {
  retry.attempts += 1;
  retry.dueAt = sentAt + stepAfter(retry.delays, retry.attempts);
}

/** Sends the next attempt at `sentAt` (now) and schedules its follow-up; resolves once it is answered. */
async function send(env: RetryEnv, retry: PendingRetry, sentAt: number): Promise<void> {
  sent(retry, sentAt);
  env.store.retries.advance(retry);
  const next = post(env, retry);
  followUp(env, retry, next);
  // Awaited so a test's advance() returns with the attempt answered.
  await next;
}

/** How long a step that could not be written (the database full or read-only) waits before it is taken again. */
export const STEP_RETRY_MS = 5_000;

/**
 * Takes a step of a retry from a scheduler task. One that fails (its row could not be written)
 * leaves the retry as it was and is taken again STEP_RETRY_MS later: nothing else would take it
 * before a restart. The failure goes on to the scheduler's log.
 */
async function step(env: RetryEnv, retry: PendingRetry, run: () => Promise<void>, again: () => void): Promise<void> {
  const { attempts } = retry;
  try {
    await run();
  } catch (error) {
    retry.attempts = attempts;
    retry.dueAt = env.clock.now() + STEP_RETRY_MS;
    again();
    throw error;
  }
}

/** A POST held back by the throttle policy: sent from a task at its slot, the row's due time. */
function sendAtSlot(env: RetryEnv, retry: PendingRetry): void {
  const at = retry.dueAt;
  env.scheduler.at(
    at,
    () =>
      step(
        env,
        retry,
        async () => {
          if (!env.store.closing && subscribed(env, retry)) await send(env, retry, at);
        },
        () => sendAtSlot(env, retry),
      ),
    "sns:http-throttled",
  );
}

/** Whether the retry's subscription still exists; one unsubscribed since gets no more POSTs and loses its row. */
function subscribed(env: RetryEnv, retry: PendingRetry): boolean {
  if (env.store.hasSubscription(retry.account, retry.region, retry.subscriptionArn)) return true;
  // Nothing for its dead-letter queue either.
  forget(env, retry);
  return false;
}

function post(env: RetryEnv, retry: PendingRetry): Promise<HttpAnswer> {
  return (env.post ?? postToEndpoint)(retry.endpoint, retry.delivery);
}

function forget(env: RetryEnv, retry: PendingRetry): void {
  // Stopping: the database may be closed; the row stays and the next start picks it up.
  if (!env.store.closing) env.store.retries.delete(retry);
}

/** A notification's final outcome, for the topic's delivery status log. */
async function logOutcome(env: RetryEnv, retry: PendingRetry, answer: HttpAnswer): Promise<void> {
  const notification = retry.notification;
  if (notification === undefined || env.store.closing) return;
  const topic = env.store.getTopic(parseTopicArn(notification.topicArn));
  if (topic === undefined) return;
  // The latest attempt went out one step before the step after it is due.
  const sentAt = retry.dueAt - stepAfter(retry.delays, retry.attempts);
  await logDeliveryStatus(env, topic, "http", notification, {
    status: answer.delivered ? "SUCCESS" : "FAILURE",
    deliveryId: deliveryId(notification.messageId, retry.subscriptionArn),
    destination: retry.endpoint,
    providerResponse: answer.response,
    dwellTimeMs: sentAt - Date.parse(notification.timestamp),
    attempts: retry.attempts,
    statusCode: answer.statusCode,
  });
}

function followUp(env: RetryEnv, retry: PendingRetry, attempt: Promise<HttpAnswer>): void {
  const takeStep = async (): Promise<void> => {
    const answer = await attempt;
    if (answer.delivered || env.store.closing || !subscribed(env, retry)) return;
    if (retry.attempts > retry.delays.length) {
      if (retry.deadLetter !== undefined) {
        // A dead-letter queue that is gone or refuses the message loses it, as on AWS; one that
        // cannot store it (Nimbus's database full) fails the step, which is taken again.
        const topicArn = retry.subscriptionArn.slice(0, retry.subscriptionArn.lastIndexOf(":"));
        await sendToQueue(env.invoke, retry.deadLetter.targetArn, retry.deadLetter.delivery, topicArn).catch((error: unknown) => {
          if (!(error instanceof AwsError)) throw error;
        });
      }
      await logOutcome(env, retry, answer);
      forget(env, retry);
      return;
    }
    // A retry resumed late (Nimbus was down past its due time) restarts the schedule from now.
    const at = slot(env, retry, Math.max(retry.dueAt, env.clock.now()));
    if (at <= env.clock.now()) {
      await send(env, retry, at);
      return;
    }
    retry.dueAt = at;
    env.store.retries.advance(retry);
    sendAtSlot(env, retry);
  };
  const cancel = env.scheduler.at(retry.dueAt, () => step(env, retry, takeStep, () => followUp(env, retry, attempt)), "sns:http-retry");
  void attempt
    .then(async (answer) => {
      if (!answer.delivered) return;
      cancel();
      forget(env, retry);
      await logOutcome(env, retry, answer);
    })
    .catch((error: unknown) => {
      // Delivered, but its row could not be deleted (the database full or read-only): the next
      // start resumes it and POSTs it again, as SNS's at-least-once delivery may. Unhandled, the
      // rejection ended the Nimbus process.
      env.store.logger?.warn({
        msg: "SNS delivered an HTTP notification but could not delete its pending retry; it will be sent again after a restart",
        service: "sns",
        subscriptionArn: retry.subscriptionArn,
        error: error instanceof Error ? error.message : String(error),
      });
    });
}
