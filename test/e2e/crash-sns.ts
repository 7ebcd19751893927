/**
 * SNS under kill -9 (crash-restart.test.ts): a topic whose subscriptions are SQS queues, raw
 * and enveloped, some added while the load runs, and a publisher.
 *
 * After a restart: the subscriptions acknowledged before the kill are there (and no other but
 * the one in flight, maybe); each holds every publish acknowledged after its subscribe, once,
 * and nothing published before it; the topic keeps delivering to all of them.
 */
import assert from "node:assert/strict";
import { CreateTopicCommand, ListSubscriptionsByTopicCommand, PublishCommand, SubscribeCommand } from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import { ACCOUNT, REGION, type Clients, type Random, type Round } from "./crash-harness.js";

interface Subscriber {
  readonly queue: string;
  readonly raw: boolean;
  /** The first publish (index into `published`) it must hold: the first sent after its subscribe was answered. */
  from: number;
}

interface Publish {
  readonly body: string;
  /** In flight at the kill: delivered to all, some or none of the subscribers. */
  readonly inFlight: boolean;
}

export class SnsScenario {
  private topicArn = "";
  private readonly subscribers: Subscriber[] = [];
  private subscribing: Subscriber | undefined;
  private readonly published: Publish[] = [];
  private queues = 0;
  readonly stats = { subscribers: 0 };

  constructor(private readonly seed: number, private readonly suffix: string) {}

  private queueArn(queue: string): string {
    return `arn:aws:sqs:${REGION}:${ACCOUNT}:${queue}`;
  }

  async setup({ sns, sqs }: Clients): Promise<void> {
    this.topicArn = (await sns.send(new CreateTopicCommand({ Name: `crash-topic-${this.suffix}` }))).TopicArn ?? "";
    assert.ok(this.topicArn);
    const first: Subscriber = { queue: `crash-sub-${this.suffix}-${this.queues++}`, raw: true, from: 0 };
    await sqs.send(new CreateQueueCommand({ QueueName: first.queue }));
    await sns.send(new SubscribeCommand({ TopicArn: this.topicArn, Protocol: "sqs", Endpoint: this.queueArn(first.queue), Attributes: { RawMessageDelivery: "true" } }));
    this.subscribers.push(first);
  }

  workers(round: Round): Array<() => Promise<void>> {
    return [() => this.publisher(round, round.random(this.seed, "sns"))];
  }

  private async publisher(round: Round, random: Random): Promise<void> {
    const { sns, sqs } = round.clients;
    for (let n = 0; !round.killed; n++) {
      if (random.chance(0.08)) {
        const subscriber: Subscriber = { queue: `crash-sub-${this.suffix}-${this.queues++}`, raw: random.chance(0.5), from: this.published.length };
        const created = await round.attempt(() => sqs.send(new CreateQueueCommand({ QueueName: subscriber.queue })));
        if (!created.acked) return;
        const subscribed = await round.attempt(() =>
          sns.send(new SubscribeCommand({ TopicArn: this.topicArn, Protocol: "sqs", Endpoint: this.queueArn(subscriber.queue), Attributes: { RawMessageDelivery: String(subscriber.raw) } })),
        );
        if (!subscribed.acked) {
          this.subscribing = subscriber;
          return;
        }
        this.subscribers.push(subscriber);
        continue;
      }
      const body = `sns/${round.number}/${n}`;
      const sent = await round.attempt(() => sns.send(new PublishCommand({ TopicArn: this.topicArn, Message: body, MessageAttributes: { n: { DataType: "Number", StringValue: String(n) } } })));
      this.published.push({ body, inFlight: !sent.acked });
      if (!sent.acked) return;
    }
  }

  async verify({ sns, sqs }: Clients, round: number): Promise<void> {
    const endpoints: string[] = [];
    let token: string | undefined;
    do {
      const page = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: this.topicArn, ...(token !== undefined ? { NextToken: token } : {}) }));
      for (const s of page.Subscriptions ?? []) endpoints.push(s.Endpoint ?? "");
      token = page.NextToken;
    } while (token !== undefined);
    const expected = this.subscribers.map((s) => this.queueArn(s.queue));
    const subscribing = this.subscribing;
    this.subscribing = undefined;
    if (subscribing !== undefined && endpoints.includes(this.queueArn(subscribing.queue))) {
      this.subscribers.push(subscribing);
      expected.push(this.queueArn(subscribing.queue));
    }
    assert.deepEqual([...endpoints].sort(), [...expected].sort(), "the topic has the subscriptions acknowledged before the kill");
    this.stats.subscribers = this.subscribers.length;

    // The topic still delivers: a publish now reaches every subscriber.
    const probe = `sns/probe/${round}`;
    await sns.send(new PublishCommand({ TopicArn: this.topicArn, Message: probe }));
    this.published.push({ body: probe, inFlight: false });

    for (const subscriber of this.subscribers) {
      const got = await this.drain(sqs, subscriber);
      const owed = this.published.slice(subscriber.from);
      const must = owed.filter((p) => !p.inFlight).map((p) => p.body);
      const may = new Set(owed.map((p) => p.body));
      const context = `${subscriber.queue} (subscribed before publish ${subscriber.from}) holds ${JSON.stringify(got)}`;
      assert.equal(new Set(got).size, got.length, `${context}: each publish once`);
      for (const body of got) assert.ok(may.has(body), `${context}: ${body} was not published to it`);
      for (const body of must) assert.ok(got.includes(body), `${context}: acknowledged ${body} is missing`);
      subscriber.from = this.published.length;
    }
  }

  /** Every message of a subscriber's queue, received and deleted, as the publisher's bodies. */
  private async drain(sqs: SQSClient, subscriber: Subscriber): Promise<string[]> {
    const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: subscriber.queue }))).QueueUrl ?? "";
    const bodies: string[] = [];
    for (;;) {
      const got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }))).Messages ?? [];
      if (got.length === 0) return bodies;
      bodies.push(...got.map((m) => this.bodyOf(subscriber, m)));
      const deleted = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: got.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle ?? "" })) }));
      assert.deepEqual(deleted.Failed ?? [], []);
    }
  }

  private bodyOf(subscriber: Subscriber, message: Message): string {
    if (subscriber.raw) return message.Body ?? "";
    const envelope = JSON.parse(message.Body ?? "{}") as { Type?: string; TopicArn?: string; Message?: string };
    assert.equal(envelope.Type, "Notification");
    assert.equal(envelope.TopicArn, this.topicArn);
    return envelope.Message ?? "";
  }
}
