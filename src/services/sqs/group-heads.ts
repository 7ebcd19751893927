/**
 * The message groups of FIFO queues, each with its oldest message (its head: the lowest
 * `seq`), kept in step with the store's writes so that a FIFO receive orders the groups
 * without the skip scan of the group index (one recursive step, about 1 µs, per group on every
 * receive: with 32 groups, more than the rest of the receive's reads).
 *
 * A head changes in two ways only: a message stored in a group that had none heads it (a new
 * message has the highest `seq` of its queue, so it never displaces a head), and deleting a
 * head makes the group's next message its head, or leaves the group empty. So the store tells
 * it of every message stored (`inserted`) and deleted (`deleted`, by message id: a delete
 * need not read the row back), forgets a queue on writes that delete many messages at once
 * (purge, retention, a deleted queue), and clears everything when a transaction fails (its
 * writes rolled back). A deleted head is read again before the next use. Nothing here is ever
 * written to the database.
 */

export interface GroupHead {
  readonly seq: number;
  readonly messageId: string;
}

interface QueueHeads {
  /** Group -> its head, undefined while it must be read again. */
  readonly groups: Map<string, GroupHead | undefined>;
  /** Head message id -> its group, so a delete by message id finds the head it removes. */
  readonly byMessage: Map<string, string>;
}

export class GroupHeads {
  private readonly queues = new Map<string, QueueHeads>();

  /**
   * The groups of a queue with at least one message, oldest head first. `load` lists every
   * group with its head (when the queue is not held); `readHead` reads one group's head,
   * undefined when the group has no message left.
   */
  ordered(
    queue: string,
    load: () => Iterable<readonly [string, GroupHead]>,
    readHead: (group: string) => GroupHead | undefined,
  ): string[] {
    let heads = this.queues.get(queue);
    if (heads === undefined) {
      heads = { groups: new Map(), byMessage: new Map() };
      for (const [group, head] of load()) setHead(heads, group, head);
      this.queues.set(queue, heads);
    }
    const known: Array<[string, number]> = [];
    for (const [group, held] of heads.groups) {
      const head = held ?? readHead(group);
      if (head === undefined) {
        heads.groups.delete(group);
        continue;
      }
      if (held === undefined) setHead(heads, group, head);
      known.push([group, head.seq]);
    }
    return known.sort((a, b) => a[1] - b[1]).map(([group]) => group);
  }

  /** A group's head as last read (by `ordered`), undefined when not known. */
  head(queue: string, group: string): GroupHead | undefined {
    return this.queues.get(queue)?.groups.get(group);
  }

  /** A message was stored; it heads its group only when the group had no message. */
  inserted(queue: string, group: string, head: GroupHead): void {
    const heads = this.queues.get(queue);
    if (heads !== undefined && !heads.groups.has(group)) setHead(heads, group, head);
  }

  /** A message was deleted: when it was a group's head, that group's head is read again. */
  deleted(queue: string, messageId: string): void {
    const heads = this.queues.get(queue);
    const group = heads?.byMessage.get(messageId);
    if (heads === undefined || group === undefined) return;
    heads.byMessage.delete(messageId);
    heads.groups.set(group, undefined);
  }

  forget(queue: string): void {
    this.queues.delete(queue);
  }

  clear(): void {
    this.queues.clear();
  }
}

function setHead(heads: QueueHeads, group: string, head: GroupHead): void {
  heads.groups.set(group, head);
  heads.byMessage.set(head.messageId, group);
}
