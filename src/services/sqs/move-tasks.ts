/**
 * Message move tasks (dead-letter queue redrive): StartMessageMoveTask moves the messages a
 * dead-letter queue holds when the task starts back to the queues they came from (or to a
 * chosen destination), at most MaxNumberOfMessagesPerSecond per second. Each second's batch is
 * a scheduler task, so a ManualClock test watches a redrive progress with scheduler.advance().
 * A moved message starts afresh: "All redriven messages are considered new messages with a new
 * messageID and enqueueTime are assigned to redriven messages" (Developer Guide, dead-letter
 * queue redrive), its receive count back at 0.
 */
import type { Clock } from "../../core/clock.js";
import { timeOrderedUuid } from "../../core/random.js";
import type { Scheduler } from "../../core/scheduler.js";
import { nextSequenceNumber } from "./domain/fifo.js";
import { refFromArn } from "./queues.js";
import { queueKey, type MoveTask, type QueueRef, type SqsStore } from "./store.js";

/** Without MaxNumberOfMessagesPerSecond AWS picks a "system optimized" rate; 500/s is its ceiling. */
export const DEFAULT_MOVE_RATE = 500;
const STEP_MS = 1000;

export interface MoveDeps {
  readonly store: SqsStore;
  readonly scheduler: Scheduler;
  readonly clock: Clock;
}

/** Moves one second's worth of messages; returns true when the task has ended. */
export function moveStep(deps: MoveDeps, account: string, region: string, handle: string): boolean {
  const { store } = deps;
  const now = deps.clock.now();
  const touched: QueueRef[] = [];
  const ended = store.transaction(() => {
    const task = store.getMoveTask(account, region, handle);
    if (task === undefined || task.status !== "RUNNING") return true;
    const source = { account, region, name: task.sourceQueue };
    const fail = (reason: string, moved: number) => {
      store.updateMoveTask({ ...{}, ...task, status: "FAILED", moved, failureReason: reason });
      return true;
    };
    if (store.getQueue(source) === undefined) return fail("AWS.SimpleQueueService.NonExistentQueue", task.moved);
    let moved = task.moved;
    for (const message of store.messagesUpTo(source, task.lastSeq, task.rate ?? DEFAULT_MOVE_RATE)) {
      const targetArn = task.destinationArn ?? message.dlqSourceArn;
      // A message sent to the dead-letter queue directly has no source to go back to
      // (Developer Guide, troubleshooting DLQ redrive: "Failed: CouldNotDetermineMessageSource").
      if (targetArn === undefined) return fail("CouldNotDetermineMessageSource", moved);
      const targetRef = refFromArn(targetArn);
      const target = targetRef === undefined ? undefined : store.getQueue(targetRef);
      if (target === undefined) return fail("AWS.SimpleQueueService.NonExistentQueue", moved);
      store.deleteMessage(source, message.messageId);
      let sequenceNumber: string | undefined;
      if (target.fifo) {
        sequenceNumber = nextSequenceNumber(target.lastSequence, now);
        store.setLastSequence(target, sequenceNumber);
      }
      store.insertMessage(target, {
        messageId: timeOrderedUuid(now),
        body: message.body,
        attributes: message.attributes,
        systemAttributes: message.systemAttributes,
        md5Body: message.md5Body,
        senderId: message.senderId,
        sentAt: now,
        visibleAt: now,
        groupId: message.groupId,
        dedupId: message.dedupId,
        sequenceNumber,
        dlqSourceArn: undefined,
      });
      touched.push(target);
      moved++;
    }
    const more = store.messagesUpTo(source, task.lastSeq, 1).length > 0;
    store.updateMoveTask({ ...{}, ...task, status: more ? "RUNNING" : "COMPLETED", moved });
    return !more;
  });
  for (const ref of touched) store.waiters.notify(queueKey(ref));
  return ended;
}

/** Runs a task's steps every second until it ends or is cancelled. */
export function scheduleMoveTask(deps: MoveDeps, task: Pick<MoveTask, "account" | "region" | "handle">): void {
  const cancel = deps.scheduler.every(
    STEP_MS,
    () => {
      if (moveStep(deps, task.account, task.region, task.handle)) stopMoveTask(deps.store, task.handle);
    },
    "sqs:message-move-task",
  );
  deps.store.moveTaskTimers.set(task.handle, cancel);
}

export function stopMoveTask(store: SqsStore, handle: string): void {
  store.moveTaskTimers.get(handle)?.();
  store.moveTaskTimers.delete(handle);
}

/** TaskHandle: opaque to clients; carries what CancelMessageMoveTask needs to find the task. */
export function encodeTaskHandle(parts: { id: string; sourceArn: string }): string {
  return Buffer.from(JSON.stringify({ taskId: parts.id, sourceArn: parts.sourceArn })).toString("base64");
}

export function decodeTaskHandle(handle: string): { id: string; sourceArn: string } | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(handle, "base64").toString("utf8")) as { taskId?: unknown; sourceArn?: unknown };
    if (typeof parsed.taskId === "string" && typeof parsed.sourceArn === "string") return { id: parsed.taskId, sourceArn: parsed.sourceArn };
  } catch {
    // not a handle
  }
  return undefined;
}
