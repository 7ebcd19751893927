/**
 * The throttlePolicy of HTTP/S subscriptions: `maxReceivesPerSecond` is "the maximum number of
 * deliveries per second, per subscription", no throttling without one (AWS CDK's ThrottlePolicy
 * reference), counted in "delivery attempts" (the AWS News Blog post that introduced delivery
 * policies), so retries take a slot like first attempts. A POST over the rate is not dropped:
 * it waits for the subscription's next free slot (retry.ts keeps it in the retry row meanwhile,
 * so the wait survives a restart).
 *
 * Slots go out in the order they are asked for, never before the previous one (a FIFO per
 * subscription), and at most `maxReceivesPerSecond` of them fall in any one second: the next
 * slot is no earlier than a second after the one `maxReceivesPerSecond` slots back. A burst
 * within the rate goes out at once; the rest waits a second per `maxReceivesPerSecond` POSTs.
 *
 * In memory: a restarted Nimbus starts with no history, and the deliveries that were waiting
 * take slots again as their due times come.
 */
const WINDOW_MS = 1000;

export class DeliveryThrottle {
  /** Per subscription ARN, the latest slots given out (at most its maxReceivesPerSecond), oldest first. */
  private readonly recent = new Map<string, number[]>();

  /** Takes the earliest free slot of the subscription at or after `at`; answers its time (epoch ms). */
  take(subscriptionArn: string, maxReceivesPerSecond: number, at: number): number {
    const history = this.recent.get(subscriptionArn) ?? [];
    // Nothing sent in the last second: no wait, and the old history can go.
    const slots = (history.at(-1) ?? -Infinity) + WINDOW_MS > at ? history : [];
    const bound = slots.length >= maxReceivesPerSecond ? slots[slots.length - maxReceivesPerSecond] : undefined;
    const slot = Math.max(at, slots.at(-1) ?? at, (bound ?? -Infinity) + WINDOW_MS);
    slots.push(slot);
    if (slots.length > maxReceivesPerSecond) slots.splice(0, slots.length - maxReceivesPerSecond);
    this.recent.set(subscriptionArn, slots);
    return slot;
  }

  /**
   * Forgets the subscriptions with no slot in the second before `now` or after it: their history
   * no longer holds anything back (`take` would start them afresh). Without this every
   * subscription that ever had a throttle policy stayed here, unsubscribed or not (the SNS sweep).
   */
  prune(now: number): number {
    let pruned = 0;
    for (const [subscriptionArn, slots] of this.recent) {
      if ((slots.at(-1) ?? -Infinity) + WINDOW_MS <= now) {
        this.recent.delete(subscriptionArn);
        pruned++;
      }
    }
    return pruned;
  }

  /** Whether the subscription's slot history is held (tests). */
  has(subscriptionArn: string): boolean {
    return this.recent.has(subscriptionArn);
  }
}
