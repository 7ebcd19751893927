import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, describe, test } from "node:test";
import { startTestNimbus, uniqueName, type TestNimbus } from "../e2e/harness.js";
import { aws, AWS_CLI, boto3 } from "./tools.js";

describe("AWS CLI v2: CloudWatch Logs", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus();
  });
  after(() => nimbus.close());

  async function cli(args: string[]): Promise<Record<string, unknown>> {
    const r = await aws(nimbus.url, args);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim() ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
  }

  async function seed(): Promise<{ group: string; now: number }> {
    const group = `/aws/lambda/${uniqueName("cli")}`;
    await cli(["logs", "create-log-group", "--log-group-name", group]);
    await cli(["logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "s1"]);
    const now = nimbus.clock.now();
    const events = [
      { timestamp: now - 3000, message: "START RequestId: r1" },
      { timestamp: now - 2000, message: '{"level":"ERROR","msg":"boom"}' },
      { timestamp: now - 1000, message: "END RequestId: r1" },
    ];
    const put = await cli(["logs", "put-log-events", "--log-group-name", group, "--log-stream-name", "s1", "--log-events", JSON.stringify(events)]);
    assert.match(String(put["nextSequenceToken"]), /^\d{56}$/);
    return { group, now };
  }

  test("create-log-group, describe-log-groups, and the CLI's error line for a duplicate", async () => {
    const { group } = await seed();
    const out = await cli(["logs", "describe-log-groups", "--log-group-name-prefix", group]);
    const groups = out["logGroups"] as Array<Record<string, unknown>>;
    assert.equal(groups.length, 1);
    assert.equal(groups[0]?.["logGroupName"], group);
    assert.equal(groups[0]?.["arn"], `arn:aws:logs:us-east-1:000000000000:log-group:${group}:*`);
    assert.equal(groups[0]?.["storedBytes"], "START RequestId: r1".length + '{"level":"ERROR","msg":"boom"}'.length + "END RequestId: r1".length);
    const dup = await aws(nimbus.url, ["logs", "create-log-group", "--log-group-name", group]);
    assert.equal(dup.code, 254);
    assert.equal(dup.stderr.trim(), "An error occurred (ResourceAlreadyExistsException) when calling the CreateLogGroup operation: The specified log group already exists");
  });

  test("get-log-events (the CLI paginates until the forward token repeats)", async () => {
    const { group, now } = await seed();
    const out = await cli(["logs", "get-log-events", "--log-group-name", group, "--log-stream-name", "s1", "--start-from-head"]);
    assert.deepEqual(
      (out["events"] as Array<{ message: string; timestamp: number }>).map((e) => [e.timestamp, e.message]),
      [
        [now - 3000, "START RequestId: r1"],
        [now - 2000, '{"level":"ERROR","msg":"boom"}'],
        [now - 1000, "END RequestId: r1"],
      ],
    );
    assert.match(String(out["nextForwardToken"]), /^f\//);
  });

  test("filter-log-events with a JSON pattern and with terms", async () => {
    const { group } = await seed();
    const json = await cli(["logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", '{ $.level = "ERROR" }']);
    assert.deepEqual((json["events"] as Array<{ message: string }>).map((e) => e.message), ['{"level":"ERROR","msg":"boom"}']);
    const terms = await cli(["logs", "filter-log-events", "--log-group-name", group, "--filter-pattern", "?START ?END", "--log-stream-names", "s1"]);
    assert.deepEqual((terms["events"] as Array<{ message: string }>).map((e) => e.message), ["START RequestId: r1", "END RequestId: r1"]);
    // The CLI follows nextToken by itself: a page size of 1 still yields every event.
    const paged = await cli(["logs", "filter-log-events", "--log-group-name", group, "--page-size", "1"]);
    assert.equal((paged["events"] as unknown[]).length, 3);
  });

  test("put-retention-policy with an invalid value: the CLI's error line", async () => {
    const { group } = await seed();
    const bad = await aws(nimbus.url, ["logs", "put-retention-policy", "--log-group-name", group, "--retention-in-days", "2"]);
    assert.equal(bad.code, 254);
    assert.equal(
      bad.stderr.trim(),
      "An error occurred (InvalidParameterException) when calling the PutRetentionPolicy operation: 1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]",
    );
    await cli(["logs", "put-retention-policy", "--log-group-name", group, "--retention-in-days", "30"]);
    const out = await cli(["logs", "describe-log-groups", "--log-group-name-prefix", group]);
    assert.equal((out["logGroups"] as Array<Record<string, unknown>>)[0]?.["retentionInDays"], 30);
  });

  test("aws logs tail (FilterLogEvents, interleaved) prints the events", async () => {
    const { group, now } = await seed();
    const since = new Date(now - 60_000).toISOString();
    const r = await aws(nimbus.url, ["logs", "tail", group, "--since", since, "--format", "short"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.equal(lines.length, 3);
    assert.match(lines[0] ?? "", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2} START RequestId: r1$/);
    assert.match(lines[2] ?? "", /END RequestId: r1$/);
  });

  test("aws logs tail --follow picks up events written after it started", { timeout: 60_000 }, async () => {
    const { group, now } = await seed();
    const since = new Date(now - 60_000).toISOString();
    const child = spawn(AWS_CLI, ["--endpoint-url", nimbus.url, "logs", "tail", group, "--since", since, "--format", "short", "--follow"], {
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: process.env["HOME"] ?? "/tmp",
        AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_DEFAULT_REGION: "us-east-1",
        AWS_PAGER: "",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        // Piped stdout is block-buffered by Python; the test reads it line by line as it comes.
        PYTHONUNBUFFERED: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const waiters: Array<() => void> = [];
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      for (const w of waiters.splice(0)) w();
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    // Waits for output, not for time: the CLI polls FilterLogEvents every 5 s by itself.
    const until = async (text: string): Promise<void> => {
      while (!stdout.includes(text)) {
        if (child.exitCode !== null) assert.fail(`aws logs tail exited: ${stderr}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    try {
      await until("END RequestId: r1");
      await cli([
        "logs",
        "put-log-events",
        "--log-group-name",
        group,
        "--log-stream-name",
        "s1",
        "--log-events",
        JSON.stringify([{ timestamp: now, message: "REPORT RequestId: r1" }]),
      ]);
      await until("REPORT RequestId: r1");
      assert.equal(stdout.trim().split("\n").length, 4);
    } finally {
      child.kill();
    }
  });

  test("boto3: paginators over describe_log_streams and filter_log_events, modeled exceptions", async () => {
    const group = uniqueName("boto3");
    const r = await boto3(
      nimbus.url,
      `
logs = boto3.client("logs", endpoint_url=ENDPOINT)
group = ${JSON.stringify(group)}
now = ${nimbus.clock.now()}
logs.create_log_group(logGroupName=group)
for i in range(5):
    logs.create_log_stream(logGroupName=group, logStreamName="s%d" % i)
    logs.put_log_events(logGroupName=group, logStreamName="s%d" % i, logEvents=[{"timestamp": now - 1000 + i, "message": "line %d" % i}])
names = [s["logStreamName"] for page in logs.get_paginator("describe_log_streams").paginate(logGroupName=group, PaginationConfig={"PageSize": 2}) for s in page["logStreams"]]
print(json.dumps(names))
msgs = [e["message"] for page in logs.get_paginator("filter_log_events").paginate(logGroupName=group, PaginationConfig={"PageSize": 2}) for e in page["events"]]
print(json.dumps(msgs))
try:
    logs.get_log_events(logGroupName=group, logStreamName="missing")
except logs.exceptions.ResourceNotFoundException as e:
    print(json.dumps([e.response["Error"]["Code"], e.response["Error"]["Message"]]))
`,
    );
    assert.equal(r.code, 0, r.stderr);
    const [names, msgs, error] = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as unknown);
    assert.deepEqual(names, ["s0", "s1", "s2", "s3", "s4"]);
    assert.deepEqual(msgs, ["line 0", "line 1", "line 2", "line 3", "line 4"]);
    assert.deepEqual(error, ["ResourceNotFoundException", "The specified log stream does not exist."]);
  });
});
