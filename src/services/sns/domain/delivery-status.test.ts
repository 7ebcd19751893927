import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AwsError } from "../../../core/errors.js";
import {
  deliveryId,
  deliveryStatusEvent,
  inProcessAnswer,
  logsDeliveryStatus,
  shouldLog,
  statusLogGroup,
  statusLogStream,
  statusLogTimestamp,
  statusNotification,
} from "./delivery-status.js";

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SUB = "arn:aws:sns:us-east-1:444000444:sample-sns-logs-generator:0b5e5b83-4c6c-4a8d-9b8e-1f2e3d4c5b6a";

describe("SNS delivery status records", () => {
  test("an SQS success reads exactly like AWS's record", () => {
    // A record AWS wrote (CloudWatch Logs subscription data of a real topic), rebuilt field by field.
    const aws =
      '{"notification":{"messageMD5Sum":"d7f9e409f27b6f8e7b70a5f011a00e13","messageId":"a37084ce-24f0-5325-a4de-ddb69065354e","topicArn":"arn:aws:sns:us-east-1:444000444:sample-sns-logs-generator","timestamp":"2021-07-26 13:02:13.706"},' +
      '"delivery":{"deliveryId":"82f09c7b-c844-5e16-b1a5-c5037cd15fab","destination":"arn:aws:sqs:us-east-1:444000444:sample-sns-subscriber","providerResponse":"{\\"sqsRequestId\\":\\"236a3aac-74c1-5187-acb7-63d4c054d1e1\\",\\"sqsMessageId\\":\\"7bebbb93-8399-4747-a9ca-843ce5813315\\"}","dwellTimeMs":48,"attempts":1,"statusCode":200},' +
      '"status":"SUCCESS"}';
    const event = deliveryStatusEvent(
      {
        messageMD5Sum: "d7f9e409f27b6f8e7b70a5f011a00e13",
        messageId: "a37084ce-24f0-5325-a4de-ddb69065354e",
        topicArn: "arn:aws:sns:us-east-1:444000444:sample-sns-logs-generator",
        timestamp: "2021-07-26T13:02:13.706Z",
      },
      {
        status: "SUCCESS",
        deliveryId: "82f09c7b-c844-5e16-b1a5-c5037cd15fab",
        destination: "arn:aws:sqs:us-east-1:444000444:sample-sns-subscriber",
        providerResponse: '{"sqsRequestId":"236a3aac-74c1-5187-acb7-63d4c054d1e1","sqsMessageId":"7bebbb93-8399-4747-a9ca-843ce5813315"}',
        dwellTimeMs: 48,
        attempts: 1,
        statusCode: 200,
      },
    );
    assert.equal(event, aws);
  });

  test("a mobile push carries the device token; an answerless HTTP failure has no statusCode", () => {
    const notification = { messageMD5Sum: "m", messageId: "id", topicArn: "arn:aws:sns:us-east-1:000000000000:t", timestamp: "2026-01-15T12:00:00.000Z" };
    const push = JSON.parse(
      deliveryStatusEvent(notification, { status: "SUCCESS", deliveryId: "d", destination: "arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/e", providerResponse: "r", dwellTimeMs: 0, attempts: 1, statusCode: 200, token: "tok" }),
    ) as { delivery: Record<string, unknown> };
    assert.deepEqual(Object.keys(push.delivery), ["deliveryId", "destination", "providerResponse", "dwellTimeMs", "attempts", "token", "statusCode"]);
    assert.equal(push.delivery.token, "tok");
    const refused = JSON.parse(
      deliveryStatusEvent(notification, { status: "FAILURE", deliveryId: "d", destination: "http://127.0.0.1:9/", providerResponse: "connect ECONNREFUSED 127.0.0.1:9", dwellTimeMs: 60_000, attempts: 4 }),
    ) as { delivery: Record<string, unknown>; status: string };
    assert.equal(refused.status, "FAILURE");
    assert.equal("statusCode" in refused.delivery, false);
  });

  test("log groups: sns/<region>/<account>/<topic>, failures under /Failure, FIFO names kept whole", () => {
    assert.equal(statusLogGroup("arn:aws:sns:eu-west-1:123456789012:orders", "SUCCESS"), "sns/eu-west-1/123456789012/orders");
    assert.equal(statusLogGroup("arn:aws:sns:eu-west-1:123456789012:orders", "FAILURE"), "sns/eu-west-1/123456789012/orders/Failure");
    assert.equal(statusLogGroup("arn:aws:sns:us-east-1:444000444:sample_123.fifo", "FAILURE"), "sns/us-east-1/444000444/sample_123.fifo/Failure");
  });

  test("streams are UUIDs, one per group and protocol, stable; HTTP and HTTPS share one", () => {
    const group = "sns/us-east-1/000000000000/orders";
    const sqs = statusLogStream(group, "sqs");
    assert.match(sqs, UUID_V5);
    assert.equal(statusLogStream(group, "sqs"), sqs);
    assert.notEqual(statusLogStream(group, "lambda"), sqs);
    assert.notEqual(statusLogStream(`${group}/Failure`, "sqs"), sqs);
    assert.equal(statusLogStream(group, "https"), statusLogStream(group, "http"));
  });

  test("timestamps as the log writes them; the message's MD5; a delivery's id", () => {
    assert.equal(statusLogTimestamp("2021-07-26T13:02:13.706Z"), "2021-07-26 13:02:13.706");
    const n = statusNotification({ message: "hello", messageId: "m-1", topicArn: "arn:aws:sns:us-east-1:000000000000:t", timestamp: "2026-01-15T12:00:00.000Z" });
    assert.deepEqual(n, { messageMD5Sum: "5d41402abc4b2a76b9719d911017c592", messageId: "m-1", topicArn: "arn:aws:sns:us-east-1:000000000000:t", timestamp: "2026-01-15T12:00:00.000Z" });
    const id = deliveryId("m-1", SUB);
    assert.match(id, UUID_V5);
    assert.equal(deliveryId("m-1", SUB), id, "every attempt of one delivery has the same id");
    assert.notEqual(deliveryId("m-1", `${SUB}0`), id);
    assert.notEqual(deliveryId("m-2", SUB), id);
  });
});

describe("what a topic logs", () => {
  const ok = (attributes: Record<string, string>, protocol: string, id = "d") => shouldLog(attributes, protocol, { status: "SUCCESS", deliveryId: id });
  const failed = (attributes: Record<string, string>, protocol: string) => shouldLog(attributes, protocol, { status: "FAILURE", deliveryId: "d" });

  test("nothing without a role; a failure role logs every failure and no success", () => {
    assert.equal(logsDeliveryStatus({ DisplayName: "x" }), false);
    assert.equal(ok({}, "sqs"), false);
    assert.equal(failed({}, "sqs"), false);
    const attributes = { SQSFailureFeedbackRoleArn: "arn:aws:iam::000000000000:role/any" };
    assert.equal(logsDeliveryStatus(attributes), true);
    assert.equal(failed(attributes, "sqs"), true);
    assert.equal(ok(attributes, "sqs"), false);
    assert.equal(failed(attributes, "lambda"), false, "per protocol");
  });

  test("successes are sampled at the rate; no rate logs none; the protocols map to their attribute prefixes", () => {
    const role = "arn:aws:iam::000000000000:role/any";
    assert.equal(ok({ LambdaSuccessFeedbackRoleArn: role }, "lambda"), false);
    assert.equal(ok({ LambdaSuccessFeedbackRoleArn: role, LambdaSuccessFeedbackSampleRate: "0" }, "lambda"), false);
    assert.equal(ok({ LambdaSuccessFeedbackRoleArn: role, LambdaSuccessFeedbackSampleRate: "100" }, "lambda"), true);
    assert.equal(ok({ LambdaSuccessFeedbackRoleArn: role, LambdaSuccessFeedbackSampleRate: "many" }, "lambda"), false);
    const http = { HTTPSuccessFeedbackRoleArn: role, HTTPSuccessFeedbackSampleRate: "100" };
    assert.equal(ok(http, "http"), true);
    assert.equal(ok(http, "https"), true);
    assert.equal(ok({ ApplicationSuccessFeedbackRoleArn: role, ApplicationSuccessFeedbackSampleRate: "100" }, "application"), true);
    assert.equal(ok({ FirehoseSuccessFeedbackRoleArn: role, FirehoseSuccessFeedbackSampleRate: "100" }, "firehose"), true);
    assert.equal(ok({ SQSSuccessFeedbackRoleArn: role, SQSSuccessFeedbackSampleRate: "100" }, "email"), false, "email has no status logging");
  });

  test("a 25 % rate logs about a quarter of the deliveries, the same ones every time", () => {
    const attributes = { SQSSuccessFeedbackRoleArn: "r", SQSSuccessFeedbackSampleRate: "25" };
    const ids = Array.from({ length: 2000 }, (_, i) => deliveryId(`m-${i}`, SUB));
    const logged = ids.filter((id) => ok(attributes, "sqs", id));
    assert.ok(logged.length > 400 && logged.length < 600, `${logged.length} of 2000`);
    assert.deepEqual(
      ids.filter((id) => ok(attributes, "sqs", id)),
      logged,
    );
  });
});

describe("in-process deliveries as providerResponse", () => {
  test("SQS: request and message ids, 200; a queue that is gone: its query error, 400, Unrecoverable", () => {
    const sent = inProcessAnswer("sqs", { messageId: "7bebbb93-8399-4747-a9ca-843ce5813315" });
    assert.equal(sent.status, "SUCCESS");
    assert.equal(sent.statusCode, 200);
    const response = JSON.parse(sent.providerResponse) as Record<string, string>;
    assert.deepEqual(Object.keys(response), ["sqsRequestId", "sqsMessageId"]);
    assert.match(response.sqsRequestId ?? "", UUID);
    assert.equal(response.sqsMessageId, "7bebbb93-8399-4747-a9ca-843ce5813315");
    const gone = inProcessAnswer("sqs", { error: new AwsError("QueueDoesNotExist", "The specified queue does not exist.", 400, { queryCode: "AWS.SimpleQueueService.NonExistentQueue" }) });
    assert.deepEqual(gone, {
      status: "FAILURE",
      providerResponse: '{"ErrorCode":"AWS.SimpleQueueService.NonExistentQueue","ErrorMessage":"The specified queue does not exist.","sqsRequestId":"Unrecoverable"}',
      statusCode: 400,
    });
  });

  test("Lambda: accepted with 202; a function that is gone: 404", () => {
    const accepted = inProcessAnswer("lambda", {});
    assert.equal(accepted.statusCode, 202);
    assert.match((JSON.parse(accepted.providerResponse) as Record<string, string>).lambdaRequestId ?? "", UUID);
    const gone = inProcessAnswer("lambda", { error: new AwsError("ResourceNotFoundException", "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f", 404) });
    assert.deepEqual(gone, {
      status: "FAILURE",
      providerResponse: '{"ErrorCode":"ResourceNotFoundException","ErrorMessage":"Function not found: arn:aws:lambda:us-east-1:000000000000:function:f","lambdaRequestId":"Unrecoverable"}',
      statusCode: 404,
    });
  });
});
