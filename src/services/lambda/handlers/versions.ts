import { randomUUID } from "node:crypto";
import type {
  ListVersionsByFunctionInput,
  ListVersionsByFunctionOutput,
  PublishVersionInput,
  PublishVersionOutput,
} from "../../../generated/lambda.js";
import { requireFunction, toConfiguration } from "../domain/functions.js";
import { page } from "../domain/paging.js";
import { errors } from "../errors.js";
import type { LambdaContext } from "../index.js";
import type { VersionConfig, VersionRow } from "../store.js";
import { check, constraints } from "../validation.js";

/** What makes two versions the same code and configuration (Lambda does not publish a duplicate). */
function publishable(c: VersionConfig): string {
  const { version: _v, revisionId: _r, lastModified: _l, description: _d, ...rest } = c;
  return JSON.stringify(rest, Object.keys(rest).sort());
}

/** Publishes $LATEST as the next version, or returns the newest one if nothing changed since. */
export function publish(ctx: LambdaContext, name: string, description: string | undefined): VersionRow {
  return ctx.store.env.state.transaction(() => {
    const latest = ctx.store.getVersion(ctx, name, "$LATEST");
    if (!latest) throw errors.FunctionNotFound({ arn: `arn:aws:lambda:${ctx.region}:${ctx.account}:function:${name}` });
    const versions = ctx.store.listVersions(ctx, name);
    const newest = versions[versions.length - 1];
    if (newest && newest.config.version !== "$LATEST" && publishable(newest.config) === publishable(latest.config)) return newest;
    const n = ctx.store.takeVersionNumber(ctx, name);
    const config: VersionConfig = {
      ...{}, ...latest.config,
      version: String(n),
      description: description ?? latest.config.description,
      revisionId: randomUUID(),
      lastModified: ctx.clock.now(),
    };
    ctx.store.putVersion(ctx, config, latest.codeBlob);
    return { config, codeBlob: latest.codeBlob };
  });
}

export function publishVersion(input: PublishVersionInput, ctx: LambdaContext): PublishVersionOutput {
  check(constraints.description(input.Description));
  const fn = requireFunction(ctx.store, ctx, input.FunctionName);
  const latest = ctx.store.getVersion(ctx, fn.name, "$LATEST");
  if (latest && input.CodeSha256 !== undefined && input.CodeSha256 !== latest.config.codeSha256) {
    throw errors.InvalidParameterValue({
      message: `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${latest.config.codeSha256}). Please try again with the current CodeSHA256.`,
    });
  }
  if (latest && input.RevisionId !== undefined && input.RevisionId !== latest.config.revisionId) throw errors.PreconditionFailed();
  return toConfiguration(ctx, publish(ctx, fn.name, input.Description).config);
}

export function listVersionsByFunction(input: ListVersionsByFunctionInput, ctx: LambdaContext): ListVersionsByFunctionOutput {
  check(constraints.maxItems(input.MaxItems));
  const fn = requireFunction(ctx.store, ctx, input.FunctionName);
  const all = ctx.store.listVersions(ctx, fn.name).map((v) => toConfiguration(ctx, v.config, { qualifiedLatest: true }));
  const { items, next } = page(all, (c) => c.Version ?? "", input.Marker, input.MaxItems ?? 50);
  return { Versions: items, ...(next ? { NextMarker: next } : {}) };
}
