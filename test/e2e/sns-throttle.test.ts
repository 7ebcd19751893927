/**
 * The throttle policy of HTTP/S subscriptions with the real SDK and a real endpoint:
 * `throttlePolicy.maxReceivesPerSecond` is the maximum number of deliveries per second per
 * subscription; deliveries over it wait (in the order published) for the following seconds,
 * which the tests step through on the manual clock. Without a throttle policy nothing waits.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ConfirmSubscriptionCommand,
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  PublishCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from "@aws-sdk/client-sns";
import type { SnsStore } from "../../src/services/sns/store.js";
import { startTestNimbus, uniqueName, type TestNimbus } from "./harness.js";
import { SubscriberEndpoint, type Received } from "./sns-endpoint.js";

describe("SNS HTTP/S throttle policy", () => {
  let nimbus: TestNimbus;
  let sns: SNSClient;
  const endpoint = new SubscriberEndpoint();
  let base = "";
  before(async () => {
    nimbus = await startTestNimbus();
    sns = new SNSClient(nimbus.clientConfig());
    base = await endpoint.listen();
  });
  after(async () => {
    sns.destroy();
    await endpoint.close();
    await nimbus.close();
  });

  async function topic(attributes?: Record<string, string>): Promise<string> {
    return (await sns.send(new CreateTopicCommand({ Name: uniqueName("throttle"), ...(attributes ? { Attributes: attributes } : {}) }))).TopicArn ?? "";
  }

  /** Subscribes `base + path` with `attributes` and confirms it with the token the endpoint received. */
  async function confirmedSubscription(topicArn: string, path: string, attributes?: Record<string, string>): Promise<string> {
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "http", Endpoint: `${base}${path}`, ...(attributes ? { Attributes: attributes } : {}) }));
    const token = (JSON.parse((await endpoint.first(path, "SubscriptionConfirmation")).body) as { Token: string }).Token;
    return (await sns.send(new ConfirmSubscriptionCommand({ TopicArn: topicArn, Token: token }))).SubscriptionArn ?? "";
  }

  /** Publishes `count` messages one after the other; answers their message ids in order. */
  async function publish(topicArn: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 1; i <= count; i++) ids.push((await sns.send(new PublishCommand({ TopicArn: topicArn, Message: `message ${i}` }))).MessageId ?? "");
    return ids;
  }

  /** The next `count` requests to `path`; fails (rather than hangs) if they have not come within 5 real seconds. */
  async function arrivals(path: string, count: number): Promise<Received[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${count} POSTs to ${path} expected, ${endpoint.notifications(path).length} notifications came`)), 5_000);
    });
    try {
      return await Promise.race([Promise.all(Array.from({ length: count }, () => endpoint.next(path))), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  const messageIds = (received: readonly Received[]): string[] => received.map((r) => String(r.headers["x-amz-sns-message-id"])).sort();

  /** The notifications of `subscriptionArn` Nimbus holds back for a throttle slot: [message id, ms from now], soonest first. */
  function waiting(subscriptionArn: string): Array<[string, number]> {
    const store = nimbus.registry.peek("sns")?.store as SnsStore | undefined;
    assert.ok(store, "SNS is loaded");
    return store.retries
      .all()
      .filter((r) => r.subscriptionArn === subscriptionArn && r.attempts === 0)
      .map((r): [string, number] => [String(r.delivery.headers["x-amz-sns-message-id"]), r.dueAt - nimbus.manualClock.now()])
      .sort(bySlot);
  }

  /** Soonest first; within one slot (two POSTs that go out together) by message id. */
  const bySlot = (a: [string, number], b: [string, number]): number => a[1] - b[1] || a[0].localeCompare(b[0]);

  test("maxReceivesPerSecond 2: of 5 messages published at once, 2 arrive in the first second, 2 in the next, the last in the third", async () => {
    const path = "/throttled";
    const topicArn = await topic();
    const subArn = await confirmedSubscription(topicArn, path, { DeliveryPolicy: JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 2 } }) });
    const effective = JSON.parse((await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subArn }))).Attributes?.EffectiveDeliveryPolicy ?? "{}") as { throttlePolicy: unknown };
    assert.deepEqual(effective.throttlePolicy, { maxReceivesPerSecond: 2 });

    const ids = await publish(topicArn, 5);
    assert.deepEqual(messageIds(await arrivals(path, 2)), [ids[0], ids[1]].sort(), "the first two published go at once");
    assert.deepEqual(
      waiting(subArn),
      (
        [
          [ids[2] ?? "", 1_000],
          [ids[3] ?? "", 1_000],
          [ids[4] ?? "", 2_000],
        ] satisfies Array<[string, number]>
      ).sort(bySlot),
      "the other three wait for the next seconds, in the order published",
    );

    await nimbus.scheduler.advance(999);
    assert.equal(endpoint.notifications(path).length, 2, "nothing more within the first second");
    await nimbus.scheduler.advance(1);
    assert.deepEqual(messageIds(await arrivals(path, 2)), [ids[2], ids[3]].sort(), "two more one second later");
    await nimbus.scheduler.advance(999);
    assert.equal(endpoint.notifications(path).length, 4);
    await nimbus.scheduler.advance(1);
    assert.deepEqual(messageIds(await arrivals(path, 1)), [ids[4]], "the last one second after that");
    assert.deepEqual(waiting(subArn), []);

    await nimbus.scheduler.advance(3_600_000);
    assert.deepEqual(messageIds(endpoint.notifications(path)), [...ids].sort(), "each delivered once");
  });

  test("a throttled subscription's slot history is forgotten by the sweep once it is a second old, unsubscribed or idle", async () => {
    const store = nimbus.registry.peek("sns")?.store as SnsStore | undefined;
    assert.ok(store, "SNS is loaded");
    const policy = { DeliveryPolicy: JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 1 } }) };
    const topicArn = await topic();
    const gone = await confirmedSubscription(topicArn, "/throttle-gone", policy);
    const idle = await confirmedSubscription(topicArn, "/throttle-idle", policy);
    await publish(topicArn, 1);
    await Promise.all([arrivals("/throttle-gone", 1), arrivals("/throttle-idle", 1)]);
    assert.deepEqual([store.throttle.has(gone), store.throttle.has(idle)], [true, true]);
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: gone }));
    // The sweep runs every 5 minutes.
    await nimbus.scheduler.advance(5 * 60_000);
    assert.deepEqual([store.throttle.has(gone), store.throttle.has(idle)], [false, false]);
    // Forgotten, the idle one sends at once again, as after any quiet second.
    await publish(topicArn, 1);
    assert.equal((await arrivals("/throttle-idle", 1)).length, 1);
  });

  test("without a throttle policy all 5 arrive at once", async () => {
    const path = "/unthrottled";
    const topicArn = await topic();
    await confirmedSubscription(topicArn, path);
    const now = nimbus.manualClock.now();
    const ids = await publish(topicArn, 5);
    assert.deepEqual(messageIds(await arrivals(path, 5)), [...ids].sort());
    assert.equal(nimbus.manualClock.now(), now, "without the clock moving");
  });

  test("the topic's http.defaultThrottlePolicy paces a subscription that sets none", async () => {
    const path = "/topic-throttled";
    const topicArn = await topic();
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "DeliveryPolicy", AttributeValue: JSON.stringify({ http: { defaultThrottlePolicy: { maxReceivesPerSecond: 1 } } }) }));
    const subArn = await confirmedSubscription(topicArn, path);
    const ids = await publish(topicArn, 3);
    assert.deepEqual(messageIds(await arrivals(path, 1)), [ids[0]]);
    assert.deepEqual(waiting(subArn), [
      [ids[1], 1_000],
      [ids[2], 2_000],
    ]);
    await nimbus.scheduler.advance(1_000);
    assert.deepEqual(messageIds(await arrivals(path, 1)), [ids[1]]);
    await nimbus.scheduler.advance(1_000);
    assert.deepEqual(messageIds(await arrivals(path, 1)), [ids[2]]);
  });
});
