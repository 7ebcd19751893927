import { randomUUID } from "node:crypto";
import type {
  CreateAliasInput,
  CreateAliasOutput,
  DeleteAliasInput,
  DeleteAliasOutput,
  GetAliasInput,
  GetAliasOutput,
  ListAliasesInput,
  ListAliasesOutput,
  UpdateAliasInput,
  UpdateAliasOutput,
} from "../../../generated/lambda.js";
import { functionArn } from "../domain/arns.js";
import { requireFunction } from "../domain/functions.js";
import { page } from "../domain/paging.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import { reconcileSoon } from "../provisioned.js";
import type { AliasRow } from "../store.js";
import { check, constraints, length, pattern } from "../validation.js";

const ALIAS_PATTERN = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;
const VERSION_PATTERN = /^(\$LATEST|[0-9]+)$/;

function toOutput(ctx: LambdaContext, a: AliasRow): CreateAliasOutput {
  return {
    AliasArn: functionArn(ctx, a.name, a.alias),
    Name: a.alias,
    FunctionVersion: a.functionVersion,
    Description: a.description,
    ...(a.routing ? { RoutingConfig: { AdditionalVersionWeights: a.routing } } : {}),
    RevisionId: a.revisionId,
  };
}

function checkVersion(ctx: LambdaContext, name: string, version: string): void {
  if (!ctx.store.getVersion(ctx, name, version)) throw errors.FunctionNotFound({ arn: functionArn(ctx, name, version) });
}

function checkRouting(ctx: LambdaContext, name: string, primary: string, weights: Record<string, number> | undefined): Record<string, number> | undefined {
  if (!weights || Object.keys(weights).length === 0) return undefined;
  const entries = Object.entries(weights);
  if (entries.length > 1) throw errors.InvalidParameterValue({ message: "Number of items in AdditionalVersionWeights cannot be greater than 1" });
  for (const [version, weight] of entries) {
    if (!Number.isFinite(weight) || weight < 0 || weight > 1) {
      throw errors.Validation({
        message: `1 validation error detected: Value '${weight}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]`,
      });
    }
    if (version === primary) {
      throw errors.InvalidParameterValue({ message: `Invalid function version ${version}. Function version ${version} is already included in routing configuration.` });
    }
    checkVersion(ctx, name, version);
  }
  return weights;
}

export function createAlias(input: CreateAliasInput, ctx: LambdaContext): CreateAliasOutput {
  check(
    length("name", input.Name, 1, 128),
    pattern("name", input.Name, ALIAS_PATTERN, "(?!^[0-9]+$)([a-zA-Z0-9-_]+)"),
    pattern("functionVersion", input.FunctionVersion, VERSION_PATTERN, "(\\$LATEST|[0-9]+)"),
    constraints.description(input.Description),
  );
  const fn = requireFunction(ctx.store, ctx, input.FunctionName);
  checkVersion(ctx, fn.name, input.FunctionVersion);
  if (ctx.store.getAlias(ctx, fn.name, input.Name)) throw errors.AliasExists({ arn: functionArn(ctx, fn.name, input.Name) });
  const routing = checkRouting(ctx, fn.name, input.FunctionVersion, input.RoutingConfig?.AdditionalVersionWeights);
  const row: AliasRow = {
    name: fn.name,
    alias: input.Name,
    functionVersion: input.FunctionVersion,
    description: input.Description ?? "",
    routing,
    revisionId: randomUUID(),
  };
  ctx.store.putAlias(ctx, row);
  return toOutput(ctx, row);
}

function requireAlias(ctx: LambdaContext, functionName: string, alias: string): AliasRow {
  const fn = requireFunction(ctx.store, ctx, functionName);
  const row = ctx.store.getAlias(ctx, fn.name, alias);
  if (!row) throw errors.AliasNotFound({ arn: functionArn(ctx, fn.name, alias) });
  return row;
}

export function getAlias(input: GetAliasInput, ctx: LambdaContext): GetAliasOutput {
  return toOutput(ctx, requireAlias(ctx, input.FunctionName, input.Name));
}

export function updateAlias(input: UpdateAliasInput, ctx: LambdaContext): UpdateAliasOutput {
  check(constraints.description(input.Description), pattern("functionVersion", input.FunctionVersion, VERSION_PATTERN, "(\\$LATEST|[0-9]+)"));
  const row = requireAlias(ctx, input.FunctionName, input.Name);
  if (input.RevisionId !== undefined && input.RevisionId !== row.revisionId) throw errors.PreconditionFailed();
  const version = input.FunctionVersion ?? row.functionVersion;
  if (input.FunctionVersion !== undefined) checkVersion(ctx, row.name, version);
  const routing = input.RoutingConfig !== undefined ? checkRouting(ctx, row.name, version, input.RoutingConfig.AdditionalVersionWeights) : row.routing;
  const updated: AliasRow = {
    ...{}, ...row,
    functionVersion: version,
    description: input.Description ?? row.description,
    routing,
    revisionId: randomUUID(),
  };
  ctx.store.putAlias(ctx, updated);
  // Provisioned concurrency on the alias moves with it to the new version.
  if (updated.functionVersion !== row.functionVersion && ctx.store.getProvisionedConfig(ctx, row.name, row.alias)) reconcileSoon(ctx.store, ctx, row.name);
  return toOutput(ctx, updated);
}

export function deleteAlias(input: DeleteAliasInput, ctx: LambdaContext): DeleteAliasOutput {
  const fn = requireFunction(ctx.store, ctx, input.FunctionName);
  const provisioned = ctx.store.getProvisionedConfig(ctx, fn.name, input.Name);
  ctx.store.deleteAlias(ctx, fn.name, input.Name);
  if (provisioned) reconcileSoon(ctx.store, ctx, fn.name);
  return {};
}

export function listAliases(input: ListAliasesInput, ctx: LambdaContext): ListAliasesOutput {
  check(constraints.maxItems(input.MaxItems));
  const fn = requireFunction(ctx.store, ctx, input.FunctionName);
  const all = ctx.store
    .listAliases(ctx, fn.name)
    .filter((a) => input.FunctionVersion === undefined || a.functionVersion === input.FunctionVersion)
    .map((a) => toOutput(ctx, a));
  const { items, next } = page(all, (a) => a.Name ?? "", input.Marker, input.MaxItems ?? 50);
  return { Aliases: items, ...(next ? { NextMarker: next } : {}) };
}
