import { randomUUID } from "node:crypto";
import type { CreateFunctionInput, CreateFunctionOutput } from "../../../generated/lambda.js";
import { parseFunctionName } from "../domain/arns.js";
import { loadZip } from "../domain/code.js";
import { durableOf, rejectCapacityProvider, toConfiguration } from "../domain/functions.js";
import { resolveLayers } from "../domain/layers.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import type { VersionConfig } from "../store.js";
import { check, checkEnvironment, checkRuntime, constraints, oneOf } from "../validation.js";
import { publish } from "./versions.js";

export async function createFunction(input: CreateFunctionInput, ctx: LambdaContext): Promise<CreateFunctionOutput> {
  check(
    ...constraints.functionName(input.FunctionName),
    constraints.role(input.Role),
    constraints.runtime(input.Runtime),
    ...constraints.handler(input.Handler),
    constraints.timeout(input.Timeout),
    constraints.memorySize(input.MemorySize),
    constraints.ephemeralStorage(input.EphemeralStorage?.Size),
    constraints.description(input.Description),
    oneOf("packageType", input.PackageType, ["Zip", "Image"]),
    constraints.tenantIsolationMode(input.TenancyConfig?.TenantIsolationMode),
    ...constraints.durable(input.DurableConfig),
  );
  const ref = parseFunctionName(ctx, input.FunctionName);
  if (input.PackageType === "Image") {
    throw errors.InvalidParameterValue({ message: "Nimbus runs Zip package types only; container images (PackageType Image) are not supported." });
  }
  rejectCapacityProvider(input.CapacityProviderConfig);
  if (input.Runtime === undefined || input.Handler === undefined) {
    throw errors.InvalidParameterValue({ message: "Runtime and Handler are mandatory parameters for functions created with deployment packages." });
  }
  checkRuntime(input.Runtime);
  checkEnvironment(input.Environment?.Variables);
  if (ctx.store.getFunction(ctx, ref.name)) throw errors.FunctionExists({ name: ref.name });
  const zip = await loadZip(input.Code, ctx);
  const code = await ctx.store.checkZip(zip);
  const blob = await ctx.store.env.state.blobs.put(zip);
  const now = ctx.clock.now();
  const config: VersionConfig = {
    name: ref.name,
    version: "$LATEST",
    runtime: input.Runtime,
    role: input.Role,
    handler: input.Handler,
    description: input.Description ?? "",
    timeout: input.Timeout ?? 3,
    memorySize: input.MemorySize ?? 128,
    ...(input.Environment?.Variables ? { environment: input.Environment.Variables } : {}),
    codeSha256: code.codeSha256,
    codeSize: code.codeSize,
    unzippedSize: code.unzippedSize,
    lastModified: now,
    revisionId: randomUUID(),
    tracingMode: input.TracingConfig?.Mode ?? "PassThrough",
    architectures: input.Architectures ?? ["x86_64"],
    ephemeralStorage: input.EphemeralStorage?.Size ?? 512,
    logFormat: input.LoggingConfig?.LogFormat === "JSON" ? "JSON" : "Text",
    ...(input.LoggingConfig?.LogGroup ? { logGroup: input.LoggingConfig.LogGroup } : {}),
    ...(input.LoggingConfig?.ApplicationLogLevel ? { applicationLogLevel: input.LoggingConfig.ApplicationLogLevel } : {}),
    ...(input.LoggingConfig?.SystemLogLevel ? { systemLogLevel: input.LoggingConfig.SystemLogLevel } : {}),
    ...(input.DeadLetterConfig?.TargetArn ? { deadLetterTargetArn: input.DeadLetterConfig.TargetArn } : {}),
    ...(input.KMSKeyArn ? { kmsKeyArn: input.KMSKeyArn } : {}),
    ...(input.VpcConfig ? { vpc: { SubnetIds: input.VpcConfig.SubnetIds ?? [], SecurityGroupIds: input.VpcConfig.SecurityGroupIds ?? [] } } : {}),
    ...(input.TenancyConfig ? { tenantIsolationMode: input.TenancyConfig.TenantIsolationMode } : {}),
    ...(input.DurableConfig ? { durable: durableOf(input.DurableConfig) } : {}),
    layers: input.Layers ?? [],
    ...(input.Layers?.length ? { layerCode: resolveLayers(ctx.store, input.Layers, code.unzippedSize) } : {}),
  };
  try {
    ctx.store.insertFunction(ctx, config, blob.id, input.Tags ?? {}, now);
  } catch (err) {
    ctx.store.env.state.blobs.abandon(blob.id);
    // A concurrent CreateFunction of the same name won the primary key.
    if (ctx.store.getFunction(ctx, ref.name)) throw errors.FunctionExists({ name: ref.name });
    throw err;
  }
  if (input.Publish) return toConfiguration(ctx, publish(ctx, ref.name, undefined).config);
  return toConfiguration(ctx, config);
}
