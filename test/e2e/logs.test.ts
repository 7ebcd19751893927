/**
 * CloudWatch Logs control plane over the JSON 1.1 wire protocol. @aws-sdk/client-cloudwatch-logs
 * is not installed, so these tests speak the protocol with fetch, signed like the SDK would.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestNimbus, uniqueName, type TestNimbus, jsonService } from "./harness.js";

describe("CloudWatch Logs: groups, streams, retention, tags", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus();
  });
  after(() => nimbus.close());

  const { call, ok, fails } = jsonService(() => nimbus, { targetPrefix: "Logs_20140328", version: "1.1", signingName: "logs" });

  test("CreateLogGroup, DescribeLogGroups fields, duplicate and missing groups", async () => {
    const name = `/aws/lambda/${uniqueName("fn")}`;
    assert.deepEqual(await ok("CreateLogGroup", { logGroupName: name, tags: { team: "a" } }), {});
    await fails("CreateLogGroup", { logGroupName: name }, "ResourceAlreadyExistsException", "The specified log group already exists");
    const out = await ok("DescribeLogGroups", { logGroupNamePrefix: name });
    assert.deepEqual(out["logGroups"], [
      {
        logGroupName: name,
        creationTime: nimbus.clock.now(),
        metricFilterCount: 0,
        arn: `arn:aws:logs:us-east-1:000000000000:log-group:${name}:*`,
        storedBytes: 0,
        logGroupClass: "STANDARD",
        logGroupArn: `arn:aws:logs:us-east-1:000000000000:log-group:${name}`,
      },
    ]);
    assert.equal(out["nextToken"], undefined);
    await ok("DeleteLogGroup", { logGroupName: name });
    await fails("DeleteLogGroup", { logGroupName: name }, "ResourceNotFoundException", "The specified log group does not exist.");
    assert.deepEqual((await ok("DescribeLogGroups", { logGroupNamePrefix: name }))["logGroups"], []);
  });

  test("log group names are validated with AWS's wording", async () => {
    await fails(
      "CreateLogGroup",
      { logGroupName: "bad name!" },
      "InvalidParameterException",
      "1 validation error detected: Value 'bad name!' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+",
    );
    await fails(
      "CreateLogGroup",
      { logGroupName: "a".repeat(513) },
      "InvalidParameterException",
      `1 validation error detected: Value '${"a".repeat(513)}' at 'logGroupName' failed to satisfy constraint: Member must have length less than or equal to 512`,
    );
    const missing = await call("CreateLogGroup", {});
    assert.equal(missing.status, 400);
    assert.match(String(missing.body["message"]), /Value null at 'logGroupName' failed to satisfy constraint: Member must not be null/);
  });

  test("DescribeLogGroups: prefix, pattern, pagination and their rules", async () => {
    const base = uniqueName("pg");
    const names = ["alpha", "Beta", "gamma", "delta-beta", "epsilon"].map((n) => `${base}/${n}`);
    for (const logGroupName of names) await ok("CreateLogGroup", { logGroupName });
    const sorted = [...names].sort();
    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ok("DescribeLogGroups", { logGroupNamePrefix: `${base}/`, limit: 2, ...(nextToken ? { nextToken } : {}) });
      seen.push(...(page["logGroups"] as Array<{ logGroupName: string }>).map((g) => g.logGroupName));
      nextToken = page["nextToken"] as string | undefined;
      pages++;
    } while (nextToken);
    assert.deepEqual(seen, sorted);
    assert.equal(pages, 3);
    // The pattern is a case-insensitive substring match.
    const byPattern = await ok("DescribeLogGroups", { logGroupNamePattern: `${base.slice(3)}/BETA` });
    assert.deepEqual(byPattern["logGroups"].map((g: { logGroupName: string }) => g.logGroupName), [`${base}/Beta`]);
    const both = await ok("DescribeLogGroups", { logGroupNamePattern: "beta" });
    assert.ok(both["logGroups"].length >= 2);
    await fails(
      "DescribeLogGroups",
      { logGroupNamePrefix: base, logGroupNamePattern: "x" },
      "InvalidParameterException",
      "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
    );
    await fails(
      "DescribeLogGroups",
      { limit: 51 },
      "InvalidParameterException",
      "1 validation error detected: Value '51' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 50",
    );
    await fails("DescribeLogGroups", { nextToken: "garbage" }, "InvalidParameterException", "The specified nextToken is invalid.");
  });

  test("groups are scoped by account and region", async () => {
    const name = uniqueName("scoped");
    await ok("CreateLogGroup", { logGroupName: name });
    const other = await call("DescribeLogGroups", { logGroupNamePrefix: name }, "111122223333");
    assert.equal(other.status, 200);
    assert.deepEqual(other.body["logGroups"], []);
    const created = await call("CreateLogGroup", { logGroupName: name }, "111122223333");
    assert.equal(created.status, 200);
  });

  test("CreateLogStream, DeleteLogStream and their errors", async () => {
    const group = uniqueName("streams");
    await fails("CreateLogStream", { logGroupName: group, logStreamName: "s" }, "ResourceNotFoundException", "The specified log group does not exist.");
    await ok("CreateLogGroup", { logGroupName: group });
    await ok("CreateLogStream", { logGroupName: group, logStreamName: "2026/01/15/[$LATEST]abc" });
    await fails(
      "CreateLogStream",
      { logGroupName: group, logStreamName: "2026/01/15/[$LATEST]abc" },
      "ResourceAlreadyExistsException",
      "The specified log stream already exists",
    );
    await fails(
      "CreateLogStream",
      { logGroupName: group, logStreamName: "a:b" },
      "InvalidParameterException",
      "1 validation error detected: Value 'a:b' at 'logStreamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:*]*",
    );
    await ok("DeleteLogStream", { logGroupName: group, logStreamName: "2026/01/15/[$LATEST]abc" });
    await fails("DeleteLogStream", { logGroupName: group, logStreamName: "2026/01/15/[$LATEST]abc" }, "ResourceNotFoundException", "The specified log stream does not exist.");
  });

  test("DescribeLogStreams: fields, ordering by name and last event time, pagination", async () => {
    const group = uniqueName("order");
    await ok("CreateLogGroup", { logGroupName: group });
    const t0 = nimbus.clock.now();
    for (const [stream, offset] of [["b", -3000], ["a", -1000], ["c", -2000]] as const) {
      await ok("CreateLogStream", { logGroupName: group, logStreamName: stream });
      await ok("PutLogEvents", { logGroupName: group, logStreamName: stream, logEvents: [{ timestamp: t0 + offset - 500, message: "first" }, { timestamp: t0 + offset, message: "last" }] });
    }
    await ok("CreateLogStream", { logGroupName: group, logStreamName: "empty" });
    const byName = await ok("DescribeLogStreams", { logGroupName: group });
    assert.deepEqual(byName["logStreams"].map((s: { logStreamName: string }) => s.logStreamName), ["a", "b", "c", "empty"]);
    const a = byName["logStreams"][0];
    assert.equal(a.creationTime, t0);
    assert.equal(a.firstEventTimestamp, t0 - 1500);
    assert.equal(a.lastEventTimestamp, t0 - 1000);
    assert.equal(a.lastIngestionTime, t0);
    assert.equal(a.storedBytes, 0);
    assert.equal(a.arn, `arn:aws:logs:us-east-1:000000000000:log-group:${group}:log-stream:a`);
    assert.match(a.uploadSequenceToken, /^\d{56}$/);
    const empty = byName["logStreams"][3];
    assert.equal(empty.firstEventTimestamp, undefined);
    assert.equal(empty.lastEventTimestamp, undefined);

    const newest = await ok("DescribeLogStreams", { logGroupName: group, orderBy: "LastEventTime", descending: true });
    assert.deepEqual(newest["logStreams"].map((s: { logStreamName: string }) => s.logStreamName), ["a", "c", "b", "empty"]);
    const oldest = await ok("DescribeLogStreams", { logGroupName: group, orderBy: "LastEventTime" });
    assert.deepEqual(oldest["logStreams"].map((s: { logStreamName: string }) => s.logStreamName), ["empty", "b", "c", "a"]);

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await ok("DescribeLogStreams", { logGroupName: group, orderBy: "LastEventTime", descending: true, limit: 3, ...(nextToken ? { nextToken } : {}) });
      pages.push(page["logStreams"].map((s: { logStreamName: string }) => s.logStreamName));
      nextToken = page["nextToken"] as string | undefined;
    } while (nextToken);
    assert.deepEqual(pages, [["a", "c", "b"], ["empty"]]);

    const prefixed = await ok("DescribeLogStreams", { logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${group}`, logStreamNamePrefix: "e" });
    assert.deepEqual(prefixed["logStreams"].map((s: { logStreamName: string }) => s.logStreamName), ["empty"]);
    await fails(
      "DescribeLogStreams",
      { logGroupName: group, orderBy: "LastEventTime", logStreamNamePrefix: "a" },
      "InvalidParameterException",
      "Cannot order by LastEventTime with a logStreamNamePrefix.",
    );
    await fails(
      "DescribeLogStreams",
      { logGroupName: group, logGroupIdentifier: group },
      "InvalidParameterException",
      "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
    );
    await fails(
      "DescribeLogStreams",
      { logGroupName: group, orderBy: "Name" },
      "InvalidParameterException",
      "1 validation error detected: Value 'Name' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [LogStreamName, LastEventTime]",
    );
    await fails("DescribeLogStreams", { logGroupName: uniqueName("nope") }, "ResourceNotFoundException", "The specified log group does not exist.");
  });

  test("PutRetentionPolicy / DeleteRetentionPolicy", async () => {
    const group = uniqueName("ret");
    await fails("PutRetentionPolicy", { logGroupName: group, retentionInDays: 7 }, "ResourceNotFoundException", "The specified log group does not exist.");
    await ok("CreateLogGroup", { logGroupName: group });
    await ok("PutRetentionPolicy", { logGroupName: group, retentionInDays: 7 });
    assert.equal((await ok("DescribeLogGroups", { logGroupNamePrefix: group }))["logGroups"][0].retentionInDays, 7);
    await fails(
      "PutRetentionPolicy",
      { logGroupName: group, retentionInDays: 2 },
      "InvalidParameterException",
      "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]",
    );
    await ok("DeleteRetentionPolicy", { logGroupName: group });
    assert.equal((await ok("DescribeLogGroups", { logGroupNamePrefix: group }))["logGroups"][0].retentionInDays, undefined);
  });

  test("tags: TagResource/UntagResource/ListTagsForResource and the legacy TagLogGroup/ListTagsLogGroup", async () => {
    const group = uniqueName("tags");
    const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${group}`;
    await fails("ListTagsForResource", { resourceArn: arn }, "ResourceNotFoundException", "The specified log group does not exist.");
    await ok("CreateLogGroup", { logGroupName: group, tags: { env: "dev" } });
    await ok("TagResource", { resourceArn: arn, tags: { team: "core", env: "prod" } });
    assert.deepEqual((await ok("ListTagsForResource", { resourceArn: arn }))["tags"], { env: "prod", team: "core" });
    await ok("UntagResource", { resourceArn: `${arn}:*`, tagKeys: ["env"] });
    assert.deepEqual((await ok("ListTagsLogGroup", { logGroupName: group }))["tags"], { team: "core" });
    await ok("TagLogGroup", { logGroupName: group, tags: { cost: "42" } });
    await ok("UntagLogGroup", { logGroupName: group, tags: ["team"] });
    assert.deepEqual((await ok("ListTagsForResource", { resourceArn: arn }))["tags"], { cost: "42" });
    await fails("TagLogGroup", { logGroupName: uniqueName("x"), tags: { a: "b" } }, "ResourceNotFoundException", "The specified log group does not exist.");
  });

  test("an operation Nimbus does not implement answers 501 NotImplemented", async () => {
    const r = await call("PutSubscriptionFilter", { logGroupName: "x", filterName: "f", filterPattern: "", destinationArn: "arn:aws:lambda:us-east-1:000000000000:function:f" });
    assert.equal(r.status, 501);
    assert.equal(String(r.body["__type"]).split("#").pop(), "NotImplemented");
    assert.equal(r.body["message"], "The operation PutSubscriptionFilter of service CloudWatch Logs is not yet implemented by Nimbus.");
  });
});
