/**
 * S3's listings compared, through the v3 client, with a small model of their documented
 * semantics over generated keys and requests (fast-check, fixed seeds): ListObjectsV2 and
 * ListObjects page by page (Prefix, Delimiter, MaxKeys, StartAfter, Marker, continuation,
 * EncodingType=url, keys put and deleted between pages), ListObjectVersions after generated
 * puts, deletes and versioning changes, ListMultipartUploads and ListParts.
 *
 * The model orders keys by their UTF-8 bytes (Buffer.compare), rolls a key up into a common
 * prefix at the first delimiter after the prefix, drops a common prefix that is not after the
 * marker ("CommonPrefixes is filtered out from results if it is not lexicographically greater
 * than the key-marker"), counts common prefixes and entries together against the page size, and
 * resumes a page after the last item of the one before. `ORACLE_RUNS`, `ORACLE_SEED` and
 * `ORACLE_NO_SHRINK=1` widen a run by hand.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fc from "./oracle-fast-check.js";
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import type { TestNimbus } from "./harness.js";
import { newBucket, s3Suite } from "./s3-fixtures.js";

const RUNS = Number(process.env["ORACLE_RUNS"] ?? 0);
const SEED = Number(process.env["ORACLE_SEED"] ?? 0);
function params(seed: number, numRuns: number): fc.Parameters<unknown> {
  return { seed: SEED || seed, numRuns: RUNS || numRuns, endOnFailure: process.env["ORACLE_NO_SHRINK"] === "1", includeErrorInReport: true };
}

// ---------------------------------------------------------------------------------------------
// The model

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** encoding-type=url: every byte but letters, digits, "-", "_", ".", "~" and "/" as %XX. */
function urlEncode(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll("%2F", "/");
}

/**
 * The v3 client reads element text made only of whitespace with a line feed as "" (its
 * AwsXmlParser drops such text as formatting), whatever the server writes: what it can show of `s`.
 */
function asRead(s: string): string {
  return s.trim() === "" && s.includes("\n") ? "" : s;
}

type Item = { kind: "key"; key: string } | { kind: "prefix"; prefix: string };

function itemName(item: Item): string {
  return item.kind === "key" ? item.key : item.prefix;
}

/** The common prefix `key` rolls up into, if any. */
function rollUp(key: string, prefix: string, delimiter: string | undefined): string | undefined {
  if (!delimiter) return undefined;
  const at = key.slice(prefix.length).indexOf(delimiter);
  return at < 0 ? undefined : key.slice(0, prefix.length + at + delimiter.length);
}

/** Every item after `after` (none: from the start), in order. */
function objectItems(keys: Iterable<string>, prefix: string, delimiter: string | undefined, after: string | undefined): Item[] {
  const sorted = [...keys].filter((k) => k.startsWith(prefix) && (after === undefined || byUtf8(k, after) > 0)).sort(byUtf8);
  const items: Item[] = [];
  const seen = new Set<string>();
  for (const key of sorted) {
    const cp = rollUp(key, prefix, delimiter);
    if (cp === undefined) items.push({ kind: "key", key });
    else if ((after === undefined || byUtf8(cp, after) > 0) && !seen.has(cp)) {
      seen.add(cp);
      items.push({ kind: "prefix", prefix: cp });
    }
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Generators

/** Pieces keys are made of: ASCII, delimiters, XML-special and URL-special characters, 2-, 3- and 4-byte UTF-8, E000-FFFF. */
const ATOMS = ["a", "b", "z", "A", "0", "/", "-", ".", "_", "~", "é", "中", "\u{1F600}", "\u{10400}", "\u{10FFFF}", "\uD7FF", "\uFF61", "\uE000", "\uFFFD", "\uFFFF", "&", "<", ">", '"', "'", " ", "+", "%", "?", "#", "=", "!", "(", "*", "\t", "\n", "\r"];
/** Characters XML 1.0 cannot carry: listed only with encoding-type=url. */
const CONTROLS = ["\u0001", "\u0008", "\u000B", "\u001F"];
const DELIMITERS = ["/", "--", "é", "\u{1F600}", "\uE000", "a", "+", " ", "%", "/a", "&"];

function trimTo1024(key: string): string {
  const chars = Array.from(key);
  while (Buffer.byteLength(chars.join(""), "utf8") > 1024) chars.pop();
  return chars.join("");
}

function keyArb(controls: boolean): fc.Arbitrary<string> {
  const atoms = controls ? [...ATOMS, ...CONTROLS] : ATOMS;
  // Few atoms mostly, so keys share prefixes and are prefixes of each other.
  const atom = fc.oneof({ weight: 5, arbitrary: fc.constantFrom("a", "b", "/", "-") }, { weight: 3, arbitrary: fc.constantFrom(...atoms) });
  const short = fc.array(atom, { minLength: 1, maxLength: 7 }).map((a) => a.join(""));
  // Near S3's 1024-byte limit.
  const long = fc.tuple(fc.integer({ min: 1000, max: 1030 }), short).map(([n, tail]) => trimTo1024("a/".repeat(n >> 1) + tail));
  return fc.oneof({ weight: 20, arbitrary: short }, { weight: 1, arbitrary: long });
}

/** A prefix: none, a cut of one of the keys, or made of atoms. */
function prefixArb(keys: readonly string[]): fc.Arbitrary<string | undefined> {
  const cut =
    keys.length === 0
      ? fc.constant("")
      : fc.tuple(fc.constantFrom(...keys), fc.nat()).map(([k, n]) => {
          const chars = Array.from(k);
          return chars.slice(0, n % (chars.length + 1)).join("");
        });
  return fc.oneof(fc.constant(undefined), cut, fc.constantFrom("", "a", "a/", "b", "/", "a-", "\u{1F600}"));
}

function delimiterArb(): fc.Arbitrary<string | undefined> {
  return fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: fc.constantFrom(...DELIMITERS) });
}

const MAX_KEYS = fc.constantFrom<number | undefined>(undefined, 1, 1, 2, 2, 3, 5, 1000);

// ---------------------------------------------------------------------------------------------

async function putKeys(s3: S3Client, bucket: string, keys: Iterable<string>): Promise<void> {
  const all = [...keys];
  for (let i = 0; i < all.length; i += 16) {
    await Promise.all(all.slice(i, i + 16).map((key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "x" }))));
  }
}

describe("S3 listings against a model", () => {
  let nimbus: TestNimbus | undefined;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));


  /** A change between pages: put a new key, or delete the i-th key there is. */
  type Change = { put: string } | { del: number };
  const changesArb = (controls: boolean): fc.Arbitrary<Change[][]> =>
    fc.array(fc.array(fc.oneof(keyArb(controls).map((put) => ({ put })), fc.nat().map((del) => ({ del }))), { maxLength: 3 }), { maxLength: 6 });

  async function applyChanges(bucket: string, keys: Set<string>, changes: Change[] | undefined): Promise<void> {
    for (const change of changes ?? []) {
      if ("put" in change) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: change.put, Body: "y" }));
        keys.add(change.put);
      } else if (keys.size > 0) {
        const key = [...keys][change.del % keys.size] as string;
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
        keys.delete(key);
      }
    }
  }

  const objectCase = fc.boolean().chain((controls) =>
    fc.uniqueArray(keyArb(controls), { maxLength: 30 }).chain((keys) =>
      fc.record({
        controls: fc.constant(controls),
        keys: fc.constant(keys),
        prefix: prefixArb(keys),
        delimiter: delimiterArb(),
        maxKeys: MAX_KEYS,
        url: controls ? fc.constant(true) : fc.boolean(),
        startAfter: fc.oneof(fc.constant(undefined), keys.length ? fc.constantFrom(...keys) : fc.constant("a"), keyArb(false)),
        repeatStartAfter: fc.boolean(),
        changes: changesArb(controls),
      }),
    ),
  );

  test("ListObjectsV2 pages are the model's, with keys put and deleted between pages", async () => {
    await fc.assert(
      fc.asyncProperty(objectCase, async (c) => {
        const bucket = await newBucket(s3, "orv2");
        const keys = new Set(c.keys);
        await putKeys(s3, bucket, keys);
        const enc = c.url ? urlEncode : asRead;
        const max = c.maxKeys ?? 1000;
        let token: string | undefined;
        let after = c.startAfter;
        for (let page = 0; ; page++) {
          const out = await s3.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: c.prefix,
              Delimiter: c.delimiter,
              MaxKeys: c.maxKeys,
              ...(c.url ? { EncodingType: "url" as const } : {}),
              ...(page === 0 || c.repeatStartAfter ? { StartAfter: c.startAfter } : {}),
              ContinuationToken: token,
            }),
          );
          const items = objectItems(keys, c.prefix ?? "", c.delimiter, after);
          const expected = items.slice(0, max);
          const truncated = items.length > max;
          const where = `page ${page} after ${JSON.stringify(after)}`;
          assert.deepEqual(out.Contents?.map((o) => o.Key) ?? [], expected.filter((i) => i.kind === "key").map((i) => enc(itemName(i))), where);
          assert.deepEqual(out.CommonPrefixes?.map((p) => p.Prefix) ?? [], expected.filter((i) => i.kind === "prefix").map((i) => enc(itemName(i))), where);
          assert.equal(out.KeyCount, expected.length, where);
          assert.equal(out.IsTruncated, truncated, where);
          assert.equal(out.NextContinuationToken !== undefined, truncated, where);
          assert.equal(out.ContinuationToken, token, where);
          assert.equal(out.Prefix ?? "", enc(c.prefix ?? ""), where);
          assert.equal(out.Delimiter, c.delimiter === undefined ? undefined : enc(c.delimiter), where);
          assert.equal(out.StartAfter, page === 0 || c.repeatStartAfter ? (c.startAfter === undefined ? undefined : enc(c.startAfter)) : undefined, where);
          assert.equal(out.MaxKeys, max, where);
          assert.equal(out.EncodingType, c.url ? "url" : undefined, where);
          if (!truncated) break;
          after = itemName(expected[expected.length - 1] as Item);
          token = out.NextContinuationToken;
          await applyChanges(bucket, keys, c.changes[page]);
        }
      }),
      params(101, 25),
    );
  });

  test("ListObjects (V1) pages are the model's, NextMarker only with a delimiter", async () => {
    await fc.assert(
      fc.asyncProperty(objectCase, async (c) => {
        const bucket = await newBucket(s3, "orv1");
        const keys = new Set(c.keys);
        await putKeys(s3, bucket, keys);
        const enc = c.url ? urlEncode : asRead;
        const max = c.maxKeys ?? 1000;
        let marker = c.startAfter;
        for (let page = 0; ; page++) {
          const out = await s3.send(
            new ListObjectsCommand({ Bucket: bucket, Prefix: c.prefix, Delimiter: c.delimiter, MaxKeys: c.maxKeys, Marker: marker, ...(c.url ? { EncodingType: "url" as const } : {}) }),
          );
          const items = objectItems(keys, c.prefix ?? "", c.delimiter, marker);
          const expected = items.slice(0, max);
          const truncated = items.length > max;
          const where = `page ${page} marker ${JSON.stringify(marker)}`;
          assert.deepEqual(out.Contents?.map((o) => o.Key) ?? [], expected.filter((i) => i.kind === "key").map((i) => enc(itemName(i))), where);
          assert.deepEqual(out.CommonPrefixes?.map((p) => p.Prefix) ?? [], expected.filter((i) => i.kind === "prefix").map((i) => enc(itemName(i))), where);
          assert.equal(out.IsTruncated, truncated, where);
          const last = expected[expected.length - 1];
          assert.equal(out.NextMarker, truncated && c.delimiter !== undefined && last ? enc(itemName(last)) : undefined, where);
          assert.equal(out.Marker ?? "", enc(marker ?? ""), where);
          assert.equal(out.Prefix ?? "", enc(c.prefix ?? ""), where);
          assert.equal(out.Delimiter, c.delimiter === undefined ? undefined : enc(c.delimiter), where);
          assert.equal(out.MaxKeys, max, where);
          if (!truncated || !last) break;
          marker = itemName(last);
          await applyChanges(bucket, keys, c.changes[page]);
        }
      }),
      params(102, 25),
    );
  });

  // "By default, the action returns up to 1,000 key names"; S3 holds a page to 1,000 whatever MaxKeys
  // asks, and echoes the MaxKeys asked.
  test("pages hold 1,000 items at most, whatever MaxKeys asks", async () => {
    const big = fc.record({
      keys: fc.uniqueArray(keyArb(false), { minLength: 1001, maxLength: 1040 }),
      delimiter: fc.constantFrom<string | undefined>(undefined, "--", "\u{1F600}"),
      maxKeys: fc.constantFrom<number | undefined>(undefined, 1001, 2147483647),
    });
    await fc.assert(
      fc.asyncProperty(big, async (c) => {
        const bucket = await newBucket(s3, "orbig");
        await putKeys(s3, bucket, c.keys);
        const all = objectItems(c.keys, "", c.delimiter, undefined);
        const seen: string[] = [];
        let token: string | undefined;
        do {
          const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: c.delimiter, MaxKeys: c.maxKeys, ContinuationToken: token }));
          const page = [...(out.Contents ?? []).map((o) => o.Key as string), ...(out.CommonPrefixes ?? []).map((p) => p.Prefix as string)].sort(byUtf8);
          assert.equal(out.KeyCount, Math.min(1000, all.length - seen.length));
          assert.equal(out.MaxKeys, c.maxKeys ?? 1000);
          seen.push(...page);
          token = out.NextContinuationToken;
        } while (token);
        // Each key and common prefix once (sorted as read: the client reads some as "").
        assert.deepEqual(seen.sort(byUtf8), all.map(itemName).map(asRead).sort(byUtf8));
      }),
      params(107, 1),
    );
  });

  test("MaxKeys 0 lists nothing and is not truncated", async () => {
    await fc.assert(
      fc.asyncProperty(objectCase, async (c) => {
        const bucket = await newBucket(s3, "or0");
        await putKeys(s3, bucket, c.keys);
        const common = { Bucket: bucket, Prefix: c.prefix, Delimiter: c.delimiter, MaxKeys: 0, ...(c.url ? { EncodingType: "url" as const } : {}) };
        const v2 = await s3.send(new ListObjectsV2Command({ StartAfter: c.startAfter, ...common }));
        assert.deepEqual([v2.Contents, v2.CommonPrefixes, v2.KeyCount, v2.IsTruncated, v2.NextContinuationToken], [undefined, undefined, 0, false, undefined]);
        const v1 = await s3.send(new ListObjectsCommand({ Marker: c.startAfter, ...common }));
        assert.deepEqual([v1.Contents, v1.CommonPrefixes, v1.IsTruncated, v1.NextMarker], [undefined, undefined, false, undefined]);
      }),
      params(103, 5),
    );
  });

  // -------------------------------------------------------------------------------------------
  // ListObjectVersions

  type Versioning = "Unversioned" | "Enabled" | "Suspended";
  /** Newest first; `seq` counts the writes, so tells a version's place in its key's history. */
  type Version = { id: string; dm: boolean; seq: number };
  type VersionOp = { put: number } | { del: number } | { delVersion: number; nth: number } | { versioning: "Enabled" | "Suspended" };

  const versionOpArb: fc.Arbitrary<VersionOp> = fc.oneof(
    { weight: 6, arbitrary: fc.nat().map((put) => ({ put })) },
    { weight: 3, arbitrary: fc.nat().map((del) => ({ del })) },
    { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([delVersion, nth]) => ({ delVersion, nth })) },
    { weight: 1, arbitrary: fc.constantFrom<"Enabled" | "Suspended">("Enabled", "Suspended").map((versioning) => ({ versioning })) },
  );

  class VersionModel {
    versioning: Versioning = "Unversioned";
    readonly versions = new Map<string, Version[]>();
    seq = 0;
    /** `tick`: moves the clock on before each write (or not, for writes in one millisecond). */
    constructor(
      readonly bucket: string,
      readonly tick: () => void,
    ) {}

    async apply(op: VersionOp, pool: readonly string[]): Promise<void> {
      this.tick();
      if ("versioning" in op) {
        await s3.send(new PutBucketVersioningCommand({ Bucket: this.bucket, VersioningConfiguration: { Status: op.versioning } }));
        this.versioning = op.versioning;
        return;
      }
      const key = pool[("put" in op ? op.put : "del" in op ? op.del : op.delVersion) % pool.length] as string;
      const list = this.versions.get(key) ?? [];
      this.versions.set(key, list);
      const dropNull = () => {
        const at = list.findIndex((v) => v.id === "null");
        if (at >= 0) list.splice(at, 1);
      };
      if ("put" in op) {
        const out = await s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: "v" }));
        if (this.versioning === "Enabled") {
          assert.ok(out.VersionId && out.VersionId !== "null", "a versioned put has a version id");
          list.unshift({ id: out.VersionId, dm: false, seq: ++this.seq });
        } else {
          dropNull();
          list.unshift({ id: "null", dm: false, seq: ++this.seq });
        }
      } else if ("del" in op) {
        const out = await s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
        if (this.versioning === "Enabled") {
          assert.ok(out.DeleteMarker && out.VersionId && out.VersionId !== "null", "a versioned delete adds a delete marker");
          list.unshift({ id: out.VersionId, dm: true, seq: ++this.seq });
        } else if (this.versioning === "Suspended") {
          // "a simple DELETE removes a null version and Amazon S3 inserts a delete marker in its place instead with a null version ID" (User Guide).
          dropNull();
          list.unshift({ id: "null", dm: true, seq: ++this.seq });
        } else {
          list.length = 0;
        }
      } else {
        const victim = list[op.nth % Math.max(list.length, 1)];
        if (victim !== undefined) await this.deleteVersion(key, victim);
      }
    }

    async deleteVersion(key: string, version: Version): Promise<void> {
      this.tick();
      await s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key, VersionId: version.id }));
      const list = this.versions.get(key) ?? [];
      list.splice(list.indexOf(version), 1);
    }
  }

  type VersionItem = { kind: "version"; key: string; v: Version; latest: boolean } | { kind: "prefix"; prefix: string };

  /** `marker`: the key-marker and, if any, the version-id-marker and the place of that version when it was listed. */
  function versionItems(model: VersionModel, prefix: string, delimiter: string | undefined, keyMarker: string | undefined, versionIdMarker: string | undefined, markerSeq?: number): VersionItem[] {
    const keys = [...model.versions.keys()].filter((k) => k.startsWith(prefix) && (model.versions.get(k)?.length ?? 0) > 0 && (keyMarker === undefined || byUtf8(k, keyMarker) >= 0)).sort(byUtf8);
    const items: VersionItem[] = [];
    const seen = new Set<string>();
    for (const key of keys) {
      const list = model.versions.get(key) ?? [];
      const cp = rollUp(key, prefix, delimiter);
      if (cp !== undefined) {
        if ((keyMarker === undefined || byUtf8(cp, keyMarker) > 0) && !seen.has(cp)) {
          seen.add(cp);
          items.push({ kind: "prefix", prefix: cp });
        }
        continue;
      }
      let listed = (_v: Version, _i: number) => true;
      if (key === keyMarker) {
        if (versionIdMarker === undefined) continue;
        const at = list.findIndex((v) => v.id === versionIdMarker);
        // The marker version deleted since: the versions older than it was.
        if (at >= 0) listed = (_v, i) => i > at;
        else if (markerSeq !== undefined) listed = (v) => v.seq < markerSeq;
        else assert.fail("the model pages only from versions it knows");
      }
      list.forEach((v, i) => {
        if (listed(v, i)) items.push({ kind: "version", key, v, latest: i === 0 });
      });
    }
    return items;
  }

  const versionCase = fc.boolean().chain((controls) =>
    fc.uniqueArray(keyArb(controls), { minLength: 1, maxLength: 8 }).chain((pool) =>
      fc.record({
        pool: fc.constant(pool),
        ops: fc.array(versionOpArb, { maxLength: 40 }),
        prefix: prefixArb(pool),
        delimiter: delimiterArb(),
        maxKeys: MAX_KEYS,
        url: controls ? fc.constant(true) : fc.boolean(),
        keyMarker: fc.oneof(fc.constant(undefined), fc.constantFrom(...pool), keyArb(false)),
        versionIdMarker: fc.option(fc.nat(), { nil: undefined }),
        between: fc.array(fc.array(versionOpArb, { maxLength: 3 }), { maxLength: 6 }),
        // boto3's bucket.object_versions.delete(): each page's versions deleted before the next page.
        deletePages: fc.boolean(),
        // Every write in one millisecond, the marker's version then never deleted: the place of a
        // deleted marker is told from its time (store.versionsOlderThan), which cannot order it among
        // a null version of its millisecond; else the clock moves on 1 ms before each write.
        sameMillisecond: fc.boolean(),
      }),
    ),
  );

  test("ListObjectVersions pages are the model's after puts, deletes and versioning changes", async () => {
    await fc.assert(
      fc.asyncProperty(versionCase, async (c) => {
        const clock = (nimbus as TestNimbus).manualClock;
        const model = new VersionModel(await newBucket(s3, "orver"), c.sameMillisecond ? () => undefined : () => clock.advance(1));
        for (const op of c.ops) await model.apply(op, c.pool);
        const enc = c.url ? urlEncode : asRead;
        const max = c.maxKeys ?? 1000;
        // The current objects are the keys whose newest version is no delete marker.
        const current = [...model.versions].flatMap(([key, list]) => (list[0] && !list[0].dm ? [key] : []));
        const listed = await s3.send(new ListObjectsV2Command({ Bucket: model.bucket, Prefix: c.prefix, Delimiter: c.delimiter, StartAfter: c.keyMarker, ...(c.url ? { EncodingType: "url" as const } : {}) }));
        const items = objectItems(current, c.prefix ?? "", c.delimiter, c.keyMarker);
        assert.deepEqual(listed.Contents?.map((o) => o.Key) ?? [], items.filter((i) => i.kind === "key").map((i) => enc(itemName(i))), "current objects");
        assert.deepEqual(listed.CommonPrefixes?.map((p) => p.Prefix) ?? [], items.filter((i) => i.kind === "prefix").map((i) => enc(itemName(i))), "current prefixes");
        let keyMarker = c.keyMarker;
        let versionIdMarker: string | undefined;
        let markerSeq: number | undefined;
        const markerVersions = keyMarker === undefined ? [] : model.versions.get(keyMarker) ?? [];
        if (c.versionIdMarker !== undefined && markerVersions.length > 0) versionIdMarker = markerVersions[c.versionIdMarker % markerVersions.length]?.id;
        for (let page = 0; ; page++) {
          const out = await s3.send(
            new ListObjectVersionsCommand({
              Bucket: model.bucket,
              Prefix: c.prefix,
              Delimiter: c.delimiter,
              MaxKeys: c.maxKeys,
              KeyMarker: keyMarker,
              VersionIdMarker: versionIdMarker,
              ...(c.url ? { EncodingType: "url" as const } : {}),
            }),
          );
          const items = versionItems(model, c.prefix ?? "", c.delimiter, keyMarker, versionIdMarker, markerSeq);
          const expected = items.slice(0, max);
          const truncated = items.length > max;
          const where = `page ${page} after ${JSON.stringify([keyMarker, versionIdMarker])}`;
          const entries = (dm: boolean) => expected.flatMap((i) => (i.kind === "version" && i.v.dm === dm ? [[enc(i.key), i.v.id, i.latest]] : []));
          assert.deepEqual(out.Versions?.map((v) => [v.Key, v.VersionId, v.IsLatest]) ?? [], entries(false), where);
          assert.deepEqual(out.DeleteMarkers?.map((v) => [v.Key, v.VersionId, v.IsLatest]) ?? [], entries(true), where);
          assert.deepEqual(out.CommonPrefixes?.map((p) => p.Prefix) ?? [], expected.flatMap((i) => (i.kind === "prefix" ? [enc(i.prefix)] : [])), where);
          assert.equal(out.IsTruncated, truncated, where);
          const last = expected[expected.length - 1];
          const next = truncated && last ? (last.kind === "prefix" ? [enc(last.prefix), undefined] : [enc(last.key), last.v.id]) : [undefined, undefined];
          assert.deepEqual([out.NextKeyMarker, out.NextVersionIdMarker], next, where);
          assert.equal(out.KeyMarker ?? "", enc(keyMarker ?? ""), where);
          assert.equal(out.VersionIdMarker ?? "", versionIdMarker ?? "", where);
          assert.equal(out.Prefix ?? "", enc(c.prefix ?? ""), where);
          assert.equal(out.Delimiter, c.delimiter === undefined ? undefined : enc(c.delimiter), where);
          assert.equal(out.MaxKeys, max, where);
          if (!truncated || !last) break;
          keyMarker = last.kind === "prefix" ? last.prefix : last.key;
          versionIdMarker = last.kind === "prefix" ? undefined : last.v.id;
          markerSeq = last.kind === "prefix" ? undefined : last.v.seq;
          if (c.sameMillisecond) {
            // Changes between pages leave the marker's key alone, but for a newer version of it.
            for (const op of c.between[page] ?? []) {
              const touched = "versioning" in op ? undefined : c.pool[("put" in op ? op.put : "del" in op ? op.del : op.delVersion) % c.pool.length];
              if (touched === keyMarker && !("put" in op && model.versioning === "Enabled")) continue;
              await model.apply(op, c.pool);
            }
            continue;
          }
          if (c.deletePages) for (const i of expected) if (i.kind === "version") await model.deleteVersion(i.key, i.v);
          for (const op of c.between[page] ?? []) await model.apply(op, c.pool);
        }
      }),
      params(104, 25),
    );
  });

  // -------------------------------------------------------------------------------------------
  // ListMultipartUploads and ListParts

  type Upload = { key: string; id: string };
  type UploadOp = { create: number } | { abort: number } | { wait: number };
  const uploadOpArb: fc.Arbitrary<UploadOp> = fc.oneof(
    { weight: 6, arbitrary: fc.nat().map((create) => ({ create })) },
    { weight: 2, arbitrary: fc.nat().map((abort) => ({ abort })) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((wait) => ({ wait })) },
  );

  type UploadItem = { kind: "upload"; u: Upload } | { kind: "prefix"; prefix: string };

  /** `uploads` in initiation order. */
  function uploadItems(uploads: readonly Upload[], prefix: string, delimiter: string | undefined, keyMarker: string | undefined, uploadIdMarker: string | undefined): UploadItem[] {
    const sorted = uploads
      .map((u, at) => ({ u, at }))
      .filter(({ u }) => u.key.startsWith(prefix) && (keyMarker === undefined || byUtf8(u.key, keyMarker) >= 0))
      .sort((a, b) => byUtf8(a.u.key, b.u.key) || a.at - b.at);
    const markerAt = uploads.findIndex((u) => u.key === keyMarker && u.id === uploadIdMarker);
    const items: UploadItem[] = [];
    const seen = new Set<string>();
    for (const { u, at } of sorted) {
      const cp = rollUp(u.key, prefix, delimiter);
      if (cp !== undefined) {
        if ((keyMarker === undefined || byUtf8(cp, keyMarker) > 0) && !seen.has(cp)) {
          seen.add(cp);
          items.push({ kind: "prefix", prefix: cp });
        }
        continue;
      }
      // "any multipart uploads for a key equal to the key-marker might be included in the list only if they have an upload ID
      // lexicographically greater than the specified upload-id-marker"; a key's uploads are listed "in ascending order ... by
      // the upload initiation time" (the test checks the two orders agree).
      if (u.key === keyMarker && (uploadIdMarker === undefined || at <= markerAt)) continue;
      items.push({ kind: "upload", u });
    }
    return items;
  }

  const uploadCase = fc.boolean().chain((controls) =>
    fc.uniqueArray(keyArb(controls), { minLength: 1, maxLength: 8 }).chain((pool) =>
      fc.record({
        pool: fc.constant(pool),
        ops: fc.array(uploadOpArb, { maxLength: 30 }),
        prefix: prefixArb(pool),
        delimiter: delimiterArb(),
        maxUploads: MAX_KEYS,
        url: controls ? fc.constant(true) : fc.boolean(),
        keyMarker: fc.oneof(fc.constant(undefined), fc.constantFrom(...pool), keyArb(false)),
        uploadIdMarker: fc.option(fc.nat(), { nil: undefined }),
        between: fc.array(fc.array(uploadOpArb, { maxLength: 3 }), { maxLength: 6 }),
      }),
    ),
  );

  test("ListMultipartUploads pages are the model's: by key, then initiation", async () => {
    await fc.assert(
      fc.asyncProperty(uploadCase, async (c) => {
        const bucket = await newBucket(s3, "orupl");
        const uploads: Upload[] = [];
        const apply = async (op: UploadOp, keep?: Upload) => {
          if ("wait" in op) {
            await (nimbus as TestNimbus).scheduler.advance(op.wait);
          } else if ("create" in op) {
            const key = c.pool[op.create % c.pool.length] as string;
            const out = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
            uploads.push({ key, id: out.UploadId as string });
          } else if (uploads.length > 0) {
            const victim = uploads[op.abort % uploads.length] as Upload;
            if (victim === keep) return;
            await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: victim.key, UploadId: victim.id }));
            uploads.splice(uploads.indexOf(victim), 1);
          }
        };
        for (const op of c.ops) await apply(op);
        const enc = c.url ? urlEncode : asRead;
        const max = c.maxUploads ?? 1000;
        let keyMarker = c.keyMarker;
        let uploadIdMarker: string | undefined;
        const ofMarker = uploads.filter((u) => u.key === keyMarker);
        if (c.uploadIdMarker !== undefined && ofMarker.length > 0) uploadIdMarker = ofMarker[c.uploadIdMarker % ofMarker.length]?.id;
        for (let page = 0; ; page++) {
          const out = await s3.send(
            new ListMultipartUploadsCommand({
              Bucket: bucket,
              Prefix: c.prefix,
              Delimiter: c.delimiter,
              MaxUploads: c.maxUploads,
              KeyMarker: keyMarker,
              UploadIdMarker: uploadIdMarker,
              ...(c.url ? { EncodingType: "url" as const } : {}),
            }),
          );
          const items = uploadItems(uploads, c.prefix ?? "", c.delimiter, keyMarker, uploadIdMarker);
          const expected = items.slice(0, max);
          const truncated = items.length > max;
          const where = `page ${page} after ${JSON.stringify([keyMarker, uploadIdMarker])}`;
          const listed = expected.flatMap((i) => (i.kind === "upload" ? [i.u] : []));
          for (let i = 1; i < listed.length; i++) {
            const [a, b] = [listed[i - 1] as Upload, listed[i] as Upload];
            if (a.key === b.key) assert.ok(a.id < b.id, `${where}: upload ids of a key sort by initiation`);
          }
          assert.deepEqual(out.Uploads?.map((u) => [u.Key, u.UploadId]) ?? [], listed.map((u) => [enc(u.key), u.id]), where);
          assert.deepEqual(out.CommonPrefixes?.map((p) => p.Prefix) ?? [], expected.flatMap((i) => (i.kind === "prefix" ? [enc(i.prefix)] : [])), where);
          assert.equal(out.IsTruncated, truncated, where);
          const last = expected[expected.length - 1];
          const lastUpload = listed[listed.length - 1];
          // The page's last upload ("" for none), or the prefix a truncated page ends on.
          const next = truncated && last?.kind === "prefix" ? [enc(last.prefix), ""] : [lastUpload ? enc(lastUpload.key) : "", lastUpload?.id ?? ""];
          assert.deepEqual([out.NextKeyMarker ?? "", out.NextUploadIdMarker ?? ""], next, where);
          assert.equal(out.KeyMarker ?? "", enc(keyMarker ?? ""), where);
          assert.equal(out.UploadIdMarker ?? "", uploadIdMarker ?? "", where);
          assert.equal(out.Prefix, c.prefix ? enc(c.prefix) : undefined, where);
          assert.equal(out.Delimiter, c.delimiter === undefined ? undefined : enc(c.delimiter), where);
          assert.equal(out.MaxUploads, max, where);
          if (!truncated || !last) break;
          keyMarker = last.kind === "prefix" ? last.prefix : last.u.key;
          uploadIdMarker = last.kind === "prefix" ? undefined : last.u.id;
          // Changes between pages keep the marker's upload.
          const keep = last.kind === "upload" ? last.u : undefined;
          for (const op of c.between[page] ?? []) await apply(op, keep);
        }
      }),
      params(105, 25),
    );
  });

  const PART_NUMBERS = [1, 2, 3, 4, 7, 100, 9999, 10000];
  const partsCase = fc.record({
    parts: fc.array(fc.tuple(fc.constantFrom(...PART_NUMBERS), fc.string({ maxLength: 4 })), { maxLength: 14 }),
    maxParts: fc.constantFrom<number | undefined>(undefined, 1, 2, 3, 1000),
    marker: fc.constantFrom<number | undefined>(undefined, 0, 1, 3, 50, 9999, 10000),
  });

  test("ListParts pages are the model's: part numbers after the marker, the last re-upload of each", async () => {
    await fc.assert(
      fc.asyncProperty(partsCase, async (c) => {
        const bucket = await newBucket(s3, "orpart");
        const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: "k" }));
        const model = new Map<number, { etag: string; size: number }>();
        for (const [n, body] of c.parts) {
          const out = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: "k", UploadId, PartNumber: n, Body: body }));
          const etag = `"${createHash("md5").update(body).digest("hex")}"`;
          assert.equal(out.ETag, etag);
          model.set(n, { etag, size: Buffer.byteLength(body) });
        }
        const max = c.maxParts ?? 1000;
        let marker = c.marker;
        for (let page = 0; ; page++) {
          const out = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: "k", UploadId, MaxParts: c.maxParts, PartNumberMarker: marker === undefined ? undefined : String(marker) }));
          const after = [...model.keys()].filter((n) => n > (marker ?? 0)).sort((a, b) => a - b);
          const expected = after.slice(0, max);
          const where = `page ${page} after ${marker}`;
          assert.deepEqual(out.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]) ?? [], expected.map((n) => [n, model.get(n)?.etag, model.get(n)?.size]), where);
          assert.equal(out.IsTruncated, after.length > max, where);
          assert.equal(out.PartNumberMarker, String(marker ?? 0), where);
          assert.equal(out.NextPartNumberMarker, String(expected[expected.length - 1] ?? 0), where);
          assert.equal(out.MaxParts, max, where);
          if (!out.IsTruncated) break;
          marker = Number(out.NextPartNumberMarker);
        }
      }),
      params(106, 25),
    );
  });
});
