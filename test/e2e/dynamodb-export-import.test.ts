import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import {
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeExportCommand,
  DescribeImportCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
  ListExportsCommand,
  ListImportsCommand,
  PutItemCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  type AttributeValue,
  type ExportDescription,
  type ImportTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Decimal } from "decimal.js";
import { IonTypes, loadAll, type dom } from "ion-js";
import { acrossRestart, dynamoDbAndS3Suite } from "./dynamodb-fixtures.js";
import { failure, jsonService, uniqueName, type TestNimbus } from "./harness.js";

const MINUTE = 60_000;
/** Jobs start this long after their call (TRANSFER_START_DELAY_MS). */
const JOB_DELAY = 10_000;

type Item = Record<string, AttributeValue>;

function keyedTable(name: string) {
  return {
    TableName: name,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" as const },
      { AttributeName: "sk", AttributeType: "N" as const },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" as const },
      { AttributeName: "sk", KeyType: "RANGE" as const },
    ],
    BillingMode: "PAY_PER_REQUEST" as const,
  };
}

/** Items as the wire shows them, binaries in base64, ordered by key: comparable across tables and files. */
function comparable(items: readonly Item[]): string[] {
  return items
    .map((i) => JSON.stringify(i, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64") : v)))
    .map((text) => JSON.stringify(sortKeys(JSON.parse(text))))
    .sort();
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortKeys(x)]));
  return v;
}

/**
 * An attribute value from an Ion value, as AWS documents the mapping; numbers in DynamoDB's
 * canonical text (no exponent), so they compare with what the table answers.
 */
function fromIon(v: dom.Value): AttributeValue {
  const number = (e: dom.Value) => {
    const d = e.decimalValue();
    return new Decimal(`${d?.getCoefficient() ?? 0n}e${d?.getExponent() ?? 0}`).toFixed();
  };
  const bytes = (e: dom.Value) => e.uInt8ArrayValue() ?? new Uint8Array();
  const [annotation] = v.getAnnotations();
  switch (v.getType()) {
    case IonTypes.STRING:
      return { S: v.stringValue() ?? "" };
    case IonTypes.DECIMAL:
      return { N: number(v) };
    case IonTypes.BLOB:
      return { B: bytes(v) };
    case IonTypes.BOOL:
      return { BOOL: v.booleanValue() ?? false };
    case IonTypes.NULL:
      return { NULL: true };
    case IonTypes.STRUCT:
      return { M: fromIonStruct(v) };
    case IonTypes.LIST:
      if (annotation === "$dynamodb_SS") return { SS: v.elements().map((e) => e.stringValue() ?? "") };
      if (annotation === "$dynamodb_NS") return { NS: v.elements().map(number) };
      if (annotation === "$dynamodb_BS") return { BS: v.elements().map(bytes) };
      assert.equal(annotation, undefined);
      return { L: v.elements().map(fromIon) };
    default:
      throw new Error(`unexpected Ion type ${v.getType().name}`);
  }
}

function fromIonStruct(v: dom.Value): Item {
  return Object.fromEntries(v.fields().map(([name, field]) => [name, fromIon(field)]));
}

describe("DynamoDB export to S3 and import from S3", () => {
  let nimbus: TestNimbus;
  let ddb: DynamoDBClient;
  let s3: S3Client;
  const logs = jsonService(() => nimbus, { targetPrefix: "Logs_20140328", version: "1.1", signingName: "logs" });
  dynamoDbAndS3Suite((c) => ({ nimbus, ddb, s3 } = c));

  async function tableWithPitr(name: string): Promise<string> {
    const made = await ddb.send(new CreateTableCommand(keyedTable(name)));
    await ddb.send(new UpdateContinuousBackupsCommand({ TableName: name, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    return made.TableDescription?.TableArn ?? "";
  }

  async function bucket(): Promise<string> {
    const name = uniqueName("exports").toLowerCase();
    await s3.send(new CreateBucketCommand({ Bucket: name }));
    return name;
  }

  async function objectBytes(bucketName: string, key: string): Promise<Buffer> {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: key }));
    return Buffer.from((await got.Body?.transformToByteArray()) ?? new Uint8Array());
  }

  async function keysUnder(bucketName: string, prefix: string): Promise<string[]> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucketName, Prefix: prefix }));
    return (listed.Contents ?? []).map((o) => o.Key ?? "").sort();
  }

  async function describeExport(arn: string): Promise<ExportDescription> {
    return (await ddb.send(new DescribeExportCommand({ ExportArn: arn }))).ExportDescription ?? {};
  }

  /** Imports the objects the source names into a new table `target` and runs the job to its end. */
  async function importToEnd(target: string, input: Omit<ImportTableCommandInput, "TableCreationParameters">) {
    const started = (await ddb.send(new ImportTableCommand({ ...input, TableCreationParameters: keyedTable(target) }))).ImportTableDescription ?? {};
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = (await ddb.send(new DescribeImportCommand({ ImportArn: started.ImportArn }))).ImportTableDescription ?? {};
    return { started, done };
  }

  /** The error log events of an import: CloudWatch Logs group /aws-dynamodb/imports, stream `<import id>/error`. */
  async function importErrors(importArn: string | undefined) {
    const importId = (importArn ?? "").split("/").pop() ?? "";
    const events = (await logs.ok("GetLogEvents", { logGroupName: "/aws-dynamodb/imports", logStreamName: `${importId}/error`, startFromHead: true }))["events"] as { message: string }[];
    return events.map((e) => JSON.parse(e.message) as { itemS3Pointer: { bucket: string; key: string; itemIndex: number }; importArn: string; errorMessages: string[] });
  }

  /** The data lines of a completed export, through its manifests, as text. */
  async function exportTextLines(bucketName: string, d: ExportDescription): Promise<string[]> {
    const summary = JSON.parse((await objectBytes(bucketName, d.ExportManifest ?? "")).toString()) as { manifestFilesS3Key: string };
    const files = (await objectBytes(bucketName, summary.manifestFilesS3Key)).toString().trim().split("\n").map((l) => JSON.parse(l) as { dataFileS3Key: string });
    const lines: string[] = [];
    for (const f of files) {
      const text = gunzipSync(await objectBytes(bucketName, f.dataFileS3Key)).toString();
      lines.push(...text.split("\n").filter((line) => line !== ""));
    }
    return lines;
  }

  /** The data lines of a completed DynamoDB JSON export. */
  async function exportLines(bucketName: string, d: ExportDescription): Promise<unknown[]> {
    return (await exportTextLines(bucketName, d)).map((line) => JSON.parse(line) as unknown);
  }

  /** The records of a completed ION export, each line read by ion-js: one top-level struct a line, its members mapped back. */
  async function exportIonRecords(bucketName: string, d: ExportDescription): Promise<Record<string, Item>[]> {
    return (await exportTextLines(bucketName, d)).map((line) => {
      assert.ok(line.startsWith("$ion_1_0 {"), line);
      const values = loadAll(line);
      assert.equal(values.length, 1);
      return Object.fromEntries((values[0]?.fields() ?? []).map(([name, member]) => [name, fromIonStruct(member)]));
    });
  }

  const richItems: Item[] = [
    {
      pk: { S: "alpha" },
      sk: { N: "1" },
      big: { N: "12345678901234567890123456789012345678" },
      tiny: { N: "-0.000000000000000000000000000000000000012345" },
      bin: { B: new Uint8Array([0, 1, 2, 254, 255]) },
      ss: { SS: ["x", "y"] },
      ns: { NS: ["1", "99999999999999999999999999999999999999"] },
      bs: { BS: [new Uint8Array([1]), new Uint8Array([2, 3])] },
      m: { M: { nested: { L: [{ S: "deep" }, { BOOL: true }, { NULL: true }] } } },
    },
    { pk: { S: "beta" }, sk: { N: "2" }, text: { S: "héllo, \"quoted\"\nnew line" } },
    { pk: { S: "beta" }, sk: { N: "-3.5" }, empty: { S: "" } },
  ];

  test("a full export writes AWS's layout to S3: _started, gzip'd JSON lines, both manifests and their .md5 files", async () => {
    const table = uniqueName("exp-full");
    const tableArn = await tableWithPitr(table);
    for (const item of richItems) await ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    const bucketName = await bucket();
    const now = nimbus.clock.now();

    const started = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, S3Prefix: "snapshots/2026" }))).ExportDescription ?? {};
    assert.equal(started.ExportStatus, "IN_PROGRESS");
    assert.match(started.ExportArn ?? "", new RegExp(`^${tableArn}/export/\\d{14}-[0-9a-f]{8}$`));
    assert.equal(started.TableArn, tableArn);
    assert.equal(started.ExportFormat, "DYNAMODB_JSON");
    // No ExportType in the request: none in the description either, though it is a full export.
    assert.equal("ExportType" in started, false);
    assert.equal(started.S3SseAlgorithm, "AES256");
    assert.equal(started.ExportTime?.getTime(), now);
    assert.equal(started.StartTime?.getTime(), now);
    assert.match(started.ClientToken ?? "", /^[0-9a-f-]{36}$/);
    assert.equal(started.ItemCount, undefined);
    // Nothing is written before the job runs: the work happens after the call, as on AWS.
    assert.deepEqual(await keysUnder(bucketName, ""), []);
    assert.equal((await describeExport(started.ExportArn ?? "")).ExportStatus, "IN_PROGRESS");

    await nimbus.scheduler.advance(JOB_DELAY);
    const done = await describeExport(started.ExportArn ?? "");
    assert.equal(done.ExportStatus, "COMPLETED");
    assert.equal("ExportType" in done, false);
    assert.equal(done.ItemCount, 3);
    assert.ok((done.BilledSizeBytes ?? 0) > 0);
    assert.equal(done.EndTime?.getTime(), now + JOB_DELAY);
    const exportId = (started.ExportArn ?? "").split("/").pop() ?? "";
    const folder = `snapshots/2026/AWSDynamoDB/${exportId}`;
    assert.equal(done.ExportManifest, `${folder}/manifest-summary.json`);

    const keys = await keysUnder(bucketName, "");
    const dataKeys = keys.filter((k) => k.startsWith(`${folder}/data/`));
    assert.equal(dataKeys.length, 1);
    assert.match(dataKeys[0] ?? "", /\/data\/[a-z2-7]{26}\.json\.gz$/);
    assert.deepEqual(
      keys.filter((k) => !k.startsWith(`${folder}/data/`)),
      [`${folder}/_started`, `${folder}/manifest-files.json`, `${folder}/manifest-files.md5`, `${folder}/manifest-summary.json`, `${folder}/manifest-summary.md5`],
    );
    assert.equal((await objectBytes(bucketName, `${folder}/_started`)).length, 0);

    const summaryText = (await objectBytes(bucketName, `${folder}/manifest-summary.json`)).toString();
    const summary = JSON.parse(summaryText) as Record<string, unknown>;
    assert.deepEqual(summary, {
      version: "2020-06-30",
      exportArn: started.ExportArn,
      startTime: new Date(now).toISOString(),
      endTime: new Date(now + JOB_DELAY).toISOString(),
      tableArn,
      tableId: started.TableId,
      exportTime: new Date(now).toISOString(),
      s3Bucket: bucketName,
      s3Prefix: "snapshots/2026",
      s3SseAlgorithm: "AES256",
      s3SseKmsKeyId: null,
      manifestFilesS3Key: `${folder}/manifest-files.json`,
      billedSizeBytes: done.BilledSizeBytes,
      itemCount: 3,
      outputFormat: "DYNAMODB_JSON",
    });
    assert.equal((await objectBytes(bucketName, `${folder}/manifest-summary.md5`)).toString(), createHash("md5").update(summaryText).digest("base64"));

    const filesText = (await objectBytes(bucketName, `${folder}/manifest-files.json`)).toString();
    const files = filesText.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const gz = await objectBytes(bucketName, dataKeys[0] ?? "");
    const head = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: dataKeys[0] }));
    await head.Body?.transformToByteArray();
    assert.deepEqual(files, [
      { itemCount: 3, md5Checksum: createHash("md5").update(gz).digest("base64"), etag: (head.ETag ?? "").replace(/"/g, ""), dataFileS3Key: dataKeys[0] },
    ]);
    assert.equal((await objectBytes(bucketName, `${folder}/manifest-files.md5`)).toString(), createHash("md5").update(filesText).digest("base64"));

    // One {"Item": ...} per line, in DynamoDB JSON: 38-digit numbers as written, binaries in base64, sets kept.
    const lines = gunzipSync(gz).toString().split("\n").filter((l) => l !== "");
    assert.equal(lines.length, 3);
    const exported = lines.map((l) => (JSON.parse(l) as { Item: Item }).Item);
    assert.deepEqual(comparable(exported), comparable(richItems));
    const alpha = lines.find((l) => l.includes('"alpha"')) ?? "";
    assert.ok(alpha.startsWith('{"Item":{'));
    assert.ok(alpha.includes('"big":{"N":"12345678901234567890123456789012345678"}'));
    assert.ok(alpha.includes('"bin":{"B":"AAEC/v8="}'));
    assert.ok(alpha.includes('"bs":{"BS":["AQ==","AgM="]}'));
  });

  test("an export at a past ExportTime holds the table as it was then", async () => {
    const table = uniqueName("exp-past");
    const tableArn = await tableWithPitr(table);
    const start = nimbus.clock.now();
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "a" }, sk: { N: "1" }, v: { S: "old" } } }));
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "b" }, sk: { N: "1" }, v: { S: "kept" } } }));
    nimbus.manualClock.advance(MINUTE);
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "a" }, sk: { N: "1" }, v: { S: "new" } } }));
    await ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "b" }, sk: { N: "1" } } }));
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "c" }, sk: { N: "1" }, v: { S: "later" } } }));
    const bucketName = await bucket();

    const arn =
      (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, ExportTime: new Date(start + 30_000), ExportType: "FULL_EXPORT" }))).ExportDescription
        ?.ExportArn ?? "";
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = await describeExport(arn);
    assert.equal(done.ExportStatus, "COMPLETED");
    // Named in the request, ExportType is in the description.
    assert.equal(done.ExportType, "FULL_EXPORT");
    assert.equal(done.ExportTime?.getTime(), start + 30_000);
    assert.equal(done.ItemCount, 2);
    // No prefix: the objects start at AWSDynamoDB/.
    assert.match(done.ExportManifest ?? "", /^AWSDynamoDB\/\d{14}-[0-9a-f]{8}\/manifest-summary\.json$/);
    const items = (await exportLines(bucketName, done)).map((l) => (l as { Item: Item }).Item);
    assert.deepEqual(comparable(items), comparable([
      { pk: { S: "a" }, sk: { N: "1" }, v: { S: "old" } },
      { pk: { S: "b" }, sk: { N: "1" }, v: { S: "kept" } },
    ]));
  });

  test("an incremental export holds the changes of its window: inserts, updates with both images, deletes", async () => {
    const table = uniqueName("exp-incr");
    const tableArn = await tableWithPitr(table);
    const put = (pk: string, v: string) => ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { N: "0" }, v: { S: v } } }));
    await put("untouched", "x");
    await put("upd", "v1");
    await put("del", "gone soon");
    nimbus.manualClock.advance(MINUTE);
    const from = nimbus.clock.now();
    await put("ins", "fresh");
    await put("upd", "v2");
    await ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "del" }, sk: { N: "0" } } }));
    await put("brief", "created and deleted");
    await ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "brief" }, sk: { N: "0" } } }));
    nimbus.manualClock.advance(17 * MINUTE);
    // After the window's end: not in the export.
    await put("upd", "v3");
    const to = from + 16 * MINUTE;
    const bucketName = await bucket();

    const started =
      (
        await ddb.send(
          new ExportTableToPointInTimeCommand({
            TableArn: tableArn,
            S3Bucket: bucketName,
            S3Prefix: "incr",
            ExportType: "INCREMENTAL_EXPORT",
            IncrementalExportSpecification: { ExportFromTime: new Date(from), ExportToTime: new Date(to) },
          }),
        )
      ).ExportDescription ?? {};
    assert.equal(started.ExportType, "INCREMENTAL_EXPORT");
    assert.equal(started.ExportTime, undefined);
    assert.deepEqual(started.IncrementalExportSpecification, { ExportFromTime: new Date(from), ExportToTime: new Date(to), ExportViewType: "NEW_AND_OLD_IMAGES" });
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = await describeExport(started.ExportArn ?? "");
    assert.equal(done.ExportStatus, "COMPLETED");
    assert.equal(done.ItemCount, 3);
    // "Incremental export has a minimum charge of 10MB": a few small changes bill 10000000 bytes.
    assert.equal(done.BilledSizeBytes, 10_000_000);

    const micros = { N: String(from * 1000) };
    const lines = (await exportLines(bucketName, done)) as { Keys: Item }[];
    const byKey = Object.fromEntries(lines.map((l) => [l.Keys["pk"]?.S, l]));
    assert.deepEqual(Object.keys(byKey).sort(), ["del", "ins", "upd"]);
    assert.deepEqual(byKey["ins"], { Metadata: { WriteTimestampMicros: micros }, Keys: { pk: { S: "ins" }, sk: { N: "0" } }, NewImage: { pk: { S: "ins" }, sk: { N: "0" }, v: { S: "fresh" } } });
    assert.deepEqual(byKey["upd"], {
      Metadata: { WriteTimestampMicros: micros },
      Keys: { pk: { S: "upd" }, sk: { N: "0" } },
      NewImage: { pk: { S: "upd" }, sk: { N: "0" }, v: { S: "v2" } },
      OldImage: { pk: { S: "upd" }, sk: { N: "0" }, v: { S: "v1" } },
    });
    assert.deepEqual(byKey["del"], { Metadata: { WriteTimestampMicros: micros }, Keys: { pk: { S: "del" }, sk: { N: "0" } }, OldImage: { pk: { S: "del" }, sk: { N: "0" }, v: { S: "gone soon" } } });

    // Incremental exports share one data folder beside their own: each names its files in manifest-files.json.
    const exportId = (started.ExportArn ?? "").split("/").pop() ?? "";
    const dataKeys = await keysUnder(bucketName, "incr/AWSDynamoDB/data/");
    assert.equal(dataKeys.length, 1);
    assert.match(dataKeys[0] ?? "", /^incr\/AWSDynamoDB\/data\/[a-z2-7]{26}\.json\.gz$/);
    assert.deepEqual(await keysUnder(bucketName, `incr/AWSDynamoDB/${exportId}/`), [
      `incr/AWSDynamoDB/${exportId}/_started`,
      `incr/AWSDynamoDB/${exportId}/manifest-files.json`,
      `incr/AWSDynamoDB/${exportId}/manifest-files.md5`,
      `incr/AWSDynamoDB/${exportId}/manifest-summary.json`,
      `incr/AWSDynamoDB/${exportId}/manifest-summary.md5`,
    ]);
    const files = (await objectBytes(bucketName, `incr/AWSDynamoDB/${exportId}/manifest-files.json`)).toString().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(files.map((f) => [f["dataFileS3Key"], f["itemCount"]]), [[dataKeys[0], 3]]);

    const summary = JSON.parse((await objectBytes(bucketName, done.ExportManifest ?? "")).toString()) as Record<string, unknown>;
    // The members of a real incremental export's summary, in its order.
    assert.deepEqual(Object.keys(summary), [
      "version", "exportArn", "startTime", "endTime", "tableArn", "tableId", "exportFromTime", "exportToTime", "s3Bucket", "s3Prefix",
      "s3SseAlgorithm", "s3SseKmsKeyId", "manifestFilesS3Key", "billedSizeBytes", "itemCount", "outputFormat", "outputView", "exportType",
    ]);
    assert.equal(summary["version"], "2023-08-01");
    assert.equal(summary["billedSizeBytes"], 10_000_000);
    assert.equal(summary["exportType"], "INCREMENTAL_EXPORT");
    assert.equal(summary["outputView"], "NEW_AND_OLD_IMAGES");
    assert.equal(summary["exportFromTime"], new Date(from).toISOString());
    assert.equal(summary["exportToTime"], new Date(to).toISOString());
    assert.equal("exportTime" in summary, false);

    // The window's rules.
    const short = await failure(
      ddb.send(
        new ExportTableToPointInTimeCommand({
          TableArn: tableArn,
          S3Bucket: bucketName,
          ExportType: "INCREMENTAL_EXPORT",
          IncrementalExportSpecification: { ExportFromTime: new Date(from), ExportToTime: new Date(from + 14 * MINUTE) },
        }),
      ),
    );
    assert.equal(short.name, "InvalidExportTimeException");
    assert.equal(short.$metadata.httpStatusCode, 400);
    assert.equal(short.message, "Difference between export period from time and export period to time is less than 15 minutes");
    const early = await failure(
      ddb.send(
        new ExportTableToPointInTimeCommand({
          TableArn: tableArn,
          S3Bucket: bucketName,
          ExportType: "INCREMENTAL_EXPORT",
          IncrementalExportSpecification: { ExportFromTime: new Date(from - 10 * MINUTE), ExportToTime: new Date(from + 10 * MINUTE) },
        }),
      ),
    );
    assert.equal(early.name, "InvalidExportTimeException");
    assert.equal(early.message, `Incremental export period from time cannot be less than the table creation time : ${new Date(from - 10 * MINUTE).toISOString().replace(/\.\d{3}Z$/, "Z")}`);
    const future = await failure(
      ddb.send(
        new ExportTableToPointInTimeCommand({
          TableArn: tableArn,
          S3Bucket: bucketName,
          ExportType: "INCREMENTAL_EXPORT",
          IncrementalExportSpecification: { ExportFromTime: new Date(from), ExportToTime: new Date(nimbus.clock.now() + 120 * MINUTE) },
        }),
      ),
    );
    assert.equal(future.name, "InvalidExportTimeException");
    assert.equal(future.message, `Incremental export period to time cannot be greater than the current time : ${new Date(nimbus.clock.now() + 120 * MINUTE).toISOString().replace(/\.\d{3}Z$/, "Z")}`);
  });

  test("an export imports back into a new table: CREATING while importing, the same items afterwards", async () => {
    const source = uniqueName("imp-src");
    const tableArn = await tableWithPitr(source);
    for (const item of richItems) await ddb.send(new PutItemCommand({ TableName: source, Item: item }));
    const bucketName = await bucket();
    const exportArn = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, S3Prefix: "round" }))).ExportDescription?.ExportArn ?? "";
    await nimbus.scheduler.advance(JOB_DELAY);
    assert.equal((await describeExport(exportArn)).ExportStatus, "COMPLETED");

    const target = uniqueName("imp-dst");
    const exportId = exportArn.split("/").pop() ?? "";
    const now = nimbus.clock.now();
    // The export's folder, manifests and all: DynamoDB takes a point-in-time export as an import source.
    const started =
      (
        await ddb.send(
          new ImportTableCommand({
            S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: `round/AWSDynamoDB/${exportId}/` },
            InputFormat: "DYNAMODB_JSON",
            InputCompressionType: "GZIP",
            TableCreationParameters: keyedTable(target),
          }),
        )
      ).ImportTableDescription ?? {};
    assert.equal(started.ImportStatus, "IN_PROGRESS");
    assert.match(started.ImportArn ?? "", new RegExp(`^arn:aws:dynamodb:us-east-1:000000000000:table/${target}/import/\\d{14}-[0-9a-f]{8}$`));
    assert.equal(started.TableArn, `arn:aws:dynamodb:us-east-1:000000000000:table/${target}`);
    assert.equal(started.CloudWatchLogGroupArn, "arn:aws:logs:us-east-1:000000000000:log-group:/aws-dynamodb/imports:*");
    assert.deepEqual(started.S3BucketSource, { S3Bucket: bucketName, S3BucketOwner: "000000000000", S3KeyPrefix: `round/AWSDynamoDB/${exportId}/` });
    assert.equal(started.StartTime?.getTime(), now);
    // The counters start at 0; ProcessedSizeBytes and EndTime are absent until the import ends.
    assert.deepEqual([started.ProcessedItemCount, started.ImportedItemCount, started.ErrorCount], [0, 0, 0]);
    assert.equal("ProcessedSizeBytes" in started, false);
    assert.equal("EndTime" in started, false);
    const running = (await ddb.send(new DescribeImportCommand({ ImportArn: started.ImportArn }))).ImportTableDescription ?? {};
    assert.equal(running.ImportStatus, "IN_PROGRESS");
    assert.equal("ProcessedSizeBytes" in running, false);
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: target }))).Table?.TableStatus, "CREATING");
    // Items of a table that is still CREATING are out of reach.
    const early = await failure(ddb.send(new PutItemCommand({ TableName: target, Item: { pk: { S: "x" }, sk: { N: "1" } } })));
    assert.equal(early.name, "ResourceNotFoundException");
    assert.equal(early.message, "Requested resource not found");
    // ...and the table itself cannot be changed or deleted until it is ACTIVE.
    const inUse = `Attempt to change a resource which is still in use: Table is being created: ${target}`;
    const deleting = await failure(ddb.send(new DeleteTableCommand({ TableName: target })));
    assert.deepEqual([deleting.name, deleting.$metadata.httpStatusCode, deleting.message], ["ResourceInUseException", 400, inUse]);
    const updating = await failure(ddb.send(new UpdateTableCommand({ TableName: target, BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } })));
    assert.deepEqual([updating.name, updating.$metadata.httpStatusCode, updating.message], ["ResourceInUseException", 400, inUse]);

    await nimbus.scheduler.advance(JOB_DELAY);
    const done = (await ddb.send(new DescribeImportCommand({ ImportArn: started.ImportArn }))).ImportTableDescription ?? {};
    assert.equal(done.ImportStatus, "COMPLETED");
    assert.equal(done.ImportedItemCount, 3);
    assert.equal(done.ProcessedItemCount, 3);
    assert.equal(done.ErrorCount, 0);
    assert.equal(done.EndTime?.getTime(), now + JOB_DELAY);
    const dataKey = (await keysUnder(bucketName, `round/AWSDynamoDB/${exportId}/data/`))[0] ?? "";
    // ProcessedSizeBytes counts the bytes once decompressed, not the gzip'd object's.
    assert.equal(done.ProcessedSizeBytes, gunzipSync(await objectBytes(bucketName, dataKey)).length);
    assert.equal(done.FailureCode, undefined);
    const described = (await ddb.send(new DescribeTableCommand({ TableName: target }))).Table;
    assert.equal(described?.TableStatus, "ACTIVE");
    assert.equal(described?.ItemCount, 3);
    const copied = (await ddb.send(new ScanCommand({ TableName: target }))).Items ?? [];
    assert.deepEqual(comparable(copied), comparable((await ddb.send(new ScanCommand({ TableName: source }))).Items ?? []));
  });

  test("an ION export writes $ion_1_0 {Item:...} lines to data/<id>.ion.gz, every type mapped as AWS documents; the manifests name ION", async () => {
    const table = uniqueName("exp-ion");
    const tableArn = await tableWithPitr(table);
    for (const item of richItems) await ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    const bucketName = await bucket();
    const started = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, S3Prefix: "ion", ExportFormat: "ION" }))).ExportDescription ?? {};
    assert.equal(started.ExportStatus, "IN_PROGRESS");
    assert.equal(started.ExportFormat, "ION");
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = await describeExport(started.ExportArn ?? "");
    assert.equal(done.ExportStatus, "COMPLETED");
    assert.equal(done.ExportFormat, "ION");
    assert.equal(done.ItemCount, 3);

    const folder = `ion/AWSDynamoDB/${(started.ExportArn ?? "").split("/").pop() ?? ""}`;
    const dataKeys = await keysUnder(bucketName, `${folder}/data/`);
    assert.equal(dataKeys.length, 1);
    assert.match(dataKeys[0] ?? "", /\/data\/[a-z2-7]{26}\.ion\.gz$/);
    const summary = JSON.parse((await objectBytes(bucketName, `${folder}/manifest-summary.json`)).toString()) as Record<string, unknown>;
    assert.equal(summary["outputFormat"], "ION");
    assert.equal("exportType" in summary, false);
    assert.equal(summary["itemCount"], 3);
    const files = (await objectBytes(bucketName, `${folder}/manifest-files.json`)).toString().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(files.map((f) => [f["dataFileS3Key"], f["itemCount"]]), [[dataKeys[0], 3]]);

    // Read back with the S3 client and parsed by ion-js: the same items as the table holds.
    const records = await exportIonRecords(bucketName, done);
    assert.deepEqual(records.map((r) => Object.keys(r)), [["Item"], ["Item"], ["Item"]]);
    assert.deepEqual(comparable(records.map((r) => r["Item"] ?? {})), comparable(richItems));
    // The text itself: numbers as exact Ion decimals (all 38 digits), blobs, annotated sets, nulls, empty strings.
    const text = await exportTextLines(bucketName, done);
    const alpha = text.find((l) => l.includes('pk:"alpha"')) ?? "";
    assert.ok(alpha.includes("big:12345678901234567890123456789012345678.,"), alpha);
    assert.ok(alpha.includes("tiny:-12345d-42,"), alpha);
    assert.ok(alpha.includes("bin:{{AAEC/v8=}}"), alpha);
    assert.ok(alpha.includes('ss:$dynamodb_SS::["x","y"]'), alpha);
    assert.ok(alpha.includes("ns:$dynamodb_NS::[1.,99999999999999999999999999999999999999.]"), alpha);
    assert.ok(alpha.includes("bs:$dynamodb_BS::[{{AQ==}},{{AgM=}}]"), alpha);
    assert.ok(alpha.includes('m:{nested:["deep",true,null]}'), alpha);
    assert.ok(text.some((l) => l.includes('empty:""')));
  });

  test("an ION export imports back into a new table with InputFormat ION: the same items as the source", async () => {
    const source = uniqueName("ion-src");
    const tableArn = await tableWithPitr(source);
    for (const item of richItems) await ddb.send(new PutItemCommand({ TableName: source, Item: item }));
    const bucketName = await bucket();
    const exportArn = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, ExportFormat: "ION" }))).ExportDescription?.ExportArn ?? "";
    await nimbus.scheduler.advance(JOB_DELAY);
    assert.equal((await describeExport(exportArn)).ExportStatus, "COMPLETED");

    const target = uniqueName("ion-dst");
    const prefix = `AWSDynamoDB/${exportArn.split("/").pop() ?? ""}/`;
    const started =
      (
        await ddb.send(
          new ImportTableCommand({ S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: prefix }, InputFormat: "ION", InputCompressionType: "GZIP", TableCreationParameters: keyedTable(target) }),
        )
      ).ImportTableDescription ?? {};
    assert.equal(started.InputFormat, "ION");
    assert.equal(started.ImportStatus, "IN_PROGRESS");
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: target }))).Table?.TableStatus, "CREATING");
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = (await ddb.send(new DescribeImportCommand({ ImportArn: started.ImportArn }))).ImportTableDescription ?? {};
    assert.equal(done.ImportStatus, "COMPLETED");
    assert.equal(done.ErrorCount, 0);
    assert.equal(done.ProcessedItemCount, 3);
    assert.equal(done.ImportedItemCount, 3);
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: target }))).Table?.TableStatus, "ACTIVE");
    const copied = (await ddb.send(new ScanCommand({ TableName: target }))).Items ?? [];
    assert.deepEqual(comparable(copied), comparable((await ddb.send(new ScanCommand({ TableName: source }))).Items ?? []));
    assert.deepEqual(comparable(copied), comparable(richItems));
  });

  test("a hand-written Ion import file: annotated sets and ints are read; unreadable lines and values that are not items are counted and logged", async () => {
    const bucketName = await bucket();
    const lines = [
      '$ion_1_0 {Item:{pk:"a",sk:1.,tags:$dynamodb_SS::["red","blue"],scores:$dynamodb_NS::[1,2.50,12345678901234567890123456789012345678.],raw:$dynamodb_BS::[{{AQI=}}]}}',
      "$ion_1_0 {Item:{pk:\"b\",sk:2,",
      '$ion_1_0 {Item:{pk:"c",sk:3,when:2026-01-15T}}',
      '{Item:{pk:"d",sk:4,doc:{list:[1,"two",null,{{AA==}}],flag:false}}} {Item:{pk:"e",sk:5.0}}',
      "",
      '$ion_1_0 {Item:{sk:6}}',
      '$ion_1_0 {Item:{pk:"f",sk:6,tags:$dynamodb_SS::[]}}',
    ];
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "ion/items.ion", Body: lines.join("\n") }));
    const target = uniqueName("imp-ion");
    const { started, done } = await importToEnd(target, { S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: "ion/" }, InputFormat: "ION" });
    assert.equal(started.InputCompressionType, "NONE");
    assert.equal(done.ImportStatus, "FAILED");
    assert.equal(done.FailureCode, "ItemValidationError");
    assert.equal(done.FailureMessage, "Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details.");
    assert.equal(done.ErrorCount, 4);
    assert.equal(done.ProcessedItemCount, 7);
    assert.equal(done.ImportedItemCount, 3);
    assert.deepEqual(comparable((await ddb.send(new ScanCommand({ TableName: target }))).Items ?? []), comparable([
      {
        pk: { S: "a" },
        sk: { N: "1" },
        tags: { SS: ["red", "blue"] },
        scores: { NS: ["1", "2.5", "12345678901234567890123456789012345678"] },
        raw: { BS: [new Uint8Array([1, 2])] },
      },
      { pk: { S: "d" }, sk: { N: "4" }, doc: { M: { list: { L: [{ N: "1" }, { S: "two" }, { NULL: true }, { B: new Uint8Array([0]) }] }, flag: { BOOL: false } } } },
      { pk: { S: "e" }, sk: { N: "5" } },
    ]));

    assert.deepEqual(
      (await importErrors(started.ImportArn)).map((l) => [l.itemS3Pointer.itemIndex, l.errorMessages]),
      [
        [1, ["Invalid Ion text: expected field name (or close struct '}') not found"]],
        [2, ["Unsupported Ion type timestamp: DynamoDB items hold string, decimal, blob, bool, null, struct and list values"]],
        [5, ["One or more parameter values were invalid: Missing the key pk in the item"]],
        [6, ["One or more parameter values were invalid: An string set  may not be empty"]],
      ],
    );
  });

  test("an incremental export in ION: Metadata, Keys and both images, mapped as items are", async () => {
    const table = uniqueName("exp-ion-incr");
    const tableArn = await tableWithPitr(table);
    const put = (pk: string, v: AttributeValue) => ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, sk: { N: "0" }, v } }));
    await put("upd", { NS: ["1"] });
    await put("del", { S: "gone soon" });
    nimbus.manualClock.advance(MINUTE);
    const from = nimbus.clock.now();
    await put("ins", { N: "99999999999999999999999999999999999999" });
    await put("upd", { NS: ["2", "3"] });
    await ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "del" }, sk: { N: "0" } } }));
    nimbus.manualClock.advance(17 * MINUTE);
    const to = from + 16 * MINUTE;
    const bucketName = await bucket();
    const arn =
      (
        await ddb.send(
          new ExportTableToPointInTimeCommand({
            TableArn: tableArn,
            S3Bucket: bucketName,
            ExportFormat: "ION",
            ExportType: "INCREMENTAL_EXPORT",
            IncrementalExportSpecification: { ExportFromTime: new Date(from), ExportToTime: new Date(to) },
          }),
        )
      ).ExportDescription?.ExportArn ?? "";
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = await describeExport(arn);
    assert.equal(done.ExportStatus, "COMPLETED");
    assert.equal(done.ExportFormat, "ION");
    assert.equal(done.ItemCount, 3);
    const summary = JSON.parse((await objectBytes(bucketName, done.ExportManifest ?? "")).toString()) as Record<string, unknown>;
    assert.equal(summary["outputFormat"], "ION");
    assert.equal(summary["exportType"], "INCREMENTAL_EXPORT");
    assert.match((await keysUnder(bucketName, "AWSDynamoDB/data/"))[0] ?? "", /^AWSDynamoDB\/data\/[a-z2-7]{26}\.ion\.gz$/);

    const micros = { N: String(from * 1000) };
    const records = await exportIonRecords(bucketName, done);
    const byKey = Object.fromEntries(records.map((r) => [r["Keys"]?.["pk"]?.S, r]));
    assert.deepEqual(Object.keys(byKey).sort(), ["del", "ins", "upd"]);
    assert.deepEqual(byKey["ins"], {
      Metadata: { WriteTimestampMicros: micros },
      Keys: { pk: { S: "ins" }, sk: { N: "0" } },
      NewImage: { pk: { S: "ins" }, sk: { N: "0" }, v: { N: "99999999999999999999999999999999999999" } },
    });
    assert.deepEqual(byKey["upd"], {
      Metadata: { WriteTimestampMicros: micros },
      Keys: { pk: { S: "upd" }, sk: { N: "0" } },
      NewImage: { pk: { S: "upd" }, sk: { N: "0" }, v: { NS: ["2", "3"] } },
      OldImage: { pk: { S: "upd" }, sk: { N: "0" }, v: { NS: ["1"] } },
    });
    assert.deepEqual(byKey["del"], { Metadata: { WriteTimestampMicros: micros }, Keys: { pk: { S: "del" }, sk: { N: "0" } }, OldImage: { pk: { S: "del" }, sk: { N: "0" }, v: { S: "gone soon" } } });
  });

  test("CSV import: header line, quoted fields over several lines, key columns typed, the rest strings", async () => {
    const bucketName = await bucket();
    const csv = 'pk,sk,name,note,score\nu1,1,"Smith, J","said ""hi""",10\r\nu2,2,Doe,"two\nlines",\n\n';
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "csv/one.csv", Body: csv }));
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "csv/two.csv.gz", Body: gzipSync("pk,score,sk\nu3,7,3\n") }));
    const target = uniqueName("imp-csv");
    // Two objects, one gzip'd, one not: all objects of an import share one compression, so two imports.
    const plain = (
      await ddb.send(new ImportTableCommand({ S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: "csv/one" }, InputFormat: "CSV", TableCreationParameters: keyedTable(target) }))
    ).ImportTableDescription;
    assert.equal(plain?.InputCompressionType, "NONE");
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = (await ddb.send(new DescribeImportCommand({ ImportArn: plain?.ImportArn }))).ImportTableDescription;
    assert.equal(done?.ImportStatus, "COMPLETED");
    assert.equal(done?.ImportedItemCount, 2);
    const items = (await ddb.send(new ScanCommand({ TableName: target }))).Items ?? [];
    assert.deepEqual(comparable(items), comparable([
      { pk: { S: "u1" }, sk: { N: "1" }, name: { S: "Smith, J" }, note: { S: 'said "hi"' }, score: { S: "10" } },
      { pk: { S: "u2" }, sk: { N: "2" }, name: { S: "Doe" }, note: { S: "two\nlines" } },
    ]));

    const zipped = uniqueName("imp-csvgz");
    const gz = (
      await ddb.send(
        new ImportTableCommand({
          S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: "csv/two" },
          InputFormat: "CSV",
          InputCompressionType: "GZIP",
          TableCreationParameters: keyedTable(zipped),
        }),
      )
    ).ImportTableDescription;
    await nimbus.scheduler.advance(JOB_DELAY);
    assert.equal((await ddb.send(new DescribeImportCommand({ ImportArn: gz?.ImportArn }))).ImportTableDescription?.ImportStatus, "COMPLETED");
    assert.deepEqual((await ddb.send(new ScanCommand({ TableName: zipped }))).Items, [{ pk: { S: "u3" }, score: { S: "7" }, sk: { N: "3" } }]);
  });

  test("CSV import with HeaderList and a delimiter: the first line is data; bad lines are counted and the import FAILS with ItemValidationError", async () => {
    const bucketName = await bucket();
    await s3.send(
      new PutObjectCommand({ Bucket: bucketName, Key: "semi.csv", Body: 'a;1;first\n;2;no partition key\nb;x;not a number\n"d"x;4;text after a closing quote\ne;5;fine\nc;3;"unterminated\n' }),
    );
    const target = uniqueName("imp-hdr");
    const started = (
      await ddb.send(
        new ImportTableCommand({
          S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: "semi.csv" },
          InputFormat: "CSV",
          InputFormatOptions: { Csv: { Delimiter: ";", HeaderList: ["pk", "sk", "text"] } },
          TableCreationParameters: keyedTable(target),
        }),
      )
    ).ImportTableDescription;
    assert.deepEqual(started?.InputFormatOptions, { Csv: { Delimiter: ";", HeaderList: ["pk", "sk", "text"] } });
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = (await ddb.send(new DescribeImportCommand({ ImportArn: started?.ImportArn }))).ImportTableDescription;
    assert.equal(done?.ImportStatus, "FAILED");
    assert.equal(done?.FailureCode, "ItemValidationError");
    assert.equal(done?.FailureMessage, "Some of the items failed validation checks and were not imported. Please check CloudWatch error logs for more details.");
    assert.equal(done?.ImportedItemCount, 2);
    assert.equal(done?.ErrorCount, 4);
    assert.equal(done?.ProcessedItemCount, 5);
    // The table keeps what was imported and is usable.
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: target }))).Table?.TableStatus, "ACTIVE");
    assert.deepEqual(comparable((await ddb.send(new ScanCommand({ TableName: target }))).Items ?? []), comparable([
      { pk: { S: "a" }, sk: { N: "1" }, text: { S: "first" } },
      { pk: { S: "e" }, sk: { N: "5" }, text: { S: "fine" } },
    ]));
  });

  test("DynamoDB JSON import: a malformed line or an item without the key is one error and ends its object; items sharing a key overwrite each other", async () => {
    const bucketName = await bucket();
    const put = (key: string, lines: string[]) => s3.send(new PutObjectCommand({ Bucket: bucketName, Key: key, Body: lines.join("\n") }));
    // The first line that cannot make an item abandons the rest of its object, whatever follows it.
    await put("in/1-malformed.json", ['{"Item":{"pk":{"S":"k"},"sk":{"N":"1"},"v":{"S":"first"}}}', "not json", '{"Item":{"pk":{"S":"after"},"sk":{"N":"9"}}}', '{"Item":{"sk":{"N":"2"}}}']);
    await put("in/2-no-key.json", ["", '{"Item":{"sk":{"N":"2"}}}', "not json", '{"Item":{"pk":{"S":"after"},"sk":{"N":"8"}}}']);
    // Items run together on one line, with or without a space between them, are items each.
    await put("in/3-good.json", ['{"Item":{"pk":{"S":"k"},"sk":{"N":"1"},"v":{"S":"second"}}}{"Item":{"pk":{"S":"run"},"sk":{"N":"2"}}} {"Item":{"pk":{"S":"run"},"sk":{"N":"3"}}}', ""]);
    const target = uniqueName("imp-json");
    const { started, done } = await importToEnd(target, { S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: "in/" }, InputFormat: "DYNAMODB_JSON" });
    assert.equal(done.ImportStatus, "FAILED");
    assert.equal(done.FailureCode, "ItemValidationError");
    assert.equal(done.ErrorCount, 2);
    assert.equal(done.ProcessedItemCount, 6);
    assert.equal(done.ImportedItemCount, 4);
    assert.deepEqual(comparable((await ddb.send(new ScanCommand({ TableName: target }))).Items ?? []), comparable([
      { pk: { S: "k" }, sk: { N: "1" }, v: { S: "second" } },
      { pk: { S: "run" }, sk: { N: "2" } },
      { pk: { S: "run" }, sk: { N: "3" } },
    ]));
    // Each error is logged to CloudWatch Logs, in /aws-dynamodb/imports, stream <import id>/error.
    const logged = await importErrors(started.ImportArn);
    assert.equal(logged.length, 2);
    assert.deepEqual(logged[0]?.itemS3Pointer, { bucket: bucketName, key: "in/1-malformed.json", itemIndex: 1 });
    assert.deepEqual(logged[1], {
      itemS3Pointer: { bucket: bucketName, key: "in/2-no-key.json", itemIndex: 1 },
      importArn: started.ImportArn,
      errorMessages: ["One or more parameter values were invalid: Missing the key pk in the item"],
    });
  });

  test("export errors: PITR off, no such table, ExportTime outside the window, an unknown format, unknown export ARN", async () => {
    const table = uniqueName("exp-err");
    const made = await ddb.send(new CreateTableCommand(keyedTable(table)));
    const tableArn = made.TableDescription?.TableArn ?? "";
    const bucketName = await bucket();

    const noPitr = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName })));
    assert.equal(noPitr.name, "PointInTimeRecoveryUnavailableException");
    assert.equal(noPitr.$metadata.httpStatusCode, 400);
    assert.equal(noPitr.message, `Point in time recovery is not enabled for table '${table}'`);

    const missing = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: `${tableArn}-nope`, S3Bucket: bucketName })));
    assert.equal(missing.name, "TableNotFoundException");
    assert.equal(missing.message, `Table not found: ${tableArn}-nope`);
    const bare = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: table, S3Bucket: bucketName })));
    assert.deepEqual([bare.name, bare.message], ["ValidationException", "One or more parameter values were invalid: tableArn is not a valid ARN"]);
    const index = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: `${tableArn}/index/by-name`, S3Bucket: bucketName })));
    assert.deepEqual([index.name, index.message], ["ValidationException", "Invalid Request: Table ARN is invalid."]);
    const foreign = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn.replace(":000000000000:", ":111122223333:"), S3Bucket: bucketName })));
    assert.deepEqual([foreign.name, foreign.message, foreign.$metadata.httpStatusCode], ["AccessDeniedException", "Access is denied", 400]);

    await ddb.send(new UpdateContinuousBackupsCommand({ TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
    const future = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, ExportTime: new Date(nimbus.clock.now() + MINUTE) })));
    assert.equal(future.name, "InvalidExportTimeException");
    assert.equal(future.$metadata.httpStatusCode, 400);
    const beforePitr = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, ExportTime: new Date(nimbus.clock.now() - MINUTE) })));
    assert.equal(beforePitr.name, "InvalidExportTimeException");

    // An empty TableArn (DDB-TABLE-457) and the ExportType/IncrementalExportSpecification couplings (DDB-EXPORT-003), in AWS's words.
    const emptyArn = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: "", S3Bucket: bucketName })));
    assert.deepEqual([emptyArn.name, emptyArn.message, emptyArn.$metadata.httpStatusCode], ["ValidationException", "Invalid TableArn: Invalid Table ARN", 400]);
    const from = new Date(nimbus.clock.now());
    const couplings: [object, string][] = [
      [{ IncrementalExportSpecification: { ExportFromTime: from } }, "Invalid Request: Export Type expected to be Incremental Export when incremental export specification is provided"],
      [{ ExportType: "FULL_EXPORT", IncrementalExportSpecification: { ExportFromTime: from } }, "Invalid Request: When Export Type is Full Export , Incremental Export Specification should not be provided"],
      [{ ExportType: "INCREMENTAL_EXPORT" }, "Invalid Request: Incremental Export Specification expected when export type is set as Incremental Export"],
      [{ ExportType: "INCREMENTAL_EXPORT", IncrementalExportSpecification: {} }, "Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification"],
      [{ ExportType: "INCREMENTAL_EXPORT", IncrementalExportSpecification: { ExportViewType: "NEW_IMAGE" } }, "Invalid Request: ExportFromTime must be provided in IncrementalExportSpecification"],
    ];
    for (const [extra, message] of couplings) {
      const refused = await failure(ddb.send(new ExportTableToPointInTimeCommand({ ...{}, TableArn: tableArn, S3Bucket: bucketName, ...extra })));
      assert.deepEqual([refused.name, refused.message, refused.$metadata.httpStatusCode], ["ValidationException", message, 400]);
    }
    // A from time before the table's PITR is answered first, ExportTime given or not.
    const early = await failure(
      ddb.send(
        new ExportTableToPointInTimeCommand({
          TableArn: tableArn,
          S3Bucket: bucketName,
          ExportType: "INCREMENTAL_EXPORT",
          ExportTime: from,
          IncrementalExportSpecification: { ExportFromTime: new Date(from.getTime() - 60 * MINUTE) },
        }),
      ),
    );
    assert.equal(early.name, "InvalidExportTimeException");

    const badFormat = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, ExportFormat: "CSV" as "ION" })));
    assert.equal(badFormat.name, "ValidationException");
    assert.equal(badFormat.message, "1 validation error detected: Value 'CSV' at 'exportFormat' failed to satisfy constraint: Member must satisfy enum value set: [DYNAMODB_JSON, ION]");
    const badType = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, ExportType: "PARTIAL" as "FULL_EXPORT" })));
    assert.equal(badType.message, "1 validation error detected: Value 'PARTIAL' at 'exportType' failed to satisfy constraint: Member must satisfy enum value set: [FULL_EXPORT, INCREMENTAL_EXPORT]");

    const unknown = await failure(ddb.send(new DescribeExportCommand({ ExportArn: `${tableArn}/export/01234567890123-abcdef01` })));
    assert.equal(unknown.name, "ExportNotFoundException");
    assert.equal(unknown.$metadata.httpStatusCode, 400);
    assert.equal(unknown.message, `Export not found: ${tableArn}/export/01234567890123-abcdef01`);
    for (const arn of [tableArn, `${tableArn}/import/01234567890123-abcdef01`, `qwerty:aws:dynamodb:us-east-1:000000000000:table/${table}`]) {
      const invalid = await failure(ddb.send(new DescribeExportCommand({ ExportArn: arn })));
      assert.deepEqual([invalid.name, invalid.message, invalid.$metadata.httpStatusCode], ["ValidationException", "Invalid Export ARN", 400]);
    }
    const otherAccount = await failure(ddb.send(new DescribeExportCommand({ ExportArn: `arn:aws:dynamodb:us-east-1:111122223333:table/${table}` })));
    assert.deepEqual([otherAccount.name, otherAccount.message], ["AccessDeniedException", "Access is denied"]);
  });

  test("an export to a bucket that does not exist ends FAILED with S3NoSuchBucket", async () => {
    const table = uniqueName("exp-nobucket");
    const tableArn = await tableWithPitr(table);
    const arn = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: "no-such-bucket-for-nimbus" }))).ExportDescription?.ExportArn ?? "";
    await nimbus.scheduler.advance(JOB_DELAY);
    const d = await describeExport(arn);
    assert.equal(d.ExportStatus, "FAILED");
    assert.equal(d.FailureCode, "S3NoSuchBucket");
    assert.match(d.FailureMessage ?? "", /^The specified bucket does not exist \(Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket; Request ID: [0-9A-F]{16}; Proxy: null\)$/);
    assert.equal(d.ExportManifest, undefined);
    assert.equal(d.EndTime?.getTime(), d.StartTime ? d.StartTime.getTime() + JOB_DELAY : undefined);
  });

  test("S3BucketOwner and encryption go to S3: another owner ends FAILED with S3AccessDenied; KMS encrypts the objects", async () => {
    const table = uniqueName("exp-owner");
    const tableArn = await tableWithPitr(table);
    const bucketName = await bucket();
    const foreign = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, S3BucketOwner: "111122223333" }))).ExportDescription;
    assert.equal(foreign?.S3BucketOwner, "111122223333");
    const key = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-3333-4444-555555555555";
    const kms = (
      await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, S3BucketOwner: "000000000000", S3SseAlgorithm: "KMS", S3SseKmsKeyId: key }))
    ).ExportDescription;
    assert.equal(kms?.S3SseAlgorithm, "KMS");
    await nimbus.scheduler.advance(JOB_DELAY);
    const denied = await describeExport(foreign?.ExportArn ?? "");
    assert.equal(denied.ExportStatus, "FAILED");
    assert.equal(denied.FailureCode, "S3AccessDenied");
    assert.match(denied.FailureMessage ?? "", /^Access Denied \(Service: Amazon S3; Status Code: 403; Error Code: AccessDenied;/);
    const encrypted = await describeExport(kms?.ExportArn ?? "");
    assert.equal(encrypted.ExportStatus, "COMPLETED");
    assert.equal(encrypted.S3SseKmsKeyId, key);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucketName, Key: encrypted.ExportManifest }));
    await got.Body?.transformToByteArray();
    assert.equal(got.ServerSideEncryption, "aws:kms");
    assert.equal(got.SSEKMSKeyId, key);
  });

  test("ClientToken: the same export request answers the same export; other parameters are an ExportConflictException", async () => {
    const table = uniqueName("exp-token");
    const tableArn = await tableWithPitr(table);
    const bucketName = await bucket();
    const token = uniqueName("token");
    const first = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, ClientToken: token }))).ExportDescription;
    assert.equal(first?.ClientToken, token);
    const again = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, ClientToken: token }))).ExportDescription;
    assert.equal(again?.ExportArn, first?.ExportArn);
    const conflict = await failure(ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, S3Prefix: "other", ClientToken: token })));
    assert.equal(conflict.name, "ExportConflictException");
    assert.equal(conflict.$metadata.httpStatusCode, 400);
    assert.equal(conflict.message, "Export conflict: Duplicate request detected with conflicting parameters");
    await nimbus.scheduler.advance(JOB_DELAY);
    // Once done, the same request still names the same (now completed) export.
    const later = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, ClientToken: token }))).ExportDescription;
    assert.equal(later?.ExportArn, first?.ExportArn);
    assert.equal(later?.ExportStatus, "COMPLETED");
  });

  test("ListExports filters by table and pages with MaxResults and NextToken", async () => {
    const table = uniqueName("exp-list");
    const tableArn = await tableWithPitr(table);
    const bucketName = await bucket();
    const arns: string[] = [];
    for (let i = 0; i < 3; i++) {
      arns.push((await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName, S3Prefix: `p${i}` }))).ExportDescription?.ExportArn ?? "");
      nimbus.manualClock.advance(1);
    }
    const first = await ddb.send(new ListExportsCommand({ TableArn: tableArn, MaxResults: 2 }));
    assert.deepEqual(first.ExportSummaries, arns.slice(0, 2).map((ExportArn) => ({ ExportArn, ExportStatus: "IN_PROGRESS", ExportType: "FULL_EXPORT" })));
    assert.ok(first.NextToken);
    const second = await ddb.send(new ListExportsCommand({ TableArn: tableArn, MaxResults: 2, NextToken: first.NextToken }));
    assert.deepEqual(second.ExportSummaries?.map((s) => s.ExportArn), arns.slice(2));
    assert.equal(second.NextToken, undefined);
    const garbage = await failure(ddb.send(new ListExportsCommand({ TableArn: tableArn, NextToken: "garbage" })));
    assert.deepEqual([garbage.name, garbage.message], ["ValidationException", "Invalid NextToken"]);
    const tooMany = await failure(ddb.send(new ListExportsCommand({ MaxResults: 26 })));
    assert.equal(tooMany.message, "1 validation error detected: Value '26' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 25");
    await nimbus.scheduler.advance(JOB_DELAY);
    const completed = await ddb.send(new ListExportsCommand({ TableArn: tableArn }));
    assert.deepEqual(completed.ExportSummaries?.map((s) => s.ExportStatus), ["COMPLETED", "COMPLETED", "COMPLETED"]);

    // By TableArn, only the exports of the table that has the name now: none once it is deleted,
    // none of the old one once the name is made again; DescribeExport still finds them (DDB-EXPORT-020).
    await ddb.send(new DeleteTableCommand({ TableName: table }));
    assert.deepEqual((await ddb.send(new ListExportsCommand({ TableArn: tableArn }))).ExportSummaries, []);
    assert.equal((await ddb.send(new DescribeExportCommand({ ExportArn: arns[0] }))).ExportDescription?.ExportStatus, "COMPLETED");
    await tableWithPitr(table);
    assert.deepEqual((await ddb.send(new ListExportsCommand({ TableArn: tableArn }))).ExportSummaries, []);
    const again = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: bucketName }))).ExportDescription?.ExportArn;
    assert.deepEqual((await ddb.send(new ListExportsCommand({ TableArn: tableArn }))).ExportSummaries?.map((s) => s.ExportArn), [again]);
    assert.ok((await ddb.send(new ListExportsCommand({}))).ExportSummaries?.some((s) => s.ExportArn === arns[0]));
  });

  test("ZSTD import: Zstandard objects are decoded; one that is not Zstandard is one error", async () => {
    const bucketName = await bucket();
    // Two DynamoDB JSON lines, compressed by the zstd command-line tool (zstd -c).
    const zstd = Buffer.from("KLUv/QRY7QEA1AJ7Ikl0ZW0iOnsicGsiOnsiUyI6InoxIn0sInNOIjoiMSJ9fX0KMm4yIn19fQoFAFuRyLwAyLepR087x5zyFOY=", "base64");
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "zstd/a.json.zst", Body: zstd }));
    // Everything under zstd/ into a new table; the import as it started and as it ended.
    const importAll = async (target: string) => {
      const started = (
        await ddb.send(
          new ImportTableCommand({ S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: "zstd/" }, InputFormat: "DYNAMODB_JSON", InputCompressionType: "ZSTD", TableCreationParameters: keyedTable(target) }),
        )
      ).ImportTableDescription;
      await nimbus.scheduler.advance(JOB_DELAY);
      return { started, done: (await ddb.send(new DescribeImportCommand({ ImportArn: started?.ImportArn }))).ImportTableDescription };
    };
    const target = uniqueName("imp-zstd");
    const { started, done } = await importAll(target);
    assert.equal(started?.InputCompressionType, "ZSTD");
    assert.equal(done?.ImportStatus, "COMPLETED");
    assert.equal(done?.ImportedItemCount, 2);
    assert.deepEqual(comparable((await ddb.send(new ScanCommand({ TableName: target }))).Items ?? []), comparable([
      { pk: { S: "z1" }, sk: { N: "1" } },
      { pk: { S: "z2" }, sk: { N: "2" }, n: { N: "2" } },
    ]));

    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "zstd/b.json.zst", Body: "not zstd at all" }));
    const failed = (await importAll(uniqueName("imp-zstd-bad"))).done;
    assert.equal(failed?.ImportStatus, "FAILED");
    assert.equal(failed?.ErrorCount, 1);
    assert.equal(failed?.ImportedItemCount, 2);
  });

  test("import errors: the table exists, unknown import ARN, ClientToken reuse", async () => {
    const bucketName = await bucket();
    const existing = uniqueName("imp-exists");
    await ddb.send(new CreateTableCommand(keyedTable(existing)));
    const base: ImportTableCommandInput = { S3BucketSource: { S3Bucket: bucketName }, InputFormat: "DYNAMODB_JSON", TableCreationParameters: keyedTable(existing) };
    const exists = await failure(ddb.send(new ImportTableCommand(base)));
    assert.equal(exists.name, "ResourceInUseException");
    assert.equal(exists.$metadata.httpStatusCode, 400);
    assert.equal(exists.message, `Table already exists: ${existing}`);

    const fresh = uniqueName("imp-new");
    const delimiter = await failure(ddb.send(new ImportTableCommand({ ...base, InputFormat: "CSV", InputFormatOptions: { Csv: { Delimiter: "#" } }, TableCreationParameters: keyedTable(fresh) })));
    assert.equal(delimiter.message, "1 validation error detected: Value '#' at 'inputFormatOptions.csv.delimiter' failed to satisfy constraint: Member must satisfy regular expression pattern: [,;:|\\t ]");
    const csvWithJson = await failure(ddb.send(new ImportTableCommand({ ...base, InputFormatOptions: { Csv: { Delimiter: "," } }, TableCreationParameters: keyedTable(fresh) })));
    assert.deepEqual([csvWithJson.name, csvWithJson.message], ["ValidationException", "Invalid Request: Unsupported InputFormatOptions for the given input format: DYNAMODB_JSON."]);
    // Nothing was created by the refused calls.
    assert.equal((await failure(ddb.send(new DescribeTableCommand({ TableName: fresh })))).name, "ResourceNotFoundException");

    const unknown = await failure(ddb.send(new DescribeImportCommand({ ImportArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${fresh}/import/01234567890123-abcdef01` })));
    assert.equal(unknown.name, "ImportNotFoundException");
    assert.equal(unknown.$metadata.httpStatusCode, 400);
    for (const arn of [`arn:aws:dynamodb:us-east-1:000000000000:table/${fresh}`, `arn:aws:dynamodb:us-east-1:000000000000:table/x/import/01658528578619-c4d4e311`]) {
      const invalid = await failure(ddb.send(new DescribeImportCommand({ ImportArn: arn })));
      assert.deepEqual([invalid.name, invalid.message], ["ValidationException", "Invalid Import ARN"]);
    }
    const foreign = await failure(ddb.send(new DescribeImportCommand({ ImportArn: `arn:aws:dynamodb:us-east-1:111122223333:table/${fresh}/import/01234567890123-abcdef01` })));
    assert.deepEqual([foreign.name, foreign.message], ["AccessDeniedException", "Access is denied"]);

    const token = uniqueName("token");
    const first = (await ddb.send(new ImportTableCommand({ ...base, ClientToken: token, TableCreationParameters: keyedTable(fresh) }))).ImportTableDescription;
    const again = (await ddb.send(new ImportTableCommand({ ...base, ClientToken: token, TableCreationParameters: keyedTable(fresh) }))).ImportTableDescription;
    assert.equal(again?.ImportArn, first?.ImportArn);
    // Only another table conflicts: another source, format or compression answers the first import as it was.
    const otherSource = (
      await ddb.send(new ImportTableCommand({ ...base, S3BucketSource: { S3Bucket: "some-other-bucket", S3KeyPrefix: "elsewhere/" }, InputFormat: "CSV", InputCompressionType: "GZIP", ClientToken: token, TableCreationParameters: keyedTable(fresh) }))
    ).ImportTableDescription;
    assert.equal(otherSource?.ImportArn, first?.ImportArn);
    assert.deepEqual([otherSource?.InputFormat, otherSource?.InputCompressionType, otherSource?.S3BucketSource?.S3Bucket], ["DYNAMODB_JSON", "NONE", bucketName]);
    const conflict = await failure(ddb.send(new ImportTableCommand({ ...base, ClientToken: token, TableCreationParameters: keyedTable(uniqueName("imp-other")) })));
    assert.equal(conflict.name, "ImportConflictException");
    assert.equal(conflict.$metadata.httpStatusCode, 400);
    assert.equal(conflict.message, "Import conflict: Duplicate request detected with conflicting parameters");
    await nimbus.scheduler.advance(JOB_DELAY);
    // Once the import has ended its table exists: the same request again is CreateTable's refusal.
    const replay = await failure(ddb.send(new ImportTableCommand({ ...base, ClientToken: token, TableCreationParameters: keyedTable(fresh) })));
    assert.deepEqual([replay.name, replay.message], ["ResourceInUseException", `Table already exists: ${fresh}`]);
    const changed = (await ddb.send(new ImportTableCommand({ ...base, S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: "other/" }, ClientToken: token, TableCreationParameters: keyedTable(fresh) })))
      .ImportTableDescription;
    assert.equal(changed?.ImportArn, first?.ImportArn);
  });

  test("an import from a bucket that does not exist ends FAILED with S3NoSuchBucket and leaves no table", async () => {
    const target = uniqueName("imp-nobucket");
    const started = (
      await ddb.send(new ImportTableCommand({ S3BucketSource: { S3Bucket: "no-such-bucket-for-nimbus", S3KeyPrefix: "x" }, InputFormat: "CSV", TableCreationParameters: keyedTable(target) }))
    ).ImportTableDescription;
    assert.equal((await ddb.send(new DescribeTableCommand({ TableName: target }))).Table?.TableStatus, "CREATING");
    await nimbus.scheduler.advance(JOB_DELAY);
    const done = (await ddb.send(new DescribeImportCommand({ ImportArn: started?.ImportArn }))).ImportTableDescription;
    assert.equal(done?.ImportStatus, "FAILED");
    assert.equal(done?.FailureCode, "S3NoSuchBucket");
    assert.match(done?.FailureMessage ?? "", /^The specified bucket does not exist \(Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket;/);
    // As the guide's example of this failure shows them: nothing read, all counters 0.
    assert.deepEqual([done?.ProcessedSizeBytes, done?.ProcessedItemCount, done?.ImportedItemCount, done?.ErrorCount], [0, 0, 0, 0]);
    assert.equal(done?.TableArn, started?.TableArn);
    const gone = await failure(ddb.send(new DescribeTableCommand({ TableName: target })));
    assert.equal(gone.name, "ResourceNotFoundException");
  });

  test("ListImports filters by table and pages with PageSize and NextToken", async () => {
    const bucketName = await bucket();
    const arns: string[] = [];
    const tables: string[] = [];
    for (let i = 0; i < 3; i++) {
      const target = uniqueName(`imp-list${i}`);
      tables.push(target);
      arns.push(
        (await ddb.send(new ImportTableCommand({ S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: "none/" }, InputFormat: "CSV", TableCreationParameters: keyedTable(target) })))
          .ImportTableDescription?.ImportArn ?? "",
      );
      nimbus.manualClock.advance(1);
    }
    const one = await ddb.send(new ListImportsCommand({ TableArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${tables[1]}` }));
    assert.deepEqual(one.ImportSummaryList?.map((s) => s.ImportArn), [arns[1]]);
    assert.equal(one.ImportSummaryList?.[0]?.InputFormat, "CSV");
    assert.equal(one.ImportSummaryList?.[0]?.ImportStatus, "IN_PROGRESS");
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await ddb.send(new ListImportsCommand({ PageSize: 1, ...(token ? { NextToken: token } : {}) }));
      assert.ok((page.ImportSummaryList?.length ?? 0) <= 1);
      seen.push(...(page.ImportSummaryList ?? []).map((s) => s.ImportArn ?? ""));
      token = page.NextToken;
    } while (token);
    for (const arn of arns) assert.ok(seen.includes(arn));
    await nimbus.scheduler.advance(JOB_DELAY);
    // No object under the prefix: the import completes with nothing imported.
    const done = (await ddb.send(new DescribeImportCommand({ ImportArn: arns[0] }))).ImportTableDescription;
    assert.equal(done?.ImportStatus, "COMPLETED");
    assert.equal(done?.ImportedItemCount, 0);
  });
});

test("exports and imports survive a restart: a job running when Nimbus stopped runs again", async () => {
  const table = uniqueName("exp-durable");
  const bucketName = uniqueName("durable").toLowerCase();
  await acrossRestart(
    async ({ ddb, s3 }) => {
      const made = await ddb.send(new CreateTableCommand(keyedTable(table)));
      await ddb.send(new UpdateContinuousBackupsCommand({ TableName: table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }));
      await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "a" }, sk: { N: "1" } } }));
      await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
      await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: "csv/in.csv", Body: "pk,sk\nz,9\n" }));
      const exportArn = (await ddb.send(new ExportTableToPointInTimeCommand({ TableArn: made.TableDescription?.TableArn ?? "", S3Bucket: bucketName }))).ExportDescription?.ExportArn ?? "";
      const importArn =
        (await ddb.send(new ImportTableCommand({ S3BucketSource: { S3Bucket: bucketName, S3KeyPrefix: "csv/" }, InputFormat: "CSV", TableCreationParameters: keyedTable(`${table}-in`) })))
          .ImportTableDescription?.ImportArn ?? "";
      return { exportArn, importArn };
    },
    async ({ nimbus, ddb: again }, { exportArn, importArn }) => {
      assert.equal((await again.send(new DescribeExportCommand({ ExportArn: exportArn }))).ExportDescription?.ExportStatus, "IN_PROGRESS");
      assert.equal((await again.send(new DescribeImportCommand({ ImportArn: importArn }))).ImportTableDescription?.ImportStatus, "IN_PROGRESS");
      await nimbus.scheduler.advance(JOB_DELAY);
      const exported = (await again.send(new DescribeExportCommand({ ExportArn: exportArn }))).ExportDescription;
      assert.equal(exported?.ExportStatus, "COMPLETED");
      assert.equal(exported?.ItemCount, 1);
      assert.equal((await again.send(new DescribeImportCommand({ ImportArn: importArn }))).ImportTableDescription?.ImportedItemCount, 1);
      assert.deepEqual((await again.send(new ScanCommand({ TableName: `${table}-in` }))).Items, [{ pk: { S: "z" }, sk: { N: "9" } }]);
    },
  );
});
