import { randomUUID } from "node:crypto";
import type {
  DescribeExportInput,
  DescribeExportOutput,
  ExportTableToPointInTimeInput,
  ExportTableToPointInTimeOutput,
  ListExportsInput,
  ListExportsOutput,
} from "../../../generated/dynamodb.js";
import { backupErrors, invalidRequest, requireSourceTable, restorableWindow } from "../backups.js";
import type { DynamoContext } from "../context.js";
import { validationException } from "../domain/index.js";
import { errors } from "../errors.js";
import { exportDescription, exportErrors, exportTypeOf, runExport, type ExportRecord } from "../exports.js";
import { parseTableArn, tableChildArn } from "../table.js";
import type { ExportViewType } from "../transfer-formats.js";
import { checkTransferArn, insertTransfer, repeatedRequest, startJob, transferPage, transferStore } from "../transfers.js";
import { requestFingerprint } from "../items.js";
import { check, CLIENT_TOKEN_PATTERN, length, oneOf, pattern, range, s3LocationChecks } from "../validation.js";

const MINUTE_MS = 60_000;
/** An incremental export covers at least 15 minutes and at most 24 hours of changes. */
const MIN_INCREMENTAL_MS = 15 * MINUTE_MS;
const MAX_INCREMENTAL_MS = 24 * 60 * MINUTE_MS;

/** A table's ARN, as TableArn must be. */

/**
 * The table TableArn names. A bare name is not an ARN, an index's ARN is not a table's, another
 * account's is refused, and a table that is not there is named by the ARN as given (ack-api-quirks
 * DDB-EXPORT-001 and -002, measured against AWS 2026-10-09; moto's AWS-verified
 * test_export_from_missing_table).
 */
function exportSource(ctx: DynamoContext, raw: string) {
  // An empty TableArn has its own sentence (ack-api-quirks DDB-TABLE-457, export_arn_empty).
  if (raw === "") throw validationException("Invalid TableArn: Invalid Table ARN");
  if (!raw.startsWith("arn:")) throw validationException("One or more parameter values were invalid: tableArn is not a valid ARN");
  const arn = parseTableArn(raw);
  if (arn === undefined) throw invalidRequest("Table ARN is invalid.");
  if (arn.account !== ctx.account) throw errors.AccessDenied({ message: "Access is denied" });
  return requireSourceTable(ctx.store, ctx, arn.name, raw);
}

export function exportTableToPointInTime(input: ExportTableToPointInTimeInput, ctx: DynamoContext): ExportTableToPointInTimeOutput {
  const spec = input.IncrementalExportSpecification;
  check(
    length("tableArn", input.TableArn, 0, 1024),
    ...s3LocationChecks("", input.S3Bucket, input.S3BucketOwner, "s3Prefix", input.S3Prefix),
    oneOf("s3SseAlgorithm", input.S3SseAlgorithm, ["AES256", "KMS"]),
    length("s3SseKmsKeyId", input.S3SseKmsKeyId, 1, 2048),
    oneOf("exportFormat", input.ExportFormat, ["DYNAMODB_JSON", "ION"]),
    oneOf("exportType", input.ExportType, ["FULL_EXPORT", "INCREMENTAL_EXPORT"]),
    oneOf("incrementalExportSpecification.exportViewType", spec?.ExportViewType, ["NEW_IMAGE", "NEW_AND_OLD_IMAGES"]),
    pattern("clientToken", input.ClientToken, CLIENT_TOKEN_PATTERN.re, CLIENT_TOKEN_PATTERN.shown),
  );
  const type = (input.ExportType ?? "FULL_EXPORT") as NonNullable<ExportRecord["exportType"]>;
  // How ExportType and IncrementalExportSpecification go together, in AWS's words (ack-api-quirks
  // DDB-EXPORT-003, measured against AWS 2026-10-09): the spec without a type, with FULL_EXPORT, no
  // spec for INCREMENTAL_EXPORT, and a spec ({} too) without ExportFromTime.
  if (spec !== undefined && input.ExportType === undefined) {
    throw invalidRequest("Export Type expected to be Incremental Export when incremental export specification is provided");
  }
  if (type === "FULL_EXPORT" && spec !== undefined) throw invalidRequest("When Export Type is Full Export , Incremental Export Specification should not be provided");
  if (type === "INCREMENTAL_EXPORT") {
    if (spec === undefined) throw invalidRequest("Incremental Export Specification expected when export type is set as Incremental Export");
    if (spec.ExportFromTime === undefined) throw invalidRequest("ExportFromTime must be provided in IncrementalExportSpecification");
  }

  const print = requestFingerprint(input, "ClientToken");
  const token = input.ClientToken;
  const repeated = repeatedRequest<ExportRecord>(ctx, ctx, "export", token, print, () => exportErrors.ExportConflict());
  if (repeated !== undefined) return { ExportDescription: exportDescription(repeated) };

  const now = ctx.clock.now();
  const meta = exportSource(ctx, input.TableArn);
  const window = restorableWindow(meta, now);
  if (window === undefined) throw backupErrors.PointInTimeRecoveryUnavailable({ name: meta.name });
  // An export reads the table up to the present: the window ends now, not 5 minutes ago.
  const within = (t: number) => t >= window.earliest && t <= now;
  let exportTime: number | undefined;
  let incremental: ExportRecord["incremental"];
  if (type === "FULL_EXPORT") {
    exportTime = input.ExportTime?.getTime() ?? now;
    if (!within(exportTime)) throw exportErrors.InvalidExportTime();
  } else {
    const from = (spec?.ExportFromTime as Date).getTime();
    const to = spec?.ExportToTime?.getTime() ?? now;
    const second = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
    // AWS checks the from time first (a from time after the to time fails it too), then the to time, then the length.
    if (from < window.earliest || from > to) throw exportErrors.IncrementalFromTime({ time: second(from) });
    // AWS answered a bad from time before ExportTime given with INCREMENTAL_EXPORT (DDB-EXPORT-003).
    if (input.ExportTime !== undefined) throw validationException("ExportTime cannot be specified when ExportType is INCREMENTAL_EXPORT");
    if (to > now) throw exportErrors.IncrementalToTime({ time: second(to) });
    if (to - from < MIN_INCREMENTAL_MS) throw exportErrors.IncrementalTooShort();
    if (to - from > MAX_INCREMENTAL_MS) throw validationException("The incremental export period must not exceed 24 hours: ExportToTime must be at most 24 hours after ExportFromTime");
    incremental = { from, to, viewType: (spec?.ExportViewType ?? "NEW_AND_OLD_IMAGES") as ExportViewType };
  }

  const arn = tableChildArn(meta.arn, "export", now);
  const record: ExportRecord = {
    arn,
    status: "IN_PROGRESS",
    tableArn: meta.arn,
    tableId: meta.id,
    tableName: meta.name,
    startTime: now,
    ...(exportTime !== undefined ? { exportTime } : {}),
    clientToken: token ?? randomUUID(),
    s3Bucket: input.S3Bucket,
    ...(input.S3BucketOwner !== undefined ? { s3BucketOwner: input.S3BucketOwner } : {}),
    ...(input.S3Prefix !== undefined ? { s3Prefix: input.S3Prefix } : {}),
    s3SseAlgorithm: (input.S3SseAlgorithm ?? "AES256") as ExportRecord["s3SseAlgorithm"],
    ...(input.S3SseKmsKeyId !== undefined ? { s3SseKmsKeyId: input.S3SseKmsKeyId } : {}),
    exportFormat: (input.ExportFormat ?? "DYNAMODB_JSON") as ExportRecord["exportFormat"],
    ...(input.ExportType !== undefined ? { exportType: type } : {}),
    ...(incremental ? { incremental } : {}),
  };
  insertTransfer(ctx, ctx, "export", print, now, record);
  startJob(ctx, ctx, now, "dynamodb:export", arn, runExport);
  return { ExportDescription: exportDescription(record) };
}

export function describeExport(input: DescribeExportInput, ctx: DynamoContext): DescribeExportOutput {
  check(length("exportArn", input.ExportArn, 37, 1024));
  checkTransferArn(ctx, "export", input.ExportArn);
  const row = transferStore(ctx).get<ExportRecord>(ctx, "export", input.ExportArn);
  if (row === undefined) throw exportErrors.ExportNotFound({ arn: input.ExportArn });
  return { ExportDescription: exportDescription(row.record) };
}

/** ListExports pages hold at most 25 exports. */
const MAX_EXPORTS_PAGE = 25;

export function listExports(input: ListExportsInput, ctx: DynamoContext): ListExportsOutput {
  check(length("tableArn", input.TableArn, 1, 1024), range("maxResults", input.MaxResults, 1, MAX_EXPORTS_PAGE));
  // By TableArn, the exports of the table that has the name now: none once it is deleted, none
  // of the old table once the name is made again; DescribeExport still finds them (ack-api-quirks
  // DDB-EXPORT-020/022, measured against AWS 2026-10-09). ListImports keeps its deleted table's.
  let tableId: string | undefined;
  if (input.TableArn !== undefined) {
    const name = parseTableArn(input.TableArn)?.name;
    const meta = name === undefined ? undefined : ctx.store.getTable(ctx, name);
    if (meta === undefined) return { ExportSummaries: [] };
    tableId = meta.id;
  }
  const page = transferPage<ExportRecord>(ctx, ctx, "export", input.TableArn, input.NextToken, input.MaxResults ?? MAX_EXPORTS_PAGE, tableId);
  return {
    ExportSummaries: page.records.map((r) => ({ ExportArn: r.arn, ExportStatus: r.status, ExportType: exportTypeOf(r) })),
    ...(page.NextToken !== undefined ? { NextToken: page.NextToken } : {}),
  };
}
