/**
 * Running a resolved function: reserved-concurrency throttling, the engine, shipping the log
 * to CloudWatch Logs, and asynchronous invocation (queued through the scheduler, retried twice
 * on error one then two minutes later, then sent to the dead-letter queue or topic if any).
 */
import { AwsError } from "../../../core/errors.js";
import type { Scope } from "../../../core/service.js";
import { errors } from "../errors.js";
import type { FunctionSpec, InvokeResult } from "../runtime/types.js";
import type { LambdaStore, VersionConfig } from "../store.js";
import { functionArn } from "./arns.js";
import type { ResolvedFunction } from "./functions.js";

export interface RunOptions {
  requestId?: string;
  /** JSON text of the client context (Invoke's base64 ClientContext, decoded). */
  clientContext?: string;
}

export async function specOf(store: LambdaStore, scope: Scope, config: VersionConfig, codeBlob: string): Promise<FunctionSpec> {
  return {
    name: config.name,
    arn: functionArn(scope, config.name),
    version: config.version,
    runtime: config.runtime,
    handler: config.handler,
    codeDir: await store.codeDir(codeBlob),
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
  inflight.set(key, current + 1);
  try {
    const spec = await specOf(store, scope, target.version.config, target.version.codeBlob);
    const result = await store.engine.invoke(spec, payload, {
      ...(options.requestId ? { requestId: options.requestId } : {}),
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
  }
}

/** The end of an invocation's log as `LogType: Tail` returns it: its last 4 KB, base64. */
export function logTail(logs: string): string {
  const bytes = Buffer.from(logs, "utf8");
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString("base64");
}

function codeOf(err: unknown): string | undefined {
  return err instanceof AwsError ? err.code : undefined;
}

/**
 * Writes the invocation's log to `/aws/lambda/<name>` through CloudWatch Logs in-process.
 * Logs never fail an invocation: a Nimbus without CloudWatch Logs just drops them.
 */
export async function shipLogs(store: LambdaStore, scope: Scope, result: InvokeResult): Promise<void> {
  if (store.logsUnavailable || result.logEvents.length === 0) return;
  const invoke = store.env.invoke;
  const { logGroupName, logStreamName } = result;
  const key = `${scope.account}/${scope.region}/${logGroupName}/${logStreamName}`;
  const ensure = async (): Promise<void> => {
    if (store.createdLogStreams.has(key)) return;
    for (const [op, input] of [
      ["CreateLogGroup", { logGroupName }],
      ["CreateLogStream", { logGroupName, logStreamName }],
    ] as const) {
      try {
        await invoke("logs", op, input, scope);
      } catch (err) {
        if (codeOf(err) !== "ResourceAlreadyExistsException") throw err;
      }
    }
    store.createdLogStreams.add(key);
  };
  const put = (): Promise<unknown> => invoke("logs", "PutLogEvents", { logGroupName, logStreamName, logEvents: result.logEvents }, scope);
  try {
    await ensure();
    try {
      await put();
    } catch (err) {
      // The group or stream was deleted since we created it: create it again once.
      if (codeOf(err) !== "ResourceNotFoundException") throw err;
      store.createdLogStreams.delete(key);
      await ensure();
      await put();
    }
  } catch (err) {
    // Best effort: any other failure loses this invocation's log lines, never the invocation.
    if (codeOf(err) === "NotImplemented") store.logsUnavailable = true;
  }
}

// Lambda retries a failed asynchronous invocation twice: about one minute, then two minutes later.
const RETRY_DELAYS_MS = [60_000, 120_000];

/** Queues an `Event` invocation; it runs through the scheduler, never inside the request. */
export function enqueueAsync(store: LambdaStore, scope: Scope, target: ResolvedFunction, payload: Buffer, options: RunOptions, attempt = 0): void {
  const delay = attempt === 0 ? 0 : (RETRY_DELAYS_MS[attempt - 1] ?? 120_000);
  store.env.scheduler.after(
    delay,
    async () => {
      let failure: { payload: Buffer; condition: string } | undefined;
      try {
        const result = await runFunction(store, scope, target, payload, options);
        if (result.functionError) failure = { payload: result.payload, condition: "RetriesExhausted" };
      } catch (err) {
        failure = { payload: Buffer.from(JSON.stringify({ errorMessage: err instanceof Error ? err.message : String(err) })), condition: "EventAgeExceeded" };
      }
      if (!failure) return;
      if (attempt < RETRY_DELAYS_MS.length) {
        enqueueAsync(store, scope, target, payload, options, attempt + 1);
        return;
      }
      await deadLetter(store, scope, target.version.config, payload, failure.payload, options.requestId);
    },
    "lambda async invoke",
  );
}

/** DeadLetterConfig: the event goes to the SQS queue or SNS topic with Lambda's error attributes. */
async function deadLetter(store: LambdaStore, scope: Scope, config: VersionConfig, event: Buffer, errorPayload: Buffer, requestId: string | undefined): Promise<void> {
  const target = config.deadLetterTargetArn;
  if (!target) return;
  const [, , service, region = scope.region, account = scope.account, resource = ""] = target.split(":");
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
  } catch {
    // A missing dead-letter target loses the event, as on Lambda (which reports it in metrics only).
  }
}
