import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutBucketLoggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  type TargetObjectKeyFormat,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { acrossRestart, ENFORCE_POLICIES, failure, httpRequest, startTestNimbus, type TestNimbus } from "./harness.js";
import { newBucket, s3Suite } from "./s3-fixtures.js";

/** services/s3/access-log.ts: S3 delivers "within a few hours", Nimbus every five minutes. */
const DELIVERY_INTERVAL = 5 * 60_000;
const OWNER = createHash("sha256").update("nimbus-canonical-user:000000000000").digest("hex");

/** The fields of one log record, per the User Guide's format; brackets and quotes taken off. */
interface LogRecord {
  readonly bucketOwner: string;
  readonly bucket: string;
  readonly time: string;
  readonly remoteIp: string;
  readonly requester: string;
  readonly requestId: string;
  readonly operation: string;
  readonly key: string;
  readonly requestUri: string;
  readonly status: string;
  readonly errorCode: string;
  readonly bytesSent: string;
  readonly objectSize: string;
  readonly totalTime: string;
  readonly turnAroundTime: string;
  readonly referer: string;
  readonly userAgent: string;
  readonly versionId: string;
  readonly hostId: string;
  readonly signatureVersion: string;
  readonly cipherSuite: string;
  readonly authenticationType: string;
  readonly hostHeader: string;
  readonly tlsVersion: string;
  readonly accessPointArn: string;
  readonly aclRequired: string;
  readonly sourceRegion: string;
}

const NAMES: (keyof LogRecord)[] = [
  "bucketOwner", "bucket", "time", "remoteIp", "requester", "requestId", "operation", "key", "requestUri", "status", "errorCode",
  "bytesSent", "objectSize", "totalTime", "turnAroundTime", "referer", "userAgent", "versionId", "hostId", "signatureVersion",
  "cipherSuite", "authenticationType", "hostHeader", "tlsVersion", "accessPointArn", "aclRequired", "sourceRegion",
];

function parseRecord(line: string): LogRecord {
  const fields: string[] = [];
  const token = /\[([^\]]*)\]|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (let m = token.exec(line); m; m = token.exec(line)) fields.push(m[1] ?? m[2] ?? m[3] ?? "");
  assert.equal(fields.length, NAMES.length, `fields of ${line}`);
  return Object.fromEntries(NAMES.map((name, i) => [name, fields[i]])) as unknown as LogRecord;
}

async function logObjects(s3: S3Client, bucket: string, prefix = ""): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (listed.Contents ?? []).map((o) => o.Key ?? "");
}

/** A log object's lines, as delivered. */
async function lines(s3: S3Client, bucket: string, key: string): Promise<string[]> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  assert.equal(got.ContentType, "text/plain");
  const text = (await got.Body?.transformToString()) ?? "";
  assert.ok(text.endsWith("\n"));
  return text.trimEnd().split("\n");
}

async function records(s3: S3Client, bucket: string, key: string): Promise<LogRecord[]> {
  return (await lines(s3, bucket, key)).map(parseRecord);
}

async function enableLogging(s3: S3Client, source: string, target: string, prefix: string, format?: TargetObjectKeyFormat): Promise<void> {
  await s3.send(new PutBucketLoggingCommand({ Bucket: source, BucketLoggingStatus: { LoggingEnabled: { TargetBucket: target, TargetPrefix: prefix, ...(format ? { TargetObjectKeyFormat: format } : {}) } } }));
}

/** Records of requests other than PutBucketLogging (whether the request that turns logging on is logged is not something to pin). */
const requests = (all: LogRecord[]): LogRecord[] => all.filter((r) => r.operation !== "REST.PUT.LOGGING_STATUS");

describe("S3 server access logging", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));

  test("GET, PUT, a 404 and an anonymous GET each make one record in AWS's format, delivered under TargetPrefix (SimplePrefix)", async () => {
    const source = await newBucket(s3, "logged");
    const target = await newBucket(s3, "logs");
    await enableLogging(s3, source, target, "logs/");
    const put = await s3.send(new PutObjectCommand({ Bucket: source, Key: "a b.txt", Body: "hello" }));
    const get = await s3.send(new GetObjectCommand({ Bucket: source, Key: "a b.txt" }));
    assert.equal(await get.Body?.transformToString(), "hello");
    const missing = await failure(s3.send(new GetObjectCommand({ Bucket: source, Key: "missing.txt" })));
    assert.equal(missing.name, "NoSuchKey");
    await s3.send(new ListObjectsV2Command({ Bucket: source }));
    // Policies are not enforced here, so an unsigned GET is answered.
    const anonymous = await httpRequest(nimbus.port, "GET", `/${source}/a%20b.txt`, { "user-agent": "curl/8.0" });
    assert.equal(anonymous.status, 200);

    // Nothing before the delivery sweep.
    assert.deepEqual(await logObjects(s3, target), []);
    const deliveredAt = nimbus.clock.now();
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);
    const keys = await logObjects(s3, target);
    assert.equal(keys.length, 1);
    const key = keys[0] ?? "";
    assert.match(key, /^logs\/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$/);
    assert.ok(key.startsWith(`logs/${new Date(deliveredAt).toISOString().slice(0, 10)}-`), key);

    const [putLine, getLine, notFound, list, unsigned, ...rest] = requests(await records(s3, target, key));
    assert.deepEqual(rest, []);
    assert.ok(putLine && getLine && notFound && list && unsigned);
    for (const r of [putLine, getLine, notFound, list, unsigned]) {
      assert.equal(r.bucketOwner, OWNER);
      assert.equal(r.bucket, source);
      assert.equal(r.time, "15/Jan/2026:12:00:00 +0000");
      assert.equal(r.remoteIp, "127.0.0.1");
      assert.equal(r.hostHeader, r === unsigned ? `127.0.0.1:${nimbus.port}` : new URL(nimbus.url).host);
      assert.match(r.totalTime, /^\d+$/);
      assert.equal(r.referer, "-");
      assert.deepEqual([r.cipherSuite, r.tlsVersion, r.accessPointArn, r.aclRequired, r.sourceRegion], ["-", "-", "-", "-", "-"]);
    }
    assert.deepEqual(
      [putLine.requester, putLine.requestId, putLine.operation, putLine.key, putLine.status, putLine.errorCode, putLine.bytesSent, putLine.objectSize],
      [OWNER, put.$metadata.requestId, "REST.PUT.OBJECT", "a%20b.txt", "200", "-", "-", "5"],
    );
    assert.ok(putLine.requestUri.startsWith(`PUT /${source}/a%20b.txt`) && putLine.requestUri.endsWith(" HTTP/1.1"), putLine.requestUri);
    assert.deepEqual([putLine.signatureVersion, putLine.authenticationType], ["SigV4", "AuthHeader"]);
    assert.match(putLine.userAgent, /aws-sdk-js/);
    assert.notEqual(putLine.hostId, "-");

    assert.deepEqual(
      [getLine.requestId, getLine.operation, getLine.key, getLine.status, getLine.errorCode, getLine.bytesSent, getLine.objectSize],
      [get.$metadata.requestId, "REST.GET.OBJECT", "a%20b.txt", "200", "-", "5", "5"],
    );
    assert.deepEqual(
      [notFound.requestId, notFound.operation, notFound.key, notFound.status, notFound.errorCode, notFound.objectSize],
      [missing.$metadata.requestId, "REST.GET.OBJECT", "missing.txt", "404", "NoSuchKey", "-"],
    );
    assert.ok(Number(notFound.bytesSent) > 0, "the error document was sent");
    assert.deepEqual([list.operation, list.key, list.status, list.errorCode], ["REST.GET.BUCKET", "-", "200", "-"]);
    assert.ok(Number(list.bytesSent) > 0);
    assert.deepEqual(
      [unsigned.requester, unsigned.operation, unsigned.key, unsigned.requestUri, unsigned.status, unsigned.bytesSent, unsigned.userAgent, unsigned.signatureVersion, unsigned.authenticationType],
      ["-", "REST.GET.OBJECT", "a%20b.txt", `GET /${source}/a%20b.txt HTTP/1.1`, "200", "5", "curl/8.0", "-", "-"],
    );

    // Delivered records are gone: the next sweep writes nothing.
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);
    assert.equal((await logObjects(s3, target)).length, 1);
  });

  // S3 User Guide, "Amazon S3 server access log format": Operation is REST.HTTP_method.resource_type
  // "or BATCH.DELETE.OBJECT". AWS's records of a multi-object delete (a bucket's log of 24/Feb/2021
  // in hortonworks-spark/cloud-integration's S3LogRecordParser.scala): one BATCH.DELETE.OBJECT
  // record per key, with the request's id, requester and host id, a bare - for the request line,
  // referer and user agent, 204; then the request's REST.POST.MULTI_OBJECT_DELETE record.
  test("DeleteObjects: a BATCH.DELETE.OBJECT record per deleted key, then the REST.POST.MULTI_OBJECT_DELETE record", async () => {
    const plain = await newBucket(s3, "batch");
    const versioned = await newBucket(s3, "batch-versioned");
    const target = await newBucket(s3, "logs");
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: "a.txt", Body: "hello" }));
    await s3.send(new PutObjectCommand({ Bucket: plain, Key: "dir/b c.txt", Body: "hi" }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: versioned, VersioningConfiguration: { Status: "Enabled" } }));
    const version = (await s3.send(new PutObjectCommand({ Bucket: versioned, Key: "v.txt", Body: "version" }))).VersionId ?? "";
    await s3.send(new PutObjectCommand({ Bucket: versioned, Key: "w.txt", Body: "marked" }));
    await enableLogging(s3, plain, target, "plain/");
    await enableLogging(s3, versioned, target, "versioned/");

    const deleted = await s3.send(new DeleteObjectsCommand({ Bucket: plain, Delete: { Objects: [{ Key: "a.txt" }, { Key: "dir/b c.txt" }, { Key: "missing.txt" }] } }));
    assert.deepEqual(deleted.Deleted?.map((d) => d.Key), ["a.txt", "dir/b c.txt", "missing.txt"]);
    // Quiet mode answers only the failures; the log still has every deleted key.
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: versioned, Delete: { Quiet: true, Objects: [{ Key: "v.txt", VersionId: version }, { Key: "w.txt" }] } }));
    assert.equal(quiet.Deleted, undefined);
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);

    const [plainKey] = await logObjects(s3, target, "plain/");
    const plainLines = (await lines(s3, target, plainKey ?? "")).filter((l) => !l.includes(" REST.PUT.LOGGING_STATUS "));
    const [a, b, missing, post, ...rest] = plainLines.map(parseRecord);
    assert.deepEqual(rest, []);
    assert.ok(a && b && missing && post);
    assert.deepEqual(
      [post.operation, post.key, post.status, post.requestId, post.requester],
      ["REST.POST.MULTI_OBJECT_DELETE", "-", "200", deleted.$metadata.requestId, OWNER],
    );
    assert.ok(post.requestUri.startsWith(`POST /${plain}/?delete`) && post.requestUri.endsWith(" HTTP/1.1"), post.requestUri);
    assert.match(post.userAgent, /aws-sdk-js/);
    assert.deepEqual(
      [a, b, missing].map((r) => [r.operation, r.key, r.requestUri, r.status, r.errorCode, r.bytesSent, r.objectSize, r.totalTime, r.turnAroundTime, r.referer, r.userAgent, r.versionId]),
      [
        ["BATCH.DELETE.OBJECT", "a.txt", "-", "204", "-", "-", "5", "-", "-", "-", "-", "-"],
        ["BATCH.DELETE.OBJECT", "dir/b%20c.txt", "-", "204", "-", "-", "2", "-", "-", "-", "-", "-"],
        ["BATCH.DELETE.OBJECT", "missing.txt", "-", "204", "-", "-", "-", "-", "-", "-", "-", "-"],
      ],
    );
    for (const r of [a, b, missing]) {
      // The request's parties, time and host id.
      assert.deepEqual(
        [r.bucketOwner, r.bucket, r.time, r.remoteIp, r.requester, r.requestId, r.hostId, r.signatureVersion, r.authenticationType, r.hostHeader],
        [post.bucketOwner, post.bucket, post.time, post.remoteIp, post.requester, post.requestId, post.hostId, "SigV4", "AuthHeader", post.hostHeader],
      );
    }
    // No request line, referer or user agent of their own: a bare -, not "-".
    assert.ok(plainLines[0]?.includes(" BATCH.DELETE.OBJECT a.txt - 204 - - 5 - - - - - "), plainLines[0]);

    const [versionedKey] = await logObjects(s3, target, "versioned/");
    const [v, w, quietPost, ...more] = requests(await records(s3, target, versionedKey ?? ""));
    assert.deepEqual(more, []);
    // A version removed for good: the version named and its size; a delete marker added: neither.
    assert.deepEqual(
      [v, w, quietPost].map((r) => [r?.operation, r?.key, r?.status, r?.objectSize, r?.versionId, r?.requestId]),
      [
        ["BATCH.DELETE.OBJECT", "v.txt", "204", "7", version, quiet.$metadata.requestId],
        ["BATCH.DELETE.OBJECT", "w.txt", "204", "-", "-", quiet.$metadata.requestId],
        ["REST.POST.MULTI_OBJECT_DELETE", "-", "200", "-", "-", quiet.$metadata.requestId],
      ],
    );
  });

  // S3 User Guide, "Amazon S3 server access log format", Additional logging for copy operations: "A
  // copy operation involves a GET and a PUT. For that reason, we log two records"; the GET's names
  // the bucket storing the object copied, its key and size, and the version only when the copy
  // source named one. AWS's record of 17/Sep/2010 (kdgm/logstash-plugins, s3_access_log_spec.rb)
  // has no request line, referer, user agent or times.
  test("a copy logs its GET half in the source bucket's log: REST.COPY.OBJECT_GET, REST.COPY.PART_GET for UploadPartCopy", async () => {
    const source = await newBucket(s3, "copy-src");
    const unlogged = await newBucket(s3, "copy-dst");
    const target = await newBucket(s3, "logs");
    await s3.send(new PutBucketVersioningCommand({ Bucket: source, VersioningConfiguration: { Status: "Enabled" } }));
    const first = (await s3.send(new PutObjectCommand({ Bucket: source, Key: "song.mp3", Body: "first take" }))).VersionId ?? "";
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "song.mp3", Body: "second, longer take" }));
    await enableLogging(s3, source, target, "");

    // Into a bucket that does not log: the GET half alone, in the source's log.
    const out = await s3.send(new CopyObjectCommand({ Bucket: unlogged, Key: "copy.mp3", CopySource: `${source}/song.mp3` }));
    // Within the source, of a version named: both halves, the GET first.
    const within = await s3.send(new CopyObjectCommand({ Bucket: source, Key: "old.mp3", CopySource: `${source}/song.mp3?versionId=${first}` }));
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: unlogged, Key: "parts.mp3" }));
    const part = await s3.send(
      new UploadPartCopyCommand({ Bucket: unlogged, Key: "parts.mp3", UploadId: upload.UploadId, PartNumber: 1, CopySource: `${source}/song.mp3`, CopySourceRange: "bytes=0-5" }),
    );
    // A copy that failed: its own record, no GET half.
    const failed = await failure(s3.send(new CopyObjectCommand({ Bucket: source, Key: "none.mp3", CopySource: `${source}/missing.mp3` })));
    assert.equal(failed.name, "NoSuchKey");
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);

    const keys = await logObjects(s3, target);
    assert.equal(keys.length, 1);
    const logged = requests(await records(s3, target, keys[0] ?? ""));
    assert.deepEqual(
      logged.map((r) => [r.bucket, r.operation, r.key, r.status, r.errorCode, r.objectSize, r.versionId, r.requestId]),
      [
        [source, "REST.COPY.OBJECT_GET", "song.mp3", "200", "-", "19", "-", out.$metadata.requestId],
        [source, "REST.COPY.OBJECT_GET", "song.mp3", "200", "-", "10", first, within.$metadata.requestId],
        [source, "REST.COPY.OBJECT", "old.mp3", "200", "-", "-", "-", within.$metadata.requestId],
        // The part's source: the whole object's size, whatever range was read.
        [source, "REST.COPY.PART_GET", "song.mp3", "200", "-", "19", "-", part.$metadata.requestId],
        [source, "REST.COPY.OBJECT", "none.mp3", "404", "NoSuchKey", "-", "-", failed.$metadata.requestId],
      ],
    );
    const [get, , copy] = logged;
    assert.ok(get && copy);
    assert.deepEqual(
      [get.bucketOwner, get.requester, get.requestUri, get.bytesSent, get.totalTime, get.turnAroundTime, get.referer, get.userAgent, get.signatureVersion, get.authenticationType],
      [OWNER, OWNER, "-", "-", "-", "-", "-", "-", "SigV4", "AuthHeader"],
    );
    assert.ok(copy.requestUri.startsWith(`PUT /${source}/old.mp3`), copy.requestUri);
    assert.match(copy.userAgent, /aws-sdk-js/);
  });

  test("PartitionedPrefix keys: account/region/bucket/YYYY/MM/DD, by event day (00-00-00) or by delivery time", async () => {
    const byEvent = await newBucket(s3, "event");
    const byDelivery = await newBucket(s3, "delivery");
    const target = await newBucket(s3, "logs");
    await enableLogging(s3, byEvent, target, "p/", { PartitionedPrefix: { PartitionDateSource: "EventTime" } });
    await enableLogging(s3, byDelivery, target, "p/", { PartitionedPrefix: { PartitionDateSource: "DeliveryTime" } });
    await s3.send(new PutObjectCommand({ Bucket: byEvent, Key: "k", Body: "x" }));
    await s3.send(new PutObjectCommand({ Bucket: byDelivery, Key: "k", Body: "x" }));
    const day = new Date(nimbus.clock.now()).toISOString().slice(0, 10);
    const [yyyy, mm, dd] = day.split("-");
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);

    const eventKeys = await logObjects(s3, target, `p/000000000000/us-east-1/${byEvent}/`);
    assert.equal(eventKeys.length, 1);
    assert.match(eventKeys[0] ?? "", new RegExp(`^p/000000000000/us-east-1/${byEvent}/${yyyy}/${mm}/${dd}/${day}-00-00-00-[0-9A-F]{16}$`));
    const deliveryKeys = await logObjects(s3, target, `p/000000000000/us-east-1/${byDelivery}/`);
    assert.equal(deliveryKeys.length, 1);
    assert.match(deliveryKeys[0] ?? "", new RegExp(`^p/000000000000/us-east-1/${byDelivery}/${yyyy}/${mm}/${dd}/${day}-\\d{2}-\\d{2}-\\d{2}-[0-9A-F]{16}$`));
    assert.doesNotMatch(deliveryKeys[0] ?? "", /-00-00-00-/, "the delivery sweep runs after midnight's");
    const [event] = requests(await records(s3, target, eventKeys[0] ?? ""));
    assert.deepEqual([event?.bucket, event?.operation, event?.key, event?.status], [byEvent, "REST.PUT.OBJECT", "k", "200"]);
  });

  test("turning logging off stops the records; requests made while it was on are still delivered", async () => {
    const source = await newBucket(s3, "toggled");
    const target = await newBucket(s3, "logs");
    await enableLogging(s3, source, target, "");
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "while-on", Body: "1" }));
    await s3.send(new PutBucketLoggingCommand({ Bucket: source, BucketLoggingStatus: {} }));
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "while-off", Body: "2" }));
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);
    const keys = await logObjects(s3, target);
    assert.equal(keys.length, 1);
    const logged = (await records(s3, target, keys[0] ?? "")).map((r) => r.key);
    assert.ok(logged.includes("while-on"));
    assert.ok(!logged.includes("while-off"));
    await s3.send(new GetObjectCommand({ Bucket: source, Key: "while-off" }));
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);
    assert.equal((await logObjects(s3, target)).length, 1);
  });

  test("a target bucket deleted before the delivery loses the records, as on AWS", async () => {
    const source = await newBucket(s3, "orphan");
    const target = await newBucket(s3, "gone");
    await enableLogging(s3, source, target, "");
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "k", Body: "x" }));
    await s3.send(new DeleteBucketCommand({ Bucket: target }));
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);
    // Made again, it receives only what was requested after.
    await s3.send(new CreateBucketCommand({ Bucket: target }));
    await s3.send(new GetObjectCommand({ Bucket: source, Key: "k" }));
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);
    const keys = await logObjects(s3, target);
    assert.equal(keys.length, 1);
    assert.deepEqual(requests(await records(s3, target, keys[0] ?? "")).map((r) => r.operation), ["REST.GET.OBJECT"]);
  });

  test("a bucket logging into itself logs the deliveries too, one per sweep, never a loop", async () => {
    const bucket = await newBucket(s3, "self");
    await enableLogging(s3, bucket, bucket, "logs/");
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "data", Body: "x" }));
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);
    const [first] = await logObjects(s3, bucket, "logs/");
    assert.ok(first);
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);
    const keys = await logObjects(s3, bucket, "logs/");
    assert.equal(keys.length, 2);
    const second = keys.find((k) => k !== first) ?? "";
    // The requests of the test made after the first sweep (the listing), and the first log object's delivery.
    const delivery = (await records(s3, bucket, second)).find((r) => r.key === first);
    assert.deepEqual(
      [delivery?.operation, delivery?.requester, delivery?.status, delivery?.objectSize !== "-"],
      ["REST.PUT.OBJECT", "svc:logging.s3.amazonaws.com", "200", true],
    );
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);
    assert.equal((await logObjects(s3, bucket, "logs/")).length, 3);
  });
});

test("an anonymous request refused by policy is logged: 403 AccessDenied, requester -", async () => {
  const nimbus = await startTestNimbus({ auth: ENFORCE_POLICIES });
  const s3 = new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true });
  try {
    const source = await newBucket(s3, "private");
    const target = await newBucket(s3, "logs");
    await enableLogging(s3, source, target, "");
    await s3.send(new PutObjectCommand({ Bucket: source, Key: "secret", Body: "x" }));
    const refused = await httpRequest(nimbus.port, "GET", `/${source}/secret`);
    assert.equal(refused.status, 403);
    await nimbus.scheduler.advance(DELIVERY_INTERVAL);
    const [key] = await logObjects(s3, target);
    const denied = requests(await records(s3, target, key ?? "")).find((r) => r.status === "403");
    assert.deepEqual(
      [denied?.requester, denied?.operation, denied?.key, denied?.errorCode, denied?.signatureVersion, denied?.authenticationType],
      ["-", "REST.GET.OBJECT", "secret", "AccessDenied", "-", "-"],
    );
    assert.ok(Number(denied?.bytesSent) > 0);
  } finally {
    s3.destroy();
    await nimbus.close();
  }
});

test("records not yet delivered survive a restart on the same data dir, and go out as it starts", async () => {
  await acrossRestart(
    (nimbus) => ({ nimbus, s3: new S3Client({ ...nimbus.clientConfig(), forcePathStyle: true }) }),
    ({ s3 }) => s3.destroy(),
    async ({ s3 }) => {
      const source = await newBucket(s3, "durable");
      const target = await newBucket(s3, "logs");
      await enableLogging(s3, source, target, "");
      await s3.send(new PutObjectCommand({ Bucket: source, Key: "before-restart", Body: "x" }));
      return { source, target };
    },
    async ({ nimbus, s3 }, { source, target }) => {
      assert.deepEqual(await logObjects(s3, target), []);
      // Not an interval after the start: a Nimbus restarted more often than that would never deliver them.
      await nimbus.scheduler.runDue();
      const keys = await logObjects(s3, target);
      assert.equal(keys.length, 1);
      const put = requests(await records(s3, target, keys[0] ?? "")).find((r) => r.key === "before-restart");
      assert.deepEqual([put?.bucket, put?.operation, put?.status], [source, "REST.PUT.OBJECT", "200"]);
    },
  );
});
