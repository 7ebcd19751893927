/**
 * SQS under kill -9 (crash-restart.test.ts): a standard and a FIFO queue, each with producers
 * (SendMessage and SendMessageBatch) and a consumer that receives, deletes most of what it got
 * and leaves the rest in flight, so that the kill finds FIFO groups locked.
 *
 * After a restart, with the clock where it was at the kill: messages in flight stay hidden and
 * a FIFO group locked at the kill delivers nothing; a send in flight at the kill, sent again
 * with its deduplication id, is there once; an acknowledged send sent again is a duplicate,
 * answered with its first ids; a new send gets a sequence number above every one before.
 * Once the visibility timeout has passed: every acknowledged send is received unless its delete
 * was acknowledged, none of those comes back, and each FIFO group delivers in send order.
 */
import assert from "node:assert/strict";
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { breathe, type Clients, type Random, type Round } from "./crash-harness.js";

/** Seconds; the restart check moves the clock past it. */
export const VISIBILITY_TIMEOUT = 30;

interface FifoSend {
  readonly messageId: string;
  readonly sequenceNumber: string;
  readonly round: number;
}

interface FifoGroup {
  readonly name: string;
  /** The number of the group's next message (its body `fifo/<group>/<n>`, its deduplication id `<group>-<n>`). */
  next: number;
  readonly sent: Map<number, FifoSend>;
  readonly sentInFlight: Set<number>;
  readonly deleted: Set<number>;
  readonly deleteInFlight: Set<number>;
  /** Received by an acknowledged receive, not deleted, with their receipt handles: they lock the group until the visibility timeout. */
  readonly inFlight: Map<number, string>;
  /** The last message the group delivered in this round. */
  lastReceived: number;
  /** The highest sequence number a send to the group was answered or delivered with. */
  maxSequence: bigint;
}

interface Sent {
  readonly group: FifoGroup;
  readonly n: number;
}

function fifoBody(group: string, n: number): string {
  return `fifo/${group}/${n}`;
}

function parseFifo(message: Message): { group: string; n: number } {
  const match = /^fifo\/(g\d+)\/(\d+)$/.exec(message.Body ?? "");
  assert.ok(match, `a FIFO message we sent: ${message.Body}`);
  return { group: match[1] ?? "", n: Number(match[2]) };
}

async function receive(sqs: SQSClient, url: string): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ["SequenceNumber", "MessageGroupId"] }),
  );
  return out.Messages ?? [];
}

async function deleteHandles(sqs: SQSClient, url: string, handles: readonly string[]): Promise<void> {
  for (let i = 0; i < handles.length; i += 10) {
    const chunk = handles.slice(i, i + 10);
    const out = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: chunk.map((ReceiptHandle, j) => ({ Id: `m${j}`, ReceiptHandle })) }));
    assert.deepEqual(out.Failed ?? [], [], "every delete with the handle of a delivery still in flight succeeds");
  }
}

function deleteAll(sqs: SQSClient, url: string, messages: readonly Message[]): Promise<void> {
  return deleteHandles(sqs, url, messages.map((m) => m.ReceiptHandle ?? ""));
}

export class SqsScenario {
  readonly standardName: string;
  readonly fifoName: string;
  private standardUrl = "";
  private fifoUrl = "";

  // Standard queue, by body.
  private readonly sent = new Set<string>();
  private readonly sentInFlight = new Set<string>();
  private readonly deleted = new Set<string>();
  private readonly deleteInFlight = new Set<string>();
  /** Received, not deleted, by body: their receipt handles. */
  private readonly inFlight = new Map<string, string>();

  private readonly groups: FifoGroup[];
  readonly stats = { lockedAtKill: 0, releasedAfterRestart: 0, sendsInFlight: 0, duplicatesChecked: 0 };

  constructor(private readonly seed: number, suffix: string) {
    this.standardName = `crash-std-${suffix}`;
    this.fifoName = `crash-fifo-${suffix}.fifo`;
    this.groups = Array.from({ length: 6 }, (_, i) => ({
      name: `g${i}`,
      next: 0,
      sent: new Map(),
      sentInFlight: new Set(),
      deleted: new Set(),
      deleteInFlight: new Set(),
      inFlight: new Map(),
      lastReceived: -1,
      maxSequence: 0n,
    }));
  }

  async setup({ sqs }: Clients): Promise<void> {
    await sqs.send(new CreateQueueCommand({ QueueName: this.standardName, Attributes: { VisibilityTimeout: String(VISIBILITY_TIMEOUT) } }));
    await sqs.send(new CreateQueueCommand({ QueueName: this.fifoName, Attributes: { FifoQueue: "true", VisibilityTimeout: String(VISIBILITY_TIMEOUT) } }));
    await this.locate({ sqs } as Clients);
  }

  /** The queues' URLs name the port of one run of Nimbus: asked again after each restart. */
  async locate({ sqs }: Pick<Clients, "sqs">): Promise<void> {
    this.standardUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: this.standardName }))).QueueUrl ?? "";
    this.fifoUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: this.fifoName }))).QueueUrl ?? "";
    assert.ok(this.standardUrl && this.fifoUrl);
  }

  workers(round: Round): Array<() => Promise<void>> {
    return [
      () => this.standardProducer(round, round.random(this.seed, "sqs-std-producer")),
      () => this.standardConsumer(round, round.random(this.seed, "sqs-std-consumer")),
      () => this.fifoProducer(round, round.random(this.seed, "sqs-fifo-producer-0"), this.groups.filter((_, i) => i % 2 === 0)),
      () => this.fifoProducer(round, round.random(this.seed, "sqs-fifo-producer-1"), this.groups.filter((_, i) => i % 2 === 1)),
      () => this.fifoConsumer(round, round.random(this.seed, "sqs-fifo-consumer")),
    ];
  }

  // ---- standard queue ------------------------------------------------------------------------

  private async standardProducer(round: Round, random: Random): Promise<void> {
    const { sqs } = round.clients;
    for (let n = 0; !round.killed; ) {
      const bodies = Array.from({ length: random.chance(0.5) ? 1 : random.int(2, 6) }, () => `std/${round.number}/${n++}`);
      // In flight from before the request leaves: the consumer may receive them before their answer arrives.
      for (const body of bodies) this.sentInFlight.add(body);
      const sent = await round.attempt(async () => {
        if (bodies.length === 1) return void (await sqs.send(new SendMessageCommand({ QueueUrl: this.standardUrl, MessageBody: bodies[0] })));
        const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: this.standardUrl, Entries: bodies.map((MessageBody, i) => ({ Id: `e${i}`, MessageBody })) }));
        assert.deepEqual(out.Failed ?? [], []);
        assert.equal(out.Successful?.length, bodies.length);
      });
      if (!sent.acked) return;
      for (const body of bodies) {
        this.sentInFlight.delete(body);
        this.sent.add(body);
      }
    }
  }

  private async standardConsumer(round: Round, random: Random): Promise<void> {
    const { sqs } = round.clients;
    while (!round.killed) {
      const got = await round.attempt(() => receive(sqs, this.standardUrl));
      if (!got.acked) return;
      if (got.value.length === 0) await breathe();
      for (const m of got.value) {
        const body = m.Body ?? "";
        assert.ok(this.sent.has(body) || this.sentInFlight.has(body), `standard queue delivered ${body}, never sent`);
        assert.ok(!this.deleted.has(body) && !this.inFlight.has(body), `standard queue delivered ${body} again while it was deleted or in flight`);
        // Received, so its send has taken effect, whatever its answer became.
        this.sentInFlight.delete(body);
        this.sent.add(body);
        this.inFlight.set(body, m.ReceiptHandle ?? "");
      }
      const doomed = got.value.filter(() => random.chance(0.7));
      if (doomed.length === 0) continue;
      const deleted = await round.attempt(() => deleteAll(sqs, this.standardUrl, doomed));
      for (const m of doomed) {
        const body = m.Body ?? "";
        this.inFlight.delete(body);
        (deleted.acked ? this.deleted : this.deleteInFlight).add(body);
      }
      if (!deleted.acked) return;
    }
  }

  // ---- FIFO queue ----------------------------------------------------------------------------

  private async fifoProducer(round: Round, random: Random, groups: readonly FifoGroup[]): Promise<void> {
    const { sqs } = round.clients;
    while (!round.killed) {
      const batch: Sent[] = Array.from({ length: random.chance(0.5) ? 1 : random.int(2, 8) }, () => {
        const group = random.pick(groups);
        return { group, n: group.next++ };
      });
      // In flight from before the request leaves: the consumer may receive them before their answer arrives.
      for (const { group, n } of batch) group.sentInFlight.add(n);
      const entries = batch.map(({ group, n }, i) => ({ Id: `e${i}`, MessageBody: fifoBody(group.name, n), MessageGroupId: group.name, MessageDeduplicationId: `${group.name}-${n}` }));
      const sent = await round.attempt(async () => {
        if (entries.length === 1) {
          const { Id: _, ...entry } = entries[0] as (typeof entries)[number];
          const out = await sqs.send(new SendMessageCommand({ ...entry, QueueUrl: this.fifoUrl }));
          return [{ messageId: out.MessageId ?? "", sequenceNumber: out.SequenceNumber ?? "" }];
        }
        const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: this.fifoUrl, Entries: entries }));
        assert.deepEqual(out.Failed ?? [], []);
        return entries.map(({ Id }) => {
          const ok = out.Successful?.find((s) => s.Id === Id);
          return { messageId: ok?.MessageId ?? "", sequenceNumber: ok?.SequenceNumber ?? "" };
        });
      });
      if (!sent.acked) {
        this.stats.sendsInFlight += batch.length;
        return;
      }
      batch.forEach(({ group, n }, i) => this.recordSend(group, n, sent.value[i], round.number));
    }
  }

  /**
   * A FIFO send Nimbus answered. "SequenceNumber continues to increase for a particular
   * MessageGroupId": each group has one producer, which sends in order, so each answer is above
   * the group's last. (Not across groups: two producers' answers may arrive out of order.)
   */
  private recordSend(group: FifoGroup, n: number, answer: { messageId: string; sequenceNumber: string } | undefined, round: number): void {
    assert.ok(answer?.messageId && answer.sequenceNumber, `send ${group.name}-${n} answered its ids`);
    const known = group.sent.get(n);
    if (known !== undefined) {
      // Received before its send's answer arrived: the answer names the message received.
      assert.deepEqual([answer.messageId, answer.sequenceNumber], [known.messageId, known.sequenceNumber], `${group.name}-${n} answered the ids it was received with`);
      return;
    }
    const sequence = BigInt(answer.sequenceNumber);
    assert.ok(sequence > group.maxSequence, `${group.name}-${n} got sequence number ${sequence}, not above the group's ${group.maxSequence}`);
    group.maxSequence = sequence;
    group.sent.set(n, { messageId: answer.messageId, sequenceNumber: answer.sequenceNumber, round });
    group.sentInFlight.delete(n);
  }

  private async fifoConsumer(round: Round, random: Random): Promise<void> {
    const { sqs } = round.clients;
    while (!round.killed) {
      const got = await round.attempt(() => receive(sqs, this.fifoUrl));
      if (!got.acked) return;
      if (got.value.length === 0) await breathe();
      const byGroup = new Map<FifoGroup, Message[]>();
      for (const m of got.value) {
        const { group: name, n } = parseFifo(m);
        const group = this.groups.find((g) => g.name === name);
        assert.ok(group);
        assert.equal(group.inFlight.size, 0, `${name} delivered ${n} while it had a message in flight`);
        assert.equal(n, group.lastReceived + 1, `${name} delivered ${n} after ${group.lastReceived}: in send order, none skipped`);
        group.lastReceived = n;
        const known = group.sent.get(n);
        if (known) assert.equal(m.Attributes?.SequenceNumber, known.sequenceNumber, `${name}-${n} keeps the sequence number its send answered`);
        else {
          // Received, so its send took effect; its answer was lost to the kill.
          assert.ok(group.sentInFlight.has(n), `${name} delivered ${n}, never sent`);
          this.recordSend(group, n, { messageId: m.MessageId ?? "", sequenceNumber: m.Attributes?.SequenceNumber ?? "" }, round.number);
        }
        byGroup.set(group, [...(byGroup.get(group) ?? []), m]);
      }
      // Mostly all of a group's messages, sometimes only the first ones: the rest keep the group locked.
      const doomed: Message[] = [];
      for (const [group, messages] of byGroup) {
        const keep = random.chance(0.75) ? messages.length : random.int(0, messages.length - 1);
        doomed.push(...messages.slice(0, keep));
        for (const m of messages.slice(keep)) group.inFlight.set(parseFifo(m).n, m.ReceiptHandle ?? "");
      }
      if (doomed.length === 0) continue;
      const deleted = await round.attempt(() => deleteAll(sqs, this.fifoUrl, doomed));
      for (const m of doomed) {
        const { group: name, n } = parseFifo(m);
        const group = this.groups.find((g) => g.name === name) as FifoGroup;
        (deleted.acked ? group.deleted : group.deleteInFlight).add(n);
      }
      if (!deleted.acked) return;
    }
  }

  // ---- after a restart -----------------------------------------------------------------------

  /** With the clock where it was at the kill: hidden stays hidden, locked stays locked, sends resolve. */
  async beforeAdvance({ sqs }: Clients, round: number): Promise<void> {
    await this.locate({ sqs });
    // Standard: nothing in flight or deleted shows up before the visibility timeout.
    for (let i = 0; i < 100; i++) {
      const got = await receive(sqs, this.standardUrl);
      if (got.length === 0) break;
      for (const m of got) {
        const body = m.Body ?? "";
        assert.ok(!this.inFlight.has(body), `${body} was in flight at the kill: hidden until its visibility timeout`);
        assert.ok(!this.deleted.has(body), `${body} was deleted before the kill`);
      }
    }

    // A receipt handle from before the kill still deletes its message.
    const stale = [...this.inFlight].filter((_, i) => i % 2 === 0);
    await deleteHandles(sqs, this.standardUrl, stale.map(([, handle]) => handle));
    for (const [body] of stale) {
      this.inFlight.delete(body);
      this.deleted.add(body);
    }

    // FIFO: a group locked at the kill delivers nothing yet; an unlocked one starts at its oldest message.
    const atKill = this.groups.filter((g) => g.inFlight.size > 0);
    this.stats.lockedAtKill += atKill.length;
    const locked = new Set(atKill);
    await this.receiveHeads(sqs, locked);
    // Receipt handles from before the kill still act while their delivery lasts: a third of the
    // groups locked at the kill are released by deleting their messages in flight, a third by
    // making them visible again, and each of those delivers again at once; the rest stay locked.
    const released: FifoGroup[] = [];
    for (const [i, group] of atKill.entries()) {
      if (i % 3 === 2) continue;
      const handles = [...group.inFlight];
      if (i % 3 === 0) {
        await deleteHandles(sqs, this.fifoUrl, handles.map(([, handle]) => handle));
        for (const [n] of handles) group.deleted.add(n);
      } else {
        const out = await sqs.send(
          new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.fifoUrl, Entries: handles.map(([, ReceiptHandle], j) => ({ Id: `m${j}`, ReceiptHandle, VisibilityTimeout: 0 })) }),
        );
        assert.deepEqual(out.Failed ?? [], [], `${group.name}'s messages made visible with receipt handles from before the kill`);
      }
      group.inFlight.clear();
      locked.delete(group);
      released.push(group);
    }
    const delivered = await this.receiveHeads(sqs, locked);
    for (const group of released) {
      // A delete in flight at the kill may still hold the group (its messages under the same receive).
      const held = [...group.sent.keys()].some((n) => !group.deleted.has(n) && !group.deleteInFlight.has(n));
      if (group.deleteInFlight.size === 0 && held) assert.ok(delivered.has(group), `${group.name}, released after the restart, delivers again`);
    }
    this.stats.releasedAfterRestart += released.length;

    // A send in flight at the kill, sent again with its deduplication id: there once, whether the first went through or not.
    for (const group of this.groups) {
      for (const n of [...group.sentInFlight].sort((a, b) => a - b)) {
        const out = await sqs.send(new SendMessageCommand({ QueueUrl: this.fifoUrl, MessageBody: fifoBody(group.name, n), MessageGroupId: group.name, MessageDeduplicationId: `${group.name}-${n}` }));
        // The first send's ids when it went through (it is the group's newest), else new ones.
        this.recordSend(group, n, { messageId: out.MessageId ?? "", sequenceNumber: out.SequenceNumber ?? "" }, round);
      }
    }
    // An acknowledged send of the last round, sent again within the deduplication interval: a duplicate, answered with its first ids.
    for (const group of this.groups) {
      const last = [...group.sent].filter(([, s]) => s.round === round - 1).pop();
      if (last === undefined) continue;
      const [n, first] = last;
      const again = await sqs.send(new SendMessageCommand({ QueueUrl: this.fifoUrl, MessageBody: fifoBody(group.name, n), MessageGroupId: group.name, MessageDeduplicationId: `${group.name}-${n}` }));
      assert.deepEqual({ messageId: again.MessageId, sequenceNumber: again.SequenceNumber }, { messageId: first.messageId, sequenceNumber: first.sequenceNumber }, `${group.name}-${n} sent again is a duplicate`);
      this.stats.duplicatesChecked++;
    }
    // New sends, the clock not moved since the kill: numbered after every send before the restart.
    for (const group of this.groups) {
      const n = group.next++;
      const out = await sqs.send(new SendMessageCommand({ QueueUrl: this.fifoUrl, MessageBody: fifoBody(group.name, n), MessageGroupId: group.name, MessageDeduplicationId: `${group.name}-${n}` }));
      this.recordSend(group, n, { messageId: out.MessageId ?? "", sequenceNumber: out.SequenceNumber ?? "" }, round);
    }
  }

  /**
   * Receives from the FIFO queue until it gives nothing: no group of `locked` delivers, each
   * other group starts at its oldest message and goes in send order, and is locked by the
   * receive in turn (added to `locked`). Answers the groups that delivered.
   */
  private async receiveHeads(sqs: SQSClient, locked: Set<FifoGroup>): Promise<Set<FifoGroup>> {
    const delivered = new Set<FifoGroup>();
    for (let i = 0; i < 20; i++) {
      const got = await receive(sqs, this.fifoUrl);
      if (got.length === 0) return delivered;
      const byGroup = new Map<FifoGroup, number[]>();
      for (const m of got) {
        const { group: name, n } = parseFifo(m);
        const group = this.groups.find((g) => g.name === name) as FifoGroup;
        assert.ok(!locked.has(group), `${name} is locked (messages ${[...group.inFlight.keys()]} in flight at the kill, or just received) but delivered ${n} before the visibility timeout`);
        byGroup.set(group, [...(byGroup.get(group) ?? []), n]);
      }
      for (const [group, ns] of byGroup) {
        const remaining = this.remaining(group);
        const start = remaining.indexOf(ns[0] ?? -1);
        assert.ok(start >= 0, `${group.name} delivered ${ns} of ${remaining}`);
        assert.ok(remaining.slice(0, start).every((n) => group.deleteInFlight.has(n)), `${group.name} starts at its oldest message: delivered ${ns}, holds ${remaining}`);
        assert.deepEqual(ns, remaining.slice(start, start + ns.length), `${group.name} delivers in send order`);
        locked.add(group);
        delivered.add(group);
      }
    }
    assert.fail("the FIFO queue kept delivering to receives that lock what they take");
  }

  /** The messages a FIFO group may still hold, oldest first (those whose delete was in flight among them). */
  private remaining(group: FifoGroup): number[] {
    return [...group.sent.keys(), ...group.sentInFlight].filter((n) => !group.deleted.has(n)).sort((a, b) => a - b);
  }

  /** Once the visibility timeout has passed: each queue holds exactly what was acknowledged and not deleted. */
  async verify({ sqs }: Clients): Promise<void> {
    const drained: Message[] = [];
    for (;;) {
      const got = await receive(sqs, this.standardUrl);
      if (got.length === 0) break;
      drained.push(...got);
    }
    const bodies = drained.map((m) => m.Body ?? "");
    assert.equal(new Set(bodies).size, bodies.length, "the standard queue delivers each message once per visibility timeout");
    for (const body of bodies) {
      assert.ok(!this.deleted.has(body), `${body}, whose delete was acknowledged, came back`);
      assert.ok(this.sent.has(body) || this.sentInFlight.has(body), `standard queue delivered ${body}, never sent`);
    }
    const lost = [...this.sent].filter((body) => !this.deleted.has(body) && !this.deleteInFlight.has(body) && !bodies.includes(body));
    assert.deepEqual(lost, [], "every acknowledged send not deleted is received after the restart");
    await deleteAll(sqs, this.standardUrl, drained);
    for (const body of [...this.sent, ...this.sentInFlight, ...this.deleteInFlight]) this.deleted.add(body);
    this.sent.clear();
    this.sentInFlight.clear();
    this.deleteInFlight.clear();
    this.inFlight.clear();

    // FIFO: receive and delete until empty; each group in send order, groups locked at the kill included.
    const delivered = new Map<FifoGroup, number[]>(this.groups.map((g) => [g, []]));
    for (;;) {
      const got = await receive(sqs, this.fifoUrl);
      if (got.length === 0) break;
      for (const m of got) {
        const { group: name, n } = parseFifo(m);
        const group = this.groups.find((g) => g.name === name) as FifoGroup;
        assert.equal(m.Attributes?.SequenceNumber, group.sent.get(n)?.sequenceNumber, `${name}-${n} keeps its sequence number`);
        delivered.get(group)?.push(n);
      }
      await deleteAll(sqs, this.fifoUrl, got);
    }
    for (const group of this.groups) {
      const got = delivered.get(group) ?? [];
      const expected = this.remaining(group).filter((n) => !group.deleteInFlight.has(n) || got.includes(n));
      assert.deepEqual(got, expected, `${group.name} delivers what was acknowledged and not deleted, in send order (deletes in flight: ${[...group.deleteInFlight]})`);
      for (const n of [...group.sent.keys(), ...group.deleteInFlight]) group.deleted.add(n);
      group.deleteInFlight.clear();
      group.inFlight.clear();
      group.lastReceived = group.next - 1;
    }
  }
}
