import type {
  InvokeAsyncInput,
  InvokeAsyncOutput,
  InvokeInput,
  InvokeOutput,
  InvokeWithResponseStreamInput,
  InvokeWithResponseStreamOutput,
} from "../../../generated/lambda.js";
import { AwsError } from "../../../core/errors.js";
import { toBuffer } from "../domain/code.js";
import { enforcesPolicies, resourcePolicyRefusal } from "../../../auth/access.js";
import { resolveFunction, type ResolvedFunction } from "../domain/functions.js";
import { enqueueAsync, logTail, runFunction } from "../domain/invoker.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import { check, oneOf } from "../validation.js";

// Invoke payload quotas: 6 MB synchronous, 1 MB asynchronous (raised from 256 KB in 2025).
const SYNC_LIMIT = 6_291_456;
const ASYNC_LIMIT = 1_048_576;

function checkJson(payload: Buffer): void {
  if (payload.length === 0) return;
  try {
    JSON.parse(payload.toString("utf8"));
  } catch (err) {
    throw new AwsError("InvalidRequestContentException", `Could not parse request body into json: ${err instanceof Error ? err.message : String(err)}`, 400, {
      fields: { Type: "User" },
    });
  }
}

function decodeClientContext(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = Buffer.from(value, "base64").toString("utf8");
  try {
    JSON.parse(text);
  } catch {
    throw new AwsError("InvalidRequestContentException", "Client context must be a valid Base64-encoded JSON object.", 400, { fields: { Type: "User" } });
  }
  return text;
}

/**
 * With policies enforced (auth/access.ts): the services that invoke functions (S3 and SNS, for a
 * bucket or topic) need the function policy's Allow (AddPermission), as on AWS; the function's
 * own account needs none (identity policies are not evaluated). The policy of the qualifier
 * invoked decides: an alias's own, or the function's for an unqualified call.
 */
function authorizeInvoke(ctx: LambdaContext, target: ResolvedFunction): void {
  if (!enforcesPolicies(ctx.config)) return;
  const policy = ctx.store.getPolicy(ctx, target.fn.name, target.qualifier ?? "");
  const document = policy === undefined ? undefined : JSON.stringify({ Version: "2012-10-17", Statement: policy.statements });
  const refusal = resourcePolicyRefusal(ctx, { arn: target.invokedArn, account: ctx.account, policy: document }, "lambda:InvokeFunction");
  if (refusal !== undefined) throw errors.AccessDenied({ message: refusal });
}

export async function invoke(input: InvokeInput, ctx: LambdaContext): Promise<InvokeOutput> {
  const type = input.InvocationType ?? "RequestResponse";
  check(oneOf("invocationType", type, ["Event", "RequestResponse", "DryRun"]), oneOf("logType", input.LogType, ["None", "Tail"]));
  const raw = toBuffer(input.Payload);
  const limit = type === "Event" ? ASYNC_LIMIT : SYNC_LIMIT;
  if (raw.length > limit) throw errors.RequestTooLarge({ limit, operation: "Invoke" });
  checkJson(raw);
  const clientContext = decodeClientContext(input.ClientContext);
  const target = resolveFunction(ctx.store, ctx, input.FunctionName, input.Qualifier);
  authorizeInvoke(ctx, target);
  const payload = raw.length ? raw : Buffer.from("{}");
  const options = { requestId: ctx.requestId, ...(clientContext ? { clientContext } : {}) };
  // Lambda answers Event and DryRun with the status code alone: no X-Amz-Executed-Version, so
  // `aws lambda invoke --invocation-type Event` prints exactly `{ "StatusCode": 202 }`.
  if (type === "DryRun") return { StatusCode: 204 };
  if (type === "Event") {
    if (target.fn.reservedConcurrency === 0) {
      throw errors.Throttled(undefined, { fields: { Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" } });
    }
    enqueueAsync(ctx.store, ctx, target, payload, options);
    return { StatusCode: 202 };
  }
  const result = await runFunction(ctx.store, ctx, target, payload, options);
  return {
    StatusCode: 200,
    ExecutedVersion: result.executedVersion,
    ...(result.functionError ? { FunctionError: result.functionError } : {}),
    ...(input.LogType === "Tail" ? { LogResult: logTail(result.logs) } : {}),
    Payload: result.payload,
  };
}

/** The deprecated InvokeAsync: an `Event` invocation answered with 202 and `Status`. */
export async function invokeAsync(input: InvokeAsyncInput, ctx: LambdaContext): Promise<InvokeAsyncOutput> {
  let body: Buffer;
  if (input.InvokeArgs instanceof Uint8Array) body = toBuffer(input.InvokeArgs);
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of input.InvokeArgs) chunks.push(toBuffer(chunk as Uint8Array));
    body = Buffer.concat(chunks);
  }
  await invoke({ FunctionName: input.FunctionName, InvocationType: "Event", Payload: body }, ctx);
  return { Status: 202 };
}

type StreamEvent = NonNullable<InvokeWithResponseStreamOutput["EventStream"]> extends AsyncIterable<infer E> ? E : never;

/**
 * InvokeWithResponseStream for handlers that return a whole response (what Lambda does for a
 * handler not wrapped in streamifyResponse): the payload as one chunk, then InvokeComplete
 * carrying the error (errorType/errorMessage) and the log tail.
 */
export async function invokeWithResponseStream(input: InvokeWithResponseStreamInput, ctx: LambdaContext): Promise<InvokeWithResponseStreamOutput> {
  const type = input.InvocationType ?? "RequestResponse";
  check(oneOf("invocationType", type, ["RequestResponse", "DryRun"]), oneOf("logType", input.LogType, ["None", "Tail"]));
  const raw = toBuffer(input.Payload);
  if (raw.length > SYNC_LIMIT) throw errors.RequestTooLarge({ limit: SYNC_LIMIT, operation: "InvokeWithResponseStream" });
  checkJson(raw);
  const clientContext = decodeClientContext(input.ClientContext);
  const target = resolveFunction(ctx.store, ctx, input.FunctionName, input.Qualifier);
  authorizeInvoke(ctx, target);
  if (type === "DryRun") return { StatusCode: 204, ExecutedVersion: target.version.config.version };
  const result = await runFunction(ctx.store, ctx, target, raw.length ? raw : Buffer.from("{}"), {
    requestId: ctx.requestId,
    ...(clientContext ? { clientContext } : {}),
  });
  let errorCode: string | undefined;
  let errorDetails: string | undefined;
  if (result.functionError) {
    try {
      const parsed = JSON.parse(result.payload.toString("utf8")) as { errorType?: unknown; errorMessage?: unknown };
      errorCode = typeof parsed.errorType === "string" ? parsed.errorType : "Unhandled";
      errorDetails = typeof parsed.errorMessage === "string" ? parsed.errorMessage : result.payload.toString("utf8");
    } catch {
      errorCode = "Unhandled";
      errorDetails = result.payload.toString("utf8");
    }
  }
  const tail = input.LogType === "Tail" ? logTail(result.logs) : undefined;
  async function* events(): AsyncGenerator<StreamEvent> {
    if (!result.functionError && result.payload.length) yield { PayloadChunk: { Payload: result.payload } };
    yield {
      InvokeComplete: {
        ...{}, ...(errorCode !== undefined ? { ErrorCode: errorCode } : {}),
        ...(errorDetails !== undefined ? { ErrorDetails: errorDetails } : {}),
        ...(tail !== undefined ? { LogResult: tail } : {}),
      },
    };
  }
  return { StatusCode: 200, ExecutedVersion: result.executedVersion, ResponseStreamContentType: "application/octet-stream", EventStream: events() };
}
