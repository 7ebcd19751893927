import type {
  DescribeContinuousBackupsInput,
  DescribeContinuousBackupsOutput,
  UpdateContinuousBackupsInput,
  UpdateContinuousBackupsOutput,
} from "../../../generated/dynamodb.js";
import { errors } from "../errors.js";
import type { DynamoContext } from "../context.js";
import { tableNameOf } from "../items.js";
import type { TableMeta } from "../table.js";

/** Point-in-time recovery restores to any second up to 5 minutes before now. */
const LATEST_RESTORABLE_LAG_MS = 5 * 60 * 1000;
/** ...and no further back than 35 days. */
const RECOVERY_WINDOW_MS = 35 * 24 * 60 * 60 * 1000;

function requireTable(ctx: DynamoContext, raw: string): TableMeta {
  const name = tableNameOf(raw);
  const meta = ctx.store.getTable(ctx, name);
  // The backup APIs say TableNotFoundException, not ResourceNotFoundException.
  if (meta === undefined) throw errors.BackupTableNotFound({ name });
  return meta;
}

function describe(meta: TableMeta, now: number): DescribeContinuousBackupsOutput {
  const pitr = meta.pitrSince;
  return {
    ContinuousBackupsDescription: {
      // Continuous backups are always on; PITR is the switch.
      ContinuousBackupsStatus: "ENABLED",
      PointInTimeRecoveryDescription:
        pitr === undefined
          ? { PointInTimeRecoveryStatus: "DISABLED" }
          : {
              PointInTimeRecoveryStatus: "ENABLED",
              EarliestRestorableDateTime: new Date(Math.max(pitr, now - RECOVERY_WINDOW_MS)),
              LatestRestorableDateTime: new Date(Math.max(pitr, now - LATEST_RESTORABLE_LAG_MS)),
            },
    },
  };
}

export function describeContinuousBackups(input: DescribeContinuousBackupsInput, ctx: DynamoContext): DescribeContinuousBackupsOutput {
  return describe(requireTable(ctx, input.TableName), ctx.clock.now());
}

export function updateContinuousBackups(input: UpdateContinuousBackupsInput, ctx: DynamoContext): UpdateContinuousBackupsOutput {
  const now = ctx.clock.now();
  return ctx.store.transaction(() => {
    const meta = requireTable(ctx, input.TableName);
    const enable = input.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled;
    if (enable && meta.pitrSince === undefined) meta.pitrSince = now;
    if (!enable) delete meta.pitrSince;
    ctx.store.saveTable(ctx, meta);
    return describe(meta, now);
  });
}
