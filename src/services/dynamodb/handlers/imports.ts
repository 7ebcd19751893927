import type { DescribeImportInput, DescribeImportOutput, ImportTableInput, ImportTableOutput, ListImportsInput, ListImportsOutput } from "../../../generated/dynamodb.js";
import { invalidRequest } from "../backups.js";
import type { DynamoContext } from "../context.js";
import { errors } from "../errors.js";
import { importDescription, importErrors, importSummary, runImport, type ImportRecord } from "../imports.js";
import { tableChildArn } from "../table.js";
import { checkTransferArn, insertTransfer, startedTransfer, startJob, tokenTransfer, transferPage, transferStore } from "../transfers.js";
import { requestFingerprint } from "../items.js";
import { check, CLIENT_TOKEN_PATTERN, length, oneOf, pattern, range, s3LocationChecks } from "../validation.js";
import { createTable } from "./create-table.js";

const MAX_HEADERS = 255;
/** ListImports pages hold at most 25 imports. */
const MAX_IMPORTS_PAGE = 25;

export function importTable(input: ImportTableInput, ctx: DynamoContext): ImportTableOutput {
  const source = input.S3BucketSource;
  const csv = input.InputFormatOptions?.Csv;
  const headers = csv?.HeaderList;
  check(
    ...s3LocationChecks("s3BucketSource.", source.S3Bucket, source.S3BucketOwner, "s3KeyPrefix", source.S3KeyPrefix),
    oneOf("inputFormat", input.InputFormat, ["DYNAMODB_JSON", "ION", "CSV"]),
    oneOf("inputCompressionType", input.InputCompressionType, ["GZIP", "ZSTD", "NONE"]),
    pattern("inputFormatOptions.csv.delimiter", csv?.Delimiter, /^[,;:|\t ]$/, "[,;:|\\t ]"),
    pattern("clientToken", input.ClientToken, CLIENT_TOKEN_PATTERN.re, CLIENT_TOKEN_PATTERN.shown),
    {
      field: "inputFormatOptions.csv.headerList",
      value: headers,
      failure:
        headers === undefined
          ? undefined
          : headers.length < 1
            ? "Member must have length greater than or equal to 1"
            : headers.length > MAX_HEADERS
              ? `Member must have length less than or equal to ${MAX_HEADERS}`
              : undefined,
    },
  );

  // CSV options go with CSV only (ack-api-quirks DDB-IMPORT-009, measured against AWS 2026-10-09;
  // ScyllaDB Alternator's test_import.py::test_csv_options_with_dynamodb_json_rejected).
  if (csv !== undefined && input.InputFormat !== "CSV") throw invalidRequest(`Unsupported InputFormatOptions for the given input format: ${input.InputFormat}.`);

  const print = requestFingerprint(input, "ClientToken");
  const token = input.ClientToken;
  const params = input.TableCreationParameters;
  const previous = tokenTransfer<ImportRecord>(ctx, ctx, "import", token);
  if (previous !== undefined) {
    // The token's check compares the target table only: another bucket, prefix, format or
    // compression answers the first import unchanged. The very same request once that import has
    // ended is CreateTable's refusal, for its table exists by then (ScyllaDB Alternator's
    // test_import.py::test_client_token_reuse; ack-api-quirks DDB-IMPORT-017).
    const prior = previous.record;
    if (prior.creation.TableName !== params.TableName) throw importErrors.ImportConflict();
    if (previous.fingerprint === print && prior.status !== "IN_PROGRESS" && ctx.store.getTable(ctx, params.TableName) !== undefined) {
      throw errors.TableExists({ name: params.TableName });
    }
    return { ImportTableDescription: importDescription(ctx, prior) };
  }

  const now = ctx.clock.now();
  const record = ctx.store.transaction(() => {
    // CreateTable's rules and errors (ResourceInUseException "Table already exists: <name>").
    // TableCreationParameters is a part of CreateTable's request.
    createTable(params, ctx);
    const meta = ctx.store.getTable(ctx, params.TableName);
    // createTable inserted it in this same transaction.
    if (meta === undefined) throw new Error(`import: table ${params.TableName} vanished after CreateTable`);
    const arn = tableChildArn(meta.arn, "import", now);
    meta.importArn = arn;
    ctx.store.saveTable(ctx, meta);
    const made: ImportRecord = {
      ...{},
      ...startedTransfer(ctx, meta, arn, token, source),
      inputFormat: input.InputFormat as ImportRecord["inputFormat"],
      ...(input.InputFormatOptions !== undefined ? { formatOptions: input.InputFormatOptions } : {}),
      compression: (input.InputCompressionType ?? "NONE") as ImportRecord["compression"],
      creation: params,
      startTime: now,
      processedSizeBytes: 0,
      processedItemCount: 0,
      importedItemCount: 0,
      errorCount: 0,
    };
    return insertTransfer(ctx, ctx, "import", print, now, made);
  });
  startJob(ctx, ctx, now, "dynamodb:import", record.arn, runImport);
  return { ImportTableDescription: importDescription(ctx, record) };
}

export function describeImport(input: DescribeImportInput, ctx: DynamoContext): DescribeImportOutput {
  check(length("importArn", input.ImportArn, 37, 1024));
  checkTransferArn(ctx, "import", input.ImportArn);
  const row = transferStore(ctx).get<ImportRecord>(ctx, "import", input.ImportArn);
  if (row === undefined) throw importErrors.ImportNotFound({ arn: input.ImportArn });
  return { ImportTableDescription: importDescription(ctx, row.record) };
}

export function listImports(input: ListImportsInput, ctx: DynamoContext): ListImportsOutput {
  check(length("tableArn", input.TableArn, 1, 1024), range("pageSize", input.PageSize, 1, MAX_IMPORTS_PAGE));
  const page = transferPage<ImportRecord>(ctx, ctx, "import", input.TableArn, input.NextToken, input.PageSize ?? MAX_IMPORTS_PAGE);
  return {
    ImportSummaryList: page.records.map((r) => importSummary(ctx, r)),
    ...(page.NextToken !== undefined ? { NextToken: page.NextToken } : {}),
  };
}
