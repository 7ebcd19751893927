import { defineService } from "../../core/service.js";
import type { SqsOperations } from "../../generated/sqs.js";
import { changeMessageVisibility, changeMessageVisibilityBatch } from "./handlers/change-message-visibility.js";
import { createQueue } from "./handlers/create-queue.js";
import { deleteMessage, deleteMessageBatch } from "./handlers/delete-message.js";
import { deleteQueue, purgeQueue } from "./handlers/delete-queue.js";
import { getQueueUrl } from "./handlers/get-queue-url.js";
import { listDeadLetterSourceQueues, listQueues } from "./handlers/list-queues.js";
import { cancelMessageMoveTask, listMessageMoveTasks, startMessageMoveTask } from "./handlers/message-move-tasks.js";
import { addPermission, removePermission } from "./handlers/permissions.js";
import { getQueueAttributes, setQueueAttributes } from "./handlers/queue-attributes.js";
import { receiveMessage } from "./handlers/receive-message.js";
import { sendMessage, sendMessageBatch } from "./handlers/send-message.js";
import { listQueueTags, tagQueue, untagQueue } from "./handlers/tags.js";
import { scheduleMoveTask, stopMoveTask } from "./move-tasks.js";
import { retentionMs } from "./queues.js";
import { SqsStore } from "./store.js";
import { sqsErrors } from "./errors.js";

export type { SqsContext } from "./queues.js";

// Retention and deduplication records are also enforced on every read; the sweep only
// reclaims space for queues nobody reads.
const SWEEP_INTERVAL_MS = 5 * 60_000;

export default defineService<SqsOperations, SqsStore>({
  // SQS names the missing parameter rather than answering a Coral validation message. A batch
  // without entries is the exception: a query client sends nothing for an empty list, and AWS
  // answers EmptyBatchRequest naming the entry type, in XML too (aws/aws-sdk-php#630; boto3
  // before SQS spoke JSON: aws-powertools/powertools-lambda-python#169).
  missingParameter: (name, missing) =>
    missing[0]?.path === "entries" ? sqsErrors.EmptyBatchRequest({ entryType: name }) : sqsErrors.MissingParameter({ name }),
  createStore: (env) => new SqsStore(env.state),
  start(env, store) {
    const cancelSweep = env.scheduler.every(
      SWEEP_INTERVAL_MS,
      () => {
        const now = env.clock.now();
        store.transaction(() => {
          for (const queue of store.allQueues()) store.expireMessages(queue, now, retentionMs(queue));
          store.pruneDedup(now);
        });
      },
      "sqs:retention-sweep",
    );
    // Redrives that were running when Nimbus stopped carry on.
    for (const task of store.runningMoveTasks()) scheduleMoveTask({ store, scheduler: env.scheduler, clock: env.clock }, task);
    return () => {
      cancelSweep();
      for (const handle of [...store.moveTaskTimers.keys()]) stopMoveTask(store, handle);
      store.waiters.abortAll();
    };
  },
  handlers: {
    CreateQueue: createQueue,
    GetQueueUrl: getQueueUrl,
    ListQueues: listQueues,
    ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
    DeleteQueue: deleteQueue,
    PurgeQueue: purgeQueue,
    GetQueueAttributes: getQueueAttributes,
    SetQueueAttributes: setQueueAttributes,
    TagQueue: tagQueue,
    UntagQueue: untagQueue,
    ListQueueTags: listQueueTags,
    AddPermission: addPermission,
    RemovePermission: removePermission,
    StartMessageMoveTask: startMessageMoveTask,
    CancelMessageMoveTask: cancelMessageMoveTask,
    ListMessageMoveTasks: listMessageMoveTasks,
    SendMessage: sendMessage,
    SendMessageBatch: sendMessageBatch,
    ReceiveMessage: receiveMessage,
    DeleteMessage: deleteMessage,
    DeleteMessageBatch: deleteMessageBatch,
    ChangeMessageVisibility: changeMessageVisibility,
    ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
  },
});
