/**
 * CloudWatch Logs metric filters: PutMetricFilter / DescribeMetricFilters / DeleteMetricFilter /
 * TestMetricFilter, and the metric data PutLogEvents publishes to CloudWatch in-process. A
 * recording stand-in replaces the CloudWatch (monitoring) provider, so this file checks exactly
 * what Logs sends, whoever implements CloudWatch.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { ServiceDefinition } from "../../src/core/service.js";
import { startTestNimbus, uniqueName, type TestNimbus, jsonService } from "./harness.js";

interface MetricDatum {
  MetricName: string;
  Value: number;
  Timestamp: Date;
  Unit?: string;
  Dimensions?: Array<{ Name: string; Value: string }>;
}

describe("CloudWatch Logs: metric filters", () => {
  let nimbus: TestNimbus;
  const published: Array<{ Namespace: string; MetricData: MetricDatum[]; account: string }> = [];
  // PutLogEvents publishes without waiting for CloudWatch; the test waits for the call instead.
  let onPublish: (() => void) | undefined;
  const monitoring: ServiceDefinition = {
    handlers: {
      PutMetricData: ((input: { Namespace: string; MetricData: MetricDatum[] }, ctx: { account: string }) => {
        published.push({ ...input, account: ctx.account });
        onPublish?.();
        return {};
      }) as never,
    },
  };
  before(async () => {
    nimbus = await startTestNimbus({ services: { monitoring } });
  });
  after(() => nimbus.close());

  const { ok, fails } = jsonService(() => nimbus, { targetPrefix: "Logs_20140328", version: "1.1", signingName: "logs" });

  test("PutMetricFilter, DescribeMetricFilters, metricFilterCount, DeleteMetricFilter", async () => {
    const group = uniqueName("/app/mf");
    const transformation = { metricName: "Errors", metricNamespace: "App", metricValue: "1" };
    await fails(
      "PutMetricFilter",
      { logGroupName: group, filterName: "errors", filterPattern: "ERROR", metricTransformations: [transformation] },
      "ResourceNotFoundException",
      "The specified log group does not exist.",
    );
    await ok("CreateLogGroup", { logGroupName: group });
    await ok("PutMetricFilter", { logGroupName: group, filterName: "errors", filterPattern: "ERROR", metricTransformations: [transformation] });
    await ok("PutMetricFilter", { logGroupName: group, filterName: "latency", filterPattern: "{ $.latency > 0 }", metricTransformations: [{ ...transformation, metricName: "Latency", metricValue: "$.latency", unit: "Milliseconds" }] });
    await fails(
      "PutMetricFilter",
      { logGroupName: group, filterName: "bad", filterPattern: "{ $.x = ", metricTransformations: [transformation] },
      "InvalidParameterException",
      "Invalid filter pattern",
    );
    const described = await ok("DescribeMetricFilters", { logGroupName: group });
    assert.deepEqual(described["metricFilters"], [
      { filterName: "errors", filterPattern: "ERROR", metricTransformations: [transformation], creationTime: nimbus.clock.now(), logGroupName: group },
      {
        filterName: "latency",
        filterPattern: "{ $.latency > 0 }",
        metricTransformations: [{ ...transformation, metricName: "Latency", metricValue: "$.latency", unit: "Milliseconds" }],
        creationTime: nimbus.clock.now(),
        logGroupName: group,
      },
    ]);
    const byMetric = await ok("DescribeMetricFilters", { logGroupName: group, metricName: "Latency", metricNamespace: "App" });
    assert.deepEqual(byMetric["metricFilters"].map((f: { filterName: string }) => f.filterName), ["latency"]);
    assert.equal((await ok("DescribeLogGroups", { logGroupNamePrefix: group }))["logGroups"][0].metricFilterCount, 2);
    await ok("DeleteMetricFilter", { logGroupName: group, filterName: "errors" });
    await fails("DeleteMetricFilter", { logGroupName: group, filterName: "errors" }, "ResourceNotFoundException", "The specified metric filter does not exist.");
    assert.equal((await ok("DescribeLogGroups", { logGroupNamePrefix: group }))["logGroups"][0].metricFilterCount, 1);
  });

  test("TestMetricFilter reports matches with their extracted values", async () => {
    const out = await ok("TestMetricFilter", {
      filterPattern: "[ip, user, status = 5*, size]",
      logEventMessages: ["10.0.0.1 ann 200 12", "10.0.0.2 bob 503 99", "short line"],
    });
    assert.deepEqual(out["matches"], [{ eventNumber: 2, eventMessage: "10.0.0.2 bob 503 99", extractedValues: { $ip: "10.0.0.2", $user: "bob", $status: "503", $size: "99" } }]);
  });

  test("PutLogEvents publishes matching events to CloudWatch: summed per minute, values from the event", async () => {
    const group = uniqueName("/app/pub");
    await ok("CreateLogGroup", { logGroupName: group });
    await ok("CreateLogStream", { logGroupName: group, logStreamName: "s" });
    await ok("PutMetricFilter", {
      logGroupName: group,
      filterName: "errors",
      filterPattern: "ERROR",
      metricTransformations: [{ metricName: "Errors", metricNamespace: `App/${group}`, metricValue: "1" }],
    });
    await ok("PutMetricFilter", {
      logGroupName: group,
      filterName: "latency",
      filterPattern: '{ $.op = "get" }',
      metricTransformations: [{ metricName: "Latency", metricNamespace: `App/${group}`, metricValue: "$.ms", unit: "Milliseconds", dimensions: { Op: "$.op" } }],
    });
    const minute = Math.floor(nimbus.clock.now() / 60_000) * 60_000;
    published.length = 0;
    const publishedOnce = new Promise<void>((resolve) => (onPublish = resolve));
    await ok("PutLogEvents", {
      logGroupName: group,
      logStreamName: "s",
      logEvents: [
        { timestamp: minute + 1000, message: "ERROR one" },
        { timestamp: minute + 2000, message: "ERROR two" },
        { timestamp: minute + 3000, message: JSON.stringify({ op: "get", ms: 30 }) },
        { timestamp: minute + 4000, message: JSON.stringify({ op: "get", ms: 12 }) },
        { timestamp: minute + 5000, message: "INFO fine" },
      ],
    });
    await publishedOnce;
    assert.equal(published.length, 1);
    const call = published[0];
    assert.equal(call?.Namespace, `App/${group}`);
    assert.equal(call?.account, "000000000000");
    assert.deepEqual(
      call?.MetricData.map((d) => [d.MetricName, d.Value, d.Timestamp.getTime(), d.Unit, d.Dimensions]),
      [
        ["Errors", 2, minute, undefined, undefined],
        ["Latency", 42, minute, "Milliseconds", [{ Name: "Op", Value: "get" }]],
      ],
    );
  });
});
