import type { Scope } from "../../../core/service.js";
import { assertCombinedSize } from "../runtime/zip.js";
import { errors } from "../errors.js";
import type { LambdaStore, VersionConfig } from "../store.js";

// Lambda's limit on layers per function.
const MAX_LAYERS = 5;

export function layerArn(scope: Scope, name: string, version?: number): string {
  return `arn:aws:lambda:${scope.region}:${scope.account}:layer:${name}${version !== undefined ? `:${version}` : ""}`;
}

export function parseLayerVersionArn(arn: string): { scope: Scope; name: string; version: number } | undefined {
  const m = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:([a-zA-Z0-9-_]+):(\d+)$/.exec(arn);
  if (!m || !m[1] || !m[2] || !m[3] || !m[4]) return undefined;
  return { scope: { region: m[1], account: m[2] }, name: m[3], version: Number(m[4]) };
}

/** Resolves a function's Layers list to the stored packages, with Lambda's checks. */
export function resolveLayers(store: LambdaStore, arns: readonly string[], functionUnzipped: number): NonNullable<VersionConfig["layerCode"]> {
  if (arns.length > MAX_LAYERS) throw errors.InvalidParameterValue({ message: `Cannot reference more than ${MAX_LAYERS} layers.` });
  const out = arns.map((arn) => {
    const ref = parseLayerVersionArn(arn);
    const layer = ref ? store.getLayerVersion(ref.scope, ref.name, ref.version) : undefined;
    if (!layer) throw errors.InvalidParameterValue({ message: `Layer version ${arn} does not exist.` });
    return { arn, blob: layer.codeBlob, codeSize: layer.config.codeSize, unzippedSize: layer.config.unzippedSize };
  });
  assertCombinedSize(functionUnzipped, out.map((l) => l.unzippedSize));
  return out;
}
