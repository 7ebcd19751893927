import type {
  DeleteProvisionedConcurrencyConfigInput,
  DeleteProvisionedConcurrencyConfigOutput,
  GetProvisionedConcurrencyConfigInput,
  GetProvisionedConcurrencyConfigOutput,
  ListProvisionedConcurrencyConfigsInput,
  ListProvisionedConcurrencyConfigsOutput,
  PutProvisionedConcurrencyConfigInput,
  PutProvisionedConcurrencyConfigOutput,
} from "../../../generated/lambda.js";
import { functionArn, isVersionQualifier, parseFunctionName } from "../domain/arns.js";
import { lambdaTimestamp } from "../domain/functions.js";
import { page } from "../domain/paging.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import { accountConcurrency, minUnreserved } from "../limits.js";
import { provisionedKey, provisionedStatus, reconcileSoon } from "../provisioned.js";
import type { FunctionRow, ProvisionedConfig } from "../store.js";
import { check, length, pattern, range } from "../validation.js";

const UNPUBLISHED = "Provisioned Concurrency Configs cannot be applied to unpublished function versions.";

interface Target {
  fn: FunctionRow;
  qualifier: string;
}

/**
 * The version or alias a configuration is for, checked as Lambda checks it: an alias must exist
 * ("Cannot find alias arn"), a version too ("Function not found").
 */
function target(ctx: LambdaContext, functionName: string, qualifier: string, latestMessage: string): Target {
  check(length("qualifier", qualifier, 1, 128), pattern("qualifier", qualifier, /^(|[a-zA-Z0-9$_-]+)$/, "(|[a-zA-Z0-9$_-]+)"));
  const ref = parseFunctionName(ctx, functionName, qualifier);
  const q = ref.qualifier ?? qualifier;
  if (q === "$LATEST") throw errors.InvalidParameterValue({ message: latestMessage });
  const fn = ctx.store.getFunction(ctx, ref.name);
  if (isVersionQualifier(q)) {
    if (!fn || !ctx.store.getVersion(ctx, ref.name, q)) throw errors.FunctionNotFound({ arn: functionArn(ctx, ref.name, q) });
  } else if (!fn || !ctx.store.getAlias(ctx, ref.name, q)) {
    throw errors.ProvisionedAliasNotFound({ arn: functionArn(ctx, ref.name, q) });
  }
  return { fn, qualifier: q };
}

function toOutput(ctx: LambdaContext, config: ProvisionedConfig): GetProvisionedConcurrencyConfigOutput {
  const state = provisionedStatus(ctx.store, ctx, config);
  return {
    RequestedProvisionedConcurrentExecutions: config.requested,
    AvailableProvisionedConcurrentExecutions: state.available,
    AllocatedProvisionedConcurrentExecutions: state.allocated,
    Status: state.status,
    ...(state.reason !== undefined ? { StatusReason: state.reason } : {}),
    LastModified: lambdaTimestamp(config.lastModified),
  };
}

export function putProvisionedConcurrencyConfig(input: PutProvisionedConcurrencyConfigInput, ctx: LambdaContext): PutProvisionedConcurrencyConfigOutput {
  check(range("provisionedConcurrentExecutions", input.ProvisionedConcurrentExecutions, 1, Number.MAX_SAFE_INTEGER));
  const { fn, qualifier } = target(ctx, input.FunctionName, input.Qualifier, UNPUBLISHED);
  const requested = input.ProvisionedConcurrentExecutions;
  const others = ctx.store.listProvisionedConfigs(ctx, fn.name).filter((c) => c.qualifier !== qualifier);
  if (isVersionQualifier(qualifier)) {
    // One allocation per version: through the version itself or through one alias, not both.
    const pointing = others.filter((c) => !isVersionQualifier(c.qualifier) && ctx.store.getAlias(ctx, fn.name, c.qualifier)?.functionVersion === qualifier);
    if (pointing.length > 0) throw errors.ResourceConflict({ message: "Version is pointed by a Provisioned Concurrency alias" });
  } else {
    const version = ctx.store.getAlias(ctx, fn.name, qualifier)?.functionVersion ?? "$LATEST";
    if (version === "$LATEST") throw errors.InvalidParameterValue({ message: UNPUBLISHED });
    if (others.some((c) => c.qualifier === version)) {
      throw errors.ResourceConflict({ message: "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version" });
    }
  }
  // Provisioned concurrency is part of the function's reserved concurrency when it has some,
  // else it comes out of the account's unreserved pool, which keeps at least 100.
  const othersTotal = others.reduce((n, c) => n + c.requested, 0);
  if (fn.reservedConcurrency !== undefined) {
    if (othersTotal + requested > fn.reservedConcurrency) {
      throw errors.InvalidParameterValue({ message: "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function" });
    }
  } else {
    const quota = accountConcurrency(ctx.config);
    const unreserved = quota - ctx.store.reservedTotal(ctx, "") - ctx.store.provisionedUnreservedTotal(ctx, fn.name, qualifier);
    if (unreserved - requested < minUnreserved(quota)) {
      throw errors.InvalidParameterValue({
        message: `Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minUnreserved(quota)}].`,
      });
    }
  }
  const config: ProvisionedConfig = { name: fn.name, qualifier, requested, lastModified: ctx.clock.now() };
  ctx.store.putProvisionedConfig(ctx, config);
  const key = provisionedKey(ctx, fn.name, qualifier);
  const before = ctx.store.provisionedStatus.get(key);
  ctx.store.provisionedStatus.set(key, { status: "IN_PROGRESS", allocated: before?.allocated ?? 0, available: before?.available ?? 0 });
  reconcileSoon(ctx.store, ctx, fn.name);
  // Put answers before any environment is ready: what is allocated shows in Get afterwards.
  return {
    RequestedProvisionedConcurrentExecutions: requested,
    AvailableProvisionedConcurrentExecutions: 0,
    AllocatedProvisionedConcurrentExecutions: 0,
    Status: "IN_PROGRESS",
    LastModified: lambdaTimestamp(config.lastModified),
  };
}

const NOT_ALIAS_OR_VERSION = "The function resource provided must be an alias or a published version.";

export function getProvisionedConcurrencyConfig(input: GetProvisionedConcurrencyConfigInput, ctx: LambdaContext): GetProvisionedConcurrencyConfigOutput {
  const { fn, qualifier } = target(ctx, input.FunctionName, input.Qualifier, NOT_ALIAS_OR_VERSION);
  const config = ctx.store.getProvisionedConfig(ctx, fn.name, qualifier);
  if (!config) throw errors.ProvisionedConfigNotFound();
  return toOutput(ctx, config);
}

/** Idempotent, as on Lambda: deleting a configuration that does not exist succeeds. */
export function deleteProvisionedConcurrencyConfig(input: DeleteProvisionedConcurrencyConfigInput, ctx: LambdaContext): DeleteProvisionedConcurrencyConfigOutput {
  const { fn, qualifier } = target(ctx, input.FunctionName, input.Qualifier, NOT_ALIAS_OR_VERSION);
  if (ctx.store.getProvisionedConfig(ctx, fn.name, qualifier)) {
    ctx.store.deleteProvisionedConfig(ctx, fn.name, qualifier);
    ctx.store.provisionedStatus.delete(provisionedKey(ctx, fn.name, qualifier));
    reconcileSoon(ctx.store, ctx, fn.name);
  }
  return {};
}

export function listProvisionedConcurrencyConfigs(input: ListProvisionedConcurrencyConfigsInput, ctx: LambdaContext): ListProvisionedConcurrencyConfigsOutput {
  check(range("maxItems", input.MaxItems, 1, 50));
  const ref = parseFunctionName(ctx, input.FunctionName);
  const fn = ctx.store.getFunction(ctx, ref.name);
  if (!fn) throw errors.FunctionNotFound({ arn: functionArn(ctx, ref.name) });
  const all = ctx.store.listProvisionedConfigs(ctx, fn.name).map((c) => ({ FunctionArn: functionArn(ctx, fn.name, c.qualifier), ...toOutput(ctx, c) }));
  const { items, next } = page(all, (c) => c.FunctionArn, input.Marker, input.MaxItems ?? 50);
  return { ProvisionedConcurrencyConfigs: items, ...(next ? { NextMarker: next } : {}) };
}
