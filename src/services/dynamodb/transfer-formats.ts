/**
 * The line formats of DynamoDB's exports to S3 and imports from S3.
 *
 * - DynamoDB JSON (export and import): JSON lines, one `{"Item":{...}}` per item, each value in
 *   DynamoDB's marshalled form (numbers as strings, so 38 digits survive; binaries in base64).
 * - Incremental export: JSON lines `{"Metadata":{"WriteTimestampMicros":{"N":...}},"Keys":{...},
 *   "NewImage":{...},"OldImage":{...}}`; which images appear depends on the view type.
 * - Amazon Ion (export and import): Ion text lines, each the version marker and one
 *   `{Item:{...}}` struct: S -> string, N -> decimal (exact, 38 digits), B -> blob, BOOL -> bool,
 *   NULL -> null, M -> struct, L -> list, and SS/NS/BS -> lists annotated `$dynamodb_SS::`,
 *   `$dynamodb_NS::`, `$dynamodb_BS::` ("DynamoDB table export output format", Amazon Ion).
 *   Incremental lines carry the same members as in DynamoDB JSON, each image mapped the same way.
 * - CSV (import only): RFC 4180 records (quoted fields may hold the delimiter, `""` and line
 *   breaks); the first line is the header unless HeaderList is given; "all columns other than
 *   the hash range and keys of your base table and secondary indexes are imported as DynamoDB
 *   strings".
 */
import { randomBytes } from "node:crypto";
import { Decimal, IonTypes, loadAll, makeTextWriter, type dom, type IonType, type Writer } from "ion-js";
import { MAX_NESTING_DEPTH, VALUE_MESSAGES, type AttributeValue, type Item } from "./domain/index.js";
import { parseItem, serializeItem } from "./items.js";

/** The members of one export line, each an item (Item; or Keys, NewImage, OldImage, Metadata). */
type LineRecord = Readonly<Record<string, Item>>;

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
 * The members of one line of an incremental export. NEW_AND_OLD_IMAGES carries the image before
 * the window (absent for an insert) and after it (absent for a delete); NEW_IMAGE only the latter.
 */
function incrementalRecord(change: ItemChange, view: ExportViewType): LineRecord {
  const record: Record<string, Item> = {
    Metadata: { WriteTimestampMicros: { N: String(change.writtenAt * 1000) } },
    Keys: change.keys,
  };
  if (change.newImage !== undefined) record["NewImage"] = change.newImage;
  if (view === "NEW_AND_OLD_IMAGES" && change.oldImage !== undefined) record["OldImage"] = change.oldImage;
  return record;
}

/** One line of an incremental export in DynamoDB JSON. */
export function incrementalLine(change: ItemChange, view: ExportViewType): string {
  return serializeItem(incrementalRecord(change, view) as unknown as Item);
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

/**
 * The JSON values of one DynamoDB JSON line, each its own text: DynamoDB reads objects written
 * back to back without a line break between them as separate items (moto's AWS-verified
 * test_import_table_single_file_with_multiple_items: five `{"Item":...}` run together on one line
 * import as five items). A line that is not such a run of objects is one value, for its parse
 * error to tell (or, blank, to be passed over).
 */
export function jsonLineValues(line: string): string[] {
  const values: string[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      if (depth === 0) return [line];
      inString = true;
    } else if (c === "{" || c === "[") {
      if (depth === 0) start = i;
      depth++;
    } else if (c === "}" || c === "]") {
      depth--;
      if (depth < 0) return [line];
      if (depth === 0) values.push(line.slice(start, i + 1));
    } else if (depth === 0 && c !== " " && c !== "\t") {
      return [line];
    }
  }
  return depth === 0 && values.length > 0 ? values : [line];
}

/** The items of one DynamoDB JSON line, each a function that reads it (throwing ImportLineError; undefined for a blank line). */
export function jsonLineItems(line: string): (() => Record<string, unknown> | undefined)[] {
  return jsonLineValues(line).map((text) => () => parseItemLine(text));
}

// ---------------------------------------------------------------------------------------------
// Amazon Ion

/** "Each line begins with an Ion version marker, followed by an item in Ion format." */
const ION_VERSION_MARKER = "$ion_1_0";

const SET_ANNOTATIONS = { SS: "$dynamodb_SS", NS: "$dynamodb_NS", BS: "$dynamodb_BS" } as const;

/**
 * A DynamoDB number as an Ion decimal, exactly (a bigint coefficient, never a float), with
 * trailing zeros moved into the exponent as AWS writes them: 600 is `6d2`, 103 is `103.`.
 */
export function ionDecimal(n: string): Decimal {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(n);
  if (m === null) throw new Error(`Not a DynamoDB number: ${n}`);
  const fraction = m[3] ?? "";
  const digits = `${m[2] ?? ""}${fraction}`.replace(/^0+/, "");
  if (digits === "") return new Decimal(0n, 0);
  const coefficient = digits.replace(/0+$/, "");
  const exponent = Number(m[4] ?? "0") - fraction.length + (digits.length - coefficient.length);
  return new Decimal(BigInt(coefficient), exponent, m[1] === "-");
}

function writeIonSet<T>(w: Writer, annotation: string, values: readonly T[], write: (value: T) => void): void {
  w.setAnnotations([annotation]);
  w.stepIn(IonTypes.LIST);
  for (const value of values) write(value);
  w.stepOut();
}

function writeIonStruct(w: Writer, item: Item): void {
  w.stepIn(IonTypes.STRUCT);
  for (const [name, value] of Object.entries(item)) {
    w.writeFieldName(name);
    writeIonValue(w, value);
  }
  w.stepOut();
}

function writeIonValue(w: Writer, v: AttributeValue): void {
  if (v.S !== undefined) w.writeString(v.S);
  else if (v.N !== undefined) w.writeDecimal(ionDecimal(v.N));
  else if (v.B !== undefined) w.writeBlob(v.B);
  else if (v.BOOL !== undefined) w.writeBoolean(v.BOOL);
  else if (v.NULL !== undefined) w.writeNull(IonTypes.NULL);
  else if (v.M !== undefined) writeIonStruct(w, v.M);
  else if (v.L !== undefined) {
    w.stepIn(IonTypes.LIST);
    for (const element of v.L) writeIonValue(w, element);
    w.stepOut();
  } else if (v.SS !== undefined) writeIonSet(w, SET_ANNOTATIONS.SS, v.SS, (s) => w.writeString(s));
  else if (v.NS !== undefined) writeIonSet(w, SET_ANNOTATIONS.NS, v.NS, (n) => w.writeDecimal(ionDecimal(n)));
  else if (v.BS !== undefined) writeIonSet(w, SET_ANNOTATIONS.BS, v.BS, (b) => w.writeBlob(b));
}

/** `$ion_1_0 {<member>:{...},...}`: one line of an Ion export, written by Amazon's Ion library. */
function ionLine(record: LineRecord): string {
  const w = makeTextWriter();
  w.stepIn(IonTypes.STRUCT);
  for (const [name, item] of Object.entries(record)) {
    w.writeFieldName(name);
    writeIonStruct(w, item);
  }
  w.stepOut();
  w.close();
  return `${ION_VERSION_MARKER} ${Buffer.from(w.getBytes()).toString("utf8")}`;
}

export function ionItemLine(item: Item): string {
  return ionLine({ Item: item });
}

/** One line of an incremental export in Ion: Metadata, Keys and the images, mapped as items are. */
export function ionIncrementalLine(change: ItemChange, view: ExportViewType): string {
  return ionLine(incrementalRecord(change, view));
}

/** How an export writes its data files, by ExportFormat. */
export interface ExportLineFormat {
  /** The data files are `data/<id>.<extension>.gz`. */
  readonly extension: string;
  item(item: Item): string;
  change(change: ItemChange, view: ExportViewType): string;
}

export const EXPORT_LINE_FORMATS: Readonly<Record<"DYNAMODB_JSON" | "ION", ExportLineFormat>> = {
  DYNAMODB_JSON: { extension: "json", item: itemLine, change: incrementalLine },
  ION: { extension: "ion", item: ionItemLine, change: ionIncrementalLine },
};

/** An Ion decimal as DynamoDB number text ("-12345E-42"); item validation normalizes it and checks its range and digits. */
function numberText(d: Decimal): string {
  return `${d.getCoefficient()}E${d.getExponent()}`;
}

function ionType(v: dom.Value): string {
  return v.isNull() ? `null.${v.getType().name}` : v.getType().name;
}

/** The elements of a set list, each of the one Ion type its annotation allows. */
function ionSetElements<T>(list: dom.Value, annotation: string, type: IonType, read: (v: dom.Value) => T): T[] {
  return list.elements().map((e) => {
    const allowed = e.getType() === type || (type === IonTypes.DECIMAL && e.getType() === IonTypes.INT);
    if (!allowed || e.isNull()) throw new ImportLineError(`A ${annotation} list may hold only ${type.name} values, not ${ionType(e)}`);
    return read(e);
  });
}

function ionAttribute(v: dom.Value, depth: number): Record<string, unknown> {
  if (depth > MAX_NESTING_DEPTH) throw new ImportLineError(VALUE_MESSAGES.nesting);
  const type = v.getType();
  if (v.isNull()) {
    if (type === IonTypes.NULL) return { NULL: true };
    throw new ImportLineError(`Unsupported Ion value ${ionType(v)}: DynamoDB's NULL is the untyped null`);
  }
  const number = (e: dom.Value) => (e.getType() === IonTypes.INT ? String(e.bigIntValue()) : numberText(e.decimalValue() as Decimal));
  switch (type) {
    case IonTypes.STRING:
      return { S: v.stringValue() };
    case IonTypes.DECIMAL:
    // An Ion int is a whole number, exactly: taken as a Number too.
    case IonTypes.INT:
      return { N: number(v) };
    case IonTypes.BLOB:
      return { B: Buffer.from(v.uInt8ArrayValue() ?? new Uint8Array()) };
    case IonTypes.BOOL:
      return { BOOL: v.booleanValue() };
    case IonTypes.STRUCT:
      return { M: ionStruct(v, depth + 1) };
    case IonTypes.LIST: {
      const annotations = v.getAnnotations();
      if (annotations.includes(SET_ANNOTATIONS.SS)) return { SS: ionSetElements(v, SET_ANNOTATIONS.SS, IonTypes.STRING, (e) => e.stringValue()) };
      if (annotations.includes(SET_ANNOTATIONS.NS)) return { NS: ionSetElements(v, SET_ANNOTATIONS.NS, IonTypes.DECIMAL, number) };
      if (annotations.includes(SET_ANNOTATIONS.BS)) return { BS: ionSetElements(v, SET_ANNOTATIONS.BS, IonTypes.BLOB, (e) => Buffer.from(e.uInt8ArrayValue() ?? new Uint8Array())) };
      return { L: v.elements().map((e) => ionAttribute(e, depth + 1)) };
    }
    default:
      throw new ImportLineError(`Unsupported Ion type ${type.name}: DynamoDB items hold string, decimal, blob, bool, null, struct and list values`);
  }
}

function ionStruct(v: dom.Value, depth: number): Record<string, unknown> {
  // fromEntries makes own properties, even of a field named __proto__.
  return Object.fromEntries(v.fields().map(([name, field]) => [name, ionAttribute(field, depth)]));
}

/** The item of one top-level Ion value, `{Item:{...}}`; not yet validated. */
function ionItem(v: dom.Value): Record<string, unknown> {
  const item = v.getType() === IonTypes.STRUCT && !v.isNull() ? v.get("Item") : null;
  if (item === null || item.getType() !== IonTypes.STRUCT || item.isNull()) {
    const found = item === null ? (v.getType() === IonTypes.STRUCT ? "a struct without an Item member" : ionType(v)) : `an Item member of type ${ionType(item)}`;
    throw new ImportLineError(`The value is not a DynamoDB Ion item: expected a struct with an Item member that is a struct, found ${found}`);
  }
  return ionStruct(item, 1);
}

/**
 * The items of one line of an Ion file, read by Amazon's Ion library: one per top-level value
 * (the version marker is not a value; a top-level list, as in the import guide's example,
 * holds several). Each comes as a function that maps it, throwing ImportLineError when it is not
 * an item; a line Ion cannot read is one such bad item.
 */
export function ionLineItems(line: string): (() => Record<string, unknown>)[] {
  let values: dom.Value[];
  try {
    values = loadAll(line);
  } catch (err) {
    // ion-js throws plain Errors (and a RangeError on absurd nesting).
    const reason = err instanceof Error ? err.message : String(err);
    return [
      () => {
        throw new ImportLineError(`Invalid Ion text: ${reason}`);
      },
    ];
  }
  return values
    .flatMap((v) => (v.getType() === IonTypes.LIST && !v.isNull() && v.getAnnotations().length === 0 ? v.elements() : [v]))
    .map((v) => () => ionItem(v));
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
