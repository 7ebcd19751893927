import { test } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../core/errors.js";
import { loadModel, type Operation } from "../../protocol/model.js";
import { isQueuePath, queuePaths } from "./queue-path.js";

const model = loadModel("sqs-2012-11-05");
const ENDPOINT = "http://localhost:4566";

function operation(name: string): Operation {
  const op = model.operation(name);
  assert.ok(op, name);
  return op;
}

test("a queue's URL path is /<12-digit account>/<name>, with or without a trailing slash", () => {
  for (const path of ["/000000000000/orders", "/123456789012/orders.fifo/"]) assert.equal(isQueuePath(path), true, path);
  for (const path of ["/", "/orders", "/00000000000/orders", "/0000000000000/orders", "/000000000000/", "/000000000000/orders/extra", "/_aws/sns/x"]) {
    assert.equal(isQueuePath(path), false, path);
  }
});

test("at a queue's URL, CreateQueue, ListQueues and actions SQS lacks are refused as InvalidAction 'not valid for this endpoint'", () => {
  const refusals: [string, Operation | undefined][] = [
    ["CreateQueue", operation("CreateQueue")],
    ["ListQueues", operation("ListQueues")],
    ["FooBar", undefined],
  ];
  for (const [action, op] of refusals) {
    const refused = queuePaths.refuseAction("/000000000000/orders", action, op);
    assert.ok(refused instanceof AwsError, action);
    assert.deepEqual([refused.code, refused.status, refused.type, refused.message], ["InvalidAction", 400, "Sender", `The action ${action} is not valid for this endpoint.`]);
  }
  // GetQueueUrl names no queue URL and is answered there all the same; the queue's own actions are.
  for (const name of ["GetQueueUrl", "SendMessage", "GetQueueAttributes"]) assert.equal(queuePaths.refuseAction("/000000000000/orders", name, operation(name)), undefined, name);
  // Elsewhere the hook refuses nothing: an unknown action is the dispatcher's "not valid for this web service".
  assert.equal(queuePaths.refuseAction("/", "FooBar", undefined), undefined);
  assert.equal(queuePaths.refuseAction("/", "CreateQueue", operation("CreateQueue")), undefined);
});

test("a request posted to a queue's URL without QueueUrl is addressed by the path; a QueueUrl sent wins", () => {
  const byPath: Record<string, unknown> = { MessageBody: "hello" };
  queuePaths.fillInput("/000000000000/orders/", operation("SendMessage"), byPath, ENDPOINT);
  assert.deepEqual(byPath, { MessageBody: "hello", QueueUrl: `${ENDPOINT}/000000000000/orders` });

  const named: Record<string, unknown> = { QueueUrl: "other" };
  queuePaths.fillInput("/000000000000/orders", operation("SendMessage"), named, ENDPOINT);
  assert.deepEqual(named, { QueueUrl: "other" });

  // GetQueueUrl has no QueueUrl member, and "/" is no queue's URL.
  const lookup: Record<string, unknown> = { QueueName: "orders" };
  queuePaths.fillInput("/000000000000/orders", operation("GetQueueUrl"), lookup, ENDPOINT);
  assert.deepEqual(lookup, { QueueName: "orders" });
  const atRoot: Record<string, unknown> = {};
  queuePaths.fillInput("/", operation("SendMessage"), atRoot, ENDPOINT);
  assert.deepEqual(atRoot, {});
});
