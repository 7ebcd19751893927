import type {
  CreateBackupInput,
  CreateBackupOutput,
  DeleteBackupInput,
  DeleteBackupOutput,
  DescribeBackupInput,
  DescribeBackupOutput,
  ListBackupsInput,
  ListBackupsOutput,
  RestoreTableFromBackupInput,
  RestoreTableFromBackupOutput,
  RestoreTableToPointInTimeInput,
  RestoreTableToPointInTimeOutput,
} from "../../../generated/dynamodb.js";
import { validationException } from "../domain/index.js";
import {
  backupArn,
  backupArnTime,
  backupDescription,
  backupDetails,
  backupErrors,
  backupPage,
  backupSource,
  itemsAt,
  requireSourceTable,
  restorableWindow,
  restoreTable,
} from "../backups.js";
import type { DynamoContext } from "../context.js";
import { parseItem, tableNameOf } from "../items.js";
import type { BackupRow } from "../store.js";
import { check, length, namePattern, oneOf, range, tableNameChecks } from "../validation.js";

const BACKUP_TYPES = ["USER", "SYSTEM", "AWS_BACKUP", "ALL"] as const;

/** A table's backup ARN; anything else (a table's ARN, an empty string) DynamoDB calls invalid before looking. */
const BACKUP_ARN = /^arn:aws[\w-]*:dynamodb:[^:]+:\d{12}:table\/[a-zA-Z0-9_.-]{3,255}\/backup\/[^/]+$/;

function requireBackup(ctx: DynamoContext, arn: string): BackupRow {
  if (!BACKUP_ARN.test(arn)) throw validationException("Invalid Backup ARN");
  const row = ctx.store.getBackup(ctx, arn);
  if (row === undefined) throw backupErrors.BackupNotFound({ arn });
  return row;
}

export function createBackup(input: CreateBackupInput, ctx: DynamoContext): CreateBackupOutput {
  // Coral lists a backup name's pattern before its length.
  check(namePattern(input.BackupName, "backupName"), length("backupName", input.BackupName, 3, 255));
  const now = ctx.clock.now();
  return ctx.store.transaction(() => {
    const meta = requireSourceTable(ctx.store, ctx, input.TableName);
    const arn = backupArn(meta.arn, now);
    const copied = ctx.store.createBackup(ctx, { arn, name: input.BackupName, tableName: meta.name, type: "USER", createdAt: now, source: JSON.stringify(meta) });
    // DynamoDB answers CREATING; the copy is complete by the time anyone describes it.
    return {
      BackupDetails: backupDetails({ arn, name: input.BackupName, tableName: meta.name, type: "USER", createdAt: now, source: "", ...copied }, "CREATING"),
    };
  });
}

export function describeBackup(input: DescribeBackupInput, ctx: DynamoContext): DescribeBackupOutput {
  return { BackupDescription: backupDescription(requireBackup(ctx, input.BackupArn), "AVAILABLE") };
}

export function deleteBackup(input: DeleteBackupInput, ctx: DynamoContext): DeleteBackupOutput {
  return ctx.store.transaction(() => {
    const row = requireBackup(ctx, input.BackupArn);
    ctx.store.deleteBackup(ctx, row.arn);
    return { BackupDescription: backupDescription(row, "DELETED") };
  });
}

export function listBackups(input: ListBackupsInput, ctx: DynamoContext): ListBackupsOutput {
  check(
    range("limit", input.Limit, 1, 100),
    oneOf("backupType", input.BackupType, BACKUP_TYPES),
    length("exclusiveStartBackupArn", input.ExclusiveStartBackupArn, 37, 1024),
  );
  const lower = input.TimeRangeLowerBound?.getTime();
  const upper = input.TimeRangeUpperBound?.getTime();
  if (lower !== undefined && upper !== undefined && lower > upper) {
    throw validationException("One or more parameter values were invalid: Time range lower bound must be less than or equal to upper bound");
  }
  const tableName = input.TableName !== undefined ? tableNameOf(input.TableName) : undefined;
  // USER is the default; ALL means the on-demand kinds, USER and SYSTEM.
  const type = input.BackupType ?? "USER";
  const types = type === "ALL" ? ["USER", "SYSTEM"] : [type];
  let after: { createdAt: number; arn: string } | undefined;
  if (input.ExclusiveStartBackupArn !== undefined) {
    const arn = input.ExclusiveStartBackupArn;
    // The start backup may have been deleted since; its ARN still says when it was made.
    const createdAt = ctx.store.getBackup(ctx, arn)?.createdAt ?? backupArnTime(arn);
    if (createdAt !== undefined) after = { createdAt, arn };
  }
  const limit = input.Limit ?? Number.MAX_SAFE_INTEGER;
  const rows = ctx.store.listBackups(
    ctx,
    { tableName, from: lower, before: upper, types, after },
    Math.min(limit, 10_000) + 1,
  );
  const page = backupPage(rows, limit);
  return { BackupSummaries: page.summaries, ...(page.next !== undefined ? { LastEvaluatedBackupArn: page.next } : {}) };
}

export function restoreTableFromBackup(input: RestoreTableFromBackupInput, ctx: DynamoContext): RestoreTableFromBackupOutput {
  check(...tableNameChecks(input.TargetTableName, "targetTableName"));
  const row = requireBackup(ctx, input.BackupArn);
  const source = backupSource(row);
  const description = restoreTable(
    ctx,
    source,
    input.TargetTableName,
    input,
    { sourceBackupArn: row.arn, sourceTableArn: source.arn, restoreDateTime: row.createdAt },
    function* () {
      for (const text of ctx.store.backupItems(ctx, row.arn)) yield parseItem(text);
    },
  );
  return { TableDescription: description };
}

export function restoreTableToPointInTime(input: RestoreTableToPointInTimeInput, ctx: DynamoContext): RestoreTableToPointInTimeOutput {
  check(...tableNameChecks(input.TargetTableName, "targetTableName"));
  const rawSource = input.SourceTableArn ?? input.SourceTableName;
  if (rawSource === undefined) throw validationException("The parameter 'TableName' is required but was not present in the request");
  const latest = input.UseLatestRestorableTime === true;
  if (latest && input.RestoreDateTime !== undefined) {
    throw validationException("Only one of RestoreDateTime or UseLatestRestorableTime can be specified");
  }
  if (!latest && input.RestoreDateTime === undefined) {
    throw validationException("Invalid Request: Either one of RestoreDateTime or UseLatestRestorableTime must be specified, but not both");
  }
  // DynamoDB's order: the source, its PITR, the time, and only then whether the target name is free.
  const now = ctx.clock.now();
  const source = requireSourceTable(ctx.store, ctx, rawSource);
  const window = restorableWindow(source, now);
  if (window === undefined) throw backupErrors.PointInTimeRecoveryUnavailable({ name: source.name });
  const at = latest ? window.latest : (input.RestoreDateTime as Date).getTime();
  if (!(at >= window.earliest && at <= window.latest)) throw backupErrors.InvalidRestoreTime();
  if (ctx.store.getTable(ctx, input.TargetTableName) !== undefined) throw backupErrors.TableAlreadyExists({ name: input.TargetTableName });
  const description = restoreTable(ctx, source, input.TargetTableName, input, { sourceTableArn: source.arn, restoreDateTime: at }, () =>
    itemsAt(ctx.store, ctx, source, at),
  );
  return { TableDescription: description };
}
