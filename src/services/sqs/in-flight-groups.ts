/**
 * The messages in flight of FIFO queues, by message group, kept in step with the store's writes
 * so that a FIFO receive knows which groups are locked without asking SQLite. A group is locked
 * while its head (its oldest message) has been received and is not visible again yet: once the
 * head is visible again the group delivers it, though later messages of the group are still in
 * flight (LocalStack's AWS-validated test_fifo_message_group_visibility_after_terminate_visibility_timeout
 * and ..._after_change_message_visibility receive g1-m1 again while g1-m2 is in flight).
 *
 * Asking SQLite meant an index of received messages, which every receive, delete and
 * visibility change had to update, and a DISTINCT over every message in flight on each
 * receive (with 32 busy groups, about 25 µs, a tenth of a FIFO receive's time).
 *
 * The store tells it of every receive (`received`), every visibility change (`changed`) and
 * every message deleted (`deleted`), forgets a queue on writes that delete many messages at
 * once (purge, retention, a deleted queue), and clears everything when a transaction fails
 * (its writes rolled back). A queue not held is read again on its next receive. An entry
 * stays until its message is deleted or received again, so a group is locked exactly when its
 * head's entry has a visibility time still ahead. Nothing here is ever written to the database.
 */

interface QueueInFlight {
  /** Group -> message id -> when the message becomes visible again. */
  readonly groups: Map<string, Map<string, number>>;
  /** Message id -> its group. */
  readonly groupOf: Map<string, string>;
}

export interface InFlightMessage {
  readonly messageId: string;
  readonly group: string;
  readonly visibleAt: number;
}

export class InFlightGroups {
  private readonly queues = new Map<string, QueueInFlight>();

  /**
   * A test of whether a group of `queue` is locked at `now`, given the id of its head. `load`
   * lists the queue's received messages that are not visible yet, when the queue is not held.
   */
  lockedAt(queue: string, now: number, load: () => Iterable<InFlightMessage>): (group: string, head: string) => boolean {
    let held = this.queues.get(queue);
    if (held === undefined) {
      held = { groups: new Map(), groupOf: new Map() };
      for (const message of load()) track(held, message.messageId, message.group, message.visibleAt);
      this.queues.set(queue, held);
    }
    const { groups } = held;
    return (group, head) => (groups.get(group)?.get(head) ?? now) > now;
  }

  /** Messages were received, each in flight until `visibleAt`. */
  received(queue: string, messages: Iterable<{ readonly messageId: string; readonly groupId?: string | undefined }>, visibleAt: number): void {
    const held = this.queues.get(queue);
    if (held === undefined) return;
    for (const m of messages) if (m.groupId !== undefined) track(held, m.messageId, m.groupId, visibleAt);
  }

  /** A received message's visibility changed (ChangeMessageVisibility). */
  changed(queue: string, messageId: string, visibleAt: number): void {
    const held = this.queues.get(queue);
    const group = held?.groupOf.get(messageId);
    if (held === undefined) return;
    // Not held: a message this does not know of; the queue is read again rather than guessed at.
    if (group === undefined) this.queues.delete(queue);
    else held.groups.get(group)?.set(messageId, visibleAt);
  }

  deleted(queue: string, messageId: string): void {
    const held = this.queues.get(queue);
    const group = held?.groupOf.get(messageId);
    if (held === undefined || group === undefined) return;
    held.groupOf.delete(messageId);
    const messages = held.groups.get(group);
    messages?.delete(messageId);
    if (messages?.size === 0) held.groups.delete(group);
  }

  forget(queue: string): void {
    this.queues.delete(queue);
  }

  clear(): void {
    this.queues.clear();
  }
}

function track(held: QueueInFlight, messageId: string, group: string, visibleAt: number): void {
  held.groupOf.set(messageId, group);
  let messages = held.groups.get(group);
  if (messages === undefined) held.groups.set(group, (messages = new Map()));
  messages.set(messageId, visibleAt);
}
