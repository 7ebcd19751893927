import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { AwsError } from "../../../core/errors.js";
import {
  buildS3EventMessage,
  buildS3EventRecord,
  buildTestEvent,
  destinationValidationError,
  encodeEventKey,
  eventCarriesSequencer,
  isDeleteMarkerEvent,
  eventMatches,
  eventPatternsOverlap,
  eventVersionFor,
  formatSequencer,
  keyMatchesFilter,
  matchingNotificationRules,
  normalizeNotificationConfiguration,
  type NotificationConfigurationInput,
} from "./notifications.js";

const QUEUE = "arn:aws:sqs:us-east-1:000000000000:events";
const TOPIC = "arn:aws:sns:us-east-1:000000000000:topic";
const FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:handler";

let ids = 0;
const nextId = () => `generated-${++ids}`;

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, `expected AwsError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected an error");
}

const filter = (...rules: [string, string][]) => ({ Key: { FilterRules: rules.map(([Name, Value]) => ({ Name, Value })) } });

describe("normalizeNotificationConfiguration", () => {
  test("flattens the three destination kinds, generating missing Ids and normalising filter names", () => {
    const config = normalizeNotificationConfiguration(
      {
        QueueConfigurations: [{ Id: "q", QueueArn: QUEUE, Events: ["s3:ObjectCreated:*"], Filter: filter(["prefix", "images/"], ["Suffix", ".jpg"]) }],
        TopicConfigurations: [{ TopicArn: TOPIC, Events: ["s3:ObjectRemoved:*"] }],
        LambdaFunctionConfigurations: [{ Id: "f", LambdaFunctionArn: FUNCTION, Events: ["s3:ObjectCreated:*"], Filter: filter(["Prefix", "videos/"]) }],
      },
      nextId,
    );
    assert.deepEqual(config.rules, [
      { id: "q", destinationType: "Queue", destinationArn: QUEUE, events: ["s3:ObjectCreated:*"], prefix: "images/", suffix: ".jpg" },
      { id: "generated-1", destinationType: "Topic", destinationArn: TOPIC, events: ["s3:ObjectRemoved:*"] },
      { id: "f", destinationType: "LambdaFunction", destinationArn: FUNCTION, events: ["s3:ObjectCreated:*"], prefix: "videos/" },
    ]);
    assert.equal(config.eventBridge, false);
    assert.equal(normalizeNotificationConfiguration({ EventBridgeConfiguration: {} }, nextId).eventBridge, true);
  });

  test("an empty configuration (turning notifications off) is valid", () => {
    assert.deepEqual(normalizeNotificationConfiguration({}, nextId).rules, []);
  });

  test("a bad ARN is InvalidArgument 'The ARN could not be parsed'", () => {
    const err = thrown(() => normalizeNotificationConfiguration({ QueueConfigurations: [{ QueueArn: TOPIC, Events: ["s3:ObjectCreated:*"] }] }, nextId));
    assert.equal(err.code, "InvalidArgument");
    assert.equal(err.message, "The ARN could not be parsed");
    assert.deepEqual(err.fields, { ArgumentName: "Queue", ArgumentValue: TOPIC });
  });

  test("a configuration without events does not validate against the schema", () => {
    const input: NotificationConfigurationInput = { QueueConfigurations: [{ QueueArn: QUEUE, Events: [] }] };
    assert.equal(thrown(() => normalizeNotificationConfiguration(input, nextId)).code, "MalformedXML");
  });

  test("an unknown event is InvalidArgument 'The event is not supported for notifications'", () => {
    const err = thrown(() => normalizeNotificationConfiguration({ QueueConfigurations: [{ QueueArn: QUEUE, Events: ["s3:ObjectCreated"] }] }, nextId));
    assert.deepEqual([err.code, err.message], ["InvalidArgument", "The event is not supported for notifications"]);
  });

  test("filter rule errors", () => {
    const cases: [[string, string][], string][] = [
      [[["Middle", "x"]], "filter rule name must be either prefix or suffix"],
      [[["prefix", "a"], ["prefix", "b"]], "Cannot specify more than one prefix rule in a filter."],
      [[["suffix", "a"], ["Suffix", "b"]], "Cannot specify more than one suffix rule in a filter."],
      [[["prefix", "x".repeat(1025)]], "Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation"],
      [[["prefix", ""]], "filter value cannot be empty"],
    ];
    for (const [rules, message] of cases) {
      const err = thrown(() =>
        normalizeNotificationConfiguration({ QueueConfigurations: [{ QueueArn: QUEUE, Events: ["s3:ObjectCreated:*"], Filter: filter(...rules) }] }, nextId),
      );
      assert.equal(err.code, "InvalidArgument");
      assert.equal(err.status, 400);
      assert.equal(err.message, message);
    }
  });

  test("two unfiltered configurations sharing an event type overlap", () => {
    const err = thrown(() =>
      normalizeNotificationConfiguration(
        {
          QueueConfigurations: [{ QueueArn: QUEUE, Events: ["s3:ObjectRemoved:*"] }],
          TopicConfigurations: [{ TopicArn: TOPIC, Events: ["s3:ObjectRemoved:*"] }],
        },
        nextId,
      ),
    );
    assert.equal(err.code, "InvalidArgument");
    assert.equal(err.message, "Configurations overlap. Configurations on the same bucket cannot share a common event type.");
    assert.deepEqual(err.fields, { ArgumentName: "Event", ArgumentValue: "s3:ObjectRemoved:*, s3:ObjectRemoved:*" });
  });

  test("a family and one of its members overlap", () => {
    assert.throws(() =>
      normalizeNotificationConfiguration(
        {
          QueueConfigurations: [
            { QueueArn: QUEUE, Events: ["s3:ObjectCreated:Put"] },
            { QueueArn: QUEUE, Events: ["s3:ObjectCreated:*"] },
          ],
        },
        nextId,
      ),
    );
  });

  test("overlapping filters on a shared event are ambiguous (AWS's prefix-vs-suffix example)", () => {
    const ambiguous = "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.";
    for (const [a, b] of [
      [[["prefix", "images/"]], [["suffix", ".jpg"]]],
      [[["prefix", "images/"]], []],
      [[["prefix", "images/"]], [["prefix", "images/jpg/"]]],
      [[["suffix", ".jpg"]], [["suffix", "photo.jpg"]]],
    ] as [[string, string][], [string, string][]][]) {
      const err = thrown(() =>
        normalizeNotificationConfiguration(
          {
            QueueConfigurations: [
              { QueueArn: QUEUE, Events: ["s3:ObjectCreated:Put"], ...(a.length ? { Filter: filter(...a) } : {}) },
              { QueueArn: QUEUE, Events: ["s3:ObjectCreated:*"], ...(b.length ? { Filter: filter(...b) } : {}) },
            ],
          },
          nextId,
        ),
      );
      assert.equal(err.message, ambiguous);
    }
  });

  test("non-overlapping configurations are accepted (AWS's valid examples)", () => {
    normalizeNotificationConfiguration(
      {
        QueueConfigurations: [
          { QueueArn: QUEUE, Events: ["s3:ObjectCreated:*"], Filter: filter(["prefix", "images/"], ["suffix", ".jpg"]) },
          { QueueArn: QUEUE, Events: ["s3:ObjectCreated:*"], Filter: filter(["prefix", "images/"], ["suffix", ".png"]) },
          { QueueArn: QUEUE, Events: ["s3:ObjectCreated:*"], Filter: filter(["prefix", "videos/"]) },
          { QueueArn: QUEUE, Events: ["s3:ObjectRemoved:*"] },
        ],
        LambdaFunctionConfigurations: [{ LambdaFunctionArn: FUNCTION, Events: ["s3:ObjectRestore:Completed"] }],
      },
      nextId,
    );
  });

  test("destination validation error: every failed destination numbered, a function's ARN with ', null'", () => {
    const err = destinationValidationError([
      { destinationType: "Queue", arn: QUEUE, reason: "Permissions on the destination queue do not allow S3 to publish notifications from this bucket" },
      { destinationType: "LambdaFunction", arn: FUNCTION, reason: `Not authorized to invoke function [${FUNCTION}]` },
    ]);
    assert.equal(err.code, "InvalidArgument");
    assert.equal(err.message, "Unable to validate the following destination configurations");
    assert.deepEqual(err.fields, {
      ArgumentName1: QUEUE,
      ArgumentValue1: "Permissions on the destination queue do not allow S3 to publish notifications from this bucket",
      ArgumentName2: `${FUNCTION}, null`,
      ArgumentValue2: `Not authorized to invoke function [${FUNCTION}]`,
    });
  });
});

describe("matching", () => {
  test("event patterns", () => {
    assert.equal(eventMatches("s3:ObjectCreated:*", "s3:ObjectCreated:Put"), true);
    assert.equal(eventMatches("s3:ObjectCreated:*", "ObjectCreated:CompleteMultipartUpload"), true);
    assert.equal(eventMatches("s3:ObjectCreated:Put", "s3:ObjectCreated:Copy"), false);
    assert.equal(eventMatches("s3:ObjectRemoved:*", "s3:ObjectRemoved:DeleteMarkerCreated"), true);
    assert.equal(eventMatches("s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"), false);
    assert.equal(eventMatches("s3:LifecycleTransition", "s3:LifecycleTransition"), true);
    assert.equal(eventPatternsOverlap("s3:ObjectCreated:*", "s3:ObjectCreated:Post"), true);
    assert.equal(eventPatternsOverlap("s3:ObjectCreated:Put", "s3:ObjectCreated:Post"), false);
  });

  test("filters apply to the raw key", () => {
    assert.equal(keyMatchesFilter({ prefix: "my dir/", suffix: ".jpg" }, "my dir/a b.jpg"), true);
    assert.equal(keyMatchesFilter({ prefix: "images/" }, "videos/a.jpg"), false);
    assert.equal(keyMatchesFilter({}, "anything"), true);
  });

  test("an event goes to every matching configuration", () => {
    const { rules } = normalizeNotificationConfiguration(
      {
        QueueConfigurations: [{ Id: "jpg", QueueArn: QUEUE, Events: ["s3:ObjectCreated:*"], Filter: filter(["suffix", ".jpg"]) }],
        TopicConfigurations: [{ Id: "deletes", TopicArn: TOPIC, Events: ["s3:ObjectRemoved:Delete"] }],
      },
      nextId,
    );
    assert.deepEqual(matchingNotificationRules(rules, "s3:ObjectCreated:Put", "a.jpg").map((r) => r.id), ["jpg"]);
    assert.deepEqual(matchingNotificationRules(rules, "s3:ObjectCreated:Put", "a.png").map((r) => r.id), []);
    assert.deepEqual(matchingNotificationRules(rules, "s3:ObjectRemoved:Delete", "a.jpg").map((r) => r.id), ["deletes"]);
  });
});

describe("messages", () => {
  test("keys are form-encoded as S3 sends them", () => {
    assert.equal(encodeEventKey("red flower.jpg"), "red+flower.jpg");
    assert.equal(encodeEventKey("test/key"), "test/key");
    assert.equal(encodeEventKey("this im + age blah.txt"), "this+im+%2B+age+blah.txt");
    assert.equal(encodeEventKey("test/10:47:07.2015-1450022300.log.bz2"), "test/10%3A47%3A07.2015-1450022300.log.bz2");
    assert.equal(encodeEventKey("something/dt=2018-05-04/_SUCCESS"), "something/dt%3D2018-05-04/_SUCCESS");
    assert.equal(encodeEventKey("(1) copé*.txt"), "%281%29+cop%C3%A9*.txt");
  });

  test("eventVersion per event family", () => {
    assert.equal(eventVersionFor("s3:ObjectCreated:Put"), "2.1");
    assert.equal(eventVersionFor("ObjectRemoved:Delete"), "2.1");
    assert.equal(eventVersionFor("s3:Replication:OperationFailedReplication"), "2.2");
    assert.equal(eventVersionFor("s3:LifecycleExpiration:Delete"), "2.3");
    assert.equal(eventVersionFor("s3:ObjectTagging:Put"), "2.3");
    assert.equal(eventVersionFor("s3:ObjectAcl:Put"), "2.3");
    assert.equal(eventVersionFor("s3:ObjectRestore:Delete"), "2.3");
    assert.equal(eventVersionFor("s3:ObjectRestore:Completed"), "2.1");
  });

  test("sequencers are 18 upper-case hex digits", () => {
    assert.equal(formatSequencer(0x55aed6dcd90281e5n), "0055AED6DCD90281E5");
    assert.equal(formatSequencer(1), "000000000000000001");
  });

  test("tag and ACL events carry no sequencer; creations, removals and restores do", () => {
    for (const event of ["s3:ObjectTagging:Put", "ObjectTagging:Delete", "s3:ObjectAcl:Put"]) assert.equal(eventCarriesSequencer(event), false, event);
    for (const event of ["s3:ObjectCreated:Put", "s3:ObjectRemoved:DeleteMarkerCreated", "s3:ObjectRestore:Completed", "s3:LifecycleExpiration:Delete"]) assert.equal(eventCarriesSequencer(event), true, event);
  });

  test("both delete-marker events are recognised, and only they", () => {
    assert.equal(isDeleteMarkerEvent("s3:ObjectRemoved:DeleteMarkerCreated"), true);
    assert.equal(isDeleteMarkerEvent("s3:LifecycleExpiration:DeleteMarkerCreated"), true);
    assert.equal(isDeleteMarkerEvent("s3:ObjectRemoved:Delete"), false);
  });

  test("an ObjectCreated:Put record has exactly S3's fields and order", () => {
    const record = buildS3EventRecord({
      eventName: "s3:ObjectCreated:Put",
      eventTime: Date.UTC(1970, 0, 1),
      awsRegion: "us-west-2",
      principalId: "AWS:AIDAJDPLRKLG7UEXAMPLE",
      sourceIPAddress: "127.0.0.1",
      requestId: "C3D13FE58DE4C810",
      hostId: "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
      configurationId: "testConfigRule",
      bucket: { name: "amzn-s3-demo-bucket", ownerPrincipalId: "A3NL1KOZZKExample" },
      object: { key: "Happy Face.jpg", size: 1024, eTag: '"d41d8cd98f00b204e9800998ecf8427e"', versionId: "096fKKXTRTtl3on89fVO.nfljtsv6qko", sequencer: "0055AED6DCD90281E5" },
    });
    assert.equal(
      JSON.stringify(buildS3EventMessage([record])),
      JSON.stringify({
        Records: [
          {
            eventVersion: "2.1",
            eventSource: "aws:s3",
            awsRegion: "us-west-2",
            eventTime: "1970-01-01T00:00:00.000Z",
            eventName: "ObjectCreated:Put",
            userIdentity: { principalId: "AWS:AIDAJDPLRKLG7UEXAMPLE" },
            requestParameters: { sourceIPAddress: "127.0.0.1" },
            responseElements: {
              "x-amz-request-id": "C3D13FE58DE4C810",
              "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
            },
            s3: {
              s3SchemaVersion: "1.0",
              configurationId: "testConfigRule",
              bucket: { name: "amzn-s3-demo-bucket", ownerIdentity: { principalId: "A3NL1KOZZKExample" }, arn: "arn:aws:s3:::amzn-s3-demo-bucket" },
              object: {
                key: "Happy+Face.jpg",
                size: 1024,
                eTag: "d41d8cd98f00b204e9800998ecf8427e",
                versionId: "096fKKXTRTtl3on89fVO.nfljtsv6qko",
                sequencer: "0055AED6DCD90281E5",
              },
            },
          },
        ],
      }),
    );
  });

  /** What the records below share; each adds its event, requester and object. */
  const recordBase = { eventTime: 0, awsRegion: "us-east-1", requestId: "r", hostId: "h", configurationId: "c", bucket: { name: "b", ownerPrincipalId: "o" } };

  test("a removal carries no size or ETag; a restore carries glacierEventData", () => {
    const removed = buildS3EventRecord({
      ...recordBase,
      eventName: "ObjectRemoved:Delete",
      principalId: "AWS:AIDAEXAMPLE",
      sourceIPAddress: "10.0.0.1",
      object: { key: "k", sequencer: formatSequencer(2) },
    });
    assert.deepEqual(removed.s3.object, { key: "k", sequencer: "000000000000000002" });
    assert.equal(removed.eventName, "ObjectRemoved:Delete");
    const restored = buildS3EventRecord({
      ...recordBase,
      eventName: "s3:ObjectRestore:Completed",
      principalId: "AmazonCustomer:A3NL1KOZZKExample",
      sourceIPAddress: "s3.amazonaws.com",
      object: { key: "k", size: 5, eTag: "abc", sequencer: formatSequencer(3) },
      restore: { lifecycleRestorationExpiryTime: Date.UTC(2024, 0, 2), lifecycleRestoreStorageClass: "GLACIER" },
    });
    assert.deepEqual(restored.glacierEventData, {
      restoreEventData: { lifecycleRestorationExpiryTime: "2024-01-02T00:00:00.000Z", lifecycleRestoreStorageClass: "GLACIER" },
    });
  });

  test("a lifecycle transition carries lifecycleEventData", () => {
    const record = buildS3EventRecord({
      ...recordBase,
      eventName: "s3:LifecycleTransition",
      principalId: "s3.amazonaws.com",
      sourceIPAddress: "s3.amazonaws.com",
      object: { key: "k", size: 5, eTag: "abc", sequencer: formatSequencer(4) },
      transition: { destinationStorageClass: "GLACIER" },
    });
    assert.deepEqual(record.lifecycleEventData, { transitionEventData: { destinationStorageClass: "GLACIER" } });
    assert.equal(record.glacierEventData, undefined);
  });

  test("the s3:TestEvent message", () => {
    assert.equal(
      JSON.stringify(buildTestEvent({ bucket: "bucketname", time: Date.UTC(2014, 9, 13, 15, 57, 2, 89), requestId: "5582815E1AEA5ADF", hostId: "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE" })),
      JSON.stringify({
        Service: "Amazon S3",
        Event: "s3:TestEvent",
        Time: "2014-10-13T15:57:02.089Z",
        Bucket: "bucketname",
        RequestId: "5582815E1AEA5ADF",
        HostId: "8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE",
      }),
    );
  });
});
