/**
 * SNS message archiving and replay for FIFO topics, with the real v3 clients: a topic's
 * ArchivePolicy and BeginningArchiveTime, the refusals, a subscription's ReplayPolicy replaying
 * the archive into a FIFO SQS queue (in order, to that subscription only, with the original
 * MessageId, Timestamp and FIFO ids, marked Replayed), ReplayStatus as the replay goes, the
 * EndingPoint's pause, expiry by the retention period as the clock moves, and both the archive
 * and a replay left running surviving a restart.
 *
 * The manual clock never fires timers: a replay stays Pending until the test runs the scheduler
 * (`nimbus.scheduler.runDue()` or `advance()`), as on AWS it is Pending "while the replay initiates".
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CreateTopicCommand,
  DeleteTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListTopicsCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  type MessageAttributeValue,
} from "@aws-sdk/client-sns";
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { SnsStore } from "../../src/services/sns/store.js";
import { acrossRestart, failure, uniqueName, type TestNimbus } from "./harness.js";
import { snsSuite } from "./sns-fixtures.js";

const DAY = 86_400_000;
const MINUTE = 60_000;

/** What the queue got: the SNS envelope of each message, with the SQS message's FIFO ids. */
interface Received {
  readonly envelope: Record<string, unknown>;
  readonly groupId: string | undefined;
  readonly dedupId: string | undefined;
}

describe("SNS FIFO message archiving and replay", () => {
  let nimbus: TestNimbus;
  let sns: SNSClient;
  let sqs: SQSClient;

  snsSuite((fixture) => ({ nimbus, sns, sqs } = fixture));

  const iso = (ms: number) => new Date(ms).toISOString();

  async function fifoTopic(prefix: string, archiveDays?: number): Promise<string> {
    const out = await sns.send(
      new CreateTopicCommand({
        Name: `${uniqueName(prefix)}.fifo`,
        Attributes: { FifoTopic: "true", ...(archiveDays !== undefined ? { ArchivePolicy: JSON.stringify({ MessageRetentionPeriod: String(archiveDays) }) } : {}) },
      }),
    );
    return out.TopicArn ?? "";
  }

  async function fifoQueue(prefix: string): Promise<{ url: string; arn: string }> {
    const url = (await sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName(prefix)}.fifo`, Attributes: { FifoQueue: "true" } }))).QueueUrl ?? "";
    const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    return { url, arn };
  }

  async function subscribe(topicArn: string, queueArn: string, attributes: Record<string, string> = {}): Promise<string> {
    return (await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn, Attributes: attributes, ReturnSubscriptionArn: true }))).SubscriptionArn ?? "";
  }

  async function publish(topicArn: string, body: string, group = "g1", attributes?: Record<string, MessageAttributeValue>): Promise<{ id: string; sequence: string; at: number }> {
    const out = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: body, MessageGroupId: group, MessageDeduplicationId: `${body}-dedup`, MessageAttributes: attributes }));
    return { id: out.MessageId ?? "", sequence: out.SequenceNumber ?? "", at: nimbus.clock.now() };
  }

  /** Everything in the queue, in the order SQS hands it out, deleted as it is read. */
  async function drain(url: string): Promise<Received[]> {
    const out: Received[] = [];
    for (;;) {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ["MessageGroupId", "MessageDeduplicationId"] }));
      const messages = got.Messages ?? [];
      if (messages.length === 0) return out;
      for (const m of messages) {
        out.push({ envelope: JSON.parse(m.Body ?? "{}") as Record<string, unknown>, groupId: m.Attributes?.MessageGroupId, dedupId: m.Attributes?.MessageDeduplicationId });
      }
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? "" })) }));
    }
  }

  const bodies = (received: Received[]) => received.map((r) => r.envelope.Message);
  /** Bodies by message group: a FIFO queue keeps each group's order, not the order across groups. */
  const byGroup = (received: Received[]) => {
    const groups: Record<string, unknown[]> = {};
    for (const r of received) (groups[r.groupId ?? ""] ??= []).push(r.envelope.Message);
    return groups;
  };

  async function topicAttributes(arn: string): Promise<Record<string, string>> {
    return (await sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes ?? {};
  }

  async function replayStatus(subscriptionArn: string): Promise<string | undefined> {
    return (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }))).Attributes?.ReplayStatus;
  }

  async function setReplay(subscriptionArn: string, policy: Record<string, string>): Promise<void> {
    await sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn, AttributeName: "ReplayPolicy", AttributeValue: JSON.stringify(policy) }));
  }

  /** Asserts an InvalidParameter refusal with AWS's status and this message. */
  async function refused(call: Promise<unknown>, message: string): Promise<void> {
    const e = await failure(call);
    assert.equal(e.name, "InvalidParameterException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(e.message, message);
  }

  test("an ArchivePolicy on a FIFO topic: BeginningArchiveTime, a new retention period, deactivated with {}", async () => {
    const t0 = nimbus.clock.now();
    const arn = await fifoTopic("archive-attrs", 30);
    let attributes = await topicAttributes(arn);
    assert.equal(attributes.ArchivePolicy, '{"MessageRetentionPeriod":"30"}');
    assert.equal(attributes.BeginningArchiveTime, iso(t0));

    // Younger than its retention period, the archive begins when archiving began.
    nimbus.manualClock.advance(2 * DAY);
    assert.equal((await topicAttributes(arn)).BeginningArchiveTime, iso(t0));

    // One day's retention: the archive now reaches back one day.
    await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "ArchivePolicy", AttributeValue: '{"MessageRetentionPeriod":"1"}' }));
    attributes = await topicAttributes(arn);
    assert.equal(attributes.ArchivePolicy, '{"MessageRetentionPeriod":"1"}');
    assert.equal(attributes.BeginningArchiveTime, iso(nimbus.clock.now() - DAY));

    await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "ArchivePolicy", AttributeValue: "{}" }));
    attributes = await topicAttributes(arn);
    assert.equal(attributes.ArchivePolicy, undefined);
    assert.equal(attributes.BeginningArchiveTime, undefined);

    // Archiving again begins anew.
    nimbus.manualClock.advance(MINUTE);
    await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "ArchivePolicy", AttributeValue: '{"MessageRetentionPeriod":"7"}' }));
    assert.equal((await topicAttributes(arn)).BeginningArchiveTime, iso(nimbus.clock.now()));
    await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "ArchivePolicy", AttributeValue: "" }));
    assert.equal((await topicAttributes(arn)).ArchivePolicy, undefined);
  });

  test("ArchivePolicy refusals: standard topics, bad JSON, retention outside 1 to 365 days, unknown keys; BeginningArchiveTime is read-only", async () => {
    const standard = (await sns.send(new CreateTopicCommand({ Name: uniqueName("archive-std") }))).TopicArn ?? "";
    const policy = '{"MessageRetentionPeriod":"30"}';
    await refused(sns.send(new CreateTopicCommand({ Name: uniqueName("archive-std"), Attributes: { ArchivePolicy: policy } })), "Invalid parameter: Attributes Reason: Unknown attribute ArchivePolicy");
    await refused(sns.send(new SetTopicAttributesCommand({ TopicArn: standard, AttributeName: "ArchivePolicy", AttributeValue: policy })), "Invalid parameter: AttributeName");

    const fifo = await fifoTopic("archive-bad");
    const set = (value: string) => sns.send(new SetTopicAttributesCommand({ TopicArn: fifo, AttributeName: "ArchivePolicy", AttributeValue: value }));
    await refused(set("{"), "Invalid parameter: ArchivePolicy: failed to parse JSON.");
    const range = "Invalid parameter: ArchivePolicy: MessageRetentionPeriod must be an integer number of days from 1 to 365.";
    await refused(set('{"MessageRetentionPeriod":"0"}'), range);
    await refused(set('{"MessageRetentionPeriod":"366"}'), range);
    await refused(set('{"MessageRetentionPeriod":"ten"}'), range);
    await refused(set('{"MessageRetentionPeriod":"30","Days":"2"}'), "Invalid parameter: ArchivePolicy: invalid JSON. Attribute Days is unknown.");
    await refused(
      sns.send(new CreateTopicCommand({ Name: `${uniqueName("archive-bad")}.fifo`, Attributes: { FifoTopic: "true", ArchivePolicy: '{"MessageRetentionPeriod":"400"}' } })),
      `Invalid parameter: Attributes Reason: ${range.slice("Invalid parameter: ".length)}`,
    );
    assert.equal((await topicAttributes(fifo)).ArchivePolicy, undefined);

    await refused(sns.send(new SetTopicAttributesCommand({ TopicArn: fifo, AttributeName: "BeginningArchiveTime", AttributeValue: iso(0) })), "Invalid parameter: AttributeName");
    await refused(
      sns.send(new CreateTopicCommand({ Name: `${uniqueName("archive-bad")}.fifo`, Attributes: { FifoTopic: "true", BeginningArchiveTime: iso(0) } })),
      "Invalid parameter: Attributes Reason: Unknown attribute BeginningArchiveTime",
    );
  });

  test("a topic with an active ArchivePolicy cannot be deleted until the policy is deactivated", async () => {
    const arn = await fifoTopic("archive-delete", 3);
    const e = await failure(sns.send(new DeleteTopicCommand({ TopicArn: arn })));
    assert.equal(e.name, "InvalidStateException");
    assert.equal(e.$metadata.httpStatusCode, 400);
    assert.equal(e.message, "Invalid state: Cannot delete a topic with an ArchivePolicy");
    await sns.send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "ArchivePolicy", AttributeValue: "{}" }));
    await sns.send(new DeleteTopicCommand({ TopicArn: arn }));
    const topics = (await sns.send(new ListTopicsCommand({}))).Topics?.map((t) => t.TopicArn) ?? [];
    assert.ok(!topics.includes(arn));
  });

  test("a new subscription replays the archive into its FIFO queue, in order, as published, marked Replayed; then it takes new messages", async () => {
    const t0 = nimbus.clock.now();
    const topicArn = await fifoTopic("replay-new", 7);
    const live = await fifoQueue("replay-live");
    await subscribe(topicArn, live.arn);
    const published: Array<{ id: string; sequence: string; at: number }> = [];
    for (const [body, group] of [["one", "a"], ["two", "b"], ["three", "a"]] as const) {
      published.push(await publish(topicArn, body, group, { kind: { DataType: "String", StringValue: body } }));
      nimbus.manualClock.advance(1000);
    }
    assert.deepEqual(byGroup(await drain(live.url)), { a: ["one", "three"], b: ["two"] });

    const replayed = await fifoQueue("replay-target");
    const sub = await subscribe(topicArn, replayed.arn, { ReplayPolicy: JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(t0) }) });
    assert.equal(await replayStatus(sub), "Pending");
    assert.deepEqual(await drain(replayed.url), []);
    await nimbus.scheduler.runDue();
    assert.equal(await replayStatus(sub), "Completed");

    const got = await drain(replayed.url);
    assert.deepEqual(byGroup(got), { a: ["one", "three"], b: ["two"] });
    for (const [i, body] of ["one", "two", "three"].entries()) {
      const original = published[i];
      const r = got.find((m) => m.envelope.Message === body);
      assert.ok(original && r);
      assert.equal(r.envelope.MessageId, original.id);
      assert.equal(r.envelope.SequenceNumber, original.sequence);
      assert.equal(r.envelope.Timestamp, iso(original.at));
      assert.equal(r.envelope.Replayed, true);
      assert.deepEqual(r.envelope.MessageAttributes, { kind: { Type: "String", Value: body } });
      assert.equal(r.groupId, ["a", "b", "a"][i]);
      assert.equal(r.dedupId, `${body}-dedup`);
    }
    // To that subscription only.
    assert.deepEqual(await drain(live.url), []);

    // Caught up, it is a regular subscription: a new message arrives once, not marked Replayed.
    await publish(topicArn, "four");
    const [fresh, ...rest] = await drain(replayed.url);
    assert.equal(rest.length, 0);
    assert.equal(fresh?.envelope.Message, "four");
    assert.equal(fresh?.envelope.Replayed, undefined);
    assert.deepEqual(bodies(await drain(live.url)), ["four"]);
  });

  test("a replayed message keeps an attribute named __proto__", async () => {
    // SNS takes any attribute name; the archive's reading of a message had assigned it, setting the map's prototype and dropping it.
    const t0 = nimbus.clock.now();
    const topicArn = await fifoTopic("replay-proto", 7);
    await publish(topicArn, "one", "g", { ["__proto__"]: { DataType: "String", StringValue: "p" }, constructor: { DataType: "String", StringValue: "c" } });
    const replayed = await fifoQueue("replay-proto");
    await subscribe(topicArn, replayed.arn, { ReplayPolicy: JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(t0) }) });
    await nimbus.scheduler.runDue();
    const [r, ...rest] = await drain(replayed.url);
    assert.equal(rest.length, 0);
    assert.equal(r?.envelope.Replayed, true);
    assert.deepEqual(r.envelope.MessageAttributes, JSON.parse('{"__proto__":{"Type":"String","Value":"p"},"constructor":{"Type":"String","Value":"c"}}'));
  });

  test("messages published while a replay is pending reach the subscription through the replay, after the archived ones", async () => {
    const t0 = nimbus.clock.now();
    const topicArn = await fifoTopic("replay-catchup", 7);
    await publish(topicArn, "before-1");
    nimbus.manualClock.advance(1000);
    await publish(topicArn, "before-2");
    const queue = await fifoQueue("replay-catchup");
    const sub = await subscribe(topicArn, queue.arn, { ReplayPolicy: JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(t0) }) });
    nimbus.manualClock.advance(1000);
    await publish(topicArn, "during");
    assert.deepEqual(await drain(queue.url), []);
    await nimbus.scheduler.runDue();
    assert.deepEqual(bodies(await drain(queue.url)), ["before-1", "before-2", "during"]);
    assert.equal(await replayStatus(sub), "Completed");
  });

  test("a replay window with an EndingPoint: the filter policy applies, the subscription pauses, a new ReplayPolicy without one resumes it", async () => {
    const topicArn = await fifoTopic("replay-window", 7);
    const queue = await fifoQueue("replay-window");
    const sub = await subscribe(topicArn, queue.arn, { FilterPolicy: JSON.stringify({ kind: ["keep"] }) });
    const keep = { kind: { DataType: "String", StringValue: "keep" } };
    const drop = { kind: { DataType: "String", StringValue: "drop" } };
    const a = await publish(topicArn, "a", "g1", keep);
    nimbus.manualClock.advance(1000);
    const b = await publish(topicArn, "b", "g1", drop);
    nimbus.manualClock.advance(1000);
    await publish(topicArn, "c", "g1", keep);
    assert.deepEqual(bodies(await drain(queue.url)), ["a", "c"]);

    // Past the queue's 5-minute deduplication interval, so the replayed copies are not duplicates to it.
    await nimbus.scheduler.advance(6 * MINUTE);
    await setReplay(sub, { PointType: "Timestamp", StartingPoint: iso(a.at), EndingPoint: iso(b.at) });
    assert.equal(await replayStatus(sub), "Pending");
    await nimbus.scheduler.runDue();
    assert.equal(await replayStatus(sub), "Completed");
    // b is in the window but filtered out; c is after the EndingPoint.
    assert.deepEqual(bodies(await drain(queue.url)), ["a"]);

    // Paused: a message published after the EndingPoint is not delivered.
    await publish(topicArn, "d", "g1", keep);
    assert.deepEqual(await drain(queue.url), []);

    // Resumed from where the replay ended: c and d come from the archive, then live messages flow.
    await nimbus.scheduler.advance(6 * MINUTE);
    await setReplay(sub, { PointType: "Timestamp", StartingPoint: iso(b.at) });
    await nimbus.scheduler.runDue();
    const resumed = await drain(queue.url);
    assert.deepEqual(bodies(resumed), ["c", "d"]);
    assert.ok(resumed.every((r) => r.envelope.Replayed === true));
    await publish(topicArn, "e", "g1", keep);
    assert.deepEqual(bodies(await drain(queue.url)), ["e"]);
  });

  test("a copy replayed within the FIFO queue's 5-minute deduplication interval of the original is not delivered again", async () => {
    const t0 = nimbus.clock.now();
    const topicArn = await fifoTopic("replay-dedup", 7);
    const queue = await fifoQueue("replay-dedup");
    const sub = await subscribe(topicArn, queue.arn);
    await publish(topicArn, "once");
    assert.deepEqual(bodies(await drain(queue.url)), ["once"]);
    await setReplay(sub, { PointType: "Timestamp", StartingPoint: iso(t0) });
    await nimbus.scheduler.runDue();
    assert.equal(await replayStatus(sub), "Completed");
    assert.deepEqual(await drain(queue.url), []);
  });

  test("ReplayPolicy refusals: no archive, before BeginningArchiveTime, in the future, EndingPoint before StartingPoint, malformed; standard topics; ReplayStatus is read-only", async () => {
    const queue = await fifoQueue("replay-refused");
    const plain = await fifoTopic("replay-plain");
    const plainSub = await subscribe(plain, queue.arn);
    const now = nimbus.clock.now();
    const set = (subscriptionArn: string, value: string) => sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn, AttributeName: "ReplayPolicy", AttributeValue: value }));
    await refused(
      set(plainSub, JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(now) })),
      "Invalid parameter: ReplayPolicy: the topic has no ArchivePolicy, so it has no archive to replay.",
    );

    const archived = await fifoTopic("replay-archived", 7);
    const begins = (await topicAttributes(archived)).BeginningArchiveTime ?? "";
    const other = await fifoQueue("replay-refused-2");
    const sub = await subscribe(archived, other.arn);
    await refused(
      set(sub, JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(Date.parse(begins) - 1000) })),
      `Invalid parameter: ReplayPolicy: StartingPoint is before the topic's BeginningArchiveTime, ${begins}.`,
    );
    await refused(set(sub, JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(now + MINUTE) })), "Invalid parameter: ReplayPolicy: StartingPoint is in the future.");
    await refused(set(sub, JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(now), EndingPoint: iso(now - 1000) })), "Invalid parameter: ReplayPolicy: EndingPoint is before StartingPoint.");
    await refused(set(sub, "{"), "Invalid parameter: ReplayPolicy: failed to parse JSON.");
    await refused(set(sub, JSON.stringify({ PointType: "Offset", StartingPoint: iso(now) })), "Invalid parameter: ReplayPolicy: PointType must be Timestamp.");
    await refused(set(sub, JSON.stringify({ PointType: "Timestamp" })), "Invalid parameter: ReplayPolicy: StartingPoint is required.");
    await refused(set(sub, JSON.stringify({ PointType: "Timestamp", StartingPoint: "2026-01-15" })), "Invalid parameter: ReplayPolicy: StartingPoint must be an ISO 8601 timestamp.");
    await refused(set(sub, JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(now), Until: iso(now) })), "Invalid parameter: ReplayPolicy: invalid JSON. Attribute Until is unknown.");
    await refused(
      sns.send(new SubscribeCommand({ TopicArn: archived, Protocol: "sqs", Endpoint: (await fifoQueue("replay-refused-3")).arn, Attributes: { ReplayPolicy: JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(now + MINUTE) }) } })),
      "Invalid parameter: Attributes Reason: ReplayPolicy: StartingPoint is in the future.",
    );
    await refused(sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn: sub, AttributeName: "ReplayStatus", AttributeValue: "Completed" })), "Invalid parameter: AttributeName");
    // Nothing refused started a replay.
    assert.equal(await replayStatus(sub), undefined);

    const standard = (await sns.send(new CreateTopicCommand({ Name: uniqueName("replay-std") }))).TopicArn ?? "";
    const stdQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("replay-std") }))).QueueUrl ?? "";
    const stdQueueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: stdQueueUrl, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
    const replayPolicy = JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(now) });
    await refused(
      sns.send(new SubscribeCommand({ TopicArn: standard, Protocol: "sqs", Endpoint: stdQueueArn, Attributes: { ReplayPolicy: replayPolicy } })),
      "Invalid parameter: Attributes Reason: Unknown attribute ReplayPolicy",
    );
    const stdSub = await subscribe(standard, stdQueueArn);
    await refused(set(stdSub, replayPolicy), "Invalid parameter: AttributeName");
  });

  test("deactivating the ArchivePolicy deletes the archive; a replay still pending then fails", async () => {
    const t0 = nimbus.clock.now();
    const topicArn = await fifoTopic("replay-fails", 7);
    await publish(topicArn, "gone");
    const queue = await fifoQueue("replay-fails");
    const sub = await subscribe(topicArn, queue.arn, { ReplayPolicy: JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(t0) }) });
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "ArchivePolicy", AttributeValue: "{}" }));
    assert.equal(await replayStatus(sub), "Failed");
    await nimbus.scheduler.runDue();
    assert.equal(await replayStatus(sub), "Failed");
    assert.deepEqual(await drain(queue.url), []);
    // A failed replay leaves the subscription a regular one.
    await publish(topicArn, "after");
    assert.deepEqual(bodies(await drain(queue.url)), ["after"]);
    // An archive turned on again holds nothing from before.
    await sns.send(new SetTopicAttributesCommand({ TopicArn: topicArn, AttributeName: "ArchivePolicy", AttributeValue: '{"MessageRetentionPeriod":"7"}' }));
    await nimbus.scheduler.advance(6 * MINUTE);
    await setReplay(sub, { PointType: "Timestamp", StartingPoint: (await topicAttributes(topicArn)).BeginningArchiveTime ?? "" });
    await nimbus.scheduler.runDue();
    assert.equal(await replayStatus(sub), "Completed");
    assert.deepEqual(await drain(queue.url), []);
  });

  test("archived messages expire with the retention period as the clock moves", async () => {
    const topicArn = await fifoTopic("archive-expiry", 1);
    await publish(topicArn, "old");
    await nimbus.scheduler.advance(12 * 3_600_000);
    await publish(topicArn, "recent");
    // A day after "old" was published, and past the next sweep.
    await nimbus.scheduler.advance(12 * 3_600_000 + 5 * MINUTE);
    const store = nimbus.registry.peek("sns")?.store as SnsStore | undefined;
    assert.ok(store);
    const ref = { account: "000000000000", region: "us-east-1", name: topicArn.split(":").pop() ?? "" };
    assert.deepEqual(
      store.archive.page(ref, { start: 0, end: undefined }, undefined, 0, 10).map((m) => m.message),
      ["recent"],
      "the sweep deleted the expired message",
    );

    const begins = (await topicAttributes(topicArn)).BeginningArchiveTime ?? "";
    assert.equal(begins, iso(nimbus.clock.now() - DAY));
    const queue = await fifoQueue("archive-expiry");
    const sub = await subscribe(topicArn, queue.arn, { ReplayPolicy: JSON.stringify({ PointType: "Timestamp", StartingPoint: begins }) });
    await nimbus.scheduler.runDue();
    assert.equal(await replayStatus(sub), "Completed");
    assert.deepEqual(bodies(await drain(queue.url)), ["recent"]);
  });

  test("the archive, its BeginningArchiveTime and a replay left pending survive a restart", async () => {
    await acrossRestart(
      (n) => ({ n, sns: new SNSClient(n.clientConfig()), sqs: new SQSClient(n.clientConfig()) }),
      (c) => {
        c.sns.destroy();
        c.sqs.destroy();
      },
      async (c) => {
        const t0 = c.n.clock.now();
        const topicArn = (await c.sns.send(new CreateTopicCommand({ Name: `${uniqueName("archive-restart")}.fifo`, Attributes: { FifoTopic: "true", ArchivePolicy: '{"MessageRetentionPeriod":"2"}' } }))).TopicArn ?? "";
        for (const body of ["first", "second"]) {
          await c.sns.send(new PublishCommand({ TopicArn: topicArn, Message: body, MessageGroupId: "g", MessageDeduplicationId: body }));
          c.n.manualClock.advance(1000);
        }
        const url = (await c.sqs.send(new CreateQueueCommand({ QueueName: `${uniqueName("archive-restart")}.fifo`, Attributes: { FifoQueue: "true" } }))).QueueUrl ?? "";
        const queueArn = (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes?.QueueArn ?? "";
        const sub =
          (await c.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: queueArn, ReturnSubscriptionArn: true, Attributes: { ReplayPolicy: JSON.stringify({ PointType: "Timestamp", StartingPoint: iso(t0) }) } })))
            .SubscriptionArn ?? "";
        // Stopped before the scheduler ran the replay.
        assert.equal((await c.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub }))).Attributes?.ReplayStatus, "Pending");
        return { t0, topicArn, url, sub };
      },
      async (c, { t0, topicArn, url, sub }) => {
        const attributes = (await c.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes ?? {};
        assert.equal(attributes.ArchivePolicy, '{"MessageRetentionPeriod":"2"}');
        assert.equal(attributes.BeginningArchiveTime, iso(t0));
        // SNS, loaded by that call, resumed the replay on the scheduler.
        await c.n.scheduler.runDue();
        assert.equal((await c.sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: sub }))).Attributes?.ReplayStatus, "Completed");
        const got = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
        assert.deepEqual(
          (got.Messages ?? []).map((m) => (JSON.parse(m.Body ?? "{}") as { Message: string; Replayed: boolean }).Message),
          ["first", "second"],
        );
        // The archive still expires by the clock after the restart.
        await c.n.scheduler.advance(2 * DAY + 5 * MINUTE);
        assert.equal((await c.sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }))).Attributes?.BeginningArchiveTime, iso(c.n.clock.now() - 2 * DAY));
      },
    );
  });
});
