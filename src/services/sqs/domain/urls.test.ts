import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { buildQueueUrl, parseQueueArn, parseQueueUrl, queueArn } from "./urls.js";

describe("parseQueueUrl", () => {
  const cases: Array<[string, ReturnType<typeof parseQueueUrl>]> = [
    ["http://localhost:4566/000000000000/orders", { account: "000000000000", name: "orders" }],
    ["http://127.0.0.1:4566/123456789012/orders.fifo", { account: "123456789012", name: "orders.fifo" }],
    [
      "http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/orders",
      { account: "000000000000", name: "orders", region: "us-east-1" },
    ],
    [
      "https://sqs.eu-west-2.amazonaws.com/000000000000/my_queue-1",
      { account: "000000000000", name: "my_queue-1", region: "eu-west-2" },
    ],
    [
      "https://ap-southeast-1.queue.amazonaws.com/000000000000/q",
      { account: "000000000000", name: "q", region: "ap-southeast-1" },
    ],
    ["https://queue.amazonaws.com/000000000000/q", { account: "000000000000", name: "q", region: "us-east-1" }],
    [
      "http://localhost:4566/queue/us-west-2/000000000000/q",
      { account: "000000000000", name: "q", region: "us-west-2" },
    ],
    ["http://localhost:4566/000000000000/q/", { account: "000000000000", name: "q" }],
  ];
  for (const [url, expected] of cases) {
    test(url, () => assert.deepEqual(parseQueueUrl(url), expected));
  }

  test("rejects what is not a queue URL", () => {
    for (const bad of [
      "orders",
      "http://localhost:4566/",
      "http://localhost:4566/000000000000",
      "http://localhost:4566/00000000000/orders",
      "http://localhost:4566/000000000000/orders/extra",
      "http://localhost:4566/000000000000/bad%20name",
      `http://localhost:4566/000000000000/${"a".repeat(81)}`,
      "not a url at all",
    ]) {
      assert.equal(parseQueueUrl(bad), undefined, bad);
    }
  });
});

describe("buildQueueUrl", () => {
  test("path style, as SDKs expect from LocalStack-compatible endpoints", () => {
    assert.equal(
      buildQueueUrl({ endpoint: "http://localhost:4566", account: "000000000000", name: "orders" }),
      "http://localhost:4566/000000000000/orders",
    );
    assert.equal(
      buildQueueUrl({ endpoint: "http://localhost:4566/some/path", account: "000000000000", name: "a.fifo" }),
      "http://localhost:4566/000000000000/a.fifo",
    );
  });

  test("standard style uses the regional localstack.cloud host and keeps the port", () => {
    const url = buildQueueUrl({
      endpoint: "http://localhost:4566",
      account: "000000000000",
      name: "orders",
      style: "standard",
      region: "us-east-1",
    });
    assert.equal(url, "http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/orders");
    assert.deepEqual(parseQueueUrl(url), { account: "000000000000", name: "orders", region: "us-east-1" });
  });

  test("standard style without a region is a programming error", () => {
    assert.throws(() => buildQueueUrl({ endpoint: "http://localhost:4566", account: "1", name: "q", style: "standard" }));
  });
});

describe("queue ARNs", () => {
  test("round trip", () => {
    const arn = queueArn({ region: "us-east-1", account: "000000000000", name: "orders.fifo" });
    assert.equal(arn, "arn:aws:sqs:us-east-1:000000000000:orders.fifo");
    assert.deepEqual(parseQueueArn(arn), { partition: "aws", region: "us-east-1", account: "000000000000", name: "orders.fifo" });
  });

  test("other partitions", () => {
    assert.equal(
      queueArn({ partition: "aws-cn", region: "cn-north-1", account: "000000000000", name: "q" }),
      "arn:aws-cn:sqs:cn-north-1:000000000000:q",
    );
  });

  test("rejects non-SQS and malformed ARNs", () => {
    for (const bad of [
      "dummy",
      "arn:aws:sns:us-east-1:000000000000:topic",
      "arn:aws:sqs:us-east-1:000000000000",
      "arn:aws:sqs:us-east-1:abc:q",
      "arn:aws:sqs::000000000000:q",
      "arn:aws:sqs:us-east-1:000000000000:q:extra",
    ]) {
      assert.equal(parseQueueArn(bad), undefined, bad);
    }
  });
});
