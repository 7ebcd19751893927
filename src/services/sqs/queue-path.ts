/**
 * A queue's URL as a request path, `/<account>/<name>`: query clients may post to it instead of
 * naming the queue in the parameters (older SDKs and hand-written requests do).
 */
import type { PathAddressing } from "../../core/service.js";
import { errors } from "./errors.js";

const QUEUE_PATH = /^\/\d{12}\/[^/]+\/?$/;

/**
 * The actions AWS refuses at a queue's URL ("not valid for this endpoint"); GetQueueUrl, though
 * it names no queue URL, is answered there (LocalStack's AWS-validated
 * test_get_queue_url_work_for_different_queue).
 */
const QUEUELESS_ACTIONS = new Set(["CreateQueue", "ListQueues"]);

/** Whether a request path is a queue's URL path: such a request is SQS's, whatever its Action. */
export function isQueuePath(path: string): boolean {
  return QUEUE_PATH.test(path);
}

export const queuePaths: PathAddressing = {
  refuseAction(path, action, operation) {
    if (isQueuePath(path) && (!operation || QUEUELESS_ACTIONS.has(operation.name))) return errors.InvalidActionForEndpoint({ operation: action });
    return undefined;
  },
  // A request posted to a queue's URL without a QueueUrl parameter is addressed by the path.
  fillInput(path, operation, input, endpoint) {
    if (input["QueueUrl"] !== undefined || !operation.input?.members?.["QueueUrl"]) return;
    if (isQueuePath(path)) input["QueueUrl"] = `${endpoint}${path.replace(/\/$/, "")}`;
  },
};
