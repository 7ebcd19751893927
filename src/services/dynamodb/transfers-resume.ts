/**
 * After a restart, exports, imports and bulk puts still IN_PROGRESS are run again from the
 * beginning (a bulk put's items are puts: writing them again leaves the same items).
 */
import { runBulkPut, type BulkRecord } from "./bulk-puts.js";
import { runExport, type ExportRecord } from "./exports.js";
import { runImport, type ImportRecord } from "./imports.js";
import { scheduleJob, TRANSFER_START_DELAY_MS, transferStore, type TransferEnv } from "./transfers.js";

export function resumeTransfers(env: TransferEnv): void {
  const transfers = transferStore(env);
  const at = env.clock.now() + TRANSFER_START_DELAY_MS;
  for (const row of transfers.inProgress<ExportRecord>("export")) scheduleJob(env, at, "dynamodb:export", () => runExport(env, row.scope, row.arn));
  for (const row of transfers.inProgress<ImportRecord>("import")) scheduleJob(env, at, "dynamodb:import", () => runImport(env, row.scope, row.arn));
  for (const row of transfers.inProgress<BulkRecord>("bulk")) scheduleJob(env, at, "dynamodb:bulk-put", () => runBulkPut(env, row.scope, row.arn));
}
