/**
 * S3 server access logging (S3 User Guide, "Logging requests with server access logging"):
 * every request to a bucket with logging on, whoever made it and however it ended, becomes one
 * log record (a multi-object delete one more per key it deleted, a copy one more in its source
 * bucket's log); records are kept in the state layer until a sweep on the scheduler (injected
 * clock) writes them, as log objects, into the target bucket under the target prefix. AWS
 * delivers on a best-effort basis, usually within a few hours; Nimbus every five minutes.
 *
 * A record is made from what the request path and the dispatcher saw (RequestLog in
 * core/service.ts), so handlers do not know about logging, but for DeleteObjects: only it knows
 * which keys it deleted, and keeps them for their records (batchDeleteLog). A request to a bucket
 * without logging costs one look-up in a set, and none while no bucket logs.
 */
import { randomBytes } from "node:crypto";
import { failedOnItsOwnSide } from "../../core/errors.js";
import type { CompletedRequest, RequestLog, ServiceEnvironment } from "../../core/service.js";
import type { GetBucketLoggingOutput } from "../../generated/s3.js";
import { s3RequestId } from "../../protocol/codec.js";
import {
  accessLogLine,
  batchDeleteRecord,
  copyGetOperation,
  copyGetRecord,
  logDay,
  logKeyFormat,
  logObjectKey,
  logOperation,
  type AccessLogRecord,
  type BatchDeleted,
  type LogKeyFormat,
} from "./domain/access-log.js";
import { parseCopySource } from "./copy-source.js";
import type { S3Context } from "./index.js";
import { safeDecode, splitBucketPath } from "./objects.js";
import { canonicalUserId, type AccessLogRow, type BucketRow, type S3Store } from "./store.js";

export const ACCESS_LOG_DELIVERY_INTERVAL = 5 * 60_000;

/**
 * The requester AWS shows for its log delivery's own writes. Nimbus's guess: AWS documents that
 * logging a bucket into itself logs the deliveries too, not how their requester reads.
 */
const LOG_DELIVERY_REQUESTER = "svc:logging.s3.amazonaws.com";

type LoggingEnabled = NonNullable<GetBucketLoggingOutput["LoggingEnabled"]>;

export const s3RequestLog: RequestLog<S3Store> = {
  wants: (store, path, headers) =>
    store.anyBucketLogs() && (store.logsRequests(safeDecode(splitBucketPath(path()).bucket)) || copySourceLogs(store, headers["x-amz-copy-source"])),
  record: (store, request) => recordRequest(store, request),
};

/** The x-amz-copy-source a request names, if it parses. */
function copySource(header: string | undefined): ReturnType<typeof parseCopySource> | undefined {
  if (header === undefined) return undefined;
  try {
    return parseCopySource(header);
  } catch {
    return undefined;
  }
}

/** Whether a copy's source bucket logs requests: the copy's GET half goes to its log. */
function copySourceLogs(store: S3Store, header: string | undefined): boolean {
  const source = copySource(header);
  return source !== undefined && store.logsRequests(source.bucket);
}

/**
 * Where a DeleteObjects request keeps the keys it deletes for their BATCH.DELETE.OBJECT records,
 * when its bucket logs requests; undefined otherwise, so a bucket without logging pays one look-up
 * in a set. In-process calls are not HTTP requests and are not logged.
 */
export function batchDeleteLog(ctx: S3Context, bucket: string): BatchDeleted[] | undefined {
  return !ctx.caller.internal && ctx.store.logsRequests(bucket) ? [] : undefined;
}

function recordRequest(store: S3Store, request: CompletedRequest): void {
  const batch = request.operation === "DeleteObjects" ? store.takeBatchDeletes(request.requestId) : undefined;
  const path = splitBucketPath(request.path);
  const bucket = store.bucket(safeDecode(path.bucket));
  if (!bucket) return;
  const config = store.config<LoggingEnabled>(bucket.name, "logging");
  const copyGet = copyGetOperation(request.operation);
  if (!config && copyGet === undefined) return;
  const key = path.key === "" ? undefined : safeDecode(path.key);
  const wire = request.request;
  const query = wire.rawQuery ?? wire.query.toString();
  const principal = request.principal;
  const record: AccessLogRecord = {
    bucketOwner: canonicalUserId(bucket.account_id),
    bucket: bucket.name,
    time: request.receivedAt,
    remoteIp: wire.sourceIp.startsWith("::ffff:") ? wire.sourceIp.slice(7) : wire.sourceIp,
    // The root user shows as its canonical id, IAM users and roles by their ARN.
    requester: principal === undefined ? undefined : principal.arn.endsWith(":root") ? canonicalUserId(principal.account) : principal.arn,
    requestId: request.requestId,
    operation: logOperation(wire.method, request.operation, key !== undefined),
    key,
    requestUri: `${wire.method} ${wire.rawPath}${query ? `?${query}` : ""} HTTP/${wire.httpVersion ?? "1.1"}`,
    status: request.status,
    errorCode: request.errorCode,
    bytesSent: request.bytesSent,
    objectSize: objectSize(request),
    totalMs: request.totalMs,
    turnAroundMs: request.turnAroundMs,
    referer: wire.headers["referer"],
    userAgent: wire.headers["user-agent"],
    versionId: wire.query.get("versionId") ?? undefined,
    hostId: request.responseHeaders["x-amz-id-2"] ?? "",
    signatureVersion: request.signatureVersion,
    authenticationType: request.signatureVersion === undefined ? undefined : wire.headers["authorization"] !== undefined ? "AuthHeader" : "QueryString",
    hostHeader: wire.host,
  };
  if (copyGet !== undefined) logCopySource(store, request, copyGet, record);
  if (!config) return;
  // AWS writes the keys' records before the request's.
  for (const deleted of batch ?? []) append(store, bucket, config, batchDeleteRecord(record, deleted));
  append(store, bucket, config, record);
}

/**
 * A successful copy's GET half, in its source bucket's log when that bucket logs (copyGetRecord),
 * before the copy's own record. The object's size is read from the version the copy answered
 * with (x-amz-copy-source-version-id), or the current one. A copy that failed gets no GET record:
 * which half failed is not something the request's answer tells.
 */
function logCopySource(store: S3Store, request: CompletedRequest, operation: string, record: AccessLogRecord): void {
  if (request.status >= 300) return;
  const source = copySource(request.request.headers["x-amz-copy-source"]);
  const bucket = source && store.bucket(source.bucket);
  const config = bucket && store.config<LoggingEnabled>(bucket.name, "logging");
  if (!source || !bucket || !config) return;
  const version = source.versionId ?? request.responseHeaders["x-amz-copy-source-version-id"];
  const row = version === undefined ? store.latest(bucket.name, source.key) : store.version(bucket.name, source.key, version);
  append(
    store,
    bucket,
    config,
    copyGetRecord(record, operation, {
      bucketOwner: canonicalUserId(bucket.account_id),
      bucket: bucket.name,
      key: source.key,
      versionId: source.versionId,
      objectSize: row && !row.delete_marker ? row.size : undefined,
    }),
  );
}

function append(store: S3Store, bucket: BucketRow, config: LoggingEnabled, record: AccessLogRecord): void {
  store.appendAccessLog({
    source_bucket: bucket.name,
    source_account: bucket.account_id,
    source_region: bucket.region,
    target_bucket: config.TargetBucket,
    target_prefix: config.TargetPrefix,
    key_format: logKeyFormat(config),
    time: record.time,
    line: accessLogLine(record),
  });
}

/** Object Size: the object's whole size where a request read or wrote one. */
function objectSize(request: CompletedRequest): number | undefined {
  if (request.status >= 300) return undefined;
  const headers = request.responseHeaders;
  switch (request.operation) {
    case "GetObject":
    case "HeadObject": {
      // A range's Content-Range ends with the whole size.
      const range = headers["content-range"];
      const size = range === undefined ? headers["content-length"] : range.slice(range.lastIndexOf("/") + 1);
      return size === undefined ? undefined : Number(size);
    }
    case "PutObject":
    case "UploadPart": {
      const sent = request.request.headers["x-amz-decoded-content-length"] ?? request.request.headers["content-length"];
      return sent === undefined ? undefined : Number(sent);
    }
    default:
      return undefined;
  }
}

/** One log object's worth of records: same source, same destination, and for EventTime the same day. */
interface Batch {
  readonly first: AccessLogRow;
  readonly rows: AccessLogRow[];
}

function batches(rows: readonly AccessLogRow[]): Batch[] {
  const byDestination = new Map<string, Batch>();
  for (const row of rows) {
    const day = row.key_format === "EventTime" ? logDay(row.time) : 0;
    const id = JSON.stringify([row.source_bucket, row.target_bucket, row.target_prefix, row.key_format, day]);
    const batch = byDestination.get(id);
    if (batch) batch.rows.push(row);
    else byDestination.set(id, { first: row, rows: [row] });
  }
  return [...byDestination.values()];
}

/**
 * Writes every waiting record into its target bucket, one log object per batch, through
 * PutObject as the target's owner (so the objects raise their events like any write). A target
 * that no longer exists loses its records, as on AWS; a log object Nimbus could not write (a full
 * disk) keeps them for the next sweep. A delivery into a bucket that itself logs
 * is logged there, as AWS logs it; that record waits for the next sweep, so a bucket that logs
 * into itself gets one more log object per sweep, never a loop within one.
 */
export async function deliverAccessLogs(env: ServiceEnvironment, store: S3Store): Promise<void> {
  const rows = store.pendingAccessLogs();
  if (rows.length === 0) return;
  const now = env.clock.now();
  for (const { first, rows: batch } of batches(rows)) {
    const target = store.bucket(first.target_bucket);
    if (target) {
      const key = logObjectKey(
        first.key_format as LogKeyFormat,
        first.target_prefix,
        { account: first.source_account, region: first.source_region, bucket: first.source_bucket },
        now,
        first.time,
        randomBytes(8).toString("hex").toUpperCase(),
      );
      const body = `${batch.map((row) => row.line).join("\n")}\n`;
      try {
        await env.invoke(
          "s3",
          "PutObject",
          { Bucket: target.name, Key: key, Body: Buffer.from(body), ContentType: "text/plain" },
          { account: target.account_id, region: target.region },
        );
        logDelivery(store, target, key, Buffer.byteLength(body), now);
      } catch (error) {
        // A failure on Nimbus's side (a full disk) keeps the records for the next sweep; a refusal loses them.
        const kept = failedOnItsOwnSide(error);
        env.logger.warn({ msg: kept ? "s3 access log not delivered, to be delivered at the next sweep" : "s3 access log not delivered", bucket: first.source_bucket, target: target.name, error: String(error) });
        if (kept) continue;
      }
    }
    store.deleteAccessLogs(batch.map((row) => row.seq));
  }
}

/** The record of a log object's delivery, for a target bucket that logs too. */
function logDelivery(store: S3Store, target: BucketRow, key: string, size: number, now: number): void {
  const config = store.config<LoggingEnabled>(target.name, "logging");
  if (!config) return;
  const requestId = s3RequestId();
  append(store, target, config, {
    bucketOwner: canonicalUserId(target.account_id),
    bucket: target.name,
    time: now,
    remoteIp: "-",
    requester: LOG_DELIVERY_REQUESTER,
    requestId,
    operation: "REST.PUT.OBJECT",
    key,
    requestUri: `PUT /${target.name}/${key.split("/").map(encodeURIComponent).join("/")} HTTP/1.1`,
    status: 200,
    errorCode: undefined,
    bytesSent: 0,
    objectSize: size,
    totalMs: 0,
    turnAroundMs: undefined,
    referer: undefined,
    userAgent: undefined,
    versionId: undefined,
    hostId: "",
    signatureVersion: "SigV4",
    authenticationType: "AuthHeader",
    hostHeader: undefined,
  });
}

/**
 * Delivers every ACCESS_LOG_DELIVERY_INTERVAL from the service's start, the first time at once:
 * with the first delivery an interval after start, a Nimbus restarted more often than that (a
 * persistent data dir under test runs of a few minutes) never delivered what a previous run left.
 */
export function startAccessLogs(env: ServiceEnvironment, store: S3Store): () => void {
  return env.scheduler.every(ACCESS_LOG_DELIVERY_INTERVAL, () => deliverAccessLogs(env, store), "s3 server access logs", { fromNow: true });
}
