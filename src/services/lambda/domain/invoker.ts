/**
 * Running a resolved function: reserved and account concurrency throttling, the engine, shipping
 * the log to CloudWatch Logs, and asynchronous invocation (queued through the scheduler, retried
 * twice on error one then two minutes later, then sent to the OnFailure destination or the
 * dead-letter queue or topic; successes to the OnSuccess destination).
 *
 * The asynchronous queue is durable: an event is written to the database before Invoke answers
 * 202, its attempts and next due time are recorded as they happen, and it is removed once it has
 * reached its end. A Nimbus restarted on the same data dir resumes every pending event
 * (`resumeAsyncEvents`); one that was running when the process stopped runs again, since Lambda
 * delivers asynchronous events at least once.
 */
import { randomUUID } from "node:crypto";
import { parseArn } from "../../../core/arn.js";
import { AwsError, failedOnItsOwnSide } from "../../../core/errors.js";
import { putLogEvents } from "../../../core/log-events.js";
import type { Scope } from "../../../core/service.js";
import { errors } from "../errors.js";
import { accountConcurrency } from "../limits.js";
import type { FunctionCredentials, FunctionSpec, InvokeResult } from "../runtime/types.js";
import type { EventInvokeConfig, LambdaStore, VersionConfig } from "../store.js";
import { functionArn } from "./arns.js";
import type { ResolvedFunction } from "./functions.js";

export interface RunOptions {
  requestId?: string;
  /** JSON text of the client context (Invoke's base64 ClientContext, decoded). */
  clientContext?: string;
}

// Execution-role sessions are renewed this long before they expire (Lambda refreshes them in the background).
const CREDENTIAL_MARGIN_MS = 5 * 60_000;

/**
 * The execution role's credentials, as Lambda gives them to the function: an STS session of the
 * role named after the function, so the function's SDK calls act as `assumed-role/<role>/<name>`.
 * Without STS (or for a role it refuses) the engine's default keys are used.
 */
function roleCredentials(store: LambdaStore, scope: Scope, config: VersionConfig): Promise<FunctionCredentials | undefined> {
  const key = `${scope.account}/${scope.region}/${config.name}/${config.role}`;
  const cached = store.roleSessions.get(key);
  if (cached && cached.expiration - CREDENTIAL_MARGIN_MS > store.env.clock.now()) return Promise.resolve(cached.credentials);
  // Concurrent cold invocations share one session: credentials are part of an environment's
  // configuration, so a second session would retire the environments started with the first.
  let pending = store.pendingRoleSessions.get(key);
  if (!pending) {
    pending = assumeRole(store, scope, config, key).finally(() => store.pendingRoleSessions.delete(key));
    store.pendingRoleSessions.set(key, pending);
  }
  return pending;
}

/** DeleteFunction: the function's execution-role sessions go with it (names hold no "/", so the prefix is its own). */
export function forgetRoleSessions(store: LambdaStore, scope: Scope, name: string): void {
  const prefix = `${scope.account}/${scope.region}/${name}/`;
  for (const key of store.roleSessions.keys()) if (key.startsWith(prefix)) store.roleSessions.delete(key);
}

async function assumeRole(store: LambdaStore, scope: Scope, config: VersionConfig, key: string): Promise<FunctionCredentials | undefined> {
  const account = config.role.split(":")[4] ?? scope.account;
  try {
    const out = await store.env.invoke<{ Credentials?: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: Date } }>(
      "sts",
      "AssumeRole",
      { RoleArn: config.role, RoleSessionName: config.name.slice(0, 64).padEnd(2, "_") },
      { account, region: scope.region },
    );
    const c = out.Credentials;
    if (!c) return undefined;
    const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    store.roleSessions.set(key, { credentials, expiration: new Date(c.Expiration).getTime() });
    return credentials;
  } catch {
    return undefined;
  }
}

export async function specOf(store: LambdaStore, scope: Scope, config: VersionConfig, codeBlob: string): Promise<FunctionSpec> {
  const credentials = await roleCredentials(store, scope, config);
  return {
    ...{}, ...(credentials ? { credentials } : {}),
    name: config.name,
    arn: functionArn(scope, config.name),
    version: config.version,
    runtime: config.runtime,
    handler: config.handler,
    codeDir: await store.codeDir(codeBlob),
    ...(config.layerCode?.length ? { layerDirs: await Promise.all(config.layerCode.map((l) => store.codeDir(l.blob))) } : {}),
    ...(config.environment ? { environment: config.environment } : {}),
    timeout: config.timeout,
    memorySize: config.memorySize,
    ephemeralStorage: config.ephemeralStorage,
    region: scope.region,
    logGroupName: config.logGroup ?? `/aws/lambda/${config.name}`,
    logFormat: config.logFormat,
    ...(config.applicationLogLevel ? { applicationLogLevel: config.applicationLogLevel } : {}),
  };
}

export async function runFunction(store: LambdaStore, scope: Scope, target: ResolvedFunction, payload: Buffer, options: RunOptions = {}): Promise<InvokeResult> {
  const key = `${scope.account}/${scope.region}/${target.fn.name}`;
  const inflight = store.inflight;
  const reserved = target.fn.reservedConcurrency;
  const current = inflight.get(key) ?? 0;
  if (reserved !== undefined && current >= reserved) {
    throw errors.Throttled(undefined, { fields: { Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" } });
  }
  // Functions without reserved concurrency share what the others leave of the account's quota.
  const accountKey = reserved === undefined ? `${scope.account}/${scope.region}` : undefined;
  if (accountKey !== undefined) {
    const running = store.unreservedInflight.get(accountKey) ?? 0;
    if (running >= accountConcurrency(store.env.config) - store.reservedTotal(scope, "")) {
      throw errors.Throttled(undefined, { fields: { Reason: "ConcurrentInvocationLimitExceeded" } });
    }
    store.unreservedInflight.set(accountKey, running + 1);
  }
  inflight.set(key, current + 1);
  try {
    const spec = await specOf(store, scope, target.version.config, target.version.codeBlob);
    const result = await store.engine.invoke(spec, payload, {
      ...{}, ...(options.requestId ? { requestId: options.requestId } : {}),
      invokedFunctionArn: target.invokedArn,
      ...(options.clientContext ? { clientContext: options.clientContext } : {}),
      ...(reserved !== undefined ? { concurrencyLimit: reserved } : {}),
    });
    await shipLogs(store, scope, result);
    return result;
  } finally {
    const n = (inflight.get(key) ?? 1) - 1;
    if (n <= 0) inflight.delete(key);
    else inflight.set(key, n);
    if (accountKey !== undefined) {
      const left = (store.unreservedInflight.get(accountKey) ?? 1) - 1;
      if (left <= 0) store.unreservedInflight.delete(accountKey);
      else store.unreservedInflight.set(accountKey, left);
    }
  }
}

/** The end of an invocation's log as `LogType: Tail` returns it: its last 4 KB, base64. */
export function logTail(logs: string): string {
  const bytes = Buffer.from(logs, "utf8");
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString("base64");
}

/**
 * Writes the invocation's log to `/aws/lambda/<name>` through CloudWatch Logs in-process.
 * Logs never fail an invocation: a Nimbus without CloudWatch Logs just drops them.
 */
export async function shipLogs(store: LambdaStore, scope: Scope, result: InvokeResult): Promise<void> {
  if (store.logsUnavailable || result.logEvents.length === 0) return;
  try {
    await putLogEvents(store.env.invoke, scope, result.logGroupName, result.logStreamName, result.logEvents);
  } catch (err) {
    if (err instanceof AwsError && err.code === "NotImplemented") {
      store.logsUnavailable = true;
      return;
    }
    // Best effort: any other failure (a full disk) loses this invocation's log lines, never the
    // invocation; the server log says so, where the function's log cannot.
    store.env.logger.warn({
      msg: `lambda: the log of invocation ${result.requestId} could not be stored in CloudWatch Logs group ${result.logGroupName} (${String(err)}); its lines are lost`,
      service: "lambda",
    });
  }
}

// Lambda retries a failed asynchronous invocation twice by default: about one minute, then two
// minutes later. Events older than MaximumEventAgeInSeconds (default 6 hours) are dropped.
const RETRY_DELAYS_MS = [60_000, 120_000];
const DEFAULT_MAX_AGE_S = 21_600;

interface AsyncJob {
  /** The queue row's id. */
  id: string;
  target: ResolvedFunction;
  payload: Buffer;
  options: RunOptions;
  /** Attempts made so far. */
  attempt: number;
  enqueuedAt: number;
}

/** The qualifier whose event invoke config applies: the alias or version invoked, else $LATEST. */
function configFor(store: LambdaStore, scope: Scope, target: ResolvedFunction): EventInvokeConfig | undefined {
  return store.getEventInvokeConfig(scope, target.fn.name, target.qualifier ?? "$LATEST");
}

/** Queues an `Event` invocation, durably; it runs through the scheduler, never inside the request. */
export function enqueueAsync(store: LambdaStore, scope: Scope, target: ResolvedFunction, payload: Buffer, options: RunOptions): void {
  const now = store.env.clock.now();
  const job: AsyncJob = { id: randomUUID(), target, payload, options, attempt: 0, enqueuedAt: now };
  store.insertAsyncEvent(scope, {
    id: job.id,
    name: target.fn.name,
    qualifier: target.qualifier,
    version: target.version.config.version,
    payload,
    options: { ...{}, ...(options.requestId ? { requestId: options.requestId } : {}), ...(options.clientContext ? { clientContext: options.clientContext } : {}) },
    attempt: 0,
    enqueuedAt: now,
    dueAt: now,
  });
  schedule(store, scope, job, 0);
}

/**
 * Schedules the events a previous run left in the queue (a persistent data dir), each at the
 * time its next attempt was due. Events of functions or versions deleted since are dropped.
 * Returns how many were resumed.
 */
export function resumeAsyncEvents(store: LambdaStore): number {
  let resumed = 0;
  for (const { scope, event } of store.allAsyncEvents()) {
    const fn = store.getFunction(scope, event.name);
    const version = fn ? store.getVersion(scope, event.name, event.version) : undefined;
    if (!fn || !version) {
      try {
        store.deleteAsyncEvent(scope, event.id);
      } catch {
        // A full disk: the row is dropped again at the next start. Thrown, it failed Lambda's
        // start, and every request after tried to load Lambda anew.
      }
      continue;
    }
    const job: AsyncJob = {
      id: event.id,
      target: { fn, version, qualifier: event.qualifier, invokedArn: functionArn(scope, event.name, event.qualifier) },
      payload: event.payload,
      options: event.options,
      attempt: event.attempt,
      enqueuedAt: event.enqueuedAt,
    };
    store.env.scheduler.at(event.dueAt, () => attemptJob(store, scope, job), "lambda async invoke");
    resumed++;
  }
  return resumed;
}

function schedule(store: LambdaStore, scope: Scope, job: AsyncJob, delay: number): void {
  store.env.scheduler.after(delay, () => attemptJob(store, scope, job), "lambda async invoke");
}

/**
 * How long an event whose queue row could not be written (a full disk, a read-only data dir)
 * waits before the write is tried again. The queue in memory goes on meanwhile: the row is
 * only what a restart resumes from.
 */
export const QUEUE_WRITE_RETRY_MS = 60_000;

function queueWriteFailed(store: LambdaStore, job: AsyncJob, what: string, err: unknown): void {
  store.env.logger.warn({
    msg: `lambda: could not ${what} asynchronous invocation ${job.id} of ${job.target.fn.name} in the database (${String(err)}); free disk space in the data dir, the write is tried again every ${QUEUE_WRITE_RETRY_MS / 1000} s`,
    service: "lambda",
  });
}

/** The event reached its end: it leaves the queue (unless Nimbus is stopping, when the database may be gone). */
function finishJob(store: LambdaStore, scope: Scope, job: AsyncJob): void {
  if (store.closing) return;
  try {
    store.deleteAsyncEvent(scope, job.id);
  } catch (err) {
    // Left in place, a restart would run the event again.
    queueWriteFailed(store, job, "remove the finished", err);
    store.env.scheduler.after(QUEUE_WRITE_RETRY_MS, () => finishJob(store, scope, job), "lambda async event removal");
  }
}

async function attemptJob(store: LambdaStore, scope: Scope, job: AsyncJob): Promise<void> {
  if (store.closing) return;
  const config = configFor(store, scope, job.target);
  const maxRetries = config?.maximumRetryAttempts ?? RETRY_DELAYS_MS.length;
  const maxAgeMs = (config?.maximumEventAgeInSeconds ?? DEFAULT_MAX_AGE_S) * 1000;
  const attempt = job.attempt + 1;
  if (store.env.clock.now() - job.enqueuedAt > maxAgeMs) {
    await endJob(store, scope, job, () => onFailure(store, scope, job, config, "EventAgeExceeded", undefined, job.attempt));
    return;
  }
  let result: InvokeResult | undefined;
  try {
    // A queued event runs the version as it is now ($LATEST may have new code since).
    const fn = store.getFunction(scope, job.target.fn.name);
    const version = store.getVersion(scope, job.target.fn.name, job.target.version.config.version);
    if (!fn || !version) {
      finishJob(store, scope, job);
      return;
    }
    result = await runFunction(store, scope, { ...{}, ...job.target, fn, version }, job.payload, job.options);
  } catch {
    // Throttled or the engine refused: Lambda keeps such events and retries them.
  }
  // Stopped mid-attempt: the row stays as it was, and the next start runs this attempt again.
  if (store.closing) return;
  if (result && !result.functionError) {
    const success = config?.onSuccess;
    const body = record(store, scope, job, "Success", result, attempt);
    await endJob(store, scope, job, async () => {
      if (success) await sendToDestination(store, scope, success, body, true);
    });
    return;
  }
  if (attempt <= maxRetries) {
    const delay = RETRY_DELAYS_MS[attempt - 1] ?? RETRY_DELAYS_MS[RETRY_DELAYS_MS.length - 1] ?? 0;
    try {
      store.rescheduleAsyncEvent(scope, job.id, attempt, store.env.clock.now() + delay);
    } catch (err) {
      // The retry happens all the same; a restart meanwhile runs this attempt again, from the row.
      queueWriteFailed(store, job, "record the retry of", err);
    }
    schedule(store, scope, { ...{}, ...job, attempt }, delay);
    return;
  }
  await endJob(store, scope, job, () => onFailure(store, scope, job, config, "RetriesExhausted", result, attempt));
}

/**
 * The event's end: what it owes (a destination's record, a dead letter) is delivered, then it
 * leaves the queue. A destination that failed itself (a full disk) keeps the event, and the
 * delivery is tried again every QUEUE_WRITE_RETRY_MS: before, the record was lost and the event
 * gone. A restart meanwhile runs the event's last attempt again, from its row.
 */
async function endJob(store: LambdaStore, scope: Scope, job: AsyncJob, deliver: () => Promise<void>): Promise<void> {
  try {
    await deliver();
  } catch (err) {
    if (store.closing) return;
    store.env.logger.warn({
      msg: `lambda: could not deliver the outcome of asynchronous invocation ${job.id} of ${job.target.fn.name} (${String(err)}); it is tried again every ${QUEUE_WRITE_RETRY_MS / 1000} s`,
      service: "lambda",
    });
    store.env.scheduler.after(QUEUE_WRITE_RETRY_MS, () => endJob(store, scope, job, deliver), "lambda async destination");
    return;
  }
  finishJob(store, scope, job);
}

async function onFailure(
  store: LambdaStore,
  scope: Scope,
  job: AsyncJob,
  config: EventInvokeConfig | undefined,
  condition: string,
  result: InvokeResult | undefined,
  attempts: number,
): Promise<void> {
  if (config?.onFailure) {
    await sendToDestination(store, scope, config.onFailure, record(store, scope, job, condition, result, attempts), true);
    return;
  }
  await deadLetter(store, scope, job.target.version.config, job.payload, result?.payload ?? Buffer.from("{}"), job.options.requestId);
}

function parseJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString("utf8"));
  } catch {
    return payload.toString("utf8");
  }
}

/** The invocation record Lambda sends to destinations. */
function record(store: LambdaStore, scope: Scope, job: AsyncJob, condition: string, result: InvokeResult | undefined, attempts: number): string {
  const version = job.target.version.config.version;
  return JSON.stringify({
    version: "1.0",
    timestamp: new Date(store.env.clock.now()).toISOString(),
    requestContext: {
      requestId: job.options.requestId ?? result?.requestId ?? "",
      functionArn: functionArn(scope, job.target.fn.name, job.target.qualifier ?? "$LATEST"),
      condition,
      approximateInvokeCount: attempts,
    },
    requestPayload: parseJson(job.payload),
    responseContext: {
      statusCode: 200,
      executedVersion: version,
      ...(result?.functionError ? { functionError: result.functionError } : {}),
    },
    responsePayload: result ? parseJson(result.payload) : null,
  });
}

/** A destination ARN's service, scope and resource; a missing region or account is the function's own. */
function arnParts(arn: string, scope: Scope): { service: string; region: string; account: string; resource: string } {
  const parsed = parseArn(arn);
  return { service: parsed?.service ?? "", region: parsed?.region || scope.region, account: parsed?.account || scope.account, resource: parsed?.resource ?? "" };
}

/**
 * OnSuccess/OnFailure destinations: an SQS queue, an SNS topic, a function or an event bus.
 * `retryable`: a destination that failed itself throws, for the caller to deliver again.
 */
export async function sendToDestination(store: LambdaStore, scope: Scope, arn: string, body: string, retryable = false): Promise<void> {
  const { service, region, account, resource } = arnParts(arn, scope);
  const targetScope = { account, region };
  const success = JSON.parse(body) as { requestContext: { condition: string } };
  try {
    if (service === "sqs") {
      const { QueueUrl } = await store.env.invoke<{ QueueUrl: string }>("sqs", "GetQueueUrl", { QueueName: resource, QueueOwnerAWSAccountId: account }, targetScope);
      await store.env.invoke("sqs", "SendMessage", { QueueUrl, MessageBody: body }, targetScope);
    } else if (service === "sns") {
      await store.env.invoke("sns", "Publish", { TopicArn: arn, Message: body }, targetScope);
    } else if (service === "lambda") {
      await store.env.invoke("lambda", "Invoke", { FunctionName: arn, InvocationType: "Event", Payload: Buffer.from(body) }, targetScope);
    } else if (service === "events") {
      await store.env.invoke(
        "events",
        "PutEvents",
        {
          Entries: [
            {
              EventBusName: arn,
              Source: "lambda",
              DetailType: `Lambda Function Invocation Result - ${success.requestContext.condition === "Success" ? "Success" : "Failure"}`,
              Detail: body,
            },
          ],
        },
        targetScope,
      );
    }
  } catch (err) {
    if (retryable && failedOnItsOwnSide(err)) throw err;
    // An unreachable destination loses the record, as on Lambda (which reports it in metrics only).
  }
}

/** DeadLetterConfig: the event goes to the SQS queue or SNS topic with Lambda's error attributes. */
async function deadLetter(store: LambdaStore, scope: Scope, config: VersionConfig, event: Buffer, errorPayload: Buffer, requestId: string | undefined): Promise<void> {
  const target = config.deadLetterTargetArn;
  if (!target) return;
  const { service, region, account, resource } = arnParts(target, scope);
  const targetScope = { account, region };
  let errorMessage = "";
  try {
    errorMessage = String((JSON.parse(errorPayload.toString("utf8")) as { errorMessage?: unknown }).errorMessage ?? "");
  } catch {
    errorMessage = errorPayload.toString("utf8");
  }
  const attributes = {
    RequestID: { DataType: "String", StringValue: requestId ?? "" },
    ErrorCode: { DataType: "Number", StringValue: "200" },
    ErrorMessage: { DataType: "String", StringValue: errorMessage || "Unhandled" },
  };
  try {
    if (service === "sqs") {
      const { QueueUrl } = await store.env.invoke<{ QueueUrl: string }>("sqs", "GetQueueUrl", { QueueName: resource, QueueOwnerAWSAccountId: account }, targetScope);
      await store.env.invoke("sqs", "SendMessage", { QueueUrl, MessageBody: event.toString("utf8"), MessageAttributes: attributes }, targetScope);
    } else if (service === "sns") {
      await store.env.invoke("sns", "Publish", { TopicArn: target, Message: event.toString("utf8"), MessageAttributes: attributes }, targetScope);
    }
  } catch (err) {
    if (failedOnItsOwnSide(err)) throw err;
    // A missing dead-letter target loses the event, as on Lambda (which reports it in metrics only).
  }
}
