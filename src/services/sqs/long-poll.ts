/**
 * ReceiveMessage with WaitTimeSeconds: answers as soon as a message can be received (a send,
 * a delay or visibility timeout running out, a FIFO group freed) and with nothing when the
 * wait runs out. Both the wait and the wake-ups at known visibility times are scheduler
 * tasks, never raw timers, so a ManualClock test drives them with scheduler.advance().
 * A receive that fails when woken (the database cannot be written: a full disk) ends the poll
 * with that failure, a 500 its caller retries; it must neither fail the send that woke it,
 * which has committed, nor leave the poll unanswered for ever.
 */
import type { Cancel } from "../../core/scheduler.js";
import { receiveNow, type ReceiveOptions, type ReceivedMessage } from "./messages.js";
import type { SqsContext } from "./queues.js";
import { queueKey, type QueueRef } from "./store.js";

const noop: Cancel = () => undefined;

export function receiveWithWait(ctx: SqsContext, ref: QueueRef, options: ReceiveOptions, waitSeconds: number): Promise<ReceivedMessage[]> {
  const first = receiveNow(ctx, ref, options);
  if (first.length > 0 || waitSeconds <= 0) return Promise.resolve(first);
  return new Promise((resolve, reject) => {
    const deadline = ctx.clock.now() + waitSeconds * 1000;
    let done = false;
    let cancelTimeout: Cancel = noop;
    let cancelNext: Cancel = noop;
    let unregister: () => void = noop;
    const settle = (answer: () => void): void => {
      if (done) return;
      done = true;
      cancelTimeout();
      cancelNext();
      unregister();
      answer();
    };
    const finish = (messages: ReceivedMessage[]): void => settle(() => resolve(messages));
    /** The receive's messages, or undefined once its failure has ended the poll. */
    const tryReceive = (): ReceivedMessage[] | undefined => {
      try {
        return receiveNow(ctx, ref, options);
      } catch (error) {
        settle(() => reject(error));
        return undefined;
      }
    };
    const armNext = (): void => {
      cancelNext();
      cancelNext = noop;
      const next = ctx.store.nextVisibleAt(ref, ctx.clock.now());
      if (next !== undefined && next < deadline) cancelNext = ctx.scheduler.at(next, attempt, "sqs:long-poll-visible");
    };
    const attempt = (): void => {
      if (done) return;
      const got = tryReceive();
      if (got === undefined) return;
      if (got.length > 0) finish(got);
      else armNext();
    };
    cancelTimeout = ctx.scheduler.at(
      deadline,
      () => {
        if (done) return;
        const got = tryReceive();
        if (got !== undefined) finish(got);
      },
      "sqs:long-poll-timeout",
    );
    unregister = ctx.store.waiters.add(queueKey(ref), { wake: attempt, abort: () => finish([]) });
    armNext();
  });
}
