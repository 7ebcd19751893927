/**
 * Put/Get/Delete/List of the four bucket configurations S3 keeps by Id: analytics, inventory,
 * metrics and Intelligent-Tiering. They differ only in the kind stored, the member that carries
 * the document and its validation (id-configs.ts), so one family serves all four.
 *
 * A bucket's configurations of a kind are one `s3_bucket_config` row: the documents as sent,
 * sorted by Id (the order the List operations page in). The row goes with its bucket.
 */
import { decodeContinuationToken, encodeContinuationToken } from "../domain/listing.js";
import { errors } from "../errors.js";
import {
  CONFIGURATIONS_PAGE,
  MAX_CONFIGURATIONS,
  validateAnalytics,
  validateIntelligentTiering,
  validateInventory,
  validateMetrics,
} from "../id-configs.js";
import type { S3Context } from "../index.js";
import { emitTieringEvents, settleBucket } from "../intelligent-tiering.js";
import { requireBucket } from "../objects.js";
import type { BucketConfigKind } from "../store.js";

interface IdInput {
  readonly Bucket: string;
  readonly Id: string;
}

interface ListInput {
  readonly Bucket: string;
  readonly ContinuationToken?: string;
}

interface ListPage {
  readonly IsTruncated: boolean;
  readonly ContinuationToken?: string;
  readonly NextContinuationToken?: string;
}

/**
 * The four handlers of one kind. `member` names the document in Put's input and Get's output
 * ("AnalyticsConfiguration"); List's output holds the page as `${member}List`.
 */
function idConfigFamily<C extends { readonly Id: string }, M extends string>(
  kind: BucketConfigKind,
  member: M,
  validate: (config: C, id: string) => void,
  beforeChange?: (ctx: S3Context, bucket: string) => void,
) {
  const stored = (ctx: S3Context, bucket: string): C[] => ctx.store.config<C[]>(bucket, kind) ?? [];

  return {
    put(input: IdInput & { readonly [K in M]: C }, ctx: S3Context): Record<string, never> {
      requireBucket(ctx, input.Bucket);
      const config = input[member];
      validate(config, input.Id);
      ctx.store.transaction(() => {
        const bucket = requireBucket(ctx, input.Bucket).name;
        const others = stored(ctx, bucket).filter((c) => c.Id !== input.Id);
        if (others.length >= MAX_CONFIGURATIONS) throw errors.TooManyConfigurations();
        beforeChange?.(ctx, bucket);
        ctx.store.setConfig(bucket, kind, [...others, config].sort((a, b) => (a.Id < b.Id ? -1 : a.Id > b.Id ? 1 : 0)));
      });
      return {};
    },

    get(input: IdInput, ctx: S3Context): { [K in M]: C } {
      const config = stored(ctx, requireBucket(ctx, input.Bucket).name).find((c) => c.Id === input.Id);
      if (config === undefined) throw errors.NoSuchConfiguration();
      return { [member]: config } as { [K in M]: C };
    },

    delete(input: IdInput, ctx: S3Context): Record<string, never> {
      ctx.store.transaction(() => {
        const bucket = requireBucket(ctx, input.Bucket).name;
        const all = stored(ctx, bucket);
        const rest = all.filter((c) => c.Id !== input.Id);
        if (rest.length === all.length) throw errors.NoSuchConfiguration();
        beforeChange?.(ctx, bucket);
        if (rest.length) ctx.store.setConfig(bucket, kind, rest);
        else ctx.store.deleteConfig(bucket, kind);
      });
      return {};
    },

    list(input: ListInput, ctx: S3Context): ListPage & { [K in `${M}List`]?: C[] } {
      const all = stored(ctx, requireBucket(ctx, input.Bucket).name);
      const after = input.ContinuationToken !== undefined ? decodeContinuationToken(input.ContinuationToken) : undefined;
      const rest = after === undefined ? all : all.filter((c) => c.Id > after);
      const page = rest.slice(0, CONFIGURATIONS_PAGE);
      const last = page[page.length - 1];
      const truncated = rest.length > page.length && last !== undefined;
      return {
        ...{},
        ...(page.length ? { [`${member}List`]: page } : {}),
        IsTruncated: truncated,
        ...(input.ContinuationToken !== undefined ? { ContinuationToken: input.ContinuationToken } : {}),
        ...(truncated ? { NextContinuationToken: encodeContinuationToken(last.Id) } : {}),
      } as ListPage & { [K in `${M}List`]?: C[] };
    },
  };
}

export const analyticsConfigurations = idConfigFamily("analytics", "AnalyticsConfiguration", validateAnalytics);
export const inventoryConfigurations = idConfigFamily("inventory", "InventoryConfiguration", validateInventory);
export const metricsConfigurations = idConfigFamily("metrics", "MetricsConfiguration", validateMetrics);
// What the configurations did while in force stays done: objects they moved to an archive tier
// are written down before they change, and their moves told (intelligent-tiering.ts).
export const intelligentTieringConfigurations = idConfigFamily("intelligentTiering", "IntelligentTieringConfiguration", validateIntelligentTiering, (ctx, bucket) => {
  const row = ctx.store.bucket(bucket);
  if (row) emitTieringEvents(ctx, row, settleBucket(ctx.store, bucket, ctx.clock.now()));
});
