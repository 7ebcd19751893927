import type { DeleteTableInput, DeleteTableOutput } from "../../../generated/dynamodb.js";
import { createSystemBackup } from "../backups.js";
import { deletionProtected, leaveOnDelete } from "../global-tables.js";
import type { DynamoContext } from "../context.js";
import { requireTable, streamChanged } from "../items.js";
import { deletingDescription, describeTable } from "../table.js";
import { checkDeletable, scheduleTransitionEnd, statusDelay } from "../table-status.js";

export function deleteTable(input: DeleteTableInput, ctx: DynamoContext): DeleteTableOutput {
  return ctx.store.transaction(() => {
    const meta = requireTable(ctx.store, ctx, input.TableName, "table");
    const now = ctx.clock.now();
    checkDeletable(meta, now);
    if (meta.deletionProtection) throw deletionProtected(meta.global !== undefined ? { name: meta.name, region: ctx.region } : undefined);
    leaveOnDelete(ctx, meta, now);
    const description = deletingDescription(describeTable(meta, "DELETING", (index) => ctx.store.stats(ctx, meta.name, index)));
    // With PITR on, DynamoDB keeps a SYSTEM backup of the deleted table for 35 days.
    createSystemBackup(ctx.store, ctx, meta, now);
    const delay = statusDelay(ctx.config);
    if (delay === 0) ctx.store.deleteTable(ctx, meta.name);
    else {
      // DescribeTable and ListTables still show it, DELETING, until the delay has passed; its items are out of reach.
      meta.transition = { status: "DELETING", until: now + delay };
      ctx.store.saveTable(ctx, meta);
      scheduleTransitionEnd(ctx, ctx, meta);
    }
    // Said of a disabled stream too: the table's streams, this one and those before it, go 24 hours from now.
    const changed = streamChanged(meta, false, now, { tableDeleted: true });
    if (changed) ctx.emit("dynamodb:StreamChanged", changed);
    return { TableDescription: description };
  });
}
