import type { Scope } from "../../../core/service.js";
import type { FunctionConfiguration } from "../generated-types.js";
import { errors } from "../errors.js";
import type { LambdaStore, FunctionRow, VersionConfig, VersionRow } from "../store.js";
import { functionArn, isVersionQualifier, parseFunctionName } from "./arns.js";

/** Lambda's timestamp format for LastModified: ISO 8601 with a `+0000` offset. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

/**
 * `qualifiedLatest`: listings of versions (ListVersionsByFunction, ListFunctions with
 * FunctionVersion ALL) name $LATEST by its qualified ARN (`...:function:f:$LATEST`); everything
 * else names it by the unqualified one.
 */
export function toConfiguration(scope: Scope, v: VersionRow["config"], options: { qualifiedLatest?: boolean } = {}): FunctionConfiguration {
  return {
    FunctionName: v.name,
    FunctionArn: functionArn(scope, v.name, v.version === "$LATEST" && !options.qualifiedLatest ? undefined : v.version),
    Runtime: v.runtime,
    Role: v.role,
    Handler: v.handler,
    CodeSize: v.codeSize,
    Description: v.description,
    Timeout: v.timeout,
    MemorySize: v.memorySize,
    LastModified: lambdaTimestamp(v.lastModified),
    CodeSha256: v.codeSha256,
    Version: v.version,
    ...(v.vpc ? { VpcConfig: { SubnetIds: v.vpc.SubnetIds, SecurityGroupIds: v.vpc.SecurityGroupIds, VpcId: "" } } : {}),
    ...(v.environment ? { Environment: { Variables: v.environment } } : {}),
    ...(v.deadLetterTargetArn ? { DeadLetterConfig: { TargetArn: v.deadLetterTargetArn } } : {}),
    ...(v.kmsKeyArn ? { KMSKeyArn: v.kmsKeyArn } : {}),
    ...(v.tenantIsolationMode ? { TenancyConfig: { TenantIsolationMode: v.tenantIsolationMode } } : {}),
    ...(v.durable ? { DurableConfig: v.durable } : {}),
    TracingConfig: { Mode: v.tracingMode },
    RevisionId: v.revisionId,
    ...(v.layers.length ? { Layers: v.layers.map((Arn) => ({ Arn, CodeSize: v.layerCode?.find((l) => l.arn === Arn)?.codeSize ?? 0 })) } : {}),
    // Nimbus creates functions synchronously, so the waiters (FunctionActiveV2, FunctionUpdatedV2) pass at once.
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: v.architectures,
    EphemeralStorage: { Size: v.ephemeralStorage },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    LoggingConfig: {
      LogFormat: v.logFormat,
      LogGroup: v.logGroup ?? `/aws/lambda/${v.name}`,
      ...(v.applicationLogLevel ? { ApplicationLogLevel: v.applicationLogLevel } : {}),
      ...(v.systemLogLevel ? { SystemLogLevel: v.systemLogLevel } : {}),
    },
  };
}

/** DurableConfig as stored: the members given, nothing else (Nimbus runs no durable executions). */
export function durableOf(config: NonNullable<VersionConfig["durable"]>): NonNullable<VersionConfig["durable"]> {
  return {
    ...{},
    ...(config.KMSKeyArn !== undefined ? { KMSKeyArn: config.KMSKeyArn } : {}),
    ...(config.RetentionPeriodInDays !== undefined ? { RetentionPeriodInDays: config.RetentionPeriodInDays } : {}),
    ...(config.ExecutionTimeout !== undefined ? { ExecutionTimeout: config.ExecutionTimeout } : {}),
  };
}

/**
 * Lambda Managed Instances run a function on a capacity provider's EC2 instances, which Nimbus
 * has none of (CreateCapacityProvider answers 501): refused by name rather than dropped, as
 * container images are.
 */
export function rejectCapacityProvider(config: object | undefined): void {
  if (config === undefined) return;
  throw errors.InvalidParameterValue({
    message: "Nimbus runs functions on its own execution engine; Lambda Managed Instances (CapacityProviderConfig) are not supported.",
  });
}

export interface ResolvedFunction {
  fn: FunctionRow;
  version: VersionRow;
  /** The qualifier the caller used (version or alias), if any. */
  qualifier: string | undefined;
  /** The ARN the caller invoked: qualified when they gave a qualifier. */
  invokedArn: string;
}

/** Looks a function up by name, ARN or partial ARN; throws Lambda's not-found errors. */
export function requireFunction(store: LambdaStore, scope: Scope, functionName: string): FunctionRow {
  const ref = parseFunctionName(scope, functionName);
  const fn = store.getFunction(scope, ref.name);
  if (!fn) throw errors.FunctionNotFound({ arn: functionArn(scope, ref.name) });
  return fn;
}

/** For reads (GetFunction, GetPolicy...): a weighted alias answers with its primary version. */
export const primaryVersion = (): number => 1;

/**
 * Resolves FunctionName (+ Qualifier) to the version that runs: `$LATEST`, a published
 * version, or the version an alias points at (weighted aliases pick by their weights).
 */
export function resolveFunction(store: LambdaStore, scope: Scope, functionName: string, qualifier?: string, pick: () => number = Math.random): ResolvedFunction {
  const ref = parseFunctionName(scope, functionName, qualifier);
  const fn = store.getFunction(scope, ref.name);
  if (!fn) throw errors.FunctionNotFound({ arn: functionArn(scope, ref.name, ref.qualifier) });
  const q = ref.qualifier;
  let versionName = "$LATEST";
  if (q !== undefined && isVersionQualifier(q)) {
    versionName = q;
  } else if (q !== undefined) {
    const alias = store.getAlias(scope, ref.name, q);
    if (!alias) throw errors.FunctionNotFound({ arn: functionArn(scope, ref.name, q) });
    versionName = alias.functionVersion;
    if (alias.routing) {
      let roll = pick();
      for (const [v, weight] of Object.entries(alias.routing)) {
        if (roll < weight) {
          versionName = v;
          break;
        }
        roll -= weight;
      }
    }
  }
  const version = store.getVersion(scope, ref.name, versionName);
  if (!version) throw errors.FunctionNotFound({ arn: functionArn(scope, ref.name, q) });
  return { fn, version, qualifier: q, invokedArn: functionArn(scope, ref.name, q) };
}
