/**
 * S3 under kill -9 (crash-restart.test.ts): single PUTs of small and streamed bodies,
 * multipart uploads completed before, during and after a crash, deletes, in a bucket never
 * versioned and in a versioned one. Each key has one writer, so its history is a line: the
 * acknowledged changes, then at most one change in flight at the kill.
 *
 * After a restart: a key reads back byte for byte with the ETag its last acknowledged write
 * answered, or with the change in flight applied whole (never a part of a body); a completed
 * upload and its upload id are never both there, nor both gone; an upload's acknowledged parts
 * are listed and complete into the object; listings show only objects that read back.
 */
import assert from "node:assert/strict";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  ListPartsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { bytesOf, md5, sha256, type Clients, type Random, type Round } from "./crash-harness.js";

/** A body as S3 should give it back: its bytes' digest, size and the ETag its write answered. */
interface Body {
  readonly sha256: string;
  readonly size: number;
  readonly etag: string;
}

/** What a change in flight at the kill did: maybe anything, or (learnt from its upload) surely it or surely not. */
type Fate = "either" | "applied" | "not-applied";

type PlainChange = { readonly kind: "put"; readonly body: Body } | { readonly kind: "delete" };
type VersionedChange = PlainChange | { readonly kind: "delete-version"; readonly id: string };

interface PlainKey {
  readonly versioned: false;
  readonly key: string;
  current: Body | undefined;
  pending?: { change: PlainChange; fate: Fate };
}

interface Version {
  readonly id: string;
  /** Undefined for a delete marker. */
  readonly body: Body | undefined;
}

interface VersionedKey {
  readonly versioned: true;
  readonly key: string;
  /** Oldest first. */
  versions: Version[];
  pending?: { change: VersionedChange; fate: Fate };
}

type Key = PlainKey | VersionedKey;

interface Part {
  readonly name: string;
  readonly size: number;
  readonly etag: string;
}

interface Upload {
  readonly target: Key;
  readonly uploadId: string;
  readonly parts: Map<number, Part>;
  /** A part whose upload was in flight at the kill. */
  pendingPart?: { number: number; part: Part };
  /** Its CompleteMultipartUpload was in flight at the kill. */
  completing: boolean;
}

const MIB = 1024 * 1024;
/** S3's smallest part but the last. */
const FIRST_PART_SIZE = 5 * MIB;

function bodyOf(name: string, size: number): Body {
  const bytes = bytesOf(name, size);
  return { sha256: sha256(bytes), size, etag: `"${md5(bytes)}"` };
}

function partOf(name: string, size: number): Part {
  return { name, size, etag: `"${md5(bytesOf(name, size))}"` };
}

/** The object CompleteMultipartUpload makes of `parts`: their bytes joined, the ETag the MD5 of their MD5s. */
function joined(parts: readonly Part[]): Body {
  const whole = Buffer.concat(parts.map((p) => bytesOf(p.name, p.size)));
  const digests = Buffer.concat(parts.map((p) => Buffer.from(p.etag.slice(1, -1), "hex")));
  return { sha256: sha256(whole), size: whole.length, etag: `"${md5(digests)}-${parts.length}"` };
}

function errorName(error: unknown): string | undefined {
  return error instanceof S3ServiceException ? error.name : undefined;
}

async function read(s3: S3Client, bucket: string, key: string, versionId?: string): Promise<{ sha256: string; size: number; etag: string } | undefined> {
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId !== undefined ? { VersionId: versionId } : {}) }));
    const bytes = await got.Body?.transformToByteArray();
    assert.ok(bytes, `GET ${bucket}/${key} has a body`);
    return { sha256: sha256(bytes), size: bytes.length, etag: got.ETag ?? "" };
  } catch (error) {
    if (versionId === undefined && errorName(error) === "NoSuchKey") return undefined;
    throw error;
  }
}

function sameBody(got: { sha256: string; size: number; etag: string } | undefined, want: Body | undefined): boolean {
  if (got === undefined || want === undefined) return got === want;
  return got.sha256 === want.sha256 && got.size === want.size && got.etag === want.etag;
}

function describe(body: { size: number; etag: string } | undefined): string {
  return body === undefined ? "absent" : `${body.size} bytes, ETag ${body.etag}`;
}

export class S3Scenario {
  readonly plainBucket: string;
  readonly versionedBucket: string;
  private readonly keys: Key[] = [];
  private readonly uploads = new Set<Upload>();
  private bodies = 0;
  /** What the checks found, for the test's report that the kills landed in interesting places. */
  readonly stats = { uncertain: 0, uploadsResumed: 0, completesInFlight: 0 };

  constructor(private readonly seed: number, suffix: string) {
    this.plainBucket = `crash-plain-${suffix}`;
    this.versionedBucket = `crash-versioned-${suffix}`;
    for (let w = 0; w < 2; w++) for (let k = 0; k < 6; k++) this.keys.push({ versioned: false, key: `plain/w${w}/k${k}`, current: undefined });
    for (let k = 0; k < 6; k++) this.keys.push({ versioned: true, key: `versioned/k${k}`, versions: [] });
    for (let k = 0; k < 3; k++) this.keys.push({ versioned: false, key: `multipart/k${k}`, current: undefined });
    for (let k = 0; k < 3; k++) this.keys.push({ versioned: true, key: `multipart/k${k}`, versions: [] });
  }

  private bucketOf(key: Key): string {
    return key.versioned ? this.versionedBucket : this.plainBucket;
  }

  private name(key: Key): string {
    return `${this.seed}/${this.bucketOf(key)}/${key.key}/${this.bodies++}`;
  }

  async setup({ s3 }: Clients): Promise<void> {
    await s3.send(new CreateBucketCommand({ Bucket: this.plainBucket }));
    await s3.send(new CreateBucketCommand({ Bucket: this.versionedBucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: this.versionedBucket, VersioningConfiguration: { Status: "Enabled" } }));
  }

  workers(round: Round): Array<() => Promise<void>> {
    const owned = (prefix: string) => this.keys.filter((k) => k.key.startsWith(prefix));
    return [
      () => this.putWorker(round, round.random(this.seed, "s3-plain-0"), owned("plain/w0/")),
      () => this.putWorker(round, round.random(this.seed, "s3-plain-1"), owned("plain/w1/")),
      () => this.putWorker(round, round.random(this.seed, "s3-versioned"), owned("versioned/")),
      () => this.multipartWorker(round, round.random(this.seed, "s3-multipart"), owned("multipart/")),
    ];
  }

  /** PUTs (small and streamed), deletes and, on a versioned key, deletes of one version. */
  private async putWorker(round: Round, random: Random, keys: readonly Key[]): Promise<void> {
    const { s3 } = round.clients;
    while (!round.killed) {
      const key = random.pick(keys);
      const bucket = this.bucketOf(key);
      const roll = random.next();
      if (roll < 0.65) {
        // A third of the bodies are past the blob store's 256 KiB buffered limit and stream to
        // disk; some small ones are the same bytes under many keys, one blob with many references.
        const shared = random.chance(0.2) ? random.int(0, 2) : undefined;
        const size = shared !== undefined ? 10_000 + shared : random.chance(0.3) ? random.int(300 * 1024, 3 * MIB) : random.int(0, 64 * 1024);
        const name = shared !== undefined ? `${this.seed}/shared/${shared}` : this.name(key);
        const body = bodyOf(name, size);
        const put = await round.attempt(() => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key.key, Body: bytesOf(name, size) })));
        if (!put.acked) return this.inFlight(key, { kind: "put", body });
        assert.equal(put.value.ETag, body.etag, `PUT ${bucket}/${key.key} answers the MD5 of its body`);
        this.apply(key, { kind: "put", body }, put.value.VersionId);
      } else if (roll < 0.85 || !key.versioned || key.versions.length === 0) {
        const deleted = await round.attempt(() => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key.key })));
        if (!deleted.acked) return this.inFlight(key, { kind: "delete" });
        if (key.versioned) assert.equal(deleted.value.DeleteMarker, true);
        this.apply(key, { kind: "delete" }, deleted.value.VersionId);
      } else {
        const { id } = random.pick(key.versions);
        const deleted = await round.attempt(() => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key.key, VersionId: id })));
        if (!deleted.acked) return this.inFlight(key, { kind: "delete-version", id });
        this.apply(key, { kind: "delete-version", id }, undefined);
      }
    }
  }

  /** Create, a 5 MiB part, a small last part, complete: the kill may land between or inside any of them. */
  private async multipartWorker(round: Round, random: Random, keys: readonly Key[]): Promise<void> {
    const { s3 } = round.clients;
    while (!round.killed) {
      const target = random.pick(keys.filter((k) => ![...this.uploads].some((u) => u.target === k)));
      const bucket = this.bucketOf(target);
      const created = await round.attempt(() => s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: target.key })));
      // An upload created by a request in flight is unknown here: the checks abort whatever they do not know.
      if (!created.acked) return;
      assert.ok(created.value.UploadId);
      const upload: Upload = { target, uploadId: created.value.UploadId, parts: new Map(), completing: false };
      this.uploads.add(upload);
      for (const [number, size] of [[1, FIRST_PART_SIZE], [2, random.int(1, 256 * 1024)]] as const) {
        const part = partOf(this.name(target), size);
        const sent = await round.attempt(() =>
          s3.send(new UploadPartCommand({ Bucket: bucket, Key: target.key, UploadId: upload.uploadId, PartNumber: number, Body: bytesOf(part.name, part.size) })),
        );
        if (!sent.acked) {
          upload.pendingPart = { number, part };
          return;
        }
        assert.equal(sent.value.ETag, part.etag);
        upload.parts.set(number, part);
      }
      const body = joined([...upload.parts.values()]);
      const completed = await round.attempt(() => this.complete(s3, upload));
      if (!completed.acked) {
        upload.completing = true;
        return this.inFlight(target, { kind: "put", body });
      }
      assert.equal(completed.value.ETag, body.etag);
      this.uploads.delete(upload);
      this.apply(target, { kind: "put", body }, completed.value.VersionId);
    }
  }

  private complete(s3: S3Client, upload: Upload) {
    return s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucketOf(upload.target),
        Key: upload.target.key,
        UploadId: upload.uploadId,
        MultipartUpload: { Parts: [...upload.parts].map(([PartNumber, part]) => ({ PartNumber, ETag: part.etag })) },
      }),
    );
  }

  private inFlight(key: Key, change: VersionedChange): void {
    this.stats.uncertain++;
    if (key.versioned) key.pending = { change, fate: "either" };
    else {
      assert.notEqual(change.kind, "delete-version");
      key.pending = { change: change as PlainChange, fate: "either" };
    }
  }

  /** An acknowledged change; `versionId` is what a versioned bucket answered for it. */
  private apply(key: Key, change: VersionedChange, versionId: string | undefined): void {
    if (!key.versioned) {
      key.current = change.kind === "put" ? change.body : undefined;
      return;
    }
    if (change.kind === "delete-version") {
      key.versions = key.versions.filter((v) => v.id !== change.id);
      return;
    }
    assert.ok(versionId, `a versioned bucket names the version of every ${change.kind}`);
    key.versions.push({ id: versionId, body: change.kind === "put" ? change.body : undefined });
  }

  /** After a restart: every key, upload and listing against what was acknowledged. */
  async verify({ s3 }: Clients): Promise<void> {
    // A complete in flight: its upload id is gone exactly when its object is there (one transaction).
    for (const upload of this.uploads) {
      if (!upload.completing) continue;
      this.stats.completesInFlight++;
      const listed = await this.listedParts(s3, upload);
      const pending = upload.target.pending;
      assert.ok(pending);
      pending.fate = listed === undefined ? "applied" : "not-applied";
      if (listed === undefined) this.uploads.delete(upload);
      else upload.completing = false;
    }
    for (const key of this.keys) {
      if (key.versioned) await this.verifyVersioned(s3, key);
      else await this.verifyPlain(s3, key);
    }
    await this.resumeUploads(s3);
    await this.verifyListings(s3);
  }

  private async verifyPlain(s3: S3Client, key: PlainKey): Promise<void> {
    const got = await read(s3, this.plainBucket, key.key);
    const pending = key.pending;
    const after = pending === undefined ? undefined : pending.change.kind === "put" ? pending.change.body : undefined;
    const allowed = pending === undefined || pending.fate === "not-applied" ? [key.current] : pending.fate === "applied" ? [after] : [key.current, after];
    assert.ok(
      allowed.some((body) => sameBody(got, body)),
      `${this.plainBucket}/${key.key} reads back ${describe(got)}; acknowledged: ${describe(key.current)}` +
        (pending ? `, in flight at the kill (${pending.fate}): ${pending.change.kind} ${describe(after)}` : ""),
    );
    key.current = got === undefined ? undefined : allowed.find((body) => sameBody(got, body));
    delete key.pending;
  }

  private async verifyVersioned(s3: S3Client, key: VersionedKey): Promise<void> {
    const listed = await this.listVersions(s3, key.key);
    const known = new Map(key.versions.map((v) => [v.id, v]));
    const pending = key.pending;
    const context = `${this.versionedBucket}/${key.key}: listed ${JSON.stringify(listed)}, acknowledged ${JSON.stringify(key.versions)}, in flight ${JSON.stringify(pending)}`;
    const extra = listed.filter((v) => !known.has(v.id));
    const missing = key.versions.filter((v) => !listed.some((l) => l.id === v.id));
    const change = pending?.change;
    const fate = pending?.fate;
    // A change in flight adds one version (PUT, delete marker) or removes one (a version's delete), or does nothing.
    if (change?.kind === "delete-version") {
      assert.deepEqual(extra, [], context);
      const removed = missing.map((v) => v.id);
      assert.ok(fate === "applied" ? removed.length === 1 && removed[0] === change.id : fate === "not-applied" ? removed.length === 0 : removed.length === 0 || (removed.length === 1 && removed[0] === change.id), context);
    } else {
      assert.deepEqual(missing, [], context);
      assert.ok(extra.length <= 1 && (change !== undefined || extra.length === 0), context);
      if (fate === "applied") assert.equal(extra.length, 1, context);
      if (fate === "not-applied") assert.equal(extra.length, 0, context);
      const added = extra[0];
      if (added !== undefined && change !== undefined) {
        if (change.kind === "put") assert.ok(added.etag === change.body.etag && added.size === change.body.size, context);
        else assert.equal(added.marker, true, context);
      }
    }
    // Listed newest first; the model keeps oldest first.
    const versions: Version[] = [...listed].reverse().map((l) => {
      const mine = known.get(l.id);
      if (mine !== undefined) return mine;
      return { id: l.id, body: change?.kind === "put" ? change.body : undefined };
    });
    for (const l of listed) {
      const mine = versions.find((v) => v.id === l.id);
      assert.equal(l.marker, mine?.body === undefined, context);
      if (mine?.body === undefined) continue;
      assert.equal(l.etag, mine.body.etag, context);
      assert.equal(l.size, mine.body.size, context);
      const got = await read(s3, this.versionedBucket, key.key, l.id);
      assert.ok(sameBody(got, mine.body), `${context}: version ${l.id} reads back ${describe(got)}`);
    }
    const newest = versions[versions.length - 1];
    assert.deepEqual(listed.filter((l) => l.latest).map((l) => l.id), newest === undefined ? [] : [newest.id], `${context}: the newest version is the latest`);
    const current = await read(s3, this.versionedBucket, key.key);
    assert.ok(sameBody(current, newest?.body), `${context}: GET without a version reads ${describe(current)}`);
    key.versions = versions;
    delete key.pending;
  }

  private async listVersions(s3: S3Client, key: string): Promise<Array<{ id: string; marker: boolean; latest: boolean; etag?: string; size?: number }>> {
    const out = await s3.send(new ListObjectVersionsCommand({ Bucket: this.versionedBucket, Prefix: key }));
    assert.notEqual(out.IsTruncated, true);
    const listed = [
      ...(out.Versions ?? []).filter((v) => v.Key === key).map((v) => ({ id: v.VersionId ?? "", marker: false, latest: v.IsLatest === true, etag: v.ETag ?? "", size: v.Size ?? -1 })),
      ...(out.DeleteMarkers ?? []).filter((v) => v.Key === key).map((v) => ({ id: v.VersionId ?? "", marker: true, latest: v.IsLatest === true })),
    ];
    // Newest first, as S3 lists them. The SDK splits S3's one list into versions and delete
    // markers, so the order is the model's, with a version it does not know (in flight) newest;
    // IsLatest is what S3 itself says about the order.
    const versions = this.keys.find((k): k is VersionedKey => k.versioned && k.key === key)?.versions ?? [];
    const age = (id: string): number => {
      const i = versions.findIndex((v) => v.id === id);
      return i === -1 ? versions.length : i;
    };
    const sorted = [...listed].sort((a, b) => age(b.id) - age(a.id));
    return sorted;
  }

  /** An upload's parts as ListParts answers them, or undefined when the upload id is gone. */
  private async listedParts(s3: S3Client, upload: Upload): Promise<Map<number, { etag: string; size: number }> | undefined> {
    try {
      const out = await s3.send(new ListPartsCommand({ Bucket: this.bucketOf(upload.target), Key: upload.target.key, UploadId: upload.uploadId }));
      return new Map((out.Parts ?? []).map((p) => [p.PartNumber ?? 0, { etag: p.ETag ?? "", size: p.Size ?? -1 }]));
    } catch (error) {
      if (errorName(error) === "NoSuchUpload") return undefined;
      throw error;
    }
  }

  /**
   * Uploads a crash interrupted: their acknowledged parts are listed as acknowledged, and the
   * upload completes into the object those parts make (part blobs stored before the crash,
   * composed after it). Uploads nobody acknowledged are aborted.
   */
  private async resumeUploads(s3: S3Client): Promise<void> {
    for (const upload of [...this.uploads]) {
      const bucket = this.bucketOf(upload.target);
      const listed = await this.listedParts(s3, upload);
      assert.ok(listed, `upload ${upload.uploadId} of ${bucket}/${upload.target.key}, created before the kill, is still there`);
      for (const [number, part] of upload.parts) assert.deepEqual(listed.get(number), { etag: part.etag, size: part.size }, `acknowledged part ${number} of ${upload.uploadId}`);
      const pending = upload.pendingPart;
      for (const [number, got] of listed) {
        if (upload.parts.has(number)) continue;
        assert.equal(number, pending?.number, `part ${number} of ${upload.uploadId} was never sent`);
        assert.deepEqual(got, { etag: pending?.part.etag, size: pending?.part.size }, `part ${number} in flight at the kill is whole or absent`);
      }
      const sizes = [FIRST_PART_SIZE, 1000];
      for (const number of [1, 2]) {
        if (upload.parts.has(number)) continue;
        const part = partOf(this.name(upload.target), sizes[number - 1] ?? 0);
        const sent = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: upload.target.key, UploadId: upload.uploadId, PartNumber: number, Body: bytesOf(part.name, part.size) }));
        assert.equal(sent.ETag, part.etag);
        upload.parts.set(number, part);
      }
      const body = joined([...upload.parts.values()]);
      const completed = await this.complete(s3, upload);
      assert.equal(completed.ETag, body.etag);
      this.uploads.delete(upload);
      this.stats.uploadsResumed++;
      this.apply(upload.target, { kind: "put", body }, completed.VersionId);
      const got = await read(s3, bucket, upload.target.key, completed.VersionId);
      assert.ok(sameBody(got, body), `${bucket}/${upload.target.key} completed after the restart reads back ${describe(got)}`);
    }
    for (const bucket of [this.plainBucket, this.versionedBucket]) {
      const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      for (const u of listed.Uploads ?? []) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
      const left = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
      assert.deepEqual(left.Uploads ?? [], [], `${bucket} has no upload left`);
    }
  }

  /** Listings name exactly the objects the keys hold, each of which has just read back. */
  private async verifyListings(s3: S3Client): Promise<void> {
    const plain = new Map<string, { etag: string; size: number }>();
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: this.plainBucket, ...(token !== undefined ? { ContinuationToken: token } : {}) }));
      for (const o of page.Contents ?? []) plain.set(o.Key ?? "", { etag: o.ETag ?? "", size: o.Size ?? -1 });
      token = page.NextContinuationToken;
    } while (token !== undefined);
    const expected = new Map<string, { etag: string; size: number }>();
    for (const key of this.keys) if (!key.versioned && key.current !== undefined) expected.set(key.key, { etag: key.current.etag, size: key.current.size });
    assert.deepEqual(plain, expected, `${this.plainBucket} lists the objects that read back`);

    const all = await s3.send(new ListObjectVersionsCommand({ Bucket: this.versionedBucket }));
    assert.notEqual(all.IsTruncated, true);
    const versions = [...(all.Versions ?? []), ...(all.DeleteMarkers ?? [])].map((v) => `${v.Key}@${v.VersionId}`).sort();
    const known = this.keys.flatMap((k) => (k.versioned ? k.versions.map((v) => `${k.key}@${v.id}`) : [])).sort();
    assert.deepEqual(versions, known, `${this.versionedBucket} lists the versions that read back`);
  }
}
