/**
 * Bucket event notifications at run time: handlers emit `s3:Object` events into their unit of
 * work (so nothing is sent for a write that failed), and a listener started with the service
 * delivers each one, after commit, to the configurations of the bucket that match it, through
 * in-process calls to SQS SendMessage, SNS Publish and Lambda Invoke (asynchronous), with the
 * message S3 sends.
 *
 * A request's or a lifecycle action's event that some configuration will send is also written,
 * in the change's own transaction, to an outbox the listener empties once it has sent it; what a kill -9 left there
 * between the commit and the sending goes out when the service starts again. So a committed
 * write's notifications arrive at least once, as S3's do ("Amazon S3 event notifications are
 * designed to be delivered at least once", S3 User Guide); one sent just before a kill may come
 * twice.
 */
import { callerUserId } from "../../auth/access.js";
import { AwsError, failedOnItsOwnSide } from "../../core/errors.js";
import type { EventScope } from "../../core/events.js";
import { parseArn } from "../../core/arn.js";
import type { Invoke, Scope, ServiceEnvironment } from "../../core/service.js";
import { hostId, s3RequestId } from "../../protocol/codec.js";
import {
  buildS3EventMessage,
  buildS3EventRecord,
  buildTestEvent,
  DELETE_MARKER_ETAG,
  eventCarriesSequencer,
  formatSequencer,
  isDeleteMarkerEvent,
  matchingNotificationRules,
  type NormalizedNotificationConfiguration,
  type NotificationRule,
} from "./domain/notifications.js";
import type { S3Context } from "./index.js";
import { restoreNotificationHolds } from "./restore-runner.js";
import { canonicalUserId, type BucketConfigKind, type BucketRow, type S3Store } from "./store.js";

export interface S3ObjectEvent {
  /** With the "s3:" prefix: s3:ObjectCreated:Put, s3:ObjectRemoved:DeleteMarkerCreated... */
  readonly eventName: string;
  /** Its row in the notification outbox, when a configuration sends it (emitObjectEvent). */
  readonly owed?: number;
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
  readonly eTag?: string;
  readonly versionId?: string;
  /** Only for the event types S3 orders (eventCarriesSequencer). */
  readonly sequencer?: string;
  readonly eventTime: number;
  readonly requestId: string;
  readonly sourceIp: string;
  /** userIdentity.principalId as S3 writes it: "AWS:..." for a requester, s3.amazonaws.com or "AmazonCustomer:..." for S3 itself. */
  readonly principalId: string;
  /** The request's X-Amzn-Trace-Id header: a queue's message carries it as AWSTraceHeader. */
  readonly traceHeader?: string;
  /** s3:ObjectRestore:Completed: when the restored copy expires and the archive class. */
  readonly restore?: { readonly expiresAt: number; readonly storageClass: string };
  /** s3:LifecycleTransition: the storage class the object moved to. */
  readonly transition?: { readonly storageClass: string };
  /** s3:IntelligentTiering: the archive tier the object moved to. */
  readonly intelligentTiering?: { readonly destinationAccessTier: string };
}

/** The event-type-specific data of a change S3 made itself. */
export type S3EventData = Pick<S3ObjectEvent, "restore" | "transition" | "intelligentTiering">;

declare module "../../core/events.js" {
  interface NimbusEventMap {
    /** A committed change to an object, as S3 event notifications describe it. */
    "s3:Object": S3ObjectEvent;
  }
}

/** Emits an object event; it is delivered only if the operation succeeds. */
export function emitObjectEvent(
  ctx: S3Context,
  bucket: BucketRow,
  eventName: string,
  object: { key: string; size?: number; eTag?: string; versionId?: string },
): void {
  const trace = ctx.caller.traceHeader;
  const origin = { requestId: ctx.requestId, sourceIp: ctx.caller.sourceIp, principalId: `AWS:${callerUserId(ctx)}`, ...(trace !== undefined ? { traceHeader: trace } : {}) };
  const event = objectEvent(ctx.store, bucket, eventName, object, ctx.clock.now(), origin);
  ctx.emit("s3:Object", owed(ctx.store, bucket, event));
}

/**
 * The event, owed in the outbox when some configuration of the bucket will send it (a bucket
 * without any pays one check). Called in the transaction of the change it tells of.
 */
export function owed(store: S3Store, bucket: BucketRow, event: S3ObjectEvent): S3ObjectEvent {
  const sends = bucket.notifications !== null && matchingNotificationRules(notificationRules(bucket).rules, event.eventName, event.key).length > 0;
  return sends ? { ...{}, ...event, owed: store.oweNotification(JSON.stringify(event)) } : event;
}

/**
 * Who made a change S3 made itself (lifecycle actions): s3.amazonaws.com as both principal and
 * source, as in the s3:LifecycleExpiration:Delete example of the S3 user guide ("Configuring S3
 * Lifecycle event notifications").
 */
export function s3Origin(): { requestId: string; sourceIp: string; principalId: string } {
  // A request id of S3's form, as the examples' responseElements carry (C3D13FE58DE4C810).
  return { requestId: s3RequestId(), sourceIp: "s3.amazonaws.com", principalId: "s3.amazonaws.com" };
}

/**
 * Who completes a restore: S3 on behalf of the bucket owner, whose id follows "AmazonCustomer:"
 * (AWS's ObjectRestore:Completed message in LocalStack's test_restore_object snapshot, where it
 * is the bucket's ownerIdentity principalId).
 */
export function restoreOrigin(bucket: Pick<BucketRow, "account_id">): { requestId: string; sourceIp: string; principalId: string } {
  return { ...{}, ...s3Origin(), principalId: `AmazonCustomer:${canonicalUserId(bucket.account_id)}` };
}

/** The event detail for a change made by a request or by S3 itself (lifecycle, restores). */
export function objectEvent(
  store: S3Store,
  bucket: BucketRow,
  eventName: string,
  object: { key: string; size?: number; eTag?: string; versionId?: string },
  now: number,
  origin: { requestId: string; sourceIp: string; principalId: string; traceHeader?: string },
  data: S3EventData = {},
): S3ObjectEvent {
  const eTag = isDeleteMarkerEvent(eventName) ? DELETE_MARKER_ETAG : object.eTag;
  return {
    eventName,
    bucket: bucket.name,
    key: object.key,
    ...(object.size !== undefined ? { size: object.size } : {}),
    ...(eTag !== undefined ? { eTag } : {}),
    // Version ids appear in events only for buckets with versioning configured.
    ...(object.versionId !== undefined && bucket.versioning !== null ? { versionId: object.versionId } : {}),
    ...(eventCarriesSequencer(eventName) ? { sequencer: formatSequencer(store.nextSequencer(now)) } : {}),
    eventTime: now,
    ...origin,
    ...data,
  };
}

export function notificationRules(bucket: BucketRow): NormalizedNotificationConfiguration {
  return bucket.notifications ? (JSON.parse(bucket.notifications) as NormalizedNotificationConfiguration) : { rules: [], eventBridge: false };
}

/** Where a destination lives: its parsed ARN and the account and region calls to it run in. */
function destinationOf(rule: NotificationRule): { arn: NonNullable<ReturnType<typeof parseArn>>; scope: Scope } {
  const arn = parseArn(rule.destinationArn);
  // Configurations are stored only once their ARNs parse (normalizeNotificationConfiguration).
  if (!arn) throw new Error(`bad destination ARN ${rule.destinationArn}`);
  return { arn, scope: { account: arn.account, region: arn.region } };
}

/**
 * Sends an event to a destination, as s3.amazonaws.com for the bucket, which the queue's, topic's
 * or function's policy must allow when policies are enforced. `DryRun` only asks Lambda whether
 * S3 may invoke the function, without running it. A request's X-Ray trace header reaches a
 * queue's message as its AWSTraceHeader system attribute (AWS's message in LocalStack's
 * test_xray_header snapshot).
 */
async function deliver(
  invoke: Invoke,
  rule: NotificationRule,
  body: string,
  bucket: Pick<BucketRow, "name" | "account_id">,
  options: { lambdaInvocation?: "Event" | "DryRun"; traceHeader?: string | undefined } = {},
): Promise<void> {
  const { arn, scope } = destinationOf(rule);
  const s3 = { service: "s3.amazonaws.com", sourceArn: `arn:aws:s3:::${bucket.name}`, sourceAccount: bucket.account_id };
  switch (rule.destinationType) {
    case "Queue": {
      const { QueueUrl } = await invoke<{ QueueUrl: string }>("sqs", "GetQueueUrl", { QueueName: arn.resource, QueueOwnerAWSAccountId: arn.account }, scope);
      const trace = options.traceHeader !== undefined ? { MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: options.traceHeader } } } : {};
      await invoke("sqs", "SendMessage", { QueueUrl, MessageBody: body, ...trace }, scope, s3);
      return;
    }
    case "Topic":
      await invoke("sns", "Publish", { TopicArn: rule.destinationArn, Message: body, Subject: "Amazon S3 Notification" }, scope, s3);
      return;
    case "LambdaFunction":
      await invoke("lambda", "Invoke", { FunctionName: rule.destinationArn, InvocationType: options.lambdaInvocation ?? "Event", Payload: Buffer.from(body) }, scope, s3);
      return;
  }
}

/** Whether a call to another service answered; its AWS error means no. */
async function answered(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (err) {
    if (!(err instanceof AwsError)) throw err;
    return false;
  }
}

/**
 * Why S3 cannot use a configuration's destination, or undefined when it can, in S3's words. A
 * function is not run: a dry-run invoke asks whether its policy lets S3 invoke it, and a function
 * S3 cannot see is one it may not invoke. A queue or topic must exist, then take an
 * s3:TestEvent, which its policy must let the bucket send when policies are enforced.
 */
export async function destinationProblem(ctx: S3Context, rule: NotificationRule, bucket: BucketRow): Promise<string | undefined> {
  const body = JSON.stringify(buildTestEvent({ bucket: bucket.name, time: ctx.clock.now(), requestId: ctx.requestId, hostId: hostId(ctx.requestId) }));
  if (rule.destinationType === "LambdaFunction") {
    return (await answered(deliver(ctx.invoke, rule, body, bucket, { lambdaInvocation: "DryRun" }))) ? undefined : `Not authorized to invoke function [${rule.destinationArn}]`;
  }
  const noun = rule.destinationType === "Queue" ? "queue" : "topic";
  const { arn, scope } = destinationOf(rule);
  const lookup =
    rule.destinationType === "Queue"
      ? ctx.invoke("sqs", "GetQueueUrl", { QueueName: arn.resource, QueueOwnerAWSAccountId: arn.account }, scope)
      : ctx.invoke("sns", "GetTopicAttributes", { TopicArn: rule.destinationArn }, scope);
  if (!(await answered(lookup))) return `The destination ${noun} does not exist`;
  // A policy that refuses the bucket, or a destination S3 cannot publish to (a FIFO queue).
  if (!(await answered(deliver(ctx.invoke, rule, body, bucket)))) return `Permissions on the destination ${noun} do not allow S3 to publish notifications from this bucket`;
  return undefined;
}

/**
 * How often notifications still owed are looked for: one owed at two looks in a row, and not
 * being sent, is sent again.
 */
export const NOTIFICATION_RETRY_INTERVAL = 60_000;

/** The events a sweep of S3's own changes owes, each with the scope of its bucket. */
export type SweptEvents = { event: S3ObjectEvent; scope: EventScope }[];

/**
 * Runs `sweepBucket` on every bucket with a `kind` configuration as the service starts and then
 * every `interval` of (injected) clock time, each bucket's changes in its own transaction, and
 * publishes the events each returns once they committed. The sweep at start catches up with what
 * fell due while Nimbus was down: with only the one an interval after start, a Nimbus restarted
 * more often than that never expired an object, where S3 removes it once its lifetime ends,
 * stopped or not. A bucket whose sweep fails (a full disk) is logged and tried again at the next
 * sweep; it holds up no other bucket (whose expiries may be what frees the space).
 */
export function sweepEvery(
  env: ServiceEnvironment,
  store: S3Store,
  interval: number,
  kind: BucketConfigKind,
  sweepBucket: (store: S3Store, bucket: string, now: number) => SweptEvents,
  name: string,
): () => void {
  const run = (): void => {
    const now = env.clock.now();
    for (const bucket of store.bucketsWithConfig(kind)) {
      let events: SweptEvents;
      try {
        events = sweepBucket(store, bucket, now);
      } catch (error) {
        env.logger.warn({ msg: `${name} failed for a bucket, to be tried again at the next sweep`, bucket, error: String(error) });
        continue;
      }
      for (const { event, scope } of events) env.events.publish("s3:Object", event, scope);
    }
  };
  return env.scheduler.every(interval, run, name, { fromNow: true });
}

/**
 * Subscribes the delivery of object events, and sends the notifications a previous run owed
 * (those in the outbox now: a request served from here on owes its own, which its event sends);
 * one owed for later (a restore's, restore-runner.ts) is sent when it is due, if it still holds
 * then. Every NOTIFICATION_RETRY_INTERVAL it sends again what is still owed since the previous
 * look and is not being sent: a notification whose destination could not take it for a failure
 * of its own (a full disk), and one whose event never went out (a sweep that failed part-way).
 * Returns the unsubscribe.
 */
export function startNotifications(env: ServiceEnvironment, store: S3Store): () => void {
  const cancels = new Set<() => void>();
  // The owed notifications being sent now, which the retries leave alone, and those sent whose
  // forgetting failed (a full disk fails a DELETE too), which are forgotten, not sent again.
  const sending = new Set<number>();
  const sent = new Set<number>();
  const forget = (seq: number): void => {
    sent.add(seq);
    store.notificationSent(seq);
    sent.delete(seq);
  };
  const send = async (seq: number, detail: S3ObjectEvent): Promise<void> => {
    sending.add(seq);
    try {
      await sendNotifications(env, store, detail);
    } catch (error) {
      // A destination that failed on its own side (a 5xx, or a failure such as a full disk): the
      // notification stays owed, and goes again later to every destination (at least once, as S3
      // promises). One that refused is forgotten: S3 does not retry it.
      if (failedOnItsOwnSide(error)) {
        env.logger.warn({ msg: "s3 event notification not delivered, to be sent again", bucket: detail.bucket, key: detail.key, event: detail.eventName, error: String(error) });
        return;
      }
      forget(seq);
      throw error;
    } finally {
      sending.delete(seq);
    }
    forget(seq);
  };
  const sendDue = async (seq: number): Promise<void> => {
    const owed = store.owedNotification(seq);
    if (owed === undefined) return;
    if (!restoreNotificationHolds(store, owed)) return store.notificationSent(seq);
    const event = JSON.parse(owed.event) as S3ObjectEvent;
    // One owed for later is ordered among the key's events by when it happened, not when it was owed.
    const sequencer = owed.due_at !== null && event.sequencer !== undefined ? { sequencer: formatSequencer(store.nextSequencer(env.clock.now())) } : {};
    await send(seq, { ...{}, ...event, ...sequencer });
  };
  const arm = (seq: number, at: number): void => {
    const cancel = env.scheduler.at(
      at,
      () => {
        cancels.delete(cancel);
        return sendDue(seq);
      },
      "s3 notification due",
    );
    cancels.add(cancel);
  };
  store.onNotificationDue(arm);
  const now = env.clock.now();
  // What the previous run left owed and due: the first look, at start, sends it.
  let seen = new Set<number>();
  for (const owed of store.owedNotifications()) {
    if (owed.due_at !== null && owed.due_at > now) arm(owed.seq, owed.due_at);
    else seen.add(owed.seq);
  }
  cancels.add(
    env.scheduler.every(
      NOTIFICATION_RETRY_INTERVAL,
      async () => {
        const due: number[] = [];
        const owedNow = new Set<number>();
        for (const owed of store.owedNotifications()) {
          if (owed.due_at !== null && owed.due_at > env.clock.now()) continue;
          owedNow.add(owed.seq);
          if (seen.has(owed.seq) && !sending.has(owed.seq)) due.push(owed.seq);
        }
        seen = owedNow;
        for (const seq of due) {
          if (sent.has(seq)) forget(seq);
          else await sendDue(seq);
        }
      },
      "s3 notifications owed",
      { fromNow: true },
    ),
  );
  const unsubscribe = env.events.subscribe("s3:Object", async (event) => {
    const detail = event.detail;
    if (detail.owed === undefined) return sendNotifications(env, store, detail);
    await send(detail.owed, detail);
  });
  return () => {
    store.onNotificationDue(undefined);
    for (const cancel of cancels) cancel();
    unsubscribe();
  };
}

/** Sends an object event to the bucket's configurations that match it. */
async function sendNotifications(env: ServiceEnvironment, store: S3Store, detail: S3ObjectEvent): Promise<void> {
  const bucket = store.bucket(detail.bucket);
  if (!bucket) return;
  const config = notificationRules(bucket);
  const rules = matchingNotificationRules(config.rules, detail.eventName, detail.key);
  await Promise.all(
    rules.map((rule) => {
      const record = buildS3EventRecord({
        eventName: detail.eventName,
        eventTime: detail.eventTime,
        awsRegion: bucket.region,
        principalId: detail.principalId,
        sourceIPAddress: detail.sourceIp,
        requestId: detail.requestId,
        hostId: hostId(detail.requestId),
        configurationId: rule.id,
        bucket: { name: bucket.name, ownerPrincipalId: canonicalUserId(bucket.account_id) },
        object: {
          key: detail.key,
          ...(detail.size !== undefined ? { size: detail.size } : {}),
          ...(detail.eTag !== undefined ? { eTag: detail.eTag } : {}),
          ...(detail.versionId !== undefined ? { versionId: detail.versionId } : {}),
          ...(detail.sequencer !== undefined ? { sequencer: detail.sequencer } : {}),
        },
        ...(detail.restore ? { restore: { lifecycleRestorationExpiryTime: detail.restore.expiresAt, lifecycleRestoreStorageClass: detail.restore.storageClass } } : {}),
        ...(detail.transition ? { transition: { destinationStorageClass: detail.transition.storageClass } } : {}),
        ...(detail.intelligentTiering ? { intelligentTiering: detail.intelligentTiering } : {}),
      });
      return deliver(env.invoke, rule, JSON.stringify(buildS3EventMessage([record])), bucket, { traceHeader: detail.traceHeader });
    }),
  );
}
