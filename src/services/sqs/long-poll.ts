/**
 * ReceiveMessage with WaitTimeSeconds: answers as soon as a message can be received (a send,
 * a delay or visibility timeout running out, a FIFO group freed) and with nothing when the
 * wait runs out. Both the wait and the wake-ups at known visibility times are scheduler
 * tasks, never raw timers, so a ManualClock test drives them with scheduler.advance().
 */
import type { Cancel } from "../../core/scheduler.js";
import { receiveNow, type ReceiveOptions, type ReceivedMessage } from "./messages.js";
import type { SqsContext } from "./queues.js";
import { queueKey, type QueueRef } from "./store.js";

const noop: Cancel = () => undefined;

export function receiveWithWait(ctx: SqsContext, ref: QueueRef, options: ReceiveOptions, waitSeconds: number): Promise<ReceivedMessage[]> {
  const first = receiveNow(ctx, ref, options);
  if (first.length > 0 || waitSeconds <= 0) return Promise.resolve(first);
  return new Promise((resolve) => {
    const deadline = ctx.clock.now() + waitSeconds * 1000;
    let done = false;
    let cancelTimeout: Cancel = noop;
    let cancelNext: Cancel = noop;
    let unregister: () => void = noop;
    const finish = (messages: ReceivedMessage[]): void => {
      if (done) return;
      done = true;
      cancelTimeout();
      cancelNext();
      unregister();
      resolve(messages);
    };
    const armNext = (): void => {
      cancelNext();
      cancelNext = noop;
      const next = ctx.store.nextVisibleAt(ref, ctx.clock.now());
      if (next !== undefined && next < deadline) cancelNext = ctx.scheduler.at(next, attempt, "sqs:long-poll-visible");
    };
    const attempt = (): void => {
      if (done) return;
      const got = receiveNow(ctx, ref, options);
      if (got.length > 0) finish(got);
      else armNext();
    };
    cancelTimeout = ctx.scheduler.at(deadline, () => finish(done ? [] : receiveNow(ctx, ref, options)), "sqs:long-poll-timeout");
    unregister = ctx.store.waiters.add(queueKey(ref), { wake: attempt, abort: () => finish([]) });
    armNext();
  });
}
