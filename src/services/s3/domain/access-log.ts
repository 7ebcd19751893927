/**
 * S3 server access log records and log object keys, as the S3 User Guide documents them
 * ("Amazon S3 server access log format", "Log object key format"): one line per request of
 * space-separated fields, `-` for what is unknown or does not apply, the request line, referer
 * and user agent in double quotes, the time as `[06/Feb/2019:00:00:38 +0000]`.
 */

export interface AccessLogRecord {
  /** Canonical user id of the source bucket's owner. */
  readonly bucketOwner: string;
  readonly bucket: string;
  /** Epoch ms the request was received. */
  readonly time: number;
  readonly remoteIp: string;
  /** Canonical user id or IAM ARN; undefined for an anonymous request. */
  readonly requester: string | undefined;
  readonly requestId: string;
  /** REST.GET.OBJECT... (logOperation). */
  readonly operation: string;
  /** The object key, decoded; undefined when the operation takes none. */
  readonly key: string | undefined;
  /**
   * `GET /bucket/key?query HTTP/1.1`; undefined for a record no request line of its own goes with
   * (BATCH.DELETE.OBJECT), whose referer and user agent are then a bare `-` as well.
   */
  readonly requestUri: string | undefined;
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly bytesSent: number;
  readonly objectSize: number | undefined;
  readonly totalMs: number | undefined;
  readonly turnAroundMs: number | undefined;
  readonly referer: string | undefined;
  readonly userAgent: string | undefined;
  readonly versionId: string | undefined;
  /** x-amz-id-2 of the response. */
  readonly hostId: string;
  readonly signatureVersion: "SigV4" | "SigV2" | undefined;
  /** AuthHeader or QueryString; undefined for an unauthenticated request. */
  readonly authenticationType: "AuthHeader" | "QueryString" | undefined;
  readonly hostHeader: string | undefined;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad = (n: number): string => String(n).padStart(2, "0");

/** `[06/Feb/2019:00:00:38 +0000]`: access logs are in UTC. */
export function logTime(ms: number): string {
  const d = new Date(ms);
  return `[${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()] ?? ""}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000]`;
}

/** A field as the log shows it: `-` when unknown or empty (and no line breaks, one record per line). */
function field(value: string | number | undefined): string {
  if (value === undefined || value === "") return "-";
  return String(value).replace(/[\r\n]+/g, " ");
}

/** A quoted field (request line, referer, user agent): `"-"` when absent, a bare `-` when `bare`. */
function quoted(value: string | undefined, bare = false): string {
  if (bare && value === undefined) return "-";
  return `"${field(value).replaceAll('"', '\\"')}"`;
}

/** The key URL-encoded, its `/` kept, as the log's Key field shows it. */
export function logKey(key: string | undefined): string {
  return key === undefined || key === "" ? "-" : key.split("/").map(encodeURIComponent).join("/");
}

/**
 * One log record. After the documented 25 fields (Bucket Owner ... aclRequired) comes the
 * Source region the current format examples end with. Nimbus speaks plain HTTP without access
 * points, so Cipher Suite, TLS version and Access Point ARN are `-`; aclRequired is `-` as
 * well (Nimbus does not yet tell which authorizations an ACL decided); Source region is `-`
 * as AWS writes it for requests from outside AWS.
 */
export function accessLogLine(r: AccessLogRecord): string {
  const bare = r.requestUri === undefined;
  return [
    field(r.bucketOwner),
    field(r.bucket),
    logTime(r.time),
    field(r.remoteIp),
    field(r.requester),
    field(r.requestId),
    field(r.operation),
    logKey(r.key),
    quoted(r.requestUri, bare),
    field(r.status),
    field(r.errorCode),
    r.bytesSent > 0 ? String(r.bytesSent) : "-",
    field(r.objectSize),
    r.totalMs === undefined ? "-" : String(Math.round(r.totalMs)),
    r.turnAroundMs === undefined ? "-" : String(Math.round(r.turnAroundMs)),
    quoted(r.referer, bare),
    quoted(r.userAgent, bare),
    field(r.versionId),
    field(r.hostId),
    field(r.signatureVersion),
    "-", // Cipher Suite: no TLS
    field(r.authenticationType),
    field(r.hostHeader),
    "-", // TLS version
    "-", // Access Point ARN
    "-", // aclRequired
    "-", // Source region
  ].join(" ");
}

/** A key a DeleteObjects request deleted: the version it named, the size of what it removed for good. */
export interface BatchDeleted {
  readonly key: string;
  readonly versionId: string | undefined;
  /** The removed version's size; undefined when nothing with data was removed (a delete marker was added, or the key held nothing). */
  readonly objectSize: number | undefined;
}

/**
 * The record of one key a multi-object delete deleted. Besides the request's REST.POST.
 * MULTI_OBJECT_DELETE record AWS writes a BATCH.DELETE.OBJECT record per key ("Amazon S3 server
 * access log format", S3 User Guide, Operation), before the request's, with its Bucket Owner,
 * Time, Remote IP, Requester, Request ID, Host Id, signature, authentication and Host Header;
 * no request line, referer or user agent (bare `-`), status 204, no bytes sent and no times.
 * That is how AWS's records read in a bucket's log of 24/Feb/2021 kept in
 * hortonworks-spark/cloud-integration (S3LogRecordParser.scala) and, with the removed object's
 * size, in noobaa/noobaa-core's test_bucket_log_based_replication.test.js.
 */
export function batchDeleteRecord(request: AccessLogRecord, deleted: BatchDeleted): AccessLogRecord {
  return {
    ...{},
    ...request,
    operation: "BATCH.DELETE.OBJECT",
    key: deleted.key,
    requestUri: undefined,
    status: 204,
    errorCode: undefined,
    bytesSent: 0,
    objectSize: deleted.objectSize,
    totalMs: undefined,
    turnAroundMs: undefined,
    referer: undefined,
    userAgent: undefined,
    versionId: deleted.versionId,
  };
}

/** The object a copy read: its bucket and that bucket's owner, its key, the version the copy source named, its size. */
export interface CopySourceRead {
  readonly bucketOwner: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string | undefined;
  readonly objectSize: number | undefined;
}

const COPY_GET_OPERATIONS: Readonly<Record<string, string>> = { CopyObject: "REST.COPY.OBJECT_GET", UploadPartCopy: "REST.COPY.PART_GET" };

/** The operation of a copy's GET half, or undefined for a request that copies nothing. */
export function copyGetOperation(operation: string | undefined): string | undefined {
  return operation === undefined ? undefined : COPY_GET_OPERATIONS[operation];
}

/**
 * The GET half of a copy. "A copy operation involves a GET and a PUT. For that reason, we log two
 * records" (S3 User Guide, "Amazon S3 server access log format", Additional logging for copy
 * operations): the second, REST.COPY.OBJECT_GET (REST.COPY.PART_GET for UploadPartCopy), names
 * the bucket that stores the object copied and its owner, the object's key, its total size, and
 * the version id only when x-amz-copy-source named one. Like a BATCH.DELETE.OBJECT record it has
 * no request line, referer, user agent or times of its own: AWS's record of 17/Sep/2010 kept in
 * kdgm/logstash-plugins (spec/filters/s3_access_log_spec.rb: "REST.COPY.OBJECT_GET <key> - 200 -
 * - <size> - - - - -"); scality/cloudserver's server access log tests expect the same blanks.
 */
export function copyGetRecord(request: AccessLogRecord, operation: string, read: CopySourceRead): AccessLogRecord {
  return {
    ...{},
    ...request,
    bucketOwner: read.bucketOwner,
    bucket: read.bucket,
    operation,
    key: read.key,
    requestUri: undefined,
    bytesSent: 0,
    objectSize: read.objectSize,
    totalMs: undefined,
    turnAroundMs: undefined,
    referer: undefined,
    userAgent: undefined,
    versionId: read.versionId,
  };
}

/**
 * The resource part of `REST.<METHOD>.<resource>` for each operation, as S3's logs name it
 * (REST.GET.VERSIONING, REST.PUT.LOGGING_STATUS, REST.POST.UPLOADS...).
 */
const RESOURCES: Readonly<Record<string, string>> = {
  GetObject: "OBJECT", HeadObject: "OBJECT", PutObject: "OBJECT", DeleteObject: "OBJECT", PostObject: "OBJECT",
  CreateBucket: "BUCKET", HeadBucket: "BUCKET", DeleteBucket: "BUCKET", ListObjects: "BUCKET", ListObjectsV2: "BUCKET",
  ListObjectVersions: "BUCKETVERSIONS",
  GetBucketLocation: "LOCATION",
  GetBucketVersioning: "VERSIONING", PutBucketVersioning: "VERSIONING",
  GetBucketLogging: "LOGGING_STATUS", PutBucketLogging: "LOGGING_STATUS",
  GetBucketPolicy: "BUCKETPOLICY", PutBucketPolicy: "BUCKETPOLICY", DeleteBucketPolicy: "BUCKETPOLICY",
  GetBucketPolicyStatus: "POLICY_STATUS",
  GetBucketAcl: "ACL", PutBucketAcl: "ACL", GetObjectAcl: "ACL", PutObjectAcl: "ACL",
  GetBucketTagging: "TAGGING", PutBucketTagging: "TAGGING", DeleteBucketTagging: "TAGGING",
  GetObjectTagging: "OBJECT_TAGGING", PutObjectTagging: "OBJECT_TAGGING", DeleteObjectTagging: "OBJECT_TAGGING",
  GetBucketCors: "CORS", PutBucketCors: "CORS", DeleteBucketCors: "CORS",
  GetBucketNotificationConfiguration: "NOTIFICATION", PutBucketNotificationConfiguration: "NOTIFICATION",
  GetBucketLifecycleConfiguration: "LIFECYCLE", PutBucketLifecycleConfiguration: "LIFECYCLE", DeleteBucketLifecycle: "LIFECYCLE",
  GetBucketWebsite: "WEBSITE", PutBucketWebsite: "WEBSITE", DeleteBucketWebsite: "WEBSITE",
  GetBucketEncryption: "ENCRYPTION", PutBucketEncryption: "ENCRYPTION", DeleteBucketEncryption: "ENCRYPTION",
  GetBucketReplication: "REPLICATION", PutBucketReplication: "REPLICATION", DeleteBucketReplication: "REPLICATION",
  GetBucketAccelerateConfiguration: "ACCELERATE", PutBucketAccelerateConfiguration: "ACCELERATE",
  GetBucketRequestPayment: "REQUEST_PAYMENT", PutBucketRequestPayment: "REQUEST_PAYMENT",
  GetObjectLockConfiguration: "OBJECT_LOCK_CONFIGURATION", PutObjectLockConfiguration: "OBJECT_LOCK_CONFIGURATION",
  GetObjectRetention: "RETENTION", PutObjectRetention: "RETENTION",
  GetObjectLegalHold: "LEGAL_HOLD", PutObjectLegalHold: "LEGAL_HOLD",
  GetPublicAccessBlock: "PUBLIC_ACCESS_BLOCK", PutPublicAccessBlock: "PUBLIC_ACCESS_BLOCK", DeletePublicAccessBlock: "PUBLIC_ACCESS_BLOCK",
  GetBucketOwnershipControls: "OWNERSHIP_CONTROLS", PutBucketOwnershipControls: "OWNERSHIP_CONTROLS", DeleteBucketOwnershipControls: "OWNERSHIP_CONTROLS",
  CreateMultipartUpload: "UPLOADS", ListMultipartUploads: "UPLOADS",
  UploadPart: "PART",
  CompleteMultipartUpload: "UPLOAD", AbortMultipartUpload: "UPLOAD", ListParts: "UPLOAD",
  DeleteObjects: "MULTI_OBJECT_DELETE",
  RestoreObject: "RESTORE",
  GetObjectAttributes: "OBJECT_ATTRIBUTES",
  GetObjectTorrent: "TORRENT",
};

const CONFIGURATION_FAMILIES: readonly [string, string][] = [
  ["Analytics", "ANALYTICS"],
  ["Inventory", "INVENTORY"],
  ["Metrics", "METRICS"],
  ["IntelligentTiering", "INTELLIGENT_TIERING"],
];

/**
 * The Operation field: `REST.<HTTP method>.<resource type>`, `WEBSITE.<method>.OBJECT` for
 * website endpoints; a copy is REST.COPY.OBJECT (REST.COPY.PART for UploadPartCopy), a CORS
 * preflight REST.OPTIONS.PREFLIGHT. A request that named no operation (refused before routing)
 * is logged by its method and whether its path named a key.
 */
export function logOperation(method: string, operation: string | undefined, hasKey: boolean): string {
  if (operation === "OPTIONS") return "REST.OPTIONS.PREFLIGHT";
  if (operation === "CopyObject") return "REST.COPY.OBJECT";
  if (operation === "UploadPartCopy") return "REST.COPY.PART";
  if (operation?.startsWith("Website")) return `WEBSITE.${method}.OBJECT`;
  let resource = operation === undefined ? undefined : RESOURCES[operation];
  if (resource === undefined && operation !== undefined) resource = CONFIGURATION_FAMILIES.find(([family]) => operation.includes(family))?.[1];
  return `REST.${method}.${resource ?? (hasKey ? "OBJECT" : "BUCKET")}`;
}

export type LogKeyFormat = "SimplePrefix" | "EventTime" | "DeliveryTime";

/** `YYYY-MM-DD-hh-mm-ss` in UTC. */
function keyTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}-${pad(d.getUTCMinutes())}-${pad(d.getUTCSeconds())}`;
}

const DAY = 86_400_000;

/** The start (epoch ms, UTC) of the day `ms` falls in: an EventTime log object holds one such day. */
export function logDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

export interface LogObjectSource {
  readonly account: string;
  readonly region: string;
  readonly bucket: string;
}

/**
 * A log object's key (S3 API Reference, TargetObjectKeyFormat and PartitionedPrefix):
 * SimplePrefix `[TargetPrefix][YYYY]-[MM]-[DD]-[hh]-[mm]-[ss]-[UniqueString]`; PartitionedPrefix
 * `[TargetPrefix][SourceAccountId]/[SourceRegion]/[SourceBucket]/[YYYY]/[MM]/[DD]/` before it.
 * With DeliveryTime the time is the delivery's; with EventTime a log object holds one day's
 * events, and its key has that day with the hour, minutes and seconds set to 00.
 */
export function logObjectKey(format: LogKeyFormat, prefix: string, source: LogObjectSource, deliveredAt: number, eventDay: number, unique: string): string {
  if (format === "SimplePrefix") return `${prefix}${keyTime(deliveredAt)}-${unique}`;
  const at = format === "EventTime" ? logDay(eventDay) : deliveredAt;
  const stamp = keyTime(at);
  const [yyyy, mm, dd] = stamp.split("-");
  return `${prefix}${source.account}/${source.region}/${source.bucket}/${yyyy}/${mm}/${dd}/${stamp}-${unique}`;
}

/** The key format a logging configuration asks for; SimplePrefix when it names none. */
export function logKeyFormat(config: { TargetObjectKeyFormat?: { PartitionedPrefix?: { PartitionDateSource?: string } } }): LogKeyFormat {
  const partitioned = config.TargetObjectKeyFormat?.PartitionedPrefix;
  if (partitioned === undefined) return "SimplePrefix";
  // "PartitionedPrefix defaults to EventTime delivery when server access logs are delivered."
  return partitioned.PartitionDateSource === "DeliveryTime" ? "DeliveryTime" : "EventTime";
}
