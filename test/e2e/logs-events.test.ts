/**
 * CloudWatch Logs data plane over the JSON 1.1 wire protocol (PutLogEvents, GetLogEvents,
 * FilterLogEvents), retention driven by the scheduler, and the in-process path Lambda uses.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { fromUtf8, toUtf8 } from "@smithy/util-utf8";
import { signedHeaders, startTestNimbus, uniqueName, type TestNimbus, jsonService, type JsonReply } from "./harness.js";

interface Event {
  timestamp: number;
  message: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("CloudWatch Logs: events", () => {
  let nimbus: TestNimbus;
  before(async () => {
    nimbus = await startTestNimbus();
  });
  after(() => nimbus.close());

  const { ok, fails } = jsonService(() => nimbus, { targetPrefix: "Logs_20140328", version: "1.1", signingName: "logs" });

  async function stream(): Promise<{ group: string; stream: string }> {
    const group = uniqueName("/app/events");
    await ok("CreateLogGroup", { logGroupName: group });
    await ok("CreateLogStream", { logGroupName: group, logStreamName: "main" });
    return { group, stream: "main" };
  }

  const messages = (events: Event[]): string[] => events.map((e) => e.message);

  test("PutLogEvents stores events in timestamp order, whatever order they come in, and ignores sequence tokens", async () => {
    const { group, stream: s } = await stream();
    const now = nimbus.clock.now();
    const first = await ok("PutLogEvents", {
      logGroupName: group,
      logStreamName: s,
      logEvents: [
        { timestamp: now - 1000, message: "second" },
        { timestamp: now - 2000, message: "first" },
      ],
    });
    assert.match(first["nextSequenceToken"], /^\d{56}$/);
    assert.equal(first["rejectedLogEventsInfo"], undefined);
    await ok("PutLogEvents", { logGroupName: group, logStreamName: s, sequenceToken: "not-a-real-token", logEvents: [{ timestamp: now, message: "third" }] });
    const out = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, startFromHead: true });
    assert.deepEqual(out["events"], [
      { timestamp: now - 2000, message: "first", ingestionTime: now },
      { timestamp: now - 1000, message: "second", ingestionTime: now },
      { timestamp: now, message: "third", ingestionTime: now },
    ]);
    const described = await ok("DescribeLogGroups", { logGroupNamePrefix: group });
    assert.equal(described["logGroups"][0].storedBytes, "firstsecondthird".length);
  });

  test("PutLogEvents rejects events too far in the future, too old, or past retention, and keeps the rest", async () => {
    const { group, stream: s } = await stream();
    const now = nimbus.clock.now();
    const out = await ok("PutLogEvents", {
      logGroupName: group,
      logStreamName: s,
      logEvents: [
        { timestamp: now - 15 * DAY, message: "too old" },
        { timestamp: now - 14 * DAY + 1000, message: "old but fine" },
        { timestamp: now + 2 * HOUR - 1000, message: "soon" },
        { timestamp: now + 2 * HOUR + 1000, message: "too new" },
      ],
    });
    assert.deepEqual(out["rejectedLogEventsInfo"], { tooOldLogEventEndIndex: 0, tooNewLogEventStartIndex: 3 });
    const got = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, startFromHead: true });
    assert.deepEqual(messages(got["events"]), ["old but fine", "soon"]);

    await ok("PutRetentionPolicy", { logGroupName: group, retentionInDays: 1 });
    const expired = await ok("PutLogEvents", {
      logGroupName: group,
      logStreamName: s,
      logEvents: [
        { timestamp: now - 2 * DAY, message: "expired" },
        { timestamp: now - HOUR, message: "kept" },
      ],
    });
    assert.deepEqual(expired["rejectedLogEventsInfo"], { expiredLogEventEndIndex: 0 });
  });

  test("PutLogEvents batch limits and missing resources", async () => {
    const { group, stream: s } = await stream();
    const now = nimbus.clock.now();
    await fails(
      "PutLogEvents",
      { logGroupName: group, logStreamName: s, logEvents: [] },
      "InvalidParameterException",
      "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    const many = Array.from({ length: 10_001 }, (_, i) => ({ timestamp: now, message: `m${i}` }));
    await fails(
      "PutLogEvents",
      { logGroupName: group, logStreamName: s, logEvents: many },
      "InvalidParameterException",
      "1 validation error detected: Value '[10001 items]' at 'logEvents' failed to satisfy constraint: Member must have length less than or equal to 10000",
    );
    // 26 bytes of overhead per event: 262,118 bytes of message is the largest event.
    await ok("PutLogEvents", { logGroupName: group, logStreamName: s, logEvents: [{ timestamp: now, message: "x".repeat(262_118) }] });
    await fails(
      "PutLogEvents",
      { logGroupName: group, logStreamName: s, logEvents: [{ timestamp: now, message: "x".repeat(262_119) }] },
      "InvalidParameterException",
      "Log event too large: 262145 bytes exceeds limit of 262144",
    );
    const big = Array.from({ length: 5 }, () => ({ timestamp: now, message: "y".repeat(210_000) }));
    await fails("PutLogEvents", { logGroupName: group, logStreamName: s, logEvents: big }, "InvalidParameterException", "Upload too large: 1050130 bytes exceeds limit of 1048576");
    await fails(
      "PutLogEvents",
      { logGroupName: group, logStreamName: s, logEvents: [{ timestamp: now, message: "" }] },
      "InvalidParameterException",
      "1 validation error detected: Value '' at 'logEvents.1.member.message' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    await fails("PutLogEvents", { logGroupName: group, logStreamName: "nope", logEvents: [{ timestamp: now, message: "a" }] }, "ResourceNotFoundException", "The specified log stream does not exist.");
    await fails("PutLogEvents", { logGroupName: uniqueName("nope"), logStreamName: s, logEvents: [{ timestamp: now, message: "a" }] }, "ResourceNotFoundException", "The specified log group does not exist.");
    await fails("GetLogEvents", { logGroupName: group, logStreamName: "nope" }, "ResourceNotFoundException", "The specified log stream does not exist.");
  });

  test("GetLogEvents: newest page by default, forward and backward tokens, time range", async () => {
    const { group, stream: s } = await stream();
    const now = nimbus.clock.now();
    const events = Array.from({ length: 10 }, (_, i) => ({ timestamp: now - 10_000 + i * 1000, message: `e${i}` }));
    await ok("PutLogEvents", { logGroupName: group, logStreamName: s, logEvents: events });

    const tail = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, limit: 3 });
    assert.deepEqual(messages(tail["events"]), ["e7", "e8", "e9"]);
    assert.match(tail["nextForwardToken"], /^f\//);
    assert.match(tail["nextBackwardToken"], /^b\//);
    const back = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, limit: 3, nextToken: tail["nextBackwardToken"] });
    assert.deepEqual(messages(back["events"]), ["e4", "e5", "e6"]);
    const back2 = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, limit: 5, nextToken: back["nextBackwardToken"] });
    assert.deepEqual(messages(back2["events"]), ["e0", "e1", "e2", "e3"]);
    // At the start of the stream the backward token comes back unchanged.
    const start = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, nextToken: back2["nextBackwardToken"] });
    assert.deepEqual(start["events"], []);
    assert.equal(start["nextBackwardToken"], back2["nextBackwardToken"]);

    const head = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, startFromHead: true, limit: 4 });
    assert.deepEqual(messages(head["events"]), ["e0", "e1", "e2", "e3"]);
    const fwd = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, limit: 100, nextToken: head["nextForwardToken"] });
    assert.deepEqual(messages(fwd["events"]), ["e4", "e5", "e6", "e7", "e8", "e9"]);
    // At the end the forward token comes back unchanged, until new events arrive.
    const end = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, nextToken: fwd["nextForwardToken"] });
    assert.deepEqual(end["events"], []);
    assert.equal(end["nextForwardToken"], fwd["nextForwardToken"]);
    await ok("PutLogEvents", { logGroupName: group, logStreamName: s, logEvents: [{ timestamp: now + 1, message: "late" }] });
    const more = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, nextToken: fwd["nextForwardToken"] });
    assert.deepEqual(messages(more["events"]), ["late"]);

    // startTime inclusive, endTime exclusive.
    const window = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, startFromHead: true, startTime: now - 8000, endTime: now - 5000 });
    assert.deepEqual(messages(window["events"]), ["e2", "e3", "e4"]);
    await fails("GetLogEvents", { logGroupName: group, logStreamName: s, nextToken: "x/123" }, "InvalidParameterException", "The specified nextToken is invalid.");
    await fails(
      "GetLogEvents",
      { logGroupName: group, logStreamName: s, limit: 10_001 },
      "InvalidParameterException",
      "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000",
    );
  });

  test("FilterLogEvents: across streams in time order, stream selection, patterns, pagination", async () => {
    const group = uniqueName("/app/filter");
    await ok("CreateLogGroup", { logGroupName: group });
    const now = nimbus.clock.now();
    const put = async (streamName: string, lines: Array<[number, string]>) => {
      await ok("CreateLogStream", { logGroupName: group, logStreamName: streamName });
      await ok("PutLogEvents", { logGroupName: group, logStreamName: streamName, logEvents: lines.map(([t, message]) => ({ timestamp: now - t, message })) });
    };
    await put("web-1", [[5000, "GET /a 200"], [3000, "ERROR upstream timeout"], [1000, JSON.stringify({ level: "ERROR", ms: 900 })]]);
    await put("web-2", [[4000, "GET /b 404"], [2000, JSON.stringify({ level: "INFO", ms: 12 })]]);
    await put("worker", [[4500, "WARN slow job"], [500, "ERROR job failed"]]);

    const all = await ok("FilterLogEvents", { logGroupName: group });
    assert.deepEqual(
      all["events"].map((e: { logStreamName: string; message: string }) => `${e.logStreamName}:${e.message}`),
      [
        "web-1:GET /a 200",
        "worker:WARN slow job",
        "web-2:GET /b 404",
        "web-1:ERROR upstream timeout",
        `web-2:${JSON.stringify({ level: "INFO", ms: 12 })}`,
        `web-1:${JSON.stringify({ level: "ERROR", ms: 900 })}`,
        "worker:ERROR job failed",
      ],
    );
    const first = all["events"][0];
    assert.equal(first.timestamp, now - 5000);
    assert.equal(first.ingestionTime, now);
    assert.match(first.eventId, /^\d{56}$/);
    assert.equal(new Set(all["events"].map((e: { eventId: string }) => e.eventId)).size, 7);
    assert.equal(all["nextToken"], undefined);

    const msgs = (r: JsonReply["body"]): string[] => r["events"].map((e: { message: string }) => e.message);
    assert.deepEqual(msgs(await ok("FilterLogEvents", { logGroupName: group, filterPattern: "ERROR -job" })), [
      "ERROR upstream timeout",
      JSON.stringify({ level: "ERROR", ms: 900 }),
    ]);
    assert.deepEqual(msgs(await ok("FilterLogEvents", { logGroupName: group, filterPattern: "?WARN ?404" })), ["WARN slow job", "GET /b 404"]);
    assert.deepEqual(msgs(await ok("FilterLogEvents", { logGroupName: group, filterPattern: '"job failed"' })), ["ERROR job failed"]);
    assert.deepEqual(msgs(await ok("FilterLogEvents", { logGroupName: group, filterPattern: '{ $.level = "ERROR" && $.ms > 100 }' })), [
      JSON.stringify({ level: "ERROR", ms: 900 }),
    ]);
    assert.deepEqual(msgs(await ok("FilterLogEvents", { logGroupName: group, filterPattern: "[method, path, status = 4*]" })), ["GET /b 404"]);
    assert.deepEqual(msgs(await ok("FilterLogEvents", { logGroupName: group, logStreamNames: ["worker"] })), ["WARN slow job", "ERROR job failed"]);
    assert.deepEqual(msgs(await ok("FilterLogEvents", { logGroupName: group, logStreamNamePrefix: "web-", filterPattern: "GET" })), ["GET /a 200", "GET /b 404"]);
    // startTime and endTime are both inclusive here.
    assert.deepEqual(msgs(await ok("FilterLogEvents", { logGroupName: group, startTime: now - 4500, endTime: now - 3000 })), [
      "WARN slow job",
      "GET /b 404",
      "ERROR upstream timeout",
    ]);

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await ok("FilterLogEvents", { logGroupName: group, limit: 3, ...(nextToken ? { nextToken } : {}) });
      seen.push(...msgs(page));
      nextToken = page["nextToken"] as string | undefined;
      pages++;
    } while (nextToken);
    assert.deepEqual(seen, msgs(all));
    assert.equal(pages, 3);

    await fails("FilterLogEvents", { logGroupName: group, filterPattern: "{ $.level = }" }, "InvalidParameterException", "Invalid filter pattern");
    await fails(
      "FilterLogEvents",
      { logGroupName: group, logStreamNames: ["a"], logStreamNamePrefix: "a" },
      "InvalidParameterException",
      "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.",
    );
    await fails("FilterLogEvents", { logGroupName: uniqueName("none") }, "ResourceNotFoundException", "The specified log group does not exist.");
  });

  test("retention: the scheduler's sweep deletes events older than retentionInDays", async () => {
    const { group, stream: s } = await stream();
    const keep = await stream();
    const now = nimbus.clock.now();
    const lines = [
      { timestamp: now - 3 * DAY, message: "three days old" },
      { timestamp: now - 12 * HOUR, message: "half a day old" },
      { timestamp: now, message: "fresh" },
    ];
    await ok("PutLogEvents", { logGroupName: group, logStreamName: s, logEvents: lines });
    await ok("PutLogEvents", { logGroupName: keep.group, logStreamName: keep.stream, logEvents: lines });
    await ok("PutRetentionPolicy", { logGroupName: group, retentionInDays: 1 });

    await nimbus.scheduler.advance(HOUR);
    const swept = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, startFromHead: true });
    assert.deepEqual(messages(swept["events"]), ["half a day old", "fresh"]);

    await nimbus.scheduler.advance(DAY);
    const later = await ok("GetLogEvents", { logGroupName: group, logStreamName: s, startFromHead: true });
    assert.deepEqual(messages(later["events"]), []);
    const described = await ok("DescribeLogGroups", { logGroupNamePrefix: group });
    assert.equal(described["logGroups"][0].storedBytes, 0);
    // A group without a retention policy keeps everything.
    const kept = await ok("GetLogEvents", { logGroupName: keep.group, logStreamName: keep.stream, startFromHead: true });
    assert.deepEqual(messages(kept["events"]), ["three days old", "half a day old", "fresh"]);
  });

  test("in-process: the call sequence Lambda uses to write /aws/lambda/<name>", async () => {
    const scope = { account: "000000000000", region: "us-east-1" };
    const groupName = `/aws/lambda/${uniqueName("fn")}`;
    const streamName = "2026/01/15/[$LATEST]0123456789abcdef";
    const invoke = nimbus.dispatcher.invoke;
    await invoke("logs", "CreateLogGroup", { logGroupName: groupName }, scope);
    // A second container of the same function finds the group already there.
    await assert.rejects(invoke("logs", "CreateLogGroup", { logGroupName: groupName }, scope), { code: "ResourceAlreadyExistsException" });
    await invoke("logs", "CreateLogStream", { logGroupName: groupName, logStreamName: streamName }, scope);
    const now = nimbus.clock.now();
    const out = await invoke<{ rejectedLogEventsInfo?: unknown }>(
      "logs",
      "PutLogEvents",
      {
        logGroupName: groupName,
        logStreamName: streamName,
        logEvents: [
          { timestamp: now, message: "START RequestId: 1 Version: $LATEST\n" },
          { timestamp: now + 1, message: "END RequestId: 1\n" },
          { timestamp: now + 2, message: "REPORT RequestId: 1\tDuration: 1.00 ms\n" },
        ],
      },
      scope,
    );
    assert.equal(out.rejectedLogEventsInfo, undefined);
    const got = await ok("FilterLogEvents", { logGroupName: groupName, filterPattern: "REPORT" });
    assert.deepEqual(messages(got["events"]), ["REPORT RequestId: 1\tDuration: 1.00 ms\n"]);
  });

  /** Reads event-stream frames off a StartLiveTail response as they arrive. */
  function frameReader(res: Response): { next(): Promise<{ type: string; kind: string; body: JsonReply["body"] }>; close(): Promise<void> } {
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let pending = Buffer.alloc(0);
    return {
      async next() {
        for (;;) {
          if (pending.length >= 4) {
            const total = pending.readUInt32BE(0);
            if (pending.length >= total) {
              const msg = codec.decode(pending.subarray(0, total));
              pending = pending.subarray(total);
              const h = (name: string): string => String(msg.headers[name]?.value ?? "");
              return { type: h(":event-type") || h(":exception-type"), kind: h(":message-type"), body: JSON.parse(toUtf8(msg.body)) as JsonReply["body"] };
            }
          }
          const { value, done } = await reader.read();
          if (done) throw new Error("stream ended");
          pending = Buffer.concat([pending, Buffer.from(value)]);
        }
      },
      close: () => reader.cancel(),
    };
  }

  async function startLiveTail(input: Record<string, unknown>): Promise<Response> {
    return fetch(nimbus.url, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "Logs_20140328.StartLiveTail", ...signedHeaders("logs") },
      body: JSON.stringify(input),
    });
  }

  test("StartLiveTail streams matching events once a second and times out after 3 hours", async () => {
    const { group, stream: s } = await stream();
    await ok("CreateLogStream", { logGroupName: group, logStreamName: "other" });
    const arn = `arn:aws:logs:us-east-1:000000000000:log-group:${group}`;
    const res = await startLiveTail({ logGroupIdentifiers: [arn], logStreamNames: [s], logEventFilterPattern: "ERROR" });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/vnd.amazon.eventstream");
    const frames = frameReader(res);
    assert.equal((await frames.next()).type, "initial-response");
    const start = await frames.next();
    assert.equal(start.type, "sessionStart");
    assert.deepEqual(start.body["logGroupIdentifiers"], [arn]);
    assert.deepEqual(start.body["logStreamNames"], [s]);
    assert.equal(start.body["logEventFilterPattern"], "ERROR");
    assert.match(start.body["sessionId"], /^[0-9a-f-]{36}$/);

    const now = nimbus.clock.now();
    await ok("PutLogEvents", { logGroupName: group, logStreamName: s, logEvents: [{ timestamp: now, message: "INFO fine" }, { timestamp: now, message: "ERROR one" }] });
    await ok("PutLogEvents", { logGroupName: group, logStreamName: "other", logEvents: [{ timestamp: now, message: "ERROR elsewhere" }] });
    await nimbus.scheduler.advance(1000);
    const update = await frames.next();
    assert.equal(update.type, "sessionUpdate");
    assert.deepEqual(update.body, {
      sessionMetadata: { sampled: false },
      sessionResults: [{ logStreamName: s, logGroupIdentifier: arn, message: "ERROR one", timestamp: now, ingestionTime: now }],
    });

    await nimbus.scheduler.advance(3 * HOUR);
    const end = await frames.next();
    assert.equal(end.kind, "exception");
    assert.equal(end.type, "SessionTimeoutException");
    await frames.close();

    const missing = await startLiveTail({ logGroupIdentifiers: [`${arn}-nope`] });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { message: string }).message, "The specified log group does not exist.");
  });
});
