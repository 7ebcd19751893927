import type {
  DeleteFunctionInput,
  DeleteFunctionOutput,
  GetFunctionConfigurationInput,
  GetFunctionConfigurationOutput,
  GetFunctionInput,
  GetFunctionOutput,
  ListFunctionsInput,
  ListFunctionsOutput,
  GetAccountSettingsInput,
  GetAccountSettingsOutput,
} from "../../../generated/lambda.js";
import { functionArn, parseFunctionName } from "../domain/arns.js";
import { primaryVersion, resolveFunction, toConfiguration } from "../domain/functions.js";
import { forgetRoleSessions } from "../domain/invoker.js";
import { page } from "../domain/paging.js";
import { forgetProvisioned, reconcileSoon } from "../provisioned.js";
import { stopPoller } from "../sqs-poller.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import { accountConcurrency } from "../limits.js";
import { check, constraints, oneOf } from "../validation.js";

export function getFunctionConfiguration(input: GetFunctionConfigurationInput, ctx: LambdaContext): GetFunctionConfigurationOutput {
  const target = resolveFunction(ctx.store, ctx, input.FunctionName, input.Qualifier, primaryVersion);
  return toConfiguration(ctx, target.version.config);
}

export function getFunction(input: GetFunctionInput, ctx: LambdaContext): GetFunctionOutput {
  const target = resolveFunction(ctx.store, ctx, input.FunctionName, input.Qualifier, primaryVersion);
  const fn = target.fn;
  return {
    Configuration: toConfiguration(ctx, target.version.config),
    Code: {
      RepositoryType: "S3",
      // The package as stored, addressed by its content hash.
      Location: `${ctx.config.endpoint}/_nimbus/lambda/code/${target.version.codeBlob}.zip`,
    },
    ...(Object.keys(fn.tags).length ? { Tags: fn.tags } : {}),
    ...(fn.reservedConcurrency !== undefined ? { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } } : {}),
  };
}

export function listFunctions(input: ListFunctionsInput, ctx: LambdaContext): ListFunctionsOutput {
  check(constraints.maxItems(input.MaxItems), oneOf("functionVersion", input.FunctionVersion, ["ALL"]));
  const names = ctx.store.listFunctionNames(ctx, undefined, Number.MAX_SAFE_INTEGER);
  const versions = names.flatMap((name) =>
    input.FunctionVersion === "ALL" ? ctx.store.listVersions(ctx, name) : [ctx.store.getVersion(ctx, name, "$LATEST")].filter((v) => v !== undefined),
  );
  const configs = versions.map((v) => toConfiguration(ctx, v.config, { qualifiedLatest: input.FunctionVersion === "ALL" }));
  const { items, next } = page(configs, (c) => c.FunctionArn ?? "", input.Marker, input.MaxItems ?? 50);
  return { Functions: items, ...(next ? { NextMarker: next } : {}) };
}

export async function deleteFunction(input: DeleteFunctionInput, ctx: LambdaContext): Promise<DeleteFunctionOutput> {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const fn = ctx.store.getFunction(ctx, ref.name);
  if (!fn) throw errors.FunctionNotFound({ arn: functionArn(ctx, ref.name) });
  const arn = functionArn(ctx, ref.name);
  if (ref.qualifier === undefined) {
    // The function and its mappings go in one transaction, and their pollers stop once it has
    // committed: a write the disk refuses leaves the function, its mappings and their polling as they were.
    const mappings = ctx.store.listMappings(ctx).filter((m) => m.functionName === ref.name);
    ctx.store.env.state.transaction(() => {
      ctx.store.deleteFunction(ctx, ref.name);
      for (const m of mappings) ctx.store.deleteMapping(ctx, m.uuid);
    });
    for (const m of mappings) stopPoller(ctx.store, ctx, m.uuid);
    await ctx.store.engine.retire(arn);
    forgetProvisioned(ctx.store, ctx, ref.name);
    forgetRoleSessions(ctx.store, ctx, ref.name);
    ctx.store.pruneCode();
    return {};
  }
  if (ref.qualifier === "$LATEST") {
    throw errors.InvalidParameterValue({ message: "$LATEST version cannot be deleted without deleting the function." });
  }
  if (!/^\d+$/.test(ref.qualifier)) {
    throw errors.InvalidParameterValue({ message: "Deletion of aliases is not currently supported." });
  }
  const version = ref.qualifier;
  const referencing = ctx.store.listAliases(ctx, ref.name).filter((a) => a.functionVersion === version || (a.routing !== undefined && version in a.routing));
  if (referencing.length) throw errors.VersionInUse({ aliases: referencing.map((a) => a.alias).join(", ") });
  if (!ctx.store.getVersion(ctx, ref.name, ref.qualifier)) throw errors.FunctionNotFound({ arn: functionArn(ctx, ref.name, ref.qualifier) });
  const provisioned = ctx.store.getProvisionedConfig(ctx, ref.name, ref.qualifier);
  ctx.store.deleteVersion(ctx, ref.name, ref.qualifier);
  await ctx.store.engine.retire(arn, ref.qualifier);
  if (provisioned) reconcileSoon(ctx.store, ctx, ref.name);
  ctx.store.pruneCode();
  return {};
}

export function getAccountSettings(_input: GetAccountSettingsInput, ctx: LambdaContext): GetAccountSettingsOutput {
  const names = ctx.store.listFunctionNames(ctx, undefined, Number.MAX_SAFE_INTEGER);
  const total = names.reduce((sum, name) => sum + ctx.store.listVersions(ctx, name).reduce((s, v) => s + v.config.codeSize, 0), 0);
  const quota = accountConcurrency(ctx.config);
  return {
    AccountLimit: {
      TotalCodeSize: 80_530_636_800,
      CodeSizeUnzipped: 262_144_000,
      CodeSizeZipped: 52_428_800,
      ConcurrentExecutions: quota,
      // Provisioned concurrency of functions without reserved concurrency comes out of the unreserved pool.
      UnreservedConcurrentExecutions: quota - ctx.store.reservedTotal(ctx, "") - ctx.store.provisionedUnreservedTotal(ctx),
    },
    AccountUsage: { TotalCodeSize: total, FunctionCount: names.length },
  };
}
