import { setOwn } from "../../../core/own.js";
import { AwsError } from "../../../core/errors.js";
import { validationException } from "./errors.js";
import { compareNumbers, normalizeNumber, NUMBER_MESSAGES, numberProblem, numberSize, parameterNumberProblem, wrapsInOlderLayer } from "./numbers.js";

/**
 * The JSON wire form of a DynamoDB value, as the protocol layer hands it over (blobs already
 * decoded to bytes). Exactly one member is set once a value has passed validation.
 */
export interface AttributeValue {
  S?: string;
  N?: string;
  B?: Uint8Array;
  SS?: string[];
  NS?: string[];
  BS?: Uint8Array[];
  M?: Record<string, AttributeValue>;
  L?: AttributeValue[];
  NULL?: boolean;
  BOOL?: boolean;
}

export type Item = Record<string, AttributeValue>;

export type AttributeType = "S" | "N" | "B" | "SS" | "NS" | "BS" | "M" | "L" | "NULL" | "BOOL";

export const ATTRIBUTE_TYPES: readonly AttributeType[] = ["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"];

/** 400 KB, counted in binary units (AWS: 1 KB = 1024 bytes). */
export const MAX_ITEM_SIZE = 400 * 1024;
/** Documents nest at most 32 levels (a top-level scalar is level 1). */
export const MAX_NESTING_DEPTH = 32;
export const MAX_PARTITION_KEY_BYTES = 2048;
export const MAX_SORT_KEY_BYTES = 1024;

export const VALUE_MESSAGES = {
  empty: "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
  multiple: "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
  nullNotTrue: "One or more parameter values were invalid: Null attribute value types must have the value of true",
  // AWS really sends "An string set" with two spaces before "may".
  emptyStringSet: "One or more parameter values were invalid: An string set  may not be empty",
  emptyNumberSet: "One or more parameter values were invalid: An number set  may not be empty",
  emptyBinarySet: "One or more parameter values were invalid: Binary sets should not be empty",
  numberSetDuplicates: "Input collection contains duplicates",
  nesting: "Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit",
  // An update that leaves the item too deep is refused in the bare words: captured from DynamoDB
  // (eu-west-2) for a PartiQL UPDATE, alone, in a transaction and in a batch, in floci-io/floci
  // DynamoDbPartiQLEdgeCaseIntegrationTest (refusesAWriteThatLeavesTheItemTooDeep).
  updatedNesting: "Nesting Levels have exceeded supported limits",
  // A Put action of TransactWriteItems whose Item has an attribute named "": paritysuite/dynamodb-conformance
  // tests/tier3/validation-ordering/deepRequests.test.ts (eu-west-2, us-east-1 and eight more Regions, 2026-10-09).
  emptyName: "Empty attribute name",
  itemTooLarge: "Item size has exceeded the maximum allowed size",
  updatedItemTooLarge: "Item size to update has exceeded the maximum allowed size",
} as const;

/** The type tag of a validated value. */
export function typeOf(v: AttributeValue): AttributeType {
  if (v.S !== undefined) return "S";
  if (v.N !== undefined) return "N";
  if (v.M !== undefined) return "M";
  if (v.L !== undefined) return "L";
  if (v.BOOL !== undefined) return "BOOL";
  if (v.NULL !== undefined) return "NULL";
  if (v.SS !== undefined) return "SS";
  if (v.NS !== undefined) return "NS";
  if (v.B !== undefined) return "B";
  return "BS";
}

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * A refused value; callers turn it into the ValidationException wording of their context.
 * `enveloped`: how PutItem words it for its Item since DynamoDB's 2026-06 validation-framework
 * rollout, where that differs (see validateItem). `layered`: a malformed number or a duplicate set
 * member, whose newer wording is on record wherever the value sits (see ValueWording).
 */
export class AttributeValueProblem extends Error {
  override readonly name = "AttributeValueProblem";
  constructor(message: string, readonly enveloped?: string, readonly layered = false) {
    super(message);
  }
}

function problem(message: string, enveloped?: string, layered = false): never {
  throw new AttributeValueProblem(message, enveloped, layered);
}

/**
 * How an operation words a refused value, by the validation layer it runs since DynamoDB's 2026-06
 * validation-framework rollout. "older": BatchWriteItem, the transactions, Scan and PartiQL, bare,
 * expression values in the "ExpressionAttributeValues contains invalid value: " wrapper. "item":
 * PutItem's Item, every problem the newer layer words differently, enveloped (see validateItem).
 * "enveloped": the other values of PutItem, UpdateItem and DeleteItem (condition and update values,
 * Expected, AttributeUpdates, Key), and "bare": those of GetItem, BatchGetItem and Query (Key,
 * expression values, ExclusiveStartKey, QueryFilter), a malformed number or a duplicate set member
 * in the newer wording, inside the envelope or bare, with no wrapper: paritysuite/dynamodb-conformance
 * tests/tier3/error-messages/valueLayers.test.ts "Number values" and "Duplicate set members"
 * (eu-west-2, us-east-1, eu-west-1, us-west-2, 2026-10-09). What the newer layer answers there to an
 * empty set or { NULL: false } is not on record, so they keep the older words.
 */
export type ValueWording = "older" | "item" | "enveloped" | "bare";

const ENVELOPE = "1 validation error detected: ";

function serialization(member: string, expected: string): never {
  throw new AwsError("SerializationException", `Unexpected value for AttributeValue member ${member}: expected ${expected}`, 400);
}

function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** A set's members as the newer wording lists a duplicate: those before the first repeat (at `repeat`) in byte order, then the rest as sent. */
function orderedToRepeat<T>(members: readonly T[], repeat: number, compare: (a: T, b: T) => number): T[] {
  return [...members.slice(0, repeat).sort(compare), ...members.slice(repeat)];
}

function normalizeStringSet(list: unknown): string[] {
  if (!Array.isArray(list)) serialization("SS", "a list of strings");
  if (list.length === 0) problem(VALUE_MESSAGES.emptyStringSet, ENVELOPE + VALUE_MESSAGES.emptyStringSet);
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const s: unknown = list[i];
    if (typeof s !== "string") serialization("SS", "a list of strings");
    if (seen.has(s)) {
      // The newer wording quotes each member, the distinct ones before the repeat in byte order:
      // ["b", "a", "b"] is reported as 'Input collection ["a", "b", "b"] contains duplicates.'
      const members = list as string[];
      const reported = orderedToRepeat(members, i, (x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      problem(
        `One or more parameter values were invalid: Input collection [${members.join(", ")}] contains duplicates.`,
        `${ENVELOPE}One or more parameter values were invalid: Input collection [${reported.map((m) => JSON.stringify(m)).join(", ")}] contains duplicates.`,
        true,
      );
    }
    seen.add(s);
  }
  return list as string[];
}

/**
 * A malformed number, refused in the newer wording too, where an empty string keeps the colon and
 * a space: "1 validation error detected: The parameter cannot be converted to a numeric value: ".
 */
function badNumber(message: string, text: string): never {
  const older = message === NUMBER_MESSAGES.overflow && wrapsInOlderLayer(text) ? NUMBER_MESSAGES.underflow : message;
  problem(older, ENVELOPE + (message === NUMBER_MESSAGES.notNumeric ? `${message}: ${text}` : message), true);
}

type NumberCheck = (text: string) => string | undefined;

function normalizeNumberSet(list: unknown, numberCheck: NumberCheck): string[] {
  if (!Array.isArray(list)) serialization("NS", "a list of strings");
  if (list.length === 0) problem(VALUE_MESSAGES.emptyNumberSet, ENVELOPE + VALUE_MESSAGES.emptyNumberSet);
  const out: string[] = new Array(list.length);
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const s: unknown = list[i];
    if (typeof s !== "string") serialization("NS", "a list of strings");
    const bad = numberCheck(s);
    if (bad) badNumber(bad, s);
    const n = normalizeNumber(s);
    // "1" and "1.0" are the same number, so they are duplicates too.
    if (seen.has(n)) problem(VALUE_MESSAGES.numberSetDuplicates, `${ENVELOPE}One or more parameter values were invalid: ${VALUE_MESSAGES.numberSetDuplicates}.`, true);
    seen.add(n);
    out[i] = n;
  }
  return out;
}

function normalizeBinarySet(list: unknown): Uint8Array[] {
  if (!Array.isArray(list)) serialization("BS", "a list of blobs");
  if (list.length === 0) problem(VALUE_MESSAGES.emptyBinarySet, ENVELOPE + VALUE_MESSAGES.emptyBinarySet);
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const b: unknown = list[i];
    if (!isBytes(b)) serialization("BS", "a list of blobs");
    const key = base64(b);
    if (seen.has(key)) {
      // The missing space before "of type BS" is AWS's. The newer wording quotes the members with
      // no space between them ('["",""]of type BS') and lists the distinct ones before the repeat
      // in byte order.
      const members = list as Uint8Array[];
      const reported = orderedToRepeat(members, i, Buffer.compare);
      problem(
        `One or more parameter values were invalid: Input collection [${members.map(base64).join(", ")}]of type BS contains duplicates.`,
        `${ENVELOPE}One or more parameter values were invalid: Input collection [${reported.map((m) => JSON.stringify(base64(m))).join(",")}]of type BS contains duplicates.`,
        true,
      );
    }
    seen.add(key);
  }
  return list as Uint8Array[];
}

function normalizeValue(raw: unknown, depth: number, numberCheck: NumberCheck = numberProblem, maxDepth = MAX_NESTING_DEPTH): AttributeValue {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new AwsError("SerializationException", "Start of structure or map expected for AttributeValue", 400);
  }
  if (depth > maxDepth) problem(VALUE_MESSAGES.nesting);
  const v = raw as Record<string, unknown>;
  let out: AttributeValue | undefined;
  let count = 0;
  // Members are checked in the order they were sent, the "more than one" complaint comes last.
  for (const key in v) {
    const member = v[key];
    if (member === undefined || member === null) continue;
    switch (key) {
      case "S":
        if (typeof member !== "string") serialization("S", "a string");
        out = { S: member };
        break;
      case "N": {
        if (typeof member !== "string") serialization("N", "a string");
        const bad = numberCheck(member);
        if (bad) badNumber(bad, member);
        out = { N: normalizeNumber(member) };
        break;
      }
      case "B":
        if (!isBytes(member)) serialization("B", "a blob");
        out = { B: member };
        break;
      case "BOOL":
        if (typeof member !== "boolean") serialization("BOOL", "a boolean");
        out = { BOOL: member };
        break;
      case "NULL":
        if (typeof member !== "boolean") serialization("NULL", "a boolean");
        if (!member) problem(VALUE_MESSAGES.nullNotTrue, ENVELOPE + VALUE_MESSAGES.nullNotTrue);
        out = { NULL: true };
        break;
      case "SS":
        out = { SS: normalizeStringSet(member) };
        break;
      case "NS":
        out = { NS: normalizeNumberSet(member, numberCheck) };
        break;
      case "BS":
        out = { BS: normalizeBinarySet(member) };
        break;
      case "M": {
        if (typeof member !== "object" || Array.isArray(member)) serialization("M", "a map");
        const m: Record<string, AttributeValue> = {};
        const src = member as Record<string, unknown>;
        for (const name in src) setOwn(m, name, normalizeValue(src[name], depth + 1, numberCheck, maxDepth));
        out = { M: m };
        break;
      }
      case "L": {
        if (!Array.isArray(member)) serialization("L", "a list");
        const l: AttributeValue[] = new Array(member.length);
        for (let i = 0; i < member.length; i++) l[i] = normalizeValue(member[i], depth + 1, numberCheck, maxDepth);
        out = { L: l };
        break;
      }
      default:
        continue;
    }
    count++;
  }
  if (count === 0 || out === undefined) problem(VALUE_MESSAGES.empty);
  if (count > 1) problem(VALUE_MESSAGES.multiple);
  return out;
}

/**
 * Validates one value and returns it in canonical form (numbers normalized). Throws
 * `AttributeValueProblem` with AWS's message; use `validateAttributeValue` for a ready AwsError.
 */
export function normalizeAttributeValue(raw: unknown): AttributeValue {
  return normalizeValue(raw, 1);
}

/** The problem's message in `wording`: the older one, passed through `wrap` where given, unless the newer one applies. */
export function wordedProblem(err: AttributeValueProblem, wording: ValueWording, wrap?: (message: string) => string): string {
  const newer = wording === "item" || (wording !== "older" && err.layered) ? err.enveloped : undefined;
  if (newer === undefined) return wrap ? wrap(err.message) : err.message;
  return wording === "bare" ? newer.slice(ENVELOPE.length) : newer;
}

function asValidation(err: unknown, wrap?: (message: string) => string, wording: ValueWording = "older"): never {
  if (err instanceof AttributeValueProblem) throw validationException(wordedProblem(err, wording, wrap));
  throw err;
}

/** Validates one value; throws ValidationException with AWS's message. */
export function validateAttributeValue(raw: unknown): AttributeValue {
  try {
    return normalizeValue(raw, 1);
  } catch (err) {
    asValidation(err);
  }
}

/** Validates one PartiQL parameter, whose numbers are read as BigDecimal reads them (see parameterNumberProblem). */
export function validateParameterValue(raw: unknown): AttributeValue {
  try {
    return normalizeValue(raw, 1, parameterNumberProblem);
  } catch (err) {
    asValidation(err);
  }
}

/**
 * Validates every attribute of an item (PutItem `Item`, `Key`...) and returns it normalized.
 * `wording` "item": PutItem's Item, whose empty string or number set and duplicate string-set members
 * are refused in the newer wording since DynamoDB's 2026-06 validation-framework rollout:
 * "1 validation error detected: One or more parameter values were invalid: An string set  may not
 * be empty", and 'Input collection ["a", "a"] contains duplicates.' (paritysuite/dynamodb-conformance
 * captures/cross-region-latest.json b_put_empty_ss, b_put_empty_ns, b_put_dup_ss and esm_put_ss_dup_empty:
 * eu-west-2, us-east-1); so are an empty binary set and duplicate binary-set members, '["",""]of type
 * BS' (esm_put_bs_empty_set, esm_put_bs_dup_empty; the byte order of the members before the repeat,
 * and a number set's "Input collection contains duplicates." with the prefix, are tier 3
 * error-messages/valueLayers.test.ts "Duplicate set members", four Regions); and so is
 * { NULL: false } (the capture's nullRoundTrip, eu-west-2 and us-east-1), and every malformed number,
 * an empty one as "The parameter cannot be converted to a numeric value: " (esm_put_ns_empty; tier 3
 * error-messages/valueLayers.test.ts "Number values", PutItem, four Regions). Other positions: see ValueWording.
 */
export function validateItem(raw: Record<string, unknown>, wording: ValueWording = "older"): Item {
  const out: Item = {};
  try {
    for (const name in raw) {
      checkAttributeNameSize(name);
      setOwn(out, name, normalizeValue(raw[name], 1));
    }
  } catch (err) {
    asValidation(err, undefined, wording);
  }
  return out;
}

/**
 * Attribute names hold at most 65535 bytes; AWS's message names the first size refused. Measured
 * on PutItem (ExtendDB/extenddb#365, "Measured against the service"); ScyllaDB Alternator's
 * test_limit_attribute_length_nonkey_bad (test/alternator/test_limits.py, passes on DynamoDB)
 * matches "6553[56]".
 */
function checkAttributeNameSize(name: string): void {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: shorter names cannot reach the limit.
  if (name.length * 3 >= 65536 && Buffer.byteLength(name, "utf8") >= 65536) {
    throw validationException("1 validation error detected: Attribute name is too large, must be less than 65536 bytes");
  }
}

/**
 * Validates `ExpressionAttributeValues`: AWS wraps a bad value's message as
 * "ExpressionAttributeValues contains invalid value: <message> for key :v". `depthChecked` false:
 * TransactWriteItems, which does not check how deep its values are nested (an Update that writes a
 * too deep one into the item is cancelled when it runs): paritysuite/dynamodb-conformance
 * tests/tier3/limits/nestingDepth.test.ts "Nesting depth — TransactWriteItems" (us-east-1 among the
 * Regions that still do not, 2026-10-08).
 */
export function validateExpressionAttributeValueMap(raw: Record<string, unknown>, wording: ValueWording = "older", depthChecked = true): Item {
  const out: Item = {};
  for (const key in raw) {
    try {
      setOwn(out, key, normalizeValue(raw[key], 1, numberProblem, depthChecked ? MAX_NESTING_DEPTH : Infinity));
    } catch (err) {
      asValidation(err, (m) => `ExpressionAttributeValues contains invalid value: ${m} for key ${key}`, wording);
    }
  }
  return out;
}

/** An empty string given for the key attribute `name`: in an item or Key, and as a Query's partition key value. */
export function emptyStringKey(name: string): AwsError {
  return validationException(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`);
}

/**
 * Rules that only key attributes obey: since 2020 empty strings and blobs are fine elsewhere,
 * but never in a key; partition keys hold at most 2048 bytes, sort keys 1024.
 */
export function checkKeyAttributeValue(name: string, v: AttributeValue, role: "partition" | "sort"): void {
  let bytes: number | undefined;
  if (v.S !== undefined) {
    if (v.S.length === 0) throw emptyStringKey(name);
    bytes = Buffer.byteLength(v.S, "utf8");
  } else if (v.B !== undefined) {
    if (v.B.byteLength === 0) {
      throw validationException(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty binary value. Key: ${name}`);
    }
    bytes = v.B.byteLength;
  }
  if (bytes === undefined) return;
  if (role === "partition" && bytes > MAX_PARTITION_KEY_BYTES) {
    // "limit of2048" (no space) is AWS's wording.
    throw validationException("One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes");
  }
  if (role === "sort" && bytes > MAX_SORT_KEY_BYTES) {
    throw validationException("One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  }
}

// ---------------------------------------------------------------------------------------------
// Ordering and equality

/**
 * Strings order by their UTF-8 bytes, which is code point order. UTF-16 code-unit order only
 * differs for surrogates against U+E000..U+FFFF; shifting those ranges fixes it up without
 * encoding either string.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Binary values order as unsigned bytes. */
export function compareBinary(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/**
 * The least value above every value that begins with `prefix` (strings by code point, as by their
 * UTF-8 bytes; binaries bytewise); undefined when there is none. The end of a begins_with range.
 */
export function successor(prefix: AttributeValue): AttributeValue | undefined {
  if (prefix.S !== undefined) {
    const points = [...prefix.S].map((ch) => ch.codePointAt(0) as number);
    while (points.length > 0) {
      const last = points.pop() as number;
      if (last < 0x10ffff) return { S: String.fromCodePoint(...points, last + 1 === 0xd800 ? 0xe000 : last + 1) };
    }
    return undefined;
  }
  if (prefix.B !== undefined) {
    const bytes = [...prefix.B];
    while (bytes.length > 0) {
      const last = bytes.pop() as number;
      if (last < 0xff) return { B: new Uint8Array([...bytes, last + 1]) };
    }
  }
  return undefined;
}

/**
 * Orders two scalars of the same type (S, N or B); undefined when they cannot be ordered
 * (different types, or a type without an order).
 */
export function compareScalars(a: AttributeValue, b: AttributeValue): number | undefined {
  if (a.S !== undefined) return b.S !== undefined ? compareStrings(a.S, b.S) : undefined;
  if (a.N !== undefined) return b.N !== undefined ? compareNumbers(a.N, b.N) : undefined;
  if (a.B !== undefined) return b.B !== undefined ? compareBinary(a.B, b.B) : undefined;
  return undefined;
}

function canonicalNumber(n: string): string {
  return normalizeNumber(n);
}

function sameMembers<T>(a: T[], b: T[], key: (x: T) => string): boolean {
  if (a.length !== b.length) return false;
  const keys = new Set<string>();
  for (const x of b) keys.add(key(x));
  for (const x of a) if (!keys.has(key(x))) return false;
  return true;
}

/** DynamoDB equality: same type and same value; sets compare as unordered collections. */
export function attributeValuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const t = typeOf(a);
  if (t !== typeOf(b)) return false;
  switch (t) {
    case "S":
      return a.S === b.S;
    case "N":
      return compareNumbers(a.N as string, b.N as string) === 0;
    case "B":
      return Buffer.compare(a.B as Uint8Array, b.B as Uint8Array) === 0;
    case "BOOL":
      return a.BOOL === b.BOOL;
    case "NULL":
      return true;
    case "SS":
      return sameMembers(a.SS as string[], b.SS as string[], (s) => s);
    case "NS":
      return sameMembers(a.NS as string[], b.NS as string[], canonicalNumber);
    case "BS":
      return sameMembers(a.BS as Uint8Array[], b.BS as Uint8Array[], base64);
    case "L": {
      const x = a.L as AttributeValue[];
      const y = b.L as AttributeValue[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) if (!attributeValuesEqual(x[i] as AttributeValue, y[i] as AttributeValue)) return false;
      return true;
    }
    case "M": {
      const x = a.M as Record<string, AttributeValue>;
      const y = b.M as Record<string, AttributeValue>;
      const kx = Object.keys(x);
      if (kx.length !== Object.keys(y).length) return false;
      for (const k of kx) {
        const yv = y[k];
        if (yv === undefined || !attributeValuesEqual(x[k] as AttributeValue, yv)) return false;
      }
      return true;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sizes

function utf8Length(s: string): number {
  // V8 counts a one-byte string natively in constant time; a JS loop over the characters looking
  // for non-ASCII ones cost 2.7 µs for a 1 KB value (a tenth of a whole PutItem).
  return Buffer.byteLength(s, "utf8");
}

/**
 * Size of a value per AWS's "Item sizes and formats": strings by UTF-8 bytes, binaries by raw
 * bytes, numbers by their digits, 1 byte for BOOL/NULL, sets by the sum of their members, and
 * lists/maps 3 bytes plus 1 byte per element on top of their contents (map keys count too).
 */
export function attributeValueSize(v: AttributeValue): number {
  if (v.S !== undefined) return utf8Length(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) {
    let size = 0;
    for (const s of v.SS) size += utf8Length(s);
    return size;
  }
  if (v.NS !== undefined) {
    let size = 0;
    for (const s of v.NS) size += numberSize(s);
    return size;
  }
  if (v.BS !== undefined) {
    let size = 0;
    for (const b of v.BS) size += b.byteLength;
    return size;
  }
  if (v.L !== undefined) {
    let size = 3;
    for (const e of v.L) size += 1 + attributeValueSize(e);
    return size;
  }
  if (v.M !== undefined) {
    let size = 3;
    for (const k in v.M) size += 1 + utf8Length(k) + attributeValueSize(v.M[k] as AttributeValue);
    return size;
  }
  return 0;
}

/** Item size: attribute name bytes plus value sizes. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const name in item) size += utf8Length(name) + attributeValueSize(item[name] as AttributeValue);
  return size;
}

/**
 * Whether a value (as sent, not yet validated, or a validated one) nests deeper than the 32 levels
 * DynamoDB supports, `depth` being its own level.
 */
function nestsTooDeep(value: unknown, depth: number): boolean {
  if (depth > MAX_NESTING_DEPTH) return true;
  if (value === null || typeof value !== "object") return false;
  const { M, L } = value as { M?: unknown; L?: unknown };
  if (M !== null && typeof M === "object" && !Array.isArray(M) && Object.values(M).some((x) => nestsTooDeep(x, depth + 1))) return true;
  return Array.isArray(L) && L.some((x) => nestsTooDeep(x, depth + 1));
}

/** Refuses values as sent that nest past the limit, before anything else about them is checked. */
export function assertSentValuesDepth(values: readonly unknown[]): void {
  if (values.some((v) => nestsTooDeep(v, 1))) throw validationException(VALUE_MESSAGES.nesting);
}

/**
 * Refuses an item an update left nested deeper than the 32 levels DynamoDB supports (the guide's
 * limits on attributes), counting a top-level attribute's value as level 1, as an item's values
 * are counted when they are sent.
 */
export function assertUpdatedItemDepth(item: Item): void {
  for (const name in item) {
    if (nestsTooDeep(item[name], 1)) throw validationException(VALUE_MESSAGES.updatedNesting);
  }
}

/** Refuses an item over 400 KB with the wording of the operation (PutItem vs UpdateItem); returns its size (callers charge capacity by it). */
export function assertItemSize(item: Item, operation: "put" | "update" = "put"): number {
  const size = itemSize(item);
  if (size > MAX_ITEM_SIZE) {
    throw validationException(operation === "put" ? VALUE_MESSAGES.itemTooLarge : VALUE_MESSAGES.updatedItemTooLarge);
  }
  return size;
}

// ---------------------------------------------------------------------------------------------
// Formatting for messages

/** "{N:1}", "{S:abc}" as DynamoDB prints operands inside some expression errors. */
export function briefValue(v: AttributeValue): string {
  const t = typeOf(v);
  switch (t) {
    case "B":
      return `{B:${base64(v.B as Uint8Array)}}`;
    case "SS":
    case "NS":
      return `{${t}:[${(v[t] as string[]).join(", ")}]}`;
    case "BS":
      return `{BS:[${(v.BS as Uint8Array[]).map(base64).join(", ")}]}`;
    case "L":
    case "M":
      return `{${t}:${JSON.stringify(v[t])}}`;
    default:
      return `{${t}:${String(v[t])}}`;
  }
}
