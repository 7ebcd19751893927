/**
 * Bulk put items (StartBulkPutItems): a job that reads items from S3 with ImportTable's reader
 * (ImportJob: DYNAMODB_JSON or ION lines, gunzip'd when GZIP, Zstandard-decoded when ZSTD) and
 * writes them into an existing table through writeItem, so indexes, streams and point-in-time history see them as they see
 * a PutItem's. Items that cannot be written are counted in FailedItemCount and, when the
 * OutputType asks for ERROR, reported as JSON lines in the output bucket.
 *
 * Cancellation: CancelBulkOperation marks the record CANCELLING; the job looks before each
 * object and ends CANCELLED, keeping what it wrote ("Cancellation doesn't remove items that
 * the operation has already written").
 */
import type { Scope } from "../../core/service.js";
import type { StartBulkPutItemsInput } from "../../generated/dynamodb.js";
import { ImportJob, sourceObjects, TableGone, type ItemError, type ItemSource } from "./imports.js";
import { endJob, INTERNAL_FAILURE, s3, S3Failure, transferStore, type TransferEnv } from "./transfers.js";
import { transferId } from "./transfer-formats.js";

/** "Bulk put items does not support global tables" (developer guide, BulkPutItems.Considerations). */
export const GLOBAL_TABLE_REFUSAL = "Bulk put items does not support global tables";

export type BulkStatus = "IN_PROGRESS" | "COMPLETED" | "COMPLETED_WITH_ERRORS" | "CANCELLING" | "CANCELLED" | "FAILED";

/** A bulk put as `dynamodb_transfers` keeps it (kind "bulk", times in epoch ms). */
export interface BulkRecord extends ItemSource {
  readonly arn: string;
  readonly status: BulkStatus;
  readonly tableArn: string;
  readonly tableId: string;
  readonly tableName: string;
  readonly clientToken: string;
  readonly inputFormat: "DYNAMODB_JSON" | "ION";
  readonly output: StartBulkPutItemsInput["OutputS3Configuration"];
  readonly maxWriteRequestUnits?: number;
  readonly performanceTier: "STANDARD" | "ACCELERATED";
  readonly startTime: number;
  readonly endTime?: number;
  readonly processedItemCount: number;
  readonly processedInputBytes: number;
  readonly totalInputBytes?: number;
  readonly failedItemCount: number;
  /** The sizes of the items written (BulkOperationUsage's BulkPutBytes of the table). */
  readonly bulkPutBytes?: number;
  readonly failureCode?: string;
  readonly failureMessage?: string;
  /** Where the ERROR report went, when one was written. */
  readonly reportKey?: string;
}

export function isActive(status: BulkStatus): boolean {
  return status === "IN_PROGRESS" || status === "CANCELLING";
}

export function bulkDescription(r: BulkRecord) {
  return {
    BulkOperationArn: r.arn,
    BulkOperationStatus: r.status,
    TableDetails: [{ TableName: r.tableName, TableId: r.tableId }],
    ClientToken: r.clientToken,
    InputS3Configuration: {
      S3Bucket: r.source.S3Bucket,
      S3BucketOwner: r.source.S3BucketOwner,
      ...(r.source.S3KeyPrefix !== undefined ? { S3KeyPrefix: r.source.S3KeyPrefix } : {}),
      InputFormat: r.inputFormat,
      InputCompressionType: r.compression,
    },
    OutputS3Configuration: r.output,
    StartTime: new Date(r.startTime),
    ...(r.endTime !== undefined ? { EndTime: new Date(r.endTime) } : {}),
    ProcessedItemCount: r.processedItemCount,
    ProcessedInputBytes: r.processedInputBytes,
    ...(r.totalInputBytes !== undefined ? { TotalInputBytes: r.totalInputBytes } : {}),
    FailedItemCount: r.failedItemCount,
    // Only the table's bytes: Nimbus does not measure what each index's projection took.
    BulkOperationUsage: [{ TableName: r.tableName, BulkPutBytes: r.bulkPutBytes ?? 0, Table: { BulkPutBytes: r.bulkPutBytes ?? 0 } }],
    ...(r.failureCode !== undefined ? { FailureCode: r.failureCode, FailureMessage: r.failureMessage } : {}),
    ...(r.maxWriteRequestUnits !== undefined ? { MaxWriteRequestUnits: r.maxWriteRequestUnits } : {}),
    PerformanceTier: r.performanceTier,
  };
}

export function bulkSummary(r: BulkRecord) {
  return {
    BulkOperationArn: r.arn,
    BulkOperationStatus: r.status,
    StartTime: new Date(r.startTime),
    ...(r.endTime !== undefined ? { EndTime: new Date(r.endTime) } : {}),
  };
}

/** Nimbus keeps at most this many report lines per operation (the count stays exact). */
const MAX_REPORTED = 10_000;

/**
 * One line of the ERROR report: where the item was (bucket, key, index of the item in the
 * object, from 0) and why it was not written. AWS's exact report layout (BulkPutItems.Output)
 * could not be read; this one follows ImportTable's error events (itemS3Pointer, errorMessages).
 */
export function reportLine(bucket: string, e: ItemError): string {
  return JSON.stringify({ itemS3Pointer: { bucket, key: e.key, itemIndex: e.itemIndex }, outputType: "ERROR", errorMessages: [e.message] });
}

/** The report's key: under the output prefix, one folder per operation. */
export function reportKey(prefix: string | undefined, arn: string): string {
  const base = prefix === undefined || prefix === "" ? "" : prefix.endsWith("/") ? prefix : `${prefix}/`;
  return `${base}AWSDynamoDB/${transferId(arn)}/ERROR/part-00000.json`;
}

/** Writes the ERROR report with the output's encryption settings. */
async function writeReport(env: TransferEnv, scope: Scope, r: BulkRecord, lines: readonly string[]): Promise<string> {
  const out = r.output;
  const key = reportKey(out.S3KeyPrefix, r.arn);
  await s3(env, scope, "PutObject", {
    // The API reference marks the output S3Bucket optional without saying what stands in; Nimbus uses the input's.
    Bucket: out.S3Bucket ?? r.source.S3Bucket,
    Key: key,
    Body: Buffer.from(lines.map((l) => `${l}\n`).join("")),
    ContentType: "application/json",
    ExpectedBucketOwner: out.S3BucketOwner ?? scope.account,
    ...(out.S3SseAlgorithm === "KMS"
      ? { ServerSideEncryption: "aws:kms", ...(out.S3SseKmsKeyId !== undefined ? { SSEKMSKeyId: out.S3SseKmsKeyId } : {}) }
      : out.S3SseAlgorithm === "AES256"
        ? { ServerSideEncryption: "AES256" }
        : {}),
  });
  return key;
}

/** Runs a bulk put that is IN_PROGRESS (or CANCELLING) to its end. */
export async function runBulkPut(env: TransferEnv, scope: Scope, arn: string): Promise<void> {
  const transfers = transferStore(env);
  const current = () => transfers.get<BulkRecord>(scope, "bulk", arn)?.record;
  const r = current();
  if (r === undefined || !isActive(r.status)) return;
  const lines: string[] = [];
  const reportErrors = r.output.OutputType.includes("ERROR");
  const meta = env.store.getTable(scope, r.tableName);
  let job: ImportJob | undefined;
  // Saved over the latest record, so that a CANCELLING written meanwhile is not lost.
  const save = (patch: Partial<BulkRecord>) => {
    const counters = job?.counters;
    transfers.save(scope, arn, {
      ...{},
      ...(current() ?? r),
      ...(counters !== undefined
        ? {
            processedItemCount: counters.processedItemCount,
            processedInputBytes: job?.storedBytes ?? 0,
            failedItemCount: counters.errorCount,
            bulkPutBytes: job?.writtenBytes ?? 0,
          }
        : {}),
      ...patch,
    });
  };
  // DescribeBulkOperation's progress: one that cannot be written (a full disk) leaves the
  // previous one shown; the items are written all the same, and the end carries the counts.
  const progress = (patch: Partial<BulkRecord>): void => {
    try {
      save(patch);
    } catch {
      // The end is tried until it is kept (endJob).
    }
  };
  let outcome: Partial<BulkRecord>;
  let broken: unknown;
  if (r.status === "CANCELLING") outcome = { status: "CANCELLED" };
  else if (meta === undefined || meta.id !== r.tableId) outcome = { status: "FAILED", failureCode: "TableNotFoundException", failureMessage: `Table not found: ${r.tableName}` };
  else {
    const running = new ImportJob(env, scope, r, meta, (e) => {
      if (reportErrors && lines.length < MAX_REPORTED) lines.push(reportLine(r.source.S3Bucket, e));
    });
    job = running;
    try {
      outcome = await putItems(env, scope, r, running, lines, progress, () => current()?.status === "CANCELLING");
    } catch (err) {
      if (err instanceof S3Failure) outcome = { status: "FAILED", failureCode: err.failureCode, failureMessage: err.message };
      else if (err instanceof TableGone) outcome = { status: "FAILED", failureCode: "TableNotFoundException", failureMessage: err.message };
      else {
        // Broken on something else: FAILED rather than IN_PROGRESS for ever; the table keeps what was written.
        broken = err;
        outcome = { status: "FAILED", ...INTERNAL_FAILURE };
      }
    }
  }
  // Written over the latest record at each attempt, and tried again until it is kept.
  const ended = { ...{}, endTime: env.clock.now(), ...outcome };
  const unkept = endJob(env, "dynamodb:bulk-put", () => save(ended));
  // Logged by the scheduler.
  if (broken !== undefined) throw broken;
  if (unkept !== undefined) throw unkept;
}

/** Writes the objects' items into the table, object by object, and answers how the operation ends. */
async function putItems(
  env: TransferEnv,
  scope: Scope,
  r: BulkRecord,
  job: ImportJob,
  lines: readonly string[],
  progress: (patch: Partial<BulkRecord>) => void,
  cancelling: () => boolean,
): Promise<Partial<BulkRecord>> {
  const objects: { key: string; size: number }[] = [];
  for await (const o of sourceObjects(env, scope, r)) objects.push(o);
  progress({ totalInputBytes: objects.reduce((n, o) => n + o.size, 0) });
  for (const o of objects) {
    if (cancelling()) break;
    await job.object(o.key, o.size);
    // Each object's items are committed and counted before the next one (DescribeBulkOperation shows progress).
    job.flush();
    progress({});
  }
  job.flush();
  if (cancelling()) return { status: "CANCELLED" };
  const reportAt = lines.length > 0 ? await writeReport(env, scope, r, lines) : undefined;
  return { status: job.counters.errorCount > 0 ? "COMPLETED_WITH_ERRORS" : "COMPLETED", ...(reportAt !== undefined ? { reportKey: reportAt } : {}) };
}
