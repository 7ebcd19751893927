import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { AwsError } from "../../core/errors.js";
import {
  DEFAULT_HTTP_RETRY_POLICY,
  effectiveSubscriptionDeliveryPolicy,
  effectiveTopicDeliveryPolicy,
  normalizeSubscriptionDeliveryPolicy,
  normalizeTopicDeliveryPolicy,
  retryDelays,
} from "./delivery-policy.js";
import { snsPrettyJson } from "./email.js";
import { applicationArn, endpointArn, parseApplicationArn, parseEndpointArn, platformPayload } from "./platform.js";
import { isE164 } from "./sms.js";
import { inTopicScope, validateTopicPolicy } from "./topic-policy.js";

const SET = "Invalid parameter: ";

function refusal(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AwsError, String(err));
    return err;
  }
  assert.fail("expected an InvalidParameter");
}

describe("retry schedule", () => {
  test("AWS's default: three retries, 20 seconds apart", () => {
    assert.deepEqual(retryDelays(DEFAULT_HTTP_RETRY_POLICY), [20, 20, 20]);
  });

  test("the four phases in order: immediate, pre-backoff, backoff, post-backoff", () => {
    const delays = retryDelays({
      minDelayTarget: 1,
      maxDelayTarget: 9,
      numRetries: 10,
      numNoDelayRetries: 2,
      numMinDelayRetries: 2,
      numMaxDelayRetries: 2,
      backoffFunction: "linear",
    });
    assert.deepEqual(delays, [0, 0, 1, 1, 1, 4, 6, 9, 9, 9]);
  });

  test("exponential backoff doubles from the minimum to the maximum delay", () => {
    const delays = retryDelays({ ...DEFAULT_HTTP_RETRY_POLICY, minDelayTarget: 1, maxDelayTarget: 16, numRetries: 5, backoffFunction: "exponential" });
    assert.deepEqual(delays, [1, 2, 4, 8, 16]);
  });

  test("no retries, no delays", () => {
    assert.deepEqual(retryDelays({ ...DEFAULT_HTTP_RETRY_POLICY, numRetries: 0 }), []);
  });
});

describe("topic DeliveryPolicy", () => {
  test("stored with disableSubscriptionOverrides filled in; effective policy fills the rest from the defaults", () => {
    const stored = normalizeTopicDeliveryPolicy(JSON.stringify({ http: { defaultHealthyRetryPolicy: { minDelayTarget: 5, maxDelayTarget: 6, numRetries: 1 } } }), SET);
    assert.equal(stored, JSON.stringify({ http: { defaultHealthyRetryPolicy: { minDelayTarget: 5, maxDelayTarget: 6, numRetries: 1 }, disableSubscriptionOverrides: false } }));
    assert.equal(
      JSON.stringify(effectiveTopicDeliveryPolicy(stored)),
      JSON.stringify({
        http: {
          defaultHealthyRetryPolicy: { minDelayTarget: 5, maxDelayTarget: 6, numRetries: 1, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: "linear" },
          disableSubscriptionOverrides: false,
          defaultRequestPolicy: { headerContentType: "text/plain; charset=UTF-8" },
        },
      }),
    );
  });

  test("null members are dropped, as AWS stores them", () => {
    assert.equal(normalizeTopicDeliveryPolicy(JSON.stringify({ http: { defaultHealthyRetryPolicy: null } }), SET), JSON.stringify({ http: { disableSubscriptionOverrides: false } }));
    assert.equal(normalizeTopicDeliveryPolicy("", SET), "");
  });

  test("the effective policy of a topic without one is AWS's default", () => {
    assert.deepEqual(effectiveTopicDeliveryPolicy(undefined), {
      http: { defaultHealthyRetryPolicy: { ...DEFAULT_HTTP_RETRY_POLICY }, disableSubscriptionOverrides: false, defaultRequestPolicy: { headerContentType: "text/plain; charset=UTF-8" } },
    });
  });

  test("refusals use AWS's path wording", () => {
    const tooMany = refusal(() => normalizeTopicDeliveryPolicy(JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 101 } } }), SET));
    assert.equal(tooMany.queryCode, "InvalidParameter");
    assert.equal(tooMany.message, "Invalid parameter: DeliveryPolicy: http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100");
    const tooLong = refusal(() => normalizeTopicDeliveryPolicy(JSON.stringify({ http: { defaultHealthyRetryPolicy: { minDelayTarget: 3599, maxDelayTarget: 3600 } } }), SET));
    assert.equal(tooLong.message, "Invalid parameter: DeliveryPolicy: http.defaultHealthyRetryPolicy: Total policy retry time cannot be greater than 3600 seconds");
    const member = refusal(() => normalizeTopicDeliveryPolicy(JSON.stringify({ http: { throttlePolicy: { maxReceivesPerSecond: 1 } } }), SET));
    assert.equal(member.message, "Invalid parameter: DeliveryPolicy: Unexpected JSON member: throttlePolicy");
    const json = refusal(() => normalizeTopicDeliveryPolicy("{nope", "Invalid parameter: Attributes Reason: "));
    assert.equal(json.message, "Invalid parameter: Attributes Reason: DeliveryPolicy: failed to parse JSON.");
    const phases = refusal(() => normalizeTopicDeliveryPolicy(JSON.stringify({ http: { defaultHealthyRetryPolicy: { numRetries: 1, numNoDelayRetries: 2 } } }), SET));
    assert.equal(phases.message, "Invalid parameter: DeliveryPolicy: http.defaultHealthyRetryPolicy: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries must be less than or equal to numRetries");
  });
});

describe("subscription DeliveryPolicy", () => {
  test("stored with every member; effective takes the topic's defaults for what it leaves out", () => {
    const stored = normalizeSubscriptionDeliveryPolicy(JSON.stringify({ requestPolicy: { headerContentType: "text/csv" } }), SET);
    assert.deepEqual(JSON.parse(stored), { healthyRetryPolicy: null, sicklyRetryPolicy: null, throttlePolicy: null, requestPolicy: { headerContentType: "text/csv" }, guaranteed: false });
    const effective = effectiveSubscriptionDeliveryPolicy(stored, undefined);
    assert.deepEqual(effective.healthyRetryPolicy, DEFAULT_HTTP_RETRY_POLICY);
    assert.equal(effective.requestPolicy.headerContentType, "text/csv");

    const topic = normalizeTopicDeliveryPolicy(JSON.stringify({ http: { defaultRequestPolicy: { headerContentType: "application/json" } } }), SET);
    const own = normalizeSubscriptionDeliveryPolicy(JSON.stringify({ healthyRetryPolicy: { minDelayTarget: 1, maxDelayTarget: 1, numRetries: 0 }, throttlePolicy: { maxReceivesPerSecond: 1000 } }), SET);
    const merged = effectiveSubscriptionDeliveryPolicy(own, topic);
    assert.equal(merged.healthyRetryPolicy.numRetries, 0);
    assert.deepEqual(merged.throttlePolicy, { maxReceivesPerSecond: 1000 });
    assert.equal(merged.requestPolicy.headerContentType, "application/json");
  });

  test("a topic that disables overrides wins over the subscription", () => {
    const topic = normalizeTopicDeliveryPolicy(JSON.stringify({ http: { disableSubscriptionOverrides: true, defaultHealthyRetryPolicy: { numRetries: 7 } } }), SET);
    const own = normalizeSubscriptionDeliveryPolicy(JSON.stringify({ healthyRetryPolicy: { numRetries: 1 } }), SET);
    assert.equal(effectiveSubscriptionDeliveryPolicy(own, topic).healthyRetryPolicy.numRetries, 7);
  });

  test("refusals name the member", () => {
    const bad = refusal(() => normalizeSubscriptionDeliveryPolicy(JSON.stringify({ healthyRetryPolicy: { backoffFunction: "random" } }), "Invalid parameter: Attributes Reason: "));
    assert.equal(bad.message, "Invalid parameter: Attributes Reason: DeliveryPolicy: healthyRetryPolicy.backoffFunction must be one of: linear, arithmetic, geometric, exponential");
    const rate = refusal(() => normalizeSubscriptionDeliveryPolicy(JSON.stringify({ throttlePolicy: { maxReceivesPerSecond: 0 } }), SET));
    assert.equal(rate.message, "Invalid parameter: DeliveryPolicy: throttlePolicy.maxReceivesPerSecond must be greater than or equal to 1");
  });
});

describe("topic Policy validation", () => {
  const statement = { Effect: "Allow", Principal: { AWS: "*" }, Action: ["SNS:Publish", "sns:Get*"], Resource: "arn:aws:sns:us-east-1:000000000000:t" };

  test("a well-formed policy with topic actions passes", () => {
    validateTopicPolicy(JSON.stringify({ Version: "2012-10-17", Statement: [statement] }), SET);
    assert.ok(inTopicScope("*"));
    assert.ok(inTopicScope("sns:Receive"));
    assert.ok(!inTopicScope("SNS:CreateTopic"));
  });

  test("malformed documents and out-of-scope actions are refused with AWS's messages", () => {
    assert.equal(refusal(() => validateTopicPolicy("not json", SET)).message, "Invalid parameter: Policy Error: null");
    assert.equal(refusal(() => validateTopicPolicy(JSON.stringify({ Statement: [{ ...statement, Effect: "Maybe" }] }), SET)).message, "Invalid parameter: Policy Error: null");
    assert.equal(
      refusal(() => validateTopicPolicy(JSON.stringify({ Statement: [{ ...statement, Action: "kms:Decrypt" }] }), SET)).message,
      "Invalid parameter: Policy statement action out of service scope!",
    );
  });
});

describe("outbox formats", () => {
  test("SNS prints its JSON documents with two-space indent and ' : '", () => {
    assert.equal(snsPrettyJson({ Type: "Notification", MessageAttributes: { a: { Type: "String", Value: "x" } } }), '{\n  "Type" : "Notification",\n  "MessageAttributes" : {\n    "a" : {\n      "Type" : "String",\n      "Value" : "x"\n    }\n  }\n}');
  });

  test("platform ARNs round-trip; the platform's own MessageStructure entry is the push payload", () => {
    const app = { account: "000000000000", region: "us-east-1", platform: "GCM", name: "my.app" };
    assert.equal(applicationArn(app), "arn:aws:sns:us-east-1:000000000000:app/GCM/my.app");
    assert.deepEqual(parseApplicationArn(applicationArn(app)), app);
    const ep = { account: "000000000000", region: "us-east-1", platform: "GCM", appName: "my.app", id: "abc" };
    assert.equal(endpointArn(ep), "arn:aws:sns:us-east-1:000000000000:endpoint/GCM/my.app/abc");
    assert.deepEqual(parseEndpointArn(endpointArn(ep)), ep);
    assert.equal(parseEndpointArn(applicationArn(app)), undefined);
    assert.equal(platformPayload("GCM", "raw", { default: "d", GCM: '{"data":{}}' }), '{"data":{}}');
    assert.equal(platformPayload("APNS", "raw", { default: "d", GCM: "g" }), "d");
    assert.equal(platformPayload("APNS", "raw", undefined), "raw");
  });

  test("E.164 phone numbers", () => {
    assert.ok(isE164("+15555550100"));
    assert.ok(!isE164("+1a234"));
    assert.ok(!isE164("NAA+15551234567"));
    assert.ok(!isE164("+0123"));
  });
});
