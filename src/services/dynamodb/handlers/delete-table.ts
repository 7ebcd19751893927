import type { DeleteTableInput, DeleteTableOutput } from "../../../generated/dynamodb.js";
import { createSystemBackup } from "../backups.js";
import { deletionProtected, leaveOnDelete } from "../global-tables.js";
import type { DynamoContext } from "../context.js";
import { errors } from "../errors.js";
import { requireTable, streamChanged } from "../items.js";
import { describeTable } from "../table.js";

export function deleteTable(input: DeleteTableInput, ctx: DynamoContext): DeleteTableOutput {
  return ctx.store.transaction(() => {
    const meta = requireTable(ctx.store, ctx, input.TableName, "table");
    if (meta.importArn !== undefined) throw errors.TableBeingCreated({ name: meta.name });
    if (meta.deletionProtection) throw deletionProtected();
    leaveOnDelete(ctx, meta, ctx.clock.now());
    const description = describeTable(meta, "DELETING", (index) => ctx.store.stats(ctx, meta.name, index));
    // With PITR on, DynamoDB keeps a SYSTEM backup of the deleted table for 35 days.
    createSystemBackup(ctx.store, ctx, meta, ctx.clock.now());
    ctx.store.deleteTable(ctx, meta.name);
    const changed = meta.stream?.enabled ? streamChanged(meta, false, ctx.clock.now()) : undefined;
    if (changed) ctx.emit("dynamodb:StreamChanged", changed);
    return { TableDescription: description };
  });
}
