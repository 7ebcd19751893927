import type {
  DeleteLayerVersionInput,
  DeleteLayerVersionOutput,
  GetLayerVersionByArnInput,
  GetLayerVersionInput,
  GetLayerVersionOutput,
  ListLayerVersionsInput,
  ListLayerVersionsOutput,
  ListLayersInput,
  ListLayersOutput,
  PublishLayerVersionInput,
  PublishLayerVersionOutput,
} from "../../../generated/lambda.js";
import type { Scope } from "../../../core/service.js";
import { loadZip } from "../domain/code.js";
import { lambdaTimestamp } from "../domain/functions.js";
import { layerArn, parseLayerVersionArn } from "../domain/layers.js";
import { page } from "../domain/paging.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import type { LayerVersionConfig } from "../store.js";
import { check, constraints, length, pattern } from "../validation.js";

function toOutput(ctx: LambdaContext, l: LayerVersionConfig, codeBlob?: string, scope: Scope = ctx): GetLayerVersionOutput {
  return {
    ...{}, ...(codeBlob !== undefined
      ? { Content: { Location: `${ctx.config.endpoint}/_nimbus/lambda/code/${codeBlob}.zip`, CodeSha256: l.codeSha256, CodeSize: l.codeSize } }
      : {}),
    LayerArn: layerArn(scope, l.name),
    LayerVersionArn: layerArn(scope, l.name, l.version),
    Description: l.description,
    CreatedDate: lambdaTimestamp(l.createdDate),
    Version: l.version,
    CompatibleRuntimes: l.compatibleRuntimes,
    CompatibleArchitectures: l.compatibleArchitectures,
    ...(l.licenseInfo !== undefined ? { LicenseInfo: l.licenseInfo } : {}),
  };
}

const LAYER_NAME = /^(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+$/;

/** LayerName may be a name or the layer's ARN. */
function layerName(value: string): string {
  check(length("layerName", value, 1, 140), pattern("layerName", value, LAYER_NAME, "(arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+"));
  return value.startsWith("arn:") ? (value.split(":")[6] ?? value) : value;
}

export async function publishLayerVersion(input: PublishLayerVersionInput, ctx: LambdaContext): Promise<PublishLayerVersionOutput> {
  const name = layerName(input.LayerName);
  check(constraints.description(input.Description));
  const zip = await loadZip(input.Content, ctx);
  const code = await ctx.store.checkZip(zip);
  const blob = await ctx.store.env.state.blobs.put(zip);
  let config: LayerVersionConfig;
  try {
    config = ctx.store.publishLayerVersion(
      ctx,
      {
        name,
        description: input.Description ?? "",
        createdDate: ctx.clock.now(),
        compatibleRuntimes: input.CompatibleRuntimes ?? [],
        compatibleArchitectures: input.CompatibleArchitectures ?? [],
        ...(input.LicenseInfo !== undefined ? { licenseInfo: input.LicenseInfo } : {}),
        codeSha256: code.codeSha256,
        codeSize: code.codeSize,
        unzippedSize: code.unzippedSize,
      },
      blob.id,
    );
  } catch (err) {
    // Not stored (a full disk): the package's file goes now, not at the next start's sweep.
    ctx.store.env.state.blobs.abandon(blob.id);
    throw err;
  }
  return toOutput(ctx, config, blob.id);
}

function requireLayerVersion(ctx: LambdaContext, name: string, version: number): GetLayerVersionOutput {
  const layer = ctx.store.getLayerVersion(ctx, name, version);
  if (!layer) throw errors.LayerNotFound();
  return toOutput(ctx, layer.config, layer.codeBlob);
}

export function getLayerVersion(input: GetLayerVersionInput, ctx: LambdaContext): GetLayerVersionOutput {
  return requireLayerVersion(ctx, layerName(input.LayerName), input.VersionNumber);
}

export function getLayerVersionByArn(input: GetLayerVersionByArnInput, ctx: LambdaContext): GetLayerVersionOutput {
  const ref = parseLayerVersionArn(input.Arn);
  if (!ref) {
    throw errors.Validation({
      message: `1 validation error detected: Value '${input.Arn}' at 'arn' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:\\d{12}:layer:[a-zA-Z0-9-_]+:[0-9]+)|(arn:[a-zA-Z0-9-]+:lambda:::awslayer:[a-zA-Z0-9-_]+)`,
    });
  }
  const layer = ctx.store.getLayerVersion(ref.scope, ref.name, ref.version);
  if (!layer) throw errors.LayerNotFound();
  return toOutput(ctx, layer.config, layer.codeBlob, ref.scope);
}

function compatible(l: LayerVersionConfig, runtime: string | undefined, architecture: string | undefined): boolean {
  return (runtime === undefined || l.compatibleRuntimes.includes(runtime)) && (architecture === undefined || l.compatibleArchitectures.includes(architecture));
}

export function listLayerVersions(input: ListLayerVersionsInput, ctx: LambdaContext): ListLayerVersionsOutput {
  check(constraints.maxItems(input.MaxItems));
  const name = layerName(input.LayerName);
  const all = ctx.store
    .listLayerVersions(ctx, name)
    .filter((l) => compatible(l, input.CompatibleRuntime, input.CompatibleArchitecture))
    .map((l) => toOutput(ctx, l));
  const { items, next } = page(all, (l) => l.LayerVersionArn ?? "", input.Marker, input.MaxItems ?? 50);
  return { LayerVersions: items, ...(next ? { NextMarker: next } : {}) };
}

export function listLayers(input: ListLayersInput, ctx: LambdaContext): ListLayersOutput {
  check(constraints.maxItems(input.MaxItems));
  const latest = new Map<string, LayerVersionConfig>();
  for (const l of ctx.store.listLayerVersions(ctx)) {
    if (!compatible(l, input.CompatibleRuntime, input.CompatibleArchitecture)) continue;
    if (!latest.has(l.name)) latest.set(l.name, l);
  }
  const all = [...latest.values()].map((l) => ({ LayerName: l.name, LayerArn: layerArn(ctx, l.name), LatestMatchingVersion: toOutput(ctx, l) }));
  const { items, next } = page(all, (l) => l.LayerName, input.Marker, input.MaxItems ?? 50);
  return { Layers: items, ...(next ? { NextMarker: next } : {}) };
}

export function deleteLayerVersion(input: DeleteLayerVersionInput, ctx: LambdaContext): DeleteLayerVersionOutput {
  // Idempotent on Lambda; functions that use the version keep their copy of it.
  ctx.store.deleteLayerVersion(ctx, layerName(input.LayerName), input.VersionNumber);
  ctx.store.pruneCode();
  return {};
}

