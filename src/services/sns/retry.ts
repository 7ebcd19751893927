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
 * Pending retries survive a restart (retry-store.ts): the row is written before the first
 * attempt goes out, updated as each retry is sent, and deleted on success or once the
 * dead-letter queue has the message. A restarted Nimbus (`resumeHttpRetries`) schedules each
 * row's follow-up at its due time, counting the attempt that was in flight as failed, since
 * its answer was lost with the process: delivery is at least once, so a notification may
 * arrive twice, never not at all (or, retries used up, in the dead-letter queue).
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { Invoke } from "../../core/service.js";
import { retryDelays, type RetryPolicy } from "./delivery-policy.js";
import type { HttpDelivery } from "./domain/messages.js";
import { sendToQueue } from "./queues.js";
import type { DeadLetter, HttpRetryStore, PendingRetry } from "./retry-store.js";

/** "The connection will time out in 15 seconds." */
const HTTP_TIMEOUT_MS = 15_000;

export type HttpPost = (endpoint: string, delivery: HttpDelivery) => Promise<boolean>;

export interface RetryEnv {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Reaches SQS for the dead-letter queue. */
  readonly invoke: Invoke;
  /** `closing` is set as Nimbus shuts down: answers arriving after that leave the rows alone. */
  readonly store: {
    readonly retries: HttpRetryStore;
    readonly closing: boolean;
    /** Whether the subscription still exists: an Unsubscribe stops its pending retries. */
    hasSubscription(account: string, region: string, subscriptionArn: string): boolean;
  };
  /** Replaces the POST (tests). */
  readonly post?: HttpPost;
}

/** POSTs one delivery; resolves whether AWS would count it delivered. Never rejects. */
export async function postToEndpoint(endpoint: string, delivery: HttpDelivery): Promise<boolean> {
  try {
    const res = await fetch(endpoint, { method: "POST", headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    await res.arrayBuffer();
    return res.status >= 200 && res.status < 500;
  } catch {
    return false;
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
    attempts: 1,
    dueAt: now + stepAfter(delays, 1),
    deadLetter: target.deadLetter,
  };
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
  for (const retry of pending) followUp(env, retry, Promise.resolve(false));
  return pending.length;
}

/** ms from attempt `attempts` (1 = the first delivery) to the step after it: the next retry, or 0 once none is left. */
function stepAfter(delays: readonly number[], attempts: number): number {
  return delays[attempts - 1] ?? 0;
}

function post(env: RetryEnv, retry: PendingRetry): Promise<boolean> {
  return (env.post ?? postToEndpoint)(retry.endpoint, retry.delivery);
}

function forget(env: RetryEnv, retry: PendingRetry): void {
  // Stopping: the database may be closed; the row stays and the next start picks it up.
  if (!env.store.closing) env.store.retries.delete(retry);
}

function followUp(env: RetryEnv, retry: PendingRetry, attempt: Promise<boolean>): void {
  const cancel = env.scheduler.at(
    retry.dueAt,
    async () => {
      if ((await attempt) || env.store.closing) return;
      if (!env.store.hasSubscription(retry.account, retry.region, retry.subscriptionArn)) {
        // Unsubscribed since: no more retries, and nothing for its dead-letter queue.
        forget(env, retry);
        return;
      }
      if (retry.attempts > retry.delays.length) {
        if (retry.deadLetter !== undefined) {
          // A dead-letter queue that is gone or refuses the message loses it, as on AWS.
          await sendToQueue(env.invoke, retry.deadLetter.targetArn, retry.deadLetter.delivery).catch(() => undefined);
        }
        forget(env, retry);
        return;
      }
      // A retry resumed late (Nimbus was down past its due time) restarts the schedule from now.
      const sentAt = Math.max(retry.dueAt, env.clock.now());
      retry.attempts += 1;
      retry.dueAt = sentAt + stepAfter(retry.delays, retry.attempts);
      env.store.retries.advance(retry);
      const next = post(env, retry);
      followUp(env, retry, next);
      // Awaited so a test's advance() returns with the retry answered.
      await next;
    },
    "sns:http-retry",
  );
  void attempt.then((delivered) => {
    if (!delivered) return;
    cancel();
    forget(env, retry);
  });
}
