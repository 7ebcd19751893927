/**
 * Bucket event notifications: validating PutBucketNotificationConfiguration, deciding which
 * configurations an event goes to, and building the exact message S3 delivers.
 *
 * Message shape (S3 user guide, "Event message structure"): `{"Records":[...]}` with
 * eventVersion 2.1 (2.2 for replication events; 2.3 for lifecycle, Intelligent-Tiering, object
 * tagging, object ACL and restore-deletion events), eventSource aws:s3, eventTime in ISO-8601
 * with milliseconds, eventName without the "s3:" prefix, and the object key URL-encoded the
 * way S3 encodes it: like a form value ("red flower.jpg" -> "red+flower.jpg"), every byte but
 * letters, digits, ". - * _" and "/" percent-encoded (see encodeEventKey).
 *
 * Overlap rules: two configurations on a bucket may not both fire for one event on one key.
 * They overlap when their event types overlap (equal, or one is the other's `:*` family) and
 * their filters overlap (one prefix starts the other and one suffix ends the other, a missing
 * rule being the empty string).
 */
import type { AwsError } from "../../../core/errors.js";
import { invalidArgument, s3DomainErrors } from "./errors.js";
import { formEncode } from "./listing.js";

export const NOTIFICATION_EVENTS = [
  "s3:ReducedRedundancyLostObject",
  "s3:ObjectCreated:*",
  "s3:ObjectCreated:Put",
  "s3:ObjectCreated:Post",
  "s3:ObjectCreated:Copy",
  "s3:ObjectCreated:CompleteMultipartUpload",
  "s3:ObjectRemoved:*",
  "s3:ObjectRemoved:Delete",
  "s3:ObjectRemoved:DeleteMarkerCreated",
  "s3:ObjectRestore:*",
  "s3:ObjectRestore:Post",
  "s3:ObjectRestore:Completed",
  "s3:ObjectRestore:Delete",
  "s3:Replication:*",
  "s3:Replication:OperationFailedReplication",
  "s3:Replication:OperationNotTracked",
  "s3:Replication:OperationMissedThreshold",
  "s3:Replication:OperationReplicatedAfterThreshold",
  "s3:LifecycleExpiration:*",
  "s3:LifecycleExpiration:Delete",
  "s3:LifecycleExpiration:DeleteMarkerCreated",
  "s3:LifecycleTransition",
  "s3:IntelligentTiering",
  "s3:ObjectTagging:*",
  "s3:ObjectTagging:Put",
  "s3:ObjectTagging:Delete",
  "s3:ObjectAcl:Put",
] as const;

/** Filter values are limited to 1024 bytes of UTF-8. */
export const MAX_FILTER_VALUE_BYTES = 1024;

// ---------------------------------------------------------------------------------------------
// Configuration (the SDK / model shapes)

export interface FilterRuleInput {
  readonly Name?: string;
  readonly Value?: string;
}

interface CommonConfigurationInput {
  readonly Id?: string;
  readonly Events?: readonly string[];
  readonly Filter?: { readonly Key?: { readonly FilterRules?: readonly FilterRuleInput[] } };
}

export interface NotificationConfigurationInput {
  readonly QueueConfigurations?: readonly (CommonConfigurationInput & { readonly QueueArn?: string })[];
  readonly TopicConfigurations?: readonly (CommonConfigurationInput & { readonly TopicArn?: string })[];
  readonly LambdaFunctionConfigurations?: readonly (CommonConfigurationInput & { readonly LambdaFunctionArn?: string })[];
  readonly EventBridgeConfiguration?: object;
}

export type DestinationType = "Queue" | "Topic" | "LambdaFunction";

/** One validated configuration, flattened. */
export interface NotificationRule {
  readonly id: string;
  readonly destinationType: DestinationType;
  readonly destinationArn: string;
  readonly events: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
}

export interface NormalizedNotificationConfiguration {
  readonly rules: NotificationRule[];
  /** EventBridgeConfiguration present: every event also goes to the default event bus. */
  readonly eventBridge: boolean;
}

/**
 * `field` is the ArgumentName S3 sends with "The ARN could not be parsed": the element names of
 * the older notification API (<Queue>, <Topic>, <CloudFunction>), not the current *Arn ones, as
 * AWS's answers recorded in LocalStack's test_invalid_sqs_arn, test_invalid_topic_arn and
 * test_invalid_lambda_arn snapshots show.
 */
const ARN_FIELDS: Record<DestinationType, { field: string; service: string }> = {
  Queue: { field: "Queue", service: "sqs" },
  Topic: { field: "Topic", service: "sns" },
  LambdaFunction: { field: "CloudFunction", service: "lambda" },
};

/**
 * Validates a PutBucketNotificationConfiguration body and flattens it. Configurations without
 * an Id get one from `generateId` (S3 assigns one). Destination existence and permissions are
 * checked by the caller, which reports them all at once with `destinationValidationError`.
 */
export function normalizeNotificationConfiguration(
  input: NotificationConfigurationInput,
  generateId: () => string,
): NormalizedNotificationConfiguration {
  const rules: NotificationRule[] = [];
  const entries: { type: DestinationType; config: CommonConfigurationInput; arn: string | undefined }[] = [
    ...(input.QueueConfigurations ?? []).map((config) => ({ type: "Queue" as const, config, arn: config.QueueArn })),
    ...(input.TopicConfigurations ?? []).map((config) => ({ type: "Topic" as const, config, arn: config.TopicArn })),
    ...(input.LambdaFunctionConfigurations ?? []).map((config) => ({
      type: "LambdaFunction" as const,
      config,
      arn: config.LambdaFunctionArn,
    })),
  ];
  for (const { type, config, arn } of entries) {
    const { field, service } = ARN_FIELDS[type];
    if (arn === undefined || !config.Events || config.Events.length === 0) throw s3DomainErrors.MalformedXML();
    if (!new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]+:\\d{12}:.+$`).test(arn)) {
      throw invalidArgument("The ARN could not be parsed", field, arn);
    }
    // An event S3 does not know is InvalidArgument "The event is not supported for
    // notifications", not a schema error (moto's test_put_bucket_notification_errors, written
    // against AWS; the same words in other S3 emulators' checks).
    for (const event of config.Events) {
      if (!(NOTIFICATION_EVENTS as readonly string[]).includes(event)) throw invalidArgument("The event is not supported for notifications");
    }
    const { prefix, suffix } = parseFilterRules(config.Filter?.Key?.FilterRules ?? []);
    rules.push({
      id: config.Id || generateId(),
      destinationType: type,
      destinationArn: arn,
      events: [...new Set(config.Events)],
      ...(prefix !== undefined ? { prefix } : {}),
      ...(suffix !== undefined ? { suffix } : {}),
    });
  }
  validateNoOverlap(rules);
  return { rules, eventBridge: input.EventBridgeConfiguration !== undefined };
}

function parseFilterRules(filterRules: readonly FilterRuleInput[]): { prefix?: string; suffix?: string } {
  let prefix: string | undefined;
  let suffix: string | undefined;
  for (const rule of filterRules) {
    const name = (rule.Name ?? "").toLowerCase();
    const value = rule.Value ?? "";
    // S3 names the member and gives the rejected name (LocalStack's
    // test_bucket_notification_with_invalid_filter_rules snapshot of AWS).
    if (name !== "prefix" && name !== "suffix") {
      throw invalidArgument("filter rule name must be either prefix or suffix", "FilterRule.Name", rule.Name ?? "");
    }
    if (value === "") throw invalidArgument("filter value cannot be empty", rule.Name ?? "", value);
    if (Buffer.byteLength(value, "utf8") > MAX_FILTER_VALUE_BYTES) {
      throw invalidArgument("Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation", rule.Name ?? "", value);
    }
    if (name === "prefix") {
      if (prefix !== undefined) throw invalidArgument("Cannot specify more than one prefix rule in a filter.", rule.Name ?? "", value);
      prefix = value;
    } else {
      if (suffix !== undefined) throw invalidArgument("Cannot specify more than one suffix rule in a filter.", rule.Name ?? "", value);
      suffix = value;
    }
  }
  return { ...{}, ...(prefix !== undefined ? { prefix } : {}), ...(suffix !== undefined ? { suffix } : {}) };
}

/** True when some event could match both patterns. */
export function eventPatternsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const family = (p: string): string | undefined => (p.endsWith(":*") ? p.slice(0, -1) : undefined);
  const fa = family(a);
  const fb = family(b);
  return (fa !== undefined && b.startsWith(fa)) || (fb !== undefined && a.startsWith(fb));
}

function filtersOverlap(a: NotificationRule, b: NotificationRule): boolean {
  const pa = a.prefix ?? "";
  const pb = b.prefix ?? "";
  const sa = a.suffix ?? "";
  const sb = b.suffix ?? "";
  return (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
}

function validateNoOverlap(rules: readonly NotificationRule[]): void {
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const a = rules[i] as NotificationRule;
      const b = rules[j] as NotificationRule;
      if (!filtersOverlap(a, b)) continue;
      for (const ea of a.events) {
        const eb = b.events.find((e) => eventPatternsOverlap(ea, e));
        if (eb === undefined) continue;
        const unfiltered = a.prefix === undefined && a.suffix === undefined && b.prefix === undefined && b.suffix === undefined;
        if (unfiltered) {
          throw invalidArgument(
            "Configurations overlap. Configurations on the same bucket cannot share a common event type.",
            "Event",
            `${ea}, ${eb}`,
          );
        }
        throw invalidArgument(
          "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.",
        );
      }
    }
  }
}

/**
 * "The Amazon SQS queue [SNS topic, Lambda function] must be in the same AWS Region as your
 * Amazon S3 bucket" (S3 User Guide, "Supported event destinations"). S3 refuses any other Region
 * with InvalidArgument, before it looks for the destination, skipped validation or not; the
 * sentence is S3's as recorded in moto's tests of the configuration.
 */
export function checkDestinationRegions(rules: readonly NotificationRule[], bucketRegion: string): void {
  for (const rule of rules) {
    if (rule.destinationArn.split(":")[3] !== bucketRegion) {
      throw invalidArgument("The notification destination service region is not valid for the bucket location constraint");
    }
  }
}

/** A destination S3 could not validate, and S3's reason. */
export interface DestinationFailure {
  readonly destinationType: DestinationType;
  readonly arn: string;
  readonly reason: string;
}

/**
 * The error S3 answers when destinations do not exist or do not let S3 publish to them:
 * InvalidArgument "Unable to validate the following destination configurations", listing every
 * failed destination as ArgumentName1/ArgumentValue1, ArgumentName2/... (its ARN and the reason).
 * S3 writes a function's ARN with ", null" after it.
 */
export function destinationValidationError(failures: readonly DestinationFailure[]): AwsError {
  const fields: Record<string, string> = {};
  failures.forEach((failure, i) => {
    fields[`ArgumentName${i + 1}`] = failure.destinationType === "LambdaFunction" ? `${failure.arn}, null` : failure.arn;
    fields[`ArgumentValue${i + 1}`] = failure.reason;
  });
  return s3DomainErrors.InvalidArgument({ message: "Unable to validate the following destination configurations" }, { fields });
}

// ---------------------------------------------------------------------------------------------
// Matching

/** Adds the "s3:" prefix when missing: "ObjectCreated:Put" -> "s3:ObjectCreated:Put". */
export function fullEventName(eventName: string): string {
  return eventName.startsWith("s3:") ? eventName : `s3:${eventName}`;
}

/** Does a configured event pattern (`s3:ObjectCreated:*`) cover a concrete event? */
export function eventMatches(pattern: string, eventName: string): boolean {
  const event = fullEventName(eventName);
  if (pattern === event) return true;
  return pattern.endsWith(":*") && event.startsWith(pattern.slice(0, -1));
}

/** Prefix and suffix apply to the raw key (not the encoded one). */
export function keyMatchesFilter(rule: Pick<NotificationRule, "prefix" | "suffix">, key: string): boolean {
  return (rule.prefix === undefined || key.startsWith(rule.prefix)) && (rule.suffix === undefined || key.endsWith(rule.suffix));
}

/** The configurations an event on `key` is delivered to. */
export function matchingNotificationRules(rules: readonly NotificationRule[], eventName: string, key: string): NotificationRule[] {
  return rules.filter((rule) => rule.events.some((p) => eventMatches(p, eventName)) && keyMatchesFilter(rule, key));
}

// ---------------------------------------------------------------------------------------------
// Messages

/**
 * The key as S3 writes it in event messages: form encoding (space -> "+", "+" -> "%2B",
 * ":" -> "%3A", "=" -> "%3D", UTF-8 bytes percent-encoded) except that "/" stays as it is.
 * AWS's own s3:LifecycleExpiration:Delete example (S3 User Guide, "Configuring S3 Lifecycle
 * event notifications") carries "key":"expiration/delete", and messages captured from S3 show
 * the slash unencoded (minio/minio#11665: "in reality the slash character is not encoded,
 * while otherwise using query-style encoding"). The "test%2Fkey" of the Lambda console's
 * template is a hand-written sample, not a message S3 sent.
 */
export function encodeEventKey(key: string): string {
  return formEncode(key).replaceAll("%2F", "/");
}

/** The eventVersion S3 stamps on an event type. */
export function eventVersionFor(eventName: string): "2.1" | "2.2" | "2.3" {
  const event = fullEventName(eventName);
  if (event.startsWith("s3:Replication:")) return "2.2";
  if (
    event.startsWith("s3:LifecycleExpiration:") ||
    event === "s3:LifecycleTransition" ||
    event === "s3:IntelligentTiering" ||
    event.startsWith("s3:ObjectTagging:") ||
    event === "s3:ObjectAcl:Put" ||
    event === "s3:ObjectRestore:Delete"
  ) {
    return "2.3";
  }
  return "2.1";
}

/**
 * A sequencer: upper-case hex that grows with each event on a key. S3 says to compare two
 * sequencers as strings after left-padding the shorter with zeros; 18 digits are always sent
 * (AWS's example: "0055AED6DCD90281E5").
 */
export function formatSequencer(value: bigint | number): string {
  return BigInt(value).toString(16).toUpperCase().padStart(18, "0");
}

/**
 * Whether an event type's records carry a sequencer. S3 orders the events that create and
 * remove objects (and restores); tag and ACL changes arrive with only the key, eTag and
 * version: AWS's ObjectTagging:Put, ObjectTagging:Delete and ObjectAcl:Put messages recorded in
 * LocalStack's test_s3_notifications_sqs snapshots have neither sequencer nor size. An
 * IntelligentTiering message has none either: its object is key, size and eTag in the S3 user
 * guide's example ("Managing S3 Intelligent-Tiering").
 */
export function eventCarriesSequencer(eventName: string): boolean {
  const event = fullEventName(eventName);
  return !event.startsWith("s3:ObjectTagging:") && event !== "s3:ObjectAcl:Put" && event !== "s3:IntelligentTiering";
}

/**
 * The eTag of a delete marker in its events: it holds no data, so S3 gives the MD5 of nothing.
 * AWS's ObjectRemoved:DeleteMarkerCreated messages carry it, as do the "Object Deleted"
 * (Delete Marker Created) examples of the S3 user guide's "EventBridge event message structure".
 */
export const DELETE_MARKER_ETAG = "d41d8cd98f00b204e9800998ecf8427e";

/** s3:ObjectRemoved:DeleteMarkerCreated and s3:LifecycleExpiration:DeleteMarkerCreated. */
export function isDeleteMarkerEvent(eventName: string): boolean {
  return eventName.endsWith(":DeleteMarkerCreated");
}

export interface S3EventObject {
  /** The raw key; it is encoded here. */
  readonly key: string;
  /** Present for creation (and restore) events; omitted for removals. */
  readonly size?: number;
  /** Unquoted hex ETag; present for creation events. */
  readonly eTag?: string;
  /** Only for versioned buckets. */
  readonly versionId?: string;
  /** Absent for the event types that carry none (eventCarriesSequencer). */
  readonly sequencer?: string;
}

export interface S3EventInput {
  /** With or without the "s3:" prefix. */
  readonly eventName: string;
  /** Epoch ms. */
  readonly eventTime: number;
  /** The bucket's region. */
  readonly awsRegion: string;
  /** The requester: "AWS:AIDA..." for an IAM user, the account's canonical form otherwise. */
  readonly principalId: string;
  readonly sourceIPAddress: string;
  readonly requestId: string;
  readonly hostId: string;
  readonly configurationId: string;
  readonly bucket: { readonly name: string; readonly ownerPrincipalId: string; readonly arn?: string };
  readonly object: S3EventObject;
  /** glacierEventData for s3:ObjectRestore:Completed. */
  readonly restore?: { readonly lifecycleRestorationExpiryTime: number; readonly lifecycleRestoreStorageClass: string };
  /** lifecycleEventData for s3:LifecycleTransition. */
  readonly transition?: { readonly destinationStorageClass: string };
  /** intelligentTieringEventData for s3:IntelligentTiering. */
  readonly intelligentTiering?: { readonly destinationAccessTier: string };
}

export interface S3EventRecord {
  eventVersion: string;
  eventSource: "aws:s3";
  awsRegion: string;
  eventTime: string;
  eventName: string;
  userIdentity: { principalId: string };
  requestParameters: { sourceIPAddress: string };
  responseElements: { "x-amz-request-id": string; "x-amz-id-2": string };
  s3: {
    s3SchemaVersion: "1.0";
    configurationId: string;
    bucket: { name: string; ownerIdentity: { principalId: string }; arn: string };
    object: { key: string; size?: number; eTag?: string; versionId?: string; sequencer?: string };
  };
  glacierEventData?: {
    restoreEventData: { lifecycleRestorationExpiryTime: string; lifecycleRestoreStorageClass: string };
  };
  lifecycleEventData?: { transitionEventData: { destinationStorageClass: string } };
  intelligentTieringEventData?: { destinationAccessTier: string };
}

/** One record, keys in S3's order. */
export function buildS3EventRecord(input: S3EventInput): S3EventRecord {
  const event = fullEventName(input.eventName);
  const object: S3EventRecord["s3"]["object"] = {
    key: encodeEventKey(input.object.key),
    ...(input.object.size !== undefined ? { size: input.object.size } : {}),
    ...(input.object.eTag !== undefined ? { eTag: input.object.eTag.replace(/^"|"$/g, "") } : {}),
    ...(input.object.versionId !== undefined ? { versionId: input.object.versionId } : {}),
    ...(input.object.sequencer !== undefined ? { sequencer: input.object.sequencer } : {}),
  };
  const record: S3EventRecord = {
    eventVersion: eventVersionFor(event),
    eventSource: "aws:s3",
    awsRegion: input.awsRegion,
    eventTime: new Date(input.eventTime).toISOString(),
    eventName: event.slice("s3:".length),
    userIdentity: { principalId: input.principalId },
    requestParameters: { sourceIPAddress: input.sourceIPAddress },
    responseElements: { "x-amz-request-id": input.requestId, "x-amz-id-2": input.hostId },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: input.configurationId,
      bucket: {
        name: input.bucket.name,
        ownerIdentity: { principalId: input.bucket.ownerPrincipalId },
        arn: input.bucket.arn ?? `arn:aws:s3:::${input.bucket.name}`,
      },
      object,
    },
  };
  if (input.restore) {
    record.glacierEventData = {
      restoreEventData: {
        lifecycleRestorationExpiryTime: new Date(input.restore.lifecycleRestorationExpiryTime).toISOString(),
        lifecycleRestoreStorageClass: input.restore.lifecycleRestoreStorageClass,
      },
    };
  }
  // S3 user guide, "Configuring S3 Lifecycle event notifications": transition messages also
  // carry the class the object moved to.
  if (input.transition) record.lifecycleEventData = { transitionEventData: { destinationStorageClass: input.transition.destinationStorageClass } };
  // S3 user guide, "Managing S3 Intelligent-Tiering": the archive tier the object moved to.
  if (input.intelligentTiering) record.intelligentTieringEventData = { destinationAccessTier: input.intelligentTiering.destinationAccessTier };
  return record;
}

/** The message body delivered to SQS / SNS / Lambda: `{"Records":[record]}`. */
export function buildS3EventMessage(records: readonly S3EventRecord[]): { Records: S3EventRecord[] } {
  return { Records: [...records] };
}

export interface S3TestEvent {
  Service: "Amazon S3";
  Event: "s3:TestEvent";
  Time: string;
  Bucket: string;
  RequestId: string;
  HostId: string;
}

/** The message S3 sends to each destination when a notification configuration is saved. */
export function buildTestEvent(input: { bucket: string; time: number; requestId: string; hostId: string }): S3TestEvent {
  return {
    Service: "Amazon S3",
    Event: "s3:TestEvent",
    Time: new Date(input.time).toISOString(),
    Bucket: input.bucket,
    RequestId: input.requestId,
    HostId: input.hostId,
  };
}
