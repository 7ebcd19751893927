import { test } from "node:test";
import assert from "node:assert/strict";
import { accessLogLine, batchDeleteRecord, copyGetOperation, copyGetRecord, logKey, logKeyFormat, logObjectKey, logOperation, logTime, type AccessLogRecord } from "./access-log.js";

const record: AccessLogRecord = {
  bucketOwner: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
  bucket: "amzn-s3-demo-bucket1",
  time: Date.parse("2019-02-06T00:00:38Z"),
  remoteIp: "192.0.2.3",
  requester: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be",
  requestId: "3E57427F3EXAMPLE",
  operation: "REST.GET.VERSIONING",
  key: undefined,
  requestUri: "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1",
  status: 200,
  errorCode: undefined,
  bytesSent: 113,
  objectSize: undefined,
  totalMs: 7,
  turnAroundMs: undefined,
  referer: undefined,
  userAgent: "S3Console/0.4",
  versionId: undefined,
  hostId: "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=",
  signatureVersion: "SigV4",
  authenticationType: "AuthHeader",
  hostHeader: "amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com",
};

test("a record reads as the User Guide's first example, with - for TLS, access point, aclRequired and source region", () => {
  assert.equal(
    accessLogLine(record),
    '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 ' +
      "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - " +
      '"GET /amzn-s3-demo-bucket1?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" - ' +
      "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 - AuthHeader " +
      "amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com - - - -",
  );
});

test("anonymous requests, zero bytes, keys with spaces and quotes in a user agent", () => {
  const line = accessLogLine({ ...record, requester: undefined, bytesSent: 0, key: "a b/c+d.txt", userAgent: 'x"y\nz', signatureVersion: undefined, authenticationType: undefined });
  // The time field holds a space: "[06/Feb/2019:00:00:38" "+0000]".
  const fields = line.split(" ");
  assert.equal(fields[5], "-");
  assert.equal(fields[8], "a%20b/c%2Bd.txt");
  assert.match(line, / "x\\"y z" /);
  assert.equal(line.includes("\n"), false);
  assert.equal(logKey(undefined), "-");
});

test("a multi-object delete's record per key, as AWS writes BATCH.DELETE.OBJECT: the request's parties, no request line, referer or user agent, 204, no bytes or times", () => {
  const post: AccessLogRecord = {
    ...record,
    operation: "REST.POST.MULTI_OBJECT_DELETE",
    requestUri: "POST /amzn-s3-demo-bucket1?delete HTTP/1.1",
    bytesSent: 116,
    totalMs: 73,
    turnAroundMs: 70,
    referer: "https://example.com/",
  };
  const head =
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be amzn-s3-demo-bucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 " +
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE BATCH.DELETE.OBJECT";
  const tail = "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 - AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com - - - -";
  // A key that held nothing (or got a delete marker): as in AWS's records of 24/Feb/2021.
  assert.equal(accessLogLine(batchDeleteRecord(post, { key: "fork-0004/test/", versionId: undefined, objectSize: undefined })), `${head} fork-0004/test/ - 204 - - - - - - - - ${tail}`);
  // A version removed for good: its size, and the version the request named.
  assert.equal(accessLogLine(batchDeleteRecord(post, { key: "a b.txt", versionId: "v1", objectSize: 5 })), `${head} a%20b.txt - 204 - - 5 - - - - v1 ${tail}`);
});

test("a copy's GET half: the source bucket and its owner, the source key and size, no request line, referer, user agent or times", () => {
  const copy: AccessLogRecord = {
    ...record,
    operation: "REST.COPY.OBJECT",
    key: "copy.mp3",
    requestUri: "PUT /amzn-s3-demo-bucket1/copy.mp3 HTTP/1.1",
    bytesSent: 234,
    totalMs: 40,
    turnAroundMs: 39,
  };
  const owner = "2cf7e6b06335c0689c6d29163df5bb001c96870cd78609e3845f1ed76a632621";
  const read = { bucketOwner: owner, bucket: "media", key: "10010150/2010-08-29-0930.mp3", versionId: undefined, objectSize: 13538337 };
  assert.equal(copyGetOperation("CopyObject"), "REST.COPY.OBJECT_GET");
  assert.equal(copyGetOperation("UploadPartCopy"), "REST.COPY.PART_GET");
  assert.equal(copyGetOperation("PutObject"), undefined);
  // The fields up to the version id as in AWS's record of 17/Sep/2010 (kdgm/logstash-plugins' s3_access_log_spec.rb).
  assert.equal(
    accessLogLine(copyGetRecord(copy, "REST.COPY.OBJECT_GET", read)),
    `${owner} media [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE ` +
      "REST.COPY.OBJECT_GET 10010150/2010-08-29-0930.mp3 - 200 - - 13538337 - - - - - " +
      "s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 - AuthHeader amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com - - - -",
  );
});

test("the time field is UTC with a two-digit day", () => {
  assert.equal(logTime(Date.parse("2026-01-05T09:08:07.999Z")), "[05/Jan/2026:09:08:07 +0000]");
});

test("operations as S3 names them", () => {
  assert.equal(logOperation("GET", "GetObject", true), "REST.GET.OBJECT");
  assert.equal(logOperation("PUT", "PutObject", true), "REST.PUT.OBJECT");
  assert.equal(logOperation("GET", "ListObjectsV2", false), "REST.GET.BUCKET");
  assert.equal(logOperation("PUT", "PutBucketLogging", false), "REST.PUT.LOGGING_STATUS");
  assert.equal(logOperation("PUT", "CopyObject", true), "REST.COPY.OBJECT");
  assert.equal(logOperation("POST", "CreateMultipartUpload", true), "REST.POST.UPLOADS");
  assert.equal(logOperation("GET", "GetBucketInventoryConfiguration", false), "REST.GET.INVENTORY");
  assert.equal(logOperation("GET", "WebsiteGet", true), "WEBSITE.GET.OBJECT");
  assert.equal(logOperation("OPTIONS", "OPTIONS", true), "REST.OPTIONS.PREFLIGHT");
  // Refused before routing: by method and whether a key was named.
  assert.equal(logOperation("PATCH", undefined, true), "REST.PATCH.OBJECT");
});

test("log object keys: SimplePrefix, PartitionedPrefix by delivery time and by event day", () => {
  const source = { account: "111122223333", region: "us-west-2", bucket: "src" };
  const delivered = Date.parse("2026-01-15T12:05:09Z");
  const event = Date.parse("2026-01-14T23:59:59Z");
  assert.equal(logObjectKey("SimplePrefix", "logs/", source, delivered, event, "ABCDEF0123456789"), "logs/2026-01-15-12-05-09-ABCDEF0123456789");
  assert.equal(logObjectKey("DeliveryTime", "logs/", source, delivered, event, "U"), "logs/111122223333/us-west-2/src/2026/01/15/2026-01-15-12-05-09-U");
  assert.equal(logObjectKey("EventTime", "", source, delivered, event, "U"), "111122223333/us-west-2/src/2026/01/14/2026-01-14-00-00-00-U");
  assert.equal(logKeyFormat({}), "SimplePrefix");
  assert.equal(logKeyFormat({ TargetObjectKeyFormat: { PartitionedPrefix: {} } }), "EventTime");
  assert.equal(logKeyFormat({ TargetObjectKeyFormat: { PartitionedPrefix: { PartitionDateSource: "DeliveryTime" } } }), "DeliveryTime");
});
