/**
 * S3 versioning as a state machine, checked against an oracle: generated sequences of writes,
 * copies, deletes (plain, by version id, in batches), tagging and versioning changes on a few
 * keys of one bucket, each run through the v3 client and through a small model of the
 * documented semantics (S3 User Guide: "Using versioning in S3 buckets", "Working with objects
 * in a versioning-suspended bucket", "Deleting object versions", "Working with delete markers").
 * After each step the answers, the key's reads (current and by every version id the model
 * knows, deleted ones included) and both listings are compared with the model.
 *
 * A second test runs sequences on a data directory, restarts, and compares every bucket again.
 *
 * Seeded, so a failure reproduces. By hand: S3VER_RUNS, S3VER_RESTART_RUNS and S3VER_SEED run
 * more and other sequences, S3VER_PATH replays a reported path, S3VER_NOSHRINK stops at the
 * first failure.
 */
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "./oracle-fast-check.js";
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { acrossRestart, failure, uniqueName, type SdkError, type TestNimbus } from "./harness.js";
import { s3Suite } from "./s3-fixtures.js";

type Status = "Enabled" | "Suspended";
type Tag = { Key: string; Value: string };

/** One version or delete marker of a key, as the model holds it. */
interface Version {
  readonly id: string;
  readonly marker: boolean;
  readonly body: string;
  readonly etag: string;
  readonly metadata: Record<string, string>;
  /** LastModified: the second it was written in. */
  readonly at: number;
  tags: Tag[];
}

/**
 * A well-formed version id S3 never issued. A bucket never versioned refuses it (and any id but
 * "null") as InvalidArgument; a versioned one has no such version; a DeleteObjects entry naming
 * it is a NoSuchVersion error (see delete-object.ts for the AWS answers each follows).
 */
const UNISSUED = "HPniJFCxqTsMuIH9KX8K8wEjNUgmABCD";

/** Whether a request naming `versionId` is refused as InvalidArgument before any version is looked up. */
function refusedId(model: Model, versionId: string | undefined): boolean {
  return versionId !== undefined && versionId !== "null" && model.status === undefined;
}

/** The oracle: the bucket's versioning status and each key's versions, newest first. */
class Model {
  status: Status | undefined = undefined;
  readonly history = new Map<string, Version[]>();
  /** Every version id Nimbus issued for a key (deleted ones too), newest first. */
  readonly issued = new Map<string, string[]>();

  versions(key: string): Version[] {
    let list = this.history.get(key);
    if (list === undefined) this.history.set(key, (list = []));
    return list;
  }

  latest(key: string): Version | undefined {
    return this.versions(key)[0];
  }

  find(key: string, id: string): Version | undefined {
    return this.versions(key).find((v) => v.id === id);
  }

  /** A version id for a command to name: the key's own (newest first), "null", then other keys'. */
  pickId(key: string, pick: number): string {
    const own = this.issued.get(key) ?? [];
    const others = [...this.issued].filter(([k]) => k !== key).flatMap(([, ids]) => ids);
    const candidates = [...own, "null", UNISSUED, ...others];
    return candidates[pick % candidates.length] as string;
  }

  /**
   * A new current version. Enabled: a new id on top. Unversioned or Suspended: the null version
   * is replaced, and the new one is the newest ("Adding objects to versioning-suspended buckets").
   */
  write(key: string, id: string | undefined, version: Omit<Version, "id">): void {
    const list = this.versions(key);
    if (this.status === "Enabled") {
      assert.ok(id !== undefined && id !== "null", `a write to an Enabled bucket gets a version id, got ${id}`);
      this.issued.set(key, [id, ...(this.issued.get(key) ?? [])]);
      list.unshift({ ...version, id });
      return;
    }
    const at = list.findIndex((v) => v.id === "null");
    if (at !== -1) list.splice(at, 1);
    list.unshift({ ...version, id: "null" });
  }

  remove(key: string, id: string): Version | undefined {
    const list = this.versions(key);
    const at = list.findIndex((v) => v.id === id);
    if (at === -1) return undefined;
    return list.splice(at, 1)[0];
  }

  keys(): string[] {
    return [...this.history.keys()].filter((k) => this.versions(k).length > 0).sort(byUtf8);
  }
}

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

const md5 = (data: string | Buffer): Buffer => createHash("md5").update(data).digest();
const plainETag = (body: string): string => `"${md5(body).toString("hex")}"`;
const multipartETag = (body: string): string => `"${md5(md5(body)).toString("hex")}-1"`;

interface Real {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly nimbus: TestNimbus;
}

/** The LastModified of a version written now: S3's are whole seconds. */
function second(real: Real): number {
  return Math.floor(real.nimbus.manualClock.now() / 1000) * 1000;
}

/** The x-amz-delete-marker and x-amz-version-id of an error the SDK threw. */
function errorHeaders(err: SdkError): [string | undefined, string | undefined] {
  const headers = (err.$response as { headers: Record<string, string> } | undefined)?.headers ?? {};
  return [headers["x-amz-delete-marker"], headers["x-amz-version-id"]];
}

/** The VersionId a read answers: the version's id once the bucket has a versioning state, none before. */
function readId(model: Model, v: Version): string | undefined {
  return model.status === undefined ? undefined : v.id;
}

async function checkRead(model: Model, real: Real, key: string, versionId: string | undefined, label: string): Promise<void> {
  const { s3, bucket } = real;
  const expected = versionId === undefined ? model.latest(key) : model.find(key, versionId);
  const where = `${label}: ${key}${versionId === undefined ? "" : `?versionId=${versionId}`}`;
  for (const method of ["GET", "HEAD"] as const) {
    const call = method === "GET" ? s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId })) : s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    if (refusedId(model, versionId)) {
      const err = await failure(call);
      assert.equal(err.$metadata.httpStatusCode, 400, `${method} ${where}`);
      if (method === "GET") assert.equal(err.name, "InvalidArgument", `${method} ${where}`);
      continue;
    }
    if (expected === undefined) {
      const err = await failure(call);
      assert.equal(err.$metadata.httpStatusCode, 404, `${method} ${where}`);
      if (method === "GET") assert.equal(err.name, versionId === undefined ? "NoSuchKey" : "NoSuchVersion", `${method} ${where}`);
      assert.deepEqual(errorHeaders(err), [undefined, undefined], `${method} ${where}: no delete-marker headers`);
      continue;
    }
    if (expected.marker) {
      const err = await failure(call);
      // Current: 404 NoSuchKey; by version id: 405 MethodNotAllowed (GetObject, HeadObject API reference).
      assert.equal(err.$metadata.httpStatusCode, versionId === undefined ? 404 : 405, `${method} ${where}`);
      if (method === "GET") assert.equal(err.name, versionId === undefined ? "NoSuchKey" : "MethodNotAllowed", `${method} ${where}`);
      assert.deepEqual(errorHeaders(err), ["true", expected.id], `${method} ${where}: delete-marker headers`);
      continue;
    }
    const out = await call;
    assert.equal(out.VersionId, readId(model, expected), `${method} ${where}: VersionId`);
    assert.equal(out.ETag, expected.etag, `${method} ${where}: ETag`);
    assert.equal(out.LastModified?.getTime(), expected.at, `${method} ${where}: LastModified`);
    assert.equal(out.ContentLength, Buffer.byteLength(expected.body), `${method} ${where}: ContentLength`);
    assert.deepEqual(out.Metadata, expected.metadata, `${method} ${where}: Metadata`);
    assert.equal(out.TagCount, expected.tags.length === 0 ? undefined : expected.tags.length, `${method} ${where}: TagCount`);
    assert.equal(out.DeleteMarker, undefined, `${method} ${where}: DeleteMarker`);
    if ("Body" in out && out.Body !== undefined) assert.equal(await out.Body.transformToString(), expected.body, `${method} ${where}: body`);
  }
}

/** Reads of the key: current, by each id the model knows for it, and by ids that name no version of it. */
async function checkKey(model: Model, real: Real, key: string, label: string): Promise<void> {
  await checkRead(model, real, key, undefined, label);
  const ids = new Set<string>(model.versions(key).map((v) => v.id));
  for (const id of model.issued.get(key) ?? []) ids.add(id);
  // "null" is a version id S3 takes in any bucket (GetObject ?versionId=null of a bucket never versioned).
  ids.add("null");
  ids.add(UNISSUED);
  for (const id of ids) await checkRead(model, real, key, id, label);
}

async function checkListings(model: Model, real: Real, label: string, maxKeys?: number): Promise<void> {
  const { s3, bucket } = real;
  const versions: unknown[] = [];
  const markers: unknown[] = [];
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  const pages: unknown[] = [];
  for (let page = 0; ; page++) {
    assert.ok(page < 200, `${label}: ListObjectVersions pages without end: ${JSON.stringify(pages.slice(0, 8))}`);
    const out = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: maxKeys, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
    pages.push([keyMarker, versionIdMarker, [...(out.Versions ?? []), ...(out.DeleteMarkers ?? [])].map((v) => [v.Key, v.VersionId])]);
    for (const v of out.Versions ?? []) versions.push([v.Key, v.VersionId, v.IsLatest, v.ETag, v.Size, v.LastModified?.getTime()]);
    for (const m of out.DeleteMarkers ?? []) markers.push([m.Key, m.VersionId, m.IsLatest, m.LastModified?.getTime()]);
    if (!out.IsTruncated) break;
    keyMarker = out.NextKeyMarker;
    versionIdMarker = out.NextVersionIdMarker;
  }
  const wantVersions: unknown[] = [];
  const wantMarkers: unknown[] = [];
  const wantCurrent: unknown[] = [];
  for (const key of model.keys()) {
    model.versions(key).forEach((v, i) => {
      if (v.marker) wantMarkers.push([key, v.id, i === 0, v.at]);
      else wantVersions.push([key, v.id, i === 0, v.etag, Buffer.byteLength(v.body), v.at]);
      if (i === 0 && !v.marker) wantCurrent.push([key, v.etag, Buffer.byteLength(v.body), v.at]);
    });
  }
  assert.deepEqual(versions, wantVersions, `${label}: ListObjectVersions Versions${maxKeys ? ` (MaxKeys ${maxKeys})` : ""}`);
  assert.deepEqual(markers, wantMarkers, `${label}: ListObjectVersions DeleteMarkers${maxKeys ? ` (MaxKeys ${maxKeys})` : ""}`);
  const current = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.deepEqual((current.Contents ?? []).map((c) => [c.Key, c.ETag, c.Size, c.LastModified?.getTime()]), wantCurrent, `${label}: ListObjectsV2`);
  const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  assert.equal(versioning.Status, model.status, `${label}: GetBucketVersioning`);
}

// --- commands ------------------------------------------------------------------------------

const KEY_POOL = ["k", "k/0", "k 1", "ké", "k+%", "K"];
const bodies = fc.constantFrom("", "a", "b", "hello", "hello world", "ünïcödé");
/** fc.dictionary makes objects without a prototype; the SDK's are plain. */
const plain = (d: Record<string, string>): Record<string, string> => Object.assign({}, d);
const metadatas = fc.option(fc.dictionary(fc.constantFrom("m", "n"), fc.constantFrom("1", "two", "x y")).map(plain), { nil: undefined });
const tagSets = fc.array(fc.record({ Key: fc.constantFrom("t", "u", "v"), Value: fc.constantFrom("", "1", "x") }), { maxLength: 3 }).map((tags) => {
  const seen = new Set<string>();
  return tags.filter((t) => !seen.has(t.Key) && seen.add(t.Key)).map((t) => ({ Key: t.Key, Value: t.Value }));
});
/** Which version a command names: the current one, or a version id picked by the model. */
const targets = fc.option(fc.nat({ max: 12 }), { nil: undefined, freq: 3 });

type Cmd = fc.AsyncCommand<Model, Real>;

class Put implements Cmd {
  constructor(readonly key: string, readonly body: string, readonly metadata: Record<string, string> | undefined) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const out = await real.s3.send(new PutObjectCommand({ Bucket: real.bucket, Key: this.key, Body: this.body, Metadata: this.metadata }));
    // No x-amz-version-id for the null version an unversioned or Suspended bucket writes (PutObject API reference).
    if (model.status !== "Enabled") assert.equal(out.VersionId, undefined, `${this}: VersionId`);
    assert.equal(out.ETag, plainETag(this.body), `${this}: ETag`);
    model.write(this.key, out.VersionId, { marker: false, body: this.body, etag: plainETag(this.body), metadata: this.metadata ?? {}, at: second(real), tags: [] });
    await checkKey(model, real, this.key, String(this));
  }
  toString = () => `Put(${JSON.stringify(this.key)}, ${JSON.stringify(this.body)}, ${JSON.stringify(this.metadata)})`;
}

class Multipart implements Cmd {
  constructor(readonly key: string, readonly body: string) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const { s3, bucket } = real;
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: this.key }));
    const part = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: this.key, UploadId: upload.UploadId, PartNumber: 1, Body: this.body }));
    const out = await s3.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: this.key, UploadId: upload.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
    );
    if (model.status !== "Enabled") assert.equal(out.VersionId, undefined, `${this}: VersionId`);
    assert.equal(out.ETag, multipartETag(this.body), `${this}: ETag`);
    model.write(this.key, out.VersionId, { marker: false, body: this.body, etag: multipartETag(this.body), metadata: {}, at: second(real), tags: [] });
    await checkKey(model, real, this.key, String(this));
  }
  toString = () => `Multipart(${JSON.stringify(this.key)}, ${JSON.stringify(this.body)})`;
}

class Copy implements Cmd {
  constructor(
    readonly source: string,
    readonly target: number | undefined,
    readonly key: string,
    readonly replace: Record<string, string> | undefined,
  ) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const { s3, bucket } = real;
    const versionId = this.target === undefined ? undefined : model.pickId(this.source, this.target);
    const label = `${this}${versionId === undefined ? "" : ` [source version ${versionId}]`}`;
    const copySource = `${bucket}/${encodeURIComponent(this.source)}${versionId === undefined ? "" : `?versionId=${versionId}`}`;
    const call = s3.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: this.key,
        CopySource: copySource,
        ...(this.replace !== undefined ? { MetadataDirective: "REPLACE", Metadata: this.replace } : {}),
      }),
    );
    const source = versionId === undefined ? model.latest(this.source) : model.find(this.source, versionId);
    if (refusedId(model, versionId)) {
      const err = await failure(call);
      assert.deepEqual([err.name, err.$metadata.httpStatusCode], ["InvalidArgument", 400], label);
      return;
    }
    if (source === undefined) {
      const err = await failure(call);
      assert.deepEqual([err.name, err.$metadata.httpStatusCode], [versionId === undefined ? "NoSuchKey" : "NoSuchVersion", 404], label);
      return;
    }
    if (source.marker) {
      const err = await failure(call);
      // CopyObject API reference: a delete marker named by version id is InvalidRequest; the current one is "no such key".
      if (versionId === undefined) assert.deepEqual([err.name, err.$metadata.httpStatusCode, ...errorHeaders(err)], ["NoSuchKey", 404, "true", source.id], label);
      else {
        assert.deepEqual(
          [err.name, err.$metadata.httpStatusCode, err.message],
          ["InvalidRequest", 400, "The source of a copy request may not specifically refer to a delete marker by version id."],
          label,
        );
      }
      return;
    }
    if (this.source === this.key && versionId === undefined && this.replace === undefined) {
      const err = await failure(call);
      assert.deepEqual([err.name, err.$metadata.httpStatusCode], ["InvalidRequest", 400], label);
      return;
    }
    const out = await call;
    // A copy names the null version it writes under Suspended versioning, and no null source version.
    assert.equal(out.VersionId === undefined, model.status === undefined, `${label}: VersionId ${out.VersionId}`);
    if (model.status === "Suspended") assert.equal(out.VersionId, "null", `${label}: VersionId`);
    assert.equal(out.CopySourceVersionId, model.status !== undefined && source.id !== "null" ? source.id : undefined, `${label}: CopySourceVersionId`);
    const etag = plainETag(source.body);
    assert.equal(out.CopyObjectResult?.ETag, etag, `${label}: ETag`);
    model.write(this.key, model.status === "Enabled" ? out.VersionId : undefined, {
      marker: false,
      body: source.body,
      etag,
      metadata: this.replace ?? { ...source.metadata },
      at: second(real),
      tags: [...source.tags],
    });
    await checkKey(model, real, this.key, label);
  }
  toString = () => `Copy(${JSON.stringify(this.source)}, ${this.target}, ${JSON.stringify(this.key)}, ${JSON.stringify(this.replace)})`;
}

/** What a delete without a version id does to the model, as its answer should say: [DeleteMarker, VersionId]. */
function plainDelete(model: Model, key: string, markerId: string | undefined, at: number): [boolean | undefined, string | undefined] {
  if (model.status === undefined) {
    model.remove(key, "null");
    return [undefined, undefined];
  }
  if (model.status === "Suspended") {
    // "Deleting objects from versioning-suspended buckets": the null version goes, a null delete marker takes its place.
    model.write(key, undefined, { marker: true, body: "", etag: "", metadata: {}, at, tags: [] });
    return [true, "null"];
  }
  assert.ok(markerId !== undefined && markerId !== "null", `a delete in an Enabled bucket adds a marker with an id, got ${markerId}`);
  model.write(key, markerId, { marker: true, body: "", etag: "", metadata: {}, at, tags: [] });
  return [true, markerId];
}

/** What a delete of one version does: that version goes for good; [DeleteMarker, VersionId] of the answer. */
function versionDelete(model: Model, key: string, versionId: string): [boolean | undefined, string | undefined] {
  const removed = model.remove(key, versionId);
  return [removed?.marker ? true : undefined, versionId];
}

class Delete implements Cmd {
  constructor(readonly key: string, readonly target: number | undefined) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const versionId = this.target === undefined ? undefined : model.pickId(this.key, this.target);
    const label = `${this}${versionId === undefined ? "" : ` [${versionId}]`}`;
    const call = real.s3.send(new DeleteObjectCommand({ Bucket: real.bucket, Key: this.key, VersionId: versionId }));
    if (refusedId(model, versionId)) {
      const err = await failure(call);
      assert.deepEqual([err.name, err.$metadata.httpStatusCode], ["InvalidArgument", 400], label);
      return;
    }
    const out = await call;
    const want = versionId === undefined ? plainDelete(model, this.key, out.VersionId, second(real)) : versionDelete(model, this.key, versionId);
    assert.deepEqual([out.DeleteMarker, out.VersionId], want, `${label}: DeleteMarker, VersionId`);
    await checkKey(model, real, this.key, label);
  }
  toString = () => `Delete(${JSON.stringify(this.key)}, ${this.target})`;
}

class DeleteMany implements Cmd {
  constructor(readonly entries: readonly { key: string; target: number | undefined }[]) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const objects = this.entries.map((e) => ({ Key: e.key, VersionId: e.target === undefined ? undefined : model.pickId(e.key, e.target) }));
    const label = `${this} ${JSON.stringify(objects)}`;
    const out = await real.s3.send(new DeleteObjectsCommand({ Bucket: real.bucket, Delete: { Objects: objects } }));
    const got = out.Deleted ?? [];
    const wantErrors: unknown[] = [];
    // A repeated entry (same key, same version id or none) is deleted and reported once.
    const seen = new Set<string>();
    const want: unknown[] = [];
    let i = 0;
    for (const o of objects) {
      const id = JSON.stringify([o.Key, o.VersionId ?? null]);
      if (seen.has(id)) continue;
      seen.add(id);
      if (o.VersionId === UNISSUED) {
        wantErrors.push({ Key: o.Key, VersionId: o.VersionId, Code: "NoSuchVersion", Message: "The specified version does not exist." });
        continue;
      }
      const reported = got[i++];
      if (o.VersionId === undefined) {
        const [marker, markerId] = plainDelete(model, o.Key, reported?.DeleteMarkerVersionId, second(real));
        want.push({ Key: o.Key, ...(marker ? { DeleteMarker: true, DeleteMarkerVersionId: markerId } : {}) });
      } else {
        // DeletedObject: "If you delete a specific object version, the value returned by this header is the version ID of the object version deleted."
        const [marker] = versionDelete(model, o.Key, o.VersionId);
        want.push({ Key: o.Key, VersionId: o.VersionId, ...(marker ? { DeleteMarker: true, DeleteMarkerVersionId: o.VersionId } : {}) });
      }
    }
    assert.deepEqual(got, want, `${label}: Deleted`);
    assert.deepEqual(out.Errors ?? [], wantErrors, `${label}: Errors`);
    for (const key of new Set(objects.map((o) => o.Key))) await checkKey(model, real, key, label);
  }
  toString = () => `DeleteMany(${JSON.stringify(this.entries)})`;
}

class SetVersioning implements Cmd {
  constructor(readonly status: Status) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await real.s3.send(new PutBucketVersioningCommand({ Bucket: real.bucket, VersioningConfiguration: { Status: this.status } }));
    model.status = this.status;
  }
  toString = () => `SetVersioning(${this.status})`;
}

class Tagging implements Cmd {
  constructor(readonly key: string, readonly target: number | undefined, readonly tags: Tag[] | undefined) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    const { s3, bucket } = real;
    const versionId = this.target === undefined ? undefined : model.pickId(this.key, this.target);
    const label = `${this}${versionId === undefined ? "" : ` [${versionId}]`}`;
    const call =
      this.tags === undefined
        ? s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: this.key, VersionId: versionId }))
        : s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: this.key, VersionId: versionId, Tagging: { TagSet: this.tags } }));
    const version = versionId === undefined ? model.latest(this.key) : model.find(this.key, versionId);
    if (refusedId(model, versionId)) {
      const err = await failure(call);
      assert.deepEqual([err.name, err.$metadata.httpStatusCode], ["InvalidArgument", 400], label);
      return;
    }
    if (version === undefined) {
      const err = await failure(call);
      assert.deepEqual([err.name, err.$metadata.httpStatusCode], [versionId === undefined ? "NoSuchKey" : "NoSuchVersion", 404], label);
      return;
    }
    if (version.marker) {
      const err = await failure(call);
      if (versionId === undefined) assert.deepEqual([err.name, err.$metadata.httpStatusCode, ...errorHeaders(err)], ["NoSuchKey", 404, "true", version.id], label);
      else assert.deepEqual([err.name, err.$metadata.httpStatusCode, ...errorHeaders(err)], ["MethodNotAllowed", 405, "true", version.id], label);
      return;
    }
    const out = await call;
    assert.equal(out.VersionId, readId(model, version), `${label}: VersionId`);
    if (this.tags === undefined) assert.deepEqual((out as { TagSet?: Tag[] }).TagSet, version.tags, `${label}: TagSet`);
    else version.tags = [...this.tags];
    await checkKey(model, real, this.key, label);
  }
  toString = () => `Tagging(${JSON.stringify(this.key)}, ${this.target}, ${JSON.stringify(this.tags)})`;
}

/** Time passes: versions written in the same second and in later ones. */
class Tick implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(_model: Model, real: Real): Promise<void> {
    await real.nimbus.scheduler.advance(this.ms);
  }
  toString = () => `Tick(${this.ms})`;
}

/** A command, then both listings and the versioning status compared with the model. */
class Checked implements Cmd {
  constructor(readonly inner: Cmd) {}
  check = () => true;
  async run(model: Model, real: Real): Promise<void> {
    await this.inner.run(model, real);
    await checkListings(model, real, String(this.inner));
  }
  toString = () => String(this.inner);
}

function commands(keys: readonly string[]) {
  const key = fc.constantFrom(...keys);
  return fc.commands(
    [
      fc.tuple(key, bodies, metadatas).map(([k, b, m]) => new Put(k, b, m)),
      fc.tuple(key, bodies.filter((b) => b !== "")).map(([k, b]) => new Multipart(k, b)),
      fc.tuple(key, targets, key, fc.option(fc.dictionary(fc.constantFrom("m", "r"), fc.constantFrom("c", "d")).map(plain), { nil: undefined })).map(([s, t, k, r]) => new Copy(s, t, k, r)),
      fc.tuple(key, targets).map(([k, t]) => new Delete(k, t)),
      fc.tuple(key, targets).map(([k, t]) => new Delete(k, t)),
      fc.array(fc.record({ key, target: targets }), { minLength: 1, maxLength: 5 }).map((entries) => new DeleteMany(entries)),
      fc.constantFrom<Status>("Enabled", "Suspended").map((s) => new SetVersioning(s)),
      fc.tuple(key, targets, fc.option(tagSets, { nil: undefined })).map(([k, t, tags]) => new Tagging(k, t, tags)),
      fc.constantFrom(0, 1000, 60_000).map((ms) => new Tick(ms)),
    ].map((arb) => arb.map((cmd: Cmd) => new Checked(cmd))),
    { maxCommands: 30 },
  );
}

const scenarios = fc
  .record({
    keys: fc.shuffledSubarray(KEY_POOL, { minLength: 2, maxLength: 4 }),
    initial: fc.constantFrom<Status | undefined>(undefined, "Enabled", "Suspended"),
    pageSize: fc.integer({ min: 1, max: 4 }),
  })
  .chain((s) => commands(s.keys).map((cmds) => ({ ...s, cmds })));

const RUNS = Number(process.env["S3VER_RUNS"] ?? 20);
const SEED = Number(process.env["S3VER_SEED"] ?? 20261202);
const RESTART_RUNS = Number(process.env["S3VER_RESTART_RUNS"] ?? 6);

/** A new bucket in the scenario's initial versioning state, and the model of it. */
async function start(s3: S3Client, nimbus: TestNimbus, initial: Status | undefined): Promise<{ model: Model; real: Real }> {
  const bucket = uniqueName("vorc");
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const model = new Model();
  if (initial !== undefined) {
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: initial } }));
    model.status = initial;
  }
  return { model, real: { s3, bucket, nimbus } };
}

async function checkAll(model: Model, real: Real, label: string, pageSize: number): Promise<void> {
  await checkListings(model, real, label);
  await checkListings(model, real, `${label}, paged`, pageSize);
  for (const key of model.history.keys()) await checkKey(model, real, key, label);
}

describe("S3 versioning against an oracle", () => {
  let nimbus: TestNimbus;
  let s3: S3Client;
  s3Suite((fixture) => ({ nimbus, s3 } = fixture));

  test("generated sequences of writes, copies, deletes, tagging and versioning changes", async () => {
    await fc.assert(
      fc.asyncProperty(scenarios, async ({ initial, pageSize, cmds }) => {
        const setup = await start(s3, nimbus, initial);
        await fc.asyncModelRun(() => setup, cmds);
        await checkAll(setup.model, setup.real, "end", pageSize);
      }),
      { seed: SEED, numRuns: RUNS, path: process.env["S3VER_PATH"], includeErrorInReport: true, endOnFailure: process.env["S3VER_NOSHRINK"] !== undefined },
    );
  });

  // Many sequences on one data directory, one restart, then every bucket compared again.
  test("the state of generated sequences is the same after a restart", async () => {
    const runs = fc.sample(scenarios, { seed: SEED + 1, numRuns: RESTART_RUNS });
    await acrossRestart(
      (started) => ({ nimbus: started, s3: new S3Client({ ...{}, ...started.clientConfig(), forcePathStyle: true }) }),
      ({ s3: client }) => client.destroy(),
      async ({ nimbus: started, s3: client }) => {
        const done: { model: Model; bucket: string; label: string; pageSize: number }[] = [];
        for (const { initial, pageSize, cmds } of runs) {
          const setup = await start(client, started, initial);
          await fc.asyncModelRun(() => setup, cmds);
          done.push({ model: setup.model, bucket: setup.real.bucket, label: `after a restart, ${initial} then ${String(cmds)}`, pageSize });
        }
        return done;
      },
      async ({ nimbus: started, s3: client }, done) => {
        for (const { model, bucket, label, pageSize } of done) await checkAll(model, { s3: client, bucket, nimbus: started }, label, pageSize);
      },
    );
  });
});
