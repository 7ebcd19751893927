import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import {
  applySetQueueAttributes,
  assertSameQueueAttributes,
  defaultQueueAttributes,
  normalizeRedriveAllowPolicy,
  normalizeRedrivePolicy,
  parseRedrivePolicy,
  queueAttributesView,
  redriveAllowed,
  resolveAttributeNames,
  resolveCreateQueueAttributes,
  validateQueueName,
  type QueueLookup,
} from "./attributes.js";

/** Asserts the AWS error: code seen by JSON clients, query code, status and exact message. */
function assertAwsError(fn: () => unknown, code: string, message: string, queryCode?: string, status = 400): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AwsError, `expected AwsError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.message, message);
    assert.equal(e.status, status);
    if (queryCode !== undefined) assert.equal(e.queryCode, queryCode);
    return true;
  });
}

const DLQ_STANDARD = "arn:aws:sqs:us-east-1:000000000000:dlq";
const DLQ_FIFO = "arn:aws:sqs:us-east-1:000000000000:dlq.fifo";
const lookupQueue: QueueLookup = (arn) =>
  arn === DLQ_STANDARD ? { fifo: false } : arn === DLQ_FIFO ? { fifo: true } : undefined;

describe("queue names", () => {
  test("valid names", () => {
    validateQueueName("a", false);
    validateQueueName("My_Queue-1", false);
    validateQueueName("a".repeat(80), false);
    validateQueueName("orders.fifo", true);
    validateQueueName(`${"a".repeat(75)}.fifo`, true);
  });

  test("standard names", () => {
    const message = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length";
    for (const bad of ["in.fo", "example.fifo", "\u00e9\u00e9ww\u00e0)", "a b", "a".repeat(81), "q/x"]) {
      assertAwsError(() => validateQueueName(bad, false), "InvalidParameterValueException", message, "InvalidParameterValue");
    }
  });

  test("FIFO names", () => {
    const message =
      "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.";
    for (const bad of ["orders", ".fifo", "a.b.fifo", `${"a".repeat(76)}.fifo`, "orders.FIFO"]) {
      assertAwsError(() => validateQueueName(bad, true), "InvalidParameterValueException", message);
    }
  });

  test("missing and empty names", () => {
    assertAwsError(
      () => validateQueueName(undefined, false),
      "InvalidParameterValueException",
      "Value for parameter QueueName is invalid. Reason: Must specify a queue name.",
    );
    assertAwsError(() => validateQueueName("", false), "InvalidParameterValueException", "Queue name cannot be empty");
  });
});

describe("CreateQueue attributes", () => {
  test("defaults of a standard queue", () => {
    const { fifo, attributes, requested } = resolveCreateQueueAttributes("q", undefined);
    assert.equal(fifo, false);
    assert.deepEqual(requested, {});
    assert.deepEqual(attributes, {
      DelaySeconds: "0",
      MaximumMessageSize: "1048576",
      MessageRetentionPeriod: "345600",
      ReceiveMessageWaitTimeSeconds: "0",
      VisibilityTimeout: "30",
      SqsManagedSseEnabled: "true",
    });
  });

  test("defaults of a FIFO queue", () => {
    const { fifo, attributes } = resolveCreateQueueAttributes("q.fifo", { FifoQueue: "true" });
    assert.equal(fifo, true);
    assert.equal(attributes.FifoQueue, "true");
    assert.equal(attributes.ContentBasedDeduplication, "false");
    assert.equal(attributes.DeduplicationScope, "queue");
    assert.equal(attributes.FifoThroughputLimit, "perQueue");
  });

  test("accepts every range boundary and normalises integers", () => {
    const boundaries: Array<[string, string, string]> = [
      ["DelaySeconds", "0", "900"],
      ["MaximumMessageSize", "1024", "1048576"],
      ["MessageRetentionPeriod", "60", "1209600"],
      ["ReceiveMessageWaitTimeSeconds", "0", "20"],
      ["VisibilityTimeout", "0", "43200"],
      ["KmsDataKeyReusePeriodSeconds", "60", "86400"],
    ];
    for (const [name, low, high] of boundaries) {
      assert.equal(resolveCreateQueueAttributes("q", { [name]: low }).attributes[name], low);
      assert.equal(resolveCreateQueueAttributes("q", { [name]: high }).attributes[name], high);
    }
    assert.equal(resolveCreateQueueAttributes("q", { DelaySeconds: "+05" }).attributes.DelaySeconds, "5");
  });

  test("out-of-range and malformed integers: InvalidAttributeValue with AWS's wording", () => {
    const bad: Array<[string, string]> = [
      ["DelaySeconds", "901"],
      ["DelaySeconds", "-45"],
      ["DelaySeconds", ""],
      ["DelaySeconds", " 6"],
      ["DelaySeconds", "544.43"],
      ["DelaySeconds", "true"],
      ["MaximumMessageSize", "1023"],
      ["MaximumMessageSize", "1048577"],
      ["MessageRetentionPeriod", "59"],
      ["MessageRetentionPeriod", "1209601"],
      ["ReceiveMessageWaitTimeSeconds", "21"],
      ["VisibilityTimeout", "43201"],
      ["KmsDataKeyReusePeriodSeconds", "59"],
      ["KmsDataKeyReusePeriodSeconds", "86405"],
    ];
    for (const [name, value] of bad) {
      assertAwsError(
        () => resolveCreateQueueAttributes("q", { [name]: value }),
        "InvalidAttributeValue",
        `Invalid value for the parameter ${name}.`,
        "InvalidAttributeValue",
      );
    }
  });

  test("unknown and read-only attributes: InvalidAttributeName", () => {
    for (const name of ["Bogus", "QueueArn", "ApproximateNumberOfMessages", "CreatedTimestamp", "ContentBasedDeduplication"]) {
      assertAwsError(() => resolveCreateQueueAttributes("q", { [name]: "1" }), "InvalidAttributeName", `Unknown Attribute ${name}.`);
    }
  });

  test("CreateQueue of a standard queue with DeduplicationScope or FifoThroughputLimit names FifoQueue", () => {
    // LocalStack's AWS-validated test_create_standard_queue_with_fifo_attribute_raises_error.
    for (const [name, value] of [["DeduplicationScope", "queue"], ["FifoThroughputLimit", "perQueue"]] as const) {
      assertAwsError(
        () => resolveCreateQueueAttributes("q", { [name]: value }),
        "InvalidAttributeName",
        `You can specify the ${name} only when FifoQueue is set to true.`,
      );
    }
    assertAwsError(
      () => resolveCreateQueueAttributes("q", { ContentBasedDeduplication: "false" }),
      "InvalidAttributeName",
      "Unknown Attribute ContentBasedDeduplication.",
    );
  });

  test("FifoQueue decides the type; the name has to agree", () => {
    assertAwsError(
      () => resolveCreateQueueAttributes("example.fifo", { FifoQueue: "false" }),
      "InvalidAttributeName",
      "Unknown Attribute FifoQueue.",
    );
    assertAwsError(
      () => resolveCreateQueueAttributes("example.fifo", undefined),
      "InvalidParameterValueException",
      "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
    );
    assertAwsError(
      () => resolveCreateQueueAttributes("example", { FifoQueue: "true" }),
      "InvalidParameterValueException",
      "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.",
    );
    assert.equal(resolveCreateQueueAttributes("x.fifo", { FifoQueue: "TRUE" }).attributes.FifoQueue, "true");
  });

  test("FIFO-only attributes on FIFO queues", () => {
    const { attributes } = resolveCreateQueueAttributes("x.fifo", {
      FifoQueue: "true",
      ContentBasedDeduplication: "True",
      DeduplicationScope: "messageGroup",
      FifoThroughputLimit: "perMessageGroupId",
    });
    assert.equal(attributes.ContentBasedDeduplication, "true");
    assert.equal(attributes.DeduplicationScope, "messageGroup");
    assert.equal(attributes.FifoThroughputLimit, "perMessageGroupId");
    assertAwsError(
      () => resolveCreateQueueAttributes("x.fifo", { FifoQueue: "true", DeduplicationScope: "group" }),
      "InvalidAttributeValue",
      "Invalid value for the parameter DeduplicationScope.",
    );
    assertAwsError(
      () => resolveCreateQueueAttributes("x.fifo", { FifoQueue: "true", FifoThroughputLimit: "fast" }),
      "InvalidAttributeValue",
      "Invalid value for the parameter FifoThroughputLimit.",
    );
    assertAwsError(
      () => resolveCreateQueueAttributes("x.fifo", { FifoQueue: "true", ContentBasedDeduplication: "yes" }),
      "InvalidAttributeValue",
      "Invalid value for the parameter ContentBasedDeduplication.",
    );
    assertAwsError(
      () => resolveCreateQueueAttributes("x.fifo", { FifoQueue: "true", FifoThroughputLimit: "perMessageGroupId" }),
      "InvalidAttributeValue",
      "Invalid value for the parameter FifoThroughputLimit. Reason: The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup.",
    );
  });

  test("server-side encryption", () => {
    const kms = resolveCreateQueueAttributes("q", { KmsMasterKeyId: "alias/aws/sqs" }).attributes;
    assert.equal(kms.SqsManagedSseEnabled, "false");
    assert.equal(kms.KmsMasterKeyId, "alias/aws/sqs");
    assert.equal(kms.KmsDataKeyReusePeriodSeconds, "300");
    const custom = resolveCreateQueueAttributes("q", { KmsMasterKeyId: "alias/aws/sqs", KmsDataKeyReusePeriodSeconds: "860" });
    assert.equal(custom.attributes.KmsDataKeyReusePeriodSeconds, "860");
    assertAwsError(
      () => resolveCreateQueueAttributes("q", { SqsManagedSseEnabled: "true", KmsMasterKeyId: "alias/aws/sqs" }),
      "InvalidAttributeName",
      "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.",
    );
    assert.equal(resolveCreateQueueAttributes("q", { SqsManagedSseEnabled: "false" }).attributes.SqsManagedSseEnabled, "false");
  });
});

describe("RedrivePolicy", () => {
  const ctx = { fifo: false, lookupQueue };

  test("valid policy is returned in canonical compact form", () => {
    assert.equal(
      normalizeRedrivePolicy(`{"deadLetterTargetArn": "${DLQ_STANDARD}", "maxReceiveCount": "5"}`, ctx),
      `{"deadLetterTargetArn":"${DLQ_STANDARD}","maxReceiveCount":5}`,
    );
    assert.deepEqual(parseRedrivePolicy(`{"deadLetterTargetArn":"${DLQ_STANDARD}","maxReceiveCount":5}`), {
      deadLetterTargetArn: DLQ_STANDARD,
      maxReceiveCount: 5,
    });
    assert.equal(normalizeRedrivePolicy("", ctx), "");
  });

  test("not a JSON map", () => {
    for (const raw of [" ", "4", "[]", "null", "{oops"]) {
      assertAwsError(
        () => normalizeRedrivePolicy(raw, ctx),
        "InvalidAttributeValue",
        "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.",
      );
    }
  });

  test("errors echo the policy verbatim, in AWS's check order", () => {
    const cases: Array<[string, string]> = [
      ["{}", "Redrive policy does not contain mandatory attribute: maxReceiveCount."],
      ['{"maxReceiveCount":5}', "Redrive policy does not contain mandatory attribute: deadLetterTargetArn."],
      [
        `{"deadLetterTargetArn":"${DLQ_STANDARD}","maxReceiveCount":5,"dummyField":"dummy value"}`,
        "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].",
      ],
      [
        `{"deadLetterTargetArn":"${DLQ_STANDARD}","maxReceiveCount":-36}`,
        "Invalid value for maxReceiveCount: -36, valid values are from 1 to 1000 both inclusive.",
      ],
      [
        `{"deadLetterTargetArn":"${DLQ_STANDARD}","maxReceiveCount":4023}`,
        "Invalid value for maxReceiveCount: 4023, valid values are from 1 to 1000 both inclusive.",
      ],
      ['{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}', "Invalid value for deadLetterTargetArn."],
      [
        '{"deadLetterTargetArn":"arn:aws:sns:us-east-1:123456789012:MyTopic","maxReceiveCount":5}',
        "Only SQS queues are valid resources for deadLetterTargetArn.",
      ],
      [`{"deadLetterTargetArn":"${DLQ_FIFO}","maxReceiveCount":5}`, "Dead-letter queue must be same type of queue as the source.."],
      [
        '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:MyUnknownQueue","maxReceiveCount":5}',
        "Dead letter target does not exist.",
      ],
    ];
    for (const [raw, reason] of cases) {
      assertAwsError(
        () => normalizeRedrivePolicy(raw, ctx),
        "InvalidParameterValueException",
        `Value ${raw} for parameter RedrivePolicy is invalid. Reason: ${reason}`,
        "InvalidParameterValue",
      );
    }
  });

  test("FIFO source with FIFO dead-letter queue", () => {
    assert.equal(
      normalizeRedrivePolicy(`{"deadLetterTargetArn":"${DLQ_FIFO}","maxReceiveCount":1000}`, { fifo: true, lookupQueue }),
      `{"deadLetterTargetArn":"${DLQ_FIFO}","maxReceiveCount":1000}`,
    );
  });

  test("without a lookup only the shape is checked", () => {
    assert.equal(
      normalizeRedrivePolicy('{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:anything","maxReceiveCount":1}', { fifo: false }),
      '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:anything","maxReceiveCount":1}',
    );
  });
});

describe("RedriveAllowPolicy", () => {
  const unsupported =
    "Invalid value for the parameter RedriveAllowPolicy. Reason: Amazon SQS can't create the redrive allow policy, as it\u2019s in an unsupported format.";

  test("valid policies", () => {
    assert.equal(normalizeRedriveAllowPolicy('{"redrivePermission":"allowAll"}'), '{"redrivePermission":"allowAll"}');
    assert.equal(normalizeRedriveAllowPolicy('{ "redrivePermission": "denyAll" }'), '{"redrivePermission":"denyAll"}');
    const byQueue = '{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:123456789012:x1"]}';
    assert.equal(normalizeRedriveAllowPolicy(byQueue), byQueue);
  });

  test("unsupported format", () => {
    for (const raw of [
      "badjson",
      "444",
      "[]",
      "{}",
      '{"redrivePermission":"dummy"}',
      '{"redrivePermission":"allowAll","dummy":"value"}',
      '{"redrivePermission":"byQueue","sourceQueueArns":"arn:aws:sqs"}',
      '{"redrivePermission":"byQueue","sourceQueueArns":[{"dummy":"value"}]}',
    ]) {
      assertAwsError(() => normalizeRedriveAllowPolicy(raw), "InvalidAttributeValue", unsupported);
    }
  });

  test("semantic errors echo the policy", () => {
    const prefix = (raw: string) => `Value ${raw} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. `;
    const noArns = '{"redrivePermission":"byQueue"}';
    assertAwsError(
      () => normalizeRedriveAllowPolicy(noArns),
      "InvalidParameterValueException",
      `${prefix(noArns)}When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.`,
    );
    const empty = '{"redrivePermission":"byQueue","sourceQueueArns":[]}';
    assertAwsError(
      () => normalizeRedriveAllowPolicy(empty),
      "InvalidParameterValueException",
      `${prefix(empty)}When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.`,
    );
    const eleven = JSON.stringify({
      redrivePermission: "byQueue",
      sourceQueueArns: Array.from({ length: 11 }, (_, i) => `arn:aws:sqs:us-east-1:123456789012:x${i + 1}`),
    });
    assertAwsError(
      () => normalizeRedriveAllowPolicy(eleven),
      "InvalidParameterValueException",
      `${prefix(eleven)}The maximum number of source queue ARNs you can specify is 10.`,
    );
    for (const permission of ["allowAll", "denyAll"]) {
      const raw = `{"redrivePermission":"${permission}","sourceQueueArns":["arn:aws:sqs:us-east-1:123456789012:x7"]}`;
      assertAwsError(
        () => normalizeRedriveAllowPolicy(raw),
        "InvalidParameterValueException",
        `${prefix(raw)}To specify one or more source queue ARNs, you must set redrivePermission to byQueue.`,
      );
    }
  });

  test("redriveAllowed", () => {
    const src = "arn:aws:sqs:us-east-1:123456789012:src";
    assert.equal(redriveAllowed(undefined, src), true);
    assert.equal(redriveAllowed('{"redrivePermission":"allowAll"}', src), true);
    assert.equal(redriveAllowed('{"redrivePermission":"denyAll"}', src), false);
    assert.equal(redriveAllowed(`{"redrivePermission":"byQueue","sourceQueueArns":["${src}"]}`, src), true);
    assert.equal(redriveAllowed(`{"redrivePermission":"byQueue","sourceQueueArns":["${src}x"]}`, src), false);
  });
});

describe("Policy", () => {
  const statement = {
    Sid: "Queue1_SendMessage",
    Effect: "Allow",
    Principal: { AWS: ["123456789012"] },
    Action: "sqs:SendMessage",
    Resource: "arn:aws:sqs:us-east-1:123456789012:queue1",
  };

  test("valid documents are stored verbatim", () => {
    for (const doc of [
      { Version: "2008-10-17", Statement: statement },
      { Version: "2012-10-17", Statement: [statement] },
      { Id: "_some_id", Version: "2012-10-17", Statement: { ...statement, Action: ["sqs:SendMessage"] } },
      { Version: "2012-10-17", Statement: { ...statement, Sid: undefined } },
    ]) {
      const raw = JSON.stringify(doc);
      assert.equal(resolveCreateQueueAttributes("q", { Policy: raw }).attributes.Policy, raw);
    }
  });

  test("invalid documents", () => {
    for (const doc of [
      "badjson",
      "[]",
      '"string"',
      "533",
      "null",
      JSON.stringify({ Dummyfield: "dummyvalue", Version: "2012-10-17", Statement: [statement] }),
      JSON.stringify({ Version: "4532-10-17", Statement: [statement] }),
      JSON.stringify({ Version: "2012-10-17", Statement: [] }),
      JSON.stringify({ Version: "2012-10-17", Statement: { ...statement, dummy: "value" } }),
      JSON.stringify({ Version: "2012-10-17", Statement: [{ ...statement, dummy: "value" }] }),
    ]) {
      assertAwsError(() => resolveCreateQueueAttributes("q", { Policy: doc }), "InvalidAttributeValue", "Invalid value for the parameter Policy.");
    }
  });

  test("more than 20 statements: 403 OverLimit", () => {
    const doc = JSON.stringify({ Version: "2012-10-17", Statement: Array.from({ length: 22 }, () => statement) });
    assertAwsError(
      () => resolveCreateQueueAttributes("q", { Policy: doc }),
      "OverLimit",
      "22 statements were found in the submitted policy, max allowed is 20",
      "OverLimit",
      403,
    );
    const twenty = JSON.stringify({ Version: "2012-10-17", Statement: Array.from({ length: 20 }, () => statement) });
    assert.equal(resolveCreateQueueAttributes("q", { Policy: twenty }).attributes.Policy, twenty);
  });

  test("more than 7 actions in a statement: 403 OverLimit", () => {
    const actions = ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl", "PurgeQueue", "ListQueueTags"];
    const seven = JSON.stringify({ Version: "2012-10-17", Statement: [{ ...statement, Action: actions.slice(0, 7).map((a) => `sqs:${a}`) }] });
    assert.equal(resolveCreateQueueAttributes("q", { Policy: seven }).attributes.Policy, seven);
    const eight = JSON.stringify({ Version: "2012-10-17", Statement: [statement, { ...statement, Action: actions.map((a) => `sqs:${a}`) }] });
    assertAwsError(
      () => resolveCreateQueueAttributes("q", { Policy: eight }),
      "OverLimit",
      "8 actions were found in a statement from the submitted policy, max allowed is 7",
      "OverLimit",
      403,
    );
  });
});

describe("CreateQueue idempotency", () => {
  test("same attributes: no error; omitted attributes are not compared", () => {
    const existing = resolveCreateQueueAttributes("q", { DelaySeconds: "5" }).attributes;
    assertSameQueueAttributes(existing, resolveCreateQueueAttributes("q", { DelaySeconds: "5" }).requested);
    assertSameQueueAttributes(existing, resolveCreateQueueAttributes("q", undefined).requested);
    assertSameQueueAttributes(existing, resolveCreateQueueAttributes("q", { VisibilityTimeout: "30" }).requested);
  });

  test("a different value names the attribute", () => {
    const existing = resolveCreateQueueAttributes("q", undefined).attributes;
    assertAwsError(
      () => assertSameQueueAttributes(existing, resolveCreateQueueAttributes("q", { DelaySeconds: "1" }).requested),
      "QueueNameExists",
      "A queue already exists with the same name and a different value for attribute DelaySeconds",
      "QueueAlreadyExists",
    );
    const fifo = resolveCreateQueueAttributes("q.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" }).attributes;
    assertAwsError(
      () =>
        assertSameQueueAttributes(
          fifo,
          resolveCreateQueueAttributes("q.fifo", { FifoQueue: "true", ContentBasedDeduplication: "false" }).requested,
        ),
      "QueueNameExists",
      "A queue already exists with the same name and a different value for attribute ContentBasedDeduplication",
    );
    assertAwsError(
      () => assertSameQueueAttributes(existing, resolveCreateQueueAttributes("q", { Policy: '{"Statement":{"Effect":"Allow"}}' }).requested),
      "QueueNameExists",
      "A queue already exists with the same name and a different value for attribute Policy",
    );
  });
});

describe("SetQueueAttributes", () => {
  test("updates and reports changed names", () => {
    const current = defaultQueueAttributes(false);
    const { attributes, changed } = applySetQueueAttributes(current, { VisibilityTimeout: "69", DelaySeconds: "0", MaximumMessageSize: "2048" });
    assert.equal(attributes.VisibilityTimeout, "69");
    assert.equal(attributes.MaximumMessageSize, "2048");
    assert.deepEqual(changed.sort(), ["MaximumMessageSize", "VisibilityTimeout"]);
    assert.equal(current.VisibilityTimeout, "30", "input is not mutated");
  });

  test("FifoQueue cannot be changed; restating true on a FIFO queue is accepted", () => {
    assertAwsError(() => applySetQueueAttributes(defaultQueueAttributes(false), { FifoQueue: "true" }), "InvalidAttributeName", "Unknown Attribute FifoQueue.");
    const same = applySetQueueAttributes(defaultQueueAttributes(true), { FifoQueue: "true", VisibilityTimeout: "40" });
    assert.equal(same.attributes.FifoQueue, "true");
    assert.deepEqual(same.changed, ["VisibilityTimeout"]);
    assert.deepEqual(applySetQueueAttributes(defaultQueueAttributes(true), { FifoQueue: "TRUE" }).changed, []);
    assertAwsError(
      () => applySetQueueAttributes(defaultQueueAttributes(true), { FifoQueue: "false" }),
      "InvalidAttributeValue",
      "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
    );
  });

  test("FIFO-only attributes are unknown on standard queues", () => {
    assertAwsError(
      () => applySetQueueAttributes(defaultQueueAttributes(false), { ContentBasedDeduplication: "true" }),
      "InvalidAttributeName",
      "Unknown Attribute ContentBasedDeduplication.",
    );
    const fifo = applySetQueueAttributes(defaultQueueAttributes(true), { ContentBasedDeduplication: "true" });
    assert.equal(fifo.attributes.ContentBasedDeduplication, "true");
  });

  test("read-only names", () => {
    assertAwsError(() => applySetQueueAttributes(defaultQueueAttributes(false), { QueueArn: "x" }), "InvalidAttributeName", "Unknown Attribute QueueArn.");
  });

  test("switching between SSE-KMS and SSE-SQS", () => {
    const kms = applySetQueueAttributes(defaultQueueAttributes(false), { KmsMasterKeyId: "testKeyId", KmsDataKeyReusePeriodSeconds: "6000" });
    assert.deepEqual(
      [kms.attributes.KmsMasterKeyId, kms.attributes.KmsDataKeyReusePeriodSeconds, kms.attributes.SqsManagedSseEnabled],
      ["testKeyId", "6000", "false"],
    );
    const sqs = applySetQueueAttributes(kms.attributes, { SqsManagedSseEnabled: "true" });
    assert.equal(sqs.attributes.SqsManagedSseEnabled, "true");
    assert.equal(sqs.attributes.KmsMasterKeyId, undefined);
    assert.equal(sqs.attributes.KmsDataKeyReusePeriodSeconds, undefined);
    assertAwsError(
      () => applySetQueueAttributes(defaultQueueAttributes(false), { KmsMasterKeyId: "k", SqsManagedSseEnabled: "true" }),
      "InvalidAttributeName",
      "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.",
    );
  });

  test("empty RedrivePolicy and Policy remove them", () => {
    const withPolicy = applySetQueueAttributes(
      defaultQueueAttributes(false),
      { RedrivePolicy: `{"deadLetterTargetArn":"${DLQ_STANDARD}","maxReceiveCount":3}` },
      { lookupQueue },
    );
    assert.ok(withPolicy.attributes.RedrivePolicy);
    const cleared = applySetQueueAttributes(withPolicy.attributes, { RedrivePolicy: "" });
    assert.equal(cleared.attributes.RedrivePolicy, undefined);
    assert.deepEqual(cleared.changed, ["RedrivePolicy"]);
  });

  test("RedrivePolicy checks the dead-letter queue type against the source", () => {
    assertAwsError(
      () => applySetQueueAttributes(defaultQueueAttributes(true), { RedrivePolicy: `{"deadLetterTargetArn":"${DLQ_STANDARD}","maxReceiveCount":3}` }, { lookupQueue }),
      "InvalidParameterValueException",
      `Value {"deadLetterTargetArn":"${DLQ_STANDARD}","maxReceiveCount":3} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source..`,
    );
  });
});

describe("GetQueueAttributes names", () => {
  test("All expands to the attributes that apply to the queue type", () => {
    const standard = resolveAttributeNames(["All"], false);
    assert.ok(standard.includes("QueueArn"));
    assert.ok(!standard.includes("FifoQueue"));
    assert.ok(resolveAttributeNames(["All"], true).includes("FifoQueue"));
    assert.deepEqual(resolveAttributeNames(undefined, false), []);
    assert.deepEqual(resolveAttributeNames(["VisibilityTimeout", "VisibilityTimeout"], false), ["VisibilityTimeout"]);
  });

  test("unknown names", () => {
    assertAwsError(() => resolveAttributeNames(["Nope"], false), "InvalidAttributeName", "Unknown Attribute Nope.");
    assertAwsError(() => resolveAttributeNames(["FifoQueue"], false), "InvalidAttributeName", "Unknown Attribute FifoQueue.");
  });

  test("view mixes stored and computed values, omitting unset ones", () => {
    const stored = resolveCreateQueueAttributes("q", { VisibilityTimeout: "20" }).attributes;
    const view = queueAttributesView(
      stored,
      {
        ApproximateNumberOfMessages: 3,
        ApproximateNumberOfMessagesDelayed: 0,
        ApproximateNumberOfMessagesNotVisible: 1,
        CreatedTimestamp: 1700000000,
        LastModifiedTimestamp: 1700000001,
        QueueArn: "arn:aws:sqs:us-east-1:000000000000:q",
      },
      resolveAttributeNames(["All"], false),
    );
    assert.equal(view.VisibilityTimeout, "20");
    assert.equal(view.ApproximateNumberOfMessages, "3");
    assert.equal(view.CreatedTimestamp, "1700000000");
    assert.equal(view.QueueArn, "arn:aws:sqs:us-east-1:000000000000:q");
    assert.equal(view.Policy, undefined);
    assert.equal(view.KmsMasterKeyId, undefined);
  });
});
