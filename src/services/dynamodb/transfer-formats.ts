/**
 * The line formats of DynamoDB's exports to S3 and imports from S3.
 *
 * - DynamoDB JSON (export and import): JSON lines, one `{"Item":{...}}` per item, each value in
 *   DynamoDB's marshalled form (numbers as strings, so 38 digits survive; binaries in base64).
 * - Incremental export: JSON lines `{"Metadata":{"WriteTimestampMicros":{"N":...}},"Keys":{...},
 *   "NewImage":{...},"OldImage":{...}}`; which images appear depends on the view type.
 * - CSV (import only): RFC 4180 records (quoted fields may hold the delimiter, `""` and line
 *   breaks); the first line is the header unless HeaderList is given; "all columns other than
 *   the hash range and keys of your base table and secondary indexes are imported as DynamoDB
 *   strings".
 */
import { randomBytes } from "node:crypto";
import type { Item } from "./domain/index.js";
import { parseItem, serializeItem } from "./items.js";

export function itemLine(item: Item): string {
  return `{"Item":${serializeItem(item)}}`;
}

export type ExportViewType = "NEW_IMAGE" | "NEW_AND_OLD_IMAGES";

export interface ItemChange {
  readonly keys: Item;
  readonly oldImage: Item | undefined;
  readonly newImage: Item | undefined;
  /** Epoch ms of the item's last write in the export's window. */
  readonly writtenAt: number;
}

/**
 * One line of an incremental export. NEW_AND_OLD_IMAGES carries the image before the window
 * (absent for an insert) and after it (absent for a delete); NEW_IMAGE only the latter.
 */
export function incrementalLine(change: ItemChange, view: ExportViewType): string {
  const record: Record<string, unknown> = {
    Metadata: { WriteTimestampMicros: { N: String(change.writtenAt * 1000) } },
    Keys: change.keys,
  };
  if (change.newImage !== undefined) record["NewImage"] = change.newImage;
  if (view === "NEW_AND_OLD_IMAGES" && change.oldImage !== undefined) record["OldImage"] = change.oldImage;
  return serializeItem(record as unknown as Item);
}

/** A line the import cannot read; its message goes to the import's error log. */
export class ImportLineError extends Error {}

/** The item of a DynamoDB JSON line, binaries decoded; undefined for a blank line. Not yet validated. */
export function parseItemLine(line: string): Record<string, unknown> | undefined {
  if (line.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = parseItem(line);
  } catch {
    throw new ImportLineError("Unexpected token in DynamoDB JSON: the line is not valid JSON");
  }
  const item = (parsed as { Item?: unknown } | null)?.Item;
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    throw new ImportLineError("The line is not a DynamoDB JSON item: expected an object with an Item member");
  }
  return item as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * Assembles CSV records from lines: a quoted field may span lines, so a line can end inside a
 * record (push answers undefined until the record is complete).
 */
export class CsvRecords {
  private fields: string[] = [];
  private field = "";
  private inQuotes = false;
  /** A quoted field was closed and only a delimiter or the end of the record may follow. */
  private closed = false;
  private started = false;

  constructor(private readonly delimiter: string) {}

  push(line: string): string[] | undefined {
    if (this.inQuotes) this.field += "\n";
    this.started = true;
    for (let i = 0; i < line.length; i++) {
      const c = line[i] as string;
      if (this.inQuotes) {
        if (c !== '"') this.field += c;
        else if (line[i + 1] === '"') {
          this.field += '"';
          i++;
        } else {
          this.inQuotes = false;
          this.closed = true;
        }
      } else if (c === this.delimiter) {
        this.fields.push(this.field);
        this.field = "";
        this.closed = false;
      } else if (c === '"' && this.field === "" && !this.closed) {
        this.inQuotes = true;
      } else if (!this.closed) {
        this.field += c;
      } else if (c !== " " && c !== "\t") {
        throw new ImportLineError(`Invalid CSV: unexpected character '${c}' after a closing quote`);
      }
    }
    if (this.inQuotes) return undefined;
    this.fields.push(this.field);
    const record = this.fields;
    this.fields = [];
    this.field = "";
    this.closed = false;
    this.started = false;
    return record;
  }

  /** True when the input ended inside a quoted field. */
  unfinished(): boolean {
    return this.started && this.inQuotes;
  }

  /** Forgets a half-read record (after an error). */
  reset(): void {
    this.fields = [];
    this.field = "";
    this.inQuotes = false;
    this.closed = false;
    this.started = false;
  }
}

/** True for the record of a blank line, which carries no item. */
export function isBlankRecord(record: readonly string[]): boolean {
  return record.length === 1 && record[0]?.trim() === "";
}

/**
 * The item a CSV record makes: key attributes (of the table and its indexes) take their
 * declared type, every other column is a string. Empty cells are left out (CSV has no null).
 */
export function csvItem(header: readonly string[], record: readonly string[], keyTypes: Readonly<Record<string, string>>): Record<string, unknown> {
  if (record.length !== header.length) {
    throw new ImportLineError(`The number of columns (${record.length}) does not match the number of headers (${header.length})`);
  }
  const item: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const value = record[i] as string;
    if (value === "") return;
    const type = keyTypes[name];
    item[name] = type === "N" ? { N: value } : type === "B" ? { B: Buffer.from(value, "base64") } : { S: value };
  });
  return item;
}

// ---------------------------------------------------------------------------------------------
// Names

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** The 26-character lowercase base32 name DynamoDB gives each export data file. */
export function dataFileId(random: Buffer = randomBytes(26)): string {
  let out = "";
  for (const byte of random.subarray(0, 26)) out += BASE32[byte % 32];
  return out;
}

/** The export or import id: the last element of its ARN. */
export function transferId(arn: string): string {
  return arn.slice(arn.lastIndexOf("/") + 1);
}
