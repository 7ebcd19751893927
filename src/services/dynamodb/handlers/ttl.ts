import type { DescribeTimeToLiveInput, DescribeTimeToLiveOutput, UpdateTimeToLiveInput, UpdateTimeToLiveOutput } from "../../../generated/dynamodb.js";
import { validationException } from "../domain/index.js";
import type { DynamoContext } from "../context.js";
import { reindexExpiry, requireTable } from "../items.js";
import { check, length } from "../validation.js";
import { syncReplicas } from "../global-tables.js";

export function updateTimeToLive(input: UpdateTimeToLiveInput, ctx: DynamoContext): UpdateTimeToLiveOutput {
  const spec = input.TimeToLiveSpecification;
  check(length("timeToLiveSpecification.attributeName", spec.AttributeName, 1, 255));
  ctx.store.transaction(() => {
    const meta = requireTable(ctx.store, ctx, input.TableName, "table");
    const current = meta.ttl;
    if (spec.Enabled && current?.enabled) throw validationException("TimeToLive is already enabled");
    if (!spec.Enabled && !current?.enabled) throw validationException("TimeToLive is already disabled");
    if (!spec.Enabled && current !== undefined && current.attribute !== spec.AttributeName) {
      throw validationException(`TimeToLive attribute name does not match the current attribute name: ${current.attribute}`);
    }
    meta.ttl = { attribute: spec.AttributeName, enabled: spec.Enabled };
    ctx.store.saveTable(ctx, meta);
    reindexExpiry(ctx.store, ctx, meta);
    // A global table's TTL setting is the same in every replica.
    syncReplicas(ctx, meta);
  });
  return { TimeToLiveSpecification: { Enabled: spec.Enabled, AttributeName: spec.AttributeName } };
}

export function describeTimeToLive(input: DescribeTimeToLiveInput, ctx: DynamoContext): DescribeTimeToLiveOutput {
  const meta = requireTable(ctx.store, ctx, input.TableName, "table");
  if (meta.ttl?.enabled) return { TimeToLiveDescription: { TimeToLiveStatus: "ENABLED", AttributeName: meta.ttl.attribute } };
  return { TimeToLiveDescription: { TimeToLiveStatus: "DISABLED" } };
}
