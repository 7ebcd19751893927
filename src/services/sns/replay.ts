/**
 * Message replay for FIFO topic subscribers (developer guide, "Amazon SNS message replay for FIFO
 * topic subscribers"): a ReplayPolicy set at Subscribe or with SetSubscriptionAttributes starts a
 * replay of the topic's archive, in ReplayStatus Pending ("The default state while the replay
 * initiates"). A task on the Nimbus scheduler then runs it (In progress): the archived messages
 * published within the policy's window, in publish order, each through the normal delivery path
 * to that subscription alone, so that its filter policy, raw delivery, dead-letter queue and the
 * topic's delivery status logging all apply ("Amazon SNS first retrieves the message from the
 * topic's data store, then applies the message against the subscription's FilterPolicy").
 *
 * Without an EndingPoint the replay "will continue until it catches up to the current time,
 * including processing any newly published messages. Once caught up, the subscription will
 * function as a regular subscription": Completed. While it runs, new messages reach that
 * subscription through the replay only (delivery.ts), so they arrive after the replayed ones and
 * once. With an EndingPoint it stops there, and the subscription stays paused.
 *
 * The replay records the last message it handed on after each one, so a Nimbus stopped mid-replay
 * resumes after that message when it starts again (`resumeReplays`); the message in flight at the
 * stop may arrive twice. A replay fails (Failed, "The replay was unable to complete") when the
 * topic's archive is gone: its ArchivePolicy was deactivated, which deletes the archive.
 *
 * A replayed SQS delivery to a FIFO queue carries the original MessageGroupId and
 * MessageDeduplicationId. AWS does not document which deduplication id a replayed copy carries;
 * keeping the original's means the queue's own 5-minute deduplication interval applies to it as
 * to any resend with the same id (a copy replayed within 5 minutes of the original is accepted
 * and not delivered), which Nimbus infers rather than knows.
 */
import { randomUUID } from "node:crypto";
import { isActive, type ArchivedMessage, type Replay } from "./archive-store.js";
import { deliver, type DeliveryEnv, type PublishedMessage } from "./delivery.js";
import type { ReplayWindow } from "./domain/archive.js";
import type { Subscription, Topic } from "./store.js";
import { topicArchive } from "./topics.js";

/** Archived messages read at a time. */
const PAGE = 100;

/**
 * Starts a replay of `window` on the subscription, replacing any it had ("Starting a replay will
 * replace the existing replay"), to run on the scheduler as soon as it can.
 */
export function startReplay(env: DeliveryEnv, sub: Subscription, window: ReplayWindow): void {
  const replay: Replay = {
    account: sub.account,
    region: sub.region,
    subscription: sub.id,
    topic: sub.topic,
    id: randomUUID(),
    start: window.start,
    end: window.end,
    status: "Pending",
    cursor: undefined,
  };
  env.store.archive.startReplay(replay, env.clock.now());
  scheduleReplay(env, replay);
}

/** Replays left Pending or In progress by a previous run (a persistent data dir) go on where they were. */
export function resumeReplays(env: DeliveryEnv): void {
  for (const replay of env.store.archive.activeReplays()) scheduleReplay(env, replay);
}

/** How long a replay that failed (its database could not be written) waits before it goes on where it was. */
const REPLAY_RETRY_MS = 5_000;

function scheduleReplay(env: DeliveryEnv, replay: Replay): void {
  // A run that fails leaves its row In progress, with the cursor of the last message delivered:
  // without another run it would stay so until a restart.
  env.scheduler.retrying(env.clock.now(), REPLAY_RETRY_MS, () => runReplay(env, replay), "sns:replay");
}

/** The message as the publish made it, for the subscription's delivery. */
function republished(topic: Topic, message: ArchivedMessage): PublishedMessage {
  return {
    messageId: message.messageId,
    topic,
    message: message.message,
    structured: message.structured,
    subject: message.subject,
    attributes: message.attributes,
    fifo: { sequenceNumber: message.sequenceNumber, messageGroupId: message.messageGroupId, messageDeduplicationId: message.messageDeduplicationId },
    traceHeader: message.traceHeader,
    publishedAt: message.publishedAt,
  };
}

async function runReplay(env: DeliveryEnv, started: Replay): Promise<void> {
  const { store } = env;
  const replay = store.archive.getReplay(started.account, started.region, started.subscription);
  // Replaced by a newer ReplayPolicy, removed with its subscription, or already over.
  if (replay === undefined || replay.id !== started.id || !isActive(replay)) return;
  let cursor = replay.cursor;
  const ref = { account: replay.account, region: replay.region, name: replay.topic };
  if (!store.archive.updateReplay(replay, "In progress", cursor)) return;
  for (;;) {
    // Shutting down: the row stays In progress, and the next start resumes it after `cursor`.
    if (store.closing) return;
    const topic = store.getTopic(ref);
    if (topic === undefined || topicArchive(topic) === undefined) {
      store.archive.updateReplay(replay, "Failed", cursor);
      return;
    }
    const page = store.archive.page(ref, replay, cursor, env.clock.now(), PAGE);
    if (page.length === 0) {
      // Caught up: in the same turn as the read that found nothing more, so no message archived
      // meanwhile is missed (delivery.ts holds new messages back from a running replay).
      store.archive.updateReplay(replay, "Completed", cursor);
      return;
    }
    for (const message of page) {
      // Read again for each message: an Unsubscribe or a new filter policy counts from the next one.
      const sub = store.getSubscription(replay.account, replay.region, replay.subscription);
      const current = store.getTopic(ref);
      if (sub === undefined || current === undefined) return;
      await deliver(env, republished(current, message), { replayTo: sub });
      cursor = message.sequenceNumber;
      if (!store.archive.updateReplay(replay, "In progress", cursor)) return;
    }
  }
}
