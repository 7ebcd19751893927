import { randomBytes } from "node:crypto";
import type {
  CreateFunctionUrlConfigInput,
  CreateFunctionUrlConfigOutput,
  DeleteFunctionUrlConfigInput,
  DeleteFunctionUrlConfigOutput,
  GetFunctionUrlConfigInput,
  GetFunctionUrlConfigOutput,
  ListFunctionUrlConfigsInput,
  ListFunctionUrlConfigsOutput,
  UpdateFunctionUrlConfigInput,
  UpdateFunctionUrlConfigOutput,
} from "../../../generated/lambda.js";
import { functionArn, parseFunctionName } from "../domain/arns.js";
import { lambdaTimestamp } from "../domain/functions.js";
import { page } from "../domain/paging.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import type { FunctionRow, FunctionUrlConfig, UrlCors } from "../store.js";
import { check, length, oneOf, range } from "../validation.js";

type CorsInput = CreateFunctionUrlConfigInput["Cors"];

const AUTH_TYPES = ["NONE", "AWS_IAM"] as const;
const INVOKE_MODES = ["BUFFERED", "RESPONSE_STREAM"] as const;

/**
 * A URL belongs to the unqualified function ($LATEST) or to an alias, never to a version number.
 * Lambda words the refusal differently for "$LATEST" and for a version (observed answers).
 */
function checkQualifier(qualifier: string | undefined): void {
  if (qualifier === "$LATEST") {
    throw errors.Validation({
      message:
        "1 validation error detected: Value '$LATEST' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\\\d+$)^[0-9a-zA-Z-_]+$)",
    });
  }
  if (qualifier !== undefined && /^\d+$/.test(qualifier)) {
    throw errors.Validation({
      message: `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (^\\\\$LATEST$)|((?!^[0-9]+$)([a-zA-Z0-9-_]+))`,
    });
  }
}

function checkCors(cors: CorsInput): void {
  if (!cors) return;
  check(
    range("cors.maxAge", cors.MaxAge, 0, 86400),
    ...(cors.AllowOrigins ?? []).map((o) => length("cors.allowOrigins", o, 1, 253)),
    ...(cors.AllowMethods ?? []).map((m) => length("cors.allowMethods", m, 0, 6)),
    ...(cors.AllowHeaders ?? []).map((h) => length("cors.allowHeaders", h, 0, 1024)),
    ...(cors.ExposeHeaders ?? []).map((h) => length("cors.exposeHeaders", h, 0, 1024)),
  );
}

/** The stored CORS configuration; an empty object (or all members empty) means none. */
function corsOf(cors: CorsInput): UrlCors | undefined {
  if (!cors) return undefined;
  const out: UrlCors = {
    ...{}, ...(cors.AllowCredentials !== undefined ? { AllowCredentials: cors.AllowCredentials } : {}),
    ...(cors.AllowHeaders?.length ? { AllowHeaders: [...cors.AllowHeaders] } : {}),
    ...(cors.AllowMethods?.length ? { AllowMethods: [...cors.AllowMethods] } : {}),
    ...(cors.AllowOrigins?.length ? { AllowOrigins: [...cors.AllowOrigins] } : {}),
    ...(cors.ExposeHeaders?.length ? { ExposeHeaders: [...cors.ExposeHeaders] } : {}),
    ...(cors.MaxAge !== undefined ? { MaxAge: cors.MaxAge } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/** Function URL ids are 32 lower-case letters and digits. */
function newUrlId(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(32)].map((b) => alphabet[b % alphabet.length]).join("");
}

export function functionUrl(ctx: LambdaContext, config: FunctionUrlConfig): string {
  return `http://${config.urlId}.lambda-url.${ctx.region}.localhost.localstack.cloud:${ctx.config.port}/`;
}

function toOutput(ctx: LambdaContext, c: FunctionUrlConfig): GetFunctionUrlConfigOutput {
  return {
    FunctionUrl: functionUrl(ctx, c),
    FunctionArn: functionArn(ctx, c.name, c.qualifier === "$LATEST" ? undefined : c.qualifier),
    AuthType: c.authType,
    ...(c.cors ? { Cors: c.cors } : {}),
    CreationTime: lambdaTimestamp(c.creationTime),
    LastModifiedTime: lambdaTimestamp(c.lastModifiedTime),
    InvokeMode: c.invokeMode,
  };
}

/** Function and qualifier of a request; `missing` is the error for a function (or alias) that does not exist. */
function locate(ctx: LambdaContext, functionName: string, qualifier: string | undefined, missing: () => Error): { fn: FunctionRow; qualifier: string } {
  const ref = parseFunctionName(ctx, functionName, qualifier);
  checkQualifier(ref.qualifier);
  const fn = ctx.store.getFunction(ctx, ref.name);
  if (!fn) throw missing();
  return { fn, qualifier: ref.qualifier ?? "$LATEST" };
}

export function createFunctionUrlConfig(input: CreateFunctionUrlConfigInput, ctx: LambdaContext): CreateFunctionUrlConfigOutput {
  check(oneOf("authType", input.AuthType, AUTH_TYPES), oneOf("invokeMode", input.InvokeMode, INVOKE_MODES));
  checkCors(input.Cors);
  const { fn, qualifier } = locate(ctx, input.FunctionName, input.Qualifier, () => errors.UrlFunctionNotFound());
  const existing = ctx.store.getFunctionUrl(ctx, fn.name, qualifier);
  if (existing) throw errors.FunctionUrlExists({ arn: functionArn(ctx, fn.name, qualifier === "$LATEST" ? undefined : qualifier) });
  if (qualifier !== "$LATEST" && !ctx.store.getAlias(ctx, fn.name, qualifier)) throw errors.UrlFunctionNotFound();
  const now = ctx.clock.now();
  const cors = corsOf(input.Cors);
  const config: FunctionUrlConfig = {
    name: fn.name,
    qualifier,
    urlId: newUrlId(),
    authType: input.AuthType as FunctionUrlConfig["authType"],
    invokeMode: (input.InvokeMode ?? "BUFFERED") as FunctionUrlConfig["invokeMode"],
    ...(cors ? { cors } : {}),
    creationTime: now,
    lastModifiedTime: now,
  };
  ctx.store.putFunctionUrl(ctx, config);
  // Create answers without LastModifiedTime.
  const { LastModifiedTime: _omitted, ...out } = toOutput(ctx, config);
  return out;
}

export function getFunctionUrlConfig(input: GetFunctionUrlConfigInput, ctx: LambdaContext): GetFunctionUrlConfigOutput {
  const { fn, qualifier } = locate(ctx, input.FunctionName, input.Qualifier, () => errors.ResourceNotFound());
  const config = ctx.store.getFunctionUrl(ctx, fn.name, qualifier);
  if (!config) throw errors.ResourceNotFound();
  return toOutput(ctx, config);
}

export function updateFunctionUrlConfig(input: UpdateFunctionUrlConfigInput, ctx: LambdaContext): UpdateFunctionUrlConfigOutput {
  check(oneOf("authType", input.AuthType, AUTH_TYPES), oneOf("invokeMode", input.InvokeMode, INVOKE_MODES));
  checkCors(input.Cors);
  const { fn, qualifier } = locate(ctx, input.FunctionName, input.Qualifier, () => errors.UrlFunctionNotFound());
  if (qualifier !== "$LATEST" && !ctx.store.getAlias(ctx, fn.name, qualifier)) throw errors.UrlFunctionNotFound();
  const config = ctx.store.getFunctionUrl(ctx, fn.name, qualifier);
  if (!config) throw errors.ResourceNotFound();
  // Cors replaces the configuration as a whole; an empty Cors removes it.
  const cors = input.Cors !== undefined ? corsOf(input.Cors) : config.cors;
  const { cors: _old, ...rest } = config;
  const updated: FunctionUrlConfig = {
    ...{}, ...rest,
    ...(input.AuthType !== undefined ? { authType: input.AuthType as FunctionUrlConfig["authType"] } : {}),
    ...(input.InvokeMode !== undefined ? { invokeMode: input.InvokeMode as FunctionUrlConfig["invokeMode"] } : {}),
    ...(cors ? { cors } : {}),
    lastModifiedTime: ctx.clock.now(),
  };
  ctx.store.putFunctionUrl(ctx, updated);
  return toOutput(ctx, updated);
}

export function deleteFunctionUrlConfig(input: DeleteFunctionUrlConfigInput, ctx: LambdaContext): DeleteFunctionUrlConfigOutput {
  const { fn, qualifier } = locate(ctx, input.FunctionName, input.Qualifier, () => errors.ResourceNotFound());
  if (!ctx.store.getFunctionUrl(ctx, fn.name, qualifier)) throw errors.ResourceNotFound();
  ctx.store.deleteFunctionUrl(ctx, fn.name, qualifier);
  return {};
}

export function listFunctionUrlConfigs(input: ListFunctionUrlConfigsInput, ctx: LambdaContext): ListFunctionUrlConfigsOutput {
  check(range("maxItems", input.MaxItems, 1, 50));
  const ref = parseFunctionName(ctx, input.FunctionName);
  const fn = ctx.store.getFunction(ctx, ref.name);
  if (!fn) throw errors.UrlFunctionNotFound();
  const all = ctx.store.listFunctionUrls(ctx, fn.name).map((c) => toOutput(ctx, c)) as ListFunctionUrlConfigsOutput["FunctionUrlConfigs"];
  const { items, next } = page(all, (c) => c.FunctionArn, input.Marker, input.MaxItems ?? 50);
  return { FunctionUrlConfigs: items, ...(next ? { NextMarker: next } : {}) };
}
