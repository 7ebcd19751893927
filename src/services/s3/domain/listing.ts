/**
 * The page logic of ListObjects, ListObjectsV2, ListObjectVersions and ListMultipartUploads,
 * over a range scan the store provides, and of the part lists (ListParts, GetObjectAttributes).
 *
 * Order: "List results are always returned in UTF-8 binary order", which is Unicode code point
 * order, not JS string (UTF-16 code unit) order: "\uFF61" (UTF-8 EF BD A1) sorts before
 * "\u{1F600}" (F0 9F 98 80) although its UTF-16 unit is larger than the surrogate D83D.
 * `compareUtf8` gives that order; SQLite's BINARY collation on TEXT gives it too (memcmp of
 * UTF-8), so a store can push the range into SQL.
 *
 * Cost: a page costs O(page), not O(bucket). When a key rolls up into a common prefix, the
 * scan restarts at `prefixUpperBound(commonPrefix)`, the first string after every key under
 * that prefix, so the keys inside a common prefix are never walked. Each common prefix counts
 * once toward MaxKeys and is only returned when it sorts after the marker ("CommonPrefixes is
 * filtered out from results if it is not lexicographically greater than the key-marker").
 */
import type { AwsError } from "../../../core/errors.js";
import { isInt32 } from "../../../core/int32.js";
import { crc32c } from "./checksums.js";
import { invalidArgument } from "./errors.js";
import { isVersionIdShaped } from "./version-ids.js";

// ---------------------------------------------------------------------------------------------
// Ordering

function utf8Rank(unit: number): number {
  // Surrogates (D800-DFFF) encode code points above FFFF, so they sort after E000-FFFF.
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Compares two keys in UTF-8 byte order (negative, zero, positive). */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return utf8Rank(x) - utf8Rank(y);
  }
  return a.length - b.length;
}

/**
 * The smallest string greater (in UTF-8 order) than every string starting with `prefix`, or
 * undefined when there is none (the prefix is empty or made only of U+10FFFF).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix, (c) => c.codePointAt(0) as number);
  while (points.length > 0) {
    const last = points.pop() as number;
    let next = last + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) return String.fromCodePoint(...points, next);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// The scan a store provides

export interface ScanFrom {
  readonly key: string;
  readonly inclusive: boolean;
}

/**
 * Yields entries whose key starts with `prefix` and is after `from` (>= when inclusive, >
 * otherwise; no bound when undefined), in UTF-8 order of key; entries sharing a key (versions,
 * uploads) in their listing order. `from` is never before `prefix`. The page logic stops early
 * and restarts at new positions, so a lazy iterator (a SQLite statement) is what makes pages
 * cheap; `return()` is called on abandoned iterators.
 */
export type KeyScan<T extends { readonly key: string }> = (from: ScanFrom | undefined, prefix: string) => Iterable<T>;

/** A KeyScan over an in-memory array already sorted by `compareUtf8` on key. */
export function createArrayScan<T extends { readonly key: string }>(sorted: readonly T[]): KeyScan<T> {
  return function* scan(from, prefix) {
    let lo = 0;
    let hi = sorted.length;
    const start = from?.key ?? prefix;
    const inclusive = from ? from.inclusive : true;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareUtf8((sorted[mid] as T).key, start);
      if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < sorted.length; i++) {
      const entry = sorted[i] as T;
      if (!entry.key.startsWith(prefix)) return;
      yield entry;
    }
  };
}

/** Sorts entries by key in UTF-8 order, keeping the order of entries that share a key. */
export function sortByKeyUtf8<T extends { readonly key: string }>(entries: readonly T[]): T[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => compareUtf8(a.entry.key, b.entry.key) || a.index - b.index)
    .map((x) => x.entry);
}

// ---------------------------------------------------------------------------------------------
// The page engine

export type PageItem<T> = { readonly kind: "entry"; readonly entry: T } | { readonly kind: "prefix"; readonly prefix: string };

interface PageRequest<T extends { readonly key: string }> {
  readonly scan: KeyScan<T>;
  readonly prefix: string;
  readonly delimiter: string | undefined;
  /** Items per page, 0..1000. */
  readonly limit: number;
  /** Listing resumes after this key; common prefixes not after it are dropped. */
  readonly after: string | undefined;
  /** Start at `after` inclusively, skipping the entries of that key this predicate names. */
  readonly skipAtAfter?: (entry: T) => boolean;
}

interface Page<T> {
  readonly items: PageItem<T>[];
  readonly isTruncated: boolean;
}

/** A page's entries and common prefixes as a response lists them (encoded), and its last item. */
function splitPage<T extends { readonly key: string }>(page: Page<T>, encode: (s: string) => string): { entries: ListedEntry<T>[]; commonPrefixes: string[]; last: PageItem<T> | undefined } {
  const entries: ListedEntry<T>[] = [];
  const commonPrefixes: string[] = [];
  for (const item of page.items) {
    if (item.kind === "entry") entries.push({ entry: item.entry, key: encode(item.entry.key) });
    else commonPrefixes.push(encode(item.prefix));
  }
  return { entries, commonPrefixes, last: page.items[page.items.length - 1] };
}

function maxOf(a: ScanFrom, b: ScanFrom): ScanFrom {
  const c = compareUtf8(a.key, b.key);
  if (c !== 0) return c > 0 ? a : b;
  return a.inclusive ? b : a;
}

function listPage<T extends { readonly key: string }>(req: PageRequest<T>): Page<T> {
  const items: PageItem<T>[] = [];
  if (req.limit <= 0) return { items, isTruncated: false };
  const delimiter = req.delimiter ? req.delimiter : undefined;
  const prefixStart: ScanFrom = { key: req.prefix, inclusive: true };
  let from: ScanFrom | undefined =
    req.after === undefined ? prefixStart : maxOf(prefixStart, { key: req.after, inclusive: req.skipAtAfter !== undefined });
  if (from.key === "" && from.inclusive) from = undefined;

  for (;;) {
    let restartAt: ScanFrom | undefined;
    let exhausted = true;
    for (const entry of req.scan(from, req.prefix)) {
      const key = entry.key;
      if (req.after !== undefined) {
        const c = compareUtf8(key, req.after);
        if (c < 0) continue;
        if (c === 0 && (!req.skipAtAfter || req.skipAtAfter(entry))) continue;
      }
      if (delimiter !== undefined) {
        const at = key.indexOf(delimiter, req.prefix.length);
        if (at !== -1) {
          const commonPrefix = key.slice(0, at + delimiter.length);
          if (req.after === undefined || compareUtf8(commonPrefix, req.after) > 0) {
            if (items.length >= req.limit) return { items, isTruncated: true };
            items.push({ kind: "prefix", prefix: commonPrefix });
          }
          const bound = prefixUpperBound(commonPrefix);
          if (bound === undefined) return { items, isTruncated: false };
          restartAt = { key: bound, inclusive: true };
          exhausted = false;
          break;
        }
      }
      if (items.length >= req.limit) return { items, isTruncated: true };
      items.push({ kind: "entry", entry });
    }
    if (exhausted || restartAt === undefined) return { items, isTruncated: false };
    from = restartAt;
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters and encoding

export const DEFAULT_MAX_KEYS = 1000;
export const MAX_PAGE_SIZE = 1000;

export type EncodingType = "url";

/** Only `url` is a valid encoding-type. */
export function validateEncodingType(value: string | undefined): EncodingType | undefined {
  if (value === undefined) return undefined;
  if (value !== "url") throw invalidArgument("Invalid Encoding Method specified in Request", "encoding-type", value);
  return "url";
}

/**
 * S3's answer to a paging parameter that is no int32 (not a number, or past either end of the
 * int32 range), named by its query parameter and quoting the value as sent. A negative int32 gets
 * the operation's own range message instead. AWS's answers as recorded against s3.amazonaws.com
 * (ListObjectVersions `max-keys=abc`) and as measured by brekkylab/backlot (tests/test_s3.py:
 * ListObjects `max-keys=abc`, ListMultipartUploads `max-uploads=abc`, `2147483648`, `-2147483649`).
 */
export function notAnIntegerError(parameter: string, value: unknown): AwsError {
  return invalidArgument(`Provided ${parameter} not an integer or within integer range`, parameter, String(value));
}

function pageSize(value: number | undefined, parameter: string, argumentName: string, message: string): { echo: number; limit: number } {
  if (value === undefined) return { echo: DEFAULT_MAX_KEYS, limit: DEFAULT_MAX_KEYS };
  if (!isInt32(value)) throw notAnIntegerError(parameter, value);
  if (value < 0) throw invalidArgument(message, argumentName, value);
  return { echo: value, limit: Math.min(value, MAX_PAGE_SIZE) };
}

const UNRESERVED = /[A-Za-z0-9\-_.~/]/;

/**
 * application/x-www-form-urlencoded, as S3 writes keys in a few answers (CompleteMultipartUpload's
 * Location, event records): a space is "+", every UTF-8 byte but letters, digits and "* - . _"
 * percent-encoded (upper-case hex), a "/" too.
 */
export function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice("v=".length);
}

/**
 * S3's `encoding-type=url`: every UTF-8 byte percent-encoded (upper-case hex) except letters,
 * digits, "-", "_", ".", "~" and "/"; a space is "%20", "+" is "%2B" (s3-tests pins
 * 'quux ab/' -> 'quux%20ab/' and 'foo+1/' -> 'foo%2B1/'; AWS's example: 'test_file(3).png'
 * -> 'test_file%283%29.png').
 */
export function s3UrlEncode(value: string): string {
  let out = "";
  for (const ch of value) {
    if (UNRESERVED.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, "utf8")) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function encoder(encodingType: EncodingType | undefined): (value: string) => string {
  return encodingType === "url" ? s3UrlEncode : (value) => value;
}

// ---------------------------------------------------------------------------------------------
// Continuation tokens

const TOKEN_VERSION = 1;

/**
 * An opaque ListObjectsV2 token ("ContinuationToken is obfuscated and is not a real key"):
 * base64 of a version byte, the key to resume after, and a CRC32C over both so that a token
 * edited or made up by a client is refused rather than misread.
 */
export function encodeContinuationToken(after: string): string {
  const body = Buffer.concat([Buffer.from([TOKEN_VERSION]), Buffer.from(after, "utf8")]);
  const check = Buffer.alloc(4);
  check.writeUInt32BE(crc32c(body), 0);
  return Buffer.concat([body, check]).toString("base64");
}

export function decodeContinuationToken(token: string): string {
  // An empty token is refused like a made-up one, without an ArgumentValue (as S3 answers it).
  const bad = (): AwsError => invalidArgument("The continuation token provided is incorrect", "continuation-token", token === "" ? undefined : token);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) throw bad();
  const raw = Buffer.from(token, "base64");
  if (raw.length < 5 || raw[0] !== TOKEN_VERSION) throw bad();
  const body = raw.subarray(0, raw.length - 4);
  const expected = crc32c(body);
  if (raw.readUInt32BE(raw.length - 4) !== expected) throw bad();
  return body.subarray(1).toString("utf8");
}

// ---------------------------------------------------------------------------------------------
// ListObjectsV2

export interface ListObjectsV2Params {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly maxKeys?: number;
  readonly startAfter?: string;
  readonly continuationToken?: string;
  readonly encodingType?: string;
}

export interface ListedEntry<T> {
  readonly entry: T;
  /** The key as the response shows it (url-encoded when asked). */
  readonly key: string;
}

export interface ListObjectsV2Page<T> {
  readonly contents: ListedEntry<T>[];
  readonly commonPrefixes: string[];
  readonly prefix: string;
  readonly delimiter?: string;
  readonly maxKeys: number;
  readonly keyCount: number;
  readonly isTruncated: boolean;
  readonly continuationToken?: string;
  readonly nextContinuationToken?: string;
  readonly startAfter?: string;
  readonly encodingType?: EncodingType;
}

const MAX_KEYS_MESSAGE = "Argument maxKeys must be an integer between 0 and 2147483647";

export function listObjectsV2<T extends { readonly key: string }>(scan: KeyScan<T>, params: ListObjectsV2Params): ListObjectsV2Page<T> {
  const encodingType = validateEncodingType(params.encodingType);
  const encode = encoder(encodingType);
  const { echo, limit } = pageSize(params.maxKeys, "max-keys", "maxKeys", MAX_KEYS_MESSAGE);
  const prefix = params.prefix ?? "";
  const delimiter = params.delimiter ? params.delimiter : undefined;
  // A token (even an empty one, which is refused) wins over StartAfter.
  const after = params.continuationToken !== undefined ? decodeContinuationToken(params.continuationToken) : params.startAfter || undefined;
  const page = listPage({ scan, prefix, delimiter, limit, after });
  const { entries: contents, commonPrefixes, last } = splitPage(page, encode);
  return {
    contents,
    commonPrefixes,
    prefix: encode(prefix),
    ...(delimiter !== undefined ? { delimiter: encode(delimiter) } : {}),
    maxKeys: echo,
    keyCount: page.items.length,
    isTruncated: page.isTruncated,
    ...(params.continuationToken !== undefined ? { continuationToken: params.continuationToken } : {}),
    ...(page.isTruncated && last ? { nextContinuationToken: encodeContinuationToken(itemKey(last)) } : {}),
    ...(params.startAfter !== undefined ? { startAfter: encode(params.startAfter) } : {}),
    ...(encodingType ? { encodingType } : {}),
  };
}

function itemKey<T extends { readonly key: string }>(item: PageItem<T>): string {
  return item.kind === "entry" ? item.entry.key : item.prefix;
}

// ---------------------------------------------------------------------------------------------
// ListObjects (V1)

export interface ListObjectsParams {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly maxKeys?: number;
  readonly marker?: string;
  readonly encodingType?: string;
}

export interface ListObjectsPage<T> {
  readonly contents: ListedEntry<T>[];
  readonly commonPrefixes: string[];
  readonly prefix: string;
  readonly delimiter?: string;
  /** Always present (empty when not sent), as S3 answers. */
  readonly marker: string;
  /** Only with a delimiter and a truncated page: the last key or common prefix returned. */
  readonly nextMarker?: string;
  readonly maxKeys: number;
  readonly isTruncated: boolean;
  readonly encodingType?: EncodingType;
}

export function listObjectsV1<T extends { readonly key: string }>(scan: KeyScan<T>, params: ListObjectsParams): ListObjectsPage<T> {
  const encodingType = validateEncodingType(params.encodingType);
  const encode = encoder(encodingType);
  const { echo, limit } = pageSize(params.maxKeys, "max-keys", "maxKeys", MAX_KEYS_MESSAGE);
  const prefix = params.prefix ?? "";
  const delimiter = params.delimiter ? params.delimiter : undefined;
  const page = listPage({ scan, prefix, delimiter, limit, after: params.marker || undefined });
  const { entries: contents, commonPrefixes, last } = splitPage(page, encode);
  return {
    contents,
    commonPrefixes,
    prefix: encode(prefix),
    ...(delimiter !== undefined ? { delimiter: encode(delimiter) } : {}),
    marker: encode(params.marker ?? ""),
    // "This element is returned only if you have the delimiter request parameter specified."
    ...(page.isTruncated && delimiter !== undefined && last ? { nextMarker: encode(itemKey(last)) } : {}),
    maxKeys: echo,
    isTruncated: page.isTruncated,
    ...(encodingType ? { encodingType } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// ListObjectVersions

export interface VersionEntry {
  readonly key: string;
  /** "null" for the null version. */
  readonly versionId: string;
}

export interface ListObjectVersionsParams<T> {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly maxKeys?: number;
  readonly keyMarker?: string;
  readonly versionIdMarker?: string;
  readonly encodingType?: string;
  /**
   * For a version-id-marker that is no longer among its key's versions (deleted since its page
   * was listed): whether a version of that key is older than the marker was. S3 goes on with
   * those; without this, the key's versions are passed.
   */
  readonly olderThanMarker?: (entry: T) => boolean;
}

export interface ListObjectVersionsPage<T> {
  /** Versions and delete markers interleaved, by key then newest first, as the scan yields them. */
  readonly versions: ListedEntry<T>[];
  readonly commonPrefixes: string[];
  readonly prefix: string;
  readonly delimiter?: string;
  readonly keyMarker: string;
  readonly versionIdMarker: string;
  readonly nextKeyMarker?: string;
  readonly nextVersionIdMarker?: string;
  readonly maxKeys: number;
  readonly isTruncated: boolean;
  readonly encodingType?: EncodingType;
}

/**
 * ListObjectVersions words a negative max-keys unlike ListObjects (AWS's answer as recorded
 * against s3.amazonaws.com: "max-keys cannot be negative" with no ArgumentValue).
 */
function versionsPageSize(value: number | undefined): { echo: number; limit: number } {
  if (value === undefined) return { echo: DEFAULT_MAX_KEYS, limit: DEFAULT_MAX_KEYS };
  if (!isInt32(value)) throw notAnIntegerError("max-keys", value);
  if (value < 0) throw invalidArgument("max-keys cannot be negative", "max-keys");
  return { echo: value, limit: Math.min(value, MAX_PAGE_SIZE) };
}

/**
 * The version-id-marker's checks, in S3's order after max-keys and before encoding-type (AWS's
 * answers as recorded against s3.amazonaws.com). A key-marker sent empty counts as sent here,
 * though it lists from the start.
 */
function checkVersionIdMarker(keyMarker: string | undefined, versionIdMarker: string | undefined): void {
  if (versionIdMarker === undefined) return;
  const bad = (message: string) => invalidArgument(message, "version-id-marker", versionIdMarker);
  if (keyMarker === undefined) throw bad("A version-id marker cannot be specified without a key marker.");
  if (versionIdMarker === "") throw bad("A version-id marker cannot be empty.");
  // As a versionId: an id S3 could not have issued, "invalid" or "a2" (versity/versitygw#1811).
  if (!isVersionIdShaped(versionIdMarker)) throw bad("Invalid version id specified");
}

export function listObjectVersions<T extends VersionEntry>(scan: KeyScan<T>, params: ListObjectVersionsParams<T>): ListObjectVersionsPage<T> {
  const { echo, limit } = versionsPageSize(params.maxKeys);
  checkVersionIdMarker(params.keyMarker, params.versionIdMarker);
  const encodingType = validateEncodingType(params.encodingType);
  // A NUL in prefix or key-marker is refused after max-keys and encoding-type are (AWS's answers
  // recorded in dyus/meeseeks-s3, tests/list_object_versions/golden: TestNullByteParamsStandalone,
  // TestNullByteValidationOrder). S3 answers a NUL delimiter 500 InternalError, which Nimbus does not copy.
  for (const [name, value] of [["prefix", params.prefix], ["key-marker", params.keyMarker]] as const) {
    if (value?.includes("\0")) throw invalidArgument("Value must be a sequence of Unicode characters and cannot include Null.", name, value);
  }
  const encode = encoder(encodingType);
  const prefix = params.prefix ?? "";
  const delimiter = params.delimiter ? params.delimiter : undefined;
  const keyMarker = params.keyMarker || undefined;
  // With an empty key-marker S3 lists from the start, echoing the version-id-marker.
  const versionIdMarker = keyMarker !== undefined ? params.versionIdMarker : undefined;
  let skipAtAfter: ((entry: T) => boolean) | undefined;
  if (keyMarker !== undefined && versionIdMarker !== undefined) {
    // Entries of the marker key come newest first; skip through the marker version itself, or
    // (the marker deleted meanwhile) up to the first version older than it was.
    const older = params.olderThanMarker;
    let passed = false;
    skipAtAfter = (entry) => {
      if (passed) return false;
      if (entry.versionId === versionIdMarker) {
        passed = true;
        return true;
      }
      passed = older?.(entry) ?? false;
      return !passed;
    };
  }
  const page = listPage({ scan, prefix, delimiter, limit, after: keyMarker, ...(skipAtAfter ? { skipAtAfter } : {}) });
  const { entries: versions, commonPrefixes, last } = splitPage(page, encode);
  let next: { nextKeyMarker: string; nextVersionIdMarker?: string } | undefined;
  if (page.isTruncated && last) {
    next =
      last.kind === "entry"
        ? { nextKeyMarker: encode(last.entry.key), nextVersionIdMarker: last.entry.versionId }
        : { nextKeyMarker: encode(last.prefix) };
  }
  return {
    versions,
    commonPrefixes,
    prefix: encode(prefix),
    ...(delimiter !== undefined ? { delimiter: encode(delimiter) } : {}),
    keyMarker: encode(params.keyMarker ?? ""),
    versionIdMarker: params.versionIdMarker ?? "",
    ...(next ?? {}),
    maxKeys: echo,
    isTruncated: page.isTruncated,
    ...(encodingType ? { encodingType } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// ListMultipartUploads

export interface UploadEntry {
  readonly key: string;
  readonly uploadId: string;
}

export interface ListMultipartUploadsParams {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly maxUploads?: number;
  readonly keyMarker?: string;
  readonly uploadIdMarker?: string;
  readonly encodingType?: string;
}

export interface ListMultipartUploadsPage<T> {
  /** By key, then initiation time, as the scan yields them. */
  readonly uploads: ListedEntry<T>[];
  readonly commonPrefixes: string[];
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly keyMarker: string;
  readonly uploadIdMarker: string;
  readonly nextKeyMarker: string;
  readonly nextUploadIdMarker: string;
  readonly maxUploads: number;
  readonly isTruncated: boolean;
  readonly encodingType?: EncodingType;
}

export function listMultipartUploads<T extends UploadEntry>(scan: KeyScan<T>, params: ListMultipartUploadsParams): ListMultipartUploadsPage<T> {
  const encodingType = validateEncodingType(params.encodingType);
  const encode = encoder(encodingType);
  const { echo, limit } = pageSize(params.maxUploads, "max-uploads", "max-uploads", "Argument max-uploads must be an integer between 0 and 2147483647");
  const prefix = params.prefix ?? "";
  const delimiter = params.delimiter ? params.delimiter : undefined;
  const keyMarker = params.keyMarker || undefined;
  // "If key-marker is not specified, the upload-id-marker parameter is ignored." With it,
  // uploads of the marker key are listed when their IDs sort after the upload-id-marker (the
  // store's upload IDs sort in initiation order, so this matches the listing order).
  const uploadIdMarker = keyMarker !== undefined && params.uploadIdMarker ? params.uploadIdMarker : undefined;
  const page = listPage({
    scan,
    prefix,
    delimiter,
    limit,
    after: keyMarker,
    ...(uploadIdMarker !== undefined ? { skipAtAfter: (entry: T) => compareUtf8(entry.uploadId, uploadIdMarker) <= 0 } : {}),
  });
  const { entries: uploads, commonPrefixes, last } = splitPage(page, encode);
  // S3 always sends both next markers: the page's last upload, or "" when it has none (AWS, as
  // LocalStack's test_list_multiparts_next_marker snapshot records, also on a last page). A page
  // truncated on a CommonPrefix gets that prefix, for the next request to resume after it (S3
  // sends "" there too, which would make a paginator start over).
  const lastUpload = uploads[uploads.length - 1];
  let next = { nextKeyMarker: lastUpload?.key ?? "", nextUploadIdMarker: lastUpload?.entry.uploadId ?? "" };
  if (page.isTruncated && last?.kind === "prefix") next = { nextKeyMarker: encode(last.prefix), nextUploadIdMarker: "" };
  return {
    uploads,
    commonPrefixes,
    // Unlike the object listings, Prefix is echoed only when one was sent, and not when it was
    // sent empty (AWS, as LocalStack's aws-validated test_list_multiparts_next_marker snapshot
    // records, and as brekkylab/backlot measured byte for byte on an empty bucket).
    ...(prefix !== "" ? { prefix: encode(prefix) } : {}),
    ...(delimiter !== undefined ? { delimiter: encode(delimiter) } : {}),
    keyMarker: encode(params.keyMarker ?? ""),
    // An ignored upload-id-marker is not echoed either.
    uploadIdMarker: uploadIdMarker ?? "",
    ...next,
    maxUploads: echo,
    isTruncated: page.isTruncated,
    ...(encodingType ? { encodingType } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Parts (ListParts, GetObjectAttributes' ObjectParts)

/** "Sets the maximum number of parts to return": 1,000 at most, and by default. */
export const DEFAULT_MAX_PARTS = 1000;

export interface PartsPage<T> {
  readonly page: T[];
  readonly PartNumberMarker: number;
  readonly NextPartNumberMarker: number;
  readonly MaxParts: number;
  readonly IsTruncated: boolean;
}

/** The parts (in part-number order) after PartNumberMarker, at most MaxParts of them, with the paging members. */
export function partsPage<T>(parts: readonly T[], partNumber: (part: T) => number, input: { readonly MaxParts?: number; readonly PartNumberMarker?: number }): PartsPage<T> {
  const max = input.MaxParts ?? DEFAULT_MAX_PARTS;
  if (!Number.isInteger(max) || max < 0) throw invalidArgument("Argument max-parts must be an integer between 0 and 2147483647", "max-parts", max);
  const marker = input.PartNumberMarker ?? 0;
  const after = parts.filter((p) => partNumber(p) > marker);
  const page = after.slice(0, Math.min(max, DEFAULT_MAX_PARTS));
  const last = page[page.length - 1];
  return {
    page,
    PartNumberMarker: marker,
    // A page without parts still names a next marker, 0: AWS's answers for an upload with no
    // parts and for a marker past the last part, in ListParts and in GetObjectAttributes'
    // ObjectParts alike (LocalStack's test_list_parts_pagination and
    // test_list_parts_via_object_attrs_pagination snapshots, recorded against AWS).
    NextPartNumberMarker: last === undefined ? 0 : partNumber(last),
    MaxParts: max,
    IsTruncated: after.length > page.length,
  };
}
