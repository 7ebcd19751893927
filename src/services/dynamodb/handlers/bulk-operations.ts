import type {
  CancelBulkOperationInput,
  CancelBulkOperationOutput,
  DescribeBulkOperationInput,
  DescribeBulkOperationOutput,
  ListBulkOperationsInput,
  ListBulkOperationsOutput,
  StartBulkPutItemsInput,
  StartBulkPutItemsOutput,
} from "../../../generated/dynamodb.js";
import { bulkDescription, bulkSummary, GLOBAL_TABLE_REFUSAL, isActive, runBulkPut, type BulkRecord } from "../bulk-puts.js";
import type { DynamoContext } from "../context.js";
import { validationException } from "../domain/index.js";
import { errors } from "../errors.js";
import { requestFingerprint, requireTable } from "../items.js";
import { tableChildArn } from "../table.js";
import { insertTransfer, repeatedRequest, startedTransfer, startJob, transferPage, transferStore } from "../transfers.js";
import { check, CLIENT_TOKEN_PATTERN, length, oneOf, pattern, range, s3LocationChecks } from "../validation.js";

/** Nimbus's page size for ListBulkOperations when MaxResults is not given (AWS's is not published). */
const MAX_BULK_PAGE = 100;

export function startBulkPutItems(input: StartBulkPutItemsInput, ctx: DynamoContext): StartBulkPutItemsOutput {
  const source = input.InputS3Configuration;
  const out = input.OutputS3Configuration;
  check(
    length("tableName", input.TableName, 1, 1024),
    ...s3LocationChecks("inputS3Configuration.", source.S3Bucket, source.S3BucketOwner, "s3KeyPrefix", source.S3KeyPrefix),
    oneOf("inputS3Configuration.inputFormat", source.InputFormat, ["DYNAMODB_JSON", "ION"]),
    oneOf("inputS3Configuration.inputCompressionType", source.InputCompressionType, ["GZIP", "ZSTD", "NONE"]),
    ...s3LocationChecks("outputS3Configuration.", out.S3Bucket, out.S3BucketOwner, "s3KeyPrefix", out.S3KeyPrefix),
    oneOf("outputS3Configuration.s3SseAlgorithm", out.S3SseAlgorithm, ["AES256", "KMS"]),
    ...out.OutputType.map((t) => oneOf("outputS3Configuration.outputType", t, ["ERROR", "CONDITION_CHECK_FAILURE"])),
    oneOf("performanceTier", input.PerformanceTier, ["STANDARD", "ACCELERATED"]),
    range("maxWriteRequestUnits", input.MaxWriteRequestUnits, 1),
    pattern("clientToken", input.ClientToken, CLIENT_TOKEN_PATTERN.re, CLIENT_TOKEN_PATTERN.shown),
  );
  if (out.OutputType.length === 0) throw validationException("1 validation error detected: Value '[]' at 'outputS3Configuration.outputType' failed to satisfy constraint: Member must have length greater than or equal to 1");

  const print = requestFingerprint(input, "ClientToken");
  const token = input.ClientToken;
  const repeated = repeatedRequest<BulkRecord>(ctx, ctx, "bulk", token, print, () => errors.IdempotentParameterMismatch());
  if (repeated !== undefined) return { BulkOperationDescription: bulkDescription(repeated) };

  const now = ctx.clock.now();
  const record = ctx.store.transaction(() => {
    const meta = requireTable(ctx.store, ctx, input.TableName, "table");
    if (meta.global !== undefined) throw validationException(GLOBAL_TABLE_REFUSAL);
    // A table ImportTable is still filling is CREATING: the operation needs it ACTIVE.
    if (meta.importArn !== undefined) throw errors.TableBeingCreated({ name: meta.name });
    const arn = tableChildArn(meta.arn, "bulk-operation", now);
    const made: BulkRecord = {
      ...{},
      ...startedTransfer(ctx, meta, arn, token, source),
      inputFormat: source.InputFormat as BulkRecord["inputFormat"],
      compression: (source.InputCompressionType ?? "NONE") as BulkRecord["compression"],
      output: out,
      ...(input.MaxWriteRequestUnits !== undefined ? { maxWriteRequestUnits: input.MaxWriteRequestUnits } : {}),
      performanceTier: (input.PerformanceTier ?? "STANDARD") as BulkRecord["performanceTier"],
      startTime: now,
      processedItemCount: 0,
      processedInputBytes: 0,
      failedItemCount: 0,
    };
    return insertTransfer(ctx, ctx, "bulk", print, now, made);
  });
  startJob(ctx, ctx, now, "dynamodb:bulk-put", record.arn, runBulkPut);
  return { BulkOperationDescription: bulkDescription(record) };
}

function requireBulk(ctx: DynamoContext, arn: string): BulkRecord {
  check(length("bulkOperationArn", arn, 37, 1024));
  const row = transferStore(ctx).get<BulkRecord>(ctx, "bulk", arn);
  if (row === undefined) throw errors.ResourceNotFoundMessage({ message: `Requested resource not found: BulkOperation: ${arn} not found` });
  return row.record;
}

export function describeBulkOperation(input: DescribeBulkOperationInput, ctx: DynamoContext): DescribeBulkOperationOutput {
  return { BulkOperationDescription: bulkDescription(requireBulk(ctx, input.BulkOperationArn)) };
}

export function listBulkOperations(input: ListBulkOperationsInput, ctx: DynamoContext): ListBulkOperationsOutput {
  check(range("maxResults", input.MaxResults, 1, MAX_BULK_PAGE));
  const page = transferPage<BulkRecord>(ctx, ctx, "bulk", undefined, input.NextToken, input.MaxResults ?? MAX_BULK_PAGE);
  return {
    BulkOperationsSummaryList: page.records.map(bulkSummary),
    ...(page.NextToken !== undefined ? { NextToken: page.NextToken } : {}),
  };
}

export function cancelBulkOperation(input: CancelBulkOperationInput, ctx: DynamoContext): CancelBulkOperationOutput {
  const r = requireBulk(ctx, input.BulkOperationArn);
  if (!isActive(r.status)) {
    throw validationException(`Bulk operation ${r.arn} cannot be cancelled because it is ${r.status}`);
  }
  // The job sees CANCELLING before its next object (or when it starts) and ends CANCELLED.
  transferStore(ctx).save(ctx, r.arn, { ...{}, ...r, status: "CANCELLING" });
  return { BulkOperationArn: r.arn, BulkOperationStatus: "CANCELLING" };
}
