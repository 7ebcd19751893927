import { randomUUID } from "node:crypto";
import type {
  UpdateFunctionCodeInput,
  UpdateFunctionCodeOutput,
  UpdateFunctionConfigurationInput,
  UpdateFunctionConfigurationOutput,
} from "../../../generated/lambda.js";
import { loadZip } from "../domain/code.js";
import { durableOf, rejectCapacityProvider, requireFunction, toConfiguration } from "../domain/functions.js";
import { resolveLayers } from "../domain/layers.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import type { VersionConfig, VersionRow } from "../store.js";
import { check, checkEnvironment, checkRuntime, constraints } from "../validation.js";
import { publish } from "./versions.js";

function latestOf(ctx: LambdaContext, functionName: string, revisionId: string | undefined): VersionRow {
  const fn = requireFunction(ctx.store, ctx, functionName);
  const latest = ctx.store.getVersion(ctx, fn.name, "$LATEST");
  if (!latest) throw errors.FunctionNotFound({ arn: `arn:aws:lambda:${ctx.region}:${ctx.account}:function:${fn.name}` });
  if (revisionId !== undefined && revisionId !== latest.config.revisionId) throw errors.PreconditionFailed();
  return latest;
}

export async function updateFunctionCode(input: UpdateFunctionCodeInput, ctx: LambdaContext): Promise<UpdateFunctionCodeOutput> {
  const latest = latestOf(ctx, input.FunctionName, input.RevisionId);
  const zip = await loadZip(input, ctx);
  const code = await ctx.store.checkZip(zip);
  const updated: VersionConfig = {
    ...{}, ...latest.config,
    codeSha256: code.codeSha256,
    codeSize: code.codeSize,
    unzippedSize: code.unzippedSize,
    ...(input.Architectures ? { architectures: input.Architectures } : {}),
    lastModified: ctx.clock.now(),
    revisionId: randomUUID(),
  };
  if (input.DryRun) return toConfiguration(ctx, updated);
  const blob = await ctx.store.env.state.blobs.put(zip);
  try {
    ctx.store.putVersion(ctx, updated, blob.id);
  } catch (err) {
    // Not stored (a full disk): the package's file goes now, not at the next start's sweep.
    ctx.store.env.state.blobs.abandon(blob.id);
    throw err;
  }
  // The code replaced goes once no version holds it and its environments are gone.
  ctx.store.pruneCode();
  if (input.Publish) return toConfiguration(ctx, publish(ctx, updated.name, undefined).config);
  return toConfiguration(ctx, updated);
}

export function updateFunctionConfiguration(input: UpdateFunctionConfigurationInput, ctx: LambdaContext): UpdateFunctionConfigurationOutput {
  check(
    constraints.role(input.Role),
    constraints.runtime(input.Runtime),
    ...constraints.handler(input.Handler),
    constraints.timeout(input.Timeout),
    constraints.memorySize(input.MemorySize),
    constraints.ephemeralStorage(input.EphemeralStorage?.Size),
    constraints.description(input.Description),
    ...constraints.durable(input.DurableConfig),
  );
  const latest = latestOf(ctx, input.FunctionName, input.RevisionId);
  if (input.Runtime !== undefined) checkRuntime(input.Runtime);
  rejectCapacityProvider(input.CapacityProviderConfig);
  checkEnvironment(input.Environment?.Variables);
  const c = latest.config;
  const logging = input.LoggingConfig;
  const updated: VersionConfig = {
    ...{}, ...c,
    ...(input.Role !== undefined ? { role: input.Role } : {}),
    ...(input.Handler !== undefined ? { handler: input.Handler } : {}),
    ...(input.Description !== undefined ? { description: input.Description } : {}),
    ...(input.Timeout !== undefined ? { timeout: input.Timeout } : {}),
    ...(input.MemorySize !== undefined ? { memorySize: input.MemorySize } : {}),
    ...(input.Runtime !== undefined ? { runtime: input.Runtime } : {}),
    ...(input.TracingConfig?.Mode !== undefined ? { tracingMode: input.TracingConfig.Mode } : {}),
    ...(input.EphemeralStorage ? { ephemeralStorage: input.EphemeralStorage.Size } : {}),
    ...(input.Layers !== undefined ? { layers: input.Layers } : {}),
    ...(input.Layers !== undefined ? { layerCode: resolveLayers(ctx.store, input.Layers, c.unzippedSize ?? 0) } : {}),
    ...(input.KMSKeyArn !== undefined ? { kmsKeyArn: input.KMSKeyArn } : {}),
    ...(logging?.LogFormat !== undefined ? { logFormat: logging.LogFormat === "JSON" ? ("JSON" as const) : ("Text" as const) } : {}),
    ...(logging?.LogGroup !== undefined ? { logGroup: logging.LogGroup } : {}),
    ...(logging?.ApplicationLogLevel !== undefined ? { applicationLogLevel: logging.ApplicationLogLevel } : {}),
    ...(logging?.SystemLogLevel !== undefined ? { systemLogLevel: logging.SystemLogLevel } : {}),
    ...(input.DurableConfig !== undefined ? { durable: durableOf(input.DurableConfig) } : {}),
    lastModified: ctx.clock.now(),
    revisionId: randomUUID(),
  };
  // Environment replaces the variables as a whole; an empty map removes them.
  if (input.Environment !== undefined) {
    const vars = input.Environment.Variables ?? {};
    if (Object.keys(vars).length) updated.environment = vars;
    else delete updated.environment;
  }
  if (input.DeadLetterConfig !== undefined) {
    if (input.DeadLetterConfig.TargetArn) updated.deadLetterTargetArn = input.DeadLetterConfig.TargetArn;
    else delete updated.deadLetterTargetArn;
  }
  if (input.VpcConfig !== undefined) {
    const subnets = input.VpcConfig.SubnetIds ?? [];
    if (subnets.length) updated.vpc = { SubnetIds: subnets, SecurityGroupIds: input.VpcConfig.SecurityGroupIds ?? [] };
    else delete updated.vpc;
  }
  ctx.store.putVersion(ctx, updated, latest.codeBlob);
  return toConfiguration(ctx, updated);
}
