import { parseArn } from "../../../core/arn.js";
import type {
  DeleteFunctionEventInvokeConfigInput,
  DeleteFunctionEventInvokeConfigOutput,
  GetFunctionEventInvokeConfigInput,
  GetFunctionEventInvokeConfigOutput,
  ListFunctionEventInvokeConfigsInput,
  ListFunctionEventInvokeConfigsOutput,
  PutFunctionEventInvokeConfigInput,
  PutFunctionEventInvokeConfigOutput,
  UpdateFunctionEventInvokeConfigInput,
} from "../../../generated/lambda.js";
import { functionArn } from "../domain/arns.js";
import { primaryVersion, resolveFunction } from "../domain/functions.js";
import { page } from "../domain/paging.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import type { EventInvokeConfig } from "../store.js";
import { check, range } from "../validation.js";

const DESTINATION_SERVICES = new Set(["sqs", "sns", "lambda", "events"]);

function target(ctx: LambdaContext, functionName: string, qualifier: string | undefined): { name: string; qualifier: string } {
  const resolved = resolveFunction(ctx.store, ctx, functionName, qualifier, primaryVersion);
  return { name: resolved.fn.name, qualifier: resolved.qualifier ?? "$LATEST" };
}

function toOutput(ctx: LambdaContext, name: string, c: EventInvokeConfig): GetFunctionEventInvokeConfigOutput {
  return {
    LastModified: new Date(c.lastModified),
    FunctionArn: functionArn(ctx, name, c.qualifier),
    ...(c.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: c.maximumRetryAttempts } : {}),
    ...(c.maximumEventAgeInSeconds !== undefined ? { MaximumEventAgeInSeconds: c.maximumEventAgeInSeconds } : {}),
    DestinationConfig: {
      OnSuccess: c.onSuccess ? { Destination: c.onSuccess } : {},
      OnFailure: c.onFailure ? { Destination: c.onFailure } : {},
    },
  };
}

function checkDestination(arn: string | undefined): void {
  if (arn === undefined) return;
  const service = parseArn(arn)?.service;
  if (service === undefined || !DESTINATION_SERVICES.has(service)) {
    throw errors.InvalidParameterValue({ message: `The destination ARN ${arn} is invalid.` });
  }
}

type ConfigInput = PutFunctionEventInvokeConfigInput | UpdateFunctionEventInvokeConfigInput;

function merge(ctx: LambdaContext, qualifier: string, input: ConfigInput, base: EventInvokeConfig | undefined): EventInvokeConfig {
  check(range("maximumRetryAttempts", input.MaximumRetryAttempts, 0, 2), range("maximumEventAgeInSeconds", input.MaximumEventAgeInSeconds, 60, 21600));
  const onSuccess = input.DestinationConfig?.OnSuccess !== undefined ? input.DestinationConfig.OnSuccess.Destination : base?.onSuccess;
  const onFailure = input.DestinationConfig?.OnFailure !== undefined ? input.DestinationConfig.OnFailure.Destination : base?.onFailure;
  checkDestination(onSuccess);
  checkDestination(onFailure);
  const retries = input.MaximumRetryAttempts ?? base?.maximumRetryAttempts;
  const age = input.MaximumEventAgeInSeconds ?? base?.maximumEventAgeInSeconds;
  return {
    qualifier,
    ...(retries !== undefined ? { maximumRetryAttempts: retries } : {}),
    ...(age !== undefined ? { maximumEventAgeInSeconds: age } : {}),
    ...(onSuccess ? { onSuccess } : {}),
    ...(onFailure ? { onFailure } : {}),
    lastModified: ctx.clock.now(),
  };
}

function notFound(ctx: LambdaContext, name: string, qualifier: string): Error {
  return errors.EventInvokeConfigNotFound({ arn: functionArn(ctx, name, qualifier) });
}

export function putFunctionEventInvokeConfig(input: PutFunctionEventInvokeConfigInput, ctx: LambdaContext): PutFunctionEventInvokeConfigOutput {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const config = merge(ctx, t.qualifier, input, undefined);
  ctx.store.putEventInvokeConfig(ctx, t.name, config);
  return toOutput(ctx, t.name, config);
}

export function updateFunctionEventInvokeConfig(input: UpdateFunctionEventInvokeConfigInput, ctx: LambdaContext): PutFunctionEventInvokeConfigOutput {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const existing = ctx.store.getEventInvokeConfig(ctx, t.name, t.qualifier);
  if (!existing) throw notFound(ctx, t.name, t.qualifier);
  const config = merge(ctx, t.qualifier, input, existing);
  ctx.store.putEventInvokeConfig(ctx, t.name, config);
  return toOutput(ctx, t.name, config);
}

export function getFunctionEventInvokeConfig(input: GetFunctionEventInvokeConfigInput, ctx: LambdaContext): GetFunctionEventInvokeConfigOutput {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  const config = ctx.store.getEventInvokeConfig(ctx, t.name, t.qualifier);
  if (!config) throw notFound(ctx, t.name, t.qualifier);
  return toOutput(ctx, t.name, config);
}

export function deleteFunctionEventInvokeConfig(input: DeleteFunctionEventInvokeConfigInput, ctx: LambdaContext): DeleteFunctionEventInvokeConfigOutput {
  const t = target(ctx, input.FunctionName, input.Qualifier);
  if (!ctx.store.getEventInvokeConfig(ctx, t.name, t.qualifier)) throw notFound(ctx, t.name, t.qualifier);
  ctx.store.deleteEventInvokeConfig(ctx, t.name, t.qualifier);
  return {};
}

export function listFunctionEventInvokeConfigs(input: ListFunctionEventInvokeConfigsInput, ctx: LambdaContext): ListFunctionEventInvokeConfigsOutput {
  check(range("maxItems", input.MaxItems, 1, 50));
  const t = target(ctx, input.FunctionName, undefined);
  const all = ctx.store.listEventInvokeConfigs(ctx, t.name).map((c) => toOutput(ctx, t.name, c));
  const { items, next } = page(all, (c) => c.FunctionArn ?? "", input.Marker, input.MaxItems ?? 50);
  return { FunctionEventInvokeConfigs: items, ...(next ? { NextMarker: next } : {}) };
}
