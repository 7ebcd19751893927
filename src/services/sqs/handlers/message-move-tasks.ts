import { randomUUID } from "node:crypto";
import type {
  CancelMessageMoveTaskInput,
  CancelMessageMoveTaskOutput,
  ListMessageMoveTasksInput,
  ListMessageMoveTasksOutput,
  StartMessageMoveTaskInput,
  StartMessageMoveTaskOutput,
} from "../../../generated/sqs.js";
import { AwsError } from "../../../core/errors.js";
import { parseRedrivePolicy } from "../domain/attributes.js";
import { errors, sqsErrors } from "../errors.js";
import { decodeTaskHandle, encodeTaskHandle, scheduleMoveTask, stopMoveTask } from "../move-tasks.js";
import { arnOf, refFromArn, type SqsContext } from "../queues.js";
import type { Queue } from "../store.js";

function resourceNotFound(message: string): AwsError {
  return new AwsError("ResourceNotFoundException", message, 404, { queryCode: "ResourceNotFoundException" });
}

function queueByArn(ctx: SqsContext, arn: string, parameter: string): Queue {
  const ref = refFromArn(arn);
  const queue = ref === undefined ? undefined : ctx.store.getQueue(ref);
  if (queue === undefined) throw resourceNotFound(`The resource that you specified for the ${parameter} parameter doesn't exist.`);
  return queue;
}

export function startMessageMoveTask(input: StartMessageMoveTaskInput, ctx: SqsContext): StartMessageMoveTaskOutput {
  const rate = input.MaxNumberOfMessagesPerSecond;
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
    throw sqsErrors.InvalidParameterValueFor({ value: rate, name: "MaxNumberOfMessagesPerSecond", reason: "Must be between 1 and 500." });
  }
  const source = queueByArn(ctx, input.SourceArn, "SourceArn");
  const destination = input.DestinationArn === undefined ? undefined : queueByArn(ctx, input.DestinationArn, "DestinationArn");
  const sourceArn = arnOf(source);
  const isDeadLetterQueue = ctx.store
    .listQueues(source.account, source.region, "")
    .some((q) => parseRedrivePolicy(q.attributes.RedrivePolicy)?.deadLetterTargetArn === sourceArn);
  if (!isDeadLetterQueue) throw sqsErrors.InvalidParameterValue({ message: "Source queue must be configured as a Dead Letter Queue." });
  // "You can also configure any other queue as the redrive destination if both queues are the same
  // type" (Developer Guide, configuring a DLQ redrive). Taken, a standard DLQ's messages landed in a
  // FIFO queue without a message group, where no receive could ever reach them. AWS's words for
  // the refusal are not recorded anywhere found; the reason below is Nimbus's, in SQS's form.
  if (destination !== undefined && destination.fifo !== source.fifo) {
    throw sqsErrors.InvalidParameterValueFor({
      value: input.DestinationArn,
      name: "DestinationArn",
      reason: "The destination queue must be of the same type (standard or FIFO) as the source queue.",
    });
  }
  const now = ctx.clock.now();
  const id = randomUUID();
  const handle = encodeTaskHandle({ id, sourceArn });
  ctx.store.transaction(() => {
    if (ctx.store.moveTasksOf(source).some((t) => t.status === "RUNNING")) {
      // InvalidParameterValue, as recorded against AWS (Jan 2024), not UnsupportedOperation.
      throw sqsErrors.InvalidParameterValue({ message: "There is already a task running. Only one active task is allowed for a source queue arn at a given time." });
    }
    ctx.store.insertMoveTask({
      account: source.account,
      region: source.region,
      handle,
      sourceQueue: source.name,
      destinationArn: input.DestinationArn,
      rate,
      status: "RUNNING",
      moved: 0,
      toMove: ctx.store.countMessages(source),
      lastSeq: ctx.store.maxSeq(source),
      startedAt: now,
      failureReason: undefined,
    });
  });
  scheduleMoveTask(ctx, { account: source.account, region: source.region, handle });
  return { TaskHandle: handle };
}

/**
 * AWS's answers, recorded Jan 2024: a handle that is not one is an invalid parameter value; a
 * handle naming a source queue that does not exist, ResourceNotFound for SourceArn; a handle of
 * an existing queue but no such task, ResourceNotFound "Task does not exist.".
 */
export function cancelMessageMoveTask(input: CancelMessageMoveTaskInput, ctx: SqsContext): CancelMessageMoveTaskOutput {
  const decoded = decodeTaskHandle(input.TaskHandle);
  if (decoded === undefined) throw sqsErrors.InvalidParameterValue({ message: "Value for parameter TaskHandle is invalid." });
  const source = queueByArn(ctx, decoded.sourceArn, "SourceArn");
  const task = ctx.store.getMoveTask(source.account, source.region, input.TaskHandle);
  if (task === undefined) throw resourceNotFound("Task does not exist.");
  if (task.status !== "RUNNING") throw errors.UnsupportedOperation({ message: "Only active tasks can be cancelled." });
  stopMoveTask(ctx.store, task.handle);
  ctx.store.updateMoveTask({ ...{}, ...task, status: "CANCELLED" });
  return { ApproximateNumberOfMessagesMoved: task.moved };
}

export function listMessageMoveTasks(input: ListMessageMoveTasksInput, ctx: SqsContext): ListMessageMoveTasksOutput {
  const max = input.MaxResults ?? 1;
  if (!Number.isInteger(max) || max < 1 || max > 10) {
    throw sqsErrors.InvalidParameterValueFor({ value: max, name: "MaxResults", reason: "Must be between 1 and 10." });
  }
  const source = queueByArn(ctx, input.SourceArn, "SourceArn");
  const sourceArn = arnOf(source);
  return {
    Results: ctx.store
      .moveTasksOf(source)
      .slice(0, max)
      .map((t) => ({
        ...{}, ...(t.status === "RUNNING" ? { TaskHandle: t.handle } : {}),
        Status: t.status,
        SourceArn: sourceArn,
        ...(t.destinationArn !== undefined ? { DestinationArn: t.destinationArn } : {}),
        ...(t.rate !== undefined ? { MaxNumberOfMessagesPerSecond: t.rate } : {}),
        ApproximateNumberOfMessagesMoved: t.moved,
        ApproximateNumberOfMessagesToMove: t.toMove,
        ...(t.failureReason !== undefined ? { FailureReason: t.failureReason } : {}),
        StartedTimestamp: t.startedAt,
      })),
  };
}
