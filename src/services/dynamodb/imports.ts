/**
 * Imports from S3 (ImportTable): the job that reads every object under the source prefix
 * through S3's own ListObjectsV2 and GetObject, line by line (gunzip'd when GZIP,
 * Zstandard-decoded when ZSTD; an Ion line may hold several top-level values, each an item), and writes
 * the items into the new table, which stays CREATING until the job ends.
 *
 * As DynamoDB does: a line that cannot make an item is counted in ErrorCount, logged to
 * CloudWatch Logs (`/aws-dynamodb/imports`, stream `<import id>/error`) and skipped, and the
 * import ends FAILED with ItemValidationError; in DynamoDB JSON the rest of that object is skipped
 * too; an object that cannot be read (not gzip, say) counts one error and the rest of it is
 * skipped; items sharing a key overwrite each other.
 * An S3 failure before any item was imported (no such bucket, access denied) ends the import
 * FAILED with `S3<code>` and the table is not kept.
 */
import { Readable, Transform, pipeline } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { createGunzip } from "node:zlib";
import { Decompress as ZstdDecompress } from "fzstd";
import { AwsError, defineErrors } from "../../core/errors.js";
import { putLogEvents, type LogEvent } from "../../core/log-events.js";
import type { Scope } from "../../core/service.js";
import type { ImportTableInput } from "../../generated/dynamodb.js";
import type { Item } from "./domain/index.js";
import { readItem, validateSizedItem, writeItem, type WriteContext } from "./items.js";
import type { TableMeta } from "./table.js";
import { CsvRecords, csvItem, ImportLineError, ionLineItems, isBlankRecord, jsonLineItems, transferId } from "./transfer-formats.js";
import { endJob, INTERNAL_FAILURE, s3, S3Failure, transferStore, type TransferEnv } from "./transfers.js";

export const importErrors = defineErrors({
  // The message of this one is not published; the exception's documented description stands in.
  ImportNotFound: { code: "ImportNotFoundException", status: 400, message: "Import not found: {arn}" },
  // ack-api-quirks DDB-IMPORT-017, measured against AWS 2026-10-09.
  ImportConflict: { code: "ImportConflictException", status: 400, message: "Import conflict: Duplicate request detected with conflicting parameters" },
});

export type ImportStatus = "IN_PROGRESS" | "COMPLETED" | "FAILED";

/** An import as `dynamodb_transfers` keeps it (times in epoch ms). */
export interface ImportRecord {
  readonly arn: string;
  readonly status: ImportStatus;
  readonly tableArn: string;
  readonly tableId: string;
  readonly tableName: string;
  readonly clientToken: string;
  readonly source: { readonly S3Bucket: string; readonly S3BucketOwner: string; readonly S3KeyPrefix?: string };
  readonly inputFormat: "DYNAMODB_JSON" | "ION" | "CSV";
  readonly formatOptions?: ImportTableInput["InputFormatOptions"];
  readonly compression: "GZIP" | "NONE";
  readonly creation: ImportTableInput["TableCreationParameters"];
  readonly startTime: number;
  readonly endTime?: number;
  readonly processedSizeBytes: number;
  readonly processedItemCount: number;
  readonly importedItemCount: number;
  readonly errorCount: number;
  readonly failureCode?: string;
  readonly failureMessage?: string;
}

export const IMPORT_LOG_GROUP = "/aws-dynamodb/imports";
const ITEM_VALIDATION_MESSAGE = "Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details.";
/** Nimbus keeps at most this many error log events per import. */
const MAX_LOGGED_ERRORS = 1000;
const WRITE_BATCH = 256;

export function importLogGroupArn(scope: Scope): string {
  return `arn:aws:logs:${scope.region}:${scope.account}:log-group:${IMPORT_LOG_GROUP}:*`;
}

export function importDescription(scope: Scope, r: ImportRecord) {
  return {
    ImportArn: r.arn,
    ImportStatus: r.status,
    TableArn: r.tableArn,
    TableId: r.tableId,
    ClientToken: r.clientToken,
    S3BucketSource: r.source,
    ErrorCount: r.errorCount,
    CloudWatchLogGroupArn: importLogGroupArn(scope),
    InputFormat: r.inputFormat,
    ...(r.formatOptions !== undefined ? { InputFormatOptions: r.formatOptions } : {}),
    InputCompressionType: r.compression,
    TableCreationParameters: r.creation,
    StartTime: new Date(r.startTime),
    ...(r.endTime !== undefined ? { EndTime: new Date(r.endTime) } : {}),
    // Absent until the import has ended (ImportTable's answer has no ProcessedSizeBytes: ScyllaDB
    // Alternator's test_import.py::test_import_table_description, measured against AWS); an
    // ended import reports it, 0 when it read nothing (the guide's S3NoSuchBucket example,
    // S3DataImport.Validation).
    ...(r.status !== "IN_PROGRESS" ? { ProcessedSizeBytes: r.processedSizeBytes } : {}),
    ProcessedItemCount: r.processedItemCount,
    ImportedItemCount: r.importedItemCount,
    ...(r.failureCode !== undefined ? { FailureCode: r.failureCode, FailureMessage: r.failureMessage } : {}),
  };
}

export function importSummary(scope: Scope, r: ImportRecord) {
  return {
    ImportArn: r.arn,
    ImportStatus: r.status,
    TableArn: r.tableArn,
    S3BucketSource: r.source,
    CloudWatchLogGroupArn: importLogGroupArn(scope),
    InputFormat: r.inputFormat,
    StartTime: new Date(r.startTime),
    ...(r.endTime !== undefined ? { EndTime: new Date(r.endTime) } : {}),
  };
}

interface Counters {
  processedSizeBytes: number;
  processedItemCount: number;
  importedItemCount: number;
  errorCount: number;
}

/**
 * No item is bigger than 400 KB, so a line far longer than that is not an item: reading stops
 * there rather than hold an object without line breaks in memory.
 */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;

/** The lines of a stream, without their line ends (LF or CRLF), decoded as UTF-8 across chunk boundaries. */
export async function* linesOf(stream: AsyncIterable<Buffer | string>, maxLine = MAX_LINE_CHARS): AsyncGenerator<string> {
  const decoder = new StringDecoder("utf8");
  let rest = "";
  const cut = (line: string) => (line.endsWith("\r") ? line.slice(0, -1) : line);
  for await (const chunk of stream) {
    rest += typeof chunk === "string" ? chunk : decoder.write(chunk);
    let start = 0;
    for (let end = rest.indexOf("\n"); end >= 0; end = rest.indexOf("\n", start)) {
      yield cut(rest.slice(start, end));
      start = end + 1;
    }
    rest = rest.slice(start);
    if (rest.length > maxLine) throw new ImportLineError(`A line is longer than ${maxLine} characters: the rest of the object is skipped`);
  }
  rest += decoder.end();
  if (rest !== "") yield cut(rest);
}

/** Where a job reads items from: ImportRecord's fields, which a bulk put's record shares. */
export type ItemSource = Pick<ImportRecord, "source" | "inputFormat" | "formatOptions" | "compression">;

/** One line (or Ion value) of an S3 object that could not make an item. */
export interface ItemError {
  readonly key: string;
  readonly itemIndex: number;
  readonly message: string;
}

/**
 * Reads the items of S3 objects (ImportTable's and StartBulkPutItems' jobs) and writes them into
 * a table through writeItem; a bad line is counted and handed to `onError`.
 */
export class ImportJob {
  readonly counters: Counters = { processedSizeBytes: 0, processedItemCount: 0, importedItemCount: 0, errorCount: 0 };
  /** The sizes of the items written, as DynamoDB measures them (a bulk put's BulkPutBytes). */
  writtenBytes = 0;
  /** The bytes of the objects as stored, compressed or not (a bulk put's ProcessedInputBytes). */
  storedBytes = 0;
  private batch: Item[] = [];
  private batchBytes = 0;
  private readonly keyTypes: Record<string, string>;

  constructor(
    private readonly env: TransferEnv,
    private readonly scope: Scope,
    private readonly r: ItemSource,
    private readonly meta: TableMeta,
    private readonly onError: (error: ItemError) => void,
    /** The first DynamoDB JSON line that cannot make an item ends the reading of its object. */
    private readonly skipRestOfJsonObject = false,
  ) {
    this.keyTypes = Object.fromEntries(meta.attributeDefinitions.map((d) => [d.AttributeName, d.AttributeType]));
  }

  private error(key: string, itemIndex: number, message: string): void {
    this.counters.errorCount++;
    this.onError({ key, itemIndex, message });
  }

  /** Validates one item against the table and queues it for writing; a bad item is counted and logged (false). */
  private take(key: string, itemIndex: number, raw: () => Record<string, unknown> | undefined): boolean {
    try {
      const item = raw();
      if (item === undefined) return true;
      this.counters.processedItemCount++;
      const sized = validateSizedItem(this.meta, item);
      this.batch.push(sized.item);
      this.batchBytes += sized.size;
      if (this.batch.length >= WRITE_BATCH) this.flush();
    } catch (err) {
      if (!(err instanceof ImportLineError) && !(err instanceof AwsError)) throw err;
      if (err instanceof ImportLineError) this.counters.processedItemCount++;
      this.error(key, itemIndex, err.message);
      return false;
    }
    return true;
  }

  flush(): void {
    const items = this.batch;
    const bytes = this.batchBytes;
    this.batch = [];
    this.batchBytes = 0;
    if (items.length === 0) return;
    const write = (emit: WriteContext["emit"]) =>
      this.env.store.transaction(() => {
        // Deleted (or deleted and made again) while importing: its rows must not outlive it.
        if (this.env.store.readTable(this.scope, this.meta.name)?.id !== this.meta.id) throw new TableGone(this.meta.name);
        const writer: WriteContext = { ...{}, ...this.scope, store: this.env.store, clock: this.env.clock, emit };
        for (const item of items) writeItem(writer, this.meta, readItem(this.env.store, this.scope, this.meta, item), item);
      });
    // Stream records (and replication) of the table's writes go out once the batch has committed.
    const events = this.env.store.events;
    try {
      if (events === undefined) write(() => undefined);
      else events.withUnitOfWork((uow) => write((type, detail, at) => uow.emit(type, detail, at ?? this.scope)));
    } catch (err) {
      if (err instanceof TableGone) throw err;
      throw new ItemsNotWritten(err);
    }
    this.counters.importedItemCount += items.length;
    this.writtenBytes += bytes;
  }

  async object(key: string, size: number): Promise<void> {
    const got = await s3<{ Body?: Buffer | Readable }>(this.env, this.scope, "GetObject", {
      Bucket: this.r.source.S3Bucket,
      Key: key,
      ExpectedBucketOwner: this.r.source.S3BucketOwner,
    });
    this.storedBytes += size;
    const raw = got.Body instanceof Readable ? got.Body : Readable.from([got.Body ?? Buffer.alloc(0)]);
    // ImportTable's ProcessedSizeBytes counts the bytes after decompression: a gzip'd object and
    // the plain one report the same figure (ScyllaDB Alternator's test_import.py::
    // test_processed_size_bytes_is_uncompressed, measured against AWS).
    const body = counted(decompressed(raw, this.r.compression), (bytes) => (this.counters.processedSizeBytes += bytes));
    const csv = this.r.inputFormat === "CSV" ? new CsvRecords(this.r.formatOptions?.Csv?.Delimiter ?? ",") : undefined;
    let header = this.r.formatOptions?.Csv?.HeaderList;
    let index = 0;
    try {
      for await (const line of linesOf(body)) {
        if (this.r.inputFormat === "ION") {
          for (const item of ionLineItems(line)) this.take(key, index++, item);
          continue;
        }
        if (csv === undefined) {
          // Every item of the line is taken, unless a bad one ends the object.
          const readOn = jsonLineItems(line).every((item) => this.take(key, index++, item) || !this.skipRestOfJsonObject);
          if (!readOn) break;
          continue;
        }
        let record: string[] | undefined;
        try {
          record = csv.push(line);
        } catch (err) {
          // A malformed record is one bad item; the next line starts afresh.
          csv.reset();
          if (!(err instanceof ImportLineError)) throw err;
          this.counters.processedItemCount++;
          this.error(key, index++, err.message);
          continue;
        }
        if (record === undefined || isBlankRecord(record)) continue;
        if (header === undefined) {
          header = record;
          continue;
        }
        const columns = header;
        this.take(key, index, () => csvItem(columns, record, this.keyTypes));
        index++;
      }
      if (csv?.unfinished()) this.error(key, index, "Invalid CSV: the object ends inside a quoted field");
    } catch (err) {
      // An object that cannot be read (not gzip, say): one error, the rest of it skipped.
      if (err instanceof AwsError || err instanceof S3Failure || err instanceof TableGone || err instanceof ItemsNotWritten) throw err;
      this.error(key, index, err instanceof Error ? err.message : String(err));
    }
  }
}

/**
 * A batch of items the table could not take (its database full or read-only): the job broke, no
 * line is to blame, so it is not counted as an object that could not be read.
 */
class ItemsNotWritten extends Error {
  constructor(cause: unknown) {
    super(`The items could not be written: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** The table being imported into was deleted: the import ends FAILED. */
export class TableGone extends Error {
  constructor(readonly tableName: string) {
    super(`Table not found: ${tableName}`);
  }
}

/** Objects under the source prefix, in key order; an export's own bookkeeping objects are passed over. */
export async function* sourceObjects(env: TransferEnv, scope: Scope, r: Pick<ImportRecord, "source">): AsyncGenerator<{ key: string; size: number }> {
  let token: string | undefined;
  do {
    const page = await s3<{ Contents?: { Key?: string; Size?: number }[]; NextContinuationToken?: string; IsTruncated?: boolean }>(env, scope, "ListObjectsV2", {
      Bucket: r.source.S3Bucket,
      ExpectedBucketOwner: r.source.S3BucketOwner,
      ...(r.source.S3KeyPrefix !== undefined ? { Prefix: r.source.S3KeyPrefix } : {}),
      ...(token !== undefined ? { ContinuationToken: token } : {}),
    });
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined || o.Key.endsWith("/") || isExportBookkeeping(o.Key)) continue;
      yield { key: o.Key, size: o.Size ?? 0 };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}

/** "Exports from point in time are supported as an import source": their manifests and markers are not data. */
function isExportBookkeeping(key: string): boolean {
  return /(^|\/)AWSDynamoDB\/[^/]+\/(_started|manifest-(summary|files)\.(json|md5|checksum))$/.test(key);
}

/** The import is over: its table becomes ACTIVE, or is dropped when nothing came into it because S3 failed. */
function finishTable(env: TransferEnv, scope: Scope, r: ImportRecord, drop: boolean): void {
  env.store.transaction(() => {
    const current = env.store.getTable(scope, r.tableName);
    if (current === undefined || current.id !== r.tableId) return;
    if (drop) {
      env.store.deleteTable(scope, r.tableName);
      return;
    }
    delete current.importArn;
    env.store.saveTable(scope, current);
  });
}

/** Runs an import that is IN_PROGRESS to its end, COMPLETED or FAILED. */
export async function runImport(env: TransferEnv, scope: Scope, arn: string): Promise<void> {
  const transfers = transferStore(env);
  const row = transfers.get<ImportRecord>(scope, "import", arn);
  if (row === undefined || row.record.status !== "IN_PROGRESS") return;
  const r = row.record;
  const meta = env.store.getTable(scope, r.tableName);
  const gone = (name: string) => ({ ...{}, ...r, status: "FAILED" as const, endTime: env.clock.now(), failureCode: "TableNotFoundException", failureMessage: `Table not found: ${name}` });
  // The table's end and the import's are kept together, or tried again together (endJob): the
  // table stays CREATING while DescribeImport says IN_PROGRESS.
  const endImport = (record: ImportRecord, table?: { readonly drop: boolean }): unknown =>
    endJob(env, "dynamodb:import", () =>
      env.store.transaction(() => {
        if (table !== undefined) finishTable(env, scope, r, table.drop);
        transfers.save(scope, arn, record);
      }),
    );
  if (meta === undefined || meta.id !== r.tableId) {
    const unkept = endImport(gone(r.tableName));
    if (unkept !== undefined) throw unkept;
    return;
  }
  const log: LogEvent[] = [];
  // ImportTable abandons the rest of a DynamoDB JSON object at its first line that cannot make an
  // item, malformed or failing validation alike: six such lines in one object are one error
  // (ScyllaDB Alternator's test_import.py::test_invalid_items and its header note 12, measured
  // against AWS; "if its contents cannot form a DynamoDB item, then we may skip processing the
  // remaining portion of the object", S3DataImport.Validation).
  const skipRestOfJsonObject = r.inputFormat === "DYNAMODB_JSON";
  const job = new ImportJob(
    env,
    scope,
    r,
    meta,
    (e) => {
      if (log.length >= MAX_LOGGED_ERRORS) return;
      const event = { itemS3Pointer: { bucket: r.source.S3Bucket, key: e.key, itemIndex: e.itemIndex }, importArn: r.arn, errorMessages: [e.message] };
      log.push({ timestamp: env.clock.now(), message: JSON.stringify(event) });
    },
    skipRestOfJsonObject,
  );
  let failure: S3Failure | undefined;
  try {
    try {
      for await (const o of sourceObjects(env, scope, r)) await job.object(o.key, o.size);
    } catch (err) {
      if (!(err instanceof S3Failure)) throw err;
      failure = err;
    }
    job.flush();
  } catch (err) {
    if (err instanceof TableGone) {
      const unkept = endImport({ ...{}, ...gone(r.tableName), ...job.counters });
      if (unkept !== undefined) throw unkept;
      return;
    }
    // Broken on something else: FAILED rather than IN_PROGRESS for ever; the table keeps what it got.
    endImport({ ...{}, ...r, ...job.counters, status: "FAILED", endTime: env.clock.now(), ...INTERNAL_FAILURE }, { drop: false });
    // Logged by the scheduler (the end's failure, if any, by its retries).
    throw err;
  }
  const end = { ...{}, ...r, ...job.counters, endTime: env.clock.now() };
  const record: ImportRecord =
    failure !== undefined
      ? { ...{}, ...end, status: "FAILED", failureCode: failure.failureCode, failureMessage: failure.message }
      : job.counters.errorCount > 0
        ? { ...{}, ...end, status: "FAILED", failureCode: "ItemValidationError", failureMessage: ITEM_VALIDATION_MESSAGE }
        : { ...{}, ...end, status: "COMPLETED" };
  const unkept = endImport(record, { drop: failure !== undefined && job.counters.importedItemCount === 0 });
  if (log.length > 0) {
    try {
      await putLogEvents(env.invoke, scope, IMPORT_LOG_GROUP, `${transferId(arn)}/error`, log);
    } catch {
      // The error log is a courtesy: the import's outcome does not depend on CloudWatch Logs.
    }
  }
  if (unkept !== undefined) throw unkept;
}

/** The chunks of a stream, each measured by `onBytes` as it passes. */
async function* counted(stream: AsyncIterable<Buffer | string>, onBytes: (bytes: number) => void): AsyncGenerator<Buffer | string> {
  for await (const chunk of stream) {
    onBytes(typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length);
    yield chunk;
  }
}

/** An object's bytes as the job reads them: gunzip'd for GZIP, Zstandard-decoded for ZSTD. */
function decompressed(raw: Readable, compression: string | undefined): Readable {
  if (compression === "GZIP") return pipeline(raw, createGunzip(), () => undefined);
  if (compression === "ZSTD") return pipeline(raw, zstdDecoder(), () => undefined);
  return raw;
}

/** A streaming Zstandard decoder: Node.js 20's zlib has none, so fzstd's, as a Transform. */
function zstdDecoder(): Transform {
  const decoder = new ZstdDecompress();
  // The decoder throws on bytes that are not Zstandard: the stream fails with that error.
  const feed = (chunk: Uint8Array, final: boolean, callback: (error?: Error) => void): void => {
    try {
      decoder.push(chunk, final);
      callback();
    } catch (err) {
      callback(err instanceof Error ? err : new Error(String(err)));
    }
  };
  const transform = new Transform({
    transform: (chunk: Buffer, _encoding, callback) => feed(chunk, false, callback),
    flush: (callback) => feed(new Uint8Array(0), true, callback),
  });
  // A copy: the decoder may reuse the memory of what it hands out.
  decoder.ondata = (data) => transform.push(Buffer.from(data));
  return transform;
}
