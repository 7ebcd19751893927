import type { DescribeTableInput, DescribeTableOutput } from "../../../generated/dynamodb.js";
import type { DynamoContext } from "../context.js";
import { requireTable } from "../items.js";
import { describeTable } from "../table.js";
import { tableStatus } from "../table-status.js";

export function describeTableHandler(input: DescribeTableInput, ctx: DynamoContext): DescribeTableOutput {
  const meta = requireTable(ctx.store, ctx, input.TableName, "table");
  const now = ctx.clock.now();
  return { Table: describeTable(meta, tableStatus(meta, now), (index) => ctx.store.stats(ctx, meta.name, index), [], now) };
}
