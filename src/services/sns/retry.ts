/**
 * HTTP/S delivery with AWS's retries. The first attempt goes out at once; each retry is a
 * task on the Nimbus scheduler at the time the delivery policy names, counted from the
 * previous attempt's due time, so tests drive the whole series with `scheduler.advance()`.
 *
 * Every attempt has a follow-up task scheduled when it is sent: the task waits for that
 * attempt's outcome, then sends the next retry (and schedules its follow-up), or, with the
 * retries used up, hands the message to the exhausted hook (the dead-letter queue). An attempt
 * that succeeds cancels its follow-up. Because the follow-up exists from the moment an attempt
 * starts, advancing the clock past a retry's due time always finds it, however long the
 * endpoint took to answer.
 *
 * Success, as AWS defines it for HTTP/S: an answer with a status in 200–499 within 15 seconds.
 * 5xx answers, timeouts and connection failures are failures (server-side errors, retried).
 * Pending retries live in memory: a restart of Nimbus drops them.
 */
import type { Clock } from "../../core/clock.js";
import type { Scheduler } from "../../core/scheduler.js";
import type { HttpDelivery } from "./domain/messages.js";
import { retryDelays, type RetryPolicy } from "./delivery-policy.js";

/** "The connection will time out in 15 seconds." */
const HTTP_TIMEOUT_MS = 15_000;

export interface RetryEnv {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
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

export interface HttpRetryOptions {
  endpoint: string;
  delivery: HttpDelivery;
  policy: RetryPolicy;
  /** Runs once when the last retry has failed too. */
  onExhausted?: () => Promise<void>;
  /** Replaces the POST (tests). */
  post?: (endpoint: string, delivery: HttpDelivery) => Promise<boolean>;
}

/** Sends a delivery and retries it per `policy`; returns at once (AWS answers Publish first). */
export function deliverWithRetries(env: RetryEnv, options: HttpRetryOptions): void {
  const post = options.post ?? postToEndpoint;
  const delays = retryDelays(options.policy).map((s) => s * 1000);
  let retriesUsed = 0;

  const followUp = (attempt: Promise<boolean>, due: number): void => {
    const last = retriesUsed >= delays.length;
    const when = due + (last ? 0 : (delays[retriesUsed] ?? 0));
    const cancel = env.scheduler.at(
      when,
      async () => {
        if (await attempt) return;
        if (last) {
          await options.onExhausted?.();
          return;
        }
        retriesUsed += 1;
        const next = post(options.endpoint, options.delivery);
        followUp(next, when);
        // Awaited so a test's advance() returns with the retry answered.
        await next;
      },
      "sns:http-retry",
    );
    void attempt.then((delivered) => {
      if (delivered) cancel();
    });
  };

  followUp(post(options.endpoint, options.delivery), env.clock.now());
}
