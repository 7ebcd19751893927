import type { AwsError } from "../../core/errors.js";
import { defineService } from "../../core/service.js";
import type { Violation } from "../../protocol/validate.js";
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
import { queuePaths } from "./queue-path.js";
import { RECREATE_DELAY_MS, retentionMs } from "./queues.js";
import { SqsStore } from "./store.js";
import { sqsErrors } from "./errors.js";

export type { SqsContext } from "./queues.js";

// Retention, deduplication records and the 60 seconds before a deleted queue's name is free
// again are also enforced on every read; the sweep only reclaims the space.
const SWEEP_INTERVAL_MS = 5 * 60_000;

const BATCH_ENTRY_TYPES: Readonly<Record<string, string>> = {
  SendMessageBatch: "SendMessageBatchRequestEntry",
  DeleteMessageBatch: "DeleteMessageBatchRequestEntry",
  ChangeMessageVisibilityBatch: "ChangeMessageVisibilityBatchRequestEntry",
};

/**
 * SQS names the missing parameter rather than answering a Coral validation message, an entry's
 * member by its place in the query: "The request must contain the parameter
 * DeleteMessageBatchRequestEntry.1.Id." (aws/aws-sdk-js#2388; SendMessageBatchRequestEntry.1.Id
 * in ali-essam/wtsqs#7). A batch without entries is EmptyBatchRequest: a query client sends
 * nothing for an empty list, and AWS answers as for an empty one, in XML too (aws/aws-sdk-php#630;
 * boto3 before SQS spoke JSON: aws-powertools/powertools-lambda-python#169).
 */
function missingParameter(name: string, missing: readonly Violation[], operation: string): AwsError {
  const path = missing[0]?.path ?? "";
  const entryType = BATCH_ENTRY_TYPES[operation];
  if (entryType === undefined) return sqsErrors.MissingParameter({ name });
  if (path === "entries") return sqsErrors.EmptyBatchRequest({ entryType });
  const entry = /^entries\.(\d+)\.member\.[^.]+$/.exec(path);
  return sqsErrors.MissingParameter({ name: entry ? `${entryType}.${entry[1]}.${name}` : name });
}

export default defineService<SqsOperations, SqsStore>({
  missingParameter,
  queryErrorDetail: true,
  pathAddressing: queuePaths,
  createStore: (env) => new SqsStore(env.state),
  start(env, store) {
    const cancelSweep = env.scheduler.every(
      SWEEP_INTERVAL_MS,
      () => {
        const now = env.clock.now();
        store.transaction(() => {
          for (const queue of store.allQueues()) store.expireMessages(queue, now, retentionMs(queue));
          store.pruneDedup(now);
          store.pruneDeletedQueues(now - RECREATE_DELAY_MS);
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
