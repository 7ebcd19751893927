import type { DescribeTimeToLiveInput, DescribeTimeToLiveOutput, UpdateTimeToLiveInput, UpdateTimeToLiveOutput } from "../../../generated/dynamodb.js";
import { validationException } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { reindexExpiry, requireTable } from "../items.js";
import { check, length } from "../validation.js";
import { checkTtlAllowed, syncReplicas } from "../global-tables.js";

/** "It can take up to one hour for the change to fully process": another UpdateTimeToLive within that hour is refused. */
export const TTL_CHANGE_INTERVAL_MS = 60 * 60 * 1000;

export function updateTimeToLive(input: UpdateTimeToLiveInput, ctx: DynamoContext): UpdateTimeToLiveOutput {
  const spec = input.TimeToLiveSpecification;
  check(length("timeToLiveSpecification.attributeName", spec.AttributeName, 1, 255));
  ctx.store.transaction(() => {
    const meta = requireTable(ctx.store, ctx, input.TableName, "settings");
    checkTtlAllowed(meta);
    const current = meta.ttl;
    // What the request asks is checked before how recently TTL last changed, as AWS does.
    if (current?.enabled && current.attribute !== spec.AttributeName) {
      throw validationException(`TimeToLive is active on a different AttributeName: current AttributeName is ${current.attribute}`);
    }
    if (spec.Enabled && current?.enabled) throw validationException("TimeToLive is already enabled");
    if (!spec.Enabled && !current?.enabled) throw validationException("TimeToLive is already disabled");
    const now = ctx.clock.now();
    if (current?.changedAt !== undefined && now - current.changedAt < TTL_CHANGE_INTERVAL_MS) {
      throw validationException("Time to live has been modified multiple times within a fixed interval");
    }
    meta.ttl = { attribute: spec.AttributeName, enabled: spec.Enabled, changedAt: now };
    ctx.store.saveTable(ctx, meta);
    reindexExpiry(ctx.store, ctx, meta);
    // A global table's TTL setting is the same in every replica.
    syncReplicas(ctx, meta);
  });
  return { TimeToLiveSpecification: { Enabled: spec.Enabled, AttributeName: spec.AttributeName } };
}

export function describeTimeToLive(input: DescribeTimeToLiveInput, ctx: DynamoContext): DescribeTimeToLiveOutput {
  const meta = requireTable(ctx.store, ctx, input.TableName, "settings");
  if (meta.ttl?.enabled) return { TimeToLiveDescription: { TimeToLiveStatus: "ENABLED", AttributeName: meta.ttl.attribute } };
  return { TimeToLiveDescription: { TimeToLiveStatus: "DISABLED" } };
}
